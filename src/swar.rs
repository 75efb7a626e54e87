//! Byte classes eight at a time ("SIMD within a register"): masks with the
//! high bit set in each byte of a little-endian `u64` that is an ASCII
//! capital, small letter or digit. Word scanning and key packing use them
//! instead of a branch per byte.

const ONES: u64 = 0x0101_0101_0101_0101;
/// The high bit of every byte.
pub const HIGH: u64 = 0x8080_8080_8080_8080;

/// Class masks of the eight bytes of a `u64`.
#[derive(Clone, Copy, Debug)]
pub struct Classes {
    /// `A`-`Z`.
    pub upper: u64,
    /// `a`-`z`.
    pub lower: u64,
    /// `0`-`9`.
    pub digit: u64,
}

impl Classes {
    /// The classes of the bytes of `w`.
    #[inline]
    pub fn of(w: u64) -> Classes {
        let ascii = !w & HIGH;
        let x = w & !HIGH;
        // High bit of each byte of `x` (all below 0x80) that is >= `lo`: the
        // sums stay below 0x100, so no carry crosses a byte.
        let at_least = |lo: u8| (x + u64::from(0x80 - lo) * ONES) & HIGH;
        Classes {
            upper: at_least(b'A') & !at_least(b'Z' + 1) & ascii,
            lower: at_least(b'a') & !at_least(b'z' + 1) & ascii,
            digit: at_least(b'0') & !at_least(b'9' + 1) & ascii,
        }
    }

    /// ASCII letters and digits.
    #[inline]
    pub fn alnum(&self) -> u64 {
        self.upper | self.lower | self.digit
    }
}

/// The high bit of each byte of `w` that is an ASCII letter or digit: as
/// [`Classes::alnum`], in four range tests instead of six (a letter is
/// found among the bytes with bit 5 set, where capitals become small).
#[inline]
pub fn alnum(w: u64) -> u64 {
    let x = w & !HIGH;
    let at_least = |v: u64, lo: u8| (v + u64::from(0x80 - lo) * ONES) & HIGH;
    // Bit 5 set maps `A`-`Z` onto `a`-`z` and no other byte below 0x80 into
    // that range; digits are tested on the bytes as they are.
    let folded = x | 0x2020_2020_2020_2020;
    let letter = at_least(folded, b'a') & !at_least(folded, b'z' + 1);
    let digit = at_least(x, b'0') & !at_least(x, b'9' + 1);
    (letter | digit) & !w & HIGH
}

/// The bytes of `x` with ASCII capitals lowercased.
#[inline]
pub fn ascii_lowercase(x: u64) -> u64 {
    let low = x & !HIGH;
    let upper = (low + u64::from(0x80 - b'A') * ONES) & !(low + u64::from(0x80 - (b'Z' + 1)) * ONES) & !x & HIGH;
    x | upper >> 2
}

/// The high bits of the first `n` bytes (all of them from 8).
#[inline]
pub fn first_bytes(n: usize) -> u64 {
    if n >= 8 { HIGH } else { HIGH & ((1u64 << (8 * n)) - 1) }
}

/// Up to 8 bytes as a little-endian integer, by at most two loads that may
/// overlap (an overlapping byte is or-ed onto itself): cheaper than a copy of
/// variable length (a memcpy call) or a shift per byte.
#[inline]
pub fn load_le(b: &[u8]) -> u64 {
    let n = b.len();
    let u32_at = |i: usize| b.get(i..i + 4).map_or(0, |w| u64::from(u32::from_le_bytes([w[0], w[1], w[2], w[3]])));
    match n {
        0 => 0,
        1..=3 => u64::from(b[0]) | u64::from(b[n / 2]) << (8 * (n / 2)) | u64::from(b[n - 1]) << (8 * (n - 1)),
        4..=7 => u32_at(0) | u32_at(n - 4) << (8 * (n - 4)),
        _ => b.first_chunk::<8>().map_or(0, |w| u64::from_le_bytes(*w)),
    }
}

/// The high bit of each byte of `w` that JSON must escape in a string (a
/// control character, a quote, a backslash): exact as to whether there is
/// one (a borrow marks bytes only above one that is).
#[inline]
fn json_escapes(w: u64) -> u64 {
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    let control = w.wrapping_sub(0x20 * ONES) & !w;
    (control | zero(w ^ (u64::from(b'"') * ONES)) | zero(w ^ (u64::from(b'\\') * ONES))) & HIGH
}

