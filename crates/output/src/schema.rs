//! The JSON Schema (draft 2020-12) of [`Document`], derived from the serde types.
//!
//! Why `schemars` 1.x: it reads the same `#[serde(...)]` attributes that drive serialisation
//! (renames, `skip_serializing_if`, enum spellings), so the schema is computed from the very
//! types that write the JSON and cannot drift from them the way a hand-written schema would;
//! its 1.x line emits draft 2020-12 by default and turns our doc comments into `description`s
//! for users. Its cost is small (a derive crate and two tiny helpers).
//!
//! The schema describes what jixiao *writes* (the serialize contract): a key that is omitted
//! when unset (a [`crate::Location`] field, a [`crate::Parsed`] field) is optional, every other
//! key is required, and `null` is allowed where the type is optional.
//!
//! `schemas/document.schema.json` in the repository is this output; a test fails when it is
//! stale, and `make schema` (`jixiao schema > schemas/document.schema.json`) rewrites it.

use schemars::Schema;
use schemars::generate::SchemaSettings;

use crate::Document;

/// The JSON Schema of a [`Document`].
pub fn schema() -> Schema {
    SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Document>()
}

/// The JSON Schema of a [`Document`], pretty-printed, with a final newline.
pub fn schema_json() -> String {
    // The alternate form of `Value`'s `Display` is serde_json's pretty printer, and cannot fail.
    format!("{:#}\n", schema().as_value())
}
