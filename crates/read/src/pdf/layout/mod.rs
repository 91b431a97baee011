//! Page layout: ruling lines become cell lattices, glyphs become cell text and text lines.
//!
//! 1. Rule segments are merged: collinear pieces that touch or overlap become one rule.
//! 2. Rules that cross or touch form connected groups; a group with at least two horizontal
//!    and two vertical rules is a table. Its distinct rule positions (within a tolerance) are
//!    the lattice; a lattice edge is present when rules cover most of it.
//! 3. Cells grow from each free lattice slot rightwards while no vertical rule separates the
//!    slots, then downwards while no horizontal rule does: a missing interior rule is a merged
//!    cell, which becomes `row_span`/`col_span`.
//! 4. Each glyph goes to the cell under its centre. Glyphs outside every table form text lines.
//! 5. Text lines with two or more chunks at consistent x positions and no rules at all are
//!    read as a table by alignment (columns from the chunk starts, rows from the baselines).
//!
//! Cell text: glyphs cluster into lines by baseline; a line's glyphs are ordered along the
//! reading direction, with a space between Latin words and none between CJK characters. Lines
//! wrapped inside a cell are joined the same way; a paragraph break (`'\n'`) is kept where a
//! line ends short of the cell's right edge and the next starts with an item marker (`2、`,
//! `2.`, `（二）`), or where the gap between lines is clearly larger than the cell's line pitch.

use jixiao_grid::is_wide;

use super::cmap::Mapped;
use super::content::{Direction, Glyph, Segment};
use super::tolerance::*;

mod aligned;
mod lattice;
mod lines;

use aligned::*;
use lattice::*;
use lines::*;
pub(crate) use lines::{join_wrapped, starts_with_item_marker};
/// Largest lattice (rows × columns) built for one table; larger groups of rules are drawings.
const MAX_LATTICE: usize = 1 << 20;
/// Most horizontal × vertical rule pairs examined on one page.
const MAX_RULE_PAIRS: usize = 1 << 26;

/// A merged rule.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Rule {
    position: f64,
    start: f64,
    end: f64,
}

/// A cell of a table found on one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FragmentCell {
    /// Row of the cell's top edge (0 = the table's top row on this page).
    pub row: usize,
    pub row_span: usize,
    /// Left and right edges in page space (points), used to line up columns across pages.
    pub x0: f64,
    pub x1: f64,
    pub text: String,
    /// True when a rule is drawn along most of the cell's top edge.
    pub top_ruled: bool,
    /// True when the cell's text looks cut short: its last line runs up to the right edge
    /// or ends in punctuation that cannot end a text (`、`, `，`, `（`). A page break may
    /// have carried the rest to the next page.
    pub ends_full: bool,
    /// Number of text lines in the cell.
    pub lines: usize,
    /// 1-based page number.
    pub page: u32,
}

/// A table as it appears on one page.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Fragment {
    pub page: u32,
    pub top: f64,
    pub bottom: f64,
    pub left: f64,
    pub right: f64,
    pub rows: usize,
    /// Column boundaries (points, ascending).
    pub xs: Vec<f64>,
    pub cells: Vec<FragmentCell>,
    /// False for a table found by text alignment, with no rules.
    pub ruled: bool,
    /// Height of the page (points), to tell whether the table runs to the page's end.
    pub page_height: f64,
}

/// A line of text outside every table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TextLine {
    pub text: String,
    /// Left and right ends (points).
    pub x0: f64,
    pub x1: f64,
    /// Baseline (points, page space).
    pub baseline: f64,
    pub size: f64,
    /// True when the line starts with an item marker (`2、`, `（二）`).
    pub starts_item: bool,
    /// The line cut at wide gaps.
    pub chunks: Vec<Chunk>,
}

/// One thing on a page, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    Line(TextLine),
    Table(Fragment),
}

impl Item {
    /// The top of the item (points), for reading order.
    pub(crate) fn top(&self) -> f64 {
        match self {
            Item::Line(line) => line.baseline + line.size * 0.85,
            Item::Table(table) => table.top,
        }
    }
}

