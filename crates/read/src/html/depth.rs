//! A cheap look at how deep a page nests its elements, before html5ever builds the tree: its
//! cost grows with the depth of the tree and it has no cap of its own, so a page nested
//! 20,000 deep must be refused here, in one linear pass.
//!
//! The pass keeps a stack of open tag names and applies the parser's most common implied
//! end tags, so that sloppy but ordinary markup (cells and rows without `</td>`/`</tr>`,
//! paragraphs without `</p>`, list items without `</li>`) is not mistaken for deep nesting:
//! a new `<td>` closes the open cell, a new `<tr>` the open row, a block closes an open `<p>`.
//! Void elements, comments, and the raw text of `<script>`/`<style>` do not nest.

use crate::ReadError;
use crate::bytes::find_from as find;
use crate::elements::HEADINGS;

/// Elements that never have content.
const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
    "keygen", "link", "meta", "param", "source", "track", "wbr",
];

/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: &[&str] = &[
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];

/// Elements whose start tag closes an open `<p>`, besides the [`HEADINGS`].
const CLOSES_P: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "header",
    "hgroup",
    "li",
    "dd",
    "dt",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "ul",
    "listing",
];

/// Elements a search for an implied end tag does not cross.
const SCOPE: &[&str] = &[
    "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button",
    "svg", "math",
];

/// Fails with `too_large` when the page nests elements deeper than `max_depth`.
pub(super) fn check(text: &str, max_depth: usize) -> Result<(), ReadError> {
    let bytes = text.as_bytes();
    let mut stack: Vec<&str> = Vec::new();
    // Depth of `<svg>`/`<math>` nesting, where `/>` really closes an element.
    let mut foreign = 0usize;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&b| b == b'<') {
        let start = at + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            at = find(bytes, start + 4, b"-->").map_or(bytes.len(), |end| end + 3);
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            at = find(bytes, start, b">").map_or(bytes.len(), |end| end + 1);
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + if closing { 2 } else { 1 };
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            at = start + 1;
            continue;
        }
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| b.is_ascii_whitespace() || matches!(b, b'/' | b'>'))
            .map_or(bytes.len(), |p| name_start + p);
        let name = &text[name_start..name_end];
        let tag_end = tag_end(bytes, name_end);
        let self_closing = tag_end >= 2 && bytes.get(tag_end - 2) == Some(&b'/');
        at = tag_end;

        if closing {
            if let Some(position) = stack
                .iter()
                .rposition(|open| open.eq_ignore_ascii_case(name))
            {
                for open in stack.drain(position..) {
                    if is_any(open, &["svg", "math"]) {
                        foreign = foreign.saturating_sub(1);
                    }
                }
            }
            continue;
        }
        if let Some(raw) = RAW_TEXT.iter().find(|raw| raw.eq_ignore_ascii_case(name)) {
            at = end_of_raw_text(text, at, raw);
            continue;
        }
        if is_any(name, VOID) || is_any(name, &["html", "head", "body"]) {
            continue;
        }
        if foreign > 0 && self_closing {
            continue;
        }
        implied_end_tags(&mut stack, name);
        if is_any(name, &["svg", "math"]) {
            if self_closing {
                continue;
            }
            foreign += 1;
        }
        stack.push(name);
        if stack.len() > max_depth {
            return Err(ReadError::TooLarge(format!(
                "the page nests its elements more than {max_depth} deep (raise with --max-depth)"
            )));
        }
    }
    Ok(())
}

