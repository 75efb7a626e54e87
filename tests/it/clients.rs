//! The real GIS clients read what geoevent writes (issue 4, item 6): GDAL's
//! `ogrinfo` and `ogr2ogr` open every format and layer with the expected
//! feature count, geometry type, column types and values, and `ogr2ogr`
//! loads them into PostGIS, where SQL counts the rows, checks the column
//! types and measures what `geoevent distance` measures.
//!
//! Ignored by plain `cargo test`: they need GDAL (`ogrinfo`, `ogr2ogr`),
//! `psql` and a PostGIS database given by `GEOEVENT_PG` (a libpq connection
//! string). `scripts/check_gis_clients.sh` installs the clients, starts a
//! throwaway server and runs them. A missing client fails a test, it never
//! passes silently.
//!
//! The expected column types come from the layers' field lists
//! (`geoevent::output::{EVENTS, DISTANCE_CLAIMS, PLACES, DISTANCES}`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use geoevent::output::{DISTANCE_CLAIMS, DISTANCES, EVENTS, FieldType, Format, Layer, PLACES};
use serde_json::Value;

use crate::util::{geoevent, scratch};

/// The feature formats of `places` and `extract`.
const FORMATS: [&str; 5] = ["geojson", "geojsonseq", "ndjson", "csv", "kml"];

/// simplestyle-spec properties, which KML carries as `<name>`,
/// `<description>` and `<Style>` instead of `ExtendedData`.
const STYLE_PROPERTIES: [&str; 5] = ["title", "description", "marker-color", "stroke", "stroke-width"];

/// GDAL's LIBKML driver adds these fields to every layer, and drops a schema
/// field of the same name (`end`, the places' `name`): renamed out of the way.
const LIBKML_FIELDS: [&str; 11] = [
    "NAME",
    "DESCRIPTION",
    "TIMESTAMP",
    "BEGIN",
    "END",
    "ALTITUDEMODE",
    "TESSELLATE",
    "EXTRUDE",
    "VISIBILITY",
    "DRAWORDER",
    "ICON",
];

/// The example reports every test reads.
fn inputs() -> [PathBuf; 2] {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [root.join("examples/reports"), root.join("examples/wire.ndjson")]
}

fn extension(format: &str) -> &'static str {
    Format::parse(format).expect("a feature format").extension()
}

/// Run a client program and return its standard output. A missing program
/// fails the test; so does a failure, and any GDAL warning or error.
fn client(program: &str, args: &[String]) -> String {
    let out = Command::new(program).args(args).env("PGCLIENTENCODING", "UTF8").output().unwrap_or_else(|e| {
        panic!("cannot run `{program}` ({e}): needs GDAL and PostGIS, run scripts/check_gis_clients.sh")
    });
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "`{program} {}` failed ({}):\n{stderr}", args.join(" "), out.status);
    assert!(
        !stderr.contains("Warning") && !stderr.contains("ERROR"),
        "`{program} {}` complained:\n{stderr}",
        args.join(" ")
    );
    String::from_utf8(out.stdout).expect("utf-8 output")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

