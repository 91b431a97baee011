//! # jixiao-read
//!
//! Format readers: each turns the bytes of one file into a [`jixiao_grid::Document`], the
//! span-aware grids and paragraphs of that file in reading order. Readers know nothing of
//! performance indicators; they only state what the file says, merged cells included.
//!
//! ```no_run
//! use jixiao_read::{detect, read, Limits};
//!
//! let bytes = std::fs::read("table.docx")?;
//! let format = detect(&bytes, Some("docx"));
//! let document = read(format, &bytes, Some("docx"), &Limits::default())?;
//! for grid in document.grids() {
//!     println!("{}", grid.render());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! **Boundary:** readers return `Err` only for a file that cannot be read at all (corrupt,
//! encrypted, too large, unsupported); anything merely odd is read as well as possible and
//! reported in [`jixiao_grid::Document::diagnostics`].
//!
//! **Invariant:** no input makes a reader panic, recurse without bound or allocate without
//! bound: sizes, depths and time are capped by [`Limits`].

pub mod archive;
pub mod chrome;
pub mod detect;
pub mod doc;
pub mod docx;
pub mod html;
pub mod limits;
pub mod pdf;
pub mod rtf;
pub mod sheet;
pub mod text;

use std::fmt;

pub use detect::detect;
pub use jixiao_grid as grid;
pub use limits::Limits;

use jixiao_grid::Document;

/// The formats jixiao reads, named as in `source.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Docx,
    Doc,
    Xlsx,
    Xls,
    Pdf,
    Html,
    Text,
}

impl Format {
    /// The name used in output (`docx`, `doc`, `xlsx`, `xls`, `pdf`, `html`, `text`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Text => "text",
        }
    }

    /// The format a file extension names, if any.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "docx" | "docm" => Some(Format::Docx),
            "doc" | "wps" => Some(Format::Doc),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" | "et" => Some(Format::Xls),
            "pdf" => Some(Format::Pdf),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "txt" | "text" | "tsv" | "csv" => Some(Format::Text),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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

/// Reads `bytes` as `format`. `extension` is the file's extension, used only to word errors
/// (a file named `.pdf` that is not a PDF is corrupt; unknown bytes named `.txt` are not text).
pub fn read(
    format: Format,
    bytes: &[u8],
    extension: Option<&str>,
    limits: &Limits,
) -> Result<Document, ReadError> {
    limits.check_input_size(bytes.len() as u64)?;
    if bytes.is_empty() {
        return Err(ReadError::Unreadable(
            "the file is empty (0 bytes): there is nothing to read".to_string(),
        ));
    }
    match format {
        Format::Docx => docx::read(bytes, limits),
        Format::Doc => doc::read(bytes, limits),
        Format::Xlsx => sheet::read_xlsx(bytes, limits),
        Format::Xls => sheet::read_xls(bytes, limits),
        Format::Pdf => pdf::read(bytes, limits),
        Format::Html => html::read(bytes, limits),
        Format::Text => text::read(bytes, extension, limits),
    }
}
