//! The text reader on the four real seeds in `fixtures/text/`: the tables it finds, specific
//! rows, the titles, the cleaning, and a cross-check of every grid against the indicator rows
//! of `fixtures/gold/`.

use std::path::PathBuf;
use std::time::Instant;

use jixiao_grid::{Block, Document, Grid};
use jixiao_read::Limits;

const SEED_000: &str = "000_5951d4f30969a9c2";
const SEED_001: &str = "001_7ba444aee7ec495e";
const SEED_002: &str = "002_e3b15d3904952b23";
const SEED_003: &str = "003_f17e630e396b42a6";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

fn seed_bytes(seed: &str) -> Vec<u8> {
    let path = fixtures().join("text").join(format!("{seed}.txt"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn read_seed(seed: &str) -> Document {
    jixiao_read::read(
        jixiao_read::Format::Text,
        &seed_bytes(seed),
        Some("txt"),
        &Limits::default(),
    )
    .expect("the seed reads")
}

fn grids(document: &Document) -> Vec<&Grid> {
    document.grids().collect()
}

/// The texts of the cells whose origin is on `row`.
fn row(grid: &Grid, row: usize) -> Vec<&str> {
    grid.row_cells(row)
        .iter()
        .map(|cell| cell.text.as_str())
        .collect()
}

fn widths(grid: &Grid) -> Vec<usize> {
    (0..grid.rows())
        .map(|index| grid.row_cells(index).len())
        .collect()
}

/// The paragraph right before each grid.
fn titles(document: &Document) -> Vec<&str> {
    let mut titles = Vec::new();
    let mut last = "";
    for block in &document.blocks {
        match block {
            Block::Paragraph(paragraph) => last = &paragraph.text,
            Block::Table(_) => titles.push(last),
        }
    }
    titles
}

fn count(document: &Document, code: &str) -> usize {
    document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == code)
        .count()
}

fn all_text(document: &Document) -> impl Iterator<Item = &str> {
    document.blocks.iter().flat_map(|block| match block {
        Block::Paragraph(paragraph) => vec![paragraph.text.as_str()],
        Block::Table(grid) => grid.cells().iter().map(|cell| cell.text.as_str()).collect(),
    })
}

#[test]
fn seed_000_cell_per_line_tables_titles_and_rejoined_rows() {
    let document = read_seed(SEED_000);
    assert_eq!(document.encoding.as_deref(), Some("utf-8"));
    let grids = grids(&document);
    assert_eq!(grids.len(), 8);

    assert_eq!(
        titles(&document),
        [
            "1、办公场所租赁费绩效目标表",
            "2、劳务派遣服务费及临时工资绩效目标表",
            "3、其他市场监督管理事务绩效目标表",
            "4、市场秩序执法绩效目标表",
            "5、市场主体管理绩效目标表",
            "6、消费者权益保护绩效目标表",
            "7、信息化建设绩效目标表",
            "8、质量安全监管专项绩效目标表",
        ]
    );
    let first = grids[0];
    assert_eq!(first.location.line, Some(65));
    assert_eq!(first.location.line_end, Some(169));
    assert_eq!(
        row(first, 0),
        ["930006曹妃甸区市场监督管理局第六分局", "单位：万元"]
    );
    assert_eq!(
        row(first, 2),
        [
            "预算规模及资金用途",
            "预算数",
            "23.85",
            "其中：财政资金",
            "23.85",
            "其他资金",
            ""
        ]
    );
    assert_eq!(
        row(first, 6),
        [
            "绩效目标",
            "1、因我局无办公场所一直租用民用住宅办公，租赁费一年23.85万元（2019.12-2020.12房租）。\n\
             2、因我局无办公场所一直租用民用住宅办公，租赁费一年23.85万元（2019.12-2020.12房租）。"
        ]
    );
    assert_eq!(
        row(first, 9),
        [
            "",
            "质量指标",
            "业务保障能力",
            "保障服务能力提升情况",
            "≤100优",
            "三定方案"
        ]
    );
    let cell = &first.row_cells(9)[1];
    assert_eq!(cell.source.line, Some(116));

    // The budget rows keep their widths in every table: 2 + 5 is 7 but is not a split row.
    for grid in &grids {
        assert_eq!(widths(grid)[..8], [2, 4, 7, 2, 5, 5, 2, 6]);
    }

    // Table 7: two rows split by an empty paragraph, rejoined.
    let seventh = grids[6];
    assert_eq!(
        widths(seventh),
        [2, 4, 7, 2, 5, 5, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]
    );
    assert_eq!(
        row(seventh, 8),
        [
            "产出指标",
            "数量指标",
            "信息化建设",
            "保障工作正常运行",
            "≤100优",
            "三定方案"
        ]
    );
    assert_eq!(
        row(seventh, 11),
        [
            "效益指标",
            "成本指标",
            "业务顺利开展",
            "提升工作效率",
            "≤100优",
            "三定方案"
        ]
    );
    // Table 8: its last row is split, with the end of the table after it.
    let eighth = grids[7];
    assert_eq!(widths(eighth).last(), Some(&6));
    assert_eq!(
        row(eighth, eighth.rows() - 1),
        [
            "满意度指标",
            "服务对象满意度指标",
            "服务对象满意度",
            "特种设备事故调查处理满意度",
            "≤100优",
            "三定方案"
        ]
    );
    assert_eq!(eighth.location.line_end, Some(928));

    let rejoined: Vec<_> = document
        .diagnostics
        .iter()
        .filter(|diagnostic| diagnostic.code == "rejoined_row")
        .filter_map(|diagnostic| {
            let location = diagnostic.location.as_ref()?;
            Some((location.line?, location.line_end?))
        })
        .collect();
    assert_eq!(rejoined, [(756, 762), (778, 784), (922, 928)]);

    // The page number at the end is dropped; the field-code-only heading is gone.
    assert_eq!(count(&document, "page_number_removed"), 1);
    let paragraphs = document.paragraphs().collect::<Vec<_>>();
    assert_eq!(paragraphs[0], "第一部分");
    assert!(paragraphs.contains(&"二、分项绩效目标"));
    assert!(paragraphs.contains(&"三、工作保障措施"));
    assert!(paragraphs.contains(&"4、办公场所租赁费23.85万元"));
    assert!(!paragraphs.contains(&"2"));
}

#[test]
fn seed_001_cell_per_line_has_fifteen_tables_and_no_false_joins() {
    let document = read_seed(SEED_001);
    let grids = grids(&document);
    assert_eq!(grids.len(), 15);
    for grid in &grids {
        assert_eq!(
            widths(grid),
            [2, 4, 7, 2, 5, 5, 2, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6]
        );
    }
    assert_eq!(count(&document, "rejoined_row"), 0);
    let titles = titles(&document);
    assert_eq!(
        titles[0],
        "1.冀财行【2020】156号2021年中央食品药品监管补助资金绩效目标表"
    );
    assert_eq!(titles[14], "15.检验监测中心实验室场地租赁经费绩效目标表");
    assert_eq!(
        row(grids[0], 6),
        [
            "绩效目标",
            "1.加强“两品一械”企业监管力度\n2.加强培训，提高监管人员专业水平和综合素质\n3.提升监管、检查装备能力"
        ]
    );
    let paragraphs = document.paragraphs().collect::<Vec<_>>();
    assert!(paragraphs.contains(&"一、总体绩效目标"));
    assert!(
        paragraphs
            .contains(&"1、运用行政与法律手段，对市场经营主体及市场行为进行行政指导、监督管理。")
    );
}

#[test]
fn seed_003_tab_separated_tables_headers_and_html_in_cells() {
    let document = read_seed(SEED_003);
    let grids = grids(&document);
    assert_eq!(grids.len(), 8);
    assert!(titles(&document).iter().all(|title| *title == "2024年度"));
    assert_eq!(
        document
            .paragraphs()
            .collect::<Vec<_>>()
            .iter()
            .filter(|text| **text == "南通市本级项目预算绩效目标表")
            .count(),
        8
    );

    let first = grids[0];
    assert_eq!(first.location.line, Some(7));
    assert_eq!(first.location.line_end, Some(47));
    assert_eq!(
        row(first, 0),
        [
            "项目名称",
            "办公设备购置",
            "",
            "主管部门",
            "南通市市场监督管理局"
        ]
    );
    assert_eq!(
        row(first, 20),
        [
            "一级指标",
            "二级指标",
            "三级指标",
            "半年（程） 指标值",
            "全年（程） 指标值"
        ]
    );
    assert_eq!(row(first, 22), ["", "", "立项程序规范性", "规范", "规范"]);
    assert_eq!(first.row_cells(22)[2].source.line, Some(29));

    // The second table has a blank line between its rows (line 80): still one table.
    let second = grids[1];
    assert_eq!(
        (second.location.line, second.location.line_end),
        (Some(53), Some(94))
    );
    let necessity = &second.row_cells(4)[1].text;
    assert!(
        necessity.starts_with("1、我单位承担南通市区特种设备作业人员理论知识"),
        "{necessity}"
    );
    assert!(
        necessity
            .contains("及时解决企业用工需求的先决条件。\n2、我单位承担全市质量和标准化研究推广"),
        "{necessity}"
    );
    assert!(all_text(&document).all(|text| !text.contains("<p>") && !text.contains("</p>")));
}

#[test]
fn seed_002_checkboxes_stray_headings_and_comparisons() {
    let document = read_seed(SEED_002);
    let cells: Vec<&str> = all_text(&document).collect();
    assert!(cells.contains(&"☐新增项目 ☑延续项目"));
    assert!(cells.contains(&"☐一次性 ☑经常性"));
    assert!(cells.contains(&"投诉率<0.5%"));
    assert!(cells.iter().all(|text| !text.contains("<input")));

    let paragraphs = document.paragraphs().collect::<Vec<_>>();
    assert_eq!(paragraphs[0], "附件7-2");
    assert_eq!(paragraphs[1], "巴中市2022年市级部门整体支出绩效目标批复表");
    // The stray headings of lines 294–308 are paragraphs between two parts of one table.
    let stray: Vec<&str> = document
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Paragraph(paragraph)
                if (294..=308).contains(&paragraph.source.line.unwrap_or(0)) =>
            {
                Some(paragraph.text.as_str())
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        stray,
        [
            "绩效指标",
            "产出指标",
            "质量指标",
            "质量指标",
            "时效指标",
            "时效指标",
            "成本指标",
            "成本指标"
        ]
    );
    let grids = grids(&document);
    let titled = titles(&document)
        .iter()
        .filter(|title| title.ends_with("批复表"))
        .count();
    assert_eq!(titled, 16);
    // Two more grids follow a stray heading: lines 310–349 and 353–367.
    assert_eq!(grids.len(), 18);
    let split = grids
        .iter()
        .find(|grid| grid.location.line == Some(310))
        .expect("the rows after the stray headings");
    assert_eq!(split.location.line_end, Some(349));
}

#[test]
fn no_field_code_debris_survives_in_any_seed() {
    for seed in [SEED_000, SEED_001, SEED_002, SEED_003] {
        let document = read_seed(seed);
        for text in all_text(&document) {
            assert!(
                !text.contains(" TC ") && !text.contains("\\f ") && !text.contains("\\l "),
                "{seed}: {text}"
            );
        }
    }
}

#[test]
fn every_cell_and_grid_has_a_line() {
    for seed in [SEED_000, SEED_001, SEED_002, SEED_003] {
        let document = read_seed(seed);
        for grid in document.grids() {
            let (Some(first), Some(last)) = (grid.location.line, grid.location.line_end) else {
                panic!("{seed}: a grid without lines");
            };
            for cell in grid.cells() {
                let line = cell.source.line.expect("a cell line");
                assert!((first..=last).contains(&line), "{seed}: {line}");
            }
        }
    }
}

/// Every block as a line of text with its positions and source lines, to compare readings.
fn digest(document: &Document) -> Vec<String> {
    let mut lines = Vec::new();
    for block in &document.blocks {
        match block {
            Block::Paragraph(paragraph) => {
                lines.push(format!("{:?} ¶ {}", paragraph.source.line, paragraph.text));
            }
            Block::Table(grid) => {
                lines.push(format!(
                    "grid {:?}–{:?} {}×{}",
                    grid.location.line,
                    grid.location.line_end,
                    grid.rows(),
                    grid.cols()
                ));
                for cell in grid.cells() {
                    lines.push(format!(
                        "{:?} ({}, {}) {}",
                        cell.source.line, cell.row, cell.col, cell.text
                    ));
                }
            }
        }
    }
    lines
}

fn utf16_with_bom(text: &str, little_endian: bool) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

#[test]
fn every_encoding_and_line_end_gives_the_same_document() {
    for seed in [SEED_000, SEED_002, SEED_003] {
        let text = String::from_utf8(seed_bytes(seed)).expect("the seeds are UTF-8");
        let expected = digest(&read_seed(seed));
        let crlf = text.replace('\n', "\r\n");
        let (gb18030, _, unmappable) = encoding_rs::GB18030.encode(&text);
        assert!(!unmappable);
        let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
        utf8_bom.extend_from_slice(crlf.as_bytes());
        let variants = [
            (gb18030.into_owned(), "gb18030"),
            (utf16_with_bom(&crlf, true), "utf-16le"),
            (utf16_with_bom(&text, false), "utf-16be"),
            (utf8_bom, "utf-8"),
            (text.replace('\n', "\r").into_bytes(), "utf-8"),
        ];
        for (bytes, encoding) in variants {
            let document = jixiao_read::read(
                jixiao_read::Format::Text,
                &bytes,
                Some("txt"),
                &Limits::default(),
            )
            .expect("the variant reads");
            assert_eq!(document.encoding.as_deref(), Some(encoding), "{seed}");
            assert_eq!(digest(&document), expected, "{seed} as {encoding}");
        }
    }
}

#[test]
fn office_files_given_to_the_text_reader_are_reported_as_not_text() {
    for (folder, extension) in [("docx", "docx"), ("xls", "xls"), ("pdf", "pdf")] {
        let path = fixtures()
            .join(folder)
            .join(format!("{SEED_000}.{extension}"));
        let bytes = std::fs::read(&path).expect("fixture");
        let error = jixiao_read::read(
            jixiao_read::Format::Text,
            &bytes,
            Some(extension),
            &Limits::default(),
        )
        .expect_err("not text");
        assert_eq!(error.code(), "unreadable", "{extension}: {error}");
        assert!(
            error.to_string().contains(&format!(
                "named .{extension} but is not a .{extension} file"
            )),
            "{error}"
        );
        let error = jixiao_read::read(
            jixiao_read::Format::Text,
            &bytes,
            Some("txt"),
            &Limits::default(),
        )
        .expect_err("not text");
        assert_eq!(error.code(), "unsupported_format", "{extension}: {error}");
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-check with the gold indicator rows.

/// The rows of a grid, as texts, after its `一级指标` header row.
fn indicator_rows(grid: &Grid) -> Vec<Vec<&str>> {
    let header = (0..grid.rows()).find(|&index| {
        grid.row_cells(index)
            .iter()
            .any(|cell| cell.text.replace(char::is_whitespace, "") == "一级指标")
    });
    let Some(header) = header else {
        return Vec::new();
    };
    (header + 1..grid.rows())
        .map(|index| row(grid, index))
        .collect()
}

/// True when `needles` appear in `row` in order, each as a whole cell.
fn in_order(row: &[&str], needles: &[&str]) -> bool {
    let mut cells = row.iter();
    needles
        .iter()
        .all(|needle| cells.any(|cell| cell.trim() == needle.trim()))
}

/// The cells a gold indicator must show, in column order: 三级指标, 绩效指标描述, the values,
/// 指标值确定依据.
fn gold_cells(indicator: &serde_json::Value) -> Vec<String> {
    let text = |key: &str| indicator.get(key).and_then(|value| value.as_str());
    let mut cells = Vec::new();
    cells.extend(text("level3").map(str::to_string));
    cells.extend(text("description").map(str::to_string));
    if let Some(values) = indicator.get("values").and_then(|values| values.as_array()) {
        cells.extend(
            values
                .iter()
                .filter_map(|value| value.as_str().map(str::to_string)),
        );
    }
    cells.extend(text("basis").map(str::to_string));
    cells
}

/// Checks that the gold indicators of `table` appear, in order, as rows after the header row
/// of `grid`.
fn check_gold_table(seed: &str, table: &serde_json::Value, grid: &Grid) {
    let rows = indicator_rows(grid);
    let name = table["project_name"].as_str().unwrap_or_default();
    assert!(!rows.is_empty(), "{seed} {name}: no 一级指标 header row");
    let indicators = table["indicators"].as_array().expect("indicators");
    let mut next = 0;
    for indicator in indicators {
        let wanted = gold_cells(indicator);
        let wanted: Vec<&str> = wanted.iter().map(String::as_str).collect();
        let found = rows
            .iter()
            .skip(next)
            .position(|row| in_order(row, &wanted))
            .map(|offset| next + offset);
        let Some(found) = found else {
            panic!("{seed} {name}: no row after row {next} shows {wanted:?}; rows: {rows:#?}");
        };
        next = found + 1;
    }
}

fn gold(file: &str) -> serde_json::Value {
    let path = fixtures().join("gold").join(file);
    let text = std::fs::read_to_string(&path).expect("gold file");
    serde_json::from_str(&text).expect("gold json")
}

#[test]
fn grids_match_the_gold_indicator_rows() {
    for seed in [SEED_000, SEED_001, SEED_003] {
        let document = read_seed(seed);
        let grids = grids(&document);
        let gold = gold(&format!("{seed}.gold.json"));
        let tables = gold["tables"].as_array().expect("tables");
        assert_eq!(tables.len(), grids.len(), "{seed}");
        for (table, grid) in tables.iter().zip(&grids) {
            let name = table["project_name"].as_str().expect("a project name");
            assert!(
                grid.cells().iter().any(|cell| cell.text == name),
                "{seed}: the grid at line {:?} does not name {name}",
                grid.location.line
            );
            check_gold_table(seed, table, grid);
        }
    }
}

#[test]
fn grids_match_the_partial_gold_of_seed_002() {
    let document = read_seed(SEED_002);
    let grids = grids(&document);
    let gold = gold(&format!("{SEED_002}.partial.gold.json"));
    for table in gold["tables"].as_array().expect("tables") {
        let name = table["project_name"].as_str().expect("a project name");
        let grid = grids
            .iter()
            .find(|grid| grid.cells().iter().any(|cell| cell.text == name))
            .unwrap_or_else(|| panic!("no grid names {name}"));
        check_gold_table(SEED_002, table, grid);
    }
}

/// CPU time of the calling thread, from `/proc/thread-self/schedstat` (nanoseconds on the
/// CPU): on a shared machine, wall time measures the neighbours as much as the reader.
fn thread_cpu_time() -> Option<std::time::Duration> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds = stat.split_whitespace().next()?.parse().ok()?;
    Some(std::time::Duration::from_nanos(nanoseconds))
}

/// Read throughput on the four seeds repeated to about 16 MiB, in CPU time when the system
/// tells it (wall time otherwise). Run with optimisation:
/// `cargo test --release -p jixiao-read --test text -- --ignored throughput --nocapture`.
#[test]
#[ignore]
fn throughput() {
    for seed in [SEED_000, SEED_001, SEED_002, SEED_003] {
        let one = seed_bytes(seed);
        let copies = (16 << 20) / one.len();
        let mut bytes = Vec::with_capacity(one.len() * copies);
        for _ in 0..copies {
            bytes.extend_from_slice(&one);
            bytes.extend_from_slice(b"\n\n\n");
        }
        let limits = Limits::default();
        // One warm-up run, then the best of three.
        let _ = jixiao_read::read(jixiao_read::Format::Text, &bytes, Some("txt"), &limits)
            .expect("reads");
        let (best, clock) = (0..3)
            .map(|_| {
                let cpu = thread_cpu_time();
                let wall = Instant::now();
                let document =
                    jixiao_read::read(jixiao_read::Format::Text, &bytes, Some("txt"), &limits)
                        .expect("reads");
                assert!(document.grids().count() > 0);
                match (cpu, thread_cpu_time()) {
                    (Some(start), Some(end)) => (end.saturating_sub(start), "CPU"),
                    _ => (wall.elapsed(), "wall"),
                }
            })
            .min()
            .unwrap_or_default();
        let mib = bytes.len() as f64 / f64::from(1 << 20);
        println!(
            "{seed}: {mib:.1} MiB in {:.1} ms {clock} time = {:.0} MiB/s",
            best.as_secs_f64() * 1000.0,
            mib / best.as_secs_f64()
        );
    }
}

/// Prints what the reader sees in one seed: `JIXIAO_SEED=003 cargo test -p jixiao-read --test
/// text -- --ignored dump --nocapture`.
#[test]
#[ignore]
fn dump() {
    let wanted = std::env::var("JIXIAO_SEED").unwrap_or_else(|_| "000".to_string());
    for seed in [SEED_000, SEED_001, SEED_002, SEED_003] {
        if seed.starts_with(&wanted) {
            let document = read_seed(seed);
            println!("{}", document.render());
            for diagnostic in &document.diagnostics {
                println!("{}: {}", diagnostic.code, diagnostic.message);
            }
        }
    }
}
