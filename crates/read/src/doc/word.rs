//! The Word 97–2003 binary format ([MS-DOC]), read natively: Word's `.doc` and Kingsoft WPS
//! Writer's `.wps`, which is the same format.
//!
//! The file is an OLE2 compound file ([`CompoundFile`]). Its `WordDocument` stream starts with
//! the file information block (FIB), which says which table stream (`0Table`/`1Table`) holds
//! the document's tables of properties, how many characters the main text has (`ccpText`), and
//! where the piece table (`Clx`) and the bin tables of paragraph properties
//! (`PlcfBtePapx`) lie. The text is read through the piece table, which maps character
//! positions to runs of bytes of the `WordDocument` stream, either 8-bit ("compressed") or
//! UTF-16; fast-saved files (`fComplex`) have many pieces out of file order, and every file is
//! read the same way. Only the main text is read (`[0, ccpText)`): footnotes, headers, comments
//! and text boxes follow it and hold no table content.
//!
//! Tables have no structure of their own: a cell is the paragraphs up to a cell mark (0x07)
//! whose properties say "in table" (`sprmPFInTable`), a row ends with a row mark (a 0x07
//! paragraph with `sprmPFTtp`), and that mark's properties describe the row: the cell edges
//! (`sprmTDefTable`'s `rgdxaCenter`), horizontal merges (`fFirstMerged`/`fMerged`,
//! `sprmTMerge`) and vertical merges (`fVertRestart`/`fVertMerge`, `sprmTVertMerge`). Nested
//! tables state their depth (`sprmPItap`) and end their cells and rows with paragraph marks
//! flagged `sprmPFInnerTableCell` / `sprmPFInnerTtp`. [`crate::word_flow::Flow`] turns these into
//! grids.
//!
//! Fields (0x13 code 0x14 result 0x15) keep their result and drop their code.

use encoding_rs::{Encoding, GBK, WINDOWS_1252};
use jixiao_grid::Diagnostic;

use crate::bytes::{u16_at, u32_at};
use crate::detect::ole2::CompoundFile;
use crate::docx::table::Merge;
use crate::word_flow::{CellDef, Flow, RowDef};
use crate::{DocumentBuilder, ReadError};

/// `wIdent` of Word 6 and later files.
const WORD_IDENT: u16 = 0xA5EC;
/// `wIdent` of Word 2 files.
const WORD2_IDENT: u16 = 0xA5DB;
/// The first `nFib` of Word 97.
const NFIB_WORD97: u16 = 0x00C1;
/// Size of a formatted disk page (FKP) and the unit of `pn` page numbers.
const PAGE: usize = 512;
/// Most fields tracked as nested; deeper ones are counted but not followed.
const MAX_FIELD_NESTING: usize = 64;
/// How many characters pass between two checks of the time budget.
const TIME_CHECK_INTERVAL: u32 = 1 << 16;

// FibBase flags.
const F_ENCRYPTED: u16 = 0x0100;
const F_WHICH_TABLE_STREAM: u16 = 0x0200;
const F_OBFUSCATED: u16 = 0x8000;

// Indexes of the (fc, lcb) pairs of FibRgFcLcb97 used here.
const FC_PLCF_BTE_PAPX: usize = 13;
const FC_PLCF_BTE_CHPX: usize = 12;
const FC_CLX: usize = 33;

// Sprms.
const SPRM_P_F_IN_TABLE: u16 = 0x2416;
const SPRM_P_F_TTP: u16 = 0x2417;
const SPRM_P_ITAP: u16 = 0x6649;
const SPRM_P_DTAP: u16 = 0x664A;
const SPRM_P_F_INNER_TABLE_CELL: u16 = 0x244B;
const SPRM_P_F_INNER_TTP: u16 = 0x244C;
const SPRM_P_HUGE_PAPX: u16 = 0x6646;
const SPRM_P_CHG_TABS: u16 = 0xC615;
const SPRM_T_DEF_TABLE: u16 = 0xD608;
const SPRM_T_DEF_TABLE10: u16 = 0xD606;
const SPRM_T_VERT_MERGE: u16 = 0xD62B;
const SPRM_T_MERGE: u16 = 0x5624;
const SPRM_T_SPLIT: u16 = 0x5625;
const SPRM_C_F_R_MARK_DEL: u16 = 0x0800;

