//! Events: who did what to whom, where and when.
//!
//! For each sentence of an article body, the extractor finds the strongest
//! event trigger (`data/events/triggers.csv`), drops it when a modality cue
//! makes it hypothetical, negated or general (threats become
//! `strategic_development/other`), and codes the event the way ACLED does:
//! type and sub-type, `actor1`/`actor2`/`assoc_actors` from the actor
//! dictionary, casualties as stated, the date (explicit or relative to
//! publication), and the location tied to the trigger ("in", "near",
//! "around", "the city of", "30 km south of"), else the sentence's place,
//! else the article's focus, each step lowering precision. Reports of one
//! event repeated within an article are merged; [`dedup`] merges across
//! articles. Relative statements whose target the gazetteer knows ("Fallujah,
//! about 50 km west of Baghdad") become [`DistanceClaim`]s, checked against
//! the geodesic.

pub mod casualties;
pub mod dates;
mod shadow;
pub mod vocab;

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::gazetteer::{Gazetteer, Kind, Place};
use crate::geodesy::{LonLat, angle_between, bearing_deg, destination, distance_m, haversine_m};
use crate::input::Document;
use crate::memo;
use crate::parse::{Analysis, Geoparser, Method, Options, PlaceMention};
use crate::relative::RelativePhrase;
use crate::text::{CharOffsets, Token, tokenize};
use casualties::find_casualties;
use dates::{Precision, dateline, find_date, parse_published};
use vocab::{Modality, Trigger, Vocabulary, starts};

/// How an event's position was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeoMethod {
    /// A named town, village or feature.
    Toponym,
    /// A relative statement ("30 km south of Mosul").
    Relative,
    /// A province or region point.
    Admin,
    /// A country point.
    Country,
}

impl GeoMethod {
    /// Name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            GeoMethod::Toponym => "toponym",
            GeoMethod::Relative => "relative",
            GeoMethod::Admin => "admin",
            GeoMethod::Country => "country",
        }
    }
}

/// Where the location came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LocationSource {
    /// A place tied to the trigger by a preposition.
    Trigger,
    /// A place elsewhere in the sentence.
    Sentence,
    /// The article's focus place.
    Article,
}

impl LocationSource {
    /// Name in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            LocationSource::Trigger => "trigger",
            LocationSource::Sentence => "sentence",
            LocationSource::Article => "article",
        }
    }
}

/// An event's location.
#[derive(Clone, Debug)]
pub struct EventLocation<'g> {
    /// Name as reported (gazetteer name or the text).
    pub name: String,
    /// Gazetteer place, if any.
    pub place: Option<Place<'g>>,
    /// Position.
    pub position: LonLat,
    /// 1 (the named town), 2 (near it, part of it, an offset from it), 3
    /// (province, region or country point).
    pub precision: u8,
    /// How it was found.
    pub method: GeoMethod,
    /// Where in the text it came from.
    pub source: LocationSource,
    /// Radius of uncertainty in km, when known.
    pub uncertainty_km: Option<f64>,
}

/// One coded event.
#[derive(Clone, Debug)]
pub struct Event<'g> {
    /// Document id.
    pub doc_id: String,
    /// Stable id: `<doc_id>:e<n>`.
    pub event_id: String,
    /// ACLED event type.
    pub event_type: String,
    /// ACLED sub-event type.
    pub sub_type: String,
    /// First actor.
    pub actor1: Option<String>,
    /// Second actor.
    pub actor2: Option<String>,
    /// Other actors, `; `-separated.
    pub assoc_actors: Option<String>,
    /// Fatalities, when stated.
    pub fatalities: Option<u32>,
    /// Injured, when stated.
    pub injured: Option<u32>,
    /// Date, when stated.
    pub date: Option<NaiveDate>,
    /// Precision of the date.
    pub date_precision: Option<Precision>,
    /// Location, when one could be found.
    pub location: Option<EventLocation<'g>>,
    /// The sentence (trimmed to 300 characters).
    pub sentence: String,
    /// Code point offset of the sentence.
    pub start: usize,
    /// Code point offset after the sentence.
    pub end: usize,
    /// The trigger as written.
    pub trigger: String,
    /// Confidence in [0, 1].
    pub confidence: f64,
    /// Number of reports merged into this event.
    pub reports: u32,
    /// Byte span of the sentence (for merging).
    byte_span: (usize, usize),
}

