//! The xlsx and xls readers, on calamine.
//!
//! Every sheet is read in workbook order; its cells and merged regions become grids (one per
//! block of rows between fully empty rows, see [`layout`]) whose `location.sheet` is the sheet
//! name. Values read as the user sees them in Excel (see [`display`]): `23.85`, a text `80.00`
//! kept as written, `100` not `100.0`, `100%` where the cell is formatted as a percentage,
//! dates as dates, formulas as their cached values, errors as their text (`#DIV/0!`).
//!
//! Before calamine sees a file, the reader refuses what would make it allocate without bound:
//! an xlsx whose parts inflate past the limits (a zip bomb) or whose shared-string table
//! declares an impossible count, an xls whose records spread over more cells than
//! `--max-cells` (see [`biff`]). Cells are read through calamine's streaming cell reader for
//! xlsx, never as a dense range. calamine can still panic on some corrupt files (upstream
//! issue 721, xls formulas); each call into it is guarded, and a panic becomes `unreadable`.
//!
//! ```
//! use jixiao_read::{Format, Limits, read};
//!
//! let bytes = std::fs::read(concat!(
//!     env!("CARGO_MANIFEST_DIR"),
//!     "/../../fixtures/xlsx/000_5951d4f30969a9c2.xlsx"
//! ))?;
//! let document = read(Format::Xlsx, &bytes, None, &Limits::default())?;
//! let grid = document.grids().next().expect("a grid");
//! assert_eq!(grid.location.sheet.as_deref(), Some("Sheet1"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod biff;
mod compact;
pub mod display;
mod layout;
mod parts;

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{
    Data, DataRef, Reader, SheetType, Xls, XlsError, Xlsx, XlsxError, XlsxFormulaMetadata,
};
use jixiao_grid::Diagnostic;

use crate::archive::Archive;
use crate::detect::{self, ole2, ole2::CompoundFile};
use crate::{DocumentBuilder, Limits, ReadError};

use layout::{Region, SheetCell};

/// How often (in cells) the time budget is checked while a sheet is read.
const TIME_CHECK_EVERY: usize = 4096;

/// Reads an xlsx workbook.
pub fn read_xlsx(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    if detect::is_ole2(bytes) {
        if detect::is_encrypted_ooxml(bytes) {
            return Err(encrypted());
        }
        // An Excel 97–2003 workbook named .xlsx.
        return read_xls(bytes, document);
    }
    let limits = document.limits();
    let mut archive = Archive::open(bytes, "workbook")?;
    if !archive.contains("xl/workbook.xml") && archive.contains("xl/workbook.bin") {
        return Err(ReadError::UnsupportedFormat(
            "the file is a binary Excel workbook (.xlsb), which is not supported; save it as \
             .xlsx in Excel and read it again"
                .to_string(),
        ));
    }
    archive.check_inflation(document)?;
    check_shared_strings(&mut archive, limits)?;
    let paths = parts::sheet_paths(&mut archive, limits);

    guarded("workbook", || {
        let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(xlsx_error)?;
        let sheets = workbook.sheets_metadata().to_vec();
        for sheet in sheets {
            document.check_time()?;
            if matches!(sheet.typ, SheetType::ChartSheet | SheetType::Vba) {
                continue;
            }
            let name = sheet.name;
            // The sheet's own bytes, when its part can be found, give the merges and tell
            // whether it has formulas; otherwise calamine's passes do.
            // Streamed, never held whole: a sheet part may inflate to hundreds of megabytes.
            let look = paths.get(&name).and_then(|path| {
                archive
                    .stream(path, limits, parts::look_stream)
                    .ok()
                    .flatten()
                    .and_then(Result::ok)
            });
            if let Some(look) = &look
                && look.longest_run > parts::MAX_RUN
            {
                // calamine's XML parser would buffer the whole stretch; no spreadsheet
                // writes one, so the sheet is left out rather than the file.
                document.diagnostic(Diagnostic::loss(
                    "sheet_unreadable",
                    format!(
                        "sheet {name} holds {} of text or white space in one stretch \
                         between two tags, which no spreadsheet writes (a cell holds at \
                         most 32,767 characters); the sheet was left out",
                        crate::limits::human_bytes(look.longest_run)
                    ),
                ));
                continue;
            }
            let (merges, has_formulas) = match look {
                Some(look) => (look.merges, look.has_formulas),
                None => match workbook.merge_cells_by_sheet_name(&name) {
                    Ok(merges) => (regions(merges), true),
                    Err(error) => {
                        document.diagnostic(Diagnostic::loss(
                            "merges_unreadable",
                            format!(
                                "sheet {name}: its merged cells could not be read ({error}); \
                                 cells are shown unmerged"
                            ),
                        ));
                        (Vec::new(), true)
                    }
                },
            };
            let Some(cells) = read_xlsx_sheet(&mut workbook, &name, has_formulas, document)? else {
                continue;
            };
            layout::sheet_grids(&name, cells, merges, document)?;
        }
        Ok(())
    })
}

