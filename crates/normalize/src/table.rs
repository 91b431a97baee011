//! Building one performance target table from the rows that belong to it: the fields above the
//! indicator header, the header, then the indicator rows with their merged 一级 / 二级 cells
//! filled down, named by the vocabulary and corrected where the layout put them under a parent
//! that cannot hold them.

use jixiao_grid::{Diagnostic, Location};

use crate::fields::Fields;
use crate::header::{self, ColumnRole, Columns, ExtraKind, Side, Span};
use crate::list::{self, Segments};
use crate::model::{
    Budget, CellRole, Column, Extra, Goals, Indicator, RowKind, RowRead, Table, TableKind, Value,
};
use crate::rows::{At, Row};
use crate::text;
use crate::value;
use crate::vocab;

/// Where a table under construction is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reading the fields above the indicators.
    Fields,
    /// Reading indicator rows under a header.
    Indicators,
}

/// A table under construction.
#[derive(Debug)]
pub struct Builder {
    pub phase: Phase,
    pub title: Option<String>,
    pub fields: Fields,
    pub columns: Option<Columns>,
    /// The keys of every header row read for this table, to recognise one repeated on a
    /// continuation page.
    signatures: Vec<Vec<String>>,
    indicators: Vec<Indicator>,
    /// A list table's project blocks, and for each indicator the block it belongs to.
    segments: Segments,
    segment_of: Vec<usize>,
    /// For each indicator: the side it was read from and its row (grid, row), to check after
    /// the last row whether the two sides of a table really run in parallel.
    origins: Vec<(usize, (usize, usize))>,
    /// True once an indicator was found with no 一级 name, so that the warning is given once.
    warned_missing_level: bool,
    warnings: Vec<Diagnostic>,
    /// The 一级 text in force (filled down from the last non-empty 一级 cell).
    level1: Option<String>,
    /// The 二级 text in force, per side.
    level2: Vec<Option<String>>,
    /// Unknown names already warned about, so each is reported once per table.
    warned_unknown: Vec<String>,
    first: Option<Location>,
    last: Option<Location>,
    /// The rows read so far and the roles of their cells.
    rows: Vec<RowRead>,
}

impl Builder {
    pub fn new(title: Option<String>) -> Self {
        Builder {
            phase: Phase::Fields,
            title,
            fields: Fields::default(),
            columns: None,
            signatures: Vec::new(),
            indicators: Vec::new(),
            segments: Segments::default(),
            segment_of: Vec::new(),
            warnings: Vec::new(),
            level1: None,
            level2: Vec::new(),
            warned_unknown: Vec::new(),
            origins: Vec::new(),
            warned_missing_level: false,
            first: None,
            last: None,
            rows: Vec::new(),
        }
    }

    /// Reads a row of labelled fields, and records it.
    pub fn field_row(&mut self, row: &Row<'_>) {
        self.touch(row);
        self.fields.read_row(row);
        self.record_fields(row);
    }

    fn record_fields(&mut self, row: &Row<'_>) {
        let cells = row
            .cells()
            .iter()
            .map(|cell| {
                let role = if crate::fields::label(&cell.text).is_some()
                    || crate::fields::inline_label(&cell.text).is_some()
                {
                    CellRole::FieldLabel
                } else {
                    CellRole::FieldValue
                };
                (cell.col, role)
            })
            .collect();
        self.record(row, RowKind::Fields, cells);
    }

    /// Records `row` as a header row read under the columns now in force.
    pub fn record_header(&mut self, row: &Row<'_>) {
        let columns = self.columns.as_ref();
        let cells = row
            .cells()
            .iter()
            .map(|cell| {
                let column = columns.and_then(|columns| column_of(columns, cell.col));
                (cell.col, CellRole::Header(column))
            })
            .collect();
        self.record(row, RowKind::Header, cells);
    }

    fn record_by_columns(&mut self, row: &Row<'_>, kind: RowKind, columns: &Columns) {
        let cells = row
            .cells()
            .iter()
            .map(|cell| {
                let role = match kind {
                    RowKind::Skipped => CellRole::Ignored,
                    _ => CellRole::Indicator(column_of(columns, cell.col)),
                };
                (cell.col, role)
            })
            .collect();
        self.record(row, kind, cells);
    }

    fn record(&mut self, row: &Row<'_>, kind: RowKind, cells: Vec<(usize, CellRole)>) {
        self.rows.push(RowRead {
            grid: row.grid_index,
            row: row.index,
            kind,
            cells,
        });
    }

    /// Notes that `row` belongs to this table, for the table's location.
    pub fn touch(&mut self, row: &Row<'_>) {
        let location = row.location(None);
        if self.first.is_none() {
            self.first = Some(location.clone());
        }
        self.last = Some(location);
    }

    /// Starts the indicator section under `columns`.
    pub fn start_indicators(&mut self, columns: Columns) {
        self.level2 = vec![None; columns.sides.len()];
        self.level1 = None;
        self.signatures.push(columns.signature.clone());
        self.columns = Some(columns);
        self.phase = Phase::Indicators;
    }

    /// True when `columns` is a header this table has already read: a header repeated at the
    /// top of a continuation page.
    pub fn knows_header(&self, columns: &Columns) -> bool {
        if self.signatures.contains(&columns.signature) {
            return true;
        }
        // A list table's header reprinted on each page may carry stray text of a cell centred
        // across the break; the same columns in the same roles are the same header.
        self.columns
            .as_ref()
            .is_some_and(|known| known.is_list() && known.same_indicator_columns(columns))
    }

