//! KIP-848 server-side `RangeAssignor` (`"range"` in `group.consumer.assignors`, kafka-reference §2.6).
//!
//! Per topic, like the client range assignor: `q = n / subscribers`, the first `n % subscribers`
//! members get `q + 1`. Unlike it, the broker's version is sticky: each subscriber first keeps its
//! lowest-numbered current partitions of the topic up to `q` (or `q + 1` while extra slots remain),
//! and the remaining partitions are then handed out in ascending contiguous runs. With no current
//! assignment this is exactly the client's range layout, so homogeneous groups get identical ranges
//! for every topic (co-partitioning).
//!
//! Note: kafka-reference §2.6 says this snapshot keeps no memory of the previous assignment, but
//! `group-coordinator/…/assignor/RangeAssignor.java` retains current partitions as described above;
//! the two agree whenever members own nothing yet.
//!
//! Simplification: Kafka walks `groupSpec.memberIds()`, a hash map of random member UUIDs; the
//! simulator uses the §2.0 order (static members by instance id, then member ids) the reference gives.

use super::{Assignment, Group, Member, single_owner_claims, sort_each_member};
use crate::engine::types::TopicPartition;

pub(crate) fn assign(group: &Group) -> Assignment {
    let members = group.in_member_order();
    let current = single_owner_claims(&members);
    let mut assignment = group.empty_assignment();
    for (topic, count) in &group.partitions_per_topic {
        let subscribers: Vec<&Member> = members.iter().copied().filter(|m| m.subscribes(topic)).collect();
        let current_of = |member: &Member| -> Vec<u32> {
            let mut held: Vec<u32> = current
                .get(&member.id)
                .map(|owned| owned.iter().filter(|p| &p.topic == topic).map(|p| p.partition).collect())
                .unwrap_or_default();
            held.sort_unstable();
            held
        };
        let holdings: Vec<Vec<u32>> = subscribers.iter().map(|m| current_of(m)).collect();
        for (index, partitions) in assign_topic(*count, &holdings).into_iter().enumerate() {
            let list = assignment.entry(subscribers[index].id.clone()).or_default();
            list.extend(partitions.into_iter().map(|p| TopicPartition::new(topic.clone(), p)));
        }
    }
    sort_each_member(assignment)
}

/// One topic of `partition_count` partitions over subscribers currently holding `holdings` (each
/// sorted ascending, no partition held twice). Returns each subscriber's partitions.
fn assign_topic(partition_count: u32, holdings: &[Vec<u32>]) -> Vec<Vec<u32>> {
    let subscriber_count = holdings.len();
    if subscriber_count == 0 {
        return Vec::new();
    }
    let min_quota = partition_count as usize / subscriber_count;
    let mut extra_slots = partition_count as usize % subscriber_count;
    let mut result: Vec<Vec<u32>> = vec![Vec::new(); subscriber_count];
    // (subscriber, partitions still needed to reach the minimum quota; negative when above it)
    let mut potentially_unfilled: Vec<(usize, i64)> = Vec::new();
    for (index, held) in holdings.iter().enumerate() {
        result[index].extend(held.iter().take(min_quota));
        let remaining = min_quota as i64 - held.len() as i64;
        if remaining < 0 && extra_slots > 0 {
            extra_slots -= 1;
            result[index].push(held[min_quota]);
        } else {
            potentially_unfilled.push((index, remaining));
        }
    }
    let retained: std::collections::BTreeSet<u32> = result.iter().flatten().copied().collect();
    let mut unassigned = (0..partition_count).filter(|p| !retained.contains(p));
    for (index, mut remaining) in potentially_unfilled {
        if extra_slots > 0 {
            remaining += 1;
            extra_slots -= 1;
        }
        let run = usize::try_from(remaining).unwrap_or(0);
        result[index].extend(unassigned.by_ref().take(run));
    }
    result
}

#[cfg(test)]
mod tests {
    use super::assign_topic;

    #[test]
    fn fresh_topic_gets_client_style_ranges() {
        assert_eq!(assign_topic(5, &[vec![], vec![]]), vec![vec![0, 1, 2], vec![3, 4]]);
    }

    #[test]
    fn current_partitions_are_kept_up_to_quota() {
        // B held 0..=2 and A nothing: B keeps 0 and 1 (quota 1 + the one extra slot), A gets 2.
        assert_eq!(assign_topic(3, &[vec![], vec![0, 1, 2]]), vec![vec![2], vec![0, 1]]);
    }
}