/// Run geoevent (hermetic, in `dir`) and assert it succeeds.
fn run_geoevent(dir: &tempfile::TempDir, args: &[&str], with_inputs: bool) {
    let mut cmd = geoevent(dir);
    cmd.arg(args[0]).arg("--quiet").args(&args[1..]);
    if with_inputs {
        cmd.args(inputs());
    }
    let out = cmd.output().expect("runs");
    assert!(out.status.success(), "geoevent {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// How GDAL is told to open a file of `format` holding `layer`: the open
/// options and configuration a user would give (the README's).
fn open_args(format: &str, layer: &Layer) -> Vec<String> {
    match format {
        "csv" if layer.geometry == "Point" => strings(&[
            "-oo",
            "X_POSSIBLE_NAMES=lon",
            "-oo",
            "Y_POSSIBLE_NAMES=lat",
            "-oo",
            "KEEP_GEOM_COLUMNS=NO",
            "-oo",
            "EMPTY_STRING_AS_NULL=YES",
        ]),
        "csv" => strings(&[
            "-oo",
            "GEOM_POSSIBLE_NAMES=wkt",
            "-oo",
            "KEEP_GEOM_COLUMNS=NO",
            "-oo",
            "EMPTY_STRING_AS_NULL=YES",
        ]),
        "kml" => LIBKML_FIELDS
            .iter()
            .flat_map(|f| ["--config".to_string(), format!("LIBKML_{f}_FIELD"), format!("kml_{}", f.to_lowercase())])
            .collect(),
        _ => Vec::new(),
    }
}

/// What `ogrinfo -ro -al -so` says of a file's one layer.
#[derive(Debug)]
struct Summary {
    name: String,
    geometry: String,
    count: usize,
    /// Field name and GDAL type (`Integer`, `Integer(Boolean)`, `Date` ...).
    fields: Vec<(String, String)>,
}

fn ogrinfo(path: &Path, open: &[String]) -> Summary {
    let mut args = strings(&["-ro", "-al", "-so"]);
    args.extend_from_slice(open);
    args.push(path.display().to_string());
    let text = client("ogrinfo", &args);
    let mut layers = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("Layer name: ") {
            layers.push(Summary { name: name.into(), geometry: String::new(), count: 0, fields: Vec::new() });
            continue;
        }
        let Some(layer) = layers.last_mut() else { continue };
        if let Some(g) = line.strip_prefix("Geometry: ") {
            layer.geometry = g.into();
        } else if let Some(n) = line.strip_prefix("Feature Count: ") {
            layer.count = n.parse().expect("a feature count");
        } else if let Some((name, ty)) = field_line(line) {
            layer.fields.push((name.into(), ty.into()));
        }
    }
    assert_eq!(layers.len(), 1, "one layer in {}:\n{text}", path.display());
    layers.pop().expect("a layer")
}

/// A field line of `ogrinfo -so`, "fatalities: Integer (0.0)": the name and
/// the type.
fn field_line(line: &str) -> Option<(&str, &str)> {
    if line.starts_with(char::is_whitespace) {
        return None;
    }
    let (name, rest) = line.split_once(": ")?;
    let (ty, width) = rest.strip_suffix(')')?.rsplit_once(" (")?;
    let digits = |d: &str| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit());
    let (w, p) = width.split_once('.')?;
    (!ty.contains(' ') && digits(w) && digits(p)).then_some((name, ty))
}

/// The features of a file as GDAL reads them, through `ogr2ogr -f GeoJSON`.
fn gdal_features(path: &Path, open: &[String]) -> Vec<Value> {
    let mut args = strings(&["-f", "GeoJSON", "/vsistdout/"]);
    args.push(path.display().to_string());
    args.extend_from_slice(open);
    let text = client("ogr2ogr", &args);
    let v: Value = serde_json::from_str(&text).expect("ogr2ogr writes GeoJSON");
    v["features"].as_array().expect("features").clone()
}

/// Our own features, from a GeoJSON FeatureCollection geoevent wrote.
fn our_features(path: &Path) -> Vec<Value> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).expect("geojson output")).expect("json");
    v["features"].as_array().expect("a FeatureCollection").clone()
}

/// The GDAL types a field of type `ty` may have once read from `format`.
fn gdal_types(ty: FieldType, format: &str) -> &'static [&'static str] {
    match (ty, format) {
        (FieldType::String, _) => &["String"],
        (FieldType::Integer, _) => &["Integer", "Integer64"],
        (FieldType::Real, _) => &["Real"],
        // KML has no date type: a string, and a TimeStamp (checked apart).
        (FieldType::Date, "kml") => &["String"],
        (FieldType::Date, _) => &["Date"],
        // LIBKML reads a `bool` SimpleField as an Integer.
        (FieldType::Boolean, "kml") => &["Integer"],
        (FieldType::Boolean, _) => &["Integer(Boolean)"],
    }
}

