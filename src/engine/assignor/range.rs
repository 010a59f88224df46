//! Client `RangeAssignor` (`"range"`, kafka-reference §2.1).
//!
//! For each topic on its own, the subscribed members in §2.0 order take contiguous ranges starting at
//! partition 0; the first `n % members` of them get one partition more. With several topics the same
//! members collect every topic's extra partition, the imbalance §2.1 warns about.
//!
//! Simplification: the rack-matching pre-pass (only active when both consumers and replicas carry racks)
//! is not modelled; without racks Kafka's result is exactly this.

use super::{Assignment, Group, Member, sort_each_member};
use crate::engine::types::TopicPartition;

/// Kafka iterates topics from a hash map and tests compare each member's partitions as a set, so each
/// member's list is returned sorted by topic then partition.
pub(crate) fn assign(group: &Group) -> Assignment {
    let ordered = group.in_member_order();
    let mut assignment = group.empty_assignment();
    for (topic, count) in &group.partitions_per_topic {
        let subscribers: Vec<&Member> = ordered.iter().copied().filter(|m| m.subscribes(topic)).collect();
        for (member, range) in subscribers.iter().zip(topic_ranges(*count, subscribers.len())) {
            let partitions = assignment.entry(member.id.clone()).or_default();
            partitions.extend(range.map(|p| TopicPartition::new(topic.clone(), p)));
        }
    }
    sort_each_member(assignment)
}

/// The range each of `members` subscribers gets out of `partitions`: `q = n / m`, and the first
/// `n % m` ranges one longer.
fn topic_ranges(partitions: u32, members: usize) -> Vec<std::ops::Range<u32>> {
    let Ok(members) = u32::try_from(members) else {
        return Vec::new();
    };
    if members == 0 {
        return Vec::new();
    }
    let quota = partitions / members;
    let extra = partitions % members;
    (0..members)
        .map(|i| {
            let start = quota * i + i.min(extra);
            let length = quota + u32::from(i < extra);
            start..start + length
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::topic_ranges;

    #[test]
    fn ranges_give_extras_to_the_first_members() {
        assert_eq!(topic_ranges(7, 3), vec![0..3, 3..5, 5..7]);
        assert_eq!(topic_ranges(2, 3), vec![0..1, 1..2, 2..2]);
        assert!(topic_ranges(4, 0).is_empty());
    }
}
