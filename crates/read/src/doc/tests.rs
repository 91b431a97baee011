use super::*;

use jixiao_grid::{Block, Document, Grid};

use crate::detect::ole2::tests::build;
use crate::{Format, Limits, detect};

const STEMS: [&str; 3] = [
    "000_5951d4f30969a9c2",
    "001_7ba444aee7ec495e",
    "003_f17e630e396b42a6",
];

fn fixture(path: &str) -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
    std::fs::read(format!("{root}/{path}")).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn grids(document: &Document) -> Vec<&Grid> {
    document.grids().collect()
}

/// Every block as text: paragraphs as they are, grids drawn with their merges.
fn blocks(document: &Document) -> Vec<String> {
    document
        .blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(paragraph) => format!("P {}", paragraph.text),
            Block::Table(grid) => format!("T {}", grid.render()),
        })
        .collect()
}

#[test]
fn doc_fixtures_read_natively_as_their_docx_twins() {
    // The .doc fixtures were saved from the same documents as the .docx ones; the native
    // reader must give the normaliser the very same paragraphs and grids.
    for stem in STEMS {
        let doc = crate::read_default(crate::Format::Doc, &fixture(&format!("doc/{stem}.doc")))
            .unwrap_or_else(|error| panic!("{stem}.doc: {error}"));
        let docx = crate::read_default(crate::Format::Docx, &fixture(&format!("docx/{stem}.docx")))
            .expect("docx");
        assert_eq!(blocks(&doc), blocks(&docx), "{stem}");
        assert!(doc.diagnostics.is_empty(), "{stem}: {:?}", doc.diagnostics);
    }
}

#[test]
fn doc_fixture_keeps_merged_cells_as_spans() {
    let document = crate::read_default(
        crate::Format::Doc,
        &fixture(&format!("doc/{}.doc", STEMS[0])),
    )
    .expect("reads");
    assert!(
        document
            .paragraphs()
            .any(|paragraph| paragraph == "1、办公场所租赁费绩效目标表")
    );
    let grid = grids(&document)[0];
    let output = grid.slot(8, 0).expect("产出指标").cell;
    assert_eq!((output.text.as_str(), output.row_span), ("产出指标", 4));
}

