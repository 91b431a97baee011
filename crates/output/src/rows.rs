//! The flat, one-row-per-indicator view of documents: the one definition that the CSV and
//! xlsx outputs (and any other tabular output) share, so that they all have the same columns
//! in the same order with the same meaning.
//!
//! A row carries its document's and table's fields repeated, the indicator's fields, and its
//! *primary value* parsed into columns. The primary value is the first value whose period is
//! `annual` or not stated (the target a user filters on: `指标值`, `年度指标值`, `全年指标值`),
//! else the first value; the other values are listed in `other_values` as `label=raw; …`.
//!
//! A document with an error (`failed`, or `empty` with `no_tables`) gives one row that carries
//! the document's columns and its error and nothing else, so that every input is accounted for.
//! A document whose tables have no indicators gives no row.

use serde::Serialize;

use crate::{Document, Indicator, Period, Table, Value};

/// The type of a column's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text, or empty.
    Text,
    /// A number (`f64`), or empty.
    Number,
    /// A whole number (`u32`), or empty.
    Integer,
    /// `true` / `false`, or empty.
    Boolean,
}

/// One cell of a row, borrowed from the row.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cell<'a> {
    Text(Option<&'a str>),
    Number(Option<f64>),
    Integer(Option<u32>),
    Boolean(Option<bool>),
}

impl Cell<'_> {
    /// The cell as text: empty when absent, numbers in their shortest exact form.
    pub fn to_text(&self) -> String {
        match self {
            Cell::Text(text) => text.unwrap_or_default().to_string(),
            Cell::Number(number) => number
                .and_then(crate::Number::new)
                .map_or(String::new(), |number| number.to_string()),
            Cell::Integer(integer) => integer.map_or(String::new(), |integer| integer.to_string()),
            Cell::Boolean(boolean) => boolean.map_or(String::new(), |boolean| boolean.to_string()),
        }
    }
}

/// The columns of [`IndicatorRow`], in order, with their types. The field names of the struct
/// are these names.
pub const INDICATOR_COLUMNS: &[(&str, ColumnType)] = &[
    ("path", ColumnType::Text),
    ("format", ColumnType::Text),
    ("sha256", ColumnType::Text),
    ("status", ColumnType::Text),
    ("error_code", ColumnType::Text),
    ("error_message", ColumnType::Text),
    ("table", ColumnType::Integer),
    ("table_kind", ColumnType::Text),
    ("table_title", ColumnType::Text),
    ("project_name", ColumnType::Text),
    ("project_code", ColumnType::Text),
    ("department", ColumnType::Text),
    ("project_unit", ColumnType::Text),
    ("budget_unit", ColumnType::Text),
    ("budget_total", ColumnType::Number),
    ("budget_fiscal", ColumnType::Number),
    ("level1", ColumnType::Text),
    ("level2", ColumnType::Text),
    ("level3", ColumnType::Text),
    ("description", ColumnType::Text),
    ("basis", ColumnType::Text),
    ("nature", ColumnType::Text),
    ("unit", ColumnType::Text),
    ("weight", ColumnType::Text),
    ("score", ColumnType::Text),
    ("scoring", ColumnType::Text),
    ("standard", ColumnType::Text),
    ("deviation", ColumnType::Text),
    ("page", ColumnType::Integer),
    ("sheet", ColumnType::Text),
    ("warnings", ColumnType::Text),
    ("value_label", ColumnType::Text),
    ("value_label_raw", ColumnType::Text),
    ("period", ColumnType::Text),
    ("raw", ColumnType::Text),
    ("value_kind", ColumnType::Text),
    ("op", ColumnType::Text),
    ("number", ColumnType::Number),
    ("low", ColumnType::Number),
    ("high", ColumnType::Number),
    ("value_unit", ColumnType::Text),
    ("approx", ColumnType::Boolean),
    ("grade", ColumnType::Text),
    ("date", ColumnType::Text),
    ("text", ColumnType::Text),
    ("other_values", ColumnType::Text),
];

