//! A producer client, after Kafka's `KafkaProducer`: the application hands records over at a steady
//! rate; each gets a key from the scenario's distribution and a partition from the partitioner
//! (kafka-reference.md §1.3, §1.6); the [`RecordAccumulator`] batches them per partition; the sender
//! drains ready batches to the partition leaders within `max.in.flight.requests.per.connection`,
//! retries retriable errors after `retry.backoff.ms` and gives up at `delivery.timeout.ms` (§3.4).
//!
//! The producer owns its events (`ProducerEvent`) and its in-flight requests; the engine routes events
//! here with a `ProducerContext`, delivers each request (one per broker, a batch per partition) to its
//! leader, and hands back each `ProduceResponse` with its per-partition results.
//!
//! Simplification: a retry of a batch the broker had already written (an answer of
//! `NOT_ENOUGH_REPLICAS_AFTER_APPEND`, or a request that timed out after the append) appends it
//! again. Kafka's producer is idempotent by default (`enable.idempotence=true`), and its broker would
//! recognise the batch's sequence number and not write it twice.
//!
//! Simplification: `buffer.memory` is fixed at Kafka's 32 MiB. When it is used up Kafka blocks
//! `send()` for up to `max.block.ms`; here the records the application could not hand over in that
//! tick are not produced, and are counted as `blocked`.

pub mod accumulator;
pub mod config;
pub mod delivery;
pub mod keys;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

pub use accumulator::{BATCH_OVERHEAD_BYTES, ProducerBatch, RECORD_BYTES, RecordAccumulator, batch_bytes};
pub use config::ProducerConfig;
pub use delivery::{Outcome, OutcomeEvent};

use self::accumulator::{Readiness, Timing};
use self::config::{BUFFER_MEMORY_BYTES, MAX_REQUEST_SIZE_BYTES, acks_name, delivery_timeout_problem, parse_acks};
use self::delivery::{InFlight, OutcomeLog, Trouble, TroubleTracker, expiry_message, is_retriable};
use self::keys::{KeyPicker, Partitioning};
use super::isr::{Acks, ProduceError};
use super::log::KeyRecord;
use super::metadata::TopicLeaders;
use super::partitioner::PartitionQueue;
use super::rng::RandomSource;
use super::snapshot::ProducerView;
use super::types::{BrokerId, Millis};
use crate::scenario::validate::check_key_spec;
use crate::scenario::{KeyDistribution, KeySpec, ProducerSpec, limits};

/// Something that happens to a producer at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProducerEvent {
    /// The application hands over the records due since the last tick, then the sender runs.
    Tick,
    /// The sender wakes up: a batch's linger or backoff ran out, a delivery deadline came, or a
    /// response freed an in-flight slot.
    Wake,
    /// The earliest unanswered request's `request.timeout.ms` runs out: every request past its deadline is
    /// given up. One pending check per producer (Kafka's sender checks on each loop), so a million requests
    /// a second do not leave a million timers queued.
    RequestTimeoutCheck,
}

impl ProducerEvent {
    /// Fixed-width words identifying the event, for the engine's history digest.
    pub fn digest_words(&self) -> [u64; 2] {
        match self {
            ProducerEvent::Tick => [1, 0],
            ProducerEvent::Wake => [2, 0],
            ProducerEvent::RequestTimeoutCheck => [3, 0],
        }
    }
}

/// A user action on a producer. Values are integers or Kafka's spellings so commands stay exact and
/// comparable; invalid values are refused with Kafka's message where Kafka has one. Commands are
/// plain serde data: they are recorded into scenario files and share links.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProducerCommand {
    /// Records per virtual second, in thousandths.
    SetRate { records_per_sec_millis: u64 },
    /// A new key distribution (uniform, hot with its share, or none).
    SetKeys { keys: KeySpec },
    /// `acks` as Kafka spells it: `all`, `-1`, `0` or `1`.
    SetAcks { acks: String },
    /// `batch.size` in bytes.
    SetBatchSize { batch_size: u32 },
    /// `linger.ms`.
    SetLingerMs { linger_ms: u64 },
}

/// One partition's batch in a produce request (Kafka's `ProduceRequestData.PartitionProduceData`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducePart {
    pub partition: u32,
    pub records: u32,
    pub bytes: u64,
    /// The key of the batch's only record, when it has one record, so the view can label it (the
    /// engine takes it for the batch's flight when the request is sent).
    pub key: Option<String>,
    /// Each record's key id and tombstone flag, for a compacted topic's log; `None` otherwise.
    pub keys: Option<Vec<KeyRecord>>,
}

