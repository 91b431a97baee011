//! The pasted-text reader: text that users copied out of Word, PDF tools or web systems, with
//! tables in one of two shapes.
//!
//! - **Cell per line** ([`cells`]), what Word gives when a table is pasted as plain text: every
//!   cell is a line that starts with a tab, a blank line ends a row, two blank lines and a line
//!   without a tab end the table.
//! - **Tab-separated** ([`tsv`]), what spreadsheets and web pages give: one row per line, cells
//!   split by tabs, merged cells left empty.
//!
//! The dialect is decided once per document ([`Dialect::of`]): a line with a tab after its
//! first character is a tab-separated row; a line with a single leading tab is a cell.
//!
//! Plain text states no spans. Cells are 1×1 where they appear, and a merged cell shows as an
//! empty cell that holds its position; the normaliser reads the hierarchy from the gaps. Every
//! cell and paragraph carries the 1-based line of its first text, every grid its line range.
//!
//! ```
//! use jixiao_read::{Format, Limits, read};
//! use jixiao_grid::Block;
//!
//! let pasted = "绩效目标表\n\n一级指标\t二级指标\t指标值\n产出指标\t数量指标\t≥1145批次\n";
//! let document = read(Format::Text, pasted.as_bytes(), Some("txt"), &Limits::default())?;
//! assert_eq!(document.encoding.as_deref(), Some("utf-8"));
//! let Block::Table(grid) = &document.blocks[1] else { panic!("a table") };
//! assert_eq!(grid.row_cells(1)[2].text, "≥1145批次");
//! assert_eq!(grid.row_cells(1)[2].source.line, Some(4));
//! # Ok::<(), jixiao_read::ReadError>(())
//! ```

mod blank;
mod cells;
mod clean;
pub(crate) mod decode;
mod markdown;
mod pipe;
mod spaced;
mod tsv;

use jixiao_grid::{Cell, Diagnostic, GridBuilder, Location, Source};

use crate::{DocumentBuilder, ReadError};

/// Reads pasted text. Fails only for a file that is not text at all (empty, only whitespace,
/// binary data) or that passes a limit; anything odd inside is read as well as possible and
/// reported in the document's diagnostics. The file's extension, if any, helps decode the
/// bytes and names a mislabelled file.
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    let extension = document.extension().map(str::to_string);
    let extension = extension.as_deref();
    let decoded = decode::decode(bytes, extension)?;
    document.encoding(decoded.encoding);
    document.diagnostics(decoded.diagnostics);
    // A name that promises another format (archives hold tables exported as `.xls` or `.doc`
    // that are really text) is worth telling the user, but the content decides.
    if let Some(claimed) = extension.and_then(crate::Format::from_extension)
        && claimed != crate::Format::Text
    {
        document.diagnostic(jixiao_grid::Diagnostic::new(
            "mislabelled",
            format!(
                "the file is named .{} but holds plain text; it was read as text",
                extension.unwrap_or_default()
            ),
        ));
    }
    let mut sink = Sink::new(document);
    let text: &str = &decoded.text;
    match Dialect::of(text) {
        Dialect::CellPerLine => cells::parse(text, &mut sink)?,
        Dialect::Tsv => tsv::parse(text, &mut sink)?,
        Dialect::BlankLine => blank::parse(text, &mut sink)?,
        Dialect::PipeLines => pipe::parse(text, &mut sink)?,
        Dialect::Markdown => markdown::parse(text, &mut sink)?,
        Dialect::Spaced => spaced::parse(text, &mut sink)?,
    }
    sink.check_held()
}

/// How a document lays out its tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Each cell on its own line after a tab (Word's plain-text paste).
    CellPerLine,
    /// Each row on one line, cells split by tabs.
    Tsv,
    /// Each cell a line, a blank line between cells, two between rows ([`blank`]).
    BlankLine,
    /// Each cell a line ending in ` |`, rows started by `|` ([`pipe`]).
    PipeLines,
    /// Markdown pipe tables ([`markdown`]).
    Markdown,
    /// Columns aligned with spaces ([`spaced`]).
    Spaced,
}

/// What the lines of a document vote for.
#[derive(Debug, Default)]
struct Votes {
    tab_cells: usize,
    tab_rows: usize,
    pipe_cells: usize,
    pipe_bars: usize,
    markdown_rows: usize,
    markdown_rules: usize,
    empty_cells: usize,
    gapped: usize,
}

