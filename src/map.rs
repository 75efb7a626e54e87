//! A web map of events and distance claims: one self-contained HTML page.
//!
//! [`render`] turns the `events` and `distance_claims` FeatureCollections
//! (as [`crate::output::FeatureWriter`] writes them in
//! [`crate::output::Format::Geojson`]) into a page that shows them with
//! [Leaflet] over an offline basemap of the Natural Earth 110m country
//! outlines. Everything is inlined: the page opens from a local file and
//! makes no network request unless raster tiles are asked for
//! ([`Page::tiles`]).
//!
//! The page reads the simplestyle-spec properties the features already carry
//! (`marker-color`, `stroke`, `stroke-width`, `title`, `description`; see
//! [`crate::output::style`]), so it shows what geojson.io and GitHub's
//! GeoJSON preview show. Events are `L.circleMarker`s with the CSS class
//! `geoevent-event` (and a `data-event-id` attribute), distance claims
//! polylines with the class `geoevent-claim`; a legend lists the event types
//! on the map with their counts. Events without a location (`null`
//! geometry) are counted in the header but not drawn.
//!
//! Leaflet, topojson-client and the world-atlas countries are inlined from
//! the npm packages pinned in `web/package-lock.json`: `build.rs` copies them
//! from `web/node_modules` when `npm ci --prefix web` has been run. A build
//! without them works, and [`render`] then fails with
//! [`Error::NoMapAssets`]; [`AVAILABLE`] tells which build this is.
//!
//! The page is deterministic: the same features and options give the same
//! bytes.
//!
//! [Leaflet]: https://leafletjs.com

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::output::style::{self, CLAIM_FAILS_COLOR, CLAIM_HOLDS_COLOR};

/// Whether this build carries the map assets (Leaflet, topojson-client, the
/// world-atlas countries), so that [`render`] works.
pub const AVAILABLE: bool = cfg!(geoevent_map_assets);

/// Fill colour of land on the offline basemap.
pub const LAND_COLOR: &str = "#d4d4d4";
/// Colour of country borders on the offline basemap.
pub const BORDER_COLOR: &str = "#9a9a9a";
/// Colour of the sea (the map background) on the offline basemap.
pub const SEA_COLOR: &str = "#eef4f8";

/// What the page shows besides the features.
#[derive(Clone, Copy, Debug, Default)]
pub struct Page<'a> {
    /// The page title, also shown in its header line.
    pub title: &'a str,
    /// Raster tiles to show instead of the offline basemap: a Leaflet URL
    /// template with `{z}`, `{x}` and `{y}`
    /// (`https://tile.openstreetmap.org/{z}/{x}/{y}.png`). The page then
    /// loads tiles from that server.
    pub tiles: Option<&'a str>,
    /// Attribution of the tiles, shown as plain text in the map corner.
    pub attribution: Option<&'a str>,
}

/// The third-party code and data inlined into the page.
#[cfg(geoevent_map_assets)]
mod assets {
    pub const LEAFLET_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/leaflet.js"));
    pub const LEAFLET_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/leaflet.css"));
    pub const TOPOJSON_JS: &str = include_str!(concat!(env!("OUT_DIR"), "/topojson-client.js"));
    pub const COUNTRIES: &str = include_str!(concat!(env!("OUT_DIR"), "/countries-110m.json"));
    pub const NOTICES: [(&str, &str); 3] = [
        ("Leaflet (npm package leaflet)", include_str!(concat!(env!("OUT_DIR"), "/leaflet.LICENSE"))),
        (
            "topojson-client (npm package topojson-client)",
            include_str!(concat!(env!("OUT_DIR"), "/topojson-client.LICENSE")),
        ),
        (
            "world-atlas (npm package world-atlas; the Natural Earth data it holds is in the public domain)",
            include_str!(concat!(env!("OUT_DIR"), "/world-atlas.LICENSE")),
        ),
    ];
}

/// The page's own script and style.
const PAGE_JS: &str = include_str!("map/page.js");
const PAGE_CSS: &str = include_str!("map/page.css");

/// One line of the legend.
#[derive(Debug, Serialize)]
struct LegendEntry {
    label: String,
    color: &'static str,
    count: usize,
}

/// Everything the page script reads, embedded as JSON.
#[derive(Serialize)]
struct Data<'a> {
    events: &'a Value,
    claims: &'a Value,
    legend_events: Vec<LegendEntry>,
    legend_claims: Vec<LegendEntry>,
    basemap: Basemap,
    tiles: Option<Tiles>,
}

#[derive(Serialize)]
struct Basemap {
    land: &'static str,
    border: &'static str,
    sea: &'static str,
    attribution_html: &'static str,
}

#[derive(Serialize)]
struct Tiles {
    url: String,
    attribution_html: String,
}

