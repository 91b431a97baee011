//! The writers behind `--format` and `--out-dir`: each is a [`Sink`] that receives documents
//! in input order.
//!
//! - `json` for a single named file: that one document, pretty-printed.
//! - `json` for several inputs: a pretty JSON array, written one document at a time.
//! - `jsonl`: one compact document per line, flushed per document so that a consumer such as
//!   `jq` sees each as soon as it is ready.
//! - `csv`: one row per indicator (see `jixiao_output::CsvWriter`).
//! - `xlsx`: a workbook with the sheets Documents, Tables and Indicators ([`Xlsx`]).
//! - `parquet`: the CSV's rows with typed columns, streamed in row groups ([`Parquet`]).
//! - `--out-dir DIR`: one pretty `<stem>.json` per input, in the input's folder mirrored under
//!   DIR; see [`out_dir_paths`].
//!
//! **Atomic outputs:** a file written by jixiao (`-o FILE`, each file of `--out-dir`) is
//! written to a temporary file beside it and renamed into place when complete, so that an
//! interrupted run never leaves a truncated output under the final name ([`AtomicFile`]).

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

use crate::batch::{Encoding, Finished, Input, Inputs, Sink};

/// One pretty document (the output for a single named file).
#[derive(Debug)]
pub struct JsonDocument<W: Write> {
    output: W,
}

impl<W: Write> JsonDocument<W> {
    pub fn new(output: W) -> Self {
        JsonDocument { output }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.output.flush()?;
        Ok(self.output)
    }
}

impl<W: Write> Sink for JsonDocument<W> {
    fn encoding(&self) -> Encoding {
        Encoding::JsonPretty
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        let encoded = finished.encoded.as_slice();
        self.output.write_all(encoded)?;
        self.output.write_all(b"\n")
    }
}

/// A pretty JSON array of documents, streamed: `[` first, each document as it comes, `]` at
/// [`JsonArray::finish`].
#[derive(Debug)]
pub struct JsonArray<W: Write> {
    output: W,
    written: usize,
}

impl<W: Write> JsonArray<W> {
    pub fn new(output: W) -> Self {
        JsonArray { output, written: 0 }
    }

    pub fn finish(mut self) -> io::Result<W> {
        if self.written == 0 {
            self.output.write_all(b"[]\n")?;
        } else {
            self.output.write_all(b"\n]\n")?;
        }
        self.output.flush()?;
        Ok(self.output)
    }
}

impl<W: Write> Sink for JsonArray<W> {
    fn encoding(&self) -> Encoding {
        Encoding::JsonPretty
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        let encoded = finished.encoded.as_slice();
        self.output
            .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
        self.output.write_all(encoded)?;
        self.written += 1;
        Ok(())
    }
}

/// The review page (`jixiao review`): the page's head first, each document's section as it
/// comes (made on the worker, see [`Encoding::Review`]), the index's script at
/// [`ReviewPage::finish`].
#[derive(Debug)]
pub struct ReviewPage<W: Write> {
    output: W,
    written: usize,
}

impl<W: Write> ReviewPage<W> {
    pub fn new(mut output: W, title: &str) -> io::Result<Self> {
        output.write_all(jixiao_output::review::page_start(title).as_bytes())?;
        Ok(ReviewPage { output, written: 0 })
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.output
            .write_all(jixiao_output::review::page_end(self.written).as_bytes())?;
        self.output.flush()?;
        Ok(self.output)
    }
}

impl<W: Write> Sink for ReviewPage<W> {
    fn encoding(&self) -> Encoding {
        Encoding::Review
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        self.output.write_all(&finished.encoded)?;
        self.written += 1;
        Ok(())
    }
}

/// JSON Lines: one compact document per line.
#[derive(Debug)]
pub struct JsonLines<W: Write> {
    output: W,
}

impl<W: Write> JsonLines<W> {
    pub fn new(output: W) -> Self {
        JsonLines { output }
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.output.flush()?;
        Ok(self.output)
    }
}

impl<W: Write> Sink for JsonLines<W> {
    fn encoding(&self) -> Encoding {
        Encoding::Json
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        let encoded = finished.encoded.as_slice();
        self.output.write_all(encoded)?;
        self.output.flush()
    }
}

/// CSV rows, one per indicator.
#[derive(Debug)]
pub struct Csv<W: Write> {
    output: W,
}

impl<W: Write> Csv<W> {
    /// Starts the output with its byte order mark and header.
    pub fn new(mut output: W) -> io::Result<Self> {
        output.write_all(&jixiao_output::csv_header()?)?;
        Ok(Csv { output })
    }

    pub fn finish(mut self) -> io::Result<W> {
        self.output.flush()?;
        Ok(self.output)
    }
}

impl<W: Write> Sink for Csv<W> {
    fn encoding(&self) -> Encoding {
        Encoding::CsvRows
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        let encoded = finished.encoded.as_slice();
        self.output.write_all(encoded)
    }
}

