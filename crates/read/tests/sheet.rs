//! The xlsx and xls readers: small workbooks made here with rust_xlsxwriter, and the corpus
//! documents of `fixtures/{xlsx,xls}`.
//!
//! `fixtures/xls/sheet_features.xls` is the workbook of [`feature_workbook`] converted by
//! LibreOffice (there is no xls writer for Rust): write it with
//! `FEATURES_XLSX=/tmp/sheet_features.xlsx cargo test -p jixiao-read --test sheet -- --ignored`,
//! then `soffice --headless --convert-to xls --outdir fixtures/xls /tmp/sheet_features.xlsx`.

mod common;

use std::io::{Cursor, Write};

use common::{DOCUMENTS, read_fixture, text_at};
use jixiao_read::grid::{Document, Grid};
use jixiao_read::{Format, Limits, detect};
use rust_xlsxwriter::{ExcelDateTime, Format as CellFormat, Formula, Workbook};

/// A workbook exercising what the readers must handle: vertical and horizontal merges, a merge
/// past the cells with values, numbers as Excel shows them, a text `80.00`, percent and date
/// formats, formulas (computing, typed, failing), line breaks, an empty sheet, a sheet whose
/// cells do not start at A1, and two tables split by an empty row.
fn feature_workbook() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let plain = CellFormat::new();
    let percent = CellFormat::new().set_num_format("0%");
    let percent_1 = CellFormat::new().set_num_format("0.0%");
    let fixed = CellFormat::new().set_num_format("0.00");
    let grouped = CellFormat::new().set_num_format("#,##0.00");
    let iso = CellFormat::new().set_num_format("yyyy-mm-dd");
    let chinese = CellFormat::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
    let date = ExcelDateTime::from_ymd(2024, 1, 31).expect("date");

    let first = workbook.add_worksheet();
    first.set_name("项目一").expect("name");
    (|| -> Result<(), rust_xlsxwriter::XlsxError> {
        first.merge_range(0, 0, 0, 3, "1、测试项目绩效目标表", &plain)?;
        first.write_string(1, 0, "一级指标")?;
        first.write_string(1, 1, "二级指标")?;
        first.write_string(1, 2, "三级指标")?;
        first.write_string(1, 3, "指标值")?;
        first.merge_range(2, 0, 4, 0, "产出指标", &plain)?;
        first.write_string(2, 1, "数量指标")?;
        first.write_string(2, 2, "面积")?;
        first.write_number(2, 3, 23.85)?;
        first.write_string(3, 1, "质量指标")?;
        first.write_string(3, 2, "合格率")?;
        first.write_number_with_format(3, 3, 1.0, &percent)?;
        first.write_string(4, 1, "时效指标")?;
        first.write_string(4, 2, "完成率")?;
        first.write_string(4, 3, "80.00")?;
        first.write_string(5, 0, "效益指标")?;
        first.write_string(5, 1, "社会效益指标")?;
        first.write_string(5, 2, "人数")?;
        first.write_number(5, 3, 100.0)?;
        first.write_string(6, 0, "满意度指标")?;
        first.write_string(6, 1, "服务对象满意度指标")?;
        first.write_string(6, 2, "满意度")?;
        first.write_number(6, 3, 0.5)?;
        // Row 7 stays empty: a second table follows.
        first.merge_range(8, 0, 8, 1, "合计", &plain)?;
        first.write_formula(8, 2, Formula::new("=1+1").set_result("2"))?;
        first.write_formula_with_format(8, 3, Formula::new("=100%").set_result("1"), &percent)?;
        first.write_datetime_with_format(9, 0, &date, &iso)?;
        first.write_datetime_with_format(9, 1, &date, &chinese)?;
        first.write_string(9, 2, "第一行\n第二行")?;
        first.write_formula(9, 3, Formula::new("=1/0").set_result("#DIV/0!"))?;
        first.write_number_with_format(10, 0, 80.0, &fixed)?;
        first.write_number_with_format(10, 1, 1234.5, &grouped)?;
        first.write_boolean(10, 2, true)?;
        first.write_number_with_format(10, 3, 0.255, &percent_1)?;
        // A merge reaching past the columns and rows that hold values.
        first.merge_range(11, 2, 12, 4, "备注", &plain)?;
        first.write_string(11, 0, "末行")?;
        Ok(())
    })()
    .expect("first sheet");

    workbook.add_worksheet().set_name("空表").expect("name");

    let third = workbook.add_worksheet();
    third.set_name("Sheet3").expect("name");
    third.write_string(1, 1, "第三张").expect("cell");

    workbook.save_to_buffer().expect("xlsx")
}

