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

pub(crate) mod flow;
pub mod soffice;
mod word;

pub use soffice::{
    CONVERTER_PACKAGE, DEFAULT_TIMEOUT, conversion_command, converter_missing, find_converter,
    find_converter_in, read_with,
};

use jixiao_grid::Diagnostic;

use crate::detect::{self, ole2::CompoundFile};
use crate::{DocumentBuilder, ReadError};

/// What reads the `.doc` files that the native reader refuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocConverter {
    /// Nothing: the native reader's error is the file's error.
    #[default]
    None,
    /// LibreOffice (`soffice --headless --convert-to docx`).
    Soffice,
}

/// Reads a `.doc`/`.wps` file (or an RTF or docx file under such a name).
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    if crate::rtf::is_rtf(bytes) {
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
    if let Some(error) = encryption_error(bytes) {
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

/// The error for an OLE2 file handed to the docx reader: encrypted, or a legacy format.
pub(crate) fn ole_error(bytes: &[u8]) -> ReadError {
    encryption_error(bytes).unwrap_or_else(|| {
        ReadError::Unreadable(
            "the file is a legacy Office (OLE2) file, not a docx package; if it is a Word 97–2003 \
             document, name it .doc"
                .to_string(),
        )
    })
}

/// [`ReadError::Encrypted`] when an OLE2 file is password-protected: an encrypted OOXML
/// package (`EncryptedPackage`), or a Word file whose FIB sets `fEncrypted`.
pub(crate) fn encryption_error(bytes: &[u8]) -> Option<ReadError> {
    const WORD_IDENT: u16 = 0xA5EC;
    const F_ENCRYPTED: u16 = 0x0100;
    if detect::is_encrypted_ooxml(bytes) {
        return Some(password_error());
    }
    let mut file = CompoundFile::parse(bytes).ok()?;
    let word = file.read_stream("WordDocument").ok()??;
    let field = |at: usize| Some(u16::from_le_bytes([*word.get(at)?, *word.get(at + 1)?]));
    (field(0) == Some(WORD_IDENT) && field(10).is_some_and(|flags| flags & F_ENCRYPTED != 0))
        .then(password_error)
}

fn password_error() -> ReadError {
    ReadError::Encrypted(
        "the document is protected by a password; open it in Word or LibreOffice, remove the \
         password, save it and read it again"
            .to_string(),
    )
}

#[cfg(test)]
mod tests;
