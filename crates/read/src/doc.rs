//! The legacy Word (.doc) reader: LibreOffice converts the file to docx, and the docx reader
//! reads that.
//!
//! Word 97–2003 files are OLE2 compound files holding a binary format whose tables are a
//! long story of their own; LibreOffice's import of them is mature and keeps merged cells as
//! `w:vMerge`/`w:gridSpan`, so jixiao converts rather than parses:
//!
//! ```text
//! soffice -env:UserInstallation=file://<tmp>/profile --headless --norestore --nolockcheck \
//!         --nologo --nodefault --convert-to "docx:MS Word 2007 XML" --outdir <tmp>/out <tmp>/input.doc
//! ```
//!
//! Each conversion runs in a private temporary folder with its own LibreOffice profile, so
//! parallel conversions never wait on one another's profile lock, and under a time budget (the
//! file's deadline from [`Limits`], else [`DEFAULT_TIMEOUT`]) after which the converter's whole
//! process group is killed. How the converter is found is injectable ([`read_with`]), so the
//! "LibreOffice is missing" error and the command line are testable without LibreOffice.
//!
//! This module also recognises password-protected Office files, which are OLE2 files too: an
//! encrypted docx or xlsx is an OLE2 `EncryptedPackage`, and an encrypted .doc sets the
//! `fEncrypted` flag of its `WordDocument` stream's header. Both give [`ReadError::Encrypted`]
//! before any converter is started.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use jixiao_grid::Document;

use crate::limits::human_bytes;
use crate::{Limits, ReadError};

/// The signature of an OLE2 compound file (.doc, .xls, encrypted Office packages).
pub(crate) const OLE2_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Time budget for one conversion when [`Limits`] sets no deadline.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The Debian package that provides a headless LibreOffice Writer.
pub const CONVERTER_PACKAGE: &str = "libreoffice-writer-nogui";

/// Program names tried on `PATH`, in order.
#[cfg(not(windows))]
const CONVERTER_NAMES: [&str; 2] = ["soffice", "libreoffice"];
#[cfg(windows)]
const CONVERTER_NAMES: [&str; 2] = ["soffice.exe", "soffice.com"];

/// Reads a .doc file, finding LibreOffice on `PATH`.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Document, ReadError> {
    read_with(bytes, limits, find_converter)
}

/// Reads a .doc file with the converter that `find` names (`None`: no converter installed).
pub fn read_with(
    bytes: &[u8],
    limits: &Limits,
    find: impl FnOnce() -> Option<PathBuf>,
) -> Result<Document, ReadError> {
    if bytes.starts_with(&OLE2_MAGIC) {
        if let Some(error) = encryption_error(bytes) {
            return Err(error);
        }
    } else if bytes.starts_with(b"PK\x03\x04") {
        // A docx saved under a .doc name needs no conversion.
        return crate::docx::read(bytes, limits);
    }
    let program = find().ok_or_else(converter_missing)?;
    let docx = convert(&program, bytes, limits)?;
    crate::docx::read(&docx, limits)
}

/// The LibreOffice program on `PATH`, if any.
pub fn find_converter() -> Option<PathBuf> {
    find_converter_in(&std::env::var_os("PATH")?)
}

/// The LibreOffice program in the folders of a `PATH`-style list, if any.
pub fn find_converter_in(path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .filter(|folder| !folder.as_os_str().is_empty())
        .flat_map(|folder| CONVERTER_NAMES.iter().map(move |name| folder.join(name)))
        .find(|candidate| is_executable(candidate))
}

#[cfg(unix)]
fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path)
        .map(|metadata| metadata.is_file() && metadata.permissions().mode() & 0o111 != 0)
        .unwrap_or(false)
}

#[cfg(not(unix))]
fn is_executable(path: &Path) -> bool {
    path.is_file()
}

/// The error for a missing LibreOffice, saying how to install it.
pub fn converter_missing() -> ReadError {
    ReadError::ConverterMissing(format!(
        "reading .doc files needs LibreOffice, and no soffice or libreoffice program was found on \
         PATH; install it (Debian/Ubuntu: sudo apt-get install --no-install-recommends \
         {CONVERTER_PACKAGE}), or save the file as .docx"
    ))
}

