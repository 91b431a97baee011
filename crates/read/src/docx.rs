//! The docx reader (not built yet).

use jixiao_grid::Document;

use crate::{Limits, ReadError};

/// Reads a docx file.
pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the docx reader is not built yet".to_string(),
    ))
}
