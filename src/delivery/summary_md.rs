//! `--summary-md`: the summary as markdown, for `$GITHUB_STEP_SUMMARY` or a pull-request comment:
//! errors before and after, a table of the fixes, what was left grouped by why, the deliveries,
//! and the full diff folded away. Wording only: the summary is data.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::delivered::DeliveryReport;
use crate::llm::budget::Spending;
use crate::position;
use crate::reason::UnfixedReason;
use crate::stop::StopSignal;
use crate::summary::{
    LlmAccount, Outcome, RunSummary, Unfixed, delivery_words, origin_words, what_changed, why_kept,
    why_unfixed,
};

/// GitHub refuses a step summary over 1 MiB: a diff beyond this is cut, and the patch file (or
/// the run's record) holds it whole.
const DIFF_LIMIT: usize = 512 * 1024;

/// The markdown of `summary`, with `diff` (the fix's unified diff) folded at its end.
pub fn render_markdown(summary: &RunSummary, diff: Option<&str>) -> String {
    let mut out = format!("## cargo fix-swarm: {}\n\n", state(summary));
    out.push_str(&figures(summary));
    write_fixes(&mut out, summary);
    write_unfixed(&mut out, summary);
    write_deliveries(&mut out, &summary.deliveries);
    if let Some(diff) = diff.filter(|diff| !diff.is_empty()) {
        write_diff(&mut out, diff, summary.files_changed.len());
    }
    out
}

/// The markdown of a run that could not go on: there is no summary, only why, which the job's
/// page should still say.
pub fn render_failure_markdown(message: &str) -> String {
    let fence = fence_for(message);
    format!(
        "## cargo fix-swarm: could not run\n\nNothing was changed.\n\n{fence}text\n{message}\n{fence}\n"
    )
}

fn state(summary: &RunSummary) -> String {
    match summary.outcome {
        Outcome::Green if summary.dry_run => "the fix makes the build green".to_owned(),
        Outcome::Green => "the build is green".to_owned(),
        Outcome::ErrorsRemain => "errors remain".to_owned(),
        Outcome::NotWritten => "not green: fixes passed but were not written".to_owned(),
        Outcome::Interrupted { signal } => format!(
            "interrupted by {}, nothing applied",
            match signal {
                StopSignal::Interrupt => "SIGINT",
                StopSignal::Terminate => "SIGTERM",
                StopSignal::Hangup => "SIGHUP",
            }
        ),
    }
}

/// `**7 → 0 errors** · 2 rounds · 9 gate runs · 4.2 s`.
fn figures(summary: &RunSummary) -> String {
    let mut parts = Vec::new();
    if let (Some(before), Some(after)) = (summary.errors_before, summary.errors_after) {
        parts.push(format!("**{before} → {after} error{}**", plural(after)));
    }
    if let Some(revealed) = summary.errors_revealed.filter(|&revealed| revealed > 0) {
        let fixed = summary.errors_fixed.unwrap_or(0);
        parts.push(format!("{fixed} fixed, {revealed} newly revealed"));
    }
    parts.push(format!(
        "{} round{}",
        summary.rounds,
        plural(summary.rounds)
    ));
    parts.push(format!(
        "{} gate run{}",
        summary.gate_runs,
        plural(summary.gate_runs)
    ));
    parts.push(format!("{:.1} s", summary.duration_ms as f64 / 1000.0));
    let mut line = parts.join(" · ");
    line.push('\n');
    if let Some(LlmAccount::Used {
        model, spending, ..
    }) = summary.llm.as_deref()
    {
        line.push_str(&model_words(model, spending));
    }
    if summary.dry_run {
        line.push_str("\nA dry run: nothing was written to the working tree.\n");
    }
    line
}

/// `Model gpt-x: 12 requests, 30000 prompt and 4000 completion tokens, $0.0420.`, on its own
/// line.
fn model_words(model: &str, usage: &Spending) -> String {
    let cost = usage
        .cost_usd
        .map(|usd| format!(", ${usd:.4}"))
        .unwrap_or_default();
    format!(
        "\nModel `{model}`: {} request{}, {} prompt and {} completion tokens{cost}.\n",
        usage.requests,
        plural(usize::try_from(usage.requests).unwrap_or(usize::MAX)),
        usage.prompt_tokens,
        usage.completion_tokens
    )
}

