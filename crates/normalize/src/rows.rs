//! A view of one grid row as the normaliser reads it: what each column holds, whether the
//! slot is a cell's origin or the continuation of a merged cell.

use std::borrow::Cow;

use jixiao_grid::{Cell, Grid, Location};

use crate::text;

/// What one slot of a row holds.
#[derive(Debug, Clone, Copy)]
pub enum At<'g> {
    /// The top-left slot of a cell.
    Origin(&'g Cell),
    /// A slot covered by a cell that starts on a row above (a vertical merge).
    Below(&'g Cell),
    /// A slot covered by a cell that starts further left on this row (a horizontal merge).
    Right(&'g Cell),
    /// No cell covers the slot.
    Empty,
}

impl<'g> At<'g> {
    /// The text of an origin cell, `""` otherwise.
    pub fn origin_text(&self) -> &'g str {
        match self {
            At::Origin(cell) => cell.text.as_str(),
            _ => "",
        }
    }

    pub fn cell(&self) -> Option<&'g Cell> {
        match self {
            At::Origin(cell) | At::Below(cell) | At::Right(cell) => Some(cell),
            At::Empty => None,
        }
    }
}

/// One row of one grid.
#[derive(Debug, Clone, Copy)]
pub struct Row<'g> {
    pub grid: &'g Grid,
    /// Index of the grid in the document (0-based).
    pub grid_index: usize,
    pub index: usize,
    /// The cells that start on this row, looked up once.
    cells: &'g [Cell],
}

impl<'g> Row<'g> {
    pub fn new(grid: &'g Grid, grid_index: usize, index: usize) -> Self {
        Row {
            grid,
            grid_index,
            index,
            cells: grid.row_cells(index),
        }
    }

    pub fn at(&self, col: usize) -> At<'g> {
        match self.grid.slot(self.index, col) {
            None => At::Empty,
            Some(slot) if slot.is_origin => At::Origin(slot.cell),
            Some(slot) if slot.cell.row < self.index => At::Below(slot.cell),
            Some(slot) => At::Right(slot.cell),
        }
    }

    /// The cells that start on this row, left to right.
    pub fn cells(&self) -> &'g [Cell] {
        self.cells
    }

    /// The cells that start on this row and hold text.
    pub fn filled(&self) -> impl Iterator<Item = &'g Cell> + 'g {
        self.cells()
            .iter()
            .filter(|cell| !text::is_empty(&cell.text))
    }

    /// True when no cell starting on this row holds text.
    pub fn is_blank(&self) -> bool {
        self.filled().next().is_none()
    }

    /// The text of the origin cells whose first column lies in `start..end`, joined; borrowed
    /// when one cell holds it all, as it nearly always does.
    pub fn text_in(&self, start: usize, end: usize) -> Cow<'g, str> {
        let mut found = self
            .cells
            .iter()
            .filter(|cell| cell.col >= start && cell.col < end && !text::is_empty(&cell.text));
        let Some(first) = found.next() else {
            return Cow::Borrowed("");
        };
        let Some(second) = found.next() else {
            return Cow::Borrowed(first.text.as_str());
        };
        let mut out = format!("{}\n{}", first.text, second.text);
        for cell in found {
            out.push('\n');
            out.push_str(&cell.text);
        }
        Cow::Owned(out)
    }

    /// Where a cell of this row is, for locations of indicators and warnings.
    pub fn location(&self, col: Option<usize>) -> Location {
        let mut location = self.grid.location.clone();
        location.grid = Some(self.grid_index as u32);
        location.row = Some(self.index as u32);
        location.col = col.map(|col| col as u32);
        let source = col
            .and_then(|col| self.at(col).cell())
            .or_else(|| self.cells().first())
            .map(|cell| cell.source);
        if let Some(source) = source {
            if source.page.is_some() {
                location.page = source.page;
                location.page_end = None;
            }
            if source.line.is_some() {
                location.line = source.line;
                location.line_end = None;
            }
        }
        location
    }

    /// A human name for the row in messages: `row 12` or `line 118`.
    pub fn describe(&self) -> String {
        let location = self.location(None);
        match (location.line, location.page) {
            (Some(line), _) => format!("line {line}"),
            (None, Some(page)) => format!("page {page}, table row {}", self.index + 1),
            (None, None) => match &location.sheet {
                Some(sheet) => format!("sheet {sheet}, row {}", self.index + 1),
                None => format!("table {} row {}", self.grid_index + 1, self.index + 1),
            },
        }
    }
}
