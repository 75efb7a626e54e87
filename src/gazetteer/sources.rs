//! Reading gazetteer sources: geoevent CSV, GeoNames dumps and their
//! companion files, and compiled index files.
//!
//! `--gazetteer` takes one or more files; each is recognised by its content:
//! - geoevent CSV (header `id,name,kind,country,admin1,lat,lon,...`);
//! - a GeoNames dump in the 19-column `cities*.txt` / `allCountries.txt`
//!   format (tab-separated, first column a numeric geonameid);
//! - GeoNames `admin1CodesASCII.txt`, which names the first-level divisions
//!   of the dump's places;
//! - GeoNames `countryInfo.txt`, which adds a country row (placed at its
//!   capital) for every country the dumps hold no country feature for;
//! - a compiled index (`geoevent gazetteer build`), memory-mapped as is.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use super::Gazetteer;
use super::build::{IndexBuilder, MAGIC};
use super::record::{self, Kind, PlaceRecord, RowError};
use crate::error::{Error, Result};

/// A problem with one line of one source file, or a note about it.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// The file.
    pub path: PathBuf,
    /// 1-based line number.
    pub line: u64,
    /// What is wrong.
    pub message: String,
    /// Whether the line is bad, or only worth knowing about.
    pub severity: Severity,
}

/// How much a [`Diagnostic`] matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// A bad row, skipped: the input needs fixing.
    Problem,
    /// Nothing to fix: a country of `countryInfo.txt` whose capital the
    /// dumps given do not have (as `CS`, Serbia and Montenegro, in every
    /// current dump) is left out.
    Note,
}

impl Diagnostic {
    /// Whether this is a [`Severity::Problem`].
    pub fn is_problem(&self) -> bool {
        self.severity == Severity::Problem
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.path.display(), self.line, self.message)
    }
}

/// What kind of file a gazetteer source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceFormat {
    /// geoevent CSV.
    Csv,
    /// GeoNames 19-column dump.
    GeoNames,
    /// GeoNames admin1CodesASCII.txt.
    Admin1Codes,
    /// GeoNames countryInfo.txt.
    CountryInfo,
    /// Compiled geoevent index.
    Index,
}

/// Recognise a source file's format from its first bytes.
pub fn sniff(path: &Path) -> Result<SourceFormat> {
    let mut f = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut head = vec![0u8; 64 * 1024];
    let mut n = 0;
    while n < head.len() {
        let k = f.read(&mut head[n..]).map_err(|e| Error::io(path, e))?;
        if k == 0 {
            break;
        }
        n += k;
    }
    head.truncate(n);
    sniff_head(path, &head)
}

/// Recognise a source file's format from its first bytes, `head` (64 KiB
/// or all of a shorter file).
fn sniff_head(path: &Path, head: &[u8]) -> Result<SourceFormat> {
    let head = &head[..head.len().min(64 * 1024)];
    if head.starts_with(MAGIC) {
        return Ok(SourceFormat::Index);
    }
    // An index of another format version (the magic's last byte).
    if head.len() >= MAGIC.len() && head[..MAGIC.len() - 1] == MAGIC[..MAGIC.len() - 1] {
        return Err(Error::Format {
            path: path.into(),
            message: format!(
                "a geoevent index of another format ({}; this geoevent reads {}): build it again \
                 with `geoevent gazetteer build`",
                String::from_utf8_lossy(&head[..MAGIC.len()]),
                String::from_utf8_lossy(MAGIC)
            ),
        });
    }
    let text = String::from_utf8_lossy(head);
    let text = text.trim_start_matches('\u{feff}');
    let first = text.lines().find(|l| !l.trim().is_empty() && !l.starts_with('#'));
    let Some(first) = first else {
        return Err(Error::Format { path: path.into(), message: "empty file: expected a gazetteer".into() });
    };
    if first.starts_with("id,") || first.starts_with("\"id\",") {
        return Ok(SourceFormat::Csv);
    }
    let fields: Vec<&str> = first.split('\t').collect();
    if fields.len() == 19 && fields[0].bytes().all(|b| b.is_ascii_digit()) && !fields[0].is_empty() {
        return Ok(SourceFormat::GeoNames);
    }
    if fields.len() == 19 && fields[0].len() == 2 && text.contains("# GeoNames.org Country Information")
        || fields.len() >= 17 && fields[0].len() == 2 && fields[1].len() == 3
    {
        return Ok(SourceFormat::CountryInfo);
    }
    if fields.len() == 4 && fields[0].contains('.') {
        return Ok(SourceFormat::Admin1Codes);
    }
    Err(Error::Format {
        path: path.into(),
        message: format!(
            "not a gazetteer: expected a geoevent CSV (header id,name,kind,...), a GeoNames dump \
             (19 tab-separated columns), admin1CodesASCII.txt, countryInfo.txt or a geoevent index; \
             first line has {} tab-separated field(s)",
            fields.len()
        ),
    })
}

