//! The fields above the indicators: 项目名称, 项目编码, 主管部门, 实施单位/预算单位, the budget,
//! 资金支出计划 and the goals. Labels are found by content; a label's value is the next cell to
//! its right, the rest of its own cell (`年度资金总额： 8 万元`), or the cell below it.

use jixiao_grid::{CHECKED, Cell, Diagnostic, Location, UNCHECKED};

use crate::model::{Budget, CheckboxField, Goals, Project, SpendingItem, Task};
use crate::rows::Row;
use crate::text::{self, key};

/// What a label names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Name,
    Code,
    Department,
    Unit,
    Implementer,
    Manager,
    Category,
    Level,
    Start,
    End,
    Total,
    Fiscal,
    Other,
    LongTermTotal,
    /// 上年结转资金: last year's money carried into this year's total.
    Carryover,
    /// 项目起止时间 `2024.01-2024.12`: start and end in one cell.
    Period,
    SpendingPlan,
    Overall,
    Annual,
    LongTerm,
    /// 项目属性 / 项目期限 / 立项依据: checkbox fields, kept with their label.
    Checkboxes,
    /// 立项必要性, 项目实施内容…: kept as written under their label.
    Text,
    /// 年度主要任务: the task table of a department-level table.
    Tasks,
    /// 项目资金来源 / 财政资金来源: labelled sources on this row, amounts on the next.
    Sources,
}

/// Longest text, in bytes, that can be a label: the longest label with a unit in brackets and
/// some spaces.
const MAX_LABEL_BYTES: usize = 90;

/// Recognises a label by its key (NFKC, no whitespace), with a leading `其中：` ignored and a
/// trailing colon or unit in brackets allowed.
pub fn label(text: &str) -> Option<Field> {
    // Labels are short; a long cell is a value, answered without normalising it.
    if text.len() > MAX_LABEL_BYTES {
        return None;
    }
    let key = key(text);
    let key = key.strip_prefix("其中:").unwrap_or(&key);
    let key = key.trim_end_matches([':', '：']);
    // `项目资金(万元)`, `资金支出计划(%)`: the bracket is a unit, not part of the label.
    let base = match key.find('(') {
        Some(open) if key.ends_with(')') => &key[..open],
        _ => key,
    };
    let field = match base {
        "项目名称"
        | "部门(单位)名称"
        | "部门名称"
        | "单位名称"
        | "项目(政策)名称"
        | "专项(项目)名称" => Field::Name,
        "项目编码" | "项目代码" | "项目编号" => Field::Code,
        "主管部门" | "主管单位" | "主管部门及代码" => Field::Department,
        "预算单位" | "预算单位及代码" => Field::Unit,
        "实施单位" | "实施单位及责任人" | "项目实施单位" => Field::Implementer,
        "项目负责人/联系电话" | "项目负责人" | "负责人" | "联系电话" | "项目负责人及联系电话" => {
            Field::Manager
        }
        "项目类型" | "项目类别" | "项目性质" => Field::Category,
        "项目级次" => Field::Level,
        "开始时间" | "项目开始时间" | "计划开始日期" | "计划开始时间" => {
            Field::Start
        }
        "完成时间" | "结束时间" | "项目完成时间" | "计划完成日期" | "计划完成时间" => {
            Field::End
        }
        "项目起止时间" | "项目起止日期" | "起止时间" | "实施周期" => {
            Field::Period
        }
        "预算数"
        | "资金总额"
        | "年度资金总额"
        | "年度预算数"
        | "项目总额"
        | "预算金额"
        | "年度资金申请总额"
        | "年度预算资金总额"
        | "年度预算资金" => Field::Total,
        "财政资金" | "财政拨款" | "当年财政拨款" | "本年财政拨款" => {
            Field::Fiscal
        }
        "其他资金" => Field::Other,
        "上年结转资金" | "上年结转" => Field::Carryover,
        "中长期资金总额" | "中期资金总额" | "项目资金总额" | "实施期资金总额" => {
            Field::LongTermTotal
        }
        "资金支出计划" => Field::SpendingPlan,
        "绩效目标" | "年度总体目标" | "总体绩效目标" | "项目绩效目标" | "预期目标" => {
            Field::Overall
        }
        "年度目标" | "年度绩效目标" | "年度总目标" => Field::Annual,
        "中长期目标"
        | "长期目标"
        | "中长期绩效目标"
        | "项目总目标"
        | "实施期目标"
        | "项目实施期目标"
        | "项目实施期绩效目标"
        | "实施期总目标"
        | "实施期绩效目标" => Field::LongTerm,
        "项目属性" | "项目期限" | "立项依据" => Field::Checkboxes,
        "立项必要性"
        | "实施可行性"
        | "项目实施内容"
        | "项目概况"
        | "预算规模及资金用途"
        | "资金用途"
        | "使用范围"
        | "项目起止年限"
        | "备注"
        | "延续项目以前年度预算安排"
        | "资金管理办法"
        | "绩效分配方式"
        | "申请(补助)条件"
        | "实际完成情况" => Field::Text,
        "年度主要任务" => Field::Tasks,
        "项目资金来源" | "财政资金来源" => Field::Sources,
        _ => return None,
    };
    Some(field)
}

