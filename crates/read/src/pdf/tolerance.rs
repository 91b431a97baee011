//! Every distance the PDF reader compares with, named in one place. Units: **points** are PDF
//! user space (1/72 inch, after the page's transformation); **em** is the font size of the
//! glyphs or lines compared, so the tolerance scales with the text; **share** is a fraction of
//! the length named. Each comment says what the number stands for and why it has that size; the
//! values are the ones the reader was built and checked with on the corpus fixtures, whose
//! grids `crates/read/tests/snapshots.rs` pins, so a change here shows as a snapshot diff.

// --- Glyphs ---------------------------------------------------------------------------------

/// Height (em) of a glyph's centre above its baseline, as the content interpreter places it: a
/// point inside the glyph's box for Latin and CJK glyphs alike, so that the cell under the
/// centre is the glyph's cell. The line builder takes it off again to recover the baseline of
/// glyphs set in the other writing direction.
pub(crate) const GLYPH_CENTRE_HEIGHT: f64 = 0.35;

/// Thickest filled rectangle (points) still read as a rule: table borders are hairlines to a
/// few points; anything thicker is a shaded area or a drawing.
pub(crate) const MAX_RULE_THICKNESS: f64 = 3.0;

// --- Rules into lattices (layout/lattice.rs) -------------------------------------------------

/// Rules whose positions differ by less than this (points) are one rule: one border drawn in
/// pieces, or twice by cells that share it, lands within a stroke width of itself.
pub(crate) const POSITION_TOLERANCE: f64 = 1.5;
/// Collinear rule pieces separated by at most this gap (points) are joined: producers leave
/// such gaps where a border is drawn cell by cell.
pub(crate) const GAP_TOLERANCE: f64 = 2.0;
/// How far (points) a rule may stop short of another and still be taken as touching it: a
/// border ends at the other border's centre, edge or just before it, depending on the producer.
pub(crate) const TOUCH_TOLERANCE: f64 = 2.5;
/// Lattice edges covered by rules over at least this share of their length are present: a
/// missing interior rule (a merged cell) covers nothing, a drawn one nearly all of it.
pub(crate) const EDGE_COVERAGE: f64 = 0.5;
/// Narrowest row or column (points): boundaries closer than this are one boundary, since no
/// text fits between them (a double border, not a cell).
pub(crate) const MIN_CELL: f64 = 3.5;
/// How far outside a table a rule of an open column may stand, as a share of the table's
/// width: a label or name column, not a drawing beside the table.
pub(crate) const OPEN_COLUMN_WIDTH: f64 = 0.25;

// --- Glyphs into lines (layout/lines.rs) -------------------------------------------------------

/// A glyph whose baseline is within this many em of a line's first baseline is on that line:
/// less than half a line, so that subscripts and mixed fonts stay on their line and the next
/// line (at least 1 em lower) does not join it.
pub(crate) const SAME_LINE: f64 = 0.4;
/// Gaps of at least this many em cut a line into chunks; running text has none (a word space
/// is about a quarter em, a CJK line has no spaces at all).
pub(crate) const CHUNK_GAP: f64 = 2.0;
/// Gaps of at least this many em inside a line are remembered: side-by-side paragraphs may be
/// set with no more than a cell's padding between them (see `split_at_gutters`); wider than a
/// word space.
pub(crate) const SOFT_GAP: f64 = 0.45;
/// A text that ends within this many em of what follows it on its line ran up to its column's
/// edge: the line was wrapped, and the line below may continue it (CJK line breaking leaves a
/// line up to a glyph or two short).
pub(crate) const WRAP_REACH: f64 = 1.5;
/// How far apart (points) the breaks of consecutive lines may be and still be one gutter.
pub(crate) const GUTTER_TOLERANCE: f64 = 1.0;

// --- Lines inside a cell into paragraphs (layout/lines.rs) ---------------------------------------

/// A cell line is short, and the next may start a paragraph, when it ends more than this many
/// em before the cell's right edge (two glyphs are what CJK line breaking may leave) …
pub(crate) const SHORT_LINE_EM: f64 = 1.5;
/// … plus this many points of the cell's padding.
pub(crate) const SHORT_LINE_PADDING: f64 = 3.0;
/// The gap between two cell lines is a paragraph break when the pitch exceeds the cell's
/// usual line pitch by this factor (and is more than this many em) …
pub(crate) const PITCH_JUMP: f64 = 1.5;
/// … by at least this many points, so that rounding of baselines is no break.
pub(crate) const PITCH_SLACK: f64 = 0.5;
/// With no usual pitch to compare with (a cell of two lines), a pitch of more than this many em
/// is a break: ordinary leading is 1.2–1.5 em.
pub(crate) const LONE_PITCH: f64 = 2.2;
/// Both paddings of a cell together (points): the width a full last line can reach is the
/// cell's width less this.
pub(crate) const CELL_PADDING: f64 = 6.0;

// --- Tables by alignment (layout/aligned.rs) -----------------------------------------------------

/// How far (em) below its last baseline a table found by alignment ends: the descent of the
/// glyphs, under a third of the em.
pub(crate) const DESCENT: f64 = 0.3;

// --- Across pages (tables.rs, flow.rs) ----------------------------------------------------------

/// Outer edges of two fragments of one table differ by at most this (points): the same table
/// on the next page, drawn by the same producer, lands within a rule's width of itself.
pub(crate) const EDGE_TOLERANCE: f64 = 3.0;
/// Column boundaries of two fragments match within this (points), for the same reason.
pub(crate) const COLUMN_TOLERANCE: f64 = 3.0;
/// A table "runs to the foot of its page" when it ends in this share of the page height
/// from the bottom, and a continuation starts in this share from the top: page margins are
/// about a tenth of the page, running headers and footers sit inside them.
pub(crate) const PAGE_END_BAND: f64 = 0.15;
/// Share of the page height, from the top or bottom edge, where running text lives: the
/// page margin.
pub(crate) const MARGIN_BAND: f64 = 0.1;
/// Two lines are one paragraph only when their sizes differ by at most this factor either way:
/// a heading and its body differ by more.
pub(crate) const PARAGRAPH_SIZE_RATIO: f64 = 1.25;
