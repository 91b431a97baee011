//! A small, defensive reader of OLE2 compound files (the container of `.doc`, `.xls` and of
//! password-protected `.docx`/`.xlsx`): the header, the sector allocation table, the directory
//! and whole streams.
//!
//! It exists so that detection can name a file by the streams it really holds (a `WordDocument`
//! stream, a `Workbook` stream, an `EncryptedPackage`) instead of guessing from bytes, and so
//! that the xls reader can look at the `Workbook` stream before a third-party parser allocates
//! from the sizes it declares.
//!
//! Every chain of sectors is walked with a step budget equal to the number of sectors the file
//! can hold, so a cyclic or overlong chain ends with an error instead of looping; nothing is
//! allocated beyond the size of the input.

use crate::ReadError;
use crate::bytes::{u16_at, u32_at, u64_at};
use std::fmt;

/// The eight bytes every compound file starts with.
pub const MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

const HEADER_LEN: usize = 512;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;
/// Sector numbers above this are markers, never real sectors.
const MAX_REGULAR_SECTOR: u32 = 0xFFFF_FFFA;
const DIRECTORY_ENTRY_LEN: usize = 128;
const NO_STREAM: u32 = 0xFFFF_FFFF;

/// What a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    Storage,
    Stream,
    Root,
}

/// One entry of the compound file's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub kind: EntryKind,
    /// True for entries directly under the root storage.
    pub top_level: bool,
    start: u32,
    size: u64,
}

/// Why a compound file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ole2Error(String);

impl fmt::Display for Ole2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Ole2Error {}

fn error(message: impl Into<String>) -> Ole2Error {
    Ole2Error(message.into())
}

/// A parsed compound file borrowing the input bytes.
pub struct CompoundFile<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    mini_sector_size: usize,
    mini_cutoff: u64,
    fat: Vec<u32>,
    mini_fat: Vec<u32>,
    entries: Vec<Entry>,
    /// The mini stream (small streams live inside it), read lazily.
    mini_stream: Option<Vec<u8>>,
}

impl fmt::Debug for CompoundFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CompoundFile")
            .field("sector_size", &self.sector_size)
            .field("entries", &self.entries)
            .finish()
    }
}

impl<'a> CompoundFile<'a> {
    /// Parses the header, the allocation tables and the directory.
    pub fn parse(bytes: &'a [u8]) -> Result<Self, Ole2Error> {
        if bytes.len() < HEADER_LEN || !bytes.starts_with(&MAGIC) {
            return Err(error("the file is too short to be a compound file"));
        }
        let shift = u16_at(bytes, 0x1E).unwrap_or(0);
        let sector_size = match shift {
            9 => 512,
            12 => 4096,
            other => return Err(error(format!("unknown sector size 2^{other}"))),
        };
        let mini_shift = u16_at(bytes, 0x20).unwrap_or(6);
        if !(1..=shift).contains(&mini_shift) {
            return Err(error(format!("unknown mini sector size 2^{mini_shift}")));
        }
        let mini_sector_size = 1usize << mini_shift;
        let directory_start = u32_at(bytes, 0x30).unwrap_or(END_OF_CHAIN);
        let mini_cutoff = u32_at(bytes, 0x38).unwrap_or(4096) as u64;
        let mini_fat_start = u32_at(bytes, 0x3C).unwrap_or(END_OF_CHAIN);
        let difat_start = u32_at(bytes, 0x44).unwrap_or(END_OF_CHAIN);

        let mut file = CompoundFile {
            bytes,
            sector_size,
            mini_sector_size,
            mini_cutoff,
            fat: Vec::new(),
            mini_fat: Vec::new(),
            entries: Vec::new(),
            mini_stream: None,
        };

        // The sectors holding the FAT are listed in the header (109 of them) and then in a
        // chain of DIFAT sectors, each ending with the number of the next one.
        let mut fat_sectors: Vec<u32> = (0..109)
            .filter_map(|index| u32_at(bytes, 0x4C + index * 4))
            .filter(|&sector| sector <= MAX_REGULAR_SECTOR)
            .collect();
        let per_sector = sector_size / 4;
        let mut difat = difat_start;
        let mut steps = 0usize;
        while difat <= MAX_REGULAR_SECTOR {
            steps += 1;
            if steps > file.sector_count() {
                return Err(error("the sector index chain loops"));
            }
            let sector = file.sector(difat)?;
            for index in 0..per_sector - 1 {
                if let Some(entry) = u32_at(sector, index * 4)
                    && entry <= MAX_REGULAR_SECTOR
                {
                    fat_sectors.push(entry);
                }
            }
            difat = u32_at(sector, (per_sector - 1) * 4).unwrap_or(END_OF_CHAIN);
        }
        if fat_sectors.len() > file.sector_count() {
            return Err(error("the allocation table is larger than the file"));
        }
        let mut fat = Vec::with_capacity(fat_sectors.len() * per_sector);
        for sector in fat_sectors {
            let data = file.sector(sector)?;
            fat.extend(data.chunks_exact(4).filter_map(|chunk| u32_at(chunk, 0)));
        }
        file.fat = fat;

        let directory = file.chain(directory_start, None)?;
        if mini_fat_start <= MAX_REGULAR_SECTOR {
            let mini_fat = file.chain(mini_fat_start, None)?;
            file.mini_fat = mini_fat
                .chunks_exact(4)
                .filter_map(|chunk| u32_at(chunk, 0))
                .collect();
        }
        file.entries = read_directory(&directory)?;
        Ok(file)
    }

