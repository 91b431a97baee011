//! The HTML table model: rows from `table` → `thead|tbody|tfoot` → `tr` → `td|th`, direct
//! children only (a nested table's rows belong to the nested table), and the slot placement
//! of the HTML standard for `rowspan`/`colspan`.
//!
//! - `colspan` 0 reads as 1, above 1000 as 1000; `rowspan` 0 runs to the end of the row group,
//!   above 65534 reads as 65534, and a span past the end of its row group or past the table's
//!   last column is cut there (a table model error that browsers also cut).
//! - `tfoot` groups are placed after the other groups, as the standard prescribes.
//! - A cell's text keeps its line breaks (`<br>`, `<p>`, `<div>`), checkboxes become `☑`/`☐`,
//!   and a nested table's text stays in the cell; the nested table itself is returned so
//!   that the caller can emit it as its own grid after this one.

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use jixiao_grid::{CHECKED, Cell, GridBuilder, UNCHECKED};
use scraper::Node;

use super::text::TextBuilder;
use super::{SKIPPED, is_block, name_of};
use crate::{DocumentBuilder, ReadError};

const MAX_COLSPAN: u64 = 1000;
const MAX_ROWSPAN: u64 = 65534;

/// What reading one `<table>` gives.
#[derive(Debug)]
pub(super) struct TableRead<'a> {
    /// The text of the table's `<caption>`, if any.
    pub caption: Option<String>,
    /// Cells with their origin and extent, ready for a `GridBuilder`.
    pub cells: Vec<Cell>,
    /// Tables nested in the cells, outermost only, in document order.
    pub nested: Vec<NodeRef<'a, Node>>,
    /// Spans that were absurdly large and were cut.
    pub absurd_spans: usize,
}

/// Reads a table element. The slots it covers (rows × columns) are reserved from the
/// document's cell budget, checked as its rows are read.
pub(super) fn read_table<'a>(
    table: NodeRef<'a, Node>,
    document: &mut DocumentBuilder<'_>,
) -> Result<TableRead<'a>, ReadError> {
    let mut caption = None;
    let mut groups: Vec<Vec<NodeRef<'a, Node>>> = Vec::new();
    let mut footers: Vec<Vec<NodeRef<'a, Node>>> = Vec::new();
    let mut loose_rows: Vec<NodeRef<'a, Node>> = Vec::new();
    let mut nested = Vec::new();
    for child in table.children() {
        let name = name_of(child);
        if name == Some("tr") {
            loose_rows.push(child);
            continue;
        }
        if matches!(name, Some("thead" | "tbody" | "tfoot")) && !loose_rows.is_empty() {
            // Rows directly in the table form a group of their own.
            groups.push(std::mem::take(&mut loose_rows));
        }
        match name {
            Some("thead" | "tbody") => groups.push(rows_of(child)),
            Some("tfoot") => footers.push(rows_of(child)),
            Some("caption") => {
                let text = cell_text(child, &mut nested);
                if !text.is_empty() {
                    caption = Some(text);
                }
            }
            _ => {}
        }
    }
    if !loose_rows.is_empty() {
        groups.push(loose_rows);
    }
    groups.extend(footers);

    let mut cells = Vec::new();
    let mut absurd_spans = 0;
    let mut top = 0usize;
    // Slots the cells cover, counted as they are placed so that a hostile table (every cell
    // with rowspan=0) is refused before its bookkeeping grows.
    let mut covered = 0usize;
    for group in groups {
        let height = group.len();
        // Columns taken in each row of the group by cells from rows above.
        let mut taken: Vec<Vec<(usize, usize)>> = vec![Vec::new(); height];
        for (index, row) in group.into_iter().enumerate() {
            let mut above = std::mem::take(&mut taken[index]);
            above.sort_unstable();
            let mut next_above = 0usize;
            let mut col = 0usize;
            for cell in row.children() {
                let Some(element) = cell.value().as_element() else {
                    continue;
                };
                if !matches!(name_of(cell), Some("td" | "th")) {
                    continue;
                }
                // Skip the columns that cells from the rows above still cover; cells are placed
                // left to right, so one pass over the sorted intervals suffices.
                while let Some(&(start, end)) = above.get(next_above) {
                    if end <= col {
                        next_above += 1;
                    } else if start <= col {
                        col = end;
                        next_above += 1;
                    } else {
                        break;
                    }
                }
                let colspan = match parse_span(element.attr("colspan")) {
                    None | Some(0) => 1,
                    Some(span) if span > MAX_COLSPAN => {
                        absurd_spans += 1;
                        MAX_COLSPAN
                    }
                    Some(span) => span,
                } as usize;
                let left = height - index;
                let rowspan = match parse_span(element.attr("rowspan")) {
                    None => 1,
                    Some(0) => left,
                    Some(span) => {
                        if span > MAX_ROWSPAN {
                            absurd_spans += 1;
                        }
                        (span.min(MAX_ROWSPAN) as usize).min(left)
                    }
                };
                covered = covered.saturating_add(rowspan.saturating_mul(colspan));
                document.check_cells(covered)?;
                let text = cell_text(cell, &mut nested);
                for below in 1..rowspan {
                    taken[index + below].push((col, col + colspan));
                }
                cells.push(Cell::new(top + index, col, text).with_span(rowspan, colspan));
                col += colspan;
            }
        }
        top += height;
    }

    // Columns where no cell starts exist only because a span ran past the table's edge; cut
    // them, and rows past the last row that starts a cell likewise.
    GridBuilder::fit_columns(&mut cells);
    GridBuilder::fit_rows(&mut cells);
    let width = cells.iter().map(|cell| cell.col + 1).max().unwrap_or(0);
    let height = cells.iter().map(|cell| cell.row + 1).max().unwrap_or(0);
    let slots = width.saturating_mul(height);
    document.reserve(slots)?;
    Ok(TableRead {
        caption,
        cells,
        nested,
        absurd_spans,
    })
}

