//! Data-first tests of parse → plan → specialist → verdict on cargo JSON recorded from real crates
//! (`tests/data/*.jsonl`, described by the `.md` note next to each file).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cargo_fix_swarm::candidate::{Alternative, Proposal};
use cargo_fix_swarm::diagnostic::{
    Applicability, Diagnostic, Identity, LabeledSpan, Level, Location, Span, Suggestion,
};
use cargo_fix_swarm::edit::Edit;
use cargo_fix_swarm::error_code::ErrorCode;
use cargo_fix_swarm::parse::{ParsedCheck, SourceRoot, parse_stream};
use cargo_fix_swarm::patch::{FileChange, Patch, PatchError, Sources};
use cargo_fix_swarm::plan::{Plan, plan};
use cargo_fix_swarm::specialist::{Context, RustcSuggestions, Specialist};
use cargo_fix_swarm::verdict::{RejectReason, Verdict, judge};

/// One recording and what its note says about it after deduplication.
struct Recording {
    name: &'static str,
    /// The scratch crate under `/tmp/recordings` it was recorded in; spans are relative to it.
    crate_dir: &'static str,
    errors: usize,
    warnings: usize,
    succeeded: bool,
}

/// The table of `tests/data/README.md`.
const RECORDINGS: &[Recording] = &[
    recording("suggestions-mixed", "suggestions-mixed", 8, 1, false),
    recording("syntax-error", "syntax-error", 1, 0, false),
    recording("verdict-before", "verdict", 3, 0, false),
    recording("verdict-fixed-after", "verdict", 2, 0, false),
    recording("verdict-new-error-after", "verdict", 3, 0, false),
    recording("verdict-green-after", "verdict", 0, 1, true),
    recording("verdict-revealed-before", "verdict-revealed", 1, 0, false),
    recording("verdict-revealed-after", "verdict-revealed", 1, 0, false),
    recording("many-errors", "many-errors", 528, 0, false),
    recording("external-span", "external-span", 3, 0, false),
    recording("placeholders", "placeholders", 3, 0, false),
    recording(
        "workspace-two-members",
        "workspace-two-members",
        4,
        1,
        false,
    ),
    recording(
        "workspace-two-members-keep-going",
        "workspace-two-members",
        4,
        1,
        false,
    ),
    recording("move-partial-before", "move-partial", 2, 0, false),
    recording("move-partial-after", "move-partial", 2, 0, false),
    recording("target-wording", "target-wording", 2, 0, false),
];

const fn recording(
    name: &'static str,
    crate_dir: &'static str,
    errors: usize,
    warnings: usize,
    succeeded: bool,
) -> Recording {
    Recording {
        name,
        crate_dir,
        errors,
        warnings,
        succeeded,
    }
}

const GEN_RS: &str =
    "/tmp/recordings/external-span/target/debug/build/external-span-e2c3108e9a31f393/out/gen.rs";

fn data_path(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(file)
}

fn stream(name: &str) -> String {
    std::fs::read_to_string(data_path(&format!("{name}.jsonl"))).expect("recording exists")
}

fn root(name: &str) -> SourceRoot {
    let recording = RECORDINGS
        .iter()
        .find(|recording| recording.name == name)
        .expect("recording is in the table");
    SourceRoot {
        checkout: Path::new("/tmp/recordings").join(recording.crate_dir),
        workspace: PathBuf::new(),
        layout: None,
    }
}

fn parse(name: &str) -> ParsedCheck {
    parse_stream(&stream(name), &root(name))
}

/// The source files of a recording, read from the ```rust blocks of its note, in order.
fn noted_sources(name: &str, paths: &[&str]) -> Sources {
    let note = std::fs::read_to_string(data_path(&format!("{name}.md"))).expect("note exists");
    let blocks: Vec<&str> = note
        .split("```rust\n")
        .skip(1)
        .map(|rest| rest.split("```").next().expect("closed block"))
        .collect();
    assert_eq!(blocks.len(), paths.len(), "rust blocks in {name}.md");
    Sources::new(
        paths
            .iter()
            .zip(blocks)
            .map(|(path, text)| (PathBuf::from(path), text.to_owned()))
            .collect(),
    )
}

fn code(text: &str) -> Option<ErrorCode> {
    ErrorCode::parse(text)
}

fn edit(file: &str, start: usize, end: usize, replacement: &str) -> Edit {
    Edit {
        file: PathBuf::from(file),
        start,
        end,
        replacement: replacement.to_owned(),
    }
}

