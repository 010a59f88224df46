//! KIP-794 `BuiltInPartitioner`: the "uniform sticky" partitioner Kafka ≥ 3.3 uses for records
//! without a key (kafka-reference.md §1.6).

use std::fmt;

use super::{random_positive, uniform_choice};
use crate::engine::rng::RandomSource;

/// Why a partitioner could not be built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartitionerError {
    /// Kafka throws `IllegalArgumentException` from the `BuiltInPartitioner` constructor.
    InvalidStickyBatchSize(i32),
}

impl fmt::Display for PartitionerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidStickyBatchSize(size) => {
                write!(f, "stickyBatchSize must be >= 1 but got {size}")
            }
        }
    }
}

impl std::error::Error for PartitionerError {}

/// One partition's number of queued batches, as `RecordAccumulator.partitionReady` collects them
/// to feed adaptive partitioning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionQueue {
    /// The partition index.
    pub partition: u32,
    /// How many batches wait in its accumulator queue (`deque.size()`; 0 when the queue is empty).
    pub queued_batches: u32,
}

/// The sticky partition of the moment and how many bytes went to it (`StickyPartitionInfo`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct StickyPartitionInfo {
    partition: u32,
    produced_bytes: u64,
}

/// `PartitionLoadStats`: the cumulative frequency table (CFT) of adaptive partitioning.
///
/// Weights are `(max_queue + 1) − queue_i`, so a partition with a long queue (a slow broker) is
/// chosen less often; the CFT is their running sum.
#[derive(Clone, Debug, PartialEq, Eq)]
struct PartitionLoadStats {
    cumulative_frequency_table: Vec<u64>,
    partition_ids: Vec<u32>,
}

impl PartitionLoadStats {
    /// Builds the CFT over `eligible` (non-empty).
    fn from_queues(eligible: &[PartitionQueue]) -> Self {
        let max_plus_one = eligible.iter().map(|q| u64::from(q.queued_batches)).max().unwrap_or(0) + 1;
        let mut running = 0u64;
        let cumulative_frequency_table = eligible
            .iter()
            .map(|q| {
                running += max_plus_one - u64::from(q.queued_batches);
                running
            })
            .collect();
        let partition_ids = eligible.iter().map(|q| q.partition).collect();
        Self { cumulative_frequency_table, partition_ids }
    }

    /// The end (exclusive) of the range the random number is reduced into: the CFT's last value.
    fn range_end(&self) -> u64 {
        self.cumulative_frequency_table.last().copied().unwrap_or(1)
    }

    /// `x = random % CFT.last`, then the first index whose CFT value is **strictly greater** than `x`
    /// (Kafka's binary search "insertion point" trick).
    fn choose(&self, random: u32) -> u32 {
        let weighted = u64::from(random) % self.range_end();
        let index = self.cumulative_frequency_table.partition_point(|&v| v <= weighted);
        self.partition_ids[index]
    }
}

/// KIP-794 `BuiltInPartitioner`: the producer's partitioner for records without a key (Kafka ≥ 3.3).
/// One instance per topic.
///
/// It sticks to one partition until about `batch.size` bytes went to it, then switches to a new one
/// drawn at random. The new partition may equal the old one (unlike KIP-480's `StickyPartitionCache`).
/// With load statistics ([`Self::update_load_stats`]) the draw is weighted against long queues.
///
/// Call order per record, as `RecordAccumulator.append` does: [`Self::current_partition`], append
/// the record to that partition's batch, then [`Self::on_append`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StickyPartitioner {
    sticky_batch_size: u64,
    current: Option<StickyPartitionInfo>,
    load_stats: Option<PartitionLoadStats>,
}

impl StickyPartitioner {
    /// `new BuiltInPartitioner(logContext, topic, stickyBatchSize)`: rejects a size below 1 with
    /// Kafka's `IllegalArgumentException` message.
    pub fn new(sticky_batch_size: i32) -> Result<Self, PartitionerError> {
        if sticky_batch_size < 1 {
            return Err(PartitionerError::InvalidStickyBatchSize(sticky_batch_size));
        }
        Ok(Self { sticky_batch_size: u64::from(sticky_batch_size.unsigned_abs()), current: None, load_stats: None })
    }

