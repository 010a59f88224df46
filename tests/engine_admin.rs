//! Operating the running cluster: brokers joining and leaving, topics created and reconfigured, and
//! replicas reassigned, each checked as Kafka's controller checks it and refused with its reason.

use kafkaviz::engine::command::{Command, CommandError};
use kafkaviz::engine::invariants;
use kafkaviz::engine::sim::Engine;
use kafkaviz::scenario::{BrokerSpec, Placement, TopicSpec, default_scenario, validate};
use kafkaviz::session::Session;

fn engine() -> Engine {
    Engine::new(&validate(default_scenario()).expect("the default scenario is valid"))
}

/// Advance in 100 ms steps, checking every invariant after each.
fn run_checked(engine: &mut Engine, until_ms: u64) {
    while engine.now() < until_ms {
        engine.advance_by(100);
        let violations = invariants::violations(&engine.snapshot());
        assert!(violations.is_empty(), "at {} ms: {violations:?}", engine.now());
    }
}

fn refusal(result: Result<(), CommandError>) -> String {
    match result {
        Err(CommandError::Refused(why)) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn topic(name: &str, partitions: u32, replication_factor: u16) -> TopicSpec {
    let mut spec = default_scenario().topics[0].clone();
    spec.name = name.into();
    spec.partitions = partitions;
    spec.replication_factor = replication_factor;
    spec.placement = Placement::Striped;
    spec
}

#[test]
fn a_new_broker_takes_new_replicas_which_catch_up_and_join_the_isr() {
    let mut e = engine();
    run_checked(&mut e, 5_000);
    e.apply(Command::AddBroker { broker: 4, rack: None }).expect("id 4 is free");
    e.apply(Command::ChangeReplicationFactor { topic: "orders".into(), replication_factor: 4 }).expect("4 brokers");
    run_checked(&mut e, 20_000);
    let snapshot = e.snapshot();
    for p in &snapshot.topics[0].partitions {
        assert_eq!(p.replicas.len(), 4, "orders-{}: {:?}", p.partition, p.replicas);
        assert!(p.replicas.contains(&4));
        assert!(p.isr.contains(&4), "orders-{}: broker 4 caught up and joined the ISR {:?}", p.partition, p.isr);
    }
    let four = snapshot.brokers.iter().find(|b| b.id == 4).expect("broker 4 is drawn");
    assert_eq!(four.replicas.len(), 3);
    assert!(four.replicas.iter().all(|r| r.log_end_offset > 0), "its replicas copied the leaders' records");
}

#[test]
fn lowering_the_replication_factor_drops_followers_never_leaders() {
    let mut e = engine();
    run_checked(&mut e, 3_000);
    let leaders: Vec<_> = e.snapshot().topics[0].partitions.iter().map(|p| p.leader).collect();
    e.apply(Command::ChangeReplicationFactor { topic: "orders".into(), replication_factor: 1 }).expect("allowed");
    run_checked(&mut e, 8_000);
    let snapshot = e.snapshot();
    for (p, leader) in snapshot.topics[0].partitions.iter().zip(leaders) {
        assert_eq!(p.replicas.len(), 1);
        assert_eq!(p.leader, leader);
        assert_eq!(p.isr, p.replicas);
    }
    let hosted: usize = snapshot.brokers.iter().map(|b| b.replicas.len()).sum();
    assert_eq!(hosted, 3, "the removed replicas' logs are gone from their brokers");
}

#[test]
fn reassignment_beyond_the_live_brokers_is_refused_with_kafkas_reason() {
    let mut e = engine();
    let why = refusal(e.apply(Command::ChangeReplicationFactor { topic: "orders".into(), replication_factor: 4 }));
    assert_eq!(why, "The target replication factor of 4 cannot be reached because only 3 broker(s) are registered.");
    let why = refusal(e.apply(Command::ChangeReplicationFactor { topic: "payments".into(), replication_factor: 2 }));
    assert!(why.contains("'payments'"), "{why}");
}

#[test]
fn a_broker_is_removed_only_once_it_hosts_nothing_and_does_not_vote() {
    let mut e = engine();
    let why = refusal(e.apply(Command::RemoveBroker { broker: 1 }));
    assert_eq!(why, "broker 1 is a controller quorum voter and cannot be removed");
    e.apply(Command::AddBroker { broker: 7, rack: Some("rack-b".into()) }).expect("free id");
    assert!(refusal(e.apply(Command::AddBroker { broker: 7, rack: None })).contains("already registered"));
    e.apply(Command::ChangeReplicationFactor { topic: "orders".into(), replication_factor: 4 }).expect("4 brokers");
    let why = refusal(e.apply(Command::RemoveBroker { broker: 7 }));
    assert!(why.starts_with("broker 7 still hosts replicas of orders-0, orders-1, orders-2"), "{why}");
    e.apply(Command::ChangeReplicationFactor { topic: "orders".into(), replication_factor: 3 }).expect("back to 3");
    run_checked(&mut e, 2_000);
    // Lowering the factor drops the last follower of each list: broker 7's new replicas.
    assert!(e.snapshot().brokers.iter().any(|b| b.id == 7 && b.replicas.is_empty()));
    e.apply(Command::RemoveBroker { broker: 7 }).expect("hosts nothing now");
    assert!(e.snapshot().brokers.iter().all(|b| b.id != 7));
    // The id can come back, and the cluster keeps running with its periodic work intact.
    e.apply(Command::AddBroker { broker: 7, rack: None }).expect("a removed id may be reused");
    run_checked(&mut e, 40_000);
}

#[test]
fn created_topics_are_placed_and_replicated_and_bad_ones_get_kafkas_reason() {
    let mut e = engine();
    e.apply(Command::CreateTopic { spec: Box::new(topic("payments", 6, 2)) }).expect("valid topic");
    run_checked(&mut e, 5_000);
    let snapshot = e.snapshot();
    let payments = snapshot.topics.iter().find(|t| t.name == "payments").expect("created");
    assert_eq!(payments.partitions.len(), 6);
    assert!(payments.partitions.iter().all(|p| p.replicas.len() == 2 && p.isr.len() == 2 && p.leader.is_some()));
    let why = refusal(e.apply(Command::CreateTopic { spec: Box::new(topic("orders", 1, 1)) }));
    assert_eq!(why, "Topic 'orders' already exists.");
    let why = refusal(e.apply(Command::CreateTopic { spec: Box::new(topic("big", 1, 5)) }));
    assert_eq!(why, "The target replication factor of 5 cannot be reached because only 3 broker(s) are registered.");
    let why = refusal(e.apply(Command::CreateTopic { spec: Box::new(topic("bad/name", 1, 1)) }));
    assert!(why.contains("bad/name") || why.contains("legal"), "{why}");
}

#[test]
fn topic_configs_change_live_and_bad_values_get_kafkas_message() {
    let mut e = engine();
    let set = |name: &str, value: &str| Command::SetTopicConfig {
        topic: "orders".into(),
        name: name.into(),
        value: value.into(),
    };
    let why = refusal(e.apply(set("retention.ms", "soon")));
    assert_eq!(why, "Invalid value soon for configuration retention.ms: Not a number of type LONG");
    let why = refusal(e.apply(set("segment.bytes", "1000")));
    assert!(why.contains("segment.bytes") && why.contains("at least"), "{why}");
    e.apply(set("segment.ms", "5000")).expect("valid");
    e.apply(set("retention.ms", "10000")).expect("valid");
    run_checked(&mut e, 330_000);
    let detail = e.partition_detail("orders", 0).expect("orders-0");
    assert!(detail.replica_logs.iter().all(|r| r.log_start_offset > 0), "retention ran with the new settings");
}

#[test]
fn enabling_unclean_election_revives_a_partition_whose_isr_is_gone() {
    // Broker 4 is the only controller voter and hosts nothing, so the quorum outlives brokers 1–3.
    let mut scenario = default_scenario();
    scenario.cluster.brokers.push(BrokerSpec { id: 4, rack: None });
    scenario.cluster.controller_quorum_voters = Some(vec![4]);
    scenario.topics[0].placement = Placement::Manual { replicas: vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]] };
    let mut e = Engine::new(&validate(scenario).expect("valid"));
    run_checked(&mut e, 3_000);
    // orders-0 lives on [1, 2, 3]. Stop 2 and 3 so the ISR shrinks to [1], then stop 1 and bring 2 back:
    // orders-0 has no ISR member alive, and stays leaderless until unclean election is allowed.
    e.apply(Command::StopBroker { broker: 2, graceful: false }).unwrap();
    e.apply(Command::StopBroker { broker: 3, graceful: false }).unwrap();
    e.advance_by(40_000);
    e.apply(Command::StartBroker { broker: 3 }).unwrap();
    e.apply(Command::StopBroker { broker: 1, graceful: false }).unwrap();
    e.advance_by(15_000);
    let leader_of_0 = || e.snapshot().topics[0].partitions[0].leader;
    assert_eq!(leader_of_0(), None, "no live ISR member: a clean election is impossible");
    let unclean = Command::SetTopicConfig {
        topic: "orders".into(),
        name: "unclean.leader.election.enable".into(),
        value: "true".into(),
    };
    e.apply(unclean).expect("valid");
    e.advance_by(1_000);
    assert_eq!(e.snapshot().topics[0].partitions[0].leader, Some(3));
}

