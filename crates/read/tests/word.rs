//! The native `.doc` reader on documents that Microsoft Word wrote (`fixtures/doc/word/`, see
//! its README): every other `.doc` fixture was written by LibreOffice, whose files are simpler
//! (one piece, no fast-save history, no Mac code page). Each table is compared cell by cell
//! with the text Word shows.

use std::path::Path;

use jixiao_read::grid::Document;
use jixiao_read::{Format, Limits, read};

fn read_word(name: &str) -> Document {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures/doc/word")
        .join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    read(Format::Doc, &bytes, Some("doc"), &Limits::default())
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The text of every cell of the document's only grid, row by row (`""` for an empty cell).
fn rows(document: &Document) -> Vec<Vec<String>> {
    let grids: Vec<_> = document.grids().collect();
    assert_eq!(grids.len(), 1, "one table");
    let grid = grids[0];
    (0..grid.rows())
        .map(|row| {
            (0..grid.cols())
                .map(|col| {
                    grid.slot(row, col)
                        .map(|slot| slot.cell.text.clone())
                        .unwrap_or_default()
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_word_table_with_long_cells_keeps_its_grid() {
    let document = read_word("test03.doc");
    let rows = rows(&document);
    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0],
        [
            "License",
            "GPL v3.0",
            "LGPL v3.0",
            "BSD",
            "MIT (X11)",
            "Apache v2.0"
        ]
    );
    assert_eq!(rows[1][0], "Can You Release Commercial Works?");
    assert!(rows[4][0].starts_with("So What?"), "{:?}", rows[4][0]);
    assert!(
        rows.iter()
            .flatten()
            .any(|cell| cell.contains("you want your protections to be.")),
        "{rows:?}"
    );
    assert!(
        document
            .paragraphs()
            .any(|text| text.contains("Each license name is hyperlinked")),
    );
}

#[test]
fn a_word_97_form_keeps_accents_and_cell_paragraphs() {
    let rows = rows(&read_word("test06.doc"));
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0], ["Nom", "Document1"]);
    assert_eq!(rows[3], ["Définition", ""]);
    assert_eq!(rows[11][0], "Méthodes appelées");
    assert!(
        rows[8][1].contains('\n'),
        "a cell of two paragraphs: {:?}",
        rows[8][1]
    );
}

#[test]
fn chinese_text_of_word_2002_reads_from_unicode_pieces() {
    let document = read_word("test11.doc");
    let paragraphs: Vec<&str> = document.paragraphs().collect();
    assert_eq!(
        paragraphs,
        [
            "这是一个用来测试nodejs解析Word文档.doccccc",
            "This is a test for parsing the Word file in node."
        ]
    );
    assert_eq!(document.grids().count(), 0);
}

#[test]
fn a_mac_word_table_keeps_its_empty_cell() {
    let document = read_word("test12.doc");
    assert_eq!(
        rows(&document),
        [
            ["Row 1, cell 1", "Row 1, cell 2", "Row 1, cell 3"],
            ["Row 2, cell 1", "", "Row 2, cell 3"],
        ]
    );
    let paragraphs: Vec<&str> = document.paragraphs().collect();
    assert_eq!(
        paragraphs,
        ["This is a simple paragraph", "And a second paragraph"]
    );
}