/// A cell value before its number format is known.
enum Raw {
    Text(String),
    Number(f64),
    Date(calamine::ExcelDateTime),
}

/// Reads the cells of one xlsx sheet. `None` for a sheet that is not a worksheet or cannot be
/// read at all (reported in the document's diagnostics).
///
/// Two streaming passes over the sheet: values with their formulas, then (only when the sheet
/// has numbers) the style of each cell, joined by position since both passes see the cells in
/// the same order. Neither pass builds a dense range.
fn read_xlsx_sheet(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    has_formulas: bool,
    document: &mut DocumentBuilder<'_>,
) -> Result<Option<Vec<SheetCell>>, ReadError> {
    if !has_formulas {
        return read_xlsx_sheet_without_formulas(workbook, name, document);
    }
    let mut raw: Vec<(u32, u32, Raw)> = Vec::new();
    let mut has_numbers = false;
    {
        let mut reader = match workbook.worksheet_cells_reader(name) {
            Ok(reader) => reader,
            Err(XlsxError::NotAWorksheet(_)) => return Ok(None),
            Err(error) => {
                document.diagnostic(Diagnostic::loss(
                    "sheet_unreadable",
                    format!("sheet {name} could not be read ({error})"),
                ));
                return Ok(None);
            }
        };
        // Shared formulas whose anchor is a typed value (`=100%`): the cells deriving from
        // it show the same value.
        let mut shared_typed: HashMap<usize, String> = HashMap::new();
        let mut skipped = Skipped::default();
        loop {
            let record = match reader.next_cell_with_formula_metadata() {
                Ok(Some(record)) => record,
                Ok(None) => break,
                Err(error) => {
                    if skipped.skip(&error) {
                        continue;
                    }
                    document.diagnostic(sheet_damaged(name, raw.len(), &error));
                    break;
                }
            };
            skipped.read_one();
            let (row, col) = record.pos;
            let is_error = matches!(record.value, DataRef::Error(_));
            let typed = match &record.formula {
                Some(XlsxFormulaMetadata::Normal { formula }) => typed_value(formula, is_error),
                Some(XlsxFormulaMetadata::Shared {
                    shared_index,
                    formula,
                    ..
                }) => {
                    let typed = typed_value(formula, is_error);
                    if let Some(typed) = &typed {
                        shared_typed.insert(*shared_index, typed.clone());
                    }
                    typed
                }
                Some(XlsxFormulaMetadata::SharedDerived { shared_index }) => {
                    shared_typed.get(shared_index).cloned()
                }
                Some(_) | None => None,
            };
            let value = match typed {
                Some(typed) => Raw::Text(typed),
                None => match raw_value(record.value) {
                    Some(value) => value,
                    None => continue,
                },
            };
            has_numbers |= !matches!(value, Raw::Text(_));
            raw.push((row, col, value));
            check_cells(raw.len(), document)?;
        }
        document.diagnostics(skipped.diagnostic(name));
    }

    // Number format codes of the numeric cells, by a second pass over the styles.
    let mut codes: Vec<Option<String>> = Vec::new();
    let mut styles: Vec<(u32, u32, usize)> = Vec::new();
    if has_numbers && let Ok(mut reader) = workbook.worksheet_cells_reader(name) {
        codes = reader
            .styles()
            .iter()
            .map(|style| {
                style
                    .number_format
                    .as_ref()
                    .map(|format| format.format_code.clone())
            })
            .collect();
        let mut next = 0usize;
        while let Ok(Some((row, col, style))) = reader.next_style_id() {
            // Keep only the styles of numeric cells. Cells are in row-major order in both
            // passes (the format requires it); a file that breaks the order loses formats,
            // never values.
            while next < raw.len() && (raw[next].0, raw[next].1) < (row, col) {
                next += 1;
            }
            if next < raw.len()
                && (raw[next].0, raw[next].1) == (row, col)
                && !matches!(raw[next].2, Raw::Text(_))
            {
                styles.push((row, col, style));
            }
        }
    }
    let mut styles = styles.into_iter().peekable();
    let cells = raw
        .into_iter()
        .map(|(row, col, value)| {
            let mut code = None;
            if !matches!(value, Raw::Text(_)) {
                while styles.peek().is_some_and(|&(r, c, _)| (r, c) < (row, col)) {
                    styles.next();
                }
                if let Some(&(r, c, style)) = styles.peek()
                    && (r, c) == (row, col)
                {
                    code = codes.get(style).and_then(|code| code.as_deref());
                }
            }
            SheetCell {
                row,
                col,
                text: raw_text(value, code),
            }
        })
        .collect();
    Ok(Some(cells))
}