/// A distance statement checked against the geodesic.
#[derive(Clone, Debug)]
pub struct DistanceClaim<'g> {
    /// Document id.
    pub doc_id: String,
    /// The anchor ("west of Baghdad": Baghdad).
    pub from: Place<'g>,
    /// The place located ("Fallujah").
    pub to: Place<'g>,
    /// Reported distance in km.
    pub reported_km: f64,
    /// Geodesic distance between the gazetteer points, km.
    pub geodesic_km: f64,
    /// Initial bearing from the anchor to the place, degrees.
    pub bearing_deg: f64,
    /// Direction word as written.
    pub reported_direction: Option<String>,
    /// Bearing of that direction.
    pub reported_bearing_deg: Option<f64>,
    /// Qualifier ("about").
    pub qualifier: Option<String>,
    /// Tolerance applied to the distance, km.
    pub tolerance_km: f64,
    /// Whether distance and direction hold within tolerance.
    pub holds: bool,
    /// The phrase ("about 50 km (30 miles) west of").
    pub phrase: String,
    /// Code point offset of the phrase.
    pub start: usize,
    /// Code point offset after the anchor name.
    pub end: usize,
}

/// Everything extracted from one document.
#[derive(Clone, Debug, Default)]
pub struct Extraction<'g> {
    /// Events, in text order.
    pub events: Vec<Event<'g>>,
    /// Distance claims, in text order.
    pub claims: Vec<DistanceClaim<'g>>,
    /// The place mentions the events were located with (what
    /// [`Geoparser::places`] gives for the text), in text order.
    pub places: Vec<PlaceMention<'g>>,
}

/// Extracts events with one gazetteer and vocabulary.
#[derive(Debug)]
pub struct Extractor<'g> {
    parser: Geoparser<'g>,
    vocab: Vocabulary,
}

struct Word<'t> {
    folded: &'t str,
    text: &'t str,
    start: usize,
    end: usize,
    /// The dictionaries whose phrases may start here ([`vocab::starts`]).
    starts: u8,
}

/// Every token of a document folded once, into one buffer, with the
/// dictionaries it may start a phrase of.
struct Folded {
    buf: String,
    spans: Vec<(usize, usize, u8)>,
}

impl Folded {
    fn new(vocab: &Vocabulary, text: &str, tokens: &[Token]) -> Folded {
        let mut buf: Vec<u8> = Vec::with_capacity(text.len() + 16);
        let mut spans = Vec::with_capacity(tokens.len());
        let mut other = String::new();
        for t in tokens {
            let word = &text[t.start..t.end];
            let a = buf.len();
            let bits = match memo::pack(word.as_bytes()).filter(|&k| memo::is_ascii_alnum(k)) {
                // Most words: up to 15 ASCII letters and digits, folded by
                // lowercasing the packed key. Sixteen bytes are copied (no
                // call to memcpy) and the padding cut off.
                Some(key) => {
                    let folded = memo::lowercase_key(key);
                    buf.extend_from_slice(&folded.to_le_bytes());
                    buf.truncate(a + word.len());
                    vocab.starts_packed(folded, word)
                }
                None => {
                    other.clear();
                    crate::gazetteer::normalize::fold_token_into(word, &mut other);
                    buf.extend_from_slice(other.as_bytes());
                    vocab.starts(&other, word)
                }
            };
            spans.push((a, buf.len(), bits));
        }
        // Folded forms are ASCII: the check cannot fail, and costs little
        // once for the whole buffer.
        let buf = String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Folded { buf, spans }
    }
}

impl<'g> Extractor<'g> {
    /// An extractor over `gazetteer` with `vocab`.
    pub fn new(gazetteer: &'g Gazetteer, options: Options, vocab: Vocabulary) -> Extractor<'g> {
        Extractor { parser: Geoparser::new(gazetteer, options), vocab }
    }

    /// The geoparser.
    pub fn parser(&self) -> &Geoparser<'g> {
        &self.parser
    }

