//! The gazetteer: places with coordinates, and an index of their names.
//!
//! A [`Gazetteer`] is a read-only view over a compiled index (see
//! [`build`] for the format). The default one is compiled from the
//! repository's `gazetteer.csv` at build time and embedded in the binary, so
//! loading it costs no parsing. Others are compiled at load time from a
//! geoevent CSV or GeoNames dump files ([`sources`]), or read from an index
//! file written by `geoevent gazetteer build`.

pub mod build;
pub mod normalize;
pub mod record;
pub mod sources;

use rustc_hash::FxHashMap as HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use build::Variant;
use build::u64_at;
pub use record::{Kind, PlaceRecord};

use crate::error::{Error, Result};
use crate::memo::OwnedMap;

static EMBEDDED: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/gazetteer.idx"));

/// The compiled index of the embedded gazetteer.
pub fn embedded_index_bytes() -> &'static [u8] {
    EMBEDDED
}

/// Bytes an index lives in.
#[derive(Clone)]
enum Bytes {
    Static(&'static [u8]),
    Owned(Arc<Vec<u8>>),
    Mapped(Arc<memmap2::Mmap>),
}

impl AsRef<[u8]> for Bytes {
    fn as_ref(&self) -> &[u8] {
        match self {
            Bytes::Static(b) => b,
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

/// A sub-range of [`Bytes`], so the fst can own its slice.
#[derive(Clone)]
struct Slice {
    bytes: Bytes,
    start: usize,
    end: usize,
}

impl AsRef<[u8]> for Slice {
    fn as_ref(&self) -> &[u8] {
        &self.bytes.as_ref()[self.start..self.end]
    }
}

/// A place in a gazetteer, borrowed from it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Place<'g> {
    /// Index of the place within its gazetteer.
    pub index: u32,
    /// Stable identifier (`gn:99454`).
    pub id: &'g str,
    /// Preferred name.
    pub name: &'g str,
    /// Kind of place.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 country code, or empty.
    pub country: &'g str,
    /// First-level division name, or empty.
    pub admin1: &'g str,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Population, when known.
    pub population: Option<u64>,
    /// Provenance of the row.
    pub source: &'g str,
}

/// The facts of a place that resolution scores, from its record alone
/// ([`Gazetteer::facts`]). Its name and division are string-table offsets:
/// the table stores each string once, so equal offsets are equal strings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Facts {
    /// Index of the place within its gazetteer.
    pub index: u32,
    /// Kind of place.
    pub kind: Kind,
    /// ISO 3166-1 alpha-2 country code, or `[0, 0]`.
    pub country: [u8; 2],
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Population, when known.
    pub population: Option<u64>,
    /// String-table offset of the preferred name.
    pub name: u32,
    /// String-table offset of the first-level division name.
    pub admin1: u32,
}

impl Facts {
    /// The country code as text (empty when unknown).
    pub fn country_str(&self) -> &str {
        std::str::from_utf8(self.country_bytes()).unwrap_or("")
    }

    /// The bytes of [`Facts::country_str`], with no UTF-8 check: the facts of
    /// a place are read only when its code is valid.
    pub fn country_bytes(&self) -> &[u8] {
        if self.country[0] == 0 { &[] } else { &self.country }
    }
}

/// One candidate of a name lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Posting {
    /// Index of the place.
    pub place: u32,
    /// How the looked-up key relates to the place's names.
    pub variant: Variant,
    /// Whether the matched name is an abbreviation (`US`), which only matches
    /// uppercase text.
    pub abbreviation: bool,
}

/// The result of looking up a key.
#[derive(Clone, Debug, Default)]
pub struct Lookup<'g> {
    raw: &'g [u8],
    /// Whether longer keys start with this key and a space.
    pub is_prefix: bool,
}

impl<'g> Lookup<'g> {
    /// Whether the key names at least one place.
    pub fn is_match(&self) -> bool {
        !self.raw.is_empty()
    }

    /// The candidates, best variant first.
    pub fn postings(&self) -> impl Iterator<Item = Posting> + 'g {
        self.raw.chunks_exact(4).map(|c| {
            let v = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            Posting { place: v & 0x0fff_ffff, variant: Variant::from_code(v >> 28), abbreviation: v & (1 << 30) != 0 }
        })
    }
}

/// A compiled gazetteer.
pub struct Gazetteer {
    bytes: Bytes,
    count: u32,
    places_off: usize,
    strings: (usize, usize),
    postings: (usize, usize),
    /// The word table (see [`build`]): its offset, its number of slots, and
    /// the most slots a key is found within.
    words: (usize, usize, u32),
    fst: fst::Map<Slice>,
    /// Countries and first-level divisions by code and name, found on first
    /// use: finding them reads every place record (hundreds of MB in a
    /// GeoNames-size index), which most runs never need.
    divisions: OnceLock<Divisions>,
    label: String,
    /// Distinguishes gazetteers in the per-thread lookup memo.
    id: u64,
    /// One bit per place, set once its strings are known to be valid
    /// ([`Gazetteer::place_strings`]); all set from the start for an index
    /// this program built ([`Check::None`]: embedded, or compiled in memory
    /// from Rust strings), whose strings are UTF-8 and in bounds as written.
    /// A first pass over news then reads no string of a candidate place
    /// that it only scores.
    valid_places: Box<[std::sync::atomic::AtomicU64]>,
}

/// Offsets in a place record of the string fields [`Place`] has (id, name,
/// admin1, source; not the alternate names at 24).
const PLACE_STRINGS: [usize; 4] = [12, 16, 20, 28];

