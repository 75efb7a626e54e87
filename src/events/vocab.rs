//! The event vocabulary: actors, triggers, modality cues and boilerplate,
//! read from the data files in `data/events/` (embedded) and user files.

use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, Result};
use crate::gazetteer::normalize::fold_token;
use crate::memo::WordMap;
use crate::text::ShapeFilter;

/// An actor of the dictionary.
#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    /// Canonical name.
    pub name: String,
    /// ACLED-style category (`state_forces`, `rebel_group`, ...).
    pub kind: String,
    /// Home country (ISO alpha-2), or empty.
    pub country: String,
}

/// An event trigger.
#[derive(Clone, Debug, PartialEq)]
pub struct Trigger {
    /// Event type (`battle`, ...).
    pub event_type: String,
    /// Sub-event type (`armed_clash`, ...).
    pub sub_type: String,
    /// Strength of the signal in (0, 1].
    pub weight: f64,
}

/// What a modality cue does to a nearby trigger.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Modality {
    /// Threats, plans, possibilities: not an event that happened.
    Hypothetical,
    /// Negation.
    Negated,
    /// A general statement, not one dated event.
    General,
}

/// A phrase dictionary keyed by folded token sequences.
#[derive(Clone, Debug)]
pub struct Phrases<T> {
    /// folded phrase -> values; exact-case phrases are keyed by their text
    /// behind a `\u{1}` marker.
    map: rustc_hash::FxHashMap<String, Vec<T>>,
    /// Every proper token prefix of a key, so a walk stops as soon as no
    /// phrase can continue.
    prefixes: rustc_hash::FxHashSet<String>,
    /// First words of the folded phrases: most words start none.
    firsts: rustc_hash::FxHashSet<String>,
    /// The shapes of `firsts`, which reject most words without hashing them.
    firsts_shape: ShapeFilter,
    /// First words of the exact-case phrases, as written.
    firsts_exact: WordMap<()>,
    /// Whether any phrase is exact-case.
    has_exact: bool,
    /// Longest phrase, in tokens.
    pub max_len: usize,
}

impl<T> Default for Phrases<T> {
    fn default() -> Self {
        Phrases {
            map: Default::default(),
            prefixes: Default::default(),
            firsts: Default::default(),
            firsts_shape: ShapeFilter::default(),
            firsts_exact: Default::default(),
            has_exact: false,
            max_len: 0,
        }
    }
}

impl<T: Clone> Phrases<T> {
    /// Add a phrase, tokenised exactly as text is ("People's" gives
    /// "people"), so that it matches what the extractor sees.
    fn insert(&mut self, phrase: &str, exact_case: bool, value: T) {
        let tokens = crate::text::tokenize(phrase);
        if tokens.is_empty() {
            return;
        }
        self.max_len = self.max_len.max(tokens.len());
        let words: Vec<&str> = tokens.iter().map(|t| &phrase[t.start..t.end]).collect();
        let key = if exact_case {
            format!("\u{1}{}", words.join(" "))
        } else {
            words.iter().map(|w| fold_token(w)).collect::<Vec<_>>().join(" ")
        };
        for (i, b) in key.bytes().enumerate() {
            if b == b' ' {
                self.prefixes.insert(key[..i].to_string());
            }
        }
        if exact_case {
            self.has_exact = true;
            self.firsts_exact.insert(words[0].as_bytes(), ());
        } else {
            let first = key.split(' ').next().unwrap_or("");
            self.firsts_shape.add(first.as_bytes());
            self.firsts.insert(first.to_string());
        }
        self.map.entry(key).or_default().push(value);
    }