/// Labels that are fields only inside a table already opened: `总体目标` also heads the
/// narrative part of a document (`一、总体绩效目标` … `总体目标：`), where it must not open a
/// table.
fn label_in_table(text: &str) -> Option<Field> {
    if text.len() > MAX_LABEL_BYTES {
        return None;
    }
    match key(text).trim_end_matches([':', '：']) {
        "总体目标" => Some(Field::Overall),
        _ => None,
    }
}

/// Splits a cell that holds its label and its value: `年度资金总额： 8 万元`,
/// `其中：财政拨款 30万元`, `实施单位及责任人 市管局 戚思国`. Returns the field, the label and
/// the text after it.
pub fn inline_label(text: &str) -> Option<(Field, String, String)> {
    let trimmed = text.trim();
    let body = trimmed
        .strip_prefix("其中：")
        .or_else(|| trimmed.strip_prefix("其中:"))
        .unwrap_or(trimmed)
        .trim_start();
    if let Some(position) = body.find(|c: char| c == '：' || c == ':' || text::is_blank(c)) {
        let (head, rest) = body.split_at(position);
        let separator = rest.chars().next().map_or(1, char::len_utf8);
        if let Some(field) = label(head) {
            return Some((
                field,
                head.trim().to_string(),
                rest[separator..]
                    .trim_start_matches(['：', ':'])
                    .trim()
                    .to_string(),
            ));
        }
    }
    // `财政拨款46万元`: an amount written straight after its label.
    let digit = body.find(|c: char| c.is_ascii_digit())?;
    let (head, rest) = body.split_at(digit);
    let field = label(head)?;
    Some((field, head.trim().to_string(), rest.trim().to_string()))
}

/// A lossy converter leaves a ticked Wingdings box as the letter `R` before its label
/// (`R法律法规`); this turns such an `R` into `☑`. Only used on checkbox fields.
pub fn lossy_boxes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous: Option<char> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let at_token_start =
            previous.is_none_or(|p| text::is_blank(p) || p == CHECKED || p == UNCHECKED);
        let before_cjk = chars
            .peek()
            .is_some_and(|next| ('\u{4e00}'..='\u{9fff}').contains(next));
        if c == 'R' && at_token_start && before_cjk {
            out.push(CHECKED);
        } else {
            out.push(c);
        }
        previous = Some(c);
    }
    out
}

/// True when a cell holds checkboxes (or the `R` a lossy copy leaves for a ticked one).
fn has_boxes(text: &str) -> bool {
    lossy_boxes(text).contains([CHECKED, UNCHECKED])
}

/// The fields read so far for one table.
#[derive(Debug, Default)]
pub struct Fields {
    pub project: Project,
    pub budget: Budget,
    pub has_budget: bool,
    pub spending_plan: Vec<SpendingItem>,
    pub goals: Goals,
    /// 年度主要任务 rows of a department table.
    pub tasks: Vec<Task>,
    /// True when the name came from 部门（单位）名称: a department-level table.
    pub department: bool,
    /// Labels seen on this row whose value must come from the row below (`col`, field, label).
    pending_below: Vec<(usize, usize, Field, String)>,
    /// 资金支出计划 items waiting for the values row: (col, index in `spending_plan`).
    pending_plan: Vec<(usize, usize)>,
    /// The unit the 资金支出计划 label states (`资金支出计划（%）`).
    plan_unit: Option<String>,
    /// Where the last budget figure was read, for warnings about the budget.
    budget_location: Option<Location>,
    /// The last row read, for warnings about a field.
    last_location: Option<Location>,
    /// 项目资金来源 labels waiting for the amounts row: (col, label).
    pending_sources: Vec<(usize, String)>,
    /// Inside the 年度主要任务 rows of a department table.
    tasks_mode: Option<TaskColumns>,
    /// Columns of the 中长期 and 年度 amounts, so that the 财政拨款 / 其他资金 written under
    /// each are told apart.
    long_term_col: Option<usize>,
    annual_col: Option<usize>,
    /// Repairs made while reading fields.
    pub warnings: Vec<Diagnostic>,
}