/// The identity of an error without secondary spans whose primary span quotes `at`.
fn identity(code_text: &str, message: &str, file: &str, at: &str) -> Identity {
    Identity {
        code: code(code_text),
        message: message.to_owned(),
        file: Some(PathBuf::from(file)),
        at: at.to_owned(),
        causes: Vec::new(),
    }
}

/// The one error of `parsed` with this code whose primary span starts on `line`.
fn error_at<'a>(parsed: &'a ParsedCheck, code_text: &str, line: usize) -> &'a Diagnostic {
    let found: Vec<&Diagnostic> = parsed
        .errors()
        .filter(|d| d.code == code(code_text) && d.primary.as_ref().map(|s| s.line) == Some(line))
        .collect();
    assert_eq!(found.len(), 1, "{code_text} at line {line}");
    found[0]
}

// ---- parse boundary ----

fn describe_location(diagnostic: &Diagnostic) -> String {
    match &diagnostic.location {
        Location::Workspace => "workspace".to_owned(),
        Location::External(path) => format!("external {}", path.display()),
        Location::Nowhere => "nowhere".to_owned(),
    }
}

fn describe_edits(edits: &[Edit]) -> String {
    edits
        .iter()
        .map(|e| {
            format!(
                "{} {}..{} {:?}",
                e.file.display(),
                e.start,
                e.end,
                e.replacement
            )
        })
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Everything a diagnostic carries except `rendered`, one line per diagnostic and suggestion.
fn describe_parsed(parsed: &ParsedCheck) -> String {
    let mut out = format!(
        "build_succeeded: {:?}, problems: {:?}\n",
        parsed.build_succeeded, parsed.problems
    );
    for d in &parsed.diagnostics {
        let code = d.code.as_ref().map_or("-", ErrorCode::as_str);
        let primary = d.primary.as_ref().map_or("no span".to_owned(), |s| {
            format!(
                "{}:{}:{} bytes {}..{}",
                s.file.display(),
                s.line,
                s.column,
                s.byte_start,
                s.byte_end
            )
        });
        writeln!(
            out,
            "{:?} [{code}] {primary} ({}) {}",
            d.level,
            describe_location(d),
            d.message
        )
        .unwrap();
        for s in &d.suggestions {
            writeln!(
                out,
                "    {:?} {:?}: {}",
                s.applicability,
                s.message,
                describe_edits(&s.edits)
            )
            .unwrap();
        }
    }
    out
}

fn check_parse(name: &str) {
    insta::assert_snapshot!(format!("parse-{name}"), describe_parsed(&parse(name)));
}

#[test]
fn every_recording_parses_to_the_counts_of_its_note() {
    let expected: Vec<(&str, usize, usize, Option<bool>, usize)> = RECORDINGS
        .iter()
        .map(|r| (r.name, r.errors, r.warnings, Some(r.succeeded), 0))
        .collect();
    let actual: Vec<(&str, usize, usize, Option<bool>, usize)> = RECORDINGS
        .iter()
        .map(|r| {
            let parsed = parse(r.name);
            let warnings = parsed
                .diagnostics
                .iter()
                .filter(|d| d.level == Level::Warning)
                .count();
            (
                r.name,
                parsed.error_count(),
                warnings,
                parsed.build_succeeded,
                parsed.problems.len(),
            )
        })
        .collect();
    assert_eq!(actual, expected);
}

#[test]
fn parse_suggestions_mixed() {
    check_parse("suggestions-mixed");
}

/// Suggestions rustc marks `HasPlaceholders` are kept when their text is complete code
/// (`State::Failed(_)`, `Box<`…`>`), tried last, and dropped when it holds a placeholder
/// (`/* i32 */`).
#[test]
fn parse_placeholders() {
    check_parse("placeholders");
}

#[test]
fn parse_syntax_error() {
    check_parse("syntax-error");
}

#[test]
fn parse_workspace_two_members() {
    check_parse("workspace-two-members");
}

#[test]
fn parse_verdict_recordings() {
    for name in [
        "verdict-before",
        "verdict-fixed-after",
        "verdict-new-error-after",
        "verdict-green-after",
        "verdict-revealed-before",
        "verdict-revealed-after",
    ] {
        check_parse(name);
    }
}

/// Counts the raw `level:"error"` messages of a stream, before any deduplication.
fn raw_error_lines(name: &str) -> usize {
    stream(name)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|value| value["message"]["level"] == "error")
        .count()
}

