//! The bench's results as plain values, and their rendering as a table: a header, a row per
//! fixture as it finishes, the totals last.

use std::fmt::Write as _;

use serde::Serialize;

use super::model::{ModelUse, render_model_table};

use crate::reason::UnfixedReason;
use crate::summary::category;

/// Whether a fixture's own tests passed after the repair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tests {
    Pass,
    Fail,
    /// The build did not compile, so there were no tests to run.
    NotRun,
}

/// How one engine did on one fixture.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EngineResult {
    pub errors_before: usize,
    pub errors_after: usize,
    pub green: bool,
    pub tests: Tests,
    pub wall_ms: u64,
    /// Of `wall_ms`, the time cargo was running: the rest is the engine's own.
    pub cargo_ms: u64,
    pub rounds: usize,
    pub gate_runs: usize,
    /// The errors of the first check, then those left after each round (for the baseline: after
    /// its last invocation).
    pub errors_by_round: Vec<usize>,
    /// Set when the engine could not run at all.
    pub failure: Option<String>,
    /// Why each error left was left, as the engine's summary says (empty for the baseline,
    /// which does not say).
    pub left: Vec<UnfixedReason>,
    /// What the model workers fixed and spent, when the run had them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelUse>,
}

impl EngineResult {
    /// A fix counts only if the crate compiles and its own tests pass.
    pub fn repaired(&self) -> bool {
        self.green && self.tests == Tests::Pass
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FixtureResult {
    pub fixture: String,
    pub expected_errors: usize,
    /// Whether `fixture.toml` expects the repair to be green with its tests passing.
    pub expected_green: bool,
    /// The codes the first check found, against `fixture.toml`'s.
    pub codes: Vec<String>,
    pub codes_as_expected: bool,
    pub swarm: EngineResult,
    pub baseline: Option<EngineResult>,
}

impl FixtureResult {
    /// Expected to be repaired, and it was not: what makes the bench fail.
    pub fn below_expectation(&self) -> bool {
        self.expected_green && !self.swarm.repaired()
    }
}

/// Sums of one engine's results.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub fixtures: usize,
    pub errors_before: usize,
    pub errors_after: usize,
    pub green: usize,
    pub repaired: usize,
    pub wall_ms: u64,
    pub cargo_ms: u64,
    pub rounds: usize,
    pub gate_runs: usize,
}

impl Totals {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a EngineResult>) -> Totals {
        results
            .into_iter()
            .fold(Totals::default(), |totals, result| Totals {
                fixtures: totals.fixtures + 1,
                errors_before: totals.errors_before + result.errors_before,
                errors_after: totals.errors_after + result.errors_after,
                green: totals.green + usize::from(result.green),
                repaired: totals.repaired + usize::from(result.repaired()),
                wall_ms: totals.wall_ms + result.wall_ms,
                cargo_ms: totals.cargo_ms + result.cargo_ms,
                rounds: totals.rounds + result.rounds,
                gate_runs: totals.gate_runs + result.gate_runs,
            })
    }
}

/// The run's conditions, which a figure means nothing without.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchSetup {
    pub jobs: usize,
    /// `check` or `test`.
    pub gate: String,
    pub max_rounds: usize,
    /// `rustc -V`, or why it could not be read.
    pub toolchain: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BenchReport {
    #[serde(flatten)]
    pub setup: BenchSetup,
    pub fixtures: Vec<FixtureResult>,
    pub totals: Totals,
    pub baseline_totals: Option<Totals>,
    /// Fixtures expected green that were not repaired: the bench's exit code is 1 when any.
    pub below_expectation: Vec<String>,
}

impl BenchReport {
    pub fn new(setup: BenchSetup, fixtures: Vec<FixtureResult>) -> BenchReport {
        let totals = Totals::of(fixtures.iter().map(|f| &f.swarm));
        let baseline_totals = fixtures
            .iter()
            .any(|f| f.baseline.is_some())
            .then(|| Totals::of(fixtures.iter().filter_map(|f| f.baseline.as_ref())));
        let below_expectation = fixtures
            .iter()
            .filter(|f| f.below_expectation())
            .map(|f| f.fixture.clone())
            .collect();
        BenchReport {
            setup,
            fixtures,
            totals,
            baseline_totals,
            below_expectation,
        }
    }
}

