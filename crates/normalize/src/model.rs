//! The tables the normaliser produces: plain Rust, no serialisation (only the output crate
//! knows JSON). Field meanings follow SPEC.md.

use jixiao_grid::{Diagnostic, Location};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::value::Parsed;

/// Everything found in one document.
#[derive(Debug, Clone, Default)]
pub struct Extraction {
    /// The document's heading, when it has one.
    pub title: Option<String>,
    /// Every performance target table, in document order.
    pub tables: Vec<Table>,
    /// Repairs and doubts that belong to no single table.
    pub warnings: Vec<Diagnostic>,
}

/// 项目支出 (project), 部门整体支出 (department), 绩效自评 (self-evaluation: targets beside what was
/// achieved and scored) or 执行监控 (monitoring: targets beside execution to date and the forecast).
///
/// Serialised as `project`, `department`, `self_evaluation` or `monitoring` (the output's
/// `kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(
    description = "`project` (项目支出), `department` (部门整体支出), `self_evaluation` (绩效自评表: targets beside\nwhat was achieved and scored) or `monitoring` (绩效目标执行监控表: targets beside execution to\ndate and the full-year forecast)."
)]
pub enum TableKind {
    #[default]
    Project,
    Department,
    SelfEvaluation,
    Monitoring,
}

impl TableKind {
    /// The name as written in the output's `kind`.
    pub fn name(self) -> &'static str {
        match self {
            TableKind::Project => "project",
            TableKind::Department => "department",
            TableKind::SelfEvaluation => "self_evaluation",
            TableKind::Monitoring => "monitoring",
        }
    }
}

/// One performance target table.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub kind: TableKind,
    /// The caption above the table, e.g. `1、办公场所租赁费绩效目标表`.
    pub title: Option<String>,
    pub project: Project,
    pub budget: Option<Budget>,
    pub spending_plan: Vec<SpendingItem>,
    pub goals: Goals,
    /// 年度主要任务 of a department table.
    pub tasks: Vec<Task>,
    pub indicators: Vec<Indicator>,
    pub warnings: Vec<Diagnostic>,
    pub location: Location,
    /// The grid rows read into this table and the role of each of their cells, in reading
    /// order. Not serialised; see [`RowRead`].
    pub rows: Vec<RowRead>,
}

/// The fields that name a project (or a department).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Project {
    /// 项目名称 (or 部门（单位）名称 for a department table).
    pub name: Option<String>,
    /// 项目编码.
    pub code: Option<String>,
    /// 主管部门.
    pub department: Option<String>,
    /// 预算单位, or 实施单位 when the table has no 预算单位.
    pub unit: Option<String>,
    /// 实施单位 / 实施单位及责任人, when the table names it apart from the budget unit.
    pub implementer: Option<String>,
    /// 项目负责人 / 联系电话.
    pub manager: Option<String>,
    /// 项目类型, as text (or the checked labels joined, see `checkboxes`).
    pub category: Option<String>,
    /// 项目级次.
    pub level: Option<String>,
    /// 开始时间 / 完成时间 / 项目起止年限.
    pub start: Option<String>,
    pub end: Option<String>,
    /// Checkbox fields: the label (项目属性, 项目期限, 立项依据, 项目类型…) and its checked boxes.
    pub checkboxes: Vec<CheckboxField>,
    /// Other labelled fields above the indicators, as written (立项必要性, 项目实施内容…).
    pub fields: Vec<(String, String)>,
}

/// A field made of checkboxes, e.g. 项目属性 ☐新增项目 ☑延续项目.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckboxField {
    pub label: String,
    pub checked: Vec<String>,
    pub unchecked: Vec<String>,
}

/// Budget figures as numbers in `unit` (万元 unless the table says otherwise).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Budget {
    pub unit: String,
    /// 预算数 / 资金总额 / 年度资金总额.
    pub total: Option<f64>,
    /// 财政资金 / 财政拨款.
    pub fiscal: Option<f64>,
    /// 其他资金.
    pub other: Option<f64>,
    /// 上年结转资金: last year's money carried into this year's total.
    pub carryover: Option<f64>,
    /// 中长期资金总额 / 项目资金总额 / 实施期资金总额, when the table gives it.
    pub long_term_total: Option<f64>,
    /// 项目资金来源: each labelled source with its amount as written.
    pub sources: Vec<SpendingItem>,
}

/// One labelled amount as written, e.g. a 资金支出计划 column: `3月底` → `25%`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpendingItem {
    pub label: String,
    /// The cell as written.
    pub raw: String,
    /// The figure of `raw` (`25.00%` → 25), `None` when the cell is empty or holds no figure.
    pub value: Option<f64>,
    /// The figure's unit: written in the cell (`%`, `万元`) or stated by the label
    /// (`资金支出计划（%）`).
    pub unit: Option<String>,
}

/// 绩效目标 / 年度目标 / 中长期目标.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Goals {
    /// The overall goal text, one entry per numbered item or paragraph.
    pub overall: Vec<String>,
    pub annual: Option<String>,
    pub long_term: Option<String>,
}

/// One 年度主要任务 row of a department table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Task {
    pub name: String,
    pub content: Option<String>,
    pub total: Option<f64>,
    pub fiscal: Option<f64>,
    pub other: Option<f64>,
}

