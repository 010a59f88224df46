//! Changing the cluster while it runs, as an operator would with Kafka's admin tools: adding and removing
//! brokers, creating topics, altering topic configs and reassigning replicas. Each change is checked the
//! way Kafka's controller checks it and refused with Kafka's reason.

use std::collections::BTreeSet;

use super::cluster::Broker;
use super::cluster::Partition;
use super::command::CommandError;
use super::events::{Event, PartitionRef};
use super::maintenance::log_config_for;
use super::placement;
use super::sim::Engine;
use super::types::BrokerId;
use super::types::TopicPartition;
use crate::scenario::topic_config::set_topic_config;
use crate::scenario::{
    GroupSpec, Placement, ProducerSpec, TopicSpec, limits, validate_group, validate_producer, validate_topic,
};

/// A broker's periodic work. Each runs as a chain of self-rescheduling events; a chain ends when it finds
/// its broker removed, and `PeriodicChains` remembers which are running so a re-added id never runs two.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Periodic {
    IsrExpiration,
    LogRetention,
    LogCleaner,
}

#[derive(Debug, Default)]
pub struct PeriodicChains(BTreeSet<(BrokerId, Periodic)>);

impl PeriodicChains {
    /// Whether a chain should go on; forgets it when its broker is gone.
    pub fn keep_running(&mut self, broker: BrokerId, kind: Periodic, broker_exists: bool) -> bool {
        if !broker_exists {
            self.0.remove(&(broker, kind));
        }
        broker_exists
    }

    /// Marks a chain as running; false if it already was.
    fn start(&mut self, broker: BrokerId, kind: Periodic) -> bool {
        self.0.insert((broker, kind))
    }
}

fn refused(why: impl Into<String>) -> CommandError {
    CommandError::Refused(why.into())
}

impl Engine {
    /// Brokers that are running and registered with the controller: the ones new replicas may go to.
    pub(super) fn unfenced_brokers(&self) -> BTreeSet<BrokerId> {
        self.brokers.values().filter(|b| b.up && !b.fenced).map(|b| b.id).collect()
    }

    /// Every broker as the replica placer sees it: a stopped or fenced broker takes no new replicas.
    pub(super) fn placement_brokers(&self) -> Vec<placement::BrokerInfo> {
        self.brokers
            .values()
            .map(|b| placement::BrokerInfo { id: b.id, rack: b.rack.clone(), fenced: !b.up || b.fenced })
            .collect()
    }

    /// Start a broker's periodic chains that are not already running.
    pub(super) fn start_periodic(&mut self, broker: BrokerId) {
        let now = self.now;
        let isr_every = (self.replication.replica_lag_time_max_ms / 2).max(1);
        let plan = [
            (Periodic::IsrExpiration, now + isr_every, Event::IsrExpiration { broker }),
            (
                Periodic::LogRetention,
                now + self.maintenance.retention_check_interval_ms,
                Event::LogRetention { broker },
            ),
            (Periodic::LogCleaner, now + self.maintenance.cleaner_backoff_ms, Event::LogCleaner { broker }),
        ];
        for (kind, at, event) in plan {
            if self.periodic.start(broker, kind) {
                self.queue.schedule(at, event);
            }
        }
    }

    /// Whether a periodic event should do its work and reschedule itself.
    pub(super) fn periodic_continues(&mut self, broker: BrokerId, kind: Periodic) -> bool {
        let exists = self.brokers.contains_key(&broker);
        self.periodic.keep_running(broker, kind, exists)
    }

    pub(super) fn add_broker(&mut self, broker: BrokerId, rack: Option<String>) -> Result<(), CommandError> {
        if self.brokers.contains_key(&broker) {
            return Err(refused(format!("broker {broker} is already registered")));
        }
        if !(0..=limits::BROKER_ID_MAX).contains(&broker) {
            return Err(refused(format!("broker id {broker} is outside 0..={}", limits::BROKER_ID_MAX)));
        }
        if self.brokers.len() >= limits::BROKERS {
            return Err(refused(format!("the cluster already has the maximum of {} brokers", limits::BROKERS)));
        }
        if rack.as_ref().is_some_and(|r| r.is_empty() || r.chars().count() > limits::NAME_CHARS) {
            return Err(refused(format!("a rack name must have 1 to {} characters", limits::NAME_CHARS)));
        }
        let mut b = Broker::new(broker, rack);
        b.registered_at = self.now;
        self.brokers.insert(broker, b);
        self.leader_tables.invalidate();
        self.start_periodic(broker);
        let text = format!(
            "broker {broker} registered and unfenced (it hosts no replicas until topics are created or reassigned)"
        );
        self.narration.push(self.now, text);
        Ok(())
    }

