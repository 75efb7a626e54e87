//! Writing features: GeoJSON FeatureCollection (RFC 7946), GeoJSON text
//! sequences (RFC 8142), newline-delimited GeoJSON, CSV and KML, streamed one
//! feature at a time.
//!
//! Coordinates are `[lon, lat]` in WGS84, rounded to a fixed number of
//! decimals (6 by default, about 0.1 m). Feature ids are integers counted
//! from 1 in output order, per file. No `crs` member is written. Each file
//! holds one [`Layer`]: one geometry type and a fixed list of typed fields.

pub mod events;
pub mod places;
pub mod style;

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
    /// KML 2.2 for Google Earth: one `Placemark` per feature with a
    /// `<Schema>` of typed fields, `ExtendedData`/`SchemaData` values and an
    /// inline `<Style>` from the simplestyle colours.
    Kml,
}

impl Format {
    /// Parse a format name (`geojson`, `geojsonseq`, `ndjson`, `csv`, `kml`).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "geojson" => Some(Format::Geojson),
            "geojsonseq" => Some(Format::Geojsonseq),
            "ndjson" | "geojsonl" => Some(Format::Ndjson),
            "csv" => Some(Format::Csv),
            "kml" => Some(Format::Kml),
            _ => None,
        }
    }

    /// The file extension of the format, as GDAL recognises it.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Geojson => "geojson",
            Format::Geojsonseq => "geojsons",
            Format::Ndjson => "geojsonl",
            Format::Csv => "csv",
            Format::Kml => "kml",
        }
    }
}

/// The type of a property, as GIS tools should read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    /// JSON string.
    String,
    /// JSON integer.
    Integer,
    /// JSON number.
    Real,
    /// JSON boolean.
    Boolean,
    /// JSON string `YYYY-MM-DD`.
    Date,
}

impl FieldType {
    /// The GDAL CSV type (`.csvt` sidecar).
    fn csvt(self) -> &'static str {
        match self {
            FieldType::String => "String",
            FieldType::Integer => "Integer",
            FieldType::Real => "Real",
            FieldType::Boolean => "Integer(Boolean)",
            FieldType::Date => "Date",
        }
    }

    /// The KML `SimpleField` type.
    fn kml(self) -> &'static str {
        match self {
            FieldType::String | FieldType::Date => "string",
            FieldType::Integer => "int",
            FieldType::Real => "double",
            FieldType::Boolean => "bool",
        }
    }
}

/// A property of a layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// Property name.
    pub name: &'static str,
    /// Its type; every value is of this type or null.
    pub ty: FieldType,
}

impl Field {
    /// A field.
    pub const fn new(name: &'static str, ty: FieldType) -> Field {
        Field { name, ty }
    }
}

/// An output layer: one geometry type, a fixed list of fields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layer {
    /// Layer (and file) name: `places`, `events`, `distance_claims`.
    pub name: &'static str,
    /// The geometry type of its features.
    pub geometry: &'static str,
    /// Its properties, in output order.
    pub fields: &'static [Field],
}

impl Layer {
    /// The `.csvt` sidecar of the layer's CSV: the column types GDAL and QGIS
    /// read instead of guessing (`id`, `lat`, `lon`, `wkt`, then the fields).
    ///
    /// `wkt` is typed `String`, not `WKT`: GDAL reads a column named `wkt` as
    /// the geometry anyway, and a `WKT` type makes GDAL (3.6) ignore
    /// `-oo X_POSSIBLE_NAMES=lon -oo Y_POSSIBLE_NAMES=lat`, and with
    /// `-oo KEEP_GEOM_COLUMNS=NO` shift the column types by one and crash.
    pub fn csvt(&self) -> String {
        let types: Vec<&str> =
            ["Integer", "Real", "Real", "String"].into_iter().chain(self.fields.iter().map(|f| f.ty.csvt())).collect();
        format!("{}\n", types.join(","))
    }
}

