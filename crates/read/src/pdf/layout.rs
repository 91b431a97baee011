//! Page layout: ruling lines become cell lattices, glyphs become cell text and text lines.
//!
//! 1. Rule segments are merged: collinear pieces that touch or overlap become one rule.
//! 2. Rules that cross or touch form connected groups; a group with at least two horizontal
//!    and two vertical rules is a table. Its distinct rule positions (within a tolerance) are
//!    the lattice; a lattice edge is present when rules cover most of it.
//! 3. Cells grow from each free lattice slot rightwards while no vertical rule separates the
//!    slots, then downwards while no horizontal rule does: a missing interior rule is a merged
//!    cell, which becomes `row_span`/`col_span`.
//! 4. Each glyph goes to the cell under its centre. Glyphs outside every table form text lines.
//! 5. Text lines with two or more chunks at consistent x positions and no rules at all are
//!    read as a table by alignment (columns from the chunk starts, rows from the baselines).
//!
//! Cell text: glyphs cluster into lines by baseline; a line's glyphs are ordered along the
//! reading direction, with a space between Latin words and none between CJK characters. Lines
//! wrapped inside a cell are joined the same way; a paragraph break (`'\n'`) is kept where a
//! line ends short of the cell's right edge and the next starts with an item marker (`2、`,
//! `2.`, `（二）`), or where the gap between lines is clearly larger than the cell's line pitch.

use jixiao_grid::is_wide;

use super::cmap::Mapped;
use super::content::{Direction, Glyph, Segment};

/// Rules whose positions differ by less than this (points) are one rule.
const POSITION_TOLERANCE: f64 = 1.5;
/// Collinear rule pieces separated by at most this gap (points) are joined.
const GAP_TOLERANCE: f64 = 2.0;
/// How far (points) a rule may stop short of another and still be taken as touching it.
const TOUCH_TOLERANCE: f64 = 2.5;
/// Lattice edges covered by rules over at least this share of their length are present.
const EDGE_COVERAGE: f64 = 0.5;
/// Largest lattice (rows × columns) built for one table; larger groups of rules are drawings.
const MAX_LATTICE: usize = 1 << 20;
/// Narrowest row or column (points): boundaries closer than this are one boundary.
const MIN_CELL: f64 = 3.5;
/// Most horizontal × vertical rule pairs examined on one page.
const MAX_RULE_PAIRS: usize = 1 << 26;

/// A merged rule.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rule {
    position: f64,
    start: f64,
    end: f64,
}

/// A cell of a table found on one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FragmentCell {
    /// Row of the cell's top edge (0 = the table's top row on this page).
    pub row: usize,
    pub row_span: usize,
    /// Left and right edges in page space (points), used to line up columns across pages.
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    /// True when a rule is drawn along most of the cell's top edge.
    pub top_ruled: bool,
    /// True when the cell's text looks cut short: its last line runs up to the right edge
    /// or ends in punctuation that cannot end a text (`、`, `，`, `（`). A page break may
    /// have carried the rest to the next page.
    pub ends_full: bool,
    /// Number of text lines in the cell.
    pub lines: usize,
    /// 1-based page number.
    pub page: u32,
}

/// A table as it appears on one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    pub page: u32,
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
    pub rows: usize,
    /// Column boundaries (points, ascending).
    pub xs: Vec<f64>,
    pub cells: Vec<FragmentCell>,
    /// False for a table found by text alignment, with no rules.
    pub ruled: bool,
    /// Height of the page (points), to tell whether the table runs to the page's end.
    pub page_height: f64,
}

/// A line of text outside every table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextLine {
    pub text: String,
    /// Left and right ends (points).
    pub x0: f64,
    pub x1: f64,
    /// Baseline (points, page space).
    pub baseline: f64,
    pub size: f64,
    /// True when the line starts with an item marker (`2、`, `（二）`).
    pub starts_item: bool,
    /// The line cut at wide gaps.
    pub chunks: Vec<Chunk>,
}

/// One thing on a page, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Line(TextLine),
    Table(Fragment),
}

impl Item {
    /// The top of the item (points), for reading order.
    pub(crate) fn top(&self) -> f64 {
        match self {
            Item::Line(line) => line.baseline + line.size * 0.85,
            Item::Table(table) => table.top,
        }
    }
}

/// Lays out one page's glyphs and segments into text lines and table fragments, in reading
/// order (top to bottom).
pub(crate) fn layout_page(
    page: u32,
    page_height: f64,
    glyphs: &[Glyph],
    segments: &[Segment],
) -> Vec<Item> {
    let (horizontal, vertical) = merge_segments(segments);
    let lattices = find_lattices(&horizontal, &vertical);

    // Place each glyph in the cell under its centre.
    let mut cell_glyphs: Vec<Vec<Vec<usize>>> = lattices
        .iter()
        .map(|lattice| vec![Vec::new(); lattice.cells.len()])
        .collect();
    let mut free: Vec<usize> = Vec::new();
    'glyphs: for (index, glyph) in glyphs.iter().enumerate() {
        for (table, lattice) in lattices.iter().enumerate() {
            if let Some(cell) = lattice.cell_at(glyph.cx, glyph.cy) {
                cell_glyphs[table][cell].push(index);
                continue 'glyphs;
            }
        }
        free.push(index);
    }

    let mut items = Vec::new();
    for (lattice, cells) in lattices.iter().zip(cell_glyphs) {
        let fragment = lattice.fragment(page, page_height, glyphs, &cells);
        if fragment.cells.iter().all(|cell| cell.text.is_empty()) {
            continue;
        }
        items.push(Item::Table(fragment));
    }

    let free_glyphs: Vec<&Glyph> = free.iter().map(|&index| &glyphs[index]).collect();
    let mut lines = text_lines(&free_glyphs);
    split_at_gutters(&mut lines);
    let (aligned, lines) = alignment_tables(page, page_height, lines);
    items.extend(aligned.into_iter().map(Item::Table));
    items.extend(lines.into_iter().map(Item::Line));
    items.sort_by(|a, b| b.top().total_cmp(&a.top()));
    items
}

