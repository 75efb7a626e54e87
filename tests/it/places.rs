//! `geoevent places`.

use crate::util::{data, features, geoevent, km, point, scratch};

fn run(args: &[&str]) -> Vec<serde_json::Value> {
    let dir = scratch();
    let out = geoevent(&dir).arg("places").args(args).output().expect("runs");
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    features(&out.stdout)
}

fn mentions(fs: &[serde_json::Value]) -> Vec<String> {
    fs.iter().map(|f| f["properties"]["mention"].as_str().unwrap_or("").to_string()).collect()
}

fn find<'a>(fs: &'a [serde_json::Value], mention: &str) -> Option<&'a serde_json::Value> {
    fs.iter().find(|f| f["properties"]["mention"] == mention)
}

#[test]
fn finds_and_resolves_the_report_places() {
    let fs = run(&[data("report_makhmour.txt").to_str().unwrap_or_default()]);
    let m = mentions(&fs);
    for expected in
        ["iraq", "syria", "united-states", "Makhmour", "Iraq", "Erbil", "Mosul", "Fallūjah", "Qarachokh mountain"]
    {
        assert!(m.iter().any(|x| x == expected), "{expected} missing from {m:?}");
    }
    let makhmour = find(&fs, "Makhmour").and_then(point).expect("Makhmour point");
    assert!(km(makhmour, (43.58, 35.776)) < 5.0, "{makhmour:?}");
    let fallujah = find(&fs, "Fallūjah").expect("Fallūjah");
    assert_eq!(fallujah["properties"]["place_id"], "gn:99454");
    assert_eq!(find(&fs, "united-states").expect("tag")["properties"]["country"], "US");
}

#[test]
fn traps_emit_nothing() {
    let fs = run(&[data("report_makhmour.txt").to_str().unwrap_or_default()]);
    let m = mentions(&fs);
    for trap in
        ["Washington", "Washington Post", "hit", "us", "Islamic", "State", "Barzani", "Ahmed", "Iraqi", "Kurdish"]
    {
        assert!(!m.iter().any(|x| x == trap), "trap {trap:?} emitted: {m:?}");
    }
}

#[test]
fn hit_the_village_is_not_the_town_hit() {
    let fs = run(&[data("report_makhmour.txt").to_str().unwrap_or_default()]);
    assert!(fs.iter().all(|f| f["properties"]["place_id"] != "gn:95788"), "Hīt emitted");
}

#[test]
fn relative_and_near_locations_place_unknown_villages() {
    let fs = run(&[data("report_makhmour.txt").to_str().unwrap_or_default()]);
    let kani = find(&fs, "Kani Sard").expect("Kani Sard placed relative to Makhmour");
    assert_eq!(kani["properties"]["method"], "relative");
    assert!(kani["properties"]["place_id"].is_null());
    // 12 km east of Makhmour.
    let p = point(kani).expect("point");
    assert!((km(p, (43.5797, 35.7762)) - 12.0).abs() < 0.5, "{p:?}");
    assert!(p.0 > 43.58, "east of Makhmour: {p:?}");
    let gwer = find(&fs, "Gwer").expect("Gwer, near Makhmour");
    assert!(gwer["properties"]["uncertainty_km"].as_f64().unwrap_or(0.0) > 0.0);
}

#[test]
fn offsets_are_code_points_into_the_text() {
    let path = data("report_makhmour.txt");
    let text = std::fs::read_to_string(&path).expect("fixture");
    let chars: Vec<char> = text.chars().collect();
    let fs = run(&[path.to_str().unwrap_or_default()]);
    assert!(!fs.is_empty());
    for f in &fs {
        let p = &f["properties"];
        let (s, e) = (p["start"].as_u64().expect("start") as usize, p["end"].as_u64().expect("end") as usize);
        let slice: String = chars[s..e].iter().collect();
        assert_eq!(slice, p["mention"].as_str().unwrap_or_default());
    }
}

