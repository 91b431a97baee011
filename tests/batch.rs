//! The batch engine: input collection, output order, the bounded window, isolation.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use jixiao::batch::{Batch, Input, collect_inputs};
use jixiao::{Document, ErrorCode, Extracted, Options, Status};
use jixiao_grid::Document as GridDocument;
use jixiao_read::{Format, Limits, ReadError};

use crate::util::{rich_extraction, temp_tree, temp_tree_of};

/// The file's own content names how long to take: `sleep:<ms>`; `panic` panics; anything
/// else is read at once.
fn scripted(bytes: &[u8], _: Option<&str>, _: &Limits) -> Extracted {
    let text = String::from_utf8_lossy(bytes);
    if let Some(ms) = text.strip_prefix("sleep:") {
        let ms: u64 = ms.trim().parse().unwrap_or(0);
        std::thread::sleep(Duration::from_millis(ms));
    }
    if text.starts_with("panic") {
        panic!("scripted failure");
    }
    if text.starts_with("fail") {
        return Extracted {
            format: Some(Format::Text),
            result: Err(ReadError::Unreadable("scripted".to_string())),
        };
    }
    Extracted {
        format: Some(Format::Text),
        result: Ok((GridDocument::default(), rich_extraction())),
    }
}

fn paths(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|name| dir.join(name)).collect()
}

fn run_collecting(batch: &Batch, inputs: &[Input]) -> (Vec<Document>, jixiao::batch::Summary) {
    let mut documents = Vec::new();
    let summary = batch
        .run(&scripted, inputs, &mut |document: &Document| {
            documents.push(document.clone());
            Ok(())
        })
        .expect("the sink never fails");
    (documents, summary)
}

#[test]
fn output_order_is_input_order_when_files_finish_out_of_order() {
    // Early files are slow and late ones fast, so with two workers they finish in nearly the
    // reverse order; the output must still be sorted.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for index in 0..24 {
        let ms = if index % 5 == 0 {
            60
        } else {
            (24 - index) as u64
        };
        files.push((
            format!("f{index:02}.txt"),
            format!("sleep:{ms}").into_bytes(),
        ));
    }
    let dir = temp_tree_of(&files);
    // Named in reverse: the engine sorts.
    let mut names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    names.reverse();
    let inputs = collect_inputs(&paths(dir.path(), &names));
    let (documents, summary) = run_collecting(&Batch::new(Options::default(), 2), &inputs.inputs);
    let written: Vec<String> = documents
        .iter()
        .map(|document| {
            Path::new(&document.source.path)
                .file_name()
                .map(|name| name.to_string_lossy().into_owned())
                .unwrap_or_default()
        })
        .collect();
    let mut sorted = written.clone();
    sorted.sort();
    assert_eq!(written.len(), 24);
    assert_eq!(written, sorted);
    assert_eq!((summary.files, summary.ok, summary.failed), (24, 24, 0));
    assert_eq!(summary.tables, 48);
    assert_eq!(summary.indicators, 48);
}

#[test]
fn workers_never_run_more_than_the_window_ahead_of_the_writer() {
    // The first file is slow; every other one is instant. While the first is unwritten, no more
    // than `window` inputs may be started.
    let mut files: Vec<(String, Vec<u8>)> = vec![("a000.txt".to_string(), b"sleep:300".to_vec())];
    for index in 1..60 {
        files.push((format!("a{index:03}.txt"), b"ok".to_vec()));
    }
    let dir = temp_tree_of(&files);
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    let batch = Batch::new(Options::default(), 2);
    let window = batch.window();
    assert_eq!(window, 8);

    let started = AtomicUsize::new(0);
    let started_while_first_pending = Mutex::new(0usize);
    let first_written = std::sync::atomic::AtomicBool::new(false);
    let counting = |bytes: &[u8], extension: Option<&str>, limits: &Limits| {
        let count = started.fetch_add(1, Ordering::SeqCst) + 1;
        if !first_written.load(Ordering::SeqCst) {
            let mut most = started_while_first_pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *most = (*most).max(count);
        }
        scripted(bytes, extension, limits)
    };
    let mut written = 0;
    let summary = batch
        .run(&counting, &inputs.inputs, &mut |_: &Document| {
            written += 1;
            first_written.store(true, Ordering::SeqCst);
            Ok(())
        })
        .expect("the sink never fails");
    assert_eq!(written, 60);
    assert_eq!(summary.files, 60);
    let most = *started_while_first_pending
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    assert!(
        most <= window,
        "{most} inputs started before the first was written"
    );
    assert!(most >= 2, "the second worker did run ahead ({most})");
}

