//! A consumer group: its members, the group protocol that hands them partitions, their positions,
//! the group's committed offsets, and lag as Kafka's tools report it (kafka-reference.md §4.4, §5).
//!
//! - [`classic`]: `group.protocol=classic` (§5.1): JoinGroup/SyncGroup, generations, eager or
//!   cooperative rebalances, the leader running a client-side assignor.
//! - [`consumer_protocol`]: `group.protocol=consumer` (KIP-848, §5.2): heartbeats, a group epoch, a
//!   server-side target assignment, member epochs and incremental convergence.
//! - [`offsets`]: committed offsets, the coordinator's commit checks, `auto.offset.reset`, lag.
//! - [`member`]: a member's process and its poll loop.
//!
//! The group owns its events (`GroupEvent`) and commands (`GroupCommand`): the engine only routes them
//! here with a `GroupContext` (what the group may read of the cluster) and carries out what the group
//! asks for in return (events to schedule, fetches to draw, narration).
//!
//! JoinGroup and SyncGroup cross the network (`GroupConfig::hop_ms` each way): a JoinGroup reaches the
//! coordinator one hop after the member sends it; the leader's SyncGroup arrives two hops after the join
//! phase completes (the JoinGroup response out, the SyncGroup back); each member gets its assignment one
//! hop after that.
//!
//! Simplification: heartbeats, OffsetCommit and LeaveGroup (and KIP-848's ConsumerGroupHeartbeat) act
//! at the coordinator the moment they are sent; the session timeout and poll timers dwarf one hop.

mod classic;
pub mod config;
mod consumer_protocol;
pub mod member;
pub mod offsets;
mod reconfigure;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use config::{GroupConfig, GroupProtocol, OffsetReset, RebalanceProtocol};
pub use member::{Member, Process};
pub use offsets::CommitError;

use super::assignor::{self, MemberSubscription};
use super::events::PartitionRef;
use super::rng::RandomSource;
use super::snapshot::{GroupView, MemberPartitionView, MemberView};
use super::types::{Millis, Offset, TopicPartition};
use crate::scenario::{AssignorSpec, AutoOffsetResetSpec, GroupProtocolSpec};

/// Kafka's `max.poll.records` default: the most records one poll returns.
pub const MAX_POLL_RECORDS: u64 = 500;
/// How often a member's poll loop runs, in virtual ms.
pub const POLL_INTERVAL_MS: Millis = 100;

/// Group states: the classic ones (`ClassicGroupState`, §5.1) and KIP-848's (`ConsumerGroup.ConsumerGroupState`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    /// Classic: waiting for members to (re)join.
    PreparingRebalance,
    /// Classic: waiting for the leader's SyncGroup.
    CompletingRebalance,
    Stable,
    /// Consumer protocol: members are converging on the target assignment.
    Reconciling,
    /// Simplification: never entered; Kafka enters it when the group is deleted or its offsets expire
    /// (`offsets.retention.minutes` after becoming Empty), which the engine does not simulate.
    Dead,
}

impl GroupState {
    pub fn name(&self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Reconciling => "Reconciling",
            GroupState::Dead => "Dead",
        }
    }

    /// Classic states in which heartbeats are answered REBALANCE_IN_PROGRESS.
    pub fn is_rebalancing(&self) -> bool {
        matches!(self, GroupState::PreparingRebalance | GroupState::CompletingRebalance)
    }
}

/// The records one poll read from one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub partition: PartitionRef,
    pub records: u64,
}

/// What the group needs to know about a partition to read it: its log start offset, its high watermark
/// (read_uncommitted consumers read below it) and its leader's log end offset (a fetch position above
/// it is out of range; between HW and LEO a fetch just returns nothing, §4.4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadableRange {
    pub log_start: Offset,
    pub high_watermark: Offset,
    /// The leader's LEO; `Offset::MAX` while the partition has no leader (no fetch, so no
    /// OFFSET_OUT_OF_RANGE either).
    pub log_end: Offset,
}

impl ReadableRange {
    /// Whether a fetch at `offset` gets `OFFSET_OUT_OF_RANGE` (`UnifiedLog.read`: below the log start
    /// offset or above the log end offset). Not the HW: between HW and LEO the fetch is empty, not an error.
    pub fn out_of_range(&self, offset: Offset) -> bool {
        offset < self.log_start || offset > self.log_end
    }
}

