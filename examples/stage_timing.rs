//! Developer tool: time each stage of the place pipeline on an NDJSON corpus.
//! `cargo run --release --example stage_timing -- CORPUS.ndjson`

use std::time::Instant;

use geoevent::matcher::{MatchOptions, Matcher};
use geoevent::text::tokenize;
use geoevent::{Gazetteer, Geoparser, Options};

fn main() {
    let path = std::env::args().nth(1).expect("usage: stage_timing CORPUS.ndjson");
    let docs: Vec<String> = std::fs::read_to_string(path)
        .expect("corpus")
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| v["text"].as_str().map(String::from))
        .collect();
    let mb = docs.iter().map(String::len).sum::<usize>() as f64 / 1e6;
    let g = Gazetteer::embedded();
    let matcher = Matcher::new(g, MatchOptions::default());
    let parser = Geoparser::new(g, Options::default());
    let time = |name: &str, f: &dyn Fn(&str) -> usize| {
        let s = Instant::now();
        let mut n = 0;
        for _ in 0..3 {
            for d in &docs {
                n += f(d);
            }
        }
        let t = s.elapsed().as_secs_f64() / 3.0;
        println!("{name:<12} {:>7.1} MB/s  ({n} items)", mb / t);
    };
    if std::env::var("STAGE").as_deref() == Ok("tokenize") {
        time("tokenize", &|d| tokenize(d).len());
        return;
    }
    if std::env::var("STAGE").as_deref() == Ok("full") {
        time("full", &|d| parser.places(d).len());
        return;
    }
    if std::env::var("STAGE").as_deref() == Ok("match") {
        time("+match", &|d| matcher.find(d, &tokenize(d)).len());
        return;
    }
    time("tokenize", &|d| tokenize(d).len());
    time("+match", &|d| matcher.find(d, &tokenize(d)).len());
    time("full", &|d| parser.places(d).len());
}
