//! Kafka's `RecordAccumulator`: records wait in per-partition queues of batches until a batch is full
//! or has waited `linger.ms`, then the sender drains them to the partition leaders.
//!
//! A batch is a count of records and bytes, never one object per record, so a million records a
//! second cost a few hundred batches.

use std::collections::VecDeque;

use crate::engine::isr::ProduceError;
use crate::engine::log::KeyRecord;
use crate::engine::types::Millis;

/// Size of one record on the wire (key, value and record overhead), in bytes.
pub const RECORD_BYTES: u64 = 100;
/// v2 record batch header (`DefaultRecordBatch.RECORD_BATCH_OVERHEAD`).
pub const BATCH_OVERHEAD_BYTES: u64 = 61;

/// Bytes of a batch of `records` records.
pub fn batch_bytes(records: u32) -> u64 {
    BATCH_OVERHEAD_BYTES + RECORD_BYTES * u64::from(records)
}

/// Kafka's `ProducerBatch`: records for one partition sent (and retried) together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProducerBatch {
    /// The batch's number, in the order the producer opened its batches.
    pub id: u64,
    pub partition: u32,
    pub records: u32,
    pub bytes: u64,
    /// When the batch was opened (`createdMs`): linger and `delivery.timeout.ms` count from here.
    pub created: Millis,
    /// When it was last sent or re-queued (`lastAttemptMs`); retry backoff counts from here.
    pub last_attempt: Millis,
    /// How many times it was re-queued for a retry (`attempts`).
    pub attempts: u32,
    /// The error of its last failed attempt.
    pub last_error: Option<ProduceError>,
    /// The key index of its last record, to label a one-record batch.
    pub last_key: Option<u32>,
    /// Each record's key id and tombstone flag, in order: only for a compacted topic, whose log
    /// needs them to compact (`log::BatchSpec::keyed`). `None` elsewhere, so other batches stay counts.
    pub keys: Option<Vec<KeyRecord>>,
    /// No more records go in (`closeForRecordAppends`): a record did not fit and opened a new batch.
    closed: bool,
}

impl ProducerBatch {
    fn open(id: u64, partition: u32, now: Millis) -> Self {
        ProducerBatch {
            id,
            partition,
            records: 0,
            bytes: BATCH_OVERHEAD_BYTES,
            created: now,
            last_attempt: now,
            attempts: 0,
            last_error: None,
            last_key: None,
            keys: None,
            closed: false,
        }
    }

    /// `MemoryRecordsBuilder.hasRoomFor`: an empty batch takes any record; otherwise the record must
    /// fit within `batch.size`.
    fn has_room(&self, batch_size: u32) -> bool {
        !self.closed && (self.records == 0 || self.bytes + RECORD_BYTES <= u64::from(batch_size))
    }

    /// `ProducerBatch.isFull`: closed for appends, or written up to `batch.size`.
    pub fn is_full(&self, batch_size: u32) -> bool {
        self.closed || (self.records > 0 && self.bytes >= u64::from(batch_size))
    }

    /// `ProducerBatch.hasReachedDeliveryTimeout`.
    pub fn reached_delivery_timeout(&self, delivery_timeout_ms: Millis, now: Millis) -> bool {
        reached_delivery_timeout(self.created, delivery_timeout_ms, now)
    }

    /// When `delivery.timeout.ms` runs out for this batch.
    pub fn delivery_deadline(&self, delivery_timeout_ms: Millis) -> Millis {
        delivery_deadline(self.created, delivery_timeout_ms)
    }

    /// A retried batch still inside its `retry.backoff.ms`.
    pub(super) fn backing_off(&self, retry_backoff_ms: Millis, now: Millis) -> bool {
        backing_off(self.attempts, self.last_attempt, retry_backoff_ms, now)
    }
}

/// `hasReachedDeliveryTimeout` of a batch created at `created`; shared by a batch and its queue's `Front`.
fn reached_delivery_timeout(created: Millis, delivery_timeout_ms: Millis, now: Millis) -> bool {
    delivery_timeout_ms <= now.saturating_sub(created)
}

