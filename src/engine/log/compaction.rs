//! Compaction: keep the latest record per key (`LogCleaner`, `Cleaner`, `LogCleanerManager`; reference §4.3).

use std::collections::BTreeMap;
use std::ops::Range;

use super::PartitionLog;
use super::batch::{Batch, KeyedRecords};
use super::segment::Segment;
use crate::engine::types::{Millis, Offset};

/// The cleaner's view of a log before a round (`LogToClean`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CleaningState {
    /// Where the dirty part starts: the cleaner checkpoint, or the log start offset if the checkpoint is
    /// missing or out of range (`LogCleanerManager.cleanableOffsets`).
    pub first_dirty_offset: Offset,
    /// Where cleaning must stop, snapped to a segment base (`calculateCleanableBytes`): the lowest of the
    /// active segment's base, the last stable offset (the high watermark; no transactions here) and the first
    /// segment with a record newer than `min.compaction.lag.ms`.
    pub first_uncleanable_offset: Offset,
    /// Bytes of the segments below the first dirty offset.
    pub clean_bytes: u64,
    /// Bytes of the segments from the first dirty offset to the first uncleanable one.
    pub cleanable_bytes: u64,
    /// Whether a dirty record is older than `max.compaction.lag.ms` (`maxCompactionDelay > 0`).
    pub needs_compaction_now: bool,
}

impl CleaningState {
    /// `LogToClean.cleanableRatio`: cleanable / (clean + cleanable), 0 for an empty log.
    pub fn dirty_ratio(&self) -> f64 {
        let total = self.clean_bytes + self.cleanable_bytes;
        if total == 0 { 0.0 } else { self.cleanable_bytes as f64 / total as f64 }
    }
}

/// What one cleaning round did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CleaningOutcome {
    /// Whether the round ran at all (the topic is compacted and some segment could be rewritten).
    pub ran: bool,
    pub first_dirty_offset: Offset,
    /// The new cleaner checkpoint (unchanged by a sweep of an already-clean log).
    pub cleaned_up_to: Offset,
    pub segments_before: usize,
    pub segments_after: usize,
    /// Records removed because a later record has the same key.
    pub records_removed: u64,
    /// Tombstones removed because their delete horizon had passed.
    pub tombstones_removed: u64,
    pub bytes_removed: u64,
}

/// The offset map of one round (Kafka's `SkimpyOffsetMap`): each key's latest offset in the dirty range.
///
/// Simplification: the map never fills (Kafka's dedupe buffer holds millions of keys; a simulated key space
/// is far smaller), so one round always covers the whole cleanable range.
struct OffsetMap {
    latest: BTreeMap<u32, Offset>,
    /// Records at or past this offset are beyond the map and always kept (`pastLatestOffset`).
    end_offset: Offset,
}

impl PartitionLog {
    /// The cleaner's view of this log at `now` with the given high watermark.
    pub fn cleaning_state(&self, now: Millis, high_watermark: Offset) -> CleaningState {
        let first_dirty_offset = self.first_dirty_offset();
        let uncleanable =
            self.first_uncleanable_offset(first_dirty_offset, now, high_watermark).max(first_dirty_offset);
        let first_uncleanable_offset = self.snap_to_segment_base(uncleanable);
        let clean_bytes = self.bytes_of(0..self.segments.partition_point(|s| s.base_offset < first_dirty_offset));
        let cleanable =
            self.segments_overlapping(first_dirty_offset.min(first_uncleanable_offset), first_uncleanable_offset);
        CleaningState {
            first_dirty_offset,
            first_uncleanable_offset,
            clean_bytes,
            cleanable_bytes: self.bytes_of(cleanable),
            needs_compaction_now: self.max_compaction_delay(first_dirty_offset, now) > 0,
        }
    }

    /// The dirty ratio the cleaner compares with `min.cleanable.dirty.ratio`.
    pub fn dirty_ratio(&self, now: Millis, high_watermark: Offset) -> f64 {
        self.cleaning_state(now, high_watermark).dirty_ratio()
    }

