//! Parquet: the CSV's rows (`IndicatorRow`) with typed columns, read back with the parquet
//! crate's own reader, through the library writer and through `jixiao extract --format parquet`.

use arrow_array::{Array, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray};
use jixiao_output::{
    Cell, Document, ErrorCode, INDICATOR_COLUMNS, ParquetWriter, Source, indicator_rows,
    row_schema, rows_batch,
};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::util::{repo_root, rich_extraction, run_jixiao, temp_tree};

fn read_back(bytes: Vec<u8>) -> (Vec<RecordBatch>, usize) {
    use std::io::Write;
    let mut file = tempfile::tempfile().expect("a temporary file");
    file.write_all(&bytes).expect("written");
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).expect("a Parquet file");
    let row_groups = builder.metadata().num_row_groups();
    let batches = builder
        .build()
        .expect("a reader")
        .collect::<Result<Vec<_>, _>>()
        .expect("every batch reads");
    (batches, row_groups)
}

fn documents() -> Vec<Document> {
    let mut source = Source::new("archive/租赁.docx");
    source.format = Some(jixiao_output::Format::Docx);
    let rich = Document::from_extraction(source, Vec::new(), rich_extraction());
    let failed = Document::failed(
        Source::new("scan.pdf"),
        ErrorCode::NoTextLayer,
        "the PDF has no text layer; it is a scan",
        Vec::new(),
    );
    vec![failed, rich]
}

fn text<'a>(batch: &'a RecordBatch, name: &str) -> &'a StringArray {
    batch
        .column_by_name(name)
        .and_then(|column| column.as_any().downcast_ref::<StringArray>())
        .expect("a text column")
}

fn float<'a>(batch: &'a RecordBatch, name: &str) -> &'a Float64Array {
    batch
        .column_by_name(name)
        .and_then(|column| column.as_any().downcast_ref::<Float64Array>())
        .expect("a float column")
}

fn integer<'a>(batch: &'a RecordBatch, name: &str) -> &'a Int64Array {
    batch
        .column_by_name(name)
        .and_then(|column| column.as_any().downcast_ref::<Int64Array>())
        .expect("an integer column")
}

/// One cell of a batch as the text the CSV writes before formula escaping.
fn cell_text(batch: &RecordBatch, column: usize, row: usize) -> String {
    let array = batch.column(column);
    if array.is_null(row) {
        return String::new();
    }
    let any = array.as_any();
    if let Some(text) = any.downcast_ref::<StringArray>() {
        text.value(row).to_string()
    } else if let Some(number) = any.downcast_ref::<Float64Array>() {
        Cell::Number(Some(number.value(row))).to_text()
    } else if let Some(integer) = any.downcast_ref::<Int64Array>() {
        integer.value(row).to_string()
    } else if let Some(boolean) = any.downcast_ref::<BooleanArray>() {
        boolean.value(row).to_string()
    } else {
        panic!(
            "column {column} has an unexpected type {:?}",
            array.data_type()
        )
    }
}

