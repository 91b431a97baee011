//! The html reader (not built yet).

use jixiao_grid::Document;

use crate::{Limits, ReadError};

/// Reads a html file.
pub fn read(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the html reader is not built yet".to_string(),
    ))
}
