//! Fonts: how the bytes of a shown string split into codes, what text each code stands for,
//! and how far each glyph advances.
//!
//! Text comes from, in order of trust:
//! 1. the font's `/ToUnicode` CMap, which always wins where it maps a code;
//! 2. for simple fonts, the encoding (`/Encoding`, `/Differences`, the font program's built-in
//!    encoding) and glyph names;
//! 3. for Type0 fonts, a predefined CJK CMap whose codes are themselves text
//!    (`UniGB-UCS2-H` = UCS-2, `UniGB-UTF16-H` = UTF-16BE, `GBK-EUC-H` and relatives = GBK or
//!    GB18030 bytes, decoded with encoding_rs);
//! 4. for `Identity-H` Type0 fonts, the embedded TrueType `cmap` read backwards.
//!
//! A code none of these maps is *unmapped*: it still advances the pen, but gives no text,
//! because a guess would put garbage into the output.

use std::collections::HashMap;

use encoding_rs::{BIG5, EUC_JP, EUC_KR, Encoding, GB18030, SHIFT_JIS};
use lopdf::{Dictionary, Object};

use super::cmap::{CidCMap, CodeSpaces, Mapped, ToUnicode, code_value};
use super::encoding::{BaseEncoding, glyph_name_char, type1_builtin_encoding};
use super::objects::Objects;
use super::truetype;

/// One code of a shown string, decoded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Code {
    /// The text of the glyph, `None` when unmapped.
    pub text: Option<Mapped>,
    /// Horizontal advance in thousandths of an em (vertical fonts: the vertical advance).
    pub width: f64,
    /// True for the single-byte code 32, to which word spacing (`Tw`) applies.
    pub word_space: bool,
}

/// How a predefined CMap's codes become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Predefined {
    /// `Identity-H/V`: two-byte codes that are CIDs, not text.
    Identity,
    Ucs2,
    Utf16,
    Utf32,
    Utf8,
    /// `GBK-EUC`, `GBKp-EUC`, `GBpc-EUC`: GBK bytes.
    Gbk,
    /// `GBK2K`: GB18030 bytes, with four-byte codes.
    Gb18030,
    /// `GB-EUC`: EUC-CN bytes.
    GbEuc,
    Big5,
    ShiftJis,
    EucJp,
    EucKr,
}

impl Predefined {
    /// The predefined CMap a name stands for, and whether it is vertical.
    fn from_name(name: &str) -> Option<(Predefined, bool)> {
        let vertical = name.ends_with("-V");
        let kind = if name.starts_with("Identity-") {
            Predefined::Identity
        } else if name.starts_with("Uni") {
            if name.contains("-UCS2") {
                Predefined::Ucs2
            } else if name.contains("-UTF16") {
                Predefined::Utf16
            } else if name.contains("-UTF32") {
                Predefined::Utf32
            } else if name.contains("-UTF8") {
                Predefined::Utf8
            } else {
                return None;
            }
        } else if name.starts_with("GBK2K") {
            Predefined::Gb18030
        } else if name.starts_with("GBK") || name.starts_with("GBpc-EUC") {
            Predefined::Gbk
        } else if name.starts_with("GB-EUC") || name.starts_with("GBT-EUC") {
            Predefined::GbEuc
        } else if name.contains("B5") {
            Predefined::Big5
        } else if name.contains("RKSJ") {
            Predefined::ShiftJis
        } else if name.starts_with("EUC-") {
            Predefined::EucJp
        } else if name.starts_with("KSC") {
            Predefined::EucKr
        } else {
            return None;
        };
        Some((kind, vertical))
    }

