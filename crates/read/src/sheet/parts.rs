//! A direct look at an xlsx sheet's XML, to spare calamine two of its passes.
//!
//! calamine finds merged regions by parsing the whole sheet (they are stored after the cells),
//! and reading values with formulas and reading styles are separate passes. Here the sheet
//! part is inflated once more and searched as bytes: the `<mergeCells>` block, found by a byte
//! search and parsed alone, gives the merges; the absence of any `<f>` element means the
//! values and styles can come from calamine's single combined pass.
//!
//! Everything here is an optimisation: when the workbook's parts cannot be resolved, the
//! reader falls back to calamine's own passes.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::layout::Region;
use crate::Limits;
use crate::archive::Archive;

/// Longest stretch of a part's XML that a parser must hold at once (a text node, white space
/// between tags, or one tag) that the readers accept. Excel caps a cell at 32,767 characters,
/// so no spreadsheet writes more than a few hundred kilobytes in one stretch; a part that
/// holds megabytes of white space between two tags is built to make the XML parser buffer it.
pub(super) const MAX_RUN: u64 = crate::archive::MAX_XML_RUN;

/// What the byte look found in one sheet.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SheetLook {
    pub merges: Vec<Region>,
    /// False only when the sheet certainly has no formula.
    pub has_formulas: bool,
    /// The longest stretch of text, white space or tag, in bytes (see [`MAX_RUN`]).
    pub longest_run: u64,
    /// The part's inflated size in bytes.
    pub bytes: u64,
    /// The part's first 2 KiB.
    pub head: Vec<u8>,
}

/// The part path of each sheet, by sheet name, from `xl/workbook.xml` and its relationships.
/// Empty when they cannot be read.
pub(super) fn sheet_paths(archive: &mut Archive<'_>, limits: &Limits) -> HashMap<String, String> {
    let mut paths = HashMap::new();
    let (Ok(Some(workbook)), Ok(Some(rels))) = (
        archive.read("xl/workbook.xml", limits),
        archive.read("xl/_rels/workbook.xml.rels", limits),
    ) else {
        return paths;
    };
    let mut targets = HashMap::new();
    for_each_element(&rels, "Relationship", |attributes| {
        if let (Some(id), Some(target)) = (attributes.get("Id"), attributes.get("Target")) {
            targets.insert(id.clone(), target.clone());
        }
    });
    for_each_element(&workbook, "sheet", |attributes| {
        if let (Some(name), Some(id)) = (attributes.get("name"), attributes.get("id"))
            && let Some(target) = targets.get(id)
        {
            let path = match target.strip_prefix('/') {
                Some(absolute) => absolute.to_string(),
                None => format!("xl/{target}"),
            };
            paths.insert(name.clone(), path);
        }
    });
    paths
}

/// Looks at a sheet's XML held in memory.
#[cfg(test)]
pub(super) fn look(xml: &[u8]) -> SheetLook {
    let mut reader = xml;
    look_stream(&mut reader).unwrap_or_default()
}

/// Looks at a part's XML as it streams past, holding only 64 KiB of it and one tag's first
/// 4 KiB at a time: whether an `f` element (a formula) occurs, the `mergeCell` regions, the
/// longest stretch a parser would have to buffer, the size and the first 2 KiB.
pub(super) fn look_stream(reader: &mut dyn Read) -> std::io::Result<SheetLook> {
    const TAG_HEAD: usize = 4096;
    let mut look = SheetLook::default();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut in_tag = false;
    let mut run = 0u64;
    let mut tag: Vec<u8> = Vec::with_capacity(TAG_HEAD);
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let bytes = &chunk[..read];
        if look.head.len() < 2048 {
            let take = (2048 - look.head.len()).min(bytes.len());
            look.head.extend_from_slice(&bytes[..take]);
        }
        look.bytes += read as u64;
        for &byte in bytes {
            if in_tag {
                run += 1;
                if byte == b'>' {
                    look.longest_run = look.longest_run.max(run);
                    run = 0;
                    in_tag = false;
                    tag_seen(&tag, &mut look);
                } else if tag.len() < TAG_HEAD {
                    tag.push(byte);
                }
            } else if byte == b'<' {
                look.longest_run = look.longest_run.max(run);
                run = 1;
                in_tag = true;
                tag.clear();
            } else {
                run += 1;
            }
        }
    }
    look.longest_run = look.longest_run.max(run);
    Ok(look)
}

