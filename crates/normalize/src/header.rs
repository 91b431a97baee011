//! Finding the indicator header row (`一级指标 | 二级指标 | 三级指标 | … | 指标值 | …`) by
//! content, whatever the column count, and mapping each column to its role.

use crate::model::Period;
use crate::rows::Row;
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

/// The columns of one set of indicators. Two-sided tables (中长期 | 年度) have two sides that
/// share the 一级 column.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Side {
    pub level2: Option<Span>,
    pub level3: Option<Span>,
    pub description: Option<Span>,
    pub basis: Option<Span>,
    pub values: Vec<ValueColumn>,
}

/// The column map read from a header row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub level1: Span,
    pub sides: Vec<Side>,
    /// The header's cell keys, to recognise a header repeated on a continuation page.
    pub signature: Vec<String>,
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
        }
        None
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
    /// `绩效指标`: the 三级 column after the 一级 column, a side label before it.
    Indicator,
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

/// The role of a header cell by its key (NFKC, no whitespace).
fn role(key: &str) -> Role {
    let key = without_period(key);
    match key {
        "指标名称" | "三级指标内容" => Role::Level3,
        "绩效指标" => Role::Indicator,
        _ => role_of_base(key),
    }
}

fn role_of_base(key: &str) -> Role {
    match key {
        "一级指标" | "一级" | "一级指标名称" => Role::Level1,
        "二级指标" | "二级" | "二级指标名称" => Role::Level2,
        "三级指标" | "三级" | "三级指标名称" => Role::Level3,
        _ if key.contains("依据") => Role::Basis,
        _ if key.contains("指标值") || key.contains("目标值") => Role::Value,
        "绩效指标描述" | "指标描述" | "指标内容" | "指标解释" | "指标说明" | "绩效指标内容" => {
            Role::Description
        }
        _ => Role::Other,
    }
}

/// The period a value header speaks of.
pub fn period_of(label: &str) -> Option<Period> {
    if label.contains("半年") {
        Some(Period::HalfYear)
    } else if label.contains("长期") || label.contains("中期") {
        Some(Period::LongTerm)
    } else if label.contains("全年") || label.contains("年度") {
        Some(Period::Annual)
    } else {
        None
    }
}

/// Reads `row` as an indicator header row, if it is one: it must name the 一级 column and at
/// least one of the 二级 / 三级 columns.
pub fn detect(row: &Row<'_>) -> Option<Columns> {
    // Every header names the 一级 column; rows without a 级 anywhere are answered at once.
    if !row.filled().any(|cell| cell.text.contains('级')) {
        return None;
    }
    let mut level1 = None;
    let mut sides: Vec<Side> = Vec::new();
    let mut signature = Vec::new();
    let mut has_lower_level = false;
    for cell in row.filled() {
        let key = key(&cell.text);
        signature.push(key.clone());
        let span = Span {
            start: cell.col,
            end: cell.col + cell.col_span,
        };
        let role = match role(&key) {
            // 绩效指标 names the 三级 column right of 一级; left of it, it labels the block.
            Role::Indicator if level1.is_some() => Role::Level3,
            Role::Indicator => Role::Other,
            role => role,
        };
        match role {
            Role::Level1 if level1.is_none() => level1 = Some(span),
            Role::Level1 => {}
            Role::Level2 => {
                has_lower_level = true;
                sides.push(Side {
                    level2: Some(span),
                    ..Side::default()
                });
            }
            other => {
                if sides.is_empty() {
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
                    Role::Description => {
                        side.description.get_or_insert(span);
                    }
                    Role::Basis => {
                        side.basis.get_or_insert(span);
                    }
                    Role::Value => side.values.push(ValueColumn {
                        start: span.start,
                        end: span.end,
                        period: period_of(&key),
                        label: key,
                    }),
                    Role::Level1 | Role::Level2 | Role::Indicator | Role::Other => {}
                }
            }
        }
    }
    let level1 = level1?;
    if !has_lower_level {
        return None;
    }
    // A side label such as 绩效指标 sits left of 一级; columns left of 一级 belong to no side.
    sides.retain(|side| side.level2.is_some() || side.level3.is_some() || !side.values.is_empty());
    if sides.is_empty() {
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
        assert_eq!(role("指标名称"), Role::Level3);
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
