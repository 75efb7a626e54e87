//! Compiles `gazetteer.csv` into the binary index embedded in geoevent, with
//! the same code the library uses to build indexes at run time.

use std::path::PathBuf;

#[path = "src/gazetteer/build.rs"]
#[allow(dead_code)]
mod build;
#[path = "src/gazetteer/normalize.rs"]
#[allow(dead_code)]
mod normalize;
#[path = "src/gazetteer/record.rs"]
#[allow(dead_code)]
mod record;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let csv = manifest.join("gazetteer.csv");
    println!("cargo::rerun-if-changed=gazetteer.csv");
    println!("cargo::rerun-if-changed=src/gazetteer/normalize.rs");
    println!("cargo::rerun-if-changed=src/gazetteer/record.rs");
    println!("cargo::rerun-if-changed=src/gazetteer/build.rs");
    let file = std::fs::File::open(&csv).unwrap_or_else(|e| panic!("{}: {e}", csv.display()));
    let (rows, errors) = record::read_csv(std::io::BufReader::new(file));
    if !errors.is_empty() {
        for e in errors.iter().take(20) {
            eprintln!("gazetteer.csv:{e}");
        }
        panic!("gazetteer.csv has {} bad row(s); run `geoevent gazetteer check gazetteer.csv`", errors.len());
    }
    let bytes = build::build_index(&rows).unwrap_or_else(|e| panic!("gazetteer.csv: {e}"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("gazetteer.idx");
    std::fs::write(&out, bytes).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
