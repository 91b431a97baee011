//! The cell-per-line dialect: what Word writes when a table is pasted as plain text.
//!
//! ```text
//! 1、办公场所租赁费绩效目标表          ← a paragraph (the title)
//! ⇥一级指标                            ← a cell: a line that starts with a tab
//! ⇥二级指标
//!                                      ← a blank line ends the row
//! ⇥产出指标
//! ⇥1、第一段                           ← a cell whose text has two paragraphs:
//! 2、第二段                            ←   a line without a tab continues the cell
//!
//!                                      ← two blank lines and a line without a tab
//! 2、劳务派遣服务费绩效目标表          ←   end the table
//! ```
//!
//! Two things blur this picture, and both are repaired here:
//!
//! - An empty paragraph inside a cell also prints as a blank line, which splits its row in
//!   two. Such pieces are rejoined when their widths add up to the width of the rows around
//!   them ([`rejoin_rows`]), and each join is reported as `rejoined_row`.
//! - A title can follow the last cell with no blank line between. A line that reads as a
//!   title, or that carried Word field-code debris, ends the table instead of continuing the
//!   last cell.

use std::borrow::Cow;

use jixiao_grid::{Diagnostic, Location};

use super::clean::{clean, looks_like_title};
use super::{CellDraft, RowDraft, Sink, line_number};
use crate::ReadError;
use crate::page_number::is_page_number;

/// How many split rows in a row the rejoin check looks ahead through before it gives up.
const MAX_LOOKAHEAD_RUNS: usize = 8;

/// The most pieces one row is rejoined from. An empty paragraph splits a row in two; a few
/// of them in one row make a few more pieces. The bound keeps the check linear on hostile
/// input (a very wide row followed by thousands of one-cell rows).
const MAX_RUN_PIECES: usize = 8;

/// Reads `text` in the cell-per-line dialect into `sink`.
pub(crate) fn parse(text: &str, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let mut table: Option<Vec<RowDraft>> = None;
    // Blank lines since the last line with content.
    let mut blank = 0usize;
    // True while the last line with content belonged to a cell and no blank line followed it.
    let mut in_cell = false;

    for (index, raw) in text.split('\n').enumerate() {
        sink.check_time(index)?;
        let line = line_number(index);

        if let Some(rest) = raw.strip_prefix('\t') {
            sink.count_cells(1)?;
            let rows = table.get_or_insert_with(Vec::new);
            add_cell(rows, line, clean(rest).text, blank);
            blank = 0;
            in_cell = true;
            continue;
        }
        if raw.trim().is_empty() {
            blank += 1;
            in_cell = false;
            continue;
        }
        let cleaned = clean(raw);
        if cleaned.text.trim().is_empty() {
            // The line held only field-code debris or markup: it disappears without a trace,
            // neither text nor a blank line.
            continue;
        }
        if let Some(rows) = table.as_mut() {
            let title = cleaned.had_field_code || looks_like_title(&cleaned.text);
            if in_cell && !title {
                continue_cell(rows, line, &cleaned.text, 0);
                continue;
            }
            if !in_cell && !title && is_page_number(raw) {
                sink.page_debris(line, raw);
                continue;
            }
            if !in_cell && !title && blank == 1 {
                // One blank line and more text: an empty paragraph inside the last cell,
                // not the end of the table (which Word marks with two blank lines).
                continue_cell(rows, line, &cleaned.text, 1);
                blank = 0;
                in_cell = true;
                continue;
            }
            if let Some(rows) = table.take() {
                finish_table(rows, sink)?;
            }
        } else if is_page_number(raw) {
            sink.page_debris(line, raw);
            continue;
        }
        sink.paragraph(line, &cleaned.text)?;
        blank = 0;
        in_cell = false;
    }
    if let Some(rows) = table {
        finish_table(rows, sink)?;
    }
    Ok(())
}

