//! kafkaviz: a deterministic simulation of Apache Kafka and the live diagram that draws it.
//!
//! `engine` is pure Rust (no web APIs, no wall clock, no OS randomness); `scenario` describes what to
//! simulate; `ui` is the Yew front end that owns an engine and renders its snapshots.
//! See ARCHITECTURE.md for the map and the invariants.

pub mod engine;
pub mod scenario;
pub mod session;
pub mod share;
pub mod ui;
