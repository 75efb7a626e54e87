//! `geoevent gazetteer check|build|info` and the GeoNames loaders.

use crate::util::{data, features, geoevent, scratch};

#[test]
fn check_reports_every_bad_row_with_file_and_line() {
    let dir = scratch();
    let out = geoevent(&dir).args(["gazetteer", "check"]).arg(data("bad_gazetteer.csv")).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let expect = [
        ":3: name must not be empty",
        ":4: lat must be in [-90, 90], found 123.4",
        ":5: lon must be a number, found \"east\"",
        ":6: lat must be in [-90, 90], found NaN",
        ":7: duplicate id \"t:1\"",
        ":8: expected 10 columns, found 3",
        ":9: kind must be one of",
        ":10: population must be a whole number or empty, found \"many\"",
    ];
    assert_eq!(lines.len(), expect.len(), "{stdout}");
    for (l, e) in lines.iter().zip(expect) {
        assert!(l.contains("bad_gazetteer.csv") && l.contains(e), "{l:?} should contain {e:?}");
    }
}

#[test]
fn check_accepts_the_shipped_gazetteer() {
    let dir = scratch();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    geoevent(&dir).args(["gazetteer", "check"]).arg(root.join("gazetteer.csv")).assert().success().stdout("");
}

#[test]
fn geonames_dump_with_admin1_and_country_info() {
    let dir = scratch();
    let out = geoevent(&dir)
        .args(["places", "--gazetteer"])
        .arg(data("geonames_sample.txt"))
        .arg("--gazetteer")
        .arg(data("admin1_sample.txt"))
        .arg("--gazetteer")
        .arg(data("country_sample.txt"))
        .write_stdin("Iraq said troops left Falluja for Baghdad.")
        .output()
        .expect("runs");
    // The dump's broken row (latitude 95) is reported, the rest is used.
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("geonames_sample.txt:3: latitude must be in [-90, 90], found 95.0"), "{stderr}");
    let fs = features(&out.stdout);
    let got: Vec<(String, String, String)> = fs
        .iter()
        .map(|f| {
            let p = &f["properties"];
            (
                p["mention"].as_str().unwrap_or("").into(),
                p["place_id"].as_str().unwrap_or("").into(),
                p["admin1"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("Iraq".into(), "gn:99237".into(), "".into()),
            ("Falluja".into(), "gn:99454".into(), "Al Anbar".into()),
            ("Baghdad".into(), "gn:98182".into(), "Baghdad".into()),
        ]
    );
}

#[test]
fn build_writes_an_index_that_loads() {
    let dir = scratch();
    geoevent(&dir).args(["gazetteer", "build", "-o", "mini.idx"]).arg(data("mini_gazetteer.csv")).assert().success();
    let out = geoevent(&dir)
        .args(["places", "--gazetteer", "mini.idx"])
        .write_stdin("Reports from Testland and Testabad.")
        .output()
        .expect("runs");
    assert!(out.status.success());
    assert_eq!(features(&out.stdout).len(), 2);
    geoevent(&dir).args(["gazetteer", "check", "mini.idx"]).assert().success();
}

#[test]
fn unrecognised_gazetteer_file_is_a_clear_error() {
    let dir = scratch();
    std::fs::write(dir.path().join("junk.txt"), "hello world\n").expect("write");
    geoevent(&dir)
        .args(["places", "--gazetteer", "junk.txt"])
        .write_stdin("Mosul")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("junk.txt: not a gazetteer"));
}

#[test]
fn info_counts_the_embedded_gazetteer() {
    let dir = scratch();
    let out = geoevent(&dir).args(["gazetteer", "info"]).output().expect("runs");
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(s.contains("embedded gazetteer"));
    let countries: usize = s
        .lines()
        .find(|l| l.trim_start().starts_with("country"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(countries >= 240, "{s}");
}

/// An index file of the format the fuzzers ran on (`GEOEVIX2`: no checksum,
/// an 88-byte header, a first-token filter where the word table is now)
/// rewritten in the current format with a valid checksum and an empty word
/// table, so that loading it exercises the full validation, not just the
/// checksum.
fn upgrade(v2: &[u8]) -> Vec<u8> {
    use geoevent::gazetteer::build::HEADER_LEN;
    if v2.len() < 88 {
        return v2.to_vec();
    }
    let shift = (HEADER_LEN - 88) as u64;
    let mut out = Vec::with_capacity(v2.len() + 8);
    out.extend_from_slice(geoevent::gazetteer::build::MAGIC);
    out.extend_from_slice(&v2[8..16]);
    for i in 0..9 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&v2[16 + 8 * i..24 + 8 * i]);
        let v = u64::from_le_bytes(w);
        // Offsets (even-numbered fields but the lengths) move with the header.
        let is_offset = matches!(i, 0 | 1 | 3 | 5 | 7);
        // The filter's length (the last field): an empty word table.
        let v = if i == 8 { 0 } else { v };
        out.extend_from_slice(&(if is_offset { v.wrapping_add(shift) } else { v }).to_le_bytes());
    }
    out.extend_from_slice(&0u64.to_le_bytes());
    out.extend_from_slice(&v2[88..]);
    let sum = geoevent::gazetteer::normalize::checksum(&out[HEADER_LEN..]);
    out[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&sum.to_le_bytes());
    out
}

