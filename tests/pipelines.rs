//! The shipped pipelines (`action.yml`, `ci-templates/`) parse as YAML, have the shape their CI
//! systems expect, and call only flags `cargo fix-swarm` has (read from clap's own definition),
//! with only inputs the action declares.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::CommandFactory as _;
use serde_norway::Value;

fn read_yaml(path: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    serde_norway::from_str(&text).unwrap_or_else(|error| panic!("{path}: {error}"))
}

/// Every string in `value`, recursively: the shell scripts among them are what runs.
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Sequence(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Mapping(map) => map.values().for_each(|item| strings(item, out)),
        Value::Tagged(tagged) => strings(&tagged.value, out),
        _ => {}
    }
}

/// The long flags given to `cargo fix-swarm` in the scripts of `value`: on its command line
/// (continued over `\` or folded lines, up to a shell operator) and in the `fix_swarm_args`
/// array the action builds. `cargo fix-swarm` quoted inside another command's text (a title) is
/// not a call.
fn flags_used(value: &Value) -> BTreeSet<String> {
    let mut scripts = Vec::new();
    strings(value, &mut scripts);
    let mut flags = BTreeSet::new();
    for script in scripts {
        let joined = script.replace("\\\n", " ");
        for line in joined.lines() {
            let Some(call) = call_in(line) else { continue };
            let words = call.split(|c: char| c.is_whitespace() || c == '(' || c == ')');
            for word in words.take_while(|word| !matches!(*word, "&&" | "||" | ";" | "|" | ">")) {
                if let Some(flag) = word.strip_prefix("--") {
                    let name = flag.split('=').next().unwrap_or(flag);
                    flags.insert(name.to_owned());
                }
            }
        }
    }
    flags
}

/// The part of `line` from a call of `cargo fix-swarm` (or an addition to `fix_swarm_args`) on.
fn call_in(line: &str) -> Option<&str> {
    for marker in ["cargo fix-swarm", "fix_swarm_args"] {
        for (at, _) in line.match_indices(marker) {
            let before = line[..at].chars().next_back();
            let after = line[at + marker.len()..].chars().next();
            let quoted = matches!(before, Some('"' | '\''));
            let whole_word = after.is_none_or(|c| c.is_whitespace() || c == '+' || c == '=');
            if !quoted && whole_word {
                return Some(&line[at..]);
            }
        }
    }
    None
}

/// The long flags `cargo fix-swarm` accepts, from clap's definition.
fn flags_defined() -> BTreeSet<String> {
    let command = cargo_fix_swarm::cli::CargoCli::command();
    let fix_swarm = command
        .find_subcommand("fix-swarm")
        .expect("the fix-swarm subcommand");
    fix_swarm
        .get_arguments()
        .filter_map(|argument| argument.get_long().map(str::to_owned))
        .collect()
}

fn assert_flags_exist(path: &str, used: &BTreeSet<String>, expected: &[&str]) {
    let defined = flags_defined();
    let unknown: Vec<&String> = used.difference(&defined).collect();
    assert!(unknown.is_empty(), "{path} calls unknown flags {unknown:?}");
    for flag in expected {
        assert!(
            used.contains(*flag),
            "{path} does not pass --{flag}: {used:?}"
        );
    }
}

#[test]
fn the_flag_reader_sees_flags_and_the_check_refuses_unknown_ones() {
    let script: Value = serde_norway::from_str(
        "run: |\n  cargo fix-swarm --dry-run \\\n    --patch-file=x.patch && echo --done\n  \
         fix_swarm_args+=(--commit)\n  cargo build --release\n  \
         gh pr create --title \"cargo fix-swarm: x\" --body-file x\n",
    )
    .unwrap();
    let used = flags_used(&script);
    assert_eq!(
        used,
        BTreeSet::from([
            "dry-run".to_owned(),
            "patch-file".to_owned(),
            "commit".to_owned()
        ])
    );
    assert!(flags_defined().is_superset(&used));
    assert!(!flags_defined().contains("no-such-flag"));
    assert!(flags_defined().contains("summary-md") && flags_defined().contains("force-branch"));
}

#[test]
fn the_composite_action_parses_and_maps_its_inputs_to_existing_flags() {
    let action = read_yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_mapping().expect("inputs");
    for input in [
        "patch-file",
        "summary-md",
        "commit",
        "branch",
        "force-branch",
        "dry-run",
    ] {
        assert!(
            inputs.contains_key(input),
            "action.yml lacks the input {input}"
        );
    }
    for output in ["exit-code", "branch", "patch-file", "summary-md"] {
        assert!(
            !action["outputs"][output]["value"].is_null(),
            "no output {output}"
        );
    }
    assert_flags_exist(
        "action.yml",
        &flags_used(&action),
        &[
            "patch-file",
            "summary-md",
            "commit",
            "branch",
            "force-branch",
            "dry-run",
            "gate",
        ],
    );
}

