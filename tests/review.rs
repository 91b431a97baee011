//! `jixiao review` and `jixiao inspect`: the review page checked in a real headless browser, and
//! inspect's report held by snapshots.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{repo_root, run_jixiao};

/// The fixtures the page is checked on: every format's bundled example and the real PDFs.
const FIXTURES: &[&str] = &[
    "fixtures/docx",
    "fixtures/xlsx",
    "fixtures/html",
    "fixtures/pdf/real/w50_p50.pdf",
    "fixtures/pdf/real/w62_p37.pdf",
    "fixtures/pdf/000_5951d4f30969a9c2.pdf",
];

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 output")
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The browser, installed by `scripts/install-chromium.sh` when missing; `Err` says why none
/// can run.
fn chromium() -> Result<PathBuf, String> {
    let find = || {
        ["chromium", "chromium-browser"].iter().find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|dir| dir.join(name))
                    .find(|path| path.is_file())
            })
        })
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    let installed = Command::new(repo_root().join("scripts/install-chromium.sh"))
        .stdout(Stdio::null())
        .status();
    find().ok_or_else(|| match installed {
        Ok(status) => {
            format!("chromium is not installed and scripts/install-chromium.sh failed ({status})")
        }
        Err(error) => format!(
            "chromium is not installed and scripts/install-chromium.sh could not run: {error}"
        ),
    })
}

/// Runs headless Chromium on `page` with `extra` arguments; its standard output, or why not.
fn run_chromium(
    browser: &Path,
    profile: &Path,
    extra: &[&str],
    page: &Path,
) -> Result<String, String> {
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=10000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| format!("chromium did not start: {error}"))?;
    // The DOM is megabytes: read it while the browser writes, or both wait on a full pipe.
    let mut pipe = child.stdout.take().expect("piped stdout");
    let reader = std::thread::spawn(move || {
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut pipe, &mut text);
        text
    });
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > Duration::from_secs(180) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("chromium ran for over 180 s".to_string());
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(100)),
            Err(error) => return Err(format!("waiting for chromium: {error}")),
        }
    }
    let output = reader
        .join()
        .map_err(|_| "reading chromium's output failed".to_string())?;
    Ok(String::from_utf8_lossy(&output).into_owned())
}

/// A script added to a copy of the page: opens every document, counts its tables, indicators
/// and warnings, clicks the first indicator of every table and records which cells lit up, then
/// clicks the first of those cells and records which indicators lit up. The results go into
/// `<pre id="probe">` for `--dump-dom`.
const PROBE: &str = r#"<script>
window.addEventListener('load', function () {
  var review = window.jixiaoReview, out = {documents: [], clicks: [], pinned: 0};
  review.documents.forEach(function (doc) {
    review.open(doc);
    out.documents.push({
      path: doc.dataset.path,
      tables: doc.querySelectorAll('.tbl[id]').length,
      indicators: doc.querySelectorAll('li.ind').length,
      warnings: doc.querySelectorAll('li.warn').length
    });
    doc.querySelectorAll('.tbl[id]').forEach(function (table) {
      var first = table.querySelector('li.ind');
      if (!first) return;
      first.click();
      var lit = Array.prototype.map.call(document.querySelectorAll('td.hl'), function (td) {
        return {id: td.id, text: td.textContent};
      });
      var back = [];
      var cell = lit.length ? document.getElementById(lit[0].id) : null;
      if (cell) {
        cell.click();
        back = Array.prototype.map.call(document.querySelectorAll('li.ind.hl'), function (li) { return li.id; });
      }
      out.clicks.push({path: doc.dataset.path, indicator: first.id, level3: first.querySelector('.l3').textContent, lit: lit, back: back});
    });
  });
  out.pinned = document.querySelectorAll('td.warned').length;
  var pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});
</script>"#;

