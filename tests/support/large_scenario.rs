//! The large scenario the performance benchmark, the soak run and the smoke test share: the product's
//! promise at full size. Built in code through the public scenario API (and validated like any other).
//!
//! 100 brokers on 4 racks; 10 topics × 500 partitions = 5,000 partitions at replication factor 3 with
//! min.insync.replicas 2; one acks=all producer per topic at 100,000 records/s (1,000,000 records/s in all);
//! 50 consumer groups of 10 members, five groups reading each topic.

// Included (`#[path]`) by the bench, the soak example and a test; each uses only part of it.
#![allow(dead_code)]

use kafkaviz::scenario::*;

pub const BROKERS: i32 = 100;
pub const TOPICS: usize = 10;
pub const PARTITIONS_PER_TOPIC: u32 = 500;
pub const RECORDS_PER_SEC_TOTAL: f64 = 1_000_000.0;
pub const GROUPS: usize = 50;
pub const MEMBERS_PER_GROUP: usize = 10;
/// `linger.ms` of the throughput-tuned variant ([`large_scenario_tuned`]).
pub const TUNED_LINGER_MS: u64 = 100;

fn topic_name(t: usize) -> String {
    format!("events-{t}")
}

fn topic(t: usize) -> TopicSpec {
    let base = default_scenario().topics.remove(0);
    TopicSpec {
        name: topic_name(t),
        partitions: PARTITIONS_PER_TOPIC,
        replication_factor: 3,
        min_insync_replicas: 2,
        placement: Placement::Striped,
        ..base
    }
}

fn producer(t: usize) -> ProducerSpec {
    let keys = KeySpec::uniform(format!("key-{t}-"), 0, 100_000);
    let mut spec =
        ProducerSpec::new(format!("producer-{t}"), topic_name(t), RECORDS_PER_SEC_TOTAL / TOPICS as f64, keys);
    spec.acks = AcksSpec::All;
    spec
}

fn group(g: usize) -> GroupSpec {
    let name = format!("group-{g}");
    let members =
        (0..MEMBERS_PER_GROUP).map(|m| MemberSpec { client_id: format!("{name}-{m}"), instance_id: None }).collect();
    // Each topic takes 100,000 records/s; ten members at 20,000/s each could read twice that
    // (max.poll.records still caps what one poll returns).
    GroupSpec::new(name, vec![topic_name(g % TOPICS)], members, 20_000.0)
}

/// The large scenario, as data.
pub fn large_scenario() -> Scenario {
    let mut s = default_scenario();
    s.name = "Large: 100 brokers, 5,000 partitions, 1M records/s".into();
    s.seed = 42;
    s.cluster.brokers = (1..=BROKERS).map(|id| BrokerSpec { id, rack: Some(format!("rack-{}", id % 4)) }).collect();
    s.topics = (0..TOPICS).map(topic).collect();
    s.producers = (0..TOPICS).map(producer).collect();
    s.groups = (0..GROUPS).map(group).collect();
    s
}

/// The large scenario, validated (it is within every limit).
pub fn large_valid_scenario() -> ValidScenario {
    validate(large_scenario()).expect("the large scenario is within the limits")
}

/// The same cluster and load with its producers tuned for throughput: `linger.ms` 100 instead of Kafka
/// 4.0's default 5. At 200 records/s per partition the default sends batches of one or two records, a
/// request per partition every few ms; Kafka's producer tuning advice for many partitions is a longer
/// linger, and here it makes batches of ~20 records: a twentieth of the appends, fetches and responses.
pub fn large_scenario_tuned() -> Scenario {
    let mut s = large_scenario();
    s.name = format!("{} (linger.ms {TUNED_LINGER_MS})", s.name);
    for producer in &mut s.producers {
        producer.linger_ms = TUNED_LINGER_MS;
    }
    s
}

/// The tuned variant, validated.
pub fn large_valid_scenario_tuned() -> ValidScenario {
    validate(large_scenario_tuned()).expect("the tuned large scenario is within the limits")
}
