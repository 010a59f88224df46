//! Sessions record what the user does and replay it: a scenario with its action log reproduces the live
//! history exactly (the basis of share links and of scrubbing the timeline back).

use kafkaviz::engine::command::Command;
use kafkaviz::engine::group::GroupCommand;
use kafkaviz::engine::producer::ProducerCommand;
use kafkaviz::scenario::{Scenario, TimedCommand, default_scenario, limits, validate};
use kafkaviz::session::{PerformError, Session};
use proptest::prelude::*;

fn session(scenario: Scenario) -> Session {
    Session::new(validate(scenario).expect("valid test scenario"))
}

/// A few things a person might do, by index, so proptest can pick schedules of them.
fn action(kind: u8) -> Command {
    match kind % 6 {
        0 => Command::StopBroker { broker: 2, graceful: false },
        1 => Command::StartBroker { broker: 2 },
        2 => Command::StopBroker { broker: 3, graceful: true },
        3 => Command::StartBroker { broker: 3 },
        4 => Command::Producer { producer: 0, command: ProducerCommand::SetRate { records_per_sec_millis: 20_000 } },
        _ => Command::Group { group: 0, command: GroupCommand::SetProcessingRate { records_per_sec_millis: 500 } },
    }
}

/// Runs a schedule live, recording whatever the engine accepts; returns the session.
fn live(schedule: &[(u64, u8)]) -> Session {
    let mut s = session(default_scenario());
    for &(gap_ms, kind) in schedule {
        s.advance_to(s.now() + gap_ms);
        let _ = s.perform(action(kind));
    }
    s.advance_to(s.now() + 5_000);
    s
}

#[test]
fn replaying_the_recorded_scenario_reproduces_the_live_history() {
    let original = live(&[(3_000, 0), (12_000, 4), (500, 1), (20_000, 2), (1, 3)]);
    assert_eq!(original.scenario().actions.len(), 5, "every accepted action is recorded");
    let mut replay = session(original.scenario().clone());
    replay.advance_to(original.now());
    assert_eq!(replay.engine().history_digest(), original.engine().history_digest());
    assert_eq!(replay.snapshot(), original.snapshot());
}

#[test]
fn refused_actions_are_not_recorded() {
    let mut s = session(default_scenario());
    s.advance_to(1_000);
    let refused = s.perform(Command::StartBroker { broker: 1 });
    assert!(matches!(refused, Err(PerformError::Command(_))), "broker 1 is already up: {refused:?}");
    assert!(s.perform(Command::StopBroker { broker: 99, graceful: false }).is_err());
    assert!(s.scenario().actions.is_empty());
}

#[test]
fn seeking_back_then_forward_returns_to_the_same_state() {
    let mut s = live(&[(4_000, 0), (15_000, 1)]);
    let end = s.now();
    let (digest, snapshot) = (s.engine().history_digest(), s.snapshot());
    s.seek(2_000);
    assert_eq!(s.now(), 2_000);
    assert_eq!(s.pending_actions(), 2, "both actions lie in the future of 2 s");
    s.seek(end);
    assert_eq!(s.engine().history_digest(), digest);
    assert_eq!(s.snapshot(), snapshot);
}

#[test]
fn acting_in_the_past_discards_the_recorded_future() {
    let mut s = live(&[(4_000, 0), (15_000, 1)]);
    s.seek(10_000);
    s.perform(action(2)).expect("broker 3 is up at 10 s");
    let actions = &s.scenario().actions;
    assert_eq!(actions.len(), 2);
    assert_eq!(actions[0], TimedCommand { at_ms: 4_000, command: action(0) });
    assert_eq!(actions[1], TimedCommand { at_ms: 10_000, command: action(2) });
}

#[test]
fn stepping_stops_at_a_recorded_action() {
    let original = live(&[(2_500, 0)]);
    let mut replay = session(original.scenario().clone());
    while replay.pending_actions() > 0 {
        assert!(replay.step());
        assert!(replay.now() <= 2_500, "a step never jumps over the recorded action");
    }
    assert_eq!(replay.now(), 2_500);
    assert!(!replay.snapshot().brokers.iter().find(|b| b.id == 2).expect("broker 2").up);
}

