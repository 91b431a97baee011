//! Finding the indicator header row (`一级指标 | 二级指标 | 三级指标 | … | 指标值 | …`) by
//! content, whatever the column count, and mapping each column to its role.

use crate::model::Period;
use crate::rows::{At, Row};
use crate::text::key;

/// One value column: where it is and what its header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueColumn {
    pub start: usize,
    pub end: usize,
    /// The header text, NFKC-normalised, whitespace removed.
    pub label: String,
    pub period: Option<Period>,
}

/// A column range of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// A column that some forms give an indicator beside its values, kept as written in the
/// indicator field of the same name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtraKind {
    /// 指标性质 / 指标值类型 / 指标方向 / 计算符号.
    Nature,
    /// 度量单位 / 计量单位.
    Unit,
    /// 分值 / 权重.
    Weight,
    /// 得分.
    Score,
    /// 评(扣)分标准.
    Scoring,
    /// 绩效标准.
    Standard,
    /// 偏差原因分析及改进措施.
    Deviation,
}

/// The columns of one set of indicators. Two-sided tables (中长期 | 年度) have two sides that
/// share the 一级 column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    pub level2: Option<Span>,
    pub level3: Option<Span>,
    pub description: Option<Span>,
    pub basis: Option<Span>,
    pub values: Vec<ValueColumn>,
    /// Columns of their own for 指标性质, 度量单位, 分值, 得分…
    pub extras: Vec<(ExtraKind, Span)>,
}

/// A column of a list table that holds a project's fields beside its indicator rows
/// (项目名称 | 项目总额 | 财政资金 | 其他资金 | 绩效目标 | 一级指标 | …), merged down the project's
/// rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListField {
    /// 项目名称 / 单位（项目）名称.
    Name,
    /// 单位名称 / 部门名称: the project's unit, or the name when no column names the project.
    UnitName,
    /// 单位编码 / 项目编码.
    Code,
    /// 项目总额 / 资金总额 / 年度资金总额.
    Total,
    /// 财政资金 / 财政拨款.
    Fiscal,
    /// 其他资金.
    Other,
    /// 绩效目标 / 年度绩效目标.
    Goal,
}

/// The column map read from a header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub level1: Span,
    pub sides: Vec<Side>,
    /// The header's cell keys, to recognise a header repeated on a continuation page.
    pub signature: Vec<String>,
    /// Project columns of a list table, left of the indicator columns.
    pub fields: Vec<(ListField, Span)>,
    /// Columns a header names that hold neither a level nor a value (备注, 活动, 指标解释 when
    /// another column is the description…): their cells are neither read nor a sign that a
    /// row slid.
    pub ignored: Vec<Span>,
    /// True when one column holds 一级, 二级 and 三级 run together (`产出指标数量指标城镇新增就业`):
    /// `level1` is that column, and the names are split off by the vocabulary.
    pub fused: bool,
    /// The column count of the grid the header was read from.
    pub grid_cols: usize,
}

/// What a column of the grid holds under a header, with the side it belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnRole {
    Level1,
    Level2(usize),
    Level3(usize),
    Description(usize),
    Basis(usize),
    /// Side, then index among the side's value columns.
    Value(usize, usize),
    Extra(usize, ExtraKind),
    Field(ListField),
    Ignored,
}

impl Span {
    fn contains(&self, col: usize) -> bool {
        (self.start..self.end).contains(&col)
    }
}

