//! # `jixiao._jixiao`
//!
//! The native half of the `jixiao` Python package (the Python half is `python/jixiao/`, which
//! wraps these functions with docstrings, type hints and `json.loads`). Every function that
//! reads files releases the GIL while it works, so that Python threads and Spark's Python
//! workers run side by side.
//!
//! Documents cross into Python as the same compact JSON the command line writes (`jixiao
//! extract -f jsonl`), so a document in Python is the CLI's document, byte for byte once
//! dumped again. Indicator rows are `jixiao_output`'s [`IndicatorRow`]s, the rows of the CSV
//! and xlsx outputs: as dicts for `indicator_rows`, and as Arrow IPC streams (built by
//! `jixiao_output::arrow_rows`) for `to_arrow` and Spark, which PyArrow reads without a copy of
//! the column data.
//!
//! **Boundary:** parallelism over files is the batch engine's (`jixiao::batch`); this crate
//! only feeds it inputs and hands its output to Python.

mod documents;
mod limits;

use std::io;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

use arrow_array::RecordBatch;
use arrow_ipc::writer::StreamWriter;
use arrow_schema::{ArrowError, SchemaRef};
use jixiao::batch::{self, Batch, Encoding, Finished, Sink};
use jixiao::{Document, Standard};
use jixiao_output::{Cell, INDICATOR_COLUMNS, IndicatorRow, RowBatchBuilder};
use pyo3::exceptions::{PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict, PyString};

// The same allocator as the command line: reading a file makes and frees many small strings,
// and mimalloc's per-thread heaps keep the worker threads from contending.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Extracts one file by path; returns the document as compact JSON. `name`, when given,
/// replaces the path as `source.path`.
#[pyfunction]
#[pyo3(signature = (path, name=None, limits=None))]
fn extract_path(
    py: Python<'_>,
    path: PathBuf,
    name: Option<String>,
    limits: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let options = limits::options(limits)?;
    py.detach(move || {
        let mut document = jixiao::extract_path(&path, &options);
        if let Some(name) = name {
            document.source.path = name;
        }
        to_json(&document)
    })
}

/// Extracts one file's bytes; `name` is written as `source.path` and its extension breaks
/// format ties. Returns the document as compact JSON.
#[pyfunction]
#[pyo3(signature = (data, name, limits=None))]
fn extract_bytes(
    py: Python<'_>,
    data: &[u8],
    name: &str,
    limits: Option<&Bound<'_, PyDict>>,
) -> PyResult<String> {
    let options = limits::options(limits)?;
    py.detach(|| to_json(&jixiao::extract_bytes(data, name, &options)))
}

fn to_json(document: &Document) -> PyResult<String> {
    jixiao_output::json_compact(document)
        .map_err(|error| PyRuntimeError::new_err(error.to_string()))
}

fn parse_document(json: &str) -> PyResult<Document> {
    jixiao_output::document_from_json(json)
        .map_err(|error| PyValueError::new_err(format!("not a jixiao document: {error}")))
}

/// A document's JSON text given as `str` or as UTF-8 `bytes` (what `orjson.dumps` returns),
/// copied out so that it can be parsed with the GIL released.
fn json_text(value: &Bound<'_, PyAny>) -> PyResult<String> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return String::from_utf8(bytes.as_bytes().to_vec()).map_err(|error| {
            PyValueError::new_err(format!("not a jixiao document: not UTF-8 ({error})"))
        });
    }
    value.extract::<String>().map_err(|_| {
        PyTypeError::new_err(format!(
            "a document's JSON must be str or bytes, not {}",
            value
                .get_type()
                .name()
                .map_or_else(|_| "?".to_string(), |name| name.to_string())
        ))
    })
}

/// The documents of many files, in the order of the given paths (a folder's files in sorted
/// order), extracted by the batch engine on `jobs` threads while Python reads them.
///
/// The engine runs on a thread of its own and hands each document, serialised on the worker
/// that read it, to a bounded channel; `__next__` waits on that channel with the GIL released.
/// Dropping the stream closes the channel, which stops the engine.
#[pyclass(module = "jixiao._jixiao")]
struct DocumentStream {
    receiver: Arc<Mutex<Receiver<Vec<u8>>>>,
}

/// The batch engine's sink: each document's JSON line into the channel.
struct ChannelSink(SyncSender<Vec<u8>>);

impl Sink for ChannelSink {
    fn encoding(&self) -> Encoding {
        Encoding::Json
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        self.0.send(finished.encoded.clone()).map_err(|_| {
            io::Error::new(io::ErrorKind::BrokenPipe, "the Python iterator was closed")
        })
    }
}

