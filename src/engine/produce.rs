//! The broker side of produce requests: a request to one broker carries a batch for each of several
//! partitions it leads (`Sender.sendProduceRequest`) and travels as one network event; the broker
//! appends each partition's batch (`ReplicaManager.appendRecords`) and answers the request once, with a
//! result per partition (`DelayedProduce`, kafka-reference.md §3.4).
//!
//! acks=all: the answer waits until every partition's HW covers its batch or the partition failed, or
//! until the request's `timeout` runs out (the partitions still waiting then get `REQUEST_TIMED_OUT`).
//! acks=1: answered at once after the appends. acks=0: never answered.
//!
//! Simplification: Kafka's purgatory expires a delayed request on a timer; here a request past its
//! deadline is answered the next time any of its waiting partitions is touched (a fetch, a HW move,
//! an ISR check), which in a running cluster is within a fetch wait. The producer's own
//! `request.timeout.ms` timer is exact.

use std::collections::BTreeMap;

use super::cluster::{AckSlot, PartAnswer, ProduceResponse, ResponseTo};
use super::events::{Event, PartitionRef};
use super::isr::{Acks, ProduceError};
use super::log::BatchSpec;
use super::producer::{PartitionResult, ProduceRequest};
use super::sim::Engine;
use super::snapshot::FlightKind;

/// A produce request on its way to the broker: which producer sent it, to which topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceInFlight {
    pub producer: usize,
    pub topic: usize,
    pub request: ProduceRequest,
}

/// One open (acks 1/all) request at a broker: who gets the answer, each part's partition and result
/// once known, and how many parts are still without one.
#[derive(Clone, Debug, PartialEq, Eq)]
struct OpenRequest {
    to: ResponseTo,
    results: Vec<(u32, Option<Result<(), ProduceError>>)>,
    outstanding: u32,
}

/// What became of a part's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answered {
    /// The request was already answered (or the part was): nothing changes.
    Stale,
    /// Recorded; other parts are still waiting.
    Waiting,
    /// Recorded, and it was the last: the request's response.
    Complete(ProduceResponse),
}

/// The broker-side table of open produce requests, keyed by the broker's own request id (the
/// `DelayedProduce`s in Kafka's produce purgatory, plus the requests still being appended).
/// A partition's waiting batch points at its request and part with an [`AckSlot`].
#[derive(Clone, Debug, Default)]
pub struct OpenProduceRequests {
    open: BTreeMap<u64, OpenRequest>,
    next: u64,
}

impl OpenProduceRequests {
    /// Open a request answering `to` with one part per partition of `partitions`, none answered yet.
    pub fn open(&mut self, to: ResponseTo, partitions: impl ExactSizeIterator<Item = u32>) -> u64 {
        let id = self.next;
        self.next += 1;
        let outstanding = partitions.len() as u32;
        let results = partitions.map(|p| (p, None)).collect();
        self.open.insert(id, OpenRequest { to, results, outstanding });
        id
    }

    /// Record `result` for the part `slot`.
    pub fn answer(&mut self, slot: AckSlot, result: Result<(), ProduceError>) -> Answered {
        let Some(request) = self.open.get_mut(&slot.request) else { return Answered::Stale };
        let Some(entry) = request.results.get_mut(slot.part as usize).filter(|(_, r)| r.is_none()) else {
            return Answered::Stale;
        };
        entry.1 = Some(result);
        request.outstanding -= 1;
        if request.outstanding > 0 {
            return Answered::Waiting;
        }
        let done = self.open.remove(&slot.request).expect("just looked up");
        Answered::Complete(Self::response(done))
    }

    /// The request's `timeout` ran out (`DelayedProduce.onExpiration`): every part without a result
    /// gets `REQUEST_TIMED_OUT`, and the request is answered. `None` if it was answered already.
    pub fn time_out(&mut self, request: u64) -> Option<ProduceResponse> {
        let mut done = self.open.remove(&request)?;
        for (_, result) in &mut done.results {
            result.get_or_insert(Err(ProduceError::RequestTimedOut));
        }
        Some(Self::response(done))
    }

    /// Requests still open.
    pub fn len(&self) -> usize {
        self.open.len()
    }

    pub fn is_empty(&self) -> bool {
        self.open.is_empty()
    }

    fn response(done: OpenRequest) -> ProduceResponse {
        let results = done
            .results
            .into_iter()
            .map(|(partition, result)| PartitionResult {
                partition,
                result: result.unwrap_or(Err(ProduceError::RequestTimedOut)),
            })
            .collect();
        ProduceResponse { to: done.to, results }
    }
}

impl Engine {
    /// Put producer `p`'s requests on the network, one event each, and draw a flight per batch.
    pub(super) fn send_produce_requests(&mut self, p: usize, topic: usize, requests: Vec<ProduceRequest>) {
        let arrival = self.now + self.replication.network_latency_ms;
        for mut request in requests {
            for part in &mut request.parts {
                let kind = FlightKind::Produce { producer: self.producers[p].name.clone() };
                let at = PartitionRef { topic, partition: part.partition };
                self.record_flight(kind, at, part.records.into(), part.key.take());
            }
            let request = Box::new(ProduceInFlight { producer: p, topic, request });
            self.queue.schedule(arrival, Event::ProduceArrives { request });
        }
    }

