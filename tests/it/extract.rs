//! `geoevent extract`.

use crate::util::{data, features, geoevent, km, point, scratch};

fn extract(args: &[&str]) -> Vec<serde_json::Value> {
    let dir = scratch();
    let out = geoevent(&dir).arg("extract").args(args).arg(data("events_reports.ndjson")).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    features(&out.stdout)
}

fn events_of<'a>(fs: &'a [serde_json::Value], doc: &str) -> Vec<&'a serde_json::Value> {
    fs.iter().filter(|f| f["properties"]["event_id"].is_string() && f["properties"]["doc_id"] == doc).collect()
}

#[test]
fn codes_the_ambush_with_actors_casualties_date_and_place() {
    let fs = extract(&[]);
    let ev = events_of(&fs, "r1");
    let ambush = ev.iter().find(|f| f["properties"]["event_type"] == "battle").expect("battle");
    let p = &ambush["properties"];
    assert_eq!(p["sub_event_type"], "armed_clash");
    assert_eq!(p["actor1"], "Islamic State");
    assert_eq!(p["actor2"], "Peshmerga");
    assert_eq!(p["fatalities"], 3);
    assert_eq!(p["date"], "2021-03-07");
    assert_eq!(p["date_precision"], "day");
    assert_eq!(p["geo_precision"], 2, "near Makhmour");
    assert_eq!(p["place_id"], "gn:93818");
    assert!(km(point(ambush).expect("point"), (43.58, 35.776)) < 5.0);
}

#[test]
fn air_strike_on_a_curated_feature() {
    let fs = extract(&[]);
    let ev = events_of(&fs, "r1");
    let strike = ev.iter().find(|f| f["properties"]["sub_event_type"] == "air_strike").expect("air strike");
    assert_eq!(strike["properties"]["actor1"], "US-led coalition");
    assert_eq!(strike["properties"]["place_id"], "cur:qarachogh");
}

#[test]
fn threats_are_not_physical_events_and_boilerplate_yields_nothing() {
    let fs = extract(&[]);
    let ev = events_of(&fs, "r1");
    // A threat is never a physical event: strategic_development/other when
    // there is enough evidence, else nothing.
    for f in ev.iter().filter(|f| f["properties"]["sentence"].as_str().unwrap_or("").contains("threatened")) {
        assert_eq!(f["properties"]["event_type"], "strategic_development");
    }
    // Nothing from the "Related" section after the body.
    assert!(ev.iter().all(|f| f["properties"]["event_type"] != "protest"), "{ev:?}");
    // "may try to push" is no event.
    let r2 = events_of(&fs, "r2");
    assert!(r2.iter().all(|f| !f["properties"]["sentence"].as_str().unwrap_or("").contains("may try")));
}

#[test]
fn relative_locations_place_events_at_the_offset_point() {
    let fs = extract(&[]);
    let r2 = events_of(&fs, "r2");
    let retake =
        r2.iter().find(|f| f["properties"]["sub_event_type"] == "government_regains_territory").expect("retake");
    assert_eq!(retake["properties"]["geo_method"], "relative");
    // 40 km due south of Mosul.
    let p = point(retake).expect("point");
    assert!((km(p, (43.11889, 36.335)) - 40.0).abs() < 1.0, "{p:?}");
    let bomb = r2.iter().find(|f| f["properties"]["sub_event_type"] == "remote_explosive").expect("roadside bomb");
    assert_eq!(bomb["properties"]["injured"], 2);
    assert_eq!(bomb["properties"]["geo_method"], "relative");
    assert!(bomb["properties"]["location"].as_str().unwrap_or("").contains("20 km west of"));
}

#[test]
fn distance_claims_report_both_distances_and_the_direction() {
    let fs = extract(&["--layer", "distance-claims"]);
    assert!(fs.iter().all(|f| f["geometry"]["type"] == "LineString"));
    let c = fs.iter().find(|f| f["properties"]["to"] == "Al Qayyārah").expect("Qayyarah claim");
    let p = &c["properties"];
    assert_eq!(p["from"], "Mosul");
    assert_eq!(p["reported_km"], 60.0);
    assert_eq!(p["reported_direction"], "south");
    let g = p["geodesic_km"].as_f64().unwrap_or(0.0);
    assert!(g > 40.0 && g < 80.0, "{g}");
    assert!(p["bearing_deg"].as_f64().unwrap_or(0.0) > 150.0);
    assert_eq!(c["geometry"]["type"], "LineString");
}

