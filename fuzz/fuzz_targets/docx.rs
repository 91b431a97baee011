//! The docx reader, then the whole pipeline. Input starting with `PK` is a whole package (seeds:
//! `fixtures/docx`); anything else is the main part `word/document.xml`, packed by the target
//! (seeds: the fixtures' main parts), so that mutations reach the XML walk and the merge logic.
#![no_main]

use jixiao_fuzz::{docx_package, pipeline};
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        pipeline(Format::Docx, data, "docx");
    } else {
        pipeline(Format::Docx, &docx_package(data), "docx");
    }
});
