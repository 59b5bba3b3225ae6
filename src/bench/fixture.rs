//! Fixtures: crates with known errors, each described by a `fixture.toml`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What `fixture.toml` says of a fixture.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Fixture {
    #[serde(skip)]
    pub name: String,
    #[serde(skip)]
    pub dir: PathBuf,
    pub description: String,
    /// Sorted error codes of the first `cargo check`; `syntax` stands for errors without a code.
    pub expected_codes: Vec<String>,
    pub expected_errors: usize,
    /// Whether the repair should end green with the tests passing (`expect_green = false` for a
    /// fixture built to stay red, such as one whose only candidate is a made-up value); the
    /// bench's exit code is 1 when a fixture expected green is not.
    #[serde(default = "green_by_default")]
    pub expect_green: bool,
}

fn green_by_default() -> bool {
    true
}

#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Malformed {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("no fixture (a directory with a fixture.toml) in {}", .0.display())]
    Empty(PathBuf),
}

/// The fixtures under `dir`, by name, optionally those whose name contains `filter`.
pub fn discover(dir: &Path, filter: Option<&str>) -> Result<Vec<Fixture>, FixtureError> {
    let entries = std::fs::read_dir(dir).map_err(|source| FixtureError::Read {
        path: dir.to_owned(),
        source,
    })?;
    let mut fixtures = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path().join("fixture.toml");
        if !path.is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        if filter.is_some_and(|filter| !name.contains(filter)) {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|source| FixtureError::Read {
            path: path.clone(),
            source,
        })?;
        let mut fixture: Fixture =
            toml::from_str(&text).map_err(|source| FixtureError::Malformed { path, source })?;
        fixture.name = name;
        fixture.dir = entry.path();
        fixtures.push(fixture);
    }
    if fixtures.is_empty() {
        return Err(FixtureError::Empty(dir.to_owned()));
    }
    fixtures.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(fixtures)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_are_found_sorted_and_filtered() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["b-two", "a-one"] {
            std::fs::create_dir(dir.path().join(name)).unwrap();
            std::fs::write(
                dir.path().join(name).join("fixture.toml"),
                "description = \"d\"\nexpected_codes = [\"E0425\"]\nexpected_errors = 2\n",
            )
            .unwrap();
        }
        std::fs::create_dir(dir.path().join("not-a-fixture")).unwrap();
        let names: Vec<String> = discover(dir.path(), None)
            .unwrap()
            .into_iter()
            .map(|f| f.name)
            .collect();
        assert_eq!(names, ["a-one", "b-two"]);
        let filtered = discover(dir.path(), Some("two")).unwrap();
        assert_eq!(filtered[0].expected_errors, 2);
        assert!(matches!(
            discover(dir.path(), Some("zzz")),
            Err(FixtureError::Empty(_))
        ));
    }

    #[test]
    fn a_malformed_fixture_toml_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("bad")).unwrap();
        std::fs::write(
            dir.path().join("bad").join("fixture.toml"),
            "expected_errors = \"x\"",
        )
        .unwrap();
        let error = discover(dir.path(), None).unwrap_err();
        assert!(error.to_string().contains("fixture.toml"), "{error}");
    }
}
