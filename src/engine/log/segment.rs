//! Log segments (`LogSegment.java`): a run of batches named by its base offset, and the roll rule.

use super::batch::Batch;
use super::config::LogConfig;
use crate::engine::types::{Millis, Offset};

/// Batches at the end of a segment kept exactly as written: what in-sync followers fetch and what a
/// divergent tail is truncated from. Older ones are merged into runs (see `Segment::push`).
pub(super) const EXACT_TAIL_BATCHES: usize = 64;
/// Batches that fall out of the exact tail before they are merged, together (see `Segment::push`). With
/// the tail, the first batch and a segment's few runs this stays within a `Vec` capacity of 128 entries: a
/// chunk of 64 took every segment to 256, and 15,000 replicas' segments 70 MiB further.
pub(super) const MERGE_CHUNK_BATCHES: usize = 32;
/// Largest run of merged batches. A follower fetching from one takes a proportional share of at most
/// `replica.fetch.max.bytes` (`PartitionLog::copy_from`), so the run's size is a memory choice only: at a
/// million records a second, runs of 1 MiB still added ~75 MB of entries per simulated hour.
pub(super) const COALESCED_RUN_MAX_BYTES: u64 = 64 * 1_048_576;
/// No producer batch is larger (`batch.size` is at most 1 MiB): anything larger in a log is a merged run.
pub(super) const MAX_PRODUCED_BATCH_BYTES: u64 = 1_048_576;

/// One segment. It covers offsets from `base_offset` up to the next segment's base offset (or the log end
/// offset for the active segment); compaction may leave holes in that range, never records outside it.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Segment {
    pub base_offset: Offset,
    /// Batches by increasing offset, never overlapping.
    pub batches: Vec<Batch>,
    /// Sum of the batches' bytes (`LogSegment.size`).
    pub size_bytes: u64,
    /// Sum of the batches' records still present.
    pub records: u64,
    /// Largest batch timestamp (`LogSegment.maxTimestampSoFar`); `None` while the segment holds no batch.
    pub max_timestamp: Option<Millis>,
    /// When the segment was created (`LogSegment.created`); an empty segment rolls by time from here.
    pub created_at: Millis,
    /// Stand-in for the file's modification time: the last append, or what the cleaner carried over.
    pub last_modified: Millis,
    /// Newest batches not yet considered for merging into runs (see `merge_behind_exact_tail`).
    unmerged: usize,
}

/// What the inspector shows about one segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SegmentView {
    /// First offset the segment may hold (its file name, `%020d.log`).
    pub base_offset: Offset,
    /// The next segment's base offset, or the log end offset for the active segment.
    pub end_offset: Offset,
    pub size_bytes: u64,
    /// Records present (after compaction, fewer than `end_offset - base_offset`).
    pub records: u64,
    /// Stored batches; old ones of a non-compacted topic are counted as merged runs (see `Segment::push`).
    pub batches: usize,
    /// The last segment, the only one that receives appends and is never compacted.
    pub is_active: bool,
    /// Whether the whole segment lies below the cleaner checkpoint (already compacted).
    pub is_cleaned: bool,
    pub created_at: Millis,
    /// What time-based retention compares (`LogSegment.largestTimestamp`).
    pub largest_timestamp: Millis,
}

impl Segment {
    pub fn new(base_offset: Offset, now: Millis) -> Self {
        Self {
            base_offset,
            batches: Vec::new(),
            size_bytes: 0,
            records: 0,
            max_timestamp: None,
            created_at: now,
            last_modified: now,
            unmerged: 0,
        }
    }

    /// A segment made of `batches`, as the cleaner writes one, keeping the dates of the segments it replaces.
    pub fn rebuilt(base_offset: Offset, batches: Vec<Batch>, created_at: Millis, last_modified: Millis) -> Self {
        let mut segment = Self { batches, created_at, last_modified, ..Self::new(base_offset, created_at) };
        segment.recompute_totals();
        segment
    }

    pub fn push(&mut self, batch: Batch, now: Millis) {
        self.size_bytes += batch.bytes;
        self.records += u64::from(batch.records);
        self.max_timestamp = Some(self.max_timestamp.map_or(batch.max_timestamp, |t| t.max(batch.max_timestamp)));
        self.last_modified = now;
        self.batches.push(batch);
        // At most every batch: a truncation may have dropped some counted ones.
        self.unmerged = (self.unmerged + 1).min(self.batches.len());
        if self.unmerged >= EXACT_TAIL_BATCHES + MERGE_CHUNK_BATCHES {
            self.merge_behind_exact_tail();
        }
    }