    /// True when `caption` is this list table's own caption printed again: a running header at
    /// the top of each page it spans, which continues it (every project of a list is a table
    /// of its own anyway).
    pub fn runs_under(&self, caption: &str) -> bool {
        self.phase == Phase::Indicators
            && self.columns.as_ref().is_some_and(Columns::is_list)
            && self.title.as_deref() == Some(caption)
    }

    /// True when the header was read and no indicator row has come yet: a second header row
    /// right below the first (`其中：` over `财政资金 | 其他资金`) completes it.
    pub fn awaits_first_row(&self) -> bool {
        self.phase == Phase::Indicators && self.indicators.is_empty()
    }

    /// A new grid continues the table (a page break the reader did not join): when its lattice
    /// has exactly the header's named columns side by side, the roles move onto it.
    pub fn enter_grid(&mut self, cols: usize, on_a_page: bool) {
        // Only a grid on a new page is a continuation whose lattice may differ; text copies
        // have no pages, and their grids keep the header's columns.
        if self.phase != Phase::Indicators || !on_a_page {
            return;
        }
        if let Some(squeezed) = self
            .columns
            .as_ref()
            .and_then(|columns| columns.squeezed(cols))
        {
            self.columns = Some(squeezed);
        }
    }

    /// Reads the rows below a repeated header by its own columns: the grid of a continuation
    /// page may have fewer columns than the first (a label column that stays on the first page).
    pub fn continue_with(&mut self, columns: Columns) {
        let Some(known) = &self.columns else {
            return;
        };
        if known.same_layout(&columns) && known.fields == columns.fields {
            return;
        }
        // A list header whose project cells caught stray text keeps the columns it had.
        if known.is_list() && known.same_indicator_columns(&columns) {
            return;
        }
        if known.sides.len() != columns.sides.len() {
            self.level2 = vec![None; columns.sides.len()];
        }
        self.columns = Some(columns);
    }

    /// Replaces the column map by the one read from a second header row, which sees the cells
    /// merged down from the first as well as its own.
    pub fn refine_header(&mut self, columns: Columns) {
        self.signatures.push(columns.signature.clone());
        self.level2 = vec![None; columns.sides.len()];
        self.columns = Some(columns);
    }

    /// Reads one indicator row: by the header's columns when the row fits them, by content when
    /// its cells have slid (see [`misfit`]).
    pub fn read_indicator_row(&mut self, row: &Row<'_>) {
        let Some(columns) = self.columns.clone() else {
            return;
        };
        self.touch(row);
        if self.indicators.is_empty() && self.read_subheader(row, &columns) {
            self.record_header(row);
            return;
        }
        if is_total_row(row) {
            self.record_by_columns(row, RowKind::Skipped, &columns);
            return;
        }
        // A labelled field below the indicators (备注, 其他说明) is a field, not the tail of the
        // last indicator.
        if let Some(first) = row.filled().next()
            && columns.role_at(first.col).is_none()
            && crate::fields::label(&first.text).is_some()
        {
            self.fields.read_row(row);
            self.record_fields(row);
            return;
        }
        let segment = columns
            .is_list()
            .then(|| self.segments.enter(row, &columns));
        let before = self.indicators.len();
        if columns.fused {
            self.read_fused_row(row, &columns);
        } else if let Some(reason) = misfit(row, &columns) {
            self.realign(row, &columns, &reason);
        } else {
            self.read_row_by_columns(row, &columns);
        }
        let added = self.indicators.len() - before;
        if let Some(segment) = segment {
            self.segment_of.extend(std::iter::repeat_n(segment, added));
        }
        self.record_by_columns(row, RowKind::Indicators { count: added }, &columns);
    }

    /// Reads a row whose cells stand in the header's columns.
    fn read_row_by_columns(&mut self, row: &Row<'_>, columns: &Columns) {
        // 一级: a new name starts a new group; an empty or merged slot continues the one above.
        // The cells that start inside the column's span: a continuation page whose lattice is
        // shifted may start the 一级 cell one column into the header's span.
        let level1_text = text::clean(&row.text_in(columns.level1.start, columns.level1.end));
        if !level1_text.is_empty() {
            self.start_level1(level1_text);
        }
        // 二级: a name on one side of a two-sided row also holds for a side that has none of
        // its own on that row (lossy copies often keep only one of the two).
        let own: Vec<String> = columns
            .sides
            .iter()
            .map(|side| {
                side.level2
                    .map(|span| text::clean(&row.text_in(span.start, span.end)))
                    .unwrap_or_default()
            })
            .collect();
        let shared = own.iter().find(|text| !text.is_empty()).cloned();
        for (side_index, (slot, text)) in self.level2.iter_mut().zip(&own).enumerate() {
            if !text.is_empty() {
                *slot = Some(text.clone());
            } else if let Some(shared) = &shared {
                *slot = Some(shared.clone());
            } else if blank_merged(row, columns.sides[side_index].level2) {
                // A 二级 cell merged over several rows and printed blank names no 二级: its rows
                // get none rather than the name of the block above.
                *slot = Some(String::new());
                self.warnings.push(
                    Diagnostic::new(
                        "level_missing",
                        format!(
                            "{}: the 二级指标 cell merged over these rows is blank; their 二级 is \
                             left empty",
                            row.describe()
                        ),
                    )
                    .at(row.location(columns.sides[side_index].level2.map(|span| span.start))),
                );
            }
        }

        for (side_index, side) in columns.sides.iter().enumerate() {
            let level3 = span_text(row, side.level3);
            let values: Vec<(String, bool)> = side
                .values
                .iter()
                .map(|column| {
                    span_text(
                        row,
                        Some(Span {
                            start: column.start,
                            end: column.end,
                        }),
                    )
                })
                .collect();
            let description = span_text(row, side.description);
            let basis = span_text(row, side.basis);
            let extras = extras(row, side);

            // A row whose 三级 and values are all empty is no indicator; neither is a row that
            // only continues merged cells from above (it says nothing new).
            let has_content =
                !level3.0.is_empty() || values.iter().any(|(text, _)| !text.is_empty());
            let says_something_new = level3.1
                || values
                    .iter()
                    .any(|(text, fresh)| *fresh && !text.is_empty())
                || description.1
                || basis.1;
            if !has_content || !says_something_new {
                continue;
            }

            // A placeholder row (`-` | `/`) under a 二级 name says nothing.
            if is_placeholder(&level3.0) && values.iter().all(|(text, _)| is_placeholder(text)) {
                continue;
            }

            let level2_raw = self.level2.get(side_index).cloned().flatten();
            let mut indicator = self.indicator(
                row,
                side,
                level2_raw,
                level3.0,
                description.0,
                basis.0,
                values,
            );
            apply_extras(&mut indicator, extras);
            self.indicators.push(indicator);
            self.origins.push((side_index, (row.grid_index, row.index)));
        }
    }

