//! The `places` layer: one Point feature per place mention.
//!
//! # Properties (wire format)
//! Every feature has every property; a missing value is `null`, never an
//! absent key, and each property keeps one JSON type:
//! - `doc_id` (string): the document's id.
//! - `mention` (string): the text as written.
//! - `start`, `end` (integer): Unicode code point offsets of the mention in
//!   the document text (`text[start:end]` in Python is `mention`).
//! - `place_id` (string or null): gazetteer id (`gn:99454`); null when placed
//!   by a relative statement or unresolved.
//! - `name` (string): the gazetteer name, or the mention for places not in
//!   the gazetteer.
//! - `kind` (string): `country`, `admin1`, `admin2`, `region`, `city`,
//!   `town`, `village`, `natural`, `facility`; `relative` for a place
//!   located by a relative statement; `unknown` when unresolved.
//! - `country` (string or null): ISO 3166-1 alpha-2 code.
//! - `admin1` (string or null): first-level division name.
//! - `population` (integer or null).
//! - `score` (number or null): confidence in `[0, 1]`.
//! - `method` (string): `gazetteer`, `relative` or `unresolved`.
//! - `uncertainty_km` (number or null): radius for relative placements.
//!
//! Unresolved mentions have a `null` geometry.

use serde::Serialize;

use super::{Encoded, Encoder, FEATURE_HEAD, Field, FieldType as T, Geometry, WriteJson, json, round};
use crate::gazetteer::{Gazetteer, Place};
use crate::parse::{Method, PlaceMention};

/// Properties of a place feature.
#[derive(Debug, Serialize)]
pub struct PlaceProps<'a> {
    /// Document id.
    pub doc_id: &'a str,
    /// Text as written.
    pub mention: &'a str,
    /// Code point offset of the start.
    pub start: u64,
    /// Code point offset of the end.
    pub end: u64,
    /// Gazetteer id.
    pub place_id: Option<&'a str>,
    /// Place name.
    pub name: &'a str,
    /// Kind of place.
    pub kind: &'a str,
    /// Country code.
    pub country: Option<&'a str>,
    /// Division name.
    pub admin1: Option<&'a str>,
    /// Population.
    pub population: Option<u64>,
    /// Confidence.
    pub score: Option<f64>,
    /// How it was placed.
    pub method: &'static str,
    /// Uncertainty radius in km.
    pub uncertainty_km: Option<f64>,
}

impl PlaceProps<'_> {
    /// The members before the place's: the mention.
    fn write_mention(&self, o: &mut json::Object<'_>) {
        o.string("doc_id", self.doc_id);
        o.string("mention", self.mention);
        o.unsigned("start", self.start);
        o.unsigned("end", self.end);
    }

    /// The members of the place: the same for every mention of it.
    fn write_place(&self, o: &mut json::Object<'_>) {
        o.opt_string("place_id", self.place_id);
        o.string("name", self.name);
        o.string("kind", self.kind);
        o.opt_string("country", self.country);
        o.opt_string("admin1", self.admin1);
        o.opt_unsigned("population", self.population);
    }

    /// The members after the place's: how it was placed.
    fn write_placing(&self, o: &mut json::Object<'_>) {
        // Rounded to 3 and 1 decimals (see `of_mention`).
        o.opt_decimal::<3>("score", self.score);
        o.plain_string("method", self.method);
        o.opt_decimal::<1>("uncertainty_km", self.uncertainty_km);
    }
}

impl WriteJson for PlaceProps<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut o = json::Object::new(out);
        self.write_mention(&mut o);
        self.write_place(&mut o);
        self.write_placing(&mut o);
        o.end();
    }
}