    /// Extract the events and distance claims of one document.
    pub fn extract(&self, doc: &Document) -> Extraction<'g> {
        let text = doc.text.as_str();
        // The countries of the actors a report names are context for its
        // places ("Peshmerga ... near Makhmour").
        let tokens = tokenize(text);
        let folded = Folded::new(&self.vocab, text, &tokens);
        let all_words = words(text, &tokens, &folded);
        // Actor mentions of the whole document, by word (= token) index.
        let doc_actors = self.actors(&all_words);
        let mut countries: Vec<String> = Vec::new();
        for &(a, _) in &doc_actors {
            let c = &self.vocab.actors[a].country;
            if !c.is_empty() && !countries.contains(c) {
                countries.push(c.clone());
            }
        }
        let analysis = self.parser.analyse_tokens(text, tokens, &countries);
        let reference = doc.published.as_deref().and_then(parse_published).or_else(|| dateline(text));
        let (body_end, skip_lines) = self.boilerplate(text);
        let sentences = sentences(text, &analysis.tokens);
        let focus = focus(&analysis);
        let mut offsets = CharOffsets::new(text);
        let mut events: Vec<Event<'g>> = Vec::new();
        let mut previous_actors: Vec<(usize, usize)> = Vec::new();
        for &(s, e) in &sentences {
            if s >= body_end || skip_lines.iter().any(|&(a, b)| s >= a && s < b) {
                previous_actors.clear();
                continue;
            }
            let sentence = &text[s..e];
            let (first_word, last_word) = sentence_words(&analysis.tokens, s, e);
            let words = &all_words[first_word..last_word];
            // doc_actors is in word order: take this sentence's slice.
            let lo = doc_actors.partition_point(|(_, k)| *k < first_word);
            let hi = doc_actors.partition_point(|(_, k)| *k < first_word + words.len());
            let mut actors: Vec<(usize, usize)> =
                doc_actors[lo..hi].iter().map(|&(a, k)| (a, k - first_word)).collect();
            let mut seen_actor = Vec::new();
            actors.retain(|(a, _)| {
                let new = !seen_actor.contains(a);
                seen_actor.push(*a);
                new
            });
            if actors.is_empty() {
                // "It stepped up air strikes": a pronoun subject refers to the
                // previous sentence's actors.
                let pronoun = words.iter().take(3).any(|w| matches!(w.folded, "it" | "they" | "its" | "their"));
                if pronoun {
                    actors = previous_actors.clone();
                }
            } else {
                previous_actors = actors.clone();
            }
            let Some((ti, tlen, trigger)) = self.best_trigger(words) else { continue };
            let (event_type, sub_type, weight) = match self.modality(words, ti) {
                None => (trigger.event_type.clone(), trigger.sub_type.clone(), trigger.weight),
                Some((Modality::Hypothetical, true)) => ("strategic_development".to_string(), "other".to_string(), 0.4),
                Some(_) => continue,
            };
            // Background: a sentence about earlier years is no dated event
            // ("fought the US between 2005 and 2009", "captured ... in 2014").
            if background(sentence, reference) {
                continue;
            }
            let trigger_start = words[ti].start;
            let trigger_text = &text[trigger_start..words[ti + tlen - 1].end];
            let location = self.locate(text, &analysis, s, e, trigger_start, focus.as_ref());
            let found_date = find_date(sentence, reference);
            let casualties = find_casualties(sentence);
            let (actor1, actor2, assoc) = self.code_actors(&actors, &event_type);
            // Enough evidence that this is one event that happened: a
            // specific place, a date, stated casualties, named actors, a
            // strong trigger (each counts).
            let evidence = location.as_ref().map_or(0.0, |l| match (l.method, l.precision) {
                (GeoMethod::Country, _) => 0.0,
                (_, 3) => 0.5,
                _ => 1.0,
            }) + if found_date.is_some() { 1.0 } else { 0.0 }
                + if casualties.fatalities.is_some() || casualties.injured.is_some() { 1.0 } else { 0.0 }
                + match (&actor1, &actor2) {
                    (Some(_), Some(_)) => 1.0,
                    (Some(_), None) => 0.5,
                    _ => 0.0,
                }
                + if weight >= 0.8 { 0.5 } else { 0.0 };
            if evidence < MIN_EVIDENCE {
                continue;
            }
            let mut confidence = weight;
            if location.is_none() {
                confidence *= 0.7;
            }
            if actor1.is_none() {
                confidence *= 0.8;
            }
            let start = offsets.at(s);
            let end = offsets.at(e);
            events.push(Event {
                doc_id: doc.id.clone(),
                event_id: String::new(),
                event_type,
                sub_type,
                actor1,
                actor2,
                assoc_actors: assoc,
                fatalities: casualties.fatalities,
                injured: casualties.injured,
                date: found_date.map(|d| d.date),
                date_precision: found_date.map(|d| d.precision),
                location,
                sentence: trim_chars(sentence, 300),
                start,
                end,
                trigger: trigger_text.to_string(),
                confidence: (confidence * 1000.0).round() / 1000.0,
                reports: 1,
                byte_span: (s, e),
            });
        }
        let mut events = merge_within(events);
        for (i, ev) in events.iter_mut().enumerate() {
            ev.event_id = format!("{}:e{}", doc.id, i + 1);
        }
        let claims = distance_claims(&doc.id, text, &analysis);
        Extraction { events, claims, places: analysis.places }
    }

    /// The byte offset where the article body ends, and boilerplate line spans.
    fn boilerplate(&self, text: &str) -> (usize, Vec<(usize, usize)>) {
        let mut skip = Vec::new();
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            let start = pos;
            pos += line.len();
            match self.vocab.boilerplate_line(line) {
                Some(true) => return (start, skip),
                Some(false) => skip.push((start, pos)),
                None => {}
            }
        }
        (text.len(), skip)
    }

    /// Actors mentioned in the words, in order, with their word index.
    fn actors(&self, words: &[Word<'_>]) -> Vec<(usize, usize)> {
        // Every mention, in order: sentences pick theirs by word index and
        // keep the first mention of each actor.
        let mut out: Vec<(usize, usize)> = Vec::new();
        let mut i = 0;
        while i < words.len() {
            if words[i].starts & starts::ACTOR == 0 {
                i += 1;
                continue;
            }
            let hit = self.vocab.actor_aliases.longest_at(words.len(), i, |k| words[k].folded, |k| words[k].text, true);
            match hit {
                Some((len, v)) => {
                    out.push((v[0], i));
                    i += len;
                }
                None => i += 1,
            }
        }
        out
    }

    /// The strongest trigger: (word index, length in words, trigger).
    fn best_trigger(&self, words: &[Word<'_>]) -> Option<(usize, usize, Trigger)> {
        let mut best: Option<(usize, usize, Trigger)> = None;
        for i in 0..words.len() {
            if words[i].starts & starts::TRIGGER == 0 {
                continue;
            }
            if let Some((len, ts)) =
                self.vocab.triggers.longest_at(words.len(), i, |k| words[k].folded, |k| words[k].text, false)
            {
                for t in ts {
                    if best.as_ref().is_none_or(|b| t.weight > b.2.weight) {
                        best = Some((i, len, t.clone()));
                    }
                }
            }
        }
        best
    }

    /// A modality cue governing the trigger at word `ti`: the cue and
    /// whether it is a threat ("threatened to enter").
    fn modality(&self, words: &[Word<'_>], ti: usize) -> Option<(Modality, bool)> {
        let from = ti.saturating_sub(6);
        for i in from..=ti.min(words.len().saturating_sub(1)) {
            // A cue ends at or before the trigger's first word.
            let n = (ti + 1).min(words.len());
            if words[i].starts & starts::MODALITY == 0 {
                continue;
            }
            if let Some((len, m)) = self.vocab.modality.longest_at(n, i, |k| words[k].folded, |k| words[k].text, false)
            {
                let cue: String = words[i..i + len].iter().map(|w| w.folded).collect::<Vec<_>>().join(" ");
                let threat = cue.contains("threat") || cue.contains("warn") || cue.contains("vow");
                return Some((m[0], threat));
            }
        }
        None
    }

    fn code_actors(
        &self,
        actors: &[(usize, usize)],
        event_type: &str,
    ) -> (Option<String>, Option<String>, Option<String>) {
        let names: Vec<&vocab::Actor> = actors.iter().filter_map(|(a, _)| self.vocab.actors.get(*a)).collect();
        let mut order: Vec<&vocab::Actor> = names.clone();
        // Civilians are the targets of violence, never its first actor.
        let victims = event_type != "protest" && event_type != "riot";
        if victims {
            order.sort_by_key(|a| a.kind == "civilians");
            if order.first().is_some_and(|a| a.kind == "civilians") {
                return (None, order.first().map(|a| a.name.clone()), None);
            }
        }
        let actor1 = order.first().map(|a| a.name.clone());
        let actor2 = order.get(1).map(|a| a.name.clone());
        let assoc =
            (order.len() > 2).then(|| order[2..].iter().map(|a| a.name.as_str()).collect::<Vec<_>>().join("; "));
        (actor1, actor2, assoc)
    }

    fn locate(
        &self,
        text: &str,
        analysis: &Analysis<'g>,
        s: usize,
        e: usize,
        trigger_start: usize,
        focus: Option<&EventLocation<'g>>,
    ) -> Option<EventLocation<'g>> {
        // Anchors of relative statements whose target is in the sentence are
        // not the event's place ("Ain Nasir, 30 km south of Mosul").
        // Relative phrases are in text order; those of this sentence start
        // inside it.
        let rlo = analysis.relatives.partition_point(|(r, _)| r.start < s.saturating_sub(200));
        let rhi = analysis.relatives.partition_point(|(r, _)| r.start < e);
        let relatives = &analysis.relatives[rlo..rhi];
        let anchors: Vec<usize> = relatives
            .iter()
            .filter(|(r, _)| r.target.is_some_and(|(ts, _)| ts >= s && ts < e))
            .map(|(_, a)| *a)
            .collect();
        let mut best: Option<(f64, EventLocation<'g>)> = None;
        let first = analysis.places.partition_point(|p| p.byte_start < s);
        for (i, p) in analysis.places.iter().enumerate().skip(first) {
            if p.byte_start >= e {
                break;
            }
            if p.position.is_none() || anchors.contains(&i) {
                continue;
            }
            let prep = preposition_before(text, p.byte_start);
            let Some(mut loc) = location_of(p, prep.as_deref()) else { continue };
            // A place with no target of its own, anchoring "N km DIR of X".
            if let Some((r, _)) = relatives.iter().find(|(r, a)| *a == i && r.target.is_none())
                && let (Some(km), Some(b)) = (r.distance_km, r.bearing_deg)
            {
                loc.position = destination(loc.position, b, km * 1000.0);
                loc.precision = 2;
                loc.method = GeoMethod::Relative;
                loc.uncertainty_km = Some((0.15 * km).max(3.0));
                loc.name = format!("{} km {} of {}", fmt_km(km), r.direction.as_deref().unwrap_or(""), loc.name);
            }
            let tied = prep.is_some();
            // "villages south of Mosul": Mosul is an anchor, not the place.
            let vague_anchor = direction_of_before(text, p.byte_start);
            loc.source = if tied { LocationSource::Trigger } else { LocationSource::Sentence };
            if !tied && loc.precision == 1 {
                loc.precision = 2;
            }
            let distance = (p.byte_start as f64 - trigger_start as f64).abs() / 8.0;
            let penalty = distance
                + match loc.method {
                    GeoMethod::Country => 15.0,
                    GeoMethod::Admin => 8.0,
                    _ => 0.0,
                }
                + if tied { 0.0 } else { 5.0 }
                + if vague_anchor { 6.0 } else { 0.0 };
            if best.as_ref().is_none_or(|(b, _)| penalty < *b) {
                best = Some((penalty, loc));
            }
        }
        best.map(|(_, l)| l).or_else(|| {
            focus.map(|f| {
                let mut l = f.clone();
                l.source = LocationSource::Article;
                l.precision = l.precision.max(2);
                l
            })
        })
    }
}

/// Evidence an event needs (see [`Extractor::extract`]).
pub const MIN_EVIDENCE: f64 = 1.5;

/// Whether a sentence is about years before the report ("in 2014",
/// "between 2005 and 2009", "last year", "years ago").
fn background(sentence: &str, reference: Option<NaiveDate>) -> bool {
    use chrono::Datelike;
    let lower = sentence.to_ascii_lowercase();
    if lower.contains("last year") || lower.contains("years ago") || lower.contains("in the past") {
        return true;
    }
    let Some(r) = reference else {
        // Without a publication date, any year before the 2010s' present is
        // unknown: only years well before the report are clear background.
        return false;
    };
    let bytes = sentence.as_bytes();
    (0..bytes.len().saturating_sub(3)).any(|i| {
        let w = &bytes[i..i + 4];
        let boundary = (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && bytes.get(i + 4).is_none_or(|b| !b.is_ascii_alphanumeric());
        boundary
            && w.iter().all(u8::is_ascii_digit)
            && std::str::from_utf8(w)
                .ok()
                .and_then(|y| y.parse::<i32>().ok())
                .is_some_and(|y| (1900..r.year()).contains(&y))
    })
}

fn fmt_km(km: f64) -> String {
    if (km - km.round()).abs() < 1e-9 { format!("{}", km.round() as i64) } else { format!("{km:.1}") }
}

/// The location a place mention gives, with the preposition before it.
fn location_of<'g>(p: &PlaceMention<'g>, prep: Option<&str>) -> Option<EventLocation<'g>> {
    let position = p.position?;
    let near =
        matches!(prep, Some("near" | "around" | "outside" | "close" | "outskirts" | "towards" | "toward" | "from"));
    let (precision, method, name) = match (&p.place, p.method) {
        (_, Method::Relative) => (2, GeoMethod::Relative, p.surface.clone()),
        (Some(g), _) => match g.kind {
            Kind::Country => (3, GeoMethod::Country, g.name.to_string()),
            Kind::Admin1 | Kind::Admin2 | Kind::Region => (3, GeoMethod::Admin, g.name.to_string()),
            _ => (if near { 2 } else { 1 }, GeoMethod::Toponym, g.name.to_string()),
        },
        (None, _) => return None,
    };
    Some(EventLocation {
        name,
        place: p.place,
        position,
        precision,
        method,
        source: LocationSource::Sentence,
        uncertainty_km: p.uncertainty_km,
    })
}

/// Whether "DIRECTION of" stands right before byte `at` ("south of Mosul").
fn direction_of_before(text: &str, at: usize) -> bool {
    let mut from = at.saturating_sub(30);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let words: Vec<&str> = text[from..at].split_whitespace().collect();
    matches!(words.as_slice(), [.., d, of] if of.eq_ignore_ascii_case("of") && crate::geodesy::direction_bearing(d.trim_end_matches("ern")).is_some())
}

/// The preposition (or locative phrase head) right before byte `at`.
fn preposition_before(text: &str, at: usize) -> Option<String> {
    let mut from = at.saturating_sub(40);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = text[from..at].trim_end().to_ascii_lowercase();
    let mut words: Vec<&str> =
        before.split(|c: char| !c.is_alphanumeric() && c != '-').filter(|w| !w.is_empty()).collect();
    if matches!(words.last(), Some(&"the")) {
        words.pop();
    }
    let last = *words.last()?;
    let prev = words.len().checked_sub(2).map(|i| words[i]);
    match last {
        "in" | "at" | "near" | "around" | "outside" | "inside" | "into" | "across" | "towards" | "toward" | "on"
        | "against" | "from" | "throughout" | "within" => Some(last.to_string()),
        "of" if matches!(prev, Some("city" | "town" | "village" | "outskirts" | "province" | "area" | "district")) => {
            Some(if prev == Some("outskirts") { "outskirts".into() } else { "in".into() })
        }
        "to" if prev == Some("close") => Some("close".into()),
        _ => None,
    }
}

/// The article's focus: its most mentioned populated place or feature,
/// else division, else country.
fn focus<'g>(analysis: &Analysis<'g>) -> Option<EventLocation<'g>> {
    let mut counts: HashMap<u32, (usize, usize)> = HashMap::new();
    for (i, p) in analysis.places.iter().enumerate() {
        if let Some(g) = p.place {
            let e = counts.entry(g.index).or_insert((0, i));
            e.0 += 1;
        }
    }
    let rank = |k: Kind| match k {
        Kind::Country => 0,
        Kind::Admin1 | Kind::Admin2 | Kind::Region => 1,
        _ => 2,
    };
    let best = analysis.places.iter().filter_map(|p| p.place.map(|g| (g, p))).max_by_key(|(g, _)| {
        let (n, first) = counts.get(&g.index).copied().unwrap_or((0, usize::MAX));
        (rank(g.kind), n, std::cmp::Reverse(first))
    })?;
    location_of(best.1, None)
}

