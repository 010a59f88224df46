//! The KRaft controller: which brokers are alive (heartbeat sessions and fencing), who leads each
//! partition (elections, kafka-reference.md §3.5), and the controller quorum itself.
//!
//! Brokers run in combined mode: a few of them are also the quorum's voters, and the active controller
//! is one of those. Without an active controller nothing is fenced or elected: partitions whose leader
//! died stay offline until a quorum is back.

use super::command::CommandError;
use super::election::{ElectionType, LeaderAndIsr, LeaderRecoveryState, apply_election, elect_leader};
use super::events::{Event, PartitionRef};
use super::sim::Engine;
use super::types::{BrokerId, Millis};
use crate::scenario::ClusterSpec;

/// Kafka's `controller.quorum.election.timeout.ms` default: how long voters wait before electing a new
/// active controller after the old one went silent.
pub const QUORUM_ELECTION_TIMEOUT_MS: Millis = 1_000;

/// The controller quorum and its settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Controller {
    /// The quorum's voters, in id order.
    pub voters: Vec<BrokerId>,
    /// The active controller, if the quorum has one.
    pub active: Option<BrokerId>,
    pub session_timeout_ms: Millis,
    pub heartbeat_interval_ms: Millis,
    pub auto_leader_rebalance: bool,
    pub imbalance_check_interval_ms: Millis,
    /// A quorum election is already scheduled.
    election_pending: bool,
}

impl Controller {
    pub fn new(cluster: &ClusterSpec) -> Self {
        let mut ids: Vec<BrokerId> = cluster.brokers.iter().map(|b| b.id).collect();
        ids.sort_unstable();
        let mut voters = cluster.controller_quorum_voters.clone().unwrap_or_else(|| ids.into_iter().take(3).collect());
        voters.sort_unstable();
        Controller {
            active: voters.first().copied(),
            voters,
            session_timeout_ms: cluster.broker_session_timeout_ms,
            heartbeat_interval_ms: cluster.broker_heartbeat_interval_ms,
            auto_leader_rebalance: cluster.auto_leader_rebalance_enable,
            imbalance_check_interval_ms: cluster.leader_imbalance_check_interval_seconds * 1_000,
            election_pending: false,
        }
    }

    /// The voter that wins an election: Raft elects any up-to-date voter a majority can reach;
    /// Simplification: the lowest-id live voter wins, provided a majority of voters is alive.
    fn elect(&self, alive: impl Fn(BrokerId) -> bool) -> Option<BrokerId> {
        let live: Vec<BrokerId> = self.voters.iter().copied().filter(|v| alive(*v)).collect();
        (live.len() * 2 > self.voters.len()).then(|| live[0])
    }
}

impl Engine {
    /// A broker may lead and be in an ISR only while it runs and the controller has not fenced it.
    pub(super) fn acceptable_leader(&self, broker: BrokerId) -> bool {
        self.brokers.get(&broker).is_some_and(|b| b.up && !b.fenced)
    }

    pub(super) fn each_partition(&self) -> Vec<PartitionRef> {
        self.topics
            .iter()
            .enumerate()
            .flat_map(|(topic, t)| {
                (0..t.partitions.len() as u32).map(move |partition| PartitionRef { topic, partition })
            })
            .collect()
    }

    /// Stop a broker. Hard: its process dies; the controller notices when its session expires.
    /// Graceful (controlled shutdown): the controller first moves its leaderships away and takes it out
    /// of every ISR, so no acknowledged write waits on it.
    pub(super) fn stop_broker(&mut self, broker: BrokerId, graceful: bool) -> Result<(), CommandError> {
        let b = self.brokers.get(&broker).ok_or(CommandError::NoSuchBroker(broker))?;
        if !b.up {
            return Err(CommandError::Refused(format!("broker {broker} is already stopped")));
        }
        let controlled = graceful && self.controller.active.is_some();
        if controlled {
            self.narration.push(self.now, format!("broker {broker}: controlled shutdown"));
            self.fence(broker, "controlled shutdown");
        }
        let now = self.now;
        let b = self.brokers.get_mut(&broker).expect("checked above");
        b.up = false;
        self.leader_tables.invalidate();
        // Heartbeats went out every interval since registration; the session runs from the last one.
        let interval = self.controller.heartbeat_interval_ms.max(1);
        let last_heartbeat = b.registered_at + (now - b.registered_at) / interval * interval;
        let incarnation = b.incarnation;
        let how = if graceful { "stopped" } else { "crashed" };
        self.narration.push(now, format!("broker {broker} {how}"));
        if !controlled {
            let expiry = last_heartbeat + self.controller.session_timeout_ms;
            self.queue.schedule(expiry.max(now), Event::BrokerSessionExpiry { broker, incarnation });
        }
        if self.controller.active == Some(broker) {
            self.controller.active = None;
            self.narration.push(now, format!("active controller {broker} lost; the quorum will elect another"));
            self.schedule_quorum_election();
        } else if self.controller.active.is_some() && !self.quorum_has_majority() {
            // A Raft leader that cannot reach a majority can no longer commit: metadata freezes.
            self.controller.active = None;
            self.narration.push(now, "controller quorum lost its majority: no controller, metadata frozen".into());
        }
        Ok(())
    }