    /// The partitioner `KafkaProducer` builds from its `batch.size` config: it passes
    /// `max(1, batch.size)`, so a `batch.size` of 0 (batching disabled) still gives a valid partitioner.
    pub fn for_batch_size_config(batch_size: i32) -> Self {
        Self { sticky_batch_size: u64::from(batch_size.max(1).unsigned_abs()), current: None, load_stats: None }
    }

    /// The number of bytes after which the partitioner switches (when the batch allows it).
    pub fn sticky_batch_size(&self) -> u64 {
        self.sticky_batch_size
    }

    /// Bytes produced to the current sticky partition since it was chosen (`producedBytes`).
    pub fn produced_bytes(&self) -> u64 {
        self.current.map_or(0, |info| info.produced_bytes)
    }

    /// The current sticky partition, if one was chosen already (does not choose one).
    pub fn sticky_partition(&self) -> Option<u32> {
        self.current.map(|info| info.partition)
    }

    /// `peekCurrentPartitionInfo`: the partition the next keyless record goes to, choosing one
    /// lazily the first time.
    ///
    /// `available` lists the partitions that currently have a leader, in metadata order.
    ///
    /// # Panics
    /// If `num_partitions` is 0 while `available` is empty and no load statistics are set.
    pub fn current_partition(&mut self, num_partitions: u32, available: &[u32], rng: &mut dyn RandomSource) -> u32 {
        if let Some(info) = self.current {
            return info.partition;
        }
        let partition = self.next_partition(num_partitions, available, rng);
        self.current = Some(StickyPartitionInfo { partition, produced_bytes: 0 });
        partition
    }

    /// `updatePartitionInfo`: count `appended_bytes` against the sticky partition and switch to a
    /// new one when enough was produced.
    ///
    /// `last_batch_full` is `RecordAccumulator.allBatchesFull`: the partition's queue is empty or its
    /// last batch is full. Switching waits for it once `batch.size` bytes were produced (so a batch
    /// is not cut short), but happens regardless at twice `batch.size`.
    pub fn on_append(
        &mut self,
        appended_bytes: u32,
        last_batch_full: bool,
        num_partitions: u32,
        available: &[u32],
        rng: &mut dyn RandomSource,
    ) {
        let Some(info) = self.current.as_mut() else {
            return;
        };
        info.produced_bytes += u64::from(appended_bytes);
        let produced = info.produced_bytes;
        let enough = produced >= self.sticky_batch_size && last_batch_full;
        let far_too_much = produced >= 2 * self.sticky_batch_size;
        if enough || far_too_much {
            let partition = self.next_partition(num_partitions, available, rng);
            self.current = Some(StickyPartitionInfo { partition, produced_bytes: 0 });
        }
    }

    /// `updatePartitionLoadStats`: set the queue sizes adaptive partitioning weighs against.
    ///
    /// `eligible` holds the partitions that have a leader (and, with
    /// `partitioner.availability.timeout.ms > 0`, are not too slow), in accumulator order;
    /// `tracked_partitions` is how many partitions the accumulator has a queue for, leaderless ones
    /// included. As in Kafka, statistics are dropped (uniform choice) when there are fewer than two
    /// tracked partitions, no eligible one, or all queues are equal and none was excluded.
    /// The caller drops them with [`Self::clear_load_stats`] when adaptive partitioning is off or not
    /// every partition has a queue yet (Kafka passes `null` then).
    pub fn update_load_stats(&mut self, eligible: &[PartitionQueue], tracked_partitions: usize) {
        let too_few = eligible.is_empty() || tracked_partitions < 2;
        let all_equal = eligible.windows(2).all(|pair| pair[0].queued_batches == pair[1].queued_batches);
        let none_excluded = eligible.len() == tracked_partitions;
        self.load_stats = if too_few || (all_equal && none_excluded) {
            None
        } else {
            Some(PartitionLoadStats::from_queues(eligible))
        };
    }

    /// Forget the load statistics: the next switch is a uniform choice again.
    pub fn clear_load_stats(&mut self) {
        self.load_stats = None;
    }

    /// `loadStatsRangeEnd`: the sum of all adaptive weights, if load statistics are in use.
    pub fn load_stats_range_end(&self) -> Option<u64> {
        self.load_stats.as_ref().map(PartitionLoadStats::range_end)
    }

