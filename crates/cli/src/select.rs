//! Which files of the arguments become inputs: folders walked, symbolic links, glob patterns,
//! lists of paths, document-like content, and zip archives of documents read as folders.
//!
//! **Rules.**
//! - A file named explicitly (argument or `--files-from` line) is always taken, whatever its
//!   content or name, and a symbolic link to it is followed; a path that does not exist is kept
//!   so that it fails visibly.
//! - Folders are walked recursively in sorted order. Hidden entries (`.name`), Office lock files
//!   (`~$name`) and macOS resource folders (`__MACOSX`) are passed over silently. Symbolic links
//!   inside a folder are followed only with `-L` (a folder reached twice is walked once);
//!   without it they are listed as skipped. Anything that is neither a file nor a folder (a
//!   FIFO, a device, a socket) is listed as skipped.
//! - `--glob` patterns (any may match) and `--exclude` patterns (none may match) are matched
//!   against a walked file's path relative to the folder given, and against its name; an
//!   excluded folder is not entered.
//! - A walked file is taken when it is *document-like*: its name ends in a document extension
//!   (`.docx .doc .xlsx .xls .pdf .html .htm .txt .text .tsv .csv`), so that a damaged document
//!   still fails visibly, or its first bytes are a Word or Excel package, an OLE2 file, a PDF,
//!   HTML, or text that holds Chinese characters. Anything else (images, archives of other
//!   things, settings files) is listed as skipped, with the reason.
//! - A zip archive that is not itself a Word or Excel package is read as a folder of its
//!   entries (its path, then the entry's path: `archive.zip/2021/表.docx`), with the same rules;
//!   its entries are inflated under `--max-inflate` when they are read. A zip inside a zip is
//!   skipped.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};

use crate::batch::{Input, Inputs};

/// How many leading bytes decide whether a file is document-like.
const SNIFF_BYTES: u64 = 64 * 1024;

/// Extensions that are always taken from folders.
const DOCUMENT_EXTENSIONS: [&str; 13] = [
    "docx", "doc", "wps", "rtf", "xlsx", "xls", "pdf", "html", "htm", "txt", "text", "tsv", "csv",
];

/// How to choose inputs.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Follow symbolic links inside folders (`-L`).
    pub follow_links: bool,
    /// `--glob` patterns: a walked file must match one of them (none given: any file).
    pub globs: Vec<String>,
    /// `--exclude` patterns: a walked file or folder that matches one is left out.
    pub excludes: Vec<String>,
}

/// A file found and not taken, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

/// Checks a glob pattern (for the command line's value parser).
pub fn check_glob(pattern: &str) -> Result<String, String> {
    compile(pattern)
        .map(|_| pattern.to_string())
        .map_err(|error| format!("`{pattern}` is not a glob pattern: {error}"))
}

fn compile(pattern: &str) -> Result<Glob, globset::Error> {
    GlobBuilder::new(pattern).literal_separator(false).build()
}

fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        builder.add(compile(pattern).map_err(|error| format!("`{pattern}`: {error}"))?);
    }
    builder
        .build()
        .map(Some)
        .map_err(|error| format!("the glob patterns cannot be used: {error}"))
}

struct Walker {
    follow_links: bool,
    globs: Option<GlobSet>,
    excludes: Option<GlobSet>,
    inputs: Vec<Input>,
    skipped: Vec<Skipped>,
    /// Folders already walked (canonical paths), so that links cannot loop.
    visited: HashSet<PathBuf>,
}