/// The conversion command line: LibreOffice with a private profile, converting `input` to docx
/// in `out_dir`.
pub fn conversion_command(program: &Path, input: &Path, out_dir: &Path, profile: &Path) -> Command {
    let mut command = Command::new(program);
    command
        .arg(format!("-env:UserInstallation={}", file_url(profile)))
        .args([
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--nologo",
            "--nodefault",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
        ])
        .arg(out_dir)
        .arg(input)
        .stdin(Stdio::null());
    command
}

/// A `file://` URL for an absolute path, as LibreOffice's `-env:` options want it.
fn file_url(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes().to_vec()
    };
    #[cfg(not(unix))]
    let bytes = {
        let text = path.to_string_lossy().replace('\\', "/");
        if text.starts_with('/') {
            text.into_bytes()
        } else {
            format!("/{text}").into_bytes()
        }
    };
    let mut url = String::from("file://");
    for byte in bytes {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            url.push(char::from(byte));
        } else {
            url.push_str(&format!("%{byte:02X}"));
        }
    }
    url
}

/// Runs the conversion in a private temporary folder and returns the docx bytes.
fn convert(program: &Path, bytes: &[u8], limits: &Limits) -> Result<Vec<u8>, ReadError> {
    let work = tempfile::Builder::new()
        .prefix("jixiao-doc-")
        .tempdir()
        .map_err(|error| temp_error(&error))?;
    let input = work.path().join("input.doc");
    let out_dir = work.path().join("out");
    let profile = work.path().join("profile");
    let log_path = work.path().join("converter.log");
    fs::write(&input, bytes).map_err(|error| temp_error(&error))?;
    let log = File::create(&log_path).map_err(|error| temp_error(&error))?;
    let log_for_errors = log.try_clone().map_err(|error| temp_error(&error))?;

    let mut command = conversion_command(program, &input, &out_dir, &profile);
    command.stdout(log).stderr(log_for_errors);
    #[cfg(unix)]
    {
        // LibreOffice's launcher starts the real office process as a child; a process group
        // of its own lets a timeout stop both.
        use std::os::unix::process::CommandExt;
        command.process_group(0);
    }
    let mut child = command.spawn().map_err(|error| match error.kind() {
        io::ErrorKind::NotFound => converter_missing(),
        _ => ReadError::Unreadable(format!(
            "LibreOffice ({}) could not be started to convert the .doc file: {error}",
            program.display()
        )),
    })?;

    let budget = conversion_budget(limits);
    let status = wait(&mut child, budget).inspect_err(|_| stop(&mut child))?;
    let Some(status) = status else {
        stop(&mut child);
        return Err(ReadError::TooLarge(format!(
            "LibreOffice did not finish converting the .doc file within {} s and was stopped \
             (raise with --timeout)",
            budget.as_secs().max(1)
        )));
    };

    let output = out_dir.join("input.docx");
    let size = fs::metadata(&output).map(|metadata| metadata.len()).ok();
    match size {
        Some(size) if size > 0 => {
            if size > limits.max_input_bytes {
                return Err(ReadError::TooLarge(format!(
                    "the .doc file converts to a docx of {} and the limit is {} (raise with \
                     --max-input)",
                    human_bytes(size),
                    human_bytes(limits.max_input_bytes)
                )));
            }
            fs::read(&output).map_err(|error| temp_error(&error))
        }
        _ => Err(conversion_failed(status, &log_path)),
    }
}

/// Waits for the converter. `Ok(None)` when the budget ran out first.
fn wait(child: &mut Child, budget: Duration) -> Result<Option<ExitStatus>, ReadError> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(Some(status)),
            Ok(None) => {}
            Err(error) => {
                return Err(ReadError::Unreadable(format!(
                    "the LibreOffice conversion could not be watched: {error}"
                )));
            }
        }
        let elapsed = started.elapsed();
        if elapsed >= budget {
            return Ok(None);
        }
        thread::sleep(pause.min(budget - elapsed));
        pause = (pause * 2).min(Duration::from_millis(50));
    }
}