/// Reads a sheet without formulas in calamine's single pass of values with their styles.
fn read_xlsx_sheet_without_formulas(
    workbook: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
    document: &mut DocumentBuilder<'_>,
) -> Result<Option<Vec<SheetCell>>, ReadError> {
    let mut reader = match workbook.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        Err(XlsxError::NotAWorksheet(_)) => return Ok(None),
        Err(error) => {
            document.diagnostic(Diagnostic::loss(
                "sheet_unreadable",
                format!("sheet {name} could not be read ({error})"),
            ));
            return Ok(None);
        }
    };
    let codes: Vec<Option<String>> = reader
        .styles()
        .iter()
        .map(|style| {
            style
                .number_format
                .as_ref()
                .map(|format| format.format_code.clone())
        })
        .collect();
    let mut cells = Vec::new();
    let mut skipped = Skipped::default();
    loop {
        match reader.next_cell_with_style_id() {
            Ok(Some((cell, style))) => {
                skipped.read_one();
                let (row, col) = cell.get_position();
                let Some(value) = raw_value(cell.get_value().clone()) else {
                    continue;
                };
                let code = codes.get(style).and_then(|code| code.as_deref());
                cells.push(SheetCell {
                    row,
                    col,
                    text: raw_text(value, code),
                });
                check_cells(cells.len(), document)?;
            }
            Ok(None) => break,
            Err(error) => {
                if skipped.skip(&error) {
                    continue;
                }
                document.diagnostic(sheet_damaged(name, cells.len(), &error));
                break;
            }
        }
    }
    document.diagnostics(skipped.diagnostic(name));
    Ok(Some(cells))
}

/// A cell's value before formatting; `None` for an empty cell.
fn raw_value(value: DataRef<'_>) -> Option<Raw> {
    Some(match value {
        DataRef::Empty => return None,
        DataRef::String(text) => Raw::Text(clean(&text)),
        DataRef::SharedString(text) => Raw::Text(clean(text)),
        DataRef::Int(number) => Raw::Number(number as f64),
        DataRef::Float(number) => Raw::Number(number),
        DataRef::Bool(value) => Raw::Text(bool_text(value)),
        DataRef::DateTime(value) => Raw::Date(value),
        DataRef::DateTimeIso(text) => Raw::Text(iso_text(&text)),
        DataRef::DurationIso(text) => Raw::Text(text),
        DataRef::Error(error) => Raw::Text(error.to_string()),
    })
}