#[test]
fn context_picks_the_governorate_and_the_country() {
    let fs = run(&[data("report_anbar.txt").to_str().unwrap_or_default()]);
    let anbar = find(&fs, "Anbar").expect("Anbar");
    assert_eq!(anbar["properties"]["kind"], "admin1");
    assert_eq!(anbar["properties"]["country"], "IQ");
    let jordan = find(&fs, "Jordan").expect("Jordan");
    assert_eq!(jordan["properties"]["kind"], "country");
    assert_eq!(find(&fs, "Al-Qaim").expect("Al-Qaim")["properties"]["place_id"], "gn:92138");
    assert_eq!(find(&fs, "Al Bukamal").expect("Al Bukamal")["properties"]["country"], "SY");
}

#[test]
fn headlines_in_caps_and_title_case() {
    let fs = run(&[data("headline_caps.txt").to_str().unwrap_or_default()]);
    let m = mentions(&fs);
    assert!(m.contains(&"MOSUL".to_string()), "{m:?}");
    assert!(m.contains(&"Mosul".to_string()), "{m:?}");
    assert!(!m.iter().any(|x| x == "IRAQI" || x == "For" || x == "As"), "{m:?}");
}

#[test]
fn every_property_has_one_type_across_features() {
    let fs = run(&[
        data("report_makhmour.txt").to_str().unwrap_or_default(),
        data("report_anbar.txt").to_str().unwrap_or_default(),
    ]);
    let keys = [
        "doc_id",
        "mention",
        "start",
        "end",
        "place_id",
        "name",
        "kind",
        "country",
        "admin1",
        "population",
        "score",
        "method",
        "uncertainty_km",
    ];
    for k in keys {
        let mut kinds = std::collections::BTreeSet::new();
        for f in &fs {
            let v = &f["properties"][k];
            assert!(f["properties"].as_object().is_some_and(|o| o.contains_key(k)), "{k} absent");
            if !v.is_null() {
                kinds.insert(match v {
                    serde_json::Value::String(_) => "string",
                    serde_json::Value::Number(n) if n.is_u64() || n.is_i64() => "integer",
                    serde_json::Value::Number(_) => "number",
                    _ => "other",
                });
            }
        }
        assert!(kinds.len() <= 1 || kinds == ["integer", "number"].into_iter().collect(), "{k}: {kinds:?}");
    }
    // Integer ids, RFC 7946 member order does not matter; no crs member.
    for (i, f) in fs.iter().enumerate() {
        assert_eq!(f["id"].as_u64(), Some(i as u64 + 1));
    }
}

#[test]
fn places_snapshot() {
    let fs = run(&["--precision", "4", data("report_anbar.txt").to_str().unwrap_or_default()]);
    let rows: Vec<String> = fs
        .iter()
        .map(|f| {
            let p = &f["properties"];
            format!(
                "{}..{} {:?} -> {} {} {} {:?}",
                p["start"],
                p["end"],
                p["mention"].as_str().unwrap_or(""),
                p["place_id"],
                p["kind"],
                p["country"],
                point(f)
            )
        })
        .collect();
    insta::assert_snapshot!(rows.join("\n"));
}

#[test]
fn ndjson_input_bad_line_is_reported_and_the_rest_processed() {
    let dir = scratch();
    let out =
        geoevent(&dir).args(["places", "--format", "ndjson"]).arg(data("articles.ndjson")).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("articles.ndjson:3: not a JSON article object"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let docs: Vec<String> = stdout
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).expect("json line")["properties"]["doc_id"]
                .as_str()
                .unwrap_or("")
                .to_string()
        })
        .collect();
    for d in ["a1", "a2", "a4"] {
        assert!(docs.iter().any(|x| x == d), "{d} missing: {docs:?}");
    }
}

#[test]
fn stdin_and_geojsonseq() {
    let dir = scratch();
    let out = geoevent(&dir)
        .args(["places", "--format", "geojsonseq"])
        .write_stdin("Clashes were reported in Kirkuk and Tikrit.")
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let records: Vec<&str> = text.split('\u{1e}').filter(|s| !s.is_empty()).collect();
    assert_eq!(records.len(), 2, "{text}");
    for r in records {
        let v: serde_json::Value = serde_json::from_str(r.trim_end()).expect("record");
        assert_eq!(v["properties"]["doc_id"], "stdin");
    }
}

