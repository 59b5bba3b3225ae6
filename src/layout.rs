//! The user's tree as cargo sees it, beyond git's view of it: which paths are symbolic links and
//! where each path really leads, and which paths are built but never ours to edit.
//!
//! Git stores a symbolic link as the text of its target. Read as source, that text is nonsense;
//! written through, a link edits whatever it points at. So every path rustc names is resolved here
//! first, the way the file system resolves it in the user's tree: a link to a file inside the
//! checkout becomes that file, a link that leads outside the checkout is not ours to edit.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::ffi::OsString;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

/// How many links one path may pass through before it counts as a loop, as on Linux.
const MAX_LINK_HOPS: usize = 40;

/// Where a checkout-relative path leads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A path inside the checkout that is not a link and passes through none (relative).
    Inside(PathBuf),
    /// A path outside the checkout (absolute), or one inside it that the snapshot does not hold.
    Outside(PathBuf),
}

/// The snapshot's symbolic links, the files it holds, and the paths that are inputs only.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    /// The user's checkout root: absolute and canonical.
    checkout: PathBuf,
    /// Symbolic links by checkout-relative path, with their target as stored (absolute or
    /// relative to the link's directory).
    links: BTreeMap<PathBuf, PathBuf>,
    /// Every regular file of the snapshot, checkout-relative.
    files: BTreeSet<PathBuf>,
    /// Files and directories the build reads but the snapshot does not version (git submodules'
    /// working trees, ignored inputs): copied into every worktree, never edited.
    inputs: BTreeSet<PathBuf>,
    /// `retargets`, worked out once: every checkout of every worktree asks for them.
    retargets: OnceLock<Vec<(PathBuf, PathBuf)>>,
}

impl Layout {
    pub fn new(
        checkout: PathBuf,
        links: BTreeMap<PathBuf, PathBuf>,
        files: BTreeSet<PathBuf>,
    ) -> Layout {
        Layout {
            checkout,
            links,
            files,
            inputs: BTreeSet::new(),
            retargets: OnceLock::new(),
        }
    }

    /// Adds paths (files or directories) that the build reads from the user's tree as they are.
    pub fn with_inputs(mut self, inputs: impl IntoIterator<Item = PathBuf>) -> Layout {
        self.inputs.extend(inputs);
        // Inputs change what resolves inside the checkout.
        self.retargets = OnceLock::new();
        self
    }

    pub fn checkout(&self) -> &Path {
        &self.checkout
    }

    /// The snapshot's links, by checkout-relative path.
    pub fn links(&self) -> impl Iterator<Item = &Path> {
        self.links.keys().map(PathBuf::as_path)
    }

    /// Inputs copied into worktrees as they are in the user's tree.
    pub fn inputs(&self) -> impl Iterator<Item = &Path> {
        self.inputs.iter().map(PathBuf::as_path)
    }

    /// Whether `relative` (already resolved) is an input that is built but never edited.
    pub fn is_input(&self, relative: &Path) -> bool {
        self.inputs.iter().any(|input| relative.starts_with(input))
    }

    /// Whether the snapshot holds `relative` as a file, or as a directory of files.
    fn holds(&self, relative: &Path) -> bool {
        self.files.contains(relative)
            || self
                .files
                .range(relative.to_owned()..)
                .next()
                .is_some_and(|file| file.starts_with(relative))
            || self.is_input(relative)
    }

    /// Resolves a checkout-relative path through every link it passes, as the file system would
    /// in the user's tree: a `..` climbs from where the links led, not from the path as written,
    /// and a path that leaves the checkout and comes back into it is inside.
    pub fn resolve(&self, relative: &Path) -> Resolved {
        let Some(steps) = steps(relative) else {
            return self.reenter(normalize(relative), 0);
        };
        self.walk(steps.into(), 0)
    }

