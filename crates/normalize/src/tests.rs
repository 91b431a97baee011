//! Normaliser tests on small grids written as text: one string per row, cells split by `|`,
//! `text{R×C}` gives a cell a row and column span, `~` marks a slot covered by a merged cell.

use jixiao_grid::{Block, Cell, Document, GridBuilder, Location, Paragraph, Source};

use crate::{Period, TableKind, normalize, value::ValueKind};

pub(crate) fn grid(rows: &[&str]) -> Block {
    let mut builder = GridBuilder::new();
    for (row, line) in rows.iter().enumerate() {
        for (col, cell) in line.split('|').enumerate() {
            if cell == "~" {
                continue;
            }
            let (text, span) = match cell.find('{') {
                Some(open) if cell.ends_with('}') => {
                    (&cell[..open], &cell[open + 1..cell.len() - 1])
                }
                _ => (cell, "1×1"),
            };
            let (rows, cols) = span.split_once('×').expect("span like 2×1");
            builder.push(
                Cell::new(row, col, text)
                    .with_span(rows.parse().expect("rows"), cols.parse().expect("cols"))
                    .at(Source::line(row as u32 + 1)),
            );
        }
    }
    Block::Table(builder.build(Location::default()).0)
}

fn paragraph(text: &str) -> Block {
    Block::Paragraph(Paragraph {
        text: text.to_string(),
        source: Source::default(),
    })
}

pub(crate) fn document(blocks: Vec<Block>) -> Document {
    Document {
        blocks,
        ..Document::default()
    }
}

fn levels(extraction: &crate::Extraction, table: usize) -> Vec<(String, String, String)> {
    extraction.tables[table]
        .indicators
        .iter()
        .map(|indicator| {
            (
                indicator.level1.clone(),
                indicator.level2.clone(),
                indicator.level3.clone(),
            )
        })
        .collect()
}

fn triple(level1: &str, level2: &str, level3: &str) -> (String, String, String) {
    (level1.into(), level2.into(), level3.into())
}

#[test]
fn merged_cells_are_filled_down_from_their_spans() {
    let extraction = normalize(&document(vec![grid(&[
        "一级指标|二级指标|三级指标|指标值",
        "产出指标{3×1}|数量指标{2×1}|a|1",
        "~|~|b|2",
        "~|质量指标|c|3",
        "效益指标|社会效益|d|4",
    ])]));
    assert_eq!(
        levels(&extraction, 0),
        [
            triple("产出指标", "数量指标", "a"),
            triple("产出指标", "数量指标", "b"),
            triple("产出指标", "质量指标", "c"),
            triple("效益指标", "社会效益指标", "d"),
        ]
    );
    let last = &extraction.tables[0].indicators[3];
    assert_eq!(last.level2_raw.as_deref(), Some("社会效益"));
    assert_eq!(last.level1_raw, None);
    assert_eq!(last.location.row, Some(4));
    assert_eq!(last.location.col, Some(2));
}

#[test]
fn empty_cells_are_filled_down_like_merged_ones() {
    let extraction = normalize(&document(vec![grid(&[
        "一级指标|二级指标|三级指标|半年（程） 指标值|全年（程） 指标值",
        "决策|项目立项|立项依据充分性|充分|充分",
        "||立项程序规范性|规范|规范",
        "|绩效目标|绩效目标合理性|合理|合理",
        "产出指标|数量指标|设备购置率|=100%|=100%",
        "|成本指标|||",
        "效益指标|经济效益||",
    ])]));
    assert_eq!(
        levels(&extraction, 0),
        [
            triple("决策", "项目立项", "立项依据充分性"),
            triple("决策", "项目立项", "立项程序规范性"),
            triple("决策", "绩效目标", "绩效目标合理性"),
            triple("产出指标", "数量指标", "设备购置率"),
        ]
    );
    let values = &extraction.tables[0].indicators[3].values;
    assert_eq!(values.len(), 2);
    assert_eq!(values[0].label, "半年(程)指标值");
    assert_eq!(values[0].period, Some(Period::HalfYear));
    assert_eq!(values[1].period, Some(Period::Annual));
    assert_eq!(values[1].raw, "=100%");
}

