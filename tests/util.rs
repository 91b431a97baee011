//! Shared helpers: a hand-built rich extraction (every field of the model set, the way a
//! correct reading of a real 绩效目标表 sets them), the built binary, and small files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use jixiao_grid::{Diagnostic, Location};
use jixiao_normalize::model::{
    Budget, CheckboxField, Extra, Extraction, Goals, Indicator, Period, Project, SpendingItem,
    Table, TableKind, Task, Value,
};
use jixiao_normalize::value::{Op, Parsed, ValueKind};

/// The root of the repository, where `fixtures/` and `schemas/` are.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs the built `jixiao` binary with `args`, in `dir`, feeding `stdin`.
pub fn run_jixiao(dir: &Path, args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the jixiao binary starts");
    if let Some(mut input) = child.stdin.take() {
        // A command that does not read stdin closes it early; that is not a failure here.
        let _ = input.write_all(stdin);
    }
    child.wait_with_output().expect("the jixiao binary ends")
}

/// Writes `files` (relative path, content) under a new temporary folder.
pub fn temp_tree(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (path, content) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("parent folders");
        }
        std::fs::write(path, content).expect("a test file");
    }
    dir
}

/// [`temp_tree`] for files built at run time (owned names and contents).
pub fn temp_tree_of(files: &[(String, Vec<u8>)]) -> tempfile::TempDir {
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(name, content)| (name.as_str(), content.as_slice()))
        .collect();
    temp_tree(&borrowed)
}

/// Every error code of SPEC.md.
pub const SPEC_ERROR_CODES: [&str; 8] = [
    "unreadable",
    "encrypted",
    "unsupported_format",
    "no_text_layer",
    "no_tables",
    "too_large",
    "converter_missing",
    "internal",
];

fn number(op: Option<Op>, number: f64, unit: &str) -> Parsed {
    let mut parsed = Parsed::empty(ValueKind::Number);
    parsed.op = op;
    parsed.number = Some(number);
    parsed.unit = Some(unit.to_string());
    parsed
}

fn value(label: &str, period: Option<Period>, raw: &str, parsed: Option<Parsed>) -> Value {
    Value {
        label: label.to_string(),
        period,
        raw: raw.to_string(),
        parsed,
    }
}