/// The layer's fields a file of `format` carries as columns.
fn carried(layer: &Layer, format: &str) -> Vec<(&'static str, FieldType)> {
    layer
        .fields
        .iter()
        .filter(|f| format != "kml" || !STYLE_PROPERTIES.contains(&f.name))
        .map(|f| (f.name, f.ty))
        .collect()
}

/// Whether every feature has `null` for `name`: GeoJSON then gives GDAL no
/// type to infer, and it makes the column a String.
fn all_null(ours: &[Value], name: &str) -> bool {
    ours.iter().all(|f| f["properties"][name].is_null())
}

/// Whether GDAL read back the value we wrote.
fn same_value(ty: FieldType, ours: &Value, theirs: &Value) -> bool {
    match (ours, theirs) {
        (Value::Null, Value::Null) => true,
        (Value::Null, _) | (_, Value::Null) => false,
        _ => match ty {
            FieldType::String => ours == theirs,
            FieldType::Integer => ours.as_i64().is_some() && ours.as_i64() == theirs.as_i64(),
            FieldType::Real => match (ours.as_f64(), theirs.as_f64()) {
                (Some(a), Some(b)) => (a - b).abs() <= 1e-9 * a.abs().max(1.0),
                _ => false,
            },
            FieldType::Boolean => {
                ours == theirs || (ours.as_bool().is_some() && theirs.as_i64() == ours.as_bool().map(i64::from))
            }
            FieldType::Date => theirs.as_str().map(|s| s.replace('/', "-")).as_deref() == ours.as_str(),
        },
    }
}

