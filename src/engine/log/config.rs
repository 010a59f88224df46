//! A topic's log configuration: the subset of Kafka's `LogConfig` that shapes segments, retention and compaction.

use std::fmt;

use crate::engine::types::Millis;

/// Kafka's `cleanup.policy` (`TopicConfig.CLEANUP_POLICY_CONFIG`), a list of `delete` and/or `compact`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CleanupPolicy {
    /// `delete` (the default): time and size retention remove whole old segments.
    #[default]
    Delete,
    /// `compact`: the cleaner keeps the latest record per key; only the log-start-offset rule deletes segments.
    Compact,
    /// `compact,delete`: both.
    CompactDelete,
}

impl CleanupPolicy {
    /// Whether `retention.ms` / `retention.bytes` apply (`LogConfig.delete`).
    pub fn deletes(self) -> bool {
        matches!(self, Self::Delete | Self::CompactDelete)
    }

    /// Whether the log cleaner compacts this log and records must carry keys (`LogConfig.compact`).
    pub fn compacts(self) -> bool {
        matches!(self, Self::Compact | Self::CompactDelete)
    }
}

impl fmt::Display for CleanupPolicy {
    /// The value as `kafka-configs --describe` prints it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Delete => "delete",
            Self::Compact => "compact",
            Self::CompactDelete => "compact,delete",
        })
    }
}

/// One topic's log settings. Field names follow the topic-level config names (`TopicConfig`).
///
/// Simplification: `segment.jitter.ms` is always 0 (its default), and the offset/time index never fills
/// (with the default `segment.index.bytes` it cannot before a 1 GiB segment is full).
#[derive(Clone, Debug, PartialEq)]
pub struct LogConfig {
    /// `segment.bytes`: a segment may fill to exactly this size; a batch larger than it is rejected.
    pub segment_bytes: u64,
    /// `segment.ms`: roll once the incoming batch is more than this newer than the segment's first batch.
    pub segment_ms: Millis,
    /// `retention.ms`; `None` is Kafka's `-1` (keep forever).
    pub retention_ms: Option<Millis>,
    /// `retention.bytes`; `None` is Kafka's `-1` (unlimited).
    pub retention_bytes: Option<u64>,
    /// `cleanup.policy`.
    pub cleanup_policy: CleanupPolicy,
    /// `min.cleanable.dirty.ratio`: the log is cleaned when its dirty ratio is strictly greater.
    pub min_cleanable_dirty_ratio: f64,
    /// `min.compaction.lag.ms`: segments with a record newer than this are not cleaned yet.
    pub min_compaction_lag_ms: Millis,
    /// `max.compaction.lag.ms`; `None` is Kafka's default `Long.MAX_VALUE` (never forces a clean).
    pub max_compaction_lag_ms: Option<Millis>,
    /// `delete.retention.ms`: how long a tombstone survives after the cleaner first sees it.
    pub delete_retention_ms: Millis,
    /// `max.message.bytes`: the largest record batch the log accepts.
    pub max_message_bytes: u64,
}

/// Kafka's defaults (`LogConfig.java`, `ServerLogConfigs.java`, `CleanerConfig.java`; reference §6).
impl Default for LogConfig {
    fn default() -> Self {
        const DAY_MS: Millis = 24 * 60 * 60 * 1000;
        Self {
            segment_bytes: 1024 * 1024 * 1024,
            segment_ms: 7 * DAY_MS,
            retention_ms: Some(7 * DAY_MS),
            retention_bytes: None,
            cleanup_policy: CleanupPolicy::Delete,
            min_cleanable_dirty_ratio: 0.5,
            min_compaction_lag_ms: 0,
            max_compaction_lag_ms: None,
            delete_retention_ms: DAY_MS,
            max_message_bytes: 1024 * 1024 + 12,
        }
    }
}
