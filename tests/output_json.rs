//! The JSON shape of a document, field by field, and the status rule.

use jixiao_grid::{Diagnostic, Location};
use jixiao_normalize::model::Extraction;
use jixiao_output::{Document, ErrorCode, Source, Status};
use serde_json::{Value, json};

use crate::util::{rich_extraction, rich_table};

fn source() -> Source {
    let mut source = Source::new("archive/2021/租赁.docx");
    source.format = Some(jixiao_output::Format::Docx);
    source.bytes = Some(1234);
    source.sha256 = Some("ab".repeat(32));
    source
}

fn rich_json() -> Value {
    let document = Document::from_extraction(source(), Vec::new(), rich_extraction());
    serde_json::to_value(&document).expect("serialises")
}

#[test]
fn document_level_fields() {
    let json = rich_json();
    assert_eq!(json["schema_version"], "1");
    assert_eq!(
        json["source"],
        json!({"path": "archive/2021/租赁.docx", "format": "docx", "bytes": 1234,
               "sha256": "ab".repeat(32)})
    );
    assert_eq!(json["status"], "ok");
    assert_eq!(json["error"], Value::Null);
    assert_eq!(json["title"], "2021年部门预算");
    assert_eq!(json["tables"].as_array().map(Vec::len), Some(2));
    assert_eq!(
        json["warnings"],
        json!([{"code": "unknown_name", "message": "二级指标 `服务质量` is not in the vocabulary",
                "location": null}])
    );
    let mut keys: Vec<&String> = json.as_object().expect("an object").keys().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "error",
            "generator",
            "schema_version",
            "source",
            "status",
            "tables",
            "title",
            "warnings"
        ]
    );
}

#[test]
fn encoding_and_pages_appear_only_when_known() {
    let mut source = source();
    source.encoding = Some("gb18030".to_string());
    let document = Document::from_extraction(source, Vec::new(), rich_extraction());
    let json = serde_json::to_value(&document).expect("serialises");
    assert_eq!(json["source"]["encoding"], "gb18030");
    assert!(json["source"].get("pages").is_none());
}

#[test]
fn table_fields() {
    let json = rich_json();
    let table = &json["tables"][0];
    assert_eq!(table["kind"], "project");
    assert_eq!(table["title"], "1、办公场所租赁费绩效目标表");
    assert_eq!(
        table["project"],
        json!({
            "name": "办公场所租赁费", "code": "930-0801-JBN-T5AG", "department": "某某局",
            "unit": "某某中心", "implementer": null, "manager": "张三 12345678",
            "category": "经常性项目", "level": null, "start": "2021-01", "end": "2021-12",
            // A repeated label is merged; unchecked boxes are not written.
            "checkboxes": {"项目属性": ["延续项目", "其他"], "项目期限": []},
            "fields": {"立项必要性": "保障运行\n第二段", "项目实施内容": "租赁"}
        })
    );
    // Checkbox and field labels keep the table's order, not an alphabetical one.
    let document = Document::from_extraction(source(), Vec::new(), rich_extraction());
    let text = serde_json::to_string(&document).expect("serialises");
    assert!(
        text.contains(r#""fields":{"项目实施内容":"租赁","立项必要性":"保障运行\n第二段"}"#),
        "{text}"
    );
    // Document fields are written in the order of SPEC.md.
    assert!(
        text.starts_with(&format!(
            r#"{{"schema_version":"1","generator":"{}","source":{{"path":"#,
            jixiao_output::GENERATOR
        )),
        "{text}"
    );
    assert_eq!(
        table["budget"],
        // Whole numbers are written without a fraction; NaN cannot be JSON and becomes null.
        json!({"unit": "万元", "total": 23.85, "fiscal": 23.85, "other": 0, "carryover": 0,
               "long_term_total": null,
               "sources": [{"label": "财政拨款", "raw": "23.85", "value": 23.85, "unit": null}]})
    );
    assert_eq!(
        table["spending_plan"],
        json!([{"label": "3月底", "raw": "25%", "value": 25, "unit": "%",
                "parsed": {"kind": "number", "number": 25, "unit": "%"}}])
    );
    assert_eq!(
        table["goals"],
        json!({"overall": ["保障办公", "提升效率"], "annual": "完成租赁", "long_term": null})
    );
    assert_eq!(
        table["tasks"],
        json!([{"name": "租赁", "content": "办公用房", "total": 10, "fiscal": 1e300, "other": null}])
    );
    assert_eq!(
        table["warnings"],
        json!([{"code": "level1_corrected", "message": "成本指标 was under 效益指标",
                "location": {"row": 8}}])
    );
    assert_eq!(
        table["location"],
        json!({"page": 2, "page_end": 3, "grid": 0})
    );
    let department = &json["tables"][1];
    assert_eq!(department["kind"], "department");
    assert_eq!(department["budget"], Value::Null);
    assert_eq!(department["indicators"], json!([]));
    assert_eq!(department["location"], json!({}));
}

#[test]
fn indicator_fields_and_parsed_values() {
    let json = rich_json();
    let first = &json["tables"][0]["indicators"][0];
    assert_eq!(
        *first,
        json!({
            "level1": "产出指标", "level2": "数量指标", "level3": "抽检批次, \"重点\"品种",
            "description": "全年抽检\n分两次完成", "basis": "三定方案",
            "values": [
                {"label": "半年指标值", "label_raw": "半年(程)指标值", "period": "half_year",
                 "raw": "预计1-2批次",
                 "parsed": {"kind": "range", "low": 1, "high": 2, "unit": "批次", "approx": true}},
                {"label": "全年指标值", "label_raw": "全年(程)指标值", "period": "annual",
                 "raw": "≥1145批次",
                 "parsed": {"kind": "number", "op": ">=", "number": 1145, "unit": "批次"}},
                {"label": "完成时间", "label_raw": null, "period": null, "raw": "2021年12月30日",
                 "parsed": {"kind": "date", "date": "2021-12-30"}}
            ],
            "level1_raw": null, "level2_raw": "数量",
            "nature": null, "unit": null, "weight": null, "score": null, "scoring": null,
            "standard": null, "deviation": null,
            "location": {"page": 2, "row": 7, "col": 2, "grid": 0}
        })
    );
    let second = &json["tables"][0]["indicators"][1];
    // `level1_raw` equal to the canonical name is written as null.
    assert_eq!(second["level1_raw"], Value::Null);
    assert_eq!(second["description"], Value::Null);
    assert_eq!(
        second["values"][0]["parsed"],
        json!({"kind": "number", "op": ">=", "number": 95, "unit": "%", "grade": "优"})
    );
    // An empty cell has no parsed value; `approx: false` and empty choices are omitted.
    assert_eq!(
        second["values"][1],
        json!({"label": "指标值2", "label_raw": null, "period": null, "raw": "", "parsed": null})
    );
    assert_eq!(
        second["values"][2]["parsed"],
        json!({"kind": "boolean", "choices": ["是", "否"]})
    );
    assert_eq!(
        second["values"][3]["parsed"],
        json!({"kind": "number", "number": 12.5, "unit": "万元"})
    );
    assert_eq!(second["values"][3]["period"], "long_term");
    // Columns of their own beside the value are kept as written.
    assert_eq!(second["nature"], "≥");
    assert_eq!(second["unit"], "%");
    assert_eq!(second["weight"], "10");
    assert_eq!(second["score"], Value::Null);
}

#[test]
fn documents_read_back_unchanged() {
    let document = Document::from_extraction(source(), Vec::new(), rich_extraction());
    let text = serde_json::to_string_pretty(&document).expect("serialises");
    let back: Document = serde_json::from_str(&text).expect("deserialises");
    assert_eq!(back, document);
    assert_eq!(
        back.tables[0].project.checkboxes.get("项目属性"),
        Some(&vec!["延续项目".to_string(), "其他".to_string()])
    );
}

#[test]
fn status_ok_when_nothing_was_lost() {
    let reader = vec![Diagnostic::new("rejoined_row", "a row was rejoined")];
    let document = Document::from_extraction(source(), reader, rich_extraction());
    assert_eq!(document.status, Status::Ok);
    // Reader diagnostics come first, then the normaliser's.
    let codes: Vec<&str> = document.warnings.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["rejoined_row", "unknown_name"]);
    assert_eq!(document.indicator_count(), 2);
}

