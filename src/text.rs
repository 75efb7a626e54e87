//! Tokens of news text, with what the matcher needs to know about each:
//! case, what separates it from the next token, whether it starts a sentence,
//! and the style of its line (headline title case, all caps, prose).

use crate::gazetteer::normalize::is_apostrophe;
use crate::swar::{Classes, HIGH};
use block::{Block, Runs, Simd};

mod block;

/// How a token is capitalised.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Case {
    /// All letters lowercase (`hit`).
    Lower,
    /// First letter uppercase, some lowercase (`Mosul`, `McAllen`).
    Title,
    /// Every letter uppercase, at least one letter (`IRAQ`, `U.S.`, `I`).
    Upper,
    /// No letters (`2020`).
    NoLetters,
}

/// How a line of text is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineStyle {
    /// Ordinary prose.
    Prose,
    /// A headline in Title Case: most words capitalised.
    Title,
    /// All caps.
    Caps,
}

/// What separates a token from the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gap {
    /// One space (or tab).
    Space,
    /// A hyphen with no spaces (`Al-Qaim`, `U.S.-led`).
    Hyphen,
    /// A period and one space after a short abbreviation (`St. Louis`).
    AbbrevSpace,
    /// A comma and space.
    Comma,
    /// Anything else: other punctuation, line breaks, end of text.
    Break,
}

/// One word of text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offset of the first character.
    pub start: usize,
    /// Byte offset after the last character.
    pub end: usize,
    /// Capitalisation.
    pub case: Case,
    /// What comes between this token and the next.
    pub gap: Gap,
    /// Whether the token is the first word of a sentence or line.
    pub sentence_start: bool,
    /// Style of the token's line.
    pub line: LineStyle,
    /// Whether the token is an abbreviation written with periods (`U.S.`).
    pub dotted: bool,
    /// Whether the byte before the token (ignoring spaces) is list punctuation
    /// (`;`, `:`, `,`, `|`) or the line start, and likewise after it: tag lines
    /// such as `iraq; iran; united-states;`.
    pub list_item: bool,
}

fn is_word_char(c: char) -> bool {
    // Curly quotes, dashes and ellipses (the General Punctuation block, with
    // no letter or digit in it) are most of the non-ASCII characters of news
    // text: answered without the Unicode tables.
    !GENERAL_PUNCTUATION.contains(&c) && c.is_alphanumeric()
}

/// The General Punctuation block.
const GENERAL_PUNCTUATION: std::ops::RangeInclusive<char> = '\u{2000}'..='\u{206F}';

/// Whether a character of [`GENERAL_PUNCTUATION`] starts at byte `i` of
/// valid UTF-8 (`E2 80 80` to `E2 81 AF`), read off its bytes.
#[inline]
fn punctuation_at(bytes: &[u8], i: usize) -> bool {
    bytes.get(i) == Some(&0xE2)
        && match bytes.get(i + 1) {
            Some(0x80) => true,
            Some(0x81) => bytes.get(i + 2).is_some_and(|&b| b <= 0xAF),
            _ => false,
        }
}

/// Abbreviations after which a period does not end a sentence.
const NON_FINAL_ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "gen", "col", "lt", "sgt", "capt", "maj", "cpl", "pvt", "adm", "brig", "cmdr", "gov",
    "sen", "rep", "rev", "st", "mt", "ft", "pt", "no", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "prof", "sr", "jr", "vs", "approx", "est", "inc", "corp", "co", "ltd", "u", "e", "i",
];

/// [`NON_FINAL_ABBREVIATIONS`] as a set.
fn non_final_abbreviations() -> &'static WordSet {
    static S: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    S.get_or_init(|| WordSet::new(NON_FINAL_ABBREVIATIONS))
}

/// Whether a period after `word` (of case `case`) does not end the sentence:
/// `word` is a non-final abbreviation ("Gen.", "St.").
fn is_non_final_abbreviation(word: &str, case: Case) -> bool {
    case != Case::Lower && word.len() <= 6 && non_final_abbreviations().contains(word)
}

/// Abbreviations that join the next word of a place name (`St. Louis`).
const JOINING_ABBREVIATIONS: &[&str] = &["st", "mt", "ft", "pt", "ste"];

/// Whether `word`, then a period and a space, joins the next word of a
/// place name (`St. Louis`).
fn is_joining_abbreviation(word: &str) -> bool {
    JOINING_ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word))
}

/// Byte classes of the tokenizer (ASCII only; bytes from 0x80 are `0`).
const WORD: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
/// `.`, `!`, `?`, `\n`: a sentence may start after them.
const STOP: u8 = 8;
/// `;`, `|`, `:`: list punctuation of tag lines.
const LIST: u8 = 16;

const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            WORD | UPPER
        } else if c.is_ascii_lowercase() {
            WORD | LOWER
        } else if c.is_ascii_digit() {
            WORD
        } else if matches!(c, b'.' | b'!' | b'?' | b'\n') {
            STOP
        } else if matches!(c, b';' | b'|' | b':') {
            LIST
        } else {
            0
        };
        b += 1;
    }
    t
};

/// The case of an ASCII word by whether it has a letter (bit 0), a small
/// letter (bit 1), and whether its first letter is a capital (bit 2): what
/// [`ascii_case`] gives. (The other indices cannot occur.)
const RUN_CASE: [Case; 8] =
    [Case::NoLetters, Case::Upper, Case::Lower, Case::Lower, Case::Upper, Case::Upper, Case::Lower, Case::Title];

/// The gap of a word a run joins to the next, by whether a space (bit 0)
/// or a comma (bit 1) follows it; else a hyphen does.
const JOIN_GAP: [Gap; 4] = [Gap::Hyphen, Gap::Space, Gap::Comma, Gap::Comma];

/// The case of a word of a run and the gap that joins it to the next, by
/// the [`Runs::code`] byte at its end: [`RUN_CASE`] of its low three bits,
/// [`JOIN_GAP`] of the space and comma bits.
const RUN_TOKEN: [(Case, Gap); 32] = {
    let mut t = [(Case::NoLetters, Gap::Hyphen); 32];
    let mut c = 0;
    while c < 32 {
        t[c] = (RUN_CASE[c & 7], JOIN_GAP[c >> 3]);
        c += 1;
    }
    t
};

/// The most tokens whose starts fall in one 64-byte block: each takes a
/// word and at least one byte after it.
const TOKENS_PER_BLOCK: usize = 32;

