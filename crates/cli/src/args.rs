//! The command line: `jixiao extract`, `jixiao schema`, `jixiao inspect`, declared with clap's
//! derive API. Only parsing lives here; `main.rs` dispatches and the library does the work.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use jixiao::parse_size;
use jixiao::select::check_glob;
use jixiao_read::Limits;

/// Reads Chinese performance target tables (绩效目标表) from .docx, .doc, .xlsx, .xls, .pdf,
/// .html and pasted text, and writes them as structured JSON or CSV.
#[derive(Debug, Parser)]
#[command(name = "jixiao", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Extract every performance target table from files and folders.
    ///
    /// Each input becomes one JSON document: its project fields, budget, goals and indicators
    /// (一级 → 二级 → 三级指标 with parsed values). A file that cannot be read gives a document
    /// with `status: "failed"` and an error; the other inputs are still written.
    ///
    /// Output: one input file and no --format gives one pretty JSON document; several inputs or
    /// a folder give JSON Lines, one document per line, in sorted path order.
    ///
    /// Exit status: 0 when every input was read (`ok`, `partial`, or `empty`: read but holding
    /// no performance target table); 1 when some input could not be read (the others are still
    /// written); 2 for a usage error; 3 when the output could not be written.
    #[command(after_help = EXTRACT_EXAMPLES)]
    Extract(ExtractArgs),

    /// Print the JSON Schema (draft 2020-12) that every output document follows.
    Schema,

    /// Show what the reader saw in one file and what the normaliser made of it.
    ///
    /// Prints the detected format and encoding, the reader's notes, each table the normaliser
    /// found (its header row and the role of each header column, the rows read as fields,
    /// headers and indicators), and every grid drawn with its spans, each row marked with what
    /// became of it. Grids are numbered from 0, as `location.grid` in the output. Exits with 1
    /// when the file cannot be read.
    Inspect(InspectArgs),

    /// Write a review page: the grids read beside the tables extracted, for every input.
    ///
    /// One self-contained HTML file (no network; open it from disk in a browser) with an index
    /// of the documents (status, tables, indicators, warnings; sortable, filterable by status
    /// and warning code, with a search box) and, per table, the source grid with its merged
    /// cells beside the extracted fields and 一级 → 二级 → 三级 indicators. Cells are coloured
    /// by the role they got; clicking an indicator highlights its source cells, clicking a cell
    /// its indicators, and warnings are pinned to their cells. Takes the same inputs and
    /// options as `extract`; exit status as `extract`.
    #[command(after_help = REVIEW_EXAMPLES)]
    Review(ReviewArgs),

    /// Print a shell completion script for SHELL on standard output.
    ///
    /// bash: `jixiao completions bash > ~/.local/share/bash-completion/completions/jixiao`;
    /// zsh: write `_jixiao` into a folder of `$fpath`; fish:
    /// `jixiao completions fish > ~/.config/fish/completions/jixiao.fish`.
    Completions {
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },

    /// Print the manual page (roff) on standard output: `jixiao manpage > jixiao.1`.
    Manpage,
}

const EXTRACT_EXAMPLES: &str = "Examples:
  jixiao extract 2021/项目支出绩效目标表.docx
  jixiao extract archive/ -j 4 -o tables.jsonl
  jixiao extract archive/ --format csv -o indicators.csv
  jixiao extract archive/ --out-dir json/ --resume
  jixiao extract archive/ --format xlsx -o tables.xlsx
  jixiao extract archive/ --format parquet -o indicators.parquet
  jixiao extract archive/ -g '*2021*' --exclude 'drafts/**'
  find . -name '*.pdf' -print0 | jixiao extract --files-from - -0
  pbpaste | jixiao extract -

Exit status: 0 every input read (ok, partial or empty); 1 some input could not be read;
2 usage error; 3 the output could not be written.";

