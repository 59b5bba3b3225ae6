//! `--message-format json`: every event as one JSON line on stdout, the summary last.

use std::io::Write as _;

use super::Reporter;
use crate::event::Event;

#[derive(Debug, Default)]
pub struct JsonReporter;

impl Reporter for JsonReporter {
    fn report(&mut self, event: &Event) {
        if let Ok(line) = serde_json::to_string(event) {
            let mut stdout = std::io::stdout().lock();
            let _ = writeln!(stdout, "{line}");
            let _ = stdout.flush();
        }
    }
}
