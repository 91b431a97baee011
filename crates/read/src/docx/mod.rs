//! The docx reader: Word's zip package, its main part `word/document.xml`, and from it the body
//! paragraphs and tables in document order.
//!
//! ```no_run
//! let bytes = std::fs::read("绩效目标表.docx")?;
//! let limits = jixiao_read::Limits::default();
//! let document = jixiao_read::read(jixiao_read::Format::Docx, &bytes, None, &limits)?;
//! for grid in document.grids() {
//!     println!("{}", grid.render());
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The package is opened through [`crate::archive::Archive`], which counts every inflated byte
//! against the limits. Only the main part is read: headers, footers, footnotes and comments hold
//! no table content, and the relationship parts are consulted only when `word/document.xml` is
//! missing, so a package without them reads fine. The XML is walked once as a stream of events
//! ([`body`]); each `w:tbl` is laid out on its grid with its merges ([`table`]).
//!
//! **Output:** one [`jixiao_grid::Block::Paragraph`] per non-empty body paragraph (table titles live there),
//! one [`jixiao_grid::Block::Table`] per top-level table. A table nested in a cell is both flattened into
//! that cell's text (one line per row) and emitted as a grid of its own right after its
//! top-level table, so a performance table laid out inside a frame table is still found.
//!
//! **Text conventions:** paragraphs in a cell are joined with `'\n'`; `w:br`/`w:cr` are `'\n'`;
//! `w:tab` is a single space, because a tab in a cell or title only aligns text and a space
//! reads naturally where a tab character would look like a column break; cell and paragraph
//! text is trimmed; `☒` is written as [`jixiao_grid::CHECKED`].

mod body;
pub(crate) mod table;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use jixiao_grid::{CHECKED, Diagnostic, UNCHECKED};
use quick_xml::Reader;
use quick_xml::events::Event;

use crate::archive::Archive;
use crate::{DocumentBuilder, ReadError};

/// Where Word keeps the main part.
const MAIN_PART: &str = "word/document.xml";

/// Largest main part held in memory whole (the fast path); a larger one is read as it
/// inflates. Real documents' main parts are kilobytes to a few megabytes.
const HOLD_AT_MOST: u64 = 32 << 20;

/// Reads a docx file.
///
/// Fails with [`ReadError::Encrypted`] for a password-protected document (an OLE2
/// `EncryptedPackage`), [`ReadError::Unreadable`] for a damaged package or one without a main
/// part, and [`ReadError::TooLarge`] past the inflation, depth, cell or time limits.
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    if crate::detect::is_ole2(bytes) {
        return Err(crate::detect::ole2::ole_error(bytes));
    }
    let limits = document.limits();
    let mut archive = Archive::open(bytes, "Word document")?;
    let part = main_part_name(&mut archive, document)?;
    if archive
        .declared_size(&part)
        .is_some_and(|size| size > HOLD_AT_MOST)
    {
        // Too large to hold whole: read as it inflates (UTF-16 parts, which Word never writes
        // this large, are still read whole).
        let streamed = archive.stream(&part, limits, |entry| {
            let limited = crate::archive::RunLimited::new(entry);
            let mut reader = std::io::BufReader::with_capacity(1 << 16, limited);
            let head = std::io::BufRead::fill_buf(&mut reader).unwrap_or_default();
            if encoding_rs::Encoding::for_bom(head)
                .is_some_and(|(encoding, _)| encoding != encoding_rs::UTF_8)
            {
                return None;
            }
            Some(body::read_stream(reader, document))
        })?;
        if let Some(Some(result)) = streamed {
            return result;
        }
    }
    let Some(xml) = archive.read(&part, limits)? else {
        return Err(ReadError::Unreadable(
            "the file is a zip package without the Word document's text (word/document.xml); \
             it is damaged or not a Word document"
                .to_string(),
        ));
    };
    let mut diagnostics = Vec::new();
    let text = decode(&xml, &mut diagnostics);
    document.diagnostics(diagnostics);
    body::read(&text, document)
}

