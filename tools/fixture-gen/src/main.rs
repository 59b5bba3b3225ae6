//! fixture-gen: writes the `shopkeeper` base crate with N injected compile errors, each one a
//! mutation whose intended fix is known, plus the `fixture.toml` that cargo-fix-swarm's bench
//! reads. With `--members N` it writes a virtual workspace of N copies of the base instead
//! (`workspace.rs`). Output depends only on the seed, the error count, the kinds, the number of
//! members and the base sources.
//!
//! ```text
//! cargo run --manifest-path tools/fixture-gen/Cargo.toml -- --seed 7 --errors 320 --out fixtures/scale-320
//! ```

mod holes;
mod lex;
mod refactors;
mod rng;
mod site;
mod sites;
mod verify;
mod workspace;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::ExitCode;

use rng::Rng;
use sites::{Kind, Occ, Site, SourceFile, HOLE_KINDS, KINDS, REFACTOR_KINDS};
use verify::Check;
use workspace::Member;

/// The base crate, embedded so that the binary alone reproduces every fixture.
const BASE: &[(&str, &str)] = &[
    ("src/lib.rs", include_str!("../base/src/lib.rs")),
    ("src/config.rs", include_str!("../base/src/config.rs")),
    ("src/customers.rs", include_str!("../base/src/customers.rs")),
    ("src/events.rs", include_str!("../base/src/events.rs")),
    ("src/expr.rs", include_str!("../base/src/expr.rs")),
    ("src/geometry.rs", include_str!("../base/src/geometry.rs")),
    ("src/grades.rs", include_str!("../base/src/grades.rs")),
    ("src/graph.rs", include_str!("../base/src/graph.rs")),
    ("src/inventory.rs", include_str!("../base/src/inventory.rs")),
    ("src/matrix.rs", include_str!("../base/src/matrix.rs")),
    ("src/money.rs", include_str!("../base/src/money.rs")),
    ("src/orders.rs", include_str!("../base/src/orders.rs")),
    ("src/schedule.rs", include_str!("../base/src/schedule.rs")),
    ("src/stats.rs", include_str!("../base/src/stats.rs")),
    ("src/text.rs", include_str!("../base/src/text.rs")),
];
pub const MANIFEST: &str = include_str!("../base/Cargo.toml");

const USAGE: &str = "\
usage: fixture-gen --seed N --errors N|max --out DIR [--kinds K,K,...] [--members N] [--verify]
                   [--list]

  --seed N      seed of the generator (any u64)
  --errors N    number of mutations to inject (0: the clean crate; max: as many as fit;
                with --members, in all)
  --out DIR     directory to write (created; its src/ and shopkeeper-*/ are replaced)
  --kinds K,..  only these kinds (see --help-kinds; the hole and refactor kinds only when
                named here)
  --members N   write a virtual workspace of N copies of the base (shopkeeper-a, -b, ...),
                each mutated on its own, the mutations split evenly (default 1: one crate)
  --verify      check the result in a temporary copy: cargo check must report exactly the
                predicted errors (and with --errors 0, cargo test must pass); a
                workspace is checked whole
  --list        print every mutation
  --help-kinds  list the mutation kinds";

