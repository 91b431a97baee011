//! CSV output: one row per indicator, for users who open the results in a spreadsheet.
//!
//! The columns are [`INDICATOR_COLUMNS`] (see [`crate::indicator_rows`] for what a row holds).
//! The file is UTF-8 with a byte order mark, because Excel otherwise reads UTF-8 as the
//! system's ANSI code page and garbles every Chinese character; fields are quoted as RFC 4180
//! says (only when they hold a comma, a quote or a line break) and rows end with CRLF.
//!
//! **Formula escaping:** a spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a
//! tab or carriage return before one) as a formula, so a value written `=100%` or a hostile
//! `=HYPERLINK(…)` would be executed rather than shown. Every text cell that starts with one of
//! those characters is written with a leading apostrophe (`'=100%`), which Excel and LibreOffice
//! show as the text itself and do not run. Number columns are written by jixiao itself and are
//! never escaped (`-5` stays a number). The JSON and xlsx outputs hold the text unchanged.

use std::io::{self, Write};

use crate::Document;
use crate::rows::{Cell, INDICATOR_COLUMNS, indicator_rows};

/// Every column, in order: the names of [`INDICATOR_COLUMNS`].
pub static CSV_COLUMNS: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    INDICATOR_COLUMNS
        .iter()
        .map(|(name, _)| name.to_string())
        .collect()
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
        for row in indicator_rows(document) {
            let fields: Vec<String> = row
                .cells()
                .iter()
                .map(|cell| match cell {
                    Cell::Text(_) => csv_escape(&cell.to_text()),
                    _ => cell.to_text(),
                })
                .collect();
            self.write_fields(fields.iter().map(String::as_str))?;
            self.rows += 1;
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

    fn write_fields<'a>(&mut self, fields: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
        self.inner.write_record(fields).map_err(into_io)
    }
}

/// A text cell as a spreadsheet must receive it: with a leading apostrophe when it starts with
/// `=`, `+`, `-`, `@`, a tab or a carriage return (see the module overview).
///
/// ```
/// use jixiao_output::csv_escape;
/// assert_eq!(csv_escape("=100%"), "'=100%");
/// assert_eq!(csv_escape("-"), "'-");
/// assert_eq!(csv_escape("≥95%"), "≥95%");
/// ```
pub fn csv_escape(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
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
