//! Turning the bytes of a text file into one `&str` with `'\n'` line ends, and telling text from
//! binary data on the way.
//!
//! The order of the checks matters. A byte order mark decides first (UTF-8, UTF-16LE,
//! UTF-16BE), because UTF-16 text is full of NUL bytes and would otherwise look binary. Then
//! valid UTF-8 is taken as UTF-8 without copying, which is what nearly every file is. Then a
//! BOM-less UTF-16 file is recognised by its NUL bytes all falling on one parity. Last,
//! chardetng guesses a legacy encoding (with the `.cn` hint, so GBK wins over Big5 and
//! Shift_JIS on Chinese text); GBK is decoded as GB18030, its superset.
//!
//! Binary data is recognised after decoding, by the share of characters that no text holds:
//! C0 and C1 control characters and, when the decoder met malformed bytes, U+FFFD. More than one
//! in twenty means the file is not text. A few such characters in an otherwise good file are
//! removed and reported instead of failing the whole file.

use std::borrow::Cow;

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE};
use jixiao_grid::Diagnostic;

use crate::ReadError;

/// At most this many bytes are given to chardetng: its guess is settled long before, and the
/// whole file would cost time on large inputs for nothing.
const DETECTOR_SAMPLE: usize = 1 << 20;

/// A file whose bad characters are more than 1 in this many is binary data, not text.
const BINARY_RATIO: usize = 20;

/// Extensions of formats that are binary by nature: bytes that are not text, in a file named
/// so, are a corrupt or mislabelled file of that format rather than a text file.
const BINARY_EXTENSIONS: [&str; 5] = ["docx", "xlsx", "xls", "doc", "pdf"];

/// The decoded text of a file.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    /// The text, line ends normalised to `'\n'`, stray control characters removed.
    pub text: Cow<'a, str>,
    /// The encoding's name as written in `source.encoding`: `utf-8`, `utf-16le`, `gb18030`…
    pub encoding: String,
    /// Repairs made while decoding.
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes `bytes`, or says why they are not a text file.
pub(crate) fn decode<'a>(
    bytes: &'a [u8],
    extension: Option<&str>,
) -> Result<Decoded<'a>, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Unreadable(
            "the file is empty (0 bytes): there is nothing to read".to_string(),
        ));
    }
    let (text, encoding, malformed, repairs) = decode_bytes(bytes);

    let census = Census::of(&text, malformed);
    if census.is_binary() {
        return Err(binary_error(extension));
    }
    if !has_visible(&text) {
        return Err(ReadError::Unreadable(
            "the file holds only whitespace: there is no text to read".to_string(),
        ));
    }

    let mut diagnostics = repair_diagnostics(&repairs, &encoding);
    let normalised = if census.needs_normalising {
        Some(normalise(&text))
    } else {
        None
    };
    let text = match normalised {
        Some((normalised, removed)) => {
            if removed > 0 {
                diagnostics.push(Diagnostic::new(
                    "control_characters_removed",
                    format!(
                        "{removed} control characters that carry no text (such as NUL) were removed"
                    ),
                ));
            }
            Cow::Owned(normalised)
        }
        None => text,
    };
    Ok(Decoded {
        text,
        encoding,
        diagnostics,
    })
}

/// The `decode_repaired` diagnostics for what decoding repaired: bytes replaced (a loss: a
/// character is gone) and lines read in a second encoding.
pub(crate) fn repair_diagnostics(repairs: &Repairs, encoding: &str) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if repairs.replaced > 0 {
        diagnostics.push(Diagnostic::loss(
            "decode_repaired",
            format!(
                "{} byte sequence(s) are not valid {encoding} and were replaced by U+FFFD; \
                 the rest of the text was read",
                repairs.replaced
            ),
        ));
    }
    if let Some((other, lines)) = &repairs.mixed {
        diagnostics.push(Diagnostic::new(
            "decode_repaired",
            format!(
                "the file mixes encodings: {lines} line(s) are {other} and were read as such, \
                 the rest as {encoding}"
            ),
        ));
    }
    diagnostics
}

/// What decoding had to repair: bytes replaced by U+FFFD, and lines read in another
/// encoding than the file's main one.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Repairs {
    /// Bytes (or byte sequences) that no candidate encoding could read, replaced by U+FFFD.
    pub replaced: usize,
    /// When the file mixes encodings line by line: the other encoding's name and how many
    /// lines were read in it.
    pub mixed: Option<(String, usize)>,
}