/// Push a word of a prose line (no dotted abbreviation, no list item: what
/// [`mark_lines`] may change later) into room reserved beforehand, with no
/// capacity check: the fast loop reserves [`TOKENS_PER_BLOCK`] tokens (and
/// as many starts) when it reads a block, and no more tokens than that start
/// in one block. Its index goes to `starts` when it is capitalised, with no
/// branch (whether a word is capitalised is a coin toss from word to word).
#[inline(always)]
fn push_reserved(
    tokens: &mut Vec<Token>,
    starts: &mut Vec<usize>,
    start: usize,
    end: usize,
    case: Case,
    gap: Gap,
    sentence_start: bool,
) {
    let token =
        Token { start, end, case, gap, sentence_start, line: LineStyle::Prose, dotted: false, list_item: false };
    debug_assert!(tokens.len() < tokens.capacity(), "no room reserved for a token");
    debug_assert!(starts.len() < starts.capacity(), "no room reserved for a start");
    let index = tokens.len();
    // SAFETY: the caller reserved room (see above), so `len < capacity` for
    // both vectors (`starts` holds at most one index a token, and was
    // reserved for as many), and each slot at `len` is written before the
    // length covers it.
    unsafe {
        tokens.as_mut_ptr().add(index).write(token);
        tokens.set_len(index + 1);
        let n = starts.len();
        starts.as_mut_ptr().add(n).write(index);
        starts.set_len(n + usize::from(token.may_start_name()));
    }
}

impl Token {
    /// Whether a place name may start at this token: a capitalised word, or
    /// a lowercase item of a tag list (`iraq; iran; united-states`).
    #[inline]
    pub fn may_start_name(&self) -> bool {
        // (`|` and `&`: no branch.)
        matches!(self.case, Case::Title | Case::Upper) | ((self.case == Case::Lower) & self.list_item)
    }
}

/// Split `text` into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    tokenize_with_starts(text).0
}

/// [`tokenize`], and the indices of the tokens a place name may start at
/// ([`Token::may_start_name`]), in order: found on the way, instead of in a
/// second pass over every token.
pub fn tokenize_with_starts(text: &str) -> (Vec<Token>, Vec<usize>) {
    let (mut tokens, mut name_starts) = (Vec::new(), Vec::new());
    tokenize_with_starts_into(text, &mut tokens, &mut name_starts);
    (tokens, name_starts)
}