fn texts(grid: &Grid, row: usize) -> Vec<String> {
    (0..grid.cols())
        .map(|col| text_at(grid, row, col).to_string())
        .collect()
}

/// What [`feature_workbook`] must read as, whichever of xlsx or xls carries it.
fn assert_features(document: &Document, format: &str) {
    let grids: Vec<&Grid> = document.grids().collect();
    assert_eq!(grids.len(), 3, "{format}: grids");
    let sheets: Vec<_> = grids
        .iter()
        .map(|grid| grid.location.sheet.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(sheets, ["项目一", "项目一", "Sheet3"], "{format}");
    let indexes: Vec<_> = grids.iter().map(|grid| grid.location.grid).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)], "{format}");

    // First table: a title merged across, a vertical merge, numbers as shown.
    let table = grids[0];
    assert_eq!((table.rows(), table.cols()), (7, 4), "{format}");
    let title = table.slot(0, 0).expect("title").cell;
    assert_eq!(
        (title.text.as_str(), title.col_span),
        ("1、测试项目绩效目标表", 4)
    );
    let output = table.slot(2, 0).expect("产出指标").cell;
    assert_eq!((output.text.as_str(), output.row_span), ("产出指标", 3));
    for row in 3..5 {
        let slot = table.slot(row, 0).expect("covered");
        assert!(!slot.is_origin);
        assert_eq!(slot.cell.text, "产出指标");
    }
    let values: Vec<_> = (2..7).map(|row| text_at(table, row, 3)).collect();
    assert_eq!(values, ["23.85", "100%", "80.00", "100", "0.5"], "{format}");

    // Second table, after the empty row.
    let table = grids[1];
    assert_eq!((table.rows(), table.cols()), (5, 5), "{format}");
    let total = table.slot(0, 0).expect("合计").cell;
    assert_eq!((total.text.as_str(), total.col_span), ("合计", 2));
    assert_eq!(texts(table, 0)[2..4], ["2", "=100%"], "{format}");
    assert_eq!(
        texts(table, 1)[..4],
        ["2024-01-31", "2024年1月31日", "第一行\n第二行", "#DIV/0!"],
        "{format}"
    );
    assert_eq!(
        texts(table, 2)[..4],
        ["80.00", "1,234.50", "TRUE", "25.5%"],
        "{format}"
    );
    let note = table.slot(3, 2).expect("备注").cell;
    assert_eq!(
        (note.text.as_str(), note.row_span, note.col_span),
        ("备注", 2, 3),
        "{format}"
    );
    assert_eq!(text_at(table, 3, 0), "末行");
    // Every slot is covered: empty cells fill what the sheet leaves empty.
    for row in 0..table.rows() {
        for col in 0..table.cols() {
            assert!(table.slot(row, col).is_some(), "{format} ({row},{col})");
        }
    }

    // The third sheet's one cell, not at A1.
    assert_eq!((grids[2].rows(), grids[2].cols()), (1, 1));
    assert_eq!(grids[2].cells()[0].text, "第三张");
}

#[test]
fn xlsx_features_read_as_excel_shows_them() {
    let bytes = feature_workbook();
    let document = jixiao_read::read(jixiao_read::Format::Xlsx, &bytes, None, &Limits::default())
        .expect("read");
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
    assert_features(&document, "xlsx");
}

#[test]
fn xls_features_read_like_the_xlsx_they_came_from() {
    let bytes = read_fixture("fixtures/xls/sheet_features.xls");
    assert_eq!(detect(&bytes, Some("xls")), Format::Xls);
    let document = jixiao_read::read(jixiao_read::Format::Xls, &bytes, None, &Limits::default())
        .expect("read");
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
    assert_features(&document, "xls");
}

/// Writes the feature workbook for conversion to `fixtures/xls/sheet_features.xls`.
#[test]
#[ignore = "writes the source of a fixture; run by hand"]
fn write_feature_workbook() {
    let path = std::env::var("FEATURES_XLSX").expect("FEATURES_XLSX=path");
    std::fs::write(path, feature_workbook()).expect("write");
}

