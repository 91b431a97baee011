//! The streaming pass over `word/document.xml`: one walk over quick-xml events that keeps the
//! few facts it needs (which table, row and cell is open; whether the text at hand is displayed)
//! and never builds a tree, so memory stays proportional to the tables, not to the markup.
//!
//! Elements are matched by their *local* name, so the transitional (`w:` =
//! `…/wordprocessingml/2006/main`) and the ISO 29500 Strict namespaces read alike. What is
//! displayed text and what is not follows Word's final view:
//!
//! - kept: `w:t` inside runs, also inside `w:hyperlink`, `w:sdt`/`w:sdtContent`, `w:smartTag`,
//!   `w:customXml`, `w:ins`, `w:moveTo`, `w:fldSimple` and text boxes (these are simply walked
//!   through); `w:tab` and `w:ptab` as a space, `w:br` and `w:cr` as a line break;
//! - dropped: deletions (`w:del`, `w:delText`, `w:moveFrom`), field instructions (`w:instrText`
//!   and anything between a `w:fldChar` begin and its separate, so `TC`, `TOC`, `PAGEREF` never
//!   show), the branches of `mc:AlternateContent` after the first one, property elements and
//!   their tracked-change copies, and placeholder text of empty content controls;
//! - checkboxes (`w14:checkbox` content controls and legacy `FORMCHECKBOX` fields) become
//!   [`CHECKED`] or [`UNCHECKED`].
//!
//! Entity references arrive as separate events; only the five predefined entities and character
//! references are resolved. Entities a DOCTYPE declares are never expanded, so a "billion laughs"
//! document costs nothing.

use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use jixiao_grid::{CHECKED, Diagnostic, Source, UNCHECKED};

use super::table::{MAX_COLUMNS, Merge, NestedTables, TableState};
use super::{symbol_char, tidy};
use crate::{DocumentBuilder, ReadError};

/// Most complex fields tracked as nested; deeper ones are counted but not followed.
const MAX_FIELD_NESTING: usize = 64;
/// How many events pass between two checks of the time budget.
const TIME_CHECK_INTERVAL: u32 = 1 << 16;

/// What one paragraph or cell costs against the text budget besides its text: the block or
/// cell that holds it.
const HELD_PER_BLOCK: usize = 64;

