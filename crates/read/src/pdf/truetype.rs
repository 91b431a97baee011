//! The `cmap` table of an embedded TrueType or OpenType font, read backwards.
//!
//! A Type0 font with `Identity-H` encoding and no `/ToUnicode` shows glyph ids, not characters.
//! Its embedded font program usually still carries a Unicode `cmap` (character → glyph), so
//! reversing it gives glyph → character. Only formats 4 and 12 of the Unicode subtables are
//! read; every offset is checked, so a broken table gives fewer mappings, never a panic.

use crate::bytes::{u16_be_at as u16_at, u32_be_at as u32_at};
use std::collections::HashMap;

/// Most glyph mappings collected from one font.
const MAX_MAPPINGS: usize = 1 << 17;
/// Most character codes examined in one font, so that overlapping or hostile subtables
/// cannot make the reversal run for long.
const MAX_CODES: usize = 1 << 20;

/// Glyph id → character from the font's Unicode `cmap`, or an empty map when the font has
/// none (CFF fonts in `FontFile3` without an OpenType wrapper, damaged tables).
pub(crate) fn glyph_to_unicode(font: &[u8]) -> HashMap<u16, char> {
    let mut out = HashMap::new();
    let Some(cmap) = find_table(font, b"cmap") else {
        return out;
    };
    let Some(count) = u16_at(cmap, 2) else {
        return out;
    };
    // Prefer full Unicode (3,10) / (0,4+), then BMP (3,1) / (0,x).
    let mut candidates: Vec<(u8, usize)> = Vec::new();
    for index in 0..usize::from(count) {
        let record = 4 + index * 8;
        let (Some(platform), Some(encoding), Some(offset)) = (
            u16_at(cmap, record),
            u16_at(cmap, record + 2),
            u32_at(cmap, record + 4),
        ) else {
            break;
        };
        let rank = match (platform, encoding) {
            (3, 10) | (0, 4) | (0, 6) => 0,
            (3, 1) | (0, _) => 1,
            _ => continue,
        };
        candidates.push((rank, offset as usize));
    }
    candidates.sort_by_key(|&(rank, _)| rank);
    for (_, offset) in candidates {
        let Some(subtable) = cmap.get(offset..) else {
            continue;
        };
        match u16_at(subtable, 0) {
            Some(4) => read_format4(subtable, &mut out),
            Some(12) => read_format12(subtable, &mut out),
            _ => {}
        }
        if !out.is_empty() {
            break;
        }
    }
    out
}

/// Adds a mapping, keeping an earlier one unless the earlier is a private-use character and
/// the new one is not (fonts map symbols twice, once into the private use area).
fn add(out: &mut HashMap<u16, char>, glyph: u16, c: char) {
    if glyph == 0 || c.is_control() || out.len() >= MAX_MAPPINGS {
        return;
    }
    let private = |c: char| ('\u{E000}'..='\u{F8FF}').contains(&c);
    match out.get(&glyph) {
        Some(&existing) if !private(existing) || private(c) => {}
        _ => {
            out.insert(glyph, c);
        }
    }
}

fn read_format4(table: &[u8], out: &mut HashMap<u16, char>) {
    let Some(seg_count_x2) = u16_at(table, 6) else {
        return;
    };
    let seg_count = usize::from(seg_count_x2 / 2);
    let ends = 14;
    let starts = ends + seg_count * 2 + 2;
    let deltas = starts + seg_count * 2;
    let range_offsets = deltas + seg_count * 2;
    let mut budget = MAX_CODES;
    for segment in 0..seg_count {
        let (Some(end), Some(start), Some(delta), Some(range_offset)) = (
            u16_at(table, ends + segment * 2),
            u16_at(table, starts + segment * 2),
            u16_at(table, deltas + segment * 2),
            u16_at(table, range_offsets + segment * 2),
        ) else {
            return;
        };
        if start > end {
            continue;
        }
        for code in start..=end {
            if code == 0xffff || budget == 0 {
                break;
            }
            budget -= 1;
            let glyph = if range_offset == 0 {
                code.wrapping_add(delta)
            } else {
                let address = range_offsets
                    + segment * 2
                    + usize::from(range_offset)
                    + usize::from(code - start) * 2;
                match u16_at(table, address) {
                    Some(0) | None => continue,
                    Some(glyph) => glyph.wrapping_add(delta),
                }
            };
            if let Some(c) = char::from_u32(u32::from(code)) {
                add(out, glyph, c);
            }
        }
    }
}