const COLUMNS: &str = "errors    green tests        wall cargo rnd gates";

fn cells(result: &EngineResult) -> String {
    if let Some(failure) = &result.failure {
        let first_line = failure.lines().next().unwrap_or_default();
        return format!("{:<w$}", format!("failed: {first_line}"), w = COLUMNS.len());
    }
    format!(
        "{:>3} → {:<3} {:<5} {:<9} {:>6.1}s {:>5} {:>3} {:>5}",
        result.errors_before,
        result.errors_after,
        if result.green { "yes" } else { "no" },
        match result.tests {
            Tests::Pass => "pass",
            Tests::Fail => "FAIL",
            Tests::NotRun => "not run",
        },
        result.wall_ms as f64 / 1000.0,
        share(result.cargo_ms, result.wall_ms),
        result.rounds,
        result.gate_runs,
    )
}

fn total_cells(totals: &Totals) -> String {
    format!(
        "{:>3} → {:<3} {:<5} {:<9} {:>6.1}s {:>5} {:>3} {:>5}",
        totals.errors_before,
        totals.errors_after,
        format!("{}/{}", totals.green, totals.fixtures),
        format!("{}/{}", totals.repaired, totals.fixtures),
        totals.wall_ms as f64 / 1000.0,
        share(totals.cargo_ms, totals.wall_ms),
        totals.rounds,
        totals.gate_runs,
    )
}

/// Why the swarm did not repair a fixture, in a few words; empty when it did.
pub(super) fn why_not_repaired(result: &EngineResult) -> String {
    if result.failure.is_some() || result.repaired() {
        return String::new();
    }
    if result.green {
        return "tests fail".to_owned();
    }
    let mut kinds: Vec<&str> = result.left.iter().map(category).collect();
    kinds.sort_unstable();
    kinds.dedup();
    if kinds.is_empty() {
        format!("{} left", result.errors_after)
    } else {
        format!("{} left: {}", result.errors_after, kinds.join(", "))
    }
}

/// `part` as a whole percentage of `whole`.
fn share(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "-".to_owned();
    }
    format!("{}%", (part.min(whole) * 100 + whole / 2) / whole)
}

/// The shape of the table, known before any fixture runs, so that rows can stream.
#[derive(Clone, Copy, Debug)]
pub struct TableLayout {
    /// The width of the fixture column.
    pub width: usize,
    pub has_baseline: bool,
}

impl TableLayout {
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>, has_baseline: bool) -> TableLayout {
        let width = names
            .into_iter()
            .map(|name| name.len() + 2)
            .max()
            .unwrap_or(7)
            .max("total (00)".len());
        TableLayout {
            width,
            has_baseline,
        }
    }

    pub fn header(&self, jobs: usize) -> String {
        let width = self.width;
        let mut out = String::new();
        let swarm_title = format!("cargo fix-swarm (-j {jobs})");
        let _ = write!(out, "{:<width$}  {swarm_title:<w$}", "", w = COLUMNS.len());
        if self.has_baseline {
            let _ = write!(
                out,
                " | {:<w$}",
                "cargo fix --broken-code",
                w = COLUMNS.len()
            );
        }
        let _ = writeln!(out);
        let _ = write!(out, "{:<width$}  {COLUMNS}", "fixture");
        if self.has_baseline {
            let _ = write!(out, " | {COLUMNS}");
        }
        let _ = writeln!(out, " | why not repaired");
        out
    }

    pub fn row(&self, fixture: &FixtureResult) -> String {
        let width = self.width;
        let mark = match (fixture.codes_as_expected, fixture.expected_green) {
            (true, true) => "",
            (false, true) => " *",
            (true, false) => " †",
            (false, false) => " *†",
        };
        let mut out = format!(
            "{:<width$}  {}",
            format!("{}{mark}", fixture.fixture),
            cells(&fixture.swarm)
        );
        if let Some(baseline) = &fixture.baseline {
            let _ = write!(out, " | {}", cells(baseline));
        }
        let why = why_not_repaired(&fixture.swarm);
        let _ = writeln!(out, " | {why}");
        out
    }

    pub fn footer(&self, report: &BenchReport) -> String {
        let width = self.width;
        let mut out = format!(
            "{:<width$}  {}",
            format!("total ({})", report.totals.fixtures),
            total_cells(&report.totals)
        );
        if let Some(baseline) = &report.baseline_totals {
            let _ = write!(out, " | {}", total_cells(baseline));
        }
        let _ = writeln!(out, " |");
        if report.fixtures.iter().any(|f| !f.codes_as_expected) {
            let _ = writeln!(
                out,
                "* the first check found other error codes than fixture.toml states"
            );
        }
        if report.fixtures.iter().any(|f| !f.expected_green) {
            let _ = writeln!(
                out,
                "† not expected green (fixture.toml: expect_green = false)"
            );
        }
        if !report.below_expectation.is_empty() {
            let _ = writeln!(
                out,
                "expected green but not repaired: {}",
                report.below_expectation.join(", ")
            );
        }
        let _ = writeln!(
            out,
            "{}, gate {}, max rounds {}",
            report.setup.toolchain, report.setup.gate, report.setup.max_rounds
        );
        out
    }
}

