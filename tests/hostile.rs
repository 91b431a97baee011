//! Hostile input, end to end: the built binary reads a folder of broken, disguised and
//! malicious files in one batch, and every file gets its document (in sorted order) with the
//! right error code and a message a user can act on, while the whole run stays under 512 MiB of
//! memory and 60 seconds on two cores. The disguised good files (a docx named `.pdf`, the same
//! text in GB18030 and UTF-16) must still give their tables.
//!
//! Every input is made here, from the fixtures or from nothing: the zip bomb is streamed
//! through a deflate writer and never held in memory, the encrypted PDF is a fixture encrypted
//! by lopdf with a user password, the scanned PDF is a page that draws only an image.
//!
//! The second half checks that each limit of `jixiao_read::Limits` stops a file with
//! `too_large` and a message naming the flag that raises it.

use std::fmt::Write as _;
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::repo_root;

/// The seed whose every rendering is in `fixtures/` and whose gold lists every table.
pub(crate) const SEED: &str = "003_f17e630e396b42a6";

/// What the batch may use at most.
const MAX_PEAK_RSS: u64 = 512 * 1024 * 1024;
const MAX_WALL: Duration = Duration::from_secs(60);

pub(crate) fn fixture(directory: &str, extension: &str) -> Vec<u8> {
    let path = repo_root()
        .join("fixtures")
        .join(directory)
        .join(format!("{SEED}.{extension}"));
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Making the inputs.
// ---------------------------------------------------------------------------------------------

/// Deterministic bytes that look like nothing (xorshift64*), so that a failure reproduces.
pub(crate) fn random_bytes(seed: u64, len: usize) -> Vec<u8> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..len)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// A zip package of `entries`, deflated.
pub(crate) fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        writer.start_file(*name, options).expect("start an entry");
        writer.write_all(data).expect("write an entry");
    }
    writer.finish().expect("finish the package");
    out.into_inner()
}

/// The entries of a zip package, inflated.
pub(crate) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip package");
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).expect("an entry");
            let mut data = Vec::new();
            std::io::Read::read_to_end(&mut entry, &mut data).expect("an entry's bytes");
            (entry.name().expect("a name").to_string(), data)
        })
        .collect()
}

/// The fixture docx with its main part changed by `edit`.
fn docx_with_main_part(edit: impl Fn(&str) -> String) -> Vec<u8> {
    let entries: Vec<(String, Vec<u8>)> = unzip(&fixture("docx", "docx"))
        .into_iter()
        .map(|(name, data)| {
            if name == "word/document.xml" {
                let text = String::from_utf8(data).expect("UTF-8 XML");
                (name, edit(&text).into_bytes())
            } else {
                (name, data)
            }
        })
        .collect();
    let borrowed: Vec<(&str, &[u8])> = entries
        .iter()
        .map(|(name, data)| (name.as_str(), data.as_slice()))
        .collect();
    zip_with(&borrowed)
}

const WORD_NAMESPACE: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// A docx whose `word/document.xml` inflates to `inflated` bytes of real markup (one paragraph
/// whose text repeats). The part is streamed through the deflate writer a mebibyte at a time,
/// so the test never holds more than one chunk; the package is about a thousandth of the size.
fn docx_bomb(inflated: u64) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    let mut writer = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(1))
        .large_file(inflated >= u64::from(u32::MAX));
    writer
        .start_file("word/document.xml", options)
        .expect("start the part");
    let head = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><w:document xmlns:w=\"{WORD_NAMESPACE}\">\
         <w:body><w:p><w:r><w:t>"
    );
    writer.write_all(head.as_bytes()).expect("write");
    let chunk = "绩效目标表".repeat(1 << 20 >> 4);
    let mut written = head.len() as u64;
    while written < inflated {
        writer.write_all(chunk.as_bytes()).expect("write");
        written += chunk.len() as u64;
    }
    writer
        .write_all(b"</w:t></w:r></w:p></w:body></w:document>")
        .expect("write");
    writer.finish().expect("finish the package");
    out.into_inner()
}

