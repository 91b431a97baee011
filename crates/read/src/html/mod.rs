//! The HTML reader, on scraper (html5ever).
//!
//! 1. The bytes are decoded by their byte order mark, their `<meta>` charset, or detection
//!    ([`charset`]); GB2312/GBK pages decode with GB18030. `Document::encoding` says which.
//! 2. The nesting depth is bounded before parsing ([`depth`]): html5ever has no cap and its
//!    cost grows with depth, so a page deeper than `--max-depth` is refused at once.
//! 3. html5ever builds the tree (it repairs missing `</td>`/`</tr>` and never fails).
//! 4. The body is walked in document order: text outside tables becomes paragraphs (headings,
//!    `<p>`, `<div>`: where table titles live), each `<table>` a grid ([`table`]). A table
//!    nested in a cell keeps its text in that cell and is emitted as its own grid after the
//!    outer one. `<script>`, `<style>`, `<template>`, the `<head>` and comments are ignored.
//!
//! Every walk is iterative, so no page can exhaust the stack.
//!
//! ```
//! use jixiao_read::{Format, Limits, read};
//!
//! let page = b"<p>1\xE3\x80\x81\xE7\xBB\xA9\xE6\x95\x88\xE7\x9B\xAE\xE6\xA0\x87\xE8\xA1\xA8</p>\
//!     <table><tr><td rowspan=2>a<td>b<tr><td>c</table>";
//! let document = read(Format::Html, page, None, &Limits::default())?;
//! let grid = document.grids().next().expect("one table");
//! assert_eq!(grid.slot(1, 0).expect("covered").cell.text, "a");
//! assert_eq!(grid.slot(1, 1).expect("origin").cell.text, "c");
//! # Ok::<(), jixiao_read::ReadError>(())
//! ```

mod charset;
mod depth;
mod table;
mod text;

use ego_tree::NodeRef;
use ego_tree::iter::Edge;
use jixiao_grid::{Diagnostic, GridBuilder, Location};
use scraper::{Html, Node};

use crate::{DocumentBuilder, ReadError};

use text::TextBuilder;

/// Elements whose content is never shown as text.
const SKIPPED: &[&str] = &[
    "head", "script", "style", "template", "noscript", "title", "iframe", "object", "select",
    "svg", "math", "noembed", "noframes",
];

/// Elements whose edges break lines (and, outside tables, paragraphs).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "body"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "dir"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hgroup"
            | "hr"
            | "html"
            | "legend"
            | "li"
            | "main"
            | "menu"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "summary"
            | "tr"
            | "ul"
            | "listing"
            | "textarea"
    )
}

/// True for a table that lays out the page rather than holding data: it has a table nested
/// in its cells, and either one cell per row (a column of page regions) or a quarter or less
/// of the text of the nested ones as its own (outside the nested tables). Government pages put breadcrumbs, metadata and the content area in such
/// tables, with the form itself nested inside; reading them as flow gives the form as its own
/// grid and the text around it as paragraphs. A data table with a small table nested in one
/// cell keeps being read as a table.
fn is_layout_table(table: NodeRef<'_, Node>) -> bool {
    let (mut own, mut nested) = (0usize, 0usize);
    let (mut cells_in_row, mut widest_row) = (0usize, 0usize);
    let mut depth = 0usize;
    let mut skip: Option<ego_tree::NodeId> = None;
    for edge in table.traverse() {
        match edge {
            Edge::Open(node) if node.id() != table.id() => {
                if skip.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(run) => {
                        let count = run.chars().filter(|c| !c.is_whitespace()).count();
                        if depth == 0 {
                            own += count;
                        } else {
                            nested += count;
                        }
                    }
                    Node::Element(element) if SKIPPED.contains(&element.name()) => {
                        skip = Some(node.id());
                    }
                    Node::Element(element) if element.name() == "table" => depth += 1,
                    Node::Element(element) if depth == 0 => match element.name() {
                        "tr" => cells_in_row = 0,
                        "td" | "th" => {
                            cells_in_row += 1;
                            widest_row = widest_row.max(cells_in_row);
                        }
                        _ => {}
                    },
                    _ => {}
                }
            }
            Edge::Close(node) if node.id() != table.id() => {
                if skip == Some(node.id()) {
                    skip = None;
                } else if skip.is_none() && name_of(node) == Some("table") {
                    depth = depth.saturating_sub(1);
                }
            }
            _ => {}
        }
    }
    nested > 0 && (widest_row <= 1 || own.saturating_mul(4) <= nested)
}

/// The local name of an element node.
fn name_of<'a>(node: NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|element| element.name())
}

/// How many `--max-cells` one element of the page tree counts for: html5ever's tree costs a
/// few hundred bytes per element, a grid cell a fraction of that, so a page may have at most an
/// eighth of `--max-cells` elements (500,000 at the default, some 250 MiB of tree).
const CELLS_PER_ELEMENT: u64 = 8;

/// Refuses a page with more elements than its tree may cost, counted by their start tags
/// before the tree is built (a page of a million `<td>` would otherwise cost half a gigabyte
/// before a cell is read).
fn check_elements(text: &str, document: &DocumentBuilder<'_>) -> Result<(), ReadError> {
    let bytes = text.as_bytes();
    let mut elements = 0u64;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&byte| byte == b'<') {
        at += offset + 1;
        if bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            elements += 1;
            document.check_declared(
                elements.saturating_mul(CELLS_PER_ELEMENT),
                "the page's elements, at eight cells each,",
            )?;
        }
    }
    Ok(())
}

