//! # jixiao-output
//!
//! The edge of jixiao that knows JSON: the serde types of SPEC.md ([`Document`] and everything
//! under it), their conversion from the normaliser's plain Rust model, the JSON Schema they
//! follow ([`schema_json`]), and the tabular writers, all on the one row type
//! ([`IndicatorRow`]): CSV ([`CsvWriter`]), xlsx ([`XlsxWriter`]), the same rows as typed Arrow
//! columns ([`arrow_rows`]) and Parquet ([`ParquetWriter`]).
//!
//! ```
//! use jixiao_output::{Document, Source, Status};
//! use jixiao_normalize::Extraction;
//!
//! let source = Source::new("empty.txt");
//! let document = Document::from_extraction(source, Vec::new(), Extraction::default());
//! // A readable file without any performance target table is `empty`, not a failure.
//! assert_eq!(document.status, Status::Empty);
//! assert_eq!(document.error.as_ref().map(|e| e.code.name()), Some("no_tables"));
//! let json = serde_json::to_string(&document)?;
//! assert!(json.starts_with(r#"{"schema_version":"1","generator":"jixiao "#));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! **Status rule** (the one place it is decided, [`Document::from_extraction`]): `failed` when
//! the file could not be read (or hit a bug); `empty` when it was read but holds no table (error
//! code `no_tables`); `partial` when tables were read but some warning, of the document or of a
//! table, says content was lost; else `ok`.
//!
//! **Boundary:** nothing outside this crate serialises; the other crates stay plain Rust.

pub mod arrow_rows;
mod convert;
mod csv_rows;
pub mod inspect;
mod json;
mod labels;
pub mod parquet;
pub mod review;
mod rows;
mod schema;
mod types;
mod xlsx;

pub use arrow_rows::{RowBatchBuilder, row_schema, rows_batch};
pub use csv_rows::{CSV_COLUMNS, CsvWriter, csv_escape, csv_header, csv_rows};
pub use json::{document_from_json, json_compact, json_line, json_pretty, recorded_sha256};
pub use labels::value_label;
pub use parquet::ParquetWriter;
pub use rows::{Cell, ColumnType, INDICATOR_COLUMNS, IndicatorRow, indicator_rows};
pub use schema::{schema, schema_json};
pub use types::*;
pub use xlsx::{DOCUMENT_COLUMNS, TABLE_COLUMNS, XlsxWriter};

use jixiao_grid::Diagnostic;
use jixiao_normalize::Extraction;

/// The value of `generator`: this program and its version.
pub const GENERATOR: &str = concat!("jixiao ", env!("CARGO_PKG_VERSION"));

/// The message of a `no_tables` document.
pub const NO_TABLES_MESSAGE: &str = "the file was read, but it holds no performance target table \
     (绩效目标表): no table with 一级指标 / 二级指标 / 三级指标 columns was found";

impl Source {
    /// A source known only by its path: format, size and hash unknown.
    pub fn new(path: impl Into<String>) -> Self {
        Source {
            path: path.into(),
            path_bytes: None,
            format: None,
            bytes: None,
            sha256: None,
            encoding: None,
            pages: None,
        }
    }
}

impl Document {
    /// A document that failed with `code`, keeping what was noticed before the failure. With
    /// `no_tables` the status is `empty`: the file was read, it just holds no table.
    pub fn failed(
        source: Source,
        code: ErrorCode,
        message: impl Into<String>,
        warnings: Vec<Warning>,
    ) -> Self {
        Document {
            schema_version: SCHEMA_VERSION.to_string(),
            generator: GENERATOR.to_string(),
            source,
            status: if code == ErrorCode::NoTables {
                Status::Empty
            } else {
                Status::Failed
            },
            error: Some(DocumentError {
                code,
                message: message.into(),
            }),
            title: None,
            tables: Vec::new(),
            warnings,
        }
    }

    /// The document of a file that was read: the reader's diagnostics come first in the
    /// warnings, then the normaliser's document-level ones. The status follows the rule in the
    /// crate overview; a file without tables is `empty` with the error code `no_tables`.
    pub fn from_extraction(
        source: Source,
        reader_diagnostics: Vec<Diagnostic>,
        extraction: Extraction,
    ) -> Self {
        let warnings: Vec<Warning> = reader_diagnostics
            .into_iter()
            .chain(extraction.warnings)
            .map(Warning::from)
            .collect();
        if extraction.tables.is_empty() {
            let mut document =
                Document::failed(source, ErrorCode::NoTables, NO_TABLES_MESSAGE, warnings);
            document.title = extraction.title;
            return document;
        }
        let mut tables: Vec<Table> = extraction.tables.into_iter().map(Table::from).collect();
        for table in &mut tables {
            if let Some(year) = labels::table_year(table, extraction.title.as_deref()) {
                labels::fill_year(table, year);
            }
        }
        let lost = warnings.iter().any(|warning| warning.lost)
            || tables
                .iter()
                .flat_map(|table| &table.warnings)
                .any(|warning| warning.lost);
        Document {
            schema_version: SCHEMA_VERSION.to_string(),
            generator: GENERATOR.to_string(),
            source,
            status: if lost { Status::Partial } else { Status::Ok },
            error: None,
            title: extraction.title,
            tables,
            warnings,
        }
    }

    /// The number of indicators over all tables.
    pub fn indicator_count(&self) -> usize {
        self.tables.iter().map(|table| table.indicators.len()).sum()
    }
}
