//! Tests of the field reader: labels, values, and whole regional forms as small grids.

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
    assert_eq!(
        inline_label("其中：财政拨款46万元"),
        Some((Field::Fiscal, "财政拨款".into(), "46万元".into()))
    );
    assert_eq!(
        inline_label("实施单位及责任人 市管局 戚思国"),
        Some((
            Field::Implementer,
            "实施单位及责任人".into(),
            "市管局 戚思国".into()
        ))
    );
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

#[test]
fn plan_values_are_numbers_with_a_unit() {
    assert_eq!(plan_value("25.00%", None), Some((25.0, Some("%".into()))));
    assert_eq!(plan_value("25％", None), Some((25.0, Some("%".into()))));
    assert_eq!(plan_value("0.50", Some("%")), Some((0.5, Some("%".into()))));
    assert_eq!(plan_value("100", None), Some((100.0, None)));
    assert_eq!(
        plan_value("3 万元", Some("%")),
        Some((3.0, Some("万元".into())))
    );
    assert_eq!(plan_value("7%5", Some("%")), None);
    assert_eq!(plan_value("", Some("%")), None);
}

#[test]
fn paragraph_tags_are_no_text() {
    assert_eq!(
        strip_markup("<p>一、甲。</p> <p>二、乙。</p>"),
        "一、甲。\n二、乙。"
    );
    assert_eq!(strip_markup("a<br/>b"), "a\nb");
    assert_eq!(strip_markup("≤5 <10"), "≤5 <10");
}

#[test]
fn periods_split_into_start_and_end() {
    assert_eq!(
        split_period("2024.01-2024.12"),
        Some(("2024.01".into(), "2024.12".into()))
    );
    assert_eq!(
        split_period("2024年1月至2024年12月"),
        Some(("2024年1月".into(), "2024年12月".into()))
    );
    assert_eq!(
        split_period("2024-2026"),
        Some(("2024".into(), "2026".into()))
    );
    assert_eq!(split_period("1-12月"), None);
    assert_eq!(split_period("长期"), None);
}

mod forms {
    use crate::normalize;
    use crate::tests::{document, grid};

    const INDICATORS: [&str; 2] = [
        "一级指标|二级指标|三级指标|指标值",
        "产出指标|数量指标|培训人次|≥100人次",
    ];

    fn table(rows: &[&str]) -> crate::Table {
        let rows: Vec<&str> = rows.iter().chain(INDICATORS.iter()).copied().collect();
        let extraction = normalize(&document(vec![grid(&rows)]));
        assert_eq!(extraction.tables.len(), 1, "{extraction:?}");
        extraction.tables.into_iter().next().expect("one table")
    }

