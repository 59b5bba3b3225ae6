//! Where the bench says how far it has got: on a terminal, a bar over the fixtures with the
//! estimate of the time left, redrawn in place; elsewhere (a pipeline's log, a file) a plain line
//! on stderr as each fixture starts. The table streams to stdout either way, printed while the
//! bar is hidden so that the two never overwrite each other.

use std::io::Write as _;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::progress::BenchProgress;

#[derive(Debug)]
pub enum BenchDisplay {
    Plain,
    Bar(ProgressBar),
}

impl BenchDisplay {
    /// A bar over `total` fixtures when `live` (see `report::Terminal`), else plain lines.
    pub fn new(live: bool, total: usize) -> BenchDisplay {
        if !live {
            return BenchDisplay::Plain;
        }
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{prefix:>12} [{bar:30}] {pos}/{len} {wide_msg}")
                .expect("valid template")
                .progress_chars("=> "),
        );
        bar.set_prefix("Bench");
        BenchDisplay::Bar(bar)
    }

    /// `fixture` starts, with `progress` as it stands.
    pub fn starting(&self, fixture: &str, progress: &BenchProgress) {
        match self {
            BenchDisplay::Plain => {
                let _ = writeln!(
                    std::io::stderr(),
                    "{:>12} {fixture} {}",
                    "Bench",
                    progress.words()
                );
            }
            BenchDisplay::Bar(bar) => {
                bar.set_position(progress.done() as u64);
                bar.set_message(progress.bar_message(fixture));
            }
        }
    }

    /// `text` on stdout now (a row of the table).
    pub fn print(&self, text: &str) {
        let print = || {
            let mut stdout = std::io::stdout().lock();
            let _ = write!(stdout, "{text}");
            let _ = stdout.flush();
        };
        match self {
            BenchDisplay::Plain => print(),
            BenchDisplay::Bar(bar) => bar.suspend(print),
        }
    }

    /// The fixtures are done (or the bench stops): the bar goes, leaving the table.
    pub fn finish(&self) {
        if let BenchDisplay::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