/// Reads the main document part from a stream, holding one event at a time rather than the
/// part: for parts too large to hold (hundreds of megabytes inflated). The same walk as
/// [`read`], without its fast-forward over property elements (skipped event by event here).
pub(super) fn read_stream(
    source: impl std::io::BufRead,
    document: &mut DocumentBuilder<'_>,
) -> Result<(), ReadError> {
    let limits = document.limits();
    let mut body = Body::new(document);
    let mut reader = Reader::from_reader(source);
    let mut buffer = Vec::new();
    let mut events_since_check = 0u32;
    loop {
        events_since_check += 1;
        if events_since_check >= TIME_CHECK_INTERVAL {
            events_since_check = 0;
            body.document.check_time()?;
        }
        buffer.clear();
        let event = match reader.read_event_into(&mut buffer) {
            Ok(event) => event,
            Err(error) => {
                let position = reader.error_position();
                body.damaged(&error.to_string(), position)?;
                break;
            }
        };
        match event {
            Event::Start(element) => {
                body.depth += 1;
                if body.depth > limits.max_xml_depth {
                    return Err(too_deep("elements", limits.max_xml_depth));
                }
                if body.skip_until.is_none() && !body.open(&element)? {
                    body.skip_until = Some(body.depth);
                }
            }
            Event::Empty(element) => {
                if body.skip_until.is_none() && body.open(&element)? {
                    body.close(element.local_name().as_ref())?;
                }
            }
            Event::End(element) => {
                match body.skip_until {
                    Some(depth) if depth == body.depth => body.skip_until = None,
                    Some(_) => {}
                    None => body.close(element.local_name().as_ref())?,
                }
                body.depth = body.depth.saturating_sub(1);
            }
            Event::Text(text) => {
                if body.skip_until.is_none() {
                    body.text(&text);
                }
            }
            Event::CData(data) => {
                if body.skip_until.is_none() {
                    let data = data.into_inner();
                    body.text(&data);
                }
            }
            Event::GeneralRef(reference) => {
                if body.skip_until.is_none() {
                    body.reference(&reference);
                }
            }
            Event::Eof => break,
            Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
        body.check_held()?;
    }
    body.finish()
}

/// Reads the main document part (already decoded to text) into blocks and diagnostics.
pub(super) fn read(xml: &str, document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    let limits = document.limits();
    let mut body = Body::new(document);
    let mut reader = Reader::from_str(xml);
    let mut events_since_check = 0u32;
    loop {
        events_since_check += 1;
        if events_since_check >= TIME_CHECK_INTERVAL {
            events_since_check = 0;
            body.document.check_time()?;
        }
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(error) => {
                let position = reader.error_position() + body.skipped_bytes;
                body.damaged(&error.to_string(), position)?;
                break;
            }
        };
        match event {
            Event::Start(element) => {
                body.depth += 1;
                if body.depth > limits.max_xml_depth {
                    return Err(too_deep("elements", limits.max_xml_depth));
                }
                if body.skip_until.is_none() && !body.open(&element)? {
                    body.skip_until = Some(body.depth);
                    body.skipped_bytes += fast_forward(&mut reader, xml, element.name().as_ref());
                }
            }
            Event::Empty(element) => {
                if body.skip_until.is_none() && body.open(&element)? {
                    body.close(element.local_name().as_ref())?;
                }
            }
            Event::End(element) => {
                match body.skip_until {
                    Some(depth) if depth == body.depth => body.skip_until = None,
                    Some(_) => {}
                    None => body.close(element.local_name().as_ref())?,
                }
                body.depth = body.depth.saturating_sub(1);
            }
            Event::Text(text) => body.text(&text),
            Event::CData(data) => {
                let data = data.into_inner();
                body.text(&data);
            }
            Event::GeneralRef(reference) => body.reference(&reference),
            Event::Eof => break,
            // The DOCTYPE (with any entity declarations), comments, processing instructions
            // and the XML declaration carry no document text.
            Event::DocType(_) | Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
        }
        body.check_held()?;
    }
    body.finish()
}

/// Moves the reader to the end tag of the element it just opened, when that can be done by a
/// plain scan: property elements (`w:pPr`, `w:rPr`, `w:tcBorders`) are most of the bytes of a
/// typical document and none of their content is read, so jumping to `</w:pPr>` is several
/// times faster than parsing every event inside. The scan gives up (and the events are skipped
/// one by one) when something could hide or nest a tag of the same name: a comment, CDATA, a
/// processing instruction, or a nested element of that name.
/// Returns the number of bytes passed over.
fn fast_forward(reader: &mut Reader<&[u8]>, xml: &str, name: &str) -> u64 {
    let rest: &[u8] = reader.get_ref();
    // The reader reads a suffix of `xml`; as text it can be searched with `str::find`, which
    // looks for a byte many bytes at a time.
    let Some(text) = xml
        .len()
        .checked_sub(rest.len())
        .and_then(|start| xml.get(start..))
    else {
        return 0;
    };
    if !std::ptr::eq(text.as_ptr(), rest.as_ptr()) {
        return 0;
    }
    let name = name.as_bytes();
    let mut at = 0;
    while let Some(offset) = text.get(at..).and_then(|tail| tail.find('<')) {
        let open = at + offset;
        let after = open + 1;
        match rest.get(after) {
            Some(b'!' | b'?') | None => return 0,
            Some(b'/') => {
                let end_name = after + 1;
                if rest.get(end_name..end_name + name.len()) == Some(name)
                    && rest.get(end_name + name.len()) == Some(&b'>')
                {
                    // The reader's own byte position no longer counts the skipped bytes (the
                    // caller adds them to error positions); its element stack is intact
                    // because the end tag is still to come.
                    if let Some(remaining) = rest.get(open..) {
                        *reader.get_mut() = remaining;
                        return open as u64;
                    }
                    return 0;
                }
            }
            Some(_) => {
                let nested = rest.get(after..after + name.len()) == Some(name)
                    && rest
                        .get(after + name.len())
                        .is_none_or(|byte| b" \t\r\n/>".contains(byte));
                if nested {
                    return 0;
                }
            }
        }
        at = after;
    }
    0
}

