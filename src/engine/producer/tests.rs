//! The producer as a whole, driven event by event without an engine: which partition records go
//! to under each key distribution, sticky switching, linger, the in-flight limit, retries and the
//! delivery timeout.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::engine::partitioner::{StickyPartitioner, partition_for_key};
use crate::engine::rng::SimRng;
use crate::scenario::{AcksSpec, PartitionerSpec};

/// A producer with a fake cluster: partition `p` is led by `leaders[p]`; nothing answers unless a
/// test calls `respond`.
struct Harness {
    producer: Producer,
    rng: SimRng,
    now: Millis,
    leaders: Vec<Option<BrokerId>>,
    queue: BTreeMap<(Millis, u64), ProducerEvent>,
    seq: u64,
    /// Every batch sent, with the request it travelled in.
    requests: Vec<(Millis, SentBatch)>,
    narration: Vec<String>,
    /// Answer every request with success as soon as it is sent (a healthy, instant cluster).
    auto_ack: bool,
}

/// One partition's batch as sent, with its request's number.
#[derive(Clone, Debug)]
struct SentBatch {
    request: u64,
    partition: u32,
    records: u32,
    keys: Option<Vec<KeyRecord>>,
}

impl Harness {
    fn new(spec: ProducerSpec, partitions: u32) -> Self {
        Self::with_topic(spec, partitions, false)
    }

    fn with_topic(spec: ProducerSpec, partitions: u32, compacted: bool) -> Self {
        let mut h = Harness {
            producer: Producer::new(&spec, 0, partitions, compacted),
            rng: SimRng::new(42),
            now: 0,
            leaders: (0..partitions).map(|p| Some(p as BrokerId % 3 + 1)).collect(),
            queue: BTreeMap::new(),
            seq: 0,
            requests: Vec::new(),
            narration: Vec::new(),
            auto_ack: false,
        };
        h.call(|p, ctx| p.start(ctx));
        h
    }

    fn call<R>(&mut self, f: impl FnOnce(&mut Producer, &mut ProducerContext) -> R) -> R {
        let leaders = TopicLeaders::new(self.leaders.clone());
        let mut ctx = ProducerContext::new(self.now, &mut self.rng, &leaders);
        let result = f(&mut self.producer, &mut ctx);
        let ProducerContext { schedule, requests, narration, .. } = ctx;
        for (at, event) in schedule {
            self.queue.insert((at, self.seq), event);
            self.seq += 1;
        }
        for r in requests {
            for p in r.parts {
                let sent = SentBatch { request: r.request, partition: p.partition, records: p.records, keys: p.keys };
                self.requests.push((self.now, sent));
            }
        }
        self.narration.extend(narration);
        result
    }

    fn run_until(&mut self, until: Millis) {
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > until {
                break;
            }
            let ((at, _), event) = entry.remove_entry();
            self.now = at;
            let sent_before = self.requests.len();
            self.call(|p, ctx| p.handle(event, ctx));
            if self.auto_ack {
                let mut new: Vec<u64> = self.requests[sent_before..].iter().map(|(_, r)| r.request).collect();
                new.dedup();
                for request in new {
                    self.respond(request, Ok(()));
                }
            }
        }
        self.now = until;
    }

    /// Answer request `request` with `result` for every partition in it.
    fn respond(&mut self, request: u64, result: Result<(), ProduceError>) {
        let results: Vec<PartitionResult> = self
            .requests
            .iter()
            .filter(|(_, r)| r.request == request)
            .map(|(_, r)| PartitionResult { partition: r.partition, result })
            .collect();
        self.call(|p, ctx| p.on_response(request, &results, ctx));
    }

    /// Records sent per partition (first sends and retries alike).
    fn records_per_partition(&self) -> BTreeMap<u32, u64> {
        let mut per = BTreeMap::new();
        for (_, r) in &self.requests {
            *per.entry(r.partition).or_insert(0) += u64::from(r.records);
        }
        per
    }
}

