//! The serde model of a scenario: what cluster to build and what clients run against it.
//!
//! Field names follow Kafka's configuration names where one exists (in snake_case), so that a scenario
//! reads like a Kafka deployment. Every field has a limit in `limits.rs`, checked by `validate`.

use serde::{Deserialize, Serialize};

use crate::engine::command::Command;
use crate::engine::{BrokerId, Millis};

/// The current scenario format version. Loading accepts this version and older ones it knows.
pub const SCENARIO_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub version: u32,
    pub name: String,
    /// Seeds the engine's PRNG: same scenario and seed ⇒ same history.
    pub seed: u64,
    pub cluster: ClusterSpec,
    pub topics: Vec<TopicSpec>,
    pub producers: Vec<ProducerSpec>,
    pub groups: Vec<GroupSpec>,
    /// What the user did, in order: replaying these at their times reproduces the history they saw.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<TimedCommand>,
}

/// One user action and the virtual time it was taken at. Replay runs the engine to `at_ms` (every event due
/// by then) and then applies the command, exactly as the live app did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimedCommand {
    pub at_ms: Millis,
    pub command: Command,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    pub brokers: Vec<BrokerSpec>,
    /// One-way network delay between any two nodes, in virtual ms.
    #[serde(default = "defaults::network_latency_ms")]
    pub network_latency_ms: u64,
    /// Kafka's `replica.lag.time.max.ms` (default 30 000).
    #[serde(default = "defaults::replica_lag_time_max_ms")]
    pub replica_lag_time_max_ms: u64,
    /// How often an idle follower polls its leader (Kafka's `replica.fetch.wait.max.ms`, default 500).
    #[serde(default = "defaults::replica_fetch_wait_max_ms")]
    pub replica_fetch_wait_max_ms: u64,
    /// KRaft `broker.session.timeout.ms` (default 9 000): a broker silent this long is fenced.
    #[serde(default = "defaults::broker_session_timeout_ms")]
    pub broker_session_timeout_ms: u64,
    /// KRaft `broker.heartbeat.interval.ms` (default 2 000).
    #[serde(default = "defaults::broker_heartbeat_interval_ms")]
    pub broker_heartbeat_interval_ms: u64,
    /// The KRaft controller quorum's voters (brokers in combined mode). Default: the three lowest broker ids
    /// (or all brokers when there are fewer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub controller_quorum_voters: Option<Vec<BrokerId>>,
    /// `auto.leader.rebalance.enable` (default true): move leadership back to preferred replicas periodically.
    #[serde(default = "defaults::auto_leader_rebalance_enable")]
    pub auto_leader_rebalance_enable: bool,
    /// `leader.imbalance.check.interval.seconds` (default 300).
    #[serde(default = "defaults::leader_imbalance_check_interval_seconds")]
    pub leader_imbalance_check_interval_seconds: u64,
    /// `log.retention.check.interval.ms` (default 300 000): how often brokers apply retention.
    #[serde(default = "defaults::log_retention_check_interval_ms")]
    pub log_retention_check_interval_ms: u64,
    /// `log.cleaner.backoff.ms` (default 15 000): how often an idle log cleaner looks for work.
    #[serde(default = "defaults::log_cleaner_backoff_ms")]
    pub log_cleaner_backoff_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BrokerSpec {
    pub id: BrokerId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rack: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicSpec {
    pub name: String,
    pub partitions: u32,
    pub replication_factor: u16,
    #[serde(default = "defaults::min_insync_replicas")]
    pub min_insync_replicas: u16,
    #[serde(default)]
    pub placement: Placement,
    /// `unclean.leader.election.enable` (default false): let an out-of-sync replica lead when no in-sync
    /// replica is alive, trading acknowledged data for availability.
    #[serde(default)]
    pub unclean_leader_election_enable: bool,
    /// `retention.ms` (default 7 days; -1: keep forever).
    #[serde(default = "defaults::retention_ms")]
    pub retention_ms: i64,
    /// `retention.bytes` per partition (default -1: no size limit).
    #[serde(default = "defaults::retention_bytes")]
    pub retention_bytes: i64,
    /// `segment.bytes` (default 1 GiB; at least 1 MiB since Kafka 4.0).
    #[serde(default = "defaults::segment_bytes")]
    pub segment_bytes: u64,
    /// `segment.ms` (default 7 days).
    #[serde(default = "defaults::segment_ms")]
    pub segment_ms: u64,
    /// `cleanup.policy` (default delete).
    #[serde(default)]
    pub cleanup_policy: CleanupPolicySpec,
    /// `min.cleanable.dirty.ratio` (default 0.5).
    #[serde(default = "defaults::min_cleanable_dirty_ratio")]
    pub min_cleanable_dirty_ratio: f64,
    /// `delete.retention.ms`: how long tombstones survive after the first cleaning (default 1 day).
    #[serde(default = "defaults::delete_retention_ms")]
    pub delete_retention_ms: u64,
    /// `min.compaction.lag.ms` (default 0).
    #[serde(default)]
    pub min_compaction_lag_ms: u64,
}

/// Kafka's `cleanup.policy` values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum CleanupPolicySpec {
    #[default]
    #[serde(rename = "delete")]
    Delete,
    #[serde(rename = "compact")]
    Compact,
    #[serde(rename = "compact,delete")]
    CompactDelete,
}

