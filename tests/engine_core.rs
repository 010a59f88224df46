//! The engine running the default scenario: records flow end to end, invariants hold at every step,
//! and the same scenario always produces the same history.

use kafkaviz::engine::invariants;
use kafkaviz::engine::sim::Engine;
use kafkaviz::scenario::{default_scenario, validate};
use kafkaviz::ui::default_valid_scenario;

fn run_checked(engine: &mut Engine, until_ms: u64, step_ms: u64) {
    while engine.now() < until_ms {
        engine.advance_by(step_ms);
        let broken = invariants::violations(&engine.snapshot());
        assert!(broken.is_empty(), "at {} ms: {broken:#?}", engine.now());
    }
}

#[test]
fn records_flow_from_producer_to_consumers() {
    let mut engine = Engine::new(&default_valid_scenario());
    run_checked(&mut engine, 30_000, 50);
    let s = engine.snapshot();
    let producer = &s.producers[0];
    assert!((85..=95).contains(&producer.stats.sent), "3 records/s for 30 s, sent {}", producer.stats.sent);
    assert_eq!(producer.stats.failed_total(), 0, "a healthy cluster fails nothing: {:?}", producer.stats.failed);
    assert!(producer.stats.acknowledged + 3 >= producer.stats.sent, "all but the last few in flight are acknowledged");

    let leo_total: u64 = s.topics[0].partitions.iter().map(|p| p.log_end_offset).sum();
    // One tick (one record at 3/s) may still be on the 2 ms network hop to its leader.
    assert!(
        leo_total <= producer.stats.sent && leo_total + 1 >= producer.stats.sent,
        "LEO total {leo_total}, sent {}",
        producer.stats.sent
    );
    for p in &s.topics[0].partitions {
        assert!(p.log_end_offset > 0, "murmur2 of 1000 keys spreads records over every partition");
        assert!(
            p.log_end_offset - p.high_watermark <= 2,
            "followers keep up: HW {} LEO {}",
            p.high_watermark,
            p.log_end_offset
        );
    }
    let group = &s.groups[0];
    assert_eq!(group.state, "Stable");
    for m in &group.members {
        let p = &m.partitions[0];
        assert!(p.committed.is_some_and(|c| c > 0), "{} committed progress", m.client_id);
        assert!(m.lag < 10, "consumers (2/s each) keep up with 1/s per partition, lag {}", m.lag);
    }
}

#[test]
fn followers_replicate_the_leaders_log() {
    let mut engine = Engine::new(&default_valid_scenario());
    engine.advance_to(10_000);
    let s = engine.snapshot();
    for partition in &s.topics[0].partitions {
        let leo: Vec<u64> = s
            .brokers
            .iter()
            .flat_map(|b| &b.replicas)
            .filter(|r| r.partition == partition.partition)
            .map(|r| r.log_end_offset)
            .collect();
        assert_eq!(leo.len(), 3);
        let max = *leo.iter().max().unwrap();
        assert!(
            leo.iter().all(|l| max - l <= 2),
            "replicas of partition {} within a fetch of each other: {leo:?}",
            partition.partition
        );
        assert_eq!(partition.isr.len(), 3);
    }
}

#[test]
fn same_scenario_same_history() {
    let run = || {
        let mut engine = Engine::new(&default_valid_scenario());
        engine.advance_to(60_000);
        (engine.history_digest(), engine.events_processed(), engine.snapshot())
    };
    let (digest_a, events_a, snap_a) = run();
    let (digest_b, events_b, snap_b) = run();
    assert_eq!(digest_a, digest_b);
    assert_eq!(events_a, events_b);
    assert_eq!(snap_a, snap_b);
}

#[test]
fn another_seed_another_history() {
    let digest_for = |seed: u64| {
        let mut scenario = default_scenario();
        scenario.seed = seed;
        let mut engine = Engine::new(&validate(scenario).unwrap());
        engine.advance_to(30_000);
        engine.history_digest()
    };
    assert_ne!(digest_for(1), digest_for(2), "keys are drawn from the seeded stream");
}

#[test]
fn advancing_in_small_or_large_steps_gives_the_same_state() {
    let mut fine = Engine::new(&default_valid_scenario());
    for _ in 0..600 {
        fine.advance_by(16);
    }
    let mut coarse = Engine::new(&default_valid_scenario());
    coarse.advance_to(9_600);
    assert_eq!(fine.history_digest(), coarse.history_digest());
    assert_eq!(fine.snapshot(), coarse.snapshot());
}

#[test]
fn step_advances_to_the_next_visible_change() {
    let mut engine = Engine::new(&default_valid_scenario());
    engine.advance_to(2_000);
    let before = engine.snapshot();
    assert!(engine.step());
    let after = engine.snapshot();
    assert_ne!(before, after);
    assert!(after.time >= before.time);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]

    /// The UI advances by whatever its frames allow (up to 250 ms of wall time at up to 100× speed), so a
    /// history must not depend on how time is cut into `advance_to` calls.
    #[test]
    fn any_cutting_of_time_into_frames_gives_the_same_history(
        frames in proptest::collection::vec(1u64..3_000, 1..40)
    ) {
        let mut cut = Engine::new(&default_valid_scenario());
        for frame in &frames {
            cut.advance_by(*frame);
        }
        let mut whole = Engine::new(&default_valid_scenario());
        whole.advance_to(cut.now());
        proptest::prop_assert_eq!(cut.history_digest(), whole.history_digest());
        proptest::prop_assert_eq!(cut.snapshot(), whole.snapshot());
    }
}