/// Corrupt index files found by `fuzz/` (index_bytes, index_sections): they
/// must load or fail cleanly, and lookups must not panic.
#[test]
fn fuzzed_corrupt_indexes_do_not_panic() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut n = 0;
    for target in ["index_bytes", "index_sections"] {
        let Ok(dir) = std::fs::read_dir(root.join(target)) else { continue };
        for entry in dir.filter_map(Result::ok) {
            // (The index_sections target appended an all-ones filter; the
            // rewrite below puts an empty word table in its place.)
            let bytes = std::fs::read(entry.path()).expect("regression file");
            for candidate in [bytes.clone(), upgrade(&bytes)] {
                n += 1;
                if let Ok(g) = geoevent::Gazetteer::from_index_bytes(candidate, "fuzz") {
                    for p in g.places().take(50) {
                        let _ = g.find(p.name);
                    }
                    for name in ["Mosul", "a", "", "Al Qaim"] {
                        let _ = g.find(name);
                        let _ = g.lookup(name.as_bytes());
                    }
                    let parser = geoevent::Geoparser::new(&g, geoevent::Options::default());
                    let _ = parser.places("Fighting in Mosul and Al Qaim, near a village.");
                }
            }
        }
    }
    assert!(n > 0, "no regression inputs found");
}

/// A place whose name is not UTF-8 in an index with a valid checksum reads
/// as missing, every time (places are checked once and remembered as good).
#[test]
fn a_place_with_a_broken_string_reads_as_missing() {
    let dir = scratch();
    geoevent(&dir).args(["gazetteer", "build", "-o", "mini.idx"]).arg(data("mini_gazetteer.csv")).assert().success();
    let mut bytes = std::fs::read(dir.path().join("mini.idx")).expect("index");
    let header = geoevent::gazetteer::build::HEADER_LEN;
    let at = bytes.windows(8).position(|w| w == b"Testabad").expect("name in the index");
    bytes[at + 1] = 0xff;
    let sum = geoevent::gazetteer::normalize::checksum(&bytes[header..]);
    bytes[header - 8..header].copy_from_slice(&sum.to_le_bytes());
    let g = geoevent::Gazetteer::from_index_bytes(bytes, "broken").expect("loads: only a string is broken");
    let read = || (0..g.len() as u32).map(|i| g.place(i).map(|p| p.name.to_string())).collect::<Vec<_>>();
    let first = read();
    assert!(first.contains(&None), "the broken place reads as missing");
    assert!(first.contains(&Some("Testland".to_string())), "the others read as before");
    assert_eq!(read(), first, "and again the same");
}

