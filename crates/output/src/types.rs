//! The serde types of SPEC.md: what one input file becomes in JSON.
//!
//! Field names are the public contract and never change; fields may be added. The doc comments
//! here become the descriptions of the JSON Schema (`jixiao schema`), so they are written for
//! users of the JSON, not for readers of the code.
//!
//! Two conventions hold throughout: an absent scalar of a Document, Table or Indicator is
//! written as `null` (the key is always there, so that consumers can index without checks),
//! while a [`Location`] or a [`Parsed`] value omits the fields that are unset (they are many and
//! mostly empty, and an omitted key there means "the format cannot tell").

use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The kinds, periods and comparisons of the normaliser, serialised as they are.
pub use jixiao_normalize::{Period, TableKind, value::Op, value::ValueKind};
/// The formats, as the readers name them.
pub use jixiao_read::Format;

/// The value of `schema_version` written by this version of jixiao.
pub const SCHEMA_VERSION: &str = "1";

/// What jixiao read from one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[schemars(title = "jixiao document")]
// The status rule, stated in the schema so that a validator checks it too: a failed or empty
// document has an error and no tables (an empty one's code is `no_tables`); any other has
// tables and no error.
#[schemars(extend("allOf" = [{
    "if": { "properties": { "status": { "enum": ["failed", "empty"] } } },
    "then": { "properties": { "error": { "type": "object" }, "tables": { "maxItems": 0 } } },
    "else": { "properties": { "error": { "type": "null" }, "tables": { "minItems": 1 } } }
}, {
    "if": { "properties": { "status": { "const": "empty" } } },
    "then": { "properties": { "error": { "properties": { "code": { "const": "no_tables" } } } } }
}]))]
pub struct Document {
    /// Always `"1"` for this layout.
    #[schemars(extend("const" = "1"))]
    pub schema_version: String,
    /// The program that wrote the document and its version, e.g. `jixiao 0.1.0`.
    #[serde(default)]
    pub generator: String,
    pub source: Source,
    pub status: Status,
    /// Why the file gave no tables, or `null`.
    pub error: Option<DocumentError>,
    /// The document's heading, when it has one.
    pub title: Option<String>,
    /// Every performance target table (绩效目标表), in document order.
    pub tables: Vec<Table>,
    /// What the reader and the normaliser repaired, doubted or lost outside any single table.
    pub warnings: Vec<Warning>,
}

/// The input file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Source {
    /// The path as given on the command line (or found in a folder); `-` for standard input.
    /// A name that is not valid UTF-8 is written with U+FFFD for its bad bytes; its exact
    /// bytes are then in `path_bytes`.
    pub path: String,
    /// The path's raw bytes as lower-case hex, only when the path is not valid UTF-8 (file
    /// names from old archives in GBK, for instance), so that the file can still be found:
    /// `bytes.fromhex(path_bytes)` in Python, `xxd -r -p` in a shell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("pattern" = "^([0-9a-f]{2})+$"))]
    pub path_bytes: Option<String>,
    /// The format detected from the file's content, or `null` when the file could not be read.
    pub format: Option<Format>,
    /// The file's size in bytes, or `null` when it could not be read.
    pub bytes: Option<u64>,
    /// SHA-256 of the file's bytes as lower-case hex, or `null` when they were not read.
    #[schemars(extend("pattern" = "^[0-9a-f]{64}$"))]
    pub sha256: Option<String>,
    /// The text encoding that was detected (`utf-8`, `gb18030`, `utf-16le`…), for formats that
    /// have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// The number of pages, for formats that have pages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
}

/// `ok`: every table read in full; `partial`: tables were read but something was lost (see the
/// warnings whose `lost` is true); `empty`: the file was read but holds no performance target
/// table (`error.code` is `no_tables`); `failed`: the file could not be read (see `error`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Partial,
    Empty,
    Failed,
}

impl Status {
    /// The name as written in `status`.
    pub fn name(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Partial => "partial",
            Status::Empty => "empty",
            Status::Failed => "failed",
        }
    }
}

/// Why a file failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DocumentError {
    pub code: ErrorCode,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

