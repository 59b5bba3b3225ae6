//! The one integration-test binary.

#[cfg(unix)]
mod apply;
mod ci;
#[cfg(unix)]
mod cleanup;
mod cli;
mod dependency_index;
mod events;
mod gate;
mod interrupt;
mod layout;
mod pipelines;
mod pool;
mod recorded;
mod resume;
mod schema;
mod specialists;
mod util;
