//! Record batches: the unit the log stores, replicates and cleans.
//!
//! Kafka stores, replicates and compacts whole v2 record batches (`DefaultRecordBatch`), never lone records,
//! so the simulation does the same: a batch is a handful of numbers, and only a compacted topic adds one small
//! entry per record (its key id and tombstone flag) because the cleaner must decide record by record.

use crate::engine::types::{Millis, Offset};

/// Bytes of a v2 record batch header (`DefaultRecordBatch.RECORD_BATCH_OVERHEAD`). A batch whose records were
/// all removed by the cleaner but that must be kept shrinks to this size.
pub const BATCH_OVERHEAD_BYTES: u64 = 61;

/// One record's key as the cleaner sees it: a small integer standing for the key bytes, and whether the value
/// is null (a tombstone, which deletes the key once compaction has run past it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyRecord {
    pub key: u32,
    pub tombstone: bool,
}

impl KeyRecord {
    /// A record with a value.
    pub fn value(key: u32) -> Self {
        Self { key, tombstone: false }
    }

    /// A record with a null value (a tombstone).
    pub fn tombstone(key: u32) -> Self {
        Self { key, tombstone: true }
    }
}

/// What a producer hands the leader: one batch, before it has offsets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchSpec {
    /// Number of records; must be at least 1.
    pub records: u32,
    /// Size of the batch on disk, header included (at least [`BATCH_OVERHEAD_BYTES`] for a real batch).
    pub bytes: u64,
    /// Largest record timestamp in the batch (CreateTime, virtual ms).
    pub max_timestamp: Millis,
    /// One entry per record, in order. Required on compacted topics, dropped on the others.
    pub keys: Option<Vec<KeyRecord>>,
}

impl BatchSpec {
    /// A batch for a topic that is not compacted (keys, if any, do not matter to the log).
    pub fn unkeyed(records: u32, bytes: u64, max_timestamp: Millis) -> Self {
        Self { records, bytes, max_timestamp, keys: None }
    }

    /// A batch whose records carry these keys, in order.
    pub fn keyed(keys: Vec<KeyRecord>, bytes: u64, max_timestamp: Millis) -> Self {
        let records = u32::try_from(keys.len()).unwrap_or(u32::MAX);
        Self { records, bytes, max_timestamp, keys: Some(keys) }
    }
}

/// A record of a compacted batch: where it sits in the batch and what the cleaner needs to know about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct KeyedRecord {
    /// Offset minus the batch's base offset (Kafka's `offsetDelta`; survives compaction unchanged).
    pub offset_delta: u32,
    pub key: u32,
    pub tombstone: bool,
}

/// The per-record part of a compacted batch, boxed so that batches of other topics pay one pointer for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct KeyedRecords {
    /// The records still present, by increasing offset.
    pub records: Box<[KeyedRecord]>,
    /// `deleteHorizonMs` of the batch header (KIP-534): stamped by the first cleaning that keeps a tombstone
    /// of this batch; once `now` reaches it, the next cleaning drops the batch's tombstones.
    pub delete_horizon_ms: Option<Millis>,
}

/// One stored batch. Its offset range `base_offset ..= last_offset()` never changes once assigned (compaction
/// keeps `baseOffset` and `lastOffsetDelta` of v2 batches); only the records inside it can thin out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Batch {
    pub base_offset: Offset,
    /// Kafka's `lastOffsetDelta`: the batch covers `base_offset ..= base_offset + last_offset_delta`.
    pub last_offset_delta: u32,
    /// Records still present (equal to the offset span unless the cleaner removed some).
    pub records: u32,
    pub bytes: u64,
    pub max_timestamp: Millis,
    /// `Some` exactly when the topic is compacted.
    pub keys: Option<Box<KeyedRecords>>,
}

impl Batch {
    /// The batch a validated spec becomes once the leader assigns it offsets from `base_offset`.
    /// `spec.records` must be at least 1 and match `spec.keys` when `keep_keys` (the caller validated both).
    pub fn from_spec(spec: BatchSpec, base_offset: Offset, keep_keys: bool) -> Self {
        let keys = spec.keys.filter(|_| keep_keys).map(|keys| {
            let records = keys
                .into_iter()
                .zip(0u32..)
                .map(|(k, offset_delta)| KeyedRecord { offset_delta, key: k.key, tombstone: k.tombstone })
                .collect();
            Box::new(KeyedRecords { records, delete_horizon_ms: None })
        });
        Self {
            base_offset,
            last_offset_delta: spec.records.saturating_sub(1),
            records: spec.records,
            bytes: spec.bytes,
            max_timestamp: spec.max_timestamp,
            keys,
        }
    }

    pub fn last_offset(&self) -> Offset {
        self.base_offset + Offset::from(self.last_offset_delta)
    }

    /// The offset after this batch (Kafka's `nextOffset()`).
    pub fn next_offset(&self) -> Offset {
        self.last_offset() + 1
    }

