//! Scoring the pipeline on annotated geoparsing benchmarks.
//!
//! [`events`] scores event extraction on the seed annotation format.
//!
//! The benchmark format (one JSON object a line) has the document `text` and
//! gold `toponyms` with code point `start`/`end`, `phrase`, and `lat`/`lon`
//! when known. Metrics follow Gritta et al. (2018):
//! - a predicted mention matches a gold toponym when the phrases are equal
//!   (case-insensitive) and the span midpoints are less than 10 characters
//!   apart; each is matched at most once;
//! - precision, recall and F1 over mentions;
//! - over matched toponyms with gold coordinates: error e = ln(1 + km) of the
//!   great-circle distance; acc@161 is the share under 161 km; AUC is
//!   trapz(sorted e) / (ln(20039) * (N - 1)); mean and median km. A matched
//!   mention without coordinates counts as the maximal error (20,039 km).

pub mod events;

use serde::{Deserialize, Serialize};

use crate::geodesy::{LonLat, haversine_m};
use crate::parse::{Geoparser, PlaceMention};

/// Half the Earth's circumference, the largest great-circle error, in km.
pub const MAX_ERROR_KM: f64 = 20_039.0;

/// One gold toponym.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldToponym {
    /// Code point offset of the start.
    pub start: usize,
    /// Code point offset of the end.
    pub end: usize,
    /// The text.
    pub phrase: String,
    /// Latitude, when known.
    pub lat: Option<f64>,
    /// Longitude, when known.
    pub lon: Option<f64>,
}

/// One benchmark document.
#[derive(Clone, Debug, Deserialize)]
pub struct GoldDoc {
    /// Document id.
    #[serde(default)]
    pub doc_id: Option<serde_json::Value>,
    /// The text.
    pub text: String,
    /// Gold toponyms.
    #[serde(default)]
    pub toponyms: Vec<GoldToponym>,
}

/// A prediction reduced to what scoring needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Predicted {
    /// Code point offset of the start.
    pub start: usize,
    /// Code point offset of the end.
    pub end: usize,
    /// The text.
    pub phrase: String,
    /// Position, when resolved.
    pub position: Option<LonLat>,
}

impl From<&PlaceMention<'_>> for Predicted {
    fn from(p: &PlaceMention<'_>) -> Self {
        Predicted { start: p.start, end: p.end, phrase: p.surface.clone(), position: p.position }
    }
}

/// Running totals over documents.
#[derive(Clone, Debug, Default)]
pub struct Tally {
    /// Predicted mentions.
    pub predicted: usize,
    /// Gold toponyms.
    pub gold: usize,
    /// Matched pairs.
    pub matched: usize,
    /// Errors in km of matched toponyms with gold coordinates.
    pub errors_km: Vec<f64>,
}

/// The standard metrics.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Metrics {
    /// Documents scored.
    pub docs: usize,
    /// Gold toponyms.
    pub gold: usize,
    /// Predicted mentions.
    pub predicted: usize,
    /// Matched mentions.
    pub matched: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Matched toponyms with gold coordinates.
    pub resolved_n: usize,
    /// Share of errors under 161 km.
    pub acc_161: f64,
    /// Area under the error curve (lower is better).
    pub auc: f64,
    /// Mean error in km.
    pub mean_km: f64,
    /// Median error in km.
    pub median_km: f64,
}

fn mid(start: usize, end: usize) -> f64 {
    (start + end) as f64 / 2.0
}

impl Tally {
    /// Add one document's gold and predictions.
    pub fn add(&mut self, gold: &[GoldToponym], predicted: &[Predicted]) {
        self.gold += gold.len();
        self.predicted += predicted.len();
        // All admissible pairs, closest midpoints first.
        let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
        for (gi, g) in gold.iter().enumerate() {
            for (pi, p) in predicted.iter().enumerate() {
                let d = (mid(g.start, g.end) - mid(p.start, p.end)).abs();
                if d < 10.0 && g.phrase.to_lowercase() == p.phrase.to_lowercase() {
                    pairs.push((d, gi, pi));
                }
            }
        }
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut gold_used = vec![false; gold.len()];
        let mut pred_used = vec![false; predicted.len()];
        for (_, gi, pi) in pairs {
            if gold_used[gi] || pred_used[pi] {
                continue;
            }
            gold_used[gi] = true;
            pred_used[pi] = true;
            self.matched += 1;
            let g = &gold[gi];
            if let (Some(lat), Some(lon)) = (g.lat, g.lon) {
                let km = match predicted[pi].position {
                    Some(p) => haversine_m(p, LonLat::new(lon, lat)) / 1000.0,
                    None => MAX_ERROR_KM,
                };
                self.errors_km.push(km);
            }
        }
    }

