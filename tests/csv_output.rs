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
    assert_eq!(header.len(), 14 + 27 + 1);
    assert_eq!(
        header[..5],
        ["path", "format", "status", "error_code", "error_message"]
    );
    assert_eq!(header[14], "value1_label");
    assert_eq!(header[22], "value1_unit");
    assert_eq!(header[40], "value3_unit");
    assert_eq!(header[41], "more_values");
    assert!(bytes.ends_with(b"more_values\r\n"), "rows end with CRLF");
}

#[test]
fn one_row_per_indicator_with_value_slots() {
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
    assert_eq!(first[column("table_title")], "1、办公场所租赁费绩效目标表");
    assert_eq!(first[column("project_name")], "办公场所租赁费");
    assert_eq!(first[column("project_code")], "930-0801-JBN-T5AG");
    assert_eq!(first[column("level1")], "产出指标");
    assert_eq!(first[column("level2")], "数量指标");
    assert_eq!(first[column("level3")], "抽检批次, \"重点\"品种");
    assert_eq!(first[column("description")], "全年抽检\n分两次完成");
    assert_eq!(first[column("basis")], "三定方案");
    assert_eq!(first[column("value1_label")], "半年(程)指标值");
    assert_eq!(first[column("value1_period")], "half_year");
    assert_eq!(first[column("value1_kind")], "range");
    assert_eq!(first[column("value1_low")], "1");
    assert_eq!(first[column("value1_high")], "2");
    assert_eq!(first[column("value1_unit")], "批次");
    assert_eq!(first[column("value2_raw")], "≥1145批次");
    assert_eq!(first[column("value2_op")], ">=");
    assert_eq!(first[column("value2_number")], "1145");
    assert_eq!(first[column("value3_kind")], "date");
    assert_eq!(first[column("value3_number")], "");
    assert_eq!(first[column("more_values")], "");
    let second = &rows[2];
    assert_eq!(second[column("description")], "");
    assert_eq!(second[column("value1_number")], "95");
    // An empty value cell keeps its slot: label and raw, no kind.
    assert_eq!(second[column("value2_label")], "指标值2");
    assert_eq!(second[column("value2_kind")], "");
    assert_eq!(second[column("value3_kind")], "boolean");
    // The fourth value goes into `more_values`.
    assert_eq!(second[column("more_values")], "中长期指标值=12.5万元");
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
