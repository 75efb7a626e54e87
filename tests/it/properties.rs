//! Properties of the pipeline on generated text: offsets lie on character
//! boundaries and slice out the mention, coordinates are finite and in
//! range, and output always parses as RFC 7946 GeoJSON.

use std::sync::OnceLock;

use geoevent::events::Extractor;
use geoevent::events::vocab::Vocabulary;
use geoevent::input::Document;
use geoevent::output::{DISTANCE_CLAIMS, EVENTS, FeatureWriter, FieldType, Format, PLACES, events, places};
use geoevent::{Gazetteer, Geoparser, Options};
use proptest::prelude::*;

fn extractor() -> &'static Extractor<'static> {
    static E: OnceLock<Extractor<'static>> = OnceLock::new();
    E.get_or_init(|| {
        Extractor::new(Gazetteer::embedded(), Options::default(), Vocabulary::embedded().expect("vocabulary"))
    })
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Mosul".to_string()),
        Just("Fallūjah".to_string()),
        Just("Al-Qaim".to_string()),
        Just("U.S.-led".to_string()),
        Just("Iraq's".to_string()),
        Just("iraq; syria;".to_string()),
        Just("some 30 kilometers south of".to_string()),
        Just("near".to_string()),
        Just("killed 5".to_string()),
        Just("on Sunday".to_string()),
        Just("Islamic State".to_string()),
        Just("airstrikes".to_string()),
        Just("Hīt".to_string()),
        Just("\u{1F600}".to_string()),
        Just("\u{0}".to_string()),
        Just("\n\n".to_string()),
        Just(", ".to_string()),
        Just(". ".to_string()),
        Just("’s".to_string()),
        "[a-zA-Zé'’ -]{0,12}",
        "\\PC{0,6}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..40).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn mentions_slice_out_of_the_text(text in text()) {
        let parser = Geoparser::new(Gazetteer::embedded(), Options::default());
        let chars: Vec<char> = text.chars().collect();
        for p in parser.places(&text) {
            prop_assert!(text.is_char_boundary(p.byte_start) && text.is_char_boundary(p.byte_end));
            prop_assert!(p.start <= p.end && p.end <= chars.len());
            let slice: String = chars[p.start..p.end].iter().collect();
            prop_assert_eq!(&slice, &p.surface);
            prop_assert_eq!(&text[p.byte_start..p.byte_end], p.surface.as_str());
            if let Some(pos) = p.position {
                prop_assert!(pos.lon.is_finite() && pos.lat.is_finite());
                prop_assert!((-180.0..=180.0).contains(&pos.lon) && (-90.0..=90.0).contains(&pos.lat));
            }
            if let Some(s) = p.score {
                prop_assert!((0.0..=1.0).contains(&s));
            }
        }
    }

    /// Stage by stage over several texts, the pipeline finds what it finds
    /// text by text.
    #[test]
    fn places_of_each_are_the_places_of_each_text(texts in prop::collection::vec(text(), 0..6)) {
        let parser = Geoparser::new(Gazetteer::embedded(), Options::default());
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let each: Vec<String> = texts.iter().map(|t| format!("{:?}", parser.places(t))).collect();
        let staged: Vec<String> = parser.places_of_each(&texts).iter().map(|p| format!("{p:?}")).collect();
        prop_assert_eq!(staged, each);
    }

    #[test]
    fn output_is_always_rfc7946(text in text()) {
        let doc = Document { id: "p".into(), text, published: Some("2020-01-03".into()), ..Document::default() };
        let parser = Geoparser::new(Gazetteer::embedded(), Options::default());
        let x = extractor().extract(&doc);
        let found = parser.places(&doc.text);
        for format in [Format::Geojson, Format::Ndjson] {
            let mut outputs = Vec::new();
            let mut w = FeatureWriter::new(Vec::new(), format, PLACES, 6, false);
            for p in &found {
                let (g, props) = places::feature(&doc.id, p);
                w.write(&g, &props).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            outputs.push((PLACES, w.finish()));
            let mut w = FeatureWriter::new(Vec::new(), format, EVENTS, 6, false);
            for e in &x.events {
                let (g, props) = events::event_feature(&doc, e);
                w.write(&g, &props).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            outputs.push((EVENTS, w.finish()));
            let mut w = FeatureWriter::new(Vec::new(), format, DISTANCE_CLAIMS, 6, false);
            for c in &x.claims {
                let (g, props) = events::claim_feature(&doc, c);
                w.write(&g, &props).map_err(|e| TestCaseError::fail(e.to_string()))?;
            }
            outputs.push((DISTANCE_CLAIMS, w.finish()));
            for (layer, bytes) in outputs {
                let bytes = bytes.map_err(|e| TestCaseError::fail(e.to_string()))?;
                let s = String::from_utf8(bytes).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let docs: Vec<&str> = if format == Format::Geojson { vec![s.as_str()] } else { s.lines().collect() };
                for d in docs {
                    let gj: geojson::GeoJson =
                        d.parse().map_err(|e: geojson::Error| TestCaseError::fail(format!("{e}: {d}")))?;
                    let v = serde_json::to_value(&gj).map_err(|e| TestCaseError::fail(e.to_string()))?;
                    prop_assert!(v.get("crs").is_none());
                    let features = match &v["features"] {
                        serde_json::Value::Array(fs) => fs.clone(),
                        _ => vec![v.clone()],
                    };
                    // Every feature has exactly the layer's fields, each of its type or null.
                    for f in features {
                        prop_assert!(f["id"].is_u64());
                        let props = f["properties"].as_object().cloned().unwrap_or_default();
                        let keys: Vec<&str> = props.keys().map(String::as_str).collect();
                        let names: Vec<&str> = layer.fields.iter().map(|f| f.name).collect();
                        prop_assert_eq!(keys, names);
                        for field in layer.fields {
                            let v = &props[field.name];
                            let ok = v.is_null() || match field.ty {
                                FieldType::String => v.is_string(),
                                FieldType::Date => v.as_str().is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()),
                                FieldType::Integer => v.is_u64() || v.is_i64(),
                                FieldType::Real => v.is_number(),
                                FieldType::Boolean => v.is_boolean(),
                            };
                            prop_assert!(ok, "{} of {} is {}", field.name, layer.name, v);
                        }
                    }
                }
            }
        }
        for e in &x.events {
            prop_assert!(e.start <= e.end && e.end <= doc.text.chars().count());
            if let Some(l) = &e.location {
                prop_assert!(l.position.lon.is_finite() && (-90.0..=90.0).contains(&l.position.lat));
                prop_assert!((1..=3).contains(&l.precision));
            }
        }
    }
}
