//! Runs the bench: each fixture copied into a fresh git repository, repaired, and judged.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use super::display::BenchDisplay;
use super::fixture::{self, Fixture};
use super::html::render_html;
use super::model;
use super::progress::BenchProgress;
use super::table::{BenchReport, BenchSetup, EngineResult, FixtureResult, TableLayout, Tests};
use crate::cargo::Cargo;
use crate::cli::{BenchArgs, default_jobs};
use crate::config::{CargoSelection, FixConfig, GateKind};
use crate::diagnostic::code_label;
use crate::event::Event;
use crate::event_sink::EventSink;
use crate::llm::settings::LlmFlags;
use crate::parse::{self, SourceRoot};
use crate::report::Terminal;
use crate::stop::Stop;
use crate::{engine, exit_code, git};

/// The bench's entry point; returns the exit code.
pub async fn run_bench(args: BenchArgs, cwd: PathBuf) -> i32 {
    let dir = cwd.join(&args.dir);
    let fixtures = match fixture::discover(&dir, args.filter.as_deref()) {
        Ok(fixtures) => fixtures,
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            return exit_code::USAGE_OR_ENVIRONMENT;
        }
    };
    let jobs = args.jobs.unwrap_or_else(default_jobs);
    let cargo = Cargo::from_env();
    let llm = args.llm.into_flags();
    let stop = crate::run::stop_on_signals();
    let setup = BenchSetup {
        jobs: jobs.get(),
        gate: match GateKind::from(args.gate) {
            GateKind::Check => "check",
            GateKind::Test => "test",
        }
        .to_owned(),
        max_rounds: args.max_rounds.get(),
        toolchain: toolchain(&cargo, &dir, &stop.token()).await,
    };
    let layout = TableLayout::new(
        fixtures.iter().map(|f| f.name.as_str()),
        args.baseline.is_some(),
    );
    // The table streams: its header now, a row as each fixture finishes, the totals last.
    if !args.json {
        print_now(&layout.header(setup.jobs));
    }
    let mut progress = BenchProgress::new(fixtures.len());
    let display = BenchDisplay::new(Terminal::of_this_process().live, fixtures.len());
    let mut results = Vec::new();
    for fixture in &fixtures {
        if let Some(signal) = stop.requested() {
            display.finish();
            return exit_code::for_signal(signal);
        }
        display.starting(&fixture.name, &progress);
        let started = Instant::now();
        let options = RepairOptions {
            jobs,
            max_rounds: args.max_rounds,
            gate: args.gate.into(),
            llm: model::fixture_flags(&llm, &cwd, &fixture.name),
        };
        match bench_fixture(fixture, &cargo, options, args.baseline.is_some(), &stop).await {
            Ok(result) => {
                progress.finished(started.elapsed());
                if !args.json {
                    display.print(&layout.row(&result));
                }
                results.push(result);
            }
            Err(error) => {
                display.finish();
                if let Some(signal) = stop.requested() {
                    return exit_code::for_signal(signal);
                }
                let _ = writeln!(std::io::stderr(), "error: {}: {error}", fixture.name);
                return exit_code::USAGE_OR_ENVIRONMENT;
            }
        }
    }
    display.finish();
    let report = BenchReport::new(setup, results);
    if args.json {
        print_now(&format!(
            "{}\n",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        ));
    } else {
        print_now(&layout.footer(&report));
        print_now(&model::render_model_table(&report));
    }
    if let Some(path) = &args.report {
        let path = cwd.join(path);
        if let Err(error) = std::fs::write(&path, render_html(&report)) {
            let _ = writeln!(
                std::io::stderr(),
                "error: writing the report {}: {error}",
                path.display()
            );
            return exit_code::USAGE_OR_ENVIRONMENT;
        }
    }
    if report.below_expectation.is_empty() {
        exit_code::GREEN
    } else {
        exit_code::BENCH_BELOW_EXPECTATION
    }
}

fn print_now(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = write!(stdout, "{text}");
    let _ = stdout.flush();
}

/// The toolchain the bench ran with, as `cargo --version` names it (cargo and rustc come as one
/// toolchain), or why it could not be read.
async fn toolchain(cargo: &Cargo, dir: &Path, cancel: &CancellationToken) -> String {
    match cargo
        .run(dir, None, &["--version".to_owned()], cancel)
        .await
    {
        Ok(run) if run.success => run.stdout.trim().to_owned(),
        Ok(run) => format!("cargo --version failed: {}", run.stderr.trim()),
        Err(error) => format!("cargo --version failed: {error}"),
    }
}

