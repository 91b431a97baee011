//! # jixiao-fuzz
//!
//! What the fuzz targets share: the pipeline a file goes through in jixiao (detect, read,
//! normalise, convert to the output document, serialise as JSON and CSV, draw the grids), and
//! the wrappers that turn fuzz bytes into well-formed containers so that the fuzzer spends its
//! time in our parsers rather than in CRC checks.
//!
//! - A raw `.docx` or `.xlsx` mutated byte by byte almost always fails its zip checksums, so
//!   the `docx` and `xlsx` targets also accept plain XML: [`docx_package`] stores it as
//!   `word/document.xml`, [`xlsx_package`] as a worksheet (and its shared strings).
//! - A PDF's page content is usually deflated, so the `pdf` target also accepts a bare content
//!   stream: [`pdf_with_content`] places it on a page with a Latin font, a CJK font and a Form
//!   XObject that draws the same content (and so itself, until the depth limit stops it).
//! - The `normalize` target reads a small table language ([`grid_document`]) whose seeds are
//!   the tab-separated text fixtures, so that the header, hierarchy and field paths are reached.
//!
//! No target catches panics: the pipeline here is the one of `jixiao::extract_bytes` without
//! its panic guard, so that every panic is a crash the fuzzer reports. The one exception is a
//! panic inside calamine, which the sheet reader itself catches ([`let_calamine_panics_unwind`]).

use std::io::{Cursor, Write};
use std::sync::Once;
use std::time::Duration;

use jixiao_grid::{Block, Cell, Document, GridBuilder, Location, Paragraph};
use jixiao_read::{Format, Limits, detect, read};

/// The limits every target reads under: the defaults, with a time budget short enough that a
/// slow input shows up as a `too_large` error well before libFuzzer's own timeout
/// (`-timeout=` in `scripts/fuzz.sh`) calls it a hang. An input that runs past libFuzzer's
/// timeout therefore is a loop that never checks the budget.
pub fn limits() -> Limits {
    Limits {
        timeout: Some(Duration::from_secs(5)),
        ..Limits::default()
    }
}

/// Lets a panic raised inside calamine unwind, as it does in jixiao, to the sheet reader's
/// guard (which turns it into an `unreadable` error), while every other panic stays a crash.
///
/// libFuzzer's panic hook aborts at the panic itself, before any `catch_unwind` runs, so
/// without this every arithmetic overflow in calamine's parsers (harmless in a release build,
/// where it wraps and calamine then reports a bad length) would stop the xlsx and xls runs,
/// and the fuzzer would never get past them to our own code. The hook is installed once, on
/// top of libFuzzer's.
pub fn let_calamine_panics_unwind() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let fatal = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|location| location.file().contains("/calamine-"));
            if !in_calamine {
                fatal(info);
            }
        }));
    });
}

/// Runs one file's bytes through jixiao as `extract_bytes` does, without its panic guard:
/// detection, the reader of `format`, the normaliser, the output document, its JSON and CSV
/// forms, and the drawing `jixiao inspect` prints.
pub fn pipeline(format: Format, bytes: &[u8], extension: &str) {
    let _ = detect(bytes, Some(extension));
    let limits = limits();
    let source = jixiao_output::Source::new(format!("fuzz.{extension}"));
    let document = match read(format, bytes, Some(extension), &limits) {
        Ok(document) => {
            let _ = document.render();
            let extraction = jixiao_normalize::normalize(&document);
            jixiao_output::Document::from_extraction(source, document.diagnostics, extraction)
        }
        Err(error) => {
            // Every error must carry a message a user can act on, never an empty one.
            assert!(!error.to_string().trim().is_empty(), "{error:?}");
            return;
        }
    };
    write_out(&document);
}

/// Serialises an output document the ways the command line does.
pub fn write_out(document: &jixiao_output::Document) {
    // Serialising plain data into memory cannot fail; a failure would be a bug in the types.
    if let Err(error) = serde_json::to_vec(document) {
        panic!("the output document does not serialise: {error}");
    }
    let written = jixiao_output::CsvWriter::new(Vec::new()).and_then(|mut csv| {
        csv.write_document(document)?;
        csv.flush()
    });
    if let Err(error) = written {
        panic!("the output document does not write as CSV: {error}");
    }
}

/// A zip package holding `entries`, stored without compression (the fuzzer mutates the bytes
/// inside; deflating them would only cost time).
pub fn zip_package(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for (name, data) in entries {
        // Writing into memory only fails on a zip limit, which these small inputs never reach;
        // the package is then simply left incomplete, which the reader must handle as well.
        if writer.start_file(*name, options).is_err() || writer.write_all(data).is_err() {
            break;
        }
    }
    let _ = writer.finish();
    out.into_inner()
}

/// A `.docx` whose main part is `xml`: the smallest package the docx reader accepts.
pub fn docx_package(xml: &[u8]) -> Vec<u8> {
    zip_package(&[
        ("[Content_Types].xml", DOCX_CONTENT_TYPES.as_bytes()),
        ("word/document.xml", xml),
    ])
}

const DOCX_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;

