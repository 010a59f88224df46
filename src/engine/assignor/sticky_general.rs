//! `AbstractStickyAssignor.GeneralAssignmentBuilder`: the sticky assignor when subscriptions differ
//! (kafka-reference §2.4, "General path").
//!
//! 1. Members keep the partitions they validly own and still subscribe to.
//! 2. Every other partition goes to the least-loaded subscriber, topics with the fewest possible
//!    consumers first.
//! 3. Partitions then move from more- to less-loaded subscribers until no move improves balance,
//!    preferring to hand a partition back to its previous-generation owner and never moving one back
//!    and forth between the same two members (`PartitionMovements`). If that search does not improve
//!    the balance score of a non-fresh assignment, it is undone.
//!
//! Simplification: rack-aware passes are not modelled (they only run with consumer racks).

use std::collections::{BTreeMap, BTreeSet};

use super::java_hash_order::{JavaHashOrder, compare_strings, topic_partition_hash};
use super::sticky::{DEFAULT_GENERATION, ResolvedClaims};
use super::{Assignment, Group, Member};
use crate::engine::types::TopicPartition;

/// A member's claim in an earlier generation (`ConsumerGenerationPair`).
struct PreviousOwner {
    member: String,
    generation: i32,
}

/// Runs the general builder over `members` (in `HashMap` order) with the resolved `claims`.
pub(crate) fn build(group: &Group, members: &[&Member], claims: ResolvedClaims) -> Assignment {
    let previous = previous_assignment(members, claims.max_generation);
    let mut builder = GeneralBuilder::new(group, members, claims.owned);
    let assigned = builder.keep_owned_partitions();
    let unassigned: Vec<TopicPartition> =
        builder.sorted_all_partitions.iter().filter(|p| !assigned.contains(*p)).cloned().collect();
    builder.participants = builder.current.keys().cloned().collect();
    builder.balance(&previous, unassigned);
    builder.current
}

/// `prepopulateCurrentAssignments`: the claims of members behind the highest generation, keeping for
/// each partition the most recent of them. They tell which member a partition should preferably return to.
fn previous_assignment(members: &[&Member], max_generation: i32) -> BTreeMap<TopicPartition, PreviousOwner> {
    let mut previous: BTreeMap<TopicPartition, PreviousOwner> = BTreeMap::new();
    for member in members {
        let generation = match member.generation {
            Some(generation) if generation < max_generation => generation,
            None if max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
            _ => continue,
        };
        for partition in &member.owned {
            let newer = previous.get(partition).is_none_or(|known| generation > known.generation);
            if newer {
                previous.insert(partition.clone(), PreviousOwner { member: member.id.clone(), generation });
            }
        }
    }
    previous
}

struct GeneralBuilder<'a> {
    group: &'a Group,
    subscriptions: BTreeMap<String, BTreeSet<String>>,
    /// `topic2AllPotentialConsumers`, each list in `HashMap` order of the members.
    topic_consumers: BTreeMap<String, Vec<String>>,
    /// `consumer2AllPotentialTopics`: subscribed topics that exist.
    consumer_topics: BTreeMap<String, Vec<String>>,
    /// `currentAssignment`; each list in Kafka's order (kept claims first, then additions).
    current: BTreeMap<String, Vec<TopicPartition>>,
    /// `currentPartitionConsumer`.
    owner: BTreeMap<TopicPartition, String>,
    /// Partitions of topics ordered by number of possible consumers, then name.
    sorted_all_partitions: Vec<TopicPartition>,
    /// Members of `sortedCurrentSubscriptions` (ordered on demand by load, then id).
    participants: BTreeSet<String>,
    revocation_required: bool,
    movements: PartitionMovements,
}

impl<'a> GeneralBuilder<'a> {
    fn new(group: &'a Group, members: &[&Member], owned: BTreeMap<String, Vec<TopicPartition>>) -> Self {
        let topic_consumers: BTreeMap<String, Vec<String>> = group
            .partitions_per_topic
            .keys()
            .map(|topic| {
                let consumers = members.iter().filter(|m| m.subscribes(topic)).map(|m| m.id.clone()).collect();
                (topic.clone(), consumers)
            })
            .collect();
        let consumer_topics = members
            .iter()
            .map(|m| {
                let topics = m.topics.iter().filter(|t| topic_consumers.contains_key(*t)).cloned().collect();
                (m.id.clone(), topics)
            })
            .collect();
        let owner = owned
            .iter()
            .flat_map(|(member, partitions)| partitions.iter().map(move |p| (p.clone(), member.clone())))
            .collect();
        let sorted_all_partitions = partitions_by_topic_popularity(group, &topic_consumers);
        Self {
            group,
            subscriptions: members.iter().map(|m| (m.id.clone(), m.topics.clone())).collect(),
            topic_consumers,
            consumer_topics,
            current: owned,
            owner,
            sorted_all_partitions,
            participants: BTreeSet::new(),
            revocation_required: false,
            movements: PartitionMovements::default(),
        }
    }