/// One produce request to one broker, as the producer hands it to the network: the first batch of
/// each of several partitions the broker leads (`Sender.sendProduceRequest`), answered by one response
/// with a result per partition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceRequest {
    /// The request's number, which its response carries back.
    pub request: u64,
    pub leader: BrokerId,
    pub acks: Acks,
    /// `timeout` of Kafka's ProduceRequest (the producer's `request.timeout.ms`): how long the leader
    /// may hold an acks=all request waiting for the high watermark before `REQUEST_TIMED_OUT`.
    pub timeout_ms: Millis,
    /// At most one batch per partition, in the order they were drained.
    pub parts: Vec<ProducePart>,
}

/// The broker's answer for one partition of a request (`ProduceResponseData.PartitionProduceResponse`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartitionResult {
    pub partition: u32,
    pub result: Result<(), ProduceError>,
}

/// What a producer may read of the cluster during one call, and what it asks the engine to do.
pub struct ProducerContext<'a> {
    pub now: Millis,
    pub rng: &'a mut dyn RandomSource,
    /// The producer's metadata of its topic: each partition's leader, each broker's partitions.
    pub leaders: &'a TopicLeaders,
    pub schedule: Vec<(Millis, ProducerEvent)>,
    pub requests: Vec<ProduceRequest>,
    pub narration: Vec<String>,
}

impl<'a> ProducerContext<'a> {
    pub fn new(now: Millis, rng: &'a mut dyn RandomSource, leaders: &'a TopicLeaders) -> Self {
        ProducerContext { now, rng, leaders, schedule: Vec::new(), requests: Vec::new(), narration: Vec::new() }
    }
}

/// Tally of what happened to the records a producer produced, in records.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProduceStats {
    /// Records sent for the first time (retries not counted again).
    pub sent: u64,
    /// Records acknowledged (acks 1/all), or sent with acks=0 (Kafka completes those at once).
    pub acknowledged: u64,
    /// Records the broker (or the client, for `REQUEST_TIMED_OUT`) answered with each error, counted
    /// per attempt: a batch refused with `NOT_ENOUGH_REPLICAS` and retried twice counts three times.
    /// This is what the diagram shows as it happens; whether a record failed for good is in
    /// `gave_up` and `expired`.
    pub failed: BTreeMap<ProduceError, u64>,
    /// Records that failed for good with an error (not retriable, or `retries` used up).
    pub gave_up: BTreeMap<ProduceError, u64>,
    /// Records whose `delivery.timeout.ms` ran out (`TimeoutException`).
    pub expired: u64,
    /// Records re-queued for a retry, counted once per retry.
    pub retried: u64,
    /// Records sent and not yet answered.
    pub in_flight: u64,
    /// Records waiting in the accumulator.
    pub queued: u64,
    /// Records the application could not hand over because `buffer.memory` was used up.
    pub blocked: u64,
    /// Partition batches sent (retries included); a request to a broker carries one per partition.
    pub requests: u64,
    /// The most requests ever unanswered at once to one broker.
    pub peak_in_flight_requests: u32,
    /// The longest a batch waited in the accumulator before its first send.
    pub longest_first_wait_ms: Millis,
}

impl ProduceStats {
    /// Records that failed for good, expiries included (what the application's callbacks saw fail).
    pub fn failed_total(&self) -> u64 {
        self.gave_up.values().sum::<u64>() + self.expired
    }
}

#[derive(Debug)]
pub struct Producer {
    pub name: String,
    pub topic: usize,
    topic_name: String,
    partitions: u32,
    pub rate_per_sec: f64,
    config: ProducerConfig,
    keys: KeyPicker,
    partitioning: Partitioning,
    accumulator: RecordAccumulator,
    in_flight: InFlight,
    /// Fractional records owed from earlier ticks, so any rate is honoured exactly over time.
    credit: f64,
    /// When the one pending `RequestTimeoutCheck` fires, if one is scheduled.
    request_check_at: Option<Millis>,
    /// Times at which a `Wake` is already scheduled, so wake-ups are not scheduled twice.
    pending_wakes: BTreeSet<Millis>,
    /// The topic's `cleanup.policy` includes `compact`: batches carry their records' key ids.
    compacted: bool,
    /// Percentage of keyed records sent with a null value (tombstones), on a compacted topic.
    tombstone_share_percent: u32,
    /// Per broker, the index in its partitions where the next drain starts (`RecordAccumulator.nodesDrainIndex`):
    /// so a request that fills up before the end does not starve that broker's later partitions.
    drain_index: BTreeMap<BrokerId, usize>,
    outcomes: OutcomeLog,
    trouble: TroubleTracker,
    stats: ProduceStats,
}