const REVIEW_EXAMPLES: &str = "Examples:
  jixiao review archive/ -o review.html
  jixiao review 2021/*.docx 2021/*.pdf -o review.html --title '2021 绩效目标表'";

#[derive(Debug, Args)]
pub struct ExtractArgs {
    #[command(flatten)]
    pub inputs: InputArgs,

    /// Output format. `json` gives one document for a single input file, else a JSON array;
    /// `jsonl` one compact document per line; `csv` one row per indicator (UTF-8 with BOM, for
    /// Excel; text cells starting with = + - @ get a leading '); `xlsx` a workbook with the
    /// sheets Documents, Tables and Indicators; `parquet` the CSV's rows with typed columns
    /// (xlsx and parquet need -o FILE, or a standard output that is not a terminal).
    #[arg(short = 'f', long, value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,

    /// Write to FILE instead of standard output. FILE is written under a temporary name and
    /// renamed when complete, so an interrupted run never leaves half a file.
    #[arg(short = 'o', long, value_name = "FILE", conflicts_with = "out_dir")]
    pub output: Option<PathBuf>,

    /// Write one pretty `<stem>.json` per input into DIR (created when missing), mirroring
    /// the folders: `archive/2021/表.docx` given as `archive` becomes `DIR/2021/表.json`; a
    /// file named directly goes to the top of DIR. When two inputs of one folder share a stem
    /// (`x.docx`, `x.pdf`), later ones get `<stem>.<ext>.json`, then `<stem>.<ext>-2.json`, …
    /// Each file is written whole or not at all.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// With --out-dir: skip each input whose output file already exists and records the same
    /// sha256 as the input's bytes now, so that an interrupted run goes on where it stopped.
    #[arg(long, requires = "out_dir")]
    pub resume: bool,

    /// Worker threads [default: one per core, also for 0].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// No progress bar and no summary on stderr.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The inputs of `extract` and `review`.
#[derive(Debug, Args)]
pub struct InputArgs {
    /// Files or folders to read; `-` reads standard input. A file named here is always read.
    /// Folders are walked recursively and only document-like files are taken from them
    /// (Word, Excel, PDF, HTML, or text with Chinese characters, decided by content; a file
    /// named .docx/.doc/.xlsx/.xls/.pdf/.html/.htm/.txt/.tsv/.csv is always taken); the others
    /// are listed in the summary as skipped. Hidden files, Office lock files `~$…` and
    /// `__MACOSX` are passed over. A zip archive of documents is read as a folder.
    #[arg(required_unless_present = "files_from", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Read more PATHs from FILE, one per line (`-`: standard input). Lines are paths as
    /// given, each a file or a folder; empty lines are ignored.
    #[arg(long, value_name = "FILE")]
    pub files_from: Option<PathBuf>,

    /// With --files-from, paths are separated by NUL bytes instead of lines (as `find
    /// -print0` writes them).
    #[arg(short = '0', long = "null", requires = "files_from")]
    pub null: bool,

    /// Take only the files in folders whose path (relative to the folder given) or name
    /// matches PATTERN (`*`, `?`, `[abc]`, `{a,b}`, `**`). Repeat for several: any may match.
    /// Files named directly are always taken.
    #[arg(short = 'g', long = "glob", value_name = "PATTERN", value_parser = check_glob)]
    pub globs: Vec<String>,

    /// Leave out the files and folders inside folders whose relative path or name matches
    /// PATTERN. Repeat for several.
    #[arg(long = "exclude", value_name = "PATTERN", value_parser = check_glob)]
    pub excludes: Vec<String>,

    /// Follow symbolic links inside folders (a folder reached twice is read once). Without
    /// it, links inside folders are listed as skipped; a link named directly is always
    /// followed.
    #[arg(short = 'L', long = "follow")]
    pub follow: bool,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    #[command(flatten)]
    pub inputs: InputArgs,

    /// The HTML file to write (written under a temporary name and renamed when complete).
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: PathBuf,

    /// The page's title [default: jixiao review].
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,

    /// Worker threads [default: one per core, also for 0].
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,

    /// No progress bar and no summary on stderr.
    #[arg(short = 'q', long)]
    pub quiet: bool,

    #[command(flatten)]
    pub limits: LimitArgs,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The file to show; `-` reads standard input.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Show whole cell texts, every line, instead of the first line cut to the column width.
    #[arg(long)]
    pub wide: bool,

    /// Print one JSON object (format, reader notes, tables with the rows read and the role of
    /// each cell, grids with their cells) instead of the text report.
    #[arg(long)]
    pub json: bool,

    /// Show only grid N (numbered from 0, as `location.grid`) and the rows read from it.
    #[arg(long, value_name = "N")]
    pub grid: Option<usize>,

    #[command(flatten)]
    pub limits: LimitArgs,
}

/// The output formats of `extract`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Jsonl,
    Csv,
    Xlsx,
    Parquet,
}

/// Caps that protect a batch from a hostile or broken file; a file over a cap fails with
/// `too_large` and its message names the flag that raises the cap. The defaults written in the
/// help are checked against `Limits::default()` by a test.
#[derive(Debug, Args)]
#[command(next_help_heading = "Limits")]
pub struct LimitArgs {
    /// Largest input file [default: 512M]. SIZE is bytes or a number with K, M, G or T
    /// (powers of 1024): 512M, 1G, 100K, 2MiB.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_input: Option<u64>,

    /// Most bytes one entry of a .docx/.xlsx may inflate to; all entries together may inflate
    /// to twice this [default: 512M].
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub max_inflate: Option<u64>,

    /// Deepest nesting of XML, HTML and PDF objects [default: 256 XML, 512 HTML, 32 PDF].
    #[arg(long, value_name = "N")]
    pub max_depth: Option<usize>,

    /// Most PDF pages read [default: 5000].
    #[arg(long, value_name = "N")]
    pub max_pages: Option<usize>,

    /// Most table cells one file may produce [default: 4000000].
    #[arg(long, value_name = "N")]
    pub max_cells: Option<usize>,

    /// Time budget per file in seconds; 0 for none [default: 120].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<u64>,

    /// What reads the .doc files that jixiao's own reader refuses (Word 6/95, damaged files):
    /// `soffice` converts them with LibreOffice, when it is installed [default: none].
    #[arg(long, value_name = "PROGRAM", value_parser = ["none", "soffice"], help_heading = "Reading")]
    pub doc_converter: Option<String>,
}

impl LimitArgs {
    /// The default limits with every given flag applied.
    pub fn to_limits(&self) -> Limits {
        let mut limits = Limits::default();
        if let Some(bytes) = self.max_input {
            limits.max_input_bytes = bytes;
        }
        if let Some(bytes) = self.max_inflate {
            limits.max_inflate_entry = bytes;
            limits.max_inflate_total = bytes.saturating_mul(2);
        }
        if let Some(depth) = self.max_depth {
            limits.max_xml_depth = depth;
            limits.max_html_depth = depth;
            limits.max_pdf_depth = depth;
        }
        if let Some(pages) = self.max_pages {
            limits.max_pdf_pages = pages;
        }
        if let Some(cells) = self.max_cells {
            limits.max_cells = cells;
        }
        if let Some(seconds) = self.timeout {
            limits.timeout = (seconds > 0).then(|| Duration::from_secs(seconds));
        }
        if self.doc_converter.as_deref() == Some("soffice") {
            limits.doc_converter = jixiao_read::doc::DocConverter::Soffice;
        }
        limits
    }
}
