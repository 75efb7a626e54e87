//! The `events` and `distance_claims` layers.
//!
//! # Properties (wire format)
//! Every feature of `geoevent extract` has every property below (a missing
//! value is `null`), so a file mixing both layers still has one JSON type per
//! property. `kind` tells the layers apart.
//!
//! Common:
//! - `kind` (string): `event` or `distance_claim`.
//! - `doc_id` (string), `source`, `title` (string or null): the document.
//! - `sentence` (string): the sentence, trimmed to 300 characters.
//! - `start`, `end` (integer): code point offsets of the sentence (events)
//!   or of the phrase and anchor (claims) in the document text.
//!
//! Events (Point geometry, or `null` when no location was found):
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
//!
//! Distance claims (LineString from the anchor to the place located):
//! - `from`, `to`, `from_id`, `to_id` (string).
//! - `reported_km`, `geodesic_km`, `bearing_deg` (number): the bearing is
//!   from the anchor to the place.
//! - `reported_direction` (string or null), `reported_bearing_deg` (number
//!   or null), `qualifier` (string or null).
//! - `tolerance_km` (number), `holds` (boolean).

use serde::Serialize;

use super::{Geometry, round};
use crate::events::{DistanceClaim, Event};
use crate::geodesy::LonLat;
use crate::input::Document;

/// Properties of an `extract` feature.
#[derive(Debug, Serialize, Default)]
pub struct Props<'a> {
    kind: &'static str,
    doc_id: &'a str,
    source: Option<&'a str>,
    title: Option<&'a str>,
    event_id: Option<&'a str>,
    event_type: Option<&'a str>,
    sub_event_type: Option<&'a str>,
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
    trigger: Option<&'a str>,
    confidence: Option<f64>,
    reports: Option<u32>,
    from: Option<&'a str>,
    to: Option<&'a str>,
    from_id: Option<&'a str>,
    to_id: Option<&'a str>,
    reported_km: Option<f64>,
    geodesic_km: Option<f64>,
    bearing_deg: Option<f64>,
    reported_direction: Option<&'a str>,
    reported_bearing_deg: Option<f64>,
    qualifier: Option<&'a str>,
    tolerance_km: Option<f64>,
    holds: Option<bool>,
    sentence: &'a str,
    start: u64,
    end: u64,
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// The geometry and properties of an event.
pub fn event_feature<'a>(doc: &'a Document, e: &'a Event<'_>) -> (Geometry, Props<'a>) {
    let loc = e.location.as_ref();
    let geometry = loc.map_or(Geometry::None, |l| Geometry::Point(l.position));
    let props = Props {
        kind: "event",
        doc_id: &e.doc_id,
        source: doc.source.as_deref(),
        title: doc.title.as_deref(),
        event_id: Some(&e.event_id),
        event_type: Some(&e.event_type),
        sub_event_type: Some(&e.sub_type),
        actor1: e.actor1.as_deref(),
        actor2: e.actor2.as_deref(),
        assoc_actors: e.assoc_actors.as_deref(),
        fatalities: e.fatalities,
        injured: e.injured,
        date: e.date.map(|d| d.format("%Y-%m-%d").to_string()),
        date_precision: e.date_precision.map(|p| p.as_str()),
        location: loc.map(|l| l.name.as_str()),
        place_id: loc.and_then(|l| l.place.map(|p| p.id)),
        country: loc.and_then(|l| l.place.and_then(|p| non_empty(p.country))),
        admin1: loc.and_then(|l| l.place.and_then(|p| non_empty(p.admin1))),
        geo_precision: loc.map(|l| l.precision),
        geo_method: loc.map(|l| l.method.as_str()),
        location_source: loc.map(|l| l.source.as_str()),
        uncertainty_km: loc.and_then(|l| l.uncertainty_km.map(|u| round(u, 1))),
        trigger: Some(&e.trigger),
        confidence: Some(round(e.confidence, 3)),
        reports: Some(e.reports),
        sentence: &e.sentence,
        start: e.start as u64,
        end: e.end as u64,
        ..Props::default()
    };
    (geometry, props)
}

/// The geometry (anchor to place) and properties of a distance claim.
pub fn claim_feature<'a>(doc: &'a Document, c: &'a DistanceClaim<'_>) -> (Geometry, Props<'a>) {
    let geometry = Geometry::LineString(vec![LonLat::new(c.from.lon, c.from.lat), LonLat::new(c.to.lon, c.to.lat)]);
    let props = Props {
        kind: "distance_claim",
        doc_id: &c.doc_id,
        source: doc.source.as_deref(),
        title: doc.title.as_deref(),
        from: Some(c.from.name),
        to: Some(c.to.name),
        from_id: Some(c.from.id),
        to_id: Some(c.to.id),
        reported_km: Some(round(c.reported_km, 3)),
        geodesic_km: Some(round(c.geodesic_km, 3)),
        bearing_deg: Some(round(c.bearing_deg, 1)),
        reported_direction: c.reported_direction.as_deref(),
        reported_bearing_deg: c.reported_bearing_deg,
        qualifier: c.qualifier.as_deref(),
        tolerance_km: Some(round(c.tolerance_km, 1)),
        holds: Some(c.holds),
        sentence: &c.phrase,
        start: c.start as u64,
        end: c.end as u64,
        ..Props::default()
    };
    (geometry, props)
}
