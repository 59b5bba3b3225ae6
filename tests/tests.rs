//! The one integration-test binary.

#[cfg(unix)]
mod apply;
mod cli;
mod gate;
mod interrupt;
mod layout;
mod recorded;
mod resume;
mod specialists;
mod util;
