//! xls workbooks whose sizes lie: a `DIMENSIONS` record declaring millions of rows, or one
//! cell far from the others (`IV65536`). calamine lays each sheet out as a dense rectangle
//! from those figures, so a 20 KiB file with 1,400 cells could make it allocate gigabytes (and
//! an allocation failure aborts the process). Such a workbook is rewritten before calamine sees
//! it: every run of more than [`MAX_GAP`] empty rows or columns becomes one empty row or
//! column, every cell and merge record is moved accordingly, and each `DIMENSIONS` record is
//! set to the cells the sheet really holds. The rewritten `Workbook` stream goes into a minimal
//! compound file of its own; [`Axes`] map calamine's positions back to the sheet's.
//!
//! Memory then follows the cells present: at most twice as many rows and columns as the sheet
//! has distinct ones, and never more than BIFF's 65,536 × 256.

use crate::bytes::{u16_at, u32_at};
use std::collections::BTreeSet;

const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;
const BOUNDSHEET: u16 = 0x0085;
const DIMENSIONS: u16 = 0x0200;
const BLANK: u16 = 0x0201;
const NUMBER: u16 = 0x0203;
const LABEL: u16 = 0x0204;
const BOOLERR: u16 = 0x0205;
const ROW: u16 = 0x0208;
const RK: u16 = 0x027E;
const RSTRING: u16 = 0x00D6;
const LABELSST: u16 = 0x00FD;
const MULRK: u16 = 0x00BD;
const MULBLANK: u16 = 0x00BE;
const FORMULA: u16 = 0x0006;
const MERGEDCELLS: u16 = 0x00E5;

/// Longest run of empty rows or columns kept as it is.
const MAX_GAP: u32 = 64;

/// The largest rewritten stream: what a compound file with one FAT sector list in its header
/// can hold (109 FAT sectors of 128 sectors of 512 bytes, less the directory and the FAT).
const MAX_STREAM: usize = 109 * 128 * 512 - 64 * 1024;

/// One sheet's map from calamine's (compacted) rows and columns back to the sheet's.
#[derive(Debug, Default, Clone)]
pub(super) struct Axes {
    rows: Axis,
    cols: Axis,
}

impl Axes {
    /// The sheet position of a compacted one.
    pub fn original(&self, row: u32, col: u32) -> (u32, u32) {
        (self.rows.original(row), self.cols.original(col))
    }
}

/// The kept positions of one axis: (compacted, original), in order.
#[derive(Debug, Default, Clone)]
struct Axis {
    keys: Vec<(u32, u32)>,
}

impl Axis {
    fn from_used(used: &BTreeSet<u32>) -> Axis {
        let mut keys: Vec<(u32, u32)> = Vec::with_capacity(used.len());
        for &original in used {
            let new = match keys.last() {
                None => original.min(MAX_GAP),
                Some(&(new, old)) => {
                    let gap = original - old - 1;
                    let kept = if gap > MAX_GAP { 1 } else { gap };
                    new + kept + 1
                }
            };
            keys.push((new, original));
        }
        Axis { keys }
    }

    fn compact(&self, original: u32) -> u32 {
        let index = self.keys.partition_point(|&(_, key)| key < original);
        match self.keys.get(index) {
            Some(&(new, key)) if key == original => new,
            // Not a key (cannot happen for positions that were collected): the last key
            // before it, shifted by the distance, capped at the next key.
            _ => match index.checked_sub(1).and_then(|i| self.keys.get(i)) {
                Some(&(new, key)) => new + (original - key).min(1),
                None => original.min(MAX_GAP),
            },
        }
    }

    fn original(&self, compact: u32) -> u32 {
        let index = self.keys.partition_point(|&(new, _)| new <= compact);
        match index.checked_sub(1).and_then(|i| self.keys.get(i)) {
            Some(&(new, original)) => original.saturating_add(compact - new),
            None => compact,
        }
    }

    fn last(&self) -> Option<u32> {
        self.keys.last().map(|&(new, _)| new)
    }

    fn first(&self) -> Option<u32> {
        self.keys.first().map(|&(new, _)| new)
    }
}

/// A rewritten workbook: a compound file holding the compacted `Workbook` stream, and each
/// sheet's axes (in `BOUNDSHEET` order).
#[derive(Debug)]
pub(super) struct Compacted {
    pub file: Vec<u8>,
    /// The rewritten `Workbook` stream (also inside `file`).
    pub stream: Vec<u8>,
    pub sheets: Vec<Axes>,
}

fn set_u16(bytes: &mut [u8], offset: usize, value: u32) {
    if let Some(slice) = bytes.get_mut(offset..offset + 2) {
        slice.copy_from_slice(&(value.min(0xFFFF) as u16).to_le_bytes());
    }
}