    fn codes(table: &crate::Table) -> Vec<&'static str> {
        table.warnings.iter().map(|warning| warning.code).collect()
    }

    #[test]
    fn a_blank_spending_plan_row_leaves_the_goal_in_place() {
        // The values row under 资金支出计划 is blank, so the grid has no row for it.
        let table = table(&[
            "项目名称|劳务派遣服务费|~|~|~",
            "资金支出计划（%）|3月底|6月底|10月底|12月底",
            "绩效目标|1、开展监督管理。\n2、新增两名派遣人员。|~|~|~",
        ]);
        let labels: Vec<&str> = table
            .spending_plan
            .iter()
            .map(|item| item.label.as_str())
            .collect();
        assert_eq!(labels, ["3月底", "6月底", "10月底", "12月底"]);
        assert!(
            table
                .spending_plan
                .iter()
                .all(|item| item.raw.is_empty() && item.value.is_none())
        );
        assert_eq!(
            table.goals.overall,
            ["1、开展监督管理。", "2、新增两名派遣人员。"]
        );
        assert!(codes(&table).is_empty(), "{:?}", table.warnings);
    }

    #[test]
    fn spending_plan_values_are_read_and_a_typo_is_doubted() {
        let table = table(&[
            "项目名称|市场主体管理|~|~|~",
            "资金支出计划（%）|3月底|6月底|10月底|12月底",
            "|25.00%|0.5|7%5|100",
        ]);
        let values: Vec<(Option<f64>, Option<&str>)> = table
            .spending_plan
            .iter()
            .map(|item| (item.value, item.unit.as_deref()))
            .collect();
        assert_eq!(
            values,
            [
                (Some(25.0), Some("%")),
                (Some(0.5), Some("%")),
                (None, None),
                (Some(100.0), Some("%"))
            ]
        );
        assert_eq!(table.spending_plan[2].raw, "7%5");
        assert_eq!(codes(&table), ["field_doubtful"]);
        assert!(table.warnings[0].message.contains("7%5"));
    }

    #[test]
    fn a_regional_form_with_yuan_and_carryover() {
        let table = table(&[
            "项目名称|道路养护|项目性质|经常性项目",
            "主管部门及代码|266_烟台市交通运输局|实施单位|烟台市公路事业发展中心",
            "计划开始日期|2024-01-01|计划完成日期|2024-12-31",
            "项目资金总额（元）|8,200,000.00|年度资金申请总额（元）|4,100,000.00",
            "||其中：当年财政拨款|3,600,000.00",
            "||上年结转资金|400,000.00",
            "||其他资金|100,000.00",
            "项目总目标|三年内完成全市道路养护。|年度总体目标|年内完成主干道养护。",
        ]);
        let project = &table.project;
        assert_eq!(project.name.as_deref(), Some("道路养护"));
        assert_eq!(project.category.as_deref(), Some("经常性项目"));
        assert_eq!(project.department.as_deref(), Some("266_烟台市交通运输局"));
        assert_eq!(
            project.implementer.as_deref(),
            Some("烟台市公路事业发展中心")
        );
        assert_eq!(project.start.as_deref(), Some("2024-01-01"));
        assert_eq!(project.end.as_deref(), Some("2024-12-31"));
        let budget = table.budget.as_ref().expect("budget");
        assert_eq!(budget.unit, "元");
        assert_eq!(budget.long_term_total, Some(8_200_000.0));
        assert_eq!(budget.total, Some(4_100_000.0));
        assert_eq!(budget.fiscal, Some(3_600_000.0));
        assert_eq!(budget.carryover, Some(400_000.0));
        assert_eq!(budget.other, Some(100_000.0));
        assert_eq!(
            table.goals.long_term.as_deref(),
            Some("三年内完成全市道路养护。")
        );
        assert_eq!(table.goals.overall, ["年内完成主干道养护。"]);
        assert!(codes(&table).is_empty(), "{:?}", table.warnings);
    }

    #[test]
    fn budget_parts_that_do_not_add_up_are_kept_and_doubted() {
        let table = table(&[
            "项目名称|道路养护|~|~",
            "年度资金总额|10|其中：财政拨款|8",
            "其他资金|5|~|~",
        ]);
        let budget = table.budget.as_ref().expect("budget");
        assert_eq!(
            (budget.total, budget.fiscal, budget.other),
            (Some(10.0), Some(8.0), Some(5.0))
        );
        assert_eq!(codes(&table), ["field_doubtful"]);
        assert!(
            table.warnings[0].message.contains("do not add up"),
            "{:?}",
            table.warnings
        );
    }

    #[test]
    fn a_total_that_is_not_written_is_derived_with_a_warning() {
        let table = table(&["项目名称|道路养护|~|~", "其中：财政拨款|8|其他资金|2"]);
        assert_eq!(
            table.budget.as_ref().and_then(|budget| budget.total),
            Some(10.0)
        );
        assert_eq!(codes(&table), ["field_doubtful"]);
    }

    #[test]
    fn a_project_period_in_one_cell() {
        let table = table(&["项目名称|道路养护|项目起止时间|2024.01-2024.12"]);
        assert_eq!(table.project.start.as_deref(), Some("2024.01"));
        assert_eq!(table.project.end.as_deref(), Some("2024.12"));
        let table = self::table(&["项目名称|道路养护|项目起止时间|1-12月"]);
        assert_eq!(table.project.start, None);
        assert_eq!(codes(&table), ["field_doubtful"]);
    }

    #[test]
    fn a_long_text_with_no_known_label_is_doubted() {
        let table = table(&[
            "项目名称|道路养护|~|~",
            "项目绩效说明书|本项目旨在保障全市主干道路的日常养护，确保道路完好率达到规定标准，提升群众出行满意度。|~|~",
        ]);
        assert_eq!(codes(&table), ["field_doubtful"]);
        assert!(table.warnings[0].message.contains("not placed"));
    }
}
