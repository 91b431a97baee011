//! The value grammar (`≥1145批次` → op, number, unit) and the other one-cell readers: names
//! of the vocabulary and amounts. Each cell must parse without panicking, and a parsed value
//! must keep its own invariants.
#![no_main]

use jixiao_normalize::value::{ValueKind, parse};
use jixiao_normalize::{text, vocab};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let cell = String::from_utf8_lossy(data);
    if let Some(parsed) = parse(&cell) {
        if parsed.kind == ValueKind::Range {
            match (parsed.low, parsed.high) {
                (Some(low), Some(high)) => assert!(low <= high, "{cell:?}: {parsed:?}"),
                _ => panic!("a range without both ends: {cell:?}: {parsed:?}"),
            }
        }
        for number in [parsed.number, parsed.low, parsed.high]
            .into_iter()
            .flatten()
        {
            assert!(number.is_finite(), "{cell:?}: {parsed:?}");
        }
    }
    let _ = vocab::level1(&cell);
    let _ = vocab::level2(&cell);
    let _ = vocab::level1_loose(&cell);
    let _ = vocab::level2_loose(&cell);
    let _ = vocab::name_key(&cell);
    let _ = text::parse_amount(&cell);
    let _ = text::is_table_title(&cell);
    let _ = text::clean(&cell);
});