/// The kinds of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// Corrupt, truncated, missing or not readable.
    Unreadable,
    /// Protected by a password.
    Encrypted,
    /// Not a format jixiao reads.
    UnsupportedFormat,
    /// A PDF without a text layer (a scan).
    NoTextLayer,
    /// Readable, but holding no performance target table.
    NoTables,
    /// A size, depth or time limit was reached.
    TooLarge,
    /// A `.doc` file and no LibreOffice to convert it.
    ConverterMissing,
    /// A bug in jixiao (a caught panic).
    Internal,
}

impl ErrorCode {
    /// Every code, in the order of SPEC.md.
    pub const ALL: [ErrorCode; 8] = [
        ErrorCode::Unreadable,
        ErrorCode::Encrypted,
        ErrorCode::UnsupportedFormat,
        ErrorCode::NoTextLayer,
        ErrorCode::NoTables,
        ErrorCode::TooLarge,
        ErrorCode::ConverterMissing,
        ErrorCode::Internal,
    ];

    /// The code as written in `error.code`.
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::Unreadable => "unreadable",
            ErrorCode::Encrypted => "encrypted",
            ErrorCode::UnsupportedFormat => "unsupported_format",
            ErrorCode::NoTextLayer => "no_text_layer",
            ErrorCode::NoTables => "no_tables",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::ConverterMissing => "converter_missing",
            ErrorCode::Internal => "internal",
        }
    }

    /// The code of a name, if it is one.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|code| code.name() == name)
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something that was repaired, doubted or lost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Warning {
    /// A short stable code, such as `rejoined_row` or `level1_corrected`.
    pub code: String,
    pub message: String,
    /// Where it happened, or `null` when it concerns the whole document.
    pub location: Option<Location>,
    /// Present and true when content could not be kept; such a warning makes the document
    /// `partial`.
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(extend("const" = true))]
    pub lost: bool,
}

/// Where something is in its file. Only the fields the format can tell are present.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Location {
    /// Page (1-based), for PDF.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// Last page, when the thing spans several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_end: Option<u32>,
    /// Sheet name, for spreadsheets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// Line (1-based), for text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// Last line, when the thing spans several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_end: Option<u32>,
    /// Row inside the table grid (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    /// Column inside the table grid (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub col: Option<u32>,
    /// Index of the table grid among the file's grids (0-based).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid: Option<u32>,
}

/// One performance target table (绩效目标表).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Table {
    pub kind: TableKind,
    /// The caption above the table, e.g. `1、办公场所租赁费绩效目标表`.
    pub title: Option<String>,
    pub project: Project,
    /// The budget figures, or `null` when the table gives none.
    pub budget: Option<Budget>,
    /// 资金支出计划: each column as written, e.g. `3月底` → `25%`, with the amount parsed.
    pub spending_plan: Vec<SpendingItem>,
    pub goals: Goals,
    /// 年度主要任务 rows of a department table.
    pub tasks: Vec<Task>,
    /// One entry per 三级指标 row, in table order.
    pub indicators: Vec<Indicator>,
    /// What was repaired or doubted in this table.
    pub warnings: Vec<Warning>,
    pub location: Location,
}

/// The fields that name a project (or a department).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Project {
    /// 项目名称 (部门（单位）名称 for a department table).
    pub name: Option<String>,
    /// 项目编码.
    pub code: Option<String>,
    /// 主管部门.
    pub department: Option<String>,
    /// 预算单位, or 实施单位 when the table has no 预算单位.
    pub unit: Option<String>,
    /// 实施单位, when the table names it apart from the budget unit.
    pub implementer: Option<String>,
    /// 项目负责人 / 联系电话.
    pub manager: Option<String>,
    /// 项目类型.
    pub category: Option<String>,
    /// 项目级次.
    pub level: Option<String>,
    /// 开始时间.
    pub start: Option<String>,
    /// 完成时间.
    pub end: Option<String>,
    /// Checkbox fields (项目属性, 项目期限…): the label and its checked boxes, in table order.
    pub checkboxes: LabelMap<Vec<String>>,
    /// Other labelled fields above the indicators, as written, in table order.
    pub fields: LabelMap<String>,
}

