//! `ErrorCode`, a rustc error code such as `E0425`, validated once when it enters the program.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A rustc error code: `E` and four ASCII digits. Codes read from cargo's output are owned; codes
/// written in the program (the ones a rule handles) are borrowed from a constant.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ErrorCode(Cow<'static, str>);

impl ErrorCode {
    /// Accepts exactly `E` followed by four ASCII digits; lint names and anything else are refused.
    pub fn parse(text: &str) -> Option<ErrorCode> {
        is_error_code(text.as_bytes()).then(|| ErrorCode(Cow::Owned(text.to_owned())))
    }

    /// A code written in the program. In a `const`, a malformed code fails the build.
    pub const fn from_static(text: &'static str) -> ErrorCode {
        assert!(is_error_code(text.as_bytes()), "not a rustc error code");
        ErrorCode(Cow::Borrowed(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `E` followed by four ASCII digits (`const`, so that constants are checked when compiled).
const fn is_error_code(bytes: &[u8]) -> bool {
    if bytes.len() != 5 || bytes[0] != b'E' {
        return false;
    }
    let mut at = 1;
    while at < bytes.len() {
        if !bytes[at].is_ascii_digit() {
            return false;
        }
        at += 1;
    }
    true
}

impl TryFrom<String> for ErrorCode {
    type Error = String;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        ErrorCode::parse(&text).ok_or_else(|| format!("not a rustc error code: {text:?}"))
    }
}

impl From<ErrorCode> for String {
    fn from(code: ErrorCode) -> String {
        code.0.into_owned()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_validated_once() {
        assert_eq!(ErrorCode::parse("E0425").unwrap().as_str(), "E0425");
        for bad in ["E042", "E04255", "unused_variables", "e0425", "E04a5", ""] {
            assert_eq!(ErrorCode::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn constant_codes_equal_parsed_ones() {
        const E0308: ErrorCode = ErrorCode::from_static("E0308");
        assert_eq!(Some(E0308), ErrorCode::parse("E0308"));
        assert_eq!(String::from(E0308), "E0308");
    }

    #[test]
    #[should_panic(expected = "not a rustc error code")]
    fn a_malformed_constant_code_is_refused() {
        let _ = ErrorCode::from_static("E03080");
    }
}
