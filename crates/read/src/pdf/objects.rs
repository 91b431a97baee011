//! Safe access to lopdf objects: references followed a bounded number of times, typed getters
//! that return `None` instead of failing, and stream data decoded under the file's inflation
//! budget (a small compressed stream may inflate to gigabytes).

use std::cell::Cell;

use lopdf::{Dictionary, Document, Object};

use crate::Limits;

/// How many references in a row are followed before an object is taken as missing; chains
/// this long only occur in broken or hostile files.
const MAX_REFERENCE_HOPS: usize = 32;

static NULL: Object = Object::Null;

/// Most bytes one stream is inflated to, whatever `--max-inflate` says: a stream is held whole
/// while it is read, and no page, form or font of a real PDF comes near this (page content is
/// kilobytes to a few megabytes; images are never inflated). A stream past it costs its page
/// what it draws, never the file, and never more memory than this.
pub(crate) const MAX_STREAM_BYTES: u64 = 192 << 20;

/// Why a stream's data could not be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StreamError {
    /// The object is not a stream.
    NotAStream,
    /// Its filters failed (corrupt data, unsupported filter).
    Undecodable(String),
    /// It would inflate past the per-stream or per-file budget.
    TooLarge,
}

/// The objects of one document, with the decoding budget of one read.
#[derive(Debug)]
pub(crate) struct Objects<'a> {
    pub doc: &'a Document,
    stream_limit: usize,
    total_limit: u64,
    inflated: Cell<u64>,
}

impl<'a> Objects<'a> {
    pub(crate) fn new(doc: &'a Document, limits: &Limits) -> Self {
        Objects {
            doc,
            stream_limit: usize::try_from(limits.max_inflate_entry.min(MAX_STREAM_BYTES))
                .unwrap_or(usize::MAX),
            total_limit: limits.max_inflate_total,
            inflated: Cell::new(0),
        }
    }

    /// The object itself, references followed; a missing object reads as `null`.
    pub(crate) fn resolve(&self, mut object: &'a Object) -> &'a Object {
        for _ in 0..MAX_REFERENCE_HOPS {
            match object {
                Object::Reference(id) => match self.doc.objects.get(id) {
                    Some(target) => object = target,
                    None => return &NULL,
                },
                _ => return object,
            }
        }
        &NULL
    }

    /// A dictionary entry, resolved; `None` when absent or `null`.
    pub(crate) fn get(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
        let object = self.resolve(dict.get(key).ok()?);
        (!matches!(object, Object::Null)).then_some(object)
    }

    /// A dictionary, or the dictionary of a stream.
    pub(crate) fn dict(&self, object: &'a Object) -> Option<&'a Dictionary> {
        match self.resolve(object) {
            Object::Dictionary(dict) => Some(dict),
            Object::Stream(stream) => Some(&stream.dict),
            _ => None,
        }
    }

    pub(crate) fn get_dict(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
        self.dict(self.get(dict, key)?)
    }

    pub(crate) fn get_array(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [Object]> {
        match self.get(dict, key)? {
            Object::Array(items) => Some(items),
            _ => None,
        }
    }

    pub(crate) fn get_name(&self, dict: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
        match self.get(dict, key)? {
            Object::Name(name) => Some(name),
            _ => None,
        }
    }

    pub(crate) fn get_number(&self, dict: &'a Dictionary, key: &[u8]) -> Option<f64> {
        self.number(self.get(dict, key)?)
    }

    /// A number, references followed.
    pub(crate) fn number(&self, object: &'a Object) -> Option<f64> {
        match self.resolve(object) {
            Object::Integer(value) => Some(*value as f64),
            Object::Real(value) if value.is_finite() => Some(f64::from(*value)),
            _ => None,
        }
    }

    /// An array of numbers; items that are not numbers read as 0.
    pub(crate) fn numbers(&self, object: &'a Object) -> Option<Vec<f64>> {
        match self.resolve(object) {
            Object::Array(items) => Some(
                items
                    .iter()
                    .map(|item| self.number(item).unwrap_or(0.0))
                    .collect(),
            ),
            _ => None,
        }
    }

    /// The decoded data of a stream, counted against the file's inflation budget.
    pub(crate) fn stream_data(&self, object: &'a Object) -> Result<Vec<u8>, StreamError> {
        let Object::Stream(stream) = self.resolve(object) else {
            return Err(StreamError::NotAStream);
        };
        let spent = self.inflated.get();
        let left = self.total_limit.saturating_sub(spent);
        let limit = (self.stream_limit as u64).min(left);
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        let data = match stream.get_plain_content_with_limit(limit) {
            Ok(data) => data,
            Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded {
                ..
            })) => {
                return Err(StreamError::TooLarge);
            }
            Err(error) => return Err(StreamError::Undecodable(error.to_string())),
        };
        self.inflated.set(spent.saturating_add(data.len() as u64));
        Ok(data)
    }
}

/// A rectangle `[x0 y0 x1 y1]` normalised so that `x0 <= x1` and `y0 <= y1`.
pub(crate) fn rectangle(values: &[f64]) -> Option<[f64; 4]> {
    let [a, b, c, d] = values else {
        return None;
    };
    let rect = [a.min(*c), b.min(*d), a.max(*c), b.max(*d)];
    (rect[2] - rect[0] > 0.0 && rect[3] - rect[1] > 0.0).then_some(rect)
}
