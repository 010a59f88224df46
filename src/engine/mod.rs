//! The simulation engine. See ARCHITECTURE.md.

pub mod rng;
pub mod types;

pub use rng::{RandomSource, SimRng};
pub use types::{BrokerId, Millis, Offset, TopicPartition};