// TC80 flags (tcgrf).
const TC_FIRST_MERGED: u16 = 0x0001;
const TC_MERGED: u16 = 0x0002;
const TC_VERT_MERGE: u16 = 0x0020;
const TC_VERT_RESTART: u16 = 0x0040;

/// Reads a Word 97–2003 binary document (or a WPS Writer file).
pub(crate) fn read(bytes: &[u8], document: &mut DocumentBuilder<'_>) -> Result<(), ReadError> {
    let mut file = CompoundFile::parse(bytes).map_err(|error| {
        ReadError::Unreadable(format!(
            "the file looks like a Word 97–2003 document (an OLE2 compound file), but its \
             structure is damaged: {error}"
        ))
    })?;
    let stream = |file: &mut CompoundFile<'_>, name: &str| {
        file.read_stream(name).map_err(|error| {
            ReadError::Unreadable(format!(
                "the Word document's {name} stream cannot be read: {error}; the file is damaged"
            ))
        })
    };
    let Some(word) = stream(&mut file, "WordDocument")? else {
        return Err(ReadError::Unreadable(
            "the file is an OLE2 compound file without a WordDocument stream, so it is not a \
             Word document (an .xls saved as .doc, or another Office file)"
                .to_string(),
        ));
    };
    let fib = Fib::parse(&word)?;
    let table_name = if fib.flags & F_WHICH_TABLE_STREAM != 0 {
        "1Table"
    } else {
        "0Table"
    };
    let Some(table) = stream(&mut file, table_name)? else {
        return Err(ReadError::Unreadable(format!(
            "the Word document has no {table_name} stream, which holds its piece table; the \
             file is damaged"
        )));
    };
    let data = stream(&mut file, "Data")?.unwrap_or_default();
    let reader = Reader::new(&fib, &word, &table, &data)?;
    let mut flow = Flow::new(document, "Word document");
    reader.run(&mut flow)?;
    flow.finish().map(|_| ())
}

/// The few facts of the file information block the reader needs.
#[derive(Debug)]
struct Fib {
    flags: u16,
    /// Language of the document (`lid`), and of its East Asian text (`lidFE`).
    lid: u16,
    lid_fe: u16,
    ccp_text: u32,
    /// `(fc, lcb)` pairs of `FibRgFcLcb`.
    fc_lcb: Vec<(u32, u32)>,
}

impl Fib {
    fn parse(word: &[u8]) -> Result<Fib, ReadError> {
        let ident = u16_at(word, 0).unwrap_or(0);
        let nfib = u16_at(word, 2).unwrap_or(0);
        if ident == WORD2_IDENT {
            return Err(ReadError::UnsupportedFormat(
                "the file is a Word 2.0 document, a format jixiao does not read; open it in Word \
                 or LibreOffice and save it as .docx"
                    .to_string(),
            ));
        }
        if ident != WORD_IDENT {
            return Err(ReadError::Unreadable(format!(
                "the WordDocument stream does not start with Word's signature (0xA5EC, found \
                 {ident:#06X}); the file is damaged or not a Word document"
            )));
        }
        let flags = u16_at(word, 10).unwrap_or(0);
        if flags & F_ENCRYPTED != 0 {
            let how = if flags & F_OBFUSCATED != 0 {
                "XOR obfuscation"
            } else {
                "RC4 encryption"
            };
            return Err(ReadError::Encrypted(format!(
                "the document is protected by a password ({how}); open it in Word or \
                 LibreOffice, remove the password, save it and read it again"
            )));
        }
        if nfib < NFIB_WORD97 {
            let version = match nfib {
                101 => "Word 6.0".to_string(),
                104 => "Word 95".to_string(),
                0..=100 => format!("Word for DOS or Word 2 (nFib {nfib})"),
                _ => format!("Word 6.0/95 (nFib {nfib})"),
            };
            return Err(ReadError::UnsupportedFormat(format!(
                "the file is a {version} document; jixiao reads Word 97–2003 and later; open it \
                 in Word or LibreOffice and save it as .docx"
            )));
        }
        let lid = u16_at(word, 6).unwrap_or(0);
        let truncated = || {
            ReadError::Unreadable(
                "the Word document's file information block is cut short; the file is damaged"
                    .to_string(),
            )
        };
        // FibBase (32 bytes), csw, fibRgW, cslw, fibRgLw, cbRgFcLcb, fibRgFcLcbBlob.
        let csw = usize::from(u16_at(word, 32).ok_or_else(truncated)?);
        let rg_w = 34;
        let lid_fe = u16_at(word, rg_w + 26).filter(|_| csw > 13).unwrap_or(0);
        let cslw_at = rg_w + csw * 2;
        let cslw = usize::from(u16_at(word, cslw_at).ok_or_else(truncated)?);
        let rg_lw = cslw_at + 2;
        let ccp_text = if cslw > 3 {
            u32_at(word, rg_lw + 12).ok_or_else(truncated)?
        } else {
            return Err(truncated());
        };
        let cb_at = rg_lw + cslw * 4;
        let pairs = usize::from(u16_at(word, cb_at).ok_or_else(truncated)?);
        let blob = cb_at + 2;
        let fc_lcb = (0..pairs)
            .map_while(|index| {
                let at = blob + index * 8;
                Some((u32_at(word, at)?, u32_at(word, at + 4)?))
            })
            .collect::<Vec<_>>();
        if fc_lcb.len() <= FC_CLX {
            return Err(truncated());
        }
        Ok(Fib {
            flags,
            lid,
            lid_fe,
            ccp_text,
            fc_lcb,
        })
    }