/// The fields of the `places` layer and their types.
pub const PLACE_FIELDS: &[Field] = &[
    Field::new("doc_id", T::String),
    Field::new("mention", T::String),
    Field::new("start", T::Integer),
    Field::new("end", T::Integer),
    Field::new("place_id", T::String),
    Field::new("name", T::String),
    Field::new("kind", T::String),
    Field::new("country", T::String),
    Field::new("admin1", T::String),
    Field::new("population", T::Integer),
    Field::new("score", T::Real),
    Field::new("method", T::String),
    Field::new("uncertainty_km", T::Real),
];

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The geometry and properties of a place mention.
pub fn feature<'a>(doc_id: &'a str, p: &'a PlaceMention<'_>) -> (Geometry, PlaceProps<'a>) {
    let geometry = p.position.map_or(Geometry::None, Geometry::Point);
    let props = match &p.place {
        Some(g) => PlaceProps::of_place(doc_id, p, g),
        None => {
            let kind = if p.method == Method::Relative { "relative" } else { "unknown" };
            let country = p.relative.as_ref().and_then(|r| non_empty(r.1.country));
            PlaceProps {
                place_id: None,
                name: p.surface.as_str(),
                kind,
                country,
                admin1: None,
                population: None,
                ..PlaceProps::of_mention(doc_id, p)
            }
        }
    };
    (geometry, props)
}

impl<'a> PlaceProps<'a> {
    /// The properties of mention `p`, with no place.
    fn of_mention(doc_id: &'a str, p: &'a PlaceMention<'_>) -> PlaceProps<'a> {
        PlaceProps {
            doc_id,
            mention: &p.surface,
            start: p.start as u64,
            end: p.end as u64,
            place_id: None,
            name: "",
            kind: "",
            country: None,
            admin1: None,
            population: None,
            score: p.score.map(|s| round(s, 3)),
            method: p.method.as_str(),
            uncertainty_km: p.uncertainty_km.map(|u| round(u, 1)),
        }
    }

    /// The properties of mention `p` of gazetteer place `g`.
    fn of_place(doc_id: &'a str, p: &'a PlaceMention<'_>, g: &Place<'a>) -> PlaceProps<'a> {
        PlaceProps {
            place_id: Some(g.id),
            name: g.name,
            kind: g.kind.as_str(),
            country: non_empty(g.country),
            admin1: non_empty(g.admin1),
            population: g.population,
            ..PlaceProps::of_mention(doc_id, p)
        }
    }
}

/// Encodes place features as [`Encoder::encode_fast`] does, byte for byte,
/// with the bytes that depend only on the gazetteer place (its geometry,
/// id, name, kind, country, division, population: two thirds of a feature,
/// and both of its coordinates to format) made once per place and thread,
/// then copied. News repeats its places: one pass of LGL and TR-News
/// (1.4 MB) writes 4,079 features of 959 places.
#[derive(Clone, Copy, Debug)]
pub struct PlaceEncoder {
    encoder: Encoder,
    gazetteer: u64,
}

/// Where one place's bytes are in [`Fragments::bytes`]: the geometry
/// member from `start` to `split`, the place's properties to `end`; and the
/// position they were made for.
#[derive(Clone, Copy, Debug)]
struct Fragment {
    lon: u64,
    lat: u64,
    start: u32,
    split: u32,
    end: u32,
}

/// The fragments of one thread for one gazetteer and precision.
#[derive(Debug, Default)]
struct Fragments {
    owner: (u64, u32),
    at: rustc_hash::FxHashMap<u32, Fragment>,
    bytes: Vec<u8>,
}

/// The bytes kept per thread before the table is emptied (memory stays flat
/// on a stream of any length, with a gazetteer of any size).
const FRAGMENT_BYTES: usize = 4 << 20;

thread_local! {
    static FRAGMENTS: std::cell::RefCell<Fragments> = std::cell::RefCell::new(Fragments::default());
}

impl PlaceEncoder {
    /// Encodes with `encoder`, features of places of `gazetteer`.
    pub fn new(encoder: Encoder, gazetteer: &Gazetteer) -> PlaceEncoder {
        PlaceEncoder { encoder, gazetteer: gazetteer.id() }
    }

