//! The files a CI matrix's jobs hand each other (the plan, the work results), their checks, and
//! the binning of scopes into jobs: plain data and pure functions, no I/O.

mod bins;
mod error;
mod plan_file;
mod work_result;

pub use bins::{Weighed, bin, weight};
pub use error::MatrixError;
pub use plan_file::{MatrixJob, PlanFile, PlanGate, PlanSources, same_scopes};
pub use work_result::{WorkResult, collect};

/// The version of the plan and result files' shape; a file of another version is refused.
pub const SCHEMA_VERSION: u32 = 1;

/// The version of the tool that wrote a file: a plan is worked and merged by this version only,
/// since another version's workers may fix the same scope differently.
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A stable hash (FNV-1a, 64 bits) of `text`, as 16 hex digits: the same in every build.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests;
