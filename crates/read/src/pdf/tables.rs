//! Tables across pages: a table that continues on the next page is joined into one grid, and
//! each finished table becomes a grid.
//!
//! A fragment at the top of a page continues the table at the bottom of the page before when
//! both are ruled and their outer edges line up (within a tolerance) with mostly the same
//! column boundaries. Joining then handles what office suites do at a page break:
//!
//! - **Repeated header rows.** Rows at the top of the continuation whose texts equal the
//!   table's first rows are dropped.
//! - **Split rows.** A row allowed to break across pages leaves the tail of its wrapped text at
//!   the top of the next page. The continuation's first row is that tail when every cell with
//!   text in it sits under a cell whose last line ran to its right edge; the row is then folded
//!   into the row above, its text joined as a wrapped line.
//! - **Split merged cells.** Word and LibreOffice draw a vertically merged cell that crosses
//!   the break as two boxes, the second empty (and, in some producers, without a top rule).
//!   An empty cell at the top of the continuation whose column matches the cell above is the
//!   same cell when either part spans several rows or no rule closes it, so the merged cell
//!   spans across the join, as the 一级指标 cells of long indicator tables do.

use jixiao_grid::{Cell, GridBuilder, Location, Source};

use super::layout::{Fragment, join_wrapped, starts_with_item_marker};
use super::tolerance::{COLUMN_TOLERANCE, EDGE_TOLERANCE, PAGE_END_BAND};

/// A cell of a table being joined, with rows counted from the table's first row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TableCell {
    pub row: usize,
    pub row_span: usize,
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    pub page: u32,
    ends_full: bool,
    lines: usize,
}

/// A table, possibly joined from fragments on several pages.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub first_page: u32,
    pub last_page: u32,
    pub rows: usize,
    pub cells: Vec<TableCell>,
    /// Row texts of the table's first rows, to recognise a repeated header.
    head: Vec<Vec<String>>,
    /// Edges of the last fragment joined, and the height of its page.
    left: f64,
    right: f64,
    bottom: f64,
    page_height: f64,
    xs: Vec<f64>,
    ruled: bool,
    /// How many times a page break was joined, and what was repaired there.
    pub joins: usize,
    pub headers_dropped: usize,
    pub rows_rejoined: usize,
}

/// Texts of the cells starting on each of the first `count` rows, left to right.
fn row_texts(cells: &[(usize, f64, &str)], count: usize) -> Vec<Vec<String>> {
    (0..count)
        .map(|row| {
            let mut texts: Vec<(f64, &str)> = cells
                .iter()
                .filter(|(r, _, _)| *r == row)
                .map(|&(_, x, text)| (x, text))
                .collect();
            texts.sort_by(|a, b| a.0.total_cmp(&b.0));
            texts
                .into_iter()
                .map(|(_, text)| text.split_whitespace().collect::<String>())
                .collect()
        })
        .collect()
}

impl Table {
    /// A table that starts with `fragment`.
    pub(crate) fn start(fragment: Fragment) -> Table {
        let keyed: Vec<(usize, f64, &str)> = fragment
            .cells
            .iter()
            .map(|c| (c.row, c.x0, c.text.as_str()))
            .collect();
        let head = row_texts(&keyed, fragment.rows.min(3));
        Table {
            first_page: fragment.page,
            last_page: fragment.page,
            rows: fragment.rows,
            head,
            left: fragment.left,
            right: fragment.right,
            bottom: fragment.bottom,
            page_height: fragment.page_height,
            xs: fragment.xs.clone(),
            ruled: fragment.ruled,
            cells: fragment
                .cells
                .into_iter()
                .map(|cell| TableCell {
                    row: cell.row,
                    row_span: cell.row_span,
                    x0: cell.x0,
                    x1: cell.x1,
                    text: cell.text,
                    page: cell.page,
                    ends_full: cell.ends_full,
                    lines: cell.lines,
                })
                .collect(),
            joins: 0,
            headers_dropped: 0,
            rows_rejoined: 0,
        }
    }