    /// The longest phrase starting at word `i`: its length in words and its
    /// values. `folded(k)` and `exact(k)` give word `k` folded and as written.
    pub fn longest_at<'a>(
        &self,
        n: usize,
        i: usize,
        folded: impl Fn(usize) -> &'a str,
        exact: impl Fn(usize) -> &'a str,
        with_exact: bool,
    ) -> Option<(usize, &[T])> {
        let mut best = None;
        let first = folded(i);
        if self.firsts_shape.may_contain(first.as_bytes()) && self.firsts.contains(first) {
            // One word: no key to build.
            if let Some(v) = self.map.get(first) {
                best = Some((1, v.as_slice()));
            }
            if self.prefixes.contains(first) {
                let mut key = String::with_capacity(64);
                key.push_str(first);
                for j in i + 1..n.min(i + self.max_len) {
                    key.push(' ');
                    key.push_str(folded(j));
                    if let Some(v) = self.map.get(&key) {
                        best = Some((j - i + 1, v.as_slice()));
                    }
                    if !self.prefixes.contains(&key) {
                        break;
                    }
                }
            }
        }
        // Exact-case phrases are abbreviations: they start with a capital.
        if with_exact
            && self.has_exact
            && exact(i).starts_with(|c: char| c.is_uppercase())
            && self.firsts_exact.get(exact(i).as_bytes()).is_some()
        {
            let mut key = String::from("\u{1}");
            for j in i..n.min(i + self.max_len.max(1)) {
                if j > i {
                    key.push(' ');
                }
                key.push_str(exact(j));
                if let Some(v) = self.map.get(&key)
                    && best.is_none_or(|(l, _)| j - i + 1 >= l)
                {
                    best = Some((j - i + 1, v.as_slice()));
                }
                if !self.prefixes.contains(&key) {
                    break;
                }
            }
        }
        best
    }

    /// The folded first words of the phrases.
    fn firsts(&self) -> impl Iterator<Item = &str> {
        self.firsts.iter().map(String::as_str)
    }

    /// Whether an exact-case phrase starts with `text` (as written).
    #[inline]
    fn may_start_exact(&self, text: &str) -> bool {
        // Most words start with an ASCII byte that is no capital: answered
        // from that byte, without decoding a character.
        let ascii_non_capital = text.as_bytes().first().is_none_or(|&b| b < 0x80 && !b.is_ascii_uppercase());
        self.has_exact
            && !ascii_non_capital
            && text.starts_with(|c: char| c.is_uppercase())
            && self.firsts_exact.get(text.as_bytes()).is_some()
    }

    /// The values of a folded phrase.
    pub fn get(&self, folded: &str) -> Option<&[T]> {
        self.map.get(folded).map(Vec::as_slice)
    }

    /// The values of an exact-case phrase.
    pub fn get_exact(&self, text: &str) -> Option<&[T]> {
        self.map.get(&format!("\u{1}{text}")).map(Vec::as_slice)
    }
}

/// Everything the extractor needs to know about words.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    /// Actors, indexed by the values of the alias dictionary.
    pub actors: Vec<Actor>,
    /// Alias -> actor index. The dictionaries change only through the
    /// `add_` methods, which keep [`Vocabulary::starts`] up to date.
    pub(crate) actor_aliases: Phrases<usize>,
    /// Trigger phrase -> triggers.
    pub(crate) triggers: Phrases<Trigger>,
    /// Cue phrase -> modality.
    pub(crate) modality: Phrases<Modality>,
    /// Line starts that mark boilerplate; `true` when the line ends the article.
    boilerplate: Vec<(String, bool)>,
    /// The longest boilerplate pattern in bytes, and the first bytes of the
    /// patterns (bit `b - 64` for `b` in 64..128, bit 64 for any other).
    boilerplate_shape: (usize, u128),
    /// The first words of all phrase dictionaries, made when first needed.
    first_words: OnceLock<FirstWords>,
}

/// Bits of [`Vocabulary::starts`]: the dictionaries a word may start a phrase of.
pub mod starts {
    /// The actor aliases.
    pub const ACTOR: u8 = 1;
    /// The event triggers.
    pub const TRIGGER: u8 = 2;
    /// The modality cues.
    pub const MODALITY: u8 = 4;
}

/// Folded first words of every dictionary with their [`starts`] bits: one
/// lookup per word instead of one per dictionary.
#[derive(Clone, Debug)]
struct FirstWords {
    bits: WordMap<u8>,
    shape: ShapeFilter,
}

fn csv_rows(text: &str, name: &str, columns: usize) -> Result<Vec<(u64, Vec<String>)>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| Error::Line {
            source_name: name.into(),
            line: e.position().map_or(0, |p| p.line()),
            message: format!("malformed CSV: {e}"),
        })?;
        let line = rec.position().map_or(0, |p| p.line());
        if rec.len() < columns {
            return Err(Error::Line {
                source_name: name.into(),
                line,
                message: format!("expected {columns} columns, found {}", rec.len()),
            });
        }
        out.push((line, rec.iter().map(|f| f.trim().to_string()).collect()));
    }
    Ok(out)
}

/// Whether an alias is matched only in its exact case (ISIS, PMF, IS).
pub fn exact_case_alias(alias: &str) -> bool {
    let letters: Vec<char> = alias.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.len() <= 6 && letters.iter().all(|c| c.is_uppercase())
}

impl Vocabulary {
    /// The vocabulary shipped with geoevent.
    pub fn embedded() -> Result<Vocabulary> {
        let mut v = Vocabulary::default();
        v.add_actors(include_str!("../../data/events/actors.csv"), "data/events/actors.csv")?;
        v.add_triggers(include_str!("../../data/events/triggers.csv"), "data/events/triggers.csv")?;
        v.add_modality(include_str!("../../data/events/modality.csv"), "data/events/modality.csv")?;
        v.add_boilerplate(include_str!("../../data/events/boilerplate.txt"));
        Ok(v)
    }

