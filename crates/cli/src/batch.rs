//! The batch engine: many inputs, a pool of workers, one writer, output in input order.
//!
//! This is the only place in jixiao with parallelism. Each file's work is single-threaded and
//! pure; files run side by side on a rayon pool of `jobs` threads, and their documents are
//! handed to a [`Sink`] on the calling thread strictly in input order (sorted paths), so that
//! the output of a run is the same whatever the number of threads.
//!
//! **Invariant (bounded memory):** a worker may start input `i` only once fewer than
//! `WINDOW_PER_JOB × jobs` inputs before it are still unwritten. Documents that finished early
//! wait in a reorder buffer no larger than that window, so memory does not grow with the number
//! of files, however slow one file is.
//!
//! ```no_run
//! use jixiao::batch::{self, Batch};
//! use jixiao::{Options, Standard};
//!
//! let inputs = batch::collect_inputs(&["tables/".into()]);
//! let mut documents = Vec::new();
//! let summary = Batch::new(Options::default(), 4)
//!     .run(&Standard, &inputs.inputs, &mut |document: &jixiao::Document| {
//!         documents.push(document.source.path.clone());
//!         Ok(())
//!     })?;
//! eprintln!("{}", summary.render());
//! # Ok::<(), std::io::Error>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

use crate::select::{self, Selection, Skipped};
use crate::{
    Document, ErrorCode, Extractor, Options, Source, Sources, Status, extract_bytes_keeping,
    extract_path_keeping, extract_stdin_keeping, panic_guard, read_file, sha256_hex,
};

/// How many inputs per worker thread may be in flight or waiting to be written.
pub const WINDOW_PER_JOB: usize = 4;

/// How many failed files the summary names; the rest are counted.
pub const SUMMARY_FAILURES_SHOWN: usize = 20;

/// One input of a batch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Input {
    /// Standard input (`-` on the command line).
    Stdin,
    /// A file, as named or as found in a folder. It may not exist: reading it then fails.
    File(PathBuf),
    /// A folder that could not be listed, with the reason.
    Unlistable { path: PathBuf, message: String },
    /// An entry of a zip archive of documents, read as a file of a folder.
    ZipEntry { archive: PathBuf, entry: String },
}

impl Input {
    /// The path as written in `source.path` (`-` for standard input).
    pub fn label(&self) -> String {
        match self {
            Input::Stdin => "-".to_string(),
            Input::File(path) | Input::Unlistable { path, .. } => {
                path.to_string_lossy().into_owned()
            }
            Input::ZipEntry { archive, entry } => format!("{}/{entry}", archive.display()),
        }
    }
}

/// The inputs of a batch, and whether they came from a single named file (which decides the
/// default output: one pretty document rather than JSON Lines).
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    pub inputs: Vec<Input>,
    /// True when exactly one argument was given and it was a file or `-`, not a folder.
    pub single: bool,
    /// The deepest folder that holds every argument (a folder argument itself, the folder of
    /// a file argument): the tree under it is what `--out-dir` mirrors.
    pub base: PathBuf,
    /// Files found in folders and not taken, with the reason (see [`crate::select`]).
    pub skipped: Vec<Skipped>,
}

/// Turns command-line arguments into the batch's inputs with the default selection: folders
/// walked recursively without following symbolic links, only document-like files taken from
/// them (see [`crate::select`] for the rules, and [`crate::select::collect`] for patterns and
/// links). A file named explicitly is always taken, and a path that does not exist is kept so
/// that it fails visibly. The result is sorted by path (standard input first) with duplicates
/// removed, which makes the output order stable.
pub fn collect_inputs(arguments: &[PathBuf]) -> Inputs {
    // Without patterns the selection cannot fail.
    select::collect(arguments, &Selection::default()).unwrap_or_default()
}

/// How a sink wants each document serialised. The batch engine does this on the worker that
/// extracted the document, so that serialising uses every core and the one thread that writes
/// in input order only copies bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Nothing: the sink reads the document itself.
    None,
    /// Compact JSON and a newline (JSON Lines).
    Json,
    /// Pretty JSON, without a trailing newline.
    JsonPretty,
    /// CSV rows, without byte order mark or header.
    CsvRows,
    /// The document's section of the review page, with the reader's grids beside the tables
    /// (see `jixiao_output::review`).
    Review,
}