impl Dialect {
    /// Decides by votes, by content only.
    ///
    /// - A line with exactly one tab, at its start, is a cell-per-line cell; a line with a tab
    ///   anywhere after its first character is a tab-separated row (such a row may itself start
    ///   with a tab when its first cell is empty, so leading tabs alone decide nothing).
    /// - A Markdown table needs a rule line (`|---|`) and rows `| … |`.
    /// - The pipe-line dialect needs lines `text |` and bare `|` lines.
    /// - The blank-line dialect needs empty-cell lines (only spaces or `&nbsp;`) between blank
    ///   lines.
    /// - The space-aligned dialect needs lines with gaps of two spaces or more.
    ///
    /// Tabs win over the blank-line and space-aligned votes when they are at least as many.
    /// Ties between the two tab dialects, and text that votes for nothing, go to cell-per-line,
    /// which reads lines without tabs as paragraphs just as the other readers do.
    pub(crate) fn of(text: &str) -> Dialect {
        let votes = Votes::of(text);
        let tabs = votes.tab_cells + votes.tab_rows;
        if votes.markdown_rules >= 1 && votes.markdown_rows >= 2 && votes.markdown_rows > tabs {
            return Dialect::Markdown;
        }
        if votes.pipe_cells >= 2
            && votes.pipe_bars >= 2
            && votes.pipe_cells + votes.pipe_bars > tabs
        {
            return Dialect::PipeLines;
        }
        let tabs_win = tabs > 0 && tabs >= votes.empty_cells && tabs >= votes.gapped;
        if !tabs_win && votes.empty_cells >= 2 {
            return Dialect::BlankLine;
        }
        if !tabs_win && votes.gapped >= 3 {
            return Dialect::Spaced;
        }
        if votes.tab_rows > votes.tab_cells {
            Dialect::Tsv
        } else {
            Dialect::CellPerLine
        }
    }
}

impl Votes {
    fn of(text: &str) -> Votes {
        let mut votes = Votes::default();
        let mut previous_blank = true;
        let mut lines = text.split('\n').peekable();
        while let Some(line) = lines.next() {
            let bytes = line.as_bytes();
            match bytes.iter().skip(1).position(|&byte| byte == b'\t') {
                Some(_) => votes.tab_rows += 1,
                None if bytes.first() == Some(&b'\t') => votes.tab_cells += 1,
                None => {}
            }
            if markdown::is_rule(line) {
                votes.markdown_rules += 1;
            } else if markdown::is_row(line) {
                votes.markdown_rows += 1;
            } else if pipe::is_cell_line(line) {
                votes.pipe_cells += 1;
            } else if pipe::is_bar_line(line) {
                votes.pipe_bars += 1;
            }
            let next_blank = lines
                .peek()
                .is_none_or(|next| next.trim_end_matches('\r').is_empty());
            if previous_blank && next_blank && blank::is_empty_cell_line(line) {
                votes.empty_cells += 1;
            }
            if spaced::has_gap(line) {
                votes.gapped += 1;
            }
            previous_blank = line.trim_end_matches('\r').is_empty();
        }
        votes
    }
}

/// A cell as a dialect reader collects it, before the grid is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CellDraft {
    pub text: String,
    pub line: u32,
}

/// A row as a dialect reader collects it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RowDraft {
    pub cells: Vec<CellDraft>,
    pub first_line: u32,
    pub last_line: u32,
    /// Blank lines between the previous row and this one.
    pub blank_before: usize,
}

/// What the dialect readers add to the document: the text rules on top of the
/// [`DocumentBuilder`] (chrome and page numbers dropped, the text held kept in bounds).
#[derive(Debug)]
pub(crate) struct Sink<'d, 'l> {
    document: &'d mut DocumentBuilder<'l>,
    /// Bytes of text kept in paragraphs and cells so far.
    held: usize,
}

impl<'d, 'l> Sink<'d, 'l> {
    fn new(document: &'d mut DocumentBuilder<'l>) -> Self {
        Sink { document, held: 0 }
    }

    /// Fails once the text kept passes an eighth of `--max-inflate` (64 MiB at the default):
    /// a text file of hundreds of megabytes would otherwise be held twice, as bytes and as
    /// paragraphs.
    pub fn check_held(&self) -> Result<(), ReadError> {
        let limits = self.document.limits();
        let budget = usize::try_from(limits.max_inflate_entry / 8).unwrap_or(usize::MAX);
        if self.held > budget {
            return Err(ReadError::TooLarge(format!(
                "the file holds more than {} of text in its lines and cells, more than a \
                 pasted table holds (an eighth of the inflation limit; raise with --max-inflate)",
                crate::limits::human_bytes(budget as u64)
            )));
        }
        Ok(())
    }

