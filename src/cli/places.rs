//! `geoevent places`: one Point feature per place mention.

use std::process::ExitCode;

use geoevent::input::documents;
use geoevent::output::{PLACES, places};

use super::common::{GazetteerArgs, InputArgs, OutputArgs, ResolveArgs};
use super::pipeline::{Outputs, RunArgs, encode_all, for_each_document};

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
    #[command(flatten)]
    pub run: RunArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, load_problems) = args.gazetteer.load()?;
    let parser = geoevent::Geoparser::new(gazetteer, args.resolve.options());
    let mut outputs = Outputs::open(&args.output, &[PLACES], PLACES)?;
    let encoder = outputs.encoders()[0].map(|e| places::PlaceEncoder::new(e, gazetteer));
    let docs = documents(&args.input.inputs(), args.input.format());
    let problems = for_each_document(
        docs,
        &args.run,
        |docs| {
            let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
            let places = parser.places_of_each(&texts);
            docs.iter().zip(places).map(|(doc, ps)| encode_all(encoder, ps, |e, p| e.encode(&doc.id, &p))).collect()
        },
        |_doc, features| outputs.write(0, &features?),
    )?;
    outputs.finish()?;
    Ok(if load_problems + problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
