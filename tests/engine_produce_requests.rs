//! Produce requests in the engine: one network message per request to a broker, carrying a batch per
//! partition (`Sender.sendProduceRequest`), and one response per request with a result per partition
//! (`DelayedProduce`, kafka-reference.md §3.4): acks=all answers when the slowest partition's HW covers
//! its batch; a partition refused on its own fails only its part.

use std::collections::BTreeMap;

use kafkaviz::engine::command::Command;
use kafkaviz::engine::invariants;
use kafkaviz::engine::isr::ProduceError;
use kafkaviz::engine::producer::{Outcome, OutcomeEvent};
use kafkaviz::engine::sim::Engine;
use kafkaviz::engine::types::Millis;
use kafkaviz::scenario::{AcksSpec, BrokerSpec, KeySpec, Placement, Scenario, default_scenario, validate};

fn engine(scenario: Scenario) -> Engine {
    Engine::new(&validate(scenario).expect("valid test scenario"))
}

/// Brokers 1–3 hold the replicas, broker 4 is the only controller voter. Topic `orders` has two
/// partitions led by broker 1: partition 0 replicated to broker 2, partition 1 to broker 3, so every
/// request carries a batch of each. One acks=all producer with keys over both, lingering 50 ms, with
/// one request in flight at a time; no consumers.
fn two_partitions_led_by_broker_1(min_insync_replicas: u16) -> Scenario {
    let mut s = default_scenario();
    s.cluster.brokers = (1..=4).map(|id| BrokerSpec { id, rack: None }).collect();
    s.cluster.controller_quorum_voters = Some(vec![4]);
    let topic = &mut s.topics[0];
    topic.partitions = 2;
    topic.replication_factor = 2;
    topic.min_insync_replicas = min_insync_replicas;
    topic.placement = Placement::Manual { replicas: vec![vec![1, 2], vec![1, 3]] };
    let producer = &mut s.producers[0];
    producer.rate_per_sec = 200.0;
    producer.keys = KeySpec::uniform("order-", 101, 1_000);
    producer.acks = AcksSpec::All;
    producer.linger_ms = 50;
    producer.max_in_flight_requests_per_connection = 1;
    s.groups.clear();
    s
}

fn kind(e: &Engine, name: &str) -> u64 {
    e.events_by_kind().into_iter().find(|(k, _)| *k == name).map(|(_, n)| n).expect("a known event kind")
}

/// The producer's recent outcomes from `since` on, grouped by the moment they happened.
fn outcomes_by_time(e: &Engine, since: Millis) -> BTreeMap<Millis, Vec<OutcomeEvent>> {
    let mut by_time: BTreeMap<Millis, Vec<OutcomeEvent>> = BTreeMap::new();
    for o in e.snapshot().producers[0].recent.iter().filter(|o| o.time >= since) {
        by_time.entry(o.time).or_default().push(*o);
    }
    by_time
}

#[test]
fn an_acks_all_request_is_answered_once_when_its_slowest_partition_is_replicated() {
    const SLOW_MS: Millis = 400;
    let mut e = engine(two_partitions_led_by_broker_1(2));
    e.advance_to(1_000);
    e.apply(Command::SetBrokerFetchDelay { broker: 3, extra_ms: SLOW_MS }).expect("broker 3 exists");
    let since = 2_000;
    let (arrivals, responses) = (kind(&e, "produce_arrives"), kind(&e, "produce_response"));
    e.advance_to(8_000);
    let answers = outcomes_by_time(&e, since);
    assert!(answers.len() >= 4, "several requests answered: {answers:?}");
    for (at, outcomes) in &answers {
        let mut partitions: Vec<u32> = outcomes.iter().map(|o| o.partition).collect();
        partitions.sort();
        assert_eq!(partitions, vec![0, 1], "at {at}: one response answers both partitions' batches");
        assert!(outcomes.iter().all(|o| o.outcome == Outcome::Acknowledged), "{outcomes:?}");
    }
    // One request in flight at a time: the next is sent when the previous is answered, and answered
    // only once broker 3 (fetching SLOW_MS late) has partition 1's batch, however fast partition 0 was.
    let times: Vec<Millis> = answers.keys().copied().collect();
    for pair in times.windows(2) {
        assert!(
            pair[1] - pair[0] >= SLOW_MS,
            "answers at {} and {}: the slow partition held the request",
            pair[0],
            pair[1]
        );
    }
    let (arrivals, responses) = (kind(&e, "produce_arrives") - arrivals, kind(&e, "produce_response") - responses);
    assert!(
        responses <= arrivals && arrivals <= responses + 1,
        "one response per request: {arrivals} arrivals, {responses} responses"
    );
    assert!(invariants::violations(&e.snapshot()).is_empty());
}