    /// `nextPartition`: a weighted draw with load statistics, else uniform over `available`
    /// (or over all partitions when none is available).
    fn next_partition(&self, num_partitions: u32, available: &[u32], rng: &mut dyn RandomSource) -> u32 {
        let random = random_positive(rng);
        match &self.load_stats {
            Some(stats) => stats.choose(random),
            None => uniform_choice(random, num_partitions, available),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Kafka's `mockRandom = () -> counter.getAndAdd(1)`: 0, 1, 2, …
    struct SequenceRandom {
        next: u32,
    }

    impl SequenceRandom {
        fn new() -> Self {
            Self { next: 0 }
        }
    }

    impl RandomSource for SequenceRandom {
        fn next_u32(&mut self) -> u32 {
            let value = self.next;
            self.next = self.next.wrapping_add(1);
            value
        }
    }

    /// BuiltInPartitionerTest.testStickyBatchSizeMoreThatZero.
    #[test]
    fn zero_sticky_batch_size_is_rejected() {
        let error = StickyPartitioner::new(0).unwrap_err();
        assert_eq!(error, PartitionerError::InvalidStickyBatchSize(0));
        assert_eq!(error.to_string(), "stickyBatchSize must be >= 1 but got 0");
        assert!(StickyPartitioner::new(1).is_ok());
        assert_eq!(StickyPartitioner::for_batch_size_config(0).sticky_batch_size(), 1);
    }

    /// BuiltInPartitionerTest.testStickyPartitioning: sticky batch size 3, 1-byte appends.
    #[test]
    fn sticky_partition_switches_after_batch_size_bytes() {
        let mut rng = SequenceRandom::new();
        let available = [0, 1, 2];
        let mut topic_a = StickyPartitioner::new(3).unwrap();
        let first = topic_a.current_partition(3, &available, &mut rng);
        for _ in 0..2 {
            topic_a.on_append(1, true, 3, &available, &mut rng);
            assert_eq!(topic_a.current_partition(3, &available, &mut rng), first);
        }
        topic_a.on_append(1, true, 3, &available, &mut rng);
        assert_ne!(topic_a.current_partition(3, &available, &mut rng), first);

        // A one-partition topic switches every byte and always lands on partition 0.
        let mut topic_b = StickyPartitioner::new(1).unwrap();
        for _ in 0..10 {
            assert_eq!(topic_b.current_partition(1, &[0], &mut rng), 0);
            topic_b.on_append(1, true, 1, &[0], &mut rng);
        }
    }

    /// KIP-794 switching rule: at `batch.size` only if the batch allows it, at 2× regardless.
    #[test]
    fn switch_waits_for_full_batch_until_twice_the_batch_size() {
        let mut rng = SequenceRandom::new();
        let available = [0, 1, 2];
        let mut partitioner = StickyPartitioner::new(10).unwrap();
        let first = partitioner.current_partition(3, &available, &mut rng);
        partitioner.on_append(10, false, 3, &available, &mut rng);
        partitioner.on_append(9, false, 3, &available, &mut rng);
        assert_eq!(partitioner.sticky_partition(), Some(first), "19 bytes, batch not full");
        partitioner.on_append(1, false, 3, &available, &mut rng);
        assert_ne!(partitioner.sticky_partition(), Some(first), "20 bytes = 2 × batch.size");
    }

    /// KIP-794: unlike KIP-480, the new partition may be the old one.
    #[test]
    fn new_sticky_partition_may_equal_the_old_one() {
        // A source that always draws 4: with 2 available partitions that is index 0 every time.
        struct Constant;
        impl RandomSource for Constant {
            fn next_u32(&mut self) -> u32 {
                4
            }
        }
        let mut partitioner = StickyPartitioner::new(1).unwrap();
        assert_eq!(partitioner.current_partition(2, &[0, 1], &mut Constant), 0);
        partitioner.on_append(1, true, 2, &[0, 1], &mut Constant);
        assert_eq!(partitioner.sticky_partition(), Some(0));
    }

    /// BuiltInPartitionerTest.unavailablePartitionsTest.
    #[test]
    fn leaderless_partitions_are_never_chosen_unless_all_are() {
        let mut rng = SequenceRandom::new();
        // topicA: partitions 0 and 2 have leaders, 1 has none.
        let mut topic_a = StickyPartitioner::new(1).unwrap();
        let first = topic_a.current_partition(3, &[0, 2], &mut rng);
        let mut found_another = false;
        for _ in 0..100 {
            topic_a.on_append(1, true, 3, &[0, 2], &mut rng);
            let next = topic_a.current_partition(3, &[0, 2], &mut rng);
            assert_ne!(next, 1);
            found_another |= next != first;
        }
        assert_ne!(first, 1);
        assert!(found_another, "expected a partition other than {first}");

        // topicB: only partition 1 has a leader.
        let mut topic_b = StickyPartitioner::new(1).unwrap();
        for _ in 0..100 {
            assert_eq!(topic_b.current_partition(2, &[1], &mut rng), 1);
            topic_b.on_append(1, true, 2, &[1], &mut rng);
        }

        // topicC: its only partition has no leader; it is still chosen.
        let mut topic_c = StickyPartitioner::new(1).unwrap();
        assert_eq!(topic_c.current_partition(1, &[], &mut rng), 0);
        topic_c.on_append(1, true, 1, &[], &mut rng);
        assert_eq!(topic_c.current_partition(1, &[], &mut rng), 0);
    }

    fn queues(sizes: &[u32]) -> Vec<PartitionQueue> {
        (0u32..).zip(sizes).map(|(partition, &queued_batches)| PartitionQueue { partition, queued_batches }).collect()
    }

    /// BuiltInPartitionerTest.adaptivePartitionsTest: queue sizes {5,0,3,0,1}, sequential random.
    #[test]
    fn adaptive_partitioning_weights_against_long_queues() {
        let mut rng = SequenceRandom::new();
        let mut partitioner = StickyPartitioner::new(1).unwrap();
        partitioner.update_load_stats(&queues(&[5, 0, 3, 0, 1]), 5);
        let stats = partitioner.load_stats.as_ref().unwrap();
        assert_eq!(stats.cumulative_frequency_table, vec![1, 7, 10, 16, 21]);
        assert_eq!(partitioner.load_stats_range_end(), Some(21));

        let all = [0, 1, 2, 3, 4];
        let mut frequencies = [0u32; 5];
        for _ in 0..2 * 21 {
            let partition = partitioner.current_partition(5, &all, &mut rng);
            frequencies[partition as usize] += 1;
            partitioner.on_append(1, true, 5, &all, &mut rng);
        }
        assert_eq!(frequencies, [2, 12, 6, 12, 10]);
    }

    /// §1.6 adaptive worked example: x ∈ {0}→p0, {1..6}→p1, {7..9}→p2, {10..15}→p3, {16..20}→p4.
    #[test]
    fn cft_picks_first_value_strictly_greater_than_draw() {
        let stats = PartitionLoadStats::from_queues(&queues(&[5, 0, 3, 0, 1]));
        let expected = [(0..1, 0), (1..7, 1), (7..10, 2), (10..16, 3), (16..21, 4)];
        for (draws, partition) in expected {
            for x in draws {
                assert_eq!(stats.choose(x), partition, "x = {x}");
                assert_eq!(stats.choose(x + 21), partition, "x = {x} + 21 wraps");
            }
        }
    }

    /// updatePartitionLoadStats: when statistics are dropped and when leaderless partitions count.
    #[test]
    fn load_stats_are_dropped_when_they_cannot_help() {
        let mut partitioner = StickyPartitioner::new(1).unwrap();
        partitioner.update_load_stats(&queues(&[2, 2, 2]), 3);
        assert_eq!(partitioner.load_stats_range_end(), None, "all equal");
        partitioner.update_load_stats(&queues(&[4]), 1);
        assert_eq!(partitioner.load_stats_range_end(), None, "fewer than two partitions");
        partitioner.update_load_stats(&[], 3);
        assert_eq!(partitioner.load_stats_range_end(), None, "no partition has a leader");

        // Equal queues, but partition 1 is leaderless: adaptive stays on and excludes it.
        let eligible =
            [PartitionQueue { partition: 0, queued_batches: 2 }, PartitionQueue { partition: 2, queued_batches: 2 }];
        partitioner.update_load_stats(&eligible, 3);
        assert_eq!(partitioner.load_stats_range_end(), Some(2));
        let mut rng = SequenceRandom::new();
        for _ in 0..10 {
            assert_ne!(partitioner.current_partition(3, &[0, 1, 2], &mut rng), 1);
            partitioner.on_append(1, true, 3, &[0, 1, 2], &mut rng);
        }
        partitioner.clear_load_stats();
        assert_eq!(partitioner.load_stats_range_end(), None);
    }
}