#[test]
fn each_distance_claim_finds_its_own_target_among_many_places() {
    // Three claims from one anchor in a document of many places: each is
    // paired with the place its phrase follows, not a neighbour's.
    let dir = scratch();
    let text = "Officials in Baghdad and Basra met on Monday. Fallujah, about 50 km west of Baghdad, was quiet, \
        while Tikrit, some 140 km north of Baghdad, saw clashes near Samarra and Baiji. Kirkuk, around 240 km \
        north of Baghdad, reported no incidents; Erbil and Mosul stayed calm.";
    let path = dir.path().join("claims.txt");
    std::fs::write(&path, text).expect("write");
    let out = geoevent(&dir).args(["extract", "--layer", "distance-claims"]).arg(&path).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fs = features(&out.stdout);
    let pairs: Vec<(f64, String, String)> = fs
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (p["reported_km"].as_f64().unwrap_or(0.0), p["from_id"].to_string(), p["to_id"].to_string())
        })
        .collect();
    assert_eq!(pairs.len(), 3, "{pairs:?}");
    // Baghdad gn:98182; Fallujah gn:99454, Tikrit gn:90150, Kirkuk gn:94787.
    for (km, to) in [(50.0, "\"gn:99454\""), (140.0, "\"gn:90150\""), (240.0, "\"gn:94787\"")] {
        let claim = pairs.iter().find(|(k, _, _)| *k == km).unwrap_or_else(|| panic!("{km} km claim in {pairs:?}"));
        assert_eq!((claim.1.as_str(), claim.2.as_str()), ("\"gn:98182\"", to), "{km} km");
    }
}

#[test]
fn properties_keep_one_type_and_ids_are_stable() {
    let a = extract(&[]);
    let b = extract(&[]);
    assert_eq!(a, b);
    let keys: Vec<String> = a[0]["properties"].as_object().expect("props").keys().cloned().collect();
    for f in &a {
        let k: Vec<String> = f["properties"].as_object().expect("props").keys().cloned().collect();
        assert_eq!(k, keys, "every feature has every property");
    }
    let ids: Vec<&str> = a.iter().filter_map(|f| f["properties"]["event_id"].as_str()).collect();
    assert!(ids.contains(&"r1:e1"));
}

#[test]
fn dedup_merges_reports_across_articles() {
    let plain = extract(&["--layer", "events"]);
    let merged = extract(&["--layer", "events", "--dedup"]);
    assert_eq!(merged.len(), plain.len() - 1, "the r3 ambush report merges into r1's");
    let is_ambush =
        |f: &&serde_json::Value| f["properties"]["event_type"] == "battle" && f["properties"]["doc_id"] == "r1";
    let before = plain.iter().find(is_ambush).expect("ambush")["properties"]["reports"].as_u64().unwrap_or(0);
    let after = merged.iter().find(is_ambush).expect("ambush")["properties"]["reports"].as_u64().unwrap_or(0);
    assert_eq!(after, before + 1);
}

#[test]
fn extra_actor_file_extends_the_dictionary() {
    let dir = scratch();
    std::fs::write(
        dir.path().join("actors.csv"),
        "actor,type,country,aliases\nTest Brigade,political_militia,IQ,Testers\n",
    )
    .expect("write");
    let out = geoevent(&dir)
        .args(["extract", "--actors", "actors.csv", "--layer", "events"])
        .write_stdin("The Testers clashed with Iraqi forces in Tikrit on Monday.")
        .output()
        .expect("runs");
    let fs = features(&out.stdout);
    assert_eq!(fs[0]["properties"]["actor1"], "Test Brigade");
    assert_eq!(fs[0]["properties"]["actor2"], "Iraqi Security Forces");
    assert!(fs[0]["properties"]["date"].is_null(), "no publication date: no date");
}

#[test]
fn output_directory_gets_one_file_per_layer() {
    let dir = scratch();
    let out =
        geoevent(&dir).args(["extract", "-o", "layers/"]).arg(data("events_reports.ndjson")).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let read = |name: &str| features(&std::fs::read(dir.path().join("layers").join(name)).expect(name));
    let events = read("events.geojson");
    let claims = read("distance_claims.geojson");
    let places = read("places.geojson");
    assert_eq!(events, extract(&[]), "events.geojson is what --layer events writes");
    assert_eq!(claims, extract(&["--layer", "distance-claims"]));
    assert_eq!(places, extract(&["--layer", "places"]));
    assert!(events.iter().all(|f| f["geometry"].is_null() || f["geometry"]["type"] == "Point"));
    assert!(!claims.is_empty() && claims.iter().all(|f| f["geometry"]["type"] == "LineString"));
    assert!(places.iter().any(|f| f["properties"]["name"] == "Mosul"));
    // Integer ids from 1 in each file.
    for layer in [&events, &claims, &places] {
        let ids: Vec<u64> = layer.iter().map(|f| f["id"].as_u64().expect("integer id")).collect();
        assert_eq!(ids, (1..=layer.len() as u64).collect::<Vec<_>>());
    }
}

