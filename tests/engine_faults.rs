//! Broker failures, elections and their consequences (kafka-reference.md §3.2–3.6): who leads after a
//! failure and when, what producers see, and whether acknowledged records survive. The safety property
//! (no acknowledged record lost with acks=all, min.insync.replicas=2 and clean elections) is checked over
//! random fault schedules; its opposite is shown on constructed schedules with acks=1 and unclean elections.

use kafkaviz::engine::command::Command;
use kafkaviz::engine::invariants;
use kafkaviz::engine::isr::ProduceError;
use kafkaviz::engine::sim::Engine;
use kafkaviz::engine::snapshot::Snapshot;
use kafkaviz::scenario::{AcksSpec, BrokerSpec, Placement, Scenario, default_scenario, validate};
use proptest::prelude::*;

/// In the default scenario partition p has replicas [p+1, p+2, p+3] (mod 3): orders-1 is [2, 3, 1].
const SESSION_TIMEOUT_MS: u64 = 9_000;

fn engine(scenario: Scenario) -> Engine {
    Engine::new(&validate(scenario).expect("valid test scenario"))
}

fn busy_scenario(acks: AcksSpec) -> Scenario {
    let mut s = default_scenario();
    s.producers[0].rate_per_sec = 60.0;
    s.producers[0].acks = acks;
    s.groups[0].records_per_sec = 100.0;
    s
}

/// Brokers 1–3 hold every replica (orders-p on [p+1, p+2, p+3] as in the default scenario); broker 4
/// holds none and is the only controller voter, so the quorum survives any failure of brokers 1–3.
fn separate_controller_scenario(acks: AcksSpec) -> Scenario {
    let mut s = busy_scenario(acks);
    s.cluster.brokers.push(BrokerSpec { id: 4, rack: None });
    s.cluster.controller_quorum_voters = Some(vec![4]);
    s.topics[0].placement = Placement::Manual { replicas: vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]] };
    s
}

fn run_checked(engine: &mut Engine, until_ms: u64) {
    run_checking(engine, until_ms, invariants::violations);
}

/// Advance in 50 ms steps, checking `check` after each.
fn run_checking(engine: &mut Engine, until_ms: u64, check: fn(&Snapshot) -> Vec<String>) {
    while engine.now() < until_ms {
        engine.advance_by(50.min(until_ms - engine.now()));
        let broken = check(&engine.snapshot());
        assert!(broken.is_empty(), "at {} ms: {broken:#?}", engine.now());
    }
}

fn run_for(engine: &mut Engine, ms: u64) {
    let until = engine.now() + ms;
    run_checked(engine, until);
}

fn partition(s: &Snapshot, p: usize) -> &kafkaviz::engine::snapshot::PartitionView {
    &s.topics[0].partitions[p]
}

fn stop(engine: &mut Engine, broker: i32, graceful: bool) {
    engine.apply(Command::StopBroker { broker, graceful }).expect("broker stops");
}