/// A value shown through its number format code.
fn raw_text(value: Raw, code: Option<&str>) -> String {
    match value {
        Raw::Text(text) => text,
        Raw::Number(number) => number_text(number, code),
        Raw::Date(date) => date_text(&date, code),
    }
}

/// Cell records skipped because calamine could not read them (a shared-string index past the
/// table, a malformed cell reference): the rest of the sheet is still read. A sheet whose
/// reader keeps failing without reading a cell in between is damaged past that, and stops.
#[derive(Debug, Default)]
struct Skipped {
    count: usize,
    in_a_row: usize,
    first: Option<String>,
}

impl Skipped {
    /// Most records skipped in one sheet, and in a row, before the sheet is taken as damaged.
    const MAX: usize = 10_000;
    const MAX_IN_A_ROW: usize = 64;

    /// Records one failed record; false when reading should stop.
    fn skip(&mut self, error: &dyn std::fmt::Display) -> bool {
        self.count += 1;
        self.in_a_row += 1;
        if self.first.is_none() {
            self.first = Some(error.to_string());
        }
        self.count <= Self::MAX && self.in_a_row <= Self::MAX_IN_A_ROW
    }

    fn read_one(&mut self) {
        self.in_a_row = 0;
    }

    /// The loss, when records were skipped and reading went on past them.
    fn diagnostic(&self, name: &str) -> Option<Diagnostic> {
        let first = self.first.as_ref()?;
        // The failures in a row that stopped the sheet are its damage, not skipped records.
        let stopped = self.count > Self::MAX || self.in_a_row > Self::MAX_IN_A_ROW;
        let skipped = if stopped {
            self.count.saturating_sub(self.in_a_row)
        } else {
            self.count
        };
        (skipped > 0).then(|| {
            Diagnostic::loss(
                "cells_skipped",
                format!(
                    "sheet {name}: {skipped} damaged cell record(s) were skipped ({first}); the \
                     other cells were read"
                ),
            )
        })
    }
}

/// The loss when calamine stops partway through a sheet: the cells read so far are kept.
fn sheet_damaged(name: &str, cells: usize, error: &dyn std::fmt::Display) -> Diagnostic {
    Diagnostic::loss(
        "sheet_damaged",
        format!(
            "sheet {name}: reading stopped after {cells} cells because the sheet is damaged \
             ({error})"
        ),
    )
}

/// The value an author typed after `=` when a formula is nothing more: in these tables
/// `=100%` and `=12次` mean "equal to", yet a spreadsheet takes them for formulas (showing
/// `100%`, or `#NAME?` for text it cannot evaluate). Such a cell reads as `=100%` / `=12次`.
/// Formulas that compute something (references, functions) keep their cached value.
fn typed_value(formula: &str, cached_error: bool) -> Option<String> {
    let formula = formula.trim();
    let formula = formula.strip_prefix('=').unwrap_or(formula).trim();
    if formula.is_empty() {
        return None;
    }
    let number = formula.strip_suffix('%').unwrap_or(formula);
    let number = number.strip_prefix(['+', '-']).unwrap_or(number);
    let is_number = !number.is_empty()
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
        && number.chars().filter(|&c| c == '.').count() <= 1
        && number.chars().any(|c| c.is_ascii_digit());
    if is_number {
        return Some(format!("={formula}"));
    }
    if let Some(inner) = formula
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        && !inner.contains('"')
    {
        return Some(format!("={inner}"));
    }
    let looks_computed = formula
        .chars()
        .any(|c| matches!(c, '(' | ')' | '!' | ':' | '"' | '$' | '&'));
    if cached_error && !looks_computed && !formula.is_ascii() {
        return Some(format!("={formula}"));
    }
    None
}