/// The fixture docx with a "billion laughs" DOCTYPE: ten entities each ten times the one
/// before, and a paragraph that uses the last. Expanding it would take 10^9 × 3 bytes; a reader
/// that never expands DOCTYPE entities reads the tables as if it were not there.
fn billion_laughs_docx() -> Vec<u8> {
    let mut doctype = String::from("<!DOCTYPE w:document [\n<!ENTITY lol0 \"lol\">\n");
    for level in 1..10 {
        let _ = write!(doctype, "<!ENTITY lol{level} \"");
        for _ in 0..10 {
            let _ = write!(doctype, "&lol{};", level - 1);
        }
        doctype.push_str("\">\n");
    }
    doctype.push_str("]>");
    docx_with_main_part(|xml| {
        let body = xml.find("<w:body>").expect("a body") + "<w:body>".len();
        let declaration_end = xml.find("?>").map_or(0, |at| at + 2);
        format!(
            "{}{doctype}{}<w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>{}",
            &xml[..declaration_end],
            &xml[declaration_end..body],
            &xml[body..]
        )
    })
}

/// The fixture PDF (a real table) encrypted with RC4-128, user password `secret`: nothing
/// opens it without the password, so a reader must say so instead of reading nonsense.
fn encrypted_pdf() -> Vec<u8> {
    use lopdf::{EncryptionState, EncryptionVersion, Object, Permissions};
    let mut document = lopdf::Document::load_mem(&fixture("pdf", "pdf")).expect("the fixture");
    if document.trailer.get(b"ID").is_err() {
        let id = Object::String(
            b"jixiao-hostile-id".to_vec(),
            lopdf::StringFormat::Hexadecimal,
        );
        document
            .trailer
            .set("ID", Object::Array(vec![id.clone(), id]));
    }
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &document,
        owner_password: "owner",
        user_password: "secret",
        key_length: 128,
        permissions: Permissions::all(),
    })
    .expect("an encryption state");
    document.encrypt(&state).expect("encrypted");
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("saved");
    bytes
}

/// A one-page PDF that draws a grey 8 × 8 image over the page and has no text at all: what a
/// scanner writes.
fn scanned_pdf() -> Vec<u8> {
    use lopdf::{Stream, dictionary};
    let mut document = lopdf::Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let image = Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Image",
            "Width" => 8,
            "Height" => 8,
            "ColorSpace" => "DeviceGray",
            "BitsPerComponent" => 8,
        },
        random_bytes(7, 64),
    );
    let image_id = document.add_object(image);
    let content = Stream::new(dictionary! {}, b"q 595 0 0 842 0 0 cm /Im1 Do Q".to_vec());
    let resources = dictionary! { "XObject" => dictionary! { "Im1" => image_id } };
    save_one_page(document, pages_id, resources, content)
}

/// Adds the one A4 page (`resources`, `content`) under the page tree `pages_id` that the
/// caller reserved, and the catalog, and saves the document.
pub(crate) fn save_one_page(
    mut document: lopdf::Document,
    pages_id: lopdf::ObjectId,
    resources: impl Into<lopdf::Object>,
    content: lopdf::Stream,
) -> Vec<u8> {
    use lopdf::{Object, dictionary};
    let content_id = document.add_object(content);
    let page_id = document.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        "Resources" => resources,
        "Contents" => content_id,
    });
    document.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => vec![page_id.into()],
            "Count" => 1,
        }),
    );
    let catalog_id = document.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    document.trailer.set("Root", catalog_id);
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("saved");
    bytes
}

/// A page whose elements nest `depth` deep around a small table.
fn deep_html(depth: usize) -> Vec<u8> {
    let mut html = String::from("<!DOCTYPE html><html><body>");
    html.push_str(&"<div>".repeat(depth));
    html.push_str("<table><tr><td>一级指标</td><td>二级指标</td></tr></table>");
    html.push_str(&"</div>".repeat(depth));
    html.push_str("</body></html>");
    html.into_bytes()
}

