//! End-to-end tests of the `jixiao` package, compiled into one binary (one link instead of one
//! per file). Each module covers one part: the JSON shape and status rule, the schema, CSV, the
//! one-file pipeline, the batch engine, the built command line, and hostile input end to end.

mod batch;
mod cli;
mod cli_data;
mod csv_output;
mod doc_converter;
mod fields;
mod gold;
mod hostile;
mod hostile_round2;
mod lossy;
mod measure;
mod output_json;
mod parquet_output;
mod pipeline;
mod real;
mod review;
mod schema;
mod util;
