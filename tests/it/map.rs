//! `geoevent map`.
//!
//! The page inlines Leaflet and the world-atlas countries from the npm
//! packages of `web/`, which the build embeds only when `npm ci --prefix web`
//! has been run. Without them these tests are ignored (plain `cargo test`
//! still runs everywhere); `.ci/run` installs the packages and runs them
//! with `--include-ignored`, where a build without the assets fails them.
//! The page in a real browser: `scripts/check_map_browser.sh`.

use std::path::PathBuf;

use crate::util::{data, features, geoevent, scratch};

const NO_ASSETS: &str = "built without the map assets: run `npm ci --prefix web`, then cargo test";

/// The example inputs of `out/`.
fn examples() -> [PathBuf; 2] {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    [root.join("examples/reports"), root.join("examples/wire.ndjson")]
}

/// Run `geoevent map ARGS` and return its standard output; fails clearly
/// when the binary has no map assets.
fn map(dir: &tempfile::TempDir, args: &[&std::ffi::OsStr]) -> String {
    let out = geoevent(dir).arg("map").arg("--quiet").args(args).output().expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("without the map assets"), "geoevent was {NO_ASSETS}");
    assert!(out.status.success(), "{stderr}");
    String::from_utf8(out.stdout).expect("utf-8 page")
}

/// The page of the example inputs, written with `-o`.
fn example_page(dir: &tempfile::TempDir) -> String {
    let [reports, wire] = examples();
    let stdout = map(dir, &[reports.as_os_str(), wire.as_os_str(), "-o".as_ref(), "map.html".as_ref()]);
    assert_eq!(stdout, "", "-o writes nothing to standard output");
    std::fs::read_to_string(dir.path().join("map.html")).expect("map.html written")
}

/// The JSON of `<script type="application/json" id="ID">`.
fn embedded(html: &str, id: &str) -> serde_json::Value {
    let open = format!("<script type=\"application/json\" id=\"{id}\">");
    let start = html.find(&open).unwrap_or_else(|| panic!("no {open}")) + open.len();
    let len = html[start..].find("</script>").expect("closed");
    serde_json::from_str(&html[start..start + len]).expect("embedded JSON parses")
}

