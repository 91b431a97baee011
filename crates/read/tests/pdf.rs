//! The PDF reader on small PDFs built here with lopdf and on cut pieces of real documents.
//! That the corpus PDFs give the gold indicators is checked through the real normaliser, in
//! the root `tests/gold.rs`; every fixture's grids are pinned by `tests/snapshots.rs`.

use std::path::PathBuf;

use jixiao_read::Limits;
use jixiao_read::grid::{Document, Grid};
use unicode_normalization::UnicodeNormalization;

pub(crate) fn fixture(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(path)
}

fn read_fixture(name: &str) -> Document {
    let bytes = std::fs::read(fixture(&format!("pdf/{name}.pdf"))).expect("fixture");
    jixiao_read::read(jixiao_read::Format::Pdf, &bytes, None, &Limits::default()).expect("readable")
}

/// NFKC without white space: how texts are compared.
fn norm(text: &str) -> String {
    text.nfkc().filter(|c| !c.is_whitespace()).collect()
}

// ---------------------------------------------------------------------------------------------
// Small PDFs written by the tests with lopdf, content streams built by hand.
// ---------------------------------------------------------------------------------------------

mod built {
    use jixiao_read::grid::{Block, Document, Grid};
    use jixiao_read::{Limits, ReadError};
    use lopdf::{Dictionary, Object, ObjectId, Stream, dictionary};

    /// A PDF being written: pages share one resource dictionary on the page tree root.
    pub(super) struct Pdf {
        doc: lopdf::Document,
        pages_id: ObjectId,
        kids: Vec<Object>,
        fonts: Dictionary,
        xobjects: Dictionary,
    }

    impl Pdf {
        pub(super) fn new() -> Pdf {
            let mut doc = lopdf::Document::with_version("1.5");
            let pages_id = doc.new_object_id();
            Pdf {
                doc,
                pages_id,
                kids: Vec::new(),
                fonts: Dictionary::new(),
                xobjects: Dictionary::new(),
            }
        }

        pub(super) fn font(&mut self, name: &str, font: Dictionary) {
            let id = self.doc.add_object(font);
            self.fonts.set(name, id);
        }

        pub(super) fn add(&mut self, object: impl Into<Object>) -> ObjectId {
            self.doc.add_object(object)
        }

        pub(super) fn xobject(&mut self, name: &str, id: ObjectId) {
            self.xobjects.set(name, id);
        }

        pub(super) fn page(&mut self, content: &str) {
            self.page_with(content.as_bytes(), Dictionary::new());
        }

        pub(super) fn page_with(&mut self, content: &[u8], extra: Dictionary) {
            let content_id = self
                .doc
                .add_object(Stream::new(Dictionary::new(), content.to_vec()));
            let mut page = dictionary! {
                "Type" => "Page",
                "Parent" => self.pages_id,
                "Contents" => content_id,
            };
            for (key, value) in extra.iter() {
                page.set(key.clone(), value.clone());
            }
            let id = self.doc.add_object(page);
            self.kids.push(id.into());
        }

        pub(super) fn document(mut self) -> lopdf::Document {
            let resources = dictionary! {
                "Font" => self.fonts.clone(),
                "XObject" => self.xobjects.clone(),
            };
            let count = self.kids.len() as i64;
            self.doc.objects.insert(
                self.pages_id,
                Object::Dictionary(dictionary! {
                    "Type" => "Pages",
                    "Kids" => self.kids.clone(),
                    "Count" => count,
                    "Resources" => resources,
                    "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                }),
            );
            let catalog = self.doc.add_object(dictionary! {
                "Type" => "Catalog",
                "Pages" => self.pages_id,
            });
            self.doc.trailer.set("Root", catalog);
            self.doc
        }

        pub(super) fn bytes(self) -> Vec<u8> {
            let mut doc = self.document();
            let mut out = Vec::new();
            doc.save_to(&mut out).expect("save");
            out
        }
    }

    /// Characters of the test CID font; a character's code is its index + 1.
    const CJK: &str = "一级二指标值产出数量质时效成本项目名称单位万元优合格率设备购置≥≤%0123456789=.、效益满意度确保办公场所租赁费第页";

    fn code_of(c: char) -> u16 {
        CJK.chars()
            .position(|x| x == c)
            .map(|i| i as u16 + 1)
            .unwrap_or_else(|| panic!("{c} is not in the test font"))
    }

    /// `text` as a hex string of the test CID font's two-byte codes.
    pub(super) fn cjk(text: &str) -> String {
        let hex: String = text
            .chars()
            .map(|c| format!("{:04X}", code_of(c)))
            .collect();
        format!("<{hex}>")
    }

    fn to_unicode_cmap(pairs: &[(u16, char)]) -> Vec<u8> {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n\
             /CMapName /Adobe-Identity-UCS def /CMapType 2 def\n\
             1 begincodespacerange <0000> <FFFF> endcodespacerange\n",
        );
        for chunk in pairs.chunks(100) {
            cmap.push_str(&format!("{} beginbfchar\n", chunk.len()));
            for (code, c) in chunk {
                let mut units = [0u16; 2];
                let hex: String = c
                    .encode_utf16(&mut units)
                    .iter()
                    .map(|u| format!("{u:04X}"))
                    .collect();
                cmap.push_str(&format!("<{code:04X}> <{hex}>\n"));
            }
            cmap.push_str("endbfchar\n");
        }
        cmap.push_str("endcmap CMapName currentdict /CMap defineresource pop end end\n");
        cmap.into_bytes()
    }