/// Render the page of `events_geojson` and `claims_geojson`, each a GeoJSON
/// FeatureCollection of the `events` and `distance_claims` layers.
///
/// # Errors
/// [`Error::NoMapAssets`] when this build has no map assets
/// ([`AVAILABLE`] is false); [`Error::Invalid`] when an input is not a
/// FeatureCollection or the tile URL lacks `{z}`, `{x}` or `{y}`.
pub fn render(events_geojson: &str, claims_geojson: &str, page: &Page<'_>) -> Result<String> {
    let events = feature_collection(events_geojson, "events")?;
    let claims = feature_collection(claims_geojson, "distance claims")?;
    let tiles = match page.tiles {
        None => None,
        Some(url) => {
            if !["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p)) {
                return Err(Error::Invalid(format!(
                    "a tile URL template must contain {{z}}, {{x}} and {{y}}, found {url:?}"
                )));
            }
            Some(Tiles { url: url.to_string(), attribution_html: html_escape(page.attribution.unwrap_or("")) })
        }
    };
    let (located, unlocated) = count_events(&events);
    let claim_features = features(&claims).iter().filter(|f| !f["geometry"].is_null());
    let holds = claim_features.clone().filter(|f| f["properties"]["holds"] == Value::Bool(true)).count();
    let claims_len = claim_features.count();
    let legend_claims = if claims_len == 0 {
        Vec::new()
    } else {
        vec![
            LegendEntry { label: "claim holds".into(), color: CLAIM_HOLDS_COLOR, count: holds },
            LegendEntry { label: "claim does not hold".into(), color: CLAIM_FAILS_COLOR, count: claims_len - holds },
        ]
    };
    let data = Data {
        events: &events,
        claims: &claims,
        legend_events: legend_events(&events),
        legend_claims,
        basemap: Basemap {
            land: LAND_COLOR,
            border: BORDER_COLOR,
            sea: SEA_COLOR,
            attribution_html: "Basemap: Natural Earth",
        },
        tiles,
    };
    let data = serde_json::to_string(&data).map_err(|e| Error::Invalid(format!("map data: {e}")))?;
    let header = header_text(located, unlocated, claims_len);
    page_html(page.title, &header, &script_json(&data))
}

#[cfg(geoevent_map_assets)]
fn page_html(title: &str, header: &str, data: &str) -> Result<String> {
    use assets::*;
    let mut html = String::with_capacity(LEAFLET_JS.len() + COUNTRIES.len() + data.len() + 32 * 1024);
    let title = html_escape(title);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta name=\"generator\" content=\"geoevent map\">\n");
    html.push_str(&format!("<title>{title}</title>\n"));
    html.push_str(&format!("<style>\n{LEAFLET_CSS}\n</style>\n<style>\n{PAGE_CSS}</style>\n</head>\n<body>\n"));
    html.push_str(&format!(
        "<header id=\"geoevent-header\"><h1>{title}</h1> <span id=\"geoevent-counts\">{}</span></header>\n",
        html_escape(header)
    ));
    html.push_str("<div id=\"geoevent-map\"></div>\n");
    html.push_str(&format!("<script type=\"application/json\" id=\"geoevent-data\">{data}</script>\n"));
    html.push_str(&format!(
        "<script type=\"application/json\" id=\"geoevent-countries\">{}</script>\n",
        script_json(COUNTRIES.trim_end())
    ));
    html.push_str(&format!("<script>\n{LEAFLET_JS}\n</script>\n<script>\n{TOPOJSON_JS}\n</script>\n"));
    html.push_str(&format!("<script>\n{PAGE_JS}</script>\n"));
    html.push_str("<!--\nThird-party software inlined in this page:\n");
    for (name, license) in NOTICES {
        // "--" may not occur inside an HTML comment.
        html.push_str(&format!("\n== {name}\n\n{}\n", license.trim_end().replace("--", "- -")));
    }
    html.push_str("-->\n</body>\n</html>\n");
    Ok(html)
}

#[cfg(not(geoevent_map_assets))]
fn page_html(_title: &str, _header: &str, _data: &str) -> Result<String> {
    // Referenced so that builds without assets compile them too.
    let _ = (PAGE_JS, PAGE_CSS);
    Err(Error::NoMapAssets)
}

/// Parse a FeatureCollection.
fn feature_collection(text: &str, what: &str) -> Result<Value> {
    let v: Value = serde_json::from_str(text).map_err(|e| Error::Invalid(format!("{what}: not GeoJSON: {e}")))?;
    if v["type"] != "FeatureCollection" || !v["features"].is_array() {
        return Err(Error::Invalid(format!("{what}: expected a GeoJSON FeatureCollection")));
    }
    Ok(v)
}

fn features(fc: &Value) -> &[Value] {
    fc["features"].as_array().map_or(&[], Vec::as_slice)
}

/// Events with and without a geometry.
fn count_events(events: &Value) -> (usize, usize) {
    let located = features(events).iter().filter(|f| !f["geometry"].is_null()).count();
    (located, features(events).len() - located)
}

