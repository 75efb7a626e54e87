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

use super::{Field, FieldType as T, Geometry, WriteJson, json, round};
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

impl WriteJson for PlaceProps<'_> {
    fn write_json(&self, out: &mut Vec<u8>) {
        let mut o = json::Object::new(out);
        o.string("doc_id", self.doc_id);
        o.string("mention", self.mention);
        o.unsigned("start", self.start);
        o.unsigned("end", self.end);
        o.opt_string("place_id", self.place_id);
        o.string("name", self.name);
        o.string("kind", self.kind);
        o.opt_string("country", self.country);
        o.opt_string("admin1", self.admin1);
        o.opt_unsigned("population", self.population);
        o.opt_number("score", self.score);
        o.string("method", self.method);
        o.opt_number("uncertainty_km", self.uncertainty_km);
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
    let (place_id, name, kind, country, admin1, population) = match &p.place {
        Some(g) => (Some(g.id), g.name, g.kind.as_str(), non_empty(g.country), non_empty(g.admin1), g.population),
        None => {
            let kind = if p.method == Method::Relative { "relative" } else { "unknown" };
            let country = p.relative.as_ref().and_then(|r| non_empty(r.1.country));
            (None, p.surface.as_str(), kind, country, None, None)
        }
    };
    let props = PlaceProps {
        doc_id,
        mention: &p.surface,
        start: p.start as u64,
        end: p.end as u64,
        place_id,
        name,
        kind,
        country,
        admin1,
        population,
        score: p.score.map(|s| round(s, 3)),
        method: p.method.as_str(),
        uncertainty_km: p.uncertainty_km.map(|u| round(u, 1)),
    };
    (geometry, props)
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
