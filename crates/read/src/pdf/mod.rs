//! The PDF reader: rebuilds tables from the text layer of born-digital PDFs (saved from Word,
//! WPS or LibreOffice), where a table exists only as positioned glyphs and ruling lines.
//!
//! ```text
//! bytes ──lopdf──▶ objects ──content──▶ glyphs + rule segments (per page)
//!                                   ──layout──▶ text lines + table fragments (per page)
//!                                   ──flow/tables──▶ paragraphs + grids (across pages)
//! ```
//!
//! - [`lopdf`] parses the file's objects, repairs damaged cross-reference tables and decrypts
//!   files that open with the empty user password. Nothing else of lopdf is used: its text
//!   extraction has no positions and fails on GBK encodings.
//! - `content` is our own content-stream interpreter (graphics and text state, Form
//!   XObjects, inline images skipped) and `font`/`cmap`/`encoding`/`truetype` turn codes into
//!   text: ToUnicode CMaps, simple encodings with `/Differences`, predefined CJK CMaps
//!   (UCS-2, UTF-16, GBK, GB18030), embedded TrueType `cmap`s. Glyphs that map to nothing are
//!   counted and left out, never guessed.
//! - `layout` turns rules into cell lattices (a missing interior rule is a merged cell),
//!   places glyphs in cells and joins wrapped lines; text without rules but aligned in columns
//!   becomes a table too.
//! - `flow` and `tables` join tables that continue on the next page (repeated headers dropped,
//!   split rows and split merged cells rejoined), drop running headers, footers and page
//!   numbers, and make paragraphs of the remaining text, in reading order.
//!
//! **Boundary:** a file with no text layer at all is [`ReadError::NoTextLayer`]; a file that
//! needs a password is [`ReadError::Encrypted`]; one lopdf cannot open is
//! [`ReadError::Unreadable`]. A page that can only partly be read (unmapped fonts, broken
//! streams, caps reached) gives a `Diagnostic::loss` naming the page.
//!
//! **Invariant:** work is bounded per file: pages by `max_pdf_pages`, Form XObject nesting by
//! `max_pdf_depth`, inflated stream bytes by the inflation limits, glyphs, segments and
//! operators per page by fixed caps, and time by `check_time` once per page and every 65 536
//! operators.

mod cmap;
mod content;
mod encoding;
mod flow;
mod font;
mod layout;
mod lexer;
mod objects;
mod tables;
mod tolerance;
mod truetype;

use jixiao_grid::{Diagnostic, Location};
use lopdf::{Dictionary, LoadOptions, Object, ObjectId};

use self::content::{Cache, Interpreter, Matrix, PageContent};
use self::flow::PageItems;
use self::objects::{Objects, StreamError, rectangle};
use crate::{DocumentBuilder, Limits, ReadError};

/// US Letter, for pages without a readable `/MediaBox`.
const DEFAULT_PAGE: [f64; 4] = [0.0, 0.0, 612.0, 792.0];

/// Reads a PDF file.
pub fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    let limits = document.limits();
    let doc = load(bytes, limits)?;
    let mut diagnostics = Vec::new();
    if doc.xref_recovery.is_some() {
        diagnostics.push(Diagnostic::new(
            "pdf_repaired",
            "the PDF's cross-reference table is damaged and was rebuilt; if the file is \
             truncated, its last pages may be missing",
        ));
    }
    let objects = Objects::new(&doc, limits);

    let page_ids = page_ids(&objects, limits.max_pdf_pages.saturating_add(1));
    if page_ids.len() > limits.max_pdf_pages {
        return Err(ReadError::TooLarge(format!(
            "the PDF has more than {} pages (raise with --max-pages)",
            limits.max_pdf_pages
        )));
    }
    if page_ids.is_empty() {
        return Err(ReadError::Unreadable(
            "the PDF has no pages that can be read; it may be truncated or corrupt".to_string(),
        ));
    }

    let mut cache = Cache::default();
    let mut pages = Vec::with_capacity(page_ids.len());
    let (mut mapped, mut unmapped, mut images) = (0usize, 0usize, 0usize);
    // Pages whose content a cap or budget cut short: text may have been there.
    let mut cut_short = 0usize;
    let mut missing_content = 0usize;
    let mut unmapped_fonts: Vec<String> = Vec::new();
    for (index, &id) in page_ids.iter().enumerate() {
        document.check_time()?;
        let number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let (content, height) =
            read_page(&objects, &mut cache, document, id, &mut diagnostics, number)?;
        report_page(&content, number, limits, &mut diagnostics);
        mapped += content.mapped;
        unmapped += content.unmapped;
        images += content.images;
        missing_content += usize::from(content.missing_streams > 0);
        if content.truncated || content.forms_over_budget > 0 || content.oversized_streams > 0 {
            cut_short += 1;
        }
        for font in &content.unmapped_fonts {
            if !unmapped_fonts.contains(font) && unmapped_fonts.len() < 8 {
                unmapped_fonts.push(font.clone());
            }
        }
        let items = layout::layout_page(number, height, &content.glyphs, &content.segments);
        pages.push(PageItems {
            page: number,
            height,
            items,
        });
    }

    if mapped == 0 {
        if cut_short > 0 {
            // Not a scan: the pages were cut short before any text was reached.
            return Err(ReadError::TooLarge(format!(
                "no text was reached on the PDF's pages: {cut_short} page(s) draw more than \
                 the work limits allow (drawings that repeat each other, or content streams \
                 that inflate past --max-inflate)"
            )));
        }
        if missing_content > 0 && images == 0 {
            return Err(ReadError::Unreadable(format!(
                "the PDF is damaged: the content of {missing_content} page(s) refers to objects \
                 the file does not hold (a broken object stream or cross-reference table), so \
                 nothing could be read; it is not a scan"
            )));
        }
        if unmapped > 0 {
            return Err(ReadError::NoTextLayer(format!(
                "the PDF's text uses fonts that carry no character mapping ({}), so it cannot \
                 be read as text; OCR it first",
                font_list(&unmapped_fonts)
            )));
        }
        let what = if images > 0 { " (only images)" } else { "" };
        return Err(ReadError::NoTextLayer(format!(
            "the PDF has no text layer{what}: it is probably scanned; OCR it first"
        )));
    }

    document.pages(u32::try_from(page_ids.len()).unwrap_or(u32::MAX));
    document.diagnostics(diagnostics);
    flow::assemble(pages, document)
}

