//! The writers behind `--format` and `--out-dir`: each is a [`Sink`] that receives documents
//! in input order.
//!
//! - `json` for a single named file: that one document, pretty-printed.
//! - `json` for several inputs: a pretty JSON array, written one document at a time.
//! - `jsonl`: one compact document per line, flushed per document so that a consumer such as
//!   `jq` sees each as soon as it is ready.
//! - `csv`: one row per indicator (see `jixiao_output::CsvWriter`).
//! - `--out-dir DIR`: one pretty `<stem>.json` per input; see [`OutDirNames`] for collisions.

use std::collections::HashSet;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::batch::{Encoding, Finished, Sink};

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

/// One pretty `<name>.json` per input in a folder.
#[derive(Debug)]
pub struct OutDir {
    folder: PathBuf,
    names: OutDirNames,
}

impl OutDir {
    /// Creates the folder (and its parents) when missing.
    pub fn new(folder: &Path) -> io::Result<Self> {
        fs::create_dir_all(folder).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot create the folder {}: {error}", folder.display()),
            )
        })?;
        Ok(OutDir {
            folder: folder.to_path_buf(),
            names: OutDirNames::default(),
        })
    }
}

impl Sink for OutDir {
    fn encoding(&self) -> Encoding {
        Encoding::JsonPretty
    }

    fn write(&mut self, finished: &Finished) -> io::Result<()> {
        let encoded = finished.encoded.as_slice();
        let name = self.names.name_for(&finished.path);
        let path = self.folder.join(name);
        let mut text = Vec::with_capacity(encoded.len() + 1);
        text.extend_from_slice(encoded);
        text.push(b'\n');
        fs::write(&path, text).map_err(|error| {
            io::Error::new(
                error.kind(),
                format!("cannot write {}: {error}", path.display()),
            )
        })
    }
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
            if self.claim(&candidate) {
                return candidate;
            }
        }
        // The loop ends: each round tries a new number and only finitely many are taken.
        let mut counter: u64 = 2;
        loop {
            let candidate = format!("{base}-{counter}.json");
            if self.claim(&candidate) {
                return candidate;
            }
            counter += 1;
        }
    }

    fn claim(&mut self, name: &str) -> bool {
        self.taken.insert(name.to_lowercase())
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
