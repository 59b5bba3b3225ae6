//! Groups a round's errors into scopes, one per error code, ordered by compiler phase.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Location, code_label};
use crate::error_code::ErrorCode;
use crate::phase::Phase;

/// The work one worker takes: errors of one code, possibly limited to one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scope {
    /// `E0425`, or `E0425 in src/parser.rs` for part of a scope split by file. Unique in a plan.
    pub id: String,
    pub code: Option<ErrorCode>,
    pub phase: Phase,
    pub diagnostics: Vec<Diagnostic>,
    pub files: BTreeSet<PathBuf>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub scopes: Vec<Scope>,
    /// Errors we must not edit: outside the checkout, or without a location.
    pub outside: Vec<Diagnostic>,
}

/// Plans a round. Scopes come in phase order, then by code; a scope of more than `split_above`
/// errors that spans several files is split in parts of whole files of at most `split_above`
/// errors, so that several workers can share it. The
/// result depends only on the input, so that the same errors always give the same plan.
pub fn plan(diagnostics: &[Diagnostic], split_above: usize) -> Plan {
    let mut by_code: BTreeMap<(Phase, String), Vec<Diagnostic>> = BTreeMap::new();
    let mut outside = Vec::new();
    for diagnostic in diagnostics.iter().filter(|d| d.is_error()) {
        if diagnostic.location == Location::Workspace {
            let key = (
                diagnostic.phase(),
                code_label(diagnostic.code.as_ref()).to_owned(),
            );
            by_code.entry(key).or_default().push(diagnostic.clone());
        } else {
            outside.push(diagnostic.clone());
        }
    }

    let mut scopes = Vec::new();
    for ((phase, label), mut group) in by_code {
        // By place, not in the order cargo reported them: the library and its test harness compile
        // at once and interleave their errors differently from one check to the next, and a
        // matrix's jobs each check for themselves. A stable sort keeps equals in stream order.
        group.sort_by(|a, b| place(a).cmp(&place(b)));
        let code = group[0].code.clone();
        let files = files_of(&group);
        if group.len() > split_above && files.len() > 1 {
            for part in parts_by_file(group, split_above) {
                let files = files_of(&part);
                let id = match files.iter().collect::<Vec<_>>().as_slice() {
                    [one] => format!("{label} in {}", one.display()),
                    [first, rest @ ..] => {
                        let more = match rest.len() {
                            1 => "1 more file".to_owned(),
                            n => format!("{n} more files"),
                        };
                        format!("{label} in {} and {more}", first.display())
                    }
                    [] => label.clone(),
                };
                scopes.push(Scope {
                    id,
                    code: code.clone(),
                    phase,
                    files,
                    diagnostics: part,
                });
            }
        } else {
            scopes.push(Scope {
                id: label,
                code,
                phase,
                files,
                diagnostics: group,
            });
        }
    }
    Plan { scopes, outside }
}

/// A large scope's errors in parts of whole files, in file order, each of at most `size` errors
/// unless one file alone has more. Every part costs at least one gate run, which checks the whole
/// crate whatever the part's size: parts of one file each would spend a gate run on every file
/// with a few errors (a renamed field's forty files), where a part of forty errors passes in one.
/// The size, not the number of jobs, decides the parts, so that the plan is the same at any `-j`.
fn parts_by_file(group: Vec<Diagnostic>, size: usize) -> Vec<Vec<Diagnostic>> {
    let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
    for diagnostic in group {
        let file = diagnostic.file().map(PathBuf::from).unwrap_or_default();
        by_file.entry(file).or_default().push(diagnostic);
    }
    let mut parts: Vec<Vec<Diagnostic>> = Vec::new();
    for (_, errors) in by_file {
        match parts.last_mut() {
            Some(part) if part.len() + errors.len() <= size => part.extend(errors),
            _ => parts.push(errors),
        }
    }
    parts
}

/// Where a diagnostic is, for the order of a scope's errors: file, then byte range, then message.
fn place(diagnostic: &Diagnostic) -> (Option<(&PathBuf, usize, usize)>, &str) {
    let span = diagnostic
        .primary
        .as_ref()
        .map(|span| (&span.file, span.byte_start, span.byte_end));
    (span, diagnostic.message.as_str())
}

