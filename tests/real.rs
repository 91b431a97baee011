//! Real published budgets (pages cut from `../shared/corpus/real/pdf/` into
//! `fixtures/pdf/real/gold/`) against their hand-read gold (`fixtures/gold/real/`), scored the way
//! the project is measured (`../shared/tools/score.py`): indicator rows are compared by canonical
//! 一级 and 二级, 三级, values in column order and the split columns the gold gives (nature,
//! unit, weight, score); tables are matched by project name. Every file must reach F1 0.97.

use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;

use serde_json::Value;

use crate::gold::extract;

/// The least indicator F1 each real document must reach.
const LEAST_F1: f64 = 0.97;

/// Columns beside the value that some regional forms split out; compared where gold gives them.
const EXTRA: [&str; 4] = ["nature", "unit", "weight", "score"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// NFKC, whitespace removed.
fn norm(value: &Value) -> String {
    match value {
        Value::String(text) => jixiao_normalize::text::key(text),
        Value::Number(number) => number.to_string(),
        _ => String::new(),
    }
}

/// A level name as the scorer compares it: its weight dropped, variants made canonical.
fn canon(value: &Value) -> String {
    let key = jixiao_normalize::vocab::name_key(&norm(value));
    let canonical = match key.as_str() {
        "经济效益" => "经济效益指标",
        "社会效益" => "社会效益指标",
        "生态效益" | "环境效益指标" => "生态效益指标",
        "可持续影响" => "可持续影响指标",
        "服务对象满意度" | "服务对象" | "社会公众或服务对象满意度指标" => {
            "服务对象满意度指标"
        }
        "进度指标" => "时效指标",
        "产出" => "产出指标",
        "效益" => "效益指标",
        "满意度" => "满意度指标",
        "经济成本" => "经济成本指标",
        "社会成本" => "社会成本指标",
        "生态环境成本" => "生态环境成本指标",
        other => return other.to_string(),
    };
    canonical.to_string()
}

fn key(indicator: &Value, extra: &[&str], any_level1: bool) -> String {
    let level1 = canon(&indicator["level1"]);
    let mut level2 = canon(&indicator["level2"]);
    if level1 == "成本指标" && level2.is_empty() {
        level2 = "成本指标".to_string();
    }
    let values: Vec<String> = indicator["values"]
        .as_array()
        .map(|values| {
            values
                .iter()
                .map(|value| match value {
                    Value::Object(object) => norm(object.get("raw").unwrap_or(&Value::Null)),
                    other => norm(other),
                })
                .collect()
        })
        .unwrap_or_default();
    let more: Vec<String> = extra.iter().map(|field| norm(&indicator[*field])).collect();
    format!(
        "{}|{level2}|{}|{}|{}",
        if any_level1 { "*" } else { &level1 },
        norm(&indicator["level3"]),
        values.join("/"),
        more.join("/")
    )
}

fn counts(keys: impl Iterator<Item = String>) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for key in keys {
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}

/// True positives, false positives and false negatives of one document, with the rows that
/// differ, for the failure message.
fn score(gold: &Value, document: &Value, report: &mut String) -> (usize, usize, usize) {
    let empty = Vec::new();
    let tables: Vec<(String, &Value)> = document["tables"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .map(|table| {
            let name = table["project"]["name"]
                .as_str()
                .or(table["title"].as_str())
                .unwrap_or("");
            (jixiao_normalize::text::key(name), table)
        })
        .collect();
    let mut used = vec![false; tables.len()];
    let (mut tp, mut fp, mut fn_) = (0, 0, 0);
    for gold_table in gold["tables"].as_array().unwrap_or(&empty) {
        let gold_name = norm(&gold_table["project_name"]);
        let rows = gold_table["indicators"].as_array().unwrap_or(&empty);
        let extra: Vec<&str> = EXTRA
            .iter()
            .copied()
            .filter(|field| rows.iter().any(|row| row.get(*field).is_some()))
            .collect();
        let any_level1 = !rows.is_empty() && rows.iter().all(|row| norm(&row["level1"]).is_empty());
        let wanted = counts(rows.iter().map(|row| key(row, &extra, any_level1)));
        let mut candidates: Vec<usize> = (0..tables.len())
            .filter(|&index| {
                let name = &tables[index].0;
                !used[index]
                    && !name.is_empty()
                    && (*name == gold_name
                        || gold_name.contains(name.as_str())
                        || name.contains(&gold_name))
            })
            .collect();
        // Where gold names its pages, only tables with rows on those pages are candidates (the
        // same project name recurs for other units elsewhere in a document).
        let gold_pages: Vec<u64> = gold_table["pages"]
            .as_array()
            .map(|pages| pages.iter().filter_map(Value::as_u64).collect())
            .unwrap_or_default();
        let pages_of = |index: usize| -> Vec<u64> {
            tables[index].1["indicators"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .filter_map(|row| row["location"]["page"].as_u64())
                .collect()
        };
        if !gold_pages.is_empty() {
            let on: Vec<usize> = candidates
                .iter()
                .copied()
                .filter(|&index| pages_of(index).iter().any(|page| gold_pages.contains(page)))
                .collect();
            candidates = if on.is_empty() {
                candidates
                    .into_iter()
                    .filter(|&index| pages_of(index).is_empty())
                    .collect()
            } else {
                on
            };
        }
        let exact: Vec<usize> = candidates
            .iter()
            .copied()
            .filter(|&index| tables[index].0 == gold_name)
            .collect();
        let group = if exact.is_empty() {
            candidates.into_iter().take(1).collect()
        } else {
            exact
        };
        if group.is_empty() {
            let _ = writeln!(report, "  no table named {gold_name}");
            fn_ += wanted.values().sum::<usize>();
            continue;
        }
        let mut found: Vec<&Value> = Vec::new();
        for &index in &group {
            used[index] = true;
            found.extend(tables[index].1["indicators"].as_array().unwrap_or(&empty));
        }
        if gold_table["truncated"].as_bool() == Some(true) {
            found.truncate(rows.len());
        }
        let got = counts(found.iter().map(|row| key(row, &extra, any_level1)));
        for (key, count) in &wanted {
            let hit = (*count).min(got.get(key).copied().unwrap_or(0));
            tp += hit;
            fn_ += count - hit;
            if hit < *count {
                let _ = writeln!(report, "  {gold_name}: missing {key}");
            }
        }
        for (key, count) in &got {
            let hit = (*count).min(wanted.get(key).copied().unwrap_or(0));
            fp += count - hit;
            if hit < *count {
                let _ = writeln!(report, "  {gold_name}: extra {key}");
            }
        }
    }
    (tp, fp, fn_)
}

#[test]
fn real_documents_reach_their_gold() {
    let gold_dir = root().join("fixtures/gold/real");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&gold_dir)
        .expect("gold folder")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    names.sort();
    assert!(names.len() >= 16, "the real gold files are missing");
    let mut failures = String::new();
    for path in names {
        let gold: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("gold")).expect("JSON");
        let source = gold["source"].as_str().expect("gold names its PDF");
        let document = extract(&root().join("fixtures/pdf/real/gold").join(source));
        let mut report = String::new();
        let (tp, fp, fn_) = score(&gold, &document, &mut report);
        let precision = tp as f64 / (tp + fp).max(1) as f64;
        let recall = tp as f64 / (tp + fn_).max(1) as f64;
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        if f1 < LEAST_F1 {
            let _ = writeln!(
                failures,
                "{source}: F1 {f1:.3} (tp {tp}, fp {fp}, fn {fn_})\n{report}"
            );
        }
    }
    assert!(
        failures.is_empty(),
        "real documents below F1 {LEAST_F1}:\n{failures}"
    );
}

/// Warnings of a document that say a row was read by guess.
fn doubtful_rows(document: &Value) -> Vec<String> {
    document["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|table| table["warnings"].as_array().into_iter().flatten())
        .filter_map(|warning| warning["code"].as_str())
        .filter(|code| matches!(*code, "row_realigned" | "cells_unplaced" | "level_missing"))
        .map(str::to_string)
        .collect()
}

/// The project name of each table, `""` for a table without one.
fn project_names(tables: &[Value]) -> Vec<&str> {
    tables
        .iter()
        .map(|table| table["project"]["name"].as_str().unwrap_or(""))
        .collect()
}

fn indicator<'a>(table: &'a Value, level3: &str) -> &'a Value {
    table["indicators"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|indicator| indicator["level3"] == level3)
        .unwrap_or_else(|| panic!("no indicator {level3}"))
}