    /// `assignOwnedPartitions`: drops owned partitions of topics the owner no longer subscribes to
    /// (which forces a revocation) and returns those kept.
    fn keep_owned_partitions(&mut self) -> BTreeSet<TopicPartition> {
        let mut kept = BTreeSet::new();
        for (member, partitions) in &mut self.current {
            let subscribed = self.subscriptions.get(member);
            partitions.retain(|partition| {
                let keep = subscribed.is_some_and(|topics| topics.contains(&partition.topic));
                if keep {
                    kept.insert(partition.clone());
                } else {
                    self.revocation_required = true;
                    self.owner.remove(partition);
                }
                keep
            });
        }
        kept
    }

    fn load(&self, member: &str) -> usize {
        self.current.get(member).map_or(0, Vec::len)
    }

    /// The most partitions `member` could ever hold (`getMaxAssignmentSize`).
    fn max_load(&self, member: &str) -> usize {
        self.consumer_topics
            .get(member)
            .map_or(0, |topics| topics.iter().map(|t| self.group.partition_count(t) as usize).sum())
    }

    fn can_consume(&self, member: &str, topic: &str) -> bool {
        self.consumer_topics.get(member).is_some_and(|topics| topics.iter().any(|t| t == topic))
    }

    /// `sortedCurrentSubscriptions` in order: least loaded first, ties by member id.
    fn sorted_participants(&self) -> Vec<String> {
        let mut sorted: Vec<String> = self.participants.iter().cloned().collect();
        sorted.sort_by(|a, b| self.load(a).cmp(&self.load(b)).then_with(|| compare_strings(a, b)));
        sorted
    }

    /// The least-loaded participant that can consume `topic`.
    fn least_loaded_consumer_of(&self, topic: &str) -> Option<String> {
        self.sorted_participants().into_iter().find(|m| self.can_consume(m, topic))
    }

    /// `balance`.
    fn balance(&mut self, previous: &BTreeMap<TopicPartition, PreviousOwner>, unassigned: Vec<TopicPartition>) {
        let initializing = self.current.values().all(Vec::is_empty);
        for partition in &unassigned {
            self.assign_to_least_loaded(partition);
        }
        let fixed_topics: BTreeSet<String> =
            self.topic_consumers.iter().filter(|(_, c)| c.len() < 2).map(|(t, _)| t.clone()).collect();
        self.sorted_all_partitions.retain(|p| !fixed_topics.contains(&p.topic));
        let unassigned: Vec<TopicPartition> =
            unassigned.into_iter().filter(|p| !fixed_topics.contains(&p.topic)).collect();
        let fixed_assignments = self.set_aside_fixed_members();

        let before_balance = (self.current.clone(), self.owner.clone());
        if !self.revocation_required {
            self.perform_reassignments(&unassigned, previous);
        }
        let reassignable = self.sorted_all_partitions.clone();
        let reassigned = self.perform_reassignments(&reassignable, previous);
        if !initializing && reassigned && balance_score(&self.current) >= balance_score(&before_balance.0) {
            (self.current, self.owner) = before_balance;
        }
        for (member, partitions) in fixed_assignments {
            self.current.insert(member.clone(), partitions);
            self.participants.insert(member);
        }
    }

    /// `maybeAssignPartition` without racks.
    fn assign_to_least_loaded(&mut self, partition: &TopicPartition) {
        if let Some(member) = self.least_loaded_consumer_of(&partition.topic) {
            self.current.entry(member.clone()).or_default().push(partition.clone());
            self.owner.insert(partition.clone(), member);
        }
    }

    /// Removes from the search the members that cannot take part in any move
    /// (`canConsumerParticipateInReassignment`) and returns their assignments.
    fn set_aside_fixed_members(&mut self) -> Vec<(String, Vec<TopicPartition>)> {
        let fixed: Vec<String> =
            self.consumer_topics.keys().filter(|member| !self.can_participate(member)).cloned().collect();
        fixed
            .into_iter()
            .map(|member| {
                self.participants.remove(&member);
                let partitions = self.current.remove(&member).unwrap_or_default();
                (member, partitions)
            })
            .collect()
    }