/// Reads an xls (Excel 97–2003) workbook.
pub fn read_xls(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    if detect::is_zip(bytes) {
        // An xlsx workbook named .xls.
        return read_xlsx(bytes, document);
    }
    if !detect::is_ole2(bytes) {
        return Err(ReadError::Unreadable(
            "the file is not an Excel 97–2003 workbook: it does not start with the compound \
             file signature"
                .to_string(),
        ));
    }
    let mut file = CompoundFile::parse(bytes).map_err(|error| {
        ReadError::Unreadable(format!(
            "the workbook's container is damaged ({error}); the file may be truncated or corrupt"
        ))
    })?;
    if file.has_stream(ole2::ENCRYPTED_PACKAGE) {
        return Err(encrypted());
    }
    let stream = match file.read_stream("Workbook") {
        Ok(Some(stream)) => stream,
        Ok(None) => match file.read_stream("Book") {
            Ok(Some(stream)) => stream,
            Ok(None) if file.has_stream("WordDocument") => {
                return Err(ReadError::Unreadable(
                    "the file is a Word document, not a workbook".to_string(),
                ));
            }
            Ok(None) => {
                return Err(ReadError::Unreadable(
                    "the file holds no workbook stream; it is not an Excel workbook".to_string(),
                ));
            }
            Err(error) => return Err(damaged_stream(error)),
        },
        Err(error) => return Err(damaged_stream(error)),
    };
    let mut scan = biff::scan(&stream, document)?;
    if scan.encrypted {
        return Err(encrypted());
    }
    // A sheet whose sizes lie (a far cell, a false DIMENSIONS) is rewritten with its empty runs
    // collapsed, so that calamine allocates by the cells present; positions are mapped back.
    let mut compacted = None;
    if scan.sprawling || scan.oversized.is_some() {
        match compact::compact(&stream) {
            Some(rewritten) => {
                let again = biff::scan(&rewritten.stream, document)?;
                if let Some(error) = again.oversized {
                    return Err(error);
                }
                compacted = Some(rewritten);
            }
            None => {
                if let Some(error) = scan.oversized.take() {
                    return Err(error);
                }
            }
        }
    }
    drop(stream);
    let (file, axes): (&[u8], Vec<compact::Axes>) = match &compacted {
        Some(rewritten) => (&rewritten.file, rewritten.sheets.clone()),
        None => (bytes, Vec::new()),
    };
    let original = |sheet: usize, row: u32, col: u32| match axes.get(sheet) {
        Some(axes) => axes.original(row, col),
        None => (row, col),
    };

    guarded("workbook", || {
        let mut workbook: Xls<_> = Xls::new(Cursor::new(file)).map_err(xls_error)?;
        let sheets = workbook.sheets_metadata().to_vec();
        if compacted.is_some() {
            document.diagnostic(Diagnostic::new(
                "sheet_size_corrected",
                "the workbook declares sheets far larger than the cells they hold (a far cell \
                 or a false used range); it was read by the cells present",
            ));
        }
        for (index, sheet) in sheets.into_iter().enumerate() {
            document.check_time()?;
            if matches!(sheet.typ, SheetType::ChartSheet | SheetType::Vba) {
                continue;
            }
            let name = sheet.name;
            let range = match workbook.worksheet_range(&name) {
                Ok(range) => range,
                Err(error) => {
                    document.diagnostic(Diagnostic::loss(
                        "sheet_unreadable",
                        format!("sheet {name} could not be read ({error})"),
                    ));
                    continue;
                }
            };
            let merges = workbook
                .merge_cells_by_sheet_name(&name)
                .unwrap_or_default()
                .into_iter()
                .map(|merge| {
                    Region::new(
                        original(index, merge.start.0, merge.start.1),
                        original(index, merge.end.0, merge.end.1),
                    )
                })
                .collect();
            let (top, left) = range.start().unwrap_or((0, 0));
            let mut cells = Vec::new();
            for (row, col, value) in range.used_cells() {
                let (row, col) = original(index, top + row as u32, left + col as u32);
                let text = match scan.typed(index, row, col) {
                    Some(text) => text.to_string(),
                    None => xls_text(value, scan.format(index, row, col)),
                };
                if !text.is_empty() {
                    cells.push(SheetCell { row, col, text });
                    check_cells(cells.len(), document)?;
                }
            }
            layout::sheet_grids(&name, cells, merges, document)?;
        }
        Ok(())
    })
}