/// A `.xlsx` with one worksheet, `sheet`, and the shared strings `strings` (when not empty).
pub fn xlsx_package(sheet: &[u8], strings: &[u8]) -> Vec<u8> {
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", XLSX_CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", XLSX_ROOT_RELS.as_bytes()),
        ("xl/workbook.xml", XLSX_WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", XLSX_WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if !strings.is_empty() {
        entries.push(("xl/sharedStrings.xml", strings));
    }
    zip_package(&entries)
}

const XLSX_CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;

const XLSX_ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const XLSX_WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="绩效目标表" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const XLSX_WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A one-page PDF whose page content is `content`, uncompressed, with correct cross-reference
/// offsets. The page's resources name a Latin font `/F1` (WinAnsi), a Chinese font `/F2`
/// (`UniGB-UCS2-H`, no embedded font, as Word writes them), a Chinese font `/F3` with a
/// ToUnicode map, and a Form XObject `/X1` whose content is `content` again and whose
/// resources are the page's, so `/X1 Do` recurses until the depth limit stops it.
pub fn pdf_with_content(content: &[u8]) -> Vec<u8> {
    let objects: [Vec<u8>; 11] = [
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources 4 0 R /Contents 5 0 R >>"
            .to_vec(),
        b"<< /Font << /F1 6 0 R /F2 7 0 R /F3 9 0 R >> /XObject << /X1 11 0 R >> >>".to_vec(),
        stream(b"", content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H \
          /DescendantFonts [8 0 R] >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo \
          << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 /W [1 [500 500] 100 200 600] >>"
            .to_vec(),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
          /DescendantFonts [8 0 R] /ToUnicode 10 0 R >>"
            .to_vec(),
        stream(b"", TO_UNICODE.as_bytes()),
        stream(
            b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources 4 0 R ",
            content,
        ),
    ];

    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (index, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", index + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

fn stream(dictionary: &[u8], data: &[u8]) -> Vec<u8> {
    let mut object = b"<< ".to_vec();
    object.extend_from_slice(dictionary);
    object.extend_from_slice(format!("/Length {} >>\nstream\n", data.len()).as_bytes());
    object.extend_from_slice(data);
    object.extend_from_slice(b"\nendstream");
    object
}

/// Codes 1–6 of `/F3` are 一级指标 二级 三级 and 指标值's characters; code 7 starts a range.
const TO_UNICODE: &str = "/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Fuzz-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
6 beginbfchar
<0001> <4E00> <0002> <7EA7> <0003> <6307> <0004> <6807> <0005> <4E8C> <0006> <4E09>
endbfchar
1 beginbfrange <0007> <0010> <0030> endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

/// Reads the fuzz input as a document in a small table language, built for reaching the
/// normaliser's paths from mutations of the tab-separated text fixtures:
///
/// - each line is a row of the current table, its cells separated by tabs; a line without a
///   tab closes the table and, when it is not blank, is a paragraph (table titles live there);
/// - a cell `^` extends the cell above it by one row, a cell `<` extends the cell on its left
///   by one column (the two ways merged cells reach a grid);
/// - a cell starting with `@R,C:` has an explicit span of R rows and C columns (up to 64),
///   which may overlap other cells, as damaged files make readers state;
/// - anything else is the cell's text, `\n` written as `|`.
///
/// Rows and columns are capped at 256 each, so one input costs little.
pub fn grid_document(input: &str) -> Document {
    const MAX_ROWS: usize = 256;
    const MAX_COLUMNS: usize = 256;
    let mut document = Document::default();
    let mut table: Option<TableDraft> = None;
    for (line_index, line) in input.split('\n').enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if !line.contains('\t') {
            if let Some(draft) = table.take() {
                document
                    .blocks
                    .push(draft.finish(&mut document.diagnostics));
            }
            if !line.trim().is_empty() {
                document.blocks.push(Block::Paragraph(Paragraph {
                    text: line.replace('|', "\n"),
                    source: jixiao_grid::Source::line(line_number(line_index)),
                }));
            }
            continue;
        }
        let draft = table.get_or_insert_with(TableDraft::default);
        if draft.rows >= MAX_ROWS {
            continue;
        }
        let row = draft.rows;
        draft.rows += 1;
        for (col, text) in line.split('\t').take(MAX_COLUMNS).enumerate() {
            draft.cell(row, col, text, line_number(line_index));
        }
    }
    if let Some(draft) = table.take() {
        document
            .blocks
            .push(draft.finish(&mut document.diagnostics));
    }
    document
}

fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// The cells of one table of [`grid_document`] while its lines are read.
#[derive(Default)]
struct TableDraft {
    rows: usize,
    cells: Vec<Cell>,
    /// For each slot filled by `^`/`<` or by an origin, the index of the covering cell.
    covering: std::collections::HashMap<(usize, usize), usize>,
}

impl TableDraft {
    fn cell(&mut self, row: usize, col: usize, text: &str, line: u32) {
        let source = jixiao_grid::Source::line(line);
        match text {
            "^" => {
                let above = row
                    .checked_sub(1)
                    .and_then(|up| self.covering.get(&(up, col)));
                // Only a cell whose span ends on the row above can grow downwards.
                if let Some(&index) = above
                    && let Some(cell) = self.cells.get_mut(index)
                    && cell.row + cell.row_span == row
                {
                    cell.row_span += 1;
                    self.covering.insert((row, col), index);
                    return;
                }
            }
            "<" => {
                let left = col
                    .checked_sub(1)
                    .and_then(|back| self.covering.get(&(row, back)));
                if let Some(&index) = left
                    && let Some(cell) = self.cells.get_mut(index)
                    && cell.row == row
                    && cell.col + cell.col_span == col
                {
                    cell.col_span += 1;
                    self.covering.insert((row, col), index);
                    return;
                }
            }
            _ => {}
        }
        let (row_span, col_span, text) = explicit_span(text);
        self.covering.insert((row, col), self.cells.len());
        self.cells.push(
            Cell::new(row, col, text.replace('|', "\n"))
                .with_span(row_span, col_span)
                .at(source),
        );
    }

    fn finish(self, diagnostics: &mut Vec<jixiao_grid::Diagnostic>) -> Block {
        let mut builder = GridBuilder::new();
        for cell in self.cells {
            builder.push(cell);
        }
        let (grid, grid_diagnostics) = builder.build(Location::default());
        diagnostics.extend(grid_diagnostics);
        Block::Table(grid)
    }
}

/// Splits `@R,C:text` into its span and text; any other cell spans 1 × 1.
fn explicit_span(text: &str) -> (usize, usize, &str) {
    const MAX_SPAN: usize = 64;
    let parsed = text.strip_prefix('@').and_then(|rest| {
        let (spans, text) = rest.split_once(':')?;
        let (rows, cols) = spans.split_once(',')?;
        let rows: usize = rows.trim().parse().ok()?;
        let cols: usize = cols.trim().parse().ok()?;
        Some((rows.min(MAX_SPAN), cols.min(MAX_SPAN), text))
    });
    parsed.unwrap_or((1, 1, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_language_states_merges() {
        let document = grid_document("标题\n一级指标\t二级指标\n产出指标\t数量指标\n^\t@1,2:x\n尾");
        let grids: Vec<_> = document.grids().collect();
        assert_eq!(grids.len(), 1);
        let grid = grids[0];
        let slot = grid.slot(2, 0).expect("covered");
        assert_eq!(slot.cell.text, "产出指标");
        assert!(!slot.is_origin);
        assert_eq!(document.blocks.len(), 3);
    }

    /// The wrappers make files the readers accept: a fuzzer that mutates a wrapper's content
    /// must reach the reader's table code, not its error paths.
    #[test]
    fn wrapped_seeds_read_as_tables() {
        let seeds = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds");
        let seed = |path: &str| {
            std::fs::read(format!("{seeds}/{path}")).unwrap_or_else(|error| panic!("{error}"))
        };
        let texts = |document: &Document| -> Vec<String> {
            document
                .grids()
                .flat_map(|grid| grid.cells().iter().map(|cell| cell.text.clone()))
                .collect()
        };
        let limits = limits();

        let docx = read(
            Format::Docx,
            &docx_package(&seed("docx/merges.xml")),
            None,
            &limits,
        )
        .expect("the wrapped docx reads");
        let cells = texts(&docx);
        assert!(cells.iter().any(|text| text == "产出指标"), "{cells:?}");

        let xlsx = read(
            Format::Xlsx,
            &xlsx_package(&seed("xlsx/merged.xml"), b""),
            None,
            &limits,
        )
        .expect("the wrapped xlsx reads");
        let cells = texts(&xlsx);
        assert!(cells.iter().any(|text| text == "设备购置数"), "{cells:?}");

        let pdf = read(
            Format::Pdf,
            &pdf_with_content(&seed("pdf/table.txt")),
            None,
            &limits,
        )
        .expect("the wrapped PDF reads");
        let mut words = texts(&pdf);
        words.extend(pdf.blocks.iter().filter_map(|block| match block {
            Block::Paragraph(paragraph) => Some(paragraph.text.clone()),
            Block::Table(_) => None,
        }));
        assert!(words.iter().any(|text| text.contains("1145")), "{words:?}");
    }

    #[test]
    fn a_wrapped_pdf_has_correct_offsets() {
        let pdf = pdf_with_content(b"BT /F1 12 Tf 72 700 Td (x) Tj ET");
        let tail = pdf
            .windows(10)
            .rposition(|window| window == b"startxref\n")
            .map(|at| &pdf[at + 10..])
            .expect("startxref");
        let digits: String = tail
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .map(|&byte| char::from(byte))
            .collect();
        let xref: usize = digits.parse().expect("an offset");
        assert!(pdf[xref..].starts_with(b"xref\n0 12\n"));
        // The cross-reference entry of object 5, the page content, points at its `5 0 obj`.
        let entry = |object: usize| -> usize {
            let at = xref + b"xref\n0 12\n".len() + 20 * object;
            String::from_utf8_lossy(&pdf[at..at + 10])
                .parse()
                .expect("an offset")
        };
        assert!(pdf[entry(5)..].starts_with(b"5 0 obj\n<< /Length 32 >>"));
    }
}