/// Write `contents` to `path` atomically.
pub fn write_file_atomically(path: &Path, contents: &[u8]) -> Result<()> {
    let mut f = AtomicFile::create(path)?;
    f.file().write_all(contents).map_err(|e| Error::io(path, e))?;
    f.commit()
}

/// Place mentions (Points).
pub const PLACES: Layer = Layer { name: "places", geometry: "Point", fields: places::PLACE_FIELDS };
/// Events (Points).
pub const EVENTS: Layer = Layer { name: "events", geometry: "Point", fields: events::EVENT_FIELDS };
/// Distance claims (LineStrings).
pub const DISTANCE_CLAIMS: Layer =
    Layer { name: "distance_claims", geometry: "LineString", fields: events::CLAIM_FIELDS };

/// Geodesics between places, as `geoevent distance` writes them (LineStrings).
pub const DISTANCES: Layer = Layer {
    name: "distances",
    geometry: "LineString",
    fields: &[
        Field::new("from", FieldType::String),
        Field::new("to", FieldType::String),
        Field::new("from_id", FieldType::String),
        Field::new("to_id", FieldType::String),
        Field::new("distance_km", FieldType::Real),
        Field::new("distance_m", FieldType::Real),
        Field::new("bearing_deg", FieldType::Real),
        Field::new("compass", FieldType::String),
        Field::new("back_bearing_deg", FieldType::Real),
        Field::new("title", FieldType::String),
    ],
};

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

/// How features are serialised: format, layer, precision. Copyable and
/// shareable, so worker threads can encode features while one
/// [`FeatureWriter`] writes them in order.
#[derive(Clone, Copy, Debug)]
pub struct Encoder {
    /// Output format.
    pub format: Format,
    /// The layer written.
    pub layer: Layer,
    /// Decimal places of coordinates.
    pub decimals: u32,
    /// Indent GeoJSON.
    pub pretty: bool,
}

/// Properties that write themselves as compact JSON: byte for byte what
/// serde_json writes for their `Serialize`, without serde's work per field
/// (the `places` layer writes millions of features).
pub trait WriteJson: Serialize {
    /// Append the JSON object to `out`.
    fn write_json(&self, out: &mut Vec<u8>);
}

/// Compact JSON values as serde_json writes them.
pub mod json {
    /// A JSON string: bytes that need no escape are copied as they are;
    /// others go through serde_json.
    #[inline]
    pub fn string(out: &mut Vec<u8>, s: &str) {
        if !crate::swar::needs_json_escape(s.as_bytes()) {
            quoted(out, s);
        } else {
            // Writing to a Vec cannot fail, and a string always serialises.
            let _ = serde_json::to_writer(&mut *out, s);
        }
    }

    /// `s` between quotes, as it is: for a string with no byte to escape.
    #[inline]
    fn quoted(out: &mut Vec<u8>, s: &str) {
        debug_assert!(!crate::swar::needs_json_escape(s.as_bytes()));
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }

