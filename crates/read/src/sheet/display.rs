//! Numbers and dates as a user sees them in the spreadsheet: a cell's stored `f64` is shown
//! through its number format (`0.00` → `80.00`, `0%` → `100%`, `yyyy"年"m"月"d"日"` →
//! `2024年1月31日`), and without one as Excel's General format shows it (`23.85`, never
//! `23.849999999999998`; `100`, never `100.0`).
//!
//! Only what performance target tables use is supported: fixed decimals, thousands
//! separators, percent, literal text, section choice by sign, and date/time tokens. Anything
//! else (fractions, scientific notation, conditions) falls back to General, which always
//! shows the right quantity even when it is not the exact display.

/// A number shown the way Excel's General format shows it: integers without a fraction, other
/// values with at most 15 significant digits (what Excel keeps), in the shortest form.
pub fn general(value: f64) -> String {
    if !value.is_finite() {
        return "#NUM!".to_string();
    }
    if value == value.trunc() && value.abs() < 1e15 {
        // `as i64` is exact here: the value is integral and well inside i64.
        return format!("{}", value as i64);
    }
    // Round to 15 significant digits, then print the shortest decimal that reads back as that
    // rounded value: 23.849999999999998 → 23.85, 0.30000000000000004 → 0.3.
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    let text = format!("{rounded}");
    if text.contains('e') {
        // Rust prints very large or small values without exponent, but keep a guard.
        return format!("{rounded:e}");
    }
    text
}

/// The parts of one number format section that matter for display.
#[derive(Debug, Default)]
struct Section {
    /// Literal text before the number.
    prefix: String,
    /// Literal text after the number.
    suffix: String,
    /// Digits always shown after the decimal point (`0`).
    min_decimals: usize,
    /// Digits shown after the decimal point when not zero (`#`, `?`).
    optional_decimals: usize,
    /// `,` between digit placeholders: thousands separators.
    grouping: bool,
    /// `%` anywhere: the value is shown ×100.
    percent: bool,
    /// True when the section has digit placeholders at all (else it is pure text).
    has_digits: bool,
}

/// Shows `value` through the number format `code`. `None` when the format asks for something
/// this module does not render, so that the caller falls back to [`general`].
pub fn with_format(value: f64, code: &str) -> Option<String> {
    let code = code.trim();
    if code.is_empty() || code.eq_ignore_ascii_case("general") || code == "@" {
        return None;
    }
    if !value.is_finite() {
        return None;
    }
    let sections = split_sections(code);
    // Sections: positive; negative; zero; text. A negative value shown by its own section
    // loses its sign (the section writes one itself, or parentheses).
    let (section, magnitude) = match sections.len() {
        0 => return None,
        1 => (sections[0], value),
        2 => {
            if value < 0.0 {
                (sections[1], -value)
            } else {
                (sections[0], value)
            }
        }
        _ => {
            if value < 0.0 {
                (sections[1], -value)
            } else if value == 0.0 {
                (sections[2], value)
            } else {
                (sections[0], value)
            }
        }
    };
    let parsed = parse_section(section)?;
    if !parsed.has_digits {
        // A section with only text, e.g. `"-"` for zeros.
        return Some(format!("{}{}", parsed.prefix, parsed.suffix));
    }
    let scaled = if parsed.percent {
        magnitude * 100.0
    } else {
        magnitude
    };
    let decimals = parsed.min_decimals + parsed.optional_decimals;
    let mut number = format!("{:.*}", decimals.min(15), scaled.abs());
    if parsed.optional_decimals > 0 {
        // Drop trailing zeros the `#` placeholders do not force.
        let mut removable = parsed.optional_decimals;
        while removable > 0 && number.ends_with('0') {
            number.pop();
            removable -= 1;
        }
        if number.ends_with('.') {
            number.pop();
        }
    }
    if parsed.grouping {
        number = group_thousands(&number);
    }
    let negative = scaled < 0.0 && number.chars().any(|c| c.is_ascii_digit() && c != '0');
    let sign = if negative { "-" } else { "" };
    let percent = if parsed.percent && !parsed.suffix.contains('%') {
        "%"
    } else {
        ""
    };
    Some(format!(
        "{sign}{}{number}{percent}{}",
        parsed.prefix, parsed.suffix
    ))
}