/// Decodes with the encoding that fits best: a byte order mark (UTF-8, UTF-16, UTF-32), then
/// BOM-less UTF-16, then UTF-8; bytes that are not valid UTF-8 are decoded line by line by
/// [`decode_undeclared`]. The flag is true when malformed bytes were replaced by U+FFFD.
fn decode_bytes(bytes: &[u8]) -> (Cow<'_, str>, String, bool, Repairs) {
    if let Some((text, name, replaced)) = decode_utf32(bytes) {
        let repairs = Repairs {
            replaced,
            mixed: None,
        };
        return (Cow::Owned(text), name.to_string(), replaced > 0, repairs);
    }
    if let Some((encoding, bom_length)) = Encoding::for_bom(bytes) {
        let body = bytes.get(bom_length..).unwrap_or_default();
        let (text, malformed) = encoding.decode_without_bom_handling(body);
        let replaced = if malformed {
            text.matches('\u{FFFD}').count()
        } else {
            0
        };
        let repairs = Repairs {
            replaced,
            mixed: None,
        };
        return (text, encoding_name(encoding), malformed, repairs);
    }
    // UTF-16 of ASCII text is valid UTF-8 too (NUL is a valid character), so BOM-less UTF-16
    // is tried first; only files that hold NUL bytes can be UTF-16 at all.
    if bytes.contains(&0)
        && let Some(encoding) = bomless_utf16(bytes)
        && let Some(text) = encoding.decode_without_bom_handling_and_without_replacement(bytes)
    {
        return (text, encoding_name(encoding), false, Repairs::default());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return (
            Cow::Borrowed(text),
            "utf-8".to_string(),
            false,
            Repairs::default(),
        );
    }
    let (text, name, repairs) = decode_undeclared(bytes);
    let malformed = repairs.replaced > 0;
    (Cow::Owned(text), name, malformed, repairs)
}

/// Decodes bytes that are not valid UTF-8 and declare no encoding, line by line, so that one
/// bad byte cannot turn a whole UTF-8 file into nonsense and a file that mixes UTF-8 and GB18030
/// (lines pasted from two sources) reads both.
///
/// A line is UTF-8 when its bytes say so: its valid multi-byte sequences outnumber its
/// invalid bytes four to one (one stray `0xFF`, a cut-off character or a cp1252 quote in UTF-8
/// text), or at least match them in a file that leans to UTF-8 as a whole (a short line
/// between two cp1252 quotes), or it is valid UTF-8 with at least three multi-byte
/// characters, or with fewer when the file leans to UTF-8 (a short GBK line such as `支`
/// happens to be valid UTF-8 by chance). Every other line is decoded in the legacy encoding chardetng guesses from the
/// file (with the `.cn` hint; GBK as GB18030). Invalid bytes left are replaced by U+FFFD and
/// counted. The name returned is that of the encoding most lines were read in.
pub(crate) fn decode_undeclared(bytes: &[u8]) -> (String, String, Repairs) {
    let (valid, invalid) = utf8_evidence(bytes);
    let leans_utf8 = valid >= invalid.saturating_mul(4);
    let legacy = legacy_guess(bytes);
    let mut text = String::with_capacity(bytes.len() + bytes.len() / 2);
    let mut repairs = Repairs::default();
    let (mut utf8_lines, mut legacy_lines) = (0usize, 0usize);
    for line in bytes.split_inclusive(|&byte| byte == b'\n') {
        let (line_valid, line_invalid) = utf8_evidence(line);
        let utf8 = if line_invalid == 0 {
            line_valid == 0 || line_valid >= 3 || leans_utf8
        } else {
            line_valid >= line_invalid.saturating_mul(4)
                || (leans_utf8 && line_valid > 0 && line_valid >= line_invalid)
        };
        if utf8 {
            repairs.replaced += line_invalid;
            utf8_lines += usize::from(line_valid > 0);
            text.push_str(&String::from_utf8_lossy(line));
        } else {
            let (decoded, malformed) = legacy.decode_without_bom_handling(line);
            if malformed {
                repairs.replaced += decoded.matches('\u{FFFD}').count();
            }
            legacy_lines += 1;
            text.push_str(&decoded);
        }
    }
    let legacy_name = encoding_name(legacy);
    let (name, other, other_lines) = if utf8_lines >= legacy_lines {
        ("utf-8".to_string(), legacy_name, legacy_lines)
    } else {
        (legacy_name, "utf-8".to_string(), utf8_lines)
    };
    if other_lines > 0 {
        repairs.mixed = Some((other, other_lines));
    }
    (text, name, repairs)
}