/// How replicas are laid out on brokers when the topic is created.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Placement {
    /// Kafka's KRaft striped placer, with its random start drawn from the scenario's seed.
    #[default]
    Striped,
    /// The striped placer's first round with a fixed start offset: partition p leads on broker
    /// `sorted_brokers[(start + p) % n]`. The default scenario uses start 0 to match the seed's picture.
    StripedFrom { start: u32 },
    /// Explicit replica lists, as `kafka-topics --replica-assignment` takes them; the first replica is preferred leader.
    Manual { replicas: Vec<Vec<BrokerId>> },
}

/// A producer client. Tuning fields carry Kafka's `ProducerConfig` names (in snake_case) and defaults
/// (kafka-reference.md §6), so a scenario without them behaves like a stock Kafka 4.0 producer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProducerSpec {
    pub name: String,
    pub topic: String,
    /// Records per virtual second.
    pub rate_per_sec: f64,
    pub keys: KeySpec,
    #[serde(default)]
    pub acks: AcksSpec,
    /// `batch.size` in bytes (default 16 384).
    #[serde(default = "defaults::batch_size")]
    pub batch_size: u32,
    /// `linger.ms` (default 5 since Kafka 4.0, KIP-1030; 0 before).
    #[serde(default = "defaults::linger_ms")]
    pub linger_ms: u64,
    /// `retries` (default `Integer.MAX_VALUE`: retry until `delivery.timeout.ms`).
    #[serde(default = "defaults::retries")]
    pub retries: u32,
    /// `retry.backoff.ms` (default 100).
    #[serde(default = "defaults::retry_backoff_ms")]
    pub retry_backoff_ms: u64,
    /// `delivery.timeout.ms` (default 120 000); must be ≥ `linger.ms` + `request.timeout.ms`.
    #[serde(default = "defaults::delivery_timeout_ms")]
    pub delivery_timeout_ms: u64,
    /// `request.timeout.ms` (default 30 000).
    #[serde(default = "defaults::request_timeout_ms")]
    pub request_timeout_ms: u64,
    /// `max.in.flight.requests.per.connection` (default 5).
    #[serde(default = "defaults::max_in_flight_requests_per_connection")]
    pub max_in_flight_requests_per_connection: u32,
    /// `partitioner.class`: unset (the built-in partitioner) or `RoundRobinPartitioner`.
    #[serde(default)]
    pub partitioner: PartitionerSpec,
    /// Not a Kafka config (values are the application's): the percentage of keyed records sent with a
    /// null value, i.e. tombstones, which matter on a compacted topic (default 0).
    #[serde(default)]
    pub tombstone_share_percent: u32,
}

impl ProducerSpec {
    /// A producer with every tuning field at Kafka's default.
    pub fn new(name: impl Into<String>, topic: impl Into<String>, rate_per_sec: f64, keys: KeySpec) -> Self {
        ProducerSpec {
            name: name.into(),
            topic: topic.into(),
            rate_per_sec,
            keys,
            acks: AcksSpec::default(),
            batch_size: defaults::batch_size(),
            linger_ms: defaults::linger_ms(),
            retries: defaults::retries(),
            retry_backoff_ms: defaults::retry_backoff_ms(),
            delivery_timeout_ms: defaults::delivery_timeout_ms(),
            request_timeout_ms: defaults::request_timeout_ms(),
            max_in_flight_requests_per_connection: defaults::max_in_flight_requests_per_connection(),
            partitioner: PartitionerSpec::default(),
            tombstone_share_percent: 0,
        }
    }
}

