//! The document's flow across pages: running headers, footers and page numbers are left out,
//! text lines become paragraphs, and tables that continue on the next page are joined.
//!
//! **Running text.** A line at the very top or bottom of a page (the first or last two items,
//! within the outer tenth of the page) is dropped when it is a page number (`3`, `- 3 -`,
//! `第 3 页 共 9 页`, `3/9`, `Page 3`) or when the same text (digits aside) sits there on at
//! least four pages in five. Such lines are furniture, not content; they are dropped without
//! a diagnostic. Titles repeated above tables that start on a new page occur on fewer pages
//! and are kept.
//!
//! **Paragraphs.** A line joins the paragraph above when the line above runs to the right
//! margin (it wrapped), the gap between them is an ordinary line pitch, their sizes match and
//! the line does not start with an item marker. Paragraphs may continue on the next page.

use std::collections::HashMap;

use jixiao_grid::{Diagnostic, Source};

use super::layout::{Item, TextLine, join_wrapped};
use super::tables::Table;
use super::tolerance::{MARGIN_BAND, PARAGRAPH_SIZE_RATIO};
use crate::{DocumentBuilder, ReadError};

/// The items of one page.
#[derive(Debug)]
pub(crate) struct PageItems {
    pub page: u32,
    pub height: f64,
    pub items: Vec<Item>,
}

/// Adds the document's blocks from its pages, in reading order.
pub(crate) fn assemble(
    mut pages: Vec<PageItems>,
    document: &mut DocumentBuilder<'_>,
) -> Result<(), ReadError> {
    remove_running_text(&mut pages);
    let mut flow = Flow {
        document,
        paragraph: None,
        table: None,
    };
    for page in pages {
        let right_margin = page
            .items
            .iter()
            .filter_map(|item| match item {
                Item::Line(line) => Some(line.x1),
                Item::Table(_) => None,
            })
            .fold(f64::NEG_INFINITY, f64::max);
        for (index, item) in page.items.into_iter().enumerate() {
            match item {
                Item::Table(fragment) => {
                    flow.end_paragraph();
                    match flow.table.as_mut() {
                        Some(table) if index == 0 && table.continues_into(&fragment) => {
                            table.join(fragment);
                        }
                        _ => {
                            flow.end_table()?;
                            flow.table = Some(Table::start(fragment));
                        }
                    }
                }
                Item::Line(line) => {
                    flow.end_table()?;
                    flow.add_line(line, page.page, right_margin);
                }
            }
        }
    }
    flow.end_paragraph();
    flow.end_table()
}

#[derive(Debug)]
struct OpenParagraph {
    text: String,
    page: u32,
    last: TextLine,
    last_page: u32,
    right_margin: f64,
}

struct Flow<'d, 'l> {
    document: &'d mut DocumentBuilder<'l>,
    paragraph: Option<OpenParagraph>,
    table: Option<Table>,
}

impl Flow<'_, '_> {
    fn end_paragraph(&mut self) {
        if let Some(paragraph) = self.paragraph.take() {
            self.document
                .paragraph(paragraph.text, Source::page(paragraph.page));
        }
    }

    fn end_table(&mut self) -> Result<(), ReadError> {
        let Some(table) = self.table.take() else {
            return Ok(());
        };
        let location_pages = (table.first_page, table.last_page);
        let (joins, headers, rejoined) = (table.joins, table.headers_dropped, table.rows_rejoined);
        let (builder, mut location) = table.into_builder();
        location.grid = Some(self.document.next_grid());
        let mut diagnostics = Vec::new();
        // Joining itself shows in the grid's page range; only the repairs made at the page
        // breaks are reported.
        if joins > 0 && (headers > 0 || rejoined > 0) {
            let mut message = format!(
                "the table continues from page {} to page {}; its parts were joined",
                location_pages.0, location_pages.1
            );
            if headers > 0 {
                message.push_str(&format!(
                    ", {headers} repeated header row group(s) left out"
                ));
            }
            if rejoined > 0 {
                message.push_str(&format!(
                    ", {rejoined} row(s) split by a page break rejoined"
                ));
            }
            diagnostics.push(Diagnostic::new("pages_joined", message).at(location.clone()));
        }
        self.document.grid_with(builder, location, diagnostics)
    }

    fn add_line(&mut self, line: TextLine, page: u32, right_margin: f64) {
        if let Some(open) = self.paragraph.as_mut()
            && continues(open, &line, page)
        {
            join_wrapped(&mut open.text, &line.text);
            open.last = line;
            open.last_page = page;
            open.right_margin = right_margin;
            return;
        }
        self.end_paragraph();
        self.paragraph = Some(OpenParagraph {
            text: line.text.clone(),
            page,
            last: line,
            last_page: page,
            right_margin,
        });
    }
}