/// Load a gazetteer from one or more source files. Bad rows are returned as
/// diagnostics and skipped; an unreadable or unrecognised file is an error.
pub fn load(paths: &[PathBuf]) -> Result<(Gazetteer, Vec<Diagnostic>)> {
    let label = label(paths);
    let mut sources = open_all(paths)?;
    if let [(_, SourceFormat::Index)] = sources.as_slice()
        && let Some((source, _)) = sources.pop()
    {
        return Ok((source.index(false)?, Vec::new()));
    }
    let (builder, diags) = build_of(sources, &label)?;
    Ok((Gazetteer::from_builder(builder, &label)?, diags))
}

/// Compile source files (not index files) into an [`IndexBuilder`], row by
/// row (see [`for_each_row`]): a dump's rows are never all in memory.
pub fn build(paths: &[PathBuf]) -> Result<(IndexBuilder, Vec<Diagnostic>)> {
    build_of(open_all(paths)?, &label(paths))
}

/// The sources' name in messages: their paths joined by `+`.
fn label(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("+")
}

/// [`build`] of sources opened by [`open_all`].
fn build_of(sources: Vec<(Source, SourceFormat)>, label: &str) -> Result<(IndexBuilder, Vec<Diagnostic>)> {
    let mut builder = IndexBuilder::new();
    let diags = for_each_row_of(sources, |row| {
        builder.push(&row).map_err(|message| Error::Index { path: label.into(), message })
    })?;
    Ok((builder, diags))
}

/// Read the rows of one or more source files (not index files), merged.
pub fn read_rows(paths: &[PathBuf]) -> Result<(Vec<PlaceRecord>, Vec<Diagnostic>)> {
    let mut rows = Vec::new();
    let diags = for_each_row(paths, |row| {
        rows.push(row);
        Ok(())
    })?;
    Ok((rows, diags))
}

/// Open and recognise every source file, in order.
fn open_all(paths: &[PathBuf]) -> Result<Vec<(Source, SourceFormat)>> {
    paths.iter().map(|p| Source::open(p)).collect()
}

/// A source file: its path, and its bytes when it is no regular file (a
/// pipe cannot be read twice: once to recognise it, once to read it).
struct Source {
    path: PathBuf,
    bytes: Option<Vec<u8>>,
}

impl Source {
    fn open(path: &Path) -> Result<(Source, SourceFormat)> {
        let regular = std::fs::metadata(path).map_err(|e| Error::io(path, e))?.is_file();
        if regular {
            return Ok((Source { path: path.to_path_buf(), bytes: None }, sniff(path)?));
        }
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let fmt = sniff_head(path, &bytes)?;
        Ok((Source { path: path.to_path_buf(), bytes: Some(bytes) }, fmt))
    }

    /// The index this source is: memory-mapped, or from the bytes of a
    /// pipe. `verify_all`: check the whole file (see
    /// [`Gazetteer::open_index_verified`]), as bytes from a pipe always are.
    fn index(self, verify_all: bool) -> Result<Gazetteer> {
        match self.bytes {
            None if verify_all => Gazetteer::open_index_verified(&self.path),
            None => Gazetteer::open_index(&self.path),
            Some(bytes) => Gazetteer::from_index_bytes(bytes, &self.path.display().to_string()),
        }
    }

    fn reader(&self) -> Result<Box<dyn BufRead + '_>> {
        Ok(match &self.bytes {
            Some(b) => Box::new(b.as_slice()),
            None => {
                let file = std::fs::File::open(&self.path).map_err(|e| Error::io(&self.path, e))?;
                Box::new(BufReader::with_capacity(1 << 20, file))
            }
        })
    }
}

