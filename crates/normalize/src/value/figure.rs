//! Figures: a number or a range with its comparison, approximation, unit and grade.
//!
//! ```text
//! figure   = prefix* number quantity [separator number quantity] suffix* [["为"] grade]
//! prefix   = target verb (实现) | approximation (约, 预计) | comparison (≥, 不低于)
//! quantity = [magnitude (万)] [余 | 多] [unit ["/" [digits] [magnitude] unit] ["(" unit ")"]]
//! suffix   = 左右 | 以上 | 以下 | 以内 | (含)
//! ```
//!
//! Each part of a figure is read at most once, and every loop is bounded by the number of
//! parts, so a cell costs time in proportion to its length.

use super::lexicon::{
    APPROX_INFIXES, APPROX_PREFIXES, APPROX_SUFFIXES, CLAUSE_PUNCTUATION, INCLUSIVE_MARKS,
    MAGNITUDES, NOT_UNITS, OP_PREFIXES, OP_SUFFIXES, RANGE_SEPARATORS, RATE_ONLY_UNITS,
    TARGET_VERBS, UNIT_INDEX,
};
use super::scan::{Cursor, is_ideograph};
use super::words::is_grade;
use super::{Op, Parsed, ValueKind};

/// What the figure grammar makes of a cell.
#[derive(Debug)]
pub(super) enum Reading {
    /// The whole cell is a figure.
    Value(Parsed),
    /// The cell starts with a figure and words follow it: a `text` value that keeps the
    /// leading figure (its `text` is still to be filled in).
    Leading(Parsed),
    /// The cell starts with a figure but goes on in a way that is neither a unit nor words
    /// (`7%5`, `1-2次以上`, `1台，15.0万元`): plain text, no figure kept.
    Text,
    /// The cell does not start with a figure.
    NotAFigure,
}

/// The unit and approximation read after one number.
#[derive(Debug, Default)]
struct Quantity {
    unit: Option<String>,
    /// Whether the unit is a unit for sure even when words follow it at once: one of two or
    /// more characters (`24小时全天候`) or a symbol (`95%满意度`) is, but a single ideograph or
    /// letter may be the start of the next word (`100人员经费…`).
    unit_certain: bool,
    approx: bool,
}