/// The pages in reading order: the page tree walked depth first, each node once, so that a
/// tree whose `/Kids` loop back to an ancestor still gives every page once (a node is a page
/// when it says `/Type /Page`, or has no `/Kids` but has `/Contents`). When the tree gives no
/// page at all (no `/Pages`, or a damaged one), every object that says `/Type /Page` is taken,
/// in object order. At most `max` pages are returned.
fn page_ids(objects: &Objects<'_>, max: usize) -> Vec<ObjectId> {
    let doc = objects.doc;
    let mut pages = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let root = doc
        .trailer
        .get(b"Root")
        .ok()
        .and_then(|root| objects.dict(root))
        .and_then(|catalog| catalog.get(b"Pages").ok())
        .and_then(|pages| pages.as_reference().ok());
    let mut stack: Vec<ObjectId> = root.into_iter().collect();
    while let Some(id) = stack.pop() {
        if pages.len() >= max || seen.len() > doc.objects.len() {
            break;
        }
        if !seen.insert(id) {
            continue;
        }
        let Ok(node) = doc.get_dictionary(id) else {
            continue;
        };
        let kind = objects.get_name(node, b"Type");
        let kids = objects.get_array(node, b"Kids");
        match (kind, kids) {
            (Some(b"Page"), _) => pages.push(id),
            (_, Some(kids)) => {
                // Pushed in reverse, so that the first kid is walked first.
                stack.extend(kids.iter().rev().filter_map(|kid| kid.as_reference().ok()));
            }
            (_, None) if node.has(b"Contents") => pages.push(id),
            _ => {}
        }
    }
    if pages.is_empty() {
        pages = doc
            .objects
            .iter()
            .filter(|(_, object)| {
                objects
                    .dict(object)
                    .is_some_and(|dict| objects.get_name(dict, b"Type") == Some(b"Page"))
            })
            .map(|(&id, _)| id)
            .take(max)
            .collect();
    }
    pages
}

/// Loads the file's objects, decrypting it when the empty user password opens it.
fn load(bytes: &[u8], limits: &Limits) -> Result<lopdf::Document, ReadError> {
    if !bytes.windows(5).take(1024).any(|window| window == b"%PDF-") {
        return Err(ReadError::Unreadable(
            "the file has no PDF header; it is not a PDF or it is corrupt".to_string(),
        ));
    }
    let options = LoadOptions {
        max_decompressed_size: Some(
            usize::try_from(limits.max_inflate_entry.min(objects::MAX_STREAM_BYTES))
                .unwrap_or(usize::MAX),
        ),
        ..LoadOptions::default()
    };
    let doc = match lopdf::Document::load_mem_with_options(bytes, options) {
        Ok(doc) => doc,
        Err(lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_)) => {
            return Err(needs_password());
        }
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Err(ReadError::TooLarge(
                "a stream of the PDF inflates past the size limit (raise with --max-inflate)"
                    .to_string(),
            ));
        }
        Err(error) => {
            return Err(ReadError::Unreadable(format!(
                "the PDF cannot be read ({error}); it may be truncated or corrupt"
            )));
        }
    };
    // lopdf tries the empty user password itself; a file it could not open that way keeps
    // its `/Encrypt` entry and none of its objects.
    if doc.is_encrypted()
        && doc.encryption_state.is_none()
        && doc.authenticate_password("").is_err()
    {
        return Err(needs_password());
    }
    Ok(doc)
}

