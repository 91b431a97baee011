use super::*;

use jixiao_grid::{Block, Document};

const STEMS: [&str; 3] = [
    "000_5951d4f30969a9c2",
    "001_7ba444aee7ec495e",
    "003_f17e630e396b42a6",
];

fn fixture(path: &str) -> Vec<u8> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
    std::fs::read(format!("{root}/{path}")).unwrap_or_else(|error| panic!("{path}: {error}"))
}

fn rtf(text: &str) -> Document {
    crate::read_default(crate::Format::Doc, text.as_bytes()).expect("reads")
}

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
fn libreoffice_rtf_reads_as_its_docx_twin() {
    for stem in STEMS {
        let document =
            crate::read_default(crate::Format::Doc, &fixture(&format!("rtf/{stem}.rtf")))
                .unwrap_or_else(|error| panic!("{stem}.rtf: {error}"));
        let docx = crate::read_default(crate::Format::Docx, &fixture(&format!("docx/{stem}.docx")))
            .expect("docx");
        assert_eq!(blocks(&document), blocks(&docx), "{stem}");
    }
}

#[test]
fn code_pages_unicode_and_fallbacks() {
    // \ansicpg936 bytes, a GB2312 font, \u with its fallback skipped, \uc0, escapes.
    let document = rtf(concat!(
        r"{\rtf1\ansi\ansicpg936{\fonttbl{\f0\fnil\fcharset0 Arial;}{\f1\fnil\fcharset134 SimSun;}}",
        r"\f0 \'bc\'a8\'d0\'a7\par",
        r"{\f1 \'c4\'bf\'b1\'ea}\u34920?\par",
        r"\uc0\u21333\u20301 x\{y\}\\z\~w\par",
        r"\uc2\u25968\'ca\'fd!\par}"
    ));
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["绩效", "目标表", "单位x{y}\\z\u{a0}w", "数!"]
    );
}

#[test]
fn fields_keep_their_result_and_skipped_destinations_stay_out() {
    let document = rtf(concat!(
        r"{\rtf1\ansi{\info{\title Secret}}{\*\generator Writer;}",
        r"{\header \pard header text\par}",
        r"Page {\field{\*\fldinst { PAGE }}{\fldrslt {3}}}\par",
        r"{\pict\pngblip 89504e47}{\*\shppict{\pict 00}}",
        r"A{\footnote \pard note\par}B\par",
        r"{\*\unknown hidden}{\upr{ansi}{\*\ud{unicode}}}\par}"
    ));
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["Page 3", "AB", "unicode"]
    );
}

#[test]
fn rows_align_on_their_cell_edges_with_merges() {
    let document = rtf(concat!(
        r"{\rtf1\ansi Title\par",
        r"\trowd\trleft0\clvmgf\cellx2000\clmgf\cellx4000\clmrg\cellx6000",
        r"\pard\intbl \u19968?\u32423?\cell \u23485?\cell \cell\row",
        r"\trowd\trleft0\clvmrg\cellx2000\cellx4000\cellx5000\cellx6000",
        r"\pard\intbl \cell a\par b\cell c\cell d\cell\row",
        r"\pard after\par}"
    ));
    let grid = document.grids().next().expect("grid");
    assert_eq!((grid.rows(), grid.cols()), (2, 4));
    let merged = grid.slot(1, 0).expect("covered").cell;
    assert_eq!((merged.text.as_str(), merged.row_span), ("一级", 2));
    let wide = grid.slot(0, 3).expect("covered").cell;
    assert_eq!((wide.text.as_str(), wide.col_span), ("宽", 3));
    assert_eq!(grid.slot(1, 1).expect("a").cell.text, "a\nb");
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["Title", "after"]
    );
}

#[test]
fn nested_tables_are_read_once() {
    // Word's form: inner cells end with \nestcell, the inner row's definition sits in
    // \nesttableprops, and \nonesttables repeats the text for readers without nesting.
    let document = rtf(concat!(
        r"{\rtf1\ansi\trowd\cellx3000\pard\intbl outer\par",
        r"\itap2 3\u26376?\u24213?\nestcell 25%\nestcell",
        r"{\*\nesttableprops\trowd\cellx1000\cellx2000\nestrow}",
        r"{\nonesttables 3月底 25%\par}",
        r"\pard\intbl\itap1\cell\trowd\cellx3000\row}"
    ));
    let grids: Vec<_> = document.grids().collect();
    assert_eq!(grids.len(), 2);
    assert_eq!(grids[0].cells()[0].text, "outer\n3月底 25%");
    assert_eq!(grids[1].cols(), 2);
}

#[test]
fn hostile_rtf_is_bounded() {
    let deep = format!("{{\\rtf1 {}", "{".repeat(100_000));
    let error = crate::read_default(crate::Format::Doc, deep.as_bytes()).expect_err("too deep");
    assert_eq!(error.code(), "too_large");
    // Cut short: read as far as it goes, with a loss warning.
    let document = rtf(r"{\rtf1\ansi first\par {\b second");
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["first", "second"]
    );
    assert!(
        document
            .diagnostics
            .iter()
            .any(|d| d.code == "rtf_truncated")
    );
    // A \bin longer than the file, a huge \cellx, a lone backslash.
    let document = rtf("{\\rtf1 a\\bin999999999 xyz}");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["a"]);
    let document = rtf(r"{\rtf1\trowd\cellx99999999999999999999\intbl x\cell\row\");
    assert_eq!(document.grids().count(), 1);
    assert!(!is_rtf(b"rtf1"));
    assert!(is_rtf(b"\xEF\xBB\xBF \r\n{\\rtf1"));
}
