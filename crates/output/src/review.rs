//! The review page of `jixiao review`: one self-contained HTML file (inline CSS and script, no
//! network) that shows, for every document, the grids as the reader saw them beside the tables
//! the normaliser extracted, each cell coloured by the role it got, each indicator linked to
//! the cells it was read from and each warning pinned to the cells it is about.
//!
//! The page is written as a stream: [`page_start`] once, [`document_section`] per document (on
//! the worker that extracted it), [`page_end`] once. A document's details are kept as the text
//! of an inert `<script type="text/x-jixiao-details">`, which the browser holds as one string
//! and turns into elements only when the document is opened, so that a page of a thousand
//! documents opens as fast as its index and does not hold a million cells in its DOM. Every text
//! from a document is escaped (`<` included), so no `</script` can end that element early.

use std::collections::HashMap;
use std::fmt::Write as _;

use jixiao_grid::{Document as GridDocument, Grid, Location as GridLocation};
use jixiao_normalize::{CellRole, RowRead};

use crate::types::{Document, Indicator, Location, Parsed, Table, Value, Warning};

/// Most grid cells drawn for one document; a larger document shows its first cells and says
/// how many were left out, so that one hostile file cannot make the page unusable.
pub const MAX_CELLS_DRAWN: usize = 20_000;

/// What the review page needs of a document beyond its output document: the reader's grids and,
/// per output table, the rows the normaliser read into it. `None` for a file that was not read.
#[derive(Debug, Default)]
pub struct Sources {
    pub grids: Vec<Grid>,
    /// `rows[t]`: the rows of table `t` (same order as `Document::tables`).
    pub rows: Vec<Vec<RowRead>>,
}

impl Sources {
    /// Keeps the grids of a reader's document (its paragraphs are not shown).
    pub fn new(document: GridDocument, rows: Vec<Vec<RowRead>>) -> Self {
        let grids = document
            .blocks
            .into_iter()
            .filter_map(|block| match block {
                jixiao_grid::Block::Table(grid) => Some(grid),
                jixiao_grid::Block::Paragraph(_) => None,
            })
            .collect();
        Sources { grids, rows }
    }
}

/// Escapes text for HTML content and attribute values.
fn escape(out: &mut String, text: &str) {
    // Most cells hold nothing to escape: copy them whole.
    if !text
        .bytes()
        .any(|byte| matches!(byte, b'&' | b'<' | b'>' | b'"' | b'\'' | b'\n'))
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
}

