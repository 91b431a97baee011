//! Cleaning one line of pasted text: Word field-code debris, HTML pasted into cells, character
//! entities; and recognising lines that are page debris or table titles.
//!
//! Text copied out of Word keeps the instructions of some fields in plain sight: a heading
//! marked for a table of contents reads `1、办公场所租赁费绩效目标表 TC 10、办公场所租赁费绩效目标表 \f C \l 1 `.
//! Text copied out of web systems keeps their markup: `<p>…</p> <p>…</p>`, and checkboxes as
//! `<input checked="" type="checkbox"/>`. Both are removed here, conservatively: a field is
//! removed only when its switches (`\f`, `\l`…) or quoted arguments prove it is one, and `<…>`
//! is markup only when it names a real HTML element, so that `<0.5%` and `<5%` stay as written.
//!
//! Every function returns the input borrowed when there is nothing to clean, which is the
//! common case, so that clean text costs a scan and no allocation.

use std::borrow::Cow;

use jixiao_grid::{CHECKED, UNCHECKED};

mod debris;
mod fields;
mod markup;

pub(crate) use debris::looks_like_title;
use fields::*;
use markup::*;

/// A cleaned line.
#[derive(Debug)]
pub(crate) struct Cleaned<'a> {
    pub text: Cow<'a, str>,
    /// True when Word field-code debris was removed: such lines are headings.
    pub had_field_code: bool,
}

