//! Excel output (`--format xlsx`): a workbook with three sheets, each with a bold, frozen
//! header row and filters on:
//!
//! - **Documents**: one row per input: path, format, bytes, sha256, status, error, title, how
//!   many tables and indicators, warning codes, generator.
//! - **Tables**: one row per table: its document's path, its index, kind, title, project
//!   fields, budget, spending plan, goals, indicator count, warning codes, page and sheet.
//! - **Indicators**: the rows of [`crate::indicator_rows`], the same columns as the CSV.
//!
//! Text is written as text cells (never as formulas, so nothing needs escaping) and numbers as
//! numbers. A cell longer than Excel's limit of 32,767 characters is cut and ends with `…`. A
//! sheet holds at most 1,048,576 rows; more is an error that names `--format csv`.

use std::io::{self, Write};

use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::rows::{Cell, INDICATOR_COLUMNS, indicator_rows};
use crate::{Document, Table};

/// The columns of the Documents sheet.
pub const DOCUMENT_COLUMNS: [&str; 12] = [
    "path",
    "format",
    "bytes",
    "sha256",
    "status",
    "error_code",
    "error_message",
    "title",
    "tables",
    "indicators",
    "warnings",
    "generator",
];

/// The columns of the Tables sheet.
pub const TABLE_COLUMNS: [&str; 19] = [
    "path",
    "table",
    "table_kind",
    "table_title",
    "project_name",
    "project_code",
    "department",
    "project_unit",
    "implementer",
    "budget_unit",
    "budget_total",
    "budget_fiscal",
    "budget_other",
    "spending_plan",
    "goals",
    "indicators",
    "warnings",
    "page",
    "sheet",
];

/// Excel's longest text in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Excel's rows per sheet, the header included.
const MAX_ROWS: u32 = 1_048_576;

/// One sheet being filled.
struct Sheet {
    worksheet: Worksheet,
    columns: u16,
    next_row: u32,
}

/// Builds a workbook as documents arrive and writes it at [`XlsxWriter::finish`]. The
/// workbook is held in memory until then, as the xlsx format requires.
pub struct XlsxWriter {
    documents: Sheet,
    tables: Sheet,
    indicators: Sheet,
}

impl std::fmt::Debug for XlsxWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XlsxWriter")
            .field("documents", &self.documents.next_row)
            .field("tables", &self.tables.next_row)
            .field("indicators", &self.indicators.next_row)
            .finish()
    }
}

fn xlsx_error(error: XlsxError) -> io::Error {
    match error {
        XlsxError::IoError(error) => error,
        other => io::Error::other(format!("cannot write the xlsx workbook: {other}")),
    }
}

impl Sheet {
    fn new(name: &str, columns: &[&str]) -> io::Result<Self> {
        let mut worksheet = Worksheet::new();
        worksheet.set_name(name).map_err(xlsx_error)?;
        let bold = Format::new().set_bold();
        for (index, column) in columns.iter().enumerate() {
            let col = u16::try_from(index).map_err(io::Error::other)?;
            worksheet
                .write_string_with_format(0, col, *column, &bold)
                .map_err(xlsx_error)?;
            worksheet
                .set_column_width(col, column_width(column))
                .map_err(xlsx_error)?;
        }
        worksheet.set_freeze_panes(1, 0).map_err(xlsx_error)?;
        Ok(Sheet {
            worksheet,
            columns: u16::try_from(columns.len()).map_err(io::Error::other)?,
            next_row: 1,
        })
    }