    /// Walks `rest` from the checkout's root, having passed `hops` links already.
    fn walk(&self, mut rest: VecDeque<Step>, mut hops: usize) -> Resolved {
        let mut done = PathBuf::new();
        while let Some(step) = rest.pop_front() {
            let name = match step {
                Step::Up if done.pop() => continue,
                Step::Up => {
                    // Out of the checkout: where it leads is judged as an absolute path.
                    let up = self.checkout.parent().unwrap_or(Path::new("/"));
                    return self.reenter(join_steps(up.to_owned(), rest), hops);
                }
                Step::Down(name) => name,
            };
            done.push(&name);
            let Some(target) = self.links.get(&done) else {
                continue;
            };
            hops += 1;
            if hops > MAX_LINK_HOPS {
                return Resolved::Outside(self.checkout.join(&done));
            }
            done.pop();
            if target.is_absolute() {
                return self.reenter(join_steps(normalize(target), rest), hops);
            }
            // Relative to the link's directory, which `done` now is.
            let Some(target_steps) = steps(target) else {
                return Resolved::Outside(self.checkout.join(&done).join(target));
            };
            for step in target_steps.into_iter().rev() {
                rest.push_front(step);
            }
            let from_root: Vec<Step> = done
                .iter()
                .map(|part| Step::Down(part.to_owned()))
                .collect();
            for step in from_root.into_iter().rev() {
                rest.push_front(step);
            }
            done = PathBuf::new();
        }
        if self.holds(&done) {
            Resolved::Inside(done)
        } else {
            Resolved::Outside(self.checkout.join(done))
        }
    }

    /// Where an absolute path leads: back into the checkout (walked again), or outside.
    fn reenter(&self, absolute: PathBuf, hops: usize) -> Resolved {
        match absolute.strip_prefix(&self.checkout) {
            Ok(inside) => match steps(inside) {
                Some(steps) => self.walk(steps.into(), hops),
                None => Resolved::Outside(absolute),
            },
            Err(_) => Resolved::Outside(absolute),
        }
    }

    /// The links whose stored target would not lead, inside a worktree, where it leads in the
    /// user's tree, with the target each must get there: an absolute link into the
    /// checkout is made relative (it must reach the worktree's copy, never the user's file), a
    /// relative link that leaves the checkout is made absolute (the worktree sits elsewhere).
    pub fn retargets(&self) -> &[(PathBuf, PathBuf)] {
        self.retargets.get_or_init(|| {
            let mut out = Vec::new();
            for (link, stored) in &self.links {
                let parent = link.parent().unwrap_or(Path::new(""));
                let stays_inside = stored.is_relative() && !climbs_out(parent, stored);
                let wanted = match self.resolve(link) {
                    Resolved::Inside(_) if stays_inside => continue,
                    Resolved::Inside(target) => relative_path(parent, &target),
                    Resolved::Outside(_) if stored.is_absolute() => continue,
                    Resolved::Outside(target) => target,
                };
                out.push((link.clone(), wanted));
            }
            out
        })
    }
}

/// Where a worktree sits so that relative paths leaving the checkout (`path = "../dep"`) lead
/// where they lead from the user's tree: the worktree is nested under a base directory as deep as
/// the checkout sits below the common ancestor of it and every outside directory, and links at
/// the base lead to those directories.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mirror {
    /// Where the worktree goes below its base: the checkout's path below the common ancestor.
    pub nesting: PathBuf,
    /// Links to make below the base (relative), each leading to an absolute directory.
    pub links: Vec<(PathBuf, PathBuf)>,
}

