//! # jixiao-output
//!
//! The serde types of SPEC.md, the JSON Schema, and CSV. (Being written.)
