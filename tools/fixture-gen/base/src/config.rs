//! Shop settings from `key = value` files with sections, defaults and typed getters.

use std::collections::HashMap;

/// A parsed settings file.
#[derive(Debug, Clone, Default)]
pub struct Config {
    pub values: HashMap<String, String>,
    pub sections: Vec<String>,
    pub warnings: Vec<String>,
}

/// One problem found while reading.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub reason: String,
}

/// How strictly a file is read.
#[derive(Clone, Copy, /*@d:mode_dbg*/Debug, /*@d:mode_eq*/PartialEq)]
pub enum Mode {
    Lenient,
    Strict,
}

/// A typed view of the settings the shop needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ShopSettings {
    pub name: String,
    pub open_hour: u32,
    pub close_hour: u32,
    pub tax_percent: u32,
    pub tags: Vec<String>,
}

impl Mode {
    pub fn banner(self) -> String {
        /*@t:mode_dbg*/format!("reading in {:?} mode", self).to_lowercase()
    }

    pub fn stops_on_problems(self) -> bool {
        /*@t:mode_eq*/self == Mode::Strict
    }
}

impl Config {
    /// Reads the text; in strict mode the first problem stops reading.
    pub fn parse(text: &str, mode: Mode) -> Result<Config, Problem> {
        let mut config = Config::default();
        let mut section = String::new();
        for (index, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if line.starts_with('[') && line.ends_with(']') {
                section = line[1..line.len() - 1].trim().to_string();
                config.sections.push(section.clone());
                continue;
            }
            match line.split_once('=') {
                Some((key, value)) => {
                    let full = if section.is_empty() {
                        key.trim().to_string()
                    } else {
                        format!("{}.{}", section, key.trim())
                    };
                    config.values.insert(full, value.trim().to_string());
                }
                None => {
                    let problem = Problem {
                        line: index + 1,
                        reason: "expected key = value".to_string(),
                    };
                    if mode.stops_on_problems() {
                        return Err(problem);
                    }
                    config
                        .warnings
                        .push(format!("line {}: {}", problem.line, problem.reason));
                }
            }
        }
        Ok(config)
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|value| value.as_str())
    }

    pub fn get_or<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.get(key).unwrap_or(default)
    }

    pub fn number(&self, key: &str) -> Option<u32> {
        self.get(key)?.parse().ok()
    }

    pub fn flag(&self, key: &str) -> bool {
        matches!(self.get(key), Some("true") | Some("yes") | Some("1"))
    }

    pub fn list(&self, key: &str) -> Vec<String> {
        match self.get(key) {
            Some(value) => value
                .split(',')
                .map(|item| item.trim().to_string())
                .filter(|item| !item.is_empty())
                .collect(),
            None => Vec::new(),
        }
    }

    /// The keys of one section, without the section prefix, sorted.
    pub fn section_keys(&self, section: &str) -> Vec<String> {
        let prefix = format!("{}.", section);
        let /*@m:E0596*/mut keys: Vec<String> = self
            .values
            .keys()
            .filter(|key| key.starts_with(&prefix))
            .map(|key| key[prefix.len()..].to_string())
            .collect();
        keys.sort();
        keys
    }

    pub fn set(&mut self, key: &str, value: &str) -> Option<String> {
        self.values.insert(key.to_string(), value.to_string())
    }

    /// Writes the settings back out, sorted by key.
    pub fn render(&self) -> String {
        let mut keys: Vec<&String> = self.values.keys().collect();
        keys.sort();
        let /*@m:E0596*/mut out = String::new();
        for key in keys {
            out.push_str(&format!("{} = {}\n", key, self.values[key]));
        }
        out
    }
}

impl ShopSettings {
    pub fn from_config(config: &Config) -> Result<ShopSettings, String> {
        let open_hour = config.number("hours.open").unwrap_or(9);
        let close_hour = config.number("hours.close").unwrap_or(17);
        if close_hour <= open_hour {
            return Err(format!(
                "closing hour {} is not after opening hour {}",
                close_hour, open_hour
            ));
        }
        Ok(ShopSettings {
            name: config.get_or("name", "Corner Shop").to_string(),
            open_hour,
            close_hour,
            tax_percent: config.number("tax").unwrap_or(20),
            tags: config.list("tags"),
        })
    }

    pub fn hours_open(&self) -> u32 {
        self.close_hour - self.open_hour
    }

    pub fn is_open_at(&self, hour: u32) -> bool {
        hour >= self.open_hour && hour < self.close_hour
    }
}

/// Applies overrides given as `key=value` strings and counts the changed keys.
pub fn apply_overrides(config: &mut Config, overrides: Vec<String>) -> (usize, usize) {
    let pending = overrides/*@c*/.clone();
    let /*@m:E0384*/mut changed = 0;
    for item in pending {
        if let Some((key, value)) = item.split_once('=') {
            if config.set(key.trim(), value.trim()).as_deref() != Some(value.trim()) {
                changed = changed + 1;
            }
        }
    }
    (changed, overrides.len())
}

/// The longer of two setting values.
/*@lt*/pub fn longer_value<'a>(first: &'a str, second: &'a str) -> &'a str {
    if second.len() > first.len() {
        second
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::{apply_overrides, longer_value, Config, Mode, ShopSettings};

    const TEXT: &str = "name = Tea Corner\n# comment\ntags = tea, cake, , books\n[hours]\nopen = 8\nclose = 18 # late\n[flags]\ndelivery = yes\nbroken line\n";

    #[test]
    fn parses_sections_and_values() {
        let config = Config::parse(TEXT, Mode::Lenient).unwrap();
        assert_eq!(config.get("name"), Some("Tea Corner"));
        assert_eq!(config.number("hours.close"), Some(18));
        assert!(config.flag("flags.delivery"));
        assert!(!config.flag("flags.missing"));
        assert_eq!(config.sections, vec!["hours", "flags"]);
        assert_eq!(config.section_keys("hours"), vec!["close", "open"]);
        assert_eq!(config.warnings, vec!["line 9: expected key = value"]);
        assert_eq!(config.list("tags"), vec!["tea", "cake", "books"]);
    }

    #[test]
    fn strict_mode_stops() {
        let problem = Config::parse(TEXT, Mode::Strict).unwrap_err();
        assert_eq!(problem.line, 9);
        assert_eq!(Mode::Strict.banner(), "reading in strict mode");
        assert!(!Mode::Lenient.stops_on_problems());
    }

    #[test]
    fn typed_settings() {
        let config = Config::parse(TEXT, Mode::Lenient).unwrap();
        let settings = ShopSettings::from_config(/*@r*/&config).unwrap();
        assert_eq!(settings.name, "Tea Corner");
        assert_eq!(settings.hours_open(), 10);
        assert!(settings.is_open_at(17));
        assert!(!settings.is_open_at(18));
        assert_eq!(settings.tax_percent, 20);
        let mut bad = Config::default();
        bad.set("hours.open", "20");
        assert!(ShopSettings::from_config(&bad).is_err());
    }

    #[test]
    fn overrides_and_rendering() {
        let mut config = Config::default();
        config.set("a", "1");
        let (changed, total) = apply_overrides(
            &mut config,
            vec!["a=1".to_string(), "b = 2".to_string(), "junk".to_string()],
        );
        assert_eq!(changed, 1);
        assert_eq!(total, 3);
        assert_eq!(config.render(), "a = 1\nb = 2\n");
        assert_eq!(config.get_or("zz", "none"), "none");
        assert_eq!(longer_value("ab", "abc"), "abc");
    }
}
