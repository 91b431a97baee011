//! Single-byte encodings of simple fonts and glyph names.
//!
//! A simple font (Type1, TrueType, Type3) names a base encoding (`StandardEncoding`,
//! `WinAnsiEncoding`, `MacRomanEncoding`) and may change single codes with `/Differences`,
//! which give glyph names. Glyph names become text through a subset of the Adobe Glyph List
//! (the names real documents use) plus the `uniXXXX` and `uXXXX[XX]` conventions; a name that
//! says nothing about its character (`g123`, `cid456`) gives no text, never a guess.

use crate::bytes::find;
use encoding_rs::{MACINTOSH, WINDOWS_1252};

/// A base encoding of a simple font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseEncoding {
    Standard,
    WinAnsi,
    MacRoman,
    /// The Symbol font's built-in encoding.
    Symbol,
    /// Wingdings and Wingdings 2, as far as check boxes go.
    Wingdings,
    Wingdings2,
}

impl BaseEncoding {
    /// The encoding a `/BaseEncoding` or `/Encoding` name stands for.
    pub(crate) fn from_name(name: &[u8]) -> Option<BaseEncoding> {
        match name {
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" | b"MacExpertEncoding" => Some(BaseEncoding::MacRoman),
            _ => None,
        }
    }

    /// The character of `code` in this encoding.
    pub(crate) fn char(self, code: u8) -> Option<char> {
        match self {
            BaseEncoding::Standard => standard(code),
            BaseEncoding::WinAnsi => single_byte(WINDOWS_1252, code),
            BaseEncoding::MacRoman => single_byte(MACINTOSH, code),
            BaseEncoding::Symbol => symbol(code),
            BaseEncoding::Wingdings => wingdings(code),
            BaseEncoding::Wingdings2 => wingdings2(code),
        }
    }
}

fn single_byte(encoding: &'static encoding_rs::Encoding, code: u8) -> Option<char> {
    if code < 0x20 {
        return None;
    }
    let bytes = [code];
    let (text, _) = encoding.decode_without_bom_handling(&bytes);
    let c = text.chars().next()?;
    (c != '\u{FFFD}' && !c.is_control()).then_some(c)
}

fn standard(code: u8) -> Option<char> {
    let c = match code {
        0x27 => '\u{2019}',
        0x60 => '\u{2018}',
        0x20..=0x7e => char::from(code),
        0xa1 => '¡',
        0xa2 => '¢',
        0xa3 => '£',
        0xa4 => '\u{2044}',
        0xa5 => '¥',
        0xa6 => 'ƒ',
        0xa7 => '§',
        0xa8 => '¤',
        0xa9 => '\'',
        0xaa => '\u{201C}',
        0xab => '«',
        0xac => '\u{2039}',
        0xad => '\u{203A}',
        0xae => '\u{FB01}',
        0xaf => '\u{FB02}',
        0xb1 => '\u{2013}',
        0xb2 => '\u{2020}',
        0xb3 => '\u{2021}',
        0xb4 => '·',
        0xb6 => '¶',
        0xb7 => '\u{2022}',
        0xb8 => '\u{201A}',
        0xb9 => '\u{201E}',
        0xba => '\u{201D}',
        0xbb => '»',
        0xbc => '\u{2026}',
        0xbd => '\u{2030}',
        0xbf => '¿',
        0xc1 => '`',
        0xc2 => '´',
        0xc3 => 'ˆ',
        0xc4 => '˜',
        0xc5 => '¯',
        0xc6 => '˘',
        0xc7 => '˙',
        0xc8 => '¨',
        0xca => '˚',
        0xcb => '¸',
        0xcd => '˝',
        0xce => '˛',
        0xcf => 'ˇ',
        0xd0 => '\u{2014}',
        0xe1 => 'Æ',
        0xe3 => 'ª',
        0xe8 => 'Ł',
        0xe9 => 'Ø',
        0xea => 'Œ',
        0xeb => 'º',
        0xf1 => 'æ',
        0xf5 => 'ı',
        0xf8 => 'ł',
        0xf9 => 'ø',
        0xfa => 'œ',
        0xfb => 'ß',
        _ => return None,
    };
    Some(c)
}

