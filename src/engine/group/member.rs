//! One member of a group: the client process (running, slow, stuck, crashed, closed), what the
//! coordinator knows of it (member id, generation or member epoch, last heartbeat), the partitions it
//! owns and its positions in them, and the poll loop that reads records below the high watermark.

use std::collections::BTreeMap;

use super::{Fetched, MAX_POLL_RECORDS, ReadableRange};
use crate::engine::events::PartitionRef;
use crate::engine::rng::RandomSource;
use crate::engine::types::{Millis, Offset};

/// `JoinGroupRequest.UNKNOWN_GENERATION_ID` / a KIP-848 member's epoch before its first heartbeat.
pub const NO_GENERATION: i32 = -1;

/// What the member's process is doing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Process {
    /// Polling and heartbeating.
    Running,
    /// The application stopped calling `poll()` (stuck processing); the heartbeat thread goes on
    /// until `max.poll.interval.ms` expires.
    Stuck,
    /// The process died: no polls, no heartbeats, no LeaveGroup. The coordinator notices only when
    /// the session times out.
    Crashed,
    /// A static member closed without LeaveGroup (KIP-345); it may come back within the session timeout.
    Closed,
}

#[derive(Clone, Debug)]
pub struct Member {
    /// Stable handle the engine's events use to address this member.
    pub key: u64,
    /// Coordinator-generated id: `client.id` (or `group.instance.id`) + "-" + a UUID.
    pub member_id: String,
    pub client_id: String,
    pub instance_id: Option<String>,
    /// Partitions the member owns now (and consumes, unless it is in error or not running).
    pub assigned: Vec<PartitionRef>,
    /// Next offset to read, per owned partition.
    pub positions: BTreeMap<PartitionRef, Offset>,
    /// The `GroupContext::ranges_version` at which every position was last seen in range: until that
    /// changes, the poll need not look again.
    pub positions_in_range_at: Option<u64>,
    /// Classic: the generation of the member's last SyncGroup. Consumer protocol: its member epoch.
    pub generation: i32,
    pub process: Process,
    /// Whether the coordinator counts it as a member (false once it left or its session expired).
    pub in_group: bool,
    /// Whether its heartbeat thread runs (false after a poll-timeout leave, a crash or a close).
    pub heartbeating: bool,
    /// Its own processing rate, when made slower or faster than the group's.
    pub records_per_sec: Option<f64>,
    /// The exception `poll()` throws (auto.offset.reset=none), shown instead of consuming.
    pub error: Option<String>,
    /// Why the member is out of the group, for the view.
    pub left_reason: Option<&'static str>,
    pub(super) last_heartbeat: Millis,
    pub(super) last_poll: Millis,
    /// Classic: the client learned of a rebalance (REBALANCE_IN_PROGRESS) or revoked partitions and must rejoin.
    pub(super) rejoin_needed: bool,
    /// Classic: the rebalance round in which the coordinator received its JoinGroup.
    pub(super) joined_round: Option<u64>,
    /// Classic: order of arrival of that JoinGroup (the first one to join leads).
    pub(super) join_order: u64,
    /// Classic eager: what it owned before revoking, which sticky assignors read from its subscription.
    pub(super) previous: Vec<PartitionRef>,
    /// Consumer protocol: partitions it was told to revoke and has not yet acknowledged.
    pub(super) pending_revocation: Vec<PartitionRef>,
    /// Classic: its JoinGroup is on the network to the coordinator.
    pub(super) join_in_flight: bool,
    /// Classic: it sent JoinGroup and has not yet received its SyncGroup response (its assignment).
    pub(super) awaiting_assignment: bool,
    credit: f64,
    rotation: usize,
}

