//! A rename as one decision. An alternative that swaps one name for another (a field, a method, a
//! path: `qty` → `on_hand`) answers a question that every other site of the same error asks too:
//! after a refactor, twenty uses of `item.qty` are one question with one answer. Knowing the
//! question lets the search gate an answer once for all its sites, and rank first the answers a
//! site's file never uses: a renamed item's new name is one the code written against the old
//! name has never had reason to write.

use std::collections::BTreeMap;

use crate::candidate::{Alternative, Proposal};
use crate::diagnostic::Applicability;
use crate::error_code::ErrorCode;
use crate::patch::{self, Patch, Sources};

/// The answers decided in earlier rounds, by question: a rename decided for the library's sites
/// holds for the tests' sites that show up once the library compiles.
pub type Decided = BTreeMap<Question, String>;

/// What every site of one error pattern asks: the same code, the same name replaced.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Question {
    pub code: Option<ErrorCode>,
    /// The text replaced: `qty`, `total_value`, `util::format_cents`.
    pub name: String,
}

/// An alternative seen as the answer to a question.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    pub question: Question,
    /// The text put in its place.
    pub answer: String,
}

/// The decision `alternative` makes for the error `code`, if it makes one: a single edit that
/// replaces a name (an identifier or a path) by another name.
pub fn decision_of(
    code: Option<&ErrorCode>,
    alternative: &Alternative,
    sources: &Sources,
) -> Option<Decision> {
    let [edit] = alternative.edits.as_slice() else {
        return None;
    };
    let replaced = sources.get(&edit.file)?.get(edit.start..edit.end)?;
    (is_name(replaced) && is_name(&edit.replacement) && replaced != edit.replacement).then(|| {
        Decision {
            question: Question {
                code: code.cloned(),
                name: replaced.to_owned(),
            },
            answer: edit.replacement.clone(),
        }
    })
}

/// The decisions a merged patch made for errors of `code`: each of its edits, narrowed to what
/// changed, that replaces a name by a name.
pub fn decisions_in(code: Option<&ErrorCode>, patch: &Patch) -> Vec<Decision> {
    patch
        .files
        .iter()
        .flat_map(|(path, change)| {
            patch::narrow_edits(path, &change.before, &change.after)
                .into_iter()
                .filter_map(|edit| {
                    let replaced = change.before.get(edit.start..edit.end)?;
                    (is_name(replaced) && is_name(&edit.replacement)).then(|| Decision {
                        question: Question {
                            code: code.cloned(),
                            name: replaced.to_owned(),
                        },
                        answer: edit.replacement,
                    })
                })
        })
        .collect()
}

/// Puts first the alternatives that give the answer an earlier round decided for their question.
pub fn rank_decided_first(proposal: &mut Proposal, sources: &Sources, decided: &Decided) {
    if decided.is_empty() {
        return;
    }
    let code = proposal.target.code.clone();
    proposal.alternatives.sort_by_key(|alternative| {
        let decision = decision_of(code.as_ref(), alternative, sources);
        decision.is_none_or(|d| decided.get(&d.question) != Some(&d.answer))
    });
}

/// An identifier or a path of them: `on_hand`, `inventory::pricing::format_cents`.
fn is_name(text: &str) -> bool {
    let starts_well = text
        .chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_');
    starts_well
        && text
            .split("::")
            .all(|segment| !segment.is_empty() && segment.chars().all(is_ident_char))
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Puts first, keeping their order otherwise, the rules' answers whose name the file they edit
/// never uses: of a struct's fields, the one the broken code does not mention is likelier the new
/// name than one it already uses correctly elsewhere. rustc's own suggestions keep rustc's order:
/// a typo's fix is a name the file does use.
pub fn rank_unused_answers_first(proposal: &mut Proposal, sources: &Sources) {
    let code = proposal.target.code.clone();
    let used = |alternative: &Alternative| {
        if alternative.applicability != Applicability::Unspecified {
            return false;
        }
        let Some(decision) = decision_of(code.as_ref(), alternative, sources) else {
            return false;
        };
        let file = &alternative.edits[0].file;
        let last = decision
            .answer
            .rsplit("::")
            .next()
            .unwrap_or(&decision.answer);
        sources
            .get(file)
            .is_some_and(|text| mentions_word(text, last))
    };
    proposal
        .alternatives
        .sort_by_key(|alternative| used(alternative));
}

/// Whether `word` occurs in `text` as a whole identifier.
fn mentions_word(text: &str, word: &str) -> bool {
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
    })
}

