//! The RTF reader. Word saves `.rtf`, and many systems (AbiWord's "Word" export, web
//! applications, old document generators) write RTF under a `.doc` name; detection sends it
//! here by content, whatever the name, and the output names its format `doc`.
//!
//! One pass over the bytes, with a stack of group states bounded by `--max-depth`:
//!
//! - text: literal bytes and `\'hh` in the code page of the current font (`\fcharset`) or of
//!   the document (`\ansicpg`; 936 is GBK), `\uN` with its `\ucN` fallback characters skipped;
//! - paragraphs: `\par` ends one; inside a table (`\intbl`, depth `\itap`) it is a line of the
//!   current cell;
//! - tables: `\trowd … \clvmgf \clvmrg \clmgf \clmrg \cellx` define a row (its cell edges and
//!   merges), `\cell` / `\row` end the cells and rows of the outer table, `\nestcell` /
//!   `\nestrow` (with `{\*\nesttableprops …}`) those of nested tables; the
//!   [`crate::doc::flow`] lays them out as the `.doc` reader does;
//! - fields keep their result (`\fldrslt`) and drop their code (`\fldinst`);
//! - skipped: font, colour and style tables, document information, pictures and objects,
//!   headers, footers, footnotes, comments, shapes and text boxes, list numbers, the fallback
//!   text of nested tables (`\nonesttables`), and every `{\* …}` destination not named here.

use std::collections::HashMap;

use encoding_rs::{
    BIG5, EUC_KR, Encoding, GBK, SHIFT_JIS, UTF_8, WINDOWS_874, WINDOWS_1250, WINDOWS_1251,
    WINDOWS_1252, WINDOWS_1253, WINDOWS_1254, WINDOWS_1255, WINDOWS_1256, WINDOWS_1257,
    WINDOWS_1258,
};
use jixiao_grid::Diagnostic;

use crate::docx::table::Merge;
use crate::word_flow::{CellDef, Flow, RowDef};
use crate::{DocumentBuilder, Limits, ReadError};

/// How many tokens pass between two checks of the time budget.
const TIME_CHECK_INTERVAL: u32 = 1 << 16;
/// Most cells one row definition may hold (Word allows 63).
const MAX_ROW_CELLS: usize = 1024;

pub use crate::detect::is_rtf;

/// Reads an RTF document.
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    if !is_rtf(bytes) {
        return Err(ReadError::Unreadable(
            "the file does not start with {\\rtf, so it is not an RTF document".to_string(),
        ));
    }
    let mut reader = Rtf::new(bytes, document);
    reader.run()?;
    reader.finish()
}

/// What a group is, as far as the reader cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Destination {
    /// Document text.
    Text,
    /// The font table: font numbers and their character sets are read, text is not.
    FontTable,
    /// The ANSI half of a `\upr` pair, whose `\*\ud` group holds the Unicode text.
    UprAnsi,
}

/// The state a group inherits and restores.
#[derive(Debug, Clone, Copy)]
struct State {
    destination: Destination,
    /// Code page of `\'hh` bytes and literal 8-bit text.
    encoding: &'static Encoding,
    /// Fallback characters after each `\uN` (`\ucN`).
    uc: usize,
    in_table: bool,
    itap: usize,
    /// A `{\*\nesttableprops …}` group: the row definitions in it are for nested rows.
    nest_props: bool,
}

struct Rtf<'a, 'd, 'l> {
    bytes: &'a [u8],
    at: usize,
    limits: &'l Limits,
    flow: Flow<'d, 'l>,
    state: State,
    stack: Vec<State>,
    /// The document's code page (`\ansicpg`) and default font (`\deff`).
    ansi: &'static Encoding,
    default_font: Option<i32>,
    fonts: HashMap<i32, &'static Encoding>,
    /// The font being defined in the font table.
    font_number: Option<i32>,
    /// The paragraph being read, and 8-bit text not yet decoded.
    paragraph: String,
    pending: Vec<u8>,
    pending_encoding: &'static Encoding,
    /// Fallback characters of a `\uN` still to skip.
    skip_chars: usize,
    /// The row definition being built, and the merges of the cell whose `\cellx` is next.
    row: RowDef,
    cell: CellDef,
    /// The last row definition for each depth (index 0 = outer table).
    row_defs: Vec<Option<RowDef>>,
    truncated: bool,
}

