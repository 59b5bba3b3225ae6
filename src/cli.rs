//! The command line as the user typed it (clap), and its conversion into a validated `FixConfig`.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{
    CargoSelection, FixConfig, GateKind, MessageFormat, OutputConfig, ResumeRequest,
    TargetSelection, Verbosity,
};
use crate::run_id::RunId;

mod cargo_flags;
mod delivery;
mod llm;
mod matrix;

pub use cargo_flags::CargoFlagArgs;
use cargo_flags::parse_jobs;
pub use delivery::DeliveryArgs;
pub use llm::LlmArgs;
pub use matrix::{MergeArgs, PlanArgs, WorkArgs};

const EXIT_CODES: &str = "\
Exit codes:
  0    the build is green
  1    errors remain (fixes that passed the gate were still applied)
  2    usage or environment error (not a git repository, no Cargo.toml, cargo cannot run,
       uncommitted changes without --allow-dirty, ...); nothing was changed
  3    fixes passed the gate but were not written to your tree: the fix is written whole or
       not at all, and a file of it could not be (changed during the run, read-only, behind a
       symbolic link, a failed write); the summary says why and where the patch is; the tree is
       not green
  4    a delivery asked for (--patch-file, --summary-md, --commit) could not be made at the
       end; the summary says which and why
  5    `work` or `merge` refused a plan or result that does not belong here: made by another
       version, for other sources, a result of another plan, a scope in no result or in two;
       nothing was changed
  129  stopped by SIGHUP (the terminal closed)
  130  interrupted (Ctrl-C)
  143  stopped by SIGTERM (CI runners, `timeout`)
       after a signal, nothing was changed and no worktree or cargo process is left;
       what a run killed with SIGKILL left, the next run removes first

How it works: `cargo check` finds the errors; they are grouped by error code into scopes; each
scope goes to a worker that proposes fixes (rustc's own suggestions of every applicability,
alternatives side by side) in an isolated git worktree; every candidate must pass `cargo check`
(the gate) before it is merged; rounds repeat until the build is green or nothing more passes.
Your tree is written once, at the end, and the fix whole or not at all: a file you change
meanwhile, or a read-only one, is never overwritten, and then no other file is written either.";

/// cargo runs us as `cargo-fix-swarm fix-swarm ARGS`; this mirrors that shape.
#[derive(Debug, Parser)]
#[command(name = "cargo", bin_name = "cargo", styles = clap::builder::styling::Styles::styled())]
pub enum CargoCli {
    FixSwarm(FixSwarmCli),
}

