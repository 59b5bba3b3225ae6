//! `UserPaths`: paths inside the run's worktrees, as cargo names them in its messages, mapped
//! back to the user's tree, so that no message we print sends the user into our work directory.

use std::path::Path;

/// How a worktree's paths correspond to the user's: every worktree of a run lies at
/// `<work_dir>/<slot>/<nesting>` (the nesting mirrors the directories outside the checkout that
/// manifests reach), so `<work_dir>/<slot>` stands for the user's checkout with the nesting taken
/// off its end, and `<work_dir>/<slot>.target`, the worktree's own target directory, for the
/// user's target directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserPaths {
    work_dir: String,
    /// What `<work_dir>/<slot>` stands for.
    root: String,
    target_dir: String,
}

impl UserPaths {
    /// `checkout` and `target_dir` are the user's; `nesting` is the checkout's path below the
    /// worktree's slot (`Mirror::nesting`), empty when nothing outside the checkout is mirrored.
    pub fn new(work_dir: &Path, nesting: &Path, checkout: &Path, target_dir: &Path) -> UserPaths {
        let mut root = checkout.to_owned();
        for _ in nesting.components() {
            root.pop();
        }
        UserPaths {
            work_dir: format!("{}/", work_dir.display()),
            root: root.display().to_string(),
            target_dir: target_dir.display().to_string(),
        }
    }

    /// `text` with every path into a worktree (or its target directory) replaced by the user's.
    pub fn map(&self, text: &str) -> String {
        let mut mapped = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(at) = rest.find(&self.work_dir) {
            mapped.push_str(&rest[..at]);
            let after = &rest[at + self.work_dir.len()..];
            let slot_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(after.len());
            let slot = &after[..slot_len];
            if slot.is_empty() {
                // The work directory itself, not a worktree's: ours, and said as it is.
                mapped.push_str(&self.work_dir);
            } else if slot.ends_with(".target") {
                mapped.push_str(&self.target_dir);
            } else {
                mapped.push_str(&self.root);
            }
            rest = &after[slot_len..];
        }
        mapped.push_str(rest);
        mapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(nesting: &str) -> UserPaths {
        UserPaths::new(
            Path::new("/home/u/p/target/fix-swarm/work/7-9"),
            Path::new(nesting),
            Path::new("/home/u/p"),
            Path::new("/home/u/p/target"),
        )
    }

    #[test]
    fn worktree_paths_become_the_users() {
        let text = "error: cannot create the lock file \
                    /home/u/p/target/fix-swarm/work/7-9/fix-swarm-7-9-0/Cargo.lock because \
                    --frozen was passed\n  --> /home/u/p/target/fix-swarm/work/7-9/fix-swarm-7-9-1/src/lib.rs:3:1";
        assert_eq!(
            paths("").map(text),
            "error: cannot create the lock file /home/u/p/Cargo.lock because --frozen was \
             passed\n  --> /home/u/p/src/lib.rs:3:1"
        );
    }

    #[test]
    fn a_worktrees_target_directory_becomes_the_users() {
        let text =
            "failed to write `/home/u/p/target/fix-swarm/work/7-9/fix-swarm-7-9-0.target/debug/x`";
        assert_eq!(
            paths("").map(text),
            "failed to write `/home/u/p/target/debug/x`"
        );
    }

    #[test]
    fn a_nested_worktree_maps_to_the_common_ancestor() {
        // The checkout is /home/u/p, mirrored at <slot>/p beside its sibling /home/u/dep.
        let text = "failed to read `/home/u/p/target/fix-swarm/work/7-9/fix-swarm-7-9-0/dep/Cargo.toml` \
                    for `/home/u/p/target/fix-swarm/work/7-9/fix-swarm-7-9-0/p`";
        assert_eq!(
            paths("p").map(text),
            "failed to read `/home/u/dep/Cargo.toml` for `/home/u/p`"
        );
    }

    #[test]
    fn other_text_is_left_alone() {
        let text = "error: could not compile `demo`\n/home/u/p/target/fix-swarm/work/7-9/";
        assert_eq!(paths("").map(text), text);
    }
}
