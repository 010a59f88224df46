//! The discrete-event queue: events fire in (virtual time, insertion sequence) order, so two runs of the
//! same scenario process the same events in the same order on every machine.

use std::collections::{BTreeMap, VecDeque};

use super::cluster::ProduceResponse;
use super::group::GroupEvent;
use super::produce::ProduceInFlight;
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
    /// A produce request reaches the broker it was sent to: one batch for each of several partitions
    /// it leads, with the request's acks and its own timeout (the producer's `request.timeout.ms`, as
    /// Kafka's ProduceRequest carries it). Boxed: the queue stores events by value, and most are small.
    ProduceArrives { request: Box<ProduceInFlight> },
    /// A produce response, with a result per partition of its request, reaches its producer.
    ProduceResponse { response: Box<ProduceResponse> },
    /// Broker `follower`'s fetch session with broker `leader` fetches every partition it replicates
    /// from it (see `cluster::FetchSession`). `generation` numbers the session's live event; an event
    /// superseded by a restart or a wake-up carries an older one and is ignored.
    FetchSession { follower: BrokerId, leader: BrokerId, generation: u64 },
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

/// Names of the event kinds, indexed by [`Event::kind`] (for counting events by kind).
pub const EVENT_KINDS: [&str; 11] = [
    "producer",
    "produce_arrives",
    "produce_response",
    "fetch_session",
    "group",
    "isr_expiration",
    "broker_session_expiry",
    "quorum_election",
    "leader_imbalance_check",
    "log_retention",
    "log_cleaner",
];

impl Event {
    /// Index of this event's kind in [`EVENT_KINDS`].
    pub fn kind(&self) -> usize {
        match self {
            Event::Producer { .. } => 0,
            Event::ProduceArrives { .. } => 1,
            Event::ProduceResponse { .. } => 2,
            Event::FetchSession { .. } => 3,
            Event::Group { .. } => 4,
            Event::IsrExpiration { .. } => 5,
            Event::BrokerSessionExpiry { .. } => 6,
            Event::QuorumElection => 7,
            Event::LeaderImbalanceCheck => 8,
            Event::LogRetention { .. } => 9,
            Event::LogCleaner { .. } => 10,
        }
    }