    /// A request reaches the broker it was sent to. Each partition's batch is checked and appended on
    /// its own (NOT_LEADER_OR_FOLLOWER, NOT_ENOUGH_REPLICAS, ... per partition, as
    /// `ReplicaManager.appendRecords`); then each partition that took a batch makes progress (its HW
    /// may move, settling waiting batches, and parked follower fetches wake).
    pub(super) fn on_produce_arrives(&mut self, arriving: ProduceInFlight) {
        let ProduceInFlight { producer, topic, request } = arriving;
        let ProduceRequest { request: id, leader, acks, timeout_ms, parts } = request;
        let now = self.now;
        let to = ResponseTo { producer, request: id };
        // acks=0 gets no response on the wire; the producer counted it done once sent.
        let open = (acks != Acks::Zero).then(|| self.open_produce.open(to, parts.iter().map(|p| p.partition)));
        let leader_up = self.broker_up(leader);
        let mut appended = Vec::with_capacity(parts.len());
        for (index, part) in (0u32..).zip(parts) {
            let at = PartitionRef { topic, partition: part.partition };
            // Only acks=all parts wait (with the slot); they always have an open request.
            let slot = AckSlot { request: open.unwrap_or(u64::MAX), part: index };
            let result = if leader_up && self.partition(at).leader == Some(leader) {
                let batch = BatchSpec { records: part.records, bytes: part.bytes, max_timestamp: now, keys: part.keys };
                self.partition_mut(at).append_from_producer(slot, batch, acks, now + timeout_ms, now)
            } else {
                Err(ProduceError::NotLeaderOrFollower)
            };
            match result {
                Ok(waits_for_hw) => {
                    appended.push(at);
                    if !waits_for_hw && open.is_some() {
                        self.record_answer(slot, Ok(()));
                    }
                }
                Err(error) => {
                    if open.is_some() {
                        self.record_answer(slot, Err(error));
                    }
                }
            }
        }
        if !appended.is_empty() {
            self.visible_changes += 1;
        }
        for at in appended {
            self.after_leader_append(at);
        }
    }

    /// Partition `at`'s answers for waiting batches: record each, acknowledging the written offsets of
    /// the successful ones whose request was still waiting, and send the responses they complete. A
    /// `REQUEST_TIMED_OUT` answer times the whole request out (its parts share one deadline).
    pub(super) fn answer_parts(&mut self, at: PartitionRef, answers: Vec<PartAnswer>) {
        for answer in answers {
            if answer.result == Err(ProduceError::RequestTimedOut) {
                if let Some(response) = self.open_produce.time_out(answer.slot.request) {
                    self.respond(response);
                }
                continue;
            }
            let accepted = self.record_answer(answer.slot, answer.result);
            if accepted && answer.result.is_ok() {
                self.partition_mut(at).record_acked(answer.written);
            }
        }
    }

    /// Settle partition `at`'s waiting batches against its HW and their deadline.
    pub(super) fn settle_acks(&mut self, at: PartitionRef) {
        let now = self.now;
        let answers = self.partition_mut(at).settle_pending_acks(now);
        if !answers.is_empty() {
            self.answer_parts(at, answers);
        }
    }

    /// Record one part's result; send the response if it was the last. Returns whether the part was
    /// still waiting.
    fn record_answer(&mut self, slot: AckSlot, result: Result<(), ProduceError>) -> bool {
        match self.open_produce.answer(slot, result) {
            Answered::Stale => false,
            Answered::Waiting => true,
            Answered::Complete(response) => {
                self.respond(response);
                true
            }
        }
    }

    /// Send a produce response back over the network to its producer.
    pub(super) fn respond(&mut self, response: ProduceResponse) {
        let response = Box::new(response);
        self.queue.schedule(self.now + self.replication.network_latency_ms, Event::ProduceResponse { response });
    }

    /// Open produce requests at the brokers (the soak run and tests watch that this stays bounded).
    pub fn open_produce_requests(&self) -> usize {
        self.open_produce.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TO: ResponseTo = ResponseTo { producer: 0, request: 7 };

    fn results(r: &ProduceResponse) -> Vec<(u32, Result<(), ProduceError>)> {
        r.results.iter().map(|p| (p.partition, p.result)).collect()
    }

    #[test]
    fn a_request_is_answered_once_when_its_last_part_is() {
        let mut t = OpenProduceRequests::default();
        let id = t.open(TO, [3, 1, 4].into_iter());
        assert_eq!(t.answer(AckSlot { request: id, part: 1 }, Ok(())), Answered::Waiting);
        assert_eq!(t.answer(AckSlot { request: id, part: 1 }, Ok(())), Answered::Stale, "answered already");
        let nes = Err(ProduceError::NotEnoughReplicas);
        assert_eq!(t.answer(AckSlot { request: id, part: 0 }, nes), Answered::Waiting);
        let Answered::Complete(response) = t.answer(AckSlot { request: id, part: 2 }, Ok(())) else {
            panic!("the last part completes the request")
        };
        assert_eq!(response.to, TO);
        assert_eq!(results(&response), vec![(3, nes), (1, Ok(())), (4, Ok(()))], "in the request's order");
        assert!(t.is_empty());
        assert_eq!(t.answer(AckSlot { request: id, part: 0 }, Ok(())), Answered::Stale);
    }

    #[test]
    fn a_timeout_fails_only_the_parts_still_waiting() {
        let mut t = OpenProduceRequests::default();
        let id = t.open(TO, [0, 1].into_iter());
        let other = t.open(TO, [0].into_iter());
        assert_eq!(t.answer(AckSlot { request: id, part: 0 }, Ok(())), Answered::Waiting);
        let response = t.time_out(id).expect("open");
        assert_eq!(results(&response), vec![(0, Ok(())), (1, Err(ProduceError::RequestTimedOut))]);
        assert_eq!(t.time_out(id), None, "answered once");
        assert_eq!(t.answer(AckSlot { request: id, part: 1 }, Ok(())), Answered::Stale, "a late ack changes nothing");
        assert_eq!(t.len(), 1, "other requests stay open");
        assert!(matches!(t.answer(AckSlot { request: other, part: 0 }, Ok(())), Answered::Complete(_)));
    }
}