fn regions(merges: Vec<calamine::Dimensions>) -> Vec<Region> {
    merges
        .into_iter()
        .map(|merge| Region::new(merge.start, merge.end))
        .collect()
}

/// Fails once the cells read from one sheet, not yet laid out, would pass the budget, and
/// every few thousand cells once the time is spent.
fn check_cells(count: usize, document: &DocumentBuilder<'_>) -> Result<(), ReadError> {
    document.check_cells(count)?;
    if count.is_multiple_of(TIME_CHECK_EVERY) {
        document.check_time()?;
    }
    Ok(())
}

/// The text of an xls cell as Excel shows it.
fn xls_text(value: &Data, code: Option<&str>) -> String {
    match value {
        Data::Empty => String::new(),
        Data::String(text) => clean(text),
        Data::Int(number) => number_text(*number as f64, code),
        Data::Float(number) => number_text(*number, code),
        Data::Bool(value) => bool_text(*value),
        Data::DateTime(value) => date_text(value, code),
        Data::DateTimeIso(text) => iso_text(text),
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => error.to_string(),
    }
}

fn number_text(number: f64, code: Option<&str>) -> String {
    code.and_then(|code| display::with_format(number, code))
        .unwrap_or_else(|| display::general(number))
}

fn bool_text(value: bool) -> String {
    if value { "TRUE" } else { "FALSE" }.to_string()
}

fn date_text(value: &calamine::ExcelDateTime, code: Option<&str>) -> String {
    if value.is_duration() {
        // Elapsed time such as `[h]:mm:ss`: hours may exceed a day.
        let seconds = (value.as_f64() * 86_400.0).round();
        if !seconds.is_finite() || seconds.abs() > 1e12 {
            return display::general(value.as_f64());
        }
        let seconds = seconds as i64;
        let sign = if seconds < 0 { "-" } else { "" };
        let seconds = seconds.abs();
        return format!(
            "{sign}{}:{:02}:{:02}",
            seconds / 3600,
            seconds / 60 % 60,
            seconds % 60
        );
    }
    let (year, month, day, hour, minute, second, _) = value.to_ymd_hms_milli();
    display::date(
        display::DateTime {
            year,
            month,
            day,
            hour,
            minute,
            second,
        },
        code,
    )
}

/// An ISO 8601 date from a `t="d"` cell, without a midnight time of day.
fn iso_text(text: &str) -> String {
    text.strip_suffix("T00:00:00")
        .or_else(|| text.strip_suffix("T00:00:00Z"))
        .unwrap_or(text)
        .to_string()
}