/// An Excel workbook (see `jixiao_output::XlsxWriter`): built in memory as documents arrive,
/// written whole by [`Xlsx::finish`].
#[derive(Debug)]
pub struct Xlsx {
    workbook: jixiao_output::XlsxWriter,
}

impl Xlsx {
    pub fn new() -> io::Result<Self> {
        Ok(Xlsx {
            workbook: jixiao_output::XlsxWriter::new()?,
        })
    }

    /// Writes the workbook to `output` and flushes it.
    pub fn finish<W: Write>(self, output: &mut W) -> io::Result<()> {
        output.write_all(&self.workbook.into_bytes()?)?;
        output.flush()
    }
}

impl Sink for Xlsx {
    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        // The encoding is `None`, so the document travelled with its facts.
        match &finished.document {
            Some(document) => self.workbook.write_document(document),
            None => Ok(()),
        }
    }
}

/// The indicator rows of every document in one Parquet file (see `jixiao_output::ParquetWriter`):
/// the columns of the CSV, typed. Rows are encoded in row groups as they fill, so memory stays
/// flat in the number of files.
#[derive(Debug)]
pub struct Parquet<W: Write> {
    writer: jixiao_output::ParquetWriter<W>,
}

impl<W: Write> Parquet<W> {
    /// Starts the file (Parquet's magic bytes; the footer comes at [`Parquet::finish`]).
    pub fn new(output: W) -> io::Result<Self> {
        Ok(Parquet {
            writer: jixiao_output::ParquetWriter::new(output)?,
        })
    }

    /// Writes the last row group and the footer, which a Parquet file cannot be read without,
    /// and returns the output, flushed.
    pub fn finish(self) -> io::Result<W> {
        self.writer.finish()
    }
}

impl<W: Write> Sink for Parquet<W> {
    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        // The encoding is `None`, so the document travelled with its facts.
        match &finished.document {
            Some(document) => self.writer.write_document(document),
            None => Ok(()),
        }
    }
}

/// A file written under a temporary name beside its final path and renamed into place by
/// [`AtomicFile::commit`]; dropped without a commit, the temporary file is removed.
#[derive(Debug)]
pub struct AtomicFile {
    file: io::BufWriter<tempfile::NamedTempFile>,
    path: PathBuf,
}

impl AtomicFile {
    /// Starts writing `path` (its folder must exist).
    pub fn create(path: &Path) -> io::Result<Self> {
        let folder = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = tempfile::Builder::new()
            .prefix(&format!(".{name}."))
            .suffix(".tmp")
            .tempfile_in(folder)
            .map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot create {}: {error}", path.display()),
                )
            })?;
        Ok(AtomicFile {
            file: io::BufWriter::new(file),
            path: path.to_path_buf(),
        })
    }

    /// Flushes the file and renames it to its final path.
    pub fn commit(self) -> io::Result<()> {
        let path = self.path;
        let describe = |error: io::Error| {
            io::Error::new(
                error.kind(),
                format!("cannot write {}: {error}", path.display()),
            )
        };
        let file = self
            .file
            .into_inner()
            .map_err(|error| describe(error.into_error()))?;
        file.as_file().sync_all().map_err(describe)?;
        file.persist(&path).map_err(|error| describe(error.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.file.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.file.flush()
    }
}

/// One pretty `<name>.json` per input, in the input's folder mirrored under a folder.
#[derive(Debug)]
pub struct OutDir {
    folder: PathBuf,
    /// The file of each input, relative to `folder`, in input order ([`out_dir_paths`]).
    paths: Vec<PathBuf>,
}

impl OutDir {
    /// Creates the folder (and its parents) when missing. `paths` are the inputs' files under
    /// it, from [`out_dir_paths`].
    pub fn new(folder: &Path, paths: Vec<PathBuf>) -> io::Result<Self> {
        create_folder(folder)?;
        Ok(OutDir {
            folder: folder.to_path_buf(),
            paths,
        })
    }
}

fn create_folder(folder: &Path) -> io::Result<()> {
    fs::create_dir_all(folder).map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot create the folder {}: {error}", folder.display()),
        )
    })
}

impl Sink for OutDir {
    fn encoding(&self) -> Encoding {
        Encoding::JsonPretty
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        if finished.resumed {
            return Ok(());
        }
        let relative = match self.paths.get(finished.index) {
            Some(relative) => relative.clone(),
            None => PathBuf::from(OutDirNames::default().name_for(&finished.path)),
        };
        let path = self.folder.join(relative);
        if let Some(parent) = path.parent() {
            create_folder(parent)?;
        }
        let mut file = AtomicFile::create(&path)?;
        file.write_all(&finished.encoded)?;
        file.write_all(b"\n")?;
        file.commit()
    }
}

