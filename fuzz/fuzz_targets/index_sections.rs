//! Like `index_bytes`, but the input is an index *without* its word table:
//! the target points the header at an empty one (the table's own checks are
//! unit tests). Most of a valid index's bytes are its word table, so fuzzing
//! whole files spends most mutations on table slots; this target puts every
//! mutation into the header, records, strings, postings and fst, which is
//! where the reader trusts offsets.
#![no_main]

use geoevent::gazetteer::build::HEADER_LEN;
use libfuzzer_sys::fuzz_target;

#[path = "index_common.rs"]
mod index_common;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() >= HEADER_LEN {
        let words_off = bytes.len() as u64;
        bytes[12..16].copy_from_slice(&0u32.to_le_bytes());
        bytes[16 + 8 * 7..16 + 8 * 8].copy_from_slice(&words_off.to_le_bytes());
        bytes[16 + 8 * 8..16 + 8 * 9].copy_from_slice(&0u64.to_le_bytes());
    }
    index_common::fix_checksum(&mut bytes);
    index_common::exercise(bytes);
});