/// Where the amounts of 年度主要任务 rows are: the columns of 合计 / 财政拨款 / 其他资金.
#[derive(Debug, Default, Clone)]
struct TaskColumns {
    total: Option<usize>,
    fiscal: Option<usize>,
    other: Option<usize>,
}

impl Fields {
    /// True when the project has been named.
    pub fn has_name(&self) -> bool {
        self.project.name.is_some()
    }

    /// Reads one row above the indicators.
    pub fn read_row(&mut self, row: &Row<'_>) {
        self.last_location = Some(row.location(None));
        let before = self.budget.clone();
        self.read_row_fields(row);
        if self.budget != before {
            self.budget_location = self.last_location.clone();
        }
    }

    fn read_row_fields(&mut self, row: &Row<'_>) {
        let cells: Vec<&Cell> = row.filled().collect();
        // Values promised by the previous row (labels whose value sits below them).
        if !self.pending_plan.is_empty() {
            let plan = std::mem::take(&mut self.pending_plan);
            // An empty values row is no row of the grid: when this row carries a label, the
            // plan was left blank and this row is read for its own fields.
            if !cells.iter().any(|cell| is_any_label(&cell.text)) {
                self.read_plan_values(row, &plan);
                return;
            }
        }
        if !self.pending_sources.is_empty() {
            let sources = std::mem::take(&mut self.pending_sources);
            self.read_sources(row, &cells, sources);
            return;
        }
        if !self.pending_below.is_empty() {
            let pending = std::mem::take(&mut self.pending_below);
            if self.read_below(row, &cells, pending) {
                return;
            }
        }
        if self.tasks_mode.is_some() {
            let ends_tasks = cells.first().is_some_and(|cell| {
                label(&cell.text).is_some_and(|field| {
                    !matches!(
                        field,
                        Field::Total | Field::Fiscal | Field::Other | Field::Carryover
                    )
                })
            });
            if ends_tasks {
                self.tasks_mode = None;
            } else {
                self.read_task_row(&cells);
                return;
            }
        }

        // `项目资金 | 合计 | 1. 一般公共预算收入 | …` over `来源 | 8万元 | 8万元`: the label of the
        // sources is split over two rows.
        if cells
            .first()
            .is_some_and(|cell| key(&cell.text) == "项目资金")
            && cells.iter().any(|cell| key(&cell.text) == "合计")
        {
            self.pending_sources = cells[1..]
                .iter()
                .map(|cell| (cell.col, text::clean(&cell.text)))
                .collect();
            return;
        }

        // A row such as `930006曹妃甸区市场监督管理局第六分局 | 单位：万元` names the budget unit
        // (the spending organisation) without a label.
        let mut stated_unit = false;
        let mut unlabelled: Option<String> = None;
        let mut index = 0;
        while index < cells.len() {
            let cell = cells[index];
            index += 1;
            let cell_text = text::clean(&cell.text);
            let whole = label(&cell_text).or_else(|| label_in_table(&cell_text));
            if whole.is_none()
                && let Some((field, label_text, rest)) = inline_label(&cell_text)
            {
                self.note_column(field, cell.col);
                if !rest.is_empty() {
                    if matches!(field, Field::Checkboxes | Field::Category) {
                        let mut value = rest;
                        index = absorb_boxes(&cells, index, &mut value);
                        self.set(field, &label_text, &value);
                    } else {
                        self.set_at(field, &label_text, &rest, cell.col);
                    }
                    continue;
                }
            }
            let Some(field) = whole.or_else(|| inline_label(&cell_text).map(|(field, _, _)| field))
            else {
                if self.read_unlabelled(&cell_text) {
                    stated_unit = true;
                } else if cell_text.len() > MAX_LABEL_BYTES {
                    // A long text with no label beside or above it: a goal or a description
                    // whose label the normaliser does not know. It is not placed, and says so.
                    let shown: String = cell_text.chars().take(30).collect();
                    self.warnings.push(
                        Diagnostic::new(
                            "field_doubtful",
                            format!(
                                "{}: the text {shown:?}… has no label the normaliser knows; it \
                                 was not placed in any field",
                                row.describe()
                            ),
                        )
                        .at(row.location(Some(cell.col))),
                    );
                } else if unlabelled.is_none() {
                    unlabelled = Some(cell_text);
                }
                continue;
            };
            let cell_text = cell_text.trim_end_matches(['：', ':']).to_string();
            self.note_column(field, cell.col);
            if let Some(unit) = bracket_unit(&cell_text) {
                self.note_unit(&unit);
            }
            match field {
                Field::SpendingPlan | Field::Sources => {
                    // Sub-labels follow on this row; their values are on the next row.
                    let labels: Vec<(usize, String)> = cells[index..]
                        .iter()
                        .map(|sub| (sub.col, text::clean(&sub.text)))
                        .collect();
                    if field == Field::SpendingPlan {
                        // The items exist from their labels on: a values row left blank has
                        // no cell in the grid, and the plan must not wait for it.
                        self.plan_unit = bracket_unit(&cell_text).or(self.plan_unit.take());
                        self.pending_plan = labels
                            .into_iter()
                            .map(|(col, label)| {
                                self.spending_plan.push(SpendingItem {
                                    label,
                                    ..SpendingItem::default()
                                });
                                (col, self.spending_plan.len() - 1)
                            })
                            .collect();
                    } else {
                        self.pending_sources = labels;
                    }
                    return;
                }
                Field::Tasks => {
                    self.tasks_mode = Some(TaskColumns::default());
                    return;
                }
                // An amount may sit after sub-labels (`财政拨款 | 小计 | 3.5`): take the first
                // figure before the next label.
                Field::Total
                | Field::Fiscal
                | Field::Other
                | Field::Carryover
                | Field::LongTermTotal => {
                    let mut scan = index;
                    while let Some(next) = cells.get(scan) {
                        if label(&next.text).is_some() || inline_label(&next.text).is_some() {
                            break;
                        }
                        scan += 1;
                        if text::parse_amount(&next.text).is_some() {
                            self.set_at(field, &cell_text, &next.text, cell.col);
                            index = scan;
                            break;
                        }
                    }
                    continue;
                }
                _ => {}
            }
            // The value is the next cell to the right, unless that is a label too.
            match cells.get(index) {
                Some(next) if label(&next.text).is_none() && inline_label(&next.text).is_none() => {
                    let mut value = text::clean(&next.text);
                    index += 1;
                    if matches!(field, Field::Checkboxes | Field::Category) {
                        index = absorb_boxes(&cells, index, &mut value);
                    }
                    self.set(field, &cell_text, &value);
                }
                _ => {
                    // No value on this row: it may sit below the label, across the label's
                    // columns and up to the next label.
                    let end = cells
                        .get(index)
                        .map_or(row.grid.cols(), |next| next.col)
                        .max(cell.col + cell.col_span);
                    if matches!(
                        field,
                        Field::Overall | Field::Annual | Field::LongTerm | Field::Text
                    ) {
                        self.pending_below
                            .push((cell.col, end, field, cell_text.clone()));
                    }
                }
            }
        }
        if stated_unit
            && self.project.unit.is_none()
            && let Some(name) = unlabelled.filter(|name| text::parse_amount(name).is_none())
        {
            self.project.unit = Some(name);
        }
    }

