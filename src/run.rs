//! From parsed arguments to an exit code: sets up tracing, the runtime, the stop signals,
//! reporters.

use std::ffi::OsString;
use std::io::Write as _;

use crate::cargo::Cargo;
use crate::cli::{self, Command};
use crate::config::{FixConfig, MessageFormat, OutputConfig};
use crate::delivery::{self, DeliveryConfig};
use crate::engine::{self, Repaired};
use crate::event::{Event, FailureKind};
use crate::event_sink::EventSink;
use crate::exit_code;
use crate::report::{
    self, GithubReporter, HumanReporter, JsonReporter, RecordWriter, Reporter, Terminal,
};
use crate::stop::{Stop, StopSignal};

mod matrix;

use self::matrix::Repair;

/// Runs the program with `args` (including the program name) and returns its exit code.
pub fn run(args: Vec<OsString>) -> i32 {
    let cli = match cli::parse(args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                exit_code::USAGE_OR_ENVIRONMENT
            } else {
                exit_code::GREEN
            };
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CARGO_FIX_SWARM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return fail(&format!("could not start the async runtime: {error}")),
    };
    let cwd = match std::env::current_dir() {
        Ok(cwd) => cwd,
        Err(error) => return fail(&format!("could not read the current directory: {error}")),
    };
    match cli.command {
        Some(Command::Bench(args)) => runtime.block_on(crate::bench::run_bench(args, cwd)),
        Some(Command::Plan(args)) => runtime.block_on(matrix::plan(args, cwd)),
        Some(Command::Work(args)) => runtime.block_on(matrix::work(args, cwd)),
        Some(Command::Merge(args)) => runtime.block_on(matrix::merge(args, cwd)),
        None => {
            for note in cli.fix.cargo.notes() {
                let _ = writeln!(std::io::stderr(), "note: {note}");
            }
            let deliveries = cli.fix.delivery.clone().into_config(&cwd);
            let (config, output) = cli.fix.into_config(cwd);
            runtime.block_on(fix(config, output, deliveries, Repair::OneMachine))
        }
    }
}

fn fail(message: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    exit_code::USAGE_OR_ENVIRONMENT
}

/// A stop requested by SIGINT (Ctrl-C), SIGTERM (CI runners, `timeout`) or SIGHUP (the terminal
/// closed), whichever comes first. The handlers are installed before this returns, so that no
/// signal arriving once work has started can kill the process the default way, which would skip
/// the clean-up and leave cargo running. Must be called inside the runtime.
pub fn stop_on_signals() -> Stop {
    let stop = Stop::new();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        for (kind, reason) in [
            (SignalKind::interrupt(), StopSignal::Interrupt),
            (SignalKind::terminate(), StopSignal::Terminate),
            (SignalKind::hangup(), StopSignal::Hangup),
        ] {
            match signal(kind) {
                Ok(mut received) => {
                    let stop = stop.clone();
                    tokio::spawn(async move {
                        if received.recv().await.is_some() {
                            stop.request(reason);
                            tracing::info!("stop requested ({reason:?})");
                        }
                    });
                }
                Err(error) => tracing::warn!("cannot listen for {reason:?}: {error}"),
            }
        }
    }
    #[cfg(not(unix))]
    {
        let stop = stop.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                stop.request(StopSignal::Interrupt);
                tracing::info!("stop requested ({:?})", StopSignal::Interrupt);
            }
        });
    }
    stop
}

/// The reporters of a run: its record, and what `output` and the terminal ask for.
fn reporters(output: OutputConfig, terminal: Terminal) -> Vec<Box<dyn Reporter>> {
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(RecordWriter::default())];
    // Before the human reporter, so that a round's group opens before its first line.
    if terminal.github_actions {
        reporters.push(Box::new(GithubReporter::default()));
    }
    reporters.push(match output.message_format {
        MessageFormat::Human => Box::new(HumanReporter::new(
            output.verbosity,
            output.color,
            terminal.live,
        )),
        MessageFormat::Json => Box::new(JsonReporter),
    });
    reporters
}

/// Why a run ended without a summary: the repair's error, or a delivery that cannot be made.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Run(#[from] engine::RunError),
    #[error(transparent)]
    Delivery(#[from] delivery::DeliveryError),
}

impl Failure {
    fn kind(&self) -> FailureKind {
        match self {
            Failure::Run(error) => error.kind(),
            Failure::Delivery(_) => FailureKind::Delivery,
        }
    }
}

async fn fix(
    config: FixConfig,
    output: OutputConfig,
    deliveries: DeliveryConfig,
    repair: Repair,
) -> i32 {
    let stop = stop_on_signals();
    let reporters = reporters(output, Terminal::of_this_process());
    let (events, received) = EventSink::channel();
    let reporting = tokio::spawn(report::drain(received, reporters));
    let summary_md = deliveries.summary_md.clone();
    let result = repair_and_deliver(config, deliveries, &events, stop, repair).await;
    if let (Err(error), Some(path)) = (&result, summary_md) {
        // A pipeline shows the markdown whatever happened: it says why there is nothing else.
        let markdown = delivery::render_failure_markdown(&error.to_string());
        if let Err(write) = std::fs::write(&path, markdown) {
            tracing::warn!("could not write {}: {write}", path.display());
        }
    }
    // Every run ends its stream with one final event, whether it finished or failed.
    events.emit(match &result {
        Ok(summary) => Event::RunFinished {
            summary: Box::new(summary.clone()),
        },
        Err(error) => Event::RunFailed {
            kind: error.kind(),
            message: error.to_string(),
        },
    });
    drop(events);
    let _ = reporting.await;
    match result {
        Ok(summary) => exit_code::for_summary(&summary),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            exit_code::for_failure(error.kind())
        }
    }
}

/// The repair, then the deliveries made from its fix; what can be checked of the deliveries
/// before the repair is checked first.
async fn repair_and_deliver(
    config: FixConfig,
    deliveries: DeliveryConfig,
    events: &EventSink,
    stop: Stop,
    repair: Repair,
) -> Result<crate::summary::RunSummary, Failure> {
    let start = match &config.manifest_path {
        Some(manifest) => config
            .cwd
            .join(manifest)
            .parent()
            .map_or_else(|| config.cwd.clone(), std::path::Path::to_owned),
        None => config.cwd.clone(),
    };
    delivery::preflight(&deliveries, &start)?;
    let cargo = Cargo::from_env().with_flags(config.cargo.clone());
    let Repaired { mut summary, fixed } = match repair {
        Repair::OneMachine => engine::repair(config, cargo, events.clone(), stop).await?,
        Repair::Merge { plan, reports } => {
            engine::merge_job(config, cargo, events.clone(), stop, &plan, reports).await?
        }
    };
    if deliveries.is_empty() {
        return Ok(summary);
    }
    let delivered = tokio::task::spawn_blocking(move || {
        delivery::deliver(&deliveries, &mut summary, fixed.as_ref());
        summary
    })
    .await
    .map_err(|error| engine::RunError::Task(error.to_string()))?;
    Ok(delivered)
}