/// Turns arguments into the batch's inputs under `selection`. Fails only for a pattern that is
/// not a glob.
pub fn collect(arguments: &[PathBuf], selection: &Selection) -> Result<Inputs, String> {
    let mut walker = Walker {
        follow_links: selection.follow_links,
        globs: glob_set(&selection.globs)?,
        excludes: glob_set(&selection.excludes)?,
        inputs: Vec::new(),
        skipped: Vec::new(),
        visited: HashSet::new(),
    };
    let mut base: Option<PathBuf> = None;
    let mut saw_folder = false;
    for argument in arguments {
        if argument.as_os_str() == "-" {
            walker.inputs.push(Input::Stdin);
            continue;
        }
        let folder = if fs::metadata(argument).is_ok_and(|metadata| metadata.is_dir()) {
            saw_folder = true;
            walker.walk(argument);
            argument.clone()
        } else {
            if is_zip_of_documents(argument) {
                saw_folder = true;
                walker.zip(argument);
            } else {
                walker.inputs.push(Input::File(argument.clone()));
            }
            argument.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        base = Some(match base {
            None => folder,
            Some(known) => common_prefix(&known, &folder),
        });
    }
    let Walker {
        mut inputs,
        mut skipped,
        ..
    } = walker;
    inputs.sort();
    inputs.dedup();
    skipped.sort_by(|a, b| a.path.cmp(&b.path));
    skipped.dedup();
    Ok(Inputs {
        single: arguments.len() == 1 && !saw_folder,
        inputs,
        base: base.unwrap_or_default(),
        skipped,
    })
}

/// The leading path components two paths share, compared as written.
fn common_prefix(a: &Path, b: &Path) -> PathBuf {
    a.components()
        .zip(b.components())
        .take_while(|(a, b)| a == b)
        .map(|(a, _)| a.as_os_str())
        .collect()
}

impl Walker {
    /// Walks `root` depth first with an explicit stack, so that a deep tree cannot overflow.
    fn walk(&mut self, root: &Path) {
        if let Ok(canonical) = fs::canonicalize(root) {
            self.visited.insert(canonical);
        }
        let mut folders = vec![root.to_path_buf()];
        while let Some(folder) = folders.pop() {
            let entries = match fs::read_dir(&folder) {
                Ok(entries) => entries,
                Err(error) => {
                    self.inputs.push(Input::Unlistable {
                        message: format!("cannot list the folder {}: {error}", folder.display()),
                        path: folder,
                    });
                    continue;
                }
            };
            let mut found = Vec::new();
            for entry in entries {
                match entry {
                    Ok(entry) => found.push(entry),
                    Err(error) => self.inputs.push(Input::Unlistable {
                        message: format!("cannot list the folder {}: {error}", folder.display()),
                        path: folder.clone(),
                    }),
                }
            }
            found.sort_by_key(|entry| entry.file_name());
            for entry in found.into_iter().rev() {
                if is_passed_over(&entry.file_name()) {
                    continue;
                }
                let path = entry.path();
                let relative = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
                let Ok(mut kind) = entry.file_type() else {
                    self.skip(&path, "its type cannot be read");
                    continue;
                };
                if kind.is_symlink() {
                    if !self.follow_links {
                        self.skip(&path, "a symbolic link (-L follows links)");
                        continue;
                    }
                    match fs::metadata(&path) {
                        Ok(metadata) => kind = metadata.file_type(),
                        Err(error) => {
                            self.skip(&path, &format!("a broken symbolic link ({error})"));
                            continue;
                        }
                    }
                }
                if self.excluded(&relative) {
                    continue;
                }
                if kind.is_dir() {
                    let fresh = fs::canonicalize(&path)
                        .map(|canonical| self.visited.insert(canonical))
                        .unwrap_or(true);
                    if fresh {
                        folders.push(path);
                    }
                } else if kind.is_file() {
                    if !self.included(&relative) {
                        continue;
                    }
                    self.consider_file(&path);
                } else {
                    self.skip(&path, "not a regular file");
                }
            }
        }
    }

    fn consider_file(&mut self, path: &Path) {
        let head = match read_head(path) {
            Ok(head) => head,
            // Taken, so that reading it fails visibly with the reason.
            Err(_) => {
                self.inputs.push(Input::File(path.to_path_buf()));
                return;
            }
        };
        if is_zip(&head) && !has_document_extension(path) {
            match zip_kind(path) {
                ZipKind::Package => self.inputs.push(Input::File(path.to_path_buf())),
                ZipKind::Archive => self.zip(path),
                ZipKind::Unreadable(reason) => self.skip(path, &reason),
            }
            return;
        }
        match document_like(path, &head) {
            Ok(()) => self.inputs.push(Input::File(path.to_path_buf())),
            Err(reason) => self.skip(path, reason),
        }
    }

    /// Lists the entries of a zip archive of documents as inputs.
    fn zip(&mut self, archive: &Path) {
        let opened = File::open(archive)
            .map_err(|error| error.to_string())
            .and_then(|file| zip::ZipArchive::new(file).map_err(|error| error.to_string()));
        let mut zip = match opened {
            Ok(zip) => zip,
            Err(error) => {
                self.skip(archive, &format!("not a readable zip archive ({error})"));
                return;
            }
        };
        for index in 0..zip.len() {
            let Ok(mut entry) = zip.by_index(index) else {
                // An entry that cannot be opened (encrypted, damaged) is taken by name, so
                // that reading it reports why.
                if let Some(Ok(name)) = zip.name_for_index(index) {
                    let name = name.into_owned();
                    if !name.ends_with('/') {
                        self.inputs.push(Input::ZipEntry {
                            archive: archive.to_path_buf(),
                            entry: name,
                        });
                    }
                }
                continue;
            };
            if entry.is_dir() {
                continue;
            }
            let Ok(name) = entry.name().map(|name| name.into_owned()) else {
                continue;
            };
            let label = format!("{}/{name}", archive.display());
            let relative = Path::new(&name);
            if relative
                .components()
                .any(|part| is_passed_over(part.as_os_str()))
            {
                continue;
            }
            if self.excluded(relative) || !self.included(relative) {
                continue;
            }
            let mut head = Vec::new();
            if (&mut entry)
                .take(SNIFF_BYTES)
                .read_to_end(&mut head)
                .is_err()
            {
                self.inputs.push(Input::ZipEntry {
                    archive: archive.to_path_buf(),
                    entry: name,
                });
                continue;
            }
            if is_zip(&head) && !has_document_extension(relative) {
                self.skipped.push(Skipped {
                    path: label,
                    reason: "a zip inside a zip is not opened".to_string(),
                });
                continue;
            }
            match document_like(relative, &head) {
                Ok(()) => self.inputs.push(Input::ZipEntry {
                    archive: archive.to_path_buf(),
                    entry: name,
                }),
                Err(reason) => self.skipped.push(Skipped {
                    path: label,
                    reason: reason.to_string(),
                }),
            }
        }
    }

    fn skip(&mut self, path: &Path, reason: &str) {
        self.skipped.push(Skipped {
            path: path.to_string_lossy().into_owned(),
            reason: reason.to_string(),
        });
    }

    fn excluded(&self, relative: &Path) -> bool {
        self.excludes
            .as_ref()
            .is_some_and(|set| matches(set, relative))
    }

    fn included(&self, relative: &Path) -> bool {
        self.globs.as_ref().is_none_or(|set| matches(set, relative))
    }
}

/// A pattern matches the relative path or the file name.
fn matches(set: &GlobSet, relative: &Path) -> bool {
    set.is_match(relative) || relative.file_name().is_some_and(|name| set.is_match(name))
}

/// Hidden entries, Office lock files and macOS resource folders.
fn is_passed_over(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || name.starts_with("~$") || name == "__MACOSX"
}

fn has_document_extension(path: &Path) -> bool {
    path.extension()
        .map(|extension| extension.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|extension| DOCUMENT_EXTENSIONS.contains(&extension.as_str()))
}

fn read_head(path: &Path) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    File::open(path)?.take(SNIFF_BYTES).read_to_end(&mut head)?;
    Ok(head)
}