fn needs_password() -> ReadError {
    ReadError::Encrypted(
        "the PDF needs a password; save an unprotected copy (or print it to PDF) and read that"
            .to_string(),
    )
}

fn font_list(fonts: &[String]) -> String {
    if fonts.is_empty() {
        "unnamed fonts".to_string()
    } else {
        fonts.join(", ")
    }
}

/// Looks up an inheritable page attribute (`/Resources`, `/MediaBox`, `/CropBox`,
/// `/Rotate`) on the page or its ancestors.
fn inherited<'a>(
    objects: &Objects<'a>,
    page: &'a Dictionary,
    key: &[u8],
    depth: usize,
) -> Option<&'a Object> {
    let mut node = page;
    for _ in 0..=depth {
        if let Some(value) = objects.get(node, key) {
            return Some(value);
        }
        node = objects.get_dict(node, b"Parent")?;
    }
    None
}

/// Runs one page. Returns what it drew and the page's height in page space.
fn read_page(
    objects: &Objects<'_>,
    cache: &mut Cache,
    document: &DocumentBuilder<'_>,
    id: ObjectId,
    diagnostics: &mut Vec<Diagnostic>,
    number: u32,
) -> Result<(PageContent, f64), ReadError> {
    let at = Location {
        page: Some(number),
        ..Location::default()
    };
    let Ok(page) = objects.doc.get_dictionary(id) else {
        diagnostics.push(
            Diagnostic::loss(
                "page_unreadable",
                format!("page {number} cannot be read; it was left out"),
            )
            .at(at),
        );
        return Ok((PageContent::default(), DEFAULT_PAGE[3]));
    };
    let limits = document.limits();
    let depth = limits.max_pdf_depth;
    let media = inherited(objects, page, b"MediaBox", depth)
        .and_then(|object| objects.numbers(object))
        .and_then(|values| rectangle(&values))
        .unwrap_or(DEFAULT_PAGE);
    let crop = inherited(objects, page, b"CropBox", depth)
        .and_then(|object| objects.numbers(object))
        .and_then(|values| rectangle(&values))
        .and_then(|crop| {
            let box_ = [
                crop[0].max(media[0]),
                crop[1].max(media[1]),
                crop[2].min(media[2]),
                crop[3].min(media[3]),
            ];
            (box_[2] > box_[0] && box_[3] > box_[1]).then_some(box_)
        })
        .unwrap_or(media);
    let rotate = inherited(objects, page, b"Rotate", depth)
        .and_then(|object| objects.number(object))
        .unwrap_or(0.0);
    let quarter_turns = ((rotate / 90.0).round() as i64).rem_euclid(4);
    let (width, height) = (crop[2] - crop[0], crop[3] - crop[1]);
    // Page space: the visible page upright, its bottom-left corner at the origin.
    let rotation = match quarter_turns {
        1 => Matrix([0.0, -1.0, 1.0, 0.0, 0.0, width]),
        2 => Matrix([-1.0, 0.0, 0.0, -1.0, width, height]),
        3 => Matrix([0.0, 1.0, -1.0, 0.0, height, 0.0]),
        _ => Matrix::IDENTITY,
    };
    let page_matrix = Matrix([1.0, 0.0, 0.0, 1.0, -crop[0], -crop[1]]).then(rotation);
    let page_height = if quarter_turns % 2 == 1 {
        width
    } else {
        height
    };

    let resources = inherited(objects, page, b"Resources", depth).and_then(|r| objects.dict(r));
    let mut content = Vec::new();
    let mut broken = Vec::new();
    let mut oversized = 0usize;
    // Content the page names but the file lacks (an object stream that cannot be read, a
    // reference to nothing): damage, not a scan.
    let mut missing = 0usize;
    let streams: Vec<&Object> = match objects.get(page, b"Contents") {
        Some(Object::Array(items)) => items.iter().collect(),
        Some(other) => vec![other],
        None => {
            missing += usize::from(page.has(b"Contents"));
            Vec::new()
        }
    };
    for stream in streams {
        match objects.stream_data(stream) {
            Ok(mut data) => {
                // One stream (the usual case) is used as it is, not copied.
                if content.is_empty() {
                    content = data;
                } else {
                    content.push(b'\n');
                    content.append(&mut data);
                }
            }
            Err(StreamError::TooLarge) => {
                // The other pages are read; this one lost what the stream draws.
                oversized += 1;
            }
            Err(StreamError::Undecodable(error)) => broken.push(error),
            Err(StreamError::NotAStream) => missing += 1,
        }
    }
    if !broken.is_empty() {
        diagnostics.push(
            Diagnostic::loss(
                "pdf_stream_broken",
                format!(
                    "page {number}: {} content stream(s) cannot be decoded ({}); what they draw \
                     was left out",
                    broken.len(),
                    broken[0]
                ),
            )
            .at(at),
        );
    }
    let mut interpreter = Interpreter::new(objects, cache, document, page_matrix);
    interpreter.run(&content, resources)?;
    let mut drawn = interpreter.finish();
    drawn.oversized_streams = oversized;
    drawn.missing_streams = missing;
    // What lies outside the visible page is not shown, so it is not read either.
    let page_width = if quarter_turns % 2 == 1 {
        height
    } else {
        width
    };
    let margin = 2.0;
    let inside_x = |x: f64| (-margin..=page_width + margin).contains(&x);
    let inside_y = |y: f64| (-margin..=page_height + margin).contains(&y);
    drawn
        .glyphs
        .retain(|glyph| inside_x(glyph.cx) && inside_y(glyph.cy));
    drawn.segments.retain(|segment| {
        if segment.horizontal {
            inside_y(segment.position) && segment.end > 0.0 && segment.start < page_width
        } else {
            inside_x(segment.position) && segment.end > 0.0 && segment.start < page_height
        }
    });
    Ok((drawn, page_height))
}

