//! Reading numbers and finding patterns in raw bytes: the few helpers every binary format
//! needs (OLE2, BIFF, the Word binary format, TrueType, PDF and HTML sniffing). Every read is
//! checked: past the end gives `None`, never a panic.

/// The first position of `needle` in `haystack`; `None` for an empty needle.
pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

/// The first position of `needle` in `haystack` at or after `from`.
pub(crate) fn find_from(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    find(haystack.get(from..)?, needle).map(|position| from + position)
}

/// `N` bytes at `offset`, if the slice holds them.
fn array<const N: usize>(bytes: &[u8], offset: usize) -> Option<[u8; N]> {
    bytes.get(offset..offset.checked_add(N)?)?.try_into().ok()
}

/// A little-endian `u16` at `offset`.
pub(crate) fn u16_at(bytes: &[u8], offset: usize) -> Option<u16> {
    array(bytes, offset).map(u16::from_le_bytes)
}

/// A little-endian `u32` at `offset`.
pub(crate) fn u32_at(bytes: &[u8], offset: usize) -> Option<u32> {
    array(bytes, offset).map(u32::from_le_bytes)
}

/// A little-endian `u64` at `offset`.
pub(crate) fn u64_at(bytes: &[u8], offset: usize) -> Option<u64> {
    array(bytes, offset).map(u64::from_le_bytes)
}

/// A big-endian `u16` at `offset` (TrueType).
pub(crate) fn u16_be_at(bytes: &[u8], offset: usize) -> Option<u16> {
    array(bytes, offset).map(u16::from_be_bytes)
}

/// A big-endian `u32` at `offset` (TrueType).
pub(crate) fn u32_be_at(bytes: &[u8], offset: usize) -> Option<u32> {
    array(bytes, offset).map(u32::from_be_bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_checked_and_finds_start_where_asked() {
        let bytes = [1u8, 0, 0, 0, 0xAB, 0xCD];
        assert_eq!(u16_at(&bytes, 0), Some(1));
        assert_eq!(u32_at(&bytes, 0), Some(1));
        assert_eq!(u16_be_at(&bytes, 4), Some(0xABCD));
        assert_eq!(u32_at(&bytes, 4), None);
        assert_eq!(u16_at(&bytes, usize::MAX), None);
        assert_eq!(find(b"abcabc", b"ca"), Some(2));
        assert_eq!(find_from(b"abcabc", 3, b"ab"), Some(3));
        assert_eq!(find(b"abc", b""), None);
        assert_eq!(find_from(b"abc", 9, b"a"), None);
    }
}
