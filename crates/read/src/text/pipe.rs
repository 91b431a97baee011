//! The pipe-line dialect: rows of a web table flattened by a crawler or a copy into one line per
//! cell, each ending in ` |`.
//!
//! ```text
//! |                ← a row starts
//! 产出指标 |       ← one line per cell present in the row
//! 数量指标 |
//! |                ← a bare pipe: an empty cell
//! |                ← the next row starts
//! 质量指标 |       ← this row lacks its first cell (a 一级 merged from the row above)
//! 合格率 |
//! ≥95% |
//! ||               ← padding: a line of two or more pipes closes a row that lacks cells
//! ```
//!
//! Cells merged from the row above are simply absent, so a row can start at 二级 or at 三级;
//! the absent cells are the first ones. A row is as wide as the table: a row closed by padding
//! gets empty cells in front until it is. A row with all its cells has no padding, so the
//! table's width is what tells its last empty cell from the next row's start: it is the
//! smallest width (up to [`MAX_COLUMNS`]) with which every row of the block reads cleanly.
//! When none does, every bare pipe followed by a cell starts a row, and that guess is reported.
//!
//! Any other line is a paragraph and ends the table.

use jixiao_grid::{Diagnostic, Location};

use super::clean::clean;
use super::{CellDraft, RowDraft, Sink, line_number};
use crate::ReadError;
use crate::page_number::is_page_number;

/// The widest table the width search tries.
const MAX_COLUMNS: usize = 64;

/// One line of a pipe table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// `text |`.
    Cell(String, u32),
    /// `|` alone: a row start or an empty cell.
    Bar(u32),
    /// `||`, `|||`…: a row's closing padding.
    Padding(u32),
}

/// How a line reads in this dialect, if it is part of a table.
fn token(raw: &str, line: u32) -> Option<Token> {
    let trimmed = raw.trim();
    if trimmed == "|" {
        return Some(Token::Bar(line));
    }
    if trimmed.len() >= 2 && trimmed.bytes().all(|byte| byte == b'|') {
        return Some(Token::Padding(line));
    }
    let text = trimmed.strip_suffix('|')?;
    if !text.ends_with([' ', '\u{a0}', '\u{3000}']) {
        return None;
    }
    Some(Token::Cell(clean(text).text.trim().to_string(), line))
}

/// True when a line looks like a cell of this dialect (`text |`).
pub(crate) fn is_cell_line(raw: &str) -> bool {
    matches!(token(raw, 0), Some(Token::Cell(..)))
}

/// True when a line is a bare pipe or padding.
pub(crate) fn is_bar_line(raw: &str) -> bool {
    matches!(token(raw, 0), Some(Token::Bar(_) | Token::Padding(_)))
}

/// Reads `text` in the pipe-line dialect into `sink`.
pub(crate) fn parse(text: &str, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let mut block: Vec<Token> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        sink.check_time(index)?;
        let line = line_number(index);
        if let Some(token) = token(raw, line) {
            sink.count_cells(1)?;
            block.push(token);
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        if is_page_number(raw) {
            sink.page_debris(line, raw);
            continue;
        }
        let cleaned = clean(raw);
        if cleaned.text.trim().is_empty() {
            continue;
        }
        finish_block(std::mem::take(&mut block), sink)?;
        sink.paragraph(line, &cleaned.text)?;
    }
    finish_block(block, sink)?;
    Ok(())
}

fn finish_block(block: Vec<Token>, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    if block.is_empty() {
        return Ok(());
    }
    let first_line = match block[0] {
        Token::Cell(_, line) | Token::Bar(line) | Token::Padding(line) => line,
    };
    let rows =
        (1..=MAX_COLUMNS).find_map(|width| rows_of_width(&block, width).map(|rows| (rows, width)));
    let rows = match rows {
        Some((rows, width)) => pad_rows(rows, width),
        None => {
            sink.diagnostic(
                Diagnostic::new(
                    "pipe_rows_guessed",
                    format!(
                        "line {first_line}: the rows of a pipe-per-cell table do not agree on a \
                         width; each bare `|` before a cell was taken as a row start"
                    ),
                )
                .at(Location {
                    line: Some(first_line),
                    ..Location::default()
                }),
            );
            guessed_rows(&block)
        }
    };
    sink.table(rows)
}

/// A row as read: its present cells, and whether padding closed it.
#[derive(Debug)]
struct Read {
    cells: Vec<CellDraft>,
    padded: bool,
    first_line: u32,
    last_line: u32,
}