#[test]
fn lib_and_lib_test_duplicates_are_reported_once() {
    let counts: Vec<(&str, usize, usize)> = [
        "suggestions-mixed",
        "verdict-before",
        "many-errors",
        "workspace-two-members",
        "workspace-two-members-keep-going",
    ]
    .into_iter()
    .map(|name| (name, raw_error_lines(name), parse(name).error_count()))
    .collect();
    assert_eq!(
        counts,
        [
            // The E0308 of `mod tests` comes only from the lib-test unit: 7 x 2 + 1.
            ("suggestions-mixed", 15, 8),
            ("verdict-before", 6, 3),
            ("many-errors", 1056, 528),
            ("workspace-two-members", 4, 4),
            ("workspace-two-members-keep-going", 6, 4),
        ]
    );
    // Equal code and message at two places are two errors, not a duplicate.
    let before = parse("verdict-before");
    let totl: Vec<usize> = before
        .errors()
        .filter(|d| d.message == "cannot find value `totl` in this scope")
        .map(|d| d.primary.as_ref().unwrap().line)
        .collect();
    assert_eq!(totl, [3, 8]);
}

#[test]
fn keep_going_finds_the_same_diagnostics_as_the_plain_run() {
    let sorted = |name: &str| {
        let mut diagnostics = parse(name).diagnostics;
        diagnostics.sort_by(|a, b| (&a.primary, &a.message).cmp(&(&b.primary, &b.message)));
        diagnostics
    };
    assert_eq!(
        sorted("workspace-two-members-keep-going"),
        sorted("workspace-two-members")
    );
}

#[test]
fn a_syntax_error_has_no_code_and_its_primary_span_is_not_the_first() {
    let parsed = parse("syntax-error");
    let mut diagnostic = parsed.diagnostics[0].clone();
    assert!(diagnostic.rendered.contains("expected `;`, found `sum`"));
    diagnostic.rendered.clear();
    assert_eq!(
        parsed.diagnostics.len(),
        1,
        "no failure note for a syntax error"
    );
    assert_eq!(
        diagnostic,
        Diagnostic {
            level: Level::Error,
            code: None,
            message: "expected `;`, found `sum`".to_owned(),
            primary: Some(Span {
                file: PathBuf::from("src/lib.rs"),
                byte_start: 55,
                byte_end: 55,
                line: 2,
                column: 20,
            }),
            location: Location::Workspace,
            label: None,
            primary_text: String::new(),
            secondary: vec![LabeledSpan {
                span: Span {
                    file: PathBuf::from("src/lib.rs"),
                    byte_start: 60,
                    byte_end: 63,
                    line: 3,
                    column: 5,
                },
                label: Some("unexpected token".to_owned()),
                text: "sum".to_owned(),
            }],
            notes: vec!["add `;` here".to_owned()],
            suggestions: vec![Suggestion {
                message: "add `;` here".to_owned(),
                applicability: Applicability::MachineApplicable,
                edits: vec![edit("src/lib.rs", 55, 55, ";")],
            }],
            placeholders: Vec::new(),
            rendered: String::new(),
        }
    );
}

fn imports(message: &str, paths: &[&str]) -> Vec<Suggestion> {
    paths
        .iter()
        .map(|path| Suggestion {
            message: message.to_owned(),
            applicability: Applicability::MaybeIncorrect,
            edits: vec![edit("src/lib.rs", 0, 0, &format!("use {path};\n\n"))],
        })
        .collect()
}

#[test]
fn import_alternatives_become_separate_suggestions() {
    let parsed = parse("suggestions-mixed");
    assert_eq!(
        error_at(&parsed, "E0433", 32).suggestions,
        imports(
            "consider importing one of these enums",
            &["std::cmp::Ordering", "std::sync::atomic::Ordering"]
        )
    );
    // `rendered` shows 4 and says "and 1 other candidate"; the JSON has all 5.
    let error = error_at(&parsed, "E0425", 36);
    assert!(error.rendered.contains("and 1 other candidate"));
    assert_eq!(
        error.suggestions,
        imports(
            "consider importing one of these items",
            &[
                "std::error::Error",
                "std::fmt::Error",
                "std::io::Error",
                "core::error::Error",
                "core::fmt::Error",
            ]
        )
    );
}

#[test]
fn a_multipart_suggestion_stays_one_alternative() {
    let parsed = parse("suggestions-mixed");
    assert_eq!(
        error_at(&parsed, "E0106", 53).suggestions,
        [Suggestion {
            message: "consider introducing a named lifetime parameter".to_owned(),
            applicability: Applicability::MaybeIncorrect,
            edits: vec![
                edit("src/lib.rs", 1103, 1103, "<'a>"),
                edit("src/lib.rs", 1126, 1126, "'a "),
                edit("src/lib.rs", 1108, 1108, "'a "),
                edit("src/lib.rs", 1117, 1117, "'a "),
            ],
        }]
    );
}