/// Merges segments into horizontal and vertical rules.
fn merge_segments(segments: &[Segment]) -> (Vec<Rule>, Vec<Rule>) {
    let merge = |horizontal: bool| {
        let mut pieces: Vec<Rule> = segments
            .iter()
            .filter(|segment| segment.horizontal == horizontal)
            .map(|segment| Rule {
                position: segment.position,
                start: segment.start,
                end: segment.end,
            })
            .collect();
        pieces.sort_by(|a, b| a.position.total_cmp(&b.position));
        let mut rules = Vec::new();
        let mut group: Vec<Rule> = Vec::new();
        let flush = |group: &mut Vec<Rule>, rules: &mut Vec<Rule>| {
            group.sort_by(|a, b| a.start.total_cmp(&b.start));
            let mut current: Option<(Rule, f64)> = None;
            for piece in group.drain(..) {
                match &mut current {
                    Some((rule, weight)) if piece.start <= rule.end + GAP_TOLERANCE => {
                        let length = piece.end - piece.start;
                        rule.position = (rule.position * *weight + piece.position * length)
                            / (*weight + length).max(f64::EPSILON);
                        *weight += length;
                        rule.end = rule.end.max(piece.end);
                    }
                    _ => {
                        if let Some((rule, _)) = current.take() {
                            rules.push(rule);
                        }
                        current = Some((piece, piece.end - piece.start));
                    }
                }
            }
            if let Some((rule, _)) = current {
                rules.push(rule);
            }
        };
        for piece in pieces {
            if let Some(first) = group.first()
                && piece.position - first.position > POSITION_TOLERANCE
            {
                flush(&mut group, &mut rules);
            }
            group.push(piece);
        }
        flush(&mut group, &mut rules);
        rules
    };
    (merge(true), merge(false))
}

/// A table's lattice and cells on one page.
#[derive(Debug)]
struct Lattice {
    /// Column boundaries, ascending.
    xs: Vec<f64>,
    /// Row boundaries, descending (top first).
    ys: Vec<f64>,
    /// Cell id for each slot, row-major.
    slots: Vec<usize>,
    cells: Vec<LatticeCell>,
}

#[derive(Debug, Clone, Copy)]
struct LatticeCell {
    row: usize,
    col: usize,
    row_span: usize,
    col_span: usize,
    top_ruled: bool,
}

impl Lattice {
    fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// The cell under a point, if the point is inside the table.
    fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
        let (left, right) = (*self.xs.first()?, *self.xs.last()?);
        let (top, bottom) = (*self.ys.first()?, *self.ys.last()?);
        if x < left || x > right || y > top || y < bottom {
            return None;
        }
        let col = self
            .xs
            .partition_point(|&edge| edge <= x)
            .saturating_sub(1)
            .min(self.cols() - 1);
        let row = self
            .ys
            .partition_point(|&edge| edge >= y)
            .saturating_sub(1)
            .min(self.ys.len() - 2);
        self.slots.get(row * self.cols() + col).copied()
    }

    fn fragment(
        &self,
        page: u32,
        page_height: f64,
        glyphs: &[Glyph],
        cell_glyphs: &[Vec<usize>],
    ) -> Fragment {
        let cells = self
            .cells
            .iter()
            .zip(cell_glyphs)
            .map(|(cell, members)| {
                let x0 = self.xs[cell.col];
                let x1 = self.xs[cell.col + cell.col_span];
                let top = self.ys[cell.row];
                let bottom = self.ys[cell.row + cell.row_span];
                let members: Vec<&Glyph> = members.iter().map(|&index| &glyphs[index]).collect();
                let block = assemble(&members, Some([x0, bottom, x1, top]));
                FragmentCell {
                    row: cell.row,
                    row_span: cell.row_span,
                    x0,
                    x1,
                    text: block.text,
                    top_ruled: cell.top_ruled,
                    ends_full: block.ends_full,
                    lines: block.lines,
                    page,
                }
            })
            .collect();
        Fragment {
            page,
            top: self.ys[0],
            bottom: self.ys[self.ys.len() - 1],
            left: self.xs[0],
            right: self.xs[self.xs.len() - 1],
            rows: self.ys.len() - 1,
            xs: self.xs.clone(),
            cells,
            ruled: true,
            page_height,
        }
    }
}

/// Clusters sorted values: values closer than `tolerance` to the previous one join its
/// cluster; each cluster gives its mean.
fn cluster(mut values: Vec<f64>, tolerance: f64) -> Vec<f64> {
    values.sort_by(f64::total_cmp);
    let mut out: Vec<f64> = Vec::new();
    let mut sum = 0.0;
    let mut count = 0.0;
    let mut last = f64::NEG_INFINITY;
    for value in values {
        if count > 0.0 && value - last > tolerance {
            out.push(sum / count);
            sum = 0.0;
            count = 0.0;
        }
        sum += value;
        count += 1.0;
        last = value;
    }
    if count > 0.0 {
        out.push(sum / count);
    }
    out
}

/// Drops boundaries closer than [`MIN_CELL`] to the one kept before them (boundaries are
/// sorted, ascending or descending); the outermost boundaries always stay.
fn without_slivers(boundaries: Vec<f64>) -> Vec<f64> {
    let count = boundaries.len();
    let mut kept: Vec<f64> = Vec::with_capacity(count);
    for (index, value) in boundaries.into_iter().enumerate() {
        let inner = kept.len() > 1;
        match kept.last_mut() {
            Some(last) if (value - *last).abs() < MIN_CELL => {
                // The last boundary is the table's edge: it replaces an inner one.
                if index + 1 == count && inner {
                    *last = value;
                }
            }
            _ => kept.push(value),
        }
    }
    kept
}

/// Index of the boundary nearest to `value`, if within `tolerance`.
fn nearest(boundaries: &[f64], value: f64, tolerance: f64) -> Option<usize> {
    boundaries
        .iter()
        .enumerate()
        .map(|(index, &b)| (index, (b - value).abs()))
        .filter(|&(_, distance)| distance <= tolerance)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(index, _)| index)
}

/// Sorts intervals and merges those that overlap, so that coverage can be summed.
fn disjoint(mut intervals: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    intervals.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut out: Vec<(f64, f64)> = Vec::with_capacity(intervals.len());
    for (start, end) in intervals {
        match out.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => out.push((start, end)),
        }
    }
    out
}

/// Length of `[low, high]` covered by sorted, disjoint intervals.
fn coverage(intervals: &[(f64, f64)], low: f64, high: f64) -> f64 {
    let first = intervals.partition_point(|interval| interval.1 <= low);
    intervals[first..]
        .iter()
        .take_while(|interval| interval.0 < high)
        .map(|&(a, b)| b.min(high) - a.max(low))
        .filter(|length| *length > 0.0)
        .sum()
}