    /// Every named entry of the directory.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// True when a stream of this name sits directly under the root (names compare without
    /// regard to ASCII case, as the format prescribes).
    pub fn has_stream(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    fn find(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().find(|entry| {
            entry.top_level
                && entry.kind == EntryKind::Stream
                && entry.name.eq_ignore_ascii_case(name)
        })
    }

    /// Reads a whole top-level stream. `Ok(None)` when there is no such stream.
    pub fn read_stream(&mut self, name: &str) -> Result<Option<Vec<u8>>, Ole2Error> {
        let Some(entry) = self.find(name).cloned() else {
            return Ok(None);
        };
        // A stream cannot be larger than the file that holds it; a larger declared size is a
        // lie that must not become an allocation.
        let size = entry.size.min(self.bytes.len() as u64);
        if entry.size < self.mini_cutoff {
            if self.mini_stream.is_none() {
                let root = self
                    .entries
                    .iter()
                    .find(|entry| entry.kind == EntryKind::Root)
                    .cloned()
                    .ok_or_else(|| error("the directory has no root entry"))?;
                let mini = self.chain(root.start, Some(root.size))?;
                self.mini_stream = Some(mini);
            }
            let mini = self.mini_stream.as_deref().unwrap_or_default();
            let data = mini_chain(
                mini,
                &self.mini_fat,
                self.mini_sector_size,
                entry.start,
                size,
            )?;
            return Ok(Some(data));
        }
        self.chain(entry.start, Some(size)).map(Some)
    }

    /// Number of whole sectors the file holds after its header.
    fn sector_count(&self) -> usize {
        self.bytes.len().saturating_sub(HEADER_LEN) / self.sector_size + 1
    }

    fn sector(&self, number: u32) -> Result<&'a [u8], Ole2Error> {
        let start = (number as usize)
            .checked_add(1)
            .and_then(|n| n.checked_mul(self.sector_size))
            .ok_or_else(|| error("a sector number is out of range"))?;
        let bytes: &'a [u8] = self.bytes;
        // The last sector of a file is often cut short; read what is there.
        match bytes.get(start..) {
            Some(rest) if !rest.is_empty() => Ok(&rest[..rest.len().min(self.sector_size)]),
            _ => Err(error(format!(
                "sector {number} lies past the end of the file; the file is truncated"
            ))),
        }
    }

