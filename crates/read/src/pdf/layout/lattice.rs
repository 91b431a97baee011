//! Ruling lines into cell lattices: segments merge into rules, rules that cross form a
//! table, and a missing interior rule is a merged cell (steps 1–3 of the layout).

use super::*;

/// Merges segments into horizontal and vertical rules.
pub(super) fn merge_segments(segments: &[Segment]) -> (Vec<Rule>, Vec<Rule>) {
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
pub(super) struct Lattice {
    /// Column boundaries, ascending.
    pub(super) xs: Vec<f64>,
    /// Row boundaries, descending (top first).
    pub(super) ys: Vec<f64>,
    /// Cell id for each slot, row-major.
    pub(super) slots: Vec<usize>,
    pub(super) cells: Vec<LatticeCell>,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct LatticeCell {
    pub(super) row: usize,
    pub(super) col: usize,
    pub(super) row_span: usize,
    pub(super) col_span: usize,
    pub(super) top_ruled: bool,
}

impl Lattice {
    pub(super) fn cols(&self) -> usize {
        self.xs.len() - 1
    }

    /// The cell under a point, if the point is inside the table.
    pub(super) fn cell_at(&self, x: f64, y: f64) -> Option<usize> {
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

    pub(super) fn fragment(
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
pub(super) fn cluster(mut values: Vec<f64>, tolerance: f64) -> Vec<f64> {
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
pub(super) fn without_slivers(boundaries: Vec<f64>) -> Vec<f64> {
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
pub(super) fn nearest(boundaries: &[f64], value: f64, tolerance: f64) -> Option<usize> {
    boundaries
        .iter()
        .enumerate()
        .map(|(index, &b)| (index, (b - value).abs()))
        .filter(|&(_, distance)| distance <= tolerance)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(index, _)| index)
}

/// Sorts intervals and merges those that overlap, so that coverage can be summed.
pub(super) fn disjoint(mut intervals: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
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
pub(super) fn coverage(intervals: &[(f64, f64)], low: f64, high: f64) -> f64 {
    let first = intervals.partition_point(|interval| interval.1 <= low);
    intervals[first..]
        .iter()
        .take_while(|interval| interval.0 < high)
        .map(|&(a, b)| b.min(high) - a.max(low))
        .filter(|length| *length > 0.0)
        .sum()
}

/// Groups touching rules and builds a lattice for each group that forms a table.
pub(super) fn find_lattices(horizontal: &[Rule], vertical: &[Rule]) -> Vec<Lattice> {
    let count = horizontal.len() + vertical.len();
    let mut parent: Vec<usize> = (0..count).collect();
    pub(super) fn root(parent: &mut [usize], mut node: usize) -> usize {
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

/// Adds to a table the columns that are open at both ends: a name or label cell merged across
/// the page break on both sides has no rule above or below it on this page, so its outer
/// border touches no horizontal rule and stands alone beside the table. A lone vertical rule
/// that runs the table's whole height, just outside its edge, is that border.
pub(super) fn attach_open_columns(
    horizontal: &[Rule],
    vertical: &mut Vec<Rule>,
    lone: &mut Vec<Rule>,
) {
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

pub(super) fn build_lattice(horizontal: &[Rule], vertical: &[Rule]) -> Option<Lattice> {
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
