//! From parsed arguments to an exit code: sets up tracing, the runtime, the stop signals,
//! reporters.

use std::ffi::OsString;
use std::io::Write as _;

use crate::cargo::Cargo;
use crate::cli::{self, Command};
use crate::config::{FixConfig, MessageFormat, OutputConfig};
use crate::engine;
use crate::event::Event;
use crate::event_sink::EventSink;
use crate::exit_code;
use crate::report::{self, HumanReporter, JsonReporter, RecordWriter, Reporter};
use crate::stop::{Stop, StopSignal};

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
        None => {
            let (config, output) = cli.fix.into_config(cwd);
            runtime.block_on(fix(config, output))
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

async fn fix(config: FixConfig, output: OutputConfig) -> i32 {
    let stop = stop_on_signals();
    let mut reporters: Vec<Box<dyn Reporter>> = vec![Box::new(RecordWriter::default())];
    match output.message_format {
        MessageFormat::Human => {
            reporters.push(Box::new(HumanReporter::new(output.verbosity, output.color)))
        }
        MessageFormat::Json => reporters.push(Box::new(JsonReporter)),
    }
    let (events, received) = EventSink::channel();
    let reporting = tokio::spawn(report::drain(received, reporters));
    let result = engine::repair(config, Cargo::from_env(), events.clone(), stop).await;
    // Every run ends its stream with one final event, whether it finished or failed.
    events.emit(match &result {
        Ok(summary) => Event::RunFinished {
            summary: summary.clone(),
        },
        Err(error) => Event::RunFailed {
            kind: error.kind(),
            message: error.to_string(),
        },
    });
    drop(events);
    let _ = reporting.await;
    match result {
        Ok(summary) => exit_code::for_outcome(summary.outcome),
        Err(error) => {
            let _ = writeln!(std::io::stderr(), "error: {error}");
            exit_code::for_failure(error.kind())
        }
    }
}