impl Producer {
    /// A producer as the scenario describes it, writing to topic number `topic` of `partitions`
    /// partitions; `compacted` when the topic's `cleanup.policy` includes `compact`.
    pub fn new(spec: &ProducerSpec, topic: usize, partitions: u32, compacted: bool) -> Self {
        let config = ProducerConfig::from_spec(spec);
        Producer {
            name: spec.name.clone(),
            topic,
            topic_name: spec.topic.clone(),
            partitions,
            rate_per_sec: spec.rate_per_sec,
            config,
            keys: KeyPicker::new(&spec.keys, partitions),
            partitioning: Partitioning::new(spec.partitioner, config.batch_size),
            accumulator: RecordAccumulator::new(config.batch_size),
            in_flight: InFlight::default(),
            credit: 0.0,
            pending_wakes: BTreeSet::new(),
            request_check_at: None,
            compacted,
            tombstone_share_percent: spec.tombstone_share_percent,
            drain_index: BTreeMap::new(),
            outcomes: OutcomeLog::default(),
            trouble: TroubleTracker::default(),
            stats: ProduceStats::default(),
        }
    }

    /// The topic grew (`CreatePartitions`): keys hash over the new count from now on, which is why adding
    /// partitions moves keys to other partitions. (The producer's metadata is always current; see `new`.)
    pub fn on_partition_count(&mut self, partitions: u32) {
        self.partitions = partitions;
        self.keys = KeyPicker::new(&self.keys.spec().clone(), partitions);
    }

    pub fn config(&self) -> &ProducerConfig {
        &self.config
    }

    /// The tally so far, with the live in-flight and queued counts.
    pub fn stats(&self) -> ProduceStats {
        ProduceStats {
            in_flight: self.in_flight.records(),
            queued: self.accumulator.queued_records(),
            ..self.stats.clone()
        }
    }

    /// Unanswered requests per broker.
    pub fn in_flight_requests(&self) -> Vec<(BrokerId, u32)> {
        self.in_flight.per_node()
    }

    /// The most recent outcomes, oldest first.
    pub fn recent_outcomes(&self) -> Vec<OutcomeEvent> {
        self.outcomes.recent()
    }

    /// What the view shows of this producer; `topic` is its topic's name.
    pub fn view(&self, topic: String) -> ProducerView {
        ProducerView {
            name: self.name.clone(),
            topic,
            rate_per_sec: self.rate_per_sec,
            acks: acks_name(self.config.acks),
            stats: self.stats(),
            keys: self.keys.describe(),
            partitioner: self.partitioning.name(),
            batch_size: self.config.batch_size,
            linger_ms: self.config.linger_ms,
            in_flight_requests: self.in_flight_requests(),
            recent: self.recent_outcomes(),
            troubled_partitions: self.trouble.current(),
            config: self.config,
            in_flight_batches: self.in_flight.batches(),
        }
    }

    /// How often the application hands records over: one record per tick at slow rates (so each can
    /// be watched), every 5 ms at high rates.
    ///
    /// Simplification: a real application calls `send()` per record at any moment; here records
    /// arrive in per-tick slices, which the accumulator batches exactly as it would single records.
    pub fn tick_interval_ms(&self) -> Millis {
        if self.rate_per_sec <= 0.0 {
            return 1_000;
        }
        ((1_000.0 / self.rate_per_sec).round() as Millis).clamp(5, 1_000)
    }

    /// The producer as the scenario starts it: its first tick is scheduled.
    pub fn start(&mut self, ctx: &mut ProducerContext) {
        ctx.schedule.push((ctx.now + self.tick_interval_ms(), ProducerEvent::Tick));
    }