/// Splits a format code at `;` outside quotes and escapes.
fn split_sections(code: &str) -> Vec<&str> {
    let mut sections = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    let mut escaped = false;
    for (index, c) in code.char_indices() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            ';' if !quoted => {
                sections.push(&code[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    sections.push(&code[start..]);
    sections
}

fn parse_section(section: &str) -> Option<Section> {
    let mut parsed = Section::default();
    let mut chars = section.chars().peekable();
    let mut after_point = false;
    let mut seen_number = false;
    while let Some(c) = chars.next() {
        let literal = |parsed: &mut Section, text: &str| {
            if parsed.has_digits || seen_number {
                parsed.suffix.push_str(text);
            } else {
                parsed.prefix.push_str(text);
            }
        };
        match c {
            '"' => {
                let mut text = String::new();
                for inner in chars.by_ref() {
                    if inner == '"' {
                        break;
                    }
                    text.push(inner);
                }
                literal(&mut parsed, &text);
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    literal(&mut parsed, &next.to_string());
                }
            }
            // `_x` leaves room for the width of x; `*x` fills with x. Neither shows text.
            '_' | '*' => {
                chars.next();
            }
            '[' => {
                let mut inner = String::new();
                for c in chars.by_ref() {
                    if c == ']' {
                        break;
                    }
                    inner.push(c);
                }
                if let Some(currency) = inner.strip_prefix('$') {
                    // `[$¥-804]`: a currency symbol and a locale.
                    let symbol = currency.split('-').next().unwrap_or("");
                    literal(&mut parsed, symbol);
                } else if inner.starts_with(['<', '>', '=']) {
                    // Conditions change which section applies; not worth guessing.
                    return None;
                }
                // Colours, `DBNum`, locales: no visible text.
            }
            '0' | '#' | '?' => {
                if parsed.has_digits && !parsed.suffix.is_empty() {
                    // Digits after literal text (fractions, phone numbers): not handled.
                    return None;
                }
                parsed.has_digits = true;
                if after_point {
                    if c == '0' {
                        parsed.min_decimals += 1;
                    } else {
                        parsed.optional_decimals += 1;
                    }
                }
            }
            '.' if !after_point
                && (parsed.has_digits
                    || chars.peek().is_some_and(|n| matches!(n, '0' | '#' | '?'))) =>
            {
                after_point = true;
                parsed.has_digits = true;
            }
            ',' if parsed.has_digits && !after_point => {
                // A comma between digit placeholders groups thousands; a trailing one scales
                // by 1000, which budget tables do not use.
                if chars.peek().is_some_and(|n| matches!(n, '0' | '#' | '?')) {
                    parsed.grouping = true;
                } else {
                    return None;
                }
            }
            '%' => {
                parsed.percent = true;
                literal(&mut parsed, "%");
                seen_number = true;
            }
            'E' | 'e' if parsed.has_digits => return None,
            '/' if parsed.has_digits => return None,
            '@' => return None,
            'y' | 'Y' | 'm' | 'M' | 'd' | 'D' | 'h' | 'H' | 's' | 'S' => {
                // Date tokens in a number's format: the cell is a date that was not
                // recognised as one; General at least shows the serial.
                return None;
            }
            other => literal(&mut parsed, &other.to_string()),
        }
        if parsed.has_digits {
            seen_number = true;
        }
    }
    Some(parsed)
}

fn group_thousands(number: &str) -> String {
    let (integer, fraction) = match number.find('.') {
        Some(point) => (&number[..point], &number[point..]),
        None => (number, ""),
    };
    let digits: Vec<char> = integer.chars().collect();
    let mut out = String::with_capacity(number.len() + digits.len() / 3);
    for (index, digit) in digits.iter().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*digit);
    }
    out.push_str(fraction);
    out
}

