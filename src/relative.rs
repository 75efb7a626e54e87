//! Relative locations: "Ain Nasir, some 30 kilometers south of Mosul",
//! "Fallujah, about 50 km (30 miles) west of Baghdad", "Mulla Qarah, near
//! Makhmour".
//!
//! A statement names a distance and direction (or nearness) from an anchor
//! place, and often the place it locates: the name before the comma.

use std::sync::OnceLock;

use regex_automata::meta::Regex;
use regex_automata::util::captures::Captures;
use regex_automata::util::syntax;

use crate::geodesy::direction_bearing;

/// What a relative phrase says about a place.
#[derive(Clone, Debug, PartialEq)]
pub struct RelativePhrase {
    /// Byte offset where the phrase starts ("some 30 kilometers south of ").
    pub start: usize,
    /// Byte offset where the anchor name starts (the phrase ends there).
    pub anchor_start: usize,
    /// Reported distance in kilometers, `None` for "near".
    pub distance_km: Option<f64>,
    /// Reported bearing from the anchor, degrees; `None` for "near".
    pub bearing_deg: Option<f64>,
    /// The direction word as written ("south", "north-west").
    pub direction: Option<String>,
    /// The qualifier ("some", "about"), if any.
    pub qualifier: Option<String>,
    /// Byte span of the name the phrase locates, if one stands before it
    /// ("Ain Nasir" in "Ain Nasir, some 30 km south of Mosul").
    pub target: Option<(usize, usize)>,
}

/// A pattern in two forms, both anchored at the end of a window of text:
/// the Unicode original, and one with ASCII classes that matches ASCII text
/// exactly as the original does (a property test checks it). Most windows
/// are ASCII; the ASCII form compiles, and its lazy automaton warms up, in a
/// fraction of the time (with the Unicode forms alone, `places` on five
/// news articles took 38.6 M instructions and 11 ms; with both, 20.0 M and
/// 7 ms). The Unicode form is compiled only when a window first needs it.
///
/// Both are compiled by `regex_automata` with no literal prefilter: a
/// pattern anchored at the end is searched backwards from there, where a
/// prefilter has no use, and extracting its literals was a third of the
/// compile time. The ASCII form is compiled with no Unicode at all (ASCII
/// case folding, byte classes), which is another third; on ASCII text it
/// matches what it matched with Unicode case folding, since no byte of
/// ASCII text folds to a letter beyond ASCII.
struct Pattern {
    ascii: &'static str,
    unicode: &'static str,
    compiled: [OnceLock<Regex>; 2],
}

impl Pattern {
    const fn new(ascii: &'static str, unicode: &'static str) -> Pattern {
        Pattern { ascii, unicode, compiled: [OnceLock::new(), OnceLock::new()] }
    }

    /// The form for `window`.
    fn for_window(&self, window: &str) -> &Regex {
        let k = usize::from(!window.is_ascii());
        self.compiled[k].get_or_init(|| compile(if k == 0 { self.ascii } else { self.unicode }, k == 1))
    }

    /// The groups of the first match in `window`, if any.
    fn captures<'w>(&self, window: &'w str) -> Option<Groups<'w>> {
        let re = self.for_window(window);
        let mut caps = re.create_captures();
        re.captures(window, &mut caps);
        caps.is_match().then_some(Groups { caps, window })
    }
}

/// The groups of a match in a window of text.
struct Groups<'w> {
    caps: Captures,
    window: &'w str,
}

impl<'w> Groups<'w> {
    /// Where the whole match starts.
    fn start(&self) -> Option<usize> {
        self.caps.get_match().map(|m| m.start())
    }

    /// The span of group `name`, if it took part in the match.
    fn span(&self, name: &str) -> Option<(usize, usize)> {
        self.caps.get_group_by_name(name).map(|s| (s.start, s.end))
    }

    /// The text of group `name`, if it took part in the match.
    fn text(&self, name: &str) -> Option<&'w str> {
        self.span(name).and_then(|(a, b)| self.window.get(a..b))
    }
}