    /// True when `next`, found at the top of the following page, continues this table: the
    /// outer edges line up, and either most column boundaries do too or the table ran to the
    /// foot of its page and `next` starts at the head of its own (rows of one table may have
    /// their own column widths).
    pub(crate) fn continues_into(&self, next: &Fragment) -> bool {
        if !self.ruled || !next.ruled || next.page != self.last_page + 1 {
            return false;
        }
        if (self.left - next.left).abs() > EDGE_TOLERANCE
            || (self.right - next.right).abs() > EDGE_TOLERANCE
        {
            return false;
        }
        let at_page_ends = self.bottom < self.page_height * PAGE_END_BAND
            && next.top > next.page_height * (1.0 - PAGE_END_BAND);
        let interior = |xs: &[f64]| -> Vec<f64> {
            xs.iter()
                .copied()
                .skip(1)
                .take(xs.len().saturating_sub(2))
                .collect()
        };
        let theirs = interior(&next.xs);
        let ours = interior(&self.xs);
        if theirs.is_empty() || ours.is_empty() {
            return at_page_ends || (theirs.is_empty() && ours.is_empty());
        }
        let matched = theirs
            .iter()
            .filter(|&&x| ours.iter().any(|&o| (o - x).abs() <= COLUMN_TOLERANCE))
            .count();
        matched * 2 >= theirs.len() || at_page_ends
    }

    /// Joins the continuation `next` below this table.
    pub(crate) fn join(&mut self, next: Fragment) {
        self.joins += 1;
        let mut cells = next.cells;
        let mut rows = next.rows;

        // Drop a repeated header.
        let keyed: Vec<(usize, f64, &str)> = cells
            .iter()
            .map(|c| (c.row, c.x0, c.text.as_str()))
            .collect();
        let theirs = row_texts(&keyed, rows.min(self.head.len()));
        let mut repeated = 0;
        for count in (1..=theirs.len()).rev() {
            let same = theirs[..count] == self.head[..count]
                && theirs[..count]
                    .iter()
                    .flatten()
                    .any(|text| !text.is_empty())
                && cells
                    .iter()
                    .all(|c| c.row >= count || c.row + c.row_span <= count);
            if same && count < rows {
                repeated = count;
                break;
            }
        }
        if repeated > 0 {
            cells.retain(|c| c.row >= repeated);
            for cell in &mut cells {
                cell.row -= repeated;
            }
            rows -= repeated;
            self.headers_dropped += 1;
        }

        // Cells of the table that reach its last row, found by their column extent.
        let last_row = self.rows.saturating_sub(1);
        let above = |cells: &[TableCell], x0: f64, x1: f64| -> Option<usize> {
            cells.iter().position(|c| {
                c.row + c.row_span == self.rows
                    && (c.x0 - x0).abs() <= COLUMN_TOLERANCE
                    && (c.x1 - x1).abs() <= COLUMN_TOLERANCE
            })
        };

        let first_row: Vec<usize> = (0..cells.len()).filter(|&i| cells[i].row == 0).collect();
        let with_text: Vec<usize> = first_row
            .iter()
            .copied()
            .filter(|&i| !cells[i].text.is_empty())
            .collect();
        let open_top = !first_row.is_empty() && first_row.iter().all(|&i| !cells[i].top_ruled);
        // The continuation's first row is the tail of the row above when it is sparse (fewer
        // cells with text than the row above, or a single one) and every cell with text sits
        // under a cell with text that looks cut short (its last line is full or ends in open
        // punctuation, or it is one of the tallest cells of its row, the ones that overflow),
        // or at least half of them do. A row as full as the one above is a row of its own:
        // in narrow columns nearly every cell's last line is full.
        let last_row_cells: Vec<&TableCell> = self
            .cells
            .iter()
            .filter(|c| c.row + c.row_span == self.rows)
            .collect();
        let above_with_text = last_row_cells
            .iter()
            .filter(|c| c.row == last_row && !c.text.is_empty())
            .count();
        let tallest = last_row_cells
            .iter()
            .filter(|c| c.row == last_row)
            .map(|c| c.lines)
            .max()
            .unwrap_or(0);
        let tails = with_text
            .iter()
            .filter(|&&i| {
                above(&self.cells, cells[i].x0, cells[i].x1).is_some_and(|a| {
                    let cell = &self.cells[a];
                    cell.ends_full || (cell.lines >= 2 && cell.lines >= tallest)
                })
            })
            .count();
        let all_under_text = with_text.iter().all(|&i| {
            above(&self.cells, cells[i].x0, cells[i].x1)
                .is_some_and(|a| !self.cells[a].text.is_empty())
        });
        let sparse = with_text.len() < above_with_text;
        // Text under a short complete cell (a one-line 定性 under ≤, 优 under 1), in a piece
        // with text in more than half the columns of the row above, is a row of its own: a
        // page break cuts long texts, and a cut row's piece holds little but their tails.
        let fresh_cells = with_text
            .iter()
            .filter(|&&i| {
                above(&self.cells, cells[i].x0, cells[i].x1).is_some_and(|a| {
                    let cell = &self.cells[a];
                    !cell.text.is_empty() && cell.lines == 1 && !cell.ends_full
                })
            })
            .count();
        let fresh = if with_text.len() * 2 > above_with_text {
            fresh_cells
        } else {
            0
        };
        // An open top alone is no proof: Word leaves it open above a whole row too. The row is
        // cut only when the piece on the new page is empty, sparser than the row above, or
        // mostly the tails of cut texts, and holds no fresh text (above).
        let open_split = open_top
            && (with_text.is_empty() || (fresh == 0 && (sparse || tails * 2 >= with_text.len())));
        let split_row = self.rows > 0
            && (open_split
                || (!with_text.is_empty()
                    && fresh == 0
                    && all_under_text
                    && ((tails == with_text.len() && (sparse || with_text.len() == 1))
                        || (sparse && tails * 2 >= with_text.len()))));

        // Empty cells left of the first cell with text in the continuation's first row: in
        // a hierarchy (一级指标, 二级指标) an empty leading cell continues the cell above.
        let first_text_x = with_text
            .iter()
            .map(|&i| cells[i].x0)
            .fold(f64::INFINITY, f64::min);

        let offset = if split_row { last_row } else { self.rows };
        let mut kept = Vec::with_capacity(cells.len());
        for cell in cells {
            if cell.row == 0
                && let Some(index) = above(&self.cells, cell.x0, cell.x1)
            {
                let target = &self.cells[index];
                let continues = if split_row {
                    true
                } else if cell.text.is_empty() {
                    target.row_span > 1
                        || cell.row_span > 1
                        || !cell.top_ruled
                        || (cell.x1 <= first_text_x + COLUMN_TOLERANCE && !target.text.is_empty())
                } else {
                    // A cell with text of its own under an open top continues the cell above
                    // only when that one is blank or cut short: two labels, one each side of
                    // the break (生态效益指标 | 可持续影响指标), are two cells.
                    !cell.top_ruled && (target.text.is_empty() || target.ends_full)
                };
                if continues {
                    let target = &mut self.cells[index];
                    if !cell.text.is_empty() {
                        // Text cut by the break joins as a wrapped line, unless the cell
                        // above ended short and the rest starts a new item (`2、`).
                        let wrapped =
                            target.ends_full || (split_row && !starts_with_item_marker(&cell.text));
                        if wrapped {
                            join_wrapped(&mut target.text, &cell.text);
                        } else {
                            if !target.text.is_empty() {
                                target.text.push('\n');
                            }
                            target.text.push_str(&cell.text);
                        }
                        target.ends_full = cell.ends_full;
                    }
                    target.row_span += cell.row_span - usize::from(split_row);
                    continue;
                }
            }
            kept.push(TableCell {
                row: cell.row + offset,
                row_span: cell.row_span,
                x0: cell.x0,
                x1: cell.x1,
                text: cell.text,
                page: cell.page,
                ends_full: cell.ends_full,
                lines: cell.lines,
            });
        }
        if split_row {
            self.rows_rejoined += 1;
        }
        self.cells.extend(kept);
        self.rows = offset + rows;
        self.last_page = next.page;
        self.left = next.left;
        self.right = next.right;
        self.bottom = next.bottom;
        self.page_height = next.page_height;
        self.xs = next.xs;
    }

