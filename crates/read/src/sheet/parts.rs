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

use quick_xml::events::Event;
use quick_xml::{Reader, XmlVersion};

use super::layout::Region;
use crate::Limits;
use crate::archive::Archive;

/// What the byte look found in one sheet.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct SheetLook {
    pub merges: Vec<Region>,
    /// False only when the sheet certainly has no formula.
    pub has_formulas: bool,
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

/// Looks at a sheet's XML.
pub(super) fn look(xml: &[u8]) -> SheetLook {
    let has_formulas = has_formula_element(xml);
    let mut merges = Vec::new();
    // The merges follow the cells: search from the end for the opening tag (the last
    // `mergeCells` is usually the closing one).
    let mut end = xml.len();
    let mut opening = None;
    while let Some(position) = rfind(&xml[..end], b"mergeCells") {
        let tag = xml[..position].iter().rposition(|&b| b == b'<');
        match tag {
            Some(tag) if xml.get(tag + 1) != Some(&b'/') => {
                opening = Some(tag);
                break;
            }
            _ => end = position,
        }
    }
    if let Some(start) = opening {
        for_each_element(&xml[start..], "mergeCell", |attributes| {
            if let Some(region) = attributes.get("ref").and_then(|r| parse_range(r)) {
                merges.push(region);
            }
        });
    }
    SheetLook {
        merges,
        has_formulas,
    }
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

/// True when some element is named `f` (`<f>`, `<f t="shared">`, `<x:f>`). One pass over the
/// `<` bytes; most tags of a sheet (`<c `, `<v>`, `</c>`) are told apart by their first letter.
fn has_formula_element(xml: &[u8]) -> bool {
    let mut at = 0;
    while let Some(offset) = xml[at..].iter().position(|&b| b == b'<') {
        let start = at + offset + 1;
        at = start;
        let name_end = xml[start..]
            .iter()
            .take(16)
            .position(|b| matches!(b, b' ' | b'>' | b'/' | b'\t' | b'\n' | b'\r'))
            .map_or(start, |p| start + p);
        let name = &xml[start..name_end];
        let local = match name.iter().rposition(|&b| b == b':') {
            Some(colon) => &name[colon + 1..],
            None => name,
        };
        if local == b"f" {
            return true;
        }
    }
    false
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .rposition(|window| window == needle)
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
