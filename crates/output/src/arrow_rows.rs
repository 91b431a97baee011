//! The indicator rows as typed Arrow columns: what `jixiao extract --format parquet` writes and
//! what the Python package's `to_arrow` and Spark readers return.
//!
//! The rows and their columns are [`IndicatorRow`] and [`INDICATOR_COLUMNS`], the ones the CSV
//! and xlsx outputs write: this module only gives each column its Arrow type from its
//! [`ColumnType`] (text `Utf8`, number `Float64`, integer `Int64`, boolean `Boolean`; every
//! column nullable, an absent field is a null). So a column added to the rows appears here
//! without a change.
//!
//! Integers are `Int64` rather than `UInt32` because Spark has no unsigned types.

use std::sync::{Arc, LazyLock};

use arrow_array::builder::{BooleanBuilder, Float64Builder, Int64Builder, StringBuilder};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef};

use crate::Document;
use crate::rows::{Cell, ColumnType, INDICATOR_COLUMNS, IndicatorRow, indicator_rows};

/// The Arrow type of a column type.
pub fn data_type(column_type: ColumnType) -> DataType {
    match column_type {
        ColumnType::Text => DataType::Utf8,
        ColumnType::Number => DataType::Float64,
        ColumnType::Integer => DataType::Int64,
        ColumnType::Boolean => DataType::Boolean,
    }
}

/// The Arrow schema of the indicator rows: [`INDICATOR_COLUMNS`] in order, every column
/// nullable.
pub fn row_schema() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        let fields: Vec<Field> = INDICATOR_COLUMNS
            .iter()
            .map(|(name, column_type)| Field::new(*name, data_type(*column_type), true))
            .collect();
        Arc::new(Schema::new(fields))
    });
    Arc::clone(&SCHEMA)
}

/// One column being built.
#[derive(Debug)]
enum ColumnBuilder {
    Text(StringBuilder),
    Number(Float64Builder),
    Integer(Int64Builder),
    Boolean(BooleanBuilder),
}

impl ColumnBuilder {
    fn new(column_type: ColumnType) -> Self {
        match column_type {
            ColumnType::Text => ColumnBuilder::Text(StringBuilder::new()),
            ColumnType::Number => ColumnBuilder::Number(Float64Builder::new()),
            ColumnType::Integer => ColumnBuilder::Integer(Int64Builder::new()),
            ColumnType::Boolean => ColumnBuilder::Boolean(BooleanBuilder::new()),
        }
    }

    /// Appends one cell; a cell of another type than the column's is a bug in
    /// [`IndicatorRow::cells`], which a unit test of `rows` rules out.
    fn append(&mut self, cell: Cell<'_>) -> Result<(), ArrowError> {
        match (self, cell) {
            (ColumnBuilder::Text(builder), Cell::Text(text)) => builder.append_option(text),
            (ColumnBuilder::Number(builder), Cell::Number(number)) => builder.append_option(number),
            (ColumnBuilder::Integer(builder), Cell::Integer(integer)) => {
                builder.append_option(integer.map(i64::from))
            }
            (ColumnBuilder::Boolean(builder), Cell::Boolean(boolean)) => {
                builder.append_option(boolean)
            }
            (builder, cell) => {
                return Err(ArrowError::SchemaError(format!(
                    "the cell {cell:?} does not fit the column {builder:?}"
                )));
            }
        }
        Ok(())
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Text(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Number(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Integer(builder) => Arc::new(builder.finish()),
            ColumnBuilder::Boolean(builder) => Arc::new(builder.finish()),
        }
    }
}

/// Gathers indicator rows into Arrow record batches of [`row_schema`].
#[derive(Debug)]
pub struct RowBatchBuilder {
    columns: Vec<ColumnBuilder>,
    rows: usize,
}

impl Default for RowBatchBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl RowBatchBuilder {
    pub fn new() -> Self {
        RowBatchBuilder {
            columns: INDICATOR_COLUMNS
                .iter()
                .map(|(_, column_type)| ColumnBuilder::new(*column_type))
                .collect(),
            rows: 0,
        }
    }