    /// Registers the test CID font (Type0, Identity-H, ToUnicode) as `name`.
    pub(super) fn add_cjk_font(pdf: &mut Pdf, name: &str) {
        let pairs: Vec<(u16, char)> = CJK.chars().map(|c| (code_of(c), c)).collect();
        let to_unicode = pdf.add(Stream::new(Dictionary::new(), to_unicode_cmap(&pairs)));
        // Latin characters and digits are half width, like a real CJK font's.
        let narrow: Vec<Object> = pairs
            .iter()
            .filter(|(_, c)| c.is_ascii())
            .flat_map(|(code, _)| {
                [
                    Object::Integer(i64::from(*code)),
                    vec![Object::Integer(500)].into(),
                ]
            })
            .collect();
        let descendant = pdf.add(dictionary! {
            "Type" => "Font",
            "Subtype" => "CIDFontType2",
            "BaseFont" => "SimSun",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("Identity"),
                "Supplement" => 0,
            },
            "DW" => 1000,
            "W" => narrow,
        });
        pdf.font(
            name,
            dictionary! {
                "Type" => "Font",
                "Subtype" => "Type0",
                "BaseFont" => "SimSun",
                "Encoding" => "Identity-H",
                "DescendantFonts" => vec![descendant.into()],
                "ToUnicode" => to_unicode,
            },
        );
    }

    /// `BT … Tj ET` at a position.
    pub(super) fn show(font: &str, size: f64, x: f64, y: f64, string: &str) -> String {
        format!("BT /{font} {size} Tf {x} {y} Td {string} Tj ET\n")
    }

    pub(super) fn hline(x0: f64, x1: f64, y: f64) -> String {
        format!("{x0} {y} m {x1} {y} l S\n")
    }

    pub(super) fn vline(x: f64, y0: f64, y1: f64) -> String {
        format!("{x} {y0} m {x} {y1} l S\n")
    }

    pub(super) fn read(bytes: &[u8]) -> Result<Document, ReadError> {
        jixiao_read::read(jixiao_read::Format::Pdf, bytes, None, &Limits::default())
    }

    pub(super) fn grids(document: &Document) -> Vec<&Grid> {
        document
            .blocks
            .iter()
            .filter_map(|block| match block {
                Block::Table(grid) => Some(grid),
                Block::Paragraph(_) => None,
            })
            .collect()
    }

    pub(super) fn paragraphs(document: &Document) -> Vec<String> {
        document
            .blocks
            .iter()
            .filter_map(|block| match block {
                Block::Paragraph(p) => Some(p.text.clone()),
                Block::Table(_) => None,
            })
            .collect()
    }