impl Encoding {
    /// Serialises one document.
    pub fn encode(self, document: &Document) -> io::Result<Vec<u8>> {
        self.encode_with(0, document, None)
    }

    /// Serialises one document, the input's position in the batch and what the reader saw
    /// (used by [`Encoding::Review`] only).
    pub fn encode_with(
        self,
        index: usize,
        document: &Document,
        sources: Option<&Sources>,
    ) -> io::Result<Vec<u8>> {
        match self {
            Encoding::Review => {
                Ok(jixiao_output::review::document_section(index, document, sources).into_bytes())
            }
            Encoding::None => Ok(Vec::new()),
            Encoding::Json => jixiao_output::json_line(document),
            Encoding::JsonPretty => jixiao_output::json_pretty(document),
            Encoding::CsvRows => jixiao_output::csv_rows(document),
        }
    }
}

/// What the writer receives for one input: the facts the summary and the sinks need, the
/// bytes the sink's [`Encoding`] made on the worker, and the document itself only for a sink
/// that reads it ([`Encoding::None`]). Everything else was dropped on the worker, so that the
/// one writing thread neither serialises nor frees large documents.
#[derive(Debug)]
pub struct Finished {
    /// The input's position in the batch's input list.
    pub index: usize,
    /// True when `--resume` found the input's output already written for the same bytes: the
    /// input was not read again, and the sink writes nothing for it.
    pub resumed: bool,
    /// `source.path` of the document.
    pub path: String,
    pub status: Status,
    pub tables: usize,
    pub indicators: usize,
    pub error: Option<(ErrorCode, String)>,
    pub encoded: Vec<u8>,
    pub document: Option<Document>,
}

impl Finished {
    fn new(
        index: usize,
        document: Document,
        sources: Option<Sources>,
        encoding: Encoding,
    ) -> io::Result<Self> {
        let encoded = encoding.encode_with(index, &document, sources.as_ref())?;
        Ok(Finished {
            index,
            resumed: false,
            path: document.source.path.clone(),
            status: document.status,
            tables: document.tables.len(),
            indicators: document.indicator_count(),
            error: document
                .error
                .as_ref()
                .map(|error| (error.code, error.message.clone())),
            encoded,
            document: (encoding == Encoding::None).then_some(document),
        })
    }

    fn resumed(index: usize, path: String) -> Self {
        Finished {
            index,
            resumed: true,
            path,
            status: Status::Ok,
            tables: 0,
            indicators: 0,
            error: None,
            encoded: Vec::new(),
            document: None,
        }
    }
}

/// Where documents go, in input order. Implemented for closures over documents, so that a test
/// or an embedder can collect documents without writing a type.
pub trait Sink {
    /// How the batch engine should serialise documents for this sink, ahead of `write`.
    fn encoding(&self) -> Encoding {
        Encoding::None
    }

    /// Writes one input's result.
    fn write(&mut self, finished: &Finished) -> io::Result<()>;
}

impl<F: FnMut(&Document) -> io::Result<()>> Sink for F {
    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        // The encoding is `None`, so the document travelled with its facts.
        match &finished.document {
            Some(document) => self(document),
            None => Ok(()),
        }
    }
}

/// A batch run's settings.
#[derive(Debug, Clone)]
pub struct Batch {
    pub options: Options,
    /// Worker threads; at least 1.
    pub jobs: usize,
    /// Show a progress bar on stderr (the caller decides: only for a terminal and more than
    /// one input).
    pub progress: bool,
    /// `--resume`: the output file of each input (in input order). An input whose output
    /// exists and records the same `source.sha256` as the input's bytes now is not read again.
    pub resume: Option<Vec<PathBuf>>,
}

impl Batch {
    /// A batch of `jobs` workers (0 means one per core) without a progress bar.
    pub fn new(options: Options, jobs: usize) -> Self {
        let jobs = if jobs == 0 {
            std::thread::available_parallelism().map_or(1, usize::from)
        } else {
            jobs
        };
        Batch {
            options,
            jobs,
            progress: false,
            resume: None,
        }
    }

    /// The most inputs that may be started and not yet written.
    pub fn window(&self) -> usize {
        self.jobs.max(1).saturating_mul(WINDOW_PER_JOB)
    }

