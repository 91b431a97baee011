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
//! use jixiao_read::{html, Limits};
//!
//! let page = b"<p>1\xE3\x80\x81\xE7\xBB\xA9\xE6\x95\x88\xE7\x9B\xAE\xE6\xA0\x87\xE8\xA1\xA8</p>\
//!     <table><tr><td rowspan=2>a<td>b<tr><td>c</table>";
//! let document = html::read(page, &Limits::default())?;
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
use jixiao_grid::{Block, Diagnostic, Document, GridBuilder, Location, Paragraph};
use scraper::{Html, Node};

use crate::{Limits, ReadError};

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

/// The local name of an element node.
fn name_of<'a>(node: NodeRef<'a, Node>) -> Option<&'a str> {
    node.value().as_element().map(|element| element.name())
}

/// How many `--max-cells` one element of the page tree counts for: html5ever's tree costs a
/// few hundred bytes per element, a grid cell a fraction of that, so a page may have at most an
/// eighth of `--max-cells` elements (500,000 at the default, some 250 MiB of tree).
const CELLS_PER_ELEMENT: usize = 8;

/// Refuses a page with more elements than its tree may cost, counted by their start tags
/// before the tree is built (a page of a million `<td>` would otherwise cost half a gigabyte
/// before a cell is read).
fn check_elements(text: &str, limits: &Limits) -> Result<(), ReadError> {
    let most = limits.max_cells / CELLS_PER_ELEMENT;
    let bytes = text.as_bytes();
    let mut elements = 0usize;
    let mut at = 0;
    while let Some(offset) = bytes[at..].iter().position(|&byte| byte == b'<') {
        at += offset + 1;
        if bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
            elements += 1;
            if elements > most {
                return Err(ReadError::TooLarge(format!(
                    "the page has more than {most} elements, more than its tables may hold \
                     (an eighth of --max-cells; raise with --max-cells)"
                )));
            }
        }
    }
    Ok(())
}

/// Reads an HTML page.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    let decoded = charset::decode(bytes);
    depth::check(&decoded.text, limits.max_html_depth)?;
    check_elements(&decoded.text, limits)?;
    limits.check_time()?;
    let html = Html::parse_document(&decoded.text);
    limits.check_time()?;

    let mut document = Document {
        encoding: Some(decoded.encoding),
        diagnostics: decoded.diagnostics,
        ..Document::default()
    };
    let mut walker = Walker {
        document: &mut document,
        budget: limits.max_cells,
        limits,
        paragraph: TextBuilder::new(),
    };
    walker.walk(html.tree.root())?;
    Ok(document)
}

struct Walker<'d> {
    document: &'d mut Document,
    /// Slots the document may still produce (`--max-cells`).
    budget: usize,
    limits: &'d Limits,
    paragraph: TextBuilder,
}

impl Walker<'_> {
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
                            } else if name == "table" {
                                self.flush_paragraph();
                                self.tables(node)?;
                                skip = Some(node.id());
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
                        && is_block(name)
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
        if !text.is_empty() {
            self.document.blocks.push(Block::Paragraph(Paragraph {
                text,
                source: Default::default(),
            }));
        }
    }

    /// Emits a table and, after it, the tables nested in its cells (depth first, in document
    /// order), each as its own grid.
    fn tables(&mut self, outer: NodeRef<'_, Node>) -> Result<(), ReadError> {
        let mut pending = vec![outer];
        while let Some(node) = pending.pop() {
            self.limits.check_time()?;
            let read = table::read_table(node, &mut self.budget)?;
            if let Some(caption) = read.caption {
                self.document.blocks.push(Block::Paragraph(Paragraph {
                    text: caption,
                    source: Default::default(),
                }));
            }
            pending.extend(read.nested.into_iter().rev());
            if read.cells.is_empty() {
                continue;
            }
            let index = self.document.grids().count();
            let location = Location {
                grid: Some(index as u32),
                ..Location::default()
            };
            if read.absurd_spans > 0 {
                self.document.diagnostics.push(
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
            let mut builder = GridBuilder::new();
            for cell in read.cells {
                builder.push(cell);
            }
            let (grid, repairs) = builder.build(location);
            self.document.diagnostics.extend(repairs);
            self.document.blocks.push(Block::Table(grid));
        }
        Ok(())
    }
}
