//! Writes the web-copy fixtures (`make fixtures-web`, through `scripts/web-fixtures.sh`):
//!
//! - every seed text of the corpus in each text dialect that tables copied out of web pages
//!   come in: `fixtures/web/text/<dialect>/<stem>.txt`;
//! - every corpus HTML page saved the way a government site serves it (the form nested in
//!   layout tables, GBK, `border=0` tables with CSS borders, `&nbsp;` cells, page chrome
//!   around it): `fixtures/web/html/<stem>.html`.
//!
//! The seeds are read with jixiao's own text reader, whose grids are checked against the gold
//! by the tests, and written back out cell for cell; the tests then check that every dialect
//! reads back to the same gold.
//!
//! Usage: `cargo run --example web_fixtures -- SEEDS_DIR RENDERED_DIR OUT_DIR`

use std::fmt::Write as _;
use std::path::Path;

use jixiao_read::Limits;
use jixiao_read::grid::{Block, Document, Grid};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [seeds, rendered, out] = args.as_slice() else {
        return Err("usage: web_fixtures SEEDS_DIR RENDERED_DIR OUT_DIR".into());
    };
    let out = Path::new(out);
    let mut written = 0;
    for path in sorted_files(Path::new(seeds), "txt")? {
        let stem = stem(&path);
        let bytes = std::fs::read(&path)?;
        let document = jixiao_read::read(
            jixiao_read::Format::Text,
            &bytes,
            Some("txt"),
            &Limits::default(),
        )?;
        for (dialect, write) in DIALECTS {
            let dir = out.join("text").join(dialect);
            std::fs::create_dir_all(&dir)?;
            std::fs::write(dir.join(format!("{stem}.txt")), write(&document))?;
            written += 1;
        }
    }
    let html_dir = out.join("html");
    std::fs::create_dir_all(&html_dir)?;
    for path in sorted_files(Path::new(rendered), "html")? {
        let page = std::fs::read_to_string(&path)?;
        let saved = government_page(&page, &stem(&path));
        let (bytes, _, _) = encoding_rs::GBK.encode(&saved);
        std::fs::write(html_dir.join(format!("{}.html", stem(&path))), bytes)?;
        written += 1;
    }
    eprintln!("wrote {written} files under {}", out.display());
    Ok(())
}

type Writer = fn(&Document) -> String;

const DIALECTS: [(&str, Writer); 5] = [
    ("blank", blank_lines),
    ("pipe", pipe_lines),
    ("markdown", markdown),
    ("tsv", tsv_ragged),
    ("spaced", spaced),
];

fn sorted_files(dir: &Path, extension: &str) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    Ok(files)
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The rows of a grid as texts, every row as wide as the grid; a slot that a span covers, or
/// that no cell covers, is empty (plain text cannot state merges).
fn rows(grid: &Grid) -> Vec<Vec<String>> {
    (0..grid.rows())
        .map(|row| {
            (0..grid.cols())
                .map(|col| match grid.slot(row, col) {
                    Some(slot) if slot.is_origin => slot.cell.text.clone(),
                    _ => String::new(),
                })
                .collect()
        })
        .collect()
}

/// Paragraphs and rows in document order.
enum Piece {
    Paragraph(String),
    Table(Vec<Vec<String>>),
}

/// The document's paragraphs and tables, inside the page chrome a copy of a government page
/// keeps: breadcrumbs and the metadata block above, the attachment, QR-code and print links
/// below.
fn pieces(document: &Document) -> Vec<Piece> {
    let mut pieces: Vec<Piece> = texts(&["当前位置：首页 > 政务公开 > 财政资金 > 部门预算"]);
    pieces.push(Piece::Table(vec![
        cells(&[
            "索引号：",
            "11420100MB1234567X/2024-00158",
            "发布机构：",
            "区市场监督管理局",
        ]),
        cells(&["发布日期：", "2024-02-05", "有效性：", "有效"]),
        cells(&["文号：", "区市监发〔2024〕3号", "字号：", "[ 大 中 小 ]"]),
    ]));
    pieces.extend(document.blocks.iter().map(|block| match block {
        Block::Paragraph(paragraph) => Piece::Paragraph(one_line(&paragraph.text)),
        Block::Table(grid) => Piece::Table(rows(grid)),
    }));
    pieces.extend(texts(&[
        "附件：部门预算公开表.xls",
        "扫一扫在手机打开当前页",
        "【打印本页】【关闭窗口】",
    ]));
    pieces
}