/// Groups touching rules and builds a lattice for each group that forms a table.
fn find_lattices(horizontal: &[Rule], vertical: &[Rule]) -> Vec<Lattice> {
    let count = horizontal.len() + vertical.len();
    let mut parent: Vec<usize> = (0..count).collect();
    fn root(parent: &mut [usize], mut node: usize) -> usize {
        while parent[node] != node {
            parent[node] = parent[parent[node]];
            node = parent[node];
        }
        node
    }
    // Rules that many are a drawing, not a table; their text is still read as lines.
    if horizontal.len().saturating_mul(vertical.len()) > MAX_RULE_PAIRS {
        return Vec::new();
    }
    // `merge_segments` returns rules sorted by position, so the vertical rules a horizontal
    // rule can touch form one run.
    for (h_index, h) in horizontal.iter().enumerate() {
        let first = vertical.partition_point(|v| v.position < h.start - TOUCH_TOLERANCE);
        for (offset, v) in vertical[first..].iter().enumerate() {
            if v.position > h.end + TOUCH_TOLERANCE {
                break;
            }
            let touches =
                h.position >= v.start - TOUCH_TOLERANCE && h.position <= v.end + TOUCH_TOLERANCE;
            if touches {
                let a = root(&mut parent, h_index);
                let b = root(&mut parent, horizontal.len() + first + offset);
                if a != b {
                    parent[a] = b;
                }
            }
        }
    }
    let mut groups: std::collections::BTreeMap<usize, (Vec<Rule>, Vec<Rule>)> =
        std::collections::BTreeMap::new();
    for (index, rule) in horizontal.iter().enumerate() {
        let key = root(&mut parent, index);
        groups.entry(key).or_default().0.push(*rule);
    }
    for (index, rule) in vertical.iter().enumerate() {
        let key = root(&mut parent, horizontal.len() + index);
        groups.entry(key).or_default().1.push(*rule);
    }
    let (mut groups, lone): (Vec<_>, Vec<_>) =
        groups.into_values().partition(|(h, _)| !h.is_empty());
    let mut lone: Vec<Rule> = lone.into_iter().flat_map(|(_, v)| v).collect();
    for (h, v) in &mut groups {
        if h.len() >= 2 && v.len() >= 2 {
            attach_open_columns(h, v, &mut lone);
        }
    }
    groups
        .into_iter()
        .filter(|(h, v)| h.len() >= 2 && v.len() >= 2)
        .filter_map(|(h, v)| build_lattice(&h, &v))
        .collect()
}

/// How far outside a table a rule of an open column may stand, as a share of the table's
/// width: a label or name column, not a drawing beside the table.
const OPEN_COLUMN_WIDTH: f64 = 0.25;

/// Adds to a table the columns that are open at both ends: a name or label cell merged across
/// the page break on both sides has no rule above or below it on this page, so its outer
/// border touches no horizontal rule and stands alone beside the table. A lone vertical rule
/// that runs the table's whole height, just outside its edge, is that border.
fn attach_open_columns(horizontal: &[Rule], vertical: &mut Vec<Rule>, lone: &mut Vec<Rule>) {
    let bottom = vertical
        .iter()
        .map(|r| r.start)
        .fold(f64::INFINITY, f64::min);
    let top = vertical
        .iter()
        .map(|r| r.end)
        .fold(f64::NEG_INFINITY, f64::max);
    let mut left = horizontal
        .iter()
        .map(|r| r.start)
        .chain(vertical.iter().map(|r| r.position))
        .fold(f64::INFINITY, f64::min);
    let mut right = horizontal
        .iter()
        .map(|r| r.end)
        .chain(vertical.iter().map(|r| r.position))
        .fold(f64::NEG_INFINITY, f64::max);
    let reach = (right - left) * OPEN_COLUMN_WIDTH;
    let spans_table = |rule: &Rule| {
        (rule.start - bottom).abs() <= TOUCH_TOLERANCE && (rule.end - top).abs() <= TOUCH_TOLERANCE
    };
    // Nearest first, so that two open columns side by side attach one after the other.
    loop {
        let next = lone
            .iter()
            .enumerate()
            .filter(|(_, rule)| spans_table(rule))
            .filter_map(|(index, rule)| {
                let gap = if rule.position < left {
                    left - rule.position
                } else if rule.position > right {
                    rule.position - right
                } else {
                    return None;
                };
                (gap > MIN_CELL && gap <= reach).then_some((index, gap))
            })
            .min_by(|a, b| a.1.total_cmp(&b.1));
        let Some((index, _)) = next else {
            break;
        };
        let rule = lone.swap_remove(index);
        left = left.min(rule.position);
        right = right.max(rule.position);
        vertical.push(rule);
    }
    vertical.sort_by(|a, b| a.position.total_cmp(&b.position));
}

fn build_lattice(horizontal: &[Rule], vertical: &[Rule]) -> Option<Lattice> {
    let left = horizontal
        .iter()
        .map(|r| r.start)
        .chain(vertical.iter().map(|r| r.position))
        .fold(f64::INFINITY, f64::min);
    let right = horizontal
        .iter()
        .map(|r| r.end)
        .chain(vertical.iter().map(|r| r.position))
        .fold(f64::NEG_INFINITY, f64::max);
    let top = vertical
        .iter()
        .map(|r| r.end)
        .chain(horizontal.iter().map(|r| r.position))
        .fold(f64::NEG_INFINITY, f64::max);
    let bottom = vertical
        .iter()
        .map(|r| r.start)
        .chain(horizontal.iter().map(|r| r.position))
        .fold(f64::INFINITY, f64::min);

    let mut xs = cluster(
        vertical.iter().map(|r| r.position).collect(),
        POSITION_TOLERANCE,
    );
    // A table drawn without outer borders still has edges where its rules end.
    if xs.first().is_some_and(|&x| x - left > TOUCH_TOLERANCE) {
        xs.insert(0, left);
    }
    if xs.last().is_some_and(|&x| right - x > TOUCH_TOLERANCE) {
        xs.push(right);
    }
    let mut ys = cluster(
        horizontal.iter().map(|r| r.position).collect(),
        POSITION_TOLERANCE,
    );
    ys.reverse();
    if ys.first().is_some_and(|&y| top - y > TOUCH_TOLERANCE) {
        ys.insert(0, top);
    }
    if ys.last().is_some_and(|&y| y - bottom > TOUCH_TOLERANCE) {
        ys.push(bottom);
    }
    // Double rules (two lines a point or two apart) would make slivers of rows or columns
    // that no text fits in; they count as one boundary.
    let xs = without_slivers(xs);
    let ys = without_slivers(ys);
    if xs.len() < 2 || ys.len() < 2 {
        return None;
    }
    let (rows, cols) = (ys.len() - 1, xs.len() - 1);
    if rows.saturating_mul(cols) > MAX_LATTICE || (rows == 1 && cols == 1) {
        return None;
    }

    // Rule intervals by lattice line, merged, then which lattice edges they cover.
    let mut on_x: Vec<Vec<(f64, f64)>> = vec![Vec::new(); xs.len()];
    for rule in vertical {
        if let Some(index) = nearest(&xs, rule.position, MIN_CELL + 0.5) {
            on_x[index].push((rule.start, rule.end));
        }
    }
    let mut on_y: Vec<Vec<(f64, f64)>> = vec![Vec::new(); ys.len()];
    for rule in horizontal {
        if let Some(index) = nearest(&ys, rule.position, MIN_CELL + 0.5) {
            on_y[index].push((rule.start, rule.end));
        }
    }
    let on_x: Vec<Vec<(f64, f64)>> = on_x.into_iter().map(disjoint).collect();
    let on_y: Vec<Vec<(f64, f64)>> = on_y.into_iter().map(disjoint).collect();
    // `v_ruled[row * (cols + 1) + line]`: a rule runs along vertical line `line` in `row`.
    let mut v_ruled = vec![false; rows * (cols + 1)];
    for row in 0..rows {
        let (low, high) = (ys[row + 1], ys[row]);
        for (line, intervals) in on_x.iter().enumerate() {
            v_ruled[row * (cols + 1) + line] =
                coverage(intervals, low, high) >= (high - low) * EDGE_COVERAGE;
        }
    }
    // `h_ruled_at[line * cols + col]`: a rule runs along horizontal line `line` in `col`.
    let mut h_ruled_at = vec![false; (rows + 1) * cols];
    for (line, intervals) in on_y.iter().enumerate() {
        for col in 0..cols {
            let (low, high) = (xs[col], xs[col + 1]);
            h_ruled_at[line * cols + col] =
                coverage(intervals, low, high) >= (high - low) * EDGE_COVERAGE;
        }
    }
    // A vertical edge separates column `line - 1` from column `line` in `row`; the table's
    // outline always does.
    let v_edge = |row: usize, line: usize| -> bool {
        line == 0 || line == cols || v_ruled[row * (cols + 1) + line]
    };
    let h_ruled = |line: usize, col: usize| -> bool { h_ruled_at[line * cols + col] };
    let h_edge =
        |line: usize, col: usize| -> bool { line == 0 || line == rows || h_ruled(line, col) };

    let mut slots = vec![usize::MAX; rows * cols];
    let mut cells = Vec::new();
    for row in 0..rows {
        for col in 0..cols {
            if slots[row * cols + col] != usize::MAX {
                continue;
            }
            let mut col_span = 1;
            while col + col_span < cols
                && slots[row * cols + col + col_span] == usize::MAX
                && !v_edge(row, col + col_span)
            {
                col_span += 1;
            }
            let mut row_span = 1;
            'grow: while row + row_span < rows {
                let next = row + row_span;
                for c in col..col + col_span {
                    if h_edge(next, c) || slots[next * cols + c] != usize::MAX {
                        break 'grow;
                    }
                }
                for line in col + 1..col + col_span {
                    if v_edge(next, line) {
                        break 'grow;
                    }
                }
                row_span += 1;
            }
            let id = cells.len();
            for r in row..row + row_span {
                for c in col..col + col_span {
                    slots[r * cols + c] = id;
                }
            }
            let ruled = (col..col + col_span).filter(|&c| h_ruled(row, c)).count();
            cells.push(LatticeCell {
                row,
                col,
                row_span,
                col_span,
                top_ruled: ruled * 2 >= col_span,
            });
        }
    }
    Some(Lattice {
        xs,
        ys,
        slots,
        cells,
    })
}

