//! The HTML reader, then the whole pipeline. Seeds: `fixtures/html`.
#![no_main]

use jixiao_fuzz::pipeline;
use jixiao_read::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pipeline(Format::Html, data, "html");
});
