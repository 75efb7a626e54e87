//! Gazetteer rows as read from a source file, before indexing.
//!
//! This file is also compiled into `build.rs` (with `#[path]`), so it uses
//! nothing but `std` and `csv`.

use std::fmt;
use std::io::Read;

/// What kind of place a gazetteer row is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A sovereign state or dependent territory.
    Country,
    /// A first-level administrative division (governorate, province, state).
    Admin1,
    /// A second- or lower-level administrative division.
    Admin2,
    /// A region without administrative status (continent, "Kurdistan Region").
    Region,
    /// A populated place of 100,000 people or more.
    City,
    /// A populated place of 10,000 to 100,000 people.
    Town,
    /// A populated place under 10,000 people, or of unknown population.
    Village,
    /// A natural feature: mountain, river, plain, lake.
    Natural,
    /// A built feature: air base, border crossing, dam, camp.
    Facility,
}

impl Kind {
    /// Every kind, in code order.
    pub const ALL: [Kind; 9] = [
        Kind::Country,
        Kind::Admin1,
        Kind::Admin2,
        Kind::Region,
        Kind::City,
        Kind::Town,
        Kind::Village,
        Kind::Natural,
        Kind::Facility,
    ];

    /// The kind's name as written in the CSV and in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Admin1 => "admin1",
            Kind::Admin2 => "admin2",
            Kind::Region => "region",
            Kind::City => "city",
            Kind::Town => "town",
            Kind::Village => "village",
            Kind::Natural => "natural",
            Kind::Facility => "facility",
        }
    }

    /// Parse a kind name.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.as_str() == s)
    }

    /// A compact code for the binary index.
    pub fn code(self) -> u8 {
        Kind::ALL.iter().position(|k| *k == self).unwrap_or(0) as u8
    }

    /// The kind with the given index code.
    pub fn from_code(c: u8) -> Kind {
        Kind::ALL.get(c as usize).copied().unwrap_or(Kind::Village)
    }

    /// Whether this is a populated place (city, town or village).
    pub fn is_populated(self) -> bool {
        matches!(self, Kind::City | Kind::Town | Kind::Village)
    }

    /// The kind of a populated place of this population.
    pub fn for_population(population: Option<u64>) -> Kind {
        match population {
            Some(p) if p >= 100_000 => Kind::City,
            Some(p) if p >= 10_000 => Kind::Town,
            _ => Kind::Village,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One place, owned, as read from a gazetteer source.
#[derive(Clone, Debug, PartialEq)]
pub struct PlaceRecord {
    /// Stable identifier, e.g. `gn:99454` or `cur:qarachogh-mountain`.
    pub id: String,
    /// The preferred name.
    pub name: String,
    /// What kind of place this is.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 country code, or empty.
    pub country: String,
    /// Name of the first-level division the place lies in, or empty.
    pub admin1: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Population, when known.
    pub population: Option<u64>,
    /// Alternate names.
    pub alt_names: Vec<String>,
    /// Where the row comes from.
    pub source: String,
}

/// A problem with one row of a gazetteer source.
#[derive(Clone, Debug, PartialEq)]
pub struct RowError {
    /// 1-based line number in the file.
    pub line: u64,
    /// What is wrong, lowercase, saying what was expected and what was found.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.message)
    }
}

/// The header of a geoevent gazetteer CSV.
pub const CSV_HEADER: [&str; 10] =
    ["id", "name", "kind", "country", "admin1", "lat", "lon", "population", "alt_names", "source"];

/// Parse a coordinate, checking it is finite and within `[-limit, limit]`.
pub fn parse_coord(field: &str, what: &str, limit: f64) -> Result<f64, String> {
    let v: f64 = field.trim().parse().map_err(|_| format!("{what} must be a number, found {field:?}"))?;
    if !v.is_finite() || v < -limit || v > limit {
        return Err(format!("{what} must be in [-{limit}, {limit}], found {field}"));
    }
    Ok(v)
}

/// Read a geoevent gazetteer CSV. Good rows are returned in file order; every
/// bad row is reported (by line) and skipped. Duplicate ids are errors on the
/// later row. A missing or wrong header is an error on line 1 and stops.
pub fn read_csv<R: Read>(reader: R) -> (Vec<PlaceRecord>, Vec<RowError>) {
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(reader);
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut record = csv::StringRecord::new();
    let mut columns: Option<[usize; 10]> = None;
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                errors.push(RowError { line, message: csv_error_message(&e) });
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    break;
                }
                continue;
            }
        }
        let Some(cols) = columns else {
            match header_columns(&record) {
                Ok(c) => columns = Some(c),
                Err(message) => {
                    errors.push(RowError { line, message });
                    return (rows, errors);
                }
            }
            continue;
        };
        if record.len() == 1 && record.get(0).is_some_and(|f| f.trim().is_empty()) {
            continue;
        }
        match parse_row(&record, &cols) {
            Ok(row) => {
                if seen.insert(row.id.clone()) {
                    rows.push(row);
                } else {
                    errors.push(RowError { line, message: format!("duplicate id {:?}", row.id) });
                }
            }
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    if columns.is_none() {
        errors.push(RowError { line: 1, message: "empty file: expected a header line".into() });
    }
    (rows, errors)
}

