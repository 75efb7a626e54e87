//! What bad input does: a clear message naming the file (and line or byte),
//! a non-zero exit when something was wrong, the rest of the batch
//! processed, and never a panic or a half-written output file.

use std::io::Read;
use std::process::Stdio;

use crate::util::{data, features, geoevent, scratch};

fn no_panic(stderr: &[u8]) {
    let s = String::from_utf8_lossy(stderr);
    assert!(!s.contains("panicked") && !s.contains("RUST_BACKTRACE"), "panic: {s}");
}

#[test]
fn invalid_utf8_is_replaced_reported_with_its_byte_and_processed() {
    let dir = scratch();
    let mut bytes = b"Clashes in Mosul.\n".to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe, b' ', 0]);
    bytes.extend_from_slice(b"\nShelling hit Kirkuk.\n");
    std::fs::write(dir.path().join("bad.txt"), &bytes).expect("write");
    let out = geoevent(&dir).args(["places", "bad.txt"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad.txt:2: invalid UTF-8 at byte 18"), "{stderr}");
    let names: Vec<String> =
        features(&out.stdout).iter().map(|f| f["properties"]["mention"].as_str().unwrap_or("").into()).collect();
    assert_eq!(names, ["Mosul", "Kirkuk"]);
    no_panic(&out.stderr);
}

#[test]
fn empty_file_gives_an_empty_collection() {
    let dir = scratch();
    std::fs::write(dir.path().join("empty.txt"), "").expect("write");
    let out = geoevent(&dir).args(["places", "empty.txt"]).output().expect("runs");
    assert!(out.status.success());
    assert!(features(&out.stdout).is_empty());
    let out = geoevent(&dir).args(["extract", "empty.txt"]).output().expect("runs");
    assert!(out.status.success());
    assert!(features(&out.stdout).is_empty());
}

#[test]
fn missing_file_in_a_batch_is_named_and_the_rest_processed() {
    let dir = scratch();
    std::fs::write(dir.path().join("good.txt"), "Fighting in Homs.").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink("nowhere.txt", dir.path().join("dangling.txt")).expect("symlink");
    let out = geoevent(&dir).args(["places", "missing.txt", "dangling.txt", "good.txt"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("missing.txt: No such file or directory"), "{stderr}");
    assert!(stderr.contains("dangling.txt"), "{stderr}");
    assert_eq!(features(&out.stdout).len(), 1);
}

#[test]
fn unreadable_file_in_a_directory() {
    let dir = scratch();
    let docs = dir.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir");
    std::fs::write(docs.join("a.txt"), "Fighting in Homs.").expect("write");
    std::fs::write(docs.join("b.txt"), "Fighting in Hama.").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(docs.join("b.txt"), std::fs::Permissions::from_mode(0o000)).expect("chmod");
        std::os::unix::fs::symlink("gone.txt", docs.join("c.txt")).expect("symlink");
    }
    let out = geoevent(&dir).args(["places", "docs"]).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Root reads mode-000 files anyway; the dangling link is always bad.
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("c.txt"), "{stderr}");
    if std::fs::read(docs.join("b.txt")).is_err() {
        assert!(stderr.contains("b.txt: Permission denied"), "{stderr}");
    }
    assert!(!features(&out.stdout).is_empty());
    no_panic(&out.stderr);
}

