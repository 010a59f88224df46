//! `AbstractStickyAssignor.ConstrainedAssignmentBuilder`: the sticky assignor when every member
//! subscribes to the same topics (kafka-reference §2.4, "Constrained path").
//!
//! With `total` partitions and `n` members each member ends with `minQuota = ⌊total/n⌋` or
//! `maxQuota = ⌈total/n⌉` partitions, exactly `total % n` of them with `maxQuota`. Members first keep
//! what they own up to their quota (in `HashMap` order, which decides who keeps a surplus), then the
//! remaining partitions are dealt round-robin to the members still short of their quota.
//!
//! Simplification: the rack-aware round-robin pass is not modelled (it only runs with consumer racks).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::java_hash_order::compare_strings;
use super::sticky::ResolvedClaims;
use super::{Assignment, AssignorError, Group, Member};
use crate::engine::types::TopicPartition;

/// The quotas every member is measured against.
struct Quotas {
    min: usize,
    max: usize,
    /// `expectedNumMembersWithOverMinQuotaPartitions`.
    expected_over_min: usize,
}

/// Working state of one constrained assignment.
struct ConstrainedBuilder {
    quotas: Quotas,
    /// `currentNumMembersWithOverMinQuotaPartitions`.
    over_min: usize,
    assignment: Assignment,
    /// Members that still need partitions to reach `minQuota`.
    under_min: Vec<String>,
    /// Members at `minQuota` that may still take one more.
    exactly_min: VecDeque<String>,
    /// Owned partitions a member had to give up because it owned more than its quota.
    revoked: BTreeSet<TopicPartition>,
    multiply_claimed: BTreeSet<TopicPartition>,
    transferring: BTreeMap<TopicPartition, String>,
}

/// Runs the constrained builder. `members` are in `HashMap` order. Returns the assignment and
/// `partitionsTransferringOwnership`.
pub(crate) fn build(
    group: &Group,
    members: &[&Member],
    claims: &ResolvedClaims,
) -> Result<(Assignment, BTreeMap<TopicPartition, String>), AssignorError> {
    let all_partitions = group.all_partitions();
    let mut builder = ConstrainedBuilder::new(group, all_partitions.len(), members.len(), claims);
    let kept = builder.assign_owned_partitions(members, &claims.owned);
    let unassigned: Vec<TopicPartition> = all_partitions.into_iter().filter(|p| !kept.contains(p)).collect();
    builder.under_min.sort_by(|a, b| compare_strings(a, b));
    builder.exactly_min.make_contiguous().sort_by(|a, b| compare_strings(a, b));
    builder.assign_round_robin(&unassigned)?;
    builder.verify_unfilled_members()?;
    Ok((builder.assignment, builder.transferring))
}

impl ConstrainedBuilder {
    fn new(group: &Group, total: usize, member_count: usize, claims: &ResolvedClaims) -> Self {
        let quotas = Quotas {
            min: total / member_count,
            max: total.div_ceil(member_count),
            expected_over_min: total % member_count,
        };
        Self {
            quotas,
            over_min: 0,
            assignment: group.empty_assignment(),
            under_min: Vec::new(),
            exactly_min: VecDeque::new(),
            revoked: BTreeSet::new(),
            multiply_claimed: claims.multiply_claimed.clone(),
            transferring: BTreeMap::new(),
        }
    }

    /// `assignOwnedPartitions`: each member keeps its owned partitions, sorted by partition number then
    /// topic, up to `maxQuota` while members above `minQuota` are still needed, else up to `minQuota`.
    /// Returns every partition kept.
    fn assign_owned_partitions(
        &mut self,
        members: &[&Member],
        owned: &BTreeMap<String, Vec<TopicPartition>>,
    ) -> BTreeSet<TopicPartition> {
        let mut kept_overall = BTreeSet::new();
        for member in members {
            let mut claimed: Vec<TopicPartition> = owned.get(&member.id).cloned().unwrap_or_default();
            claimed.sort_by(|a, b| a.partition.cmp(&b.partition).then_with(|| a.topic.cmp(&b.topic)));
            claimed.retain(|p| !self.multiply_claimed.contains(p));
            let keep = self.owned_partitions_to_keep(&member.id, claimed.len());
            let (kept, surplus) = claimed.split_at(keep.min(claimed.len()));
            self.revoked.extend(surplus.iter().cloned());
            kept_overall.extend(kept.iter().cloned());
            self.assignment.entry(member.id.clone()).or_default().extend(kept.iter().cloned());
        }
        kept_overall
    }

    /// How many of `owned_count` owned partitions `member` keeps, filing it as under or exactly at
    /// `minQuota` on the way.
    fn owned_partitions_to_keep(&mut self, member: &str, owned_count: usize) -> usize {
        if owned_count < self.quotas.min {
            self.under_min.push(member.to_string());
            owned_count
        } else if owned_count >= self.quotas.max && self.over_min < self.quotas.expected_over_min {
            self.over_min += 1;
            if self.over_min == self.quotas.expected_over_min {
                self.exactly_min.clear();
            }
            self.quotas.max
        } else {
            if self.over_min < self.quotas.expected_over_min {
                self.exactly_min.push_back(member.to_string());
            }
            self.quotas.min
        }
    }

    /// `assignRoundRobin`: deals the unassigned partitions (topic, then partition order) round-robin
    /// over the members under `minQuota` (sorted by id); once none is left, each further partition goes
    /// to the head of the "exactly `minQuota`" queue.
    fn assign_round_robin(&mut self, unassigned: &[TopicPartition]) -> Result<(), AssignorError> {
        let mut cursor = 0usize;
        for partition in unassigned {
            let (member, from_under_min) = if cursor < self.under_min.len() {
                cursor += 1;
                (self.under_min[cursor - 1].clone(), true)
            } else if self.under_min.is_empty() {
                match self.exactly_min.pop_front() {
                    Some(member) => (member, false),
                    None => return Err(AssignorError::NoMoreUnfilledConsumers),
                }
            } else {
                cursor = 1;
                (self.under_min[0].clone(), true)
            };
            let count = self.assign_new_partition(partition, &member);
            if count == self.quotas.min && from_under_min {
                cursor -= 1;
                self.under_min.remove(cursor);
                self.exactly_min.push_back(member);
            } else if count == self.quotas.max {
                self.over_min += 1;
            }
        }
        Ok(())
    }

    /// `assignNewPartition`: records a hand-over when the partition was revoked from, or invalidated
    /// for, its previous owner. Returns the member's new partition count.
    fn assign_new_partition(&mut self, partition: &TopicPartition, member: &str) -> usize {
        if self.revoked.contains(partition) || self.multiply_claimed.contains(partition) {
            self.transferring.insert(partition.clone(), member.to_string());
        }
        let list = self.assignment.entry(member.to_string()).or_default();
        list.push(partition.clone());
        list.len()
    }

    /// `verifyUnfilledMembers`: members still under `minQuota` are only acceptable when they reached it
    /// and every `maxQuota` slot is taken.
    fn verify_unfilled_members(&self) -> Result<(), AssignorError> {
        if self.under_min.is_empty() {
            return Ok(());
        }
        if self.over_min != self.quotas.expected_over_min {
            return Err(AssignorError::MaxQuotaMembersNotReached);
        }
        for member in &self.under_min {
            let count = self.assignment.get(member).map_or(0, Vec::len);
            if count != self.quotas.min {
                return Err(AssignorError::ConsumerBelowMinQuota(member.clone()));
            }
        }
        Ok(())
    }
}
