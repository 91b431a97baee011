//! The PDF reader, then the whole pipeline. Input holding `%PDF-` in its first kilobyte is a
//! whole file (seeds: `fixtures/pdf`); anything else is a page's content stream, placed by the
//! target on a page with Latin and Chinese fonts and a self-drawing Form XObject, so that
//! mutations reach the content interpreter, the fonts and the table layout.
#![no_main]

use jixiao_fuzz::{pdf_with_content, pipeline};
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let head = &data[..data.len().min(1024)];
    if head.windows(5).any(|window| window == b"%PDF-") {
        pipeline(Format::Pdf, data, "pdf");
    } else {
        pipeline(Format::Pdf, &pdf_with_content(data), "pdf");
    }
});