/// Escapes an attribute value (line breaks kept as spaces).
fn attr(out: &mut String, text: &str) {
    if !text
        .bytes()
        .any(|byte| matches!(byte, b'&' | b'<' | b'"' | b'\n' | b'\r' | b'\t'))
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// The head of the page: styles, the title and the index's controls.
pub fn page_start(title: &str) -> String {
    let mut out = String::with_capacity(8192);
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>");
    escape(&mut out, title);
    out.push_str("</title>\n<style>\n");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>");
    escape(&mut out, title);
    out.push_str("</h1>\n");
    out.push_str(CONTROLS);
    out.push_str("</header>\n<main id=\"docs\">\n");
    out
}

/// The end of the page: the totals, the legend and the script.
pub fn page_end(documents: usize) -> String {
    let mut out = String::with_capacity(8192);
    let _ = write!(
        out,
        "</main>\n<footer id=\"totals\" data-documents=\"{documents}\">{documents} documents</footer>\n<script>\n"
    );
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// One document: its index row, and its details as inert text until opened.
pub fn document_section(index: usize, document: &Document, sources: Option<&Sources>) -> String {
    let warnings: Vec<&Warning> = document
        .warnings
        .iter()
        .chain(document.tables.iter().flat_map(|table| &table.warnings))
        .collect();
    let mut codes: Vec<&str> = warnings
        .iter()
        .map(|warning| warning.code.as_str())
        .collect();
    if let Some(error) = &document.error {
        codes.push(error.code.name());
    }
    codes.sort_unstable();
    codes.dedup();
    let indicators = document.indicator_count();
    let status = document.status.name();

    let mut out = String::with_capacity(4096);
    let _ = write!(
        out,
        "<section class=\"doc\" id=\"d{index}\" data-index=\"{index}\" data-status=\"{status}\" \
         data-tables=\"{}\" data-indicators=\"{indicators}\" data-warnings=\"{}\" data-codes=\" ",
        document.tables.len(),
        warnings.len()
    );
    for code in &codes {
        attr(&mut out, code);
        out.push(' ');
    }
    out.push_str("\" data-path=\"");
    attr(&mut out, &document.source.path);
    out.push_str("\" data-names=\"");
    for table in &document.tables {
        if let Some(name) = &table.project.name {
            attr(&mut out, name);
            out.push(' ');
        }
    }
    let _ = write!(
        out,
        "\">\n<div class=\"row\"><span class=\"st {status}\">{status}</span><span class=\"path\">"
    );
    escape(&mut out, &document.source.path);
    if let Some(format) = document.source.format {
        let _ = write!(out, " <small>{}</small>", format.name());
    }
    let _ = write!(
        out,
        "</span><span class=\"n\">{}</span><span class=\"n\">{indicators}</span><span class=\"n\">{}</span></div>\n<script type=\"text/x-jixiao-details\">\n",
        document.tables.len(),
        warnings.len()
    );
    details(&mut out, index, document, sources);
    out.push_str("</script>\n</section>\n");
    out
}

/// The id of the element drawing a grid cell by its origin.
fn cell_id(out: &mut String, doc: usize, grid: usize, row: usize, col: usize) {
    let _ = write!(out, "c{doc}-{grid}-{row}-{col}");
}

/// The ids of the cells covering the slots of `row` in `grid`, or only slot `col` when given.
fn covering_ids(out: &mut String, doc: usize, grids: &[Grid], location: &Location) -> bool {
    let (Some(grid_index), Some(row)) = (location.grid, location.row) else {
        return false;
    };
    let Some(grid) = grids.get(grid_index as usize) else {
        return false;
    };
    let row = row as usize;
    let columns: Vec<usize> = match location.col {
        Some(col) => vec![col as usize],
        None => (0..grid.cols()).collect(),
    };
    let mut seen: Vec<usize> = Vec::new();
    let mut any = false;
    for col in columns {
        if let Some(slot) = grid.slot(row, col) {
            if seen.contains(&slot.index) {
                continue;
            }
            seen.push(slot.index);
            if any {
                out.push(' ');
            }
            cell_id(out, doc, grid_index as usize, slot.cell.row, slot.cell.col);
            any = true;
        }
    }
    any
}

fn details(out: &mut String, doc: usize, document: &Document, sources: Option<&Sources>) {
    out.push_str("<div class=\"details\">");
    if let Some(error) = &document.error {
        out.push_str("<p class=\"error\">");
        escape(out, error.code.name());
        out.push_str(": ");
        escape(out, &error.message);
        out.push_str("</p>");
    }
    let empty = Sources::default();
    let sources = sources.unwrap_or(&empty);
    // Which table each grid row was read into, and the role of each cell.
    let mut roles: HashMap<(usize, usize, usize), CellRole> = HashMap::new();
    let mut grid_tables: Vec<Vec<usize>> = vec![Vec::new(); sources.grids.len()];
    for (table, rows) in sources.rows.iter().enumerate() {
        for row in rows {
            for (col, role) in &row.cells {
                roles.insert((row.grid, row.row, *col), *role);
            }
            if let Some(tables) = grid_tables.get_mut(row.grid)
                && tables.last() != Some(&table)
            {
                tables.push(table);
            }
        }
    }
    // Each grid is drawn once: beside the first table read from it, or after the tables.
    let mut drawn = vec![false; sources.grids.len()];
    let mut budget = MAX_CELLS_DRAWN;
    for (table_index, table) in document.tables.iter().enumerate() {
        let _ = write!(
            out,
            "<div class=\"tbl\" id=\"d{doc}t{table_index}\"><h3>Table {table_index}"
        );
        if let Some(title) = &table.title {
            out.push_str(": ");
            escape(out, title);
        }
        let _ = write!(
            out,
            " <small>{}</small></h3><div class=\"pair\"><div class=\"src\">",
            table.kind.name()
        );
        for (grid_index, tables) in grid_tables.iter().enumerate() {
            if tables.first() == Some(&table_index) && !drawn[grid_index] {
                drawn[grid_index] = true;
                draw_grid(
                    out,
                    doc,
                    grid_index,
                    &sources.grids[grid_index],
                    &roles,
                    &mut budget,
                );
            } else if tables.contains(&table_index) {
                let _ = write!(
                    out,
                    "<p class=\"see\">grid {grid_index} is drawn beside the table <a href=\"#d{doc}t{}\" data-goto=\"d{doc}t{}\">it was first read into</a></p>",
                    tables[0], tables[0]
                );
            }
        }
        out.push_str("</div><div class=\"out\">");
        extracted(out, doc, table_index, table, &sources.grids);
        out.push_str("</div></div>");
        warning_list(out, doc, &table.warnings, &sources.grids);
        out.push_str("</div>");
    }
    if !document.warnings.is_empty() {
        out.push_str("<div class=\"tbl\"><h3>Document warnings</h3>");
        warning_list(out, doc, &document.warnings, &sources.grids);
        out.push_str("</div>");
    }
    let rest: Vec<usize> = (0..sources.grids.len())
        .filter(|index| !drawn[*index])
        .collect();
    if !rest.is_empty() {
        out.push_str("<details class=\"rest\"><summary>");
        let _ = write!(out, "{} grids read into no table</summary>", rest.len());
        for grid_index in rest {
            draw_grid(
                out,
                doc,
                grid_index,
                &sources.grids[grid_index],
                &roles,
                &mut budget,
            );
        }
        out.push_str("</details>");
    }
    out.push_str("</div>\n");
}

fn place(location: &GridLocation) -> String {
    let mut parts = Vec::new();
    if let Some(sheet) = &location.sheet {
        parts.push(format!("sheet {sheet}"));
    }
    match (location.page, location.page_end) {
        (Some(first), Some(last)) if last != first => parts.push(format!("pages {first}–{last}")),
        (Some(first), _) => parts.push(format!("page {first}")),
        _ => {}
    }
    match (location.line, location.line_end) {
        (Some(first), Some(last)) if last != first => parts.push(format!("lines {first}–{last}")),
        (Some(first), _) => parts.push(format!("line {first}")),
        _ => {}
    }
    parts.join(", ")
}

fn draw_grid(
    out: &mut String,
    doc: usize,
    grid_index: usize,
    grid: &Grid,
    roles: &HashMap<(usize, usize, usize), CellRole>,
    budget: &mut usize,
) {
    let _ = write!(
        out,
        "<h4>grid {grid_index} <small>{} rows × {} columns",
        grid.rows(),
        grid.cols()
    );
    let place = place(&grid.location);
    if !place.is_empty() {
        out.push_str(", ");
        escape(out, &place);
    }
    out.push_str("</small></h4>");
    let cells = grid.cells();
    let shown = cells.len().min(*budget);
    *budget -= shown;
    let _ = write!(out, "<table class=\"grid\" data-grid=\"{grid_index}\">");
    let mut row = usize::MAX;
    for cell in &cells[..shown] {
        if cell.row != row {
            if row != usize::MAX {
                out.push_str("</tr>");
            }
            // Rows with no cell of their own (all covered from above) still need a <tr>.
            let from = if row == usize::MAX { 0 } else { row + 1 };
            for _ in from..cell.row {
                out.push_str("<tr></tr>");
            }
            row = cell.row;
            let _ = write!(out, "<tr><th>{row}</th>");
        }
        let role = roles
            .get(&(grid_index, cell.row, cell.col))
            .map_or("none", |role| role.name());
        out.push_str("<td id=\"");
        cell_id(out, doc, grid_index, cell.row, cell.col);
        let _ = write!(out, "\" class=\"r-{role}\"");
        if cell.row_span > 1 {
            let _ = write!(out, " rowspan=\"{}\"", cell.row_span);
        }
        if cell.col_span > 1 {
            let _ = write!(out, " colspan=\"{}\"", cell.col_span);
        }
        out.push('>');
        escape(out, &cell.text);
        out.push_str("</td>");
    }
    if row != usize::MAX {
        out.push_str("</tr>");
    }
    out.push_str("</table>");
    if shown < cells.len() {
        let _ = write!(
            out,
            "<p class=\"cut\">{} more cells not drawn (at most {MAX_CELLS_DRAWN} per document)</p>",
            cells.len() - shown
        );
    }
}

fn field(out: &mut String, label: &str, value: Option<&str>) {
    if let Some(value) = value {
        out.push_str("<dt>");
        escape(out, label);
        out.push_str("</dt><dd>");
        escape(out, value);
        out.push_str("</dd>");
    }
}

fn extracted(out: &mut String, doc: usize, table_index: usize, table: &Table, grids: &[Grid]) {
    let project = &table.project;
    out.push_str("<dl>");
    field(out, "项目名称", project.name.as_deref());
    field(out, "项目编码", project.code.as_deref());
    field(out, "主管部门", project.department.as_deref());
    field(out, "预算单位", project.unit.as_deref());
    field(out, "实施单位", project.implementer.as_deref());
    field(out, "负责人", project.manager.as_deref());
    field(out, "项目类型", project.category.as_deref());
    field(out, "开始", project.start.as_deref());
    field(out, "结束", project.end.as_deref());
    for (label, checked) in &project.checkboxes.0 {
        field(out, label, Some(&format!("☑ {}", checked.join(" ☑ "))));
    }
    for (label, value) in &project.fields.0 {
        field(out, label, Some(value));
    }
    if let Some(budget) = &table.budget {
        let figures: Vec<String> = [
            ("总额", budget.total),
            ("财政", budget.fiscal),
            ("其他", budget.other),
            ("结转", budget.carryover),
            ("中长期", budget.long_term_total),
        ]
        .iter()
        .filter_map(|(label, value)| value.map(|value| format!("{label} {value}")))
        .collect();
        field(
            out,
            &format!("预算（{}）", budget.unit),
            Some(&figures.join(" · ")),
        );
    }
    for goal in &table.goals.overall {
        field(out, "绩效目标", Some(goal));
    }
    field(out, "年度目标", table.goals.annual.as_deref());
    field(out, "中长期目标", table.goals.long_term.as_deref());
    out.push_str("</dl><ul class=\"tree\">");
    let mut level1: Option<&str> = None;
    let mut level2: Option<&str> = None;
    for (index, indicator) in table.indicators.iter().enumerate() {
        if level1 != Some(indicator.level1.as_str()) {
            if level1.is_some() {
                out.push_str("</ul></li></ul></li>");
            }
            out.push_str("<li class=\"l1\"><span>");
            escape(out, &indicator.level1);
            out.push_str("</span><ul>");
            level1 = Some(&indicator.level1);
            level2 = None;
        }
        if level2 != Some(indicator.level2.as_str()) {
            if level2.is_some() {
                out.push_str("</ul></li>");
            }
            out.push_str("<li class=\"l2\"><span>");
            escape(out, &indicator.level2);
            out.push_str("</span><ul>");
            level2 = Some(&indicator.level2);
        }
        indicator_item(out, doc, table_index, index, indicator, grids);
    }
    if level1.is_some() {
        out.push_str("</ul></li></ul></li>");
    }
    out.push_str("</ul>");
}

fn indicator_item(
    out: &mut String,
    doc: usize,
    table_index: usize,
    index: usize,
    indicator: &Indicator,
    grids: &[Grid],
) {
    let _ = write!(
        out,
        "<li class=\"ind\" id=\"d{doc}t{table_index}i{index}\" data-cells=\""
    );
    let row = Location {
        col: None,
        ..indicator.location.clone()
    };
    covering_ids(out, doc, grids, &row);
    out.push_str("\" tabindex=\"0\"><span class=\"l3\">");
    escape(out, &indicator.level3);
    out.push_str("</span>");
    for value in &indicator.values {
        value_item(out, value);
    }
    for (label, text) in [
        ("性质", &indicator.nature),
        ("单位", &indicator.unit),
        ("分值", &indicator.weight),
        ("得分", &indicator.score),
    ] {
        if let Some(text) = text {
            let _ = write!(out, " <span class=\"x\">{label} ");
            escape(out, text);
            out.push_str("</span>");
        }
    }
    out.push_str("</li>");
}

fn value_item(out: &mut String, value: &Value) {
    out.push_str(" <span class=\"v\" title=\"");
    attr(out, &value.label);
    out.push_str("\">");
    escape(out, &value.raw);
    if let Some(parsed) = &value.parsed {
        out.push_str(" <span class=\"p\">→ ");
        escape(out, &parse_text(parsed));
        out.push_str("</span>");
    }
    out.push_str("</span>");
}

/// A parsed value in a few characters: `number >= 95 %`, `range 1–3 天`, `date 2024-06-30`.
pub fn parse_text(parsed: &Parsed) -> String {
    let mut text = parsed.kind.name().to_string();
    if let Some(op) = parsed.op {
        text.push(' ');
        text.push_str(op.symbol());
    }
    if let Some(number) = parsed.number {
        let _ = write!(text, " {number}");
    }
    if let (Some(low), Some(high)) = (parsed.low, parsed.high) {
        let _ = write!(text, " {low}–{high}");
    }
    if let Some(unit) = &parsed.unit {
        let _ = write!(text, " {unit}");
    }
    if let Some(date) = &parsed.date {
        let _ = write!(text, " {date}");
    }
    if let Some(date_end) = &parsed.date_end {
        let _ = write!(text, "–{date_end}");
    }
    if let Some(grade) = &parsed.grade {
        let _ = write!(text, " {grade}");
    }
    if parsed.approx {
        text.push_str(" (approx.)");
    }
    text
}

fn warning_list(out: &mut String, doc: usize, warnings: &[Warning], grids: &[Grid]) {
    if warnings.is_empty() {
        return;
    }
    out.push_str("<ul class=\"warns\">");
    for warning in warnings {
        out.push_str("<li class=\"warn\" data-cells=\"");
        if let Some(location) = &warning.location {
            covering_ids(out, doc, grids, location);
        }
        out.push_str("\" tabindex=\"0\"><b>");
        escape(out, &warning.code);
        out.push_str("</b> ");
        escape(out, &warning.message);
        if warning.lost {
            out.push_str(" <em>content lost</em>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

const CONTROLS: &str = r#"<div id="controls">
<input id="q" type="search" placeholder="search path or project name" aria-label="search">
<select id="fstatus" aria-label="status"><option value="">every status</option><option>ok</option><option>partial</option><option>empty</option><option>failed</option></select>
<select id="fcode" aria-label="warning code"><option value="">every warning code</option></select>
<span id="shown"></span>
<span class="legend"><b class="r-header">header</b><b class="r-level1">一级</b><b class="r-level2">二级</b><b class="r-level3">三级</b><b class="r-value">value</b><b class="r-detail">detail</b><b class="r-field_label">field label</b><b class="r-field_value">field value</b><b class="r-ignored">ignored</b><b class="r-none">not read</b></span>
</div>
<div class="row head" id="sorters"><button data-key="status">status</button><button data-key="path">document</button><button data-key="tables">tables</button><button data-key="indicators">indicators</button><button data-key="warnings">warnings</button></div>
"#;

const STYLE: &str = r#"body{font:14px/1.4 system-ui,"Noto Sans CJK SC","WenQuanYi Zen Hei",sans-serif;margin:0;color:#222}
header{position:sticky;top:0;background:#fafafa;border-bottom:1px solid #ccc;padding:.4em 1em;z-index:2}
h1{font-size:1.2em;margin:.2em 0}
#controls{display:flex;gap:.6em;flex-wrap:wrap;align-items:center}
#q{width:22em}
.legend b{font-weight:normal;padding:0 .4em;margin-right:.2em;border:1px solid #bbb}
main{padding:0 1em}
.row{display:grid;grid-template-columns:6em 1fr 5em 6em 6em;gap:.5em;padding:.2em .3em;cursor:pointer;border-bottom:1px solid #eee}
.row.head{cursor:default;font-weight:bold}
.row.head button{font:inherit;background:none;border:0;text-align:left;cursor:pointer;padding:0}
.row .n{text-align:right}
.doc.open>.row{background:#eef}
.st{font-weight:bold}.st.ok{color:#275}.st.partial{color:#a60}.st.empty{color:#777}.st.failed{color:#b22}
.details{padding:.5em 0 1.5em}
.tbl{margin:.6em 0 1.2em;border-top:2px solid #99c}
.pair{display:flex;gap:1em;align-items:flex-start}
.src{flex:3;overflow:auto;max-height:80vh}
.out{flex:2;overflow:auto;max-height:80vh}
table.grid{border-collapse:collapse;font-size:12px}
table.grid td,table.grid th{border:1px solid #aaa;padding:2px 4px;vertical-align:top;max-width:22em}
table.grid th{color:#888;font-weight:normal;border:0}
.r-header{background:#d9d9f3}.r-level1{background:#f6d5a8}.r-level2{background:#f9e7b0}.r-level3{background:#fff6c8}
.r-value{background:#cdeccd}.r-detail{background:#e4f2e4}.r-field_label{background:#cfe3f3}.r-field_value{background:#e8f1f8}
.r-ignored{background:#eee;color:#888}.r-none{background:#fff;color:#999}
td.warned{outline:2px dashed #d33;outline-offset:-2px}
td.hl{outline:3px solid #e0218a;outline-offset:-3px}
li.hl{background:#fbd3ea}
.tree,.tree ul{list-style:none;padding-left:1em;margin:0}
.l1>span{font-weight:bold}.l2>span{font-style:italic}
.ind{cursor:pointer;padding:1px 2px}.ind:hover{background:#f3f3f3}
.v{background:#cdeccd;padding:0 3px;margin-left:.3em}.p{color:#275;font-size:11px}.x{color:#666;font-size:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:0 .8em;margin:.3em 0}dt{color:#555}dd{margin:0}
.warns{margin:.3em 0;padding-left:1.2em}.warn{cursor:pointer;color:#822}.warn b{font-family:monospace}
.error{color:#b22}.cut,.see{color:#777;font-style:italic}
footer{padding:1em;color:#777}
"#;

const SCRIPT: &str = r#"(function(){
'use strict';
var main=document.getElementById('docs');
var docs=Array.prototype.slice.call(main.querySelectorAll('section.doc'));
var q=document.getElementById('q'),fs=document.getElementById('fstatus'),fc=document.getElementById('fcode'),shown=document.getElementById('shown');
var codes={};
docs.forEach(function(d){d.dataset.codes.split(' ').forEach(function(c){if(c)codes[c]=(codes[c]||0)+1;});});
Object.keys(codes).sort().forEach(function(c){var o=document.createElement('option');o.value=c;o.textContent=c+' ('+codes[c]+')';fc.appendChild(o);});
function filter(){
 var text=q.value.trim().toLowerCase(),st=fs.value,code=fc.value,n=0;
 docs.forEach(function(d){
  var ok=(!st||d.dataset.status===st)&&(!code||d.dataset.codes.indexOf(' '+code+' ')>=0)&&
   (!text||(d.dataset.path+' '+d.dataset.names).toLowerCase().indexOf(text)>=0);
  d.hidden=!ok;if(ok)n++;
 });
 shown.textContent=n+' of '+docs.length+' documents';
}
q.addEventListener('input',filter);fs.addEventListener('change',filter);fc.addEventListener('change',filter);
var order={};
document.getElementById('sorters').addEventListener('click',function(e){
 var key=e.target.dataset&&e.target.dataset.key;if(!key)return;
 order[key]=!order[key];var dir=order[key]?1:-1;
 var num=key==='tables'||key==='indicators'||key==='warnings';
 docs.sort(function(a,b){
  var x=a.dataset[key],y=b.dataset[key];
  if(num){x=+x;y=+y;}
  return (x<y?-1:x>y?1:(+a.dataset.index)-(+b.dataset.index))*dir;
 });
 docs.forEach(function(d){main.appendChild(d);});
});
function open(d){
 if(!d.classList.contains('open')){
  var t=d.querySelector('script[type="text/x-jixiao-details"]');
  if(t){t.insertAdjacentHTML('afterend',t.textContent);t.remove();link(d);}
  d.classList.add('open');
 }
 var det=d.querySelector('.details');if(det)det.hidden=false;
}
function close(d){d.classList.remove('open');var det=d.querySelector('.details');if(det)det.hidden=true;}
function link(d){
 d.querySelectorAll('[data-cells]').forEach(function(el){
  el.dataset.cells.split(' ').forEach(function(id){
   if(!id)return;var c=document.getElementById(id);if(!c)return;
   if(el.classList.contains('warn')){c.classList.add('warned');c.dataset.warn=(c.dataset.warn?c.dataset.warn+'\n':'')+el.textContent;}
   else{c.dataset.inds=(c.dataset.inds?c.dataset.inds+' ':'')+el.id;}
  });
 });
}
function clear(){document.querySelectorAll('.hl').forEach(function(e){e.classList.remove('hl');});}
function highlight(el){
 clear();el.classList.add('hl');
 var first=null;
 el.dataset.cells.split(' ').forEach(function(id){var c=id&&document.getElementById(id);if(c){c.classList.add('hl');if(!first)first=c;}});
 if(first&&first.scrollIntoView)first.scrollIntoView({block:'nearest',inline:'nearest'});
}
function highlightCell(c){
 clear();c.classList.add('hl');var first=null;
 (c.dataset.inds||'').split(' ').forEach(function(id){var i=id&&document.getElementById(id);if(i){i.classList.add('hl');if(!first)first=i;}});
 if(first&&first.scrollIntoView)first.scrollIntoView({block:'nearest'});
}
main.addEventListener('click',function(e){
 var t=e.target;
 var row=t.closest('.row');
 if(row){var d=row.parentNode;if(d.classList.contains('open')&&!d.querySelector('.details').hidden)close(d);else open(d);return;}
 var ind=t.closest('.ind,.warn');if(ind){highlight(ind);return;}
 var cell=t.closest('td');if(cell&&cell.id){highlightCell(cell);return;}
 var go=t.closest('[data-goto]');if(go){var g=document.getElementById(go.dataset.goto);if(g)g.scrollIntoView();e.preventDefault();}
});
main.addEventListener('mouseover',function(e){
 var c=e.target.closest&&e.target.closest('td[id]');if(!c||c.title)return;
 var p=c.id.split('-'),role=(c.className.match(/r-(\w+)/)||['',''])[1];
 c.title='grid '+p[1]+' r'+p[2]+'c'+p[3]+' '+role+(c.dataset.warn?'\n'+c.dataset.warn:'');
});
main.addEventListener('keydown',function(e){if(e.key==='Enter'){var ind=e.target.closest('.ind,.warn');if(ind)highlight(ind);}});
window.jixiaoReview={open:open,highlight:highlight,highlightCell:highlightCell,documents:docs};
function fromHash(){var m=/^#d(\d+)/.exec(location.hash);if(m){var d=document.getElementById('d'+m[1]);if(d){open(d);d.scrollIntoView();}}}
window.addEventListener('hashchange',fromHash);
filter();fromHash();
})();
"#;

#[cfg(test)]
mod tests {
    use jixiao_grid::{Block, Cell, Diagnostic, GridBuilder, Location as GridLocation};
    use jixiao_normalize::normalize;

    use super::*;
    use crate::types::Source;

    fn reviewed(texts: &[[&str; 4]]) -> (Document, Sources) {
        let mut builder = GridBuilder::new();
        for (row, cells) in texts.iter().enumerate() {
            for (col, text) in cells.iter().enumerate() {
                if !text.is_empty() {
                    builder.push(Cell::new(row, col, *text));
                }
            }
        }
        let (grid, _) = builder.build(GridLocation {
            page: Some(3),
            ..GridLocation::default()
        });
        let grids = GridDocument {
            blocks: vec![Block::Table(grid)],
            ..GridDocument::default()
        };
        let mut extraction = normalize(&grids);
        let rows = extraction
            .tables
            .iter_mut()
            .map(|table| std::mem::take(&mut table.rows))
            .collect();
        let document = Document::from_extraction(
            Source::new("a<b>.docx"),
            vec![
                Diagnostic::new("rejoined_row", "rows 2–3 were one").at(GridLocation {
                    grid: Some(0),
                    row: Some(2),
                    col: Some(2),
                    ..GridLocation::default()
                }),
            ],
            extraction,
        );
        (document, Sources::new(grids, rows))
    }

    #[test]
    fn a_section_links_indicators_and_warnings_to_the_cells_drawn() {
        let (document, sources) = reviewed(&[
            ["项目名称", "<script>alert(1)</script>", "", ""],
            ["一级指标", "二级指标", "三级指标", "指标值"],
            ["产出指标", "数量指标", "设备购置率", "=100%"],
        ]);
        let html = document_section(7, &document, Some(&sources));
        assert!(
            html.starts_with("<section class=\"doc\" id=\"d7\""),
            "{html}"
        );
        assert!(html.contains("data-path=\"a&lt;b>.docx\""), "{html}");
        // Text is escaped everywhere, so a cell cannot run script.
        assert!(!html.contains("<script>"), "{html}");
        // The details are the text of one inert script element, which only its own end closes.
        assert_eq!(html.matches("</script").count(), 1, "{html}");
        assert!(html.trim_end().ends_with("</script>\n</section>"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("<h4>grid 0 <small>3 rows × 4 columns, page 3</small></h4>"));
        // Roles as classes: the header row, the levels and the value, the field label.
        for (id, role) in [
            ("c7-0-0-0", "field_label"),
            ("c7-0-1-0", "header"),
            ("c7-0-2-0", "level1"),
            ("c7-0-2-1", "level2"),
            ("c7-0-2-2", "level3"),
            ("c7-0-2-3", "value"),
        ] {
            assert!(
                html.contains(&format!("<td id=\"{id}\" class=\"r-{role}\"")),
                "{id} {role}: {html}"
            );
        }
        // The indicator names the cells of its row; the warning the one cell it is about.
        assert!(
            html.contains(
                "<li class=\"ind\" id=\"d7t0i0\" data-cells=\"c7-0-2-0 c7-0-2-1 c7-0-2-2 c7-0-2-3\""
            ),
            "{html}"
        );
        assert!(
            html.contains("<li class=\"warn\" data-cells=\"c7-0-2-2\""),
            "{html}"
        );
        assert!(
            html.contains("=100% <span class=\"p\">→ number = 100 %</span>"),
            "{html}"
        );
        assert!(html.contains("data-codes=\" rejoined_row \""), "{html}");
    }

    #[test]
    fn a_failed_document_has_its_error_and_no_grid() {
        let document = Document::failed(
            Source::new("x.pdf"),
            crate::ErrorCode::NoTextLayer,
            "scanned".to_string(),
            Vec::new(),
        );
        let html = document_section(0, &document, None);
        assert!(html.contains("data-status=\"failed\""), "{html}");
        assert!(html.contains("data-codes=\" no_text_layer \""), "{html}");
        assert!(
            html.contains("<p class=\"error\">no_text_layer: scanned</p>"),
            "{html}"
        );
        assert!(!html.contains("<table"), "{html}");
    }

    #[test]
    fn the_page_is_whole_without_documents() {
        let page = format!("{}{}", page_start("审 <核>"), page_end(0));
        assert!(page.contains("<title>审 &lt;核&gt;</title>"));
        assert!(page.contains("data-documents=\"0\""));
        assert!(page.trim_end().ends_with("</html>"));
    }
}
