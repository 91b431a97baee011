//! The grammar of 指标值 cells: `≥1145批次` → op `>=`, number 1145, unit `批次`.
//!
//! [`parse`] reads one cell into a [`Parsed`] value. It never fails: what the grammar cannot
//! read is a `text` value holding the whole cell. The rules, in the order they are tried:
//!
//! 1. **Normal form.** The cell is trimmed and read in NFKC form, so full-width `２０２４`, `％`,
//!    `＞`, `～`, `，` are ASCII; whitespace, control and invisible characters are dropped, except
//!    between two digits (`9 5%` stays text rather than becoming 95). Punctuation that ends the
//!    cell (`62万。`) does not change its value. `raw` is never changed, and the `text` of a
//!    `text` value is the trimmed cell as written. A cell longer than [`MAX_PARSED_BYTES`] is
//!    text without further reading.
//! 2. **Words.** `是`/`有` → boolean true, `否`/`无` → false. A grade word → `grade`: a level
//!    (优 良 中 差 好 高 低 大 小, 优秀 良好 合格 满意…) or one of the qualitative targets of 决策
//!    and 过程 rows (充分 规范 合理 明确 科学 合规 健全 有效 及时 流畅 完善…), optionally after
//!    one degree word (较高, 非常满意, 不合格). Trend phrases (`不断提高`, `大幅度提升`) are
//!    text. A template of alternatives (`是、否`, `是否`, `好、较好、差、较差`, `优秀/良好`) is a
//!    boolean or grade with `choices` and no answer chosen.
//! 3. **Dates and deadlines** (see `date.rs`). `2021年12月30日` → date `2021-12-30`; `2022年6月`
//!    → `2022-06`; `2024年` → the year `2024` (four digits from 1900 to 2100 and `年`; a bare
//!    `2024` is a number); two times joined by `—`, `-`, `~`, `至` → `date` and `date_end`. A
//!    deadline is a time with `前`/`之前`/`以前`/`止`, `底`/`末` (`12月底`), a lead such as
//!    `截止`, or `完成` after it: `6月底前完成`, `2022年12月31日前完成`. Its `date` is set when
//!    the year is known (`2022年底前` → `2022-12-31`, the end of the month or year named); what
//!    follows other than a plain `完成` is kept in `text` (`10月份前完成采购和验收`). A cell that
//!    names no time (`按每月工作计划及时组织`, `一周内完成`) is no deadline. A date or deadline
//!    without a year keeps its month and day in ISO 8601's form for an unnamed year: `6月30日`
//!    and `6月底前` → `--06-30`, `6月份前` → `--06`, `年底前` → `--12-31`. An
//!    impossible date (`2021年2月29日`), a range that ends before it starts, or a date followed
//!    by other words is text.
//! 4. **Figures** (see `figure.rs`): comparisons before the figure (`≥ >= ≧ 不低于 不少于 大于等于`
//!    → `>=`; `≤ <= ≦ 不高于 不超过 不多于 小于等于` → `<=`; `> 大于 高于 超过`; `< 小于 低于`;
//!    `= 等于`; `≠`) or after it (`以上` → `>=`, `以下`/`以内` → `<=`). When both are written and
//!    agree, the prefix wins (`≥80%以上` → `>=`, `>80%以上` → `>`); when they contradict
//!    (`≤5%以上`) the cell is text. Approximations (`约 预计 近` before, `余 多` between number
//!    and unit, `左右` after) set `approx`. A number has an optional sign, thousands separators
//!    (`1,000`) and a fraction; more than 15 integer digits are a code, not a figure. The unit
//!    is a listed measure word or unit, with a magnitude (`万元`), a rate (`元/家`, `次/100台`)
//!    and an alternative (`台(套)`), or an unlisted single ideograph that ends the cell (`3盏`),
//!    or Latin letters (`6T`). A grade may end the figure (`≥95优`, `90%为优`). Two numbers
//!    joined by `-`, `~`, `—`, `至` are a `range` (`1-2批次`, `95%-100%`) when their units agree
//!    and the first is not larger; a range takes no comparison. Target verbs before a figure
//!    (`实现100%`, `达到95%`) and the mark `(含)` after a comparison are dropped. A magnitude
//!    stays in the unit (`2万` is number 2, unit `万`): the grammar never rescales a figure.
//!    Figures written in Chinese numerals (`三次`) are not read.
//! 5. **A figure followed by words** (`≥90产品抽检率大于等于90%为优`, `24小时全天候`) is *not* a
//!    number: it is `text` with the whole cell, and `op`, `number`, `approx` keep the leading
//!    figure as a hint, with its `unit` when that is a unit for sure (punctuation follows it, or
//!    it is a symbol such as `%` or has two or more characters: in `100人员经费` the `人` is the
//!    start of a word). A user who wants only clean figures takes `kind == number`. A cell
//!    where the figure goes on in any other way (`7%5`, a list of figures `1台，15.0万元`, a
//!    range followed by words) is plain text, with nothing but `text`.
//! 6. Everything else is `text`, with `text` the whole cell.

mod date;
mod figure;
mod lexicon;
mod scan;
mod words;

use std::borrow::Cow;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use lexicon::TRAILING_PUNCTUATION;

/// Cells longer than this (in bytes) are read as text without further parsing: no figure, date or
/// grade is that long, and it bounds the work one cell can cost.
pub const MAX_PARSED_BYTES: usize = 4096;