/// Kills the converter and everything it started, and reaps it.
fn stop(child: &mut Child) {
    #[cfg(unix)]
    {
        // The group id is the child's process id (see `process_group(0)` above).
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// The time left for a conversion: what remains of the file's deadline, else its timeout, else
/// [`DEFAULT_TIMEOUT`].
fn conversion_budget(limits: &Limits) -> Duration {
    match (limits.deadline, limits.timeout) {
        (Some(deadline), _) => deadline.saturating_duration_since(Instant::now()),
        (None, Some(timeout)) => timeout,
        (None, None) => DEFAULT_TIMEOUT,
    }
}

fn conversion_failed(status: ExitStatus, log_path: &Path) -> ReadError {
    let tail = log_tail(log_path);
    let detail = if tail.is_empty() {
        "it gave no reason".to_string()
    } else {
        format!("it said: {tail}")
    };
    ReadError::Unreadable(format!(
        "LibreOffice could not convert the .doc file ({status}); {detail}; the file may be damaged \
         or not a Word document"
    ))
}

/// The last lines the converter printed, without its start-up noise.
fn log_tail(path: &Path) -> String {
    const MAX_BYTES: u64 = 64 * 1024;
    const MAX_CHARS: usize = 600;
    let mut text = Vec::new();
    if let Ok(file) = File::open(path) {
        let _ = file.take(MAX_BYTES).read_to_end(&mut text);
    }
    let text = String::from_utf8_lossy(&text);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.contains("javaldx"))
        .collect();
    let joined = lines.join(" | ");
    let skip = joined.chars().count().saturating_sub(MAX_CHARS);
    joined.chars().skip(skip).collect()
}

fn temp_error(error: &io::Error) -> ReadError {
    ReadError::Unreadable(format!(
        "the .doc file could not be prepared for conversion in a temporary folder: {error}"
    ))
}

/// The error for an OLE2 file handed to the docx reader: encrypted, or a legacy format.
pub(crate) fn ole_error(bytes: &[u8]) -> ReadError {
    encryption_error(bytes).unwrap_or_else(|| {
        ReadError::Unreadable(
            "the file is a legacy Office (OLE2) file, not a docx package; if it is a Word 97–2003 \
             document, name it .doc"
                .to_string(),
        )
    })
}

/// [`ReadError::Encrypted`] when an OLE2 file is password-protected.
pub(crate) fn encryption_error(bytes: &[u8]) -> Option<ReadError> {
    let mut package = false;
    let mut word_stream = None;
    for entry in directory_entries(bytes) {
        match entry.name.as_str() {
            "EncryptedPackage" | "EncryptionInfo" => package = true,
            "WordDocument" => word_stream = Some(entry),
            _ => {}
        }
    }
    let legacy = word_stream.is_some_and(|entry| word_stream_encrypted(bytes, &entry));
    (package || legacy).then(|| {
        ReadError::Encrypted(
            "the document is protected by a password; open it in Word or LibreOffice, remove the \
             password, save it and read it again"
                .to_string(),
        )
    })
}

/// One entry of an OLE2 directory.
#[derive(Debug)]
struct DirectoryEntry {
    name: String,
    start_sector: u32,
    size: u64,
}

/// The directory entries of an OLE2 file, found by their shape.
///
/// Directory entries are 128-byte records aligned to 128 bytes after the 512-byte header.
/// A record is taken as an entry when its name length, its terminating NUL and its object type
/// agree; this avoids walking the sector chains of a file that may be damaged, and the names
/// looked for are long enough that a chance match is not a concern.
fn directory_entries(bytes: &[u8]) -> impl Iterator<Item = DirectoryEntry> + '_ {
    bytes
        .get(512..)
        .unwrap_or_default()
        .chunks_exact(128)
        .filter_map(|record| {
            let name_bytes = usize::from(u16_at(record, 64)?);
            let object_type = *record.get(66)?;
            if !(4..=64).contains(&name_bytes) || name_bytes % 2 != 0 {
                return None;
            }
            if !matches!(object_type, 1 | 2 | 5) {
                return None;
            }
            let units: Vec<u16> = (0..name_bytes / 2)
                .map(|unit| u16_at(record, unit * 2))
                .collect::<Option<_>>()?;
            let (last, name) = units.split_last()?;
            if *last != 0 || name.contains(&0) {
                return None;
            }
            let name = String::from_utf16(name).ok()?;
            let start_sector = u32_at(record, 116)?;
            let size = u64::from(u32_at(record, 120)?);
            Some(DirectoryEntry {
                name,
                start_sector,
                size,
            })
        })
}

