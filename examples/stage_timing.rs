//! Developer tool: time each stage of the place pipeline on an NDJSON corpus.
//! `cargo run --release --example stage_timing -- CORPUS.ndjson`; set
//! `STAGE` to `tokenize`, `match` (tokenize and match), `match-only` (on
//! tokens made beforehand) or `full` for one stage, or to `split` for
//! the baselines of the tokenizer (bare word splitting, byte by byte and by
//! 64-byte bitmasks), or to `caps` for what a pipeline that tokenised only
//! around capitalised words would start from: how fast they are found, and
//! how many tokens lie near one.

use std::time::Instant;

/// The binary's allocator, so that each stage costs here what it costs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use geoevent::matcher::{MatchOptions, Matcher};
use geoevent::swar::Classes;
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
    if std::env::var("STAGE").as_deref() == Ok("split") {
        // Baselines for the tokenizer: how fast bare word splitting can go.
        time("split-bytes", &|d| split_bytes(d));
        time("split-bitmask", &|d| split_bitmask(d));
        return;
    }
    if std::env::var("STAGE").as_deref() == Ok("caps") {
        time("caps-scan", &|d| caps_scan(d));
        let (mut all, mut near) = (0usize, 0usize);
        for d in &docs {
            let tokens = tokenize(d);
            let cap: Vec<bool> = tokens
                .iter()
                .map(|t| matches!(t.case, geoevent::text::Case::Title | geoevent::text::Case::Upper))
                .collect();
            // Within three tokens before a capitalised word (cues, titles)
            // or two after it (name continuations, "province", "media").
            all += tokens.len();
            near +=
                (0..tokens.len()).filter(|&i| (i.saturating_sub(2)..(i + 4).min(tokens.len())).any(|k| cap[k])).count();
        }
        println!("tokens near a capitalised word: {near} of {all} ({:.1}%)", 100.0 * near as f64 / all as f64);
        return;
    }
    if std::env::var("STAGE").as_deref() == Ok("tokenize") {
        time("tokenize", &|d| tokenize(d).len());
        return;
    }
    if std::env::var("STAGE").as_deref() == Ok("full") {
        time("full", &|d| parser.places(d).len());
        return;
    }
    if std::env::var("STAGE").as_deref() == Ok("match-only") {
        // The matcher alone, on tokens made beforehand.
        let tokens: Vec<_> = docs.iter().map(|d| tokenize(d)).collect();
        let s = Instant::now();
        let mut n = 0;
        for _ in 0..3 {
            for (d, t) in docs.iter().zip(&tokens) {
                n += matcher.find(d, t).len();
            }
        }
        let t = s.elapsed().as_secs_f64() / 3.0;
        println!("{:<12} {:>7.1} MB/s  ({n} items)", "match-only", mb / t);
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

/// Runs of ASCII letters and digits, found a byte at a time: the number of
/// words.
fn split_bytes(text: &str) -> usize {
    let b = text.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::with_capacity(b.len() / 5);
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_alphanumeric() {
            i += 1;
        }
        words.push((start, i));
    }
    words.len()
}

/// The same runs, found from a bitmask of 64 bytes at a time (word starts
/// and ends are the mask's 0-1 and 1-0 transitions): the number of words.
fn split_bitmask(text: &str) -> usize {
    let b = text.as_bytes();
    let mut words: Vec<(usize, usize)> = Vec::with_capacity(b.len() / 5);
    let (mut base, mut carry, mut start) = (0, 0u64, 0);
    while base < b.len() {
        let mut mask = 0u64;
        for k in 0..8 {
            let mut w = [0u8; 8];
            let from = (base + 8 * k).min(b.len());
            let to = (from + 8).min(b.len());
            w[..to - from].copy_from_slice(&b[from..to]);
            let alnum = Classes::of(u64::from_le_bytes(w)).alnum();
            // The high bit of each byte, gathered into 8 bits.
            mask |= (((alnum >> 7) & 0x0101_0101_0101_0101).wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
        }
        let shifted = mask << 1 | carry;
        let mut edges = (mask & !shifted) | (!mask & shifted);
        while edges != 0 {
            let p = edges.trailing_zeros() as usize;
            edges &= edges - 1;
            if mask >> p & 1 == 1 {
                start = base + p;
            } else {
                words.push((start, base + p));
            }
        }
        carry = mask >> 63;
        base += 64;
    }
    if carry == 1 {
        words.push((start, b.len()));
    }
    words.len()
}

/// Starts of capitalised words (an ASCII capital after a byte that is no
/// ASCII letter or digit), and bytes beyond ASCII (which may start one), found
/// eight bytes at a time: the number found.
fn caps_scan(text: &str) -> usize {
    let b = text.as_bytes();
    let mut n = 0;
    let mut prev_alnum = 0u64; // the letter-or-digit mask of the previous eight bytes
    let mut i = 0;
    while i + 8 <= b.len() {
        let w = u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or([0; 8]));
        let c = Classes::of(w);
        let alnum = c.alnum();
        // Whether the byte before each byte is a letter or digit: the mask
        // shifted up one byte, with the last of the previous eight carried in.
        let before = alnum << 8 | prev_alnum >> 56;
        let starts = (c.upper & !before) | (w & 0x8080_8080_8080_8080);
        n += starts.count_ones() as usize;
        prev_alnum = alnum;
        i += 8;
    }
    n + b[i..].iter().filter(|c| c.is_ascii_uppercase() || **c >= 0x80).count()
}
