//! Byte classes of 64 bytes of text at a time, one bit a byte: the
//! tokenizer's fast path reads a word's end, its case and the space after it
//! off these masks, with no loop over the word's bytes.
//!
//! On x86-64 the masks come from AVX2 where the CPU has it, thirty-two
//! bytes to an instruction, else from SSE2 (part of every x86-64 CPU),
//! sixteen; elsewhere from eight-byte words
//! ([`crate::swar`]). A property test checks each against the byte
//! predicates of the standard library.

/// Classes of up to 64 bytes of text: bit `k` of each mask is byte `k`.
/// Bytes past the end of the text read as a non-ASCII byte (in no class), so
/// that nothing past the end looks like a word, a space or an ASCII byte.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Block {
    /// ASCII letters and digits.
    pub alnum: u64,
    /// `A`-`Z`.
    pub upper: u64,
    /// `a`-`z`.
    pub lower: u64,
    /// The space character.
    pub space: u64,
    /// `,`.
    pub comma: u64,
    /// `-`.
    pub hyphen: u64,
    /// Bytes from 0x80 (and past the end of the text).
    pub non_ascii: u64,
}

/// What a byte past the end of the text reads as.
const PAST_END: u8 = 0x80;

/// The vector instructions this CPU has, found once (per text) by
/// [`Simd::detect`] instead of at every block: the block and code functions
/// below dispatch on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Simd(Level);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Level {
    /// AVX-512BW (x86-64).
    #[cfg(target_arch = "x86_64")]
    Avx512,
    /// AVX2 (x86-64).
    #[cfg(target_arch = "x86_64")]
    Avx2,
    /// SSE2 only (x86-64).
    #[cfg(target_arch = "x86_64")]
    Sse2,
    /// No vectors: other CPUs.
    #[cfg(not(target_arch = "x86_64"))]
    Portable,
}

impl Simd {
    /// What this CPU has. A `Simd` is only made here: holding an AVX-512 or
    /// AVX2 one means the CPU has those instructions.
    #[inline]
    pub fn detect() -> Simd {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512bw") {
                Simd(Level::Avx512)
            } else if std::arch::is_x86_feature_detected!("avx2") {
                Simd(Level::Avx2)
            } else {
                Simd(Level::Sse2)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            Simd(Level::Portable)
        }
    }
}

impl Block {
    /// The classes of `bytes[from..from + 64]`.
    #[inline]
    pub fn at(bytes: &[u8], from: usize, simd: Simd) -> Block {
        let rest = bytes.get(from..).unwrap_or(&[]);
        match rest.first_chunk::<64>() {
            Some(chunk) => Block::of(chunk, simd),
            None => {
                let mut chunk = [PAST_END; 64];
                chunk[..rest.len()].copy_from_slice(rest);
                Block::of(&chunk, simd)
            }
        }
    }

    #[inline]
    fn of(chunk: &[u8; 64], simd: Simd) -> Block {
        match simd.0 {
            // SAFETY (the three x86-64 arms): `Simd::detect` found the
            // instructions each function is compiled for (SSE2 is part of
            // x86-64).
            #[cfg(target_arch = "x86_64")]
            Level::Avx512 => unsafe { avx512(chunk) },
            #[cfg(target_arch = "x86_64")]
            Level::Avx2 => unsafe { avx2(chunk) },
            #[cfg(target_arch = "x86_64")]
            Level::Sse2 => unsafe { sse2(chunk) },
            #[cfg(not(target_arch = "x86_64"))]
            Level::Portable => portable(chunk),
        }
    }
}

