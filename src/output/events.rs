//! The `events` and `distance_claims` layers.
//!
//! Each layer is written to its own file (one geometry type per file), and
//! every feature of a layer has every property of that layer (a missing value
//! is `null`), so each property keeps one JSON type and GIS tools type their
//! columns cleanly. [`EVENT_FIELDS`] and [`CLAIM_FIELDS`] list them with
//! their types.
//!
//! # Events (Point geometry, or `null` when no location was found)
//! - `doc_id` (string), `source`, `doc_title` (string or null): the document.
//! - `event_id` (string): `<doc_id>:e<n>`, stable for the same input.
//! - `event_type`, `sub_event_type` (string): ACLED taxonomy in snake_case.
//! - `actor1`, `actor2` (string or null), `assoc_actors` (string or null,
//!   `; `-separated).
//! - `fatalities`, `injured` (integer or null): only when the text states them.
//! - `date` (string `YYYY-MM-DD` or null), `date_precision` (`day`, `week`,
//!   `month` or null).
//! - `location` (string or null), `place_id` (string or null), `country`,
//!   `admin1` (string or null).
//! - `geo_precision` (integer or null): 1 the named town, 2 near it / part
//!   of it / an offset from it, 3 province, region or country point.
//! - `geo_method` (string or null): `toponym`, `relative`, `admin`, `country`.
//! - `location_source` (string or null): `trigger`, `sentence`, `article`.
//! - `uncertainty_km` (number or null).
//! - `trigger` (string), `confidence` (number), `reports` (integer).
//! - `sentence` (string): the sentence, trimmed to 300 characters; `start`,
//!   `end` (integer): its code point offsets in the document text.
//! - `title`, `description`, `marker-color` (string): simplestyle-spec
//!   styling ("Battle: armed clash in Makhmour", the sentence and source,
//!   the colour of the event type).
//!
//! # Distance claims (LineString from the anchor to the place located)
//! - `doc_id`, `source`, `doc_title`: as for events.
//! - `from`, `to`, `from_id`, `to_id` (string).
//! - `reported_km`, `geodesic_km`, `bearing_deg` (number): the bearing is
//!   from the anchor to the place.
//! - `reported_direction` (string or null), `reported_bearing_deg` (number
//!   or null), `qualifier` (string or null).
//! - `tolerance_km` (number), `holds` (boolean).
//! - `sentence` (string): the claim as written; `start`, `end` (integer):
//!   code point offsets of the phrase and anchor.
//! - `title`, `description`, `stroke` (string), `stroke-width` (number):
//!   simplestyle-spec styling (green when the claim holds, red when not).

use serde::Serialize;

use super::style::{self, CLAIM_FAILS_COLOR, CLAIM_HOLDS_COLOR, CLAIM_STROKE_WIDTH};
use super::{Field, FieldType as T, Geometry, round};
use crate::events::{DistanceClaim, Event};
use crate::geodesy::LonLat;
use crate::input::Document;

/// Properties of an event feature, in output order.
#[derive(Debug, Serialize)]
pub struct EventProps<'a> {
    doc_id: &'a str,
    source: Option<&'a str>,
    doc_title: Option<&'a str>,
    event_id: &'a str,
    event_type: &'a str,
    sub_event_type: &'a str,
    actor1: Option<&'a str>,
    actor2: Option<&'a str>,
    assoc_actors: Option<&'a str>,
    fatalities: Option<u32>,
    injured: Option<u32>,
    date: Option<String>,
    date_precision: Option<&'static str>,
    location: Option<&'a str>,
    place_id: Option<&'a str>,
    country: Option<&'a str>,
    admin1: Option<&'a str>,
    geo_precision: Option<u8>,
    geo_method: Option<&'static str>,
    location_source: Option<&'static str>,
    uncertainty_km: Option<f64>,
    trigger: &'a str,
    confidence: f64,
    reports: u32,
    sentence: &'a str,
    start: u64,
    end: u64,
    title: String,
    description: String,
    #[serde(rename = "marker-color")]
    marker_color: &'static str,
}