#[derive(Debug)]
pub struct Group {
    pub name: String,
    pub topics: Vec<usize>,
    pub config: GroupConfig,
    pub members: Vec<Member>,
    /// Classic: the generation id. Consumer protocol: the group epoch.
    pub generation: i32,
    pub state: GroupState,
    pub committed: BTreeMap<PartitionRef, Offset>,
    /// Classic: numbers rebalance rounds, so that a superseded round's timers do nothing.
    round: u64,
    /// Classic: when the current join phase ends at the latest.
    join_deadline: Millis,
    join_started: Millis,
    /// Classic: the join phase of an Empty group, held for `group.initial.rebalance.delay.ms`.
    initial_join: bool,
    leader: Option<u64>,
    next_join_order: u64,
    /// Classic: the assignment the leader's SyncGroup carried in round `round`, by member key, until
    /// each member's SyncGroup response delivers it.
    synced: BTreeMap<u64, Vec<PartitionRef>>,
    /// Rebalances started (classic join phases, KIP-848 group epoch bumps) since the scenario began.
    pub rebalances: u64,
    /// Consumer protocol: the target assignment, by member key, and its epoch.
    target: BTreeMap<u64, Vec<PartitionRef>>,
    target_epoch: i32,
    next_member_key: u64,
}

/// Something that happens to a group at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupEvent {
    /// A member polls its assigned partitions.
    Poll { member: u64 },
    /// A member's auto-commit timer fires.
    AutoCommit { member: u64 },
    /// A member's heartbeat thread sends a heartbeat (and checks its poll timer).
    Heartbeat { member: u64 },
    /// The coordinator's session timer for a member.
    SessionCheck { member: u64 },
    /// Classic: the join phase of round `round` may end (initial delay or rebalance timeout).
    JoinDeadline { round: u64 },
    /// Classic: the leader's SyncGroup for round `round` reaches the coordinator.
    SyncGroup { round: u64 },
    /// Classic: a member's JoinGroup reaches the coordinator.
    JoinGroupArrives { member: u64 },
    /// Classic: the SyncGroup response of round `round` (the member's assignment) reaches the member.
    SyncGroupResponse { member: u64, round: u64 },
}

impl GroupEvent {
    /// Fixed-width words identifying the event, for the engine's history digest.
    pub fn digest_words(&self) -> [u64; 2] {
        match *self {
            GroupEvent::Poll { member } => [1, member],
            GroupEvent::AutoCommit { member } => [2, member],
            GroupEvent::Heartbeat { member } => [3, member],
            GroupEvent::SessionCheck { member } => [4, member],
            GroupEvent::JoinDeadline { round } => [5, round],
            GroupEvent::SyncGroup { round } => [6, round],
            GroupEvent::JoinGroupArrives { member } => [7, member],
            GroupEvent::SyncGroupResponse { member, round } => [8 | (round << 8), member],
        }
    }
}

/// Which member a command means. Plain data: recorded into scenarios and share links; keys are
/// handed out in order from 0, so a replay resolves them to the same members.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberRef {
    /// The engine's handle (`MemberView::key`).
    Key(u64),
    /// `client.id`; when several entries share it (a crashed member awaiting its session expiry and
    /// its replacement), the newest live one.
    ClientId(String),
    /// The coordinator's member id.
    MemberId(String),
}

/// A user action on a group.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupCommand {
    /// Set every member's processing rate, in records per virtual second (thousandths).
    SetProcessingRate { records_per_sec_millis: u64 },
    /// Start a consumer that joins the group. With an instance id of a static member that closed or
    /// crashed within the session timeout, it takes that member's place and assignment.
    AddMember { client_id: String, instance_id: Option<String> },
    /// Close a member: it commits, then sends LeaveGroup (a static member does not, KIP-345).
    RemoveMember { member: MemberRef },
    /// Kill a member's process: it stops heartbeating and the session times out.
    CrashMember { member: MemberRef },
    /// Set one member's processing rate, in records per virtual second (thousandths).
    SetMemberRate { member: MemberRef, records_per_sec_millis: u64 },
    /// Make a member stop calling `poll()` (stuck), or resume.
    SetStuck { member: MemberRef, stuck: bool },
    /// Change the group's configuration (absent fields keep their value). Refused with the scenario
    /// validator's message (Kafka's where Kafka has one, e.g. INVALID_SESSION_TIMEOUT) if invalid.
    ChangeConfig { change: GroupConfigChange },
}

/// A change to a running group's settings, as plain data (recorded into share links).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfigChange {
    /// `partition.assignment.strategy` (classic) or `group.remote.assignor` (consumer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignor: Option<AssignorSpec>,
    /// `group.protocol`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<GroupProtocolSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_timeout_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_poll_interval_ms: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_offset_reset: Option<AutoOffsetResetSpec>,
}

