//! Small text helpers shared by the normaliser: comparison keys, cleaning, recognisers.

use unicode_normalization::UnicodeNormalization;

/// The form labels are compared in: NFKC, whitespace removed. `预算 数（万元）` → `预算数(万元)`.
pub fn key(text: &str) -> String {
    // Most cells are already in NFKC (CJK ideographs and ASCII); the quick check spares them
    // the full normalisation, which dominated the normaliser's time.
    if text.chars().all(is_nfkc_stable) {
        if !text.bytes().any(|byte| byte.is_ascii_whitespace()) {
            return text.to_owned();
        }
        text.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        text.nfkc().filter(|c| !c.is_whitespace()).collect()
    }
}

/// Characters that NFKC leaves as they are and that make up nearly all of these documents:
/// ASCII, CJK ideographs, and the common Chinese punctuation. Anything else (full-width
/// forms, `…`, compatibility ideographs) goes through the full normalisation.
fn is_nfkc_stable(c: char) -> bool {
    matches!(
        c,
        '\u{20}'..='\u{7e}'
            | '\t'
            | '\n'
            | '\r'
            | '\u{4e00}'..='\u{9fff}'
            | '\u{3001}'..='\u{3002}'
            | '\u{3008}'..='\u{3011}'
            | '\u{2014}'
            | '\u{2018}'..='\u{2019}'
            | '\u{201c}'..='\u{201d}'
            | '\u{00b7}'
            | '\u{2265}'
            | '\u{2264}'
    )
}

/// Cell text as a value: trimmed, with trailing spaces of each line removed and blank lines
/// dropped. Paragraph breaks inside the cell are kept as `'\n'`.
pub fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let line = line.trim_matches(is_blank);
        if line.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

/// Whitespace as it appears in these documents: ASCII, the ideographic space, no-break space.
pub fn is_blank(c: char) -> bool {
    c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}'
}

/// True when the text has nothing but whitespace.
pub fn is_empty(text: &str) -> bool {
    text.chars().all(is_blank)
}

/// A line that is only a page number or page furniture: `2`, `- 3 -`, `第 3 页`, `3/10`.
///
/// Not the read crate's `page_number::is_page_number`, on purpose: that one decides what a
/// reader drops from the document and keeps a lone `2024` (four digits) as text; this one only
/// keeps page furniture out of the paragraphs the normaliser reads for titles and captions, so
/// it is looser (up to nine digits and slashes, `2024` included). Making them one would change what
/// either crate outputs.
pub fn is_page_number(text: &str) -> bool {
    if text.len() > 40 {
        return false;
    }
    let key = key(text);
    if key.is_empty() {
        return false;
    }
    let inner = key
        .trim_start_matches(['-', '—', '–'])
        .trim_end_matches(['-', '—', '–']);
    let inner = inner
        .strip_prefix('第')
        .and_then(|rest| rest.strip_suffix('页'))
        .unwrap_or(inner);
    let digits_or_slash = |s: &str| {
        !s.is_empty()
            && s.chars().all(|c| c.is_ascii_digit() || c == '/')
            && s.chars().any(|c| c.is_ascii_digit())
    };
    digits_or_slash(inner) && inner.len() <= 9
}