    /// The bytes of the table stream that an `(fc, lcb)` pair names; empty when absent.
    fn part<'t>(&self, table: &'t [u8], index: usize) -> Option<&'t [u8]> {
        let (fc, lcb) = *self.fc_lcb.get(index)?;
        if lcb == 0 {
            return None;
        }
        let start = usize::try_from(fc).ok()?;
        let end = start.checked_add(usize::try_from(lcb).ok()?)?;
        table.get(start..end)
    }

    /// The encoding of 8-bit text. Word stores 8-bit ("compressed") text as Windows-1252;
    /// some writers of Chinese documents store their local code page there, so a document
    /// whose language is Chinese has such bytes read as GBK when they form valid GBK.
    fn eight_bit_encoding(&self) -> &'static Encoding {
        let chinese = |lid: u16| matches!(lid, 0x0804 | 0x0404 | 0x0C04 | 0x1004 | 0x1404);
        if chinese(self.lid) || chinese(self.lid_fe) {
            GBK
        } else {
            WINDOWS_1252
        }
    }
}

/// One piece of the piece table.
#[derive(Debug, Clone, Copy)]
struct Piece {
    cp_start: u32,
    cp_end: u32,
    /// Byte offset of the piece's first character in the WordDocument stream.
    fc: u32,
    compressed: bool,
    /// Index of the `Prc` whose sprms apply to the piece (`Prm1`), if any.
    prc: Option<usize>,
}

/// What a paragraph's properties say about tables.
#[derive(Debug, Default, Clone)]
struct ParagraphProps {
    in_table: bool,
    ttp: bool,
    itap: Option<i32>,
    dtap: i32,
    inner_cell: bool,
    inner_ttp: bool,
    row: Option<TableDef>,
}

impl ParagraphProps {
    /// The table depth of the paragraph: 0 outside tables.
    fn depth(&self) -> usize {
        if !self.in_table && self.itap.unwrap_or(0) <= 0 {
            return 0;
        }
        let itap = self.itap.unwrap_or(1).saturating_add(self.dtap).max(1);
        usize::try_from(itap).unwrap_or(1)
    }
}

/// The row definition of `sprmTDefTable` and the sprms that change it.
#[derive(Debug, Default, Clone)]
struct TableDef {
    centers: Vec<i16>,
    flags: Vec<u16>,
}

