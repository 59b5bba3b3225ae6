//! `CargoFlags`: the cargo flags the user gave that every cargo process of a run must see (the
//! first check, every gate's check and test, `cargo metadata`), as plain data and the arguments
//! they become.

use std::path::PathBuf;

/// Which build profile cargo checks with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// cargo's default for a check, `dev`, built under `debug/`.
    #[default]
    Dev,
    /// `-r/--release`.
    Release,
    /// `--profile NAME`.
    Named(String),
}

/// Flags passed through to cargo unchanged. Target and package selection lives in
/// `CargoSelection`, since the gate narrows it; these never change within a run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CargoFlags {
    pub locked: bool,
    pub offline: bool,
    pub frozen: bool,
    /// `--config KEY=VALUE|PATH`, in the order given.
    pub config: Vec<String>,
    /// `-Z FLAG`, in the order given.
    pub unstable: Vec<String>,
    pub profile: Profile,
    pub ignore_rust_version: bool,
    /// `--target-dir`, absolute. Not passed on as it is: it is where the user's build lives,
    /// which `cargo metadata` reports and the worktrees' own target directories are seeded from;
    /// every gate builds in a target directory of its own, given as `--target-dir` in its place.
    pub target_dir: Option<PathBuf>,
}

impl CargoFlags {
    /// Flags every cargo subcommand takes, `cargo metadata` included; cargo accepts them after
    /// the subcommand's name as well as before it.
    pub fn global_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for (given, flag) in [
            (self.locked, "--locked"),
            (self.offline, "--offline"),
            (self.frozen, "--frozen"),
        ] {
            if given {
                args.push(flag.to_owned());
            }
        }
        for value in &self.config {
            args.extend(["--config".to_owned(), value.clone()]);
        }
        for flag in &self.unstable {
            args.extend(["-Z".to_owned(), flag.clone()]);
        }
        args
    }

    /// Flags of the commands that build (`check`, `test`, `fix`), after the global ones.
    pub fn build_args(&self) -> Vec<String> {
        let mut args = self.global_args();
        args.extend(self.profile_args());
        if self.ignore_rust_version {
            args.push("--ignore-rust-version".to_owned());
        }
        args
    }

    /// The flags that select the profile: they change what a check sees (`cfg(debug_assertions)`,
    /// overflow checks), so a resumed run must use the same.
    pub fn profile_args(&self) -> Vec<String> {
        match &self.profile {
            Profile::Dev => Vec::new(),
            Profile::Release => vec!["--release".to_owned()],
            Profile::Named(name) => vec!["--profile".to_owned(), name.clone()],
        }
    }

    /// The directory below the target directory (or below its triple) that the profile builds
    /// into: what a worktree's target directory is seeded from.
    pub fn profile_dir(&self) -> &str {
        match &self.profile {
            Profile::Dev => "debug",
            Profile::Release => "release",
            // cargo's built-in `test` and `bench` profiles inherit from `dev` and `release`, and
            // build into their directories.
            Profile::Named(name) if name == "dev" || name == "test" => "debug",
            Profile::Named(name) if name == "bench" => "release",
            Profile::Named(name) => name,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_flags_add_nothing() {
        let flags = CargoFlags::default();
        assert!(flags.global_args().is_empty());
        assert!(flags.build_args().is_empty());
        assert_eq!(flags.profile_dir(), "debug");
    }

    #[test]
    fn global_flags_come_first_and_build_flags_only_for_builds() {
        let flags = CargoFlags {
            locked: true,
            offline: true,
            frozen: true,
            config: vec!["net.retry=1".to_owned()],
            unstable: vec!["unstable-options".to_owned()],
            profile: Profile::Named("ci".to_owned()),
            ignore_rust_version: true,
            target_dir: Some(PathBuf::from("/t")),
        };
        let global = [
            "--locked",
            "--offline",
            "--frozen",
            "--config",
            "net.retry=1",
            "-Z",
            "unstable-options",
        ];
        assert_eq!(flags.global_args(), global);
        let mut build = global.to_vec();
        build.extend(["--profile", "ci", "--ignore-rust-version"]);
        assert_eq!(flags.build_args(), build);
        assert_eq!(flags.profile_dir(), "ci");
    }

    #[test]
    fn profiles_build_where_cargo_puts_them() {
        let dir = |profile| {
            CargoFlags {
                profile,
                ..CargoFlags::default()
            }
            .profile_dir()
            .to_owned()
        };
        assert_eq!(dir(Profile::Release), "release");
        let release = CargoFlags {
            profile: Profile::Release,
            ..CargoFlags::default()
        };
        assert_eq!(release.profile_args(), ["--release"]);
        assert!(CargoFlags::default().profile_args().is_empty());
        assert_eq!(dir(Profile::Named("dev".to_owned())), "debug");
        assert_eq!(dir(Profile::Named("test".to_owned())), "debug");
        assert_eq!(dir(Profile::Named("bench".to_owned())), "release");
    }
}