struct Args {
    seed: u64,
    errors: Option<usize>,
    out: PathBuf,
    kinds: Vec<Kind>,
    members: usize,
    verify: bool,
    list: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut seed = None;
    let mut errors = None;
    let mut out = None;
    let mut kinds = KINDS.to_vec();
    let mut members = 1;
    let mut verify = false;
    let mut list = false;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{} needs a value", arg));
        match arg.as_str() {
            "--seed" => {
                seed = Some(
                    value()?
                        .parse::<u64>()
                        .map_err(|e| format!("--seed: {}", e))?,
                )
            }
            "--errors" => {
                let text = value()?;
                errors = Some(if text == "max" {
                    None
                } else {
                    Some(
                        text.parse::<usize>()
                            .map_err(|e| format!("--errors: {}", e))?,
                    )
                });
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--kinds" => {
                kinds = value()?
                    .split(',')
                    .map(|name| {
                        Kind::from_name(name.trim()).ok_or_else(|| format!("unknown kind {}", name))
                    })
                    .collect::<Result<_, _>>()?
            }
            "--members" => {
                members = value()?
                    .parse::<usize>()
                    .map_err(|e| format!("--members: {}", e))?;
                if !(1..=workspace::MAX_MEMBERS).contains(&members) {
                    return Err(format!(
                        "--members: between 1 and {}",
                        workspace::MAX_MEMBERS
                    ));
                }
            }
            "--verify" => verify = true,
            "--list" => list = true,
            "--help-kinds" => {
                for kind in KINDS {
                    println!("{:18} {}", kind.name(), &kind.phrase(2)[2..]);
                }
                for kind in HOLE_KINDS.into_iter().chain(REFACTOR_KINDS) {
                    let phrase = &kind.phrase(2)[2..];
                    println!("{:18} {} (only with --kinds)", kind.name(), phrase);
                }
                std::process::exit(0);
            }
            "-h" | "--help" => {
                println!("{}", USAGE);
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {}", other)),
        }
    }
    Ok(Args {
        seed: seed.ok_or("--seed is required")?,
        errors: errors.ok_or("--errors is required")?,
        out: out.ok_or("--out is required")?,
        kinds,
        members,
        verify,
        list,
    })
}

/// A predicted error: code, file index, 1-based line, index of the mutation that causes it.
pub type Prediction = (String, usize, usize, usize);

/// One applied mutation.
pub struct Mutation {
    site: usize,
    /// For typos: the misspelt name.
    typo: Option<String>,
}

#[derive(Default, Clone)]
struct RegionState {
    count: usize,
    dependent: bool,
    exclusive: bool,
}

fn compatible(site: &Site, regions: &[RegionState], used_lines: &BTreeSet<(usize, usize)>) -> bool {
    site.lines.iter().all(|line| !used_lines.contains(line))
        && site.occupancy.iter().all(|(region, occ)| {
            let state = &regions[*region];
            match occ {
                Occ::Exclusive => state.count == 0,
                Occ::Dependent => !state.exclusive && !state.dependent,
                Occ::Independent => !state.exclusive,
            }
        })
}

fn occupy(site: &Site, regions: &mut [RegionState], used_lines: &mut BTreeSet<(usize, usize)>) {
    used_lines.extend(site.lines.iter().copied());
    for (region, occ) in &site.occupancy {
        let state = &mut regions[*region];
        state.count += 1;
        match occ {
            Occ::Exclusive => state.exclusive = true,
            Occ::Dependent => state.dependent = true,
            Occ::Independent => {}
        }
    }
}

const KEYWORDS: &[&str] = &[
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for",
    "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return",
    "self", "Self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where",
    "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final", "macro",
    "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "union", "gen",
];