pub(super) fn read(body: &str) -> Reading {
    let mut cursor = Cursor::new(body);
    let mut approx = false;
    let mut op = None;
    let mut verb = false;
    // Prefixes come in any order (`预计≥5次`, `达到≥95%`), each at most once.
    for _ in 0..3 {
        if !verb && cursor.eat_word(TARGET_VERBS).is_some() {
            verb = true;
        } else if !approx && cursor.eat_word(APPROX_PREFIXES).is_some() {
            approx = true;
        } else if op.is_none()
            && let Some(prefix) = cursor.eat_longest(OP_PREFIXES)
        {
            op = Some(prefix);
        } else {
            break;
        }
    }
    let Some(first) = cursor.number() else {
        return Reading::NotAFigure;
    };
    let quantity = read_quantity(&mut cursor);
    approx |= quantity.approx;

    let mut range = None;
    let before_separator = cursor;
    if cursor.eat_word(RANGE_SEPARATORS).is_some() {
        if let Some(second) = cursor.number() {
            let second_quantity = read_quantity(&mut cursor);
            if op.is_some() || second < first {
                return Reading::Text;
            }
            let unit = match (&quantity.unit, second_quantity.unit) {
                // `5万至10万元`: the first end wrote only the magnitude of the shared unit.
                (Some(a), Some(b))
                    if *a != b
                        && !(MAGNITUDES.contains(&a.as_str()) && b.starts_with(a.as_str())) =>
                {
                    return Reading::Text;
                }
                (a, b) => b.or_else(|| a.clone()),
            };
            approx |= second_quantity.approx;
            range = Some((first, second, unit));
        } else {
            cursor = before_separator;
        }
    }

    let mut suffix_op = None;
    let mut approx_suffix = false;
    let mut inclusive = false;
    for _ in 0..3 {
        if !approx_suffix && cursor.eat_word(APPROX_SUFFIXES).is_some() {
            approx_suffix = true;
            approx = true;
        } else if suffix_op.is_none()
            && let Some(suffix) = cursor.eat_longest(OP_SUFFIXES)
        {
            suffix_op = Some(suffix);
        } else if !inclusive && cursor.eat_word(INCLUSIVE_MARKS).is_some() {
            inclusive = true;
        } else {
            break;
        }
    }
    let Ok(op) = combine(op, suffix_op) else {
        return Reading::Text;
    };
    if range.is_some() && op.is_some() {
        return Reading::Text;
    }
    let grade = grade_to_end(&mut cursor);

    if cursor.at_end() {
        let mut parsed;
        if let Some((low, high, unit)) = range {
            parsed = Parsed::empty(ValueKind::Range);
            parsed.low = Some(low);
            parsed.high = Some(high);
            parsed.unit = unit;
        } else {
            parsed = Parsed::empty(ValueKind::Number);
            parsed.op = op;
            parsed.number = Some(first);
            parsed.unit = quantity.unit;
        }
        parsed.approx = approx;
        parsed.grade = grade;
        return Reading::Value(parsed);
    }
    if range.is_some() {
        return Reading::Text;
    }

    // Words follow the figure. They follow it for sure when an ideograph or a letter comes next,
    // or a clause ends and something other than a further figure begins.
    let rest = cursor.rest();
    let mut chars = rest.chars();
    let next = chars.next();
    let words_follow = next.is_some_and(|ch| is_ideograph(ch) || ch.is_alphabetic());
    let clause_follows = next.is_some_and(|ch| CLAUSE_PUNCTUATION.contains(&ch))
        && chars.next().is_some_and(|ch| !ch.is_ascii_digit());
    if !(words_follow || clause_follows) {
        return Reading::Text;
    }
    let mut parsed = Parsed::empty(ValueKind::Text);
    parsed.op = op;
    parsed.number = Some(first);
    parsed.approx = approx;
    if clause_follows || quantity.unit_certain {
        parsed.unit = quantity.unit;
    }
    Reading::Leading(parsed)
}

/// Combines a comparison before the figure with one after it (`≥80%以上`). When both say the
/// same direction, the prefix wins because it says more (`>` is stricter than `以上`); when
/// they contradict each other (`≤5%以上`) there is no reading, and the cell is text.
fn combine(prefix: Option<Op>, suffix: Option<Op>) -> Result<Option<Op>, ()> {
    match (prefix, suffix) {
        (prefix, None) => Ok(prefix),
        (None, suffix) => Ok(suffix),
        (Some(Op::Ge | Op::Gt), Some(Op::Ge)) | (Some(Op::Le | Op::Lt), Some(Op::Le)) => Ok(prefix),
        _ => Err(()),
    }
}

/// A grade that ends the cell, with an optional `为` before it (`≥95优`, `90%为优`).
fn grade_to_end(cursor: &mut Cursor<'_>) -> Option<String> {
    let mut ahead = *cursor;
    ahead.eat("为");
    let word = ahead.rest();
    if word.is_empty() || !is_grade(word) {
        return None;
    }
    ahead.finish();
    *cursor = ahead;
    Some(word.to_string())
}

