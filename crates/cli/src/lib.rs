//! # jixiao
//!
//! The extraction pipeline for one file and the batch engine over many. (Being written.)