/// Names from std that a typo must not land on or near, besides the crate's own identifiers.
const STD_NAMES: &[&str] = &[
    "pow",
    "powf",
    "powi",
    "sqrt",
    "abs",
    "min",
    "max",
    "len",
    "get",
    "set",
    "push",
    "pop",
    "map",
    "iter",
    "into_iter",
    "iter_mut",
    "sum",
    "product",
    "count",
    "rev",
    "zip",
    "skip",
    "take",
    "step_by",
    "chain",
    "cycle",
    "fold",
    "all",
    "any",
    "find",
    "position",
    "filter",
    "filter_map",
    "flat_map",
    "flatten",
    "last",
    "first",
    "nth",
    "peek",
    "next",
    "collect",
    "cloned",
    "copied",
    "clone",
    "to_owned",
    "to_string",
    "as_str",
    "as_ref",
    "as_mut",
    "borrow",
    "unwrap",
    "expect",
    "unwrap_or",
    "unwrap_or_default",
    "unwrap_or_else",
    "ok",
    "err",
    "ok_or",
    "ok_or_else",
    "and_then",
    "or_else",
    "is_some",
    "is_none",
    "is_ok",
    "is_err",
    "map_err",
    "map_or",
    "split",
    "splitn",
    "rsplit",
    "split_once",
    "rsplit_once",
    "lines",
    "chars",
    "bytes",
    "trim",
    "trim_start",
    "trim_end",
    "starts_with",
    "ends_with",
    "contains",
    "replace",
    "rfind",
    "parse",
    "insert",
    "remove",
    "entry",
    "or_insert",
    "or_default",
    "keys",
    "values",
    "values_mut",
    "sort",
    "sort_by",
    "sort_by_key",
    "sort_unstable",
    "dedup",
    "retain",
    "truncate",
    "extend",
    "drain",
    "clear",
    "is_empty",
    "join",
    "concat",
    "repeat",
    "reverse",
    "windows",
    "chunks",
    "swap",
    "split_at",
    "signum",
    "round",
    "floor",
    "ceil",
    "trunc",
    "fract",
    "exp",
    "ln",
    "log",
    "log10",
    "log2",
    "sin",
    "cos",
    "tan",
    "min_by",
    "max_by",
    "min_by_key",
    "max_by_key",
    "cmp",
    "partial_cmp",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "then",
    "then_with",
    "to_lowercase",
    "to_uppercase",
    "to_ascii_lowercase",
    "to_ascii_uppercase",
    "is_alphabetic",
    "is_alphanumeric",
    "is_numeric",
    "is_whitespace",
    "is_ascii_digit",
    "push_str",
    "capacity",
    "with_capacity",
    "resize",
    "get_mut",
    "contains_key",
    "as_slice",
    "to_vec",
    "saturating_sub",
    "saturating_add",
    "checked_sub",
    "checked_add",
    "wrapping_add",
    "enumerate",
    "into_keys",
    "into_values",
    "eq_ignore_ascii_case",
    "from",
    "into",
    "new",
    "default",
    "fmt",
    "write",
    "writeln",
    "format",
    "read",
    "hash",
    "sub",
    "add",
    "mul",
    "div",
    "rem",
    "neg",
    "not",
    "index",
    "deref",
    "drop",
    "as_deref",
    "split_whitespace",
    "char_indices",
    "rposition",
    "take_while",
    "skip_while",
    "extend_from_slice",
    "fill",
    "inspect",
    "scan",
    "push_back",
    "push_front",
    "pop_back",
    "pop_front",
    "len_utf8",
    "is_sorted",
    "binary_search",
    "iter_mut",
    "last_mut",
    "first_mut",
    "append",
    "split_off",
    "is_subset",
    "union",
    "intersection",
    "difference",
    "get_or_insert",
    "replace_range",
    "char",
    "chars_rev",
    "abs_diff",
    "clamp",
    "sorted",
    "min_max",
];

/// Optimal-string-alignment distance (edits and adjacent transpositions), as rustc uses.
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// A misspelling of `name` at distance 1 that is not, and is not near, any other known name.
fn typo(name: &str, rng: &mut Rng, known: &BTreeSet<String>) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    for _ in 0..40 {
        let mut result = chars.clone();
        match rng.below(3) {
            0 => {
                // Swap two neighbouring letters, keeping the first one.
                if chars.len() < 3 {
                    continue;
                }
                let i = 1 + rng.below(chars.len() - 2);
                if chars[i] == chars[i + 1]
                    || !chars[i].is_ascii_alphabetic()
                    || !chars[i + 1].is_ascii_alphabetic()
                {
                    continue;
                }
                result.swap(i, i + 1);
            }
            1 => {
                // Drop a letter, not the first.
                if chars.len() < 4 {
                    continue;
                }
                let i = 1 + rng.below(chars.len() - 1);
                if !chars[i].is_ascii_alphabetic() {
                    continue;
                }
                result.remove(i);
            }
            _ => {
                // Double a letter, not the first.
                let i = 1 + rng.below(chars.len() - 1);
                if !chars[i].is_ascii_alphabetic() {
                    continue;
                }
                result.insert(i, chars[i]);
            }
        }
        let candidate: String = result.into_iter().collect();
        if candidate == name || KEYWORDS.contains(&candidate.as_str()) || known.contains(&candidate)
        {
            continue;
        }
        if distance(&candidate, name) != 1 {
            continue;
        }
        let crowded = known
            .iter()
            .any(|other| other != name && distance(&candidate, other) <= 1);
        if crowded {
            continue;
        }
        return Some(candidate);
    }
    None
}