    /// The grid as rows of origin texts; `^` marks a slot covered from above or the left.
    pub(super) fn rows(grid: &Grid) -> Vec<Vec<String>> {
        (0..grid.rows())
            .map(|row| {
                (0..grid.cols())
                    .map(|col| match grid.slot(row, col) {
                        Some(slot) if slot.is_origin => slot.cell.text.clone(),
                        Some(_) => "^".to_string(),
                        None => "-".to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    pub(super) fn hex_string(bytes: &[u8]) -> String {
        let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
        format!("<{hex}>")
    }
}

use built::*;
use lopdf::{Dictionary, Object, Stream, dictionary};

/// A 2×3 table: the first column's two rows have no rule between them.
#[test]
fn table_with_a_merged_cell() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    let mut content = String::from("0.5 w\n");
    content += &hline(100.0, 400.0, 700.0);
    content += &hline(200.0, 400.0, 670.0);
    content += &hline(100.0, 400.0, 640.0);
    for x in [100.0, 200.0, 300.0, 400.0] {
        content += &vline(x, 640.0, 700.0);
    }
    content += &show("F1", 12.0, 105.0, 666.0, &cjk("产出指标"));
    content += &show("F1", 12.0, 205.0, 680.0, &cjk("数量指标"));
    content += &show("F1", 12.0, 305.0, 680.0, &cjk("≥95%"));
    content += &show("F1", 12.0, 205.0, 650.0, &cjk("质量指标"));
    content += &show("F1", 12.0, 305.0, 650.0, &cjk("=100%"));
    pdf.page(&content);
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(document.pages, Some(1));
    let grids = grids(&document);
    assert_eq!(grids.len(), 1);
    let grid = grids[0];
    assert_eq!(
        rows(grid),
        vec![
            vec!["产出指标", "数量指标", "≥95%"],
            vec!["^", "质量指标", "=100%"],
        ]
    );
    let merged = &grid.cells()[0];
    assert_eq!((merged.row_span, merged.col_span), (2, 1));
    assert_eq!(merged.source.page, Some(1));
    assert_eq!(grid.location.page, Some(1));
    assert_eq!(grid.location.page_end, Some(1));
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

/// Lines wrapped inside a cell join without spaces between CJK characters; a title above
/// the table is a paragraph.
#[test]
fn wrapped_cell_text_and_title_paragraph() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    let mut content = show("F1", 14.0, 100.0, 760.0, &cjk("1、办公场所租赁费"));
    content += "0.5 w\n";
    content += &hline(100.0, 300.0, 740.0);
    content += &hline(100.0, 300.0, 690.0);
    content += &vline(100.0, 690.0, 740.0);
    content += &vline(160.0, 690.0, 740.0);
    content += &vline(300.0, 690.0, 740.0);
    content += &show("F1", 12.0, 104.0, 712.0, &cjk("项目"));
    // 设备购置合格率 does not fit in 136 points at 12 points: it wraps after 设备购置合格.
    content += &show("F1", 12.0, 164.0, 722.0, &cjk("设备购置合格率确保"));
    content += &show("F1", 12.0, 164.0, 705.0, &cjk("办公"));
    pdf.page(&content);
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["1、办公场所租赁费"]);
    let grid = grids(&document)[0];
    assert_eq!(rows(grid), vec![vec!["项目", "设备购置合格率确保办公"]]);
}

/// Type0 Identity-H text mapped by ToUnicode, with a `bfrange` and a ligature.
#[test]
fn cid_font_with_to_unicode_ranges() {
    let mut pdf = Pdf::new();
    let cmap = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfrange
<0010> <0012> <4EA7>
<0020> <0021> [<6307> <0066 0069>]
endbfrange
endcmap end end"
        .to_vec();
    let to_unicode = pdf.add(Stream::new(Dictionary::new(), cmap));
    let descendant = pdf.add(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "KaiTi",
        "DW" => 1000,
    });
    pdf.font(
        "F1",
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "KaiTi",
            "Encoding" => "Identity-H",
            "DescendantFonts" => vec![descendant.into()],
            "ToUnicode" => to_unicode,
        },
    );
    pdf.page(&show("F1", 12.0, 72.0, 700.0, "<0010002000210011>"));
    let document = read(&pdf.bytes()).expect("readable");
    // 0x0011 is 0x4EA7 + 1 = 亨.
    assert_eq!(paragraphs(&document), vec!["产指fi亨"]);
}

/// Predefined CJK CMaps without ToUnicode: UniGB-UCS2-H codes are UCS-2, GBK-EUC-H codes are
/// GBK bytes (one byte for ASCII, two for Chinese).
#[test]
fn predefined_cjk_cmaps_without_to_unicode() {
    let mut pdf = Pdf::new();
    for (name, encoding) in [("F1", "UniGB-UCS2-H"), ("F2", "GBK-EUC-H")] {
        let descendant = pdf.add(dictionary! {
            "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
            "CIDSystemInfo" => dictionary! {
                "Registry" => Object::string_literal("Adobe"),
                "Ordering" => Object::string_literal("GB1"),
                "Supplement" => 4,
            },
            "DW" => 1000,
            "W" => vec![1.into(), 95.into(), 500.into(), 814.into(), 907.into(), 500.into()],
        });
        pdf.font(
            name,
            dictionary! {
                "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
                "Encoding" => encoding,
                "DescendantFonts" => vec![descendant.into()],
            },
        );
    }
    let ucs2: Vec<u8> = "产出指标 2024"
        .encode_utf16()
        .flat_map(|unit| unit.to_be_bytes())
        .collect();
    let (gbk, _, _) = encoding_rs::GBK.encode("项目名称ABC");
    let mut content = show("F1", 12.0, 72.0, 700.0, &hex_string(&ucs2));
    content += &show("F2", 12.0, 72.0, 660.0, &hex_string(&gbk));
    pdf.page(&content);
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["产出指标 2024", "项目名称ABC"]);
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

/// Vertical writing (`UniGB-UCS2-V`): glyphs run down the page and are read top to bottom.
#[test]
fn vertical_writing() {
    let mut pdf = Pdf::new();
    let descendant = pdf.add(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "STSong-Light",
        "DW" => 1000,
    });
    pdf.font(
        "F1",
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => "UniGB-UCS2-V", "DescendantFonts" => vec![descendant.into()],
        },
    );
    let ucs2: Vec<u8> = "产出指标"
        .encode_utf16()
        .flat_map(|unit| unit.to_be_bytes())
        .collect();
    pdf.page(&show("F1", 12.0, 300.0, 700.0, &hex_string(&ucs2)));
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["产出指标"]);
}