/// The fields of the `events` layer and their types.
pub const EVENT_FIELDS: &[Field] = &[
    Field::new("doc_id", T::String),
    Field::new("source", T::String),
    Field::new("doc_title", T::String),
    Field::new("event_id", T::String),
    Field::new("event_type", T::String),
    Field::new("sub_event_type", T::String),
    Field::new("actor1", T::String),
    Field::new("actor2", T::String),
    Field::new("assoc_actors", T::String),
    Field::new("fatalities", T::Integer),
    Field::new("injured", T::Integer),
    Field::new("date", T::Date),
    Field::new("date_precision", T::String),
    Field::new("location", T::String),
    Field::new("place_id", T::String),
    Field::new("country", T::String),
    Field::new("admin1", T::String),
    Field::new("geo_precision", T::Integer),
    Field::new("geo_method", T::String),
    Field::new("location_source", T::String),
    Field::new("uncertainty_km", T::Real),
    Field::new("trigger", T::String),
    Field::new("confidence", T::Real),
    Field::new("reports", T::Integer),
    Field::new("sentence", T::String),
    Field::new("start", T::Integer),
    Field::new("end", T::Integer),
    Field::new("title", T::String),
    Field::new("description", T::String),
    Field::new("marker-color", T::String),
];

/// Properties of a distance claim feature, in output order.
#[derive(Debug, Serialize)]
pub struct ClaimProps<'a> {
    doc_id: &'a str,
    source: Option<&'a str>,
    doc_title: Option<&'a str>,
    from: &'a str,
    to: &'a str,
    from_id: &'a str,
    to_id: &'a str,
    reported_km: f64,
    geodesic_km: f64,
    bearing_deg: f64,
    reported_direction: Option<&'a str>,
    reported_bearing_deg: Option<f64>,
    qualifier: Option<&'a str>,
    tolerance_km: f64,
    holds: bool,
    sentence: &'a str,
    start: u64,
    end: u64,
    title: String,
    description: String,
    stroke: &'static str,
    #[serde(rename = "stroke-width")]
    stroke_width: f64,
}

/// The fields of the `distance_claims` layer and their types.
pub const CLAIM_FIELDS: &[Field] = &[
    Field::new("doc_id", T::String),
    Field::new("source", T::String),
    Field::new("doc_title", T::String),
    Field::new("from", T::String),
    Field::new("to", T::String),
    Field::new("from_id", T::String),
    Field::new("to_id", T::String),
    Field::new("reported_km", T::Real),
    Field::new("geodesic_km", T::Real),
    Field::new("bearing_deg", T::Real),
    Field::new("reported_direction", T::String),
    Field::new("reported_bearing_deg", T::Real),
    Field::new("qualifier", T::String),
    Field::new("tolerance_km", T::Real),
    Field::new("holds", T::Boolean),
    Field::new("sentence", T::String),
    Field::new("start", T::Integer),
    Field::new("end", T::Integer),
    Field::new("title", T::String),
    Field::new("description", T::String),
    Field::new("stroke", T::String),
    Field::new("stroke-width", T::Real),
];

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// "Source: Reuters, 2025-10-17" or the document id when there is no source.
fn provenance(doc: &Document, doc_id: &str) -> String {
    let who = doc.source.as_deref().or(doc.title.as_deref()).unwrap_or(doc_id);
    match doc.published.as_deref() {
        Some(p) if !p.is_empty() => format!("Source: {who}, {p}"),
        _ => format!("Source: {who}"),
    }
}