    fn can_participate(&self, member: &str) -> bool {
        if self.load(member) < self.max_load(member) {
            return true;
        }
        self.current.get(member).is_some_and(|partitions| partitions.iter().any(|p| self.topic_is_shared(&p.topic)))
    }

    fn topic_is_shared(&self, topic: &str) -> bool {
        self.topic_consumers.get(topic).is_some_and(|c| c.len() >= 2)
    }

    /// `performReassignments`: sweeps `reassignable` until balanced or no move is possible.
    /// Returns whether anything moved.
    ///
    /// Simplification: Kafka hands a partition back to its previous-generation owner without checking
    /// that this owner is still in the search and subscribed to the topic (a null dereference or an
    /// invalid assignment in Java); here such an owner is skipped.
    fn perform_reassignments(
        &mut self,
        reassignable: &[TopicPartition],
        previous: &BTreeMap<TopicPartition, PreviousOwner>,
    ) -> bool {
        let mut reassigned = false;
        loop {
            let mut modified = false;
            for partition in reassignable {
                if self.is_balanced() {
                    break;
                }
                let Some(holder) = self.owner.get(partition).cloned() else {
                    continue;
                };
                if let Some(prior) = previous.get(partition).filter(|prior| self.can_take_back(prior, partition))
                    && self.load(&holder) > self.load(&prior.member) + 1
                {
                    let target = prior.member.clone();
                    self.reassign_to(partition, &target);
                    reassigned = true;
                    modified = true;
                    continue;
                }
                if self.has_much_less_loaded_consumer(&holder, &partition.topic) {
                    if let Some(target) = self.least_loaded_consumer_of(&partition.topic) {
                        self.reassign_to(partition, &target);
                    }
                    reassigned = true;
                    modified = true;
                }
            }
            if !modified {
                return reassigned;
            }
        }
    }

    fn can_take_back(&self, prior: &PreviousOwner, partition: &TopicPartition) -> bool {
        self.participants.contains(&prior.member) && self.can_consume(&prior.member, &partition.topic)
    }

    /// Whether some consumer of `topic` holds at least two partitions fewer than `holder`.
    fn has_much_less_loaded_consumer(&self, holder: &str, topic: &str) -> bool {
        let holder_load = self.load(holder);
        self.topic_consumers
            .get(topic)
            .is_some_and(|consumers| consumers.iter().any(|other| holder_load > self.load(other) + 1))
    }

    /// `reassignPartition(partition, newConsumer)`: moves the partition, or the one that undoes an
    /// earlier opposite move, so no partition of a topic travels back and forth between two members.
    fn reassign_to(&mut self, partition: &TopicPartition, target: &str) {
        let Some(holder) = self.owner.get(partition).cloned() else {
            return;
        };
        let moved = self.movements.partition_to_move(partition, &holder, target);
        self.process_partition_movement(&moved, target);
    }

    fn process_partition_movement(&mut self, partition: &TopicPartition, target: &str) {
        let Some(holder) = self.owner.get(partition).cloned() else {
            return;
        };
        self.movements.record_move(partition, &holder, target);
        if let Some(list) = self.current.get_mut(&holder) {
            list.retain(|p| p != partition);
        }
        self.current.entry(target.to_string()).or_default().push(partition.clone());
        self.owner.insert(partition.clone(), target.to_string());
    }

    /// `isBalanced`: loads differ by at most one, or no partition could move to a member holding two
    /// fewer than its holder.
    fn is_balanced(&self) -> bool {
        let sorted = self.sorted_participants();
        let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
            return true;
        };
        if self.load(first) + 1 >= self.load(last) {
            return true;
        }
        sorted.iter().all(|member| self.cannot_gain_partition(member))
    }

    fn cannot_gain_partition(&self, member: &str) -> bool {
        let load = self.load(member);
        if load == self.max_load(member) {
            return true;
        }
        let held = self.current.get(member);
        let topics = self.consumer_topics.get(member).map_or(&[][..], Vec::as_slice);
        topics.iter().all(|topic| {
            (0..self.group.partition_count(topic)).all(|number| {
                let partition = TopicPartition::new(topic.clone(), number);
                if held.is_some_and(|h| h.contains(&partition)) {
                    return true;
                }
                self.owner_in_search(&partition).is_none_or(|other| load + 1 >= self.load(other))
            })
        })
    }

    /// The member holding `partition` among those still in the search.
    fn owner_in_search(&self, partition: &TopicPartition) -> Option<&String> {
        self.owner.get(partition).filter(|member| self.current.contains_key(*member))
    }
}