/// A simple font whose `/Differences` rename codes to glyph names.
#[test]
fn simple_font_with_differences() {
    let mut pdf = Pdf::new();
    pdf.font(
        "F1",
        dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => dictionary! {
                "Type" => "Encoding",
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![
                    65.into(), "uni4EA7".into(), "uni51FA".into(),
                    200.into(), "greaterequal".into(), "g77".into(),
                ],
            },
        },
    );
    // A, B → 产出; 0xC8 → ≥; 0xC9 names no character and is left out; digits stay WinAnsi.
    pdf.page(&show("F1", 12.0, 72.0, 700.0, "(AB\\310\\31195)"));
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["产出≥95"]);
    let unmapped: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|d| d.code == "unmapped_text")
        .collect();
    assert_eq!(unmapped.len(), 1);
    assert!(unmapped[0].lost);
    assert!(
        unmapped[0].message.contains("page 1"),
        "{}",
        unmapped[0].message
    );
}

/// A table split over two pages: the header row is repeated on page 2, the 一级指标 cell
/// is merged across the break, and page numbers are left out.
#[test]
fn table_split_over_two_pages_with_a_repeated_header() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    let header = |top: f64| -> String {
        let mut s = show("F1", 12.0, 105.0, top - 20.0, &cjk("一级指标"));
        s += &show("F1", 12.0, 205.0, top - 20.0, &cjk("二级指标"));
        s += &show("F1", 12.0, 305.0, top - 20.0, &cjk("指标值"));
        s
    };
    // Page 1: header, then 产出指标 over two rows that run to the foot of the page.
    let mut page1 = String::from("0.5 w\n");
    page1 += &hline(100.0, 400.0, 130.0);
    page1 += &hline(100.0, 400.0, 100.0);
    page1 += &hline(200.0, 400.0, 70.0);
    page1 += &hline(100.0, 400.0, 40.0);
    for x in [100.0, 200.0, 300.0, 400.0] {
        page1 += &vline(x, 40.0, 130.0);
    }
    page1 += &header(130.0);
    page1 += &show("F1", 12.0, 105.0, 66.0, &cjk("产出指标"));
    page1 += &show("F1", 12.0, 205.0, 80.0, &cjk("数量指标"));
    page1 += &show("F1", 12.0, 305.0, 80.0, &cjk("≥95%"));
    page1 += &show("F1", 12.0, 205.0, 50.0, &cjk("质量指标"));
    page1 += &show("F1", 12.0, 305.0, 50.0, &cjk("=100%"));
    page1 += &show("F1", 10.0, 290.0, 20.0, &cjk("第1页"));
    pdf.page(&page1);
    // Page 2: the header again, then the rest of 产出指标 (empty, two rows) and 效益指标.
    let mut page2 = String::from("0.5 w\n");
    page2 += &hline(100.0, 400.0, 800.0);
    page2 += &hline(100.0, 400.0, 770.0);
    page2 += &hline(200.0, 400.0, 740.0);
    page2 += &hline(100.0, 400.0, 710.0);
    page2 += &hline(100.0, 400.0, 680.0);
    for x in [100.0, 200.0, 300.0, 400.0] {
        page2 += &vline(x, 680.0, 800.0);
    }
    page2 += &header(800.0);
    page2 += &show("F1", 12.0, 205.0, 750.0, &cjk("时效指标"));
    page2 += &show("F1", 12.0, 305.0, 750.0, &cjk("6"));
    page2 += &show("F1", 12.0, 205.0, 720.0, &cjk("成本指标"));
    page2 += &show("F1", 12.0, 305.0, 720.0, &cjk("≤5"));
    page2 += &show("F1", 12.0, 105.0, 690.0, &cjk("效益指标"));
    page2 += &show("F1", 12.0, 205.0, 690.0, &cjk("满意度"));
    page2 += &show("F1", 12.0, 305.0, 690.0, &cjk("优"));
    page2 += &show("F1", 10.0, 290.0, 20.0, &cjk("第2页"));
    pdf.page(&page2);

    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(document.pages, Some(2));
    assert!(
        paragraphs(&document).is_empty(),
        "{:?}",
        paragraphs(&document)
    );
    let grids = grids(&document);
    assert_eq!(grids.len(), 1);
    let grid = grids[0];
    assert_eq!(
        rows(grid),
        vec![
            vec!["一级指标", "二级指标", "指标值"],
            vec!["产出指标", "数量指标", "≥95%"],
            vec!["^", "质量指标", "=100%"],
            vec!["^", "时效指标", "6"],
            vec!["^", "成本指标", "≤5"],
            vec!["效益指标", "满意度", "优"],
        ]
    );
    let merged = grid.slot(4, 0).expect("covered").cell;
    assert_eq!((merged.row, merged.row_span), (1, 4));
    assert_eq!(merged.source.page, Some(1));
    assert_eq!(grid.slot(5, 0).expect("cell").cell.source.page, Some(2));
    assert_eq!(
        (grid.location.page, grid.location.page_end),
        (Some(1), Some(2))
    );
    let joined = document
        .diagnostics
        .iter()
        .find(|d| d.code == "pages_joined")
        .expect("join reported");
    assert!(!joined.lost);
    assert!(
        joined.message.contains("repeated header"),
        "{}",
        joined.message
    );
}

