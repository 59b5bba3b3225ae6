//! cargo's own flags, typed out of habit or by a pipeline: those that mean something for a check
//! are passed to every cargo of the run; the rest are accepted and said to be implied.

use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};

use clap::Args;

use crate::cargo::{CargoFlags, Profile};
use crate::config::NamedTarget;

#[derive(Clone, Debug, Default, Args)]
pub struct CargoFlagArgs {
    /// Exclude packages from the check (with --workspace)
    #[arg(long, value_name = "SPEC", help_heading = "Package Selection")]
    pub exclude: Vec<String>,

    /// Fix only the named binary
    #[arg(long = "bin", value_name = "NAME", help_heading = "Target Selection")]
    pub bin: Vec<String>,
    /// Fix only the named example
    #[arg(
        long = "example",
        value_name = "NAME",
        help_heading = "Target Selection"
    )]
    pub example: Vec<String>,
    /// Fix all examples
    #[arg(long, help_heading = "Target Selection")]
    pub examples: bool,
    /// Fix only the named test target
    #[arg(long = "test", value_name = "NAME", help_heading = "Target Selection")]
    pub test: Vec<String>,
    /// Fix only the named bench target
    #[arg(long = "bench", value_name = "NAME", help_heading = "Target Selection")]
    pub bench: Vec<String>,
    /// Fix all bench targets
    #[arg(long, help_heading = "Target Selection")]
    pub benches: bool,

    /// Check (and with --gate test, test) with the release profile
    #[arg(
        short,
        long,
        conflicts_with = "profile",
        help_heading = "Compilation Options"
    )]
    pub release: bool,
    /// Check (and with --gate test, test) with the given profile
    #[arg(long, value_name = "NAME", help_heading = "Compilation Options")]
    pub profile: Option<String>,
    /// Your target directory: the run keeps its files there and seeds each worktree's own target
    /// directory from it (every gate builds in its own)
    #[arg(long, value_name = "DIR", help_heading = "Compilation Options")]
    pub target_dir: Option<PathBuf>,
    /// Ignore `rust-version` specification in packages
    #[arg(long, help_heading = "Compilation Options")]
    pub ignore_rust_version: bool,
    /// Accepted as cargo does; every check already keeps going after an error
    #[arg(long, help_heading = "Compilation Options")]
    pub keep_going: bool,
    /// Accepted for `cargo fix`'s habit; implied: fix-swarm always works on code that does not
    /// compile
    #[arg(long, help_heading = "Compilation Options")]
    pub broken_code: bool,

    /// Assert that `Cargo.lock` will remain unchanged
    #[arg(long, help_heading = "Manifest Options")]
    pub locked: bool,
    /// Run without accessing the network
    #[arg(long, help_heading = "Manifest Options")]
    pub offline: bool,
    /// Equivalent to specifying both --locked and --offline
    #[arg(long, help_heading = "Manifest Options")]
    pub frozen: bool,

    /// Override a configuration value (passed to every cargo of the run)
    #[arg(long, value_name = "KEY=VALUE|PATH")]
    pub config: Vec<String>,
    /// Unstable (nightly-only) flags to cargo (passed to every cargo of the run)
    #[arg(short = 'Z', value_name = "FLAG")]
    pub unstable: Vec<String>,
}

impl CargoFlagArgs {
    /// The flags for every cargo of the run; a relative `--target-dir` is taken from `cwd`, as
    /// cargo takes it.
    pub fn flags(&self, cwd: &Path) -> CargoFlags {
        let profile = match (&self.profile, self.release) {
            (Some(name), _) => Profile::Named(name.clone()),
            (None, true) => Profile::Release,
            (None, false) => Profile::Dev,
        };
        CargoFlags {
            locked: self.locked,
            offline: self.offline,
            frozen: self.frozen,
            config: self.config.clone(),
            unstable: self.unstable.clone(),
            profile,
            ignore_rust_version: self.ignore_rust_version,
            target_dir: self.target_dir.as_ref().map(|dir| cwd.join(dir)),
        }
    }

    /// The targets named one by one (`--bin NAME`, `--example NAME`, …), in cargo's flag order.
    pub fn named_targets(&self) -> Vec<NamedTarget> {
        let named = |names: &[String], kind: fn(String) -> NamedTarget| {
            names.iter().cloned().map(kind).collect::<Vec<_>>()
        };
        [
            named(&self.bin, NamedTarget::Bin),
            named(&self.example, NamedTarget::Example),
            named(&self.test, NamedTarget::Test),
            named(&self.bench, NamedTarget::Bench),
        ]
        .concat()
    }

    /// Whether any flag selects targets, so that the default, all targets, no longer applies.
    pub fn selects_targets(&self) -> bool {
        self.examples || self.benches || !self.named_targets().is_empty()
    }

    /// Notes for flags accepted but implied, to show once before the run.
    pub fn notes(&self) -> Vec<&'static str> {
        let mut notes = Vec::new();
        if self.broken_code {
            notes.push(
                "`--broken-code` is implied: fix-swarm always works on code that does not \
                 compile, and writes only fixes that pass the gate",
            );
        }
        notes
    }
}

/// `-j N` as cargo reads it, with a sentence for `-j 0` rather than clap's.
pub fn parse_jobs(value: &str) -> Result<NonZeroUsize, String> {
    match value.trim().parse::<usize>() {
        Ok(0) => Err(
            "`-j 0` would start no worker: give 1 or more (the default is one per \
                      available core)"
                .to_owned(),
        ),
        Ok(jobs) => NonZeroUsize::new(jobs).ok_or_else(|| "unreachable".to_owned()),
        Err(_) => Err(format!(
            "`{value}` is not a number of jobs: give 1 or more (the default is one per \
             available core)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_jobs_get_a_sentence() {
        assert_eq!(parse_jobs("3").unwrap().get(), 3);
        assert!(
            parse_jobs("0")
                .unwrap_err()
                .contains("would start no worker")
        );
        assert!(
            parse_jobs("x")
                .unwrap_err()
                .contains("not a number of jobs")
        );
    }

    #[test]
    fn release_and_profile_become_one_profile() {
        let cwd = Path::new("/work");
        let release = CargoFlagArgs {
            release: true,
            target_dir: Some(PathBuf::from("t")),
            ..CargoFlagArgs::default()
        };
        let flags = release.flags(cwd);
        assert_eq!(flags.profile, Profile::Release);
        assert_eq!(flags.target_dir, Some(PathBuf::from("/work/t")));
        let named = CargoFlagArgs {
            profile: Some("ci".to_owned()),
            ..CargoFlagArgs::default()
        };
        assert_eq!(named.flags(cwd).profile, Profile::Named("ci".to_owned()));
    }
}
