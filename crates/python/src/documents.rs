//! One row per document, for `jixiao.spark.read_tables`: the fields a user filters on, and the
//! whole document as its JSON text (the CLI's compact JSON Lines line) in `document`, which
//! Spark's `from_json` or Python's `json.loads` open.

use std::sync::{Arc, LazyLock};

use arrow_array::builder::{Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};
use jixiao::Document;

/// The columns: name and type. Every column is nullable.
const COLUMNS: [(&str, DataType); 12] = [
    ("path", DataType::Utf8),
    ("format", DataType::Utf8),
    ("status", DataType::Utf8),
    ("error_code", DataType::Utf8),
    ("error_message", DataType::Utf8),
    ("title", DataType::Utf8),
    ("tables", DataType::Int64),
    ("indicators", DataType::Int64),
    ("warnings", DataType::Int64),
    ("bytes", DataType::Int64),
    ("sha256", DataType::Utf8),
    ("document", DataType::Utf8),
];

pub fn schema() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(
            COLUMNS
                .iter()
                .map(|(name, data_type)| Field::new(*name, data_type.clone(), true))
                .collect::<Vec<_>>(),
        ))
    });
    Arc::clone(&SCHEMA)
}

/// Gathers documents into one record batch of [`schema`].
#[derive(Debug, Default)]
pub struct DocumentBatchBuilder {
    path: StringBuilder,
    format: StringBuilder,
    status: StringBuilder,
    error_code: StringBuilder,
    error_message: StringBuilder,
    title: StringBuilder,
    tables: Int64Builder,
    indicators: Int64Builder,
    warnings: Int64Builder,
    bytes: Int64Builder,
    sha256: StringBuilder,
    document: StringBuilder,
}

impl DocumentBatchBuilder {
    pub fn push(&mut self, document: &Document) -> Result<(), ArrowError> {
        let json = jixiao_output::json_compact(document)
            .map_err(|error| ArrowError::ExternalError(Box::new(error)))?;
        let error = document.error.as_ref();
        let warnings = document.warnings.len()
            + document
                .tables
                .iter()
                .map(|table| table.warnings.len())
                .sum::<usize>();
        self.path.append_value(&document.source.path);
        self.format
            .append_option(document.source.format.map(|format| format.name()));
        self.status.append_value(document.status.name());
        self.error_code
            .append_option(error.map(|error| error.code.name()));
        self.error_message
            .append_option(error.map(|error| error.message.as_str()));
        self.title.append_option(document.title.as_deref());
        self.tables.append_value(count(document.tables.len()));
        self.indicators
            .append_value(count(document.indicator_count()));
        self.warnings.append_value(count(warnings));
        self.bytes.append_option(
            document
                .source
                .bytes
                .map(|bytes| i64::try_from(bytes).unwrap_or(i64::MAX)),
        );
        self.sha256.append_option(document.source.sha256.as_deref());
        self.document.append_value(json);
        Ok(())
    }

    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let arrays: Vec<ArrayRef> = vec![
            Arc::new(self.path.finish()),
            Arc::new(self.format.finish()),
            Arc::new(self.status.finish()),
            Arc::new(self.error_code.finish()),
            Arc::new(self.error_message.finish()),
            Arc::new(self.title.finish()),
            Arc::new(self.tables.finish()),
            Arc::new(self.indicators.finish()),
            Arc::new(self.warnings.finish()),
            Arc::new(self.bytes.finish()),
            Arc::new(self.sha256.finish()),
            Arc::new(self.document.finish()),
        ];
        RecordBatch::try_new(schema(), arrays)
    }
}

fn count(value: usize) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}
