//! Arbitrary bytes -> lossy UTF-8 -> place pipeline and event extractor.
//! Checks the offsets and positions every output promises.
#![no_main]

use std::sync::OnceLock;

use geoevent::events::Extractor;
use geoevent::events::vocab::Vocabulary;
use geoevent::geodesy::LonLat;
use geoevent::input::Document;
use geoevent::{Gazetteer, Geoparser};
use libfuzzer_sys::fuzz_target;

fn parser() -> &'static Geoparser<'static> {
    static P: OnceLock<Geoparser<'static>> = OnceLock::new();
    P.get_or_init(|| Geoparser::new(Gazetteer::embedded(), Default::default()))
}

fn extractor() -> &'static Extractor<'static> {
    static E: OnceLock<Extractor<'static>> = OnceLock::new();
    E.get_or_init(|| {
        let vocab = Vocabulary::embedded().expect("embedded vocabulary");
        Extractor::new(Gazetteer::embedded(), Default::default(), vocab)
    })
}

fn check_position(p: LonLat, what: &str) {
    assert!(p.lon.is_finite() && p.lat.is_finite(), "{what}: non-finite position {p:?}");
    assert!((-180.0..=180.0).contains(&p.lon), "{what}: longitude out of range {p:?}");
    assert!((-90.0..=90.0).contains(&p.lat), "{what}: latitude out of range {p:?}");
}

fn check_span(n_chars: usize, start: usize, end: usize, what: &str) {
    assert!(start <= end, "{what}: start {start} > end {end}");
    assert!(end <= n_chars, "{what}: end {end} past the text ({n_chars} chars)");
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let n_chars = text.chars().count();

    let analysis = parser().analyse(&text);
    for p in &analysis.places {
        check_span(n_chars, p.start, p.end, "place");
        let surface: String = text.chars().skip(p.start).take(p.end - p.start).collect();
        assert_eq!(surface, p.surface, "place surface differs from text[start..end] (chars {}..{})", p.start, p.end);
        assert!(p.byte_start <= p.byte_end && p.byte_end <= text.len(), "place byte span {}..{}", p.byte_start, p.byte_end);
        assert!(text.is_char_boundary(p.byte_start), "byte_start {} not on a char boundary", p.byte_start);
        assert!(text.is_char_boundary(p.byte_end), "byte_end {} not on a char boundary", p.byte_end);
        assert_eq!(&text[p.byte_start..p.byte_end], p.surface, "byte span differs from surface");
        assert_eq!(text[..p.byte_start].chars().count(), p.start, "byte_start and start disagree");
        if let Some(pos) = p.position {
            check_position(pos, "place");
        }
        if let Some(s) = p.score {
            assert!(s.is_finite() && (0.0..=1.0).contains(&s), "place score {s} outside [0, 1]");
        }
        if let Some(u) = p.uncertainty_km {
            assert!(u.is_finite() && u >= 0.0, "place uncertainty_km {u}");
        }
    }
    for (_, i) in &analysis.relatives {
        assert!(*i < analysis.places.len(), "relative anchor {i} out of range");
    }

    let doc = Document { id: "f".into(), text, ..Default::default() };
    let extraction = extractor().extract(&doc);
    for e in &extraction.events {
        check_span(n_chars, e.start, e.end, "event");
        if let Some(loc) = &e.location {
            check_position(loc.position, "event location");
            if let Some(u) = loc.uncertainty_km {
                assert!(u.is_finite() && u >= 0.0, "event uncertainty_km {u}");
            }
        }
        assert!(e.confidence.is_finite() && (0.0..=1.0).contains(&e.confidence), "event confidence {}", e.confidence);
    }
    for c in &extraction.claims {
        check_span(n_chars, c.start, c.end, "distance claim");
        assert!(c.reported_km.is_finite() && c.geodesic_km.is_finite() && c.bearing_deg.is_finite(), "claim figures {c:?}");
    }
});