    /// Length of the code that starts `data`.
    fn code_length(self, data: &[u8]) -> usize {
        let first = data.first().copied().unwrap_or(0);
        let second = data.get(1).copied().unwrap_or(0);
        let length = match self {
            Predefined::Identity | Predefined::Ucs2 => 2,
            Predefined::Utf16 => {
                if (0xd8..=0xdb).contains(&first) {
                    4
                } else {
                    2
                }
            }
            Predefined::Utf32 => 4,
            Predefined::Utf8 => match first {
                0xf0..=0xf7 => 4,
                0xe0..=0xef => 3,
                0xc0..=0xdf => 2,
                _ => 1,
            },
            Predefined::Gbk | Predefined::Big5 | Predefined::EucKr => {
                if first <= 0x80 {
                    1
                } else {
                    2
                }
            }
            Predefined::Gb18030 => {
                if first <= 0x80 {
                    1
                } else if (0x30..=0x39).contains(&second) {
                    4
                } else {
                    2
                }
            }
            Predefined::GbEuc => {
                if first < 0xa1 {
                    1
                } else {
                    2
                }
            }
            Predefined::ShiftJis => match first {
                0x81..=0x9f | 0xe0..=0xfc => 2,
                _ => 1,
            },
            Predefined::EucJp => match first {
                0x8f => 3,
                0x8e | 0xa1..=0xfe => 2,
                _ => 1,
            },
        };
        length.clamp(1, data.len().max(1))
    }

    /// The text of one code.
    fn text(self, code: &[u8]) -> Option<Mapped> {
        let encoding: &'static Encoding = match self {
            Predefined::Identity => return None,
            Predefined::Ucs2 | Predefined::Utf16 => {
                let units: Vec<u16> = code
                    .chunks_exact(2)
                    .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                    .collect();
                let text: String = char::decode_utf16(units).collect::<Result<_, _>>().ok()?;
                return single(text);
            }
            Predefined::Utf32 => {
                return char::from_u32(code_value(code)).map(Mapped::Char);
            }
            Predefined::Utf8 => return single(std::str::from_utf8(code).ok()?.to_string()),
            Predefined::Gbk | Predefined::Gb18030 | Predefined::GbEuc => GB18030,
            Predefined::Big5 => BIG5,
            Predefined::ShiftJis => SHIFT_JIS,
            Predefined::EucJp => EUC_JP,
            Predefined::EucKr => EUC_KR,
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(code);
        if had_errors {
            return None;
        }
        single(text.into_owned())
    }
}

fn single(text: String) -> Option<Mapped> {
    let mut chars = text.chars();
    let first = chars.next()?;
    if first == '\0' || first == '\u{FFFD}' {
        return None;
    }
    if chars.next().is_none() {
        Some(Mapped::Char(first))
    } else {
        Some(Mapped::Text(text.into()))
    }
}

/// How a composite font's string bytes split into codes.
#[derive(Debug, Clone)]
enum Splitter {
    Predefined(Predefined),
    Spaces(CodeSpaces),
}

/// CID widths from `/W`, as sorted `(first, last, width)` ranges.
#[derive(Debug, Clone, Default)]
struct CidWidths {
    ranges: Vec<(u32, u32, f64)>,
    default: f64,
}

impl CidWidths {
    fn get(&self, cid: u32) -> Option<f64> {
        let end = self.ranges.partition_point(|range| range.0 <= cid);
        self.ranges[..end]
            .iter()
            .rev()
            .take(4)
            .find(|range| cid <= range.1)
            .map(|range| range.2)
    }
}

#[derive(Debug, Clone)]
enum Kind {
    Simple {
        /// Text by code from the encoding (ToUnicode is looked up first).
        chars: Box<[Option<char>]>,
        /// Advance by code, in thousandths of an em.
        widths: Box<[f64]>,
    },
    Composite(Box<Composite>),
}

/// What a Type0 font needs to decode its strings.
#[derive(Debug, Clone)]
struct Composite {
    splitter: Splitter,
    /// Code → CID from an embedded CMap; `None` for predefined CMaps.
    cid_map: Option<CidCMap>,
    /// Whether codes are CIDs (Identity).
    identity: bool,
    /// Text decoding of the predefined CMap (or of an embedded CMap's `usecmap` parent).
    predefined: Option<Predefined>,
    /// Glyph id → character from the embedded TrueType font, with the CID → glyph map.
    glyph_chars: HashMap<u16, char>,
    cid_to_gid: Option<Vec<u16>>,
    widths: CidWidths,
}

