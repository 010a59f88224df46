//! KIP-848 `UniformHeterogeneousAssignmentBuilder`: the uniform assignor when members subscribe to
//! different topics (kafka-reference §2.6).
//!
//! 1. Members keep their current partitions of topics they still subscribe to.
//! 2. Unowned partitions are dealt topic by topic (most partitions per subscriber first) to the least
//!    loaded subscribers of the topic.
//! 3. Topic by topic, partitions move from the most to the least loaded subscribers until every topic's
//!    subscribers differ by at most one, or no loaded subscriber holds a partition of it; the sweep
//!    over the topics repeats until a full lap moves nothing, at most 16 laps (`MAX_ITERATION_COUNT`).
//!
//! Members are numbered in member order; ties between equally loaded members go to the lower number.
//! This follows the current builder (with `MemberAssignmentBalancer`); an earlier version of the class
//! balanced with a partition-by-partition search like the client's general sticky path.

use std::collections::{BTreeMap, BTreeSet};

use super::uniform::existing_topics;
use super::{Assignment, Group, Member};
use crate::engine::types::TopicPartition;

/// `MAX_ITERATION_COUNT`: laps of the final balancing sweep.
const MAX_ITERATION_COUNT: usize = 16;

/// Runs the heterogeneous builder over `members` (in member order) and their `current` partitions.
pub(crate) fn build(group: &Group, members: &[&Member], current: &BTreeMap<String, Vec<TopicPartition>>) -> Assignment {
    let mut builder = HeterogeneousBuilder::new(group, members);
    if builder.topic_subscribers.is_empty() {
        return group.empty_assignment();
    }
    builder.keep_subscribed_partitions(current);
    builder.assign_remaining_partitions();
    builder.balance();
    builder.into_assignment()
}

struct HeterogeneousBuilder<'a> {
    group: &'a Group,
    member_ids: Vec<String>,
    subscriptions: Vec<BTreeSet<&'a str>>,
    /// `topicSubscribers`: member indices, ascending.
    topic_subscribers: BTreeMap<String, Vec<usize>>,
    /// `memberTargetAssignmentSizes`.
    sizes: Vec<usize>,
    /// `targetAssignmentPartitionOwners`: owner index of every partition of every subscribed topic.
    owners: BTreeMap<String, Vec<Option<usize>>>,
    target: Vec<BTreeSet<TopicPartition>>,
}