/// Compile a pattern of this module (`unicode`: with Unicode classes and
/// case folding).
fn compile(pattern: &str, unicode: bool) -> Regex {
    Regex::builder()
        .syntax(syntax::Config::new().unicode(unicode).utf8(unicode))
        .configure(Regex::config().auto_prefilter(false))
        .build(pattern)
        .expect("static regex")
}

/// A distance, unit and direction, then "of": "some 30 kilometers south of ".
static DISTANCE: Pattern = Pattern::new(
    r"(?ix)
    (?:(?-u:\b)(?P<q>some|about|around|roughly|approximately|approx\.|nearly|almost|just|less\ than|more\ than|over|under|up\ to|an\ estimated)(?-u:\s)+)?
    (?P<n>[0-9]{1,5}(?:[.,][0-9]+)?)(?-u:\s)*(?:-|(?-u:\s))?(?-u:\s)*
    (?P<u>kilometers|kilometres|kilometre|kilometer|km|kms|miles|mile|mi)\.?
    (?:(?-u:\s)*\([^)]{0,40}\))?
    (?-u:\s)+(?:to\ the(?-u:\s)+)?
    (?P<d>north-?east|north-?west|south-?east|south-?west|north|south|east|west)(?:ern)?
    (?-u:\s)+of(?-u:\s)+(?:the(?-u:\s)+(?:city|town|village|province|capital)(?-u:\s)+of(?-u:\s)+)?$",
    r"(?ix)
    (?:\b(?P<q>some|about|around|roughly|approximately|approx\.|nearly|almost|just|less\ than|more\ than|over|under|up\ to|an\ estimated)\s+)?
    (?P<n>\d{1,5}(?:[.,]\d+)?)\s*(?:-|\s)?\s*
    (?P<u>kilometers|kilometres|kilometre|kilometer|km|kms|miles|mile|mi)\.?
    (?:\s*\([^)]{0,40}\))?
    \s+(?:to\ the\s+)?
    (?P<d>north-?east|north-?west|south-?east|south-?west|north|south|east|west)(?:ern)?
    \s+of\s+(?:the\s+(?:city|town|village|province|capital)\s+of\s+)?$",
);

/// Nearness: "near ", "on the outskirts of the town of ".
static NEAR: Pattern = Pattern::new(
    r"(?i)(?-u:\b)(?:near|outside|close\ to|on\ the\ outskirts\ of)(?-u:\s)+(?:the(?-u:\s)+(?:city|town|village)(?-u:\s)+of(?-u:\s)+)?$",
    r"(?i)\b(?:near|outside|close\ to|on\ the\ outskirts\ of)\s+(?:the\s+(?:city|town|village)\s+of\s+)?$",
);

/// A capitalised name of one to four words, then a comma, at the end.
static TARGET: Pattern = Pattern::new(
    r"(?P<name>[A-Z][A-Za-z']*(?:[ -](?:al|el|ad|an|ar|as|bin|ibn|[A-Z][A-Za-z']*)){0,3}),(?-u:\s)*$",
    r"(?P<name>\p{Lu}[\p{L}'’]*(?:[ -](?:al|el|ad|an|ar|as|bin|ibn|\p{Lu}[\p{L}'’]*)){0,3}),\s*$",
);

/// The words that may come right before a final "of" or "to" in a
/// [`DISTANCE`] or [`NEAR`] phrase: a direction (with "ern" taken off),
/// "city" and the like of "the city of", "outskirts", and "close".
const WORDS_BEFORE_OF_OR_TO: &[&str] = &[
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "city",
    "town",
    "village",
    "province",
    "capital",
    "outskirts",
    "close",
];

