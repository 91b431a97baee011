//! The xls reader (BIFF8 in an OLE2 compound file), then the whole pipeline. Seeds:
//! `fixtures/xls`. Panics inside calamine are caught by the reader, as in jixiao.
#![no_main]

use jixiao_fuzz::{let_calamine_panics_unwind, pipeline};
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let_calamine_panics_unwind();
    pipeline(Format::Xls, data, "xls");
});