fn csv_error_message(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        csv::ErrorKind::Io(io) => format!("read error: {io}"),
        _ => format!("malformed CSV: {e}"),
    }
}

fn header_columns(record: &csv::StringRecord) -> Result<[usize; 10], String> {
    let mut cols = [usize::MAX; 10];
    for (i, field) in record.iter().enumerate() {
        let field = field.trim().trim_start_matches('\u{feff}');
        if let Some(k) = CSV_HEADER.iter().position(|h| *h == field) {
            cols[k] = i;
        }
    }
    let missing: Vec<&str> = CSV_HEADER
        .iter()
        .zip(cols.iter())
        .filter(|(h, c)| **c == usize::MAX && !matches!(**h, "admin1" | "population" | "alt_names" | "source"))
        .map(|(h, _)| *h)
        .collect();
    if missing.is_empty() {
        Ok(cols)
    } else {
        Err(format!("header must name the columns {}, missing {}", CSV_HEADER.join(","), missing.join(",")))
    }
}

fn parse_row(record: &csv::StringRecord, cols: &[usize; 10]) -> Result<PlaceRecord, String> {
    let get = |k: usize| -> Result<&str, String> {
        if cols[k] == usize::MAX {
            return Ok("");
        }
        record.get(cols[k]).map(str::trim).ok_or_else(|| {
            format!("expected {} columns, found {}", cols.iter().filter(|c| **c != usize::MAX).count(), record.len())
        })
    };
    let id = get(0)?;
    if id.is_empty() {
        return Err("id must not be empty".into());
    }
    let name = get(1)?;
    if name.is_empty() {
        return Err("name must not be empty".into());
    }
    let kind_s = get(2)?;
    let kind = Kind::parse(kind_s).ok_or_else(|| {
        let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        format!("kind must be one of {}, found {kind_s:?}", all.join("|"))
    })?;
    let country = get(3)?;
    if !(country.is_empty() || (country.len() == 2 && country.bytes().all(|b| b.is_ascii_uppercase()))) {
        return Err(format!("country must be an ISO 3166-1 alpha-2 code or empty, found {country:?}"));
    }
    let admin1 = get(4)?;
    let lat = parse_coord(get(5)?, "lat", 90.0)?;
    let lon = parse_coord(get(6)?, "lon", 180.0)?;
    let pop_s = get(7)?;
    let population = if pop_s.is_empty() {
        None
    } else {
        Some(pop_s.parse::<u64>().map_err(|_| format!("population must be a whole number or empty, found {pop_s:?}"))?)
    };
    let alt_names = get(8)?.split('|').map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect();
    Ok(PlaceRecord {
        id: id.to_string(),
        name: name.to_string(),
        kind,
        country: country.to_string(),
        admin1: admin1.to_string(),
        lat,
        lon,
        population,
        alt_names,
        source: get(9)?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(s: &str) -> (Vec<PlaceRecord>, Vec<RowError>) {
        read_csv(s.as_bytes())
    }

    const HEAD: &str = "id,name,kind,country,admin1,lat,lon,population,alt_names,source\n";

    #[test]
    fn reads_a_good_row() {
        let (rows, errs) =
            read(&format!("{HEAD}gn:1,Al Fallūjah,city,IQ,Anbar,33.34913,43.78599,190159,Falluja|Fallujah,geonames\n"));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(rows[0].alt_names, vec!["Falluja", "Fallujah"]);
        assert_eq!(rows[0].population, Some(190159));
        assert_eq!(rows[0].kind, Kind::City);
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let (rows, errs) = read(&format!(
            "{HEAD}gn:1,A,city,IQ,,33,43,,,\n\
             gn:2,,city,IQ,,33,43,,,\n\
             gn:3,C,city,IQ,,123.4,43,,,\n\
             gn:4,D,city,IQ,,NaN,43,,,\n\
             gn:1,E,city,IQ,,33,43,,,\n\
             gn:6,F,town\n\
             gn:7,G,hamlet,IQ,,33,43,,,\n\
             gn:8,H,city,IQ,,33,abc,,,\n"
        ));
        assert_eq!(rows.len(), 1);
        let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            vec![
                "3: name must not be empty",
                "4: lat must be in [-90, 90], found 123.4",
                "5: lat must be in [-90, 90], found NaN",
                "6: duplicate id \"gn:1\"",
                "7: expected 10 columns, found 3",
                "8: kind must be one of country|admin1|admin2|region|city|town|village|natural|facility, found \"hamlet\"",
                "9: lon must be a number, found \"abc\"",
            ]
        );
    }

    #[test]
    fn missing_header_is_one_error() {
        let (rows, errs) = read("gn:1,A,city,IQ,,33,43,,,\n");
        assert!(rows.is_empty());
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.starts_with("header must name the columns"), "{}", errs[0]);
    }
}