impl<'a, 'd, 'l> Rtf<'a, 'd, 'l> {
    fn new(bytes: &'a [u8], document: &'d mut DocumentBuilder<'l>) -> Self {
        let state = State {
            destination: Destination::Text,
            encoding: WINDOWS_1252,
            uc: 1,
            in_table: false,
            itap: 1,
            nest_props: false,
        };
        Rtf {
            bytes,
            at: 0,
            limits: document.limits(),
            flow: Flow::new(document, "RTF document"),
            state,
            stack: Vec::new(),
            ansi: WINDOWS_1252,
            default_font: None,
            fonts: HashMap::new(),
            font_number: None,
            paragraph: String::new(),
            pending: Vec::new(),
            pending_encoding: WINDOWS_1252,
            skip_chars: 0,
            row: RowDef::default(),
            cell: CellDef::default(),
            row_defs: Vec::new(),
            truncated: false,
        }
    }

    fn run(&mut self) -> Result<(), ReadError> {
        let mut since_check = 0u32;
        while let Some(&byte) = self.bytes.get(self.at) {
            since_check += 1;
            if since_check >= TIME_CHECK_INTERVAL {
                since_check = 0;
                self.flow.document.check_time()?;
            }
            match byte {
                b'{' => {
                    self.at += 1;
                    if self.stack.len() >= self.limits.max_xml_depth {
                        return Err(ReadError::TooLarge(format!(
                            "the RTF document's groups nest deeper than {} levels (raise with \
                             --max-depth)",
                            self.limits.max_xml_depth
                        )));
                    }
                    self.stack.push(self.state);
                }
                b'}' => {
                    self.at += 1;
                    self.end_group();
                }
                b'\\' => self.control()?,
                b'\r' | b'\n' => self.at += 1,
                _ => {
                    self.at += 1;
                    self.text_byte(byte);
                }
            }
        }
        if !self.stack.is_empty() {
            self.truncated = true;
        }
        Ok(())
    }

    fn end_group(&mut self) {
        let Some(state) = self.stack.pop() else {
            // A stray closing brace (or the end of the document): nothing to restore.
            return;
        };
        if self.state.destination == Destination::FontTable
            && state.destination != Destination::FontTable
        {
            self.font_number = None;
        }
        self.flush();
        self.skip_chars = 0;
        self.state = state;
    }