/// The file of each input under `--out-dir`, in input order: the input's folder relative to
/// [`Inputs::base`], the deepest folder that holds every argument (so `jixiao extract archive
/// --out-dir json` writes `archive/2021/表.docx` to `json/2021/表.json`, and `jixiao extract
/// a b --out-dir json` keeps `json/a/…` and `json/b/…` apart), and the file name `<stem>.json`.
/// The entries of a zip archive of documents go under a folder named after the archive
/// (`docs.zip/2021/表.json`); standard input is `stdin.json`. Two inputs of one folder with
/// the same stem (`x.docx`, `x.pdf`) are told apart as [`OutDirNames`] says. Only plain folder
/// names are kept from a path, so a zip entry named `../x.docx` cannot write outside DIR.
pub fn out_dir_paths(inputs: &Inputs) -> Vec<PathBuf> {
    let mut names = OutDirNames::default();
    inputs
        .inputs
        .iter()
        .map(|input| {
            let relative = relative_path(input, &inputs.base);
            let folder = relative.parent().map(Path::to_path_buf).unwrap_or_default();
            let name = names.name_in(&folder, &relative.to_string_lossy());
            folder.join(name)
        })
        .collect()
}

/// The input's path relative to `base`.
fn relative_path(input: &Input, base: &Path) -> PathBuf {
    let under_root =
        |path: &Path| -> PathBuf { path.strip_prefix(base).unwrap_or(path).to_path_buf() };
    let path = match input {
        Input::Stdin => PathBuf::from("-"),
        Input::File(path) | Input::Unlistable { path, .. } => under_root(path),
        Input::ZipEntry { archive, entry } => under_root(archive).join(entry),
    };
    // Only plain names: no root, no `..`.
    path.components()
        .filter_map(|component| match component {
            Component::Normal(name) => Some(name),
            _ => None,
        })
        .collect()
}

/// The file names of `--out-dir`, unique within one run.
///
/// An input `dir/x.docx` becomes `x.json`. When that name is taken by an earlier input (a
/// `x.pdf` beside `x.docx`, or `x.docx` in two folders), the later input gets
/// `<stem>.<ext>.json` (`x.pdf.json`), and when that is taken too, `<stem>.<ext>-2.json`,
/// `-3`, … (`<stem>-2.json` … for a file without extension). Inputs arrive in sorted order, so
/// the same inputs always get the same names. Names are compared without regard to case,
/// because the folder may be on a file system that ignores it. Standard input is named `stdin`.
#[derive(Debug, Default)]
pub struct OutDirNames {
    taken: HashSet<String>,
}

impl OutDirNames {
    /// The next free name for an input path.
    pub fn name_for(&mut self, input_path: &str) -> String {
        self.name_in(Path::new(""), input_path)
    }

    /// The next free name for an input path, among the names of one output folder.
    pub fn name_in(&mut self, folder: &Path, input_path: &str) -> String {
        let path = Path::new(input_path);
        let stem = if input_path == "-" {
            "stdin".to_string()
        } else {
            path.file_stem()
                .map(|stem| stem.to_string_lossy().into_owned())
                .filter(|stem| !stem.is_empty())
                .unwrap_or_else(|| "document".to_string())
        };
        let extension = path
            .extension()
            .map(|extension| extension.to_string_lossy().into_owned());
        let base = match &extension {
            Some(extension) => format!("{stem}.{extension}"),
            None => stem.clone(),
        };
        let mut candidates = vec![format!("{stem}.json")];
        if extension.is_some() {
            candidates.push(format!("{base}.json"));
        }
        for candidate in candidates {
            if self.claim(folder, &candidate) {
                return candidate;
            }
        }
        // The loop ends: each round tries a new number and only finitely many are taken.
        let mut counter: u64 = 2;
        loop {
            let candidate = format!("{base}-{counter}.json");
            if self.claim(folder, &candidate) {
                return candidate;
            }
            counter += 1;
        }
    }

    fn claim(&mut self, folder: &Path, name: &str) -> bool {
        let key = folder.join(name).to_string_lossy().to_lowercase();
        self.taken.insert(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_dir_names_resolve_collisions_in_order() {
        let mut names = OutDirNames::default();
        assert_eq!(names.name_for("a/x.docx"), "x.json");
        assert_eq!(names.name_for("a/x.pdf"), "x.pdf.json");
        assert_eq!(names.name_for("b/x.pdf"), "x.pdf-2.json");
        assert_eq!(names.name_for("c/x.pdf"), "x.pdf-3.json");
        assert_eq!(names.name_for("c/X.DOCX"), "X.DOCX.json");
        assert_eq!(names.name_for("d/x.docx"), "x.docx-2.json");
        assert_eq!(names.name_for("notes"), "notes.json");
        assert_eq!(names.name_for("other/notes"), "notes-2.json");
        assert_eq!(names.name_for("-"), "stdin.json");
    }

    #[test]
    fn a_generated_name_is_not_handed_out_twice() {
        let mut names = OutDirNames::default();
        // `x.pdf.docx` has the stem `x.pdf`, the fallback name of a later `x.pdf`.
        assert_eq!(names.name_for("x.docx"), "x.json");
        assert_eq!(names.name_for("x.pdf.docx"), "x.pdf.json");
        assert_eq!(names.name_for("x.pdf"), "x.pdf-2.json");
    }
}
