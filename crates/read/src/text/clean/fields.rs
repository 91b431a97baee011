//! Word field codes left in pasted text (`TC`, `XE`…): removed only when their switches or
//! quoted arguments prove they are fields.

use super::*;

/// The field instructions that show up in pasted text, each with what proves an occurrence is
/// a field and not prose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Field {
    /// `TC "entry" \f C \l 1`: a table-of-contents entry; the entry may be unquoted.
    Tc,
    /// `TOC \o "1-3" \h \z \u`: the table of contents itself.
    Toc,
    /// `PAGEREF _Toc123 \h`: a page reference to a bookmark.
    Pageref,
    /// `HYPERLINK \l "_Toc123"` or `HYPERLINK "https://…"`.
    Hyperlink,
}

pub(super) const FIELDS: [(&str, Field); 4] = [
    ("TC ", Field::Tc),
    ("TOC ", Field::Toc),
    ("PAGEREF ", Field::Pageref),
    ("HYPERLINK ", Field::Hyperlink),
];

/// The longest field instruction recognised, in bytes. Real ones are a heading and a few
/// switches; the bound keeps hostile lines (`TC TC TC …`) from costing quadratic time.
pub(super) const FIELD_WINDOW: usize = 1024;

/// Removes every field instruction from `line` in one forward pass. The text on either side of
/// a field is joined with one space, or none at the ends of the line.
pub(super) fn strip_field_codes(line: &str) -> (Cow<'_, str>, bool) {
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
pub(super) fn keyword_at(line: &str, index: usize) -> Option<(Field, usize)> {
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
pub(super) struct SwitchCache {
    /// Where the last scan started, and the switch it found (`None`: none to the end).
    pub(super) last: Option<(usize, Option<usize>)>,
}

impl SwitchCache {
    /// The byte index in `line` of the first switch at or after `from`.
    pub(super) fn next_from(&mut self, line: &str, from: usize) -> Option<usize> {
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
pub(super) fn window(text: &str) -> &str {
    let mut end = text.len().min(FIELD_WINDOW);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

/// How many bytes of `tail` (the text after the keyword and its space) belong to the field, or
/// `None` when the text does not prove to be a field. `switch` is where the first switch in
/// `tail` is, which a `TC` field without quotes needs.
pub(super) fn field_length(field: Field, tail: &str, switch: Option<usize>) -> Option<usize> {
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
pub(super) fn find_switch(text: &str) -> Option<usize> {
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
pub(super) fn switches(text: &str, start: usize) -> (usize, usize, usize) {
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
pub(super) fn quoted(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('"')?;
    inner.find('"').map(|close| close + 2)
}
