//! The run's record under the target directory: every event as JSON lines (the plan, each
//! worker's report with its patch, the merges) and the summary as JSON.

use std::fs::File;
use std::io::{BufWriter, Write as _};

use super::Reporter;
use crate::event::{Event, Stamped};

#[derive(Debug, Default)]
pub struct RecordWriter {
    events: Option<BufWriter<File>>,
}

impl Reporter for RecordWriter {
    fn report(&mut self, stamped: &Stamped) {
        let event = &stamped.event;
        if let Event::RunStarted { record, .. } = event {
            self.events = std::fs::create_dir_all(record)
                .and_then(|()| File::create(record.join("events.jsonl")))
                .map(BufWriter::new)
                .ok();
        }
        let Some(file) = &mut self.events else {
            return;
        };
        if let Ok(line) = serde_json::to_string(stamped) {
            let _ = writeln!(file, "{line}");
        }
        if let Event::RunFinished { summary } = event {
            let _ = file.flush();
            if let (Some(record), Ok(json)) =
                (&summary.record, serde_json::to_string_pretty(summary))
            {
                let _ = std::fs::write(record.join("summary.json"), json);
            }
        }
    }
}
