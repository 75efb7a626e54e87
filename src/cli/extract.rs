//! `geoevent extract`: events and distance claims as GeoJSON.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use geoevent::events::vocab::Vocabulary;
use geoevent::events::{Extractor, dedup};
use geoevent::input::{Document, Item, documents};
use geoevent::output::FeatureWriter;
use geoevent::output::events::{claim_feature, event_feature};

use super::common::{GazetteerArgs, InputArgs, OutputArgs, ResolveArgs, Sink};

/// Extract events (who did what to whom, where and when) and distance
/// claims from reports.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// Which features to write: events (Points), distance claims
    /// (LineStrings), or both.
    #[arg(long, value_enum, default_value_t = Layer::All)]
    pub layer: Layer,
    /// Also read actors from this CSV (`actor,type,country,aliases`); repeatable.
    #[arg(long, value_name = "FILE")]
    pub actors: Vec<PathBuf>,
    /// Merge reports of one event across articles: same type, places within
    /// --dedup-km, dates within a day, overlapping actors.
    #[arg(long)]
    pub dedup: bool,
    /// Distance within which --dedup merges events, in km [default: 25].
    #[arg(long, value_name = "KM", requires = "dedup")]
    pub dedup_km: Option<f64>,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

/// Output layers of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Layer {
    /// Events and distance claims.
    All,
    /// Events only.
    Events,
    /// Distance claims only.
    DistanceClaims,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, mut problems) = args.gazetteer.load()?;
    let mut vocab = Vocabulary::embedded().context("loading the embedded event vocabulary")?;
    for f in &args.actors {
        vocab.add_actors_file(f).with_context(|| format!("loading actors from {}", f.display()))?;
    }
    let dedup_km = args.dedup.then_some(args.dedup_km.unwrap_or(25.0));
    if let Some(km) = dedup_km {
        anyhow::ensure!(km.is_finite() && km >= 0.0, "--dedup-km takes a distance in km >= 0, found {km}");
    }
    let extractor = Extractor::new(gazetteer, args.resolve.options(), vocab);
    let sink = Sink::open(args.output.output.as_ref())?;
    let mut writer = FeatureWriter::new(sink, args.output.format.into(), args.output.precision, args.output.pretty);
    let want_events = args.layer != Layer::DistanceClaims;
    let want_claims = args.layer != Layer::Events;
    // With --dedup, events are held until the end (documents are kept for
    // their metadata); without it, each document is written as it comes.
    let mut held: Vec<(usize, geoevent::events::Event<'static>)> = Vec::new();
    let mut docs: Vec<Document> = Vec::new();
    for item in documents(&args.input.inputs(), args.input.format()) {
        let doc = match item {
            Item::Problem(e) => {
                problems += 1;
                eprintln!("geoevent: error: {e}");
                continue;
            }
            Item::Document(d) => d,
        };
        let x = extractor.extract(&doc);
        if want_claims {
            for c in &x.claims {
                let (g, p) = claim_feature(&doc, c);
                writer.write(&g, &p).context("writing features")?;
            }
        }
        if want_events {
            if dedup_km.is_some() {
                let i = docs.len();
                held.extend(x.events.into_iter().map(|e| (i, e)));
                docs.push(doc);
            } else {
                for e in &x.events {
                    let (g, p) = event_feature(&doc, e);
                    writer.write(&g, &p).context("writing features")?;
                }
            }
        }
    }
    if let Some(km) = dedup_km {
        let (idx, events): (Vec<usize>, Vec<_>) = held.into_iter().unzip();
        let doc_of: std::collections::HashMap<String, usize> =
            events.iter().zip(&idx).map(|(e, i)| (e.doc_id.clone(), *i)).collect();
        for e in dedup(events, km) {
            let doc = &docs[doc_of[&e.doc_id]];
            let (g, p) = event_feature(doc, &e);
            writer.write(&g, &p).context("writing features")?;
        }
    }
    writer.finish().context("writing features")?.commit()?;
    Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
