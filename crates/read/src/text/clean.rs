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

// ---------------------------------------------------------------------------------------------
// Word field codes.

/// The field instructions that show up in pasted text, each with what proves an occurrence is
/// a field and not prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    /// `TC "entry" \f C \l 1`: a table-of-contents entry; the entry may be unquoted.
    Tc,
    /// `TOC \o "1-3" \h \z \u`: the table of contents itself.
    Toc,
    /// `PAGEREF _Toc123 \h`: a page reference to a bookmark.
    Pageref,
    /// `HYPERLINK \l "_Toc123"` or `HYPERLINK "https://…"`.
    Hyperlink,
}

const FIELDS: [(&str, Field); 4] = [
    ("TC ", Field::Tc),
    ("TOC ", Field::Toc),
    ("PAGEREF ", Field::Pageref),
    ("HYPERLINK ", Field::Hyperlink),
];

/// The longest field instruction recognised, in bytes. Real ones are a heading and a few
/// switches; the bound keeps hostile lines (`TC TC TC …`) from costing quadratic time.
const FIELD_WINDOW: usize = 1024;

/// Removes every field instruction from `line` in one forward pass. The text on either side of
/// a field is joined with one space, or none at the ends of the line.
fn strip_field_codes(line: &str) -> (Cow<'_, str>, bool) {
    // Every field is proved by a switch (`\`), a quoted argument (`"`) or a bookmark name
    // (`_Toc…`); a line with none of these bytes, which is nearly every line, holds no field.
    // One byte scan settles it before any substring search.
    let may_hold_field = line.bytes().any(|byte| matches!(byte, b'\\' | b'"' | b'_'));
    if !may_hold_field || !FIELDS.iter().any(|(keyword, _)| line.contains(keyword)) {
        return (Cow::Borrowed(line), false);
    }
    let bytes = line.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut index = 0;
    let mut found = false;
    let mut switches = SwitchCache::default();
    while index < bytes.len() {
        let removed = keyword_at(line, index).and_then(|(field, keyword_length)| {
            let start = index + keyword_length;
            let tail = window(line.get(start..)?);
            let switch = match field {
                Field::Tc => switches
                    .next_from(line, start)
                    .map(|switch| switch - start)
                    .filter(|&switch| switch < tail.len()),
                _ => None,
            };
            field_length(field, tail, switch).map(|length| start + length)
        });
        let Some(field_end) = removed else {
            index += 1;
            continue;
        };
        found = true;
        out.push_str(line.get(copied..index).unwrap_or_default().trim_end());
        let rest = line.get(field_end..).unwrap_or_default();
        let trimmed = rest.trim_start();
        if !out.is_empty() && !trimmed.is_empty() {
            out.push(' ');
        }
        index = field_end + (rest.len() - trimmed.len());
        copied = index;
    }
    if !found {
        return (Cow::Borrowed(line), false);
    }
    out.push_str(line.get(copied..).unwrap_or_default());
    (Cow::Owned(out), true)
}

/// The field whose keyword starts at byte `index` of `line`, when the keyword starts the line
/// or follows whitespace.
fn keyword_at(line: &str, index: usize) -> Option<(Field, usize)> {
    let first = *line.as_bytes().get(index)?;
    if !matches!(first, b'T' | b'P' | b'H') {
        return None;
    }
    let follows_space = index == 0
        || line
            .get(..index)
            .and_then(|before| before.chars().next_back())
            .is_some_and(char::is_whitespace);
    if !follows_space {
        return None;
    }
    let rest = line.get(index..)?;
    FIELDS
        .iter()
        .find(|(keyword, _)| rest.starts_with(keyword))
        .map(|&(keyword, field)| (field, keyword.len()))
}

/// The position of the next switch in a line, remembered so that a line with many keywords
/// and few switches is scanned once, not once per keyword.
#[derive(Debug, Default)]
struct SwitchCache {
    /// Where the last scan started, and the switch it found (`None`: none to the end).
    last: Option<(usize, Option<usize>)>,
}

impl SwitchCache {
    /// The byte index in `line` of the first switch at or after `from`.
    fn next_from(&mut self, line: &str, from: usize) -> Option<usize> {
        if let Some((scanned_from, found)) = self.last
            && scanned_from <= from
            && found.is_none_or(|switch| switch >= from)
        {
            return found;
        }
        let found = line
            .get(from..)
            .and_then(find_switch)
            .map(|switch| from + switch);
        self.last = Some((from, found));
        found
    }
}