fn too_deep(what: &str, limit: usize) -> ReadError {
    ReadError::TooLarge(format!(
        "the Word document's {what} nest deeper than {limit} levels (raise with --max-depth)"
    ))
}

/// A complex field (`w:fldChar` begin … separate … end).
#[derive(Debug, Default)]
struct Field {
    /// True once the `separate` mark is passed: what follows is the displayed result.
    separated: bool,
    /// For a legacy form checkbox: whether it is ticked.
    checkbox: Option<bool>,
    /// True when `w:checked` set the state (it overrides `w:default`).
    checked_explicitly: bool,
}

/// A content control (`w:sdt`).
#[derive(Debug, Default)]
struct ContentControl {
    /// For a checkbox control: whether it is ticked.
    checkbox: Option<bool>,
    /// True when the control shows its placeholder prompt rather than content.
    placeholder: bool,
    /// True while its content is being left out (checkbox glyphs, placeholders).
    suppressing: bool,
}

struct Body<'d, 'l> {
    document: &'d mut DocumentBuilder<'l>,
    /// The body paragraph being read.
    paragraph: String,
    /// Paragraphs open outside any table (more than one inside a text box).
    body_paragraphs: usize,
    /// Open tables, outermost first.
    tables: Vec<TableState>,
    /// Finished tables nested in the open top-level table, with their diagnostics; they are
    /// emitted right after it.
    nested: NestedTables,
    depth: usize,
    /// While set, every event is ignored until the end of the element at this depth.
    skip_until: Option<usize>,
    /// True inside a text element (`w:t`).
    in_text: bool,
    fields: Vec<Field>,
    /// Fields begun past [`MAX_FIELD_NESTING`] and not yet ended.
    fields_untracked: usize,
    controls: Vec<ContentControl>,
    /// Content controls whose content is being left out.
    suppressing: usize,
    /// For each open `mc:AlternateContent`: whether a branch has been taken.
    alternates: Vec<bool>,
    in_row_properties: usize,
    in_control_properties: usize,
    in_form_field: usize,
    unknown_entities: usize,
    /// True once the XML broke off with an error.
    damaged: bool,
    /// Bytes passed over by [`fast_forward`], which the reader's own position does not count.
    skipped_bytes: u64,
    /// Text kept so far plus [`HELD_PER_BLOCK`] per paragraph and cell: what the document
    /// holds in memory, bounded by an eighth of `--max-inflate`.
    held: usize,
}

impl<'d, 'l> Body<'d, 'l> {
    fn new(document: &'d mut DocumentBuilder<'l>) -> Self {
        Body {
            document,
            paragraph: String::new(),
            body_paragraphs: 0,
            tables: Vec::new(),
            nested: NestedTables::default(),
            depth: 0,
            skip_until: None,
            in_text: false,
            fields: Vec::new(),
            fields_untracked: 0,
            controls: Vec::new(),
            suppressing: 0,
            alternates: Vec::new(),
            in_row_properties: 0,
            in_control_properties: 0,
            in_form_field: 0,
            unknown_entities: 0,
            damaged: false,
            skipped_bytes: 0,
            held: 0,
        }
    }

    /// Fails once the text and blocks kept pass the budget: a part that inflates to hundreds
    /// of megabytes of text would otherwise be held whole, as text, whatever the XML reading
    /// costs.
    fn check_held(&self) -> Result<(), ReadError> {
        let budget =
            usize::try_from(self.document.limits().max_inflate_entry / 8).unwrap_or(usize::MAX);
        if self.held > budget {
            return Err(ReadError::TooLarge(format!(
                "the Word document holds more than {} of text (an eighth of the inflation \
                 limit; raise with --max-inflate)",
                crate::limits::human_bytes(budget as u64)
            )));
        }
        Ok(())
    }