/// The Symbol font's encoding: Greek letters and the mathematical signs that old documents
/// typed with it (`≥`, `≤`, `±`, `×`).
fn symbol(code: u8) -> Option<char> {
    const GREEK_UPPER: &str = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
    const GREEK_LOWER: &str = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
    let c = match code {
        0x22 => '∀',
        0x24 => '∃',
        0x27 => '∋',
        0x2a => '∗',
        0x2d => '−',
        0x40 => '≅',
        0x41..=0x5a => GREEK_UPPER.chars().nth(usize::from(code - 0x41))?,
        0x5c => '∴',
        0x5e => '⊥',
        0x60 => '‾',
        0x61..=0x7a => GREEK_LOWER.chars().nth(usize::from(code - 0x61))?,
        0x7e => '∼',
        0x20..=0x7d => char::from(code),
        0xa1 => 'ϒ',
        0xa2 => '′',
        0xa3 => '≤',
        0xa4 => '⁄',
        0xa5 => '∞',
        0xa6 => 'ƒ',
        0xa7 => '♣',
        0xa8 => '♦',
        0xa9 => '♥',
        0xaa => '♠',
        0xab => '↔',
        0xac => '←',
        0xad => '↑',
        0xae => '→',
        0xaf => '↓',
        0xb0 => '°',
        0xb1 => '±',
        0xb2 => '″',
        0xb3 => '≥',
        0xb4 => '×',
        0xb5 => '∝',
        0xb6 => '∂',
        0xb7 => '•',
        0xb8 => '÷',
        0xb9 => '≠',
        0xba => '≡',
        0xbb => '≈',
        0xbc => '…',
        0xd7 => '⋅',
        0xd8 => '¬',
        0xd9 => '∧',
        0xda => '∨',
        _ => return None,
    };
    Some(c)
}

/// Wingdings check boxes, as Word writes them: a ticked or crossed box is `☑`, an empty box
/// `☐` (the grid model's two check box characters).
fn wingdings(code: u8) -> Option<char> {
    match code {
        0xfe | 0xfd => Some(jixiao_grid::CHECKED),
        0xa8 | 0x6f | 0x71 => Some(jixiao_grid::UNCHECKED),
        0xfc => Some('✓'),
        0xfb => Some('✗'),
        _ => None,
    }
}

fn wingdings2(code: u8) -> Option<char> {
    match code {
        0x51..=0x54 => Some(jixiao_grid::CHECKED),
        0xa3 | 0x2a => Some(jixiao_grid::UNCHECKED),
        0x50 => Some('✓'),
        0x4f => Some('✗'),
        _ => None,
    }
}

