//! The space-aligned dialect: columns lined up with spaces, as `column -t`, fixed-width reports
//! and some copies out of a browser's text view give them.
//!
//! ```text
//! 一级指标  二级指标  三级指标        指标值
//! 产出指标  数量指标  设备购置数量    ≥5台
//!           质量指标  设备合格率      100%      ← a merged 一级: blank at its column
//! ```
//!
//! Text is measured in display columns (CJK and full-width characters are two wide). Within a
//! cell words are apart by at most one space; two or more spaces separate cells. A block of
//! lines between blank lines is a table when at least two of its lines have such a gap (or are
//! indented, when their first cells are empty); each column starts at a position where some
//! row's cell starts, and each cell goes to the column it starts in. Other blocks are
//! paragraphs, one per line.

use jixiao_grid::char_width;

use super::clean::clean;
use super::{CellDraft, RowDraft, Sink, line_number};
use crate::ReadError;
use crate::page_number::is_page_number;

/// The cells of a line: (display column where the cell starts, text).
fn segments(line: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut column = 0usize;
    let mut spaces = 0usize;
    let mut current: Option<(usize, String)> = None;
    for c in line.chars() {
        let width = if c == '\t' {
            8 - column % 8
        } else {
            char_width(c)
        };
        if c == ' ' || c == '\t' || c == '\u{3000}' {
            spaces += if c == ' ' { 1 } else { 2 };
        } else {
            if spaces >= 2 {
                out.extend(current.take());
            }
            match current.as_mut() {
                Some((_, text)) => {
                    if spaces == 1 {
                        text.push(' ');
                    }
                    text.push(c);
                }
                None => current = Some((column, c.to_string())),
            }
            spaces = 0;
        }
        column += width;
    }
    out.extend(current);
    out
}

/// True when a line has a gap of two or more spaces between text, or starts indented.
pub(crate) fn has_gap(line: &str) -> bool {
    let line = line.trim_end();
    let trimmed = line.trim_start_matches([' ', '\u{3000}']);
    if trimmed.is_empty() || trimmed.contains('\t') {
        return false;
    }
    line.len() - trimmed.len() >= 2 || trimmed.contains("  ") || trimmed.contains('\u{3000}')
}

/// Reads `text` in the space-aligned dialect into `sink`.
pub(crate) fn parse(text: &str, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let mut block: Vec<(u32, &str)> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        sink.check_time(index)?;
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            finish_block(std::mem::take(&mut block), sink)?;
            continue;
        }
        block.push((line_number(index), raw));
    }
    finish_block(block, sink)
}

fn finish_block(block: Vec<(u32, &str)>, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    if block.iter().filter(|(_, raw)| has_gap(raw)).count() < 2 {
        for (line, raw) in block {
            if is_page_number(raw) {
                sink.page_debris(line, raw);
                continue;
            }
            let cleaned = clean(raw);
            sink.paragraph(line, &cleaned.text)?;
        }
        return Ok(());
    }
    let rows: Vec<(u32, Vec<(usize, String)>)> = block
        .iter()
        .filter(|(line, raw)| {
            if is_page_number(raw) {
                sink.page_debris(*line, raw);
                false
            } else {
                true
            }
        })
        .map(|(line, raw)| (*line, segments(raw)))
        .collect();
    let mut starts: Vec<usize> = rows
        .iter()
        .flat_map(|(_, cells)| cells.iter().map(|(start, _)| *start))
        .collect();
    starts.sort_unstable();
    starts.dedup();
    sink.count_cells(starts.len().saturating_mul(rows.len()))?;
    let drafts = rows
        .into_iter()
        .map(|(line, cells)| {
            let mut drafts: Vec<CellDraft> = Vec::new();
            for (start, text) in cells {
                let column = starts.partition_point(|&s| s <= start).saturating_sub(1);
                while drafts.len() < column {
                    drafts.push(CellDraft {
                        text: String::new(),
                        line,
                    });
                }
                let text = clean(&text).text.trim().to_string();
                match drafts.get_mut(column) {
                    Some(cell) => {
                        cell.text.push(' ');
                        cell.text.push_str(&text);
                    }
                    None => drafts.push(CellDraft { text, line }),
                }
            }
            RowDraft {
                cells: drafts,
                first_line: line,
                last_line: line,
                blank_before: 0,
            }
        })
        .collect();
    sink.table(drafts)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_measure_display_columns() {
        assert_eq!(
            segments("一级指标  a b   ≥5台"),
            [
                (0, "一级指标".to_string()),
                (10, "a b".to_string()),
                (16, "≥5台".to_string())
            ]
        );
        assert_eq!(segments("    质量指标"), [(4, "质量指标".to_string())]);
    }

    #[test]
    fn columns_from_aligned_starts() {
        let text = concat!(
            "绩效目标表\n\n",
            "一级指标  二级指标  指标值\n",
            "产出指标  数量指标  ≥5台\n",
            "          质量指标  100%\n\n完\n"
        );
        let document = crate::read_default(crate::Format::Text, text.as_bytes()).expect("reads");
        let grid = document.grids().next().expect("a table");
        assert_eq!((grid.rows(), grid.cols()), (3, 3));
        assert_eq!(grid.row_cells(2)[0].text, "");
        assert_eq!(grid.row_cells(2)[1].text, "质量指标");
        assert_eq!(grid.row_cells(2)[2].text, "100%");
        assert_eq!(document.blocks.len(), 3);
    }
}