/// Words a renamed field or method gets in front of its old name.
const RENAME_PREFIXES: &[&str] = &["stored", "current", "base", "main", "known"];

/// The new name of a renamed member: a word in front of the old one, naming nothing else.
fn new_name(name: &str, rng: &mut Rng, known: &BTreeSet<String>) -> Option<String> {
    let first = rng.below(RENAME_PREFIXES.len());
    (0..RENAME_PREFIXES.len())
        .map(|k| {
            format!(
                "{}_{}",
                RENAME_PREFIXES[(first + k) % RENAME_PREFIXES.len()],
                name
            )
        })
        .find(|candidate| !known.contains(candidate))
}

fn choose(
    sites: &[Site],
    kinds: &[Kind],
    wanted: Option<usize>,
    regions: usize,
    files: &[SourceFile],
    rng: &mut Rng,
) -> Vec<Mutation> {
    let known: BTreeSet<String> = files
        .iter()
        .flat_map(|file| {
            (0..file.tokens.len())
                .filter(|i| file.is_ident(*i))
                .map(|i| file.tok(i).to_string())
                .collect::<Vec<_>>()
        })
        .chain(STD_NAMES.iter().map(|name| name.to_string()))
        .collect();
    let mut region_state = vec![RegionState::default(); regions];
    let mut used_lines = BTreeSet::new();
    let mut taken = vec![false; sites.len()];
    let mut chosen = Vec::new();
    while wanted.is_none_or(|wanted| chosen.len() < wanted) {
        let mut by_kind: Vec<Vec<usize>> = Vec::new();
        for kind in kinds {
            let open: Vec<usize> = (0..sites.len())
                .filter(|i| {
                    !taken[*i]
                        && sites[*i].kind == *kind
                        && compatible(&sites[*i], &region_state, &used_lines)
                })
                .collect();
            if !open.is_empty() {
                by_kind.push(open);
            }
        }
        if by_kind.is_empty() {
            break;
        }
        let open = &by_kind[rng.below(by_kind.len())];
        let index = open[rng.below(open.len())];
        taken[index] = true;
        let site = &sites[index];
        let typo = match site.rename {
            Some((start, end)) if site.kind == Kind::RenameMember => {
                match new_name(&files[site.file].text[start..end], rng, &known) {
                    Some(name) => Some(name),
                    None => continue,
                }
            }
            Some((start, end)) => match typo(&files[site.file].text[start..end], rng, &known) {
                Some(name) => Some(name),
                None => continue,
            },
            None => None,
        };
        occupy(site, &mut region_state, &mut used_lines);
        chosen.push(Mutation { site: index, typo });
    }
    chosen
}

