//! The value grammar against `values.tsv`: every distinct 指标值 of the four seed documents and
//! the grammar's edge cases, each with its expected reading judged by hand. Also checks that the
//! table covers every value of the gold files, and that no input makes the parser panic or
//! break the invariants of its output.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::PathBuf;

use jixiao_normalize::value::{MAX_PARSED_BYTES, Op, Parsed, ValueKind, parse};

/// One row of `values.tsv`.
#[derive(Debug)]
struct Case {
    line: usize,
    source: String,
    raw: String,
    expected: Parsed,
}

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Undoes the escapes of the table: `\t`, `\n`, `\r`, `\\` and `\u{HEX}`.
fn unescape(text: &str, line: usize) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('\\') => out.push('\\'),
            Some('u') => {
                let rest: String = chars.by_ref().take_while(|ch| *ch != '}').collect();
                let hex = rest.trim_start_matches('{');
                let code = u32::from_str_radix(hex, 16)
                    .unwrap_or_else(|_| panic!("values.tsv:{line}: bad escape \\u{rest}}}"));
                out.push(
                    char::from_u32(code)
                        .unwrap_or_else(|| panic!("values.tsv:{line}: no character {code:x}")),
                );
            }
            other => panic!("values.tsv:{line}: unknown escape \\{other:?}"),
        }
    }
    out
}

fn kind_named(name: &str, line: usize) -> ValueKind {
    match name {
        "number" => ValueKind::Number,
        "range" => ValueKind::Range,
        "date" => ValueKind::Date,
        "deadline" => ValueKind::Deadline,
        "boolean" => ValueKind::Boolean,
        "grade" => ValueKind::Grade,
        "text" => ValueKind::Text,
        other => panic!("values.tsv:{line}: unknown kind {other:?}"),
    }
}

fn op_named(symbol: &str, line: usize) -> Op {
    match symbol {
        ">=" => Op::Ge,
        "<=" => Op::Le,
        ">" => Op::Gt,
        "<" => Op::Lt,
        "=" => Op::Eq,
        "!=" => Op::Ne,
        other => panic!("values.tsv:{line}: unknown op {other:?}"),
    }
}

fn number(text: &str, line: usize) -> f64 {
    text.parse()
        .unwrap_or_else(|_| panic!("values.tsv:{line}: not a number: {text:?}"))
}

fn load_cases() -> Vec<Case> {
    let path = manifest_dir().join("tests/values.tsv");
    let table = std::fs::read_to_string(&path).expect("tests/values.tsv is readable");
    let mut cases = Vec::new();
    for (index, row) in table.lines().enumerate() {
        let line = index + 1;
        if row.trim().is_empty() || row.starts_with('#') {
            continue;
        }
        let mut cells = row.split('\t');
        let (Some(source), Some(raw), Some(kind)) = (cells.next(), cells.next(), cells.next())
        else {
            panic!("values.tsv:{line}: a row needs source, raw and kind");
        };
        let raw = unescape(raw, line);
        let mut expected = Parsed::empty(kind_named(kind, line));
        for cell in cells {
            if cell == "approx" {
                expected.approx = true;
                continue;
            }
            let (field, value) = cell
                .split_once('=')
                .unwrap_or_else(|| panic!("values.tsv:{line}: {cell:?} is no field=value"));
            let value = unescape(value, line);
            match field {
                "op" => expected.op = Some(op_named(&value, line)),
                "number" => expected.number = Some(number(&value, line)),
                "low" => expected.low = Some(number(&value, line)),
                "high" => expected.high = Some(number(&value, line)),
                "unit" => expected.unit = Some(value),
                "date" => expected.date = Some(value),
                "date_end" => expected.date_end = Some(value),
                "grade" => expected.grade = Some(value),
                "boolean" => {
                    expected.boolean = Some(match value.as_str() {
                        "true" => true,
                        "false" => false,
                        other => panic!("values.tsv:{line}: boolean {other:?}"),
                    })
                }
                "choices" => expected.choices = value.split('|').map(str::to_string).collect(),
                "text" if value == "*" => expected.text = Some(raw.trim().to_string()),
                "text" => expected.text = Some(value),
                other => panic!("values.tsv:{line}: unknown field {other:?}"),
            }
        }
        cases.push(Case {
            line,
            source: source.to_string(),
            raw,
            expected,
        });
    }
    cases
}

