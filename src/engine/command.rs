//! User actions on a running simulation. Commands are plain data so a scenario can record them with
//! their times and replay them exactly (share links, the timeline).

use serde::{Deserialize, Serialize};

use super::group::GroupCommand;
use super::producer::ProducerCommand;
use super::types::BrokerId;
use crate::scenario::{GroupSpec, ProducerSpec, TopicSpec};

/// Serialized (externally tagged, snake_case) into scenario files and share links: renaming a variant or a
/// field breaks old links, so add new variants instead.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// An action on consumer group number `group` (scenario order).
    Group { group: usize, command: GroupCommand },
    /// An action on producer number `producer` (scenario order).
    Producer { producer: usize, command: ProducerCommand },
    /// Stop a broker. Hard: it dies at once and the controller fences it after
    /// `broker.session.timeout.ms`. Graceful: a controlled shutdown moves its leaderships away first.
    StopBroker { broker: BrokerId, graceful: bool },
    /// Start a stopped broker again: it registers, truncates its logs to the leaders' and catches up.
    StartBroker { broker: BrokerId },
    /// `kafka-leader-election --election-type preferred` for every partition.
    PreferredLeaderElection,
    /// Make a broker's follower fetches slower by `extra_ms` (0 restores it): a slow network or disk.
    SetBrokerFetchDelay { broker: BrokerId, extra_ms: u64 },
    /// A new broker registers with the controller (it hosts nothing until topics are created or reassigned).
    AddBroker { broker: BrokerId, rack: Option<String> },
    /// Unregister a broker that hosts no replica and is not a controller voter (decommissioning).
    RemoveBroker { broker: BrokerId },
    /// `kafka-topics.sh --create`.
    CreateTopic { spec: Box<TopicSpec> },
    /// `kafka-configs.sh --alter --entity-type topics --add-config name=value`.
    SetTopicConfig { topic: String, name: String, value: String },
    /// A partition reassignment that changes every partition's replication factor: new replicas go to the
    /// least-loaded brokers and catch up; removed ones are followers from the end of each replica list.
    ChangeReplicationFactor { topic: String, replication_factor: u16 },
    /// `kafka-topics.sh --alter --partitions N`: grow a topic to `partitions` in all. Keys hash over the new
    /// count from then on, so most keys move to other partitions.
    AddPartitions { topic: String, partitions: u32 },
    /// Start a new producer (it is numbered after the existing ones).
    AddProducer { spec: Box<ProducerSpec> },
    /// Start a new consumer group with its members (it is numbered after the existing ones).
    AddGroup { spec: Box<GroupSpec> },
}

/// Why a command could not be carried out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    NoSuchGroup(usize),
    NoSuchProducer(usize),
    NoSuchBroker(BrokerId),
    /// The command makes no sense in the current state, e.g. starting a broker that is up.
    Refused(String),
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CommandError::NoSuchGroup(g) => write!(f, "there is no consumer group number {g}"),
            CommandError::NoSuchProducer(p) => write!(f, "there is no producer number {p}"),
            CommandError::NoSuchBroker(b) => write!(f, "there is no broker {b}"),
            CommandError::Refused(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for CommandError {}
