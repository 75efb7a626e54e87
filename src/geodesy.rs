//! Geodesic measures on the WGS84 ellipsoid, over the `geo` crate's
//! [`geo::Geodesic`] (Karney's algorithm, as in GeographicLib).
//!
//! # Units
//! Distances are in meters, angles in degrees. Bearings are clockwise from
//! true north in `[0, 360)`.

use geo::{Bearing, Destination, Distance, Geodesic, Point};

/// A position on the WGS84 ellipsoid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LonLat {
    /// Longitude in degrees, `[-180, 180]`.
    pub lon: f64,
    /// Latitude in degrees, `[-90, 90]`.
    pub lat: f64,
}

impl LonLat {
    /// A position from longitude and latitude in degrees.
    pub fn new(lon: f64, lat: f64) -> LonLat {
        LonLat { lon, lat }
    }

    fn point(self) -> Point<f64> {
        Point::new(self.lon, self.lat)
    }
}

/// Geodesic distance between two positions, in meters.
pub fn distance_m(a: LonLat, b: LonLat) -> f64 {
    Geodesic.distance(a.point(), b.point())
}

/// Initial bearing of the geodesic from `a` to `b`, in degrees `[0, 360)`.
/// Zero when the points coincide.
pub fn bearing_deg(a: LonLat, b: LonLat) -> f64 {
    if a == b {
        return 0.0;
    }
    let d = Geodesic.bearing(a.point(), b.point());
    if d >= 360.0 { d - 360.0 } else { d }
}

/// The position reached from `origin` going `distance_m` meters on the
/// initial bearing `bearing_deg`. Longitude is normalised to `[-180, 180]`.
pub fn destination(origin: LonLat, bearing_deg: f64, distance_m: f64) -> LonLat {
    let p = Geodesic.destination(origin.point(), bearing_deg, distance_m);
    let mut lon = p.x();
    while lon > 180.0 {
        lon -= 360.0;
    }
    while lon < -180.0 {
        lon += 360.0;
    }
    LonLat { lon, lat: p.y() }
}

/// The 16 compass points, clockwise from north.
pub const COMPASS_POINTS: [&str; 16] =
    ["N", "NNE", "NE", "ENE", "E", "ESE", "SE", "SSE", "S", "SSW", "SW", "WSW", "W", "WNW", "NW", "NNW"];

/// The 16-point compass direction of a bearing (`269.4` -> `"W"`).
pub fn compass(bearing_deg: f64) -> &'static str {
    let b = bearing_deg.rem_euclid(360.0);
    COMPASS_POINTS[((b / 22.5).round() as usize) % 16]
}

/// The bearing of a direction word (`"south"`, `"north-west"`, `"NNE"`), in
/// degrees, or `None` if it is not one.
pub fn direction_bearing(word: &str) -> Option<f64> {
    let w: String = word.chars().filter(|c| c.is_ascii_alphabetic()).collect::<String>().to_ascii_lowercase();
    let w = w.replace("north", "n").replace("south", "s").replace("east", "e").replace("west", "w");
    let code = w.to_ascii_uppercase();
    COMPASS_POINTS.iter().position(|p| *p == code).map(|i| i as f64 * 22.5)
}

/// Smallest angle between two bearings, in degrees `[0, 180]`.
pub fn angle_between(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(360.0);
    d.min(360.0 - d)
}

/// Great-circle distance on a sphere of radius 6,371,008.8 m, in meters: a
/// fast approximation (within 0.5%) for ranking, not for reporting.
pub fn haversine_m(a: LonLat, b: LonLat) -> f64 {
    let (la1, la2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = la2 - la1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + la1.cos() * la2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * 6_371_008.8 * h.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    #[test]
    fn compass_and_directions() {
        assert_eq!(compass(269.4), "W");
        assert_eq!(compass(359.0), "N");
        assert_eq!(compass(11.2), "N");
        assert_eq!(compass(11.3), "NNE");
        assert_eq!(direction_bearing("south"), Some(180.0));
        assert_eq!(direction_bearing("north-west"), Some(315.0));
        assert_eq!(direction_bearing("Northwest"), Some(315.0));
        assert_eq!(direction_bearing("NNE"), Some(22.5));
        assert_eq!(direction_bearing("up"), None);
        assert_relative_eq!(angle_between(350.0, 10.0), 20.0);
    }
}