/// The name of the main part: `word/document.xml`, or, in packages that name it otherwise,
/// the target of the package's `officeDocument` relationship.
fn main_part_name(
    archive: &mut Archive<'_>,
    document: &DocumentBuilder<'_>,
) -> Result<String, ReadError> {
    let limits = document.limits();
    if archive.contains(MAIN_PART) {
        return Ok(MAIN_PART.to_string());
    }
    let Some(relationships) = archive.read("_rels/.rels", limits)? else {
        return Ok(MAIN_PART.to_string());
    };
    let text = String::from_utf8_lossy(&relationships);
    let mut reader = Reader::from_str(&text);
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element))
                if element.local_name().as_ref() == "Relationship" =>
            {
                let mut kind = None;
                let mut target = None;
                let mut attributes = element.attributes();
                attributes.with_checks(false);
                for attribute in attributes.flatten() {
                    match attribute.key.local_name().as_ref() {
                        "Type" => kind = Some(attribute.value),
                        "Target" => target = Some(attribute.value),
                        _ => {}
                    }
                }
                if let (Some(kind), Some(target)) = (kind, target)
                    && kind.ends_with("/officeDocument")
                {
                    return Ok(target.trim_start_matches('/').to_string());
                }
            }
            Ok(Event::Eof) | Err(_) => return Ok(MAIN_PART.to_string()),
            Ok(_) => {}
        }
    }
}

/// The part's bytes as text. Word writes UTF-8; UTF-16 with a byte order mark is accepted too.
/// Invalid bytes are replaced, with a loss diagnostic, rather than refusing the whole file.
fn decode<'a>(xml: &'a [u8], diagnostics: &mut Vec<Diagnostic>) -> Cow<'a, str> {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(xml) {
        let (text, malformed) = encoding.decode_without_bom_handling(&xml[bom_length..]);
        if malformed {
            diagnostics.push(invalid_bytes(encoding.name()));
        }
        return text;
    }
    match std::str::from_utf8(xml) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => {
            diagnostics.push(invalid_bytes("UTF-8"));
            String::from_utf8_lossy(xml)
        }
    }
}

fn invalid_bytes(encoding: &str) -> Diagnostic {
    Diagnostic::loss(
        "invalid_text_bytes",
        format!(
            "word/document.xml has bytes that are not valid {encoding}; they were replaced by \
             the character �"
        ),
    )
}

/// Final form of a cell's or paragraph's text: trimmed, with the "ballot box with X" written
/// as the checked box of the grid convention.
pub(crate) fn tidy(text: String) -> String {
    const BALLOT_X: char = '☒';
    let trimmed = text.trim();
    let mut text = if trimmed.len() == text.len() {
        text
    } else {
        trimmed.to_string()
    };
    if text.contains(BALLOT_X) {
        text = text.replace(BALLOT_X, CHECKED.encode_utf8(&mut [0u8; 4]));
    }
    text
}

/// The character a `w:sym` stands for. Symbol fonts place their glyphs at U+F000 + the font's
/// own code; the few checkbox glyphs of Wingdings and Wingdings 2 become the grid's boxes, any
/// other private-use glyph is dropped (it has no meaning outside its font), and a `w:sym` that
/// names an ordinary character gives that character.
fn symbol_char(font: Option<&str>, code: &str) -> Option<char> {
    let code = u32::from_str_radix(code.trim(), 16).ok()?;
    let font_code = match code {
        0xF000..=0xF0FF => code - 0xF000,
        0x00..=0xFF => code,
        _ => return char::from_u32(code).filter(|c| !is_private_use(*c) && !c.is_control()),
    };
    let font = font.unwrap_or("").trim().to_ascii_lowercase();
    match (font.as_str(), font_code) {
        ("wingdings", 0xFE | 0xFD) | ("wingdings 2", 0x52 | 0x54) => Some(CHECKED),
        ("wingdings", 0xA8 | 0x6F) | ("wingdings 2", 0xA3 | 0x2A) => Some(UNCHECKED),
        _ if code <= 0xFF && !font.contains("wingdings") && !font.contains("symbol") => {
            char::from_u32(code).filter(|c| !c.is_control())
        }
        _ => None,
    }
}

fn is_private_use(c: char) -> bool {
    ('\u{E000}'..='\u{F8FF}').contains(&c)
}