/// The table people read: one row per fixture, totals last; with a baseline, side by side.
pub fn render_table(report: &BenchReport) -> String {
    let layout = TableLayout::new(
        report.fixtures.iter().map(|f| f.fixture.as_str()),
        report.baseline_totals.is_some(),
    );
    let mut out = layout.header(report.setup.jobs);
    for fixture in &report.fixtures {
        out.push_str(&layout.row(fixture));
    }
    out.push_str(&layout.footer(report));
    out.push_str(&render_model_table(report));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reason::StopReason;

    fn result(before: usize, after: usize, tests: Tests) -> EngineResult {
        EngineResult {
            errors_before: before,
            errors_after: after,
            green: after == 0,
            tests,
            wall_ms: 1500,
            cargo_ms: 1200,
            rounds: 2,
            gate_runs: 7,
            errors_by_round: vec![before, (before + after) / 2, after],
            failure: None,
            model: None,
            left: Vec::new(),
        }
    }

    fn fixture(name: &str, swarm: EngineResult, baseline: EngineResult) -> FixtureResult {
        FixtureResult {
            fixture: name.to_owned(),
            expected_errors: swarm.errors_before,
            expected_green: true,
            codes: vec!["E0425".to_owned()],
            codes_as_expected: true,
            swarm,
            baseline: Some(baseline),
        }
    }

    fn setup() -> BenchSetup {
        BenchSetup {
            jobs: 2,
            gate: "test".to_owned(),
            max_rounds: 8,
            toolchain: "rustc 1.91.0 (f8297e351 2025-10-28)".to_owned(),
        }
    }

    #[test]
    fn the_table_puts_engines_side_by_side_with_totals_and_reasons() {
        let mut left = result(4, 2, Tests::NotRun);
        left.left = vec![
            UnfixedReason::NoProposal,
            UnfixedReason::NotReached {
                stop: StopReason::MaxRounds,
            },
        ];
        let mut by_design = fixture("hole-made-up-value-refused", left.clone(), left);
        by_design.expected_green = false;
        let mut missing_mut = fixture(
            "missing-mut",
            result(2, 0, Tests::Pass),
            result(2, 0, Tests::Pass),
        );
        missing_mut.codes_as_expected = false;
        let report = BenchReport::new(
            setup(),
            vec![
                fixture(
                    "typo-local-name",
                    result(3, 0, Tests::Pass),
                    result(3, 3, Tests::NotRun),
                ),
                missing_mut,
                fixture(
                    "derive-ord-sort",
                    result(1, 0, Tests::Fail),
                    result(1, 1, Tests::NotRun),
                ),
                by_design,
            ],
        );
        assert_eq!(report.below_expectation, ["derive-ord-sort"]);
        assert_eq!(report.totals.repaired, 2);
        insta::assert_snapshot!(render_table(&report));
    }
}