/// Text aligned in columns with no rules at all is read as a table.
#[test]
fn aligned_text_without_rules() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    let mut content = show("F1", 12.0, 72.0, 760.0, &cjk("确保办公"));
    for (row, cells) in [
        ["一级指标", "二级指标", "指标值"],
        ["产出指标", "数量指标", "≥95%"],
        ["效益指标", "满意度", "优"],
    ]
    .iter()
    .enumerate()
    {
        let y = 700.0 - row as f64 * 20.0;
        for (col, text) in cells.iter().enumerate() {
            content += &show("F1", 12.0, 72.0 + col as f64 * 130.0, y, &cjk(text));
        }
    }
    pdf.page(&content);
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["确保办公"]);
    let grid = grids(&document)[0];
    assert_eq!(
        rows(grid),
        vec![
            vec!["一级指标", "二级指标", "指标值"],
            vec!["产出指标", "数量指标", "≥95%"],
            vec!["效益指标", "满意度", "优"],
        ]
    );
}

/// A page that only draws an image has no text layer.
#[test]
fn image_only_page_has_no_text_layer() {
    let mut pdf = Pdf::new();
    let image = pdf.add(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Image",
            "Width" => 1, "Height" => 1, "ColorSpace" => "DeviceGray", "BitsPerComponent" => 8,
        },
        vec![0x80],
    ));
    pdf.xobject("Im1", image);
    pdf.page_with(
        b"q 500 0 0 700 40 70 cm /Im1 Do Q\nBI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI\n",
        Dictionary::new(),
    );
    let error = read(&pdf.bytes()).expect_err("no text");
    assert_eq!(error.code(), "no_text_layer");
    assert!(error.to_string().contains("OCR"), "{error}");
}

/// A font that maps nothing leaves no text at all: not a text layer either, and the error
/// names the font.
#[test]
fn unmappable_text_is_never_emitted() {
    let mut pdf = Pdf::new();
    let descendant = pdf.add(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType0", "BaseFont" => "Mystery", "DW" => 1000,
    });
    pdf.font(
        "F1",
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "ABCDEF+Mystery",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
        },
    );
    pdf.page(&show("F1", 12.0, 72.0, 700.0, "<0102030405>"));
    let error = read(&pdf.bytes()).expect_err("nothing mapped");
    assert_eq!(error.code(), "no_text_layer");
    assert!(error.to_string().contains("Mystery"), "{error}");
}

/// Identity-H without ToUnicode: the embedded TrueType font's cmap, read backwards, names
/// the glyphs.
#[test]
fn identity_h_through_the_embedded_truetype_cmap() {
    let mut pdf = Pdf::new();
    let font_file = pdf.add(Stream::new(
        Dictionary::new(),
        truetype_with_cmap(&['产', '出', 'A']),
    ));
    let descriptor = pdf.add(dictionary! {
        "Type" => "FontDescriptor", "FontName" => "Embedded", "Flags" => 4,
        "FontFile2" => font_file,
    });
    let descendant = pdf.add(dictionary! {
        "Type" => "Font", "Subtype" => "CIDFontType2", "BaseFont" => "Embedded",
        "FontDescriptor" => descriptor, "CIDToGIDMap" => "Identity", "DW" => 1000,
    });
    pdf.font(
        "F1",
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "Embedded",
            "Encoding" => "Identity-H", "DescendantFonts" => vec![descendant.into()],
        },
    );
    pdf.page(&show("F1", 12.0, 72.0, 700.0, "<000100020003>"));
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["产出A"]);
}

/// An sfnt holding only a format 4 `cmap` that maps `chars[i]` to glyph `i + 1`.
fn truetype_with_cmap(chars: &[char]) -> Vec<u8> {
    let seg_count = chars.len() + 1;
    let mut sub = Vec::new();
    sub.extend_from_slice(&4u16.to_be_bytes());
    sub.extend_from_slice(&((16 + seg_count * 8) as u16).to_be_bytes());
    sub.extend_from_slice(&0u16.to_be_bytes());
    sub.extend_from_slice(&((seg_count * 2) as u16).to_be_bytes());
    sub.extend_from_slice(&[0; 6]);
    for &c in chars {
        sub.extend_from_slice(&(c as u16).to_be_bytes());
    }
    sub.extend_from_slice(&[0xff, 0xff, 0, 0]);
    for &c in chars {
        sub.extend_from_slice(&(c as u16).to_be_bytes());
    }
    sub.extend_from_slice(&[0xff, 0xff]);
    for (index, &c) in chars.iter().enumerate() {
        sub.extend_from_slice(&((index as u16 + 1).wrapping_sub(c as u16)).to_be_bytes());
    }
    sub.extend_from_slice(&1u16.to_be_bytes());
    sub.extend_from_slice(&vec![0; seg_count * 2]);
    let mut cmap = vec![0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12];
    cmap.extend_from_slice(&sub);
    let mut font = vec![0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0];
    font.extend_from_slice(b"cmap");
    font.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 28]);
    font.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
    font.extend_from_slice(&cmap);
    font
}