/// For the screenshot: the first document opened, its first indicator clicked.
const SHOW: &str = r#"<script>
window.addEventListener('load', function () {
  var review = window.jixiaoReview, doc = review.documents[0];
  review.open(doc);
  var ind = doc.querySelectorAll('li.ind')[3] || doc.querySelector('li.ind');
  if (ind) ind.click();
  doc.scrollIntoView();
});
</script>"#;

/// The page with a script added before `</body>`.
fn with_script(page: &str, script: &str) -> String {
    let at = page.rfind("</body>").expect("the page ends its body");
    format!("{}{script}\n{}", &page[..at], &page[at..])
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

#[test]
fn review_page_shows_every_table_and_links_indicators_to_their_cells_in_chromium() {
    let root = repo_root();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let page = dir.path().join("review.html");
    let page_arg = page.to_string_lossy().into_owned();
    let mut args = vec!["review", "-o", &page_arg, "-q"];
    args.extend(FIXTURES);
    let output = run_jixiao(&root, &args, b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let html = std::fs::read_to_string(&page).expect("the page was written");
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..100]);
    // Self-contained: nothing is fetched.
    for outside in ["src=\"http", "href=\"http", "<link ", "@import", "url("] {
        assert!(
            !html.contains(outside),
            "the page refers outside: {outside}"
        );
    }

    // What extract made of the same files, by path.
    let mut extract_args = vec!["extract", "--format", "jsonl", "-q"];
    extract_args.extend(FIXTURES);
    let extracted = run_jixiao(&root, &extract_args, b"");
    assert_eq!(extracted.status.code(), Some(0), "{}", stderr(&extracted));
    let documents: Vec<Value> = stdout(&extracted)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON document"))
        .collect();
    assert!(documents.len() >= 10, "{} documents", documents.len());
    let by_path: HashMap<String, &Value> = documents
        .iter()
        .map(|document| {
            (
                document["source"]["path"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                document,
            )
        })
        .collect();

    let browser = match chromium() {
        Ok(browser) => browser,
        Err(reason) => {
            eprintln!("SKIPPED review_page…_in_chromium: {reason}");
            return;
        }
    };
    let probe_page = dir.path().join("probe.html");
    std::fs::write(&probe_page, with_script(&html, PROBE)).expect("the probe page");
    let profile = dir.path().join("profile");
    // A browser that is installed but fails is a failure, not a reason to skip.
    let dom = run_chromium(&browser, &profile, &["--dump-dom"], &probe_page)
        .expect("chromium dumped the page's DOM");
    let start = dom
        .find("<pre id=\"probe\">")
        .expect("the probe ran and wrote its results")
        + "<pre id=\"probe\">".len();
    let end = start + dom[start..].find("</pre>").expect("the probe's end");
    let probe: Value = serde_json::from_str(&unescape(&dom[start..end])).expect("the probe's JSON");

    // Every document, table, indicator and warning is on the page.
    let shown = probe["documents"].as_array().expect("documents");
    assert_eq!(shown.len(), documents.len());
    let mut total_indicators = 0;
    let mut warnings_with_cells = 0;
    for document in shown {
        let path = document["path"].as_str().expect("a path");
        let expected = by_path
            .get(path)
            .unwrap_or_else(|| panic!("{path} was extracted"));
        let tables = expected["tables"].as_array().expect("tables");
        let indicators: usize = tables
            .iter()
            .map(|table| table["indicators"].as_array().map_or(0, Vec::len))
            .sum();
        let warnings: Vec<&Value> = expected["warnings"]
            .as_array()
            .into_iter()
            .flatten()
            .chain(
                tables
                    .iter()
                    .flat_map(|table| table["warnings"].as_array().into_iter().flatten()),
            )
            .collect();
        warnings_with_cells += warnings
            .iter()
            .filter(|warning| {
                warning["location"]["grid"].is_u64() && warning["location"]["row"].is_u64()
            })
            .count();
        assert_eq!(document["tables"], tables.len(), "{path}");
        assert_eq!(document["indicators"], indicators, "{path}");
        assert_eq!(document["warnings"], warnings.len(), "{path}");
        total_indicators += indicators;
    }
    assert!(total_indicators > 500, "{total_indicators} indicators");
    if warnings_with_cells > 0 {
        assert!(
            probe["pinned"].as_u64().unwrap_or(0) > 0,
            "no warning was pinned to a cell"
        );
    }

    // Clicking an indicator lights the cells of its row in its grid, one of which holds its
    // 三级 text; clicking that cell lights the indicator back.
    let clicks = probe["clicks"].as_array().expect("clicks");
    let table_count: usize = documents
        .iter()
        .map(|document| {
            document["tables"].as_array().map_or(0, |tables| {
                tables
                    .iter()
                    .filter(|table| {
                        table["indicators"]
                            .as_array()
                            .is_some_and(|list| !list.is_empty())
                    })
                    .count()
            })
        })
        .sum();
    assert_eq!(clicks.len(), table_count);
    for click in clicks {
        let path = click["path"].as_str().expect("a path");
        let indicator_id = click["indicator"].as_str().expect("an indicator id");
        // d{doc}t{table}i{index}
        let (table, index) = indicator_id
            .split_once('t')
            .and_then(|(_, rest)| rest.split_once('i'))
            .expect("an indicator id like d0t1i2");
        let (table, index): (usize, usize) =
            (table.parse().expect("table"), index.parse().expect("index"));
        let indicator = &by_path[path]["tables"][table]["indicators"][index];
        let grid = indicator["location"]["grid"]
            .as_u64()
            .expect("location.grid");
        let row = indicator["location"]["row"].as_u64().expect("location.row");
        let lit = click["lit"].as_array().expect("lit cells");
        assert!(!lit.is_empty(), "{path} {indicator_id}: no cell lit");
        for cell in lit {
            let id = cell["id"].as_str().expect("a cell id");
            let parts: Vec<u64> = id[1..]
                .split('-')
                .map(|part| part.parse().expect("a number"))
                .collect();
            assert_eq!(parts[1], grid, "{path} {indicator_id}: {id}");
            // A merged 一级 / 二级 cell starts on an earlier row and covers this one.
            assert!(
                parts[2] <= row,
                "{path} {indicator_id}: {id} starts below row {row}"
            );
        }
        let level3 = click["level3"].as_str().expect("level3");
        let compact = |text: &str| {
            text.chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
        };
        assert!(
            lit.iter().any(|cell| compact(cell["text"].as_str().unwrap_or("")).contains(&compact(level3))),
            "{path} {indicator_id}: no lit cell holds {level3}: {lit:?}"
        );
        let back = click["back"].as_array().expect("indicators lit back");
        assert!(
            back.iter().any(|id| id == indicator_id),
            "{path}: clicking the cell did not light {indicator_id}: {back:?}"
        );
    }

    // A screenshot of the first document with an indicator clicked; JIXIAO_REVIEW_SCREENSHOT
    // names where to keep it (docs/review.png was made so).
    let show_page = dir.path().join("show.html");
    std::fs::write(&show_page, with_script(&html, SHOW)).expect("the screenshot page");
    let screenshot = std::env::var_os("JIXIAO_REVIEW_SCREENSHOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("review.png"));
    let _ = std::fs::remove_file(&screenshot);
    let shot_arg = format!("--screenshot={}", screenshot.display());
    run_chromium(
        &browser,
        &profile,
        &[&shot_arg, "--window-size=1600,1000"],
        &show_page,
    )
    .expect("chromium took the screenshot");
    let png = std::fs::read(&screenshot).expect("the screenshot was written");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 20_000,
        "a blank screenshot? {} bytes",
        png.len()
    );
}

#[test]
fn review_of_an_unreadable_file_shows_its_error_and_exits_1() {
    let dir = crate::util::temp_tree(&[("broken.docx", b"PK\x03\x04 not really a zip")]);
    let output = run_jixiao(dir.path(), &["review", "broken.docx", "-o", "r.html"], b"");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let html = std::fs::read_to_string(dir.path().join("r.html")).expect("the page");
    assert!(html.contains("data-status=\"failed\""), "{html}");
    assert!(html.contains("<p class=\"error\">unreadable: "), "{html}");
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn review_needs_an_output_file() {
    let output = run_jixiao(&repo_root(), &["review", "fixtures/docx"], b"");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--output"), "{}", stderr(&output));
}

/// inspect's report of one table of a docx: its header columns and roles, its rows, and the
/// grid marked row by row.
#[test]
fn inspect_snapshot_docx_grid_4() {
    let output = run_jixiao(
        &repo_root(),
        &[
            "inspect",
            "fixtures/docx/000_5951d4f30969a9c2.docx",
            "--grid",
            "4",
        ],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn inspect_snapshot_pdf_page() {
    let output = run_jixiao(
        &repo_root(),
        &["inspect", "fixtures/pdf/real/w50_p50.pdf", "--wide"],
        b"",
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn inspect_json_gives_rows_roles_and_grids_and_reads_stdin() {
    let root = repo_root();
    let path = "fixtures/docx/000_5951d4f30969a9c2.docx";
    let output = run_jixiao(&root, &["inspect", path, "--json"], b"");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("one JSON object");
    assert_eq!(report["format"], "docx");
    assert_eq!(report["grids"].as_array().map(Vec::len), Some(8));
    assert_eq!(report["grids"][0]["index"], 0);
    let table = &report["tables"][0];
    assert_eq!(table["indicators"], 9);
    let header = table["rows"]
        .as_array()
        .and_then(|rows| rows.iter().find(|row| row["kind"] == "header"))
        .expect("a header row");
    assert_eq!(header["grid"], 0);
    assert_eq!(header["row"], 7);
    let columns: Vec<&str> = header["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|cell| cell["column"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(
        columns,
        [
            "level1",
            "level2",
            "level3",
            "description",
            "value",
            "basis"
        ]
    );
    let indicator_rows: Vec<u64> = table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .filter(|row| row["kind"] == "indicators")
        .map(|row| row["row"].as_u64().expect("row"))
        .collect();
    assert_eq!(indicator_rows, (8..=16).collect::<Vec<u64>>());

    // The same bytes through standard input give the same report, labelled `-`.
    let bytes = std::fs::read(root.join(path)).expect("the fixture");
    let piped = run_jixiao(&root, &["inspect", "-", "--json"], &bytes);
    assert_eq!(piped.status.code(), Some(0), "{}", stderr(&piped));
    let mut from_stdin: Value = serde_json::from_str(&stdout(&piped)).expect("one JSON object");
    assert_eq!(from_stdin["file"], "-");
    from_stdin["file"] = report["file"].clone();
    assert_eq!(from_stdin, report);
}

#[test]
fn inspect_wide_keeps_whole_texts_and_grid_out_of_range_is_explained() {
    let root = repo_root();
    let path = "fixtures/docx/000_5951d4f30969a9c2.docx";
    let cut = stdout(&run_jixiao(&root, &["inspect", path, "--grid", "0"], b""));
    let wide = stdout(&run_jixiao(
        &root,
        &["inspect", path, "--grid", "0", "--wide"],
        b"",
    ));
    // The 预算规模及资金用途 label is cut to the column width unless --wide.
    assert!(cut.contains("预算规模及资金…"), "{cut}");
    assert!(!wide.contains("预算规模及资金…"), "{wide}");
    assert!(wide.contains("预算规模及资金用途"), "{wide}");
    assert!(!cut.contains("\ngrid 1:"), "{cut}");

    let output = run_jixiao(&root, &["inspect", path, "--grid", "8"], b"");
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains(
            "--grid 8: fixtures/docx/000_5951d4f30969a9c2.docx has 8 grids, numbered from 0 to 7"
        ),
        "{}",
        stderr(&output)
    );
}