/// Where a block's runs of plain words are: words that a space, a comma
/// and a space, or a hyphen join to the next word ("the town of Hit, west
/// of Ramadi" is one run; "U.S." or "Mosul." ends one). The tokenizer takes
/// a run's words together, off these masks, with no branch per word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Runs {
    /// Bytes that start a word: ASCII letters and digits after any other
    /// byte. Bit 0 is set whenever byte 0 is a letter or digit: the
    /// tokenizer reads a block at a word's first byte.
    pub starts: u64,
    /// Bytes right after a word that join it to the next one: a space and
    /// a letter or digit, a comma, a space and a letter or digit, or a
    /// hyphen and a letter or digit, all within the block's first 62 bytes
    /// and the next.
    pub joins: u64,
    /// Bytes right after a word that do not join it to the next, and bit
    /// 63 (where every run ends).
    pub stops: u64,
    /// Byte `k`, when it is the byte right after a word (in the block, with
    /// the word): what that word is and what joins it to the next, as the
    /// bits of [`code`]. The run loop reads a word's case and its gap off
    /// this byte: one load instead of five masks shifted and masked a word
    /// at a time.
    pub code: [u8; 64],
}

/// The bits of a [`Runs::code`] byte, each made a block at a time as a mask
/// of the block's bytes (see [`Runs::of`]).
pub(super) mod code {
    /// The word ending here has a letter,
    pub const LETTER: u8 = 1;
    /// a small letter,
    pub const SMALL: u8 = 2;
    /// a capital as its first letter;
    pub const CAPITAL_FIRST: u8 = 4;
    /// a space joins it to the next word,
    pub const SPACE: u8 = 8;
    /// or a comma and a space do (the highest bit; a hyphen, when neither).
    pub const COMMA: u8 = 16;
}

impl Default for Runs {
    fn default() -> Runs {
        Runs { starts: 0, joins: 0, stops: 0, code: [0; 64] }
    }
}

impl Runs {
    /// The runs of `b`.
    #[inline(always)]
    pub fn of(b: &Block, simd: Simd) -> Runs {
        let a = b.alnum;
        let after = !a & (a << 1);
        let space = b.space & (a >> 1);
        let comma = b.comma & (b.space >> 1) & (a >> 2);
        let hyphen = b.hyphen & (a >> 1);
        let joins = after & (space | comma | hyphen) & (u64::MAX >> 2);
        let starts = a & !(a << 1);
        // A word's bits plus any of them carry to the byte after it (and no
        // further: that byte is in no word): the words with a bit of `m`,
        // marked at their ends.
        let ends_of_words_with = |m: u64| a.wrapping_add(m) & !a;
        let letters = b.upper | b.lower;
        let digits = a & !letters;
        // A word's start plus its leading digits carry to its first letter
        // (or, with none, past its end).
        let first_letters = starts.wrapping_add(digits) & !digits;
        // The masks of the code bits, in their order.
        const {
            use code::{CAPITAL_FIRST, COMMA, LETTER, SMALL, SPACE};
            assert!(LETTER == 1 && SMALL == 2 && CAPITAL_FIRST == 4 && SPACE == 8 && COMMA == 16);
        };
        let masks = [
            ends_of_words_with(letters),
            ends_of_words_with(b.lower),
            ends_of_words_with(first_letters & b.upper),
            space & joins,
            comma & joins,
        ];
        Runs { starts, joins, stops: (after & !joins) | 1 << 63, code: codes(&masks, simd) }
    }

    /// The run at byte `o` of the block, the first byte of a word: the
    /// starts and the joins of its words (none when the word at `o` does
    /// not join the next), up to the first word that does not join the next.
    /// That word's start is among the starts when it is in the block.
    #[inline]
    pub fn at(&self, o: usize) -> (u64, u64) {
        let from = u64::MAX << o;
        // At most 63: bit 63 is always a stop.
        let stop = (self.stops & from).trailing_zeros();
        let before = (1u64 << stop) - 1;
        (self.starts & from & before, self.joins & from & before)
    }
}

/// The [`Runs::code`] bytes of five masks: bit `k` of byte `j` is bit `j`
/// of mask `k`.
#[inline]
fn codes(masks: &[u64; 5], simd: Simd) -> [u8; 64] {
    match simd.0 {
        // SAFETY (both): `Simd::detect` found these instructions.
        #[cfg(target_arch = "x86_64")]
        Level::Avx512 => unsafe { codes_avx512(masks) },
        #[cfg(target_arch = "x86_64")]
        Level::Avx2 => unsafe { codes_avx2(masks) },
        #[cfg(target_arch = "x86_64")]
        Level::Sse2 => codes_portable(masks),
        #[cfg(not(target_arch = "x86_64"))]
        Level::Portable => codes_portable(masks),
    }
}