    pub(super) fn remove_broker(&mut self, broker: BrokerId) -> Result<(), CommandError> {
        if !self.brokers.contains_key(&broker) {
            return Err(CommandError::NoSuchBroker(broker));
        }
        if self.controller.voters.contains(&broker) {
            return Err(refused(format!("broker {broker} is a controller quorum voter and cannot be removed")));
        }
        let hosted: Vec<String> = self
            .each_partition()
            .into_iter()
            .filter(|&at| self.partition(at).replicas.contains(&broker))
            .map(|at| self.partition(at).tp.to_string())
            .collect();
        if !hosted.is_empty() {
            let first: Vec<&str> = hosted.iter().take(3).map(String::as_str).collect();
            let more = if hosted.len() > 3 { format!(" and {} more", hosted.len() - 3) } else { String::new() };
            return Err(refused(format!(
                "broker {broker} still hosts replicas of {}{more}; reassign them before removing it",
                first.join(", ")
            )));
        }
        self.brokers.remove(&broker);
        self.leader_tables.invalidate();
        self.narration.push(self.now, format!("broker {broker} unregistered and removed from the cluster"));
        Ok(())
    }

    /// `CreateTopics`: the topic is checked like a scenario's topic (names, limits, configs, and a replication
    /// factor the unfenced brokers can reach), then placed and created.
    pub(super) fn create_topic_command(&mut self, spec: TopicSpec) -> Result<(), CommandError> {
        if self.topic_index(&spec.name).is_some() {
            return Err(refused(format!("Topic '{}' already exists.", spec.name)));
        }
        if self.topics.len() >= limits::TOPICS {
            return Err(refused(format!("the cluster already has the maximum of {} topics", limits::TOPICS)));
        }
        let partitions_now: u64 = self.topics.iter().map(|t| t.partitions.len() as u64).sum();
        if partitions_now + u64::from(spec.partitions) > limits::PARTITIONS_TOTAL {
            return Err(refused(format!(
                "the cluster may hold at most {} partitions in all",
                limits::PARTITIONS_TOTAL
            )));
        }
        let unfenced = self.unfenced_brokers();
        validate_topic("topic", &spec, &unfenced).map_err(|e| refused(e.problem))?;
        if let Placement::Manual { replicas } = &spec.placement
            && let Some(missing) = replicas.iter().flatten().find(|b| !unfenced.contains(b))
        {
            return Err(refused(format!("broker {missing} is not a registered, unfenced broker")));
        }
        self.create_topic(&spec);
        self.visible_changes += 1;
        Ok(())
    }

    /// `IncrementalAlterConfigs` on a topic: parsed and bounded as Kafka does, then applied to every
    /// partition. Enabling unclean election lets leaderless partitions elect at once, as in KRaft.
    pub(super) fn set_topic_config_command(
        &mut self,
        topic: &str,
        name: &str,
        value: &str,
    ) -> Result<(), CommandError> {
        let index = self.topic_index(topic).ok_or_else(|| unknown_topic(topic))?;
        let mut spec = self.topics[index].spec.clone();
        set_topic_config(&mut spec, name, value).map_err(refused)?;
        let brokers: BTreeSet<BrokerId> = self.brokers.keys().copied().collect();
        // Placement and replication factor were checked at creation and are not what changed.
        let mut check = spec.clone();
        check.placement = Placement::Striped;
        check.replication_factor = check.replication_factor.min(brokers.len() as u16).max(1);
        validate_topic("topic", &check, &brokers).map_err(|e| refused(e.problem))?;
        let config = log_config_for(&spec);
        for partition in &mut self.topics[index].partitions {
            partition.set_log_config(&config);
            partition.min_insync_replicas = spec.min_insync_replicas;
            partition.unclean_leader_election = spec.unclean_leader_election_enable;
        }
        self.topics[index].spec = spec;
        self.narration.push(self.now, format!("topic {topic}: {name} set to {}", value.trim()));
        if name == "unclean.leader.election.enable" {
            self.elect_offline_partitions("unclean.leader.election.enable changed");
        }
        self.visible_changes += 1;
        Ok(())
    }

