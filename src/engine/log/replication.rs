//! What a follower does to its log: truncate a divergent tail, and copy the leader's batches.

use super::PartitionLog;
use super::batch::Batch;
use super::segment::{MAX_PRODUCED_BATCH_BYTES, Segment};
use crate::engine::types::{Millis, Offset};

impl PartitionLog {
    /// Drop every record at or above `offset` (`UnifiedLog.truncateTo`), e.g. a follower truncating to the
    /// leader's epoch end offset (reference §3.6). A no-op when `offset` is not below the LEO.
    ///
    /// As in Kafka: segments whose base offset is above `offset` are deleted, the one holding it is cut (so a
    /// segment starting exactly at `offset` stays, empty), the LEO becomes `offset`, the log start offset
    /// becomes `min(offset, log start)`, and the cleaner checkpoint is capped at `offset`. Below the first
    /// segment, the log is emptied and restarted at `offset` (`truncateFullyAndStartAt`). `now` is the
    /// creation time Kafka gives a segment that truncation empties.
    pub fn truncate_to(&mut self, offset: Offset, now: Millis) {
        if offset >= self.log_end_offset {
            return;
        }
        if self.segments[0].base_offset > offset {
            self.truncate_fully_and_start_at(offset, now);
            return;
        }
        while self.active().base_offset > offset {
            if let Some(removed) = self.segments.pop_back() {
                self.size_bytes -= removed.size_bytes;
            }
        }
        self.cut_active_segment_at(offset, now);
        self.log_end_offset = offset;
        self.log_start_offset = self.log_start_offset.min(offset);
        self.cap_cleaner_checkpoint(offset);
    }

    /// Follower fetch: copy the leader's batches from offset `from` on, at most `max_bytes` of them but always
    /// at least one (KIP-74), keeping the leader's offsets, gaps and delete horizons; the follower rolls its
    /// own segments by the same rules. Then the log start offset follows the leader's (never past this LEO).
    /// Returns the new LEO.
    ///
    /// `from` is the fetch offset, normally `self.log_end_offset()`. Below it, this log is first truncated to
    /// `from`; below the leader's log start offset, it is emptied and restarted there, as Kafka's
    /// `ReplicaFetcherThread` does on `OFFSET_OUT_OF_RANGE`. A `from` inside one of the leader's batches copies
    /// the rest of that batch (Simplification: Kafka truncation never leaves a follower inside a batch).
    pub fn copy_from(&mut self, leader: &PartitionLog, from: Offset, max_bytes: u64, now: Millis) -> Offset {
        let from = if from < leader.log_start_offset {
            self.truncate_fully_and_start_at(leader.log_start_offset, now);
            leader.log_start_offset
        } else {
            self.truncate_to(from, now);
            from
        };
        let mut copied_bytes = 0;
        for (index, batch) in leader.batches_from(from).enumerate() {
            let piece = batch.suffix_from(from);
            if index > 0 && copied_bytes + piece.bytes > max_bytes {
                break;
            }
            if let Some(share) = share_of_run(&piece, max_bytes) {
                // A merged run is the engine's, not a producer's batch: a fetch returns what fits, as Kafka's
                // would return the batches the run stands for.
                self.append_batch(share, now);
                break;
            }
            copied_bytes += piece.bytes;
            self.append_batch(piece, now);
        }
        let leader_start = leader.log_start_offset.min(self.log_end_offset);
        self.log_start_offset = self.log_start_offset.max(leader_start);
        self.log_end_offset
    }

    /// Empty the log and restart it at `offset` (`UnifiedLog.truncateFullyAndStartAt`).
    fn truncate_fully_and_start_at(&mut self, offset: Offset, now: Millis) {
        self.segments.clear();
        self.segments.push_back(Segment::new(offset, now));
        self.size_bytes = 0;
        self.log_start_offset = offset;
        self.log_end_offset = offset;
        self.cap_cleaner_checkpoint(offset);
    }

    /// `LogSegment.truncateTo` on the active segment: drop batches at or above `offset`, keep the prefix of a
    /// batch that straddles it, and reset the creation time if nothing is left.
    fn cut_active_segment_at(&mut self, offset: Offset, now: Millis) {
        let active = self.active_mut();
        let before = active.size_bytes;
        let keep = active.batches.partition_point(|b| b.base_offset < offset);
        active.batches.truncate(keep);
        if let Some(last) = active.batches.pop() {
            active.batches.extend(last.prefix_before(offset));
        }
        active.recompute_totals();
        if active.batches.is_empty() {
            active.created_at = now;
        }
        let after = active.size_bytes;
        self.size_bytes = self.size_bytes - before + after;
    }

    /// `LogCleanerManager.maybeTruncateCheckpoint`.
    fn cap_cleaner_checkpoint(&mut self, offset: Offset) {
        if let Some(checkpoint) = &mut self.cleaner_checkpoint {
            *checkpoint = (*checkpoint).min(offset);
        }
    }
}

/// The first `max_bytes` (in proportion, at least one record) of `piece` when it is a merged run larger than
/// one fetch (see `Segment::push`); `None` for anything a producer could have sent as one batch (never more
/// than `batch.size`, at most 1 MiB) or a compacted batch (those are never merged).
fn share_of_run(piece: &Batch, max_bytes: u64) -> Option<Batch> {
    if piece.keys.is_some() || piece.bytes <= max_bytes.max(MAX_PRODUCED_BATCH_BYTES) {
        return None;
    }
    piece.prefix_before(piece.base_offset + piece.records_within(max_bytes))
}