/// Whether a [`DISTANCE`] or [`NEAR`] phrase may end `window`, by its last
/// words: a cheap test that every match passes, so that most windows skip
/// the regexes.
fn may_end_a_phrase(window: &str) -> bool {
    // Every phrase ends in one of these words: skip the regexes otherwise.
    let mut words = window.trim_end().rsplit(|c: char| !c.is_alphanumeric());
    let last_word = words.next().unwrap_or("");
    if !["of", "near", "outside", "to"].iter().any(|w| w.eq_ignore_ascii_case(last_word)) {
        return false;
    }
    // And one that ends in "of" or "to" has one of these words before it
    // ("south of", "the town of", "outskirts of", "close to"): most windows
    // that end so ("the governor of", "went to") fail here.
    if ["of", "to"].iter().any(|w| w.eq_ignore_ascii_case(last_word)) {
        let before = words.find(|w| !w.is_empty()).unwrap_or("");
        // ("Southern of": a direction with "ern".)
        let before = match before.len().checked_sub(3).and_then(|n| before.split_at_checked(n)) {
            Some((head, tail)) if !head.is_empty() && tail.eq_ignore_ascii_case("ern") => head,
            _ => before,
        };
        if !WORDS_BEFORE_OF_OR_TO.iter().any(|w| w.eq_ignore_ascii_case(before)) {
            return false;
        }
    }
    true
}

/// The relative phrase that ends right before an anchor mention starting at
/// byte `anchor_start`, if any.
pub fn phrase_before(text: &str, anchor_start: usize) -> Option<RelativePhrase> {
    let from = floor_boundary(text, anchor_start.saturating_sub(160));
    let window = &text[from..anchor_start];
    if !may_end_a_phrase(window) {
        return None;
    }
    // A distance phrase has a digit; a nearness phrase one of these words
    // ("of" and "to" end most windows, and rarely a phrase).
    let has_digit = window.bytes().any(|b| b.is_ascii_digit());
    if !has_digit && !contains_nearness_word(window) {
        return None;
    }
    if let Some(c) = has_digit.then(|| DISTANCE.captures(window)).flatten() {
        let n: f64 = c.text("n")?.replace(',', ".").parse().ok()?;
        let unit = c.text("u")?.to_ascii_lowercase();
        let km = if unit.starts_with("mi") { n * 1.609_344 } else { n };
        let dir = c.text("d")?;
        let start = from + c.start()?;
        return Some(RelativePhrase {
            start,
            anchor_start,
            distance_km: Some(km),
            bearing_deg: direction_bearing(dir),
            direction: Some(dir.to_ascii_lowercase()),
            qualifier: c.text("q").map(str::to_ascii_lowercase),
            target: target_before(text, start),
        });
    }
    let c = NEAR.captures(window)?;
    let start = from + c.start()?;
    let target = target_before(text, start)?;
    Some(RelativePhrase {
        start,
        anchor_start,
        distance_km: None,
        bearing_deg: None,
        direction: None,
        qualifier: None,
        target: Some(target),
    })
}

fn target_before(text: &str, phrase_start: usize) -> Option<(usize, usize)> {
    let from = floor_boundary(text, phrase_start.saturating_sub(80));
    let window = &text[from..phrase_start];
    // The pattern ends in a comma and white space: most windows fail here.
    if !window.trim_end().ends_with(',') {
        return None;
    }
    let (a, b) = TARGET.captures(window)?.span("name")?;
    Some((from + a, from + b))
}