/// [`tokenize_with_starts`] into vectors that are emptied first: buffers
/// reused from text to text stay in the cache, where fresh ones are memory
/// the allocator has not handed out for a while.
pub fn tokenize_with_starts_into(text: &str, tokens: &mut Vec<Token>, name_starts: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    tokens.clear();
    name_starts.clear();
    tokens.reserve(text.len() / 5);
    name_starts.reserve(text.len() / 20);
    // Token indices that start a line, and byte offsets of list punctuation,
    // collected on the way for mark_lines.
    let mut line_starts: Vec<usize> = vec![0];
    let mut list_punct: Vec<usize> = Vec::new();
    let mut newline = false;
    let mut i = 0;
    let mut sentence_start = true;
    // The byte classes of 64 bytes of text from `base` (`base <= i`).
    let simd = Simd::detect();
    let (mut block, mut base) = (Block::at(bytes, 0, simd), 0);
    let mut runs = Runs::of(&block, simd);
    while i < bytes.len() {
        let b = bytes[i];
        let class = CLASS[b as usize];
        // Fast skip of ASCII non-word bytes.
        if b < 0x80 && class & WORD == 0 {
            // A line break starts a new sentence when the line is a headline
            // or the break is a blank line; prose wrapped over lines rarely
            // appears in news dumps, so every line start is a sentence start.
            if class & STOP != 0 {
                sentence_start = true;
                newline |= b == b'\n';
            } else if class & LIST != 0 {
                list_punct.push(i);
            }
            i += 1;
            continue;
        }
        // Curly quotes and dashes (General Punctuation, no word in it):
        // skipped likewise, with no decoding.
        if b == 0xE2 && punctuation_at(bytes, i) {
            i += 3;
            continue;
        }
        // Fastest path: an ASCII word, then a space and an ASCII byte (four
        // words in five of news text), or a comma or period, a space and an
        // ASCII word. Nothing else about the gap needs a look: no
        // possessive, no dotted abbreviation. While another word follows,
        // it is taken here too. The word's end, its case and what follows
        // it are read off the byte-class masks of a 64-byte block, with no
        // loop over its bytes.
        if class & WORD != 0 {
            // A line's first token is pushed here or, when the loop stops
            // at its first word, by the general path below (which always
            // takes a word that starts with an ASCII letter or digit): the
            // loop itself never crosses a line break.
            if newline {
                line_starts.push(tokens.len());
                newline = false;
            }
            // Room for the tokens the loop pushes before it next reads a
            // block: their starts are two bytes apart or more (a word and
            // what follows it) and in one block of 64 bytes, so 32 at most.
            tokens.reserve(TOKENS_PER_BLOCK);
            name_starts.reserve(TOKENS_PER_BLOCK);
            let all_taken = loop {
                let mut o = i - base;
                if o >= 64 {
                    (block, base, o) = (Block::at(bytes, i, simd), i, 0);
                    runs = Runs::of(&block, simd);
                    tokens.reserve(TOKENS_PER_BLOCK);
                    name_starts.reserve(TOKENS_PER_BLOCK);
                }
                // A run of plain words (each joined to the next by a space,
                // a comma and a space, or a hyphen): taken together, with
                // no branch per word. The word after the run, if any, is
                // left to the code below.
                let (mut starts, mut joins) = runs.at(o);
                if joins != 0 {
                    let mut next = o;
                    while joins != 0 {
                        let (s, j) = (starts.trailing_zeros() as usize, joins.trailing_zeros() as usize);
                        starts &= starts - 1;
                        joins &= joins - 1;
                        // Bytes s..j (j <= 61): the case and the gap from
                        // the code byte at the word's end.
                        let c = runs.code[j & 63];
                        let (case, gap) = RUN_TOKEN[usize::from(c & 31)];
                        push_reserved(tokens, name_starts, base + s, base + j, case, gap, sentence_start);
                        sentence_start = false;
                        // (The comma bit is the code's highest.)
                        next = j + 1 + usize::from(c / block::code::COMMA);
                    }
                    (i, o) = (base + next, next);
                }
                // The word's length, where it ends in the block, and the
                // two bytes after it must all be in the block.
                let len = (!(block.alnum >> o)).trailing_zeros() as usize;
                let e = o + len;
                if e + 2 >= 64 {
                    if o == 0 {
                        break false; // a word of 62 bytes or more
                    }
                    (block, base) = (Block::at(bytes, i, simd), i);
                    runs = Runs::of(&block, simd);
                    tokens.reserve(TOKENS_PER_BLOCK);
                    name_starts.reserve(TOKENS_PER_BLOCK);
                    continue;
                }
                let j = i + len;
                // The case from the code byte at the word's end, as in a run.
                let case = RUN_TOKEN[usize::from(runs.code[e & 63] & 31)].0;
                // What follows: a space and an ASCII byte, or a comma or a
                // period, a space and a word (most of the other words of
                // news text). Then the gap is known, where the next token
                // may start, whether it starts a sentence, and whether it
                // is another word for this loop.
                let space_then_word = block.space >> (e + 1) & block.alnum >> (e + 2) & 1 != 0;
                let (gap, next, starts_sentence, more) = if block.space >> e & 1 != 0 {
                    if block.non_ascii >> (e + 1) & 1 != 0 {
                        // A space and a curly quote or a dash: a break.
                        if punctuation_at(bytes, j + 1) {
                            (Gap::Break, j + 1, false, false)
                        } else {
                            break false;
                        }
                    } else {
                        let word_next = block.alnum >> (e + 1) & 1 != 0;
                        (if word_next { Gap::Space } else { Gap::Break }, j + 1, false, word_next)
                    }
                } else {
                    match bytes.get(j) {
                        Some(b',') if space_then_word => (Gap::Comma, j + 2, false, true),
                        // "X." may start a dotted abbreviation ("U.S.").
                        Some(b'.') if space_then_word && len > 1 => {
                            let word = &text[i..j];
                            let gap = if is_joining_abbreviation(word) { Gap::AbbrevSpace } else { Gap::Break };
                            // After a non-final abbreviation ("Gen.") the
                            // sentence goes on.
                            (gap, j + 2, !is_non_final_abbreviation(word, case), true)
                        }
                        // A period and no word after a space: `said."`,
                        // `said.\n`, `said. "` (but not a space and a
                        // byte beyond ASCII, which may start a word). The
                        // gap is a break, and the period is left to the skip
                        // of non-word bytes to start a sentence, unless it
                        // ends a non-final abbreviation.
                        Some(b'.')
                            if len > 1
                                && block.space >> (e + 1) & block.non_ascii >> (e + 2) & 1 == 0
                                && !space_then_word =>
                        {
                            let word = &text[i..j];
                            let next = if is_non_final_abbreviation(word, case) { j + 1 } else { j };
                            (Gap::Break, next, false, false)
                        }
                        // A possessive, a space and a word: `Mosul's old city`.
                        Some(b'\'')
                            if e + 3 < 64
                                && bytes.get(j + 1) == Some(&b's')
                                && block.space >> (e + 2) & block.alnum >> (e + 3) & 1 != 0 =>
                        {
                            (Gap::Space, j + 3, false, true)
                        }
                        // The same with a curly apostrophe: `Mosul’s old city`.
                        Some(0xE2)
                            if e + 5 < 64
                                && bytes[j..].starts_with("’s ".as_bytes())
                                && block.alnum >> (e + 5) & 1 != 0 =>
                        {
                            (Gap::Space, j + 5, false, true)
                        }
                        // A hyphen and a word: `year-old`.
                        Some(b'-') if block.alnum >> (e + 1) & 1 != 0 => (Gap::Hyphen, j + 1, false, true),
                        // A hyphen or a comma and no word: `well- `, `said,"`
                        // (but not one followed by a byte beyond ASCII, or
                        // a space and one, which may start a word).
                        Some(b'-' | b',')
                            if block.non_ascii >> (e + 1) & 1 == 0
                                && block.space >> (e + 1) & block.non_ascii >> (e + 2) & 1 == 0 =>
                        {
                            (Gap::Break, j, false, false)
                        }
                        // Any other ASCII byte but a tab (which may come
                        // before a word) and an apostrophe (which may be
                        // inside one): `(318)`, `said:`, `said\n`. The byte
                        // is left to the skip of non-word bytes.
                        Some(&x) if x < 0x80 && !matches!(x, b'\t' | b'\'' | b'`' | b'.' | b'-' | b',') => {
                            (Gap::Break, j, false, false)
                        }
                        // A curly quote or a dash right after the word (not
                        // a curly apostrophe, which may be a possessive or
                        // inside a word): `charge” in`.
                        Some(0xE2) if punctuation_at(bytes, j) && !matches!(bytes.get(j + 2), Some(0x98 | 0x99)) => {
                            (Gap::Break, j, false, false)
                        }
                        _ => break false,
                    }
                };
                push_reserved(tokens, name_starts, i, j, case, gap, sentence_start);
                (i, sentence_start) = (next, starts_sentence);
                if !more {
                    break true;
                }
            };
            if all_taken {
                continue;
            }
        }
        // `i` may have moved on to a later word: its byte and class.
        let b = bytes[i];
        let class = CLASS[b as usize];
        let start = i;
        // Fast path: a plain ASCII word followed by a space, comma or other
        // ASCII punctuation that cannot extend it (most words of news text).
        let fast = if b < 0x80 {
            let (j, seen) = alnum_run(bytes, i);
            // A period ends the word too unless the word is one character:
            // only "X." can start a dotted abbreviation ("U.S.").
            let plain_end = match bytes.get(j) {
                None => true,
                Some(b'.') => j - start > 1,
                Some(&n) => n < 0x80 && !matches!(n, b'\'' | b'`'),
            };
            plain_end.then(|| {
                let case = if class & (UPPER | LOWER) == 0 {
                    // Starts with a digit ("3rd"): the first letter decides.
                    ascii_case(&bytes[start..j])
                } else if seen & LOWER == 0 {
                    Case::Upper
                } else if class & UPPER != 0 {
                    Case::Title
                } else {
                    Case::Lower
                };
                (j, case)
            })
        } else {
            None
        };
        let (end, dotted, case) = match fast {
            Some((end, case)) => (end, false, case),
            None => {
                let c = text[i..].chars().next().unwrap_or(' ');
                if !is_word_char(c) {
                    i += c.len_utf8();
                    continue;
                }
                let (end, dotted) = scan_word(text, i);
                (end, dotted, case_of(&text[start..end]))
            }
        };
        let word = &text[start..end];
        if newline {
            line_starts.push(tokens.len());
            newline = false;
        }
        let token = Token {
            start,
            end,
            case,
            gap: Gap::Break,
            sentence_start,
            line: LineStyle::Prose,
            dotted,
            list_item: false,
        };
        if token.may_start_name() {
            name_starts.push(tokens.len());
        }
        tokens.push(token);
        sentence_start = false;
        i = end;
        // Possessive: skip "'s" or a bare trailing apostrophe.
        if bytes.get(i).is_some_and(|&n| n == b'\'' || n == b'`' || n >= 0x80)
            && let Some(c) = text[i..].chars().next()
            && is_apostrophe(c)
        {
            let after = i + c.len_utf8();
            let rest = &text[after..];
            if rest.starts_with('s') && !rest[1..].chars().next().is_some_and(is_word_char) {
                i = after + 1;
            } else if !rest.chars().next().is_some_and(is_word_char) {
                i = after;
            }
        }
        // Classify the gap to the next token.
        let gap = classify_gap(text, i, word, dotted);
        if let Some(t) = tokens.last_mut() {
            t.gap = gap;
        }
        // "U.S." does not end a sentence (the rare sentence-final "U.S." is
        // missed, which only matters for sentence-initial filtering).
        // A period right after a non-final abbreviation does not end the sentence.
        if bytes.get(i) == Some(&b'.') && is_non_final_abbreviation(word, case) {
            i += 1;
        }
    }
    // Lowercase list items (tag lines, rare) may start names too: then the
    // starts are read off the tokens again.
    if mark_lines(text, tokens, &line_starts, &list_punct) {
        name_starts.clear();
        name_starts.extend(tokens.iter().enumerate().filter(|(_, t)| t.may_start_name()).map(|(k, _)| k));
    }
}