/// At most [`FIELD_WINDOW`] bytes of `text`, cut at a character boundary.
fn window(text: &str) -> &str {
    let mut end = text.len().min(FIELD_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// How many bytes of `tail` (the text after the keyword and its space) belong to the field, or
/// `None` when the text does not prove to be a field. `switch` is where the first switch in
/// `tail` is, which a `TC` field without quotes needs.
fn field_length(field: Field, tail: &str, switch: Option<usize>) -> Option<usize> {
    let mut position = 0;
    let mut proved = false;
    match field {
        Field::Tc => {
            if let Some(length) = quoted(tail) {
                position = length;
                proved = true;
            } else {
                // An unquoted entry runs to the first switch.
                let switch = switch?;
                if tail.get(..switch)?.trim().is_empty() {
                    return None;
                }
                position = switch;
            }
        }
        Field::Toc => {}
        Field::Pageref => {
            let token = tail.find(char::is_whitespace).unwrap_or(tail.len());
            if token == 0 {
                return None;
            }
            proved = tail.starts_with('_');
            position = token;
        }
        Field::Hyperlink => {}
    }
    let (switches_end, switches, quoted_arguments) = switches(tail, position);
    let proved = match field {
        Field::Tc => proved || switches > 0,
        Field::Toc => switches > 0,
        Field::Pageref => proved || switches > 0,
        Field::Hyperlink => {
            if quoted_arguments > 0 {
                true
            } else if let Some(length) = tail.get(switches_end..).and_then(|rest| {
                let trimmed = rest.trim_start();
                quoted(trimmed).map(|length| rest.len() - trimmed.len() + length)
            }) {
                return Some(switches_end + length);
            } else {
                false
            }
        }
    };
    proved.then_some(switches_end)
}

/// The byte index in `text` of the first ` \x` switch (a backslash and an ASCII letter after
/// whitespace).
fn find_switch(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    (1..bytes.len()).find(|&index| {
        bytes[index] == b'\\'
            && bytes[index - 1].is_ascii_whitespace()
            && bytes.get(index + 1).is_some_and(u8::is_ascii_alphabetic)
    })
}

/// Reads switches from `start`: `\x` followed by an optional argument (a quoted string or a
/// short ASCII token) for the switches that take one. Returns where the last one ends, how
/// many switches there were and how many quoted arguments.
fn switches(text: &str, start: usize) -> (usize, usize, usize) {
    let mut end = start;
    let mut count = 0;
    let mut quoted_count = 0;
    loop {
        let rest = text.get(end..).unwrap_or_default();
        let trimmed = rest.trim_start();
        let at = end + rest.len() - trimmed.len();
        let bytes = trimmed.as_bytes();
        let is_switch = bytes.first() == Some(&b'\\')
            && bytes.get(1).is_some_and(u8::is_ascii_alphabetic)
            && bytes.get(2).is_none_or(u8::is_ascii_whitespace);
        if !is_switch {
            return (end, count, quoted_count);
        }
        count += 1;
        let letter = bytes[1].to_ascii_lowercase();
        end = at + 2;
        if b"abcdflopst".contains(&letter) {
            let rest = text.get(end..).unwrap_or_default();
            let argument = rest.trim_start();
            let offset = end + rest.len() - argument.len();
            if let Some(length) = quoted(argument) {
                end = offset + length;
                quoted_count += 1;
            } else {
                let length = argument.find(char::is_whitespace).unwrap_or(argument.len());
                let token = argument.get(..length).unwrap_or_default();
                let short = !token.is_empty()
                    && token.len() <= 8
                    && token
                        .bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-');
                if short {
                    end = offset + length;
                }
            }
        }
    }
}

/// The length of a `"…"` string at the start of `text`, quotes included.
fn quoted(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('"')?;
    inner.find('"').map(|close| close + 2)
}

// ---------------------------------------------------------------------------------------------
// HTML pasted into cells.

/// Elements that end a paragraph: their tags become a line break inside the cell.
const BLOCK_ELEMENTS: [&str; 20] = [
    "p",
    "br",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "section",
    "article",
    "pre",
    "hr",
    "dd",
];

/// Elements that only style text: their tags are removed and nothing is put in their place.
const INLINE_ELEMENTS: [&str; 29] = [
    "span", "font", "b", "i", "u", "s", "strong", "em", "sub", "sup", "a", "img", "label", "small",
    "big", "strike", "del", "ins", "code", "o:p", "tbody", "thead", "tfoot", "center", "mark",
    "abbr", "dt", "dl", "nobr",
];

/// The longest tag read, in bytes: a `<` with no `>` this close is text.
const MAX_TAG: usize = 2048;

/// What a tag stands for in cell text.
#[derive(Debug, PartialEq, Eq)]
enum Tag {
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
fn markup(text: &str) -> Cow<'_, str> {
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
fn next_markup(text: &str) -> Option<usize> {
    text.bytes().position(|byte| byte == b'<' || byte == b'&')
}

/// Writes cell text from text runs and tags: paragraph breaks are written once, only between
/// text, and whitespace after a break or a checkbox is dropped.
#[derive(Debug, Default)]
struct Writer {
    out: String,
    pending_break: bool,
    skip_space: bool,
}

impl Writer {
    fn text(&mut self, text: &str) {
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

    fn tag(&mut self, tag: Tag) {
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
fn parse_tag(text: &str) -> Option<(Tag, usize)> {
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
    } else if BLOCK_ELEMENTS.contains(&name.as_str()) {
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
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
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
fn checkbox(attributes: &str) -> Option<char> {
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
struct Attributes<'a>(&'a str);

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
fn parse_entity(text: &str) -> Option<(char, usize)> {
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

fn named_entity(name: &str) -> Option<char> {
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

// ---------------------------------------------------------------------------------------------
// Lines that are not content.

/// True for a line that is only a page number: `2`, `- 3 -`, `— 3 —`, `第 3 页`,
/// `第3页 共10页`, `3/10`, `Page 3 of 10`. Bare numbers have at most three digits, so that a
/// year such as `2024` on a line of its own stays text.
pub(crate) fn is_page_debris(line: &str) -> bool {
    let text = line.trim();
    if text.is_empty() {
        return false;
    }
    let mut scanner = Scanner(text);
    // Bare: `12`.
    let mut bare = scanner.clone();
    if bare.digits(3) && bare.end() {
        return true;
    }
    // Dashed: `- 3 -`.
    let mut dashed = scanner.clone();
    if dashed.dash() && dashed.digits(4) && dashed.dash() && dashed.end() {
        return true;
    }
    // Fraction: `3/10`, `3 / 10`.
    let mut fraction = scanner.clone();
    if fraction.digits(4) && fraction.literal("/") && fraction.digits(4) && fraction.end() {
        return true;
    }
    // Chinese: `第 3 页`, optionally `共 10 页` after it, or before it.
    let mut chinese = scanner.clone();
    if chinese.literal("共") && chinese.digits(4) && chinese.literal("页") {
        chinese.literal("，");
        chinese.literal(",");
    } else {
        chinese = scanner.clone();
    }
    if chinese.literal("第") && chinese.digits(4) && chinese.literal("页") {
        if chinese.clone().end() {
            return true;
        }
        chinese.literal("，");
        chinese.literal(",");
        if chinese.literal("共") && chinese.digits(4) && chinese.literal("页") && chinese.end() {
            return true;
        }
    }
    // English: `Page 3`, `Page 3 of 10`.
    if scanner.literal_ignore_case("page") && scanner.digits(4) {
        if scanner.clone().end() {
            return true;
        }
        return scanner.literal_ignore_case("of") && scanner.digits(4) && scanner.end();
    }
    false
}

/// A tiny matcher over the page-number shapes; each step skips leading whitespace.
#[derive(Debug, Clone)]
struct Scanner<'a>(&'a str);

impl Scanner<'_> {
    fn skip_space(&mut self) {
        self.0 = self.0.trim_start();
    }

    /// Up to `most` ASCII or full-width digits, at least one.
    fn digits(&mut self, most: usize) -> bool {
        self.skip_space();
        let mut count = 0;
        let mut end = 0;
        for (index, c) in self.0.char_indices() {
            if c.is_ascii_digit() || ('０'..='９').contains(&c) {
                count += 1;
                end = index + c.len_utf8();
            } else {
                break;
            }
        }
        if count == 0 || count > most {
            return false;
        }
        self.0 = self.0.get(end..).unwrap_or_default();
        true
    }

    fn dash(&mut self) -> bool {
        self.skip_space();
        let mut chars = self.0.chars();
        match chars.next() {
            Some('-' | '—' | '–' | '－' | '―') => {
                self.0 = chars
                    .as_str()
                    .trim_start_matches(['-', '—', '–', '－', '―']);
                true
            }
            _ => false,
        }
    }

    fn literal(&mut self, literal: &str) -> bool {
        self.skip_space();
        match self.0.strip_prefix(literal) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    fn literal_ignore_case(&mut self, literal: &str) -> bool {
        self.skip_space();
        match self.0.get(..literal.len()) {
            Some(head) if head.eq_ignore_ascii_case(literal) => {
                self.0 = self.0.get(literal.len()..).unwrap_or_default();
                true
            }
            _ => false,
        }
    }

    fn end(&mut self) -> bool {
        self.skip_space();
        self.0.is_empty()
    }
}

/// True for a line that reads as the title of a table: short, and ending in `…目标表` or
/// `…批复表`, or naming 绩效 and ending in `表`. Used where a line would otherwise continue the
/// last cell of a table (a title pasted with no blank line before it).
pub(crate) fn looks_like_title(text: &str) -> bool {
    let text = text.trim();
    if text.chars().count() > 80 {
        return false;
    }
    text.ends_with("目标表")
        || text.ends_with("批复表")
        || (text.ends_with('表') && text.contains("绩效"))
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
            assert!(is_page_debris(line), "{line}");
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
            assert!(!is_page_debris(line), "{line}");
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
