//! The blank-line dialect: what a crawler or a browser copy gives for a web table whose cells are
//! paragraphs. Every cell is a line (or a few lines, for a cell of several paragraphs), one blank
//! line separates the cells of a row, two or more blank lines end the row, and an empty cell is a
//! line holding only spaces or `&nbsp;` (a truly empty line would read as a separator).
//!
//! ```text
//! 项目名称                  ← a cell
//!                           ← one blank line: the next cell of the same row
//! 办公设备购置
//!
//!                           ← two blank lines: a new row
//! 一级指标
//!
//! &nbsp;                    ← an empty cell (a merged cell left empty)
//! ```
//!
//! A group of lines that makes a single cell is a paragraph, and ends the table: titles and
//! text around the table are written this way too. Page numbers are dropped as elsewhere.

use super::clean::clean;
use super::{CellDraft, RowDraft, Sink, line_number};
use crate::ReadError;
use crate::page_number::is_page_number;

/// True for a line that stands for an empty cell: not empty, but nothing but spaces and
/// non-breaking spaces, written or as `&nbsp;` / `&#160;`.
pub(crate) fn is_empty_cell_line(line: &str) -> bool {
    if line.is_empty() || line == "\r" {
        return false;
    }
    let mut rest = line.trim_end_matches('\r');
    loop {
        rest = rest.trim_start_matches([' ', '\u{a0}', '\u{3000}', '\t']);
        if let Some(tail) = rest
            .strip_prefix("&nbsp;")
            .or_else(|| rest.strip_prefix("&#160;"))
            .or_else(|| rest.strip_prefix("&#xa0;"))
        {
            rest = tail;
        } else {
            return rest.is_empty();
        }
    }
}

/// One cell or paragraph being collected: its lines and where it starts.
#[derive(Debug, Default)]
struct Piece {
    text: String,
    line: u32,
    started: bool,
}

/// Reads `text` in the blank-line dialect into `sink`.
pub(crate) fn parse(text: &str, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let mut table: Vec<RowDraft> = Vec::new();
    let mut row: Vec<CellDraft> = Vec::new();
    let mut row_lines = (0u32, 0u32);
    let mut piece = Piece::default();
    let mut blank = 0usize;

    for (index, raw) in text.split('\n').enumerate() {
        sink.check_time(index)?;
        let line = line_number(index);
        let raw = raw.trim_end_matches('\r');
        if raw.is_empty() {
            blank += 1;
            continue;
        }
        if blank > 0 || !piece.started {
            // The blank lines before this line end the piece; two or more end the row.
            if piece.started {
                row.push(CellDraft {
                    text: std::mem::take(&mut piece.text),
                    line: piece.line,
                });
                piece.started = false;
            }
            if blank >= 2 && !row.is_empty() {
                finish_row(&mut row, row_lines, &mut table, sink)?;
            }
            blank = 0;
        }
        let empty = is_empty_cell_line(raw);
        if !piece.started {
            if row.is_empty() {
                row_lines.0 = line;
            }
            piece.started = true;
            piece.line = line;
            if !empty {
                piece.text.push_str(clean(raw).text.trim());
            }
        } else if !empty {
            // A line right after another: the same cell, its next paragraph.
            if !piece.text.is_empty() {
                piece.text.push('\n');
            }
            piece.text.push_str(clean(raw).text.trim());
        }
        row_lines.1 = line;
    }
    if piece.started {
        row.push(CellDraft {
            text: piece.text,
            line: piece.line,
        });
    }
    if !row.is_empty() {
        finish_row(&mut row, row_lines, &mut table, sink)?;
    }
    sink.table(table)?;
    Ok(())
}

/// Ends a row: a row of two or more cells joins the table; a single cell is a paragraph (or a
/// page number), which ends the table.
fn finish_row(
    row: &mut Vec<CellDraft>,
    (first_line, last_line): (u32, u32),
    table: &mut Vec<RowDraft>,
    sink: &mut Sink<'_, '_>,
) -> Result<(), ReadError> {
    let cells = std::mem::take(row);
    sink.count_cells(cells.len())?;
    if cells.len() >= 2 {
        table.push(RowDraft {
            cells,
            first_line,
            last_line,
            blank_before: 2,
        });
        return Ok(());
    }
    let Some(cell) = cells.into_iter().next() else {
        return Ok(());
    };
    if is_page_number(&cell.text) {
        sink.page_debris(cell.line, &cell.text);
        return Ok(());
    }
    if cell.text.trim().is_empty() {
        return Ok(());
    }
    sink.table(std::mem::take(table))?;
    sink.paragraph(cell.line, &cell.text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_grid::Block;

    #[test]
    fn empty_cell_lines() {
        assert!(is_empty_cell_line("&nbsp;"));
        assert!(is_empty_cell_line("  "));
        assert!(is_empty_cell_line(" &nbsp; \u{a0}"));
        assert!(!is_empty_cell_line(""));
        assert!(!is_empty_cell_line("&nbsp;x"));
    }

    #[test]
    fn cells_rows_paragraphs_and_empty_cells() {
        let text = "1、办公设备购置绩效目标表\n\n\n项目名称\n\n办公设备购置\n\n\n\
                    一级指标\n\n二级指标\n\n指标值\n\n\n产出指标\n\n数量指标\n\n≥5台\n\n\n\
                    &nbsp;\n\n质量指标\n第二段\n\n  \n\n\n下一张表\n";
        let document = crate::read_default(crate::Format::Text, text.as_bytes()).expect("reads");
        let Block::Paragraph(title) = &document.blocks[0] else {
            panic!("a title first")
        };
        assert_eq!(title.text, "1、办公设备购置绩效目标表");
        let Block::Table(grid) = &document.blocks[1] else {
            panic!("a table")
        };
        assert_eq!(grid.rows(), 4);
        let row =
            |r: usize| -> Vec<&str> { grid.row_cells(r).iter().map(|c| c.text.as_str()).collect() };
        assert_eq!(row(0), ["项目名称", "办公设备购置"]);
        assert_eq!(row(2), ["产出指标", "数量指标", "≥5台"]);
        assert_eq!(row(3), ["", "质量指标\n第二段", ""]);
        assert_eq!(grid.row_cells(2)[2].source.line, Some(20));
        let Block::Paragraph(after) = &document.blocks[2] else {
            panic!("a paragraph after")
        };
        assert_eq!(after.text, "下一张表");
    }
}
