//! Retention: deleting whole old segments (`UnifiedLog.deleteOldSegments`; reference §4.2).

use super::PartitionLog;
use super::segment::Segment;
use crate::engine::types::{Millis, Offset};

/// Segments one retention rule deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DeletedSegments {
    pub segments: usize,
    pub bytes: u64,
    pub records: u64,
}

impl DeletedSegments {
    fn add(&mut self, other: DeletedSegments) {
        self.segments += other.segments;
        self.bytes += other.bytes;
        self.records += other.records;
    }
}

/// What one retention pass deleted, rule by rule, in the order Kafka applies them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RetentionOutcome {
    /// Segments entirely below the log start offset (every cleanup policy).
    pub log_start_breach: DeletedSegments,
    /// Oldest segments beyond `retention.bytes` (policies with `delete`).
    pub size_breach: DeletedSegments,
    /// Segments whose newest record is older than `retention.ms` (policies with `delete`).
    pub time_breach: DeletedSegments,
    /// Whether a new empty active segment was rolled because every segment was deleted.
    pub rolled_new_active: bool,
    /// The log start offset after the pass.
    pub log_start_offset: Offset,
}

impl RetentionOutcome {
    /// Everything deleted by the pass.
    pub fn total(&self) -> DeletedSegments {
        let mut total = self.log_start_breach;
        total.add(self.size_breach);
        total.add(self.time_breach);
        total
    }
}

impl PartitionLog {
    /// One retention pass (`UnifiedLog.deleteOldSegments`), run every `log.retention.check.interval.ms`:
    /// the log-start-offset breach, then `retention.bytes`, then `retention.ms` (the last two only when
    /// `cleanup.policy` includes `delete`). Each rule deletes oldest segments while they qualify, and only
    /// segments wholly below `high_watermark`; a last segment that is empty is never deleted. When every
    /// segment qualifies, an empty active segment is rolled first so the log keeps one. The log start offset
    /// then moves to the first remaining segment's base offset (never backward).
    pub fn apply_retention(&mut self, now: Millis, high_watermark: Offset) -> RetentionOutcome {
        let mut outcome = RetentionOutcome::default();
        let log_start = self.log_start_offset;
        outcome.log_start_breach =
            self.delete_old_segments(now, high_watermark, &mut outcome.rolled_new_active, |_, next| {
                next.is_some_and(|n| n.base_offset <= log_start)
            });
        if self.config.cleanup_policy.deletes() {
            outcome.size_breach = self.delete_size_breached(now, high_watermark, &mut outcome.rolled_new_active);
            outcome.time_breach = self.delete_time_breached(now, high_watermark, &mut outcome.rolled_new_active);
        }
        outcome.log_start_offset = self.log_start_offset;
        outcome
    }

    /// `deleteRetentionSizeBreachedSegments`: with `excess = size − retention.bytes` (nothing when the log is
    /// smaller), delete oldest segments while the excess still covers the whole segment.
    fn delete_size_breached(&mut self, now: Millis, high_watermark: Offset, rolled: &mut bool) -> DeletedSegments {
        let Some(retention_bytes) = self.config.retention_bytes else {
            return DeletedSegments::default();
        };
        if self.size_bytes < retention_bytes {
            return DeletedSegments::default();
        }
        let mut excess = self.size_bytes - retention_bytes;
        self.delete_old_segments(now, high_watermark, rolled, |segment, _| {
            let fits = excess >= segment.size_bytes;
            if fits {
                excess -= segment.size_bytes;
            }
            fits
        })
    }

    /// `deleteRetentionMsBreachedSegments`: `now − segment.largestTimestamp > retention.ms`.
    fn delete_time_breached(&mut self, now: Millis, high_watermark: Offset, rolled: &mut bool) -> DeletedSegments {
        let Some(retention_ms) = self.config.retention_ms else {
            return DeletedSegments::default();
        };
        self.delete_old_segments(now, high_watermark, rolled, |segment, _| {
            i128::from(now) - i128::from(segment.largest_timestamp()) > i128::from(retention_ms)
        })
    }

    /// `UnifiedLog.deleteOldSegments(predicate)`: find the deletable prefix, then delete it.
    fn delete_old_segments(
        &mut self,
        now: Millis,
        high_watermark: Offset,
        rolled: &mut bool,
        predicate: impl FnMut(&Segment, Option<&Segment>) -> bool,
    ) -> DeletedSegments {
        let count = self.deletable_prefix_len(high_watermark, predicate);
        self.delete_segments(count, now, rolled)
    }

    /// `UnifiedLog.deletableSegments`: walk from the oldest segment and stop at the first that is not wholly
    /// below the high watermark, fails the predicate, or is an empty last segment.
    fn deletable_prefix_len(
        &self,
        high_watermark: Offset,
        mut predicate: impl FnMut(&Segment, Option<&Segment>) -> bool,
    ) -> usize {
        let mut count = 0;
        while count < self.segments.len() {
            let segment = &self.segments[count];
            let next = self.segments.get(count + 1);
            let is_last_and_empty = next.is_none() && segment.size_bytes == 0;
            let below_high_watermark = high_watermark >= self.segment_end(count);
            if !(below_high_watermark && predicate(segment, next) && !is_last_and_empty) {
                break;
            }
            count += 1;
        }
        count
    }

    /// `UnifiedLog.deleteSegments`: remove the `count` oldest segments, rolling first if that is all of them,
    /// then raise the log start offset to the first remaining base offset.
    fn delete_segments(&mut self, mut count: usize, now: Millis, rolled: &mut bool) -> DeletedSegments {
        let mut deleted = DeletedSegments::default();
        if count == 0 {
            return deleted;
        }
        if count == self.segments.len() {
            let last_deletable_base = self.segments[count - 1].base_offset;
            self.roll(self.log_end_offset, now);
            *rolled = true;
            if last_deletable_base == self.active().base_offset {
                count -= 1;
            }
        }
        for segment in self.segments.drain(..count) {
            deleted.segments += 1;
            deleted.bytes += segment.size_bytes;
            deleted.records += segment.records;
        }
        self.size_bytes -= deleted.bytes;
        self.log_start_offset = self.log_start_offset.max(self.segments[0].base_offset);
        deleted
    }
}