    /// The grid's cells and location: column boundaries of all fragments, within a
    /// tolerance, become the grid's columns.
    pub(crate) fn into_builder(self) -> (GridBuilder, Location) {
        let mut edges: Vec<f64> = self.cells.iter().flat_map(|c| [c.x0, c.x1]).collect();
        edges.sort_by(f64::total_cmp);
        let mut columns: Vec<f64> = Vec::new();
        for edge in edges {
            match columns.last() {
                Some(&last) if edge - last <= COLUMN_TOLERANCE => {}
                _ => columns.push(edge),
            }
        }
        let column_of = |x: f64| -> usize {
            columns
                .iter()
                .enumerate()
                .min_by(|a, b| (a.1 - x).abs().total_cmp(&(b.1 - x).abs()))
                .map(|(index, _)| index)
                .unwrap_or(0)
        };
        let mut builder = GridBuilder::new();
        for cell in self.cells {
            let col = column_of(cell.x0);
            let end = column_of(cell.x1).max(col + 1);
            builder.push(
                Cell::new(cell.row, col, cell.text)
                    .with_span(cell.row_span, end - col)
                    .at(Source::page(cell.page)),
            );
        }
        let location = Location {
            page: Some(self.first_page),
            page_end: Some(self.last_page),
            ..Location::default()
        };
        (builder, location)
    }
}

