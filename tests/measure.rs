//! A memory-measuring harness for the built binary: runs `jixiao extract` on some inputs and
//! reports the run's peak resident memory.
//!
//! The figure comes from the kernel's own accounting of the child. Where GNU time is installed
//! (`/usr/bin/time`, the Debian package `time`, which `make test` installs), the child runs
//! under it and its maximum resident set size is read from `time -f %M`: exact, whenever the
//! spike happens, even in the child's last millisecond. Without it the harness samples the
//! child's `VmHWM` (the high-water mark of resident memory in `/proc/<pid>/status`) every
//! 2 ms, which only a spike right before exit could escape; the inputs run in order (`-j 1`),
//! so a light input placed last by the test keeps the process alive past the heavy ones.
//!
//! Works where `/proc` or GNU time does (Linux, as on CI); elsewhere `peak_rss` is `None`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// A run that has not given every document after this long hangs.
const HANG: Duration = Duration::from_secs(240);

/// One measured run.
#[derive(Debug)]
pub struct Measured {
    /// The documents of the inputs, in order (the trailing standard input's left out).
    pub documents: Vec<Value>,
    /// The child's high-water mark of resident memory, in bytes, where `/proc` shows it.
    pub peak_rss: Option<u64>,
    /// What the binary wrote on standard error, for messages.
    pub stderr: String,
}

impl Measured {
    /// The peak in MiB, for messages.
    pub fn peak_mib(&self) -> u64 {
        self.peak_rss.unwrap_or(0) >> 20
    }

    /// Asserts the peak is under `limit` bytes where it can be measured.
    pub fn assert_peak_under(&self, limit: u64, what: &str) {
        eprintln!("{what}: peak RSS {} MiB", self.peak_mib());
        if cfg!(target_os = "linux") {
            let peak = self.peak_rss.expect("/proc shows the child's peak memory");
            assert!(
                peak < limit,
                "{what}: peaked at {} MiB of resident memory, the bound is {} MiB ({})",
                peak >> 20,
                limit >> 20,
                self.stderr
            );
        }
    }
}

/// GNU time, where it is installed.
const GNU_TIME: &str = "/usr/bin/time";

/// Runs `jixiao extract <inputs> --format jsonl -j 1 -o out.jsonl <flags>` in `dir`.
pub fn measure(dir: &Path, inputs: &[&std::ffi::OsStr], flags: &[&str]) -> Measured {
    let output = dir.join(format!("measured-{}.jsonl", std::process::id()));
    let _ = std::fs::remove_file(&output);
    let stderr_path = dir.join("measured-stderr.txt");
    let time_path = dir.join("measured-time.txt");
    let _ = std::fs::remove_file(&time_path);
    let stderr_file = std::fs::File::create(&stderr_path).expect("a stderr file");
    let timed = Path::new(GNU_TIME).exists();
    let mut command = if timed {
        let mut command = Command::new(GNU_TIME);
        command
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&time_path)
            .arg(env!("CARGO_BIN_EXE_jixiao"));
        command
    } else {
        Command::new(env!("CARGO_BIN_EXE_jixiao"))
    };
    let mut child = command
        .arg("extract")
        .args(inputs)
        .args(["--format", "jsonl", "-j", "1", "-o"])
        .arg(&output)
        .args(flags)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr_file))
        .spawn()
        .expect("the jixiao binary starts");
    let status_path = PathBuf::from(format!("/proc/{}/status", child.id()));
    let started = Instant::now();
    let mut peak_rss = None;
    loop {
        if !timed
            && let Some(kib) = std::fs::read_to_string(&status_path)
                .ok()
                .as_deref()
                .and_then(vm_hwm_kib)
        {
            peak_rss = Some(peak_rss.unwrap_or(0).max(kib * 1024));
        }
        if child
            .try_wait()
            .expect("the child can be waited for")
            .is_some()
        {
            break;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jixiao ran for more than {HANG:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    if timed {
        let report = std::fs::read_to_string(&time_path).unwrap_or_default();
        // The last line is the figure; a line before it may say the command exited non-zero.
        peak_rss = report
            .lines()
            .filter_map(|line| line.trim().parse::<u64>().ok())
            .next_back()
            .map(|kib| kib * 1024);
    }
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    let text = std::fs::read_to_string(&output).unwrap_or_default();
    let documents: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON document per line"))
        .collect();
    assert_eq!(
        documents.len(),
        inputs.len(),
        "a document per input: {stderr}"
    );
    Measured {
        documents,
        peak_rss,
        stderr,
    }
}

/// [`measure`] for inputs named by strings.
pub fn measure_files(dir: &Path, inputs: &[&str], flags: &[&str]) -> Measured {
    let inputs: Vec<&std::ffi::OsStr> = inputs.iter().map(std::ffi::OsStr::new).collect();
    measure(dir, &inputs, flags)
}

/// The `VmHWM:   1234 kB` line of `/proc/<pid>/status`, in KiB.
pub fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
