//! Why a file could not be read at all: the one error type of every reader.

/// Why a file could not be read at all. Each variant maps to one error code of the output
/// (see [`ReadError::code`]); the message says what is wrong in words a user can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Corrupt, truncated or otherwise unreadable.
    #[error("{0}")]
    Unreadable(String),
    /// Protected by a password.
    #[error("{0}")]
    Encrypted(String),
    /// Not a format jixiao reads.
    #[error("{0}")]
    UnsupportedFormat(String),
    /// A PDF with no text layer (scanned).
    #[error("{0}")]
    NoTextLayer(String),
    /// A size, depth or time limit was reached.
    #[error("{0}")]
    TooLarge(String),
    /// `--doc-converter soffice` was asked for and no LibreOffice is installed.
    #[error("{0}")]
    ConverterMissing(String),
}

impl ReadError {
    /// The error code of the output contract (`unreadable`, `encrypted`, …).
    pub fn code(&self) -> &'static str {
        match self {
            ReadError::Unreadable(_) => "unreadable",
            ReadError::Encrypted(_) => "encrypted",
            ReadError::UnsupportedFormat(_) => "unsupported_format",
            ReadError::NoTextLayer(_) => "no_text_layer",
            ReadError::TooLarge(_) => "too_large",
            ReadError::ConverterMissing(_) => "converter_missing",
        }
    }
}
