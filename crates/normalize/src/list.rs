//! List tables: one grid holding many projects, each a block of indicator rows beside merged
//! project cells (项目名称 | 项目总额 | 财政资金 | 其他资金 | 绩效目标 | 一级指标 | …). Rows are
//! grouped by the project-name cell that covers them; the groups become one table each.
//!
//! A page break splits a merged name cell in two, and many producers print the name in only
//! one of the parts: a block with a blank name at the top of a page continues the project
//! above it, one at the bottom of a page starts the project named on the next page. A name
//! printed again on every page it touches is one project too.

use jixiao_grid::Location;

use crate::header::{Columns, ListField};
use crate::rows::{At, Row};
use crate::text;

/// The rows of a list table under one project-name cell.
#[derive(Debug, Clone, Default)]
pub struct Segment {
    /// The name cell that covers the rows: (grid, row, col) of its origin.
    cell: Option<(usize, usize, usize)>,
    pub grid: usize,
    pub name: Option<String>,
    pub code: Option<String>,
    /// 单位名称 beside a 项目名称 column.
    pub unit: Option<String>,
    pub total: Option<f64>,
    pub fiscal: Option<f64>,
    pub other: Option<f64>,
    pub goals: Vec<String>,
    /// Cells already counted, so that a cell merged over several rows is read once.
    seen: Vec<(usize, usize, usize)>,
    /// The rows of the segment: (grid, row).
    pub rows: Vec<(usize, usize)>,
    pub first: Option<Location>,
    pub last: Option<Location>,
}

/// The segments of one list table, in print order.
#[derive(Debug, Default)]
pub struct Segments {
    pub segments: Vec<Segment>,
}

/// Text of the cell covering `col` on `row`, with the identity of that cell.
fn covering(row: &Row<'_>, col: usize) -> Option<((usize, usize, usize), String)> {
    let cell = match row.at(col) {
        At::Origin(cell) | At::Below(cell) | At::Right(cell) => cell,
        At::Empty => return None,
    };
    let text = text::clean(&cell.text).replace('\n', "");
    Some(((row.grid_index, cell.row, cell.col), text))
}

impl Segments {
    /// Places `row` in its segment (starting a new one when its name cell is another) and
    /// reads the project cells it shows. Returns the segment's index.
    pub fn enter(&mut self, row: &Row<'_>, columns: &Columns) -> usize {
        let name_span = columns
            .field(ListField::Name)
            .or_else(|| columns.field(ListField::UnitName));
        let name = name_span.and_then(|span| covering(row, span.start));
        let cell = name.as_ref().map(|(cell, _)| *cell);
        let continues = self.segments.last().is_some_and(|last| {
            last.grid == row.grid_index && (last.cell == cell || cell.is_none())
        });
        if !continues {
            self.segments.push(Segment {
                cell,
                grid: row.grid_index,
                name: name.map(|(_, text)| text).filter(|text| !text.is_empty()),
                ..Segment::default()
            });
        }
        let index = self.segments.len() - 1;
        let segment = &mut self.segments[index];
        let location = row.location(None);
        if segment.first.is_none() {
            segment.first = Some(location.clone());
        }
        segment.last = Some(location);
        segment.rows.push((row.grid_index, row.index));
        for (field, span) in &columns.fields {
            let Some((cell, value)) = covering(row, span.start) else {
                continue;
            };
            if value.is_empty() || segment.seen.contains(&cell) {
                continue;
            }
            segment.seen.push(cell);
            match field {
                ListField::Name => {}
                ListField::UnitName if columns.field(ListField::Name).is_some() => {
                    segment.unit.get_or_insert(value);
                }
                ListField::UnitName => {}
                ListField::Code => {
                    segment.code.get_or_insert(value);
                }
                ListField::Total => add(&mut segment.total, &value),
                ListField::Fiscal => add(&mut segment.fiscal, &value),
                ListField::Other => add(&mut segment.other, &value),
                ListField::Goal => {
                    if !segment.goals.contains(&value) {
                        segment.goals.push(value);
                    }
                }
            }
        }
        index
    }