/// What a group may read of the cluster during one call, and what it asks the engine to do.
pub struct GroupContext<'a> {
    pub now: Millis,
    pub rng: &'a mut dyn RandomSource,
    /// Name and partition count of every topic, by topic index.
    pub topics: &'a [(Arc<str>, u32)],
    pub readable: &'a dyn Fn(PartitionRef) -> ReadableRange,
    /// Number of the current readable ranges as far as they can shrink: it changes whenever a leader
    /// changes or a leader's log start may have moved (`None`: unknown, check every time). A member whose
    /// positions were all in range at this number still has them in range: between changes a log only
    /// grows, and a poll never reads past the high watermark.
    pub ranges_version: Option<u64>,
    /// Events to schedule: (when, what).
    pub schedule: Vec<(Millis, GroupEvent)>,
    /// Records fetched, by member id, for the view to draw.
    pub fetched: Vec<(String, Fetched)>,
    pub narration: Vec<String>,
    /// Whether anything a person can see changed.
    pub visible_change: bool,
}

impl<'a> GroupContext<'a> {
    pub fn new(
        now: Millis,
        rng: &'a mut dyn RandomSource,
        topics: &'a [(Arc<str>, u32)],
        readable: &'a dyn Fn(PartitionRef) -> ReadableRange,
    ) -> Self {
        GroupContext {
            now,
            rng,
            topics,
            readable,
            ranges_version: None,
            schedule: Vec::new(),
            fetched: Vec::new(),
            narration: Vec::new(),
            visible_change: false,
        }
    }

    /// `topic-partition`, as Kafka prints a `TopicPartition`.
    pub fn partition_name(&self, p: PartitionRef) -> String {
        format!("{}-{}", self.topics[p.topic].0, p.partition)
    }

    fn partition_list(&self, partitions: &[PartitionRef]) -> String {
        let names: Vec<String> = partitions.iter().map(|p| self.partition_name(*p)).collect();
        format!("[{}]", names.join(", "))
    }
}

impl Group {
    pub fn new(name: String, topics: Vec<usize>, config: GroupConfig) -> Self {
        Group {
            name,
            topics,
            config,
            members: Vec::new(),
            generation: 0,
            state: GroupState::Empty,
            committed: BTreeMap::new(),
            round: 0,
            join_deadline: 0,
            join_started: 0,
            initial_join: false,
            leader: None,
            next_join_order: 0,
            synced: BTreeMap::new(),
            rebalances: 0,
            target: BTreeMap::new(),
            target_epoch: 0,
            next_member_key: 0,
        }
    }

    /// Add a scenario member, already joined, before `start`. Returns its key.
    pub fn add_member(&mut self, client_id: String, instance_id: Option<String>, rng: &mut dyn RandomSource) -> u64 {
        self.new_member(client_id, instance_id, 0, rng)
    }

    fn new_member(
        &mut self,
        client_id: String,
        instance_id: Option<String>,
        now: Millis,
        rng: &mut dyn RandomSource,
    ) -> u64 {
        let key = self.next_member_key;
        self.next_member_key += 1;
        self.members.push(Member::new(key, client_id, instance_id, now, rng));
        key
    }

    pub fn member(&self, key: u64) -> Option<&Member> {
        self.members.iter().find(|m| m.key == key)
    }

    fn index_of(&self, key: u64) -> Option<usize> {
        self.members.iter().position(|m| m.key == key)
    }

    /// The group as the scenario starts it: its members have joined and the first generation (or group
    /// epoch) is Stable, so the diagram opens on a settled group.
    pub fn start(&mut self, ctx: &mut GroupContext) {
        match self.config.protocol {
            GroupProtocol::Classic => self.classic_start(ctx),
            GroupProtocol::Consumer => self.consumer_start(ctx),
        }
        for key in self.members.iter().map(|m| m.key).collect::<Vec<_>>() {
            self.schedule_member_loops(key, ctx);
        }
    }

    /// Start a member's poll, auto-commit and heartbeat loops and its session timer.
    fn schedule_member_loops(&self, key: u64, ctx: &mut GroupContext) {
        let now = ctx.now;
        ctx.schedule.push((now + POLL_INTERVAL_MS, GroupEvent::Poll { member: key }));
        ctx.schedule.push((now + self.config.auto_commit_interval_ms, GroupEvent::AutoCommit { member: key }));
        ctx.schedule.push((now + self.config.heartbeat_interval_ms, GroupEvent::Heartbeat { member: key }));
        ctx.schedule.push((now + self.config.session_timeout_ms, GroupEvent::SessionCheck { member: key }));
    }