impl Columns {
    /// The role of grid column `col`, or `None` for a column no header cell names (a side
    /// label such as 绩效指标, or a column past the header).
    pub fn role_at(&self, col: usize) -> Option<ColumnRole> {
        if self.level1.contains(col) {
            return Some(ColumnRole::Level1);
        }
        for (index, side) in self.sides.iter().enumerate() {
            let within = |span: Option<Span>| span.is_some_and(|span| span.contains(col));
            if within(side.level2) {
                return Some(ColumnRole::Level2(index));
            }
            if within(side.level3) {
                return Some(ColumnRole::Level3(index));
            }
            if within(side.description) {
                return Some(ColumnRole::Description(index));
            }
            if within(side.basis) {
                return Some(ColumnRole::Basis(index));
            }
            if let Some(value) = side
                .values
                .iter()
                .position(|value| (value.start..value.end).contains(&col))
            {
                return Some(ColumnRole::Value(index, value));
            }
            if let Some((kind, _)) = side.extras.iter().find(|(_, span)| span.contains(col)) {
                return Some(ColumnRole::Extra(index, *kind));
            }
        }
        if let Some((field, _)) = self.fields.iter().find(|(_, span)| span.contains(col)) {
            return Some(ColumnRole::Field(*field));
        }
        if self.ignored.iter().any(|span| span.contains(col)) {
            return Some(ColumnRole::Ignored);
        }
        None
    }

    /// The span of a list table's project column.
    pub fn field(&self, field: ListField) -> Option<Span> {
        self.fields
            .iter()
            .find(|(found, _)| *found == field)
            .map(|(_, span)| *span)
    }

    /// True when the header names a project column beside the indicators: one table holds
    /// many projects, one block of rows each.
    pub fn is_list(&self) -> bool {
        self.field(ListField::Name).is_some() || self.field(ListField::UnitName).is_some()
    }

    /// True when `other` puts every role in the same columns: the header of a continuation page
    /// whose cells carry stray text (a label centred across the page break lands in it).
    pub fn same_layout(&self, other: &Columns) -> bool {
        self.same_indicator_columns(other)
            && self.field(ListField::Name) == other.field(ListField::Name)
    }

    /// True when `other` puts the indicator columns (levels, values and the columns beside
    /// them) where these are, on a grid as wide: a list header reprinted at a page top whose
    /// project cells caught so much stray text of a name or goal centred across the break that
    /// they no longer read as labels (`”综合调度信息平台…运项行目服…`).
    pub fn same_indicator_columns(&self, other: &Columns) -> bool {
        let spans = |columns: &Columns| {
            columns
                .sides
                .iter()
                .map(|side| {
                    (
                        side.level2,
                        side.level3,
                        side.description,
                        side.basis,
                        side.values
                            .iter()
                            .map(|value| (value.start, value.end))
                            .collect::<Vec<_>>(),
                        side.extras.clone(),
                    )
                })
                .collect::<Vec<_>>()
        };
        self.level1 == other.level1
            && self.fused == other.fused
            && self.grid_cols == other.grid_cols
            && spans(self) == spans(other)
    }

    /// The same roles laid on a grid of `cols` columns that holds exactly the named columns
    /// side by side: a continuation page whose lattice dropped a label column and the merges
    /// of the first page. `None` when the counts do not match.
    pub fn squeezed(&self, cols: usize) -> Option<Columns> {
        let mut starts: Vec<usize> = std::iter::once(self.level1.start)
            .chain(self.sides.iter().flat_map(|side| {
                [side.level2, side.level3, side.description, side.basis]
                    .into_iter()
                    .flatten()
                    .map(|span| span.start)
                    .chain(side.values.iter().map(|value| value.start))
                    .chain(side.extras.iter().map(|(_, span)| span.start))
            }))
            .chain(self.fields.iter().map(|(_, span)| span.start))
            .chain(self.ignored.iter().map(|span| span.start))
            .collect();
        starts.sort_unstable();
        starts.dedup();
        // Only a grid too narrow for the header's columns is read this way: one wide enough
        // keeps the header's own places.
        let widest = starts.last().copied().unwrap_or(0);
        if starts.len() != cols || cols == self.grid_cols || widest < cols {
            return None;
        }
        let at = |span: Span| {
            let start = starts
                .iter()
                .position(|&start| start == span.start)
                .unwrap_or(0);
            Span {
                start,
                end: start + 1,
            }
        };
        let mut columns = self.clone();
        columns.level1 = at(self.level1);
        for side in &mut columns.sides {
            for span in [
                &mut side.level2,
                &mut side.level3,
                &mut side.description,
                &mut side.basis,
            ]
            .into_iter()
            .flatten()
            {
                *span = at(*span);
            }
            for value in &mut side.values {
                let span = at(Span {
                    start: value.start,
                    end: value.end,
                });
                value.start = span.start;
                value.end = span.end;
            }
            for (_, span) in &mut side.extras {
                *span = at(*span);
            }
        }
        for (_, span) in &mut columns.fields {
            *span = at(*span);
        }
        for span in &mut columns.ignored {
            *span = at(*span);
        }
        columns.grid_cols = cols;
        Some(columns)
    }