#[test]
fn csv_and_kml_layers_carry_their_types() {
    let dir = scratch();
    for format in ["csv", "kml"] {
        let out = geoevent(&dir)
            .args(["extract", "--format", format, "-o", &format!("{format}/")])
            .arg(data("events_reports.ndjson"))
            .output()
            .expect("runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
    let csvt = std::fs::read_to_string(dir.path().join("csv/events.csvt")).expect("csvt");
    let header = std::fs::read_to_string(dir.path().join("csv/events.csv")).expect("csv");
    let header = header.lines().next().expect("header");
    let names: Vec<&str> = header.split(',').collect();
    let types: Vec<&str> = csvt.trim().split(',').collect();
    assert_eq!(names.len(), types.len());
    let type_of = |n: &str| types[names.iter().position(|x| *x == n).expect(n)];
    assert_eq!(type_of("fatalities"), "Integer");
    assert_eq!(type_of("date"), "Date");
    assert_eq!(type_of("confidence"), "Real");
    // Not `WKT`: GDAL reads the `wkt` column as geometry by its name, and a
    // `WKT` type breaks its `X_POSSIBLE_NAMES`/`Y_POSSIBLE_NAMES` options.
    assert_eq!(type_of("wkt"), "String");
    let kml = std::fs::read_to_string(dir.path().join("kml/events.kml")).expect("kml");
    assert!(kml.starts_with("<?xml"));
    assert!(kml.contains(r#"<SimpleField type="int" name="fatalities">"#));
    assert!(kml.contains("<SimpleData name=\"actor1\">Islamic State</SimpleData>"));
    assert!(kml.contains("<when>2021-03-07</when>"));
    assert_eq!(kml.matches("<Placemark>").count(), extract(&[]).len());
    let claims = std::fs::read_to_string(dir.path().join("kml/distance_claims.kml")).expect("kml");
    assert!(claims.contains("<LineString>") && claims.contains("<LineStyle>"));
    // Booleans as 1/0: GDAL reads a KML `bool` as an integer ("true" is 0).
    assert!(claims.contains(r#"<SimpleField type="bool" name="holds">"#));
    assert!(
        claims.contains(r#"<SimpleData name="holds">1</SimpleData>"#)
            || claims.contains(r#"<SimpleData name="holds">0</SimpleData>"#)
    );
    assert!(
        !claims.contains(r#"<SimpleData name="holds">true"#) && !claims.contains(r#"<SimpleData name="holds">false"#)
    );
}

#[test]
fn worker_threads_do_not_change_the_output() {
    let dir = scratch();
    // Enough documents for several batches per worker, and a bad line now
    // and then: reported the same way, the rest of the batch kept.
    let reports = std::fs::read_to_string(data("events_reports.ndjson")).expect("reports");
    let mut many = String::new();
    for i in 0..300 {
        for line in reports.lines() {
            let mut v: serde_json::Value = serde_json::from_str(line).expect("json");
            v["id"] = serde_json::json!(format!("{}-{i}", v["id"].as_str().unwrap_or("x")));
            many.push_str(&v.to_string());
            many.push('\n');
        }
        if i % 70 == 0 {
            many.push_str("{\"id\": \"broken\", \"text\": \n");
        }
    }
    std::fs::write(dir.path().join("many.ndjson"), many).expect("write");
    let run = |cmd: &str, jobs: &str| {
        let out = geoevent(&dir).args([cmd, "--format", "ndjson", "-j", jobs, "many.ndjson"]).output().expect("runs");
        (out.status.code(), out.stdout, String::from_utf8_lossy(&out.stderr).into_owned())
    };
    for cmd in ["extract", "places"] {
        let one = run(cmd, "1");
        assert!(one.1.len() > 10_000);
        assert_ne!(one.0, Some(0), "bad lines make a failure exit");
        assert_eq!(one.2.matches("many.ndjson:").count(), 5, "{}", one.2);
        assert_eq!(one, run(cmd, "3"), "{cmd} -j 3");
        assert_eq!(one, run(cmd, "8"), "{cmd} -j 8");
    }
}