    /// A reassignment to a new replication factor, every partition at once. Added replicas go to the brokers
    /// holding the fewest replicas (ties to the lower id), start empty and fetch; removed replicas are the
    /// last followers of each list, never the leader.
    ///
    /// Simplification: Kafka moves through adding/removing replica sets and completes the reassignment when
    /// the new replicas join the ISR; here the replica set changes at once and the new replicas join the ISR
    /// when they catch up, which is what a person sees either way.
    pub(super) fn change_replication_factor(&mut self, topic: &str, target: u16) -> Result<(), CommandError> {
        let index = self.topic_index(topic).ok_or_else(|| unknown_topic(topic))?;
        let unfenced = self.unfenced_brokers();
        if target == 0 || target > limits::REPLICATION_FACTOR {
            return Err(refused(format!("replication factor {target} is outside 1..={}", limits::REPLICATION_FACTOR)));
        }
        if usize::from(target) > unfenced.len() {
            return Err(refused(format!(
                "The target replication factor of {target} cannot be reached because only {} broker(s) are registered.",
                unfenced.len()
            )));
        }
        let mut load: std::collections::BTreeMap<BrokerId, usize> = unfenced.iter().map(|&b| (b, 0)).collect();
        for at in self.each_partition() {
            for b in &self.partition(at).replicas {
                if let Some(n) = load.get_mut(b) {
                    *n += 1;
                }
            }
        }
        let now = self.now;
        let mut changed = 0;
        for p in 0..self.topics[index].partitions.len() as u32 {
            let at = PartitionRef { topic: index, partition: p };
            let replicas = self.partition(at).replicas.clone();
            let target = usize::from(target);
            if replicas.len() < target {
                for _ in replicas.len()..target {
                    let pick = load
                        .iter()
                        .filter(|(b, _)| !self.partition(at).replicas.contains(b))
                        .min_by_key(|&(&b, &n)| (n, b))
                        .map(|(&b, _)| b);
                    let Some(broker) = pick else { break };
                    *load.entry(broker).or_default() += 1;
                    self.partition_mut(at).add_replica(broker, now);
                    self.restart_fetch_loop(at, broker);
                }
            } else {
                let leader = self.partition(at).leader;
                let removable: Vec<BrokerId> = replicas
                    .iter()
                    .rev()
                    .copied()
                    .filter(|&b| Some(b) != leader)
                    .take(replicas.len() - target)
                    .collect();
                for broker in removable {
                    if let Some(n) = load.get_mut(&broker) {
                        *n = n.saturating_sub(1);
                    }
                    self.partition_mut(at).remove_replica(broker);
                }
                self.after_leader_progress(at);
            }
            if self.partition(at).replicas != replicas {
                changed += 1;
            }
        }
        self.topics[index].spec.replication_factor = target;
        self.narration.push(
            now,
            format!("topic {topic}: reassigned to replication factor {target} ({changed} partition(s) changed)"),
        );
        self.visible_changes += 1;
        Ok(())
    }
}

