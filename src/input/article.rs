//! A fast reading of the NDJSON article lines most streams hold: one object
//! of the known fields (`id`, `text`, `title`, `source`, `published`,
//! `url`), strings and `null`s (and a number for `id`), spaces between
//! tokens, nothing else.
//!
//! serde_json reads such a line at about 1 GB/s, and most of that is its
//! string scan: eight bytes at a time, looking for a quote, a backslash or a
//! control character, and a scratch buffer that grows and is copied again.
//! Here the line is known to be UTF-8 with no control character (the caller
//! checks it whole, with SIMD), so a string's end is the next quote or
//! backslash (`memchr2`, SIMD) and its bytes are copied once, into a string
//! of the right size. Every other line, and anything unusual in one (an
//! escaped key, a duplicate or unknown field, a lone surrogate, a
//! malformed number), is `None`: serde_json reads it, and reports its
//! problems as it always did. A property test compares the two readings.

use super::RawDoc;

/// The fields of `line` (UTF-8, with no byte below 0x20: no control
/// character, no line break), or `None` for serde_json to read.
pub(super) fn read(line: &str) -> Option<RawDoc> {
    let mut r = Reader { line, at: 0 };
    let mut doc = RawDoc::default();
    // Bit k: field k seen (serde rejects a field given twice).
    let mut seen = 0u8;
    r.spaces();
    r.byte(b'{')?;
    r.spaces();
    if !r.eat(b'}') {
        loop {
            let key = r.key()?;
            r.spaces();
            r.byte(b':')?;
            r.spaces();
            let k = FIELDS.iter().position(|&f| f == key)?;
            if seen & 1 << k != 0 {
                return None;
            }
            seen |= 1 << k;
            if k == 0 {
                doc.id = r.id()?;
            } else {
                // The text is most of a line: its room is the rest of it
                // (unescaping never lengthens); other fields grow as needed.
                let room = if k == 1 { line.len() - r.at } else { 0 };
                let value = r.nullable_string(room)?;
                *match k {
                    1 => &mut doc.text,
                    2 => &mut doc.title,
                    3 => &mut doc.source,
                    4 => &mut doc.published,
                    _ => &mut doc.url,
                } = value;
            }
            r.spaces();
            if r.eat(b'}') {
                break;
            }
            r.byte(b',')?;
            r.spaces();
        }
    }
    r.spaces();
    (r.at == line.len()).then_some(doc)
}

/// The fields [`read`] knows, in the order of its bits.
const FIELDS: [&str; 6] = ["id", "text", "title", "source", "published", "url"];

struct Reader<'l> {
    line: &'l str,
    at: usize,
}

impl<'l> Reader<'l> {
    fn peek(&self) -> Option<u8> {
        self.line.as_bytes().get(self.at).copied()
    }

    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
    }

    /// Whether byte `b` is next; if so, it is taken.
    fn eat(&mut self, b: u8) -> bool {
        let next = self.peek() == Some(b);
        self.at += usize::from(next);
        next
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        self.eat(b).then_some(())
    }

    /// A key with no escape in it.
    fn key(&mut self) -> Option<&'l str> {
        self.byte(b'"')?;
        let rest = &self.line.as_bytes()[self.at..];
        let n = memchr::memchr2(b'"', b'\\', rest)?;
        if rest[n] != b'"' {
            return None;
        }
        let key = &self.line[self.at..self.at + n];
        self.at += n + 1;
        Some(key)
    }

    /// `null` (`None`) or a string, read into one made with room for
    /// `room` bytes.
    fn nullable_string(&mut self, room: usize) -> Option<Option<String>> {
        if self.literal("null") {
            return Some(None);
        }
        self.byte(b'"')?;
        let mut out = String::with_capacity(room);
        loop {
            // Quotes and backslashes are ASCII: the cuts are char boundaries.
            let n = memchr::memchr2(b'"', b'\\', &self.line.as_bytes()[self.at..])?;
            out.push_str(&self.line[self.at..self.at + n]);
            self.at += n + 1;
            if self.line.as_bytes()[self.at - 1] == b'"' {
                return Some(Some(out));
            }
            out.push(self.escape()?);
        }
    }

    /// The character of the escape after a backslash.
    fn escape(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += 1;
        Some(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let n = self.hex4()?;
                match n {
                    // A pair of surrogates: one character.
                    0xD800..=0xDBFF => {
                        if !(self.eat(b'\\') && self.eat(b'u')) {
                            return None;
                        }
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return None;
                        }
                        char::from_u32(0x10000 + ((n - 0xD800) << 10) + (low - 0xDC00))?
                    }
                    // A lone one is serde_json's error to report.
                    0xDC00..=0xDFFF => return None,
                    n => char::from_u32(n)?,
                }
            }
            _ => return None,
        })
    }

    /// Four hexadecimal digits.
    fn hex4(&mut self) -> Option<u32> {
        let digits = self.line.get(self.at..self.at + 4)?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.at += 4;
        u32::from_str_radix(digits, 16).ok()
    }

    fn literal(&mut self, word: &str) -> bool {
        let next = self.line[self.at..].starts_with(word);
        self.at += if next { word.len() } else { 0 };
        next
    }

    /// The `id`: `null` (`None`), a string, or a number as serde_json reads
    /// it.
    fn id(&mut self) -> Option<Option<serde_json::Value>> {
        if self.literal("null") {
            return Some(None);
        }
        if self.peek() == Some(b'"') {
            return Some(Some(serde_json::Value::String(self.nullable_string(0)??)));
        }
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')) {
            self.at += 1;
        }
        match serde_json::from_str(&self.line[start..self.at]) {
            Ok(n @ serde_json::Value::Number(_)) => Some(Some(n)),
            _ => None,
        }
    }
}