impl<'a> HeterogeneousBuilder<'a> {
    fn new(group: &'a Group, members: &[&'a Member]) -> Self {
        let subscriptions: Vec<BTreeSet<&str>> = members.iter().map(|m| existing_topics(group, m)).collect();
        let mut topic_subscribers: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (index, topics) in subscriptions.iter().enumerate() {
            for topic in topics {
                topic_subscribers.entry((*topic).to_string()).or_default().push(index);
            }
        }
        let owners = topic_subscribers
            .keys()
            .map(|topic| (topic.clone(), vec![None; group.partition_count(topic) as usize]))
            .collect();
        Self {
            group,
            member_ids: members.iter().map(|m| m.id.clone()).collect(),
            subscriptions,
            topic_subscribers,
            sizes: vec![0; members.len()],
            owners,
            target: vec![BTreeSet::new(); members.len()],
        }
    }

    /// `maybeRevokePartitions`: only partitions of topics a member no longer subscribes to go.
    fn keep_subscribed_partitions(&mut self, current: &BTreeMap<String, Vec<TopicPartition>>) {
        for index in 0..self.member_ids.len() {
            let owned = current.get(&self.member_ids[index]).map_or(&[][..], Vec::as_slice);
            for partition in owned {
                if self.subscriptions[index].contains(partition.topic.as_str()) {
                    self.add_partition(partition, index);
                }
            }
        }
    }

    /// `assignRemainingPartitions`.
    fn assign_remaining_partitions(&mut self) {
        let topics: Vec<String> = self.topic_subscribers.keys().cloned().collect();
        let mut balancer = MemberAssignmentBalancer::default();
        for topic in self.sort_topics(topics) {
            let unowned: Vec<u32> = self.owners[&topic]
                .iter()
                .enumerate()
                .filter(|(_, owner)| owner.is_none())
                .map(|(partition, _)| partition as u32)
                .collect();
            if unowned.is_empty() {
                continue;
            }
            balancer.initialize(&self.topic_subscribers[&topic], &self.sizes);
            for partition in unowned {
                let member = balancer.next_least_loaded_member(&self.sizes);
                self.assign_partition(&TopicPartition::new(topic.clone(), partition), member);
            }
        }
    }

    /// Orders topics by partitions per subscriber (descending), then subscriber count, then name
    /// (Kafka: topic id).
    fn sort_topics(&self, mut topics: Vec<String>) -> Vec<String> {
        topics.sort_by(|a, b| {
            let per_subscriber = |topic: &str| {
                let subscribers = self.topic_subscribers.get(topic).map_or(1, Vec::len).max(1);
                f64::from(self.group.partition_count(topic)) / subscribers as f64
            };
            let subscriber_count = |topic: &str| self.topic_subscribers.get(topic).map_or(0, Vec::len);
            per_subscriber(b)
                .total_cmp(&per_subscriber(a))
                .then_with(|| subscriber_count(a).cmp(&subscriber_count(b)))
                .then_with(|| a.cmp(b))
        });
        topics
    }

    /// `balance` / `balanceTopics`: sweeps the topics with two or more subscribers until a whole lap
    /// reassigns nothing, or `MAX_ITERATION_COUNT` laps have run.
    fn balance(&mut self) {
        let shared: Vec<String> =
            self.topic_subscribers.iter().filter(|(_, s)| s.len() >= 2).map(|(t, _)| t.clone()).collect();
        if shared.is_empty() {
            return;
        }
        let topics = self.sort_topics(shared);
        let mut balancer = MemberAssignmentBalancer::default();
        let mut last_rebalanced: Option<usize> = None;
        for _ in 0..MAX_ITERATION_COUNT {
            for (index, topic) in topics.iter().enumerate() {
                if last_rebalanced == Some(index) {
                    return;
                }
                let moved = self.balance_topic(topic, &mut balancer);
                if moved > 0 || last_rebalanced.is_none() {
                    last_rebalanced = Some(index);
                }
            }
        }
    }

    /// `balanceTopic`: moves the topic's partitions, last partition of the most loaded subscriber first,
    /// to the least loaded subscribers until the two ends differ by at most one. Returns the moves made.
    fn balance_topic(&mut self, topic: &str, balancer: &mut MemberAssignmentBalancer) -> usize {
        let subscribers = self.topic_subscribers.get(topic).cloned().unwrap_or_default();
        if balancer.initialize(&subscribers, &self.sizes) <= 1 {
            return 0;
        }
        let (partitions, mut ranges) = self.partitions_grouped_by_owner(topic);
        let mut moved = 0;
        while !balancer.is_balanced() {
            let Some(donor) = next_donor(balancer, &ranges, &self.sizes) else {
                break;
            };
            let Some(range) = ranges.get_mut(&donor) else {
                break;
            };
            range.1 -= 1;
            let partition = partitions[range.1];
            let receiver = balancer.next_least_loaded_member(&self.sizes);
            if balancer.is_balanced() {
                break;
            }
            self.assign_partition(&TopicPartition::new(topic.to_string(), partition), receiver);
            moved += 1;
        }
        moved
    }

    /// The topic's partitions sorted by owner index then number, and each owner's `[start, end)` range.
    fn partitions_grouped_by_owner(&self, topic: &str) -> (Vec<u32>, BTreeMap<usize, (usize, usize)>) {
        let owners = self.owners.get(topic).map_or(&[][..], Vec::as_slice);
        let mut partitions: Vec<u32> = (0..owners.len() as u32).collect();
        partitions.sort_by_key(|p| (owners[*p as usize].map_or(-1, |o| o as i64), *p));
        let mut ranges: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
        for (position, partition) in partitions.iter().enumerate() {
            if let Some(owner) = owners[*partition as usize] {
                ranges.entry(owner).or_insert((position, position)).1 = position + 1;
            }
        }
        (partitions, ranges)
    }

    /// `assignPartition`: moves (or gives) `partition` to member `index`.
    fn assign_partition(&mut self, partition: &TopicPartition, index: usize) {
        let previous = self.owners.get(&partition.topic).and_then(|o| o[partition.partition as usize]);
        if let Some(previous) = previous {
            self.target[previous].remove(partition);
            self.sizes[previous] -= 1;
            if let Some(owners) = self.owners.get_mut(&partition.topic) {
                owners[partition.partition as usize] = None;
            }
        }
        self.add_partition(partition, index);
    }

    fn add_partition(&mut self, partition: &TopicPartition, index: usize) {
        if let Some(owners) = self.owners.get_mut(&partition.topic) {
            owners[partition.partition as usize] = Some(index);
        }
        self.target[index].insert(partition.clone());
        self.sizes[index] += 1;
    }

    fn into_assignment(self) -> Assignment {
        self.member_ids
            .into_iter()
            .zip(self.target)
            .map(|(id, partitions)| (id, partitions.into_iter().collect()))
            .collect()
    }
}