/// Text assembled from glyphs.
#[derive(Debug, Clone, Default, PartialEq)]
struct Block {
    text: String,
    /// True when the last line reaches the right edge of the box given, or ends in
    /// punctuation that cannot end a text.
    ends_full: bool,
    lines: usize,
}

/// One line of glyphs in a reading frame.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    /// The line cut at wide gaps (two em or more), for tables found by alignment.
    chunks: Vec<Chunk>,
    u0: f64,
    u1: f64,
    v: f64,
    size: f64,
}

/// The dominant reading direction of some glyphs.
fn dominant_direction(glyphs: &[&Glyph]) -> Direction {
    let mut counts = [0usize; 4];
    for glyph in glyphs {
        let index = match glyph.direction {
            Direction::Right => 0,
            Direction::Up => 1,
            Direction::Left => 2,
            Direction::Down => 3,
        };
        counts[index] += 1;
    }
    let best = (0..4)
        .max_by_key(|&i| (counts[i], usize::from(i == 0)))
        .unwrap_or(0);
    [
        Direction::Right,
        Direction::Up,
        Direction::Left,
        Direction::Down,
    ][best]
}

/// Groups glyphs into lines in their reading frame, top line first.
fn lines_of(glyphs: &[&Glyph], direction: Direction) -> Vec<Line> {
    // Glyphs in another direction than the dominant one are projected into its frame.
    let mut placed: Vec<(f64, f64, f64, &Glyph)> = glyphs
        .iter()
        .map(|glyph| {
            if glyph.direction == direction {
                (glyph.u0, glyph.u1, glyph.v, *glyph)
            } else {
                let (u, v) = direction.frame(glyph.cx, glyph.cy);
                let half = glyph.size / 2.0;
                (u - half, u + half, v - glyph.size * 0.35, *glyph)
            }
        })
        .collect();
    placed.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.total_cmp(&b.0)));

    let mut groups: Vec<Vec<(f64, f64, f64, &Glyph)>> = Vec::new();
    let mut reference = f64::NAN;
    let mut reference_size: f64 = 0.0;
    for entry in placed {
        let size = entry.3.size.max(reference_size);
        // Glyphs come top line first, so a glyph whose baseline is within 0.4 em of the
        // line's first baseline is on that line (subscripts and mixed fonts included).
        let same_line = !groups.is_empty() && (reference - entry.2).abs() <= size * 0.4;
        if same_line {
            if let Some(group) = groups.last_mut() {
                group.push(entry);
            }
            if !entry.3.space && !entry.3.hole {
                reference_size = reference_size.max(entry.3.size);
            }
        } else {
            reference = entry.2;
            reference_size = entry.3.size;
            groups.push(vec![entry]);
        }
    }

    groups
        .into_iter()
        .filter_map(|mut group| {
            group.sort_by(|a, b| a.0.total_cmp(&b.0));
            line_from(&group)
        })
        .collect()
}

/// Gaps of at least this many em cut a line into chunks; running text has none.
const CHUNK_GAP: f64 = 2.0;

/// Gaps of at least this many em inside a line are remembered: side-by-side paragraphs may be
/// set with no more than a cell's padding between them (see [`split_at_gutters`]).
const SOFT_GAP: f64 = 0.45;