fn set_u32(bytes: &mut [u8], offset: usize, value: u32) {
    if let Some(slice) = bytes.get_mut(offset..offset + 4) {
        slice.copy_from_slice(&value.to_le_bytes());
    }
}

/// The records of a substream from `start`: (kind, offset of the data, length), up to and
/// including its `EOF`, embedded substreams (charts) skipped whole.
fn records(stream: &[u8], start: usize) -> Vec<(u16, usize, usize)> {
    let mut out = Vec::new();
    let mut at = start;
    let mut depth = 0usize;
    let mut seen_bof = false;
    while let (Some(kind), Some(len)) = (u16_at(stream, at), u16_at(stream, at + 2)) {
        let data = at + 4;
        let len = len as usize;
        if data + len > stream.len() {
            break;
        }
        at = data + len;
        match kind {
            BOF if seen_bof => depth += 1,
            BOF => seen_bof = true,
            EOF if depth > 0 => {
                depth -= 1;
                continue;
            }
            EOF => break,
            _ => {}
        }
        if depth == 0 {
            out.push((kind, data, len));
        }
    }
    out
}

/// The positions one record covers: (row, first column, last column), for cell records.
fn cell_span(kind: u16, data: &[u8]) -> Option<(u32, u32, u32)> {
    let row = u16_at(data, 0)? as u32;
    let col = u16_at(data, 2)? as u32;
    match kind {
        NUMBER | RK | LABEL | RSTRING | BOOLERR | LABELSST | FORMULA | BLANK if data.len() >= 6 => {
            Some((row, col, col))
        }
        MULRK | MULBLANK if data.len() >= 6 => {
            let last = u16_at(data, data.len() - 2)? as u32;
            (last >= col).then_some((row, col, last))
        }
        _ => None,
    }
}

/// Rewrites `stream` (an xls `Workbook` stream) with its empty runs collapsed. `None` when the
/// stream is too large to rewrite or has no sheets.
pub(super) fn compact(stream: &[u8]) -> Option<Compacted> {
    if stream.len() > MAX_STREAM {
        return None;
    }
    let globals = records(stream, 0);
    let positions: Vec<usize> = globals
        .iter()
        .filter(|(kind, ..)| *kind == BOUNDSHEET)
        .filter_map(|&(_, data, _)| u32_at(stream, data).map(|p| p as usize))
        .collect();
    if positions.is_empty() {
        return None;
    }
    let mut out = stream.to_vec();
    let mut sheets = Vec::with_capacity(positions.len());
    for position in positions {
        if position >= stream.len() {
            sheets.push(Axes::default());
            continue;
        }
        let sheet = records(stream, position);
        let (mut rows, mut cols) = (BTreeSet::new(), BTreeSet::new());
        for &(kind, data, len) in &sheet {
            let bytes = &stream[data..data + len];
            if let Some((row, first, last)) = cell_span(kind, bytes) {
                rows.insert(row);
                // Every column of a MULRK / MULBLANK run, so that the run stays contiguous.
                cols.extend(first..=last);
            } else if kind == MERGEDCELLS {
                let count = u16_at(bytes, 0).unwrap_or(0) as usize;
                for index in 0..count {
                    let at = 2 + index * 8;
                    if let (Some(r0), Some(r1), Some(c0), Some(c1)) = (
                        u16_at(bytes, at),
                        u16_at(bytes, at + 2),
                        u16_at(bytes, at + 4),
                        u16_at(bytes, at + 6),
                    ) {
                        rows.extend([r0 as u32, r1 as u32]);
                        cols.extend([c0 as u32, c1 as u32]);
                    }
                }
            }
        }
        let axes = Axes {
            rows: Axis::from_used(&rows),
            cols: Axis::from_used(&cols),
        };
        for &(kind, data, len) in &sheet {
            let bytes = &mut out[data..data + len];
            if let Some((row, first, last)) = cell_span(kind, bytes) {
                set_u16(bytes, 0, axes.rows.compact(row));
                let new_first = axes.cols.compact(first);
                set_u16(bytes, 2, new_first);
                if matches!(kind, MULRK | MULBLANK) {
                    let end = bytes.len() - 2;
                    set_u16(bytes, end, new_first + (last - first));
                }
                continue;
            }
            match kind {
                ROW if len >= 2 => {
                    let row = u16_at(bytes, 0).unwrap_or(0) as u32;
                    set_u16(bytes, 0, axes.rows.compact(row));
                }
                MERGEDCELLS => {
                    let count = u16_at(bytes, 0).unwrap_or(0) as usize;
                    for index in 0..count {
                        let at = 2 + index * 8;
                        for (offset, axis) in [
                            (0, &axes.rows),
                            (2, &axes.rows),
                            (4, &axes.cols),
                            (6, &axes.cols),
                        ] {
                            if let Some(value) = u16_at(bytes, at + offset) {
                                set_u16(bytes, at + offset, axis.compact(value as u32));
                            }
                        }
                    }
                }
                DIMENSIONS => {
                    let (first_row, last_row) = match (axes.rows.first(), axes.rows.last()) {
                        (Some(first), Some(last)) => (first, last + 1),
                        _ => (0, 0),
                    };
                    let (first_col, last_col) = match (axes.cols.first(), axes.cols.last()) {
                        (Some(first), Some(last)) => (first, last + 1),
                        _ => (0, 0),
                    };
                    if len >= 14 {
                        set_u32(bytes, 0, first_row);
                        set_u32(bytes, 4, last_row);
                        set_u16(bytes, 8, first_col);
                        set_u16(bytes, 10, last_col);
                    } else if len >= 8 {
                        set_u16(bytes, 0, first_row);
                        set_u16(bytes, 2, last_row);
                        set_u16(bytes, 4, first_col);
                        set_u16(bytes, 6, last_col);
                    }
                }
                _ => {}
            }
        }
        sheets.push(axes);
    }
    Some(Compacted {
        file: compound_file(&out),
        stream: out,
        sheets,
    })
}

