//! Zip containers (docx, xlsx) opened under limits: every byte inflated is counted, per entry
//! and in total, and reading stops at the limit without allocating past it.

use std::io::{self, Cursor, Read};

use zip::ZipArchive;
use zip::result::ZipError;

use crate::limits::human_bytes;
use crate::{DocumentBuilder, Limits, ReadError};

/// A zip archive held in memory, with an inflation budget shared by all its entries.
pub struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    /// What this kind of file is called in messages ("Word document", "workbook").
    kind: &'static str,
    inflated_total: u64,
}

impl std::fmt::Debug for Archive<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Archive")
            .field("kind", &self.kind)
            .field("entries", &self.zip.len())
            .field("inflated_total", &self.inflated_total)
            .finish()
    }
}

impl<'a> Archive<'a> {
    /// Opens the zip structure of `bytes`. `kind` names the file for messages.
    pub fn open(bytes: &'a [u8], kind: &'static str) -> Result<Self, ReadError> {
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|error| match error {
            ZipError::UnsupportedArchive(message) if message.contains("assword") => {
                ReadError::Encrypted(format!("the {kind} is protected by a password"))
            }
            other => ReadError::Unreadable(format!(
                "the {kind} is not a readable zip package ({other}); it may be truncated or corrupt"
            )),
        })?;
        Ok(Archive {
            zip,
            kind,
            inflated_total: 0,
        })
    }

    /// True when the archive has an entry of that name.
    pub fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// The names of all entries.
    pub fn names(&self) -> Vec<String> {
        self.zip
            .file_names()
            .filter_map(|name| name.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// Reads a whole entry into memory under the limits. `Ok(None)` when there is no such
    /// entry.
    pub fn read(&mut self, name: &str, limits: &Limits) -> Result<Option<Vec<u8>>, ReadError> {
        let kind = self.kind;
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let entry_limit = limits.max_inflate_entry;
        let total_left = limits.max_inflate_total.saturating_sub(self.inflated_total);
        let mut entry = self
            .zip
            .by_index(index)
            .map_err(|error| entry_error(kind, name, error))?;
        // The zip reader fails an entry that inflates past the size it declares, so a declared
        // size over the limit is refused here, before a byte is inflated or allocated: a zip
        // bomb costs nothing, and memory never grows to the limit first.
        refuse_declared(kind, name, entry.size(), limits, total_left)?;
        let hint = entry.size().min(entry_limit).min(64 * 1024 * 1024) as usize;
        let mut buffer = Vec::with_capacity(hint);
        let cap = entry_limit.min(total_left);
        let read = (&mut entry)
            .take(cap + 1)
            .read_to_end(&mut buffer)
            .map_err(|error| io_error(kind, name, error))?;
        let read = read as u64;
        if read > entry_limit {
            return Err(ReadError::TooLarge(format!(
                "{name} inflates past {} (raise with --max-inflate)",
                human_bytes(entry_limit)
            )));
        }
        if read > total_left {
            return Err(ReadError::TooLarge(format!(
                "the {kind}'s parts inflate past {} in total (raise with --max-inflate)",
                human_bytes(limits.max_inflate_total)
            )));
        }
        self.inflated_total += read;
        Ok(Some(buffer))
    }

    /// Streams an entry through `visit` without holding it whole: the reader it gets inflates
    /// as it is read and ends at the per-entry limit. `Ok(None)` when there is no such entry.
    /// The bytes are not counted against the package's total (call [`Archive::check_inflation`]
    /// first where that matters): a pass that keeps nothing costs no memory.
    pub fn stream<T>(
        &mut self,
        name: &str,
        limits: &Limits,
        visit: impl FnOnce(&mut dyn Read) -> T,
    ) -> Result<Option<T>, ReadError> {
        let kind = self.kind;
        let Some(index) = self.zip.index_for_name(name) else {
            return Ok(None);
        };
        let entry = self
            .zip
            .by_index(index)
            .map_err(|error| entry_error(kind, name, error))?;
        // As in `read`: the zip reader fails an entry that inflates past its declared size.
        refuse_declared(kind, name, entry.size(), limits, u64::MAX)?;
        let mut limited = entry.take(limits.max_inflate_entry);
        Ok(Some(visit(&mut limited)))
    }

    /// The inflated size an entry declares, without inflating it.
    pub fn declared_size(&mut self, name: &str) -> Option<u64> {
        let index = self.zip.index_for_name(name)?;
        self.zip.by_index_raw(index).ok().map(|entry| entry.size())
    }

    /// Inflates every entry once, counting bytes without keeping them, so that a zip bomb is
    /// refused before a third-party reader inflates it into memory.
    pub fn check_inflation(&mut self, document: &DocumentBuilder<'_>) -> Result<(), ReadError> {
        let limits = document.limits();
        let kind = self.kind;
        let mut sink = [0u8; 64 * 1024];
        for index in 0..self.zip.len() {
            document.check_time()?;
            let mut entry = self
                .zip
                .by_index(index)
                .map_err(|error| entry_error(kind, "?", error))?;
            let name = entry
                .name()
                .map(|name| name.into_owned())
                .unwrap_or_else(|_| format!("entry {index}"));
            let total_left = limits.max_inflate_total.saturating_sub(self.inflated_total);
            refuse_declared(kind, &name, entry.size(), limits, total_left)?;
            let mut entry_bytes = 0u64;
            loop {
                let read = entry
                    .read(&mut sink)
                    .map_err(|error| io_error(kind, &name, error))?;
                if read == 0 {
                    break;
                }
                entry_bytes += read as u64;
                self.inflated_total += read as u64;
                if entry_bytes > limits.max_inflate_entry {
                    return Err(ReadError::TooLarge(format!(
                        "{name} inflates past {} (raise with --max-inflate)",
                        human_bytes(limits.max_inflate_entry)
                    )));
                }
                if self.inflated_total > limits.max_inflate_total {
                    return Err(ReadError::TooLarge(format!(
                        "the {kind}'s parts inflate past {} in total (raise with --max-inflate)",
                        human_bytes(limits.max_inflate_total)
                    )));
                }
            }
        }
        // The real readers inflate again; the budget above was a dry run.
        self.inflated_total = 0;
        Ok(())
    }
}

/// Longest stretch of XML between two tag boundaries (`<` … `>` or `>` … `<`) that a streamed
/// part may hold: an XML parser buffers a whole text node or tag, so a part made of one
/// endless stretch would be held whole however it is streamed. No office file writes one this
/// long (Excel caps a cell at 32,767 characters).
pub const MAX_XML_RUN: u64 = 16 << 20;

/// A reader of XML that fails with [`RunTooLong`] once a stretch between two tag boundaries
/// passes [`MAX_XML_RUN`], so that the parser reading through it never buffers more.
#[derive(Debug)]
pub struct RunLimited<R> {
    inner: R,
    run: u64,
}

/// The error a [`RunLimited`] reader fails with; its message is for users.
#[derive(Debug)]
pub struct RunTooLong;

impl std::fmt::Display for RunTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "a single stretch of text or white space runs past {} without a tag, which no \
             office program writes",
            human_bytes(MAX_XML_RUN)
        )
    }
}