/// The `tr` children of a row group.
fn rows_of(group: NodeRef<'_, Node>) -> Vec<NodeRef<'_, Node>> {
    group
        .children()
        .filter(|child| name_of(*child) == Some("tr"))
        .collect()
}

/// The HTML "rules for parsing non-negative integers": leading whitespace, an optional `+`,
/// then digits; anything after them is ignored (`2px` reads as 2). `None` when there are no
/// digits.
fn parse_span(value: Option<&str>) -> Option<u64> {
    let value = value?.trim_start_matches([' ', '\t', '\n', '\r', '\x0C']);
    let value = value.strip_prefix('+').unwrap_or(value);
    let digits: &str = &value[..value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len())];
    if digits.is_empty() {
        return None;
    }
    // Anything longer than 10 digits is absurd; saturate instead of overflowing.
    Some(digits.parse::<u64>().unwrap_or(u64::MAX))
}

/// The text of a cell (or caption), as a browser shows it. Outermost nested tables are
/// appended to `nested`; their text stays in the cell, cells separated by spaces and rows by
/// line breaks.
pub(super) fn cell_text<'a>(
    cell: NodeRef<'a, Node>,
    nested: &mut Vec<NodeRef<'a, Node>>,
) -> String {
    let mut text = TextBuilder::new();
    let mut skip: Option<ego_tree::NodeId> = None;
    let mut tables = 0usize;
    let mut pre = 0usize;
    for edge in cell.traverse() {
        match edge {
            Edge::Open(node) => {
                if skip.is_some() || node.id() == cell.id() {
                    continue;
                }
                match node.value() {
                    Node::Text(run) => text.push_text(run, pre > 0),
                    Node::Element(element) => {
                        let name = element.name();
                        if SKIPPED.contains(&name) {
                            skip = Some(node.id());
                            continue;
                        }
                        match name {
                            "br" => text.line_break(),
                            "input" => push_input(&mut text, element),
                            "table" => {
                                if tables == 0 {
                                    nested.push(node);
                                }
                                tables += 1;
                                text.block_boundary();
                            }
                            "td" | "th" => text.space(),
                            "pre" | "listing" | "textarea" => {
                                pre += 1;
                                text.block_boundary();
                            }
                            other if is_block(other) => text.block_boundary(),
                            _ => {}
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skip == Some(node.id()) {
                    skip = None;
                    continue;
                }
                if skip.is_some() || node.id() == cell.id() {
                    continue;
                }
                match name_of(node) {
                    Some("table") => {
                        tables = tables.saturating_sub(1);
                        text.block_boundary();
                    }
                    Some("td" | "th") => text.space(),
                    Some("pre" | "listing" | "textarea") => {
                        pre = pre.saturating_sub(1);
                        text.block_boundary();
                    }
                    Some(other) if is_block(other) => text.block_boundary(),
                    _ => {}
                }
            }
        }
    }
    text.finish()
}

/// An `<input>` as it shows: a checkbox or radio button as `☑`/`☐`, a text field as its value.
pub(super) fn push_input(text: &mut TextBuilder, element: &scraper::node::Element) {
    let kind = element.attr("type").unwrap_or("text").trim();
    if kind.eq_ignore_ascii_case("checkbox") || kind.eq_ignore_ascii_case("radio") {
        let mark = if element.attr("checked").is_some() {
            CHECKED
        } else {
            UNCHECKED
        };
        text.push_visible(mark);
    } else if kind.eq_ignore_ascii_case("text")
        && let Some(value) = element.attr("value")
    {
        text.push_text(value, false);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_like_browsers() {
        assert_eq!(parse_span(Some("2")), Some(2));
        assert_eq!(parse_span(Some(" +3px")), Some(3));
        assert_eq!(parse_span(Some("x")), None);
        assert_eq!(parse_span(Some("")), None);
        assert_eq!(parse_span(None), None);
        assert_eq!(parse_span(Some("99999999999999999999999")), Some(u64::MAX));
    }
}