    /// The index the next grid will have among the document's grids.
    pub fn next_grid(&self) -> u32 {
        self.document.next_grid()
    }

    /// Counts cells as they are collected, so that no input collects more than
    /// [`Limits::max_cells`](crate::Limits::max_cells) of them before its table is built.
    /// Paragraphs count too (see [`Sink::paragraph`]): a text file is the one format where a
    /// few bytes make a block (`a\n` repeated), and memory must stay bounded.
    pub fn count_cells(&mut self, cells: usize) -> Result<(), ReadError> {
        self.check_held()?;
        self.document.reserve(cells)
    }

    /// Fails once the time budget is spent; the readers call it every few thousand lines.
    pub fn check_time(&self, line_index: usize) -> Result<(), ReadError> {
        if line_index.is_multiple_of(4096) {
            self.document.check_time()
        } else {
            Ok(())
        }
    }

    /// Adds a paragraph; leading whitespace (indentation, full-width spaces) is dropped and an
    /// empty paragraph is not added.
    pub fn paragraph(&mut self, line: u32, text: &str) -> Result<(), ReadError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(());
        }
        if crate::chrome::is_page_chrome(text) {
            self.diagnostic(crate::chrome::removed(text, Source::line(line)));
            return Ok(());
        }
        self.held += text.len();
        self.check_held()?;
        self.document.reserve(1)?;
        self.document
            .paragraph(text.to_string(), Source::line(line));
        Ok(())
    }

    /// Reports a page number that was dropped.
    pub fn page_debris(&mut self, line: u32, text: &str) {
        self.diagnostic(
            Diagnostic::new(
                "page_number_removed",
                format!(
                    "line {line}: `{}` looks like a page number left by the tool the text was \
                     copied from; it was dropped",
                    text.trim()
                ),
            )
            .at(Location {
                line: Some(line),
                ..Location::default()
            }),
        );
    }

    pub fn diagnostic(&mut self, diagnostic: Diagnostic) {
        self.document.diagnostic(diagnostic);
    }

    /// Builds a grid from rows of 1×1 cells and adds it.
    pub fn table(&mut self, mut rows: Vec<RowDraft>) -> Result<(), ReadError> {
        // Chrome rows (索引号 | … | 发布机构 | …) are dropped where they enter.
        rows.retain(|row| {
            let first = row.cells.iter().find(|cell| !cell.text.trim().is_empty());
            match first {
                Some(cell) if crate::chrome::is_page_chrome(&cell.text) => {
                    self.document
                        .diagnostic(crate::chrome::removed(&cell.text, Source::line(cell.line)));
                    false
                }
                _ => true,
            }
        });
        let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
            return Ok(());
        };
        let location = Location {
            line: Some(first.first_line),
            line_end: Some(last.last_line),
            ..Location::default()
        };
        let mut builder = GridBuilder::new();
        for (row_index, row) in rows.into_iter().enumerate() {
            for (col_index, cell) in row.cells.into_iter().enumerate() {
                self.held += cell.text.len();
                builder
                    .push(Cell::new(row_index, col_index, cell.text).at(Source::line(cell.line)));
            }
        }
        self.document.grid(builder, location)
    }
}

/// Reads `text` as a `.txt` file under the default limits, as the dialects' tests do.
#[cfg(test)]
pub(crate) fn read_txt(text: &str) -> jixiao_grid::Document {
    crate::read(
        crate::Format::Text,
        text.as_bytes(),
        Some("txt"),
        &crate::Limits::default(),
    )
    .expect("reads")
}

