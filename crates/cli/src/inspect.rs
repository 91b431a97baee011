//! `jixiao inspect`: what a reader saw in one file and what the normaliser made of it, for a
//! user who wonders why a table came out as it did. It prints the detected format and encoding,
//! the reader's notes, each table the normaliser found (its header row, the role of each header
//! column, the rows read as fields, headers and indicators), and every grid drawn with its
//! merged cells, each row marked with what became of it. Grids are numbered from 0, as
//! `location.grid`.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use jixiao_grid::{Document as GridDocument, RenderOptions};
use jixiao_normalize::{CellRole, Extraction, RowKind, normalize};
use jixiao_output::inspect::{InspectReport, row_kind_name};
use jixiao_read::{Format, detect, read};

use crate::output::DocumentError;
use crate::{ErrorCode, Options, Source, error_code, extension_of, panic_guard, read_file};

/// What `inspect` shows and how.
#[derive(Debug, Clone, Copy, Default)]
pub struct InspectOptions {
    /// Whole cell texts instead of the first line cut to the column width.
    pub wide: bool,
    /// One JSON object instead of the text report.
    pub json: bool,
    /// Only the grid of this index (0-based, as `location.grid`) and the rows read from it.
    pub grid: Option<usize>,
}

/// The report of `jixiao inspect` for a file (`-`: standard input), or why it could not be read.
pub fn inspect(
    path: &Path,
    options: &Options,
    show: &InspectOptions,
) -> Result<String, DocumentError> {
    let stdin = path.as_os_str() == "-";
    let label = path.to_string_lossy().into_owned();
    let bytes = if stdin {
        read_stdin(options)?
    } else {
        read_file(path, &options.limits).map_err(|failure| {
            failure
                .into_document(Source::new(label.clone()))
                .error
                .unwrap_or(DocumentError {
                    code: ErrorCode::Unreadable,
                    message: format!("cannot read {label}"),
                })
        })?
    };
    let extension = if stdin { None } else { extension_of(&label) };
    let limits = &options.limits;
    let caught = panic_guard::catch(|| {
        let format = detect(&bytes, extension.as_deref());
        let read = read(format, &bytes, extension.as_deref(), limits).map(|document| {
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
    if let Some(grid) = show.grid {
        let grids = document.grids().count();
        if grid >= grids {
            return Err(DocumentError {
                code: ErrorCode::Unreadable,
                message: format!(
                    "--grid {grid}: {label} has {grids} grids, numbered from 0{}",
                    if grids > 0 {
                        format!(" to {}", grids - 1)
                    } else {
                        String::new()
                    }
                ),
            });
        }
    }
    if show.json {
        let format_name = format.name();
        return Ok(InspectReport::new(
            &label,
            bytes.len(),
            format_name,
            &document,
            &extraction,
            show.grid,
        )
        .to_json());
    }
    Ok(report(
        &label,
        bytes.len(),
        format,
        &document,
        &extraction,
        show,
    ))
}

fn read_stdin(options: &Options) -> Result<Vec<u8>, DocumentError> {
    let limit = options.limits.max_input_bytes;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| DocumentError {
            code: ErrorCode::Unreadable,
            message: format!("cannot read standard input: {error}"),
        })?;
    options
        .limits
        .check_input_size(bytes.len() as u64)
        .map_err(|error| DocumentError {
            code: error_code(&error),
            message: error.to_string(),
        })?;
    Ok(bytes)
}

/// Rows given as numbers in runs: `2–5, 7`.
fn runs(rows: &[usize]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut index = 0;
    while index < rows.len() {
        let start = rows[index];
        let mut end = start;
        while index + 1 < rows.len() && rows[index + 1] == end + 1 {
            index += 1;
            end = rows[index];
        }
        parts.push(if end == start {
            format!("r{start}")
        } else {
            format!("r{start}–r{end}")
        });
        index += 1;
    }
    parts.join(", ")
}

fn report(
    label: &str,
    bytes: usize,
    format: Format,
    document: &GridDocument,
    extraction: &Extraction,
    show: &InspectOptions,
) -> String {
    // Writing into a String cannot fail, hence the ignored results.
    let mut text = String::new();
    let indicators: usize = extraction
        .tables
        .iter()
        .map(|table| table.indicators.len())
        .sum();
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
        "read:     {} blocks, {grids} grids; normaliser: {} tables, {indicators} indicators",
        document.blocks.len(),
        extraction.tables.len()
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
    let wanted = |grid: usize| show.grid.is_none_or(|only| only == grid);
    for (index, table) in extraction.tables.iter().enumerate() {
        if show.grid.is_some() && !table.rows.iter().any(|row| wanted(row.grid)) {
            continue;
        }
        let name = table
            .project
            .name
            .as_deref()
            .or(table.title.as_deref())
            .unwrap_or("(no name)");
        let _ = writeln!(
            text,
            "\ntable {index}: {name}: {} indicators, {} warnings",
            table.indicators.len(),
            table.warnings.len()
        );
        for row in table.rows.iter().filter(|row| wanted(row.grid)) {
            if row.kind != RowKind::Header {
                continue;
            }
            let _ = write!(text, "  header: grid {} r{}:", row.grid, row.row);
            let grid = document.grids().nth(row.grid);
            for (col, role) in &row.cells {
                let cell_text = grid
                    .and_then(|grid| grid.row_cells(row.row).iter().find(|cell| cell.col == *col))
                    .map(|cell| cell.text.replace('\n', ""))
                    .unwrap_or_default();
                let column = match role {
                    CellRole::Header(Some(column)) => column.name(),
                    _ => "none",
                };
                let _ = write!(text, " c{col} {} → {column};", cell_text.trim());
            }
            text.pop();
            text.push('\n');
        }
        // Rows by kind, per grid, in runs.
        let mut groups: Vec<(usize, &'static str, Vec<usize>)> = Vec::new();
        for row in table.rows.iter().filter(|row| wanted(row.grid)) {
            if row.kind == RowKind::Header {
                continue;
            }
            let kind = row_kind_name(row.kind);
            match groups
                .iter_mut()
                .find(|(grid, name, _)| *grid == row.grid && *name == kind)
            {
                Some((_, _, rows)) => rows.push(row.row),
                None => groups.push((row.grid, kind, vec![row.row])),
            }
        }
        for (grid, kind, mut rows) in groups {
            rows.sort_unstable();
            rows.dedup();
            let _ = writeln!(text, "  {kind}: grid {grid} {}", runs(&rows));
        }
        for warning in &table.warnings {
            let _ = writeln!(text, "  warning {}: {}", warning.code, warning.message);
        }
    }
    text.push('\n');
    let note = |grid: usize, row: usize| -> Option<String> {
        extraction
            .tables
            .iter()
            .enumerate()
            .find_map(|(index, table)| {
                table
                    .rows
                    .iter()
                    .find(|read| read.grid == grid && read.row == row)
                    .map(|read| match read.kind {
                        RowKind::Indicators { count } => {
                            format!("table {index} indicators +{count}")
                        }
                        kind => format!("table {index} {}", row_kind_name(kind)),
                    })
            })
    };
    text.push_str(&document.render_with(&RenderOptions {
        wide: show.wide,
        only_grid: show.grid,
        row_note: Some(&note),
    }));
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
        let extraction = Extraction::default();
        let text = report(
            "a.txt",
            42,
            Format::Text,
            &document,
            &extraction,
            &InspectOptions::default(),
        );
        assert!(
            text.starts_with("file:     a.txt (42 bytes)\nformat:   text\n"),
            "{text}"
        );
        assert!(text.contains("encoding: gb18030\n"), "{text}");
        assert!(!text.contains("pages:"), "{text}");
        assert!(
            text.contains("1 blocks, 1 grids; normaliser: 0 tables, 0 indicators"),
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
        let error = inspect(
            Path::new("no/such.docx"),
            &Options::default(),
            &InspectOptions::default(),
        )
        .expect_err("missing");
        assert_eq!(error.code, ErrorCode::Unreadable);
        assert!(error.message.contains("no such file"), "{}", error.message);
    }
}
