//! HTML pasted into cells: real elements removed, checkboxes kept as ☑/☐, character entities
//! decoded; `<0.5%` is not markup.

use super::*;
use crate::elements::HEADINGS;

/// Elements that end a paragraph, besides the [`HEADINGS`]: their tags become a line break
/// inside the cell.
pub(super) const BLOCK_ELEMENTS: [&str; 14] = [
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "blockquote",
    "section",
    "article",
    "pre",
    "hr",
    "dd",
];

/// Elements that only style text: their tags are removed and nothing is put in their place.
pub(super) const INLINE_ELEMENTS: [&str; 29] = [
    "span", "font", "b", "i", "u", "s", "strong", "em", "sub", "sup", "a", "img", "label", "small",
    "big", "strike", "del", "ins", "code", "o:p", "tbody", "thead", "tfoot", "center", "mark",
    "abbr", "dt", "dl", "nobr",
];

/// The longest tag read, in bytes: a `<` with no `>` this close is text.
pub(super) const MAX_TAG: usize = 2048;

/// What a tag stands for in cell text.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Tag {
    /// A paragraph boundary.
    Break,
    /// A separator between table cells, read as a space.
    Space,
    /// A checkbox, ticked or not.
    Checkbox(char),
    /// Markup with no text.
    Nothing,
}

/// Converts markup and entities in `text` to plain cell text.
pub(super) fn markup(text: &str) -> Cow<'_, str> {
    if next_markup(text).is_none() {
        return Cow::Borrowed(text);
    }
    let mut writer = Writer::default();
    let mut rest = text;
    let mut changed = false;
    // Where the next `-->` is, searched once and reused, so that many `<!--` cost one scan.
    let mut comment_close: Option<(usize, Option<usize>)> = None;
    while let Some(index) = next_markup(rest) {
        writer.text(rest.get(..index).unwrap_or_default());
        let tail = rest.get(index..).unwrap_or_default();
        let consumed = if tail.starts_with("<!--") {
            let at = text.len() - tail.len() + 4;
            let close = match comment_close {
                Some((from, found)) if from <= at && found.is_none_or(|close| close >= at) => found,
                _ => {
                    let found = text
                        .get(at..)
                        .and_then(|after| after.find("-->"))
                        .map(|close| at + close);
                    comment_close = Some((at, found));
                    found
                }
            };
            close
                .filter(|&close| close - at <= MAX_TAG)
                .map(|close| close + 3 - (at - 4))
        } else if tail.starts_with('<') {
            parse_tag(tail).map(|(tag, length)| {
                writer.tag(tag);
                length
            })
        } else {
            parse_entity(tail).map(|(character, length)| {
                let mut buffer = [0u8; 4];
                writer.text(character.encode_utf8(&mut buffer));
                length
            })
        };
        match consumed {
            Some(length) => {
                changed = true;
                rest = tail.get(length..).unwrap_or_default();
            }
            None => {
                // Not markup: keep the character and go on after it.
                writer.text(tail.get(..1).unwrap_or_default());
                rest = tail.get(1..).unwrap_or_default();
            }
        }
    }
    if !changed {
        return Cow::Borrowed(text);
    }
    writer.text(rest);
    Cow::Owned(writer.out)
}

/// The byte index of the next `<` or `&`. A byte scan: both are ASCII, so they can never be
/// part of a multi-byte character, and bytes are much faster to scan than characters.
pub(super) fn next_markup(text: &str) -> Option<usize> {
    text.bytes().position(|byte| byte == b'<' || byte == b'&')
}

/// Writes cell text from text runs and tags: paragraph breaks are written once, only between
/// text, and whitespace after a break or a checkbox is dropped.
#[derive(Debug, Default)]
pub(super) struct Writer {
    pub(super) out: String,
    pub(super) pending_break: bool,
    pub(super) skip_space: bool,
}

impl Writer {
    pub(super) fn text(&mut self, text: &str) {
        let mut text = text;
        if self.pending_break || self.skip_space {
            text = text.trim_start();
            if text.is_empty() {
                return;
            }
            if self.pending_break && !self.out.is_empty() {
                self.out.push('\n');
            }
            self.pending_break = false;
            self.skip_space = false;
        }
        self.out.push_str(text);
    }

    pub(super) fn tag(&mut self, tag: Tag) {
        match tag {
            Tag::Break => {
                let end = self.out.trim_end().len();
                self.out.truncate(end);
                self.pending_break = true;
            }
            Tag::Space => {
                if !self.out.is_empty() && !self.out.ends_with(char::is_whitespace) {
                    self.out.push(' ');
                }
            }
            Tag::Checkbox(mark) => {
                let mut buffer = [0u8; 4];
                self.text(mark.encode_utf8(&mut buffer));
                self.skip_space = true;
            }
            Tag::Nothing => {}
        }
    }
}