    /// Add the actors of a CSV (`actor,type,country,aliases`).
    pub fn add_actors(&mut self, text: &str, name: &str) -> Result<()> {
        self.changed();
        for (line, row) in csv_rows(text, name, 4)? {
            if row[0].is_empty() {
                return Err(Error::Line { source_name: name.into(), line, message: "actor must not be empty".into() });
            }
            let idx = self.actors.len();
            self.actors.push(Actor { name: row[0].clone(), kind: row[1].clone(), country: row[2].clone() });
            for alias in std::iter::once(row[0].as_str()).chain(row[3].split('|')) {
                let alias = alias.trim();
                if !alias.is_empty() {
                    self.actor_aliases.insert(alias, exact_case_alias(alias), idx);
                }
            }
        }
        Ok(())
    }

    /// Add actors from a file.
    pub fn add_actors_file(&mut self, path: &Path) -> Result<()> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        self.add_actors(&text, &path.display().to_string())
    }

    fn add_triggers(&mut self, text: &str, name: &str) -> Result<()> {
        self.changed();
        for (line, row) in csv_rows(text, name, 4)? {
            let weight: f64 = row[3].parse().map_err(|_| Error::Line {
                source_name: name.into(),
                line,
                message: format!("weight must be a number in (0, 1], found {:?}", row[3]),
            })?;
            let t = Trigger { event_type: row[0].clone(), sub_type: row[1].clone(), weight };
            self.triggers.insert(&row[2], false, t);
        }
        Ok(())
    }

    fn add_modality(&mut self, text: &str, name: &str) -> Result<()> {
        self.changed();
        for (line, row) in csv_rows(text, name, 2)? {
            let m = match row[1].as_str() {
                "hypothetical" => Modality::Hypothetical,
                "negated" => Modality::Negated,
                "past_general" | "general" => Modality::General,
                other => {
                    return Err(Error::Line {
                        source_name: name.into(),
                        line,
                        message: format!("effect must be hypothetical, negated or past_general, found {other:?}"),
                    });
                }
            };
            self.modality.insert(&row[0], false, m);
        }
        Ok(())
    }

    fn add_boilerplate(&mut self, text: &str) {
        for line in text.lines() {
            // Keep a trailing space: "follow " must not match "Following".
            let l = line.trim_end_matches(['\r', '\n']);
            if l.trim().is_empty() || l.starts_with('#') {
                continue;
            }
            let (ends, pat) = match l.strip_prefix('!') {
                Some(p) => (true, p),
                None => (false, l),
            };
            let pat = pat.to_lowercase();
            let (longest, firsts) = &mut self.boilerplate_shape;
            *longest = (*longest).max(pat.len());
            *firsts |= first_byte_bit(pat.as_bytes().first().copied());
            self.boilerplate.push((pat, ends));
        }
    }

    /// Forget what was derived from the dictionaries: they changed.
    fn changed(&mut self) {
        self.first_words = OnceLock::new();
    }

    /// The dictionaries ([`starts`] bits) whose phrases may start with a
    /// word, given folded and as written. Clear bits are certain; a set bit
    /// means the dictionary must be asked.
    pub fn starts(&self, folded: &str, text: &str) -> u8 {
        let first = self.first_words();
        let mut bits = 0;
        if first.shape.may_contain(folded.as_bytes()) {
            bits = first.bits.get(folded.as_bytes()).copied().unwrap_or(0);
        }
        bits | self.exact_start(text)
    }

    /// [`Vocabulary::starts`] of a word whose folded form is the key
    /// `folded` made by [`crate::memo::pack`].
    #[inline]
    pub fn starts_packed(&self, folded: u128, text: &str) -> u8 {
        let first = self.first_words();
        let len = usize::from((folded >> 120) as u8);
        let mut bits = 0;
        if first.shape.may_contain_shape(len, folded as u8) {
            bits = first.bits.get_packed(folded).copied().unwrap_or(0);
        }
        bits | self.exact_start(text)
    }

    /// [`starts::ACTOR`] when an exact-case actor alias starts with `text`.
    #[inline]
    fn exact_start(&self, text: &str) -> u8 {
        if self.actor_aliases.may_start_exact(text) { starts::ACTOR } else { 0 }
    }

    fn first_words(&self) -> &FirstWords {
        self.first_words.get_or_init(|| {
            let mut f = FirstWords { bits: WordMap::default(), shape: ShapeFilter::default() };
            let dictionaries = [
                (starts::ACTOR, self.actor_aliases.firsts().collect::<Vec<_>>()),
                (starts::TRIGGER, self.triggers.firsts().collect()),
                (starts::MODALITY, self.modality.firsts().collect()),
            ];
            for (bit, words) in dictionaries {
                for w in words {
                    f.shape.add(w.as_bytes());
                    let old = f.bits.get(w.as_bytes()).copied().unwrap_or(0);
                    f.bits.insert(w.as_bytes(), old | bit);
                }
            }
            f
        })
    }

    /// Whether a line is boilerplate, and whether it ends the article body.
    pub fn boilerplate_line(&self, line: &str) -> Option<bool> {
        // Only the line's start is compared: lowercase two characters more
        // than the longest pattern (so a longer line still differs from
        // every pattern, and the character after a pattern is there).
        let line = line.trim();
        let (longest, firsts) = self.boilerplate_shape;
        // A pattern matches only a line that starts with its first byte
        // (lowercased: patterns are lowercase).
        let first = line.as_bytes().first().map(u8::to_ascii_lowercase);
        if first.is_some_and(|b| b.is_ascii()) && firsts & first_byte_bit(first) == 0 {
            return None;
        }
        let cut = line.char_indices().nth(longest + 2).map_or(line.len(), |(i, _)| i);
        let l = line[..cut].to_lowercase();
        if l.is_empty() {
            return None;
        }
        self.boilerplate
            .iter()
            .find(|(p, _)| {
                // Equal first bytes: a cheap test before comparing more.
                p.as_bytes().first() == l.as_bytes().first()
                    && (l == p.trim_end()
                        || l.starts_with(p.as_str())
                            && (p.ends_with(' ')
                                || l.len() == p.len()
                                || !l.as_bytes()[p.len()].is_ascii_alphanumeric()))
            })
            .map(|(_, ends)| *ends)
    }
}

