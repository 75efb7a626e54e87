//! `geoevent eval`: score the pipeline on an annotated benchmark.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use geoevent::eval::{GoldDoc, Tally, score_doc};

use super::common::{GazetteerArgs, ResolveArgs};

/// Score the pipeline: recognition and resolution on a benchmark in the
/// JSONL format of shared/eval (`--gold`), or events, places, traps,
/// relative locations and distance claims against a gold.json annotation
/// (`--events GOLD.json ARTICLES.ndjson`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The benchmark file (JSONL): `{"text", "toponyms": [{"start","end","phrase","lat","lon"}]}`.
    #[arg(long, value_name = "FILE.jsonl", required_unless_present = "events", conflicts_with = "events")]
    pub gold: Option<PathBuf>,
    /// A gold.json annotation of events; give the articles (NDJSON) too.
    #[arg(long, value_name = "GOLD.json", requires = "articles")]
    pub events: Option<PathBuf>,
    /// The annotated articles, NDJSON with the annotation's ids.
    #[arg(value_name = "ARTICLES.ndjson")]
    pub articles: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if let (Some(gold), Some(articles)) = (&args.events, &args.articles) {
        return run_events(&args, gold, articles);
    }
    let gold = args.gold.clone().context("--gold or --events is required")?;
    let (gazetteer, mut problems) = args.gazetteer.load()?;
    let parser = geoevent::Geoparser::new(gazetteer, args.resolve.options());
    let file = std::fs::File::open(&gold).with_context(|| format!("opening {}", gold.display()))?;
    let mut tally = Tally::default();
    let mut docs = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", gold.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<GoldDoc>(&line) {
            Ok(doc) => {
                score_doc(&parser, &doc, &mut tally);
                docs += 1;
            }
            Err(e) => {
                problems += 1;
                eprintln!("geoevent: error: {}:{}: not a benchmark document: {e}", gold.display(), i + 1);
            }
        }
    }
    let m = tally.metrics(docs);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &m)?;
        writeln!(out)?;
    } else {
        writeln!(out, "benchmark   {}", gold.display())?;
        writeln!(out, "gazetteer   {} ({} places)", gazetteer.label(), gazetteer.len())?;
        writeln!(out, "documents   {}", m.docs)?;
        writeln!(out, "gold        {}   predicted {}   matched {}", m.gold, m.predicted, m.matched)?;
        writeln!(out, "precision   {:.3}", m.precision)?;
        writeln!(out, "recall      {:.3}", m.recall)?;
        writeln!(out, "f1          {:.3}", m.f1)?;
        writeln!(out, "acc@161     {:.3}   (n = {})", m.acc_161, m.resolved_n)?;
        writeln!(out, "auc         {:.3}", m.auc)?;
        writeln!(out, "mean km     {:.1}", m.mean_km)?;
        writeln!(out, "median km   {:.1}", m.median_km)?;
    }
    Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn run_events(args: &Args, gold_path: &std::path::Path, articles: &std::path::Path) -> anyhow::Result<ExitCode> {
    use geoevent::eval::events::{EventScores, Gold};
    use geoevent::events::Extractor;
    use geoevent::events::vocab::Vocabulary;
    use geoevent::input::{InputFormat, Item, documents};

    let (gazetteer, mut problems) = args.gazetteer.load()?;
    let text = std::fs::read_to_string(gold_path).with_context(|| format!("reading {}", gold_path.display()))?;
    let gold: Gold =
        serde_json::from_str(&text).with_context(|| format!("{}: not a gold.json annotation", gold_path.display()))?;
    let extractor = Extractor::new(gazetteer, args.resolve.options(), Vocabulary::embedded()?);
    let mut scores = EventScores::default();
    let mut seen = 0;
    for item in documents(&[articles.to_path_buf()], InputFormat::Ndjson) {
        let doc = match item {
            Item::Document(d) => d,
            Item::Problem(e) => {
                problems += 1;
                eprintln!("geoevent: error: {e}");
                continue;
            }
        };
        let Some(g) = gold.docs.iter().find(|g| g.id == doc.id) else { continue };
        seen += 1;
        let x = extractor.extract(&doc);
        scores.add(&gold, g, &doc, &x, &extractor);
    }
    anyhow::ensure!(seen > 0, "no article of {} has an id annotated in {}", articles.display(), gold_path.display());
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &scores)?;
        writeln!(out)?;
    } else {
        writeln!(out, "documents            {seen}")?;
        writeln!(out, "places               {} of {} within tolerance", scores.places_found, scores.places)?;
        writeln!(out, "traps emitted        {}", scores.traps_emitted)?;
        writeln!(
            out,
            "required events      {} of {} found (type and location)",
            scores.required_found, scores.required_events
        )?;
        writeln!(out, "extra events         {} of {} extracted", scores.extra_events, scores.extracted_events)?;
        writeln!(out, "relative locations   {} of {}", scores.relative_found, scores.relative_locations)?;
        writeln!(out, "distance claims      {} of {}", scores.claims_found, scores.distance_claims)?;
        for n in &scores.notes {
            writeln!(out, "  {n}")?;
        }
    }
    Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}