/// True when a paragraph reads like the caption of a performance target table or document:
/// `1、办公场所租赁费绩效目标表`, `南通市本级项目预算绩效目标表`, `…绩效目标批复表`.
pub fn is_table_title(text: &str) -> bool {
    // At most 80 characters of at most 4 bytes, with some spaces: longer text is prose. Every
    // caption word ends in 表, which no normalisation creates.
    if text.len() > 400 || !text.contains('表') {
        return false;
    }
    let key = key(text);
    let chars = key.chars().count();
    if chars == 0 || chars > 80 {
        return false;
    }
    [
        "绩效目标表",
        "目标批复表",
        "绩效目标申报表",
        "绩效目标审核表",
        "绩效指标表",
        "目标表",
        "绩效自评表",
        "绩效监控表",
        "执行监控表",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// True when a paragraph ends what came before it without being a target table's caption: the
/// caption of another budget table (`收入支出决算总表`, `预算05表一般公共预算支出表`) or a
/// section heading (`第三部分 2022年度部门决算表`, `第二章 …`).
pub fn is_other_section(text: &str) -> bool {
    if text.len() > 200 || is_table_title(text) {
        return false;
    }
    let key = key(text);
    let chars = key.chars().count();
    if !(2..=50).contains(&chars) {
        return false;
    }
    let section = key.strip_prefix('第').is_some_and(|rest| {
        let numeral = rest.trim_start_matches(|c: char| {
            "一二三四五六七八九十百".contains(c) || c.is_ascii_digit()
        });
        numeral.len() < rest.len() && (numeral.starts_with("部分") || numeral.starts_with('章'))
    });
    let caption = key.ends_with('表')
        && ["决算", "预算", "收支", "收入", "支出", "明细", "汇总"]
            .iter()
            .any(|word| key.contains(word));
    section || caption
}

/// True when a paragraph may be the heading of a whole document.
pub fn is_heading(text: &str) -> bool {
    if text.len() > 300 {
        return false;
    }
    let key = key(text);
    let chars = key.chars().count();
    (2..=60).contains(&chars)
        && !key.ends_with(['。', '；', ';', '，', ','])
        && ["绩效", "预算", "批复", "目标"]
            .iter()
            .any(|word| key.contains(word))
}

/// Parses an amount as written in a budget cell: `23.85`, `8 万元`, `1,200`, `30万`. Returns the
/// number and the unit written after it, if any.
pub fn parse_amount(text: &str) -> Option<(f64, Option<String>)> {
    let key = key(text);
    let key = key.trim_start_matches(['¥', '￥']);
    let number_end = key
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map(|(index, _)| index)
        .unwrap_or(key.len());
    let (number, rest) = key.split_at(number_end);
    let number: String = number.chars().filter(|&c| c != ',').collect();
    if number.is_empty() || !number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    let rest = rest.trim_end_matches(['。', '.']);
    match rest {
        "" => Some((value, None)),
        "万元" | "万" | "元" | "亿元" | "千元" => Some((value, Some(rest.to_string()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_width_and_spaces() {
        assert_eq!(key("预算 数（万元）"), "预算数(万元)");
        assert_eq!(key("半年（程） 指标值"), "半年(程)指标值");
    }

    #[test]
    fn clean_keeps_paragraphs_and_drops_blank_lines() {
        assert_eq!(clean("  a \n\n b\u{3000}\n"), "a\nb");
        assert_eq!(clean("\u{3000}"), "");
    }

    #[test]
    fn page_numbers_are_recognised() {
        for text in ["2", "- 3 -", "第 3 页", "3/10", "１２"] {
            assert!(is_page_number(text), "{text}");
        }
        for text in ["2024年度", "产出指标", "", "1.00", "12345678901"] {
            assert!(!is_page_number(text), "{text}");
        }
    }

    #[test]
    fn titles_and_headings() {
        assert!(is_table_title("1、办公场所租赁费绩效目标表"));
        assert!(is_table_title(
            "巴中市2022年市级部门预算项目支出绩效目标批复表"
        ));
        assert!(!is_table_title("二、分项绩效目标"));
        assert!(is_heading("南通市本级项目预算绩效目标表"));
        assert!(!is_heading("第一部分"));
        assert!(is_table_title("西安市级公共卫生事业发展资金项目绩效自评表"));
    }

    #[test]
    fn other_sections_and_captions() {
        for text in [
            "第三部分 2022年度部门决算表",
            "第二章 部门预算",
            "收入支出决算总表",
            "预算05表一般公共预算支出表",
            "一般公共预算财政拨款支出决算明细表",
        ] {
            assert!(is_other_section(text), "{text}");
        }
        for text in [
            "预算12表项目支出绩效目标表",
            "项目绩效自评表",
            "金额单位：万元",
            "第1页",
            "公开01表",
            "确保按时填报各类报表",
            "第三方评估",
        ] {
            assert!(!is_other_section(text), "{text}");
        }
    }

    #[test]
    fn amounts_with_units() {
        assert_eq!(parse_amount("23.85"), Some((23.85, None)));
        assert_eq!(parse_amount(" 8 万元"), Some((8.0, Some("万元".into()))));
        assert_eq!(parse_amount("1,200"), Some((1200.0, None)));
        assert_eq!(parse_amount("１２．５"), Some((12.5, None)));
        assert_eq!(parse_amount("100.00%"), None);
        assert_eq!(parse_amount("约8"), None);
    }
}