/// GDAL opens `path` (a file of `format` holding `layer`) with the feature
/// count, geometry type, column types and values of `ours`, the features
/// of the same run written as GeoJSON.
fn check_gdal_reads(path: &Path, format: &str, layer: &Layer, ours: &[Value]) {
    let what = format!("{} ({format})", path.display());
    let open = open_args(format, layer);
    let s = ogrinfo(path, &open);
    assert_eq!(s.count, ours.len(), "{what}: feature count");
    assert!(!ours.is_empty(), "{what}: the examples give features");
    // Layer geometry type. CSV without X/Y columns and KML are "Unknown
    // (any)" in GDAL: their features' geometries are checked below.
    let expected_geometry = match (format, layer.geometry) {
        ("kml", _) | ("csv", "LineString") => "Unknown (any)",
        (_, "LineString") => "Line String",
        (_, g) => g,
    };
    assert_eq!(s.geometry, expected_geometry, "{what}: geometry type");
    assert_eq!(s.name, layer.name, "{what}: layer name");

    // Column types: the layer's fields in order, after what the format adds.
    let mut expected: Vec<(String, Vec<&str>)> = match (format, layer.geometry) {
        ("csv", "Point") => vec![("id".into(), vec!["Integer"]), ("wkt".into(), vec!["String"])],
        ("csv", _) => {
            vec![("id".into(), vec!["Integer"]), ("lat".into(), vec!["Real"]), ("lon".into(), vec!["Real"])]
        }
        _ => Vec::new(),
    };
    for (name, ty) in carried(layer, format) {
        let mut types = gdal_types(ty, format).to_vec();
        // Only GeoJSON leaves a column without a declared type.
        if !matches!(format, "csv" | "kml") && all_null(ours, name) {
            types = vec!["String"];
        }
        expected.push((name.into(), types));
    }
    let got: Vec<&(String, String)> = s.fields.iter().filter(|(n, _)| !n.starts_with("kml_")).collect();
    let got_names: Vec<&str> = got.iter().map(|(n, _)| n.as_str()).collect();
    let expected_names: Vec<&str> = expected.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(got_names, expected_names, "{what}: columns");
    for ((name, ty), (_, allowed)) in got.iter().zip(&expected) {
        assert!(allowed.contains(&ty.as_str()), "{what}: column {name} is {ty}, expected {allowed:?}");
    }
    if format == "kml" {
        let kml_timestamp = s.fields.iter().find(|(n, _)| n == "kml_timestamp").map(|(_, t)| t.as_str());
        assert_eq!(kml_timestamp, Some("DateTime"), "{what}: TimeStamp column");
    }

    // Every feature: geometry and values.
    let theirs = gdal_features(path, &open);
    assert_eq!(theirs.len(), ours.len(), "{what}: features read");
    for (i, (o, t)) in ours.iter().zip(&theirs).enumerate() {
        let at = format!("{what}, feature {}", i + 1);
        let (og, tg) = (&o["geometry"], &t["geometry"]);
        assert_eq!(tg.is_null(), og.is_null(), "{at}: geometry {tg} for {og}");
        if !og.is_null() {
            assert_eq!(tg["type"], layer.geometry, "{at}: geometry type");
            let flat = |g: &Value| -> Vec<f64> {
                let c = &g["coordinates"];
                let points = if g["type"] == "Point" { vec![c.clone()] } else { c.as_array().expect("line").clone() };
                points
                    .iter()
                    .flat_map(|p| {
                        p.as_array()
                            .expect("position")
                            .iter()
                            .take(2)
                            .map(|x| x.as_f64().expect("number"))
                            .collect::<Vec<_>>()
                    })
                    .collect()
            };
            let (oc, tc) = (flat(og), flat(tg));
            assert_eq!(oc.len(), tc.len(), "{at}: vertices");
            assert!(oc.iter().zip(&tc).all(|(a, b)| (a - b).abs() < 1e-9), "{at}: coordinates {tc:?} for {oc:?}");
        }
        let props = &t["properties"];
        for (name, ty) in carried(layer, format) {
            let (ov, tv) = (&o["properties"][name], &props[name]);
            assert!(same_value(ty, ov, tv), "{at}: {name} read as {tv}, written {ov}");
        }
        match format {
            "csv" => assert_eq!(props["id"], o["id"], "{at}: id"),
            "kml" => {
                // The date is also a TimeStamp, read as a DateTime.
                if let Some(date) = layer.fields.iter().find(|f| f.ty == FieldType::Date) {
                    let stamp = props["kml_timestamp"].as_str().map(|s| s.replace('/', "-"));
                    let want = o["properties"][date.name].as_str();
                    assert_eq!(stamp.as_deref().map(|s| &s[..10]), want, "{at}: TimeStamp");
                }
            }
            _ => {
                if !t["id"].is_null() {
                    assert_eq!(t["id"], o["id"], "{at}: id");
                }
            }
        }
    }

    println!("{what}: {} features, {}, {} columns as typed", s.count, s.geometry, expected.len());

    // A CSV opened without any option still has its geometries (GDAL reads
    // the column named wkt), so a plain `ogr2ogr` keeps them.
    if format == "csv" {
        let plain = gdal_features(path, &strings(&["-oo", "EMPTY_STRING_AS_NULL=YES"]));
        let with = |fs: &[Value]| fs.iter().filter(|f| !f["geometry"].is_null()).count();
        assert_eq!(with(&plain), with(ours), "{what}: geometries without open options");
    }
}

#[test]
#[ignore = "needs GDAL and PostGIS: run by scripts/check_gis_clients.sh"]
fn gdal_reads_every_format_and_layer_of_extract() {
    let dir = scratch();
    for format in FORMATS {
        run_geoevent(&dir, &["extract", "--format", format, "-o", &format!("{format}/")], true);
    }
    for layer in [EVENTS, DISTANCE_CLAIMS, PLACES] {
        let ours = our_features(&dir.path().join(format!("geojson/{}.geojson", layer.name)));
        for format in FORMATS {
            let path = dir.path().join(format!("{format}/{}.{}", layer.name, extension(format)));
            check_gdal_reads(&path, format, &layer, &ours);
        }
    }
}

