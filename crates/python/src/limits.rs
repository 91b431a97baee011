//! The `**limits` keyword arguments of the Python functions: the command line's limit flags,
//! spelled as Python names, with the same defaults and meanings.
//!
//! | keyword | flag | value |
//! |---|---|---|
//! | `max_input` | `--max-input` | bytes, or a size such as `"512M"` |
//! | `max_inflate` | `--max-inflate` | bytes or a size; all entries together may inflate to twice this |
//! | `max_depth` | `--max-depth` | nesting depth of XML, HTML and PDF objects |
//! | `max_pages` | `--max-pages` | PDF pages |
//! | `max_cells` | `--max-cells` | table cells per file |
//! | `timeout` | `--timeout` | seconds per file; 0 or `None` for none |
//! | `doc_converter` | `--doc-converter` | `"none"` (the default) or `"soffice"` for `.doc` files the native reader fails on |

use std::time::Duration;

use jixiao::Options;
use jixiao_read::Limits;
use jixiao_read::doc::DocConverter;
use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

/// The keywords accepted, in the order of the table above.
pub const KEYWORDS: [&str; 7] = [
    "max_input",
    "max_inflate",
    "max_depth",
    "max_pages",
    "max_cells",
    "timeout",
    "doc_converter",
];

/// The options for a call: the default limits with every given keyword applied.
pub fn options(limits: Option<&Bound<'_, PyDict>>) -> PyResult<Options> {
    let mut options = Options::default();
    let Some(limits) = limits else {
        return Ok(options);
    };
    for (key, value) in limits.iter() {
        let key: String = key.extract()?;
        apply(&mut options.limits, &key, &value)?;
    }
    Ok(options)
}

fn apply(limits: &mut Limits, key: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    match key {
        "max_input" => limits.max_input_bytes = size(key, value)?,
        "max_inflate" => {
            let bytes = size(key, value)?;
            limits.max_inflate_entry = bytes;
            limits.max_inflate_total = bytes.saturating_mul(2);
        }
        "max_depth" => {
            let depth = count(key, value)?;
            limits.max_xml_depth = depth;
            limits.max_html_depth = depth;
            limits.max_pdf_depth = depth;
        }
        "max_pages" => limits.max_pdf_pages = count(key, value)?,
        "max_cells" => limits.max_cells = count(key, value)?,
        "timeout" => {
            limits.timeout = if value.is_none() {
                None
            } else {
                let seconds: f64 = value.extract().map_err(|_| {
                    PyTypeError::new_err("timeout must be a number of seconds or None")
                })?;
                if !seconds.is_finite() || seconds < 0.0 {
                    return Err(PyValueError::new_err(format!(
                        "timeout must be 0 or more seconds, not {seconds}"
                    )));
                }
                (seconds > 0.0).then(|| Duration::from_secs_f64(seconds))
            }
        }
        "doc_converter" => {
            let name: Option<String> = value.extract().map_err(|_| {
                PyTypeError::new_err("doc_converter must be \"none\" or \"soffice\"")
            })?;
            limits.doc_converter = match name.as_deref() {
                None | Some("none") => DocConverter::None,
                Some("soffice") => DocConverter::Soffice,
                Some(other) => {
                    return Err(PyValueError::new_err(format!(
                        "doc_converter must be \"none\" or \"soffice\", not {other:?}"
                    )));
                }
            };
        }
        other => {
            return Err(PyTypeError::new_err(format!(
                "unknown limit {other:?}; the limits are {}",
                KEYWORDS.join(", ")
            )));
        }
    }
    Ok(())
}

/// A size: a whole number of bytes, or text such as `"512M"` read as the command line reads it.
fn size(key: &str, value: &Bound<'_, PyAny>) -> PyResult<u64> {
    if value.is_instance_of::<PyString>() {
        let text: String = value.extract()?;
        return jixiao::parse_size(&text)
            .map_err(|message| PyValueError::new_err(format!("{key}: {message}")));
    }
    value.extract().map_err(|_| {
        PyTypeError::new_err(format!(
            "{key} must be a whole number of bytes or a size such as \"512M\""
        ))
    })
}

fn count(key: &str, value: &Bound<'_, PyAny>) -> PyResult<usize> {
    value
        .extract()
        .map_err(|_| PyTypeError::new_err(format!("{key} must be a whole number of 0 or more")))
}