/// A font ready to decode strings.
#[derive(Debug, Clone)]
pub(crate) struct Font {
    kind: Kind,
    to_unicode: Option<ToUnicode>,
    /// True for vertical writing (`-V` CMaps): glyphs advance downwards.
    pub vertical: bool,
    /// The PostScript name without its subset prefix, for messages.
    pub name: String,
}

impl Font {
    /// A font that maps nothing and advances half an em per byte, for a `Tf` that names a
    /// font the page does not have.
    pub(crate) fn missing() -> Font {
        Font {
            kind: Kind::Simple {
                chars: vec![None; 256].into_boxed_slice(),
                widths: vec![500.0; 256].into_boxed_slice(),
            },
            to_unicode: None,
            vertical: false,
            name: "(missing)".to_string(),
        }
    }

    /// Reads a font dictionary.
    pub(crate) fn load(objects: &Objects<'_>, dict: &Dictionary) -> Font {
        let subtype = objects.get_name(dict, b"Subtype").unwrap_or(b"");
        let name = objects
            .get_name(dict, b"BaseFont")
            .map(|name| {
                let name = String::from_utf8_lossy(name).into_owned();
                match name.split_once('+') {
                    Some((prefix, rest)) if prefix.len() == 6 => rest.to_string(),
                    _ => name,
                }
            })
            .unwrap_or_default();
        let to_unicode = objects
            .get(dict, b"ToUnicode")
            .and_then(|object| objects.stream_data(object).ok())
            .map(|data| ToUnicode::parse(&data))
            .filter(|map| !map.is_empty());
        if subtype == b"Type0" {
            load_composite(objects, dict, name, to_unicode)
        } else {
            load_simple(objects, dict, subtype, name, to_unicode)
        }
    }

    /// Decodes a shown string, calling `each` once per code in order.
    pub(crate) fn decode(&self, bytes: &[u8], mut each: impl FnMut(Code)) {
        match &self.kind {
            Kind::Simple { chars, widths } => {
                for &byte in bytes {
                    let code = usize::from(byte);
                    let text = self
                        .to_unicode
                        .as_ref()
                        .and_then(|map| map.get(u32::from(byte)))
                        .or_else(|| chars.get(code).copied().flatten().map(Mapped::Char));
                    each(Code {
                        text,
                        width: widths.get(code).copied().unwrap_or(0.0),
                        word_space: byte == b' ',
                    });
                }
            }
            Kind::Composite(composite) => {
                let Composite {
                    splitter,
                    cid_map,
                    identity,
                    predefined,
                    glyph_chars,
                    cid_to_gid,
                    widths,
                } = composite.as_ref();
                let mut rest = bytes;
                while !rest.is_empty() {
                    let length = match splitter {
                        Splitter::Predefined(predefined) => predefined.code_length(rest),
                        Splitter::Spaces(spaces) => spaces.code_length(rest),
                    }
                    .min(rest.len());
                    let (code_bytes, tail) = rest.split_at(length);
                    rest = tail;
                    let code = code_value(code_bytes);
                    let cid = match cid_map {
                        Some(map) => map.cid(code),
                        None if *identity => Some(code),
                        None => None,
                    };
                    let text = self
                        .to_unicode
                        .as_ref()
                        .and_then(|map| map.get(code))
                        .or_else(|| predefined.and_then(|p| p.text(code_bytes)))
                        .or_else(|| {
                            let cid = cid?;
                            let glyph = match cid_to_gid {
                                Some(table) => *table.get(cid as usize)?,
                                None => u16::try_from(cid).ok()?,
                            };
                            glyph_chars.get(&glyph).copied().map(Mapped::Char)
                        });
                    let width = match cid {
                        Some(cid) => widths.get(cid).unwrap_or(widths.default),
                        None => approximate_width(widths, text.as_ref(), *predefined),
                    };
                    each(Code {
                        text,
                        width,
                        word_space: length == 1 && code == 32,
                    });
                }
            }
        }
    }
}