#[test]
#[ignore = "needs GDAL and PostGIS: run by scripts/check_gis_clients.sh"]
fn gdal_reads_places_in_every_format() {
    let dir = scratch();
    for format in FORMATS {
        run_geoevent(&dir, &["places", "--format", format, "-o", &format!("{format}/")], true);
    }
    let ours = our_features(&dir.path().join("geojson/places.geojson"));
    for format in FORMATS {
        let path = dir.path().join(format!("{format}/places.{}", extension(format)));
        check_gdal_reads(&path, format, &PLACES, &ours);
    }
}

const MATRIX: [&str; 4] = ["Fallujah", "Baghdad", "Ramadi", "Mosul"];

#[test]
#[ignore = "needs GDAL and PostGIS: run by scripts/check_gis_clients.sh"]
fn gdal_reads_the_distance_matrix_in_every_format() {
    let dir = scratch();
    for format in ["geojson", "csv", "kml"] {
        let file = format!("distances.{format}");
        let mut args = vec!["distance", "--matrix", "--format", format, "-o", &file];
        args.extend(MATRIX);
        let out = geoevent(&dir).args(&args).output().expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let ours = our_features(&dir.path().join("distances.geojson"));
    assert_eq!(ours.len(), 6, "every pair of four places");
    for format in ["geojson", "csv", "kml"] {
        check_gdal_reads(&dir.path().join(format!("distances.{format}")), format, &DISTANCES, &ours);
    }
}

/// A PostGIS database for one test: `GEOEVENT_PG`, and a schema of its own,
/// dropped at the end.
struct Postgis {
    conn: String,
    schema: String,
}

impl Postgis {
    fn connect() -> Postgis {
        let conn = std::env::var("GEOEVENT_PG").unwrap_or_default();
        assert!(
            !conn.trim().is_empty(),
            "GEOEVENT_PG is not set: this test needs a PostGIS database (a libpq connection string such as \
             \"host=127.0.0.1 port=5432 dbname=geoevent user=postgres\"); scripts/check_gis_clients.sh starts one"
        );
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
        let schema = format!("geoevent_test_{}_{nanos}", std::process::id());
        let db = Postgis { conn, schema };
        db.sql(&format!("CREATE SCHEMA {}", db.schema));
        db
    }

    /// Rows of a query, as text cells.
    fn sql(&self, query: &str) -> Vec<Vec<String>> {
        let out = client(
            "psql",
            &strings(&["-X", "-q", "-A", "-t", "-F", "\t", "-v", "ON_ERROR_STOP=1", &self.conn, "-c", query]),
        );
        out.lines().filter(|l| !l.is_empty()).map(|l| l.split('\t').map(str::to_string).collect()).collect()
    }

    /// The one value of a query.
    fn value(&self, query: &str) -> String {
        let rows = self.sql(query);
        assert!(rows.len() == 1 && rows[0].len() == 1, "one value from {query}, got {rows:?}");
        rows[0][0].clone()
    }

    /// `ogr2ogr` a file into table `table` of the test's schema.
    fn import(&self, path: &Path, table: &str, open: &[String], extra: &[&str]) {
        let mut args = strings(&["-f", "PostgreSQL", &format!("PG:{}", self.conn)]);
        args.push(path.display().to_string());
        args.extend(strings(&[
            "-nln",
            table,
            "-lco",
            &format!("SCHEMA={}", self.schema),
            "-lco",
            "GEOMETRY_NAME=geom",
        ]));
        args.extend(strings(extra));
        args.extend_from_slice(open);
        client("ogr2ogr", &args);
    }

    fn table(&self, table: &str) -> String {
        format!("{}.{table}", self.schema)
    }
}

impl Drop for Postgis {
    fn drop(&mut self) {
        let _ = Command::new("psql")
            .args(["-X", "-q", &self.conn, "-c", &format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema)])
            .output();
    }
}

/// The column name `ogr2ogr` gives a field in PostgreSQL.
fn laundered(name: &str) -> String {
    name.to_lowercase().replace(['-', ' ', '\''], "_")
}

