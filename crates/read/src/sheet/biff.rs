//! A look at an xls `Workbook` stream before calamine parses it.
//!
//! calamine builds each sheet as a dense rectangle spanning every cell record, and reserves
//! room for the used range a `DIMENSIONS` record declares; a tiny file with one cell at A1 and
//! one at IV65536, or a lying `DIMENSIONS`, would make it allocate gigabytes, and an allocation
//! failure aborts the process rather than panicking. This pass walks the same records calamine
//! walks, in the same way, and refuses such files with `too_large` first.
//!
//! It also collects what calamine does not expose for xls: the number format of every numeric
//! cell (through its XF record), so that `0.00` and `0%` cells show as they do in Excel; the
//! formulas that are only a typed value (`=100%`, `="6次"`, shared or not), see
//! [`super::typed_value`]; and whether the workbook is encrypted (`FILEPASS`).

use std::collections::HashMap;

use crate::bytes::{u16_at, u32_at};
use crate::{DocumentBuilder, ReadError};

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const CONTINUE: u16 = 0x003C;
const FILEPASS: u16 = 0x002F;
const BOUNDSHEET: u16 = 0x0085;
const FORMAT: u16 = 0x041E;
const XF: u16 = 0x00E0;
const DIMENSIONS: u16 = 0x0200;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const RSTRING: u16 = 0x00D6;
const BOOLERR: u16 = 0x0205;
const STRING: u16 = 0x0207;
const RK: u16 = 0x027E;
const LABELSST: u16 = 0x00FD;
const MULRK: u16 = 0x00BD;
const FORMULA: u16 = 0x0006;
const SHRFMLA: u16 = 0x04BC;

/// What the look found.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// A `FILEPASS` record: the workbook is encrypted.
    pub encrypted: bool,
    /// Per sheet (in `BOUNDSHEET` order): the format code of each numeric cell whose format is
    /// not General, as an index into [`Scan::codes`].
    pub sheets: Vec<HashMap<(u32, u32), u16>>,
    pub codes: Vec<String>,
    /// Per sheet: formulas that are a typed value, as the author typed them (`=100%`).
    pub typed: Vec<HashMap<(u32, u32), String>>,
    /// Why calamine must not see the stream as it is: a sheet whose cells spread, or whose
    /// `DIMENSIONS` record claims, more than `--max-cells` (or an impossible range). The
    /// reader rewrites such a stream ([`super::compact`]) and scans it again; this is the
    /// error when that does not help.
    pub oversized: Option<ReadError>,
    /// True when a sheet's cells or `DIMENSIONS` spread over more than [`SPRAWL`] cells: the
    /// reader rewrites such a stream when it can, whatever `--max-cells` allows, so that no
    /// flag value makes calamine allocate by a lie.
    pub sprawling: bool,
}

/// Spread (rows × columns) past which a sheet's layout is rewritten by the cells present.
pub(super) const SPRAWL: u64 = 1 << 20;

impl Scan {
    /// The number format code of a numeric cell, when it has one other than General.
    pub fn format(&self, sheet: usize, row: u32, col: u32) -> Option<&str> {
        let index = *self.sheets.get(sheet)?.get(&(row, col))?;
        self.codes.get(index as usize).map(String::as_str)
    }

    /// The typed value of a formula cell that is nothing more (`=100%`).
    pub fn typed(&self, sheet: usize, row: u32, col: u32) -> Option<&str> {
        self.typed.get(sheet)?.get(&(row, col)).map(String::as_str)
    }
}

struct Record<'a> {
    kind: u16,
    data: &'a [u8],
}

/// Iterates records as calamine does: a record whose length runs past the stream ends the
/// walk, and `CONTINUE` records are folded into the record before them.
struct Records<'a> {
    stream: &'a [u8],
}

impl<'a> Iterator for Records<'a> {
    type Item = Record<'a>;

    fn next(&mut self) -> Option<Record<'a>> {
        let kind = u16_at(self.stream, 0)?;
        let len = u16_at(self.stream, 2)? as usize;
        let data = self.stream.get(4..4 + len)?;
        self.stream = &self.stream[4 + len..];
        while self.stream.len() > 4 && u16_at(self.stream, 0) == Some(CONTINUE) {
            let len = u16_at(self.stream, 2)? as usize;
            if self.stream.len() < 4 + len {
                self.stream = &[];
                break;
            }
            self.stream = &self.stream[4 + len..];
        }
        Some(Record { kind, data })
    }
}