fn spec(rate: f64, keys: KeySpec) -> ProducerSpec {
    ProducerSpec::new("App", "orders", rate, keys)
}

/// A harness whose cluster answers every request at once.
fn healthy(spec: ProducerSpec, partitions: u32) -> Harness {
    let mut h = Harness::new(spec, partitions);
    h.auto_ack = true;
    h
}

#[test]
fn a_keyed_record_goes_to_its_murmur2_partition() {
    // (prefix, number, partitions, expected partition) from kafka-reference.md §1.5.
    let cases = [("order-", 42, 3, 0), ("user-", 1, 3, 2), ("user-", 2, 8, 0), ("key", 1, 12, 8), ("key", 2, 12, 11)];
    for (prefix, number, partitions, expected) in cases {
        let mut h = healthy(spec(100.0, KeySpec::uniform(prefix, number, 1)), partitions);
        h.run_until(1_010);
        let per = h.records_per_partition();
        assert_eq!(per.keys().copied().collect::<Vec<_>>(), vec![expected], "{prefix}{number} over {partitions}");
        assert_eq!(per[&expected], 100);
    }
}

#[test]
fn uniform_keys_follow_the_key_table() {
    let keys = KeySpec::uniform("order-", 101, 50);
    let mut h = healthy(spec(2_000.0, keys.clone()), 6);
    h.run_until(2_010);
    let per = h.records_per_partition();
    let used: Vec<u32> = (0..50).map(|i| partition_for_key(format!("order-{}", 101 + i).as_bytes(), 6)).collect();
    assert!(per.keys().all(|p| used.contains(p)), "only partitions some key hashes to: {per:?}");
    assert!(per.values().sum::<u64>() >= 4_000);
}

#[test]
fn a_hot_key_carries_its_share() {
    let mut h = healthy(spec(10_000.0, KeySpec::hot("order-", 101, 1_000, 90)), 6);
    h.run_until(2_000);
    let per = h.records_per_partition();
    let hot = partition_for_key(b"order-101", 6);
    let total: u64 = per.values().sum();
    let share = per[&hot] as f64 / total as f64;
    // 90 % by the hot key, plus its partition's sixth of the other 10 %.
    assert!((0.88..=0.94).contains(&share), "hot partition {hot} took {share:.3} of {total}");
}

#[test]
fn round_robin_ignores_keys_and_spreads_evenly() {
    let mut s = spec(300.0, KeySpec::uniform("order-", 42, 1));
    s.partitioner = PartitionerSpec::RoundRobin;
    let mut h = healthy(s, 3);
    h.run_until(1_010);
    let per = h.records_per_partition();
    let (min, max) = (per.values().min().copied(), per.values().max().copied());
    assert_eq!(per.len(), 3);
    assert!(max.zip(min).is_some_and(|(max, min)| max - min <= 1), "strictly even: {per:?}");
    assert!(per.values().sum::<u64>() >= 300);
}

#[test]
fn null_keys_stick_to_a_partition_until_a_batch_fills() {
    // batch.size 1061 = 61 + 10 × 100: the 10th record fills the batch exactly, so the sticky
    // partition switches after every 10 records (possibly to the same partition, KIP-794) and each
    // batch leaves full; a long linger proves it was sent for being full.
    let mut s = spec(1_000.0, KeySpec::none());
    s.batch_size = 1_061;
    s.linger_ms = 60_000;
    s.delivery_timeout_ms = 120_000;
    s.request_timeout_ms = 30_000;
    let mut h = healthy(s, 4);
    h.run_until(1_000);
    assert!(h.requests.len() >= 90, "{} requests", h.requests.len());
    assert!(h.requests.iter().all(|(_, r)| r.records == 10), "every batch full");
    assert!(h.records_per_partition().len() >= 3, "the sticky partition moves around");
}