    /// Follows a chain of regular sectors from `start`, collecting at most `size` bytes (all of
    /// the chain when `None`).
    fn chain(&self, start: u32, size: Option<u64>) -> Result<Vec<u8>, Ole2Error> {
        let limit = size
            .unwrap_or(self.bytes.len() as u64)
            .min(self.bytes.len() as u64) as usize;
        let mut out = Vec::with_capacity(limit.min(64 * 1024 * 1024));
        let mut seen = vec![false; self.sector_count()];
        let mut sector = start;
        while sector <= MAX_REGULAR_SECTOR && out.len() < limit {
            match seen.get_mut(sector as usize) {
                Some(true) => return Err(error("a chain of sectors loops")),
                Some(flag) => *flag = true,
                None => {
                    return Err(error(format!(
                        "sector {sector} lies past the end of the file; the file is truncated"
                    )));
                }
            }
            let data = self.sector(sector)?;
            let take = data.len().min(limit - out.len());
            out.extend_from_slice(&data[..take]);
            sector = match self.fat.get(sector as usize) {
                Some(&next) => next,
                None => {
                    return Err(error(format!(
                        "sector {sector} has no entry in the allocation table"
                    )));
                }
            };
        }
        if let Some(size) = size
            && (out.len() as u64) < size
        {
            return Err(error(
                "a stream ends before its declared size; the file is truncated",
            ));
        }
        Ok(out)
    }
}

fn mini_chain(
    mini: &[u8],
    mini_fat: &[u32],
    mini_sector_size: usize,
    start: u32,
    size: u64,
) -> Result<Vec<u8>, Ole2Error> {
    let limit = size.min(mini.len() as u64) as usize;
    let mut out = Vec::with_capacity(limit);
    let mut seen = vec![false; mini.len() / mini_sector_size + 1];
    let mut sector = start;
    while sector <= MAX_REGULAR_SECTOR && out.len() < limit {
        match seen.get_mut(sector as usize) {
            Some(true) => return Err(error("a chain of mini sectors loops")),
            Some(flag) => *flag = true,
            None => return Err(error("a mini sector lies past the end of the mini stream")),
        }
        let begin = (sector as usize).saturating_mul(mini_sector_size);
        let data = mini
            .get(begin..begin.saturating_add(mini_sector_size).min(mini.len()))
            .filter(|data| !data.is_empty())
            .ok_or_else(|| error("a mini sector lies past the end of the mini stream"))?;
        let take = data.len().min(limit - out.len());
        out.extend_from_slice(&data[..take]);
        sector = mini_fat
            .get(sector as usize)
            .copied()
            .unwrap_or(END_OF_CHAIN);
    }
    if (out.len() as u64) < size {
        return Err(error(
            "a small stream ends before its declared size; the file is truncated",
        ));
    }
    Ok(out)
}

/// Reads the directory entries and marks the ones directly under the root by walking the
/// root's red-black tree of children (left, right siblings) with a visited set.
fn read_directory(directory: &[u8]) -> Result<Vec<Entry>, Ole2Error> {
    struct Raw {
        entry: Option<Entry>,
        left: u32,
        right: u32,
        child: u32,
    }
    let mut raw: Vec<Raw> = Vec::with_capacity(directory.len() / DIRECTORY_ENTRY_LEN);
    for chunk in directory.chunks_exact(DIRECTORY_ENTRY_LEN) {
        let kind = match chunk[0x42] {
            1 => Some(EntryKind::Storage),
            2 => Some(EntryKind::Stream),
            5 => Some(EntryKind::Root),
            _ => None,
        };
        let name_len = (u16_at(chunk, 0x40).unwrap_or(0) as usize).min(64);
        let units: Vec<u16> = chunk[..name_len]
            .chunks_exact(2)
            .map(|pair| u16::from_le_bytes([pair[0], pair[1]]))
            .take_while(|&unit| unit != 0)
            .collect();
        let entry = kind.map(|kind| Entry {
            name: String::from_utf16_lossy(&units),
            kind,
            top_level: false,
            start: u32_at(chunk, 0x74).unwrap_or(END_OF_CHAIN),
            size: u64_at(chunk, 0x78).unwrap_or(0),
        });
        raw.push(Raw {
            entry,
            left: u32_at(chunk, 0x44).unwrap_or(NO_STREAM),
            right: u32_at(chunk, 0x48).unwrap_or(NO_STREAM),
            child: u32_at(chunk, 0x4C).unwrap_or(NO_STREAM),
        });
    }
    let root_child = match raw.first() {
        Some(Raw {
            entry:
                Some(Entry {
                    kind: EntryKind::Root,
                    ..
                }),
            child,
            ..
        }) => *child,
        _ => return Err(error("the directory does not start with a root entry")),
    };
    let mut visited = vec![false; raw.len()];
    let mut stack = vec![root_child];
    while let Some(index) = stack.pop() {
        let index = index as usize;
        if index >= raw.len() || visited[index] {
            continue;
        }
        visited[index] = true;
        if let Some(entry) = raw[index].entry.as_mut() {
            entry.top_level = true;
        }
        stack.push(raw[index].left);
        stack.push(raw[index].right);
    }
    Ok(raw.into_iter().filter_map(|raw| raw.entry).collect())
}