#[test]
fn a_value_under_a_merge_is_moved_to_it_and_reported() {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet
        .merge_range(0, 0, 1, 0, "", &CellFormat::new())
        .expect("merge");
    sheet.write_string(1, 0, "藏在下面").expect("hidden");
    sheet.write_string(0, 1, "右边").expect("cell");
    let bytes = workbook.save_to_buffer().expect("xlsx");
    let document = jixiao_read::read(jixiao_read::Format::Xlsx, &bytes, None, &Limits::default())
        .expect("read");
    let grid = document.grids().next().expect("grid");
    let merged = grid.slot(0, 0).expect("merge").cell;
    assert_eq!((merged.text.as_str(), merged.row_span), ("藏在下面", 2));
    let codes: Vec<_> = document.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["merged_value_moved"]);
}

#[test]
fn rich_text_cells_keep_all_their_runs() {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let plain = CellFormat::new();
    workbook
        .add_worksheet()
        .write_rich_string(0, 0, &[(&bold, "≥95"), (&plain, "%\n优")])
        .expect("rich");
    let bytes = workbook.save_to_buffer().expect("xlsx");
    let document = jixiao_read::read(jixiao_read::Format::Xlsx, &bytes, None, &Limits::default())
        .expect("read");
    assert_eq!(
        document.grids().next().expect("grid").cells()[0].text,
        "≥95%\n优"
    );
}

/// The xlsx package `bytes` with each part passed through `edit(name, data)` and the parts
/// `extra` added, deflated again.
fn repackaged(
    bytes: &[u8],
    edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    extra: &[(&str, Vec<u8>)],
) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut source = zip::ZipArchive::new(Cursor::new(bytes)).expect("zip");
    for index in 0..source.len() {
        let mut entry = source.by_index(index).expect("entry");
        let name = entry.name().expect("name").into_owned();
        let mut data = Vec::new();
        std::io::copy(&mut entry, &mut data).expect("copy");
        let data = edit(&name, data);
        zip.start_file(name, options).expect("start");
        zip.write_all(&data).expect("write");
    }
    for (name, data) in extra {
        zip.start_file(*name, options).expect("start");
        zip.write_all(data).expect("write");
    }
    zip.finish().expect("finish").into_inner()
}

#[test]
fn limits_refuse_bombs_and_oversized_sheets() {
    // A part that inflates past the entry limit: refused before calamine reads anything.
    let bomb = repackaged(
        &feature_workbook(),
        |_, data| data,
        &[("xl/media/padding.bin", vec![0u8; 4 << 20])],
    );
    let limits = Limits {
        max_inflate_entry: 1 << 20,
        ..Limits::default()
    };
    let error =
        jixiao_read::read(jixiao_read::Format::Xlsx, &bomb, None, &limits).expect_err("bomb");
    assert_eq!(error.code(), "too_large");
    assert!(error.to_string().contains("--max-inflate"), "{error}");

    let limits = Limits {
        max_cells: 10,
        ..Limits::default()
    };
    let error = jixiao_read::read(
        jixiao_read::Format::Xlsx,
        &feature_workbook(),
        None,
        &limits,
    )
    .expect_err("cells");
    assert_eq!(error.code(), "too_large");
    assert!(error.to_string().contains("--max-cells"), "{error}");
    let error = jixiao_read::read(
        jixiao_read::Format::Xls,
        &read_fixture("fixtures/xls/sheet_features.xls"),
        None,
        &limits,
    )
    .expect_err("cells");
    assert_eq!(error.code(), "too_large");

    let spent = Limits {
        timeout: Some(std::time::Duration::ZERO),
        ..Limits::default()
    };
    std::thread::sleep(std::time::Duration::from_millis(2));
    let error = jixiao_read::read(jixiao_read::Format::Xlsx, &feature_workbook(), None, &spent)
        .expect_err("time");
    assert!(error.to_string().contains("--timeout"), "{error}");
}

