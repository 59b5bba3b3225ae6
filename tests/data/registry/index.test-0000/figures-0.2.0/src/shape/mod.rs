//! Shapes.
pub mod measure;
mod polygon;

pub use self::polygon::*;