    /// Reads a row of a form whose one column fuses 一级, 二级 and 三级
    /// (`产出指标数量指标城镇新增就业`): the names are split off by the vocabulary.
    fn read_fused_row(&mut self, row: &Row<'_>, columns: &Columns) {
        let Some(side) = columns.sides.first() else {
            return;
        };
        let (fused, fresh) = span_text(row, side.level3);
        if fused.is_empty() || !fresh {
            return;
        }
        let (level1, level2, level3) = crate::vocab::split_fused(&fused);
        if level1.is_none() && level2.is_none() {
            self.warnings.push(
                Diagnostic::new(
                    "level_missing",
                    format!(
                        "{}: the 绩效指标 cell {fused} starts with no 一级 or 二级 name; it is kept \
                         whole as the 三级指标",
                        row.describe()
                    ),
                )
                .at(row.location(side.level3.map(|span| span.start))),
            );
        }
        self.level1 = level1;
        if let Some(slot) = self.level2.first_mut() {
            *slot = level2.clone();
        }
        let values: Vec<(String, bool)> = side
            .values
            .iter()
            .map(|column| {
                span_text(
                    row,
                    Some(Span {
                        start: column.start,
                        end: column.end,
                    }),
                )
            })
            .collect();
        let extras = extras(row, side);
        let description = span_text(row, side.description);
        let basis = span_text(row, side.basis);
        let mut indicator =
            self.indicator(row, side, level2, level3, description.0, basis.0, values);
        apply_extras(&mut indicator, extras);
        self.indicators.push(indicator);
        self.origins.push((0, (row.grid_index, row.index)));
    }

    /// True when `row` opens a new set of indicators (产出 or 决策 again after 效益 or 满意度):
    /// a second table whose header and fields were lost, as happens when a lossy copy drops
    /// a page.
    pub fn restarts(&self, row: &Row<'_>) -> bool {
        // In a list table each project starts where its name cell does, and a fused form lists
        // its indicators by activity, so 产出 after 效益 starts nothing there.
        if self
            .columns
            .as_ref()
            .is_some_and(|columns| columns.is_list() || columns.fused)
        {
            return false;
        }
        let past_outputs = self
            .indicators
            .iter()
            .any(|indicator| matches!(indicator.level1.as_str(), "效益指标" | "满意度指标"));
        past_outputs
            && matches!(
                row.filled()
                    .find_map(|cell| vocab::level1_loose(&cell.text)),
                Some("产出指标" | "决策" | "完成指标")
            )
    }

    /// In a two-sided table where no row fills both sides, indicators in the 中长期 columns
    /// are 年度 rows that slid left (a lossy copy dropped their empty cells): they are given
    /// the 年度 columns' labels, with one warning.
    fn reassign_sides(&mut self, columns: &Columns) {
        if columns.sides.len() != 2 {
            return;
        }
        let rows_of = |side: usize| -> Vec<(usize, usize)> {
            self.origins
                .iter()
                .filter(|(at, _)| *at == side)
                .map(|(_, row)| *row)
                .collect()
        };
        let (first, second) = (rows_of(0), rows_of(1));
        if first.is_empty() || second.is_empty() || first.iter().any(|row| second.contains(row)) {
            return;
        }
        let annual = &columns.sides[1].values;
        let mut moved = 0;
        for (indicator, (side, _)) in self.indicators.iter_mut().zip(&self.origins) {
            if *side != 0 {
                continue;
            }
            for (value, column) in indicator.values.iter_mut().zip(annual) {
                value.label = column.label.clone();
                value.period = column.period;
            }
            moved += 1;
        }
        self.warnings.push(Diagnostic::new(
            "side_reassigned",
            format!(
                "{moved} indicators stood in the 中长期 columns while others stood in the 年度 \
                 columns and no row filled both: the cells slid, and they were read as 年度"
            ),
        ));
    }

