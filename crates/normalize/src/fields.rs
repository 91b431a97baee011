//! The fields above the indicators: 项目名称, 项目编码, 主管部门, 实施单位/预算单位, the budget,
//! 资金支出计划 and the goals. Labels are found by content; a label's value is the next cell to
//! its right, the rest of its own cell (`年度资金总额： 8 万元`), or the cell below it.

use jixiao_grid::{CHECKED, Cell, UNCHECKED};

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
    SpendingPlan,
    Overall,
    Annual,
    LongTerm,
    /// 项目属性 / 项目期限 / 立项依据: checkbox fields, kept with their label.
    Checkboxes,
    /// 立项必要性, 项目实施内容…: kept as written under their label.
    Text,
}

/// Recognises a label by its key (NFKC, no whitespace), with a leading `其中：` ignored and a
/// trailing colon or unit in brackets allowed.
pub fn label(text: &str) -> Option<Field> {
    let key = key(text);
    let key = key.strip_prefix("其中:").unwrap_or(&key);
    let key = key.trim_end_matches([':', '：']);
    // `项目资金(万元)`, `资金支出计划(%)`: the bracket is a unit, not part of the label.
    let base = match key.find('(') {
        Some(open) if key.ends_with(')') => &key[..open],
        _ => key,
    };
    let field = match base {
        "项目名称" | "部门(单位)名称" | "部门名称" | "单位名称" | "项目(政策)名称" => {
            Field::Name
        }
        "项目编码" | "项目代码" | "项目编号" => Field::Code,
        "主管部门" | "主管单位" | "主管部门及代码" => Field::Department,
        "预算单位" | "预算单位及代码" => Field::Unit,
        "实施单位" | "实施单位及责任人" | "项目实施单位" => Field::Implementer,
        "项目负责人/联系电话" | "项目负责人" | "负责人" | "联系电话" | "项目负责人及联系电话" => {
            Field::Manager
        }
        "项目类型" | "项目类别" => Field::Category,
        "项目级次" => Field::Level,
        "开始时间" | "项目开始时间" => Field::Start,
        "完成时间" | "结束时间" | "项目完成时间" => Field::End,
        "预算数" | "资金总额" | "年度资金总额" | "年度预算数" | "项目总额" | "预算金额" => {
            Field::Total
        }
        "财政资金" | "财政拨款" => Field::Fiscal,
        "其他资金" => Field::Other,
        "中长期资金总额" | "中期资金总额" => Field::LongTermTotal,
        "资金支出计划" => Field::SpendingPlan,
        "绩效目标" | "年度总体目标" | "总体绩效目标" | "项目绩效目标" => {
            Field::Overall
        }
        "年度目标" | "年度绩效目标" => Field::Annual,
        "中长期目标" | "长期目标" | "中长期绩效目标" => Field::LongTerm,
        "项目属性" | "项目期限" | "立项依据" => Field::Checkboxes,
        "立项必要性"
        | "实施可行性"
        | "项目实施内容"
        | "项目概况"
        | "预算规模及资金用途"
        | "资金用途"
        | "使用范围"
        | "项目起止年限"
        | "项目资金来源"
        | "备注" => Field::Text,
        _ => return None,
    };
    Some(field)
}

/// Splits `年度资金总额： 8 万元` into its label and the text after the colon.
pub fn inline_label(text: &str) -> Option<(Field, String, String)> {
    let position = text.find(['：', ':'])?;
    let (head, rest) = text.split_at(position);
    let colon = rest.chars().next().map_or(1, char::len_utf8);
    let field = label(head)?;
    Some((
        field,
        head.trim().to_string(),
        rest[colon..].trim().to_string(),
    ))
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
    /// 资金支出计划 sub-labels waiting for the values row: (col, label).
    pending_plan: Vec<(usize, String)>,
}

impl Fields {
    /// True when the project has been named.
    pub fn has_name(&self) -> bool {
        self.project.name.is_some()
    }