#[test]
fn chunked_sticky_appends_equal_record_by_record() {
    for (batch_size, records) in [(16_384, 5_000), (1_000, 777), (1_061, 95), (0, 30), (200, 64)] {
        let mut s = spec(0.0, KeySpec::none());
        s.batch_size = batch_size;
        let mut h = Harness::new(s, 5);
        let available = [0, 1, 2, 3, 4];
        h.call(|p, ctx| p.append_sticky(records, &available, ctx));

        let mut rng = SimRng::new(42);
        let mut acc = RecordAccumulator::new(batch_size);
        let mut sticky = StickyPartitioner::for_batch_size_config(batch_size as i32);
        for _ in 0..records {
            let partition = sticky.current_partition(5, &available, &mut rng);
            let appended = acc.append(partition, 1, None, 0);
            sticky.on_append(appended.bytes as u32, appended.last_batch_full, 5, &available, &mut rng);
        }
        assert_eq!(h.producer.accumulator.layout(), acc.layout(), "batch.size {batch_size}, {records} records");
    }
}

proptest! {
    #[test]
    fn sticky_chunks_never_skip_a_switch(batch_size in 0u32..5_000, records in 1u32..400, seed in 0u64..1_000) {
        let mut s = spec(0.0, KeySpec::none());
        s.batch_size = batch_size;
        let mut h = Harness::new(s, 3);
        h.rng = SimRng::new(seed);
        let available = [0, 2];
        h.call(|p, ctx| p.append_sticky(records, &available, ctx));
        let mut rng = SimRng::new(seed);
        let mut acc = RecordAccumulator::new(batch_size);
        let mut sticky = StickyPartitioner::for_batch_size_config(batch_size as i32);
        for _ in 0..records {
            let partition = sticky.current_partition(3, &available, &mut rng);
            let appended = acc.append(partition, 1, None, 0);
            sticky.on_append(appended.bytes as u32, appended.last_batch_full, 3, &available, &mut rng);
        }
        prop_assert_eq!(h.producer.accumulator.layout(), acc.layout());
    }
}

#[test]
fn a_batch_waits_for_linger_then_goes() {
    // 10 records/s: one record every 100 ms; linger.ms 250 collects three of them.
    let mut s = spec(10.0, KeySpec::uniform("order-", 42, 1));
    s.linger_ms = 250;
    let mut h = Harness::new(s, 3);
    h.run_until(349);
    assert!(h.requests.is_empty(), "the first record (t=100) lingers until 350");
    h.run_until(350);
    assert_eq!(h.requests.len(), 1);
    assert_eq!((h.requests[0].0, h.requests[0].1.records), (350, 3));
}

#[test]
fn the_in_flight_limit_holds_back_requests_until_answers_come() {
    let mut s = spec(1_000.0, KeySpec::uniform("order-", 42, 1));
    s.max_in_flight_requests_per_connection = 2;
    s.linger_ms = 0;
    let mut h = Harness::new(s, 3);
    h.run_until(500);
    assert_eq!(h.requests.len(), 2, "two unanswered requests fill the connection");
    assert_eq!(h.producer.in_flight_requests(), vec![(1, 2)]);
    let first = h.requests[0].1.request;
    h.respond(first, Ok(()));
    h.run_until(500);
    assert_eq!(h.requests.len(), 3, "an answer frees a slot; the waiting records leave as one batch");
    assert_eq!(h.requests[2].1.records, 163, "the oldest waiting batch, full at 163 records of 100 B");
    assert_eq!(h.producer.stats().peak_in_flight_requests, 2);
}