fn write_fixes(out: &mut String, summary: &RunSummary) {
    let count: usize = summary.fixes.iter().map(|fix| fix.errors.len()).sum();
    if count == 0 {
        return;
    }
    let _ = writeln!(out, "\n### Fixes ({count})\n");
    out.push_str("| Location | Code | Error | What changed | Specialist | Why this fix |\n");
    out.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for fix in &summary.fixes {
        for error in &fix.errors {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} (scope {}, round {}) | {} |",
                cell(&position::label(error.position.as_ref())),
                error.code,
                cell(&error.message),
                cell(what_changed(error)),
                cell(&error.by),
                fix.scope,
                fix.round,
                cell(&why_kept(&error.why)),
            );
        }
    }
}

/// What was left, grouped by the kind of reason, each group under its heading.
fn write_unfixed(out: &mut String, summary: &RunSummary) {
    if summary.unfixed.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n### Left ({})", summary.unfixed.len());
    let mut groups: BTreeMap<(u8, &'static str), Vec<&Unfixed>> = BTreeMap::new();
    for unfixed in &summary.unfixed {
        groups
            .entry(group_of(&unfixed.reason))
            .or_default()
            .push(unfixed);
    }
    for ((_, heading), members) in groups {
        let _ = writeln!(out, "\n**{heading}** ({})\n", members.len());
        for unfixed in members {
            let origin = unfixed.origin.as_ref().map_or(String::new(), |origin| {
                format!("; {}", cell(&origin_words(origin)))
            });
            let _ = writeln!(
                out,
                "- `{}` {}: {} — {}{origin}",
                cell(&position::label(unfixed.position.as_ref())),
                unfixed.code,
                cell(&unfixed.message),
                cell(&why_unfixed(&unfixed.reason))
            );
        }
    }
}

/// The group a reason falls in: its order among the groups, and its heading.
fn group_of(reason: &UnfixedReason) -> (u8, &'static str) {
    match reason {
        UnfixedReason::NoProposal => (0, "No specialist proposed a fix"),
        UnfixedReason::Rejected { .. } => (1, "Every proposed fix was rejected by the gate"),
        UnfixedReason::NeedsValue { .. } => (2, "Needs a value nothing in scope supplies"),
        UnfixedReason::Refused { .. } => (3, "Every proposed fix was refused (meaning not kept)"),
        UnfixedReason::Conflicted | UnfixedReason::WorseWithOthers => {
            (4, "Its fix did not fit with the others")
        }
        UnfixedReason::NotReached { .. } => (5, "Not reached before the rounds stopped"),
        UnfixedReason::ModelRefused { .. } => (6, "Every model edit was refused"),
        UnfixedReason::ModelFailed { .. } => (7, "The model's endpoint failed"),
        UnfixedReason::OutOfTime { .. } => (7, "The worker's time ran out (--worker-timeout)"),
        UnfixedReason::Outside { .. } | UnfixedReason::NoLocation => {
            (8, "Outside the workspace's sources")
        }
    }
}

fn write_deliveries(out: &mut String, deliveries: &[DeliveryReport]) {
    if deliveries.is_empty() {
        return;
    }
    out.push_str("\n### Deliveries\n\n");
    for delivery in deliveries {
        let _ = writeln!(out, "- {}", delivery_words(delivery));
    }
}

fn write_diff(out: &mut String, diff: &str, files: usize) {
    let (shown, cut) = match diff.char_indices().nth(DIFF_LIMIT) {
        Some((at, _)) => (&diff[..at], true),
        None => (diff, false),
    };
    let fence = fence_for(shown);
    let _ = writeln!(
        out,
        "\n<details><summary>The full diff ({files} file{})</summary>\n\n{fence}diff\n{shown}{}{fence}\n",
        plural(files),
        if shown.ends_with('\n') { "" } else { "\n" }
    );
    if cut {
        out.push_str("The diff is cut here; the patch file holds it whole.\n\n");
    }
    out.push_str("</details>\n");
}

/// A code fence longer than any run of backticks in `text`, so that none closes it early.
fn fence_for(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat(longest.max(2) + 1)
}

/// Text for a table cell or a list item: no line breaks, no bare `|`, and outside code spans no
/// `<`/`>` that GitHub would take for an HTML tag (`Option<T>` would lose its `<T>`).
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_code = false;
    for c in text.chars() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            '|' => out.push_str("\\|"),
            '<' if !in_code => out.push_str("&lt;"),
            '>' if !in_code => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

#[cfg(test)]
pub(crate) mod tests;
