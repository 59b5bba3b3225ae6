//! Language-model workers' own parts: the reply's edit format and its confinement, the prompt,
//! the transport to an OpenAI-compatible endpoint, and the budget. Only `client.rs` touches the
//! network.

pub mod budget;
pub mod cassette;
pub mod chat;
pub mod client;
pub mod confine;
pub mod edits;
pub mod excerpt;
pub mod prompt;
pub mod reply;
pub mod retry;
pub mod service;
pub mod settings;
pub mod transcript;
