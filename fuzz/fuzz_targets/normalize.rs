//! The normaliser on grids of any shape: the input is a small table language (see
//! `jixiao_fuzz::grid_document`) whose seeds are the tab-separated text fixtures, so that
//! headers, the 一级/二级 hierarchy, merged cells, fields and values are all reached. The
//! extraction is then converted and written as the command line writes it.
#![no_main]

use jixiao_fuzz::{grid_document, write_out};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let document = grid_document(&text);
    let _ = document.render();
    let extraction = jixiao_normalize::normalize(&document);
    let source = jixiao_output::Source::new("fuzz.txt");
    let output = jixiao_output::Document::from_extraction(source, document.diagnostics, extraction);
    write_out(&output);
});
