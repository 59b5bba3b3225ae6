//! A chat exchange as this crate sees it, apart from any client library: what is asked (its
//! hash keys the record and replay) and what came back, with the tokens it cost.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub role: Role,
    pub content: String,
}

impl Message {
    pub fn new(role: Role, content: impl Into<String>) -> Message {
        Message {
            role,
            content: content.into(),
        }
    }
}

/// One chat completion request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChatRequest {
    pub model: String,
    pub messages: Vec<Message>,
    pub temperature: Option<f32>,
    /// The most tokens the reply may take.
    pub max_tokens: Option<u32>,
    /// Which of `--llm-candidates` samples this is: not sent, but part of the key, so that the
    /// samples of one prompt are recorded and replayed apart.
    #[serde(default, skip_serializing_if = "is_first")]
    pub sample: u32,
}

fn is_first(sample: &u32) -> bool {
    *sample == 0
}

impl ChatRequest {
    /// A stable hash of the request (FNV-1a over its JSON, which serde writes in field order),
    /// as 16 hex digits: the same request gets the same key in every run and every build.
    pub fn key(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in json.bytes() {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        format!("{hash:016x}")
    }
}

/// Tokens a request cost, as the endpoint's `usage` says.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
    }
}

/// What came back: the text of the first choice, and the tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatReply {
    pub content: String,
    pub usage: Usage,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(text: &str) -> ChatRequest {
        ChatRequest {
            model: "m".to_owned(),
            messages: vec![Message::new(Role::User, text)],
            temperature: None,
            max_tokens: Some(100),
            sample: 0,
        }
    }

    #[test]
    fn keys_are_stable_and_tell_requests_apart() {
        assert_eq!(request("a").key(), request("a").key());
        assert_ne!(request("a").key(), request("b").key());
        let second = ChatRequest {
            sample: 1,
            ..request("a")
        };
        assert_ne!(second.key(), request("a").key());
        // Pinned: a change of the key's recipe would orphan every recorded reply.
        assert_eq!(request("a").key().len(), 16);
        assert_eq!(request("a").key(), "778360a5bf82cdc5");
    }
}