/// `sortedAllPartitions`: topics by number of possible consumers, then name; partitions in order.
fn partitions_by_topic_popularity(
    group: &Group,
    topic_consumers: &BTreeMap<String, Vec<String>>,
) -> Vec<TopicPartition> {
    let mut topics: Vec<(&String, usize)> = topic_consumers.iter().map(|(t, c)| (t, c.len())).collect();
    topics.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    topics
        .into_iter()
        .flat_map(|(topic, _)| (0..group.partition_count(topic)).map(move |p| TopicPartition::new(topic.clone(), p)))
        .collect()
}

/// `getBalanceScore`: the sum over all member pairs of their load difference (0 = perfectly even).
fn balance_score(assignment: &BTreeMap<String, Vec<TopicPartition>>) -> usize {
    let loads: Vec<usize> = assignment.values().map(Vec::len).collect();
    loads.iter().enumerate().flat_map(|(i, a)| loads[i + 1..].iter().map(move |b| a.abs_diff(*b))).sum()
}

/// One recorded movement: from `source` to `destination`.
type MovePair = (String, String);

/// `AbstractStickyAssignor.PartitionMovements`: the net movement of each partition during this
/// assignment, indexed by topic and member pair so that a move can be answered by undoing the
/// opposite one. The per-pair sets are Java `HashSet`s whose first element Kafka picks, so their
/// iteration order is modelled exactly.
#[derive(Default)]
struct PartitionMovements {
    by_topic: BTreeMap<String, BTreeMap<MovePair, JavaHashOrder<TopicPartition>>>,
    moves: BTreeMap<TopicPartition, MovePair>,
}

impl PartitionMovements {
    /// `getTheActualPartitionToBeMoved`.
    fn partition_to_move(&self, partition: &TopicPartition, holder: &str, target: &str) -> TopicPartition {
        let Some(topic_moves) = self.by_topic.get(&partition.topic) else {
            return partition.clone();
        };
        let source = match self.moves.get(partition) {
            Some((original_source, _)) => original_source.as_str(),
            None => holder,
        };
        let reverse = (target.to_string(), source.to_string());
        topic_moves.get(&reverse).and_then(JavaHashOrder::first).cloned().unwrap_or_else(|| partition.clone())
    }

    /// `movePartition`: a partition moving back to where it started is no longer a movement.
    fn record_move(&mut self, partition: &TopicPartition, holder: &str, target: &str) {
        match self.remove_record(partition) {
            Some((original_source, _)) => {
                if original_source != target {
                    self.add_record(partition, (original_source, target.to_string()));
                }
            }
            None => self.add_record(partition, (holder.to_string(), target.to_string())),
        }
    }

    fn remove_record(&mut self, partition: &TopicPartition) -> Option<MovePair> {
        let pair = self.moves.remove(partition)?;
        if let Some(topic_moves) = self.by_topic.get_mut(&partition.topic) {
            if let Some(set) = topic_moves.get_mut(&pair) {
                set.remove(partition);
                if set.is_empty() {
                    topic_moves.remove(&pair);
                }
            }
            if topic_moves.is_empty() {
                self.by_topic.remove(&partition.topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, partition: &TopicPartition, pair: MovePair) {
        self.moves.insert(partition.clone(), pair.clone());
        self.by_topic
            .entry(partition.topic.clone())
            .or_default()
            .entry(pair)
            .or_default()
            .insert(partition.clone(), topic_partition_hash(partition));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_score_sums_pairwise_differences() {
        let tp = |p| TopicPartition::new("t", p);
        let assignment: BTreeMap<String, Vec<TopicPartition>> =
            [("a".to_string(), vec![tp(0), tp(1), tp(2)]), ("b".to_string(), vec![tp(3)]), ("c".to_string(), vec![])]
                .into_iter()
                .collect();
        assert_eq!(balance_score(&assignment), 2 + 3 + 1);
    }

    #[test]
    fn moving_back_cancels_the_movement() {
        let mut movements = PartitionMovements::default();
        let partition = TopicPartition::new("t", 0);
        movements.record_move(&partition, "a", "b");
        assert_eq!(movements.partition_to_move(&TopicPartition::new("t", 1), "a", "b"), TopicPartition::new("t", 1));
        // Asking to move t-1 from b to a finds t-0, which went a → b, and moves it back instead.
        assert_eq!(movements.partition_to_move(&TopicPartition::new("t", 1), "b", "a"), partition);
        movements.record_move(&partition, "b", "a");
        assert!(movements.moves.is_empty());
        assert!(movements.by_topic.is_empty());
    }
}
