//! Reading documents: text files, directories, standard input, and NDJSON
//! articles (one JSON object a line, `{"id", "text", "title", "source",
//! "published", "url"}`).
//!
//! Documents are produced lazily, one at a time, so memory stays flat on
//! streams of any length. A bad line or file is yielded as an error item and
//! the stream goes on.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::Error;

mod article;

/// One article.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Document {
    /// Identifier: the NDJSON `id`, else the file stem (`<stem>:<line>` for
    /// NDJSON lines without one), `stdin` for standard input.
    pub id: String,
    /// The text.
    pub text: String,
    /// Headline, if given.
    pub title: Option<String>,
    /// Publisher, if given.
    pub source: Option<String>,
    /// Publication date (ISO 8601), if given.
    pub published: Option<String>,
    /// Address, if given.
    pub url: Option<String>,
}

/// How to read inputs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputFormat {
    /// NDJSON for `.ndjson`/`.jsonl` files and files whose first byte is
    /// `{`; plain text otherwise.
    #[default]
    Detect,
    /// Every input is NDJSON.
    Ndjson,
    /// Every input is one plain-text document.
    Text,
}

/// A stream item: a document, or a problem with some input that did not stop
/// the stream. A document may come with a warning (invalid UTF-8 replaced).
#[derive(Debug)]
pub enum Item {
    /// A document to process.
    Document(Document),
    /// A problem to report.
    Problem(Error),
}

/// The name standard input goes by in messages and ids.
pub const STDIN: &str = "-";

/// Expand inputs (files, directories, `-`) into the files to read, in order:
/// directories are walked recursively in name order, skipping hidden entries.
/// Unreadable directory entries come back as problems.
pub fn expand(inputs: &[PathBuf]) -> (Vec<PathBuf>, Vec<Error>) {
    let mut files = Vec::new();
    let mut problems = Vec::new();
    for input in inputs {
        if input.as_os_str() == STDIN || !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let walker = walkdir::WalkDir::new(input)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => files.push(e.into_path()),
                // Links are followed to files; a dangling one is reported.
                Ok(e) if e.file_type().is_symlink() => match std::fs::metadata(e.path()) {
                    Ok(m) if m.is_file() => files.push(e.into_path()),
                    Ok(_) => {}
                    Err(err) => problems.push(Error::io(e.path(), err)),
                },
                Ok(_) => {}
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| input.clone());
                    let source = e.into_io_error().unwrap_or_else(|| std::io::Error::other("directory walk failed"));
                    problems.push(Error::io(&path, source));
                }
            }
        }
    }
    (files, problems)
}

/// A lazy stream of documents over input files.
pub struct Documents {
    files: std::vec::IntoIter<PathBuf>,
    format: InputFormat,
    pending: std::collections::VecDeque<Item>,
    current: Option<NdjsonLines>,
    consumed: u64,
    total: Option<u64>,
}

struct NdjsonLines {
    reader: Box<dyn BufRead + Send>,
    name: String,
    stem: String,
    line: u64,
    /// The current line's bytes: one buffer for the whole file, not one
    /// grown from empty for every line.
    buf: Vec<u8>,
}

/// Stream the documents of `inputs`.
pub fn documents(inputs: &[PathBuf], format: InputFormat) -> Documents {
    let (files, problems) = expand(inputs);
    // The input size is known unless standard input is read.
    let total = files.iter().try_fold(0u64, |sum, f| {
        if f.as_os_str() == STDIN { None } else { Some(sum + std::fs::metadata(f).map_or(0, |m| m.len())) }
    });
    Documents {
        files: files.into_iter(),
        format,
        pending: problems.into_iter().map(Item::Problem).collect(),
        current: None,
        consumed: 0,
        total,
    }
}

fn display_name(path: &Path) -> String {
    if path.as_os_str() == STDIN { "<stdin>".to_string() } else { path.display().to_string() }
}

fn stem(path: &Path) -> String {
    if path.as_os_str() == STDIN {
        return "stdin".to_string();
    }
    path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string())
}

impl Iterator for Documents {
    type Item = Item;

    fn next(&mut self) -> Option<Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            if let Some(cur) = &mut self.current {
                match next_ndjson(cur, &mut self.consumed) {
                    Some(item) => return Some(item),
                    None => self.current = None,
                }
                continue;
            }
            let path = self.files.next()?;
            self.open(&path);
        }
    }
}

