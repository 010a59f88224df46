//! Client `RoundRobinAssignor` (`"roundrobin"`, kafka-reference §2.2).
//!
//! Members in §2.0 order form a circle; the partitions of all subscribed topics (topics by name,
//! partitions in order) are dealt one at a time, each to the next member on the circle that
//! subscribes to its topic. The pointer carries over from one topic to the next.

use super::{Assignment, Group};

/// Each member's list comes out in dealing order, which is the order Kafka's tests compare.
pub(crate) fn assign(group: &Group) -> Assignment {
    let circle = group.in_member_order();
    let mut assignment = group.empty_assignment();
    let mut pointer = 0usize;
    for partition in group.all_partitions() {
        // Every topic in `partitions_per_topic` has a subscriber, so one lap always finds one.
        let Some(offset) =
            (0..circle.len()).find(|step| circle[(pointer + step) % circle.len()].subscribes(&partition.topic))
        else {
            continue;
        };
        let chosen = (pointer + offset) % circle.len();
        assignment.entry(circle[chosen].id.clone()).or_default().push(partition);
        pointer = (chosen + 1) % circle.len();
    }
    assignment
}