/// The little-endian `u32` at byte `at` of a place record.
fn record_u32(record: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([record[at], record[at + 1], record[at + 2], record[at + 3]])
}

/// Keys memoised per thread before the memo is cleared (about 5 MB).
pub const MEMO_CAPACITY: usize = 100_000;

/// What the name index says about one word of text as the first word of a
/// name (see [`Gazetteer::first_word`]). Small (8 bytes): the matcher keeps
/// one per distinct word in a memo that is probed for every capitalised
/// word, and the smaller its entries, the fewer of its probes miss the cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FirstWord {
    /// Index value of the word's folded key, when some name starts with it,
    /// in 32 bits (see [`narrow`]).
    exact: u32,
    /// Index value of its loose form, likewise.
    loose: u32,
}

/// [`FirstWord`]'s "no index value": values are a posting offset with the
/// prefix bit, far below this in any index that can be built.
const NO_VALUE: u64 = u64::MAX;

/// [`NO_VALUE`] in 32 bits.
const NARROW_NONE: u32 = u32::MAX;
/// An index value too large for 32 bits: the key is to be looked up again.
const NARROW_WIDE: u32 = u32::MAX - 1;

/// Posting offsets below this fit in 31 bits without meeting [`NARROW_WIDE`]
/// or [`NARROW_NONE`] when the prefix bit is set.
const NARROW_OFFSETS: u64 = (1 << 31) - 2;

/// An index value in 32 bits: the prefix bit in bit 31 and the posting
/// offset below it; [`NARROW_WIDE`] for an offset that does not fit (two
/// billion postings and more: no index built from GeoNames comes near).
fn narrow(value: u64) -> u32 {
    if value == NO_VALUE {
        return NARROW_NONE;
    }
    let offset = value & !build::PREFIX_BIT;
    if offset >= NARROW_OFFSETS {
        return NARROW_WIDE;
    }
    u32::from(value & build::PREFIX_BIT != 0) << 31 | offset as u32
}

/// The index value that [`narrow`] made `v` from; `None` for
/// [`NARROW_WIDE`].
fn widen(v: u32) -> Option<u64> {
    match v {
        NARROW_NONE => Some(NO_VALUE),
        NARROW_WIDE => None,
        _ => Some(if v >> 31 == 1 { build::PREFIX_BIT } else { 0 } | u64::from(v & !(1 << 31))),
    }
}

impl Default for FirstWord {
    fn default() -> FirstWord {
        FirstWord { exact: NARROW_NONE, loose: NARROW_NONE }
    }
}

impl FirstWord {
    /// A first word whose index values were too large to keep: its lookups
    /// must be made again from its key.
    #[cfg(test)]
    pub(crate) fn too_large() -> FirstWord {
        FirstWord { exact: NARROW_WIDE, loose: NARROW_WIDE }
    }

    /// Whether the word's folded key, or its loose form, names places or
    /// starts longer names.
    pub fn starts_names(&self) -> bool {
        // Both are "none" exactly when their bits and-ed are (it is all
        // ones): no branch.
        self.exact & self.loose != NARROW_NONE
    }
}

thread_local! {
    /// Name-index values by key, for one gazetteer: news text repeats its
    /// capitalised words, and a hash probe costs a small fraction of walking
    /// the fst. Pure memoisation: results never depend on it.
    static MEMO: std::cell::RefCell<OwnedMap<Option<u64>>> = std::cell::RefCell::new(OwnedMap::new(MEMO_CAPACITY));

    /// Where a walk of the name index stands after the first two bytes of a
    /// key, by those bytes, for one gazetteer: the node's address and the
    /// output so far, or `None` when no key starts so (see
    /// [`Gazetteer::index_get`]). Pure memoisation.
    static HEADS: std::cell::RefCell<OwnedMap<Option<(usize, u64)>>> =
        std::cell::RefCell::new(OwnedMap::new(MEMO_CAPACITY));
}

/// Walk `bytes` down the fst from `node`, with the output `out` so far, as
/// `fst::raw::Fst::get` does: the node reached and the output then, or
/// `None` when no key goes on so. (Inlined: as a call, its node came back
/// through memory, 0.9 M more instructions on a first pass.)
#[inline(always)]
fn walk<'f, D: AsRef<[u8]>>(
    fst: &'f fst::raw::Fst<D>,
    mut node: fst::raw::Node<'f>,
    mut out: fst::raw::Output,
    bytes: &[u8],
) -> Option<(fst::raw::Node<'f>, fst::raw::Output)> {
    for &b in bytes {
        let t = node.transition(node.find_input(b)?);
        out = out.cat(t.out);
        node = fst.node(t.addr);
    }
    Some((node, out))
}

/// The name-index key of the loose form of the folded key `key`, written
/// into `out` (replacing what it held).
pub fn loose_index_key(key: &str, out: &mut Vec<u8>) {
    out.clear();
    out.push(build::LOOSE_TAG);
    normalize::loose_form_into(key, out);
}

/// Ids of gazetteers, from 1.
static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

impl std::fmt::Debug for Gazetteer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gazetteer").field("label", &self.label).field("places", &self.count).finish()
    }
}

