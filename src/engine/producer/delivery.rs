//! What happens to a batch after the accumulator: requests in flight per broker
//! (`max.in.flight.requests.per.connection`), retries of retriable errors, `request.timeout.ms` and
//! `delivery.timeout.ms`, and the outcomes a person can see (`Sender.completeBatch`, `canRetry`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::accumulator::ProducerBatch;
use crate::engine::isr::ProduceError;
use crate::engine::types::{BrokerId, Millis};

/// Outcome events the view keeps per producer.
pub const RECENT_OUTCOMES: usize = 32;

/// Whether the producer retries a batch that failed with `error` (its exception is a
/// `RetriableException`, `Sender.canRetry`).
pub fn is_retriable(error: ProduceError) -> bool {
    match error {
        // NotLeaderOrFollowerException is an InvalidMetadataException: retried after a metadata refresh.
        ProduceError::NotLeaderOrFollower => true,
        ProduceError::NotEnoughReplicas => true,
        ProduceError::NotEnoughReplicasAfterAppend => true,
        // TimeoutException.
        ProduceError::RequestTimedOut => true,
        // InvalidRecordException is not retriable: the broker would refuse it again.
        ProduceError::InvalidRecord => false,
    }
}

/// What became of (one attempt of) a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// The leader acknowledged it (acks 1 or all).
    Acknowledged,
    /// Sent with acks=0: done once on the wire, no response expected.
    Sent,
    /// This attempt failed with a retriable error; the batch goes back to the accumulator.
    Retrying(ProduceError),
    /// The batch failed for good with this error (not retriable, retries used up, or answered after
    /// its delivery timeout).
    Failed(ProduceError),
    /// `delivery.timeout.ms` ran out while the batch waited or was in flight: Kafka fails it with a
    /// `TimeoutException` ("Expiring N record(s) for topic-p: X ms has passed since batch creation").
    Expired,
}

impl Outcome {
    /// Kafka's name for the outcome: the `Errors` name of an error, `TimeoutException` for an expiry.
    pub fn name(&self) -> &'static str {
        match self {
            Outcome::Acknowledged => "OK",
            Outcome::Sent => "SENT",
            Outcome::Retrying(e) | Outcome::Failed(e) => e.name(),
            Outcome::Expired => "TimeoutException",
        }
    }

    pub fn is_error(&self) -> bool {
        !matches!(self, Outcome::Acknowledged | Outcome::Sent)
    }
}

/// One outcome, for the view's list of recent events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutcomeEvent {
    pub time: Millis,
    /// The batch's number, in the order the producer opened its batches (a retry keeps it).
    pub batch: u64,
    pub partition: u32,
    pub records: u32,
    pub outcome: Outcome,
}

/// A bounded ring of recent outcomes, oldest first.
#[derive(Clone, Debug, Default)]
pub struct OutcomeLog {
    events: VecDeque<OutcomeEvent>,
}

impl OutcomeLog {
    pub fn push(&mut self, event: OutcomeEvent) {
        if self.events.len() == RECENT_OUTCOMES {
            self.events.pop_front();
        }
        self.events.push_back(event);
    }

    pub fn recent(&self) -> Vec<OutcomeEvent> {
        self.events.iter().copied().collect()
    }
}

/// One partition's batch inside a request.
#[derive(Clone, Debug)]
struct Part {
    partition: u32,
    delivery_deadline: Millis,
    /// `None` once the batch expired while in flight (the request still holds its slot).
    batch: Option<ProducerBatch>,
}

/// One request on a connection: the batches of several partitions that one broker leads
/// (`Sender.sendProduceRequest`). It holds one of the broker's in-flight slots until its response
/// arrives or the request times out.
#[derive(Clone, Debug)]
struct Wire {
    node: BrokerId,
    /// Its parts, in the order they were added (the order of the request's partitions).
    parts: Vec<u64>,
    /// When `request.timeout.ms` runs out for this request (set once it is sent).
    request_deadline: Option<Millis>,
}

/// The producer's unanswered requests (`NetworkClient.inFlightRequests` and `Sender.inFlightBatches`).
///
/// A request ("wire") to one broker carries one batch ("part") for each of several partitions, and the
/// broker answers it once with a result per partition: the in-flight limit counts wires per broker,
/// exactly as Kafka counts requests per connection, and each part keeps its own delivery deadline.
#[derive(Clone, Debug, Default)]
pub struct InFlight {
    parts: BTreeMap<u64, Part>,
    wires: BTreeMap<u64, Wire>,
    per_node: BTreeMap<BrokerId, u32>,
    /// (delivery deadline, part) of every in-flight batch, to expire them in deadline order.
    deadlines: BTreeSet<(Millis, u64)>,
    /// (request deadline, wire) of every unanswered request: one timer for all of them, not one event each.
    request_deadlines: BTreeSet<(Millis, u64)>,
    next_part: u64,
    next_wire: u64,
    records: u64,
    bytes: u64,
}

