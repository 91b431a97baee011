//! # jixiao
//!
//! The extraction pipeline for one file, and the batch engine over many ([`batch`]).
//!
//! One file goes through: a size check on its metadata (before any byte is read), a bounded
//! read, SHA-256, format detection by content, the format's reader, the normaliser, and the
//! conversion into the output [`Document`]. Every step that can fail yields a document with
//! `status: failed` and an error code instead of an `Err`: in a batch of thousands of archived
//! files, one bad file must never stop the others.
//!
//! ```no_run
//! use jixiao::{Options, extract_path};
//!
//! let document = extract_path("tables/2021.docx".as_ref(), &Options::default());
//! println!("{}: {}", document.source.path, document.status.name());
//! ```
//!
//! **Invariant:** a panic while reading or normalising one file is caught (the release profile
//! keeps `panic = "unwind"` for this) and becomes that file's `internal` error; its message says
//! it is a bug and names the file. A stack overflow cannot be caught, which is why every reader
//! bounds its recursion by depth.
//!
//! **Injection:** the read + normalise step is an [`Extractor`]; the standard one is
//! [`Standard`]. Tests and embedders pass their own (any `Fn(&[u8], Option<&str>, &Limits) ->
//! Extracted` closure) to [`extract_bytes_with`] and to the batch engine.

pub mod batch;
mod inspect;
mod panic_guard;
pub mod select;
pub mod sink;

pub use inspect::{InspectOptions, inspect};

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use jixiao_grid::Document as GridDocument;
use jixiao_normalize::{Extraction, normalize};
use jixiao_read::{Format, Limits, ReadError, detect, read};
use sha2::{Digest, Sha256};

pub use jixiao_output as output;
pub use jixiao_output::review::Sources;
pub use jixiao_output::{Document, ErrorCode, Source, Status};

/// How to read each file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Caps on size, depth, pages, cells and time, applied to every file.
    pub limits: Limits,
}

/// What the read + normalise step made of one file's bytes.
#[derive(Debug)]
pub struct Extracted {
    /// The detected format; `None` when detection did not run.
    pub format: Option<Format>,
    /// The reader's document (its diagnostics, encoding and page count) and the tables found,
    /// or why the file could not be read at all.
    pub result: Result<(GridDocument, Extraction), ReadError>,
}

/// The read + normalise step for one file: `bytes`, the file's extension if it has one, and the
/// limits whose clock has been started for this file.
///
/// Implemented by every `Fn(&[u8], Option<&str>, &Limits) -> Extracted + Sync`, so that a test
/// can substitute a closure (one that panics, sleeps or counts).
pub trait Extractor: Sync {
    fn extract(&self, bytes: &[u8], extension: Option<&str>, limits: &Limits) -> Extracted;
}

impl<F> Extractor for F
where
    F: Fn(&[u8], Option<&str>, &Limits) -> Extracted + Sync,
{
    fn extract(&self, bytes: &[u8], extension: Option<&str>, limits: &Limits) -> Extracted {
        self(bytes, extension, limits)
    }
}

/// The real step: detect the format by content, read it, normalise it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Standard;

impl Extractor for Standard {
    fn extract(&self, bytes: &[u8], extension: Option<&str>, limits: &Limits) -> Extracted {
        let format = detect(bytes, extension);
        let result = read(format, bytes, extension, limits).map(|document| {
            let extraction = normalize(&document);
            (document, extraction)
        });
        Extracted {
            format: Some(format),
            result,
        }
    }
}

/// Reads and extracts one file with the standard extractor.
pub fn extract_path(path: &Path, options: &Options) -> Document {
    extract_path_with(&Standard, path, options)
}

/// Extracts one file's bytes with the standard extractor. `path_label` is written as
/// `source.path`; its extension (if any) only breaks format ties and words errors.
pub fn extract_bytes(bytes: &[u8], path_label: &str, options: &Options) -> Document {
    extract_bytes_with(&Standard, bytes, path_label, options)
}