    /// Start a stopped broker: it registers with the controller, its replicas reconcile their logs with
    /// the leaders (truncation), catch up, and rejoin the ISR; offline partitions it can lead come back.
    pub(super) fn start_broker(&mut self, broker: BrokerId) -> Result<(), CommandError> {
        let now = self.now;
        let b = self.brokers.get_mut(&broker).ok_or(CommandError::NoSuchBroker(broker))?;
        if b.up {
            return Err(CommandError::Refused(format!("broker {broker} is already running")));
        }
        b.up = true;
        b.incarnation += 1;
        b.registered_at = now;
        self.leader_tables.invalidate();
        self.narration.push(now, format!("broker {broker} started"));
        for at in self.each_partition() {
            let partition = self.partition_mut(at);
            if partition.replicas.contains(&broker) {
                partition.mark_needs_truncation(broker);
                self.restart_fetch_loop(at, broker);
            }
        }
        if self.controller.active.is_some() {
            self.unfence(broker);
        } else if self.controller.voters.contains(&broker) {
            self.schedule_quorum_election();
        }
        Ok(())
    }

    /// Start (or restart) a follower's fetching of a partition: it joins the follower's fetch session
    /// with the partition's current leader, which fetches after one network latency at the latest.
    pub(super) fn restart_fetch_loop(&mut self, at: PartitionRef, follower: BrokerId) {
        let when = self.now + self.replication.network_latency_ms;
        self.join_fetch_session(at, follower, when);
    }

    /// A stopped broker's session ran out: the active controller fences it.
    pub(super) fn on_session_expiry(&mut self, broker: BrokerId, incarnation: u64) {
        let Some(b) = self.brokers.get(&broker) else { return };
        if b.up || b.fenced || b.incarnation != incarnation || self.controller.active.is_none() {
            return; // restarted since, already fenced, or no controller to notice (a new one re-arms it)
        }
        let timeout = self.controller.session_timeout_ms;
        self.narration.push(self.now, format!("broker {broker} fenced: no heartbeat for {timeout} ms"));
        self.fence(broker, "fenced");
    }

    /// Fence a broker: out of every ISR, and a new leader for every partition it led (§3.5).
    fn fence(&mut self, broker: BrokerId, why: &str) {
        if let Some(b) = self.brokers.get_mut(&broker) {
            b.fenced = true;
        }
        for at in self.each_partition() {
            self.partition_mut(at).set_replica_fenced(broker, true);
            let partition = self.partition(at);
            if !partition.isr.contains(&broker) && partition.leader != Some(broker) {
                continue;
            }
            let target: Vec<BrokerId> = partition.isr.iter().copied().filter(|b| *b != broker).collect();
            let kind = if partition.unclean_leader_election { ElectionType::Unclean } else { ElectionType::Online };
            self.elect(at, target, kind, why);
        }
        self.visible_changes += 1;
    }

    /// A registered broker is unfenced: offline partitions it can lead elect it.
    fn unfence(&mut self, broker: BrokerId) {
        let was_fenced = self.brokers.get(&broker).is_some_and(|b| b.fenced);
        if let Some(b) = self.brokers.get_mut(&broker) {
            b.fenced = false;
        }
        for at in self.each_partition() {
            self.partition_mut(at).set_replica_fenced(broker, false);
        }
        if was_fenced {
            self.narration.push(self.now, format!("broker {broker} registered and unfenced"));
        }
        self.elect_offline_partitions("broker returned");
        self.visible_changes += 1;
    }

    /// Give every leaderless partition a leader if one of its replicas can lead now.
    pub(super) fn elect_offline_partitions(&mut self, why: &str) {
        for at in self.each_partition() {
            let partition = self.partition(at);
            if partition.leader.is_some() {
                continue;
            }
            let target = partition.isr.clone();
            let kind = if partition.unclean_leader_election { ElectionType::Unclean } else { ElectionType::Online };
            self.elect(at, target, kind, why);
        }
    }