/// A member of a group: its proposal (by index) with its alternative (by index) for each answer.
pub type Member = (usize, BTreeMap<String, usize>);

/// Proposals that ask one question, and the answers they can give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub question: Question,
    pub members: Vec<Member>,
    /// The answers to try, the likeliest first: by the best rank any member gives them, then by
    /// how many members can give them.
    pub answers: Vec<String>,
}

impl Group {
    /// The choice that gives `answer` at every member that can give it.
    pub fn choice(&self, answer: &str) -> Vec<(usize, usize)> {
        self.members
            .iter()
            .filter_map(|(p, answers)| answers.get(answer).map(|&a| (*p, a)))
            .collect()
    }
}

/// The questions at least two of `proposals` ask, in the order of their first member. A
/// proposal belongs to one group at most: that of its first alternative with a decision.
/// Proposals with one alternative are left out: they have nothing to decide.
pub fn groups(proposals: &[Proposal], sources: &Sources) -> Vec<Group> {
    let mut by_question: BTreeMap<Question, Vec<Member>> = BTreeMap::new();
    for (p, proposal) in proposals.iter().enumerate() {
        if proposal.alternatives.len() < 2 {
            continue;
        }
        let code = proposal.target.code.as_ref();
        let decisions: Vec<(usize, Decision)> = proposal
            .alternatives
            .iter()
            .enumerate()
            .filter_map(|(a, alternative)| Some((a, decision_of(code, alternative, sources)?)))
            .collect();
        let Some((_, first)) = decisions.first() else {
            continue;
        };
        let question = first.question.clone();
        let mut answers = BTreeMap::new();
        for (a, decision) in decisions {
            if decision.question == question {
                answers.entry(decision.answer).or_insert(a);
            }
        }
        by_question.entry(question).or_default().push((p, answers));
    }
    let mut groups: Vec<Group> = by_question
        .into_iter()
        .filter(|(_, members)| members.len() > 1)
        .map(|(question, members)| {
            let answers = ranked_answers(&members);
            Group {
                question,
                members,
                answers,
            }
        })
        .collect();
    groups.sort_by_key(|group| group.members[0].0);
    groups
}