    /// Fills the 资金支出计划 items from their values row, each value under its label.
    fn read_plan_values(&mut self, row: &Row<'_>, plan: &[(usize, usize)]) {
        for &(col, index) in plan {
            let raw = text::clean(row.at(col).origin_text());
            let parsed = plan_value(&raw, self.plan_unit.as_deref());
            let Some(item) = self.spending_plan.get_mut(index) else {
                continue;
            };
            if parsed.is_none() && !raw.is_empty() {
                self.warnings.push(
                    Diagnostic::new(
                        "field_doubtful",
                        format!(
                            "{}: the 资金支出计划 value {raw:?} under {} is no figure; it is kept as \
                             written, with no value",
                            row.describe(),
                            item.label
                        ),
                    )
                    .at(row.location(Some(col))),
                );
            }
            item.value = parsed.as_ref().map(|(value, _)| *value);
            item.unit = parsed.and_then(|(_, unit)| unit);
            item.raw = raw;
        }
    }

    /// Reads the row below goal labels (`中长期目标 | 年度目标` with their texts underneath).
    /// Returns false when the row holds nothing for them.
    fn read_below(
        &mut self,
        row: &Row<'_>,
        cells: &[&Cell],
        pending: Vec<(usize, usize, Field, String)>,
    ) -> bool {
        if cells.iter().any(|cell| label(&cell.text).is_some()) {
            return false;
        }
        // One text under a 中长期目标 / 年度目标 pair is the 年度 goal: the long-term column of
        // these templates is a placeholder (`20**年—20**年`), and a lossy copy slides the lone
        // text left when it drops the empty cell.
        let annual = pending
            .iter()
            .find(|(_, _, field, _)| *field == Field::Annual);
        if cells.len() == 1
            && pending.len() > 1
            && let Some((start, _, _, label)) = annual
        {
            let text = text::clean(&cells[0].text);
            if cells[0].col < *start {
                self.warnings.push(
                    Diagnostic::new(
                        "goal_realigned",
                        format!(
                            "{}: the only goal text sits left of {label}; it was read as the 年度目标",
                            row.describe()
                        ),
                    )
                    .at(row.location(Some(cells[0].col))),
                );
            }
            let label = label.clone();
            self.set(Field::Annual, &label, &text);
            return true;
        }
        // One label left without a value and one text on the row below it: that text is
        // its value (`预算规模及资金用途` over `| 资金用途…`), wherever it sits.
        if let ([(_, _, field, label)], [cell]) = (pending.as_slice(), cells) {
            let text = text::clean(&cell.text);
            self.set(*field, label, &text);
            return true;
        }
        let mut used = false;
        for (start, end, field, label) in pending {
            let value = text::clean(&row.text_in(start, end));
            if !value.is_empty() {
                used = true;
                self.set(field, &label, &value);
            }
        }
        used
    }

