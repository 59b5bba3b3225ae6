//! Figures, 0.2.
pub mod shape;
mod engine;

pub use crate::shape::measure::Measure;
pub use engine::general_purpose;

/// Areas.
#[deprecated(
    since = "0.2.0",
    note = "Use `area_of` instead"
)]
pub fn area(side: f64) -> f64 {
    area_of(side)
}

pub fn area_of(side: f64) -> f64 {
    side * side
}

pub fn fold_total(values: &[f64]) -> f64 {
    values.iter().sum()
}
