//! Map styling shared by the GeoJSON, KML and HTML outputs.
//!
//! Colours and labels follow the [simplestyle-spec] property names
//! (`marker-color`, `stroke`, `title`, `description`), which geojson.io and
//! GitHub's GeoJSON preview read, and which the KML writer turns into
//! `<Style>` elements.
//!
//! [simplestyle-spec]: https://github.com/mapbox/simplestyle-spec

/// The ACLED event types geoevent produces, in legend order, with their
/// colour and label.
pub const EVENT_TYPES: &[(&str, &str, &str)] = &[
    ("battle", "#d62728", "Battle"),
    ("explosions_remote_violence", "#ff7f0e", "Explosion/remote violence"),
    ("violence_against_civilians", "#9467bd", "Violence against civilians"),
    ("riot", "#e377c2", "Riot"),
    ("protest", "#1f77b4", "Protest"),
    ("strategic_development", "#2ca02c", "Strategic development"),
];

/// Colour of an event type not in [`EVENT_TYPES`].
pub const OTHER_COLOR: &str = "#7f7f7f";

/// Line colour of a distance claim that holds.
pub const CLAIM_HOLDS_COLOR: &str = "#1a9850";

/// Line colour of a distance claim that does not hold.
pub const CLAIM_FAILS_COLOR: &str = "#d73027";

/// Line width of distance claims, in pixels.
pub const CLAIM_STROKE_WIDTH: f64 = 2.0;

/// Marker colour of a place mention.
pub const PLACE_COLOR: &str = "#4a4a4a";

/// The marker colour of an event type (`#rrggbb`).
pub fn event_color(event_type: &str) -> &'static str {
    EVENT_TYPES.iter().find(|(t, _, _)| *t == event_type).map_or(OTHER_COLOR, |(_, c, _)| c)
}

/// The display label of an event type ("Explosion/remote violence").
pub fn event_label(event_type: &str) -> String {
    match EVENT_TYPES.iter().find(|(t, _, _)| *t == event_type) {
        Some((_, _, label)) => (*label).to_string(),
        None => humanize(event_type),
    }
}

/// `snake_case` to "Snake case".
pub fn humanize(s: &str) -> String {
    let mut out = s.replace('_', " ");
    if let Some(first) = out.get(0..1) {
        let upper = first.to_ascii_uppercase();
        out.replace_range(0..1, &upper);
    }
    out
}

/// A `#rrggbb` colour as a KML colour (`aabbggrr`, opaque).
pub fn kml_color(hex: &str) -> Option<String> {
    let h = hex.strip_prefix('#')?;
    if h.len() != 6 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!("ff{}{}{}", &h[4..6], &h[2..4], &h[0..2]).to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_and_labels() {
        assert_eq!(event_color("battle"), "#d62728");
        assert_eq!(event_color("unheard_of"), OTHER_COLOR);
        assert_eq!(event_label("explosions_remote_violence"), "Explosion/remote violence");
        assert_eq!(event_label("new_type"), "New type");
        assert_eq!(humanize("armed_clash"), "Armed clash");
        assert_eq!(kml_color("#d62728").as_deref(), Some("ff2827d6"));
        assert_eq!(kml_color("red"), None);
    }
}
