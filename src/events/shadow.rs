//! ASCII shadows of text for the event patterns.
//!
//! The casualty and date patterns compiled with Unicode classes (`\w`, `\b`,
//! `\d`, `\s`) have lazy DFAs whose states do not stay cached: on a sentence
//! with any non-ASCII character they rebuild states or fall back to slower
//! engines. Compiled ASCII-only, they run on a *shadow* of the sentence in
//! which each non-ASCII character is replaced by an ASCII one the patterns
//! treat the same way. No pattern names a non-ASCII character, so they match
//! the shadow where the Unicode patterns match the sentence.

use std::cell::RefCell;
use std::sync::OnceLock;

use regex::Regex;

/// A sentence's shadow, and the stand-ins seen so far.
#[derive(Default)]
struct Shadow {
    /// The shadow of the last [`Shadow::fill`].
    text: String,
    stand_ins: rustc_hash::FxHashMap<char, Option<char>>,
}

impl Shadow {
    /// Make the shadow of `sentence`: each non-ASCII character becomes its
    /// [`stand_in`], once, or as many times as the character has bytes when
    /// `keep_offsets` (then every byte offset of the sentence is the same in
    /// the shadow). `false` when a character has no stand-in.
    fn fill(&mut self, sentence: &str, keep_offsets: bool) -> bool {
        self.text.clear();
        for c in sentence.chars() {
            if c.is_ascii() {
                self.text.push(c);
                continue;
            }
            let Some(s) = *self.stand_ins.entry(c).or_insert_with(|| stand_in(c)) else {
                return false;
            };
            let times = if keep_offsets { c.len_utf8() } else { 1 };
            for _ in 0..times {
                self.text.push(s);
            }
        }
        true
    }
}

thread_local! {
    static SHADOW: RefCell<Shadow> = RefCell::default();
}

/// `f` of the shadow of `sentence` (see [`Shadow::fill`]): `sentence`
/// itself when it is ASCII, else made in this thread's buffer; `None` when
/// a character has no stand-in (or the buffer is in use).
pub(crate) fn of<R>(sentence: &str, keep_offsets: bool, f: impl FnOnce(Option<&str>) -> R) -> R {
    if sentence.is_ascii() {
        return f(Some(sentence));
    }
    SHADOW.with(|shadow| {
        let Ok(mut s) = shadow.try_borrow_mut() else { return f(None) };
        if s.fill(sentence, keep_offsets) { f(Some(&s.text)) } else { f(None) }
    })
}

/// The ASCII stand-in of a non-ASCII character, by the same Unicode tables
/// the patterns are compiled with: a word character becomes `q` (in no
/// pattern word), white space a tab (`\s`, but not the literal space of "at
/// least" or "last week"), `’` an apostrophe, anything else `#`. `None` for a
/// digit (`\d` would match it) or a letter that case-folds to an ASCII one
/// (`ſ`, the Kelvin sign; `(?i)` would match it to `s` or `k`).
fn stand_in(c: char) -> Option<char> {
    static CLASSES: OnceLock<[Regex; 4]> = OnceLock::new();
    let [digit, ascii_letter, space, word] = CLASSES.get_or_init(|| {
        [r"\A\d\z", r"(?i)\A[a-z]\z", r"\A\s\z", r"\A\w\z"].map(|p| Regex::new(p).expect("static regex"))
    });
    let s = c.to_string();
    if c == '’' {
        Some('\'')
    } else if digit.is_match(&s) || ascii_letter.is_match(&s) {
        None
    } else if space.is_match(&s) {
        Some('\t')
    } else if word.is_match(&s) {
        Some('q')
    } else {
        Some('#')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shadows() {
        let mut shadow = Shadow::default();
        let sentence = "Mosul’s café:\u{a0}“12” — naïve\u{301}";
        assert!(shadow.fill(sentence, false));
        assert_eq!(shadow.text, "Mosul's cafq:\t#12# # naqveq");
        assert!(shadow.fill(sentence, true));
        assert_eq!(shadow.text, "Mosul'''s cafqq:\t\t###12### ### naqqveqq");
        assert_eq!(shadow.text.len(), sentence.len());
        for no_stand_in in ["٣ killed", "ſix killed", "\u{212a}illed 4"] {
            assert!(!shadow.fill(no_stand_in, false), "{no_stand_in}");
            assert!(!shadow.fill(no_stand_in, true), "{no_stand_in}");
        }
    }

    #[test]
    fn a_shadow_in_use_is_not_lent_twice() {
        let nested = of("café", true, |outer| {
            assert_eq!(outer, Some("cafqq"));
            of("naïve", true, |inner| inner.is_none())
        });
        assert!(nested);
        assert_eq!(of("ſix", false, |s| s.map(str::to_string)), None);
        assert_eq!(of("Mosul", true, |s| s.map(|s| s.as_ptr())), Some("Mosul".as_ptr()));
    }
}
