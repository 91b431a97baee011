//! `jixiao inspect`: what a reader saw in one file, for a user who wonders why a table came out
//! as it did. It prints the detected format and encoding, the reader's notes, what the
//! normaliser found, and every grid drawn with its merged cells.

use std::fmt::Write as _;
use std::path::Path;

use jixiao_grid::Document as GridDocument;
use jixiao_normalize::normalize;
use jixiao_read::{Format, detect, read};

use crate::output::DocumentError;
use crate::{ErrorCode, Options, Source, error_code, extension_of, panic_guard, read_file};

/// The report of `jixiao inspect`, or why the file could not be read.
pub fn inspect(path: &Path, options: &Options) -> Result<String, DocumentError> {
    let label = path.to_string_lossy().into_owned();
    let bytes = read_file(path, &options.limits).map_err(|failure| {
        failure
            .into_document(Source::new(label.clone()))
            .error
            .unwrap_or(DocumentError {
                code: ErrorCode::Unreadable,
                message: format!("cannot read {label}"),
            })
    })?;
    let extension = extension_of(&label);
    let limits = options.limits.start();
    let caught = panic_guard::catch(|| {
        let format = detect(&bytes, extension.as_deref());
        let read = read(format, &bytes, extension.as_deref(), &limits).map(|document| {
            let extraction = normalize(&document);
            (document, extraction)
        });
        (format, read)
    });
    let (format, result) = caught.map_err(|panic_message| DocumentError {
        code: ErrorCode::Internal,
        message: format!("jixiao hit a bug while reading {label} ({panic_message})"),
    })?;
    let (document, extraction) = result.map_err(|error| DocumentError {
        code: error_code(&error),
        message: format!("{} (read as {format})", error),
    })?;
    let indicators: usize = extraction
        .tables
        .iter()
        .map(|table| table.indicators.len())
        .sum();
    Ok(report(
        &label,
        bytes.len(),
        format,
        &document,
        extraction.tables.len(),
        indicators,
    ))
}

fn report(
    label: &str,
    bytes: usize,
    format: Format,
    document: &GridDocument,
    tables: usize,
    indicators: usize,
) -> String {
    // Writing into a String cannot fail, hence the ignored results.
    let mut text = String::new();
    let _ = writeln!(text, "file:     {label} ({bytes} bytes)");
    let _ = writeln!(text, "format:   {format}");
    if let Some(encoding) = &document.encoding {
        let _ = writeln!(text, "encoding: {encoding}");
    }
    if let Some(pages) = document.pages {
        let _ = writeln!(text, "pages:    {pages}");
    }
    let grids = document.grids().count();
    let _ = writeln!(
        text,
        "read:     {} blocks, {grids} grids; normaliser: {tables} tables, {indicators} indicators",
        document.blocks.len()
    );
    if document.diagnostics.is_empty() {
        let _ = writeln!(text, "reader notes: none");
    } else {
        let _ = writeln!(text, "reader notes:");
        for diagnostic in &document.diagnostics {
            let lost = if diagnostic.lost {
                " [content lost]"
            } else {
                ""
            };
            let _ = writeln!(
                text,
                "  - {}: {}{lost}",
                diagnostic.code, diagnostic.message
            );
        }
    }
    text.push('\n');
    text.push_str(&document.render());
    if !text.ends_with('\n') {
        text.push('\n');
    }
    text
}
