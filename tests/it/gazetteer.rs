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
