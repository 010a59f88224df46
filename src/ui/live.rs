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

/// Session steps one UI step may take looking for a change of the cluster's state.
pub const STEP_TRIES: usize = 100;

pub struct Live {
    session: Session,
    metrics: Rc<MetricsHistory>,
    lines: Rc<Vec<Narration>>,
    /// The furthest virtual time reached in this branch of history: the timeline's end.
    horizon: Millis,
    /// Every topic's current configs, refreshed when an action is applied (only actions change them).
    topics: Rc<Vec<TopicSpec>>,
    topics_at_actions: Option<usize>,
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
        };
        live.refresh();
        live
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

    /// Play: run virtual time forward.
    pub fn advance_by(&mut self, ms: Millis) {
        self.session.advance_to(self.session.now() + ms);
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
        self.session.seek(t);
        self.refresh();
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
