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
use super::build::MAGIC;
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
    if head.starts_with(MAGIC) {
        return Ok(SourceFormat::Index);
    }
    let text = String::from_utf8_lossy(&head);
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
    if let [one] = paths
        && sniff(one)? == SourceFormat::Index
    {
        return Ok((Gazetteer::open_index(one)?, Vec::new()));
    }
    let (rows, diags) = read_rows(paths)?;
    let label = paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join("+");
    Ok((Gazetteer::from_records(&rows, &label)?, diags))
}

/// Read the rows of one or more source files (not index files), merged.
pub fn read_rows(paths: &[PathBuf]) -> Result<(Vec<PlaceRecord>, Vec<Diagnostic>)> {
    let mut rows: Vec<PlaceRecord> = Vec::new();
    let mut diags = Vec::new();
    let mut admin1_names: HashMap<String, String> = HashMap::new();
    let mut country_infos: Vec<CountryInfo> = Vec::new();
    let mut dumps: Vec<(PathBuf, Vec<DumpRow>)> = Vec::new();
    for path in paths {
        let fmt = sniff(path)?;
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let reader = BufReader::with_capacity(1 << 20, file);
        let mut push = |errs: Vec<RowError>| {
            diags.extend(errs.into_iter().map(|e| Diagnostic {
                path: path.clone(),
                line: e.line,
                message: e.message,
                severity: Severity::Problem,
            }))
        };
        match fmt {
            SourceFormat::Index => {
                return Err(Error::Format {
                    path: path.clone(),
                    message: "a compiled index cannot be combined with other gazetteer files".into(),
                });
            }
            SourceFormat::Csv => {
                let (r, e) = record::read_csv(reader);
                rows.extend(r);
                push(e);
            }
            SourceFormat::Admin1Codes => push(read_admin1_codes(reader, &mut admin1_names)),
            SourceFormat::CountryInfo => push(read_country_info(reader, path, &mut country_infos)),
            SourceFormat::GeoNames => {
                let (r, e) = read_dump(reader);
                push(e);
                dumps.push((path.clone(), r));
            }
        }
    }
    let mut dumped = finish_dumps(dumps, &admin1_names, &country_infos, &mut diags);
    if rows.is_empty() {
        rows = dumped; // no copy of a big dump's rows
    } else {
        rows.append(&mut dumped);
    }
    // Ids must be unique across files: keep the first.
    let keep: Vec<bool> = {
        let mut seen: HashSet<&str> = HashSet::with_capacity(rows.len());
        rows.iter().map(|r| seen.insert(r.id.as_str())).collect()
    };
    let mut keep = keep.into_iter();
    rows.retain(|_| keep.next().unwrap_or(true));
    Ok((rows, diags))
}

/// Check a source file: every bad row as a diagnostic, and the number of good rows.
pub fn check(path: &Path) -> Result<(usize, Vec<Diagnostic>)> {
    match sniff(path)? {
        SourceFormat::Index => {
            let g = Gazetteer::open_index(path)?;
            g.verify()?;
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
            let (rows, diags) = read_rows(&[path.to_path_buf()])?;
            Ok((rows.len(), diags))
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

fn read_dump<R: BufRead>(reader: R) -> (Vec<DumpRow>, Vec<RowError>) {
    let mut rows = Vec::new();
    let errs = parse_lines(reader, |_, line| {
        rows.extend(parse_dump_line(line)?);
        Ok(())
    });
    (rows, errs)
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

fn finish_dumps(
    dumps: Vec<(PathBuf, Vec<DumpRow>)>,
    admin1_names: &HashMap<String, String>,
    infos: &[CountryInfo],
    diags: &mut Vec<Diagnostic>,
) -> Vec<PlaceRecord> {
    // Division names: admin1CodesASCII first, else the dump's own ADM1 rows.
    let mut names = admin1_names.clone();
    for (_, rows) in &dumps {
        for r in rows.iter().filter(|r| r.record.kind == Kind::Admin1 && r.fcode == "ADM1") {
            names.entry(format!("{}.{}", r.record.country, r.admin1_code)).or_insert_with(|| r.record.name.clone());
        }
    }
    let mut out: Vec<PlaceRecord> = Vec::new();
    let mut countries: HashSet<String> = HashSet::new();
    for (path, rows) in dumps {
        let source =
            format!("geonames:{}", path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        // Collected from a map over the rows by value, the records take the
        // rows' own buffer: a big dump is not held twice.
        let records: Vec<PlaceRecord> = rows
            .into_iter()
            .map(|mut r| {
                if r.record.kind == Kind::Country {
                    countries.insert(r.record.country.clone());
                }
                if r.record.kind != Kind::Country && !r.admin1_code.is_empty() && r.admin1_code != "00" {
                    let code = format!("{}.{}", r.record.country, r.admin1_code);
                    r.record.admin1 = if r.record.kind == Kind::Admin1 {
                        r.record.name.clone()
                    } else {
                        names.get(&code).cloned().unwrap_or(code)
                    };
                }
                r.record.source = source.clone();
                r.record
            })
            .collect();
        if out.is_empty() {
            out = records;
        } else {
            out.extend(records);
        }
    }
    // Countries the dumps lack: placed at their capital, when the dumps have it.
    for info in infos {
        if countries.contains(&info.iso) || info.capital.is_empty() {
            continue;
        }
        let capital = out
            .iter()
            .filter(|r| r.country == info.iso && r.kind.is_populated() && r.name == info.capital)
            .max_by_key(|r| r.population.unwrap_or(0));
        let Some(capital) = capital else {
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
        let (lat, lon) = (capital.lat, capital.lon);
        out.push(PlaceRecord {
            id: if info.geonameid.is_empty() { format!("iso:{}", info.iso) } else { format!("gn:{}", info.geonameid) },
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