impl TableDef {
    fn to_row(&self) -> Option<RowDef> {
        let (&left, rights) = self.centers.split_first()?;
        let cells = rights
            .iter()
            .enumerate()
            .map(|(index, &right)| {
                let flags = self.flags.get(index).copied().unwrap_or(0);
                CellDef {
                    right: i32::from(right),
                    h_merge: if flags & TC_MERGED != 0 {
                        Merge::Continue
                    } else if flags & TC_FIRST_MERGED != 0 {
                        Merge::Restart
                    } else {
                        Merge::None
                    },
                    v_merge: if flags & TC_VERT_RESTART != 0 {
                        Merge::Restart
                    } else if flags & TC_VERT_MERGE != 0 {
                        Merge::Continue
                    } else {
                        Merge::None
                    },
                }
            })
            .collect();
        Some(RowDef {
            left: i32::from(left),
            cells,
        })
    }
}

/// A bin table (`PlcfBte`): runs of file offsets, each with the FKP page that describes it.
struct BinTable {
    fcs: Vec<u32>,
    pages: Vec<u32>,
}

impl BinTable {
    fn parse(bytes: Option<&[u8]>) -> BinTable {
        let bytes = bytes.unwrap_or_default();
        let count = bytes.len().saturating_sub(4) / 8;
        let fcs = (0..=count)
            .map_while(|index| u32_at(bytes, index * 4))
            .collect::<Vec<_>>();
        let pages = (0..count)
            .map_while(|index| u32_at(bytes, (count + 1) * 4 + index * 4))
            .map(|pn| pn & 0x003F_FFFF)
            .collect();
        BinTable { fcs, pages }
    }

    /// The FKP page for the run holding `fc`.
    fn page(&self, fc: u32) -> Option<u32> {
        let index = self
            .fcs
            .partition_point(|&start| start <= fc)
            .checked_sub(1)?;
        if fc >= *self.fcs.get(index + 1)? {
            return None;
        }
        self.pages.get(index).copied()
    }
}

/// The reader over one document's streams.
struct Reader<'a> {
    word: &'a [u8],
    data: &'a [u8],
    ccp_text: u32,
    pieces: Vec<Piece>,
    /// The grpprls of the `Prc`s of the piece table.
    prcs: Vec<&'a [u8]>,
    papx: BinTable,
    chpx: BinTable,
    eight_bit: &'static Encoding,
}

impl<'a> Reader<'a> {
    fn new(fib: &Fib, word: &'a [u8], table: &'a [u8], data: &'a [u8]) -> Result<Self, ReadError> {
        let clx = fib.part(table, FC_CLX).ok_or_else(|| {
            ReadError::Unreadable(
                "the Word document's piece table (Clx) is missing or lies past the end of its \
                 table stream; the file is damaged"
                    .to_string(),
            )
        })?;
        // A fast-saved file (fComplex) is read through its piece table like any other.
        let (prcs, pieces) = parse_clx(clx)?;
        Ok(Reader {
            word,
            data,
            ccp_text: fib.ccp_text,
            pieces,
            prcs,
            papx: BinTable::parse(fib.part(table, FC_PLCF_BTE_PAPX)),
            chpx: BinTable::parse(fib.part(table, FC_PLCF_BTE_CHPX)),
            eight_bit: fib.eight_bit_encoding(),
        })
    }