    pub fn handle(&mut self, event: ProducerEvent, ctx: &mut ProducerContext) {
        match event {
            ProducerEvent::Tick => {
                let interval = self.tick_interval_ms();
                self.hand_over_records(interval, ctx);
                self.run_sender(ctx);
                ctx.schedule.push((ctx.now + interval, ProducerEvent::Tick));
            }
            ProducerEvent::Wake => {
                self.pending_wakes.remove(&ctx.now);
                self.run_sender(ctx);
            }
            ProducerEvent::RequestTimeoutCheck => {
                if self.request_check_at != Some(ctx.now) {
                    return; // superseded by an earlier check that re-armed the timer
                }
                self.request_check_at = None;
                let timed_out = self.in_flight.timed_out_wires(ctx.now);
                for wire in &timed_out {
                    for batch in self.in_flight.time_out_wire(*wire) {
                        self.settle(batch, Err(ProduceError::RequestTimedOut), ctx);
                    }
                }
                if !timed_out.is_empty() {
                    self.run_sender(ctx);
                }
                self.arm_request_check(ctx);
            }
        }
    }

    /// Carry out a user action, or refuse it with the reason (Kafka's message where Kafka has one).
    pub fn apply(&mut self, command: ProducerCommand, ctx: &mut ProducerContext) -> Result<(), String> {
        match command {
            ProducerCommand::SetRate { records_per_sec_millis } => {
                let rate = records_per_sec_millis as f64 / 1_000.0;
                if rate > limits::RATE_PER_SEC {
                    return Err(format!("{rate} is not a rate within 0..={}", limits::RATE_PER_SEC));
                }
                self.rate_per_sec = rate;
                ctx.narration.push(format!("{}: rate set to {}/s", self.name, self.rate_per_sec));
            }
            ProducerCommand::SetKeys { keys } => {
                check_key_spec("keys", &keys).map_err(|e| e.to_string())?;
                self.keys = KeyPicker::new(&keys, self.partitions);
                ctx.narration.push(format!("{}: keys {}", self.name, self.keys.describe()));
            }
            ProducerCommand::SetAcks { acks } => {
                self.config.acks = parse_acks(&acks)?;
                ctx.narration.push(format!("{}: acks={}", self.name, acks_name(self.config.acks)));
            }
            ProducerCommand::SetBatchSize { batch_size } => {
                if batch_size > limits::BATCH_SIZE {
                    return Err(format!("batch.size {batch_size} exceeds the limit of {}", limits::BATCH_SIZE));
                }
                self.config.batch_size = batch_size;
                self.accumulator.set_batch_size(batch_size);
                self.partitioning.set_batch_size(batch_size);
                ctx.narration.push(format!("{}: batch.size={batch_size}", self.name));
            }
            ProducerCommand::SetLingerMs { linger_ms } => {
                if linger_ms > limits::TIMEOUT_MS {
                    return Err(format!("linger.ms {linger_ms} exceeds the limit of {}", limits::TIMEOUT_MS));
                }
                let c = &self.config;
                if let Some(problem) = delivery_timeout_problem(c.delivery_timeout_ms, linger_ms, c.request_timeout_ms)
                {
                    return Err(problem.to_string());
                }
                self.config.linger_ms = linger_ms;
                ctx.narration.push(format!("{}: linger.ms={linger_ms}", self.name));
                self.run_sender(ctx);
            }
        }
        Ok(())
    }

    /// The response to one of this producer's requests, with a result per partition
    /// (`Sender.handleProduceResponse`): each batch is settled with its partition's result. The request's
    /// in-flight slot is released. Responses to requests already timed out are ignored, and so are the
    /// results for batches already expired.
    pub fn on_response(&mut self, request: u64, results: &[PartitionResult], ctx: &mut ProducerContext) {
        for (partition, batch) in self.in_flight.answer(request).unwrap_or_default() {
            let Some(batch) = batch else { continue };
            // A broker answers every partition of a request; a missing one would be a broker bug.
            let result = results
                .iter()
                .find(|r| r.partition == partition)
                .map_or(Err(ProduceError::RequestTimedOut), |r| r.result);
            self.settle(batch, result, ctx);
        }
        // An answer frees an in-flight slot: the sender runs again (once per moment, however many answers).
        self.wake_at(ctx.now, ctx);
    }

