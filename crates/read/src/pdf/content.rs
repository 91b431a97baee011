//! The content-stream interpreter: runs a page's operators and collects what a table reader
//! needs, positioned glyphs and axis-aligned rule segments, in page space (origin at the
//! bottom-left of the visible page, y upwards, the page's `/Rotate` already applied).
//!
//! Graphics state (`q`/`Q`, `cm`, line width, whether the colour is white), text state (`Tc`,
//! `Tw`, `Tz`, `TL`, `Ts`, `Tf`), text positioning (`Td`, `TD`, `Tm`, `T*`) and showing (`Tj`,
//! `TJ`, `'`, `"`) follow the PDF specification. Form XObjects run with their own matrix and
//! resources, nested at most `max_pdf_depth` deep; image XObjects and inline images are
//! skipped without decoding. Paths become rule segments when they are painted: stroked lines
//! and rectangle edges that run horizontally or vertically, and thin filled rectangles (the
//! way many producers draw borders). Curves, clipping and white paint draw no rules.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use jixiao_grid::is_wide as is_wide_char;
use lopdf::{Dictionary, Object, ObjectId};

use super::cmap::Mapped;
use super::font::Font;
use super::lexer::{Lexer, Token};
use super::objects::Objects;
use super::tolerance::{GLYPH_CENTRE_HEIGHT, MAX_RULE_THICKNESS};
use crate::{Deadline, DocumentBuilder, Limits, ReadError};

/// Most glyphs kept from one page; a page with more is cut and reported.
pub(crate) const MAX_GLYPHS_PER_PAGE: usize = 400_000;
/// Most rule segments kept from one page.
pub(crate) const MAX_SEGMENTS_PER_PAGE: usize = 100_000;
/// Most operators run for one page, Form XObjects included, so that forms drawing forms
/// cannot multiply the work without bound.
const MAX_OPERATORS_PER_PAGE: usize = 20_000_000;
/// Most Form XObject work for one page, in bytes of form content run (each run counting at
/// least [`FORM_RUN_COST`]): forms that draw each other in a branching pattern multiply their
/// work per level while staying under the depth limit, so the budget is on total work, not
/// depth. Past it, further forms on the page are skipped (and reported) while the page's own
/// content goes on, so that text drawn directly on the page is still read.
pub(crate) const MAX_FORM_WORK_PER_PAGE: usize = 64 << 20;
/// The least a form run costs against [`MAX_FORM_WORK_PER_PAGE`], however short its stream:
/// the state it saves and restores.
const FORM_RUN_COST: usize = 256;
/// Deepest `q` nesting kept; deeper saves are ignored (and so are their restores).
const MAX_SAVE_DEPTH: usize = 256;

/// An affine matrix `[a b c d e f]`, as PDF writes them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Matrix(pub [f64; 6]);

