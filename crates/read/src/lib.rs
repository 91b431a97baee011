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
mod bytes;
pub mod chrome;
pub mod detect;
pub mod doc;
pub mod docx;
mod elements;
mod error;
mod format;
pub mod html;
pub mod limits;
mod page_number;
pub mod pdf;
pub mod port;
pub mod rtf;
pub mod sheet;
pub mod text;
mod word_flow;

pub use detect::detect;
pub use error::ReadError;
pub use format::Format;
pub use jixiao_grid as grid;
pub use limits::Limits;
pub use port::{Deadline, DocumentBuilder};

use jixiao_grid::Document;

/// Reads `bytes` as `format`. `extension` is the file's extension, used only to word errors
/// (a file named `.pdf` that is not a PDF is corrupt; unknown bytes named `.txt` are not text).
///
/// The file's clock starts here ([`Limits::start`]); every reader fills the one
/// [`DocumentBuilder`] it is given.
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
    let mut document = limits.start().with_extension(extension);
    match format {
        Format::Docx => docx::read(bytes, &mut document)?,
        Format::Doc => doc::read(bytes, &mut document)?,
        Format::Xlsx => sheet::read_xlsx(bytes, &mut document)?,
        Format::Xls => sheet::read_xls(bytes, &mut document)?,
        Format::Pdf => pdf::read(bytes, &mut document)?,
        Format::Html => html::read(bytes, &mut document)?,
        Format::Text => text::read(bytes, &mut document)?,
    }
    Ok(document.finish())
}

/// Reads `bytes` as `format` under the default limits, as most unit tests do.
#[cfg(test)]
pub(crate) fn read_default(format: Format, bytes: &[u8]) -> Result<Document, ReadError> {
    read(format, bytes, None, &Limits::default())
}