impl InFlight {
    /// Whether another request may go to `node` (`InFlightRequests.canSendMore`).
    pub fn can_send(&self, node: BrokerId, max_in_flight: u32) -> bool {
        self.requests_to(node) < max_in_flight
    }

    /// Unanswered requests to `node`.
    pub fn requests_to(&self, node: BrokerId) -> u32 {
        self.per_node.get(&node).copied().unwrap_or(0)
    }

    /// Unanswered requests per broker (brokers with none left out).
    pub fn per_node(&self) -> Vec<(BrokerId, u32)> {
        self.per_node.iter().map(|(n, c)| (*n, *c)).collect()
    }

    pub fn records(&self) -> u64 {
        self.records
    }

    /// Batches sent and not yet answered (expired ones no longer count).
    pub fn batches(&self) -> u32 {
        self.parts.values().filter(|p| p.batch.is_some()).count() as u32
    }

    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Open a request to `node`; it takes a slot once its first part is added.
    pub fn open_wire(&mut self, node: BrokerId) -> u64 {
        let wire = self.untracked_id();
        self.wires.insert(wire, Wire { node, parts: Vec::new(), request_deadline: None });
        wire
    }

    /// Add a batch to request `wire`.
    pub fn add_part(&mut self, wire: u64, batch: ProducerBatch, delivery_deadline: Millis) {
        let id = self.next_part;
        self.next_part += 1;
        if let Some(w) = self.wires.get_mut(&wire) {
            if w.parts.is_empty() {
                *self.per_node.entry(w.node).or_insert(0) += 1;
            }
            w.parts.push(id);
        }
        self.records += u64::from(batch.records);
        self.bytes += batch.bytes;
        self.deadlines.insert((delivery_deadline, id));
        let partition = batch.partition;
        self.parts.insert(id, Part { partition, delivery_deadline, batch: Some(batch) });
    }

    /// A request id that will never be answered (acks=0 requests are done when sent).
    pub fn untracked_id(&mut self) -> u64 {
        let id = self.next_wire;
        self.next_wire += 1;
        id
    }

    /// The response to request `wire` arrived: release its slot and hand back each part's partition
    /// and batch, in the request's order (no batch for a part that expired meanwhile). `None` when the
    /// request is unknown: it timed out already, or was never tracked (acks=0).
    pub fn answer(&mut self, wire: u64) -> Option<Vec<(u32, Option<ProducerBatch>)>> {
        let w = self.wires.remove(&wire)?;
        self.release_slot(wire, &w);
        let parts = w.parts.iter().filter_map(|id| self.take_part(*id)).collect();
        Some(parts)
    }

    /// `request.timeout.ms` ran out for request `wire`: every part still unanswered is given up
    /// (`NetworkClient.handleTimedOutRequests`), and the batches come back to be retried or failed.
    pub fn time_out_wire(&mut self, wire: u64) -> Vec<ProducerBatch> {
        self.answer(wire).unwrap_or_default().into_iter().filter_map(|(_, batch)| batch).collect()
    }

    /// Forget a request that got no part (nothing was drainable after all).
    pub fn discard_wire(&mut self, wire: u64) {
        if self.wires.get(&wire).is_some_and(|w| w.parts.is_empty()) {
            self.wires.remove(&wire);
        }
    }

    /// Request `wire` was sent: it times out at `deadline` unless answered first.
    pub fn arm_request_timeout(&mut self, wire: u64, deadline: Millis) {
        if let Some(w) = self.wires.get_mut(&wire) {
            w.request_deadline = Some(deadline);
            self.request_deadlines.insert((deadline, wire));
        }
    }

    /// When the earliest unanswered request times out.
    pub fn earliest_request_deadline(&self) -> Option<Millis> {
        self.request_deadlines.first().map(|(at, _)| *at)
    }

    /// Unanswered requests whose `request.timeout.ms` has run out by `now`, oldest first.
    pub fn timed_out_wires(&self, now: Millis) -> Vec<u64> {
        self.request_deadlines.iter().take_while(|(at, _)| *at <= now).map(|(_, wire)| *wire).collect()
    }

