//! The HTML reader: literal pages for each rule of the table model, text and charset, and the
//! corpus pages of `fixtures/html`.

mod common;

use std::time::{Duration, Instant};

use common::read_fixture;
use encoding_rs::GBK;
use jixiao_read::grid::{Block, CHECKED, Document, Grid, UNCHECKED};
use jixiao_read::{Format, Limits, detect, read};

fn page(markup: &str) -> Document {
    jixiao_read::read(
        jixiao_read::Format::Html,
        markup.as_bytes(),
        None,
        &Limits::default(),
    )
    .expect("read")
}

fn grids(document: &Document) -> Vec<&Grid> {
    document.grids().collect()
}

/// `(row, col, row_span, col_span, text)` of every cell.
fn layout(grid: &Grid) -> Vec<(usize, usize, usize, usize, &str)> {
    grid.cells()
        .iter()
        .map(|c| (c.row, c.col, c.row_span, c.col_span, c.text.as_str()))
        .collect()
}

#[test]
fn rowspan_and_colspan_place_cells_like_a_browser() {
    let document = page(
        "<table>\
           <tr><th>一级指标</th><th>二级指标</th><th colspan=2>指标值</th></tr>\
           <tr><td rowspan=2>产出指标</td><td>数量指标</td><td>≥10</td><td>个</td></tr>\
           <tr><td>质量指标</td><td colspan=\"2\">100%</td></tr>\
         </table>",
    );
    let grid = grids(&document)[0];
    assert_eq!((grid.rows(), grid.cols()), (3, 4));
    assert_eq!(
        layout(grid),
        [
            (0, 0, 1, 1, "一级指标"),
            (0, 1, 1, 1, "二级指标"),
            (0, 2, 1, 2, "指标值"),
            (1, 0, 2, 1, "产出指标"),
            (1, 1, 1, 1, "数量指标"),
            (1, 2, 1, 1, "≥10"),
            (1, 3, 1, 1, "个"),
            (2, 1, 1, 1, "质量指标"),
            (2, 2, 1, 2, "100%"),
        ]
    );
    assert_eq!(grid.slot(2, 0).expect("covered").cell.text, "产出指标");
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
    assert_eq!(grid.location.grid, Some(0));
}

#[test]
fn spans_past_the_table_are_cut_and_absurd_ones_reported() {
    let document = page(
        "<table>\
           <tr><td rowspan=9>a</td><td colspan=5>b</td></tr>\
           <tr><td>c</td></tr>\
           <tr><td colspan=100000>d</td><td>e</td></tr>\
         </table>",
    );
    let grid = grids(&document)[0];
    // Three rows: `a`'s rowspan stops at the last row. The absurd colspan is cut to 1000 (as
    // browsers do), so `e` starts at column 1001.
    assert_eq!((grid.rows(), grid.cols()), (3, 1002));
    let a = grid.slot(0, 0).expect("a").cell;
    assert_eq!((a.row_span, a.col_span), (3, 1));
    assert_eq!(grid.slot(0, 1).expect("b").cell.col_span, 5);
    // Row 2: column 0 is covered by `a`, so `d` starts at column 1.
    let d = grid.slot(2, 1).expect("d").cell;
    assert_eq!((d.text.as_str(), d.col_span), ("d", 1000));
    assert_eq!(grid.slot(2, 1001).expect("e").cell.text, "e");
    let codes: Vec<_> = document.diagnostics.iter().map(|d| d.code).collect();
    assert_eq!(codes, ["span_clamped"], "{:?}", document.diagnostics);
}

#[test]
fn rowspan_zero_runs_to_the_end_of_its_row_group() {
    let document = page(
        "<table>\
           <tbody><tr><td rowspan=0>group one</td><td>1</td></tr>\
                  <tr><td>2</td></tr><tr><td>3</td></tr></tbody>\
           <tbody><tr><td>x</td><td>4</td></tr></tbody>\
         </table>",
    );
    let grid = grids(&document)[0];
    let first = grid.slot(0, 0).expect("first").cell;
    assert_eq!(first.row_span, 3);
    assert_eq!(grid.slot(3, 0).expect("second group").cell.text, "x");
    assert_eq!(grid.slot(2, 1).expect("3").cell.text, "3");
}

#[test]
fn missing_end_tags_are_repaired() {
    let document = page(
        "<table><tr><td>一级指标<td>二级指标<td>三级指标\
         <tr><td rowspan=2>产出指标<td>数量指标<td>面积\
         <tr><td>质量指标<td>合格率</table>",
    );
    let grid = grids(&document)[0];
    assert_eq!((grid.rows(), grid.cols()), (3, 3));
    assert_eq!(grid.slot(2, 1).expect("质量").cell.text, "质量指标");
    assert_eq!(grid.slot(2, 0).expect("covered").cell.text, "产出指标");
}