/// When `delivery.timeout.ms` runs out for a batch created at `created`.
fn delivery_deadline(created: Millis, delivery_timeout_ms: Millis) -> Millis {
    created.saturating_add(delivery_timeout_ms)
}

/// A batch re-queued `attempts` times, last at `last_attempt`, still inside its `retry.backoff.ms`.
fn backing_off(attempts: u32, last_attempt: Millis, retry_backoff_ms: Millis, now: Millis) -> bool {
    attempts > 0 && now < last_attempt + retry_backoff_ms
}

/// What one append did, for the sticky partitioner (`RecordAppendResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// Bytes the append added, batch headers of batches it opened included.
    pub bytes: u64,
    /// `allBatchesFull`: the partition's last batch is full after the append.
    pub last_batch_full: bool,
}

/// Whether a partition's first batch may go (`RecordAccumulator.partitionReady`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readiness {
    /// Full, lingered long enough, or done backing off.
    Ready,
    /// Not yet: check again at this time.
    WaitUntil(Millis),
}

/// Linger, backoff and fullness settings the accumulator's rules read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    pub linger_ms: Millis,
    pub retry_backoff_ms: Millis,
}

/// What a sender pass reads of a partition's queue, kept beside the queues: a pass visits every
/// partition with batches on every tick, and one small array read in order costs far less than a
/// pointer followed to each queue's first batch (hundreds of cache misses a pass at 500 partitions).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Front {
    /// Batches waiting (0: an empty queue; the other fields then mean nothing).
    batches: u32,
    /// The first batch may go for its size: more wait behind it, or it is full (`partitionReady`'s `full`).
    full: bool,
    /// The first batch's `attempts`, `last_attempt` and `created`.
    attempts: u32,
    last_attempt: Millis,
    created: Millis,
}

/// Per-partition queues of batches (`RecordAccumulator.batches`), indexed by partition.
#[derive(Clone, Debug, Default)]
pub struct RecordAccumulator {
    queues: Vec<VecDeque<ProducerBatch>>,
    /// `fronts[p]` summarises `queues[p]`; refreshed by every change of that queue (`sync_front`).
    fronts: Vec<Front>,
    batch_size: u32,
    queued_records: u64,
    queued_bytes: u64,
    /// Number of the next batch opened.
    next_batch: u64,
}

impl RecordAccumulator {
    pub fn new(batch_size: u32) -> Self {
        RecordAccumulator { batch_size, ..Default::default() }
    }

    pub fn batch_size(&self) -> u32 {
        self.batch_size
    }

    /// A new `batch.size` applies to batches opened from now on; open batches keep what they have.
    pub fn set_batch_size(&mut self, batch_size: u32) {
        self.batch_size = batch_size;
        for partition in 0..self.queues.len() {
            self.sync_front(partition);
        }
    }

    /// The queue of `partition`, created (empty) if it never had one.
    fn queue_mut(&mut self, partition: u32) -> &mut VecDeque<ProducerBatch> {
        let index = partition as usize;
        if self.queues.len() <= index {
            self.queues.resize_with(index + 1, VecDeque::new);
            self.fronts.resize(index + 1, Front::default());
        }
        &mut self.queues[index]
    }

    fn queue(&self, partition: u32) -> Option<&VecDeque<ProducerBatch>> {
        self.queues.get(partition as usize)
    }

    /// Refresh `fronts[partition]` after its queue changed.
    fn sync_front(&mut self, partition: usize) {
        let queue = &self.queues[partition];
        self.fronts[partition] = match queue.front() {
            None => Front::default(),
            Some(first) => Front {
                batches: queue.len() as u32,
                full: queue.len() > 1 || first.is_full(self.batch_size),
                attempts: first.attempts,
                last_attempt: first.last_attempt,
                created: first.created,
            },
        };
    }

