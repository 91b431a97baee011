//! Choosing the character encoding of a page and decoding it: a byte order mark first, then
//! the `<meta charset>` / `http-equiv` declaration of the first bytes, then detection.
//!
//! Pages from Chinese government systems are often GB2312 or GBK; both decode with GB18030,
//! their superset (identical on GBK bytes, and it also covers characters GBK lacks). A page
//! whose declaration contradicts its bytes (declared GB2312 yet valid UTF-8, or the other way
//! round) is read by what the bytes are, with a diagnostic.

use crate::bytes::find;
use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{
    Encoding, GB18030, GBK, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252, X_USER_DEFINED,
};
use jixiao_grid::Diagnostic;

/// How many leading bytes are searched for a `<meta>` declaration (browsers use 1024; office
/// exports put long style blocks first, so look further).
const PRESCAN_BYTES: usize = 4096;

/// A decoded page.
#[derive(Debug)]
pub(super) struct Decoded {
    pub text: String,
    /// The encoding's name as the output states it (`utf-8`, `gb18030`, …).
    pub encoding: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// Decodes the bytes of a page.
pub(super) fn decode(bytes: &[u8]) -> Decoded {
    let mut diagnostics = Vec::new();
    if Encoding::for_bom(bytes).is_none()
        && std::str::from_utf8(bytes).is_err()
        && declared_encoding(&bytes[..bytes.len().min(PRESCAN_BYTES)]).is_none()
    {
        // Nothing says what the bytes are: each line is read by what it looks like, so that
        // one stray byte in a UTF-8 page does not turn it into GB18030 nonsense.
        let (text, encoding, repairs) = crate::text::decode::decode_undeclared(bytes);
        diagnostics.extend(crate::text::decode::repair_diagnostics(&repairs, &encoding));
        return Decoded {
            text,
            encoding,
            diagnostics,
        };
    }
    let (encoding, body) = if let Some((encoding, bom)) = Encoding::for_bom(bytes) {
        (encoding, &bytes[bom..])
    } else {
        (choose(bytes, &mut diagnostics), bytes)
    };
    let encoding = if encoding == GBK { GB18030 } else { encoding };
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    let name = encoding.name().to_ascii_lowercase();
    if had_errors {
        diagnostics.push(Diagnostic::loss(
            "decode_repaired",
            format!("some bytes of the page are not valid {name}; they were replaced by �"),
        ));
    }
    Decoded {
        text: text.into_owned(),
        encoding: name,
        diagnostics,
    }
}

/// The encoding of a page without a byte order mark.
fn choose(bytes: &[u8], diagnostics: &mut Vec<Diagnostic>) -> &'static Encoding {
    let is_utf8 = std::str::from_utf8(bytes).is_ok();
    let declared = declared_encoding(&bytes[..bytes.len().min(PRESCAN_BYTES)]);
    match declared {
        Some(declared) if declared == UTF_8 => {
            if is_utf8 || crate::text::decode::leans_utf8(bytes) {
                // A few bad bytes in UTF-8 are replaced, not a reason to read the page as GBK.
                return UTF_8;
            }
            let guess = guess(bytes);
            if guess != UTF_8 && !guess.decode_without_bom_handling(bytes).1 {
                diagnostics.push(Diagnostic::new(
                    "charset_mismatch",
                    format!(
                        "the page declares UTF-8 but its bytes are {}; it was read as such",
                        guess.name()
                    ),
                ));
                return guess;
            }
            UTF_8
        }
        Some(declared) => {
            if is_utf8 && !bytes.is_ascii() {
                diagnostics.push(Diagnostic::new(
                    "charset_mismatch",
                    format!(
                        "the page declares {} but its bytes are UTF-8; it was read as UTF-8",
                        declared.name()
                    ),
                ));
                return UTF_8;
            }
            declared
        }
        None if is_utf8 => UTF_8,
        None => guess(bytes),
    }
}

fn guess(bytes: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    detector.guess(Some(b"cn"), Utf8Detection::Allow)
}

/// The encoding named by the first `<meta>` tag that declares one, as browsers map labels
/// (a UTF-16 declaration in an ASCII-compatible page means UTF-8).
fn declared_encoding(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(offset) = find(&lower[from..], b"<meta") {
        let start = from + offset + 5;
        let end = find(&lower[start..], b">").map_or(lower.len(), |end| start + end);
        let tag = &lower[start..end];
        if let Some(label) = charset_label(tag)
            && let Some(encoding) = Encoding::for_label(label)
        {
            return Some(match encoding {
                e if e == UTF_16BE || e == UTF_16LE => UTF_8,
                e if e == X_USER_DEFINED => WINDOWS_1252,
                e => e,
            });
        }
        from = end;
    }
    None
}

/// The value after `charset=` in a meta tag's bytes (both `charset="gbk"` and
/// `content="text/html; charset=gb2312"`).
fn charset_label(tag: &[u8]) -> Option<&[u8]> {
    let position = find(tag, b"charset")? + 7;
    let rest = &tag[position..];
    let rest = trim_start(rest);
    let rest = trim_start(rest.strip_prefix(b"=")?);
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| {
            matches!(
                b,
                b'"' | b'\'' | b';' | b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r'
            )
        })
        .unwrap_or(rest.len());
    let label = &rest[..end];
    (!label.is_empty()).then_some(label)
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[start..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meta_declarations_are_found() {
        assert_eq!(declared_encoding(b"<meta charset=\"utf-8\"/>"), Some(UTF_8));
        assert_eq!(
            declared_encoding(
                b"<META http-equiv=Content-Type content=\"text/html; charset=gb2312\">"
            ),
            Some(GBK)
        );
        assert_eq!(
            declared_encoding(b"<meta name=x><meta charset='big5'>").map(|e| e.name()),
            Some("Big5")
        );
        assert_eq!(declared_encoding(b"<meta charset=utf-16>"), Some(UTF_8));
        assert_eq!(declared_encoding(b"<p>charset=gbk</p>"), None);
    }

    #[test]
    fn gb2312_page_decodes_with_gb18030() {
        let page = "<meta charset=gb2312><p>产出指标</p>";
        let (bytes, _, _) = GBK.encode(page);
        let decoded = decode(&bytes);
        assert_eq!(decoded.encoding, "gb18030");
        assert_eq!(decoded.text, page);
        assert!(decoded.diagnostics.is_empty());
    }

    #[test]
    fn undeclared_gbk_is_detected_and_bom_wins() {
        let (bytes, _, _) = GBK.encode("<p>一级指标 二级指标 三级指标 指标值 满意度指标</p>");
        assert_eq!(decode(&bytes).encoding, "gb18030");
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend("<meta charset=gbk><p>指标</p>".as_bytes());
        let decoded = decode(&with_bom);
        assert_eq!(decoded.encoding, "utf-8");
        assert_eq!(decoded.text, "<meta charset=gbk><p>指标</p>");
    }

    #[test]
    fn a_wrong_declaration_yields_to_the_bytes() {
        let decoded = decode("<meta charset=gb2312><p>指标</p>".as_bytes());
        assert_eq!(decoded.encoding, "utf-8");
        assert_eq!(decoded.diagnostics[0].code, "charset_mismatch");
    }
}
