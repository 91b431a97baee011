//! The formats jixiao reads, as named in `source.format`.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The formats jixiao reads, named as in `source.format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[schemars(description = "The formats jixiao reads.")]
pub enum Format {
    Docx,
    Doc,
    Xlsx,
    Xls,
    Pdf,
    Html,
    Text,
}

impl Format {
    /// The name used in output (`docx`, `doc`, `xlsx`, `xls`, `pdf`, `html`, `text`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Doc => "doc",
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Text => "text",
        }
    }

    /// The format a file extension names, if any.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "docx" | "docm" => Some(Format::Docx),
            "doc" | "wps" => Some(Format::Doc),
            "xlsx" | "xlsm" => Some(Format::Xlsx),
            "xls" | "et" => Some(Format::Xls),
            "pdf" => Some(Format::Pdf),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "txt" | "text" | "tsv" | "csv" => Some(Format::Text),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
