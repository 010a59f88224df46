//! Which key each record carries, and which partition it goes to (kafka-reference.md §1.3, §1.6).
//!
//! Keys are drawn from the scenario's distribution with one random draw per record; a keyed record's
//! partition comes from a table of `murmur2(key) % partitions` computed once, so a record costs one
//! draw and one lookup whatever the rate.

use crate::engine::partitioner::{
    PartitionQueue, RoundRobinPartitioner, StickyPartitioner, murmur2, partition_for_key,
};
use crate::engine::rng::RandomSource;
use crate::scenario::{KeyDistribution, KeySpec, PartitionerSpec};

/// A producer's keys: the distribution and the precomputed partition of every key.
#[derive(Clone, Debug)]
pub struct KeyPicker {
    spec: KeySpec,
    /// Partition of key number `first + i` (murmur2 of its UTF-8 bytes over **all** partitions, §1.3).
    /// `u16` because a topic has at most `limits::PARTITIONS_PER_TOPIC` (10,000) partitions: producers
    /// look it up once per record, and at 100,000 keys half the bytes is half the cache misses.
    partition_of_key: Vec<u16>,
    /// The id the log's cleaner knows key `first + i` by (see [`key_id`]).
    id_of_key: Vec<u32>,
}

/// The small integer a compacted log stores for a key (`log::KeyRecord::key`): the key's murmur2 hash.
///
/// Simplification: the cleaner compares these ids, not the key bytes, so two distinct keys whose
/// murmur2 hashes collide would compact each other away (about one chance in 10 000 for 1 000 keys).
/// The hash, rather than the key's number, keeps ids stable when a live change of the key
/// distribution renames the keys.
pub fn key_id(key: &str) -> u32 {
    murmur2(key.as_bytes()) as u32
}

impl KeyPicker {
    /// The keys of `spec` on a topic of `partitions` partitions.
    pub fn new(spec: &KeySpec, partitions: u32) -> Self {
        let names: Vec<String> = match spec.distribution {
            KeyDistribution::None => Vec::new(),
            KeyDistribution::Uniform | KeyDistribution::Hot => {
                (0..u64::from(spec.count)).map(|i| key_name(&spec.prefix, spec.first + i)).collect()
            }
        };
        let partition_of_key = names
            .iter()
            .map(|k| {
                u16::try_from(partition_for_key(k.as_bytes(), partitions)).expect("partitions are within the limit")
            })
            .collect();
        let id_of_key = names.iter().map(|k| key_id(k)).collect();
        KeyPicker { spec: spec.clone(), partition_of_key, id_of_key }
    }

    pub fn spec(&self) -> &KeySpec {
        &self.spec
    }

    /// The key index of the next record (0 is `prefix + first`), or `None` for a null key.
    /// One random draw per record.
    pub fn draw(&self, rng: &mut dyn RandomSource) -> Option<u32> {
        let count = self.partition_of_key.len() as u32;
        match self.spec.distribution {
            KeyDistribution::None => None,
            _ if count == 0 => None,
            KeyDistribution::Uniform => Some(rng.below(count)),
            KeyDistribution::Hot => Some(hot_draw(count, self.spec.hot_share_percent.min(100), rng)),
        }
    }

    /// The partition of key `index` (`BuiltInPartitioner.partitionForKey`).
    pub fn partition_of(&self, index: u32) -> u32 {
        u32::from(self.partition_of_key[index as usize])
    }

    /// The id a compacted log stores for key `index`.
    pub fn id_of(&self, index: u32) -> u32 {
        self.id_of_key[index as usize]
    }

    /// The key string of key `index`, e.g. `order-101`.
    pub fn name(&self, index: u32) -> String {
        key_name(&self.spec.prefix, self.spec.first + u64::from(index))
    }

    /// A short description for the view: `uniform over 1000 keys`, `hot: order-101 carries 90%`, `none`.
    pub fn describe(&self) -> String {
        match self.spec.distribution {
            KeyDistribution::Uniform => format!("uniform over {} keys", self.spec.count),
            KeyDistribution::Hot => {
                format!("hot: {} carries {}% of {} keys", self.name(0), self.spec.hot_share_percent, self.spec.count)
            }
            KeyDistribution::None => "none (null keys)".into(),
        }
    }
}

fn key_name(prefix: &str, number: u64) -> String {
    format!("{prefix}{number}")
}

/// One draw for a hot-key distribution: key 0 with probability `share_percent` %, otherwise one of
/// the other `count − 1` keys uniformly. A single `below(100 × (count − 1))` covers both choices:
/// the first `share × (count − 1)` values mean the hot key, the remaining `(100 − share)` whole
/// cycles of `count − 1` values name the other keys evenly.
fn hot_draw(count: u32, share_percent: u32, rng: &mut dyn RandomSource) -> u32 {
    let others = count - 1;
    if others == 0 {
        return 0;
    }
    let hot_values = share_percent * others;
    let value = rng.below(100 * others);
    if value < hot_values { 0 } else { 1 + (value - hot_values) % others }
}