    /// Walks the main text, feeding paragraphs, cells and rows to `flow`.
    fn run(&self, flow: &mut Flow<'_, '_>) -> Result<(), ReadError> {
        let mut state = TextState::default();
        let mut since_check = 0u32;
        let mut fkp_cache = FkpCache::default();
        for piece in &self.pieces {
            let start = piece.cp_start;
            let end = piece.cp_end.min(self.ccp_text);
            if start >= end {
                continue;
            }
            let mut cp = start;
            while cp < end {
                since_check += 1;
                if since_check >= TIME_CHECK_INTERVAL {
                    since_check = 0;
                    flow.document.check_time()?;
                }
                let offset = cp - start;
                let (c, fc, width) = if piece.compressed {
                    let fc = piece.fc.saturating_add(offset);
                    let Some(&byte) = self.word.get(fc as usize) else {
                        state.truncated = true;
                        break;
                    };
                    if byte < 0x80 {
                        (u32::from(byte), fc, 1)
                    } else {
                        self.decode_eight_bit(fc, cp + 1 < end)
                    }
                } else {
                    let fc = piece.fc.saturating_add(offset.saturating_mul(2));
                    let Some(unit) = u16_at(self.word, fc as usize) else {
                        state.truncated = true;
                        break;
                    };
                    if (0xD800..0xDC00).contains(&unit) && cp + 1 < end {
                        match u16_at(self.word, fc as usize + 2) {
                            Some(low @ 0xDC00..=0xDFFF) => {
                                let c = 0x10000
                                    + ((u32::from(unit) - 0xD800) << 10)
                                    + (u32::from(low) - 0xDC00);
                                (c, fc, 2)
                            }
                            _ => (0xFFFD, fc, 1),
                        }
                    } else {
                        (u32::from(unit), fc, 1)
                    }
                };
                self.character(c, fc, piece, &mut state, &mut fkp_cache, flow)?;
                cp += width;
            }
        }
        if !state.paragraph.trim().is_empty() {
            flow.paragraph(std::mem::take(&mut state.paragraph))?;
        }
        if state.truncated {
            flow.document.diagnostic(Diagnostic::loss(
                "text_truncated",
                "the Word document's text runs past the end of its WordDocument stream; the text \
                 up to there was read, the rest is lost",
            ));
        }
        if !state.fields.is_empty() {
            flow.document.diagnostic(Diagnostic::loss(
                "field_unterminated",
                "a field has no end mark; the text after its start was not read",
            ));
        }
        Ok(())
    }

    /// Decodes a non-ASCII byte of 8-bit text at `fc`: a two-byte GBK character when the
    /// document is Chinese and the next byte completes one, else one Windows-1252 character.
    fn decode_eight_bit(&self, fc: u32, next_in_piece: bool) -> (u32, u32, u32) {
        let at = fc as usize;
        if self.eight_bit == GBK
            && next_in_piece
            && let Some(pair) = self.word.get(at..at + 2)
        {
            let (text, malformed) = GBK.decode_without_bom_handling(pair);
            let mut chars = text.chars();
            if let (Some(c), None, false) = (chars.next(), chars.next(), malformed) {
                return (u32::from(c), fc, 2);
            }
        }
        let byte = self.word.get(at).copied().unwrap_or(b'?');
        let single = [byte];
        let (text, _) = WINDOWS_1252.decode_without_bom_handling(&single);
        let c = text.chars().next().map_or(0xFFFD, u32::from);
        (c, fc, 1)
    }

    fn character(
        &self,
        c: u32,
        fc: u32,
        piece: &Piece,
        state: &mut TextState,
        cache: &mut FkpCache<'a>,
        flow: &mut Flow<'_, '_>,
    ) -> Result<(), ReadError> {
        match c {
            0x0D | 0x07 | 0x0C => {
                let props = self.paragraph_props(fc, piece);
                let text = std::mem::take(&mut state.paragraph);
                let depth = props.depth();
                if depth == 0 {
                    return flow.paragraph(text);
                }
                let (cell_end, row_end) = if depth == 1 {
                    (c == 0x07 && !props.ttp, c == 0x07 && props.ttp)
                } else {
                    (
                        props.inner_cell && !props.inner_ttp,
                        props.inner_ttp || (c == 0x07 && props.ttp),
                    )
                };
                if row_end {
                    flow.cell_paragraph(depth, &text)?;
                    let def = props.row.as_ref().and_then(TableDef::to_row);
                    flow.end_row(depth, def)
                } else if cell_end {
                    flow.end_cell(depth, &text)
                } else {
                    flow.cell_paragraph(depth, &text)
                }
            }
            0x13 => {
                if state.fields.len() < MAX_FIELD_NESTING {
                    state.fields.push(false);
                } else {
                    state.fields_untracked += 1;
                }
                Ok(())
            }
            0x14 => {
                if state.fields_untracked == 0
                    && let Some(separated) = state.fields.last_mut()
                {
                    *separated = true;
                }
                Ok(())
            }
            0x15 => {
                if state.fields_untracked > 0 {
                    state.fields_untracked -= 1;
                } else {
                    state.fields.pop();
                }
                Ok(())
            }
            _ => {
                if !state.fields.iter().all(|&separated| separated) {
                    return Ok(());
                }
                let c = match c {
                    0x09 => ' ',
                    0x0B => '\n',
                    0x1E => '-',
                    0x00..=0x1F | 0x7F => return Ok(()),
                    _ => char::from_u32(c).unwrap_or('\u{FFFD}'),
                };
                if self.deleted(fc, cache) {
                    return Ok(());
                }
                state.paragraph.push(c);
                Ok(())
            }
        }
    }