/// [`codes`] eight bytes at a time, each mask byte spread over eight bytes
/// by a table.
fn codes_portable(masks: &[u64; 5]) -> [u8; 64] {
    /// Byte `i` of entry `b`: bit `i` of `b`.
    const SPREAD: [u64; 256] = {
        let mut t = [0u64; 256];
        let mut b = 0;
        while b < 256 {
            let mut i = 0;
            while i < 8 {
                t[b] |= ((b as u64 >> i) & 1) << (8 * i);
                i += 1;
            }
            b += 1;
        }
        t
    };
    let mut out = [0u8; 64];
    for (c, bytes) in out.chunks_exact_mut(8).enumerate() {
        let mut w = 0;
        for (k, &m) in masks.iter().enumerate() {
            w |= SPREAD[usize::from((m >> (8 * c)) as u8)] << k;
        }
        bytes.copy_from_slice(&w.to_le_bytes());
    }
    out
}

/// [`codes`] with AVX2: a mask's four bytes in every lane, each shuffled to
/// the eight bytes of its bits, and each of those bytes tested for its bit.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn codes_avx2(masks: &[u64; 5]) -> [u8; 64] {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_or_si256, _mm256_set1_epi8, _mm256_set1_epi32,
        _mm256_set1_epi64x, _mm256_setr_epi8, _mm256_setzero_si256, _mm256_shuffle_epi8, _mm256_storeu_si256,
    };
    // (`vpshufb` shuffles within each 16-byte lane; every lane holds the
    // half-mask's four bytes, so lane 0 takes bytes 0 and 1, lane 1 bytes 2
    // and 3.)
    #[rustfmt::skip]
    let spread = _mm256_setr_epi8(
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
        2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3,
    );
    let bit = _mm256_set1_epi64x(0x8040_2010_0804_0201u64 as i64);
    let mut out = [0u8; 64];
    for (half, bytes) in out.chunks_exact_mut(32).enumerate() {
        let mut v = _mm256_setzero_si256();
        for (k, &m) in masks.iter().enumerate() {
            let quarter = _mm256_set1_epi32((m >> (32 * half)) as u32 as i32);
            let bits = _mm256_and_si256(_mm256_shuffle_epi8(quarter, spread), bit);
            let set = _mm256_cmpeq_epi8(bits, bit);
            v = _mm256_or_si256(v, _mm256_and_si256(set, _mm256_set1_epi8(1 << k)));
        }
        // SAFETY: `bytes` is 32 bytes, which an unaligned store writes.
        unsafe { _mm256_storeu_si256(bytes.as_mut_ptr().cast::<__m256i>(), v) };
    }
    out
}

/// [`codes`] with AVX-512BW: each mask selects, in one instruction, the
/// bytes that get its bit.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn codes_avx512(masks: &[u64; 5]) -> [u8; 64] {
    use std::arch::x86_64::{
        __m512i, _mm512_maskz_mov_epi8, _mm512_or_si512, _mm512_set1_epi8, _mm512_setzero_si512, _mm512_storeu_si512,
    };
    let mut v = _mm512_setzero_si512();
    for (k, &m) in masks.iter().enumerate() {
        v = _mm512_or_si512(v, _mm512_maskz_mov_epi8(m, _mm512_set1_epi8(1 << k)));
    }
    let mut out = [0u8; 64];
    // SAFETY: `out` is 64 bytes, which an unaligned store writes.
    unsafe { _mm512_storeu_si512(out.as_mut_ptr().cast::<__m512i>(), v) };
    out
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "sse2")]
fn sse2(chunk: &[u8; 64]) -> Block {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpeq_epi8, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set_epi64x, _mm_set1_epi8,
    };
    let mut b = Block::default();
    for (k, part) in chunk.chunks_exact(16).enumerate() {
        let word = |at: usize| i64::from_le_bytes(part[at..at + 8].try_into().unwrap_or([0; 8]));
        let v = _mm_set_epi64x(word(8), word(0));
        // Signed compares: bytes from 0x80 are negative, below every range.
        let range = |lo: u8, hi: u8| {
            _mm_and_si128(
                _mm_cmpgt_epi8(v, _mm_set1_epi8((lo - 1) as i8)),
                _mm_cmplt_epi8(v, _mm_set1_epi8((hi + 1) as i8)),
            )
        };
        let bits = |m: __m128i| u64::from(_mm_movemask_epi8(m) as u16) << (16 * k);
        let (upper, lower) = (range(b'A', b'Z'), range(b'a', b'z'));
        b.upper |= bits(upper);
        b.lower |= bits(lower);
        b.alnum |= bits(_mm_or_si128(_mm_or_si128(upper, lower), range(b'0', b'9')));
        b.space |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)));
        b.comma |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8)));
        b.hyphen |= bits(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'-' as i8)));
        b.non_ascii |= bits(v);
    }
    b
}