    /// (partition, front) of every partition with batches, in partition order.
    fn waiting(&self) -> impl Iterator<Item = (u32, &Front)> + '_ {
        (0u32..).zip(&self.fronts).filter(|(_, f)| f.batches > 0)
    }

    pub fn queued_records(&self) -> u64 {
        self.queued_records
    }

    pub fn queued_bytes(&self) -> u64 {
        self.queued_bytes
    }

    /// Partitions with at least one batch waiting, in order.
    pub fn partitions(&self) -> impl Iterator<Item = u32> + '_ {
        self.waiting().map(|(p, _)| p)
    }

    /// How many batches wait for `partition` (`deque.size()`).
    pub fn queued_batches(&self, partition: u32) -> u32 {
        self.fronts.get(partition as usize).map_or(0, |f| f.batches)
    }

    /// The oldest waiting batch of `partition`.
    pub fn first(&self, partition: u32) -> Option<&ProducerBatch> {
        self.queue(partition)?.front()
    }

    /// `RecordAccumulator.append` for `records` records of one partition: fill the last batch, then
    /// open new ones. `last_key` labels the batch that takes the last record.
    pub fn append(&mut self, partition: u32, records: u32, last_key: Option<u32>, now: Millis) -> Appended {
        self.append_records(partition, records, last_key, None, now)
    }

    /// `append` for records that carry their keys (a compacted topic): each batch takes the keys of
    /// the records it takes, in order.
    pub fn append_keyed(&mut self, partition: u32, keys: &[KeyRecord], last_key: Option<u32>, now: Millis) -> Appended {
        let records = u32::try_from(keys.len()).unwrap_or(u32::MAX);
        self.append_records(partition, records, last_key, Some(keys), now)
    }

    /// Where the next record for `partition` goes: whether it opens a new batch, and how many
    /// records fit there (`hasRoomFor`), so a caller can append in bulk up to the next decision.
    pub fn room(&self, partition: u32) -> (bool, u32) {
        let batch_size = self.batch_size;
        match self.queue(partition).and_then(|q| q.back()) {
            Some(last) if last.has_room(batch_size) => (false, records_that_fit(last, batch_size)),
            _ => (true, records_that_fit(&ProducerBatch::open(0, partition, 0), batch_size)),
        }
    }

    fn append_records(
        &mut self,
        partition: u32,
        records: u32,
        last_key: Option<u32>,
        keys: Option<&[KeyRecord]>,
        now: Millis,
    ) -> Appended {
        let batch_size = self.batch_size;
        let mut next_batch = self.next_batch;
        let queue = self.queue_mut(partition);
        let mut remaining = records;
        let mut added_bytes = 0;
        while remaining > 0 {
            let open_new = queue.back().is_none_or(|b| !b.has_room(batch_size));
            if open_new {
                if let Some(full) = queue.back_mut() {
                    full.closed = true;
                }
                queue.push_back(ProducerBatch::open(next_batch, partition, now));
                next_batch += 1;
                added_bytes += BATCH_OVERHEAD_BYTES;
            }
            let Some(batch) = queue.back_mut() else { break };
            let fit = records_that_fit(batch, batch_size).min(remaining);
            if let Some(keys) = keys {
                let taken = (records - remaining) as usize;
                batch.keys.get_or_insert_with(Vec::new).extend_from_slice(&keys[taken..taken + fit as usize]);
            }
            batch.records += fit;
            batch.bytes += RECORD_BYTES * u64::from(fit);
            added_bytes += RECORD_BYTES * u64::from(fit);
            remaining -= fit;
            if remaining == 0 {
                batch.last_key = last_key;
            }
        }
        let last_batch_full = queue.back().is_none_or(|b| b.is_full(batch_size));
        self.next_batch = next_batch;
        self.queued_records += u64::from(records);
        self.queued_bytes += added_bytes;
        self.sync_front(partition as usize);
        Appended { bytes: added_bytes, last_batch_full }
    }

    /// `RecordAccumulator.reenqueue`: a batch to retry goes back to the front of its queue, after
    /// any batches that were created before it (so the queue stays in creation order).
    pub fn reenqueue(&mut self, mut batch: ProducerBatch, now: Millis) {
        batch.attempts += 1;
        batch.last_attempt = now;
        batch.closed = true;
        self.queued_records += u64::from(batch.records);
        self.queued_bytes += batch.bytes;
        let partition = batch.partition;
        let queue = self.queue_mut(partition);
        let at = queue.iter().position(|b| b.created > batch.created).unwrap_or(queue.len());
        queue.insert(at, batch);
        self.sync_front(partition as usize);
    }

    /// `RecordAccumulator.partitionReady` for the first batch of `partition`.
    pub fn readiness(&self, partition: u32, timing: Timing, now: Millis) -> Option<Readiness> {
        let front = self.fronts.get(partition as usize).filter(|f| f.batches > 0)?;
        let backing_off = backing_off(front.attempts, front.last_attempt, timing.retry_backoff_ms, now);
        let time_to_wait = if backing_off { timing.retry_backoff_ms } else { timing.linger_ms };
        let waited = now.saturating_sub(front.last_attempt);
        let expired = waited >= time_to_wait;
        Some(if (front.full || expired) && !backing_off {
            Readiness::Ready
        } else {
            Readiness::WaitUntil(front.last_attempt + time_to_wait)
        })
    }

    /// Take the first batch of `partition` for a request (`drainBatchesForOneNode`), unless it is
    /// backing off. Draining does not wait for linger: once a broker has something ready, every
    /// partition it leads contributes its first batch.
    pub fn drain_first(&mut self, partition: u32, timing: Timing, now: Millis) -> Option<ProducerBatch> {
        let queue = self.queues.get_mut(partition as usize)?;
        if queue.front()?.backing_off(timing.retry_backoff_ms, now) {
            return None;
        }
        let mut batch = queue.pop_front()?;
        batch.closed = true;
        self.sync_front(partition as usize);
        self.forget(&batch);
        Some(batch)
    }

    /// `RecordAccumulator.expiredBatches`: take out every batch past `delivery.timeout.ms`. Queues are
    /// in creation order, so each is scanned from the front until a batch that has time left (and only
    /// queues whose first batch has run out are visited at all).
    pub fn expire(&mut self, delivery_timeout_ms: Millis, now: Millis) -> Vec<ProducerBatch> {
        let due: Vec<u32> = self
            .waiting()
            .filter(|(_, f)| reached_delivery_timeout(f.created, delivery_timeout_ms, now))
            .map(|(p, _)| p)
            .collect();
        let mut expired = Vec::new();
        for partition in due {
            let queue = &mut self.queues[partition as usize];
            while queue.front().is_some_and(|b| b.reached_delivery_timeout(delivery_timeout_ms, now)) {
                expired.extend(queue.pop_front());
            }
            self.sync_front(partition as usize);
        }
        for batch in &expired {
            self.forget(batch);
        }
        expired
    }

    /// The earliest `delivery.timeout.ms` deadline of a waiting batch.
    pub fn earliest_deadline(&self, delivery_timeout_ms: Millis) -> Option<Millis> {
        self.waiting().map(|(_, f)| delivery_deadline(f.created, delivery_timeout_ms)).min()
    }

    /// Every queue as (partition, records of each batch), for tests comparing two accumulators.
    #[cfg(test)]
    pub fn layout(&self) -> Vec<(u32, Vec<u32>)> {
        (0u32..)
            .zip(&self.queues)
            .filter(|(_, q)| !q.is_empty())
            .map(|(p, q)| (p, q.iter().map(|b| b.records).collect()))
            .collect()
    }

    fn forget(&mut self, batch: &ProducerBatch) {
        self.queued_records -= u64::from(batch.records);
        self.queued_bytes -= batch.bytes;
    }
}