#[test]
fn a_corrupted_index_file_is_a_clear_error() {
    let dir = scratch();
    geoevent(&dir).args(["gazetteer", "build", "-o", "mini.idx"]).arg(data("mini_gazetteer.csv")).assert().success();
    let path = dir.path().join("mini.idx");
    let good = std::fs::read(&path).expect("index");
    let field = |i: usize| u64::from_le_bytes(good[16 + 8 * i..24 + 8 * i].try_into().expect("8 bytes")) as usize;
    // A damaged name index (the section lookups trust) fails to load.
    let mut bytes = good.clone();
    bytes[field(5) + field(6) / 2] ^= 0x55;
    std::fs::write(&path, &bytes).expect("write");
    geoevent(&dir)
        .args(["places", "--gazetteer", "mini.idx"])
        .write_stdin("Testland")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("mini.idx: checksum mismatch in the name index"));
    // Damage elsewhere (in the middle of the strings, or of the word table)
    // loads, as loading reads no more than the name index (a damaged word
    // reads as missing or as other candidates, never as a crash), but
    // `gazetteer check` finds it.
    for at in [field(1) + field(2) / 2, field(7) + field(8) / 2] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x55;
        std::fs::write(&path, &bytes).expect("write");
        geoevent(&dir).args(["places", "--gazetteer", "mini.idx"]).write_stdin("Testland").assert().success();
        geoevent(&dir)
            .args(["gazetteer", "check", "mini.idx"])
            .assert()
            .code(2)
            .stderr(predicates::str::contains("checksum mismatch"));
    }
    let mut bytes = good.clone();
    bytes.truncate(bytes.len() - 100);
    std::fs::write(&path, &bytes).expect("write");
    geoevent(&dir).args(["places", "--gazetteer", "mini.idx"]).write_stdin("x").assert().code(2);
}

mod first_word {
    use geoevent::Gazetteer;
    use geoevent::gazetteer::{Lookup, Posting, loose_index_key, normalize};
    use proptest::prelude::*;

    fn seen(l: &Lookup<'_>) -> (bool, Vec<Posting>) {
        (l.is_prefix, l.postings().collect())
    }

    /// `first_word` (memoised, from the word table) says what looking up the word's
    /// folded key and its loose form says, on a miss and on a hit.
    fn agrees(word: &str) {
        let g = Gazetteer::embedded();
        let key = normalize::fold_token(word);
        let mut loose = Vec::new();
        loose_index_key(&key, &mut loose);
        for _ in 0..2 {
            let w = g.first_word(word);
            if key.is_empty() {
                assert!(!w.starts_names(), "{word}");
                continue;
            }
            // The embedded index is small: every value is kept.
            let kept = |loose| g.first_lookup(&w, loose).expect("a kept index value");
            assert_eq!(seen(&kept(false)), seen(&g.lookup(key.as_bytes())), "{word}");
            assert_eq!(seen(&kept(true)), seen(&g.lookup(&loose)), "{word}");
        }
    }

    #[test]
    fn place_words_in_any_case() {
        for w in
            ["Mosul", "MOSUL", "mosul", "Fallūjah", "Makhmour", "Al", "New", "U.S.", "Qa'im", "Hit", "the", "Zzyzx"]
        {
            agrees(w);
        }
    }

    proptest! {
        #[test]
        fn any_word(word in "[A-Za-zāū'.]{1,12}") {
            agrees(&word);
        }
    }
}