/// A name or label column merged across a page break on both sides has no rule above or below
/// it on the middle page, so its border touches no other rule. The column must stay in the
/// table: without it the page's grid is one column short and every row is read shifted.
/// Two documents of the pattern: a list table whose project name column spans pages (w25), and
/// a department table with a merged label column on the left (w07).
#[test]
fn columns_open_at_both_page_breaks_stay_in_the_table() {
    let dir = root().join("fixtures/pdf/real/open");

    let list = extract(&dir.join("w25_p39-42.pdf"));
    assert_eq!(doubtful_rows(&list), Vec::<String>::new());
    let tables = list["tables"].as_array().expect("tables");
    assert_eq!(
        tables.len(),
        2,
        "one project over four pages, then the next"
    );
    let first = &tables[0];
    assert_eq!(first["project"]["name"], "信息系统运维类项目");
    assert_eq!(first["project"]["code"], "11000021Y000000390843");
    assert_eq!(first["indicators"].as_array().map(Vec::len), Some(104));
    assert_eq!(first["budget"]["total"], 458.546481);
    let cost = indicator(first, "应用系统技术运维服务费成本");
    assert_eq!(cost["level1"], "成本指标");
    assert_eq!(cost["level2"], "经济成本指标");
    assert_eq!(cost["values"][0]["raw"], "18.24");
    assert_eq!(cost["nature"], "≤");
    assert_eq!(cost["unit"], "万元");
    assert_eq!(cost["location"]["page"], 2);
    assert_eq!(tables[1]["project"]["name"], "培训类项目");

    let department = extract(&dir.join("w07_p47-50.pdf"));
    assert_eq!(doubtful_rows(&department), Vec::<String>::new());
    let tables = department["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0]["location"]["page_end"], 4);
    assert_eq!(tables[0]["indicators"].as_array().map(Vec::len), Some(50));
    let network = indicator(&tables[0], "系统内各类网络联通及正常运行率");
    assert_eq!(network["level1"], "产出指标");
    assert_eq!(network["level2"], "质量指标");
    assert_eq!(network["values"][0]["raw"], "99");
    assert_eq!(network["unit"], "%");
}

/// Self-evaluation forms (Xi'an) give the 一级 its weight bare (`产出指标50分`, `满意度指标10`),
/// and the last form is followed by a new section of 决算 tables: the weights are no unknown
/// names, and the 决算 rows are no indicators.
#[test]
fn self_evaluations_end_where_the_next_section_starts() {
    let document = extract(&root().join("fixtures/pdf/real/sections/w55_p98_p143-146.pdf"));
    assert_eq!(document["status"], "ok");
    let tables = document["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 2);
    for table in tables {
        assert_eq!(table["kind"], "self_evaluation");
        assert_eq!(table["warnings"], serde_json::json!([]));
    }
    let first = &tables[0];
    assert_eq!(first["project"]["name"], "公共卫生事业发展资金");
    let satisfaction = indicator(first, "服务对象满意度");
    assert_eq!(satisfaction["level1"], "满意度指标");
    assert_eq!(satisfaction["level1_raw"], "满意度指标10");
    assert_eq!(satisfaction["weight"], "10");
    let last = &tables[1];
    assert_eq!(last["location"]["page"], 2);
    assert_eq!(last["location"]["page_end"], serde_json::Value::Null);
    assert_eq!(last["indicators"].as_array().map(Vec::len), Some(27));
}

/// The fields the real gold gives beside the indicators: each gold table's project name (a
/// Beijing list name keeps its code in front, `11000026T…-name`, which the output splits into
/// `project.code` and `project.name`) and its kind.
#[test]
fn real_tables_have_the_gold_names_and_kinds() {
    let gold_dir = root().join("fixtures/gold/real");
    let mut problems = String::new();
    let mut checked = 0;
    for entry in std::fs::read_dir(&gold_dir).expect("gold folder") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|ext| ext != "json") {
            continue;
        }
        let gold: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).expect("gold")).expect("JSON");
        let source = gold["source"].as_str().expect("gold names its PDF");
        let document = extract(&root().join("fixtures/pdf/real/gold").join(source));
        let tables = document["tables"].as_array().expect("tables");
        for wanted in gold["tables"].as_array().expect("gold tables") {
            checked += 1;
            let name = wanted["project_name"].as_str().expect("a name");
            let found = tables.iter().find(|table| {
                let project = &table["project"];
                let own = project["name"].as_str().unwrap_or_default();
                let coded = project["code"]
                    .as_str()
                    .map(|code| format!("{code}-{own}"))
                    .unwrap_or_default();
                own == name || coded == name
            });
            match found {
                None => {
                    let _ = writeln!(problems, "{source}: no table named {name}");
                }
                Some(table) if table["kind"] != wanted["kind"] => {
                    let _ = writeln!(
                        problems,
                        "{source} {name}: kind {}, gold {}",
                        table["kind"], wanted["kind"]
                    );
                }
                Some(_) => {}
            }
        }
    }
    assert!(
        checked >= 40,
        "the real gold lists 40 tables, found {checked}"
    );
    assert!(problems.is_empty(), "{problems}");
}