    /// Extracts every input with `extractor` and writes each document to `sink` in input order.
    /// Returns the counts of the run; fails only when the sink fails (the output cannot be
    /// written), in which case the workers stop after their current file.
    pub fn run<E: Extractor, S: Sink + ?Sized>(
        &self,
        extractor: &E,
        inputs: &[Input],
        sink: &mut S,
    ) -> io::Result<Summary> {
        let started = Instant::now();
        let mut summary = Summary::default();
        let jobs = self.jobs.max(1);
        let window = self.window();
        let failures = Arc::new(AtomicUsize::new(0));
        let progress = self.progress_bar(inputs.len(), &failures);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .thread_name(|index| format!("jixiao-worker-{index}"))
            .build()
            .map_err(|error| io::Error::other(format!("cannot start worker threads: {error}")))?;

        let next_input = AtomicUsize::new(0);
        let gate = Gate::default();
        let (sender, receiver) = mpsc::channel::<(usize, io::Result<Finished>)>();
        let encoding = sink.encoding();

        let worker = |sender: mpsc::Sender<(usize, io::Result<Finished>)>| {
            loop {
                let index = next_input.fetch_add(1, Ordering::Relaxed);
                let Some(input) = inputs.get(index) else {
                    break;
                };
                if !gate.wait_for_room(index, window) {
                    break;
                }
                if let Some(outputs) = &self.resume
                    && let Some(output) = outputs.get(index)
                    && already_written(input, output, &self.options)
                {
                    progress.inc(1);
                    let finished = Ok(Finished::resumed(index, input.label()));
                    if sender.send((index, finished)).is_err() {
                        break;
                    }
                    continue;
                }
                // The extractor's own panics are caught inside the pipeline; this catch covers
                // the pipeline's code around it, so that a bug there still costs one file and
                // never leaves the writer waiting for a document that will not come.
                let keep = encoding == Encoding::Review;
                let (document, sources) =
                    panic_guard::catch(|| extract_input(extractor, input, &self.options, keep))
                        .unwrap_or_else(|panic_message| {
                            let document = Document::failed(
                                Source::new(input.label()),
                                ErrorCode::Internal,
                                format!(
                                    "jixiao hit a bug while handling {} ({panic_message})",
                                    input.label()
                                ),
                                Vec::new(),
                            );
                            (document, None)
                        });
                if document.status == Status::Failed {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
                let finished = Finished::new(index, document, sources, encoding);
                progress.inc(1);
                if sender.send((index, finished)).is_err() {
                    // The writer stopped (the output failed): nothing more is wanted.
                    break;
                }
            }
        };

        let written = std::thread::scope(|scope| {
            scope.spawn(|| {
                pool.scope(|pool_scope| {
                    for _ in 0..jobs {
                        let sender = sender.clone();
                        let worker = &worker;
                        pool_scope.spawn(move |_| worker(sender));
                    }
                });
                // Dropping the last sender ends the writer's loop below.
                drop(sender);
            });
            // Whether the writer returns an error or unwinds from a panic in the sink, workers
            // waiting for room must be released, or the scope would wait for them forever.
            let _release = CancelOnDrop(&gate);
            write_in_order(receiver, sink, &gate, &mut summary)
        });
        progress.finish_and_clear();
        summary.elapsed = started.elapsed();
        written.map(|()| summary)
    }

    /// The progress bar: done/total, rate, ETA and failures. The failure count is read from
    /// the shared counter whenever the bar is drawn (at most a few times per second), rather
    /// than pushed on each failure, which would redraw the bar for every failed file.
    fn progress_bar(&self, total: usize, failures: &Arc<AtomicUsize>) -> ProgressBar {
        if !self.progress {
            return ProgressBar::hidden();
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        let failures = Arc::clone(failures);
        let style = ProgressStyle::with_template(
            "{pos}/{len} files [{bar:30}] {rate} · ETA {eta} · {failed} failed",
        )
        .map(|style| {
            style
                .progress_chars("=> ")
                .with_key("rate", |state: &ProgressState, out: &mut dyn fmt::Write| {
                    let _ = write!(out, "{:.0} files/s", state.per_sec());
                })
                .with_key(
                    "failed",
                    move |_: &ProgressState, out: &mut dyn fmt::Write| {
                        let _ = write!(out, "{}", failures.load(Ordering::Relaxed));
                    },
                )
        });
        if let Ok(style) = style {
            bar.set_style(style);
        }
        bar
    }
}

/// Receives results in completion order and hands them to the sink in input order.
fn write_in_order<S: Sink + ?Sized>(
    receiver: mpsc::Receiver<(usize, io::Result<Finished>)>,
    sink: &mut S,
    gate: &Gate,
    summary: &mut Summary,
) -> io::Result<()> {
    let mut waiting: BTreeMap<usize, io::Result<Finished>> = BTreeMap::new();
    let mut next_to_write = 0;
    for (index, finished) in receiver {
        waiting.insert(index, finished);
        while let Some(finished) = waiting.remove(&next_to_write) {
            let finished = finished?;
            sink.write(&finished)?;
            summary.count(&finished);
            next_to_write += 1;
            gate.advance(next_to_write);
        }
    }
    Ok(())
}

/// Cancels the gate when dropped: on every way out of the writer.
struct CancelOnDrop<'a>(&'a Gate);

impl Drop for CancelOnDrop<'_> {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The shared state that holds workers back until the writer has caught up.
#[derive(Debug, Default)]
struct Gate {
    state: Mutex<GateState>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct GateState {
    written: usize,
    cancelled: bool,
}

impl Gate {
    /// Blocks until input `index` is inside the window; false when the batch was cancelled.
    ///
    /// No deadlock: inputs are taken in increasing order, so the lowest unwritten input is
    /// always either being worked on or inside the window, and the writer can always advance.
    fn wait_for_room(&self, index: usize, window: usize) -> bool {
        // A poisoned lock only means another thread panicked while holding it; the two
        // counters are still meaningful, so the state is used as it is.
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while !state.cancelled && index >= state.written.saturating_add(window) {
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        !state.cancelled
    }

    fn advance(&self, written: usize) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.written = written;
        self.changed.notify_all();
    }

