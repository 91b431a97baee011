//! CMaps embedded in a file: `/ToUnicode` maps (codes → Unicode text) and embedded encoding
//! CMaps of Type0 fonts (codes → CIDs), with their code space ranges, which say how many bytes
//! each code of a string takes.
//!
//! Only the operators that carry data are read (`begincodespacerange`, `beginbfchar`,
//! `beginbfrange` in both its forms, `begincidchar`, `begincidrange`, `usecmap`); the
//! PostScript around them is skipped. Ranges are kept as ranges, never expanded, so that a
//! hostile `<0000> <FFFFFFFF>` costs nothing.

use std::collections::HashMap;

use super::lexer::{Lexer, Token};

/// Most entries read from one CMap; the rest of a larger one is ignored.
const MAX_ENTRIES: usize = 1 << 20;

/// One code space range: codes of `bytes` bytes between `low` and `high`, compared byte by
/// byte as the PDF specification says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CodeSpace {
    pub bytes: usize,
    pub low: [u8; 4],
    pub high: [u8; 4],
}

impl CodeSpace {
    fn matches(&self, data: &[u8]) -> bool {
        data.len() >= self.bytes
            && (0..self.bytes).all(|i| self.low[i] <= data[i] && data[i] <= self.high[i])
    }
}

/// Code space ranges that split a string into codes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CodeSpaces(pub Vec<CodeSpace>);

