//! A group's configuration: the consumer settings every member shares and the broker settings the
//! coordinator applies, with Kafka's names and defaults (kafka-reference.md §6).

use crate::engine::assignor::AssignorKind;
use crate::engine::types::Millis;
use crate::scenario::{AssignorSpec, AutoOffsetResetSpec, GroupProtocolSpec, GroupSpec};

/// `group.initial.rebalance.delay.ms` (broker, default 3 000): how long the coordinator waits for more
/// members when an Empty group gets its first one.
pub const INITIAL_REBALANCE_DELAY_MS: Millis = 3_000;

/// Kafka's `group.protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupProtocol {
    /// JoinGroup/SyncGroup, client-side assignor (`ClassicGroup`, `ConsumerCoordinator`).
    Classic,
    /// KIP-848: `ConsumerGroupHeartbeat`, server-side assignor (`ConsumerGroup`, `GroupMetadataManager`).
    Consumer,
}

impl GroupProtocol {
    pub fn name(&self) -> &'static str {
        match self {
            GroupProtocol::Classic => "classic",
            GroupProtocol::Consumer => "consumer",
        }
    }
}

/// How the classic protocol hands partitions over (`ConsumerPartitionAssignor.RebalanceProtocol`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RebalanceProtocol {
    /// Every member revokes everything before rejoining.
    Eager,
    /// Only partitions that move are revoked, then a follow-up rebalance hands them over (§2.5).
    Cooperative,
}

impl RebalanceProtocol {
    pub fn name(&self) -> &'static str {
        match self {
            RebalanceProtocol::Eager => "eager",
            RebalanceProtocol::Cooperative => "cooperative",
        }
    }
}

/// Kafka's `auto.offset.reset`: where a member starts when it has no valid position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OffsetReset {
    /// The log start offset.
    Earliest,
    /// The high watermark (read_uncommitted).
    Latest,
    /// No reset: the application gets `NoOffsetForPartitionException` / `OffsetOutOfRangeException`.
    None,
}

impl OffsetReset {
    /// The config value as Kafka spells it.
    pub fn name(&self) -> &'static str {
        match self {
            OffsetReset::Earliest => "earliest",
            OffsetReset::Latest => "latest",
            OffsetReset::None => "none",
        }
    }
}

/// Everything a group's protocol reads of its configuration.
#[derive(Clone, Debug, PartialEq)]
pub struct GroupConfig {
    pub protocol: GroupProtocol,
    pub assignor: AssignorKind,
    pub session_timeout_ms: Millis,
    /// `heartbeat.interval.ms` (classic) or `group.consumer.heartbeat.interval.ms` (consumer).
    pub heartbeat_interval_ms: Millis,
    /// `max.poll.interval.ms`: the poll timer, and the classic rebalance timeout.
    pub max_poll_interval_ms: Millis,
    pub auto_offset_reset: OffsetReset,
    pub auto_commit_interval_ms: Millis,
    /// Records each member processes per virtual second (a member may be made slower).
    pub records_per_sec: f64,
    pub initial_rebalance_delay_ms: Millis,
    /// The scenario's settings this config came from (members left out): a config change edits and
    /// re-validates them as the scenario validator would.
    pub settings: GroupSpec,
    /// One-way delay between a member and its coordinator (the cluster's `network_latency_ms`): JoinGroup,
    /// SyncGroup and their responses each take one hop.
    pub network_latency_ms: Millis,
}

impl GroupConfig {
    /// The configuration a validated scenario gives a group.
    pub fn from_spec(spec: &GroupSpec, network_latency_ms: Millis) -> Self {
        let protocol = match spec.protocol {
            GroupProtocolSpec::Classic => GroupProtocol::Classic,
            GroupProtocolSpec::Consumer => GroupProtocol::Consumer,
        };
        GroupConfig {
            protocol,
            assignor: assignor_kind(protocol, spec.assignor),
            session_timeout_ms: spec.session_timeout_ms,
            heartbeat_interval_ms: match protocol {
                GroupProtocol::Classic => spec.heartbeat_interval_ms,
                GroupProtocol::Consumer => spec.consumer_heartbeat_interval_ms,
            },
            max_poll_interval_ms: spec.max_poll_interval_ms,
            auto_offset_reset: match spec.auto_offset_reset {
                AutoOffsetResetSpec::Earliest => OffsetReset::Earliest,
                AutoOffsetResetSpec::Latest => OffsetReset::Latest,
                AutoOffsetResetSpec::None => OffsetReset::None,
            },
            auto_commit_interval_ms: spec.auto_commit_interval_ms,
            records_per_sec: spec.records_per_sec,
            initial_rebalance_delay_ms: INITIAL_REBALANCE_DELAY_MS,
            network_latency_ms,
            settings: GroupSpec { members: Vec::new(), ..spec.clone() },
        }
    }

    /// One network hop between a member and the coordinator, at least 1 ms so that a request and its
    /// response are never the same instant.
    pub fn hop_ms(&self) -> Millis {
        self.network_latency_ms.max(1)
    }

    /// The classic rebalance protocol (§2.0, `ConsumerCoordinator`): the highest protocol every configured
    /// assignor supports. Simplification: a scenario configures one assignor, so COOPERATIVE exactly when
    /// it is cooperative-sticky.
    pub fn rebalance_protocol(&self) -> RebalanceProtocol {
        if self.assignor.supports_cooperative() { RebalanceProtocol::Cooperative } else { RebalanceProtocol::Eager }
    }

    /// What the view calls the way partitions move: eager, cooperative, or KIP-848's incremental reconciliation.
    pub fn handover_name(&self) -> &'static str {
        match self.protocol {
            GroupProtocol::Classic => self.rebalance_protocol().name(),
            GroupProtocol::Consumer => "incremental",
        }
    }
}

/// The assignor a protocol runs for a scenario's choice (none: Kafka's default for the protocol).
fn assignor_kind(protocol: GroupProtocol, spec: Option<AssignorSpec>) -> AssignorKind {
    match (protocol, spec) {
        (GroupProtocol::Classic, None | Some(AssignorSpec::Range)) => AssignorKind::Range,
        (GroupProtocol::Classic, Some(AssignorSpec::RoundRobin)) => AssignorKind::RoundRobin,
        (GroupProtocol::Classic, Some(AssignorSpec::Sticky)) => AssignorKind::Sticky,
        (GroupProtocol::Classic, Some(AssignorSpec::CooperativeSticky)) => AssignorKind::CooperativeSticky,
        // Validation refuses uniform under classic; the server's range is its nearest client cousin.
        (GroupProtocol::Classic, Some(AssignorSpec::Uniform)) => AssignorKind::Range,
        (GroupProtocol::Consumer, Some(AssignorSpec::Range)) => AssignorKind::ServerRange,
        (GroupProtocol::Consumer, _) => AssignorKind::Uniform,
    }
}
