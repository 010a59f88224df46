//! Sharing a scenario: links (URL fragments), JSON files, Mermaid text of the topology, and importing a real
//! cluster's `kafka-topics.sh --describe` output. Pure Rust, tested natively; the UI buttons live in `ui::share`.

mod bytes;
pub mod import;
pub mod json;
pub mod link;
pub mod mermaid;