#[test]
fn directory_input_and_output_file() {
    let dir = scratch();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir");
    std::fs::write(docs.join("b.txt"), "Fighting near Raqqa.").expect("write");
    std::fs::write(docs.join("a.txt"), "Fighting near Homs.").expect("write");
    geoevent(&dir).args(["places", "docs", "-o", "out.geojson"]).assert().success();
    let fs = features(&std::fs::read(dir.path().join("out.geojson")).expect("output file"));
    let ids: Vec<&str> = fs.iter().map(|f| f["properties"]["doc_id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn missing_input_file_is_named_and_exits_2() {
    let dir = scratch();
    geoevent(&dir).args(["places", "nope.txt"]).assert().code(2).stderr(predicates::str::contains("nope.txt"));
}

#[test]
fn custom_csv_gazetteer_replaces_the_embedded_one() {
    let dir = scratch();
    let out = geoevent(&dir)
        .args(["places", "--gazetteer"])
        .arg(data("mini_gazetteer.csv"))
        .write_stdin("Troops entered Qaryat Test and then Testabad in Testland, not Mosul.")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fs = features(&out.stdout);
    let ids: Vec<&str> = fs.iter().map(|f| f["properties"]["place_id"].as_str().unwrap_or("")).collect();
    assert_eq!(ids, ["t:1", "t:2", "t:3"]);
}

#[test]
fn demonyms_only_on_request() {
    let dir = scratch();
    let text = "Syrian and Iraqi officials met.";
    let plain = geoevent(&dir).arg("places").write_stdin(text).output().expect("runs");
    assert!(features(&plain.stdout).is_empty());
    let with = geoevent(&dir).args(["places", "--demonyms"]).write_stdin(text).output().expect("runs");
    let fs = features(&with.stdout);
    let cc: Vec<&str> = fs.iter().map(|f| f["properties"]["country"].as_str().unwrap_or("")).collect();
    assert_eq!(cc, ["SY", "IQ"]);
}

#[test]
fn country_prior_changes_the_pick() {
    let dir = scratch();
    let text = "The meeting took place in Tripoli.";
    let pick = |args: &[&str]| {
        let out = geoevent(&dir).arg("places").args(args).write_stdin(text).output().expect("runs");
        features(&out.stdout)[0]["properties"]["country"].as_str().unwrap_or("").to_string()
    };
    assert_eq!(pick(&[]), "LY");
    assert_eq!(pick(&["--country", "LB"]), "LB");
    assert_eq!(pick(&["--bbox", "35,33,37,35"]), "LB");
}

#[test]
fn csv_has_lat_lon_and_every_property() {
    let dir = scratch();
    let report = data("report_anbar.txt");
    let geo = features(&geoevent(&dir).arg("places").arg(&report).output().expect("runs").stdout);
    let out = geoevent(&dir).args(["places", "--format", "csv"]).arg(&report).output().expect("runs");
    assert!(out.status.success());
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = rdr.headers().expect("header").iter().map(String::from).collect();
    assert_eq!(&header[..4], ["id", "lat", "lon", "wkt"]);
    let keys: Vec<String> = geo[0]["properties"].as_object().expect("props").keys().cloned().collect();
    assert_eq!(&header[4..], keys.as_slice());
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("row")).collect();
    assert_eq!(rows.len(), geo.len());
    for (row, f) in rows.iter().zip(&geo) {
        let (lon, lat) = point(f).expect("point");
        assert_eq!(row[1].parse::<f64>().expect("lat"), lat);
        assert_eq!(row[2].parse::<f64>().expect("lon"), lon);
        assert_eq!(&row[5], f["properties"]["mention"].as_str().unwrap_or(""));
        // null is an empty cell
        assert_eq!(row[header.iter().position(|h| h == "uncertainty_km").unwrap_or(0)].len(), 0);
    }
}