    fn push(&mut self, cells: &[Cell<'_>]) -> io::Result<()> {
        if self.next_row >= MAX_ROWS {
            return Err(io::Error::other(format!(
                "the {} sheet is full ({MAX_ROWS} rows, Excel's limit); use --format csv",
                self.worksheet.name()
            )));
        }
        let row = self.next_row;
        for (index, cell) in cells.iter().enumerate() {
            let col = u16::try_from(index).map_err(io::Error::other)?;
            let written = match *cell {
                Cell::Text(Some(text)) if !text.is_empty() => {
                    Some(self.worksheet.write_string(row, col, fit(text)))
                }
                Cell::Number(Some(number)) if number.is_finite() => {
                    Some(self.worksheet.write_number(row, col, number))
                }
                Cell::Integer(Some(integer)) => {
                    Some(self.worksheet.write_number(row, col, integer))
                }
                Cell::Boolean(Some(boolean)) => {
                    Some(self.worksheet.write_boolean(row, col, boolean))
                }
                _ => None,
            };
            if let Some(result) = written {
                result.map_err(xlsx_error)?;
            }
        }
        self.next_row += 1;
        Ok(())
    }

    fn finish(mut self) -> io::Result<Worksheet> {
        let last_row = self.next_row.saturating_sub(1);
        self.worksheet
            .autofilter(0, 0, last_row, self.columns.saturating_sub(1))
            .map_err(xlsx_error)?;
        Ok(self.worksheet)
    }
}

fn column_width(name: &str) -> f64 {
    match name {
        "path" | "table_title" | "project_name" | "level3" | "description" | "raw"
        | "error_message" | "goals" | "spending_plan" | "title" => 30.0,
        "sha256" => 20.0,
        _ => 12.0,
    }
}

/// Text cut to Excel's cell limit.
fn fit(text: &str) -> String {
    if text.chars().count() <= MAX_CELL_CHARS {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(MAX_CELL_CHARS - 1).collect();
    cut.push('…');
    cut
}

impl XlsxWriter {
    pub fn new() -> io::Result<Self> {
        Ok(XlsxWriter {
            documents: Sheet::new("Documents", &DOCUMENT_COLUMNS)?,
            tables: Sheet::new("Tables", &TABLE_COLUMNS)?,
            indicators: Sheet::new(
                "Indicators",
                &INDICATOR_COLUMNS
                    .iter()
                    .map(|(name, _)| *name)
                    .collect::<Vec<_>>(),
            )?,
        })
    }

    /// Adds one document's rows to the three sheets.
    pub fn write_document(&mut self, document: &Document) -> io::Result<()> {
        let warnings = codes(document.warnings.iter().map(|warning| &warning.code));
        let format = document.source.format.map(|format| format.name());
        let tables = document.tables.len() as f64;
        let indicators = document.indicator_count() as f64;
        let bytes = document.source.bytes.map(|bytes| bytes as f64);
        let error = document.error.as_ref();
        self.documents.push(&[
            Cell::Text(Some(&document.source.path)),
            Cell::Text(format),
            Cell::Number(bytes),
            Cell::Text(document.source.sha256.as_deref()),
            Cell::Text(Some(document.status.name())),
            Cell::Text(error.map(|error| error.code.name())),
            Cell::Text(error.map(|error| error.message.as_str())),
            Cell::Text(document.title.as_deref()),
            Cell::Number(Some(tables)),
            Cell::Number(Some(indicators)),
            Cell::Text(warnings.as_deref()),
            Cell::Text(Some(&document.generator)),
        ])?;
        for (index, table) in document.tables.iter().enumerate() {
            self.write_table(&document.source.path, index, table)?;
        }
        for row in indicator_rows(document) {
            self.indicators.push(&row.cells())?;
        }
        Ok(())
    }

    fn write_table(&mut self, path: &str, index: usize, table: &Table) -> io::Result<()> {
        let kind = serde_json::to_value(table.kind)
            .ok()
            .and_then(|kind| kind.as_str().map(str::to_string));
        let budget = table.budget.as_ref();
        let number = |value: Option<crate::Number>| value.map(crate::Number::get);
        let plan: Vec<String> = table
            .spending_plan
            .iter()
            .map(|item| format!("{}={}", item.label, item.raw))
            .collect();
        let plan = (!plan.is_empty()).then(|| plan.join("; "));
        let mut goals = table.goals.overall.join("\n");
        for extra in [&table.goals.annual, &table.goals.long_term]
            .into_iter()
            .flatten()
        {
            if !goals.is_empty() {
                goals.push('\n');
            }
            goals.push_str(extra);
        }
        let warnings = codes(table.warnings.iter().map(|warning| &warning.code));
        self.tables.push(&[
            Cell::Text(Some(path)),
            Cell::Integer(u32::try_from(index).ok()),
            Cell::Text(kind.as_deref()),
            Cell::Text(table.title.as_deref()),
            Cell::Text(table.project.name.as_deref()),
            Cell::Text(table.project.code.as_deref()),
            Cell::Text(table.project.department.as_deref()),
            Cell::Text(table.project.unit.as_deref()),
            Cell::Text(table.project.implementer.as_deref()),
            Cell::Text(budget.map(|budget| budget.unit.as_str())),
            Cell::Number(number(budget.and_then(|budget| budget.total))),
            Cell::Number(number(budget.and_then(|budget| budget.fiscal))),
            Cell::Number(number(budget.and_then(|budget| budget.other))),
            Cell::Text(plan.as_deref()),
            Cell::Text(Some(&goals)),
            Cell::Integer(u32::try_from(table.indicators.len()).ok()),
            Cell::Text(warnings.as_deref()),
            Cell::Integer(table.location.page),
            Cell::Text(table.location.sheet.as_deref()),
        ])
    }

    /// Writes the workbook to `output`.
    pub fn finish<W: Write + Send>(self, output: W) -> io::Result<()> {
        let mut workbook = Workbook::new();
        workbook.push_worksheet(self.documents.finish()?);
        workbook.push_worksheet(self.tables.finish()?);
        workbook.push_worksheet(self.indicators.finish()?);
        workbook.save_to_writer(output).map_err(xlsx_error)
    }

    /// The workbook as bytes.
    pub fn into_bytes(self) -> io::Result<Vec<u8>> {
        let mut cursor = io::Cursor::new(Vec::new());
        self.finish(&mut cursor)?;
        Ok(cursor.into_inner())
    }
}

/// Distinct codes, `;`-separated, or `None`.
fn codes<'a>(codes: impl Iterator<Item = &'a String>) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for code in codes {
        if !seen.contains(&code.as_str()) {
            seen.push(code);
        }
    }
    (!seen.is_empty()).then(|| seen.join(";"))
}