/// Budget figures as numbers in `unit`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Budget {
    /// The unit of the figures: `万元` unless the table says otherwise.
    pub unit: String,
    /// 预算数 / 资金总额 / 年度资金总额.
    pub total: Option<Number>,
    /// 财政资金 / 财政拨款.
    pub fiscal: Option<Number>,
    /// 其他资金.
    pub other: Option<Number>,
    /// 上年结转资金, when the table gives it.
    pub carryover: Option<Number>,
    /// 中长期资金总额 / 项目资金总额 / 实施期资金总额.
    pub long_term_total: Option<Number>,
    /// 项目资金来源: each labelled source with its amount as written.
    pub sources: Vec<LabelledText>,
}

/// A label and the amount under it: the text as written, and its figure.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct LabelledText {
    pub label: String,
    /// The cell as written.
    pub raw: String,
    /// The figure of `raw` (`25.00%` → 25); `null` when the cell is empty or holds no figure.
    pub value: Option<Number>,
    /// The figure's unit, written in the cell (`%`, `万元`) or stated by the label
    /// (`资金支出计划（%）`); `null` when neither says.
    pub unit: Option<String>,
}

/// One column of 资金支出计划.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SpendingItem {
    /// The column's label as written, e.g. `3月底`.
    pub label: String,
    /// The amount as written, e.g. `25%` or `1.00`.
    pub raw: String,
    /// The figure of `raw` (`25.00%` → 25); `null` when the cell is empty or holds no figure.
    pub value: Option<Number>,
    /// The figure's unit, written in the cell (`%`, `万元`) or stated by the label
    /// (`资金支出计划（%）`); `null` when neither says.
    pub unit: Option<String>,
    /// The amount read by the value grammar (`25%` → number 25 with unit `%`), or `null` for
    /// an empty cell.
    #[serde(default)]
    pub parsed: Option<Parsed>,
}

/// 绩效目标 / 年度目标 / 中长期目标.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Goals {
    /// The overall goal, one entry per numbered item or paragraph.
    pub overall: Vec<String>,
    /// 年度目标.
    pub annual: Option<String>,
    /// 中长期目标.
    pub long_term: Option<String>,
}

/// One 年度主要任务 row of a department table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Task {
    pub name: String,
    pub content: Option<String>,
    pub total: Option<Number>,
    pub fiscal: Option<Number>,
    pub other: Option<Number>,
}

/// One 三级指标 row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    /// Canonical 一级指标 (产出指标, 效益指标, 满意度指标, 成本指标…).
    pub level1: String,
    /// Canonical 二级指标 (数量指标, 质量指标…); repeats `level1` when the table has none.
    pub level2: String,
    /// 三级指标 text.
    pub level3: String,
    /// 绩效指标描述 / 指标内容.
    pub description: Option<String>,
    /// 指标值确定依据.
    pub basis: Option<String>,
    /// One entry per value column, in column order.
    pub values: Vec<Value>,
    /// The 一级 text as written, or `null` when it equals `level1`.
    pub level1_raw: Option<String>,
    /// The 二级 text as written, or `null` when it equals `level2`.
    pub level2_raw: Option<String>,
    /// 指标性质 / 指标值类型 / 指标方向 as written (`≥`, `＝`, `定性`…) when the table gives it a
    /// column of its own, else `null`.
    pub nature: Option<String>,
    /// 度量单位 / 计量单位 as written when the table gives it a column of its own, else `null`.
    pub unit: Option<String>,
    /// 分值 / 权重 as written, else `null`.
    pub weight: Option<String>,
    /// 得分 as written (self-evaluation), else `null`.
    pub score: Option<String>,
    /// 评(扣)分标准 text, else `null`.
    pub scoring: Option<String>,
    /// 绩效标准 (计划标准 / 历史标准 / 行业标准), else `null`.
    pub standard: Option<String>,
    /// 偏差原因分析及改进措施 / 原因说明 text, else `null`.
    pub deviation: Option<String>,
    pub location: Location,
}

/// One value cell of an indicator row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Value {
    /// The column header, normalised: NFKC, whitespace and parenthesised notes removed, `目标值`
    /// read as `指标值`: `指标值`, `年度指标值`, `全年指标值`, `半年指标值`, `中长期指标值`…
    pub label: String,
    /// The column header as written (NFKC, whitespace removed), or `null` when it equals
    /// `label`: `指标值(含数字及文字描述)`, `全年(程)指标值`.
    #[serde(default)]
    pub label_raw: Option<String>,
    /// The period the column speaks of, or `null` when its header does not say.
    pub period: Option<Period>,
    /// The cell text as written (trimmed; lines wrapped inside one cell joined).
    pub raw: String,
    /// The value as read, or `null` for an empty cell.
    pub parsed: Option<Parsed>,
}

