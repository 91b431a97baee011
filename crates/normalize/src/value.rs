//! The grammar of 指标值 cells: `≥1145批次` → op `>=`, number 1145, unit `批次`.
//!
//! (Placeholder: the grammar is being written; for now every value reads as text.)

/// What kind of value a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Number,
    Range,
    Date,
    Deadline,
    Boolean,
    Grade,
    Text,
}

impl ValueKind {
    pub fn name(self) -> &'static str {
        match self {
            ValueKind::Number => "number",
            ValueKind::Range => "range",
            ValueKind::Date => "date",
            ValueKind::Deadline => "deadline",
            ValueKind::Boolean => "boolean",
            ValueKind::Grade => "grade",
            ValueKind::Text => "text",
        }
    }
}

/// A comparison in front of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Ge,
    Le,
    Gt,
    Lt,
    Eq,
    Ne,
}

impl Op {
    /// `>=`, `<=`, `>`, `<`, `=`, `!=`.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Lt => "<",
            Op::Eq => "=",
            Op::Ne => "!=",
        }
    }
}

/// A value as the grammar reads it. Which fields are set depends on `kind`.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub kind: ValueKind,
    pub op: Option<Op>,
    pub number: Option<f64>,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub unit: Option<String>,
    /// 约, 预计, 左右, 以上…: the figure is approximate or a floor.
    pub approx: bool,
    /// ISO 8601 date (`2021-12-30`) or partial date (`2022-12`) for dates and deadlines.
    pub date: Option<String>,
    /// The end of a date range (`2022年1月1日—2022年12月31日`), ISO 8601.
    pub date_end: Option<String>,
    /// A grade word (优, 良, 较高, 满意…), alone or after a number (`≥95优`).
    pub grade: Option<String>,
    /// `true` for 是, `false` for 否.
    pub boolean: Option<bool>,
    /// The alternatives of a choice such as `是、否` or `好、较好、差、较差`.
    pub choices: Vec<String>,
    /// Text that is not part of the figure, or the whole text of a `text` value.
    pub text: Option<String>,
}

impl Parsed {
    /// A value of `kind` with every field empty.
    pub fn empty(kind: ValueKind) -> Self {
        Parsed {
            kind,
            op: None,
            number: None,
            low: None,
            high: None,
            unit: None,
            approx: false,
            date: None,
            date_end: None,
            grade: None,
            boolean: None,
            choices: Vec::new(),
            text: None,
        }
    }
}

/// Reads one value cell. `None` for an empty cell.
pub fn parse(raw: &str) -> Option<Parsed> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let mut parsed = Parsed::empty(ValueKind::Text);
    parsed.text = Some(raw.to_string());
    Some(parsed)
}