/// Whether a byte of `b` is one JSON must escape in a string: eight bytes
/// at a time, the last eight (or the only few) by loads that may overlap,
/// with no branch per byte (`Iterator::all` over a short string took a
/// branch a byte and a mispredicted one at its end).
#[inline]
pub fn needs_json_escape(b: &[u8]) -> bool {
    let n = b.len();
    let Some(last) = b.last_chunk::<8>() else {
        // Bytes past the end read as 0: masked off.
        return json_escapes(load_le(b)) & first_bytes(n) != 0;
    };
    let mut found = json_escapes(u64::from_le_bytes(*last));
    for c in b[..n - 8].chunks(8) {
        found |= json_escapes(load_le(c)) & first_bytes(c.len());
    }
    found != 0
}

/// Keys of at most this many bytes are packed.
pub const SHORT: usize = 15;

/// `bytes` (at most [`SHORT`]) and their length packed into one integer:
/// the bytes little-endian from the low end, the length in the top byte.
#[inline]
pub fn pack(bytes: &[u8]) -> Option<u128> {
    if bytes.len() > SHORT {
        return None;
    }
    let n = bytes.len();
    let (lo, hi) = match bytes.split_first_chunk::<8>() {
        Some((head, rest)) => (u64::from_le_bytes(*head), load_le(rest)),
        None => (load_le(bytes), 0),
    };
    Some(u128::from(lo) | u128::from(hi) << 64 | (n as u128) << 120)
}

/// [`pack`] of `bytes[start..end]` (`None` also when that is no range of
/// `bytes`). When 16 bytes from `start` are inside `bytes`, by one 16-byte
/// load and a mask: [`pack`] of the slice alone must branch on its length
/// (a branch that mispredicts from word to word).
#[inline]
pub fn pack_at(bytes: &[u8], start: usize, end: usize) -> Option<u128> {
    let n = end.checked_sub(start)?;
    if n > SHORT {
        return None;
    }
    match bytes.get(start..).and_then(<[u8]>::first_chunk::<16>) {
        Some(w) => Some(u128::from_le_bytes(*w) & KEEP[n] | (n as u128) << 120),
        None => pack(bytes.get(start..end)?),
    }
}

/// The mask of the first `n` bytes of a 16-byte load, for `n` up to
/// [`SHORT`]: a table, not a 128-bit shift by a variable amount (a dozen
/// instructions).
const KEEP: [u128; SHORT + 1] = {
    let mut t = [0u128; SHORT + 1];
    let mut n = 0;
    while n <= SHORT {
        t[n] = (1u128 << (8 * n)) - 1;
        n += 1;
    }
    t
};

/// [`pack`] of `bytes` with ASCII letters lowercased.
#[inline]
pub fn pack_ascii_lowercase(bytes: &[u8]) -> Option<u128> {
    pack(bytes).map(lowercase_key)
}

/// A key made by [`pack`] with its ASCII letters lowercased.
#[inline]
pub fn lowercase_key(key: u128) -> u128 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of x86-64: every CPU that runs this has it.
        unsafe { sse2::lowercase_key(key) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable::lowercase_key(key)
    }
}

/// Whether a key made by [`pack`] holds only ASCII letters and digits.
#[inline]
pub fn is_ascii_alnum(key: u128) -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: SSE2 is part of x86-64: every CPU that runs this has it.
        unsafe { sse2::is_ascii_alnum(key) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        portable::is_ascii_alnum(key)
    }
}

/// Packed keys as two eight-byte words, for CPUs other than x86-64 (and
/// compiled everywhere, so that its tests run on every machine).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod portable {
    use super::{alnum, ascii_lowercase, first_bytes};

    /// [`super::lowercase_key`].
    #[inline]
    pub fn lowercase_key(key: u128) -> u128 {
        // The length byte (at most 15) is no letter and stays as it is.
        u128::from(ascii_lowercase(key as u64)) | u128::from(ascii_lowercase((key >> 64) as u64)) << 64
    }

    /// [`super::is_ascii_alnum`].
    #[inline]
    pub fn is_ascii_alnum(key: u128) -> bool {
        let n = usize::from((key >> 120) as u8);
        let lo = first_bytes(n);
        // Most words have at most eight bytes: the second half is then not looked at.
        let hi = first_bytes(n.saturating_sub(8));
        alnum(key as u64) & lo == lo && (n <= 8 || alnum((key >> 64) as u64) & hi == hi)
    }
}

