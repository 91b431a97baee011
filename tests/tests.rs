//! End-to-end tests of the `jixiao` package, compiled into one binary (one link instead of one
//! per file). Each module covers one part: the JSON shape and status rule, the schema, CSV, the
//! one-file pipeline, the batch engine, and the built command line.

mod batch;
mod cli;
mod csv_output;
mod gold;
mod lossy;
mod output_json;
mod pipeline;
mod schema;
mod util;
