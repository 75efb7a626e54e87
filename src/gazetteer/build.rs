//! Compile gazetteer rows into the binary index that [`super::Gazetteer`] reads.
//!
//! This file is also compiled into the crate's `build.rs` (with `#[path]`) to
//! embed the default gazetteer, so it uses only `std`, `fst` and its sibling
//! modules `normalize` and `record`.
//!
//! # Format (all integers little-endian)
//! ```text
//! magic    8 bytes  b"GEOEVIX4"
//! count    u32      number of places
//! probes   u32      the most slots a key of the word table is found within
//! 9 x u64           places_off, strings_off, strings_len, postings_off,
//!                   postings_len, fst_off, fst_len, words_off, words_len
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
//! words    the fst's one-word keys of at most 15 bytes (loose keys with
//!          their tag), with their fst values, in an open-addressing table
//!          of 24-byte slots, seven in ten used (the key packed as by
//!          `swar::pack`, two u64, then its u64 value; an empty slot is all
//!          zeros): a key is at slot `word_slot(key, slots)` or one of the
//!          `probes - 1` slots after it (wrapping round). A word of text is
//!          looked up here, mostly in one probe, not by a walk of the fst.
//! ```

use super::normalize::{ARTICLES, Checksum, fnv1a, is_abbreviation, loose_key, name_tokens};
use super::record::PlaceRecord;

/// File magic of a geoevent gazetteer index.
pub const MAGIC: &[u8; 8] = b"GEOEVIX4";
/// Byte length of the fixed header.
pub const HEADER_LEN: usize = 8 + 4 + 4 + 9 * 8 + 8;
/// Byte length of a slot of the word table.
pub const WORD_SLOT: usize = 24;

/// The packed form of `key` when the word table holds it, or would: a
/// key of one word (no space) of 1 to 15 bytes.
#[inline]
pub fn word_key(key: &[u8]) -> Option<u128> {
    crate::swar::pack(key).filter(|_| !key.is_empty() && !key.contains(&b' '))
}

/// Where a packed key starts its probe in a word table of `slots` slots.
#[inline]
pub fn word_slot(key: u128, slots: usize) -> usize {
    let x = (key as u64).wrapping_add(((key >> 64) as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F));
    // A multiplicative hash, scaled to the slots by its high bits.
    ((u128::from(x.wrapping_mul(0x9E37_79B9_7F4A_7C15)) * slots as u128) >> 64) as usize
}

/// The value of packed key `key` in a word table of `slots` slots at
/// `table`, found within `probes` slots: `None` when the key is not there
/// (or is 0, the empty slot's), or the table is cut short.
#[inline]
pub fn word_table_get(table: &[u8], slots: usize, probes: u32, key: u128) -> Option<u64> {
    if key == 0 || slots == 0 {
        return None;
    }
    let mut at = word_slot(key, slots);
    for _ in 0..probes {
        let slot = at.checked_mul(WORD_SLOT)?;
        let stored = u128::from(u64_at(table, slot)?) | u128::from(u64_at(table, slot.checked_add(8)?)?) << 64;
        if stored == key {
            return u64_at(table, slot.checked_add(16)?);
        }
        if stored == 0 {
            return None;
        }
        at = if at + 1 == slots { 0 } else { at + 1 };
    }
    None
}

/// The little-endian `u64` at `off` of `b`, if `b` holds it: a bad offset
/// is `None`, never a panic (the loader's header and the word table read
/// through it).
pub fn u64_at(b: &[u8], off: usize) -> Option<u64> {
    b.get(off..off.checked_add(8)?).map(|s| {
        let mut a = [0u8; 8];
        a.copy_from_slice(s);
        u64::from_le_bytes(a)
    })
}

/// The word table of these packed keys and values (keys distinct and not
/// zero), and the most slots any key is found within. Seven slots in ten
/// are used.
pub fn word_table(words: &[(u128, u64)]) -> (Vec<u8>, u32) {
    if words.is_empty() {
        return (Vec::new(), 0);
    }
    let slots = words.len() * 10 / 7 + 1;
    let mut table = vec![0u8; slots * WORD_SLOT];
    let mut probes = 0;
    for &(key, value) in words {
        let mut at = word_slot(key, slots);
        let mut n = 1;
        while table[at * WORD_SLOT..at * WORD_SLOT + 16].iter().any(|&b| b != 0) {
            at = if at + 1 == slots { 0 } else { at + 1 };
            n += 1;
        }
        table[at * WORD_SLOT..at * WORD_SLOT + 16].copy_from_slice(&key.to_le_bytes());
        table[at * WORD_SLOT + 16..(at + 1) * WORD_SLOT].copy_from_slice(&value.to_le_bytes());
        probes = probes.max(n);
    }
    (table, probes)
}
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