const SECTOR: usize = 512;
const FREE: u32 = 0xFFFF_FFFF;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
const FAT_SECTOR: u32 = 0xFFFF_FFFD;

/// A minimal compound file (version 3, 512-byte sectors) holding one stream, `Workbook`: the
/// stream's sectors, then one directory sector, then the FAT. Streams under 4 KiB belong in
/// the mini stream, so the stream is padded to 4 KiB (bytes after the workbook's last `EOF`
/// record are never read).
fn compound_file(stream: &[u8]) -> Vec<u8> {
    let mut stream = stream.to_vec();
    if stream.len() < 4096 {
        stream.resize(4096, 0);
    }
    let data_sectors = stream.len().div_ceil(SECTOR);
    let mut fat_sectors = 1;
    while (data_sectors + 1 + fat_sectors).div_ceil(SECTOR / 4) > fat_sectors {
        fat_sectors += 1;
    }
    let directory = data_sectors;
    let mut file = vec![0u8; SECTOR];
    file[..8].copy_from_slice(&crate::detect::ole2::MAGIC);
    file[24..26].copy_from_slice(&0x003Eu16.to_le_bytes());
    file[26..28].copy_from_slice(&3u16.to_le_bytes());
    file[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes());
    file[30..32].copy_from_slice(&9u16.to_le_bytes());
    file[32..34].copy_from_slice(&6u16.to_le_bytes());
    file[44..48].copy_from_slice(&(fat_sectors as u32).to_le_bytes());
    file[48..52].copy_from_slice(&(directory as u32).to_le_bytes());
    file[56..60].copy_from_slice(&4096u32.to_le_bytes());
    file[60..64].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    file[68..72].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
    for index in 0..109 {
        let value = if index < fat_sectors {
            (directory + 1 + index) as u32
        } else {
            FREE
        };
        let at = 76 + index * 4;
        file[at..at + 4].copy_from_slice(&value.to_le_bytes());
    }
    // The stream.
    file.extend_from_slice(&stream);
    file.resize(SECTOR * (1 + data_sectors), 0);
    // The directory: the root, the stream, two empty entries.
    let mut entries = vec![0u8; SECTOR];
    let entry = |entries: &mut Vec<u8>,
                 index: usize,
                 name: &str,
                 kind: u8,
                 child: u32,
                 start: u32,
                 size: u32| {
        let at = index * 128;
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, unit) in units.iter().enumerate() {
            entries[at + i * 2..at + i * 2 + 2].copy_from_slice(&unit.to_le_bytes());
        }
        let name_len = ((units.len() + 1) * 2) as u16;
        entries[at + 64..at + 66].copy_from_slice(&name_len.to_le_bytes());
        entries[at + 66] = kind;
        entries[at + 67] = 1; // black
        entries[at + 68..at + 72].copy_from_slice(&FREE.to_le_bytes());
        entries[at + 72..at + 76].copy_from_slice(&FREE.to_le_bytes());
        entries[at + 76..at + 80].copy_from_slice(&child.to_le_bytes());
        entries[at + 116..at + 120].copy_from_slice(&start.to_le_bytes());
        entries[at + 120..at + 124].copy_from_slice(&size.to_le_bytes());
    };
    entry(&mut entries, 0, "Root Entry", 5, 1, END_OF_CHAIN, 0);
    entry(&mut entries, 1, "Workbook", 2, FREE, 0, stream.len() as u32);
    for index in 2..4 {
        let at = index * 128;
        for offset in [68, 72, 76] {
            entries[at + offset..at + offset + 4].copy_from_slice(&FREE.to_le_bytes());
        }
    }
    file.extend_from_slice(&entries);
    // The FAT.
    let mut fat: Vec<u32> = Vec::with_capacity(fat_sectors * SECTOR / 4);
    for sector in 0..data_sectors {
        fat.push(if sector + 1 < data_sectors {
            (sector + 1) as u32
        } else {
            END_OF_CHAIN
        });
    }
    fat.push(END_OF_CHAIN);
    fat.extend(std::iter::repeat_n(FAT_SECTOR, fat_sectors));
    fat.resize(fat_sectors * SECTOR / 4, FREE);
    for value in fat {
        file.extend_from_slice(&value.to_le_bytes());
    }
    file
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn number(row: u16, col: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend(0u16.to_le_bytes());
        data.extend(1.5f64.to_le_bytes());
        record(NUMBER, &data)
    }

    /// A workbook stream with one sheet: a lying DIMENSIONS, cells at A1, B2 and IV65536, and
    /// a merge from A1 to IV1.
    fn sprawling_stream() -> Vec<u8> {
        let mut stream = record(BOF, &[0x00, 0x06, 0x05, 0x00]);
        let boundsheet_at = stream.len() + 4;
        stream.extend(record(BOUNDSHEET, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']));
        stream.extend(record(EOF, &[]));
        let position = stream.len() as u32;
        stream[boundsheet_at..boundsheet_at + 4].copy_from_slice(&position.to_le_bytes());
        stream.extend(record(BOF, &[0x00, 0x06, 0x10, 0x00]));
        let mut dims = 0u32.to_le_bytes().to_vec();
        dims.extend(4_000_000_000u32.to_le_bytes());
        dims.extend([0, 0, 0, 1, 0, 0]);
        stream.extend(record(DIMENSIONS, &dims));
        stream.extend(number(0, 0));
        stream.extend(number(1, 1));
        stream.extend(number(65_535, 255));
        let mut merge = 1u16.to_le_bytes().to_vec();
        for value in [0u16, 0, 0, 255] {
            merge.extend(value.to_le_bytes());
        }
        stream.extend(record(MERGEDCELLS, &merge));
        stream.extend(record(EOF, &[]));
        stream
    }

    #[test]
    fn a_sprawling_sheet_is_rewritten_by_the_cells_it_holds() {
        let stream = sprawling_stream();
        let limits = crate::Limits::default();
        let document = limits.start();
        let before = super::super::biff::scan(&stream, &document).expect("scanned");
        assert!(before.sprawling && before.oversized.is_some());
        let compacted = compact(&stream).expect("rewritten");
        let after = super::super::biff::scan(&compacted.stream, &document).expect("scanned");
        assert!(!after.sprawling, "the rewritten sheet no longer sprawls");
        assert!(after.oversized.is_none());
        let sheet = records(
            &compacted.stream,
            u32_at(&compacted.stream, 12).unwrap_or(0) as usize,
        );
        let cells: Vec<(u32, u32)> = sheet
            .iter()
            .filter(|(kind, ..)| *kind == NUMBER)
            .map(|&(_, data, _)| {
                let row = u16_at(&compacted.stream, data).unwrap_or(0) as u32;
                let col = u16_at(&compacted.stream, data + 2).unwrap_or(0) as u32;
                (row, col)
            })
            .collect();
        assert_eq!(cells, [(0, 0), (1, 1), (3, 3)]);
        let axes = &compacted.sheets[0];
        assert_eq!(axes.original(3, 3), (65_535, 255));
        assert_eq!(axes.original(1, 1), (1, 1));
        // The compound file holds the stream whole, where a reader finds it.
        let mut file = crate::detect::ole2::CompoundFile::parse(&compacted.file).expect("a CFB");
        let read = file
            .read_stream("Workbook")
            .expect("readable")
            .expect("present");
        assert_eq!(&read[..compacted.stream.len()], &compacted.stream[..]);
    }

    #[test]
    fn axes_collapse_long_runs_only() {
        let used: BTreeSet<u32> = [0, 1, 3, 200, 65_535].into_iter().collect();
        let axis = Axis::from_used(&used);
        let compact: Vec<u32> = used.iter().map(|&p| axis.compact(p)).collect();
        assert_eq!(compact, [0, 1, 3, 5, 7]);
        for &position in &used {
            assert_eq!(axis.original(axis.compact(position)), position);
        }
    }
}
