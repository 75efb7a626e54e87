//! Helpers: a hermetic command, fixture paths, GeoJSON parsing.

use std::path::PathBuf;

use assert_cmd::Command;

/// The geoevent binary with an empty environment, in a scratch directory.
pub fn geoevent(dir: &tempfile::TempDir) -> Command {
    let mut c = assert_cmd::cargo::cargo_bin_cmd!("geoevent");
    c.env_clear().env("PATH", "/usr/bin:/bin").current_dir(dir.path());
    c
}

/// A scratch directory.
pub fn scratch() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp dir")
}

/// Path of a fixture in tests/data.
pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

/// Parse a FeatureCollection with the geojson crate and return its features
/// as JSON values.
pub fn features(stdout: &[u8]) -> Vec<serde_json::Value> {
    let text = std::str::from_utf8(stdout).expect("utf-8 output");
    let gj: geojson::GeoJson = text.parse().expect("output is GeoJSON");
    let geojson::GeoJson::FeatureCollection(fc) = gj else { panic!("not a FeatureCollection") };
    fc.features.iter().map(|f| serde_json::to_value(f).expect("feature to json")).collect()
}

/// Great-circle distance in km (for tolerance checks).
pub fn km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0088 * h.sqrt().asin()
}

/// The [lon, lat] of a Point feature.
pub fn point(f: &serde_json::Value) -> Option<(f64, f64)> {
    let c = f["geometry"]["coordinates"].as_array()?;
    Some((c[0].as_f64()?, c[1].as_f64()?))
}