/// The end of the run of ASCII letters and digits that starts at `j`, and
/// the [`CLASS`] bits of its bytes or-ed together. Eight bytes at a time:
/// where a word ends is found without a branch per byte (a loop that exits
/// at a word's end mispredicts once per word).
#[inline]
fn alnum_run(bytes: &[u8], mut j: usize) -> (usize, u8) {
    let mut seen = 0;
    while let Some(chunk) = bytes.get(j..j + 8) {
        let c = Classes::of(u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8])));
        let (upper, lower) = (c.upper, c.lower);
        let stop = !c.alnum() & HIGH;
        let n = stop.trailing_zeros() as usize / 8; // 8 when no byte stops the run
        let run = if n == 8 { u64::MAX } else { (1u64 << (8 * n)) - 1 };
        if n > 0 {
            seen |= WORD;
        }
        if upper & run != 0 {
            seen |= UPPER;
        }
        if lower & run != 0 {
            seen |= LOWER;
        }
        j += n;
        if n < 8 {
            return (j, seen);
        }
    }
    while let Some(&b) = bytes.get(j) {
        let c = CLASS[b as usize];
        if c & WORD == 0 {
            break;
        }
        seen |= c;
        j += 1;
    }
    (j, seen)
}

/// Scan a word starting at `i`; returns its end and whether it is a dotted
/// abbreviation (`U.S.`, `U.N.`).
fn scan_word(text: &str, i: usize) -> (usize, bool) {
    let bytes = text.as_bytes();
    // Dotted abbreviation: letter '.' letter '.' ...
    let mut j = i;
    let mut letters = 0;
    // Only "X." can start a dotted abbreviation.
    let second = text[i..].chars().next().map_or(0, char::len_utf8);
    let maybe_dotted = bytes.get(i + second) == Some(&b'.');
    while let Some(c) = text[j..].chars().next().filter(|_| maybe_dotted) {
        let k = j + c.len_utf8();
        if !c.is_alphabetic() || bytes.get(k) != Some(&b'.') {
            break;
        }
        letters += 1;
        j = k + 1;
    }
    if letters >= 2 {
        return (j, true);
    }
    let mut j = i;
    while j < bytes.len() {
        if bytes[j].is_ascii_alphanumeric() {
            j += 1;
            continue;
        }
        let Some(c) = text[j..].chars().next() else { break };
        if is_word_char(c) || c == '\u{0301}' || c == '\u{0308}' {
            j += c.len_utf8();
        } else if is_apostrophe(c) {
            // Keep an apostrophe between letters (Qa'im, Shi'ite) but not a
            // possessive 's.
            let after = j + c.len_utf8();
            let rest = &text[after..];
            let next = rest.chars().next();
            let possessive = rest.starts_with('s') && !rest[1..].chars().next().is_some_and(is_word_char);
            if next.is_some_and(is_word_char) && !possessive {
                j = after;
            } else {
                break;
            }
        } else {
            break;
        }
    }
    (j, false)
}

#[inline]
fn classify_gap(text: &str, i: usize, word: &str, dotted: bool) -> Gap {
    let rest = &text.as_bytes()[i..];
    // Most words are followed by a space and an ASCII byte.
    if let [b' ', n, ..] = rest
        && !dotted
        && *n < 0x80
    {
        return if CLASS[*n as usize] & WORD != 0 { Gap::Space } else { Gap::Break };
    }
    let next_is_word = |k: usize| match rest.get(k) {
        Some(&b) if b < 0x80 => CLASS[b as usize] & WORD != 0,
        _ => text.get(i + k..).and_then(|s| s.chars().next()).is_some_and(is_word_char),
    };
    match rest {
        [b' ' | b'\t', ..] if next_is_word(1) => Gap::Space,
        [b'-', ..] if next_is_word(1) => Gap::Hyphen,
        [b',', b' ', ..] if next_is_word(2) => Gap::Comma,
        [b'.', b' ', ..] if !dotted && next_is_word(2) => {
            let initial = word.chars().count() == 1 && word.chars().all(char::is_uppercase);
            if initial || is_joining_abbreviation(word) { Gap::AbbrevSpace } else { Gap::Break }
        }
        _ => {
            if dotted && matches!(rest, [b' ', ..]) && next_is_word(1) {
                Gap::Space
            } else if dotted && matches!(rest, [b'-', ..]) && next_is_word(1) {
                Gap::Hyphen
            } else {
                Gap::Break
            }
        }
    }
}

/// The capitalisation of an ASCII word.
fn ascii_case(b: &[u8]) -> Case {
    let (mut upper, mut lower, mut first_upper) = (false, false, None);
    for c in b {
        if c.is_ascii_uppercase() {
            upper = true;
            first_upper.get_or_insert(true);
        } else if c.is_ascii_lowercase() {
            lower = true;
            first_upper.get_or_insert(false);
        }
    }
    match (upper, lower, first_upper) {
        (false, false, _) => Case::NoLetters,
        (true, false, _) => Case::Upper,
        (_, true, Some(true)) => Case::Title,
        _ => Case::Lower,
    }
}

