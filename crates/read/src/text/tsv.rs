//! The tab-separated dialect: one row per line, cells split by tabs.
//!
//! ```text
//! 南通市本级项目预算绩效目标表                 ← a paragraph (no tab)
//! 一级指标⇥二级指标⇥三级指标⇥指标值
//! 产出指标⇥数量指标⇥设备购置率⇥=100%
//! ⇥质量指标⇥设备采购合格率⇥=100%⇥             ← merged 一级指标: an empty first cell;
//!                                              ←   trailing tabs vary from row to row
//! 2                                            ← a page number: dropped, the table goes on
//! 效益指标⇥社会效益⇥…
//! ```
//!
//! Blank lines and page numbers between rows do not split a table; any other line without a
//! tab is a paragraph and ends it. Every cell is kept, trailing empty ones included, so that
//! positions hold.

use super::clean::clean;
use super::{CellDraft, RowDraft, Sink, line_number};
use crate::ReadError;
use crate::page_number::is_page_number;

/// Reads `text` in the tab-separated dialect into `sink`.
pub(crate) fn parse(text: &str, sink: &mut Sink<'_, '_>) -> Result<(), ReadError> {
    let mut table: Vec<RowDraft> = Vec::new();
    let mut blank = 0usize;
    for (index, raw) in text.split('\n').enumerate() {
        sink.check_time(index)?;
        let line = line_number(index);
        if raw.contains('\t') {
            // Count before collecting, so that a hostile line of millions of tabs stops at the
            // limit instead of allocating them all first.
            let tabs = raw.bytes().filter(|&byte| byte == b'\t').count();
            sink.count_cells(tabs + 1)?;
            let cells: Vec<CellDraft> = raw
                .split('\t')
                .map(|cell| CellDraft {
                    text: clean(cell).text.into_owned(),
                    line,
                })
                .collect();
            table.push(RowDraft {
                cells,
                first_line: line,
                last_line: line,
                blank_before: blank,
            });
            blank = 0;
            continue;
        }
        if raw.trim().is_empty() {
            blank += 1;
            continue;
        }
        if is_page_number(raw) {
            sink.page_debris(line, raw);
            continue;
        }
        let cleaned = clean(raw);
        if cleaned.text.trim().is_empty() {
            // Only field-code debris or markup: nothing to keep, and no reason to end a table.
            continue;
        }
        sink.table(std::mem::take(&mut table))?;
        sink.paragraph(line, &cleaned.text)?;
        blank = 0;
    }
    sink.table(table)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use jixiao_grid::{Block, Document};

    fn read(text: &str) -> Document {
        super::super::read_txt(text)
    }

    fn texts(document: &Document) -> Vec<String> {
        document
            .blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph(paragraph) => format!("¶{}", paragraph.text),
                Block::Table(grid) => (0..grid.rows())
                    .map(|row| {
                        grid.row_cells(row)
                            .iter()
                            .map(|cell| cell.text.as_str())
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect::<Vec<_>>()
                    .join(" / "),
            })
            .collect()
    }

    #[test]
    fn rows_cells_and_merged_cells_left_empty() {
        let text = "南通市本级项目预算绩效目标表\n\n2024年度\n\n\
                    一级指标\t二级指标\t三级指标\t指标值\n\
                    产出指标\t数量指标\t设备购置率\t=100%\n\
                    \t质量指标\t设备采购合格率\t=100%\t\n";
        let document = read(text);
        assert_eq!(
            texts(&document),
            [
                "¶南通市本级项目预算绩效目标表",
                "¶2024年度",
                "一级指标|二级指标|三级指标|指标值 / 产出指标|数量指标|设备购置率|=100% / |质量指标|设备采购合格率|=100%|",
            ]
        );
        let Block::Table(grid) = &document.blocks[2] else {
            panic!("a table")
        };
        // The trailing tab of the last row makes the grid five columns wide; the shorter rows
        // leave their fifth slot uncovered rather than invent cells.
        assert_eq!((grid.rows(), grid.cols()), (3, 5));
        assert!(grid.slot(0, 4).is_none());
        assert_eq!(grid.slot(2, 4).expect("a cell").cell.text, "");
        assert_eq!(
            (grid.location.line, grid.location.line_end),
            (Some(5), Some(7))
        );
        let cell = &grid.row_cells(2)[1];
        assert_eq!((cell.col, cell.text.as_str()), (1, "质量指标"));
        assert_eq!(cell.source.line, Some(7));
    }

    #[test]
    fn blank_lines_and_page_numbers_do_not_split_a_table() {
        let text = "甲\t乙\n\n丙\t丁\n- 3 -\n第 4 页\n3/10\n\n戊\t己\n";
        let document = read(text);
        assert_eq!(texts(&document), ["甲|乙 / 丙|丁 / 戊|己"]);
        let removed = document
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.code == "page_number_removed")
            .count();
        assert_eq!(removed, 3);
    }

    #[test]
    fn a_line_without_tabs_ends_the_table() {
        let text = "甲\t乙\n丙\t丁\n绩效指标\n产出指标\n戊\t己\n";
        assert_eq!(
            texts(&read(text)),
            ["甲|乙 / 丙|丁", "¶绩效指标", "¶产出指标", "戊|己"]
        );
    }

    #[test]
    fn rows_that_start_with_a_tab_are_rows_not_cells() {
        let text = "项目资金\t收入\t资金总额\n\t\t财政拨款\t3.5\n\t上年结转资金\n";
        assert_eq!(
            texts(&read(text)),
            ["项目资金|收入|资金总额 / ||财政拨款|3.5 / |上年结转资金"]
        );
    }

    #[test]
    fn html_checkboxes_and_comparisons_in_cells() {
        let text = "项目属性\t<input type=\"checkbox\"/> 新增项目 <input checked=\"\" type=\"checkbox\"/> 延续项目\t项目期限\n\
                    立项必要性\t<p>1、甲。</p> <p>2、乙。</p>\t\n\
                    满意度\t投诉率<0.5%\t&lt;5%\n";
        assert_eq!(
            texts(&read(text)),
            [
                "项目属性|☐新增项目 ☑延续项目|项目期限 / 立项必要性|1、甲。\n2、乙。| / 满意度|投诉率<0.5%|<5%"
            ]
        );
    }

    #[test]
    fn field_code_debris_in_a_title_is_removed() {
        let text = "1、办公场所租赁费绩效目标表 TC 10、办公场所租赁费绩效目标表 \\f C \\l 1 \n\
                    \x20TC 总体绩效目标 \\f A \\l 1 \n甲\t乙\n";
        assert_eq!(
            texts(&read(text)),
            ["¶1、办公场所租赁费绩效目标表", "甲|乙"]
        );
    }
}