/// Lays out one page's glyphs and segments into text lines and table fragments, in reading
/// order (top to bottom).
pub(crate) fn layout_page(
    page: u32,
    page_height: f64,
    glyphs: &[Glyph],
    segments: &[Segment],
) -> Vec<Item> {
    let (horizontal, vertical) = merge_segments(segments);
    let lattices = find_lattices(&horizontal, &vertical);

    // Place each glyph in the cell under its centre.
    let mut cell_glyphs: Vec<Vec<Vec<usize>>> = lattices
        .iter()
        .map(|lattice| vec![Vec::new(); lattice.cells.len()])
        .collect();
    let mut free: Vec<usize> = Vec::new();
    'glyphs: for (index, glyph) in glyphs.iter().enumerate() {
        for (table, lattice) in lattices.iter().enumerate() {
            if let Some(cell) = lattice.cell_at(glyph.cx, glyph.cy) {
                cell_glyphs[table][cell].push(index);
                continue 'glyphs;
            }
        }
        free.push(index);
    }

    let mut items = Vec::new();
    for (lattice, cells) in lattices.iter().zip(cell_glyphs) {
        let fragment = lattice.fragment(page, page_height, glyphs, &cells);
        if fragment.cells.iter().all(|cell| cell.text.is_empty()) {
            continue;
        }
        items.push(Item::Table(fragment));
    }

    let free_glyphs: Vec<&Glyph> = free.iter().map(|&index| &glyphs[index]).collect();
    let mut lines = text_lines(&free_glyphs);
    split_at_gutters(&mut lines);
    let (aligned, lines) = alignment_tables(page, page_height, lines);
    items.extend(aligned.into_iter().map(Item::Table));
    items.extend(lines.into_iter().map(Item::Line));
    items.sort_by(|a, b| b.top().total_cmp(&a.top()));
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyph(c: char, x: f64, y: f64, size: f64) -> Glyph {
        let width = if is_wide(c) { size } else { size * 0.5 };
        Glyph {
            cx: x + width / 2.0,
            cy: y + size * GLYPH_CENTRE_HEIGHT,
            u0: x,
            u1: x + width,
            v: y,
            size,
            direction: Direction::Right,
            text: Mapped::Char(c),
            space: c == ' ',
            hole: false,
        }
    }

    fn text_at(text: &str, x: f64, y: f64, size: f64) -> Vec<Glyph> {
        let mut out = Vec::new();
        let mut pen = x;
        for c in text.chars() {
            let g = glyph(c, pen, y, size);
            pen = g.u1;
            out.push(g);
        }
        out
    }

    fn h(y: f64, x0: f64, x1: f64) -> Segment {
        Segment {
            horizontal: true,
            position: y,
            start: x0,
            end: x1,
            thickness: 0.5,
        }
    }

    fn v(x: f64, y0: f64, y1: f64) -> Segment {
        Segment {
            horizontal: false,
            position: x,
            start: y0,
            end: y1,
            thickness: 0.5,
        }
    }

    #[test]
    fn missing_interior_rule_is_a_merged_cell() {
        // 3 rows × 2 columns; the left column's rows 0–1 have no rule between them.
        let segments = vec![
            h(300.0, 100.0, 300.0),
            h(280.0, 200.0, 300.0),
            h(260.0, 100.0, 300.0),
            h(240.0, 100.0, 300.0),
            v(100.0, 240.0, 300.0),
            v(200.0, 240.0, 300.0),
            v(300.0, 240.0, 300.0),
        ];
        let mut glyphs = text_at("产出指标", 105.0, 283.0, 10.0);
        glyphs.extend(text_at("数量", 205.0, 286.0, 10.0));
        glyphs.extend(text_at("质量", 205.0, 266.0, 10.0));
        glyphs.extend(text_at("效益", 105.0, 246.0, 10.0));
        let items = layout_page(1, 842.0, &glyphs, &segments);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        assert_eq!(table.rows, 3);
        let merged = table
            .cells
            .iter()
            .find(|c| c.text == "产出指标")
            .expect("cell");
        assert_eq!((merged.row, merged.row_span), (0, 2));
        assert_eq!((merged.x0, merged.x1), (100.0, 200.0));
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["产出指标", "数量", "质量", "效益", ""]);
    }

    #[test]
    fn a_column_open_at_both_ends_stays_in_the_table() {
        // A name column merged across the page break above and below: its left border at x=50
        // runs the table's height but touches no horizontal rule. A rule of the same height
        // far from the table (a page frame), or a shorter one, is no column.
        let segments = vec![
            h(300.0, 100.0, 300.0),
            h(270.0, 100.0, 300.0),
            h(240.0, 100.0, 300.0),
            v(50.0, 240.0, 300.0),
            v(100.0, 240.0, 300.0),
            v(200.0, 240.0, 300.0),
            v(300.0, 240.0, 300.0),
            v(500.0, 240.0, 300.0),
            v(20.0, 250.0, 290.0),
        ];
        let mut glyphs = text_at("项目", 55.0, 266.0, 10.0);
        glyphs.extend(text_at("产出", 105.0, 286.0, 10.0));
        glyphs.extend(text_at("数量", 205.0, 286.0, 10.0));
        glyphs.extend(text_at("效益", 105.0, 256.0, 10.0));
        glyphs.extend(text_at("社会", 205.0, 256.0, 10.0));
        let items = layout_page(1, 842.0, &glyphs, &segments);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        assert_eq!((table.rows, table.left, table.right), (2, 50.0, 300.0));
        let name = table
            .cells
            .iter()
            .find(|c| c.text == "项目")
            .expect("the open column's cell");
        assert_eq!((name.row, name.row_span), (0, 2));
        assert_eq!((name.x0, name.x1), (50.0, 100.0));
    }

    #[test]
    fn double_rules_make_no_slivers() {
        // An outer frame drawn twice, two points apart, around a 1×2 table.
        let mut segments = Vec::new();
        for inset in [0.0, 2.0] {
            segments.push(h(300.0 - inset, 100.0 + inset, 300.0 - inset));
            segments.push(h(260.0 + inset, 100.0 + inset, 300.0 - inset));
            segments.push(v(100.0 + inset, 260.0 + inset, 300.0 - inset));
            segments.push(v(300.0 - inset, 260.0 + inset, 300.0 - inset));
        }
        segments.push(v(200.0, 260.0, 300.0));
        let mut glyphs = text_at("项目", 105.0, 275.0, 10.0);
        glyphs.extend(text_at("名称", 205.0, 275.0, 10.0));
        let items = layout_page(1, 842.0, &glyphs, &segments);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        assert_eq!((table.rows, table.xs.len()), (1, 3));
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["项目", "名称"]);
    }

    #[test]
    fn wrapped_lines_join_without_spaces_between_cjk_and_with_spaces_between_words() {
        let mut glyphs = text_at("保障服务能力提升情", 100.0, 300.0, 12.0);
        glyphs.extend(text_at("况", 100.0, 283.0, 12.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let block = assemble(&refs, Some([98.0, 270.0, 212.0, 315.0]));
        assert_eq!(block.text, "保障服务能力提升情况");

        let mut glyphs = text_at("annual", 100.0, 300.0, 10.0);
        glyphs.extend(text_at("target", 100.0, 288.0, 10.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        assert_eq!(assemble(&refs, None).text, "annual target");
    }

    #[test]
    fn item_markers_after_short_lines_keep_paragraph_breaks() {
        let mut glyphs = text_at("1、因我局无办公场所一直租用民", 100.0, 300.0, 12.0);
        glyphs.extend(text_at("用住宅。", 100.0, 283.0, 12.0));
        glyphs.extend(text_at("2、加强培训", 100.0, 266.0, 12.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        let block = assemble(&refs, Some([98.0, 250.0, 100.0 + 12.0 * 16.0, 315.0]));
        assert_eq!(
            block.text,
            "1、因我局无办公场所一直租用民用住宅。\n2、加强培训"
        );
    }

    #[test]
    fn fake_bold_is_printed_once() {
        let mut glyphs = text_at("优秀", 100.0, 300.0, 12.0);
        glyphs.extend(text_at("优秀", 100.3, 300.2, 12.0));
        let refs: Vec<&Glyph> = glyphs.iter().collect();
        assert_eq!(assemble(&refs, None).text, "优秀");
    }

    #[test]
    fn markers() {
        for yes in [
            "2、加强",
            "2.加强",
            "（二）加强",
            "(3) x",
            "二、加强",
            "①加强",
            "12）x",
        ] {
            assert!(starts_with_item_marker(yes), "{yes}");
        }
        for no in ["2019.12-2020.12", "100%", "加强", "2019年", "(2019年)"] {
            assert!(!starts_with_item_marker(no), "{no}");
        }
    }

    #[test]
    fn side_by_side_paragraphs_without_rules_come_apart() {
        // Two paragraphs of 12-point text side by side, 6 points apart (a cell's padding):
        // the first two lines of each fill their column, the last lines are short.
        let mut glyphs = Vec::new();
        glyphs.extend(text_at("项目总目标", 72.0, 720.0, 12.0));
        glyphs.extend(text_at("年度目标", 198.0, 720.0, 12.0));
        for (row, (left, right)) in [
            ("用三年时间建成环城绿", "年内完成东段绿道建设"),
            ("串联主要公园与河道形", "同步配建驿站六处和标"),
            ("慢行网络。", "提升绿化。"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - row as f64 * 16.0;
            glyphs.extend(text_at(left, 72.0, y, 12.0));
            glyphs.extend(text_at(right, 198.0, y, 12.0));
        }
        let items = layout_page(1, 842.0, &glyphs, &[]);
        let [Item::Table(table)] = items.as_slice() else {
            panic!("one table expected, got {items:?}");
        };
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "项目总目标",
                "年度目标",
                "用三年时间建成环城绿串联主要公园与河道形慢行网络。",
                "年内完成东段绿道建设同步配建驿站六处和标提升绿化。",
            ]
        );
    }

    #[test]
    fn words_that_line_up_in_running_text_make_no_gutter() {
        // Two lines of one paragraph whose word gaps happen to line up: no line is short and
        // there are only two, so the text stays one paragraph.
        let mut glyphs = text_at("alpha beta", 72.0, 700.0, 12.0);
        glyphs.extend(text_at("gamma delta", 72.0, 686.0, 12.0));
        // Widen the gap after the first word of each line to half an em, at the same x.
        for glyph in glyphs.iter_mut() {
            if glyph.u0 >= 72.0 + 5.0 * 6.0 {
                glyph.u0 += 4.0;
                glyph.u1 += 4.0;
                glyph.cx += 4.0;
            }
        }
        let items = layout_page(1, 842.0, &glyphs, &[]);
        assert!(
            items.iter().all(|item| matches!(item, Item::Line(_))),
            "no table: {items:?}"
        );
    }

    #[test]
    fn aligned_text_without_rules_becomes_a_table() {
        let mut glyphs = Vec::new();
        for (row, (a, b, c)) in [
            ("项目", "指标", "值"),
            ("数量", "设备", "=100%"),
            ("质量", "合格率", "≥95%"),
        ]
        .iter()
        .enumerate()
        {
            let y = 700.0 - row as f64 * 20.0;
            glyphs.extend(text_at(a, 72.0, y, 12.0));
            glyphs.extend(text_at(b, 200.0, y, 12.0));
            glyphs.extend(text_at(c, 330.0, y, 12.0));
        }
        glyphs.extend(text_at("说明文字", 72.0, 600.0, 12.0));
        let items = layout_page(1, 842.0, &glyphs, &[]);
        let tables: Vec<&Fragment> = items
            .iter()
            .filter_map(|item| match item {
                Item::Table(t) => Some(t),
                Item::Line(_) => None,
            })
            .collect();
        assert_eq!(tables.len(), 1);
        let table = tables[0];
        assert!(!table.ruled);
        assert_eq!(table.rows, 3);
        let texts: Vec<&str> = table.cells.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "项目",
                "指标",
                "值",
                "数量",
                "设备",
                "=100%",
                "质量",
                "合格率",
                "≥95%"
            ]
        );
        assert!(matches!(items.last(), Some(Item::Line(line)) if line.text == "说明文字"));
    }
}