/// A fresh copy of a fixture, checked once (which writes its Cargo.lock and warms its target
/// directory, as a developer's checkout would have them) and committed to a new git repository.
async fn fresh_copy(
    fixture: &Fixture,
    cargo: &Cargo,
    cancel: &CancellationToken,
) -> std::io::Result<(tempfile::TempDir, Judgement)> {
    let dir = tempfile::Builder::new()
        .prefix(&format!("fix-swarm-bench-{}-", fixture.name))
        .tempdir()?;
    copy_tree(&fixture.dir, dir.path())?;
    std::fs::write(dir.path().join(".gitignore"), "target/\n")?;
    let before = fixture.dir.join(BEFORE);
    if before.is_dir() {
        // The history of a dependency bump: first the state before it, whose dependencies are
        // fetched as the developer's earlier builds would have left them on the machine; then
        // the bump itself, committed on top.
        copy_tree(&before, dir.path())?;
        let fetch = ["fetch".to_owned()];
        let fetched = cargo
            .run(dir.path(), None, &fetch, cancel)
            .await
            .map_err(std::io::Error::other)?;
        if !fetched.success {
            return Err(std::io::Error::other(format!(
                "fetching the dependencies before the bump: {}",
                fetched.stderr.trim_end()
            )));
        }
        git::commit_all(dir.path(), "before the bump").map_err(std::io::Error::other)?;
        copy_tree(&fixture.dir, dir.path())?;
    }
    let first = judge(cargo, dir.path(), false, cancel).await?;
    git::commit_all(dir.path(), "fixture").map_err(std::io::Error::other)?;
    Ok((dir, first))
}

/// A fixture's directory of the files that differ before a dependency bump (`Cargo.toml`,
/// `Cargo.lock`): the bench commits them first, then the fixture as it is.
const BEFORE: &str = "before";

/// Copies a source tree, leaving out build output.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        // `before/` is history, at a fixture's root only.
        if name == "target" || (name == BEFORE && from.join("fixture.toml").is_file()) {
            continue;
        }
        let destination = to.join(&name);
        if entry.file_type()?.is_dir() {
            copy_tree(&entry.path(), &destination)?;
        } else {
            std::fs::copy(entry.path(), destination)?;
        }
    }
    Ok(())
}

/// The errors and codes of `cargo check` in `dir`, whether it passes, and whether the tests do.
struct Judgement {
    errors: usize,
    codes: Vec<String>,
    green: bool,
    tests: Tests,
}