    /// Hand over the records due for `elapsed_ms` of the application's rate: draw a key for each,
    /// partition it and append it to the accumulator.
    fn hand_over_records(&mut self, elapsed_ms: Millis, ctx: &mut ProducerContext) {
        self.credit += self.rate_per_sec * elapsed_ms as f64 / 1_000.0;
        let due = self.credit.floor();
        self.credit -= due;
        let due = due as u64;
        let used = self.accumulator.queued_bytes() + self.in_flight.bytes();
        let room = BUFFER_MEMORY_BYTES.saturating_sub(used) / RECORD_BYTES;
        let records = due.min(room).min(u64::from(u32::MAX)) as u32;
        self.stats.blocked += due - u64::from(records);
        if records == 0 {
            return;
        }
        let available: Vec<u32> = if self.partitioning.needs_available(&self.keys) {
            (0..self.partitions).filter(|p| ctx.leaders.leader_of(*p).is_some()).collect()
        } else {
            Vec::new()
        };
        match (&mut self.partitioning, self.keys.spec().distribution) {
            (Partitioning::BuiltIn(_), KeyDistribution::None) => self.append_sticky(records, &available, ctx),
            (Partitioning::BuiltIn(_), _) => self.append_keyed(records, ctx),
            (Partitioning::RoundRobin(_), _) => self.append_round_robin(records, &available, ctx),
        }
    }

    /// Keyed records: one draw per record, counted per partition, appended in bulk.
    fn append_keyed(&mut self, records: u32, ctx: &mut ProducerContext) {
        if self.compacted {
            return self.append_keyed_with_ids(records, ctx);
        }
        // partition → (records, key index of the last one)
        let mut per_partition = vec![(0u32, 0u32); self.partitions as usize];
        for _ in 0..records {
            let Some(key) = self.keys.draw(ctx.rng) else { continue };
            let entry = &mut per_partition[self.keys.partition_of(key) as usize];
            entry.0 += 1;
            entry.1 = key;
        }
        for (partition, (count, last_key)) in (0u32..).zip(per_partition) {
            if count > 0 {
                self.accumulator.append(partition, count, Some(last_key), ctx.now);
            }
        }
    }

    /// Keyed records for a compacted topic: as `append_keyed`, but each record's key id (and whether
    /// it is a tombstone, `tombstone_share_percent` of them) travels with its batch to the log.
    fn append_keyed_with_ids(&mut self, records: u32, ctx: &mut ProducerContext) {
        let mut per_partition: BTreeMap<u32, (Vec<KeyRecord>, u32)> = BTreeMap::new();
        for _ in 0..records {
            let Some(key) = self.keys.draw(ctx.rng) else { continue };
            let record = key_record(&self.keys, key, self.tombstone_share_percent, ctx.rng);
            let entry = per_partition.entry(self.keys.partition_of(key)).or_default();
            entry.0.push(record);
            entry.1 = key;
        }
        for (partition, (keys, last_key)) in per_partition {
            self.accumulator.append_keyed(partition, &keys, Some(last_key), ctx.now);
        }
    }

    /// Null keys under the built-in partitioner: KIP-794 uniform sticky. The switch is decided after
    /// every record from the bytes it added and whether the last batch is full; records are appended
    /// in chunks ([`sticky_chunk`]) within which no record could trigger it, so the outcome is the
    /// record-by-record one at a cost per batch, not per record.
    fn append_sticky(&mut self, records: u32, available: &[u32], ctx: &mut ProducerContext) {
        let queues: Vec<PartitionQueue> = available
            .iter()
            .map(|&partition| PartitionQueue { partition, queued_batches: self.accumulator.queued_batches(partition) })
            .collect();
        self.partitioning.update_load_stats(&queues, self.partitions);
        let Partitioning::BuiltIn(sticky) = &mut self.partitioning else { return };
        let mut remaining = records;
        while remaining > 0 {
            let partition = sticky.current_partition(self.partitions, available, ctx.rng);
            let (opens_batch, fit) = self.accumulator.room(partition);
            let switch_at = 2 * sticky.sticky_batch_size();
            let chunk = sticky_chunk(opens_batch, fit, sticky.produced_bytes(), switch_at).min(remaining);
            let appended = self.accumulator.append(partition, chunk, None, ctx.now);
            let bytes = u32::try_from(appended.bytes).unwrap_or(u32::MAX);
            sticky.on_append(bytes, appended.last_batch_full, self.partitions, available, ctx.rng);
            remaining -= chunk;
        }
    }

