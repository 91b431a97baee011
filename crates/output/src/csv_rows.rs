//! CSV output: one row per indicator, for users who open the results in a spreadsheet.
//!
//! The file is UTF-8 with a byte order mark, because Excel otherwise reads UTF-8 as the
//! system's ANSI code page and garbles every Chinese character; fields are quoted as RFC 4180
//! says (only when they hold a comma, a quote or a line break) and rows end with CRLF.
//!
//! Rows: every indicator of every table gives one row, with its document's and table's columns
//! repeated; a failed document gives one row that carries its error and nothing else; a document
//! whose tables have no indicators gives no row. The first [`VALUE_SLOTS`] values of an
//! indicator get columns of their own; the rest go into `more_values` as `label=raw; …`.

use std::io::{self, Write};

use crate::{Document, Indicator, Number, Parsed, Table, Value};

/// How many values of an indicator get columns of their own.
pub const VALUE_SLOTS: usize = 3;

/// The columns before the value slots.
const LEADING_COLUMNS: [&str; 14] = [
    "path",
    "format",
    "status",
    "error_code",
    "error_message",
    "table",
    "table_title",
    "project_name",
    "project_code",
    "level1",
    "level2",
    "level3",
    "description",
    "basis",
];

/// The columns of each value slot, after the `valueN_` prefix.
const SLOT_COLUMNS: [&str; 9] = [
    "label", "period", "raw", "kind", "op", "number", "low", "high", "unit",
];

/// Every column, in order: the leading ones, `value1_label` … `value3_unit`, `more_values`.
pub static CSV_COLUMNS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut columns: Vec<String> = LEADING_COLUMNS.iter().map(|c| c.to_string()).collect();
    for slot in 1..=VALUE_SLOTS {
        for column in SLOT_COLUMNS {
            columns.push(format!("value{slot}_{column}"));
        }
    }
    columns.push("more_values".to_string());
    columns
});

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Writes documents as CSV rows. The byte order mark and the header are written by
/// [`CsvWriter::new`], once per output, so that even an output without rows opens with its
/// columns named.
#[derive(Debug)]
pub struct CsvWriter<W: Write> {
    inner: csv::Writer<W>,
    rows: u64,
}

impl<W: Write> CsvWriter<W> {
    /// Starts a CSV output: writes the byte order mark and the header.
    pub fn new(mut output: W) -> io::Result<Self> {
        output.write_all(BOM)?;
        let inner = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(output);
        let mut writer = CsvWriter { inner, rows: 0 };
        writer.write_fields(CSV_COLUMNS.iter().map(String::as_str))?;
        Ok(writer)
    }

    /// Writes the rows of one document.
    pub fn write_document(&mut self, document: &Document) -> io::Result<()> {
        let path = document.source.path.as_str();
        let format = document.source.format.map_or("", |format| format.name());
        let status = document.status.name();
        if let Some(error) = &document.error {
            let mut row = vec![String::new(); CSV_COLUMNS.len()];
            row[0] = path.to_string();
            row[1] = format.to_string();
            row[2] = status.to_string();
            row[3] = error.code.name().to_string();
            row[4] = error.message.clone();
            return self.write_row(row.iter().map(String::as_str));
        }
        for (index, table) in document.tables.iter().enumerate() {
            for indicator in &table.indicators {
                let row = indicator_row([path, format, status], index, table, indicator);
                self.write_row(row.iter().map(String::as_str))?;
            }
        }
        Ok(())
    }

    /// The number of rows written, the header not counted.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Flushes what is buffered to the output.
    pub fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }

    /// Flushes and returns the output.
    pub fn into_inner(self) -> io::Result<W> {
        self.inner
            .into_inner()
            .map_err(|error| io::Error::new(error.error().kind(), error.to_string()))
    }

    fn write_row<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        self.write_fields(fields)?;
        self.rows += 1;
        Ok(())
    }

    fn write_fields<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        self.inner.write_record(fields).map_err(into_io)
    }
}

/// The byte order mark and the header row: how every CSV output starts.
pub fn csv_header() -> io::Result<Vec<u8>> {
    CsvWriter::new(Vec::new())?.into_inner()
}

/// The rows of one document as CSV bytes, without byte order mark or header: what a
/// [`CsvWriter`] writes for it. The batch engine serialises documents with this on its worker
/// threads and only copies the bytes out in order.
pub fn csv_rows(document: &Document) -> io::Result<Vec<u8>> {
    let inner = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut writer = CsvWriter { inner, rows: 0 };
    writer.write_document(document)?;
    writer.into_inner()
}

/// Keeps the kind of an I/O error (a closed pipe must stay recognisable) and wraps the rest.
fn into_io(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

fn indicator_row(
    document: [&str; 3],
    index: usize,
    table: &Table,
    indicator: &Indicator,
) -> Vec<String> {
    let mut row: Vec<String> = Vec::with_capacity(CSV_COLUMNS.len());
    row.extend(document.iter().map(|field| field.to_string()));
    row.push(String::new());
    row.push(String::new());
    row.push(index.to_string());
    row.push(text(&table.title));
    row.push(text(&table.project.name));
    row.push(text(&table.project.code));
    row.push(indicator.level1.clone());
    row.push(indicator.level2.clone());
    row.push(indicator.level3.clone());
    row.push(text(&indicator.description));
    row.push(text(&indicator.basis));
    for slot in 0..VALUE_SLOTS {
        match indicator.values.get(slot) {
            Some(value) => row.extend(slot_fields(value)),
            None => row.extend(std::iter::repeat_n(String::new(), SLOT_COLUMNS.len())),
        }
    }
    let more: Vec<String> = indicator
        .values
        .iter()
        .skip(VALUE_SLOTS)
        .map(|value| format!("{}={}", value.label, value.raw))
        .collect();
    row.push(more.join("; "));
    row
}

/// The nine columns of one value slot.
fn slot_fields(value: &Value) -> [String; 9] {
    let parsed: Option<&Parsed> = value.parsed.as_ref();
    [
        value.label.clone(),
        value
            .period
            .map_or(String::new(), |period| period.name().to_string()),
        value.raw.clone(),
        parsed.map_or(String::new(), |parsed| parsed.kind.name().to_string()),
        parsed
            .and_then(|parsed| parsed.op)
            .map_or(String::new(), |op| op.symbol().to_string()),
        number(parsed.and_then(|parsed| parsed.number)),
        number(parsed.and_then(|parsed| parsed.low)),
        number(parsed.and_then(|parsed| parsed.high)),
        parsed
            .and_then(|parsed| parsed.unit.clone())
            .unwrap_or_default(),
    ]
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn number(value: Option<Number>) -> String {
    value.map_or(String::new(), |number| number.to_string())
}