    /// Adds a warning to the table.
    pub fn warn(&mut self, diagnostic: Diagnostic) {
        self.warnings.push(diagnostic);
    }

    fn start_level1(&mut self, text: String) {
        // The same 一级 printed again (at the top of a page, over a merged cell cut by the
        // break) starts no new group: the 二级 in force stays.
        if self.level1.as_deref() == Some(text.as_str()) {
            return;
        }
        self.level1 = Some(text);
        for level2 in &mut self.level2 {
            *level2 = None;
        }
    }

    /// A second header row that names the value columns' periods (`半年 | 全年` under a merged
    /// `指标值`): refines the value columns instead of being read as an indicator.
    fn read_subheader(&mut self, row: &Row<'_>, columns: &Columns) -> bool {
        let mut subs: Vec<(usize, usize, usize, usize, String)> = Vec::new();
        for cell in row.filled() {
            let key = text::key(&cell.text);
            let Some(ColumnRole::Value(side, index)) = columns.role_at(cell.col) else {
                return false;
            };
            if header::period_of(&key).is_none() && !key.contains("指标值") {
                return false;
            }
            subs.push((side, index, cell.col, cell.col + cell.col_span, key));
        }
        if subs.is_empty() {
            return false;
        }
        let mut refined = columns.clone();
        for (side_index, side) in refined.sides.iter_mut().enumerate() {
            let mut values = Vec::new();
            for (index, parent) in columns.sides[side_index].values.iter().enumerate() {
                let mut children = subs
                    .iter()
                    .filter(|sub| sub.0 == side_index && sub.1 == index)
                    .peekable();
                if children.peek().is_none() {
                    values.push(parent.clone());
                    continue;
                }
                for (_, _, start, end, key) in children {
                    let label = if key.contains("指标值") {
                        key.clone()
                    } else {
                        format!("{key}{}", parent.label)
                    };
                    values.push(header::ValueColumn {
                        start: *start,
                        end: (*end).min(parent.end).max(*start + 1),
                        period: header::period_of(key).or(parent.period),
                        label,
                    });
                }
            }
            side.values = values;
        }
        self.columns = Some(refined);
        true
    }

    /// Reads a row whose cells slid out of their columns, by content: vocabulary names place
    /// themselves as 一级 / 二级; of the remaining cells the last ones are the values and the one
    /// before them the 三级指标; a single remaining cell continues the indicator above (a
    /// wrapped value or 三级 text) unless the row starts a new group. The indicator goes to the
    /// last side of a two-sided table (年度), the side these tables fill.
    fn realign(&mut self, row: &Row<'_>, columns: &Columns, reason: &str) {
        let Some(side_index) = columns.sides.len().checked_sub(1) else {
            return;
        };
        let side = columns.sides[side_index].clone();
        let mut new_level1: Option<String> = None;
        let mut new_level2: Option<String> = None;
        let mut remaining: Vec<(usize, String)> = Vec::new();
        for cell in row.filled() {
            let text = text::clean(&cell.text);
            if is_side_label(&text) {
                continue;
            }
            match (vocab::level1_loose(&text), vocab::level2_loose(&text)) {
                (Some(_), None) => {
                    new_level1.get_or_insert(text);
                }
                (None, Some(_)) => {
                    new_level2.get_or_insert(text);
                }
                (Some(_), Some(_)) => {
                    // 成本指标 is a 一级 of the 2021 framework and a 二级 of the older one: it is
                    // the 一级 when it opens the row at the 一级 column or left of it.
                    if new_level1.is_none()
                        && new_level2.is_none()
                        && cell.col <= columns.level1.start
                    {
                        new_level1 = Some(text);
                    } else {
                        new_level2.get_or_insert(text);
                    }
                }
                (None, None) => remaining.push((cell.col, text)),
            }
        }
        let starts_group = new_level1.is_some() || new_level2.is_some();
        if let Some(level1) = new_level1 {
            self.start_level1(level1);
        }
        if let Some(level2) = new_level2 {
            for slot in &mut self.level2 {
                *slot = Some(level2.clone());
            }
        }

        let value_count = side.values.len();
        match remaining.len() {
            0 => {}
            1 if !starts_group && !self.indicators.is_empty() => {
                let Some((col, text)) = remaining.pop() else {
                    return;
                };
                self.continue_above(row, columns, col, &text, reason);
            }
            count => {
                let values_taken = value_count.min(count.saturating_sub(1));
                let level3_at = count - values_taken - 1;
                let extras: Vec<String> = remaining[..level3_at]
                    .iter()
                    .map(|(_, text)| text.clone())
                    .collect();
                let level3 = remaining[level3_at].1.clone();
                let mut values: Vec<(String, bool)> = remaining[level3_at + 1..]
                    .iter()
                    .map(|(_, text)| (text.clone(), true))
                    .collect();
                values.resize(value_count, (String::new(), false));
                let read_as = if values_taken == 0 {
                    format!("三级指标 {level3} with no value")
                } else {
                    format!(
                        "三级指标 {level3}, value {}",
                        values
                            .iter()
                            .map(|(text, _)| text.as_str())
                            .filter(|text| !text.is_empty())
                            .collect::<Vec<_>>()
                            .join(" / ")
                    )
                };
                self.warnings.push(
                    Diagnostic::new(
                        "row_realigned",
                        format!("{}: {reason}; read by content as {read_as}", row.describe()),
                    )
                    .at(row.location(None)),
                );
                if !extras.is_empty() {
                    self.warnings.push(
                        Diagnostic::loss(
                            "cells_unplaced",
                            format!(
                                "{}: no column could be found for {}; left out of the indicator",
                                row.describe(),
                                extras.join(" | ")
                            ),
                        )
                        .at(row.location(None)),
                    );
                }
                let level2_raw = self.level2.get(side_index).cloned().flatten();
                let indicator = self.indicator(
                    row,
                    &side,
                    level2_raw,
                    level3,
                    String::new(),
                    String::new(),
                    values,
                );
                self.indicators.push(indicator);
                self.origins.push((side_index, (row.grid_index, row.index)));
            }
        }
    }