#[test]
fn a_parent_that_cannot_hold_the_level2_is_corrected_with_a_warning() {
    // Seed 000, table 7: 效益指标 and 满意度指标 were drawn one row too high.
    let extraction = normalize(&document(vec![grid(&[
        "一级指标|二级指标|三级指标|指标值",
        "产出指标|数量指标|a|1",
        "效益指标|成本指标|b|2",
        "|经济效益指标|c|3",
        "满意度指标|生态效益指标|d|4",
        "|可持续影响指标|e|5",
        "|服务对象满意度指标|f|6",
    ])]));
    assert_eq!(
        levels(&extraction, 0),
        [
            triple("产出指标", "数量指标", "a"),
            triple("产出指标", "成本指标", "b"),
            triple("效益指标", "经济效益指标", "c"),
            triple("效益指标", "生态效益指标", "d"),
            triple("效益指标", "可持续影响指标", "e"),
            triple("满意度指标", "服务对象满意度指标", "f"),
        ]
    );
    let table = &extraction.tables[0];
    assert_eq!(table.indicators[1].level1_raw.as_deref(), Some("效益指标"));
    let corrected: Vec<_> = table
        .warnings
        .iter()
        .filter(|warning| warning.code == "level1_corrected")
        .collect();
    assert_eq!(corrected.len(), 3);
    assert!(
        corrected[0]
            .message
            .contains("成本指标 sits under 效益指标"),
        "{}",
        corrected[0].message
    );
}

#[test]
fn a_level1_without_its_own_level2_repeats_it() {
    let extraction = normalize(&document(vec![grid(&[
        "一级指标|二级指标|三级指标|指标值",
        "产出指标|数量指标|a|1",
        "成本指标||经费|≤20万元",
    ])]));
    assert_eq!(
        levels(&extraction, 1 - 1)[1],
        triple("成本指标", "成本指标", "经费")
    );
}

#[test]
fn unknown_names_are_kept_with_one_warning() {
    let extraction = normalize(&document(vec![grid(&[
        "一级指标|二级指标|三级指标|指标值",
        "产出指标|工作量指标|a|1",
        "|~|b|2",
    ])]));
    let table = &extraction.tables[0];
    assert_eq!(table.indicators[0].level2, "工作量指标");
    assert_eq!(table.indicators[1].level2, "工作量指标");
    assert_eq!(
        table
            .warnings
            .iter()
            .filter(|w| w.code == "unknown_name")
            .count(),
        1
    );
}

#[test]
fn fields_above_the_indicators() {
    let extraction = normalize(&document(vec![
        paragraph("第二部分"),
        paragraph("1、办公场所租赁费绩效目标表"),
        grid(&[
            "930006曹妃甸区市场监督管理局第六分局|单位：万元",
            "项目编码|930-0801-JBN-T5AG|项目名称|办公场所租赁费",
            "预算规模及资金用途|预算数|23.85|其中：财政资金|23.85|其他资金|",
            "|租赁费一年23.85万元",
            "资金支出计划（%）|3月底|6月底|10月底|12月底",
            "||||1.00",
            "绩效目标|1、因我局无办公场所\n2、租赁费一年23.85万元",
            "一级指标|二级指标|三级指标|绩效指标描述|指标值|指标值确定依据",
            "产出指标|数量指标|2019年度房租|保障工作正常运行|≤100优|三定方案",
        ]),
    ]));
    let table = &extraction.tables[0];
    assert_eq!(table.title.as_deref(), Some("1、办公场所租赁费绩效目标表"));
    assert_eq!(table.kind, TableKind::Project);
    assert_eq!(table.project.name.as_deref(), Some("办公场所租赁费"));
    assert_eq!(table.project.code.as_deref(), Some("930-0801-JBN-T5AG"));
    assert_eq!(
        table.project.unit.as_deref(),
        Some("930006曹妃甸区市场监督管理局第六分局")
    );
    let budget = table.budget.as_ref().expect("budget");
    assert_eq!(
        (budget.total, budget.fiscal, budget.other),
        (Some(23.85), Some(23.85), None)
    );
    assert_eq!(budget.unit, "万元");
    let plan: Vec<_> = table
        .spending_plan
        .iter()
        .map(|item| (item.label.as_str(), item.raw.as_str()))
        .collect();
    assert_eq!(
        plan,
        [
            ("3月底", ""),
            ("6月底", ""),
            ("10月底", ""),
            ("12月底", "1.00")
        ]
    );
    assert_eq!(
        table.goals.overall,
        ["1、因我局无办公场所", "2、租赁费一年23.85万元"]
    );
    let indicator = &table.indicators[0];
    assert_eq!(indicator.description.as_deref(), Some("保障工作正常运行"));
    assert_eq!(indicator.basis.as_deref(), Some("三定方案"));
    assert_eq!(indicator.values[0].raw, "≤100优");
    assert!(indicator.values[0].parsed.is_some());
}