impl Member {
    /// A member that has just been created by the coordinator (`MEMBER_ID_REQUIRED` flow collapsed).
    pub fn new(
        key: u64,
        client_id: String,
        instance_id: Option<String>,
        now: Millis,
        rng: &mut dyn RandomSource,
    ) -> Self {
        let member_id = new_member_id(&client_id, instance_id.as_deref(), rng);
        Member {
            key,
            member_id,
            client_id,
            instance_id,
            assigned: Vec::new(),
            positions: BTreeMap::new(),
            positions_in_range_at: None,
            generation: NO_GENERATION,
            process: Process::Running,
            in_group: true,
            heartbeating: true,
            records_per_sec: None,
            error: None,
            left_reason: None,
            last_heartbeat: now,
            last_poll: now,
            rejoin_needed: false,
            joined_round: None,
            join_order: 0,
            previous: Vec::new(),
            pending_revocation: Vec::new(),
            join_in_flight: false,
            awaiting_assignment: false,
            credit: 0.0,
            rotation: 0,
        }
    }

    /// Whether the member's poll loop reads records now.
    pub fn consumes(&self) -> bool {
        self.process == Process::Running && self.in_group && self.error.is_none() && !self.assigned.is_empty()
    }

    /// Hand the member a new set of owned partitions, keeping positions of those it keeps.
    pub(super) fn set_assigned(&mut self, assigned: Vec<PartitionRef>) {
        self.positions.retain(|p, _| assigned.contains(p));
        self.assigned = assigned;
        self.rotation = 0;
    }

    /// Drop partitions (revocation): the member stops reading them and forgets its positions.
    pub(super) fn revoke(&mut self, revoked: &[PartitionRef]) {
        let kept: Vec<PartitionRef> = self.assigned.iter().copied().filter(|p| !revoked.contains(p)).collect();
        self.set_assigned(kept);
    }

    /// One poll after `elapsed_ms`: read up to the processing capacity (and at most max.poll.records)
    /// from the owned partitions, below each partition's high watermark, starting from a rotating
    /// partition so none starves. Positions are valid here (the group resets them before polling).
    pub(super) fn poll(
        &mut self,
        elapsed_ms: Millis,
        group_rate: f64,
        readable: &dyn Fn(PartitionRef) -> ReadableRange,
    ) -> Vec<Fetched> {
        if !self.consumes() {
            return Vec::new();
        }
        let rate = self.records_per_sec.unwrap_or(group_rate);
        // Processing capacity does not bank up while idle beyond one poll's worth, plus the fraction of a
        // record carried towards the next one (without it, 0.8 records a poll would process only 0.5).
        let per_poll = rate * elapsed_ms as f64 / 1_000.0;
        self.credit = (self.credit + per_poll).min(per_poll + 1.0);
        let mut budget = (self.credit.floor() as u64).min(MAX_POLL_RECORDS);
        let mut fetched = Vec::new();
        let n = self.assigned.len();
        for i in 0..n {
            if budget == 0 {
                break;
            }
            let p = self.assigned[(self.rotation + i) % n];
            let Some(position) = self.positions.get_mut(&p) else { continue };
            let take = readable(p).high_watermark.saturating_sub(*position).min(budget);
            if take > 0 {
                *position += take;
                budget -= take;
                self.credit -= take as f64;
                fetched.push(Fetched { partition: p, records: take });
            }
        }
        self.rotation = (self.rotation + 1) % n;
        fetched
    }
}

/// The member id the coordinator generates (`ClassicGroup`/`GroupMetadataManager`): the client id, or
/// the instance id for a static member, then "-" and a random UUID.
pub fn new_member_id(client_id: &str, instance_id: Option<&str>, rng: &mut dyn RandomSource) -> String {
    format!("{}-{}", instance_id.unwrap_or(client_id), random_uuid(rng))
}

/// A random UUID (version 4 layout) drawn from the engine's seeded stream, as the coordinator's
/// `randomUUID()` would be: deterministic for a given seed.
fn random_uuid(rng: &mut dyn RandomSource) -> String {
    let words: Vec<u32> = (0..4).map(|_| rng.next_u32()).collect();
    let hex: String = words.iter().map(|w| format!("{w:08x}")).collect();
    format!(
        "{}-{}-4{}-{:x}{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        8 | (words[2] >> 30),
        &hex[17..20],
        &hex[20..32]
    )
}
