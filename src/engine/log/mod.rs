//! One replica's partition log: segments of record batches, with Kafka's roll, retention and compaction rules
//! (`UnifiedLog`, `LogSegment`, `LogCleaner`; reference §4.1–4.3).
//!
//! The representation is what lets the simulation run thousands of partitions at a million records a second:
//! records live in batches (a few numbers each), never one heap object per record. Only compacted topics keep
//! a per-record entry (key id and tombstone flag), because the cleaner decides record by record.
//!
//! Offsets are assigned once by the leader and never reused or renumbered; compaction leaves gaps.

mod batch;
mod compaction;
mod config;
mod error;
mod replication;
mod retention;
mod segment;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;

use std::collections::VecDeque;

pub use batch::{BATCH_OVERHEAD_BYTES, BatchSpec, KeyRecord};
pub use compaction::{CleaningOutcome, CleaningState};
pub use config::{CleanupPolicy, LogConfig};
pub use error::LogError;
pub use retention::{DeletedSegments, RetentionOutcome};
pub use segment::SegmentView;

use batch::Batch;
use segment::Segment;

use crate::engine::types::{Millis, Offset};

/// Where reading `max_records` records from an offset ends (see [`PartitionLog::advance`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advance {
    /// The offset after the last record read: the consumer's next position.
    pub next_offset: Offset,
    /// Records actually read (gaps left by compaction hold none).
    pub records: u64,
}

/// One replica's log of one partition.
#[derive(Clone, Debug)]
pub struct PartitionLog {
    config: LogConfig,
    /// Never empty; the last one is the active segment.
    segments: VecDeque<Segment>,
    /// `logStartOffset`: the first offset consumers may read. Records below it may still sit in the first
    /// segments until retention deletes them (Kafka deletes whole segments only).
    log_start_offset: Offset,
    /// `logEndOffset` (LEO): the offset the next appended record gets.
    log_end_offset: Offset,
    /// Sum of segment sizes (`UnifiedLog.size`).
    size_bytes: u64,
    /// The cleaner's checkpoint (`cleaner-offset-checkpoint`): the first offset not yet compacted.
    cleaner_checkpoint: Option<Offset>,
}

impl PartitionLog {
    /// An empty log: one empty active segment at offset 0.
    pub fn new(config: LogConfig, now: Millis) -> Self {
        Self::starting_at(config, 0, now)
    }

    /// An empty log whose first offset is `offset` (Kafka's `truncateFullyAndStartAt`).
    pub fn starting_at(config: LogConfig, offset: Offset, now: Millis) -> Self {
        Self {
            config,
            segments: VecDeque::from([Segment::new(offset, now)]),
            log_start_offset: offset,
            log_end_offset: offset,
            size_bytes: 0,
            cleaner_checkpoint: None,
        }
    }

    pub fn config(&self) -> &LogConfig {
        &self.config
    }

    /// A topic config change (`IncrementalAlterConfigs`): it applies from the next append, retention pass and
    /// cleaning round, as in Kafka; nothing already written is rewritten by the change itself.
    pub fn set_config(&mut self, config: LogConfig) {
        self.config = config;
    }

    /// `logStartOffset`: the first offset a consumer may read.
    pub fn log_start_offset(&self) -> Offset {
        self.log_start_offset
    }

    /// `logEndOffset` (LEO): the offset the next appended record gets.
    pub fn log_end_offset(&self) -> Offset {
        self.log_end_offset
    }

    /// Bytes on "disk" (what `retention.bytes` and `kafka-log-dirs` count).
    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    pub fn segment_count(&self) -> usize {
        self.segments.len()
    }

    /// Records stored, including any below the log start offset that retention has not deleted yet.
    pub fn stored_records(&self) -> u64 {
        self.segments.iter().map(|s| s.records).sum()
    }

    /// The cleaner checkpoint: offsets below it have been compacted at least once.
    pub fn cleaner_checkpoint(&self) -> Option<Offset> {
        self.cleaner_checkpoint
    }