impl Documents {
    /// Bytes of input read so far.
    pub fn bytes_read(&self) -> u64 {
        self.consumed
    }

    /// The total size of the inputs in bytes, when known (not for standard
    /// input).
    pub fn total_bytes(&self) -> Option<u64> {
        self.total
    }

    fn open(&mut self, path: &Path) {
        let name = display_name(path);
        let reader: Box<dyn BufRead + Send> = if path.as_os_str() == STDIN {
            Box::new(BufReader::with_capacity(1 << 16, std::io::stdin()))
        } else {
            match File::open(path) {
                Ok(f) => Box::new(BufReader::with_capacity(1 << 16, f)),
                Err(e) => {
                    self.pending.push_back(Item::Problem(Error::io(path, e)));
                    return;
                }
            }
        };
        let mut reader = reader;
        let ndjson = match self.format {
            InputFormat::Ndjson => true,
            InputFormat::Text => false,
            InputFormat::Detect => {
                let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
                if matches!(ext.as_deref(), Some("ndjson" | "jsonl")) {
                    true
                } else {
                    match reader.fill_buf() {
                        Ok(buf) => buf.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{'),
                        Err(e) => {
                            self.pending.push_back(Item::Problem(Error::io(path, e)));
                            return;
                        }
                    }
                }
            }
        };
        if ndjson {
            self.current = Some(NdjsonLines { reader, name, stem: stem(path), line: 0, buf: Vec::new() });
            return;
        }
        let mut bytes = Vec::new();
        let read = reader.read_to_end(&mut bytes);
        self.consumed += bytes.len() as u64;
        if let Err(e) = read {
            self.pending.push_back(Item::Problem(Error::io(path, e)));
            return;
        }
        let text = match String::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                self.pending.push_back(Item::Problem(Error::Line {
                    source_name: name.clone(),
                    line: line_of(e.as_bytes(), at),
                    message: format!(
                        "invalid UTF-8 at byte {at}; bad bytes replaced with U+FFFD and the rest processed"
                    ),
                }));
                String::from_utf8_lossy(e.as_bytes()).into_owned()
            }
        };
        self.pending.push_back(Item::Document(Document { id: stem(path), text, ..Document::default() }));
    }
}

fn line_of(bytes: &[u8], at: usize) -> u64 {
    bytes[..at.min(bytes.len())].iter().filter(|b| **b == b'\n').count() as u64 + 1
}

/// An NDJSON article's fields, as serde_json reads them.
#[derive(Debug, Default, Deserialize, PartialEq)]
struct RawDoc {
    id: Option<serde_json::Value>,
    text: Option<String>,
    title: Option<String>,
    source: Option<String>,
    published: Option<String>,
    url: Option<String>,
}

/// The fields of an NDJSON line (valid UTF-8), exactly as
/// `serde_json::from_str::<RawDoc>` reads them, errors included: by
/// [`article::read`] when it can, and by serde_json otherwise.
fn read_raw_doc(line: &str) -> serde_json::Result<RawDoc> {
    let body = line.trim_end_matches(['\n', '\r']);
    if let Some(doc) = article::read(body) {
        return Ok(doc);
    }
    serde_json::from_str(line)
}

/// `reader.read_until(b'\n', out)`, finding the line break with the
/// `memchr` crate (SIMD) instead of the standard library's eight bytes at a
/// time (1.2 instructions a byte of news, 1.3% of `places`' instructions).
fn read_line(reader: &mut dyn BufRead, out: &mut Vec<u8>) -> std::io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let (done, used) = match memchr::memchr(b'\n', available) {
            Some(i) => (true, i + 1),
            None => (available.is_empty(), available.len()),
        };
        out.extend_from_slice(&available[..used]);
        reader.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