/// A file protected with a user password cannot be read; one whose user password is empty
/// opens as viewers open it.
#[test]
fn encrypted_files() {
    let build = |user: &str| -> Vec<u8> {
        let mut pdf = Pdf::new();
        add_cjk_font(&mut pdf, "F1");
        pdf.page(&show("F1", 12.0, 72.0, 700.0, &cjk("项目名称")));
        let mut doc = pdf.document();
        // Encryption keys derive from the file identifier.
        doc.trailer.set(
            "ID",
            Object::Array(vec![
                Object::string_literal(b"0123456789abcdef".to_vec()),
                Object::string_literal(b"fedcba9876543210".to_vec()),
            ]),
        );
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password: user,
            key_length: 128,
            permissions: lopdf::Permissions::all(),
        })
        .expect("encryption state");
        doc.encrypt(&state).expect("encrypt");
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    };
    let error = read(&build("secret")).expect_err("needs a password");
    assert_eq!(error.code(), "encrypted");
    assert!(error.to_string().contains("password"), "{error}");

    let document = read(&build("")).expect("opens with the empty password");
    assert_eq!(paragraphs(&document), vec!["项目名称"]);
}

/// Truncated files: cut before the document catalog, nothing can be read (`unreadable`);
/// cut in the cross-reference table at the end, the table is rebuilt, the whole document is
/// read and the repair is reported.
#[test]
fn truncated_files() {
    let bytes = std::fs::read(fixture("pdf/000_5951d4f30969a9c2.pdf")).expect("fixture");
    let error = read(&bytes[..20]).expect_err("too short");
    assert_eq!(error.code(), "unreadable");
    let error = read(b"not a pdf at all").expect_err("no header");
    assert_eq!(error.code(), "unreadable");
    for cut in [bytes.len() / 3, bytes.len() / 2] {
        let error = read(&bytes[..cut]).expect_err("catalog lost");
        assert_eq!(error.code(), "unreadable", "cut at {cut}");
        assert!(error.to_string().contains("truncated"), "{error}");
    }

    let document = read(&bytes[..bytes.len() - 200]).expect("rebuilt");
    assert_eq!(grids(&document).len(), 8);
    let repaired = document
        .diagnostics
        .iter()
        .find(|d| d.code == "pdf_repaired")
        .expect("repair reported");
    assert!(!repaired.lost);
}

/// Form XObjects nested past the depth limit are cut off (and reported); a form that draws
/// itself ends at the limit instead of recursing forever.
#[test]
fn nested_form_xobjects_are_bounded() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    let depth = 40;
    // Form k draws form k + 1; the innermost shows 优.
    let ids: Vec<_> = (0..depth).map(|_| pdf.add(Object::Null)).collect();
    let mut doc_objects = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let (content, resources) = if k + 1 < depth {
            (
                format!("q 1 0 0 1 0 0 cm /X{} Do Q", k + 1),
                dictionary! { "XObject" => dictionary! { format!("X{}", k + 1) => ids[k + 1] } },
            )
        } else {
            (show("F1", 12.0, 72.0, 600.0, &cjk("优")), Dictionary::new())
        };
        let mut resources = resources;
        if k + 1 == depth {
            // The innermost form names the font through the page's resources.
            resources = Dictionary::new();
        }
        doc_objects.push((
            *id,
            Stream::new(
                dictionary! {
                    "Type" => "XObject", "Subtype" => "Form",
                    "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
                    "Resources" => resources,
                },
                content.into_bytes(),
            ),
        ));
    }
    // A form that draws itself.
    let looping = pdf.add(Object::Null);
    doc_objects.push((
        looping,
        Stream::new(
            dictionary! {
                "Type" => "XObject", "Subtype" => "Form",
                "Resources" => dictionary! { "XObject" => dictionary! { "Self" => looping } },
            },
            b"/Self Do".to_vec(),
        ),
    ));
    pdf.xobject("X0", ids[0]);
    pdf.xobject("Loop", looping);
    pdf.page(&(show("F1", 12.0, 72.0, 700.0, &cjk("确保")) + "/X0 Do /Loop Do\n"));
    let mut doc = pdf.document();
    for (id, stream) in doc_objects {
        doc.objects.insert(id, Object::Stream(stream));
    }
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");

    let document = read(&bytes).expect("readable");
    assert_eq!(paragraphs(&document), vec!["确保"]);
    let deep = document
        .diagnostics
        .iter()
        .find(|d| d.code == "too_deep")
        .expect("reported");
    assert!(deep.lost);
    assert!(deep.message.contains("--max-depth"), "{}", deep.message);
}