/// Cell text with line breaks as `'\n'` and no surrounding whitespace.
fn clean(text: &str) -> String {
    let text = text.trim();
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

/// Refuses a shared-string table whose declared count would make calamine reserve far more
/// memory than the part could ever need: each string takes at least five bytes of XML.
fn check_shared_strings(archive: &mut Archive<'_>, limits: &Limits) -> Result<(), ReadError> {
    let names: Vec<String> = archive
        .names()
        .into_iter()
        .filter(|name| name.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for name in names {
        // Streamed, never held whole (calamine reads the strings itself afterwards).
        let Some(look) = archive.stream(&name, limits, parts::look_stream)? else {
            continue;
        };
        let look = look.map_err(|error| {
            ReadError::Unreadable(format!(
                "the workbook's part {name} is damaged ({error}); the file may be truncated or \
                 corrupt"
            ))
        })?;
        if look.longest_run > parts::MAX_RUN {
            return Err(ReadError::TooLarge(format!(
                "the workbook's shared strings ({name}) hold {} of text or white space in one \
                 stretch, which no spreadsheet writes (a cell holds at most 32,767 characters)",
                crate::limits::human_bytes(look.longest_run)
            )));
        }
        let head = &look.head[..];
        let Some(count) = attribute_number(head, b"uniqueCount=") else {
            continue;
        };
        let possible = look.bytes / 5 + 1024;
        if count > possible && count > 1_000_000 {
            return Err(ReadError::Unreadable(format!(
                "the workbook's shared string table declares {count} strings but has room for \
                 at most {possible}; the file is corrupt"
            )));
        }
    }
    Ok(())
}

/// The number in `name"123"` (or with single quotes) inside `bytes`.
fn attribute_number(bytes: &[u8], name: &[u8]) -> Option<u64> {
    let start = bytes.windows(name.len()).position(|w| w == name)? + name.len();
    let rest = bytes.get(start + 1..)?;
    let digits: Vec<u8> = rest
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .take(20)
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// Runs calamine work, turning a panic inside it into an `unreadable` error.
fn guarded<T>(what: &str, work: impl FnOnce() -> Result<T, ReadError>) -> Result<T, ReadError> {
    catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
        Err(ReadError::Unreadable(format!(
            "the {what} could not be parsed: the spreadsheet parser failed on its content; the \
             file is probably damaged"
        )))
    })
}

fn encrypted() -> ReadError {
    ReadError::Encrypted(
        "the workbook is protected by a password to open; remove the password in Excel \
         (File › Info › Protect Workbook) and save it again"
            .to_string(),
    )
}

fn damaged_stream(error: detect::ole2::Ole2Error) -> ReadError {
    ReadError::Unreadable(format!(
        "the workbook stream is damaged ({error}); the file may be truncated or corrupt"
    ))
}

fn xlsx_error(error: XlsxError) -> ReadError {
    match error {
        XlsxError::Password => encrypted(),
        XlsxError::Zip(error) => ReadError::Unreadable(format!(
            "the workbook is not a readable zip package ({error}); it may be truncated or corrupt"
        )),
        other => ReadError::Unreadable(format!(
            "the workbook cannot be read ({other}); it may be damaged"
        )),
    }
}

fn xls_error(error: XlsError) -> ReadError {
    match error {
        XlsError::Password => encrypted(),
        other => ReadError::Unreadable(format!(
            "the workbook cannot be read ({other}); it may be damaged"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::ole2::tests::build;

    #[test]
    fn encrypted_workbooks_answer_encrypted_whatever_their_name() {
        let encrypted = build(&[("EncryptionInfo", b"i"), ("EncryptedPackage", b"p")]);
        for format in [crate::Format::Xlsx, crate::Format::Xls] {
            let error =
                crate::read(format, &encrypted, None, &Limits::default()).expect_err("encrypted");
            assert_eq!(error.code(), "encrypted");
            assert!(error.to_string().contains("password"), "{error}");
        }
    }

    #[test]
    fn compound_files_without_a_workbook_are_unreadable() {
        let doc = build(&[("WordDocument", b"w")]);
        let error = crate::read_default(crate::Format::Xls, &doc).expect_err("doc");
        assert_eq!(error.code(), "unreadable");
        assert!(error.to_string().contains("Word document"), "{error}");
        let empty = build(&[("Other", b"x")]);
        assert_eq!(
            crate::read_default(crate::Format::Xls, &empty)
                .expect_err("none")
                .code(),
            "unreadable"
        );
    }

    #[test]
    fn typed_values_are_recognised_and_computations_are_not() {
        assert_eq!(typed_value("100%", false).as_deref(), Some("=100%"));
        assert_eq!(typed_value("=0.5", false).as_deref(), Some("=0.5"));
        assert_eq!(typed_value("\"6次\"", true).as_deref(), Some("=6次"));
        assert_eq!(typed_value("12次", true).as_deref(), Some("=12次"));
        assert_eq!(typed_value("12次", false), None);
        assert_eq!(typed_value("SUM(A1:A3)", false), None);
        assert_eq!(typed_value("A1*2", false), None);
        assert_eq!(typed_value("1+1", false), None);
        assert_eq!(typed_value("合计!A1", true), None);
    }
}