async fn judge(
    cargo: &Cargo,
    dir: &Path,
    run_tests: bool,
    cancel: &CancellationToken,
) -> std::io::Result<Judgement> {
    let args: Vec<String> = [
        "check",
        "--workspace",
        "--all-targets",
        "--message-format=json",
        "--keep-going",
    ]
    .map(str::to_owned)
    .to_vec();
    let check = cargo
        .run(dir, None, &args, cancel)
        .await
        .map_err(std::io::Error::other)?;
    let root = SourceRoot {
        checkout: std::fs::canonicalize(dir)?,
        workspace: PathBuf::new(),
        layout: None,
    };
    let parsed = parse::parse_stream(&check.stdout, &root);
    let mut codes: Vec<String> = parsed
        .errors()
        .map(|d| code_label(d.code.as_ref()).to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    let green = check.success && parsed.error_count() == 0;
    let tests = if green && run_tests {
        let args = ["test", "--workspace"].map(str::to_owned).to_vec();
        let passed = cargo
            .run(dir, None, &args, cancel)
            .await
            .map_err(std::io::Error::other)?
            .success;
        if passed { Tests::Pass } else { Tests::Fail }
    } else {
        Tests::NotRun
    };
    Ok(Judgement {
        errors: parsed.error_count(),
        codes,
        green,
        tests,
    })
}

/// How the bench runs each repair.
#[derive(Clone, Debug)]
struct RepairOptions {
    jobs: NonZeroUsize,
    max_rounds: NonZeroUsize,
    gate: GateKind,
    /// The model workers' flags, with this fixture's record and replay directories.
    llm: LlmFlags,
}

async fn bench_fixture(
    fixture: &Fixture,
    cargo: &Cargo,
    options: RepairOptions,
    with_baseline: bool,
    stop: &Stop,
) -> std::io::Result<FixtureResult> {
    let cancel = &stop.token();
    let (copy, first) = fresh_copy(fixture, cargo, cancel).await?;
    let swarm = run_swarm(cargo, copy.path(), options, first.errors, stop).await?;
    let baseline = if with_baseline {
        let (copy, first) = fresh_copy(fixture, cargo, cancel).await?;
        Some(run_cargo_fix(cargo, copy.path(), first.errors, cancel).await?)
    } else {
        None
    };
    Ok(FixtureResult {
        fixture: fixture.name.clone(),
        expected_errors: fixture.expected_errors,
        expected_green: fixture.expect_green,
        codes_as_expected: first.codes == fixture.expected_codes
            && first.errors == fixture.expected_errors,
        codes: first.codes,
        swarm,
        baseline,
    })
}

async fn run_swarm(
    cargo: &Cargo,
    dir: &Path,
    options: RepairOptions,
    errors_before: usize,
    stop: &Stop,
) -> std::io::Result<EngineResult> {
    let config = FixConfig {
        cwd: dir.to_owned(),
        manifest_path: None,
        selection: CargoSelection {
            workspace: true,
            ..CargoSelection::default()
        },
        cargo: crate::cargo::CargoFlags::default(),
        jobs: options.jobs,
        gate: options.gate,
        allow_dirty: false,
        allow_no_vcs: false,
        dry_run: false,
        max_rounds: options.max_rounds,
        resume: None,
        worker_timeout: Duration::from_secs(600),
        llm: options.llm,
    };
    let (events, mut received) = EventSink::channel();
    // Of the events, the bench keeps only the errors left after each round, for the report.
    let rounds = tokio::spawn(async move {
        let mut after = Vec::new();
        while let Some(stamped) = received.recv().await {
            if let Event::RoundFinished { errors_after, .. } = stamped.event {
                after.push(errors_after);
            }
        }
        after
    });
    let started = Instant::now();
    let outcome = engine::repair(config, cargo.clone(), events, stop.clone())
        .await
        .map(|repaired| repaired.summary);
    let wall_ms = started.elapsed().as_millis() as u64;
    let errors_by_round: Vec<usize> = std::iter::once(errors_before)
        .chain(rounds.await.unwrap_or_default())
        .collect();
    let judged = judge(cargo, dir, true, &stop.token()).await?;
    Ok(match outcome {
        Ok(summary) => EngineResult {
            errors_before,
            errors_after: judged.errors,
            green: judged.green,
            tests: judged.tests,
            wall_ms,
            cargo_ms: summary.cargo.busy_ms,
            rounds: summary.rounds,
            gate_runs: summary.gate_runs,
            errors_by_round,
            failure: None,
            model: model::model_use(&summary),
            left: summary.unfixed.into_iter().map(|u| u.reason).collect(),
        },
        Err(error) => EngineResult {
            errors_before,
            errors_after: judged.errors,
            green: judged.green,
            tests: judged.tests,
            wall_ms,
            cargo_ms: 0,
            rounds: 0,
            gate_runs: 0,
            errors_by_round,
            failure: Some(error.to_string()),
            model: None,
            left: Vec::new(),
        },
    })
}

/// The contents of every file under `dir` but build output, to see when `cargo fix` stops changing
/// anything.
fn tree_contents(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        if name == "target" || name == ".git" {
            continue;
        }
        if entry.file_type()?.is_dir() {
            tree_contents(&entry.path(), out)?;
        } else {
            out.insert(entry.path(), std::fs::read(entry.path())?);
        }
    }
    Ok(())
}

/// `cargo fix --broken-code`, repeated until it changes nothing (at most ten times). Its "rounds"
/// are the invocations that changed something, its "gate runs" all invocations.
async fn run_cargo_fix(
    cargo: &Cargo,
    dir: &Path,
    errors_before: usize,
    cancel: &CancellationToken,
) -> std::io::Result<EngineResult> {
    let args: Vec<String> = [
        "fix",
        "--broken-code",
        "--allow-dirty",
        "--workspace",
        "--all-targets",
    ]
    .map(str::to_owned)
    .to_vec();
    let cargo = &cargo.with_new_clock();
    let started = Instant::now();
    let mut rounds = 0;
    let mut invocations = 0;
    for _ in 0..10 {
        let mut before = BTreeMap::new();
        tree_contents(dir, &mut before)?;
        cargo
            .run(dir, None, &args, cancel)
            .await
            .map_err(std::io::Error::other)?;
        invocations += 1;
        let mut after = BTreeMap::new();
        tree_contents(dir, &mut after)?;
        if after == before {
            break;
        }
        rounds += 1;
    }
    let wall_ms = started.elapsed().as_millis() as u64;
    let cargo_ms = cargo.time().busy_ms;
    let judged = judge(cargo, dir, true, cancel).await?;
    Ok(EngineResult {
        errors_before,
        errors_after: judged.errors,
        green: judged.green,
        tests: judged.tests,
        wall_ms,
        cargo_ms,
        rounds,
        gate_runs: invocations,
        errors_by_round: vec![errors_before, judged.errors],
        failure: None,
        model: None,
        left: Vec::new(),
    })
}