/// The capitalisation of a word.
pub fn case_of(word: &str) -> Case {
    let b = word.as_bytes();
    if b.is_ascii() {
        return ascii_case(b);
    }
    let mut upper = 0;
    let mut lower = 0;
    let mut first_upper = None;
    for c in word.chars() {
        if c.is_uppercase() {
            upper += 1;
            first_upper.get_or_insert(true);
        } else if c.is_lowercase() {
            lower += 1;
            first_upper.get_or_insert(false);
        }
    }
    match (upper, lower, first_upper) {
        (0, 0, _) => Case::NoLetters,
        (_, 0, _) => Case::Upper,
        (_, _, Some(true)) => Case::Title,
        _ => Case::Lower,
    }
}

/// Words that stay lowercase in Title Case headlines and inside place names.
pub const FUNCTION_WORDS: &[&str] = &[
    "a", "an", "the", "of", "in", "on", "at", "to", "for", "from", "by", "with", "and", "or", "but", "as", "into",
    "over", "after", "before", "near", "is", "are", "was", "were", "be", "its", "it", "this", "that", "amid", "says",
    "say", "vs", "via",
];

/// Mark line styles, line-initial sentence starts and list items. A line's
/// tokens run from one of `line_starts` (token indices after a line break)
/// to the next; `list_punct` holds the byte offsets of `;`, `|` and `:`.
/// Whether it marked a list item.
fn mark_lines(text: &str, tokens: &mut [Token], line_starts: &[usize], list_punct: &[usize]) -> bool {
    mark_lines_asking(text, tokens, line_starts, list_punct, false)
}

/// [`mark_lines`]; `ask_every_word`: ask [`is_list_item`] about every
/// lowercase word of a line with list punctuation, even one right after
/// another word and a space (always "no"). The reference tokenizer asks so,
/// and the property tests compare the two.
fn mark_lines_asking(
    text: &str,
    tokens: &mut [Token],
    line_starts: &[usize],
    list_punct: &[usize],
    ask_every_word: bool,
) -> bool {
    let mut any_item = false;
    let mut line_begin = 0usize; // token index
    let mut k = 0usize;
    let mut next_line = 1; // index into line_starts
    while k < tokens.len() {
        // Tokens of one line: until the next line start.
        while next_line < line_starts.len() && line_starts[next_line] <= k {
            next_line += 1;
        }
        let end = line_starts.get(next_line).copied().unwrap_or(tokens.len()).min(tokens.len());
        let line = &mut tokens[line_begin..end];
        // Headlines are short: a line of more than 40 words is prose, with
        // no need to look at its words.
        let style = if line.len() > 40 || line.len() < 3 { LineStyle::Prose } else { line_style(text, line) };
        if style != LineStyle::Prose {
            for t in line.iter_mut() {
                t.line = style;
            }
        }
        line[0].sentence_start = true;
        // List items: separated by ; : , | or line edges. Only lowercase
        // words need to know (capitalised ones are candidates anyway), and
        // only on lines with list punctuation.
        let (from, to) = (tokens[line_begin].start, tokens[end - 1].end);
        let first = list_punct.partition_point(|&p| p < from);
        let has_list_punct = list_punct.get(first).is_some_and(|&p| p < to) || line_begin == 0 && end - line_begin <= 1;
        if has_list_punct || end - line_begin <= 1 {
            let mut after_word = false;
            // The words to ask about, 64 at a time: first a mask of them,
            // with no branch per word (whether a word is lowercase is a
            // branch that mispredicts at every capital), then its bits.
            // (Token indices, not the byte offsets `from` and `to` above.)
            for chunk_start in (line_begin..end).step_by(64) {
                let chunk_end = end.min(chunk_start + 64);
                let mut ask = 0u64;
                for (b, t) in tokens[chunk_start..chunk_end].iter().enumerate() {
                    // A word after another word and one space is no list
                    // item (the byte before it is the other word's): most
                    // words of a line, with no look at the text. Nor is a
                    // word followed by a space and a word, or by a period,
                    // a space and a word: no list punctuation follows.
                    let before_word = matches!(t.gap, Gap::Space | Gap::AbbrevSpace);
                    let asked = (t.case == Case::Lower) & (ask_every_word | !(after_word | before_word));
                    after_word = t.gap == Gap::Space;
                    ask |= u64::from(asked) << b;
                }
                while ask != 0 {
                    let idx = chunk_start + ask.trailing_zeros() as usize;
                    ask &= ask - 1;
                    tokens[idx].list_item = is_list_item(text, &tokens[line_begin..end], idx - line_begin);
                    any_item |= tokens[idx].list_item;
                }
            }
        }
        line_begin = end;
        k = end;
    }
    any_item
}

/// Whether `line[idx]` (a lowercase word) stands alone between list
/// punctuation or line edges: `iraq; iran; united-states;`.
fn is_list_item(text: &str, line: &[Token], idx: usize) -> bool {
    let bytes = text.as_bytes();
    // Most words follow another word and a space: not a list item.
    if idx > 0 && line[idx - 1].gap != Gap::Hyphen {
        let before = bytes[..line[idx].start].iter().rev().find(|&&b| b != b' ' && b != b'\t');
        if before.is_some_and(|&b| !matches!(b, b';' | b':' | b'|' | b'\n' | b',')) {
            return false;
        }
    }
    let before = text[..line[idx].start].trim_end_matches([' ', '\t']);
    let after = text[line[idx].end..].trim_start_matches([' ', '\t']);
    let mut after_item = after;
    // An item may span hyphen-joined tokens (united-states).
    let mut j = idx;
    while j + 1 < line.len() && line[j].gap == Gap::Hyphen {
        j += 1;
        after_item = text[line[j].end..].trim_start_matches([' ', '\t']);
    }
    let mut b = idx;
    let mut before_item = before;
    while b > 0 && line[b - 1].gap == Gap::Hyphen {
        b -= 1;
        before_item = text[..line[b].start].trim_end_matches([' ', '\t']);
    }
    let left = before_item.is_empty()
        || before_item.ends_with([';', ':', '|', '\n'])
        || (before_item.ends_with(',') && after_item.starts_with([',', ';']));
    let right = after_item.is_empty() || after_item.starts_with([';', '|', '\n', '\r']);
    let right = right || (after_item.starts_with(',') && before_item.ends_with([',', ';', ':']));
    left && right
}

/// The style of a line of at least three words. Prose lines are recognised
/// early, at their first few lowercase content words.
fn line_style(text: &str, line: &[Token]) -> LineStyle {
    let words = || line.iter().filter(|t| t.case != Case::NoLetters);
    let n = words().count();
    if n < 3 {
        return LineStyle::Prose;
    }
    let caps = words().filter(|t| t.case == Case::Upper).count();
    if caps * 10 >= n * 8 {
        return LineStyle::Caps;
    }
    // Title Case: at least 90% of the words capitalised or function words.
    let allowed_lower = n - (n * 9).div_ceil(10);
    let mut lower_content = 0;
    let mut capitalised_function = 0;
    for t in words() {
        let w = &text[t.start..t.end];
        match t.case {
            Case::Lower if !function_words().contains(w) => {
                lower_content += 1;
                if lower_content > allowed_lower {
                    return LineStyle::Prose;
                }
            }
            Case::Title if w.len() <= 5 && function_words().contains(w) => capitalised_function += 1,
            _ => {}
        }
    }
    if capitalised_function > 0 || n <= 12 { LineStyle::Title } else { LineStyle::Prose }
}