#[test]
fn admin_actions_replay_exactly_from_the_recorded_scenario() {
    let mut live = Session::new(validate(default_scenario()).unwrap());
    live.advance_to(2_000);
    live.perform(Command::AddBroker { broker: 4, rack: None }).unwrap();
    live.advance_to(4_000);
    live.perform(Command::ChangeReplicationFactor { topic: "orders".into(), replication_factor: 4 }).unwrap();
    live.perform(Command::CreateTopic { spec: Box::new(topic("audit", 2, 3)) }).unwrap();
    live.advance_to(9_000);
    live.perform(Command::SetTopicConfig {
        topic: "audit".into(),
        name: "min.insync.replicas".into(),
        value: "3".into(),
    })
    .unwrap();
    live.advance_to(15_000);
    let mut replay = Session::new(validate(live.scenario().clone()).unwrap());
    replay.advance_to(15_000);
    assert_eq!(replay.engine().history_digest(), live.engine().history_digest());
    assert_eq!(replay.snapshot(), live.snapshot());
}

#[test]
fn added_partitions_are_replicated_and_receive_keys_that_moved() {
    let mut scenario = default_scenario();
    scenario.producers[0].rate_per_sec = 50.0;
    let mut e = Engine::new(&validate(scenario).expect("valid"));
    run_checked(&mut e, 3_000);
    let why = refusal(e.apply(Command::AddPartitions { topic: "orders".into(), partitions: 2 }));
    assert_eq!(why, "Topic currently has 3 partitions, which is higher than the requested 2.");
    assert_eq!(
        refusal(e.apply(Command::AddPartitions { topic: "orders".into(), partitions: 3 })),
        "Topic already has 3 partitions."
    );
    e.apply(Command::AddPartitions { topic: "orders".into(), partitions: 6 }).expect("growing is allowed");
    run_checked(&mut e, 15_000);
    let snapshot = e.snapshot();
    let orders = &snapshot.topics[0];
    assert_eq!(orders.partitions.len(), 6);
    for p in &orders.partitions[3..] {
        assert_eq!(p.replicas.len(), 3, "new partitions keep the topic's replication factor");
        assert_eq!(p.isr.len(), 3);
        assert!(p.log_end_offset > 0, "orders-{}: keys now hash over 6 partitions, some land here", p.partition);
    }
}