#[pymethods]
impl DocumentStream {
    #[new]
    #[pyo3(signature = (paths, jobs=None, limits=None))]
    fn new(
        paths: Vec<PathBuf>,
        jobs: Option<usize>,
        limits: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let options = limits::options(limits)?;
        // Each argument is expanded on its own, so that the given order is kept.
        let inputs: Vec<batch::Input> = paths
            .iter()
            .flat_map(|path| batch::collect_inputs(std::slice::from_ref(path)).inputs)
            .collect();
        let batch = Batch::new(options, jobs.unwrap_or(0));
        let (sender, receiver) = sync_channel(batch.jobs.max(1) * batch::WINDOW_PER_JOB);
        std::thread::Builder::new()
            .name("jixiao-batch".to_string())
            .spawn(move || {
                // An error here only means the iterator was dropped: nothing waits for more.
                let _ = batch.run(&Standard, &inputs, &mut ChannelSink(sender));
            })
            .map_err(|error| {
                PyRuntimeError::new_err(format!("cannot start the batch thread: {error}"))
            })?;
        Ok(DocumentStream {
            receiver: Arc::new(Mutex::new(receiver)),
        })
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// The next document as compact JSON bytes, or `None` (StopIteration) at the end.
    fn __next__<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyBytes>> {
        let receiver = Arc::clone(&self.receiver);
        let next = py.detach(move || {
            receiver
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .recv()
                .ok()
        });
        next.map(|bytes| PyBytes::new(py, &bytes))
    }
}

/// The indicator rows of one document (given as JSON, `str` or `bytes`) as dicts, typed as in
/// the Arrow schema: text as `str`, numbers as `float`, integers as `int`, booleans as `bool`,
/// absent as `None`.
#[pyfunction]
fn indicator_rows<'py>(
    py: Python<'py>,
    document: &Bound<'py, PyAny>,
) -> PyResult<Vec<Bound<'py, PyDict>>> {
    let document = parse_document(&json_text(document)?)?;
    // One key string per column, shared by every row's dict.
    let keys: Vec<Bound<'py, PyString>> = INDICATOR_COLUMNS
        .iter()
        .map(|(name, _)| PyString::new(py, name))
        .collect();
    jixiao_output::indicator_rows(&document)
        .iter()
        .map(|row| row_dict(py, &keys, row))
        .collect()
}

fn row_dict<'py>(
    py: Python<'py>,
    keys: &[Bound<'py, PyString>],
    row: &IndicatorRow,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (name, cell) in keys.iter().zip(row.cells()) {
        match cell {
            Cell::Text(text) => dict.set_item(name, text)?,
            Cell::Number(number) => dict.set_item(name, number)?,
            Cell::Integer(integer) => dict.set_item(name, integer)?,
            Cell::Boolean(boolean) => dict.set_item(name, boolean)?,
        }
    }
    Ok(dict)
}

/// The indicator rows of documents (each given as JSON, `str` or `bytes`) as one Arrow IPC
/// stream.
#[pyfunction]
fn rows_ipc<'py>(
    py: Python<'py>,
    documents: Vec<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let documents = documents
        .iter()
        .map(json_text)
        .collect::<PyResult<Vec<String>>>()?;
    let bytes =
        py.detach(move || rows_stream(documents.iter().map(|json| parse_document(json))))?;
    Ok(PyBytes::new(py, &bytes))
}