    /// Reads the amounts row under 项目资金来源 labels (`合计 | 1. 一般公共预算收入 | …`).
    fn read_sources(&mut self, row: &Row<'_>, cells: &[&Cell], labels: Vec<(usize, String)>) {
        for (col, label) in labels {
            let raw = text::clean(row.at(col).origin_text());
            if raw.is_empty() && label.is_empty() {
                continue;
            }
            if text::key(&label) == "合计"
                && let Some((amount, unit)) = text::parse_amount(&raw)
            {
                if let Some(unit) = unit {
                    self.note_unit(&unit);
                }
                if self.budget.total.is_none() {
                    self.budget.total = Some(amount);
                }
            }
            self.budget.sources.push(amount_item(label, raw));
            self.has_budget = true;
        }
        // Amounts that slid out of their labelled columns are kept, not lost.
        for cell in cells {
            if !self
                .budget
                .sources
                .iter()
                .any(|source| source.raw == text::clean(&cell.text))
            {
                let raw = text::clean(&cell.text);
                if text::key(&raw) != "来源" {
                    self.budget.sources.push(amount_item(String::new(), raw));
                }
            }
        }
    }

    /// Reads one 年度主要任务 row: a sub-header (`合计 | 财政拨款 | 其他资金`), the total line
    /// (`合计`), or a task with its name, content and amounts. Amounts are taken by the
    /// sub-header's columns when they sit there, else in order.
    fn read_task_row(&mut self, cells: &[&Cell]) {
        let Some(columns) = self.tasks_mode.as_mut() else {
            return;
        };
        let keys: Vec<String> = cells.iter().map(|cell| key(&cell.text)).collect();
        if keys
            .iter()
            .all(|key| matches!(key.as_str(), "合计" | "财政拨款" | "其他资金"))
        {
            for (cell, key) in cells.iter().zip(&keys) {
                match key.as_str() {
                    "合计" => columns.total = Some(cell.col),
                    "财政拨款" => columns.fiscal = Some(cell.col),
                    _ => columns.other = Some(cell.col),
                }
            }
            return;
        }
        let columns = columns.clone();
        let mut texts = Vec::new();
        let mut amounts: Vec<(usize, f64)> = Vec::new();
        for cell in cells {
            match text::parse_amount(&cell.text) {
                Some((amount, _)) => amounts.push((cell.col, amount)),
                None => texts.push(text::clean(&cell.text)),
            }
        }
        let by_column = |col: Option<usize>| {
            col.and_then(|col| {
                amounts
                    .iter()
                    .find(|(at, _)| *at == col)
                    .map(|(_, amount)| *amount)
            })
        };
        // By column only when every amount sits under a sub-header and the total is among
        // them; a row whose amounts slid gives its total first.
        let fits = amounts
            .iter()
            .all(|(col, _)| [columns.total, columns.fiscal, columns.other].contains(&Some(*col)))
            && by_column(columns.total).is_some();
        let (total, fiscal, other) = if fits {
            (
                by_column(columns.total),
                by_column(columns.fiscal),
                by_column(columns.other),
            )
        } else {
            let mut ordered = amounts.iter().map(|(_, amount)| *amount);
            (ordered.next(), ordered.next(), ordered.next())
        };
        let mut texts = texts.into_iter();
        let Some(name) = texts.next() else {
            return;
        };
        if key(&name) == "合计" {
            self.budget.total = self.budget.total.or(total);
            self.budget.fiscal = self.budget.fiscal.or(fiscal);
            self.budget.other = self.budget.other.or(other);
            self.has_budget = total.is_some() || self.has_budget;
            return;
        }
        let content = texts.collect::<Vec<_>>().join("\n");
        self.tasks_list_push(Task {
            name,
            content: Some(content).filter(|content| !content.is_empty()),
            total,
            fiscal,
            other,
        });
    }