/// Sentences as byte spans, from the tokens' sentence starts.
pub fn sentences(text: &str, tokens: &[Token]) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = tokens.iter().filter(|t| t.sentence_start).map(|t| t.start).collect();
    let mut out = Vec::with_capacity(starts.len());
    for (i, &s) in starts.iter().enumerate() {
        // Include an opening quote or bracket right before the first word.
        let mut s2 = s;
        while s2 > 0 && matches!(text.as_bytes()[s2 - 1], b'"' | b'(' | b'[' | b'\'') {
            s2 -= 1;
        }
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        let seg = &text[s2..e];
        let trimmed = seg.trim_end();
        // Do not run a sentence into the opening quote of the next one.
        let trimmed = trimmed.trim_end_matches(['“', '"']).trim_end();
        out.push((s2, s2 + trimmed.len()));
    }
    out
}

fn words<'t>(text: &'t str, tokens: &[Token], folded: &'t Folded) -> Vec<Word<'t>> {
    tokens
        .iter()
        .zip(&folded.spans)
        .map(|(t, &(a, b, starts))| Word {
            folded: &folded.buf[a..b],
            text: &text[t.start..t.end],
            start: t.start,
            end: t.end,
            starts,
        })
        .collect()
}

/// The tokens of the sentence at bytes `s..e`, as a range of token indices:
/// those that start in it and end by its end (only the last token starting
/// in it can run past it).
fn sentence_words(tokens: &[Token], s: usize, e: usize) -> (usize, usize) {
    let from = tokens.partition_point(|t| t.start < s);
    let mut to = tokens.partition_point(|t| t.start < e);
    if to > from && tokens[to - 1].end > e {
        to -= 1;
    }
    (from, to)
}