    /// Groups the segments into projects: segment indices per project, in print order.
    pub fn projects(&self) -> Vec<Vec<usize>> {
        let segments = &self.segments;
        // A segment opens a page when nothing of the list stands above it on that page, and
        // closes one when nothing stands below it.
        let opens_page = |index: usize| {
            index == 0 || {
                let (before, this) = (&segments[index - 1], &segments[index]);
                before.grid != this.grid || before.last_page() < this.first_page()
            }
        };
        let closes_page = |index: usize| {
            index + 1 == segments.len() || {
                let (this, after) = (&segments[index], &segments[index + 1]);
                after.grid != this.grid || this.last_page() < after.first_page()
            }
        };
        let mut groups: Vec<Vec<usize>> = Vec::new();
        let mut group_names: Vec<Option<String>> = Vec::new();
        // Blocks at the bottom of a page waiting for the project named next: nameless ones, and
        // the first part of a name cut by the break.
        let mut waiting: Vec<usize> = Vec::new();
        for (index, segment) in segments.iter().enumerate() {
            // A name cut by the page break: its first part at the bottom of the page, with no
            // amount (the amounts are printed once, in the other part), and the rest opening
            // the next page, with them.
            let cut_name = segment.name.is_some()
                && !segment.has_amount()
                && closes_page(index)
                && !opens_page(index)
                && segments.get(index + 1).is_some_and(|next| {
                    next.name.is_some()
                        && next.name != segment.name
                        && next.has_amount()
                        && next.grid != segment.grid
                })
                && opens_page(index + 1);
            if cut_name {
                waiting.push(index);
                continue;
            }
            match &segment.name {
                None => {
                    let named_next = index + 1 < segments.len()
                        && segments[index + 1].name.is_some()
                        && opens_page(index + 1);
                    let bottom_of_page = closes_page(index) && !opens_page(index);
                    if bottom_of_page && named_next {
                        waiting.push(index);
                    } else if let Some(group) = groups.last_mut() {
                        group.push(index);
                    } else {
                        // Nameless rows before any name: the rest of a project whose name
                        // came before this table; a project of their own, never the next one.
                        groups.push(vec![index]);
                        group_names.push(None);
                    }
                }
                Some(name) => {
                    let same_as_last = group_names
                        .last()
                        .is_some_and(|last| last.as_deref() == Some(name.as_str()));
                    if same_as_last && waiting.is_empty() {
                        if let Some(group) = groups.last_mut() {
                            group.push(index);
                        }
                        continue;
                    }
                    let mut group: Vec<usize> = std::mem::take(&mut waiting);
                    group.push(index);
                    groups.push(group);
                    group_names.push(Some(name.clone()));
                }
            }
        }
        if !waiting.is_empty() {
            match groups.last_mut() {
                Some(group) => group.extend(waiting),
                None => groups.push(waiting),
            }
        }
        groups
    }
}

/// True when the group's first segment holds the start of a name cut by a page break (see
/// [`Segments::projects`]): named, with no amount, and followed by the rest of the name.
fn starts_cut(segments: &[&Segment]) -> bool {
    let [first, second, ..] = segments else {
        return false;
    };
    first.name.is_some()
        && !first.has_amount()
        && second.name.is_some()
        && second.name != first.name
}

/// The project name of a group of segments: the first name printed, or the two parts of a
/// name cut by a page break, joined.
pub fn group_name(segments: &[&Segment]) -> Option<String> {
    let first = segments.iter().find_map(|segment| segment.name.clone())?;
    if starts_cut(segments) {
        let rest = segments[1].name.as_deref().unwrap_or_default();
        // A part that starts with the project code is the whole name printed again.
        if split_code(rest).0.is_some() {
            return Some(rest.to_string());
        }
        return Some(join_cut(&first, rest));
    }
    Some(first)
}

/// The two parts of a text cut by a page break. Producers print a merged cell's text centred
/// over the whole cell and clip it to each page's part, so a part may hold the whole text, a
/// piece of it, or the piece the other part lacks.
fn join_cut(first: &str, rest: &str) -> String {
    if rest.contains(first) {
        rest.to_string()
    } else if first.contains(rest) {
        first.to_string()
    } else {
        format!("{first}{rest}")
    }
}

/// The goals of a group of segments, in print order; a goal cut by the same page break as the
/// name is joined again.
pub fn group_goals(segments: &[&Segment]) -> Vec<String> {
    let mut goals: Vec<String> = Vec::new();
    for (index, segment) in segments.iter().enumerate() {
        let mut own = segment.goals.iter().cloned();
        if index == 1
            && starts_cut(segments)
            && let Some(last) = goals.last_mut()
            && let Some(rest) = own.next()
        {
            *last = join_cut(last, &rest);
        }
        goals.extend(own);
    }
    goals
}

