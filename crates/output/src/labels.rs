//! Two small readings the output makes of what the normaliser wrote as it found it: value
//! column labels brought to a small set, and the year of a table filled into dates that name
//! none.

use crate::{Parsed, Table};

/// The normalised label of a value column (its header, already NFKC with whitespace removed):
/// parenthesised notes are dropped (`指标值(含数字及文字描述)` and `指标值(包含数字及文字描述)`
/// → `指标值`, `全年(程)指标值` → `全年指标值`), `目标值` is read as `指标值`, and a leading
/// `绩效` is dropped. A label that would become empty is kept as it is.
///
/// ```
/// use jixiao_output::value_label;
/// assert_eq!(value_label("指标值(含数字及文字描述)"), "指标值");
/// assert_eq!(value_label("指标值（包含数字及文字描述）"), "指标值");
/// assert_eq!(value_label("半年(程)指标值"), "半年指标值");
/// assert_eq!(value_label("年度目标值"), "年度指标值");
/// assert_eq!(value_label("实际完成值"), "实际完成值");
/// ```
pub fn value_label(label: &str) -> String {
    let mut kept = String::with_capacity(label.len());
    let mut depth = 0usize;
    for ch in label.chars() {
        match ch {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = depth.saturating_sub(1),
            _ if depth == 0 && !ch.is_whitespace() => kept.push(ch),
            _ => {}
        }
    }
    let mut normal = kept.replace("目标值", "指标值");
    if let Some(rest) = normal.strip_prefix("绩效")
        && !rest.is_empty()
    {
        normal = rest.to_string();
    }
    let normal = normal.trim_matches(|c: char| matches!(c, ':' | '：' | '、' | '.' | '-'));
    if normal.is_empty() {
        label.to_string()
    } else {
        normal.to_string()
    }
}

/// The one year a table names in its title (`2021年度…绩效目标表`), else in the document's
/// title; `None` when neither names exactly one.
pub(crate) fn table_year(table: &Table, document_title: Option<&str>) -> Option<u16> {
    single_year(table.title.as_deref()).or_else(|| single_year(document_title))
}

/// The year of `--MM-DD` / `--MM` dates in every parsed value of the table (and of its
/// spending plan): a deadline `6月底前` in a table of 2021 is `2021-06-30`.
pub(crate) fn fill_year(table: &mut Table, year: u16) {
    for indicator in &mut table.indicators {
        for value in &mut indicator.values {
            if let Some(parsed) = &mut value.parsed {
                fill_parsed(parsed, year);
            }
        }
    }
    for item in &mut table.spending_plan {
        if let Some(parsed) = &mut item.parsed {
            fill_parsed(parsed, year);
        }
    }
}

fn fill_parsed(parsed: &mut Parsed, year: u16) {
    for date in [&mut parsed.date, &mut parsed.date_end]
        .into_iter()
        .flatten()
    {
        if let Some(rest) = date.strip_prefix("--") {
            let leap =
                year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
            // The end of February of an unnamed year was written as its 29th.
            let rest = if rest == "02-29" && !leap {
                "02-28"
            } else {
                rest
            };
            *date = format!("{year:04}-{rest}");
        }
    }
}

/// The one four-digit year (1900–2100, followed by 年) in `text`, if exactly one is named.
fn single_year(text: Option<&str>) -> Option<u16> {
    let text = text?;
    let chars: Vec<char> = text.chars().collect();
    let mut found: Option<u16> = None;
    let mut index = 0;
    while index < chars.len() {
        if chars[index].is_ascii_digit() {
            let start = index;
            while index < chars.len() && chars[index].is_ascii_digit() {
                index += 1;
            }
            let digits: String = chars[start..index].iter().collect();
            if digits.len() == 4
                && chars.get(index) == Some(&'年')
                && let Ok(year) = digits.parse::<u16>()
                && (1900..=2100).contains(&year)
            {
                match found {
                    Some(known) if known != year => return None,
                    _ => found = Some(year),
                }
            }
        } else {
            index += 1;
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_single_named_year_counts() {
        assert_eq!(single_year(Some("2021年度项目支出绩效目标表")), Some(2021));
        assert_eq!(single_year(Some("2021年至2023年中长期目标")), None);
        assert_eq!(single_year(Some("2021年、2021年")), Some(2021));
        assert_eq!(single_year(Some("编号20210年")), None);
        assert_eq!(single_year(Some("项目支出绩效目标表")), None);
        assert_eq!(single_year(None), None);
    }

    #[test]
    fn a_year_fills_month_and_day() {
        let mut parsed = Parsed {
            kind: crate::ValueKind::Deadline,
            op: None,
            number: None,
            low: None,
            high: None,
            unit: None,
            approx: false,
            date: Some("--02-29".into()),
            date_end: None,
            grade: None,
            boolean: None,
            choices: Vec::new(),
            text: None,
        };
        fill_parsed(&mut parsed, 2021);
        assert_eq!(parsed.date.as_deref(), Some("2021-02-28"));
        parsed.date = Some("--06".into());
        fill_parsed(&mut parsed, 2024);
        assert_eq!(parsed.date.as_deref(), Some("2024-06"));
        parsed.date = Some("2022-12-31".into());
        fill_parsed(&mut parsed, 2024);
        assert_eq!(parsed.date.as_deref(), Some("2022-12-31"));
    }
}