#[test]
fn a_country_without_its_capital_in_the_dumps_is_a_note_not_a_failure() {
    let dir = scratch();
    // The sample dump without its broken row, and country info that also
    // lists Syria, whose capital the dump does not have.
    let dump: String = std::fs::read_to_string(data("geonames_sample.txt"))
        .expect("dump")
        .lines()
        .filter(|l| !l.contains("Broken Place"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("dump.txt"), dump).expect("write");
    let info = std::fs::read_to_string(data("country_sample.txt")).expect("info");
    let syria = "SY\tSYR\t760\tSY\tSyria\tDamascus\t185180\t22198110\tAS\t.sy\tSYP\tPound\t963\t\t\tar-SY\t163843\tIQ,JO,IL,TR,LB\t\n";
    std::fs::write(dir.path().join("countryInfo.txt"), format!("{info}{syria}")).expect("write");
    let out = geoevent(&dir)
        .args(["gazetteer", "build", "dump.txt", "countryInfo.txt", "-o", "g.idx"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("geoevent: note: countryInfo.txt:4: country SY left out"), "{stderr}");
    assert!(!stderr.contains("warning"), "{stderr}");
    // Iraq is placed at Baghdad; the index serves `places` with no failure.
    let out = geoevent(&dir)
        .args(["places", "--gazetteer", "g.idx"])
        .write_stdin("Iraq said troops left Al Fallujah for Baghdad.")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let ids: Vec<String> = features(&out.stdout).iter().map(|f| f["properties"]["place_id"].to_string()).collect();
    assert_eq!(ids, [r#""gn:99237""#, r#""gn:99454""#, r#""gn:98182""#]);
    // The same files loaded directly: a note again, and success.
    let out = geoevent(&dir)
        .args(["places", "--gazetteer", "dump.txt", "--gazetteer", "countryInfo.txt"])
        .write_stdin("Baghdad")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// A dump row in the 19 GeoNames columns, in Iraq: id, name, lat, lon,
/// feature class and code, admin1 code, population.
fn dump_row([id, name, lat, lon, class, code, admin1, pop]: [&str; 8]) -> String {
    format!(
        "{id}\t{name}\t{name}\t\t{lat}\t{lon}\t{class}\t{code}\tIQ\t\t{admin1}\t\t\t\t{pop}\t\t\tAsia/Baghdad\t2024-01-01\n"
    )
}

#[test]
fn a_dump_from_a_pipe_is_read_whole_and_names_its_divisions() {
    let dir = scratch();
    // The division's own row comes after the city that lies in it: the
    // dump is read twice, so the city still gets the division's name.
    let dump = dump_row(["99454", "Al Fallujah", "33.35", "43.78", "P", "PPLA2", "01", "190159"])
        + &dump_row(["99592", "Al Anbar", "32.55", "41.92", "A", "ADM1", "01", "1561407"]);
    // A pipe (standard input) cannot be read twice: it is read into memory,
    // also for recognising its format.
    geoevent(&dir)
        .args(["gazetteer", "build", "/dev/stdin", "-o", "g.idx"])
        .write_stdin(dump.clone())
        .assert()
        .success()
        .stderr(predicates::str::contains("g.idx: 2 places"));
    let out = geoevent(&dir)
        .args(["places", "--gazetteer", "g.idx"])
        .write_stdin("Troops left Al Fallujah on Monday.")
        .output()
        .expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let fs = features(&out.stdout);
    assert_eq!(fs.len(), 1);
    assert_eq!(fs[0]["properties"]["admin1"], "Al Anbar");
    assert_eq!(fs[0]["properties"]["place_id"], "gn:99454");
    // An index from a pipe is read into memory (and checked whole).
    std::fs::write(dir.path().join("report.txt"), "Troops left Al Fallujah on Monday.").expect("write");
    let index = std::fs::read(dir.path().join("g.idx")).expect("index");
    let piped = geoevent(&dir)
        .args(["places", "--gazetteer", "/dev/stdin", "report.txt"])
        .write_stdin(index)
        .output()
        .expect("runs");
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    assert_eq!(features(&piped.stdout)[0]["properties"]["admin1"], "Al Anbar");
    geoevent(&dir)
        .args(["gazetteer", "check", "/dev/stdin"])
        .write_stdin(dump)
        .assert()
        .success()
        .stderr(predicates::str::contains("/dev/stdin: 2 good row(s), 0 problem(s)"));
}

/// What the resolver scores (a place's facts, read from its record) says
/// what the whole place says, for every place of the embedded gazetteer; and
/// names compared by string-table offset compare as the strings do.
#[test]
fn facts_agree_with_places_and_offsets_compare_as_strings() {
    use std::collections::HashMap;
    let g = geoevent::Gazetteer::embedded();
    // The string of each offset, and the offset of each string.
    let (mut text_of, mut offset_of) = (HashMap::new(), HashMap::new());
    for i in 0..g.len() as u32 {
        let (p, f) = (g.place(i).expect("place"), g.facts(i).expect("facts"));
        assert_eq!((f.index, f.kind, f.country_str(), f.population), (p.index, p.kind, p.country, p.population));
        assert_eq!((f.lon, f.lat), (p.lon, p.lat));
        for (off, text) in [(f.name, p.name), (f.admin1, p.admin1)] {
            assert_eq!(*text_of.entry(off).or_insert(text), text, "offset {off} holds two strings");
            assert_eq!(*offset_of.entry(text).or_insert(off), off, "{text:?} is stored twice");
            assert_eq!(g.is_empty_string(off), text.is_empty());
        }
    }
    assert!(g.facts(g.len() as u32).is_none());
}

/// An index written by an older geoevent is named as such, with what to do.
#[test]
fn an_index_of_another_format_says_to_build_it_again() {
    let dir = scratch();
    let mut old = b"GEOEVIX3".to_vec();
    old.extend_from_slice(&[0u8; 200]);
    std::fs::write(dir.path().join("old.idx"), &old).expect("write");
    geoevent(&dir)
        .args(["places", "--gazetteer", "old.idx"])
        .write_stdin("Mosul")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("old.idx: a geoevent index of another format (GEOEVIX3"))
        .stderr(predicates::str::contains("geoevent gazetteer build"));
}