    /// Run one election (PartitionChangeBuilder) and install the result.
    fn elect(&mut self, at: PartitionRef, target_isr: Vec<BrokerId>, kind: ElectionType, why: &str) {
        let partition = self.partition(at);
        let result =
            elect_leader(&partition.replicas, &target_isr, partition.leader, |b| self.acceptable_leader(b), kind);
        let current = LeaderAndIsr {
            leader: partition.leader,
            isr: partition.isr.clone(),
            leader_epoch: partition.leader_epoch,
            partition_epoch: partition.partition_epoch,
            leader_recovery: if partition.leader_recovering {
                LeaderRecoveryState::Recovering
            } else {
                LeaderRecoveryState::Recovered
            },
        };
        let next = apply_election(&current, &target_isr, result);
        if next == current {
            return;
        }
        let tp = partition.tp.to_string();
        let old_leader = partition.leader;
        let now = self.now;
        let failed = self.partition_mut(at).set_leadership(next.clone(), now);
        self.leader_tables.invalidate();
        self.answer_parts(at, failed);
        let leader_text = |l: Option<BrokerId>| l.map_or("none".to_string(), |b| b.to_string());
        let text = if old_leader != next.leader {
            let unclean = if result.unclean { " (UNCLEAN: acknowledged records may be lost)" } else { "" };
            match next.leader {
                Some(_) => format!(
                    "partition {tp}: leader {} → {}, epoch {}, ISR {:?} ({why}){unclean}",
                    leader_text(old_leader),
                    leader_text(next.leader),
                    next.leader_epoch,
                    next.isr
                ),
                None => format!("partition {tp} is offline: no in-sync replica can lead (ISR {:?}) ({why})", next.isr),
            }
        } else {
            format!("partition {tp}: ISR now {:?} ({why})", next.isr)
        };
        self.narration.push(now, text);
        self.visible_changes += 1;
        if old_leader != next.leader {
            let followers: Vec<BrokerId> =
                self.partition(at).followers().filter(|f| self.brokers.get(f).is_some_and(|b| b.up)).collect();
            for follower in followers {
                self.restart_fetch_loop(at, follower);
            }
        }
        self.after_leader_progress(at);
    }

    fn schedule_quorum_election(&mut self) {
        if !self.controller.election_pending {
            self.controller.election_pending = true;
            self.queue.schedule(self.now + QUORUM_ELECTION_TIMEOUT_MS, Event::QuorumElection);
        }
    }

    /// The voters elect a new active controller if a majority of them is alive. The new controller
    /// starts every broker's session afresh and catches up on what happened while there was none.
    pub(super) fn on_quorum_election(&mut self) {
        self.controller.election_pending = false;
        if self.controller.active.is_some() {
            return;
        }
        let Some(winner) = self.controller.elect(|v| self.brokers.get(&v).is_some_and(|b| b.up)) else {
            self.narration.push(self.now, "controller quorum has no majority: no controller, metadata frozen".into());
            return;
        };
        self.controller.active = Some(winner);
        self.narration.push(self.now, format!("broker {winner} is the active controller"));
        self.visible_changes += 1;
        let session = self.controller.session_timeout_ms;
        let ids: Vec<BrokerId> = self.brokers.keys().copied().collect();
        for broker in ids {
            let b = &self.brokers[&broker];
            if !b.up && !b.fenced {
                let incarnation = b.incarnation;
                self.queue.schedule(self.now + session, Event::BrokerSessionExpiry { broker, incarnation });
            } else if b.up && b.fenced {
                self.unfence(broker);
            }
        }
        self.elect_offline_partitions("new controller");
    }

    fn quorum_has_majority(&self) -> bool {
        self.controller.elect(|v| self.brokers.get(&v).is_some_and(|b| b.up)).is_some()
    }

    /// Preferred leader election for every partition whose leader is not its first replica (§3.5).
    pub(super) fn elect_preferred_leaders(&mut self, why: &str) {
        if self.controller.active.is_none() {
            return;
        }
        for at in self.each_partition() {
            let partition = self.partition(at);
            if partition.leader.is_some() && partition.leader != partition.replicas.first().copied() {
                let target = partition.isr.clone();
                self.elect(at, target, ElectionType::Preferred, why);
            }
        }
    }

    /// `auto.leader.rebalance.enable`: every `leader.imbalance.check.interval.seconds`.
    pub(super) fn on_leader_imbalance_check(&mut self) {
        self.elect_preferred_leaders("auto leader rebalance");
        let every = self.controller.imbalance_check_interval_ms.max(1);
        self.queue.schedule(self.now + every, Event::LeaderImbalanceCheck);
    }

    /// The active controller, if the quorum has one.
    pub fn active_controller(&self) -> Option<BrokerId> {
        self.controller.active
    }
}
