//! Kafka's test vectors for the assignors (kafka-reference §2.3–§2.6) and property tests.

mod client_vectors;
mod properties;
mod server_vectors;
mod sticky_vectors;

use std::collections::{BTreeMap, BTreeSet};

use super::{Assignment, AssignorKind, MemberSubscription, try_assign};
use crate::engine::types::TopicPartition;

/// Every assignor kind, in declaration order.
pub(super) const ALL_KINDS: [AssignorKind; 6] = [
    AssignorKind::Range,
    AssignorKind::RoundRobin,
    AssignorKind::Sticky,
    AssignorKind::CooperativeSticky,
    AssignorKind::Uniform,
    AssignorKind::ServerRange,
];

/// `(topic, partition)` as written in the reference tables.
pub(super) type Tp = (&'static str, u32);

pub(super) fn tp((topic, partition): Tp) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

pub(super) fn tps(list: &[Tp]) -> Vec<TopicPartition> {
    list.iter().copied().map(tp).collect()
}

pub(super) fn topic_map(topics: &[(&str, u32)]) -> BTreeMap<String, u32> {
    topics.iter().map(|(name, count)| (name.to_string(), *count)).collect()
}

/// A dynamic member subscribing to `topics`, owning nothing.
pub(super) fn member(id: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription {
        member_id: id.to_string(),
        topics: topics.iter().map(|t| t.to_string()).collect(),
        ..MemberSubscription::default()
    }
}

/// A member with `group.instance.id` set.
pub(super) fn static_member(id: &str, instance: &str, topics: &[&str]) -> MemberSubscription {
    MemberSubscription { instance_id: Some(instance.to_string()), ..member(id, topics) }
}

/// A member claiming `owned` in `generation`.
pub(super) fn owning(id: &str, topics: &[&str], owned: &[Tp], generation: i32) -> MemberSubscription {
    MemberSubscription { owned: tps(owned), generation: Some(generation), ..member(id, topics) }
}

/// Runs `kind` through [`try_assign`], failing the test on an assignor error.
pub(super) fn run(kind: AssignorKind, members: &[MemberSubscription], topics: &BTreeMap<String, u32>) -> Assignment {
    match try_assign(kind, members, topics) {
        Ok(assignment) => assignment,
        Err(error) => panic!("{kind:?} failed: {error}"),
    }
}

/// The partitions of `member` as a set (for Kafka tests that compare sets).
pub(super) fn set_of(assignment: &Assignment, member: &str) -> BTreeSet<TopicPartition> {
    assignment.get(member).map(|l| l.iter().cloned().collect()).unwrap_or_default()
}

/// The next generation's subscriptions: every member now owns what `assignment` gave it.
pub(super) fn after_rebalance(
    members: &[MemberSubscription],
    assignment: &Assignment,
    generation: i32,
) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|m| MemberSubscription {
            owned: assignment.get(&m.member_id).cloned().unwrap_or_default(),
            generation: Some(generation),
            ..m.clone()
        })
        .collect()
}

/// §2.4 rule 2 (`AbstractStickyAssignorTest.verifyValidityAndBalance`): whenever two members' counts
/// differ by two or more, the fuller one holds nothing the emptier one could take. Returns the first
/// offending pair.
pub(super) fn balance_violation(members: &[MemberSubscription], assignment: &Assignment) -> Option<(String, String)> {
    for heavy in members {
        for light in members {
            let heavy_list = assignment.get(&heavy.member_id).map_or(&[][..], Vec::as_slice);
            let light_count = assignment.get(&light.member_id).map_or(0, Vec::len);
            if heavy_list.len() < light_count + 2 {
                continue;
            }
            if heavy_list.iter().any(|p| light.topics.contains(&p.topic)) {
                return Some((heavy.member_id.clone(), light.member_id.clone()));
            }
        }
    }
    None
}