fn is_zip(bytes: &[u8]) -> bool {
    jixiao_read::detect::is_zip(bytes)
}

enum ZipKind {
    /// A Word or Excel package: a document.
    Package,
    /// Any other zip: read as a folder.
    Archive,
    Unreadable(String),
}

fn zip_kind(path: &Path) -> ZipKind {
    let archive = File::open(path)
        .map_err(|error| error.to_string())
        .and_then(|file| zip::ZipArchive::new(file).map_err(|error| error.to_string()));
    match archive {
        Ok(archive) => {
            let package = archive.file_names().any(|name| {
                matches!(
                    name.as_deref(),
                    Ok("word/document.xml" | "xl/workbook.xml" | "xl/workbook.bin")
                )
            });
            if package {
                ZipKind::Package
            } else {
                ZipKind::Archive
            }
        }
        Err(error) => ZipKind::Unreadable(format!("not a readable zip archive ({error})")),
    }
}

/// True for an argument that is a zip archive of documents (not a Word or Excel package).
fn is_zip_of_documents(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|metadata| metadata.is_file())
        && !has_document_extension(path)
        && read_head(path).is_ok_and(|head| is_zip(&head))
        && matches!(zip_kind(path), ZipKind::Archive)
}

/// Whether a file found in a folder is worth reading, from its name and its first bytes.
fn document_like(path: &Path, head: &[u8]) -> Result<(), &'static str> {
    if has_document_extension(path) {
        return Ok(());
    }
    if head.is_empty() {
        return Err("an empty file");
    }
    if is_zip(head) || jixiao_read::detect::is_ole2(head) {
        return Ok(());
    }
    if head.windows(5).take(1024).any(|window| window == b"%PDF-") || head.starts_with(b"{\\rtf") {
        return Ok(());
    }
    let lower: Vec<u8> = head.iter().take(4096).map(u8::to_ascii_lowercase).collect();
    let markup = [&b"<html"[..], b"<!doctype html", b"<table", b"<body"];
    if markup
        .iter()
        .any(|tag| lower.windows(tag.len()).any(|window| window == *tag))
    {
        return Ok(());
    }
    if holds_chinese_text(head) {
        return Ok(());
    }
    Err("not a document: no Word, Excel, PDF or HTML content and no Chinese text")
}

