//! `geoevent eval`: score the pipeline on an annotated benchmark.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use geoevent::eval::{GoldDoc, Tally, score_doc};

use super::common::{GazetteerArgs, ResolveArgs};

/// Score recognition and resolution on a benchmark in the JSONL format of
/// shared/eval (`{"text", "toponyms": [{"start","end","phrase","lat","lon"}]}`).
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The benchmark file (JSONL).
    #[arg(long, value_name = "FILE.jsonl")]
    pub gold: PathBuf,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, mut problems) = args.gazetteer.load()?;
    let parser = geoevent::Geoparser::new(gazetteer, args.resolve.options());
    let file = std::fs::File::open(&args.gold).with_context(|| format!("opening {}", args.gold.display()))?;
    let mut tally = Tally::default();
    let mut docs = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", args.gold.display()))?;
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
                eprintln!("geoevent: error: {}:{}: not a benchmark document: {e}", args.gold.display(), i + 1);
            }
        }
    }
    let m = tally.metrics(docs);
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &m)?;
        writeln!(out)?;
    } else {
        writeln!(out, "benchmark   {}", args.gold.display())?;
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