/// `drainBatchesForOneNode`: a request that fills `max.request.size` stops at a partition, and the
/// broker's next request starts there (its own drain index), so every partition it leads is served in
/// turn; restarting one past the last start would send the same partitions again and starve the rest.
#[test]
fn a_full_request_stops_where_the_next_one_to_that_broker_starts() {
    const PARTITIONS: u32 = 100;
    let mut s = spec(100_000.0, KeySpec::uniform("order-", 42, 1));
    s.partitioner = PartitionerSpec::RoundRobin;
    s.max_in_flight_requests_per_connection = 1;
    s.linger_ms = 0;
    let mut h = Harness::new(s, PARTITIONS);
    h.leaders = vec![Some(1); PARTITIONS as usize];
    h.run_until(500);
    let partitions_of = |h: &Harness, request: u64| -> Vec<u32> {
        h.requests.iter().filter(|(_, r)| r.request == request).map(|(_, r)| r.partition).collect()
    };
    let mut starts = Vec::new();
    let mut served = std::collections::BTreeSet::new();
    for _ in 0..3 {
        let last = h.requests.last().expect("a request is waiting for its answer").1.request;
        h.respond(last, Ok(()));
        h.run_until(500);
        let next = h.requests.last().expect("the answer let the next request go").1.request;
        let parts = partitions_of(&h, next);
        assert!(parts.len() < PARTITIONS as usize, "1 MiB holds fewer than 100 full batches: {}", parts.len());
        let consecutive = parts.windows(2).all(|w| w[1] == (w[0] + 1) % PARTITIONS);
        assert!(consecutive, "a drain walks the broker's partitions in order from its index: {parts:?}");
        starts.push((parts[0], (parts[parts.len() - 1] + 1) % PARTITIONS));
        served.extend(parts);
    }
    for pair in starts.windows(2) {
        assert_eq!(pair[1].0, pair[0].1, "the next request starts at the partition the last one had no room for");
    }
    assert_eq!(served.len(), PARTITIONS as usize, "three full requests reach every partition");
}

#[test]
fn acks_zero_never_waits_for_an_answer() {
    let mut s = spec(1_000.0, KeySpec::uniform("order-", 42, 1));
    s.acks = AcksSpec::Zero;
    s.max_in_flight_requests_per_connection = 1;
    let mut h = Harness::new(s, 3);
    h.run_until(1_000);
    assert!(h.requests.len() > 100, "no in-flight limit without responses: {}", h.requests.len());
    assert!(h.producer.in_flight_requests().is_empty());
    let stats = h.producer.stats();
    assert_eq!(stats.acknowledged, stats.sent);
    assert_eq!(stats.in_flight, 0);
}

#[test]
fn one_response_settles_each_partition_of_a_request_with_its_own_result() {
    // Partitions 0 and 3 are both led by broker 1: one request carries a batch of each.
    let mut s = spec(1_000.0, KeySpec::uniform("order-", 42, 1_000));
    s.linger_ms = 100;
    s.retries = 0;
    let mut h = Harness::new(s, 6);
    h.run_until(150);
    let to_broker_1: Vec<SentBatch> =
        h.requests.iter().map(|(_, r)| r.clone()).filter(|r| r.partition % 3 == 0).collect();
    assert_eq!(to_broker_1.len(), 2, "{to_broker_1:?}");
    let request = to_broker_1[0].request;
    assert_eq!(to_broker_1[1].request, request, "one request for both partitions");
    assert_eq!(h.producer.in_flight_requests(), vec![(1, 1), (2, 1), (3, 1)]);
    let results = [
        PartitionResult { partition: 3, result: Err(ProduceError::NotEnoughReplicas) },
        PartitionResult { partition: 0, result: Ok(()) },
    ];
    h.call(|p, ctx| p.on_response(request, &results, ctx));
    let records = |p: u32| u64::from(to_broker_1.iter().find(|r| r.partition == p).map_or(0, |r| r.records));
    let stats = h.producer.stats();
    assert_eq!(stats.acknowledged, records(0), "partition 0's batch is acknowledged");
    assert_eq!(stats.gave_up.get(&ProduceError::NotEnoughReplicas), Some(&records(3)), "partition 3's failed");
    assert_eq!(h.producer.in_flight_requests(), vec![(2, 1), (3, 1)], "the response freed broker 1's slot");
    h.call(|p, ctx| p.on_response(request, &results, ctx));
    assert_eq!(h.producer.stats().acknowledged, records(0), "a second answer to the same request changes nothing");
}