    /// A JSON object written member by member; keys need no escape.
    pub struct Object<'o> {
        out: &'o mut Vec<u8>,
        first: bool,
    }

    impl<'o> Object<'o> {
        /// Open an object on `out`.
        #[inline]
        pub fn new(out: &'o mut Vec<u8>) -> Object<'o> {
            out.push(b'{');
            Object { out, first: true }
        }

        /// Go on with an object whose opening and first members `out`
        /// already holds (or will hold before what this writes).
        #[inline]
        pub fn continued(out: &'o mut Vec<u8>) -> Object<'o> {
            Object { out, first: false }
        }

        /// Members written elsewhere, as bytes (each after a comma).
        #[inline]
        pub fn raw(&mut self, members: &[u8]) {
            self.first = false;
            self.out.extend_from_slice(members);
        }

        /// `"key":`, after a comma unless it is the first member.
        #[inline]
        fn key(&mut self, key: &str) -> &mut Vec<u8> {
            if !self.first {
                self.out.push(b',');
            }
            self.first = false;
            self.out.push(b'"');
            self.out.extend_from_slice(key.as_bytes());
            self.out.extend_from_slice(b"\":");
            self.out
        }

        /// A string member.
        #[inline]
        pub fn string(&mut self, key: &str, v: &str) {
            string(self.key(key), v);
        }

        /// An unsigned integer member.
        #[inline]
        pub fn unsigned(&mut self, key: &str, v: u64) {
            unsigned(self.key(key), v);
        }

        /// A string or `null`.
        #[inline]
        pub fn opt_string(&mut self, key: &str, v: Option<&str>) {
            or_null(self.key(key), v, string);
        }

        /// An unsigned integer or `null`.
        #[inline]
        pub fn opt_unsigned(&mut self, key: &str, v: Option<u64>) {
            or_null(self.key(key), v, unsigned);
        }

        /// A number or `null`.
        #[inline]
        pub fn opt_number(&mut self, key: &str, v: Option<f64>) {
            or_null(self.key(key), v, number);
        }

        /// A number or `null`, written by [`decimal`].
        #[inline]
        pub fn opt_decimal<const DECIMALS: u32>(&mut self, key: &str, v: Option<f64>) {
            or_null(self.key(key), v, decimal::<DECIMALS>);
        }

        /// A string member whose value needs no escape (a name of this
        /// program's, such as a method or a kind).
        #[inline]
        pub fn plain_string(&mut self, key: &str, v: &'static str) {
            quoted(self.key(key), v);
        }

        /// Close the object.
        #[inline]
        pub fn end(self) {
            self.out.push(b'}');
        }
    }

    /// An unsigned integer.
    #[inline]
    pub fn unsigned(out: &mut Vec<u8>, v: u64) {
        out.extend_from_slice(digits(&mut itoa::Buffer::new(), v));
    }

    /// The decimal digits of `v`, written into `buf` (two at a time, by
    /// `itoa`).
    #[inline]
    pub fn digits(buf: &mut itoa::Buffer, v: u64) -> &[u8] {
        buf.format(v).as_bytes()
    }

    /// A number (`null` when not finite, as serde_json writes it).
    #[inline]
    pub fn number(out: &mut Vec<u8>, v: f64) {
        let _ = serde_json::to_writer(&mut *out, &v);
    }

    /// [`number`] of `v`, written from its digits when it is a whole count
    /// of `10^-DECIMALS` (`DECIMALS` at most 6), as [`super::round`] makes
    /// it: 0, or from a thousandth up to 10^9 counts. Then it is the digits
    /// of the whole part, a point, and the last `DECIMALS` digits without
    /// their trailing zeros (`.0` for none): what serde_json writes, the
    /// shortest form that reads back as the same number (a test compares
    /// them). Formatting the score through serde_json took some 270 of a
    /// place feature's 1,900 instructions.
    #[inline]
    pub fn decimal<const DECIMALS: u32>(out: &mut Vec<u8>, v: f64) {
        const { assert!(DECIMALS <= 6) };
        let scale = 10u64.pow(DECIMALS);
        let n = (v * scale as f64).round();
        // (Not negative: -0.0 is written `-0.0`; NaN and infinities fail
        // the comparisons. Below a thousandth serde_json writes an exponent.)
        if !(v.is_sign_positive() && (v >= 1e-3 || v == 0.0) && n <= 1e9 && n / scale as f64 == v) {
            return number(out, v);
        }
        // The text is made right-aligned to byte 24 of `buf` (at most 17
        // bytes: ten digits, a point, six), and written by a copy of a fixed
        // 24 bytes from where it starts, cut to its length after: a copy of
        // its own length is a `memcpy` call, whose dispatch on the length
        // mispredicts from one number to the next.
        let mut buf = [0u8; 48];
        let mut i = 24;
        let n = n as u64;
        let (mut fraction, mut digits) = (n % scale, (DECIMALS as usize).max(1));
        while digits > 1 && fraction % 10 == 0 {
            (fraction, digits) = (fraction / 10, digits - 1);
        }
        for _ in 0..digits {
            i -= 1;
            buf[i] = b'0' + (fraction % 10) as u8;
            fraction /= 10;
        }
        i -= 1;
        buf[i] = b'.';
        let mut whole = n / scale;
        loop {
            i -= 1;
            buf[i] = b'0' + (whole % 10) as u8;
            whole /= 10;
            if whole == 0 {
                break;
            }
        }
        let at = out.len();
        out.extend_from_slice(buf[i..].first_chunk::<24>().unwrap_or(&[0; 24]));
        out.truncate(at + 24 - i);
    }

    /// A value or `null`.
    #[inline]
    pub fn or_null<T>(out: &mut Vec<u8>, v: Option<T>, write: impl FnOnce(&mut Vec<u8>, T)) {
        match v {
            Some(v) => write(out, v),
            None => out.extend_from_slice(b"null"),
        }
    }
}

/// A feature serialised by [`Encoder::encode`], waiting for its id.
#[derive(Clone, Debug, Default)]
pub struct Encoded {
    bytes: Vec<u8>,
    /// Where the id goes, if the format writes one.
    id_at: Option<usize>,
}

/// What serde_json writes for a feature up to its id, which the writer
/// inserts.
const FEATURE_HEAD: &[u8] = br#"{"type":"Feature","id":"#;

/// Stands in for the id while encoding (its digits cannot occur earlier in
/// a feature: `{"type":"Feature","id":` comes first).
const ID_PLACEHOLDER: u64 = u64::MAX;

impl Encoder {
    /// An encoder of `layer` in `format` with coordinates rounded to `decimals`.
    pub fn new(format: Format, layer: Layer, decimals: u32, pretty: bool) -> Encoder {
        Encoder { format, layer, decimals, pretty }
    }

    /// Serialise one feature.
    pub fn encode<P: Serialize>(&self, geometry: &Geometry, properties: &P) -> std::io::Result<Encoded> {
        match self.format {
            Format::Csv => self.csv_row(geometry, properties),
            Format::Kml => self.placemark(geometry, properties),
            Format::Geojson if self.pretty => {
                let f = FeatureOut {
                    kind: "Feature",
                    id: ID_PLACEHOLDER,
                    geometry: RoundedGeometry { geometry, decimals: self.decimals },
                    properties,
                };
                let mut bytes = Vec::with_capacity(1024);
                serde_json::to_writer_pretty(&mut bytes, &f).map_err(std::io::Error::other)?;
                let digits = ID_PLACEHOLDER.to_string();
                let at = bytes
                    .windows(digits.len())
                    .position(|w| w == digits.as_bytes())
                    .ok_or_else(|| std::io::Error::other("feature id not found while encoding"))?;
                bytes.drain(at..at + digits.len());
                Ok(Encoded { bytes, id_at: Some(at) })
            }
            Format::Geojson | Format::Geojsonseq | Format::Ndjson => {
                // What serde_json writes for FeatureOut, with the id left out
                // for the writer to insert.
                let mut bytes = Vec::with_capacity(512);
                bytes.extend_from_slice(FEATURE_HEAD);
                bytes.extend_from_slice(br#","geometry":"#);
                serde_json::to_writer(&mut bytes, &RoundedGeometry { geometry, decimals: self.decimals })
                    .map_err(std::io::Error::other)?;
                bytes.extend_from_slice(br#","properties":"#);
                serde_json::to_writer(&mut bytes, properties).map_err(std::io::Error::other)?;
                bytes.push(b'}');
                Ok(Encoded { bytes, id_at: Some(FEATURE_HEAD.len()) })
            }
        }
    }

    /// [`Encoder::encode`] of properties that write their own JSON: the
    /// same bytes, faster, for compact GeoJSON, GeoJSONSeq and NDJSON.
    pub fn encode_fast<P: WriteJson>(&self, geometry: &Geometry, properties: &P) -> std::io::Result<Encoded> {
        if !self.is_compact_json() {
            return self.encode(geometry, properties);
        }
        let mut bytes = Vec::with_capacity(512);
        bytes.extend_from_slice(FEATURE_HEAD);
        self.geometry_member(&mut bytes, geometry)?;
        properties.write_json(&mut bytes);
        bytes.push(b'}');
        Ok(Encoded { bytes, id_at: Some(FEATURE_HEAD.len()) })
    }

    /// Whether [`Encoder::encode_fast`] writes JSON itself: compact GeoJSON,
    /// GeoJSONSeq and NDJSON.
    pub fn is_compact_json(&self) -> bool {
        !self.pretty && matches!(self.format, Format::Geojson | Format::Geojsonseq | Format::Ndjson)
    }

    /// What a compact feature has between its id and its properties object:
    /// `,"geometry":{...},"properties":`.
    fn geometry_member(&self, bytes: &mut Vec<u8>, geometry: &Geometry) -> std::io::Result<()> {
        bytes.extend_from_slice(br#","geometry":"#);
        match geometry {
            Geometry::None => bytes.extend_from_slice(b"null"),
            Geometry::Point(p) => {
                bytes.extend_from_slice(br#"{"type":"Point","coordinates":["#);
                json::number(bytes, round(p.lon, self.decimals));
                bytes.push(b',');
                json::number(bytes, round(p.lat, self.decimals));
                bytes.extend_from_slice(b"]}");
            }
            Geometry::LineString(_) => {
                serde_json::to_writer(&mut *bytes, &RoundedGeometry { geometry, decimals: self.decimals })
                    .map_err(std::io::Error::other)?;
            }
        }
        bytes.extend_from_slice(br#","properties":"#);
        Ok(())
    }

    fn csv_row<P: Serialize>(&self, geometry: &Geometry, properties: &P) -> std::io::Result<Encoded> {
        let map = property_map(properties)?;
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
        // The id column is a placeholder digit, cut off below.
        let mut row = vec!["0".to_string(), lat, lon, wkt];
        row.extend(self.layer.fields.iter().map(|f| map.get(f.name).map_or(String::new(), value_text)));
        let mut bytes = Vec::new();
        {
            let mut w = csv::Writer::from_writer(&mut bytes);
            w.write_record(&row).map_err(std::io::Error::other)?;
            w.flush()?;
        }
        bytes.remove(0);
        Ok(Encoded { bytes, id_at: Some(0) })
    }

    fn placemark<P: Serialize>(&self, geometry: &Geometry, properties: &P) -> std::io::Result<Encoded> {
        use kml::types::{Coord, Element, LineString, Placemark, Point};
        let map = property_map(properties)?;
        let d = self.decimals;
        let coord = |p: &LonLat| Coord::new(round(p.lon, d), round(p.lat, d), None);
        let geometry = match geometry {
            Geometry::None => None,
            Geometry::Point(p) => Some(kml::types::Geometry::Point(Point::from(coord(p)))),
            Geometry::LineString(ps) => {
                Some(kml::types::Geometry::LineString(LineString::from(ps.iter().map(coord).collect::<Vec<_>>())))
            }
        };
        let text = |k: &str| map.get(k).and_then(|v| v.as_str()).map(str::to_string);
        let element = |name: &str, content: Option<String>, children: Vec<Element>| Element {
            name: name.to_string(),
            content,
            children,
            ..Element::default()
        };
        let mut children = Vec::new();
        // A date becomes a TimeStamp, which Google Earth's time slider reads.
        if let Some(date) = self.layer.fields.iter().find(|f| f.ty == FieldType::Date).and_then(|f| text(f.name)) {
            children.push(element("TimeStamp", None, vec![element("when", Some(date), vec![])]));
        }
        // simplestyle colours become an inline Style.
        let mut style = Vec::new();
        if let Some(c) = text("marker-color").as_deref().and_then(style::kml_color) {
            style.push(element("IconStyle", None, vec![element("color", Some(c), vec![])]));
        }
        if let Some(c) = text("stroke").as_deref().and_then(style::kml_color) {
            let width = map.get("stroke-width").and_then(|v| v.as_f64()).unwrap_or(style::CLAIM_STROKE_WIDTH);
            style.push(element(
                "LineStyle",
                None,
                vec![element("color", Some(c), vec![]), element("width", Some(width.to_string()), vec![])],
            ));
        }
        if !style.is_empty() {
            children.push(element("Style", None, style));
        }
        let data: Vec<Element> = self
            .layer
            .fields
            .iter()
            .filter(|f| !is_style_property(f.name))
            .filter_map(|f| match map.get(f.name) {
                None | Some(serde_json::Value::Null) => None,
                Some(v) => {
                    let mut e = element("SimpleData", Some(kml_value_text(v)), vec![]);
                    e.attrs.insert("name".into(), f.name.into());
                    Some(e)
                }
            })
            .collect();
        let mut schema_data = element("SchemaData", None, data);
        schema_data.attrs.insert("schemaUrl".into(), format!("#{}", self.layer.name));
        children.push(element("ExtendedData", None, vec![schema_data]));
        let placemark = Placemark {
            name: text("title").or_else(|| text("name")),
            description: text("description"),
            geometry,
            children,
            ..Placemark::default()
        };
        let mut bytes = Vec::with_capacity(1024);
        kml::KmlWriter::<_, f64>::from_writer(&mut bytes)
            .write(&kml::Kml::Placemark(placemark))
            .map_err(std::io::Error::other)?;
        bytes.push(b'\n');
        Ok(Encoded { bytes, id_at: None })
    }
}

/// Writes the features of one layer in one format to a byte sink.
pub struct FeatureWriter<W: Write> {
    out: W,
    encoder: Encoder,
    count: u64,
    started: bool,
}

impl<W: Write> FeatureWriter<W> {
    /// A writer of `layer` in `format` with coordinates rounded to `decimals`.
    pub fn new(out: W, format: Format, layer: Layer, decimals: u32, pretty: bool) -> Self {
        Self::with_encoder(out, Encoder::new(format, layer, decimals, pretty))
    }

    /// A writer that writes what `encoder` encodes.
    pub fn with_encoder(out: W, encoder: Encoder) -> Self {
        FeatureWriter { out, encoder, count: 0, started: false }
    }

    /// The encoder of this writer.
    pub fn encoder(&self) -> Encoder {
        self.encoder
    }

    fn start(&mut self) -> std::io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let layer = self.encoder.layer;
        match self.encoder.format {
            Format::Geojson => self.out.write_all(br#"{"type":"FeatureCollection","features":["#),
            Format::Csv => {
                let mut w = csv::Writer::from_writer(&mut self.out);
                let header = ["id", "lat", "lon", "wkt"].into_iter().chain(layer.fields.iter().map(|f| f.name));
                w.write_record(header).map_err(std::io::Error::other)?;
                w.flush()
            }
            Format::Kml => {
                let name = layer.name;
                write!(
                    self.out,
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
                     <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document id=\"{name}\">\n<name>{name}</name>\n\
                     <Schema name=\"{name}\" id=\"{name}\">\n"
                )?;
                for f in layer.fields {
                    if !is_style_property(f.name) {
                        writeln!(self.out, "<SimpleField type=\"{}\" name=\"{}\"></SimpleField>", f.ty.kml(), f.name)?;
                    }
                }
                self.out.write_all(b"</Schema>\n")
            }
            Format::Geojsonseq | Format::Ndjson => Ok(()),
        }
    }

    /// Write one feature; its id is the running count from 1.
    pub fn write<P: Serialize>(&mut self, geometry: &Geometry, properties: &P) -> std::io::Result<u64> {
        let e = self.encoder.encode(geometry, properties)?;
        self.write_encoded(&e)
    }

    /// Write a feature encoded by this writer's [`Encoder`]; its id is the
    /// running count from 1.
    pub fn write_encoded(&mut self, e: &Encoded) -> std::io::Result<u64> {
        self.start()?;
        self.count += 1;
        match self.encoder.format {
            Format::Geojson => self.out.write_all(if self.count > 1 { b",\n" } else { b"\n" })?,
            Format::Geojsonseq => self.out.write_all(b"\x1e")?,
            Format::Ndjson | Format::Csv | Format::Kml => {}
        }
        match e.id_at {
            Some(at) => {
                self.out.write_all(&e.bytes[..at])?;
                self.out.write_all(json::digits(&mut itoa::Buffer::new(), self.count))?;
                self.out.write_all(&e.bytes[at..])?;
            }
            None => self.out.write_all(&e.bytes)?,
        }
        if matches!(self.encoder.format, Format::Geojsonseq | Format::Ndjson) {
            self.out.write_all(b"\n")?;
        }
        Ok(self.count)
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
        match self.encoder.format {
            Format::Geojson => self.out.write_all(b"\n]}\n")?,
            Format::Kml => self.out.write_all(b"</Document>\n</kml>\n")?,
            _ => {}
        }
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Style properties (simplestyle-spec), which KML carries as `<Style>`,
/// `<name>` and `<description>` instead of data.
fn is_style_property(name: &str) -> bool {
    matches!(name, "title" | "description" | "marker-color" | "stroke" | "stroke-width")
}

/// The properties of a feature as a JSON object.
fn property_map<P: Serialize>(properties: &P) -> std::io::Result<serde_json::Map<String, serde_json::Value>> {
    match serde_json::to_value(properties).map_err(std::io::Error::other)? {
        serde_json::Value::Object(map) => Ok(map),
        _ => Err(std::io::Error::other("feature properties must be an object")),
    }
}

/// A property value as text: strings as they are, null as empty.
fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A property value as KML `SimpleData` text: booleans as `1` and `0` (both
/// valid `xsd:boolean`; GDAL reads a `bool` field as an integer and would
/// read `true` as 0), everything else as [`value_text`].
fn kml_value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        other => value_text(other),
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

#[cfg(test)]
mod tests {
    use super::json::{decimal, number};
    use super::round;

    fn both(v: f64, decimals: u32) -> (String, String) {
        let (mut fast, mut slow) = (Vec::new(), Vec::new());
        [decimal::<0>, decimal::<1>, decimal::<2>, decimal::<3>, decimal::<4>, decimal::<5>, decimal::<6>]
            [decimals as usize](&mut fast, v);
        number(&mut slow, v);
        (String::from_utf8_lossy(&fast).into_owned(), String::from_utf8_lossy(&slow).into_owned())
    }

    /// Every count of thousandths up to 300,000 and of tenths up to
    /// 3,000,000 (scores, uncertainty radii), and some of millionths, is
    /// written as serde_json writes it.
    #[test]
    fn decimals_are_written_as_serde_json_writes_them() {
        for (decimals, counts) in [(3u32, 300_000u64), (1, 3_000_000), (6, 200_000)] {
            let scale = 10f64.powi(decimals as i32);
            for n in 0..=counts {
                let v = n as f64 / scale;
                let (fast, slow) = both(v, decimals);
                assert_eq!(fast, slow, "{n} / 10^{decimals}");
            }
        }
        let (fast, slow) = both(1e9 / 1000.0, 3);
        assert_eq!((fast.as_str(), slow.as_str()), ("1000000.0", "1000000.0"));
    }

    proptest::proptest! {
        /// Any number, rounded or not, large, negative or not finite, is
        /// written as serde_json writes it.
        #[test]
        fn any_number_is_written_as_serde_json_writes_it(
            v in proptest::prop_oneof![
                proptest::num::f64::ANY,
                0.0..2e9f64,
                proptest::sample::select(vec![-0.0, 0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e-7, 1e21]),
            ],
            decimals in 0u32..=6,
        ) {
            let (fast, slow) = both(v, decimals);
            proptest::prop_assert_eq!(fast, slow);
            let (fast, slow) = both(round(v, decimals), decimals);
            proptest::prop_assert_eq!(fast, slow);
        }
    }
}