    /// True when the values are targets beside what was achieved (实际完成值) or scored (得分).
    pub fn is_self_evaluation(&self) -> bool {
        self.sides.iter().any(|side| {
            side.values
                .iter()
                .any(|value| value.period == Some(Period::Actual))
                || side
                    .extras
                    .iter()
                    .any(|(kind, _)| *kind == ExtraKind::Score)
        })
    }

    /// True when the values are targets beside execution to date and the year's forecast.
    pub fn is_monitoring(&self) -> bool {
        self.sides.iter().any(|side| {
            side.values
                .iter()
                .any(|value| matches!(value.period, Some(Period::ToDate | Period::Forecast)))
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Level1,
    Level2,
    Level3,
    Description,
    Basis,
    Value,
    Extra(ExtraKind),
    Field(ListField),
    /// 指标内容 / 指标名称 / 绩效指标: the 三级 column when no header cell says 三级, else a
    /// description (or a side label left of 一级).
    Level3OrDescription,
    /// Named columns that hold nothing the output keeps: 备注, 活动…
    Ignored,
    Other,
}

/// A header key without the period qualifier of a two-sided header: `二级指标(长期)` →
/// `二级指标`, `三级指标(年度)` → `三级指标` (the period itself is read by [`period_of`]).
fn without_period(key: &str) -> &str {
    const QUALIFIERS: &[&str] = &[
        "(长期)",
        "(中长期)",
        "(中期)",
        "(年度)",
        "(本年度)",
        "(当年)",
        "(全年)",
    ];
    QUALIFIERS
        .iter()
        .find_map(|qualifier| key.strip_suffix(qualifier))
        .filter(|base| !base.is_empty())
        .unwrap_or(key)
}

/// The role of a header cell, by its key (NFKC, whitespace removed). The more specific keys
/// come first: 指标值类型 and 指标值内容 are no value columns, 实际完成值 is one.
fn role(key: &str) -> Role {
    // A period qualifier of a two-sided header (`三级指标(年度)`) or a weight
    // (`分值权重（90分）`) does not change what the column is.
    let key = crate::vocab::name_key(without_period(key));
    let key = key.as_str();
    match key {
        "一级指标" | "一级" | "一级指标名称" => return Role::Level1,
        "二级指标" | "二级" | "二级指标名称" => return Role::Level2,
        "三级指标" | "三级" | "三级指标名称" | "三级指标内容" => {
            return Role::Level3;
        }
        "指标内容" | "指标名称" | "绩效指标" | "绩效指标名称" => {
            return Role::Level3OrDescription;
        }
        "绩效指标描述" | "指标描述" | "指标解释" | "指标说明" | "绩效指标内容" | "指标值内容" =>
        {
            return Role::Description;
        }
        "绩效标准" => return Role::Extra(ExtraKind::Standard),
        "得分" | "自评得分" | "评价得分" => return Role::Extra(ExtraKind::Score),
        "备注" | "活动" | "说明" | "序号" => return Role::Ignored,
        _ => {}
    }
    if key.contains("依据") {
        Role::Basis
    } else if key.contains("偏差原因") || key.contains("原因分析") || key == "原因说明"
    {
        Role::Extra(ExtraKind::Deviation)
    } else if key.contains("分标准") {
        Role::Extra(ExtraKind::Scoring)
    } else if key.contains("指标性质")
        || key.contains("指标值类型")
        || key.contains("指标方向")
        || key.contains("计算符号")
    {
        Role::Extra(ExtraKind::Nature)
    } else if key.contains("度量单位") || key.contains("计量单位") {
        Role::Extra(ExtraKind::Unit)
    } else if key.contains("权重") || key.starts_with("分值") {
        Role::Extra(ExtraKind::Weight)
    } else if key.contains("指标值")
        || key.contains("目标值")
        || key.contains("完成值")
        || key.contains("执行数")
        || key.contains("预计完成")
    {
        Role::Value
    } else if let Some(field) = list_field(key) {
        Role::Field(field)
    } else {
        Role::Other
    }
}

/// The project column a list-table header cell names.
fn list_field(key: &str) -> Option<ListField> {
    let key = key.strip_prefix("其中:").unwrap_or(key);
    // `年度资金总额(万元)`: the unit in brackets is not part of the name.
    let base = match key.find('(') {
        Some(open) if key.ends_with(')') && open > 0 => &key[..open],
        _ => key,
    };
    Some(match base {
        "项目名称" | "单位(项目)名称" | "项目(政策)名称" | "专项(项目)名称" => {
            ListField::Name
        }
        "单位名称" | "部门名称" | "部门(单位)名称" => ListField::UnitName,
        "单位编码" | "项目编码" | "项目代码" | "单位代码" => ListField::Code,
        "项目总额" | "资金总额" | "年度资金总额" | "项目资金" | "预算金额" | "年度预算数" => {
            ListField::Total
        }
        "财政资金" | "财政拨款" => ListField::Fiscal,
        "其他资金" => ListField::Other,
        "绩效目标" | "年度绩效目标" | "年度目标" | "项目绩效目标" | "整体绩效目标" => {
            ListField::Goal
        }
        _ => return stray_after(base),
    })
}

/// The name or goal column of a list header reprinted at the top of a page, whose cell also
/// caught stray text of the project cell centred across the page break
/// (`项目名称11000022T000000`, `绩效目标做好重要公用事业和公益性服务成本…`): the label, then a
/// code fragment or a run of prose, never a qualifier of the label.
fn stray_after(key: &str) -> Option<ListField> {
    const LABELS: [(&str, ListField); 2] =
        [("项目名称", ListField::Name), ("绩效目标", ListField::Goal)];
    LABELS.iter().find_map(|&(label, field)| {
        let rest = key.strip_prefix(label)?;
        let stray = rest.starts_with(|c: char| c.is_ascii_digit()) || rest.chars().count() >= 8;
        stray.then_some(field)
    })
}

/// The period a value header speaks of.
pub fn period_of(label: &str) -> Option<Period> {
    if label.contains("实际完成") || label.contains("完成值") && !label.contains("预计") {
        Some(Period::Actual)
    } else if label.contains("执行数") || label.contains("执行情况") {
        Some(Period::ToDate)
    } else if label.contains("预计") {
        Some(Period::Forecast)
    } else if label.contains("半年") {
        Some(Period::HalfYear)
    } else if label.contains("中长期")
        || label.contains("中期")
        || label.contains("实施周期")
        || label.contains("长期")
    {
        Some(Period::LongTerm)
    } else if label.contains("全年") || label.contains("年度") || label.contains("本年") {
        Some(Period::Annual)
    } else {
        None
    }
}

/// The header cells of a row: the cells that start on it and, for a header spread over two
/// rows, the cells merged down from the row above (`项目名称` over `财政资金 | 其他资金`).
fn header_cells<'g>(row: &Row<'g>) -> Vec<&'g jixiao_grid::Cell> {
    let mut cells: Vec<&jixiao_grid::Cell> = Vec::new();
    for col in 0..row.grid.cols() {
        let cell = match row.at(col) {
            At::Origin(cell) | At::Below(cell) => cell,
            At::Right(_) | At::Empty => continue,
        };
        if cell.col == col && !crate::text::is_empty(&cell.text) {
            cells.push(cell);
        }
    }
    cells
}

/// Reads `row` as an indicator header row, if it is one: it must name the 一级 column and at
/// least one of the 二级 / 三级 columns, or be the header of a form whose one 绩效指标 column
/// fuses the three levels (`绩效指标 | 指标性质 | 指标值 | 度量单位`).
pub fn detect(row: &Row<'_>) -> Option<Columns> {
    // Every header names the 一级 column or a 指标 column; other rows are answered at once.
    let cells = header_cells(row);
    if !cells
        .iter()
        .any(|cell| cell.text.contains('级') || cell.text.contains("指标"))
    {
        return None;
    }
    let mut level1 = None;
    let mut sides: Vec<Side> = Vec::new();
    let mut signature = Vec::new();
    let mut fields: Vec<(ListField, Span)> = Vec::new();
    let mut ignored: Vec<Span> = Vec::new();
    let mut undecided: Vec<Span> = Vec::new();
    let mut left_of_levels: Vec<Span> = Vec::new();
    let mut has_lower_level = false;
    let mut named_columns = 0;
    for cell in cells {
        let key = key(&cell.text);
        signature.push(key.clone());
        let span = Span {
            start: cell.col,
            end: cell.col + cell.col_span,
        };
        let role = role(&key);
        if role != Role::Other {
            named_columns += 1;
        }
        match role {
            Role::Level1 if level1.is_none() => level1 = Some(span),
            Role::Level1 => {}
            Role::Field(field) if level1.is_none() && sides.is_empty() => {
                if !fields.iter().any(|(found, _)| *found == field) {
                    fields.push((field, span));
                }
            }
            Role::Level2 => {
                has_lower_level = true;
                sides.push(Side {
                    level2: Some(span),
                    ..Side::default()
                });
            }
            Role::Ignored | Role::Field(_) => ignored.push(span),
            Role::Other => {
                // A cell left of every indicator column is a side label (绩效指标), or in a
                // list table one more project column (一般公共预算); one among them is a column
                // the vocabulary does not know. Either way it is kept out of every role.
                if level1.is_some() || !sides.is_empty() {
                    ignored.push(span);
                } else {
                    left_of_levels.push(span);
                }
            }
            other => {
                if sides.is_empty() {
                    // Left of 一级, 绩效指标 is a side label, not a column.
                    if other == Role::Level3OrDescription && level1.is_none() {
                        undecided.push(span);
                        continue;
                    }
                    sides.push(Side::default());
                }
                let Some(side) = sides.last_mut() else {
                    continue;
                };
                match other {
                    Role::Level3 => {
                        has_lower_level = true;
                        side.level3.get_or_insert(span);
                    }
                    Role::Level3OrDescription => {
                        if side.level3.is_none() {
                            has_lower_level = true;
                            side.level3 = Some(span);
                        } else {
                            side.description.get_or_insert(span);
                        }
                    }
                    Role::Description => {
                        if side.description.is_none() {
                            side.description = Some(span);
                        } else {
                            ignored.push(span);
                        }
                    }
                    Role::Basis => {
                        side.basis.get_or_insert(span);
                    }
                    Role::Extra(kind) => {
                        if side.extras.iter().all(|(found, _)| *found != kind) {
                            side.extras.push((kind, span));
                        } else {
                            ignored.push(span);
                        }
                    }
                    Role::Value => side.values.push(ValueColumn {
                        start: span.start,
                        end: span.end,
                        period: period_of(&key),
                        label: key,
                    }),
                    _ => {}
                }
            }
        }
    }
    if !fields.is_empty() {
        ignored.extend(left_of_levels);
    }
    // A description column (指标内容) that was met before the 三级 column it turned out to be.
    for side in &mut sides {
        if side.level3.is_none()
            && let Some(span) = side.description.take()
        {
            side.level3 = Some(span);
            has_lower_level = true;
        }
    }
    let Some(level1) = level1 else {
        return fused(undecided, sides, signature, fields, ignored, named_columns).map(|columns| {
            Columns {
                grid_cols: row.grid.cols(),
                ..columns
            }
        });
    };
    if !has_lower_level {
        return None;
    }
    // A side label such as 绩效指标 sits left of 一级; columns left of 一级 belong to no side.
    sides.retain(|side| side.level2.is_some() || side.level3.is_some() || !side.values.is_empty());
    // Every target table states target values: a 一级 | 二级 | 三级 catalogue with amounts (a
    // 政府购买服务 list) is no indicator header.
    if sides.is_empty() || sides.iter().all(|side| side.values.is_empty()) {
        return None;
    }
    // Two sides whose headers do not name their period: the 中长期 side comes first, then 年度.
    if sides.len() == 2 {
        for (side, period) in sides.iter_mut().zip([Period::LongTerm, Period::Annual]) {
            for value in &mut side.values {
                value.period.get_or_insert(period);
            }
        }
    }
    Some(Columns {
        level1,
        sides,
        signature,
        fields,
        ignored,
        fused: false,
        grid_cols: row.grid.cols(),
    })
}

/// The header of a form with no 一级 column whose one 绩效指标 column holds the three levels run
/// together: it needs a value column and a 指标性质 or 度量单位 column beside it, so that a
/// field row that merely mentions 绩效指标 is not taken for it.
fn fused(
    undecided: Vec<Span>,
    sides: Vec<Side>,
    signature: Vec<String>,
    fields: Vec<(ListField, Span)>,
    ignored: Vec<Span>,
    named_columns: usize,
) -> Option<Columns> {
    let levels = *undecided.first()?;
    let mut side = sides.into_iter().next()?;
    let typed = side
        .extras
        .iter()
        .any(|(kind, _)| matches!(kind, ExtraKind::Nature | ExtraKind::Unit));
    if side.values.is_empty() || !typed || side.level2.is_some() || named_columns < 3 {
        return None;
    }
    side.level3 = Some(levels);
    Some(Columns {
        level1: levels,
        sides: vec![side],
        signature,
        fields,
        ignored,
        fused: true,
        grid_cols: 0,
    })
}

#[cfg(test)]
mod tests {
    use jixiao_grid::{Cell, GridBuilder, Location};

