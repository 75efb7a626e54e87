//! `geoevent resolve`, and table-driven resolution cases on the library.

use geoevent::{Gazetteer, Geoparser, Options};

use crate::util::{geoevent, scratch};

/// (text, mention, expected place id or "" for none)
const CASES: &[(&str, &str, &str)] = &[
    ("Clashes in Fallujah and Ramadi.", "Fallujah", "gn:99454"),
    ("Clashes in Falluja.", "Falluja", "gn:99454"),
    ("Clashes in Al Qa'im.", "Al Qa'im", "gn:92138"),
    ("Clashes in Qaim, in western Iraq.", "Qaim", "gn:92138"),
    ("Clashes in Abu Kamal, Syria.", "Abu Kamal", "gn:174448"),
    ("Clashes in Albu Kamal, Syria.", "Albu Kamal", "gn:174448"),
    ("Clashes in Makhmur, Iraq.", "Makhmur", "gn:93818"),
    ("Clashes in Mexmur, Iraq.", "Mexmur", "gn:93818"),
    ("Iraq's army moved north.", "Iraq", "gn:99237"),
    ("The delegation flew from Jordan to Saudi Arabia.", "Jordan", "gn:248816"),
    ("Operations continued in Anbar province, Iraq.", "Anbar", "gn:99592"),
    ("IRAQ AND SYRIA SIGN BORDER DEAL", "IRAQ", "gn:99237"),
];

#[test]
fn resolution_table() {
    let parser = Geoparser::new(Gazetteer::embedded(), Options::default());
    for (text, mention, id) in CASES {
        let places = parser.places(text);
        let got = places.iter().find(|p| p.surface == *mention);
        let got_id = got.and_then(|p| p.place).map(|p| p.id).unwrap_or("");
        assert_eq!(got_id, *id, "{text:?}: {mention:?} -> {got:?}");
    }
}

#[test]
fn lists_candidates_with_scores() {
    let dir = scratch();
    let out = geoevent(&dir).args(["resolve", "--json", "Jordan"]).output().expect("runs");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let rows = v.as_array().expect("array");
    assert!(rows.len() >= 2);
    assert_eq!(rows[0]["kind"], "country");
    let conf: f64 = rows.iter().map(|r| r["confidence"].as_f64().unwrap_or(0.0)).sum();
    assert!((conf - 1.0).abs() < 0.01, "confidences sum to {conf}");
}

#[test]
fn unknown_name_exits_1() {
    let dir = scratch();
    geoevent(&dir).args(["resolve", "Xqzzyville"]).assert().code(1);
}