/// What kind of value a cell holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum Op {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "=")]
    Eq,
    #[serde(rename = "!=")]
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
    /// 约, 预计, 左右, 余, 多: the figure is approximate. (`以上` is a comparison and sets `op`.)
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
///
/// ```
/// use jixiao_normalize::value::{parse, Op, ValueKind};
///
/// let parsed = parse("≥1145批次").expect("not empty");
/// assert_eq!(parsed.kind, ValueKind::Number);
/// assert_eq!(parsed.op, Some(Op::Ge));
/// assert_eq!(parsed.number, Some(1145.0));
/// assert_eq!(parsed.unit.as_deref(), Some("批次"));
/// assert_eq!(parse("  "), None);
/// ```
pub fn parse(raw: &str) -> Option<Parsed> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    if raw.len() > MAX_PARSED_BYTES {
        return Some(Parsed::text(raw));
    }
    let form = normal_form(raw);
    let body = form.trim_end_matches(TRAILING_PUNCTUATION);
    if body.is_empty() {
        return Some(Parsed::text(raw));
    }
    if let Some(parsed) = words::read(body) {
        return Some(parsed);
    }
    match date::read(body) {
        date::Reading::Value(parsed) => return Some(parsed),
        date::Reading::Text => return Some(Parsed::text(raw)),
        date::Reading::NotADate => {}
    }
    Some(match figure::read(body) {
        figure::Reading::Value(parsed) => parsed,
        figure::Reading::Leading(mut parsed) => {
            parsed.text = Some(raw.to_string());
            parsed
        }
        figure::Reading::Text | figure::Reading::NotAFigure => Parsed::text(raw),
    })
}

impl Parsed {
    /// A `text` value holding `text`.
    pub fn text(text: &str) -> Self {
        let mut parsed = Parsed::empty(ValueKind::Text);
        parsed.text = Some(text.to_string());
        parsed
    }
}

/// The form the grammar reads: NFKC, without whitespace, control or invisible characters, except
/// that a run of them between two digits stays one space so that it keeps the digits apart.
/// Borrows the cell when it already is in that form, as most cells are.
fn normal_form(text: &str) -> Cow<'_, str> {
    // Most cells are ASCII, ideographs and a few symbols that NFKC leaves alone, plus perhaps
    // full-width forms that it maps one to one onto ASCII. Those are handled here without the
    // NFKC algorithm, which would cost more than the rest of the grammar together; anything
    // else (compatibility ideographs, ligatures, combining marks) takes the full algorithm.
    let mut unchanged = true;
    for ch in text.chars() {
        match width_fold(ch) {
            Fold::Keep => {}
            Fold::Map(_) | Fold::Drop => unchanged = false,
            Fold::Normalise => return Cow::Owned(collect(text.nfkc(), text.len())),
        }
    }
    if unchanged {
        return Cow::Borrowed(text);
    }
    // A dropped character becomes a space, which `collect` treats as the gap it is; no
    // character needs the full algorithm here, the loop above made sure of that.
    let folded = text.chars().map(|ch| match width_fold(ch) {
        Fold::Keep => ch,
        Fold::Map(mapped) => mapped,
        Fold::Drop | Fold::Normalise => ' ',
    });
    Cow::Owned(collect(folded, text.len()))
}

/// What NFKC and the normal form make of one character, where that is simple to say.
enum Fold {
    /// The character stays as it is.
    Keep,
    /// NFKC maps the character onto this one (`２` → `2`).
    Map(char),
    /// Whitespace or an invisible character: dropped.
    Drop,
    /// Only the full NFKC algorithm can tell.
    Normalise,
}

fn width_fold(ch: char) -> Fold {
    match ch {
        '!'..='~' => Fold::Keep,
        // Full-width ASCII (`！` to `～`) is NFKC-equivalent to ASCII, 0xFEE0 below it.
        '\u{FF01}'..='\u{FF5E}' => {
            char::from_u32(u32::from(ch) - 0xFEE0).map_or(Fold::Normalise, Fold::Map)
        }
        // The unified ideographs have no decompositions, and these symbols neither.
        '\u{4E00}'..='\u{9FFF}'
        | '、'
        | '。'
        | '《'
        | '》'
        | '“'
        | '”'
        | '‘'
        | '’'
        | '—'
        | '≥'
        | '≤'
        | '≧'
        | '≦'
        | '·' => Fold::Keep,
        _ if ch.is_whitespace() || is_invisible(ch) => Fold::Drop,
        _ => Fold::Normalise,
    }
}

/// Builds the normal form from NFKC characters: whitespace and invisible characters dropped,
/// one space kept where they separated two digits.
fn collect(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut out = String::with_capacity(capacity);
    let mut gap = false;
    for ch in chars {
        if ch.is_whitespace() || is_invisible(ch) {
            gap = true;
            continue;
        }
        if gap && ch.is_ascii_digit() && out.ends_with(|before: char| before.is_ascii_digit()) {
            out.push(' ');
        }
        gap = false;
        out.push(ch);
    }
    out
}

/// Characters that show nothing: controls, zero-width spaces and joiners, direction marks, the
/// byte order mark and the soft hyphen. Office suites leave them in cells.
fn is_invisible(ch: char) -> bool {
    ch.is_control()
        || matches!(ch,
            '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{FEFF}')
}