    use super::*;

    fn header(texts: &[&str]) -> Option<Columns> {
        let mut builder = GridBuilder::new();
        for (col, text) in texts.iter().enumerate() {
            builder.push(Cell::new(0, col, *text));
        }
        let (grid, _) = builder.build(Location::default());
        detect(&Row::new(&grid, 0, 0))
    }

    #[test]
    fn a_list_header_keeps_its_columns_under_stray_text() {
        // Reprinted at a page top, the name and goal cells caught text of the project cell
        // centred across the break; a qualifier of a label is no stray text.
        assert_eq!(
            stray_after("项目名称11000022T000000"),
            Some(ListField::Name)
        );
        assert_eq!(
            stray_after("绩效目标做好重要公用事业和公益性服务成本调查"),
            Some(ListField::Goal)
        );
        assert_eq!(stray_after("绩效目标完成情况"), None);
        assert_eq!(stray_after("项目名称及编码"), None);
        let columns = header(&[
            "项目名称11000022T000000",
            "项目总额",
            "绩效目标做好重要公用事业和公益性服务成本调查",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值",
        ])
        .expect("a header");
        assert!(columns.is_list());
        assert_eq!(
            columns.field(ListField::Name).map(|span| span.start),
            Some(0)
        );
        assert_eq!(
            columns.field(ListField::Goal).map(|span| span.start),
            Some(2)
        );
    }