/// A worksheet cut off inside its cells (a part truncated by a broken copy, with the zip
/// itself intact): the rows before the cut are kept, and the loss is reported.
#[test]
fn a_sheet_cut_off_midway_keeps_its_first_rows_and_reports_the_loss() {
    let cut_sheet = |name: &str, data: Vec<u8>| {
        if name != "xl/worksheets/sheet1.xml" {
            return data;
        }
        // Three whole rows, then the start of the fourth, cut inside its first cell.
        let xml = String::from_utf8(data).expect("utf-8");
        let fourth_row = xml.match_indices("</row>").nth(2).expect("three rows").0 + 6;
        let inside_its_cell = xml[fourth_row..].find("<v>").expect("a value") + 3;
        xml.as_bytes()[..fourth_row + inside_its_cell].to_vec()
    };
    let bytes = repackaged(&feature_workbook(), cut_sheet, &[]);
    let document = jixiao_read::read(jixiao_read::Format::Xlsx, &bytes, None, &Limits::default())
        .expect("a document");
    let damaged: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == "sheet_damaged")
        .collect();
    assert_eq!(damaged.len(), 1, "{:?}", document.diagnostics);
    assert!(damaged[0].lost);
    assert!(
        damaged[0]
            .message
            .contains("sheet 项目一: reading stopped after"),
        "{}",
        damaged[0].message
    );
    // The three rows before the cut, read as written (the merged title row lost its merge:
    // merged regions are stored after the cells, past the cut).
    let first = document.grids().next().expect("the first sheet's grid");
    assert_eq!(first.rows(), 3);
    assert_eq!(texts(first, 2), ["产出指标", "数量指标", "面积", "23.85"]);
}

#[test]
fn damaged_files_are_unreadable_not_panics() {
    let bytes = feature_workbook();
    for cut in [10, bytes.len() / 3, bytes.len() - 30] {
        let error = jixiao_read::read(
            jixiao_read::Format::Xlsx,
            &bytes[..cut],
            None,
            &Limits::default(),
        )
        .expect_err("cut");
        assert_eq!(error.code(), "unreadable", "cut at {cut}: {error}");
    }
    let xls = read_fixture("fixtures/xls/000_5951d4f30969a9c2.xls");
    for cut in [600, xls.len() / 2] {
        let error = jixiao_read::read(
            jixiao_read::Format::Xls,
            &xls[..cut],
            None,
            &Limits::default(),
        )
        .expect_err("cut");
        assert_eq!(error.code(), "unreadable", "cut at {cut}: {error}");
    }
    // Flipped bytes inside the workbook stream: whatever calamine makes of them, the reader
    // answers with a document or an error, never a panic.
    for offset in (1024..xls.len()).step_by(997) {
        let mut damaged = xls.clone();
        damaged[offset] ^= 0xFF;
        let _ = jixiao_read::read(jixiao_read::Format::Xls, &damaged, None, &Limits::default());
    }
    assert_eq!(
        jixiao_read::read(
            jixiao_read::Format::Xls,
            b"not a workbook",
            None,
            &Limits::default()
        )
        .expect_err("text")
        .code(),
        "unreadable"
    );
    assert_eq!(
        jixiao_read::read(jixiao_read::Format::Xlsx, b"", None, &Limits::default())
            .expect_err("empty")
            .code(),
        "unreadable"
    );
}

#[test]
fn mislabelled_workbooks_are_read_by_their_content() {
    // An xlsx named .xls, and an xls named .xlsx.
    let xlsx = feature_workbook();
    assert_eq!(detect(&xlsx, Some("xls")), Format::Xlsx);
    let document = jixiao_read::read(jixiao_read::Format::Xls, &xlsx, None, &Limits::default())
        .expect("xlsx as xls");
    assert_features(&document, "xlsx named xls");
    let xls = read_fixture("fixtures/xls/sheet_features.xls");
    assert_eq!(detect(&xls, Some("xlsx")), Format::Xls);
    let document = jixiao_read::read(jixiao_read::Format::Xlsx, &xls, None, &Limits::default())
        .expect("xls as xlsx");
    assert_features(&document, "xls named xlsx");
}

#[test]
fn corpus_xlsx_and_xls_give_the_same_grids() {
    for name in DOCUMENTS {
        let xlsx = jixiao_read::read(
            jixiao_read::Format::Xlsx,
            &read_fixture(&format!("fixtures/xlsx/{name}.xlsx")),
            None,
            &Limits::default(),
        )
        .expect("xlsx");
        let xls = jixiao_read::read(
            jixiao_read::Format::Xls,
            &read_fixture(&format!("fixtures/xls/{name}.xls")),
            None,
            &Limits::default(),
        )
        .expect("xls");
        let a: Vec<&Grid> = xlsx.grids().collect();
        let b: Vec<&Grid> = xls.grids().collect();
        assert_eq!(a.len(), b.len());
        for (a, b) in a.iter().zip(&b) {
            assert_eq!(a.cells(), b.cells(), "{name}");
        }
    }
}
