//! The simulation engine: pure, deterministic Rust (no web APIs, no wall clock, no OS randomness).
//! See ARCHITECTURE.md for the map and the invariants.

pub mod admin;
pub mod assignor;
pub mod cluster;
pub mod command;
pub mod controller;
pub mod election;
pub mod epoch_cache;
pub mod events;
pub mod group;
pub mod invariants;
pub mod isr;
pub mod log;
pub mod maintenance;
pub mod metadata;
pub mod partitioner;
pub mod placement;
pub mod produce;
pub mod producer;
pub mod rng;
pub mod sim;
pub mod snapshot;
pub mod trace;
pub mod types;
pub mod vec_map;

pub use rng::{RandomSource, SimRng};
pub use types::{BrokerId, Millis, Offset, TopicPartition};
