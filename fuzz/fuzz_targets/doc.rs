//! The Word 97–2003 binary reader (.doc/.wps in an OLE2 compound file), then the whole
//! pipeline. A compound file has no checksums, so byte mutations reach the FIB, the piece
//! table and the property pages directly. Seeds: `fixtures/doc/*.doc` and the small
//! hand-built files of `fuzz/seeds/doc` (fast-saved pieces, nested tables, GBK text).
#![no_main]

use jixiao_fuzz::pipeline;
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pipeline(Format::Doc, data, "doc");
});