    /// `RoundRobinPartitioner`: keys are drawn (records still carry them) but ignored for placement.
    fn append_round_robin(&mut self, records: u32, available: &[u32], ctx: &mut ProducerContext) {
        let Partitioning::RoundRobin(round_robin) = &mut self.partitioning else { return };
        for _ in 0..records {
            let key = self.keys.draw(ctx.rng);
            let partition = round_robin.partition(&self.topic_name, self.partitions, available);
            match key {
                Some(index) if self.compacted => {
                    let record = key_record(&self.keys, index, self.tombstone_share_percent, ctx.rng);
                    self.accumulator.append_keyed(partition, &[record], key, ctx.now)
                }
                _ => self.accumulator.append(partition, 1, key, ctx.now),
            };
        }
    }

    /// `Sender.sendProducerData`: expire what ran out of time, find the brokers with a ready batch,
    /// drain each (within its in-flight limit) into one request, and wake up when the next batch
    /// becomes ready or a deadline comes.
    fn run_sender(&mut self, ctx: &mut ProducerContext) {
        self.expire_batches(ctx);
        loop {
            let scan = self.ready_nodes(ctx);
            let mut sent_any = false;
            for &node in &scan.ready {
                if self.config.acks != Acks::Zero && !self.in_flight.can_send(node, self.config.max_in_flight) {
                    continue; // a response will wake the sender
                }
                sent_any |= self.send_to(node, ctx);
            }
            if !sent_any {
                let deadlines = [
                    scan.next_check,
                    self.accumulator.earliest_deadline(self.config.delivery_timeout_ms),
                    self.in_flight.earliest_deadline(),
                ];
                if let Some(at) = deadlines.into_iter().flatten().filter(|at| *at > ctx.now).min() {
                    self.wake_at(at, ctx);
                }
                return;
            }
        }
    }

    /// `RecordAccumulator.ready`: brokers leading a partition whose first batch may go, and when the next
    /// not-yet-ready batch should be looked at again. A partition without a leader waits (Kafka refreshes
    /// its metadata; each tick looks again).
    fn ready_nodes(&self, ctx: &ProducerContext) -> ReadyScan {
        let timing = self.timing();
        let mut scan = ReadyScan::default();
        for partition in self.accumulator.partitions() {
            let Some(leader) = ctx.leaders.leader_of(partition) else { continue };
            match self.accumulator.readiness(partition, timing, ctx.now) {
                Some(Readiness::Ready) => {
                    scan.ready.insert(leader);
                }
                Some(Readiness::WaitUntil(at)) => scan.next_check = Some(scan.next_check.map_or(at, |n| n.min(at))),
                None => {}
            }
        }
        scan
    }

    /// `drainBatchesForOneNode` + `sendProduceRequest`: the first batch of each partition `node` leads, up
    /// to `max.request.size`, as one request. The walk starts at the broker's drain index, goes round its
    /// partitions once, and leaves the index at the partition it visited last (where a full request
    /// stopped, so that partition goes first next time). Returns whether anything was sent.
    fn send_to(&mut self, node: BrokerId, ctx: &mut ProducerContext) -> bool {
        let leaders = ctx.leaders;
        let mine = leaders.partitions_led_by(node);
        if mine.is_empty() {
            return false;
        }
        let tracked = self.config.acks != Acks::Zero;
        let wire = tracked.then(|| self.in_flight.open_wire(node));
        let start = self.drain_index.get(&node).map_or(0, |i| i % mine.len());
        let timing = self.timing();
        let mut size = 0;
        let mut parts = Vec::new();
        let mut visited = start;
        for index in (start..mine.len()).chain(0..start) {
            visited = index;
            let (_, partition) = mine[index];
            let Some(first) = self.accumulator.first(partition) else { continue };
            if first.backing_off(timing.retry_backoff_ms, ctx.now) {
                continue;
            }
            if !parts.is_empty() && size + first.bytes > MAX_REQUEST_SIZE_BYTES {
                break;
            }
            let Some(batch) = self.accumulator.drain_first(partition, timing, ctx.now) else { continue };
            size += batch.bytes;
            parts.push(self.dispatch(batch, node, wire, ctx));
        }
        self.drain_index.insert(node, visited);
        if parts.is_empty() {
            if let Some(wire) = wire {
                self.in_flight.discard_wire(wire);
            }
            return false;
        }
        let request = match wire {
            Some(wire) => {
                self.in_flight.arm_request_timeout(wire, ctx.now + self.config.request_timeout_ms);
                self.arm_request_check(ctx);
                wire
            }
            None => self.in_flight.untracked_id(),
        };
        let (acks, timeout_ms) = (self.config.acks, self.config.request_timeout_ms);
        ctx.requests.push(ProduceRequest { request, leader: node, acks, timeout_ms, parts });
        true
    }

