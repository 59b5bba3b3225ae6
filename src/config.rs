//! Validated configuration: only valid states, and no knowledge of clap.

use std::collections::BTreeSet;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use crate::cargo::CargoFlags;
use crate::llm::settings::LlmFlags;
use crate::run_id::RunId;

/// Which compilation targets cargo checks, as cargo's own flags select them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetSelection {
    /// `--all-targets`, the default, as for `cargo fix`.
    All,
    Some {
        lib: bool,
        bins: bool,
        tests: bool,
        examples: bool,
        benches: bool,
        /// `--bin NAME`, `--example NAME`, `--test NAME`, `--bench NAME`.
        named: Vec<NamedTarget>,
    },
}

/// A target selected by its name, as cargo's `--bin NAME`-like flags select it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", content = "name", rename_all = "kebab-case")]
pub enum NamedTarget {
    Bin(String),
    Example(String),
    Test(String),
    Bench(String),
}

impl NamedTarget {
    /// The flag and value that select it.
    fn args(&self) -> [String; 2] {
        let (flag, name) = match self {
            NamedTarget::Bin(name) => ("--bin", name),
            NamedTarget::Example(name) => ("--example", name),
            NamedTarget::Test(name) => ("--test", name),
            NamedTarget::Bench(name) => ("--bench", name),
        };
        [flag.to_owned(), name.clone()]
    }
}

/// What the user asked cargo to build: packages, targets, features and platform. A CI matrix's
/// plan carries it whole (`PlanFile::selection`), for its work and merge jobs to use.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CargoSelection {
    pub packages: Vec<String>,
    pub workspace: bool,
    /// `--exclude SPEC` (with `--workspace`).
    pub exclude: Vec<String>,
    pub targets: TargetSelection,
    pub features: Vec<String>,
    pub all_features: bool,
    pub no_default_features: bool,
    pub target: Option<String>,
}

impl Default for CargoSelection {
    fn default() -> Self {
        CargoSelection {
            packages: Vec::new(),
            workspace: false,
            exclude: Vec::new(),
            targets: TargetSelection::All,
            features: Vec::new(),
            all_features: false,
            no_default_features: false,
            target: None,
        }
    }
}

impl CargoSelection {
    /// Arguments for `cargo check` after `check`. `only` narrows the packages to those a patch
    /// touched; `None` checks the user's whole selection.
    pub fn check_args(&self, only: Option<&BTreeSet<String>>) -> Vec<String> {
        let mut args = vec![
            "--message-format=json".to_owned(),
            // Without it cargo starts no new target after the first failure, and the gate would
            // judge a candidate on part of the picture.
            "--keep-going".to_owned(),
        ];
        self.push_packages(&mut args, only);
        match self.targets {
            TargetSelection::All => args.push("--all-targets".to_owned()),
            TargetSelection::Some {
                lib,
                bins,
                tests,
                examples,
                benches,
                ref named,
            } => {
                for (wanted, flag) in [
                    (lib, "--lib"),
                    (bins, "--bins"),
                    (tests, "--tests"),
                    (examples, "--examples"),
                    (benches, "--benches"),
                ] {
                    if wanted {
                        args.push(flag.to_owned());
                    }
                }
                args.extend(named.iter().flat_map(NamedTarget::args));
            }
        }
        self.push_features_and_platform(&mut args);
        args
    }

    /// Arguments for `cargo test` after `test`: the same packages, features and platform, cargo's
    /// default test targets, and every failure reported.
    pub fn test_args(&self, only: Option<&BTreeSet<String>>) -> Vec<String> {
        let mut args = vec!["--no-fail-fast".to_owned()];
        self.push_packages(&mut args, only);
        self.push_features_and_platform(&mut args);
        args
    }

