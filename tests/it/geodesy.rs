//! Geodesy against GeographicLib reference values, and its properties.

use approx::assert_abs_diff_eq;
use geoevent::geodesy::{LonLat, bearing_deg, destination, distance_m};
use proptest::prelude::*;

/// (lat, lon) in degrees.
type LatLon = (f64, f64);

// (from lat, lon), (to lat, lon), GeographicLib s12 (m), azi1 (deg in [0, 360)).
const CASES: &[(LatLon, LatLon, f64, f64)] = &[
    ((33.34058, 44.40088), (33.34913, 43.78599), 57246.630826920504, 271.11812932242873),
    ((36.335, 43.11889), (35.46806, 44.39222), 149886.48858816063, 129.5485384872302),
    ((51.50853, -0.12574), (40.71427, -74.00597), 5585225.518295436, 288.3708481869602),
    ((0.0, 0.0), (0.5, 179.5), 19936288.578965314, 25.67187286829188),
    ((-33.86785, 151.20732), (-33.45694, -70.64827), 11369546.605598906, 145.35518359471308),
];

#[test]
fn inverse_matches_geographiclib() {
    for &((la1, lo1), (la2, lo2), s12, azi) in CASES {
        let (a, b) = (LonLat::new(lo1, la1), LonLat::new(lo2, la2));
        assert_abs_diff_eq!(distance_m(a, b), s12, epsilon = 0.01);
        assert_abs_diff_eq!(bearing_deg(a, b), azi, epsilon = 1e-6);
    }
}

#[test]
fn direct_matches_geographiclib() {
    // 30 km due south of Mosul: GeographicLib Direct gives lat 36.06463890243183.
    let p = destination(LonLat::new(43.11889, 36.335), 180.0, 30_000.0);
    assert_abs_diff_eq!(p.lat, 36.06463890243183, epsilon = 1e-9);
    assert_abs_diff_eq!(p.lon, 43.11889, epsilon = 1e-9);
    let p = destination(LonLat::new(44.40088, 33.34058), 270.0, 50_000.0);
    assert_abs_diff_eq!(p.lat, 33.33941867692952, epsilon = 1e-9);
    assert_abs_diff_eq!(p.lon, 43.8637846386079, epsilon = 1e-9);
}

fn lonlat() -> impl Strategy<Value = LonLat> {
    (-180.0f64..180.0, -89.0f64..89.0).prop_map(|(lon, lat)| LonLat::new(lon, lat))
}

proptest! {
    #[test]
    fn distance_is_symmetric_and_zero_on_itself(a in lonlat(), b in lonlat()) {
        prop_assert!((distance_m(a, b) - distance_m(b, a)).abs() < 1e-6);
        prop_assert!(distance_m(a, a).abs() < 1e-6);
        let d = distance_m(a, b);
        prop_assert!(d.is_finite() && (0.0..=20_004_000.0).contains(&d));
        let brg = bearing_deg(a, b);
        prop_assert!((0.0..360.0).contains(&brg));
    }

    #[test]
    fn destination_then_inverse_round_trips(a in lonlat(), brg in 0.0f64..360.0, d in 1.0f64..5_000_000.0) {
        let b = destination(a, brg, d);
        prop_assert!(b.lon.is_finite() && b.lat.is_finite());
        prop_assert!((-180.0..=180.0).contains(&b.lon) && (-90.0..=90.0).contains(&b.lat));
        prop_assert!((distance_m(a, b) - d).abs() < 1e-3, "distance {} vs {}", distance_m(a, b), d);
        let back = bearing_deg(a, b);
        let diff = (back - brg).rem_euclid(360.0);
        prop_assert!(diff.min(360.0 - diff) < 1e-6, "bearing {} vs {}", back, brg);
    }
}