    /// True when the character at `fc` is a tracked deletion (`sprmCFRMarkDel`): Word's final
    /// view leaves it out, as the docx reader leaves out `w:del`.
    fn deleted(&self, fc: u32, cache: &mut FkpCache<'a>) -> bool {
        let Some(grpprl) = self.chpx_at(fc, cache) else {
            return false;
        };
        let mut deleted = false;
        for (sprm, operand) in Sprms::new(grpprl) {
            if sprm == SPRM_C_F_R_MARK_DEL {
                deleted = operand.first().is_some_and(|&value| value & 1 != 0);
            }
        }
        deleted
    }

    /// The character properties (grpprl) of the run holding `fc`, from its CHPX FKP.
    fn chpx_at(&self, fc: u32, cache: &mut FkpCache<'a>) -> Option<&'a [u8]> {
        if let Some((start, end, grpprl)) = cache.chpx
            && (start..end).contains(&fc)
        {
            return grpprl;
        }
        let page = self.chpx.page(fc)?;
        let fkp = self
            .word
            .get(page as usize * PAGE..(page as usize + 1) * PAGE)?;
        let (start, end, index) = fkp_run(fkp, fc)?;
        let crun = usize::from(fkp[PAGE - 1]);
        let b_offset = usize::from(*fkp.get((crun + 1) * 4 + index)?) * 2;
        let grpprl = if b_offset == 0 {
            None
        } else {
            let cb = usize::from(*fkp.get(b_offset)?);
            fkp.get(b_offset + 1..b_offset + 1 + cb)
        };
        cache.chpx = Some((start, end, grpprl));
        grpprl
    }

    /// The properties of the paragraph whose mark is at `fc`.
    fn paragraph_props(&self, fc: u32, piece: &Piece) -> ParagraphProps {
        let mut props = ParagraphProps::default();
        if let Some(grpprl) = self.papx_at(fc) {
            self.apply(&mut props, grpprl, true);
        }
        if let Some(grpprl) = piece.prc.and_then(|index| self.prcs.get(index)) {
            self.apply(&mut props, grpprl, false);
        }
        props
    }

    /// The grpprl of the paragraph run holding `fc`, from its PAPX FKP (without the style).
    fn papx_at(&self, fc: u32) -> Option<&'a [u8]> {
        let page = self.papx.page(fc)?;
        let fkp = self
            .word
            .get(page as usize * PAGE..(page as usize + 1) * PAGE)?;
        let (_, _, index) = fkp_run(fkp, fc)?;
        let crun = usize::from(fkp[PAGE - 1]);
        // BxPap: bOffset (1 byte) and a 12-byte PHE.
        let b_offset = usize::from(*fkp.get((crun + 1) * 4 + index * 13)?) * 2;
        if b_offset == 0 {
            return None;
        }
        let cb = usize::from(*fkp.get(b_offset)?);
        let (start, len) = if cb == 0 {
            (b_offset + 2, usize::from(*fkp.get(b_offset + 1)?) * 2)
        } else {
            (b_offset + 1, cb * 2 - 1)
        };
        // GrpPrlAndIstd: the style index, then the sprms.
        fkp.get(start + 2..start + len.max(2))
    }