#[test]
fn malformed_ndjson_lines_are_reported_by_line() {
    let dir = scratch();
    let mut lines = b"{\"id\":\"1\",\"text\":\"Clashes in Mosul.\"}\nnot json\n{\"id\":2}\n{\"id\":[1],\"text\":\"x\"}\n{\"text\":\"Fighting in Raqqa.\"}\n".to_vec();
    // Line 6: a byte that is not UTF-8, in the text and outside it.
    lines.extend_from_slice(
        b"{\"text\":\"Shelling in Homs \xff.\"}\n{\"text\":\"Aid reached Aleppo.\", \"x\": \"\xc3\"}\n",
    );
    std::fs::write(dir.path().join("a.ndjson"), lines).expect("write");
    let out = geoevent(&dir).args(["places", "a.ndjson"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("a.ndjson:2: not a JSON article object"), "{stderr}");
    assert!(stderr.contains("a.ndjson:3: article has no \"text\" string field"), "{stderr}");
    assert!(stderr.contains("a.ndjson:4: \"id\" must be a string or number"), "{stderr}");
    assert!(stderr.contains("a.ndjson:6: not a JSON article object: invalid UTF-8"), "{stderr}");
    assert!(stderr.contains("a.ndjson:7: not a JSON article object: invalid UTF-8"), "{stderr}");
    let ids: Vec<String> =
        features(&out.stdout).iter().map(|f| f["properties"]["doc_id"].as_str().unwrap_or("").into()).collect();
    assert_eq!(ids, ["1", "a:5"]);
}

#[test]
fn bad_gazetteer_rows_are_warnings_and_the_good_rows_load() {
    let dir = scratch();
    let out = geoevent(&dir)
        .args(["places", "--gazetteer"])
        .arg(data("bad_gazetteer.csv"))
        .write_stdin("Visitors came to Good Place.")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("bad_gazetteer.csv:4: lat must be in [-90, 90], found 123.4"), "{stderr}");
    assert!(stderr.contains("bad_gazetteer.csv:7: duplicate id \"t:1\""), "{stderr}");
    no_panic(&out.stderr);
}

#[test]
fn unknown_and_conflicting_options_exit_2() {
    let dir = scratch();
    let out = geoevent(&dir).args(["places", "--frobnicate"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unexpected argument '--frobnicate'"));
    let out = geoevent(&dir).args(["places", "--ndjson", "--text"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be used with"));
    let out = geoevent(&dir).args(["places", "--bbox", "10,50,20,40"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("south <= north"));
    let out = geoevent(&dir).args(["extract", "--dedup-km", "5"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2), "--dedup-km needs --dedup");
}

#[test]
fn output_in_a_missing_directory_is_an_error_and_leaves_nothing() {
    let dir = scratch();
    std::fs::write(dir.path().join("in.txt"), "Fighting in Homs.").expect("write");
    let out = geoevent(&dir).args(["places", "in.txt", "-o", "no/such/dir/out.geojson"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no/such/dir/out.geojson"));
    std::fs::write(dir.path().join("afile"), "x").expect("write");
    let out = geoevent(&dir).args(["places", "in.txt", "-o", "afile/out.geojson"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    no_panic(&out.stderr);
}

#[test]
fn a_failed_run_keeps_the_previous_output() {
    let dir = scratch();
    std::fs::write(dir.path().join("in.txt"), "Fighting in Homs.").expect("write");
    geoevent(&dir).args(["places", "in.txt", "-o", "out.geojson"]).assert().success();
    let before = std::fs::read(dir.path().join("out.geojson")).expect("output");
    // An unreadable gazetteer fails the run before anything is written.
    let out = geoevent(&dir)
        .args(["places", "in.txt", "-o", "out.geojson", "--gazetteer", "nope.csv"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(dir.path().join("out.geojson")).expect("output"), before);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".geoevent-"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn full_disk_on_stdout_is_an_error() {
    let dir = scratch();
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else { return };
    std::fs::write(dir.path().join("in.txt"), "Fighting in Homs. ".repeat(5000)).expect("write");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin!("geoevent"))
        .args(["places", "in.txt"])
        .current_dir(dir.path())
        .stdout(full)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("No space left on device"), "{stderr}");
    no_panic(&out.stderr);
}

#[test]
fn closed_stdout_exits_quietly() {
    let dir = scratch();
    let input = "Fighting in Homs and Hama. ".repeat(20000);
    std::fs::write(dir.path().join("in.txt"), input).expect("write");
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin!("geoevent"));
    cmd.args(["places", "--format", "ndjson", "in.txt"]).current_dir(dir.path());
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("spawn");
    let mut first = [0u8; 64];
    child.stdout.as_mut().expect("stdout").read_exact(&mut first).expect("some output");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stderr.is_empty(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn output_is_deterministic() {
    let dir = scratch();
    let run = || geoevent(&dir).args(["extract"]).arg(data("events_reports.ndjson")).output().expect("runs").stdout;
    assert_eq!(run(), run());
}
