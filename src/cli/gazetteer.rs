//! `geoevent gazetteer check|build|info`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use geoevent::gazetteer::sources;
use geoevent::output::AtomicFile;

use super::common::report;

/// Gazetteer maintenance.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Validate gazetteer files; print every bad row as `file:line: problem`.
    Check {
        /// geoevent CSV, GeoNames dump, admin1CodesASCII.txt, countryInfo.txt or index files.
        #[arg(value_name = "FILE", required = true)]
        files: Vec<PathBuf>,
    },
    /// Compile gazetteer sources into one index file that loads instantly.
    Build {
        /// Source files, combined (as for --gazetteer).
        #[arg(value_name = "SOURCE", required = true)]
        sources: Vec<PathBuf>,
        /// The index file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
    },
    /// Summarise a gazetteer (the embedded one without --gazetteer).
    Info {
        #[command(flatten)]
        gazetteer: super::common::GazetteerArgs,
    },
}

pub fn run(cmd: Command) -> anyhow::Result<ExitCode> {
    match cmd {
        Command::Check { files } => {
            let mut bad = 0;
            let mut out = std::io::stdout().lock();
            for f in &files {
                let (good, diags) = sources::check(f).with_context(|| format!("checking {}", f.display()))?;
                let (problems, notes): (Vec<_>, Vec<_>) = diags.iter().partition(|d| d.is_problem());
                for d in &problems {
                    writeln!(out, "{d}")?;
                }
                report(notes);
                bad += problems.len();
                eprintln!("{}: {} good row(s), {} problem(s)", f.display(), good, problems.len());
            }
            Ok(if bad > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Build { sources: files, output } => {
            let (builder, diags) = sources::build(&files)?;
            report(&diags);
            let places = builder.len();
            let index = builder.finish_sections().map_err(anyhow::Error::msg)?;
            let mut f = AtomicFile::create(&output)?;
            let mut w = std::io::BufWriter::new(f.file());
            index.write_to(&mut w).and_then(|()| w.flush()).with_context(|| format!("writing {}", output.display()))?;
            drop(w);
            f.commit()?;
            eprintln!("{}: {} places, {} bytes", output.display(), places, index.len());
            Ok(if diags.iter().any(|d| d.is_problem()) { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Info { gazetteer } => {
            let (g, problems) = gazetteer.load()?;
            let mut counts = std::collections::BTreeMap::new();
            for p in g.places() {
                *counts.entry(p.kind.as_str()).or_insert(0usize) += 1;
            }
            let mut out = std::io::stdout().lock();
            writeln!(out, "{}: {} places", g.label(), g.len())?;
            for (k, n) in counts {
                writeln!(out, "  {k:<9} {n}")?;
            }
            Ok(if problems > 0 { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
    }
}