    /// Whether the cleaner would pick this log (`LogCleanerManager.grabFilthiestCompactedLog`): it is compacted,
    /// not empty, and either its dirty ratio is strictly above `min.cleanable.dirty.ratio` or a record is older
    /// than `max.compaction.lag.ms` and there is something to clean.
    pub fn needs_cleaning(&self, now: Millis, high_watermark: Offset) -> bool {
        if !self.config.cleanup_policy.compacts() {
            return false;
        }
        let state = self.cleaning_state(now, high_watermark);
        let has_bytes = state.clean_bytes + state.cleanable_bytes > 0;
        has_bytes
            && ((state.needs_compaction_now && state.cleanable_bytes > 0)
                || state.dirty_ratio() > self.config.min_cleanable_dirty_ratio)
    }

    /// One cleaning round (`Cleaner.doClean`). The active segment is never touched. The offset map is built
    /// from the dirty range; then every segment below the first uncleanable offset, already-clean ones
    /// included, is rewritten in groups of at most `segment.bytes` (`groupSegmentsBySize`), keeping a record
    /// iff it is its key's latest, or lies beyond the map. A tombstone is kept until its batch's delete horizon
    /// (stamped `now + delete.retention.ms` by the first round that keeps it) has passed. The batch that ends
    /// the round is kept even if emptied. The checkpoint moves to the first uncleanable offset.
    ///
    /// Simplification: Kafka only cleans a log whose dirty range is not empty. Called on a log with nothing
    /// dirty, this still sweeps the clean part once, so tombstones whose horizon has passed disappear (the
    /// reference's worked example shows such a pass); the checkpoint does not move. Kafka also keeps each
    /// active idempotent producer's last batch; the simulated log does not track producers.
    pub fn clean(&mut self, now: Millis, high_watermark: Offset) -> CleaningOutcome {
        if !self.config.cleanup_policy.compacts() {
            return CleaningOutcome::default();
        }
        let state = self.cleaning_state(now, high_watermark);
        let dirty = self.segments_overlapping(state.first_dirty_offset, state.first_uncleanable_offset);
        let map = self.build_offset_map(dirty.clone(), state.first_dirty_offset, state.first_uncleanable_offset);
        let to_rewrite = self.segments.partition_point(|s| s.base_offset < map.end_offset);
        if to_rewrite == 0 {
            return CleaningOutcome::default();
        }
        let mut outcome = CleaningOutcome {
            ran: true,
            first_dirty_offset: state.first_dirty_offset,
            segments_before: self.segments.len(),
            ..CleaningOutcome::default()
        };
        let groups = self.group_segments_by_size(to_rewrite, state.first_uncleanable_offset);
        let cleaned: Vec<Segment> = groups
            .into_iter()
            .map(|group| self.clean_group(group, &map, state.first_uncleanable_offset, now, &mut outcome))
            .collect();
        self.replace_first_segments(to_rewrite, cleaned);
        if !dirty.is_empty() {
            self.cleaner_checkpoint = Some(map.end_offset);
        }
        outcome.cleaned_up_to = self.cleaner_checkpoint.unwrap_or(state.first_dirty_offset);
        outcome.segments_after = self.segments.len();
        outcome
    }

    /// The cleaner checkpoint, reset to the log start offset when it is missing or out of range.
    fn first_dirty_offset(&self) -> Offset {
        self.cleaner_checkpoint
            .filter(|&c| c >= self.log_start_offset && c <= self.log_end_offset)
            .unwrap_or(self.log_start_offset)
    }

