//! A fast reading of the NDJSON article lines most streams hold: one object
//! of the known fields (`id`, `text`, `title`, `source`, `published`,
//! `url`), strings and `null`s (and a number for `id`), spaces between
//! tokens, nothing else.
//!
//! serde_json reads such a line at about 1 GB/s, and most of that is its
//! string scan: eight bytes at a time, looking for a quote, a backslash or a
//! control character, and a scratch buffer that grows and is copied again.
//! Here the line is known to be UTF-8 (the caller checks it whole, with
//! SIMD), so a string is read in one pass, 32 bytes a step: its
//! pieces between escapes are found and copied together ([`copy_plain`]),
//! into a string of the right size. Every other line, and anything unusual
//! in one (a control character, an escaped key, a duplicate or unknown
//! field, a lone surrogate, a malformed number), is `None`: serde_json reads
//! it, and reports its problems as it always did. A property test compares
//! the two readings.

use super::RawDoc;

/// The fields of `line` (UTF-8, with no line break at its end), or `None`
/// for serde_json to read.
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
    /// `room` bytes. A string with a control character in it is `None`
    /// (serde_json's error to report).
    fn nullable_string(&mut self, room: usize) -> Option<Option<String>> {
        if self.literal("null") {
            return Some(None);
        }
        self.byte(b'"')?;
        let mut out = Vec::with_capacity(if room > 0 { room + 16 } else { 0 });
        loop {
            // Quotes, backslashes and control characters are ASCII: the
            // cuts are char boundaries.
            let rest = &self.line.as_bytes()[self.at..];
            let n = copy_plain(rest, &mut out);
            self.at += n + 1;
            match rest.get(n) {
                Some(b'"') => break,
                Some(b'\\') => {
                    let c = self.escape()?;
                    out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
                _ => return None,
            }
        }
        // SAFETY: `out` holds pieces of `line` (a `str`) cut at ASCII bytes,
        // and whole characters.
        Some(Some(unsafe { String::from_utf8_unchecked(out) }))
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
        let digits = self.line.as_bytes().get(self.at..self.at + 4)?;
        let mut n = 0;
        for &b in digits {
            n = n << 4 | char::from(b).to_digit(16)?;
        }
        self.at += 4;
        Some(n)
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

/// The bytes of `src` up to the first quote, backslash or control
/// character (or all of it) copied onto `out`: how many there were.
///
/// One pass over the bytes, 32 a step on x86-64 (SSE2). When `out` has
/// room for all of `src` and sixteen bytes more (the text, whose room is
/// the rest of its line), each block is stored whole and then checked: the
/// piece is found and copied at once, with no call. Otherwise (short
/// fields) it is found first and then copied.
fn copy_plain(src: &[u8], out: &mut Vec<u8>) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        let len = out.len();
        if out.capacity() - len >= src.len() + 16 {
            // SAFETY: SSE2 is part of x86-64; there is room for `src.len() +
            // 16` bytes past `len`, and the first `n` of them are copied from
            // `src` (the rest may be written, but are not covered).
            unsafe {
                let n = scan_sse2::<true>(src, out.as_mut_ptr().add(len));
                out.set_len(len + n);
                return n;
            }
        }
        // SAFETY: SSE2 is part of x86-64, and nothing is stored.
        let n = unsafe { scan_sse2::<false>(src, std::ptr::null_mut()) };
        out.extend_from_slice(&src[..n]);
        n
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let n = src.iter().position(|&b| is_special(b)).unwrap_or(src.len());
        out.extend_from_slice(&src[..n]);
        n
    }
}

/// A byte that ends a string's plain piece: a quote, a backslash or a
/// control character.
#[inline]
fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

/// Where the first byte of `src` that [`is_special`] is (or its length),
/// with the bytes before it copied to `dst` when `COPY`: then `dst` must be
/// valid for writes of `src.len() + 16` bytes (which may all be written).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
unsafe fn scan_sse2<const COPY: bool>(src: &[u8], dst: *mut u8) -> usize {
    use std::arch::x86_64::*;
    // The bytes of `v` that are special, one bit each.
    let special = |v: __m128i| {
        let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
        let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
        // Bytes up to 0x1F: their unsigned minimum with 0x1F is themselves.
        let control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)) as u32
    };
    let mut i = 0;
    // Thirty-two bytes a step (one branch), then sixteen.
    while i + 32 <= src.len() {
        // SAFETY: `i + 32 <= src.len()`, and (when `COPY`) the caller made
        // `dst` valid for `src.len() + 16` bytes.
        let (a, b) =
            unsafe { (_mm_loadu_si128(src.as_ptr().add(i).cast()), _mm_loadu_si128(src.as_ptr().add(i + 16).cast())) };
        if COPY {
            unsafe {
                _mm_storeu_si128(dst.add(i).cast(), a);
                _mm_storeu_si128(dst.add(i + 16).cast(), b);
            }
        }
        let mask = special(a) | special(b) << 16;
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 32;
    }
    if i + 16 <= src.len() {
        // SAFETY: as above.
        let v = unsafe { _mm_loadu_si128(src.as_ptr().add(i).cast()) };
        if COPY {
            unsafe { _mm_storeu_si128(dst.add(i).cast(), v) };
        }
        let mask = special(v);
        if mask != 0 {
            return i + mask.trailing_zeros() as usize;
        }
        i += 16;
    }
    while i < src.len() && !is_special(src[i]) {
        if COPY {
            // SAFETY: `i < src.len()`, within `dst`'s room.
            unsafe { *dst.add(i) = src[i] };
        }
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A piece ends at the first special byte wherever it falls in a block
    /// (or at the end), and only its bytes are copied, with room for a
    /// whole-block copy and without.
    #[test]
    fn plain_pieces_end_at_the_first_special_byte() {
        for len in 0..80 {
            for at in 0..=len {
                for special in [b'"', b'\\', b'\n', 0x00, 0x1F] {
                    // Plain bytes of every kind around the special one,
                    // bytes from 0x80 and 0x20 included.
                    let mut src: Vec<u8> = (0..len).map(|k| [b'a', 0xC3, 0xA9, b' ', b'~', 0x7F][k % 6]).collect();
                    if at < len {
                        src[at] = special;
                    }
                    for room in [0, len + 17] {
                        let mut out = Vec::with_capacity(room);
                        out.extend_from_slice(b"<");
                        let n = copy_plain(&src, &mut out);
                        assert_eq!(n, at, "len {len}, special {special:#x} at {at}, room {room}");
                        assert_eq!(&out[1..], &src[..at]);
                    }
                }
            }
        }
    }
}
