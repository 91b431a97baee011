//! A cursor over the normal form of a cell, with the small lexing steps every part of the
//! grammar shares: matching the longest word of a table, and reading a decimal number.
//!
//! The cursor only ever moves by the length of something it has just matched, so its position
//! stays on a character boundary; it still reads through `get` so that a mistake here could
//! never become a panic on a user's file.

use super::lexicon::FirstCharIndex;

/// The most integer digits a number may have. An `f64` holds every integer of up to 15 digits
/// exactly; a longer run of digits in a value cell is a code or an identifier, not a figure.
const MAX_INTEGER_DIGITS: usize = 15;

/// The most fraction digits a number may have.
const MAX_FRACTION_DIGITS: usize = 12;

/// A position in the normal form of one cell.
#[derive(Debug, Clone, Copy)]
pub(super) struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    /// What is left to read.
    pub(super) fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    pub(super) fn at_end(&self) -> bool {
        self.rest().is_empty()
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Moves past the next character.
    pub(super) fn bump(&mut self) -> Option<char> {
        let next = self.peek()?;
        self.pos += next.len_utf8();
        Some(next)
    }

    /// Moves to the end, as when the rest has been read as one word.
    pub(super) fn finish(&mut self) {
        self.pos = self.text.len();
    }

    /// Moves past `word` when the rest starts with it.
    pub(super) fn eat(&mut self, word: &str) -> bool {
        if self.rest().starts_with(word) {
            self.pos += word.len();
            true
        } else {
            false
        }
    }

    /// Moves past the longest word of `table` the rest starts with, and gives its value.
    /// Longest, so that `大于等于` wins over `大于` whatever the order of the table.
    pub(super) fn eat_longest<T: Copy>(&mut self, table: &[(&str, T)]) -> Option<T> {
        let rest = self.rest();
        let (word, value) = table
            .iter()
            .filter(|(word, _)| starts_with(rest, word))
            .max_by_key(|(word, _)| word.len())?;
        self.pos += word.len();
        Some(*value)
    }

    /// Moves past the longest of `words` the rest starts with, and gives it.
    pub(super) fn eat_word(&mut self, words: &[&'static str]) -> Option<&'static str> {
        let rest = self.rest();
        let word = words
            .iter()
            .filter(|word| starts_with(rest, word))
            .max_by_key(|word| word.len())?;
        self.pos += word.len();
        Some(word)
    }

    /// Moves past the longest word of `index` the rest starts with, and gives it.
    pub(super) fn eat_indexed(&mut self, index: &FirstCharIndex) -> Option<&'static str> {
        let rest = self.rest();
        let first = rest.chars().next()?;
        let word = index
            .starting_with(first)
            .filter(|word| rest.starts_with(word))
            .max_by_key(|word| word.len())?;
        self.pos += word.len();
        Some(word)
    }

    /// Moves past a run of ASCII digits and gives it (empty when there is none).
    pub(super) fn digits(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest.bytes().take_while(u8::is_ascii_digit).count();
        self.pos += len;
        rest.get(..len).unwrap_or("")
    }

    /// Reads a decimal number: a sign where one stands right before a digit (`-5`, `−5`,
    /// `+5`), digits with optional thousands separators (`1,234,567`: a first group of one to
    /// three digits, then groups of exactly three), and an optional fraction (`0.36`). Leaves
    /// the cursor where it was and gives `None` when no number starts here or the number is too
    /// long to be a figure.
    pub(super) fn number(&mut self) -> Option<f64> {
        let mut ahead = *self;
        // The digits are copied into a small buffer without their separators, so that the
        // standard library does the decimal-to-binary rounding, and nothing is allocated.
        let mut buffer = Buffer::default();
        if ahead.eat("-") || ahead.eat("−") {
            buffer.push("-")?;
        } else {
            ahead.eat("+");
        }
        let integer = ahead.digits();
        if integer.is_empty() {
            return None;
        }
        let mut integer_digits = integer.len();
        buffer.push(integer)?;
        if integer.len() <= 3 {
            loop {
                let before = ahead;
                if ahead.eat(",") {
                    let group = ahead.digits();
                    if group.len() == 3 {
                        integer_digits += 3;
                        buffer.push(group)?;
                        continue;
                    }
                }
                ahead = before;
                break;
            }
        }
        if integer_digits > MAX_INTEGER_DIGITS {
            return None;
        }
        let before_point = ahead;
        if ahead.eat(".") {
            let fraction = ahead.digits();
            if fraction.is_empty() {
                ahead = before_point;
            } else if fraction.len() > MAX_FRACTION_DIGITS {
                return None;
            } else {
                buffer.push(".")?;
                buffer.push(fraction)?;
            }
        }
        let value = buffer.as_str()?.parse::<f64>().ok()?;
        *self = ahead;
        Some(value)
    }
}

/// Whether `text` starts with `word`. Comparing the first bytes before the rest skips most
/// words of a table without a call to `memcmp`: the grammar tries every cell against tables of
/// dozens of words.
fn starts_with(text: &str, word: &str) -> bool {
    text.as_bytes().first() == word.as_bytes().first() && text.starts_with(word)
}

/// Room for the longest number `Cursor::number` accepts: a sign, 15 integer digits, a point and
/// 12 fraction digits.
#[derive(Debug, Default)]
struct Buffer {
    bytes: [u8; 32],
    len: usize,
}

impl Buffer {
    fn push(&mut self, text: &str) -> Option<()> {
        let end = self.len.checked_add(text.len())?;
        self.bytes
            .get_mut(self.len..end)?
            .copy_from_slice(text.as_bytes());
        self.len = end;
        Some(())
    }

    fn as_str(&self) -> Option<&str> {
        std::str::from_utf8(self.bytes.get(..self.len)?).ok()
    }
}

/// Whether `ch` is a CJK ideograph: the characters words and measure words are made of.
pub(super) fn is_ideograph(ch: char) -> bool {
    matches!(ch,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3FFFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Option<(f64, &str)> {
        let mut cursor = Cursor::new(text);
        let value = cursor.number()?;
        Some((value, cursor.rest()))
    }

    #[test]
    fn numbers_stop_where_the_figure_ends() {
        assert_eq!(number("1145批次"), Some((1145.0, "批次")));
        assert_eq!(number("0.36%"), Some((0.36, "%")));
        assert_eq!(number("1,234,567元"), Some((1_234_567.0, "元")));
        assert_eq!(number("1,0000"), Some((1.0, ",0000")));
        assert_eq!(number("1234,567"), Some((1234.0, ",567")));
        assert_eq!(number("5."), Some((5.0, ".")));
        assert_eq!(number("-5%"), Some((-5.0, "%")));
        assert_eq!(number("−3"), Some((-3.0, "")));
        assert_eq!(number("1-2"), Some((1.0, "-2")));
    }

    #[test]
    fn what_is_no_number_leaves_the_cursor_alone() {
        assert_eq!(number("-"), None);
        assert_eq!(number("--5"), None);
        assert_eq!(number(".5"), None);
        assert_eq!(number("优"), None);
        assert_eq!(number("1234567890123456"), None);
        assert_eq!(number("1.1234567890123"), None);
        let mut cursor = Cursor::new("abc");
        assert_eq!(cursor.number(), None);
        assert_eq!(cursor.rest(), "abc");
    }

    #[test]
    fn the_longest_word_wins() {
        let table = [("大于", 1), ("大于等于", 2)];
        let mut cursor = Cursor::new("大于等于5");
        assert_eq!(cursor.eat_longest(&table), Some(2));
        assert_eq!(cursor.rest(), "5");
    }
}