fn trim_chars(s: &str, n: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= n {
        return s.to_string();
    }
    let mut out: String = s.chars().take(n - 1).collect();
    out.push('…');
    out
}

fn location_key(l: &Option<EventLocation<'_>>) -> Option<String> {
    l.as_ref().map(|l| l.place.map(|p| p.id.to_string()).unwrap_or_else(|| l.name.clone()))
}

/// Merge repeated reports of one event within an article: same type and
/// sub-type, same place, compatible dates.
fn merge_within(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out: Vec<Event<'_>> = Vec::new();
    // (type, sub-type, place) -> indices in `out`.
    let mut index: HashMap<(String, String, String), Vec<usize>> = HashMap::new();
    for ev in events {
        let Some(key) = location_key(&ev.location) else {
            out.push(ev);
            continue;
        };
        let k = (ev.event_type.clone(), ev.sub_type.clone(), key);
        let slot = index.entry(k).or_default();
        let same = slot.iter().copied().find(|&i| out[i].date.is_none() || ev.date.is_none() || out[i].date == ev.date);
        match same {
            Some(i) => absorb(&mut out[i], ev),
            None => {
                slot.push(out.len());
                out.push(ev);
            }
        }
    }
    out
}

fn richness(e: &Event<'_>) -> usize {
    [e.actor1.is_some(), e.actor2.is_some(), e.fatalities.is_some(), e.injured.is_some(), e.date.is_some()]
        .iter()
        .filter(|b| **b)
        .count()
}

