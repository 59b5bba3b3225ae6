//! `EventSink`, the sending end of a run's event stream and the run's one clock: every event is
//! stamped here, once, with the time since the run began, so that events carry only what
//! happened (and can be compared by value) while reporters still know when.

use std::time::{Duration, Instant};

use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};

use crate::event::{Event, Stamped};
use crate::schema::SchemaVersion;

#[derive(Clone, Debug)]
pub struct EventSink {
    sender: UnboundedSender<Stamped>,
    began: Instant,
}

impl EventSink {
    /// A stream whose clock starts now, and its receiving end.
    pub fn channel() -> (EventSink, UnboundedReceiver<Stamped>) {
        let (sender, receiver) = mpsc::unbounded_channel();
        let began = Instant::now();
        (EventSink { sender, began }, receiver)
    }

    pub fn emit(&self, event: Event) {
        let elapsed_ms = duration_ms(self.elapsed());
        // A closed channel only means nobody listens any more.
        let _ = self.sender.send(Stamped {
            schema_version: SchemaVersion,
            elapsed_ms,
            event,
        });
    }

    /// The time since the run began.
    pub fn elapsed(&self) -> Duration {
        self.began.elapsed()
    }
}

/// Whole milliseconds, saturating (a run does not last 584 million years).
pub fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn events_arrive_in_order_with_times_that_never_go_back() {
        let (sink, mut received) = EventSink::channel();
        sink.emit(Event::Diff {
            patch: "first".to_owned(),
        });
        sink.clone().emit(Event::Diff {
            patch: "second".to_owned(),
        });
        drop(sink);
        let first = received.recv().await.expect("first event");
        let second = received.recv().await.expect("second event");
        assert!(
            received.recv().await.is_none(),
            "the stream ends with the sink"
        );
        assert!(matches!(&first.event, Event::Diff { patch } if patch == "first"));
        assert!(matches!(&second.event, Event::Diff { patch } if patch == "second"));
        assert!(first.elapsed_ms <= second.elapsed_ms);
    }

    #[test]
    fn a_stamped_event_is_one_flat_json_object() {
        let stamped = Stamped {
            schema_version: SchemaVersion,
            elapsed_ms: 1234,
            event: Event::Diff {
                patch: "p".to_owned(),
            },
        };
        assert_eq!(
            serde_json::to_value(&stamped).unwrap(),
            serde_json::json!({
                "event": "diff",
                "patch": "p",
                "elapsed_ms": 1234,
                "schema_version": crate::schema::SCHEMA_VERSION
            })
        );
    }
}