/// The fields of a reading, by name, in a form that shows every difference.
fn fields(parsed: &Parsed) -> [(&'static str, String); 13] {
    [
        ("kind", parsed.kind.name().to_string()),
        ("op", format!("{:?}", parsed.op.map(Op::symbol))),
        ("number", format!("{:?}", parsed.number)),
        ("low", format!("{:?}", parsed.low)),
        ("high", format!("{:?}", parsed.high)),
        ("unit", format!("{:?}", parsed.unit)),
        ("approx", format!("{:?}", parsed.approx)),
        ("date", format!("{:?}", parsed.date)),
        ("date_end", format!("{:?}", parsed.date_end)),
        ("grade", format!("{:?}", parsed.grade)),
        ("boolean", format!("{:?}", parsed.boolean)),
        ("choices", format!("{:?}", parsed.choices)),
        ("text", format!("{:?}", parsed.text)),
    ]
}

#[test]
fn every_value_reads_as_the_table_says() {
    let cases = load_cases();
    assert!(cases.len() > 400, "values.tsv lost rows: {}", cases.len());
    let mut report = String::new();
    let mut failures = 0;
    for case in &cases {
        let Some(actual) = parse(&case.raw) else {
            failures += 1;
            let _ = writeln!(
                report,
                "values.tsv:{} {:?}: parsed as empty",
                case.line, case.raw
            );
            continue;
        };
        let differences: Vec<String> = fields(&case.expected)
            .into_iter()
            .zip(fields(&actual))
            .filter(|((_, expected), (_, actual))| expected != actual)
            .map(|((name, expected), (_, actual))| {
                format!("    {name}: expected {expected}, got {actual}")
            })
            .collect();
        if !differences.is_empty() {
            failures += 1;
            let _ = writeln!(
                report,
                "values.tsv:{} [{}] {:?}\n{}",
                case.line,
                case.source,
                case.raw,
                differences.join("\n")
            );
        }
    }
    assert!(
        failures == 0,
        "{failures} of {} values read differently:\n{report}",
        cases.len()
    );
}

#[test]
fn the_table_has_each_value_once() {
    let mut seen = BTreeSet::new();
    for case in load_cases() {
        assert!(
            seen.insert(case.raw.clone()),
            "values.tsv:{}: {:?} is listed twice",
            case.line,
            case.raw
        );
    }
}

/// The gold files list the values a correct reading of each seed gives; every one of them must
/// have its row in the table (the table has more: seed 002's gold is partial).
#[test]
fn the_table_covers_every_gold_value() {
    let listed: BTreeSet<String> = load_cases()
        .into_iter()
        .filter(|case| case.source != "edge")
        .map(|case| case.raw)
        .collect();
    let gold_dir = manifest_dir().join("../../fixtures/gold");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&gold_dir)
        .expect("fixtures/gold is readable")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 4, "the four seeds' gold files");
    let mut missing = Vec::new();
    let mut values = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a gold file is readable");
        let gold: serde_json::Value = serde_json::from_str(&text).expect("a gold file is JSON");
        let tables = gold["tables"].as_array().expect("gold has tables");
        for indicator in tables
            .iter()
            .filter_map(|table| table["indicators"].as_array())
            .flatten()
        {
            for value in indicator["values"].as_array().into_iter().flatten() {
                let raw = value.as_str().expect("a gold value is a string").trim();
                if raw.is_empty() {
                    continue;
                }
                values += 1;
                if !listed.contains(raw) {
                    missing.push(format!("{}: {raw:?}", file.display()));
                }
            }
        }
    }
    assert!(values > 100, "the gold files hold values: {values}");
    assert!(
        missing.is_empty(),
        "gold values without a row in values.tsv:\n{}",
        missing.join("\n")
    );
}

