//! Throughput of the place pipeline, in bytes of news text per second, on
//! one core, with the embedded gazetteer.
//!
//! The corpus is the fixture reports in tests/data, repeated to 1 MiB; set
//! `GEOEVENT_BENCH_CORPUS` to an NDJSON file of articles (`{"text": ...}` a
//! line, e.g. ../shared/corpus/seeds/seeds.ndjson or a benchmark JSONL) to
//! measure on other text.

use std::path::PathBuf;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use geoevent::{Gazetteer, Geoparser, Options};

fn corpus() -> Vec<String> {
    if let Some(path) = std::env::var_os("GEOEVENT_BENCH_CORPUS") {
        let text = std::fs::read_to_string(&path).expect("corpus file");
        return text
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v["text"].as_str().map(String::from))
            .collect();
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let docs: Vec<String> = ["report_makhmour.txt", "report_anbar.txt", "headline_caps.txt"]
        .iter()
        .map(|f| std::fs::read_to_string(dir.join(f)).expect("fixture"))
        .collect();
    let mut out = Vec::new();
    let mut size = 0;
    while size < 1 << 20 {
        for d in &docs {
            size += d.len();
            out.push(d.clone());
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let gazetteer = Gazetteer::embedded();
    let parser = Geoparser::new(gazetteer, Options::default());
    let mut group = c.benchmark_group("places");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("embedded_gazetteer", |b| {
        b.iter(|| {
            let mut n = 0;
            for d in &docs {
                n += parser.places(d).len();
            }
            n
        })
    });
    group.finish();
    c.bench_function("load_embedded_gazetteer_index", |b| {
        b.iter(|| {
            // What start-up does: map and check the embedded index.
            geoevent::gazetteer::Gazetteer::from_index_bytes(embedded_copy(), "bench").map(|g| g.len())
        })
    });
}

fn embedded_copy() -> Vec<u8> {
    static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
    BYTES.get_or_init(|| geoevent::gazetteer::embedded_index_bytes().to_vec()).clone()
}

criterion_group!(benches, bench);
criterion_main!(benches);