/// Whether `window` has "near", "outside", "close to" or "outskirts", in any case.
fn contains_nearness_word(window: &str) -> bool {
    let lower = window.to_ascii_lowercase();
    ["near", "outside", "close to", "outskirts"].iter().any(|w| lower.contains(w))
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, anchor: &str) -> Option<RelativePhrase> {
        phrase_before(text, text.rfind(anchor)?)
    }

    #[test]
    fn distance_direction_and_target() {
        let t = "One of the first villages retaken was Ain Nasir, some 30 kilometers south of Mosul.";
        let p = at(t, "Mosul").expect("phrase");
        assert_eq!(p.distance_km, Some(30.0));
        assert_eq!(p.bearing_deg, Some(180.0));
        assert_eq!(p.qualifier.as_deref(), Some("some"));
        let (a, b) = p.target.expect("target");
        assert_eq!(&t[a..b], "Ain Nasir");
    }

    #[test]
    fn miles_in_parentheses_and_city_of() {
        let t = "their advance on the city of Fallujah, about 50 km (30 miles) west of Baghdad";
        let p = at(t, "Baghdad").expect("phrase");
        assert_eq!(p.distance_km, Some(50.0));
        assert_eq!(p.bearing_deg, Some(270.0));
        let (a, b) = p.target.expect("target");
        assert_eq!(&t[a..b], "Fallujah");
        let t = "a village 12 miles north-east of Kirkuk";
        let p = at(t, "Kirkuk").expect("phrase");
        assert!((p.distance_km.unwrap_or(0.0) - 19.312).abs() < 0.01);
        assert_eq!(p.bearing_deg, Some(45.0));
        assert_eq!(p.target, None);
    }

    /// The spans of every group of the first match of `re` in `w`.
    fn spans(re: &Regex, w: &str) -> Option<Vec<Option<(usize, usize)>>> {
        let mut caps = re.create_captures();
        re.captures(w, &mut caps);
        caps.is_match().then(|| caps.iter().map(|s| s.map(|s| (s.start, s.end))).collect())
    }

    /// Each pattern's two forms, compiled once for the property test.
    fn forms() -> &'static [(Regex, Regex)] {
        static F: OnceLock<Vec<(Regex, Regex)>> = OnceLock::new();
        F.get_or_init(|| {
            [&DISTANCE, &NEAR, &TARGET].iter().map(|p| (compile(p.ascii, false), compile(p.unicode, true))).collect()
        })
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        /// On ASCII text, each pattern's ASCII form finds what its Unicode
        /// form finds, with the same groups.
        #[test]
        fn ascii_forms_match_the_unicode_forms(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                " ", " ", " ", "  ", "\t", "\n", "\r", "\u{b}", "\u{c}", "-", ",", ".", "'", "_", "(", ")", "x", "X",
                "Ain", "Nasir", "Mulla", "Qarah", "Qa'im", "al", "el", "bin", "ibn", "Al", "AL", "some", "Some", "about",
                "approx.", "up to", "an estimated", "less than", "30", "12.5", "1,5", "123456", "km", "kms", "kilometers",
                "Kilometres", "miles", "mi", "(30 miles)", "north", "South", "north-east", "southwest", "ern", "to the",
                "of", "OF", "the", "city", "town", "province", "capital", "near", "NEAR", "outside", "close to",
                "on the outskirts of",
            ]), 0..24),
            phrase in proptest::sample::select(vec![
                "", " ", " of ", " near ", ", ", ",", ",\t", " of the city of ", "Ain al Nasir, ", "Mulla Qarah,  ",
                " some 30 kilometers south of ", " about 50 km (30 miles) west of the Province of ",
                "12.5-km north-east of the capital of ", " up to 7 mi. to the  southwestern of ", " 99 KMS EAST OF ",
                " 5 KM NORTHERN OF ",
                " near the town of ", " on the outskirts of ", " Close to\tthe village of ",
            ]),
            end in proptest::sample::select(vec!["", " ", "\n", ", "]),
        ) {
            let w = parts.concat() + phrase + end;
            for (ascii, unicode) in forms() {
                proptest::prop_assert_eq!(spans(ascii, &w), spans(unicode, &w), "{:?}", w);
            }
            // The test before the regexes passes every window they match.
            for (ascii, _) in &forms()[..2] {
                proptest::prop_assert!(!ascii.is_match(&w) || may_end_a_phrase(&w), "{:?}", w);
            }
        }
    }

    #[test]
    fn near_needs_a_named_target() {
        let t = "who commands soldiers in Mulla Qarah, near Makhmour.";
        let p = at(t, "Makhmour").expect("phrase");
        let (a, b) = p.target.expect("target");
        assert_eq!(&t[a..b], "Mulla Qarah");
        assert_eq!(p.distance_km, None);
        assert!(at("attacked their convoy near Makhmour", "Makhmour").is_none());
    }
}