impl Matrix {
    pub(crate) const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self × other`: apply `self`, then `other`.
    pub(crate) fn then(self, other: Matrix) -> Matrix {
        let [a, b, c, d, e, f] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a * a2 + b * c2,
            a * b2 + b * d2,
            c * a2 + d * c2,
            c * b2 + d * d2,
            e * a2 + f * c2 + e2,
            e * b2 + f * d2 + f2,
        ])
    }

    pub(crate) fn apply(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    /// Applies the linear part only (for vectors).
    fn apply_vector(self, x: f64, y: f64) -> (f64, f64) {
        let [a, b, c, d, _, _] = self.0;
        (a * x + c * y, b * x + d * y)
    }

    fn translate(x: f64, y: f64) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, x, y])
    }

    fn from_operands(values: &[f64]) -> Option<Matrix> {
        let values: [f64; 6] = values.try_into().ok()?;
        values
            .iter()
            .all(|v| v.is_finite())
            .then_some(Matrix(values))
    }

    /// How much the matrix scales lengths, on average.
    fn scale(self) -> f64 {
        let [a, b, c, d, _, _] = self.0;
        (a * d - b * c).abs().sqrt()
    }
}

/// Reading direction of a glyph, to the nearest quarter turn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Direction {
    /// Left to right, the usual.
    Right,
    /// Bottom to top (text turned a quarter counter-clockwise).
    Up,
    /// Right to left, upside down.
    Left,
    /// Top to bottom (text turned a quarter clockwise, and vertical writing).
    Down,
}

impl Direction {
    fn of(dx: f64, dy: f64) -> Direction {
        if dx.abs() >= dy.abs() {
            if dx >= 0.0 {
                Direction::Right
            } else {
                Direction::Left
            }
        } else if dy >= 0.0 {
            Direction::Up
        } else {
            Direction::Down
        }
    }

    /// Coordinates of a page point in this direction's reading frame: `u` along the reading
    /// direction, `v` across it, larger `v` first (the first line of a block).
    pub(crate) fn frame(self, x: f64, y: f64) -> (f64, f64) {
        match self {
            Direction::Right => (x, y),
            Direction::Up => (y, -x),
            Direction::Left => (-x, -y),
            Direction::Down => (-y, x),
        }
    }
}

/// One glyph on a page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Glyph {
    /// Centre of the glyph's em box in page space, used to place it in a cell.
    pub cx: f64,
    pub cy: f64,
    /// Extent along the reading direction and baseline position across it, in the glyph's
    /// reading frame (see [`Direction::frame`]).
    pub u0: f64,
    pub u1: f64,
    pub v: f64,
    /// Font size in page space.
    pub size: f64,
    pub direction: Direction,
    pub text: Mapped,
    /// True for white space (spaces, ideographic spaces), which separates words but is not
    /// text of its own.
    pub space: bool,
    /// True for a glyph with no character mapping: it takes room on the line but gives no
    /// text (see `PageContent::unmapped`).
    pub hole: bool,
}

/// A horizontal or vertical rule segment in page space.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    pub horizontal: bool,
    /// y of a horizontal rule, x of a vertical one.
    pub position: f64,
    /// Extent along the rule, `start <= end`.
    pub start: f64,
    pub end: f64,
    pub thickness: f64,
}

/// What one page draws.
#[derive(Debug, Default)]
pub(crate) struct PageContent {
    pub glyphs: Vec<Glyph>,
    pub segments: Vec<Segment>,
    /// Glyphs shown that map to no text.
    pub unmapped: usize,
    /// Glyphs shown that map to text (white space excluded).
    pub mapped: usize,
    /// Fonts whose glyphs were unmapped, for messages.
    pub unmapped_fonts: Vec<String>,
    /// Image XObjects and inline images drawn (never decoded).
    pub images: usize,
    /// True when a per-page cap cut the page short.
    pub truncated: bool,
    /// True when Form XObjects nested deeper than the limit were skipped.
    pub too_deep: bool,
    /// Form XObjects skipped because the page's form work budget was spent.
    pub forms_over_budget: usize,
    /// Content streams of the page that inflate past the limit (set by the page reader).
    pub oversized_streams: usize,
    /// Content streams the page names that the file lacks (set by the page reader).
    pub missing_streams: usize,
    /// Streams that could not be decoded, for messages.
    pub broken_streams: usize,
    /// Glyphs shown outside the clipping path, left out.
    pub clipped: usize,
}

/// Decoded fonts and Form XObject streams shared by all pages of a document, so that each is
/// parsed and inflated once.
#[derive(Debug, Default)]
pub(crate) struct Cache {
    fonts: HashMap<ObjectId, Rc<Font>>,
    forms: HashMap<ObjectId, Rc<Vec<u8>>>,
    /// Forms that drew nothing when run (no glyph, rule or image), with the state that decides
    /// whether paint shows (white fill, white stroke, a font set); drawing one again in the
    /// same state draws nothing again, so it is skipped. This memo turns a branching tree of
    /// forms that draw nothing into work linear in the number of forms.
    blank_forms: HashSet<(ObjectId, bool, bool, bool)>,
}

#[derive(Debug, Clone)]
struct GraphicsState {
    ctm: Matrix,
    line_width: f64,
    fill_white: bool,
    stroke_white: bool,
    font: Option<Rc<Font>>,
    font_size: f64,
    char_spacing: f64,
    word_spacing: f64,
    horizontal_scale: f64,
    leading: f64,
    rise: f64,
    /// The bounding box (page space, `[x0, y0, x1, y1]`) of the clipping path, `None` while
    /// nothing is clipped. Text outside it is not shown (see [`Interpreter::show`]).
    clip: Option<[f64; 4]>,
}

impl GraphicsState {
    fn new(ctm: Matrix) -> Self {
        GraphicsState {
            ctm,
            line_width: 1.0,
            fill_white: false,
            stroke_white: false,
            font: None,
            font_size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            horizontal_scale: 1.0,
            leading: 0.0,
            rise: 0.0,
            clip: None,
        }
    }
}

/// An operand on the stack. Arrays keep only what `TJ` and colour operators need.
#[derive(Debug, Clone)]
enum Operand<'a> {
    Number(f64),
    Name(&'a [u8]),
    String(Vec<u8>),
    Array(Vec<Operand<'a>>),
    /// A dictionary or anything else no operator here reads.
    Other,
}

struct SubPath {
    points: Vec<(f64, f64)>,
    closed: bool,
}

/// Runs a page's content streams.
pub(crate) struct Interpreter<'o, 'a> {
    objects: &'o Objects<'a>,
    cache: &'o mut Cache,
    limits: &'o Limits,
    deadline: Deadline,
    out: PageContent,
    state: GraphicsState,
    saved: Vec<GraphicsState>,
    text_matrix: Matrix,
    line_matrix: Matrix,
    path: Vec<SubPath>,
    /// A `W`/`W*` waits for the path-painting operator that ends the path.
    clip_pending: bool,
    operators: usize,
    /// Form work spent on this page (see [`MAX_FORM_WORK_PER_PAGE`]).
    form_work: usize,
}

impl std::fmt::Debug for Interpreter<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interpreter")
            .field("glyphs", &self.out.glyphs.len())
            .field("segments", &self.out.segments.len())
            .finish()
    }
}

impl<'o, 'a> Interpreter<'o, 'a> {
    /// An interpreter for one page whose user space maps to page space by `page_matrix`.
    pub(crate) fn new(
        objects: &'o Objects<'a>,
        cache: &'o mut Cache,
        document: &'o DocumentBuilder<'_>,
        page_matrix: Matrix,
    ) -> Self {
        Interpreter {
            objects,
            cache,
            limits: document.limits(),
            deadline: document.deadline(),
            out: PageContent::default(),
            state: GraphicsState::new(page_matrix),
            saved: Vec::new(),
            text_matrix: Matrix::IDENTITY,
            line_matrix: Matrix::IDENTITY,
            path: Vec::new(),
            clip_pending: false,
            operators: 0,
            form_work: 0,
        }
    }

    /// Runs one content stream with `resources`; can be called once per stream of a page.
    pub(crate) fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
    ) -> Result<(), ReadError> {
        self.run_at_depth(content, resources, 0)
    }

    /// What the page drew.
    pub(crate) fn finish(self) -> PageContent {
        self.out
    }

    fn run_at_depth(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), ReadError> {
        let mut lexer = Lexer::new(content);
        let mut operands: Vec<Operand<'_>> = Vec::with_capacity(8);
        // Arrays being built (`[` seen, `]` not yet); nesting is bounded by the stack size.
        let mut arrays: Vec<Vec<Operand<'_>>> = Vec::new();
        let saved_at_entry = self.saved.len();
        while let Some(token) = lexer.next_token() {
            let operand = match token {
                Token::Number(value) => Operand::Number(value),
                Token::Name(name) => Operand::Name(name),
                Token::String(bytes) => Operand::String(bytes),
                Token::ArrayStart => {
                    if arrays.len() < 8 {
                        arrays.push(Vec::new());
                    }
                    continue;
                }
                Token::ArrayEnd => match arrays.pop() {
                    Some(items) => Operand::Array(items),
                    None => continue,
                },
                Token::DictStart => {
                    skip_dictionary(&mut lexer);
                    Operand::Other
                }
                Token::DictEnd => continue,
                Token::Operator(op) => {
                    if !arrays.is_empty() {
                        // An operator inside an array is a syntax error; drop the array.
                        arrays.clear();
                    }
                    self.operators += 1;
                    if self.operators > MAX_OPERATORS_PER_PAGE {
                        self.out.truncated = true;
                        break;
                    }
                    if self.operators.is_multiple_of(65_536) {
                        self.deadline.check()?;
                    }
                    if op == b"BI" {
                        self.skip_inline_image(&mut lexer);
                    } else if op == b"Do" {
                        if let Some(Operand::Name(name)) = operands.last() {
                            let name = name.to_vec();
                            self.draw_xobject(&name, resources, depth)?;
                        }
                    } else {
                        self.operator(op, &operands, resources);
                    }
                    operands.clear();
                    if self.out.truncated {
                        break;
                    }
                    continue;
                }
            };
            match arrays.last_mut() {
                Some(array) => {
                    if array.len() < 1 << 16 {
                        array.push(operand);
                    }
                }
                None => {
                    if operands.len() < 64 {
                        operands.push(operand);
                    }
                }
            }
        }
        // A stream must not leave saved states behind for the streams after it.
        while self.saved.len() > saved_at_entry {
            if let Some(state) = self.saved.pop() {
                self.state = state;
            }
        }
        Ok(())
    }

    fn skip_inline_image(&mut self, lexer: &mut Lexer<'_>) {
        self.out.images += 1;
        while let Some(token) = lexer.next_token() {
            if token == Token::Operator(b"ID") {
                lexer.skip_inline_image_data();
                return;
            }
            if token == Token::Operator(b"EI") {
                return;
            }
        }
    }

    fn draw_xobject(
        &mut self,
        name: &[u8],
        resources: Option<&'a Dictionary>,
        depth: usize,
    ) -> Result<(), ReadError> {
        let objects = self.objects;
        let Some(object) = resources
            .and_then(|r| objects.get_dict(r, b"XObject"))
            .and_then(|x| x.get(name).ok())
        else {
            return Ok(());
        };
        let Some(dict) = objects.dict(object) else {
            return Ok(());
        };
        if objects.get_name(dict, b"Subtype") != Some(b"Form") {
            // Images are counted, never decoded.
            self.out.images += 1;
            return Ok(());
        }
        if depth + 1 > self.limits.max_pdf_depth {
            self.out.too_deep = true;
            return Ok(());
        }
        let memo_key = match object {
            Object::Reference(id) => Some((
                *id,
                self.state.fill_white,
                self.state.stroke_white,
                self.state.font.is_some(),
            )),
            _ => None,
        };
        if memo_key.is_some_and(|key| self.cache.blank_forms.contains(&key)) {
            return Ok(());
        }
        let data = match object {
            Object::Reference(id) => match self.cache.forms.get(id) {
                Some(data) => Rc::clone(data),
                None => match objects.stream_data(object) {
                    Ok(data) => {
                        let data = Rc::new(data);
                        self.cache.forms.insert(*id, Rc::clone(&data));
                        data
                    }
                    Err(_) => {
                        self.out.broken_streams += 1;
                        return Ok(());
                    }
                },
            },
            _ => match objects.stream_data(object) {
                Ok(data) => Rc::new(data),
                Err(_) => {
                    self.out.broken_streams += 1;
                    return Ok(());
                }
            },
        };
        let cost = data.len().max(FORM_RUN_COST);
        if self.form_work.saturating_add(cost) > MAX_FORM_WORK_PER_PAGE {
            self.out.forms_over_budget += 1;
            return Ok(());
        }
        self.form_work += cost;
        let matrix = objects
            .get(dict, b"Matrix")
            .and_then(|m| objects.numbers(m))
            .and_then(|m| Matrix::from_operands(&m))
            .unwrap_or(Matrix::IDENTITY);
        let form_resources = objects.get_dict(dict, b"Resources").or(resources);

        let drawn_before = self.drawn();
        let outer_state = self.state.clone();
        let outer_text = (self.text_matrix, self.line_matrix);
        let outer_path = std::mem::take(&mut self.path);
        self.state.ctm = matrix.then(self.state.ctm);
        let result = self.run_at_depth(&data, form_resources, depth + 1);
        self.state = outer_state;
        (self.text_matrix, self.line_matrix) = outer_text;
        self.path = outer_path;
        // A form that drew nothing, complete (no cap, budget or depth limit cut it short), is
        // remembered as blank in this state.
        if let Some(key) = memo_key
            && result.is_ok()
            && self.drawn() == drawn_before
        {
            self.cache.blank_forms.insert(key);
        }
        result
    }

    /// Counts that change whenever the page draws something or a limit cuts it.
    fn drawn(&self) -> [usize; 8] {
        let out = &self.out;
        [
            out.glyphs.len(),
            out.segments.len(),
            out.unmapped,
            out.images,
            usize::from(out.truncated),
            usize::from(out.too_deep),
            out.forms_over_budget,
            out.broken_streams,
        ]
    }

    fn operator(&mut self, op: &[u8], operands: &[Operand<'_>], resources: Option<&'a Dictionary>) {
        let numbers = |count: usize| -> Option<Vec<f64>> {
            if operands.len() < count {
                return None;
            }
            operands[operands.len() - count..]
                .iter()
                .map(|operand| match operand {
                    Operand::Number(value) => Some(*value),
                    _ => None,
                })
                .collect()
        };
        let number = |index_from_end: usize| -> Option<f64> {
            let index = operands.len().checked_sub(index_from_end + 1)?;
            match operands.get(index)? {
                Operand::Number(value) => Some(*value),
                _ => None,
            }
        };
        match op {
            // Graphics state.
            b"q" if self.saved.len() < MAX_SAVE_DEPTH => {
                self.saved.push(self.state.clone());
            }
            b"Q" => {
                if let Some(state) = self.saved.pop() {
                    self.state = state;
                }
            }
            b"cm" => {
                if let Some(matrix) = numbers(6).and_then(|m| Matrix::from_operands(&m)) {
                    self.state.ctm = matrix.then(self.state.ctm);
                }
            }
            b"w" => {
                if let Some(width) = number(0) {
                    self.state.line_width = width.abs();
                }
            }
            b"g" => self.state.fill_white = number(0).is_some_and(is_white_level),
            b"G" => self.state.stroke_white = number(0).is_some_and(is_white_level),
            b"rg" => {
                self.state.fill_white =
                    numbers(3).is_some_and(|c| c.iter().all(|&v| is_white_level(v)))
            }
            b"RG" => {
                self.state.stroke_white =
                    numbers(3).is_some_and(|c| c.iter().all(|&v| is_white_level(v)))
            }
            b"k" => {
                self.state.fill_white = numbers(4).is_some_and(|c| c.iter().all(|&v| v <= 0.03))
            }
            b"K" => {
                self.state.stroke_white = numbers(4).is_some_and(|c| c.iter().all(|&v| v <= 0.03))
            }
            b"sc" | b"scn" => self.state.fill_white = colour_is_white(operands),
            b"SC" | b"SCN" => self.state.stroke_white = colour_is_white(operands),
            b"cs" => self.state.fill_white = false,
            b"CS" => self.state.stroke_white = false,

            // Paths.
            b"m" => {
                if let Some(p) = numbers(2) {
                    let point = self.state.ctm.apply(p[0], p[1]);
                    self.path.push(SubPath {
                        points: vec![point],
                        closed: false,
                    });
                }
            }
            b"l" => {
                if let Some(p) = numbers(2) {
                    let point = self.state.ctm.apply(p[0], p[1]);
                    match self.path.last_mut() {
                        Some(sub) if !sub.closed && sub.points.len() < 1 << 16 => {
                            sub.points.push(point)
                        }
                        _ => self.path.push(SubPath {
                            points: vec![point],
                            closed: false,
                        }),
                    }
                }
            }
            b"c" | b"v" | b"y" => {
                // Curves draw no rules; the end point becomes the current point, starting a
                // new straight subpath so no false segment joins across the curve.
                let count = if op == b"c" { 6 } else { 4 };
                if let Some(p) = numbers(count) {
                    let point = self.state.ctm.apply(p[count - 2], p[count - 1]);
                    self.path.push(SubPath {
                        points: vec![point],
                        closed: false,
                    });
                }
            }
            b"h" => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
            }
            b"re" => {
                if let Some(r) = numbers(4) {
                    let ctm = self.state.ctm;
                    let points = vec![
                        ctm.apply(r[0], r[1]),
                        ctm.apply(r[0] + r[2], r[1]),
                        ctm.apply(r[0] + r[2], r[1] + r[3]),
                        ctm.apply(r[0], r[1] + r[3]),
                    ];
                    self.path.push(SubPath {
                        points,
                        closed: true,
                    });
                }
            }
            b"S" => self.paint(true, false),
            b"s" => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
                self.paint(true, false);
            }
            b"f" | b"F" | b"f*" => self.paint(false, true),
            b"B" | b"B*" => self.paint(true, true),
            b"b" | b"b*" => {
                if let Some(sub) = self.path.last_mut() {
                    sub.closed = true;
                }
                self.paint(true, true);
            }
            b"n" => {
                self.clip_to_path();
                self.path.clear();
            }
            b"W" | b"W*" => self.clip_pending = true,

            // Text objects and state.
            b"BT" => {
                self.text_matrix = Matrix::IDENTITY;
                self.line_matrix = Matrix::IDENTITY;
            }
            b"ET" => {}
            b"Tc" => {
                if let Some(value) = number(0) {
                    self.state.char_spacing = value;
                }
            }
            b"Tw" => {
                if let Some(value) = number(0) {
                    self.state.word_spacing = value;
                }
            }
            b"Tz" => {
                if let Some(value) = number(0) {
                    self.state.horizontal_scale = value / 100.0;
                }
            }
            b"TL" => {
                if let Some(value) = number(0) {
                    self.state.leading = value;
                }
            }
            b"Ts" => {
                if let Some(value) = number(0) {
                    self.state.rise = value;
                }
            }
            b"Tf" => {
                let size = number(0);
                let name = match operands.len().checked_sub(2).and_then(|i| operands.get(i)) {
                    Some(Operand::Name(name)) => Some(*name),
                    _ => None,
                };
                if let Some(size) = size {
                    self.state.font_size = size;
                }
                if let Some(name) = name {
                    self.state.font = Some(self.font(name, resources));
                }
            }
            b"Td" => {
                if let Some(p) = numbers(2) {
                    self.move_line(p[0], p[1]);
                }
            }
            b"TD" => {
                if let Some(p) = numbers(2) {
                    self.state.leading = -p[1];
                    self.move_line(p[0], p[1]);
                }
            }
            b"Tm" => {
                if let Some(matrix) = numbers(6).and_then(|m| Matrix::from_operands(&m)) {
                    self.text_matrix = matrix;
                    self.line_matrix = matrix;
                }
            }
            b"T*" => self.move_line(0.0, -self.state.leading),
            b"Tj" => {
                if let Some(Operand::String(bytes)) = operands.last() {
                    self.show(bytes);
                }
            }
            b"'" => {
                self.move_line(0.0, -self.state.leading);
                if let Some(Operand::String(bytes)) = operands.last() {
                    self.show(bytes);
                }
            }
            b"\"" => {
                if let (Some(word), Some(character)) = (number(2), number(1)) {
                    self.state.word_spacing = word;
                    self.state.char_spacing = character;
                }
                self.move_line(0.0, -self.state.leading);
                if let Some(Operand::String(bytes)) = operands.last() {
                    self.show(bytes);
                }
            }
            b"TJ" => {
                if let Some(Operand::Array(items)) = operands.last() {
                    for item in items {
                        match item {
                            Operand::String(bytes) => self.show(bytes),
                            Operand::Number(adjust) => self.adjust(*adjust),
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }
    }

    fn font(&mut self, name: &[u8], resources: Option<&'a Dictionary>) -> Rc<Font> {
        let objects = self.objects;
        let Some(entry) = resources
            .and_then(|r| objects.get_dict(r, b"Font"))
            .and_then(|fonts| fonts.get(name).ok())
        else {
            return Rc::new(Font::missing());
        };
        if let Object::Reference(id) = entry
            && let Some(font) = self.cache.fonts.get(id)
        {
            return Rc::clone(font);
        }
        let Some(dict) = objects.dict(entry) else {
            return Rc::new(Font::missing());
        };
        let font = Rc::new(Font::load(objects, dict));
        if let Object::Reference(id) = entry {
            self.cache.fonts.insert(*id, Rc::clone(&font));
        }
        font
    }

    fn move_line(&mut self, x: f64, y: f64) {
        self.line_matrix = Matrix::translate(x, y).then(self.line_matrix);
        self.text_matrix = self.line_matrix;
    }

    /// A `TJ` number: moves the pen back by thousandths of an em.
    fn adjust(&mut self, amount: f64) {
        let font_vertical = self.state.font.as_ref().is_some_and(|f| f.vertical);
        let shift = -amount / 1000.0 * self.state.font_size;
        let step = if font_vertical {
            Matrix::translate(0.0, shift)
        } else {
            Matrix::translate(shift * self.state.horizontal_scale, 0.0)
        };
        self.text_matrix = step.then(self.text_matrix);
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.state.font.clone() else {
            return;
        };
        let state = &self.state;
        let size = state.font_size;
        let scale_h = state.horizontal_scale;
        let (char_spacing, word_spacing, rise) =
            (state.char_spacing, state.word_spacing, state.rise);
        let ctm = state.ctm;
        let clip = state.clip;
        let vertical = font.vertical;
        let mut text_matrix = self.text_matrix;
        let unmapped_before = self.out.unmapped;
        let out = &mut self.out;
        font.decode(bytes, |code| {
            let mapped = code.text.as_ref();
            let is_space = mapped.is_some_and(is_white_space);
            let wide = mapped.is_some_and(is_wide);
            // A width that cannot be right (none, negative, absurd) for a visible glyph is
            // replaced by the usual advance of such a glyph; run start positions still come
            // from the file.
            let width = if !is_space && (code.width <= 0.0 || code.width > 3000.0) {
                if wide { 1000.0 } else { 500.0 }
            } else {
                code.width
            } / 1000.0;
            let render = Matrix([size * scale_h, 0.0, 0.0, size, 0.0, rise])
                .then(text_matrix)
                .then(ctm);
            let extra = char_spacing + if code.word_space { word_spacing } else { 0.0 };
            let advance = width * size + extra;
            if vertical {
                text_matrix = Matrix::translate(0.0, -advance).then(text_matrix);
            } else {
                text_matrix = Matrix::translate(advance * scale_h, 0.0).then(text_matrix);
            }

            let (height_x, height_y) = render.apply_vector(0.0, 1.0);
            let glyph_size = height_x.hypot(height_y);
            if !(0.05..=5000.0).contains(&glyph_size) || !glyph_size.is_finite() {
                return;
            }
            // An unmapped glyph gives no text but keeps its place, so that the gap it leaves
            // does not read as a word space.
            let (text, hole) = match code.text {
                Some(text) => (text, false),
                None => {
                    out.unmapped += 1;
                    (Mapped::Char(' '), true)
                }
            };
            if out.glyphs.len() >= MAX_GLYPHS_PER_PAGE {
                out.truncated = true;
                return;
            }
            let (origin, end, centre) = if vertical {
                (
                    render.apply(0.0, 0.0),
                    render.apply(0.0, -width),
                    render.apply(0.0, -width / 2.0),
                )
            } else {
                (
                    render.apply(0.0, 0.0),
                    render.apply(width, 0.0),
                    render.apply(width / 2.0, GLYPH_CENTRE_HEIGHT),
                )
            };
            let direction = if vertical {
                let (dx, dy) = render.apply_vector(0.0, -1.0);
                Direction::of(dx, dy)
            } else {
                let (dx, dy) = render.apply_vector(1.0, 0.0);
                Direction::of(dx, dy)
            };
            let (u0, v0) = direction.frame(origin.0, origin.1);
            let (u1, _) = direction.frame(end.0, end.1);
            let v = if vertical {
                direction.frame(centre.0, centre.1).1
            } else {
                v0
            };
            // A glyph the clip hides is not on the page: producers print a merged cell's
            // whole text on each page it spans and clip it to the part there.
            if let Some([x0, y0, x1, y1]) = clip {
                let margin = glyph_size * 0.25;
                if centre.0 < x0 - margin
                    || centre.0 > x1 + margin
                    || centre.1 < y0 - margin
                    || centre.1 > y1 + margin
                {
                    out.clipped += 1;
                    return;
                }
            }
            if !is_space && !hole {
                out.mapped += 1;
            }
            out.glyphs.push(Glyph {
                cx: centre.0,
                cy: centre.1,
                u0: u0.min(u1),
                u1: u0.max(u1),
                v,
                size: glyph_size,
                direction,
                text,
                space: is_space,
                hole,
            });
        });
        if self.out.unmapped > unmapped_before
            && self.out.unmapped_fonts.len() < 8
            && !self.out.unmapped_fonts.contains(&font.name)
        {
            self.out.unmapped_fonts.push(font.name.clone());
        }
        self.text_matrix = text_matrix;
    }

    /// Turns the current path into rule segments and clears it.
    /// Narrows the clip to the current path's bounding box when a `W` asked for it. The box
    /// holds the clipping region whatever the path's shape, so text outside it is surely
    /// invisible.
    fn clip_to_path(&mut self) {
        if !std::mem::take(&mut self.clip_pending) {
            return;
        }
        let points = self.path.iter().flat_map(|sub| sub.points.iter());
        let mut bounds = [
            f64::INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NEG_INFINITY,
        ];
        for &(x, y) in points {
            bounds = [
                bounds[0].min(x),
                bounds[1].min(y),
                bounds[2].max(x),
                bounds[3].max(y),
            ];
        }
        if !bounds.iter().all(|value| value.is_finite()) {
            return;
        }
        self.state.clip = Some(match self.state.clip {
            Some(clip) => [
                clip[0].max(bounds[0]),
                clip[1].max(bounds[1]),
                clip[2].min(bounds[2]),
                clip[3].min(bounds[3]),
            ],
            None => bounds,
        });
    }

    fn paint(&mut self, stroke: bool, fill: bool) {
        self.clip_to_path();
        let path = std::mem::take(&mut self.path);
        let thickness = self.state.line_width * self.state.ctm.scale();
        for sub in &path {
            if stroke && !self.state.stroke_white {
                let count = sub.points.len();
                let edges = if sub.closed {
                    count
                } else {
                    count.saturating_sub(1)
                };
                for index in 0..edges {
                    let a = sub.points[index];
                    let b = sub.points[(index + 1) % count];
                    self.add_segment(a, b, thickness);
                }
            }
            if fill
                && !self.state.fill_white
                && let Some([x0, y0, x1, y1]) = small_shape_box(&sub.points)
            {
                let (width, height) = (x1 - x0, y1 - y0);
                if width <= MAX_RULE_THICKNESS && height > width * 2.0 {
                    self.push_segment(Segment {
                        horizontal: false,
                        position: (x0 + x1) / 2.0,
                        start: y0,
                        end: y1,
                        thickness: width,
                    });
                } else if height <= MAX_RULE_THICKNESS && width > height * 2.0 {
                    self.push_segment(Segment {
                        horizontal: true,
                        position: (y0 + y1) / 2.0,
                        start: x0,
                        end: x1,
                        thickness: height,
                    });
                }
            }
        }
    }

    fn add_segment(&mut self, a: (f64, f64), b: (f64, f64), thickness: f64) {
        let (dx, dy) = ((b.0 - a.0).abs(), (b.1 - a.1).abs());
        if dy <= 0.5 && dx > dy {
            self.push_segment(Segment {
                horizontal: true,
                position: (a.1 + b.1) / 2.0,
                start: a.0.min(b.0),
                end: a.0.max(b.0),
                thickness,
            });
        } else if dx <= 0.5 && dy > dx {
            self.push_segment(Segment {
                horizontal: false,
                position: (a.0 + b.0) / 2.0,
                start: a.1.min(b.1),
                end: a.1.max(b.1),
                thickness,
            });
        }
    }

    fn push_segment(&mut self, segment: Segment) {
        let values = [segment.position, segment.start, segment.end];
        if !values.iter().all(|v| v.is_finite()) || segment.end - segment.start < 0.5 {
            return;
        }
        if self.out.segments.len() >= MAX_SEGMENTS_PER_PAGE {
            self.out.truncated = true;
            return;
        }
        self.out.segments.push(segment);
    }
}

/// The bounding box `[x0, y0, x1, y1]` of a small filled shape (3 to 8 corners, the first
/// possibly repeated at the end). A thin one is a rule however its corners sit: an
/// axis-aligned rectangle (`re`), or the bevelled quadrilateral a browser (Skia) fills for
/// each side of a cell border, whose ends are cut at 45° to meet the next side.
fn small_shape_box(points: &[(f64, f64)]) -> Option<[f64; 4]> {
    if !(3..=8).contains(&points.len()) {
        return None;
    }
    let xs: Vec<f64> = points.iter().map(|p| p.0).collect();
    let ys: Vec<f64> = points.iter().map(|p| p.1).collect();
    let (x0, x1) = min_max(&xs);
    let (y0, y1) = min_max(&ys);
    Some([x0, y0, x1, y1])
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        })
}

fn is_white_level(value: f64) -> bool {
    value >= 0.97
}

/// `sc`/`scn` with one (grey) or three (RGB) components all white; patterns and other
/// spaces are taken as not white.
fn colour_is_white(operands: &[Operand<'_>]) -> bool {
    let values: Vec<f64> = operands
        .iter()
        .filter_map(|operand| match operand {
            Operand::Number(value) => Some(*value),
            _ => None,
        })
        .collect();
    matches!(values.len(), 1 | 3) && values.iter().all(|&v| is_white_level(v))
}

fn skip_dictionary(lexer: &mut Lexer<'_>) {
    let mut depth = 1usize;
    while let Some(token) = lexer.next_token() {
        match token {
            Token::DictStart => depth += 1,
            Token::DictEnd => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            _ => {}
        }
    }
}

pub(crate) fn is_white_space(text: &Mapped) -> bool {
    match text {
        Mapped::Char(c) => c.is_whitespace() || *c == '\u{200B}',
        Mapped::Text(text) => text.chars().all(char::is_whitespace),
    }
}

fn is_wide(text: &Mapped) -> bool {
    match text {
        Mapped::Char(c) => is_wide_char(*c),
        Mapped::Text(text) => text.chars().next().is_some_and(is_wide_char),
    }
}

#[cfg(test)]
mod tests {
    use lopdf::dictionary;

    use super::*;

    /// Runs `content` on an empty document whose resources hold Helvetica as `F1`.
    fn run(content: &[u8]) -> PageContent {
        let doc = lopdf::Document::with_version("1.5");
        let limits = Limits::default();
        let document = limits.start();
        let objects = Objects::new(&doc, &limits);
        let resources = dictionary! {
            "Font" => dictionary! {
                "F1" => dictionary! {
                    "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
                },
            },
        };
        let mut cache = Cache::default();
        let mut interpreter = Interpreter::new(&objects, &mut cache, &document, Matrix::IDENTITY);
        interpreter.run(content, Some(&resources)).expect("runs");
        interpreter.finish()
    }

    fn chars(content: &PageContent) -> Vec<(String, f64, f64)> {
        content
            .glyphs
            .iter()
            .map(|g| {
                let mut text = String::new();
                g.text.push_to(&mut text);
                ((text), (g.u0 * 100.0).round() / 100.0, g.v)
            })
            .collect()
    }

    #[test]
    fn glyphs_advance_by_width_character_and_word_spacing() {
        // Helvetica: A = 667, space = 278 thousandths; 10 pt; Tc 1, Tw 3.
        let content = run(b"BT /F1 10 Tf 1 Tc 3 Tw 100 700 Td (A B) Tj ET");
        assert_eq!(
            chars(&content),
            vec![
                ("A".to_string(), 100.0, 700.0),
                (" ".to_string(), 107.67, 700.0),
                ("B".to_string(), 114.45, 700.0),
            ]
        );
        assert!(content.glyphs[1].space);
        assert_eq!(content.mapped, 2);
    }

    #[test]
    fn tj_numbers_horizontal_scale_and_leading() {
        // -1000 moves one em right; Tz 50 halves advances; T* moves down by TL.
        let content = run(b"BT /F1 10 Tf 50 Tz 14 TL 100 700 Td [(A) -1000 (B)] TJ T* (C) ' ET");
        assert_eq!(
            chars(&content),
            vec![
                ("A".to_string(), 100.0, 700.0),
                ("B".to_string(), 108.34, 700.0),
                ("C".to_string(), 100.0, 672.0),
            ]
        );
    }

    #[test]
    fn graphics_state_is_saved_and_restored() {
        let content = run(
            b"q 2 0 0 2 0 0 cm BT /F1 10 Tf 10 10 Td (A) Tj ET Q BT /F1 10 Tf 10 10 Td (A) Tj ET",
        );
        let glyphs = &content.glyphs;
        assert_eq!(
            (glyphs[0].u0, glyphs[0].v, glyphs[0].size),
            (20.0, 20.0, 20.0)
        );
        assert_eq!(
            (glyphs[1].u0, glyphs[1].v, glyphs[1].size),
            (10.0, 10.0, 10.0)
        );
    }

    #[test]
    fn stroked_rectangles_lines_and_thin_fills_become_rules() {
        let content = run(
            b"0.5 w 10 0 0 10 0 0 cm 1 1 20 10 re S 0 0 1 rg 0 30 m 30 30 l S\n\
              1 1 1 rg 0 50 30 0.05 re f 0 g 0 60 30 0.05 re f 0 70 30 5 re f 5 80 m 15 90 l S",
        );
        let mut rules: Vec<(bool, f64, f64, f64)> = content
            .segments
            .iter()
            .map(|s| (s.horizontal, s.position, s.start, s.end))
            .collect();
        rules.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
        assert_eq!(
            rules,
            vec![
                (false, 10.0, 10.0, 110.0),
                (false, 210.0, 10.0, 110.0),
                (true, 10.0, 10.0, 210.0),
                (true, 110.0, 10.0, 210.0),
                (true, 300.0, 0.0, 300.0),
                (true, 600.25, 0.0, 300.0),
            ]
        );
        // The white rule, the 50-point high fill and the diagonal draw no rules.
        assert!((content.segments[0].thickness - 5.0).abs() < 1e-9);
    }

    #[test]
    fn bevelled_border_sides_filled_by_a_browser_become_rules() {
        // Skia fills each side of a cell border as a quadrilateral whose ends are cut at 45°:
        // a vertical side from y=443 to 493, one unit wide, and a horizontal one. A thin
        // triangle is a rule too; a fat one is not.
        let content = run(b"206 444 m 206 493 l 207 493 l 207 443 l f
              9 443 m 10 444 l 206 444 l 207 443 l h f
              300 300 m 300 400 l 301 350 l f 400 400 m 450 450 l 500 400 l f");
        let mut rules: Vec<(bool, f64, f64, f64)> = content
            .segments
            .iter()
            .map(|s| (s.horizontal, s.position, s.start, s.end))
            .collect();
        rules.sort_by(|a, b| a.partial_cmp(b).expect("numbers"));
        assert_eq!(
            rules,
            vec![
                (false, 206.5, 443.0, 493.0),
                (false, 300.5, 300.0, 400.0),
                (true, 443.5, 9.0, 207.0),
            ]
        );
    }

    #[test]
    fn text_outside_the_clip_is_not_on_the_page() {
        // A merged cell's text printed whole and clipped to the part on this page: the lines
        // above the clip are not shown. The clip ends with its `Q`; a clip that is no
        // rectangle clips to its bounding box.
        let content = run(
            b"q 0 0 200 100 re W n BT /F1 10 Tf 10 50 Td (A) Tj 0 80 Td (B) Tj ET Q\n\
              BT /F1 10 Tf 10 300 Td (C) Tj ET\n\
              q 0 0 m 100 0 l 50 50 l h W* n BT /F1 10 Tf 40 20 Td (D) Tj 0 200 Td (E) Tj ET Q",
        );
        let texts: Vec<String> = chars(&content).into_iter().map(|c| c.0).collect();
        assert_eq!(texts, ["A", "C", "D"]);
        assert_eq!(content.clipped, 2);
    }

    #[test]
    fn inline_images_and_marked_content_are_skipped() {
        let content = run(b"/P <</MCID 0>> BDC BT /F1 10 Tf 10 10 Td (A) Tj ET EMC\n\
              BI /W 2 /H 1 /BPC 8 /CS /G ID \x00\xff EI\nBT /F1 10 Tf 10 30 Td (B) Tj ET");
        assert_eq!(content.images, 1);
        let texts: Vec<String> = chars(&content).into_iter().map(|c| c.0).collect();
        assert_eq!(texts, ["A", "B"]);
    }

    #[test]
    fn a_missing_font_maps_nothing_but_counts_its_glyphs() {
        let content = run(b"BT /F9 10 Tf 10 10 Td (abc) Tj ET");
        assert_eq!((content.mapped, content.unmapped), (0, 3));
        assert!(content.glyphs.iter().all(|g| g.hole));
    }

    #[test]
    fn matrices_compose_in_pdf_order() {
        let scale = Matrix([2.0, 0.0, 0.0, 2.0, 0.0, 0.0]);
        let shift = Matrix::translate(10.0, 0.0);
        assert_eq!(scale.then(shift).apply(1.0, 1.0), (12.0, 2.0));
        assert_eq!(shift.then(scale).apply(1.0, 1.0), (22.0, 2.0));
        assert_eq!(Direction::of(0.0, 1.0), Direction::Up);
        assert_eq!(Direction::Up.frame(3.0, 5.0), (5.0, -3.0));
    }
}
