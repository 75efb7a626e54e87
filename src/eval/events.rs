//! Scoring against the seed annotation format (`gold.json`): places found
//! within tolerance, traps emitted, required events found (same type, location
//! within tolerance), extra events, relative locations and distance claims.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::events::{Extraction, Extractor};
use crate::geodesy::{LonLat, haversine_m};
use crate::input::Document;

/// The annotation file.
#[derive(Clone, Debug, Deserialize)]
pub struct Gold {
    /// Tolerance in km by place kind.
    pub tolerance_km: HashMap<String, f64>,
    /// Annotated documents.
    pub docs: Vec<GoldDoc>,
}

/// One annotated document.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDoc {
    /// Document id (matches the NDJSON `id`).
    pub id: String,
    /// Places the document names.
    #[serde(default)]
    pub places: Vec<GoldPlace>,
    /// Phrases that must not yield a place.
    #[serde(default)]
    pub traps: Vec<String>,
    /// Events.
    #[serde(default)]
    pub events: Vec<GoldEvent>,
    /// Relative locations.
    #[serde(default)]
    pub relative_locations: Vec<GoldRelative>,
    /// Distance claims.
    #[serde(default)]
    pub distance_claims: Vec<GoldClaim>,
}

/// A gold place.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldPlace {
    /// Name.
    pub name: String,
    /// Surfaces in the text.
    pub surface: Vec<String>,
    /// Kind (for the tolerance).
    pub kind: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// A gold event.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldEvent {
    /// Whether it counts toward recall.
    pub required: bool,
    /// ACLED type.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Sub-type.
    pub sub_type: String,
    /// Location name (a gold place of the document).
    pub location: String,
    /// Tolerance override in km.
    pub tolerance_km: Option<f64>,
}

/// A gold relative location.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldRelative {
    /// The phrase.
    pub text: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// Tolerance in km.
    pub tolerance_km: f64,
}

/// A gold distance claim.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldClaim {
    /// The phrase.
    pub text: String,
    /// Anchor name.
    pub from: String,
    /// Located place name.
    pub to: String,
    /// Reported distance.
    pub reported_km: f64,
}

/// The scores.
#[derive(Clone, Debug, Default, Serialize)]
pub struct EventScores {
    /// Gold places.
    pub places: usize,
    /// Gold places found within tolerance.
    pub places_found: usize,
    /// Trap occurrences emitted as places.
    pub traps_emitted: usize,
    /// Required events.
    pub required_events: usize,
    /// Required events found (type and location).
    pub required_found: usize,
    /// Extracted events matching no gold event.
    pub extra_events: usize,
    /// Extracted events.
    pub extracted_events: usize,
    /// Gold relative locations.
    pub relative_locations: usize,
    /// Found within tolerance.
    pub relative_found: usize,
    /// Gold distance claims.
    pub distance_claims: usize,
    /// Surfaced with both distances.
    pub claims_found: usize,
    /// One line per miss or error.
    pub notes: Vec<String>,
}

fn km(a: LonLat, lat: f64, lon: f64) -> f64 {
    haversine_m(a, LonLat::new(lon, lat)) / 1000.0
}

impl EventScores {
    /// Score one document's extraction.
    pub fn add(&mut self, gold: &Gold, g: &GoldDoc, doc: &Document, x: &Extraction<'_>, extractor: &Extractor<'_>) {
        let tol = |kind: &str| gold.tolerance_km.get(kind).copied().unwrap_or(25.0);
        let places = extractor.parser().places(&doc.text);
        for p in &g.places {
            self.places += 1;
            let surfaces: Vec<String> = p.surface.iter().map(|s| s.to_lowercase()).collect();
            let ok = places.iter().any(|m| {
                surfaces.contains(&m.surface.to_lowercase())
                    && m.position.is_some_and(|q| km(q, p.lat, p.lon) <= tol(&p.kind))
            });
            if ok {
                self.places_found += 1;
            } else {
                self.notes.push(format!("{}: place {} not found within {} km", g.id, p.name, tol(&p.kind)));
            }
        }
        for trap in &g.traps {
            for (i, _) in doc.text.match_indices(trap.as_str()) {
                let (a, b) = (i, i + trap.len());
                for m in places.iter().filter(|m| m.byte_start < b && a < m.byte_end) {
                    self.traps_emitted += 1;
                    self.notes.push(format!("{}: trap {trap:?} emitted as {:?}", g.id, m.surface));
                }
            }
        }
        let place_of = |name: &str| g.places.iter().find(|p| p.name == name);
        let relative_of = |name: &str| g.places.iter().find(|p| p.name == name && p.kind == "relative");
        let mut matched = vec![false; x.events.len()];
        for ev in &g.events {
            let Some(p) = place_of(&ev.location).or_else(|| relative_of(&ev.location)) else { continue };
            let limit = ev.tolerance_km.unwrap_or_else(|| tol(&p.kind));
            let hit = x.events.iter().enumerate().find(|(_, e)| {
                e.event_type == ev.event_type
                    && e.location.as_ref().is_some_and(|l| km(l.position, p.lat, p.lon) <= limit)
            });
            if let Some((i, _)) = hit {
                matched[i] = true;
            }
            if ev.required {
                self.required_events += 1;
                if hit.is_some() {
                    self.required_found += 1;
                } else {
                    self.notes.push(format!(
                        "{}: required {}/{} at {} not found",
                        g.id, ev.event_type, ev.sub_type, ev.location
                    ));
                }
            }
        }
        self.extracted_events += x.events.len();
        for (e, m) in x.events.iter().zip(&matched) {
            if !m {
                self.extra_events += 1;
                let loc = e.location.as_ref().map_or("no location".to_string(), |l| l.name.clone());
                self.notes
                    .push(format!("{}: extra {}/{} at {} ({:?})", g.id, e.event_type, e.sub_type, loc, e.trigger));
            }
        }
        for r in &g.relative_locations {
            self.relative_locations += 1;
            let ok = places.iter().any(|m| {
                m.method == crate::parse::Method::Relative
                    && m.position.is_some_and(|q| km(q, r.lat, r.lon) <= r.tolerance_km)
            });
            if ok {
                self.relative_found += 1;
            } else {
                self.notes.push(format!("{}: relative location {:?} not placed", g.id, r.text));
            }
        }
        for c in &g.distance_claims {
            self.distance_claims += 1;
            let anchor = place_of(&c.from);
            let target = place_of(&c.to);
            let ok = x.claims.iter().any(|k| {
                (k.reported_km - c.reported_km).abs() < 0.5
                    && anchor.is_some_and(|a| km(LonLat::new(k.from.lon, k.from.lat), a.lat, a.lon) <= 25.0)
                    && target.is_some_and(|t| km(LonLat::new(k.to.lon, k.to.lat), t.lat, t.lon) <= 25.0)
            });
            if ok {
                self.claims_found += 1;
            } else {
                self.notes.push(format!("{}: distance claim {:?} not surfaced", g.id, c.text));
            }
        }
    }
}