/// Converts byte offsets of one text into Unicode code point offsets, for
/// offsets visited in increasing order (amortised linear).
#[derive(Debug)]
pub struct CharOffsets<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
    /// Whether the text is ASCII: then every offset is its byte offset.
    /// (Half the bytes of LGL and TR-News are in ASCII articles; counting
    /// code points in the short stretches between mentions takes a
    /// mispredicted branch or two each.)
    ascii: bool,
}

impl<'t> CharOffsets<'t> {
    /// A converter for `text`.
    pub fn new(text: &'t str) -> Self {
        CharOffsets { text, byte: 0, chars: 0, ascii: text.is_ascii() }
    }

    /// The code point offset of byte offset `b` (a char boundary).
    pub fn at(&mut self, b: usize) -> usize {
        if self.ascii {
            return b;
        }
        if b < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text[self.byte..b].chars().count();
        self.byte = b;
        self.chars
    }
}

#[cfg(test)]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).iter().map(|t| &text[t.start..t.end]).collect()
    }

    #[test]
    fn word_classes_answer_for_every_list_a_word_is_in() {
        let c = WordClasses::new(&[(&["city", "province"], 1), (&["city", "river"], 4)]);
        assert_eq!(c.of("city"), 5);
        assert_eq!(c.of("CITY"), 5);
        assert_eq!(c.of("Province"), 1);
        assert_eq!(c.of("river"), 4);
        assert_eq!(c.of("rivers"), 0);
        assert_eq!(c.of("town"), 0);
        assert_eq!(c.of(""), 0);
        assert_eq!(c.of("a-very-long-word-beyond-sixteen-bytes"), 0);
    }

    proptest::proptest! {
        /// The bucket table answers what a plain map of the lists answers,
        /// for lists of any size (words in several lists get every bit),
        /// for their words in any case and for other words.
        #[test]
        fn word_classes_answer_as_a_map(
            lists in proptest::collection::vec(proptest::collection::vec("[a-z0-9']{1,15}", 0..120), 1..5),
            others in proptest::collection::vec("[a-zA-Z0-9' ]{0,18}", 0..50),
        ) {
            let lists: Vec<Vec<&str>> = lists.iter().map(|l| l.iter().map(String::as_str).collect()).collect();
            let with_bits: Vec<(&[&str], u8)> = lists.iter().enumerate().map(|(i, l)| (l.as_slice(), 1u8 << i)).collect();
            let classes = WordClasses::new(&with_bits);
            let mut want: std::collections::HashMap<String, u8> = std::collections::HashMap::new();
            for (list, bit) in &with_bits {
                for w in *list {
                    *want.entry(w.to_string()).or_default() |= bit;
                }
            }
            for (w, bits) in &want {
                proptest::prop_assert_eq!(classes.of(w), *bits);
                proptest::prop_assert_eq!(classes.of(&w.to_ascii_uppercase()), *bits);
            }
            // Other words, and near misses of the list words: a last byte
            // changed, one more byte.
            let near = want.keys().flat_map(|w| {
                let last = if w.ends_with('q') { "z" } else { "q" };
                [format!("{}{last}", &w[..w.len() - 1]), format!("{w}s")]
            });
            for w in others.iter().cloned().chain(near) {
                let bits = want.get(&w.to_ascii_lowercase()).copied().unwrap_or(0);
                proptest::prop_assert_eq!(classes.of(&w), bits);
            }
        }
    }

    #[test]
    fn splits_possessives_abbreviations_and_hyphens() {
        assert_eq!(
            words("Iraq’s Kurds and the U.S.-led coalition"),
            ["Iraq", "Kurds", "and", "the", "U.S.", "led", "coalition"]
        );
        assert_eq!(words("Al Qa'im, Shi'ite Muhandis's"), ["Al", "Qa'im", "Shi'ite", "Muhandis"]);
        assert_eq!(words("Fallūjah."), ["Fallūjah"]);
    }

    #[test]
    fn gaps_and_sentence_starts() {
        let t = tokenize("Gen. Smith went to St. Louis. Then Al-Qaim, Iraq");
        let g: Vec<Gap> = t.iter().map(|t| t.gap).collect();
        assert_eq!(g[4], Gap::AbbrevSpace); // St. Louis
        assert!(t[6].sentence_start); // Then
        assert!(!t[1].sentence_start); // Smith after Gen.
        assert_eq!(g[7], Gap::Hyphen); // Al-Qaim
        assert_eq!(g[8], Gap::Comma);
    }

    #[test]
    fn line_styles_and_list_items() {
        let text = "Stall In Fight For Fallujah\nAffected Countries: iraq; iran; united-states;\nthe hit was big";
        let t = tokenize(text);
        assert_eq!(t[0].line, LineStyle::Title);
        let iraq = t.iter().find(|t| &text[t.start..t.end] == "iraq").copied();
        assert!(iraq.is_some_and(|t| t.list_item));
        let united = t.iter().find(|t| &text[t.start..t.end] == "united").copied();
        assert!(united.is_some_and(|t| t.list_item));
        let hit = t.iter().find(|t| &text[t.start..t.end] == "hit").copied();
        assert!(hit.is_some_and(|t| !t.list_item && t.line == LineStyle::Prose));
        assert_eq!(tokenize("IRAQ SAYS MOSUL RETAKEN")[0].line, LineStyle::Caps);
    }

    proptest::proptest! {
        /// The eight-byte scan ends runs where a byte-at-a-time scan does,
        /// with the same classes.
        #[test]
        fn alnum_runs_match_a_byte_scan(text in "[a-zA-Z0-9 .'é\\-_@\\[`{/:Zz~\u{7f}]{0,40}", from in 0usize..40) {
            let bytes = text.as_bytes();
            let from = from.min(bytes.len());
            let (mut j, mut seen) = (from, 0);
            while j < bytes.len() && CLASS[bytes[j] as usize] & WORD != 0 {
                seen |= CLASS[bytes[j] as usize];
                j += 1;
            }
            proptest::prop_assert_eq!(alnum_run(bytes, from), (j, seen));
        }
    }

    /// The tokens of `text` are the reference tokenizer's, and the starts
    /// found on the way are those of its tokens that may start a name.
    fn matches_the_reference(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        let (tokens, starts) = tokenize_with_starts(text);
        let expected = reference::tokenize(text);
        let may_start: Vec<usize> = (0..expected.len()).filter(|&k| expected[k].may_start_name()).collect();
        proptest::prop_assert_eq!(tokens, expected);
        proptest::prop_assert_eq!(starts, may_start);
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, ..Default::default() })]
        /// The tokenizer splits and classifies text exactly as the reference
        /// loop it replaced does: every field of every token.
        #[test]
        fn tokens_match_the_reference(parts in proptest::collection::vec(proptest::sample::select(vec![
            " ", " ", " ", "  ", "\t", "\n", "\n\n", ".", ". ", ", ", ",", ";", "; ", ":", "|", "-", "'", "'s", "’s", "’",
            "`", "!", "?", "(", ")", "\"", "Mosul", "mosul", "MOSUL", "St", "st", "Gen", "U", "S", "U.S.", "N.Y.",
            "of", "the", "The", "in", "3rd", "2020", "x", "Q", "é", "Érbil", "ñ", "Al", "al", "Qa'im", "don't",
            "I", "Mr", "no", "A", "\u{301}", "Ω", "٣", "日本", "“", "”", "—", "‘", "⁘", "€", " “", "”,",
        ]), 0..60)) {
            let text: String = parts.concat();
            matches_the_reference(&text)?;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]
        /// The same on longer, mostly ASCII text: runs of plain words, and
        /// the things that interrupt them.
        #[test]
        fn long_ascii_tokens_match_the_reference(parts in proptest::collection::vec(proptest::sample::select(vec![
            " ", " ", " ", " ", " ", " ", "  ", "\n", "\n\n", ". ", ". ", ", ", ",", "; ", ":", "-", "(", ")", "\"",
            "'s", "’", "’s ", "“", "”", " — ", "é", "Mosul", "Baghdad", "km", "west", "said", "the", "The", "of", "in", "IRAQ", "3rd", "2020",
            "St", "Mr", "Gen", "U", "U.S.", "x", "Q", "A", "Al-Qaim", "don't", "a-very-long-hyphenated-compound-word",
            "Supercalifragilisticexpialidociousandthensomemoretomakeitlong",
        ]), 0..200)) {
            let text: String = parts.concat();
            matches_the_reference(&text)?;
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 1000, ..Default::default() })]
        /// The same on prose: words mostly one space apart, in runs that
        /// cross 64-byte blocks, broken now and then by punctuation, a line
        /// break or a non-ASCII letter.
        #[test]
        fn prose_tokens_match_the_reference(words in proptest::collection::vec((proptest::sample::select(vec![
            "Mosul", "mosul", "MOSUL", "Baghdad", "km", "west", "said", "the", "The", "of", "a", "I", "3rd", "2020",
            "x9", "9X", "McAllen", "U", "St", "Gen", "Érbil", "éa", "Qa'im", "Al-Qaim", "islamic", "STATE",
            "Supercalifragilisticexpialidociousandthensomemoretomakeitlong",
        ]), proptest::sample::select(vec![
            " ", " ", " ", " ", " ", " ", " ", " ", " ", " ", " ", " ", ", ", ". ", "  ", "\n", "-", "; ", " é ",
        ])), 0..120)) {
            let text: String = words.iter().flat_map(|(w, sep)| [*w, *sep]).collect();
            matches_the_reference(&text)?;
        }
    }

    proptest::proptest! {
        /// A token's classes read where it stands in the text are the
        /// classes of the token alone: every token of a text, near its end
        /// (fewer than 16 bytes left) too.
        #[test]
        fn a_tokens_classes_are_read_alike_in_its_text(parts in proptest::collection::vec(proptest::sample::select(vec![
            "city", "City", "CITY", "of", "province", "river", "the", "Mosul", "x", "a-very-long-word-indeed", " ", " ",
            ", ", ". ", "é", "Road", "media", "st",
        ]), 0..30)) {
            let text: String = parts.concat();
            let classes = WordClasses::new(&[(&["city", "river", "road"], 1), (&["province", "media", "city"], 2), (&["of", "st"], 4)]);
            for t in tokenize(&text) {
                proptest::prop_assert_eq!(classes.of_token(&text, &t), classes.of(&text[t.start..t.end]));
            }
        }
    }

    #[test]
    fn punctuation_is_read_off_the_bytes() {
        let at = |c: char| punctuation_at(c.to_string().as_bytes(), 0);
        assert!(GENERAL_PUNCTUATION.clone().all(at));
        for c in ['\u{1FFF}', '\u{2070}', '€', 'a', 'é', '日', '\u{20AC}', '\u{2100}'] {
            assert!(!at(c), "{c}");
        }
        assert!(!punctuation_at(b"\xE2", 0) && !punctuation_at(b"ab", 1));
    }

    #[test]
    fn general_punctuation_has_no_word_character() {
        assert!(GENERAL_PUNCTUATION.clone().all(|c| !c.is_alphanumeric()));
        assert!(!is_word_char('’') && !is_word_char('—') && is_word_char('é') && is_word_char('a'));
    }

    #[test]
    fn char_offsets_count_code_points() {
        let text = "Fallūjah and Hīt";
        let mut c = CharOffsets::new(text);
        let hit = text.find("Hīt").unwrap_or(0);
        assert_eq!(c.at(hit), 13);
        assert_eq!(c.at(hit + "Hīt".len()), 16);
        // Going back starts the count again.
        assert_eq!(c.at(text.find("and").unwrap_or(0)), 9);
        let ascii = "Fallujah and Hit";
        let mut c = CharOffsets::new(ascii);
        assert_eq!((c.at(13), c.at(16), c.at(9)), (13, 16, 9));
    }
}