/// The output text of every file, and the predicted errors as (code, file, line).
fn apply(
    files: &[SourceFile],
    sites: &[Site],
    mutations: &[Mutation],
) -> (Vec<String>, Vec<Prediction>) {
    let mut edits: Vec<Vec<(usize, usize, String)>> = vec![Vec::new(); files.len()];
    for mutation in mutations {
        let site = &sites[mutation.site];
        if let (Some((start, end)), Some(name)) = (site.rename, &mutation.typo) {
            edits[site.file].push((start, end, name.clone()));
        }
        for (start, end) in &site.deletions {
            edits[site.file].push((*start, *end, String::new()));
        }
        for (file, at, text) in &site.insertions {
            edits[*file].push((*at, *at, text.clone()));
        }
    }
    let mut outputs = Vec::new();
    let mut shifts: Vec<Vec<(usize, isize)>> = Vec::new();
    for (f, file) in files.iter().enumerate() {
        let list = &mut edits[f];
        list.sort();
        let mut out = String::new();
        let mut copied = 0;
        let mut shift = Vec::new();
        let mut delta: isize = 0;
        for (start, end, replacement) in list.iter() {
            assert!(
                *start >= copied,
                "{}: overlapping edits at {}",
                file.path,
                start
            );
            out.push_str(&file.text[copied..*start]);
            out.push_str(replacement);
            copied = *end;
            delta += replacement.len() as isize - (*end - *start) as isize;
            shift.push((*end, delta));
        }
        out.push_str(&file.text[copied..]);
        outputs.push(out);
        shifts.push(shift);
    }
    let mut predicted = Vec::new();
    for (m, mutation) in mutations.iter().enumerate() {
        for expected in &sites[mutation.site].expected {
            let delta = shifts[expected.file]
                .iter()
                .take_while(|(end, _)| *end <= expected.offset)
                .last()
                .map_or(0, |(_, delta)| *delta);
            let offset = (expected.offset as isize + delta) as usize;
            let line = outputs[expected.file][..offset].matches('\n').count() + 1;
            predicted.push((expected.code.clone(), expected.file, line, m));
        }
    }
    (outputs, predicted)
}

fn fixture_toml(
    args_seed: u64,
    requested: &str,
    members: &[Member],
    sites: &[Site],
    files: &[SourceFile],
    tests: usize,
) -> String {
    let mutations: Vec<&Mutation> = members.iter().flat_map(|m| &m.mutations).collect();
    let predicted: Vec<&Prediction> = members.iter().flat_map(|m| &m.predicted).collect();
    let mut per_kind: BTreeMap<Kind, usize> = BTreeMap::new();
    for mutation in &mutations {
        *per_kind.entry(sites[mutation.site].kind).or_insert(0) += 1;
    }
    let parts: Vec<String> = per_kind
        .iter()
        .map(|(kind, count)| kind.phrase(*count))
        .collect();
    let lines: usize = files.iter().map(|file| file.text.lines().count()).sum();
    let codes: BTreeSet<&str> = predicted.iter().map(|p| p.0.as_str()).collect();
    // One crate: "the `shopkeeper` library (...)"; a workspace: "a workspace of N copies of
    // the `shopkeeper` library (... each; members `a` and `b`)".
    let workspace = members.len() > 1;
    let names: Vec<String> = members.iter().map(Member::quoted).collect();
    let command = if workspace {
        format!(
            "--seed {} --errors {} --members {}",
            args_seed,
            requested,
            members.len()
        )
    } else {
        format!("--seed {} --errors {}", args_seed, requested)
    };
    let library = |clean: &str| {
        let counts = format!(
            "{} modules, {} lines, {} unit tests",
            files.len() - 1,
            lines,
            tests
        );
        if workspace {
            format!(
                "a workspace of {} copies of the {}`shopkeeper` library ({} each; members {})",
                members.len(),
                clean,
                counts,
                workspace::and_list(&names)
            )
        } else {
            format!("the {}`shopkeeper` library ({})", clean, counts)
        }
    };
    let description = if mutations.is_empty() {
        format!(
            "Generated by tools/fixture-gen {}: {}, no errors.",
            command,
            library("clean ")
        )
    } else {
        let holes = per_kind.keys().any(|kind| HOLE_KINDS.contains(kind));
        let refactors = per_kind.keys().any(|kind| REFACTOR_KINDS.contains(kind));
        let repaired_by = match (holes, refactors) {
            (false, false) => "each giving errors that rustc's own suggestions repair",
            (true, false) => "some leaving holes (a dropped argument or field) that rustc marks with a placeholder at most",
            (false, true) => "some leaving old paths or names behind a refactor (a moved item, a renamed member) that rustc does not point to",
            (true, true) => "some leaving holes (a dropped argument or field) that rustc marks with a placeholder at most, or old paths or names behind a refactor (a moved item, a renamed member) that rustc does not point to",
        };
        let (split, in_all) = if workspace {
            let each: Vec<String> = members
                .iter()
                .map(|m| format!("{} in {}", m.mutations.len(), m.quoted()))
                .collect();
            (format!(" ({})", each.join(", ")), "in all: ")
        } else {
            (String::new(), "")
        };
        format!(
            "Generated by tools/fixture-gen {}: {} with {} injected mutations{}, {} ({}{}).",
            command,
            library(""),
            mutations.len(),
            split,
            repaired_by,
            in_all,
            parts.join(", ")
        )
    };
    let codes: Vec<String> = codes.iter().map(|code| format!("\"{}\"", code)).collect();
    format!(
        "description = \"{}\"\nexpected_codes = [{}]\nexpected_errors = {}\n",
        description.replace('\\', "\\\\").replace('"', "\\\""),
        codes.join(", "),
        predicted.len()
    )
}