    /// The feature of mention `p` of document `doc_id`.
    pub fn encode(&self, doc_id: &str, p: &PlaceMention<'_>) -> std::io::Result<Encoded> {
        let (Some(place), Some(position), true) = (&p.place, p.position, self.encoder.is_compact_json()) else {
            let (geometry, props) = feature(doc_id, p);
            return self.encoder.encode_fast(&geometry, &props);
        };
        let props = PlaceProps::of_place(doc_id, p, place);
        FRAGMENTS.with(|f| {
            let mut f = f.borrow_mut();
            let owner = (self.gazetteer, self.encoder.decimals);
            if f.owner != owner || f.bytes.len() >= FRAGMENT_BYTES {
                f.owner = owner;
                f.at.clear();
                f.bytes.clear();
            }
            let (lon, lat) = (position.lon.to_bits(), position.lat.to_bits());
            let fragment = match f.at.get(&place.index) {
                Some(&fr) if (fr.lon, fr.lat) == (lon, lat) => fr,
                _ => {
                    let start = f.bytes.len() as u32;
                    self.encoder.geometry_member(&mut f.bytes, &Geometry::Point(position))?;
                    let split = f.bytes.len() as u32;
                    props.write_place(&mut json::Object::continued(&mut f.bytes));
                    let fr = Fragment { lon, lat, start, split, end: f.bytes.len() as u32 };
                    f.at.insert(place.index, fr);
                    fr
                }
            };
            let (geometry, members) = (
                &f.bytes[fragment.start as usize..fragment.split as usize],
                &f.bytes[fragment.split as usize..fragment.end as usize],
            );
            let mut bytes = Vec::with_capacity(
                FEATURE_HEAD.len() + geometry.len() + members.len() + doc_id.len() + p.surface.len() + 128,
            );
            bytes.extend_from_slice(FEATURE_HEAD);
            bytes.extend_from_slice(geometry);
            let mut o = json::Object::new(&mut bytes);
            props.write_mention(&mut o);
            o.raw(members);
            props.write_placing(&mut o);
            o.end();
            bytes.push(b'}');
            Ok(Encoded { bytes, id_at: Some(FEATURE_HEAD.len()) })
        })
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::geodesy::LonLat;
    use crate::output::{Encoder, Format, PLACES};

    fn text() -> impl Strategy<Value = String> {
        // Quotes, backslashes, control characters, DEL and non-ASCII.
        proptest::string::string_regex("[a-zA-Z \"\\\\\u{0}-\u{1f}\u{7f}éū’\u{2028}]{0,12}").expect("regex")
    }

    fn number() -> impl Strategy<Value = f64> {
        prop_oneof![Just(f64::NAN), Just(f64::INFINITY), Just(-0.0), Just(1e21), -200.0..200.0f64]
    }

    /// A gazetteer of `n` places whose strings need escapes, named after `tag`.
    fn gazetteer(tag: &str, n: usize) -> Gazetteer {
        use crate::gazetteer::PlaceRecord;
        let rows: Vec<PlaceRecord> = (0..n)
            .map(|i| PlaceRecord {
                id: format!("t:{tag}{i}"),
                name: format!("{tag} \"{i}\" ū"),
                kind: if i % 2 == 0 { crate::Kind::City } else { crate::Kind::Admin1 },
                country: if i % 3 == 0 { String::new() } else { "IQ".into() },
                admin1: if i % 4 == 0 { String::new() } else { format!("Dīwān\\{i}") },
                lat: 33.0 + i as f64 / 7.0,
                lon: -44.0 + i as f64 / 3.0,
                population: (i % 5 != 0).then_some(1000 * i as u64),
                alt_names: Vec::new(),
                source: "test".into(),
            })
            .collect();
        Gazetteer::from_records(&rows, tag).expect("gazetteer")
    }

    /// Mention `surface` at `start` of place `index` of `g`, at the place or
    /// (`moved`) elsewhere.
    fn mention<'g>(g: &'g Gazetteer, index: u32, surface: &str, start: usize, moved: bool) -> PlaceMention<'g> {
        let place = g.place(index).expect("place");
        let position = if moved { LonLat::new(place.lon + 1.5, place.lat) } else { LonLat::new(place.lon, place.lat) };
        PlaceMention {
            start,
            end: start + surface.chars().count(),
            byte_start: start,
            byte_end: start + surface.len(),
            surface: surface.to_string(),
            place: Some(place),
            position: Some(position),
            score: Some(start as f64 / 1000.0),
            method: Method::Gazetteer,
            uncertainty_km: None,
            relative: None,
        }
    }

    proptest! {
        /// Features made from each place's stored bytes are the features
        /// the fast encoder writes, whatever came before them on the thread:
        /// other gazetteers, other precisions, the same place at another
        /// position.
        #[test]
        fn place_encoder_writes_what_the_fast_encoder_writes(
            steps in proptest::collection::vec((0usize..2, 0u32..6, any::<bool>(), 0usize..3, text(), 0usize..2000), 1..40),
        ) {
            let gazetteers = [gazetteer("a", 6), gazetteer("b", 6)];
            let formats = [(Format::Geojson, 6), (Format::Ndjson, 3), (Format::Geojsonseq, 6)];
            for (g, index, moved, format, surface, start) in steps {
                let (format, decimals) = formats[format];
                let encoder = Encoder::new(format, PLACES, decimals, false);
                let p = mention(&gazetteers[g], index, &surface, start, moved);
                let fast = PlaceEncoder::new(encoder, &gazetteers[g]).encode("doc \"1\"", &p).expect("fast");
                let (geometry, props) = feature("doc \"1\"", &p);
                let slow = encoder.encode(&geometry, &props).expect("serde");
                prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
            }
        }
    }

    proptest! {
        /// The hand-written JSON of place properties and the fast encoder
        /// write what serde_json writes.
        #[test]
        fn fast_json_is_serde_json(
            strings in proptest::collection::vec(text(), 7),
            options in proptest::collection::vec(any::<bool>(), 6),
            start in any::<u64>(),
            population in any::<u64>(),
            score in number(),
            uncertainty in number(),
            lon in number(),
            lat in number(),
            point in any::<bool>(),
            format in prop_oneof![Just(Format::Geojson), Just(Format::Geojsonseq), Just(Format::Ndjson)],
        ) {
            let some = |i: usize, s: &str| options[i].then_some(s).map(str::to_owned);
            let (place_id, country, admin1) = (some(0, &strings[3]), some(1, &strings[5]), some(2, &strings[6]));
            let props = PlaceProps {
                doc_id: &strings[0],
                mention: &strings[1],
                start,
                end: start / 2,
                place_id: place_id.as_deref(),
                name: &strings[2],
                kind: &strings[4],
                country: country.as_deref(),
                admin1: admin1.as_deref(),
                population: options[3].then_some(population),
                score: options[4].then_some(score),
                method: "gazetteer",
                uncertainty_km: options[5].then_some(uncertainty),
            };
            let mut fast = Vec::new();
            props.write_json(&mut fast);
            let slow = serde_json::to_vec(&props).expect("json");
            prop_assert_eq!(String::from_utf8_lossy(&fast), String::from_utf8_lossy(&slow));
            let geometry = if point { Geometry::Point(LonLat::new(lon, lat)) } else { Geometry::None };
            let encoder = Encoder::new(format, PLACES, 6, false);
            let fast = encoder.encode_fast(&geometry, &props).expect("fast");
            let slow = encoder.encode(&geometry, &props).expect("serde");
            prop_assert_eq!(format!("{fast:?}"), format!("{slow:?}"));
        }
    }
}