    /// How many records present in this batch have an offset in `from..to`.
    pub fn count_in(&self, from: Offset, to: Offset) -> u64 {
        if from >= to || to <= self.base_offset || from > self.last_offset() {
            return 0;
        }
        match &self.keys {
            Some(keys) => {
                let (lo, hi) = (from.saturating_sub(self.base_offset), to.saturating_sub(self.base_offset));
                let start = keys.records.partition_point(|r| u64::from(r.offset_delta) < lo);
                let end = keys.records.partition_point(|r| u64::from(r.offset_delta) < hi);
                (end - start) as u64
            }
            None => {
                let start = from.max(self.base_offset);
                let end = to.min(self.base_offset + u64::from(self.records));
                end.saturating_sub(start)
            }
        }
    }

    /// The offset of the `n`-th (1-based) record present at or after `from`, if the batch has that many.
    pub fn nth_present_from(&self, from: Offset, n: u64) -> Option<Offset> {
        let skip = n.checked_sub(1)?;
        match &self.keys {
            Some(keys) => {
                let lo = from.saturating_sub(self.base_offset);
                let first = keys.records.partition_point(|r| u64::from(r.offset_delta) < lo);
                let index = usize::try_from(skip).ok().and_then(|s| first.checked_add(s))?;
                keys.records.get(index).map(|r| self.base_offset + u64::from(r.offset_delta))
            }
            None => {
                let offset = from.max(self.base_offset).checked_add(skip)?;
                (offset <= self.last_offset()).then_some(offset)
            }
        }
    }

    /// The part of the batch below `end`, or `None` if nothing of it is left.
    ///
    /// Simplification: Kafka truncates at batch boundaries (`LogSegment.truncateTo` drops the whole batch that
    /// holds the target offset, and real targets are batch boundaries); the simulation may cut inside a batch,
    /// so the kept prefix gets a share of the bytes proportional to the records it keeps.
    pub fn prefix_before(&self, end: Offset) -> Option<Batch> {
        if end <= self.base_offset {
            return None;
        }
        if end > self.last_offset() {
            return Some(self.clone());
        }
        let span = end - self.base_offset; // < 2^32 because end <= last_offset
        let kept = self.count_in(self.base_offset, end);
        if kept == 0 {
            return None;
        }
        let keys = self.keys.as_ref().map(|keys| {
            let records = keys.records.iter().copied().filter(|r| u64::from(r.offset_delta) < span).collect();
            Box::new(KeyedRecords { records, delete_horizon_ms: keys.delete_horizon_ms })
        });
        Some(self.resized(self.base_offset, (span - 1) as u32, kept, keys))
    }

    /// The part of the batch at or after `start` (which must lie in the batch), rebased to start there, so a
    /// follower that stopped inside a batch can continue from the same offset.
    pub fn suffix_from(&self, start: Offset) -> Batch {
        if start <= self.base_offset {
            return self.clone();
        }
        let shift = (start - self.base_offset) as u32;
        let kept = self.count_in(start, self.next_offset());
        let keys = self.keys.as_ref().map(|keys| {
            let records = keys
                .records
                .iter()
                .filter(|r| r.offset_delta >= shift)
                .map(|r| KeyedRecord { offset_delta: r.offset_delta - shift, ..*r })
                .collect();
            Box::new(KeyedRecords { records, delete_horizon_ms: keys.delete_horizon_ms })
        });
        self.resized(start, self.last_offset_delta - shift, kept, keys)
    }

    /// A copy covering `base_offset ..= base_offset + last_offset_delta` with `kept` records and the bytes that
    /// go with them: the header plus the kept records' share of the payload.
    ///
    /// Simplification: every record of a batch is taken to be the same size (the log keeps no per-record sizes).
    pub fn resized(
        &self,
        base_offset: Offset,
        last_offset_delta: u32,
        kept: u64,
        keys: Option<Box<KeyedRecords>>,
    ) -> Batch {
        Batch {
            base_offset,
            last_offset_delta,
            records: kept as u32,
            bytes: self.bytes_for(kept),
            max_timestamp: self.max_timestamp,
            keys,
        }
    }

    /// How many of the batch's first records fit in `max_bytes` at `bytes_for`'s proportion (at least one).
    pub fn records_within(&self, max_bytes: u64) -> u64 {
        let (header, payload) = self.header_and_payload();
        let fit = u128::from(max_bytes.saturating_sub(header)) * u128::from(self.records.max(1)) / payload.max(1);
        u64::try_from(fit).unwrap_or(u64::MAX).clamp(1, u64::from(self.records.max(1)))
    }

    fn bytes_for(&self, kept: u64) -> u64 {
        let (header, payload) = self.header_and_payload();
        let total = u128::from(self.records.max(1));
        let share = payload * u128::from(kept.min(u64::from(self.records))) / total;
        header + share as u64
    }

    /// The batch's header bytes, and the records' bytes after it (the share `bytes_for` divides).
    fn header_and_payload(&self) -> (u64, u128) {
        let header = self.bytes.min(BATCH_OVERHEAD_BYTES);
        (header, u128::from(self.bytes - header))
    }
}
