//! The discrete-event queue: events fire in (virtual time, insertion sequence) order, so two runs of the
//! same scenario process the same events in the same order on every machine.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::trace::Digest;
use super::types::{BrokerId, Millis};

/// A partition addressed by index: position of its topic in the engine's topic list, and partition number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartitionRef {
    pub topic: usize,
    pub partition: u32,
}

/// Something that happens at a moment of virtual time.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Event {
    /// A producer's accumulator wakes up and sends what it has (one tick of its linger loop).
    ProducerTick { producer: usize },
    /// A produce request reaches the partition leader it was sent to.
    ProduceArrives { producer: usize, to: PartitionRef, leader: BrokerId, records: u32 },
    /// A follower replica fetches from its leader.
    /// `generation` numbers the follower's fetch loop; a woken long poll starts a new one and the old
    /// loop's pending wake-up is then ignored.
    FollowerFetch { at: PartitionRef, follower: BrokerId, generation: u64 },
    /// A group member polls its assigned partitions.
    ConsumerPoll { group: usize, member: u64 },
    /// A group member's auto-commit timer fires.
    AutoCommit { group: usize, member: u64 },
    /// A broker's periodic ISR expiration check (Kafka runs it every replica.lag.time.max.ms / 2).
    IsrExpiration { broker: BrokerId },
}

impl Event {
    pub(crate) fn digest(&self, d: &mut Digest) {
        match *self {
            Event::ProducerTick { producer } => d.words(&[1, producer as u64]),
            Event::ProduceArrives { producer, to, leader, records } => {
                d.words(&[2, producer as u64, to.topic as u64, to.partition.into(), leader as u64, records.into()])
            }
            Event::FollowerFetch { at, follower, generation } => {
                d.words(&[3, at.topic as u64, at.partition.into(), follower as u64, generation])
            }
            Event::ConsumerPoll { group, member } => d.words(&[4, group as u64, member]),
            Event::AutoCommit { group, member } => d.words(&[5, group as u64, member]),
            Event::IsrExpiration { broker } => d.words(&[6, broker as u64]),
        }
    }
}

/// Min-heap of scheduled events keyed by (time, sequence number).
#[derive(Debug, Default)]
pub struct EventQueue {
    heap: BinaryHeap<Reverse<(Millis, u64, Event)>>,
    next_seq: u64,
}

impl EventQueue {
    pub fn schedule(&mut self, at: Millis, event: Event) {
        self.heap.push(Reverse((at, self.next_seq, event)));
        self.next_seq += 1;
    }

    /// Time of the earliest pending event.
    pub fn next_time(&self) -> Option<Millis> {
        self.heap.peek().map(|Reverse((t, _, _))| *t)
    }

    /// Remove and return the earliest event if it is due at or before `until`.
    pub fn pop_due(&mut self, until: Millis) -> Option<(Millis, Event)> {
        if self.next_time()? > until {
            return None;
        }
        self.heap.pop().map(|Reverse((t, _, e))| (t, e))
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
        q.schedule(10, Event::ProducerTick { producer: 2 });
        q.schedule(5, Event::ProducerTick { producer: 1 });
        q.schedule(10, Event::ProducerTick { producer: 3 });
        assert_eq!(q.pop_due(100), Some((5, Event::ProducerTick { producer: 1 })));
        assert_eq!(q.pop_due(100), Some((10, Event::ProducerTick { producer: 2 })));
        assert_eq!(q.pop_due(9), None, "not due yet");
        assert_eq!(q.pop_due(10), Some((10, Event::ProducerTick { producer: 3 })));
        assert!(q.is_empty());
    }
}
