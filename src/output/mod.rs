//! Writing features: GeoJSON FeatureCollection (RFC 7946), GeoJSON text
//! sequences (RFC 8142) and newline-delimited GeoJSON, streamed one feature
//! at a time.
//!
//! Coordinates are `[lon, lat]` in WGS84, rounded to a fixed number of
//! decimals (6 by default, about 0.1 m). Feature ids are integers counted
//! from 1 in output order. No `crs` member is written.

pub mod events;
pub mod places;

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::geodesy::LonLat;

/// A feature output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// One RFC 7946 FeatureCollection.
    Geojson,
    /// RFC 8142 GeoJSON text sequence: each feature after an RS (0x1E) byte.
    Geojsonseq,
    /// One feature per line.
    Ndjson,
    /// CSV: one row per feature, `id`, `lat`, `lon`, `wkt`, then the
    /// properties, as ACLED and spreadsheet users expect. `lat`/`lon` are
    /// empty for features that are not points; `wkt` holds every geometry.
    Csv,
}

impl Format {
    /// Parse a format name (`geojson`, `geojsonseq`, `ndjson`).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "geojson" => Some(Format::Geojson),
            "geojsonseq" => Some(Format::Geojsonseq),
            "ndjson" | "geojsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            _ => None,
        }
    }
}

/// A geometry to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Geometry {
    /// No geometry (`null`).
    None,
    /// A point.
    Point(LonLat),
    /// A line through the points.
    LineString(Vec<LonLat>),
}

/// Round `v` to `decimals` places.
pub fn round(v: f64, decimals: u32) -> f64 {
    let f = 10f64.powi(decimals as i32);
    let r = (v * f).round() / f;
    if r == 0.0 { 0.0 } else { r }
}

/// A geometry serialised with rounded coordinates.
pub struct RoundedGeometry<'a> {
    /// The geometry.
    pub geometry: &'a Geometry,
    /// Decimal places.
    pub decimals: u32,
}

impl Serialize for RoundedGeometry<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let pos = |p: &LonLat| [round(p.lon, self.decimals), round(p.lat, self.decimals)];
        match self.geometry {
            Geometry::None => s.serialize_none(),
            Geometry::Point(p) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("type", "Point")?;
                m.serialize_entry("coordinates", &pos(p))?;
                m.end()
            }
            Geometry::LineString(ps) => {
                let mut m = s.serialize_map(Some(2))?;
                m.serialize_entry("type", "LineString")?;
                let coords: Vec<[f64; 2]> = ps.iter().map(pos).collect();
                m.serialize_entry("coordinates", &coords)?;
                m.end()
            }
        }
    }
}

#[derive(Serialize)]
struct FeatureOut<'a, P: Serialize> {
    #[serde(rename = "type")]
    kind: &'static str,
    id: u64,
    geometry: RoundedGeometry<'a>,
    properties: &'a P,
}

/// Writes features in one format to a byte sink.
pub struct FeatureWriter<W: Write> {
    out: W,
    format: Format,
    decimals: u32,
    pretty: bool,
    count: u64,
    started: bool,
    buf: Vec<u8>,
}

impl<W: Write> FeatureWriter<W> {
    /// A writer of `format` with coordinates rounded to `decimals`.
    pub fn new(out: W, format: Format, decimals: u32, pretty: bool) -> Self {
        FeatureWriter { out, format, decimals, pretty, count: 0, started: false, buf: Vec::with_capacity(1024) }
    }