#[cfg(test)]
mod tests {
    use super::super::layout::FragmentCell;
    use super::*;
    use jixiao_grid::{Diagnostic, Grid};

    /// The grid a table builds, numbered 0.
    fn built(table: Table) -> (Grid, Vec<Diagnostic>) {
        let (builder, mut location) = table.into_builder();
        location.grid = Some(0);
        builder.build(location)
    }

    fn cell(row: usize, row_span: usize, x0: f64, x1: f64, text: &str, page: u32) -> FragmentCell {
        FragmentCell {
            row,
            row_span,
            x0,
            x1,
            text: text.to_string(),
            top_ruled: true,
            ends_full: false,
            lines: 1,
            page,
        }
    }

    fn fragment(page: u32, rows: usize, cells: Vec<FragmentCell>) -> Fragment {
        Fragment {
            page,
            top: 800.0,
            bottom: 100.0,
            left: 50.0,
            right: 350.0,
            rows,
            xs: vec![50.0, 150.0, 250.0, 350.0],
            cells,
            ruled: true,
            page_height: 842.0,
        }
    }

    fn grid_rows(grid: &Grid) -> Vec<Vec<String>> {
        (0..grid.rows())
            .map(|row| {
                (0..grid.cols())
                    .map(|col| match grid.slot(row, col) {
                        Some(slot) if slot.is_origin => slot.cell.text.clone(),
                        Some(_) => "^".to_string(),
                        None => "-".to_string(),
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn merged_cell_spans_the_page_break_and_header_is_dropped() {
        let mut table = Table::start(fragment(
            4,
            3,
            vec![
                cell(0, 1, 50.0, 150.0, "一级指标", 4),
                cell(0, 1, 150.0, 250.0, "二级指标", 4),
                cell(0, 1, 250.0, 350.0, "指标值", 4),
                cell(1, 2, 50.0, 150.0, "产出指标", 4),
                cell(1, 1, 150.0, 250.0, "数量指标", 4),
                cell(1, 1, 250.0, 350.0, "1", 4),
                cell(2, 1, 150.0, 250.0, "质量指标", 4),
                cell(2, 1, 250.0, 350.0, "2", 4),
            ],
        ));
        let next = fragment(
            5,
            3,
            vec![
                cell(0, 1, 50.0, 150.0, "一级指标", 5),
                cell(0, 1, 150.0, 250.0, "二级指标", 5),
                cell(0, 1, 250.0, 350.0, "指标值", 5),
                cell(1, 2, 50.0, 150.0, "", 5),
                cell(1, 1, 150.0, 250.0, "时效指标", 5),
                cell(1, 1, 250.0, 350.0, "3", 5),
                cell(2, 1, 150.0, 250.0, "成本指标", 5),
                cell(2, 1, 250.0, 350.0, "", 5),
            ],
        );
        assert!(table.continues_into(&next));
        table.join(next);
        assert_eq!(table.headers_dropped, 1);
        let (grid, diagnostics) = built(table);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(
            grid_rows(&grid),
            vec![
                vec!["一级指标", "二级指标", "指标值"],
                vec!["产出指标", "数量指标", "1"],
                vec!["^", "质量指标", "2"],
                vec!["^", "时效指标", "3"],
                vec!["^", "成本指标", ""],
            ]
        );
        let merged = grid.slot(4, 0).expect("covered").cell;
        assert_eq!(merged.row_span, 4);
        assert_eq!(grid.location.page, Some(4));
        assert_eq!(grid.location.page_end, Some(5));
    }

    #[test]
    fn split_row_tail_is_folded_into_the_row_above() {
        let mut last = cell(1, 1, 250.0, 350.0, "≤100", 4);
        last.ends_full = true;
        let mut table = Table::start(fragment(
            4,
            2,
            vec![
                cell(0, 2, 50.0, 150.0, "产出指标", 4),
                cell(0, 1, 150.0, 250.0, "数量指标", 4),
                cell(0, 1, 250.0, 350.0, "≤100优", 4),
                cell(1, 1, 150.0, 250.0, "质量指标", 4),
                last,
            ],
        ));
        let next = fragment(
            5,
            2,
            vec![
                cell(0, 2, 50.0, 150.0, "", 5),
                cell(0, 1, 150.0, 250.0, "", 5),
                cell(0, 1, 250.0, 350.0, "优", 5),
                cell(1, 1, 150.0, 250.0, "时效指标", 5),
                cell(1, 1, 250.0, 350.0, "≤100优", 5),
            ],
        );
        table.join(next);
        assert_eq!(table.rows_rejoined, 1);
        let (grid, _) = built(table);
        assert_eq!(
            grid_rows(&grid),
            vec![
                vec!["产出指标", "数量指标", "≤100优"],
                vec!["^", "质量指标", "≤100优"],
                vec!["^", "时效指标", "≤100优"],
            ]
        );
    }

    #[test]
    fn a_new_row_under_a_short_cell_is_not_folded_but_its_empty_lead_continues() {
        let mut table = Table::start(fragment(
            4,
            1,
            vec![
                cell(0, 1, 50.0, 150.0, "产出指标", 4),
                cell(0, 1, 150.0, 250.0, "时效指标", 4),
                cell(0, 1, 250.0, 350.0, "6月底前完成", 4),
            ],
        ));
        let next = fragment(
            5,
            1,
            vec![
                cell(0, 1, 50.0, 150.0, "", 5),
                cell(0, 1, 150.0, 250.0, "成本指标", 5),
                cell(0, 1, 250.0, 350.0, "", 5),
            ],
        );
        table.join(next);
        assert_eq!(table.rows_rejoined, 0);
        let (grid, _) = built(table);
        assert_eq!(
            grid_rows(&grid),
            vec![
                vec!["产出指标", "时效指标", "6月底前完成"],
                // The empty 一级指标 cell leading the new row continues 产出指标; the empty
                // value cell after 成本指标 stays a cell of its own.
                vec!["^", "成本指标", ""],
            ]
        );
    }

    #[test]
    fn a_cell_without_top_rule_continues_the_cell_above() {
        // Word draws a merged cell split by a page break without a top rule on the new page,
        // while the new row's other cells have theirs.
        let mut table = Table::start(fragment(
            4,
            1,
            vec![
                cell(0, 1, 50.0, 150.0, "产出指标", 4),
                cell(0, 1, 150.0, 250.0, "数量指标", 4),
                cell(0, 1, 250.0, 350.0, "1", 4),
            ],
        ));
        let mut open = cell(0, 1, 50.0, 150.0, "", 5);
        open.top_ruled = false;
        let next = fragment(
            5,
            1,
            vec![
                open,
                cell(0, 1, 150.0, 250.0, "质量指标", 5),
                cell(0, 1, 250.0, 350.0, "2", 5),
            ],
        );
        table.join(next);
        let (grid, _) = built(table);
        assert_eq!(
            grid_rows(&grid),
            vec![
                vec!["产出指标", "数量指标", "1"],
                vec!["^", "质量指标", "2"],
            ]
        );
    }

    #[test]
    fn a_first_row_without_any_top_rule_is_the_rest_of_the_row_above() {
        let mut table = Table::start(fragment(
            4,
            1,
            vec![
                cell(0, 1, 50.0, 150.0, "绩效目标", 4),
                cell(0, 1, 150.0, 350.0, "1、加强监管", 4),
            ],
        ));
        let mut label = cell(0, 1, 50.0, 150.0, "", 5);
        label.top_ruled = false;
        let mut tail = cell(0, 1, 150.0, 350.0, "2、加强培训", 5);
        tail.top_ruled = false;
        table.join(fragment(5, 1, vec![label, tail]));
        assert_eq!(table.rows_rejoined, 1);
        let (grid, _) = built(table);
        assert_eq!(grid.rows(), 1);
        assert_eq!(grid.cells()[1].text, "1、加强监管\n2、加强培训");
        assert_eq!(grid.cells()[0].text, "绩效目标");
    }

    #[test]
    fn different_columns_do_not_join() {
        let table = Table::start(fragment(1, 1, vec![cell(0, 1, 50.0, 150.0, "a", 1)]));
        let mut next = fragment(2, 1, vec![cell(0, 1, 50.0, 150.0, "b", 2)]);
        next.right = 500.0;
        assert!(!table.continues_into(&next));
        let mut next = fragment(3, 1, vec![cell(0, 1, 50.0, 150.0, "b", 3)]);
        next.page = 3;
        assert!(!table.continues_into(&next));
    }
}
