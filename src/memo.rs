//! Tables keyed by words: the per-thread memo of gazetteer lookups (news
//! text repeats its words), the first words of the event dictionaries, and
//! the word lists of the matcher.
//!
//! Most words are short: a key of up to 15 bytes is packed with its length
//! into one `u128`, stored in the table itself, and compared as an integer;
//! a probe then touches one cache line instead of chasing a pointer to a
//! boxed key and calling `memcmp`. Longer keys go to a second table.

use rustc_hash::FxHashMap;

// Word keys are packed by `swar` (which `build.rs` compiles too, for word
// folding): re-exported here, where the tables that use them live.
pub use crate::swar::{SHORT, is_ascii_alnum, lowercase_key, pack, pack_ascii_lowercase, pack_at};

/// A map from byte strings to values, emptied when it reaches its capacity
/// (so memory stays flat on a stream of any length).
#[derive(Clone, Debug)]
pub struct WordMap<V> {
    short: FxHashMap<u128, V>,
    long: FxHashMap<Box<[u8]>, V>,
    capacity: usize,
}

impl<V> Default for WordMap<V> {
    /// An empty map that is never emptied.
    fn default() -> WordMap<V> {
        WordMap::new(usize::MAX)
    }
}

impl<V> WordMap<V> {
    /// An empty map that holds at most `capacity` keys of each length class.
    pub fn new(capacity: usize) -> WordMap<V> {
        WordMap { short: FxHashMap::default(), long: FxHashMap::default(), capacity }
    }

    /// The value of `key`.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<&V> {
        match pack(key) {
            Some(k) => self.short.get(&k),
            None => self.long.get(key),
        }
    }

    /// The value of a key made by [`pack`].
    #[inline]
    pub fn get_packed(&self, key: u128) -> Option<&V> {
        self.short.get(&key)
    }

    /// Set the value of `key`, emptying a full table first.
    pub fn insert(&mut self, key: &[u8], value: V) {
        match pack(key) {
            Some(k) => self.insert_packed(k, value),
            None => {
                if self.long.len() >= self.capacity {
                    self.long.clear();
                }
                self.long.insert(key.into(), value);
            }
        }
    }

    /// Set the value of a key made by [`pack`], emptying a full table first.
    fn insert_packed(&mut self, key: u128, value: V) {
        if self.short.len() >= self.capacity {
            self.short.clear();
        }
        self.short.insert(key, value);
    }

    /// Forget every key.
    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A [`WordMap`] that belongs to one owner (a gazetteer, by its id): asked
/// for under another owner, it is emptied first. The per-thread memos of
/// gazetteer results keep one each.
#[derive(Clone, Debug)]
pub struct OwnedMap<V> {
    owner: u64,
    map: WordMap<V>,
}

impl<V> OwnedMap<V> {
    /// An empty map of no owner, holding at most `capacity` keys of each
    /// length class (see [`WordMap::new`]).
    pub fn new(capacity: usize) -> OwnedMap<V> {
        OwnedMap { owner: 0, map: WordMap::new(capacity) }
    }

    /// The map of owner `id`: emptied first when it held another's.
    pub fn for_owner(&mut self, id: u64) -> &mut WordMap<V> {
        if self.owner != id {
            self.owner = id;
            self.map.clear();
        }
        &mut self.map
    }
}

impl<V: Copy> WordMap<V> {
    /// The value of `key`, computed and inserted when missing.
    #[inline]
    pub fn get_or_insert_with(&mut self, key: &[u8], compute: impl FnOnce() -> V) -> V {
        if let Some(v) = self.get(key) {
            return *v;
        }
        let v = compute();
        self.insert(key, v);
        v
    }

