//! The xlsx reader, then the whole pipeline. Input starting with `PK` is a whole workbook
//! (seeds: `fixtures/xlsx`); anything else is a worksheet's XML, then after a NUL byte the
//! shared strings, packed by the target into a one-sheet workbook. Panics inside calamine are
//! caught by the reader, as in jixiao.
#![no_main]

use jixiao_fuzz::{let_calamine_panics_unwind, pipeline, xlsx_package};
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let_calamine_panics_unwind();
    if data.starts_with(b"PK") {
        pipeline(Format::Xlsx, data, "xlsx");
    } else {
        let (sheet, strings) = match data.iter().position(|&byte| byte == 0) {
            Some(at) => (&data[..at], &data[at + 1..]),
            None => (data, &[][..]),
        };
        pipeline(Format::Xlsx, &xlsx_package(sheet, strings), "xlsx");
    }
});
