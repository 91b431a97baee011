//! The doc reader (not built yet).

use jixiao_grid::Document;

use crate::{Limits, ReadError};

/// Reads a doc file.
pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the doc reader is not built yet".to_string(),
    ))
}
