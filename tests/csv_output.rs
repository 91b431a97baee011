//! The CSV writer: BOM, header, quoting, value slots, failed rows.

use jixiao_output::{CSV_COLUMNS, CsvWriter, Document, ErrorCode, Source};

use crate::util::rich_extraction;

fn rich_document() -> Document {
    let mut source = Source::new("archive/租赁, 2021.docx");
    source.format = Some(jixiao_output::Format::Docx);
    Document::from_extraction(source, Vec::new(), rich_extraction())
}

fn failed_document() -> Document {
    let mut source = Source::new("scan.pdf");
    source.format = Some(jixiao_output::Format::Pdf);
    Document::failed(
        source,
        ErrorCode::NoTextLayer,
        "the PDF has no text layer; it is a scan",
        Vec::new(),
    )
}

fn write(documents: &[Document]) -> Vec<u8> {
    let mut writer = CsvWriter::new(Vec::new()).expect("header written");
    for document in documents {
        writer.write_document(document).expect("rows written");
    }
    writer.into_inner().expect("flushed")
}

/// Reads the CSV back the way a spreadsheet would, after the BOM.
fn records(bytes: &[u8]) -> Vec<Vec<String>> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").expect("a UTF-8 BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body)
        .records()
        .map(|record| {
            record
                .expect("a valid record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

fn column(name: &str) -> usize {
    CSV_COLUMNS
        .iter()
        .position(|column| column == name)
        .expect("a known column")
}

#[test]
fn header_names_every_column_once() {
    let bytes = write(&[]);
    let rows = records(&bytes);
    assert_eq!(rows.len(), 1);
    let header = &rows[0];
    let expected: Vec<&str> = jixiao_output::INDICATOR_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    assert_eq!(header, &expected);
    assert_eq!(
        header[..6],
        [
            "path",
            "format",
            "sha256",
            "status",
            "error_code",
            "error_message"
        ]
    );
    let unique: std::collections::BTreeSet<&String> = header.iter().collect();
    assert_eq!(unique.len(), header.len());
    assert!(bytes.ends_with(b"other_values\r\n"), "rows end with CRLF");
}

#[test]
fn one_row_per_indicator_with_the_table_fields_and_the_primary_value() {
    let bytes = write(&[rich_document()]);
    let rows = records(&bytes);
    // The header, then the two indicators of table 0; table 1 has no indicators and no row.
    assert_eq!(rows.len(), 3);
    let first = &rows[1];
    assert_eq!(first[column("path")], "archive/租赁, 2021.docx");
    assert_eq!(first[column("format")], "docx");
    assert_eq!(first[column("status")], "ok");
    assert_eq!(first[column("error_code")], "");
    assert_eq!(first[column("table")], "0");
    assert_eq!(first[column("table_kind")], "project");
    assert_eq!(first[column("table_title")], "1、办公场所租赁费绩效目标表");
    assert_eq!(first[column("project_name")], "办公场所租赁费");
    assert_eq!(first[column("project_code")], "930-0801-JBN-T5AG");
    assert_eq!(first[column("department")], "某某局");
    assert_eq!(first[column("project_unit")], "某某中心");
    assert_eq!(first[column("budget_unit")], "万元");
    assert_eq!(first[column("budget_total")], "23.85");
    assert_eq!(first[column("budget_fiscal")], "23.85");
    assert_eq!(first[column("warnings")], "level1_corrected");
    assert_eq!(first[column("page")], "2");
    assert_eq!(first[column("level1")], "产出指标");
    assert_eq!(first[column("level2")], "数量指标");
    assert_eq!(first[column("level3")], "抽检批次, \"重点\"品种");
    assert_eq!(first[column("description")], "全年抽检\n分两次完成");
    assert_eq!(first[column("basis")], "三定方案");
    // The primary value is the annual one, not the half-year column before it.
    assert_eq!(first[column("value_label")], "全年指标值");
    assert_eq!(first[column("value_label_raw")], "全年(程)指标值");
    assert_eq!(first[column("period")], "annual");
    assert_eq!(first[column("raw")], "≥1145批次");
    assert_eq!(first[column("value_kind")], "number");
    assert_eq!(first[column("op")], ">=");
    assert_eq!(first[column("number")], "1145");
    assert_eq!(first[column("value_unit")], "批次");
    assert_eq!(first[column("approx")], "false");
    assert_eq!(
        first[column("other_values")],
        "半年指标值=预计1-2批次; 完成时间=2021年12月30日"
    );
    let second = &rows[2];
    assert_eq!(second[column("description")], "");
    assert_eq!(second[column("value_label")], "指标值");
    assert_eq!(second[column("value_label_raw")], "");
    assert_eq!(second[column("number")], "95");
    assert_eq!(second[column("grade")], "优");
    assert_eq!(second[column("page")], "2");
    assert_eq!(
        second[column("other_values")],
        "指标值2=; 指标值3=是、否; 中长期指标值=12.5万元"
    );
}

/// Cells a spreadsheet would run as formulas start with an apostrophe; numbers never do.
#[test]
fn formula_cells_are_escaped() {
    let mut document = rich_document();
    let table = &mut document.tables[0];
    table.indicators[0].level3 = "=HYPERLINK(\"http://x\")".to_string();
    table.indicators[0].values[1].raw = "=100%".to_string();
    table.indicators[1].values[0].raw = "-".to_string();
    table.indicators[1].description = Some("@SUM(A1)".to_string());
    table.indicators[1].basis = Some("+1".to_string());
    if let Some(parsed) = &mut table.indicators[1].values[0].parsed {
        parsed.number = jixiao_output::Number::new(-5.0);
    }
    let rows = records(&write(&[document]));
    assert_eq!(rows[1][column("level3")], "'=HYPERLINK(\"http://x\")");
    assert_eq!(rows[1][column("raw")], "'=100%");
    assert_eq!(rows[2][column("raw")], "'-");
    assert_eq!(rows[2][column("description")], "'@SUM(A1)");
    assert_eq!(rows[2][column("basis")], "'+1");
    assert_eq!(
        rows[2][column("number")],
        "-5",
        "a number column is not escaped"
    );
}

#[test]
fn fields_are_quoted_as_rfc_4180_says() {
    let bytes = write(&[rich_document()]);
    let text = String::from_utf8(bytes).expect("UTF-8");
    // A comma, a quote and a line break each force quotes; quotes inside are doubled.
    assert!(text.contains("\"archive/租赁, 2021.docx\""), "{text}");
    assert!(text.contains("\"抽检批次, \"\"重点\"\"品种\""), "{text}");
    assert!(text.contains("\"全年抽检\n分两次完成\""), "{text}");
    // A plain field is not quoted.
    assert!(text.contains(",产出指标,数量指标,"), "{text}");
}

#[test]
fn a_failed_document_gives_one_row_with_its_error() {
    let bytes = write(&[failed_document(), rich_document(), failed_document()]);
    let rows = records(&bytes);
    assert_eq!(rows.len(), 1 + 1 + 2 + 1, "the header is written once");
    for row in [&rows[1], &rows[4]] {
        assert_eq!(row.len(), CSV_COLUMNS.len());
        assert_eq!(row[column("path")], "scan.pdf");
        assert_eq!(row[column("format")], "pdf");
        assert_eq!(row[column("status")], "failed");
        assert_eq!(row[column("error_code")], "no_text_layer");
        assert_eq!(
            row[column("error_message")],
            "the PDF has no text layer; it is a scan"
        );
        assert!(row[column("table")..].iter().all(String::is_empty));
        assert_eq!(row[column("sha256")], "");
    }
    let bom_count = bytes.windows(3).filter(|w| *w == b"\xEF\xBB\xBF").count();
    assert_eq!(bom_count, 1);
}

#[test]
fn the_writer_counts_rows_without_the_header() {
    let mut writer = CsvWriter::new(Vec::new()).expect("header");
    writer
        .write_document(&rich_document())
        .expect("rows written");
    writer
        .write_document(&failed_document())
        .expect("rows written");
    assert_eq!(writer.rows(), 3);
}

/// The split and scoring columns of an indicator (指标性质, 度量单位, 分值, 得分, 评分标准, 绩效标准,
/// 偏差原因) have columns of their own, as written.
#[test]
fn indicator_fields_have_columns() {
    let mut document = rich_document();
    let indicator = &mut document.tables[0].indicators[0];
    indicator.nature = Some("≥".to_string());
    indicator.unit = Some("批次".to_string());
    indicator.weight = Some("10".to_string());
    indicator.score = Some("9.5".to_string());
    indicator.scoring = Some("每少1批次扣1分".to_string());
    indicator.standard = Some("计划标准".to_string());
    indicator.deviation = Some("疫情影响".to_string());
    let rows = records(&write(&[document]));
    let expected = [
        ("nature", "≥"),
        ("unit", "批次"),
        ("weight", "10"),
        ("score", "9.5"),
        ("scoring", "每少1批次扣1分"),
        ("standard", "计划标准"),
        ("deviation", "疫情影响"),
    ];
    for (name, value) in expected {
        assert_eq!(rows[1][column(name)], value, "{name}");
    }
    // The second indicator has only 指标性质, 度量单位 and 分值 columns.
    let second: Vec<&str> = expected
        .iter()
        .map(|(name, _)| rows[2][column(name)].as_str())
        .collect();
    assert_eq!(second, ["≥", "%", "10", "", "", "", ""]);
}