/// Call `each` with the rows of one or more source files (not index files),
/// merged, in index order: the CSV rows, then the dumps' rows file by file,
/// then the countries of `countryInfo.txt` that the dumps lack. Ids are
/// unique: the first row of an id is kept. Returns the bad rows (and notes)
/// in file order.
///
/// GeoNames dumps are read twice and never held in memory: first for what
/// naming and placing their rows needs (the dumps' own first-level division
/// names, their countries, the capitals of `countryInfo.txt`), then row by
/// row. CSV sources, companion files and pipes are read once, into memory.
pub fn for_each_row(paths: &[PathBuf], each: impl FnMut(PlaceRecord) -> Result<()>) -> Result<Vec<Diagnostic>> {
    for_each_row_of(open_all(paths)?, each)
}

/// [`for_each_row`] of sources opened by [`open_all`].
fn for_each_row_of(
    sources: Vec<(Source, SourceFormat)>,
    mut each: impl FnMut(PlaceRecord) -> Result<()>,
) -> Result<Vec<Diagnostic>> {
    let mut csv_rows: Vec<PlaceRecord> = Vec::new();
    let mut admin1_names: HashMap<String, String> = HashMap::new();
    let mut infos: Vec<CountryInfo> = Vec::new();
    // Diagnostics by file, in the order given.
    let mut per_file: Vec<Vec<Diagnostic>> = vec![Vec::new(); sources.len()];
    let mut dumps: Vec<(usize, Source)> = Vec::new();
    let problems = |path: &Path, errs: Vec<RowError>| -> Vec<Diagnostic> {
        errs.into_iter()
            .map(|e| Diagnostic {
                path: path.to_path_buf(),
                line: e.line,
                message: e.message,
                severity: Severity::Problem,
            })
            .collect()
    };
    // The companion files and CSVs first: scanning a dump needs them.
    for (i, (source, fmt)) in sources.into_iter().enumerate() {
        let path = &source.path;
        if fmt == SourceFormat::GeoNames {
            dumps.push((i, source));
            continue;
        }
        let reader = source.reader()?;
        per_file[i] = match fmt {
            SourceFormat::Index => {
                return Err(Error::Format {
                    path: path.clone(),
                    message: "a compiled index cannot be combined with other gazetteer files".into(),
                });
            }
            SourceFormat::Csv => {
                let (r, e) = record::read_csv(reader);
                csv_rows.extend(r);
                problems(path, e)
            }
            SourceFormat::Admin1Codes => problems(path, read_admin1_codes(reader, &mut admin1_names)),
            SourceFormat::CountryInfo => problems(path, read_country_info(reader, path, &mut infos)),
            SourceFormat::GeoNames => unreachable!("dumps are taken above"),
        };
    }
    // First pass over the dumps: only the rows it needs are parsed (the
    // second pass reports the bad ones).
    let mut scan = DumpScan::new(admin1_names, &infos);
    for (_, dump) in &dumps {
        for (_, line) in data_lines(dump.reader()?).filter_map(std::result::Result::ok) {
            let f: Vec<&str> = line.splitn(10, '\t').collect();
            let wanted = match f.get(6) {
                Some(&"A") => true,
                Some(&"P") => f.len() > 8 && scan.wants_capital(f[8].trim(), f[1].trim()),
                _ => false,
            };
            if wanted && let Ok(Some(row)) = parse_dump_line(&line) {
                scan.see(row);
            }
        }
    }
    let mut notes = Vec::new();
    let countries = scan.countries(&infos, &mut notes);
    let names = scan.names;

    let mut seen = IdSet::default();
    for row in csv_rows {
        if seen.insert(&row.id) {
            each(row)?;
        }
    }
    for (i, dump) in &dumps {
        let source =
            format!("geonames:{}", dump.path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let mut result = Ok(());
        per_file[*i] = problems(
            &dump.path,
            scan_dump(dump.reader()?, |mut r| {
                if result.is_err() || !seen.insert(&r.record.id) {
                    return;
                }
                if r.record.kind != Kind::Country && !r.admin1_code.is_empty() && r.admin1_code != "00" {
                    let code = format!("{}.{}", r.record.country, r.admin1_code);
                    r.record.admin1 = if r.record.kind == Kind::Admin1 {
                        r.record.name.clone()
                    } else {
                        names.get(&code).cloned().unwrap_or(code)
                    };
                }
                r.record.source.clone_from(&source);
                result = each(r.record);
            }),
        );
        result?;
    }
    for row in countries {
        if seen.insert(&row.id) {
            each(row)?;
        }
    }
    Ok(per_file.into_iter().flatten().chain(notes).collect())
}

/// What the first pass over the dumps learns.
struct DumpScan<'i> {
    /// Division names by `CC.code`: admin1CodesASCII first, else the dumps'
    /// own ADM1 rows (the first of a code).
    names: HashMap<String, String>,
    /// Countries the dumps have a country row for.
    countries: HashSet<String>,
    /// The capitals of `countryInfo.txt`: (country, name) -> its entries.
    capitals: HashMap<(&'i str, &'i str), Vec<usize>>,
    /// The best row for each entry's capital so far: population, lat, lon.
    best: Vec<Option<(u64, f64, f64)>>,
}