/// The text a glyph name stands for, or `None` when the name does not say.
pub(crate) fn glyph_name_char(name: &[u8]) -> Option<char> {
    // `a.sc`, `one.oldstyle`: the part before the first period names the character.
    let base = match name.iter().position(|&b| b == b'.') {
        Some(0) => return None,
        Some(index) => &name[..index],
        None => name,
    };
    if let [single] = base
        && single.is_ascii_alphabetic()
    {
        return Some(char::from(*single));
    }
    if let Some(hex) = base.strip_prefix(b"uni")
        && hex.len() >= 4
    {
        return hex_char(&hex[..4]);
    }
    if let Some(hex) = base.strip_prefix(b"u")
        && (4..=6).contains(&hex.len())
    {
        return hex_char(hex);
    }
    let c = match base {
        b"space" | b"nbspace" | b"nonbreakingspace" => ' ',
        b"exclam" => '!',
        b"quotedbl" => '"',
        b"numbersign" => '#',
        b"dollar" => '$',
        b"percent" => '%',
        b"ampersand" => '&',
        b"quotesingle" => '\'',
        b"parenleft" => '(',
        b"parenright" => ')',
        b"asterisk" => '*',
        b"plus" => '+',
        b"comma" => ',',
        b"hyphen" | b"sfthyphen" => '-',
        b"period" => '.',
        b"slash" => '/',
        b"zero" => '0',
        b"one" => '1',
        b"two" => '2',
        b"three" => '3',
        b"four" => '4',
        b"five" => '5',
        b"six" => '6',
        b"seven" => '7',
        b"eight" => '8',
        b"nine" => '9',
        b"colon" => ':',
        b"semicolon" => ';',
        b"less" => '<',
        b"equal" => '=',
        b"greater" => '>',
        b"question" => '?',
        b"at" => '@',
        b"bracketleft" => '[',
        b"backslash" => '\\',
        b"bracketright" => ']',
        b"asciicircum" => '^',
        b"underscore" => '_',
        b"grave" => '`',
        b"braceleft" => '{',
        b"bar" => '|',
        b"braceright" => '}',
        b"asciitilde" => '~',
        b"quoteleft" => '\u{2018}',
        b"quoteright" => '\u{2019}',
        b"quotedblleft" => '\u{201C}',
        b"quotedblright" => '\u{201D}',
        b"quotesinglbase" => '\u{201A}',
        b"quotedblbase" => '\u{201E}',
        b"endash" => '\u{2013}',
        b"emdash" => '\u{2014}',
        b"bullet" => '\u{2022}',
        b"ellipsis" => '\u{2026}',
        b"periodcentered" | b"middot" => '·',
        b"dagger" => '\u{2020}',
        b"daggerdbl" => '\u{2021}',
        b"perthousand" => '\u{2030}',
        b"trademark" => '\u{2122}',
        b"copyright" => '©',
        b"registered" => '®',
        b"degree" => '°',
        b"plusminus" => '±',
        b"multiply" => '×',
        b"divide" => '÷',
        b"minus" => '−',
        b"lessequal" => '≤',
        b"greaterequal" => '≥',
        b"notequal" => '≠',
        b"approxequal" => '≈',
        b"infinity" => '∞',
        b"section" => '§',
        b"paragraph" => '¶',
        b"cent" => '¢',
        b"sterling" => '£',
        b"yen" => '¥',
        b"Euro" | b"euro" => '€',
        b"currency" => '¤',
        b"florin" => 'ƒ',
        b"fraction" => '\u{2044}',
        b"exclamdown" => '¡',
        b"questiondown" => '¿',
        b"guillemotleft" => '«',
        b"guillemotright" => '»',
        b"guilsinglleft" => '\u{2039}',
        b"guilsinglright" => '\u{203A}',
        b"brokenbar" => '¦',
        b"dieresis" => '¨',
        b"macron" => '¯',
        b"acute" => '´',
        b"cedilla" => '¸',
        b"circumflex" => 'ˆ',
        b"tilde" => '˜',
        b"ring" => '˚',
        b"caron" => 'ˇ',
        b"ordfeminine" => 'ª',
        b"ordmasculine" => 'º',
        b"logicalnot" => '¬',
        b"mu" => 'µ',
        b"onehalf" => '½',
        b"onequarter" => '¼',
        b"threequarters" => '¾',
        b"onesuperior" => '¹',
        b"twosuperior" => '²',
        b"threesuperior" => '³',
        b"fi" => '\u{FB01}',
        b"fl" => '\u{FB02}',
        b"ff" => '\u{FB00}',
        b"ffi" => '\u{FB03}',
        b"ffl" => '\u{FB04}',
        b"germandbls" => 'ß',
        b"dotlessi" => 'ı',
        b"AE" => 'Æ',
        b"ae" => 'æ',
        b"OE" => 'Œ',
        b"oe" => 'œ',
        b"Oslash" => 'Ø',
        b"oslash" => 'ø',
        b"Lslash" => 'Ł',
        b"lslash" => 'ł',
        b"Eth" => 'Ð',
        b"eth" => 'ð',
        b"Thorn" => 'Þ',
        b"thorn" => 'þ',
        _ => return accented(base),
    };
    Some(c)
}

/// `Aacute`, `odieresis` and the like: a base letter and a diacritic name.
fn accented(name: &[u8]) -> Option<char> {
    let (&letter, mark) = name.split_first()?;
    if !letter.is_ascii_alphabetic() {
        return None;
    }
    let combining = match mark {
        b"grave" => '\u{300}',
        b"acute" => '\u{301}',
        b"circumflex" => '\u{302}',
        b"tilde" => '\u{303}',
        b"macron" => '\u{304}',
        b"breve" => '\u{306}',
        b"dotaccent" => '\u{307}',
        b"dieresis" => '\u{308}',
        b"ring" => '\u{30A}',
        b"hungarumlaut" => '\u{30B}',
        b"caron" => '\u{30C}',
        b"cedilla" => '\u{327}',
        b"ogonek" => '\u{328}',
        _ => return None,
    };
    use unicode_normalization::UnicodeNormalization;
    let composed: String = [char::from(letter), combining].into_iter().nfc().collect();
    let mut chars = composed.chars();
    let c = chars.next()?;
    chars.next().is_none().then_some(c)
}

