//! A fluent builder for throwaway cargo projects in real git repositories, and helpers to look at
//! them afterwards with the git CLI (independent of the git2 code under test).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// A crate whose three errors rustc's suggestions fix: a typo'd local, a missing import and a
/// `&str` returned as `String`. Its test pins the behaviour a fix must keep.
pub const BROKEN_LIB: &str = r#"pub fn total(values: &[i32]) -> i32 {
    let mut counter = 0;
    for v in values {
        countr += v;
    }
    counter
}

pub fn distinct(words: &[&str]) -> usize {
    let mut seen = HashSet::new();
    for word in words {
        seen.insert(*word);
    }
    seen.len()
}

pub fn greet(name: &str) -> String {
    name
}

#[cfg(test)]
mod tests {
    #[test]
    fn behaviour_is_kept() {
        assert_eq!(super::total(&[1, 2, 3]), 6);
        assert_eq!(super::distinct(&["a", "b", "a"]), 2);
        assert_eq!(super::greet("x"), "x");
    }
}
"#;

pub struct Scenario {
    files: Vec<(PathBuf, String)>,
    git: bool,
}

impl Scenario {
    /// A package `demo` with no source yet.
    pub fn package() -> Scenario {
        let manifest =
            "[package]\nname = \"demo\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n";
        Scenario {
            files: vec![(PathBuf::from("Cargo.toml"), manifest.to_owned())],
            git: true,
        }
    }

    pub fn file(mut self, path: &str, text: &str) -> Scenario {
        self.files
            .retain(|(existing, _)| existing != Path::new(path));
        self.files.push((PathBuf::from(path), text.to_owned()));
        self
    }

    pub fn without_git(mut self) -> Scenario {
        self.git = false;
        self
    }

    /// Writes the files; with git, commits them (with `target/` ignored) as a user's checkout.
    pub fn create(self) -> Project {
        let dir = tempfile::Builder::new()
            .prefix("fix-swarm-test-")
            .tempdir()
            .unwrap();
        for (path, text) in &self.files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        let project = Project { dir };
        if self.git {
            project.write(".gitignore", "target/\n");
            project.git(&["init", "-q"]);
            project.git(&["add", "-A"]);
            project.git(&["commit", "-q", "-m", "init"]);
        }
        project
    }
}