impl Mirror {
    /// The mirror for a checkout at `checkout` whose build reaches the `outside` directories by
    /// relative paths; all paths absolute and normalised. No outside directory: no nesting.
    pub fn new(checkout: &Path, outside: &[PathBuf]) -> Mirror {
        let outside: Vec<&PathBuf> = outside
            .iter()
            .filter(|dir| !dir.starts_with(checkout))
            .collect();
        if outside.is_empty() {
            return Mirror::default();
        }
        let mut ancestor = checkout.to_owned();
        for dir in &outside {
            while !dir.starts_with(&ancestor) {
                if !ancestor.pop() {
                    break;
                }
            }
        }
        let nesting = checkout
            .strip_prefix(&ancestor)
            .map(Path::to_owned)
            .unwrap_or_default();
        let nesting_parts: Vec<_> = nesting.components().collect();
        let mut links: Vec<(PathBuf, PathBuf)> = Vec::new();
        for dir in outside {
            let Ok(relative) = dir.strip_prefix(&ancestor) else {
                continue;
            };
            // The link goes where the directory's path leaves the checkout's: above that, the
            // base holds real directories on the way down to the worktree.
            let parts: Vec<_> = relative.components().collect();
            let shared = parts
                .iter()
                .zip(&nesting_parts)
                .take_while(|(a, b)| a == b)
                .count();
            if shared == parts.len() {
                continue;
            }
            let link: PathBuf = parts[..=shared].iter().collect();
            let already = links.iter().any(|(existing, _)| link.starts_with(existing));
            if !already {
                links.retain(|(existing, _)| !existing.starts_with(&link));
                links.push((link.clone(), ancestor.join(&link)));
            }
        }
        links.sort();
        Mirror { nesting, links }
    }
}

/// The files a rustc dep-info file (`deps/*.d`, make syntax) names as read by a compilation, as
/// written: relative to the directory rustc ran in, or absolute.
pub fn dep_info_sources(text: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        // `output: input input …`; the lines `input:` that follow name no input; `# env-dep:`
        // comments name variables.
        let Some((_, inputs)) = split_unescaped(line, ": ") else {
            continue;
        };
        let mut current = String::new();
        let mut chars = inputs.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    current.push(' ');
                    chars.next();
                }
                ' ' => {
                    if !current.is_empty() {
                        out.push(PathBuf::from(std::mem::take(&mut current)));
                    }
                }
                other => current.push(other),
            }
        }
        if !current.is_empty() {
            out.push(PathBuf::from(current));
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Splits at the first `separator` not preceded by a backslash.
fn split_unescaped<'t>(line: &'t str, separator: &str) -> Option<(&'t str, &'t str)> {
    let mut from = 0;
    while let Some(at) = line[from..].find(separator) {
        let at = from + at;
        if !line[..at].ends_with('\\') {
            return Some((&line[..at], &line[at + separator.len()..]));
        }
        from = at + separator.len();
    }
    None
}

/// One step of a relative path: into a directory (or file) by name, or up to the parent.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Step {
    Down(OsString),
    Up,
}

/// The steps of a relative path, `.` left out; `None` for an absolute path.
fn steps(path: &Path) -> Option<Vec<Step>> {
    let mut out = Vec::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => out.push(Step::Down(part.to_owned())),
            Component::CurDir => {}
            Component::ParentDir => out.push(Step::Up),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

/// Whether `target`, relative to the directory `from` (both relative to the checkout's root),
/// climbs above the root on its way, as written: from a worktree elsewhere it would lead elsewhere.
fn climbs_out(from: &Path, target: &Path) -> bool {
    let mut depth = from.components().count();
    for step in steps(target).unwrap_or_default() {
        match step {
            Step::Down(_) => depth += 1,
            Step::Up if depth == 0 => return true,
            Step::Up => depth -= 1,
        }
    }
    false
}

/// `path` followed by `rest`, with `..` worked out lexically.
fn join_steps(mut path: PathBuf, rest: VecDeque<Step>) -> PathBuf {
    for step in rest {
        match step {
            Step::Down(name) => path.push(name),
            Step::Up => {
                path.pop();
            }
        }
    }
    normalize(&path)
}

/// Removes `.` and resolves `..` without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// The relative path from directory `from` to `to`, both relative to one root.
fn relative_path(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to_parts: Vec<_> = to.components().collect();
    let common = from
        .iter()
        .zip(&to_parts)
        .take_while(|(a, b)| a == b)
        .count();
    let mut out = PathBuf::new();
    for _ in common..from.len() {
        out.push("..");
    }
    for part in &to_parts[common..] {
        out.push(part);
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

#[cfg(test)]
mod tests;
