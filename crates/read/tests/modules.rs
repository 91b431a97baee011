//! The modules of the crate depend on each other in one direction only: a test that reads the
//! sources, finds which top-level module each `crate::…` path of a module names, and fails on
//! any cycle in that graph. Names the crate root re-exports (`crate::ReadError`,
//! `crate::Limits`…) count as the module that defines them.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The modules that define what `lib.rs` re-exports.
const ROOT_NAMES: [(&str, &str); 7] = [
    ("ReadError", "error"),
    ("Format", "format"),
    ("Limits", "limits"),
    ("DocumentBuilder", "port"),
    ("Deadline", "port"),
    ("read", "lib"),
    ("detect", "detect"),
];

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file under `dir`.
fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

/// The top-level module a source file belongs to (`pdf/layout.rs` → `pdf`, `rtf.rs` → `rtf`).
fn module_of(path: &Path) -> String {
    let relative = path.strip_prefix(source_dir()).expect("under src");
    let first = relative.components().next().expect("a component");
    let name = first.as_os_str().to_string_lossy();
    name.trim_end_matches(".rs").to_string()
}

/// The text of a file without its inline test module (`#[cfg(test)] mod tests {` to the end)
/// and without comments, so that documentation links and tests do not count as dependencies.
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    };
    text.lines()
        .map(|line| match line.find("//") {
            Some(at) => &line[..at],
            None => line,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules named by `crate::` paths and `use crate::{…}` groups in `code`.
fn dependencies(code: &str, modules: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end]
                .split(',')
                .map(|name| name.trim().split("::").next().unwrap_or("").trim())
                .collect()
        } else {
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            vec![&rest[..end]]
        };
        for name in names {
            let name = name.split_whitespace().next().unwrap_or("");
            if modules.contains(name) {
                out.insert(name.to_string());
            } else if let Some((_, module)) = ROOT_NAMES.iter().find(|(root, _)| *root == name) {
                out.insert(module.to_string());
            }
        }
    }
    out
}

/// A cycle in `graph`, if there is one, as the list of modules around it.
fn cycle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
    ) -> Option<Vec<String>> {
        match state.get(node) {
            Some(2) => return None,
            Some(1) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                let mut found = path[start..].to_vec();
                found.push(node.to_string());
                return Some(found);
            }
            _ => {}
        }
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, state, path) {
                return Some(found);
            }
        }
        path.pop();
        state.insert(node.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        if let Some(found) = visit(node, graph, &mut state, &mut Vec::new()) {
            return Some(found);
        }
    }
    None
}

#[test]
fn no_module_import_cycle() {
    let mut paths = Vec::new();
    files(&source_dir(), &mut paths);
    let modules: BTreeSet<String> = paths.iter().map(|path| module_of(path)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in &paths {
        let module = module_of(path);
        if path.file_name().is_some_and(|name| name == "tests.rs") {
            // Test files (`docx/tests.rs`) may use any module.
            continue;
        }
        if module == "lib" {
            // The crate's face re-exports and dispatches to everything; it is the root.
            continue;
        }
        let text = fs::read_to_string(path).expect("source");
        let mut found = dependencies(&code_of(&text), &modules);
        found.remove(&module);
        graph.entry(module).or_default().extend(found);
    }
    assert!(graph.len() > 5, "the modules were not found: {graph:?}");
    if let Some(found) = cycle(&graph) {
        panic!("module import cycle: {}", found.join(" → "));
    }
}

#[test]
fn the_cycle_check_finds_a_cycle() {
    let modules: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
    let mut graph = BTreeMap::new();
    graph.insert("a".to_string(), dependencies("use crate::b::x;", &modules));
    graph.insert(
        "b".to_string(),
        dependencies("use crate::{a, Limits};", &modules),
    );
    assert_eq!(cycle(&graph).map(|c| c.len()), Some(3));
    graph.insert("b".to_string(), BTreeSet::new());
    assert_eq!(cycle(&graph), None);
}
