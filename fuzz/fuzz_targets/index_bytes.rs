//! Arbitrary bytes as a compiled gazetteer index: loading must return Ok or
//! Err, and a loaded index must be usable without panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "index_common.rs"]
mod index_common;

fuzz_target!(|data: &[u8]| {
    let mut bytes = data.to_vec();
    index_common::fix_checksum(&mut bytes);
    index_common::exercise(bytes);
});
