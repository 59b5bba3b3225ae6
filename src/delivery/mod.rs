//! The deliveries of a finished run, each an option of the final delivery step and none of the
//! engine: `--patch-file` (`patch_file.rs`), `--summary-md` (`summary_md.rs`) and `--commit`
//! (`branch.rs`), made by `deliver.rs` from the fix the engine hands back. None of them writes
//! to the user's checkout: files go where the user named them, a commit to the object store and
//! a branch ref.

mod branch;
mod config;
mod deliver;
mod patch_file;
pub(crate) mod summary_md;

pub use config::{BranchRequest, DeliveryConfig};
pub use deliver::{DeliveryError, deliver, preflight};
pub use summary_md::{render_failure_markdown, render_markdown};