impl Engine {
    /// `CreatePartitions`: the new partitions are placed by the striped placer over the unfenced brokers,
    /// created empty with the topic's configs, and producers hash keys over the new count at once.
    pub(super) fn add_partitions(&mut self, topic: &str, target: u32) -> Result<(), CommandError> {
        let index = self.topic_index(topic).ok_or_else(|| unknown_topic(topic))?;
        let current = self.topics[index].partitions.len() as u32;
        if target == current {
            return Err(refused(format!("Topic already has {current} partitions.")));
        }
        if target < current {
            return Err(refused(format!(
                "Topic currently has {current} partitions, which is higher than the requested {target}."
            )));
        }
        let partitions_now: u64 = self.topics.iter().map(|t| t.partitions.len() as u64).sum();
        if target > limits::PARTITIONS_PER_TOPIC
            || partitions_now + u64::from(target - current) > limits::PARTITIONS_TOTAL
        {
            return Err(refused(format!(
                "a topic may have at most {} partitions, and the cluster {} in all",
                limits::PARTITIONS_PER_TOPIC,
                limits::PARTITIONS_TOTAL
            )));
        }
        let brokers = self.placement_brokers();
        let rf = self.topics[index].spec.replication_factor as i16;
        let assignment = placement::place_striped(&brokers, target - current, rf, &mut self.rng)
            .map_err(|e| refused(e.to_string()))?;
        let spec = self.topics[index].spec.clone();
        let config = log_config_for(&spec);
        for (offset, replicas) in assignment.into_iter().enumerate() {
            let number = current + offset as u32;
            let mut partition = Partition::new(
                TopicPartition::new(spec.name.clone(), number),
                replicas,
                spec.min_insync_replicas,
                &config,
                self.now,
            );
            partition.unclean_leader_election = spec.unclean_leader_election_enable;
            let followers: Vec<BrokerId> = partition.followers().collect();
            self.topics[index].partitions.push(partition);
            for follower in followers {
                self.restart_fetch_loop(PartitionRef { topic: index, partition: number }, follower);
            }
        }
        self.topics[index].spec.partitions = target;
        self.topic_catalog[index].1 = target;
        for producer in self.producers.iter_mut().filter(|p| p.topic == index) {
            producer.on_partition_count(target);
        }
        let subscribed: Vec<usize> =
            (0..self.groups.len()).filter(|&g| self.groups[g].topics.contains(&index)).collect();
        for group in subscribed {
            let reason = format!("topic {topic} now has {target} partitions");
            self.with_group(group, |g, ctx| g.on_metadata_change(reason, ctx));
        }
        let text = format!("topic {topic}: partitions {current} → {target}; keys now hash over {target} partitions");
        self.narration.push(self.now, text);
        self.visible_changes += 1;
        Ok(())
    }

    /// A new producer, checked like a scenario's producer, with a name no other producer has.
    pub(super) fn add_producer(&mut self, spec: ProducerSpec) -> Result<(), CommandError> {
        if self.producers.len() >= limits::PRODUCERS {
            return Err(refused(format!("at most {} producers may run at once", limits::PRODUCERS)));
        }
        if self.producers.iter().any(|p| p.name == spec.name) {
            return Err(refused(format!("a producer named \"{}\" already runs", spec.name)));
        }
        validate_producer("producer", &spec, |t| self.topic_index(t).is_some()).map_err(|e| refused(e.to_string()))?;
        self.start_producer(&spec);
        self.narration.push(self.now, format!("producer {} started, writing to {}", spec.name, spec.topic));
        self.visible_changes += 1;
        Ok(())
    }
}

impl Engine {
    /// A new consumer group, checked like a scenario's group, with a name no other group has.
    pub(super) fn add_group(&mut self, spec: GroupSpec) -> Result<(), CommandError> {
        if self.groups.len() >= limits::GROUPS {
            return Err(refused(format!("at most {} consumer groups may run at once", limits::GROUPS)));
        }
        if self.groups.iter().any(|g| g.name == spec.name) {
            return Err(refused(format!("a consumer group named \"{}\" already runs", spec.name)));
        }
        validate_group("group", &spec, |t| self.topic_index(t).is_some()).map_err(|e| refused(e.to_string()))?;
        self.start_group(&spec);
        let text =
            format!("group {} started with {} member(s) on {}", spec.name, spec.members.len(), spec.topics.join(", "));
        self.narration.push(self.now, text);
        self.visible_changes += 1;
        Ok(())
    }
}

fn unknown_topic(topic: &str) -> CommandError {
    refused(format!("This server does not host this topic-partition: there is no topic '{topic}'"))
}