#[test]
fn hard_failure_of_a_leader_moves_leadership_after_the_session_timeout() {
    let mut e = engine(busy_scenario(AcksSpec::All));
    run_checked(&mut e, 5_000);
    stop(&mut e, 2, false);
    let crashed_at = e.now();
    run_checked(&mut e, crashed_at + 4_000);
    assert_eq!(partition(&e.snapshot(), 1).leader, Some(2), "nobody has noticed yet: heartbeats are still due");
    run_checked(&mut e, crashed_at + SESSION_TIMEOUT_MS + 100);
    let s = e.snapshot();
    let p1 = partition(&s, 1);
    assert_eq!(p1.leader, Some(3), "first in-sync replica of [2, 3, 1] that is alive");
    assert_eq!(p1.leader_epoch, 1);
    assert!(!p1.isr.contains(&2), "the fenced broker left the ISR: {:?}", p1.isr);
    assert!(s.brokers.iter().any(|b| b.id == 2 && !b.up && b.fenced));
    let hw_after_failover = p1.high_watermark;
    run_for(&mut e, 5_000);
    assert!(partition(&e.snapshot(), 1).high_watermark > hw_after_failover, "records keep flowing to the new leader");
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn controlled_shutdown_moves_leadership_at_once() {
    let mut e = engine(busy_scenario(AcksSpec::All));
    run_checked(&mut e, 3_000);
    stop(&mut e, 2, true);
    let s = e.snapshot();
    assert_eq!(partition(&s, 1).leader, Some(3));
    assert!(s.topics[0].partitions.iter().all(|p| !p.isr.contains(&2)));
    run_checked(&mut e, 10_000);
    let s = e.snapshot();
    assert_eq!(
        s.producers[0].stats.failed.get(&ProduceError::NotEnoughReplicas),
        None,
        "ISR of 2 still meets min ISR 2"
    );
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn restarted_broker_catches_up_rejoins_and_regains_preferred_leadership() {
    let mut e = engine(busy_scenario(AcksSpec::All));
    run_checked(&mut e, 3_000);
    stop(&mut e, 2, false);
    run_checked(&mut e, 20_000);
    e.apply(Command::StartBroker { broker: 2 }).unwrap();
    run_checked(&mut e, 25_000);
    let s = e.snapshot();
    assert!(s.topics[0].partitions.iter().all(|p| p.isr.len() == 3), "broker 2 back in every ISR");
    let replica = s.brokers[1].replicas.iter().find(|r| r.partition == 1).unwrap();
    assert_eq!(replica.role.name(), "follower");
    e.apply(Command::PreferredLeaderElection).unwrap();
    let s = e.snapshot();
    assert_eq!(partition(&s, 1).leader, Some(2), "preferred replica leads again");
    assert_eq!(partition(&s, 1).leader_epoch, 2);
    run_checked(&mut e, 30_000);
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn auto_leader_rebalance_restores_preferred_leaders() {
    let mut scenario = busy_scenario(AcksSpec::All);
    scenario.cluster.leader_imbalance_check_interval_seconds = 30;
    let mut e = engine(scenario);
    stop(&mut e, 2, true);
    run_checked(&mut e, 5_000);
    e.apply(Command::StartBroker { broker: 2 }).unwrap();
    run_checked(&mut e, 29_000);
    assert_eq!(partition(&e.snapshot(), 1).leader, Some(3));
    run_checked(&mut e, 31_000);
    assert_eq!(partition(&e.snapshot(), 1).leader, Some(2), "the 30 s imbalance check moved it back");
}

#[test]
fn two_brokers_down_with_min_isr_two_refuses_acks_all_writes() {
    let mut scenario = separate_controller_scenario(AcksSpec::All);
    // Requests appended before the ISR shrank wait for a high watermark that is frozen under min ISR,
    // and hold all 5 in-flight slots to broker 1 until `request.timeout.ms`; a short timeout lets the
    // retries meet the shrunken ISR (and NOT_ENOUGH_REPLICAS) within the test's window.
    scenario.producers[0].request_timeout_ms = 3_000;
    let mut e = engine(scenario);
    run_checked(&mut e, 3_000);
    stop(&mut e, 2, false);
    stop(&mut e, 3, false);
    run_checked(&mut e, 3_000 + SESSION_TIMEOUT_MS + 5_000);
    let s = e.snapshot();
    assert!(s.topics[0].partitions.iter().all(|p| p.isr == vec![1]), "{:?}", s.topics[0].partitions);
    let refused = s.producers[0].stats.failed.get(&ProduceError::NotEnoughReplicas).copied().unwrap_or(0);
    assert!(refused > 0, "NOT_ENOUGH_REPLICAS once the ISR is below min.insync.replicas");
    let hw: Vec<u64> = s.topics[0].partitions.iter().map(|p| p.high_watermark).collect();
    run_for(&mut e, 3_000);
    let later: Vec<u64> = e.snapshot().topics[0].partitions.iter().map(|p| p.high_watermark).collect();
    assert_eq!(hw, later, "nothing is appended or committed under min ISR");
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn losing_the_last_in_sync_replica_takes_the_partition_offline_until_it_returns() {
    let mut e = engine(separate_controller_scenario(AcksSpec::All));
    run_checked(&mut e, 3_000);
    for broker in [3, 1, 2] {
        stop(&mut e, broker, false);
        run_for(&mut e, SESSION_TIMEOUT_MS + 500);
    }
    let s = e.snapshot();
    assert!(s.topics[0].partitions.iter().all(|p| p.leader.is_none()), "all offline");
    assert!(s.topics[0].partitions.iter().all(|p| p.isr == vec![2]), "the ISR keeps the last member (ELR off)");
    e.apply(Command::StartBroker { broker: 3 }).unwrap();
    assert!(
        e.snapshot().topics[0].partitions.iter().all(|p| p.leader.is_none()),
        "3 is not in the ISR: no clean leader"
    );
    e.apply(Command::StartBroker { broker: 2 }).unwrap();
    assert!(e.snapshot().topics[0].partitions.iter().all(|p| p.leader == Some(2)), "the last ISR member leads again");
    run_for(&mut e, 5_000);
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn controller_quorum_fails_over_and_freezes_without_a_majority() {
    let mut e = engine(busy_scenario(AcksSpec::All));
    assert_eq!(e.active_controller(), Some(1));
    stop(&mut e, 1, false);
    run_checked(&mut e, 1_500);
    assert_eq!(e.active_controller(), Some(2), "a new controller after the election timeout");
    stop(&mut e, 2, false);
    assert_eq!(e.active_controller(), None, "one voter of three is not a majority");
    run_checked(&mut e, 1_500 + SESSION_TIMEOUT_MS * 2);
    assert_eq!(partition(&e.snapshot(), 1).leader, Some(2), "without a controller the dead leader is never replaced");
    e.apply(Command::StartBroker { broker: 1 }).unwrap();
    run_for(&mut e, 1_500 + SESSION_TIMEOUT_MS);
    assert_eq!(e.active_controller(), Some(1));
    assert_eq!(partition(&e.snapshot(), 1).leader, Some(3), "the new controller fenced broker 2 and re-elected");
}

/// Followers on brokers 1 and 3 lag five seconds behind (still inside replica.lag.time.max.ms, 30 s), then
/// broker 2, leader of orders-1, crashes and the controller elects a new leader.
fn leader_dies_ahead_of_slow_followers(acks: AcksSpec) -> Engine {
    let mut e = engine(busy_scenario(acks));
    run_checked(&mut e, 2_000);
    for broker in [1, 3] {
        e.apply(Command::SetBrokerFetchDelay { broker, extra_ms: 5_000 }).unwrap();
    }
    run_checked(&mut e, 6_000);
    stop(&mut e, 2, false);
    run_checked(&mut e, 6_000 + SESSION_TIMEOUT_MS + 1_000);
    e
}

#[test]
fn acks_one_loses_acknowledged_records_when_the_leader_dies_before_replication() {
    let e = leader_dies_ahead_of_slow_followers(AcksSpec::One);
    let lost = e.lost_acknowledged_records();
    println!("acks=1: {lost} acknowledged records lost when broker 2 crashed");
    assert!(lost > 0, "leader 3 never received what broker 2 acknowledged alone");
    assert_eq!(partition(&e.snapshot(), 1).leader, Some(3), "a clean election: 3 was still in the ISR");
}

#[test]
fn acks_all_with_the_same_schedule_loses_nothing() {
    let e = leader_dies_ahead_of_slow_followers(AcksSpec::All);
    assert_eq!(e.lost_acknowledged_records(), 0);
}

#[test]
fn unclean_election_trades_acknowledged_records_for_availability() {
    let build = |unclean: bool| {
        let mut s = separate_controller_scenario(AcksSpec::All);
        s.topics[0].min_insync_replicas = 1;
        s.topics[0].unclean_leader_election_enable = unclean;
        let mut e = engine(s);
        run_checked(&mut e, 2_000);
        // Broker 1 falls far behind and out of the ISR; then every in-sync broker of orders-1 dies.
        e.apply(Command::SetBrokerFetchDelay { broker: 1, extra_ms: 60_000 }).unwrap();
        // Out of sync 30 s after its last caught-up fetch; the ISR check runs every 15 s.
        run_checked(&mut e, 50_000);
        assert!(!partition(&e.snapshot(), 1).isr.contains(&1), "broker 1 dropped out of the ISR");
        stop(&mut e, 3, false);
        run_for(&mut e, SESSION_TIMEOUT_MS + 500);
        stop(&mut e, 2, false);
        // An unclean election may leave consumers ahead of the new leader's log: only the structural
        // invariants are promised from here on.
        let until = e.now() + SESSION_TIMEOUT_MS + 500;
        run_checking(&mut e, until, invariants::structural_violations);
        e
    };
    let clean = build(false);
    assert_eq!(partition(&clean.snapshot(), 1).leader, None, "clean: offline rather than lose data");
    assert_eq!(clean.lost_acknowledged_records(), 0);

    let unclean = build(true);
    let s = unclean.snapshot();
    assert_eq!(partition(&s, 1).leader, Some(1), "unclean: the out-of-sync replica leads");
    assert_eq!(partition(&s, 1).isr, vec![1]);
    let lost = unclean.lost_acknowledged_records();
    println!("unclean election: {lost} acknowledged records lost");
    assert!(lost > 0);
}

#[test]
fn a_returning_former_leader_truncates_its_divergent_tail() {
    let mut e = engine(busy_scenario(AcksSpec::One));
    run_checked(&mut e, 2_000);
    for broker in [1, 3] {
        e.apply(Command::SetBrokerFetchDelay { broker, extra_ms: 5_000 }).unwrap();
    }
    run_checked(&mut e, 6_000);
    stop(&mut e, 2, false);
    let stale_leo = e.snapshot().brokers[1].replicas.iter().find(|r| r.partition == 1).unwrap().log_end_offset;
    run_checked(&mut e, 20_000);
    for broker in [1, 3] {
        e.apply(Command::SetBrokerFetchDelay { broker, extra_ms: 0 }).unwrap();
    }
    e.apply(Command::StartBroker { broker: 2 }).unwrap();
    run_checked(&mut e, 30_000);
    let s = e.snapshot();
    let narration: Vec<&str> = s.narration.iter().map(|n| n.text.as_str()).collect();
    assert!(
        narration.iter().any(|t| t.contains("broker 2 truncated its log from")) || stale_leo == 0,
        "broker 2 had records the new leader never got, and cut them: {narration:#?}"
    );
    let leader_leo = partition(&s, 1).log_end_offset;
    let replica_leo = s.brokers[1].replicas.iter().find(|r| r.partition == 1).unwrap().log_end_offset;
    assert!(leader_leo - replica_leo <= 60, "broker 2 follows the new leader's log again");
    assert_eq!(partition(&s, 1).isr.len(), 3);
}

#[test]
fn same_faults_same_history() {
    let run = || {
        let mut e = engine(busy_scenario(AcksSpec::All));
        e.advance_to(2_000);
        stop(&mut e, 2, false);
        e.advance_to(15_000);
        e.apply(Command::StartBroker { broker: 2 }).unwrap();
        e.advance_to(30_000);
        (e.history_digest(), e.snapshot())
    };
    assert_eq!(run(), run());
}

/// One step of a random fault schedule.
#[derive(Clone, Debug)]
enum Fault {
    Stop { broker: i32, graceful: bool },
    Start { broker: i32 },
    Slow { broker: i32, extra_ms: u64 },
    Wait { ms: u64 },
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        (1..=3i32, any::<bool>()).prop_map(|(broker, graceful)| Fault::Stop { broker, graceful }),
        (1..=3i32).prop_map(|broker| Fault::Start { broker }),
        (1..=3i32, prop_oneof![Just(0u64), 100..3_000u64, 20_000..60_000u64])
            .prop_map(|(broker, extra_ms)| Fault::Slow { broker, extra_ms }),
        (100..15_000u64).prop_map(|ms| Fault::Wait { ms }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, failure_persistence: None, ..ProptestConfig::default() })]

    /// acks=all, RF 3, min.insync.replicas 2, clean elections: under any schedule of crashes, controlled
    /// shutdowns, restarts and slow brokers, every invariant holds at every step and no acknowledged
    /// record is ever lost, including after everything is healed.
    #[test]
    fn acks_all_min_isr_two_never_loses_acknowledged_records(seed in 1..1_000u64, faults in proptest::collection::vec(fault(), 1..14)) {
        let mut scenario = busy_scenario(AcksSpec::All);
        scenario.seed = seed;
        let mut e = engine(scenario);
        for f in faults {
            match f {
                Fault::Stop { broker, graceful } => { let _ = e.apply(Command::StopBroker { broker, graceful }); }
                Fault::Start { broker } => { let _ = e.apply(Command::StartBroker { broker }); }
                Fault::Slow { broker, extra_ms } => { e.apply(Command::SetBrokerFetchDelay { broker, extra_ms }).unwrap(); }
                Fault::Wait { ms } => {
                    let until = e.now() + ms;
                    while e.now() < until {
                        e.advance_by(100.min(until - e.now()));
                        let broken = invariants::violations(&e.snapshot());
                        prop_assert!(broken.is_empty(), "at {} ms: {:?}", e.now(), broken);
                        prop_assert_eq!(e.lost_acknowledged_records(), 0, "at {} ms", e.now());
                    }
                }
            }
        }
        for broker in 1..=3 {
            let _ = e.apply(Command::StartBroker { broker });
            e.apply(Command::SetBrokerFetchDelay { broker, extra_ms: 0 }).unwrap();
        }
        let until = e.now() + 40_000;
        while e.now() < until {
            e.advance_by(500);
            prop_assert!(invariants::violations(&e.snapshot()).is_empty());
        }
        let s = e.snapshot();
        prop_assert_eq!(e.lost_acknowledged_records(), 0);
        prop_assert!(s.topics[0].partitions.iter().all(|p| p.leader.is_some()), "healed: every partition online");
        prop_assert!(s.topics[0].partitions.iter().all(|p| p.isr.len() == 3), "healed: full ISR {:?}", s.topics[0].partitions);
    }
}
