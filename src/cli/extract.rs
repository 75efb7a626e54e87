//! `geoevent extract`: events, distance claims and places as GeoJSON.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::ValueEnum;
use geoevent::events::vocab::Vocabulary;
use geoevent::events::{Event, Extractor, dedup};
use geoevent::input::{Document, documents};
use geoevent::output::events::{claim_feature, event_feature};
use geoevent::output::{DISTANCE_CLAIMS, EVENTS, Encoded, PLACES, places};

use super::common::{GazetteerArgs, InputArgs, OutputArgs, ResolveArgs};
use super::pipeline::{Outputs, RunArgs, encode_all, for_each_document, one_by_one};

/// Extract events (who did what to whom, where and when) and distance
/// claims from reports.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output: OutputArgs,
    /// The layer written to standard output or to `-o FILE`: events
    /// (Points), distance claims (LineStrings) or place mentions (Points).
    /// `-o DIR/` writes all three.
    #[arg(long, value_enum, default_value_t = LayerArg::Events)]
    pub layer: LayerArg,
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
    #[command(flatten)]
    pub run: RunArgs,
}

/// Output layers of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LayerArg {
    /// Events (Points).
    Events,
    /// Distance claims (LineStrings).
    DistanceClaims,
    /// Place mentions (Points), as `geoevent places` gives them with the
    /// actors' countries as context.
    Places,
}

/// Output slots, in the order of [`LAYERS`].
const EVENTS_SLOT: usize = 0;
const CLAIMS_SLOT: usize = 1;
const PLACES_SLOT: usize = 2;
const LAYERS: [geoevent::output::Layer; 3] = [EVENTS, DISTANCE_CLAIMS, PLACES];

/// What a worker makes of one document.
struct Done {
    /// Encoded events, or with --dedup the events themselves, held to the end.
    events: std::io::Result<Vec<Encoded>>,
    held: Vec<Event<'static>>,
    claims: std::io::Result<Vec<Encoded>>,
    places: std::io::Result<Vec<Encoded>>,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, load_problems) = args.gazetteer.load()?;
    let mut vocab = Vocabulary::embedded().context("loading the embedded event vocabulary")?;
    for f in &args.actors {
        vocab.add_actors_file(f).with_context(|| format!("loading actors from {}", f.display()))?;
    }
    let dedup_km = args.dedup.then_some(args.dedup_km.unwrap_or(25.0));
    if let Some(km) = dedup_km {
        anyhow::ensure!(km.is_finite() && km >= 0.0, "--dedup-km takes a distance in km >= 0, found {km}");
    }
    let extractor = Extractor::new(gazetteer, args.resolve.options(), vocab);
    let selected = LAYERS[match args.layer {
        LayerArg::Events => EVENTS_SLOT,
        LayerArg::DistanceClaims => CLAIMS_SLOT,
        LayerArg::Places => PLACES_SLOT,
    }];
    let mut outputs = Outputs::open(&args.output, &LAYERS, selected)?;
    let enc = outputs.encoders();
    let place_encoder = enc[PLACES_SLOT].map(|e| places::PlaceEncoder::new(e, gazetteer));
    let hold = dedup_km.is_some() && outputs.wants(EVENTS_SLOT);
    // With --dedup, events are held until the end (with their documents'
    // metadata); everything else is written as each document comes.
    let mut held: Vec<Event<'static>> = Vec::new();
    let mut docs: HashMap<String, Document> = HashMap::new();
    let work = |doc: &Document| {
        let x = extractor.extract(doc);
        let (events, held) = if hold {
            (Ok(Vec::new()), x.events)
        } else {
            let events = encode_all(enc[EVENTS_SLOT], &x.events, |e, ev| {
                let (g, p) = event_feature(doc, ev);
                e.encode(&g, &p)
            });
            (events, Vec::new())
        };
        let claims = encode_all(enc[CLAIMS_SLOT], &x.claims, |e, c| {
            let (g, p) = claim_feature(doc, c);
            e.encode(&g, &p)
        });
        let places = encode_all(place_encoder, &x.places, |e, p| e.encode(&doc.id, p));
        Done { events, held, claims, places }
    };
    let problems = for_each_document(
        documents(&args.input.inputs(), args.input.format()),
        &args.run,
        one_by_one(work),
        |doc, d| {
            outputs.write(EVENTS_SLOT, &d.events?)?;
            outputs.write(CLAIMS_SLOT, &d.claims?)?;
            outputs.write(PLACES_SLOT, &d.places?)?;
            if hold && !d.held.is_empty() {
                held.extend(d.held);
                docs.insert(doc.id.clone(), doc);
            }
            Ok(())
        },
    )?;
    if let Some(km) = dedup_km.filter(|_| hold) {
        let enc = enc[EVENTS_SLOT].context("no events writer")?;
        for e in dedup(held, km) {
            let doc = &docs[&e.doc_id];
            let (g, p) = event_feature(doc, &e);
            outputs.write(EVENTS_SLOT, &[enc.encode(&g, &p).context("writing features")?])?;
        }
    }
    outputs.finish()?;
    Ok(if load_problems + problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
