//! The version of the machine report (`--message-format json`, the run's record), which every
//! event and the summary carry as `"schema_version"`: `schema/events.schema.json` describes it.
//! A change that could break a consumer (a field removed, renamed or retyped; a tag's value
//! changed) raises it; a field or an event added does not.

use serde::{Serialize, Serializer};

/// The version `schema/events.schema.json` describes.
pub const SCHEMA_VERSION: u32 = 2;

/// A field that serialises as [`SCHEMA_VERSION`]: a constant needs no storage, only a place in
/// the object.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SchemaVersion;

impl Serialize for SchemaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u32(SCHEMA_VERSION)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_serialises_as_the_number() {
        assert_eq!(
            serde_json::to_value(SchemaVersion).unwrap(),
            serde_json::json!(SCHEMA_VERSION)
        );
    }
}