    #[test]
    fn six_column_header_with_description_and_basis() {
        let columns = header(&[
            "一级指标",
            "二级指标",
            "三级指标",
            "绩效指标描述",
            "指标值",
            "指标值确定依据",
        ])
        .expect("header");
        assert_eq!(columns.level1, Span { start: 0, end: 1 });
        let side = &columns.sides[0];
        assert_eq!(side.level3, Some(Span { start: 2, end: 3 }));
        assert_eq!(side.description, Some(Span { start: 3, end: 4 }));
        assert_eq!(side.basis, Some(Span { start: 5, end: 6 }));
        assert_eq!(side.values.len(), 1);
        assert_eq!(side.values[0].label, "指标值");
        assert_eq!(side.values[0].period, None);
    }

    #[test]
    fn half_year_and_full_year_values() {
        let columns = header(&[
            "一级指标",
            "二级指标",
            "三级指标",
            "半年（程） 指标值",
            "全年（程） 指标值",
        ])
        .expect("header");
        let labels: Vec<_> = columns.sides[0]
            .values
            .iter()
            .map(|value| (value.label.as_str(), value.period))
            .collect();
        assert_eq!(
            labels,
            [
                ("半年(程)指标值", Some(Period::HalfYear)),
                ("全年(程)指标值", Some(Period::Annual))
            ]
        );
    }

