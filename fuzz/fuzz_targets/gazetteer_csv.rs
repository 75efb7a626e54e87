//! Arbitrary bytes as a gazetteer CSV: read it, compile the good rows, and
//! check that every row is a place that its own name finds.
#![no_main]

use geoevent::Gazetteer;
use geoevent::gazetteer::normalize::name_key;
use geoevent::gazetteer::record::read_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (rows, _errors) = read_csv(data);
    if rows.is_empty() {
        return;
    }
    let g = match Gazetteer::from_records(&rows, "fuzz") {
        Ok(g) => g,
        Err(e) => panic!("read_csv accepted {} rows that from_records rejects: {e}", rows.len()),
    };
    assert_eq!(g.len(), rows.len());
    for (i, row) in rows.iter().enumerate() {
        let p = g.place(i as u32).unwrap_or_else(|| panic!("place({i}) is None for row {row:?}"));
        assert_eq!(p.id, row.id, "place({i}) id");
        assert_eq!(p.name, row.name, "place({i}) name");
        let key = name_key(&row.name);
        if key.is_empty() {
            continue;
        }
        let found = g.lookup(key.as_bytes());
        assert!(
            found.postings().any(|post| post.place == i as u32),
            "lookup({key:?}) does not find row {i} {row:?}"
        );
    }
});