/// Reads what follows a number: a magnitude, an approximation and a unit.
fn read_quantity(cursor: &mut Cursor<'_>) -> Quantity {
    let start = *cursor;
    // A listed unit first, so that `千米` and `百分点` are not read as a magnitude and more.
    if let Some(unit) = unit(cursor) {
        return Quantity {
            unit: Some(unit.to_string()),
            unit_certain: is_certain_unit(unit),
            approx: false,
        };
    }
    let magnitude = cursor.eat_word(MAGNITUDES);
    let approx = cursor.eat_word(APPROX_INFIXES).is_some();
    let base = unit(cursor);
    let unit = match (magnitude, base) {
        (Some(magnitude), Some(base)) => Some(format!("{magnitude}{base}")),
        (Some(magnitude), None) => Some(magnitude.to_string()),
        (None, Some(base)) => Some(base.to_string()),
        (None, None) => None,
    };
    if let Some(unit) = unit {
        return Quantity {
            unit_certain: is_certain_unit(&unit),
            unit: Some(unit),
            approx,
        };
    }
    if approx {
        return Quantity {
            approx,
            ..Quantity::default()
        };
    }
    *cursor = start;
    if let Some(unit) = single_ideograph_unit(cursor) {
        return Quantity {
            unit: Some(unit.to_string()),
            unit_certain: false,
            approx: false,
        };
    }
    Quantity::default()
}

/// See [`Quantity::unit_certain`].
fn is_certain_unit(unit: &str) -> bool {
    let mut chars = unit.chars();
    match (chars.next(), chars.next()) {
        (Some(only), None) => !(is_ideograph(only) || only.is_alphabetic()),
        (Some(_), Some(_)) => true,
        (None, _) => false,
    }
}

/// A unit at the cursor: a listed unit or a run of Latin letters (`T`, `kg`, `m2`), then a
/// rate (`/年`, `/100台`) and a parenthesised alternative (`台(套)`). Gives the text it spans.
fn unit<'a>(cursor: &mut Cursor<'a>) -> Option<&'a str> {
    let whole = cursor.rest();
    let mut ahead = *cursor;
    if !base_unit(&mut ahead) {
        return None;
    }
    let mut end = ahead;
    if ahead.eat("/") {
        ahead.digits();
        ahead.eat_word(MAGNITUDES);
        if ahead.eat_word(RATE_ONLY_UNITS).is_some() || base_unit(&mut ahead) {
            end = ahead;
        }
    }
    let mut ahead = end;
    if ahead.eat("(") && base_unit(&mut ahead) && ahead.eat(")") {
        end = ahead;
    }
    let len = whole.len().saturating_sub(end.rest().len());
    *cursor = end;
    whole.get(..len)
}

/// A single unit: a listed one, or Latin letters with an optional exponent (`m2`).
fn base_unit(cursor: &mut Cursor<'_>) -> bool {
    if cursor.eat_indexed(&UNIT_INDEX).is_some() {
        return true;
    }
    let rest = cursor.rest();
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 8 {
        return false;
    }
    for _ in 0..letters {
        cursor.bump();
    }
    if matches!(cursor.peek(), Some('2' | '3')) {
        let mut ahead = *cursor;
        ahead.bump();
        // `m2` is square metres (NFKC turns `m²` and `㎡` into it), but in `m23` the digits are
        // something else: the exponent is one digit that no letter or digit follows.
        if !ahead.peek().is_some_and(|ch| ch.is_ascii_alphanumeric()) {
            *cursor = ahead;
        }
    }
    true
}

/// A measure word the tables do not list, such as `3盏`: one ideograph that ends the figure. It
/// must not be a grade (`≥95优`) or a word that names a date or a deadline (`6月`, `30日`).
fn single_ideograph_unit<'a>(cursor: &mut Cursor<'a>) -> Option<&'a str> {
    let whole = cursor.rest();
    let ch = cursor.peek()?;
    let mut probe = *cursor;
    if !is_ideograph(ch) || NOT_UNITS.contains(&ch) || grade_to_end(&mut probe).is_some() {
        return None;
    }
    let mut ahead = *cursor;
    ahead.bump();
    let mut after = ahead;
    let ends = after.at_end()
        || after.eat_word(APPROX_SUFFIXES).is_some()
        || after.eat_longest(OP_SUFFIXES).is_some()
        || grade_to_end(&mut after).is_some();
    if !ends {
        return None;
    }
    *cursor = ahead;
    whole.get(..ch.len_utf8())
}