/// Reports what a page could not give.
fn report_page(
    content: &PageContent,
    number: u32,
    limits: &Limits,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let at = Location {
        page: Some(number),
        ..Location::default()
    };
    if content.unmapped > 0 {
        let total = content.unmapped + content.mapped;
        let message = if content.unmapped * 2 > total {
            format!(
                "page {number}: most of its text ({} of {total} glyphs) uses fonts without a \
                 character mapping ({}); that text was left out",
                content.unmapped,
                font_list(&content.unmapped_fonts)
            )
        } else {
            format!(
                "page {number}: {} of {total} glyphs have no character mapping (fonts: {}); \
                 they were left out",
                content.unmapped,
                font_list(&content.unmapped_fonts)
            )
        };
        diagnostics.push(Diagnostic::loss("unmapped_text", message).at(at.clone()));
    }
    if content.truncated {
        diagnostics.push(
            Diagnostic::loss(
                "page_truncated",
                format!(
                    "page {number} draws more than {} glyphs or {} rules; the rest was left out",
                    content::MAX_GLYPHS_PER_PAGE,
                    content::MAX_SEGMENTS_PER_PAGE
                ),
            )
            .at(at.clone()),
        );
    }
    if content.too_deep {
        diagnostics.push(
            Diagnostic::loss(
                "too_deep",
                format!(
                    "page {number}: drawings nested deeper than {} levels were left out (raise \
                     with --max-depth)",
                    limits.max_pdf_depth
                ),
            )
            .at(at.clone()),
        );
    }
    if content.forms_over_budget > 0 {
        diagnostics.push(
            Diagnostic::loss(
                "page_truncated",
                format!(
                    "page {number}: its drawings (Form XObjects) draw each other over and over, \
                     past {} MiB of work; {} of them were left out, the rest of the page was read",
                    content::MAX_FORM_WORK_PER_PAGE >> 20,
                    content.forms_over_budget
                ),
            )
            .at(at.clone()),
        );
    }
    if content.oversized_streams > 0 {
        diagnostics.push(
            Diagnostic::loss(
                "too_large",
                format!(
                    "page {number}: {} content stream(s) inflate past {} (--max-inflate, at \
                     most {}); what they draw was left out, the other pages were read",
                    content.oversized_streams,
                    crate::limits::human_bytes(limits.max_inflate_entry),
                    crate::limits::human_bytes(objects::MAX_STREAM_BYTES)
                ),
            )
            .at(at.clone()),
        );
    }
    if content.missing_streams > 0 {
        diagnostics.push(
            Diagnostic::loss(
                "pdf_stream_broken",
                format!(
                    "page {number}: {} content stream(s) are missing from the file (a broken \
                     object stream or cross-reference table); what they draw was left out",
                    content.missing_streams
                ),
            )
            .at(at.clone()),
        );
    }
    if content.broken_streams > 0 {
        diagnostics.push(
            Diagnostic::loss(
                "pdf_stream_broken",
                format!(
                    "page {number}: {} embedded drawing(s) cannot be decoded; what they draw was \
                     left out",
                    content.broken_streams
                ),
            )
            .at(at),
        );
    }
}