    /// Whether request `wire` still waits for an answer.
    pub fn wire_open(&self, wire: u64) -> bool {
        self.wires.contains_key(&wire)
    }

    /// `Sender.getExpiredInflightBatches`: batches whose delivery timeout ran out while in flight.
    /// Their request keeps its slot until it is answered or times out.
    pub fn expire(&mut self, now: Millis) -> Vec<ProducerBatch> {
        let due: Vec<(Millis, u64)> = self.deadlines.iter().take_while(|(at, _)| *at <= now).copied().collect();
        let mut expired = Vec::new();
        for key in due {
            self.deadlines.remove(&key);
            if let Some(batch) = self.parts.get_mut(&key.1).and_then(|p| p.batch.take()) {
                self.forget_batch(&batch);
                expired.push(batch);
            }
        }
        expired
    }

    /// The earliest delivery deadline of a batch in flight.
    pub fn earliest_deadline(&self) -> Option<Millis> {
        self.deadlines.first().map(|(at, _)| *at)
    }

    /// Remove part `id`: its partition, and its batch unless it expired.
    fn take_part(&mut self, id: u64) -> Option<(u32, Option<ProducerBatch>)> {
        let part = self.parts.remove(&id)?;
        if let Some(batch) = &part.batch {
            self.deadlines.remove(&(part.delivery_deadline, id));
            self.forget_batch(batch);
        }
        Some((part.partition, part.batch))
    }

    fn forget_batch(&mut self, batch: &ProducerBatch) {
        self.records -= u64::from(batch.records);
        self.bytes -= batch.bytes;
    }

    fn release_slot(&mut self, wire: u64, w: &Wire) {
        if let Some(deadline) = w.request_deadline {
            self.request_deadlines.remove(&(deadline, wire));
        }
        if w.parts.is_empty() {
            return; // never took a slot
        }
        if let Some(count) = self.per_node.get_mut(&w.node) {
            *count -= 1;
            if *count == 0 {
                self.per_node.remove(&w.node);
            }
        }
    }
}

/// A partition's trouble of the moment, so errors are narrated when they start and stop rather
/// than once per batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trouble(pub Outcome);

/// Tracks each partition's trouble and says what changed.
#[derive(Clone, Debug, Default)]
pub struct TroubleTracker {
    by_partition: BTreeMap<u32, Trouble>,
}

impl TroubleTracker {
    /// Record `outcome` for `partition`; returns the previous trouble if this outcome changes it
    /// (`Some(None)` when trouble starts on a healthy partition, `Some(Some(old))` when it changes or
    /// ends), `None` when nothing changed.
    pub fn note(&mut self, partition: u32, outcome: Outcome) -> Option<Option<Trouble>> {
        let before = self.by_partition.get(&partition).copied();
        let after = outcome.is_error().then_some(Trouble(outcome));
        if before == after {
            return None;
        }
        match after {
            Some(t) => self.by_partition.insert(partition, t),
            None => self.by_partition.remove(&partition),
        };
        Some(before)
    }

    /// The trouble of `partition`, if any.
    pub fn get(&self, partition: u32) -> Option<Trouble> {
        self.by_partition.get(&partition).copied()
    }

    /// Partitions in trouble and the name of their last error.
    pub fn current(&self) -> Vec<(u32, &'static str)> {
        self.by_partition.iter().map(|(p, t)| (*p, t.0.name())).collect()
    }
}

