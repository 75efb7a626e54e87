//! Like `index_bytes`, but the input is an index *without* its 512 KiB
//! first-token filter: the target appends an all-ones filter and points the
//! header at it. A valid index is at least 512 KiB, almost all filter, so
//! fuzzing whole files spends nearly every mutation on uninteresting bits;
//! this target puts every mutation into the header, records, strings,
//! postings and fst, which is where the reader trusts offsets.
#![no_main]

use geoevent::gazetteer::build::{FILTER_BITS, HEADER_LEN};
use libfuzzer_sys::fuzz_target;

#[path = "index_common.rs"]
mod index_common;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    if bytes.len() >= HEADER_LEN {
        let filter_off = bytes.len() as u64;
        let filter_len = FILTER_BITS / 8;
        bytes[16 + 8 * 7..16 + 8 * 8].copy_from_slice(&filter_off.to_le_bytes());
        bytes[16 + 8 * 8..16 + 8 * 9].copy_from_slice(&filter_len.to_le_bytes());
        bytes.resize(bytes.len() + filter_len as usize, 0xff);
    }
    index_common::fix_checksum(&mut bytes);
    index_common::exercise(bytes);
});
