//! # jixiao-grid
//!
//! The one data model that every jixiao reader fills and the normaliser consumes: a document is
//! a sequence of [`Block`]s in reading order, each either a [`Paragraph`] (text outside any
//! table, where table titles such as `1、办公场所租赁费绩效目标表` live) or a [`Grid`] (a table).
//!
//! A grid is a set of [`Cell`]s placed on a rectangle of slots. Each cell has an origin
//! (`row`, `col`) and a `row_span` × `col_span` extent, so that merged cells are stated
//! explicitly rather than lost or duplicated. Nothing here knows which file format a grid came
//! from: a docx `w:vMerge`, an xlsx merge region, an HTML `rowspan` and a PDF cell whose
//! interior rule is missing all become the same span.
//!
//! ```
//! use jixiao_grid::{Cell, GridBuilder, Location};
//!
//! let mut builder = GridBuilder::new();
//! builder.push(Cell::new(0, 0, "产出指标").with_span(2, 1));
//! builder.push(Cell::new(0, 1, "数量指标"));
//! builder.push(Cell::new(1, 1, "质量指标"));
//! let (grid, diagnostics) = builder.build(Location::default());
//! assert!(diagnostics.is_empty());
//! assert_eq!((grid.rows(), grid.cols()), (2, 2));
//! // The slot below 产出指标 is covered by the same cell: a continuation, not a copy.
//! let slot = grid.slot(1, 0).expect("covered");
//! assert_eq!(slot.cell.text, "产出指标");
//! assert!(!slot.is_origin);
//! ```
//!
//! **Invariants** (kept by [`GridBuilder::build`], relied upon by every consumer):
//! - every slot is covered by at most one cell; cells are sorted by (`row`, `col`);
//! - spans are at least 1 and never reach past the grid;
//! - cell text keeps paragraphs: paragraphs inside one cell are joined with `'\n'`;
//! - checkboxes appear in text as `☑` (checked) or `☐` (unchecked) before their label.
//!
//! This crate does no I/O.

mod builder;
mod render;
mod width;

pub use builder::{GridBuilder, MAX_SLOTS};
pub use render::RenderOptions;
pub use width::{char_width, is_hangul, is_wide};

/// A ticked checkbox as it appears in cell text.
pub const CHECKED: char = '☑';
/// An empty checkbox as it appears in cell text.
pub const UNCHECKED: char = '☐';

/// Where a piece of text came from in its file, as far as the format can tell (1-based).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Source {
    /// Page number (PDF).
    pub page: Option<u32>,
    /// Line number (text).
    pub line: Option<u32>,
}

impl Source {
    /// A source on a page.
    pub fn page(page: u32) -> Self {
        Source {
            page: Some(page),
            line: None,
        }
    }

    /// A source on a line.
    pub fn line(line: u32) -> Self {
        Source {
            page: None,
            line: Some(line),
        }
    }
}

/// Where something is in a document: a page or page range, a sheet, a line range, and a row
/// and column inside a grid. Every field is optional because formats know different things.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Location {
    pub page: Option<u32>,
    pub page_end: Option<u32>,
    pub sheet: Option<String>,
    pub line: Option<u32>,
    pub line_end: Option<u32>,
    /// Row inside the grid (0-based).
    pub row: Option<u32>,
    /// Column inside the grid (0-based).
    pub col: Option<u32>,
    /// Index of the grid among the document's grids (0-based).
    pub grid: Option<u32>,
}

impl Location {
    /// True when no field is set.
    pub fn is_empty(&self) -> bool {
        *self == Location::default()
    }
}

/// One cell of a grid: its origin, its extent and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
    pub row_span: usize,
    pub col_span: usize,
    /// The cell's text; paragraphs joined with `'\n'`.
    pub text: String,
    pub source: Source,
}

impl Cell {
    /// A 1×1 cell.
    pub fn new(row: usize, col: usize, text: impl Into<String>) -> Self {
        Cell {
            row,
            col,
            row_span: 1,
            col_span: 1,
            text: text.into(),
            source: Source::default(),
        }
    }

    /// The same cell with another extent.
    pub fn with_span(mut self, row_span: usize, col_span: usize) -> Self {
        self.row_span = row_span;
        self.col_span = col_span;
        self
    }