/// The bit of [`Vocabulary::boilerplate_shape`] for a first byte.
fn first_byte_bit(b: Option<u8>) -> u128 {
    match b {
        Some(b @ 64..128) => 1 << (b - 64),
        _ => 1 << 64,
    }
}

/// Fold one token as the dictionaries do.
pub fn fold(word: &str) -> String {
    fold_token(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first word of every phrase sets its dictionary's bit; other
    /// words set none.
    #[test]
    fn starts_covers_every_first_word() {
        let v = Vocabulary::embedded().expect("vocabulary");
        let dictionaries: [(u8, Vec<&String>); 3] = [
            (starts::ACTOR, v.actor_aliases.map.keys().collect()),
            (starts::TRIGGER, v.triggers.map.keys().collect()),
            (starts::MODALITY, v.modality.map.keys().collect()),
        ];
        for (bit, keys) in dictionaries {
            assert!(!keys.is_empty());
            for key in keys {
                let bits = match key.strip_prefix('\u{1}') {
                    Some(exact) => v.starts("", exact.split(' ').next().unwrap_or("")),
                    None => v.starts(key.split(' ').next().unwrap_or(""), ""),
                };
                assert_ne!(bits & bit, 0, "{key:?}");
            }
        }
        assert_eq!(v.starts("zqxj", "Zqxj"), 0);
        for (folded, text) in
            [("killed", "killed"), ("peshmerga", "Peshmerga"), ("isis", "ISIS"), ("zqxj", "Zqxj"), ("", "")]
        {
            let packed = crate::memo::pack(folded.as_bytes()).expect("short");
            assert_eq!(v.starts_packed(packed, text), v.starts(folded, text), "{folded}");
        }
    }

    /// Every boilerplate pattern still matches a line that starts with it
    /// (in any case) after the first-byte prefilter.
    #[test]
    fn boilerplate_lines_pass_the_prefilter() {
        let v = Vocabulary::embedded().expect("vocabulary");
        assert!(!v.boilerplate.is_empty());
        for (p, ends) in &v.boilerplate {
            let line = format!("  {}{}", p.to_uppercase(), if p.ends_with(' ') { "more" } else { "" });
            assert_eq!(v.boilerplate_line(&line), Some(*ends), "{p:?}");
        }
        assert_eq!(v.boilerplate_line("Zzyzx road closed"), None);
        assert_eq!(v.boilerplate_line(""), None);
    }

    /// Actors added later are seen: the first-word table is made again.
    #[test]
    fn starts_follows_added_actors() {
        let mut v = Vocabulary::embedded().expect("vocabulary");
        assert_eq!(v.starts("zqxj", "zqxj") & starts::ACTOR, 0);
        v.add_actors("actor,type,country,aliases\nZqxj Brigade,rebel,IQ,\n", "extra.csv").expect("actors");
        assert_ne!(v.starts("zqxj", "zqxj") & starts::ACTOR, 0);
    }
}
