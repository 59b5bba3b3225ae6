//! The one integration-test binary.

#[cfg(unix)]
mod apply;
mod bench;
#[cfg(unix)]
mod cargo_flags;
mod ci;
#[cfg(unix)]
mod cleanup;
mod cli;
mod dependency_index;
mod events;
mod gate;
mod interrupt;
mod layout;
mod llm_bench;
mod llm_cli;
mod llm_client;
mod llm_runs;
mod local_model;
mod matrix;
mod merge;
mod pipelines;
mod pool;
mod progress;
mod recorded;
mod resume;
mod schema;
mod specialists;
mod util;