/// How records are spread over partitions: Kafka's `partitioner.class`.
#[derive(Clone, Debug)]
pub enum Partitioning {
    /// Unset `partitioner.class`: keyed records by murmur2, null keys by KIP-794 uniform sticky.
    BuiltIn(StickyPartitioner),
    /// `RoundRobinPartitioner`: keys ignored, one partition after another. Kafka 4.0 includes
    /// KAFKA-17632, which undid the skip KAFKA-9965 described (the second `partition()` call for a
    /// record that opens a batch), so records go round strictly evenly.
    RoundRobin(RoundRobinPartitioner),
}

impl Partitioning {
    pub fn new(spec: PartitionerSpec, batch_size: u32) -> Self {
        match spec {
            PartitionerSpec::Default => Partitioning::BuiltIn(sticky_for(batch_size)),
            PartitionerSpec::RoundRobin => Partitioning::RoundRobin(RoundRobinPartitioner::new()),
        }
    }

    /// `partitioner.class` as Kafka names it (`default` meaning unset).
    pub fn name(&self) -> &'static str {
        match self {
            Partitioning::BuiltIn(_) => "default",
            Partitioning::RoundRobin(_) => "round_robin",
        }
    }

    /// A new `batch.size`: the built-in partitioner's sticky batch size follows it (`KafkaProducer`
    /// builds the `BuiltInPartitioner` from `batch.size`).
    pub fn set_batch_size(&mut self, batch_size: u32) {
        if let Partitioning::BuiltIn(sticky) = self {
            *sticky = sticky_for(batch_size);
        }
    }

    /// KIP-794 adaptive partitioning: weigh the next sticky switch against long queues.
    /// Simplification: Kafka refreshes the statistics on every `RecordAccumulator.ready` pass and
    /// excludes no partition for slowness (`partitioner.availability.timeout.ms` = 0, the default);
    /// here they are refreshed once per application tick, every partition counting as tracked.
    pub fn update_load_stats(&mut self, queues: &[PartitionQueue], partitions: u32) {
        if let Partitioning::BuiltIn(sticky) = self {
            sticky.update_load_stats(queues, partitions as usize);
        }
    }

    /// Whether per-record partition choices depend on the accumulator (sticky) or on a counter.
    pub fn needs_available(&self, keys: &KeyPicker) -> bool {
        match self {
            Partitioning::BuiltIn(_) => keys.spec.distribution == KeyDistribution::None,
            Partitioning::RoundRobin(_) => true,
        }
    }
}

/// `KafkaProducer` passes `max(1, batch.size)`; batch sizes are validated ≤ 1 MiB so they fit an `i32`.
fn sticky_for(batch_size: u32) -> StickyPartitioner {
    StickyPartitioner::for_batch_size_config(i32::try_from(batch_size).unwrap_or(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SimRng;

    #[test]
    fn key_table_matches_murmur2() {
        let picker = KeyPicker::new(&KeySpec::uniform("order-", 101, 50), 3);
        for i in 0..50 {
            assert_eq!(picker.partition_of(i), partition_for_key(picker.name(i).as_bytes(), 3));
        }
        assert_eq!(picker.name(0), "order-101");
    }

    #[test]
    fn hot_key_takes_its_share() {
        let picker = KeyPicker::new(&KeySpec::hot("k", 0, 100, 90), 6);
        let mut rng = SimRng::new(7);
        let draws = 100_000;
        let hot = (0..draws).filter(|_| picker.draw(&mut rng) == Some(0)).count();
        assert!((89_000..=91_000).contains(&hot), "hot key drawn {hot} of {draws}");
    }

    #[test]
    fn hot_draw_covers_every_other_key_evenly() {
        // With a 0 % share the hot key never appears and the other keys are uniform.
        let mut rng = SimRng::new(3);
        let mut counts = [0u32; 5];
        for _ in 0..50_000 {
            counts[hot_draw(5, 0, &mut rng) as usize] += 1;
        }
        assert_eq!(counts[0], 0);
        assert!(counts[1..].iter().all(|c| (11_500..=13_500).contains(c)), "{counts:?}");
        // With 100 % every draw is the hot key; with one key it is always key 0.
        assert!((0..100).all(|_| hot_draw(5, 100, &mut rng) == 0));
        assert!((0..100).all(|_| hot_draw(1, 10, &mut rng) == 0));
    }

    #[test]
    fn null_keys_draw_nothing() {
        let picker = KeyPicker::new(&KeySpec::none(), 3);
        let mut rng = SimRng::new(1);
        assert_eq!(picker.draw(&mut rng), None);
    }
}