fn run() -> Result<bool, String> {
    let args = parse_args()?;
    let mut next_region = 0;
    let files: Vec<SourceFile> = BASE
        .iter()
        .map(|(path, raw)| sites::load(path, raw, &mut next_region))
        .collect();
    let sites = sites::find_sites(&files);
    let tests = files
        .iter()
        .map(|file| file.text.matches("#[test]").count())
        .sum();
    // One rng for all members, in order, so that the output depends only on the arguments.
    let mut rng = Rng::new(args.seed);
    let mut members = Vec::new();
    for (index, share) in workspace::shares(args.errors, args.members)
        .into_iter()
        .enumerate()
    {
        let dir = workspace::member_dir(index, args.members);
        let mutations = match share {
            Some(0) => Vec::new(),
            wanted => choose(&sites, &args.kinds, wanted, next_region, &files, &mut rng),
        };
        if let Some(wanted) = share {
            if mutations.len() < wanted {
                let within = if dir.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", dir)
                };
                eprintln!(
                    "warning: only {} of {} mutations fit{}",
                    mutations.len(),
                    wanted,
                    within
                );
            }
        }
        let (outputs, predicted) = apply(&files, &sites, &mutations);
        members.push(Member {
            dir,
            mutations,
            outputs,
            predicted,
        });
    }
    let requested = args.errors.map_or("max".to_string(), |n| n.to_string());
    let toml = fixture_toml(args.seed, &requested, &members, &sites, &files, tests);
    workspace::write_output(&args.out, MANIFEST, &files, &members, &toml)?;

    let mut per_kind: BTreeMap<Kind, (usize, usize)> = BTreeMap::new();
    for site in &sites {
        per_kind.entry(site.kind).or_default().1 += members.len();
    }
    let mut per_code: BTreeMap<&str, usize> = BTreeMap::new();
    for member in &members {
        for mutation in &member.mutations {
            per_kind.entry(sites[mutation.site].kind).or_default().0 += 1;
        }
        for p in &member.predicted {
            *per_code.entry(p.0.as_str()).or_insert(0) += 1;
        }
    }
    let mutations: usize = members.iter().map(|m| m.mutations.len()).sum();
    let predicted: usize = members.iter().map(|m| m.predicted.len()).sum();
    eprintln!(
        "{} mutations, {} predicted errors, written to {}",
        mutations,
        predicted,
        args.out.display()
    );
    if members.len() > 1 {
        for member in &members {
            eprintln!(
                "  {:18} {:4} mutations, {:4} predicted errors",
                member.dir,
                member.mutations.len(),
                member.predicted.len()
            );
        }
    }
    for (kind, (used, available)) in &per_kind {
        eprintln!("  {:18} {:4} of {:4} sites", kind.name(), used, available);
    }
    let codes: Vec<String> = per_code
        .iter()
        .map(|(code, count)| format!("{} {}", code, count))
        .collect();
    eprintln!("  codes: {}", codes.join(", "));
    if args.list {
        for member in &members {
            for (m, mutation) in member.mutations.iter().enumerate() {
                let site = &sites[mutation.site];
                let lines: Vec<String> = member
                    .predicted
                    .iter()
                    .filter(|p| p.3 == m)
                    .map(|p| format!("{}:{} {}", member.path(&files[p.1].path), p.2, p.0))
                    .collect();
                let typo = mutation
                    .typo
                    .as_ref()
                    .map(|t| format!(" -> `{}`", t))
                    .unwrap_or_default();
                println!(
                    "{:18} {}{}  [{}]",
                    site.kind.name(),
                    site.what,
                    typo,
                    lines.join("; ")
                );
            }
        }
    }
    if args.verify {
        let mut checks = Vec::new();
        let mut holes = BTreeSet::new();
        for member in &members {
            for (code, file, line, m) in &member.predicted {
                let site = &sites[member.mutations[*m].site];
                checks.push(Check {
                    path: member.path(&files[*file].path),
                    code: code.clone(),
                    line: *line,
                    what: format!("{} {}", site.kind.name(), site.what),
                });
            }
            for mutation in &member.mutations {
                let site = &sites[mutation.site];
                if !site.kind.fixed_by_rustc() {
                    holes.extend(site.expected.iter().map(|e| e.code.clone()));
                }
            }
        }
        return verify::verify(&args.out, &checks, &holes, mutations == 0);
    }
    Ok(true)
}