/// True when `bytes` look like UTF-8 with a few bad bytes rather than a legacy encoding: its
/// valid multi-byte sequences outnumber its invalid ones four to one.
pub(crate) fn leans_utf8(bytes: &[u8]) -> bool {
    let (valid, invalid) = utf8_evidence(bytes);
    valid > 0 && valid >= invalid.saturating_mul(4)
}

/// The legacy encoding chardetng guesses for `bytes` (GBK read as GB18030, its superset).
fn legacy_guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    let sample = bytes.get(..DETECTOR_SAMPLE).unwrap_or(bytes);
    detector.feed(sample, sample.len() == bytes.len());
    let encoding = detector.guess(Some(b"cn"), Utf8Detection::Deny);
    if encoding == GBK || encoding == UTF_8 {
        GB18030
    } else {
        encoding
    }
}

/// How much `bytes` look like UTF-8: the number of valid multi-byte sequences and the number
/// of invalid ones (a sequence cut off at the end counts as invalid).
fn utf8_evidence(bytes: &[u8]) -> (usize, usize) {
    let (mut valid, mut invalid) = (0usize, 0usize);
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid += multibyte(text.as_bytes());
                return (valid, invalid);
            }
            Err(error) => {
                let (good, bad) = rest.split_at(error.valid_up_to());
                valid += multibyte(good);
                invalid += 1;
                match error.error_len() {
                    Some(length) => rest = &bad[length..],
                    None => return (valid, invalid),
                }
            }
        }
    }
}

/// The number of multi-byte characters in valid UTF-8: their lead bytes.
fn multibyte(utf8: &[u8]) -> usize {
    utf8.iter().filter(|&&byte| byte >= 0xC0).count()
}

/// UTF-32 with a byte order mark (`FF FE 00 00` little-endian, `00 00 FE FF` big-endian),
/// which encoding_rs does not read. Returns the text, the encoding's name and the number of
/// code units that are not characters (replaced by U+FFFD; a length not a multiple of four
/// leaves one more).
fn decode_utf32(bytes: &[u8]) -> Option<(String, &'static str, usize)> {
    let (little, name) = if bytes.starts_with(&[0xFF, 0xFE, 0, 0]) {
        (true, "utf-32le")
    } else if bytes.starts_with(&[0, 0, 0xFE, 0xFF]) {
        (false, "utf-32be")
    } else {
        return None;
    };
    let body = &bytes[4..];
    let mut text = String::with_capacity(body.len() / 2);
    let mut replaced = 0;
    let units = body.chunks_exact(4);
    let cut_off = !units.remainder().is_empty();
    for unit in units {
        let unit = [unit[0], unit[1], unit[2], unit[3]];
        let value = if little {
            u32::from_le_bytes(unit)
        } else {
            u32::from_be_bytes(unit)
        };
        match char::from_u32(value) {
            Some(c) => text.push(c),
            None => {
                replaced += 1;
                text.push('\u{FFFD}');
            }
        }
    }
    if cut_off {
        replaced += 1;
        text.push('\u{FFFD}');
    }
    Some((text, name, replaced))
}

