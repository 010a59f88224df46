//! Kafka's consumer-group partition assignors (kafka-reference §2), behind one entry point.
//!
//! Client side (classic protocol, the group leader computes the assignment): `range`, `roundrobin`,
//! `sticky`, `cooperative-sticky` (`clients/…/consumer/{RangeAssignor,RoundRobinAssignor,StickyAssignor,
//! CooperativeStickyAssignor}.java`, `internals/AbstractStickyAssignor.java`).
//! Server side (KIP-848, the group coordinator computes the target assignment): `uniform` and `range`
//! (`group-coordinator/…/assignor/{UniformHomogeneousAssignmentBuilder,UniformHeterogeneousAssignmentBuilder,
//! RangeAssignor}.java`).
//!
//! Every function here is pure and deterministic: where Kafka's answer depends on Java `HashMap`
//! iteration order, [`java_hash_order`] reproduces that order instead of leaving it to chance.

mod cooperative;
pub mod java_hash_order;
mod range;
mod round_robin;
mod server_range;
mod sticky;
mod sticky_constrained;
mod sticky_general;
mod uniform;
mod uniform_heterogeneous;

#[cfg(test)]
mod tests;

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::engine::types::TopicPartition;

/// Which assignor computes the group's assignment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AssignorKind {
    /// Client `RangeAssignor`: contiguous ranges per topic.
    Range,
    /// Client `RoundRobinAssignor`: all partitions dealt round-robin over the sorted members.
    RoundRobin,
    /// Client `StickyAssignor` (EAGER): balanced, then keeps previous ownership.
    Sticky,
    /// Client `CooperativeStickyAssignor`: sticky, withholding partitions that change owner this round.
    CooperativeSticky,
    /// KIP-848 server `UniformAssignor`: balance first, then stickiness.
    Uniform,
    /// KIP-848 server `RangeAssignor`: per-topic ranges that keep what members already hold.
    ServerRange,
}

impl AssignorKind {
    /// The name the assignor registers under (`ConsumerPartitionAssignor.name()`); both range
    /// assignors are called `"range"`, on the client and on the broker.
    pub fn protocol_name(&self) -> &'static str {
        match self {
            AssignorKind::Range | AssignorKind::ServerRange => "range",
            AssignorKind::RoundRobin => "roundrobin",
            AssignorKind::Sticky => "sticky",
            AssignorKind::CooperativeSticky => "cooperative-sticky",
            AssignorKind::Uniform => "uniform",
        }
    }

    /// Whether `supportedProtocols()` includes COOPERATIVE (§2.0: only CooperativeSticky on the
    /// client side). Server-side assignors are always incremental, which KIP-848 handles by
    /// revoking before assigning, so they do not take part in the classic protocol vote.
    pub fn supports_cooperative(&self) -> bool {
        matches!(self, AssignorKind::CooperativeSticky)
    }

    /// Whether the group coordinator runs it (KIP-848 `group.protocol=consumer`).
    pub fn is_server_side(&self) -> bool {
        matches!(self, AssignorKind::Uniform | AssignorKind::ServerRange)
    }
}

/// One member's subscription as the assignor sees it.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct MemberSubscription {
    pub member_id: String,
    /// `group.instance.id` (static membership).
    pub instance_id: Option<String>,
    /// Subscribed topic names (treated as a set, as the consumer builds them from one).
    pub topics: Vec<String>,
    /// `ownedPartitions` claimed in the subscription (server side: the member's current assignment).
    pub owned: Vec<TopicPartition>,
    /// Generation of that claim (sticky rules, §2.4 rule 4); `None` means no generation was sent.
    pub generation: Option<i32>,
}

/// Member id → assigned partitions. Every member of the group is present, idle ones with an empty list.
pub type Assignment = BTreeMap<String, Vec<TopicPartition>>;

/// Why an assignment could not be computed. Except for duplicate members (impossible in a real group,
/// whose members are map keys) these are Kafka's own `IllegalStateException` /
/// `PartitionAssignorException` messages, kept for inputs that break the algorithms' invariants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignorError {
    /// The same member id appears twice in the input.
    DuplicateMember(String),
    /// `ConstrainedAssignmentBuilder.assignRoundRobin`.
    NoMoreUnfilledConsumers,
    /// `ConstrainedAssignmentBuilder.verifyUnfilledMembers`, first check.
    MaxQuotaMembersNotReached,
    /// `ConstrainedAssignmentBuilder.verifyUnfilledMembers`, second check.
    ConsumerBelowMinQuota(String),
    /// `UniformHomogeneousAssignmentBuilder.assignRemainingPartitions`.
    PartitionsLeftUnassigned,
}