/// [`extract_path`] with another extractor.
pub fn extract_path_with<E: Extractor + ?Sized>(
    extractor: &E,
    path: &Path,
    options: &Options,
) -> Document {
    extract_path_keeping(extractor, path, options, false).0
}

/// [`extract_path_with`], keeping the reader's grids and the normaliser's rows when `keep` is
/// true (for the review page).
pub fn extract_path_keeping<E: Extractor + ?Sized>(
    extractor: &E,
    path: &Path,
    options: &Options,
    keep: bool,
) -> (Document, Option<Sources>) {
    let label = path.to_string_lossy();
    let (mut document, sources) = extract_labelled(extractor, path, &label, options, keep);
    document.source.path_bytes = path_bytes(path);
    (document, sources)
}

/// [`extract_path`], with the document named `label` rather than by its path: for a caller
/// that listed the file under another name, such as the `file:` URI a Spark listing gives.
/// The path still words the errors of reading it, so they name the file that was opened.
pub fn extract_path_as(path: &Path, label: &str, options: &Options) -> Document {
    extract_labelled(&Standard, path, label, options, false).0
}

fn extract_labelled<E: Extractor + ?Sized>(
    extractor: &E,
    path: &Path,
    label: &str,
    options: &Options,
    keep: bool,
) -> (Document, Option<Sources>) {
    match read_file(path, &options.limits) {
        Ok(bytes) => extract_bytes_keeping(extractor, &bytes, label, options, keep),
        Err(failure) => (failure.into_document(Source::new(label)), None),
    }
}

/// The raw bytes of a path that is not valid UTF-8, as lower-case hex (`source.path_bytes`);
/// `None` for a UTF-8 path, whose `source.path` is already exact.
pub fn path_bytes(path: &Path) -> Option<String> {
    if path.to_str().is_some() {
        return None;
    }
    #[cfg(unix)]
    let bytes: Vec<u8> = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes: Vec<u8> = path.as_os_str().as_encoded_bytes().to_vec();
    let mut hex = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        use std::fmt::Write;
        // Writing into a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    Some(hex)
}

/// Reads standard input with the same size limit as a file; the document's path is `-`.
pub fn extract_stdin_with<E: Extractor + ?Sized>(extractor: &E, options: &Options) -> Document {
    extract_stdin_keeping(extractor, options, false).0
}

/// [`extract_stdin_with`], keeping what the review page needs when `keep` is true.
pub fn extract_stdin_keeping<E: Extractor + ?Sized>(
    extractor: &E,
    options: &Options,
    keep: bool,
) -> (Document, Option<Sources>) {
    let mut bytes = Vec::new();
    let limit = options.limits.max_input_bytes;
    let result = io::stdin()
        .lock()
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes);
    let source = Source::new("-");
    if let Err(error) = result {
        let document = Document::failed(
            source,
            ErrorCode::Unreadable,
            format!("cannot read standard input: {error}"),
            Vec::new(),
        );
        return (document, None);
    }
    extract_bytes_keeping(extractor, &bytes, "-", options, keep)
}

/// [`extract_bytes`] with another extractor.
pub fn extract_bytes_with<E: Extractor + ?Sized>(
    extractor: &E,
    bytes: &[u8],
    path_label: &str,
    options: &Options,
) -> Document {
    extract_bytes_keeping(extractor, bytes, path_label, options, false).0
}

/// [`extract_bytes_with`], keeping the reader's grids and, per table, the rows the normaliser
/// read (for the review page) when `keep` is true and the file was read.
pub fn extract_bytes_keeping<E: Extractor + ?Sized>(
    extractor: &E,
    bytes: &[u8],
    path_label: &str,
    options: &Options,
    keep: bool,
) -> (Document, Option<Sources>) {
    let mut sources = None;
    let document = extract_bytes_inner(
        extractor,
        bytes,
        path_label,
        options,
        keep.then_some(&mut sources),
    );
    (document, sources)
}

