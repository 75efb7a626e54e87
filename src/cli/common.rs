//! Flags shared by several subcommands.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, ValueEnum};
use geoevent::Gazetteer;
use geoevent::gazetteer::sources::{self, Diagnostic};
use geoevent::input::InputFormat;
use geoevent::output::{AtomicFile, Format};
use geoevent::resolve::{BBox, ResolveOptions};

/// Which gazetteer to use.
#[derive(Debug, Args, Clone, Default)]
pub struct GazetteerArgs {
    /// Use this gazetteer instead of the embedded one: a geoevent CSV, a
    /// GeoNames dump (cities*.txt, allCountries.txt), optionally with
    /// admin1CodesASCII.txt and countryInfo.txt, or an index from
    /// `geoevent gazetteer build`. Repeat to combine files.
    #[arg(long = "gazetteer", value_name = "FILE", global = true)]
    pub gazetteer: Vec<PathBuf>,
}

impl GazetteerArgs {
    /// Load the gazetteer; bad rows are printed as warnings and counted.
    pub fn load(&self) -> anyhow::Result<(&'static Gazetteer, usize)> {
        if self.gazetteer.is_empty() {
            return Ok((Gazetteer::embedded(), 0));
        }
        let (g, diags) = sources::load(&self.gazetteer).context("loading the gazetteer")?;
        report(&diags);
        // The gazetteer lives for the whole run.
        Ok((Box::leak(Box::new(g)), diags.iter().filter(|d| d.is_problem()).count()))
    }
}

/// Print diagnostics to stderr: problems as warnings, then notes.
pub fn report<'d>(diags: impl IntoIterator<Item = &'d Diagnostic>) {
    let mut err = std::io::stderr().lock();
    for d in diags {
        let what = if d.is_problem() { "warning" } else { "note" };
        let _ = writeln!(err, "geoevent: {what}: {d}");
    }
}

/// Resolution priors.
#[derive(Debug, Args, Clone, Default)]
pub struct ResolveArgs {
    /// Prefer places in these countries (ISO 3166-1 alpha-2, comma-separated
    /// or repeated), e.g. `--country IQ,SY`.
    #[arg(long, value_name = "CC", value_delimiter = ',', value_parser = parse_country)]
    pub country: Vec<String>,
    /// Prefer places inside this box: `west,south,east,north` in degrees.
    #[arg(long, value_name = "W,S,E,N", value_parser = parse_bbox, allow_hyphen_values = true)]
    pub bbox: Option<BBox>,
    /// Also report demonyms ("Iraqi", "Syrian") as mentions of their country.
    #[arg(long)]
    pub demonyms: bool,
}

fn parse_country(s: &str) -> Result<String, String> {
    let c = s.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(format!("expected a two-letter ISO country code, found {s:?}"))
    }
}

fn parse_bbox(s: &str) -> Result<BBox, String> {
    BBox::parse(s)
}

impl ResolveArgs {
    /// The pipeline options these flags ask for.
    pub fn options(&self) -> geoevent::Options {
        geoevent::Options {
            matching: geoevent::matcher::MatchOptions { demonyms: self.demonyms },
            resolving: ResolveOptions { countries: self.country.clone(), bbox: self.bbox, ..ResolveOptions::default() },
        }
    }
}

/// Where documents come from.
#[derive(Debug, Args, Clone, Default)]
pub struct InputArgs {
    /// Text files, directories (read recursively) or `-` for standard input
    /// (the default).
    #[arg(value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Read every input as NDJSON articles (`{"id","text",...}` a line).
    /// Without it, `.ndjson`/`.jsonl` files and files starting with `{` are.
    #[arg(long, conflicts_with = "text")]
    pub ndjson: bool,
    /// Read every input as one plain-text document.
    #[arg(long)]
    pub text: bool,
}

