//! Shared by the index targets: load an index from bytes and use it the way
//! the CLI does (every place, lookups, the place pipeline).

use geoevent::Gazetteer;
use geoevent::Geoparser;
use geoevent::gazetteer::normalize::{loose_key, name_key};

/// Write the body checksum into the header, so that mutations reach the
/// structure behind it (an unfixed checksum would reject nearly every input).
pub fn fix_checksum(bytes: &mut [u8]) {
    use geoevent::gazetteer::build::HEADER_LEN;
    if bytes.len() >= HEADER_LEN {
        let sum = geoevent::gazetteer::normalize::checksum(&bytes[HEADER_LEN..]);
        bytes[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&sum.to_le_bytes());
    }
}

/// Load `bytes` as an index; when it loads, read every place and look
/// names up. Must never panic.
pub fn exercise(bytes: Vec<u8>) {
    let Ok(g) = Gazetteer::from_index_bytes(bytes, "fuzz") else { return };
    let n = g.places().count();
    assert!(n <= g.len());
    let _ = g.place(g.len() as u32);
    let mut names: Vec<String> = Vec::new();
    for p in g.places().take(32) {
        let _ = g.country(p.country);
        let _ = g.admin1(p.country, p.admin1);
        names.push(p.name.to_string());
        for alt in g.alt_names(p.index).unwrap_or("").split('|').take(4) {
            names.push(alt.to_string());
        }
    }
    for fixed in ["Baghdad", "Mosul", "al Qaim", "A", "", "\u{1}", "Iraq"] {
        names.push(fixed.to_string());
    }
    let mut buf = Vec::new();
    for name in &names {
        let key = name_key(name);
        let found = g.lookup(key.as_bytes());
        for post in found.postings() {
            let _ = g.place(post.place);
        }
        let _ = g.first_word(key.split(' ').next().unwrap_or(""));
        if let Some(l) = loose_key(&key) {
            let _ = g.lookup_loose(&l, &mut buf).postings().count();
        }
        let _ = g.find(name);
    }
    let text = format!(
        "Fighting was reported near {}, some 30 km south of {} and in {}, Iraq.",
        names.first().map(String::as_str).unwrap_or("Mosul"),
        names.get(1).map(String::as_str).unwrap_or("Baghdad"),
        names.get(2).map(String::as_str).unwrap_or("Erbil"),
    );
    let parser = Geoparser::new(&g, Default::default());
    let _ = parser.analyse(&text);
}
