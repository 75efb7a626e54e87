//! Name normalisation shared by the gazetteer index builder and the matcher.
//!
//! A name is split into tokens, each folded to lowercase ASCII with diacritics,
//! apostrophes and periods removed; the lookup key is the tokens joined by one
//! space. `Fallūjah`, `FALLUJAH` and `Fallujah` all give `fallujah`; `Al-Qa'im`
//! gives `al qaim`; `U.S.` gives `us`.
//!
//! This file is also compiled into `build.rs` (with `#[path]`), so it uses
//! nothing but `std` and `deunicode`.

/// Arabic definite-article forms that may be dropped from the front of a name
/// (`Al-Qaim` is also found as `Qaim`, `Ar Ramadi` as `Ramadi`).
pub const ARTICLES: &[&str] =
    &["al", "el", "ad", "an", "ar", "as", "ash", "at", "az", "ez", "ed", "en", "es", "et", "adh", "ath"];

/// Whether `c` is an apostrophe-like mark that names drop (`Qa'im`, `Qaʿim`).
pub fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BF}' | '\u{02BE}' | '\u{02BC}' | '`' | '\u{00B4}')
}

/// Append the folded form of one token to `out`: ASCII lowercase letters and
/// digits only, diacritics stripped, apostrophes and periods dropped.
pub fn fold_token_into(token: &str, out: &mut String) {
    if fold_short_alnum(token.as_bytes(), out) {
        return;
    }
    // Other ASCII tokens: one pass, a table lookup a byte, no check of the
    // result.
    if token.is_ascii() {
        // SAFETY: only bytes of ASCII_FOLD, all ASCII, are pushed, so `out`
        // stays UTF-8.
        let bytes = unsafe { out.as_mut_vec() };
        // Every byte mapped in one loop with no branch, then the dropped
        // ones (0: an apostrophe, a period) removed, in the few tokens that
        // have any.
        let start = bytes.len();
        bytes.extend(token.as_bytes().iter().map(|&b| ASCII_FOLD[usize::from(b)]));
        // (A fold, not `contains`: a token is short, and a call to memchr
        // cost more than the loop.)
        if bytes[start..].iter().fold(false, |zero, &b| zero | (b == 0)) {
            let mut k = start;
            for i in start..bytes.len() {
                if bytes[i] != 0 {
                    bytes[k] = bytes[i];
                    k += 1;
                }
            }
            bytes.truncate(k);
        }
        return;
    }
    fold_chars_into(token, out);
}

/// [`fold_token_into`] of the token `text[start..end]`: a short one's key
/// packed with one 16-byte load from the text when 16 bytes are there
/// ([`crate::swar::pack_at`]), not with loads chosen by its length (a
/// branch that mispredicts from word to word).
pub fn fold_text_token_into(text: &str, start: usize, end: usize, out: &mut String) {
    match short_folded_key(text, start, end) {
        Some(key) => store_folded(key, out),
        None => fold_token_into(&text[start..end], out),
    }
}

/// The folded key of the token `text[start..end]`, packed as
/// [`crate::swar::pack`] packs it, when the token is at most 15 ASCII
/// letters and digits (most words): what [`fold_text_token_into`] appends,
/// with no string. `None` for any other token.
#[inline]
pub fn short_folded_key(text: &str, start: usize, end: usize) -> Option<u128> {
    use crate::swar::{is_ascii_alnum, lowercase_key, pack_at};
    pack_at(text.as_bytes(), start, end).filter(|&k| is_ascii_alnum(k)).map(lowercase_key)
}

/// [`fold_token_into`] of a token of at most 15 ASCII letters and digits
/// (most words): its packed key lowercased eight bytes at a time and
/// appended with one 16-byte store, with no loop over its bytes (a loop's
/// exit mispredicts at a different length each word). `false`, with `out`
/// untouched, for any other token.
#[inline]
fn fold_short_alnum(token: &[u8], out: &mut String) -> bool {
    use crate::swar::{is_ascii_alnum, pack};
    let Some(key) = pack(token).filter(|&k| is_ascii_alnum(k)) else { return false };
    store_folded(crate::swar::lowercase_key(key), out);
    true
}

/// Append the folded token packed in `key` (by [`crate::swar::pack`], of
/// ASCII lowercase letters and digits only) with one 16-byte store.
#[inline]
fn store_folded(key: u128, out: &mut String) {
    // The length byte of the key.
    let n = (key >> 120) as usize;
    out.reserve(16);
    // SAFETY: `reserve` made room for 16 more bytes, so the unaligned store
    // stays inside the allocation; only the first `token.len()` of them,
    // ASCII letters and digits (the rest are zeros and the key's length
    // byte), become part of the string, which stays UTF-8.
    unsafe {
        let bytes = out.as_mut_vec();
        let len = bytes.len();
        std::ptr::write_unaligned(bytes.as_mut_ptr().add(len).cast::<[u8; 16]>(), key.to_le_bytes());
        bytes.set_len(len + n);
    }
}

/// [`fold_token_into`] a character at a time: any token.
fn fold_chars_into(token: &str, out: &mut String) {
    for c in token.chars() {
        if c.is_ascii() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_lowercase());
            }
        } else if let Some(s) = deunicode::deunicode_char(c) {
            for d in s.chars() {
                if d.is_ascii_alphanumeric() {
                    out.push(d.to_ascii_lowercase());
                }
            }
        }
    }
}

/// The folded form of each ASCII byte: lowercase for letters, itself for
/// digits, 0 (dropped) for anything else.
const ASCII_FOLD: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = c.to_ascii_lowercase();
        }
        b += 1;
    }
    t
};

/// The folded form of one token.
pub fn fold_token(token: &str) -> String {
    // Room for the 16-byte store of a short token, so that it does not
    // grow the string it has just made.
    let mut s = String::with_capacity(token.len().max(16));
    fold_token_into(token, &mut s);
    s
}

/// Split a gazetteer name into folded tokens. Separators are white space,
/// hyphens and dashes, commas, slashes and parentheses.
pub fn name_tokens(name: &str) -> Vec<String> {
    name.split(is_name_separator).map(fold_token).filter(|t| !t.is_empty()).collect()
}

fn is_name_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '\u{2010}' | '\u{2013}' | '\u{2014}' | ',' | '/' | '(' | ')' | ';')
}

/// The lookup key of a name: its folded tokens joined by one space
/// (`name_tokens(name).join(" ")`, without the intermediate strings).
pub fn name_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for part in name.split(is_name_separator) {
        let mark = out.len();
        if mark > 0 {
            out.push(' ');
        }
        let before = out.len();
        fold_token_into(part, &mut out);
        if out.len() == before {
            out.truncate(mark);
        }
    }
    out
}

/// Whether a name is written as an abbreviation (`US`, `U.S.`, `UAE`, `KRI`):
/// two to five letters, all uppercase. Abbreviations only match text written
/// in the same uppercase form.
pub fn is_abbreviation(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    (2..=5).contains(&letters.len())
        && letters.iter().all(|c| c.is_uppercase())
        && name.chars().all(|c| c.is_alphabetic() || c == '.')
}

/// A looser spelling key for transliteration variants: `Makhmour`, `Makhmur`
/// and `Mexmur` all give `makmur`; `Falluja` and `Fallujah` give `faluja`.
///
/// Digraphs are reduced (`kh`->`k`, `gh`->`g`, `q`->`k`, `x`->`k`, `dh`->`d`,
/// `th`->`t`, `ph`->`f`), `h` is dropped, `e`->`a`, `o`->`u`, `y`->`i`, and
/// runs of one letter collapse. Returns `None` for keys too short to compare
/// loosely (fewer than five letters), where the loose form would collide.
/// The loose key may equal the key itself.
pub fn loose_key(key: &str) -> Option<String> {
    if key.chars().filter(|c| c.is_ascii_alphabetic()).count() < 5 {
        return None;
    }
    Some(loose_form(key))
}

/// The loose form of a key of any length (see [`loose_key`]). Token
/// boundaries are kept, so the loose form of a key's token prefix is a token
/// prefix of its loose form.
pub fn loose_form(key: &str) -> String {
    let mut mapped = Vec::with_capacity(key.len());
    loose_form_into(key, &mut mapped);
    // Only ASCII bytes were pushed.
    String::from_utf8(mapped).unwrap_or_default()
}

/// What [`loose_form_into`] maps a byte to (an `h` is dropped, not mapped).
const LOOSE: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = i as u8;
        i += 1;
    }
    t[b'q' as usize] = b'k';
    t[b'x' as usize] = b'k';
    t[b'e' as usize] = b'a';
    t[b'o' as usize] = b'u';
    t[b'y' as usize] = b'i';
    t
};

/// Append the loose form of `key` (see [`loose_form`]) to `out`, without
/// allocating. The run collapse looks only at what this call appended.
///
/// Of the digraphs only `ph` maps to something else than its first letter
/// does alone (`kh`, `gh`, `dh`, `th`: the `h` is dropped anyway). So each
/// byte maps on its own, by a table, and is written whether it is kept or
/// not; whether it is kept moves the end. No branch per byte: a `match` on
/// the byte mispredicted about one byte in eight.
pub fn loose_form_into(key: &str, out: &mut Vec<u8>) {
    let b = key.as_bytes();
    let base = out.len();
    out.resize(base + b.len(), 0);
    let mut n = base;
    // The byte last kept; 256: none yet.
    let mut last: u16 = 256;
    for (i, &c) in b.iter().enumerate() {
        let ph = c == b'p' && b.get(i + 1) == Some(&b'h');
        let o = if ph { b'f' } else { LOOSE[usize::from(c)] };
        let keep = c != b'h' && (u16::from(o) != last || o == b' ');
        out[n] = o;
        n += usize::from(keep);
        // A byte not kept for being the last one again leaves it the same.
        last = if c == b'h' { last } else { u16::from(o) };
    }
    out.truncate(n);
}

/// Stable 64-bit FNV-1a hash (the same on every platform): the index
/// builder's string and key tables hash with it.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= *b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A fast 64-bit checksum of a byte string (8 bytes a step), for detecting
/// truncated or corrupted index files. Not cryptographic.
pub fn checksum(bytes: &[u8]) -> u64 {
    let mut c = Checksum::new(bytes.len());
    c.update(bytes);
    c.finish()
}

/// [`checksum`] of a byte string given in pieces, whose total length is
/// known beforehand.
pub struct Checksum {
    h: u64,
    /// Bytes of an unfinished 8-byte step.
    tail: [u8; 8],
    tail_len: usize,
}

const CHECKSUM_K: u64 = 0x9e37_79b9_7f4a_7c15;

impl Checksum {
    /// The checksum of `total_len` bytes, none given yet.
    pub fn new(total_len: usize) -> Checksum {
        Checksum { h: total_len as u64 ^ CHECKSUM_K, tail: [0; 8], tail_len: 0 }
    }

    fn step(&mut self, w: u64) {
        self.h = (self.h.rotate_left(5) ^ w).wrapping_mul(CHECKSUM_K);
    }

    /// The next bytes.
    pub fn update(&mut self, mut bytes: &[u8]) {
        if self.tail_len > 0 {
            let take = (8 - self.tail_len).min(bytes.len());
            self.tail[self.tail_len..self.tail_len + take].copy_from_slice(&bytes[..take]);
            self.tail_len += take;
            bytes = &bytes[take..];
            if self.tail_len < 8 {
                return;
            }
            self.step(u64::from_le_bytes(self.tail));
            self.tail_len = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.step(u64::from_le_bytes(w));
        }
        let rest = chunks.remainder();
        self.tail[..rest.len()].copy_from_slice(rest);
        self.tail_len = rest.len();
    }

    /// The checksum (the bytes given must number `total_len`).
    pub fn finish(mut self) -> u64 {
        for i in 0..self.tail_len {
            self.step(u64::from(self.tail[i]));
        }
        self.h ^ (self.h >> 29)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_diacritics_and_apostrophes() {
        assert_eq!(name_key("Fallūjah"), "fallujah");
        assert_eq!(name_key("FALLUJAH"), "fallujah");
        assert_eq!(name_key("Al-Qa'im"), "al qaim");
        assert_eq!(name_key("Al Qā’im"), "al qaim");
        assert_eq!(name_key("U.S."), "us");
        assert_eq!(name_key("Ālbū Kamāl"), "albu kamal");
        assert_eq!(name_key("united-states"), "united states");
    }

    proptest::proptest! {
        /// A checksum given in pieces is the checksum of the whole.
        #[test]
        fn checksum_in_pieces(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..100), cuts in proptest::collection::vec(0usize..100, 0..6)) {
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.sort_unstable();
            let mut c = Checksum::new(bytes.len());
            let mut at = 0;
            for cut in cuts.into_iter().chain([bytes.len()]) {
                c.update(&bytes[at..cut]);
                at = cut;
            }
            proptest::prop_assert_eq!(c.finish(), checksum(&bytes));
        }

        /// A token folded where it stands in a text folds as the token
        /// alone does: short and long, ASCII or not, near the text's end
        /// (fewer than 16 bytes left) or not.
        #[test]
        fn a_token_folds_alike_in_its_text(
            before in "[ a-zA-Z]{0,20}", token in "[a-zA-Z0-9]{0,20}|[a-zA-Zé'’.]{0,8}", after in "[ a-zA-Z.,]{0,20}",
            out in "[a-z ]{0,6}",
        ) {
            let text = format!("{before}{token}{after}");
            let (start, end) = (before.len(), before.len() + token.len());
            let (mut here, mut alone) = (out.clone(), out);
            fold_text_token_into(&text, start, end, &mut here);
            fold_token_into(&token, &mut alone);
            proptest::prop_assert_eq!(&here, &alone);
            // The packed key, when there is one, is the folded token's.
            let mut folded = String::new();
            fold_token_into(&token, &mut folded);
            if let Some(k) = short_folded_key(&text, start, end) {
                proptest::prop_assert_eq!(Some(k), crate::swar::pack(folded.as_bytes()));
            }
            let short = token.len() <= crate::swar::SHORT && token.bytes().all(|b| b.is_ascii_alphanumeric());
            proptest::prop_assert_eq!(short_folded_key(&text, start, end).is_some(), short);
        }

        /// The ASCII fast path folds as the general one does, appending to
        /// what `out` already holds.
        #[test]
        fn ascii_fold_matches_the_char_by_char_fold(token in "[ -~]{0,24}", before in "[a-z ]{0,6}") {
            let mut fast = before.clone();
            fold_token_into(&token, &mut fast);
            let general: String =
                token.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect();
            proptest::prop_assert_eq!(fast, before + &general);
        }

        /// The short-word path folds as the character-by-character fold
        /// does: words of letters and digits on both sides of the 8- and
        /// 15-byte edges, and words with other characters in them.
        #[test]
        fn short_word_fold_matches_the_char_by_char_fold(
            token in "[A-Za-z0-9]{0,18}|[A-Za-z0-9'.é-]{0,18}",
            before in "[a-z ]{0,6}",
        ) {
            let mut fast = before.clone();
            fold_token_into(&token, &mut fast);
            let mut general = before;
            fold_chars_into(&token, &mut general);
            proptest::prop_assert_eq!(fast, general);
        }
    }

    #[test]
    fn abbreviations_are_short_and_uppercase() {
        assert!(is_abbreviation("US"));
        assert!(is_abbreviation("U.S."));
        assert!(is_abbreviation("UAE"));
        assert!(!is_abbreviation("Us"));
        assert!(!is_abbreviation("Iraq"));
        assert!(!is_abbreviation("I"));
    }

    /// The loose form as it was first written: a `match` on each byte and
    /// the next, digraphs stepping over their `h`.
    fn loose_form_by_digraphs(key: &str, out: &mut Vec<u8>) {
        let b = key.as_bytes();
        let base = out.len();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            let next = b.get(i + 1).copied();
            let (mapped, step): (Option<u8>, usize) = match (c, next) {
                (b'k', Some(b'h')) => (Some(b'k'), 2),
                (b'g', Some(b'h')) => (Some(b'g'), 2),
                (b'd', Some(b'h')) => (Some(b'd'), 2),
                (b't', Some(b'h')) => (Some(b't'), 2),
                (b'p', Some(b'h')) => (Some(b'f'), 2),
                (b'q', _) | (b'x', _) => (Some(b'k'), 1),
                (b'h', _) => (None, 1),
                (b'e', _) => (Some(b'a'), 1),
                (b'o', _) => (Some(b'u'), 1),
                (b'y', _) => (Some(b'i'), 1),
                _ => (Some(c), 1),
            };
            if let Some(o) = mapped
                && (out.len() == base || out.last() != Some(&o) || o == b' ')
            {
                out.push(o);
            }
            i += step;
        }
    }

    proptest::proptest! {
        /// The table-driven loose form is the digraph one, byte for byte
        /// (index files built before keep their loose keys): on keys of the
        /// letters that map, runs, spaces, other bytes and NUL.
        #[test]
        fn loose_form_by_table_is_the_digraph_one(
            key in "[hkgdtpqxeoyaus \\x00é]{0,16}|\\PC{0,12}",
            before in proptest::collection::vec(proptest::num::u8::ANY, 0..4),
        ) {
            let (mut table, mut digraphs) = (before.clone(), before);
            loose_form_into(&key, &mut table);
            loose_form_by_digraphs(&key, &mut digraphs);
            proptest::prop_assert_eq!(table, digraphs);
        }
    }

    #[test]
    fn loose_key_merges_transliterations() {
        let m = loose_key("makhmour");
        assert_eq!(m.as_deref(), Some("makmur"));
        assert_eq!(loose_key("mexmur"), m);
        assert_eq!(loose_key("makhmur"), m);
        assert_eq!(loose_key("falluja"), loose_key("fallujah"));
        assert_eq!(loose_key("qaim"), None);
    }
}
