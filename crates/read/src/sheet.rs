//! The xlsx and xls readers (not built yet).

use jixiao_grid::Document;

use crate::{Limits, ReadError};

/// Reads an xlsx workbook.
pub fn read_xlsx(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the xlsx reader is not built yet".to_string(),
    ))
}

/// Reads an xls workbook.
pub fn read_xls(_bytes: &[u8], _limits: &Limits) -> Result<Document, ReadError> {
    Err(ReadError::UnsupportedFormat(
        "the xls reader is not built yet".to_string(),
    ))
}
