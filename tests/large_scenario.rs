//! Smoke run of the large scenario's shape (100 brokers, 5,000 partitions at RF 3, 50 groups of 10) at a
//! hundredth of its produce rate, for a few simulated seconds: the invariants hold, records flow, and
//! the collections that could grow with time (event queue, flights, narration) stay within bounds.
//! The full-rate figures come from `cargo bench --bench engine` and the soak example, not from here.

use kafkaviz::engine::invariants;
use kafkaviz::engine::sim::Engine;
use kafkaviz::scenario::validate;

#[path = "support/large_scenario.rs"]
mod large_scenario;

/// Follower fetch loops in the scenario (5,000 partitions × 2 followers).
const FETCH_LOOPS: usize = 10_000;

#[test]
fn the_large_scenario_runs_within_its_bounds() {
    let mut scenario = large_scenario::large_scenario();
    for producer in &mut scenario.producers {
        producer.rate_per_sec /= 100.0;
    }
    let mut engine = Engine::new(&validate(scenario).expect("valid"));
    let mut pending = Vec::new();
    for second in 1..=3 {
        engine.advance_to(second * 1_000);
        let s = engine.snapshot();
        let broken = invariants::violations(&s);
        assert!(broken.is_empty(), "at {second} s: {broken:#?}");
        assert!(s.flights.len() <= 256 && s.narration.len() <= 12, "flights and narration are bounded rings");
        pending.push(engine.pending_events());
    }
    // Each fetch loop has one live event and at most a few superseded ones (one per wake-up within a
    // 500 ms long poll, at ~2 appends/s per partition); members, producers and brokers add a few thousand.
    for p in &pending {
        assert!(*p < 4 * FETCH_LOOPS, "event queue stays bounded: {pending:?}");
    }
    let s = engine.snapshot();
    let sent: u64 = s.producers.iter().map(|p| p.stats.sent).sum();
    let acknowledged: u64 = s.producers.iter().map(|p| p.stats.acknowledged).sum();
    let failed: u64 = s.producers.iter().map(|p| p.stats.failed_total()).sum();
    assert!(sent >= 29_000, "10,000 records/s for 3 s, sent {sent}");
    assert!(acknowledged * 10 >= sent * 9 && failed == 0, "acked {acknowledged} of {sent}, failed {failed}");
    assert_eq!(s.brokers.iter().map(|b| b.replicas.len()).sum::<usize>(), 15_000, "5,000 partitions × RF 3");
    assert!(s.groups.iter().all(|g| g.state == "Stable" && g.members.len() == 10));
}
