//! The running session as the UI holds it: the `Session` (scenario, engine, recorded actions), the metrics
//! sampled from its snapshots, a copy of the event log, and how far the timeline reaches.
//! Pure Rust, so the whole interaction loop is tested natively.

use std::rc::Rc;

use super::metrics::MetricsHistory;
use crate::engine::Millis;
use crate::engine::command::Command;
use crate::engine::snapshot::{PartitionDetail, Snapshot};
use crate::engine::trace::Narration;
use crate::scenario::{TopicSpec, ValidScenario};
use crate::session::{PerformError, Session};

/// What the diagram shows of the cluster's state, as the DOM contract exposes it: each broker's state and
/// role, each replica's role, ISR membership, LEO and HW, each member's assignment and lag.
pub fn cluster_state(s: &Snapshot) -> Vec<String> {
    let brokers = s.brokers.iter().map(|b| format!("b{}:{}:{}", b.id, b.up, b.controller));
    let replicas = s.brokers.iter().flat_map(|b| &b.replicas).map(|r| {
        format!(
            "r{}:{}-{}:{}:{}:{}:{}",
            r.broker,
            r.topic,
            r.partition,
            r.role.name(),
            r.in_sync,
            r.log_end_offset,
            r.high_watermark
        )
    });
    let members = s.groups.iter().flat_map(|g| &g.members).map(|m| {
        let assigned: Vec<String> = m.partitions.iter().map(|p| format!("{}-{}", p.topic, p.partition)).collect();
        format!("m{}:{}:{}", m.member_id, assigned.join(","), m.lag)
    });
    brokers.chain(replicas).chain(members).collect()
}

/// What a person reads when a replay stops at its budget: the moment asked for, the one shown, what next.
fn replay_cut_text(wanted: Millis, reached: Millis, budget: u64) -> String {
    use super::status::format_time;
    format!(
        "Replaying to {} would take too long in this tab (more than {budget} engine events): stopped at {}. \
         Press play to go on from there.",
        format_time(wanted),
        format_time(reached)
    )
}

/// Session steps one UI step may take looking for a change of the cluster's state.
pub const STEP_TRIES: usize = 100;

/// Engine events one animation frame may run. A large, busy scenario then plays slower than real time
/// instead of freezing the tab (a hundred brokers at a million records a second run millions of events
/// per simulated second); the small scenarios need a few events a frame and never meet it.
pub const FRAME_EVENT_BUDGET: u64 = 50_000;

/// Engine events a jump on the timeline or a link's moment may replay (a few seconds of work in a browser).
/// A link can name any moment up to a simulated week; past this budget the replay stops and says so.
pub const REPLAY_EVENT_BUDGET: u64 = 5_000_000;

pub struct Live {
    session: Session,
    metrics: Rc<MetricsHistory>,
    lines: Rc<Vec<Narration>>,
    /// The furthest virtual time reached in this branch of history: the timeline's end.
    horizon: Millis,
    /// Every topic's current configs, refreshed when an action is applied (only actions change them).
    topics: Rc<Vec<TopicSpec>>,
    topics_at_actions: Option<usize>,
    /// Why the last jump stopped short of the moment asked for, if it did.
    replay_cut: Option<Rc<str>>,
    budgets: EventBudgets,
}

/// Engine events a frame and a jump may run (`FRAME_EVENT_BUDGET`, `REPLAY_EVENT_BUDGET` unless a test
/// sets others).
#[derive(Clone, Copy, Debug)]
struct EventBudgets {
    frame: u64,
    replay: u64,
}

impl Live {
    pub fn new(scenario: ValidScenario) -> Live {
        let mut live = Live {
            session: Session::new(scenario),
            metrics: Rc::default(),
            lines: Rc::default(),
            horizon: 0,
            topics: Rc::default(),
            topics_at_actions: None,
            replay_cut: None,
            budgets: EventBudgets { frame: FRAME_EVENT_BUDGET, replay: REPLAY_EVENT_BUDGET },
        };
        live.refresh();
        live
    }

