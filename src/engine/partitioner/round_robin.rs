//! Kafka's opt-in `RoundRobinPartitioner` class (kafka-reference.md §1.6).

use std::collections::BTreeMap;

use super::{to_positive, uniform_choice};

/// Kafka's opt-in `RoundRobinPartitioner`: ignores keys, keeps one counter per topic starting at 0,
/// and sends record `n` of a topic to `available[n % available.len()]` (§1.6).
///
/// Note KAFKA-9965: the real accumulator calls `partition()` twice for a record that opens a new
/// batch, which makes the real distribution uneven; model that in the caller if wanted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RoundRobinPartitioner {
    counters: BTreeMap<String, i32>,
}

impl RoundRobinPartitioner {
    /// A partitioner whose topic counters all start at 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The partition of the next record of `topic`. `available` lists the partitions that have a
    /// leader, in metadata order; when it is empty any partition is used.
    ///
    /// # Panics
    /// If `num_partitions` is 0 while `available` is empty.
    pub fn partition(&mut self, topic: &str, num_partitions: u32, available: &[u32]) -> u32 {
        let value = to_positive(self.next_value(topic)).unsigned_abs();
        uniform_choice(value, num_partitions, available)
    }

    /// `counter.getAndIncrement()`: a Java `AtomicInteger`, so it wraps at `Integer.MAX_VALUE`.
    /// The topic name is only copied the first time a topic is seen.
    fn next_value(&mut self, topic: &str) -> i32 {
        match self.counters.get_mut(topic) {
            Some(counter) => {
                let value = *counter;
                *counter = counter.wrapping_add(1);
                value
            }
            None => {
                self.counters.insert(topic.to_owned(), 1);
                0
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RoundRobinPartitionerTest.testRoundRobinWithUnavailablePartitions: partitions listed
    /// [1 (no leader), 2, 0]; 100 records go to 0 and 2 only, 50 each.
    #[test]
    fn round_robin_skips_unavailable_partitions() {
        let mut partitioner = RoundRobinPartitioner::new();
        let available = [2, 0];
        let mut counts = [0u32; 3];
        for _ in 0..100 {
            counts[partitioner.partition("test", 3, &available) as usize] += 1;
        }
        assert_eq!(counts, [50, 0, 50]);
    }

    /// RoundRobinPartitionerTest.testRoundRobinWithKeyBytes / ...WithNullKeyBytes: counters are per
    /// topic (interleaved topicB calls do not disturb topicA) and start at 0.
    #[test]
    fn round_robin_counts_per_topic() {
        let mut partitioner = RoundRobinPartitioner::new();
        let all_a = [0, 1, 2];
        let mut counts = [0u32; 3];
        for i in 0..30 {
            let partition = partitioner.partition("topicA", 3, &all_a);
            counts[partition as usize] += 1;
            if i % 5 == 0 {
                partitioner.partition("topicB", 2, &[0, 1]);
            }
        }
        assert_eq!(counts, [10, 10, 10]);
        assert_eq!(RoundRobinPartitioner::new().partition("fresh", 3, &all_a), 0);
        // No partition available: any partition, still in turn.
        let mut leaderless = RoundRobinPartitioner::new();
        let picks: Vec<u32> = (0..4).map(|_| leaderless.partition("t", 3, &[])).collect();
        assert_eq!(picks, vec![0, 1, 2, 0]);
    }
}
