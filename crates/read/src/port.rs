//! The port every reader plugs into: a [`DocumentBuilder`] that owns the bookkeeping around
//! the grid type, so that a reader only describes its format.
//!
//! One builder exists per file, made by [`Limits::start`] when [`crate::read`] begins. It owns
//! - the **deadline** of the file (started with the builder, so a default [`Limits`] still has
//!   its timeout);
//! - the **cell budget** (`--max-cells`): every grid is charged when it is added; readers that
//!   must bound what they collect before they can build (a text table, an HTML table's slots)
//!   reserve as they go with [`DocumentBuilder::reserve`], and the grids that follow use up
//!   the reservation before they charge more;
//! - **grid numbering**: [`DocumentBuilder::grid`] gives each grid its index in document order;
//! - the **blocks and diagnostics** of the document, in the order they happened.
//!
//! ```
//! use jixiao_read::{Limits, grid::{Cell, GridBuilder, Location}};
//!
//! let limits = Limits::default();
//! let mut document = limits.start();
//! let mut builder = GridBuilder::new();
//! builder.push(Cell::new(0, 0, "一级指标"));
//! document.grid(builder, Location::default())?;
//! let document = document.finish();
//! assert_eq!(document.grids().next().unwrap().location.grid, Some(0));
//! # Ok::<(), jixiao_read::ReadError>(())
//! ```

use std::time::{Duration, Instant};

use jixiao_grid::{Block, Diagnostic, Document, GridBuilder, Location, Paragraph, Source};

use crate::{Limits, ReadError};

impl Limits {
    /// Starts reading one file: the builder that the reader fills, whose deadline starts now.
    pub fn start(&self) -> DocumentBuilder<'_> {
        DocumentBuilder::new(self)
    }
}

/// When the current file's time budget runs out. Copied freely: the parts of a reader that
/// work without the builder at hand (a PDF content stream, a zip entry) carry one.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    at: Option<Instant>,
    timeout: Option<Duration>,
}

impl Deadline {
    /// A deadline `timeout` from now; `None` for none.
    pub fn start(timeout: Option<Duration>) -> Deadline {
        Deadline {
            at: timeout.map(|timeout| Instant::now() + timeout),
            timeout,
        }
    }

    /// Fails once the file's time budget is spent. Readers call this in their long loops.
    pub fn check(&self) -> Result<(), ReadError> {
        match (self.at, self.timeout) {
            (Some(at), Some(timeout)) if Instant::now() > at => Err(ReadError::TooLarge(format!(
                "reading took longer than the time budget of {} s per file (raise with --timeout)",
                timeout.as_secs()
            ))),
            _ => Ok(()),
        }
    }

    /// The time left, if there is a deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }
}

/// Collects the blocks and diagnostics of one document and keeps its reader within its limits.
#[derive(Debug)]
pub struct DocumentBuilder<'l> {
    limits: &'l Limits,
    deadline: Deadline,
    document: Document,
    /// Cells (and, for text, paragraphs) charged against `--max-cells` so far.
    cells: usize,
    /// The part of `cells` reserved ahead by the reader and not yet used by a grid.
    reserved: usize,
    /// Grids added so far: the index of the next one.
    grids: u32,
    /// The file's extension, if it has one: some formats decode by it (text) or name it in
    /// their messages.
    extension: Option<String>,
}

impl<'l> DocumentBuilder<'l> {
    /// A builder whose deadline starts now; [`Limits::start`] is the usual way to get one.
    pub fn new(limits: &'l Limits) -> Self {
        DocumentBuilder {
            limits,
            deadline: Deadline::start(limits.timeout),
            document: Document::default(),
            cells: 0,
            reserved: 0,
            grids: 0,
            extension: None,
        }
    }

    /// The same builder, for a file with this extension.
    pub fn with_extension(mut self, extension: Option<&str>) -> Self {
        self.extension = extension.map(str::to_string);
        self
    }

    /// The file's extension, if it has one.
    pub fn extension(&self) -> Option<&str> {
        self.extension.as_deref()
    }

