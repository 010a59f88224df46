//! Log maintenance in the running engine (kafka-reference.md §4): segments roll by `segment.ms`, retention
//! deletes whole segments below the high watermark on every replica, and the log start offset follows.
//! The segment/retention/compaction rules themselves are unit-tested with Kafka's vectors in `engine::log`.

use kafkaviz::engine::invariants;
use kafkaviz::engine::sim::Engine;
use kafkaviz::scenario::{CleanupPolicySpec, Scenario, default_scenario, validate};

/// The default cluster with segments rolling every 10 s, retention of 30 s checked every 5 s.
fn short_retention() -> Scenario {
    let mut s = default_scenario();
    s.cluster.log_retention_check_interval_ms = 5_000;
    let topic = &mut s.topics[0];
    topic.segment_ms = 10_000;
    topic.retention_ms = 30_000;
    s.producers[0].rate_per_sec = 50.0;
    s
}

fn run(scenario: Scenario, until_ms: u64) -> Engine {
    let mut engine = Engine::new(&validate(scenario).expect("valid test scenario"));
    while engine.now() < until_ms {
        engine.advance_by(500);
        let violations = invariants::structural_violations(&engine.snapshot());
        assert!(violations.is_empty(), "at {} ms: {violations:?}", engine.now());
    }
    engine
}

#[test]
fn time_retention_deletes_whole_old_segments_below_the_high_watermark() {
    let engine = run(short_retention(), 120_000);
    for partition in 0..3 {
        let detail = engine.partition_detail("orders", partition).expect("orders has 3 partitions");
        let leader = detail.leader.expect("every broker is up");
        let log = detail.replica_logs.iter().find(|r| r.broker == leader).expect("the leader holds a replica");
        assert!(log.log_start_offset > 0, "orders-{partition}: retention deleted nothing");
        assert!(log.log_start_offset <= log.high_watermark);
        let first = log.segments.first().expect("a log always keeps a segment");
        assert_eq!(first.base_offset, log.log_start_offset, "retention deletes whole segments");
        // 30 s of retention at 10 s segments: what is left spans at most retention + one segment + one check.
        let oldest_kept = first.created_at;
        assert!(engine.now() - oldest_kept <= 30_000 + 10_000 + 5_000, "kept a segment from {oldest_kept} ms");
    }
}

#[test]
fn followers_delete_the_same_segments_as_their_leader() {
    let engine = run(short_retention(), 90_000);
    for partition in 0..3 {
        let detail = engine.partition_detail("orders", partition).expect("partition exists");
        let starts: Vec<u64> = detail.replica_logs.iter().map(|r| r.log_start_offset).collect();
        assert!(starts.iter().all(|&s| s > 0), "orders-{partition} log starts {starts:?}");
        let spread = starts.iter().max().unwrap() - starts.iter().min().unwrap();
        let segment_records =
            detail.replica_logs[0].segments[0].end_offset - detail.replica_logs[0].segments[0].base_offset;
        assert!(
            spread <= segment_records,
            "orders-{partition}: replicas' log starts {starts:?} differ by more than a segment"
        );
    }
}

#[test]
fn infinite_retention_keeps_every_record() {
    let mut scenario = short_retention();
    scenario.topics[0].retention_ms = -1;
    let engine = run(scenario, 90_000);
    for partition in 0..3 {
        let detail = engine.partition_detail("orders", partition).expect("partition exists");
        assert!(detail.replica_logs.iter().all(|r| r.log_start_offset == 0));
        assert!(detail.replica_logs[0].segments.len() > 3, "segments still roll every 10 s");
    }
}

#[test]
fn size_retention_keeps_the_partition_near_retention_bytes() {
    let mut scenario = short_retention();
    let topic = &mut scenario.topics[0];
    topic.retention_ms = -1;
    topic.segment_ms = 7 * 24 * 3_600_000;
    topic.segment_bytes = 1 << 20;
    topic.retention_bytes = 2 << 20;
    scenario.producers[0].rate_per_sec = 3_000.0;
    let engine = run(scenario, 60_000);
    for partition in 0..3 {
        let detail = engine.partition_detail("orders", partition).expect("partition exists");
        let leader = detail.leader.expect("leader");
        let log = detail.replica_logs.iter().find(|r| r.broker == leader).expect("leader replica");
        assert!(log.log_start_offset > 0, "orders-{partition} grew past retention.bytes without deleting");
        // Retention deletes a segment only if the log stays at or above retention.bytes without it, so the
        // log holds at most retention.bytes plus a segment, plus what arrives between two checks.
        let between_checks = 3_000 / 3 * 5 * 200;
        assert!(
            log.size_bytes <= (2 << 20) + (1 << 20) + between_checks,
            "orders-{partition}: {} bytes",
            log.size_bytes
        );
    }
}

#[test]
fn the_inspector_reports_the_topic_policy_and_the_epoch_history() {
    let mut scenario = default_scenario();
    scenario.topics[0].cleanup_policy = CleanupPolicySpec::CompactDelete;
    let engine = Engine::new(&validate(scenario).expect("valid"));
    let detail = engine.partition_detail("orders", 1).expect("orders-1");
    assert_eq!(detail.cleanup_policy.to_string(), "compact,delete");
    assert_eq!(detail.leader, Some(2));
    let leader_log = detail.replica_logs.iter().find(|r| r.broker == 2).expect("leader replica");
    assert_eq!(leader_log.epochs, vec![(0, 0)]);
    assert!(engine.partition_detail("orders", 3).is_none());
    assert!(engine.partition_detail("payments", 0).is_none());
}
