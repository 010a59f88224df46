//! The producer inside the engine: key distributions seen in the partitions' logs, acks and min ISR
//! outcomes (kafka-reference.md §3.4), acks=0, the delivery timeout, batching by linger.ms, compacted
//! topics, commands and determinism.

use kafkaviz::engine::command::{Command, CommandError};
use kafkaviz::engine::invariants;
use kafkaviz::engine::isr::ProduceError;
use kafkaviz::engine::producer::{Outcome, ProducerCommand};
use kafkaviz::engine::sim::Engine;
use kafkaviz::engine::snapshot::Snapshot;
use kafkaviz::scenario::{
    AcksSpec, BrokerSpec, CleanupPolicySpec, KeySpec, Placement, Scenario, default_scenario, validate,
};

fn engine(scenario: Scenario) -> Engine {
    Engine::new(&validate(scenario).expect("valid test scenario"))
}

/// The default scenario with a busier producer and no consumers to speak of.
fn scenario(rate: f64, keys: KeySpec) -> Scenario {
    let mut s = default_scenario();
    s.producers[0].rate_per_sec = rate;
    s.producers[0].keys = keys;
    s
}

/// Brokers 1–3 hold every replica; broker 4 holds none and is the only controller voter.
fn separate_controller(mut s: Scenario) -> Scenario {
    s.cluster.brokers.push(BrokerSpec { id: 4, rack: None });
    s.cluster.controller_quorum_voters = Some(vec![4]);
    s.topics[0].placement = Placement::Manual { replicas: vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]] };
    s
}

fn crash(e: &mut Engine, broker: i32) {
    e.apply(Command::StopBroker { broker, graceful: false }).expect("broker stops");
}

fn leos(s: &Snapshot) -> Vec<u64> {
    s.topics[0].partitions.iter().map(|p| p.log_end_offset).collect()
}

#[test]
fn a_hot_key_at_ninety_percent_makes_one_partition_dominate() {
    let mut e = engine(scenario(1_000.0, KeySpec::hot("order-", 101, 1_000, 90)));
    e.advance_to(3_000);
    let s = e.snapshot();
    let leo = leos(&s);
    let total: u64 = leo.iter().sum();
    let hot = leo.iter().copied().max().unwrap_or(0);
    assert!(total > 2_500, "{leo:?}");
    // 90 % by the hot key plus about a third of the rest.
    assert!(hot as f64 > 0.9 * total as f64, "{leo:?}");
    assert!(invariants::violations(&s).is_empty());
}

#[test]
fn uniform_keys_spread_over_every_partition() {
    let mut e = engine(scenario(1_000.0, KeySpec::uniform("order-", 101, 1_000)));
    e.advance_to(3_000);
    let leo = leos(&e.snapshot());
    let total: u64 = leo.iter().sum();
    assert!(leo.iter().all(|l| *l as f64 > 0.25 * total as f64), "{leo:?}");
}