    #[test]
    fn two_sided_header_gives_long_term_then_annual() {
        let columns = header(&[
            "绩效指标",
            "一级指标",
            "二级指标",
            "三级指标",
            "指标值（含数字）",
            "二级指标",
            "三级指标",
            "指标值（含数字及文字描述）",
        ])
        .expect("header");
        assert_eq!(columns.level1.start, 1);
        assert_eq!(columns.sides.len(), 2);
        assert_eq!(columns.sides[0].values[0].period, Some(Period::LongTerm));
        assert_eq!(columns.sides[1].values[0].period, Some(Period::Annual));
        assert_eq!(columns.sides[1].level3, Some(Span { start: 6, end: 7 }));
    }

    #[test]
    fn two_sided_header_with_period_qualifiers_after_one_shared_level1() {
        let columns = header(&[
            "一级指标",
            "二级指标(长期)",
            "三级指标(长期)",
            "指标值(长期)",
            "二级指标（年度）",
            "三级指标（年度）",
            "指标值（年度）",
        ])
        .expect("header");
        assert_eq!(columns.level1, Span { start: 0, end: 1 });
        assert_eq!(columns.sides.len(), 2);
        assert_eq!(columns.sides[0].level2, Some(Span { start: 1, end: 2 }));
        assert_eq!(columns.sides[0].level3, Some(Span { start: 2, end: 3 }));
        assert_eq!(columns.sides[0].values[0].period, Some(Period::LongTerm));
        assert_eq!(columns.sides[0].values[0].label, "指标值(长期)");
        assert_eq!(columns.sides[1].level2, Some(Span { start: 4, end: 5 }));
        assert_eq!(columns.sides[1].level3, Some(Span { start: 5, end: 6 }));
        assert_eq!(columns.sides[1].values[0].period, Some(Period::Annual));
    }