    /// Handles an element's start. Returns false when the element and everything in it are to
    /// be skipped.
    fn open(&mut self, element: &BytesStart<'_>) -> Result<bool, ReadError> {
        match element.local_name().as_ref() {
            "p" => self.begin_paragraph(),
            "t" => self.in_text = true,
            "tab" | "ptab" => self.push(" "),
            "br" | "cr" => self.push("\n"),
            "noBreakHyphen" => self.push("-"),
            "sym" => {
                let font = attribute(element, "font");
                let code = attribute(element, "char");
                if let Some(symbol) = code.and_then(|code| symbol_char(font.as_deref(), &code)) {
                    self.push_char(symbol);
                }
            }
            "tbl" => self.begin_table()?,
            "tblGrid" => {
                if let Some(table) = self.tables.last_mut() {
                    table.in_grid = true;
                }
            }
            "gridCol" => {
                if let Some(table) = self.tables.last_mut().filter(|table| table.in_grid) {
                    table.add_grid_column();
                }
            }
            "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.begin_row();
                }
            }
            "trPr" => self.in_row_properties += 1,
            "gridBefore" if self.in_row_properties > 0 => {
                let columns = number(attribute(element, "val").as_deref()).unwrap_or(0);
                if let Some(table) = self.tables.last_mut() {
                    table.set_grid_before(columns);
                }
            }
            "del" => {
                // A deletion mark in the row properties deletes the whole row; anywhere else
                // `w:del` wraps deleted runs. Either way its content is not displayed.
                if self.in_row_properties > 0
                    && let Some(table) = self.tables.last_mut()
                {
                    table.delete_row();
                }
                return Ok(false);
            }
            "tc" => {
                let field_base = self.fields.len();
                if let Some(table) = self.tables.last_mut() {
                    table.begin_cell(field_base);
                }
            }
            "gridSpan" => {
                let span = number(attribute(element, "val").as_deref());
                if let Some(cell) = self.open_cell() {
                    cell.grid_span = span.unwrap_or(1).clamp(1, MAX_COLUMNS);
                }
            }
            "vMerge" => {
                let merge = Merge::from_val(attribute(element, "val").as_deref());
                if let Some(cell) = self.open_cell() {
                    cell.v_merge = merge;
                }
            }
            "hMerge" => {
                let merge = Merge::from_val(attribute(element, "val").as_deref());
                if let Some(cell) = self.open_cell() {
                    cell.h_merge = merge;
                }
            }
            "fldChar" => self.field_char(element),
            "ffData" => self.in_form_field += 1,
            "checkBox" if self.in_form_field > 0 => {
                if let Some(field) = self.fields.last_mut() {
                    field.checkbox.get_or_insert(false);
                }
            }
            "default" if self.in_form_field > 0 => {
                let value = on_off(attribute(element, "val").as_deref());
                if let Some(field) = self.fields.last_mut()
                    && field.checkbox.is_some()
                    && !field.checked_explicitly
                {
                    field.checkbox = Some(value);
                }
            }
            "checked" => {
                let value = on_off(attribute(element, "val").as_deref());
                if self.in_control_properties > 0 {
                    if let Some(control) = self.controls.last_mut() {
                        control.checkbox = Some(value);
                    }
                } else if self.in_form_field > 0
                    && let Some(field) = self.fields.last_mut()
                {
                    field.checkbox = Some(value);
                    field.checked_explicitly = true;
                }
            }
            "sdt" => self.controls.push(ContentControl::default()),
            "sdtPr" => self.in_control_properties += 1,
            "checkbox" if self.in_control_properties > 0 => {
                if let Some(control) = self.controls.last_mut() {
                    control.checkbox.get_or_insert(false);
                }
            }
            "showingPlcHdr" if self.in_control_properties > 0 => {
                let value = on_off(attribute(element, "val").as_deref());
                if let Some(control) = self.controls.last_mut() {
                    control.placeholder = value;
                }
            }
            "sdtContent" => {
                if let Some(control) = self.controls.last_mut()
                    && (control.checkbox.is_some() || control.placeholder)
                    && !control.suppressing
                {
                    control.suppressing = true;
                    self.suppressing += 1;
                }
            }
            "AlternateContent" => self.alternates.push(false),
            "Choice" | "Fallback" => {
                if let Some(taken) = self.alternates.last_mut() {
                    if *taken {
                        return Ok(false);
                    }
                    *taken = true;
                }
            }
            // Deleted or moved-away text, field instructions, and properties (which hold tab
            // stops that look like tabs, and old copies of cell properties in tracked changes;
            // cell borders and margins are skipped only because they are bulky).
            "moveFrom" | "delText" | "instrText" | "delInstrText" | "pPr" | "rPr" | "tblPr"
            | "tblPrEx" | "sectPr" | "tcPrChange" | "trPrChange" | "tblPrChange"
            | "tblGridChange" | "pPrChange" | "rPrChange" | "sectPrChange" | "fldData"
            | "tcBorders" | "tcMar" => {
                return Ok(false);
            }
            _ => {}
        }
        Ok(true)
    }

    /// Handles an element's end (and the end of an empty element right after its start).
    fn close(&mut self, name: &str) -> Result<(), ReadError> {
        match name {
            "p" => self.end_paragraph(),
            "t" => self.in_text = false,
            "tbl" => self.end_table()?,
            "tblGrid" => {
                if let Some(table) = self.tables.last_mut() {
                    table.in_grid = false;
                }
            }
            "tr" => {
                if let Some(table) = self.tables.last_mut() {
                    table.end_row();
                }
            }
            "trPr" => self.in_row_properties = self.in_row_properties.saturating_sub(1),
            "tc" => self.end_cell()?,
            "ffData" => self.in_form_field = self.in_form_field.saturating_sub(1),
            "sdt" => {
                if let Some(control) = self.controls.pop()
                    && control.suppressing
                {
                    self.suppressing = self.suppressing.saturating_sub(1);
                }
            }
            "sdtPr" => {
                self.in_control_properties = self.in_control_properties.saturating_sub(1);
            }
            "sdtContent" => {
                let mut glyph = None;
                if let Some(control) = self.controls.last_mut()
                    && control.suppressing
                {
                    control.suppressing = false;
                    self.suppressing = self.suppressing.saturating_sub(1);
                    glyph = control.checkbox.map(checkbox_glyph);
                }
                if let Some(glyph) = glyph {
                    self.push_char(glyph);
                }
            }
            "AlternateContent" => {
                self.alternates.pop();
            }
            _ => {}
        }
        Ok(())
    }

    /// True when text met now is displayed: not inside a field instruction, not inside a
    /// checkbox or placeholder content control.
    fn displayed(&self) -> bool {
        self.suppressing == 0 && self.fields.iter().all(|field| field.separated)
    }

    /// Where displayed text goes now: the open cell of the innermost table, or the body
    /// paragraph. Text directly inside a table but outside its cells has no place.
    fn sink(&mut self) -> Option<&mut String> {
        match self.tables.last_mut() {
            Some(table) => table.cell.as_mut().map(|cell| &mut cell.text),
            None => Some(&mut self.paragraph),
        }
    }

    /// Appends run content (a tab, a break, a symbol) when it is displayed.
    fn push(&mut self, text: &str) {
        if self.displayed()
            && let Some(sink) = self.sink()
        {
            sink.push_str(text);
            self.held += text.len();
        }
    }

    fn push_char(&mut self, c: char) {
        let mut buffer = [0u8; 4];
        self.push(c.encode_utf8(&mut buffer));
    }

    /// Character data: kept only inside a text element.
    fn text(&mut self, text: &str) {
        if !self.in_text || !self.displayed() {
            return;
        }
        self.held += text.len();
        let Some(sink) = self.sink() else {
            return;
        };
        // Line breaks and tabs inside `w:t` are layout of the XML, not of the document: Word
        // shows them as spaces.
        if text.bytes().any(|byte| byte < 0x20) {
            sink.extend(
                text.chars()
                    .filter(|&c| c != '\r')
                    .map(|c| if c.is_control() { ' ' } else { c }),
            );
        } else {
            sink.push_str(text);
        }
    }

    fn reference(&mut self, reference: &BytesRef<'_>) {
        if !self.in_text {
            return;
        }
        let resolved = match &**reference {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => reference.resolve_char_ref().ok().flatten(),
        };
        match resolved {
            Some(c) => {
                let c = if c.is_control() { ' ' } else { c };
                let mut buffer = [0u8; 4];
                let text = c.encode_utf8(&mut buffer);
                self.text(text);
            }
            None => self.unknown_entities += 1,
        }
    }

    fn begin_paragraph(&mut self) {
        if self.tables.is_empty() {
            self.body_paragraphs += 1;
        }
        // A paragraph starts a new line in whatever it lands in: a cell, or (for the paragraphs
        // of a text box) the body paragraph that anchors the box.
        if self.tables.is_empty() && self.body_paragraphs == 1 {
            return;
        }
        if let Some(sink) = self.sink()
            && !sink.is_empty()
            && !sink.ends_with('\n')
        {
            sink.push('\n');
        }
    }

    fn end_paragraph(&mut self) {
        if !self.tables.is_empty() || self.body_paragraphs == 0 {
            return;
        }
        self.body_paragraphs -= 1;
        if self.body_paragraphs == 0 {
            self.flush_paragraph();
        }
    }

    fn flush_paragraph(&mut self) {
        self.held += HELD_PER_BLOCK;
        let text = tidy(std::mem::take(&mut self.paragraph));
        if !text.is_empty() {
            self.document.paragraph(text, Source::default());
        }
    }

    fn begin_table(&mut self) -> Result<(), ReadError> {
        if self.tables.len() >= self.document.limits().max_xml_depth {
            return Err(too_deep("tables", self.document.limits().max_xml_depth));
        }
        let seq = self.nested.begin(self.tables.len());
        self.tables.push(TableState::new(seq));
        Ok(())
    }

    fn open_cell(&mut self) -> Option<&mut super::table::OpenCell> {
        self.tables.last_mut()?.cell.as_mut()
    }

    fn end_cell(&mut self) -> Result<(), ReadError> {
        self.held += HELD_PER_BLOCK;
        let Some(table) = self.tables.last_mut() else {
            return Ok(());
        };
        if !table.closes_cell() {
            return Ok(());
        }
        let field_base = table.cell.as_ref().map_or(0, |cell| cell.field_base);
        if self.fields.len() > field_base {
            // A field cannot continue past the end of its cell; closing it here keeps one
            // broken field from hiding the rest of the table.
            self.fields.truncate(field_base);
            table.diagnostics.push(Diagnostic::new(
                "field_unterminated",
                "a field in a table cell has no end mark; it was closed at the end of the cell",
            ));
        }
        if table.end_cell() {
            self.document.reserve(1)?;
        }
        Ok(())
    }

    fn end_table(&mut self) -> Result<(), ReadError> {
        let Some(table) = self.tables.pop() else {
            return Ok(());
        };
        let seq = table.seq;
        let nested_text = (!self.tables.is_empty()).then(|| table.flattened_text());
        let (grid, diagnostics) = table.finish();
        let nested = nested_text.is_some();
        if let Some(text) = nested_text {
            // The outer cell keeps the nested table's text, so a reader of the outer grid alone
            // still sees it; the nested grid itself follows the outer one.
            if !text.is_empty()
                && let Some(sink) = self.sink()
            {
                if !sink.is_empty() && !sink.ends_with('\n') {
                    sink.push('\n');
                }
                sink.push_str(&text);
            }
        }
        self.nested
            .finish(self.document, (seq, nested), (grid, diagnostics))
    }

    fn field_char(&mut self, element: &BytesStart<'_>) {
        match attribute(element, "fldCharType").as_deref().map(str::trim) {
            Some("begin") => {
                if self.fields.len() < MAX_FIELD_NESTING {
                    self.fields.push(Field::default());
                } else {
                    self.fields_untracked += 1;
                }
            }
            Some("separate") => {
                if self.fields_untracked == 0
                    && let Some(field) = self.fields.last_mut()
                {
                    field.separated = true;
                }
            }
            Some("end") => {
                if self.fields_untracked > 0 {
                    self.fields_untracked -= 1;
                } else if let Some(field) = self.fields.pop() {
                    // A form checkbox has no displayed result: Word draws the box itself.
                    if let Some(checked) = field.checkbox {
                        self.push_char(checkbox_glyph(checked));
                    }
                }
            }
            _ => {}
        }
    }

    /// The XML broke off. What was read before stays, with a loss diagnostic; a part that
    /// breaks before any content is unreadable.
    fn damaged(&mut self, error: &str, position: u64) -> Result<(), ReadError> {
        self.damaged = true;
        let nothing_read = self.document.document().blocks.is_empty()
            && self.tables.is_empty()
            && self.paragraph.trim().is_empty();
        if nothing_read {
            return Err(ReadError::Unreadable(format!(
                "the Word document's text (word/document.xml) is not well-formed XML: {error} at \
                 byte {position}; the file is damaged"
            )));
        }
        self.document.diagnostic(Diagnostic::loss(
            "xml_damaged",
            format!(
                "the Word document's text (word/document.xml) breaks off at byte {position} \
                 ({error}); what comes before was read, the rest is lost"
            ),
        ));
        Ok(())
    }

    /// Closes whatever is still open.
    fn finish(mut self) -> Result<(), ReadError> {
        if self.depth > 0 && !self.damaged {
            self.document.diagnostic(Diagnostic::loss(
                "xml_truncated",
                "the Word document's text (word/document.xml) ends before its elements close;                  it was read as far as it goes, and whatever followed is lost",
            ));
        }
        while let Some(table) = self.tables.last_mut() {
            if table.cell.is_some() {
                self.end_cell()?;
            }
            if let Some(table) = self.tables.last_mut() {
                table.end_row();
            }
            self.end_table()?;
        }
        self.flush_paragraph();
        if !self.fields.is_empty() {
            self.document.diagnostic(Diagnostic::loss(
                "field_unterminated",
                "a field has no end mark; the text after its start was not read",
            ));
        }
        if self.unknown_entities > 0 {
            self.document.diagnostic(Diagnostic::loss(
                "entity_not_expanded",
                format!(
                    "{} references to entities declared in the document type were left out \
                     (such entities are never expanded)",
                    self.unknown_entities
                ),
            ));
        }
        Ok(())
    }
}

/// The value of the attribute with this local name, if any.
fn attribute<'a>(element: &'a BytesStart<'_>, local: &str) -> Option<std::borrow::Cow<'a, str>> {
    let mut attributes = element.attributes();
    // Duplicate checks allocate; Word never writes duplicates and the first one wins anyway.
    attributes.with_checks(false);
    attributes
        .flatten()
        .find(|attribute| attribute.key.local_name().as_ref() == local)
        .map(|attribute| attribute.value)
}

/// A decimal attribute value (`w:val="3"`). Decimals such as `2.0` are read too.
fn number(value: Option<&str>) -> Option<usize> {
    let value = value?.trim();
    value.parse::<usize>().ok().or_else(|| {
        value
            .parse::<f64>()
            .ok()
            .filter(|number| number.is_finite() && *number >= 0.0)
            .map(|number| number.min(usize::MAX as f64) as usize)
    })
}

/// An on/off value: absent means on, as the standard says for `w:checked`-like elements.
fn on_off(value: Option<&str>) -> bool {
    !matches!(
        value.map(str::trim),
        Some("0" | "false" | "off" | "False" | "FALSE")
    )
}

fn checkbox_glyph(checked: bool) -> char {
    if checked { CHECKED } else { UNCHECKED }
}