#[test]
fn acks_all_under_min_isr_fails_with_not_enough_replicas_and_the_snapshot_shows_it() {
    let mut s = separate_controller(scenario(50.0, KeySpec::uniform("order-", 101, 1_000)));
    s.producers[0].acks = AcksSpec::All;
    // Requests appended before the ISR shrank wait (high watermark frozen under min ISR) and hold the
    // in-flight slots until request.timeout.ms; a short one lets the retries meet the small ISR.
    s.producers[0].request_timeout_ms = 2_000;
    let mut e = engine(s);
    e.advance_to(2_000);
    crash(&mut e, 2);
    crash(&mut e, 3);
    e.advance_to(20_000);
    let s = e.snapshot();
    assert!(s.topics[0].partitions.iter().all(|p| p.isr == vec![1]), "{:?}", s.topics[0].partitions);
    let p = &s.producers[0];
    let refused = p.stats.failed.get(&ProduceError::NotEnoughReplicas).copied().unwrap_or(0);
    assert!(refused > 0, "{:?}", p.stats);
    assert!(p.recent.iter().any(|o| o.outcome == Outcome::Retrying(ProduceError::NotEnoughReplicas)));
    assert!(p.troubled_partitions.iter().any(|(_, e)| *e == "NOT_ENOUGH_REPLICAS"), "{:?}", p.troubled_partitions);
    assert!(
        s.narration
            .iter()
            .any(|n| n.text.starts_with("Producer App: ") && n.text.contains("failed: NOT_ENOUGH_REPLICAS")),
        "{:?}",
        s.narration
    );
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn acks_zero_never_waits_even_when_followers_are_gone() {
    let mut s = separate_controller(scenario(200.0, KeySpec::uniform("order-", 101, 1_000)));
    s.producers[0].acks = AcksSpec::Zero;
    let mut e = engine(s);
    e.advance_to(1_000);
    crash(&mut e, 2);
    crash(&mut e, 3);
    for t in (1_500..=15_000).step_by(500) {
        e.advance_to(t);
        let s = e.snapshot();
        assert!(s.producers[0].in_flight_requests.is_empty(), "nothing waits for an answer at {t}");
    }
    let stats = &e.snapshot().producers[0].stats;
    assert_eq!(stats.acknowledged, stats.sent, "acks=0 counts a batch done once sent");
    assert!(stats.sent > 2_500, "{stats:?}");
}

#[test]
fn the_delivery_timeout_fires_when_the_leader_is_gone() {
    let mut s = separate_controller(scenario(100.0, KeySpec::uniform("order-", 101, 1_000)));
    s.producers[0].request_timeout_ms = 1_000;
    s.producers[0].delivery_timeout_ms = 3_000;
    let mut e = engine(s);
    e.advance_to(1_000);
    for broker in [1, 2, 3] {
        crash(&mut e, broker);
    }
    e.advance_to(20_000);
    let s = e.snapshot();
    assert!(s.topics[0].partitions.iter().all(|p| p.leader.is_none()), "every partition offline");
    let p = &s.producers[0];
    assert!(p.stats.expired > 1_000, "{:?}", p.stats);
    assert!(p.recent.iter().any(|o| o.outcome == Outcome::Expired));
    assert!(s.narration.iter().any(|n| n.text.contains("failed: TimeoutException: Expiring")), "{:?}", s.narration);
}

#[test]
fn a_longer_linger_sends_fewer_requests() {
    let requests = |linger_ms: u64| {
        let mut s = scenario(5_000.0, KeySpec::uniform("order-", 101, 1_000));
        s.producers[0].acks = AcksSpec::One;
        s.producers[0].linger_ms = linger_ms;
        let mut e = engine(s);
        e.advance_to(3_000);
        let stats = e.snapshot().producers[0].stats.clone();
        assert!(stats.acknowledged > 14_000, "linger {linger_ms}: {stats:?}");
        stats.requests
    };
    let counts: Vec<u64> = [0, 20, 200].into_iter().map(requests).collect();
    assert!(counts.windows(2).all(|w| w[0] > w[1]), "requests by linger 0, 20, 200 ms: {counts:?}");
}

#[test]
fn a_compacted_topic_takes_keyed_records_and_refuses_null_keys() {
    let keyed = |keys: KeySpec| {
        let mut s = scenario(200.0, keys);
        s.topics[0].cleanup_policy = CleanupPolicySpec::Compact;
        s.producers[0].tombstone_share_percent = 10;
        let mut e = engine(s);
        e.advance_to(3_000);
        e.snapshot()
    };
    let s = keyed(KeySpec::uniform("order-", 101, 50));
    assert_eq!(s.producers[0].stats.failed_total(), 0, "{:?}", s.producers[0].stats);
    assert!(leos(&s).iter().sum::<u64>() > 400);
    let s = keyed(KeySpec::none());
    let refused = s.producers[0].stats.gave_up.get(&ProduceError::InvalidRecord).copied().unwrap_or(0);
    assert!(refused > 400, "Compacted topic cannot accept message without key: {:?}", s.producers[0].stats);
    assert_eq!(leos(&s), vec![0, 0, 0]);
}

#[test]
fn commands_change_a_running_producer_or_are_refused_with_kafkas_message() {
    let mut e = engine(scenario(100.0, KeySpec::uniform("order-", 101, 1_000)));
    let set = |command| Command::Producer { producer: 0, command };
    let refused = e.apply(set(ProducerCommand::SetAcks { acks: "2".into() }));
    assert_eq!(
        refused,
        Err(CommandError::Refused(
            "Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1".into()
        ))
    );
    e.apply(set(ProducerCommand::SetKeys { keys: KeySpec::hot("order-", 101, 1_000, 90) })).expect("keys");
    e.apply(set(ProducerCommand::SetAcks { acks: "1".into() })).expect("acks");
    e.apply(set(ProducerCommand::SetBatchSize { batch_size: 32_768 })).expect("batch.size");
    e.apply(set(ProducerCommand::SetLingerMs { linger_ms: 20 })).expect("linger.ms");
    e.apply(set(ProducerCommand::SetRate { records_per_sec_millis: 500_000 })).expect("rate");
    let p = &e.snapshot().producers[0];
    assert_eq!((p.acks, p.config.batch_size, p.config.linger_ms, p.rate_per_sec), ("1", 32_768, 20, 500.0));
    assert_eq!(p.keys, "hot: order-101 carries 90% of 1000 keys");
}

#[test]
fn the_same_seed_gives_the_same_history() {
    let run = || {
        let mut s = scenario(20_000.0, KeySpec::none());
        s.producers[0].linger_ms = 10;
        let mut e = engine(s);
        e.advance_to(1_000);
        crash(&mut e, 2);
        e.advance_to(4_000);
        (e.history_digest(), e.snapshot().producers[0].stats.clone())
    };
    assert_eq!(run(), run());
}

#[test]
fn a_million_records_a_second_stays_batched() {
    let mut s = scenario(1_000_000.0, KeySpec::none());
    s.producers[0].acks = AcksSpec::One;
    let mut e = engine(s);
    e.advance_to(1_000);
    let stats = e.snapshot().producers[0].stats.clone();
    // Every record due was handed over, or refused for want of buffer.memory: one batch per partition
    // per request and 5 requests in flight cap what a producer can push through 3 partitions.
    let due = stats.sent + stats.queued + stats.blocked;
    assert!((999_000..=1_000_000).contains(&due), "{stats:?}");
    assert!(stats.blocked > 0, "a 32 MiB buffer.memory fills at this rate: {stats:?}");
    // Full 16 KiB batches of 163 records: thousands of requests, not a million.
    assert!(stats.requests < 10_000 && stats.sent / stats.requests > 150, "{stats:?}");
}

#[test]
fn producer_configs_are_validated_with_kafkas_messages() {
    let refused = |change: fn(&mut Scenario)| {
        let mut s = default_scenario();
        change(&mut s);
        validate(s).err().map(|e| e.to_string())
    };
    type Change = fn(&mut Scenario);
    let cases: [(Change, &str); 4] = [
        (
            |s| s.producers[0].max_in_flight_requests_per_connection = 0,
            "Invalid value 0 for configuration max.in.flight.requests.per.connection: Value must be at least 1",
        ),
        (|s| s.producers[0].batch_size = 2_000_000, "producers[0].batch_size"),
        (
            |s| s.producers[0].delivery_timeout_ms = 1_000,
            "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms",
        ),
        (|s| s.producers[0].tombstone_share_percent = 101, "producers[0].tombstone_share_percent"),
    ];
    for (change, expected) in cases {
        let error = refused(change).expect("refused");
        assert!(error.contains(expected), "{error}");
    }
    assert_eq!(refused(|s| s.producers[0].tombstone_share_percent = 100), None);
}
