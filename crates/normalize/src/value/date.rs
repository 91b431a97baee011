//! Dates (`2021年12月30日`, `2022年1月1日—2022年12月31日`) and deadlines (`6月底前完成`,
//! `2022年底前完成`).
//!
//! A time is a year (`2022年`, four digits from 1900 to 2100), a month (`12月`, `10月份`), a day
//! (`30日`, `30号`) in that order, each optional as long as a year or a month is there, or the
//! numeric forms `2022-06-30`, `2022/6/30`, `2022.6.30`. `底` or `末` after a year or a month
//! names its end (`2022年底`, `6月底`); `年底` alone is the end of an unnamed year.

use std::fmt::Write as _;

use super::lexicon::{
    APPROX_PREFIXES, COMPLETION_WORDS, DEADLINE_LEADS, DEADLINE_MARKERS, RANGE_SEPARATORS,
};
use super::scan::Cursor;
use super::{Parsed, ValueKind};

/// What the date grammar makes of a cell.
#[derive(Debug)]
pub(super) enum Reading {
    /// A date, a date range or a deadline.
    Value(Parsed),
    /// The cell starts with a time, but what it says is no date: an impossible date
    /// (`2021年2月29日`) or a time followed by words (`2021年12月30日验收`). It is text, and no
    /// later rule may read the year as a number.
    Text,
    /// The cell does not start with a time.
    NotADate,
}

/// A point in time as written; what the cell leaves out stays `None`.
#[derive(Debug, Clone, Copy, Default)]
struct Time {
    year: Option<u16>,
    month: Option<u8>,
    day: Option<u8>,
    /// `底` or `末`: the end of the year or month named.
    end: bool,
}

/// A time, a time that cannot exist, or no time at all.
enum Scan {
    Time(Time),
    Impossible,
    Nothing,
}

pub(super) fn read(body: &str) -> Reading {
    let mut cursor = Cursor::new(body);
    let approx = cursor.eat_word(APPROX_PREFIXES).is_some();
    let lead = cursor.eat_word(DEADLINE_LEADS).is_some();
    let start = match time(&mut cursor, None) {
        Scan::Time(time) => time,
        Scan::Impossible => return Reading::Text,
        Scan::Nothing => return Reading::NotADate,
    };

    if !lead && !start.end {
        if cursor.at_end() {
            return Reading::Value(date(start, None, approx));
        }
        let before = cursor;
        if cursor.eat_word(RANGE_SEPARATORS).is_some() {
            match time(&mut cursor, start.year) {
                Scan::Time(end) if cursor.at_end() && !end.end => {
                    // A range that ends before it starts is a mistake in the document; reading
                    // it would hand the user a date that is wrong one way or the other.
                    if let (Some(from), Some(to)) = (iso(start), iso(end))
                        && to < from
                    {
                        return Reading::Text;
                    }
                    return Reading::Value(date(start, Some(end), approx));
                }
                Scan::Impossible => return Reading::Text,
                _ => cursor = before,
            }
        }
    }

    let marker = cursor.eat_word(DEADLINE_MARKERS).is_some();
    let rest = cursor.rest();
    let completes = rest.starts_with("完成");
    if !(lead || start.end || marker || completes) {
        return Reading::Text;
    }
    let mut parsed = Parsed::empty(ValueKind::Deadline);
    parsed.date = iso(start);
    parsed.approx = approx;
    if !rest.is_empty() && !COMPLETION_WORDS.contains(&rest) {
        parsed.text = Some(rest.to_string());
    }
    Reading::Value(parsed)
}

/// A date, or a date range when `end` is given. The end of a range inherits the year of its
/// start when it names none (`2022年1月1日至12月31日`).
fn date(start: Time, end: Option<Time>, approx: bool) -> Parsed {
    let mut parsed = Parsed::empty(ValueKind::Date);
    parsed.date = iso(start);
    parsed.date_end = end.and_then(iso);
    parsed.approx = approx;
    parsed
}

/// The ISO 8601 form of a time: `2022-06-30`, `2022-06` or `2022`; the end of a month or year
/// becomes its last day. Without a year, the month and day are kept in ISO 8601's form for a
/// date of an unnamed year: `--06-30` (`6月底`, `6月30日`), `--06` (`6月份`), `--12-31`
/// (`年底`); the output fills in the year when the table names one. `None` when no month is
/// known either.
fn iso(time: Time) -> Option<String> {
    let mut out = String::with_capacity(10);
    match time.year {
        // Writing into a String cannot fail, so the results are ignored.
        Some(year) => {
            let _ = write!(out, "{year:04}");
        }
        None if time.month.is_some() || time.end => out.push('-'),
        None => return None,
    }
    match (time.month, time.day, time.end) {
        (Some(month), Some(day), _) => {
            let _ = write!(out, "-{month:02}-{day:02}");
        }
        (Some(month), None, true) => {
            let _ = write!(out, "-{month:02}-{:02}", days_in_month(time.year, month));
        }
        (Some(month), None, false) => {
            let _ = write!(out, "-{month:02}");
        }
        (None, _, true) => out.push_str("-12-31"),
        (None, _, false) => {}
    }
    Some(out)
}

