//! Unit tests on small packages made here: literal `document.xml` for the odd constructs
//! (zipped with the `zip` crate) and one document written by docx-rs.

use std::io::{Cursor, Write};

use jixiao_grid::{Block, Document, Grid};

use crate::Limits;

const TRANSITIONAL: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const STRICT: &str = "http://purl.oclc.org/ooxml/wordprocessingml/main";

/// A zip package with the given parts.
fn package(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    {
        let mut writer = zip::ZipWriter::new(&mut out);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            writer.start_file(*name, options).expect("start");
            writer.write_all(data).expect("write");
        }
        writer.finish().expect("finish");
    }
    out.into_inner()
}

/// A document.xml around `body`, with the namespaces Word declares.
fn document_xml(namespace: &str, body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="{namespace}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><w:body>{body}</w:body></w:document>"#
    )
}

/// A docx whose body is `body`, without relationship parts (which must not matter).
fn docx(body: &str) -> Vec<u8> {
    package(&[(
        "word/document.xml",
        document_xml(TRANSITIONAL, body).as_bytes(),
    )])
}

fn read_body(body: &str) -> Document {
    crate::read_default(crate::Format::Docx, &docx(body)).expect("readable")
}

/// A paragraph with one run of text.
fn p(text: &str) -> String {
    format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
}

/// A cell with properties `props` and content `content`.
fn tc(props: &str, content: &str) -> String {
    format!("<w:tc><w:tcPr>{props}</w:tcPr>{content}</w:tc>")
}

fn table(columns: usize, rows: &[String]) -> String {
    let grid: String = (0..columns).map(|_| r#"<w:gridCol w:w="1000"/>"#).collect();
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"1.5in\" w:type=\"dxa\"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>{}</w:tbl>",
        rows.concat()
    )
}

fn tr(cells: &[String]) -> String {
    format!("<w:tr>{}</w:tr>", cells.concat())
}

fn grids(document: &Document) -> Vec<&Grid> {
    document.grids().collect()
}

/// Every cell as (row, col, row_span, col_span, text).
fn cells(grid: &Grid) -> Vec<(usize, usize, usize, usize, &str)> {
    grid.cells()
        .iter()
        .map(|cell| {
            (
                cell.row,
                cell.col,
                cell.row_span,
                cell.col_span,
                cell.text.as_str(),
            )
        })
        .collect()
}

fn codes(document: &Document) -> Vec<&'static str> {
    document.diagnostics.iter().map(|d| d.code).collect()
}

/// The text of the only cell of the only table in `body`.
fn single_cell_text(content: &str) -> String {
    let document = read_body(&table(1, &[tr(&[tc("", content)])]));
    let grids = grids(&document);
    assert_eq!(grids.len(), 1);
    grids[0].cells()[0].text.clone()
}