#[test]
fn the_writer_gives_back_the_typed_rows() {
    let documents = documents();
    let mut writer = ParquetWriter::new(Vec::new()).expect("a writer");
    for document in &documents {
        writer.write_document(document).expect("rows written");
    }
    assert_eq!(writer.rows(), 3);
    let (batches, _) = read_back(writer.finish().expect("a footer"));
    let expected = rows_batch(&documents).expect("a batch");
    assert_eq!(batches.len(), 1);
    let read = batches.into_iter().next().expect("one batch");
    assert_eq!(read.schema(), row_schema());
    assert_eq!(read, expected);

    // Every cell is the one the CSV and xlsx writers write for the same row.
    let rows: Vec<_> = documents.iter().flat_map(indicator_rows).collect();
    assert_eq!(rows.len(), read.num_rows());
    for (index, row) in rows.iter().enumerate() {
        for (column, cell) in row.cells().iter().enumerate() {
            assert_eq!(
                cell_text(&read, column, index),
                cell.to_text(),
                "row {index}, column {}",
                INDICATOR_COLUMNS[column].0
            );
        }
    }

    // The failed document: one row with its error and nothing else.
    assert_eq!(text(&read, "status").value(0), "failed");
    assert_eq!(text(&read, "error_code").value(0), "no_text_layer");
    assert!(text(&read, "level1").is_null(0));
    assert!(integer(&read, "table").is_null(0));
    // The indicators: the primary value parsed into typed columns.
    assert_eq!(integer(&read, "table").value(1), 0);
    assert_eq!(text(&read, "value_kind").value(1), "number");
    assert_eq!(text(&read, "op").value(1), ">=");
    assert_eq!(float(&read, "number").value(1), 1145.0);
    assert_eq!(text(&read, "value_unit").value(1), "批次");
    assert!(float(&read, "low").is_null(1));
    assert_eq!(float(&read, "budget_total").value(1), 23.85);
    assert_eq!(integer(&read, "page").value(1), 2);
    let approx = read
        .column_by_name("approx")
        .and_then(|column| column.as_any().downcast_ref::<BooleanArray>())
        .expect("a boolean column");
    assert!(!approx.value(1));
    assert_eq!(float(&read, "number").value(2), 95.0);
    assert!(
        text(&read, "description").is_null(2),
        "an absent field is null"
    );
}

#[test]
fn an_output_without_rows_is_a_readable_file() {
    let writer = ParquetWriter::new(Vec::new()).expect("a writer");
    let (batches, row_groups) = read_back(writer.finish().expect("a footer"));
    assert!(batches.is_empty());
    assert_eq!(row_groups, 0);
}

#[test]
fn many_documents_are_written_in_several_row_groups() {
    let documents = documents();
    let per_document = indicator_rows(&documents[1]).len();
    let mut writer = ParquetWriter::new(Vec::new()).expect("a writer");
    let copies = jixiao_output::parquet::ROW_GROUP_ROWS / per_document + 1;
    for _ in 0..copies {
        writer.write_document(&documents[1]).expect("rows written");
    }
    let (batches, row_groups) = read_back(writer.finish().expect("a footer"));
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    assert_eq!(rows, copies * per_document);
    assert_eq!(row_groups, 2);
}

#[test]
fn cli_writes_parquet_with_the_rows_of_the_csv() {
    let dir = temp_tree(&[]);
    let fixtures = repo_root().join("fixtures/text");
    let out = dir.path().join("rows.parquet");
    let (fixtures, out_arg) = (fixtures.to_string_lossy(), out.to_string_lossy());
    let output = run_jixiao(
        dir.path(),
        &[
            "extract", &fixtures, "--format", "parquet", "-o", &out_arg, "-q",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let csv_output = run_jixiao(dir.path(), &["extract", &fixtures, "--format", "csv"], b"");
    let csv_rows: Vec<csv::StringRecord> = csv::Reader::from_reader(&csv_output.stdout[3..])
        .records()
        .collect::<Result<_, _>>()
        .expect("CSV rows");
    let (batches, _) = read_back(std::fs::read(&out).expect("the file"));
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    assert!(rows > 100);
    assert_eq!(rows, csv_rows.len());
    // Same rows in the same order: the paths and the raw values agree row by row.
    let mut csv_rows = csv_rows.iter();
    let raw = INDICATOR_COLUMNS
        .iter()
        .position(|(name, _)| *name == "raw")
        .expect("a raw column");
    for batch in &batches {
        for row in 0..batch.num_rows() {
            let csv_row = csv_rows.next().expect("as many CSV rows");
            assert_eq!(cell_text(batch, 0, row), csv_row[0]);
            let shown = cell_text(batch, raw, row);
            assert_eq!(jixiao_output::csv_escape(&shown), csv_row[raw]);
        }
    }
    // Piped to another program, the file goes to standard output.
    let piped = run_jixiao(
        dir.path(),
        &["extract", &fixtures, "--format", "parquet", "-q"],
        b"",
    );
    assert_eq!(piped.status.code(), Some(0), "{piped:?}");
    assert_eq!(piped.stdout, std::fs::read(&out).expect("the file"));
}
