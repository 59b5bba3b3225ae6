//! `--message-format json`: every event as one JSON line on stdout (with its `elapsed_ms`), the
//! summary last.

use std::io::Write as _;

use super::Reporter;
use crate::event::Stamped;

#[derive(Debug, Default)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn report(&mut self, stamped: &Stamped) {
        if let Ok(line) = serde_json::to_string(stamped) {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
        }
    }
}