    /// Applies the sprms of `grpprl` to `props`; `huge` allows one `sprmPHugePapx` jump into
    /// the Data stream.
    fn apply(&self, props: &mut ParagraphProps, grpprl: &[u8], huge: bool) {
        for (sprm, operand) in Sprms::new(grpprl) {
            let flag = || operand.first().is_some_and(|&value| value != 0);
            match sprm {
                SPRM_P_F_IN_TABLE => props.in_table = flag(),
                SPRM_P_F_TTP => props.ttp = flag(),
                SPRM_P_F_INNER_TABLE_CELL => props.inner_cell = flag(),
                SPRM_P_F_INNER_TTP => props.inner_ttp = flag(),
                SPRM_P_ITAP => props.itap = i32_at(operand, 0),
                SPRM_P_DTAP => {
                    props.dtap = props.dtap.saturating_add(i32_at(operand, 0).unwrap_or(0))
                }
                SPRM_P_HUGE_PAPX if huge => {
                    let Some(at) = u32_at(operand, 0).map(|at| at as usize) else {
                        continue;
                    };
                    let Some(cb) = u16_at(self.data, at).map(usize::from) else {
                        continue;
                    };
                    if let Some(grpprl) = self.data.get(at + 2..at + 2 + cb) {
                        self.apply(props, grpprl, false);
                    }
                }
                SPRM_T_DEF_TABLE | SPRM_T_DEF_TABLE10 => {
                    props.row = Some(parse_tdef(operand));
                }
                SPRM_T_VERT_MERGE => {
                    if let (Some(row), [itc, value, ..]) = (props.row.as_mut(), operand)
                        && let Some(flags) = row.flags.get_mut(usize::from(*itc))
                    {
                        *flags &= !(TC_VERT_MERGE | TC_VERT_RESTART);
                        *flags |= match value {
                            1 => TC_VERT_MERGE,
                            3 => TC_VERT_MERGE | TC_VERT_RESTART,
                            _ => 0,
                        };
                    }
                }
                SPRM_T_MERGE | SPRM_T_SPLIT => {
                    if let (Some(row), [first, lim, ..]) = (props.row.as_mut(), operand) {
                        let (first, lim) = (usize::from(*first), usize::from(*lim));
                        for itc in first..lim.min(row.flags.len()) {
                            if let Some(flags) = row.flags.get_mut(itc) {
                                *flags &= !(TC_FIRST_MERGED | TC_MERGED);
                                if sprm == SPRM_T_MERGE {
                                    *flags |= if itc == first {
                                        TC_FIRST_MERGED
                                    } else {
                                        TC_MERGED
                                    };
                                }
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

/// Cached FKP lookups: the last character run and its properties.
#[derive(Default)]
struct FkpCache<'a> {
    chpx: Option<(u32, u32, Option<&'a [u8]>)>,
}

/// What the text walk carries from one character to the next.
#[derive(Default)]
struct TextState {
    paragraph: String,
    /// Open fields, each true once its separator (0x14) is passed.
    fields: Vec<bool>,
    fields_untracked: usize,
    truncated: bool,
}

/// Finds the run of an FKP holding `fc`: its start, its end and its index.
fn fkp_run(fkp: &[u8], fc: u32) -> Option<(u32, u32, usize)> {
    let crun = usize::from(*fkp.get(PAGE - 1)?);
    let fcs: Vec<u32> = (0..=crun)
        .map_while(|index| u32_at(fkp, index * 4))
        .collect();
    let index = fcs.partition_point(|&start| start <= fc).checked_sub(1)?;
    let end = *fcs.get(index + 1)?;
    (fc < end).then_some((fcs[index], end, index))
}

/// Parses the piece table: the `Prc`s (property modifiers of pieces) and the pieces.
fn parse_clx(clx: &[u8]) -> Result<(Vec<&[u8]>, Vec<Piece>), ReadError> {
    let damaged = |what: &str| {
        ReadError::Unreadable(format!(
            "the Word document's piece table is damaged ({what}); its text cannot be located"
        ))
    };
    let mut prcs = Vec::new();
    let mut at = 0usize;
    loop {
        match clx.get(at) {
            Some(0x01) => {
                let cb = usize::try_from(i16_at(clx, at + 1).ok_or_else(|| damaged("Prc"))?)
                    .map_err(|_| damaged("negative Prc size"))?;
                let grpprl = clx
                    .get(at + 3..at + 3 + cb)
                    .ok_or_else(|| damaged("Prc past its end"))?;
                prcs.push(grpprl);
                at += 3 + cb;
            }
            Some(0x02) => break,
            _ => return Err(damaged("no Pcdt")),
        }
    }
    let lcb = u32_at(clx, at + 1).ok_or_else(|| damaged("Pcdt size"))? as usize;
    let plc = clx
        .get(at + 5..at + 5 + lcb.min(clx.len()))
        .filter(|plc| plc.len() == lcb)
        .ok_or_else(|| damaged("PlcPcd past its end"))?;
    if lcb < 16 {
        return Err(damaged("no pieces"));
    }
    let count = (lcb - 4) / 12;
    let mut pieces = Vec::with_capacity(count);
    for index in 0..count {
        let (Some(cp_start), Some(cp_end)) = (u32_at(plc, index * 4), u32_at(plc, index * 4 + 4))
        else {
            return Err(damaged("character positions"));
        };
        let pcd = (count + 1) * 4 + index * 8;
        let fc_compressed = u32_at(plc, pcd + 2).ok_or_else(|| damaged("piece descriptor"))?;
        let prm = u16_at(plc, pcd + 6).unwrap_or(0);
        let compressed = fc_compressed & 0x4000_0000 != 0;
        let raw_fc = fc_compressed & 0x3FFF_FFFF;
        pieces.push(Piece {
            cp_start,
            cp_end: cp_end.max(cp_start),
            fc: if compressed { raw_fc / 2 } else { raw_fc },
            compressed,
            prc: (prm & 1 == 1).then_some(usize::from(prm >> 1)),
        });
    }
    pieces.sort_by_key(|piece| piece.cp_start);
    Ok((prcs, pieces))
}

/// Parses the operand of `sprmTDefTable`: `itcMac`, the cell edges, then a TC80 per cell.
fn parse_tdef(operand: &[u8]) -> TableDef {
    let Some(&itc_mac) = operand.first() else {
        return TableDef::default();
    };
    let cells = usize::from(itc_mac);
    let centers: Vec<i16> = (0..=cells)
        .map_while(|index| i16_at(operand, 1 + index * 2))
        .collect();
    let tc_start = 1 + (cells + 1) * 2;
    let flags = (0..cells)
        .map(|index| u16_at(operand, tc_start + index * 20).unwrap_or(0))
        .collect();
    TableDef { centers, flags }
}

/// The sprms of a grpprl, each with its operand.
struct Sprms<'g> {
    grpprl: &'g [u8],
    at: usize,
}

impl<'g> Sprms<'g> {
    fn new(grpprl: &'g [u8]) -> Self {
        Sprms { grpprl, at: 0 }
    }
}

impl<'g> Iterator for Sprms<'g> {
    type Item = (u16, &'g [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let sprm = u16_at(self.grpprl, self.at)?;
        let start = self.at + 2;
        let (operand_start, len) = match sprm >> 13 {
            0 | 1 => (start, 1),
            2 | 4 | 5 => (start, 2),
            3 => (start, 4),
            7 => (start, 3),
            _ => match sprm {
                SPRM_T_DEF_TABLE | SPRM_T_DEF_TABLE10 => {
                    let cb = usize::from(u16_at(self.grpprl, start)?);
                    (start + 2, cb.saturating_sub(1))
                }
                SPRM_P_CHG_TABS if self.grpprl.get(start) == Some(&255) => {
                    // PChgTabsPapxOperand of cb 255: deletions (2 × 2 bytes each) and
                    // additions (3 bytes each), each list led by its count.
                    let deleted = usize::from(*self.grpprl.get(start + 1)?);
                    let added_at = start + 2 + deleted * 4;
                    let added = usize::from(*self.grpprl.get(added_at)?);
                    (start + 1, 1 + deleted * 4 + 1 + added * 3)
                }
                _ => (start + 1, usize::from(*self.grpprl.get(start)?)),
            },
        };
        let end = operand_start.checked_add(len)?;
        let operand = self.grpprl.get(operand_start..end)?;
        self.at = end;
        Some((sprm, operand))
    }
}

fn i16_at(bytes: &[u8], at: usize) -> Option<i16> {
    u16_at(bytes, at).map(|value| value as i16)
}

fn i32_at(bytes: &[u8], at: usize) -> Option<i32> {
    u32_at(bytes, at).map(|value| value as i32)
}