/// Adds a cell: to a new row after blank lines, else to the current row.
fn add_cell(rows: &mut Vec<RowDraft>, line: u32, text: Cow<'_, str>, blank_before: usize) {
    let starts_row = blank_before > 0 || rows.is_empty();
    if starts_row {
        rows.push(RowDraft {
            cells: Vec::new(),
            first_line: line,
            last_line: line,
            blank_before,
        });
    }
    if let Some(row) = rows.last_mut() {
        row.cells.push(CellDraft {
            text: text.into_owned(),
            line,
        });
        row.last_line = line;
    }
}

/// Appends a paragraph to the last cell, after `empty_paragraphs` empty ones.
fn continue_cell(rows: &mut [RowDraft], line: u32, text: &str, empty_paragraphs: usize) {
    let Some(row) = rows.last_mut() else {
        return;
    };
    row.last_line = line;
    let Some(cell) = row.cells.last_mut() else {
        return;
    };
    if !cell.text.is_empty() {
        for _ in 0..=empty_paragraphs {
            cell.text.push('\n');
        }
    }
    cell.text.push_str(text);
}

fn finish_table(rows: Vec<RowDraft>, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let grid = sink.next_grid();
    let (rows, diagnostics) = rejoin_rows(rows, grid);
    for diagnostic in diagnostics {
        sink.diagnostic(diagnostic);
    }
    sink.table(rows)
}

/// Rejoins rows that an empty paragraph inside a cell split in two.
///
/// A run of consecutive rows, each narrower than the row before the run and each after the
/// first separated from the one before by exactly one blank line, is joined when
///
/// 1. their widths add up to exactly the width `W` of the row before the run, and
/// 2. what follows the run fits the same width: the end of the table, a row `W` wide, or
///    another run that is joinable to `W` by the same rule.
///
/// Rule 2 is what keeps the budget rows apart: a 2-cell row (an empty cell and a description)
/// followed by the 5-cell 资金支出计划 row add up to the 7 of the 预算规模 row above them, but
/// what follows is another 5-cell row, and it and the 2-cell 绩效目标 row after it make 7 only
/// to be followed by the 6-cell indicator header: the widths around do not agree, so nothing
/// is joined. A real split, such as `产出指标` (1 cell) and the 5 cells after its empty
/// paragraph, sits between 6-cell indicator rows on both sides.
pub(crate) fn rejoin_rows(rows: Vec<RowDraft>, grid: u32) -> (Vec<RowDraft>, Vec<Diagnostic>) {
    let widths: Vec<usize> = rows.iter().map(|row| row.cells.len()).collect();
    let blanks: Vec<usize> = rows.iter().map(|row| row.blank_before).collect();
    let mut joins: Vec<(usize, usize)> = Vec::new();
    let mut index = 1;
    while index < rows.len() {
        // The row before the run is the previous row as it stands after earlier joins.
        let width = match joins.last() {
            Some(&(start, end)) if end + 1 == index => widths[start..=end].iter().sum(),
            _ => widths[index - 1],
        };
        if widths[index] < width
            && let Some(end) = run_end(&widths, &blanks, index, width)
            && followed_by_width(&widths, &blanks, end + 1, width)
        {
            joins.push((index, end));
            index = end + 1;
        } else {
            index += 1;
        }
    }
    if joins.is_empty() {
        return (rows, Vec::new());
    }

    let mut diagnostics = Vec::with_capacity(joins.len());
    let mut out: Vec<RowDraft> = Vec::with_capacity(rows.len());
    let mut joins = joins.into_iter().peekable();
    let mut rows = rows.into_iter().enumerate();
    while let Some((index, row)) = rows.next() {
        let Some(&(start, end)) = joins.peek().filter(|&&(start, _)| start == index) else {
            out.push(row);
            continue;
        };
        joins.next();
        let mut joined = row;
        let mut parts = vec![joined.cells.len().to_string()];
        for _ in start..end {
            if let Some((_, piece)) = rows.next() {
                parts.push(piece.cells.len().to_string());
                joined.last_line = piece.last_line;
                joined.cells.extend(piece.cells);
            }
        }
        diagnostics.push(
            Diagnostic::new(
                "rejoined_row",
                format!(
                    "lines {}–{}: a row split by an empty paragraph inside a cell was rejoined \
                     ({} cells make {}, the width of the rows around it)",
                    joined.first_line,
                    joined.last_line,
                    parts.join(" + "),
                    joined.cells.len()
                ),
            )
            .at(Location {
                line: Some(joined.first_line),
                line_end: Some(joined.last_line),
                grid: Some(grid),
                row: u32::try_from(out.len()).ok(),
                ..Location::default()
            }),
        );
        out.push(joined);
    }
    (out, diagnostics)
}

