//! Parquet output: the indicator rows of [`crate::arrow_rows`], written as they come.
//!
//! Rows are gathered into record batches of [`BATCH_ROWS`] and handed to the Parquet encoder,
//! which closes a row group every [`ROW_GROUP_ROWS`] rows. The encoder writes into a buffer
//! that is emptied into the output after each batch. What is held in memory is one batch and
//! one row group being encoded, whatever the number of documents: memory stays flat as a run
//! grows. Columns are Snappy-compressed, which every Parquet reader (Spark, PyArrow, DuckDB,
//! pandas) reads.
//!
//! The output needs no `Send` bound (the Parquet encoder wants one), so the writer can write to
//! standard output or to the command line's atomic file like the other writers.

use std::io::{self, Write};
use std::sync::{Arc, Mutex, PoisonError};

use arrow_schema::ArrowError;
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::errors::ParquetError;
use parquet::file::properties::WriterProperties;

use crate::arrow_rows::{RowBatchBuilder, row_schema};
use crate::{Document, GENERATOR};

/// Rows gathered before they are handed to the Parquet encoder.
pub const BATCH_ROWS: usize = 4096;

/// Rows per Parquet row group.
pub const ROW_GROUP_ROWS: usize = 32 * 1024;

/// The encoder's output: bytes waiting to be copied to the real output.
#[derive(Debug, Clone, Default)]
struct SharedBuffer(Arc<Mutex<Vec<u8>>>);

impl SharedBuffer {
    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Writes documents' indicator rows as one Parquet file.
pub struct ParquetWriter<W: Write> {
    encoder: ArrowWriter<SharedBuffer>,
    encoded: SharedBuffer,
    output: W,
    batch: RowBatchBuilder,
    rows: u64,
}

impl<W: Write> std::fmt::Debug for ParquetWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetWriter")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl<W: Write> ParquetWriter<W> {
    /// Starts a Parquet output with the schema of the indicator rows.
    pub fn new(output: W) -> io::Result<Self> {
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .set_created_by(GENERATOR.to_string())
            .build();
        let encoded = SharedBuffer::default();
        let encoder = ArrowWriter::try_new(encoded.clone(), row_schema(), Some(properties))
            .map_err(parquet_io)?;
        let mut writer = ParquetWriter {
            encoder,
            encoded,
            output,
            batch: RowBatchBuilder::new(),
            rows: 0,
        };
        writer.drain()?;
        Ok(writer)
    }

    /// Adds the rows of one document; they are encoded once a batch is full.
    pub fn write_document(&mut self, document: &Document) -> io::Result<()> {
        let before = self.batch.len();
        self.batch.push_document(document).map_err(arrow_io)?;
        self.rows += (self.batch.len() - before) as u64;
        if self.batch.len() >= BATCH_ROWS {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// The number of rows written so far.
    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Writes what is gathered, closes the last row group and the file's footer, and returns
    /// the output, flushed. A Parquet file without its footer cannot be read, so this must run
    /// even when no row was written.
    pub fn finish(mut self) -> io::Result<W> {
        self.flush_batch()?;
        self.encoder.finish().map_err(parquet_io)?;
        self.drain()?;
        self.output.flush()?;
        Ok(self.output)
    }

    fn flush_batch(&mut self) -> io::Result<()> {
        if !self.batch.is_empty() {
            let batch = self.batch.finish().map_err(arrow_io)?;
            self.encoder.write(&batch).map_err(parquet_io)?;
        }
        self.drain()
    }

    /// Copies what the encoder has written so far to the output.
    fn drain(&mut self) -> io::Result<()> {
        let bytes = self.encoded.take();
        if bytes.is_empty() {
            return Ok(());
        }
        self.output.write_all(&bytes)
    }
}

/// Keeps an I/O error's kind (a full disk stays recognisable) and wraps the rest.
fn parquet_io(error: ParquetError) -> io::Error {
    match error {
        ParquetError::External(inner) => match inner.downcast::<io::Error>() {
            Ok(io_error) => *io_error,
            Err(other) => io::Error::other(other),
        },
        other => io::Error::other(other),
    }
}

fn arrow_io(error: ArrowError) -> io::Error {
    match error {
        ArrowError::IoError(message, inner) => io::Error::new(inner.kind(), message),
        other => io::Error::other(other),
    }
}