    fn cancel(&self) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.cancelled = true;
        self.changed.notify_all();
    }
}

/// True when `output` exists, is a document of this input, and records the sha256 of the
/// input's bytes as they are now. Any doubt (unreadable output, no hash) means false: the
/// input is read again.
fn already_written(input: &Input, output: &Path, options: &Options) -> bool {
    let Ok(text) = std::fs::read(output) else {
        return false;
    };
    let Some(recorded) = jixiao_output::recorded_sha256(&text) else {
        return false;
    };
    let bytes = match input {
        Input::File(path) => read_file(path, &options.limits).ok(),
        Input::ZipEntry { archive, entry } => read_zip_entry(archive, entry, options).ok(),
        Input::Stdin | Input::Unlistable { .. } => None,
    };
    bytes.is_some_and(|bytes| sha256_hex(&bytes) == recorded)
}

/// Inflates one entry of a zip archive of documents under the inflation limit, refusing an
/// entry whose declared size is over it before inflating a byte.
fn read_zip_entry(
    archive: &Path,
    entry: &str,
    options: &Options,
) -> Result<Vec<u8>, Box<Document>> {
    let label = format!("{}/{entry}", archive.display());
    let fail = |code: ErrorCode, message: String| {
        Box::new(Document::failed(
            Source::new(label.clone()),
            code,
            message,
            Vec::new(),
        ))
    };
    let file = File::open(archive).map_err(|error| {
        fail(
            ErrorCode::Unreadable,
            format!("cannot read {}: {error}", archive.display()),
        )
    })?;
    let mut zip = zip::ZipArchive::new(file).map_err(|error| {
        fail(
            ErrorCode::Unreadable,
            format!(
                "{} is not a readable zip archive: {error}",
                archive.display()
            ),
        )
    })?;
    let mut reader = zip.by_name(entry).map_err(|error| {
        let code = if error.to_string().contains("assword") {
            ErrorCode::Encrypted
        } else {
            ErrorCode::Unreadable
        };
        fail(
            code,
            format!("cannot read {entry} in {}: {error}", archive.display()),
        )
    })?;
    let limit = options.limits.max_inflate_entry;
    let too_large = || {
        fail(
            ErrorCode::TooLarge,
            format!(
                "{entry} in {} inflates past {} (raise with --max-inflate)",
                archive.display(),
                jixiao_read::limits::human_bytes(limit)
            ),
        )
    };
    if reader.size() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(reader.size()).unwrap_or(0));
    (&mut reader)
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| {
            fail(
                ErrorCode::Unreadable,
                format!("cannot inflate {entry} in {}: {error}", archive.display()),
            )
        })?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