    /// Handle one of the group's own events.
    pub fn handle(&mut self, event: GroupEvent, ctx: &mut GroupContext) {
        match event {
            GroupEvent::Poll { member } => self.on_poll(member, ctx),
            GroupEvent::AutoCommit { member } => self.on_auto_commit(member, ctx),
            GroupEvent::Heartbeat { member } => self.on_heartbeat(member, ctx),
            GroupEvent::SessionCheck { member } => self.on_session_check(member, ctx),
            GroupEvent::JoinDeadline { round } => self.on_join_deadline(round, ctx),
            GroupEvent::SyncGroup { round } => self.on_sync_group(round, ctx),
            GroupEvent::JoinGroupArrives { member } => self.on_join_group_arrives(member, ctx),
            GroupEvent::SyncGroupResponse { member, round } => self.on_sync_group_response(member, round, ctx),
        }
    }

    fn on_poll(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        match self.members[index].process {
            Process::Crashed | Process::Closed => return,
            Process::Stuck => {
                ctx.schedule.push((ctx.now + POLL_INTERVAL_MS, GroupEvent::Poll { member: key }));
                return;
            }
            Process::Running => {}
        }
        self.members[index].last_poll = ctx.now;
        if self.config.protocol == GroupProtocol::Classic {
            self.classic_before_poll(key, ctx);
        }
        let Some(index) = self.index_of(key) else { return };
        self.check_positions_in_range(index, ctx);
        let rate = self.config.records_per_sec;
        let member = &mut self.members[index];
        let fetched = member.poll(POLL_INTERVAL_MS, rate, ctx.readable);
        ctx.visible_change |= !fetched.is_empty();
        let member_id = member.member_id.clone();
        ctx.fetched.extend(fetched.into_iter().map(|f| (member_id.clone(), f)));
        ctx.schedule.push((ctx.now + POLL_INTERVAL_MS, GroupEvent::Poll { member: key }));
    }

    /// Auto-commit runs inside `poll()` in Kafka, so a stuck member does not commit.
    fn on_auto_commit(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        let member = &self.members[index];
        if matches!(member.process, Process::Crashed | Process::Closed) {
            return;
        }
        // Simplification: a classic member waiting for its JoinGroup/SyncGroup responses skips auto-commit
        // (Kafka's would be refused REBALANCE_IN_PROGRESS during CompletingRebalance, or carry a stale generation).
        if member.process == Process::Running && member.in_group && !member.awaiting_assignment {
            ctx.visible_change |= self.commit_member(index, ctx).unwrap_or(false);
        }
        ctx.schedule.push((ctx.now + self.config.auto_commit_interval_ms, GroupEvent::AutoCommit { member: key }));
    }

    /// The heartbeat thread: it first checks the poll timer (`max.poll.interval.ms`), as
    /// `AbstractCoordinator.HeartbeatThread` does, then heartbeats to the coordinator.
    fn on_heartbeat(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        let member = &self.members[index];
        if !member.heartbeating || !member.in_group {
            return;
        }
        if ctx.now.saturating_sub(member.last_poll) > self.config.max_poll_interval_ms {
            self.poll_timeout(index, ctx);
            return;
        }
        self.members[index].last_heartbeat = ctx.now;
        match self.config.protocol {
            GroupProtocol::Classic => self.classic_heartbeat(index, ctx),
            GroupProtocol::Consumer => self.consumer_heartbeat(index, ctx),
        }
        ctx.schedule.push((ctx.now + self.config.heartbeat_interval_ms, GroupEvent::Heartbeat { member: key }));
    }

    /// The coordinator's session timer: re-armed from the last heartbeat, and when it runs out the
    /// member is removed (`ClassicGroup`/`ConsumerGroup` session expiration).
    fn on_session_check(&mut self, key: u64, ctx: &mut GroupContext) {
        let Some(index) = self.index_of(key) else { return };
        let member = &self.members[index];
        if !member.in_group {
            return;
        }
        let expires = member.last_heartbeat + self.config.session_timeout_ms;
        if ctx.now < expires {
            ctx.schedule.push((expires, GroupEvent::SessionCheck { member: key }));
            return;
        }
        let reason = format!(
            "member {} session expired (no heartbeat for session.timeout.ms={})",
            member.client_id, self.config.session_timeout_ms
        );
        self.remove_from_group(index, "session expired", reason, ctx);
    }

