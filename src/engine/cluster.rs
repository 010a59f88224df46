//! Brokers, topics, partitions and their replicas, and the replication protocol between them:
//! leaders append, followers fetch (long-polling when idle), the leader tracks each follower's fetch
//! state, moves the high watermark and shrinks or expands the ISR (kafka-reference.md §3.2–3.4).

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use super::isr::{self, Acks, FollowerFetchState, ProduceError};
use super::log::{BatchSpec, LogConfig, PartitionLog};
use super::types::{BrokerId, Millis, Offset, TopicPartition};

/// Bytes a follower may fetch for one partition in one request (Kafka's `replica.fetch.max.bytes`, 1 MiB).
pub const REPLICA_FETCH_MAX_BYTES: u64 = 1_048_576;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub up: bool,
}

/// Cluster-wide replication settings (broker configs in Kafka).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicationConfig {
    pub network_latency_ms: Millis,
    pub replica_lag_time_max_ms: Millis,
    pub replica_fetch_wait_max_ms: Millis,
}

#[derive(Debug)]
pub struct Topic {
    pub name: String,
    pub partitions: Vec<Partition>,
}

/// One replica of a partition on one broker: its own log and its own view of the high watermark.
#[derive(Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub high_watermark: Offset,
}

/// A produce request accepted under acks=all, waiting for the high watermark to pass its last offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingAck {
    pub response: ResponseTo,
    pub last_offset: Offset,
    pub deadline: Millis,
}

/// Who a produce response goes back to: a producer and its request number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResponseTo {
    pub producer: usize,
    pub request: u64,
}

/// A produce response: the request it answers and its outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProduceResponse {
    pub to: ResponseTo,
    pub result: Result<(), ProduceError>,
}

/// A change of ISR membership, for narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IsrChange {
    Shrunk { removed: Vec<BrokerId> },
    Expanded { added: BrokerId },
}

/// What a follower fetch did, so the engine can schedule the next one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FetchResult {
    /// Records came back: fetch again after a network round trip.
    Progressed,
    /// Nothing to fetch: the request waits at the leader until data arrives or the wait expires.
    Parked,
    /// No leader to fetch from: retry after a back-off.
    Unavailable,
}

#[derive(Debug)]
pub struct Partition {
    pub tp: TopicPartition,
    /// Assigned replicas in order; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader_epoch: i32,
    /// The leader's LEO when its epoch began: a follower may only join the ISR once it reaches it.
    pub leader_epoch_start_offset: Offset,
    pub min_insync_replicas: u16,
    pub replica_logs: BTreeMap<BrokerId, Replica>,
    /// The leader's record of each follower's fetches.
    follower_states: BTreeMap<BrokerId, FollowerFetchState>,
    /// Followers whose fetch is parked at the leader, waiting for data (long poll).
    parked_fetches: BTreeSet<BrokerId>,
    /// Per follower, the number of its current fetch loop; events of older loops are stale.
    fetch_generation: BTreeMap<BrokerId, u64>,
    pending_acks: VecDeque<PendingAck>,
}

impl Partition {
    /// A new partition as the controller creates it: first replica leads, all replicas in sync, empty logs.
    pub fn new(
        tp: TopicPartition,
        replicas: Vec<BrokerId>,
        min_insync_replicas: u16,
        log_config: &LogConfig,
        now: Millis,
    ) -> Self {
        let replica_logs = replicas
            .iter()
            .map(|b| (*b, Replica { log: PartitionLog::new(log_config.clone(), now), high_watermark: 0 }))
            .collect();
        // Kafka resets lastCaughtUpTimeMs to now for ISR followers when a leader takes over (§3.2).
        let follower_states = replicas.iter().skip(1).map(|b| (*b, FollowerFetchState::in_sync_at(now))).collect();
        Partition {
            tp,
            leader: replicas.first().copied(),
            isr: replicas.clone(),
            leader_epoch: 0,
            leader_epoch_start_offset: 0,
            min_insync_replicas,
            replica_logs,
            follower_states,
            parked_fetches: BTreeSet::new(),
            fetch_generation: BTreeMap::new(),
            pending_acks: VecDeque::new(),
            replicas,
        }
    }