fn extract_input<E: Extractor>(
    extractor: &E,
    input: &Input,
    options: &Options,
    keep: bool,
) -> (Document, Option<Sources>) {
    match input {
        Input::Stdin => extract_stdin_keeping(extractor, options, keep),
        Input::File(path) => extract_path_keeping(extractor, path, options, keep),
        Input::ZipEntry { archive, entry } => match read_zip_entry(archive, entry, options) {
            Ok(bytes) => extract_bytes_keeping(extractor, &bytes, &input.label(), options, keep),
            Err(document) => (*document, None),
        },
        Input::Unlistable { path, message } => (
            Document::failed(
                Source::new(path.to_string_lossy()),
                ErrorCode::Unreadable,
                message.clone(),
                Vec::new(),
            ),
            None,
        ),
    }
}

/// The counts of a batch, for the summary on stderr.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub files: usize,
    pub ok: usize,
    pub partial: usize,
    /// Read, but holding no performance target table (`no_tables`).
    pub empty: usize,
    pub failed: usize,
    /// Inputs not read again because `--resume` found their output up to date.
    pub resumed: usize,
    /// How many documents had each error code (`no_tables` included).
    pub errors: BTreeMap<String, usize>,
    /// Files found in folders and not taken (set by the caller from [`Inputs::skipped`]).
    pub skipped: Vec<Skipped>,
    pub tables: usize,
    pub indicators: usize,
    pub elapsed: Duration,
    /// The first [`SUMMARY_FAILURES_SHOWN`] failed files: path, code, message.
    pub failures: Vec<(String, ErrorCode, String)>,
}

impl Summary {
    fn count(&mut self, finished: &Finished) {
        self.files += 1;
        if finished.resumed {
            self.resumed += 1;
            return;
        }
        self.tables += finished.tables;
        self.indicators += finished.indicators;
        if let Some((code, _)) = &finished.error {
            *self.errors.entry(code.name().to_string()).or_default() += 1;
        }
        match finished.status {
            Status::Ok => self.ok += 1,
            Status::Partial => self.partial += 1,
            Status::Empty => self.empty += 1,
            Status::Failed => {
                self.failed += 1;
                if self.failures.len() < SUMMARY_FAILURES_SHOWN
                    && let Some((code, message)) = &finished.error
                {
                    self.failures
                        .push((finished.path.clone(), *code, message.clone()));
                }
            }
        }
    }

    /// A few lines for stderr: the counts, the count of each error code, each failed file and
    /// each skipped file (up to a limit).
    pub fn render(&self) -> String {
        let mut text = format!(
            "{} files: {} ok, {} partial, {} empty, {} failed",
            self.files, self.ok, self.partial, self.empty, self.failed,
        );
        if self.resumed > 0 {
            let _ = write!(text, ", {} already done (--resume)", self.resumed);
        }
        let _ = writeln!(
            text,
            "; {} tables, {} indicators; {:.2} s",
            self.tables,
            self.indicators,
            self.elapsed.as_secs_f64()
        );
        if !self.errors.is_empty() {
            let counts: Vec<String> = self
                .errors
                .iter()
                .map(|(code, count)| format!("{count} {code}"))
                .collect();
            let _ = writeln!(text, "  error codes: {}", counts.join(", "));
        }
        for (path, code, message) in &self.failures {
            // Writing into a String cannot fail.
            let _ = writeln!(text, "  failed {path}: {code}: {message}");
        }
        if self.failed > self.failures.len() {
            let _ = writeln!(
                text,
                "  … and {} more failed files (see the output)",
                self.failed - self.failures.len()
            );
        }
        if !self.skipped.is_empty() {
            let _ = writeln!(
                text,
                "  {} files skipped (not documents; name them to read them anyway):",
                self.skipped.len()
            );
            for skipped in self.skipped.iter().take(SUMMARY_FAILURES_SHOWN) {
                let _ = writeln!(text, "  skipped {}: {}", skipped.path, skipped.reason);
            }
            if self.skipped.len() > SUMMARY_FAILURES_SHOWN {
                let _ = writeln!(
                    text,
                    "  … and {} more skipped files",
                    self.skipped.len() - SUMMARY_FAILURES_SHOWN
                );
            }
        }
        text
    }
}