/// Repair Rust compile errors: a swarm of specialists, each fix verified by the compiler.
#[derive(Debug, Args)]
#[command(
    version,
    args_conflicts_with_subcommands = true,
    after_help = EXIT_CODES,
    long_about = "Repair Rust compile errors: a swarm of specialists, each fix verified by the compiler.\n\n\
                  Runs `cargo check`, fixes what it can in isolated git worktrees, gates every fix with \
                  the compiler, and writes the result to your tree once at the end."
)]
pub struct FixSwarmCli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub fix: FixArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Benchmark the repair on fixture crates (and, with --baseline, `cargo fix --broken-code`)
    Bench(BenchArgs),
    /// Plan a CI matrix: check, plan the scopes, write the plan and a suggested matrix
    Plan(PlanArgs),
    /// Work some scopes of a plan, as one job of a CI matrix, and write their result
    Work(WorkArgs),
    /// Merge the work jobs' results, go on with local rounds, and deliver as a run does
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct FixArgs {
    /// Path to Cargo.toml
    #[arg(long, value_name = "PATH", help_heading = "Manifest Options")]
    pub manifest_path: Option<PathBuf>,

    /// Package(s) to fix
    #[arg(
        short,
        long = "package",
        value_name = "SPEC",
        help_heading = "Package Selection"
    )]
    pub packages: Vec<String>,
    /// Fix all packages in the workspace
    #[arg(long, help_heading = "Package Selection")]
    pub workspace: bool,

    /// Fix all targets (the default, as for `cargo fix`)
    #[arg(long, help_heading = "Target Selection")]
    pub all_targets: bool,
    /// Fix only this package's library
    #[arg(long, help_heading = "Target Selection")]
    pub lib: bool,
    /// Fix all binaries
    #[arg(long, help_heading = "Target Selection")]
    pub bins: bool,
    /// Fix all test targets
    #[arg(long, help_heading = "Target Selection")]
    pub tests: bool,

    /// Space or comma separated list of features to activate
    #[arg(
        short = 'F',
        long,
        value_name = "FEATURES",
        help_heading = "Feature Selection"
    )]
    pub features: Vec<String>,
    /// Activate all available features
    #[arg(long, help_heading = "Feature Selection")]
    pub all_features: bool,
    /// Do not activate the `default` feature
    #[arg(long, help_heading = "Feature Selection")]
    pub no_default_features: bool,

    /// Check for the target triple
    #[arg(long, value_name = "TRIPLE", help_heading = "Compilation Options")]
    pub target: Option<String>,
    /// Number of parallel workers (and worktrees) [default: available cores]
    #[arg(
        short,
        long,
        value_name = "N",
        value_parser = parse_jobs,
        help_heading = "Compilation Options"
    )]
    pub jobs: Option<NonZeroUsize>,

    /// What every fix must pass: `check` (cargo check), or `test` (also the crate's tests, as soon
    /// as the result compiles)
    #[arg(long, value_enum, value_name = "GATE", default_value = "check")]
    pub gate: GateArg,

    /// Fix even if the working directory has uncommitted changes (they are snapshotted first)
    #[arg(long)]
    pub allow_dirty: bool,
    /// Fix even if the package is in no git repository (a scratch repository is used)
    #[arg(long)]
    pub allow_no_vcs: bool,
    /// Print the unified diff of what would change, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Stop after this many rounds of check → fix → merge
    #[arg(long, value_name = "N", default_value = "8")]
    pub max_rounds: NonZeroUsize,
    /// Go on with a run stopped by a signal (the latest, or RUN) from its next round, on top of
    /// the fixes it saved; your sources must be as they were, or have its saved patch applied
    #[arg(long, value_name = "RUN", num_args = 0..=1)]
    pub resume: Option<Option<RunId>>,
    /// A worker's time, in seconds: when it runs out, what the worker had fixed (the built-in
    /// specialists' fixes, before a model's turn) is kept, and the errors left say out-of-time
    #[arg(long, value_name = "SECS", default_value = "600")]
    pub worker_timeout: u64,

    /// Output format: `human` progress and summary (`short` is taken as `human`), or `json` lines
    /// of events on stdout
    #[arg(
        long,
        value_enum,
        value_name = "FMT",
        default_value = "human",
        help_heading = "Display Options"
    )]
    pub message_format: MessageFormatArg,
    /// Use verbose output: every gate run
    #[arg(short, long, action = clap::ArgAction::Count, help_heading = "Display Options")]
    pub verbose: u8,
    /// Print no progress, only the summary
    #[arg(
        short,
        long,
        conflicts_with = "verbose",
        help_heading = "Display Options"
    )]
    pub quiet: bool,
    /// Coloring
    #[arg(
        long,
        value_enum,
        value_name = "WHEN",
        default_value = "auto",
        help_heading = "Display Options"
    )]
    pub color: ColorArg,

    #[command(flatten)]
    pub cargo: CargoFlagArgs,

    #[command(flatten)]
    pub delivery: DeliveryArgs,

    #[command(flatten)]
    pub llm: LlmArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum GateArg {
    Check,
    Test,
}