/// The last row of a run starting at `start` whose widths add up to exactly `width`: two to
/// [`MAX_RUN_PIECES`] rows, each narrower than `width`, each after the first one blank line
/// after the other.
fn run_end(widths: &[usize], blanks: &[usize], start: usize, width: usize) -> Option<usize> {
    let mut sum = 0;
    for index in start..widths.len().min(start + MAX_RUN_PIECES) {
        if index > start && blanks[index] != 1 {
            return None;
        }
        if widths[index] >= width {
            return None;
        }
        sum += widths[index];
        if sum == width {
            return (index > start).then_some(index);
        }
        if sum > width {
            return None;
        }
    }
    None
}

/// True when the rows from `index` on continue at `width`: the table ends, the next row is
/// `width` wide, or joinable runs lead to one of those.
fn followed_by_width(widths: &[usize], blanks: &[usize], mut index: usize, width: usize) -> bool {
    for _ in 0..MAX_LOOKAHEAD_RUNS {
        match widths.get(index) {
            None => return true,
            Some(&next) if next == width => return true,
            Some(_) => match run_end(widths, blanks, index, width) {
                Some(end) => index = end + 1,
                None => return false,
            },
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use jixiao_grid::{Block, Document};

    fn read(text: &str) -> Document {
        super::super::read_txt(text)
    }

    /// Each grid as rows of cell texts, and each paragraph as a one-element row marked `¶`.
    fn blocks(document: &Document) -> Vec<Vec<Vec<String>>> {
        document
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(paragraph) => vec![vec![format!("¶{}", paragraph.text)]],
                Block::Table(grid) => (0..grid.rows())
                    .map(|row| {
                        grid.row_cells(row)
                            .iter()
                            .map(|cell| cell.text.clone())
                            .collect()
                    })
                    .collect(),
            })
            .collect()
    }

    fn rows(spec: &[&[&str]]) -> Vec<Vec<String>> {
        spec.iter()
            .map(|row| row.iter().map(|cell| cell.to_string()).collect())
            .collect()
    }

    #[test]
    fn cells_rows_and_continuation_paragraphs() {
        let text = "标题\n\t项目编码\n\t930-0801\n\n\t绩效目标\n\t1、第一段\n2、第二段\n\n\n后记\n";
        let document = read(text);
        assert_eq!(
            blocks(&document),
            vec![
                rows(&[&["¶标题"]]),
                rows(&[
                    &["项目编码", "930-0801"],
                    &["绩效目标", "1、第一段\n2、第二段"]
                ]),
                rows(&[&["¶后记"]]),
            ]
        );
        let Block::Table(grid) = &document.blocks[1] else {
            panic!("a table")
        };
        assert_eq!(grid.location.line, Some(2));
        assert_eq!(grid.location.line_end, Some(7));
        let lines: Vec<_> = grid.cells().iter().map(|cell| cell.source.line).collect();
        assert_eq!(lines, [Some(2), Some(3), Some(5), Some(6)]);
        let Block::Paragraph(after) = &document.blocks[2] else {
            panic!("a paragraph")
        };
        assert_eq!(after.source.line, Some(10));
    }

    #[test]
    fn two_blank_lines_then_a_cell_continue_the_table() {
        let text = "\t绩效目标\n\t目标\n\n\n\t一级指标\n\t二级指标\n";
        assert_eq!(
            blocks(&read(text)),
            vec![rows(&[&["绩效目标", "目标"], &["一级指标", "二级指标"]])]
        );
    }

    #[test]
    fn empty_cells_keep_their_position() {
        let text = "\t一级指标\n\t二级指标\n\t三级指标\n\n\t\n\t质量指标\n\t合格率\n";
        let document = read(text);
        assert_eq!(
            blocks(&document),
            vec![rows(&[
                &["一级指标", "二级指标", "三级指标"],
                &["", "质量指标", "合格率"]
            ])]
        );
    }

    const INDICATORS: &str = "\t一级指标\n\t二级指标\n\t三级指标\n\t指标值\n\n";

    #[test]
    fn a_row_split_by_an_empty_paragraph_is_rejoined() {
        let text = format!(
            "{INDICATORS}\t产出指标\n\n\t数量指标\n\t信息化建设\n\t≤100优\n\n\
             \t\n\t质量指标\n\t业务保障能力\n\t≤100优\n"
        );
        let document = read(&text);
        assert_eq!(
            blocks(&document),
            vec![rows(&[
                &["一级指标", "二级指标", "三级指标", "指标值"],
                &["产出指标", "数量指标", "信息化建设", "≤100优"],
                &["", "质量指标", "业务保障能力", "≤100优"],
            ])]
        );
        let rejoined: Vec<_> = document
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == "rejoined_row")
            .collect();
        assert_eq!(rejoined.len(), 1);
        assert!(
            rejoined[0].message.contains("lines 6–10"),
            "{}",
            rejoined[0].message
        );
        let location = rejoined[0].location.as_ref().expect("located");
        assert_eq!((location.line, location.line_end), (Some(6), Some(10)));
        assert_eq!(location.row, Some(1));
    }

    #[test]
    fn a_split_last_row_is_rejoined_at_the_end_of_the_table() {
        let text = format!(
            "{INDICATORS}\t满意度指标\n\t服务对象满意度指标\n\t事故调查处理满意度\n\n\t≤100优\n\n\n后记\n"
        );
        assert_eq!(
            blocks(&read(&text)),
            vec![
                rows(&[
                    &["一级指标", "二级指标", "三级指标", "指标值"],
                    &[
                        "满意度指标",
                        "服务对象满意度指标",
                        "事故调查处理满意度",
                        "≤100优"
                    ],
                ]),
                rows(&[&["¶后记"]]),
            ]
        );
    }

    #[test]
    fn consecutive_split_rows_are_both_rejoined() {
        let text = format!(
            "{INDICATORS}\t产出指标\n\n\t数量指标\n\t甲\n\t1\n\n\t效益指标\n\n\t社会效益\n\t乙\n\t2\n\n\
             \t\n\t生态效益\n\t丙\n\t3\n"
        );
        let document = read(&text);
        assert_eq!(
            blocks(&document)[0],
            rows(&[
                &["一级指标", "二级指标", "三级指标", "指标值"],
                &["产出指标", "数量指标", "甲", "1"],
                &["效益指标", "社会效益", "乙", "2"],
                &["", "生态效益", "丙", "3"],
            ])
        );
        let count = document
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == "rejoined_row")
            .count();
        assert_eq!(count, 2);
    }

    #[test]
    fn budget_rows_that_add_up_by_chance_are_not_joined() {
        // The shape of every table in the seeds: 7-cell 预算规模 row, then a 2-cell row and
        // the 5-cell 资金支出计划 row (2 + 5 = 7), a 5-cell data row, the 2-cell 绩效目标 row
        // (5 + 2 = 7 again) and 6-cell indicator rows.
        let text = "\t预算规模及资金用途\n\t预算数\n\t2.60\n\t其中：财政资金\n\t2.60\n\t其他资金\n\t\n\n\
                    \t\n\t认真学习。\n\n\
                    \t资金支出计划（%）\n\t3月底\n\t6月底\n\t10月底\n\t12月底\n\n\
                    \t\n\t\n\t0.40\n\t0.70\n\t1.00\n\n\
                    \t绩效目标\n\t1、用于信息化建设\n\n\n\
                    \t一级指标\n\t二级指标\n\t三级指标\n\t绩效指标描述\n\t指标值\n\t指标值确定依据\n\n\
                    \t产出指标\n\t数量指标\n\t信息化建设\n\t保障工作正常运行\n\t≤100优\n\t三定方案\n";
        let document = read(text);
        let widths: Vec<usize> = match &document.blocks[0] {
            Block::Table(grid) => (0..grid.rows())
                .map(|row| grid.row_cells(row).len())
                .collect(),
            Block::Paragraph(_) => panic!("a table"),
        };
        assert_eq!(widths, [7, 2, 5, 5, 2, 6, 6]);
        assert!(
            document
                .diagnostics
                .iter()
                .all(|diagnostic| diagnostic.code != "rejoined_row")
        );
    }

    #[test]
    fn rows_two_blank_lines_apart_are_not_joined() {
        let text = format!("{INDICATORS}\t产出指标\n\n\n\t数量指标\n\t甲\n\t1\n");
        let widths: Vec<usize> = match &read(&text).blocks[0] {
            Block::Table(grid) => (0..grid.rows())
                .map(|row| grid.row_cells(row).len())
                .collect(),
            Block::Paragraph(_) => panic!("a table"),
        };
        assert_eq!(widths, [4, 1, 3]);
    }

    #[test]
    fn a_title_right_after_the_last_cell_ends_the_table() {
        let text = "\t满意度指标\n\t≤100优\n2、劳务派遣服务费绩效目标表\n\t项目编码\n\t930\n";
        assert_eq!(
            blocks(&read(text)),
            vec![
                rows(&[&["满意度指标", "≤100优"]]),
                rows(&[&["¶2、劳务派遣服务费绩效目标表"]]),
                rows(&[&["项目编码", "930"]]),
            ]
        );
        let debris =
            "\t满意度指标\n\t≤100优\n四、工作保障措施 TC 工作保障措施 \\f A \\l 1 \n正文\n";
        assert_eq!(
            blocks(&read(debris)),
            vec![
                rows(&[&["满意度指标", "≤100优"]]),
                rows(&[&["¶四、工作保障措施"]]),
                rows(&[&["¶正文"]]),
            ]
        );
    }

    #[test]
    fn one_blank_line_then_text_is_an_empty_paragraph_in_the_cell() {
        let text = "\t绩效目标\n\t1、第一段\n\n2、第二段\n\t下一格\n";
        assert_eq!(
            blocks(&read(text)),
            vec![rows(&[&["绩效目标", "1、第一段\n\n2、第二段", "下一格"]])]
        );
    }

    #[test]
    fn debris_only_lines_and_page_numbers_disappear() {
        let text = " TC 总体绩效目标 \\f A \\l 1 \n一、总体绩效目标\n\t甲\n\t乙\n\n\n- 2 -\n\n\t丙\n\t丁\n\n\n3\n";
        let document = read(text);
        assert_eq!(
            blocks(&document),
            vec![
                rows(&[&["¶一、总体绩效目标"]]),
                rows(&[&["甲", "乙"], &["丙", "丁"]]),
            ]
        );
        let removed: Vec<_> = document
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == "page_number_removed")
            .filter_map(|diagnostic| diagnostic.location.as_ref()?.line)
            .collect();
        assert_eq!(removed, [7, 13]);
    }

    #[test]
    fn html_and_checkboxes_in_cells() {
        let text = "\t项目属性\n\t<input type=\"checkbox\"/> 新增项目 <input checked=\"\" type=\"checkbox\"/> 延续项目\n\n\t说明\n\t<p>一、甲</p> <p>二、乙</p>\n";
        assert_eq!(
            blocks(&read(text)),
            vec![rows(&[
                &["项目属性", "☐新增项目 ☑延续项目"],
                &["说明", "一、甲\n二、乙"]
            ])]
        );
    }

    #[test]
    fn leading_full_width_spaces_of_paragraphs_are_trimmed() {
        let document = read("\u{3000}\u{3000}4、办公场所租赁费23.85万元\n");
        assert_eq!(
            blocks(&document),
            vec![rows(&[&["¶4、办公场所租赁费23.85万元"]])]
        );
    }
}