#[test]
fn nested_tables_keep_their_text_in_the_cell_and_follow_as_grids() {
    let document = page(
        "<table>\
           <tr><td>项目属性</td><td><table><tr><td>延续</td><td>新增</td></tr>\
               <tr><td>a</td><td><table><tr><td>deep</td></tr></table></td></tr></table></td></tr>\
           <tr><td>预算</td><td>10</td></tr>\
         </table>\
         <table><tr><td>second</td></tr></table>",
    );
    let all = grids(&document);
    assert_eq!(all.len(), 4);
    let outer = all[0];
    // The nested rows are not the outer table's rows.
    assert_eq!((outer.rows(), outer.cols()), (2, 2));
    assert_eq!(
        outer.slot(0, 1).expect("cell").cell.text,
        "延续 新增\na\ndeep"
    );
    assert_eq!(outer.slot(1, 1).expect("cell").cell.text, "10");
    // Then the nested table, then the one nested in it, then the next top-level table.
    assert_eq!(all[1].slot(0, 1).expect("nested").cell.text, "新增");
    assert_eq!(all[2].cells()[0].text, "deep");
    assert_eq!(all[3].cells()[0].text, "second");
    let indexes: Vec<_> = all.iter().map(|grid| grid.location.grid).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2), Some(3)]);
}

#[test]
fn a_saved_government_page_gives_its_form_without_layout_or_chrome() {
    let markup = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gbk\">\
        </head><body><table width=1000 border=0><tr><td>当前位置：首页 &gt; 政务公开 &gt; 部门预算</td></tr>\
        <tr><td><table border=0><tr><td>索引号：</td><td>1142/2024-00158</td><td>发布机构：</td><td>区局</td></tr>\
        <tr><td>发布日期：</td><td>2024-02-05</td><td>有效性：</td><td>有效</td></tr></table></td></tr>\
        <tr><td><table width=100% border=0><tr><td><p>1、办公设备购置绩效目标表</p>\
        <table border=0 style=\"border-collapse:collapse\"><tr><td>一级指标</td><td>二级指标</td><td>指标值</td></tr>\
        <tr><td rowspan=2>产出指标</td><td>数量指标</td><td>≥5台</td></tr><tr><td>质量指标</td><td>&nbsp;</td></tr></table>\
        </td></tr><tr><td>附件：绩效目标表.xls</td></tr></table></td></tr>\
        <tr><td>扫一扫在手机打开当前页</td></tr><tr><td>打印本页 关闭窗口</td></tr></table></body></html>";
    let (bytes, _, _) = GBK.encode(markup);
    let document = jixiao_read::read(jixiao_read::Format::Html, &bytes, None, &Limits::default())
        .expect("read");
    assert_eq!(document.encoding.as_deref(), Some("gb18030"));
    let all = grids(&document);
    assert_eq!(all.len(), 1, "{}", document.render());
    assert_eq!(all[0].rows(), 3);
    assert_eq!(all[0].slot(2, 0).expect("merged").cell.text, "产出指标");
    assert_eq!(all[0].slot(2, 2).expect("empty").cell.text, "");
    let paragraphs: Vec<&str> = document.paragraphs().collect();
    assert_eq!(paragraphs, ["1、办公设备购置绩效目标表"]);
    let dropped = document
        .diagnostics
        .iter()
        .filter(|d| d.code == "page_chrome_removed")
        .count();
    assert_eq!(dropped, 6, "{:?}", document.diagnostics);
}

#[test]
fn line_breaks_checkboxes_and_whitespace_inside_cells() {
    let document = page(
        "<table><tr>\
           <td>1、第一条<br>2、第二条<p>3、第三条</p><div>4、第四条</div></td>\
           <td><input type=checkbox checked>延续项目 <input type=\"checkbox\">新增项目</td>\
           <td>  a&nbsp;&nbsp;b \n\t c </td>\
           <td>一级\r\n指标</td>\
           <td><script>var x = 1;</script><style>td{}</style>≥95<!-- note -->%</td>\
         </tr></table>",
    );
    let grid = grids(&document)[0];
    let texts: Vec<&str> = grid.cells().iter().map(|cell| cell.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "1、第一条\n2、第二条\n3、第三条\n4、第四条",
            &format!("{CHECKED}延续项目 {UNCHECKED}新增项目")[..],
            "a  b c",
            "一级指标",
            "≥95%",
        ]
    );
}

#[test]
fn text_outside_tables_becomes_paragraphs_in_order() {
    let document = page(
        "<html><head><title>ignored</title><style>p{}</style></head><body>\
         <h1>2024年部门预算</h1>\
         <p>1、办公场所租赁费<br>绩效目标表</p>\
         <div>单位：万元</div>\
         <table><caption>表一</caption><tr><td>x</td></tr></table>\
         <p>   </p><p>附注</p><script>document.write('no')</script>\
         </body></html>",
    );
    let blocks: Vec<String> = document
        .blocks
        .iter()
        .map(|block| match block {
            Block::Paragraph(paragraph) => format!("¶{}", paragraph.text),
            Block::Table(grid) => format!("table {}", grid.cells()[0].text),
        })
        .collect();
    assert_eq!(
        blocks,
        [
            "¶2024年部门预算",
            "¶1、办公场所租赁费\n绩效目标表",
            "¶单位：万元",
            "¶表一",
            "table x",
            "¶附注",
        ]
    );
}