/// Reads an HTML page.
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    let limits = document.limits();
    let decoded = charset::decode(bytes);
    depth::check(&decoded.text, limits.max_html_depth)?;
    check_elements(&decoded.text, document)?;
    document.check_time()?;
    let html = Html::parse_document(&decoded.text);
    document.check_time()?;

    document.encoding(decoded.encoding);
    document.diagnostics(decoded.diagnostics);
    let mut walker = Walker {
        document,
        paragraph: TextBuilder::new(),
    };
    walker.walk(html.tree.root())
}

struct Walker<'d, 'l> {
    document: &'d mut DocumentBuilder<'l>,
    paragraph: TextBuilder,
}

impl Walker<'_, '_> {
    /// Walks the page outside tables, gathering paragraphs, and hands each outermost table to
    /// [`Walker::tables`].
    fn walk(&mut self, root: NodeRef<'_, Node>) -> Result<(), ReadError> {
        let mut skip: Option<ego_tree::NodeId> = None;
        let mut pre = 0usize;
        for edge in root.traverse() {
            match edge {
                Edge::Open(node) => {
                    if skip.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Text(run) => self.paragraph.push_text(run, pre > 0),
                        Node::Element(element) => {
                            let name = element.name();
                            if SKIPPED.contains(&name) {
                                skip = Some(node.id());
                            } else if name == "table" && is_layout_table(node) {
                                // A layout table: its cells are page regions, read as flow.
                                self.flush_paragraph();
                            } else if name == "table" {
                                self.flush_paragraph();
                                self.tables(node)?;
                                skip = Some(node.id());
                            } else if matches!(name, "td" | "th") {
                                self.flush_paragraph();
                            } else if name == "br" {
                                self.paragraph.line_break();
                            } else if name == "input" {
                                table::push_input(&mut self.paragraph, element);
                            } else if is_block(name) {
                                self.flush_paragraph();
                                if matches!(name, "pre" | "listing" | "textarea") {
                                    pre += 1;
                                }
                            }
                        }
                        _ => {}
                    }
                }
                Edge::Close(node) => {
                    if skip == Some(node.id()) {
                        skip = None;
                        continue;
                    }
                    if skip.is_some() {
                        continue;
                    }
                    if let Some(name) = name_of(node)
                        && (is_block(name) || matches!(name, "td" | "th" | "table"))
                    {
                        self.flush_paragraph();
                        if matches!(name, "pre" | "listing" | "textarea") {
                            pre = pre.saturating_sub(1);
                        }
                    }
                }
            }
        }
        self.flush_paragraph();
        Ok(())
    }

    fn flush_paragraph(&mut self) {
        let text = self.paragraph.finish();
        if crate::chrome::is_page_chrome(&text) {
            self.document
                .diagnostic(crate::chrome::removed(&text, Default::default()));
            return;
        }
        if !text.is_empty() {
            self.document.paragraph(text, Default::default());
        }
    }

    /// Drops the rows of a table that are page chrome (索引号 | … | 发布机构 | …): rows whose
    /// first cell with text is chrome and that no cell spans into or out of. The rows below
    /// move up.
    fn without_chrome_rows(&mut self, cells: Vec<jixiao_grid::Cell>) -> Vec<jixiao_grid::Cell> {
        let rows = cells
            .iter()
            .map(|cell| cell.row + cell.row_span)
            .max()
            .unwrap_or(0);
        let mut first_text: Vec<Option<&str>> = vec![None; rows];
        let mut spanned = vec![false; rows];
        for cell in &cells {
            if cell.row_span > 1 {
                for flag in spanned.iter_mut().skip(cell.row).take(cell.row_span) {
                    *flag = true;
                }
            }
            let slot = &mut first_text[cell.row];
            if slot.is_none() && !cell.text.trim().is_empty() {
                *slot = Some(cell.text.as_str());
            }
        }
        let chrome: Vec<bool> = first_text
            .iter()
            .zip(&spanned)
            .map(|(text, spanned)| !spanned && text.is_some_and(crate::chrome::is_page_chrome))
            .collect();
        if !chrome.contains(&true) {
            return cells;
        }
        let mut shift = vec![0usize; rows];
        let mut dropped = 0;
        for (row, is_chrome) in chrome.iter().enumerate() {
            shift[row] = dropped;
            if *is_chrome {
                dropped += 1;
                if let Some(text) = first_text[row] {
                    self.document
                        .diagnostic(crate::chrome::removed(text, Default::default()));
                }
            }
        }
        cells
            .into_iter()
            .filter(|cell| !chrome[cell.row])
            .map(|mut cell| {
                cell.row -= shift[cell.row];
                cell
            })
            .collect()
    }

    /// Emits a table and, after it, the tables nested in its cells (depth first, in document
    /// order), each as its own grid.
    fn tables(&mut self, outer: NodeRef<'_, Node>) -> Result<(), ReadError> {
        let mut pending = vec![outer];
        while let Some(node) = pending.pop() {
            self.document.check_time()?;
            let read = table::read_table(node, self.document)?;
            if let Some(caption) = read.caption {
                self.document.paragraph(caption, Default::default());
            }
            pending.extend(read.nested.into_iter().rev());
            if read.cells.is_empty() {
                continue;
            }
            let index = self.document.next_grid();
            let location = Location {
                grid: Some(index),
                ..Location::default()
            };
            if read.absurd_spans > 0 {
                self.document.diagnostic(
                    Diagnostic::new(
                        "span_clamped",
                        format!(
                            "table {}: {} cells had absurd rowspan or colspan values; they were \
                             cut to the table",
                            index + 1,
                            read.absurd_spans
                        ),
                    )
                    .at(location.clone()),
                );
            }
            let cells = self.without_chrome_rows(read.cells);
            if cells.is_empty() {
                continue;
            }
            let mut builder = GridBuilder::new();
            for cell in cells {
                builder.push(cell);
            }
            self.document.grid(builder, location)?;
        }
        Ok(())
    }
}
