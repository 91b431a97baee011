//! Page chrome: what a government web page prints around its content, and what a copy or a
//! crawl of the page keeps: breadcrumbs (`当前位置：首页 > 政务公开 > …`), the metadata block
//! (索引号, 发布机构, 发布日期, 有效性, 文号, 字号…), `扫一扫在手机打开当前页`, `附件：x.xls`,
//! `打印本页`, `关闭窗口`. The text and HTML readers drop it where it enters, a paragraph or a
//! table row at a time, and report each drop, so that it never becomes a field or an indicator.

use jixiao_grid::{Diagnostic, Location, Source};

/// The diagnostic that reports a piece of chrome dropped.
pub fn removed(text: &str, source: Source) -> Diagnostic {
    let shown: String = text.trim().chars().take(40).collect();
    Diagnostic::new(
        "page_chrome_removed",
        format!("`{shown}` is part of the web page around the content (navigation, metadata or links); it was dropped"),
    )
    .at(Location {
        line: source.line,
        page: source.page,
        ..Location::default()
    })
}

/// Labels of the metadata block. A text is chrome when it starts with one, followed by a colon
/// or by nothing at all (a label cell of its own).
const LABELS: &[&str] = &[
    "索引号",
    "发布机构",
    "发文机关",
    "发布日期",
    "发文日期",
    "成文日期",
    "生效日期",
    "有效性",
    "文号",
    "发文字号",
    "字号",
    "主题分类",
    "体裁分类",
    "信息来源",
    "浏览次数",
    "访问次数",
    "点击数",
];

/// Words of the links and widgets around the content; a text made only of these (and
/// brackets, separators and spaces) is chrome.
const WIDGETS: &[&str] = &[
    "扫一扫在手机打开当前页",
    "扫一扫在手机上打开当前页",
    "打印本页",
    "关闭窗口",
    "打印本文",
    "打印",
    "关闭",
    "返回顶部",
    "收藏本页",
    "分享到",
    "大中小",
    "字号：",
    "字号:",
    "字体：",
    "字体:",
];

/// Starts of a breadcrumb line.
const BREADCRUMBS: &[&str] = &[
    "当前位置",
    "您的位置",
    "您现在的位置",
    "您当前的位置",
    "当前所在位置",
];

/// File extensions of an attachment link.
const ATTACHMENTS: &[&str] = &[
    ".xls", ".xlsx", ".doc", ".docx", ".pdf", ".wps", ".et", ".zip", ".rar", ".ofd",
];

/// True when `text` (a paragraph, or the first cell of a row) is page chrome.
pub fn is_page_chrome(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > 120 {
        return false;
    }
    is_label(text) || is_widgets(text) || is_breadcrumb(text) || is_attachment(text)
}

fn is_label(text: &str) -> bool {
    LABELS.iter().any(|label| {
        text.strip_prefix(label).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with(['：', ':'])
        })
    })
}

fn is_widgets(text: &str) -> bool {
    let mut rest: String = text
        .chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '【' | '】' | '[' | ']' | '|' | '｜' | '·' | '/')
        })
        .collect();
    if rest.is_empty() {
        return false;
    }
    loop {
        match WIDGETS.iter().find(|widget| rest.starts_with(*widget)) {
            Some(widget) => rest.replace_range(..widget.len(), ""),
            None => return rest.is_empty(),
        }
    }
}

fn is_breadcrumb(text: &str) -> bool {
    if BREADCRUMBS.iter().any(|start| text.starts_with(start)) {
        return true;
    }
    text.starts_with("首页") && text.matches(['>', '＞', '»', '›']).count() >= 2
}

fn is_attachment(text: &str) -> bool {
    let Some(rest) = text
        .strip_prefix("附件")
        .map(|rest| rest.trim_start_matches(|c: char| c.is_ascii_digit() || c.is_whitespace()))
        .and_then(|rest| rest.strip_prefix(['：', ':']))
    else {
        return false;
    };
    let rest = rest.trim().to_ascii_lowercase();
    rest.is_empty()
        || ATTACHMENTS
            .iter()
            .any(|extension| rest.ends_with(extension))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chrome_of_government_pages() {
        for text in [
            "索引号：11420100MB1234567X/2024-00158",
            "索引号",
            "发布机构：区市场监督管理局",
            "发布日期: 2024-02-05",
            "有效性：有效",
            "文号：区市监发〔2024〕3号",
            "字号：[ 大 中 小 ]",
            "[ 大 中 小 ]",
            "扫一扫在手机打开当前页",
            "附件：2024年绩效目标表.xls",
            "附件1：预算表.PDF",
            "附件：",
            "打印本页 关闭窗口",
            "【打印本页】【关闭窗口】",
            "当前位置：首页 > 政务公开 > 部门预算",
            "首页 > 政务公开 > 财政资金 > 部门预算",
        ] {
            assert!(is_page_chrome(text), "{text}");
        }
    }

    #[test]
    fn content_that_is_not_chrome() {
        for text in [
            "附件7-2",
            "附件：2024年项目支出绩效目标表",
            "文号管理系统建设经费",
            "字号牌匾制作",
            "发布机构改革宣传材料印刷",
            "1、办公场所租赁费绩效目标表",
            "打印机购置",
            "关闭企业核查率",
            "产出指标",
            "首页改版",
            "",
        ] {
            assert!(!is_page_chrome(text), "{text}");
        }
    }
}