/// More pages than the limit stop with `too_large` naming `--max-pages`.
#[test]
fn page_limit() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    for _ in 0..3 {
        pdf.page(&show("F1", 12.0, 72.0, 700.0, &cjk("优")));
    }
    let limits = jixiao_read::Limits {
        max_pdf_pages: 2,
        ..jixiao_read::Limits::default()
    };
    let error = jixiao_read::read(jixiao_read::Format::Pdf, &pdf.bytes(), None, &limits)
        .expect_err("too many pages");
    assert_eq!(error.code(), "too_large");
    assert!(error.to_string().contains("--max-pages"), "{error}");
}

/// A page turned by `/Rotate 90` is read upright; text printed twice at nearly the same
/// spot (fake bold) is read once.
#[test]
fn rotated_page_and_fake_bold() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    // Shown turned a quarter clockwise, the page's upward direction reads left to right, and
    // its left becomes the top: the line at x = 260 is read before the one at x = 300.
    let line = |x: f64, y: f64, text: &str| {
        format!("BT /F1 12 Tf 0 1 -1 0 {x} {y} Tm {} Tj ET\n", cjk(text))
    };
    let mut content = line(300.0, 100.0, "确保办公");
    content += &line(300.3, 100.2, "确保办公");
    content += &line(260.0, 100.0, "场所租赁费");
    pdf.page_with(content.as_bytes(), dictionary! { "Rotate" => 90 });
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["场所租赁费", "确保办公"]);
}

/// Contents given as an array of streams, and fonts named through inherited resources.
#[test]
fn contents_array_and_inherited_resources() {
    let mut pdf = Pdf::new();
    add_cjk_font(&mut pdf, "F1");
    let first = pdf.add(Stream::new(
        Dictionary::new(),
        b"BT /F1 12 Tf 72 700 Td".to_vec(),
    ));
    let second = pdf.add(Stream::new(
        Dictionary::new(),
        format!("{} Tj ET", cjk("确保")).into_bytes(),
    ));
    pdf.page_with(
        b"",
        dictionary! { "Contents" => vec![Object::Reference(first), Object::Reference(second)] },
    );
    let document = read(&pdf.bytes()).expect("readable");
    assert_eq!(paragraphs(&document), vec!["确保"]);
}

/// Merged cells whose rows continue on a later page: `(table, text, rows, first page, last
/// page)`, from the pages of the other cells on the rows the merged cell covers.
fn cross_page_merges(document: &Document) -> Vec<(usize, String, usize, u32, u32)> {
    let mut out = Vec::new();
    for (index, grid) in grids(document).into_iter().enumerate() {
        for cell in grid.cells().iter().filter(|cell| cell.row_span > 1) {
            let first = cell.source.page.unwrap_or(0);
            let last = (cell.row..=cell.last_row())
                .flat_map(|row| grid.row_cells(row).iter())
                .filter_map(|other| other.source.page)
                .max()
                .unwrap_or(first);
            if last > first {
                out.push((index + 1, norm(&cell.text), cell.row_span, first, last));
            }
        }
    }
    out
}

/// The merged 一级指标 (and 二级指标) cells that cross a page break span it as one cell. The
/// corpus holds no 47-row merged cell; these are all the merged cells that cross pages, each
/// checked with its span and pages.
#[test]
fn merged_cells_span_page_breaks() {
    let owned = |list: &[(usize, &str, usize, u32, u32)]| -> Vec<(usize, String, usize, u32, u32)> {
        list.iter()
            .map(|&(t, text, rows, a, b)| (t, text.to_string(), rows, a, b))
            .collect()
    };
    assert_eq!(
        cross_page_merges(&read_fixture("000_5951d4f30969a9c2")),
        owned(&[
            (1, "产出指标", 4, 4, 5),
            (2, "产出指标", 4, 5, 6),
            (3, "效益指标", 4, 6, 7),
        ])
    );
    assert_eq!(
        cross_page_merges(&read_fixture("001_7ba444aee7ec495e")),
        owned(&[
            (1, "效益指标", 4, 4, 5),
            (2, "效益指标", 4, 6, 7),
            (3, "产出指标", 4, 7, 8),
            (5, "效益指标", 4, 10, 11),
            (6, "产出指标", 4, 11, 12),
            (8, "效益指标", 4, 13, 14),
            (9, "产出指标", 4, 14, 15),
            (14, "效益指标", 4, 20, 21),
            (15, "产出指标", 4, 21, 22),
        ])
    );
    assert_eq!(
        cross_page_merges(&read_fixture("003_f17e630e396b42a6")),
        owned(&[
            (1, "决策", 6, 1, 2),
            (1, "绩效目标", 2, 1, 2),
            (2, "效益指标", 4, 3, 4),
            (5, "过程", 5, 8, 9),
            (8, "决策", 6, 14, 15),
            (8, "资金投入", 2, 14, 15),
        ])
    );
}

