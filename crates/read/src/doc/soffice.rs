//! The optional LibreOffice fallback for `.doc` files the native reader refuses
//! (`--doc-converter soffice`): LibreOffice converts the file to docx, and the docx reader
//! reads that.
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

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crate::limits::human_bytes;
use crate::{Deadline, DocumentBuilder, Limits, ReadError};

/// Time budget for one conversion when [`Limits`] sets no deadline.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The Debian package that provides a headless LibreOffice Writer.
pub const CONVERTER_PACKAGE: &str = "libreoffice-writer-nogui";

/// Program names tried on `PATH`, in order.
#[cfg(not(windows))]
const CONVERTER_NAMES: [&str; 2] = ["soffice", "libreoffice"];
#[cfg(windows)]
const CONVERTER_NAMES: [&str; 2] = ["soffice.exe", "soffice.com"];

/// Converts a .doc file with LibreOffice found on `PATH` and reads the result.
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    read_with(bytes, document, find_converter)
}

/// Converts a .doc file with the converter that `find` names (`None`: no converter
/// installed) and reads the result.
pub fn read_with(
    bytes: &[u8],
    document: &mut DocumentBuilder<'_>,
    find: impl FnOnce() -> Option<PathBuf>,
) -> Result<(), ReadError> {
    if let Some(error) = crate::detect::ole2::encryption_error(bytes) {
        return Err(error);
    }
    let program = find().ok_or_else(converter_missing)?;
    let docx = convert(&program, bytes, document.limits(), document.deadline())?;
    crate::docx::read(&docx, document)
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
        "--doc-converter soffice reads the .doc files that jixiao's own reader refuses with \
         LibreOffice, and no soffice or libreoffice program was found on PATH; install it (Debian/Ubuntu: sudo apt-get install --no-install-recommends \
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
fn convert(
    program: &Path,
    bytes: &[u8],
    limits: &Limits,
    deadline: Deadline,
) -> Result<Vec<u8>, ReadError> {
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

    let budget = deadline.remaining().unwrap_or(DEFAULT_TIMEOUT);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain Word file for the converter tests (its content never reaches a reader).
    fn word_file() -> Vec<u8> {
        let mut fib = vec![0u8; 64];
        fib[..2].copy_from_slice(&0xA5ECu16.to_le_bytes());
        crate::detect::ole2::tests::build(&[("WordDocument", &fib), ("1Table", b"")])
    }

    #[test]
    fn missing_converter_names_the_package_and_the_command() {
        let bytes = word_file();
        let error =
            read_with(&bytes, &mut Limits::default().start(), || None).expect_err("no converter");
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
        let bytes = word_file();
        let error =
            read_with(&bytes, &mut Limits::default().start(), || Some(program)).expect_err("fails");
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
        };
        let started = Instant::now();
        let bytes = word_file();
        let error = read_with(&bytes, &mut limits.start(), || Some(program)).expect_err("stopped");
        assert_eq!(error.code(), "too_large");
        assert!(error.to_string().contains("--timeout"), "{error}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }
}