impl InputArgs {
    /// The inputs, `-` when none were given.
    pub fn inputs(&self) -> Vec<PathBuf> {
        if self.inputs.is_empty() { vec![PathBuf::from("-")] } else { self.inputs.clone() }
    }

    /// The input format.
    pub fn format(&self) -> InputFormat {
        if self.ndjson {
            InputFormat::Ndjson
        } else if self.text {
            InputFormat::Text
        } else {
            InputFormat::Detect
        }
    }
}

/// Feature output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutFormat {
    /// RFC 7946 FeatureCollection.
    Geojson,
    /// RFC 8142 GeoJSON text sequence (RS-framed).
    Geojsonseq,
    /// Newline-delimited GeoJSON features.
    Ndjson,
    /// CSV, one row per feature: id, lat, lon, wkt, then the properties
    /// (with a `.csvt` file of column types beside a file output).
    Csv,
    /// KML 2.2 (Google Earth): Placemarks with typed ExtendedData.
    Kml,
}

impl From<OutFormat> for Format {
    fn from(f: OutFormat) -> Format {
        match f {
            OutFormat::Geojson => Format::Geojson,
            OutFormat::Geojsonseq => Format::Geojsonseq,
            OutFormat::Ndjson => Format::Ndjson,
            OutFormat::Csv => Format::Csv,
            OutFormat::Kml => Format::Kml,
        }
    }
}

/// How to write features.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = OutFormat::Geojson)]
    pub format: OutFormat,
    /// Decimal places of coordinates.
    #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=15))]
    pub precision: u32,
    /// Indent the FeatureCollection.
    #[arg(long)]
    pub pretty: bool,
    /// Write to this file instead of standard output; a directory (existing,
    /// or given with a trailing `/`) gets one file per layer
    /// (`events.geojson`, `places.geojson`, ...). Files are written
    /// atomically: a failed run leaves no partial file.
    #[arg(short, long, value_name = "FILE|DIR/")]
    pub output: Option<PathBuf>,
}

/// An output destination: stdout, or a file committed at the end.
pub enum Sink {
    /// Standard output (see [`raw_stdout`]).
    Stdout(std::io::BufWriter<Box<dyn Write + Send>>),
    /// A file written atomically.
    File(std::io::BufWriter<std::fs::File>, AtomicFile),
}

impl Sink {
    /// Open the destination.
    pub fn open(path: Option<&PathBuf>) -> anyhow::Result<Sink> {
        match path {
            None => Ok(Sink::Stdout(std::io::BufWriter::with_capacity(1 << 16, raw_stdout()))),
            Some(p) => {
                let mut a = AtomicFile::create(p).with_context(|| format!("cannot write {}", p.display()))?;
                let f = a.file().try_clone().with_context(|| format!("cannot write {}", p.display()))?;
                Ok(Sink::File(std::io::BufWriter::with_capacity(1 << 16, f), a))
            }
        }
    }

    /// Flush and, for a file, move it into place.
    pub fn commit(self) -> anyhow::Result<()> {
        match self {
            Sink::Stdout(mut w) => w.flush().context("writing standard output"),
            Sink::File(mut w, a) => {
                w.flush().context("writing the output file")?;
                drop(w);
                a.commit().context("writing the output file")?;
                Ok(())
            }
        }
    }
}

/// Standard output with no line buffering of its own: on Unix, a file of a
/// duplicate of its descriptor. `std::io::Stdout` is line-buffered, so each
/// 64 KiB the sink flushed was searched for its last newline, written up to
/// it, and its tail copied to be written by the next flush: a scan of every
/// byte written and two writes a flush instead of one.
fn raw_stdout() -> Box<dyn Write + Send> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout())
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(w, _) => w.write(buf),
        }
    }

    /// `BufWriter`'s own: a copy when the bytes fit its buffer (the
    /// trait's default loops over `write` calls, a few a feature).
    #[inline]
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::File(w, _) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Sink::Stdout(w) => w.flush(),
            Sink::File(w, _) => w.flush(),
        }
    }
}