    /// The same, with other event budgets for a frame and a jump (tests use small ones).
    pub fn with_event_budgets(mut self, frame: u64, replay: u64) -> Live {
        self.budgets = EventBudgets { frame, replay };
        self
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    pub fn now(&self) -> Millis {
        self.session.now()
    }

    pub fn horizon(&self) -> Millis {
        self.horizon
    }

    pub fn snapshot(&self) -> Snapshot {
        self.session.snapshot()
    }

    pub fn metrics(&self) -> Rc<MetricsHistory> {
        self.metrics.clone()
    }

    /// The engine's event log, oldest first.
    pub fn lines(&self) -> Rc<Vec<Narration>> {
        self.lines.clone()
    }

    /// Every topic's current spec (configs as altered), in creation order.
    pub fn topics(&self) -> Rc<Vec<TopicSpec>> {
        self.topics.clone()
    }

    /// Each producer's key spec as the scenario (or the action that added it) declared it, by producer index.
    pub fn producer_keys(&self) -> Vec<crate::scenario::KeySpec> {
        let scenario = self.session.scenario();
        let added = scenario.actions.iter().filter_map(|a| match &a.command {
            Command::AddProducer { spec } => Some(spec.keys.clone()),
            _ => None,
        });
        scenario.producers.iter().map(|p| p.keys.clone()).chain(added).collect()
    }

    /// A template for a new producer or group: the scenario's first one, as declared.
    pub fn templates(&self) -> (Option<crate::scenario::ProducerSpec>, Option<crate::scenario::GroupSpec>) {
        let scenario = self.session.scenario();
        (scenario.producers.first().cloned(), scenario.groups.first().cloned())
    }

    /// The inspector's detail of one partition: segments, epoch caches. Built on demand, not every frame.
    pub fn partition_detail(&self, topic: &str, partition: u32) -> Option<PartitionDetail> {
        self.session.engine().partition_detail(topic, partition)
    }

    /// Play: run virtual time forward, within one frame's event budget (a scenario too busy for real time
    /// falls behind instead of freezing the tab).
    pub fn advance_by(&mut self, ms: Millis) {
        self.session.advance_within(self.session.now() + ms, self.budgets.frame);
        self.refresh();
    }

    /// One step (paused): run the session's visible steps until the cluster's drawn state (`cluster_state`)
    /// changes, so a step never shows only a record
    /// starting to move. At most `STEP_TRIES` session steps. False when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let before = self.session.snapshot();
        let mut moved = false;
        for _ in 0..STEP_TRIES {
            if !self.session.step() {
                break;
            }
            moved = true;
            if cluster_state(&self.session.snapshot()) != cluster_state(&before) {
                break;
            }
        }
        self.refresh();
        moved
    }

    /// Jump to virtual time `t` on the timeline (back by deterministic replay).
    pub fn seek(&mut self, t: Millis) {
        if t < self.session.now() {
            Rc::make_mut(&mut self.metrics).rewind(t);
            self.topics_at_actions = None;
        }
        let budget = self.budgets.replay;
        let reached = self.session.seek_within(t, budget);
        self.replay_cut = (!reached).then(|| replay_cut_text(t, self.session.now(), budget).into());
        self.refresh();
    }

    /// Why the last jump (a timeline move or a link's moment) stopped short, if it did.
    pub fn replay_cut(&self) -> Option<Rc<str>> {
        self.replay_cut.clone()
    }

    /// Do something to the cluster now; recorded in the session's history. Acting after scrubbing back
    /// starts a new branch of history, so the timeline ends here.
    pub fn perform(&mut self, command: Command) -> Result<(), PerformError> {
        self.session.perform(command)?;
        self.horizon = self.session.now();
        self.refresh();
        Ok(())
    }