/// Notes what one tag (its bytes between `<` and `>`) says: a formula, or a merged region.
fn tag_seen(tag: &[u8], look: &mut SheetLook) {
    if tag.first() == Some(&b'/') {
        return;
    }
    let name_end = tag
        .iter()
        .position(|b| matches!(b, b' ' | b'/' | b'\t' | b'\n' | b'\r'))
        .unwrap_or(tag.len());
    let name = &tag[..name_end];
    let local = match name.iter().rposition(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    };
    match local {
        b"f" => look.has_formulas = true,
        b"mergeCell" => {
            if let Some(region) = attribute_value(&tag[name_end..], b"ref")
                .and_then(|value| std::str::from_utf8(value).ok())
                .and_then(parse_range)
            {
                look.merges.push(region);
            }
        }
        _ => {}
    }
}

/// The raw value of attribute `name` (`name="…"` or `name='…'`, white space before it).
fn attribute_value<'t>(attributes: &'t [u8], name: &[u8]) -> Option<&'t [u8]> {
    let mut at = 0;
    while let Some(offset) = attributes
        .get(at..)?
        .windows(name.len())
        .position(|window| window == name)
    {
        let start = at + offset;
        let end = start + name.len();
        let boundary = start == 0 || attributes[start - 1].is_ascii_whitespace();
        let rest = &attributes[end..];
        let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
        if boundary && let Some(rest) = rest.strip_prefix(b"=") {
            let rest = &rest[rest.iter().take_while(|b| b.is_ascii_whitespace()).count()..];
            let quote = *rest.first()?;
            if quote == b'"' || quote == b'\'' {
                let value = &rest[1..];
                let close = value.iter().position(|&b| b == quote)?;
                return Some(&value[..close]);
            }
        }
        at = end;
    }
    None
}

/// Calls `visit` with the attributes (by local name, unescaped) of every element whose local
/// name is `name`. Stops quietly at the first XML error: the caller only loses an
/// optimisation or a merge, never a value.
fn for_each_element(xml: &[u8], name: &str, mut visit: impl FnMut(&HashMap<String, String>)) {
    let mut reader = Reader::from_reader(xml);
    let mut buffer = Vec::new();
    loop {
        buffer.clear();
        match reader.read_event_into(&mut buffer) {
            Ok(Event::Start(element) | Event::Empty(element))
                if element.local_name().as_ref() == name =>
            {
                let mut attributes = HashMap::new();
                for attribute in element.attributes().flatten() {
                    let key = attribute.key.local_name().as_ref().to_string();
                    let value = attribute
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map(|value| value.into_owned())
                        .unwrap_or_else(|_| attribute.value.clone().into_owned());
                    attributes.insert(key, value);
                }
                visit(&attributes);
            }
            Ok(Event::End(element)) if element.local_name().as_ref() == "mergeCells" => break,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
}

/// `A1:G3` → the region, 0-based. `None` for a single cell or anything unreadable.
fn parse_range(text: &str) -> Option<Region> {
    let (start, end) = text.split_once(':')?;
    Some(Region::new(parse_cell(start)?, parse_cell(end)?))
}

/// `AB12` → (11, 27).
fn parse_cell(text: &str) -> Option<(u32, u32)> {
    let text = text.trim().trim_start_matches('$');
    let letters = text.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let mut col: u32 = 0;
    for b in text[..letters].bytes() {
        col = col * 26 + (b.to_ascii_uppercase() - b'A' + 1) as u32;
    }
    let row: u32 = text[letters..].trim_start_matches('$').parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_and_formulas_are_found_in_the_bytes() {
        let xml = br#"<worksheet><sheetData><row r="1"><c r="A1"><f>1+1</f><v>2</v></c></row>
            </sheetData><mergeCells count="2"><mergeCell ref="A1:G1"/><mergeCell ref="$B$2:B4"/>
            <mergeCell ref="C9"/></mergeCells></worksheet>"#;
        let look = look(xml);
        assert!(look.has_formulas);
        assert_eq!(
            look.merges,
            [Region::new((0, 0), (0, 6)), Region::new((1, 1), (3, 1))]
        );
        let plain = look_at(br#"<x:worksheet><x:sheetData/><x:mergeCells><x:mergeCell ref="AA10:AB11"/></x:mergeCells></x:worksheet>"#);
        assert!(!plain.has_formulas);
        assert_eq!(plain.merges, [Region::new((9, 26), (10, 27))]);
    }

    fn look_at(xml: &[u8]) -> SheetLook {
        look(xml)
    }

    #[test]
    fn cell_references_parse() {
        assert_eq!(parse_cell("A1"), Some((0, 0)));
        assert_eq!(parse_cell("XFD1048576"), Some((1_048_575, 16_383)));
        assert_eq!(parse_cell("A0"), None);
        assert_eq!(parse_cell("ABCD1"), None);
        assert_eq!(parse_cell("1"), None);
    }
}
