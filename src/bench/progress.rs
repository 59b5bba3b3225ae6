//! How far the bench has got over its fixtures, and about how long it has left: the mean time of
//! the fixtures done so far times those left (fixtures differ in size, so it is a guide, not a
//! promise). Pure: the runner hands in each fixture's time.

use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BenchProgress {
    total: usize,
    done: usize,
    spent: Duration,
}

impl BenchProgress {
    pub fn new(total: usize) -> BenchProgress {
        BenchProgress {
            total,
            done: 0,
            spent: Duration::ZERO,
        }
    }

    /// One more fixture finished, in `took`.
    pub fn finished(&mut self, took: Duration) {
        self.done = (self.done + 1).min(self.total);
        self.spent += took;
    }

    pub fn done(&self) -> usize {
        self.done
    }

    /// About how long the fixtures left will take: `None` before the first has finished, since
    /// nothing has been measured yet.
    pub fn left(&self) -> Option<Duration> {
        let done = u32::try_from(self.done).ok().filter(|&done| done > 0)?;
        let left = u32::try_from(self.total - self.done).unwrap_or(u32::MAX);
        Some(self.spent / done * left)
    }

    /// The plain line's: `(3/10, about 1m20s left)` for the third fixture of ten starting; the
    /// first has no estimate yet.
    pub fn words(&self) -> String {
        let at = format!("{}/{}", (self.done + 1).min(self.total), self.total);
        match self.left() {
            Some(left) => format!("({at}, about {} left)", duration_words(left)),
            None => format!("({at})"),
        }
    }

    /// The bar's message while `fixture` runs: the estimate once there is one, then the name
    /// (first what a narrow terminal must not cut off).
    pub fn bar_message(&self, fixture: &str) -> String {
        match self.left() {
            Some(left) => format!("about {} left: {fixture}", duration_words(left)),
            None => fixture.to_owned(),
        }
    }
}

/// `45s`, `1m20s`.
fn duration_words(duration: Duration) -> String {
    let secs = duration.as_secs();
    if secs >= 60 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_estimate_is_the_mean_time_so_far_times_the_fixtures_left() {
        let mut progress = BenchProgress::new(10);
        assert_eq!(progress.left(), None);
        assert_eq!(progress.words(), "(1/10)");
        assert_eq!(progress.bar_message("syntax-errors"), "syntax-errors");
        progress.finished(Duration::from_secs(10));
        progress.finished(Duration::from_secs(30));
        // Two fixtures in 40 s: 20 s each, eight left.
        assert_eq!(progress.left(), Some(Duration::from_secs(160)));
        assert_eq!(progress.words(), "(3/10, about 2m40s left)");
        assert_eq!(
            progress.bar_message("missing-mut"),
            "about 2m40s left: missing-mut"
        );
        assert_eq!(progress.done(), 2);
    }

    #[test]
    fn the_last_fixture_leaves_nothing_and_short_times_read_in_seconds() {
        let mut progress = BenchProgress::new(2);
        progress.finished(Duration::from_millis(4500));
        assert_eq!(progress.words(), "(2/2, about 4s left)");
        progress.finished(Duration::from_secs(5));
        assert_eq!(progress.left(), Some(Duration::ZERO));
        // Finishing more than there are counts no further.
        progress.finished(Duration::from_secs(5));
        assert_eq!(progress.done(), 2);
    }
}
