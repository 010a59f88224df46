//! An immutable picture of the engine at one moment: everything the view draws, nothing it could mutate.

use std::sync::Arc;

use super::isr::ProduceError;
use super::producer::{OutcomeEvent, ProduceStats, ProducerConfig};
use super::trace::Narration;
use super::types::{BrokerId, Millis, Offset};

#[derive(Clone, Debug, PartialEq)]
pub struct Snapshot {
    pub time: Millis,
    pub brokers: Vec<BrokerView>,
    pub topics: Vec<TopicView>,
    pub producers: Vec<ProducerView>,
    pub groups: Vec<GroupView>,
    /// Records in motion (recent produce requests and consumer fetches), for the view to animate.
    pub flights: Vec<Flight>,
    /// The most recent narration lines, oldest first.
    pub narration: Vec<Narration>,
    pub events_processed: u64,
    /// Records producers were told are written that the cluster no longer holds as written.
    pub acknowledged_lost: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Leader,
    Follower,
}

impl Role {
    pub fn name(&self) -> &'static str {
        match self {
            Role::Leader => "leader",
            Role::Follower => "follower",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BrokerView {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub up: bool,
    /// Fenced by the controller: out of every ISR, cannot lead.
    pub fenced: bool,
    pub controller: bool,
    /// The replicas this broker hosts, ordered by topic then partition.
    pub replicas: Vec<ReplicaView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplicaView {
    /// Shared with every view of the topic: a snapshot holds one per replica and per member partition,
    /// tens of thousands at 5,000 partitions, and a `String` each was about 40 % of `snapshot()`'s time.
    pub topic: Arc<str>,
    pub partition: u32,
    pub broker: BrokerId,
    pub role: Role,
    pub in_sync: bool,
    pub log_start_offset: Offset,
    pub log_end_offset: Offset,
    pub high_watermark: Offset,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopicView {
    pub name: String,
    pub partitions: Vec<PartitionView>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartitionView {
    pub partition: u32,
    pub leader: Option<BrokerId>,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader_epoch: i32,
    pub high_watermark: Offset,
    pub log_end_offset: Offset,
    pub log_start_offset: Offset,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProducerView {
    pub name: String,
    pub topic: String,
    pub rate_per_sec: f64,
    pub acks: &'static str,
    pub stats: ProduceStats,
    /// The key distribution, described (`uniform over 1000 keys`, `hot: …`, `none (null keys)`).
    pub keys: String,
    /// `partitioner.class`: `default` (built-in) or `round_robin`.
    pub partitioner: &'static str,
    pub batch_size: u32,
    pub linger_ms: Millis,
    /// Unanswered requests per broker (`max.in.flight.requests.per.connection` bounds each).
    pub in_flight_requests: Vec<(BrokerId, u32)>,
    /// The most recent batch outcomes, oldest first (e.g. `NOT_ENOUGH_REPLICAS`, retrying).
    pub recent: Vec<OutcomeEvent>,
    /// Partitions whose last outcome was an error, with Kafka's name for it.
    pub troubled_partitions: Vec<(u32, &'static str)>,
    /// Every producer config the simulation honours (acks, batch.size, linger.ms, retries, timeouts, …).
    pub config: ProducerConfig,
    /// Partition batches sent and not yet answered, over all brokers.
    pub in_flight_batches: u32,
}

impl ProducerView {
    pub fn failures(&self) -> impl Iterator<Item = (ProduceError, u64)> + '_ {
        self.stats.failed.iter().map(|(e, n)| (*e, *n))
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupView {
    pub name: String,
    pub state: &'static str,
    pub generation: i32,
    pub assignor: &'static str,
    pub members: Vec<MemberView>,
    /// `group.protocol`: "classic" or "consumer" (KIP-848).
    pub protocol: &'static str,
    /// How partitions change hands: "eager", "cooperative" (classic) or "incremental" (consumer).
    pub rebalance_protocol: &'static str,
    /// Rebalances since the scenario began (classic join phases, KIP-848 group epoch bumps).
    pub rebalances: u64,
    /// Classic: the generation. Consumer protocol: the target assignment epoch (members converge on it;
    /// `generation` is then the group epoch).
    pub assignment_epoch: i32,
    /// `session.timeout.ms` (consumer protocol: `group.consumer.session.timeout.ms`).
    pub session_timeout_ms: u64,
    /// `max.poll.interval.ms`.
    pub max_poll_interval_ms: u64,
    /// `auto.offset.reset`: "earliest", "latest" or "none".
    pub auto_offset_reset: &'static str,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberView {
    pub member_id: String,
    pub client_id: String,
    pub partitions: Vec<MemberPartitionView>,
    /// Sum of the lag of the member's partitions.
    pub lag: u64,
    /// The engine's handle for commands (`group::MemberRef::Key`).
    pub key: u64,
    /// `group.instance.id` of a static member.
    pub instance_id: Option<String>,
    /// What the member is doing: "stable", "rejoining", "stuck", "crashed", "closed" (static, may come
    /// back), "left" or "error".
    pub state: &'static str,
    /// Why it left, or the exception its `poll()` throws (e.g. `NoOffsetForPartitionException: …`).
    pub detail: Option<String>,
    /// In the group with no partitions: a surplus member (more members than partitions), or one
    /// waiting for its share during a rebalance.
    pub idle: bool,
    /// Classic: generation of its assignment. Consumer protocol: its member epoch.
    pub generation: i32,
    /// Classic: whether it is the group leader (it runs the assignor).
    pub leader: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberPartitionView {
    /// Shared, as [`ReplicaView::topic`].
    pub topic: Arc<str>,
    pub partition: u32,
    pub position: Offset,
    pub committed: Option<Offset>,
    pub lag: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlightKind {
    /// A produce request from a producer to a partition leader.
    Produce { producer: String },
    /// Records fetched by a group member from a partition leader.
    Fetch { group: String, member_id: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flight {
    pub kind: FlightKind,
    pub topic: String,
    pub partition: u32,
    pub records: u64,
    /// The key of the last record, when the flight is small enough to label.
    pub key: Option<String>,
    pub started: Millis,
}

/// Everything about one partition that the inspector shows. Built on demand for the selected partition
/// (`Engine::partition_detail`), not every frame: with thousands of partitions the per-frame snapshot stays lean.
#[derive(Clone, Debug, PartialEq)]
pub struct PartitionDetail {
    pub topic: String,
    pub partition: u32,
    pub leader: Option<BrokerId>,
    pub leader_epoch: i32,
    pub replicas: Vec<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub cleanup_policy: super::log::CleanupPolicy,
    pub replica_logs: Vec<ReplicaLogDetail>,
}

/// One replica's log: its segments and its leader-epoch cache (which epoch wrote from which offset).
#[derive(Clone, Debug, PartialEq)]
pub struct ReplicaLogDetail {
    pub broker: BrokerId,
    pub log_start_offset: Offset,
    pub log_end_offset: Offset,
    pub high_watermark: Offset,
    pub size_bytes: u64,
    pub segments: Vec<super::log::SegmentView>,
    /// (epoch, start offset) pairs, oldest first.
    pub epochs: Vec<(i32, Offset)>,
    /// Share of the log the cleaner could compact now (0 on topics that are not compacted).
    pub dirty_ratio: f64,
}