/// The little-endian `u16` at `at`, if the bytes are there.
fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*pair.first()?, *pair.get(1)?]))
}

/// The little-endian `u32` at `at`, if the bytes are there.
fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let low = u32::from(u16_at(bytes, at)?);
    let high = u32::from(u16_at(bytes, at.checked_add(2)?)?);
    Some(low | high << 16)
}

/// True when the `WordDocument` stream's file information block says "encrypted".
///
/// The block starts the stream: `wIdent` 0xA5EC, then at offset 10 a flag word whose bit 8 is
/// `fEncrypted`. Streams of 4096 bytes or more live in regular sectors, the first of which sits
/// at `(sector + 1) << sector_shift`; smaller ones (never a real Word document) are not checked.
fn word_stream_encrypted(bytes: &[u8], entry: &DirectoryEntry) -> bool {
    const WORD_IDENT: u16 = 0xA5EC;
    const F_ENCRYPTED: u16 = 0x0100;
    if entry.size < 4096 || entry.start_sector >= 0xFFFF_FFFA {
        return false;
    }
    let Some(shift) = u16_at(bytes, 30).map(u32::from) else {
        return false;
    };
    if !(7..=16).contains(&shift) {
        return false;
    }
    let offset = (u64::from(entry.start_sector) + 1) << shift;
    let Ok(offset) = usize::try_from(offset) else {
        return false;
    };
    let field = |at: usize| u16_at(bytes, offset.checked_add(at)?);
    field(0) == Some(WORD_IDENT) && field(10).is_some_and(|flags| flags & F_ENCRYPTED != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal OLE2 file: header, then directory records with the given names; the stream
    /// named `WordDocument`, if any, starts at sector 1 and holds `fib`.
    fn ole(names: &[&str], fib: Option<[u8; 12]>) -> Vec<u8> {
        let mut bytes = vec![0u8; 512];
        bytes[..8].copy_from_slice(&OLE2_MAGIC);
        bytes[30] = 9; // 512-byte sectors
        let mut sector = vec![0u8; 512];
        for (index, name) in names.iter().enumerate() {
            let record = &mut sector[index * 128..(index + 1) * 128];
            let units: Vec<u16> = name.encode_utf16().chain([0]).collect();
            for (at, unit) in units.iter().enumerate() {
                record[at * 2..at * 2 + 2].copy_from_slice(&unit.to_le_bytes());
            }
            record[64..66].copy_from_slice(&((units.len() * 2) as u16).to_le_bytes());
            record[66] = if index == 0 { 5 } else { 2 };
            if *name == "WordDocument" {
                record[116..120].copy_from_slice(&1u32.to_le_bytes());
                record[120..124].copy_from_slice(&8192u32.to_le_bytes());
            }
        }
        bytes.extend(sector);
        let mut stream = vec![0u8; 512];
        if let Some(fib) = fib {
            stream[..12].copy_from_slice(&fib);
        }
        bytes.extend(stream);
        bytes
    }

    fn fib(flags: u16) -> [u8; 12] {
        let mut fib = [0u8; 12];
        fib[..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        fib[10..12].copy_from_slice(&flags.to_le_bytes());
        fib
    }

    #[test]
    fn missing_converter_names_the_package_and_the_command() {
        let bytes = ole(&["Root Entry", "WordDocument"], Some(fib(0)));
        let error = read_with(&bytes, &Limits::default(), || None).expect_err("no converter");
        assert_eq!(error.code(), "converter_missing");
        let message = error.to_string();
        assert!(message.contains(CONVERTER_PACKAGE), "{message}");
        assert!(message.contains("apt-get install"), "{message}");
    }

    #[test]
    fn converter_lookup_walks_the_path_and_skips_non_executables() {
        let folder = tempfile::tempdir().expect("temp");
        let empty = tempfile::tempdir().expect("temp");
        let path = std::env::join_paths([empty.path(), folder.path()]).expect("join");
        assert_eq!(find_converter_in(&path), None);
        let program = folder.path().join(CONVERTER_NAMES[1]);
        fs::write(&program, "#!/bin/sh\n").expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(find_converter_in(&path), None, "not executable yet");
            fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        assert_eq!(find_converter_in(&path), Some(program));
    }

    #[test]
    fn command_line_uses_a_private_profile_and_the_docx_filter() {
        let command = conversion_command(
            Path::new("/opt/libreoffice/program/soffice"),
            Path::new("/tmp/jixiao-doc-1/input.doc"),
            Path::new("/tmp/jixiao-doc-1/out"),
            Path::new("/tmp/jixiao-doc-1/my profile"),
        );
        assert_eq!(command.get_program(), "/opt/libreoffice/program/soffice");
        let args: Vec<String> = command
            .get_args()
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            args,
            [
                "-env:UserInstallation=file:///tmp/jixiao-doc-1/my%20profile",
                "--headless",
                "--norestore",
                "--nolockcheck",
                "--nologo",
                "--nodefault",
                "--convert-to",
                "docx:MS Word 2007 XML",
                "--outdir",
                "/tmp/jixiao-doc-1/out",
                "/tmp/jixiao-doc-1/input.doc",
            ]
        );
    }

    #[test]
    fn encrypted_packages_and_encrypted_doc_files_are_told_apart_from_plain_ones() {
        let package = ole(&["Root Entry", "EncryptionInfo", "EncryptedPackage"], None);
        let error = read_with(&package, &Limits::default(), || None).expect_err("encrypted");
        assert_eq!(error.code(), "encrypted");
        assert!(error.to_string().contains("password"), "{error}");
        assert_eq!(
            crate::docx::read(&package, &Limits::default())
                .expect_err("x")
                .code(),
            "encrypted"
        );

        let legacy = ole(&["Root Entry", "WordDocument"], Some(fib(0x0100)));
        assert_eq!(
            encryption_error(&legacy).map(|error| error.code()),
            Some("encrypted")
        );
        let plain = ole(&["Root Entry", "WordDocument"], Some(fib(0x0200)));
        assert!(encryption_error(&plain).is_none());
        assert_eq!(
            crate::docx::read(&plain, &Limits::default())
                .expect_err("ole")
                .code(),
            "unreadable"
        );
    }

    #[test]
    fn failing_converter_gives_unreadable_with_its_output() {
        let folder = tempfile::tempdir().expect("temp");
        let program = folder.path().join("soffice");
        fs::write(
            &program,
            "#!/bin/sh\necho 'Warning: failed to launch javaldx'\necho 'Error: source file could not be loaded' >&2\nexit 0\n",
        )
        .expect("write");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).expect("chmod");
        }
        let bytes = ole(&["Root Entry", "WordDocument"], Some(fib(0)));
        let error = read_with(&bytes, &Limits::default(), || Some(program)).expect_err("fails");
        assert_eq!(error.code(), "unreadable");
        let message = error.to_string();
        assert!(
            message.contains("source file could not be loaded"),
            "{message}"
        );
        assert!(!message.contains("javaldx"), "{message}");
    }

    #[cfg(unix)]
    #[test]
    fn hanging_converter_is_stopped_at_the_deadline() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().expect("temp");
        let program = folder.path().join("soffice");
        fs::write(&program, "#!/bin/sh\nsleep 30\n").expect("write");
        fs::set_permissions(&program, fs::Permissions::from_mode(0o755)).expect("chmod");
        let limits = Limits {
            timeout: Some(Duration::from_millis(300)),
            ..Limits::default()
        }
        .start();
        let started = Instant::now();
        let bytes = ole(&["Root Entry", "WordDocument"], Some(fib(0)));
        let error = read_with(&bytes, &limits, || Some(program)).expect_err("stopped");
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains("--timeout"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
