//! Client `CooperativeStickyAssignor` (`"cooperative-sticky"`, kafka-reference §2.5).
//!
//! The sticky assignment is computed, then every partition that changes owner is taken out of its new
//! owner's list for this round (`adjustAssignment`): its previous owner revokes it first, rejoins, and
//! the follow-up rebalance hands it over. A partition is never given to one member in the same round
//! another still owns it.

use std::collections::{BTreeMap, BTreeSet};

use super::{Assignment, AssignorError, Group, sticky};
use crate::engine::types::TopicPartition;

pub(crate) fn assign(group: &Group) -> Result<Assignment, AssignorError> {
    let outcome = sticky::assign(group)?;
    let mut assignment = outcome.assignment;
    let transferring = match outcome.transferring {
        Some(transferring) => transferring,
        None => partitions_transferring_ownership(group, &assignment),
    };
    withhold(&mut assignment, &transferring);
    Ok(assignment)
}

/// `computePartitionsTransferringOwnership` (general path): partitions newly given to a member that
/// some member claimed and no longer gets.
fn partitions_transferring_ownership(group: &Group, assignment: &Assignment) -> BTreeMap<TopicPartition, String> {
    let mut added: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut revoked: BTreeSet<TopicPartition> = BTreeSet::new();
    for member in &group.members {
        let assigned = assignment.get(&member.id).map_or(&[][..], Vec::as_slice);
        for partition in assigned.iter().filter(|p| !member.owned.contains(p)) {
            added.insert(partition.clone(), member.id.clone());
        }
        revoked.extend(member.owned.iter().filter(|p| !assigned.contains(p)).cloned());
    }
    added.retain(|partition, _| revoked.contains(partition));
    added
}

/// `adjustAssignment`.
fn withhold(assignment: &mut Assignment, transferring: &BTreeMap<TopicPartition, String>) {
    for (partition, new_owner) in transferring {
        if let Some(list) = assignment.get_mut(new_owner) {
            list.retain(|p| p != partition);
        }
    }
}
