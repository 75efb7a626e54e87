//! Running a command over a stream of documents: worker threads with output
//! in input order, a progress bar, and the output files of each layer.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use geoevent::input::{Document, Documents, Item};
use geoevent::output::{Encoded, Encoder, FeatureWriter, Format, Layer, write_file_atomically};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use super::common::{OutputArgs, Sink};

/// How to run: threads and progress.
#[derive(Debug, Args, Clone, Default)]
pub struct RunArgs {
    /// Worker threads [default: all cores]. The output is the same for every
    /// N, in input order.
    #[arg(short = 'j', long = "jobs", value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// No progress bar (it is shown only when standard error is a terminal).
    #[arg(short, long)]
    pub quiet: bool,
}

impl RunArgs {
    /// The number of worker threads.
    pub fn jobs(&self) -> usize {
        self.jobs.map_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()), usize::from)
    }
}

/// Documents handed to the workers at once: enough to keep every thread
/// busy, few enough that memory stays flat on a stream of any length.
const BATCH_DOCS: usize = 512;
const BATCH_BYTES: usize = 8 << 20;

/// Documents a worker takes at once (at most this many, and this many bytes
/// of text unless one document alone has more): `work` may run its stages
/// over all of them in turn (see [`geoevent::Geoparser::places_of_each`]).
const CHUNK_DOCS: usize = 8;
const CHUNK_BYTES: usize = 64 << 10;

/// Run `work` over every document, with `jobs` threads, and hand each
/// result with its document to `consume` in input order (so the output of
/// `-j N` is the output of `-j 1`). `work` takes a few documents at a time
/// and gives one result for each, in order. Input problems are printed and
/// counted; the count is returned.
pub fn for_each_document<T, W, C>(mut docs: Documents, run: &RunArgs, work: W, mut consume: C) -> anyhow::Result<usize>
where
    T: Send,
    W: Fn(&[Document]) -> Vec<T> + Sync,
    C: FnMut(Document, T) -> anyhow::Result<()> + Send,
{
    let progress = Progress::new(run.quiet, docs.total_bytes());
    let mut problems = 0;
    let jobs = run.jobs();
    if jobs == 1 {
        let mut chunk: Vec<Document> = Vec::with_capacity(CHUNK_DOCS);
        let mut bytes = 0;
        loop {
            let item = docs.next();
            let end = item.is_none();
            match item {
                None => {}
                Some(Item::Problem(e)) => {
                    problems += 1;
                    progress.error(&e.to_string());
                }
                Some(Item::Document(d)) => {
                    bytes += d.text.len();
                    chunk.push(d);
                }
            }
            if chunk.len() >= CHUNK_DOCS || bytes >= CHUNK_BYTES || (end && !chunk.is_empty()) {
                let results = work(&chunk);
                ensure_one_each(results.len(), chunk.len())?;
                let n = chunk.len() as u64;
                for (d, t) in chunk.drain(..).zip(results) {
                    consume(d, t)?;
                }
                bytes = 0;
                progress.advance(docs.bytes_read(), n);
            }
            if end {
                break;
            }
        }
        progress.finish();
        return Ok(problems);
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build().context("starting worker threads")?;
    // Three batches are in flight: while the workers process one, the next
    // is read and parsed and the previous written, each as one more task of
    // the pool, so neither reading nor writing holds the workers up.
    let mut next = read_batch(&mut docs);
    let mut written: Vec<(Document, T)> = Vec::new();
    loop {
        for e in next.problems.drain(..) {
            problems += 1;
            progress.error(&e.to_string());
        }
        let batch = std::mem::take(&mut next.docs);
        let last = batch.is_empty();
        let count = written.len() as u64;
        let ((results, wrote), read) = pool.install(|| {
            rayon::join(
                || {
                    rayon::join(
                        || {
                            let results: Vec<T> = batch
                                .par_chunks(CHUNK_DOCS)
                                .map(&work)
                                .collect::<Vec<_>>()
                                .into_iter()
                                .flatten()
                                .collect();
                            ensure_one_each(results.len(), batch.len())?;
                            Ok::<_, anyhow::Error>(batch.into_iter().zip(results).collect::<Vec<_>>())
                        },
                        || written.drain(..).try_for_each(|(d, t)| consume(d, t)),
                    )
                },
                || if last { Batch::default() } else { read_batch(&mut docs) },
            )
        });
        wrote?;
        progress.advance(docs.bytes_read(), count);
        written = results?;
        next = read;
        if last {
            break;
        }
    }
    progress.finish();
    Ok(problems)
}

/// `work` gives one result per document: anything else is a bug, reported
/// rather than left to drop documents.
fn ensure_one_each(results: usize, docs: usize) -> anyhow::Result<()> {
    anyhow::ensure!(results == docs, "internal error: {results} results for {docs} documents");
    Ok(())
}

/// The `work` of [`for_each_document`] that handles its documents one by
/// one with `each`.
pub fn one_by_one<T>(each: impl Fn(&Document) -> T + Sync) -> impl Fn(&[Document]) -> Vec<T> + Sync {
    move |docs| docs.iter().map(&each).collect()
}

/// Documents read for the workers at once, and the input problems met on
/// the way.
#[derive(Default)]
struct Batch {
    docs: Vec<Document>,
    problems: Vec<geoevent::Error>,
}

/// Read the next batch: empty at the end of the input.
fn read_batch(docs: &mut Documents) -> Batch {
    let mut batch = Batch::default();
    let mut bytes = 0;
    while batch.docs.len() < BATCH_DOCS && bytes < BATCH_BYTES {
        match docs.next() {
            None => break,
            Some(Item::Problem(e)) => batch.problems.push(e),
            Some(Item::Document(d)) => {
                bytes += d.text.len();
                batch.docs.push(d);
            }
        }
    }
    batch
}

/// A progress bar on standard error, drawn only when it is a terminal.
struct Progress {
    bar: Option<ProgressBar>,
    docs: std::cell::Cell<u64>,
}

impl Progress {
    fn new(quiet: bool, total: Option<u64>) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress { bar: None, docs: std::cell::Cell::new(0) };
        }
        let (bar, template) = match total {
            Some(t) => (
                ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr()),
                "{msg} {decimal_bytes}/{decimal_total_bytes} [{wide_bar}] {decimal_bytes_per_sec}, ETA {eta}",
            ),
            None => (
                ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()),
                "{spinner} {msg} {decimal_bytes} {decimal_bytes_per_sec}, {elapsed}",
            ),
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_message("0 documents");
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar), docs: std::cell::Cell::new(0) }
    }

    fn advance(&self, bytes: u64, docs: u64) {
        if let Some(b) = &self.bar {
            b.set_position(bytes);
            if docs > 0 {
                self.docs.set(self.docs.get() + docs);
                b.set_message(format!("{} documents", self.docs.get()));
            }
        }
    }

    fn error(&self, message: &str) {
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("geoevent: error: {message}")),
            None => eprintln!("geoevent: error: {message}"),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish();
        }
    }
}

