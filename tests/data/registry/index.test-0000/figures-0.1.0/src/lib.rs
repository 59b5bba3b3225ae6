//! Figures, 0.1.
pub mod figure;

pub use figure::Measure;

/// URL-safe alphabet.
pub const URL_SAFE: u8 = 1;

/// Sums.
#[deprecated(since = "0.1.2", note = "use fold_total instead")]
pub fn fold_sum(values: &[f64]) -> f64 {
    fold_total(values)
}

pub fn fold_total(values: &[f64]) -> f64 {
    values.iter().sum()
}