fn hex_char(hex: &[u8]) -> Option<char> {
    let text = std::str::from_utf8(hex).ok()?;
    let value = u32::from_str_radix(text, 16).ok()?;
    char::from_u32(value).filter(|c| !c.is_control())
}

/// Parses the built-in encoding of an embedded Type1 font program (`dup 65 /A put` lines in
/// its clear-text part). Returns the glyph names by code.
pub(crate) fn type1_builtin_encoding(program: &[u8]) -> Vec<(u8, Vec<u8>)> {
    // The clear-text part ends where `eexec` starts the encrypted part.
    let end = find(program, b"eexec").unwrap_or(program.len().min(64 * 1024));
    let clear = &program[..end];
    let Some(start) = find(clear, b"/Encoding") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut lexer = super::lexer::Lexer::new(&clear[start..]);
    let mut window: [Option<super::lexer::Token<'_>>; 3] = [None, None, None];
    while let Some(token) = lexer.next_token() {
        if token == super::lexer::Token::Operator(b"put") {
            if let [
                Some(super::lexer::Token::Operator(b"dup")),
                Some(super::lexer::Token::Number(code)),
                Some(super::lexer::Token::Name(name)),
            ] = &window
                && (0.0..=255.0).contains(code)
            {
                out.push((*code as u8, name.to_vec()));
            }
        } else if matches!(token, super::lexer::Token::Operator(b"readonly" | b"def"))
            && !out.is_empty()
        {
            break;
        }
        window.rotate_left(1);
        window[2] = Some(token);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_encodings() {
        assert_eq!(BaseEncoding::WinAnsi.char(0x80), Some('€'));
        assert_eq!(BaseEncoding::WinAnsi.char(b'A'), Some('A'));
        assert_eq!(BaseEncoding::MacRoman.char(0xd2), Some('\u{201C}'));
        assert_eq!(BaseEncoding::Standard.char(0x27), Some('\u{2019}'));
        assert_eq!(BaseEncoding::Symbol.char(0xb3), Some('≥'));
        assert_eq!(BaseEncoding::Symbol.char(0x61), Some('α'));
        assert_eq!(BaseEncoding::Wingdings.char(0xfe), Some('☑'));
        assert_eq!(BaseEncoding::Wingdings2.char(0xa3), Some('☐'));
        assert_eq!(BaseEncoding::WinAnsi.char(0x05), None);
    }

    #[test]
    fn glyph_names() {
        assert_eq!(glyph_name_char(b"A"), Some('A'));
        assert_eq!(glyph_name_char(b"uni4EA7"), Some('产'));
        assert_eq!(glyph_name_char(b"u1F600"), Some('😀'));
        assert_eq!(glyph_name_char(b"one.oldstyle"), Some('1'));
        assert_eq!(glyph_name_char(b"greaterequal"), Some('≥'));
        assert_eq!(glyph_name_char(b"eacute"), Some('é'));
        assert_eq!(glyph_name_char(b"g123"), None);
        assert_eq!(glyph_name_char(b"cid00456"), None);
        assert_eq!(glyph_name_char(b".notdef"), None);
    }

    #[test]
    fn type1_encoding_from_the_clear_text_part() {
        let program = b"%!PS-AdobeFont-1.0\n/Encoding 256 array\n0 1 255 {1 index exch /.notdef put} for\ndup 65 /B put\ndup 66 /uni4EA7 put\nreadonly def\ncurrentfile eexec \x80\x81";
        let encoding = type1_builtin_encoding(program);
        assert_eq!(
            encoding,
            vec![(65, b"B".to_vec()), (66, b"uni4EA7".to_vec())]
        );
    }
}