#[test]
fn suggestions_with_placeholders_are_dropped() {
    let parsed = parse("suggestions-mixed");
    // The stream offers `fn name(&self) -> String { todo!() }`, marked HasPlaceholders.
    assert_eq!(
        raw_suggestions(&stream("suggestions-mixed"), "E0046"),
        [(
            "fn name(&self) -> String { todo!() }\n".to_owned(),
            "HasPlaceholders".to_owned()
        )]
    );
    assert_eq!(error_at(&parsed, "E0046", 15).suggestions, []);
    // They are kept apart, never among the suggestions: they say where a value goes.
    let placeholders = &error_at(&parsed, "E0046", 15).placeholders;
    assert_eq!(placeholders.len(), 1);
    assert_eq!(
        placeholders[0].edits[0].replacement,
        "fn name(&self) -> String { todo!() }\n"
    );
    // many-errors: every E0061 has exactly one suggestion child, and it has placeholders.
    let many = parse("many-errors");
    let e0061: Vec<(usize, usize)> = many
        .errors()
        .filter(|d| d.code == code("E0061"))
        .map(|d| (d.suggestions.len(), d.placeholders.len()))
        .collect();
    assert_eq!(e0061, [(0, 1); 48]);
}

/// The replacements and applicabilities of the first message with `code` in a raw stream.
fn raw_suggestions(stream: &str, code: &str) -> Vec<(String, String)> {
    let message = stream
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|value| value["message"].clone())
        .find(|message| message["code"]["code"] == code)
        .expect("code occurs in the stream");
    let children = message["children"].as_array().unwrap();
    children
        .iter()
        .flat_map(|child| child["spans"].as_array().unwrap())
        .filter(|span| span["suggested_replacement"].is_string())
        .map(|span| {
            (
                span["suggested_replacement"].as_str().unwrap().to_owned(),
                span["suggestion_applicability"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
fn failure_notes_are_not_errors() {
    let parsed = parse("suggestions-mixed");
    let others: Vec<(&str, Option<&Span>)> = parsed
        .diagnostics
        .iter()
        .filter(|d| !d.is_error() && d.level != Level::Warning)
        .map(|d| (d.message.as_str(), d.primary.as_ref()))
        .collect();
    assert_eq!(
        others,
        [
            (
                "Some errors have detailed explanations: E0046, E0063, E0106, E0425, E0433, E0596.",
                None
            ),
            (
                "For more information about an error, try `rustc --explain E0046`.",
                None
            ),
            (
                "Some errors have detailed explanations: E0046, E0063, E0106, E0308, E0425, E0433, E0596.",
                None
            ),
        ]
    );
    assert_eq!(parsed.error_count(), 8);
    assert!(plan(&parsed.diagnostics, 40).outside.is_empty());
}

#[test]
fn workspace_members_keep_workspace_relative_paths() {
    let parsed = parse("workspace-two-members");
    let errors: Vec<(Option<&str>, &Path, usize)> = parsed
        .errors()
        .map(|d| {
            (
                d.code.as_ref().map(ErrorCode::as_str),
                d.file().unwrap(),
                d.primary.as_ref().unwrap().line,
            )
        })
        .collect();
    let a = Path::new("crates/a/src/lib.rs");
    let b = Path::new("crates/b/src/lib.rs");
    assert_eq!(
        errors,
        [
            (Some("E0308"), a, 11),
            (Some("E0425"), a, 12),
            (Some("E0425"), b, 2),
            (Some("E0308"), b, 7),
        ]
    );
    let edits: Vec<&Edit> = parsed
        .diagnostics
        .iter()
        .flat_map(|d| &d.suggestions)
        .flat_map(|s| &s.edits)
        .collect();
    assert!(
        edits.iter().all(|e| e.file == a || e.file == b),
        "{edits:?}"
    );
}

// ---- plan boundary ----

fn describe_plan(plan: &Plan) -> String {
    let mut out = String::new();
    for scope in &plan.scopes {
        let files: Vec<String> = scope
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect();
        writeln!(
            out,
            "{} ({:?}): {} errors in {}",
            scope.id,
            scope.phase,
            scope.diagnostics.len(),
            files.join(", ")
        )
        .unwrap();
    }
    for d in &plan.outside {
        writeln!(out, "outside: {} ({})", d.message, describe_location(d)).unwrap();
    }
    out
}

fn check_plan(name: &str, split_above: usize) {
    let planned = plan(&parse(name).diagnostics, split_above);
    insta::assert_snapshot!(
        format!("plan-{name}-split-above-{split_above}"),
        describe_plan(&planned)
    );
}

#[test]
fn plan_suggestions_mixed() {
    check_plan("suggestions-mixed", 40);
}

#[test]
fn plan_workspace_two_members() {
    check_plan("workspace-two-members", 40);
}

#[test]
fn plan_many_errors() {
    check_plan("many-errors", 40);
    check_plan("many-errors", 50);
}

#[test]
fn many_errors_has_528_errors_of_10_codes() {
    let parsed = parse("many-errors");
    let mut by_code: BTreeMap<&str, usize> = BTreeMap::new();
    let mut by_file: BTreeMap<&Path, usize> = BTreeMap::new();
    let mut by_applicability: BTreeMap<Option<Applicability>, usize> = BTreeMap::new();
    for d in parsed.errors() {
        *by_code
            .entry(d.code.as_ref().map_or("-", ErrorCode::as_str))
            .or_default() += 1;
        *by_file.entry(d.file().unwrap()).or_default() += 1;
        *by_applicability
            .entry(d.suggestions.first().map(|s| s.applicability))
            .or_default() += 1;
    }
    assert_eq!(parsed.error_count(), 528);
    assert_eq!(
        by_code,
        BTreeMap::from([
            ("E0061", 48),
            ("E0308", 48),
            ("E0382", 48),
            ("E0384", 48),
            ("E0425", 96),
            ("E0433", 48),
            ("E0560", 48),
            ("E0596", 48),
            ("E0599", 48),
            ("E0609", 48),
        ])
    );
    let modules = [
        "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
        "juliet", "kilo", "lima",
    ];
    let files: Vec<PathBuf> = modules
        .iter()
        .map(|m| PathBuf::from(format!("src/{m}.rs")))
        .collect();
    assert_eq!(
        by_file,
        files
            .iter()
            .map(|f| (f.as_path(), 44))
            .collect::<BTreeMap<_, _>>()
    );
    assert_eq!(
        by_applicability,
        BTreeMap::from([
            (None, 48),
            (Some(Applicability::MachineApplicable), 144),
            (Some(Applicability::MaybeIncorrect), 336),
        ])
    );
}

#[test]
fn many_errors_splits_only_the_scopes_above_the_limit() {
    let diagnostics = parse("many-errors").diagnostics;
    let sizes = |split_above| -> Vec<(String, usize)> {
        plan(&diagnostics, split_above)
            .scopes
            .iter()
            .map(|s| (s.id.clone(), s.diagnostics.len()))
            .collect()
    };
    // Every code has more than 40 errors, so at 40 all of them split, in parts of whole files
    // of at most 40 errors: E0425 (8 in each of 12 files) in parts of 5, 5 and 2 files; the
    // others (4 in each file) in parts of 10 and 2 files.
    let at_40 = sizes(40);
    assert_eq!(at_40.len(), 3 + 9 * 2);
    assert_eq!(
        at_40[..3],
        [
            ("E0425 in src/alpha.rs and 4 more files".to_owned(), 40),
            ("E0425 in src/foxtrot.rs and 4 more files".to_owned(), 40),
            ("E0425 in src/kilo.rs and 1 more file".to_owned(), 16),
        ]
    );
    assert!(at_40.iter().all(|(_, size)| *size <= 40));
    let total: usize = at_40.iter().map(|(_, size)| size).sum();
    assert_eq!(total, diagnostics.iter().filter(|d| d.is_error()).count());
    // At 50 only E0425 (96) splits, in two parts of 6 files; the 48s stay whole.
    let at_50 = sizes(50);
    let mut expected: Vec<(String, usize)> = vec![
        ("E0425 in src/alpha.rs and 5 more files".to_owned(), 48),
        ("E0425 in src/golf.rs and 5 more files".to_owned(), 48),
    ];
    expected.extend(
        [
            "E0433", "E0061", "E0308", "E0560", "E0599", "E0609", "E0382", "E0384", "E0596",
        ]
        .iter()
        .map(|id| ((*id).to_owned(), 48)),
    );
    assert_eq!(at_50, expected);
    assert_eq!(sizes(96).len(), 10);
}

#[test]
fn errors_in_generated_out_dir_code_stay_outside_the_plan() {
    let parsed = parse("external-span");
    let locations: Vec<(Option<&str>, &Location)> = parsed
        .errors()
        .map(|d| (d.code.as_ref().map(ErrorCode::as_str), &d.location))
        .collect();
    let generated = Location::External(PathBuf::from(GEN_RS));
    assert_eq!(
        locations,
        [
            (Some("E0425"), &Location::Workspace),
            (Some("E0308"), &generated),
            (Some("E0596"), &generated),
        ]
    );
    // The MachineApplicable `mut ` for gen.rs is not offered: the build script rewrites that file.
    let offered: Vec<&Edit> = parsed
        .diagnostics
        .iter()
        .flat_map(|d| &d.suggestions)
        .flat_map(|s| &s.edits)
        .collect();
    assert_eq!(offered, [&edit("src/lib.rs", 119, 125, "answr")]);

    let planned = plan(&parsed.diagnostics, 40);
    let scopes: Vec<&str> = planned.scopes.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(scopes, ["E0425"]);
    let outside: Vec<Option<&str>> = planned
        .outside
        .iter()
        .map(|d| d.code.as_ref().map(ErrorCode::as_str))
        .collect();
    assert_eq!(outside, [Some("E0308"), Some("E0596")]);
}

#[test]
fn first_suggestions_of_external_span_change_only_the_package() {
    // The stream does offer the MachineApplicable `mut ` for gen.rs; it must not reach a patch.
    assert_eq!(
        raw_suggestions(&stream("external-span"), "E0596"),
        [("mut ".to_owned(), "MachineApplicable".to_owned())]
    );
    let sources = noted_sources("external-span", &["build.rs", "src/lib.rs"]);
    let lib = sources.get(Path::new("src/lib.rs")).unwrap();
    assert_eq!(
        first_suggestions_patch("external-span", &sources),
        Ok(Patch {
            files: BTreeMap::from([(
                PathBuf::from("src/lib.rs"),
                FileChange {
                    before: lib.to_owned(),
                    after: lib.replace("    answer\n", "    answr\n"),
                }
            )])
        })
    );
}

// ---- specialist boundary ----

fn describe_proposals(proposals: &[Proposal]) -> String {
    let mut out = String::new();
    for proposal in proposals {
        let target = &proposal.target;
        writeln!(
            out,
            "[{}] {} in {}",
            target.code.as_ref().map_or("-", ErrorCode::as_str),
            target.message,
            target
                .file
                .as_ref()
                .map_or("-".to_owned(), |f| f.display().to_string())
        )
        .unwrap();
        for (rank, alternative) in proposal.alternatives.iter().enumerate() {
            writeln!(
                out,
                "    {}. {:?} {:?}: {}",
                rank + 1,
                alternative.applicability,
                alternative.label,
                describe_edits(&alternative.edits)
            )
            .unwrap();
        }
    }
    out
}

fn propose_all(planned: &Plan, sources: &Sources) -> Vec<Proposal> {
    let index = OnceLock::new();
    let context = Context::new(sources, &index);
    planned
        .scopes
        .iter()
        .flat_map(|scope| RustcSuggestions.propose(scope, &context))
        .collect()
}

fn check_proposals(name: &str, sources: &Sources) {
    let planned = plan(&parse(name).diagnostics, 40);
    insta::assert_snapshot!(
        format!("proposals-{name}"),
        describe_proposals(&propose_all(&planned, sources))
    );
}

fn suggestions_mixed_sources() -> Sources {
    noted_sources("suggestions-mixed", &["src/lib.rs"])
}

#[test]
fn proposals_suggestions_mixed() {
    check_proposals("suggestions-mixed", &suggestions_mixed_sources());
}

#[test]
fn proposals_workspace_two_members() {
    let sources = noted_sources(
        "workspace-two-members",
        &["crates/a/src/lib.rs", "crates/b/src/lib.rs"],
    );
    check_proposals("workspace-two-members", &sources);
}

#[test]
fn machine_applicable_suggestions_are_ranked_first() {
    let parsed = parse("suggestions-mixed");
    // No recorded diagnostic mixes applicabilities, so graft E0596's MachineApplicable `mut `
    // after E0433's two MaybeIncorrect imports.
    let mut mixed = error_at(&parsed, "E0433", 32).clone();
    let machine = error_at(&parsed, "E0596", 43).suggestions[0].clone();
    mixed.suggestions.push(machine.clone());
    let planned = plan(&[mixed.clone()], 40);
    let sources = suggestions_mixed_sources();
    let index = OnceLock::new();
    let proposals = RustcSuggestions.propose(&planned.scopes[0], &Context::new(&sources, &index));
    let alternative = |s: &Suggestion| Alternative {
        by: "rustc-suggestions",
        label: s.message.clone(),
        applicability: s.applicability,
        edits: s.edits.clone(),
        invented: Vec::new(),
    };
    assert_eq!(
        proposals,
        [Proposal {
            target: mixed.identity(),
            site: mixed.primary.clone(),
            alternatives: vec![
                alternative(&machine),
                alternative(&mixed.suggestions[0]),
                alternative(&mixed.suggestions[1]),
            ],
        }]
    );
}

#[test]
fn many_errors_proposals_cover_every_suggestion() {
    let planned = plan(&parse("many-errors").diagnostics, 40);
    let proposals = propose_all(&planned, &Sources::default());
    let alternatives: usize = proposals.iter().map(|p| p.alternatives.len()).sum();
    // 528 errors minus the 48 E0061 whose only suggestion has placeholders.
    assert_eq!((proposals.len(), alternatives), (480, 480));
}

// ---- applying suggestions ----

/// Applies the first suggestion of every error in the checkout.
fn first_suggestions_patch(name: &str, sources: &Sources) -> Result<Patch, PatchError> {
    let parsed = parse(name);
    let edits: Vec<Edit> = parsed
        .errors()
        .filter(|d| d.location == Location::Workspace)
        .filter_map(|d| d.suggestions.first())
        .flat_map(|s| s.edits.clone())
        .collect();
    Patch::from_edits(sources, &edits)
}

/// Applies the first suggestion of every error in the checkout and snapshots the diff.
fn check_first_suggestions(name: &str, sources: &Sources) -> Patch {
    let patch = first_suggestions_patch(name, sources).expect("first suggestions apply together");
    insta::assert_snapshot!(format!("first-suggestions-{name}"), patch.unified_diff());
    patch
}

#[test]
fn first_suggestions_of_suggestions_mixed_apply() {
    let patch = check_first_suggestions("suggestions-mixed", &suggestions_mixed_sources());
    let after = &patch.files[Path::new("src/lib.rs")].after;
    assert!(after.starts_with("use std::cmp::Ordering;\n\nuse std::error::Error;\n\n"));
    assert!(after.contains("pub fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {"));
}

#[test]
fn first_suggestions_of_small_recordings_apply() {
    let cases: [(&str, &[&str]); 5] = [
        ("syntax-error", &["src/lib.rs"]),
        ("verdict-before", &["src/lib.rs"]),
        ("verdict-new-error-after", &["src/lib.rs"]),
        ("verdict-revealed-after", &["src/lib.rs"]),
        (
            "workspace-two-members",
            &["crates/a/src/lib.rs", "crates/b/src/lib.rs"],
        ),
    ];
    for (name, paths) in cases {
        check_first_suggestions(name, &noted_sources(name, paths));
    }
}

#[test]
fn fixing_both_typos_of_verdict_before_gives_the_green_state_but_for_third() {
    let sources = noted_sources("verdict-before", &["src/lib.rs"]);
    let patch = first_suggestions_patch("verdict-before", &sources).unwrap();
    let green = noted_sources("verdict-green-after", &["src/lib.rs"]);
    let after = &patch.files[Path::new("src/lib.rs")].after;
    let expected = green.get(Path::new("src/lib.rs")).unwrap().replace(
        "    let label: u32 = 3;\n    let unused = 0;\n",
        "    let label: u32 = \"three\";\n",
    );
    assert_eq!(after, &expected);
}

// ---- verdict boundary ----

fn totl() -> Identity {
    identity(
        "E0425",
        "cannot find value `totl` in this scope",
        "src/lib.rs",
        "totl",
    )
}

/// Judges the step from one recording to another for the errors `targets` picks in the first.
fn check_verdict(before: &str, after: &str, targets: &[(&str, usize)]) -> Verdict {
    let before = parse(before);
    let targets: Vec<Identity> = targets
        .iter()
        .map(|(code, line)| error_at(&before, code, *line).identity())
        .collect();
    judge(&before.diagnostics, &targets, &parse(after), |_| false)
}

#[test]
fn a_fix_that_shifts_the_other_errors_down_is_accepted() {
    assert_eq!(
        check_verdict("verdict-before", "verdict-fixed-after", &[("E0425", 3)]),
        Verdict::Accepted {
            remaining_errors: 2,
            resolved: vec![totl()],
            revealed: vec![]
        }
    );
}

#[test]
fn a_fix_that_adds_an_error_of_its_phase_is_rejected() {
    assert_eq!(
        check_verdict("verdict-before", "verdict-new-error-after", &[("E0425", 3)]),
        Verdict::Rejected(RejectReason::NewErrors {
            errors: vec![identity(
                "E0425",
                "cannot find value `valuse` in this scope",
                "src/lib.rs",
                "valuse"
            )]
        })
    );
}

#[test]
fn targeting_both_equal_errors_when_one_remains_is_rejected() {
    assert_eq!(
        check_verdict(
            "verdict-before",
            "verdict-fixed-after",
            &[("E0425", 3), ("E0425", 8)]
        ),
        Verdict::Rejected(RejectReason::TargetsRemain {
            remaining: vec![totl()]
        })
    );
}

#[test]
fn a_fix_that_reveals_a_later_phase_error_is_accepted() {
    assert_eq!(
        check_verdict(
            "verdict-revealed-before",
            "verdict-revealed-after",
            &[("E0432", 1)]
        ),
        Verdict::Accepted {
            remaining_errors: 1,
            resolved: vec![identity(
                "E0432",
                "unresolved import `std::colections`",
                "src/lib.rs",
                "colections"
            )],
            revealed: vec![identity(
                "E0599",
                "no method named `length` found for struct `HashMap<K, V, S, A>` in the current scope",
                "src/lib.rs",
                "length"
            )]
        }
    );
}

#[test]
fn a_green_build_is_accepted_with_nothing_left() {
    let mismatch = error_at(&parse("verdict-before"), "E0308", 12).identity();
    assert_eq!(mismatch.at, "\"three\"");
    assert_eq!(mismatch.causes, ["expected due to this: u32"]);
    for targets in [
        &[("E0425", 3), ("E0425", 8), ("E0308", 12)][..],
        &[("E0425", 3)][..],
    ] {
        assert_eq!(
            check_verdict("verdict-before", "verdict-green-after", targets),
            Verdict::Accepted {
                remaining_errors: 0,
                resolved: vec![mismatch.clone(), totl(), totl(),],
                revealed: vec![]
            }
        );
    }
}

#[test]
fn two_borrows_alike_but_for_what_was_moved_are_two_errors() {
    let before = parse("move-partial-before");
    let tags = error_at(&before, "E0382", 27).identity();
    let title = error_at(&before, "E0382", 33).identity();
    assert_ne!(tags, title);
    assert!(tags.same_place(&title), "both at `&post`");
    assert_eq!(tags.at, "&post");
    assert_eq!(tags.causes, ["value partially moved here: post.tags"]);
    assert_eq!(title.causes, ["value partially moved here: post.title"]);
}

#[test]
fn fixing_one_move_reveals_the_move_it_hid_at_the_same_place() {
    let after = parse("move-partial-after");
    let body = error_at(&after, "E0382", 27).identity();
    assert_eq!(body.causes, ["value partially moved here: post.body"]);
    let tags = error_at(&parse("move-partial-before"), "E0382", 27).identity();
    assert_eq!(
        check_verdict(
            "move-partial-before",
            "move-partial-after",
            &[("E0382", 27)]
        ),
        Verdict::Accepted {
            remaining_errors: 2,
            resolved: vec![tags],
            revealed: vec![body]
        }
    );
    // The `post.title` move was not touched: a candidate aimed at it did not fix it.
    let title = error_at(&after, "E0382", 33).identity();
    assert_eq!(
        check_verdict(
            "move-partial-before",
            "move-partial-after",
            &[("E0382", 33)]
        ),
        Verdict::Rejected(RejectReason::TargetsRemain {
            remaining: vec![title]
        })
    );
}

#[test]
fn one_error_worded_for_two_targets_is_counted_once() {
    let parsed = parse("target-wording");
    let errors: Vec<(String, String)> = parsed
        .errors()
        .map(|d| {
            (
                cargo_fix_swarm::position::label(d.position().as_ref()),
                d.message.clone(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (
                "geo/src/lib.rs:4:12".to_owned(),
                "no field `sid` on type `&Square`".to_owned()
            ),
            (
                "geo-cli/src/main.rs:4:18".to_owned(),
                "no field `sides` on type `&Square`".to_owned()
            ),
        ]
    );
    // Either wording comes first, as the units finish: the same one is kept.
    let reversed: String = stream("target-wording")
        .lines()
        .rev()
        .map(|line| format!("{line}\n"))
        .collect();
    let by_position = |parsed: ParsedCheck| {
        let mut errors: Vec<Diagnostic> = parsed.errors().cloned().collect();
        errors.sort_by_key(Diagnostic::position);
        errors
    };
    assert_eq!(
        by_position(parse_stream(&reversed, &root("target-wording"))),
        by_position(parsed)
    );
}

#[test]
fn a_stream_cut_short_is_a_failed_build() {
    // The green stream without its `build-finished` line: no errors, but no finished build either.
    let green = stream("verdict-green-after");
    let cut: String = green
        .lines()
        .filter(|line| !line.contains("\"build-finished\""))
        .map(|line| format!("{line}\n"))
        .collect();
    let before = parse("verdict-before");
    let after = parse_stream(&cut, &root("verdict-green-after"));
    let target = error_at(&before, "E0425", 3).identity();
    assert!(matches!(
        judge(&before.diagnostics, &[target], &after, |_| false),
        Verdict::Rejected(RejectReason::BuildFailed { .. })
    ));
}