/// True when `line` continues the open paragraph.
fn continues(open: &OpenParagraph, line: &TextLine, page: u32) -> bool {
    let previous = &open.last;
    if line.starts_item {
        return false;
    }
    let ratio = line.size / previous.size.max(0.1);
    if !(1.0 / PARAGRAPH_SIZE_RATIO..=PARAGRAPH_SIZE_RATIO).contains(&ratio) {
        return false;
    }
    let wrapped = previous.x1 >= open.right_margin - previous.size * 2.0;
    if !wrapped {
        return false;
    }
    if page == open.last_page {
        let pitch = previous.baseline - line.baseline;
        pitch > 0.0 && pitch <= previous.size.max(line.size) * 2.0
    } else {
        page == open.last_page + 1
    }
}

/// The text of a line with digits and white space taken out, to recognise running text
/// that carries a page number.
fn running_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| if c.is_numeric() { '#' } else { c })
        .collect()
}

/// Indexes of the line items at the top and bottom of a page that may be running text.
fn marginal_lines(page: &PageItems) -> Vec<usize> {
    let count = page.items.len();
    let mut out = Vec::new();
    let top_band = page.height * (1.0 - MARGIN_BAND);
    let bottom_band = page.height * MARGIN_BAND;
    for index in (0..count.min(2)).chain(count.saturating_sub(2)..count) {
        if out.contains(&index) {
            continue;
        }
        if let Item::Line(line) = &page.items[index]
            && (line.baseline >= top_band || line.baseline <= bottom_band)
        {
            out.push(index);
        }
    }
    out
}

fn remove_running_text(pages: &mut [PageItems]) {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for page in pages.iter() {
        let mut seen: Vec<String> = Vec::new();
        for index in marginal_lines(page) {
            if let Item::Line(line) = &page.items[index] {
                let key = running_key(&line.text);
                if !seen.contains(&key) {
                    seen.push(key);
                }
            }
        }
        for key in seen {
            *counts.entry(key).or_default() += 1;
        }
    }
    let total = pages.len();
    let repeated = |key: &str| -> bool {
        let count = counts.get(key).copied().unwrap_or(0);
        count >= 2 && count * 5 >= total * 4
    };
    for page in pages.iter_mut() {
        let mut drop: Vec<usize> = marginal_lines(page)
            .into_iter()
            .filter(|&index| match &page.items[index] {
                Item::Line(line) => {
                    crate::page_number::is_page_number(&line.text)
                        || repeated(&running_key(&line.text))
                }
                Item::Table(_) => false,
            })
            .collect();
        drop.sort_unstable();
        for index in drop.into_iter().rev() {
            page.items.remove(index);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_grid::Block;

    fn line(text: &str, x1: f64, baseline: f64) -> Item {
        Item::Line(TextLine {
            text: text.to_string(),
            x0: 56.0,
            x1,
            baseline,
            size: 12.0,
            starts_item: super::super::layout::starts_with_item_marker(text),
            chunks: Vec::new(),
        })
    }

    fn paragraphs(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .filter_map(|block| match block {
                Block::Paragraph(p) => Some(p.text.clone()),
                Block::Table(_) => None,
            })
            .collect()
    }

    #[test]
    fn page_numbers() {
        for yes in [
            "3",
            "- 3 -",
            "第 3 页",
            "第3页 共9页",
            "3 / 9",
            "Page 3",
            "－１－",
            "２",
        ] {
            assert!(crate::page_number::is_page_number(yes), "{yes}");
        }
        for no in ["2024", "第一部分", "3月底", "项目名称", "1、"] {
            assert!(!crate::page_number::is_page_number(no), "{no}");
        }
    }

    #[test]
    fn wrapped_lines_make_one_paragraph_and_furniture_is_dropped() {
        let pages = vec![
            PageItems {
                page: 1,
                height: 842.0,
                items: vec![
                    line("市场监督管理局 2021 年预算", 300.0, 815.0),
                    line("第一部分", 104.0, 760.0),
                    line("1、运用行政与法律手段，对市场经营主体及市场", 540.0, 700.0),
                    line("行为进行行政指导。", 170.0, 680.0),
                    line("2、依法查处违法直销和传销行为", 400.0, 653.0),
                    line("- 1 -", 310.0, 30.0),
                ],
            },
            PageItems {
                page: 2,
                height: 842.0,
                items: vec![
                    line("市场监督管理局 2021 年预算", 300.0, 815.0),
                    line("第二部分", 104.0, 760.0),
                    line("- 2 -", 310.0, 30.0),
                ],
            },
        ];
        let limits = crate::Limits::default();
        let mut document = limits.start();
        assemble(pages, &mut document).expect("assembled");
        let blocks = document.finish().blocks;
        assert_eq!(
            paragraphs(&blocks),
            vec![
                "第一部分",
                "1、运用行政与法律手段，对市场经营主体及市场行为进行行政指导。",
                "2、依法查处违法直销和传销行为",
                "第二部分",
            ]
        );
    }
}
