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

use std::collections::{BTreeMap, HashMap};

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

#[derive(Default)]
struct KeyEntry {
    /// place -> (best variant, abbreviation)
    postings: BTreeMap<u32, (Variant, bool)>,
    prefix: bool,
}

fn add(keys: &mut BTreeMap<Vec<u8>, KeyEntry>, key: Vec<u8>, place: u32, variant: Variant, abbrev: bool) {
    let entry = keys.entry(key).or_default();
    let slot = entry.postings.entry(place).or_insert((variant, abbrev));
    if (variant, abbrev) < *slot {
        *slot = (variant, abbrev);
    }
}

fn add_name(keys: &mut BTreeMap<Vec<u8>, KeyEntry>, name: &str, place: u32, variant: Variant) {
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

fn mark_prefixes(keys: &mut BTreeMap<Vec<u8>, KeyEntry>) {
    let mut prefixes: Vec<Vec<u8>> = Vec::new();
    for key in keys.keys() {
        for (i, b) in key.iter().enumerate() {
            if *b == b' ' {
                prefixes.push(key[..i].to_vec());
            }
        }
    }
    for p in prefixes {
        keys.entry(p).or_default().prefix = true;
    }
}

struct Strings {
    bytes: Vec<u8>,
    seen: HashMap<String, u32>,
}

impl Strings {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(off) = self.seen.get(s) {
            return *off;
        }
        let off = self.bytes.len() as u32;
        self.bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
        self.bytes.extend_from_slice(s.as_bytes());
        self.seen.insert(s.to_string(), off);
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
    let mut keys: BTreeMap<Vec<u8>, KeyEntry> = BTreeMap::new();
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
    mark_prefixes(&mut keys);

    let mut filter = vec![0u8; (FILTER_BITS / 8) as usize];
    for key in keys.keys() {
        let first = key.split(|b| *b == b' ').next().unwrap_or(key);
        let bit = fnv1a(first) % FILTER_BITS;
        filter[(bit / 8) as usize] |= 1 << (bit % 8);
    }
    let mut postings: Vec<u8> = Vec::new();
    let mut fst_builder = fst::MapBuilder::memory();
    for (key, entry) in &keys {
        let mut value = if entry.prefix { PREFIX_BIT } else { 0 };
        if !entry.postings.is_empty() {
            value |= 1 + (postings.len() / 4) as u64;
            postings.extend_from_slice(&(entry.postings.len() as u32).to_le_bytes());
            let mut list: Vec<(Variant, u32, bool)> = entry.postings.iter().map(|(p, (v, a))| (*v, *p, *a)).collect();
            list.sort();
            for (v, p, a) in list {
                postings.extend_from_slice(&posting(p, v, a).to_le_bytes());
            }
        }
        fst_builder.insert(key, value).map_err(|e| format!("fst: {e}"))?;
    }
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