#[test]
fn titles_and_project_rows_split_tables() {
    let extraction = normalize(&document(vec![
        paragraph("南通市本级项目预算绩效目标表"),
        grid(&[
            "项目名称|办公设备购置||主管部门|南通市市场监督管理局",
            "实施单位|南通市质量技术和标准化中心||项目负责人/ 联系电话|周婧85128023",
            "项目资金 (万元)|收入|资金总额||全年（程） 预算数",
            "||财政拨款|小计|3.5",
            "|其他资金||0|",
            "中长期目标|确保办公设备有序更替",
            "年度目标|确保需求部门正常工作",
            "一级指标|二级指标|三级指标|指标值",
            "产出指标|数量指标|设备购置率|=100%",
        ]),
        paragraph("2"),
        paragraph("南通市本级项目预算绩效目标表"),
        grid(&[
            "项目名称|专用设备购置|主管部门|南通市市场监督管理局",
            "一级指标|二级指标|三级指标|指标值",
            "产出指标|数量指标|设备购置率|≥25%",
            "项目名称|第三个项目",
            "一级指标|二级指标|三级指标|指标值",
            "效益指标|社会效益|影响|较高",
        ]),
    ]));
    assert_eq!(
        extraction.title.as_deref(),
        Some("南通市本级项目预算绩效目标表")
    );
    let names: Vec<_> = extraction
        .tables
        .iter()
        .map(|table| table.project.name.as_deref().unwrap_or(""))
        .collect();
    assert_eq!(names, ["办公设备购置", "专用设备购置", "第三个项目"]);
    let first = &extraction.tables[0];
    assert_eq!(
        first.project.department.as_deref(),
        Some("南通市市场监督管理局")
    );
    assert_eq!(
        first.project.unit.as_deref(),
        Some("南通市质量技术和标准化中心")
    );
    assert_eq!(first.project.manager.as_deref(), Some("周婧85128023"));
    assert_eq!(first.budget.as_ref().and_then(|b| b.total), Some(3.5));
    assert_eq!(
        first.goals.long_term.as_deref(),
        Some("确保办公设备有序更替")
    );
    assert_eq!(first.goals.annual.as_deref(), Some("确保需求部门正常工作"));
    assert_eq!(
        extraction.tables[1].title.as_deref(),
        Some("南通市本级项目预算绩效目标表")
    );
    assert_eq!(extraction.tables[2].title, None);
    assert_eq!(extraction.tables[2].indicators[0].level2, "社会效益指标");
}

#[test]
fn another_section_ends_the_indicators_above_it() {
    let extraction = normalize(&document(vec![
        grid(&[
            "项目名称|p",
            "一级指标|二级指标|三级指标|年度指标值|实际完成值",
            "产出指标50分|数量指标|a|1|1",
            "满意度指标10|服务对象满意度指标|b|≥95%|98%",
        ]),
        paragraph("第三部分 2022年度部门决算表"),
        grid(&["序号 内容|表格为空的理由", "表1 收入支出决算总表|否"]),
        paragraph("收入决算表"),
        grid(&["科目代码|科目名称|合计", "201|一般公共服务支出|56.00"]),
    ]));
    assert_eq!(extraction.tables.len(), 1);
    assert_eq!(
        levels(&extraction, 0),
        [
            triple("产出指标", "数量指标", "a"),
            triple("满意度指标", "服务对象满意度指标", "b"),
        ]
    );
    let table = &extraction.tables[0];
    assert!(
        table.warnings.is_empty(),
        "weights after 一级 names are no unknown names: {:?}",
        table.warnings
    );
    assert_eq!(
        table.indicators[0].level1_raw.as_deref(),
        Some("产出指标50分")
    );
}

#[test]
fn a_continuation_grid_with_a_repeated_header_joins_the_table_above() {
    let extraction = normalize(&document(vec![
        grid(&[
            "项目名称|p",
            "一级指标|二级指标|三级指标|指标值",
            "产出指标|数量指标|a|1",
        ]),
        paragraph("3"),
        grid(&["一级指标|二级指标|三级指标|指标值", "|质量指标|b|2"]),
        paragraph("产出指标"),
        grid(&["|时效指标|c|3"]),
    ]));
    assert_eq!(extraction.tables.len(), 1);
    assert_eq!(
        levels(&extraction, 0),
        [
            triple("产出指标", "数量指标", "a"),
            triple("产出指标", "质量指标", "b"),
            triple("产出指标", "时效指标", "c"),
        ]
    );
}