    /// Adds one row.
    pub fn push_row(&mut self, row: &IndicatorRow) -> Result<(), ArrowError> {
        for (builder, cell) in self.columns.iter_mut().zip(row.cells()) {
            builder.append(cell)?;
        }
        self.rows += 1;
        Ok(())
    }

    /// Adds the rows of one document (see [`indicator_rows`]).
    pub fn push_document(&mut self, document: &Document) -> Result<(), ArrowError> {
        for row in indicator_rows(document) {
            self.push_row(&row)?;
        }
        Ok(())
    }

    /// The number of rows added since the last [`RowBatchBuilder::finish`].
    pub fn len(&self) -> usize {
        self.rows
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// The rows added so far as one record batch; the builder starts empty again.
    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(ColumnBuilder::finish).collect();
        self.rows = 0;
        RecordBatch::try_new(row_schema(), arrays)
    }
}

/// The indicator rows of documents as one record batch.
pub fn rows_batch<'a>(
    documents: impl IntoIterator<Item = &'a Document>,
) -> Result<RecordBatch, ArrowError> {
    let mut builder = RowBatchBuilder::new();
    for document in documents {
        builder.push_document(document)?;
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use arrow_array::{Array, BooleanArray, Float64Array, Int64Array, StringArray};

    use super::*;

    #[test]
    fn the_schema_is_the_indicator_columns_typed() {
        let schema = row_schema();
        let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let columns: Vec<&str> = INDICATOR_COLUMNS.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, columns);
        let typed = |name: &str| {
            schema
                .field_with_name(name)
                .map(|field| field.data_type().clone())
                .ok()
        };
        for name in ["number", "low", "high", "budget_total"] {
            assert_eq!(typed(name), Some(DataType::Float64), "{name}");
        }
        for name in ["op", "value_unit", "date", "value_kind", "raw", "path"] {
            assert_eq!(typed(name), Some(DataType::Utf8), "{name}");
        }
        assert_eq!(typed("table"), Some(DataType::Int64));
        assert_eq!(typed("page"), Some(DataType::Int64));
        assert_eq!(typed("approx"), Some(DataType::Boolean));
        assert!(schema.fields().iter().all(|field| field.is_nullable()));
    }

    #[test]
    fn a_row_becomes_typed_cells_and_absent_fields_nulls() {
        let row = IndicatorRow {
            path: "a.docx".to_string(),
            status: "ok".to_string(),
            table: Some(2),
            op: Some(">=".to_string()),
            number: Some(1145.0),
            value_unit: Some("批次".to_string()),
            approx: Some(false),
            ..IndicatorRow::default()
        };
        let mut builder = RowBatchBuilder::new();
        builder.push_row(&row).expect("a row");
        builder.push_row(&IndicatorRow::default()).expect("a row");
        assert_eq!(builder.len(), 2);
        let batch = builder.finish().expect("a batch");
        assert!(builder.is_empty());
        let column = |name: &str| batch.column_by_name(name).expect("a column").clone();
        let text = column("op");
        let text = text.as_any().downcast_ref::<StringArray>().expect("text");
        assert_eq!(text.value(0), ">=");
        assert!(text.is_null(1));
        let number = column("number");
        let number = number.as_any().downcast_ref::<Float64Array>().expect("f64");
        assert_eq!(number.value(0), 1145.0);
        assert!(number.is_null(1));
        let table = column("table");
        let table = table.as_any().downcast_ref::<Int64Array>().expect("i64");
        assert_eq!(table.value(0), 2);
        assert!(table.is_null(1));
        let approx = column("approx");
        let approx = approx
            .as_any()
            .downcast_ref::<BooleanArray>()
            .expect("bool");
        assert!(!approx.value(0));
        assert!(approx.is_null(1));
        let description = column("description");
        assert_eq!(description.null_count(), 2);
    }
}
