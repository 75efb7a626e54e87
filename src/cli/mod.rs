//! Command-line options and dispatch.

mod common;
mod distance;
mod eval;
mod extract;
mod gazetteer;
mod map;
mod pipeline;
mod places;
mod resolve;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Turn news reports into mapped places and events.
///
/// geoevent finds place names in news text, resolves them through an
/// embedded gazetteer to coordinates, and writes RFC 7946 GeoJSON.
#[derive(Debug, Parser)]
#[command(name = "geoevent", version, about, max_term_width = 100)]
pub struct Opts {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find and resolve every place mention: one Point feature per mention.
    Places(places::Args),
    /// Extract events and distance claims: one feature per event.
    Extract(extract::Args),
    /// Map events and distance claims on one self-contained HTML page.
    Map(map::Args),
    /// Geodesic distance, bearing and direction between places.
    Distance(distance::Args),
    /// List the gazetteer candidates of a name with their scores.
    Resolve(resolve::Args),
    /// Check or compile gazetteer files.
    #[command(subcommand)]
    Gazetteer(gazetteer::Command),
    /// Score the pipeline on an annotated benchmark.
    Eval(eval::Args),
}

/// Run a parsed command line.
pub fn run(opts: Opts) -> anyhow::Result<ExitCode> {
    match opts.command {
        Command::Places(a) => places::run(a),
        Command::Extract(a) => extract::run(a),
        Command::Map(a) => map::run(a),
        Command::Distance(a) => distance::run(a),
        Command::Resolve(a) => resolve::run(a),
        Command::Gazetteer(c) => gazetteer::run(c),
        Command::Eval(a) => eval::run(a),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definition_is_valid() {
        Opts::command().debug_assert();
    }

    #[test]
    fn places_flags() {
        let o = Opts::try_parse_from([
            "geoevent",
            "places",
            "--format",
            "geojsonseq",
            "--precision",
            "4",
            "--country",
            "IQ,SY",
            "--bbox",
            "38,29,49,38",
            "--ndjson",
            "a.ndjson",
        ])
        .expect("parses");
        let Command::Places(a) = o.command else { panic!("not places") };
        assert_eq!(a.output.format, common::OutFormat::Geojsonseq);
        assert_eq!(a.output.precision, 4);
        assert_eq!(a.resolve.country, vec!["IQ", "SY"]);
        assert!(a.input.ndjson);
    }

    #[test]
    fn rejects_bad_flag_values() {
        assert!(Opts::try_parse_from(["geoevent", "places", "--format", "shp"]).is_err());
        assert!(Opts::try_parse_from(["geoevent", "places", "--precision", "20"]).is_err());
        assert!(Opts::try_parse_from(["geoevent", "places", "--ndjson", "--text"]).is_err());
        assert!(Opts::try_parse_from(["geoevent", "distance", "Mosul"]).is_err());
    }
}
