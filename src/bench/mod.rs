//! `cargo fix-swarm bench`: repairs every fixture in a fresh repository, judges the result with
//! `cargo check` and the fixture's own tests, and compares with `cargo fix --broken-code`.

mod display;
mod fixture;
mod html;
mod model;
mod progress;
mod runner;
mod table;

pub use fixture::{Fixture, FixtureError, discover};
pub use html::render_html;
pub use runner::run_bench;
pub use table::{
    BenchReport, BenchSetup, EngineResult, FixtureResult, TableLayout, Tests, Totals, render_table,
};
