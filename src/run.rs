//! From parsed arguments to an exit code: sets up tracing, the runtime, Ctrl-C, reporters.

use std::ffi::OsString;
use std::io::Write as _;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::cargo::Cargo;
use crate::cli::{self, Command};
use crate::config::{FixConfig, MessageFormat};
use crate::engine;
use crate::event::Event;
use crate::exit_code;
use crate::report::{self, HumanReporter, JsonReporter, RecordWriter, Reporter};

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
        None => runtime.block_on(fix(cli.fix.into_config(cwd))),
    }
}

fn fail(message: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    exit_code::USAGE_OR_ENVIRONMENT
}

/// A token cancelled by Ctrl-C (SIGINT). The handler is installed before this returns, so that
/// no signal arriving once work has started can kill the process the default way, which would
/// skip the clean-up. Must be called inside the runtime.
pub fn cancel_on_interrupt() -> CancellationToken {
    let cancel = CancellationToken::new();
    let on_interrupt = cancel.clone();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::interrupt()) {
            Ok(mut interrupts) => {
                tokio::spawn(async move {
                    if interrupts.recv().await.is_some() {
                        on_interrupt.cancel();
                    }
                });
            }
            Err(error) => tracing::warn!("cannot listen for Ctrl-C: {error}"),
        }
    }
    #[cfg(not(unix))]
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            on_interrupt.cancel();
        }
    });
    cancel
}

async fn fix(config: FixConfig) -> i32 {
    let cancel = cancel_on_interrupt();
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(RecordWriter::default())];
    match config.message_format {
        MessageFormat::Human => {
            reporters.push(Box::new(HumanReporter::new(config.verbosity, config.color)))
        }
        MessageFormat::Json => reporters.push(Box::new(JsonReporter)),
    }
    let (events, received) = mpsc::unbounded_channel();
    let reporting = tokio::spawn(report::drain(received, reporters));
    let result = engine::repair(config, Cargo::from_env(), events.clone(), cancel).await;
    if let Ok(summary) = &result {
        let _ = events.send(Event::RunFinished {
            summary: summary.clone(),
        });
    }
    drop(events);
    let _ = reporting.await;
    match result {
        Ok(summary) => exit_code::for_outcome(summary.outcome),
        Err(error) => fail(&error.to_string()),
    }
}