/// The schema of the indicator rows as an Arrow IPC stream without rows.
#[pyfunction]
fn rows_schema_ipc(py: Python<'_>) -> PyResult<Bound<'_, PyBytes>> {
    let empty = RecordBatch::new_empty(jixiao_output::row_schema());
    Ok(PyBytes::new(
        py,
        &ipc_stream(jixiao_output::row_schema(), empty)?,
    ))
}

/// The schema of the document table (`jixiao.spark.read_tables`) as an Arrow IPC stream
/// without rows.
#[pyfunction]
fn documents_schema_ipc(py: Python<'_>) -> PyResult<Bound<'_, PyBytes>> {
    let empty = RecordBatch::new_empty(documents::schema());
    Ok(PyBytes::new(py, &ipc_stream(documents::schema(), empty)?))
}

/// Extracts files already in memory (Spark's `binaryFile` rows: path and content), one after
/// the other on the calling thread, and returns their indicator rows (`what = "rows"`) or one
/// row per document (`what = "documents"`) as an Arrow IPC stream. A missing content is a
/// failed document; no input makes this raise.
///
/// Spark runs one task per core, so a task works on one file at a time.
#[pyfunction]
#[pyo3(signature = (paths, contents, what, limits=None))]
fn extract_contents_ipc<'py>(
    py: Python<'py>,
    paths: Vec<String>,
    contents: Vec<Option<Bound<'py, PyBytes>>>,
    what: &str,
    limits: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    if paths.len() != contents.len() {
        return Err(PyValueError::new_err(format!(
            "{} paths but {} contents",
            paths.len(),
            contents.len()
        )));
    }
    let documents_wanted = documents_wanted(what)?;
    let options = limits::options(limits)?;
    let contents: Vec<Option<&[u8]>> = contents
        .iter()
        .map(|content| content.as_ref().map(|bytes| bytes.as_bytes()))
        .collect();
    let bytes = py.detach(move || {
        let documents = paths
            .iter()
            .zip(contents)
            .map(|(path, content)| match content {
                Some(bytes) => jixiao::extract_bytes(bytes, path, &options),
                None => unreadable(path, "Spark gave no content for this file"),
            });
        documents_ipc(documents_wanted, documents)
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// Extracts files that Spark listed on the local file system (`file:` URIs, as its
/// `binaryFile` source names them), opening each itself, one after the other on the calling
/// thread; returns what [`extract_contents_ipc`] returns. Each document is named by its URI,
/// so the rows equal those of the same files' contents. A URI that is not a local path, or a
/// file that is gone or unreadable, is a failed document; no input makes this raise.
#[pyfunction]
#[pyo3(signature = (uris, what, limits=None))]
fn extract_local_ipc<'py>(
    py: Python<'py>,
    uris: Vec<String>,
    what: &str,
    limits: Option<&Bound<'py, PyDict>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let documents_wanted = documents_wanted(what)?;
    let options = limits::options(limits)?;
    let bytes = py.detach(move || {
        let documents = uris.iter().map(|uri| match local_path(uri) {
            Some(path) => jixiao::extract_path_as(&path, uri, &options),
            None => unreadable(uri, "not a path on the local file system (a file: URI)"),
        });
        documents_ipc(documents_wanted, documents)
    })?;
    Ok(PyBytes::new(py, &bytes))
}

/// A failed document named `label`: the file could not be had, for the reason `why`.
fn unreadable(label: &str, why: &str) -> Document {
    Document::failed(
        jixiao::Source::new(label),
        jixiao::ErrorCode::Unreadable,
        format!("{label}: {why}"),
        Vec::new(),
    )
}

/// The local path of a `file:` URI as Hadoop writes it: `file:/a/b c.pdf`, with the path
/// as it is (Hadoop does not percent-encode it), or `file:///a/b` and `file://localhost/a/b`.
/// `None` for another scheme or host.
fn local_path(uri: &str) -> Option<PathBuf> {
    let rest = uri.strip_prefix("file:")?;
    let path = match rest.strip_prefix("//") {
        Some(after) if after.starts_with('/') => after,
        Some(after) => after
            .strip_prefix("localhost")
            .filter(|p| p.starts_with('/'))?,
        None => rest,
    };
    if !path.starts_with('/') {
        return None;
    }
    // Windows: `file:/C:/data/x.pdf` is `C:/data/x.pdf`.
    #[cfg(windows)]
    let path = match path.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() => &path[1..],
        _ => path,
    };
    Some(PathBuf::from(path))
}

/// `what` of the Spark extractors: `false` for indicator rows, `true` for documents.
fn documents_wanted(what: &str) -> PyResult<bool> {
    match what {
        "rows" => Ok(false),
        "documents" => Ok(true),
        other => Err(PyValueError::new_err(format!(
            "what must be \"rows\" or \"documents\", not {other:?}"
        ))),
    }
}

/// Documents as one Arrow IPC stream: one row per document, or their indicator rows.
fn documents_ipc(
    documents_wanted: bool,
    documents: impl Iterator<Item = Document>,
) -> PyResult<Vec<u8>> {
    if documents_wanted {
        let mut builder = documents::DocumentBatchBuilder::default();
        for document in documents {
            builder.push(&document).map_err(arrow_error)?;
        }
        ipc_stream(documents::schema(), builder.finish().map_err(arrow_error)?)
    } else {
        rows_stream(documents.map(Ok))
    }
}

/// The indicator rows of documents as one Arrow IPC stream.
fn rows_stream(documents: impl IntoIterator<Item = PyResult<Document>>) -> PyResult<Vec<u8>> {
    let mut builder = RowBatchBuilder::new();
    for document in documents {
        builder.push_document(&document?).map_err(arrow_error)?;
    }
    ipc_stream(
        jixiao_output::row_schema(),
        builder.finish().map_err(arrow_error)?,
    )
}

fn ipc_stream(schema: SchemaRef, batch: RecordBatch) -> PyResult<Vec<u8>> {
    let mut writer = StreamWriter::try_new(Vec::new(), &schema).map_err(arrow_error)?;
    if batch.num_rows() > 0 {
        writer.write(&batch).map_err(arrow_error)?;
    }
    writer.into_inner().map_err(arrow_error)
}

fn arrow_error(error: ArrowError) -> PyErr {
    PyRuntimeError::new_err(format!("Arrow: {error}"))
}

#[pymodule]
fn _jixiao(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    let columns: Vec<&str> = INDICATOR_COLUMNS.iter().map(|(name, _)| *name).collect();
    module.add("ROW_COLUMNS", columns)?;
    module.add_function(wrap_pyfunction!(extract_path, module)?)?;
    module.add_function(wrap_pyfunction!(extract_bytes, module)?)?;
    module.add_function(wrap_pyfunction!(indicator_rows, module)?)?;
    module.add_function(wrap_pyfunction!(rows_ipc, module)?)?;
    module.add_function(wrap_pyfunction!(rows_schema_ipc, module)?)?;
    module.add_function(wrap_pyfunction!(documents_schema_ipc, module)?)?;
    module.add_function(wrap_pyfunction!(extract_contents_ipc, module)?)?;
    module.add_function(wrap_pyfunction!(extract_local_ipc, module)?)?;
    module.add_class::<DocumentStream>()?;
    Ok(())
}
