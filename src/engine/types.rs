//! Identifiers shared by every part of the engine.
//!
//! Kafka names brokers by a 32-bit int and partitions by (topic name, index);
//! the engine keeps those shapes so that what the view shows reads like Kafka's own tools.

use std::fmt;

/// A broker's `node.id` (Kafka uses a Java `int`).
pub type BrokerId = i32;

/// Virtual time in milliseconds since the scenario started. Never wall-clock time.
pub type Millis = u64;

/// Offset of a record inside one partition's log (Kafka's `long` offsets; never negative here).
pub type Offset = u64;

/// One partition of one topic, written `topic-partition` as Kafka's tools do.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: u32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: u32) -> Self {
        Self { topic: topic.into(), partition }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}