#[test]
fn a_retriable_error_is_retried_after_the_backoff() {
    let mut s = spec(10.0, KeySpec::uniform("order-", 42, 1));
    s.linger_ms = 0;
    s.retry_backoff_ms = 100;
    let mut h = Harness::new(s, 3);
    h.run_until(100);
    let (_, first) = h.requests[0].clone();
    h.now = 120;
    h.respond(first.request, Err(ProduceError::NotEnoughReplicas));
    assert!(h.narration.iter().any(|n| n == "App: 1 record to orders-0 failed: NOT_ENOUGH_REPLICAS (retrying)"));
    h.run_until(219);
    assert_eq!(h.requests.len(), 1, "the retry backs off, and the record of t=200 queues behind it");
    h.run_until(220);
    let retry = h.requests[1].clone();
    assert_eq!((retry.0, retry.1.records), (220, 1));
    assert_eq!(h.requests.len(), 3, "the record of t=200 follows in the next request");
    assert_eq!(h.requests[2].0, 220);
    h.respond(retry.1.request, Ok(()));
    let stats = h.producer.stats();
    assert_eq!(stats.failed.get(&ProduceError::NotEnoughReplicas), Some(&1));
    assert_eq!(stats.retried, 1);
    assert_eq!(stats.acknowledged, 1);
    assert_eq!(stats.failed_total(), 0, "a retried error is not a failure");
    let recent = h.producer.recent_outcomes();
    assert_eq!(recent[0].outcome, Outcome::Retrying(ProduceError::NotEnoughReplicas));
    assert_eq!(recent[1].outcome, Outcome::Acknowledged);
    assert_eq!(recent[0].batch, recent[1].batch, "the retry is the same batch");
}

#[test]
fn retries_zero_fails_at_once() {
    let mut s = spec(10.0, KeySpec::uniform("order-", 42, 1));
    s.retries = 0;
    let mut h = Harness::new(s, 3);
    h.run_until(200);
    let first = h.requests[0].1.request;
    h.respond(first, Err(ProduceError::NotEnoughReplicas));
    let stats = h.producer.stats();
    assert_eq!(stats.gave_up.get(&ProduceError::NotEnoughReplicas), Some(&1));
    assert_eq!(stats.failed_total(), 1);
    assert!(
        h.narration.iter().any(|n| n == "App: 1 record to orders-0 failed: NOT_ENOUGH_REPLICAS"),
        "{:?}",
        h.narration
    );
}

#[test]
fn repeated_errors_are_narrated_once() {
    let mut s = spec(100.0, KeySpec::uniform("order-", 42, 1));
    s.linger_ms = 0;
    let mut h = Harness::new(s, 3);
    for t in (100..=2_000).step_by(100) {
        h.run_until(t);
        let open: Vec<u64> = h.requests.iter().map(|(_, r)| r.request).collect();
        for request in open {
            h.respond(request, Err(ProduceError::NotEnoughReplicas));
        }
    }
    let lines = h.narration.iter().filter(|n| n.contains("NOT_ENOUGH_REPLICAS")).count();
    assert_eq!(lines, 1, "{:?}", h.narration);
    assert!(h.producer.stats().failed[&ProduceError::NotEnoughReplicas] > 20);
}

#[test]
fn an_unanswered_request_times_out_and_is_retried() {
    let mut s = spec(10.0, KeySpec::uniform("order-", 42, 1));
    s.request_timeout_ms = 500;
    s.delivery_timeout_ms = 10_000;
    s.max_in_flight_requests_per_connection = 1;
    let mut h = Harness::new(s, 3);
    h.run_until(1_000);
    let stats = h.producer.stats();
    assert_eq!(stats.failed.get(&ProduceError::RequestTimedOut), Some(&1), "{stats:?}");
    assert!(stats.retried >= 1);
}