/// UTF-16 without a byte order mark: an even length, NUL bytes (the high halves of ASCII
/// characters such as tab and line feed) in at least one of every sixteen code units, and
/// nearly all of them on one parity. The other parity may hold a few (the low half of `一`,
/// U+4E00, is NUL); binary data has NULs on both parities alike.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 2 || !bytes.len().is_multiple_of(2) {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let units = bytes.len() / 2;
    if odd * 16 >= units && even * 8 <= odd {
        Some(UTF_16LE)
    } else if even * 16 >= units && odd * 8 <= even {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// The name of an encoding as `source.encoding` writes it.
fn encoding_name(encoding: &'static Encoding) -> String {
    if encoding == GBK || encoding == GB18030 {
        "gb18030".to_string()
    } else {
        encoding.name().to_ascii_lowercase()
    }
}

fn binary_error(extension: Option<&str>) -> ReadError {
    let claimed = extension
        .map(|extension| extension.trim_start_matches('.').to_ascii_lowercase())
        .filter(|extension| BINARY_EXTENSIONS.contains(&extension.as_str()));
    match claimed {
        Some(extension) => ReadError::Unreadable(format!(
            "the file is named .{extension} but is not a .{extension} file: its bytes match no \
             format jixiao reads, so it is probably corrupt or mislabelled"
        )),
        None => ReadError::UnsupportedFormat(
            "the file holds binary data, not text, and matches no format jixiao reads \
             (docx, doc, xlsx, xls, pdf, html, text)"
                .to_string(),
        ),
    }
}

/// Counts of the characters that tell text from binary data, taken in one pass over the
/// UTF-8 bytes (control characters and U+FFFD have fixed byte patterns, and characters are
/// counted by their first bytes), which is several times faster than decoding characters.
#[derive(Debug, Default)]
struct Census {
    chars: usize,
    /// C0 controls other than tab, line feed, vertical tab, form feed and carriage return,
    /// NUL included, DEL, and C1 controls.
    controls: usize,
    replacement: usize,
    /// True when line ends or control characters need [`normalise`].
    needs_normalising: bool,
}

impl Census {
    fn of(text: &str, malformed: bool) -> Census {
        let bytes = text.as_bytes();
        let mut census = Census {
            // Continuation bytes are 10xxxxxx (below -64 as i8); every other byte starts a
            // character. A separate pass, because it vectorises.
            chars: bytes.iter().filter(|&&byte| byte as i8 >= -0x40).count(),
            ..Census::default()
        };
        for (index, &byte) in bytes.iter().enumerate() {
            // Nearly every byte fails this one cheap test.
            if byte >= 0x20 && byte != 0x7F && byte != 0xC2 {
                continue;
            }
            match byte {
                b'\t' | b'\n' => {}
                b'\r' | 0x0B | 0x0C => census.needs_normalising = true,
                // C1 controls are U+0080..U+009F, encoded as C2 80..C2 9F.
                0xC2 => {
                    if matches!(bytes.get(index + 1), Some(0x80..=0x9F)) {
                        census.controls += 1;
                        census.needs_normalising = true;
                    }
                }
                _ => {
                    census.controls += 1;
                    census.needs_normalising = true;
                }
            }
        }
        // U+FFFD is only counted against the file when the decoder put it there.
        if malformed {
            census.replacement = text.matches('\u{FFFD}').count();
        }
        census
    }

    /// Binary when more than one character in [`BINARY_RATIO`] is a control character or,
    /// after malformed bytes, a replacement character.
    fn is_binary(&self) -> bool {
        (self.controls + self.replacement) * BINARY_RATIO > self.chars
    }
}

/// True when `text` has a character that is neither whitespace nor a byte order mark. Stops
/// at the first one, which in real files is at the start.
fn has_visible(text: &str) -> bool {
    text.chars()
        .any(|c| !c.is_whitespace() && c != '\u{FEFF}' && !is_stray_control(c))
}

/// A control character that no text holds. Tab and the line breaks are text; vertical tab and
/// form feed are the manual line and page breaks of word processors, read as line ends.
fn is_stray_control(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}')
}

