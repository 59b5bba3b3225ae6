//! The compiler phase an error code belongs to, which orders scopes and bounds what a fix may reveal.

use serde::{Deserialize, Serialize};

use crate::error_code::ErrorCode;

/// rustc's phases in the order it runs them. An error of an early phase often hides the errors of
/// later ones, so scopes are fixed in this order, and a fix may reveal errors of a later phase but
/// must not cause new ones in its own phase or an earlier one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    Syntax,
    NameResolution,
    TypesAndTraits,
    BorrowChecking,
}

/// Codes raised while parsing or expanding macros.
const SYNTAX: &[&str] = &["E0585", "E0586", "E0178", "E0748", "E0758"];

/// Codes raised by name resolution, imports and privacy.
const NAME_RESOLUTION: &[&str] = &[
    "E0252", "E0253", "E0254", "E0255", "E0259", "E0260", "E0401", "E0403", "E0404", "E0405",
    "E0407", "E0408", "E0411", "E0412", "E0415", "E0416", "E0422", "E0423", "E0424", "E0425",
    "E0426", "E0428", "E0429", "E0430", "E0431", "E0432", "E0433", "E0434", "E0435", "E0437",
    "E0438", "E0446", "E0451", "E0531", "E0532", "E0574", "E0577", "E0583", "E0603", "E0616",
    "E0624", "E0659",
];

/// Codes raised by the borrow checker and its move and mutability analysis.
const BORROW_CHECKING: &[&str] = &[
    "E0373", "E0381", "E0382", "E0383", "E0384", "E0499", "E0502", "E0503", "E0505", "E0506",
    "E0507", "E0508", "E0509", "E0515", "E0521", "E0594", "E0596", "E0597", "E0713", "E0716",
];

impl Phase {
    /// Errors without a code come from the parser. Unknown codes are assumed to belong to type
    /// checking, the phase that raises most of rustc's codes.
    pub fn of(code: Option<&ErrorCode>) -> Phase {
        let Some(code) = code else {
            return Phase::Syntax;
        };
        let code = code.as_str();
        if SYNTAX.contains(&code) {
            Phase::Syntax
        } else if NAME_RESOLUTION.contains(&code) {
            Phase::NameResolution
        } else if BORROW_CHECKING.contains(&code) {
            Phase::BorrowChecking
        } else {
            Phase::TypesAndTraits
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phase(code: &str) -> Phase {
        Phase::of(ErrorCode::parse(code).as_ref())
    }

    #[test]
    fn phases_follow_the_compiler() {
        assert_eq!(Phase::of(None), Phase::Syntax);
        assert_eq!(phase("E0425"), Phase::NameResolution);
        assert_eq!(phase("E0432"), Phase::NameResolution);
        assert_eq!(phase("E0308"), Phase::TypesAndTraits);
        assert_eq!(phase("E0599"), Phase::TypesAndTraits);
        assert_eq!(phase("E0382"), Phase::BorrowChecking);
        assert_eq!(phase("E0596"), Phase::BorrowChecking);
        assert!(Phase::Syntax < Phase::NameResolution);
        assert!(Phase::TypesAndTraits < Phase::BorrowChecking);
    }

    #[test]
    fn code_tables_are_sorted_and_disjoint() {
        for table in [SYNTAX, NAME_RESOLUTION, BORROW_CHECKING] {
            assert!(table.iter().all(|code| ErrorCode::parse(code).is_some()));
        }
        let mut all: Vec<_> = [SYNTAX, NAME_RESOLUTION, BORROW_CHECKING].concat();
        let count = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), count, "a code is in two phases");
    }
}