fn texts(lines: &[&str]) -> Vec<Piece> {
    lines
        .iter()
        .map(|line| Piece::Paragraph(line.to_string()))
        .collect()
}

fn cells(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|text| text.to_string()).collect()
}

/// Whitespace runs as one space, on one line.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each line of a cell, whitespace runs as one space, empty lines dropped.
fn cell_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(one_line)
        .filter(|line| !line.is_empty())
        .collect()
}

/// One cell per line, a blank line between cells, two between rows; empty cells alternate
/// between `&nbsp;` and spaces, as different crawlers write them.
fn blank_lines(document: &Document) -> String {
    let mut out = String::new();
    let mut empty = 0usize;
    for piece in pieces(document) {
        match piece {
            Piece::Paragraph(text) => {
                let _ = write!(out, "{text}\n\n\n");
            }
            Piece::Table(rows) => {
                for row in rows {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|cell| {
                            let lines = cell_lines(cell);
                            if lines.is_empty() {
                                empty += 1;
                                let blank = if empty.is_multiple_of(2) {
                                    "  "
                                } else {
                                    "&nbsp;"
                                };
                                blank.to_string()
                            } else {
                                lines.join("\n")
                            }
                        })
                        .collect();
                    let _ = write!(out, "{}\n\n\n", cells.join("\n\n"));
                }
            }
        }
    }
    out
}

/// Each row: a line `|`, a line `text |` per present cell (a bare `|` when empty), and when
/// the row lacks leading cells (merged from above) a padding line of one pipe more than it
/// lacks.
fn pipe_lines(document: &Document) -> String {
    let mut out = String::new();
    for piece in pieces(document) {
        match piece {
            Piece::Paragraph(text) => {
                let _ = writeln!(out, "{text}");
            }
            Piece::Table(rows) => {
                for row in rows {
                    let absent = row.iter().take_while(|cell| cell.trim().is_empty()).count();
                    out.push_str("|\n");
                    for cell in &row[absent..] {
                        let text = one_line(cell);
                        if text.is_empty() {
                            out.push_str("|\n");
                        } else {
                            let _ = writeln!(out, "{text} |");
                        }
                    }
                    if absent > 0 {
                        let _ = writeln!(out, "{}", "|".repeat(absent + 1));
                    }
                }
            }
        }
    }
    out
}

/// Markdown pipe tables: the first row as header, a rule under it; merged cells empty.
fn markdown(document: &Document) -> String {
    let mut out = String::new();
    for piece in pieces(document) {
        match piece {
            Piece::Paragraph(text) => {
                let _ = write!(out, "{text}\n\n");
            }
            Piece::Table(rows) => {
                for (index, row) in rows.iter().enumerate() {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|cell| cell_lines(cell).join("<br>").replace('|', "\\|"))
                        .collect();
                    let _ = writeln!(out, "| {} |", cells.join(" | "));
                    if index == 0 {
                        let _ = writeln!(out, "|{}", "---|".repeat(row.len()));
                    }
                }
                out.push('\n');
            }
        }
    }
    out
}

/// Tab-separated rows whose trailing empty cells are cut, so that rows end raggedly.
fn tsv_ragged(document: &Document) -> String {
    let mut out = String::new();
    for piece in pieces(document) {
        match piece {
            Piece::Paragraph(text) => {
                let _ = writeln!(out, "{text}");
            }
            Piece::Table(rows) => {
                for row in rows {
                    let cells: Vec<String> = row.iter().map(|cell| one_line(cell)).collect();
                    let used = cells
                        .iter()
                        .rposition(|cell| !cell.is_empty())
                        .map_or(0, |last| last + 1);
                    // A row needs one tab to read as a row: keep an empty second cell if need be.
                    let used = used.max(2);
                    let _ = writeln!(out, "{}", cells[..used.min(cells.len())].join("\t"));
                }
            }
        }
    }
    out
}

