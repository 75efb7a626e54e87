//! `geoevent resolve`: the candidates of a name, with their scores.

use std::io::Write;
use std::process::ExitCode;

use geoevent::resolve::Resolver;
use serde::Serialize;

use super::common::{GazetteerArgs, ResolveArgs, Sink};

/// List the gazetteer candidates of a name, best first.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The name, as it would appear in text.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Show at most this many candidates.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    name: &'a str,
    kind: &'a str,
    country: &'a str,
    admin1: &'a str,
    lat: f64,
    lon: f64,
    population: Option<u64>,
    matched: &'static str,
    score: f64,
    confidence: f64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let (gazetteer, problems) = args.gazetteer.load()?;
    let resolver = Resolver::new(gazetteer, args.resolve.options().resolving);
    let ranked = resolver.rank_name(&args.name);
    let rows: Vec<Row<'_>> = ranked
        .iter()
        .take(args.limit)
        .map(|s| Row {
            id: s.place.id,
            name: s.place.name,
            kind: s.place.kind.as_str(),
            country: s.place.country,
            admin1: s.place.admin1,
            lat: s.place.lat,
            lon: s.place.lon,
            population: s.place.population,
            matched: match s.variant {
                geoevent::gazetteer::Variant::Primary => "name",
                geoevent::gazetteer::Variant::Alternate => "alternate",
                geoevent::gazetteer::Variant::Stripped => "without article",
                geoevent::gazetteer::Variant::Loose => "loose spelling",
            },
            score: (s.score * 1000.0).round() / 1000.0,
            confidence: (s.confidence * 1000.0).round() / 1000.0,
        })
        .collect();
    let mut out = Sink::open(None)?;
    if args.json {
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
    } else if rows.is_empty() {
        out.commit()?;
        eprintln!("geoevent: no place named {:?} in {}", args.name, gazetteer.label());
        return Ok(ExitCode::from(1));
    } else {
        writeln!(
            out,
            "{:<6} {:<6} {:<16} {:<9} {:<2} {:<22} {:>10} {:>11} {:>10}  name (matched)",
            "score", "conf", "id", "kind", "cc", "admin1", "lat", "lon", "population"
        )?;
        for r in &rows {
            writeln!(
                out,
                "{:<6.2} {:<6.3} {:<16} {:<9} {:<2} {:<22} {:>10.5} {:>11.5} {:>10}  {} ({})",
                r.score,
                r.confidence,
                r.id,
                r.kind,
                r.country,
                truncate(r.admin1, 22),
                r.lat,
                r.lon,
                r.population.map(|p| p.to_string()).unwrap_or_else(|| "-".into()),
                r.name,
                r.matched
            )?;
        }
    }
    out.commit()?;
    Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