/// The width of a code of a predefined CJK CMap whose CID is not known (the CMap tables are
/// not shipped): an ASCII character takes the width of its CID in Adobe-GB1 (proportional
/// Latin at CIDs 1–95 for Unicode CMaps, half-width Latin at 814–907 for the EUC CMaps), when
/// the font lists one; everything else takes the default width.
fn approximate_width(
    widths: &CidWidths,
    text: Option<&Mapped>,
    predefined: Option<Predefined>,
) -> f64 {
    let Some(Mapped::Char(c)) = text else {
        return widths.default;
    };
    let c = *c as u32;
    if !(0x20..=0x7e).contains(&c) {
        return widths.default;
    }
    let unicode_cid = c - 0x1f;
    let euc_cid = if c == 0x20 { 7716 } else { c - 0x21 + 814 };
    let candidates = match predefined {
        Some(Predefined::Ucs2 | Predefined::Utf16 | Predefined::Utf32 | Predefined::Utf8) => {
            [unicode_cid, euc_cid]
        }
        _ => [euc_cid, unicode_cid],
    };
    candidates
        .iter()
        .find_map(|&cid| widths.get(cid))
        .unwrap_or(widths.default)
}

fn load_simple(
    objects: &Objects<'_>,
    dict: &Dictionary,
    subtype: &[u8],
    name: String,
    to_unicode: Option<ToUnicode>,
) -> Font {
    let descriptor = objects.get_dict(dict, b"FontDescriptor");
    let flags = descriptor
        .and_then(|d| objects.get_number(d, b"Flags"))
        .unwrap_or(0.0) as u32;
    let symbolic = flags & 4 != 0;
    let lower = name.to_ascii_lowercase();

    // The base encoding: named, else what the font type implies.
    let encoding_object = objects.get(dict, b"Encoding");
    let named = match encoding_object {
        Some(Object::Name(encoding)) => BaseEncoding::from_name(encoding),
        Some(Object::Dictionary(encoding)) => objects
            .get_name(encoding, b"BaseEncoding")
            .and_then(BaseEncoding::from_name),
        _ => None,
    };
    let implied = if lower.contains("wingdings2") || lower.contains("wingdings 2") {
        Some(BaseEncoding::Wingdings2)
    } else if lower.contains("wingdings") {
        Some(BaseEncoding::Wingdings)
    } else if lower.starts_with("symbol") {
        Some(BaseEncoding::Symbol)
    } else {
        None
    };
    let base = implied.or(named).unwrap_or(if subtype == b"TrueType" {
        BaseEncoding::WinAnsi
    } else {
        BaseEncoding::Standard
    });
    let mut chars: Vec<Option<char>> = (0..=255u8).map(|code| base.char(code)).collect();

    // An embedded Type1 program's own encoding counts when the dictionary names none.
    if named.is_none()
        && implied.is_none()
        && to_unicode.is_none()
        && let Some(program) = descriptor
            .and_then(|d| objects.get(d, b"FontFile"))
            .and_then(|file| objects.stream_data(file).ok())
    {
        let builtin = type1_builtin_encoding(&program);
        if !builtin.is_empty() {
            chars = vec![None; 256];
            for (code, glyph) in builtin {
                chars[usize::from(code)] = glyph_name_char(&glyph);
            }
        }
    } else if symbolic && named.is_none() && implied.is_none() && subtype == b"TrueType" {
        // A symbolic TrueType font without an encoding uses its own cmap; its codes are
        // not WinAnsi text.
        chars = vec![None; 256];
    }

    // `/Differences [code /name /name code /name …]`.
    if let Some(Object::Dictionary(encoding)) = encoding_object
        && let Some(differences) = objects.get_array(encoding, b"Differences")
    {
        let mut code: usize = 0;
        for item in differences {
            match objects.resolve(item) {
                Object::Integer(value) => code = (*value).clamp(0, 256) as usize,
                Object::Real(value) => code = value.clamp(0.0, 256.0) as usize,
                Object::Name(glyph) => {
                    if let Some(slot) = chars.get_mut(code) {
                        *slot = glyph_name_char(glyph);
                    }
                    code = code.saturating_add(1);
                }
                _ => {}
            }
        }
    }

    // Widths: `/Widths` from `/FirstChar`, else the standard 14 metrics.
    let missing = descriptor
        .and_then(|d| objects.get_number(d, b"MissingWidth"))
        .unwrap_or(0.0);
    let mut widths = vec![missing; 256];
    // Type3 glyph widths are in glyph space; the font matrix scales them to text space.
    let scale = if subtype == b"Type3" {
        objects
            .get(dict, b"FontMatrix")
            .and_then(|m| objects.numbers(m))
            .and_then(|m| m.first().copied())
            .map(|a| a * 1000.0)
            .filter(|a| a.is_finite() && *a != 0.0)
            .unwrap_or(1.0)
    } else {
        1.0
    };
    match objects
        .get(dict, b"Widths")
        .and_then(|w| objects.numbers(w))
    {
        Some(list) => {
            let first = objects.get_number(dict, b"FirstChar").unwrap_or(0.0);
            let first = first.clamp(0.0, 255.0) as usize;
            for (index, width) in list.into_iter().enumerate() {
                if let Some(slot) = widths.get_mut(first + index) {
                    *slot = width * scale;
                }
            }
        }
        None => {
            for (code, slot) in widths.iter_mut().enumerate() {
                let c = chars[code];
                *slot = standard_width(&lower, c).unwrap_or(if missing > 0.0 {
                    missing
                } else {
                    500.0
                });
            }
        }
    }

    Font {
        kind: Kind::Simple {
            chars: chars.into_boxed_slice(),
            widths: widths.into_boxed_slice(),
        },
        to_unicode,
        vertical: false,
        name,
    }
}

