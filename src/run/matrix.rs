//! The CI matrix's subcommands from parsed arguments to an exit code: the plan and result files
//! read and written here, the jobs run by the engine with the run's reporters.

use std::io::Write as _;
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use super::{fail, fix, reporters, stop_on_signals};
use crate::cargo::Cargo;
use crate::cli::{MergeArgs, PlanArgs, WorkArgs};
use crate::config::{CargoSelection, FixConfig, OutputConfig};
use crate::engine::{self, JobEnd, Planned, RunError};
use crate::event::{Event, WorkerReport};
use crate::event_sink::EventSink;
use crate::exit_code;
use crate::matrix::{self, MatrixError, PlanFile, WorkResult};
use crate::report::{self, Terminal};
use crate::stop::Stop;

/// A matrix's jobs start from the plan's sources, never from a stopped run's progress: round 1's
/// reports are the plan's round 1.
const NO_RESUME: &str = "--resume does not apply to plan, work and merge: run the pipeline again";

/// Which repair `fix` runs: the one-machine run's, or a CI matrix's merge of its work jobs'
/// reports (every later round, and the delivery, are the same).
pub(super) enum Repair {
    OneMachine,
    Merge {
        plan: Box<PlanFile>,
        reports: Vec<WorkerReport>,
    },
}

/// `cargo fix-swarm plan`.
pub(super) async fn plan(args: PlanArgs, cwd: PathBuf) -> i32 {
    let (mut config, output) = args.fix.into_config(cwd.clone());
    if config.resume.is_some() {
        return fail(NO_RESUME);
    }
    // The plan job only checks: one worktree is enough.
    config.jobs = NonZeroUsize::MIN;
    let (selection, gate) = (config.selection.clone(), config.gate);
    let cargo = Cargo::from_env().with_flags(config.cargo.clone());
    let job = async |events, stop| engine::plan_job(config, cargo, events, stop).await;
    let Planned {
        sources,
        scopes,
        file_sizes,
    } = match run_job(output, job).await {
        Ok(planned) => planned,
        Err(code) => return code,
    };
    let plan = PlanFile::new(
        sources,
        &selection,
        gate,
        scopes,
        &file_sizes,
        args.max_jobs,
    );
    let out = cwd.join(&args.out);
    if let Err(error) = std::fs::write(&out, plan.to_json()) {
        return fail(&format!("could not write {}: {error}", out.display()));
    }
    let _ = writeln!(
        std::io::stderr(),
        "planned {} scope(s) in {} job(s): {} (plan {})",
        plan.scopes.len(),
        plan.matrix.len(),
        out.display(),
        plan.plan_id
    );
    if args.matrix_json {
        let _ = writeln!(std::io::stdout(), "{}", plan.matrix_json());
    }
    exit_code::GREEN
}

/// `cargo fix-swarm work`.
pub(super) async fn work(args: WorkArgs, cwd: PathBuf) -> i32 {
    let plan = match read_plan(&cwd.join(&args.plan)) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let ids = match args.job {
        Some(job) => plan.scopes_of_job(job),
        None => plan.scopes_named(&args.scopes),
    };
    let ids = match ids {
        Ok(ids) => ids,
        Err(error) => return refuse(&error),
    };
    let (config, output) = match config_of(args.fix, cwd.clone(), &plan) {
        Ok(configured) => configured,
        Err(code) => return code,
    };
    let cargo = Cargo::from_env().with_flags(config.cargo.clone());
    let job = async |events, stop| engine::work_job(config, cargo, events, stop, &plan, &ids).await;
    let reports = match run_job(output, job).await {
        Ok(reports) => reports,
        Err(code) => return code,
    };
    let fixed: usize = reports.iter().map(|report| report.fixed.len()).sum();
    let result = WorkResult::new(&plan, ids, reports);
    let out = cwd.join(&args.out);
    if let Err(error) = std::fs::write(&out, result.to_json()) {
        return fail(&format!("could not write {}: {error}", out.display()));
    }
    let _ = writeln!(
        std::io::stderr(),
        "worked {} scope(s), {fixed} error(s) fixed: {}",
        result.reports.len(),
        out.display()
    );
    exit_code::GREEN
}