    /// `max.poll.interval.ms` ran out: the consumer leaves the group ("consumer poll timeout has
    /// expired"). A static member sends no LeaveGroup (KIP-345) and its session will expire instead.
    fn poll_timeout(&mut self, index: usize, ctx: &mut GroupContext) {
        let member = &mut self.members[index];
        member.heartbeating = false;
        let client = member.client_id.clone();
        if member.instance_id.is_some() {
            member.left_reason = Some("poll timeout");
            ctx.narration.push(format!(
                "group {}: {client} consumer poll timeout has expired (max.poll.interval.ms={}); static member: \
                 no LeaveGroup, its session will expire",
                self.name, self.config.max_poll_interval_ms
            ));
            ctx.visible_change = true;
            return;
        }
        let reason = format!(
            "member {client} left: consumer poll timeout has expired (max.poll.interval.ms={})",
            self.config.max_poll_interval_ms
        );
        self.remove_from_group(index, "poll timeout", reason, ctx);
    }

    /// Take member `index` out of the group (LeaveGroup, session expiry, rebalance timeout) and let the
    /// protocol react.
    fn remove_from_group(&mut self, index: usize, why: &'static str, reason: String, ctx: &mut GroupContext) {
        self.detach(index, why);
        ctx.visible_change = true;
        match self.config.protocol {
            GroupProtocol::Classic => self.classic_member_left(reason, ctx),
            GroupProtocol::Consumer => self.consumer_member_left(reason, ctx),
        }
    }

    /// The coordinator forgets member `index`; its partitions are free. A dead process's entry goes
    /// away; a stuck one stays (it rejoins when it polls again).
    fn detach(&mut self, index: usize, why: &'static str) {
        let member = &mut self.members[index];
        member.in_group = false;
        member.heartbeating = false;
        member.left_reason = Some(why);
        member.set_assigned(Vec::new());
        member.pending_revocation.clear();
        member.joined_round = None;
        member.awaiting_assignment = false;
        self.synced.remove(&member.key);
        let key = member.key;
        self.target.remove(&key);
        if self.leader == Some(key) {
            self.leader = None;
        }
        if matches!(member.process, Process::Crashed | Process::Closed) {
            self.members.remove(index);
        }
    }

    /// Carry out a user action on the group. Errors say why it was refused.
    /// A subscribed topic gained partitions. Classic consumers notice on their metadata refresh and the group
    /// rebalances; under KIP-848 the coordinator bumps the group epoch. Either way the new partitions get owners.
    ///
    /// Simplification: metadata is always current, so the change is seen at once rather than after
    /// `metadata.max.age.ms`.
    pub fn on_metadata_change(&mut self, reason: String, ctx: &mut GroupContext) {
        if self.member_keys().is_empty() {
            return;
        }
        match self.config.protocol {
            GroupProtocol::Consumer => self.bump_group_epoch(reason, ctx),
            GroupProtocol::Classic => self.begin_rebalance(reason, false, ctx),
        }
    }

    pub fn apply(&mut self, command: GroupCommand, ctx: &mut GroupContext) -> Result<(), String> {
        match command {
            GroupCommand::SetProcessingRate { records_per_sec_millis } => {
                self.config.records_per_sec = records_per_sec_millis as f64 / 1_000.0;
                ctx.narration.push(format!(
                    "group {}: processing rate set to {}/s per member",
                    self.name, self.config.records_per_sec
                ));
            }
            GroupCommand::AddMember { client_id, instance_id } => self.command_add(client_id, instance_id, ctx)?,
            GroupCommand::RemoveMember { member } => {
                let index = self.resolve_live(&member)?;
                self.close_member(index, ctx);
            }
            GroupCommand::CrashMember { member } => {
                let index = self.resolve_live(&member)?;
                let m = &mut self.members[index];
                m.process = Process::Crashed;
                m.heartbeating = false;
                if !m.in_group {
                    // Already out of the group (a stuck member removed by a timeout): only the process dies.
                    let client = self.members.remove(index).client_id;
                    ctx.narration.push(format!("group {}: {client} crashed", self.name));
                    ctx.visible_change = true;
                    return Ok(());
                }
                ctx.narration.push(format!(
                    "group {}: {} crashed: no more heartbeats; the coordinator notices after session.timeout.ms={}",
                    self.name, m.client_id, self.config.session_timeout_ms
                ));
            }
            GroupCommand::SetMemberRate { member, records_per_sec_millis } => {
                let index = self.resolve_live(&member)?;
                let m = &mut self.members[index];
                m.records_per_sec = Some(records_per_sec_millis as f64 / 1_000.0);
                ctx.narration.push(format!(
                    "group {}: {} now processes {}/s",
                    self.name,
                    m.client_id,
                    records_per_sec_millis as f64 / 1_000.0
                ));
            }
            GroupCommand::SetStuck { member, stuck } => {
                let index = self.resolve_live(&member)?;
                if stuck {
                    self.make_stuck(index, ctx);
                } else {
                    self.resume(index, ctx)?;
                }
            }
            GroupCommand::ChangeConfig { change } => self.change_config(change, ctx)?,
        }
        ctx.visible_change = true;
        Ok(())
    }

