//! Building one performance target table from the rows that belong to it: the fields above the
//! indicator header, the header, then the indicator rows with their merged 一级 / 二级 cells
//! filled down, named by the vocabulary and corrected where the layout put them under a parent
//! that cannot hold them.

use jixiao_grid::{Diagnostic, Location};

use crate::fields::Fields;
use crate::header::{Columns, Side, Span};
use crate::model::{Indicator, Table, TableKind, Value};
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
    indicators: Vec<Indicator>,
    warnings: Vec<Diagnostic>,
    /// The 一级 text in force (filled down from the last non-empty 一级 cell).
    level1: Option<String>,
    /// The 二级 text in force, per side.
    level2: Vec<Option<String>>,
    /// Unknown names already warned about, so each is reported once per table.
    warned_unknown: Vec<String>,
    first: Option<Location>,
    last: Option<Location>,
}

impl Builder {
    pub fn new(title: Option<String>) -> Self {
        Builder {
            phase: Phase::Fields,
            title,
            fields: Fields::default(),
            columns: None,
            indicators: Vec::new(),
            warnings: Vec::new(),
            level1: None,
            level2: Vec::new(),
            warned_unknown: Vec::new(),
            first: None,
            last: None,
        }
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
        self.columns = Some(columns);
        self.phase = Phase::Indicators;
    }

    /// Reads one indicator row.
    pub fn read_indicator_row(&mut self, row: &Row<'_>) {
        let Some(columns) = self.columns.clone() else {
            return;
        };
        self.touch(row);

        // 一级: a new name starts a new group; an empty or merged slot continues the one above.
        let level1_at = row.at(columns.level1.start);
        let level1_text = text::clean(level1_at.origin_text());
        let new_level1 = !level1_text.is_empty();
        if new_level1 {
            self.level1 = Some(level1_text);
            for level2 in &mut self.level2 {
                *level2 = None;
            }
        }

        for (side_index, side) in columns.sides.iter().enumerate() {
            let level2_at = side.level2.map(|span| row.at(span.start));
            let level2_text = level2_at
                .map(|at| text::clean(at.origin_text()))
                .unwrap_or_default();
            if !level2_text.is_empty() {
                self.level2[side_index] = Some(level2_text);
            }

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

            let level2_raw = self.level2.get(side_index).cloned().flatten();
            let indicator = self.indicator(
                row,
                side,
                level2_raw,
                level3.0,
                description.0,
                basis.0,
                values,
            );
            self.indicators.push(indicator);
        }
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
        let level1_canonical = level1_raw.as_deref().and_then(vocab::level1);
        let level2_canonical = level2_raw.as_deref().and_then(vocab::level2);
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

    /// The finished table, or `None` when the rows never showed an indicator header.
    pub fn finish(self) -> Option<Table> {
        self.columns.as_ref()?;
        let department = self.fields.department
            || self
                .title
                .as_deref()
                .is_some_and(|title| title.contains("部门整体"));
        let mut project = self.fields.project.clone();
        if project.unit.is_none() {
            project.unit = project.implementer.clone();
        }
        let location = match (self.first, self.last) {
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
        };
        Some(Table {
            kind: if department {
                TableKind::Department
            } else {
                TableKind::Project
            },
            title: self.title,
            budget: self.fields.budget(),
            project,
            spending_plan: self.fields.spending_plan,
            goals: self.fields.goals,
            tasks: self.fields.tasks,
            indicators: self.indicators,
            warnings: self.warnings,
            location,
        })
    }
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
