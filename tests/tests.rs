//! The one integration-test binary.

mod cli;
mod gate;
mod interrupt;
mod layout;
mod recorded;
mod specialists;
mod util;
