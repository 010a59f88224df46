//! Replica placement at topic creation (kafka-reference.md §3.7).
//!
//! Two of Kafka's algorithms decide which brokers hold a new topic's replicas and who leads:
//! - [`striped`]: the KRaft controller's `StripedReplicaPlacer`, what Kafka 4.x uses for
//!   `CreateTopics` and `CreatePartitions` (randomised per call, striped across racks, fenced brokers last).
//! - [`legacy`]: `AdminUtils.assignReplicasToBrokers`, the ZooKeeper-era assignment still used by
//!   `kafka-reassign-partitions --generate` (round-robin leaders, followers at a growing shift).
//!
//! Both draw randomness the way `java.util.Random` does ([`java_random`]), so Kafka's own test vectors
//! (computed with Kafka's `MockRandom`) reproduce exactly, and the engine can feed its seeded `SimRng`.

pub mod java_random;
pub mod legacy;
pub mod striped;

use crate::engine::types::BrokerId;
use std::error::Error;
use std::fmt;

pub use java_random::{JavaLcg, JavaRandom, KafkaMockRandom, java_shuffle};
pub use legacy::{LegacyStart, assign_replicas_to_brokers, assign_replicas_with_start, rack_alternated_broker_list};
pub use striped::{StripedRackList, place_striped, striped_first_round};

/// What the controller knows about a broker when placing replicas (Kafka's `UsableBroker`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerInfo {
    /// The broker's `node.id`.
    pub id: BrokerId,
    /// `broker.rack`, if configured.
    pub rack: Option<String>,
    /// A fenced broker (not heartbeating to the controller) can hold a follower replica but never lead.
    pub fenced: bool,
}

impl BrokerInfo {
    /// An unfenced broker without a rack.
    pub fn new(id: BrokerId) -> Self {
        Self { id, rack: None, fenced: false }
    }

    /// The same broker in rack `rack`.
    pub fn in_rack(mut self, rack: impl Into<String>) -> Self {
        self.rack = Some(rack.into());
        self
    }

    /// The same broker, fenced.
    pub fn fenced(mut self) -> Self {
        self.fenced = true;
        self
    }
}

/// Why a placement was refused. `Display` prints Kafka's exact message; [`kafka_exception`](Self::kafka_exception)
/// names the exception class Kafka throws.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlacementError {
    /// Striped placer: replication factor ≤ 0 (`StripedReplicaPlacer.throwInvalidReplicationFactorIfNonPositive`).
    NonPositiveReplicationFactor { replication_factor: i32 },
    /// Striped placer: more replicas than registered (fenced or not) brokers.
    NotEnoughBrokers { replication_factor: i32, registered: usize },
    /// Striped placer: no unfenced broker could lead.
    AllBrokersFenced,
    /// Striped placer: one round over every rack found no broker left for this partition's epoch.
    /// Kafka's `RackList.place` would loop forever here; the engine refuses instead of hanging.
    StripedPlacerStuck { replication_factor: i32 },
    /// Legacy `AdminUtils`: `nPartitions <= 0`.
    LegacyNonPositivePartitions,
    /// Legacy `AdminUtils`: `replicationFactor <= 0`.
    LegacyNonPositiveReplicationFactor,
    /// Legacy `AdminUtils`: more replicas than brokers.
    LegacyNotEnoughBrokers { replication_factor: i32, available: usize },
    /// Legacy `AdminUtils`: some but not all brokers have a rack.
    LegacyIncompleteRackInformation,
}

impl PlacementError {
    /// The simple name of the Java exception Kafka raises for this error.
    pub fn kafka_exception(&self) -> &'static str {
        match self {
            Self::LegacyNonPositivePartitions => "InvalidPartitionsException",
            Self::LegacyIncompleteRackInformation => "AdminOperationException",
            Self::StripedPlacerStuck { .. } => "(none: Kafka does not return)",
            _ => "InvalidReplicationFactorException",
        }
    }
}

impl fmt::Display for PlacementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NonPositiveReplicationFactor { replication_factor } => {
                write!(f, "Invalid replication factor {replication_factor}: the replication factor must be positive.")
            }
            Self::NotEnoughBrokers { replication_factor, registered } => write!(
                f,
                "The target replication factor of {replication_factor} cannot be reached because only \
                 {registered} broker(s) are registered."
            ),
            Self::AllBrokersFenced => f.write_str("All brokers are currently fenced."),
            Self::StripedPlacerStuck { replication_factor } => write!(
                f,
                "No broker is left in this placement epoch for a replica of a partition with replication \
                 factor {replication_factor}."
            ),
            Self::LegacyNonPositivePartitions => f.write_str("Number of partitions must be larger than 0."),
            Self::LegacyNonPositiveReplicationFactor => f.write_str("Replication factor must be larger than 0."),
            Self::LegacyNotEnoughBrokers { replication_factor, available } => {
                write!(f, "Replication factor: {replication_factor} larger than available brokers: {available}.")
            }
            Self::LegacyIncompleteRackInformation => {
                f.write_str("Not all brokers have rack information for replica rack aware assignment.")
            }
        }
    }
}

impl Error for PlacementError {}

#[cfg(test)]
mod tests;