    /// The configuration of this read.
    pub fn limits(&self) -> &'l Limits {
        self.limits
    }

    /// The file's deadline, for parts of a reader that run without the builder.
    pub fn deadline(&self) -> Deadline {
        self.deadline
    }

    /// Fails once the file's time budget is spent.
    pub fn check_time(&self) -> Result<(), ReadError> {
        self.deadline.check()
    }

    /// Charges `cells` against `--max-cells` ahead of the grid that will hold them (or of the
    /// slots a table will cover); fails once the file holds more than the limit.
    pub fn reserve(&mut self, cells: usize) -> Result<(), ReadError> {
        self.cells = self.cells.saturating_add(cells);
        self.reserved = self.reserved.saturating_add(cells);
        self.check_cells(0)
    }

    /// Fails when `pending` more cells would pass `--max-cells`, without charging them.
    pub fn check_cells(&self, pending: usize) -> Result<(), ReadError> {
        let max = self.limits.max_cells;
        if self.cells.saturating_add(pending) > max {
            return Err(ReadError::TooLarge(format!(
                "the file holds more than {max} table cells, the limit (raise with --max-cells)"
            )));
        }
        Ok(())
    }

    /// Fails when something the reader counts or the file declares before it is read (a
    /// sheet's used range, a page's elements) would cost more than `--max-cells` table cells,
    /// without charging them: `what` names it, as in "sheet 2's used range".
    pub fn check_declared(&self, cells: u64, what: &str) -> Result<(), ReadError> {
        let max = self.limits.max_cells;
        if cells > max as u64 {
            return Err(ReadError::TooLarge(format!(
                "{what} would take {cells} table cells, more than {max}, the limit \
                 (raise with --max-cells)"
            )));
        }
        Ok(())
    }

    /// Charges the cells of a grid, using up what was reserved first.
    fn charge(&mut self, cells: usize) -> Result<(), ReadError> {
        let covered = cells.min(self.reserved);
        self.reserved -= covered;
        self.cells = self.cells.saturating_add(cells - covered);
        self.check_cells(0)
    }

    /// Cells the file may still produce.
    pub fn cells_left(&self) -> usize {
        self.limits.max_cells.saturating_sub(self.cells)
    }

    /// The index the next grid will have among the document's grids.
    pub fn next_grid(&self) -> u32 {
        self.grids
    }

    /// Charges, numbers and builds a grid and adds it to the document, with the builder's
    /// repairs after it in the diagnostics.
    pub fn grid(&mut self, builder: GridBuilder, location: Location) -> Result<(), ReadError> {
        self.grid_with(builder, location, Vec::new())
    }

    /// As [`DocumentBuilder::grid`], with the reader's own diagnostics about the grid: they
    /// are located in the grid and come before the builder's repairs.
    pub fn grid_with(
        &mut self,
        builder: GridBuilder,
        mut location: Location,
        diagnostics: Vec<Diagnostic>,
    ) -> Result<(), ReadError> {
        self.charge(builder.len())?;
        let index = self.grids;
        self.grids = self.grids.saturating_add(1);
        location.grid = Some(index);
        let (grid, repairs) = builder.build(location);
        for mut diagnostic in diagnostics.into_iter().chain(repairs) {
            diagnostic
                .location
                .get_or_insert_with(Default::default)
                .grid = Some(index);
            self.document.diagnostics.push(diagnostic);
        }
        self.document.blocks.push(Block::Table(grid));
        Ok(())
    }

    /// Adds a paragraph as it is (readers decide what they drop).
    pub fn paragraph(&mut self, text: String, source: Source) {
        self.document
            .blocks
            .push(Block::Paragraph(Paragraph { text, source }));
    }

    /// Reports a repair or doubt.
    pub fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.document.diagnostics.push(diagnostic);
    }

    /// Reports several repairs or doubts, in order.
    pub fn diagnostics(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.document.diagnostics.extend(diagnostics);
    }

    /// Reports a repair that explains everything after it (a conversion, say).
    pub fn first_diagnostic(&mut self, diagnostic: Diagnostic) {
        self.document.diagnostics.insert(0, diagnostic);
    }

    /// States the text encoding that was detected.
    pub fn encoding(&mut self, encoding: impl Into<String>) {
        self.document.encoding = Some(encoding.into());
    }

    /// States the number of pages.
    pub fn pages(&mut self, pages: u32) {
        self.document.pages = Some(pages);
    }

    /// Drops what was read so far, keeping the clock: for a reader that gives up and hands
    /// the file to another.
    pub(crate) fn restart(&mut self) {
        self.document = Document::default();
        self.cells = 0;
        self.reserved = 0;
        self.grids = 0;
    }

    /// The document so far.
    pub fn document(&self) -> &Document {
        &self.document
    }

    /// The finished document.
    pub fn finish(self) -> Document {
        self.document
    }
}