/// The one stream name that marks a password-protected OOXML package.
pub const ENCRYPTED_PACKAGE: &str = "EncryptedPackage";

/// The error for an OLE2 file handed to the docx reader: encrypted, or a legacy format.
pub(crate) fn ole_error(bytes: &[u8]) -> ReadError {
    encryption_error(bytes).unwrap_or_else(|| {
        ReadError::Unreadable(
            "the file is a legacy Office (OLE2) file, not a docx package; if it is a Word 97–2003 \
             document, name it .doc"
                .to_string(),
        )
    })
}

/// [`ReadError::Encrypted`] when an OLE2 file is password-protected: an encrypted OOXML
/// package (`EncryptedPackage`), or a Word file whose FIB sets `fEncrypted`.
pub(crate) fn encryption_error(bytes: &[u8]) -> Option<ReadError> {
    const WORD_IDENT: u16 = 0xA5EC;
    const F_ENCRYPTED: u16 = 0x0100;
    if super::is_encrypted_ooxml(bytes) {
        return Some(password_error());
    }
    let mut file = CompoundFile::parse(bytes).ok()?;
    let word = file.read_stream("WordDocument").ok()??;
    let field = |at: usize| Some(u16::from_le_bytes([*word.get(at)?, *word.get(at + 1)?]));
    (field(0) == Some(WORD_IDENT) && field(10).is_some_and(|flags| flags & F_ENCRYPTED != 0))
        .then(password_error)
}