/// A calendar date and time of day, as read from a spreadsheet serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl DateTime {
    fn has_time(&self) -> bool {
        (self.hour, self.minute, self.second) != (0, 0, 0)
    }
}

/// Shows a date: through its format code when there is one this module can read (`yyyy"年"m"月"d"日"`
/// → `2024年1月31日`), else as ISO 8601 (`2024-01-31`, with ` 08:30:00` when there is a time of
/// day). Locale-dependent built-in formats (`mm-dd-yy`, id 14) are shown as ISO too: the
/// order of day and month they display depends on the reader's machine.
pub fn date(value: DateTime, code: Option<&str>) -> String {
    if let Some(code) = code.filter(|code| is_custom_date_code(code))
        && let Some(text) = date_with_format(value, code)
    {
        return text;
    }
    let date = format!("{:04}-{:02}-{:02}", value.year, value.month, value.day);
    if value.has_time() {
        format!(
            "{date} {:02}:{:02}:{:02}",
            value.hour, value.minute, value.second
        )
    } else {
        date
    }
}

/// True for a date format written by a user (Chinese formats carry 年/月/日 literals) rather
/// than one of the built-in, locale-dependent ones.
fn is_custom_date_code(code: &str) -> bool {
    let builtin = [
        "mm-dd-yy",
        "d-mmm-yy",
        "d-mmm",
        "mmm-yy",
        "m/d/yy h:mm",
        "general",
    ];
    !builtin.contains(&code.to_ascii_lowercase().as_str())
}

fn date_with_format(value: DateTime, code: &str) -> Option<String> {
    let section = split_sections(code).first().copied().unwrap_or(code);
    let chars: Vec<char> = section.chars().collect();
    let mut out = String::new();
    let mut index = 0;
    // `m` means minutes right after an hour or right before a second.
    let mut last_was_hour = false;
    while index < chars.len() {
        let c = chars[index];
        let run = chars[index..]
            .iter()
            .take_while(|&&other| other.eq_ignore_ascii_case(&c))
            .count();
        match c.to_ascii_lowercase() {
            '"' => {
                let mut end = index + 1;
                while end < chars.len() && chars[end] != '"' {
                    out.push(chars[end]);
                    end += 1;
                }
                index = end + 1;
                continue;
            }
            '\\' => {
                if let Some(next) = chars.get(index + 1) {
                    out.push(*next);
                }
                index += 2;
                continue;
            }
            '_' | '*' => {
                index += 2;
                continue;
            }
            '[' => {
                let end = chars[index..]
                    .iter()
                    .position(|&c| c == ']')
                    .map_or(chars.len(), |p| index + p + 1);
                let inner: String = chars[index + 1..end.saturating_sub(1).max(index + 1)]
                    .iter()
                    .collect();
                if inner.eq_ignore_ascii_case("h")
                    || inner.eq_ignore_ascii_case("hh")
                    || inner.eq_ignore_ascii_case("m")
                    || inner.eq_ignore_ascii_case("s")
                {
                    // Elapsed-time formats: not a date.
                    return None;
                }
                index = end;
                continue;
            }
            'y' => {
                if run <= 2 {
                    out.push_str(&format!("{:02}", value.year % 100));
                } else {
                    out.push_str(&format!("{:04}", value.year));
                }
                last_was_hour = false;
            }
            'm' => {
                let next_is_second = chars[index + run..]
                    .iter()
                    .find(|c| c.is_ascii_alphabetic())
                    .is_some_and(|c| c.eq_ignore_ascii_case(&'s'));
                if (last_was_hour || next_is_second) && run <= 2 {
                    push_number(&mut out, value.minute, run);
                } else if run <= 2 {
                    push_number(&mut out, value.month, run);
                } else {
                    // Month names: show the number, which the value grammar reads.
                    push_number(&mut out, value.month, 1);
                }
                last_was_hour = false;
            }
            'd' => {
                if run <= 2 {
                    push_number(&mut out, value.day, run);
                }
                // `ddd`/`dddd` are weekday names: left out.
                last_was_hour = false;
            }
            'h' => {
                push_number(&mut out, value.hour, run);
                last_was_hour = true;
            }
            's' => {
                push_number(&mut out, value.second, run);
                last_was_hour = false;
            }
            'a' => {
                // AM/PM: keep the 24-hour figure, which needs no marker.
                let rest: String = chars[index..].iter().take(5).collect();
                let skip = if rest.to_ascii_uppercase().starts_with("AM/PM") {
                    5
                } else if rest.to_ascii_uppercase().starts_with("A/P") {
                    3
                } else {
                    out.push(c);
                    1
                };
                index += skip;
                continue;
            }
            'e' | 'g' | 'b' => {
                // Era and Buddhist-year tokens: not in these tables.
                return None;
            }
            '0' | '#' | '?' | '@' => return None,
            _ => {
                out.push(c);
                index += 1;
                continue;
            }
        }
        index += run;
    }
    Some(out)
}

