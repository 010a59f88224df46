//! The gallery's stories do what their captions say, when their guided steps are taken.

use kafkaviz::engine::snapshot::Snapshot;
use kafkaviz::scenario::gallery::{Preset, preset_by_id};
use kafkaviz::scenario::validate;
use kafkaviz::session::Session;

/// Run a preset, taking each guided step's action `gap_ms` apart; returns the snapshot after each step.
fn walk(id: &str, gap_ms: u64) -> (Preset, Vec<Snapshot>) {
    let preset = preset_by_id(id).expect("preset exists");
    let mut s = Session::new(validate(preset.scenario.clone()).unwrap());
    let mut shots = Vec::new();
    for step in &preset.steps {
        s.advance_to(s.now() + gap_ms);
        if let Some(action) = &step.action {
            s.perform(action.clone()).unwrap_or_else(|e| panic!("{id}: {}: {e}", step.text));
        }
        shots.push(s.snapshot());
    }
    s.advance_to(s.now() + gap_ms);
    shots.push(s.snapshot());
    (preset, shots)
}

fn total_lag(s: &Snapshot, group: usize) -> u64 {
    s.groups[group].members.iter().map(|m| m.lag).sum()
}

#[test]
fn consumer_lag_grows_then_drains_when_consumers_speed_up() {
    let (_, shots) = walk("consumer-lag", 60_000);
    assert!(total_lag(&shots[0], 0) > 200, "lag builds: {}", total_lag(&shots[0], 0));
    let lags: Vec<u64> = shots.iter().map(|s| total_lag(s, 0)).collect();
    assert!(lags[3] < lags[2] && lags[2] < lags[1], "and drains after the fix: {lags:?}");
    assert_eq!(shots[3].acknowledged_lost, 0);
}

#[test]
fn hot_partition_loads_one_partition() {
    let (_, shots) = walk("hot-partition", 30_000);
    let leo: Vec<u64> = shots[0].topics[0].partitions.iter().map(|p| p.log_end_offset).collect();
    let max = *leo.iter().max().unwrap();
    assert!(leo.iter().filter(|l| **l * 3 < max).count() == 2, "one partition far ahead: {leo:?}");
}

#[test]
fn acks_all_is_refused_below_min_insync_while_acks_1_writes() {
    let (_, shots) = walk("acks", 20_000);
    let after_two_dead = &shots[2];
    // Any acks setting sees NOT_LEADER_OR_FOLLOWER while leadership moves; only acks=all is refused for replicas.
    let not_enough = |name: &str| {
        let producer = after_two_dead.producers.iter().find(|p| p.name == name).unwrap();
        producer.failures().filter(|(e, _)| e.name() == "NOT_ENOUGH_REPLICAS").map(|(_, n)| n).sum::<u64>()
    };
    assert!(not_enough("acks=all") > 0, "acks=all fails with the ISR below min.insync.replicas");
    assert_eq!(not_enough("acks=1"), 0);
    assert_eq!(not_enough("acks=0"), 0);
}

#[test]
fn idle_consumers_get_no_partitions() {
    let (_, shots) = walk("idle-consumers", 20_000);
    let idle = shots[0].groups[0].members.iter().filter(|m| m.partitions.is_empty()).count();
    assert_eq!(idle, 2);
}

#[test]
fn backpressure_builds_minutes_of_lag_and_loses_nothing() {
    let (_, shots) = walk("backpressure", 60_000);
    let lag_records = total_lag(&shots[1], 0);
    // 50 records/s consumer: minutes of lag means thousands of records.
    assert!(lag_records / 50 >= 120, "lag is {} s", lag_records / 50);
    assert_eq!(shots.last().unwrap().acknowledged_lost, 0);
}

#[test]
fn broker_failure_moves_leadership_away_from_the_dead_broker() {
    let (_, shots) = walk("broker-failure", 20_000);
    let p1 = &shots[1].topics[0].partitions[1];
    assert_ne!(p1.leader, Some(2), "partition 1 has a new leader once broker 2 is fenced");
    assert!(p1.leader.is_some());
}