/// Text (UTF-8, UTF-16 with a byte order mark, or GB18030) without binary control bytes, with
/// at least one CJK ideograph.
fn holds_chinese_text(head: &[u8]) -> bool {
    let is_cjk = |ch: char| ('\u{4E00}'..='\u{9FFF}').contains(&ch);
    let binary = |ch: char| ch.is_control() && !matches!(ch, '\n' | '\r' | '\t' | '\u{c}');
    let judge = |text: &str| !text.chars().any(binary) && text.chars().any(is_cjk);
    if let Some(rest) = head.strip_prefix(b"\xFF\xFE") {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(rest);
        return judge(&text);
    }
    if let Some(rest) = head.strip_prefix(b"\xFE\xFF") {
        let (text, _) = encoding_rs::UTF_16BE.decode_without_bom_handling(rest);
        return judge(&text);
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    // The sniffed head may end inside a character.
    let valid = match std::str::from_utf8(head) {
        Ok(text) => Some(text),
        Err(error) if error.error_len().is_none() => {
            std::str::from_utf8(&head[..error.valid_up_to()]).ok()
        }
        Err(_) => None,
    };
    if let Some(text) = valid {
        return judge(text);
    }
    let (text, _, _) = encoding_rs::GB18030.decode(head);
    let replaced = text.chars().filter(|&ch| ch == '\u{FFFD}').count();
    replaced <= 1 && judge(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_without_a_document_extension() {
        let path = Path::new("notes");
        assert!(document_like(path, "项目名称\t指标值".as_bytes()).is_ok());
        let gbk = encoding_rs::GB18030.encode("三级指标 指标值").0;
        assert!(document_like(path, &gbk).is_ok());
        assert!(document_like(path, b"%PDF-1.7\n").is_ok());
        assert!(document_like(path, b"<!DOCTYPE html><html>").is_ok());
        assert!(document_like(path, b"{\\rtf1\\ansi\\ansicpg936").is_ok());
        assert!(document_like(Path::new("table.rtf"), b"{\\rtf1").is_ok());
        assert!(document_like(Path::new("old.wps"), b"\xd0\xcf\x11\xe0").is_ok());
        assert!(document_like(path, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").is_err());
        assert!(document_like(path, b"[section]\nkey=value\n").is_err());
        assert!(document_like(path, b"").is_err());
        // A damaged file named as a document is still taken, to fail visibly.
        assert!(document_like(Path::new("x.docx"), b"\0\0\0").is_ok());
    }

    #[test]
    fn bad_patterns_are_refused() {
        assert!(check_glob("*.docx").is_ok());
        assert!(check_glob("a[").is_err());
    }
}
