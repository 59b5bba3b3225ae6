//! The delivery flags as the user typed them (`--patch-file`, `--summary-md`, `--commit`,
//! `--branch`, `--force-branch`), and their conversion into a `DeliveryConfig`.

use std::path::{Path, PathBuf};

use clap::Args;

use crate::delivery::{BranchRequest, DeliveryConfig};

/// What the run hands back besides the write to your tree: each is made at its end, from the fix
/// that passed the gate, and none of them touches your checkout.
#[derive(Clone, Debug, Args)]
#[command(next_help_heading = "Delivery Options")]
pub struct DeliveryArgs {
    /// Write the fix as a patch for `git apply` at the repository's root (against your tree as it
    /// was; empty when nothing passed)
    #[arg(long, value_name = "PATH")]
    pub patch_file: Option<PathBuf>,
    /// Write the summary as markdown (for $GITHUB_STEP_SUMMARY or a pull-request comment)
    #[arg(long, value_name = "PATH")]
    pub summary_md: Option<PathBuf>,
    /// Commit the fix on a new branch whose parent is your HEAD; your checkout (HEAD, index,
    /// files, current branch) is left as it is
    #[arg(long)]
    pub commit: bool,
    /// The branch --commit makes [default: fix-swarm/<short commit id>]
    #[arg(long, value_name = "NAME", requires = "commit")]
    pub branch: Option<String>,
    /// Let --commit move a branch of that name that exists already (never the one checked out)
    #[arg(long, requires = "commit")]
    pub force_branch: bool,
}

impl DeliveryArgs {
    /// The deliveries asked for, with paths made absolute against `cwd` (where the user typed
    /// them), so that nothing later depends on a current directory.
    pub fn into_config(self, cwd: &Path) -> DeliveryConfig {
        DeliveryConfig {
            patch_file: self.patch_file.map(|path| cwd.join(path)),
            summary_md: self.summary_md.map(|path| cwd.join(path)),
            branch: self.commit.then_some(BranchRequest {
                name: self.branch,
                force: self.force_branch,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::parse;

    fn deliveries(args: &[&str]) -> Result<DeliveryConfig, clap::Error> {
        let mut all = vec!["cargo-fix-swarm"];
        all.extend(args);
        let cli = parse(all.into_iter().map(Into::into).collect())?;
        Ok(cli.fix.delivery.into_config(Path::new("/work/repo")))
    }

    #[test]
    fn paths_are_taken_from_where_the_user_typed_them() {
        let config = deliveries(&[
            "--patch-file",
            "out/fix.patch",
            "--summary-md",
            "/tmp/summary.md",
            "--commit",
            "--branch",
            "fix/bump",
        ])
        .unwrap();
        assert_eq!(
            config,
            DeliveryConfig {
                patch_file: Some(PathBuf::from("/work/repo/out/fix.patch")),
                summary_md: Some(PathBuf::from("/tmp/summary.md")),
                branch: Some(BranchRequest {
                    name: Some("fix/bump".to_owned()),
                    force: false,
                }),
            }
        );
        assert!(deliveries(&[]).unwrap().is_empty());
    }

    #[test]
    fn a_branch_name_or_force_without_commit_is_a_usage_error() {
        for args in [&["--branch", "x"][..], &["--force-branch"][..]] {
            let error = deliveries(args).unwrap_err();
            assert_eq!(
                error.kind(),
                clap::error::ErrorKind::MissingRequiredArgument
            );
        }
    }
}