/// Display width: two for CJK and full-width characters (as the space-aligned reader counts).
fn width(text: &str) -> usize {
    text.chars().map(jixiao_read::grid::char_width).sum()
}

/// Columns padded with spaces to a common start, two spaces apart; a cell of several lines is
/// joined into one; a blank line before and after each table; rows with no text are left out.
fn spaced(document: &Document) -> String {
    let mut out = String::new();
    for piece in pieces(document) {
        match piece {
            Piece::Paragraph(text) => {
                let _ = writeln!(out, "{text}");
            }
            Piece::Table(rows) => {
                let rows: Vec<Vec<String>> = rows
                    .iter()
                    .map(|row| row.iter().map(|cell| one_line(cell)).collect::<Vec<_>>())
                    .filter(|row| row.iter().any(|cell| !cell.is_empty()))
                    .collect();
                let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
                let widths: Vec<usize> = (0..columns)
                    .map(|col| {
                        rows.iter()
                            .filter_map(|row| row.get(col))
                            .map(|cell| width(cell))
                            .max()
                            .unwrap_or(0)
                            .max(1)
                    })
                    .collect();
                out.push('\n');
                for row in rows {
                    let mut line = String::new();
                    for (col, cell) in row.iter().enumerate() {
                        line.push_str(cell);
                        line.push_str(&" ".repeat(widths[col] - width(cell) + 2));
                    }
                    let _ = writeln!(out, "{}", line.trim_end());
                }
                out.push('\n');
            }
        }
    }
    out
}

/// The page as a government site serves it: breadcrumbs and a metadata table (索引号, 发布机构,
/// 发布日期…) above, the content in a cell of nested layout tables, the forms as `border=0`
/// tables with CSS borders and `&nbsp;` in empty cells, a QR-code line, an attachment, and
/// 打印本页 / 关闭窗口 below; GBK declared in `<meta http-equiv>`.
fn government_page(page: &str, stem: &str) -> String {
    let body_start = page.find("<body>").map_or(0, |at| at + "<body>".len());
    let body_end = page.rfind("</body>").unwrap_or(page.len());
    let content = page[body_start..body_end]
        .replace(
            "<table border=\"1\" cellspacing=\"0\" cellpadding=\"3\">",
            "<table class=\"MsoNormalTable\" border=\"0\" cellspacing=\"0\" cellpadding=\"0\" \
             width=\"100%\" style=\"border-collapse:collapse\">",
        )
        .replace("<td></td>", "<td>&nbsp;</td>")
        .replace("<p></p>", "<p>&nbsp;</p>");
    format!(
        r#"<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{stem}_部门预算公开</title>
<style type="text/css">
.MsoNormalTable td {{ border: 1px solid #000000; padding: 2px 4px; }}
.bread a {{ color: #333; }}
</style>
<script type="text/javascript">var _hmt = _hmt || []; /* 统计代码 */</script>
</head>
<body>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td class="bread">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/zwgk/czzj/">财政资金</a> &gt; 部门预算</td></tr>
  <tr><td>
    <table width="100%" border="0" cellpadding="0" cellspacing="0" class="xxgk">
      <tr><td>索引号：</td><td>11420100MB1234567X/2024-00158</td><td>发布机构：</td><td>区市场监督管理局</td></tr>
      <tr><td>发布日期：</td><td>2024-02-05</td><td>有效性：</td><td>有效</td></tr>
      <tr><td>文号：</td><td>区市监发〔2024〕3号</td><td>字号：</td><td>[ 大 中 小 ]</td></tr>
    </table>
  </td></tr>
  <tr><td>
    <table width="100%" border="0" cellpadding="0" cellspacing="0">
      <tr><td align="center"><div id="zoom">
{content}
      </div></td></tr>
      <tr><td><p>附件：<a href="/u/cms/{stem}.xls">{stem}.xls</a></p></td></tr>
    </table>
  </td></tr>
  <tr><td><div class="qr">扫一扫在手机打开当前页</div></td></tr>
  <tr><td align="right"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></td></tr>
</table>
</body>
</html>
"#
    )
}
