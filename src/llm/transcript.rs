//! A worker's transcript: one JSON line per step (each request, reply, parsed edits, refusal with
//! its reason, gate verdict), so that a person can see why a model's fix was made, or not.

use std::path::{Path, PathBuf};

use serde::Serialize;
use tokio::io::AsyncWriteExt;

use super::chat::{Message, Usage};
use super::edits::ReplyRefusal;
use crate::verdict::Verdict;

/// One step of a conversation, of one group of diagnostics (`group`, its number in the scope).
#[derive(Debug, Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step<'a> {
    Request {
        group: usize,
        model: &'a str,
        messages: &'a [Message],
    },
    Reply {
        group: usize,
        content: &'a str,
        usage: Usage,
    },
    Edits {
        group: usize,
        files: &'a [PathBuf],
    },
    Refused {
        group: usize,
        refusal: &'a ReplyRefusal,
    },
    Verdict {
        group: usize,
        verdict: &'a Verdict,
    },
    Failed {
        group: usize,
        error: String,
    },
    /// The budget was spent before this group's next request.
    Budget {
        group: usize,
    },
}

/// Appends steps to one file. Write failures are logged, never fatal: a transcript explains a
/// run, it does not decide it.
#[derive(Debug)]
pub struct Transcript {
    file: tokio::sync::Mutex<Option<tokio::fs::File>>,
    path: PathBuf,
}

impl Transcript {
    /// The transcript of `scope` in `round`, under `dir`.
    pub async fn open(dir: &Path, round: usize, scope: &str) -> Transcript {
        let name: String = scope
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = dir.join(format!("round-{round}-{name}.jsonl"));
        let opened = async {
            tokio::fs::create_dir_all(dir).await?;
            tokio::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .await
        }
        .await;
        let file = match opened {
            Ok(file) => Some(file),
            Err(error) => {
                tracing::warn!("cannot write the transcript {}: {error}", path.display());
                None
            }
        };
        Transcript {
            file: tokio::sync::Mutex::new(file),
            path,
        }
    }

    pub async fn write(&self, step: &Step<'_>) {
        let mut line = serde_json::to_string(step).unwrap_or_default();
        line.push('\n');
        let mut file = self.file.lock().await;
        if let Some(open) = file.as_mut()
            && let Err(error) = open.write_all(line.as_bytes()).await
        {
            tracing::warn!(
                "cannot write the transcript {}: {error}",
                self.path.display()
            );
            *file = None;
        }
    }
}
