//! A table of contents. `pad` gained a `fill` parameter; the table's call was not updated
//! (E0061). The value is in the documentation, not in any binding: dotted leaders.

/// `text`, then `fill` repeated up to `width` characters, then `page`.
pub fn pad(text: &str, width: usize, fill: char, page: u32) -> String {
    let page = page.to_string();
    let leader = width.saturating_sub(text.chars().count() + page.len());
    let mut line = String::from(text);
    line.extend(std::iter::repeat(fill).take(leader));
    line.push_str(&page);
    line
}

/// The table of contents: one line per chapter, titles joined to page numbers by dotted leaders,
/// each line 20 characters wide.
pub fn contents(chapters: &[(&str, u32)]) -> String {
    chapters
        .iter()
        .map(|(title, page)| pad(title, 20, *page))
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaders_are_dots() {
        assert_eq!(
            contents(&[("Intro", 1), ("Methods", 12)]),
            "Intro..............1\nMethods...........12"
        );
    }

    #[test]
    fn pad_fills_with_what_it_is_given() {
        assert_eq!(pad("a", 5, '-', 9), "a---9");
    }
}
