//! The pasted-text reader (encoding detection, cell-per-line and tab-separated tables), then
//! the whole pipeline. Seeds: `fixtures/text`.
#![no_main]

use jixiao_fuzz::pipeline;
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pipeline(Format::Text, data, "txt");
});
