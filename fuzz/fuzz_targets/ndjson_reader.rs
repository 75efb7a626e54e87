//! Arbitrary bytes as an NDJSON file: the document stream must end, never
//! panic, and yield at most one item per line (+1).
#![no_main]

use std::io::Write;

use geoevent::input::{InputFormat, documents};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut file = tempfile::Builder::new().suffix(".ndjson").tempfile().expect("temp file");
    file.write_all(data).expect("write temp file");
    file.flush().expect("flush temp file");
    let path = file.path().to_path_buf();
    let lines = data.iter().filter(|&&b| b == b'\n').count();
    let mut items = 0usize;
    for _item in documents(&[path], InputFormat::Ndjson) {
        items += 1;
        assert!(items <= lines + 1, "{items} items from {lines} newlines");
    }
});