    /// [`WordMap::get_or_insert_with`] of `text[start..end]`, a short key
    /// packed by [`pack_at`]. A range outside `text` is the empty key.
    #[inline]
    pub fn get_or_insert_at(&mut self, text: &[u8], start: usize, end: usize, compute: impl FnOnce() -> V) -> V {
        let Some(k) = pack_at(text, start, end) else {
            return self.get_or_insert_with(text.get(start..end).unwrap_or_default(), compute);
        };
        if let Some(v) = self.short.get(&k) {
            return *v;
        }
        let v = compute();
        self.insert_packed(k, v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_keys_keep_bytes_and_length() {
        for s in ["", "a", "a\0", "Mosul", "exactly15bytes!", "Fallūjah"] {
            let b = pack(s.as_bytes()).expect("short").to_le_bytes();
            assert_eq!((&b[..s.len()], usize::from(b[15])), (s.as_bytes(), s.len()));
        }
        assert_ne!(pack(b"a"), pack(b"a\0"));
        assert_eq!(pack(b"sixteen bytes!!!"), None);
    }

    proptest::proptest! {
        /// Packing by word loads puts every byte where a shift per byte does.
        #[test]
        fn pack_matches_a_shift_per_byte(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..=SHORT)) {
            let mut k = (bytes.len() as u128) << 120;
            for (i, &c) in bytes.iter().enumerate() {
                k |= u128::from(c) << (8 * i);
            }
            proptest::prop_assert_eq!(pack(&bytes), Some(k));
        }
    }

    /// Bytes for packed-key tests: mostly letters and digits, with the
    /// bytes just outside their ranges and bytes beyond ASCII, so that keys
    /// of only letters and digits are common at every length.
    fn key_bytes() -> impl proptest::strategy::Strategy<Value = Vec<u8>> {
        use proptest::prelude::*;
        let edges = proptest::sample::select(b"@AZ[`az{/09:\x7f\x80\xc3\xff\0 -".to_vec());
        proptest::collection::vec(
            prop_oneof![3 => proptest::num::u8::ANY.prop_filter("alnum", u8::is_ascii_alphanumeric), 1 => edges, 1 => proptest::num::u8::ANY],
            0..=SHORT,
        )
    }

    proptest::proptest! {
        /// Lowercasing a packed key lowercases ASCII capitals only; a key
        /// is all letters and digits exactly when its bytes are.
        #[test]
        fn pack_ascii_lowercase_lowercases_ascii(bytes in key_bytes()) {
            proptest::prop_assert_eq!(pack_ascii_lowercase(&bytes), pack(&bytes.to_ascii_lowercase()));
            let k = pack(&bytes).unwrap_or(0);
            proptest::prop_assert_eq!(is_ascii_alnum(k), bytes.iter().all(u8::is_ascii_alphanumeric));
        }
    }

    #[test]
    fn short_and_long_keys_and_capacity() {
        let mut m = WordMap::new(2);
        m.insert(b"Mosul", 1);
        m.insert(b"a very long key of many bytes", 2);
        assert_eq!(m.get(b"Mosul"), Some(&1));
        assert_eq!(m.get(b"a very long key of many bytes"), Some(&2));
        assert_eq!(m.get(b"mosul"), None);
        assert_eq!(pack(b"Mosul").and_then(|k| m.get_packed(k)), Some(&1));
        assert_eq!(m.get_or_insert_with(b"Erbil", || 3), 3);
        assert_eq!(m.get_or_insert_with(b"Erbil", || 4), 3);
        // A key given as a range of a text: the same key as the bytes alone.
        assert_eq!(m.get_or_insert_at(b"near Erbil on Monday", 5, 10, || 6), 3);
        assert_eq!(m.len(), 3);
        // A third short key empties the full short table first.
        m.insert(b"Kirkuk", 5);
        assert_eq!(m.get(b"Mosul"), None);
        assert_eq!(m.get(b"Kirkuk"), Some(&5));
        assert_eq!(m.get(b"a very long key of many bytes"), Some(&2));
        m.clear();
        assert!(m.is_empty());
    }

    #[test]
    fn keys_at_ranges_of_a_text() {
        let mut m = WordMap::default();
        let text = b"Mosul, Erbil and a long name of many words";
        assert_eq!(m.get_or_insert_at(text, 7, 12, || 1), 1);
        assert_eq!(m.get(b"Erbil"), Some(&1));
        // Near the end of the text (fewer than 16 bytes left) and long keys.
        assert_eq!(m.get_or_insert_at(text, 37, 42, || 2), 2);
        assert_eq!(m.get(b"words"), Some(&2));
        assert_eq!(m.get_or_insert_at(text, 19, 42, || 3), 3);
        assert_eq!(m.get(b"long name of many words"), Some(&3));
        // A range outside the text is the empty key.
        assert_eq!(m.get_or_insert_at(text, 40, 50, || 4), 4);
        assert_eq!(m.get(b""), Some(&4));
    }

    #[test]
    fn an_owned_map_is_emptied_for_another_owner() {
        let mut m = OwnedMap::new(10);
        m.for_owner(1).insert(b"Mosul", 1);
        assert_eq!(m.for_owner(1).get(b"Mosul"), Some(&1));
        assert_eq!(m.for_owner(2).get(b"Mosul"), None);
        assert!(m.for_owner(1).is_empty());
    }
}