    fn start(&mut self) -> std::io::Result<()> {
        if !self.started {
            self.started = true;
            if self.format == Format::Geojson {
                self.out.write_all(br#"{"type":"FeatureCollection","features":["#)?;
            }
        }
        Ok(())
    }

    /// Write one feature; its id is the running count from 1.
    pub fn write<P: Serialize>(&mut self, geometry: &Geometry, properties: &P) -> std::io::Result<u64> {
        self.start()?;
        self.count += 1;
        if self.format == Format::Csv {
            self.write_csv_row(geometry, properties)?;
            return Ok(self.count);
        }
        let f = FeatureOut {
            kind: "Feature",
            id: self.count,
            geometry: RoundedGeometry { geometry, decimals: self.decimals },
            properties,
        };
        match self.format {
            Format::Geojson => {
                if self.count > 1 {
                    self.out.write_all(b",")?;
                }
                self.out.write_all(b"\n")?;
            }
            Format::Geojsonseq => self.out.write_all(b"\x1e")?,
            Format::Ndjson | Format::Csv => {}
        }
        self.buf.clear();
        let r = if self.pretty && self.format == Format::Geojson {
            serde_json::to_writer_pretty(&mut self.buf, &f)
        } else {
            serde_json::to_writer(&mut self.buf, &f)
        };
        r.map_err(std::io::Error::other)?;
        self.out.write_all(&self.buf)?;
        if self.format != Format::Geojson {
            self.out.write_all(b"\n")?;
        }
        Ok(self.count)
    }

    fn write_csv_row<P: Serialize>(&mut self, geometry: &Geometry, properties: &P) -> std::io::Result<()> {
        let value = serde_json::to_value(properties).map_err(std::io::Error::other)?;
        let serde_json::Value::Object(map) = value else {
            return Err(std::io::Error::other("feature properties must be an object"));
        };
        let d = self.decimals;
        let num = |v: f64| serde_json::Number::from_f64(round(v, d)).map_or(String::new(), |n| n.to_string());
        let (lat, lon) = match geometry {
            Geometry::Point(p) => (num(p.lat), num(p.lon)),
            _ => (String::new(), String::new()),
        };
        let pos = |p: &LonLat| format!("{} {}", num(p.lon), num(p.lat));
        let wkt = match geometry {
            Geometry::None => String::new(),
            Geometry::Point(p) => format!("POINT ({})", pos(p)),
            Geometry::LineString(ps) => format!("LINESTRING ({})", ps.iter().map(pos).collect::<Vec<_>>().join(", ")),
        };
        let mut buf = Vec::new();
        {
            let mut w = csv::Writer::from_writer(&mut buf);
            if self.count == 1 {
                let mut header = vec!["id".to_string(), "lat".into(), "lon".into(), "wkt".into()];
                header.extend(map.keys().cloned());
                w.write_record(&header).map_err(std::io::Error::other)?;
            }
            let mut row = vec![self.count.to_string(), lat, lon, wkt];
            row.extend(map.values().map(|v| match v {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            }));
            w.write_record(&row).map_err(std::io::Error::other)?;
            w.flush()?;
        }
        self.out.write_all(&buf)
    }

    /// Number of features written.
    pub fn len(&self) -> u64 {
        self.count
    }

    /// Whether no feature was written.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Close the collection and flush; returns the sink.
    pub fn finish(mut self) -> std::io::Result<W> {
        self.start()?;
        if self.format == Format::Geojson {
            self.out.write_all(b"\n]}\n")?;
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// An output file written atomically: to a temporary file beside the target,
/// renamed over it on [`AtomicFile::commit`]. Dropped without commit, the
/// temporary file is removed and the target is untouched.
pub struct AtomicFile {
    target: PathBuf,
    temp: tempfile::NamedTempFile,
}

impl AtomicFile {
    /// Start writing `target`.
    pub fn create(target: &Path) -> Result<AtomicFile> {
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".geoevent-").suffix(".tmp");
        // Temporary files are private (0600); the output is an ordinary file.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o644));
        }
        let temp = builder.tempfile_in(&dir).map_err(|e| Error::io(target, e))?;
        Ok(AtomicFile { target: target.to_path_buf(), temp })
    }

    /// The file to write to.
    pub fn file(&mut self) -> &mut std::fs::File {
        self.temp.as_file_mut()
    }

    /// Flush to disk and move into place.
    pub fn commit(self) -> Result<()> {
        self.temp.as_file().sync_all().map_err(|e| Error::io(&self.target, e))?;
        let target = self.target;
        self.temp.persist(&target).map_err(|e| Error::io(&target, e.error))?;
        Ok(())
    }
}
