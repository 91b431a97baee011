//! Format detection by content, never by extension: users' archives are full of files whose
//! names lie (a docx saved as `.doc`, an xlsx saved as `.xls`, an HTML export saved as `.xls`,
//! which many government systems produce).
//!
//! Zip packages are named by their parts, OLE2 compound files by the streams of their directory
//! (see [`ole2`]); a password-protected docx or xlsx is an OLE2 file holding an
//! `EncryptedPackage` stream, which [`is_encrypted_ooxml`] recognises so that the readers can
//! answer `encrypted` rather than `unreadable`.

pub mod ole2;

use std::io::Cursor;

use crate::Format;

use crate::bytes::find;
use ole2::CompoundFile;

use ole2::{ENCRYPTED_PACKAGE, MAGIC as OLE2_MAGIC};

/// Decides the format of `bytes` by their content.
///
/// - zip holding `word/document.xml` → docx; holding `xl/workbook.xml` (or the binary
///   `xl/workbook.bin`, which the xlsx reader refuses with a clear message) → xlsx;
/// - OLE2 compound file → doc (a `WordDocument` stream) or xls (`Workbook` / `Book`); an
///   encrypted docx/xlsx (`EncryptedPackage`) → the OOXML format its extension suggests, whose
///   reader reports it as encrypted;
/// - RTF (`{\rtf`) → doc, whose reader reads RTF too;
/// - `%PDF` in the first kilobyte → pdf;
/// - markup (`<html`, `<table`, `<!DOCTYPE html`) at the start → html;
/// - anything else → text (the text reader rejects binary data).
///
/// `extension` breaks ties only: an OLE2 or zip file with neither kind of stream is read as its
/// extension says, so that the reader can explain what is wrong with it.
pub fn detect(bytes: &[u8], extension: Option<&str>) -> Format {
    let claimed = extension.and_then(Format::from_extension);
    if bytes.is_empty() {
        // Nothing to go by but the name: an empty `.xls` is an empty workbook file.
        return claimed.unwrap_or(Format::Text);
    }
    if is_zip(bytes) {
        return detect_zip(bytes).or(claimed).unwrap_or(Format::Docx);
    }
    if bytes.starts_with(&OLE2_MAGIC) {
        return detect_ole2(bytes, claimed)
            .or(claimed)
            .unwrap_or(Format::Doc);
    }
    if is_rtf(bytes) {
        // RTF, which many systems write under a .doc name, is read by the .doc reader.
        return Format::Doc;
    }
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return Format::Pdf;
    }
    if looks_like_html(bytes) {
        return Format::Html;
    }
    Format::Text
}

fn detect_zip(bytes: &[u8]) -> Option<Format> {
    let archive = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut word = false;
    let mut excel = false;
    for name in archive.file_names() {
        match name.as_deref().ok() {
            Some("word/document.xml") => word = true,
            Some("xl/workbook.xml" | "xl/workbook.bin") => excel = true,
            _ => {}
        }
    }
    match (word, excel) {
        (true, _) => Some(Format::Docx),
        (false, true) => Some(Format::Xlsx),
        _ => None,
    }
}

/// Names an OLE2 file by the streams directly under its root. When the directory cannot be
/// read (a damaged file), falls back to looking for the stream names' UTF-16 spelling in the
/// bytes, so that the file still reaches the reader that can explain what is wrong with it.
fn detect_ole2(bytes: &[u8], claimed: Option<Format>) -> Option<Format> {
    let Ok(file) = CompoundFile::parse(bytes) else {
        return scan_ole2(bytes);
    };
    if file.has_stream(ENCRYPTED_PACKAGE) {
        return Some(match claimed {
            Some(Format::Xls | Format::Xlsx) => Format::Xlsx,
            _ => Format::Docx,
        });
    }
    if file.has_stream("WordDocument") {
        Some(Format::Doc)
    } else if file.has_stream("Workbook") || file.has_stream("Book") {
        Some(Format::Xls)
    } else {
        None
    }
}

/// True when `bytes` are an OLE2 file wrapping an encrypted OOXML package (a docx or xlsx
/// protected by a password to open). The docx and xlsx readers call this on OLE2 input to
/// answer `encrypted` instead of `unreadable`.
pub fn is_encrypted_ooxml(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE2_MAGIC)
        && match CompoundFile::parse(bytes) {
            Ok(file) => file.has_stream(ENCRYPTED_PACKAGE),
            Err(_) => find(bytes, &utf16(ENCRYPTED_PACKAGE)).is_some(),
        }
}

