//! A consumer group: its members, their assignment (computed by Kafka's assignors), their positions,
//! the group's committed offsets, and lag as Kafka's tools report it (HW − committed offset, §4.4).
//!
//! The group owns its events (`GroupEvent`) and commands (`GroupCommand`): the engine only routes them
//! here with a `GroupContext` (what the group may read of the cluster) and carries out what the group
//! asks for in return (events to schedule, fetches to draw, narration).

use std::collections::BTreeMap;

use super::assignor::{self, AssignorKind, MemberSubscription};
use super::events::PartitionRef;
use super::rng::RandomSource;
use super::types::{Millis, Offset, TopicPartition};

/// Kafka's `max.poll.records` default: the most records one poll returns.
pub const MAX_POLL_RECORDS: u64 = 500;
/// How often a member's poll loop runs, in virtual ms.
pub const POLL_INTERVAL_MS: Millis = 100;

/// Classic-protocol group states (kafka-reference.md §5.1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
}

impl GroupState {
    pub fn name(&self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Member {
    /// Stable handle the engine's events use to address this member.
    pub key: u64,
    /// Coordinator-generated id: `client.id` + "-" + a UUID (as Kafka generates it).
    pub member_id: String,
    pub client_id: String,
    pub instance_id: Option<String>,
    pub assigned: Vec<PartitionRef>,
    /// Next offset to read, per assigned partition.
    pub positions: BTreeMap<PartitionRef, Offset>,
    /// Processing capacity owed from earlier polls, in records.
    credit: f64,
    /// Which assigned partition the next poll starts from, so no partition starves.
    rotation: usize,
}

/// The records one poll read from one partition.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fetched {
    pub partition: PartitionRef,
    pub records: u64,
}

/// What the group needs to know about a partition to read it: its high watermark and log start offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadableRange {
    pub log_start: Offset,
    pub high_watermark: Offset,
}

#[derive(Debug)]
pub struct Group {
    pub name: String,
    pub topics: Vec<usize>,
    pub members: Vec<Member>,
    pub generation: i32,
    pub state: GroupState,
    pub assignor: AssignorKind,
    pub committed: BTreeMap<PartitionRef, Offset>,
    pub records_per_sec: f64,
    pub auto_commit_interval_ms: Millis,
    next_member_key: u64,
}

/// Something that happens to a group at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupEvent {
    /// A member polls its assigned partitions.
    Poll { member: u64 },
    /// A member's auto-commit timer fires.
    AutoCommit { member: u64 },
}

impl GroupEvent {
    /// Fixed-width words identifying the event, for the engine's history digest.
    pub fn digest_words(&self) -> [u64; 2] {
        match *self {
            GroupEvent::Poll { member } => [1, member],
            GroupEvent::AutoCommit { member } => [2, member],
        }
    }
}

/// A user action on a group.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupCommand {
    /// Set every member's processing rate, in records per virtual second.
    SetProcessingRate { records_per_sec_millis: u64 },
}

/// What a group may read of the cluster during one call, and what it asks the engine to do.
pub struct GroupContext<'a> {
    pub now: Millis,
    pub rng: &'a mut dyn RandomSource,
    /// Name and partition count of every topic, by topic index.
    pub topics: &'a [(String, u32)],
    pub readable: &'a dyn Fn(PartitionRef) -> ReadableRange,
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
        topics: &'a [(String, u32)],
        readable: &'a dyn Fn(PartitionRef) -> ReadableRange,
    ) -> Self {
        GroupContext {
            now,
            rng,
            topics,
            readable,
            schedule: Vec::new(),
            fetched: Vec::new(),
            narration: Vec::new(),
            visible_change: false,
        }
    }
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

impl Group {
    pub fn new(name: String, topics: Vec<usize>, records_per_sec: f64, auto_commit_interval_ms: Millis) -> Self {
        Group {
            name,
            topics,
            members: Vec::new(),
            generation: 0,
            state: GroupState::Empty,
            assignor: AssignorKind::Range,
            committed: BTreeMap::new(),
            records_per_sec,
            auto_commit_interval_ms,
            next_member_key: 0,
        }
    }