#[test]
fn the_github_workflow_parses_and_gives_the_action_only_its_inputs() {
    let workflow = read_yaml("ci-templates/github/fix-swarm.yml");
    let on = &workflow["on"];
    assert!(
        !on["workflow_run"].is_null() && !on["pull_request"].is_null(),
        "{on:?}"
    );
    let action = read_yaml("action.yml");
    let inputs = action["inputs"].as_mapping().unwrap();
    let steps = workflow["jobs"]["repair"]["steps"]
        .as_sequence()
        .expect("steps");
    let repair = steps
        .iter()
        .find(|step| step["id"] == "repair")
        .expect("a repair step");
    assert!(
        repair["uses"]
            .as_str()
            .unwrap()
            .ends_with("/cargo-fix-swarm@v1")
    );
    for (name, _) in repair["with"].as_mapping().expect("with") {
        let name = name.as_str().unwrap();
        assert!(inputs.contains_key(name), "the action has no input {name}");
    }
    let uses: Vec<&str> = steps
        .iter()
        .filter_map(|step| step["uses"].as_str())
        .collect();
    assert!(
        uses.iter().any(|u| u.starts_with("actions/cache@")),
        "{uses:?}"
    );
    assert!(
        uses.iter()
            .any(|u| u.starts_with("actions/upload-artifact@")),
        "{uses:?}"
    );
    let mut scripts = Vec::new();
    strings(&workflow, &mut scripts);
    assert!(scripts.iter().any(|s| s.contains("gh pr create")));
    assert_flags_exist(
        "ci-templates/github/fix-swarm.yml",
        &flags_used(&workflow),
        &[],
    );
}

#[test]
fn the_gitlab_job_parses_and_calls_existing_flags() {
    let gitlab = read_yaml("ci-templates/gitlab/fix-swarm.gitlab-ci.yml");
    let job = &gitlab["fix-swarm"];
    assert!(job["script"].is_sequence());
    assert!(
        job["cache"]["paths"]
            .as_sequence()
            .unwrap()
            .contains(&Value::from("target/"))
    );
    assert_eq!(job["artifacts"]["when"], "always");
    assert_flags_exist(
        "ci-templates/gitlab/fix-swarm.gitlab-ci.yml",
        &flags_used(&gitlab),
        &[
            "patch-file",
            "summary-md",
            "commit",
            "branch",
            "dry-run",
            "gate",
        ],
    );
}

/// Every `run:` script of `value`'s steps (a workflow's jobs, or a composite action).
fn run_scripts(value: &Value) -> Vec<String> {
    let mut found = Vec::new();
    match value {
        Value::Mapping(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    (Some("run"), Value::String(script)) => found.push(script.clone()),
                    _ => found.extend(run_scripts(item)),
                }
            }
        }
        Value::Sequence(items) => items
            .iter()
            .for_each(|item| found.extend(run_scripts(item))),
        _ => {}
    }
    found
}

#[test]
fn the_github_scripts_are_bash_that_parses_and_take_inputs_only_from_the_environment() {
    for path in [
        "action.yml",
        "ci-templates/github/fix-swarm.yml",
        "ci-templates/github/fix-swarm-matrix.yml",
    ] {
        let scripts = run_scripts(&read_yaml(path));
        assert!(!scripts.is_empty(), "{path} has no run script");
        for script in scripts {
            // Pasted into a script, `${{ inputs.x }}` would let an input inject shell code.
            assert!(
                !script.contains("${{"),
                "{path}: an expression in a script:\n{script}"
            );
            let parsed = std::process::Command::new("bash")
                .args(["-n", "-c", &script])
                .output()
                .unwrap();
            assert!(
                parsed.status.success(),
                "{path}: {}\n{script}",
                String::from_utf8_lossy(&parsed.stderr)
            );
        }
    }
}

/// The matrix's subcommands called in the scripts of `value`, each with the long flags given to
/// it (continued over `\` or folded lines, up to a shell operator).
fn subcommand_calls(value: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut scripts = Vec::new();
    strings(value, &mut scripts);
    let mut calls: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for script in scripts {
        let joined = script.replace("\\\n", " ");
        for line in joined.lines() {
            let Some(at) = line.find("cargo fix-swarm ") else {
                continue;
            };
            let mut words = line[at + "cargo fix-swarm ".len()..].split_whitespace();
            let Some(subcommand) = words.next().filter(|word| !word.starts_with('-')) else {
                continue;
            };
            let flags = calls.entry(subcommand.to_owned()).or_default();
            for word in words.take_while(|word| !matches!(*word, "&&" | "||" | ";" | "|" | ">")) {
                if let Some(flag) = word.strip_prefix("--") {
                    flags.insert(flag.split('=').next().unwrap_or(flag).to_owned());
                }
            }
        }
    }
    calls
}