fn extract_bytes_inner<E: Extractor + ?Sized>(
    extractor: &E,
    bytes: &[u8],
    path_label: &str,
    options: &Options,
    keep: Option<&mut Option<Sources>>,
) -> Document {
    let mut source = Source::new(path_label);
    source.bytes = Some(bytes.len() as u64);
    if let Err(error) = options.limits.check_input_size(bytes.len() as u64) {
        return read_error_document(source, error);
    }
    source.sha256 = Some(sha256_hex(bytes));
    let extension = extension_of(path_label);
    let limits = &options.limits;
    let caught = panic_guard::catch(|| extractor.extract(bytes, extension.as_deref(), limits));
    let extracted = match caught {
        Ok(extracted) => extracted,
        Err(panic_message) => {
            return Document::failed(
                source,
                ErrorCode::Internal,
                format!(
                    "jixiao hit a bug while reading {path_label} and skipped the file; \
                     please report it with the file if you can ({panic_message})"
                ),
                Vec::new(),
            );
        }
    };
    source.format = extracted.format;
    match extracted.result {
        Ok((mut document, mut extraction)) => {
            source.encoding = document.encoding.take();
            source.pages = document.pages;
            let diagnostics = std::mem::take(&mut document.diagnostics);
            if let Some(keep) = keep {
                let rows = extraction
                    .tables
                    .iter_mut()
                    .map(|table| std::mem::take(&mut table.rows))
                    .collect();
                *keep = Some(Sources::new(document, rows));
            }
            Document::from_extraction(source, diagnostics, extraction)
        }
        Err(error) => read_error_document(source, error),
    }
}

/// The output's error code for a read error.
pub fn error_code(error: &ReadError) -> ErrorCode {
    match error {
        ReadError::Unreadable(_) => ErrorCode::Unreadable,
        ReadError::Encrypted(_) => ErrorCode::Encrypted,
        ReadError::UnsupportedFormat(_) => ErrorCode::UnsupportedFormat,
        ReadError::NoTextLayer(_) => ErrorCode::NoTextLayer,
        ReadError::TooLarge(_) => ErrorCode::TooLarge,
        ReadError::ConverterMissing(_) => ErrorCode::ConverterMissing,
    }
}

fn read_error_document(source: Source, error: ReadError) -> Document {
    Document::failed(source, error_code(&error), error.to_string(), Vec::new())
}

/// The lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        // Writing into a String cannot fail.
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

pub(crate) fn extension_of(path_label: &str) -> Option<String> {
    Path::new(path_label)
        .extension()
        .map(|extension| extension.to_string_lossy().into_owned())
}

/// Why a file's bytes could not be had.
#[derive(Debug)]
pub(crate) enum FileFailure {
    /// Larger than the input limit (known from metadata, or found while reading).
    TooLarge { bytes: u64, error: ReadError },
    /// Missing, a folder, or not readable.
    Unreadable(String),
}

impl FileFailure {
    pub(crate) fn into_document(self, mut source: Source) -> Document {
        match self {
            FileFailure::TooLarge { bytes, error } => {
                source.bytes = Some(bytes);
                read_error_document(source, error)
            }
            FileFailure::Unreadable(message) => {
                Document::failed(source, ErrorCode::Unreadable, message, Vec::new())
            }
        }
    }
}