/// Builds one line's text from its glyphs, ordered along the line.
fn line_from(group: &[(f64, f64, f64, &Glyph)]) -> Option<Line> {
    let mut chunks: Vec<Chunk> = Vec::new();
    let mut kept: Vec<(f64, f64, f64, &Glyph)> = Vec::new();
    let mut pending_space = false;
    let mut size_sum = 0.0;
    let mut baseline_sum = 0.0;
    for &entry in group {
        let (u0, u1, v, glyph) = entry;
        if glyph.hole {
            // An unmapped glyph: no text, but the line runs on through it.
            if let Some(last) = kept.last_mut() {
                last.1 = last.1.max(u1);
            }
            continue;
        }
        if glyph.space {
            pending_space = !kept.is_empty();
            continue;
        }
        // The same glyph printed again at (almost) the same spot is fake bold.
        let duplicate = kept.iter().rev().take(4).any(|&(k0, _, kv, k)| {
            k.text == glyph.text
                && (k0 - u0).abs() < glyph.size * 0.3
                && (kv - v).abs() < glyph.size * 0.3
        });
        if duplicate {
            continue;
        }
        let mut new_chunk = chunks.is_empty();
        if let Some(&(_, p1, _, previous)) = kept.last() {
            let gap = u0 - p1;
            let size = glyph.size.max(previous.size);
            if gap >= size * CHUNK_GAP {
                new_chunk = true;
            } else {
                let wide_pair = ends_wide(&previous.text) && starts_wide(&glyph.text);
                let wide_either = ends_wide(&previous.text) || starts_wide(&glyph.text);
                let space = if wide_pair {
                    false
                } else if wide_either {
                    pending_space || gap > size * 0.8
                } else {
                    pending_space || gap > size * 0.2
                };
                if space && let Some(chunk) = chunks.last_mut() {
                    chunk.text.push(' ');
                }
                if gap >= size * SOFT_GAP
                    && let Some(chunk) = chunks.last_mut()
                {
                    chunk.gaps.push((chunk.text.len(), p1, u0));
                }
            }
        }
        if new_chunk {
            chunks.push(Chunk {
                x0: u0,
                x1: u1,
                text: String::new(),
                gaps: Vec::new(),
            });
        }
        if let Some(chunk) = chunks.last_mut() {
            glyph.text.push_to(&mut chunk.text);
            chunk.x1 = chunk.x1.max(u1);
        }
        size_sum += glyph.size;
        baseline_sum += v;
        kept.push(entry);
        pending_space = false;
    }
    let first = kept.first()?;
    let count = kept.len() as f64;
    let mut text = String::new();
    for chunk in &chunks {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(&chunk.text);
    }
    Some(Line {
        text,
        u0: first.0,
        u1: chunks.iter().map(|c| c.x1).fold(first.1, f64::max),
        v: baseline_sum / count,
        size: size_sum / count,
        chunks,
    })
}

fn starts_wide(text: &Mapped) -> bool {
    match text {
        Mapped::Char(c) => is_wide(*c),
        Mapped::Text(text) => text.chars().next().is_some_and(is_wide),
    }
}

fn ends_wide(text: &Mapped) -> bool {
    match text {
        Mapped::Char(c) => is_wide(*c),
        Mapped::Text(text) => text.chars().last().is_some_and(is_wide),
    }
}

/// True when `text` starts with an item marker: `2、`, `2.`, `2)`, `（二）`, `(2)`, `二、`,
/// `①`.
pub(crate) fn starts_with_item_marker(text: &str) -> bool {
    let chars: Vec<char> = text.trim_start().chars().take(8).collect();
    let Some(&first) = chars.first() else {
        return false;
    };
    let is_digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
    let is_numeral = |c: char| "一二三四五六七八九十".contains(c);
    if ('\u{2460}'..='\u{249B}').contains(&first) {
        return true;
    }
    if first == '(' || first == '（' {
        let inner: Vec<char> = chars[1..]
            .iter()
            .copied()
            .take_while(|&c| is_digit(c) || is_numeral(c))
            .collect();
        return !inner.is_empty()
            && inner.len() <= 3
            && matches!(chars.get(1 + inner.len()), Some(')' | '）'));
    }
    let digits = chars.iter().take_while(|&&c| is_digit(c)).count();
    if (1..=3).contains(&digits) {
        return match chars.get(digits) {
            Some('、' | ')' | '）' | '．') => true,
            // `2.` is a marker, `2019.12` a number.
            Some('.') => !chars.get(digits + 1).copied().is_some_and(is_digit),
            _ => false,
        };
    }
    let numerals = chars.iter().take_while(|&&c| is_numeral(c)).count();
    (1..=3).contains(&numerals) && matches!(chars.get(numerals), Some('、' | '．'))
}

/// Joins a line to text that came before it in the same block: no space between CJK
/// characters, a space between Latin words.
pub(crate) fn join_wrapped(text: &mut String, next: &str) {
    let last = text.chars().last();
    let first = next.chars().next();
    if let (Some(last), Some(first)) = (last, first)
        && !is_wide(last)
        && !is_wide(first)
        && (last.is_alphanumeric() || matches!(last, ',' | ';' | ':' | '!' | '?'))
        && first.is_alphanumeric()
        && !(last.is_ascii_digit() && first.is_ascii_digit())
    {
        text.push(' ');
    }
    text.push_str(next);
}

/// Assembles glyphs into text. `bounds` (`[x0, y0, x1, y1]`) is the box the text sits in,
/// which decides which lines end short of its right edge.
fn assemble(glyphs: &[&Glyph], bounds: Option<[f64; 4]>) -> Block {
    if glyphs.iter().all(|glyph| glyph.space || glyph.hole) {
        return Block::default();
    }
    let direction = dominant_direction(glyphs);
    let lines = lines_of(glyphs, direction);
    let right = match bounds {
        Some([x0, y0, x1, y1]) => [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
            .iter()
            .map(|&(x, y)| direction.frame(x, y).0)
            .fold(f64::NEG_INFINITY, f64::max),
        None => lines
            .iter()
            .map(|line| line.u1)
            .fold(f64::NEG_INFINITY, f64::max),
    };
    let pitches: Vec<f64> = lines.windows(2).map(|pair| pair[0].v - pair[1].v).collect();
    let typical_pitch = pitches
        .iter()
        .copied()
        .filter(|p| *p > 0.0)
        .fold(f64::INFINITY, f64::min);
    let mut text = String::new();
    for (index, line) in lines.iter().enumerate() {
        if index == 0 {
            text.push_str(&line.text);
            continue;
        }
        let previous = &lines[index - 1];
        let size = line.size.max(previous.size);
        let short = previous.u1 < right - size * 1.5 - 3.0;
        let pitch = previous.v - line.v;
        let extra_gap = if pitches.len() >= 2 {
            pitch > typical_pitch * 1.5 + 0.5 && pitch > size * 1.5
        } else {
            pitch > size * 2.2
        };
        if (short && starts_with_item_marker(&line.text)) || extra_gap {
            text.push('\n');
            text.push_str(&line.text);
        } else {
            join_wrapped(&mut text, &line.text);
        }
    }
    // The last line is full when the next glyph did not fit after it: it ends within about
    // two glyphs of the right edge (CJK line breaking moves a character together with the
    // punctuation after it, leaving lines up to two glyphs short).
    let left = match bounds {
        Some([x0, y0, x1, y1]) => [(x0, y0), (x1, y0), (x0, y1), (x1, y1)]
            .iter()
            .map(|&(x, y)| direction.frame(x, y).0)
            .fold(f64::INFINITY, f64::min),
        None => lines
            .iter()
            .map(|line| line.u0)
            .fold(f64::INFINITY, f64::min),
    };
    let ends_full = lines.last().is_some_and(|line| {
        let inner = (right - left - 6.0).max(line.size);
        let open = line
            .text
            .trim_end()
            .ends_with(['、', '，', ',', '（', '(', '【', '《', '“', '-', '/', '：']);
        open || line.u1 >= right - line.size.min(inner) * 2.0 - 3.0
    });
    Block {
        text: text.trim().to_string(),
        ends_full,
        lines: lines.len(),
    }
}

/// Text lines of glyphs outside tables, top first. Pages are upright (the page matrix turned
/// them), so free text is read left to right; turned text inside tables is read in its own
/// direction by [`assemble`].
fn text_lines(glyphs: &[&Glyph]) -> Vec<TextLine> {
    if glyphs.is_empty() {
        return Vec::new();
    }
    lines_of(glyphs, Direction::Right)
        .into_iter()
        .filter(|line| !line.text.trim().is_empty())
        .map(|line| {
            let text = line.text.trim().to_string();
            TextLine {
                starts_item: starts_with_item_marker(&text),
                text,
                x0: line.u0,
                x1: line.u1,
                baseline: line.v,
                size: line.size,
                chunks: line.chunks,
            }
        })
        .collect()
}

/// A horizontal chunk of a line: text separated from its neighbours by a wide gap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chunk {
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    /// Narrower gaps inside the chunk (at least [`SOFT_GAP`] em): where a gutter between two
    /// paragraphs set side by side may run. Each is the byte offset in `text` where the text
    /// after the gap starts, the end of the text before it and the start of the text after.
    pub gaps: Vec<(usize, f64, f64)>,
}