    pub(crate) fn digest(&self, d: &mut Digest) {
        match *self {
            Event::Producer { producer, ref event } => {
                d.words(&[1, producer as u64]);
                d.words(&event.digest_words());
            }
            Event::ProduceArrives { ref request } => {
                let ProduceInFlight { producer, topic, ref request } = **request;
                d.words(&[
                    2,
                    producer as u64,
                    topic as u64,
                    request.request,
                    request.leader as u64,
                    request.acks as u64,
                    request.timeout_ms,
                    request.parts.len() as u64,
                ]);
                for part in &request.parts {
                    let keys = part.keys.as_ref().map_or(0, |k| {
                        k.iter().fold(1 + k.len() as u64, |h, r| {
                            h.wrapping_mul(31).wrapping_add(2 * u64::from(r.key) + u64::from(r.tombstone))
                        })
                    });
                    d.words(&[part.partition.into(), part.records.into(), part.bytes, keys]);
                }
            }
            Event::ProduceResponse { ref response } => {
                d.words(&[7, response.to.producer as u64, response.to.request, response.results.len() as u64]);
                for part in &response.results {
                    let outcome = match part.result {
                        Ok(()) => 0,
                        Err(e) => 1 + e.code() as u64,
                    };
                    d.words(&[part.partition.into(), outcome]);
                }
            }
            Event::FetchSession { follower, leader, generation } => {
                d.words(&[3, follower as u64, leader as u64, generation])
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

/// The pending events, in (time, insertion sequence) order.
///
/// Why buckets and not a binary heap: times are whole virtual milliseconds and a busy cluster has up to
/// a million events pending over only a few thousand distinct times. A heap of a million entries costs
/// ~20 cache-missing comparisons per push and pop; here an event goes to the back of its millisecond's
/// FIFO (one ordered-map lookup over the few thousand times) and comes off the front of the earliest
/// one. Appending to a bucket in call order *is* the insertion sequence, so the order is exactly the
/// (time, sequence) order the heap gave, and histories are unchanged.
#[derive(Debug, Default)]
pub struct EventQueue {
    buckets: BTreeMap<Millis, VecDeque<Event>>,
    len: usize,
    /// Emptied buckets kept for reuse, so steady state allocates nothing per millisecond.
    spare: Vec<VecDeque<Event>>,
}

/// Spare buckets kept at most (a few dozen cover a steady state).
const SPARE_BUCKETS: usize = 64;
/// Events a spare bucket keeps room for: a recycled bucket is shrunk to this before reuse.
///
/// Why: a millisecond's bucket near `now` holds thousands of events in the large scenario, while one
/// far ahead (a long poll's expiry, a session timeout) holds one or two. Recycled with its full capacity,
/// a big bucket was handed to whatever millisecond was scheduled next, so over time every pending
/// millisecond (thousands of them) carried the largest bucket's capacity: the heap grew ~79 MiB per
/// simulated second with the queue's length steady. Shrunk, each bucket's capacity stays within twice
/// the most events it held itself, so the queue's memory is bounded by its length (at most
/// `2 × len + SPARE_BUCKET_CAPACITY × buckets` events' worth). A dense bucket regrows by doubling: about
/// ten reallocations per millisecond, against thousands of events.
const SPARE_BUCKET_CAPACITY: usize = 64;

impl EventQueue {
    pub fn schedule(&mut self, at: Millis, event: Event) {
        let spare = &mut self.spare;
        self.buckets.entry(at).or_insert_with(|| spare.pop().unwrap_or_default()).push_back(event);
        self.len += 1;
    }

    /// Time of the earliest pending event.
    pub fn next_time(&self) -> Option<Millis> {
        self.buckets.first_key_value().map(|(at, _)| *at)
    }

    /// Remove and return the earliest event if it is due at or before `until`.
    pub fn pop_due(&mut self, until: Millis) -> Option<(Millis, Event)> {
        let mut first = self.buckets.first_entry()?;
        let at = *first.key();
        if at > until {
            return None;
        }
        let event = first.get_mut().pop_front().expect("buckets are never left empty");
        if first.get().is_empty() {
            let mut bucket = first.remove();
            if self.spare.len() < SPARE_BUCKETS {
                bucket.shrink_to(SPARE_BUCKET_CAPACITY);
                self.spare.push(bucket);
            }
        }
        self.len -= 1;
        Some((at, event))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Events the queue has room for without allocating: pending buckets' and spares' capacities.
    pub fn capacity(&self) -> usize {
        self.buckets.values().chain(&self.spare).map(VecDeque::capacity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The queue holds up to a few million events by value: the produce events keep their parts
    /// behind a box so the enum stays as small as its plain variants (it was 88 bytes when a produce
    /// event carried its batch inline).
    #[test]
    fn events_stay_small() {
        assert!(std::mem::size_of::<Event>() <= 32, "{} bytes", std::mem::size_of::<Event>());
    }

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

    #[test]
    fn an_event_scheduled_earlier_than_pending_ones_comes_first() {
        let mut q = EventQueue::default();
        q.schedule(10, Event::IsrExpiration { broker: 1 });
        assert_eq!(q.pop_due(0), None);
        q.schedule(3, Event::IsrExpiration { broker: 2 });
        q.schedule(10, Event::IsrExpiration { broker: 3 });
        assert_eq!(q.len(), 3);
        assert_eq!(q.next_time(), Some(3));
        let order: Vec<_> = std::iter::from_fn(|| q.pop_due(u64::MAX)).collect();
        let brokers: Vec<_> = order
            .iter()
            .map(|(at, e)| match e {
                Event::IsrExpiration { broker } => (*at, *broker),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(brokers, vec![(3, 2), (10, 1), (10, 3)]);
        assert!(q.is_empty() && q.next_time().is_none());
    }

    /// Each millisecond a dense bucket is drained while one event is scheduled far ahead (a long poll's
    /// expiry, say): the dense buckets' capacity must not be recycled into the far-ahead ones, or the
    /// queue's memory grows with time while its length stays small.
    #[test]
    fn recycled_buckets_do_not_carry_a_dense_buckets_capacity() {
        let mut q = EventQueue::default();
        let (dense, rounds) = (1_000u64, 500u64);
        for now in 0..rounds {
            for i in 0..dense {
                q.schedule(now, Event::BrokerSessionExpiry { broker: 1, incarnation: i });
            }
            while q.pop_due(now).is_some() {}
            q.schedule(now + 100_000, Event::IsrExpiration { broker: 1 });
        }
        assert_eq!(q.len(), rounds as usize);
        let bound = 2 * q.len() + SPARE_BUCKET_CAPACITY * (q.len() + SPARE_BUCKETS);
        assert!(q.capacity() <= bound, "room for {} events with {} pending (bound {bound})", q.capacity(), q.len());
    }

    proptest::proptest! {
        /// Any interleaving of schedules and pops comes out in (time, insertion sequence) order, exactly
        /// as a reference that sorts by that pair.
        #[test]
        fn pops_match_a_sorted_reference(ops in proptest::collection::vec((0u64..50, proptest::bool::ANY), 1..200)) {
            let mut q = EventQueue::default();
            let mut reference: Vec<(Millis, u64)> = Vec::new();
            let mut seq = 0u64;
            let mut now = 0;
            for (delta, pop) in ops {
                if pop {
                    now += delta / 5;
                    reference.sort();
                    let expected = reference.first().copied().filter(|(at, _)| *at <= now);
                    let got = q.pop_due(now).map(|(at, e)| match e {
                        Event::BrokerSessionExpiry { incarnation, .. } => (at, incarnation),
                        other => panic!("unexpected {other:?}"),
                    });
                    proptest::prop_assert_eq!(got, expected);
                    if expected.is_some() {
                        reference.remove(0);
                    }
                } else {
                    q.schedule(now + delta, Event::BrokerSessionExpiry { broker: 1, incarnation: seq });
                    reference.push((now + delta, seq));
                    seq += 1;
                }
                proptest::prop_assert_eq!(q.len(), reference.len());
            }
        }
    }
}