/// A 1-based line number from a 0-based line index, saturating on absurd inputs.
pub(crate) fn line_number(index: usize) -> u32 {
    u32::try_from(index.saturating_add(1)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Limits;

    #[test]
    fn dialect_votes_on_interior_tabs() {
        assert_eq!(
            Dialect::of("标题\n\t项目编码\n\t930-0801\n\n\t项目名称\n"),
            Dialect::CellPerLine
        );
        assert_eq!(
            Dialect::of("项目名称\t办公设备\n\t\t一般公共预算资金\t3.5\n\t上年结转\n"),
            Dialect::Tsv
        );
        assert_eq!(Dialect::of("只有段落\n没有表格\n"), Dialect::CellPerLine);
    }

    #[test]
    fn dialects_of_web_copies_are_told_by_content() {
        assert_eq!(
            Dialect::of("| 一级指标 | 指标值 |\n|---|---|\n| 产出指标 | 5台 |\n"),
            Dialect::Markdown
        );
        assert_eq!(
            Dialect::of("|\n一级指标 |\n指标值 |\n|\n数量指标 |\n||\n"),
            Dialect::PipeLines
        );
        assert_eq!(
            Dialect::of("一级指标\n\n指标值\n\n\n&nbsp;\n\n5台\n\n\n  \n\n6台\n"),
            Dialect::BlankLine
        );
        assert_eq!(
            Dialect::of("一级指标  指标值\n产出指标  5台\n          6台\n"),
            Dialect::Spaced
        );
        // Paragraphs with a stray double space, and one line of spaces, stay paragraphs.
        assert_eq!(
            Dialect::of("第一段  有两个空格\n\n   \n\n第二段\n"),
            Dialect::CellPerLine
        );
    }

    #[test]
    fn too_many_cells_is_too_large() {
        let limits = Limits {
            max_cells: 5,
            ..Limits::default()
        };
        let error = crate::read(crate::Format::Text, b"a\tb\tc\nd\te\tf\n", None, &limits)
            .expect_err("over the limit");
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains("--max-cells"), "{error}");
        assert!(crate::read(crate::Format::Text, b"a\tb\tc\n", None, &limits).is_ok());
        let error = crate::read(crate::Format::Text, b"a\nb\nc\nd\ne\nf\n", None, &limits)
            .expect_err("too many lines");
        assert_eq!(error.code(), "too_large");
        let error = crate::read(
            crate::Format::Text,
            "a\t".repeat(100).as_bytes(),
            None,
            &limits,
        )
        .expect_err("a wide row");
        assert_eq!(error.code(), "too_large");
    }

    /// Pasted text made of the pieces the readers treat specially, in random order.
    fn random_text(seed: &mut u64, pieces: usize) -> String {
        const PIECES: [&str; 30] = [
            "\t",
            "\t",
            "\t",
            "\n",
            "\n",
            "\n",
            "\n\n",
            " ",
            "\r",
            "\u{3000}",
            "TC ",
            "\\f C ",
            "\\l 1 ",
            "\"",
            "TOC ",
            "PAGEREF _Toc1 ",
            "<p>",
            "</p>",
            "<input type=checkbox checked>",
            "<br",
            "&amp;",
            "&#",
            ";",
            "2",
            "- 3 -",
            "绩效目标表",
            "产出指标",
            "≤100优",
            "<0.5%",
            "一",
        ];
        let mut text = String::new();
        for _ in 0..pieces {
            // A linear congruential generator is enough to shuffle pieces reproducibly.
            *seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            text.push_str(PIECES[(*seed >> 33) as usize % PIECES.len()]);
        }
        text
    }

    #[test]
    fn random_pasted_text_never_panics_and_keeps_the_invariants() {
        let mut seed = 7;
        for round in 0..3000 {
            let text = random_text(&mut seed, 1 + round % 200);
            let Ok(document) = crate::read(
                crate::Format::Text,
                text.as_bytes(),
                Some("txt"),
                &Limits::default(),
            ) else {
                continue;
            };
            for grid in document.grids() {
                let first = grid.location.line.expect("a first line");
                let last = grid.location.line_end.expect("a last line");
                assert!(first <= last, "{text:?}");
                for cell in grid.cells() {
                    let line = cell.source.line.expect("a line");
                    assert!((first..=last).contains(&line), "{text:?}");
                    assert_eq!(cell.text.trim_end(), cell.text, "{text:?}");
                }
            }
        }
    }

    #[test]
    fn hostile_lines_take_linear_time() {
        // Each input is about 1 MB; a quadratic step would take minutes on any of them.
        let inputs = [
            " TC".repeat(300_000),
            " TC \\f".repeat(150_000),
            "<!--".repeat(250_000),
            "&#".repeat(500_000),
            "<p ".repeat(300_000),
            format!("{}\n{}", "\tx".repeat(1000), "\n\ty\n".repeat(200_000)),
        ];
        for input in inputs {
            let start = std::time::Instant::now();
            let document =
                crate::read_default(crate::Format::Text, input.as_bytes()).expect("reads");
            assert!(!document.blocks.is_empty());
            assert!(start.elapsed().as_secs() < 20, "{}", &input[..20]);
        }
    }

    #[test]
    fn input_size_limit_applies() {
        let limits = Limits {
            max_input_bytes: 4,
            ..Limits::default()
        };
        let error =
            crate::read(crate::Format::Text, b"12345", None, &limits).expect_err("over the limit");
        assert_eq!(error.code(), "too_large");
    }
}