    fn push_packages(&self, args: &mut Vec<String>, only: Option<&BTreeSet<String>>) {
        match only {
            Some(packages) => {
                for package in packages {
                    args.extend(["-p".to_owned(), package.clone()]);
                }
            }
            None => {
                if self.workspace {
                    args.push("--workspace".to_owned());
                }
                for package in &self.packages {
                    args.extend(["-p".to_owned(), package.clone()]);
                }
                for package in &self.exclude {
                    args.extend(["--exclude".to_owned(), package.clone()]);
                }
            }
        }
    }

    fn push_features_and_platform(&self, args: &mut Vec<String>) {
        if !self.features.is_empty() {
            args.extend(["--features".to_owned(), self.features.join(",")]);
        }
        if self.all_features {
            args.push("--all-features".to_owned());
        }
        if self.no_default_features {
            args.push("--no-default-features".to_owned());
        }
        if let Some(target) = &self.target {
            args.extend(["--target".to_owned(), target.clone()]);
        }
    }
}

/// What a candidate must pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GateKind {
    /// `cargo check`.
    Check,
    /// `cargo check`, and `cargo test` whenever the result compiles without errors: of two
    /// compiling fixes, the one that keeps behaviour wins.
    Test,
}

impl GateKind {
    /// The flag value that selects it.
    pub fn as_flag(self) -> &'static str {
        match self {
            GateKind::Check => "--gate=check",
            GateKind::Test => "--gate=test",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verbosity {
    Quiet,
    Normal,
    Verbose,
}

/// Everything a repair run needs to know.
#[derive(Clone, Debug)]
pub struct FixConfig {
    /// Where the user ran us; cargo finds the manifest from here unless `manifest_path` is set.
    pub cwd: PathBuf,
    pub manifest_path: Option<PathBuf>,
    pub selection: CargoSelection,
    /// cargo's flags passed to every cargo of the run.
    pub cargo: CargoFlags,
    pub jobs: NonZeroUsize,
    pub gate: GateKind,
    pub allow_dirty: bool,
    pub allow_no_vcs: bool,
    pub dry_run: bool,
    pub max_rounds: NonZeroUsize,
    /// `--resume`: go on with a stopped run instead of starting from the first round.
    pub resume: Option<ResumeRequest>,
    pub worker_timeout: Duration,
    /// The model workers' settings as the flags gave them, merged with the manifests' metadata
    /// when the run starts.
    pub llm: LlmFlags,
}

/// How the run is shown: read by the reporters, never by the engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputConfig {
    pub message_format: MessageFormat,
    pub verbosity: Verbosity,
    pub color: bool,
}

/// Which stopped run `--resume` goes on with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResumeRequest {
    /// The run whose checkpoint was saved last.
    Latest,
    /// The run with this id (`<pid>-<seconds>`, as its record directory is named).
    Run(RunId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_selection_checks_all_targets_and_keeps_going() {
        assert_eq!(
            CargoSelection::default().check_args(None),
            ["--message-format=json", "--keep-going", "--all-targets"]
        );
    }

    #[test]
    fn a_narrowed_check_replaces_the_package_selection() {
        let selection = CargoSelection {
            workspace: true,
            targets: TargetSelection::Some {
                lib: true,
                bins: false,
                tests: true,
                examples: false,
                benches: false,
                named: vec![NamedTarget::Bin("tool".to_owned())],
            },
            features: vec!["a".to_owned(), "b".to_owned()],
            target: Some("x86_64-unknown-linux-gnu".to_owned()),
            ..CargoSelection::default()
        };
        let only = BTreeSet::from(["core-lib".to_owned()]);
        assert_eq!(
            selection.check_args(Some(&only)),
            [
                "--message-format=json",
                "--keep-going",
                "-p",
                "core-lib",
                "--lib",
                "--tests",
                "--bin",
                "tool",
                "--features",
                "a,b",
                "--target",
                "x86_64-unknown-linux-gnu"
            ]
        );
        assert!(
            selection
                .check_args(None)
                .contains(&"--workspace".to_owned())
        );
    }
}