    /// The metrics over everything added.
    pub fn metrics(&self, docs: usize) -> Metrics {
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        let precision = ratio(self.matched, self.predicted);
        let recall = ratio(self.matched, self.gold);
        let f1 = if precision + recall == 0.0 { 0.0 } else { 2.0 * precision * recall / (precision + recall) };
        let mut e = self.errors_km.clone();
        e.sort_by(f64::total_cmp);
        let n = e.len();
        let acc = ratio(e.iter().filter(|k| **k < 161.0).count(), n);
        let logs: Vec<f64> = e.iter().map(|k| (1.0 + k).ln()).collect();
        let auc = if n >= 2 {
            let trapz: f64 = logs.windows(2).map(|w| (w[0] + w[1]) / 2.0).sum();
            trapz / ((MAX_ERROR_KM).ln() * (n - 1) as f64)
        } else {
            0.0
        };
        let mean = if n == 0 { 0.0 } else { e.iter().sum::<f64>() / n as f64 };
        let median = match n {
            0 => 0.0,
            _ if n % 2 == 1 => e[n / 2],
            _ => (e[n / 2 - 1] + e[n / 2]) / 2.0,
        };
        Metrics {
            docs,
            gold: self.gold,
            predicted: self.predicted,
            matched: self.matched,
            precision,
            recall,
            f1,
            resolved_n: n,
            acc_161: acc,
            auc,
            mean_km: mean,
            median_km: median,
        }
    }
}

/// Score one benchmark document with `parser`.
pub fn score_doc(parser: &Geoparser<'_>, doc: &GoldDoc, tally: &mut Tally) {
    let predicted: Vec<Predicted> = parser.places(&doc.text).iter().map(Predicted::from).collect();
    tally.add(&doc.toponyms, &predicted);
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn g(start: usize, phrase: &str, lonlat: Option<(f64, f64)>) -> GoldToponym {
        GoldToponym {
            start,
            end: start + phrase.chars().count(),
            phrase: phrase.into(),
            lon: lonlat.map(|l| l.0),
            lat: lonlat.map(|l| l.1),
        }
    }

    fn p(start: usize, phrase: &str, lonlat: Option<(f64, f64)>) -> Predicted {
        Predicted {
            start,
            end: start + phrase.chars().count(),
            phrase: phrase.into(),
            position: lonlat.map(|(lon, lat)| LonLat::new(lon, lat)),
        }
    }

    #[test]
    fn matching_needs_equal_phrase_and_near_midpoints() {
        let mut t = Tally::default();
        t.add(
            &[g(0, "Mosul", Some((43.1, 36.3))), g(20, "Iraq", Some((44.0, 33.0))), g(40, "Erbil", None)],
            &[
                p(0, "MOSUL", Some((43.1, 36.3))),
                p(31, "Iraq", Some((44.0, 33.0))),
                p(40, "Erbil", None),
                p(60, "Baghdad", None),
            ],
        );
        // Iraq is 11 characters off: not a match.
        assert_eq!((t.gold, t.predicted, t.matched), (3, 4, 2));
        let m = t.metrics(1);
        assert_relative_eq!(m.precision, 0.5);
        assert_relative_eq!(m.recall, 2.0 / 3.0);
        assert_eq!(m.resolved_n, 1);
        assert_relative_eq!(m.acc_161, 1.0);
    }

    #[test]
    fn unresolved_match_counts_as_maximal_error() {
        let mut t = Tally::default();
        t.add(
            &[g(0, "Qaim", Some((41.0, 34.4))), g(10, "Hit", Some((42.8, 33.6)))],
            &[p(0, "Qaim", None), p(10, "Hit", Some((42.8, 33.6)))],
        );
        let m = t.metrics(1);
        assert_eq!(m.resolved_n, 2);
        assert_relative_eq!(m.acc_161, 0.5);
        assert_relative_eq!(m.median_km, MAX_ERROR_KM / 2.0);
        // Sorted errors 0 and ln(20040): trapz = ln(20040)/2 over ln(20039) * 1.
        assert_relative_eq!(m.auc, (1.0 + MAX_ERROR_KM).ln() / 2.0 / MAX_ERROR_KM.ln(), epsilon = 1e-12);
    }
}