fn actor_list(e: &Event<'_>) -> Vec<String> {
    let mut v: Vec<String> = [&e.actor1, &e.actor2].iter().filter_map(|a| (*a).clone()).collect();
    if let Some(a) = &e.assoc_actors {
        v.extend(a.split("; ").map(String::from));
    }
    v
}

fn absorb<'g>(o: &mut Event<'g>, ev: Event<'g>) {
    // Keep the richer report's sentence, trigger and offsets.
    if richness(&ev) > richness(o) {
        o.sentence = ev.sentence.clone();
        o.start = ev.start;
        o.end = ev.end;
        o.trigger = ev.trigger.clone();
        o.byte_span = ev.byte_span;
    }
    let mut actors = actor_list(o);
    for a in actor_list(&ev) {
        if !actors.contains(&a) {
            actors.push(a);
        }
    }
    o.actor1 = actors.first().cloned();
    o.actor2 = actors.get(1).cloned();
    o.assoc_actors = (actors.len() > 2).then(|| actors[2..].join("; "));
    o.reports += ev.reports;
    o.fatalities = o.fatalities.max(ev.fatalities);
    o.injured = o.injured.max(ev.injured);
    if o.date.is_none() {
        o.date = ev.date;
        o.date_precision = ev.date_precision;
    }
    if ev.location.as_ref().is_some_and(|l| o.location.as_ref().is_none_or(|m| l.precision < m.precision)) {
        o.location = ev.location;
    }
    o.confidence = o.confidence.max(ev.confidence);
}

