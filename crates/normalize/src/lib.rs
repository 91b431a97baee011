//! # jixiao-normalize
//!
//! Turns the grids of a [`jixiao_grid::Document`] into performance target tables: it finds each
//! table and its indicator header by content, rebuilds the 一级 → 二级 → 三级 hierarchy from
//! merged or empty cells, maps names to the vocabulary, reads the fields above the indicators,
//! and parses every value. It knows nothing of file formats.

pub mod model;
pub mod value;
pub mod vocab;

pub use model::*;

use jixiao_grid::Document;

/// Finds every performance target table of a document. Never fails: what cannot be read is
/// reported in the warnings.
pub fn normalize(_document: &Document) -> Extraction {
    Extraction::default()
}