/// Which period a value column speaks of (the output's `period`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(description = "The period a value column speaks of.")]
pub enum Period {
    Annual,
    HalfYear,
    LongTerm,
    /// 实际完成值 of a self-evaluation.
    Actual,
    /// 1-N月执行数 / 执行情况 of a monitoring table.
    ToDate,
    /// 全年预计完成 of a monitoring table.
    Forecast,
}

impl Period {
    pub fn name(self) -> &'static str {
        match self {
            Period::Annual => "annual",
            Period::HalfYear => "half_year",
            Period::LongTerm => "long_term",
            Period::Actual => "actual",
            Period::ToDate => "to_date",
            Period::Forecast => "forecast",
        }
    }
}

/// One value cell of an indicator row.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// The value column's header, NFKC-normalised, whitespace removed: `指标值`, `全年(程)指标值`.
    pub label: String,
    pub period: Option<Period>,
    /// The cell text as written (trimmed; lines wrapped inside one cell joined).
    pub raw: String,
    /// The value read by the grammar; `None` when the cell is empty.
    pub parsed: Option<Parsed>,
}

/// One 三级指标 row.
#[derive(Debug, Clone, PartialEq)]
pub struct Indicator {
    /// Canonical 一级指标.
    pub level1: String,
    /// Canonical 二级指标.
    pub level2: String,
    /// 三级指标 text.
    pub level3: String,
    /// 绩效指标描述 / 指标内容.
    pub description: Option<String>,
    /// 指标值确定依据.
    pub basis: Option<String>,
    pub values: Vec<Value>,
    /// The 一级 text as written, when it differs from `level1`.
    pub level1_raw: Option<String>,
    /// The 二级 text as written, when it differs from `level2`.
    pub level2_raw: Option<String>,
    /// The columns some forms give an indicator beside its values (指标性质, 度量单位, 分值…).
    pub extra: Extra,
    pub location: Location,
}

/// What an indicator row says in columns of their own beside the values, each as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extra {
    /// 指标性质 / 指标值类型 / 指标方向 / 计算符号 (`≥`, `＝`, `定性`…).
    pub nature: Option<String>,
    /// 度量单位 / 计量单位.
    pub unit: Option<String>,
    /// 分值 / 权重.
    pub weight: Option<String>,
    /// 得分 of a self-evaluation.
    pub score: Option<String>,
    /// 评(扣)分标准.
    pub scoring: Option<String>,
    /// 绩效标准 (计划标准 / 历史标准 / 行业标准).
    pub standard: Option<String>,
    /// 偏差原因分析及改进措施 / 原因说明.
    pub deviation: Option<String>,
}

/// What the normaliser made of one grid row it took into a table, for the people who check its
/// work (`jixiao inspect`, `jixiao review`). It names grid slots only; the output documents do
/// not carry it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowRead {
    /// The grid's index in the document (0-based, as `location.grid`).
    pub grid: usize,
    /// The row's index in the grid (0-based, as `location.row`).
    pub row: usize,
    pub kind: RowKind,
    /// Every cell that starts on the row (by its first column), with the role it got.
    pub cells: Vec<(usize, CellRole)>,
}

/// How a row was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// Labelled fields above (or below) the indicators.
    Fields,
    /// An indicator header row (or the second row of one).
    Header,
    /// An indicator row: `count` indicators were read from it, 0 when it continued the one
    /// above (a wrapped 三级 text or value).
    Indicators { count: usize },
    /// Read and left out (a 合计 row).
    Skipped,
}

/// The column a cell stands in under the indicator header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Level1,
    Level2,
    Level3,
    Description,
    Basis,
    Value,
    /// 指标性质, 度量单位, 分值, 得分, 评分标准, 绩效标准, 偏差原因.
    Extra,
    /// A list table's project column (项目名称, 项目总额…).
    Project,
    /// Named by the header and kept out of every role (备注, 活动, unknown names).
    Ignored,
}

impl Column {
    pub fn name(self) -> &'static str {
        match self {
            Column::Level1 => "level1",
            Column::Level2 => "level2",
            Column::Level3 => "level3",
            Column::Description => "description",
            Column::Basis => "basis",
            Column::Value => "value",
            Column::Extra => "extra",
            Column::Project => "project",
            Column::Ignored => "ignored",
        }
    }
}

/// The role one cell got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellRole {
    /// A header cell, with the column it names (`None`: a column no role was given, such as a
    /// side label 绩效指标).
    Header(Option<Column>),
    /// A cell of an indicator row, by the header's column it stands in (`None`: outside every
    /// named column).
    Indicator(Option<Column>),
    FieldLabel,
    FieldValue,
    /// In a row that was read and left out.
    Ignored,
}

impl CellRole {
    /// A short name: `header`, `level1`, `level2`, `level3`, `value`, `detail` (description,
    /// basis and the extra columns), `project`, `field_label`, `field_value`, `ignored`.
    pub fn name(self) -> &'static str {
        match self {
            CellRole::Header(_) => "header",
            CellRole::Indicator(Some(column)) => match column {
                Column::Description | Column::Basis | Column::Extra => "detail",
                Column::Project => "field_value",
                other => other.name(),
            },
            CellRole::Indicator(None) => "ignored",
            CellRole::FieldLabel => "field_label",
            CellRole::FieldValue => "field_value",
            CellRole::Ignored => "ignored",
        }
    }
}
