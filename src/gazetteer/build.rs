//! Compile gazetteer rows into the binary index that [`super::Gazetteer`] reads.
//!
//! This file is also compiled into the crate's `build.rs` (with `#[path]`) to
//! embed the default gazetteer, so it uses only `std`, `fst` and its sibling
//! modules `normalize` and `record`.
//!
//! # Format (all integers little-endian)
//! ```text
//! magic    8 bytes  b"GEOEVIX3"
//! count    u32      number of places
//! reserved u32
//! 9 x u64           places_off, strings_off, strings_len, postings_off,
//!                   postings_len, fst_off, fst_len, filter_off, filter_len
//! checksum u64      normalize::checksum of everything after the header
//! places   count x 36-byte records: lat_e6 i32, lon_e6 i32, population u32
//!          (u32::MAX = unknown), id, name, admin1, alt_names, source (u32
//!          string offsets), kind u8, country [u8; 2], pad u8
//! strings  u32 length + UTF-8 bytes, each string once
//! postings per key: u32 count, then count x u32 entries
//!          (place index | variant << 28 | abbreviation << 30)
//! fst      key -> u64: bit 63 set when the key is a token prefix of a longer
//!          key; low bits: 1 + posting offset / 4, or 0 when the key is only
//!          a prefix. Loose keys are stored behind a 0x01 byte.
//! filter   a bitset of FILTER_BITS bits: bit fnv1a(first token of a key)
//!          % FILTER_BITS is set for every key (loose keys with their tag),
//!          so most words that start no name are rejected without a lookup.
//! ```

use std::collections::HashMap;

use super::normalize::{ARTICLES, checksum, fnv1a, is_abbreviation, loose_key, name_tokens};
use super::record::PlaceRecord;

/// File magic of a geoevent gazetteer index.
pub const MAGIC: &[u8; 8] = b"GEOEVIX3";
/// Byte length of the fixed header.
pub const HEADER_LEN: usize = 8 + 4 + 4 + 9 * 8 + 8;
/// Number of bits in the first-token filter (512 KiB).
pub const FILTER_BITS: u64 = 1 << 22;
/// Byte length of one place record.
pub const RECORD_LEN: usize = 36;
/// Bit set in an fst value when the key continues in a longer key.
pub const PREFIX_BIT: u64 = 1 << 63;
/// Byte that starts every loose key in the fst.
pub const LOOSE_TAG: u8 = 0x01;
/// Largest number of places an index can hold.
pub const MAX_PLACES: usize = 1 << 28;

/// How a name variant relates to the place's names, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Variant {
    /// The place's preferred name.
    Primary = 0,
    /// One of its alternate names.
    Alternate = 1,
    /// A name with its Arabic article dropped (`Qaim` for `Al-Qaim`).
    Stripped = 2,
    /// A loose transliteration match (`Mexmur` for `Makhmour`).
    Loose = 3,
}

impl Variant {
    /// The variant with this code.
    pub fn from_code(c: u32) -> Variant {
        match c & 3 {
            0 => Variant::Primary,
            1 => Variant::Alternate,
            2 => Variant::Stripped,
            _ => Variant::Loose,
        }
    }
}

/// Pack a posting entry.
pub fn posting(place: u32, variant: Variant, abbreviation: bool) -> u32 {
    place | ((variant as u32) << 28) | ((abbreviation as u32) << 30)
}

/// One name key of one place. A build collects them all, then sorts them:
/// a sorted list takes a fraction of the memory of a map of keys to maps of
/// places (260 bytes a key on a big dump).
struct KeyPosting {
    key: Vec<u8>,
    place: u32,
    variant: Variant,
    abbrev: bool,
}

fn add(keys: &mut Vec<KeyPosting>, key: Vec<u8>, place: u32, variant: Variant, abbrev: bool) {
    keys.push(KeyPosting { key, place, variant, abbrev });
}

fn add_name(keys: &mut Vec<KeyPosting>, name: &str, place: u32, variant: Variant) {
    let tokens = name_tokens(name);
    if tokens.is_empty() {
        return;
    }
    let abbrev = is_abbreviation(name);
    let key = tokens.join(" ");
    if !abbrev && let Some(l) = loose_key(&key) {
        let mut k = vec![LOOSE_TAG];
        k.extend_from_slice(l.as_bytes());
        add(keys, k, place, Variant::Loose, false);
    }
    add(keys, key.into_bytes(), place, variant, abbrev);
    if tokens.len() >= 2 && ARTICLES.contains(&tokens[0].as_str()) {
        let rest = tokens[1..].join(" ");
        if rest.len() >= 3 {
            if let Some(l) = loose_key(&rest) {
                let mut k = vec![LOOSE_TAG];
                k.extend_from_slice(l.as_bytes());
                add(keys, k, place, Variant::Loose, false);
            }
            add(keys, rest.into_bytes(), place, Variant::Stripped, false);
        }
    }
}