    fn tasks_list_push(&mut self, task: Task) {
        self.tasks.push(task);
    }

    /// Remembers where the 中长期 and 年度 amount labels are.
    fn note_column(&mut self, field: Field, col: usize) {
        match field {
            Field::LongTermTotal => self.long_term_col = Some(col),
            Field::Total if self.long_term_col.is_some() => self.annual_col = Some(col),
            _ => {}
        }
    }

    /// Stores a labelled value found at column `col`: a 财政拨款 / 其他资金 written under the
    /// 中长期 total is the long-term split, not the year's.
    fn set_at(&mut self, field: Field, label: &str, value: &str, col: usize) {
        if matches!(field, Field::Fiscal | Field::Other | Field::Carryover)
            && let (Some(long_term), Some(annual)) = (self.long_term_col, self.annual_col)
            && col.abs_diff(long_term) < col.abs_diff(annual)
        {
            return;
        }
        self.set(field, label, value);
    }

    /// Text with no label: the budget unit (`单位：万元`, `项目资金(万元)`) or a free-standing
    /// line. Returns true when the text stated a unit.
    fn read_unlabelled(&mut self, text: &str) -> bool {
        // `单位：万元`, `项目资金(万元)`: short cells; anything long is a value.
        if text.len() > MAX_LABEL_BYTES {
            return false;
        }
        let key = key(text);
        if let Some(unit) = key
            .strip_prefix("单位:")
            .or_else(|| key.strip_prefix("金额单位:"))
        {
            self.note_unit(unit);
            return true;
        }
        if (key.contains("资金") || key.contains("金额"))
            && let Some(unit) = bracket_unit(&key)
        {
            self.note_unit(&unit);
        }
        false
    }

    fn note_unit(&mut self, unit: &str) {
        if matches!(unit, "万元" | "元" | "千元" | "亿元") {
            self.budget.unit = unit.to_string();
        }
    }

    /// Stores one labelled value.
    pub fn set(&mut self, field: Field, label: &str, value: &str) {
        let value = strip_markup(value.trim());
        let value = value.as_str();
        let project = &mut self.project;
        let set_text = |slot: &mut Option<String>| {
            if slot.is_none() && !value.is_empty() {
                *slot = Some(value.to_string());
            }
        };
        match field {
            Field::Name => {
                if key(label).starts_with("部门") {
                    self.department = true;
                }
                set_text(&mut project.name)
            }
            Field::Code => set_text(&mut project.code),
            Field::Department => set_text(&mut project.department),
            Field::Unit => set_text(&mut project.unit),
            Field::Implementer => set_text(&mut project.implementer),
            Field::Manager => set_text(&mut project.manager),
            Field::Level => set_text(&mut project.level),
            Field::Start => set_text(&mut project.start),
            Field::End => set_text(&mut project.end),
            Field::Category => {
                if has_boxes(value) {
                    self.project.checkboxes.push(checkboxes(label, value));
                } else {
                    set_text(&mut project.category);
                }
            }
            Field::Period => self.set_period(value),
            Field::Checkboxes => {
                if has_boxes(value) {
                    self.project.checkboxes.push(checkboxes(label, value));
                } else if key(label) == "项目期限" && split_period(value).is_some() {
                    // `项目期限 2024-2026`: a period, not a checkbox field.
                    self.set_period(value);
                } else if !value.is_empty() {
                    self.project.fields.push((key(label), value.to_string()));
                }
            }
            Field::Total
            | Field::Fiscal
            | Field::Other
            | Field::Carryover
            | Field::LongTermTotal => {
                let Some((amount, unit)) = text::parse_amount(value) else {
                    return;
                };
                if let Some(unit) = unit {
                    self.note_unit(&unit);
                }
                let budget = &mut self.budget;
                let slot = match field {
                    Field::Total => &mut budget.total,
                    Field::Fiscal => &mut budget.fiscal,
                    Field::Other => &mut budget.other,
                    Field::Carryover => &mut budget.carryover,
                    _ => &mut budget.long_term_total,
                };
                if slot.is_none() {
                    *slot = Some(amount);
                    self.has_budget = true;
                }
            }
            Field::SpendingPlan | Field::Tasks | Field::Sources => {}
            Field::Overall => {
                if self.goals.overall.is_empty() {
                    self.goals.overall = value
                        .lines()
                        .map(str::trim)
                        .filter(|line| !line.is_empty())
                        .map(str::to_string)
                        .collect();
                }
            }
            Field::Annual => {
                if self.goals.annual.is_none() && !value.is_empty() {
                    self.goals.annual = Some(value.to_string());
                }
            }
            Field::LongTerm => {
                if self.goals.long_term.is_none() && !value.is_empty() {
                    self.goals.long_term = Some(value.to_string());
                }
            }
            Field::Text => {
                if !value.is_empty() {
                    self.project.fields.push((key(label), value.to_string()));
                }
            }
        }
    }