impl CodeSpaces {
    /// Length in bytes of the code that starts `data`: the shortest range that matches, else
    /// (for bytes outside every range) the length of the shortest range whose first byte
    /// matches, else the shortest length of all, as the specification asks for bad input.
    pub(crate) fn code_length(&self, data: &[u8]) -> usize {
        if let Some(space) = self
            .0
            .iter()
            .filter(|space| space.matches(data))
            .min_by_key(|space| space.bytes)
        {
            return space.bytes;
        }
        let first = data.first().copied().unwrap_or(0);
        let length = self
            .0
            .iter()
            .filter(|space| space.low[0] <= first && first <= space.high[0])
            .map(|space| space.bytes)
            .min()
            .or_else(|| self.0.iter().map(|space| space.bytes).min())
            .unwrap_or(1);
        length.clamp(1, data.len().max(1))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Text for one code: most codes give one character, ligatures and some CJK fonts give more.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Mapped {
    Char(char),
    Text(Box<str>),
}

impl Mapped {
    pub(crate) fn push_to(&self, out: &mut String) {
        match self {
            Mapped::Char(c) => out.push(*c),
            Mapped::Text(text) => out.push_str(text),
        }
    }
}

/// A `bfrange` kept as a range.
#[derive(Debug, Clone)]
struct BfRange {
    low: u32,
    high: u32,
    target: RangeTarget,
}

#[derive(Debug, Clone)]
enum RangeTarget {
    /// `<lo> <hi> <dst>`: the UTF-16 text of `low`; later codes increment its last unit.
    Start(Vec<u16>),
    /// `<lo> <hi> [<d0> <d1> …]`: one text per code.
    List(Vec<Option<Mapped>>),
}

/// A parsed `/ToUnicode` CMap.
#[derive(Debug, Clone, Default)]
pub(crate) struct ToUnicode {
    pub spaces: CodeSpaces,
    singles: HashMap<u32, Mapped>,
    /// Sorted by `low`.
    ranges: Vec<BfRange>,
    /// The longest code seen in a `bfchar` or `bfrange`, used to split strings when the
    /// CMap declares no code space.
    pub max_code_bytes: usize,
}

impl ToUnicode {
    /// Parses a ToUnicode CMap. Never fails: unreadable parts are skipped.
    pub(crate) fn parse(data: &[u8]) -> ToUnicode {
        let mut map = ToUnicode::default();
        let mut lexer = Lexer::new(data);
        let mut entries = 0usize;
        while let Some(token) = lexer.next_token() {
            let Token::Operator(op) = token else {
                continue;
            };
            match op {
                b"begincodespacerange" => read_code_spaces(&mut lexer, &mut map.spaces),
                b"beginbfchar" => {
                    while let Some(Token::String(code)) = lexer.next_token() {
                        let Some(Token::String(target)) = lexer.next_token() else {
                            break;
                        };
                        entries += 1;
                        if entries > MAX_ENTRIES {
                            continue;
                        }
                        map.max_code_bytes = map.max_code_bytes.max(code.len());
                        if let Some(mapped) = utf16_text(&target) {
                            map.singles.insert(code_value(&code), mapped);
                        }
                    }
                }
                b"beginbfrange" => {
                    while let Some(Token::String(low)) = lexer.next_token() {
                        let Some(Token::String(high)) = lexer.next_token() else {
                            break;
                        };
                        let target = match lexer.next_token() {
                            Some(Token::String(start)) => RangeTarget::Start(utf16_units(&start)),
                            Some(Token::ArrayStart) => {
                                let mut list = Vec::new();
                                while let Some(Token::String(item)) = lexer.next_token() {
                                    if list.len() < MAX_ENTRIES {
                                        list.push(utf16_text(&item));
                                    }
                                }
                                RangeTarget::List(list)
                            }
                            _ => break,
                        };
                        entries += 1;
                        if entries > MAX_ENTRIES {
                            continue;
                        }
                        map.max_code_bytes = map.max_code_bytes.max(low.len());
                        let (low, high) = (code_value(&low), code_value(&high));
                        if low <= high {
                            map.ranges.push(BfRange { low, high, target });
                        }
                    }
                }
                _ => {}
            }
        }
        map.ranges.sort_by_key(|range| range.low);
        map
    }

    /// The text of `code`, if the CMap maps it.
    pub(crate) fn get(&self, code: u32) -> Option<Mapped> {
        if let Some(mapped) = self.singles.get(&code) {
            return Some(mapped.clone());
        }
        // Ranges may overlap in broken files; look at every range that starts at or before
        // the code, nearest first.
        let end = self.ranges.partition_point(|range| range.low <= code);
        for range in self.ranges[..end].iter().rev().take(8) {
            if code > range.high {
                continue;
            }
            let offset = code - range.low;
            return match &range.target {
                RangeTarget::Start(units) => {
                    let mut units = units.clone();
                    let last = units.last_mut()?;
                    *last = last.wrapping_add(offset as u16);
                    mapped_from_units(&units)
                }
                RangeTarget::List(list) => list.get(offset as usize).cloned().flatten(),
            };
        }
        None
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.singles.is_empty() && self.ranges.is_empty()
    }
}

/// A parsed embedded encoding CMap (codes → CIDs) of a Type0 font.
#[derive(Debug, Clone, Default)]
pub(crate) struct CidCMap {
    pub spaces: CodeSpaces,
    singles: HashMap<u32, u32>,
    /// `(low, high, first CID)`, sorted by `low`.
    ranges: Vec<(u32, u32, u32)>,
    /// The predefined CMap named by `usecmap`, if any.
    pub parent: Option<String>,
    pub vertical: bool,
}

impl CidCMap {
    pub(crate) fn parse(data: &[u8]) -> CidCMap {
        let mut map = CidCMap::default();
        let mut lexer = Lexer::new(data);
        let mut last_name: Option<Vec<u8>> = None;
        let mut previous_name: Option<Vec<u8>> = None;
        let mut entries = 0usize;
        while let Some(token) = lexer.next_token() {
            match token {
                Token::Name(name) => {
                    previous_name = last_name.take();
                    last_name = Some(name.to_vec());
                }
                // `/WMode 1 def` marks a vertical CMap.
                Token::Number(value) if last_name.as_deref() == Some(b"WMode") && value == 1.0 => {
                    map.vertical = true;
                }
                Token::Operator(b"usecmap") => {
                    if let Some(name) = last_name.take().or(previous_name.take()) {
                        map.parent = Some(String::from_utf8_lossy(&name).into_owned());
                    }
                }
                Token::Operator(b"begincodespacerange") => {
                    read_code_spaces(&mut lexer, &mut map.spaces);
                }
                Token::Operator(b"begincidchar") => {
                    while let Some(Token::String(code)) = lexer.next_token() {
                        let Some(Token::Number(cid)) = lexer.next_token() else {
                            break;
                        };
                        entries += 1;
                        if entries <= MAX_ENTRIES {
                            map.singles.insert(code_value(&code), cid.max(0.0) as u32);
                        }
                    }
                }
                Token::Operator(b"begincidrange") => {
                    while let Some(Token::String(low)) = lexer.next_token() {
                        let Some(Token::String(high)) = lexer.next_token() else {
                            break;
                        };
                        let Some(Token::Number(cid)) = lexer.next_token() else {
                            break;
                        };
                        entries += 1;
                        let (low, high) = (code_value(&low), code_value(&high));
                        if entries <= MAX_ENTRIES && low <= high {
                            map.ranges.push((low, high, cid.max(0.0) as u32));
                        }
                    }
                }
                _ => {}
            }
        }
        map.ranges.sort_by_key(|range| range.0);
        map
    }

    /// The CID of `code`, if the CMap maps it.
    pub(crate) fn cid(&self, code: u32) -> Option<u32> {
        if let Some(&cid) = self.singles.get(&code) {
            return Some(cid);
        }
        let end = self.ranges.partition_point(|range| range.0 <= code);
        self.ranges[..end]
            .iter()
            .rev()
            .take(8)
            .find(|range| code <= range.1)
            .map(|&(low, _, cid)| cid.saturating_add(code - low))
    }

    pub(crate) fn has_mappings(&self) -> bool {
        !self.singles.is_empty() || !self.ranges.is_empty()
    }
}

fn read_code_spaces(lexer: &mut Lexer<'_>, spaces: &mut CodeSpaces) {
    loop {
        let Some(Token::String(low)) = lexer.next_token() else {
            return;
        };
        let Some(Token::String(high)) = lexer.next_token() else {
            return;
        };
        let bytes = low.len();
        if !(1..=4).contains(&bytes) || high.len() != bytes || spaces.0.len() >= 64 {
            continue;
        }
        let mut space = CodeSpace {
            bytes,
            low: [0; 4],
            high: [0; 4],
        };
        space.low[..bytes].copy_from_slice(&low);
        space.high[..bytes].copy_from_slice(&high);
        spaces.0.push(space);
    }
}

/// The value of a big-endian code of up to 4 bytes (longer codes keep their last 4 bytes).
pub(crate) fn code_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .fold(0u32, |value, &byte| (value << 8) | u32::from(byte))
}

fn utf16_units(bytes: &[u8]) -> Vec<u16> {
    if bytes.len() == 1 {
        // A one-byte destination is a (broken) single code unit.
        return vec![u16::from(bytes[0])];
    }
    bytes
        .chunks_exact(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
        .collect()
}

fn utf16_text(bytes: &[u8]) -> Option<Mapped> {
    mapped_from_units(&utf16_units(bytes))
}

/// Text from UTF-16 code units. Unpaired surrogates and NUL-only targets (used by some
/// producers for "no text") give `None`.
fn mapped_from_units(units: &[u16]) -> Option<Mapped> {
    let mut chars = char::decode_utf16(units.iter().copied());
    let first = chars.next()?.ok()?;
    let rest: Result<String, _> = chars.collect();
    let rest = rest.ok()?;
    if rest.is_empty() {
        if first == '\0' {
            return None;
        }
        return Some(Mapped::Char(first));
    }
    let mut text = String::with_capacity(rest.len() + 4);
    text.push(first);
    text.push_str(&rest);
    let text = text.trim_end_matches('\0');
    if text.is_empty() {
        return None;
    }
    Some(Mapped::Text(text.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const CMAP: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
3 beginbfchar
<0003> <0020>
<0010> <4EA7>
<0011> <0066 0069>
endbfchar
2 beginbfrange
<0020> <0022> <51FA>
<0030> <0031> [<6307> <D840DC00>]
endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end";

    #[test]
    fn bfchar_bfrange_and_array_form() {
        let map = ToUnicode::parse(CMAP);
        assert_eq!(map.spaces.0.len(), 1);
        assert_eq!(map.spaces.code_length(&[0x12, 0x34]), 2);
        assert_eq!(map.get(0x0010), Some(Mapped::Char('产')));
        assert_eq!(map.get(0x0011), Some(Mapped::Text("fi".into())));
        assert_eq!(map.get(0x0020), Some(Mapped::Char('出')));
        assert_eq!(map.get(0x0022), Some(Mapped::Char('\u{51FC}')));
        assert_eq!(map.get(0x0030), Some(Mapped::Char('指')));
        assert_eq!(map.get(0x0031), Some(Mapped::Char('\u{20000}')));
        assert_eq!(map.get(0x0023), None);
        assert_eq!(map.max_code_bytes, 2);
    }

    #[test]
    fn code_spaces_split_mixed_lengths() {
        let spaces = CodeSpaces(vec![
            CodeSpace {
                bytes: 1,
                low: [0x00, 0, 0, 0],
                high: [0x80, 0, 0, 0],
            },
            CodeSpace {
                bytes: 2,
                low: [0x81, 0x40, 0, 0],
                high: [0xfe, 0xfe, 0, 0],
            },
        ]);
        assert_eq!(spaces.code_length(b"A\xb2\xfa"), 1);
        assert_eq!(spaces.code_length(b"\xb2\xfa"), 2);
        // A lead byte at the end of the string cannot take two bytes.
        assert_eq!(spaces.code_length(b"\xb2"), 1);
    }

    #[test]
    fn cid_cmap_ranges_and_usecmap() {
        let map = CidCMap::parse(
            b"/GBK-EUC-H usecmap 1 begincodespacerange <00> <FF> endcodespacerange
              1 begincidrange <20> <7e> 1 endcidrange 1 begincidchar <80> 500 endcidchar
              /WMode 1 def",
        );
        assert_eq!(map.parent.as_deref(), Some("GBK-EUC-H"));
        assert_eq!(map.cid(0x41), Some(34));
        assert_eq!(map.cid(0x80), Some(500));
        assert_eq!(map.cid(0x10), None);
        assert!(map.vertical);
    }

    #[test]
    fn hostile_ranges_are_not_expanded() {
        let map = ToUnicode::parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert_eq!(map.get(0), Some(Mapped::Char('A')));
        assert_eq!(map.get(1), Some(Mapped::Char('B')));
    }
}