    /// Merge the batches that fell out of the exact tail into runs, greedily in offset order: each joins
    /// the run before it when both belong to a non-compacted topic, are contiguous, and the run stays
    /// within [`COALESCED_RUN_MAX_BYTES`].
    ///
    /// Why runs: at a million records a second over thousands of partitions, producers with `linger.ms=5`
    /// send batches of one or two records, as Kafka's do; keeping each as its own entry on every replica
    /// grew the heap by ~75 MB per simulated second with no bound short of retention. A run keeps everything
    /// the log's rules read for a non-compacted topic: offsets, record count, bytes and largest timestamp
    /// (segment totals, so roll and retention, are unchanged). Compacted batches are never merged: the
    /// cleaner decides record by record.
    ///
    /// Why in chunks: `push` merges once [`MERGE_CHUNK_BATCHES`] batches have fallen out of the tail, so
    /// the tail moves down once per that many appends. Merging one batch per append moved the whole tail
    /// every time: ~6 % of the large benchmark's profile in `memmove` alone. Over-counting `unmerged`
    /// (after a truncation) only makes this look at runs again, which is harmless: merging is greedy and
    /// runs are valid batches.
    ///
    /// Simplification: batches more than [`EXACT_TAIL_BATCHES`] (and up to [`MERGE_CHUNK_BATCHES`] more)
    /// behind a segment's newest one are stored as runs of up to 64 MiB, so a follower catching up from far
    /// behind copies a proportional share of a run per fetch (what one `replica.fetch.max.bytes` fetch
    /// returns, cut at a record rather than a batch boundary), a truncation inside a run keeps a
    /// proportional share of its bytes, and `SegmentView::batches` counts stored runs.
    fn merge_behind_exact_tail(&mut self) {
        let end = self.batches.len() - EXACT_TAIL_BATCHES;
        // The first batch stays exact: its timestamp is what `segment.ms` rolls by (Kafka's
        // `rollingBasedTimestamp`) and what `min.compaction.lag.ms` reads, so runs start at the second.
        let start = self.batches.len().saturating_sub(self.unmerged).max(1);
        let mut kept = start;
        for i in start..end {
            let (merged, rest) = self.batches.split_at_mut(i);
            if kept >= 2 && merge_into(&mut merged[kept - 1], &rest[0]) {
                continue;
            }
            self.batches.swap(kept, i);
            kept += 1;
        }
        self.batches.drain(kept..end);
        self.unmerged = EXACT_TAIL_BATCHES;
    }

    /// Recompute size, record count and largest timestamp after batches were removed or rewritten.
    pub fn recompute_totals(&mut self) {
        self.size_bytes = self.batches.iter().map(|b| b.bytes).sum();
        self.records = self.batches.iter().map(|b| u64::from(b.records)).sum();
        self.max_timestamp = self.batches.iter().map(|b| b.max_timestamp).max();
    }

    /// `LogSegment.largestTimestamp`: the largest record timestamp, or the file's mtime when it has none.
    pub fn largest_timestamp(&self) -> Millis {
        self.max_timestamp.unwrap_or(self.last_modified)
    }

    /// Timestamp of the first batch (`LogSegment.rollingBasedTimestamp`, the first batch's max timestamp).
    pub fn first_batch_timestamp(&self) -> Option<Millis> {
        self.batches.first().map(|b| b.max_timestamp)
    }

    /// `LogSegment.shouldRoll`, checked before appending a batch of `incoming_bytes` whose largest timestamp is
    /// `incoming_max_timestamp` and whose last offset is `incoming_last_offset`:
    /// 1. the append would make the segment exceed `segment.bytes` (it may fill to exactly that size);
    /// 2. the segment is not empty and the incoming batch is more than `segment.ms` newer than the segment's
    ///    first batch (`timeWaitedForRoll`; `now − created` when the segment has no timestamp yet);
    /// 3. the offset would not fit in the 32-bit relative offsets of the segment's index.
    pub fn should_roll(
        &self,
        config: &LogConfig,
        incoming_bytes: u64,
        incoming_max_timestamp: Millis,
        incoming_last_offset: Offset,
        now: Millis,
    ) -> bool {
        let would_overflow_bytes = self.size_bytes > config.segment_bytes.saturating_sub(incoming_bytes)
            || incoming_bytes > config.segment_bytes;
        let time_waited = match self.first_batch_timestamp() {
            Some(first) => incoming_max_timestamp.saturating_sub(first),
            None => now.saturating_sub(self.created_at),
        };
        let reached_roll_ms = time_waited > config.segment_ms;
        let offset_overflows = incoming_last_offset.saturating_sub(self.base_offset) > i32::MAX as u64;
        would_overflow_bytes || (self.size_bytes > 0 && reached_roll_ms) || offset_overflows
    }

    pub fn view(&self, end_offset: Offset, is_active: bool, cleaner_checkpoint: Option<Offset>) -> SegmentView {
        SegmentView {
            base_offset: self.base_offset,
            end_offset,
            size_bytes: self.size_bytes,
            records: self.records,
            batches: self.batches.len(),
            is_active,
            is_cleaned: !is_active && cleaner_checkpoint.is_some_and(|c| end_offset <= c),
            created_at: self.created_at,
            largest_timestamp: self.largest_timestamp(),
        }
    }
}

/// Merge `next` into `run`, if both belong to a non-compacted topic, are contiguous and fit one run.
/// Returns whether it did; `next` is then left to be dropped.
fn merge_into(run: &mut Batch, next: &Batch) -> bool {
    if run.keys.is_some()
        || next.keys.is_some()
        || run.next_offset() != next.base_offset
        || run.bytes + next.bytes > COALESCED_RUN_MAX_BYTES
    {
        return false;
    }
    let (Some(delta), Some(records)) = (
        next.last_offset_delta.checked_add(1).and_then(|n| run.last_offset_delta.checked_add(n)),
        run.records.checked_add(next.records),
    ) else {
        return false;
    };
    run.last_offset_delta = delta;
    run.records = records;
    run.bytes += next.bytes;
    run.max_timestamp = run.max_timestamp.max(next.max_timestamp);
    true
}