/// One row of the tabular outputs: an indicator with its document's and table's fields, or a
/// document's error. Absent fields are `None` (an empty cell).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IndicatorRow {
    /// `source.path`.
    pub path: String,
    /// `source.format`.
    pub format: Option<String>,
    /// `source.sha256`.
    pub sha256: Option<String>,
    /// `status` of the document.
    pub status: String,
    /// `error.code`.
    pub error_code: Option<String>,
    /// `error.message`.
    pub error_message: Option<String>,
    /// Index of the table in the document (0-based).
    pub table: Option<u32>,
    /// `kind` of the table.
    pub table_kind: Option<String>,
    pub table_title: Option<String>,
    pub project_name: Option<String>,
    pub project_code: Option<String>,
    /// `project.department` (主管部门).
    pub department: Option<String>,
    /// `project.unit` (预算单位 / 实施单位).
    pub project_unit: Option<String>,
    pub budget_unit: Option<String>,
    pub budget_total: Option<f64>,
    pub budget_fiscal: Option<f64>,
    pub level1: Option<String>,
    pub level2: Option<String>,
    pub level3: Option<String>,
    pub description: Option<String>,
    pub basis: Option<String>,
    // The indicator's fields of the same names (split 指标性质 / 度量单位 columns, 分值, 得分,
    // 评分标准, 绩效标准, 偏差原因), as written.
    pub nature: Option<String>,
    pub unit: Option<String>,
    pub weight: Option<String>,
    pub score: Option<String>,
    pub scoring: Option<String>,
    pub standard: Option<String>,
    pub deviation: Option<String>,
    /// The indicator's page (PDF).
    pub page: Option<u32>,
    /// The indicator's sheet (spreadsheets).
    pub sheet: Option<String>,
    /// The distinct warning codes of the table, `;`-separated.
    pub warnings: Option<String>,
    /// The primary value's normalised label.
    pub value_label: Option<String>,
    /// The primary value's label as written, when it differs.
    pub value_label_raw: Option<String>,
    pub period: Option<String>,
    pub raw: Option<String>,
    /// `parsed.kind` of the primary value.
    pub value_kind: Option<String>,
    pub op: Option<String>,
    pub number: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    /// `parsed.unit` of the primary value.
    pub value_unit: Option<String>,
    pub approx: Option<bool>,
    pub grade: Option<String>,
    pub date: Option<String>,
    pub text: Option<String>,
    /// The other values as `label=raw`, `; `-separated.
    pub other_values: Option<String>,
}

impl IndicatorRow {
    /// The cells in the order of [`INDICATOR_COLUMNS`].
    pub fn cells(&self) -> Vec<Cell<'_>> {
        fn text(value: &Option<String>) -> Cell<'_> {
            Cell::Text(value.as_deref())
        }
        vec![
            Cell::Text(Some(&self.path)),
            text(&self.format),
            text(&self.sha256),
            Cell::Text(Some(&self.status)),
            text(&self.error_code),
            text(&self.error_message),
            Cell::Integer(self.table),
            text(&self.table_kind),
            text(&self.table_title),
            text(&self.project_name),
            text(&self.project_code),
            text(&self.department),
            text(&self.project_unit),
            text(&self.budget_unit),
            Cell::Number(self.budget_total),
            Cell::Number(self.budget_fiscal),
            text(&self.level1),
            text(&self.level2),
            text(&self.level3),
            text(&self.description),
            text(&self.basis),
            text(&self.nature),
            text(&self.unit),
            text(&self.weight),
            text(&self.score),
            text(&self.scoring),
            text(&self.standard),
            text(&self.deviation),
            Cell::Integer(self.page),
            text(&self.sheet),
            text(&self.warnings),
            text(&self.value_label),
            text(&self.value_label_raw),
            text(&self.period),
            text(&self.raw),
            text(&self.value_kind),
            text(&self.op),
            Cell::Number(self.number),
            Cell::Number(self.low),
            Cell::Number(self.high),
            text(&self.value_unit),
            Cell::Boolean(self.approx),
            text(&self.grade),
            text(&self.date),
            text(&self.text),
            text(&self.other_values),
        ]
    }
}

/// The rows of one document (see the module overview).
pub fn indicator_rows(document: &Document) -> Vec<IndicatorRow> {
    let base = IndicatorRow {
        path: document.source.path.clone(),
        format: document
            .source
            .format
            .map(|format| format.name().to_string()),
        sha256: document.source.sha256.clone(),
        status: document.status.name().to_string(),
        ..IndicatorRow::default()
    };
    if let Some(error) = &document.error {
        return vec![IndicatorRow {
            error_code: Some(error.code.name().to_string()),
            error_message: Some(error.message.clone()),
            ..base
        }];
    }
    let mut rows = Vec::with_capacity(document.indicator_count());
    for (index, table) in document.tables.iter().enumerate() {
        let table_row = table_row(&base, index, table);
        for indicator in &table.indicators {
            rows.push(indicator_row(&table_row, indicator));
        }
    }
    rows
}

fn table_row(base: &IndicatorRow, index: usize, table: &Table) -> IndicatorRow {
    let mut codes: Vec<&str> = Vec::new();
    for warning in &table.warnings {
        if !codes.contains(&warning.code.as_str()) {
            codes.push(&warning.code);
        }
    }
    let budget = table.budget.as_ref();
    IndicatorRow {
        table: u32::try_from(index).ok(),
        table_kind: serde_json::to_value(table.kind)
            .ok()
            .and_then(|kind| kind.as_str().map(str::to_string)),
        table_title: table.title.clone(),
        project_name: table.project.name.clone(),
        project_code: table.project.code.clone(),
        department: table.project.department.clone(),
        project_unit: table.project.unit.clone(),
        budget_unit: budget.map(|budget| budget.unit.clone()),
        budget_total: budget
            .and_then(|budget| budget.total)
            .map(crate::Number::get),
        budget_fiscal: budget
            .and_then(|budget| budget.fiscal)
            .map(crate::Number::get),
        warnings: (!codes.is_empty()).then(|| codes.join(";")),
        ..base.clone()
    }
}