#[test]
fn empty_cells_have_no_value() {
    for raw in ["", " ", "\t\n", "\u{3000}", "\u{3000} \r\n"] {
        assert_eq!(parse(raw), None, "{raw:?}");
    }
}

#[test]
fn very_long_cells_are_text() {
    let digits = "1".repeat(1_000_000);
    let parsed = parse(&digits).expect("not empty");
    assert_eq!(parsed.kind, ValueKind::Text);
    assert_eq!(parsed.number, None);
    assert_eq!(parsed.text.as_deref(), Some(digits.as_str()));

    let just_over = format!("≥95%{}", "优".repeat(MAX_PARSED_BYTES / 3));
    assert_eq!(parse(&just_over).map(|p| p.kind), Some(ValueKind::Text));

    // Under the limit, a long template is still read as one.
    let choices = vec!["是"; 600].join("、");
    let parsed = parse(&choices).expect("not empty");
    assert_eq!(parsed.kind, ValueKind::Boolean);
    assert_eq!(parsed.choices.len(), 600);

    let figure = format!("≥{}", "9".repeat(3000));
    assert_eq!(parse(&figure).map(|p| p.kind), Some(ValueKind::Text));
}

/// A tiny deterministic generator, so that a failure can be reproduced from its seed.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// The pieces random cells are made of: every token the grammar knows, and the characters
/// that have broken parsers before (controls, combining marks, emoji, full-width forms).
const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "5",
    "9",
    "12",
    "31",
    "2022",
    "1145",
    "9999999999999999",
    ".",
    ",",
    "，",
    "-",
    "−",
    "—",
    "~",
    "～",
    "至",
    "到",
    "%",
    "％",
    "‰",
    "≥",
    "≤",
    ">",
    "<",
    "=",
    "≠",
    "≧",
    "不低于",
    "不超过",
    "大于等于",
    "以上",
    "以下",
    "以内",
    "约",
    "预计",
    "余",
    "多",
    "左右",
    "近",
    "实现",
    "万",
    "亿",
    "元",
    "/",
    "年",
    "年度",
    "月",
    "月份",
    "日",
    "号",
    "底",
    "末",
    "前",
    "之前",
    "截止",
    "完成",
    "批次",
    "台",
    "个工作日",
    "(",
    ")",
    "（",
    "）",
    "套",
    "优",
    "较好",
    "满意",
    "不",
    "为",
    "是",
    "否",
    "有",
    "无",
    "、",
    "|",
    "。",
    " ",
    "\u{0}",
    "\t",
    "\n",
    "\u{200B}",
    "\u{FEFF}",
    "２",
    "０",
    "Ⅻ",
    "🙂",
    "\u{301}",
    "ﾊ",
    "㎡",
    "m",
    "T",
    "kg",
    "℃",
    "²",
    "A",
    "\u{10FFFF}",
    "\u{FFFD}",
    "\\",
];