/// A value as read by the value grammar. Only the fields that are set are present.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Parsed {
    pub kind: ValueKind,
    /// The comparison in front of the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<Op>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Number>,
    /// The lower end of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<Number>,
    /// The upper end of a range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Present and true when the figure is approximate or a floor (约, 预计, 左右, 以上…).
    #[serde(default, skip_serializing_if = "is_false")]
    #[schemars(extend("const" = true))]
    pub approx: bool,
    /// ISO 8601 date (`2021-12-30`) or partial date (`2022-12`). A date or deadline whose year
    /// is neither written nor named by the table (or the document's title) keeps its month and
    /// day as `--06-30` (`6月底前`), or its month as `--06`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The end of a date range, ISO 8601.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_end: Option<String>,
    /// A grade word (优, 良, 满意…), alone or after a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
    /// `true` for 是, `false` for 否.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boolean: Option<bool>,
    /// The alternatives of a choice such as `是、否`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("minItems" = 1))]
    pub choices: Vec<String>,
    /// Text that is not part of the figure, or the whole text of a `text` value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A finite number. Whole numbers are written without a fraction (`1145`, not `1145.0`), as
/// the documents write them; a value that is not finite is never made into a `Number`, because
/// JSON cannot hold it.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Number(f64);

/// The largest magnitude below which every whole `f64` is exactly an `i64` and round-trips
/// through JSON readers that use doubles.
const EXACT_INTEGER_LIMIT: f64 = 9_007_199_254_740_992.0;

impl Number {
    /// A number, or `None` for NaN and infinities.
    pub fn new(value: f64) -> Option<Number> {
        value.is_finite().then_some(Number(value))
    }

    pub fn get(self) -> f64 {
        self.0
    }

    /// The whole value as an integer, when it is one that JSON readers hold exactly.
    fn as_integer(self) -> Option<i64> {
        (self.0.fract() == 0.0 && self.0.abs() < EXACT_INTEGER_LIMIT).then_some(self.0 as i64)
    }
}

impl fmt::Display for Number {
    /// The shortest text that reads back as the same number, without a fraction when whole.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.as_integer() {
            Some(integer) => write!(f, "{integer}"),
            None => write!(f, "{}", self.0),
        }
    }
}

impl Serialize for Number {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.as_integer() {
            Some(integer) => serializer.serialize_i64(integer),
            None => serializer.serialize_f64(self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Number {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(deserializer)?;
        Number::new(value).ok_or_else(|| serde::de::Error::custom("a number must be finite"))
    }
}

impl JsonSchema for Number {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Number".into()
    }

    fn json_schema(_generator: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "number" })
    }
}

/// Labelled entries that keep the table's order, written as a JSON object (`{label: value}`).
/// Labels are unique: see the conversions, which merge repeated labels.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelMap<V>(pub Vec<(String, V)>);

impl<V> Default for LabelMap<V> {
    fn default() -> Self {
        LabelMap(Vec::new())
    }
}

impl<V> LabelMap<V> {
    /// The value of a label.
    pub fn get(&self, label: &str) -> Option<&V> {
        self.0
            .iter()
            .find(|(key, _)| key == label)
            .map(|(_, value)| value)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<V: Serialize> Serialize for LabelMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (label, value) in &self.0 {
            map.serialize_entry(label, value)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for LabelMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LabelMapVisitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for LabelMapVisitor<V> {
            type Value = LabelMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of labelled values")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = access.next_entry::<String, V>()? {
                    entries.push(entry);
                }
                Ok(LabelMap(entries))
            }
        }

        deserializer.deserialize_map(LabelMapVisitor(PhantomData))
    }
}

impl<V: JsonSchema> JsonSchema for LabelMap<V> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("LabelMap_{}", V::schema_name()).into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let value = generator.subschema_for::<V>();
        json_schema!({ "type": "object", "additionalProperties": value })
    }
}

fn is_false(value: &bool) -> bool {
    !*value
}
