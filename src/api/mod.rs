//! The dependencies' API, not only the workspace's: `CrateApi` reads what one crate offers from
//! its sources, `DependencyIndex` holds the crates a round's errors name (and the versions they
//! were bumped from), `lockfile` finds those bumps, `origin` the bumped crate an error names.
//! Pure; the engine reads the files.

mod crate_api;
mod dependencies;
mod item_text;
pub mod lockfile;
mod origin;
mod uses;

pub use crate_api::{CrateApi, PublicItem};
pub use dependencies::{
    DependencyApi, DependencyIndex, MethodOffer, Noted, crates_used_by, named_crates,
};
pub use item_text::{Deprecation, Method, TraitImpl};
pub use lockfile::Bump;
pub use origin::bumped_crate_named;
pub use uses::{UseLeaf, use_leaves};