    /// Appends a lone cell to the indicator above: to its value when the cell sits in a value
    /// column, to its 三级指标 otherwise.
    fn continue_above(
        &mut self,
        row: &Row<'_>,
        columns: &Columns,
        col: usize,
        text: &str,
        reason: &str,
    ) {
        let Some(last) = self.indicators.last_mut() else {
            return;
        };
        let into_value = matches!(columns.role_at(col), Some(ColumnRole::Value(..)) | None)
            && !last.values.is_empty();
        let what = if into_value {
            if let Some(value) = last
                .values
                .iter_mut()
                .rev()
                .find(|value| !value.raw.is_empty())
            {
                value.raw.push_str(text);
                value.parsed = value::parse(&value.raw);
            } else if let Some(value) = last.values.first_mut() {
                value.raw = text.to_string();
                value.parsed = value::parse(&value.raw);
            }
            "value"
        } else {
            last.level3.push_str(text);
            "三级指标"
        };
        self.warnings.push(
            Diagnostic::new(
                "row_continued",
                format!(
                    "{}: {reason}; the lone cell {text} was read as the rest of the {what} above",
                    row.describe()
                ),
            )
            .at(row.location(Some(col))),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn indicator(
        &mut self,
        row: &Row<'_>,
        side: &Side,
        level2_raw: Option<String>,
        level3: String,
        description: String,
        basis: String,
        values: Vec<(String, bool)>,
    ) -> Indicator {
        let level1_raw = self.level1.clone();
        let level1_canonical = level1_raw.as_deref().and_then(vocab::level1_loose);
        let level2_canonical = level2_raw.as_deref().and_then(vocab::level2_loose);
        self.warn_unknown(
            row,
            level1_raw.as_deref(),
            level1_canonical.is_some(),
            "一级指标",
        );
        self.warn_unknown(
            row,
            level2_raw.as_deref(),
            level2_canonical.is_some(),
            "二级指标",
        );

        let mut level1 = level1_canonical
            .map(str::to_string)
            .or_else(|| level1_raw.clone())
            .or_else(|| {
                level2_canonical
                    .and_then(|name| vocab::parents(name).first())
                    .map(|name| name.to_string())
            })
            .unwrap_or_default();
        // A 一级 with no 二级 cell of its own (成本指标 in the 2021 framework): 二级 repeats it.
        let level2 = level2_canonical
            .map(str::to_string)
            .or_else(|| level2_raw.clone())
            .unwrap_or_else(|| level1.clone());

        if let Some(name) = level2_canonical {
            let parents = vocab::parents(name);
            if let Some(&preferred) = parents.first()
                && !parents.contains(&level1.as_str())
            {
                self.warnings.push(
                    Diagnostic::new(
                        "level1_corrected",
                        format!(
                            "{}: {name} sits under {level1} in the layout, which cannot hold it; it was \
                             placed under {preferred}",
                            row.describe()
                        ),
                    )
                    .at(row.location(side.level2.map(|span| span.start))),
                );
                level1 = preferred.to_string();
            }
        }

        if level1.is_empty() && !self.warned_missing_level {
            self.warned_missing_level = true;
            self.warnings.push(
                Diagnostic::loss(
                    "level_missing",
                    format!(
                        "{}: the 一级 and 二级 names of this row and those below it were lost in the \
                         copy; they are left empty",
                        row.describe()
                    ),
                )
                .at(row.location(None)),
            );
        }
        let values = side
            .values
            .iter()
            .zip(values)
            .map(|(column, (raw, _))| Value {
                label: column.label.clone(),
                period: column.period,
                parsed: value::parse(&raw),
                raw,
            })
            .collect();

        Indicator {
            level1_raw: level1_raw.filter(|raw| *raw != level1),
            level2_raw: level2_raw.filter(|raw| *raw != level2),
            level1,
            level2,
            level3,
            description: Some(description).filter(|text| !text.is_empty()),
            basis: Some(basis).filter(|text| !text.is_empty()),
            values,
            extra: Extra::default(),
            location: row.location(side.level3.map(|span| span.start)),
        }
    }

    fn warn_unknown(&mut self, row: &Row<'_>, raw: Option<&str>, known: bool, what: &str) {
        let Some(raw) = raw else {
            return;
        };
        if known || self.warned_unknown.iter().any(|seen| seen == raw) {
            return;
        }
        self.warned_unknown.push(raw.to_string());
        self.warnings.push(
            Diagnostic::new(
                "unknown_name",
                format!(
                    "{}: the {what} {raw} is not in the vocabulary; it is kept as written",
                    row.describe()
                ),
            )
            .at(row.location(None)),
        );
    }

    /// The finished tables: none when the rows never showed an indicator header, one per
    /// project block of a list table, else one.
    pub fn finish(mut self) -> Vec<Table> {
        let Some(columns) = self.columns.clone() else {
            return Vec::new();
        };
        self.reassign_sides(&columns);
        let kind = self.kind(&columns);
        let mut project = self.fields.project.clone();
        if project.unit.is_none() {
            project.unit = project.implementer.clone();
        }
        if project.name.is_none()
            && !columns.is_list()
            && let Some(name) = self.title.as_deref().and_then(name_from_title)
        {
            // Forms with no 项目名称 cell name the project only in their caption.
            self.warnings.push(Diagnostic::new(
                "field_doubtful",
                format!(
                    "the table has no 项目名称 cell; its name {name} was taken from the caption"
                ),
            ));
            project.name = Some(name);
        }
        let location = span_location(self.first.clone(), self.last.clone());
        // The fields' own warnings come first: the fields sit above the indicators.
        let mut warnings = self.fields.take_warnings();
        warnings.append(&mut self.warnings);
        self.warnings = warnings;
        let table = Table {
            kind,
            title: self.title.clone(),
            budget: self.fields.budget(),
            project,
            spending_plan: std::mem::take(&mut self.fields.spending_plan),
            goals: std::mem::take(&mut self.fields.goals),
            tasks: std::mem::take(&mut self.fields.tasks),
            indicators: Vec::new(),
            warnings: Vec::new(),
            location,
            rows: Vec::new(),
        };
        if !columns.is_list() {
            return vec![Table {
                indicators: self.indicators,
                warnings: self.warnings,
                rows: self.rows,
                ..table
            }];
        }
        let rows = std::mem::take(&mut self.rows);
        let mut tables = self.split_list(table);
        give_rows(&mut tables, rows);
        tables
    }

    /// The tables of a list table: one per project, its fields read from the merged cells
    /// beside its rows; each warning goes to the project whose rows it is about.
    fn split_list(self, template: Table) -> Vec<Table> {
        let groups = self.segments.projects();
        let mut tables: Vec<Table> = Vec::new();
        let mut owner = vec![usize::MAX; self.segments.segments.len()];
        for (group_index, group) in groups.iter().enumerate() {
            for &segment in group {
                owner[segment] = group_index;
            }
        }
        let mut per_group: Vec<Vec<Indicator>> = vec![Vec::new(); groups.len()];
        for (indicator, segment) in self.indicators.into_iter().zip(&self.segment_of) {
            if let Some(&group) = owner.get(*segment)
                && group < per_group.len()
            {
                per_group[group].push(indicator);
            }
        }
        let mut group_of_table = Vec::new();
        for (group_index, (group, indicators)) in groups.iter().zip(per_group).enumerate() {
            if indicators.is_empty() {
                continue;
            }
            let segments: Vec<&list::Segment> = group
                .iter()
                .map(|&index| &self.segments.segments[index])
                .collect();
            let name = list::group_name(&segments);
            let (code, name) = match name {
                Some(name) => {
                    let (code, name) = list::split_code(&name);
                    (code, Some(name))
                }
                None => (None, None),
            };
            let mut project = template.project.clone();
            project.name = name.or(project.name);
            project.code = code
                .or_else(|| segments.iter().find_map(|segment| segment.code.clone()))
                .or(project.code);
            if let Some(unit) = segments.iter().find_map(|segment| segment.unit.clone()) {
                project.unit = Some(unit);
            }
            let sum = |get: fn(&list::Segment) -> Option<f64>| {
                segments
                    .iter()
                    .filter_map(|segment| get(segment))
                    .reduce(|a, b| a + b)
            };
            let (total, fiscal, other) = (
                sum(|segment| segment.total),
                sum(|segment| segment.fiscal),
                sum(|segment| segment.other),
            );
            let budget = if total.is_some() || fiscal.is_some() || other.is_some() {
                let unit = template
                    .budget
                    .as_ref()
                    .map(|budget| budget.unit.clone())
                    .unwrap_or_else(|| "万元".to_string());
                Some(Budget {
                    unit,
                    total: total.or_else(|| fiscal.map(|fiscal| fiscal + other.unwrap_or(0.0))),
                    fiscal,
                    other,
                    ..Budget::default()
                })
            } else {
                template.budget.clone()
            };
            let goals = list::group_goals(&segments);
            let first = segments.iter().find_map(|segment| segment.first.clone());
            let last = segments
                .iter()
                .rev()
                .find_map(|segment| segment.last.clone());
            group_of_table.push(group_index);
            tables.push(Table {
                project,
                budget,
                goals: if goals.is_empty() {
                    template.goals.clone()
                } else {
                    Goals {
                        overall: goals,
                        ..Goals::default()
                    }
                },
                indicators,
                location: span_location(first, last),
                ..template.clone()
            });
        }
        // Warnings go to the project whose rows they point at; the rest to the first table.
        for warning in self.warnings {
            let at = warning
                .location
                .as_ref()
                .and_then(|location| Some((location.grid? as usize, location.row? as usize)));
            let group = at.and_then(|at| {
                self.segments
                    .segments
                    .iter()
                    .position(|segment| segment.rows.contains(&at))
                    .map(|segment| owner[segment])
            });
            let table = group
                .and_then(|group| group_of_table.iter().position(|found| *found == group))
                .unwrap_or(0);
            if let Some(table) = tables.get_mut(table) {
                table.warnings.push(warning);
            }
        }
        tables
    }

    /// What the table is: a self-evaluation or monitoring table by its columns or caption,
    /// else a department table by its name field or caption, else a project table.
    fn kind(&self, columns: &Columns) -> TableKind {
        let title = self.title.as_deref().unwrap_or("");
        if columns.is_self_evaluation() || title.contains("自评") {
            TableKind::SelfEvaluation
        } else if columns.is_monitoring() || title.contains("监控") {
            TableKind::Monitoring
        } else if self.fields.department || title.contains("部门整体") || title.contains("整体支出")
        {
            TableKind::Department
        } else {
            TableKind::Project
        }
    }
}

/// The project a caption names: `市级机关保留公务用车委托管理费项目绩效目标表` →
/// `市级机关保留公务用车委托管理费项目`. Captions that name no project (`2025年项目支出绩效目标表`,
/// `（二）绩效目标表及说明`) give none.
fn name_from_title(title: &str) -> Option<String> {
    let key = text::key(title);
    let body = key.trim_start_matches(|c: char| {
        c.is_ascii_digit() || matches!(c, '、' | '.' | '(' | ')' | '一' | '二' | '三' | '四' | '五')
    });
    let name = [
        "项目支出绩效目标表",
        "绩效目标表",
        "绩效自评表",
        "绩效目标申报表",
    ]
    .iter()
    .find_map(|suffix| body.strip_suffix(suffix))?;
    let generic = name.chars().count() < 4
        || name.ends_with('年')
        || name.ends_with("年度")
        || [
            "预算",
            "部门整体",
            "整体支出",
            "专项资金",
            "政策和项目",
            "部门",
        ]
        .iter()
        .any(|word| name.contains(word));
    (!generic).then(|| name.to_string())
}

/// The column a header names at `col`, in the terms of [`Column`].
fn column_of(columns: &Columns, col: usize) -> Option<Column> {
    columns.role_at(col).map(|role| match role {
        ColumnRole::Level1 if columns.fused => Column::Level3,
        ColumnRole::Level1 => Column::Level1,
        ColumnRole::Level2(_) => Column::Level2,
        ColumnRole::Level3(_) => Column::Level3,
        ColumnRole::Description(_) => Column::Description,
        ColumnRole::Basis(_) => Column::Basis,
        ColumnRole::Value(..) => Column::Value,
        ColumnRole::Extra(..) => Column::Extra,
        ColumnRole::Field(_) => Column::Project,
        ColumnRole::Ignored => Column::Ignored,
    })
}

/// Shares a list table's rows among the tables split from it: an indicator row goes to the
/// table holding an indicator read from it, a continuation row to the table of the row above,
/// and the header and field rows before the first indicator to the first table.
fn give_rows(tables: &mut [Table], rows: Vec<RowRead>) {
    let mut owner = 0;
    for row in rows {
        if let RowKind::Indicators { count } = row.kind
            && count > 0
            && let Some(found) = tables.iter().position(|table| {
                table.indicators.iter().any(|indicator| {
                    indicator.location.grid == Some(row.grid as u32)
                        && indicator.location.row == Some(row.row as u32)
                })
            })
        {
            owner = found;
        }
        if let Some(table) = tables.get_mut(owner) {
            table.rows.push(row);
        }
    }
}

/// A table's location from its first and last rows.
fn span_location(first: Option<Location>, last: Option<Location>) -> Location {
    match (first, last) {
        (Some(mut first), Some(last)) => {
            if last.page != first.page {
                first.page_end = last.page_end.or(last.page);
            }
            if last.line != first.line {
                first.line_end = last.line_end.or(last.line);
            }
            first.col = None;
            first
        }
        (first, _) => first.unwrap_or_default(),
    }
}

/// True when the column's cell on `row` is an empty cell merged over several rows.
fn blank_merged(row: &Row<'_>, span: Option<Span>) -> bool {
    span.is_some_and(|span| {
        matches!(row.at(span.start), At::Origin(cell) if cell.row_span > 1 && text::is_empty(&cell.text))
    })
}

/// True for a row that closes a table or a block rather than naming an indicator: 总分, 合计.
fn is_total_row(row: &Row<'_>) -> bool {
    row.filled().next().is_some_and(|cell| {
        matches!(
            text::key(&cell.text).as_str(),
            "总分" | "合计" | "总计" | "合计分值" | "总分值"
        )
    })
}

/// A cell that only holds a placeholder: `-`, `/`, `无`, `不适用`, `—`.
fn is_placeholder(text: &str) -> bool {
    matches!(
        text::key(text).as_str(),
        "" | "-" | "/" | "—" | "--" | "——" | "无" | "不适用" | "\\"
    )
}

/// The texts of a side's extra columns on `row` (merged cells count on every row they cover).
fn extras(row: &Row<'_>, side: &Side) -> Vec<(ExtraKind, String)> {
    side.extras
        .iter()
        .map(|(kind, span)| (*kind, span_text(row, Some(*span)).0))
        .collect()
}

/// Fills an indicator's extra fields; where 指标性质 and 度量单位 stand apart from the value,
/// the value's parse combines the three (`≥` | `95` | `%` → ≥95%).
fn apply_extras(indicator: &mut Indicator, extras: Vec<(ExtraKind, String)>) {
    for (kind, text) in extras {
        let slot = match kind {
            ExtraKind::Nature => &mut indicator.extra.nature,
            ExtraKind::Unit => &mut indicator.extra.unit,
            ExtraKind::Weight => &mut indicator.extra.weight,
            ExtraKind::Score => &mut indicator.extra.score,
            ExtraKind::Scoring => &mut indicator.extra.scoring,
            ExtraKind::Standard => &mut indicator.extra.standard,
            ExtraKind::Deviation => &mut indicator.extra.deviation,
        };
        *slot = Some(text).filter(|text| !text.is_empty());
    }
    let op = indicator
        .extra
        .nature
        .as_deref()
        .map(text::key)
        .filter(|nature| is_operator(nature));
    let unit = indicator.extra.unit.as_deref().map(text::key);
    if op.is_none() && unit.is_none() {
        return;
    }
    for value in &mut indicator.values {
        if value.raw.is_empty() {
            continue;
        }
        let combined = format!(
            "{}{}{}",
            op.as_deref().unwrap_or(""),
            value.raw,
            unit.as_deref().unwrap_or("")
        );
        value.parsed = value::parse(&combined);
    }
}

/// True for a 指标性质 that is a comparison (`≥`, `＝`, `>=`), not a kind (`定性`, `定量`).
fn is_operator(nature: &str) -> bool {
    !nature.is_empty()
        && nature
            .chars()
            .all(|c| matches!(c, '≥' | '≤' | '=' | '>' | '<' | '≧' | '≦' | '≠'))
}

/// The text of a column range on a row, and whether it starts on this row (`true`) or is
/// carried from a merged cell above or to the left (`false`).
fn span_text(row: &Row<'_>, span: Option<Span>) -> (String, bool) {
    let Some(span) = span else {
        return (String::new(), false);
    };
    let own = text::clean(&row.text_in(span.start, span.end));
    if !own.is_empty() {
        return (own, true);
    }
    match row.at(span.start) {
        At::Below(cell) | At::Right(cell) => (text::clean(&cell.text), false),
        At::Origin(_) | At::Empty => (String::new(), false),
    }
}

/// Column labels that sit left of the 一级 column in some templates (绩效指标, 年度绩效指标).
fn is_side_label(text: &str) -> bool {
    matches!(
        text::key(text).as_str(),
        "绩效指标"
            | "年度绩效指标"
            | "本年度绩效指标"
            | "绩效目标"
            | "年度绩效目标"
            | "绩效目标指标"
            | "绩效指标名称"
    )
}

/// Why a row cannot be read by the header's columns, if it cannot: its cells slid when a
/// lossy converter dropped empty merged cells. The signs are content that cannot be where it
/// is: a cell outside every header column, an indicator name in a 三级 or value column, a
/// value with no 三级指标 beside it, or a 二级 column holding text that is no 二级 name while the
/// value column stays empty (the 三级 and value moved one column left).
fn misfit(row: &Row<'_>, columns: &Columns) -> Option<String> {
    for cell in row.filled() {
        let text = text::clean(&cell.text);
        match columns.role_at(cell.col) {
            None if is_side_label(&text) => {}
            None => return Some(format!("{text} lies outside the header's columns")),
            // A 二级 name in the 一级 column, or a pure 一级 name in a 二级 column, has slid.
            Some(ColumnRole::Level1) => {
                if vocab::level1_loose(&text).is_none() && vocab::level2_loose(&text).is_some() {
                    return Some(format!("the 二级 name {text} sits in the 一级 column"));
                }
            }
            Some(ColumnRole::Level2(_)) => {
                if vocab::level1_loose(&text).is_some() && vocab::level2_loose(&text).is_none() {
                    return Some(format!("the 一级 name {text} sits in a 二级 column"));
                }
            }
            Some(
                ColumnRole::Description(_)
                | ColumnRole::Basis(_)
                | ColumnRole::Extra(..)
                | ColumnRole::Field(_)
                | ColumnRole::Ignored,
            ) => {}
            // A 三级指标 may well be called 服务对象满意度; it is only out of place when the 二级
            // column beside it is empty, so the name belongs there.
            Some(ColumnRole::Level3(side)) => {
                let level2_empty = columns.sides[side]
                    .level2
                    .is_none_or(|span| text::is_empty(&row.text_in(span.start, span.end)));
                if level2_empty && vocab::is_vocabulary_name(&text) {
                    return Some(format!("the indicator name {text} sits in the 三级 column"));
                }
            }
            // A value may be a vocabulary word (`满意度`); a full 一级 / 二级 name has slid.
            Some(ColumnRole::Value(..)) => {
                if vocab::is_vocabulary_name(&text) && text::key(&text).ends_with("指标") {
                    return Some(format!("the indicator name {text} sits in a value column"));
                }
            }
        }
    }
    for side in &columns.sides {
        let level3 = side
            .level3
            .map(|span| text::clean(&row.text_in(span.start, span.end)))
            .unwrap_or_default();
        let level3_carried = side
            .level3
            .is_some_and(|span| matches!(row.at(span.start), At::Below(_)));
        let values_filled = side
            .values
            .iter()
            .any(|value| !text::is_empty(&row.text_in(value.start, value.end)));
        if side.level3.is_some() && values_filled && level3.is_empty() && !level3_carried {
            return Some("a value has no 三级指标 beside it".to_string());
        }
        if let Some(span) = side.level2 {
            let level2 = text::clean(&row.text_in(span.start, span.end));
            if !level2.is_empty()
                && vocab::level2_loose(&level2).is_none()
                && !values_filled
                && !level3.is_empty()
            {
                return Some(format!(
                    "{level2} is in the 二级 column but is no 二级 name, and the value column is empty"
                ));
            }
        }
    }
    None
}
