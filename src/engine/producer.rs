//! A producer client: writes keyed records at a steady rate, partitions them with Kafka's murmur2 rule,
//! groups each tick's records into one batch per partition and sends each batch to its partition leader.
//!
//! The producer owns its events (`ProducerEvent`) and its in-flight requests; the engine routes events
//! here with a `ProducerContext`, delivers requests to leaders, and hands back each `ProduceResponse`.

use std::collections::BTreeMap;

use super::isr::{Acks, ProduceError};
use super::partitioner::partition_for_key;
use super::rng::RandomSource;
use super::types::{BrokerId, Millis};
use crate::scenario::{AcksSpec, ProducerSpec};

/// Size of one record on the wire (key, value and record overhead), in bytes.
pub const RECORD_BYTES: u64 = 100;
/// v2 record batch header (DefaultRecordBatch.RECORD_BATCH_OVERHEAD).
pub const BATCH_OVERHEAD_BYTES: u64 = 61;
/// Kafka's `request.timeout.ms` default.
pub const REQUEST_TIMEOUT_MS: Millis = 30_000;

/// Something that happens to a producer at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProducerEvent {
    /// The accumulator wakes up and sends what it has (one tick of its linger loop).
    Tick,
}

impl ProducerEvent {
    /// Fixed-width words identifying the event, for the engine's history digest.
    pub fn digest_words(&self) -> [u64; 1] {
        match self {
            ProducerEvent::Tick => [1],
        }
    }
}

/// A user action on a producer.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerCommand {
    /// Records per virtual second, in thousandths (so the command stays exact and comparable).
    SetRate { records_per_sec_millis: u64 },
}

/// One produce request for one partition, as the producer hands it to the network.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceRequest {
    pub request: u64,
    pub partition: u32,
    pub leader: BrokerId,
    pub records: u32,
    pub bytes: u64,
    pub acks: Acks,
    /// The key of the batch's only record, when it has one record, so the view can label it.
    pub key: Option<String>,
}

/// What a producer may read of the cluster during one call, and what it asks the engine to do.
pub struct ProducerContext<'a> {
    pub now: Millis,
    pub rng: &'a mut dyn RandomSource,
    /// The current leader of each partition of the producer's topic, from its metadata.
    pub leader_of: &'a dyn Fn(u32) -> Option<BrokerId>,
    pub schedule: Vec<(Millis, ProducerEvent)>,
    pub requests: Vec<ProduceRequest>,
    pub narration: Vec<String>,
}

impl<'a> ProducerContext<'a> {
    pub fn new(now: Millis, rng: &'a mut dyn RandomSource, leader_of: &'a dyn Fn(u32) -> Option<BrokerId>) -> Self {
        ProducerContext { now, rng, leader_of, schedule: Vec::new(), requests: Vec::new(), narration: Vec::new() }
    }
}

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
    next_request: u64,
    /// Requests sent and not yet answered: request number → records in it.
    in_flight: BTreeMap<u64, u32>,
    pub stats: ProduceStats,
}

impl Producer {
    /// A producer as the scenario describes it, writing to topic number `topic` of `partitions` partitions.
    pub fn new(spec: &ProducerSpec, topic: usize, partitions: u32) -> Self {
        let key_partitions = (0..u64::from(spec.keys.count))
            .map(|i| partition_for_key(format!("{}{}", spec.keys.prefix, spec.keys.first + i).as_bytes(), partitions))
            .collect();
        Producer {
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
            key_partitions,
            credit: 0.0,
            next_request: 0,
            in_flight: BTreeMap::new(),
            stats: ProduceStats::default(),
        }
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

    /// Records sent whose response has not come back yet.
    pub fn records_in_flight(&self) -> u64 {
        self.in_flight.values().map(|r| u64::from(*r)).sum()
    }

    /// The producer as the scenario starts it: its first tick is scheduled.
    pub fn start(&mut self, ctx: &mut ProducerContext) {
        ctx.schedule.push((ctx.now + self.tick_interval_ms(), ProducerEvent::Tick));
    }

    pub fn handle(&mut self, event: ProducerEvent, ctx: &mut ProducerContext) {
        match event {
            ProducerEvent::Tick => {
                let interval = self.tick_interval_ms();
                self.send_tick(interval, ctx);
                ctx.schedule.push((ctx.now + interval, ProducerEvent::Tick));
            }
        }
    }

    pub fn apply(&mut self, command: ProducerCommand, ctx: &mut ProducerContext) {
        match command {
            ProducerCommand::SetRate { records_per_sec_millis } => {
                self.rate_per_sec = records_per_sec_millis as f64 / 1_000.0;
                ctx.narration.push(format!("producer {}: rate set to {}/s", self.name, self.rate_per_sec));
            }
        }
    }

    /// The answer to one of this producer's requests.
    pub fn on_response(&mut self, request: u64, result: Result<(), ProduceError>) {
        let Some(records) = self.in_flight.remove(&request) else { return };
        match result {
            Ok(()) => self.stats.acknowledged += u64::from(records),
            Err(error) => *self.stats.failed.entry(error).or_insert(0) += u64::from(records),
        }
    }

    /// Accumulate the records due for `elapsed_ms`, draw a key for each, group them per partition and
    /// send one request per partition to its leader.
    fn send_tick(&mut self, elapsed_ms: Millis, ctx: &mut ProducerContext) {
        self.credit += self.rate_per_sec * elapsed_ms as f64 / 1_000.0;
        let due = self.credit.floor();
        self.credit -= due;
        // partition → (records, last key number)
        let mut per_partition: BTreeMap<u32, (u32, u64)> = BTreeMap::new();
        let key_count = self.key_partitions.len() as u32;
        for _ in 0..due as u64 {
            let key_index = ctx.rng.below(key_count);
            let entry = per_partition.entry(self.key_partitions[key_index as usize]).or_insert((0, 0));
            entry.0 += 1;
            entry.1 = self.key_first + u64::from(key_index);
        }
        for (partition, (records, last_key)) in per_partition {
            self.stats.sent += u64::from(records);
            let request = self.next_request;
            self.next_request += 1;
            self.in_flight.insert(request, records);
            match (ctx.leader_of)(partition) {
                Some(leader) => ctx.requests.push(ProduceRequest {
                    request,
                    partition,
                    leader,
                    records,
                    bytes: batch_bytes(records),
                    acks: self.acks,
                    key: (records == 1).then(|| self.key(last_key)),
                }),
                // No leader in the metadata: the batch cannot be sent.
                None => self.on_response(request, Err(ProduceError::NotLeaderOrFollower)),
            }
        }
    }
}

/// Bytes of a batch of `records` records.
pub fn batch_bytes(records: u32) -> u64 {
    BATCH_OVERHEAD_BYTES + RECORD_BYTES * u64::from(records)
}
