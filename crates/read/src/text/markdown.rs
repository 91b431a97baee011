//! The Markdown dialect: pipe tables as Markdown converters and chat tools write them.
//!
//! ```text
//! | 一级指标 | 二级指标 | 指标值 |
//! | --- | --- | --- |
//! | 产出指标 | 数量指标 | ≥5台 |
//! |  | 质量指标 | 100% |          ← a merged cell lost: an empty cell
//! ```
//!
//! A row is a line that starts and ends with `|`; `\|` is a pipe inside a cell and `<br>` a line
//! break. The rule line under the header is dropped. Any other line is a paragraph and ends the
//! table.

use super::clean::clean;
use super::{CellDraft, RowDraft, Sink, line_number};
use crate::ReadError;
use crate::page_number::is_page_number;

/// True for a Markdown table row: `| … |` with at least two cells.
pub(crate) fn is_row(raw: &str) -> bool {
    let line = raw.trim();
    line.len() >= 3 && line.starts_with('|') && line.ends_with('|') && !line.ends_with("\\|") && {
        let inner = &line[1..line.len() - 1];
        inner.contains('|') && !inner.trim_matches('|').trim().is_empty()
    }
}

/// True for the rule under a header: `|---|:---:|`, cells of dashes and colons only.
pub(crate) fn is_rule(raw: &str) -> bool {
    let line = raw.trim();
    if !line.contains("---") {
        return false;
    }
    line.trim_matches('|').split('|').all(|cell| {
        let cell = cell.trim();
        !cell.is_empty()
            && cell.trim_matches(':').len() >= 3
            && cell.trim_matches(':').bytes().all(|b| b == b'-')
    })
}

/// The cells of a row, split at unescaped pipes.
fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                cell.push('|');
                chars.next();
            }
            '|' => cells.push(std::mem::take(&mut cell)),
            _ => cell.push(c),
        }
    }
    cells.push(cell);
    cells
}

/// A cell's text: `<br>` as a line break, markup and entities cleaned, trimmed.
fn cell_text(raw: &str) -> String {
    let mut text = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('<') {
        let tail = &rest[at..];
        let lower: String = tail
            .chars()
            .take(6)
            .collect::<String>()
            .to_ascii_lowercase();
        let tag = ["<br>", "<br/>", "<br />"]
            .into_iter()
            .find(|tag| lower.starts_with(tag));
        text.push_str(&rest[..at]);
        match tag {
            Some(tag) => {
                text.push('\n');
                rest = &tail[tag.len()..];
            }
            None => {
                text.push('<');
                rest = &tail[1..];
            }
        }
    }
    text.push_str(rest);
    text.split('\n')
        .map(|line| clean(line.trim()).text.trim().to_string())
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Reads `text` in the Markdown dialect into `sink`.
pub(crate) fn parse(text: &str, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let mut table: Vec<RowDraft> = Vec::new();
    for (index, raw) in text.split('\n').enumerate() {
        sink.check_time(index)?;
        let line = line_number(index);
        if is_rule(raw) {
            continue;
        }
        if is_row(raw) {
            let cells: Vec<CellDraft> = split_row(raw)
                .iter()
                .map(|cell| CellDraft {
                    text: cell_text(cell),
                    line,
                })
                .collect();
            sink.count_cells(cells.len())?;
            table.push(RowDraft {
                cells,
                first_line: line,
                last_line: line,
                blank_before: 0,
            });
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
        sink.table(std::mem::take(&mut table))?;
        sink.paragraph(line, &cleaned.text)?;
    }
    sink.table(table)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_rules_escapes_and_breaks() {
        assert!(is_rule("| --- | :---: |"));
        assert!(is_rule("|---|---|"));
        assert!(!is_rule("| 一级 | --- |"));
        assert!(is_row("| a | b |"));
        assert!(!is_row("| a |"));
        assert_eq!(split_row("| a \\| b | c |"), [" a | b ", " c "]);
        let text = "标题\n\n| 一级指标 | 二级指标 | 指标值 |\n|---|---|---|\n\
                    | 产出指标 | 数量指标 | ≥5台<br>或更多 |\n|  | 质量指标 | 100% |\n\n后记\n";
        let document = crate::read_default(crate::Format::Text, text.as_bytes()).expect("reads");
        let grid = document.grids().next().expect("a table");
        assert_eq!(grid.rows(), 3);
        assert_eq!(grid.row_cells(1)[2].text, "≥5台\n或更多");
        assert_eq!(grid.row_cells(2)[0].text, "");
        assert_eq!(grid.row_cells(2)[1].text, "质量指标");
        assert_eq!(document.blocks.len(), 3);
    }
}
