//! Log maintenance on every broker: retention (`LogManager.cleanupLogs`, every
//! `log.retention.check.interval.ms`) and compaction (the `LogCleaner` threads, which look for the dirtiest
//! log every `log.cleaner.backoff.ms`). The rules themselves live in `log/retention.rs` and
//! `log/compaction.rs`; this module decides when they run, on which replicas, and says what they did.

use super::admin::Periodic;
use super::cluster::Partition;
use super::events::Event;
use super::log::{CleanupPolicy, LogConfig};
use super::sim::Engine;
use super::snapshot::{PartitionDetail, ReplicaLogDetail};
use super::types::{BrokerId, Millis};
use crate::scenario::{CleanupPolicySpec, TopicSpec};

/// How often brokers run retention and the cleaner (cluster-wide broker configs).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MaintenanceConfig {
    pub retention_check_interval_ms: Millis,
    pub cleaner_backoff_ms: Millis,
}

/// The log configuration a topic's replicas use: its topic-level configs over Kafka's defaults.
pub fn log_config_for(spec: &TopicSpec) -> LogConfig {
    LogConfig {
        segment_bytes: spec.segment_bytes,
        segment_ms: spec.segment_ms,
        // Kafka's -1 (and, by validation, nothing else below 0) means "no limit".
        retention_ms: u64::try_from(spec.retention_ms).ok(),
        retention_bytes: u64::try_from(spec.retention_bytes).ok(),
        cleanup_policy: match spec.cleanup_policy {
            CleanupPolicySpec::Delete => CleanupPolicy::Delete,
            CleanupPolicySpec::Compact => CleanupPolicy::Compact,
            CleanupPolicySpec::CompactDelete => CleanupPolicy::CompactDelete,
        },
        min_cleanable_dirty_ratio: spec.min_cleanable_dirty_ratio,
        min_compaction_lag_ms: spec.min_compaction_lag_ms,
        delete_retention_ms: spec.delete_retention_ms,
        ..LogConfig::default()
    }
}

/// What one broker's maintenance pass did to the logs it leads, for one narration line.
#[derive(Default)]
struct PassSummary {
    partitions: Vec<String>,
    segments: usize,
    records: u64,
}

impl PassSummary {
    fn add(&mut self, partition: String, segments: usize, records: u64) {
        self.partitions.push(partition);
        self.segments += segments;
        self.records += records;
    }

    /// "orders-0, orders-2" or "orders-0, orders-2 and 5 more": names a few, never floods the log.
    fn partition_list(&self) -> String {
        const NAMED: usize = 3;
        let named = self.partitions.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
        match self.partitions.len().saturating_sub(NAMED) {
            0 => named,
            more => format!("{named} and {more} more"),
        }
    }
}

impl Engine {
    /// `LogManager.cleanupLogs`: every replica on the broker deletes the old segments its rules allow, each
    /// below its own high watermark. A stopped broker does nothing, and checks again an interval later.
    pub(super) fn on_log_retention(&mut self, broker: BrokerId) {
        if !self.periodic_continues(broker, Periodic::LogRetention) {
            return;
        }
        let now = self.now;
        if self.broker_up(broker) {
            self.retention_passes += 1;
            let summary = self.maintain_replicas(broker, |partition| {
                let replica = partition.replica_logs.get_mut(&broker)?;
                let deleted = replica.log.apply_retention(now, replica.high_watermark).total();
                if deleted.segments == 0 {
                    return None;
                }
                if partition.leader == Some(broker) {
                    partition.forget_acked_below_log_start();
                }
                Some((deleted.segments, deleted.records))
            });
            self.narrate_pass(&summary, |s| {
                format!(
                    "broker {broker}: retention deleted {} segment(s), {} records, from {}",
                    s.segments,
                    s.records,
                    s.partition_list()
                )
            });
        }
        let next = now + self.maintenance.retention_check_interval_ms;
        self.queue.schedule(next, Event::LogRetention { broker });
    }