/// Records that still fit `batch` (at least one if it is empty: a record larger than `batch.size`
/// gets a batch of its own, as in Kafka).
fn records_that_fit(batch: &ProducerBatch, batch_size: u32) -> u32 {
    if batch.records == 0 {
        let beyond_first = u64::from(batch_size).saturating_sub(batch.bytes + RECORD_BYTES) / RECORD_BYTES;
        return 1 + beyond_first.min(u64::from(u32::MAX - 1)) as u32;
    }
    let room = u64::from(batch_size).saturating_sub(batch.bytes) / RECORD_BYTES;
    room.min(u64::from(u32::MAX)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMING: Timing = Timing { linger_ms: 5, retry_backoff_ms: 100 };

    #[test]
    fn a_default_batch_holds_163_records() {
        // (16384 − 61) / 100 = 163 records fit; the 164th opens a second batch.
        let mut acc = RecordAccumulator::new(16_384);
        acc.append(0, 163, None, 0);
        assert_eq!(acc.queued_batches(0), 1);
        assert_eq!(acc.first(0).map(|b| b.records), Some(163));
        acc.append(0, 1, None, 0);
        assert_eq!(acc.queued_batches(0), 2);
        assert_eq!(acc.queued_records(), 164);
        assert_eq!(acc.queued_bytes(), 2 * BATCH_OVERHEAD_BYTES + 164 * RECORD_BYTES);
    }

    #[test]
    fn batch_size_zero_means_one_record_per_batch() {
        let mut acc = RecordAccumulator::new(0);
        acc.append(2, 5, Some(1), 0);
        assert_eq!(acc.queued_batches(2), 5);
    }

    #[test]
    fn bulk_append_equals_record_by_record() {
        let mut bulk = RecordAccumulator::new(1_000);
        let mut single = RecordAccumulator::new(1_000);
        bulk.append(1, 37, None, 0);
        for _ in 0..37 {
            single.append(1, 1, None, 0);
        }
        assert_eq!(bulk.queued_batches(1), single.queued_batches(1));
        assert_eq!(bulk.queued_bytes(), single.queued_bytes());
        assert_eq!(bulk.queues, single.queues);
    }

    #[test]
    fn appended_bytes_include_the_header_of_an_opened_batch() {
        let mut acc = RecordAccumulator::new(16_384);
        assert_eq!(acc.append(0, 1, None, 0), Appended { bytes: 161, last_batch_full: false });
        assert_eq!(acc.append(0, 1, None, 0).bytes, 100);
    }

    #[test]
    fn a_batch_waits_for_linger_unless_full() {
        let mut acc = RecordAccumulator::new(16_384);
        acc.append(0, 1, None, 10);
        assert_eq!(acc.readiness(0, TIMING, 10), Some(Readiness::WaitUntil(15)));
        assert_eq!(acc.readiness(0, TIMING, 14), Some(Readiness::WaitUntil(15)));
        assert_eq!(acc.readiness(0, TIMING, 15), Some(Readiness::Ready));
        acc.append(1, 200, None, 10); // two batches: the first is sendable at once
        assert_eq!(acc.readiness(1, TIMING, 10), Some(Readiness::Ready));
        assert_eq!(acc.readiness(3, TIMING, 10), None);
    }

    #[test]
    fn a_retried_batch_backs_off_and_goes_first() {
        let mut acc = RecordAccumulator::new(16_384);
        acc.append(0, 1, None, 0);
        let batch = acc.drain_first(0, TIMING, 5).expect("a batch");
        acc.append(0, 2, None, 20);
        acc.reenqueue(batch, 30);
        assert_eq!(acc.first(0).map(|b| (b.records, b.attempts)), Some((1, 1)));
        assert_eq!(acc.readiness(0, TIMING, 50), Some(Readiness::WaitUntil(130)));
        assert_eq!(acc.drain_first(0, TIMING, 129), None, "still backing off");
        assert_eq!(acc.readiness(0, TIMING, 130), Some(Readiness::Ready));
        assert_eq!(acc.drain_first(0, TIMING, 130).map(|b| b.records), Some(1));
        assert_eq!(acc.queued_records(), 2);
    }

    #[test]
    fn batches_expire_after_the_delivery_timeout() {
        let mut acc = RecordAccumulator::new(16_384);
        acc.append(0, 3, None, 0);
        acc.append(1, 4, None, 500);
        assert_eq!(acc.earliest_deadline(1_000), Some(1_000));
        assert!(acc.expire(1_000, 999).is_empty());
        let expired = acc.expire(1_000, 1_000);
        assert_eq!(expired.iter().map(|b| (b.partition, b.records)).collect::<Vec<_>>(), vec![(0, 3)]);
        assert_eq!(acc.queued_records(), 4);
        assert_eq!(acc.partitions().collect::<Vec<_>>(), vec![1]);
    }
}
