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

use super::{Field, FieldType as T, Geometry, round};
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
            let country = p.relative.as_ref().and_then(|(_, a)| non_empty(a.country));
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
