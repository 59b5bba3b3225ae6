//! Data-first tests of the rule-based specialists on cargo JSON recorded from the fixtures
//! (`tests/data/specialists/*.jsonl`, described by the `.md` note next to each file).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cargo_fix_swarm::error_code::ErrorCode;
use cargo_fix_swarm::parse::{SourceRoot, parse_stream};
use cargo_fix_swarm::patch::{Patch, Sources};
use cargo_fix_swarm::plan::plan;
use cargo_fix_swarm::specialist::{
    Context, Conversions, ExtraArguments, FieldNames, Holes, MissingDerives, MissingMut, Moves,
    RenamedMethods, Specialist, WorkspacePaths,
};

/// What a specialist proposes for one diagnostic.
struct Proposed {
    /// `[E0560] struct `Book` has no field named `name``.
    target: String,
    /// Each alternative's label with the patch it makes alone (or why it makes none), in rank order.
    alternatives: Vec<(String, Result<Patch, String>)>,
    /// Per alternative, whether it makes a value up (which only passing tests may accept).
    invented: Vec<bool>,
}

impl Proposed {
    /// The 1-based rank of the first alternative whose patched `file` contains every one of
    /// `lines`, none of which the file held before.
    fn rank_of(&self, file: &str, lines: &[&str]) -> Option<usize> {
        self.alternatives
            .iter()
            .position(|(_, patch)| {
                let Some(change) = patch
                    .as_ref()
                    .ok()
                    .and_then(|p| p.files.get(Path::new(file)))
                else {
                    return false;
                };
                lines.iter().all(|line| {
                    assert!(
                        !change.before.contains(line),
                        "`{line}` is in {file} before any fix"
                    );
                    change.after.contains(line)
                })
            })
            .map(|at| at + 1)
    }
}

fn fixture_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Every `*.rs` and `Cargo.toml` under `dir`, keyed by its path relative to `root`, as the engine
/// reads them from the checkout.
fn read_sources(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, String>) {
    for entry in std::fs::read_dir(dir).expect("fixture directory") {
        let path = entry.expect("directory entry").path();
        if path.is_dir() {
            read_sources(root, &path, files);
        } else if path.extension().is_some_and(|e| e == "rs")
            || path.file_name().is_some_and(|n| n == "Cargo.toml")
        {
            let text = std::fs::read_to_string(&path).expect("fixture source");
            let relative = path
                .strip_prefix(root)
                .expect("under the fixture")
                .to_owned();
            files.insert(relative, text);
        }
    }
}

fn fixture_sources(name: &str) -> Sources {
    let root = fixture_dir(name);
    let mut files = BTreeMap::new();
    read_sources(&root, &root, &mut files);
    Sources::new(files)
}

/// Runs `specialist` over every scope planned from the recording of fixture `name`, snapshots
/// each proposal's target and each alternative's label and diff, and returns the proposals.
fn check(name: &str, specialist: &dyn Specialist) -> Vec<Proposed> {
    let recording = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/specialists")
        .join(format!("{name}.jsonl"));
    let stream = std::fs::read_to_string(recording).expect("recording");
    let root = SourceRoot {
        checkout: PathBuf::from("/tmp/specialists").join(name),
        workspace: PathBuf::new(),
        layout: None,
    };
    let parsed = parse_stream(&stream, &root);
    let sources = fixture_sources(name);
    // One context for every scope, as a round has.
    let index = OnceLock::new();
    let context = Context::new(&sources, &index);
    let proposed: Vec<Proposed> = plan(&parsed.diagnostics, 40)
        .scopes
        .iter()
        .flat_map(|scope| specialist.propose(scope, &context))
        .map(|proposal| Proposed {
            target: format!(
                "[{}] {}",
                proposal.target.code.as_ref().map_or("-", ErrorCode::as_str),
                proposal.target.message
            ),
            invented: proposal
                .alternatives
                .iter()
                .map(|alternative| alternative.invents())
                .collect(),
            alternatives: proposal
                .alternatives
                .into_iter()
                .map(|alternative| {
                    let patch = Patch::from_edits(&sources, &alternative.edits)
                        .map_err(|error| error.to_string());
                    (alternative.label, patch)
                })
                .collect(),
        })
        .collect();
    insta::assert_snapshot!(name.to_owned(), describe(specialist, &proposed));
    proposed
}

