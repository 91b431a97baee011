//! The `jixiao` binary: parses the command line and dispatches to the library. Everything that
//! does work lives in the library (`extract_*`, `batch`, `sink`, `inspect`) so that tests and
//! embedders use the same code; this file only chooses the writer, prints the summary and turns
//! the outcome into an exit status (0 all read, 1 some input failed, 2 usage, 3 the output could
//! not be written).

mod args;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser};
use jixiao::batch::{Batch, Summary};
use jixiao::select::{self, Selection};
use jixiao::sink::{
    AtomicFile, Csv, JsonArray, JsonDocument, JsonLines, OutDir, Parquet, ReviewPage, Xlsx,
    out_dir_paths,
};
use jixiao::{InspectOptions, Options, Standard};

use args::{Cli, Command, ExtractArgs, InputArgs, OutputFormat, ReviewArgs};

// Reading a file makes and frees many small strings (cells, keys, values). mimalloc keeps a
// heap per thread, which measured faster than the system allocator on one thread and kept
// workers from contending for memory on sixteen.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when every input was read.
const EXIT_OK: u8 = 0;
/// Exit status when some input could not be read.
const EXIT_INPUT_FAILED: u8 = 1;
/// Exit status for a usage error (clap uses it too).
const EXIT_USAGE: u8 = 2;
/// Exit status when the output could not be written.
const EXIT_OUTPUT_FAILED: u8 = 3;

/// An error that ends the run, with the exit status it gives.
#[derive(Debug)]
struct Failure {
    status: u8,
    error: anyhow::Error,
}

impl Failure {
    fn output(error: impl Into<anyhow::Error>) -> Self {
        Failure {
            status: EXIT_OUTPUT_FAILED,
            error: error.into(),
        }
    }