    /// Make sure a check is scheduled for the earliest unanswered request's deadline. A check already due
    /// earlier stays; when it fires it re-arms for whatever is then the earliest.
    fn arm_request_check(&mut self, ctx: &mut ProducerContext) {
        let Some(first) = self.in_flight.earliest_request_deadline() else { return };
        if self.request_check_at.is_none_or(|at| first < at) {
            self.request_check_at = Some(first);
            ctx.schedule.push((first, ProducerEvent::RequestTimeoutCheck));
        }
    }

    /// Put one batch into request `wire` to `leader` (none for acks=0), and return its part of the request.
    fn dispatch(
        &mut self,
        batch: ProducerBatch,
        leader: BrokerId,
        wire: Option<u64>,
        ctx: &mut ProducerContext,
    ) -> ProducePart {
        let (partition, records, bytes) = (batch.partition, batch.records, batch.bytes);
        if batch.attempts == 0 {
            self.stats.sent += u64::from(records);
            self.stats.longest_first_wait_ms = self.stats.longest_first_wait_ms.max(ctx.now - batch.created);
        }
        self.stats.requests += 1;
        let key = if records == 1 { batch.last_key.map(|k| self.keys.name(k)) } else { None };
        let keys = batch.keys.clone();
        match wire {
            Some(wire) => {
                let deadline = batch.delivery_deadline(self.config.delivery_timeout_ms);
                self.in_flight.add_part(wire, batch, deadline);
                let open = self.in_flight.requests_to(leader);
                self.stats.peak_in_flight_requests = self.stats.peak_in_flight_requests.max(open);
            }
            None => {
                // acks=0: Kafka completes the batch as soon as it is written to the socket.
                self.stats.acknowledged += u64::from(records);
                self.note(&batch, Outcome::Sent, ctx);
            }
        }
        ProducePart { partition, records, bytes, key, keys }
    }

    /// `Sender.completeBatch`: success, a retry after the backoff (`canRetry`), or failure.
    fn settle(&mut self, mut batch: ProducerBatch, result: Result<(), ProduceError>, ctx: &mut ProducerContext) {
        let records = u64::from(batch.records);
        match result {
            Ok(()) => {
                self.stats.acknowledged += records;
                self.note(&batch, Outcome::Acknowledged, ctx);
            }
            Err(error) if self.can_retry(&batch, error, ctx.now) => {
                *self.stats.failed.entry(error).or_insert(0) += records;
                self.stats.retried += records;
                batch.last_error = Some(error);
                self.note(&batch, Outcome::Retrying(error), ctx);
                self.accumulator.reenqueue(batch, ctx.now);
                self.wake_at(ctx.now + self.config.retry_backoff_ms, ctx);
            }
            Err(error) => {
                *self.stats.failed.entry(error).or_insert(0) += records;
                *self.stats.gave_up.entry(error).or_insert(0) += records;
                self.note(&batch, Outcome::Failed(error), ctx);
            }
        }
    }

    /// `Sender.canRetry`: time left before `delivery.timeout.ms`, retries left, and a retriable error.
    /// Kafka's producer refreshes its metadata on `NOT_LEADER_OR_FOLLOWER`; here metadata is always
    /// current (`leader_of`), so the retry goes to whichever broker leads by then.
    fn can_retry(&self, batch: &ProducerBatch, error: ProduceError, now: Millis) -> bool {
        !batch.reached_delivery_timeout(self.config.delivery_timeout_ms, now)
            && batch.attempts < self.config.retries
            && is_retriable(error)
    }

