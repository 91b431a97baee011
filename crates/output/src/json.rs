//! Documents as JSON: one compact line, or pretty for one document; and the one fact the batch
//! engine reads back from a document written before (its input's hash, to skip inputs that
//! have not changed).

use std::io;

use crate::Document;

/// One document as a line of JSON Lines, ending in `'\n'`.
pub fn json_line(document: &Document) -> io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec(document)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// One document as pretty JSON.
pub fn json_pretty(document: &Document) -> io::Result<Vec<u8>> {
    Ok(serde_json::to_vec_pretty(document)?)
}

/// The `source.sha256` of a document written before, if `bytes` are one that records it.
pub fn recorded_sha256(bytes: &[u8]) -> Option<String> {
    let document = serde_json::from_slice::<serde_json::Value>(bytes).ok()?;
    document["source"]["sha256"].as_str().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_recorded_hash_is_read_back() {
        let mut source = crate::Source::new("a.txt");
        source.sha256 = Some("ab12".to_string());
        let document = Document::failed(source, crate::ErrorCode::Unreadable, "x", Vec::new());
        let line = json_line(&document).expect("serialised");
        assert!(line.ends_with(b"\n"));
        assert_eq!(recorded_sha256(&line).as_deref(), Some("ab12"));
        assert_eq!(recorded_sha256(b"not json"), None);
    }
}