    /// Add a member with a coordinator-style member id. Returns its key.
    pub fn add_member(&mut self, client_id: String, instance_id: Option<String>, rng: &mut dyn RandomSource) -> u64 {
        let key = self.next_member_key;
        self.next_member_key += 1;
        let prefix = instance_id.as_deref().unwrap_or(&client_id);
        let member_id = format!("{prefix}-{}", random_uuid(rng));
        self.members.push(Member {
            key,
            member_id,
            client_id,
            instance_id,
            assigned: Vec::new(),
            positions: BTreeMap::new(),
            credit: 0.0,
            rotation: 0,
        });
        key
    }

    pub fn member(&self, key: u64) -> Option<&Member> {
        self.members.iter().find(|m| m.key == key)
    }

    /// Complete a rebalance: run the assignor over the members' subscriptions, start a new generation,
    /// and position each member on its partitions (committed offset, else `auto.offset.reset=latest`: the HW).
    /// `topics` gives the name and partition count of every topic, by index.
    fn rebalance(&mut self, topics: &[(String, u32)], readable: &dyn Fn(PartitionRef) -> ReadableRange) {
        let subscribed: Vec<String> = self.topics.iter().map(|t| topics[*t].0.clone()).collect();
        let subscriptions: Vec<MemberSubscription> = self
            .members
            .iter()
            .map(|m| MemberSubscription {
                member_id: m.member_id.clone(),
                instance_id: m.instance_id.clone(),
                topics: subscribed.clone(),
                owned: m.assigned.iter().map(|p| TopicPartition::new(topics[p.topic].0.clone(), p.partition)).collect(),
                generation: Some(self.generation),
            })
            .collect();
        let partitions_per_topic: BTreeMap<String, u32> = self.topics.iter().map(|t| topics[*t].clone()).collect();
        let assignment = assignor::assign(self.assignor, &subscriptions, &partitions_per_topic);
        let index_of = |name: &str| topics.iter().position(|(n, _)| n == name);
        self.generation += 1;
        self.state = if self.members.is_empty() { GroupState::Empty } else { GroupState::Stable };
        for member in &mut self.members {
            let assigned: Vec<PartitionRef> = assignment
                .get(&member.member_id)
                .into_iter()
                .flatten()
                .filter_map(|tp| Some(PartitionRef { topic: index_of(&tp.topic)?, partition: tp.partition }))
                .collect();
            member.positions = assigned
                .iter()
                .map(|p| (*p, self.committed.get(p).copied().unwrap_or_else(|| readable(*p).high_watermark)))
                .collect();
            member.assigned = assigned;
            member.rotation = 0;
        }
    }

    /// One poll by member `key` after `elapsed_ms`: read up to its processing capacity (and at most
    /// max.poll.records) from its partitions, below each partition's high watermark.
    fn poll(&mut self, key: u64, elapsed_ms: Millis, readable: impl Fn(PartitionRef) -> ReadableRange) -> Vec<Fetched> {
        let rate = self.records_per_sec;
        let Some(member) = self.members.iter_mut().find(|m| m.key == key) else { return Vec::new() };
        if member.assigned.is_empty() {
            return Vec::new();
        }
        // Processing capacity does not bank up while idle beyond one poll's worth.
        let per_poll = rate * elapsed_ms as f64 / 1_000.0;
        member.credit = (member.credit + per_poll).min(per_poll.max(1.0));
        let mut budget = (member.credit.floor() as u64).min(MAX_POLL_RECORDS);
        let mut fetched = Vec::new();
        let n = member.assigned.len();
        for i in 0..n {
            if budget == 0 {
                break;
            }
            let p = member.assigned[(member.rotation + i) % n];
            let range = readable(p);
            let position = member.positions.entry(p).or_insert(range.high_watermark);
            // auto.offset.reset=latest when the position fell out of range (e.g. below the log start after retention).
            if *position < range.log_start || *position > range.high_watermark {
                *position = range.high_watermark;
            }
            let take = (range.high_watermark - *position).min(budget);
            if take > 0 {
                *position += take;
                budget -= take;
                member.credit -= take as f64;
                fetched.push(Fetched { partition: p, records: take });
            }
        }
        member.rotation = (member.rotation + 1) % n;
        fetched
    }

