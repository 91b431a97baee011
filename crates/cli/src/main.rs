//! The `jixiao` binary: parses the command line and dispatches to the library. Everything that
//! does work lives in the library (`extract_*`, `batch`, `sink`, `inspect`) so that tests and
//! embedders use the same code; this file only chooses the writer, prints the summary and turns
//! the outcome into an exit status (0 all read, 1 some input failed, 2 usage, from clap).

mod args;

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use anyhow::Context;
use clap::{CommandFactory, Parser};
use jixiao::batch::{self, Batch, Summary};
use jixiao::sink::{Csv, JsonArray, JsonDocument, JsonLines, OutDir};
use jixiao::{Options, Standard};

use args::{Cli, Command, ExtractArgs, OutputFormat};

// Reading a file makes and frees many small strings (cells, keys, values). mimalloc keeps a
// heap per thread, which measured faster than the system allocator on one thread and kept
// workers from contending for memory on sixteen.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            // A reader that stopped reading (`jixiao extract dir | head`) is not an error the
            // user needs to hear about.
            let broken_pipe = error
                .downcast_ref::<io::Error>()
                .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe);
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("jixiao: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Schema => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(jixiao_output::schema_json().as_bytes())?;
            stdout.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Inspect(args) => {
            let options = Options {
                limits: args.limits.to_limits(),
            };
            match jixiao::inspect(&args.file, &options) {
                Ok(report) => {
                    let mut stdout = io::stdout().lock();
                    stdout.write_all(report.as_bytes())?;
                    stdout.flush()?;
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
    }
}

fn extract(args: ExtractArgs) -> anyhow::Result<ExitCode> {
    if args.out_dir.is_some()
        && matches!(args.format, Some(OutputFormat::Jsonl | OutputFormat::Csv))
    {
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--out-dir writes one JSON document per input; it cannot be combined with \
                 --format jsonl or csv (use -o FILE for those)",
            )
            .exit();
    }
    let options = Options {
        limits: args.limits.to_limits(),
    };
    // Inputs are collected before the output file is created, so that an output written into
    // an input folder is never read as an input.
    let collected = batch::collect_inputs(&args.paths);
    if collected.inputs.is_empty() && !args.quiet {
        eprintln!("jixiao: no files found in the given folders");
    }
    let mut batch = Batch::new(options, args.jobs.unwrap_or(0));
    batch.progress = !args.quiet && collected.inputs.len() > 1 && io::stderr().is_terminal();
    let inputs = &collected.inputs;

    let summary = if let Some(folder) = &args.out_dir {
        let mut sink = OutDir::new(folder)?;
        batch.run(&Standard, inputs, &mut sink)?
    } else {
        let output = open_output(&args)?;
        let format = args.format.unwrap_or(if collected.single {
            OutputFormat::Json
        } else {
            OutputFormat::Jsonl
        });
        match format {
            OutputFormat::Json if collected.single => {
                let mut sink = JsonDocument::new(output);
                let summary = batch.run(&Standard, inputs, &mut sink)?;
                sink.finish()?;
                summary
            }
            OutputFormat::Json => {
                let mut sink = JsonArray::new(output);
                let summary = batch.run(&Standard, inputs, &mut sink)?;
                sink.finish()?;
                summary
            }
            OutputFormat::Jsonl => {
                let mut sink = JsonLines::new(output);
                let summary = batch.run(&Standard, inputs, &mut sink)?;
                sink.finish()?;
                summary
            }
            OutputFormat::Csv => {
                let mut sink = Csv::new(output)?;
                let summary = batch.run(&Standard, inputs, &mut sink)?;
                sink.finish()?.flush()?;
                summary
            }
        }
    };
    if !args.quiet {
        report(&summary, inputs.len());
    }
    Ok(if summary.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The output stream: `-o FILE` or standard output, buffered either way.
fn open_output(args: &ExtractArgs) -> anyhow::Result<Box<dyn Write>> {
    Ok(match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).with_context(|| format!("cannot create {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    })
}

/// The summary on stderr: always for more than one input; for one input, only its failure.
fn report(summary: &Summary, inputs: usize) {
    if inputs > 1 {
        eprint!("{}", summary.render());
    } else if let Some((path, code, message)) = summary.failures.first() {
        eprintln!("jixiao: {path}: {code}: {message}");
    }
}