/// The event types on the map with their counts: the types of
/// [`style::EVENT_TYPES`] in its order, then any others by name.
fn legend_events(events: &Value) -> Vec<LegendEntry> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for f in features(events).iter().filter(|f| !f["geometry"].is_null()) {
        *counts.entry(f["properties"]["event_type"].as_str().unwrap_or("")).or_default() += 1;
    }
    let known = style::EVENT_TYPES.iter().map(|(t, _, _)| *t);
    let others: Vec<&str> =
        counts.keys().copied().filter(|t| style::EVENT_TYPES.iter().all(|(k, _, _)| k != t)).collect();
    known
        .chain(others)
        .filter_map(|t| {
            counts.get(t).map(|&count| LegendEntry {
                label: if t.is_empty() { "Unknown type".into() } else { style::event_label(t) },
                color: style::event_color(t),
                count,
            })
        })
        .collect()
}

/// "21 events on the map, 2 without a location (not drawn); 3 distance claims".
fn header_text(located: usize, unlocated: usize, claims: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut s = format!("{} on the map", plural(located, "event", "events"));
    if unlocated > 0 {
        s.push_str(&format!(", {unlocated} without a location (not drawn)"));
    }
    s.push_str(&format!("; {}", plural(claims, "distance claim", "distance claims")));
    s
}

/// JSON made safe inside a `<script>` element: `<` becomes `\u003c` (so no
/// `</script>` or `<!--` can end or confuse the element), and the line
/// separators U+2028 and U+2029 are escaped. Valid JSON has `<` and those
/// characters only inside strings, where the escapes mean the same.
fn script_json(json: &str) -> String {
    json.replace('<', "\\u003c").replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029")
}

/// Text as HTML character data or attribute value.
fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EVENTS: &str = r##"{"type":"FeatureCollection","features":[
        {"type":"Feature","id":1,"geometry":{"type":"Point","coordinates":[43.58,35.78]},
         "properties":{"event_type":"battle","marker-color":"#d62728","title":"t","description":"d"}},
        {"type":"Feature","id":2,"geometry":null,"properties":{"event_type":"riot"}},
        {"type":"Feature","id":3,"geometry":{"type":"Point","coordinates":[44.0,33.0]},
         "properties":{"event_type":"brand_new","marker-color":"#7f7f7f"}},
        {"type":"Feature","id":4,"geometry":{"type":"Point","coordinates":[44.0,33.3]},
         "properties":{"event_type":"battle","marker-color":"#d62728"}}]}"##;
    const CLAIMS: &str = r#"{"type":"FeatureCollection","features":[]}"#;

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let s = script_json(r#"{"a":"</script><!-- \u2028","b":"x\u2029"}"#);
        assert!(!s.contains('<'));
        let v: Value = serde_json::from_str(&s).expect("still JSON");
        assert_eq!(v["a"], "</script><!-- \u{2028}");
    }

    #[test]
    fn legend_counts_located_events_in_legend_order() {
        let v: Value = serde_json::from_str(EVENTS).expect("json");
        let legend = legend_events(&v);
        let got: Vec<(&str, &str, usize)> = legend.iter().map(|e| (e.label.as_str(), e.color, e.count)).collect();
        assert_eq!(got, [("Battle", "#d62728", 2), ("Brand new", style::OTHER_COLOR, 1)]);
        assert_eq!(count_events(&v), (3, 1));
    }

    #[test]
    fn header_counts_unlocated_events() {
        assert_eq!(header_text(3, 1, 0), "3 events on the map, 1 without a location (not drawn); 0 distance claims");
        assert_eq!(header_text(1, 0, 1), "1 event on the map; 1 distance claim");
    }

    #[test]
    fn html_escape_escapes_markup() {
        assert_eq!(html_escape(r#"<b>"A&B"</b>'"#), "&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;&#39;");
    }

    #[test]
    fn rejects_bad_inputs() {
        assert!(matches!(render("[]", CLAIMS, &Page::default()), Err(Error::Invalid(_))));
        assert!(matches!(render("{", CLAIMS, &Page::default()), Err(Error::Invalid(_))));
        let page = Page { tiles: Some("https://example.org/tiles.png"), ..Page::default() };
        assert!(matches!(render(EVENTS, CLAIMS, &page), Err(Error::Invalid(_))));
    }

    #[cfg(geoevent_map_assets)]
    #[test]
    fn renders_a_deterministic_self_contained_page() {
        let page = Page { title: "Test <map>", ..Page::default() };
        let html = render(EVENTS, CLAIMS, &page).expect("renders");
        assert_eq!(html, render(EVENTS, CLAIMS, &page).expect("renders"));
        assert!(html.contains("<title>Test &lt;map&gt;</title>"));
        assert_eq!(html.matches("<script").count(), html.matches("</script>").count());
        assert!(html.contains("3 events on the map, 1 without a location (not drawn)"));
    }

    #[cfg(not(geoevent_map_assets))]
    #[test]
    fn without_assets_render_says_how_to_get_them() {
        let e = render(EVENTS, CLAIMS, &Page::default()).expect_err("no assets");
        assert!(e.to_string().contains("npm ci --prefix web"), "{e}");
    }
}