/// [`sse2`] thirty-two bytes to an instruction: half the instructions of
/// a block, which the tokenizer reads every fifty-odd bytes of text.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn avx2(chunk: &[u8; 64]) -> Block {
    use std::arch::x86_64::{
        __m256i, _mm256_and_si256, _mm256_cmpeq_epi8, _mm256_cmpgt_epi8, _mm256_loadu_si256, _mm256_movemask_epi8,
        _mm256_or_si256, _mm256_set1_epi8,
    };
    let mut b = Block::default();
    for (k, part) in chunk.chunks_exact(32).enumerate() {
        // SAFETY: `part` is 32 bytes, which an unaligned load reads.
        let v = unsafe { _mm256_loadu_si256(part.as_ptr().cast::<__m256i>()) };
        // Signed compares: bytes from 0x80 are negative, below every range.
        let range = |lo: u8, hi: u8| {
            _mm256_and_si256(
                _mm256_cmpgt_epi8(v, _mm256_set1_epi8((lo - 1) as i8)),
                _mm256_cmpgt_epi8(_mm256_set1_epi8((hi + 1) as i8), v),
            )
        };
        let bits = |m: __m256i| u64::from(_mm256_movemask_epi8(m) as u32) << (32 * k);
        let (upper, lower) = (range(b'A', b'Z'), range(b'a', b'z'));
        b.upper |= bits(upper);
        b.lower |= bits(lower);
        b.alnum |= bits(_mm256_or_si256(_mm256_or_si256(upper, lower), range(b'0', b'9')));
        b.space |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b' ' as i8)));
        b.comma |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b',' as i8)));
        b.hyphen |= bits(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'-' as i8)));
        b.non_ascii |= bits(v);
    }
    b
}

/// [`avx2`] sixty-four bytes to an instruction: each compare gives a
/// block's mask at once, in a mask register, with no movemask and no shift.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw")]
fn avx512(chunk: &[u8; 64]) -> Block {
    use std::arch::x86_64::{
        __m512i, _mm512_cmpeq_epi8_mask, _mm512_cmplt_epu8_mask, _mm512_loadu_si512, _mm512_movepi8_mask,
        _mm512_set1_epi8, _mm512_sub_epi8,
    };
    // SAFETY: `chunk` is 64 bytes, which an unaligned load reads.
    let v = unsafe { _mm512_loadu_si512(chunk.as_ptr().cast::<__m512i>()) };
    // `lo..=hi`: `v - lo` below `hi - lo + 1` as an unsigned byte (bytes
    // below `lo` wrap round to large values).
    let range = |lo: u8, hi: u8| {
        _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(lo as i8)), _mm512_set1_epi8((hi - lo + 1) as i8))
    };
    let is = |c: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c as i8));
    let (upper, lower) = (range(b'A', b'Z'), range(b'a', b'z'));
    Block {
        alnum: upper | lower | range(b'0', b'9'),
        upper,
        lower,
        space: is(b' '),
        comma: is(b','),
        hyphen: is(b'-'),
        non_ascii: _mm512_movepi8_mask(v),
    }
}