    /// Stores `2024.01-2024.12` / `2024年1月至2024年12月` as start and end; text that is no
    /// period (`1-12月`, `长期`) is kept whole as the start, with a warning.
    fn set_period(&mut self, value: &str) {
        if value.is_empty() {
            return;
        }
        match split_period(value) {
            Some((start, end)) => {
                if self.project.start.is_none() {
                    self.project.start = Some(start);
                }
                if self.project.end.is_none() {
                    self.project.end = Some(end);
                }
            }
            None => {
                self.project
                    .fields
                    .push(("项目起止时间".to_string(), value.to_string()));
                self.doubt(format!(
                    "the project period {value:?} is not a start and an end; it is kept under \
                     fields, and start and end are left empty"
                ));
            }
        }
    }

    /// A `field_doubtful` warning at the last row read.
    fn doubt(&mut self, message: String) {
        let mut diagnostic = Diagnostic::new("field_doubtful", message);
        if let Some(location) = self.last_location.clone() {
            diagnostic = diagnostic.at(location);
        }
        self.warnings.push(diagnostic);
    }

    /// The warnings about the fields, once every row above the indicators was read: the
    /// budget is checked here, when all its figures are known. A total that is not written is
    /// the sum of its parts (with a warning); parts that do not add up to the total written are
    /// kept as written (with a warning).
    pub fn take_warnings(&mut self) -> Vec<Diagnostic> {
        if self.has_budget {
            let budget = self.budget.clone();
            let parts: Vec<(&str, f64)> = [
                ("财政拨款", budget.fiscal),
                ("上年结转资金", budget.carryover),
                ("其他资金", budget.other),
            ]
            .into_iter()
            .filter_map(|(name, amount)| amount.map(|amount| (name, amount)))
            .collect();
            let sum: f64 = parts.iter().map(|(_, amount)| amount).sum();
            let names = parts
                .iter()
                .map(|(name, amount)| format!("{name} {amount}"))
                .collect::<Vec<_>>()
                .join(" + ");
            let location = self.budget_location.clone();
            let mut doubt = |message: String| {
                let mut diagnostic = Diagnostic::new("field_doubtful", message);
                if let Some(location) = location.clone() {
                    diagnostic = diagnostic.at(location);
                }
                self.warnings.push(diagnostic);
            };
            match budget.total {
                None if budget.fiscal.is_some() => doubt(format!(
                    "the table writes no total; the budget total {sum} is the sum of its parts \
                     ({names})"
                )),
                // Parts may be missing (a source the table names but the model has no slot
                // for), so only a sum above the total, or a full set of parts that differs,
                // is a contradiction.
                Some(total)
                    if budget.fiscal.is_some()
                        && (sum > total + 0.005
                            || (budget.other.is_some() && (sum - total).abs() > 0.005)) =>
                {
                    doubt(format!(
                        "the budget parts do not add up: {names} = {sum}, but the total written \
                         is {total}; the figures are kept as written"
                    ))
                }
                _ => {}
            }
        }
        std::mem::take(&mut self.warnings)
    }

    /// The budget, when any figure was found; a missing total is the sum of its parts.
    pub fn budget(&self) -> Option<Budget> {
        if !self.has_budget {
            return None;
        }
        let mut budget = self.budget.clone();
        if budget.unit.is_empty() {
            budget.unit = "万元".to_string();
        }
        if budget.total.is_none()
            && let Some(fiscal) = budget.fiscal
        {
            budget.total =
                Some(fiscal + budget.carryover.unwrap_or(0.0) + budget.other.unwrap_or(0.0));
        }
        Some(budget)
    }
}