fn describe(specialist: &dyn Specialist, proposed: &[Proposed]) -> String {
    let mut out = format!("specialist: {}\n", specialist.name());
    for proposal in proposed {
        writeln!(out, "\n{}", proposal.target).unwrap();
        for (rank, (label, patch)) in proposal.alternatives.iter().enumerate() {
            writeln!(out, "\n  {}. {label}", rank + 1).unwrap();
            match patch {
                Ok(patch) => out.push_str(&patch.unified_diff()),
                Err(error) => writeln!(out, "does not apply: {error}").unwrap(),
            }
        }
    }
    out
}

/// The rank of the intended fix in each proposal, in order: `expected[n]` is `(file, lines)` for
/// the `n`th proposal.
fn ranks(proposed: &[Proposed], expected: &[(&str, &[&str])]) -> Vec<Option<usize>> {
    assert_eq!(
        proposed.len(),
        expected.len(),
        "one intended fix per proposal: {:?}",
        proposed.iter().map(|p| &p.target).collect::<Vec<_>>()
    );
    proposed
        .iter()
        .zip(expected)
        .map(|(proposal, (file, lines))| proposal.rank_of(file, lines))
        .collect()
}

#[test]
fn renamed_field_struct_literal() {
    let proposed = check("renamed-field-struct-literal", &FieldNames);
    let intended: [(&str, &[&str]); 5] = [
        ("src/lib.rs", &["Book { title: title.to_string(), author"]),
        // The shorthand keeps its local variable as the value.
        ("src/lib.rs", &["Some(Book { title: name, author, year })"]),
        ("src/lib.rs", &["borrower: borrower.to_string(), until"]),
        (
            "src/lib.rs",
            &["reader: borrower.to_string(), due_day: today + 14"],
        ),
        ("src/lib.rs", &["Book { title: \"Emma\".to_string()"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 5]);
}

#[test]
fn renamed_field_access() {
    let proposed = check("renamed-field-access", &FieldNames);
    let intended: [(&str, &[&str]); 10] = [
        ("src/lib.rs", &["self.balance_cents += cents;"]),
        (
            "src/lib.rs",
            &["push(cents);\n        Ok(self.balance_cents)"],
        ),
        ("src/lib.rs", &["if cents > self.balance_cents {"]),
        ("src/lib.rs", &["missing: cents - self.balance_cents }"]),
        ("src/lib.rs", &["self.balance_cents -= cents;"]),
        (
            "src/lib.rs",
            &["push(-cents);\n        Ok(self.balance_cents)"],
        ),
        ("src/lib.rs", &["account.balance_cents / 100"]),
        ("src/lib.rs", &["account.balance_cents % 100"]),
        ("src/lib.rs", &["map(|a| a.balance_cents)"]),
        ("src/lib.rs", &["assert_eq!(b.balance_cents, 50);"]),
    ];
    // Ranked by edit distance from `amount`, not by type: the only `i64` field comes last of the
    // four the rule keeps.
    assert_eq!(ranks(&proposed, &intended), [Some(4); 10]);
}

#[test]
fn moved_item_module_split() {
    let proposed = check("moved-item-module-split", &WorkspacePaths);
    let intended: [(&str, &[&str]); 3] = [
        ("src/billing.rs", &["\nuse crate::catalog::Product;\n"]),
        (
            "src/report.rs",
            &[
                "\nuse crate::billing::Invoice;\n",
                "\nuse crate::catalog::Product;\n",
            ],
        ),
        (
            "src/lib.rs",
            &["crate::catalog::Product::new(\"house blend\", 899)"],
        ),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn moved_item_nested_module() {
    let proposed = check("moved-item-nested-module", &WorkspacePaths);
    let intended: [(&str, &[&str]); 3] = [
        (
            "src/canvas.rs",
            &[
                "\nuse crate::geometry::angular::Rect;\n",
                "\nuse crate::geometry::round::Circle;\n",
            ],
        ),
        (
            "src/lib.rs",
            &["\npub use crate::geometry::round::Circle;\n"],
        ),
        ("src/lib.rs", &["    use crate::geometry::angular::Rect;\n"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn moved_item_across_crates() {
    let proposed = check("moved-item-across-crates", &WorkspacePaths);
    let intended: [(&str, &[&str]); 2] = [
        (
            "stockroom/src/main.rs",
            &[
                "\nuse inventory_core::money::Money;\n",
                "\nuse inventory_core::stock::Item;\n",
            ],
        ),
        (
            "stockroom/src/main.rs",
            &["fold(inventory_core::money::Money::default(), "],
        ),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 2]);
}

#[test]
fn deleted_use_across_crates() {
    let proposed = check("deleted-use-across-crates", &WorkspacePaths);
    let main = "cookbook/src/main.rs";
    let intended: [(&str, &[&str]); 6] = [
        (main, &["\nuse recipe_core::units::Quantity;\n"]),
        (main, &["\nuse recipe_core::units::to_grams;\n"]),
        (main, &["\nuse recipe_core::units::GRAMS_PER_OUNCE;\n"]),
        (main, &["\nuse recipe_core::units::Unit;\n"]),
        (main, &["\nuse recipe_core::units::Unit;\n"]),
        (main, &["\nuse recipe_core::units::Unit;\n"]),
    ];
    // `Unit::Gram` is a qualified path, so `Unit` is qualified in place instead of imported.
    assert_eq!(
        ranks(&proposed, &intended),
        [Some(1), Some(1), Some(1), None, None, None]
    );
    let qualified: [(&str, &[&str]); 3] = [
        (main, &["\"g\" => recipe_core::units::Unit::Gram,"]),
        (main, &["\"oz\" => recipe_core::units::Unit::Ounce,"]),
        (main, &["\"pc\" => recipe_core::units::Unit::Piece,"]),
    ];
    assert_eq!(ranks(&proposed[3..], &qualified), [Some(1); 3]);
}

#[test]
fn derive_debug_nested() {
    let proposed = check("derive-debug-nested", &MissingDerives);
    let intended: [(&str, &[&str]); 1] = [(
        "src/lib.rs",
        &[
            "#[derive(Clone, PartialEq, Debug)]\npub struct Slot {",
            "#[derive(Clone, PartialEq, Debug)]\npub struct Timetable {",
        ],
    )];
    // The first alternative derives `Debug` for `Timetable` alone.
    assert_eq!(ranks(&proposed, &intended), [Some(2)]);
}

#[test]
fn derive_clone_owned() {
    let proposed = check("derive-clone-owned", &MissingDerives);
    // Only the E0599 gets a proposal; its derive fixes the E0308 of `to_owned()` too.
    let intended: [(&str, &[&str]); 1] = [(
        "src/lib.rs",
        &["#[derive(Debug, PartialEq, Clone)]\npub struct Palette {"],
    )];
    assert_eq!(ranks(&proposed, &intended), [Some(1)]);
}

#[test]
fn derive_ord_sort() {
    let proposed = check("derive-ord-sort", &MissingDerives);
    let all = "#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]\npub struct Version {";
    let intended: [(&str, &[&str]); 3] = [
        ("src/lib.rs", &[all]),
        ("src/lib.rs", &[all]),
        ("src/lib.rs", &[all]),
    ];
    // Scopes in code order: the two E0277 first. The E0599 of `dedup` asks for `PartialEq` only,
    // which is all it derives.
    assert_eq!(ranks(&proposed, &intended), [Some(1), Some(1), None]);
    let partial_eq = "#[derive(Debug, Clone, Copy, PartialEq)]\npub struct Version {";
    assert_eq!(proposed[2].rank_of("src/lib.rs", &[partial_eq]), Some(1));
}

#[test]
fn derive_default_constructor() {
    let proposed = check("derive-default-constructor", &MissingDerives);
    let both: &[&str] = &[
        "#[derive(Debug, Clone, PartialEq, Default)]\npub struct Backoff {",
        "#[derive(Debug, Clone, PartialEq, Default)]\npub struct RetryPolicy {",
    ];
    let intended: [(&str, &[&str]); 3] = [
        ("src/lib.rs", both),
        ("src/lib.rs", both),
        ("src/lib.rs", both),
    ];
    // `RetryPolicy::default()` gets both derives second, after `RetryPolicy` alone;
    // `Backoff::default()` gets `Backoff`'s alone, since derives go down to fields, not up.
    assert_eq!(ranks(&proposed, &intended), [Some(2), None, Some(2)]);
    assert_eq!(proposed[1].rank_of("src/lib.rs", &both[..1]), Some(1));
}

#[test]
fn extra_argument_first_removed() {
    let proposed = check("extra-argument-first-removed", &ExtraArguments);
    let intended: [(&str, &[&str]); 3] = [
        ("src/lib.rs", &["render_row(cells, self.width)"]),
        ("src/lib.rs", &["render_row(&totals, self.width)"]),
        ("src/lib.rs", &["render_row(&[7, 42], 3)"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn extra_argument_second_removed() {
    let proposed = check("extra-argument-second-removed", &ExtraArguments);
    let intended: [(&str, &[&str]); 3] = [
        ("src/lib.rs", &["size: fit(*size, max) }"]),
        ("src/lib.rs", &["assert_eq!(fit(photo, 200), "]),
        ("src/lib.rs", &["assert_eq!(g[0].scale(50), "]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn mut_borrow_in_pattern() {
    let proposed = check("mut-borrow-in-pattern", &MissingMut);
    let stats = "let (lengths, total) = &mut self.stats;";
    let acc = "let (names, total) = &mut acc;";
    // Scopes in code order: the two E0594 first, then the four E0596.
    let intended: [(&str, &[&str]); 6] = [
        ("src/lib.rs", &[stats]),
        ("src/lib.rs", &[acc]),
        ("src/lib.rs", &["match &mut self.state {"]),
        (
            "src/lib.rs",
            &["if let Some(errors) = &mut self.last_error {"],
        ),
        ("src/lib.rs", &[stats]),
        ("src/lib.rs", &[acc]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 6]);
}

#[test]
fn widen_number_struct_literal() {
    let proposed = check("widen-number-struct-literal", &Conversions);
    let intended: [(&str, &[&str]); 3] = [
        (
            "src/lib.rs",
            &["total_millidegrees: r.millidegrees.into(),"],
        ),
        ("src/lib.rs", &["samples: r.samples.into(),"]),
        ("src/lib.rs", &["peak_volts: r.volts.into(),"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn option_string_from_str() {
    let proposed = check("option-string-from-str", &Conversions);
    let intended: [(&str, &[&str]); 4] = [
        (
            "src/lib.rs",
            &["display_name: Some(\"Administrator\".to_string()),"],
        ),
        ("src/lib.rs", &["p.display_name = Some(name.to_string());"]),
        (
            "src/lib.rs",
            &["set_location(&mut p, Some(place.to_string()));"],
        ),
        (
            "src/lib.rs",
            &["set_location(&mut a, Some(\"server room\".to_string()));"],
        ),
    ];
    assert_eq!(
        ranks(&proposed, &intended),
        [Some(1), Some(1), Some(1), Some(1)]
    );
}

#[test]
fn move_fix_by_borrow() {
    let proposed = check("move-fix-by-borrow", &Moves);
    // The first error's other move (`post.body`) is reported only in the next round.
    let intended: [(&str, &[&str]); 2] = [
        ("src/lib.rs", &["let tags = tag_line(&post.tags);"]),
        ("src/lib.rs", &["let title = &post.title;"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 2]);
}

#[test]
fn method_renamed_dissimilar() {
    let proposed = check("method-renamed-dissimilar", &RenamedMethods);
    let intended: [(&str, &[&str]); 3] = [
        (
            "src/lib.rs",
            &["write!(f, \"total {}\", self.grand_total())"],
        ),
        ("src/lib.rs", &["if cart.grand_total() >= 5000 {"]),
        ("src/lib.rs", &["assert_eq!(c.grand_total(), 6600);"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn hole_argument_same_name() {
    let proposed = check("hole-argument-same-name", &Holes);
    let intended: [(&str, &[&str]); 3] = [
        (
            "src/lib.rs",
            &[".map(|line| decode(line.as_bytes(), decode_table))"],
        ),
        (
            "src/lib.rs",
            &["let bytes = decode(input.as_bytes(), decode_table).ok()?;"],
        ),
        (
            "src/lib.rs",
            &["decode(b\"MZXW6YTBOI======\", decode_table).unwrap()"],
        ),
    ];
    // The locals' type (`build_table`'s `Vec<u8>`) is not written, so they are passed as they
    // are; rustc's "consider borrowing here" completes them as a follow-up at the gate.
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
    // `decode_str`'s `alphabet` is the one unused `&[u8]` in scope, and wrong: a binding of the
    // name rules out guesses by type.
    assert_eq!(
        proposed[1].rank_of("src/lib.rs", &["decode(input.as_bytes(), alphabet)"]),
        None
    );
    for proposal in &proposed {
        assert_eq!(proposal.invented.last(), Some(&true), "{}", proposal.target);
        assert!(!proposal.invented[0]);
    }
}

#[test]
fn hole_field_shorthand() {
    let proposed = check("hole-field-shorthand", &Holes);
    let intended: [(&str, &[&str]); 3] = [
        (
            "src/lib.rs",
            &["                line,\n                len,\n            });"],
        ),
        (
            "src/lib.rs",
            &["Token { kind: Kind::Name, start, line, len }"],
        ),
        ("src/lib.rs", &["    Token { kind, start, len, line }"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
}

#[test]
fn hole_argument_by_type() {
    let proposed = check("hole-argument-by-type", &Holes);
    let intended: [(&str, &[&str]); 3] = [
        ("src/lib.rs", &[".filter(|task| is_due(task, at))"]),
        ("src/lib.rs", &["if is_due(task, &reference) {"]),
        ("src/lib.rs", &["assert!(is_due(&tasks[1], &noon));"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
    // A borrow of anything but a string or a slice has no made-up value.
    assert!(proposed.iter().all(|p| p.invented == [false]));
}

#[test]
fn hole_empty_value_tests_decide() {
    let proposed = check("hole-empty-value-tests-decide", &Holes);
    let intended: [(&str, &[&str]); 3] = [
        (
            "src/lib.rs",
            &[
                "            backoff_ms: 0,\n            give_up: None,\n            jitter_ms: 0,\n        }",
            ],
        ),
        (
            "src/lib.rs",
            &["RetryPolicy { attempts, backoff_ms, give_up: None, jitter_ms: 0 }"],
        ),
        (
            "src/lib.rs",
            &["            jitter_ms: 7,\n            give_up: None,\n        }"],
        ),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 3]);
    // Nothing in scope fits: every alternative makes its values up (a binding the literal gives
    // already, passed again, is a guess too).
    assert!(
        proposed
            .iter()
            .all(|p| !p.invented.is_empty() && p.invented.iter().all(|i| *i))
    );
}

#[test]
fn hole_made_up_value_refused() {
    let proposed = check("hole-made-up-value-refused", &Holes);
    let intended: [(&str, &[&str]); 2] = [
        (
            "src/lib.rs",
            &["format!(\"Total: {}\", render(total, symbol, true))"],
        ),
        ("src/lib.rs", &["render(amount, currency, false))"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 2]);
    assert_eq!(proposed[0].invented, [false, true]);
    // `false` is all there is for `describe`, and it is made up (and wrong: the tests say so).
    assert_eq!(proposed[1].invented, [true]);
}

#[test]
fn conversions_unsuggested() {
    let proposed = check("conversions-unsuggested", &Conversions);
    // Scopes by file: batch.rs, label.rs, reading.rs.
    let intended: [(&str, &[&str]); 12] = [
        ("src/batch.rs", &["    Ok(sizes.to_vec())\n"]),
        ("src/batch.rs", &["    Some(found.clone())\n"]),
        ("src/batch.rs", &["let wide: u64 = (*largest).into();"]),
        ("src/label.rs", &["part.note = Some(note.clone());"]),
        (
            "src/label.rs",
            &["aliases: aliases.into_iter().map(|item| item.to_string()).collect::<Vec<_>>(),"],
        ),
        ("src/label.rs", &["    note.map(|item| item.to_string())\n"]),
        ("src/label.rs", &["    Ok(code.to_string())\n"]),
        ("src/reading.rs", &["let wide: u64 = (*millis).into();"]),
        ("src/reading.rs", &["millis: first.into(),"]),
        ("src/reading.rs", &["peak_volts: peak.into(),"]),
        ("src/reading.rs", &["samples: Some(samples.into()),"]),
        ("src/reading.rs", &["    (*biggest).into()\n"]),
    ];
    assert_eq!(ranks(&proposed, &intended), [Some(1); 12]);
    // Each proposal makes no value up: every alternative is the expression, converted.
    assert!(proposed.iter().all(|p| p.invented.iter().all(|i| !i)));
}