/// The events `geoevent extract` gives for the same inputs.
fn extracted_events(dir: &tempfile::TempDir, inputs: &[PathBuf]) -> Vec<serde_json::Value> {
    let out = geoevent(dir).arg("extract").arg("--quiet").args(inputs).output().expect("runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    features(&out.stdout)
}

/// The markup of the page outside `<script>` elements, and each script
/// element's start tag.
fn markup_and_script_tags(html: &str) -> (String, Vec<&str>) {
    let mut markup = String::new();
    let mut tags = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find("<script") {
        markup.push_str(&rest[..at]);
        let tag_end = rest[at..].find('>').expect("tag ends") + at + 1;
        tags.push(&rest[at..tag_end]);
        let close = rest[tag_end..].find("</script>").expect("script closed") + tag_end;
        rest = &rest[close + "</script>".len()..];
    }
    markup.push_str(rest);
    (markup, tags)
}

#[test]
#[cfg_attr(not(geoevent_map_assets), ignore = "built without the map assets (npm ci --prefix web)")]
fn the_page_is_one_file_that_loads_nothing_from_outside() {
    let dir = scratch();
    let html = example_page(&dir);
    assert!(html.starts_with("<!DOCTYPE html>\n"));
    let (markup, tags) = markup_and_script_tags(&html);
    // Two JSON data blocks, Leaflet, topojson-client, the page script; none
    // with a src.
    assert_eq!(tags.len(), 5, "{tags:?}");
    assert!(tags.iter().all(|t| !t.contains("src")), "{tags:?}");
    // No stylesheet links, imports or remote images in the markup and CSS.
    for needle in ["<link", "src=", "href=", "@import", "url(http", "url(//", "<iframe", "<img"] {
        assert!(!markup.contains(needle), "the page's markup has {needle}");
    }
    assert!(!html.contains("sourceMappingURL"), "no reference to a source map that is not shipped");
    // Leaflet's and the data's licenses travel with the page.
    assert!(html.contains("BSD 2-Clause License") && html.contains("Natural Earth"));
}

#[test]
#[cfg_attr(not(geoevent_map_assets), ignore = "built without the map assets (npm ci --prefix web)")]
fn the_page_holds_every_event_and_claim_of_extract() {
    let dir = scratch();
    let html = example_page(&dir);
    let data = embedded(&html, "geoevent-data");
    let events = extracted_events(&dir, &examples());
    let located: Vec<&serde_json::Value> = events.iter().filter(|f| !f["geometry"].is_null()).collect();
    assert!(located.len() >= 10, "the examples have events: {}", located.len());
    let page_events = data["events"]["features"].as_array().expect("events");
    assert_eq!(page_events.len(), events.len());
    for (page, extracted) in page_events.iter().zip(&events) {
        assert_eq!(page["geometry"], extracted["geometry"]);
        assert_eq!(page["properties"], extracted["properties"]);
    }
    let claims = data["claims"]["features"].as_array().expect("claims");
    assert!(!claims.is_empty());
    assert!(claims.iter().all(|c| c["properties"]["stroke"].is_string() && c["geometry"]["type"] == "LineString"));
    // The legend counts the located events of each type, with the colours
    // of the features.
    let legend = data["legend_events"].as_array().expect("legend");
    let total: u64 = legend.iter().map(|e| e["count"].as_u64().expect("count")).sum();
    assert_eq!(total as usize, located.len());
    for entry in legend {
        assert!(located.iter().any(|f| f["properties"]["marker-color"] == entry["color"]), "{entry}");
    }
    assert!(html.contains(&format!("{} events on the map;", located.len())));
}

#[test]
#[cfg_attr(not(geoevent_map_assets), ignore = "built without the map assets (npm ci --prefix web)")]
fn markup_in_an_article_cannot_end_the_script_element() {
    let dir = scratch();
    let fixture = data("map_markup.ndjson");
    let html = map(&dir, &[fixture.as_os_str(), "--title".as_ref(), "Markup </title><b>".as_ref()]);
    let (_, tags) = markup_and_script_tags(&html);
    assert_eq!(tags.len(), 5, "an article's </script><script> opened no element: {tags:?}");
    assert!(!html.contains("<script>alert(1)"));
    assert!(!html.contains("a comment -->"));
    assert!(html.contains("<title>Markup &lt;/title&gt;&lt;b&gt;</title>"));
    // The text is intact once the JSON is parsed.
    let data = embedded(&html, "geoevent-data");
    let sentence = data["events"]["features"][0]["properties"]["sentence"].as_str().expect("sentence");
    assert!(sentence.contains("killing three fighters </script><script>alert(1)</script> and wounding"), "{sentence}");
    assert_eq!(data["events"]["features"][0]["properties"]["source"], "Test Wire <b>&amp;</b>");
}

#[test]
#[cfg_attr(not(geoevent_map_assets), ignore = "built without the map assets (npm ci --prefix web)")]
fn events_without_a_location_are_counted_not_drawn() {
    let dir = scratch();
    let fixture = data("map_markup.ndjson");
    let html = map(&dir, &[fixture.as_os_str()]);
    assert!(html.contains("1 event on the map, 1 without a location (not drawn); 0 distance claims"), "header");
    let data = embedded(&html, "geoevent-data");
    assert_eq!(data["legend_events"].as_array().map(Vec::len), Some(1), "only located events in the legend");
}

#[test]
#[cfg_attr(not(geoevent_map_assets), ignore = "built without the map assets (npm ci --prefix web)")]
fn the_page_is_deterministic_for_any_number_of_jobs() {
    let dir = scratch();
    let [reports, wire] = examples();
    let file = example_page(&dir);
    for jobs in ["1", "2"] {
        let stdout = map(&dir, &[reports.as_os_str(), wire.as_os_str(), "-j".as_ref(), jobs.as_ref()]);
        assert!(stdout == file, "standard output with -j {jobs} differs from the -o file");
    }
}

#[test]
#[cfg_attr(not(geoevent_map_assets), ignore = "built without the map assets (npm ci --prefix web)")]
fn tiles_replace_the_offline_basemap_and_attribution_is_text() {
    let dir = scratch();
    let fixture = data("map_markup.ndjson");
    let url = "https://tile.example.org/{z}/{x}/{y}.png";
    let html =
        map(&dir, &[fixture.as_os_str(), "--tiles".as_ref(), url.as_ref(), "--attribution".as_ref(), "© <a>".as_ref()]);
    let data = embedded(&html, "geoevent-data");
    assert_eq!(data["tiles"]["url"], url);
    assert_eq!(data["tiles"]["attribution_html"], "© &lt;a&gt;");
}

#[test]
fn bad_tile_urls_and_attribution_without_tiles_are_errors() {
    let dir = scratch();
    let fixture = data("map_markup.ndjson");
    let out = geoevent(&dir).args(["map", "--attribution", "x"]).arg(&fixture).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tiles"));
    let out = geoevent(&dir)
        .args(["map", "--tiles", "https://tile.example.org/tiles.png", "-o", "map.html"])
        .arg(&fixture)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    if cfg!(geoevent_map_assets) {
        assert!(stderr.contains("must contain {z}, {x} and {y}"), "{stderr}");
    } else {
        assert!(stderr.contains("built without the map assets: run `npm ci --prefix web` and rebuild"), "{stderr}");
    }
    assert!(!dir.path().join("map.html").exists(), "no page on error");
}