/// Kafka's `TimeoutException` message for an expired batch (`ProducerBatch.expirationDone` /
/// `Sender.failBatch`): "Expiring 3 record(s) for orders-1:120000 ms has passed since batch creation".
pub fn expiry_message(records: u32, topic: &str, partition: u32, waited_ms: Millis) -> String {
    format!("Expiring {records} record(s) for {topic}-{partition}:{waited_ms} ms has passed since batch creation")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::producer::accumulator::{RecordAccumulator, Timing};

    fn batch(partition: u32, records: u32) -> ProducerBatch {
        let mut acc = RecordAccumulator::new(16_384);
        acc.append(partition, records, None, 0);
        acc.drain_first(partition, Timing { linger_ms: 0, retry_backoff_ms: 0 }, 0).expect("batch")
    }

    #[test]
    fn a_request_holds_one_slot_until_its_response_answers_every_part() {
        let mut f = InFlight::default();
        let wire = f.open_wire(1);
        f.add_part(wire, batch(0, 2), 1_000);
        f.add_part(wire, batch(3, 5), 1_000);
        assert_eq!(f.requests_to(1), 1, "two parts, one request");
        assert_eq!((f.records(), f.batches()), (7, 2));
        let parts = f.answer(wire).expect("open");
        let partitions: Vec<(u32, u32)> =
            parts.iter().map(|(p, b)| (*p, b.as_ref().map_or(0, |b| b.records))).collect();
        assert_eq!(partitions, vec![(0, 2), (3, 5)], "in the request's order");
        assert_eq!(f.requests_to(1), 0);
        assert!(f.answer(wire).is_none(), "answered once");
        assert_eq!((f.records(), f.batches()), (0, 0));
    }

    #[test]
    fn the_limit_counts_requests_per_broker() {
        let mut f = InFlight::default();
        for _ in 0..5 {
            let wire = f.open_wire(2);
            f.add_part(wire, batch(0, 1), 1_000);
        }
        assert!(!f.can_send(2, 5));
        assert!(f.can_send(2, 6));
        assert!(f.can_send(1, 5), "another broker has its own connection");
    }

    #[test]
    fn a_request_without_parts_takes_no_slot() {
        let mut f = InFlight::default();
        let wire = f.open_wire(1);
        assert_eq!(f.requests_to(1), 0);
        f.discard_wire(wire);
        assert!(!f.wire_open(wire));
    }

    #[test]
    fn expiry_keeps_the_slot_until_the_answer() {
        let mut f = InFlight::default();
        let wire = f.open_wire(1);
        f.add_part(wire, batch(0, 3), 500);
        assert!(f.expire(499).is_empty());
        assert_eq!(f.expire(500).len(), 1);
        assert_eq!(f.records(), 0);
        assert_eq!(f.requests_to(1), 1);
        let parts = f.answer(wire).expect("still open");
        assert!(matches!(parts.as_slice(), [(0, None)]), "the late answer finds no batch");
        assert_eq!(f.requests_to(1), 0);
    }

    #[test]
    fn a_timed_out_request_gives_back_its_unexpired_batches() {
        let mut f = InFlight::default();
        let wire = f.open_wire(1);
        f.add_part(wire, batch(0, 1), 100);
        f.add_part(wire, batch(1, 1), 9_000);
        assert_eq!(f.expire(100).len(), 1);
        f.arm_request_timeout(wire, 200);
        assert_eq!(f.timed_out_wires(200), vec![wire]);
        let back = f.time_out_wire(wire);
        assert_eq!(back.iter().map(|b| b.partition).collect::<Vec<_>>(), vec![1]);
        assert!(!f.wire_open(wire));
        assert_eq!(f.requests_to(1), 0);
        assert!(f.timed_out_wires(u64::MAX).is_empty(), "its timer is gone with it");
    }

    #[test]
    fn retriable_errors_are_kafkas() {
        let cases = [
            (ProduceError::NotLeaderOrFollower, true),
            (ProduceError::NotEnoughReplicas, true),
            (ProduceError::NotEnoughReplicasAfterAppend, true),
            (ProduceError::RequestTimedOut, true),
            (ProduceError::InvalidRecord, false),
        ];
        for (error, retriable) in cases {
            assert_eq!(is_retriable(error), retriable, "{}", error.name());
        }
    }

    #[test]
    fn trouble_is_reported_when_it_starts_changes_and_ends() {
        let mut t = TroubleTracker::default();
        let nes = Outcome::Retrying(ProduceError::NotEnoughReplicas);
        assert_eq!(t.note(1, Outcome::Acknowledged), None);
        assert_eq!(t.note(1, nes), Some(None));
        assert_eq!(t.note(1, nes), None, "same trouble again is not news");
        assert_eq!(t.current(), vec![(1, "NOT_ENOUGH_REPLICAS")]);
        assert_eq!(t.note(1, Outcome::Acknowledged), Some(Some(Trouble(nes))));
        assert!(t.current().is_empty());
    }

    #[test]
    fn outcome_log_is_bounded() {
        let mut log = OutcomeLog::default();
        for time in 0..100 {
            log.push(OutcomeEvent { time, batch: time, partition: 0, records: 1, outcome: Outcome::Acknowledged });
        }
        let recent = log.recent();
        assert_eq!(recent.len(), RECENT_OUTCOMES);
        assert_eq!(recent.first().map(|e| e.time), Some(100 - RECENT_OUTCOMES as u64));
    }

    #[test]
    fn expiry_message_is_kafkas() {
        assert_eq!(
            expiry_message(3, "orders", 1, 120_000),
            "Expiring 3 record(s) for orders-1:120000 ms has passed since batch creation"
        );
    }
}