fn password_error() -> ReadError {
    ReadError::Encrypted(
        "the document is protected by a password; open it in Word or LibreOffice, remove the \
         password, save it and read it again"
            .to_string(),
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    const FREE_SECTOR: u32 = 0xFFFF_FFFF;

    /// Builds a minimal version-3 compound file holding the given top-level streams, each
    /// stored in regular sectors (sizes are padded up to the mini-stream cutoff so that no
    /// mini stream is needed). Test-only: real files come from office suites.
    pub(crate) fn build(streams: &[(&str, &[u8])]) -> Vec<u8> {
        const SECTOR: usize = 512;
        let mut sectors: Vec<Vec<u8>> = Vec::new();
        let mut fat: Vec<u32> = Vec::new();
        let mut starts = Vec::new();
        for (_, data) in streams {
            let mut padded = data.to_vec();
            padded.resize(padded.len().max(4096), 0);
            let first = sectors.len() as u32;
            let count = padded.len().div_ceil(SECTOR);
            for (index, chunk) in padded.chunks(SECTOR).enumerate() {
                let mut sector = chunk.to_vec();
                sector.resize(SECTOR, 0);
                sectors.push(sector);
                fat.push(if index + 1 == count {
                    END_OF_CHAIN
                } else {
                    first + index as u32 + 1
                });
            }
            starts.push((first, padded.len() as u64));
        }
        // Directory: root plus one entry per stream, chained as right siblings.
        let mut directory = Vec::new();
        let entry = |name: &str, kind: u8, child: u32, right: u32, start: u32, size: u64| {
            let mut entry = vec![0u8; DIRECTORY_ENTRY_LEN];
            let units: Vec<u8> = name
                .encode_utf16()
                .chain(std::iter::once(0))
                .flat_map(u16::to_le_bytes)
                .collect();
            entry[..units.len()].copy_from_slice(&units);
            entry[0x40..0x42].copy_from_slice(&(units.len() as u16).to_le_bytes());
            entry[0x42] = kind;
            entry[0x44..0x48].copy_from_slice(&NO_STREAM.to_le_bytes());
            entry[0x48..0x4C].copy_from_slice(&right.to_le_bytes());
            entry[0x4C..0x50].copy_from_slice(&child.to_le_bytes());
            entry[0x74..0x78].copy_from_slice(&start.to_le_bytes());
            entry[0x78..0x80].copy_from_slice(&size.to_le_bytes());
            entry
        };
        let child = if streams.is_empty() { NO_STREAM } else { 1 };
        directory.extend(entry("Root Entry", 5, child, NO_STREAM, END_OF_CHAIN, 0));
        for (index, ((name, _), (start, size))) in streams.iter().zip(&starts).enumerate() {
            let right = if index + 1 < streams.len() {
                index as u32 + 2
            } else {
                NO_STREAM
            };
            directory.extend(entry(name, 2, NO_STREAM, right, *start, *size));
        }
        directory.resize(directory.len().div_ceil(SECTOR) * SECTOR, 0);
        let directory_start = sectors.len() as u32;
        let directory_count = directory.len() / SECTOR;
        for (index, chunk) in directory.chunks(SECTOR).enumerate() {
            sectors.push(chunk.to_vec());
            fat.push(if index + 1 == directory_count {
                END_OF_CHAIN
            } else {
                directory_start + index as u32 + 1
            });
        }
        // One FAT sector is enough for these small files.
        let fat_sector = sectors.len() as u32;
        fat.push(0xFFFF_FFFD);
        assert!(fat.len() <= SECTOR / 4, "test file too large");
        fat.resize(SECTOR / 4, FREE_SECTOR);
        sectors.push(fat.iter().flat_map(|n| n.to_le_bytes()).collect());

        let mut header = vec![0u8; HEADER_LEN];
        header[..8].copy_from_slice(&MAGIC);
        header[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
        header[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
        header[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        header[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        header[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        header[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes());
        header[0x30..0x34].copy_from_slice(&directory_start.to_le_bytes());
        header[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        header[0x3C..0x40].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        header[0x44..0x48].copy_from_slice(&END_OF_CHAIN.to_le_bytes());
        for index in 0..109 {
            let value = if index == 0 { fat_sector } else { FREE_SECTOR };
            header[0x4C + index * 4..0x50 + index * 4].copy_from_slice(&value.to_le_bytes());
        }
        let mut out = header;
        for sector in sectors {
            out.extend(sector);
        }
        out
    }

    #[test]
    fn lists_and_reads_top_level_streams() {
        let bytes = build(&[("WordDocument", b"word body"), ("1Table", b"table")]);
        let mut file = CompoundFile::parse(&bytes).expect("parse");
        let names: Vec<_> = file.entries().iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Root Entry", "WordDocument", "1Table"]);
        assert!(file.has_stream("worddocument"));
        assert!(!file.has_stream("Workbook"));
        let body = file
            .read_stream("WordDocument")
            .expect("read")
            .expect("present");
        assert!(body.starts_with(b"word body"));
        assert_eq!(body.len(), 4096);
        assert_eq!(file.read_stream("Workbook").expect("read"), None);
    }

    #[test]
    fn truncated_and_looping_files_are_errors_not_hangs() {
        let bytes = build(&[("Workbook", b"x")]);
        assert!(CompoundFile::parse(&bytes[..600]).is_err());
        // Point the first FAT entry at itself: the stream's chain now loops.
        let mut looping = bytes.clone();
        let fat_offset = HEADER_LEN + (looping.len() - HEADER_LEN - 512);
        looping[fat_offset..fat_offset + 4].copy_from_slice(&0u32.to_le_bytes());
        let mut file = CompoundFile::parse(&looping).expect("directory still readable");
        let error = file.read_stream("Workbook").expect_err("loop");
        assert!(error.to_string().contains("loops"), "{error}");
        assert!(CompoundFile::parse(&MAGIC).is_err());
    }
}
