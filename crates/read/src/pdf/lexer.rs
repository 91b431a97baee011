//! A tokenizer for the PostScript-like syntax shared by content streams and CMaps.
//!
//! lopdf parses the object structure of a file; the streams inside it (page contents, Form
//! XObjects, ToUnicode and encoding CMaps) are tokenized here, in one pass over borrowed bytes,
//! so that no operator costs more than the bytes it spans. The lexer never fails: bytes it cannot
//! make sense of are skipped, because a damaged stream should still give the text it holds.

/// One token of a content stream or CMap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token<'a> {
    /// An integer or real number.
    Number(f64),
    /// A name without its leading `/` (`#xx` escapes are left as written).
    Name(&'a [u8]),
    /// A literal `( … )` or hexadecimal `< … >` string, escapes resolved.
    String(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    DictStart,
    DictEnd,
    /// Anything else: operators (`Tj`, `re`, `'`), keywords (`begincmap`), `{` and `}`.
    Operator(&'a [u8]),
}

/// Splits a byte stream into [`Token`]s.
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Deepest nesting of parentheses inside one literal string that is honoured; deeper ones
/// are read as plain bytes so that a hostile string cannot make the counter overflow.
const MAX_PAREN_DEPTH: usize = 1 << 16;

pub(crate) fn is_whitespace(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' | b'\0')
}

fn is_delimiter(byte: u8) -> bool {
    matches!(
        byte,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(byte: u8) -> bool {
    !is_whitespace(byte) && !is_delimiter(byte)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    /// Skips whitespace and comments.
    fn skip_space(&mut self) {
        while let Some(&byte) = self.data.get(self.pos) {
            if is_whitespace(byte) {
                self.pos += 1;
            } else if byte == b'%' {
                while let Some(&byte) = self.data.get(self.pos) {
                    if byte == b'\n' || byte == b'\r' {
                        break;
                    }
                    self.pos += 1;
                }
            } else {
                break;
            }
        }
    }

    /// The next token, or `None` at the end of the data.
    pub(crate) fn next_token(&mut self) -> Option<Token<'a>> {
        loop {
            self.skip_space();
            let byte = *self.data.get(self.pos)?;
            match byte {
                b'(' => {
                    self.pos += 1;
                    return Some(Token::String(self.literal_string()));
                }
                b'<' => {
                    if self.data.get(self.pos + 1) == Some(&b'<') {
                        self.pos += 2;
                        return Some(Token::DictStart);
                    }
                    self.pos += 1;
                    return Some(Token::String(self.hex_string()));
                }
                b'>' => {
                    self.pos += 1;
                    if self.data.get(self.pos) == Some(&b'>') {
                        self.pos += 1;
                        return Some(Token::DictEnd);
                    }
                    // A stray `>`: skip it.
                }
                b'[' => {
                    self.pos += 1;
                    return Some(Token::ArrayStart);
                }
                b']' => {
                    self.pos += 1;
                    return Some(Token::ArrayEnd);
                }
                b'{' | b'}' => {
                    let start = self.pos;
                    self.pos += 1;
                    return Some(Token::Operator(&self.data[start..self.pos]));
                }
                b')' => {
                    // An unbalanced `)`: skip it.
                    self.pos += 1;
                }
                b'/' => {
                    self.pos += 1;
                    let start = self.pos;
                    while self.data.get(self.pos).is_some_and(|&b| is_regular(b)) {
                        self.pos += 1;
                    }
                    return Some(Token::Name(&self.data[start..self.pos]));
                }
                _ => {
                    let start = self.pos;
                    while self.data.get(self.pos).is_some_and(|&b| is_regular(b)) {
                        self.pos += 1;
                    }
                    let word = &self.data[start..self.pos];
                    if let Some(number) = parse_number(word) {
                        return Some(Token::Number(number));
                    }
                    return Some(Token::Operator(word));
                }
            }
        }
    }

    /// Reads a literal string after its opening parenthesis.
    fn literal_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut depth = 0usize;
        while let Some(&byte) = self.data.get(self.pos) {
            self.pos += 1;
            match byte {
                b'(' => {
                    if depth < MAX_PAREN_DEPTH {
                        depth += 1;
                    }
                    out.push(byte);
                }
                b')' => {
                    if depth == 0 {
                        return out;
                    }
                    depth -= 1;
                    out.push(byte);
                }
                b'\\' => {
                    let Some(&escaped) = self.data.get(self.pos) else {
                        break;
                    };
                    self.pos += 1;
                    match escaped {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(0x08),
                        b'f' => out.push(0x0c),
                        b'0'..=b'7' => {
                            let mut value = u32::from(escaped - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&digit @ b'0'..=b'7') => {
                                        value = value * 8 + u32::from(digit - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((value & 0xff) as u8);
                        }
                        b'\r' => {
                            // A backslash before an end of line joins the lines.
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    /// Reads a hexadecimal string after its opening `<`.
    fn hex_string(&mut self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut high: Option<u8> = None;
        while let Some(&byte) = self.data.get(self.pos) {
            self.pos += 1;
            if byte == b'>' {
                break;
            }
            let Some(value) = hex_value(byte) else {
                continue;
            };
            match high.take() {
                Some(high) => out.push(high << 4 | value),
                None => high = Some(value),
            }
        }
        // An odd number of digits: the last one is followed by an implied 0.
        if let Some(high) = high {
            out.push(high << 4);
        }
        out
    }

    /// Skips the binary data of an inline image, after the `ID` operator, up to and including
    /// its `EI`. The data may hold any bytes, so `EI` counts only with whitespace before it
    /// and whitespace, a delimiter or the end of the stream after it.
    pub(crate) fn skip_inline_image_data(&mut self) {
        // One whitespace byte separates `ID` from the data.
        if self.data.get(self.pos).is_some_and(|&b| is_whitespace(b)) {
            self.pos += 1;
        }
        let mut index = self.pos;
        while index + 1 < self.data.len() {
            if self.data[index] == b'E'
                && self.data[index + 1] == b'I'
                && index > 0
                && is_whitespace(self.data[index - 1])
                && self
                    .data
                    .get(index + 2)
                    .is_none_or(|&b| is_whitespace(b) || is_delimiter(b))
            {
                self.pos = index + 2;
                return;
            }
            index += 1;
        }
        self.pos = self.data.len();
    }
}

/// Parses a PDF number (`12`, `-3.5`, `.25`, `+7`), leniently: `1.2.3` reads as 1.2 and a lone
/// sign as 0, as viewers do. Returns `None` for a word that does not start like a number.
pub(crate) fn parse_number(word: &[u8]) -> Option<f64> {
    let first = *word.first()?;
    if !(first.is_ascii_digit() || matches!(first, b'+' | b'-' | b'.')) {
        return None;
    }
    let mut index = 0;
    let mut negative = false;
    // Several signs (`--5`) occur in broken files; take the last.
    while let Some(&sign @ (b'+' | b'-')) = word.get(index) {
        negative = sign == b'-';
        index += 1;
    }
    let mut value = 0f64;
    let mut seen_digit = false;
    while let Some(&digit @ b'0'..=b'9') = word.get(index) {
        value = value * 10.0 + f64::from(digit - b'0');
        seen_digit = true;
        index += 1;
    }
    if word.get(index) == Some(&b'.') {
        index += 1;
        let mut scale = 0.1;
        while let Some(&digit @ b'0'..=b'9') = word.get(index) {
            value += f64::from(digit - b'0') * scale;
            scale *= 0.1;
            seen_digit = true;
            index += 1;
        }
    }
    if !seen_digit && index < word.len() {
        // `-foo` or `.x`: an operator-like word, not a number.
        return None;
    }
    if !value.is_finite() {
        value = 0.0;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(data: &[u8]) -> Vec<Token<'_>> {
        let mut lexer = Lexer::new(data);
        std::iter::from_fn(|| lexer.next_token()).collect()
    }

    #[test]
    fn content_operators_and_operands() {
        let got = tokens(b"BT /F1 12 Tf 56.8 -.5 Td (a\\(b\\)\\101) Tj [<0102> -250 <03>] TJ ET");
        assert_eq!(
            got,
            vec![
                Token::Operator(b"BT"),
                Token::Name(b"F1"),
                Token::Number(12.0),
                Token::Operator(b"Tf"),
                Token::Number(56.8),
                Token::Number(-0.5),
                Token::Operator(b"Td"),
                Token::String(b"a(b)A".to_vec()),
                Token::Operator(b"Tj"),
                Token::ArrayStart,
                Token::String(vec![1, 2]),
                Token::Number(-250.0),
                Token::String(vec![3]),
                Token::ArrayEnd,
                Token::Operator(b"TJ"),
                Token::Operator(b"ET"),
            ]
        );
    }

    #[test]
    fn odd_hex_digits_comments_and_nested_parentheses() {
        let got = tokens(b"<4E2 > % a comment\n(x(y)z) ' \"");
        assert_eq!(
            got,
            vec![
                Token::String(vec![0x4e, 0x20]),
                Token::String(b"x(y)z".to_vec()),
                Token::Operator(b"'"),
                Token::Operator(b"\""),
            ]
        );
    }

    #[test]
    fn inline_image_data_is_skipped() {
        let mut lexer = Lexer::new(b"BI /W 2 /H 1 ID \x00EI\xffZ EI Q");
        let mut seen = Vec::new();
        while let Some(token) = lexer.next_token() {
            if token == Token::Operator(b"ID") {
                lexer.skip_inline_image_data();
                continue;
            }
            seen.push(token);
        }
        assert_eq!(seen.last(), Some(&Token::Operator(b"Q")));
        assert!(!seen.contains(&Token::Operator(b"Z")));
    }

    #[test]
    fn numbers_are_read_leniently() {
        assert_eq!(parse_number(b"1.2.3"), Some(1.2));
        assert_eq!(parse_number(b"--5"), Some(-5.0));
        assert_eq!(parse_number(b"-"), Some(0.0));
        assert_eq!(parse_number(b"Tj"), None);
        assert_eq!(parse_number(b".5"), Some(0.5));
    }
}