/// Reads a tag at the start of `text` (which starts with `<`): the tag and its length, or
/// `None` when it is not markup.
pub(super) fn parse_tag(text: &str) -> Option<(Tag, usize)> {
    let bytes = text.as_bytes();
    let closing = bytes.get(1) == Some(&b'/');
    let name_start = if closing { 2 } else { 1 };
    if !bytes.get(name_start)?.is_ascii_alphabetic() {
        return None;
    }
    let name_end = (name_start..bytes.len())
        .find(|&index| !(bytes[index].is_ascii_alphanumeric() || bytes[index] == b':'))
        .unwrap_or(bytes.len());
    if !matches!(bytes.get(name_end), Some(b'>' | b'/' | b' ' | b'\t')) {
        return None;
    }
    let name = text.get(name_start..name_end)?.to_ascii_lowercase();
    let end = tag_end(bytes, name_end)?;
    let attributes = text.get(name_end..end)?;
    let tag = if name == "input" {
        checkbox(attributes).map_or(Tag::Nothing, Tag::Checkbox)
    } else if name == "td" || name == "th" {
        Tag::Space
    } else if BLOCK_ELEMENTS.contains(&name.as_str()) || HEADINGS.contains(&name.as_str()) {
        Tag::Break
    } else if INLINE_ELEMENTS.contains(&name.as_str()) {
        Tag::Nothing
    } else {
        return None;
    };
    Some((tag, end + 1))
}

/// The index of the `>` closing a tag whose attributes start at `from`, skipping `>` inside
/// quoted attribute values; `None` at a `<` (even quoted: text, not a tag, and the next `<`
/// gets its own try, which keeps the scan linear) or past [`MAX_TAG`] bytes.
pub(super) fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote = None;
    for (index, &byte) in bytes.iter().enumerate().skip(from).take(MAX_TAG) {
        match (quote, byte) {
            (_, b'<') => return None,
            (None, b'"' | b'\'') => quote = Some(byte),
            (Some(open), _) if byte == open => quote = None,
            (None, b'>') => return Some(index),
            _ => {}
        }
    }
    None
}

/// The mark for an `<input>` that is a checkbox (or radio button): ticked when it has a
/// `checked` attribute.
pub(super) fn checkbox(attributes: &str) -> Option<char> {
    let mut kind = None;
    let mut checked = false;
    for (name, value) in Attributes(attributes) {
        if name.eq_ignore_ascii_case("type") {
            kind = Some(value.to_ascii_lowercase());
        } else if name.eq_ignore_ascii_case("checked") {
            checked = !value.eq_ignore_ascii_case("false");
        }
    }
    match kind.as_deref() {
        Some("checkbox" | "radio") => Some(if checked { CHECKED } else { UNCHECKED }),
        _ => None,
    }
}

/// An iterator over the `name="value"` pairs of a tag; a bare name has an empty value.
#[derive(Debug)]
pub(super) struct Attributes<'a>(&'a str);

impl<'a> Iterator for Attributes<'a> {
    type Item = (&'a str, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let rest = self
            .0
            .trim_start_matches(|c: char| c.is_whitespace() || c == '/');
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '=' || c == '/' || c == '>')
            .unwrap_or(rest.len());
        if name_end == 0 {
            return None;
        }
        let name = rest.get(..name_end)?;
        let after = rest.get(name_end..)?.trim_start();
        let Some(value_text) = after.strip_prefix('=') else {
            self.0 = after;
            return Some((name, ""));
        };
        let value_text = value_text.trim_start();
        let (value, remaining) = match value_text.chars().next() {
            Some(quote @ ('"' | '\'')) => {
                let inner = value_text.get(1..)?;
                let close = inner.find(quote).unwrap_or(inner.len());
                (
                    inner.get(..close)?,
                    inner.get(close + 1..).unwrap_or_default(),
                )
            }
            _ => {
                let end = value_text
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value_text.len());
                (value_text.get(..end)?, value_text.get(end..)?)
            }
        };
        self.0 = remaining;
        Some((name, value))
    }
}

/// Reads a character entity at the start of `text` (which starts with `&`).
pub(super) fn parse_entity(text: &str) -> Option<(char, usize)> {
    // Entity names are short: look for the `;` in the next few bytes only, so that a text
    // full of `&` costs linear time.
    let body_end = text
        .as_bytes()
        .iter()
        .take(13)
        .position(|&byte| byte == b';')?;
    let body = text.get(1..body_end)?;
    let character = if let Some(number) = body.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        char::from_u32(code).filter(|&c| c != '\0')?
    } else {
        named_entity(body)?
    };
    Some((character, body_end + 1))
}

pub(super) fn named_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "le" => '≤',
        "ge" => '≥',
        "ne" => '≠',
        "plusmn" => '±',
        "deg" => '°',
        "permil" => '‰',
        "yen" => '¥',
        "copy" => '©',
        "reg" => '®',
        _ => return None,
    })
}