/// Call `each` with the keys in byte order, each once, with whether it is a
/// token prefix of a longer key and its postings (variant, place,
/// abbreviation) sorted, from `keys` sorted by key, place, variant and
/// abbreviation.
fn for_each_key(
    keys: &[KeyPosting],
    mut each: impl FnMut(&[u8], bool, &[(Variant, u32, bool)]) -> Result<(), String>,
) -> Result<(), String> {
    // The token prefixes of every key, each once.
    let mut prefixes: Vec<&[u8]> = Vec::new();
    for (k, key) in keys.iter().enumerate() {
        if k > 0 && keys[k - 1].key == key.key {
            continue;
        }
        for (i, b) in key.key.iter().enumerate() {
            if *b == b' ' {
                prefixes.push(&key.key[..i]);
            }
        }
    }
    prefixes.sort_unstable();
    prefixes.dedup();
    let mut prefixes = prefixes.into_iter().peekable();
    let mut list = Vec::new();
    let mut k = 0;
    while k < keys.len() {
        let key = keys[k].key.as_slice();
        // Prefixes that are no key of their own come first.
        while let Some(p) = prefixes.next_if(|p| *p < key) {
            each(p, true, &[])?;
        }
        let prefix = prefixes.next_if(|p| *p == key).is_some();
        list.clear();
        while k < keys.len() && keys[k].key == key {
            // The first entry of a place is its best variant.
            let e = &keys[k];
            if list.last().is_none_or(|(_, p, _)| *p != e.place) {
                list.push((e.variant, e.place, e.abbrev));
            }
            k += 1;
        }
        list.sort();
        each(key, prefix, &list)?;
    }
    prefixes.try_for_each(|p| each(p, true, &[]))
}

/// The string table, each string once.
struct Strings {
    bytes: Vec<u8>,
    /// Offsets of the strings in `bytes` by the hash of their text: no
    /// second copy of the text (a big build has hundreds of MB of names).
    seen: HashMap<u64, Vec<u32>>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> u32 {
        let offsets = self.seen.entry(fnv1a(s.as_bytes())).or_default();
        let bytes = &self.bytes;
        let text_at = |off: u32| {
            let at = off as usize + 4;
            bytes.get(at..at + s.len())
        };
        let len_at = |off: u32| bytes.get(off as usize..off as usize + 4).map(|b| [b[0], b[1], b[2], b[3]]);
        let same =
            |off: &&u32| len_at(**off) == Some((s.len() as u32).to_le_bytes()) && text_at(**off) == Some(s.as_bytes());
        if let Some(off) = offsets.iter().find(same) {
            return *off;
        }
        let off = self.bytes.len() as u32;
        self.bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(s.as_bytes());
        offsets.push(off);
        off
    }
}

/// Round degrees to the index's integer micro-degrees.
pub fn to_e6(deg: f64) -> i32 {
    (deg * 1e6).round() as i32
}