#[test]
fn a_panicking_file_fails_alone_and_the_batch_completes() {
    let dir = temp_tree(&[
        ("1.txt", b"ok"),
        ("2.txt", b"panic"),
        ("3.txt", b"fail"),
        ("4.txt", b"ok"),
    ]);
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    let (documents, summary) = run_collecting(&Batch::new(Options::default(), 2), &inputs.inputs);
    let statuses: Vec<Status> = documents.iter().map(|d| d.status).collect();
    assert_eq!(
        statuses,
        [Status::Ok, Status::Failed, Status::Failed, Status::Ok]
    );
    let panic = documents[1].error.as_ref().expect("an error");
    assert_eq!(panic.code, ErrorCode::Internal);
    assert!(panic.message.contains("2.txt"), "{}", panic.message);
    assert!(
        panic.message.contains("scripted failure"),
        "{}",
        panic.message
    );
    assert_eq!((summary.ok, summary.failed), (2, 2));
    assert_eq!(summary.failures.len(), 2);
    assert_eq!(summary.failures[0].1, ErrorCode::Internal);
    let rendered = summary.render();
    assert!(
        rendered
            .starts_with("4 files: 2 ok, 0 partial, 0 empty, 2 failed; 4 tables, 4 indicators;"),
        "{rendered}"
    );
    assert!(rendered.contains("2.txt: internal:"), "{rendered}");
    assert!(
        rendered.contains("3.txt: unreadable: scripted"),
        "{rendered}"
    );
}

#[test]
fn a_failing_sink_stops_the_batch_with_its_error() {
    let files: Vec<(String, Vec<u8>)> = (0..40)
        .map(|index| (format!("{index:02}.txt"), b"ok".to_vec()))
        .collect();
    let dir = temp_tree_of(&files);
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    let extracted = AtomicUsize::new(0);
    let counting = |bytes: &[u8], extension: Option<&str>, limits: &Limits| {
        extracted.fetch_add(1, Ordering::SeqCst);
        scripted(bytes, extension, limits)
    };
    let mut calls = 0;
    let result =
        Batch::new(Options::default(), 2).run(&counting, &inputs.inputs, &mut |_: &Document| {
            calls += 1;
            if calls == 3 {
                Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
            } else {
                Ok(())
            }
        });
    assert_eq!(
        result.expect_err("the sink failed").kind(),
        io::ErrorKind::BrokenPipe
    );
    assert_eq!(calls, 3);
    // Workers stop at the window instead of reading all forty files.
    assert!(extracted.load(Ordering::SeqCst) < 40);
}

#[test]
fn one_job_works_and_zero_means_every_core() {
    let dir = temp_tree(&[("b.txt", b"ok"), ("a.txt", b"fail")]);
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    let (documents, _) = run_collecting(&Batch::new(Options::default(), 1), &inputs.inputs);
    assert!(documents[0].source.path.ends_with("a.txt"));
    assert!(Batch::new(Options::default(), 0).jobs >= 1);
}