/// One project table with two indicators: the first has every kind of field set, the second
/// shows the empty and unusual cases (an empty value cell, a grade with a number, a fourth
/// value column, a corrected 一级).
pub fn rich_table() -> Table {
    let mut range = Parsed::empty(ValueKind::Range);
    range.low = Some(1.0);
    range.high = Some(2.0);
    range.unit = Some("批次".to_string());
    range.approx = true;
    let mut date = Parsed::empty(ValueKind::Date);
    date.date = Some("2021-12-30".to_string());
    let mut grade = number(Some(Op::Ge), 95.0, "%");
    grade.grade = Some("优".to_string());
    let mut choice = Parsed::empty(ValueKind::Boolean);
    choice.choices = vec!["是".to_string(), "否".to_string()];
    let first = Indicator {
        level1: "产出指标".to_string(),
        level2: "数量指标".to_string(),
        level3: "抽检批次, \"重点\"品种".to_string(),
        description: Some("全年抽检\n分两次完成".to_string()),
        basis: Some("三定方案".to_string()),
        values: vec![
            value(
                "半年(程)指标值",
                Some(Period::HalfYear),
                "预计1-2批次",
                Some(range),
            ),
            value(
                "全年(程)指标值",
                Some(Period::Annual),
                "≥1145批次",
                Some(number(Some(Op::Ge), 1145.0, "批次")),
            ),
            value("完成时间", None, "2021年12月30日", Some(date)),
        ],
        level1_raw: None,
        level2_raw: Some("数量".to_string()),
        extra: Extra::default(),
        location: Location {
            page: Some(2),
            row: Some(7),
            col: Some(2),
            grid: Some(0),
            ..Location::default()
        },
    };
    let second = Indicator {
        level1: "效益指标".to_string(),
        level2: "社会效益指标".to_string(),
        level3: "群众满意".to_string(),
        description: None,
        basis: None,
        values: vec![
            value("指标值", None, "≥95优", Some(grade)),
            value("指标值2", None, "", None),
            value("指标值3", None, "是、否", Some(choice)),
            value("中长期指标值", Some(Period::LongTerm), "12.5万元", {
                let mut parsed = number(None, 12.5, "万元");
                parsed.approx = false;
                Some(parsed)
            }),
        ],
        level1_raw: Some("效益指标".to_string()),
        level2_raw: None,
        extra: Extra {
            nature: Some("≥".to_string()),
            unit: Some("%".to_string()),
            weight: Some("10".to_string()),
            ..Extra::default()
        },
        location: Location {
            page: Some(2),
            page_end: Some(3),
            row: Some(8),
            grid: Some(0),
            ..Location::default()
        },
    };
    Table {
        kind: TableKind::Project,
        title: Some("1、办公场所租赁费绩效目标表".to_string()),
        project: Project {
            name: Some("办公场所租赁费".to_string()),
            code: Some("930-0801-JBN-T5AG".to_string()),
            department: Some("某某局".to_string()),
            unit: Some("某某中心".to_string()),
            implementer: None,
            manager: Some("张三 12345678".to_string()),
            category: Some("经常性项目".to_string()),
            level: None,
            start: Some("2021-01".to_string()),
            end: Some("2021-12".to_string()),
            checkboxes: vec![
                CheckboxField {
                    label: "项目属性".to_string(),
                    checked: vec!["延续项目".to_string()],
                    unchecked: vec!["新增项目".to_string()],
                },
                CheckboxField {
                    label: "项目期限".to_string(),
                    checked: vec![],
                    unchecked: vec!["一年".to_string()],
                },
                CheckboxField {
                    label: "项目属性".to_string(),
                    checked: vec!["延续项目".to_string(), "其他".to_string()],
                    unchecked: vec![],
                },
            ],
            fields: vec![
                ("项目实施内容".to_string(), "租赁".to_string()),
                ("立项必要性".to_string(), "保障运行".to_string()),
                ("立项必要性".to_string(), "第二段".to_string()),
            ],
        },
        budget: Some(Budget {
            unit: "万元".to_string(),
            total: Some(23.85),
            fiscal: Some(23.85),
            other: Some(0.0),
            carryover: Some(0.0),
            long_term_total: Some(f64::NAN),
            sources: vec![SpendingItem {
                label: "财政拨款".to_string(),
                raw: "23.85".to_string(),
                value: Some(23.85),
                unit: None,
            }],
        }),
        spending_plan: vec![SpendingItem {
            label: "3月底".to_string(),
            raw: "25%".to_string(),
            value: Some(25.0),
            unit: Some("%".to_string()),
        }],
        goals: Goals {
            overall: vec!["保障办公".to_string(), "提升效率".to_string()],
            annual: Some("完成租赁".to_string()),
            long_term: None,
        },
        tasks: vec![Task {
            name: "租赁".to_string(),
            content: Some("办公用房".to_string()),
            total: Some(10.0),
            fiscal: Some(1e300),
            other: None,
        }],
        indicators: vec![first, second],
        warnings: vec![
            Diagnostic::new("level1_corrected", "成本指标 was under 效益指标").at(Location {
                row: Some(8),
                ..Location::default()
            }),
        ],
        location: Location {
            page: Some(2),
            page_end: Some(3),
            grid: Some(0),
            ..Location::default()
        },
        rows: Vec::new(),
    }
}

/// An extraction with the rich table and a department table without indicators.
pub fn rich_extraction() -> Extraction {
    let department = Table {
        kind: TableKind::Department,
        title: Some("部门整体支出绩效目标表".to_string()),
        ..Table::default()
    };
    Extraction {
        title: Some("2021年部门预算".to_string()),
        tables: vec![rich_table(), department],
        warnings: vec![Diagnostic::new(
            "unknown_name",
            "二级指标 `服务质量` is not in the vocabulary",
        )],
    }
}
