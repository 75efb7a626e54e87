//! `geoevent distance`, against GeographicLib reference values.

use approx::assert_abs_diff_eq;

use crate::util::{features, geoevent, scratch};

/// GeographicLib 2.0 (Python), Geodesic.WGS84.Inverse between the GeoNames
/// points of Fallujah (33.34913, 43.78599) and Baghdad (33.34058, 44.40088).
const FALLUJAH_BAGHDAD_M: f64 = 57246.630826920504;
const FALLUJAH_BAGHDAD_AZI: f64 = 90.78013617121435;

#[test]
fn fallujah_baghdad_json_matches_geographiclib_to_a_meter() {
    let dir = scratch();
    let out = geoevent(&dir).args(["distance", "--format", "json", "Fallujah", "Baghdad"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let p = &v[0];
    assert_eq!(p["from_id"], "gn:99454");
    assert_eq!(p["to_id"], "gn:98182");
    assert_abs_diff_eq!(p["distance_m"].as_f64().unwrap_or(0.0), FALLUJAH_BAGHDAD_M, epsilon = 1.0);
    assert_abs_diff_eq!(p["bearing_deg"].as_f64().unwrap_or(0.0), FALLUJAH_BAGHDAD_AZI, epsilon = 0.1);
    assert_eq!(p["compass"], "E");
}

#[test]
fn text_output_and_coordinates() {
    let dir = scratch();
    geoevent(&dir)
        .args(["distance", "33.34913,43.78599", "Baghdad"])
        .assert()
        .success()
        .stdout(predicates::str::contains("57.247 km, bearing 90.8° (E)"));
}

#[test]
fn matrix_geojson_has_a_line_per_pair() {
    let dir = scratch();
    let out = geoevent(&dir)
        .args(["distance", "--matrix", "--format", "geojson", "Mosul", "Kirkuk", "Erbil"])
        .output()
        .expect("runs");
    let fs = features(&out.stdout);
    assert_eq!(fs.len(), 3);
    for f in &fs {
        assert_eq!(f["geometry"]["type"], "LineString");
        assert!(f["properties"]["distance_km"].as_f64().unwrap_or(0.0) > 50.0);
    }
}

#[test]
fn csv_file_has_a_csvt_of_its_column_types() {
    let dir = scratch();
    geoevent(&dir).args(["distance", "--format", "csv", "-o", "d.csv", "Mosul", "Kirkuk"]).assert().success();
    let csv = std::fs::read_to_string(dir.path().join("d.csv")).expect("csv");
    let csvt = std::fs::read_to_string(dir.path().join("d.csvt")).expect("csvt beside the csv");
    let names: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let types: Vec<&str> = csvt.trim().split(',').collect();
    assert_eq!(names.len(), types.len());
    let type_of = |n: &str| types[names.iter().position(|x| *x == n).expect(n)];
    assert_eq!((type_of("id"), type_of("wkt")), ("Integer", "String"));
    assert_eq!((type_of("distance_m"), type_of("compass")), ("Real", "String"));
}

#[test]
fn unknown_place_is_an_error_naming_it() {
    let dir = scratch();
    geoevent(&dir)
        .args(["distance", "Xqzzyville", "Baghdad"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("\"Xqzzyville\": no place of that name"));
    geoevent(&dir)
        .args(["distance", "95,10", "Baghdad"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("lat must be in"));
}