impl fmt::Display for AssignorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignorError::DuplicateMember(id) => {
                write!(f, "Member {id} appears more than once in the group")
            }
            AssignorError::NoMoreUnfilledConsumers => {
                write!(f, "No more unfilled consumers to be assigned.")
            }
            AssignorError::MaxQuotaMembersNotReached => write!(
                f,
                "We haven't reached the expected number of members with more than the minQuota partitions, \
                 but no more partitions to be assigned"
            ),
            AssignorError::ConsumerBelowMinQuota(id) => {
                write!(f, "Consumer: [{id}] doesn't reach minQuota partitions, and no more partitions to be assigned")
            }
            AssignorError::PartitionsLeftUnassigned => write!(f, "Partitions were left unassigned"),
        }
    }
}

impl std::error::Error for AssignorError {}

/// Computes the assignment `kind` gives `members` over the topics in `partitions_per_topic`.
///
/// As `AbstractPartitionAssignor.assign` does, only topics that some member subscribes to and that
/// exist with at least one partition take part (§2.0); owned partitions of other topics, or beyond a
/// topic's partition count, are dropped before the assignor runs.
///
/// Never fails: a member id given twice keeps its last subscription (as the leader's
/// `HashMap<String, Subscription>` would), and should an assignor hit one of Kafka's internal
/// invariant failures (see [`AssignorError`]) the group falls back to the range assignment, which
/// is always valid. Simplification: in Kafka that rebalance would fail with the exception instead;
/// use [`try_assign`] to see it.
pub fn assign(
    kind: AssignorKind,
    members: &[MemberSubscription],
    partitions_per_topic: &BTreeMap<String, u32>,
) -> Assignment {
    let members = last_subscription_per_member(members);
    try_assign(kind, &members, partitions_per_topic).unwrap_or_else(|_| {
        Group::new(&members, partitions_per_topic).map(|group| range::assign(&group)).unwrap_or_default()
    })
}

/// [`assign`], reporting duplicate member ids and Kafka's invariant failures instead of recovering.
pub fn try_assign(
    kind: AssignorKind,
    members: &[MemberSubscription],
    partitions_per_topic: &BTreeMap<String, u32>,
) -> Result<Assignment, AssignorError> {
    let group = Group::new(members, partitions_per_topic)?;
    if group.members.is_empty() {
        return Ok(Assignment::new());
    }
    match kind {
        AssignorKind::Range => Ok(range::assign(&group)),
        AssignorKind::RoundRobin => Ok(round_robin::assign(&group)),
        AssignorKind::Sticky => Ok(sticky::assign(&group)?.assignment),
        AssignorKind::CooperativeSticky => cooperative::assign(&group),
        AssignorKind::Uniform => uniform::assign(&group),
        AssignorKind::ServerRange => Ok(server_range::assign(&group)),
    }
}

/// One subscription per member id: the last one given, at the place the id first appeared
/// (`HashMap.put` replaces the value and keeps the entry).
fn last_subscription_per_member(members: &[MemberSubscription]) -> Vec<MemberSubscription> {
    let mut unique: Vec<MemberSubscription> = Vec::with_capacity(members.len());
    for member in members {
        match unique.iter_mut().find(|m| m.member_id == member.member_id) {
            Some(existing) => *existing = member.clone(),
            None => unique.push(member.clone()),
        }
    }
    unique
}

/// A member after input clean-up: subscription as a set, owned partitions de-duplicated and limited to
/// partitions that exist in the group's topics.
#[derive(Clone, Debug)]
pub(crate) struct Member {
    pub id: String,
    pub instance_id: Option<String>,
    pub topics: BTreeSet<String>,
    pub owned: Vec<TopicPartition>,
    pub generation: Option<i32>,
}

impl Member {
    pub fn subscribes(&self, topic: &str) -> bool {
        self.topics.contains(topic)
    }
}

/// The group as every assignor receives it.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    /// Members in input order (the order the coordinator handed the subscriptions over).
    pub members: Vec<Member>,
    /// Subscribed topics that exist with at least one partition.
    pub partitions_per_topic: BTreeMap<String, u32>,
}