fn main() -> ExitCode {
    match run() {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("fixture-gen: {}", message);
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_counts_transpositions_once() {
        assert_eq!(distance("total", "totla"), 1);
        assert_eq!(distance("total", "totl"), 1);
        assert_eq!(distance("total", "tottal"), 1);
        assert_eq!(distance("abc", "xyz"), 3);
    }

    #[test]
    fn the_base_has_sites_of_every_kind() {
        let mut next_region = 0;
        let files: Vec<SourceFile> = BASE
            .iter()
            .map(|(path, raw)| sites::load(path, raw, &mut next_region))
            .collect();
        let sites = sites::find_sites(&files);
        for kind in KINDS.into_iter().chain(HOLE_KINDS) {
            assert!(
                sites.iter().any(|site| site.kind == kind),
                "no site for {:?}",
                kind
            );
        }
    }

    #[test]
    fn same_seed_same_choice() {
        let mut next_region = 0;
        let files: Vec<SourceFile> = BASE
            .iter()
            .map(|(path, raw)| sites::load(path, raw, &mut next_region))
            .collect();
        let sites = sites::find_sites(&files);
        let pick = |seed| {
            let mut rng = Rng::new(seed);
            let chosen = choose(&sites, &KINDS, Some(50), next_region, &files, &mut rng);
            apply(&files, &sites, &chosen).0
        };
        assert_eq!(pick(3), pick(3));
        assert_ne!(pick(3), pick(4));
    }

    #[test]
    fn a_hole_drops_one_binding_and_predicts_its_code_at_the_call_or_literal() {
        let mut next_region = 0;
        let files: Vec<SourceFile> = BASE
            .iter()
            .map(|(path, raw)| sites::load(path, raw, &mut next_region))
            .collect();
        let sites = sites::find_sites(&files);
        for (kind, code) in [(Kind::DropArgument, "E0061"), (Kind::DropField, "E0063")] {
            let at = sites.iter().position(|site| site.kind == kind).unwrap();
            let site = &sites[at];
            let (outputs, predicted) = apply(
                &files,
                &sites,
                &[Mutation {
                    site: at,
                    typo: None,
                }],
            );
            let clean = &files[site.file].text;
            let (start, end) = site.deletions[0];
            // Exactly the deletion changed, and what it removed is one binding and a comma.
            assert_eq!(
                outputs[site.file],
                format!("{}{}", &clean[..start], &clean[end..])
            );
            let removed = clean[start..end].trim_matches(|c: char| c == ',' || c.is_whitespace());
            let binding = removed.rsplit([':', '&', ' ']).next().unwrap();
            assert!(
                binding
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "{kind:?} removed `{removed}`"
            );
            assert_eq!(predicted.len(), 1);
            assert_eq!((predicted[0].0.as_str(), predicted[0].1), (code, site.file));
            assert!(!kind.fixed_by_rustc());
        }
        // The default kinds never choose a hole, so that the bundled seeds keep their output.
        let mut rng = Rng::new(7);
        let chosen = choose(&sites, &KINDS, None, next_region, &files, &mut rng);
        assert!(chosen.iter().all(|m| sites[m.site].kind.fixed_by_rustc()));
    }

    #[test]
    fn a_moved_item_leaves_its_module_for_another_and_its_old_paths_fail() {
        let mut next_region = 0;
        let files: Vec<SourceFile> = BASE
            .iter()
            .map(|(path, raw)| sites::load(path, raw, &mut next_region))
            .collect();
        let sites = sites::find_sites(&files);
        let mut checked = 0;
        for (at, site) in sites.iter().enumerate() {
            if site.kind != Kind::MoveItem || site.expected.is_empty() {
                continue;
            }
            let (outputs, predicted) = apply(
                &files,
                &sites,
                &[Mutation {
                    site: at,
                    typo: None,
                }],
            );
            let (start, end) = site.deletions[0];
            let item = files[site.file].text[start..end].trim_end();
            let (target, _, _) = &site.insertions[0];
            assert!(!outputs[site.file].contains(item), "{}", site.what);
            assert!(outputs[*target].contains(item), "{}", site.what);
            let name = site.what.split('`').nth(1).unwrap();
            assert_eq!(predicted.len(), site.expected.len());
            for (code, file, line, _) in &predicted {
                assert!(["E0422", "E0425", "E0432", "E0433"].contains(&code.as_str()));
                let text = outputs[*file].lines().nth(line - 1).unwrap();
                assert!(
                    text.contains(name),
                    "{}: line {} is `{}`",
                    site.what,
                    line,
                    text
                );
            }
            checked += 1;
        }
        assert!(checked > 10, "only {checked} moves checked");
        assert!(!Kind::MoveItem.fixed_by_rustc());
    }

    #[test]
    fn a_renamed_member_keeps_its_old_name_at_ten_or_more_uses() {
        let mut next_region = 0;
        let files: Vec<SourceFile> = BASE
            .iter()
            .map(|(path, raw)| sites::load(path, raw, &mut next_region))
            .collect();
        let sites = sites::find_sites(&files);
        let renames: Vec<usize> = (0..sites.len())
            .filter(|at| sites[*at].kind == Kind::RenameMember)
            .collect();
        assert!(renames.len() >= 10, "{} rename sites", renames.len());
        let mut codes = BTreeSet::new();
        for at in renames {
            let site = &sites[at];
            let (start, end) = site.rename.unwrap();
            let old = &files[site.file].text[start..end];
            let new = format!("stored_{}", old);
            let mutation = Mutation {
                site: at,
                typo: Some(new.clone()),
            };
            let (outputs, predicted) = apply(&files, &sites, &[mutation]);
            let clean = &files[site.file].text;
            assert_eq!(
                outputs[site.file],
                format!("{}{}{}", &clean[..start], new, &clean[end..])
            );
            assert!(predicted.len() >= refactors::MIN_RENAMED_USES);
            for (code, file, line, _) in &predicted {
                assert!(["E0560", "E0599", "E0609"].contains(&code.as_str()));
                let text = outputs[*file].lines().nth(line - 1).unwrap();
                assert!(
                    text.contains(old),
                    "{}: line {} is `{}`",
                    site.what,
                    line,
                    text
                );
                codes.insert(code.clone());
            }
        }
        // Fields read and built, and methods called.
        assert_eq!(codes.len(), 3, "{codes:?}");
        let mut rng = Rng::new(1);
        let name = new_name("total", &mut rng, &BTreeSet::new()).unwrap();
        assert!(name.ends_with("_total") && name.len() > "total".len() + 1);
    }
}
