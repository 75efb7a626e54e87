//! The progress bar: drawn on a terminal, silent otherwise and with --quiet.
//!
//! The terminal is a pseudo-terminal from util-linux `script(1)`.

use crate::util::{data, scratch};

/// Run geoevent under a pseudo-terminal; returns what the terminal showed.
fn on_a_terminal(args: &str) -> String {
    let dir = scratch();
    let bin = assert_cmd::cargo::cargo_bin!("geoevent");
    let input = dir.path().join("many.ndjson");
    let reports = std::fs::read_to_string(data("events_reports.ndjson")).expect("reports");
    std::fs::write(&input, reports.repeat(200)).expect("write");
    let cmd =
        format!("{} places {args} -o {} {}", bin.display(), dir.path().join("out.geojson").display(), input.display());
    let out = std::process::Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .output()
        .expect("script(1) from util-linux is needed for this test");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.path().join("out.geojson").exists());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn progress_bar_on_a_terminal() {
    let screen = on_a_terminal("-j 2");
    assert!(screen.contains(" documents "), "{screen:?}");
    assert!(screen.contains("B/s"), "a rate: {screen:?}");
    assert!(screen.contains("ETA"), "{screen:?}");
    let last = screen.rsplit('\r').next().unwrap_or_default();
    assert!(last.contains("600 documents"), "every document counted: {last:?}");
}

#[test]
fn quiet_on_a_terminal_and_silent_on_a_pipe() {
    let screen = on_a_terminal("--quiet");
    assert!(!screen.contains("documents"), "{screen:?}");
    let dir = scratch();
    let out = crate::util::geoevent(&dir).arg("places").arg(data("events_reports.ndjson")).output().expect("runs");
    assert!(out.status.success());
    assert!(out.stderr.is_empty(), "no progress on a pipe: {:?}", String::from_utf8_lossy(&out.stderr));
}