    /// Fail every batch, waiting or in flight, whose `delivery.timeout.ms` ran out.
    fn expire_batches(&mut self, ctx: &mut ProducerContext) {
        let mut expired = self.accumulator.expire(self.config.delivery_timeout_ms, ctx.now);
        expired.extend(self.in_flight.expire(ctx.now));
        for batch in expired {
            self.stats.expired += u64::from(batch.records);
            let waited = ctx.now - batch.created;
            let message = expiry_message(batch.records, &self.topic_name, batch.partition, waited);
            if self.note_quietly(&batch, Outcome::Expired, ctx.now) {
                let lead = failure_lead(&self.name, batch.records, &self.topic_name, batch.partition);
                ctx.narration.push(format!("{lead}: TimeoutException: {message}"));
            }
        }
    }

    /// Record an outcome, and narrate it if it starts, changes or ends a partition's trouble: repeats
    /// of the same error on the same partition are coalesced into the first line.
    fn note(&mut self, batch: &ProducerBatch, outcome: Outcome, ctx: &mut ProducerContext) {
        let before = self.trouble.get(batch.partition).map(|t| t.0.name());
        if !self.note_quietly(batch, outcome, ctx.now) {
            return;
        }
        let (partition, records) = (batch.partition, batch.records);
        let lead = failure_lead(&self.name, records, &self.topic_name, partition);
        let text = match outcome {
            Outcome::Retrying(e) => format!("{lead}: {} (retrying)", e.name()),
            Outcome::Failed(e) => format!("{lead}: {}", e.name()),
            Outcome::Expired => format!("{lead}: TimeoutException"),
            Outcome::Acknowledged | Outcome::Sent => format!(
                "{}: {}-{partition} acknowledged again after {}",
                self.name,
                self.topic_name,
                before.unwrap_or("an error")
            ),
        };
        ctx.narration.push(text);
    }

    /// Record an outcome; returns whether it started, changed or ended the partition's trouble.
    fn note_quietly(&mut self, batch: &ProducerBatch, outcome: Outcome, now: Millis) -> bool {
        let (partition, records) = (batch.partition, batch.records);
        self.outcomes.push(OutcomeEvent { time: now, batch: batch.id, partition, records, outcome });
        let change: Option<Option<Trouble>> = self.trouble.note(partition, outcome);
        change.is_some()
    }

    /// Schedule a `Wake` at `at` unless one is already pending then.
    fn wake_at(&mut self, at: Millis, ctx: &mut ProducerContext) {
        if self.pending_wakes.insert(at) {
            ctx.schedule.push((at, ProducerEvent::Wake));
        }
    }

    fn timing(&self) -> Timing {
        Timing { linger_ms: self.config.linger_ms, retry_backoff_ms: self.config.retry_backoff_ms }
    }
}

/// One pass of the sender over the partitions with batches (see `Producer::ready_nodes`).
#[derive(Debug, Default)]
struct ReadyScan {
    /// Brokers leading a partition whose first batch may go.
    ready: BTreeSet<BrokerId>,
    /// When the next not-yet-ready batch should be looked at again.
    next_check: Option<Millis>,
}

/// The log's view of a record with key `index`: its id, and a tombstone (null value) with
/// probability `tombstone_share_percent` % (one extra draw only when that share is not 0).
fn key_record(keys: &KeyPicker, index: u32, tombstone_share_percent: u32, rng: &mut dyn RandomSource) -> KeyRecord {
    let tombstone = tombstone_share_percent > 0 && rng.below(100) < tombstone_share_percent;
    KeyRecord { key: keys.id_of(index), tombstone }
}

/// The start of a failure line: "Producer App: 12 records to orders-1 failed".
fn failure_lead(producer: &str, records: u32, topic: &str, partition: u32) -> String {
    let noun = if records == 1 { "record" } else { "records" };
    format!("{producer}: {records} {noun} to {topic}-{partition} failed")
}

/// How many null-key records may go to the sticky partition in one append with the same result as
/// appending them one at a time: no more than fit in the batch they land in (only the record that
/// fills a batch can make it full, one condition of a switch), and no further than the record that
/// brings the partition's produced bytes to `switch_at` (twice `batch.size`, where the switch is
/// unconditional). At least one.
fn sticky_chunk(opens_batch: bool, fit: u32, produced: u64, switch_at: u64) -> u32 {
    let first = RECORD_BYTES + if opens_batch { BATCH_OVERHEAD_BYTES } else { 0 };
    let need = switch_at.saturating_sub(produced);
    let until_switch = if need <= first { 1 } else { 1 + (need - first).div_ceil(RECORD_BYTES) };
    fit.max(1).min(u32::try_from(until_switch).unwrap_or(u32::MAX))
}