/// A project name merged over rows on both sides of a page break, in Beijing's list tables: the
/// producer prints the name once, centred over the whole cell, so the first page holds its
/// start with no amount and the next page the rest with the amounts. The header reprinted on
/// the next page catches stray text of the same cell (`项目名称11000022T000000`). Two documents
/// of the pattern: the name cut inside the code (w06) and inside the name (w12).
#[test]
fn a_project_name_cut_by_a_page_break_is_one_project() {
    let dir = root().join("fixtures/pdf/real/cut");
    let document = extract(&dir.join("w06_p31-32.pdf"));
    let tables = document["tables"].as_array().expect("tables");
    let names = project_names(tables);
    assert_eq!(
        names,
        [
            "本市新能源和可再生能源推动工作",
            "成本调查工作经费",
            "成本监审工作经费",
            "京津冀协同发展相关宣传、展示及推介等工作经费",
            "京津冀协同发展规划政策工作经费",
            "日常调查与工作研究经费",
        ]
    );
    let cut = &tables[2];
    assert_eq!(cut["project"]["code"], "11000022T000000456102");
    assert_eq!(cut["budget"]["total"], 142.0);
    assert_eq!(
        cut["goals"]["overall"],
        serde_json::json!(["做好重要公用事业和公益性服务成本调查监审,为政府制定价格提供支撑。"])
    );
    assert_eq!(cut["indicators"].as_array().map(Vec::len), Some(6));
    for table in tables {
        assert_eq!(
            table["warnings"],
            serde_json::json!([]),
            "{}",
            table["project"]
        );
    }

    let document = extract(&dir.join("w12_p47-48.pdf"));
    let tables = document["tables"].as_array().expect("tables");
    assert_eq!(tables.len(), 3);
    let cut = &tables[1];
    assert_eq!(
        cut["project"]["name"],
        "航空铁路等无线电监测、检测业务频率保障费"
    );
    assert_eq!(cut["project"]["code"], "11000022T000000492465");
    assert_eq!(cut["budget"]["total"], 10.0);
    assert_eq!(cut["indicators"].as_array().map(Vec::len), Some(9));
    assert_eq!(cut["location"]["page_end"], 2);
}

/// A list table's caption printed again on each page continues the table, and the nameless
/// rows opening the next page belong to the project above them: w03's 机动车和驾驶员管理经费
/// goes on from page 1 to page 2 (its name, printed over the break, is clipped on page 2).
#[test]
fn a_list_goes_on_under_its_running_caption() {
    let document = extract(&root().join("fixtures/pdf/real/cut/w03_p30-31.pdf"));
    let tables = document["tables"].as_array().expect("tables");
    let names = project_names(tables);
    assert_eq!(
        names,
        ["北京交管指挥中心升级改造项目", "机动车和驾驶员管理经费"]
    );
    let cars = &tables[1];
    assert_eq!(cars["project"]["code"], "11000022T000000433318");
    assert_eq!(cars["location"]["page_end"], 2);
    let satisfaction = indicator(cars, "群众满意度");
    assert_eq!(satisfaction["location"]["page"], 2);
    assert_eq!(satisfaction["values"][0]["raw"], "90");
    assert_eq!(tables[0]["title"], "预算表12 项目支出绩效目标表");
}