/// [`Block::of`] without SSE2: eight bytes at a time.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn portable(chunk: &[u8; 64]) -> Block {
    use crate::swar::{Classes, HIGH};
    const ONES: u64 = 0x0101_0101_0101_0101;
    // The high bits of a word's eight bytes, gathered into its top byte.
    let gather = |m: u64| (m >> 7).wrapping_mul(0x0102_0408_1020_4080) >> 56;
    let mut b = Block::default();
    for (k, part) in chunk.chunks_exact(8).enumerate() {
        let w = u64::from_le_bytes(part.try_into().unwrap_or([0; 8]));
        let c = Classes::of(w);
        // A zero byte of `w ^ c...c`, exactly (no false positive from a
        // borrow): the high bit of each byte equal to `c`.
        let equal = |c: u8| {
            let x = w ^ (ONES * u64::from(c));
            !(((x & !HIGH) + !HIGH) | x) & HIGH
        };
        let shift = 8 * k;
        b.upper |= gather(c.upper) << shift;
        b.lower |= gather(c.lower) << shift;
        b.alnum |= gather(c.alnum()) << shift;
        b.space |= gather(equal(b' ')) << shift;
        b.comma |= gather(equal(b',')) << shift;
        b.hyphen |= gather(equal(b'-')) << shift;
        b.non_ascii |= gather(w & HIGH) << shift;
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expected(bytes: &[u8], from: usize) -> Block {
        let mut b = Block::default();
        for k in 0..64 {
            let c = bytes.get(from + k).copied().unwrap_or(PAST_END);
            let bit = 1u64 << k;
            b.alnum |= if c.is_ascii_alphanumeric() { bit } else { 0 };
            b.upper |= if c.is_ascii_uppercase() { bit } else { 0 };
            b.lower |= if c.is_ascii_lowercase() { bit } else { 0 };
            b.space |= if c == b' ' { bit } else { 0 };
            b.comma |= if c == b',' { bit } else { 0 };
            b.hyphen |= if c == b'-' { bit } else { 0 };
            b.non_ascii |= if c >= 0x80 { bit } else { 0 };
        }
        b
    }

    /// [`Runs`] of `bytes[from..]`, a byte at a time: every word's start,
    /// and what follows each word.
    fn expected_runs(bytes: &[u8], from: usize) -> Runs {
        let at = |k: usize| bytes.get(from + k).copied().unwrap_or(PAST_END);
        let alnum = |k: usize| k < 64 && at(k).is_ascii_alphanumeric();
        let mut r = Runs { stops: 1 << 63, ..Runs::default() };
        // The masks of the code bits: letter, small, capital first, space, comma.
        let mut m = [0u64; 5];
        for k in 0..64 {
            let bit = 1u64 << k;
            if alnum(k) && (k == 0 || !alnum(k - 1)) {
                r.starts |= bit;
            }
            if k == 0 || alnum(k) || !alnum(k - 1) {
                continue;
            }
            // Byte k is the first after a word, which starts at s.
            let s = (0..k).rev().take_while(|&i| alnum(i)).last().unwrap_or(k);
            let word: Vec<u8> = (s..k).map(at).collect();
            let first_letter = word.iter().find(|b| b.is_ascii_alphabetic());
            m[0] |= if first_letter.is_some() { bit } else { 0 };
            m[1] |= if word.iter().any(u8::is_ascii_lowercase) { bit } else { 0 };
            m[2] |= if first_letter.is_some_and(u8::is_ascii_uppercase) { bit } else { 0 };
            let space = at(k) == b' ' && alnum(k + 1);
            let comma = at(k) == b',' && k + 1 < 64 && at(k + 1) == b' ' && alnum(k + 2);
            let hyphen = at(k) == b'-' && alnum(k + 1);
            if (space || comma || hyphen) && k <= 61 {
                r.joins |= bit;
                m[3] |= if space { bit } else { 0 };
                m[4] |= if comma { bit } else { 0 };
            } else {
                r.stops |= bit;
            }
        }
        r.code = code_bytes(&m);
        r
    }

    /// Code bytes a bit at a time: bit `k` of byte `j` is bit `j` of mask `k`.
    fn code_bytes(masks: &[u64; 5]) -> [u8; 64] {
        std::array::from_fn(|j| (0..5).map(|k| u8::from(masks[k] >> j & 1 == 1) << k).sum())
    }

    proptest::proptest! {
        /// Every way of making code bytes makes them as a bit at a time does.
        #[test]
        fn codes_match_a_bit_at_a_time(masks in proptest::array::uniform5(proptest::num::u64::ANY)) {
            let want = code_bytes(&masks);
            proptest::prop_assert_eq!(codes(&masks, Simd::detect()), want);
            proptest::prop_assert_eq!(codes_portable(&masks), want);
            #[cfg(target_arch = "x86_64")]
            {
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2, just checked.
                    proptest::prop_assert_eq!(unsafe { codes_avx2(&masks) }, want);
                }
                if std::arch::is_x86_feature_detected!("avx512bw") {
                    // SAFETY: the CPU has AVX-512BW, just checked.
                    proptest::prop_assert_eq!(unsafe { codes_avx512(&masks) }, want);
                }
            }
        }
    }

    proptest::proptest! {
        /// The runs read off the masks are the runs found a byte at a time;
        /// a run from a word's start takes the words up to the first that
        /// does not join the next.
        #[test]
        fn runs_match_a_byte_scan(text in "[a-zA-Z0-9 ,.'é-]{0,90}", from in 0usize..90) {
            let bytes = text.as_bytes();
            let from = from.min(bytes.len());
            let runs = Runs::of(&Block::at(bytes, from, Simd::detect()), Simd::detect());
            let want = expected_runs(bytes, from);
            proptest::prop_assert_eq!(runs, want);
            for o in (0..64).filter(|&o| want.starts >> o & 1 != 0) {
                let (starts, joins) = runs.at(o);
                // Walk the words from o while each joins the next.
                let (mut want_starts, mut want_joins, mut s) = (0u64, 0u64, o);
                while let Some(e) = (s..64).find(|&k| (want.stops | want.joins) >> k & 1 != 0) {
                    if want.joins >> e & 1 == 0 {
                        break;
                    }
                    want_starts |= 1 << s;
                    want_joins |= 1 << e;
                    s = e + 1 + usize::from(want.code[e] & code::COMMA != 0);
                }
                proptest::prop_assert_eq!(joins, want_joins);
                // The run's words are the first of the starts given.
                let mut first = 0u64;
                let mut rest = starts;
                for _ in 0..joins.count_ones() {
                    first |= rest & rest.wrapping_neg();
                    rest &= rest.wrapping_sub(1);
                }
                proptest::prop_assert_eq!(first, want_starts);
            }
        }
    }

    proptest::proptest! {
        /// Every mask bit says what the byte predicate says, past the end
        /// of the text too, from the SSE2 and the portable code alike.
        #[test]
        fn masks_match_byte_predicates(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..140), from in 0usize..140) {
            let from = from.min(bytes.len());
            let want = expected(&bytes, from);
            proptest::prop_assert_eq!(Block::at(&bytes, from, Simd::detect()), want);
            let mut chunk = [PAST_END; 64];
            let rest = &bytes[from..];
            let n = rest.len().min(64);
            chunk[..n].copy_from_slice(&rest[..n]);
            proptest::prop_assert_eq!(portable(&chunk), want);
            #[cfg(target_arch = "x86_64")]
            {
                // SAFETY: SSE2 is part of x86-64.
                proptest::prop_assert_eq!(unsafe { sse2(&chunk) }, want);
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: the CPU has AVX2, just checked.
                    proptest::prop_assert_eq!(unsafe { avx2(&chunk) }, want);
                }
                if std::arch::is_x86_feature_detected!("avx512bw") {
                    // SAFETY: the CPU has AVX-512BW, just checked.
                    proptest::prop_assert_eq!(unsafe { avx512(&chunk) }, want);
                }
            }
        }
    }
}
