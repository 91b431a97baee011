//! The legacy Word reader: Word 97–2003 `.doc` and Kingsoft WPS Writer `.wps` files (one binary
//! format, read natively by [`word`]), and RTF, which many systems write under a `.doc` name
//! (read natively by [`crate::rtf`]). A docx saved as `.doc` goes to the docx reader.
//!
//! ```no_run
//! let bytes = std::fs::read("绩效目标表.doc")?;
//! let limits = jixiao_read::Limits::default();
//! let document = jixiao_read::read(jixiao_read::Format::Doc, &bytes, None, &limits)?;
//! for grid in document.grids() {
//!     println!("{}", grid.render());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! No external program runs by default. With [`DocConverter::Soffice`] (`--doc-converter
//! soffice`), a file the native reader refuses as unreadable or unsupported (a Word 6/95 file,
//! say) is converted by LibreOffice ([`soffice`]) and read as docx, with a warning that says so.
//! Password-protected files are never handed to the converter: they are `encrypted` either way.
//!
//! **Output:** the same blocks as the docx reader gives for the same document: one paragraph
//! per non-empty body paragraph, one grid per top-level table, nested tables flattened into
//! their cell and emitted after their top-level table ([`flow`]).

pub mod soffice;
mod word;

pub use crate::limits::DocConverter;
pub use soffice::{
    CONVERTER_PACKAGE, DEFAULT_TIMEOUT, conversion_command, converter_missing, find_converter,
    find_converter_in, read_with,
};

use jixiao_grid::Diagnostic;

use crate::detect::{self, ole2};
use crate::{DocumentBuilder, ReadError};

/// Reads a `.doc`/`.wps` file (or an RTF or docx file under such a name).
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    if detect::is_rtf(bytes) {
        return crate::rtf::read(bytes, document);
    }
    if detect::is_zip(bytes) {
        // A docx saved under a .doc name.
        return crate::docx::read(bytes, document);
    }
    if !detect::is_ole2(bytes) {
        return Err(ReadError::Unreadable(
            "the file is neither a Word 97–2003 document (an OLE2 compound file) nor RTF; it is \
             damaged or not a Word document"
                .to_string(),
        ));
    }
    if let Some(error) = ole2::encryption_error(bytes) {
        return Err(error);
    }
    match word::read(bytes, document) {
        Err(error @ (ReadError::Unreadable(_) | ReadError::UnsupportedFormat(_)))
            if document.limits().doc_converter == DocConverter::Soffice =>
        {
            // What the native reader left behind is dropped; the clock runs on.
            document.restart();
            soffice::read(bytes, document)?;
            document.first_diagnostic(Diagnostic::new(
                "doc_converted",
                format!(
                    "jixiao's own .doc reader refused the file ({error}); it was converted \
                         by LibreOffice (--doc-converter soffice) and read as docx"
                ),
            ));
            Ok(())
        }
        result => result,
    }
}

#[cfg(test)]
mod tests;
