//! The PDF reader (not built yet).

use jixiao_grid::Document;

use crate::{Limits, ReadError};

/// Reads a PDF file.
pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the PDF reader is not built yet".to_string(),
    ))
}