/// True when `bytes` are RTF: `{\rtf` after an optional byte order mark and whitespace.
pub fn is_rtf(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let start = bytes
        .iter()
        .take(512)
        .position(|byte| !byte.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    bytes
        .get(start..)
        .is_some_and(|rest| rest.starts_with(b"{\\rtf"))
}

/// True when `bytes` start like an OLE2 compound file.
pub fn is_ole2(bytes: &[u8]) -> bool {
    bytes.starts_with(&OLE2_MAGIC)
}

/// True when `bytes` start like a zip archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// Finds the stream names of an OLE2 file by their UTF-16 spelling anywhere in its bytes.
fn scan_ole2(bytes: &[u8]) -> Option<Format> {
    let word = utf16("WordDocument");
    let workbook = utf16("Workbook");
    let book = utf16("Book");
    if find(bytes, &word).is_some() {
        Some(Format::Doc)
    } else if find(bytes, &workbook).is_some() || find(bytes, &book).is_some() {
        Some(Format::Xls)
    } else {
        None
    }
}

fn utf16(name: &str) -> Vec<u8> {
    name.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

/// True when the file starts (after a BOM and whitespace) with HTML markup. UTF-16 files are
/// looked at through their ASCII bytes.
fn looks_like_html(bytes: &[u8]) -> bool {
    let head: Vec<u8> = bytes
        .iter()
        .take(4096)
        .copied()
        .filter(|&b| b != 0)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let mut start = &head[..];
    if start.starts_with(&[0xEF, 0xBB, 0xBF]) {
        start = &start[3..];
    }
    while let [0xFE | 0xFF, rest @ ..] = start {
        start = rest;
    }
    let start = match start.iter().position(|b| !b.is_ascii_whitespace()) {
        Some(position) => &start[position..],
        None => return false,
    };
    if !start.starts_with(b"<") {
        return false;
    }
    [
        &b"<!doctype html"[..],
        b"<html",
        b"<table",
        b"<meta",
        b"<head",
        b"<body",
    ]
    .iter()
    .any(|tag| find(start, tag).is_some())
        || (start.starts_with(b"<?xml") && find(start, b"<html").is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_markup_are_told_apart() {
        assert_eq!(detect(b"\t\xe4\xb8\x80\n", Some("html")), Format::Text);
        assert_eq!(detect(b"  <!DOCTYPE html><p>x", Some("txt")), Format::Html);
        assert_eq!(detect(b"\xef\xbb\xbf<table><tr><td>1", None), Format::Html);
        assert_eq!(detect(b"<p>not a page</p>", None), Format::Text);
        // An empty file has only its name to go by; its reader then says it is empty.
        assert_eq!(detect(b"", Some("docx")), Format::Docx);
        assert_eq!(detect(b"", Some("xls")), Format::Xls);
        assert_eq!(detect(b"", None), Format::Text);
    }

    #[test]
    fn pdf_signature_wins_over_the_extension() {
        assert_eq!(detect(b"%PDF-1.7\n...", Some("docx")), Format::Pdf);
    }

    #[test]
    fn ole2_streams_tell_doc_from_xls() {
        let mut doc = OLE2_MAGIC.to_vec();
        doc.extend(vec![0u8; 600]);
        doc.extend(utf16("WordDocument"));
        assert_eq!(detect(&doc, Some("xls")), Format::Doc);
        let mut xls = OLE2_MAGIC.to_vec();
        xls.extend(utf16("Workbook"));
        assert_eq!(detect(&xls, Some("doc")), Format::Xls);
        assert_eq!(detect(&OLE2_MAGIC, Some("xls")), Format::Xls);
    }

    fn zip_with(names: &[&str]) -> Vec<u8> {
        use std::io::Write;
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for name in names {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("start");
            writer.write_all(b"<x/>").expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    #[test]
    fn mislabelled_packages_are_named_by_their_parts() {
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(detect(&docx, Some("pdf")), Format::Docx);
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(detect(&xlsx, Some("xls")), Format::Xlsx);
        assert_eq!(detect(&xlsx, Some("doc")), Format::Xlsx);
        let xlsb = zip_with(&["xl/workbook.bin"]);
        assert_eq!(detect(&xlsb, None), Format::Xlsx);
        // A zip that is neither: the extension decides, so the reader can say what is wrong.
        let other = zip_with(&["mimetype"]);
        assert_eq!(detect(&other, Some("xlsx")), Format::Xlsx);
    }

    #[test]
    fn compound_files_are_named_by_their_directory() {
        let doc = ole2::tests::build(&[("WordDocument", b"w"), ("1Table", b"t")]);
        assert_eq!(detect(&doc, Some("xls")), Format::Doc);
        let xls = ole2::tests::build(&[("Workbook", b"w")]);
        assert_eq!(detect(&xls, Some("doc")), Format::Xls);
        assert_eq!(detect(&xls, None), Format::Xls);
        // A stream named Workbook inside a storage would not count; only the root's do.
        let encrypted = ole2::tests::build(&[("EncryptionInfo", b"i"), ("EncryptedPackage", b"p")]);
        assert!(is_encrypted_ooxml(&encrypted));
        assert!(!is_encrypted_ooxml(&xls));
        assert_eq!(detect(&encrypted, Some("xls")), Format::Xlsx);
        assert_eq!(detect(&encrypted, Some("xlsx")), Format::Xlsx);
        assert_eq!(detect(&encrypted, Some("docx")), Format::Docx);
        assert_eq!(detect(&encrypted, None), Format::Docx);
    }

    #[test]
    fn corpus_files_are_recognised_whatever_their_name() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures");
        let cases = [
            ("doc/000_5951d4f30969a9c2.doc", Format::Doc),
            ("xls/000_5951d4f30969a9c2.xls", Format::Xls),
            ("xlsx/000_5951d4f30969a9c2.xlsx", Format::Xlsx),
            ("docx/000_5951d4f30969a9c2.docx", Format::Docx),
            ("html/000_5951d4f30969a9c2.html", Format::Html),
            ("pdf/000_5951d4f30969a9c2.pdf", Format::Pdf),
        ];
        for (path, format) in cases {
            let bytes = std::fs::read(format!("{root}/{path}")).expect("fixture");
            for claimed in [None, Some("pdf"), Some("xls"), Some("txt")] {
                assert_eq!(detect(&bytes, claimed), format, "{path} named {claimed:?}");
            }
        }
    }
}
