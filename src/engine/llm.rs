//! The model workers' set-up for a run: the flags merged with the manifests' `fix-swarm`
//! metadata tables, validated, the endpoint reached once (an unreachable one is a clear error
//! before any work), and the `LlmService` every worker shares.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use super::error::RunError;
use crate::config::FixConfig;
use crate::llm::client;
use crate::llm::service::LlmService;
use crate::llm::settings::{self, ReplySource};

/// The service of a run with `--llm`, `None` without. `manifests`: the selected package's
/// manifest and the workspace root's (the same file for a single package).
pub(super) async fn equip_llm(
    config: &FixConfig,
    manifests: [&Path; 2],
    record: &Path,
    started: Instant,
) -> Result<Option<Arc<LlmService>>, RunError> {
    if !config.llm.enabled {
        return Ok(None);
    }
    let [package, workspace] = manifests;
    let mut tables = Vec::new();
    if let Some(table) = metadata(package, "package") {
        tables.push(table);
    }
    if let Some(table) = metadata(workspace, "workspace") {
        tables.push(table);
    }
    let env = |name: &str| std::env::var(name).ok().filter(|value| !value.is_empty());
    let Some(settings) = settings::resolve(config.llm.clone(), &tables, env)
        .map_err(|error| RunError::Llm(error.to_string()))?
    else {
        return Ok(None);
    };
    if let ReplySource::Endpoint { base_url, .. } = &settings.source {
        client::reachable(base_url, settings.timeout)
            .await
            .map_err(|error| RunError::Llm(error.to_string()))?;
    }
    let service = LlmService::new(settings, record, started)
        .map_err(|error| RunError::Llm(error.to_string()))?;
    Ok(Some(Arc::new(service)))
}

/// `[<section>.metadata.fix-swarm]` of the manifest at `path`, if it has one.
fn metadata(path: &Path, section: &str) -> Option<toml::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    let manifest: toml::Value = toml::from_str(&text).ok()?;
    manifest
        .get(section)?
        .get("metadata")?
        .get("fix-swarm")
        .cloned()
}
