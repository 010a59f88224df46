//! KIP-848 server-side `UniformAssignor` (`"uniform"`, kafka-reference §2.6): balance first, then
//! stickiness. Homogeneous groups (every member subscribes to the same topics) use
//! `UniformHomogeneousAssignmentBuilder`, here; others `UniformHeterogeneousAssignmentBuilder`
//! ([`super::uniform_heterogeneous`]).
//!
//! Members are taken in the order of the coordinator's member map (`groupSpec.memberIds()`, a Java
//! `HashMap` of member ids). Simplification: Kafka keys topics by topic id (a random UUID) and holds
//! partitions in `HashSet<Integer>`s; the simulator has no topic ids, so topics go by name and
//! partitions in ascending order (which is the `HashSet` order for partition numbers below its capacity).

use std::collections::{BTreeMap, BTreeSet};

use super::{Assignment, AssignorError, Group, Member, single_owner_claims, sort_each_member, uniform_heterogeneous};
use crate::engine::types::TopicPartition;

pub(crate) fn assign(group: &Group) -> Result<Assignment, AssignorError> {
    let members = group.in_hash_map_order();
    let current = single_owner_claims(&members);
    let subscriptions: Vec<BTreeSet<&str>> = members.iter().map(|m| existing_topics(group, m)).collect();
    let homogeneous = subscriptions.windows(2).all(|pair| pair[0] == pair[1]);
    let assignment = if homogeneous {
        let topics = subscriptions.first().cloned().unwrap_or_default();
        homogeneous_assignment(group, &members, &topics, &current)?
    } else {
        uniform_heterogeneous::build(group, &members, &current)
    };
    Ok(sort_each_member(assignment))
}

/// The member's subscribed topics that exist (topic names that resolve to no topic id are not part
/// of a KIP-848 subscription).
pub(crate) fn existing_topics<'a>(group: &Group, member: &'a Member) -> BTreeSet<&'a str> {
    member.topics.iter().filter(|t| group.partitions_per_topic.contains_key(*t)).map(String::as_str).collect()
}

/// `UniformHomogeneousAssignmentBuilder.build`: `total % members` members (the first ones in member
/// order) get one partition above `total / members`; each keeps its current partitions up to that
/// quota; the rest, unowned partitions first and then revoked ones, are dealt in contiguous runs.
fn homogeneous_assignment(
    group: &Group,
    members: &[&Member],
    topics: &BTreeSet<&str>,
    current: &BTreeMap<String, Vec<TopicPartition>>,
) -> Result<Assignment, AssignorError> {
    let mut assignment = group.empty_assignment();
    if topics.is_empty() {
        return Ok(assignment);
    }
    let owned_anywhere: BTreeSet<&TopicPartition> = current.values().flatten().collect();
    let subscribed_partitions: Vec<TopicPartition> =
        group.all_partitions().into_iter().filter(|p| topics.contains(p.topic.as_str())).collect();
    let mut unassigned: Vec<TopicPartition> =
        subscribed_partitions.iter().filter(|p| !owned_anywhere.contains(p)).cloned().collect();

    let member_count = members.len();
    let min_quota = subscribed_partitions.len() / member_count;
    let mut extra_quotas = subscribed_partitions.len() % member_count;
    let mut unfilled: Vec<(String, usize)> = Vec::new();
    for member in members {
        let mut quota = min_quota;
        if extra_quotas > 0 {
            quota += 1;
            extra_quotas -= 1;
        }
        let owned = current.get(&member.id).map_or(&[][..], Vec::as_slice);
        let (kept, revoked) = keep_within_quota(owned, topics, &mut quota);
        unassigned.extend(revoked);
        assignment.insert(member.id.clone(), kept);
        if quota > 0 {
            unfilled.push((member.id.clone(), quota));
        }
    }
    deal_contiguous_runs(&mut assignment, &unfilled, &unassigned)?;
    Ok(assignment)
}

/// `maybeRevokePartitions` for one member: topic by topic, a topic whose partitions all fit in the
/// remaining quota is kept whole, otherwise its first partitions are kept and the rest revoked.
/// Partitions of topics the member no longer subscribes to are dropped without being re-dealt.
fn keep_within_quota(
    owned: &[TopicPartition],
    topics: &BTreeSet<&str>,
    quota: &mut usize,
) -> (Vec<TopicPartition>, Vec<TopicPartition>) {
    let mut by_topic: BTreeMap<&str, Vec<&TopicPartition>> = BTreeMap::new();
    for partition in owned {
        by_topic.entry(partition.topic.as_str()).or_default().push(partition);
    }
    let mut kept = Vec::new();
    let mut revoked = Vec::new();
    for (topic, mut partitions) in by_topic {
        if !topics.contains(topic) {
            continue;
        }
        partitions.sort();
        if partitions.len() <= *quota {
            *quota -= partitions.len();
            kept.extend(partitions.into_iter().cloned());
            continue;
        }
        for partition in partitions {
            if *quota > 0 {
                *quota -= 1;
                kept.push(partition.clone());
            } else {
                revoked.push(partition.clone());
            }
        }
    }
    (kept, revoked)
}

/// `assignRemainingPartitions`: each unfilled member, in order, takes the next run of unassigned
/// partitions as long as its remaining quota.
fn deal_contiguous_runs(
    assignment: &mut Assignment,
    unfilled: &[(String, usize)],
    unassigned: &[TopicPartition],
) -> Result<(), AssignorError> {
    let mut next = 0usize;
    for (member, quota) in unfilled {
        let run_end = (next + quota).min(unassigned.len());
        assignment.entry(member.clone()).or_default().extend(unassigned[next..run_end].iter().cloned());
        next = run_end;
    }
    if next < unassigned.len() {
        return Err(AssignorError::PartitionsLeftUnassigned);
    }
    Ok(())
}