#[test]
fn status_partial_when_the_reader_lost_content() {
    let reader = vec![
        Diagnostic::loss("unmapped_glyphs", "3 glyphs on page 2 have no text").at(Location {
            page: Some(2),
            ..Location::default()
        }),
    ];
    let document = Document::from_extraction(source(), reader, rich_extraction());
    assert_eq!(document.status, Status::Partial);
    assert_eq!(document.error, None);
    let json = serde_json::to_value(&document).expect("serialises");
    assert_eq!(
        json["warnings"][0],
        json!({"code": "unmapped_glyphs", "message": "3 glyphs on page 2 have no text",
               "location": {"page": 2}, "lost": true})
    );
}

#[test]
fn status_partial_when_a_table_lost_content() {
    let mut extraction = rich_extraction();
    extraction.tables[1].warnings.push(Diagnostic::loss(
        "truncated_table",
        "the table ends mid-row",
    ));
    let document = Document::from_extraction(source(), Vec::new(), extraction);
    assert_eq!(document.status, Status::Partial);
}

#[test]
fn status_empty_with_no_tables_keeps_the_warnings() {
    let reader = vec![Diagnostic::loss("unmapped_glyphs", "page 1 has no text")];
    let extraction = Extraction {
        title: Some("通知".to_string()),
        ..Extraction::default()
    };
    let document = Document::from_extraction(source(), reader, extraction);
    assert_eq!(document.status, Status::Empty);
    let error = document.error.as_ref().expect("an error");
    assert_eq!(error.code, ErrorCode::NoTables);
    assert!(error.message.contains("绩效目标表"), "{}", error.message);
    assert_eq!(document.warnings.len(), 1);
    assert_eq!(document.title.as_deref(), Some("通知"));
    let json = serde_json::to_value(&document).expect("serialises");
    assert_eq!(json["error"]["code"], "no_tables");
    assert_eq!(json["status"], "empty");
    assert_eq!(json["tables"], json!([]));
}

#[test]
fn failed_documents_name_their_code() {
    let document = Document::failed(
        Source::new("x.pdf"),
        ErrorCode::NoTextLayer,
        "the PDF is a scan",
        Vec::new(),
    );
    let json = serde_json::to_value(&document).expect("serialises");
    assert_eq!(
        json,
        json!({"schema_version": "1", "generator": jixiao_output::GENERATOR,
               "source": {"path": "x.pdf", "format": null, "bytes": null, "sha256": null},
               "status": "failed", "error": {"code": "no_text_layer", "message": "the PDF is a scan"},
               "title": null, "tables": [], "warnings": []})
    );
    for code in ErrorCode::ALL {
        assert_eq!(
            serde_json::to_value(code).expect("serialises"),
            json!(code.name())
        );
        assert_eq!(ErrorCode::from_name(code.name()), Some(code));
    }
}

#[test]
fn a_table_converts_on_its_own() {
    let table = jixiao_output::Table::from(rich_table());
    assert_eq!(table.indicators.len(), 2);
    assert_eq!(table.indicators[0].values[1].raw, "≥1145批次");
    assert_eq!(table.project.fields.len(), 2);
}