#[test]
fn wps_files_are_word_files_whatever_their_name() {
    let bytes = fixture(&format!("doc/{}.doc", STEMS[1]));
    for name in [Some("wps"), None, Some("txt"), Some("xls")] {
        assert_eq!(detect(&bytes, name), Format::Doc, "{name:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Hand-built Word files: the parts of the format that the fixtures do not reach.
// ---------------------------------------------------------------------------------------------

/// One piece of a hand-built document: its text (marks included) and whether it is stored as
/// 8-bit text (in `encoding`) or UTF-16.
struct TestPiece<'a> {
    text: &'a str,
    compressed: bool,
}

/// The properties of each paragraph mark, in order of the marks in the text.
type Marks<'a> = &'a [&'a [u8]];

const FIB_LEN: usize = 1024;

/// Builds a Word 97 file: FIB (with `flags`, `lid`, `nfib`), the pieces stored in reverse
/// order (so that file order is not text order), one PAPX FKP, and a 1Table stream holding
/// the piece table and the paragraph bin table.
fn word_file(
    pieces: &[TestPiece<'_>],
    marks: Marks<'_>,
    flags: u16,
    lid: u16,
    nfib: u16,
) -> Vec<u8> {
    let mut word = vec![0u8; FIB_LEN];
    // Text, pieces in reverse order.
    let mut stored = vec![(0u32, 0u32); pieces.len()];
    for (index, piece) in pieces.iter().enumerate().rev() {
        let fc = word.len() as u32;
        let bytes: Vec<u8> = if piece.compressed {
            let (encoded, _, _) = if lid == 0x0804 {
                encoding_rs::GBK.encode(piece.text)
            } else {
                encoding_rs::WINDOWS_1252.encode(piece.text)
            };
            encoded.into_owned()
        } else {
            piece
                .text
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect()
        };
        word.extend(&bytes);
        stored[index] = (fc, bytes.len() as u32);
    }
    // Where each paragraph mark lies, in text order.
    let mut mark_fcs = Vec::new();
    for (piece, &(fc, _)) in pieces.iter().zip(&stored) {
        let mut offset = fc;
        for c in piece.text.chars() {
            let width = if piece.compressed {
                c.len_utf8().min(2) as u32
            } else {
                c.len_utf16() as u32 * 2
            };
            if matches!(c, '\r' | '\u{7}') {
                mark_fcs.push((offset, width));
            }
            offset += width;
        }
    }
    assert_eq!(mark_fcs.len(), marks.len(), "one property list per mark");
    // One FKP: a run per mark, filler runs between.
    word.resize(word.len().div_ceil(512) * 512, 0);
    let fkp_page = (word.len() / 512) as u32;
    let mut sorted: Vec<(u32, u32, &[u8])> = mark_fcs
        .iter()
        .zip(marks)
        .map(|(&(fc, width), grpprl)| (fc, width, *grpprl))
        .collect();
    sorted.sort_by_key(|&(fc, _, _)| fc);
    let mut runs: Vec<(u32, Option<&[u8]>)> = Vec::new();
    let mut boundary = FIB_LEN as u32;
    for &(fc, width, grpprl) in &sorted {
        if fc > boundary {
            runs.push((boundary, None));
        }
        runs.push((fc, Some(grpprl)));
        boundary = fc + width;
    }
    let end = boundary;
    let mut fkp = vec![0u8; 512];
    let crun = runs.len();
    assert!(crun * 17 + 4 < 300, "test document too large for one FKP");
    for (index, (fc, _)) in runs.iter().enumerate() {
        fkp[index * 4..index * 4 + 4].copy_from_slice(&fc.to_le_bytes());
    }
    fkp[crun * 4..crun * 4 + 4].copy_from_slice(&end.to_le_bytes());
    let mut free = 511usize;
    for (index, (_, grpprl)) in runs.iter().enumerate() {
        let Some(grpprl) = grpprl else { continue };
        let mut papx = vec![0u8, 0u8]; // istd 0
        papx.extend_from_slice(grpprl);
        let mut encoded = Vec::new();
        if papx.len() % 2 == 1 {
            encoded.push(papx.len().div_ceil(2) as u8);
        } else {
            encoded.push(0);
            encoded.push((papx.len() / 2) as u8);
        }
        encoded.extend(&papx);
        let start = (free - encoded.len()) & !1;
        fkp[start..start + encoded.len()].copy_from_slice(&encoded);
        free = start;
        fkp[(crun + 1) * 4 + index * 13] = (start / 2) as u8;
    }
    fkp[511] = crun as u8;
    word.extend(&fkp);

    // The table stream: CLX (one Pcdt) and PlcfBtePapx.
    let mut table = Vec::new();
    let clx_at = table.len() as u32;
    let mut plc = Vec::new();
    let mut cp = 0u32;
    let mut cps = vec![0u32];
    for piece in pieces {
        cp += piece.text.encode_utf16().count() as u32;
        if piece.compressed && lid == 0x0804 {
            // A GBK character takes two 8-bit positions.
            cp += piece.text.chars().filter(|c| !c.is_ascii()).count() as u32;
        }
        cps.push(cp);
    }
    for cp in &cps {
        plc.extend(cp.to_le_bytes());
    }
    for (piece, &(fc, _)) in pieces.iter().zip(&stored) {
        plc.extend([0u8, 0]);
        let fc = if piece.compressed {
            (fc * 2) | 0x4000_0000
        } else {
            fc
        };
        plc.extend(fc.to_le_bytes());
        plc.extend([0u8, 0]);
    }
    table.push(0x02);
    table.extend((plc.len() as u32).to_le_bytes());
    table.extend(&plc);
    let clx_len = table.len() as u32 - clx_at;
    let bte_at = table.len() as u32;
    table.extend((FIB_LEN as u32).to_le_bytes());
    table.extend(end.to_le_bytes());
    table.extend(fkp_page.to_le_bytes());
    let bte_len = table.len() as u32 - bte_at;

    // The FIB.
    word[0..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
    word[2..4].copy_from_slice(&nfib.to_le_bytes());
    word[6..8].copy_from_slice(&lid.to_le_bytes());
    word[10..12].copy_from_slice(&(flags | 0x0200).to_le_bytes());
    word[32..34].copy_from_slice(&14u16.to_le_bytes());
    let cslw_at = 34 + 28;
    word[cslw_at..cslw_at + 2].copy_from_slice(&22u16.to_le_bytes());
    let lw = cslw_at + 2;
    word[lw + 12..lw + 16].copy_from_slice(&cp.to_le_bytes()); // ccpText
    let cb_at = lw + 88;
    word[cb_at..cb_at + 2].copy_from_slice(&93u16.to_le_bytes());
    let pair = |word: &mut Vec<u8>, index: usize, fc: u32, lcb: u32| {
        let at = cb_at + 2 + index * 8;
        word[at..at + 4].copy_from_slice(&fc.to_le_bytes());
        word[at + 4..at + 8].copy_from_slice(&lcb.to_le_bytes());
    };
    pair(&mut word, 13, bte_at, bte_len);
    pair(&mut word, 33, clx_at, clx_len);
    build(&[("WordDocument", &word), ("1Table", &table)])
}

/// A paragraph in a table cell.
const IN_TABLE: &[u8] = &[0x16, 0x24, 1];

/// A row end mark with a `sprmTDefTable` of cells whose edges are `centers` and whose TC80
/// flags are `flags`.
fn row_end(centers: &[i16], flags: &[u16]) -> Vec<u8> {
    let mut grpprl = vec![0x16, 0x24, 1, 0x17, 0x24, 1];
    let cells = centers.len() - 1;
    let mut operand = vec![cells as u8];
    for center in centers {
        operand.extend(center.to_le_bytes());
    }
    for &flag in flags {
        let mut tc = vec![0u8; 20];
        tc[..2].copy_from_slice(&flag.to_le_bytes());
        operand.extend(tc);
    }
    grpprl.extend(0xD608u16.to_le_bytes());
    grpprl.extend(((operand.len() + 1) as u16).to_le_bytes());
    grpprl.extend(operand);
    grpprl
}

#[test]
fn fast_saved_pieces_are_read_in_text_order_with_their_tables() {
    // Three pieces stored in reverse order, 8-bit and UTF-16 mixed, flagged fComplex; a
    // field whose code is dropped and result kept; a two-row table whose second row splits the
    // first row's second cell, with a vertical merge in the first column.
    let pieces = [
        TestPiece {
            text: "Title \u{13} PAGE \u{14}7\u{15}\r",
            compressed: true,
        },
        TestPiece {
            text: "一级\u{7}宽\u{7}\u{7}\u{7}甲\u{7}乙\u{7}\u{7}",
            compressed: false,
        },
        TestPiece {
            text: "after\r",
            compressed: true,
        },
    ];
    let first_row = row_end(&[0, 2000, 6000], &[0x0040, 0]);
    let second_row = row_end(&[0, 2000, 4000, 6000], &[0x0020, 0, 0]);
    let marks: Marks<'_> = &[
        &[],
        IN_TABLE,
        IN_TABLE,
        &first_row,
        IN_TABLE,
        IN_TABLE,
        IN_TABLE,
        &second_row,
        &[],
    ];
    let bytes = word_file(&pieces, marks, 0x0004, 0x0409, 0x00C1);
    assert_eq!(detect(&bytes, None), Format::Doc);
    let document = crate::read_default(crate::Format::Doc, &bytes).expect("reads");
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["Title 7", "after"]
    );
    let grid = grids(&document)[0];
    assert_eq!((grid.rows(), grid.cols()), (2, 3));
    let merged = grid.slot(1, 0).expect("covered").cell;
    assert_eq!((merged.text.as_str(), merged.row_span), ("一级", 2));
    let wide = grid.slot(0, 2).expect("covered").cell;
    assert_eq!((wide.text.as_str(), wide.col_span), ("宽", 2));
    assert_eq!(grid.slot(1, 1).expect("甲").cell.text, "甲");
    assert_eq!(grid.slot(1, 2).expect("乙").cell.text, "乙");
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

#[test]
fn eight_bit_text_of_a_chinese_document_is_gbk() {
    let pieces = [TestPiece {
        text: "绩效目标表 2024\r",
        compressed: true,
    }];
    let bytes = word_file(&pieces, &[&[]], 0, 0x0804, 0x00C1);
    let document = crate::read_default(crate::Format::Doc, &bytes).expect("reads");
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["绩效目标表 2024"]
    );
}

#[test]
fn nested_tables_follow_their_outer_table() {
    // itap 2 paragraphs: inner cells end with a paragraph mark flagged sprmPFInnerTableCell,
    // the inner row with one flagged sprmPFInnerTtp, which carries the inner row's edges.
    let itap2: &[u8] = &[0x16, 0x24, 1, 0x49, 0x66, 2, 0, 0, 0];
    let inner_cell: Vec<u8> = [itap2, &[0x4B, 0x24, 1]].concat();
    let mut inner_row: Vec<u8> = [itap2, &[0x4B, 0x24, 1, 0x4C, 0x24, 1]].concat();
    inner_row.extend(&row_end(&[0, 1000, 2000], &[0, 0])[6..]);
    let outer_row = row_end(&[0, 3000], &[0]);
    let pieces = [TestPiece {
        text: "3月底\r25%\r\r\u{7}\u{7}",
        compressed: false,
    }];
    let marks: Marks<'_> = &[&inner_cell, &inner_cell, &inner_row, IN_TABLE, &outer_row];
    let bytes = word_file(&pieces, marks, 0, 0x0804, 0x00C1);
    let document = crate::read_default(crate::Format::Doc, &bytes).expect("reads");
    let grids = grids(&document);
    assert_eq!(grids.len(), 2);
    assert_eq!(grids[0].cells()[0].text, "3月底 25%");
    assert_eq!(grids[1].cols(), 2);
    assert_eq!(grids[1].slot(0, 1).expect("cell").cell.text, "25%");
}

#[test]
fn encrypted_and_obfuscated_files_are_encrypted() {
    let pieces = [TestPiece {
        text: "secret\r",
        compressed: true,
    }];
    for flags in [0x0100, 0x0100 | 0x8000] {
        let bytes = word_file(&pieces, &[&[]], flags, 0x0409, 0x00C1);
        let error = crate::read_default(crate::Format::Doc, &bytes).expect_err("encrypted");
        assert_eq!(error.code(), "encrypted");
        assert!(error.to_string().contains("password"), "{error}");
        assert_eq!(ole2::ole_error(&bytes).code(), "encrypted");
    }
    let package = build(&[("EncryptionInfo", b"i"), ("EncryptedPackage", b"p")]);
    assert_eq!(
        crate::read_default(crate::Format::Doc, &package)
            .expect_err("x")
            .code(),
        "encrypted"
    );
    assert_eq!(
        crate::read_default(crate::Format::Docx, &package)
            .expect_err("x")
            .code(),
        "encrypted"
    );
    let plain = word_file(&pieces, &[&[]], 0, 0x0409, 0x00C1);
    assert!(ole2::encryption_error(&plain).is_none());
    assert_eq!(
        crate::read_default(crate::Format::Docx, &plain)
            .expect_err("ole")
            .code(),
        "unreadable"
    );
}

#[test]
fn word_6_and_95_files_are_unsupported_and_named() {
    let pieces = [TestPiece {
        text: "old\r",
        compressed: true,
    }];
    for (nfib, name) in [(101, "Word 6.0"), (104, "Word 95")] {
        let bytes = word_file(&pieces, &[&[]], 0, 0x0409, nfib);
        let error = crate::read_default(crate::Format::Doc, &bytes).expect_err("old");
        assert_eq!(error.code(), "unsupported_format");
        assert!(error.to_string().contains(name), "{error}");
        assert!(error.to_string().contains(".docx"), "{error}");
    }
}

#[test]
fn damaged_files_are_unreadable_not_panics() {
    let pieces = [TestPiece {
        text: "一二三\u{7}\u{7}tail\r",
        compressed: false,
    }];
    let row = row_end(&[0, 100], &[0]);
    let bytes = word_file(&pieces, &[IN_TABLE, &row, &[]], 0, 0x0804, 0x00C1);
    assert!(crate::read_default(crate::Format::Doc, &bytes).is_ok());
    // Every prefix and a few corruptions either read or fail with a reason.
    for cut in (0..bytes.len()).step_by(97) {
        if let Err(error) = crate::read_default(crate::Format::Doc, &bytes[..cut]) {
            assert!(!error.to_string().is_empty());
        }
    }
    let no_word = build(&[("Workbook", b"w")]);
    let error = crate::read_default(crate::Format::Doc, &no_word).expect_err("not Word");
    assert!(error.to_string().contains("WordDocument"), "{error}");
    let error =
        crate::read_default(crate::Format::Doc, b"plain text named .doc").expect_err("not Word");
    assert_eq!(error.code(), "unreadable");
}

#[test]
fn refused_files_go_to_the_converter_only_when_asked() {
    let pieces = [TestPiece {
        text: "old\r",
        compressed: true,
    }];
    let word95 = word_file(&pieces, &[&[]], 0, 0x0409, 104);
    // Asked for, and given a converter that does not exist: converter_missing.
    let error = read_with(&word95, &mut Limits::default().start(), || None).expect_err("none");
    assert_eq!(error.code(), "converter_missing");
    // Encrypted files never reach the converter.
    let encrypted = word_file(&pieces, &[&[]], 0x0100, 0x0409, 0x00C1);
    let error =
        read_with(&encrypted, &mut Limits::default().start(), || None).expect_err("encrypted");
    assert_eq!(error.code(), "encrypted");
}

/// Writes the hand-built files above to `fuzz/seeds/doc/`, small seeds that reach the piece
/// table, the property pages and nested tables quickly. Run once when the builder changes:
/// `cargo test -p jixiao-read write_fuzz_seeds -- --ignored`.
#[test]
#[ignore = "writes files; not a check"]
fn write_fuzz_seeds() {
    let folder = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/seeds/doc");
    std::fs::create_dir_all(folder).expect("folder");
    let first_row = row_end(&[0, 2000, 6000], &[0x0060, 0]);
    let second_row = row_end(&[0, 2000, 4000, 6000], &[0x0020, 0, 0]);
    let pieces = [
        TestPiece {
            text: "绩效目标表 \u{13} PAGE \u{14}7\u{15}\r",
            compressed: true,
        },
        TestPiece {
            text: "产出指标\u{7}宽\u{7}\u{7}\u{7}甲\u{7}乙\u{7}\u{7}",
            compressed: false,
        },
        TestPiece {
            text: "after\r",
            compressed: true,
        },
    ];
    let marks: Marks<'_> = &[
        &[],
        IN_TABLE,
        IN_TABLE,
        &first_row,
        IN_TABLE,
        IN_TABLE,
        IN_TABLE,
        &second_row,
        &[],
    ];
    let fast_saved = word_file(&pieces, marks, 0x0004, 0x0804, 0x00C1);
    std::fs::write(format!("{folder}/fast-saved.doc"), fast_saved).expect("write");
    let itap2: &[u8] = &[0x16, 0x24, 1, 0x49, 0x66, 2, 0, 0, 0];
    let inner_cell: Vec<u8> = [itap2, &[0x4B, 0x24, 1]].concat();
    let mut inner_row: Vec<u8> = [itap2, &[0x4B, 0x24, 1, 0x4C, 0x24, 1]].concat();
    inner_row.extend(&row_end(&[0, 1000, 2000], &[0, 0])[6..]);
    let outer_row = row_end(&[0, 3000], &[0]);
    let pieces = [TestPiece {
        text: "3月底\r25%\r\r\u{7}\u{7}",
        compressed: false,
    }];
    let marks: Marks<'_> = &[&inner_cell, &inner_cell, &inner_row, IN_TABLE, &outer_row];
    let nested = word_file(&pieces, marks, 0, 0x0804, 0x00C1);
    std::fs::write(format!("{folder}/nested.doc"), nested).expect("write");
}