/// The PostgreSQL types a field of type `ty` may have once imported from `format`.
fn pg_types(ty: FieldType, format: &str) -> &'static [&'static str] {
    match (ty, format) {
        (FieldType::String, _) | (FieldType::Date, "kml") => &["character varying"],
        (FieldType::Integer, _) | (FieldType::Boolean, "kml") => &["integer", "bigint"],
        (FieldType::Real, _) => &["double precision"],
        (FieldType::Date, _) => &["date"],
        (FieldType::Boolean, _) => &["boolean"],
    }
}

/// The table holds every feature with the right column types, the nulls
/// where we wrote null, and geometries of the layer's type in EPSG:4326.
fn check_table(db: &Postgis, table: &str, format: &str, layer: &Layer, ours: &[Value]) {
    let t = db.table(table);
    let what = format!("{t} ({format})");
    assert_eq!(db.value(&format!("SELECT count(*) FROM {t}")), ours.len().to_string(), "{what}: rows");
    let columns: BTreeMap<String, String> = db
        .sql(&format!(
            "SELECT column_name, data_type FROM information_schema.columns \
             WHERE table_schema = '{}' AND table_name = '{table}'",
            db.schema
        ))
        .into_iter()
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    let fields = carried(layer, format);
    for &(name, ty) in &fields {
        let column = laundered(name);
        let got = columns.get(&column).unwrap_or_else(|| panic!("{what}: no column {column} in {columns:?}"));
        let allowed: &[&str] =
            if format == "geojson" && all_null(ours, name) { &["character varying"] } else { pg_types(ty, format) };
        assert!(allowed.contains(&got.as_str()), "{what}: column {column} is {got}, expected {allowed:?}");
    }
    // Nulls stay nulls: as many non-null values per column as we wrote.
    let counts: Vec<String> = fields.iter().map(|(n, _)| format!("count(\"{}\")", laundered(n))).collect();
    let got = db.sql(&format!("SELECT {} FROM {t}", counts.join(", ")));
    for (i, (name, _)) in fields.iter().enumerate() {
        let want = ours.iter().filter(|f| !f["properties"][*name].is_null()).count();
        assert_eq!(got[0][i], want.to_string(), "{what}: non-null values of {name}");
    }
    // Integer ids from 1, in order.
    let id = match format {
        "geojson" => Some("fid"),
        "csv" => Some("id"),
        _ => None,
    };
    if let Some(id) = id {
        assert_eq!(columns.get(id).map(String::as_str), Some("integer"), "{what}: {id} column");
        let ids = db.sql(&format!("SELECT min({id}), max({id}), count(DISTINCT {id}) FROM {t}"));
        let n = ours.len().to_string();
        assert_eq!(ids[0], vec!["1".to_string(), n.clone(), n], "{what}: ids");
    }
    let geometry = db.sql(&format!(
        "SELECT GeometryType(geom), ST_SRID(geom), count(*) FROM {t} WHERE geom IS NOT NULL GROUP BY 1, 2"
    ));
    let located = ours.iter().filter(|f| !f["geometry"].is_null()).count();
    let kind = layer.geometry.to_uppercase();
    assert_eq!(geometry, vec![vec![kind.clone(), "4326".to_string(), located.to_string()]], "{what}: geometries");
    println!("{what}: {} rows, {kind} SRID 4326, {} columns as typed", ours.len(), fields.len());
}