/// Removes field-code debris and markup from one line, decodes entities and trims trailing
/// whitespace. Leading whitespace is kept: cells keep their text as written.
pub(crate) fn clean(line: &str) -> Cleaned<'_> {
    // Fields need `\`, `"` or `_`; markup needs `<` or `&`. One byte scan finds the lines
    // with none of them, which is nearly all, and they cost no more.
    let plain = !line
        .bytes()
        .any(|byte| matches!(byte, b'\\' | b'"' | b'_' | b'<' | b'&'));
    if plain {
        return Cleaned {
            text: Cow::Borrowed(line.trim_end()),
            had_field_code: false,
        };
    }
    let (text, had_field_code) = strip_field_codes(line);
    let text = match text {
        Cow::Borrowed(text) => markup(text),
        Cow::Owned(text) => {
            let converted = match markup(&text) {
                Cow::Owned(converted) => Some(converted),
                Cow::Borrowed(_) => None,
            };
            Cow::Owned(converted.unwrap_or(text))
        }
    };
    let text = match text {
        Cow::Borrowed(text) => Cow::Borrowed(text.trim_end()),
        Cow::Owned(mut text) => {
            let end = text.trim_end().len();
            text.truncate(end);
            Cow::Owned(text)
        }
    };
    Cleaned {
        text,
        had_field_code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cleaned(line: &str) -> String {
        clean(line).text.into_owned()
    }

    #[test]
    fn tc_field_after_a_title_is_removed() {
        let line = "1、办公场所租赁费绩效目标表 TC 10、办公场所租赁费绩效目标表 \\f C \\l 1 ";
        let result = clean(line);
        assert_eq!(result.text, "1、办公场所租赁费绩效目标表");
        assert!(result.had_field_code);
        assert_eq!(
            cleaned("二、分项绩效目标 TC 分项绩效目标 \\f A \\l 1 "),
            "二、分项绩效目标"
        );
    }

    #[test]
    fn a_line_of_only_debris_becomes_empty() {
        let result = clean(" TC 总体绩效目标 \\f A \\l 1 ");
        assert_eq!(result.text, "");
        assert!(result.had_field_code);
    }

    #[test]
    fn quoted_tc_toc_pageref_and_hyperlink_are_removed() {
        assert_eq!(cleaned("一、总体 TC \"一、总体\" \\l 1"), "一、总体");
        assert_eq!(cleaned(" TOC \\o \"1-3\" \\h \\z \\u "), "");
        assert_eq!(
            cleaned("一、总体绩效目标 PAGEREF _Toc27546 \\h 3"),
            "一、总体绩效目标 3"
        );
        assert_eq!(
            cleaned(" HYPERLINK \\l \"_Toc27546\" 一、总体绩效目标"),
            "一、总体绩效目标"
        );
        assert_eq!(
            cleaned("见 HYPERLINK \"http://example.invalid/a\" 附件"),
            "见 附件"
        );
    }

    #[test]
    fn prose_that_only_looks_like_a_field_is_kept() {
        for line in [
            "TC 认证费用",
            "ATC 项目",
            "检测 TOC 含量",
            "PAGEREF 说明",
            "HYPERLINK 链接",
            "TC  \\f C",
        ] {
            let result = clean(line);
            assert_eq!(result.text, line.trim_end(), "{line}");
            assert!(!result.had_field_code, "{line}");
        }
    }

    #[test]
    fn paragraphs_in_cells_become_line_breaks() {
        assert_eq!(
            cleaned("<p>1、我单位承担考试工作。</p> <p>2、我单位承担推广工作。</p>"),
            "1、我单位承担考试工作。\n2、我单位承担推广工作。"
        );
        assert_eq!(
            cleaned("第一行<br>第二行<br/>第三行"),
            "第一行\n第二行\n第三行"
        );
        assert_eq!(cleaned("<p></p><p>只有一段</p><p> </p>"), "只有一段");
    }

    #[test]
    fn checkboxes_become_marks_where_the_tag_was() {
        assert_eq!(
            cleaned(
                "<input type=\"checkbox\"/> 新增项目 <input checked=\"\" type=\"checkbox\"/> 延续项目"
            ),
            "☐新增项目 ☑延续项目"
        );
        assert_eq!(
            cleaned("<INPUT TYPE=checkbox CHECKED> 是 <input type='checkbox'> 否"),
            "☑是 ☐否"
        );
        assert_eq!(cleaned("<input type=\"text\" value=\"x\">金额"), "金额");
    }

    #[test]
    fn other_tags_are_stripped_and_entities_decoded() {
        assert_eq!(
            cleaned("<span style=\"a>b\">预算</span>&amp;决算 &lt;5% &#8805;95&#x25;"),
            "预算&决算 <5% ≥95%"
        );
        assert_eq!(cleaned("a&nbsp;b"), "a\u{a0}b");
        assert_eq!(cleaned("<!-- 注释 -->正文"), "正文");
    }

    #[test]
    fn comparisons_and_unknown_entities_are_not_markup() {
        for text in [
            "投诉率<0.5%",
            "<5%",
            "a < b > c",
            "<A类>",
            "R&D",
            "&unknown;",
            "&#0;",
            "<p",
        ] {
            assert_eq!(cleaned(text), text, "{text}");
            assert!(matches!(clean(text).text, Cow::Borrowed(_)), "{text}");
        }
    }

    #[test]
    fn trailing_whitespace_is_trimmed_leading_kept() {
        assert_eq!(cleaned("  产出指标 \u{3000} "), "  产出指标");
    }

    #[test]
    fn page_debris_shapes() {
        for line in [
            "2",
            " 12 ",
            "- 3 -",
            "— 3 —",
            "－３－",
            "第 3 页",
            "第3页 共10页",
            "第3页，共10页",
            "共10页 第3页",
            "3/10",
            "3 / 10",
            "Page 3",
            "page 3 of 10",
        ] {
            assert!(crate::page_number::is_page_number(line), "{line}");
        }
        for line in [
            "2024",
            "2024年度",
            "1、",
            "≥95%",
            "3.5",
            "第一部分",
            "",
            "Pages",
        ] {
            assert!(!crate::page_number::is_page_number(line), "{line}");
        }
    }

    #[test]
    fn titles() {
        assert!(looks_like_title(
            "9、冀财行【2020】161号省级补助经费绩效目标表"
        ));
        assert!(looks_like_title(
            "巴中市2022年市级部门预算项目支出绩效目标批复表"
        ));
        assert!(!looks_like_title("2、详见附表"));
        assert!(!looks_like_title("2、用于信息化建设及运行维护"));
    }
}
