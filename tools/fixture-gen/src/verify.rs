//! `--verify`: checks an output in a temporary copy. `cargo check --workspace --all-targets
//! --keep-going` must report exactly the predicted errors, with the same message in the `lib`
//! and `lib test` builds and a suggestion the repair can apply; for an output without
//! mutations `cargo test --workspace` must pass. A workspace is checked whole, from its root.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target)?;
            }
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// A predicted error as `--verify` looks for it: the path from the output's root (a member's
/// directory in front in a workspace), the code, the 1-based line and what caused it.
pub struct Check {
    pub path: String,
    pub code: String,
    pub line: usize,
    pub what: String,
}

/// Runs cargo check (and for a clean crate or workspace cargo test) on a copy of `out` and
/// compares the errors with the prediction. `holes` are the codes of the kinds that rustc gives
/// no usable suggestion for. Returns whether they match.
pub fn verify(
    out: &Path,
    predicted: &[Check],
    holes: &BTreeSet<String>,
    clean: bool,
) -> Result<bool, String> {
    let scratch = std::env::temp_dir().join(format!("fixture-gen-verify-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&scratch);
    copy_dir(out, &scratch).map_err(|e| format!("copying to {}: {}", scratch.display(), e))?;
    let result = verify_in(&scratch, predicted, holes, clean);
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

fn verify_in(
    dir: &Path,
    predicted: &[Check],
    holes: &BTreeSet<String>,
    clean: bool,
) -> Result<bool, String> {
    let output = Command::new("cargo")
        .args([
            "check",
            "--workspace",
            "--all-targets",
            "--keep-going",
            "--message-format",
            "short",
            "--color",
            "never",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .map_err(|e| format!("running cargo: {}", e))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    // `src/x.rs:12:5: error[E0425]: message` (in a workspace `member/src/x.rs`, relative to
    // the workspace's root). The lib and lib-test copies of one error have the
    // same position and code; their messages must be the same too, or a tool that deduplicates
    // by message would count the error twice.
    let mut by_position: BTreeMap<(String, usize, usize, String), BTreeSet<String>> =
        BTreeMap::new();
    for line in stderr.lines() {
        let Some((location, rest)) = line.split_once(": error") else {
            continue;
        };
        let mut pieces = location.split(':');
        let (Some(path), Some(row), Some(col)) = (pieces.next(), pieces.next(), pieces.next())
        else {
            continue;
        };
        let (Ok(row), Ok(col)) = (row.parse::<usize>(), col.parse::<usize>()) else {
            continue;
        };
        let code = match rest.strip_prefix('[') {
            Some(tail) => tail.split(']').next().unwrap_or("").to_string(),
            None => "syntax".to_string(),
        };
        by_position
            .entry((path.to_string(), row, col, code))
            .or_default()
            .insert(line.to_string());
    }
    let mut differing = 0;
    let mut actual: BTreeSet<(String, String, usize, String)> = BTreeSet::new();
    for ((path, row, _col, code), messages) in by_position {
        if messages.len() > 1 {
            differing += 1;
            eprintln!("  lib and lib-test messages differ: {:?}", messages);
        }
        let first = messages.into_iter().next().unwrap();
        actual.insert((path, code, row, first));
    }
    let mut expected: Vec<(String, String, usize, &str)> = predicted
        .iter()
        .map(|check| {
            (
                check.path.clone(),
                check.code.clone(),
                check.line,
                check.what.as_str(),
            )
        })
        .collect();
    let mut unmatched_actual: Vec<(String, String, usize, String)> = actual.into_iter().collect();
    // First match on (file, code, line), then on (file, code) within a few lines.
    for slack in [0usize, 3, 30, usize::MAX] {
        let mut remaining = Vec::new();
        for item in expected {
            let found = unmatched_actual
                .iter()
                .position(|a| a.0 == item.0 && a.1 == item.1 && a.2.abs_diff(item.2) <= slack);
            match found {
                Some(position) => {
                    unmatched_actual.remove(position);
                }
                None => remaining.push(item),
            }
        }
        expected = remaining;
    }
    let matched = predicted.len() - expected.len();
    eprintln!(
        "verify: {} predicted errors, {} matched",
        predicted.len(),
        matched
    );
    for item in &expected {
        eprintln!("  missing {} at {}:{} ({})", item.1, item.0, item.2, item.3);
    }
    for item in &unmatched_actual {
        eprintln!("  unexpected {}", item.3);
    }
    // Every error must carry a suggestion the repair can apply (MachineApplicable or
    // MaybeIncorrect), but those of the hole kinds, which rustc marks with a placeholder at most.
    // A plain substring test on cargo's JSON lines is enough for that.
    let json = Command::new("cargo")
        .args([
            "check",
            "--workspace",
            "--all-targets",
            "--keep-going",
            "--message-format",
            "json",
            "--color",
            "never",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .map_err(|e| format!("running cargo: {}", e))?;
    let mut without_suggestion = BTreeSet::new();
    for line in String::from_utf8_lossy(&json.stdout).lines() {
        let error = line.contains("\"reason\":\"compiler-message\"")
            && line.contains("\"level\":\"error\"");
        let suggested = line.contains("\"suggestion_applicability\":\"MachineApplicable\"")
            || line.contains("\"suggestion_applicability\":\"MaybeIncorrect\"")
            || holes
                .iter()
                .any(|code| line.contains(&format!("\"code\":{{\"code\":\"{}\"", code)));
        if error && !suggested {
            let rendered = line.split("\"rendered\":\"").nth(1).unwrap_or("");
            let text = rendered.replace("\\n", "\n");
            let head: Vec<&str> = text.lines().take(2).map(str::trim).collect();
            without_suggestion.insert(head.join(" "));
        }
    }
    for item in &without_suggestion {
        eprintln!("  no usable suggestion: {}", item);
    }
    let mut ok = expected.is_empty()
        && unmatched_actual.is_empty()
        && differing == 0
        && without_suggestion.is_empty();
    if clean {
        let status = Command::new("cargo")
            .args(["test", "--workspace", "--quiet", "--color", "never"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .status()
            .map_err(|e| format!("running cargo test: {}", e))?;
        eprintln!(
            "verify: cargo test {}",
            if status.success() { "passed" } else { "FAILED" }
        );
        ok &= status.success();
    }
    Ok(ok)
}