/// Rewrites `text` with `'\n'` line ends (CRLF, CR, vertical tab and form feed all end a line)
/// and without stray control characters. The count is of the control characters removed.
fn normalise(text: &str) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut removed = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{b}' | '\u{c}' => out.push('\n'),
            c if is_stray_control(c) => removed += 1,
            c => out.push(c),
        }
    }
    (out, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(bytes: &[u8]) -> (String, String) {
        let decoded = decode(bytes, None).expect("decodes");
        (decoded.text.into_owned(), decoded.encoding)
    }

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = "项目名称\t办公设备购置\n";
        assert_eq!(
            decoded(plain.as_bytes()),
            (plain.to_string(), "utf-8".into())
        );
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(plain.as_bytes());
        assert_eq!(decoded(&with_bom), (plain.to_string(), "utf-8".into()));
    }

    #[test]
    fn valid_utf8_is_borrowed_not_copied() {
        let text = "一级指标\t二级指标\n".as_bytes();
        let decoded = decode(text, None).expect("decodes");
        assert!(matches!(decoded.text, Cow::Borrowed(_)));
    }

    #[test]
    fn utf16_with_bom_both_byte_orders() {
        let text = "\t产出指标\r\n\t数量指标\r\n";
        let mut little = vec![0xFF, 0xFE];
        let mut big = vec![0xFE, 0xFF];
        for unit in text.encode_utf16() {
            little.extend_from_slice(&unit.to_le_bytes());
            big.extend_from_slice(&unit.to_be_bytes());
        }
        let expected = "\t产出指标\n\t数量指标\n".to_string();
        assert_eq!(decoded(&little), (expected.clone(), "utf-16le".into()));
        assert_eq!(decoded(&big), (expected, "utf-16be".into()));
    }

    #[test]
    fn utf16_without_bom_is_not_taken_for_binary() {
        let text = "项目名称\t办公设备\n预算数\t3.5\n一级指标\n";
        let little: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let big: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decoded(&little), (text.to_string(), "utf-16le".into()));
        assert_eq!(decoded(&big), (text.to_string(), "utf-16be".into()));
    }

    #[test]
    fn gbk_bytes_decode_as_gb18030() {
        let text = "南通市本级项目预算绩效目标表\n项目名称\t办公设备购置\t主管部门\t南通市市场监督管理局\n\
                    一级指标\t二级指标\t三级指标\n产出指标\t数量指标\t设备购置率\n";
        let (bytes, _, unmappable) = GBK.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(decoded(&bytes), (text.to_string(), "gb18030".into()));
    }

    #[test]
    fn gb18030_four_byte_sequences_decode() {
        // U+20000 exists only in GB18030's four-byte range, not in GBK.
        let text = "满意度指标\t服务对象满意度\t𠀀\n效益指标\t社会效益指标\t较高\n";
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        assert_eq!(decoded(&bytes), (text.to_string(), "gb18030".into()));
    }

    const TABLE: &str = "南通市本级项目预算绩效目标表\n项目名称\t办公设备购置\t主管部门\t南通市市场监督管理局\n\
                         一级指标\t二级指标\t三级指标\n产出指标\t数量指标\t设备购置率\n";

    fn repaired(bytes: &[u8]) -> Decoded<'_> {
        decode(bytes, None).expect("decodes")
    }

    #[test]
    fn one_bad_byte_in_utf8_is_replaced_not_read_as_gb18030() {
        // A stray 0xFF, a cp1252 quote and a character cut off at the end.
        let stray = [TABLE.as_bytes(), b"\xFF", TABLE.as_bytes()].concat();
        let quote = [TABLE.as_bytes(), b"\x93\xE5\x90\x88\xE6\xA0\xBC\x94\n"].concat();
        // The file's last line cut off in the middle of its last character.
        let cut = [TABLE.as_bytes(), "目标".as_bytes(), &"率".as_bytes()[..2]].concat();
        for (bytes, replaced) in [(stray, 1), (quote, 2), (cut, 1)] {
            let decoded = repaired(&bytes);
            assert_eq!(decoded.encoding, "utf-8");
            assert!(decoded.text.starts_with(TABLE), "{}", decoded.text);
            assert_eq!(decoded.text.matches('\u{FFFD}').count(), replaced);
            let codes: Vec<&str> = decoded.diagnostics.iter().map(|d| d.code).collect();
            assert_eq!(codes, ["decode_repaired"]);
            assert!(decoded.diagnostics[0].lost);
            assert!(
                decoded.diagnostics[0]
                    .message
                    .starts_with(&format!("{replaced} byte sequence(s)")),
                "{}",
                decoded.diagnostics[0].message
            );
        }
    }

    #[test]
    fn a_file_mixing_utf8_and_gb18030_line_by_line_reads_both() {
        let lines: Vec<&str> = TABLE.lines().collect();
        let mut bytes = Vec::new();
        for (index, line) in lines.iter().enumerate() {
            if index % 2 == 0 {
                bytes.extend_from_slice(line.as_bytes());
            } else {
                bytes.extend_from_slice(&GB18030.encode(line).0);
            }
            bytes.push(b'\n');
        }
        let decoded = repaired(&bytes);
        assert_eq!(decoded.text, TABLE);
        assert_eq!(decoded.encoding, "utf-8");
        assert_eq!(decoded.diagnostics.len(), 1, "{:?}", decoded.diagnostics);
        assert_eq!(decoded.diagnostics[0].code, "decode_repaired");
        assert!(!decoded.diagnostics[0].lost, "nothing was lost");
        assert!(
            decoded.diagnostics[0]
                .message
                .contains("2 line(s) are gb18030")
        );
    }

    #[test]
    fn gb18030_with_short_lines_stays_gb18030() {
        // `支` in GBK (D6 A7) is also valid UTF-8 (a Hebrew letter): the file decides.
        let text = format!("{TABLE}支\n出\n");
        let (bytes, _, _) = GB18030.encode(&text);
        let decoded = repaired(&bytes);
        assert_eq!(decoded.text, text);
        assert_eq!(decoded.encoding, "gb18030");
        assert!(decoded.diagnostics.is_empty(), "{:?}", decoded.diagnostics);
    }

    #[test]
    fn utf32_with_a_bom_both_byte_orders() {
        let mut little = vec![0xFF, 0xFE, 0, 0];
        let mut big = vec![0, 0, 0xFE, 0xFF];
        for c in TABLE.chars() {
            little.extend_from_slice(&u32::from(c).to_le_bytes());
            big.extend_from_slice(&u32::from(c).to_be_bytes());
        }
        assert_eq!(decoded(&little), (TABLE.to_string(), "utf-32le".into()));
        assert_eq!(decoded(&big), (TABLE.to_string(), "utf-32be".into()));
        // A surrogate code unit and a cut-off last unit are replaced and reported.
        little.extend_from_slice(&0xD800u32.to_le_bytes());
        little.extend_from_slice(&[0x41, 0]);
        let decoded = repaired(&little);
        assert!(
            decoded.text.ends_with("\u{FFFD}\u{FFFD}"),
            "{:?}",
            decoded.text
        );
        assert_eq!(decoded.diagnostics[0].code, "decode_repaired");
    }

    #[test]
    fn line_ends_are_normalised() {
        let (text, _) = decoded(b"a\r\nb\rc\nd\x0ce");
        assert_eq!(text, "a\nb\nc\nd\ne");
    }

    #[test]
    fn a_few_stray_controls_are_removed_and_reported() {
        let mut bytes =
            "这是一段足够长的正常文本，用来说明少量控制字符不会让文件被当成二进制数据。".repeat(3);
        bytes.push('\u{1}');
        let decoded = decode(bytes.as_bytes(), None).expect("still text");
        assert!(!decoded.text.contains('\u{1}'));
        assert_eq!(decoded.diagnostics[0].code, "control_characters_removed");
    }

    #[test]
    fn empty_and_whitespace_files_are_unreadable() {
        let empty = decode(b"", None).expect_err("empty");
        assert_eq!(empty.code(), "unreadable");
        assert!(empty.to_string().contains("empty"), "{empty}");
        let blank = decode(" \n\t\r\n\u{3000}".as_bytes(), None).expect_err("blank");
        assert_eq!(blank.code(), "unreadable");
        assert!(blank.to_string().contains("whitespace"), "{blank}");
    }

    #[test]
    fn binary_data_is_unsupported_or_a_mislabelled_file() {
        let binary: Vec<u8> = (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let error = decode(&binary, Some("txt")).expect_err("binary");
        assert_eq!(error.code(), "unsupported_format");
        assert!(error.to_string().contains("binary data"), "{error}");
        let error = decode(&binary, None).expect_err("binary");
        assert_eq!(error.code(), "unsupported_format");
        for extension in ["docx", "xlsx", "xls", "doc", "PDF"] {
            let error = decode(&binary, Some(extension)).expect_err("binary");
            assert_eq!(error.code(), "unreadable");
            let lower = extension.to_ascii_lowercase();
            assert!(
                error
                    .to_string()
                    .contains(&format!("named .{lower} but is not a .{lower} file")),
                "{error}"
            );
        }
    }

    #[test]
    fn nul_padding_is_binary() {
        let mut bytes = b"PK".to_vec();
        bytes.extend(std::iter::repeat_n(0u8, 64));
        bytes.extend_from_slice(&[0x13, 0x88, 0x02]);
        assert_eq!(
            decode(&bytes, None).expect_err("binary").code(),
            "unsupported_format"
        );
    }
}
