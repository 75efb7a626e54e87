//! `geoevent map`: events and distance claims on one self-contained HTML page.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use geoevent::events::Extractor;
use geoevent::events::vocab::Vocabulary;
use geoevent::input::documents;
use geoevent::map::Page;
use geoevent::output::events::{claim_feature, event_feature};
use geoevent::output::{DISTANCE_CLAIMS, EVENTS, Encoded, Encoder, FeatureWriter, Format, write_file_atomically};

use super::common::{GazetteerArgs, InputArgs, ResolveArgs};
use super::pipeline::{RunArgs, for_each_document, one_by_one};

/// Map the events and distance claims of reports on one HTML page (Leaflet,
/// everything inlined, no network access unless --tiles is given).
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: InputArgs,
    /// Write the page to this file (atomically) instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Page title.
    #[arg(long, value_name = "TEXT", default_value = "geoevent map")]
    pub title: String,
    /// Show raster tiles from this URL template instead of the offline
    /// country outlines, e.g. `https://tile.openstreetmap.org/{z}/{x}/{y}.png`
    /// (the page then loads tiles from that server).
    #[arg(long, value_name = "URL")]
    pub tiles: Option<String>,
    /// Attribution of the --tiles, shown as text in the map corner (tile
    /// servers require one, e.g. "© OpenStreetMap contributors").
    #[arg(long, value_name = "TEXT", requires = "tiles")]
    pub attribution: Option<String>,
    #[command(flatten)]
    pub resolve: ResolveArgs,
    #[command(flatten)]
    pub gazetteer: GazetteerArgs,
    #[command(flatten)]
    pub run: RunArgs,
}

/// Decimal places of the coordinates on the page, as in `extract`.
const PRECISION: u32 = 6;

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if !geoevent::map::AVAILABLE {
        return Err(geoevent::Error::NoMapAssets.into());
    }
    let (gazetteer, load_problems) = args.gazetteer.load()?;
    let vocab = Vocabulary::embedded().context("loading the embedded event vocabulary")?;
    let extractor = Extractor::new(gazetteer, args.resolve.options(), vocab);
    let event_enc = Encoder::new(Format::Geojson, EVENTS, PRECISION, false);
    let claim_enc = Encoder::new(Format::Geojson, DISTANCE_CLAIMS, PRECISION, false);
    let mut events = FeatureWriter::with_encoder(Vec::new(), event_enc);
    let mut claims = FeatureWriter::with_encoder(Vec::new(), claim_enc);
    let work = |doc: &geoevent::input::Document| -> std::io::Result<(Vec<Encoded>, Vec<Encoded>)> {
        let x = extractor.extract(doc);
        let ev = x.events.iter().map(|e| {
            let (g, p) = event_feature(doc, e);
            event_enc.encode(&g, &p)
        });
        let cl = x.claims.iter().map(|c| {
            let (g, p) = claim_feature(doc, c);
            claim_enc.encode(&g, &p)
        });
        Ok((ev.collect::<std::io::Result<_>>()?, cl.collect::<std::io::Result<_>>()?))
    };
    let problems = for_each_document(
        documents(&args.input.inputs(), args.input.format()),
        &args.run,
        one_by_one(work),
        |_, r| {
            let (ev, cl) = r.context("encoding features")?;
            for e in &ev {
                events.write_encoded(e).context("encoding features")?;
            }
            for c in &cl {
                claims.write_encoded(c).context("encoding features")?;
            }
            Ok(())
        },
    )?;
    let events = String::from_utf8(events.finish().context("encoding features")?).context("encoding features")?;
    let claims = String::from_utf8(claims.finish().context("encoding features")?).context("encoding features")?;
    let page = Page { title: &args.title, tiles: args.tiles.as_deref(), attribution: args.attribution.as_deref() };
    let html = geoevent::map::render(&events, &claims, &page)?;
    match &args.output {
        Some(path) => {
            write_file_atomically(path, html.as_bytes()).with_context(|| format!("cannot write {}", path.display()))?
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(html.as_bytes()).and_then(|()| out.flush()).context("writing standard output")?;
        }
    }
    Ok(if load_problems + problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use crate::cli::{Command, Opts};

    #[test]
    fn map_flags() {
        let o = Opts::try_parse_from([
            "geoevent",
            "map",
            "-o",
            "map.html",
            "--title",
            "Anbar",
            "--tiles",
            "https://tile.example.org/{z}/{x}/{y}.png",
            "--attribution",
            "© contributors",
            "-j",
            "2",
            "a.ndjson",
        ])
        .expect("parses");
        let Command::Map(a) = o.command else { panic!("not map") };
        assert_eq!(a.output.as_deref(), Some(std::path::Path::new("map.html")));
        assert_eq!(a.title, "Anbar");
        assert_eq!(a.attribution.as_deref(), Some("© contributors"));
        assert_eq!(a.run.jobs, Some(2));
        // --attribution belongs to --tiles.
        assert!(Opts::try_parse_from(["geoevent", "map", "--attribution", "x"]).is_err());
    }
}