impl Group {
    fn new(
        members: &[MemberSubscription],
        partitions_per_topic: &BTreeMap<String, u32>,
    ) -> Result<Self, AssignorError> {
        let mut seen = BTreeSet::new();
        for member in members {
            if !seen.insert(member.member_id.as_str()) {
                return Err(AssignorError::DuplicateMember(member.member_id.clone()));
            }
        }
        let subscribed: BTreeSet<&str> = members.iter().flat_map(|m| m.topics.iter().map(String::as_str)).collect();
        let partitions_per_topic: BTreeMap<String, u32> = partitions_per_topic
            .iter()
            .filter(|(topic, count)| **count > 0 && subscribed.contains(topic.as_str()))
            .map(|(topic, count)| (topic.clone(), *count))
            .collect();
        let members = members
            .iter()
            .map(|m| Member {
                id: m.member_id.clone(),
                instance_id: m.instance_id.clone(),
                topics: m.topics.iter().cloned().collect(),
                owned: existing_unique_partitions(&m.owned, &partitions_per_topic),
                generation: m.generation,
            })
            .collect();
        Ok(Self { members, partitions_per_topic })
    }

    /// §2.0 order (`AbstractPartitionAssignor.MemberInfo.compareTo`): static members first by
    /// `group.instance.id`, then dynamic members by member id, both with Java's `String.compareTo`.
    pub fn in_member_order(&self) -> Vec<&Member> {
        let mut ordered: Vec<&Member> = self.members.iter().collect();
        ordered.sort_by(|a, b| member_info_order(a, b));
        ordered
    }

    /// The order a default `HashMap<String, Subscription>` filled in input order iterates the members.
    pub fn in_hash_map_order(&self) -> Vec<&Member> {
        let ids: Vec<&str> = self.members.iter().map(|m| m.id.as_str()).collect();
        java_hash_order::hash_map_order_of_strings(&ids).into_iter().map(|index| &self.members[index]).collect()
    }

    /// An assignment with every member present and nothing assigned.
    pub fn empty_assignment(&self) -> Assignment {
        self.members.iter().map(|m| (m.id.clone(), Vec::new())).collect()
    }

    /// The number of partitions of `topic` (0 if it takes no part).
    pub fn partition_count(&self, topic: &str) -> u32 {
        self.partitions_per_topic.get(topic).copied().unwrap_or(0)
    }

    /// All partitions of all topics, by topic name then partition number.
    pub fn all_partitions(&self) -> Vec<TopicPartition> {
        self.partitions_per_topic
            .iter()
            .flat_map(|(topic, count)| (0..*count).map(move |p| TopicPartition::new(topic.clone(), p)))
            .collect()
    }
}

/// `MemberInfo.compareTo`.
fn member_info_order(a: &Member, b: &Member) -> Ordering {
    match (&a.instance_id, &b.instance_id) {
        (Some(x), Some(y)) => java_hash_order::compare_strings(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => java_hash_order::compare_strings(&a.id, &b.id),
    }
}

fn existing_unique_partitions(
    owned: &[TopicPartition],
    partitions_per_topic: &BTreeMap<String, u32>,
) -> Vec<TopicPartition> {
    let mut seen = BTreeSet::new();
    owned
        .iter()
        .filter(|tp| partitions_per_topic.get(&tp.topic).is_some_and(|count| tp.partition < *count))
        .filter(|tp| seen.insert((*tp).clone()))
        .cloned()
        .collect()
}

/// Sorts every member's list by topic then partition: for assignors whose Kafka result is a set
/// (server side) or whose order Kafka's tests do not check.
pub(crate) fn sort_each_member(mut assignment: Assignment) -> Assignment {
    for partitions in assignment.values_mut() {
        partitions.sort();
    }
    assignment
}

/// The current assignment of each member for the server-side assignors, with any partition claimed by
/// two members left only with the first of them in `members` order.
///
/// Simplification: a KIP-848 coordinator's current assignment never gives a partition to two members,
/// so Kafka has no rule for it; the simulator's input could, and this keeps the result valid.
pub(crate) fn single_owner_claims(members: &[&Member]) -> BTreeMap<String, Vec<TopicPartition>> {
    let mut taken = BTreeSet::new();
    members
        .iter()
        .map(|member| {
            let owned = member.owned.iter().filter(|p| taken.insert((*p).clone())).cloned().collect();
            (member.id.clone(), owned)
        })
        .collect()
}
