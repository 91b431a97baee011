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

#[cfg(test)]
mod tests {
    use jixiao_grid::{Block, Cell, Diagnostic, GridBuilder, Location};

    use super::*;

    #[test]
    fn the_report_shows_format_notes_and_the_grid_with_its_spans() {
        let mut builder = GridBuilder::new();
        builder.push(Cell::new(0, 0, "产出指标").with_span(2, 1));
        builder.push(Cell::new(0, 1, "数量指标"));
        builder.push(Cell::new(1, 1, "质量指标"));
        let (grid, _) = builder.build(Location::default());
        let document = GridDocument {
            blocks: vec![Block::Table(grid)],
            diagnostics: vec![
                Diagnostic::new("rejoined_row", "lines 4–5 were one row"),
                Diagnostic::loss("unmapped_glyphs", "2 glyphs have no text"),
            ],
            encoding: Some("gb18030".to_string()),
            pages: None,
        };
        let text = report("a.txt", 42, Format::Text, &document, 1, 2);
        assert!(
            text.starts_with("file:     a.txt (42 bytes)\nformat:   text\n"),
            "{text}"
        );
        assert!(text.contains("encoding: gb18030\n"), "{text}");
        assert!(!text.contains("pages:"), "{text}");
        assert!(
            text.contains("1 blocks, 1 grids; normaliser: 1 tables, 2 indicators"),
            "{text}"
        );
        assert!(
            text.contains("  - rejoined_row: lines 4–5 were one row\n"),
            "{text}"
        );
        assert!(
            text.contains("  - unmapped_glyphs: 2 glyphs have no text [content lost]\n"),
            "{text}"
        );
        // The grid drawing comes from the grid crate and shows the vertical merge.
        assert!(text.contains("产出指标 [2×1]"), "{text}");
        assert!(text.contains("质量指标"), "{text}");
    }

    #[test]
    fn a_missing_file_is_reported_as_unreadable() {
        let error = inspect(Path::new("no/such.docx"), &Options::default()).expect_err("missing");
        assert_eq!(error.code, ErrorCode::Unreadable);
        assert!(error.message.contains("no such file"), "{}", error.message);
    }
}