    /// Sample metrics and copy the event log if it changed.
    fn refresh(&mut self) {
        let snapshot = self.session.snapshot();
        Rc::make_mut(&mut self.metrics).observe(&snapshot);
        self.horizon = self.horizon.max(self.session.now());
        let engine = self.session.engine();
        let changed =
            engine.narration().next_back() != self.lines.last() || engine.narration().count() != self.lines.len();
        if changed {
            self.lines = Rc::new(engine.narration().cloned().collect());
        }
        let applied = self.session.scenario().actions.len() - self.session.pending_actions();
        if self.topics_at_actions != Some(applied) {
            self.topics = Rc::new(engine.topic_specs().cloned().collect());
            self.topics_at_actions = Some(applied);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::default_valid_scenario;

    fn leader_of_partition_0(live: &Live) -> Option<i32> {
        live.snapshot().topics[0].partitions[0].leader
    }

    #[test]
    fn a_jump_past_the_replay_budget_stops_says_where_and_play_goes_on_from_there() {
        let mut live = Live::new(default_valid_scenario()).with_event_budgets(100, 300);
        live.seek(3_600_000);
        let reached = live.now();
        assert!(reached > 0 && reached < 3_600_000, "stopped part way, at {reached} ms");
        let cut = live.replay_cut().expect("the cut is explained");
        assert!(cut.contains("60:00.0") && cut.contains("300 engine events"), "{cut}");
        assert!(cut.contains(&crate::ui::status::format_time(reached)), "names the moment shown: {cut}");
        live.advance_by(1_000);
        assert!(live.now() > reached, "play goes on from the moment reached");
        live.seek(live.now());
        assert!(live.replay_cut().is_none(), "a jump that arrives clears the notice");
    }

    #[test]
    fn a_frame_runs_at_most_its_event_budget_and_falls_behind_instead() {
        let mut live = Live::new(default_valid_scenario()).with_event_budgets(20, 1_000_000);
        let before = live.session().engine().events_processed();
        live.advance_by(60_000);
        let ran = live.session().engine().events_processed() - before;
        assert!(live.now() < 60_000, "a minute of events does not fit in a 20-event frame");
        assert!(ran < 200, "about the budget ran (every event of the last millisecond included): {ran}");
    }

    #[test]
    fn performing_records_the_action_and_seeking_back_replays_it() {
        let mut live = Live::new(default_valid_scenario());
        live.advance_by(10_000);
        let leader = leader_of_partition_0(&live).expect("partition 0 has a leader");
        live.perform(Command::StopBroker { broker: leader, graceful: true }).expect("broker is up");
        assert_eq!(live.session().scenario().actions.len(), 1);
        live.advance_by(20_000);
        assert_ne!(leader_of_partition_0(&live), Some(leader), "a graceful stop moves leadership");
        let hw_at_30s = live.snapshot().topics[0].partitions[0].high_watermark;

        live.seek(5_000);
        assert_eq!(live.now(), 5_000);
        assert_eq!(live.horizon(), 30_000, "scrubbing back keeps the timeline's end");
        assert_eq!(leader_of_partition_0(&live), Some(leader), "before the action, the old leader leads");
        assert!(live.snapshot().topics[0].partitions[0].high_watermark < hw_at_30s);
        assert!(live.lines().iter().all(|n| n.at <= 5_000), "the event log rewinds too");

        live.seek(30_000);
        assert_eq!(live.snapshot().topics[0].partitions[0].high_watermark, hw_at_30s, "replay is exact");
    }

    #[test]
    fn topic_configs_follow_actions_and_the_timeline() {
        let mut live = Live::new(default_valid_scenario());
        live.advance_by(1_000);
        let set =
            Command::SetTopicConfig { topic: "orders".into(), name: "retention.ms".into(), value: "60000".into() };
        live.perform(set).expect("a valid retention.ms");
        assert_eq!(live.topics()[0].retention_ms, 60_000);
        live.seek(500);
        assert_eq!(live.topics()[0].retention_ms, 604_800_000, "before the change, Kafka's default");
        live.seek(1_000);
        assert_eq!(live.topics()[0].retention_ms, 60_000, "replayed");
    }

    #[test]
    fn every_step_changes_the_drawn_cluster_state() {
        let mut live = Live::new(default_valid_scenario());
        live.advance_by(2_000);
        for _ in 0..40 {
            let before = live.snapshot();
            assert!(live.step(), "the default scenario always has something next");
            let after = live.snapshot();
            assert_ne!(
                cluster_state(&after),
                cluster_state(&before),
                "a step at {} changes the drawn state",
                before.time
            );
        }
        assert_eq!(live.horizon(), live.now(), "stepping extends the timeline");
    }

    #[test]
    fn a_refused_action_is_not_recorded() {
        let mut live = Live::new(default_valid_scenario());
        let err = live.perform(Command::StartBroker { broker: 1 }).expect_err("broker 1 is running");
        assert_eq!(err.to_string(), "broker 1 is already running");
        assert!(live.session().scenario().actions.is_empty());
    }

    #[test]
    fn acting_after_scrubbing_back_ends_the_timeline_there() {
        let mut live = Live::new(default_valid_scenario());
        live.advance_by(20_000);
        live.seek(8_000);
        live.perform(Command::PreferredLeaderElection).expect("accepted");
        assert_eq!(live.horizon(), 8_000);
    }
}