/// The most loaded subscriber that still holds a partition of the topic, skipping (and excluding from
/// the range) those that hold none.
fn next_donor(
    balancer: &mut MemberAssignmentBalancer,
    ranges: &BTreeMap<usize, (usize, usize)>,
    sizes: &[usize],
) -> Option<usize> {
    loop {
        let member = balancer.next_most_loaded_member(sizes)?;
        match ranges.get(&member) {
            Some((start, end)) if end > start => return Some(member),
            _ => balancer.exclude_most_loaded_member(),
        }
    }
}

/// `MemberAssignmentBalancer`: the subscribers of one topic sorted by load, with a range of least
/// loaded members that grows rightwards as they receive partitions and a range of most loaded members
/// that grows leftwards as they give partitions up.
#[derive(Default)]
struct MemberAssignmentBalancer {
    sorted_members: Vec<usize>,
    least_loaded_range_end: usize,
    least_loaded_level: i64,
    next_least_loaded: usize,
    most_loaded_range_start: usize,
    most_loaded_range_end: usize,
    most_loaded_level: i64,
    next_most_loaded: isize,
}

impl MemberAssignmentBalancer {
    /// Resets for `members`; returns the load difference between the most and least loaded.
    fn initialize(&mut self, members: &[usize], sizes: &[usize]) -> i64 {
        self.sorted_members = members.to_vec();
        self.sorted_members.sort_by_key(|m| (sizes[*m], *m));
        let (Some(&least), Some(&most)) = (self.sorted_members.first(), self.sorted_members.last()) else {
            return 0;
        };
        let count = self.sorted_members.len();
        self.least_loaded_range_end = 0;
        self.least_loaded_level = sizes[least] as i64 - 1;
        self.next_least_loaded = 0;
        self.most_loaded_range_start = count;
        self.most_loaded_range_end = count;
        self.most_loaded_level = sizes[most] as i64 + 1;
        self.next_most_loaded = count as isize - 1;
        sizes[most] as i64 - sizes[least] as i64
    }

    fn load_at(&self, position: usize, sizes: &[usize]) -> i64 {
        sizes[self.sorted_members[position]] as i64
    }

    /// `nextLeastLoadedMember`: cycles through the least loaded range, raising its level and widening
    /// it over the next members once every member in it has received a partition.
    fn next_least_loaded_member(&mut self, sizes: &[usize]) -> usize {
        if self.next_least_loaded >= self.least_loaded_range_end {
            self.least_loaded_level += 1;
            while self.least_loaded_range_end < self.sorted_members.len()
                && self.load_at(self.least_loaded_range_end, sizes) == self.least_loaded_level
            {
                self.least_loaded_range_end += 1;
            }
            self.next_least_loaded = 0;
        }
        let member = self.sorted_members[self.next_least_loaded];
        self.next_least_loaded += 1;
        member
    }

    /// `nextMostLoadedMember`: the mirror image, walking down from the most loaded end; `None` once no
    /// member is left that could give a partition up.
    fn next_most_loaded_member(&mut self, sizes: &[usize]) -> Option<usize> {
        if self.next_most_loaded < self.most_loaded_range_start as isize {
            if self.most_loaded_range_end <= self.most_loaded_range_start && self.most_loaded_range_start > 0 {
                self.most_loaded_level = self.load_at(self.most_loaded_range_start - 1, sizes);
            } else {
                self.most_loaded_level -= 1;
            }
            while self.most_loaded_range_start > 0
                && self.load_at(self.most_loaded_range_start - 1, sizes) == self.most_loaded_level
            {
                self.most_loaded_range_start -= 1;
            }
            self.next_most_loaded = self.most_loaded_range_end as isize - 1;
        }
        let position = usize::try_from(self.next_most_loaded).ok()?;
        self.next_most_loaded -= 1;
        Some(self.sorted_members[position])
    }

    /// `excludeMostLoadedMember`: swaps the member last returned by `next_most_loaded_member` to the
    /// end of the most loaded range and shrinks the range past it.
    fn exclude_most_loaded_member(&mut self) {
        let Ok(position) = usize::try_from(self.next_most_loaded + 1) else {
            return;
        };
        let Some(last) = self.most_loaded_range_end.checked_sub(1) else {
            return;
        };
        self.sorted_members.swap(position, last);
        self.most_loaded_range_end = last;
    }

    /// Whether the least and most loaded ranges differ by at most one partition.
    fn is_balanced(&self) -> bool {
        self.most_loaded_level - self.least_loaded_level <= 1
    }
}