impl std::error::Error for RunTooLong {}

impl<R: Read> RunLimited<R> {
    pub fn new(inner: R) -> Self {
        RunLimited { inner, run: 0 }
    }
}

impl<R: Read> Read for RunLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        for &byte in &buf[..read] {
            if byte == b'<' || byte == b'>' {
                self.run = 0;
            } else {
                self.run += 1;
            }
        }
        if self.run > MAX_XML_RUN {
            return Err(io::Error::other(RunTooLong));
        }
        Ok(read)
    }
}

/// Refuses an entry whose declared inflated size is over the limit of one entry or over what
/// is left of the package's total.
fn refuse_declared(
    kind: &str,
    name: &str,
    declared: u64,
    limits: &Limits,
    total_left: u64,
) -> Result<(), ReadError> {
    if declared > limits.max_inflate_entry {
        return Err(ReadError::TooLarge(format!(
            "{name} inflates past {} (it declares {}; raise with --max-inflate)",
            human_bytes(limits.max_inflate_entry),
            human_bytes(declared)
        )));
    }
    if declared > total_left {
        return Err(ReadError::TooLarge(format!(
            "the {kind}'s parts inflate past {} in total (raise with --max-inflate)",
            human_bytes(limits.max_inflate_total)
        )));
    }
    Ok(())
}

fn entry_error(kind: &str, name: &str, error: ZipError) -> ReadError {
    match error {
        ZipError::UnsupportedArchive(message) if message.contains("assword") => {
            ReadError::Encrypted(format!("the {kind} is protected by a password"))
        }
        other => ReadError::Unreadable(format!(
            "the {kind}'s part {name} cannot be read ({other}); the file may be truncated or corrupt"
        )),
    }
}