/// Which keys the producer writes. Keys are strings `prefix + n`, like `order-101`, hashed with murmur2.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeySpec {
    /// How records draw their key (default `uniform`).
    #[serde(default)]
    pub distribution: KeyDistribution,
    #[serde(default = "defaults::key_prefix")]
    pub prefix: String,
    /// First key number (`order-101` has first 101).
    #[serde(default)]
    pub first: u64,
    /// How many distinct keys.
    #[serde(default = "defaults::key_count")]
    pub count: u32,
    /// `hot` only: the percentage of records that carry the first key (`prefix + first`).
    #[serde(default = "defaults::hot_share_percent")]
    pub hot_share_percent: u32,
}

impl KeySpec {
    /// Keys `prefix + first .. prefix + (first + count − 1)`, each record drawing one uniformly.
    pub fn uniform(prefix: impl Into<String>, first: u64, count: u32) -> Self {
        KeySpec {
            distribution: KeyDistribution::Uniform,
            prefix: prefix.into(),
            first,
            count,
            hot_share_percent: defaults::hot_share_percent(),
        }
    }

    /// Like `uniform`, but key `prefix + first` carries `share_percent` % of the records.
    pub fn hot(prefix: impl Into<String>, first: u64, count: u32, share_percent: u32) -> Self {
        KeySpec {
            distribution: KeyDistribution::Hot,
            hot_share_percent: share_percent,
            ..Self::uniform(prefix, first, count)
        }
    }

    /// Records without a key (null keys): the built-in partitioner spreads them with KIP-794.
    pub fn none() -> Self {
        KeySpec {
            distribution: KeyDistribution::None,
            ..Self::uniform(defaults::key_prefix(), 0, defaults::key_count())
        }
    }
}

/// How a producer's records draw their key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum KeyDistribution {
    /// Every key equally likely.
    #[default]
    Uniform,
    /// One key carries `hot_share_percent` % of the records, the others share the rest evenly.
    Hot,
    /// No key at all (a null key).
    None,
}