/// Reads a time. `year` is the year to assume when the text names none (the end of a range).
fn time(cursor: &mut Cursor<'_>, year: Option<u16>) -> Scan {
    if let Some(scan) = numeric_date(cursor) {
        return scan;
    }
    let mut ahead = *cursor;
    let mut time = Time::default();

    let before_year = ahead;
    let digits = ahead.digits();
    if digits.len() == 4 && (ahead.eat("年度") || ahead.eat("年")) {
        let Some(value) = digits
            .parse::<u16>()
            .ok()
            .filter(|y| (1900..=2100).contains(y))
        else {
            return Scan::Nothing;
        };
        time.year = Some(value);
        if ahead.eat("底") || ahead.eat("末") {
            time.end = true;
            *cursor = ahead;
            return Scan::Time(time);
        }
    } else {
        ahead = before_year;
        if ahead.eat("年底") || ahead.eat("年末") {
            time.end = true;
            *cursor = ahead;
            return Scan::Time(time);
        }
    }

    let before_month = ahead;
    let digits = ahead.digits();
    if (1..=2).contains(&digits.len()) && ahead.eat("月") {
        ahead.eat("份");
        let Some(month) = digits.parse::<u8>().ok().filter(|m| (1..=12).contains(m)) else {
            return Scan::Impossible;
        };
        time.month = Some(month);
        if ahead.eat("底") || ahead.eat("末") {
            time.end = true;
        } else {
            let before_day = ahead;
            let digits = ahead.digits();
            if (1..=2).contains(&digits.len()) && (ahead.eat("日") || ahead.eat("号")) {
                let limit = days_in_month(time.year.or(year), month);
                let Some(day) = digits
                    .parse::<u8>()
                    .ok()
                    .filter(|d| (1..=limit).contains(d))
                else {
                    return Scan::Impossible;
                };
                time.day = Some(day);
            } else {
                ahead = before_day;
            }
        }
    } else {
        ahead = before_month;
    }

    if time.year.is_none() && time.month.is_none() {
        return Scan::Nothing;
    }
    if time.year.is_none() {
        time.year = year;
    }
    *cursor = ahead;
    Scan::Time(time)
}

/// `2022-06-30`, `2022/6/30` or `2022.6.30`: a year and all three parts, with one separator.
/// A year and a month alone (`2019.12`) are left to the number grammar, which they resemble.
fn numeric_date(cursor: &mut Cursor<'_>) -> Option<Scan> {
    let mut ahead = *cursor;
    let year = ahead.digits();
    if year.len() != 4 {
        return None;
    }
    let separator = ["-", "/", "."].into_iter().find(|sep| ahead.eat(sep))?;
    let month = ahead.digits();
    if !(1..=2).contains(&month.len()) || !ahead.eat(separator) {
        return None;
    }
    let day = ahead.digits();
    if !(1..=2).contains(&day.len()) {
        return None;
    }
    let year = year
        .parse::<u16>()
        .ok()
        .filter(|y| (1900..=2100).contains(y))?;
    let Some(month) = month.parse::<u8>().ok().filter(|m| (1..=12).contains(m)) else {
        return Some(Scan::Impossible);
    };
    let limit = days_in_month(Some(year), month);
    let Some(day) = day.parse::<u8>().ok().filter(|d| (1..=limit).contains(d)) else {
        return Some(Scan::Impossible);
    };
    *cursor = ahead;
    Some(Scan::Time(Time {
        year: Some(year),
        month: Some(month),
        day: Some(day),
        end: false,
    }))
}

/// The days of a month; February has 29 when the year is unknown, so that `2月29日` is not
/// rejected for want of a year.
fn days_in_month(year: Option<u16>, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 => match year {
            Some(year) if !(year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) => 28,
            _ => 29,
        },
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn february_follows_the_leap_years() {
        assert_eq!(days_in_month(Some(2024), 2), 29);
        assert_eq!(days_in_month(Some(2100), 2), 28);
        assert_eq!(days_in_month(Some(2000), 2), 29);
        assert_eq!(days_in_month(None, 2), 29);
    }

    #[test]
    fn a_year_that_is_no_calendar_year_is_no_date() {
        assert!(matches!(read("3000年"), Reading::NotADate));
        assert!(matches!(read("1年"), Reading::NotADate));
        assert!(matches!(read("12个月"), Reading::NotADate));
    }
}