    #[test]
    fn other_names_of_the_level3_and_value_columns() {
        for name in ["指标名称", "绩效指标"] {
            let columns = header(&["一级指标", "二级指标", name, "指标值及单位"]).expect("header");
            assert_eq!(
                columns.sides[0].level3,
                Some(Span { start: 2, end: 3 }),
                "{name}"
            );
            assert_eq!(columns.sides[0].values[0].label, "指标值及单位");
            assert_eq!(columns.sides[0].values[0].period, None);
        }
        // A leading label cell (本年度 绩效指标, or 绩效指标 left of 一级) belongs to no column.
        for label in ["本年度 绩效指标", "绩效指标"] {
            let columns =
                header(&[label, "一级指标", "二级指标", "三级指标", "指标值"]).expect("header");
            assert_eq!(columns.level1, Span { start: 1, end: 2 }, "{label}");
            assert_eq!(columns.role_at(0), None, "{label}");
            assert_eq!(columns.sides.len(), 1);
            assert_eq!(columns.sides[0].level3, Some(Span { start: 3, end: 4 }));
        }
    }

    #[test]
    fn period_qualifiers_are_dropped_from_roles_only() {
        assert_eq!(without_period("二级指标(长期)"), "二级指标");
        assert_eq!(without_period("三级指标(年度)"), "三级指标");
        assert_eq!(without_period("(年度)"), "(年度)");
        assert_eq!(role("二级指标(中长期)"), Role::Level2);
        assert_eq!(role("指标名称"), Role::Level3OrDescription);
        assert_eq!(role("本年度绩效指标"), Role::Other);
        assert_eq!(period_of("指标值(长期)"), Some(Period::LongTerm));
        assert_eq!(period_of("指标值(年度)"), Some(Period::Annual));
    }

    #[test]
    fn rows_that_are_not_headers() {
        assert!(header(&["项目名称", "办公设备购置"]).is_none());
        assert!(header(&["一级指标"]).is_none());
        assert!(header(&["产出指标", "数量指标", "设备购置率", "=100%"]).is_none());
    }
}