/// Kafka's `partitioner.class`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PartitionerSpec {
    /// Unset: the built-in partitioner (murmur2 for keys, KIP-794 uniform sticky for null keys).
    #[default]
    Default,
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner`: ignores keys.
    RoundRobin,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AcksSpec {
    #[serde(rename = "0")]
    Zero,
    #[serde(rename = "1")]
    One,
    /// Kafka's default (`acks=all`, i.e. -1).
    #[default]
    #[serde(alias = "-1")]
    All,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    pub name: String,
    pub topics: Vec<String>,
    pub members: Vec<MemberSpec>,
    /// Records each member processes per virtual second.
    pub records_per_sec: f64,
    /// Kafka's `auto.commit.interval.ms` (default 5 000).
    #[serde(default = "defaults::auto_commit_interval_ms")]
    pub auto_commit_interval_ms: u64,
    /// Kafka's `group.protocol` (default `classic`; `consumer` is KIP-848).
    #[serde(default)]
    pub protocol: GroupProtocolSpec,
    /// Kafka's `partition.assignment.strategy` under the classic protocol, `group.remote.assignor` under
    /// the consumer protocol. Absent means Kafka's default: `range` (classic; the default list
    /// `[RangeAssignor, CooperativeStickyAssignor]` elects range, §2.0) or `uniform` (consumer, the first
    /// of `group.consumer.assignors`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignor: Option<AssignorSpec>,
    /// Kafka's `session.timeout.ms` (default 45 000); under the consumer protocol it stands for the
    /// broker's `group.consumer.session.timeout.ms` (default 45 000 as well).
    #[serde(default = "defaults::session_timeout_ms")]
    pub session_timeout_ms: u64,
    /// Kafka's `heartbeat.interval.ms` (default 3 000), classic protocol.
    #[serde(default = "defaults::heartbeat_interval_ms")]
    pub heartbeat_interval_ms: u64,
    /// The broker's `group.consumer.heartbeat.interval.ms` (default 5 000), consumer protocol.
    #[serde(default = "defaults::consumer_heartbeat_interval_ms")]
    pub consumer_heartbeat_interval_ms: u64,
    /// Kafka's `max.poll.interval.ms` (default 300 000); also the classic rebalance timeout.
    #[serde(default = "defaults::max_poll_interval_ms")]
    pub max_poll_interval_ms: u64,
    /// Kafka's `auto.offset.reset` (default `latest`).
    #[serde(default)]
    pub auto_offset_reset: AutoOffsetResetSpec,
}

impl GroupSpec {
    /// A group with every protocol setting at Kafka's default (classic protocol, range assignor).
    pub fn new(name: impl Into<String>, topics: Vec<String>, members: Vec<MemberSpec>, records_per_sec: f64) -> Self {
        GroupSpec {
            name: name.into(),
            topics,
            members,
            records_per_sec,
            auto_commit_interval_ms: defaults::auto_commit_interval_ms(),
            protocol: GroupProtocolSpec::default(),
            assignor: None,
            session_timeout_ms: defaults::session_timeout_ms(),
            heartbeat_interval_ms: defaults::heartbeat_interval_ms(),
            consumer_heartbeat_interval_ms: defaults::consumer_heartbeat_interval_ms(),
            max_poll_interval_ms: defaults::max_poll_interval_ms(),
            auto_offset_reset: AutoOffsetResetSpec::default(),
        }
    }
}

/// Kafka's `group.protocol`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum GroupProtocolSpec {
    /// JoinGroup/SyncGroup with a client-side assignor (§5.1).
    #[default]
    Classic,
    /// KIP-848: heartbeats and a server-side assignor (§5.2).
    Consumer,
}

/// An assignor by the name it registers under (`ConsumerPartitionAssignor.name()`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssignorSpec {
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    #[serde(rename = "sticky")]
    Sticky,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
    #[serde(rename = "uniform")]
    Uniform,
}

impl AssignorSpec {
    pub fn name(&self) -> &'static str {
        match self {
            AssignorSpec::Range => "range",
            AssignorSpec::RoundRobin => "roundrobin",
            AssignorSpec::Sticky => "sticky",
            AssignorSpec::CooperativeSticky => "cooperative-sticky",
            AssignorSpec::Uniform => "uniform",
        }
    }
}

/// Kafka's `auto.offset.reset`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AutoOffsetResetSpec {
    Earliest,
    #[default]
    Latest,
    None,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberSpec {
    /// The consumer's `client.id`; the member id is derived from it as the coordinator does (`client.id-<uuid>`).
    pub client_id: String,
    /// `group.instance.id` for static membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

/// Kafka's defaults for the fields above (kafka-reference.md §6).
pub(crate) mod defaults {
    pub fn network_latency_ms() -> u64 {
        2
    }
    pub fn replica_lag_time_max_ms() -> u64 {
        30_000
    }
    pub fn replica_fetch_wait_max_ms() -> u64 {
        500
    }
    pub fn min_insync_replicas() -> u16 {
        1
    }
    pub fn auto_commit_interval_ms() -> u64 {
        5_000
    }
    pub fn broker_session_timeout_ms() -> u64 {
        9_000
    }
    pub fn broker_heartbeat_interval_ms() -> u64 {
        2_000
    }
    pub fn auto_leader_rebalance_enable() -> bool {
        true
    }
    pub fn leader_imbalance_check_interval_seconds() -> u64 {
        300
    }
    pub fn log_retention_check_interval_ms() -> u64 {
        300_000
    }
    pub fn log_cleaner_backoff_ms() -> u64 {
        15_000
    }
    pub fn retention_ms() -> i64 {
        7 * 24 * 3_600_000
    }
    pub fn retention_bytes() -> i64 {
        -1
    }
    pub fn segment_bytes() -> u64 {
        1 << 30
    }
    pub fn segment_ms() -> u64 {
        7 * 24 * 3_600_000
    }
    pub fn min_cleanable_dirty_ratio() -> f64 {
        0.5
    }
    pub fn delete_retention_ms() -> u64 {
        24 * 3_600_000
    }
    pub fn batch_size() -> u32 {
        16_384
    }
    /// Kafka 4.0's default (KIP-1030 raised it from 0): a few ms of waiting buys much larger batches.
    pub fn linger_ms() -> u64 {
        5
    }
    pub fn retries() -> u32 {
        i32::MAX as u32
    }
    pub fn retry_backoff_ms() -> u64 {
        100
    }
    pub fn delivery_timeout_ms() -> u64 {
        120_000
    }
    pub fn request_timeout_ms() -> u64 {
        30_000
    }
    pub fn max_in_flight_requests_per_connection() -> u32 {
        5
    }
    /// Not Kafka's (keys are the application's): the prefix of keys a scenario does not name.
    pub fn key_prefix() -> String {
        "key-".into()
    }
    /// Not Kafka's: how many keys a scenario that does not say draws from.
    pub fn key_count() -> u32 {
        1_000
    }
    /// Not Kafka's: the share of the hot key when a `hot` distribution does not say.
    pub fn hot_share_percent() -> u32 {
        90
    }
    pub fn session_timeout_ms() -> u64 {
        45_000
    }
    pub fn heartbeat_interval_ms() -> u64 {
        3_000
    }
    pub fn consumer_heartbeat_interval_ms() -> u64 {
        5_000
    }
    pub fn max_poll_interval_ms() -> u64 {
        300_000
    }
}