    /// The lowest of the high watermark, the active segment's base and (with a compaction lag) the base of the
    /// first dirty non-active segment holding a record newer than `now − min.compaction.lag.ms`.
    fn first_uncleanable_offset(&self, first_dirty: Offset, now: Millis, high_watermark: Offset) -> Offset {
        let active_base = self.active().base_offset;
        let mut uncleanable = high_watermark.min(active_base);
        let lag = self.config.min_compaction_lag_ms;
        if lag > 0 {
            let horizon = i128::from(now) - i128::from(lag);
            let too_recent = self
                .non_active_segments_from(first_dirty)
                .map(|i| &self.segments[i])
                .find(|s| i128::from(s.largest_timestamp()) > horizon);
            if let Some(segment) = too_recent {
                uncleanable = uncleanable.min(segment.base_offset);
            }
        }
        uncleanable
    }

    /// `calculateCleanableBytes`: the base of the non-active segment holding `offset`, else the active base.
    fn snap_to_segment_base(&self, offset: Offset) -> Offset {
        let index = self.segment_index_containing(offset);
        let active = self.segments.len() - 1;
        self.segments[index.min(active)].base_offset
    }

    /// `LogCleanerManager.maxCompactionDelay`: how far past `max.compaction.lag.ms` the oldest dirty segment's
    /// first batch is (0 when it is not, or when the lag is unbounded).
    fn max_compaction_delay(&self, first_dirty: Offset, now: Millis) -> u64 {
        let Some(max_lag) = self.config.max_compaction_lag_ms else {
            return 0;
        };
        let earliest = self
            .non_active_segments_from(first_dirty)
            .filter_map(|i| self.segments[i].first_batch_timestamp())
            .filter(|&t| t > 0)
            .min();
        let clean_until = i128::from(now) - i128::from(max_lag);
        match earliest {
            Some(t) if i128::from(t) < clean_until => (clean_until - i128::from(t)) as u64,
            _ => 0,
        }
    }

    /// `nonActiveLogSegmentsFrom(offset)`: from the segment holding `offset` up to, not including, the active one.
    fn non_active_segments_from(&self, offset: Offset) -> Range<usize> {
        let active = self.segments.len() - 1;
        let start = self.segment_index_containing(offset).min(active);
        start..active
    }

    fn bytes_of(&self, range: Range<usize>) -> u64 {
        self.segments.range(range).map(|s| s.size_bytes).sum()
    }

    /// `Cleaner.buildOffsetMap`: every key's latest offset among the dirty segments' records at or after
    /// `first_dirty`. The map reaches the first uncleanable offset (Kafka fast-forwards over gaps to the end
    /// of the range); with nothing dirty it is empty and only a sweep of the clean part follows.
    fn build_offset_map(&self, dirty: Range<usize>, first_dirty: Offset, first_uncleanable: Offset) -> OffsetMap {
        let mut latest = BTreeMap::new();
        for segment in self.segments.range(dirty) {
            for batch in &segment.batches {
                let Some(keys) = &batch.keys else { continue };
                for record in keys.records.iter() {
                    let offset = batch.base_offset + Offset::from(record.offset_delta);
                    if offset >= first_dirty {
                        latest.insert(record.key, offset);
                    }
                }
            }
        }
        OffsetMap { latest, end_offset: first_uncleanable }
    }

    /// `Cleaner.groupSegmentsBySize` over the first `count` segments: consecutive segments whose total size fits
    /// in `segment.bytes` and whose offsets fit a 32-bit relative offset from the group's base become one.
    fn group_segments_by_size(&self, count: usize, first_uncleanable: Offset) -> Vec<Range<usize>> {
        let max_size = self.config.segment_bytes;
        let mut groups = Vec::new();
        let mut start = 0;
        while start < count {
            let mut end = start + 1;
            let mut size = self.segments[start].size_bytes;
            while end < count {
                let candidate = &self.segments[end];
                let last_offset = if end + 1 < count {
                    self.segments[end + 1].base_offset.saturating_sub(1)
                } else {
                    first_uncleanable.saturating_sub(1)
                };
                let offsets_fit = candidate.size_bytes == 0
                    || last_offset.saturating_sub(self.segments[start].base_offset) <= i32::MAX as u64;
                if size + candidate.size_bytes > max_size || !offsets_fit {
                    break;
                }
                size += candidate.size_bytes;
                end += 1;
            }
            groups.push(start..end);
            start = end;
        }
        groups
    }

