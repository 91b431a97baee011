//! Text drawings of grids, so that a user sees what a reader saw.

use std::fmt::Write;

use crate::{Block, Document, Grid, Location};

/// Widest a column is drawn, in terminal columns.
const MAX_COLUMN_WIDTH: usize = 24;

/// Terminal width of a character: wide characters and the checkboxes take two columns.
fn char_width(c: char) -> usize {
    match c {
        crate::CHECKED | crate::UNCHECKED => 2,
        _ => crate::char_width(c),
    }
}

fn text_width(text: &str) -> usize {
    text.chars().map(char_width).sum()
}

/// Cuts `text` to at most `width` columns, marking the cut with `…`.
fn fit(text: &str, width: usize) -> String {
    if text_width(text) <= width {
        return text.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = char_width(c);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

fn pad(text: &str, width: usize) -> String {
    let mut out = text.to_string();
    for _ in text_width(text)..width {
        out.push(' ');
    }
    out
}

/// How a drawing is made (see `jixiao inspect`).
#[derive(Default)]
pub struct RenderOptions<'a> {
    /// Whole cell texts, every line, instead of the first line cut to the column width.
    pub wide: bool,
    /// Draw only the grid of this index (0-based, as `location.grid`).
    pub only_grid: Option<usize>,
    /// A note written at the end of a row's line, by (grid index, row).
    pub row_note: Option<&'a dyn Fn(usize, usize) -> Option<String>>,
}

impl std::fmt::Debug for RenderOptions<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderOptions")
            .field("wide", &self.wide)
            .field("only_grid", &self.only_grid)
            .field("row_note", &self.row_note.is_some())
            .finish()
    }
}

/// What a slot shows: the origin's first line with its span, or a mark pointing to the origin.
fn slot_label(grid: &Grid, row: usize, col: usize, wide: bool) -> String {
    match grid.slot(row, col) {
        None => "·".to_string(),
        Some(slot) if slot.is_origin => {
            let joined;
            let first = if wide {
                joined = slot
                    .cell
                    .text
                    .lines()
                    .map(str::trim)
                    .collect::<Vec<_>>()
                    .join(" ⏎ ");
                joined.as_str()
            } else {
                slot.cell.text.lines().next().unwrap_or("").trim()
            };
            let more = if slot.cell.text.contains('\n') && !wide {
                "⏎"
            } else {
                ""
            };
            let span = if slot.cell.row_span > 1 || slot.cell.col_span > 1 {
                format!(" [{}×{}]", slot.cell.row_span, slot.cell.col_span)
            } else {
                String::new()
            };
            let text = if first.is_empty() && more.is_empty() {
                "∅"
            } else {
                first
            };
            if wide {
                format!("{text}{span}")
            } else {
                format!("{}{more}{span}", fit(text, MAX_COLUMN_WIDTH - 8))
            }
        }
        Some(slot) if slot.cell.col == col => "↑".to_string(),
        Some(_) => "←".to_string(),
    }
}

fn describe(location: &Location) -> String {
    let mut parts = Vec::new();
    if let Some(sheet) = &location.sheet {
        parts.push(format!("sheet {sheet}"));
    }
    match (location.page, location.page_end) {
        (Some(first), Some(last)) if last != first => parts.push(format!("pages {first}–{last}")),
        (Some(first), _) => parts.push(format!("page {first}")),
        _ => {}
    }
    match (location.line, location.line_end) {
        (Some(first), Some(last)) if last != first => parts.push(format!("lines {first}–{last}")),
        (Some(first), _) => parts.push(format!("line {first}")),
        _ => {}
    }
    parts.join(", ")
}

pub(crate) fn render(grid: &Grid) -> String {
    render_with(grid, usize::MAX, &RenderOptions::default())
}