    pub fn followers(&self) -> impl Iterator<Item = BrokerId> + '_ {
        self.replicas.iter().copied().filter(move |b| Some(*b) != self.leader)
    }

    fn leader_replica(&self) -> Option<&Replica> {
        self.leader.and_then(|l| self.replica_logs.get(&l))
    }

    /// The leader's high watermark: what consumers may read up to.
    pub fn high_watermark(&self) -> Offset {
        self.leader_replica().map_or(0, |r| r.high_watermark)
    }

    pub fn leader_log_end_offset(&self) -> Offset {
        self.leader_replica().map_or(0, |r| r.log.log_end_offset())
    }

    pub fn log_start_offset(&self) -> Offset {
        self.leader_replica().map_or(0, |r| r.log.log_start_offset())
    }

    /// `min(min.insync.replicas, replication factor)` (§3.4).
    pub fn effective_min_isr(&self) -> usize {
        isr::effective_min_isr(usize::from(self.min_insync_replicas), self.replicas.len())
    }

    /// Current fetch-loop number of a follower.
    pub fn fetch_generation(&self, follower: BrokerId) -> u64 {
        self.fetch_generation.get(&follower).copied().unwrap_or(0)
    }

    /// Append a producer's batch at the leader (§3.4). `Ok(true)` when the response must wait for the
    /// high watermark (acks=all), `Ok(false)` when it can be sent now (acks 0/1), or the refusal.
    pub fn append_from_producer(
        &mut self,
        response: ResponseTo,
        records: u32,
        bytes: u64,
        acks: Acks,
        deadline: Millis,
        now: Millis,
    ) -> Result<bool, ProduceError> {
        let leader = self.leader.ok_or(ProduceError::NotLeaderOrFollower)?;
        isr::check_acks_before_append(acks, self.isr.len(), self.effective_min_isr())?;
        let replica = self.replica_logs.get_mut(&leader).ok_or(ProduceError::NotLeaderOrFollower)?;
        let batch = BatchSpec { records, bytes, max_timestamp: now, keys: None };
        let (_, last) = replica.log.append(batch, now).map_err(|_| ProduceError::InvalidRecord)?;
        let waits = acks == Acks::All;
        if waits {
            self.pending_acks.push_back(PendingAck { response, last_offset: last, deadline });
        }
        Ok(waits)
    }

    /// Followers whose fetch was parked waiting for data: the append completes their fetch now.
    /// Each gets a new fetch-loop number, so its pending wait-expiry event goes stale.
    pub fn wake_parked_fetches(&mut self) -> Vec<(BrokerId, u64)> {
        let woken: Vec<BrokerId> = std::mem::take(&mut self.parked_fetches).into_iter().collect();
        woken.into_iter().map(|f| (f, self.next_fetch_generation(f))).collect()
    }

    pub fn next_fetch_generation(&mut self, follower: BrokerId) -> u64 {
        let generation = self.fetch_generation.entry(follower).or_insert(0);
        *generation += 1;
        *generation
    }

    /// One fetch by `follower` from the leader at `now` (Replica.updateFetchStateOrThrow, §3.2):
    /// the leader records the fetch offset, may admit the follower to the ISR, returns data, and the
    /// follower's HW becomes the leader's HW clamped to its own log.
    pub fn follower_fetch(
        &mut self,
        follower: BrokerId,
        now: Millis,
        config: &ReplicationConfig,
    ) -> (FetchResult, Option<IsrChange>) {
        let Some(leader) = self.leader else { return (FetchResult::Unavailable, None) };
        if follower == leader {
            return (FetchResult::Unavailable, None);
        }
        let Some(mut replica) = self.replica_logs.remove(&follower) else { return (FetchResult::Unavailable, None) };
        let fetch_offset = replica.log.log_end_offset();
        let leader_leo = self.leader_log_end_offset();
        let state = self.follower_states.entry(follower).or_insert_with(FollowerFetchState::out_of_sync);
        state.on_fetch(now, fetch_offset, leader_leo);
        let change = self.maybe_expand_isr(follower, fetch_offset);
        self.update_high_watermark(now, config.replica_lag_time_max_ms);

        let leader_log = &self.replica_logs[&leader].log;
        let new_leo = if fetch_offset < leader_leo {
            replica.log.copy_from(leader_log, fetch_offset, REPLICA_FETCH_MAX_BYTES, now)
        } else {
            fetch_offset
        };
        replica.high_watermark = self.high_watermark().min(new_leo);
        self.replica_logs.insert(follower, replica);

        let result = if new_leo > fetch_offset {
            FetchResult::Progressed
        } else {
            self.parked_fetches.insert(follower);
            FetchResult::Parked
        };
        (result, change)
    }

    /// maybeExpandIsr: a follower joins once it has reached the HW and the start of the current epoch.
    fn maybe_expand_isr(&mut self, follower: BrokerId, follower_leo: Offset) -> Option<IsrChange> {
        if self.isr.contains(&follower)
            || !isr::can_join_isr(follower_leo, self.high_watermark(), self.leader_epoch_start_offset)
        {
            return None;
        }
        self.isr.push(follower);
        self.isr.sort_by_key(|b| self.replicas.iter().position(|r| r == b));
        Some(IsrChange::Expanded { added: follower })
    }

    /// maybeShrinkIsr (§3.2): drop every ISR follower that is not caught up.
    pub fn maybe_shrink_isr(&mut self, now: Millis, replica_lag_time_max_ms: Millis) -> Option<IsrChange> {
        let leader_leo = self.leader_log_end_offset();
        let leader = self.leader?;
        let lagging: Vec<BrokerId> = self
            .isr
            .iter()
            .copied()
            .filter(|b| *b != leader)
            .filter(|b| {
                !self.follower_states.get(b).is_some_and(|s| s.is_caught_up(leader_leo, now, replica_lag_time_max_ms))
            })
            .collect();
        if lagging.is_empty() {
            return None;
        }
        self.isr.retain(|b| !lagging.contains(b));
        self.update_high_watermark(now, replica_lag_time_max_ms);
        Some(IsrChange::Shrunk { removed: lagging })
    }

    /// maybeIncrementLeaderHW (§3.3): the minimum LEO over the ISR and the caught-up followers,
    /// frozen while the ISR is below min.insync.replicas, never moving backwards.
    /// Simplification: the controller commits ISR changes at once, so the maximal ISR is the ISR; and
    /// every follower is ISR-eligible (fenced brokers stop fetching, so they stop being caught up).
    pub fn update_high_watermark(&mut self, now: Millis, replica_lag_time_max_ms: Millis) {
        let Some(leader) = self.leader else { return };
        let leader_leo = self.leader_log_end_offset();
        let current = self.high_watermark();
        let followers = self.followers().filter_map(|f| {
            let state = self.follower_states.get(&f)?;
            let caught_up = state.is_caught_up(leader_leo, now, replica_lag_time_max_ms);
            let holds_back = isr::holds_back_high_watermark(self.isr.contains(&f), caught_up, true);
            Some((state.known_log_end_offset(), holds_back))
        });
        let hw = isr::next_high_watermark(current, leader_leo, self.isr.len(), self.effective_min_isr(), followers);
        if let Some(r) = self.replica_logs.get_mut(&leader) {
            r.high_watermark = hw;
        }
    }

    /// Complete acks=all requests the HW now covers, and fail those past their deadline (REQUEST_TIMED_OUT).
    pub fn settle_pending_acks(&mut self, now: Millis) -> Vec<ProduceResponse> {
        let hw = self.high_watermark();
        let mut responses = Vec::new();
        while let Some(front) = self.pending_acks.front().copied() {
            let result = if front.last_offset < hw {
                Ok(())
            } else if front.deadline <= now {
                Err(ProduceError::RequestTimedOut)
            } else {
                break;
            };
            responses.push(ProduceResponse { to: front.response, result });
            self.pending_acks.pop_front();
        }
        responses
    }

    /// Records present in `[from, to)` of the leader's log (compaction leaves gaps).
    pub fn records_between(&self, from: Offset, to: Offset) -> u64 {
        self.leader_replica().map_or(0, |r| r.log.count_records_in(from, to))
    }
}
