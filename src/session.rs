//! A session: one scenario, the engine running it, and the log of what the user did.
//!
//! Every user action goes through `Session::perform`, which applies it at the current virtual time and
//! records it in the scenario's `actions`. Because the engine is deterministic, the scenario alone (with its
//! actions) reproduces the whole history: a share link or file carries it, and `seek` to an earlier moment
//! rebuilds the engine and replays up to there. Pure Rust, no web APIs, so it is tested natively.

use crate::engine::command::{Command, CommandError};
use crate::engine::sim::Engine;
use crate::engine::{Millis, snapshot::Snapshot};
use crate::scenario::{Scenario, TimedCommand, ValidScenario, limits};

pub struct Session {
    /// The scenario as loaded plus every action recorded since: the whole history, replayable.
    scenario: ValidScenario,
    engine: Engine,
    /// How many of `scenario.actions` the engine has applied. Actions past this are the future of a
    /// history the user scrubbed back into; they replay as time moves forward.
    applied: usize,
}

/// Why an action could not be recorded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PerformError {
    Command(CommandError),
    /// The log is full (`limits::ACTIONS`) or the clock is past `limits::TIMELINE_MS`: a link could not
    /// carry the history any more.
    HistoryFull(String),
}

impl std::fmt::Display for PerformError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PerformError::Command(e) => e.fmt(f),
            PerformError::HistoryFull(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for PerformError {}

impl Session {
    /// A session at virtual time 0; the scenario's recorded actions replay as time advances.
    pub fn new(scenario: ValidScenario) -> Session {
        let engine = Engine::new(&scenario);
        Session { scenario, engine, applied: 0 }
    }

    pub fn now(&self) -> Millis {
        self.engine.now()
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn snapshot(&self) -> Snapshot {
        self.engine.snapshot()
    }

    /// The scenario with every action recorded so far, including any the user has scrubbed back past.
    pub fn scenario(&self) -> &Scenario {
        self.scenario.get()
    }

    /// Recorded actions not yet replayed (the user scrubbed back before them).
    pub fn pending_actions(&self) -> usize {
        self.scenario.get().actions.len() - self.applied
    }

    /// Run time forward to `until`, applying recorded actions at their times on the way.
    pub fn advance_to(&mut self, until: Millis) {
        self.advance_within(until, u64::MAX);
    }

    /// `advance_to`, but stop once about `max_events` engine events have run (see
    /// `Engine::advance_within`); recorded actions are applied exactly as in an uninterrupted run.
    /// Returns whether `until` was reached.
    pub fn advance_within(&mut self, until: Millis, max_events: u64) -> bool {
        let start = self.engine.events_processed();
        let left = |engine: &Engine| max_events.saturating_sub(engine.events_processed() - start);
        while let Some(next) = self.next_pending().filter(|a| a.at_ms <= until) {
            let next = next.clone();
            if !self.engine.advance_within(next.at_ms, left(&self.engine)) {
                return false;
            }
            self.replay(next);
        }
        self.engine.advance_within(until, left(&self.engine))
    }

    /// One step a person can see: the engine's next visible change, or the next recorded action if that
    /// comes first. Returns false when nothing is left to happen.
    pub fn step(&mut self) -> bool {
        let limit = self.next_pending().map_or(Millis::MAX, |a| a.at_ms);
        if self.engine.step_within(limit) {
            return true;
        }
        match self.next_pending().cloned() {
            Some(next) => {
                self.replay(next);
                true
            }
            None => false,
        }
    }

    /// Do something now and record it. If the user had scrubbed back, the recorded future is discarded:
    /// acting in the past starts a new branch of history, as in any editor's undo.
    pub fn perform(&mut self, command: Command) -> Result<(), PerformError> {
        let now = self.engine.now();
        if now > limits::TIMELINE_MS {
            return Err(PerformError::HistoryFull(format!(
                "actions can be recorded only in the first {} hours of virtual time",
                limits::TIMELINE_MS / 3_600_000
            )));
        }
        if self.applied >= limits::ACTIONS {
            return Err(PerformError::HistoryFull(format!(
                "the history holds at most {} actions; start a new scenario to record more",
                limits::ACTIONS
            )));
        }
        self.engine.apply(command.clone()).map_err(PerformError::Command)?;
        // Cannot fail (the action is in order and within the limits checked above), but if it ever did, the
        // user keeps the history they had rather than losing the tab.
        let action = TimedCommand { at_ms: now, command };
        self.scenario.record_action(self.applied, action).map_err(|e| PerformError::HistoryFull(e.to_string()))?;
        self.applied += 1;
        Ok(())
    }

    /// Go to virtual time `to`: forward by running, backward by rebuilding from the scenario and replaying
    /// (deterministic, so the state at `to` is exactly what it was the first time).
    pub fn seek(&mut self, to: Millis) {
        self.seek_within(to, u64::MAX);
    }

    /// `seek`, but stop once about `max_events` engine events have run. Returns whether `to` was reached;
    /// if not, the session is at the last moment it reached (`now()`), exactly as a full replay passes it.
    pub fn seek_within(&mut self, to: Millis, max_events: u64) -> bool {
        if to < self.engine.now() {
            self.engine = Engine::new(&self.scenario);
            self.applied = 0;
        }
        self.advance_within(to, max_events)
    }

    fn next_pending(&self) -> Option<&TimedCommand> {
        self.scenario.get().actions.get(self.applied)
    }

    /// Apply a recorded action exactly as it was applied live: every event due by its time first.
    /// A recorded action that fails on replay failed live too (only successes are recorded), so an error here
    /// means a hand-edited scenario; the engine refused it and narrated nothing, and replay goes on.
    fn replay(&mut self, action: TimedCommand) {
        self.engine.advance_to(action.at_ms);
        let _ = self.engine.apply(action.command);
        self.applied += 1;
    }
}