#[test]
fn checkboxes_and_inline_amounts() {
    let extraction = normalize(&document(vec![grid(&[
        "项目名称|监督执纪问责专项经费",
        "预算单位|市市场监管局107001||实施单位及责任人|市管局 戚思国",
        "项目属性|☐ 新增项目 ☑ 延续项目||项目期限|☐ 一次性 ☑ 经常性",
        "项目资金|中长期资金总额： 万元||年度资金总额： 8 万元",
        "|其中：财政拨款 万元||其中：财政拨款 8 万 元",
        "一级指标|二级指标|三级指标|指标值",
        "产出指标|数量指标|培训|不少于1次",
    ])]));
    let table = &extraction.tables[0];
    assert_eq!(table.project.unit.as_deref(), Some("市市场监管局107001"));
    assert_eq!(table.project.implementer.as_deref(), Some("市管局 戚思国"));
    let boxes: Vec<_> = table
        .project
        .checkboxes
        .iter()
        .map(|field| (field.label.as_str(), field.checked.clone()))
        .collect();
    assert_eq!(
        boxes,
        [
            ("项目属性", vec!["延续项目".to_string()]),
            ("项目期限", vec!["经常性".to_string()])
        ]
    );
    assert_eq!(table.budget.as_ref().and_then(|b| b.total), Some(8.0));
}

#[test]
fn a_document_without_a_performance_table_gives_none() {
    let extraction = normalize(&document(vec![
        paragraph("会议纪要"),
        grid(&["姓名|职务", "张三|主任"]),
    ]));
    assert!(extraction.tables.is_empty());
}

#[test]
fn department_tables_are_marked() {
    let extraction = normalize(&document(vec![grid(&[
        "部门（单位）名称||巴中市市场监督管理局",
        "年度绩效指标|一级指标|二级指标|三级指标|指标值（包含数字及文字描述）",
        "|完成指标|数量指标|执法办案经费|全年重大案件查办100件以上",
    ])]));
    let table = &extraction.tables[0];
    assert_eq!(table.kind, TableKind::Department);
    assert_eq!(table.project.name.as_deref(), Some("巴中市市场监督管理局"));
    assert_eq!(
        levels(&extraction, 0),
        [triple("完成指标", "数量指标", "执法办案经费")]
    );
    let parsed = table.indicators[0].values[0]
        .parsed
        .as_ref()
        .expect("parsed");
    assert_ne!(parsed.kind, ValueKind::Date);
}

#[test]
fn every_row_read_into_a_table_records_the_role_of_its_cells() {
    use crate::{CellRole, Column, RowKind};
    let extraction = normalize(&document(vec![grid(&[
        "项目名称|办公设备购置|~|~",
        "一级指标|二级指标|三级指标|指标值",
        "产出指标{2×1}|数量指标|设备购置率|=100%",
        "~|质量指标|设备采购合格率|≥95%",
        "合计|~|~|~",
    ])]));
    let table = &extraction.tables[0];
    let kinds: Vec<(usize, RowKind)> = table.rows.iter().map(|row| (row.row, row.kind)).collect();
    assert_eq!(
        kinds,
        [
            (0, RowKind::Fields),
            (1, RowKind::Header),
            (2, RowKind::Indicators { count: 1 }),
            (3, RowKind::Indicators { count: 1 }),
            (4, RowKind::Skipped),
        ]
    );
    assert_eq!(
        table.rows[0].cells,
        [(0, CellRole::FieldLabel), (1, CellRole::FieldValue)]
    );
    assert_eq!(
        table.rows[1].cells[3],
        (3, CellRole::Header(Some(Column::Value)))
    );
    let roles: Vec<&str> = table.rows[2]
        .cells
        .iter()
        .map(|(_, role)| role.name())
        .collect();
    assert_eq!(roles, ["level1", "level2", "level3", "value"]);
    // The merged 一级 cell starts on row 2 only: row 3 lists the cells that start on it.
    assert_eq!(
        table.rows[3].cells[0],
        (1, CellRole::Indicator(Some(Column::Level2)))
    );
    assert_eq!(table.rows[4].cells, [(0, CellRole::Ignored)]);
    // Rows point at the same slots as the indicators' locations.
    assert_eq!(table.indicators[1].location.row, Some(3));
    assert_eq!(table.indicators[1].location.grid, Some(0));
}

#[test]
fn a_list_table_gives_each_project_the_rows_of_its_indicators() {
    let extraction = normalize(&document(vec![grid(&[
        "项目名称|一级指标|二级指标|三级指标|指标值",
        "甲项目|产出指标|数量指标|培训人数|≥100人",
        "乙项目|产出指标|数量指标|设备台数|=5台",
    ])]));
    assert_eq!(extraction.tables.len(), 2, "{:?}", extraction.tables);
    let rows = |table: usize| -> Vec<usize> {
        extraction.tables[table]
            .rows
            .iter()
            .map(|row| row.row)
            .collect()
    };
    assert_eq!(rows(0), [0, 1]);
    assert_eq!(rows(1), [2]);
}