/// The seed's text in another encoding, with a byte order mark when `bom` is set.
pub(crate) fn reencoded_seed(encoding: &'static encoding_rs::Encoding, bom: &[u8]) -> Vec<u8> {
    let text = String::from_utf8(fixture("text", "txt")).expect("a UTF-8 seed");
    let mut bytes = bom.to_vec();
    if encoding == encoding_rs::UTF_16LE {
        // encoding_rs encodes into UTF-16 only by hand: it writes UTF-8 for UTF-16 labels.
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    } else {
        let (encoded, _, unmappable) = encoding.encode(&text);
        assert!(
            !unmappable,
            "the seed has characters {} lacks",
            encoding.name()
        );
        bytes.extend_from_slice(&encoded);
    }
    bytes
}

// ---------------------------------------------------------------------------------------------
// Running the binary and measuring it.
// ---------------------------------------------------------------------------------------------

/// One run of the binary: its documents, exit status, peak memory and wall time.
struct Run {
    documents: Vec<Value>,
    status: Option<i32>,
    stderr: String,
    /// The child's high-water mark of resident memory (`VmHWM`), where `/proc` shows it.
    peak_rss: Option<u64>,
    wall: Duration,
}

/// Runs `jixiao extract <args> -o out.jsonl` in `dir`, sampling the child's peak resident
/// memory from `/proc/<pid>/status` every 2 ms while it runs. `VmHWM` is a high-water mark, so
/// a sample taken at any time after a spike still sees it; only a spike in the last
/// milliseconds before exit could be missed, which is why the batch ends with light files.
/// A child still running after twice the wall-time limit is killed, so that a hang fails the
/// test instead of stalling it.
fn run_measured(dir: &Path, args: &[&str]) -> Run {
    let output = dir.join("out.jsonl");
    let stderr_path = dir.join("stderr.txt");
    let stderr_file = std::fs::File::create(&stderr_path).expect("a stderr file");
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("extract")
        .args(args)
        .arg("-o")
        .arg(&output)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(stderr_file))
        .spawn()
        .expect("the jixiao binary starts");
    let status_path = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_rss = None;
    let status = loop {
        if let Some(kib) = std::fs::read_to_string(&status_path)
            .ok()
            .as_deref()
            .and_then(vm_hwm_kib)
        {
            peak_rss = Some(peak_rss.unwrap_or(0).max(kib * 1024));
        }
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > 2 * MAX_WALL {
            let _ = child.kill();
            let _ = child.wait();
            panic!("jixiao ran for more than {:?}: it hangs", 2 * MAX_WALL);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let wall = started.elapsed();
    let text = std::fs::read_to_string(&output).unwrap_or_default();
    let documents = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON document per line"))
        .collect();
    Run {
        documents,
        status: status.code(),
        stderr: std::fs::read_to_string(&stderr_path).unwrap_or_default(),
        peak_rss,
        wall,
    }
}

/// The `VmHWM:   1234 kB` line of `/proc/<pid>/status`, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// Reading the documents.
// ---------------------------------------------------------------------------------------------

pub(crate) fn text(value: &Value) -> &str {
    value.as_str().unwrap_or("")
}

/// Each indicator as `一级 / 二级 / 三级 = [raw values]`, table by table.
pub(crate) fn indicator_lines(document: &Value) -> Vec<String> {
    let empty = Vec::new();
    document["tables"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .flat_map(|table| table["indicators"].as_array().unwrap_or(&empty))
        .map(|indicator| {
            let values: Vec<&str> = indicator["values"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|value| text(&value["raw"]))
                .collect();
            format!(
                "{} / {} / {} = {values:?}",
                text(&indicator["level1"]),
                text(&indicator["level2"]),
                text(&indicator["level3"])
            )
        })
        .collect()
}

/// The gold indicators of the seed, in the same form.
pub(crate) fn gold_lines() -> Vec<String> {
    let path = repo_root()
        .join("fixtures/gold")
        .join(format!("{SEED}.gold.json"));
    let gold: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("the gold file")).expect("JSON");
    let empty = Vec::new();
    gold["tables"]
        .as_array()
        .unwrap_or(&empty)
        .iter()
        .flat_map(|table| table["indicators"].as_array().unwrap_or(&empty))
        .map(|indicator| {
            let values: Vec<&str> = indicator["values"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(text)
                .collect();
            format!(
                "{} / {} / {} = {values:?}",
                text(&indicator["level1"]),
                text(&indicator["level2"]),
                text(&indicator["level3"])
            )
        })
        .collect()
}

/// What one input must give.
pub(crate) enum Expect {
    /// Failed with this code, and a message holding each of these words.
    Fails(&'static str, &'static [&'static str]),
    /// Read as this format, with the gold indicators of the seed.
    Gold(&'static str),
    /// Read as text in this encoding, with the same tables as the UTF-8 seed.
    SameAsSeed(&'static str),
}

/// Checks one document against what it must give; returns the problems found.
pub(crate) fn check(
    document: &Value,
    expect: &Expect,
    seed: &Value,
    gold: &[String],
) -> Vec<String> {
    let path = text(&document["source"]["path"]).to_string();
    let mut problems = Vec::new();
    match expect {
        Expect::Fails(code, words) => {
            if document["status"] != "failed" || document["error"]["code"] != *code {
                problems.push(format!(
                    "{path}: wanted a failure with `{code}`, got status {} error {}",
                    document["status"], document["error"]
                ));
            }
            let message = text(&document["error"]["message"]);
            for word in *words {
                if !message.contains(word) {
                    problems.push(format!("{path}: the message lacks {word:?}: {message}"));
                }
            }
        }
        Expect::Gold(format) => {
            if document["source"]["format"] != *format {
                problems.push(format!(
                    "{path}: read as {}, not {format}",
                    document["source"]["format"]
                ));
            }
            if document["status"] == "failed" {
                problems.push(format!("{path}: failed: {}", document["error"]));
            }
            let found = indicator_lines(document);
            if found != gold {
                problems.push(format!(
                    "{path}: {} indicators differ from the {} of the gold; first difference: {:?}",
                    found.len(),
                    gold.len(),
                    found.iter().zip(gold).find(|(found, gold)| found != gold)
                ));
            }
        }
        Expect::SameAsSeed(encoding) => {
            if document["source"]["encoding"] != *encoding {
                problems.push(format!(
                    "{path}: encoding {}, not {encoding}",
                    document["source"]["encoding"]
                ));
            }
            if document["status"] != seed["status"] || document["tables"] != seed["tables"] {
                problems.push(format!(
                    "{path}: status {} and {} indicators, the UTF-8 seed has {} and {}",
                    document["status"],
                    indicator_lines(document).len(),
                    seed["status"],
                    indicator_lines(seed).len()
                ));
            }
        }
    }
    problems
}

// ---------------------------------------------------------------------------------------------
// The hostile batch.
// ---------------------------------------------------------------------------------------------

/// The whole hostile folder in one batch on two worker threads.
///
/// Which reader each expectation waits on: `truncated.docx`, `bomb.docx`, `billion-laughs.docx`
/// and `disguised-docx.pdf` on the docx reader; `encrypted.pdf` and `scanned.pdf` on the PDF
/// reader; `deep.html` on the HTML reader; the random files and the encodings on detection and
/// the text reader only.
#[test]
fn a_hostile_batch_fails_each_bad_file_cleanly_in_bounded_memory_and_time() {
    let mut files: Vec<(&str, Vec<u8>, Expect)> = vec![
        (
            "billion-laughs.docx",
            billion_laughs_docx(),
            Expect::Gold("docx"),
        ),
        (
            "bomb.docx",
            docx_bomb(1 << 30 | 1 << 20),
            Expect::Fails("too_large", &["word/document.xml", "--max-inflate"]),
        ),
        (
            "deep.html",
            deep_html(20_000),
            Expect::Fails("too_large", &["--max-depth"]),
        ),
        (
            "disguised-docx.pdf",
            fixture("docx", "docx"),
            Expect::Gold("docx"),
        ),
        (
            "empty.txt",
            Vec::new(),
            Expect::Fails("unreadable", &["empty"]),
        ),
        (
            "encrypted.pdf",
            encrypted_pdf(),
            Expect::Fails("encrypted", &["password"]),
        ),
        (
            "scanned.pdf",
            scanned_pdf(),
            Expect::Fails("no_text_layer", &["OCR"]),
        ),
        (
            "truncated.docx",
            {
                let docx = fixture("docx", "docx");
                docx[..docx.len() / 2].to_vec()
            },
            Expect::Fails("unreadable", &["truncated"]),
        ),
    ];
    // Random bytes under every extension: named as a binary format they are that file, corrupt;
    // named as text or HTML they are binary data that matches no format.
    for (index, (name, code, words)) in [
        ("random.doc", "unreadable", &["not a .doc file"][..]),
        ("random.docx", "unreadable", &["not a .docx file"]),
        ("random.html", "unsupported_format", &["binary data"]),
        ("random.pdf", "unreadable", &["not a .pdf file"]),
        ("random.txt", "unsupported_format", &["binary data"]),
        ("random.xls", "unreadable", &["not a .xls file"]),
        ("random.xlsx", "unreadable", &["not a .xlsx file"]),
    ]
    .into_iter()
    .enumerate()
    {
        files.push((
            name,
            random_bytes(index as u64 + 1, 4096),
            Expect::Fails(code, words),
        ));
    }
    // Light files last in sorted order, so that the memory sampling runs past every heavy one.
    files.push((
        "seed-gb18030.txt",
        reencoded_seed(encoding_rs::GB18030, b""),
        Expect::SameAsSeed("gb18030"),
    ));
    files.push((
        "seed-utf-16le.txt",
        reencoded_seed(encoding_rs::UTF_16LE, b"\xFF\xFE"),
        Expect::SameAsSeed("utf-16le"),
    ));
    files.push((
        "seed-utf-8.txt",
        fixture("text", "txt"),
        Expect::Gold("text"),
    ));

    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(dir.path().join("in")).expect("the input folder");
    for (name, bytes, _) in &files {
        std::fs::write(dir.path().join("in").join(name), bytes).expect("an input file");
    }
    files.sort_by(|a, b| a.0.cmp(b.0));

    let run = run_measured(dir.path(), &["in", "-j", "2"]);

    let paths: Vec<&str> = run
        .documents
        .iter()
        .map(|document| text(&document["source"]["path"]))
        .collect();
    let wanted: Vec<String> = files
        .iter()
        .map(|(name, ..)| format!("in/{name}"))
        .collect();
    assert_eq!(paths, wanted, "one document per input, in sorted order");
    assert_eq!(run.status, Some(1), "some inputs failed: {}", run.stderr);

    let gold = gold_lines();
    let seed = run
        .documents
        .iter()
        .find(|document| document["source"]["path"] == "in/seed-utf-8.txt")
        .cloned()
        .unwrap_or(Value::Null);
    let mut problems = Vec::new();
    for (document, (_, _, expect)) in run.documents.iter().zip(&files) {
        problems.extend(check(document, expect, &seed, &gold));
    }
    eprintln!(
        "hostile batch: {} files in {:.2} s, peak RSS {}",
        files.len(),
        run.wall.as_secs_f64(),
        run.peak_rss
            .map_or("not measured".to_string(), |bytes| format!(
                "{} MiB",
                bytes >> 20
            ))
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(run.wall < MAX_WALL, "the batch took {:?}", run.wall);
    if cfg!(target_os = "linux") {
        let peak = run.peak_rss.expect("/proc shows the child's peak memory");
        assert!(
            peak < MAX_PEAK_RSS,
            "the batch peaked at {} MiB of resident memory",
            peak >> 20
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Each limit, named in its error.
// ---------------------------------------------------------------------------------------------

/// Runs one file through the binary with `flags`; returns its document.
fn extract_one(name: &str, bytes: &[u8], flags: &[&str]) -> Value {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::write(dir.path().join(name), bytes).expect("the input");
    let mut args = vec![name, "--format", "jsonl"];
    args.extend_from_slice(flags);
    let run = run_measured(dir.path(), &args);
    assert_eq!(run.documents.len(), 1, "{name}: {}", run.stderr);
    run.documents.into_iter().next().unwrap_or(Value::Null)
}

/// A `too_large` failure whose message names `flag`, or a description of what came instead.
fn too_large_naming(document: &Value, flag: &str) -> Option<String> {
    let message = text(&document["error"]["message"]);
    if document["error"]["code"] == "too_large" && message.contains(flag) {
        None
    } else {
        Some(format!(
            "{}: wanted too_large naming {flag}, got {}",
            text(&document["source"]["path"]),
            document["error"]
        ))
    }
}

/// Every limit with a flag stops a file that passes it, and the message names the flag.
///
/// Which reader each case waits on: the inflation and XML-depth cases on the docx reader (the
/// total-inflation case on the xlsx reader, the only one that inflates every part), the page
/// and drawing-depth cases on the PDF reader, the cell cases on each format's reader.
#[test]
fn each_limit_stops_a_file_and_names_its_flag() {
    let mut problems = Vec::new();

    // Input size, checked before a byte is read.
    let document = extract_one("big.txt", &[b'a'; 4096], &["--max-input", "1K"]);
    problems.extend(too_large_naming(&document, "--max-input"));

    // Inflation of one part: 2 MiB of markup under a 1 MiB limit.
    let bomb = docx_bomb(2 << 20);
    let document = extract_one("inflate.docx", &bomb, &["--max-inflate", "1M"]);
    problems.extend(too_large_naming(&document, "--max-inflate"));

    // Inflation of all parts together: three parts of 800 KiB, each under the 1 MiB limit of a
    // part, together past the 2 MiB limit of a package.
    let part = vec![b' '; 800 << 10];
    let workbook = unzip(&fixture("xlsx", "xlsx"));
    let mut entries: Vec<(&str, &[u8])> = workbook
        .iter()
        .map(|(name, data)| (name.as_str(), data.as_slice()))
        .collect();
    entries.extend([
        ("customXml/item1.xml", part.as_slice()),
        ("customXml/item2.xml", part.as_slice()),
        ("customXml/item3.xml", part.as_slice()),
    ]);
    let document = extract_one("total.xlsx", &zip_with(&entries), &["--max-inflate", "1M"]);
    problems.extend(too_large_naming(&document, "--max-inflate"));
    if !text(&document["error"]["message"]).contains("in total") {
        problems.push(format!(
            "total.xlsx: not the total limit: {}",
            document["error"]
        ));
    }

    // XML nesting: the fixture's table inside 300 content controls, under the default 256.
    let deep = docx_with_main_part(|xml| {
        let body = xml.find("<w:body>").expect("a body") + "<w:body>".len();
        let end = xml.rfind("</w:body>").expect("a body end");
        format!(
            "{}{}{}{}{}",
            &xml[..body],
            "<w:sdt><w:sdtContent>".repeat(150),
            &xml[body..end],
            "</w:sdtContent></w:sdt>".repeat(150),
            &xml[end..]
        )
    });
    let document = extract_one("deep.docx", &deep, &[]);
    problems.extend(too_large_naming(&document, "--max-depth"));

    // HTML nesting, with the flag lowered: 100 levels under a limit of 50.
    let document = extract_one("deep.html", &deep_html(100), &["--max-depth", "50"]);
    problems.extend(too_large_naming(&document, "--max-depth"));

    // PDF pages: the fixture has more than one page.
    let document = extract_one("pages.pdf", &fixture("pdf", "pdf"), &["--max-pages", "1"]);
    problems.extend(too_large_naming(&document, "--max-pages"));

    // PDF drawing recursion: a Form XObject that draws itself is cut at the depth limit, and
    // the page's text is still read; the cut is a loss warning naming the flag.
    let document = extract_one("recursive.pdf", &self_drawing_pdf(), &[]);
    let warned = document["warnings"].as_array().is_some_and(|warnings| {
        warnings.iter().any(|warning| {
            warning["code"] == "too_deep" && text(&warning["message"]).contains("--max-depth")
        })
    });
    if !warned || document["error"]["code"] == "no_text_layer" {
        problems.push(format!(
            "recursive.pdf: wanted a too_deep warning and the text read, got {document}"
        ));
    }

    // Cells, in every format that has tables: the seed's tables hold far more than 10.
    for (directory, extension) in [
        ("docx", "docx"),
        ("xlsx", "xlsx"),
        ("xls", "xls"),
        ("html", "html"),
        ("pdf", "pdf"),
        ("text", "txt"),
    ] {
        let name = format!("cells.{extension}");
        let document = extract_one(
            &name,
            &fixture(directory, extension),
            &["--max-cells", "10"],
        );
        problems.extend(too_large_naming(&document, "--max-cells"));
    }

    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A one-page PDF with a line of text and a Form XObject whose content draws itself.
fn self_drawing_pdf() -> Vec<u8> {
    use lopdf::{Object, Stream, dictionary};
    let mut document = lopdf::Document::with_version("1.7");
    let pages_id = document.new_object_id();
    let resources_id = document.new_object_id();
    let form_id = document.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject",
            "Subtype" => "Form",
            "BBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
            "Resources" => resources_id,
        },
        b"/X1 Do".to_vec(),
    ));
    let font_id = document.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type1",
        "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    document.objects.insert(
        resources_id,
        Object::Dictionary(dictionary! {
            "Font" => dictionary! { "F1" => font_id },
            "XObject" => dictionary! { "X1" => form_id },
        }),
    );
    let content = Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 700 Td (Performance targets) Tj ET /X1 Do".to_vec(),
    );
    save_one_page(document, pages_id, resources_id, content)
}

/// A spent time budget stops every reader that has work to do: the budget is checked inside
/// each reader's long loops, so a file that would take too long fails with `too_large` naming
/// `--timeout` instead of stalling a batch. (The command line cannot set a budget under one
/// second, so this runs the pipeline in the test's process with a budget of zero.)
///
/// Which reader each case waits on: each format's own.
#[test]
fn a_spent_time_budget_stops_every_reader() {
    let options = jixiao::Options {
        limits: jixiao_read::Limits {
            timeout: Some(Duration::ZERO),
            ..jixiao_read::Limits::default()
        },
    };
    // The docx reader looks at the clock every 65,536 XML events; the fixture gets 70,000
    // empty paragraphs so that it has that many.
    let long_docx = docx_with_main_part(|xml| {
        let body = xml.find("<w:body>").expect("a body") + "<w:body>".len();
        format!(
            "{}{}{}",
            &xml[..body],
            "<w:p/>".repeat(70_000),
            &xml[body..]
        )
    });
    // The text reader looks at the clock every few thousand lines.
    let long_text = {
        let mut text = fixture("text", "txt");
        for _ in 0..20_000 {
            text.extend_from_slice("产出指标\t数量指标\t设备购置率\t=100%\n".as_bytes());
        }
        text
    };
    let inputs: Vec<(&str, Vec<u8>)> = vec![
        ("slow.docx", long_docx),
        ("slow.xlsx", fixture("xlsx", "xlsx")),
        ("slow.xls", fixture("xls", "xls")),
        ("slow.html", fixture("html", "html")),
        ("slow.pdf", fixture("pdf", "pdf")),
        ("slow.txt", long_text),
    ];
    let mut problems = Vec::new();
    for (name, bytes) in inputs {
        let document = jixiao::extract_bytes(&bytes, name, &options);
        let document = serde_json::to_value(&document).expect("serialises");
        problems.extend(too_large_naming(&document, "--timeout"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// Regressions found by fuzzing (`make fuzz`).
// ---------------------------------------------------------------------------------------------

/// Reads `bytes` with the reader their content calls for, outside any panic guard of the
/// pipeline, so that a panic escaping the reader fails the test.
fn read_unguarded(bytes: &[u8], extension: &str) -> Result<jixiao_grid::Document, String> {
    let limits = jixiao_read::Limits::default();
    let format = jixiao_read::detect(bytes, Some(extension));
    jixiao_read::read(format, bytes, Some(extension), &limits)
        .map_err(|error| format!("{}: {error}", error.code()))
}

/// Fuzzing found two inputs on which calamine's arithmetic overflows: a cell reference of
/// seven letters or more (`KstomFormat=` in a mutated worksheet: 26^7 passes `u32`), and a
/// MULRK record whose last column is before its first (a LABELSST record retyped by one
/// byte). Where overflow is checked (tests, debug builds) calamine panics and the sheet
/// reader's guard turns the panic into `unreadable`; in release builds the arithmetic wraps and
/// calamine either reports the bad record or gives a far-away cell, which the reader bounds.
/// Either way no panic leaves the reader.
#[test]
fn calamine_overflows_found_by_fuzzing_stay_inside_the_reader() {
    // The worksheet's first cell reference gets eight more letters.
    let workbook: Vec<(String, Vec<u8>)> = unzip(&fixture("xlsx", "xlsx"))
        .into_iter()
        .map(|(name, data)| {
            if name == "xl/worksheets/sheet1.xml" {
                let text = String::from_utf8(data).expect("UTF-8 XML");
                (
                    name,
                    text.replacen("<c r=\"", "<c r=\"AAAAAAAA", 1).into_bytes(),
                )
            } else {
                (name, data)
            }
        })
        .collect();
    let entries: Vec<(&str, &[u8])> = workbook
        .iter()
        .map(|(name, data)| (name.as_str(), data.as_slice()))
        .collect();
    let result = read_unguarded(&zip_with(&entries), "xlsx");
    if cfg!(debug_assertions) {
        let error = result.expect_err("the overflow is caught");
        assert!(error.starts_with("unreadable: "), "{error}");
        assert!(
            error.contains(CAUGHT_PANIC),
            "not the caught panic: {error}"
        );
    }

    // A LABELSST record (type 0x00FD, 10 bytes: row, column, format, string index) retyped as
    // MULRK (0x00BD) reads its last two bytes as the last column; with a column of 1 or more
    // and a small string index, the last column comes before the first.
    let mut xls = fixture("xls", "xls");
    let record = xls
        .windows(16)
        .position(|window| {
            let column = u16::from_le_bytes([window[6], window[7]]);
            let last = u16::from_le_bytes([window[12], window[13]]);
            window[..4] == [0xFD, 0x00, 0x0A, 0x00] && column > last
        })
        .expect("a LABELSST record past the first column");
    xls[record] = 0xBD;
    let error = read_unguarded(&xls, "xls").expect_err("a damaged record");
    assert!(error.starts_with("unreadable: "), "{error}");
    if cfg!(debug_assertions) {
        assert!(
            error.contains(CAUGHT_PANIC),
            "not the caught panic: {error}"
        );
    }
}

/// What the sheet reader says when its guard caught a panic inside calamine.
const CAUGHT_PANIC: &str = "the spreadsheet parser failed on its content";