/// Compile rows into index bytes. Rows are indexed in the order given; the
/// caller has validated them. Fails only when there are more rows than
/// [`MAX_PLACES`] or the data outgrows 32-bit offsets.
pub fn build_index(rows: &[PlaceRecord]) -> Result<Vec<u8>, String> {
    if rows.len() >= MAX_PLACES {
        return Err(format!("at most {MAX_PLACES} places fit in an index, found {}", rows.len()));
    }
    let mut keys: Vec<KeyPosting> = Vec::new();
    let mut strings = Strings { bytes: Vec::new(), seen: HashMap::new() };
    let mut places = Vec::with_capacity(rows.len() * RECORD_LEN);
    for (i, row) in rows.iter().enumerate() {
        let idx = i as u32;
        add_name(&mut keys, &row.name, idx, Variant::Primary);
        for alt in &row.alt_names {
            add_name(&mut keys, alt, idx, Variant::Alternate);
        }
        places.extend_from_slice(&to_e6(row.lat).to_le_bytes());
        places.extend_from_slice(&to_e6(row.lon).to_le_bytes());
        let pop = row.population.map_or(u32::MAX, |p| p.min(u32::MAX as u64 - 1) as u32);
        places.extend_from_slice(&pop.to_le_bytes());
        for s in [&row.id, &row.name, &row.admin1, &row.alt_names.join("|"), &row.source] {
            places.extend_from_slice(&strings.intern(s).to_le_bytes());
        }
        places.push(row.kind.code());
        let cc = row.country.as_bytes();
        places.push(cc.first().copied().unwrap_or(0));
        places.push(cc.get(1).copied().unwrap_or(0));
        places.push(0);
    }
    keys.sort_unstable_by(|a, b| {
        a.key.cmp(&b.key).then(a.place.cmp(&b.place)).then((a.variant, a.abbrev).cmp(&(b.variant, b.abbrev)))
    });
    let mut filter = vec![0u8; (FILTER_BITS / 8) as usize];
    let mut postings: Vec<u8> = Vec::new();
    let mut fst_builder = fst::MapBuilder::memory();
    for_each_key(&keys, |key, prefix, list| {
        let first = key.split(|b| *b == b' ').next().unwrap_or(key);
        let bit = fnv1a(first) % FILTER_BITS;
        filter[(bit / 8) as usize] |= 1 << (bit % 8);
        let mut value = if prefix { PREFIX_BIT } else { 0 };
        if !list.is_empty() {
            value |= 1 + (postings.len() / 4) as u64;
            postings.extend_from_slice(&(list.len() as u32).to_le_bytes());
            for &(v, p, a) in list {
                postings.extend_from_slice(&posting(p, v, a).to_le_bytes());
            }
        }
        fst_builder.insert(key, value).map_err(|e| format!("fst: {e}"))
    })?;
    // Not needed from here on: a big build's keys take hundreds of MB.
    drop(keys);
    let fst_bytes = fst_builder.into_inner().map_err(|e| format!("fst: {e}"))?;
    if strings.bytes.len() > u32::MAX as usize {
        return Err("string table exceeds 4 GiB".into());
    }

    let mut out =
        Vec::with_capacity(HEADER_LEN + places.len() + strings.bytes.len() + postings.len() + fst_bytes.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    let places_off = HEADER_LEN as u64;
    let strings_off = places_off + places.len() as u64;
    let postings_off = strings_off + strings.bytes.len() as u64;
    // Keep the postings 4-aligned relative to the start for cheap reads.
    let pad = (4 - (postings_off % 4)) % 4;
    let postings_off = postings_off + pad;
    let fst_off = postings_off + postings.len() as u64;
    let filter_off = fst_off + fst_bytes.len() as u64;
    for v in [
        places_off,
        strings_off,
        strings.bytes.len() as u64,
        postings_off,
        postings.len() as u64,
        fst_off,
        fst_bytes.len() as u64,
        filter_off,
        filter.len() as u64,
    ] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&0u64.to_le_bytes()); // checksum, filled in below
    out.extend_from_slice(&places);
    out.extend_from_slice(&strings.bytes);
    out.extend(std::iter::repeat_n(0u8, pad as usize));
    out.extend_from_slice(&postings);
    out.extend_from_slice(&fst_bytes);
    out.extend_from_slice(&filter);
    let sum = checksum(&out[HEADER_LEN..]);
    out[HEADER_LEN - 8..HEADER_LEN].copy_from_slice(&sum.to_le_bytes());
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::super::Gazetteer;
    use super::*;

    fn place(id: &str, name: &str, alt: &[&str]) -> PlaceRecord {
        PlaceRecord {
            id: id.into(),
            name: name.into(),
            kind: super::super::record::Kind::Town,
            country: "US".into(),
            admin1: String::new(),
            lat: 40.0,
            lon: -74.0,
            population: None,
            alt_names: alt.iter().map(|a| a.to_string()).collect(),
            source: "test".into(),
        }
    }

    #[test]
    fn keys_merge_best_variant_order_and_prefixes() {
        let rows = [
            // "york" as both its name and an alternate: one posting, primary.
            place("t:0", "York", &["York", "New York Mills"]),
            place("t:1", "New York", &["York"]),
            place("t:2", "Al Qaim", &[]),
        ];
        let g = Gazetteer::from_records(&rows, "test").expect("index");
        let york: Vec<(u32, Variant)> = g.lookup(b"york").postings().map(|p| (p.place, p.variant)).collect();
        // Sorted by variant, then place.
        assert_eq!(york, [(0, Variant::Primary), (1, Variant::Alternate)]);
        // "new" starts keys but names nothing; "new york" names and starts one.
        let new = g.lookup(b"new");
        assert!(new.is_prefix && !new.is_match());
        let ny = g.lookup(b"new york");
        assert!(ny.is_prefix && ny.postings().map(|p| p.place).eq([1]));
        assert!(!g.lookup(b"new york mills").is_prefix);
        // The article dropped: a stripped variant of its own key.
        assert!(g.lookup(b"qaim").postings().any(|p| p.place == 2 && p.variant == Variant::Stripped));
        assert!(g.lookup(b"al").is_prefix);
        // Interned strings: the same text is stored once.
        let mut strings = Strings { bytes: Vec::new(), seen: HashMap::new() };
        let a = strings.intern("York");
        assert_eq!((strings.intern("New York"), strings.intern("York")), (a + 8, a));
    }
}