    /// Find a member whose process is still alive (running or stuck).
    fn resolve_live(&self, member: &MemberRef) -> Result<usize, String> {
        let alive = |m: &Member| matches!(m.process, Process::Running | Process::Stuck);
        let found = match member {
            MemberRef::Key(key) => self.index_of(*key),
            MemberRef::MemberId(id) => self.members.iter().position(|m| &m.member_id == id),
            MemberRef::ClientId(client) => self
                .members
                .iter()
                .enumerate()
                .filter(|(_, m)| &m.client_id == client && alive(m))
                .max_by_key(|(_, m)| m.key)
                .map(|(i, _)| i),
        };
        let describe = || match member {
            MemberRef::Key(key) => format!("key {key}"),
            MemberRef::ClientId(client) => format!("client id \"{client}\""),
            MemberRef::MemberId(id) => format!("member id \"{id}\""),
        };
        let index = found.ok_or_else(|| format!("group {} has no member with {}", self.name, describe()))?;
        if !alive(&self.members[index]) {
            return Err(format!(
                "member {} of group {} is no longer running",
                self.members[index].client_id, self.name
            ));
        }
        Ok(index)
    }

    /// A new consumer joins. A static one whose instance id belongs to a member that closed or crashed
    /// within the session timeout takes its place without a rebalance (KIP-345).
    fn command_add(
        &mut self,
        client_id: String,
        instance_id: Option<String>,
        ctx: &mut GroupContext,
    ) -> Result<(), String> {
        if client_id.is_empty() {
            return Err("client id must not be empty".into());
        }
        let alive = |m: &Member| matches!(m.process, Process::Running | Process::Stuck);
        if self.members.iter().any(|m| alive(m) && m.client_id == client_id) {
            return Err(format!("group {}: client id \"{client_id}\" is already used by a running member", self.name));
        }
        if let Some(instance) = &instance_id
            && let Some(index) = self.members.iter().position(|m| m.instance_id.as_ref() == Some(instance))
        {
            if alive(&self.members[index]) {
                // Simplification: Kafka fences the older instance (FENCED_INSTANCE_ID); here it is refused.
                return Err(format!(
                    "group {}: group.instance.id \"{instance}\" is already used by running member {}",
                    self.name, self.members[index].client_id
                ));
            }
            if self.members[index].in_group {
                self.replace_static_member(index, client_id, ctx);
                return Ok(());
            }
        }
        self.join_new(client_id, instance_id, ctx);
        Ok(())
    }

    /// A fresh member (new member id) sends its first JoinGroup / heartbeat.
    fn join_new(&mut self, client_id: String, instance_id: Option<String>, ctx: &mut GroupContext) -> u64 {
        let key = self.new_member(client_id, instance_id, ctx.now, ctx.rng);
        self.schedule_member_loops(key, ctx);
        let index = self.members.len() - 1;
        match self.config.protocol {
            GroupProtocol::Classic => self.send_join_group(index, ctx),
            GroupProtocol::Consumer => self.consumer_join(index, ctx),
        }
        key
    }

    /// A static member comes back within its session: the coordinator swaps in the new member id and
    /// hands it the old assignment and generation (`ClassicGroup.replaceStaticMember`; KIP-848 likewise).
    fn replace_static_member(&mut self, index: usize, client_id: String, ctx: &mut GroupContext) {
        let old_key = self.members[index].key;
        let instance_id = self.members[index].instance_id.clone();
        let key = self.next_member_key;
        self.next_member_key += 1;
        let mut fresh = Member::new(key, client_id, instance_id.clone(), ctx.now, ctx.rng);
        let old = &self.members[index];
        fresh.assigned = old.assigned.clone();
        fresh.generation = old.generation;
        fresh.joined_round = old.joined_round;
        fresh.join_order = old.join_order;
        fresh.previous = old.previous.clone();
        fresh.pending_revocation = old.pending_revocation.clone();
        self.members[index] = fresh;
        if self.leader == Some(old_key) {
            self.leader = Some(key);
        }
        if let Some(target) = self.target.remove(&old_key) {
            self.target.insert(key, target);
        }
        self.position_member(index, ctx);
        self.schedule_member_loops(key, ctx);
        let m = &self.members[index];
        ctx.narration.push(format!(
            "group {}: static member {} (group.instance.id {}) rejoined within the session timeout: keeps {} \
             at generation {}, no rebalance",
            self.name,
            m.client_id,
            instance_id.unwrap_or_default(),
            ctx.partition_list(&m.assigned),
            m.generation
        ));
        if self.config.protocol == GroupProtocol::Classic && self.state == GroupState::PreparingRebalance {
            self.send_join_group(index, ctx);
        }
    }

