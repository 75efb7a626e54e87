//! `geoevent eval` on a tiny benchmark written for the test.

use crate::util::{geoevent, scratch};

#[test]
fn scores_a_small_benchmark() {
    let dir = scratch();
    let doc = serde_json::json!({
        "doc_id": "t1",
        "text": "Fighting in Mosul spread to Kirkuk.",
        "toponyms": [
            {"start": 12, "end": 17, "phrase": "Mosul", "lat": 36.335, "lon": 43.11889},
            {"start": 28, "end": 34, "phrase": "Kirkuk", "lat": 35.46806, "lon": 44.39222},
            {"start": 0, "end": 8, "phrase": "Fighting"}
        ]
    });
    std::fs::write(dir.path().join("b.jsonl"), format!("{doc}\n")).expect("write");
    let out = geoevent(&dir).args(["eval", "--json", "--gold", "b.jsonl"]).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(m["gold"], 3);
    assert_eq!(m["matched"], 2);
    assert_eq!(m["precision"], 1.0);
    assert_eq!(m["acc_161"], 1.0);
    assert!((m["recall"].as_f64().unwrap_or(0.0) - 2.0 / 3.0).abs() < 1e-9);
}