/// Splits a project period into start and end: `2024.01-2024.12`, `2024年1月至2024年12月`,
/// `2024-2026`, `2024.1.1—2024.12.31`. Both ends must name a year.
fn split_period(value: &str) -> Option<(String, String)> {
    let value = key(value);
    for separator in ["至", "—", "－", "~", "～", "-", "–"] {
        if let Some((start, end)) = value.split_once(separator) {
            let is_date = |text: &str| {
                text.len() >= 4
                    && text.chars().take(4).all(|c| c.is_ascii_digit())
                    && text.chars().all(|c| {
                        c.is_ascii_digit() || matches!(c, '.' | '/' | '-' | '年' | '月' | '日')
                    })
            };
            if is_date(start) && is_date(end) {
                return Some((start.to_string(), end.to_string()));
            }
        }
    }
    None
}

/// A labelled amount as written, with its figure when it has one (`30万元` → 30 `万元`).
fn amount_item(label: String, raw: String) -> SpendingItem {
    let parsed = plan_value(&raw, None);
    SpendingItem {
        label,
        value: parsed.as_ref().map(|(value, _)| *value),
        unit: parsed.and_then(|(_, unit)| unit),
        raw,
    }
}

/// True when a cell's text is a field label, alone or with its value.
fn is_any_label(text: &str) -> bool {
    label(text).is_some() || inline_label(text).is_some()
}

/// Reads one 资金支出计划 value: `25.00%` → 25 `%`, `0.5` under a `(%)` label → 0.5 `%`,
/// `3 万元` → 3 `万元`. `None` when the cell is empty or holds no figure (`7%5`).
pub fn plan_value(raw: &str, label_unit: Option<&str>) -> Option<(f64, Option<String>)> {
    let key = key(raw);
    if let Some(number) = key.strip_suffix('%') {
        let (value, unit) = text::parse_amount(number)?;
        return unit.is_none().then(|| (value, Some("%".to_string())));
    }
    let (value, unit) = text::parse_amount(&key)?;
    Some((value, unit.or_else(|| label_unit.map(str::to_string))))
}

/// Removes the paragraph tags that some finance systems leave in the text of a cell
/// (`<p>一、…</p> <p>二、…</p>`): each paragraph becomes a line.
pub fn strip_markup(text: &str) -> String {
    if !text.contains("<p>") && !text.contains("</p>") && !text.contains("<br") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let tag_end = rest[open..].find('>').map(|end| open + end + 1);
        let tag = tag_end.map(|end| rest[open..end].to_ascii_lowercase());
        match (tag_end, tag.as_deref()) {
            (Some(end), Some("<p>" | "<br>" | "<br/>" | "<br />")) => {
                if !out.trim().is_empty() && !out.ends_with('\n') {
                    out.push('\n');
                }
                rest = &rest[end..];
            }
            (Some(end), Some("</p>")) => rest = &rest[end..],
            _ => {
                out.push('<');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    text::clean(&out)
}

/// Appends to a checkbox value the cells right of it that carry more boxes (a row such as
/// `项目类型 | ☐ 产业发展 | ☑ 民生保障 | ☐ 其他`). Returns the index after the last one taken.
fn absorb_boxes(cells: &[&Cell], mut index: usize, value: &mut String) -> usize {
    while let Some(next) = cells.get(index) {
        let text = text::clean(&next.text);
        if label(&text).is_some()
            || !has_boxes(&text)
            || !lossy_boxes(&text).starts_with([CHECKED, UNCHECKED])
        {
            break;
        }
        value.push(' ');
        value.push_str(&text);
        index += 1;
    }
    index
}

/// `项目资金(万元)` → `万元`.
fn bracket_unit(text: &str) -> Option<String> {
    let key = key(text);
    let open = key.find('(')?;
    let inner = key[open + 1..].strip_suffix(')')?;
    Some(inner.to_string())
}

/// Reads `☐新增项目 ☑延续项目` into checked and unchecked labels.
pub fn checkboxes(label: &str, value: &str) -> CheckboxField {
    let mut field = CheckboxField {
        label: key(label).trim_end_matches([':', '：']).to_string(),
        ..CheckboxField::default()
    };
    let mut current: Option<(bool, String)> = None;
    let finish = |current: &mut Option<(bool, String)>, field: &mut CheckboxField| {
        if let Some((checked, text)) = current.take() {
            let text = text.trim().to_string();
            if text.is_empty() {
                return;
            }
            if checked {
                field.checked.push(text);
            } else {
                field.unchecked.push(text);
            }
        }
    };
    for c in lossy_boxes(value).chars() {
        match c {
            CHECKED | UNCHECKED => {
                finish(&mut current, &mut field);
                current = Some((c == CHECKED, String::new()));
            }
            _ => {
                if let Some((_, text)) = current.as_mut() {
                    text.push(c);
                }
            }
        }
    }
    finish(&mut current, &mut field);
    field
}

#[cfg(test)]
mod tests;
