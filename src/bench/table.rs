//! The bench's results as plain values, and their rendering as a table.

use std::fmt::Write as _;

use serde::Serialize;

use super::model::{ModelUse, render_model_table};

/// How one engine did on one fixture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EngineResult {
    pub errors_before: usize,
    pub errors_after: usize,
    pub green: bool,
    pub tests_pass: bool,
    pub wall_ms: u64,
    /// Of `wall_ms`, the time cargo was running: the rest is the engine's own.
    pub cargo_ms: u64,
    pub rounds: usize,
    pub gate_runs: usize,
    /// Set when the engine could not run at all.
    pub failure: Option<String>,
    /// What the model workers fixed and spent, when the run had them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelUse>,
}

impl EngineResult {
    /// A fix counts only if the crate compiles and its own tests pass.
    pub fn repaired(&self) -> bool {
        self.green && self.tests_pass
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FixtureResult {
    pub fixture: String,
    pub expected_errors: usize,
    /// The codes the first check found, against `fixture.toml`'s.
    pub codes: Vec<String>,
    pub codes_as_expected: bool,
    pub swarm: EngineResult,
    pub baseline: Option<EngineResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchReport {
    pub jobs: usize,
    pub fixtures: Vec<FixtureResult>,
}

fn cells(result: &EngineResult) -> String {
    if let Some(failure) = &result.failure {
        let first_line = failure.lines().next().unwrap_or_default();
        return format!("failed: {first_line}");
    }
    format!(
        "{:>3} → {:<3} {:<5} {:<5} {:>6.1}s {:>5} {:>3} {:>5}",
        result.errors_before,
        result.errors_after,
        if result.green { "yes" } else { "no" },
        if result.tests_pass { "pass" } else { "FAIL" },
        result.wall_ms as f64 / 1000.0,
        share(result.cargo_ms, result.wall_ms),
        result.rounds,
        result.gate_runs,
    )
}

fn totals(results: &[&EngineResult]) -> String {
    let before: usize = results.iter().map(|r| r.errors_before).sum();
    let after: usize = results.iter().map(|r| r.errors_after).sum();
    let green = results.iter().filter(|r| r.green).count();
    let repaired = results.iter().filter(|r| r.repaired()).count();
    let wall: u64 = results.iter().map(|r| r.wall_ms).sum();
    let cargo: u64 = results.iter().map(|r| r.cargo_ms).sum();
    let rounds: usize = results.iter().map(|r| r.rounds).sum();
    let gates: usize = results.iter().map(|r| r.gate_runs).sum();
    format!(
        "{before:>3} → {after:<3} {:<5} {:<5} {:>6.1}s {:>5} {rounds:>3} {gates:>5}",
        format!("{green}/{}", results.len()),
        format!("{repaired}/{}", results.len()),
        wall as f64 / 1000.0,
        share(cargo, wall),
    )
}

/// `part` as a whole percentage of `whole`.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    format!("{}%", (part.min(whole) * 100 + whole / 2) / whole)
}

/// The table people read: one row per fixture, totals last; with a baseline, side by side.
pub fn render_table(report: &BenchReport) -> String {
    let width = report
        .fixtures
        .iter()
        .map(|f| f.fixture.len())
        .max()
        .unwrap_or(7)
        .max(7);
    let has_baseline = report.fixtures.iter().any(|f| f.baseline.is_some());
    let columns = "errors    green tests   wall cargo rnd gates";
    let mut out = String::new();
    let swarm_title = format!("cargo fix-swarm (-j {})", report.jobs);
    let _ = write!(out, "{:<width$}  {swarm_title:<w$}", "", w = columns.len());
    if has_baseline {
        let _ = write!(out, " | cargo fix --broken-code");
    }
    let _ = writeln!(out);
    let _ = write!(out, "{:<width$}  {columns}", "fixture");
    if has_baseline {
        let _ = write!(out, " | {columns}");
    }
    let _ = writeln!(out);
    for fixture in &report.fixtures {
        let mark = if fixture.codes_as_expected { "" } else { " *" };
        let _ = write!(
            out,
            "{:<width$}  {}",
            format!("{}{mark}", fixture.fixture),
            cells(&fixture.swarm)
        );
        if let Some(baseline) = &fixture.baseline {
            let _ = write!(out, " | {}", cells(baseline));
        }
        let _ = writeln!(out);
    }
    let swarm: Vec<&EngineResult> = report.fixtures.iter().map(|f| &f.swarm).collect();
    let _ = write!(
        out,
        "{:<width$}  {}",
        format!("total ({})", swarm.len()),
        totals(&swarm)
    );
    if has_baseline {
        let baseline: Vec<&EngineResult> = report
            .fixtures
            .iter()
            .filter_map(|f| f.baseline.as_ref())
            .collect();
        let _ = write!(out, " | {}", totals(&baseline));
    }
    let _ = writeln!(out);
    if report.fixtures.iter().any(|f| !f.codes_as_expected) {
        let _ = writeln!(
            out,
            "* the first check found other error codes than fixture.toml states"
        );
    }
    out.push_str(&render_model_table(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(before: usize, after: usize, tests_pass: bool) -> EngineResult {
        EngineResult {
            errors_before: before,
            errors_after: after,
            green: after == 0,
            tests_pass,
            wall_ms: 1500,
            cargo_ms: 1200,
            rounds: 2,
            gate_runs: 7,
            failure: None,
            model: None,
        }
    }

    #[test]
    fn the_table_puts_engines_side_by_side_with_totals() {
        let report = BenchReport {
            jobs: 2,
            fixtures: vec![
                FixtureResult {
                    fixture: "typo-local-name".to_owned(),
                    expected_errors: 3,
                    codes: vec!["E0425".to_owned()],
                    codes_as_expected: true,
                    swarm: result(3, 0, true),
                    baseline: Some(result(3, 3, false)),
                },
                FixtureResult {
                    fixture: "missing-mut".to_owned(),
                    expected_errors: 2,
                    codes: vec!["E0596".to_owned()],
                    codes_as_expected: false,
                    swarm: result(2, 0, true),
                    baseline: Some(result(2, 0, true)),
                },
            ],
        };
        insta::assert_snapshot!(render_table(&report));
    }
}
