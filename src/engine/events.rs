//! The discrete-event queue: events fire in (virtual time, insertion sequence) order, so two runs of the
//! same scenario process the same events in the same order on every machine.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::cluster::{ProduceResponse, ResponseTo};
use super::group::GroupEvent;
use super::isr::Acks;
use super::log::KeyRecord;
use super::producer::ProducerEvent;
use super::trace::Digest;
use super::types::{BrokerId, Millis};

/// A partition addressed by index: position of its topic in the engine's topic list, and partition number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionRef {
    pub topic: usize,
    pub partition: u32,
}

/// Something that happens at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// One of a producer's own events (see `producer::ProducerEvent`).
    Producer { producer: usize, event: ProducerEvent },
    /// A produce request reaches the partition leader it was sent to. `timeout_ms` is the request's own
    /// timeout (the producer's `request.timeout.ms`, as Kafka's ProduceRequest carries it); `keys` are
    /// the records' key ids, present only for a compacted topic.
    ProduceArrives {
        from: ResponseTo,
        to: PartitionRef,
        leader: BrokerId,
        records: u32,
        bytes: u64,
        acks: Acks,
        timeout_ms: Millis,
        keys: Option<Vec<KeyRecord>>,
    },
    /// A produce response reaches its producer.
    ProduceResponse { response: ProduceResponse },
    /// A follower replica fetches from its leader.
    /// `generation` numbers the follower's fetch loop; a woken long poll starts a new one and the old
    /// loop's pending wake-up is then ignored.
    FollowerFetch { at: PartitionRef, follower: BrokerId, generation: u64 },
    /// One of a consumer group's own events (see `group::GroupEvent`).
    Group { group: usize, event: GroupEvent },
    /// A broker's periodic ISR expiration check (Kafka runs it every replica.lag.time.max.ms / 2).
    IsrExpiration { broker: BrokerId },
    /// A stopped broker's heartbeat session runs out (for its run number `incarnation`).
    BrokerSessionExpiry { broker: BrokerId, incarnation: u64 },
    /// The controller quorum's voters elect a new active controller.
    QuorumElection,
    /// The controller's periodic preferred-leader check (auto.leader.rebalance.enable).
    LeaderImbalanceCheck,
    /// A broker's periodic retention pass (`log.retention.check.interval.ms`).
    LogRetention { broker: BrokerId },
    /// A broker's log cleaner wakes up to compact what needs it (`log.cleaner.backoff.ms`).
    LogCleaner { broker: BrokerId },
}

impl Event {
    pub(crate) fn digest(&self, d: &mut Digest) {
        match *self {
            Event::Producer { producer, ref event } => {
                d.words(&[1, producer as u64]);
                d.words(&event.digest_words());
            }
            Event::ProduceArrives { from, to, leader, records, bytes, acks, timeout_ms, ref keys } => d.words(&[
                2,
                timeout_ms,
                keys.as_ref().map_or(0, |k| {
                    k.iter().fold(1 + k.len() as u64, |h, r| {
                        h.wrapping_mul(31).wrapping_add(2 * u64::from(r.key) + u64::from(r.tombstone))
                    })
                }),
                from.producer as u64,
                from.request,
                to.topic as u64,
                to.partition.into(),
                leader as u64,
                records.into(),
                bytes,
                acks as u64,
            ]),
            Event::ProduceResponse { response } => {
                let outcome = match response.result {
                    Ok(()) => 0,
                    Err(e) => 1 + e.code() as u64,
                };
                d.words(&[7, response.to.producer as u64, response.to.request, outcome]);
            }
            Event::FollowerFetch { at, follower, generation } => {
                d.words(&[3, at.topic as u64, at.partition.into(), follower as u64, generation])
            }
            Event::Group { group, ref event } => {
                d.words(&[4, group as u64]);
                d.words(&event.digest_words());
            }
            Event::IsrExpiration { broker } => d.words(&[6, broker as u64]),
            Event::BrokerSessionExpiry { broker, incarnation } => d.words(&[8, broker as u64, incarnation]),
            Event::QuorumElection => d.word(9),
            Event::LeaderImbalanceCheck => d.word(10),
            Event::LogRetention { broker } => d.words(&[11, broker as u64]),
            Event::LogCleaner { broker } => d.words(&[12, broker as u64]),
        }
    }
}

/// An event with its place in the order: (time, sequence number). Sequence numbers are unique, so the
/// order is total without ever comparing events themselves.
#[derive(Debug)]
struct Scheduled {
    at: Millis,
    seq: u64,
    event: Event,
}

impl PartialEq for Scheduled {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}

impl Eq for Scheduled {}

impl PartialOrd for Scheduled {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Scheduled {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.at, self.seq).cmp(&(other.at, other.seq))
    }
}

/// Min-heap of scheduled events keyed by (time, sequence number).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<Scheduled>>,
    next_seq: u64,
}

impl EventQueue {
    pub fn schedule(&mut self, at: Millis, event: Event) {
        self.heap.push(Reverse(Scheduled { at, seq: self.next_seq, event }));
        self.next_seq += 1;
    }

    /// Time of the earliest pending event.
    pub fn next_time(&self) -> Option<Millis> {
        self.heap.peek().map(|Reverse(s)| s.at)
    }

    /// Remove and return the earliest event if it is due at or before `until`.
    pub fn pop_due(&mut self, until: Millis) -> Option<(Millis, Event)> {
        if self.next_time()? > until {
            return None;
        }
        self.heap.pop().map(|Reverse(s)| (s.at, s.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        q.schedule(10, Event::IsrExpiration { broker: 2 });
        q.schedule(5, Event::IsrExpiration { broker: 1 });
        q.schedule(10, Event::IsrExpiration { broker: 3 });
        assert_eq!(q.pop_due(100), Some((5, Event::IsrExpiration { broker: 1 })));
        assert_eq!(q.pop_due(100), Some((10, Event::IsrExpiration { broker: 2 })));
        assert_eq!(q.pop_due(9), None, "not due yet");
        assert_eq!(q.pop_due(10), Some((10, Event::IsrExpiration { broker: 3 })));
        assert!(q.is_empty());
    }
}