    /// Auto-commit: the member's current positions become the group's committed offsets.
    pub fn commit(&mut self, key: u64) -> bool {
        let Some(member) = self.members.iter().find(|m| m.key == key) else { return false };
        let mut changed = false;
        for (p, position) in &member.positions {
            if self.committed.insert(*p, *position) != Some(*position) {
                changed = true;
            }
        }
        changed
    }

    /// The group as the scenario starts it: its members have joined and the first generation is Stable.
    pub fn start(&mut self, ctx: &mut GroupContext) {
        self.complete_rebalance(ctx);
    }

    /// Run the assignor, narrate the outcome, and start every member's poll and commit loops.
    fn complete_rebalance(&mut self, ctx: &mut GroupContext) {
        self.rebalance(ctx.topics, ctx.readable);
        let summary: Vec<String> = self
            .members
            .iter()
            .map(|m| {
                let parts: Vec<String> =
                    m.assigned.iter().map(|p| format!("{}-{}", ctx.topics[p.topic].0, p.partition)).collect();
                format!("{} → [{}]", m.client_id, parts.join(", "))
            })
            .collect();
        ctx.narration.push(format!(
            "group {} generation {} ({}): {}",
            self.name,
            self.generation,
            self.assignor.protocol_name(),
            summary.join("; ")
        ));
        ctx.visible_change = true;
        for member in self.members.iter().map(|m| m.key) {
            ctx.schedule.push((ctx.now + POLL_INTERVAL_MS, GroupEvent::Poll { member }));
            ctx.schedule.push((ctx.now + self.auto_commit_interval_ms, GroupEvent::AutoCommit { member }));
        }
    }

    /// Handle one of the group's own events.
    pub fn handle(&mut self, event: GroupEvent, ctx: &mut GroupContext) {
        match event {
            GroupEvent::Poll { member } => {
                if self.member(member).is_none() {
                    return;
                }
                let fetched = self.poll(member, POLL_INTERVAL_MS, ctx.readable);
                let member_id = self.member(member).map(|m| m.member_id.clone()).unwrap_or_default();
                ctx.visible_change |= !fetched.is_empty();
                ctx.fetched.extend(fetched.into_iter().map(|f| (member_id.clone(), f)));
                ctx.schedule.push((ctx.now + POLL_INTERVAL_MS, GroupEvent::Poll { member }));
            }
            GroupEvent::AutoCommit { member } => {
                if self.member(member).is_none() {
                    return;
                }
                ctx.visible_change |= self.commit(member);
                ctx.schedule.push((ctx.now + self.auto_commit_interval_ms, GroupEvent::AutoCommit { member }));
            }
        }
    }

    /// Carry out a user action on the group.
    pub fn apply(&mut self, command: GroupCommand, ctx: &mut GroupContext) {
        match command {
            GroupCommand::SetProcessingRate { records_per_sec_millis } => {
                self.records_per_sec = records_per_sec_millis as f64 / 1_000.0;
                ctx.narration
                    .push(format!("group {}: processing rate set to {}/s per member", self.name, self.records_per_sec));
            }
        }
    }

    /// Lag of one partition as `kafka-consumer-groups --describe` reports it: HW − committed offset.
    /// Before the first commit, the consumer's own `records-lag` (HW − position) stands in.
    pub fn partition_lag(&self, p: PartitionRef, high_watermark: Offset) -> u64 {
        let owner_position = self.members.iter().find_map(|m| m.positions.get(&p).copied());
        let reference = self.committed.get(&p).copied().or(owner_position).unwrap_or(high_watermark);
        high_watermark.saturating_sub(reference)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimRng;

    #[test]
    fn member_ids_are_client_id_then_uuid() {
        let mut group = Group::new("g".into(), vec![0], 1.0, 1000);
        let mut rng = SimRng::new(3);
        group.add_member("consumer-g-1".into(), None, &mut rng);
        let id = &group.members[0].member_id;
        let uuid = id.strip_prefix("consumer-g-1-").expect("prefix is the client id");
        let parts: Vec<usize> = uuid.split('-').map(str::len).collect();
        assert_eq!(parts, vec![8, 4, 4, 4, 12]);
        assert_eq!(uuid.as_bytes()[14], b'4', "version nibble");
    }
}