#[test]
fn actions_out_of_order_or_beyond_the_limits_are_refused_at_load() {
    let at = |at_ms| TimedCommand { at_ms, command: Command::PreferredLeaderElection };
    let mut s = default_scenario();
    s.actions = vec![at(5_000), at(4_000)];
    let e = validate(s.clone()).expect_err("out of order");
    assert_eq!(e.field, "actions[1].at_ms");
    s.actions = vec![at(limits::TIMELINE_MS + 1)];
    assert_eq!(validate(s.clone()).expect_err("too late").field, "actions[0].at_ms");
    s.actions = (0..=limits::ACTIONS as u64).map(at).collect();
    assert_eq!(validate(s).expect_err("too many").field, "actions");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Over random schedules of faults and rate changes, the recorded scenario replays to the same history,
    /// and seeking back to a random moment and forward again changes nothing.
    #[test]
    fn any_recorded_history_replays_exactly(
        schedule in prop::collection::vec((0u64..8_000, any::<u8>()), 0..12),
        back_to in 0u64..60_000,
    ) {
        let mut original = live(&schedule);
        let mut replay = session(original.scenario().clone());
        replay.advance_to(original.now());
        prop_assert_eq!(replay.engine().history_digest(), original.engine().history_digest());
        let (end, digest) = (original.now(), original.engine().history_digest());
        original.seek(back_to.min(end));
        original.seek(end);
        prop_assert_eq!(original.engine().history_digest(), digest);
    }
}

#[test]
fn recording_checks_only_the_new_action_and_keeps_the_log_on_refusal() {
    let at = |at_ms| TimedCommand { at_ms, command: Command::PreferredLeaderElection };
    let mut s = default_scenario();
    s.actions = vec![at(1_000), at(5_000)];
    let mut valid = validate(s).expect("valid");
    let e = valid.record_action(2, at(4_000)).expect_err("earlier than the last kept action");
    assert_eq!(e.field, "actions[2].at_ms");
    assert_eq!(valid.get().actions, vec![at(1_000), at(5_000)], "a refused action changes nothing");
    valid.record_action(1, at(4_000)).expect("after truncating to the first action, 4 s is in order");
    assert_eq!(valid.get().actions, vec![at(1_000), at(4_000)]);
    let e = valid.record_action(2, at(limits::TIMELINE_MS + 1)).expect_err("past the timeline");
    assert_eq!(e.field, "actions[2].at_ms");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The browser replays a link and plays frames within an event budget (so no scenario can freeze a
    /// tab), stopping early and going on later: however the budget cuts a replay, recorded actions included,
    /// it passes through exactly the states an uninterrupted replay does.
    #[test]
    fn a_replay_cut_short_by_an_event_budget_goes_on_to_the_same_history(
        schedule in proptest::collection::vec((1u64..8_000, 0u8..6), 1..6),
        budget_share in 0.01f64..0.5,
    ) {
        let recorded = live(&schedule);
        let end = recorded.now();
        let mut whole = Session::new(validate(recorded.scenario().clone()).expect("valid"));
        whole.seek(end);
        // A share of the whole replay's events, so the budget is sure to cut it (a fixed budget can exceed a
        // quiet schedule's whole replay).
        let budget = ((whole.engine().events_processed() as f64 * budget_share) as u64).max(1);
        let mut cut = Session::new(validate(recorded.scenario().clone()).expect("valid"));
        let mut stops = 0;
        while !cut.seek_within(end, budget) {
            stops += 1;
            let mut reference = Session::new(validate(recorded.scenario().clone()).expect("valid"));
            reference.seek(cut.now());
            prop_assert_eq!(cut.engine().history_digest(), reference.engine().history_digest());
            prop_assert_eq!(cut.snapshot(), reference.snapshot());
        }
        prop_assert!(stops > 0, "a budget of {} events stops a replay of {} ms at least once", budget, end);
        prop_assert_eq!(cut.engine().history_digest(), whole.engine().history_digest());
        prop_assert_eq!(cut.snapshot(), whole.snapshot());
    }
}

#[test]
fn a_replay_within_a_budget_reports_where_it_stopped() {
    let mut s = session(default_scenario());
    assert!(!s.seek_within(60_000, 50), "a minute of the default scenario is more than 50 events");
    let reached = s.now();
    assert!(reached > 0 && reached < 60_000, "stopped part way, at {reached} ms");
    assert!(s.seek_within(reached, 0), "the moment reached needs no further events");
    assert!(s.seek_within(60_000, u64::MAX));
    assert_eq!(s.now(), 60_000);
}