/// The output files of a command: one writer per layer with `-o DIR/`, else
/// one writer (standard output or a file) for the selected layer.
pub struct Outputs {
    writers: Vec<Option<FeatureWriter<Sink>>>,
    /// `.csvt` files to write beside CSV outputs.
    sidecars: Vec<(PathBuf, String)>,
}

impl Outputs {
    /// Open the outputs. `layers` are the layers the command makes (their
    /// index is the slot of [`Outputs::write`]); `selected` is the one
    /// written to standard output or to a file.
    pub fn open(out: &OutputArgs, layers: &[Layer], selected: Layer) -> anyhow::Result<Outputs> {
        let format: Format = out.format.into();
        let encoder = |layer: Layer| geoevent::output::Encoder::new(format, layer, out.precision, out.pretty);
        let mut sidecars = Vec::new();
        let mut csvt = |path: &Path, layer: Layer| {
            if format == Format::Csv {
                sidecars.push((path.with_extension("csvt"), layer.csvt()));
            }
        };
        let writers = match out.output.as_deref() {
            Some(dir) if is_dir_target(dir) => {
                std::fs::create_dir_all(dir).with_context(|| format!("cannot create directory {}", dir.display()))?;
                let mut writers = Vec::new();
                for &layer in layers {
                    let path = dir.join(format!("{}.{}", layer.name, format.extension()));
                    let sink = Sink::open(Some(&path))?;
                    csvt(&path, layer);
                    writers.push(Some(FeatureWriter::with_encoder(sink, encoder(layer))));
                }
                writers
            }
            path => {
                if let Some(p) = path {
                    csvt(p, selected);
                }
                let sink = Sink::open(path.map(Path::to_path_buf).as_ref())?;
                let mut sink = Some(sink);
                layers
                    .iter()
                    .map(|&l| {
                        if l == selected {
                            sink.take().map(|s| FeatureWriter::with_encoder(s, encoder(l)))
                        } else {
                            None
                        }
                    })
                    .collect()
            }
        };
        Ok(Outputs { writers, sidecars })
    }

    /// The encoder of each slot, `None` for layers not written.
    pub fn encoders(&self) -> Vec<Option<Encoder>> {
        self.writers.iter().map(|w| w.as_ref().map(FeatureWriter::encoder)).collect()
    }

    /// Whether slot `slot` is written.
    pub fn wants(&self, slot: usize) -> bool {
        self.writers.get(slot).is_some_and(Option::is_some)
    }

    /// Write encoded features to slot `slot`.
    pub fn write(&mut self, slot: usize, features: &[Encoded]) -> anyhow::Result<()> {
        if let Some(Some(w)) = self.writers.get_mut(slot) {
            for f in features {
                w.write_encoded(f).context("writing features")?;
            }
        }
        Ok(())
    }

    /// Finish every file, then move them all into place: a failure leaves
    /// none of them half-written.
    pub fn finish(self) -> anyhow::Result<()> {
        let mut sinks = Vec::new();
        for w in self.writers.into_iter().flatten() {
            sinks.push(w.finish().context("writing features")?);
        }
        for s in sinks {
            s.commit()?;
        }
        for (path, contents) in self.sidecars {
            write_file_atomically(&path, contents.as_bytes())?;
        }
        Ok(())
    }
}

/// `-o` names a directory when it is one, or ends with a slash.
fn is_dir_target(p: &Path) -> bool {
    p.is_dir() || p.as_os_str().to_string_lossy().ends_with(std::path::MAIN_SEPARATOR)
}

/// Encode features for each wanted slot.
pub fn encode_all<E, I, F>(encoder: Option<E>, items: I, mut f: F) -> std::io::Result<Vec<Encoded>>
where
    I: IntoIterator,
    F: FnMut(&E, I::Item) -> std::io::Result<Encoded>,
{
    match encoder {
        None => Ok(Vec::new()),
        Some(e) => items.into_iter().map(|x| f(&e, x)).collect(),
    }
}