/// The invariants every reading keeps, whatever the input.
fn check_invariants(raw: &str, parsed: Option<Parsed>) {
    let Some(parsed) = parsed else {
        assert!(raw.trim().is_empty(), "{raw:?} read as empty");
        return;
    };
    assert!(
        !raw.trim().is_empty(),
        "{raw:?} is empty but read as {parsed:?}"
    );
    for value in [parsed.number, parsed.low, parsed.high]
        .into_iter()
        .flatten()
    {
        assert!(value.is_finite(), "{raw:?}: {value}");
    }
    for date in [&parsed.date, &parsed.date_end].into_iter().flatten() {
        let shape: String = date
            .chars()
            .map(|ch| if ch.is_ascii_digit() { '9' } else { ch })
            .collect();
        assert!(
            matches!(
                shape.as_str(),
                "9999" | "9999-99" | "9999-99-99" | "--99" | "--99-99"
            ),
            "{raw:?}: date {date:?}"
        );
    }
    match parsed.kind {
        ValueKind::Number => {
            assert!(parsed.number.is_some(), "{raw:?}: {parsed:?}");
            assert!(parsed.low.is_none() && parsed.high.is_none(), "{raw:?}");
            assert!(parsed.text.is_none(), "{raw:?}");
        }
        ValueKind::Range => {
            let (Some(low), Some(high)) = (parsed.low, parsed.high) else {
                panic!("{raw:?}: a range without ends: {parsed:?}");
            };
            assert!(low <= high, "{raw:?}: {parsed:?}");
            assert!(parsed.op.is_none() && parsed.number.is_none(), "{raw:?}");
        }
        ValueKind::Date | ValueKind::Deadline => {
            assert!(parsed.number.is_none(), "{raw:?}");
            if parsed.kind == ValueKind::Date {
                assert!(parsed.text.is_none(), "{raw:?}");
            }
        }
        ValueKind::Boolean => {
            // Either an answer or a template of answers, never both or neither.
            assert!(
                parsed.boolean.is_some() == parsed.choices.is_empty(),
                "{raw:?}: {parsed:?}"
            );
        }
        ValueKind::Grade => {
            assert!(
                parsed.grade.is_some() == parsed.choices.is_empty(),
                "{raw:?}: {parsed:?}"
            );
        }
        ValueKind::Text => {
            assert_eq!(parsed.text.as_deref(), Some(raw.trim()), "{raw:?}");
            assert!(parsed.low.is_none() && parsed.high.is_none(), "{raw:?}");
        }
    }
}

#[test]
fn random_cells_never_break_the_parser() {
    let mut random = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..60_000 {
        let pieces = random.below(14);
        let mut raw = String::new();
        for _ in 0..pieces {
            raw.push_str(PIECES[random.below(PIECES.len())]);
        }
        let parsed = parse(&raw);
        check_invariants(&raw, parsed);
    }
}

#[test]
fn random_bytes_never_break_the_parser() {
    let mut random = XorShift(0x2545_F491_4F6C_DD1D);
    for _ in 0..20_000 {
        let len = random.below(48);
        let bytes: Vec<u8> = (0..len).map(|_| (random.next() >> 24) as u8).collect();
        let raw = String::from_utf8_lossy(&bytes);
        check_invariants(&raw, parse(&raw));
    }
}

/// Every prefix of every table value: cells cut short by a page break or a reader's loss.
#[test]
fn truncated_values_never_break_the_parser() {
    for case in load_cases() {
        let mut cut = String::new();
        for ch in case.raw.chars() {
            cut.push(ch);
            check_invariants(&cut, parse(&cut));
        }
    }
}

/// Times the grammar over the table's values, short cells (figures, words, dates) and long ones
/// (sentences) apart; run with
/// `cargo test -p jixiao-normalize --release --test values -- --ignored --nocapture`.
/// `VALUE_ROUNDS` sets how often each cell is read (2000 by default; fewer under callgrind).
#[test]
#[ignore = "a measurement, not a check"]
fn throughput() {
    let rounds: usize = std::env::var("VALUE_ROUNDS")
        .ok()
        .and_then(|rounds| rounds.parse().ok())
        .unwrap_or(2_000);
    let cases = load_cases();
    let (short, long): (Vec<&Case>, Vec<&Case>) = cases
        .iter()
        .partition(|case| case.raw.chars().count() <= 16);
    for (name, cells) in [
        ("short", &short),
        ("long", &long),
        ("all", &cases.iter().collect()),
    ] {
        let start = std::time::Instant::now();
        let mut checksum = 0usize;
        for _ in 0..rounds {
            for case in cells.iter() {
                checksum += parse(&case.raw).map_or(0, |parsed| parsed.kind as usize);
            }
        }
        let elapsed = start.elapsed();
        let count = rounds * cells.len();
        println!(
            "{name}: {} cells x {rounds} in {elapsed:?}: {:.0} ns per cell (checksum {checksum})",
            cells.len(),
            elapsed.as_nanos() as f64 / count as f64,
        );
    }
}