/// Merge events across articles: same type, places within `km`, dates
/// within a day (or unknown), overlapping actors. The first report is kept
/// and records how many reports were merged.
pub fn dedup<'g>(events: Vec<Event<'g>>, km: f64) -> Vec<Event<'g>> {
    // Events are bucketed by type and a grid of cells at least `km` wide,
    // so each is compared with the events of its own and neighbouring cells.
    let cell_deg = (km / 111.0).max(0.01);
    let cell = |p: LonLat| ((p.lon / cell_deg).floor() as i64, (p.lat / cell_deg).floor() as i64);
    let mut out: Vec<Event<'g>> = Vec::new();
    let mut grid: HashMap<(String, i64, i64), Vec<usize>> = HashMap::new();
    for ev in events {
        let Some(pos) = ev.location.as_ref().map(|l| l.position) else {
            out.push(ev);
            continue;
        };
        let (cx, cy) = cell(pos);
        // Cells shrink in longitude toward the poles: widen the search there.
        let reach = (1.0 / pos.lat.to_radians().cos().max(0.05)).ceil() as i64;
        let mut found = None;
        'search: for dx in -reach..=reach {
            for dy in -1..=1 {
                let Some(ids) = grid.get(&(ev.event_type.clone(), cx + dx, cy + dy)) else { continue };
                for &i in ids {
                    if same_event(&out[i], &ev, km) {
                        found = Some(i);
                        break 'search;
                    }
                }
            }
        }
        match found {
            Some(i) => absorb(&mut out[i], ev),
            None => {
                grid.entry((ev.event_type.clone(), cx, cy)).or_default().push(out.len());
                out.push(ev);
            }
        }
    }
    out
}