impl Segment {
    /// True when the block prints an amount (总额, 财政资金 or 其他资金).
    fn has_amount(&self) -> bool {
        self.total.is_some() || self.fiscal.is_some() || self.other.is_some()
    }

    fn first_page(&self) -> u32 {
        self.first.as_ref().and_then(|at| at.page).unwrap_or(0)
    }

    fn last_page(&self) -> u32 {
        self.last
            .as_ref()
            .and_then(|at| at.page_end.or(at.page))
            .unwrap_or(0)
    }
}

/// Adds an amount cell to a sum (a project merged over several sub-blocks, each with its own
/// amount, costs their sum). The sum is rounded to millionths, the finest unit budgets print
/// (万元 to six places), so that binary fractions do not show (`390.71413800000005`).
fn add(sum: &mut Option<f64>, text: &str) {
    if let Some((value, _)) = text::parse_amount(text) {
        *sum = Some(match *sum {
            Some(before) => ((before + value) * 1e6).round() / 1e6,
            None => value,
        });
    }
}

/// Splits a project code printed in front of the name (`11000026T000003742841-就业管理工作经费项目`)
/// off it: a run of at least eight letters and digits, then a hyphen.
pub fn split_code(name: &str) -> (Option<String>, String) {
    let code_end = name
        .char_indices()
        .find(|(_, c)| !c.is_ascii_alphanumeric())
        .map(|(index, _)| index)
        .unwrap_or(name.len());
    let code = &name[..code_end];
    let rest = &name[code_end..];
    let digits = code.chars().filter(|c| c.is_ascii_digit()).count();
    if code.len() >= 8 && digits >= 6 {
        for dash in ['-', '－', '—', '_'] {
            if let Some(rest) = rest.strip_prefix(dash)
                && !rest.trim().is_empty()
            {
                return (Some(code.to_string()), rest.trim().to_string());
            }
        }
    }
    (None, name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_in_front_of_names_are_split_off() {
        assert_eq!(
            split_code("11000026T000003742841-就业管理工作经费项目"),
            (
                Some("11000026T000003742841".to_string()),
                "就业管理工作经费项目".to_string()
            )
        );
        assert_eq!(
            split_code("2026年信访专项经费"),
            (None, "2026年信访专项经费".to_string())
        );
        assert_eq!(split_code("106001"), (None, "106001".to_string()));
    }

    #[test]
    fn amounts_of_sub_blocks_sum_without_binary_fractions() {
        let mut sum = None;
        for amount in [
            "65.574000",
            "29.742252",
            "85.156800",
            "10.514756",
            "64.196166",
            "135.530164",
        ] {
            add(&mut sum, amount);
        }
        assert_eq!(sum, Some(390.714138));
        let mut none = None;
        add(&mut none, "—");
        assert_eq!(none, None);
    }

    #[test]
    fn the_parts_of_a_text_cut_by_a_page_break_are_joined_once() {
        assert_eq!(
            join_cut("11000022T000000", "456102-成本监审工作经费"),
            "11000022T000000456102-成本监审工作经费"
        );
        assert_eq!(
            join_cut("病防控项目", "传染病和地方病防控项目"),
            "传染病和地方病防控项目"
        );
        assert_eq!(
            join_cut("做好调查监审,为政府制定价格", "定价格"),
            "做好调查监审,为政府制定价格"
        );
    }

    fn segment(name: Option<&str>, page: u32, total: Option<f64>) -> Segment {
        let at = Location {
            page: Some(page),
            ..Location::default()
        };
        Segment {
            name: name.map(str::to_string),
            total,
            first: Some(at.clone()),
            last: Some(at),
            ..Segment::default()
        }
    }

    #[test]
    fn nameless_rows_before_any_name_are_a_project_of_their_own() {
        // Page 1: the rest of a project named before this table, then two projects; page 2:
        // the rest of the second, then a block waiting for the name on page 3.
        let segments = Segments {
            segments: vec![
                segment(None, 1, None),
                segment(Some("甲"), 1, Some(1.0)),
                segment(Some("乙"), 1, Some(2.0)),
                segment(None, 2, None),
                segment(None, 2, None),
                segment(Some("丙"), 3, Some(3.0)),
            ],
        };
        assert_eq!(
            segments.projects(),
            vec![vec![0], vec![1], vec![2, 3], vec![4, 5]]
        );
    }
}