fn load_composite(
    objects: &Objects<'_>,
    dict: &Dictionary,
    name: String,
    to_unicode: Option<ToUnicode>,
) -> Font {
    let mut vertical = false;
    let mut predefined = None;
    let mut cid_map = None;
    let mut splitter = Splitter::Predefined(Predefined::Identity);
    let mut identity = false;
    match objects.get(dict, b"Encoding") {
        Some(Object::Name(encoding)) => {
            let encoding = String::from_utf8_lossy(encoding);
            match Predefined::from_name(&encoding) {
                Some((kind, is_vertical)) => {
                    vertical = is_vertical;
                    splitter = Splitter::Predefined(kind);
                    identity = kind == Predefined::Identity;
                    predefined = (kind != Predefined::Identity).then_some(kind);
                }
                None => {
                    // An unknown predefined CMap: split as the ToUnicode CMap does.
                    splitter = spaces_of(to_unicode.as_ref());
                }
            }
        }
        Some(object @ Object::Stream(_)) => {
            let map = objects
                .stream_data(object)
                .map(|data| CidCMap::parse(&data))
                .unwrap_or_default();
            vertical = map.vertical;
            let parent = map
                .parent
                .as_deref()
                .and_then(Predefined::from_name)
                .map(|(kind, _)| kind);
            predefined = parent.filter(|&kind| kind != Predefined::Identity);
            splitter = if !map.spaces.is_empty() {
                Splitter::Spaces(map.spaces.clone())
            } else if let Some(parent) = parent {
                Splitter::Predefined(parent)
            } else {
                spaces_of(to_unicode.as_ref())
            };
            identity = parent == Some(Predefined::Identity) && !map.has_mappings();
            if map.has_mappings() {
                cid_map = Some(map);
            }
        }
        _ => {
            // No usable encoding: Identity is what producers mean most often.
            identity = true;
        }
    }

    let descendant = objects
        .get_array(dict, b"DescendantFonts")
        .and_then(|fonts| fonts.first())
        .and_then(|font| objects.dict(font));
    let mut widths = CidWidths {
        ranges: Vec::new(),
        default: 1000.0,
    };
    let mut glyph_chars = HashMap::new();
    let mut cid_to_gid = None;
    if let Some(descendant) = descendant {
        if let Some(default) = objects.get_number(descendant, b"DW") {
            widths.default = default;
        }
        if let Some(list) = objects.get_array(descendant, b"W") {
            widths.ranges = parse_w(objects, list);
        }
        if vertical {
            // Vertical fonts advance by the vertical metrics (`/DW2`, default −1000); the
            // `/W2` table is rarely needed for table text.
            widths.ranges.clear();
            widths.default = objects
                .get(descendant, b"DW2")
                .and_then(|v| objects.numbers(v))
                .and_then(|v| v.get(1).copied())
                .map(f64::abs)
                .unwrap_or(1000.0);
        }
        // The embedded TrueType cmap can name the glyphs when nothing else does.
        let needs_glyph_names = to_unicode.is_none() && predefined.is_none();
        if needs_glyph_names
            && let Some(program) = objects
                .get_dict(descendant, b"FontDescriptor")
                .and_then(|d| {
                    objects
                        .get(d, b"FontFile2")
                        .or_else(|| objects.get(d, b"FontFile3"))
                })
                .and_then(|file| objects.stream_data(file).ok())
        {
            glyph_chars = truetype::glyph_to_unicode(&program);
            if let Some(map) = objects.get(descendant, b"CIDToGIDMap")
                && matches!(map, Object::Stream(_))
                && let Ok(data) = objects.stream_data(map)
            {
                cid_to_gid = Some(
                    data.chunks_exact(2)
                        .take(1 << 20)
                        .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                        .collect(),
                );
            }
        }
    }
    Font {
        kind: Kind::Composite(Box::new(Composite {
            splitter,
            cid_map,
            identity,
            predefined,
            glyph_chars,
            cid_to_gid,
            widths,
        })),
        to_unicode,
        vertical,
        name,
    }
}

