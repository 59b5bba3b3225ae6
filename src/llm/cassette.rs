//! `--llm-record DIR` and `--llm-replay DIR`: every exchange stored as `DIR/<key>.json`, keyed
//! by the request's hash, so a run with a model can be repeated with no network and no cost.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::chat::{ChatReply, ChatRequest};

/// One stored exchange: the request is kept whole so that a person can read what was asked.
#[derive(Debug, Serialize, Deserialize)]
struct Exchange {
    request: ChatRequest,
    reply: ChatReply,
}

#[derive(Debug, thiserror::Error)]
pub enum CassetteError {
    #[error("no recorded reply for request {key} in {} (replay answers only requests recorded before)", dir.display())]
    Miss { key: String, dir: PathBuf },
    #[error("cannot read the recorded reply {}: {message}", path.display())]
    Read { path: PathBuf, message: String },
    #[error("cannot record the reply in {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn path_of(dir: &Path, request: &ChatRequest) -> PathBuf {
    dir.join(format!("{}.json", request.key()))
}

/// The reply recorded for `request` in `dir`.
pub async fn replay(dir: &Path, request: &ChatRequest) -> Result<ChatReply, CassetteError> {
    let path = path_of(dir, request);
    let text = match tokio::fs::read_to_string(&path).await {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(CassetteError::Miss {
                key: request.key(),
                dir: dir.to_owned(),
            });
        }
        Err(error) => {
            let message = error.to_string();
            return Err(CassetteError::Read { path, message });
        }
    };
    let exchange: Exchange = serde_json::from_str(&text).map_err(|error| CassetteError::Read {
        path: path.clone(),
        message: error.to_string(),
    })?;
    Ok(exchange.reply)
}

/// Stores `reply` as the answer to `request` in `dir`, made if need be; written beside and
/// renamed, so that a concurrent replay never reads half a file.
pub async fn record(
    dir: &Path,
    request: &ChatRequest,
    reply: &ChatReply,
) -> Result<(), CassetteError> {
    let path = path_of(dir, request);
    let failed = |source| CassetteError::Write {
        path: path.clone(),
        source,
    };
    tokio::fs::create_dir_all(dir).await.map_err(failed)?;
    let exchange = Exchange {
        request: request.clone(),
        reply: reply.clone(),
    };
    let text = serde_json::to_string_pretty(&exchange).unwrap_or_default();
    let staging = path.with_extension(format!("json.{}", std::process::id()));
    tokio::fs::write(&staging, text).await.map_err(failed)?;
    tokio::fs::rename(&staging, &path).await.map_err(failed)
}