fn same_event(o: &Event<'_>, ev: &Event<'_>, km: f64) -> bool {
    o.doc_id != ev.doc_id
        && o.event_type == ev.event_type
        && match (&o.location, &ev.location) {
            (Some(a), Some(b)) => haversine_m(a.position, b.position) <= km * 1000.0,
            _ => false,
        }
        && match (o.date, ev.date) {
            (Some(a), Some(b)) => (a - b).num_days().abs() <= 1,
            _ => true,
        }
        && {
            let a = actor_list(o);
            let b = actor_list(ev);
            a.is_empty() || b.is_empty() || a.iter().any(|x| b.contains(x))
        }
}

fn distance_claims<'g>(doc_id: &str, text: &str, analysis: &Analysis<'g>) -> Vec<DistanceClaim<'g>> {
    let mut out = Vec::new();
    let mut offsets = CharOffsets::new(text);
    for (r, anchor_idx) in &analysis.relatives {
        let (Some(km), Some((ts, te))) = (r.distance_km, r.target) else { continue };
        let Some(anchor) = analysis.places.get(*anchor_idx) else { continue };
        let Some(from) = anchor.place else { continue };
        // Places are in text order and do not overlap: the first one that
        // ends after the target starts is the only one that can overlap it.
        // (A scan of all places per claim made a long document quadratic.)
        let k = analysis.places.partition_point(|p| p.byte_end <= ts);
        let Some(to) = analysis.places.get(k).filter(|p| p.byte_start < te).and_then(|p| p.place) else {
            continue;
        };
        out.push(claim(doc_id, text, r, from, to, km, anchor.byte_end, &mut offsets));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn claim<'g>(
    doc_id: &str,
    text: &str,
    r: &RelativePhrase,
    from: Place<'g>,
    to: Place<'g>,
    km: f64,
    anchor_end: usize,
    offsets: &mut CharOffsets<'_>,
) -> DistanceClaim<'g> {
    let a = LonLat::new(from.lon, from.lat);
    let b = LonLat::new(to.lon, to.lat);
    let geodesic_km = distance_m(a, b) / 1000.0;
    let bearing = bearing_deg(a, b);
    // "about 50 km": 25% or 10 km, whichever is larger; a bare figure 15%.
    let loose = r.qualifier.is_some();
    let tolerance_km = (km * if loose { 0.25 } else { 0.15 }).max(10.0);
    let direction_ok = r.bearing_deg.is_none_or(|rb| angle_between(rb, bearing) <= 45.0);
    let holds = (geodesic_km - km).abs() <= tolerance_km && direction_ok;
    DistanceClaim {
        doc_id: doc_id.to_string(),
        from,
        to,
        reported_km: km,
        geodesic_km,
        bearing_deg: bearing,
        reported_direction: r.direction.clone(),
        reported_bearing_deg: r.bearing_deg,
        qualifier: r.qualifier.clone(),
        tolerance_km,
        holds,
        phrase: text[r.start..r.anchor_start].trim().to_string(),
        start: offsets.at(r.start),
        end: offsets.at(anchor_end),
    }
}
