//! The dispatcher: owns the run state, runs rounds of check → plan → fix → merge, and applies the
//! result once at the end. Workers get owned scopes and send back reports; nothing here prints.

mod deliver;
mod dependencies;
mod dispatch;
mod equip;
mod error;
mod integrate;
mod llm;
mod matrix;
mod merge;
mod prepare;
mod resume;
mod round;
mod session;
mod setup;
mod state;

pub use self::deliver::FixedTree;
pub use self::error::RunError;
pub use self::matrix::{JobEnd, Planned, merge_job, plan_job, work_job};
pub use self::setup::{Repaired, repair};