/// The distance geoevent measures between two places, in metres.
fn geoevent_distance_m(dir: &tempfile::TempDir, a: &str, b: &str) -> f64 {
    let out = geoevent(dir).args(["distance", a, b, "--format", "json"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).expect("json");
    v[0]["distance_m"].as_f64().expect("distance_m")
}

#[test]
#[ignore = "needs GDAL and PostGIS: run by scripts/check_gis_clients.sh"]
fn postgis_loads_the_layers_and_measures_like_geoevent() {
    let db = Postgis::connect();
    let dir = scratch();
    for format in ["geojson", "csv", "kml"] {
        run_geoevent(&dir, &["extract", "--format", format, "-o", &format!("{format}/")], true);
    }
    let mut matrix = vec!["distance", "--matrix", "--format", "geojson", "-o", "distances.geojson"];
    matrix.extend(MATRIX);
    let out = geoevent(&dir).args(&matrix).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fallujah_baghdad = geoevent_distance_m(&dir, "Fallujah", "Baghdad");

    for layer in [EVENTS, DISTANCE_CLAIMS, PLACES] {
        let ours = our_features(&dir.path().join(format!("geojson/{}.geojson", layer.name)));
        for format in ["geojson", "csv", "kml"] {
            let path = dir.path().join(format!("{format}/{}.{format}", layer.name));
            let table = format!("{}_{format}", layer.name);
            let extra: &[&str] = match format {
                // Our feature ids become the primary key.
                "geojson" => &["-preserve_fid", "-lco", "FID=fid"],
                // A CSV has no coordinate system of its own.
                "csv" => &["-a_srs", "EPSG:4326"],
                _ => &[],
            };
            db.import(&path, &table, &open_args(format, &layer), extra);
            check_table(&db, &table, format, &layer, &ours);
        }
    }

    // ST_Distance on geography (WGS84 spheroid) between the places
    // Fallujah and Baghdad equals `geoevent distance` to a metre, whichever
    // format brought them in.
    for format in ["geojson", "csv", "kml"] {
        let t = db.table(&format!("places_{format}"));
        let d: f64 = db
            .value(&format!(
                "SELECT ST_Distance(a.geom::geography, b.geom::geography, true) FROM {t} a, {t} b \
                 WHERE a.name = 'Al Fallūjah' AND b.name = 'Baghdad' LIMIT 1"
            ))
            .parse()
            .expect("a distance");
        println!("{t}: ST_Distance(geography) Fallujah-Baghdad {d} m, geoevent distance {fallujah_baghdad} m");
        assert!((d - fallujah_baghdad).abs() <= 1.0, "{t}: PostGIS {d} m, geoevent distance {fallujah_baghdad} m");
    }
    // The Baghdad–Fallujah distance claim: its LineString's geodesic length
    // is the geodesic_km it reports.
    for format in ["geojson", "csv", "kml"] {
        let t = db.table(&format!("distance_claims_{format}"));
        let rows = db.sql(&format!(
            "SELECT ST_Length(geom::geography, true), geodesic_km FROM {t} \
             WHERE \"from\" = 'Baghdad' AND \"to\" = 'Al Fallūjah'"
        ));
        assert!(!rows.is_empty(), "{t}: the Baghdad–Fallujah claim");
        for r in rows {
            let (length, km): (f64, f64) = (r[0].parse().expect("length"), r[1].parse().expect("km"));
            println!("{t}: ST_Length(geography) of the Baghdad-Fallujah claim {length} m, geodesic_km {km}");
            assert!((length - km * 1000.0).abs() <= 3.0, "{t}: ST_Length {length} m, geodesic_km {km}");
        }
    }
    // The geodesic lines of `distance --matrix`: their length is distance_m.
    let ours = our_features(&dir.path().join("distances.geojson"));
    db.import(&dir.path().join("distances.geojson"), "distances", &[], &["-preserve_fid", "-lco", "FID=fid"]);
    check_table(&db, "distances", "geojson", &DISTANCES, &ours);
    let t = db.table("distances");
    let rows = db.sql(&format!("SELECT ST_Length(geom::geography, true), distance_m FROM {t}"));
    assert_eq!(rows.len(), 6);
    for r in rows {
        let (length, m): (f64, f64) = (r[0].parse().expect("length"), r[1].parse().expect("m"));
        println!("{t}: ST_Length(geography) {length} m, distance_m {m}");
        assert!((length - m).abs() <= 1.0, "{t}: ST_Length {length} m, distance_m {m}");
    }
}