#[test]
fn records_without_a_leader_expire_at_the_delivery_timeout() {
    let mut s = spec(10.0, KeySpec::uniform("order-", 42, 1));
    s.request_timeout_ms = 500;
    s.delivery_timeout_ms = 1_000;
    let mut h = Harness::new(s, 3);
    h.leaders = vec![None; 3];
    h.run_until(1_099);
    assert_eq!(h.producer.stats().expired, 0, "the batch opened at t=100 has time until 1100");
    h.run_until(1_100);
    let stats = h.producer.stats();
    assert_eq!(stats.expired, 10, "the batch took the records of t=100..=1000");
    assert_eq!(stats.failed_total(), 10);
    assert!(h.requests.is_empty());
    assert_eq!(h.producer.recent_outcomes().last().map(|o| o.outcome), Some(Outcome::Expired));
    let expected = "App: 10 records to orders-0 failed: TimeoutException: \
                    Expiring 10 record(s) for orders-0:1000 ms has passed since batch creation";
    assert!(h.narration.iter().any(|n| n == expected), "{:?}", h.narration);
}

#[test]
fn compacted_topics_get_key_ids_and_tombstones() {
    let mut s = spec(1_000.0, KeySpec::uniform("order-", 1, 20));
    s.tombstone_share_percent = 25;
    let mut h = Harness::with_topic(s.clone(), 3, true);
    h.auto_ack = true;
    h.run_until(1_000);
    let keyed: Vec<&Vec<KeyRecord>> = h.requests.iter().filter_map(|(_, r)| r.keys.as_ref()).collect();
    assert_eq!(keyed.len(), h.requests.len(), "every batch carries its keys");
    assert!(h.requests.iter().all(|(_, r)| r.keys.as_ref().map(Vec::len) == Some(r.records as usize)));
    let all: Vec<KeyRecord> = keyed.into_iter().flatten().copied().collect();
    let tombstones = all.iter().filter(|k| k.tombstone).count() as f64 / all.len() as f64;
    assert!((0.2..0.3).contains(&tombstones), "{tombstones}");
    let ids: std::collections::BTreeSet<u32> = all.iter().map(|k| k.key).collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.contains(&keys::key_id("order-1")));

    let mut plain = healthy(s, 3);
    plain.run_until(1_000);
    assert!(plain.requests.iter().all(|(_, r)| r.keys.is_none()), "other topics' batches stay counts");
}

#[test]
fn commands_refuse_invalid_values_with_kafkas_message() {
    let mut h = Harness::new(spec(10.0, KeySpec::uniform("order-", 1, 10)), 3);
    let refused = h.call(|p, ctx| p.apply(ProducerCommand::SetAcks { acks: "2".into() }, ctx));
    assert_eq!(refused, Err("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1".into()));
    assert_eq!(h.call(|p, ctx| p.apply(ProducerCommand::SetAcks { acks: "1".into() }, ctx)), Ok(()));
    assert_eq!(h.producer.config().acks, Acks::One);
    let too_long = ProducerCommand::SetLingerMs { linger_ms: 200_000 };
    assert!(h.call(|p, ctx| p.apply(too_long, ctx)).is_err(), "linger.ms + request.timeout.ms > delivery.timeout.ms");
    assert!(h.call(|p, ctx| p.apply(ProducerCommand::SetKeys { keys: KeySpec::uniform("", 1, 10) }, ctx)).is_err());
    assert_eq!(h.call(|p, ctx| p.apply(ProducerCommand::SetKeys { keys: KeySpec::hot("o-", 1, 10, 90) }, ctx)), Ok(()));
    assert_eq!(h.producer.view("orders".into()).keys, "hot: o-1 carries 90% of 10 keys");
    assert_eq!(h.call(|p, ctx| p.apply(ProducerCommand::SetBatchSize { batch_size: 32_768 }, ctx)), Ok(()));
    assert_eq!(h.producer.config().batch_size, 32_768);
}
