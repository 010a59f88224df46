//! A producer client: writes keyed records at a steady rate, partitions them with Kafka's murmur2 rule,
//! groups each tick's records into one batch per partition and sends each batch to its partition leader.

use std::collections::BTreeMap;

use super::isr::{Acks, ProduceError};
use super::partitioner::partition_for_key;
use super::rng::RandomSource;
use super::types::Millis;
use crate::scenario::{AcksSpec, ProducerSpec};

/// Size of one record on the wire (key, value and record overhead), in bytes.
pub const RECORD_BYTES: u64 = 100;
/// v2 record batch header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD).
pub const BATCH_OVERHEAD_BYTES: u64 = 61;
/// Kafka's `request.timeout.ms` default.
pub const REQUEST_TIMEOUT_MS: Millis = 30_000;

/// Tally of what happened to the records a producer sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProduceStats {
    pub sent: u64,
    pub acknowledged: u64,
    pub failed: BTreeMap<ProduceError, u64>,
}

impl ProduceStats {
    pub fn failed_total(&self) -> u64 {
        self.failed.values().sum()
    }
}

/// The records of one tick bound for one partition: becomes one produce request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingBatch {
    pub partition: u32,
    pub records: u32,
    /// The key of the batch's last record, so the view can label a moving record.
    pub last_key: u64,
}

#[derive(Debug)]
pub struct Producer {
    pub name: String,
    pub topic: usize,
    pub rate_per_sec: f64,
    pub acks: Acks,
    pub key_prefix: String,
    pub key_first: u64,
    /// Partition of each key number (murmur2 of its UTF-8 bytes), computed once per partition count.
    key_partitions: Vec<u32>,
    /// Fractional records owed from earlier ticks, so any rate is honoured exactly over time.
    credit: f64,
    pub stats: ProduceStats,
}

impl Producer {
    /// A producer as the scenario describes it, writing to topic number `topic` of `partitions` partitions.
    pub fn new(spec: &ProducerSpec, topic: usize, partitions: u32) -> Self {
        let mut producer = Producer {
            name: spec.name.clone(),
            topic,
            rate_per_sec: spec.rate_per_sec,
            acks: match spec.acks {
                AcksSpec::Zero => Acks::Zero,
                AcksSpec::One => Acks::One,
                AcksSpec::All => Acks::All,
            },
            key_prefix: spec.keys.prefix.clone(),
            key_first: spec.keys.first,
            key_partitions: Vec::new(),
            credit: 0.0,
            stats: ProduceStats::default(),
        };
        producer.key_partitions = producer.partition_table(spec.keys.count, partitions);
        producer
    }

    fn partition_table(&self, key_count: u32, partitions: u32) -> Vec<u32> {
        (0..u64::from(key_count))
            .map(|i| partition_for_key(self.key(self.key_first + i).as_bytes(), partitions))
            .collect()
    }

    /// Key string of key number `n` (e.g. `order-101`).
    pub fn key(&self, n: u64) -> String {
        format!("{}{n}", self.key_prefix)
    }

    /// Time between two sends: one record per tick at slow rates (so each can be watched), and
    /// Kafka 4.0's default `linger.ms` of 5 ms at high rates.
    pub fn tick_interval_ms(&self) -> Millis {
        if self.rate_per_sec <= 0.0 {
            return 1_000;
        }
        ((1_000.0 / self.rate_per_sec).round() as Millis).clamp(5, 1_000)
    }

    /// Accumulate the records due for `elapsed_ms`, draw a key for each, and group them per partition.
    pub fn drain_tick(&mut self, elapsed_ms: Millis, rng: &mut dyn RandomSource) -> Vec<OutgoingBatch> {
        self.credit += self.rate_per_sec * elapsed_ms as f64 / 1_000.0;
        let due = self.credit.floor();
        self.credit -= due;
        let mut per_partition: BTreeMap<u32, OutgoingBatch> = BTreeMap::new();
        let key_count = self.key_partitions.len() as u32;
        for _ in 0..due as u64 {
            let key_index = rng.below(key_count);
            let partition = self.key_partitions[key_index as usize];
            let batch = per_partition.entry(partition).or_insert(OutgoingBatch { partition, records: 0, last_key: 0 });
            batch.records += 1;
            batch.last_key = self.key_first + u64::from(key_index);
        }
        self.stats.sent += due as u64;
        per_partition.into_values().collect()
    }

    pub fn record_failure(&mut self, error: ProduceError, records: u32) {
        *self.stats.failed.entry(error).or_insert(0) += u64::from(records);
    }
}

/// Bytes of a batch of `records` records.
pub fn batch_bytes(records: u32) -> u64 {
    BATCH_OVERHEAD_BYTES + RECORD_BYTES * u64::from(records)
}