/// A text that ends within this many em of what follows it on its line ran up to its column's
/// edge: the line was wrapped, and the line below may continue it.
const WRAP_REACH: f64 = 1.5;

/// How far apart (points) the breaks of consecutive lines may be and still be one gutter.
const GUTTER_TOLERANCE: f64 = 1.0;

/// Cuts side-by-side paragraphs apart. Two paragraphs set side by side with no rule between
/// them (项目总目标 beside 年度总体目标 in a borderless form) come line by line, each line holding a
/// piece of both, often with no more than a cell's padding between the pieces, too narrow for
/// a chunk. Where consecutive lines all break at the same x (a remembered narrow gap, or a
/// chunk starting there) and none runs across it, that x is a gutter, and the lines are cut
/// there into chunks: the alignment tables then see two columns, not one interleaved text.
fn split_at_gutters(lines: &mut [TextLine]) {
    let mut start = 0;
    while start < lines.len() {
        let mut end = start + 1;
        while end < lines.len()
            && lines[end - 1].baseline - lines[end].baseline <= lines[end].size * 1.8
        {
            end += 1;
        }
        if end - start >= 2 {
            split_run(&mut lines[start..end]);
        }
        start = end;
    }
}

/// How one line meets a candidate gutter.
#[derive(Clone, Copy, PartialEq)]
enum AtGutter {
    /// A narrow gap of the line ends there.
    Gap,
    /// A chunk of the line starts there.
    ChunkStart,
    /// No text of the line reaches across it.
    Clear,
    /// Text runs across it.
    Crosses,
}

fn at_gutter(line: &TextLine, x: f64) -> AtGutter {
    let near = |value: f64| (value - x).abs() <= GUTTER_TOLERANCE;
    for (index, chunk) in line.chunks.iter().enumerate() {
        if index > 0 && near(chunk.x0) {
            return AtGutter::ChunkStart;
        }
        if chunk.gaps.iter().any(|&(_, _, after)| near(after)) {
            return AtGutter::Gap;
        }
        if chunk.x0 < x - GUTTER_TOLERANCE && chunk.x1 > x + GUTTER_TOLERANCE {
            return AtGutter::Crosses;
        }
    }
    AtGutter::Clear
}

fn split_run(lines: &mut [TextLine]) {
    let candidates: Vec<f64> = lines
        .iter()
        .flat_map(|line| line.chunks.iter())
        .flat_map(|chunk| chunk.gaps.iter().map(|&(_, _, after)| after))
        .collect();
    if candidates.is_empty() {
        return;
    }
    for x in cluster(candidates, GUTTER_TOLERANCE) {
        let states: Vec<AtGutter> = lines.iter().map(|line| at_gutter(line, x)).collect();
        let mut start = 0;
        while start < states.len() {
            if states[start] == AtGutter::Crosses {
                start += 1;
                continue;
            }
            let mut end = start;
            while end < states.len() && states[end] != AtGutter::Crosses {
                end += 1;
            }
            let gaps = states[start..end]
                .iter()
                .filter(|&&state| state == AtGutter::Gap)
                .count();
            let chunk_starts = states[start..end]
                .iter()
                .filter(|&&state| state == AtGutter::ChunkStart)
                .count();
            // Two paragraphs of two lines or more: lines broken by narrow gaps, and a short
            // last line (a chunk) or a third line, so that words that happen to line up in
            // running text make no gutter.
            if gaps >= 1 && gaps + chunk_starts >= 2 && (chunk_starts >= 1 || gaps >= 3) {
                for line in &mut lines[start..end] {
                    cut_at(line, x);
                }
            }
            start = end;
        }
    }
}

/// Cuts the chunk of `line` that has a narrow gap ending at `x` into two chunks there.
fn cut_at(line: &mut TextLine, x: f64) {
    let Some((index, gap)) = line.chunks.iter().enumerate().find_map(|(index, chunk)| {
        chunk
            .gaps
            .iter()
            .position(|&(_, _, after)| (after - x).abs() <= GUTTER_TOLERANCE)
            .map(|gap| (index, gap))
    }) else {
        return;
    };
    let chunk = &mut line.chunks[index];
    let (offset, before_end, after_start) = chunk.gaps[gap];
    let rest_gaps: Vec<(usize, f64, f64)> = chunk.gaps[gap + 1..]
        .iter()
        .map(|&(at, end, start)| (at - offset, end, start))
        .collect();
    chunk.gaps.truncate(gap);
    let tail = chunk.text.split_off(offset);
    let head_len = chunk.text.trim_end().len();
    chunk.text.truncate(head_len);
    let right = Chunk {
        x0: after_start,
        x1: chunk.x1,
        text: tail,
        gaps: rest_gaps,
    };
    chunk.x1 = before_end;
    line.chunks.insert(index + 1, right);
}

/// Finds tables drawn without rules among text lines: runs of lines that split into two or
/// more chunks whose starts line up. Returns the tables and the lines left over.
fn alignment_tables(
    page: u32,
    page_height: f64,
    lines: Vec<TextLine>,
) -> (Vec<Fragment>, Vec<TextLine>) {
    let chunked: Vec<Vec<Chunk>> = lines.iter().map(|line| line.chunks.clone()).collect();
    let mut tables = Vec::new();
    let mut used = vec![false; lines.len()];
    let mut start = 0;
    while start < lines.len() {
        if chunked[start].len() < 2 {
            start += 1;
            continue;
        }
        // A run of multi-chunk lines with ordinary line spacing.
        let mut end = start + 1;
        while end < lines.len()
            && chunked[end].len() >= 2
            && lines[end - 1].baseline - lines[end].baseline <= lines[end].size * 3.0
        {
            end += 1;
        }
        if end - start >= 2
            && let Some(fragment) =
                aligned_fragment(page, page_height, &lines[start..end], &chunked[start..end])
        {
            tables.push(fragment);
            used[start..end].iter_mut().for_each(|u| *u = true);
        }
        start = end;
    }
    let rest = lines
        .into_iter()
        .zip(used)
        .filter_map(|(line, used)| (!used).then_some(line))
        .collect();
    (tables, rest)
}