#[test]
fn producers_can_be_added_while_running_and_bad_ones_are_refused() {
    let mut e = engine();
    let mut spec = default_scenario().producers[0].clone();
    let why = refusal(e.apply(Command::AddProducer { spec: Box::new(spec.clone()) }));
    assert_eq!(why, "a producer named \"Producer App\" already runs");
    spec.name = "Audit Service".into();
    spec.topic = "audit".into();
    let why = refusal(e.apply(Command::AddProducer { spec: Box::new(spec.clone()) }));
    assert!(why.contains("producer.topic") && why.contains("audit"), "{why}");
    spec.topic = "orders".into();
    spec.rate_per_sec = 20.0;
    e.apply(Command::AddProducer { spec: Box::new(spec) }).expect("valid producer");
    run_checked(&mut e, 10_000);
    let snapshot = e.snapshot();
    assert_eq!(snapshot.producers.len(), 2);
    assert!(snapshot.producers[1].stats.acknowledged > 0, "the new producer's records are acknowledged");
}

#[test]
fn a_group_rebalances_onto_added_partitions() {
    let mut e = engine();
    run_checked(&mut e, 10_000);
    e.apply(Command::AddPartitions { topic: "orders".into(), partitions: 6 }).expect("growing is allowed");
    run_checked(&mut e, 40_000);
    let snapshot = e.snapshot();
    let group = &snapshot.groups[0];
    let mut owned: Vec<u32> = group.members.iter().flat_map(|m| m.partitions.iter().map(|p| p.partition)).collect();
    owned.sort_unstable();
    assert_eq!(owned, vec![0, 1, 2, 3, 4, 5], "every partition, old and new, has exactly one owner");
    assert!(group.members.iter().all(|m| m.partitions.len() == 2), "range spreads 6 partitions over 3 members");
}

#[test]
fn groups_can_be_added_while_running_and_bad_ones_are_refused() {
    let mut e = engine();
    let mut spec = default_scenario().groups[0].clone();
    let why = refusal(e.apply(Command::AddGroup { spec: Box::new(spec.clone()) }));
    assert_eq!(why, "a consumer group named \"order-service\" already runs");
    spec.name = "analytics".into();
    spec.topics = vec!["clicks".into()];
    let why = refusal(e.apply(Command::AddGroup { spec: Box::new(spec.clone()) }));
    assert!(why.contains("group.topics[0]") && why.contains("clicks"), "{why}");
    spec.topics = vec!["orders".into()];
    spec.members.truncate(2);
    for (n, m) in spec.members.iter_mut().enumerate() {
        m.client_id = format!("analytics-{n}");
    }
    e.apply(Command::AddGroup { spec: Box::new(spec) }).expect("valid group");
    run_checked(&mut e, 20_000);
    let snapshot = e.snapshot();
    let analytics = snapshot.groups.iter().find(|g| g.name == "analytics").expect("the new group is drawn");
    let owned: usize = analytics.members.iter().map(|m| m.partitions.len()).sum();
    assert_eq!(owned, 3, "the new group reads all of orders independently of order-service");
    assert!(analytics.members.iter().flat_map(|m| &m.partitions).any(|p| p.committed.is_some()));
}