#[test]
fn tfoot_rows_come_last() {
    let document = page(
        "<table><tfoot><tr><td>合计</td></tr></tfoot>\
         <thead><tr><td>头</td></tr></thead><tbody><tr><td>体</td></tr></tbody></table>",
    );
    let texts: Vec<&str> = grids(&document)[0]
        .cells()
        .iter()
        .map(|cell| cell.text.as_str())
        .collect();
    assert_eq!(texts, ["头", "体", "合计"]);
}

#[test]
fn gb2312_pages_decode_through_their_meta_charset() {
    let markup = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; \
                  charset=gb2312\"></head><body><p>绩效目标表</p>\
                  <table><tr><td>产出指标</td><td>≥95%</td></tr></table></body></html>";
    let (bytes, _, unmappable) = GBK.encode(markup);
    assert!(!unmappable);
    let document = jixiao_read::read(jixiao_read::Format::Html, &bytes, None, &Limits::default())
        .expect("read");
    assert_eq!(document.encoding.as_deref(), Some("gb18030"));
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["绩效目标表"]);
    assert_eq!(grids(&document)[0].cells()[1].text, "≥95%");
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

#[test]
fn a_utf8_bom_wins_over_a_wrong_declaration() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend("<meta charset=gbk><table><tr><td>满意度指标</td></tr></table>".as_bytes());
    let document = jixiao_read::read(jixiao_read::Format::Html, &bytes, None, &Limits::default())
        .expect("read");
    assert_eq!(document.encoding.as_deref(), Some("utf-8"));
    assert_eq!(grids(&document)[0].cells()[0].text, "满意度指标");
}

#[test]
fn deep_nesting_fails_fast_with_too_large() {
    let deep = "<div>".repeat(20_000) + "x";
    let started = Instant::now();
    let error = jixiao_read::read(
        jixiao_read::Format::Html,
        deep.as_bytes(),
        None,
        &Limits::default(),
    )
    .expect_err("deep");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.code(), "too_large");
    assert!(error.to_string().contains("--max-depth"), "{error}");
    // Deep but under the limit reads.
    let fine = "<div>".repeat(100) + "x";
    assert_eq!(page(&fine).paragraphs().collect::<Vec<_>>(), ["x"]);
}

#[test]
fn html_saved_as_xls_is_read_as_html() {
    // What government systems export as "Excel": an HTML table named .xls, GBK-encoded.
    let markup = "<html xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><head>\
                  <meta http-equiv=Content-Type content=\"text/html; charset=gb2312\"></head>\
                  <body><table><tr><td rowspan=2>产出指标</td><td>数量指标</td></tr>\
                  <tr><td>质量指标</td></tr></table></body></html>";
    let (bytes, _, _) = GBK.encode(markup);
    let format = detect(&bytes, Some("xls"));
    assert_eq!(format, Format::Html);
    let document = read(format, &bytes, Some("xls"), &Limits::default()).expect("read");
    let grid = document.grids().next().expect("grid");
    assert_eq!(grid.slot(1, 0).expect("covered").cell.text, "产出指标");
}

#[test]
fn cell_limit_is_enforced() {
    let limits = Limits {
        max_cells: 5,
        ..Limits::default()
    };
    let error = jixiao_read::read(
        jixiao_read::Format::Html,
        b"<table><tr><td>1<td>2<td>3<tr><td>4<td>5<td>6</table>",
        None,
        &limits,
    )
    .expect_err("cells");
    assert!(error.to_string().contains("--max-cells"), "{error}");
    // Every cell running to the end of the table: each row's cell lands one column further
    // right, so the table grows as rows², and is refused while it is being placed.
    let hostile = format!("<table>{}</table>", "<tr><td rowspan=0>x".repeat(5000));
    let started = Instant::now();
    let error = jixiao_read::read(
        jixiao_read::Format::Html,
        hostile.as_bytes(),
        None,
        &Limits::default(),
    )
    .expect_err("hostile");
    assert_eq!(error.code(), "too_large");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn damaged_pages_never_panic() {
    let bytes = read_fixture("fixtures/html/003_f17e630e396b42a6.html");
    for cut in (1..bytes.len()).step_by(bytes.len() / 40) {
        // Cut anywhere, even inside a UTF-8 sequence: decoding replaces, parsing repairs.
        let document = jixiao_read::read(
            jixiao_read::Format::Html,
            &bytes[..cut],
            None,
            &Limits::default(),
        )
        .expect("read");
        for grid in document.grids() {
            for cell in grid.cells() {
                assert!(cell.row + cell.row_span <= grid.rows());
                assert!(cell.col + cell.col_span <= grid.cols());
            }
        }
    }
}