/// A small deterministic generator for the robustness tests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Damaged content streams and CMaps never make the reader panic: every mutant reads or
/// fails with an error a user can act on.
#[test]
fn damaged_content_and_cmaps_never_panic() {
    let content = {
        let mut s =
            String::from("0.5 w 100 700 m 400 700 l S 100 640 300 60 re S q 1 0 0 1 5 5 cm\n");
        s += &show("F1", 12.0, 105.0, 666.0, &cjk("产出指标"));
        s += "BT /F1 12 Tf [<0001> -250 <0002>] TJ 0 -14 TD (x) ' 1 2 (y) \" ET Q\n";
        s += "BI /W 1 /H 1 ID \x01 EI /X0 Do";
        s.into_bytes()
    };
    let mut random = Lcg(7);
    let alphabet = b"0123456789.-+ ()<>[]/{}%\\\nBTETQqcmreSfTjJdDw*'\"";
    for round in 0..300 {
        let mut mutant = content.clone();
        for _ in 0..1 + random.below(6) {
            let at = random.below(mutant.len());
            match random.below(3) {
                0 => mutant[at] = alphabet[random.below(alphabet.len())],
                1 => {
                    mutant.remove(at);
                }
                _ => mutant.insert(at, alphabet[random.below(alphabet.len())]),
            }
        }
        let mut pdf = Pdf::new();
        add_cjk_font(&mut pdf, "F1");
        pdf.page_with(&mutant, Dictionary::new());
        match read(&pdf.bytes()) {
            Ok(document) => assert_eq!(document.pages, Some(1), "round {round}"),
            Err(error) => assert_eq!(error.code(), "no_text_layer", "round {round}: {error}"),
        }
    }
}

/// Damaged files (bytes flipped anywhere, including compressed streams and the cross-reference
/// table) never make the reader panic.
#[test]
fn damaged_files_never_panic() {
    let bytes = std::fs::read(fixture("pdf/003_f17e630e396b42a6.pdf")).expect("fixture");
    let mut random = Lcg(11);
    for round in 0..16 {
        let mut mutant = bytes.clone();
        for _ in 0..1 + random.below(20) {
            let at = random.below(mutant.len());
            mutant[at] = random.next() as u8;
        }
        if let Err(error) = read(&mutant) {
            assert!(
                matches!(error.code(), "unreadable" | "no_text_layer" | "encrypted"),
                "round {round}: {error}"
            );
        }
    }
}

/// The texts of the cells that start on each row of the grids of a real page cut, in order.
fn real_rows(name: &str) -> Vec<Vec<String>> {
    let bytes = std::fs::read(fixture(&format!("pdf/real/cut/{name}.pdf"))).expect("fixture");
    let document = jixiao_read::read(jixiao_read::Format::Pdf, &bytes, None, &Limits::default())
        .expect("readable");
    let grids: Vec<&Grid> = document.grids().collect();
    grids
        .into_iter()
        .flat_map(|grid| (0..grid.rows()).map(move |row| (grid, row)))
        .map(|(grid, row)| {
            (0..grid.cols())
                .filter_map(|col| grid.slot(row, col))
                .filter(|slot| slot.cell.row == row && !slot.cell.text.is_empty())
                .map(|slot| norm(&slot.cell.text))
                .collect::<Vec<String>>()
        })
        .collect()
}

/// A row that opens the next page under an open top (the project's merged cells go on) is a
/// row of its own when it has text under short complete cells: `效益指标 … 定性 优` under `产出指标
/// … ≤ 1 天` is the next indicator, not the rest of a row cut by the break.
#[test]
fn a_row_that_opens_a_page_under_complete_cells_is_its_own_row() {
    let rows = real_rows("w23_p47-48");
    let meeting = rows
        .iter()
        .find(|row| row.iter().any(|cell| cell == "会议时长"))
        .expect("the 会议时长 row");
    assert_eq!(
        meeting,
        &["产出指标", "时效指标", "会议时长", "≤", "1", "天"]
    );
    let next = rows
        .iter()
        .find(|row| row.iter().any(|cell| cell.starts_with("明确工作内容")))
        .expect("the next row");
    assert_eq!(next[0], "效益指标");
    assert_eq!(next[next.len() - 2..], ["定性", "优"]);
}

/// A merged cell's text printed whole on each page it spans and clipped to the part there: the
/// clipped lines must not reach the caption or the header reprinted above the table
/// (`预算表12` interleaved with a project name, `项目总额1,620.2…`).
#[test]
fn clipped_text_stays_out_of_the_header_of_the_next_page() {
    let rows = real_rows("w03_p30-31");
    let headers: Vec<&Vec<String>> = rows
        .iter()
        .filter(|row| row.first().is_some_and(|cell| cell == "项目名称"))
        .collect();
    assert_eq!(headers.len(), 2, "the header on both pages: {rows:?}");
    for header in headers {
        assert_eq!(&header[..3], ["项目名称", "项目总额", "其中:"]);
    }
}