fn next_ndjson(cur: &mut NdjsonLines, consumed: &mut u64) -> Option<Item> {
    loop {
        cur.line += 1;
        // A line whole in the reader's buffer (most lines: the buffer holds
        // 64 KiB) is read where it is, with no copy. (An error is left to
        // `read_line` below, which retries or reports it.)
        if let Ok(available) = cur.reader.fill_buf()
            && let Some(i) = memchr::memchr(b'\n', available)
        {
            let line = &available[..=i];
            *consumed += line.len() as u64;
            let item = (!is_blank(line)).then(|| parse_ndjson_line(line, &cur.name, &cur.stem, cur.line));
            cur.reader.consume(i + 1);
            match item {
                Some(item) => return Some(item),
                None => continue,
            }
        }
        let mut buf = std::mem::take(&mut cur.buf);
        buf.clear();
        let item = match read_line(&mut cur.reader, &mut buf) {
            Ok(0) => return None,
            Ok(n) => {
                *consumed += n as u64;
                (!is_blank(&buf)).then(|| parse_ndjson_line(&buf, &cur.name, &cur.stem, cur.line))
            }
            Err(e) => Some(Item::Problem(Error::Line {
                source_name: cur.name.clone(),
                line: cur.line,
                message: format!("read error: {e}"),
            })),
        };
        // A huge line's buffer is not kept for the rest of the file.
        if buf.capacity() <= 1 << 20 {
            cur.buf = buf;
        }
        if item.is_some() {
            return item;
        }
    }
}

/// Whether a line holds nothing but white space (and is skipped).
fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|b| b.is_ascii_whitespace())
}