fn render_with(grid: &Grid, index: usize, options: &RenderOptions<'_>) -> String {
    let wide = options.wide;
    let mut out = String::new();
    let place = describe(&grid.location);
    let _ = writeln!(
        out,
        "{} rows × {} columns{}{}",
        grid.rows(),
        grid.cols(),
        if place.is_empty() { "" } else { ", " },
        place
    );
    let labels: Vec<Vec<String>> = (0..grid.rows())
        .map(|row| {
            (0..grid.cols())
                .map(|col| slot_label(grid, row, col, wide))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = (0..grid.cols())
        .map(|col| {
            labels
                .iter()
                .map(|row| text_width(&row[col]))
                .chain([text_width(&format!("c{col}"))])
                .max()
                .unwrap_or(1)
        })
        .collect();
    let row_label_width = format!("r{}", grid.rows().saturating_sub(1)).len();
    let _ = write!(out, "{} ", pad("", row_label_width));
    for (col, width) in widths.iter().enumerate() {
        let _ = write!(out, "│ {} ", pad(&format!("c{col}"), *width));
    }
    out.push('\n');
    for (row, labels) in labels.iter().enumerate() {
        let _ = write!(out, "{} ", pad(&format!("r{row}"), row_label_width));
        for (label, width) in labels.iter().zip(&widths) {
            let _ = write!(out, "│ {} ", pad(label, *width));
        }
        if let Some(note) = options.row_note.and_then(|note| note(index, row)) {
            let _ = write!(out, "◂ {note}");
        }
        out.push('\n');
    }
    let merged: Vec<_> = grid
        .cells()
        .iter()
        .filter(|cell| cell.row_span > 1 || cell.col_span > 1)
        .collect();
    if !merged.is_empty() {
        out.push_str("merged cells:\n");
        for cell in merged {
            let first = cell.text.lines().next().unwrap_or("").trim();
            let _ = writeln!(
                out,
                "  r{}c{} {} → rows {}–{}, columns {}–{}",
                cell.row,
                cell.col,
                if wide {
                    (if first.is_empty() { "∅" } else { first }).to_string()
                } else {
                    fit(if first.is_empty() { "∅" } else { first }, 40)
                },
                cell.row,
                cell.last_row(),
                cell.col,
                cell.last_col()
            );
        }
    }
    out
}

pub(crate) fn render_document(document: &Document, options: &RenderOptions<'_>) -> String {
    let mut out = String::new();
    let mut grid_index = 0;
    for block in &document.blocks {
        match block {
            Block::Paragraph(_) if options.only_grid.is_some() => {}
            Block::Paragraph(paragraph) => {
                let text = paragraph.text.replace('\n', " ⏎ ");
                let text = if options.wide { text } else { fit(&text, 120) };
                let _ = writeln!(out, "¶ {text}");
            }
            Block::Table(grid) => {
                if options.only_grid.is_none_or(|only| only == grid_index) {
                    let _ = write!(
                        out,
                        "\ngrid {grid_index}: {}\n",
                        render_with(grid, grid_index, options)
                    );
                }
                grid_index += 1;
            }
        }
    }
    if !document.diagnostics.is_empty() {
        out.push_str("\nreader notes:\n");
        for diagnostic in &document.diagnostics {
            let _ = writeln!(out, "  {}: {}", diagnostic.code, diagnostic.message);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::{Cell, GridBuilder, Location};

    #[test]
    fn drawing_shows_spans_and_continuations() {
        let mut builder = GridBuilder::new();
        builder.push(Cell::new(0, 0, "一级指标"));
        builder.push(Cell::new(0, 1, "二级指标"));
        builder.push(Cell::new(1, 0, "产出指标").with_span(2, 1));
        builder.push(Cell::new(1, 1, "数量指标"));
        builder.push(Cell::new(2, 1, "质量指标"));
        builder.push(Cell::new(3, 0, "满意度指标").with_span(1, 2));
        let (grid, _) = builder.build(Location::default());
        let drawing = grid.render();
        let lines: Vec<&str> = drawing.lines().collect();
        assert_eq!(lines[0], "4 rows × 2 columns");
        assert!(lines[3].starts_with("r1"), "{drawing}");
        assert!(lines[3].contains("产出指标 [2×1]"), "{drawing}");
        assert!(lines[4].contains('↑'), "{drawing}");
        assert!(lines[5].contains('←'), "{drawing}");
        assert!(
            drawing.contains("r1c0 产出指标 → rows 1–2, columns 0–0"),
            "{drawing}"
        );
    }

    #[test]
    fn long_text_is_cut_to_the_column_width() {
        assert_eq!(super::fit("一二三四五", 6), "一二…");
        assert_eq!(super::fit("abc", 6), "abc");
    }
}