    /// `Cleaner.cleanSegments`: rewrite one group into a single segment named by the group's first base offset,
    /// keeping the last segment's modification time.
    fn clean_group(
        &self,
        group: Range<usize>,
        map: &OffsetMap,
        round_end: Offset,
        now: Millis,
        outcome: &mut CleaningOutcome,
    ) -> Segment {
        let first = &self.segments[group.start];
        let last_modified = self.segments[group.end - 1].last_modified;
        let mut batches = Vec::new();
        for segment in self.segments.range(group.clone()) {
            for batch in &segment.batches {
                let retain_empty = batch.next_offset() == round_end;
                let delete_retention_ms = self.config.delete_retention_ms;
                if let Some(kept) = filter_batch(batch, map, now, delete_retention_ms, retain_empty, outcome) {
                    batches.push(kept);
                }
            }
        }
        Segment::rebuilt(first.base_offset, batches, first.created_at, last_modified)
    }

    /// Put the cleaned segments in place of the first `count` segments (`UnifiedLog.replaceSegments`).
    fn replace_first_segments(&mut self, count: usize, cleaned: Vec<Segment>) {
        let removed: u64 = self.segments.drain(..count).map(|s| s.size_bytes).sum();
        let added: u64 = cleaned.iter().map(|s| s.size_bytes).sum();
        for segment in cleaned.into_iter().rev() {
            self.segments.push_front(segment);
        }
        self.size_bytes = self.size_bytes - removed + added;
    }
}

/// `MemoryRecords.filterTo` with the cleaner's filter: the batch with only the records to keep, stamped with
/// a delete horizon if it keeps a tombstone and has none yet; an emptied batch is dropped unless it ends the
/// round (`BatchRetention.RETAIN_EMPTY`), in which case only its header remains.
fn filter_batch(
    batch: &Batch,
    map: &OffsetMap,
    now: Millis,
    delete_retention_ms: Millis,
    retain_empty: bool,
    outcome: &mut CleaningOutcome,
) -> Option<Batch> {
    let Some(keys) = &batch.keys else {
        // Kafka counts a keyless record in a compacted log as invalid and drops it (`stats.invalidMessage`).
        outcome.records_removed += u64::from(batch.records);
        outcome.bytes_removed += batch.bytes;
        return None;
    };
    let horizon = keys.delete_horizon_ms;
    let mut kept = Vec::with_capacity(keys.records.len());
    for record in keys.records.iter() {
        let offset = batch.base_offset + Offset::from(record.offset_delta);
        let past_map = offset >= map.end_offset;
        let is_latest = map.latest.get(&record.key).is_none_or(|&latest| offset >= latest);
        let value_kept = !record.tombstone || horizon.is_none_or(|h| now < h);
        if past_map || (is_latest && value_kept) {
            kept.push(*record);
        } else if is_latest {
            outcome.tombstones_removed += 1;
        } else {
            outcome.records_removed += 1;
        }
    }
    if kept.is_empty() && !retain_empty {
        outcome.bytes_removed += batch.bytes;
        return None;
    }
    let keeps_tombstone = kept.iter().any(|r| r.tombstone);
    let delete_horizon_ms = match horizon {
        None if keeps_tombstone => Some(now.saturating_add(delete_retention_ms)),
        other if !kept.is_empty() => other,
        _ => None,
    };
    let kept_count = kept.len() as u64;
    let records = KeyedRecords { records: kept.into_boxed_slice(), delete_horizon_ms };
    let rewritten = batch.resized(batch.base_offset, batch.last_offset_delta, kept_count, Some(Box::new(records)));
    outcome.bytes_removed += batch.bytes - rewritten.bytes;
    Some(rewritten)
}