    /// Reads one row above the indicators.
    pub fn read_row(&mut self, row: &Row<'_>) {
        let cells: Vec<&Cell> = row.filled().collect();
        // Values promised by the previous row (labels whose value sits below them).
        if !self.pending_plan.is_empty() {
            let plan = std::mem::take(&mut self.pending_plan);
            for (col, label) in plan {
                let raw = text::clean(row.at(col).origin_text());
                self.spending_plan.push(SpendingItem { label, raw });
            }
            return;
        }
        if !self.pending_below.is_empty() {
            let pending = std::mem::take(&mut self.pending_below);
            let mut used = false;
            for (start, end, field, label) in pending {
                let value = text::clean(&row.text_in(start, end));
                if !value.is_empty() {
                    used = true;
                    self.set(field, &label, &value);
                }
            }
            if used {
                return;
            }
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
            if let Some((field, label, rest)) = inline_label(&cell_text)
                && (!rest.is_empty() || label_only_row(&cells))
            {
                self.set(field, &label, &rest);
                continue;
            }
            let Some(field) = label(&cell_text) else {
                if self.read_unlabelled(&cell_text) {
                    stated_unit = true;
                } else if unlabelled.is_none() {
                    unlabelled = Some(cell_text);
                }
                continue;
            };
            if field == Field::SpendingPlan {
                // Sub-labels follow on this row; their values are on the next row.
                for sub in &cells[index..] {
                    self.pending_plan.push((sub.col, text::clean(&sub.text)));
                }
                if let Some(unit) = bracket_unit(&cell_text) {
                    self.note_unit(&unit);
                }
                return;
            }
            if let Some(unit) = bracket_unit(&cell_text) {
                self.note_unit(&unit);
            }
            // An amount may sit after sub-labels (`财政拨款 | 小计 | 3.5`): take the first figure
            // before the next label.
            if matches!(
                field,
                Field::Total | Field::Fiscal | Field::Other | Field::LongTermTotal
            ) {
                let mut scan = index;
                while let Some(next) = cells.get(scan) {
                    if label(&next.text).is_some() || inline_label(&next.text).is_some() {
                        break;
                    }
                    scan += 1;
                    if text::parse_amount(&next.text).is_some() {
                        self.set(field, &cell_text, &next.text);
                        index = scan;
                        break;
                    }
                }
                continue;
            }
            // The value is the next cell to the right, unless that is a label too.
            match cells.get(index) {
                Some(next) if label(&next.text).is_none() => {
                    let value = text::clean(&next.text);
                    index += 1;
                    self.set(field, &cell_text, &value);
                }
                _ => {
                    // No value on this row: it may sit below the label, across the label's
                    // columns and up to the next label.
                    let end = cells
                        .get(index)
                        .map_or(row.grid.cols(), |next| next.col)
                        .max(cell.col + cell.col_span);
                    if matches!(field, Field::Overall | Field::Annual | Field::LongTerm) {
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

    /// Text with no label: the budget unit (`单位：万元`, `项目资金(万元)`) or a free-standing
    /// line. Returns true when the text stated a unit.
    fn read_unlabelled(&mut self, text: &str) -> bool {
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
        let value = value.trim();
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
                if value.contains([CHECKED, UNCHECKED]) {
                    self.project.checkboxes.push(checkboxes(label, value));
                } else {
                    set_text(&mut project.category);
                }
            }
            Field::Checkboxes => {
                if value.contains([CHECKED, UNCHECKED]) {
                    self.project.checkboxes.push(checkboxes(label, value));
                } else if !value.is_empty() {
                    self.project.fields.push((key(label), value.to_string()));
                }
            }
            Field::Total | Field::Fiscal | Field::Other | Field::LongTermTotal => {
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
                    _ => &mut budget.long_term_total,
                };
                if slot.is_none() {
                    *slot = Some(amount);
                    self.has_budget = true;
                }
            }
            Field::SpendingPlan => {}
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
            budget.total = Some(fiscal + budget.other.unwrap_or(0.0));
        }
        Some(budget)
    }
}

/// True when every filled cell of the row is a label: then `label：` with nothing after the
/// colon still names an empty field rather than a heading.
fn label_only_row(cells: &[&Cell]) -> bool {
    cells.iter().all(|cell| {
        label(&cell.text).is_some()
            || inline_label(&cell.text).is_some_and(|(_, _, rest)| rest.is_empty())
    })
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
    for c in value.chars() {
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
mod tests {
    use super::*;

    #[test]
    fn labels_are_found_by_content() {
        assert_eq!(label("项目名称"), Some(Field::Name));
        assert_eq!(label("其中：财政资金"), Some(Field::Fiscal));
        assert_eq!(label("项目资金 (万元)"), None);
        assert_eq!(label("资金支出计划（%）"), Some(Field::SpendingPlan));
        assert_eq!(label("项目负责人/ 联系电话"), Some(Field::Manager));
        assert_eq!(label("部门（单位）名称"), Some(Field::Name));
        assert_eq!(label("办公设备购置"), None);
    }

    #[test]
    fn inline_labels_split_at_the_colon() {
        assert_eq!(
            inline_label("年度资金总额： 8 万元"),
            Some((Field::Total, "年度资金总额".into(), "8 万元".into()))
        );
        assert_eq!(inline_label("说明：无"), None);
    }

    #[test]
    fn checkbox_text_gives_checked_labels() {
        let field = checkboxes("项目属性", "☐ 新增项目 ☑ 延续项目");
        assert_eq!(field.label, "项目属性");
        assert_eq!(field.checked, ["延续项目"]);
        assert_eq!(field.unchecked, ["新增项目"]);
    }

    #[test]
    fn missing_total_is_the_sum_of_its_parts() {
        let mut fields = Fields::default();
        fields.set(Field::Fiscal, "财政拨款", "3.5");
        fields.set(Field::Other, "其他资金", "0");
        let budget = fields.budget().expect("budget");
        assert_eq!(budget.total, Some(3.5));
        assert_eq!(budget.unit, "万元");
    }
}