/// Splits the block into rows for a table `width` cells wide, or `None` when the block does not
/// read cleanly at that width: every row starts with a bare pipe, a row without padding has
/// exactly `width` cells, and a padded row fewer.
fn rows_of_width(block: &[Token], width: usize) -> Option<Vec<Read>> {
    let mut rows: Vec<Read> = Vec::new();
    let mut current: Option<Read> = None;
    for token in block {
        match (current.as_mut(), token) {
            (None, Token::Bar(line)) => {
                current = Some(Read {
                    cells: Vec::new(),
                    padded: false,
                    first_line: *line,
                    last_line: *line,
                });
            }
            (None, _) => return None,
            (Some(row), Token::Padding(line)) => {
                if row.cells.len() >= width {
                    return None;
                }
                row.padded = true;
                row.last_line = *line;
                rows.extend(current.take());
            }
            (Some(row), Token::Cell(text, line)) => {
                row.cells.push(CellDraft {
                    text: text.clone(),
                    line: *line,
                });
                row.last_line = *line;
            }
            (Some(row), Token::Bar(line)) => {
                row.cells.push(CellDraft {
                    text: String::new(),
                    line: *line,
                });
                row.last_line = *line;
            }
        }
        if current.as_ref().is_some_and(|row| row.cells.len() == width) {
            rows.extend(current.take());
        }
        if current.as_ref().is_some_and(|row| row.cells.len() > width) {
            return None;
        }
    }
    if current.is_some() {
        return None;
    }
    Some(rows)
}

/// Puts the cells a padded row lacks in front of it, as empty cells.
fn pad_rows(rows: Vec<Read>, width: usize) -> Vec<RowDraft> {
    rows.into_iter()
        .map(|row| {
            let missing = if row.padded {
                width.saturating_sub(row.cells.len())
            } else {
                0
            };
            let mut cells: Vec<CellDraft> = (0..missing)
                .map(|_| CellDraft {
                    text: String::new(),
                    line: row.first_line,
                })
                .collect();
            cells.extend(row.cells);
            RowDraft {
                cells,
                first_line: row.first_line,
                last_line: row.last_line,
                blank_before: 0,
            }
        })
        .collect()
}

/// The fallback: a bare pipe followed by a cell with text starts a row; padding ends one.
fn guessed_rows(block: &[Token]) -> Vec<RowDraft> {
    let mut rows: Vec<RowDraft> = Vec::new();
    let mut open = false;
    for (index, token) in block.iter().enumerate() {
        match token {
            Token::Bar(line)
                if !open
                    || matches!(block.get(index + 1), Some(Token::Cell(text, _)) if !text.is_empty()) =>
            {
                rows.push(RowDraft {
                    first_line: *line,
                    last_line: *line,
                    ..RowDraft::default()
                });
                open = true;
            }
            Token::Padding(_) => open = false,
            Token::Bar(line) | Token::Cell(_, line) => {
                let text = match token {
                    Token::Cell(text, _) => text.clone(),
                    _ => String::new(),
                };
                if !open {
                    rows.push(RowDraft {
                        first_line: *line,
                        ..RowDraft::default()
                    });
                    open = true;
                }
                if let Some(row) = rows.last_mut() {
                    row.cells.push(CellDraft { text, line: *line });
                    row.last_line = *line;
                }
            }
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use jixiao_grid::Block;

    fn rows(text: &str) -> Vec<Vec<String>> {
        let document = crate::read_default(crate::Format::Text, text.as_bytes()).expect("reads");
        let grid = document.grids().next().expect("a table");
        (0..grid.rows())
            .map(|row| {
                (0..grid.cols())
                    .map(|col| {
                        grid.slot(row, col)
                            .map(|slot| slot.cell.text.clone())
                            .unwrap_or_default()
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn absent_merged_cells_are_put_back_in_front() {
        let text = "绩效目标表\n|\n一级指标 |\n二级指标 |\n指标值 |\n|\n产出指标 |\n数量指标 |\n|\n\
                    |\n质量指标 |\n≥95% |\n||\n|\n≤5万元 |\n|||\n";
        assert_eq!(
            rows(text),
            [
                ["一级指标", "二级指标", "指标值"],
                ["产出指标", "数量指标", ""],
                ["", "质量指标", "≥95%"],
                ["", "", "≤5万元"],
            ]
        );
        let document = crate::read_default(crate::Format::Text, text.as_bytes()).expect("reads");
        assert!(matches!(&document.blocks[0], Block::Paragraph(p) if p.text == "绩效目标表"));
        assert!(
            document.diagnostics.is_empty(),
            "{:?}",
            document.diagnostics
        );
    }

    #[test]
    fn rows_that_agree_on_no_width_are_guessed_and_reported() {
        let text = "|\na |\nb |\n|||\nc |\n";
        let document = crate::read_default(crate::Format::Text, text.as_bytes()).expect("reads");
        assert!(
            document
                .diagnostics
                .iter()
                .any(|d| d.code == "pipe_rows_guessed"),
            "{:?}",
            document.diagnostics
        );
    }
}