    /// Skips the rest of the current group, including its closing brace, and restores the
    /// state from before it.
    fn skip_group(&mut self) {
        let mut depth = 0usize;
        while let Some(&byte) = self.bytes.get(self.at) {
            self.at += 1;
            match byte {
                b'\\' => {
                    // An escaped brace or backslash does not count; `\binN` skips N raw bytes.
                    match self.bytes.get(self.at) {
                        Some(b'{' | b'}' | b'\\') => self.at += 1,
                        Some(b'b') if self.bytes.get(self.at..self.at + 3) == Some(b"bin") => {
                            self.at += 3;
                            let length = self.number().unwrap_or(0);
                            if self.bytes.get(self.at) == Some(&b' ') {
                                self.at += 1;
                            }
                            self.skip_binary(length);
                        }
                        _ => {}
                    }
                }
                b'{' => depth += 1,
                b'}' => {
                    if depth == 0 {
                        if let Some(state) = self.stack.pop() {
                            self.state = state;
                        }
                        return;
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        self.truncated = true;
    }

    fn skip_binary(&mut self, length: i64) {
        let length = usize::try_from(length.max(0)).unwrap_or(usize::MAX);
        self.at = self.at.saturating_add(length).min(self.bytes.len());
    }

    /// A signed decimal number at the cursor, if any.
    fn number(&mut self) -> Option<i64> {
        let negative = self.bytes.get(self.at) == Some(&b'-');
        let start = if negative { self.at + 1 } else { self.at };
        let mut end = start;
        let mut value: i64 = 0;
        while let Some(digit) = self.bytes.get(end).filter(|byte| byte.is_ascii_digit()) {
            value = value
                .saturating_mul(10)
                .saturating_add(i64::from(digit - b'0'));
            end += 1;
        }
        if end == start {
            return None;
        }
        self.at = end;
        Some(if negative { -value } else { value })
    }

    /// A control word or control symbol at the cursor (which is on the backslash).
    fn control(&mut self) -> Result<(), ReadError> {
        self.at += 1;
        let Some(&first) = self.bytes.get(self.at) else {
            return Ok(());
        };
        if !first.is_ascii_alphabetic() {
            self.at += 1;
            match first {
                b'\'' => {
                    let hex = self.bytes.get(self.at..self.at + 2).unwrap_or_default();
                    let value = std::str::from_utf8(hex)
                        .ok()
                        .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                    if let Some(value) = value {
                        self.at += 2;
                        self.text_byte(value);
                    }
                }
                b'\\' | b'{' | b'}' => self.text_byte(first),
                b'~' => self.text_char('\u{A0}'),
                b'_' => self.text_char('-'),
                b'\r' | b'\n' => self.end_paragraph()?,
                // `{\*\word …}`: a destination to skip unless it is one read here.
                b'*' if !self.starred_destination() => self.skip_group(),
                // `\-` (optional hyphen), `\|`, `\:` and anything else: no text.
                _ => {}
            }
            return Ok(());
        }
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_alphabetic) && self.at - start < 32 {
            self.at += 1;
        }
        let word = &self.bytes[start..self.at];
        let parameter = self.number();
        if self.bytes.get(self.at) == Some(&b' ') {
            self.at += 1;
        }
        self.word(word, parameter)
    }

    /// After `\*`: reads the control word that names the destination and says whether the
    /// group is read (true) or is to be skipped (false).
    fn starred_destination(&mut self) -> bool {
        let rest = self.bytes.get(self.at..).unwrap_or_default();
        let rest = rest
            .iter()
            .position(|byte| !byte.is_ascii_whitespace())
            .map_or(rest, |skip| &rest[skip..]);
        for name in [&b"\\nesttableprops"[..], b"\\ud", b"\\fldrslt"] {
            if rest.starts_with(name)
                && !rest
                    .get(name.len())
                    .is_some_and(|byte| byte.is_ascii_alphabetic())
            {
                return true;
            }
        }
        false
    }

    fn word(&mut self, word: &[u8], parameter: Option<i64>) -> Result<(), ReadError> {
        let number = parameter.unwrap_or(0);
        let count = |value: i64| usize::try_from(value.max(0)).unwrap_or(0);
        // Destinations whose content is never document text.
        const SKIPPED: [&[u8]; 30] = [
            b"colortbl",
            b"stylesheet",
            b"info",
            b"pict",
            b"object",
            b"header",
            b"headerl",
            b"headerr",
            b"headerf",
            b"footer",
            b"footerl",
            b"footerr",
            b"footerf",
            b"footnote",
            b"annotation",
            b"fldinst",
            b"pntext",
            b"listtext",
            b"pn",
            b"shp",
            b"shpinst",
            b"shptxt",
            b"nonshppict",
            b"nonesttables",
            b"xe",
            b"tc",
            b"txe",
            b"do",
            b"listtable",
            b"listoverridetable",
        ];
        if SKIPPED.contains(&word) {
            self.skip_group();
            return Ok(());
        }
        if self.state.destination == Destination::FontTable {
            match word {
                b"f" => self.font_number = i32::try_from(number).ok(),
                b"fcharset" => {
                    if let (Some(font), Some(encoding)) = (self.font_number, charset(number)) {
                        self.fonts.insert(font, encoding);
                    }
                }
                b"cpg" => {
                    if let (Some(font), Some(encoding)) = (self.font_number, code_page(number)) {
                        self.fonts.insert(font, encoding);
                    }
                }
                _ => {}
            }
            return Ok(());
        }
        match word {
            b"fonttbl" => self.state.destination = Destination::FontTable,
            b"upr" => self.state.destination = Destination::UprAnsi,
            b"ud" => self.state.destination = Destination::Text,
            b"ansicpg" => {
                if let Some(encoding) = code_page(number) {
                    self.ansi = encoding;
                    self.state.encoding = encoding;
                }
            }
            b"deff" => self.default_font = i32::try_from(number).ok(),
            b"f" => {
                self.state.encoding = i32::try_from(number)
                    .ok()
                    .and_then(|font| self.fonts.get(&font).copied())
                    .unwrap_or(self.ansi);
            }
            b"plain" => {
                self.state.encoding = self
                    .default_font
                    .and_then(|font| self.fonts.get(&font).copied())
                    .unwrap_or(self.ansi);
            }
            b"uc" => self.state.uc = count(number),
            b"u" => {
                let unit = if number < 0 { number + 65536 } else { number };
                let c = u32::try_from(unit)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('\u{FFFD}');
                self.skip_chars = 0;
                self.text_char(c);
                self.skip_chars = self.state.uc;
            }
            b"bin" => {
                self.skip_binary(number);
            }
            b"par" | b"sect" => self.end_paragraph()?,
            b"line" => self.text_char('\n'),
            b"tab" => self.text_char(' '),
            b"emdash" => self.text_char('—'),
            b"endash" => self.text_char('–'),
            b"emspace" | b"enspace" | b"qmspace" => self.text_char(' '),
            b"lquote" => self.text_char('‘'),
            b"rquote" => self.text_char('’'),
            b"ldblquote" => self.text_char('“'),
            b"rdblquote" => self.text_char('”'),
            b"bullet" => self.text_char('•'),
            b"pard" => {
                self.state.in_table = false;
                self.state.itap = 1;
            }
            b"intbl" => self.state.in_table = true,
            b"itap" => {
                self.state.itap = count(parameter.unwrap_or(1));
                if self.state.itap == 0 {
                    self.state.in_table = false;
                    self.state.itap = 1;
                } else {
                    self.state.in_table = true;
                }
            }
            b"nesttableprops" => self.state.nest_props = true,
            b"trowd" => {
                self.row = RowDef::default();
                self.cell = CellDef::default();
            }
            b"trleft" => self.row.left = clamp_twips(number),
            b"clmgf" => self.cell.h_merge = Merge::Restart,
            b"clmrg" => self.cell.h_merge = Merge::Continue,
            b"clvmgf" => self.cell.v_merge = Merge::Restart,
            b"clvmrg" => self.cell.v_merge = Merge::Continue,
            b"cellx" => {
                if self.row.cells.len() < MAX_ROW_CELLS {
                    self.cell.right = clamp_twips(number);
                    self.row.cells.push(self.cell);
                }
                self.cell = CellDef::default();
                let depth = self.row_depth();
                self.store_row_def(depth);
            }
            b"cell" => self.end_cell(1)?,
            b"nestcell" => {
                let depth = self.state.itap.max(2);
                self.end_cell(depth)?;
            }
            b"row" => self.end_row(1)?,
            b"nestrow" => {
                let depth = self.state.itap.max(2);
                self.end_row(depth)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The table depth a row definition read now belongs to.
    fn row_depth(&self) -> usize {
        if self.state.nest_props {
            self.state.itap.max(2)
        } else if self.state.in_table {
            self.state.itap.max(1)
        } else {
            1
        }
    }

    fn store_row_def(&mut self, depth: usize) {
        let index = depth.saturating_sub(1);
        if index >= self.limits.max_xml_depth {
            return;
        }
        if self.row_defs.len() <= index {
            self.row_defs.resize(index + 1, None);
        }
        self.row_defs[index] = Some(self.row.clone());
    }

    fn end_cell(&mut self, depth: usize) -> Result<(), ReadError> {
        self.flush();
        let text = std::mem::take(&mut self.paragraph);
        self.flow.end_cell(depth, &text)
    }

    fn end_row(&mut self, depth: usize) -> Result<(), ReadError> {
        self.flush();
        let text = std::mem::take(&mut self.paragraph);
        if !text.trim().is_empty() {
            self.flow.cell_paragraph(depth, &text)?;
        }
        let def = self
            .row_defs
            .get(depth.saturating_sub(1))
            .cloned()
            .flatten();
        self.flow.end_row(depth, def)
    }

    fn end_paragraph(&mut self) -> Result<(), ReadError> {
        if self.state.destination != Destination::Text {
            return Ok(());
        }
        self.flush();
        let text = std::mem::take(&mut self.paragraph);
        if self.state.in_table {
            let depth = self.state.itap.max(1);
            self.flow.cell_paragraph(depth, &text)
        } else {
            self.flow.paragraph(text)
        }
    }

    /// One byte of 8-bit text (literal or `\'hh`), in the current code page.
    fn text_byte(&mut self, byte: u8) {
        if self.state.destination != Destination::Text {
            return;
        }
        if self.skip_chars > 0 {
            self.skip_chars -= 1;
            return;
        }
        if !std::ptr::eq(self.pending_encoding, self.state.encoding) {
            self.flush();
            self.pending_encoding = self.state.encoding;
        }
        self.pending.push(byte);
    }

    fn text_char(&mut self, c: char) {
        if self.state.destination != Destination::Text {
            return;
        }
        if self.skip_chars > 0 {
            // A fallback character of a `\uN`, given as a control symbol or word.
            self.skip_chars -= 1;
            return;
        }
        self.flush();
        self.paragraph.push(c);
    }

    /// Decodes the pending 8-bit text into the paragraph.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let (text, _) = self
            .pending_encoding
            .decode_without_bom_handling(&self.pending);
        for c in text.chars() {
            self.paragraph
                .push(if c.is_control() && c != '\n' { ' ' } else { c });
        }
        self.pending.clear();
    }

    fn finish(mut self) -> Result<(), ReadError> {
        self.flush();
        let text = std::mem::take(&mut self.paragraph);
        if self.state.in_table {
            self.flow.cell_paragraph(self.state.itap.max(1), &text)?;
        } else {
            self.flow.paragraph(text)?;
        }
        let truncated = self.truncated;
        let document = self.flow.finish()?;
        if truncated {
            document.diagnostic(Diagnostic::loss(
                "rtf_truncated",
                "the RTF document ends before its groups close; it was read as far as it goes, \
                 and whatever followed is lost",
            ));
        }
        Ok(())
    }
}

fn clamp_twips(value: i64) -> i32 {
    i32::try_from(value.clamp(-1_000_000, 1_000_000)).unwrap_or(0)
}

/// The encoding of an RTF font character set (`\fcharsetN`); `None` for the ANSI and default
/// sets, which follow the document's code page.
fn charset(value: i64) -> Option<&'static Encoding> {
    Some(match value {
        128 => SHIFT_JIS,
        129 => EUC_KR,
        134 => GBK,
        136 => BIG5,
        161 => WINDOWS_1253,
        162 => WINDOWS_1254,
        163 => WINDOWS_1258,
        177 => WINDOWS_1255,
        178 => WINDOWS_1256,
        186 => WINDOWS_1257,
        204 => WINDOWS_1251,
        222 => WINDOWS_874,
        238 => WINDOWS_1250,
        _ => return None,
    })
}

/// The encoding of a Windows code page (`\ansicpgN`, `\cpgN`).
fn code_page(value: i64) -> Option<&'static Encoding> {
    Some(match value {
        874 => WINDOWS_874,
        932 => SHIFT_JIS,
        936 | 54936 => GBK,
        949 => EUC_KR,
        950 => BIG5,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        1252 => WINDOWS_1252,
        1253 => WINDOWS_1253,
        1254 => WINDOWS_1254,
        1255 => WINDOWS_1255,
        1256 => WINDOWS_1256,
        1257 => WINDOWS_1257,
        1258 => WINDOWS_1258,
        65001 => UTF_8,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
