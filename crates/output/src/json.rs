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

/// One document as compact JSON, without a line end (the line of [`json_line`]).
pub fn json_compact(document: &Document) -> io::Result<String> {
    Ok(serde_json::to_string(document)?)
}

/// A document read back from its JSON, compact or pretty. Numbers come back exactly as they
/// were written (`serde_json`'s `float_roundtrip`).
pub fn document_from_json(json: &str) -> io::Result<Document> {
    Ok(serde_json::from_str(json)?)
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

    #[test]
    fn a_document_reads_back_as_written() {
        let mut source = crate::Source::new("a.txt");
        source.bytes = Some(12);
        let document = Document::failed(source, crate::ErrorCode::Unreadable, "x", Vec::new());
        let json = json_compact(&document).expect("serialised");
        assert_eq!(
            format!("{json}\n").as_bytes(),
            json_line(&document).expect("line")
        );
        let back = document_from_json(&json).expect("read back");
        assert_eq!(json_compact(&back).expect("serialised again"), json);
        assert!(document_from_json("{}").is_err(), "not a document");
    }
}