    /// The segments, oldest first, as the inspector shows them.
    pub fn segments(&self) -> impl Iterator<Item = SegmentView> + '_ {
        let last = self.segments.len() - 1;
        self.segments
            .iter()
            .enumerate()
            .map(move |(i, segment)| segment.view(self.segment_end(i), i == last, self.cleaner_checkpoint))
    }

    /// Append a producer's batch as leader, assigning it the next offsets. Returns its first and last offset.
    ///
    /// Checks in Kafka's order (`UnifiedLog.analyzeAndValidateRecords`, `LogValidator`, `UnifiedLog.append`):
    /// `max.message.bytes`, a positive record count, keys on compacted topics, then `segment.bytes`.
    /// Rolls first if the active segment should roll (`LogSegment.shouldRoll`).
    pub fn append(&mut self, spec: BatchSpec, now: Millis) -> Result<(Offset, Offset), LogError> {
        self.validate(&spec)?;
        let batch = Batch::from_spec(spec, self.log_end_offset, self.config.cleanup_policy.compacts());
        let range = (batch.base_offset, batch.last_offset());
        self.append_batch(batch, now);
        Ok(range)
    }

    /// Records present with an offset in `from..to`, counting neither compaction gaps nor records below the
    /// log start offset. Whole segments inside the range are counted from their totals.
    pub fn count_records_in(&self, from: Offset, to: Offset) -> u64 {
        let from = from.max(self.log_start_offset);
        if from >= to {
            return 0;
        }
        let mut total = 0;
        for index in self.segment_index_containing(from)..self.segments.len() {
            let segment = &self.segments[index];
            if segment.base_offset >= to {
                break;
            }
            total += if segment.base_offset >= from && self.segment_end(index) <= to {
                segment.records
            } else {
                segment.batches.iter().map(|b| b.count_in(from, to)).sum()
            };
        }
        total
    }

    /// Read up to `max_records` records from `from` (at least the log start offset), stopping before
    /// `upper_bound` (the high watermark for consumers): where the reader's position ends up and how many
    /// records it got. Gaps left by compaction are skipped, as a consumer skips them.
    pub fn advance(&self, from: Offset, max_records: u64, upper_bound: Offset) -> Advance {
        let from = from.max(self.log_start_offset);
        let mut position = Advance { next_offset: from, records: 0 };
        for batch in self.batches_from(from) {
            if batch.base_offset >= upper_bound || position.records == max_records {
                break;
            }
            let available = batch.count_in(position.next_offset, upper_bound);
            let wanted = max_records - position.records;
            if available > wanted {
                if let Some(last) = batch.nth_present_from(position.next_offset, wanted) {
                    position = Advance { next_offset: last + 1, records: max_records };
                }
                break;
            }
            position.records += available;
            position.next_offset = batch.next_offset().min(upper_bound);
        }
        position
    }

    /// The records of a compacted topic at or after the log start offset: offset, key and tombstone flag.
    /// Empty for other topics, which keep no per-record data.
    pub fn keyed_records(&self) -> impl Iterator<Item = (Offset, KeyRecord)> + '_ {
        self.batches_from(self.log_start_offset).flat_map(move |batch| {
            batch.keys.iter().flat_map(move |keys| {
                keys.records.iter().filter_map(move |r| {
                    let offset = batch.base_offset + Offset::from(r.offset_delta);
                    (offset >= self.log_start_offset)
                        .then_some((offset, KeyRecord { key: r.key, tombstone: r.tombstone }))
                })
            })
        })
    }

    /// `DeleteRecords`: move the log start offset forward to `new_log_start` (never backward). Segments stay
    /// until retention runs (`UnifiedLog.maybeIncrementLogStartOffset`). Fails past the high watermark.
    pub fn delete_records(&mut self, new_log_start: Offset, high_watermark: Offset) -> Result<Offset, LogError> {
        if new_log_start > high_watermark {
            return Err(LogError::LogStartBeyondHighWatermark { requested: new_log_start, high_watermark });
        }
        self.log_start_offset = self.log_start_offset.max(new_log_start);
        Ok(self.log_start_offset)
    }

    /// Rough heap footprint of this log, for sizing the simulation.
    pub fn approximate_heap_bytes(&self) -> usize {
        use std::mem::size_of;
        let segments = self.segments.capacity() * size_of::<Segment>();
        let batches: usize = self.segments.iter().map(|s| s.batches.capacity() * size_of::<Batch>()).sum();
        let keyed: usize = self
            .segments
            .iter()
            .flat_map(|s| &s.batches)
            .filter_map(|b| b.keys.as_ref())
            .map(|k| size_of::<batch::KeyedRecords>() + std::mem::size_of_val(&*k.records))
            .sum();
        segments + batches + keyed
    }

    /// Assert the structural invariants (debug builds only; a no-op in release):
    /// segments ordered and contiguous, every batch inside its segment's range and below the LEO,
    /// first segment base ≤ log start ≤ LEO, and sizes and record counts adding up.
    pub fn check_invariants(&self) {
        if cfg!(debug_assertions)
            && let Some(violation) = self.first_invariant_violation()
        {
            panic!("PartitionLog invariant broken: {violation}\n{self:#?}");
        }
    }

    fn validate(&self, spec: &BatchSpec) -> Result<(), LogError> {
        let config = &self.config;
        if spec.bytes > config.max_message_bytes {
            return Err(LogError::RecordTooLarge {
                batch_bytes: spec.bytes,
                max_message_bytes: config.max_message_bytes,
            });
        }
        if spec.records == 0 {
            return Err(LogError::EmptyBatch);
        }
        if config.cleanup_policy.compacts() {
            match &spec.keys {
                None => return Err(LogError::KeylessRecordOnCompactedTopic),
                Some(keys) if keys.len() != spec.records as usize => {
                    return Err(LogError::KeyCountMismatch { records: spec.records, keys: keys.len() });
                }
                Some(_) => {}
            }
        }
        if spec.bytes > config.segment_bytes {
            return Err(LogError::RecordBatchTooLarge { batch_bytes: spec.bytes, segment_bytes: config.segment_bytes });
        }
        Ok(())
    }

    /// Append a batch whose offsets are already assigned (leader append after validation, or follower fetch),
    /// rolling first when the roll rule says so (`UnifiedLog.maybeRoll`).
    fn append_batch(&mut self, batch: Batch, now: Millis) {
        let should_roll =
            self.active().should_roll(&self.config, batch.bytes, batch.max_timestamp, batch.last_offset(), now);
        if should_roll {
            self.roll(batch.base_offset.max(self.log_end_offset), now);
        }
        self.log_end_offset = batch.next_offset();
        self.size_bytes += batch.bytes;
        self.active_mut().push(batch, now);
    }

    /// Start a new active segment at `base_offset` (`LocalLog.roll`). An empty active segment with that same
    /// base is recreated in place, as Kafka deletes and recreates it.
    fn roll(&mut self, base_offset: Offset, now: Millis) {
        let active = self.active_mut();
        if active.base_offset == base_offset && active.batches.is_empty() {
            *active = Segment::new(base_offset, now);
        } else {
            self.segments.push_back(Segment::new(base_offset, now));
        }
    }

    fn active(&self) -> &Segment {
        &self.segments[self.segments.len() - 1]
    }

    fn active_mut(&mut self) -> &mut Segment {
        let last = self.segments.len() - 1;
        &mut self.segments[last]
    }

    /// The offset after segment `index`'s range: the next segment's base, or the LEO for the active one.
    fn segment_end(&self, index: usize) -> Offset {
        self.segments.get(index + 1).map_or(self.log_end_offset, |next| next.base_offset)
    }

    /// The segment whose range holds `offset` (`floorEntry`), or the first one if `offset` is below them all.
    fn segment_index_containing(&self, offset: Offset) -> usize {
        self.segments.partition_point(|s| s.base_offset <= offset).saturating_sub(1)
    }

    /// Indices of Kafka's `logSegments(from, to)`: the segment holding `from`, then every later one whose base
    /// offset is below `to`. Empty when `from >= to`.
    fn segments_overlapping(&self, from: Offset, to: Offset) -> std::ops::Range<usize> {
        if from >= to {
            return 0..0;
        }
        let start = self.segment_index_containing(from);
        let end = self.segments.partition_point(|s| s.base_offset < to);
        start..end.max(start)
    }

    /// Batches whose last offset is at least `from`, in offset order.
    fn batches_from(&self, from: Offset) -> impl Iterator<Item = &Batch> + '_ {
        let first = self.segment_index_containing(from);
        self.segments.range(first..).enumerate().flat_map(move |(i, segment)| {
            let skip = if i == 0 { first_ending_at_or_after(&segment.batches, from) } else { 0 };
            segment.batches[skip..].iter()
        })
    }

    fn first_invariant_violation(&self) -> Option<String> {
        if self.segments.is_empty() {
            return Some("no segments".into());
        }
        if self.segments[0].base_offset > self.log_start_offset || self.log_start_offset > self.log_end_offset {
            return Some(format!(
                "first base {} ≤ log start {} ≤ LEO {} fails",
                self.segments[0].base_offset, self.log_start_offset, self.log_end_offset
            ));
        }
        if self.cleaner_checkpoint.is_some_and(|c| c > self.log_end_offset) {
            return Some("cleaner checkpoint beyond the LEO".into());
        }
        let mut total_size = 0;
        for index in 0..self.segments.len() {
            if let Some(violation) = self.segment_violation(index) {
                return Some(format!("segment {index}: {violation}"));
            }
            total_size += self.segments[index].size_bytes;
        }
        (total_size != self.size_bytes).then(|| format!("log size {} ≠ sum of segments {total_size}", self.size_bytes))
    }

    fn segment_violation(&self, index: usize) -> Option<String> {
        let segment = &self.segments[index];
        let end = self.segment_end(index);
        if segment.base_offset > end {
            return Some(format!("base {} beyond its end {end}", segment.base_offset));
        }
        let mut floor = segment.base_offset;
        for batch in &segment.batches {
            if batch.base_offset < floor || batch.next_offset() > end {
                return Some(format!("batch {}..={} outside {floor}..{end}", batch.base_offset, batch.last_offset()));
            }
            if let Some(violation) = self.batch_violation(batch) {
                return Some(violation);
            }
            floor = batch.next_offset();
        }
        let mut expected = segment.clone();
        expected.recompute_totals();
        let totals_match = (expected.size_bytes, expected.records, expected.max_timestamp)
            == (segment.size_bytes, segment.records, segment.max_timestamp);
        (!totals_match).then(|| "size, record count or largest timestamp out of date".into())
    }

    fn batch_violation(&self, batch: &Batch) -> Option<String> {
        let compacted = self.config.cleanup_policy.compacts();
        match &batch.keys {
            None if compacted => Some(format!("batch at {} of a compacted topic has no keys", batch.base_offset)),
            Some(_) if !compacted => Some(format!("batch at {} of a non-compacted topic has keys", batch.base_offset)),
            None if u64::from(batch.records) != u64::from(batch.last_offset_delta) + 1 => {
                Some(format!("unkeyed batch at {} has a gap", batch.base_offset))
            }
            Some(keys) => {
                let ordered = keys.records.windows(2).all(|w| w[0].offset_delta < w[1].offset_delta);
                let inside = keys.records.last().is_none_or(|r| r.offset_delta <= batch.last_offset_delta);
                let counted = keys.records.len() == batch.records as usize;
                (!(ordered && inside && counted))
                    .then(|| format!("keys of batch at {} inconsistent", batch.base_offset))
            }
            None => None,
        }
    }
}

/// Index of the first of `batches` (in offset order) whose last offset is at least `from`: what
/// `partition_point(|b| b.last_offset() < from)` returns, searched from the end. A follower fetches from
/// near the leader's log end, so this touches the few newest batches (just appended, still in cache)
/// where a binary search probes across the whole segment, a cache miss a probe at thousands of partitions.
/// Galloping keeps a fetch from far back at O(log n).
fn first_ending_at_or_after(batches: &[Batch], from: Offset) -> usize {
    // Every batch at `hi` or after ends at or after `from`.
    let mut hi = batches.len();
    let mut step = 1;
    while hi > 0 {
        let probe = hi.saturating_sub(step);
        if batches[probe].last_offset() < from {
            return probe + 1 + batches[probe + 1..hi].partition_point(|b| b.last_offset() < from);
        }
        hi = probe;
        step *= 2;
    }
    0
}