/// Packed keys a 16-byte vector at a time (SSE2, which every x86-64 CPU
/// has): a handful of instructions where the eight-byte masks above take
/// several dozen.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_cmpgt_epi8, _mm_cmplt_epi8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    /// The key as a vector (the same 16 bytes).
    #[inline(always)]
    fn vector(key: u128) -> __m128i {
        // SAFETY: both are 16 bytes of plain data.
        unsafe { std::mem::transmute::<u128, __m128i>(key) }
    }

    /// All ones in each byte of `v` from `lo` to `hi` (ASCII), with bytes
    /// from 0x80 up (negative as `i8`) outside every such range.
    #[inline]
    #[target_feature(enable = "sse2")]
    fn in_range(v: __m128i, lo: u8, hi: u8) -> __m128i {
        _mm_and_si128(
            _mm_cmpgt_epi8(v, _mm_set1_epi8((lo - 1) as i8)),
            _mm_cmplt_epi8(v, _mm_set1_epi8((hi + 1) as i8)),
        )
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn lowercase_key(key: u128) -> u128 {
        let v = vector(key);
        let upper = in_range(v, b'A', b'Z');
        // SAFETY: as in `vector`.
        unsafe { std::mem::transmute::<__m128i, u128>(_mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)))) }
    }

    #[inline]
    #[target_feature(enable = "sse2")]
    pub fn is_ascii_alnum(key: u128) -> bool {
        let v = vector(key);
        let alnum =
            _mm_or_si128(_mm_or_si128(in_range(v, b'A', b'Z'), in_range(v, b'a', b'z')), in_range(v, b'0', b'9'));
        let n = (key >> 120) as u32;
        let want = (1u32 << n) - 1;
        _mm_movemask_epi8(alnum) as u32 & want == want
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The eight-byte code for packed keys (of CPUs other than x86-64)
        /// answers as the standard library, and as the code in use here.
        #[test]
        fn portable_keys_match_byte_predicates(bytes in proptest::collection::vec(proptest::prop_oneof![
            3 => proptest::sample::select(b"aZz09AM".to_vec()),
            1 => proptest::sample::select(b"@[`{/:\x7f\x80\xc3\xff\0 -".to_vec()),
        ], 0..=SHORT)) {
            let k = pack(&bytes).unwrap_or(0);
            proptest::prop_assert_eq!(Some(portable::lowercase_key(k)), pack(&bytes.to_ascii_lowercase()));
            proptest::prop_assert_eq!(portable::is_ascii_alnum(k), bytes.iter().all(u8::is_ascii_alphanumeric));
            proptest::prop_assert_eq!(portable::lowercase_key(k), lowercase_key(k));
            proptest::prop_assert_eq!(portable::is_ascii_alnum(k), is_ascii_alnum(k));
        }
    }

    proptest::proptest! {
        /// The masks agree with the byte predicates of the standard library.
        #[test]
        fn classes_match_byte_predicates(bytes in proptest::array::uniform8(proptest::num::u8::ANY)) {
            let c = Classes::of(u64::from_le_bytes(bytes));
            for (i, b) in bytes.iter().enumerate() {
                let bit = |m: u64| m >> (8 * i + 7) & 1 == 1;
                proptest::prop_assert_eq!(bit(c.upper), b.is_ascii_uppercase());
                proptest::prop_assert_eq!(bit(c.lower), b.is_ascii_lowercase());
                proptest::prop_assert_eq!(bit(c.digit), b.is_ascii_digit());
                proptest::prop_assert_eq!(bit(alnum(u64::from_le_bytes(bytes))), b.is_ascii_alphanumeric());
            }
            let mut lower = bytes;
            lower.make_ascii_lowercase();
            proptest::prop_assert_eq!(ascii_lowercase(u64::from_le_bytes(bytes)), u64::from_le_bytes(lower));
        }
    }

    proptest::proptest! {
        /// A byte JSON must escape is found wherever it is, whatever the
        /// length, and no other is.
        #[test]
        fn json_escapes_are_found_exactly(bytes in proptest::collection::vec(
            proptest::sample::select(vec![0u8, 0x1f, 0x20, b'"', b'\\', b'a', 0x7f, 0x80, 0xe2, 0xff, 0x21, 0x5c ^ 0x01]), 0..40)) {
            let want = bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\');
            proptest::prop_assert_eq!(needs_json_escape(&bytes), want);
        }

        /// Packing a range of a longer text by one load and a mask gives
        /// what packing the range alone gives, near the text's end too.
        #[test]
        fn pack_at_is_pack_of_the_range(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..40),
            start in 0usize..44,
            len in 0usize..20,
        ) {
            let end = start + len;
            let alone = bytes.get(start..end).and_then(pack);
            proptest::prop_assert_eq!(pack_at(&bytes, start, end), alone);
        }
    }

    #[test]
    fn first_bytes_masks() {
        assert_eq!(first_bytes(0), 0);
        assert_eq!(first_bytes(1), 0x80);
        assert_eq!(first_bytes(3), 0x80_8080);
        assert_eq!(first_bytes(8), HIGH);
        assert_eq!(first_bytes(9), HIGH);
    }
}