/// A quick, inexact test of whether a word may be in a set: the set's word
/// lengths and first letters (ASCII case-insensitive). `false` is certain;
/// `true` means the set must be asked.
#[derive(Clone, Copy, Debug, Default)]
pub struct ShapeFilter {
    /// Bit `n` set when a word of `n` bytes is in the set (bit 63: 63 or more).
    lengths: u64,
    /// Bit `b - b'a'` set when a word starts with letter `b` (bit 26: other).
    firsts: u32,
}

#[inline]
fn first_bit(b: u8) -> u32 {
    let l = b.to_ascii_lowercase();
    if l.is_ascii_lowercase() { 1 << (l - b'a') } else { 1 << 26 }
}

impl ShapeFilter {
    /// Let `word` through from now on.
    pub fn add(&mut self, word: &[u8]) {
        self.lengths |= 1 << word.len().min(63);
        if let Some(&b) = word.first() {
            self.firsts |= first_bit(b);
        }
    }

    /// Whether `word` may be in the set.
    #[inline]
    pub fn may_contain(&self, word: &[u8]) -> bool {
        self.may_contain_shape(word.len(), word.first().copied().unwrap_or(0))
    }

    /// Whether a word of `len` bytes starting with byte `first` (ignored
    /// when `len` is 0) may be in the set.
    #[inline]
    pub fn may_contain_shape(&self, len: usize, first: u8) -> bool {
        // Bits and-ed, not `&&` and `||`: no branch (either test passes or
        // fails from word to word).
        let length = self.lengths >> len.min(63) & 1 != 0;
        let first = (self.firsts & first_bit(first) != 0) | (len == 0);
        length & first
    }
}