#[test]
fn folders_are_walked_sorted_skipping_hidden_lock_files_and_links() {
    let dir = temp_tree(&[
        ("b/2.docx", b"x"),
        ("b/10.docx", b"x"),
        ("a.pdf", b"x"),
        ("b/c/deep.xlsx", b"x"),
        (".hidden.docx", b"x"),
        (".git/config", b"x"),
        ("b/~$lock.docx", b"x"),
    ]);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("a.pdf"), dir.path().join("b/link.pdf"))
            .expect("a symbolic link");
        std::os::unix::fs::symlink(dir.path(), dir.path().join("b/loop")).expect("a link loop");
    }
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    assert!(!inputs.single, "a folder is never a single input");
    let names: Vec<String> = inputs
        .inputs
        .iter()
        .map(|input| {
            let label = input.label();
            label
                .strip_prefix(&*dir.path().to_string_lossy())
                .unwrap_or(&label)
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        ["/a.pdf", "/b/10.docx", "/b/2.docx", "/b/c/deep.xlsx"]
    );
    // Links inside a folder are not followed by default, and the summary says so.
    #[cfg(unix)]
    {
        let skipped: Vec<&str> = inputs
            .skipped
            .iter()
            .map(|skipped| skipped.reason.as_str())
            .collect();
        assert_eq!(
            skipped,
            [
                "a symbolic link (-L follows links)",
                "a symbolic link (-L follows links)"
            ]
        );
    }
}

#[test]
fn named_files_are_kept_as_given_and_missing_ones_fail_visibly() {
    let dir = temp_tree(&[(".hidden.txt", b"ok")]);
    let hidden = dir.path().join(".hidden.txt");
    let missing = dir.path().join("missing.txt");
    let inputs = collect_inputs(std::slice::from_ref(&hidden));
    assert!(inputs.single);
    assert_eq!(inputs.inputs, [Input::File(hidden.clone())]);
    let inputs = collect_inputs(&[
        missing.clone(),
        PathBuf::from("-"),
        hidden.clone(),
        missing.clone(),
    ]);
    assert!(!inputs.single);
    assert_eq!(
        inputs.inputs,
        [
            Input::Stdin,
            Input::File(hidden),
            Input::File(missing.clone())
        ]
    );
    let (documents, summary) = run_collecting(
        &Batch::new(Options::default(), 2),
        &[Input::File(missing.clone())],
    );
    assert_eq!(summary.failed, 1);
    let error = documents[0].error.as_ref().expect("an error");
    assert_eq!(error.code, ErrorCode::Unreadable);
    assert!(error.message.contains("no such file"), "{}", error.message);
}

#[test]
fn an_unlistable_folder_fails_as_an_input() {
    let input = Input::Unlistable {
        path: PathBuf::from("locked"),
        message: "cannot list the folder locked: permission denied".to_string(),
    };
    let (documents, summary) = run_collecting(&Batch::new(Options::default(), 1), &[input]);
    assert_eq!(summary.failed, 1);
    assert_eq!(documents[0].source.path, "locked");
    assert_eq!(
        documents[0].error.as_ref().map(|e| e.code),
        Some(ErrorCode::Unreadable)
    );
}

#[test]
fn the_summary_names_a_limited_number_of_failures() {
    let files: Vec<(String, Vec<u8>)> = (0..25)
        .map(|index| (format!("{index:02}.txt"), b"fail".to_vec()))
        .collect();
    let dir = temp_tree_of(&files);
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    let (_, summary) = run_collecting(&Batch::new(Options::default(), 2), &inputs.inputs);
    assert_eq!(summary.failed, 25);
    assert_eq!(
        summary.failures.len(),
        jixiao::batch::SUMMARY_FAILURES_SHOWN
    );
    assert!(summary.render().contains("… and 5 more failed files"));
}

#[test]
fn a_panicking_sink_does_not_leave_workers_waiting() {
    let files: Vec<(String, Vec<u8>)> = (0..30)
        .map(|index| (format!("{index:02}.txt"), b"ok".to_vec()))
        .collect();
    let dir = temp_tree_of(&files);
    let inputs = collect_inputs(&[dir.path().to_path_buf()]);
    let batch = Batch::new(Options::default(), 2);
    // Without the release of waiting workers this call would never return.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        batch.run(
            &scripted,
            &inputs.inputs,
            &mut |_: &Document| -> io::Result<()> { panic!("the sink broke") },
        )
    }));
    assert!(outcome.is_err());
}
