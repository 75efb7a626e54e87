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

/// The resolver's per-thread memo of priors (and the context buffers it
/// keeps from document to document) answers as a fresh resolver does: the
/// same names with other cues (a division word, "city of", a locative,
/// capitals, a sentence start, a country next to them) after the memo has
/// seen them with one.
#[test]
fn memoised_priors_resolve_as_a_fresh_resolver() {
    let texts = [
        "Kirkuk fell quiet on Monday.",
        "Fighting spread across Kirkuk province.",
        "Police in the city of Kirkuk said two died.",
        "Convoys left Kirkuk, Iraq, at dawn.",
        "KIRKUK AND ERBIL SIGN OIL DEAL",
        "Aid reached Erbil. Erbil governorate officials welcomed it.",
        "Residents near Jordan said the Jordan river was low.",
        "Georgia said Georgia's capital, Tbilisi, was calm.",
    ];
    let describe = |parser: &Geoparser, text: &str| -> String {
        let places = parser.places(text);
        places.iter().map(|p| format!("{} {:?} {:?}\n", p.surface, p.place.map(|pl| pl.id), p.score)).collect()
    };
    // Each with a resolver of its own first (a new resolver empties the
    // thread's memo), then all with one resolver in turn, which memoises.
    let fresh: Vec<String> =
        texts.iter().map(|t| describe(&Geoparser::new(Gazetteer::embedded(), Options::default()), t)).collect();
    let warm = Geoparser::new(Gazetteer::embedded(), Options::default());
    for round in 0..2 {
        for (t, want) in texts.iter().zip(&fresh) {
            assert_eq!(&describe(&warm, t), want, "round {round}: {t}");
        }
    }
}
