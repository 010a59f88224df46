//! Client `StickyAssignor` (`"sticky"`, kafka-reference §2.4): `AbstractStickyAssignor.assignPartitions`.
//!
//! First the ownership claims in the subscriptions are checked against each other
//! (`allSubscriptionsEqual`); then, if every member subscribes to the same topics, the constrained
//! builder runs ([`super::sticky_constrained`]), otherwise the general one ([`super::sticky_general`]).

use std::collections::{BTreeMap, BTreeSet};

use super::{Assignment, AssignorError, Group, Member, sticky_constrained, sticky_general};
use crate::engine::types::TopicPartition;

/// `AbstractStickyAssignor.DEFAULT_GENERATION`: the generation of a claim that carries none.
pub(crate) const DEFAULT_GENERATION: i32 = -1;

/// What the sticky computation hands to the cooperative assignor.
pub(crate) struct StickyOutcome {
    pub assignment: Assignment,
    /// `partitionsTransferringOwnership`: partition → its new owner. `None` on the general path, where
    /// Kafka leaves it null and the cooperative assignor derives it from the claims.
    pub transferring: Option<BTreeMap<TopicPartition, String>>,
}

/// The claims that survive `allSubscriptionsEqual`.
pub(crate) struct ResolvedClaims {
    /// `consumerToOwnedPartitions`: every member, with the partitions it may keep trying to hold,
    /// in the order of its claim.
    pub owned: BTreeMap<String, Vec<TopicPartition>>,
    /// `partitionsWithMultiplePreviousOwners`: claimed twice in the same generation.
    pub multiply_claimed: BTreeSet<TopicPartition>,
    /// The highest generation any member reported (`maxGeneration`).
    ///
    /// Simplification: Kafka keeps this in a field of the assignor instance that is never reset, so a
    /// long-lived leader remembers generations of members that have since left; here it is the
    /// maximum over the current subscriptions.
    pub max_generation: i32,
}

/// `AbstractStickyAssignor.assignPartitions` without racks.
pub(crate) fn assign(group: &Group) -> Result<StickyOutcome, AssignorError> {
    let members = group.in_hash_map_order();
    let claims = resolve_claims(&members);
    if all_subscriptions_equal(&members) {
        let (assignment, transferring) = sticky_constrained::build(group, &members, &claims)?;
        Ok(StickyOutcome { assignment, transferring: Some(transferring) })
    } else {
        let assignment = sticky_general::build(group, &members, claims);
        Ok(StickyOutcome { assignment, transferring: None })
    }
}

/// The generation a member's claim counts with.
pub(crate) fn generation_of(member: &Member) -> i32 {
    member.generation.unwrap_or(DEFAULT_GENERATION)
}

/// Whether every member subscribes to exactly the same topics.
///
/// Simplification: Kafka re-seeds its comparison set whenever it is empty, so a member with an empty
/// subscription met first makes unequal groups look equal. A classic consumer with no subscription
/// does not join a group, so the strict comparison used here gives Kafka's answer for real groups.
fn all_subscriptions_equal(members: &[&Member]) -> bool {
    members.windows(2).all(|pair| pair[0].topics == pair[1].topics)
}

/// The claim rules of `allSubscriptionsEqual` (§2.4 rule 4), walked in `HashMap` order as Kafka does:
/// a higher generation takes a partition from a lower one, and two claims of the same generation
/// invalidate the partition for both.
pub(crate) fn resolve_claims(members: &[&Member]) -> ResolvedClaims {
    let generation_by_id: BTreeMap<&str, i32> = members.iter().map(|m| (m.id.as_str(), generation_of(m))).collect();
    let mut owned: BTreeMap<String, Vec<TopicPartition>> = BTreeMap::new();
    let mut latest_claimant: BTreeMap<TopicPartition, String> = BTreeMap::new();
    let mut multiply_claimed = BTreeSet::new();
    for member in members {
        let generation = generation_of(member);
        owned.entry(member.id.clone()).or_default();
        for partition in &member.owned {
            let Some(other) = latest_claimant.get(partition).cloned() else {
                claim(&mut owned, &member.id, partition);
                latest_claimant.insert(partition.clone(), member.id.clone());
                continue;
            };
            let other_generation = generation_by_id.get(other.as_str()).copied().unwrap_or(DEFAULT_GENERATION);
            if generation == other_generation {
                multiply_claimed.insert(partition.clone());
                disown(&mut owned, &other, partition);
                latest_claimant.insert(partition.clone(), member.id.clone());
            } else if generation > other_generation {
                claim(&mut owned, &member.id, partition);
                disown(&mut owned, &other, partition);
                latest_claimant.insert(partition.clone(), member.id.clone());
            }
        }
    }
    let max_generation = members.iter().map(|m| generation_of(m)).fold(DEFAULT_GENERATION, i32::max);
    ResolvedClaims { owned, multiply_claimed, max_generation }
}

fn claim(owned: &mut BTreeMap<String, Vec<TopicPartition>>, member: &str, partition: &TopicPartition) {
    owned.entry(member.to_string()).or_default().push(partition.clone());
}

fn disown(owned: &mut BTreeMap<String, Vec<TopicPartition>>, member: &str, partition: &TopicPartition) {
    if let Some(list) = owned.get_mut(member) {
        list.retain(|p| p != partition);
    }
}