#[test]
fn a_partition_refused_on_its_own_fails_only_its_part() {
    let mut s = two_partitions_led_by_broker_1(2);
    s.producers[0].max_in_flight_requests_per_connection = 5;
    // Requests appended while broker 3 was still in partition 1's ISR wait for a HW that no longer
    // moves; a short timeout ends that wait so the retries meet the shrunk ISR.
    s.producers[0].request_timeout_ms = 2_000;
    let mut e = engine(s);
    e.advance_to(1_000);
    e.apply(Command::StopBroker { broker: 3, graceful: false }).expect("broker 3 stops");
    e.advance_to(20_000);
    let snapshot = e.snapshot();
    assert_eq!(snapshot.topics[0].partitions[1].isr, vec![1], "partition 1's ISR shrank below min.insync.replicas");
    assert_eq!(snapshot.topics[0].partitions[0].isr, vec![1, 2], "partition 0 is healthy");
    let leo_before: Vec<u64> = snapshot.topics[0].partitions.iter().map(|p| p.log_end_offset).collect();
    // The broker answered (REQUEST_TIMED_OUT) the requests whose partition-1 batch waited past their
    // timeout, though their producer had given up on them first: only requests in flight stay open.
    assert!(e.open_produce_requests() <= 5, "{} requests open at the broker", e.open_produce_requests());

    let since = e.now();
    e.advance_to(since + 3_000);
    let answers = outcomes_by_time(&e, since);
    let mixed = answers.values().filter(|outcomes| {
        let result = |p: u32| outcomes.iter().find(|o| o.partition == p).map(|o| o.outcome);
        result(0) == Some(Outcome::Acknowledged)
            && result(1) == Some(Outcome::Retrying(ProduceError::NotEnoughReplicas))
    });
    assert!(mixed.count() >= 3, "one response: partition 0 acknowledged, partition 1 refused: {answers:?}");
    let snapshot = e.snapshot();
    let leo: Vec<u64> = snapshot.topics[0].partitions.iter().map(|p| p.log_end_offset).collect();
    assert!(leo[0] > leo_before[0], "partition 0 took its batches: {leo_before:?} → {leo:?}");
    assert_eq!(leo[1], leo_before[1], "partition 1 appended nothing (refused before the append)");
    assert!(snapshot.producers[0].stats.failed[&ProduceError::NotEnoughReplicas] > 0);
    assert_eq!(e.lost_acknowledged_records(), 0);
    assert!(invariants::violations(&snapshot).is_empty());
}

/// Twelve partitions on three brokers, four led by each: a request to a broker carries the batches of
/// several of them, and the network carries one event per request, not per batch.
fn twelve_partitions(acks: AcksSpec) -> Scenario {
    let mut s = default_scenario();
    s.topics[0].partitions = 12;
    let producer = &mut s.producers[0];
    producer.rate_per_sec = 5_000.0;
    producer.keys = KeySpec::uniform("order-", 101, 10_000);
    producer.acks = acks;
    producer.linger_ms = 5;
    s.groups.clear();
    s
}

#[test]
fn the_network_carries_one_event_per_request_not_per_batch() {
    for acks in [AcksSpec::All, AcksSpec::One, AcksSpec::Zero] {
        let mut e = engine(twelve_partitions(acks));
        e.advance_to(3_000);
        let snapshot = e.snapshot();
        let producer = &snapshot.producers[0];
        let batches = producer.stats.requests;
        let (arrivals, responses) = (kind(&e, "produce_arrives"), kind(&e, "produce_response"));
        assert!(arrivals > 100, "{acks:?}: the producer is busy ({arrivals} requests)");
        assert!(2 * arrivals < batches, "{acks:?}: {arrivals} request events for {batches} batches");
        let open: u64 = producer.in_flight_requests.iter().map(|(_, n)| u64::from(*n)).sum();
        match acks {
            // Every request answered once, except those still open now.
            AcksSpec::All | AcksSpec::One => {
                assert!(
                    responses <= arrivals && arrivals <= responses + open,
                    "{acks:?}: {arrivals} arrivals, {responses} responses, {open} open"
                );
                assert_eq!(producer.stats.failed_total(), 0);
            }
            AcksSpec::Zero => assert_eq!(responses, 0, "acks=0 is never answered"),
        }
        assert_eq!(
            producer.stats.acknowledged + producer.stats.in_flight,
            producer.stats.sent,
            "{acks:?}: every part settled"
        );
    }
}