fn read_format12(table: &[u8], out: &mut HashMap<u16, char>) {
    let Some(groups) = u32_at(table, 12) else {
        return;
    };
    let mut budget = MAX_CODES;
    for group in 0..groups as usize {
        let record = 16 + group * 12;
        let (Some(first), Some(last), Some(glyph)) = (
            u32_at(table, record),
            u32_at(table, record + 4),
            u32_at(table, record + 8),
        ) else {
            return;
        };
        if last < first || last - first > 0xffff {
            continue;
        }
        for code in first..=last {
            if budget == 0 {
                return;
            }
            budget -= 1;
            let Ok(glyph) = u16::try_from(u64::from(glyph) + u64::from(code - first)) else {
                break;
            };
            if let Some(c) = char::from_u32(code) {
                add(out, glyph, c);
            }
            if out.len() >= MAX_MAPPINGS {
                return;
            }
        }
    }
}

/// The bytes of one table of an sfnt font (the first font of a collection).
fn find_table<'a>(font: &'a [u8], tag: &[u8; 4]) -> Option<&'a [u8]> {
    let mut base = 0usize;
    if font.starts_with(b"ttcf") {
        base = u32_at(font, 12)? as usize;
    }
    let count = u16_at(font, base + 4)?;
    for index in 0..usize::from(count) {
        let record = base + 12 + index * 16;
        if font.get(record..record + 4)? == tag {
            let offset = u32_at(font, record + 8)? as usize;
            let length = u32_at(font, record + 12)? as usize;
            return font.get(offset..offset.checked_add(length)?);
        }
    }
    None
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A minimal sfnt holding only a `cmap` with one format 4 subtable mapping
    /// `chars[i]` → glyph `i + 1`, for tests here and in the reader.
    pub(crate) fn font_with_cmap(chars: &[char]) -> Vec<u8> {
        // One segment per character plus the final 0xFFFF segment.
        let seg_count = chars.len() + 1;
        let mut sub = Vec::new();
        let length = 16 + seg_count * 8;
        sub.extend_from_slice(&4u16.to_be_bytes());
        sub.extend_from_slice(&(length as u16).to_be_bytes());
        sub.extend_from_slice(&0u16.to_be_bytes());
        sub.extend_from_slice(&((seg_count * 2) as u16).to_be_bytes());
        sub.extend_from_slice(&[0; 6]);
        for &c in chars {
            sub.extend_from_slice(&(c as u16).to_be_bytes());
        }
        sub.extend_from_slice(&0xffffu16.to_be_bytes());
        sub.extend_from_slice(&0u16.to_be_bytes());
        for &c in chars {
            sub.extend_from_slice(&(c as u16).to_be_bytes());
        }
        sub.extend_from_slice(&0xffffu16.to_be_bytes());
        for (index, &c) in chars.iter().enumerate() {
            let delta = ((index as u16) + 1).wrapping_sub(c as u16);
            sub.extend_from_slice(&delta.to_be_bytes());
        }
        sub.extend_from_slice(&1u16.to_be_bytes());
        sub.extend_from_slice(&vec![0; seg_count * 2]);

        let mut cmap = Vec::new();
        cmap.extend_from_slice(&0u16.to_be_bytes());
        cmap.extend_from_slice(&1u16.to_be_bytes());
        cmap.extend_from_slice(&3u16.to_be_bytes());
        cmap.extend_from_slice(&1u16.to_be_bytes());
        cmap.extend_from_slice(&12u32.to_be_bytes());
        cmap.extend_from_slice(&sub);

        let mut font = Vec::new();
        font.extend_from_slice(&0x0001_0000u32.to_be_bytes());
        font.extend_from_slice(&1u16.to_be_bytes());
        font.extend_from_slice(&[0; 6]);
        font.extend_from_slice(b"cmap");
        font.extend_from_slice(&0u32.to_be_bytes());
        font.extend_from_slice(&28u32.to_be_bytes());
        font.extend_from_slice(&(cmap.len() as u32).to_be_bytes());
        font.extend_from_slice(&cmap);
        font
    }

    #[test]
    fn format4_is_reversed() {
        let font = font_with_cmap(&['产', '出', 'A']);
        let map = glyph_to_unicode(&font);
        assert_eq!(map.get(&1), Some(&'产'));
        assert_eq!(map.get(&2), Some(&'出'));
        assert_eq!(map.get(&3), Some(&'A'));
        assert_eq!(map.len(), 3);
    }

    #[test]
    fn truncated_fonts_give_nothing() {
        let font = font_with_cmap(&['产', '出']);
        for cut in [0, 5, 20, 40, font.len() - 3] {
            let map = glyph_to_unicode(&font[..cut]);
            assert!(map.len() <= 2);
        }
        assert!(glyph_to_unicode(b"garbage").is_empty());
    }
}