/// The smallest rectangle holding a set of cells.
#[derive(Debug, Default, Clone, Copy)]
struct Bounds {
    rows: Option<(u32, u32)>,
    cols: Option<(u32, u32)>,
}

impl Bounds {
    fn add(&mut self, row: u32, col: u32) {
        self.rows = Some(match self.rows {
            Some((low, high)) => (low.min(row), high.max(row)),
            None => (row, row),
        });
        self.cols = Some(match self.cols {
            Some((low, high)) => (low.min(col), high.max(col)),
            None => (col, col),
        });
    }

    fn area(&self) -> u64 {
        match (self.rows, self.cols) {
            (Some((top, bottom)), Some((left, right))) => {
                (bottom - top + 1) as u64 * (right - left + 1) as u64
            }
            _ => 0,
        }
    }
}

/// Walks the stream. Fails with `too_large` when a sheet would make calamine allocate more
/// than `--max-cells` cells, and with `unreadable` for a used range that cannot exist.
pub(super) fn scan(stream: &[u8], document: &DocumentBuilder<'_>) -> Result<Scan, ReadError> {
    let mut result = Scan::default();
    let mut biff8 = true;
    let mut first_bof = true;
    let mut sheet_positions = Vec::new();
    let mut formats: HashMap<u16, String> = HashMap::new();
    let mut xf_formats: Vec<u16> = Vec::new();
    for record in (Records { stream }) {
        match record.kind {
            BOF if first_bof => {
                first_bof = false;
                biff8 = u16_at(record.data, 0).is_none_or(|version| version >= 0x0600);
            }
            FILEPASS => result.encrypted = true,
            BOUNDSHEET => {
                if let Some(position) = u32_at(record.data, 0) {
                    sheet_positions.push(position as usize);
                }
            }
            FORMAT => {
                if let (Some(id), Some(code)) =
                    (u16_at(record.data, 0), format_string(record.data, biff8))
                {
                    formats.insert(id, code);
                }
            }
            XF => xf_formats.push(u16_at(record.data, 2).unwrap_or(0)),
            EOF => break,
            _ => {}
        }
    }
    if result.encrypted {
        return Ok(result);
    }

    // Format codes per XF record; General (id 0) and text (`@`) need nothing.
    let mut code_index: HashMap<u16, u16> = HashMap::new();
    let mut xf_codes: Vec<Option<u16>> = Vec::with_capacity(xf_formats.len());
    for id in xf_formats {
        let code = formats
            .get(&id)
            .cloned()
            .or_else(|| builtin_format(id).map(str::to_string));
        let index = match code {
            Some(code) if !code.eq_ignore_ascii_case("general") && code != "@" => {
                let next = result.codes.len() as u16;
                Some(*code_index.entry(id).or_insert_with(|| {
                    result.codes.push(code);
                    next
                }))
            }
            _ => None,
        };
        xf_codes.push(index);
    }

    for (sheet_index, position) in sheet_positions.into_iter().enumerate() {
        document.check_time()?;
        let mut cells = HashMap::new();
        let mut typed = HashMap::new();
        // Cells whose formula refers to a shared formula, by the shared formula's anchor;
        // and the typed value of each shared formula.
        let mut pending: Vec<((u32, u32), (u32, u32))> = Vec::new();
        let mut shared: HashMap<(u32, u32), Option<String>> = HashMap::new();
        let Some(sheet) = stream.get(position..) else {
            result.sheets.push(cells);
            result.typed.push(typed);
            continue;
        };
        let mut values = Bounds::default();
        let mut formulas = Bounds::default();
        let mut formula_position = (0u32, 0u32);
        let mut seen_bof = false;
        let mut depth = 0usize;
        let mut numeric = |row: u16, col: u16, xf: Option<u16>| {
            if let Some(code) = xf.and_then(|xf| xf_codes.get(xf as usize).copied().flatten()) {
                cells.insert((row as u32, col as u32), code);
            }
        };
        for record in (Records { stream: sheet }) {
            if depth > 0 {
                match record.kind {
                    BOF => depth += 1,
                    EOF => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let data = record.data;
            let row = u16_at(data, 0).unwrap_or(0);
            let col = u16_at(data, 2).unwrap_or(0);
            match record.kind {
                BOF => {
                    if seen_bof {
                        depth += 1;
                    } else {
                        seen_bof = true;
                    }
                }
                EOF => break,
                DIMENSIONS => {
                    let checked = declared_area(data, sheet_index).and_then(|area| {
                        result.sprawling |= area > SPRAWL;
                        let what = format!("the used range sheet {} declares", sheet_index + 1);
                        document.check_declared(area, &what)
                    });
                    if let Err(error) = checked {
                        result.sprawling = true;
                        result.oversized.get_or_insert(error);
                    }
                }
                NUMBER | RK if data.len() >= 10 => {
                    values.add(row as u32, col as u32);
                    numeric(row, col, u16_at(data, 4));
                }
                LABEL | RSTRING | BOOLERR | LABELSST if data.len() >= 6 => {
                    values.add(row as u32, col as u32);
                }
                MULRK if data.len() >= 6 => {
                    let last = u16_at(data, data.len() - 2).unwrap_or(col);
                    let entries = (data.len() - 6) / 6;
                    for (offset, column) in (col..=last).enumerate().take(entries) {
                        values.add(row as u32, column as u32);
                        numeric(row, column, u16_at(data, 4 + offset * 6));
                    }
                }
                FORMULA if data.len() >= 20 => {
                    formula_position = (row as u32, col as u32);
                    formulas.add(row as u32, col as u32);
                    values.add(row as u32, col as u32);
                    // A cached number unless the last two bytes of the value are 0xFFFF.
                    if u16_at(data, 12) != Some(0xFFFF) {
                        numeric(row, col, u16_at(data, 4));
                    }
                    let rgce = formula_tokens(data, 20);
                    if let Some(text) = constant(rgce, biff8) {
                        typed.insert(formula_position, text);
                    } else if rgce.first() == Some(&0x01) {
                        // ptgExp: the formula is the shared formula anchored at a cell.
                        if let (Some(anchor_row), Some(anchor_col)) =
                            (u16_at(rgce, 1), u16_at(rgce, 3))
                        {
                            pending
                                .push((formula_position, (anchor_row as u32, anchor_col as u32)));
                        }
                    }
                }
                SHRFMLA if data.len() >= 10 => {
                    let first_row = row as u32;
                    let first_col = data[4] as u32;
                    shared.insert(
                        (first_row, first_col),
                        constant(formula_tokens(data, 8), biff8),
                    );
                }
                STRING => values.add(formula_position.0, formula_position.1),
                _ => {}
            }
        }
        for (bounds, what) in [(values, "cells"), (formulas, "formulas")] {
            let area = bounds.area();
            result.sprawling |= area > SPRAWL;
            let spread = format!("the {what} of sheet {}, over their area,", sheet_index + 1);
            if let Err(error) = document.check_declared(area, &spread) {
                result.oversized.get_or_insert(error);
            }
        }
        for (cell, anchor) in pending {
            if let Some(Some(text)) = shared.get(&anchor) {
                typed.insert(cell, text.clone());
            }
        }
        result.sheets.push(cells);
        result.typed.push(typed);
    }
    Ok(result)
}

/// The parsed-expression tokens of a formula whose length field sits at `offset`.
fn formula_tokens(data: &[u8], offset: usize) -> &[u8] {
    let length = u16_at(data, offset).unwrap_or(0) as usize;
    let start = offset + 2;
    data.get(start..start.saturating_add(length).min(data.len()))
        .unwrap_or(&[])
}

/// The typed value of a formula made of one constant: a number (ptgInt, ptgNum) with an
/// optional percent and sign, or a string (ptgStr). `None` for anything that computes.
fn constant(tokens: &[u8], biff8: bool) -> Option<String> {
    let (value, rest) = match *tokens.first()? {
        // ptgStr: a short string, 8-bit length, then (BIFF8) a flags byte.
        0x17 => {
            let count = *tokens.get(1)? as usize;
            let (wide, start) = if biff8 {
                (tokens.get(2)? & 1 == 1, 3)
            } else {
                (false, 2)
            };
            let (text, used) = if wide {
                let bytes = tokens.get(start..start + count * 2)?;
                let units: Vec<u16> = bytes
                    .chunks_exact(2)
                    .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                    .collect();
                (String::from_utf16_lossy(&units), count * 2)
            } else {
                let bytes = tokens.get(start..start + count)?;
                (bytes.iter().map(|&b| b as char).collect(), count)
            };
            return (tokens.len() == start + used).then(|| format!("={text}"));
        }
        // ptgInt
        0x1E => (
            u16_at(tokens, 1)?.to_string(),
            &tokens[3.min(tokens.len())..],
        ),
        // ptgNum
        0x1F => {
            let bytes: [u8; 8] = tokens.get(1..9)?.try_into().ok()?;
            (
                super::display::general(f64::from_le_bytes(bytes)),
                &tokens[9..],
            )
        }
        _ => return None,
    };
    let mut percent = "";
    let mut sign = "";
    for &token in rest {
        match token {
            0x14 if percent.is_empty() => percent = "%",
            0x13 => sign = if sign.is_empty() { "-" } else { "" },
            0x12 | 0x15 => {}
            _ => return None,
        }
    }
    Some(format!("={sign}{value}{percent}"))
}

/// Reads a `DIMENSIONS` record as calamine does: the cells it would reserve (0 for none),
/// or `unreadable` when the range is impossible.
fn declared_area(data: &[u8], sheet: usize) -> Result<u64, ReadError> {
    let (first_row, last_row, mut first_col, last_col) = match data.len() {
        10 => (
            u16_at(data, 0).unwrap_or(0) as u64,
            u16_at(data, 2).unwrap_or(0) as u64,
            u16_at(data, 4).unwrap_or(0) as u64,
            u16_at(data, 6).unwrap_or(0) as u64,
        ),
        14 | 16 => (
            u32_at(data, 0).unwrap_or(0) as u64,
            u32_at(data, 4).unwrap_or(0) as u64,
            u16_at(data, 8).unwrap_or(0) as u64,
            u16_at(data, 10).unwrap_or(0) as u64,
        ),
        // calamine rejects the workbook itself; nothing is reserved.
        _ => return Ok(0),
    };
    if first_col > 0xFF || last_col < first_col {
        first_col = 0;
    }
    if last_row == 0 || last_col == 0 {
        return Ok(0);
    }
    let (end_row, end_col) = (last_row - 1, last_col - 1);
    if end_row < first_row || end_col < first_col {
        return Err(ReadError::Unreadable(format!(
            "sheet {} declares an impossible used range (rows {}–{}); the workbook is corrupt",
            sheet + 1,
            first_row + 1,
            last_row
        )));
    }
    Ok((end_row - first_row + 1) * (end_col - first_col + 1))
}

/// The format string of a `FORMAT` record: BIFF8 stores a Unicode string with a 16-bit length
/// and a flags byte; BIFF5 an 8-bit length and bytes in the workbook's code page (format codes
/// are ASCII there in practice).
fn format_string(data: &[u8], biff8: bool) -> Option<String> {
    if biff8 {
        let count = u16_at(data, 2)? as usize;
        let flags = *data.get(4)?;
        let body = data.get(5..)?;
        if flags & 1 == 1 {
            let units: Vec<u16> = body
                .chunks_exact(2)
                .take(count)
                .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        } else {
            Some(body.iter().take(count).map(|&b| b as char).collect())
        }
    } else {
        let count = *data.get(2)? as usize;
        let body = data.get(3..)?;
        Some(body.iter().take(count).map(|&b| b as char).collect())
    }
}

/// Built-in number formats (ECMA-376 18.8.30) that change how a number is shown.
pub(super) fn builtin_format(id: u16) -> Option<&'static str> {
    Some(match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        14 => "mm-dd-yy",
        15 => "d-mmm-yy",
        16 => "d-mmm",
        17 => "mmm-yy",
        22 => "m/d/yy h:mm",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    /// A globals substream with one sheet whose records are `sheet`.
    fn stream(globals: &[Vec<u8>], sheet: &[Vec<u8>]) -> Vec<u8> {
        let mut head = record(BOF, &[0x00, 0x06, 0x05, 0x00]);
        for extra in globals {
            head.extend(extra);
        }
        // BOUNDSHEET with a placeholder position, patched below.
        let boundsheet_at = head.len() + 4;
        head.extend(record(BOUNDSHEET, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']));
        head.extend(record(EOF, &[]));
        let position = head.len() as u32;
        head[boundsheet_at..boundsheet_at + 4].copy_from_slice(&position.to_le_bytes());
        head.extend(record(BOF, &[0x00, 0x06, 0x10, 0x00]));
        for extra in sheet {
            head.extend(extra);
        }
        head.extend(record(EOF, &[]));
        head
    }

    fn number(row: u16, col: u16, xf: u16, value: f64) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend(xf.to_le_bytes());
        data.extend(value.to_le_bytes());
        record(NUMBER, &data)
    }

    #[test]
    fn far_apart_cells_are_flagged_before_calamine_allocates() {
        let bytes = stream(&[], &[number(0, 0, 0, 1.0), number(65535, 255, 0, 2.0)]);
        let error = scan(&bytes, &Limits::default().start())
            .expect("scanned")
            .oversized
            .expect("too large");
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains("--max-cells"), "{error}");
    }

    #[test]
    fn lying_dimensions_are_flagged() {
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(4_000_000_000u32.to_le_bytes());
        dims.extend([0, 0, 0xFF, 0, 0, 0]);
        let bytes = stream(&[], &[record(DIMENSIONS, &dims)]);
        let flagged = |bytes: &[u8]| {
            scan(bytes, &Limits::default().start())
                .expect("scanned")
                .oversized
                .expect("flagged")
        };
        assert_eq!(flagged(&bytes).code(), "too_large");
        let mut backwards = 10u32.to_le_bytes().to_vec();
        backwards.extend(3u32.to_le_bytes());
        backwards.extend([0, 0, 2, 0, 0, 0]);
        let bytes = stream(&[], &[record(DIMENSIONS, &backwards)]);
        assert_eq!(flagged(&bytes).code(), "unreadable");
    }

    #[test]
    fn number_formats_are_found_through_xf_records() {
        let mut format = 164u16.to_le_bytes().to_vec();
        format.extend(4u16.to_le_bytes());
        format.push(0);
        format.extend(b"0.00");
        let xf = |id: u16| {
            let mut data = vec![0u8; 20];
            data[2..4].copy_from_slice(&id.to_le_bytes());
            record(XF, &data)
        };
        let bytes = stream(
            &[record(FORMAT, &format), xf(0), xf(164), xf(9)],
            &[
                number(0, 0, 0, 1.0),
                number(0, 1, 1, 80.0),
                number(1, 0, 2, 0.5),
            ],
        );
        let scan = scan(&bytes, &Limits::default().start()).expect("scan");
        assert!(!scan.encrypted);
        assert_eq!(scan.format(0, 0, 0), None);
        assert_eq!(scan.format(0, 0, 1), Some("0.00"));
        assert_eq!(scan.format(0, 1, 0), Some("0%"));
    }

    #[test]
    fn constant_formulas_read_as_typed_including_shared_ones() {
        let formula = |row: u16, col: u16, rgce: &[u8]| {
            let mut data = row.to_le_bytes().to_vec();
            data.extend(col.to_le_bytes());
            data.extend([0u8; 16]);
            data.extend((rgce.len() as u16).to_le_bytes());
            data.extend(rgce);
            record(FORMULA, &data)
        };
        let mut shared = vec![0, 0, 0, 0, 1, 1, 0, 2];
        shared.extend(3u16.to_le_bytes());
        shared.extend([0x1E, 40, 0]);
        let bytes = stream(
            &[],
            &[
                formula(0, 0, &[0x1E, 100, 0, 0x14]),
                formula(0, 1, &[0x17, 2, 1, 0x36, 0, 0x21, 0x6B]),
                formula(0, 2, &[0x1E, 1, 0, 0x1E, 2, 0, 0x03]),
                formula(1, 1, &[0x01, 0, 0, 1, 0]),
                record(SHRFMLA, &shared),
                formula(2, 1, &[0x01, 0, 0, 1, 0]),
            ],
        );
        let scan = scan(&bytes, &Limits::default().start()).expect("scan");
        assert_eq!(scan.typed(0, 0, 0), Some("=100%"));
        assert_eq!(scan.typed(0, 0, 1), Some("=6次"));
        // `=1+2` computes: its cached value stands.
        assert_eq!(scan.typed(0, 0, 2), None);
        assert_eq!(scan.typed(0, 1, 1), Some("=40"));
        assert_eq!(scan.typed(0, 2, 1), Some("=40"));
    }

    #[test]
    fn filepass_marks_the_workbook_encrypted() {
        let bytes = stream(&[record(FILEPASS, &[1, 0, 1, 0])], &[]);
        assert!(
            scan(&bytes, &Limits::default().start())
                .expect("scan")
                .encrypted
        );
    }
}