fn spaces_of(to_unicode: Option<&ToUnicode>) -> Splitter {
    match to_unicode {
        Some(map) if !map.spaces.is_empty() => Splitter::Spaces(map.spaces.clone()),
        Some(map) if map.max_code_bytes == 1 => Splitter::Predefined(Predefined::Utf8),
        _ => Splitter::Predefined(Predefined::Identity),
    }
}

/// Parses `/W`: `c [w1 w2 …]` gives consecutive CIDs from `c`; `c_first c_last w` gives one
/// width to a range.
fn parse_w(objects: &Objects<'_>, list: &[Object]) -> Vec<(u32, u32, f64)> {
    let mut out = Vec::new();
    let mut index = 0;
    while index < list.len() && out.len() < (1 << 20) {
        let Some(first) = objects.number(&list[index]) else {
            index += 1;
            continue;
        };
        let first = first.max(0.0) as u32;
        match list.get(index + 1).map(|item| objects.resolve(item)) {
            Some(Object::Array(items)) => {
                for (offset, item) in items.iter().enumerate() {
                    if let Some(width) = objects.number(item) {
                        let cid = first.saturating_add(offset as u32);
                        out.push((cid, cid, width));
                    }
                }
                index += 2;
            }
            Some(_) => {
                let last = list.get(index + 1).and_then(|o| objects.number(o));
                let width = list.get(index + 2).and_then(|o| objects.number(o));
                if let (Some(last), Some(width)) = (last, width) {
                    let last = last.max(0.0) as u32;
                    if last >= first {
                        out.push((first, last, width));
                    }
                }
                index += 3;
            }
            None => break,
        }
    }
    out.sort_by_key(|range| range.0);
    out
}

