//! The pasted-text reader (not built yet).

use jixiao_grid::Document;

use crate::{Limits, ReadError};

/// Reads pasted text.
pub fn read(
    _bytes: &[u8],
    _extension: Option<&str>,
    _limits: &Limits,
) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the text reader is not built yet".to_string(),
    ))
}