fn push_number(out: &mut String, value: u8, width: usize) {
    if width >= 2 {
        out.push_str(&format!("{value:02}"));
    } else {
        out.push_str(&value.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn general_shows_what_excel_shows() {
        assert_eq!(general(23.85), "23.85");
        assert_eq!(general(23.849999999999998), "23.85");
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(100.0), "100");
        assert_eq!(general(-3.0), "-3");
        assert_eq!(general(0.5), "0.5");
        assert_eq!(general(1e15), "1000000000000000");
        assert_eq!(general(f64::NAN), "#NUM!");
    }

    #[test]
    fn formats_with_decimals_percent_grouping_and_literals() {
        assert_eq!(with_format(80.0, "0.00").as_deref(), Some("80.00"));
        assert_eq!(with_format(1.0, "0%").as_deref(), Some("100%"));
        assert_eq!(with_format(0.255, "0.0%").as_deref(), Some("25.5%"));
        assert_eq!(with_format(1234.5, "#,##0.00").as_deref(), Some("1,234.50"));
        assert_eq!(
            with_format(23.85, "0.00\"万元\"").as_deref(),
            Some("23.85万元")
        );
        assert_eq!(with_format(2.5, "0.0#").as_deref(), Some("2.5"));
        assert_eq!(with_format(2.567, "0.0#").as_deref(), Some("2.57"));
        assert_eq!(with_format(-5.0, "0.00;(0.00)").as_deref(), Some("(5.00)"));
        assert_eq!(with_format(-5.0, "0.00").as_deref(), Some("-5.00"));
        assert_eq!(with_format(0.0, "0;-0;\"-\"").as_deref(), Some("-"));
        assert_eq!(with_format(12.0, "[Red]0").as_deref(), Some("12"));
        assert_eq!(with_format(12.0, "[$¥-804]#,##0").as_deref(), Some("¥12"));
        assert_eq!(with_format(5.0, "General"), None);
        assert_eq!(with_format(5.0, "0.00E+00"), None);
        assert_eq!(with_format(5.0, "# ?/?"), None);
    }

    #[test]
    fn dates_as_iso_or_as_their_custom_format() {
        let value = DateTime {
            year: 2024,
            month: 1,
            day: 31,
            hour: 0,
            minute: 0,
            second: 0,
        };
        assert_eq!(date(value, None), "2024-01-31");
        assert_eq!(date(value, Some("mm-dd-yy")), "2024-01-31");
        assert_eq!(
            date(value, Some("yyyy\"年\"m\"月\"d\"日\"")),
            "2024年1月31日"
        );
        assert_eq!(date(value, Some("yyyy/mm/dd")), "2024/01/31");
        assert_eq!(date(value, Some("yyyy年m月")), "2024年1月");
        let with_time = DateTime {
            hour: 8,
            minute: 5,
            ..value
        };
        assert_eq!(date(with_time, None), "2024-01-31 08:05:00");
        assert_eq!(
            date(with_time, Some("yyyy-mm-dd hh:mm")),
            "2024-01-31 08:05"
        );
    }
}