/// Byte strings, each stored once in one arena as a `u32` length and the
/// bytes (the index's string-table format), and found again by hash. Every
/// string has an id (order of first insertion) and an offset.
struct Interner {
    bytes: Vec<u8>,
    /// Offset of each string by id.
    offsets: Vec<u32>,
    /// Ids by the hash of their string, no second copy of the text (a big
    /// build has hundreds of MB of names): each entry is the high half of
    /// the string's hash and its id, so growing the table reads no string.
    table: hashbrown::HashTable<u64>,
}

/// The table hash of an entry's stored half hash.
fn table_hash(entry: u64) -> u64 {
    (entry >> 32).wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// The string at `off` of an interner's arena.
fn arena_string(bytes: &[u8], off: u32) -> &[u8] {
    let off = off as usize;
    let len = u32::from_le_bytes([bytes[off], bytes[off + 1], bytes[off + 2], bytes[off + 3]]) as usize;
    &bytes[off + 4..off + 4 + len]
}

impl Interner {
    fn new() -> Interner {
        Interner { bytes: Vec::new(), offsets: Vec::new(), table: hashbrown::HashTable::new() }
    }

    /// The id and offset of `s`, stored if new. Fails when the arena
    /// outgrows 32-bit offsets.
    fn intern(&mut self, s: &[u8]) -> Result<(u32, u32), String> {
        let half = fnv1a(s) & 0xffff_ffff_0000_0000;
        let hash = table_hash(half);
        let Interner { bytes, offsets, table } = self;
        let same = |&e: &u64| e & !0xffff_ffff == half && arena_string(bytes, offsets[e as u32 as usize]) == s;
        if let Some(&e) = table.find(hash, same) {
            let id = e as u32;
            return Ok((id, offsets[id as usize]));
        }
        let off = u32::try_from(bytes.len())
            .ok()
            .filter(|off| {
                u32::try_from(s.len()).is_ok_and(|n| off.checked_add(n).and_then(|e| e.checked_add(4)).is_some())
            })
            .ok_or("string table exceeds 4 GiB")?;
        bytes.extend_from_slice(&(s.len() as u32).to_le_bytes());
        bytes.extend_from_slice(s);
        let id = offsets.len() as u32;
        offsets.push(off);
        table.insert_unique(hash, half | u64::from(id), |&e| table_hash(e));
        Ok((id, off))
    }

    /// The string with id `id`.
    fn get(&self, id: u32) -> &[u8] {
        arena_string(&self.bytes, self.offsets[id as usize])
    }

    fn len(&self) -> usize {
        self.offsets.len()
    }
}

/// Compiles places into index bytes, one place at a time: what it keeps is
/// the finished place records, the string table, and every name key once
/// with one 8-byte entry per (key, place, variant), so a big dump's rows
/// need not be held in memory.
pub struct IndexBuilder {
    places: Vec<u8>,
    count: usize,
    strings: Interner,
    /// Name keys, each once.
    keys: Interner,
    /// One entry per name key of a place: key id << 32 | place << 3 |
    /// variant << 1 | abbreviation. After the keys are ranked in byte order
    /// the id becomes the rank, and sorting the entries as integers sorts
    /// them by key, place, variant and abbreviation.
    entries: Vec<u64>,
}

impl Default for IndexBuilder {
    fn default() -> Self {
        IndexBuilder::new()
    }
}

impl IndexBuilder {
    /// An empty builder.
    pub fn new() -> IndexBuilder {
        IndexBuilder {
            places: Vec::new(),
            count: 0,
            strings: Interner::new(),
            keys: Interner::new(),
            entries: Vec::new(),
        }
    }

    /// Number of places added.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no place was added.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// Add the next place (the caller has validated it). Fails when there
    /// are more places than [`MAX_PLACES`] or the data outgrows 32-bit offsets.
    pub fn push(&mut self, row: &PlaceRecord) -> Result<(), String> {
        if self.count + 1 >= MAX_PLACES {
            return Err(format!("at most {MAX_PLACES} places fit in an index, found more"));
        }
        let idx = self.count as u32;
        self.add_name(&row.name, idx, Variant::Primary)?;
        for alt in &row.alt_names {
            self.add_name(alt, idx, Variant::Alternate)?;
        }
        let places = &mut self.places;
        places.extend_from_slice(&to_e6(row.lat).to_le_bytes());
        places.extend_from_slice(&to_e6(row.lon).to_le_bytes());
        let pop = row.population.map_or(u32::MAX, |p| p.min(u32::MAX as u64 - 1) as u32);
        places.extend_from_slice(&pop.to_le_bytes());
        for s in [&row.id, &row.name, &row.admin1, &row.alt_names.join("|"), &row.source] {
            let (_, off) = self.strings.intern(s.as_bytes())?;
            places.extend_from_slice(&off.to_le_bytes());
        }
        places.push(row.kind.code());
        let cc = row.country.as_bytes();
        places.push(cc.first().copied().unwrap_or(0));
        places.push(cc.get(1).copied().unwrap_or(0));
        places.push(0);
        self.count += 1;
        Ok(())
    }

    fn add(&mut self, key: &[u8], place: u32, variant: Variant, abbrev: bool) -> Result<(), String> {
        let (id, _) = self.keys.intern(key)?;
        let entry = u64::from(id) << 32 | u64::from(place) << 3 | (variant as u64) << 1 | u64::from(abbrev);
        self.entries.push(entry);
        Ok(())
    }

    fn add_loose(&mut self, key: &str, place: u32) -> Result<(), String> {
        if let Some(l) = loose_key(key) {
            let mut k = Vec::with_capacity(l.len() + 1);
            k.push(LOOSE_TAG);
            k.extend_from_slice(l.as_bytes());
            self.add(&k, place, Variant::Loose, false)?;
        }
        Ok(())
    }

    fn add_name(&mut self, name: &str, place: u32, variant: Variant) -> Result<(), String> {
        let tokens = name_tokens(name);
        if tokens.is_empty() {
            return Ok(());
        }
        let abbrev = is_abbreviation(name);
        let key = tokens.join(" ");
        if !abbrev {
            self.add_loose(&key, place)?;
        }
        self.add(key.as_bytes(), place, variant, abbrev)?;
        if tokens.len() >= 2 && ARTICLES.contains(&tokens[0].as_str()) {
            let rest = tokens[1..].join(" ");
            if rest.len() >= 3 {
                self.add_loose(&rest, place)?;
                self.add(rest.as_bytes(), place, Variant::Stripped, false)?;
            }
        }
        Ok(())
    }

    /// The index, in sections.
    pub fn finish_sections(self) -> Result<Index, String> {
        let IndexBuilder { places, count, strings, mut keys, mut entries } = self;
        // Nothing is looked up from here on.
        let strings = strings.bytes;
        keys.table = hashbrown::HashTable::new();
        // Rank the keys in byte order; entries then sort as integers.
        // Sorted by their first eight bytes as an integer first: most
        // comparisons read no key.
        let mut by_head: Vec<(u64, u32)> = (0..keys.len() as u32)
            .map(|id| {
                let k = keys.get(id);
                let mut head = [0u8; 8];
                head[..k.len().min(8)].copy_from_slice(&k[..k.len().min(8)]);
                (u64::from_be_bytes(head), id)
            })
            .collect();
        by_head.sort_unstable_by(|a, b| a.0.cmp(&b.0).then_with(|| keys.get(a.1).cmp(keys.get(b.1))));
        let order: Vec<u32> = by_head.into_iter().map(|(_, id)| id).collect();
        let mut rank = vec![0u32; keys.len()];
        for (r, &id) in order.iter().enumerate() {
            rank[id as usize] = r as u32;
        }
        for e in &mut entries {
            *e = u64::from(rank[(*e >> 32) as usize]) << 32 | (*e & 0xffff_ffff);
        }
        drop(rank);
        entries.sort_unstable();
        let mut words: Vec<(u128, u64)> = Vec::new();
        let mut postings: Vec<u8> = Vec::new();
        let mut fst_builder = fst::MapBuilder::memory();
        for_each_key(&keys, &order, &entries, |key, prefix, list| {
            let mut value = if prefix { PREFIX_BIT } else { 0 };
            if !list.is_empty() {
                value |= 1 + (postings.len() / 4) as u64;
                postings.extend_from_slice(&(list.len() as u32).to_le_bytes());
                for &(v, p, a) in list {
                    postings.extend_from_slice(&posting(p, v, a).to_le_bytes());
                }
            }
            if let Some(packed) = word_key(key) {
                words.push((packed, value));
            }
            fst_builder.insert(key, value).map_err(|e| format!("fst: {e}"))
        })?;
        let (words, probes) = word_table(&words);
        // Not needed from here on: a big build's keys take hundreds of MB.
        drop((keys, order, entries));
        let fst_bytes = fst_builder.into_inner().map_err(|e| format!("fst: {e}"))?;

        let mut header = Vec::with_capacity(HEADER_LEN);
        header.extend_from_slice(MAGIC);
        header.extend_from_slice(&(count as u32).to_le_bytes());
        header.extend_from_slice(&probes.to_le_bytes());
        let places_off = HEADER_LEN as u64;
        let strings_off = places_off + places.len() as u64;
        let postings_off = strings_off + strings.len() as u64;
        // Keep the postings 4-aligned relative to the start for cheap reads.
        let pad = (4 - (postings_off % 4)) % 4;
        let postings_off = postings_off + pad;
        let fst_off = postings_off + postings.len() as u64;
        let words_off = fst_off + fst_bytes.len() as u64;
        for v in [
            places_off,
            strings_off,
            strings.len() as u64,
            postings_off,
            postings.len() as u64,
            fst_off,
            fst_bytes.len() as u64,
            words_off,
            words.len() as u64,
        ] {
            header.extend_from_slice(&v.to_le_bytes());
        }
        let sections = vec![places, strings, vec![0u8; pad as usize], postings, fst_bytes, words];
        let mut sum = Checksum::new(sections.iter().map(Vec::len).sum());
        for s in &sections {
            sum.update(s);
        }
        header.extend_from_slice(&sum.finish().to_le_bytes());
        Ok(Index { header, sections })
    }

    /// The index bytes.
    pub fn finish(self) -> Result<Vec<u8>, String> {
        let index = self.finish_sections()?;
        let mut out = Vec::with_capacity(index.len());
        index.write_to(&mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }
}

/// A compiled index, in the sections it is written in.
pub struct Index {
    header: Vec<u8>,
    sections: Vec<Vec<u8>>,
}

impl Index {
    /// Its length in bytes.
    pub fn len(&self) -> usize {
        self.header.len() + self.sections.iter().map(Vec::len).sum::<usize>()
    }

    /// Whether it has no bytes (never: there is a header).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Write it out: a file gets written without a second copy of the index in memory.
    pub fn write_to(&self, w: &mut impl std::io::Write) -> std::io::Result<()> {
        w.write_all(&self.header)?;
        self.sections.iter().try_for_each(|s| w.write_all(s))
    }
}

/// Call `each` with the keys in byte order, each once, with whether it is a
/// token prefix of a longer key and its postings (variant, place,
/// abbreviation) sorted. `order`: the key ids in byte order; `entries`: the
/// builder's entries, by key rank, sorted.
fn for_each_key(
    keys: &Interner,
    order: &[u32],
    entries: &[u64],
    mut each: impl FnMut(&[u8], bool, &[(Variant, u32, bool)]) -> Result<(), String>,
) -> Result<(), String> {
    // The token prefixes of every key, each once.
    let mut prefixes: Vec<&[u8]> = Vec::new();
    for &id in order {
        let key = keys.get(id);
        for (i, b) in key.iter().enumerate() {
            if *b == b' ' {
                prefixes.push(&key[..i]);
            }
        }
    }
    prefixes.sort_unstable();
    prefixes.dedup();
    let mut prefixes = prefixes.into_iter().peekable();
    let mut list = Vec::new();
    let mut k = 0;
    for (r, &id) in order.iter().enumerate() {
        let key = keys.get(id);
        // Prefixes that are no key of their own come first.
        while let Some(p) = prefixes.next_if(|p| *p < key) {
            each(p, true, &[])?;
        }
        let prefix = prefixes.next_if(|p| *p == key).is_some();
        list.clear();
        while k < entries.len() && entries[k] >> 32 == r as u64 {
            // The first entry of a place is its best variant.
            let e = entries[k];
            let place = (e >> 3) as u32 & 0x1fff_ffff;
            if list.last().is_none_or(|(_, p, _)| *p != place) {
                list.push((Variant::from_code((e >> 1) as u32 & 3), place, e & 1 == 1));
            }
            k += 1;
        }
        list.sort();
        each(key, prefix, &list)?;
    }
    prefixes.try_for_each(|p| each(p, true, &[]))
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
    let mut builder = IndexBuilder::new();
    for row in rows {
        builder.push(row)?;
    }
    builder.finish()
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
        let mut strings = Interner::new();
        let (a, off) = strings.intern(b"York").expect("intern");
        assert_eq!(strings.intern(b"New York"), Ok((a + 1, off + 8)));
        assert_eq!(strings.intern(b"York"), Ok((a, off)));
        assert_eq!(strings.get(a + 1), b"New York");
    }
}
