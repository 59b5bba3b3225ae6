//! Benchmarks of the pure core (parse, plan, specialist, edits, diff) on the recorded many-errors
//! stream (3 MB, 528 distinct errors) and on a large synthetic source.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use cargo_fix_swarm::edit::{Edit, apply_edits};
use cargo_fix_swarm::parse::{SourceRoot, parse_stream};
use cargo_fix_swarm::patch::{Patch, Sources};
use cargo_fix_swarm::plan::plan;
use cargo_fix_swarm::specialist::{Context, RustcSuggestions, Specialist};
use criterion::{Criterion, criterion_group, criterion_main};

const MANY_ERRORS: &str = include_str!("../tests/data/many-errors.jsonl");

/// The scope size above which the engine splits a scope by file.
const SPLIT_ABOVE: usize = 40;

const SYNTHETIC_LINES: usize = 5_000;
/// One edit on every fifth line.
const SYNTHETIC_EDITS: usize = SYNTHETIC_LINES / 5;

fn many_errors_root() -> SourceRoot {
    SourceRoot {
        checkout: PathBuf::from("/tmp/recordings/many-errors"),
        workspace: PathBuf::new(),
        layout: None,
    }
}

fn pipeline(c: &mut Criterion) {
    let root = many_errors_root();
    let parsed = parse_stream(MANY_ERRORS, &root);
    assert_eq!(parsed.error_count(), 528, "the recording parses fully");
    let planned = plan(&parsed.diagnostics, SPLIT_ABOVE);
    let sources = Sources::default();
    let index = OnceLock::new();
    let context = Context::new(&sources, &index);

    c.bench_function("parse_stream many-errors (3 MB, 528 errors)", |b| {
        b.iter(|| parse_stream(black_box(MANY_ERRORS), &root));
    });
    c.bench_function("plan many-errors (split above 40)", |b| {
        b.iter(|| plan(black_box(&parsed.diagnostics), SPLIT_ABOVE));
    });
    c.bench_function("RustcSuggestions.propose over all scopes", |b| {
        b.iter(|| {
            black_box(&planned)
                .scopes
                .iter()
                .map(|scope| RustcSuggestions.propose(scope, &context).len())
                .sum::<usize>()
        });
    });
}

/// A file of `SYNTHETIC_LINES` lines like `    let value_17 = compute(17, input);`.
fn synthetic_source() -> String {
    (0..SYNTHETIC_LINES)
        .map(|i| format!("    let value_{i} = compute({i}, input);\n"))
        .collect()
}

/// Renames `value_N` on every fifth line, given in reverse order so that sorting has work to do.
fn synthetic_edits(file: &Path, source: &str) -> Vec<Edit> {
    let mut edits = Vec::with_capacity(SYNTHETIC_EDITS);
    let mut offset = 0;
    for (i, line) in source.split_inclusive('\n').enumerate() {
        if i % 5 == 0 {
            let start = offset + line.find("value_").expect("every line names a value");
            edits.push(Edit {
                file: file.to_owned(),
                start,
                end: start + "value".len(),
                replacement: "renamed".to_owned(),
            });
        }
        offset += line.len();
    }
    edits.reverse();
    edits
}

fn edits(c: &mut Criterion) {
    let file = Path::new("src/big.rs");
    let source = synthetic_source();
    let edits = synthetic_edits(file, &source);
    assert_eq!(edits.len(), SYNTHETIC_EDITS);
    let sources = Sources::new(BTreeMap::from([(file.to_owned(), source.clone())]));
    let patch = Patch::from_edits(&sources, &edits).expect("edits do not overlap");

    c.bench_function("apply_edits 1,000 edits on 5,000 lines", |b| {
        b.iter(|| apply_edits(file, black_box(&source), black_box(&edits)).expect("applies"));
    });
    c.bench_function("Patch::from_edits 1,000 edits on 5,000 lines", |b| {
        b.iter(|| Patch::from_edits(black_box(&sources), black_box(&edits)).expect("applies"));
    });
    c.bench_function("Patch::unified_diff 1,000 changed lines of 5,000", |b| {
        b.iter(|| black_box(&patch).unified_diff());
    });
}

criterion_group!(benches, pipeline, edits);
criterion_main!(benches);