/// The geometry and properties of an event.
pub fn event_feature<'a>(doc: &'a Document, e: &'a Event<'_>) -> (Geometry, EventProps<'a>) {
    let loc = e.location.as_ref();
    let geometry = loc.map_or(Geometry::None, |l| Geometry::Point(l.position));
    let date = e.date.map(|d| d.format("%Y-%m-%d").to_string());
    let mut title = format!("{}: {}", style::event_label(&e.event_type), style::humanize(&e.sub_type).to_lowercase());
    if let Some(l) = loc {
        title.push_str(" in ");
        title.push_str(&l.name);
    }
    let mut facts = Vec::new();
    if let Some(d) = &date {
        facts.push(format!("Date: {d}"));
    }
    if let Some(f) = e.fatalities {
        facts.push(format!("Fatalities: {f}"));
    }
    if let Some(i) = e.injured {
        facts.push(format!("Injured: {i}"));
    }
    facts.push(provenance(doc, &e.doc_id));
    let description = format!("{}\n\n{}", e.sentence, facts.join("\n"));
    let props = EventProps {
        doc_id: &e.doc_id,
        source: doc.source.as_deref(),
        doc_title: doc.title.as_deref(),
        event_id: &e.event_id,
        event_type: &e.event_type,
        sub_event_type: &e.sub_type,
        actor1: e.actor1.as_deref(),
        actor2: e.actor2.as_deref(),
        assoc_actors: e.assoc_actors.as_deref(),
        fatalities: e.fatalities,
        injured: e.injured,
        date,
        date_precision: e.date_precision.map(|p| p.as_str()),
        location: loc.map(|l| l.name.as_str()),
        place_id: loc.and_then(|l| l.place.map(|p| p.id)),
        country: loc.and_then(|l| l.place.and_then(|p| non_empty(p.country))),
        admin1: loc.and_then(|l| l.place.and_then(|p| non_empty(p.admin1))),
        geo_precision: loc.map(|l| l.precision),
        geo_method: loc.map(|l| l.method.as_str()),
        location_source: loc.map(|l| l.source.as_str()),
        uncertainty_km: loc.and_then(|l| l.uncertainty_km.map(|u| round(u, 1))),
        trigger: &e.trigger,
        confidence: round(e.confidence, 3),
        reports: e.reports,
        sentence: &e.sentence,
        start: e.start as u64,
        end: e.end as u64,
        title,
        description,
        marker_color: style::event_color(&e.event_type),
    };
    (geometry, props)
}

/// The geometry (anchor to place) and properties of a distance claim.
pub fn claim_feature<'a>(doc: &'a Document, c: &'a DistanceClaim<'_>) -> (Geometry, ClaimProps<'a>) {
    let geometry = Geometry::LineString(vec![LonLat::new(c.from.lon, c.from.lat), LonLat::new(c.to.lon, c.to.lat)]);
    let title =
        format!("{} to {}: {} km reported, {:.1} km measured", c.from.name, c.to.name, c.reported_km, c.geodesic_km);
    let verdict = if c.holds { "The claim holds" } else { "The claim does not hold" };
    let description =
        format!("{}\n\n{verdict} (tolerance {:.1} km).\n{}", c.phrase, c.tolerance_km, provenance(doc, &c.doc_id));
    let props = ClaimProps {
        doc_id: &c.doc_id,
        source: doc.source.as_deref(),
        doc_title: doc.title.as_deref(),
        from: c.from.name,
        to: c.to.name,
        from_id: c.from.id,
        to_id: c.to.id,
        reported_km: round(c.reported_km, 3),
        geodesic_km: round(c.geodesic_km, 3),
        bearing_deg: round(c.bearing_deg, 1),
        reported_direction: c.reported_direction.as_deref(),
        reported_bearing_deg: c.reported_bearing_deg,
        qualifier: c.qualifier.as_deref(),
        tolerance_km: round(c.tolerance_km, 1),
        holds: c.holds,
        sentence: &c.phrase,
        start: c.start as u64,
        end: c.end as u64,
        title,
        description,
        stroke: if c.holds { CLAIM_HOLDS_COLOR } else { CLAIM_FAILS_COLOR },
        stroke_width: CLAIM_STROKE_WIDTH,
    };
    (geometry, props)
}
