//! Conversions from the plain Rust model of the normaliser (and the grid's diagnostics) into the
//! serde types. They only rename and reshape: every decision about content was made upstream.
//!
//! Two repairs happen here because JSON cannot express the model's form: numbers that are not
//! finite become `null` (JSON has no NaN), and repeated labels of `checkboxes` / `fields`
//! are merged so that each JSON object key is unique.

use jixiao_grid::{Diagnostic, Location as GridLocation};
use jixiao_normalize::model;
use jixiao_normalize::value;

use crate::types::*;

impl From<&GridLocation> for Location {
    fn from(location: &GridLocation) -> Self {
        Location {
            page: location.page,
            page_end: location.page_end,
            sheet: location.sheet.clone(),
            line: location.line,
            line_end: location.line_end,
            row: location.row,
            col: location.col,
            grid: location.grid,
        }
    }
}

impl From<GridLocation> for Location {
    fn from(location: GridLocation) -> Self {
        Location {
            page: location.page,
            page_end: location.page_end,
            sheet: location.sheet,
            line: location.line,
            line_end: location.line_end,
            row: location.row,
            col: location.col,
            grid: location.grid,
        }
    }
}

impl From<Diagnostic> for Warning {
    fn from(diagnostic: Diagnostic) -> Self {
        Warning {
            code: diagnostic.code.to_string(),
            message: diagnostic.message,
            location: diagnostic.location.map(Location::from),
            lost: diagnostic.lost,
        }
    }
}

impl From<&Diagnostic> for Warning {
    fn from(diagnostic: &Diagnostic) -> Self {
        Warning::from(diagnostic.clone())
    }
}

fn number(value: Option<f64>) -> Option<Number> {
    value.and_then(Number::new)
}

impl From<value::Parsed> for Parsed {
    fn from(parsed: value::Parsed) -> Self {
        Parsed {
            kind: parsed.kind,
            op: parsed.op,
            number: number(parsed.number),
            low: number(parsed.low),
            high: number(parsed.high),
            unit: parsed.unit,
            approx: parsed.approx,
            date: parsed.date,
            date_end: parsed.date_end,
            grade: parsed.grade,
            boolean: parsed.boolean,
            choices: parsed.choices,
            text: parsed.text,
        }
    }
}

impl From<model::Value> for Value {
    fn from(value: model::Value) -> Self {
        let label = crate::labels::value_label(&value.label);
        Value {
            label_raw: (label != value.label).then_some(value.label),
            label,
            period: value.period,
            raw: value.raw,
            parsed: value.parsed.map(Parsed::from),
        }
    }
}

/// `None` when the text as written is the canonical name, so that `*_raw` is `null` then.
fn differing(raw: Option<String>, canonical: &str) -> Option<String> {
    raw.filter(|raw| raw != canonical)
}

impl From<model::Indicator> for Indicator {
    fn from(indicator: model::Indicator) -> Self {
        Indicator {
            level1_raw: differing(indicator.level1_raw, &indicator.level1),
            level2_raw: differing(indicator.level2_raw, &indicator.level2),
            level1: indicator.level1,
            level2: indicator.level2,
            level3: indicator.level3,
            description: indicator.description,
            basis: indicator.basis,
            values: indicator.values.into_iter().map(Value::from).collect(),
            nature: indicator.extra.nature,
            unit: indicator.extra.unit,
            weight: indicator.extra.weight,
            score: indicator.extra.score,
            scoring: indicator.extra.scoring,
            standard: indicator.extra.standard,
            deviation: indicator.extra.deviation,
            location: indicator.location.into(),
        }
    }
}

impl From<model::SpendingItem> for SpendingItem {
    fn from(item: model::SpendingItem) -> Self {
        SpendingItem {
            parsed: value::parse(&item.raw).map(Parsed::from),
            value: number(item.value),
            unit: item.unit,
            label: item.label,
            raw: item.raw,
        }
    }
}

impl From<model::SpendingItem> for LabelledText {
    fn from(item: model::SpendingItem) -> Self {
        LabelledText {
            label: item.label,
            raw: item.raw,
            value: number(item.value),
            unit: item.unit,
        }
    }
}

impl From<model::Budget> for Budget {
    fn from(budget: model::Budget) -> Self {
        Budget {
            unit: budget.unit,
            total: number(budget.total),
            fiscal: number(budget.fiscal),
            other: number(budget.other),
            carryover: number(budget.carryover),
            long_term_total: number(budget.long_term_total),
            sources: budget.sources.into_iter().map(LabelledText::from).collect(),
        }
    }
}

impl From<model::Goals> for Goals {
    fn from(goals: model::Goals) -> Self {
        Goals {
            overall: goals.overall,
            annual: goals.annual,
            long_term: goals.long_term,
        }
    }
}

impl From<model::Task> for Task {
    fn from(task: model::Task) -> Self {
        Task {
            name: task.name,
            content: task.content,
            total: number(task.total),
            fiscal: number(task.fiscal),
            other: number(task.other),
        }
    }
}

impl From<model::Project> for Project {
    fn from(project: model::Project) -> Self {
        // A table may repeat a label (two 项目属性 rows); the checked boxes of both are kept
        // under one key, in order, without duplicates.
        let mut checkboxes: Vec<(String, Vec<String>)> = Vec::new();
        for field in project.checkboxes {
            match checkboxes
                .iter_mut()
                .find(|(label, _)| *label == field.label)
            {
                Some((_, checked)) => {
                    for label in field.checked {
                        if !checked.contains(&label) {
                            checked.push(label);
                        }
                    }
                }
                None => checkboxes.push((field.label, field.checked)),
            }
        }
        // Repeated text fields are joined by a line break, the way a cell joins paragraphs.
        let mut fields: Vec<(String, String)> = Vec::new();
        for (label, text) in project.fields {
            match fields.iter_mut().find(|(known, _)| *known == label) {
                Some((_, joined)) => {
                    joined.push('\n');
                    joined.push_str(&text);
                }
                None => fields.push((label, text)),
            }
        }
        Project {
            name: project.name,
            code: project.code,
            department: project.department,
            unit: project.unit,
            implementer: project.implementer,
            manager: project.manager,
            category: project.category,
            level: project.level,
            start: project.start,
            end: project.end,
            checkboxes: LabelMap(checkboxes),
            fields: LabelMap(fields),
        }
    }
}

impl From<model::Table> for Table {
    fn from(table: model::Table) -> Self {
        Table {
            kind: table.kind,
            title: table.title,
            project: table.project.into(),
            budget: table.budget.map(Budget::from),
            spending_plan: table
                .spending_plan
                .into_iter()
                .map(SpendingItem::from)
                .collect(),
            goals: table.goals.into(),
            tasks: table.tasks.into_iter().map(Task::from).collect(),
            indicators: table.indicators.into_iter().map(Indicator::from).collect(),
            warnings: table.warnings.into_iter().map(Warning::from).collect(),
            location: table.location.into(),
        }
    }
}