    /// Close a consumer: auto-commit on close, then LeaveGroup; a static member closes without it.
    fn close_member(&mut self, index: usize, ctx: &mut GroupContext) {
        if self.members[index].process == Process::Running && self.members[index].in_group {
            let _ = self.commit_member(index, ctx);
        }
        let member = &mut self.members[index];
        let client = member.client_id.clone();
        if member.instance_id.is_some() && member.in_group {
            member.process = Process::Closed;
            member.heartbeating = false;
            ctx.narration.push(format!(
                "group {}: static member {client} closed without LeaveGroup; its partitions wait for it until the \
                 session expires",
                self.name
            ));
            return;
        }
        member.process = Process::Closed;
        if !member.in_group {
            self.members.remove(index);
            ctx.narration.push(format!("group {}: {client} closed", self.name));
            return;
        }
        self.remove_from_group(index, "left", format!("member {client} left (LeaveGroup)"), ctx);
    }

    fn make_stuck(&mut self, index: usize, ctx: &mut GroupContext) {
        let member = &mut self.members[index];
        member.process = Process::Stuck;
        ctx.narration.push(format!(
            "group {}: {} stopped calling poll(); it leaves after max.poll.interval.ms={}",
            self.name, member.client_id, self.config.max_poll_interval_ms
        ));
    }

    /// A stuck member polls again. If it was put out of the group meanwhile, its commit of what it
    /// processed is refused (Kafka's `CommitFailedException`) and it rejoins with a new member id.
    /// Simplification: Kafka's client resets its generation when it leaves and fails that commit
    /// locally; here the commit reaches the coordinator, which refuses it.
    fn resume(&mut self, index: usize, ctx: &mut GroupContext) -> Result<(), String> {
        let member = &mut self.members[index];
        if member.process != Process::Stuck {
            return Err(format!("member {} is not stuck", member.client_id));
        }
        member.process = Process::Running;
        member.last_poll = ctx.now;
        if member.in_group && member.heartbeating {
            ctx.narration.push(format!("group {}: {} polls again", self.name, member.client_id));
            return Ok(());
        }
        let _ = self.commit_member(index, ctx);
        let old = self.members.remove(index);
        if old.in_group {
            // A static member whose session has not expired yet: it left without LeaveGroup.
            self.detach_static_for_rejoin(old, ctx);
            return Ok(());
        }
        self.join_new(old.client_id, old.instance_id, ctx);
        Ok(())
    }

    /// A stuck static member that timed out its poll but is still in the group rejoins under its
    /// instance id: it takes its own place back, as a restarted static member would.
    fn detach_static_for_rejoin(&mut self, mut old: Member, ctx: &mut GroupContext) {
        old.process = Process::Closed;
        let client = old.client_id.clone();
        self.members.push(old);
        let index = self.members.len() - 1;
        self.replace_static_member(index, client, ctx);
    }