    /// The same cell with a source position.
    pub fn at(mut self, source: Source) -> Self {
        self.source = source;
        self
    }

    /// The last row this cell covers.
    pub fn last_row(&self) -> usize {
        self.row + self.row_span - 1
    }

    /// The last column this cell covers.
    pub fn last_col(&self) -> usize {
        self.col + self.col_span - 1
    }
}

/// What covers one slot of a grid.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub cell: &'a Cell,
    /// Index of the cell in [`Grid::cells`].
    pub index: usize,
    /// True at the cell's top-left slot, false in the slots its span covers.
    pub is_origin: bool,
}

/// A table: cells on a rectangle of slots. Build one with [`GridBuilder`].
#[derive(Debug, Clone)]
pub struct Grid {
    rows: usize,
    cols: usize,
    cells: Vec<Cell>,
    /// Row-major index of the covering cell for each slot, `NONE` when uncovered.
    slots: Vec<u32>,
    pub location: Location,
}

const NONE: u32 = u32::MAX;

impl Grid {
    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Every cell, sorted by (row, col).
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// True when the grid has no cell with text.
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|cell| cell.text.trim().is_empty())
    }

    /// The cell covering a slot, if any.
    pub fn slot(&self, row: usize, col: usize) -> Option<Slot<'_>> {
        if row >= self.rows || col >= self.cols {
            return None;
        }
        let index = self.slots[row * self.cols + col];
        if index == NONE {
            return None;
        }
        let index = index as usize;
        let cell = &self.cells[index];
        Some(Slot {
            cell,
            index,
            is_origin: cell.row == row && cell.col == col,
        })
    }

    /// The cells whose origin is on `row`, left to right.
    pub fn row_cells(&self, row: usize) -> &[Cell] {
        let start = self.cells.partition_point(|cell| cell.row < row);
        let end = self.cells.partition_point(|cell| cell.row <= row);
        &self.cells[start..end]
    }

    /// A drawing of the grid with its spans, for humans (see `jixiao inspect`).
    pub fn render(&self) -> String {
        render::render(self)
    }
}

/// Text outside any table, in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    pub text: String,
    pub source: Source,
}

/// One unit of a document in reading order.
#[derive(Debug, Clone)]
pub enum Block {
    Paragraph(Paragraph),
    Table(Grid),
}

/// Something a reader or the normaliser repaired, doubted or could not keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// A short stable code, such as `rejoined_row` or `level1_corrected`.
    pub code: &'static str,
    /// A sentence for a user.
    pub message: String,
    pub location: Option<Location>,
    /// True when content could not be kept (a document with such a diagnostic is `partial`);
    /// false for a repair that kept everything.
    pub lost: bool,
}

impl Diagnostic {
    /// A repair or doubt that kept all content.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            location: None,
            lost: false,
        }
    }

    /// Content that could not be kept.
    pub fn loss(code: &'static str, message: impl Into<String>) -> Self {
        Diagnostic {
            lost: true,
            ..Diagnostic::new(code, message)
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }
}

/// What a reader produced from one file.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    /// Repairs and doubts of the reader, in the order they happened.
    pub diagnostics: Vec<Diagnostic>,
    /// The text encoding that was detected, for formats that have one (`utf-8`, `gb18030`…).
    pub encoding: Option<String>,
    /// Number of pages, for formats that have pages.
    pub pages: Option<u32>,
}

impl Document {
    /// The grids of the document, in order.
    pub fn grids(&self) -> impl Iterator<Item = &Grid> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Table(grid) => Some(grid),
            Block::Paragraph(_) => None,
        })
    }

    /// The texts of the paragraphs outside tables, in order.
    pub fn paragraphs(&self) -> impl Iterator<Item = &str> {
        self.blocks.iter().filter_map(|block| match block {
            Block::Paragraph(paragraph) => Some(paragraph.text.as_str()),
            Block::Table(_) => None,
        })
    }

    /// A drawing of every block, for humans (see `jixiao inspect`).
    pub fn render(&self) -> String {
        render::render_document(self, &RenderOptions::default())
    }

    /// A drawing with options: whole texts, one grid, notes beside rows.
    pub fn render_with(&self, options: &RenderOptions<'_>) -> String {
        render::render_document(self, options)
    }
}