fn parse_ndjson_line(buf: &[u8], name: &str, stem: &str, line: u64) -> Item {
    let problem = |message: String| Item::Problem(Error::Line { source_name: name.to_string(), line, message });
    // The line is checked as UTF-8 whole, by SIMD (std's check, which
    // `serde_json::from_slice` runs on every string, leaves its fast path
    // at every curly quote and dash), and then parsed as text.
    let Ok(text) = simdutf8::basic::from_utf8(buf) else {
        return problem("not a JSON article object: invalid UTF-8".into());
    };
    let raw = match read_raw_doc(text) {
        Ok(r) => r,
        Err(e) => return problem(format!("not a JSON article object: {e}")),
    };
    let Some(text) = raw.text else {
        return problem("article has no \"text\" string field".into());
    };
    let id = match raw.id {
        Some(serde_json::Value::String(s)) => s,
        Some(serde_json::Value::Number(n)) => n.to_string(),
        None | Some(serde_json::Value::Null) => format!("{stem}:{line}"),
        Some(other) => return problem(format!("\"id\" must be a string or number, found {other}")),
    };
    Item::Document(Document { id, text, title: raw.title, source: raw.source, published: raw.published, url: raw.url })
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 3000, ..Default::default() })]
        /// Every line reads as serde_json reads it strictly: the same
        /// fields, or an error with the same message.
        #[test]
        fn lines_read_as_serde_json_reads_them(parts in proptest::collection::vec(proptest::sample::select(vec![
            "{", "}", "\"text\"", "\"id\"", "\"title\"", "\"url\"", ":", ",", " ", "\t", "\r", "\n", "\"", "null",
            "12", "[1,2]", "{}", "true", "\"Mosul\"", "\"a\\nb\"", "\"\\u00e9\"", "\"\\ud83d\\ude00\"",
            "\"\\ud800\"", "\"\\udc00 x\"", "\"\\ud800\\u0041\"", "\"\u{1}\"", "\"tab\there\"", "\"\\\"q\\\"\"",
            "\"\\/\\b\\f\\r\\t\"", "\"Fallūjah ’s\"", "\"\\x\"", "\"\\u12\"", "\u{7f}", "é",
        ]), 0..16), wrap in proptest::bool::ANY) {
            let body = parts.concat();
            let line = if wrap { format!("{{\"id\":1,\"text\":{body}}}\n") } else { body };
            let fast = read_raw_doc(&line).map_err(|e| e.to_string());
            let strict = serde_json::from_str::<RawDoc>(&line).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(fast, strict, "{:?}", line);
        }
    }

    /// JSON values of every kind an article field may hold, and some it
    /// may not.
    const VALUES: &[&str] = &[
        "null",
        "\"\"",
        "\"Mosul\"",
        "\"Fallūjah ’s\"",
        "\"a\\nb\\tc\\rd\\\\e\\/f\\bg\\fh\"",
        "\"\\\"q\\\"\"",
        "\"\\u00e9\\u00E9\\u2019\"",
        "\"\\ud83d\\ude00\"",
        "\"\\ud800\"",
        "\"\\udc00\"",
        "\"\\ud800\\u0041\"",
        "\"\\ud800x\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\x\"",
        "\"\u{7f}\"",
        "\"tab\there\"",
        "\"\\u0000\"",
        "0",
        "12",
        "-3",
        "1.5",
        "-2.5e3",
        "1E2",
        "01",
        "1.",
        "-",
        "1e999",
        "18446744073709551616",
        "true",
        "false",
        "[]",
        "[1,\"a\"]",
        "{}",
        "{\"a\":1}",
        "\"unterminated",
    ];
    const KEYS: &[&str] =
        &["id", "text", "title", "source", "published", "url", "lang", "t\\u0065xt", "Text", "", "text "];
    const SPACES: &[&str] = &["", "", " ", "  ", "\t", "\r", "\n"];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 4000, ..Default::default() })]
        /// Article objects, well-formed or nearly so, read as serde_json
        /// reads them strictly.
        #[test]
        fn objects_read_as_serde_json_reads_them(
            members in proptest::collection::vec(
                (proptest::sample::select(KEYS), proptest::sample::select(VALUES), proptest::sample::select(SPACES)), 0..6),
            ends in proptest::collection::vec(proptest::sample::select(vec!["", " ", "\n", "\r\n", ",", "x", "}"]), 2),
        ) {
            let body: Vec<String> = members.iter().map(|(k, v, sp)| format!("{sp}\"{k}\"{sp}:{sp}{v}{sp}")).collect();
            let line = format!("{}{{{}}}{}", ends[0], body.join(","), ends[1]);
            let fast = read_raw_doc(&line).map_err(|e| e.to_string());
            let strict = serde_json::from_str::<RawDoc>(&line).map_err(|e| e.to_string());
            proptest::prop_assert_eq!(fast, strict, "{:?}", line);
        }
    }

    proptest::proptest! {
        /// Lines are read as `read_until` reads them, through buffers of
        /// any size.
        #[test]
        fn lines_split_as_read_until_splits_them(
            bytes in proptest::collection::vec(proptest::sample::select(vec![b'a', b'\n', b'\r', b'{', 0xE2]), 0..300),
            capacity in 1usize..40,
        ) {
            let mut ours = std::io::BufReader::with_capacity(capacity, bytes.as_slice());
            let mut std = std::io::BufReader::with_capacity(capacity, bytes.as_slice());
            loop {
                let (mut a, mut b) = (Vec::new(), Vec::new());
                let n = read_line(&mut ours, &mut a).expect("read");
                proptest::prop_assert_eq!(n, std.read_until(b'\n', &mut b).expect("read"));
                proptest::prop_assert_eq!(&a, &b);
                if n == 0 {
                    break;
                }
            }
        }
    }

    #[test]
    fn the_common_lines_are_read_without_serde_json() {
        for line in [
            "{\"id\":\"a\",\"text\":\"Fallūjah \\u2019s \\ud83d\\ude00\\n\\\"x\\\"\"}",
            "{ \"text\" : \"x\" , \"id\" : -12.5e1, \"url\": null, \"title\": \"T\", \"source\": \"S\", \"published\": \"2016\" }",
            "{}",
        ] {
            let fast = article::read(line).expect(line);
            assert_eq!(fast, serde_json::from_str::<RawDoc>(line).expect(line), "{line}");
        }
        // A duplicate or unknown field, or a lone surrogate, is left to serde_json.
        for line in ["{\"text\":\"a\",\"text\":\"b\"}", "{\"lang\":\"en\"}", "{\"text\":\"\\udc00\"}"] {
            assert!(article::read(line).is_none(), "{line}");
        }
    }

    #[test]
    fn fast_reading_keeps_escapes_and_strict_errors() {
        let doc =
            read_raw_doc("{\"id\":\"a\",\"text\":\"Fallūjah \\u2019s \\ud83d\\ude00\\n\\\"x\\\"\"}\r\n").expect("doc");
        assert_eq!(doc.text.as_deref(), Some("Fallūjah ’s 😀\n\"x\""));
        // A lone surrogate, a raw control character or an array are errors,
        // as serde_json reports them.
        for (line, says) in [
            ("{\"text\":\"\\ud800\"}", "hex escape"),
            ("{\"text\":\"\\udc00 x\"}", "surrogate"),
            ("{\"text\":\"a\u{1}b\"}", "control character"),
            ("{\"text\":[1]}", "expected a string"),
        ] {
            let error = read_raw_doc(line).expect_err(line).to_string();
            assert!(error.contains(says), "{line}: {error}");
            assert_eq!(Some(error), serde_json::from_str::<RawDoc>(line).err().map(|e| e.to_string()));
        }
    }
}