    fn usage(message: String) -> Self {
        Failure {
            status: EXIT_USAGE,
            error: anyhow::anyhow!(message),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure { status, error }) => {
            // A reader that stopped reading (`jixiao extract dir | head`) is not an error the
            // user needs to hear about.
            let broken_pipe = error.chain().any(|cause| {
                cause
                    .downcast_ref::<io::Error>()
                    .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("jixiao: {error:#}");
            ExitCode::from(status)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Schema => {
            print_bytes(jixiao_output::schema_json().as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "jixiao", &mut script);
            print_bytes(&script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Manpage => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut page)
                .map_err(Failure::output)?;
            print_bytes(&page)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect(args) => {
            let options = Options {
                limits: args.limits.to_limits(),
            };
            let show = InspectOptions {
                wide: args.wide,
                json: args.json,
                grid: args.grid,
            };
            match jixiao::inspect(&args.file, &options, &show) {
                Ok(report) => {
                    print_bytes(report.as_bytes())?;
                    Ok(ExitCode::SUCCESS)
                }
                Err(error) => {
                    eprintln!(
                        "jixiao: {}: {}: {}",
                        args.file.display(),
                        error.code,
                        error.message
                    );
                    Ok(ExitCode::FAILURE)
                }
            }
        }
        Command::Extract(args) => extract(args),
        Command::Review(args) => review(args),
    }
}

fn print_bytes(bytes: &[u8]) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    stdout.write_all(bytes).map_err(Failure::output)?;
    stdout.flush().map_err(Failure::output)
}

fn usage_error(message: &str) -> ! {
    Cli::command()
        .error(clap::error::ErrorKind::ArgumentConflict, message)
        .exit()
}

fn extract(args: ExtractArgs) -> Result<ExitCode, Failure> {
    if args.out_dir.is_some()
        && matches!(
            args.format,
            Some(
                OutputFormat::Jsonl
                    | OutputFormat::Csv
                    | OutputFormat::Xlsx
                    | OutputFormat::Parquet
            )
        )
    {
        usage_error(
            "--out-dir writes one JSON document per input; it cannot be combined with \
             --format jsonl, csv, xlsx or parquet (use -o FILE for those)",
        );
    }
    if args.output.is_none() && io::stdout().is_terminal() {
        match args.format {
            Some(OutputFormat::Xlsx) => {
                usage_error("--format xlsx writes a binary workbook: give -o FILE.xlsx")
            }
            Some(OutputFormat::Parquet) => {
                usage_error("--format parquet writes a binary file: give -o FILE.parquet")
            }
            _ => {}
        }
    }
    let (collected, mut batch) = start_batch(&args.inputs, &args.limits, args.jobs, args.quiet)?;
    let inputs = &collected.inputs;

    let mut summary = if let Some(folder) = &args.out_dir {
        let paths = out_dir_paths(&collected);
        if args.resume {
            batch.resume = Some(paths.iter().map(|path| folder.join(path)).collect());
        }
        let mut sink = OutDir::new(folder, paths).map_err(Failure::output)?;
        batch
            .run(&Standard, inputs, &mut sink)
            .map_err(Failure::output)?
    } else {
        let format = args.format.unwrap_or(if collected.single {
            OutputFormat::Json
        } else {
            OutputFormat::Jsonl
        });
        let mut output = Output::open(args.output.as_deref())?;
        let summary = match format {
            OutputFormat::Json if collected.single => {
                let mut sink = JsonDocument::new(&mut output);
                let summary = batch.run(&Standard, inputs, &mut sink);
                finish(summary, sink.finish().map(drop))?
            }
            OutputFormat::Json => {
                let mut sink = JsonArray::new(&mut output);
                let summary = batch.run(&Standard, inputs, &mut sink);
                finish(summary, sink.finish().map(drop))?
            }
            OutputFormat::Jsonl => {
                let mut sink = JsonLines::new(&mut output);
                let summary = batch.run(&Standard, inputs, &mut sink);
                finish(summary, sink.finish().map(drop))?
            }
            OutputFormat::Csv => {
                let mut sink = Csv::new(&mut output).map_err(Failure::output)?;
                let summary = batch.run(&Standard, inputs, &mut sink);
                finish(summary, sink.finish().and_then(|output| output.flush()))?
            }
            OutputFormat::Xlsx => {
                let mut sink = Xlsx::new().map_err(Failure::output)?;
                let summary = batch.run(&Standard, inputs, &mut sink);
                finish(summary, sink.finish(&mut output))?
            }
            OutputFormat::Parquet => {
                let mut sink = Parquet::new(&mut output).map_err(Failure::output)?;
                let summary = batch.run(&Standard, inputs, &mut sink);
                finish(summary, sink.finish().map(drop))?
            }
        };
        output.commit().map_err(Failure::output)?;
        summary
    };
    summary.skipped = collected.skipped.clone();
    if !args.quiet {
        report(&summary, inputs.len());
    }
    Ok(ExitCode::from(if summary.failed > 0 {
        EXIT_INPUT_FAILED
    } else {
        EXIT_OK
    }))
}

/// The inputs named on the command line, folders walked. Inputs are collected before the
/// output file is created, so that an output written into an input folder is never read as an
/// input.
/// The inputs of `extract` and `review`, and the batch that reads them: its limits, its
/// threads, and a progress bar when several inputs go to a terminal.
fn start_batch(
    inputs: &InputArgs,
    limits: &args::LimitArgs,
    jobs: Option<usize>,
    quiet: bool,
) -> Result<(jixiao::batch::Inputs, Batch), Failure> {
    let options = Options {
        limits: limits.to_limits(),
    };
    let collected = collect_inputs(inputs, quiet)?;
    let mut batch = Batch::new(options, jobs.unwrap_or(0));
    batch.progress = !quiet && collected.inputs.len() > 1 && io::stderr().is_terminal();
    Ok((collected, batch))
}

fn collect_inputs(args: &InputArgs, quiet: bool) -> Result<jixiao::batch::Inputs, Failure> {
    let mut paths = args.paths.clone();
    if let Some(list) = &args.files_from {
        if list.as_os_str() == "-" && paths.iter().any(|path| path.as_os_str() == "-") {
            usage_error("--files-from - and the input - both want standard input");
        }
        paths.extend(read_path_list(list, args.null).map_err(Failure::usage)?);
    }
    let selection = Selection {
        follow_links: args.follow,
        globs: args.globs.clone(),
        excludes: args.excludes.clone(),
    };
    let collected = select::collect(&paths, &selection).map_err(Failure::usage)?;
    if collected.inputs.is_empty() && !quiet {
        if collected.skipped.is_empty() {
            eprintln!("jixiao: no files found in the given folders");
        } else {
            eprintln!(
                "jixiao: no documents found; {} files skipped (see below)",
                collected.skipped.len()
            );
        }
    }
    Ok(collected)
}

/// `jixiao review`: the batch of `extract`, written as one HTML review page.
fn review(args: ReviewArgs) -> Result<ExitCode, Failure> {
    let (collected, batch) = start_batch(&args.inputs, &args.limits, args.jobs, args.quiet)?;
    let inputs = &collected.inputs;
    let mut output = Output::open(Some(&args.output))?;
    let title = args.title.as_deref().unwrap_or("jixiao review");
    let mut sink = ReviewPage::new(&mut output, title).map_err(Failure::output)?;
    let summary = batch.run(&Standard, inputs, &mut sink);
    let mut summary = finish(summary, sink.finish().map(drop))?;
    output.commit().map_err(Failure::output)?;
    summary.skipped = collected.skipped.clone();
    if !args.quiet {
        report(&summary, inputs.len());
    }
    Ok(ExitCode::from(if summary.failed > 0 {
        EXIT_INPUT_FAILED
    } else {
        EXIT_OK
    }))
}

/// The summary of a run, unless the run or the sink's last writes failed.
fn finish(summary: io::Result<Summary>, finished: io::Result<()>) -> Result<Summary, Failure> {
    let summary = summary.map_err(Failure::output)?;
    finished.map_err(Failure::output)?;
    Ok(summary)
}

/// Reads `--files-from`: paths one per line, or NUL-separated with `-0`.
fn read_path_list(list: &Path, null: bool) -> Result<Vec<PathBuf>, String> {
    let mut bytes = Vec::new();
    let read = if list.as_os_str() == "-" {
        io::stdin().lock().read_to_end(&mut bytes)
    } else {
        File::open(list).and_then(|mut file| file.read_to_end(&mut bytes))
    };
    read.map_err(|error| format!("cannot read the list {}: {error}", list.display()))?;
    let separator = if null { b'\0' } else { b'\n' };
    Ok(bytes
        .split(|&byte| byte == separator)
        .map(|line| {
            if null {
                line
            } else {
                line.strip_suffix(b"\r").unwrap_or(line)
            }
        })
        .filter(|line| !line.is_empty())
        .map(path_from_bytes)
        .collect())
}

#[cfg(unix)]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(bytes))
}

#[cfg(not(unix))]
fn path_from_bytes(bytes: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(bytes).into_owned())
}

/// The output stream: `-o FILE` (written atomically), a device or pipe named by `-o` (written
/// in place: `/dev/null` must never be renamed over), or standard output, buffered each way.
enum Output {
    File(AtomicFile),
    Special(BufWriter<std::fs::File>),
    Stdout(BufWriter<io::StdoutLock<'static>>),
}

impl Output {
    fn open(path: Option<&Path>) -> Result<Self, Failure> {
        Ok(match path {
            Some(path) if std::fs::metadata(path).is_ok_and(|metadata| !metadata.is_file()) => {
                Output::Special(BufWriter::new(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open(path)
                        .with_context(|| format!("cannot open {}", path.display()))
                        .map_err(Failure::output)?,
                ))
            }
            Some(path) => Output::File(
                AtomicFile::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))
                    .map_err(Failure::output)?,
            ),
            None => Output::Stdout(BufWriter::new(io::stdout().lock())),
        })
    }

    /// Flushes standard output, or renames the finished file into place.
    fn commit(self) -> io::Result<()> {
        match self {
            Output::File(file) => file.commit(),
            Output::Special(mut special) => special.flush(),
            Output::Stdout(mut stdout) => stdout.flush(),
        }
    }
}

impl Write for Output {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Output::File(file) => file.write(bytes),
            Output::Special(special) => special.write(bytes),
            Output::Stdout(stdout) => stdout.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::File(file) => file.flush(),
            Output::Special(special) => special.flush(),
            Output::Stdout(stdout) => stdout.flush(),
        }
    }
}

/// The summary on stderr: always for more than one input or any skipped file; for one input,
/// only its failure.
fn report(summary: &Summary, inputs: usize) {
    if inputs > 1 || !summary.skipped.is_empty() {
        eprint!("{}", summary.render());
    } else if let Some((path, code, message)) = summary.failures.first() {
        eprintln!("jixiao: {path}: {code}: {message}");
    } else if let Some(count) = summary.errors.get("no_tables")
        && *count > 0
        && inputs == 1
    {
        eprintln!("jixiao: {}", jixiao_output::NO_TABLES_MESSAGE);
    }
}
