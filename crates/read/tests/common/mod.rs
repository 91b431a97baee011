//! Helpers shared by the reader tests: finding and reading fixtures. Nothing here interprets
//! grids: what the grids mean is the normaliser's, tested through it in the root `tests/`.

#![allow(dead_code)]

use std::path::PathBuf;

use jixiao_read::grid::Grid;

/// The path of a fixture, relative to the repository root.
pub fn fixture(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(relative)
}

pub fn read_fixture(relative: &str) -> Vec<u8> {
    let path = fixture(relative);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The corpus documents that exist in every rendered format.
pub const DOCUMENTS: [&str; 3] = [
    "000_5951d4f30969a9c2",
    "001_7ba444aee7ec495e",
    "003_f17e630e396b42a6",
];

/// The text of the cell covering a slot ("" when uncovered).
pub fn text_at(grid: &Grid, row: usize, col: usize) -> &str {
    grid.slot(row, col)
        .map_or("", |slot| slot.cell.text.as_str())
}