fn ranked_answers(members: &[Member]) -> Vec<String> {
    let mut standing: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (_, answers) in members {
        for (answer, &a) in answers {
            let entry = standing.entry(answer).or_insert((usize::MAX, 0));
            entry.0 = entry.0.min(a);
            entry.1 += 1;
        }
    }
    let mut answers: Vec<(&str, (usize, usize))> = standing.into_iter().collect();
    answers.sort_by_key(|&(answer, (best, count))| (best, std::cmp::Reverse(count), answer));
    answers
        .into_iter()
        .map(|(answer, _)| answer.to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::diagnostic::Identity;
    use crate::edit::Edit;

    const REPORT: &str = "fn f(item: &Item) -> String {\n    format!(\"{} {}\", item.sku, item.qty)\n}\n\
                          fn g(item: &Item) -> u32 {\n    item.qty + 1\n}\n";

    fn sources() -> Sources {
        Sources::new(BTreeMap::from([(
            PathBuf::from("src/report.rs"),
            REPORT.to_owned(),
        )]))
    }

    /// Replaces the `nth` (0-based) `qty` of the file by `name`.
    fn rename(nth: usize, name: &str) -> Alternative {
        let start = REPORT.match_indices("qty").nth(nth).unwrap().0;
        Alternative {
            label: format!("the field was renamed to `{name}`"),
            by: "test",
            applicability: Applicability::Unspecified,
            invented: Vec::new(),
            edits: vec![Edit {
                file: PathBuf::from("src/report.rs"),
                start,
                end: start + 3,
                replacement: name.to_owned(),
            }],
        }
    }

    fn proposal(nth: usize, names: &[&str]) -> Proposal {
        Proposal {
            target: Identity {
                code: Some(ErrorCode::from_static("E0609")),
                message: "no field `qty` on type `&Item`".to_owned(),
                file: Some(PathBuf::from("src/report.rs")),
                at: "qty".to_owned(),
                causes: Vec::new(),
            },
            site: None,
            alternatives: names.iter().map(|name| rename(nth, name)).collect(),
        }
    }

    #[test]
    fn a_name_swapped_for_a_name_is_a_decision_and_other_edits_are_not() {
        let decision = decision_of(
            Some(&ErrorCode::from_static("E0609")),
            &rename(0, "on_hand"),
            &sources(),
        )
        .unwrap();
        assert_eq!(decision.question.name, "qty");
        assert_eq!(decision.answer, "on_hand");
        for not_a_name in ["on_hand()", "x.on_hand", "", "1st", "a::"] {
            assert_eq!(
                decision_of(None, &rename(0, not_a_name), &sources()),
                None,
                "{not_a_name}"
            );
        }
        assert!(decision_of(None, &rename(0, "pricing::on_hand"), &sources()).is_some());
    }

    #[test]
    fn answers_the_file_already_uses_go_last() {
        let mut proposal = proposal(0, &["sku", "unit_cents", "on_hand"]);
        rank_unused_answers_first(&mut proposal, &sources());
        let order: Vec<&str> = proposal
            .alternatives
            .iter()
            .map(|a| a.edits[0].replacement.as_str())
            .collect();
        assert_eq!(order, ["unit_cents", "on_hand", "sku"]);
    }

    #[test]
    fn a_merged_rename_is_remembered_and_ranked_first_in_later_rounds() {
        let renamed = REPORT.replace("item.qty", "item.on_hand");
        let patch = Patch {
            files: BTreeMap::from([(
                PathBuf::from("src/report.rs"),
                crate::patch::FileChange {
                    before: REPORT.to_owned(),
                    after: renamed,
                },
            )]),
        };
        let code = ErrorCode::from_static("E0609");
        let decisions = decisions_in(Some(&code), &patch);
        assert_eq!(decisions.len(), 2);
        assert!(
            decisions
                .iter()
                .all(|d| d.question.name == "qty" && d.answer == "on_hand")
        );
        let decided: Decided = decisions
            .into_iter()
            .map(|d| (d.question, d.answer))
            .collect();
        // `sku` is used in the file and `on_hand` is not, yet the decided answer goes first.
        let mut proposal = proposal(0, &["unit_cents", "sku", "on_hand"]);
        rank_decided_first(&mut proposal, &sources(), &decided);
        assert_eq!(proposal.alternatives[0].edits[0].replacement, "on_hand");
    }

    #[test]
    fn rustcs_own_suggestions_keep_rustcs_order() {
        let mut proposal = proposal(0, &["sku", "on_hand"]);
        for alternative in &mut proposal.alternatives {
            alternative.applicability = Applicability::MaybeIncorrect;
        }
        rank_unused_answers_first(&mut proposal, &sources());
        assert_eq!(proposal.alternatives[0].edits[0].replacement, "sku");
    }

    #[test]
    fn sites_of_one_question_form_a_group_with_ranked_answers() {
        let proposals = [
            proposal(0, &["on_hand", "sku"]),
            proposal(1, &["sku", "on_hand", "unit_cents"]),
        ];
        let groups = groups(&proposals, &sources());
        assert_eq!(groups.len(), 1);
        let group = &groups[0];
        assert_eq!(group.question.name, "qty");
        // Both rank first somewhere; on_hand is given by as many members and sorts first.
        assert_eq!(group.answers, ["on_hand", "sku", "unit_cents"]);
        assert_eq!(group.choice("on_hand"), [(0, 0), (1, 1)]);
        assert_eq!(group.choice("unit_cents"), [(1, 2)]);
        // One site alone is no group, nor are sites with one alternative each.
        assert!(super::groups(&proposals[..1], &sources()).is_empty());
        let singles = [proposal(0, &["on_hand"]), proposal(1, &["on_hand"])];
        assert!(super::groups(&singles, &sources()).is_empty());
    }
}