/// The long flags the subcommand `name` of `cargo fix-swarm` accepts, from clap's definition.
fn flags_of_subcommand(name: &str) -> BTreeSet<String> {
    let command = cargo_fix_swarm::cli::CargoCli::command();
    let fix_swarm = command
        .find_subcommand("fix-swarm")
        .expect("the fix-swarm subcommand");
    let subcommand = fix_swarm
        .find_subcommand(name)
        .unwrap_or_else(|| panic!("no subcommand {name}"));
    subcommand
        .get_arguments()
        .filter_map(|argument| argument.get_long().map(str::to_owned))
        .collect()
}

/// The matrix's three jobs are called, each with flags its subcommand has and with `expected`.
fn assert_matrix_calls(path: &str, value: &Value, expected: &[(&str, &[&str])]) {
    let calls = subcommand_calls(value);
    assert_eq!(
        calls.keys().map(String::as_str).collect::<Vec<_>>(),
        ["merge", "plan", "work"],
        "{path}"
    );
    for (subcommand, flags) in &calls {
        let defined = flags_of_subcommand(subcommand);
        let unknown: Vec<&String> = flags.difference(&defined).collect();
        assert!(
            unknown.is_empty(),
            "{path}: {subcommand} is given unknown flags {unknown:?}"
        );
    }
    for (subcommand, flags) in expected {
        for flag in *flags {
            assert!(
                calls[*subcommand].contains(*flag),
                "{path}: {subcommand} is not given --{flag}"
            );
        }
    }
}

#[test]
fn the_matrix_flag_reader_sees_subcommands_and_their_flags() {
    let script: Value = serde_norway::from_str(
        "run: |\n  cargo fix-swarm plan --out p.json \\\n    --max-jobs=4 > m.json\n  \
         cargo fix-swarm --dry-run\n",
    )
    .unwrap();
    let calls = subcommand_calls(&script);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls["plan"],
        BTreeSet::from(["out".to_owned(), "max-jobs".to_owned()])
    );
    assert!(flags_of_subcommand("work").contains("job"));
    assert!(!flags_of_subcommand("plan").contains("no-such-flag"));
}

#[test]
fn the_github_matrix_workflow_plans_works_in_a_matrix_with_sccache_and_merges_the_artifacts() {
    let path = "ci-templates/github/fix-swarm-matrix.yml";
    let workflow = read_yaml(path);
    let jobs = &workflow["jobs"];
    assert!(
        jobs["plan"]["outputs"]["matrix"]
            .as_str()
            .unwrap()
            .contains("steps.plan.outputs.matrix")
    );
    let work = &jobs["work"];
    assert_eq!(work["needs"], "plan");
    assert_eq!(
        work["strategy"]["matrix"],
        "${{ fromJSON(needs.plan.outputs.matrix) }}"
    );
    let merge = &jobs["merge"];
    assert_eq!(
        merge["needs"],
        serde_norway::from_str::<Value>("[plan, work]").unwrap()
    );
    let uses = |job: &Value| -> Vec<String> {
        job["steps"]
            .as_sequence()
            .unwrap()
            .iter()
            .filter_map(|step| step["uses"].as_str().map(str::to_owned))
            .collect()
    };
    for job in ["plan", "work", "merge"] {
        assert!(
            uses(&jobs[job])
                .iter()
                .any(|used| used.starts_with("mozilla-actions/sccache-action")),
            "{job} has no sccache"
        );
    }
    assert!(
        uses(work)
            .iter()
            .any(|used| used.starts_with("actions/upload-artifact"))
    );
    assert!(
        uses(merge)
            .iter()
            .any(|used| used.starts_with("actions/download-artifact"))
    );
    assert_eq!(workflow["env"]["RUSTC_WRAPPER"], "sccache");
    assert_matrix_calls(
        path,
        &workflow,
        &[
            ("plan", &["out", "max-jobs", "matrix-json"]),
            ("work", &["plan", "job", "out"]),
            ("merge", &["plan", "patch-file", "summary-md", "dry-run"]),
        ],
    );
}

#[test]
fn the_gitlab_matrix_pipeline_plans_works_in_parallel_and_merges() {
    let path = "ci-templates/gitlab/fix-swarm-matrix.gitlab-ci.yml";
    let pipeline = read_yaml(path);
    let work = &pipeline["fix-swarm-work"];
    assert!(work["parallel"].as_u64().unwrap() > 1);
    assert_eq!(work["extends"], ".fix-swarm-job");
    assert_eq!(
        pipeline["fix-swarm-merge"]["needs"],
        serde_norway::from_str::<Value>("[fix-swarm-plan, fix-swarm-work]").unwrap()
    );
    assert_eq!(pipeline["fix-swarm-merge"]["artifacts"]["when"], "always");
    assert_eq!(
        pipeline[".fix-swarm-job"]["variables"]["RUSTC_WRAPPER"],
        "sccache"
    );
    assert_matrix_calls(
        path,
        &pipeline,
        &[
            ("plan", &["out", "max-jobs"]),
            ("work", &["plan", "job", "out"]),
            ("merge", &["plan", "patch-file", "summary-md", "dry-run"]),
        ],
    );
}
