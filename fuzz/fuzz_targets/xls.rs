//! The xls reader (BIFF8 in an OLE2 compound file), then the whole pipeline. Seeds:
//! `fixtures/xls`.
#![no_main]

use jixiao_fuzz::pipeline;
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pipeline(Format::Xls, data, "xls");
});