/// Pops what the start tag `name` implicitly closes.
fn implied_end_tags(stack: &mut Vec<&str>, name: &str) {
    let pop_to = |stack: &mut Vec<&str>, targets: &[&str], boundaries: &[&str]| {
        for index in (0..stack.len()).rev() {
            if is_any(stack[index], targets) {
                stack.truncate(index);
                return;
            }
            if is_any(stack[index], boundaries) {
                return;
            }
        }
    };
    if is_any(name, &["td", "th"]) {
        pop_to(stack, &["td", "th"], &["table"]);
    } else if name.eq_ignore_ascii_case("tr") {
        pop_to(stack, &["tr"], &["table"]);
    } else if is_any(name, &["thead", "tbody", "tfoot"]) {
        pop_to(stack, &["thead", "tbody", "tfoot"], &["table"]);
    } else if name.eq_ignore_ascii_case("table") {
        // A table directly inside a table (not inside a cell) closes the first one.
        pop_to(stack, &["table"], &["td", "th", "caption"]);
    }
    if is_any(name, CLOSES_P) || is_any(name, &HEADINGS) {
        pop_to(stack, &["p"], SCOPE);
    }
    if name.eq_ignore_ascii_case("li") {
        pop_to(stack, &["li"], &["ul", "ol", "td", "th", "table"]);
    } else if is_any(name, &["dd", "dt"]) {
        pop_to(stack, &["dd", "dt"], &["dl", "td", "th", "table"]);
    } else if is_any(name, &["option", "optgroup"]) {
        if stack
            .last()
            .is_some_and(|open| open.eq_ignore_ascii_case("option"))
        {
            stack.pop();
        }
    } else if is_any(name, &["h1", "h2", "h3", "h4", "h5", "h6"]) {
        if stack
            .last()
            .is_some_and(|open| is_any(open, &["h1", "h2", "h3", "h4", "h5", "h6"]))
        {
            stack.pop();
        }
    } else if is_any(name, &["a", "nobr", "button"]) {
        // A second `<a>` ends the first (the adoption agency algorithm).
        pop_to(stack, &[name], SCOPE);
    }
}

fn is_any(name: &str, list: &[&str]) -> bool {
    list.iter().any(|item| item.eq_ignore_ascii_case(name))
}

/// The index just after the `>` ending a tag, skipping quoted attribute values.
fn tag_end(bytes: &[u8], mut at: usize) -> usize {
    let mut quote: Option<u8> = None;
    while let Some(&b) = bytes.get(at) {
        at += 1;
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return at,
            None => {}
        }
    }
    bytes.len()
}

/// The index after the end tag of a raw-text element, or the end of the text.
fn end_of_raw_text(text: &str, from: usize, name: &str) -> usize {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(position) = find(bytes, at, b"</") {
        let name_start = position + 2;
        let matches = bytes
            .get(name_start..name_start + name.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes()));
        if matches {
            return tag_end(bytes, name_start + name.len());
        }
        at = position + 2;
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_ok(text: &str, max: usize) -> bool {
        check(text, max).is_ok()
    }

    #[test]
    fn sloppy_tables_and_paragraphs_are_shallow() {
        let mut page = String::from("<table>");
        for _ in 0..2000 {
            page.push_str("<tr><td>a<td>b<p>x<p>y");
        }
        assert!(depth_ok(&page, 10));
        let list: String = (0..1000).map(|_| "<li>item").collect();
        assert!(depth_ok(&format!("<ul>{list}</ul>"), 10));
        let svg: String = (0..1000).map(|_| "<path d='M0 0'/>").collect();
        assert!(depth_ok(&format!("<svg>{svg}</svg>"), 10));
    }

    #[test]
    fn real_nesting_is_counted() {
        let deep = "<div>".repeat(600);
        let error = check(&deep, 512).expect_err("too deep");
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains("--max-depth"), "{error}");
        // Self-closing syntax does not close an HTML element.
        assert!(!depth_ok(&"<span/>".repeat(600), 512));
        // Closed elements do not add up.
        assert!(depth_ok(&"<div><b>x</b></div>".repeat(600), 4));
    }

    #[test]
    fn comments_scripts_and_attributes_do_not_count() {
        let page = format!(
            "<!-- {} --><script>{}</script><div title='<div><div>'>x</div>",
            "<div>".repeat(100),
            "<div>".repeat(100)
        );
        assert!(depth_ok(&page, 2));
    }
}