    /// The log cleaner: compacts every replica on the broker whose dirty ratio exceeds
    /// `min.cleanable.dirty.ratio` (or whose dirty records are older than `max.compaction.lag.ms`).
    ///
    /// Simplification: Kafka's cleaner threads take one log at a time, dirtiest first, and back off only when
    /// none needs cleaning; here every log that needs it is cleaned in one pass per back-off interval.
    pub(super) fn on_log_cleaner(&mut self, broker: BrokerId) {
        if !self.periodic_continues(broker, Periodic::LogCleaner) {
            return;
        }
        let now = self.now;
        if self.broker_up(broker) {
            let summary = self.maintain_replicas(broker, |partition| {
                let replica = partition.replica_logs.get_mut(&broker)?;
                if !replica.log.config().cleanup_policy.compacts()
                    || !replica.log.needs_cleaning(now, replica.high_watermark)
                {
                    return None;
                }
                let cleaned = replica.log.clean(now, replica.high_watermark);
                let removed = cleaned.records_removed + cleaned.tombstones_removed;
                (cleaned.ran && removed > 0)
                    .then(|| (cleaned.segments_before.saturating_sub(cleaned.segments_after), removed))
            });
            self.narrate_pass(&summary, |s| {
                format!(
                    "broker {broker}: log cleaner compacted {}, removing {} superseded records and tombstones",
                    s.partition_list(),
                    s.records
                )
            });
        }
        let next = now + self.maintenance.cleaner_backoff_ms;
        self.queue.schedule(next, Event::LogCleaner { broker });
    }

    /// Run `work` on every partition with a replica on `broker`; `work` returns the (segments, records) it
    /// removed, if any. The summary counts only the partitions the broker leads (what a person follows),
    /// and names a partition only when something happened to it.
    fn maintain_replicas(
        &mut self,
        broker: BrokerId,
        mut work: impl FnMut(&mut Partition) -> Option<(usize, u64)>,
    ) -> PassSummary {
        let mut summary = PassSummary::default();
        for at in self.each_partition() {
            let partition = self.partition_mut(at);
            if let Some((segments, records)) = work(partition).filter(|_| partition.leader == Some(broker)) {
                summary.add(partition.tp.to_string(), segments, records);
            }
        }
        summary
    }

    /// One narration line for a maintenance pass that did something to the broker's leader logs.
    fn narrate_pass(&mut self, summary: &PassSummary, text: impl FnOnce(&PassSummary) -> String) {
        if summary.partitions.is_empty() {
            return;
        }
        self.narration.push(self.now, text(summary));
        self.visible_changes += 1;
    }
}

impl Engine {
    /// The inspector's view of one partition, or `None` if there is no such partition.
    pub fn partition_detail(&self, topic: &str, partition: u32) -> Option<PartitionDetail> {
        let p = self.topics.iter().find(|t| t.name == topic)?.partitions.get(partition as usize)?;
        let now = self.now;
        let replica_logs = p
            .replica_logs
            .iter()
            .map(|(&broker, r)| ReplicaLogDetail {
                broker,
                log_start_offset: r.log.log_start_offset(),
                log_end_offset: r.log.log_end_offset(),
                high_watermark: r.high_watermark,
                size_bytes: r.log.size_bytes(),
                segments: r.log.segments().collect(),
                epochs: r.epochs.entries(),
                dirty_ratio: if r.log.config().cleanup_policy.compacts() {
                    r.log.dirty_ratio(now, r.high_watermark)
                } else {
                    0.0
                },
            })
            .collect();
        Some(PartitionDetail {
            topic: topic.to_string(),
            partition,
            leader: p.leader,
            leader_epoch: p.leader_epoch,
            replicas: p.replicas.clone(),
            isr: p.isr.clone(),
            cleanup_policy: p
                .replica_logs
                .values()
                .next()
                .map_or(CleanupPolicy::Delete, |r| r.log.config().cleanup_policy),
            replica_logs,
        })
    }
}
