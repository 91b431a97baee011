//! Caps on everything an input can make a reader do: bytes read, bytes inflated, nesting depth,
//! pages, time. Each limit has a command-line flag to raise it, named in its error message.
//!
//! `Limits` is configuration only: the clock of one file starts with [`Limits::start`], which
//! gives the [`crate::DocumentBuilder`] that keeps the deadline and the cell budget.

use std::time::Duration;

use crate::ReadError;

const MIB: u64 = 1024 * 1024;

/// What reads the `.doc` files that the native reader refuses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum DocConverter {
    /// Nothing: the native reader's error is the file's error.
    #[default]
    None,
    /// LibreOffice (`soffice --headless --convert-to docx`).
    Soffice,
}

/// Limits for reading one file. The defaults suit archives of real budget documents with a
/// wide margin; hostile input stops at them with a [`ReadError::TooLarge`].
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest input file, in bytes (`--max-input`).
    pub max_input_bytes: u64,
    /// Most bytes one zip entry may inflate to (`--max-inflate`).
    pub max_inflate_entry: u64,
    /// Most bytes all zip entries together may inflate to (`--max-inflate`, ×2).
    pub max_inflate_total: u64,
    /// Deepest XML element nesting (`--max-depth`).
    pub max_xml_depth: usize,
    /// Deepest HTML element nesting (`--max-depth`).
    pub max_html_depth: usize,
    /// Most PDF pages read (`--max-pages`).
    pub max_pdf_pages: usize,
    /// Deepest PDF object recursion: nested Form XObjects, page tree depth (`--max-depth`).
    pub max_pdf_depth: usize,
    /// Most cells one file may produce across its tables (`--max-cells`).
    pub max_cells: usize,
    /// Time budget for one file (`--timeout`); `None` for no budget.
    pub timeout: Option<Duration>,
    /// What reads the `.doc` files the native reader refuses (`--doc-converter`); by default
    /// nothing, so no external program ever runs.
    pub doc_converter: DocConverter,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 512 * MIB,
            max_inflate_entry: 512 * MIB,
            max_inflate_total: 1024 * MIB,
            max_xml_depth: 256,
            max_html_depth: 512,
            max_pdf_pages: 5000,
            max_pdf_depth: 32,
            max_cells: 4_000_000,
            timeout: Some(Duration::from_secs(120)),
            doc_converter: DocConverter::None,
        }
    }
}

impl Limits {
    /// Fails when the input is larger than [`Limits::max_input_bytes`].
    pub fn check_input_size(&self, bytes: u64) -> Result<(), ReadError> {
        if bytes > self.max_input_bytes {
            return Err(ReadError::TooLarge(format!(
                "the file is {} and the limit is {} (raise with --max-input)",
                human_bytes(bytes),
                human_bytes(self.max_input_bytes)
            )));
        }
        Ok(())
    }
}

/// A byte count for people: `512 MiB`, `3.2 KiB`, `17 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if value.fract() == 0.0 {
        format!("{value:.0} {}", UNITS[unit])
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_reads_well() {
        assert_eq!(human_bytes(17), "17 bytes");
        assert_eq!(human_bytes(512 * MIB), "512 MiB");
        assert_eq!(human_bytes(3277), "3.2 KiB");
    }

    #[test]
    fn input_size_limit_names_its_flag() {
        let limits = Limits {
            max_input_bytes: 10,
            ..Limits::default()
        };
        let error = limits.check_input_size(11).expect_err("over the limit");
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains("--max-input"), "{error}");
        assert!(limits.check_input_size(10).is_ok());
    }

    #[test]
    fn spent_time_budget_fails_with_too_large() {
        let limits = Limits {
            timeout: Some(Duration::from_secs(0)),
            ..Limits::default()
        };
        let document = limits.start();
        std::thread::sleep(Duration::from_millis(2));
        let error = document.check_time().expect_err("budget spent");
        assert!(error.to_string().contains("--timeout"), "{error}");
        assert!(Limits::default().start().check_time().is_ok());
    }
}
