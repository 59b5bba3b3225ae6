//! Reporters: consumers of the engine's events. They print or write files and change no run state.

mod github;
mod human;
mod json;
mod progress;
mod record;
mod terminal;

pub use github::{GithubReporter, annotations};
pub use human::HumanReporter;
pub use json::JsonReporter;
pub use record::RecordWriter;
pub use terminal::Terminal;

use tokio::sync::mpsc::UnboundedReceiver;

use crate::event::Stamped;

pub trait Reporter: Send {
    fn report(&mut self, stamped: &Stamped);
}

/// Feeds every event to every reporter until the engine drops its sender.
pub async fn drain(mut events: UnboundedReceiver<Stamped>, mut reporters: Vec<Box<dyn Reporter>>) {
    while let Some(stamped) = events.recv().await {
        for reporter in &mut reporters {
            reporter.report(&stamped);
        }
    }
}
