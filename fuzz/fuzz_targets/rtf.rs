//! The RTF reader (RTF under a .doc or .rtf name), then the whole pipeline. Seeds:
//! `fixtures/rtf`, AbiWord's RTF in `fixtures/doc/abiword`, and the small tables of
//! `fuzz/seeds/rtf` (merges, nested tables, code pages, fields).
#![no_main]

use jixiao_fuzz::pipeline;
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pipeline(Format::Doc, data, "rtf");
});