/// Reads a whole file, refusing one over the input limit before reading it (from its
/// metadata) and while reading it (a file that grows, or a pipe whose size metadata cannot
/// tell), so that allocation stays bounded by the limit.
pub(crate) fn read_file(path: &Path, limits: &Limits) -> Result<Vec<u8>, FileFailure> {
    // Opening a named pipe blocks until something writes to it, and a device such as
    // /dev/zero never ends, so what the path is gets decided before it is opened.
    let kind = std::fs::metadata(path).map_err(|error| describe_io(path, &error))?;
    if let Some(what) = special_file(&kind.file_type()) {
        return Err(FileFailure::Unreadable(format!(
            "{} is {what}, not a regular file; jixiao reads only files (copy the data into a \
             file, or pipe it to `jixiao extract -`)",
            path.display()
        )));
    }
    let file = File::open(path).map_err(|error| describe_io(path, &error))?;
    let metadata = file.metadata().map_err(|error| describe_io(path, &error))?;
    if metadata.is_dir() {
        return Err(FileFailure::Unreadable(format!(
            "{} is a folder, not a file",
            path.display()
        )));
    }
    if let Err(error) = limits.check_input_size(metadata.len()) {
        return Err(FileFailure::TooLarge {
            bytes: metadata.len(),
            error,
        });
    }
    // The metadata size is only a hint (zero for pipes), so the read is capped too.
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    file.take(limits.max_input_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|error| describe_io(path, &error))?;
    if let Err(error) = limits.check_input_size(bytes.len() as u64) {
        return Err(FileFailure::TooLarge {
            bytes: bytes.len() as u64,
            error,
        });
    }
    Ok(bytes)
}

/// What a path that is neither a regular file nor a folder is, in words; `None` for those two.
pub fn special_file(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() || kind.is_dir() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

fn describe_io(path: &Path, error: &io::Error) -> FileFailure {
    let what = match error.kind() {
        io::ErrorKind::NotFound => "no such file".to_string(),
        io::ErrorKind::PermissionDenied => {
            "permission denied (check the file's permissions)".into()
        }
        io::ErrorKind::IsADirectory => "it is a folder, not a file".to_string(),
        _ => error.to_string(),
    };
    FileFailure::Unreadable(format!("cannot read {}: {what}", path.display()))
}

/// Parses a size such as `512M`, `1G`, `100K`, `2MiB`, `1.5G` or `1048576` (bytes). `K`, `M`,
/// `G` and `T` are powers of 1024, with or without `B` / `iB`, in any case.
pub fn parse_size(text: &str) -> Result<u64, String> {
    let trimmed = text.trim();
    let split = trimmed
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(trimmed.len());
    let (number, unit) = trimmed.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let multiplier: u64 = match unit.as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        "t" | "tb" | "tib" => 1 << 40,
        _ => {
            return Err(format!(
                "`{text}` is not a size: use bytes or a number with K, M, G or T (e.g. 512M, 2GiB)"
            ));
        }
    };
    if number.is_empty() {
        return Err(format!("`{text}` is not a size: a number is missing"));
    }
    if let Ok(whole) = number.parse::<u64>() {
        return whole
            .checked_mul(multiplier)
            .ok_or_else(|| format!("`{text}` is too large"));
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a size: `{number}` is not a number"))?;
    let bytes = value * multiplier as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(format!("`{text}` is too large"));
    }
    Ok(bytes.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_users_write_them() {
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("1G"), Ok(1 << 30));
        assert_eq!(parse_size("100K"), Ok(100 << 10));
        assert_eq!(parse_size("2MiB"), Ok(2 << 20));
        assert_eq!(parse_size("2 mb"), Ok(2 << 20));
        assert_eq!(parse_size("1.5G"), Ok(3 << 29));
        assert_eq!(parse_size("4096"), Ok(4096));
        assert_eq!(parse_size("0"), Ok(0));
        assert_eq!(parse_size("10B"), Ok(10));
    }

    #[test]
    fn bad_sizes_are_explained() {
        for bad in ["", "M", "12X", "1.2.3M", "-5", "99999999999T"] {
            let error = parse_size(bad).expect_err(bad);
            assert!(error.contains('`'), "{bad}: {error}");
        }
    }

    #[test]
    fn sha256_is_lower_case_hex() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