fn io_error(kind: &str, name: &str, error: io::Error) -> ReadError {
    ReadError::Unreadable(format!(
        "the {kind}'s part {name} is damaged ({error}); the file may be truncated or corrupt"
    ))
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Cursor::new(Vec::new());
        {
            let mut writer = zip::ZipWriter::new(&mut out);
            let options = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, data) in entries {
                writer.start_file(*name, options).expect("start");
                writer.write_all(data).expect("write");
            }
            writer.finish().expect("finish");
        }
        out.into_inner()
    }

    #[test]
    fn reads_an_entry_and_reports_missing_ones() {
        let bytes = zip_with(&[("word/document.xml", b"<w:document/>")]);
        let mut archive = Archive::open(&bytes, "Word document").expect("open");
        assert!(archive.contains("word/document.xml"));
        let limits = Limits::default();
        assert_eq!(
            archive
                .read("word/document.xml", &limits)
                .expect("read")
                .as_deref(),
            Some(&b"<w:document/>"[..])
        );
        assert_eq!(archive.read("missing.xml", &limits).expect("read"), None);
    }

    #[test]
    fn inflation_past_the_entry_limit_stops_with_too_large() {
        let big = vec![b'a'; 100_000];
        let bytes = zip_with(&[("word/document.xml", &big)]);
        let limits = Limits {
            max_inflate_entry: 10_000,
            ..Limits::default()
        };
        let mut archive = Archive::open(&bytes, "Word document").expect("open");
        let error = archive
            .read("word/document.xml", &limits)
            .expect_err("too large");
        assert_eq!(error.code(), "too_large");
        assert!(
            error
                .to_string()
                .contains("word/document.xml inflates past"),
            "{error}"
        );
        let mut archive = Archive::open(&bytes, "Word document").expect("open");
        assert_eq!(
            archive
                .check_inflation(&limits.start())
                .expect_err("bomb")
                .code(),
            "too_large"
        );
    }

    /// Regression: a docx whose main part inflated past 1 GiB was inflated up to the 512 MiB
    /// entry limit, and held in memory, before it was refused. The declared size now refuses
    /// it first: here the deflated data is damaged, so inflating it would fail with
    /// `unreadable`; the declared size alone gives `too_large`.
    #[test]
    fn a_declared_size_over_the_limit_is_refused_before_inflating() {
        let big = vec![b'a'; 100_000];
        let mut bytes = zip_with(&[("word/document.xml", &big)]);
        // The deflated data follows the 30-byte local header, the name and the extra field.
        let length = |at: usize| usize::from(u16::from_le_bytes([bytes[at], bytes[at + 1]]));
        let data = 30 + length(26) + length(28);
        for byte in &mut bytes[data..data + 16] {
            *byte ^= 0x5A;
        }
        let limits = Limits {
            max_inflate_entry: 10_000,
            ..Limits::default()
        };
        let mut archive = Archive::open(&bytes, "Word document").expect("open");
        let error = archive
            .read("word/document.xml", &limits)
            .expect_err("too large");
        assert_eq!(error.code(), "too_large", "{error}");
        assert!(error.to_string().contains("declares 97.7 KiB"), "{error}");
        let mut archive = Archive::open(&bytes, "Word document").expect("open");
        let error = archive
            .check_inflation(&limits.start())
            .expect_err("too large");
        assert_eq!(error.code(), "too_large", "{error}");
    }

    #[test]
    fn total_inflation_is_capped_across_entries() {
        let part = vec![b'a'; 6_000];
        let bytes = zip_with(&[("a.xml", &part), ("b.xml", &part)]);
        let limits = Limits {
            max_inflate_total: 10_000,
            ..Limits::default()
        };
        let mut archive = Archive::open(&bytes, "workbook").expect("open");
        assert!(
            archive
                .read("a.xml", &limits)
                .expect("first fits")
                .is_some()
        );
        let error = archive.read("b.xml", &limits).expect_err("total");
        assert!(error.to_string().contains("in total"), "{error}");
    }

    #[test]
    fn truncated_zip_is_unreadable() {
        let bytes = zip_with(&[("word/document.xml", b"<w:document/>")]);
        let error = Archive::open(&bytes[..bytes.len() / 2], "Word document").expect_err("cut");
        assert_eq!(error.code(), "unreadable");
        assert!(error.to_string().contains("truncated"), "{error}");
    }
}