#[test]
fn grid_span_and_vertical_merges_restart_continue_and_bare() {
    let restart = r#"<w:vMerge w:val="restart"/>"#;
    let body = table(
        4,
        &[
            tr(&[
                tc(restart, &p("产出指标")),
                tc("", &p("数量指标")),
                tc(r#"<w:gridSpan w:val="2"/>"#, &p("≥1145批次")),
            ]),
            tr(&[
                tc("<w:vMerge/>", "<w:p/>"),
                tc("", &p("质量指标")),
                tc("", &p("a")),
                tc("", &p("b")),
            ]),
            tr(&[
                tc(r#"<w:vMerge w:val="continue"/>"#, "<w:p/>"),
                tc("", &p("时效指标")),
                tc(r#"<w:gridSpan w:val="2"/>"#, &p("c")),
            ]),
        ],
    );
    let document = read_body(&body);
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
    let grid = grids(&document)[0];
    assert_eq!((grid.rows(), grid.cols()), (3, 4));
    assert_eq!(
        cells(grid),
        [
            (0, 0, 3, 1, "产出指标"),
            (0, 1, 1, 1, "数量指标"),
            (0, 2, 1, 2, "≥1145批次"),
            (1, 1, 1, 1, "质量指标"),
            (1, 2, 1, 1, "a"),
            (1, 3, 1, 1, "b"),
            (2, 1, 1, 1, "时效指标"),
            (2, 2, 1, 2, "c"),
        ]
    );
}

#[test]
fn grid_before_and_after_place_cells_by_grid_column() {
    // The second row starts one grid column in and ends one early: its first cell is the
    // continuation of the merge in grid column 1, although it is the row's first cell.
    let body = table(
        3,
        &[
            tr(&[
                tc("", &p("x")),
                tc(r#"<w:vMerge w:val="restart"/>"#, &p("一级")),
                tc("", &p("y")),
            ]),
            format!(
                "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/><w:gridAfter w:val=\"1\"/></w:trPr>{}</w:tr>",
                tc("<w:vMerge/>", "")
            ),
            format!(
                "<w:tr><w:trPr><w:gridBefore w:val=\"2\"/></w:trPr>{}</w:tr>",
                tc("", &p("z"))
            ),
        ],
    );
    let document = read_body(&body);
    let grid = grids(&document)[0];
    assert_eq!(
        cells(grid),
        [
            (0, 0, 1, 1, "x"),
            (0, 1, 2, 1, "一级"),
            (0, 2, 1, 1, "y"),
            (2, 2, 1, 1, "z"),
        ]
    );
    assert!(grid.slot(1, 0).is_none());
}

#[test]
fn old_horizontal_merge_joins_cells_of_a_row() {
    let body = table(
        3,
        &[
            tr(&[
                tc(r#"<w:hMerge w:val="restart"/>"#, &p("项目名称")),
                tc("<w:hMerge/>", ""),
                tc("", &p("z")),
            ]),
            tr(&[tc("", &p("a")), tc("", &p("b")), tc("", &p("c"))]),
        ],
    );
    let document = read_body(&body);
    assert_eq!(
        cells(grids(&document)[0])[..2],
        [(0, 0, 1, 2, "项目名称"), (0, 2, 1, 1, "z")]
    );
}

#[test]
fn continuation_without_origin_is_an_empty_cell_with_a_diagnostic() {
    let body = table(
        2,
        &[
            tr(&[tc("", &p("a")), tc("", &p("b"))]),
            tr(&[tc("<w:vMerge/>", ""), tc("", &p("c"))]),
        ],
    );
    let document = read_body(&body);
    let grid = grids(&document)[0];
    assert_eq!(
        cells(grid),
        [
            (0, 0, 1, 1, "a"),
            (0, 1, 1, 1, "b"),
            (1, 0, 1, 1, ""),
            (1, 1, 1, 1, "c"),
        ]
    );
    assert_eq!(codes(&document), ["merge_without_origin"]);
    let location = document.diagnostics[0].location.as_ref().expect("located");
    assert_eq!(
        (location.grid, location.row, location.col),
        (Some(0), Some(1), Some(0))
    );
    assert!(!document.diagnostics[0].lost);
}

#[test]
fn grid_span_wider_than_the_grid_is_cut_with_a_diagnostic() {
    let body = table(
        3,
        &[
            tr(&[
                tc("", &p("a")),
                tc(r#"<w:gridSpan w:val="99999999"/>"#, &p("wide")),
            ]),
            tr(&[tc("", &p("b")), tc("", &p("c")), tc("", &p("d"))]),
        ],
    );
    let document = read_body(&body);
    let grid = grids(&document)[0];
    assert_eq!(grid.cols(), 3);
    assert_eq!(cells(grid)[1], (0, 1, 1, 2, "wide"));
    assert_eq!(codes(&document), ["span_clamped"]);
}

#[test]
fn rows_with_fewer_cells_and_absurd_grid_before_do_not_break_the_grid() {
    let body = table(
        3,
        &[
            tr(&[tc("", &p("a")), tc("", &p("b")), tc("", &p("c"))]),
            tr(&[tc("", &p("short"))]),
            format!(
                "<w:tr><w:trPr><w:gridBefore w:val=\"4294967296\"/></w:trPr>{}</w:tr>",
                tc("", &p("far"))
            ),
        ],
    );
    let document = read_body(&body);
    let grid = grids(&document)[0];
    assert_eq!(grid.row_cells(1).len(), 1);
    assert!(grid.slot(1, 1).is_none());
    // The cell past the column cap is dropped, and says so; nothing is allocated for it.
    assert!(grid.cols() <= super::table::MAX_COLUMNS);
    assert_eq!(codes(&document), ["cell_dropped"]);
    assert!(document.diagnostics[0].lost);
}

#[test]
fn empty_tables_are_skipped_with_a_diagnostic() {
    let body = format!(
        "{}<w:tbl/><w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr/></w:tbl>{}{}",
        p("before"),
        table(1, &[tr(&[tc("", &p("kept"))])]),
        p("after")
    );
    let document = read_body(&body);
    assert_eq!(codes(&document), ["empty_table", "empty_table"]);
    let grids = grids(&document);
    assert_eq!(grids.len(), 1);
    assert_eq!(grids[0].location.grid, Some(0));
    assert_eq!(grids[0].cells()[0].text, "kept");
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["before", "after"]
    );
}

#[test]
fn nested_table_stays_in_its_cell_and_follows_as_a_grid() {
    let inner = table(
        2,
        &[
            tr(&[tc("", &p("3月底")), tc("", &p("25%"))]),
            tr(&[tc("", &p("6月底")), tc("", &p("50%"))]),
        ],
    );
    let body = format!(
        "{}{}{}",
        p("1、项目绩效目标表"),
        table(
            2,
            &[tr(&[
                tc("", &p("资金支出计划")),
                tc("", &format!("{}{inner}", p("计划"))),
            ])]
        ),
        table(1, &[tr(&[tc("", &p("next"))])]),
    );
    let document = read_body(&body);
    let grids = grids(&document);
    assert_eq!(grids.len(), 3);
    assert_eq!(
        grids[0].cells()[1].text,
        "计划\n3月底 25%\n6月底 50%",
        "the outer cell keeps the inner table's text"
    );
    assert_eq!(
        cells(grids[1]),
        [
            (0, 0, 1, 1, "3月底"),
            (0, 1, 1, 1, "25%"),
            (1, 0, 1, 1, "6月底"),
            (1, 1, 1, 1, "50%"),
        ]
    );
    assert_eq!(grids[2].cells()[0].text, "next");
    let indexes: Vec<_> = grids.iter().map(|grid| grid.location.grid).collect();
    assert_eq!(indexes, [Some(0), Some(1), Some(2)]);
    // Blocks: title, outer, nested, next.
    assert!(matches!(document.blocks[0], Block::Paragraph(_)));
    assert_eq!(document.blocks.len(), 4);
}

#[test]
fn several_paragraphs_breaks_and_tabs_in_a_cell() {
    let content = concat!(
        "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>",
        "<w:r><w:t>第一段</w:t><w:tab/><w:t>续</w:t></w:r></w:p>",
        "<w:p/>",
        "<w:p><w:r><w:t xml:space=\"preserve\">第二段 </w:t><w:br/><w:t>换行</w:t><w:cr/><w:t>回车</w:t></w:r></w:p>",
    );
    assert_eq!(single_cell_text(content), "第一段 续\n第二段 \n换行\n回车");
}

#[test]
fn skipped_properties_with_nested_copies_or_comments_are_skipped_whole() {
    // A tracked paragraph-property change nests a second `w:pPr` (with a tab stop); a comment
    // in run properties holds a fake end tag. Neither may leak text or end the skip early.
    let content = concat!(
        "<w:p><w:pPr><w:jc w:val=\"left\"/><w:pPrChange w:id=\"1\"><w:pPr>",
        "<w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr></w:pPrChange>",
        "<w:rPr><w:b/></w:rPr></w:pPr>",
        "<w:r><w:rPr><!-- </w:rPr><w:t>leak</w:t> --><w:b/></w:rPr><w:t>甲</w:t></w:r>",
        "<w:r><w:rPr><w:rFonts w:ascii=\"宋体\"/></w:rPr><w:tab/><w:t>乙</w:t></w:r></w:p>",
    );
    let body = table(
        1,
        &[tr(&[tc(
            "<w:tcW w:w=\"1.5in\"/><w:tcBorders><w:top w:val=\"single\"/></w:tcBorders><w:vMerge w:val=\"restart\"/>",
            content,
        )])],
    );
    let document = read_body(&body);
    let cell = &grids(&document)[0].cells()[0];
    assert_eq!(cell.text, "甲 乙");
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

#[test]
fn wrappers_keep_their_text_and_deletions_are_dropped() {
    let content = concat!(
        "<w:p>",
        "<w:hyperlink r:id=\"rId1\" xmlns:r=\"r\"><w:r><w:t>链接</w:t></w:r></w:hyperlink>",
        "<w:sdt><w:sdtPr><w:alias w:val=\"x\"/></w:sdtPr><w:sdtContent><w:r><w:t>控件</w:t></w:r></w:sdtContent></w:sdt>",
        "<w:smartTag w:uri=\"u\" w:element=\"e\"><w:r><w:t>标记</w:t></w:r></w:smartTag>",
        "<w:customXml w:element=\"c\"><w:r><w:t>自定义</w:t></w:r></w:customXml>",
        "<w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>插入</w:t></w:r></w:ins>",
        "<w:del w:id=\"2\" w:author=\"a\"><w:r><w:delText>删除</w:delText></w:r></w:del>",
        "<w:moveFrom w:id=\"3\"><w:r><w:t>移走</w:t></w:r></w:moveFrom>",
        "<w:moveTo w:id=\"4\"><w:r><w:t>移来</w:t></w:r></w:moveTo>",
        "<w:fldSimple w:instr=\" PAGE \"><w:r><w:t>7</w:t></w:r></w:fldSimple>",
        "</w:p>",
    );
    assert_eq!(single_cell_text(content), "链接控件标记自定义插入移来7");
}

#[test]
fn complex_fields_keep_the_result_and_drop_the_instruction() {
    let body = concat!(
        "<w:p>",
        // A TC entry: instruction only, no result.
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
        "<w:r><w:instrText xml:space=\"preserve\"> TC \"1、办公场所租赁费\" \\l 1 </w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "<w:r><w:t>1、办公场所租赁费绩效目标表</w:t></w:r>",
        "</w:p><w:p>",
        // A field whose instruction holds a nested field; only the outer result shows.
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
        "<w:r><w:instrText>PAGEREF _Toc1 \\h </w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>",
        "<w:r><w:instrText>SEQ x</w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
        "<w:r><w:t>inner</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>",
        "<w:r><w:t>第3页</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
        "</w:p>",
    );
    let document = read_body(body);
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["1、办公场所租赁费绩效目标表", "第3页"]
    );
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

#[test]
fn field_left_open_in_a_cell_is_closed_at_the_cell_end() {
    let body = table(
        2,
        &[tr(&[
            tc(
                "",
                "<w:p><w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:t>hidden</w:t></w:r></w:p>",
            ),
            tc("", &p("visible")),
        ])],
    );
    let document = read_body(&body);
    assert_eq!(grids(&document)[0].cells()[1].text, "visible");
    assert_eq!(codes(&document), ["field_unterminated"]);
}

#[test]
fn alternate_content_takes_one_branch() {
    let content = concat!(
        "<w:p><w:r><mc:AlternateContent>",
        "<mc:Choice Requires=\"wps\"><w:drawing><wps:txbx><w:txbxContent>",
        "<w:p><w:r><w:t>框内文字</w:t></w:r></w:p>",
        "</w:txbxContent></wps:txbx></w:drawing></mc:Choice>",
        "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>",
        "</mc:AlternateContent></w:r></w:p>",
    );
    assert_eq!(single_cell_text(content), "框内文字");
}

#[test]
fn checkboxes_become_the_grid_glyphs() {
    let checkbox = |checked: &str| {
        format!(
            "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"{checked}\"/>\
             <w14:checkedState w14:val=\"2612\"/><w14:uncheckedState w14:val=\"2610\"/>\
             </w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>☐</w:t></w:r></w:sdtContent></w:sdt>"
        )
    };
    let form_field = |checked: &str| {
        format!(
            "<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:checkBox><w:sizeAuto/>\
             <w:default w:val=\"0\"/>{checked}</w:checkBox></w:ffData></w:fldChar></w:r>\
             <w:r><w:instrText> FORMCHECKBOX </w:instrText></w:r>\
             <w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
        )
    };
    let content = format!(
        "<w:p>{}<w:r><w:t>新增项目</w:t></w:r>{}<w:r><w:t>延续项目</w:t></w:r></w:p>\
         <w:p>{}<w:r><w:t>是</w:t></w:r>{}<w:r><w:t>否</w:t></w:r></w:p>\
         <w:p><w:r><w:t>☒甲</w:t><w:sym w:font=\"Wingdings\" w:char=\"F0A8\"/><w:t>乙</w:t>\
         <w:sym w:font=\"Wingdings 2\" w:char=\"F052\"/><w:t>丙</w:t></w:r></w:p>",
        checkbox("0"),
        checkbox("1"),
        form_field("<w:checked/>"),
        form_field(""),
    );
    assert_eq!(
        single_cell_text(&content),
        "☐新增项目☑延续项目\n☑是☐否\n☑甲☐乙☑丙"
    );
}

#[test]
fn placeholder_text_of_an_empty_content_control_is_left_out() {
    let content = concat!(
        "<w:p><w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr>",
        "<w:sdtContent><w:r><w:t>单击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt></w:p>",
    );
    assert_eq!(single_cell_text(content), "");
}

#[test]
fn tracked_row_deletion_drops_the_row() {
    let body = table(
        2,
        &[
            tr(&[
                tc(r#"<w:vMerge w:val="restart"/>"#, &p("一级")),
                tc("", &p("a")),
            ]),
            format!(
                "<w:tr><w:trPr><w:del w:id=\"1\" w:author=\"a\"/></w:trPr>{}{}</w:tr>",
                tc("<w:vMerge/>", ""),
                tc(
                    "",
                    "<w:p><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>"
                )
            ),
            tr(&[tc("<w:vMerge/>", ""), tc("", &p("b"))]),
        ],
    );
    let document = read_body(&body);
    let grid = grids(&document)[0];
    assert_eq!(
        cells(grid),
        [(0, 0, 2, 1, "一级"), (0, 1, 1, 1, "a"), (1, 1, 1, 1, "b")]
    );
    assert!(
        document.diagnostics.is_empty(),
        "{:?}",
        document.diagnostics
    );
}

#[test]
fn strict_namespace_documents_read_alike() {
    let body = format!(
        "{}{}",
        p("标题"),
        table(
            2,
            &[
                tr(&[
                    tc(r#"<w:vMerge w:val="restart"/>"#, &p("产出指标")),
                    tc("", &p("a"))
                ]),
                tr(&[tc("<w:vMerge/>", ""), tc("", &p("b"))]),
            ]
        )
    );
    let bytes = package(&[("word/document.xml", document_xml(STRICT, &body).as_bytes())]);
    let document = crate::read_default(crate::Format::Docx, &bytes).expect("strict");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["标题"]);
    assert_eq!(grids(&document)[0].cells()[0].row_span, 2);
}

#[test]
fn entity_and_character_references_are_resolved() {
    let document = read_body(&p("&lt;1&gt; &amp; &quot;x&apos; &#8805;95 &#x2264;5"));
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["<1> & \"x' ≥95 ≤5"]
    );
    assert!(document.diagnostics.is_empty());
}

#[test]
fn billion_laughs_doctype_is_never_expanded() {
    let mut doctype = String::from("<!DOCTYPE w:document [<!ENTITY lol \"lol\">");
    doctype.push_str("<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">");
    for level in 2..=9 {
        let previous = format!("&lol{};", level - 1);
        doctype.push_str(&format!("<!ENTITY lol{level} \"{}\">", previous.repeat(10)));
    }
    doctype.push_str("]>");
    let xml = format!(
        "<?xml version=\"1.0\"?>{doctype}<w:document xmlns:w=\"{TRANSITIONAL}\"><w:body>\
         <w:p><w:r><w:t>前&lol9;后</w:t></w:r></w:p></w:body></w:document>"
    );
    let bytes = package(&[("word/document.xml", xml.as_bytes())]);
    let document = crate::read_default(crate::Format::Docx, &bytes).expect("read");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["前后"]);
    assert_eq!(codes(&document), ["entity_not_expanded"]);
    assert!(document.diagnostics[0].lost);
}

#[test]
fn deep_nesting_stops_with_too_large() {
    // Tables nested in cells, deeper than the limit allows.
    let depth = 40;
    let mut body = p("innermost");
    for _ in 0..depth {
        body = format!("<w:tbl><w:tr><w:tc>{body}</w:tc></w:tr></w:tbl>");
    }
    let limits = Limits {
        max_xml_depth: 64,
        ..Limits::default()
    };
    let error =
        crate::read(crate::Format::Docx, &docx(&body), None, &limits).expect_err("too deep");
    assert_eq!(error.code(), "too_large");
    assert!(error.to_string().contains("--max-depth"), "{error}");
    // Within the limit, every level is a grid of its own and the innermost text is kept.
    let limits = Limits {
        max_xml_depth: 256,
        ..Limits::default()
    };
    let document =
        crate::read(crate::Format::Docx, &docx(&body), None, &limits).expect("within the limit");
    assert_eq!(grids(&document).len(), depth);
    assert_eq!(grids(&document)[depth - 1].cells()[0].text, "innermost");

    // Plain element nesting (no tables) is bounded too.
    let deep = format!("{}{}", "<w:sdt>".repeat(10_000), "</w:sdt>".repeat(10_000));
    let error = crate::read_default(crate::Format::Docx, &docx(&deep)).expect_err("too deep");
    assert_eq!(error.code(), "too_large");
}

#[test]
fn damaged_packages_are_unreadable_with_clear_messages() {
    let bytes = docx(&p("x"));
    let error =
        crate::read_default(crate::Format::Docx, &bytes[..bytes.len() / 2]).expect_err("truncated");
    assert_eq!(error.code(), "unreadable");
    assert!(error.to_string().contains("truncated"), "{error}");

    let bytes = package(&[("word/styles.xml", b"<w:styles/>")]);
    let error = crate::read_default(crate::Format::Docx, &bytes).expect_err("no main part");
    assert_eq!(error.code(), "unreadable");
    assert!(error.to_string().contains("word/document.xml"), "{error}");

    let error = crate::read_default(crate::Format::Docx, b"not a zip at all").expect_err("not zip");
    assert_eq!(error.code(), "unreadable");
}

#[test]
fn xml_broken_midway_keeps_what_came_before() {
    let xml = format!(
        "<w:document xmlns:w=\"{TRANSITIONAL}\"><w:body>{}{}</w:bod></w:document>",
        p("标题"),
        table(1, &[tr(&[tc("", &p("a"))])])
    );
    let bytes = package(&[("word/document.xml", xml.as_bytes())]);
    let document = crate::read_default(crate::Format::Docx, &bytes).expect("partial");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["标题"]);
    assert_eq!(grids(&document).len(), 1);
    assert_eq!(codes(&document), ["xml_damaged"]);
    assert!(document.diagnostics[0].lost);

    let bytes = package(&[("word/document.xml", b"<w:document><<<")]);
    let error = crate::read_default(crate::Format::Docx, &bytes).expect_err("broken at once");
    assert_eq!(error.code(), "unreadable");
    assert!(error.to_string().contains("not well-formed"), "{error}");
}

#[test]
fn main_part_is_found_through_the_package_relationships() {
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
    let bytes = package(&[
        ("_rels/.rels", rels.as_bytes()),
        (
            "word/document2.xml",
            document_xml(TRANSITIONAL, &p("别处")).as_bytes(),
        ),
    ]);
    let document = crate::read_default(crate::Format::Docx, &bytes).expect("found");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["别处"]);
}

#[test]
fn utf16_and_invalid_utf8_parts_are_decoded() {
    let xml = document_xml(TRANSITIONAL, &p("二〇二四"));
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(xml.encode_utf16().flat_map(u16::to_le_bytes));
    let document = crate::read_default(
        crate::Format::Docx,
        &package(&[("word/document.xml", &utf16)]),
    )
    .expect("utf-16");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["二〇二四"]);

    let mut bad = document_xml(TRANSITIONAL, &p("好@坏")).into_bytes();
    let at = bad.iter().position(|&b| b == b'@').expect("marker");
    bad[at] = 0xFF;
    let document = crate::read_default(
        crate::Format::Docx,
        &package(&[("word/document.xml", &bad)]),
    )
    .expect("lossy");
    assert_eq!(document.paragraphs().collect::<Vec<_>>(), ["好\u{FFFD}坏"]);
    assert_eq!(codes(&document), ["invalid_text_bytes"]);
}

#[test]
fn too_many_cells_stop_with_too_large() {
    let rows: Vec<String> = (0..10)
        .map(|_| tr(&[tc("", &p("a")), tc("", &p("b"))]))
        .collect();
    let limits = Limits {
        max_cells: 15,
        ..Limits::default()
    };
    let error = crate::read(crate::Format::Docx, &docx(&table(2, &rows)), None, &limits)
        .expect_err("too many");
    assert_eq!(error.code(), "too_large");
    assert!(error.to_string().contains("--max-cells"), "{error}");
}

#[test]
fn docx_rs_merges_are_read() {
    use docx_rs::{Docx, Paragraph, Run, Table, TableCell, TableRow, VMergeType};
    let cell = |text: &str| {
        TableCell::new().add_paragraph(Paragraph::new().add_run(Run::new().add_text(text)))
    };
    let rows = vec![
        TableRow::new(vec![
            cell("一级指标"),
            cell("二级指标"),
            cell("指标值").grid_span(2),
        ]),
        TableRow::new(vec![
            cell("产出指标").vertical_merge(VMergeType::Restart),
            cell("数量指标"),
            cell("≥1145批次"),
            cell("x"),
        ]),
        TableRow::new(vec![
            TableCell::new().vertical_merge(VMergeType::Continue),
            cell("质量指标"),
            cell("≥95%"),
            cell("y"),
        ]),
    ];
    let mut out = Cursor::new(Vec::new());
    Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text("1、测试绩效目标表")))
        .add_table(Table::new(rows).set_grid(vec![1000, 1000, 1000, 1000]))
        .build()
        .pack(&mut out)
        .expect("pack");
    let document = crate::read_default(crate::Format::Docx, out.get_ref()).expect("read");
    assert_eq!(
        document.paragraphs().collect::<Vec<_>>(),
        ["1、测试绩效目标表"]
    );
    let grid = grids(&document)[0];
    assert_eq!(grid.slot(0, 2).expect("header").cell.col_span, 2);
    let merged = grid.slot(2, 0).expect("covered").cell;
    assert_eq!(
        (merged.text.as_str(), merged.row, merged.row_span),
        ("产出指标", 1, 2)
    );
    assert_eq!(grid.slot(2, 2).expect("value").cell.text, "≥95%");
}

/// `word/document.xml` of a real corpus document.
fn corpus_xml() -> Vec<u8> {
    let bytes = include_bytes!("../../../../fixtures/docx/000_5951d4f30969a9c2.docx");
    let mut archive = crate::archive::Archive::open(bytes, "Word document").expect("zip");
    archive
        .read("word/document.xml", &Limits::default())
        .expect("inflate")
        .expect("main part")
}

#[test]
fn real_document_cut_anywhere_reads_as_far_as_it_goes() {
    let xml = corpus_xml();
    let whole = crate::read_default(
        crate::Format::Docx,
        &package(&[("word/document.xml", &xml)]),
    )
    .expect("whole");
    let all_grids = whole.grids().count();
    let mut previous_grids = 0;
    for step in 1..64 {
        let mut cut = xml.len() * step / 64;
        while std::str::from_utf8(&xml[..cut]).is_err() {
            cut -= 1;
        }
        let bytes = package(&[("word/document.xml", &xml[..cut])]);
        let document = crate::read_default(crate::Format::Docx, &bytes)
            .unwrap_or_else(|error| panic!("cut at {cut}: {error}"));
        let lost: Vec<_> = document.diagnostics.iter().filter(|d| d.lost).collect();
        assert!(
            lost.iter()
                .any(|d| d.code == "xml_truncated" || d.code == "xml_damaged"),
            "cut at {cut}: {:?}",
            document.diagnostics
        );
        let grids = document.grids().count();
        assert!(
            grids >= previous_grids && grids <= all_grids,
            "cut at {cut}"
        );
        previous_grids = grids;
        assert!(
            document
                .paragraphs()
                .collect::<Vec<_>>()
                .contains(&"第一部分"),
            "cut at {cut}"
        );
    }
    assert!(previous_grids >= all_grids - 1);
}