/// Widths of the standard 14 fonts for printable ASCII, for simple fonts that carry no
/// `/Widths` (Helvetica for sans fonts and by default, Times for serif ones, Courier fixed).
fn standard_width(font: &str, c: Option<char>) -> Option<f64> {
    const HELVETICA: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556,
        556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722,
        722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722,
        667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556, 556, 278, 556,
        556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500,
        500, 334, 260, 334, 584,
    ];
    const TIMES: [u16; 95] = [
        250, 333, 408, 500, 500, 833, 778, 180, 333, 333, 500, 564, 250, 333, 250, 278, 500, 500,
        500, 500, 500, 500, 500, 500, 500, 500, 278, 278, 564, 564, 564, 444, 921, 722, 667, 667,
        722, 611, 556, 722, 722, 333, 389, 722, 611, 889, 722, 722, 556, 722, 667, 556, 611, 722,
        722, 944, 722, 722, 611, 333, 278, 333, 469, 500, 333, 444, 500, 444, 500, 444, 333, 500,
        500, 278, 278, 500, 278, 778, 500, 500, 500, 500, 333, 389, 278, 500, 500, 722, 500, 500,
        444, 480, 200, 480, 541,
    ];
    if font.contains("courier") || font.contains("mono") {
        return Some(600.0);
    }
    let c = c? as u32;
    if !(0x20..=0x7e).contains(&c) {
        return None;
    }
    let index = (c - 0x20) as usize;
    let table = if font.contains("times") || font.contains("serif") && !font.contains("sans") {
        &TIMES
    } else {
        &HELVETICA
    };
    table.get(index).map(|&w| f64::from(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn predefined_names() {
        assert_eq!(
            Predefined::from_name("UniGB-UCS2-H"),
            Some((Predefined::Ucs2, false))
        );
        assert_eq!(
            Predefined::from_name("UniGB-UTF16-V"),
            Some((Predefined::Utf16, true))
        );
        assert_eq!(
            Predefined::from_name("GBK-EUC-H"),
            Some((Predefined::Gbk, false))
        );
        assert_eq!(
            Predefined::from_name("GBKp-EUC-H"),
            Some((Predefined::Gbk, false))
        );
        assert_eq!(
            Predefined::from_name("GBK2K-H"),
            Some((Predefined::Gb18030, false))
        );
        assert_eq!(
            Predefined::from_name("GB-EUC-V"),
            Some((Predefined::GbEuc, true))
        );
        assert_eq!(Predefined::from_name("Adobe-Foo"), None);
    }

    #[test]
    fn gbk_codes_split_one_or_two_bytes() {
        let data = "A产出1".to_string();
        let (bytes, _, _) = GB18030.encode(&data);
        let mut rest: &[u8] = &bytes;
        let mut texts = Vec::new();
        while !rest.is_empty() {
            let length = Predefined::Gbk.code_length(rest);
            texts.push(Predefined::Gbk.text(&rest[..length]));
            rest = &rest[length..];
        }
        assert_eq!(
            texts,
            vec![
                Some(Mapped::Char('A')),
                Some(Mapped::Char('产')),
                Some(Mapped::Char('出')),
                Some(Mapped::Char('1')),
            ]
        );
    }

    #[test]
    fn gb18030_four_byte_codes() {
        let (bytes, _, _) = GB18030.encode("€𠀀");
        let length = Predefined::Gb18030.code_length(&bytes);
        // `€` is one byte (0x80) in GB18030 as encoding_rs writes it, or two in GBK.
        assert!(length <= 2);
        let rest = &bytes[length..];
        assert_eq!(Predefined::Gb18030.code_length(rest), 4);
        assert_eq!(
            Predefined::Gb18030.text(&rest[..4]),
            Some(Mapped::Char('𠀀'))
        );
    }

    #[test]
    fn euc_and_big5_code_lengths() {
        assert_eq!(Predefined::GbEuc.code_length(b"A\xb2\xfa"), 1);
        assert_eq!(Predefined::GbEuc.code_length(b"\xb2\xfa"), 2);
        assert_eq!(
            Predefined::GbEuc.text(b"\xb2\xfa"),
            Some(Mapped::Char('产'))
        );
        let (big5, _, _) = BIG5.encode("產出");
        assert_eq!(Predefined::Big5.code_length(&big5), 2);
        assert_eq!(Predefined::Big5.text(&big5[..2]), Some(Mapped::Char('產')));
        assert_eq!(
            Predefined::from_name("ETen-B5-H"),
            Some((Predefined::Big5, false))
        );
    }

    #[test]
    fn utf16_surrogates() {
        let bytes = [0xd8, 0x40, 0xdc, 0x00, 0x4e, 0xa7];
        assert_eq!(Predefined::Utf16.code_length(&bytes), 4);
        assert_eq!(
            Predefined::Utf16.text(&bytes[..4]),
            Some(Mapped::Char('𠀀'))
        );
        assert_eq!(Predefined::Utf16.code_length(&bytes[4..]), 2);
    }

    #[test]
    fn missing_font_advances_and_maps_nothing() {
        let mut codes = Vec::new();
        Font::missing().decode(b"ab", |code| codes.push(code));
        assert_eq!(codes.len(), 2);
        assert!(
            codes
                .iter()
                .all(|code| code.text.is_none() && code.width == 500.0)
        );
    }
}
