//! Compiles `gazetteer.csv` into the binary index embedded in geoevent, with
//! the same code the library uses to build indexes at run time.

use std::path::{Path, PathBuf};

#[path = "src/gazetteer/build.rs"]
#[allow(dead_code)]
mod build;
#[path = "src/gazetteer/normalize.rs"]
#[allow(dead_code)]
mod normalize;
#[path = "src/gazetteer/record.rs"]
#[allow(dead_code)]
mod record;
#[path = "src/swar.rs"]
#[allow(dead_code)]
mod swar;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let csv = manifest.join("gazetteer.csv");
    println!("cargo::rerun-if-changed=gazetteer.csv");
    println!("cargo::rerun-if-changed=src/gazetteer/normalize.rs");
    println!("cargo::rerun-if-changed=src/gazetteer/record.rs");
    println!("cargo::rerun-if-changed=src/gazetteer/build.rs");
    println!("cargo::rerun-if-changed=src/swar.rs");
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
    map_assets(&manifest, out.parent().expect("OUT_DIR"));
}

/// The third-party files `geoevent map` inlines into its page, from the npm
/// packages of `web/package-lock.json` (`npm ci --prefix web`), with the
/// name they get in `OUT_DIR`.
const MAP_ASSETS: [(&str, &str); 7] = [
    ("leaflet/dist/leaflet.js", "leaflet.js"),
    ("leaflet/dist/leaflet.css", "leaflet.css"),
    ("leaflet/LICENSE", "leaflet.LICENSE"),
    ("topojson-client/dist/topojson-client.min.js", "topojson-client.js"),
    ("topojson-client/LICENSE", "topojson-client.LICENSE"),
    ("world-atlas/countries-110m.json", "countries-110m.json"),
    ("world-atlas/LICENSE", "world-atlas.LICENSE"),
];

/// Copy the map page's assets from `web/node_modules` into `out_dir` and set
/// the `geoevent_map_assets` cfg when they are all there. Without them the
/// build still succeeds, and `geoevent map` says how to get them.
fn map_assets(manifest: &Path, out_dir: &Path) {
    println!("cargo::rustc-check-cfg=cfg(geoevent_map_assets)");
    let modules = manifest.join("web/node_modules");
    // A directory is watched recursively, and `npm ci` recreates every
    // directory in node_modules; before it runs, creating node_modules
    // changes `web`.
    if modules.is_dir() {
        println!("cargo::rerun-if-changed=web/node_modules");
    } else {
        println!("cargo::rerun-if-changed=web");
    }
    if !MAP_ASSETS.iter().all(|(from, _)| modules.join(from).is_file()) {
        return;
    }
    for (from, to) in MAP_ASSETS {
        let src = modules.join(from);
        let mut text = std::fs::read_to_string(&src).unwrap_or_else(|e| panic!("{}: {e}", src.display()));
        if to.ends_with(".js") {
            // The source map is not shipped: drop the reference to it.
            text = text.lines().filter(|l| !l.starts_with("//# sourceMappingURL=")).collect::<Vec<_>>().join("\n");
        }
        // Inlined in <script> or <style>, code must not close the element.
        let lower = text.to_ascii_lowercase();
        if lower.contains("</script") || lower.contains("</style") || lower.contains("<!--") {
            panic!("{}: contains </script, </style or <!--, so it cannot be inlined in the map page", src.display());
        }
        let dest = out_dir.join(to);
        std::fs::write(&dest, text).unwrap_or_else(|e| panic!("{}: {e}", dest.display()));
    }
    println!("cargo::rustc-cfg=geoevent_map_assets");
}
