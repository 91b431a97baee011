//! The one table of wide characters: East Asian ideographs, kana, hangul and full-width forms,
//! which take two terminal columns and a full em on a page. The renderer, the PDF reader
//! (glyph spacing), the space-aligned text dialect (display columns) and the HTML reader
//! (line breaks between wide characters) all ask it.

/// True for characters that take two columns (a full em): CJK ideographs, kana, hangul,
/// full-width forms.
pub fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x115F
        | 0x2E80..=0x303E
        | 0x3041..=0x33FF
        | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF
        | 0xAC00..=0xD7A3
        | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F
        | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6
        | 0x20000..=0x3FFFD)
}

/// True for hangul (jamo and syllables), the wide script that CSS does not join across line
/// breaks.
pub fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0xAC00..=0xD7A3)
}

/// The display width of a character: two for wide characters, one otherwise.
pub fn char_width(c: char) -> usize {
    if is_wide(c) { 2 } else { 1 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ideographs_and_full_width_forms_are_wide() {
        for c in ['绩', 'あ', '한', '（', '１'] {
            assert!(is_wide(c), "{c}");
        }
        for c in ['a', '1', ' ', '-'] {
            assert!(!is_wide(c), "{c}");
        }
        assert_eq!("绩效a".chars().map(char_width).sum::<usize>(), 5);
        assert!(is_hangul('한') && !is_hangul('绩'));
    }
}