    /// Subscriptions of the in-group members `keys` as an assignor reads them, each claiming `owned`.
    fn subscriptions(
        &self,
        ctx: &GroupContext,
        keys: &[u64],
        owned: impl Fn(&Member) -> Vec<PartitionRef>,
        with_generation: bool,
    ) -> Vec<MemberSubscription> {
        let subscribed: Vec<String> = self.topics.iter().map(|t| ctx.topics[*t].0.to_string()).collect();
        keys.iter()
            .filter_map(|k| self.member(*k))
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                instance_id: m.instance_id.clone(),
                topics: subscribed.clone(),
                owned: owned(m)
                    .iter()
                    .map(|p| TopicPartition::new(ctx.topics[p.topic].0.to_string(), p.partition))
                    .collect(),
                generation: with_generation.then_some(m.generation).filter(|g| *g >= 0),
            })
            .collect()
    }

    /// Run the group's assignor over `subscriptions`; the result by member key.
    fn run_assignor(
        &self,
        ctx: &GroupContext,
        subscriptions: &[MemberSubscription],
    ) -> BTreeMap<u64, Vec<PartitionRef>> {
        let partitions_per_topic: BTreeMap<String, u32> =
            self.topics.iter().map(|t| (ctx.topics[*t].0.to_string(), ctx.topics[*t].1)).collect();
        let assignment = assignor::assign(self.config.assignor, subscriptions, &partitions_per_topic);
        let index_of = |name: &str| ctx.topics.iter().position(|(n, _)| **n == *name);
        self.members
            .iter()
            .filter_map(|m| {
                let partitions = assignment.get(&m.member_id)?;
                let refs = partitions
                    .iter()
                    .filter_map(|tp| Some(PartitionRef { topic: index_of(&tp.topic)?, partition: tp.partition }))
                    .collect();
                Some((m.key, refs))
            })
            .collect()
    }

    /// Keys of the members the coordinator counts.
    fn member_keys(&self) -> Vec<u64> {
        self.members.iter().filter(|m| m.in_group).map(|m| m.key).collect()
    }

    /// "client → [partitions]; …" for narration.
    fn assignment_summary(&self, ctx: &GroupContext) -> String {
        let parts: Vec<String> = self
            .members
            .iter()
            .filter(|m| m.in_group)
            .map(|m| format!("{} → {}", m.client_id, ctx.partition_list(&m.assigned)))
            .collect();
        parts.join("; ")
    }

    /// What member `m` is doing, in one word the view can style: "stable", "rejoining" (classic: a
    /// rebalance is under way for it; consumer protocol: it has not converged on its target), "stuck"
    /// (not calling `poll()`), "crashed", "closed" (a static member that closed and may come back),
    /// "left" (out of the group, see [`Group::member_detail`]) or "error" (`poll()` throws).
    pub fn member_state(&self, m: &Member) -> &'static str {
        match m.process {
            Process::Crashed => return "crashed",
            Process::Closed => return "closed",
            Process::Stuck if m.in_group && m.heartbeating => return "stuck",
            _ => {}
        }
        if !m.in_group || !m.heartbeating {
            return "left";
        }
        if m.error.is_some() {
            return "error";
        }
        let converging = match self.config.protocol {
            GroupProtocol::Classic => {
                self.state.is_rebalancing() || m.rejoin_needed || m.join_in_flight || m.awaiting_assignment
            }
            GroupProtocol::Consumer => !self.consumer_converged(m),
        };
        if converging { "rejoining" } else { "stable" }
    }

    /// Why a member is out of the group, or the exception its `poll()` throws.
    pub fn member_detail(&self, m: &Member) -> Option<String> {
        if let Some(error) = &m.error {
            return Some(error.clone());
        }
        (!m.in_group || !m.heartbeating).then(|| m.left_reason.unwrap_or("left").to_string())
    }

    /// The group as the view draws it.
    pub fn view(&self, topics: &[(Arc<str>, u32)], readable: &dyn Fn(PartitionRef) -> ReadableRange) -> GroupView {
        GroupView {
            name: self.name.clone(),
            state: self.state.name(),
            generation: self.generation,
            assignor: self.config.assignor.protocol_name(),
            protocol: self.config.protocol.name(),
            rebalance_protocol: self.config.handover_name(),
            rebalances: self.rebalances,
            assignment_epoch: match self.config.protocol {
                GroupProtocol::Classic => self.generation,
                GroupProtocol::Consumer => self.target_epoch,
            },
            session_timeout_ms: self.config.session_timeout_ms,
            max_poll_interval_ms: self.config.max_poll_interval_ms,
            auto_offset_reset: self.config.auto_offset_reset.name(),
            members: self.members.iter().map(|m| self.member_view(m, topics, readable)).collect(),
        }
    }

    fn member_view(
        &self,
        m: &Member,
        topics: &[(Arc<str>, u32)],
        readable: &dyn Fn(PartitionRef) -> ReadableRange,
    ) -> MemberView {
        let partitions: Vec<MemberPartitionView> = m
            .assigned
            .iter()
            .map(|p| {
                let hw = readable(*p).high_watermark;
                MemberPartitionView {
                    topic: topics[p.topic].0.clone(),
                    partition: p.partition,
                    position: m.positions.get(p).copied().unwrap_or(hw),
                    committed: self.committed.get(p).copied(),
                    lag: self.partition_lag(*p, hw),
                }
            })
            .collect();
        MemberView {
            member_id: m.member_id.clone(),
            client_id: m.client_id.clone(),
            lag: partitions.iter().map(|p| p.lag).sum(),
            partitions,
            key: m.key,
            instance_id: m.instance_id.clone(),
            state: self.member_state(m),
            detail: self.member_detail(m),
            idle: m.in_group && m.assigned.is_empty(),
            generation: m.generation,
            leader: self.config.protocol == GroupProtocol::Classic && self.leader == Some(m.key),
        }
    }
}