impl From<GateArg> for GateKind {
    fn from(gate: GateArg) -> GateKind {
        match gate {
            GateArg::Check => GateKind::Check,
            GateArg::Test => GateKind::Test,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MessageFormatArg {
    Human,
    Json,
    /// cargo's short diagnostics: fix-swarm prints no diagnostics of its own, so it is `human`.
    #[value(hide = true)]
    Short,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Directory holding one fixture crate per subdirectory, each with a fixture.toml
    #[arg(value_name = "DIR", default_value = "fixtures")]
    pub dir: PathBuf,
    /// Also run this baseline on the same fixtures in the same run
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub baseline: Option<Baseline>,
    /// Only fixtures whose name contains this text
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Workers per repair [default: available cores]
    #[arg(short, long, value_name = "N", value_parser = parse_jobs)]
    pub jobs: Option<NonZeroUsize>,
    /// Rounds per repair
    #[arg(long, value_name = "N", default_value = "8")]
    pub max_rounds: NonZeroUsize,
    /// What every fix must pass (`test` by default here: a fix counts only if the tests pass)
    #[arg(long, value_enum, value_name = "GATE", default_value = "test")]
    pub gate: GateArg,
    /// Print the results as JSON instead of a table
    #[arg(long)]
    pub json: bool,
    /// Also write the results as a self-contained HTML page (table and charts) to PATH
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// The model workers, as for a repair; `--llm-record DIR` and `--llm-replay DIR` keep each
    /// fixture's replies in `DIR/<fixture>`, and the budgets apply to each fixture apart
    #[command(flatten)]
    pub llm: LlmArgs,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Baseline {
    /// `cargo fix --broken-code --allow-dirty`, repeated to its fixed point
    CargoFix,
}

pub fn default_jobs() -> NonZeroUsize {
    std::thread::available_parallelism().unwrap_or(NonZeroUsize::MIN)
}

impl FixArgs {
    /// What the engine needs, and how the reporters show it.
    pub fn into_config(self, cwd: PathBuf) -> (FixConfig, OutputConfig) {
        let selects = self.lib || self.bins || self.tests || self.cargo.selects_targets();
        let targets = if self.all_targets || !selects {
            TargetSelection::All
        } else {
            TargetSelection::Some {
                lib: self.lib,
                bins: self.bins,
                tests: self.tests,
                examples: self.cargo.examples,
                benches: self.cargo.benches,
                named: self.cargo.named_targets(),
            }
        };
        let features = self
            .features
            .iter()
            .flat_map(|list| list.split([' ', ',']))
            .filter(|feature| !feature.is_empty())
            .map(str::to_owned)
            .collect();
        let color = match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => std::env::var_os("NO_COLOR").is_none(),
        };
        let output = OutputConfig {
            message_format: match self.message_format {
                MessageFormatArg::Human | MessageFormatArg::Short => MessageFormat::Human,
                MessageFormatArg::Json => MessageFormat::Json,
            },
            verbosity: match (self.quiet, self.verbose) {
                (true, _) => Verbosity::Quiet,
                (false, 0) => Verbosity::Normal,
                (false, _) => Verbosity::Verbose,
            },
            color,
        };
        let cargo = self.cargo.flags(&cwd);
        let config = FixConfig {
            cwd,
            manifest_path: self.manifest_path,
            selection: CargoSelection {
                packages: self.packages,
                workspace: self.workspace,
                exclude: self.cargo.exclude.clone(),
                targets,
                features,
                all_features: self.all_features,
                no_default_features: self.no_default_features,
                target: self.target,
            },
            cargo,
            jobs: self.jobs.unwrap_or_else(default_jobs),
            gate: self.gate.into(),
            allow_dirty: self.allow_dirty,
            allow_no_vcs: self.allow_no_vcs,
            dry_run: self.dry_run,
            max_rounds: self.max_rounds,
            resume: self
                .resume
                .map(|run| run.map_or(ResumeRequest::Latest, ResumeRequest::Run)),
            worker_timeout: Duration::from_secs(self.worker_timeout.max(1)),
            llm: self.llm.into_flags(),
        };
        (config, output)
    }
}

/// Parses arguments as cargo passes them, and also as typed to `cargo-fix-swarm` directly.
pub fn parse(mut args: Vec<std::ffi::OsString>) -> Result<FixSwarmCli, clap::Error> {
    if args.get(1).is_none_or(|first| first != "fix-swarm") {
        args.insert(1, "fix-swarm".into());
    }
    let CargoCli::FixSwarm(cli) = CargoCli::try_parse_from(args)?;
    Ok(cli)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(args: &[&str]) -> FixConfig {
        let mut all = vec!["cargo-fix-swarm"];
        all.extend(args);
        let cli = parse(all.into_iter().map(Into::into).collect()).unwrap();
        cli.fix.into_config(PathBuf::from("/work")).0
    }

    #[test]
    fn the_cli_is_consistent() {
        use clap::CommandFactory as _;
        CargoCli::command().debug_assert();
    }

    #[test]
    fn cargo_and_direct_invocations_parse_alike() {
        let direct = config(&["--dry-run", "-j", "3"]);
        let via_cargo = config(&["fix-swarm", "--dry-run", "-j", "3"]);
        assert!(direct.dry_run && via_cargo.dry_run);
        assert_eq!(direct.jobs.get(), 3);
        assert_eq!(via_cargo.jobs.get(), 3);
    }

    #[test]
    fn target_and_feature_flags_follow_cargo() {
        let config = config(&[
            "--lib",
            "--tests",
            "-F",
            "a b,c",
            "--features",
            "d",
            "-p",
            "x",
        ]);
        assert_eq!(
            config.selection.targets,
            TargetSelection::Some {
                lib: true,
                bins: false,
                tests: true,
                examples: false,
                benches: false,
                named: Vec::new(),
            }
        );
        assert_eq!(config.selection.features, ["a", "b", "c", "d"]);
        assert_eq!(config.selection.packages, ["x"]);
        assert_eq!(self::config(&[]).selection.targets, TargetSelection::All);
    }

    #[test]
    fn cargos_target_and_package_flags_reach_the_check() {
        let config = config(&[
            "--workspace",
            "--exclude",
            "big",
            "--bin",
            "tool",
            "--examples",
            "--test",
            "it",
        ]);
        let args = config.selection.check_args(None);
        let joined = args.join(" ");
        for expected in ["--exclude big", "--examples", "--bin tool", "--test it"] {
            assert!(joined.contains(expected), "{expected} missing: {joined}");
        }
        assert!(!joined.contains("--all-targets"), "{joined}");
        // A narrowed check names its packages: no `--exclude` without `--workspace`.
        let only = std::collections::BTreeSet::from(["core".to_owned()]);
        assert!(
            !config
                .selection
                .check_args(Some(&only))
                .join(" ")
                .contains("--exclude")
        );
    }

    #[test]
    fn implied_flags_are_accepted_with_a_note() {
        let cli = parse(
            [
                "cargo-fix-swarm",
                "--broken-code",
                "--keep-going",
                "--message-format",
                "short",
            ]
            .map(Into::into)
            .to_vec(),
        )
        .unwrap();
        assert_eq!(cli.fix.cargo.notes().len(), 1);
        let (_, output) = cli.fix.into_config(PathBuf::from("/work"));
        assert_eq!(output.message_format, MessageFormat::Human);
    }

    #[test]
    fn bench_is_a_subcommand() {
        let cli = parse(
            ["cargo-fix-swarm", "fix-swarm", "bench", "--json", "fx"]
                .map(Into::into)
                .to_vec(),
        )
        .unwrap();
        let Some(Command::Bench(bench)) = cli.command else {
            panic!("expected bench")
        };
        assert!(bench.json);
        assert_eq!(bench.dir, PathBuf::from("fx"));
    }
}