/// A set of lowercase ASCII words, tested case-insensitively without
/// allocating: each word is packed into one integer ([`crate::memo::pack`]).
#[derive(Debug)]
pub struct WordSet(WordClasses);

impl WordSet {
    /// A set of the given lowercase words (of at most [`crate::memo::SHORT`] bytes).
    pub fn new(words: &[&'static str]) -> WordSet {
        WordSet(WordClasses::new(&[(words, 1)]))
    }

    /// Whether `word`, lowercased, is in the set.
    pub fn contains(&self, word: &str) -> bool {
        self.0.of(word) != 0
    }

    /// [`WordSet::contains`] of token `t` of `text` (see
    /// [`WordClasses::of_token`]).
    pub fn contains_token(&self, text: &str, t: &Token) -> bool {
        self.0.of_token(text, t) != 0
    }
}

/// Several lists of lowercase ASCII words in one table: which of them a word
/// is in, as bits, from one probe. For a word that is asked about several
/// lists in a row (the word after a place name: a media, street, division
/// or feature word?), instead of one [`WordSet`] probe a list.
///
/// The table is made for its words: buckets of four packed keys
/// ([`crate::memo::pack`]), with a hash chosen so that no bucket holds more.
/// A probe reads one bucket (one cache line) and compares all four keys,
/// with no loop and no branch on the word: the words asked about are list
/// words or not from one word to the next, which a branch mispredicts.
#[derive(Debug)]
pub struct WordClasses {
    keys: Box<[[u128; BUCKET]]>,
    values: Box<[[u8; BUCKET]]>,
    /// Multiplier of [`WordClasses::bucket`].
    seed: u64,
    /// `64 - log2(buckets)`.
    shift: u32,
}

/// Keys in a bucket of [`WordClasses`].
const BUCKET: usize = 4;

/// Odd multipliers [`WordClasses::new`] tries, each made from the last.
fn seeds() -> impl Iterator<Item = u64> {
    std::iter::successors(Some(0x9E37_79B9_7F4A_7C15u64), |s| Some(s.wrapping_mul(0xD605_BBB5_8C8A_BBC5) | 1))
}

impl WordClasses {
    /// A table of the given lists, each with its bit.
    pub fn new(lists: &[(&[&str], u8)]) -> WordClasses {
        let mut words: rustc_hash::FxHashMap<u128, u8> = rustc_hash::FxHashMap::default();
        for (list, bit) in lists {
            for w in *list {
                let packed = crate::memo::pack(w.as_bytes());
                assert!(
                    packed.is_some() && !w.is_empty() && !w.bytes().any(|b| b.is_ascii_uppercase()) && *bit != 0,
                    "WordClasses word: {w}"
                );
                *words.entry(packed.unwrap_or_default()).or_insert(0) |= bit;
            }
        }
        // Half as many buckets as words (at least two), doubled until some
        // multiplier puts at most four words in every bucket.
        let mut log2 = (words.len() / 2).max(2).next_power_of_two().trailing_zeros();
        loop {
            let shift = 64 - log2;
            for seed in seeds().take(64) {
                let mut t = WordClasses {
                    keys: vec![[0; BUCKET]; 1 << log2].into_boxed_slice(),
                    values: vec![[0; BUCKET]; 1 << log2].into_boxed_slice(),
                    seed,
                    shift,
                };
                let fits = words.iter().all(|(&key, &bits)| {
                    let b = t.bucket(key);
                    let Some(slot) = t.values[b].iter().position(|&v| v == 0) else { return false };
                    (t.keys[b][slot], t.values[b][slot]) = (key, bits);
                    true
                });
                if fits {
                    return t;
                }
            }
            log2 += 1;
        }
    }

    /// The bucket of a packed key.
    #[inline]
    fn bucket(&self, key: u128) -> usize {
        let x = (key as u64).wrapping_add(((key >> 64) as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
        (x.wrapping_mul(self.seed) >> self.shift) as usize
    }

    /// The bits of a packed, lowercased key: one bucket's four keys
    /// compared, no branch. (An empty slot's key is 0, the empty word's,
    /// and its bits are 0.)
    #[inline]
    fn of_key(&self, key: u128) -> u8 {
        let b = self.bucket(key);
        // `bucket` is below the table's length: its top `64 - shift` bits.
        let (keys, values) = (&self.keys[b], &self.values[b]);
        let (lo, hi) = (key as u64, (key >> 64) as u64);
        let mut bits = 0;
        for k in 0..BUCKET {
            // (Halves compared with integer operations: a u128 `==` became
            // twice the instructions.)
            let differ = (keys[k] as u64 ^ lo) | ((keys[k] >> 64) as u64 ^ hi);
            bits |= values[k] & u8::from(differ == 0).wrapping_neg();
        }
        bits
    }

    /// The bits of the lists that `word`, lowercased, is in (0: none).
    pub fn of(&self, word: &str) -> u8 {
        crate::memo::pack_ascii_lowercase(word.as_bytes()).map_or(0, |k| self.of_key(k))
    }

    /// [`WordClasses::of`] token `t` of `text`: a short token's key packed
    /// with one 16-byte load from the text ([`crate::swar::pack_at`]), not
    /// with loads chosen by its length (a branch that mispredicts from word
    /// to word).
    pub fn of_token(&self, text: &str, t: &Token) -> u8 {
        crate::memo::pack_at(text.as_bytes(), t.start, t.end).map_or(0, |k| self.of_key(crate::swar::lowercase_key(k)))
    }
}

/// [`FUNCTION_WORDS`] as a set.
pub fn function_words() -> &'static WordSet {
    static S: std::sync::OnceLock<WordSet> = std::sync::OnceLock::new();
    S.get_or_init(|| WordSet::new(FUNCTION_WORDS))
}