impl<'i> DumpScan<'i> {
    fn new(names: HashMap<String, String>, infos: &'i [CountryInfo]) -> DumpScan<'i> {
        let mut capitals: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (k, info) in infos.iter().enumerate() {
            if !info.capital.is_empty() {
                capitals.entry((info.iso.as_str(), info.capital.as_str())).or_default().push(k);
            }
        }
        DumpScan { names, countries: HashSet::new(), capitals, best: vec![None; infos.len()] }
    }

    /// Whether a populated place of this name in this country may be the
    /// capital of an entry.
    fn wants_capital(&self, country: &str, name: &str) -> bool {
        self.capitals.contains_key(&(country, name))
    }

    fn see(&mut self, r: DumpRow) {
        let rec = &r.record;
        if rec.kind == Kind::Admin1 && r.fcode == "ADM1" {
            self.names.entry(format!("{}.{}", rec.country, r.admin1_code)).or_insert_with(|| rec.name.clone());
        }
        if rec.kind == Kind::Country {
            self.countries.insert(rec.country.clone());
        }
        if rec.kind.is_populated()
            && let Some(entries) = self.capitals.get(&(rec.country.as_str(), rec.name.as_str()))
        {
            let pop = rec.population.unwrap_or(0);
            for &k in entries {
                // The most populous; of equals, the last.
                if self.best[k].is_none_or(|(p, _, _)| pop >= p) {
                    self.best[k] = Some((pop, rec.lat, rec.lon));
                }
            }
        }
    }

    /// Rows for the countries of `infos` the dumps lack, placed at their
    /// capital; a note for each whose capital the dumps lack too.
    fn countries(&self, infos: &[CountryInfo], diags: &mut Vec<Diagnostic>) -> Vec<PlaceRecord> {
        let mut out = Vec::new();
        for (k, info) in infos.iter().enumerate() {
            if self.countries.contains(&info.iso) || info.capital.is_empty() {
                continue;
            }
            let Some((_, lat, lon)) = self.best[k] else {
                diags.push(Diagnostic {
                    path: info.path.clone(),
                    line: info.line,
                    message: format!(
                        "country {} left out: its capital {:?} is not in the dumps, so it has no coordinates",
                        info.iso, info.capital
                    ),
                    severity: Severity::Note,
                });
                continue;
            };
            out.push(PlaceRecord {
                id: if info.geonameid.is_empty() {
                    format!("iso:{}", info.iso)
                } else {
                    format!("gn:{}", info.geonameid)
                },
                name: info.name.clone(),
                kind: Kind::Country,
                country: info.iso.clone(),
                admin1: String::new(),
                lat,
                lon,
                population: info.population,
                alt_names: Vec::new(),
                source: "geonames:countryInfo+capital".into(),
            });
        }
        // Divisions named by admin1CodesASCII but absent from the dumps get no
        // row: the file has no coordinates for them.
        out
    }
}

/// The ids seen so far. GeoNames ids (`gn:` and a number) take a bit each.
#[derive(Default)]
struct IdSet {
    numbers: Vec<u64>,
    others: HashSet<String>,
}

impl IdSet {
    /// Whether `id` is new; it is seen from now on.
    fn insert(&mut self, id: &str) -> bool {
        let number = id
            .strip_prefix("gn:")
            .filter(|n| !n.is_empty() && n.len() <= 9 && n.bytes().all(|b| b.is_ascii_digit()))
            .filter(|n| n.len() == 1 || !n.starts_with('0'))
            .and_then(|n| n.parse::<usize>().ok());
        let Some(n) = number else {
            return self.others.insert(id.to_string());
        };
        if n / 64 >= self.numbers.len() {
            self.numbers.resize(n / 64 + 1, 0);
        }
        let (word, bit) = (&mut self.numbers[n / 64], 1u64 << (n % 64));
        let new = *word & bit == 0;
        *word |= bit;
        new
    }
}

/// Check a source file: every bad row as a diagnostic, and the number of good rows.
pub fn check(path: &Path) -> Result<(usize, Vec<Diagnostic>)> {
    let (source, fmt) = Source::open(path)?;
    match fmt {
        SourceFormat::Index => {
            let g = source.index(true)?;
            let n = g.places().count();
            if n != g.len() {
                return Err(Error::Index {
                    path: path.display().to_string(),
                    message: format!("{} of {} places are unreadable", g.len() - n, g.len()),
                });
            }
            Ok((n, Vec::new()))
        }
        _ => {
            let mut n = 0;
            let diags = for_each_row_of(vec![(source, fmt)], |_| {
                n += 1;
                Ok(())
            })?;
            Ok((n, diags))
        }
    }
}

struct CountryInfo {
    path: PathBuf,
    line: u64,
    iso: String,
    name: String,
    capital: String,
    population: Option<u64>,
    geonameid: String,
}

fn read_admin1_codes<R: BufRead>(reader: R, out: &mut HashMap<String, String>) -> Vec<RowError> {
    parse_lines(reader, |_, line| {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 || !f[0].contains('.') {
            return Err(format!("expected code, name, ascii name, geonameid; found {} field(s)", f.len()));
        }
        let name = if f[2].trim().is_empty() { f[1] } else { f[2] };
        out.insert(f[0].to_string(), name.trim().to_string());
        Ok(())
    })
}

fn read_country_info<R: BufRead>(reader: R, path: &Path, out: &mut Vec<CountryInfo>) -> Vec<RowError> {
    parse_lines(reader, |line_no, line| {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 17 || f[0].len() != 2 {
            return Err(format!("expected 19 tab-separated country fields, found {}", f.len()));
        }
        out.push(CountryInfo {
            path: path.to_path_buf(),
            line: line_no,
            iso: f[0].to_string(),
            name: f[4].to_string(),
            capital: f[5].to_string(),
            population: f[7].parse().ok().filter(|p| *p > 0),
            geonameid: f[16].to_string(),
        });
        Ok(())
    })
}

/// Run `parse` on every data line (see [`data_lines`]); unreadable lines and
/// the messages `parse` returns become row errors.
fn parse_lines<R: BufRead>(
    reader: R,
    mut parse: impl FnMut(u64, &str) -> std::result::Result<(), String>,
) -> Vec<RowError> {
    let mut errs = Vec::new();
    for item in data_lines(reader) {
        match item {
            Ok((line_no, line)) => {
                if let Err(message) = parse(line_no, &line) {
                    errs.push(RowError { line: line_no, message });
                }
            }
            Err(e) => errs.push(e),
        }
    }
    errs
}

fn text_line(line: std::io::Result<Vec<u8>>, line_no: u64, errs: &mut Vec<RowError>) -> Option<String> {
    match line {
        Ok(mut b) => {
            if b.last() == Some(&b'\r') {
                b.pop();
            }
            match String::from_utf8(b) {
                Ok(s) => Some(s),
                Err(e) => {
                    errs.push(RowError {
                        line: line_no,
                        message: format!("invalid UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                    });
                    None
                }
            }
        }
        Err(e) => {
            errs.push(RowError { line: line_no, message: format!("read error: {e}") });
            None
        }
    }
}

/// The data lines of a GeoNames text file with their 1-based numbers:
/// blank lines and `#` comments skipped, a trailing `\r` and a leading BOM
/// dropped; an unreadable or non-UTF-8 line is an error item.
fn data_lines<R: BufRead>(reader: R) -> impl Iterator<Item = std::result::Result<(u64, String), RowError>> {
    reader.split(b'\n').enumerate().filter_map(|(i, line)| {
        let line_no = i as u64 + 1;
        let mut errs = Vec::new();
        match text_line(line, line_no, &mut errs) {
            Some(l) => {
                let l = l.trim_start_matches('\u{feff}');
                (!l.trim().is_empty() && !l.starts_with('#')).then(|| Ok((line_no, l.to_string())))
            }
            None => errs.pop().map(Err),
        }
    })
}

struct DumpRow {
    record: PlaceRecord,
    admin1_code: String,
    fcode: String,
}

/// Whether every letter of `s` is Latin script.
pub fn is_latin(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).all(|c| {
        let u = c as u32;
        u <= 0x024F || (0x1E00..=0x1EFF).contains(&u) || (0x02B0..=0x02FF).contains(&u)
    })
}

/// Whether a GeoNames alternate name is worth indexing: Latin script, not an
/// all-lowercase romanisation, not a 2-4 letter code (unless `keep_codes`).
pub fn keep_alt_name(s: &str, keep_codes: bool) -> bool {
    let s = s.trim();
    if s.is_empty() || !is_latin(s) || !s.chars().any(|c| c.is_uppercase()) {
        return false;
    }
    let letters = s.chars().filter(|c| c.is_alphabetic()).count();
    let is_code = (2..=4).contains(&letters) && s.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    keep_codes || !is_code
}

fn kind_of(fclass: &str, fcode: &str, population: Option<u64>) -> Option<Kind> {
    Some(match fclass {
        "A" if fcode.starts_with("PCL") => Kind::Country,
        "A" if fcode == "ADM1" || fcode == "ADM1H" => Kind::Admin1,
        "A" => Kind::Admin2,
        "P" => Kind::for_population(population),
        "T" | "H" | "V" => Kind::Natural,
        "L" => Kind::Region,
        "S" if matches!(
            fcode,
            "AIRB" | "AIRF" | "AIRP" | "AIRH" | "MILB" | "INSM" | "PSTB" | "DAM" | "CMP" | "CMPRF" | "PRN" | "CSTL"
        ) =>
        {
            Kind::Facility
        }
        _ => return None,
    })
}

/// Call `each` with every row of a dump that geoevent indexes; the bad rows
/// are returned.
fn scan_dump<R: BufRead>(reader: R, mut each: impl FnMut(DumpRow)) -> Vec<RowError> {
    parse_lines(reader, |_, line| {
        if let Some(row) = parse_dump_line(line)? {
            each(row);
        }
        Ok(())
    })
}

fn parse_dump_line(line: &str) -> std::result::Result<Option<DumpRow>, String> {
    let f: Vec<&str> = line.split('\t').collect();
    if f.len() != 19 {
        return Err(format!("expected 19 tab-separated columns, found {}", f.len()));
    }
    if f[0].is_empty() || !f[0].bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("geonameid must be a whole number, found {:?}", f[0]));
    }
    if f[1].trim().is_empty() {
        return Err("name must not be empty".into());
    }
    let lat = record::parse_coord(f[4], "latitude", 90.0)?;
    let lon = record::parse_coord(f[5], "longitude", 180.0)?;
    let population = if f[14].is_empty() {
        None
    } else {
        Some(f[14].parse::<u64>().map_err(|_| format!("population must be a whole number, found {:?}", f[14]))?)
    }
    .filter(|p| *p > 0);
    let Some(kind) = kind_of(f[6], f[7], population) else {
        return Ok(None);
    };
    let country = f[8].trim();
    if !(country.is_empty() || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))) {
        return Err(format!("country code must be two uppercase letters, found {country:?}"));
    }
    let name = f[1].trim().to_string();
    let mut alt: Vec<String> = Vec::new();
    for a in std::iter::once(f[2]).chain(f[3].split(',')) {
        let a = a.trim();
        if a != name && keep_alt_name(a, kind == Kind::Country) && !alt.iter().any(|x| x == a) {
            alt.push(a.to_string());
        }
    }
    alt.sort();
    Ok(Some(DumpRow {
        record: PlaceRecord {
            id: format!("gn:{}", f[0]),
            name,
            kind,
            country: country.to_string(),
            admin1: String::new(),
            lat,
            lon,
            population,
            alt_names: alt,
            source: "geonames:dump".into(),
        },
        admin1_code: f[10].trim().to_string(),
        fcode: f[7].to_string(),
    }))
}