fn u32_at(b: &[u8], off: usize) -> Option<u32> {
    b.get(off..off.checked_add(4)?).map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// The countries and first-level divisions of a gazetteer.
#[derive(Default)]
struct Divisions {
    /// Country code -> the first country place.
    countries: HashMap<[u8; 2], u32>,
    /// (country code, name) -> the first division of that name.
    admin1s: HashMap<([u8; 2], String), u32>,
}

/// Whether the bytes of an fst end with the checksum of the rest, as
/// [`fst::raw::Fst::verify`] checks it: the masked CRC-32C that the Snappy
/// frame format uses. The `crc32c` crate computes it with the processor's
/// CRC instruction where there is one, about ten times as fast as the `fst`
/// crate's table-driven loop: on a population-500 index that was most of
/// the start-up time.
fn fst_checksum_ok(fst: &[u8]) -> bool {
    let Some((body, stored)) = fst.split_last_chunk::<4>() else { return false };
    let masked = crc32c::crc32c(body).rotate_right(15).wrapping_add(0xA282_EAD8);
    masked == u32::from_le_bytes(*stored)
}

/// How much of an index to check when loading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    /// Built by this program (embedded, or compiled in memory).
    None,
    /// Header, bounds, and the name index's own checksum: the name index is
    /// the one section whose bytes lookups trust (the `fst` crate panics on
    /// some malformed ones); every other read is checked as it is made.
    NameIndex,
    /// Also the checksum of the whole file, and a walk of the whole name
    /// index ([`Gazetteer::verify`]).
    Full,
}