fn aligned_fragment(
    page: u32,
    page_height: f64,
    lines: &[TextLine],
    chunks: &[Vec<Chunk>],
) -> Option<Fragment> {
    let size = lines.iter().map(|l| l.size).fold(0.0, f64::max).max(1.0);
    let starts: Vec<f64> = chunks.iter().flatten().map(|c| c.x0).collect();
    // Column starts: chunk starts that recur in at least two lines.
    let columns: Vec<f64> = cluster(starts.clone(), size)
        .into_iter()
        .filter(|&x| starts.iter().filter(|&&s| (s - x).abs() <= size).count() >= 2)
        .collect();
    if columns.len() < 2 {
        return None;
    }
    let left = lines.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let right = lines.iter().map(|l| l.x1).fold(f64::NEG_INFINITY, f64::max);
    let mut xs = vec![left.min(columns[0])];
    xs.extend(columns.iter().skip(1).map(|&x| x - size * 0.25));
    xs.push(right);
    // Each line's text by column, and whether each column's text runs up to what follows it
    // on the line (the next chunk, or the table's right edge): a wrapped line.
    let mut rows: Vec<(Vec<String>, Vec<bool>)> = Vec::new();
    for line_chunks in chunks {
        let mut texts: Vec<String> = vec![String::new(); xs.len() - 1];
        let mut full = vec![false; xs.len() - 1];
        for (index, chunk) in line_chunks.iter().enumerate() {
            let col = xs
                .partition_point(|&edge| edge <= chunk.x0 + size * 0.5)
                .saturating_sub(1)
                .min(texts.len() - 1);
            if !texts[col].is_empty() {
                texts[col].push(' ');
            }
            texts[col].push_str(&chunk.text);
            let next = line_chunks.get(index + 1).map_or(right, |next| next.x0);
            full[col] = chunk.x1 >= next - size * WRAP_REACH && chunk.text.chars().count() >= 6;
        }
        // Side-by-side paragraphs: a line whose every text continues a wrapped text of the
        // line above, in the same columns, belongs to the row above.
        if let Some((above, above_full)) = rows.last_mut() {
            let same_columns = texts
                .iter()
                .zip(above.iter())
                .all(|(text, above)| text.is_empty() == above.is_empty());
            let continues = same_columns
                && texts.iter().any(|text| !text.is_empty())
                && texts
                    .iter()
                    .zip(above_full.iter())
                    .all(|(text, &full)| text.is_empty() || full);
            if continues {
                for (above, text) in above.iter_mut().zip(&texts) {
                    join_wrapped(above, text);
                }
                *above_full = full;
                continue;
            }
        }
        rows.push((texts, full));
    }
    let row_count = rows.len();
    let mut cells = Vec::new();
    for (row, (texts, _)) in rows.into_iter().enumerate() {
        for (col, text) in texts.into_iter().enumerate() {
            cells.push(FragmentCell {
                row,
                row_span: 1,
                x0: xs[col],
                x1: xs[col + 1],
                text,
                top_ruled: true,
                ends_full: false,
                lines: 1,
                page,
            });
        }
    }
    let top = lines[0].baseline + lines[0].size;
    let bottom = lines[lines.len() - 1].baseline - size * 0.3;
    Some(Fragment {
        page,
        top,
        bottom,
        left: xs[0],
        right,
        rows: row_count,
        xs,
        cells,
        ruled: false,
        page_height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(c: char, x: f64, y: f64, size: f64) -> Glyph {
        let width = if is_wide(c) { size } else { size * 0.5 };
        Glyph {
            cx: x + width / 2.0,
            cy: y + size * 0.35,
            u0: x,
            u1: x + width,
            v: y,
            size,
            direction: Direction::Right,
            text: Mapped::Char(c),
            space: c == ' ',
            hole: false,
        }
    }

    fn text_at(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut pen = x;
        for c in text.chars() {
            let g = glyph(c, pen, y, size);
            pen = g.u1;
            out.push(g);
        }
        out
    }

    fn h(y: f64, x0: f64, x1: f64) -> Segment {
        Segment {
            horizontal: true,
            position: y,
            start: x0,
            end: x1,
            thickness: 0.5,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Segment {
        Segment {
            horizontal: false,
            position: x,
            start: y0,
            end: y1,
            thickness: 0.5,
        }
    }

    #[test]
    fn missing_interior_rule_is_a_merged_cell() {
        // 3 rows × 2 columns; the left column's rows 0–1 have no rule between them.
        let segments = vec![
            h(300.0, 100.0, 300.0),
            h(280.0, 200.0, 300.0),
            h(260.0, 100.0, 300.0),
            h(240.0, 100.0, 300.0),
            v(100.0, 240.0, 300.0),
            v(200.0, 240.0, 300.0),
            v(300.0, 240.0, 300.0),
        ];
        let mut glyphs = text_at("产出指标", 105.0, 283.0, 10.0);
        glyphs.extend(text_at("数量", 205.0, 286.0, 10.0));
        glyphs.extend(text_at("质量", 205.0, 266.0, 10.0));
        glyphs.extend(text_at("效益", 105.0, 246.0, 10.0));
        let items = layout_page(1, 842.0, &glyphs, &segments);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        assert_eq!(table.rows, 3);
        let merged = table
            .cells
            .iter()
            .find(|c| c.text == "产出指标")
            .expect("cell");
        assert_eq!((merged.row, merged.row_span), (0, 2));
        assert_eq!((merged.x0, merged.x1), (100.0, 200.0));
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["产出指标", "数量", "质量", "效益", ""]);
    }

    #[test]
    fn a_column_open_at_both_ends_stays_in_the_table() {
        // A name column merged across the page break above and below: its left border at x=50
        // runs the table's height but touches no horizontal rule. A rule of the same height
        // far from the table (a page frame), or a shorter one, is no column.
        let segments = vec![
            h(300.0, 100.0, 300.0),
            h(270.0, 100.0, 300.0),
            h(240.0, 100.0, 300.0),
            v(50.0, 240.0, 300.0),
            v(100.0, 240.0, 300.0),
            v(200.0, 240.0, 300.0),
            v(300.0, 240.0, 300.0),
            v(500.0, 240.0, 300.0),
            v(20.0, 250.0, 290.0),
        ];
        let mut glyphs = text_at("项目", 55.0, 266.0, 10.0);
        glyphs.extend(text_at("产出", 105.0, 286.0, 10.0));
        glyphs.extend(text_at("数量", 205.0, 286.0, 10.0));
        glyphs.extend(text_at("效益", 105.0, 256.0, 10.0));
        glyphs.extend(text_at("社会", 205.0, 256.0, 10.0));
        let items = layout_page(1, 842.0, &glyphs, &segments);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        assert_eq!((table.rows, table.left, table.right), (2, 50.0, 300.0));
        let name = table
            .cells
            .iter()
            .find(|c| c.text == "项目")
            .expect("the open column's cell");
        assert_eq!((name.row, name.row_span), (0, 2));
        assert_eq!((name.x0, name.x1), (50.0, 100.0));
    }

    #[test]
    fn double_rules_make_no_slivers() {
        // An outer frame drawn twice, two points apart, around a 1×2 table.
        let mut segments = Vec::new();
        for inset in [0.0, 2.0] {
            segments.push(h(300.0 - inset, 100.0 + inset, 300.0 - inset));
            segments.push(h(260.0 + inset, 100.0 + inset, 300.0 - inset));
            segments.push(v(100.0 + inset, 260.0 + inset, 300.0 - inset));
            segments.push(v(300.0 - inset, 260.0 + inset, 300.0 - inset));
        }
        segments.push(v(200.0, 260.0, 300.0));
        let mut glyphs = text_at("项目", 105.0, 275.0, 10.0);
        glyphs.extend(text_at("名称", 205.0, 275.0, 10.0));
        let items = layout_page(1, 842.0, &glyphs, &segments);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        assert_eq!((table.rows, table.xs.len()), (1, 3));
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["项目", "名称"]);
    }

    #[test]
    fn wrapped_lines_join_without_spaces_between_cjk_and_with_spaces_between_words() {
        let mut glyphs = text_at("保障服务能力提升情", 100.0, 300.0, 12.0);
        glyphs.extend(text_at("况", 100.0, 283.0, 12.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let block = assemble(&refs, Some([98.0, 270.0, 212.0, 315.0]));
        assert_eq!(block.text, "保障服务能力提升情况");

        let mut glyphs = text_at("annual", 100.0, 300.0, 10.0);
        glyphs.extend(text_at("target", 100.0, 288.0, 10.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        assert_eq!(assemble(&refs, None).text, "annual target");
    }

    #[test]
    fn item_markers_after_short_lines_keep_paragraph_breaks() {
        let mut glyphs = text_at("1、因我局无办公场所一直租用民", 100.0, 300.0, 12.0);
        glyphs.extend(text_at("用住宅。", 100.0, 283.0, 12.0));
        glyphs.extend(text_at("2、加强培训", 100.0, 266.0, 12.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let block = assemble(&refs, Some([98.0, 250.0, 100.0 + 12.0 * 16.0, 315.0]));
        assert_eq!(
            block.text,
            "1、因我局无办公场所一直租用民用住宅。\n2、加强培训"
        );
    }

    #[test]
    fn fake_bold_is_printed_once() {
        let mut glyphs = text_at("优秀", 100.0, 300.0, 12.0);
        glyphs.extend(text_at("优秀", 100.3, 300.2, 12.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        assert_eq!(assemble(&refs, None).text, "优秀");
    }

    #[test]
    fn markers() {
        for yes in [
            "2、加强",
            "2.加强",
            "（二）加强",
            "(3) x",
            "二、加强",
            "①加强",
            "12）x",
        ] {
            assert!(starts_with_item_marker(yes), "{yes}");
        }
        for no in ["2019.12-2020.12", "100%", "加强", "2019年", "(2019年)"] {
            assert!(!starts_with_item_marker(no), "{no}");
        }
    }

    #[test]
    fn side_by_side_paragraphs_without_rules_come_apart() {
        // Two paragraphs of 12-point text side by side, 6 points apart (a cell's padding):
        // the first two lines of each fill their column, the last lines are short.
        let mut glyphs = Vec::new();
        glyphs.extend(text_at("项目总目标", 72.0, 720.0, 12.0));
        glyphs.extend(text_at("年度目标", 198.0, 720.0, 12.0));
        for (row, (left, right)) in [
            ("用三年时间建成环城绿", "年内完成东段绿道建设"),
            ("串联主要公园与河道形", "同步配建驿站六处和标"),
            ("慢行网络。", "提升绿化。"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - row as f64 * 16.0;
            glyphs.extend(text_at(left, 72.0, y, 12.0));
            glyphs.extend(text_at(right, 198.0, y, 12.0));
        }
        let items = layout_page(1, 842.0, &glyphs, &[]);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "项目总目标",
                "年度目标",
                "用三年时间建成环城绿串联主要公园与河道形慢行网络。",
                "年内完成东段绿道建设同步配建驿站六处和标提升绿化。",
            ]
        );
    }

    #[test]
    fn words_that_line_up_in_running_text_make_no_gutter() {
        // Two lines of one paragraph whose word gaps happen to line up: no line is short and
        // there are only two, so the text stays one paragraph.
        let mut glyphs = text_at("alpha beta", 72.0, 700.0, 12.0);
        glyphs.extend(text_at("gamma delta", 72.0, 686.0, 12.0));
        // Widen the gap after the first word of each line to half an em, at the same x.
        for glyph in glyphs.iter_mut() {
            if glyph.u0 >= 72.0 + 5.0 * 6.0 {
                glyph.u0 += 4.0;
                glyph.u1 += 4.0;
                glyph.cx += 4.0;
            }
        }
        let items = layout_page(1, 842.0, &glyphs, &[]);
        assert!(
            items.iter().all(|item| matches!(item, Item::Line(_))),
            "no table: {items:?}"
        );
    }

    #[test]
    fn aligned_text_without_rules_becomes_a_table() {
        let mut glyphs = Vec::new();
        for (row, (a, b, c)) in [
            ("项目", "指标", "值"),
            ("数量", "设备", "=100%"),
            ("质量", "合格率", "≥95%"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - row as f64 * 20.0;
            glyphs.extend(text_at(a, 72.0, y, 12.0));
            glyphs.extend(text_at(b, 200.0, y, 12.0));
            glyphs.extend(text_at(c, 330.0, y, 12.0));
        }
        glyphs.extend(text_at("说明文字", 72.0, 600.0, 12.0));
        let items = layout_page(1, 842.0, &glyphs, &[]);
        let tables: Vec<&Fragment> = items
            .iter()
            .filter_map(|item| match item {
                Item::Table(t) => Some(t),
                Item::Line(_) => None,
            })
            .collect();
        assert_eq!(tables.len(), 1);
        let table = tables[0];
        assert!(!table.ruled);
        assert_eq!(table.rows, 3);
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "项目",
                "指标",
                "值",
                "数量",
                "设备",
                "=100%",
                "质量",
                "合格率",
                "≥95%"
            ]
        );
        assert!(matches!(items.last(), Some(Item::Line(line)) if line.text == "说明文字"));
    }
}