pub struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The binary under test, run in the project.
    pub fn fix_swarm(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command(false))
    }

    /// The binary under test, run in the project and bound by file permissions as a normal user
    /// is (see `BOUND_BY_PERMISSIONS`).
    pub fn fix_swarm_bound_by_permissions(&self) -> assert_cmd::Command {
        assert_cmd::Command::from_std(self.command(true))
    }

    /// The binary under test in the project; `bound`: bound by file permissions even as root.
    fn command(&self, bound: bool) -> Command {
        let binary = assert_cmd::cargo::cargo_bin!("cargo-fix-swarm");
        let mut command = match bound.then(permissions_bind_only_without).flatten() {
            Some(prefix) => {
                let mut command = Command::new(prefix[0]);
                command.args(&prefix[1..]).arg(binary);
                command
            }
            None => Command::new(binary),
        };
        command
            .current_dir(self.path())
            .env_remove("CARGO_TARGET_DIR");
        command
    }

    pub fn read(&self, path: &str) -> String {
        std::fs::read_to_string(self.path().join(path)).unwrap()
    }

    pub fn write(&self, path: &str, text: &str) {
        std::fs::write(self.path().join(path), text).unwrap();
    }

    pub fn git(&self, args: &[&str]) -> String {
        let output = Command::new("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
            .args(args)
            .current_dir(self.path())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    pub fn cargo(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO"))
            .args(args)
            .current_dir(self.path())
            .env_remove("CARGO_TARGET_DIR")
            .output()
            .unwrap()
    }

    /// Every file of the work tree but build output and git's own directory, with its bytes.
    pub fn tree_state(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        fn walk(root: &Path, relative: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
            for entry in std::fs::read_dir(root.join(relative)).unwrap().flatten() {
                let path = relative.join(entry.file_name());
                if path == Path::new("target") || path == Path::new(".git") {
                    continue;
                }
                if entry.file_type().unwrap().is_dir() {
                    walk(root, &path, out);
                } else {
                    out.insert(path, std::fs::read(entry.path()).unwrap());
                }
            }
        }
        let mut files = BTreeMap::new();
        walk(self.path(), Path::new(""), &mut files);
        files
    }

    /// Starts the binary under test in the project without waiting for it; its output goes to
    /// files (a pipe nobody reads could fill up and stall it).
    pub fn start(&self, args: &[&str], env: &[(&str, &Path)]) -> Running {
        self.start_command(self.command(false), args, env)
    }

    /// `start`, as a shell on a terminal starts a command: leading its own process group, the
    /// terminal's foreground group, which a Ctrl-C there signals whole (`Running::signal_group`).
    #[cfg(unix)]
    pub fn start_in_the_foreground(&self, args: &[&str], env: &[(&str, &Path)]) -> Running {
        use std::os::unix::process::CommandExt as _;
        let mut command = self.command(false);
        command.process_group(0);
        self.start_command(command, args, env)
    }

    /// `start`, bound by file permissions as a normal user is (see `BOUND_BY_PERMISSIONS`).
    pub fn start_bound_by_permissions(&self, args: &[&str], env: &[(&str, &Path)]) -> Running {
        self.start_command(self.command(true), args, env)
    }

    fn start_command(&self, mut command: Command, args: &[&str], env: &[(&str, &Path)]) -> Running {
        let stdout = tempfile::NamedTempFile::new().unwrap();
        let stderr = tempfile::NamedTempFile::new().unwrap();
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(stdout.reopen().unwrap())
            .stderr(stderr.reopen().unwrap());
        for (name, value) in env {
            command.env(name, value);
        }
        Running {
            child: command.spawn().unwrap(),
            stdout,
            stderr,
        }
    }

    /// Fails the test if a run left a work directory, a scratch repository or a lock file of
    /// ours behind under the target directory.
    pub fn assert_no_files_left(&self) {
        for dir in ["work", "scratch-git", "locks"] {
            let dir = self.path().join("target/fix-swarm").join(dir);
            let leftovers: Vec<_> = std::fs::read_dir(&dir)
                .map(|dir| dir.flatten().map(|entry| entry.path()).collect())
                .unwrap_or_default();
            assert!(leftovers.is_empty(), "stray files: {leftovers:?}");
        }
    }

    /// Fails the test if a run left a worktree, a branch or a work directory of ours behind.
    pub fn assert_no_trace(&self) {
        let worktrees = self.git(&["worktree", "list", "--porcelain"]);
        assert_eq!(
            worktrees.matches("worktree ").count(),
            1,
            "stray worktrees:\n{worktrees}"
        );
        let branches = self.git(&["branch", "-a", "--format=%(refname)"]);
        assert!(
            !branches.contains("fix-swarm"),
            "stray branches:\n{branches}"
        );
        self.assert_no_files_left();
    }
}

/// For root, who ignores file permissions, the command prefix that runs a program without the
/// capability that lets it (CAP_DAC_OVERRIDE, dropped with util-linux's `setpriv`).
const BOUND_BY_PERMISSIONS: [&str; 3] = ["setpriv", "--bounding-set=-dac_override", "--"];

/// `None` when this process is bound by file permissions already (a normal user), else
/// `BOUND_BY_PERMISSIONS`. Fails the test if that prefix does not bind a program either, since
/// the test would then prove nothing.
#[cfg(unix)]
fn permissions_bind_only_without() -> Option<[&'static str; 3]> {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let locked = dir.path().join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
    let probe = locked.join("probe");
    if std::fs::write(&probe, "").is_err() {
        return None;
    }
    std::fs::remove_file(&probe).unwrap();
    let confined = Command::new(BOUND_BY_PERMISSIONS[0])
        .args(&BOUND_BY_PERMISSIONS[1..])
        .args([
            "sh",
            "-c",
            "if true 2>/dev/null >\"$0\"; then exit 10; else exit 11; fi",
        ])
        .arg(&probe)
        .status()
        .expect("as root, `setpriv` (util-linux) is needed to make a write fail");
    assert_eq!(
        confined.code(),
        Some(11),
        "cannot make a directory unwritable on this machine"
    );
    Some(BOUND_BY_PERMISSIONS)
}

#[cfg(not(unix))]
fn permissions_bind_only_without() -> Option<[&'static str; 3]> {
    None
}

/// A run of the binary started with `Project::start`.
pub struct Running {
    child: Child,
    stdout: tempfile::NamedTempFile,
    stderr: tempfile::NamedTempFile,
}

/// How a run ended, and what it printed.
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Running {
    /// Sends `signal` (a name `kill` knows: TERM, INT, HUP, KILL) to the run's process alone.
    pub fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} failed");
    }

    /// Sends `signal` to the run's whole process group, as a Ctrl-C at the terminal does to the
    /// foreground group (the run must have been started with `start_in_the_foreground`).
    pub fn signal_group(&self, signal: &str) {
        let status = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg("--")
            .arg(format!("-{}", self.child.id()))
            .status()
            .unwrap();
        assert!(status.success(), "kill -{signal} to the group failed");
    }

    /// What the run wrote to stderr so far.
    pub fn stderr_so_far(&self) -> String {
        std::fs::read_to_string(self.stderr.path()).unwrap()
    }

    /// Whether the run has ended.
    pub fn has_ended(&mut self) -> bool {
        self.child.try_wait().unwrap().is_some()
    }

    /// Waits for the run to end, failing the test after `limit`.
    pub fn wait(mut self, limit: Duration) -> Finished {
        let mut status = None;
        wait_until(limit, "the run ends", || {
            status = self.child.try_wait().unwrap();
            status.is_some()
        });
        Finished {
            status: status.unwrap(),
            stdout: std::fs::read_to_string(self.stdout.path()).unwrap(),
            stderr: std::fs::read_to_string(self.stderr.path()).unwrap(),
        }
    }
}

impl Finished {
    /// Fails the test unless the run exited by itself with `code` (not killed by a signal).
    pub fn assert_code(&self, code: i32) {
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt as _;
            assert_eq!(
                self.status.signal(),
                None,
                "the run died of a signal instead of handling it\nstderr:\n{}",
                self.stderr
            );
        }
        assert_eq!(
            self.status.code(),
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
    }
}

/// Waits until `condition` holds, polling, and fails the test after `limit`.
pub fn wait_until(limit: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let started = Instant::now();
    while !condition() {
        assert!(started.elapsed() < limit, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(50));
    }
}