impl Gazetteer {
    /// The gazetteer embedded in the binary, compiled from `gazetteer.csv`.
    pub fn embedded() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            // The embedded index is written by build.rs with the same code
            // that reads it; a failure here is a build bug.
            Gazetteer::from_bytes(Bytes::Static(EMBEDDED), "embedded gazetteer", Check::None)
                .unwrap_or_else(|e| panic!("embedded gazetteer index is corrupt: {e}"))
        })
    }

    /// Compile a gazetteer from rows.
    pub fn from_records(rows: &[PlaceRecord], label: &str) -> Result<Gazetteer> {
        let bytes = build::build_index(rows).map_err(|message| Error::Index { path: label.into(), message })?;
        // Written by this process just now: nothing to check.
        Gazetteer::from_bytes(Bytes::Owned(Arc::new(bytes)), label, Check::None)
    }

    /// Compile a gazetteer from a builder's places.
    pub fn from_builder(builder: build::IndexBuilder, label: &str) -> Result<Gazetteer> {
        let bytes = builder.finish().map_err(|message| Error::Index { path: label.into(), message })?;
        Gazetteer::from_bytes(Bytes::Owned(Arc::new(bytes)), label, Check::None)
    }

    /// Read a compiled index from bytes. The bytes are untrusted: the
    /// checksum is verified and every key of the name index walked once, so a
    /// corrupt index is an error here rather than a panic later.
    pub fn from_index_bytes(bytes: Vec<u8>, label: &str) -> Result<Gazetteer> {
        Gazetteer::from_bytes(Bytes::Owned(Arc::new(bytes)), label, Check::Full)
    }

    /// Memory-map a compiled index file.
    ///
    /// Start-up should not read the whole index (a GeoNames-size one has
    /// hundreds of MB of places and names a run never looks at), so this
    /// checks the header, the section bounds (a truncated file is an error)
    /// and the name index's own checksum: lookups trust its bytes. A damaged
    /// place or string elsewhere reads as missing, never as a crash;
    /// [`Gazetteer::open_index_verified`] (`geoevent gazetteer check`) also
    /// checks the whole file's checksum and walks the whole name index.
    pub fn open_index(path: &Path) -> Result<Gazetteer> {
        Gazetteer::map_index(path, Check::NameIndex)
    }

    /// [`Gazetteer::open_index`], and check the whole file: its checksum,
    /// and every key of the name index.
    pub fn open_index_verified(path: &Path) -> Result<Gazetteer> {
        Gazetteer::map_index(path, Check::Full)
    }

    fn map_index(path: &Path, check: Check) -> Result<Gazetteer> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        // SAFETY: the map is read-only; a file truncated under us while
        // mapped is outside what this program can defend against, as with
        // any memory-mapped reader.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(path, e))?;
        Gazetteer::from_bytes(Bytes::Mapped(Arc::new(map)), &path.display().to_string(), check)
    }

    fn from_bytes(bytes: Bytes, label: &str, check: Check) -> Result<Gazetteer> {
        let corrupt = |message: &str| Error::Index { path: label.into(), message: message.into() };
        let b = bytes.as_ref();
        if b.len() < build::HEADER_LEN || &b[..8] != build::MAGIC {
            return Err(corrupt("not a geoevent gazetteer index (bad magic)"));
        }
        let count = u32_at(b, 8).ok_or_else(|| corrupt("truncated header"))?;
        if check == Check::Full {
            let stored = u64_at(b, build::HEADER_LEN - 8).ok_or_else(|| corrupt("truncated header"))?;
            if normalize::checksum(&b[build::HEADER_LEN..]) != stored {
                return Err(corrupt("checksum mismatch: the index is corrupt or truncated"));
            }
        }
        let mut v = [0usize; 9];
        for (i, slot) in v.iter_mut().enumerate() {
            *slot = u64_at(b, 16 + 8 * i).ok_or_else(|| corrupt("truncated header"))? as usize;
        }
        let [places_off, strings_off, strings_len, postings_off, postings_len, fst_off, fst_len, words_off, words_len] =
            v;
        let probes = u32_at(b, 12).ok_or_else(|| corrupt("truncated header"))?;
        let slots = words_len / build::WORD_SLOT;
        let in_bounds = |off: usize, len: usize| off.checked_add(len).is_some_and(|e| e <= b.len());
        if !in_bounds(places_off, count as usize * build::RECORD_LEN)
            || !in_bounds(strings_off, strings_len)
            || !in_bounds(postings_off, postings_len)
            || !in_bounds(fst_off, fst_len)
            || !in_bounds(words_off, words_len)
        {
            return Err(corrupt("section out of bounds (truncated file?)"));
        }
        if words_len % build::WORD_SLOT != 0 || probes as usize > slots {
            return Err(corrupt("malformed word table"));
        }
        let fst = fst::Map::new(Slice { bytes: bytes.clone(), start: fst_off, end: fst_off + fst_len })
            .map_err(|e| corrupt(&format!("name index: {e}")))?;
        if check != Check::None && !fst_checksum_ok(fst.as_fst().as_bytes()) {
            return Err(corrupt("checksum mismatch in the name index: the index is corrupt"));
        }
        let g = Gazetteer {
            bytes,
            count,
            places_off,
            strings: (strings_off, strings_len),
            postings: (postings_off, postings_len),
            words: (words_off, slots, probes),
            fst,
            divisions: OnceLock::new(),
            label: label.to_string(),
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            valid_places: (0..(count as usize).div_ceil(64))
                .map(|_| std::sync::atomic::AtomicU64::new(if check == Check::None { u64::MAX } else { 0 }))
                .collect(),
        };
        if check == Check::Full {
            g.verify()?;
        }
        Ok(g)
    }

    /// Walk every key of the name index and its candidates once. The fst
    /// crate trusts its bytes and panics on some malformed ones; a panic
    /// here becomes an error, and an index that passes is safe to query
    /// (lookups follow only paths this walk has taken).
    pub fn verify(&self) -> Result<()> {
        use fst::Streamer;
        // A malformed index is an expected input here, not a bug: keep the
        // default hook from printing a panic message while walking it.
        let hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let walk = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let mut stream = self.fst.stream();
            let (mut n, mut words, mut words_match) = (0usize, 0usize, true);
            // `fst.get`, not the memoised `lookup`: every key's path is walked
            // by the same code lookups use, and the memo is left alone.
            while let Some((key, _)) = stream.next() {
                let value = self.fst.get(key);
                n += self.lookup_value(value).postings().count();
                // Every one-word key the word table should hold, with its value.
                if let Some(packed) = build::word_key(key) {
                    words += 1;
                    words_match &= self.word_value(packed) == value;
                }
            }
            (n, words_match && words == self.word_count())
        }));
        std::panic::set_hook(hook);
        let corrupt = |message: &str| Error::Index { path: self.label.clone(), message: message.into() };
        match walk {
            Err(_) => Err(corrupt("the name index is corrupt")),
            Ok((_, false)) => Err(corrupt("the word table does not match the name index")),
            Ok((_, true)) => Ok(()),
        }
    }

    /// The keys in the word table.
    fn word_count(&self) -> usize {
        let (off, slots, _) = self.words;
        let table = self.bytes.as_ref().get(off..off + slots * build::WORD_SLOT).unwrap_or_default();
        table.chunks_exact(build::WORD_SLOT).filter(|slot| slot[..16].iter().any(|&x| x != 0)).count()
    }

    /// The countries and divisions, found on first use. A place whose
    /// strings are broken is left out, as [`Gazetteer::place`] leaves it out.
    fn divisions(&self) -> &Divisions {
        self.divisions.get_or_init(|| {
            let mut d = Divisions::default();
            for i in 0..self.count {
                let rec = self.record(i);
                let kind = Kind::from_code(rec[32]);
                if !matches!(kind, Kind::Country | Kind::Admin1) {
                    continue;
                }
                let Some(p) = self.place(i) else { continue };
                let cc = [rec[33], rec[34]];
                match kind {
                    Kind::Country => {
                        d.countries.entry(cc).or_insert(i);
                    }
                    _ => {
                        d.admin1s.entry((cc, p.name.to_string())).or_insert(i);
                    }
                }
            }
            d
        })
    }

    fn record(&self, i: u32) -> &[u8] {
        let off = self.places_off + i as usize * build::RECORD_LEN;
        &self.bytes.as_ref()[off..off + build::RECORD_LEN]
    }

    /// The bytes of the string at heap offset `off`.
    fn string_bytes(&self, off: u32) -> Option<&[u8]> {
        let (start, len) = self.strings;
        let heap = &self.bytes.as_ref()[start..start + len];
        let off = off as usize;
        let n = u32_at(heap, off)? as usize;
        // Offsets come from the file: checked, so a corrupt index reads as
        // missing strings, never an overflow.
        let begin = off.checked_add(4)?;
        heap.get(begin..begin.checked_add(n)?)
    }

    fn string(&self, off: u32) -> Option<&str> {
        std::str::from_utf8(self.string_bytes(off)?).ok()
    }

    /// The string fields ([`PLACE_STRINGS`]) of place `index`, whose record
    /// is `record`; `None` when one is out of bounds or not UTF-8. They are
    /// checked the first time the place is read and remembered in one bit,
    /// so reading a place again does not validate its strings again
    /// (resolution reads the same candidates over and over).
    #[inline]
    fn place_strings(&self, index: u32, record: &[u8]) -> Option<[&str; 4]> {
        use std::sync::atomic::Ordering::Relaxed;
        let [a, b, c, d] = PLACE_STRINGS.map(|at| self.string_bytes(record_u32(record, at)));
        let fields = [a?, b?, c?, d?];
        let (word, bit) = (&self.valid_places[index as usize / 64], 1u64 << (index % 64));
        if word.load(Relaxed) & bit == 0 {
            if !fields.iter().all(|f| std::str::from_utf8(f).is_ok()) {
                return None;
            }
            // The bytes never change: a bit once set stays true, and a
            // thread that does not see it yet only checks again.
            word.fetch_or(bit, Relaxed);
        }
        // SAFETY: the bit of this place is set only above, after these same
        // fields, found by the same arithmetic on the same bytes, were checked
        // to be UTF-8, or from the start for an index this program wrote from
        // Rust strings (see `valid_places`); the bytes never change (they are static, owned, or a
        // map of a file that must not be modified while mapped, as loading
        // one requires).
        Some(fields.map(|f| unsafe { std::str::from_utf8_unchecked(f) }))
    }

    /// A short description of where the gazetteer came from.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.count as usize
    }

    /// Whether there are no places.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The alternate names of place `index`, `|`-separated. Not part of
    /// [`Place`]: GeoNames lists hundreds for some places, and resolution
    /// reads places in its inner loop.
    pub fn alt_names(&self, index: u32) -> Option<&str> {
        if index >= self.count {
            return None;
        }
        let r = self.record(index);
        self.string(record_u32(r, 24))
    }

    /// The place at `index`, or `None` when out of range or corrupt.
    pub fn place(&self, index: u32) -> Option<Place<'_>> {
        // The record's numbers, decoded once for both.
        let f = self.facts(index)?;
        let r = self.record(index);
        let country = if f.country[0] == 0 { "" } else { std::str::from_utf8(&r[33..35]).ok()? };
        let [id, name, admin1, source] = self.place_strings(index, r)?;
        Some(Place {
            index,
            id,
            name,
            admin1,
            source,
            kind: f.kind,
            country,
            lon: f.lon,
            lat: f.lat,
            population: f.population,
        })
    }

    /// What resolving a mention needs of place `index`, from its record
    /// alone: no string of the place is read, once the place has been read
    /// (and its strings checked) the first time. `None` for the places
    /// [`Gazetteer::place`] has no answer for.
    pub fn facts(&self, index: u32) -> Option<Facts> {
        use std::sync::atomic::Ordering::Relaxed;
        if index >= self.count {
            return None;
        }
        let r = self.record(index);
        let checked = self.valid_places[index as usize / 64].load(Relaxed) & 1u64 << (index % 64) != 0;
        if !checked {
            self.place_strings(index, r)?;
        }
        let cc = [r[33], r[34]];
        // What `str::from_utf8(&cc).is_ok()` says of two bytes, without a
        // call: two ASCII bytes, or one two-byte character.
        let utf8 = cc.is_ascii() || matches!(cc, [0xC2..=0xDF, 0x80..=0xBF]);
        if cc[0] != 0 && !utf8 {
            return None;
        }
        let pop = record_u32(r, 8);
        Some(Facts {
            index,
            kind: Kind::from_code(r[32]),
            country: if cc[0] == 0 { [0, 0] } else { cc },
            lon: record_u32(r, 4) as i32 as f64 / 1e6,
            lat: record_u32(r, 0) as i32 as f64 / 1e6,
            population: (pop != u32::MAX).then_some(pop as u64),
            name: record_u32(r, PLACE_STRINGS[1]),
            admin1: record_u32(r, PLACE_STRINGS[2]),
        })
    }

    /// Whether the string at `off` of the string table (a [`Facts`] name or
    /// division) is empty.
    pub fn is_empty_string(&self, off: u32) -> bool {
        self.string_bytes(off).is_none_or(<[u8]>::is_empty)
    }

    /// Every place, in index order.
    pub fn places(&self) -> impl Iterator<Item = Place<'_>> + '_ {
        (0..self.count).filter_map(|i| self.place(i))
    }

    /// The place for a country code, if the gazetteer has one.
    pub fn country(&self, code: &str) -> Option<Place<'_>> {
        let b = code.as_bytes();
        if b.len() != 2 {
            return None;
        }
        self.divisions().countries.get(&[b[0], b[1]]).and_then(|i| self.place(*i))
    }

    /// The first-level division of that name in that country.
    pub fn admin1(&self, country: &str, name: &str) -> Option<Place<'_>> {
        let b = country.as_bytes();
        if b.len() != 2 {
            return None;
        }
        self.divisions().admin1s.get(&([b[0], b[1]], name.to_string())).and_then(|i| self.place(*i))
    }

    /// The name index's value of a one-word key of at most 15 bytes, packed
    /// ([`crate::swar::pack`]), from the word table: what the fst gives for
    /// the key, found in one probe (most often) instead of a walk.
    fn word_value(&self, key: u128) -> Option<u64> {
        let (off, slots, probes) = self.words;
        let table = self.bytes.as_ref().get(off..).unwrap_or_default();
        build::word_table_get(table, slots, probes, key)
    }

    /// Look up a normalised key (see [`normalize::name_key`]).
    pub fn lookup(&self, key: &[u8]) -> Lookup<'_> {
        self.lookup_value(self.index_value(key))
    }

    /// The candidates a name-index value points at.
    fn lookup_value(&self, value: Option<u64>) -> Lookup<'_> {
        let Some(v) = value else {
            return Lookup::default();
        };
        let is_prefix = v & build::PREFIX_BIT != 0;
        let p = (v & !build::PREFIX_BIT) as usize;
        let (start, len) = self.postings;
        let all = &self.bytes.as_ref()[start..start + len];
        // A value of 0 (a key that only starts longer ones, as in many
        // lookups that extend a name) has no postings: it reads the count
        // at offset 0 and takes none of it, with no branch on it (a coin
        // toss from lookup to lookup). Offsets come from the file: checked
        // arithmetic, so a corrupt index gives no candidates instead of an
        // overflow.
        let has = usize::from(p != 0);
        let raw = (p.saturating_sub(1))
            .checked_mul(4)
            .and_then(|off| {
                let n = u32_at(all, off).unwrap_or(0) as usize * has;
                let begin = off.checked_add(4)?;
                let end = begin.checked_add(n.checked_mul(4)?)?;
                all.get(begin..end)
            })
            .unwrap_or(&[]);
        Lookup { raw, is_prefix }
    }

    /// The name index's value of `key`, memoised per thread.
    fn index_value(&self, key: &[u8]) -> Option<u64> {
        MEMO.with(|memo| memo.borrow_mut().for_owner(self.id).get_or_insert_with(key, || self.index_get(key)))
    }

    /// The name index's value of `key`: what `fst::Map::get` gives, with the
    /// walk over the key's first two bytes taken from a per-thread memo
    /// ([`HEADS`]). The index's first two levels are its widest nodes (a
    /// transition for every first letter, and for most second letters),
    /// the costliest to decode: a walk of a word not seen before (every
    /// lookup the memos miss, most of a stream's first pages) cost about
    /// 2,000 instructions, and half of that was those two nodes.
    fn index_get(&self, key: &[u8]) -> Option<u64> {
        let fst = self.fst.as_fst();
        let Some(head) = key.first_chunk::<2>() else {
            return self.fst.get(key);
        };
        let walk_head = || {
            let (node, out) = walk(fst, fst.root(), fst::raw::Output::zero(), head)?;
            Some((node.addr(), out.value()))
        };
        let (addr, out) = HEADS.with(|h| h.borrow_mut().for_owner(self.id).get_or_insert_with(head, walk_head))?;
        let (node, out) = walk(fst, fst.node(addr), fst::raw::Output::new(out), &key[2..])?;
        node.is_final().then(|| out.cat(node.final_output()).value())
    }

    /// What the name index says about `word`, as written in text, as the
    /// first word of a name: whether its folded key or the loose form of it
    /// names places or starts longer names. Not memoised here: the matcher
    /// memoises it per thread with its own facts about the word.
    pub fn first_word(&self, word: &str) -> FirstWord {
        // (Room for the 16-byte store that folds a short word at once.)
        let mut key = String::with_capacity(word.len() + 16);
        normalize::fold_token_into(word, &mut key);
        if key.is_empty() {
            return FirstWord::default();
        }
        // A value equal to NO_VALUE (only a corrupt index has one) reads as
        // no value: no candidates, as a corrupt offset gives. A short key of
        // one word is in the word table or in no key; any other (rare) is
        // walked.
        let get = |k: &[u8]| {
            match build::word_key(k) {
                Some(packed) => self.word_value(packed),
                None => self.index_get(k),
            }
            .unwrap_or(NO_VALUE)
        };
        let mut loose = Vec::with_capacity(key.len() + 1);
        loose_index_key(&key, &mut loose);
        FirstWord { exact: narrow(get(key.as_bytes())), loose: narrow(get(&loose)) }
    }

    /// A number that tells this gazetteer from every other one loaded in the
    /// process, for memos kept across calls.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The lookup of a first word's folded key (`loose`: of its loose form).
    /// Gives what [`Gazetteer::lookup`] gives for that key, or `None` when
    /// the word's index value was too large to keep (in an index of over two
    /// billion postings): then look the key up.
    pub fn first_lookup(&self, word: &FirstWord, loose: bool) -> Option<Lookup<'_>> {
        let value = widen(if loose { word.loose } else { word.exact })?;
        Some(self.lookup_value((value != NO_VALUE).then_some(value)))
    }

    /// Look up a loose key (see [`normalize::loose_key`]).
    pub fn lookup_loose(&self, loose: &str, buf: &mut Vec<u8>) -> Lookup<'_> {
        buf.clear();
        buf.push(build::LOOSE_TAG);
        buf.extend_from_slice(loose.as_bytes());
        self.lookup(buf)
    }

    /// Every place whose name or alternate name has this key, best match first.
    pub fn find(&self, name: &str) -> Vec<(Place<'_>, Posting)> {
        let key = normalize::name_key(name);
        let mut out: Vec<(Place<'_>, Posting)> = Vec::new();
        let mut push = |g: &Lookup<'_>| {
            for p in g.postings() {
                if out.iter().all(|(q, _)| q.index != p.place)
                    && let Some(place) = self.place(p.place)
                {
                    out.push((place, p));
                }
            }
        };
        push(&self.lookup(key.as_bytes()));
        let toks: Vec<&str> = key.split(' ').collect();
        if toks.len() >= 2 && normalize::ARTICLES.contains(&toks[0]) {
            push(&self.lookup(toks[1..].join(" ").as_bytes()));
        }
        if let Some(l) = normalize::loose_key(&key) {
            let mut buf = Vec::new();
            push(&self.lookup_loose(&l, &mut buf));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::{NARROW_OFFSETS, NARROW_WIDE, NO_VALUE, build, fst_checksum_ok, narrow, widen};

    proptest::proptest! {
        /// An index value kept in 32 bits comes back as it was, unless its
        /// offset does not fit; then it is marked to be looked up again.
        #[test]
        fn narrow_index_values_come_back_whole(offset in proptest::num::u64::ANY, prefix: bool, small: bool) {
            let offset = if small { offset % (1 << 32) } else { offset } & !build::PREFIX_BIT;
            let value = offset | if prefix { build::PREFIX_BIT } else { 0 };
            let n = narrow(value);
            if value == NO_VALUE {
                proptest::prop_assert_eq!(widen(n), Some(NO_VALUE));
            } else if offset < NARROW_OFFSETS {
                proptest::prop_assert_eq!(widen(n), Some(value));
            } else {
                proptest::prop_assert_eq!(n, NARROW_WIDE);
                proptest::prop_assert_eq!(widen(n), None);
            }
        }
    }

    proptest::proptest! {
        /// A first word starts names when either of its values is there,
        /// as the and-ed bits tell (none, either, both; at the edges too).
        #[test]
        fn a_first_word_starts_names_when_either_value_is_there(
            exact in proptest::prop_oneof![proptest::strategy::Just(super::NARROW_NONE), proptest::num::u32::ANY],
            loose in proptest::prop_oneof![proptest::strategy::Just(super::NARROW_NONE), proptest::num::u32::ANY],
        ) {
            let word = super::FirstWord { exact, loose };
            proptest::prop_assert_eq!(word.starts_names(), exact != super::NARROW_NONE || loose != super::NARROW_NONE);
        }
    }

    /// A walk that starts from the memo of two-byte heads gives what
    /// `fst::Map::get` gives: for every key of the embedded index, for the
    /// prefixes of some (which are keys or not), for near misses (a byte
    /// added, the last changed), and for keys of no, one and two bytes.
    #[test]
    fn walks_from_memoised_heads_read_as_the_fst_does() {
        use fst::Streamer;
        let g = super::Gazetteer::embedded();
        let mut keys: Vec<Vec<u8>> = vec![vec![], b"a".to_vec(), b"zz".to_vec(), vec![0xFF, 0xFF]];
        let mut stream = g.fst.stream();
        let (mut n, mut one_word) = (0usize, 0usize);
        while let Some((key, _)) = stream.next() {
            // (Counted by hand, not by `word_key`, which the table is made by.)
            one_word += usize::from(!key.is_empty() && key.len() <= crate::swar::SHORT && !key.contains(&b' '));
            keys.push(key.to_vec());
            if n.is_multiple_of(7) {
                keys.extend((0..key.len()).map(|k| key[..k].to_vec()));
                let mut longer = key.to_vec();
                longer.push(b'x');
                keys.push(longer);
                let mut other = key.to_vec();
                if let Some(last) = other.last_mut() {
                    *last = last.wrapping_add(1);
                }
                keys.push(other);
            }
            n += 1;
        }
        assert!(n > 100_000, "{n} keys");
        // Twice: the second time every head comes from the memo.
        for _ in 0..2 {
            for key in &keys {
                assert_eq!(g.index_get(key), g.fst.get(key), "{:?}", String::from_utf8_lossy(key));
            }
        }
        // The word table gives what the fst gives for every one-word key
        // it can hold: keys, prefixes and near misses alike.
        let mut words = 0;
        for key in &keys {
            if let Some(packed) = build::word_key(key) {
                assert_eq!(g.word_value(packed), g.fst.get(key), "{:?}", String::from_utf8_lossy(key));
                words += 1;
            }
        }
        // Exactly the one-word keys of at most 15 bytes are in the table.
        assert!(words > 100_000, "{words} words");
        assert_eq!(g.word_count(), one_word);
        // And so does `first_word`, which reads it, for words as written.
        for w in ["Mosul", "MOSUL", "New", "new", "Baghdad", "Mexmur", "Said", "the", "Fallūjah", "Xqzv", "Sidi"] {
            let mut key = String::new();
            super::normalize::fold_token_into(w, &mut key);
            let mut loose = Vec::new();
            super::loose_index_key(&key, &mut loose);
            let want = super::FirstWord {
                exact: narrow(g.fst.get(key.as_bytes()).unwrap_or(NO_VALUE)),
                loose: narrow(g.fst.get(&loose).unwrap_or(NO_VALUE)),
            };
            assert_eq!(g.first_word(w), want, "{w}");
        }
    }

    proptest::proptest! {
        /// A word table finds every key it was made of, with its value,
        /// within its probes; and no other key.
        #[test]
        fn word_tables_find_their_keys(
            keys in proptest::collection::hash_set(1u128..u128::MAX, 0..300),
            others in proptest::collection::vec(proptest::num::u128::ANY, 50),
        ) {
            let words: Vec<(u128, u64)> = keys.iter().enumerate().map(|(i, &k)| (k, i as u64 * 7)).collect();
            let (table, probes) = build::word_table(&words);
            let slots = table.len() / build::WORD_SLOT;
            proptest::prop_assert!(words.is_empty() && slots == 0 || words.len() * 10 < slots * 7 + 7);
            for &(k, v) in &words {
                proptest::prop_assert_eq!(build::word_table_get(&table, slots, probes, k), Some(v));
            }
            for k in others.into_iter().filter(|k| !keys.contains(k)) {
                proptest::prop_assert_eq!(build::word_table_get(&table, slots, probes, k), None);
            }
        }
    }

    /// A table whose every slot is full is searched no further than its
    /// probes say, and one cut short reads as missing keys.
    #[test]
    fn word_table_probes_are_bounded() {
        let words: Vec<(u128, u64)> = (1..=8u128).map(|k| (k, k as u64)).collect();
        let (mut table, probes) = build::word_table(&words);
        let slots = table.len() / build::WORD_SLOT;
        // Fill the empty slots with keys that are not looked up.
        for s in 0..slots {
            let at = s * build::WORD_SLOT;
            if table[at..at + 16].iter().all(|&b| b == 0) {
                table[at..at + 16].copy_from_slice(&(1000 + s as u128).to_le_bytes());
            }
        }
        assert_eq!(build::word_table_get(&table, slots, probes, 3), Some(3));
        assert_eq!(build::word_table_get(&table, slots, slots as u32, 99), None);
        // Cut after its first slot: keys past it read as missing.
        for k in 1..=8u128 {
            let v = build::word_table_get(&table[..build::WORD_SLOT], slots, probes, k);
            assert!(v.is_none_or(|v| u128::from(v) == k), "{k}: {v:?}");
        }
        assert_eq!(build::word_table_get(&table, 0, probes, 3), None);
        assert_eq!(build::word_table_get(&table, slots, probes, 0), None);
    }

    /// Headers whose word table cannot be one are errors, not panics or
    /// endless probes.
    #[test]
    fn malformed_word_tables_are_errors() {
        let rows: Vec<super::PlaceRecord> = ["Mosul", "Erbil", "Sidi Bel Abbes"]
            .iter()
            .enumerate()
            .map(|(i, n)| super::PlaceRecord {
                id: format!("t:{i}"),
                name: (*n).into(),
                kind: super::Kind::City,
                country: "IQ".into(),
                admin1: String::new(),
                lat: 36.0,
                lon: 43.0 + i as f64,
                population: None,
                alt_names: vec![],
                source: "test".into(),
            })
            .collect();
        let good = build::build_index(&rows).expect("index");
        assert!(super::Gazetteer::from_index_bytes(good.clone(), "good").is_ok());
        let words_len = |b: &[u8]| u64::from_le_bytes(b[16 + 8 * 8..24 + 8 * 8].try_into().unwrap()) as usize;
        assert_eq!(words_len(&good) % build::WORD_SLOT, 0);
        let slots = words_len(&good) / build::WORD_SLOT;
        let reseal = |mut b: Vec<u8>| {
            let sum = super::normalize::checksum(&b[build::HEADER_LEN..]);
            b[build::HEADER_LEN - 8..build::HEADER_LEN].copy_from_slice(&sum.to_le_bytes());
            b
        };
        let mut more_probes = good.clone();
        more_probes[12..16].copy_from_slice(&(slots as u32 + 1).to_le_bytes());
        let mut odd_len = good.clone();
        odd_len[16 + 8 * 8..24 + 8 * 8].copy_from_slice(&((slots - 1) * build::WORD_SLOT + 1).to_le_bytes());
        for bad in [more_probes, odd_len] {
            let e = super::Gazetteer::from_index_bytes(reseal(bad), "bad").expect_err("an error");
            assert!(e.to_string().contains("malformed word table"), "{e}");
        }
        // A value changed in the table: the file is whole (its checksum made
        // again) but the table no longer matches the name index.
        let mut changed = good.clone();
        let off = u64::from_le_bytes(good[16 + 7 * 8..24 + 7 * 8].try_into().unwrap()) as usize;
        let full = (0..slots).find(|s| good[off + s * 24..off + s * 24 + 16].iter().any(|&b| b != 0)).expect("a key");
        changed[off + full * 24 + 16] ^= 1;
        let e = super::Gazetteer::from_index_bytes(reseal(changed), "changed").expect_err("an error");
        assert!(e.to_string().contains("word table does not match"), "{e}");
        // A key no name has, put in an empty slot.
        let mut added = good.clone();
        let empty = (0..slots).find(|s| good[off + s * 24..off + s * 24 + 16].iter().all(|&b| b == 0)).expect("room");
        added[off + empty * 24..off + empty * 24 + 16]
            .copy_from_slice(&crate::swar::pack(b"zzz").unwrap().to_le_bytes());
        let e = super::Gazetteer::from_index_bytes(reseal(added), "added").expect_err("an error");
        assert!(e.to_string().contains("word table does not match"), "{e}");
    }

    #[test]
    fn narrow_index_values_at_the_edges() {
        let largest = NARROW_OFFSETS - 1;
        assert_eq!(widen(narrow(largest | build::PREFIX_BIT)), Some(largest | build::PREFIX_BIT));
        assert_eq!(widen(narrow(largest)), Some(largest));
        assert_eq!(narrow(largest + 1), NARROW_WIDE);
        assert_eq!(narrow((largest + 1) | build::PREFIX_BIT), NARROW_WIDE);
        assert_eq!(widen(narrow(NO_VALUE)), Some(NO_VALUE));
        assert_eq!(widen(narrow(0)), Some(0));
    }

    fn fst_of(keys: &std::collections::BTreeSet<String>) -> Vec<u8> {
        let mut b = fst::MapBuilder::memory();
        for (i, k) in keys.iter().enumerate() {
            b.insert(k, i as u64).expect("sorted keys");
        }
        b.into_inner().expect("in memory")
    }

    proptest::proptest! {
        /// The hardware checksum accepts and rejects exactly what the `fst`
        /// crate's own `verify` does, on intact fsts and on ones with one
        /// byte changed anywhere.
        #[test]
        fn the_checksum_agrees_with_fst_verify(
            keys in proptest::collection::btree_set("[a-z ]{1,12}", 0..60),
            at in proptest::num::usize::ANY,
            flip in 1u8..=255,
        ) {
            let mut bytes = fst_of(&keys);
            let ok = |b: &[u8]| fst::raw::Fst::new(b.to_vec()).is_ok_and(|f| f.verify().is_ok());
            proptest::prop_assert!(ok(&bytes));
            proptest::prop_assert!(fst_checksum_ok(&bytes));
            let at = at % bytes.len();
            bytes[at] ^= flip;
            if fst::raw::Fst::new(bytes.clone()).is_ok() {
                proptest::prop_assert_eq!(fst_checksum_ok(&bytes), ok(&bytes));
                proptest::prop_assert!(!fst_checksum_ok(&bytes), "a changed byte goes unnoticed");
            }
        }
    }
}