fn files_of(diagnostics: &[Diagnostic]) -> BTreeSet<PathBuf> {
    diagnostics
        .iter()
        .filter_map(|d| d.file().map(PathBuf::from))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Level, Span};

    fn error(code: Option<&str>, file: &str) -> Diagnostic {
        let span = Span {
            file: PathBuf::from(file),
            byte_start: 0,
            byte_end: 1,
            line: 1,
            column: 1,
        };
        Diagnostic::for_test(code, &format!("error in {file}"), span)
    }

    fn ids(plan: &Plan) -> Vec<&str> {
        plan.scopes.iter().map(|scope| scope.id.as_str()).collect()
    }

    #[test]
    fn the_plan_does_not_depend_on_the_order_errors_were_reported_in() {
        let diagnostics = vec![
            error(Some("E0308"), "src/b.rs"),
            error(Some("E0308"), "src/a.rs"),
            error(Some("E0425"), "src/c.rs"),
            error(Some("E0308"), "src/c.rs"),
        ];
        let mut reversed = diagnostics.clone();
        reversed.reverse();
        let (forwards, backwards) = (plan(&diagnostics, 40), plan(&reversed, 40));
        assert_eq!(forwards, backwards);
        let files: Vec<_> = forwards.scopes[1]
            .diagnostics
            .iter()
            .map(|d| d.file().unwrap().to_owned())
            .collect();
        assert_eq!(
            files,
            ["src/a.rs", "src/b.rs", "src/c.rs"].map(PathBuf::from)
        );
    }

    #[test]
    fn scopes_are_ordered_by_phase_then_code() {
        let diagnostics = [
            error(Some("E0382"), "src/a.rs"),
            error(Some("E0308"), "src/a.rs"),
            error(Some("E0425"), "src/b.rs"),
            error(None, "src/c.rs"),
            error(Some("E0308"), "src/b.rs"),
            error(Some("E0277"), "src/a.rs"),
        ];
        let plan = plan(&diagnostics, 50);
        assert_eq!(ids(&plan), ["syntax", "E0425", "E0277", "E0308", "E0382"]);
        let types = &plan.scopes[3];
        assert_eq!(types.diagnostics.len(), 2);
        assert_eq!(
            types.files.iter().collect::<Vec<_>>(),
            [&PathBuf::from("src/a.rs"), &PathBuf::from("src/b.rs")]
        );
    }

    #[test]
    fn large_scopes_split_by_file() {
        let diagnostics = [
            error(Some("E0425"), "src/b.rs"),
            error(Some("E0425"), "src/a.rs"),
            error(Some("E0425"), "src/b.rs"),
        ];
        assert_eq!(
            ids(&plan(&diagnostics, 2)),
            ["E0425 in src/a.rs", "E0425 in src/b.rs"]
        );
        assert_eq!(ids(&plan(&diagnostics, 3)), ["E0425"]);
    }

    #[test]
    fn files_with_few_errors_share_a_part_up_to_the_split_size() {
        let files = ["src/a.rs", "src/b.rs", "src/c.rs", "src/d.rs", "src/e.rs"];
        // a: 1, b: 2, c: 1, d: 4 (over the size alone), e: 1.
        let counts = [1, 2, 1, 4, 1];
        let diagnostics: Vec<Diagnostic> = files
            .iter()
            .zip(counts)
            .flat_map(|(file, n)| (0..n).map(move |_| error(Some("E0609"), file)))
            .collect();
        let plan = plan(&diagnostics, 3);
        assert_eq!(
            ids(&plan),
            [
                "E0609 in src/a.rs and 1 more file",
                "E0609 in src/c.rs",
                "E0609 in src/d.rs",
                "E0609 in src/e.rs"
            ]
        );
        let sizes: Vec<usize> = plan.scopes.iter().map(|s| s.diagnostics.len()).collect();
        assert_eq!(sizes, [3, 1, 4, 1]);
    }

    #[test]
    fn warnings_are_ignored_and_outside_errors_set_apart() {
        let mut warning = error(None, "src/a.rs");
        warning.level = Level::Warning;
        let mut registry = error(Some("E0308"), "/registry/serde/lib.rs");
        registry.location = Location::External(PathBuf::from("/registry/serde/lib.rs"));
        let plan = plan(&[warning, registry.clone()], 50);
        assert!(plan.scopes.is_empty());
        assert_eq!(plan.outside, [registry]);
    }
}