/// `cargo fix-swarm merge`.
pub(super) async fn merge(args: MergeArgs, cwd: PathBuf) -> i32 {
    let plan = match read_plan(&cwd.join(&args.plan)) {
        Ok(plan) => plan,
        Err(code) => return code,
    };
    let mut results = Vec::new();
    for path in &args.results {
        let path = cwd.join(path);
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) => return fail(&format!("could not read {}: {error}", path.display())),
        };
        match WorkResult::from_json(&text, &path) {
            Ok(result) => results.push((path, result)),
            Err(error) => return refuse(&error),
        }
    }
    let reports = match matrix::collect(&plan, results) {
        Ok(reports) => reports,
        Err(error) => return refuse(&error),
    };
    let deliveries = args.fix.delivery.clone().into_config(&cwd);
    let (config, output) = match config_of(args.fix, cwd, &plan) {
        Ok(configured) => configured,
        Err(code) => return code,
    };
    let repair = Repair::Merge {
        plan: Box::new(plan),
        reports,
    };
    fix(config, output, deliveries, repair).await
}

/// The configuration of a work or merge job: the user's flags, with the plan's selection and gate,
/// since a scope worked with another selection or gate would be fixed differently. Selection
/// flags that differ from the plan's are refused (code 2) rather than ignored.
fn config_of(
    args: crate::cli::FixArgs,
    cwd: PathBuf,
    plan: &PlanFile,
) -> Result<(FixConfig, OutputConfig), i32> {
    let (mut config, output) = args.into_config(cwd);
    if config.resume.is_some() {
        return Err(fail(NO_RESUME));
    }
    let planned = plan.cargo_selection();
    if config.selection != CargoSelection::default() && config.selection != planned {
        return Err(fail(
            "the selection flags (-p, --features, --target, ...) differ from the plan's: work and \
             merge use the plan's; leave them out",
        ));
    }
    config.selection = planned;
    config.gate = plan.gate_kind();
    Ok((config, output))
}

fn read_plan(path: &Path) -> Result<PlanFile, i32> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| fail(&format!("could not read {}: {error}", path.display())))?;
    PlanFile::from_json(&text, path).map_err(|error| refuse(&error))
}

/// Prints why a plan or result is refused; returns its exit code.
fn refuse(error: &MatrixError) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {error}");
    exit_code::PLAN_MISMATCH
}

/// Runs a plan or work job with the run's reporters and stop signals. A job that finished hands
/// back what it made; one that failed or was stopped ends its event stream as a run does, and
/// gives its exit code.
async fn run_job<T>(
    output: OutputConfig,
    job: impl AsyncFnOnce(EventSink, Stop) -> Result<JobEnd<T>, RunError>,
) -> Result<T, i32> {
    let stop = stop_on_signals();
    let (events, received) = EventSink::channel();
    let reporting = tokio::spawn(report::drain(
        received,
        reporters(output, Terminal::of_this_process()),
    ));
    let ended = job(events.clone(), stop).await;
    let result = match ended {
        Ok(JobEnd::Done(value)) => Ok(value),
        Ok(JobEnd::Stopped(summary)) => {
            let code = exit_code::for_summary(&summary);
            events.emit(Event::RunFinished { summary });
            Err(code)
        }
        Err(error) => {
            events.emit(Event::RunFailed {
                kind: error.kind(),
                message: error.to_string(),
            });
            let _ = writeln!(std::io::stderr(), "error: {error}");
            Err(exit_code::for_failure(error.kind()))
        }
    };
    drop(events);
    let _ = reporting.await;
    result
}
