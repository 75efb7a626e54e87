//! `geoevent places`: one Point feature per place mention.

use std::process::ExitCode;

use anyhow::Context;
use geoevent::input::{Item, documents};
use geoevent::output::{FeatureWriter, places};

use super::common::{GazetteerArgs, InputArgs, OutputArgs, ResolveArgs, Sink};

/// Find and resolve the place mentions of documents.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, mut problems) = args.gazetteer.load()?;
    let parser = geoevent::Geoparser::new(gazetteer, args.resolve.options());
    let sink = Sink::open(args.output.output.as_ref())?;
    let mut writer = FeatureWriter::new(sink, args.output.format.into(), args.output.precision, args.output.pretty);
    for item in documents(&args.input.inputs(), args.input.format()) {
        match item {
            Item::Problem(e) => {
                problems += 1;
                eprintln!("geoevent: error: {e}");
            }
            Item::Document(doc) => {
                for p in parser.places(&doc.text) {
                    let (geometry, props) = places::feature(&doc.id, &p);
                    writer.write(&geometry, &props).context("writing features")?;
                }
            }
        }
    }
    let sink = writer.finish().context("writing features")?;
    sink.commit()?;
    Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