fn indicator_row(table_row: &IndicatorRow, indicator: &Indicator) -> IndicatorRow {
    let primary = primary_value(&indicator.values);
    let parsed = primary.and_then(|(_, value)| value.parsed.as_ref());
    let others: Vec<String> = indicator
        .values
        .iter()
        .enumerate()
        .filter(|(index, _)| Some(*index) != primary.map(|(index, _)| index))
        .map(|(_, value)| format!("{}={}", value.label, value.raw))
        .collect();
    IndicatorRow {
        level1: Some(indicator.level1.clone()),
        level2: Some(indicator.level2.clone()),
        level3: Some(indicator.level3.clone()),
        description: indicator.description.clone(),
        basis: indicator.basis.clone(),
        nature: indicator.nature.clone(),
        unit: indicator.unit.clone(),
        weight: indicator.weight.clone(),
        score: indicator.score.clone(),
        scoring: indicator.scoring.clone(),
        standard: indicator.standard.clone(),
        deviation: indicator.deviation.clone(),
        page: indicator.location.page,
        sheet: indicator.location.sheet.clone(),
        value_label: primary.map(|(_, value)| value.label.clone()),
        value_label_raw: primary.and_then(|(_, value)| value.label_raw.clone()),
        period: primary
            .and_then(|(_, value)| value.period)
            .map(|period| period.name().to_string()),
        raw: primary.map(|(_, value)| value.raw.clone()),
        value_kind: parsed.map(|parsed| parsed.kind.name().to_string()),
        op: parsed
            .and_then(|parsed| parsed.op)
            .map(|op| op.symbol().to_string()),
        number: parsed
            .and_then(|parsed| parsed.number)
            .map(crate::Number::get),
        low: parsed.and_then(|parsed| parsed.low).map(crate::Number::get),
        high: parsed
            .and_then(|parsed| parsed.high)
            .map(crate::Number::get),
        value_unit: parsed.and_then(|parsed| parsed.unit.clone()),
        approx: parsed.map(|parsed| parsed.approx),
        grade: parsed.and_then(|parsed| parsed.grade.clone()),
        date: parsed.and_then(|parsed| parsed.date.clone()),
        text: parsed.and_then(|parsed| parsed.text.clone()),
        other_values: (!others.is_empty()).then(|| others.join("; ")),
        ..table_row.clone()
    }
}

/// The first value whose period is annual or unstated, else the first value.
fn primary_value(values: &[Value]) -> Option<(usize, &Value)> {
    values
        .iter()
        .enumerate()
        .find(|(_, value)| matches!(value.period, None | Some(Period::Annual)))
        .or_else(|| values.iter().enumerate().next())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cells_follow_the_columns_by_name_and_type() {
        let row = IndicatorRow {
            table: Some(1),
            budget_total: Some(2.5),
            approx: Some(true),
            ..IndicatorRow::default()
        };
        let cells = row.cells();
        assert_eq!(cells.len(), INDICATOR_COLUMNS.len());
        let json = serde_json::to_value(&row).expect("serialise");
        let names: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut columns: Vec<&str> = INDICATOR_COLUMNS.iter().map(|(name, _)| *name).collect();
        // serde_json's map is sorted unless preserve_order is on; compare as sets and orders
        // separately below.
        let mut sorted = names.clone();
        sorted.sort_unstable();
        columns.sort_unstable();
        assert_eq!(sorted, columns);
        for (cell, (name, kind)) in cells.iter().zip(INDICATOR_COLUMNS) {
            let matches = matches!(
                (cell, kind),
                (Cell::Text(_), ColumnType::Text)
                    | (Cell::Number(_), ColumnType::Number)
                    | (Cell::Integer(_), ColumnType::Integer)
                    | (Cell::Boolean(_), ColumnType::Boolean)
            );
            assert!(matches, "{name}: {cell:?} is not {kind:?}");
            // Each set field shows up in its own column.
            let expected = json[*name].clone();
            let shown = cell.to_text();
            match expected {
                serde_json::Value::Null => assert_eq!(shown, "", "{name}"),
                serde_json::Value::String(text) => assert_eq!(shown, text, "{name}"),
                other => assert_eq!(shown, other.to_string(), "{name}"),
            }
        }
    }
}
