//! Text helpers: slugs, word counts, wrapping, initials and simple templating.

use std::collections::HashMap;
/*@u:E0599:text_write*/use std::fmt::Write;

/// Turns titles into URL-friendly slugs with a chosen separator.
#[derive(Debug, Clone)]
pub struct Slugger {
    pub separator: char,
    pub max_length: usize,
}

/// How a word count is ordered.
#[derive(Clone, Copy, /*@d:order_eq*/PartialEq, Debug)]
pub enum WordOrder {
    ByCount,
    Alphabetical,
}

impl Slugger {
    pub fn new(separator: char) -> Slugger {
        Slugger {
            separator,
            max_length: 40,
        }
    }

    pub fn slug(&self, text: &str) -> String {
        let /*@m:E0596*/mut slug = String::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            if !slug.is_empty() {
                slug.push(self.separator);
            }
            slug.push_str(&word.to_lowercase());
        }
        slug.chars().take(self.max_length).collect()
    }
}

/// Counts words, ignoring case and punctuation.
pub fn word_counts(text: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in text.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        *counts.entry(word.to_lowercase()).or_insert(0) += 1;
    }
    counts
}

/// The most frequent words in the requested order.
pub fn top_words(text: &str, count: usize, order: WordOrder) -> Vec<(String, usize)> {
    let mut pairs: Vec<(String, usize)> = word_counts(text).into_iter().collect();
    if /*@t:order_eq*/order == WordOrder::ByCount {
        pairs.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    } else {
        pairs.sort();
    }
    pairs.truncate(count);
    pairs
}

/// Capitalises the first letter of every word.
pub fn title_case(text: &str) -> String {
    let words: Vec<String> = text
        .split_whitespace()
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => {
                    first.to_uppercase().collect::<String>() + &chars.as_str().to_lowercase()
                }
                None => String::new(),
            }
        })
        .collect();
    words.join(" ")
}

/// The initials of a name, such as "A.L." for "Ann Lee".
pub fn initials(name: &str) -> String {
    let mut result = String::new();
    for word in name.split_whitespace() {
        if let Some(first) = word.chars().next() {
            result.push(first.to_ascii_uppercase());
            result.push('.');
        }
    }
    result
}

/// Wraps text at `width` columns without breaking words.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let /*@m:E0596*/mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.len() + 1 + word.len() > width {
            lines.push(current.clone());
            current.clear();
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() {
        lines.push(current);
    }
    lines
}

/// Replaces `{name}` placeholders with values; unknown names stay as they are.
pub fn fill_template(template: &str, values: &HashMap<String, String>) -> String {
    let mut output = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        output.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let key = &after[..end];
                match values.get(key) {
                    Some(value) => output.push_str(value),
                    None => {
                        output.push('{');
                        output.push_str(key);
                        output.push('}');
                    }
                }
                rest = &after[end + 1..];
            }
            None => {
                output.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    output.push_str(rest);
    output
}

/// A numbered list, one entry per line.
pub fn numbered(items: &[String]) -> String {
    let mut out = String::new();
    for (index, item) in items.iter().enumerate() {
        /*@t:text_write*/writeln!(out, "{}. {}", index + 1, item).unwrap();
    }
    out
}

/// True if the text reads the same backwards, ignoring case and spaces.
pub fn is_palindrome(text: &str) -> bool {
    let letters: Vec<char> = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    letters.iter().eq(letters.iter().rev())
}

/// The longer of two words; the first one on a tie.
/*@lt*/pub fn longer_word<'a>(first: &'a str, second: &'a str) -> &'a str {
    if second.chars().count() > first.chars().count() {
        second
    } else {
        first
    }
}

/// Shortens a text to `max` characters, adding an ellipsis.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    kept + "…"
}

/// Collects the distinct words of several texts, sorted.
pub fn vocabulary(texts: Vec<String>) -> (Vec<String>, usize) {
    let all = texts/*@c*/.clone();
    let joined = all.join(" ");
    let mut words: Vec<String> = word_counts(/*@r*/&joined).into_keys().collect();
    words.sort();
    (words, texts.len())
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{
        fill_template, initials, is_palindrome, longer_word, numbered, title_case, top_words,
        truncate, vocabulary, word_counts, wrap, Slugger, WordOrder,
    };

    #[test]
    fn slugs_and_titles() {
        let slugger = Slugger::new('-');
        assert_eq!(slugger.slug("Hello, World! 2024"), "hello-world-2024");
        assert_eq!(title_case("the QUICK fox"), "The Quick Fox");
        assert_eq!(initials("ann marie lee"), "A.M.L.");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn counts_words() {
        let text = "the cat and the hat; The end";
        assert_eq!(word_counts(text).get("the"), Some(&3));
        let top = top_words(text, 2, WordOrder::ByCount);
        assert_eq!(top, vec![("the".to_string(), 3), ("and".to_string(), 1)]);
        let alpha = top_words(text, 1, WordOrder::Alphabetical);
        assert_eq!(alpha[0].0, "and");
    }

    #[test]
    fn wraps_and_fills() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        let mut values = HashMap::new();
        values.insert("name".to_string(), "Ann".to_string());
        assert_eq!(
            fill_template("Hi {name}, {other}!", /*@r*/&values),
            "Hi Ann, {other}!"
        );
        assert_eq!(fill_template("open {", &values), "open {");
        assert_eq!(
            numbered(&["a".to_string(), "b".to_string()]),
            "1. a\n2. b\n"
        );
    }

    #[test]
    fn words_and_palindromes() {
        assert!(is_palindrome("Never odd or even"));
        assert!(!is_palindrome("rust"));
        assert_eq!(longer_word("tea", "coffee"), "coffee");
        let (words, count) = vocabulary(vec!["b a".to_string(), "a c".to_string()]);
        assert_eq!(words, vec!["a", "b", "c"]);
        assert_eq!(count, 2);
    }
}
