//! Brokers, topics, partitions and their replicas, and the replication protocol between them:
//! leaders append, followers fetch (long-polling when idle), the leader tracks each follower's fetch
//! state, moves the high watermark and shrinks or expands the ISR (kafka-reference.md §3.2–3.4).

use std::collections::VecDeque;

use super::election::{LeaderAndIsr, LeaderRecoveryState};
use super::epoch_cache::{LeaderEpochCache, TruncationStep, follower_truncation_offset};
use super::isr::{self, Acks, FollowerFetchState, ProduceError};
use super::log::{BatchSpec, LogConfig, PartitionLog};
use super::producer::PartitionResult;
use super::types::{BrokerId, Millis, Offset, TopicPartition};
use super::vec_map::{VecMap, VecSet};
use crate::scenario::TopicSpec;

/// Bytes a follower may fetch for one partition in one request (Kafka's `replica.fetch.max.bytes`, 1 MiB).
pub const REPLICA_FETCH_MAX_BYTES: u64 = 1_048_576;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Broker {
    pub id: BrokerId,
    pub rack: Option<String>,
    /// The process is running.
    pub up: bool,
    /// The controller has fenced it (no heartbeat within broker.session.timeout.ms, or shut down):
    /// it may not lead and is taken out of every ISR.
    pub fenced: bool,
    /// Bumped at each start: a session expiry scheduled for an earlier run is stale.
    pub incarnation: u64,
    /// When the current run registered; heartbeats follow every broker.heartbeat.interval.ms from here.
    pub registered_at: Millis,
    /// Extra delay on every fetch its follower replicas make (a slow disk or network), in virtual ms.
    pub extra_fetch_delay_ms: Millis,
}

impl Broker {
    pub fn new(id: BrokerId, rack: Option<String>) -> Self {
        Broker { id, rack, up: true, fenced: false, incarnation: 0, registered_at: 0, extra_fetch_delay_ms: 0 }
    }
}

/// Cluster-wide replication settings (broker configs in Kafka).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicationConfig {
    pub network_latency_ms: Millis,
    pub replica_lag_time_max_ms: Millis,
    pub replica_fetch_wait_max_ms: Millis,
}

/// One follower broker's fetch session with one leader broker (Kafka's `ReplicaFetcherThread` with
/// `num.replica.fetchers=1`: one fetcher per source broker, one `FetchRequest` covering every partition
/// the follower replicates from that leader). A fetch visits all its partitions; it long-polls at the
/// leader (`replica.fetch.wait.max.ms`) only when none of them returned data, and new data on any of
/// them completes the wait.
///
/// Exactly one event of a running session is live: the one whose `generation` matches. `next_at` says
/// when it fires, so a restart or a wake-up that would not fire earlier schedules nothing.
///
/// Simplification: partitions are not split across several fetcher threads and a session carries no
/// incremental-fetch state (KIP-227): every fetch visits every partition of the session.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FetchSession {
    /// Partitions fetched in this session; ones whose leader or replicas changed are dropped when next visited.
    pub partitions: VecSet<super::events::PartitionRef>,
    /// Number of the live event; events with another number are stale.
    pub generation: u64,
    /// When the live event fires; `None` while a fetch is being processed or the session is stopped.
    pub next_at: Option<Millis>,
    /// The live event ends a long poll: new data on any partition wakes the session now.
    pub parked: bool,
    /// A wake-up came while the session's fetch was being processed: fetch again at once, do not park.
    pub woken: bool,
}

impl FetchSession {
    /// Make the next fetch happen at `at`, unless the live event already comes no later. Returns the
    /// generation to schedule an event with, if one must be scheduled.
    pub fn fetch_at(&mut self, at: Millis, parked: bool) -> Option<u64> {
        if self.next_at.is_some_and(|live| live <= at) && !self.parked {
            return None;
        }
        self.generation += 1;
        self.next_at = Some(at);
        self.parked = parked;
        Some(self.generation)
    }
}

#[derive(Debug)]
pub struct Topic {
    pub name: String,
    /// The topic as created, with every config change since: the source of its partitions' settings.
    pub spec: TopicSpec,
    pub partitions: Vec<Partition>,
}

/// One replica of a partition on one broker: its own log, its own view of the high watermark, and its
/// leader-epoch cache (which epoch wrote which offsets: what truncation after a failure is decided by).
#[derive(Debug)]
pub struct Replica {
    pub log: PartitionLog,
    pub high_watermark: Offset,
    pub epochs: LeaderEpochCache,
}

impl Replica {
    fn new(log_config: &LogConfig, now: Millis) -> Self {
        Replica { log: PartitionLog::new(log_config.clone(), now), high_watermark: 0, epochs: LeaderEpochCache::new() }
    }
}

/// One partition's batch of a produce request accepted under acks=all, waiting for the high watermark
/// to pass its last offset (a partition of Kafka's `DelayedProduce`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PendingAck {
    pub slot: AckSlot,
    pub written: AckedRange,
    pub deadline: Millis,
}

/// Which part of which open produce request a partition's answer belongs to: the broker's request id
/// (see `produce::OpenProduceRequests`) and the part's index in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AckSlot {
    pub request: u64,
    pub part: u32,
}

/// A partition's answer for one part of an open produce request. The engine records `written` as
/// acknowledged (`Partition::record_acked`) only if the request was still waiting for this part: a
/// request already answered (it timed out on another partition) told its producer otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PartAnswer {
    pub slot: AckSlot,
    pub result: Result<(), ProduceError>,
    /// The offsets the part's batch was written at.
    pub written: AckedRange,
}

/// Offsets `first..=last` written by the leader of `epoch` and acknowledged to a producer. A record is
/// lost if the partition's log no longer holds it as written in that epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AckedRange {
    pub first: Offset,
    pub last: Offset,
    pub epoch: i32,
}

/// Who a produce response goes back to: a producer and its request number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResponseTo {
    pub producer: usize,
    pub request: u64,
}

/// A produce response: the request it answers and each of its partitions' outcome, in the request's order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProduceResponse {
    pub to: ResponseTo,
    pub results: Vec<PartitionResult>,
}

/// A change of ISR membership, for narration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IsrChange {
    Shrunk { removed: Vec<BrokerId> },
    Expanded { added: BrokerId },
}

/// Everything one follower fetch did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchOutcome {
    pub result: FetchResult,
    pub isr_change: Option<IsrChange>,
    pub truncation: Option<Truncation>,
}

impl FetchOutcome {
    fn unavailable() -> Self {
        FetchOutcome { result: FetchResult::Unavailable, isr_change: None, truncation: None }
    }
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
    /// Bumped on every change of leader, ISR or replicas (the controller's registration epoch).
    pub partition_epoch: i32,
    /// Topic config `unclean.leader.election.enable`.
    pub unclean_leader_election: bool,
    /// Set by an unclean election until the new leader has recovered its log (Kafka's RECOVERING).
    pub leader_recovering: bool,
    /// Assigned replicas in order; the first is the preferred leader.
    pub replicas: Vec<BrokerId>,
    pub leader: Option<BrokerId>,
    pub isr: Vec<BrokerId>,
    pub leader_epoch: i32,
    /// The leader's LEO when its epoch began: a follower may only join the ISR once it reaches it.
    pub leader_epoch_start_offset: Offset,
    pub min_insync_replicas: u16,
    pub replica_logs: VecMap<BrokerId, Replica>,
    /// The leader's record of each follower's fetches.
    follower_states: VecMap<BrokerId, FollowerFetchState>,
    /// Followers whose fetch is parked at the leader, waiting for data (long poll).
    parked_fetches: VecSet<BrokerId>,
    pending_acks: VecDeque<PendingAck>,
    /// Followers that must reconcile their log with a new leader (epoch-based truncation) before fetching.
    needs_truncation: VecSet<BrokerId>,
    /// What producers were told is safely written, for the lost-acknowledged-records check.
    acked: Vec<AckedRange>,
    /// The high watermark last published by a leader: what consumers keep while the partition is offline.
    last_known_high_watermark: Offset,
    /// Replicas on fenced brokers: not ISR-eligible, so they neither join the ISR nor hold back the HW.
    fenced_replicas: VecSet<BrokerId>,
}

/// How a follower's log was cut back to agree with its leader's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncation {
    pub from: Offset,
    pub to: Offset,
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
        let mut replica_logs: VecMap<BrokerId, Replica> =
            replicas.iter().map(|b| (*b, Replica::new(log_config, now))).collect();
        if let Some(first) = replicas.first().and_then(|b| replica_logs.get_mut(b)) {
            let _ = first.epochs.assign(0, 0);
        }
        // Kafka resets lastCaughtUpTimeMs to now for ISR followers when a leader takes over (§3.2).
        let follower_states = replicas.iter().skip(1).map(|b| (*b, FollowerFetchState::in_sync_at(now))).collect();
        Partition {
            tp,
            partition_epoch: 0,
            unclean_leader_election: false,
            leader_recovering: false,
            needs_truncation: VecSet::new(),
            acked: Vec::new(),
            last_known_high_watermark: 0,
            fenced_replicas: VecSet::new(),
            leader: replicas.first().copied(),
            isr: replicas.clone(),
            leader_epoch: 0,
            leader_epoch_start_offset: 0,
            min_insync_replicas,
            replica_logs,
            follower_states,
            parked_fetches: VecSet::new(),
            pending_acks: VecDeque::new(),
            replicas,
        }
    }

    /// Reassignment adds a replica: an empty log that fetches from the leader (starting at its log start
    /// offset) and joins the ISR once caught up, like any follower.
    pub fn add_replica(&mut self, broker: BrokerId, now: Millis) {
        if self.replicas.contains(&broker) {
            return;
        }
        let config = self.replica_logs.values().next().map(|r| r.log.config().clone()).unwrap_or_default();
        self.replica_logs.insert(broker, Replica::new(&config, now));
        self.follower_states.insert(broker, FollowerFetchState::out_of_sync());
        self.replicas.push(broker);
        self.partition_epoch += 1;
    }

    /// Reassignment removes a follower: out of the replica set and ISR, its log deleted; its fetch session
    /// drops the partition at its next fetch. The leader is never removed here.
    pub fn remove_replica(&mut self, broker: BrokerId) {
        if self.leader == Some(broker) || !self.replicas.contains(&broker) {
            return;
        }
        self.replicas.retain(|&b| b != broker);
        self.isr.retain(|&b| b != broker);
        self.replica_logs.remove(&broker);
        self.follower_states.remove(&broker);
        self.parked_fetches.remove(&broker);
        self.needs_truncation.remove(&broker);
        self.fenced_replicas.remove(&broker);
        self.partition_epoch += 1;
    }

    /// A new log configuration for every replica (a topic config change).
    pub fn set_log_config(&mut self, config: &LogConfig) {
        for replica in self.replica_logs.values_mut() {
            replica.log.set_config(config.clone());
        }
    }

    pub fn followers(&self) -> impl Iterator<Item = BrokerId> + '_ {
        self.replicas.iter().copied().filter(move |b| Some(*b) != self.leader)
    }

    fn leader_replica(&self) -> Option<&Replica> {
        self.leader.and_then(|l| self.replica_logs.get(&l))
    }

    /// The leader's high watermark: what consumers may read up to. While the partition has no leader,
    /// the last one published (consumers neither read nor reset meanwhile).
    pub fn high_watermark(&self) -> Offset {
        self.leader_replica().map_or(self.last_known_high_watermark, |r| r.high_watermark)
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

    /// Append a producer's batch at the leader (§3.4). `Ok(true)` when its answer must wait for the
    /// high watermark (acks=all: it waits as `slot`), `Ok(false)` when it is answered now (acks 0/1),
    /// or the refusal.
    pub fn append_from_producer(
        &mut self,
        slot: AckSlot,
        batch: BatchSpec,
        acks: Acks,
        deadline: Millis,
        now: Millis,
    ) -> Result<bool, ProduceError> {
        let leader = self.leader.ok_or(ProduceError::NotLeaderOrFollower)?;
        isr::check_acks_before_append(acks, self.isr.len(), self.effective_min_isr())?;
        let replica = self.replica_logs.get_mut(&leader).ok_or(ProduceError::NotLeaderOrFollower)?;
        let (first, last) = replica.log.append(batch, now).map_err(|_| ProduceError::InvalidRecord)?;
        let written = AckedRange { first, last, epoch: self.leader_epoch };
        match acks {
            Acks::All => self.pending_acks.push_back(PendingAck { slot, written, deadline }),
            Acks::One => self.record_acked(written),
            Acks::Zero => {}
        }
        Ok(acks == Acks::All)
    }

    /// Followers whose fetch was parked here waiting for data: new records complete their fetch
    /// session's long poll now (the engine wakes each follower's session with this leader).
    pub fn wake_parked_fetches(&mut self) -> Vec<BrokerId> {
        let woken = self.parked_fetches.iter().copied().collect();
        self.parked_fetches.clear(); // keeps its buffer: the next fetch parks again
        woken
    }

    /// The leader's HW moved without new records: followers parked here learn it at once, as if their long
    /// poll had returned it. A parked follower holds every record (it parked because nothing was left to
    /// fetch), so its HW becomes the leader's. See `Engine::after_leader_progress` for why.
    pub fn publish_high_watermark_to_parked(&mut self) {
        let hw = self.high_watermark();
        for follower in self.parked_fetches.iter() {
            if let Some(replica) = self.replica_logs.get_mut(follower) {
                replica.high_watermark = hw.min(replica.log.log_end_offset());
            }
        }
    }

    /// Whether `follower` replicates this partition from `leader` now: what keeps the partition in
    /// the fetch session of that (follower, leader) pair.
    pub fn fetched_by(&self, follower: BrokerId, leader: BrokerId) -> bool {
        self.leader == Some(leader) && follower != leader && self.replicas.contains(&follower)
    }

    /// One fetch by `follower` from the leader at `now` (Replica.updateFetchStateOrThrow, §3.2):
    /// the leader records the fetch offset, may admit the follower to the ISR, returns data, and the
    /// follower's HW becomes the leader's HW clamped to its own log.
    pub fn follower_fetch(&mut self, follower: BrokerId, now: Millis, config: &ReplicationConfig) -> FetchOutcome {
        let Some(leader) = self.leader else { return FetchOutcome::unavailable() };
        if follower == leader {
            return FetchOutcome::unavailable();
        }
        if !self.replica_logs.contains_key(&follower) {
            return FetchOutcome::unavailable();
        }
        // Simplification: an uncleanly elected leader finishes recovering its log by its first follower fetch.
        self.leader_recovering = false;
        let truncation = if self.needs_truncation.remove(&follower) {
            let Some((replica, leader_replica)) = self.replica_logs.get_mut_and_get(&follower, &leader) else {
                return FetchOutcome::unavailable();
            };
            Self::reconcile(leader_replica, replica, now)
        } else {
            None
        };
        let fetch_offset = self.replica_logs[&follower].log.log_end_offset();
        let leader_leo = self.leader_log_end_offset();
        let state = self.follower_states.get_or_insert_with(follower, FollowerFetchState::out_of_sync);
        state.on_fetch(now, fetch_offset, leader_leo);
        let isr_change = self.maybe_expand_isr(follower, fetch_offset);
        self.update_high_watermark(now, config.replica_lag_time_max_ms);

        let leader_hw = self.high_watermark();
        // Both replicas borrowed in place: a `Replica` is large, and moving it out and back per fetch showed.
        let Some((replica, leader_replica)) = self.replica_logs.get_mut_and_get(&follower, &leader) else {
            return FetchOutcome::unavailable();
        };
        let new_leo = if fetch_offset < leader_leo {
            replica.log.copy_from(&leader_replica.log, fetch_offset, REPLICA_FETCH_MAX_BYTES, now)
        } else {
            fetch_offset
        };
        Self::sync_epochs(leader_replica, replica, new_leo);
        replica.high_watermark = leader_hw.min(new_leo);
        // The fetch response carries the leader's log start offset and the follower adopts it
        // (`maybeIncrementLogStartOffset`), never past its own HW; its retention then drops the segments below.
        let leader_log_start = leader_replica.log.log_start_offset().min(replica.high_watermark);
        let _ = replica.log.delete_records(leader_log_start, replica.high_watermark);

        let result = if new_leo > fetch_offset {
            FetchResult::Progressed
        } else {
            self.parked_fetches.insert(follower);
            FetchResult::Parked
        };
        FetchOutcome { result, isr_change, truncation }
    }

    /// maybeExpandIsr: a follower joins once it has reached the HW and the start of the current epoch.
    fn maybe_expand_isr(&mut self, follower: BrokerId, follower_leo: Offset) -> Option<IsrChange> {
        if self.isr.contains(&follower)
            || self.fenced_replicas.contains(&follower)
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
    /// Simplification: the controller commits ISR changes at once, so the maximal ISR is the ISR.
    pub fn update_high_watermark(&mut self, now: Millis, replica_lag_time_max_ms: Millis) {
        let Some(leader) = self.leader else { return };
        let leader_leo = self.leader_log_end_offset();
        let current = self.high_watermark();
        let followers = self.followers().filter_map(|f| {
            let state = self.follower_states.get(&f)?;
            let caught_up = state.is_caught_up(leader_leo, now, replica_lag_time_max_ms);
            let eligible = !self.fenced_replicas.contains(&f);
            let holds_back = isr::holds_back_high_watermark(self.isr.contains(&f), caught_up, eligible);
            Some((state.known_log_end_offset(), holds_back))
        });
        let hw = isr::next_high_watermark(current, leader_leo, self.isr.len(), self.effective_min_isr(), followers);
        if let Some(r) = self.replica_logs.get_mut(&leader) {
            r.high_watermark = hw;
        }
    }

    /// Answer the acks=all batches the HW now covers, and fail those past their request's deadline
    /// (REQUEST_TIMED_OUT). The engine records the acknowledged ones (see [`PartAnswer`]).
    pub fn settle_pending_acks(&mut self, now: Millis) -> Vec<PartAnswer> {
        let hw = self.high_watermark();
        let mut answers = Vec::new();
        while let Some(front) = self.pending_acks.front().copied() {
            let result = if front.written.last < hw {
                Ok(())
            } else if front.deadline <= now {
                Err(ProduceError::RequestTimedOut)
            } else {
                break;
            };
            answers.push(PartAnswer { slot: front.slot, result, written: front.written });
            self.pending_acks.pop_front();
        }
        answers
    }

    /// Forget acknowledged ranges wholly below the leader's log start offset: retention deleted them on
    /// purpose, they can no longer count as lost, and keeping them would grow the ledger without bound.
    pub fn forget_acked_below_log_start(&mut self) {
        let Some(log_start) = self.leader_replica().map(|r| r.log.log_start_offset()) else { return };
        self.acked.retain(|range| range.last >= log_start);
    }

    /// Remember that offsets `range` were acknowledged to a producer, merging with the previous range
    /// when contiguous.
    pub fn record_acked(&mut self, range: AckedRange) {
        if let Some(last) = self.acked.last_mut().filter(|l| l.epoch == range.epoch && l.last + 1 == range.first) {
            last.last = range.last;
        } else {
            self.acked.push(range);
        }
    }

    /// Acknowledged records the partition no longer holds as written: gone from the leader's log, or
    /// overwritten by another epoch (truncated, then reused). Records below the log start offset were
    /// deleted by retention on purpose and do not count. Offline partitions count nothing: their data
    /// may come back with the replica that has it.
    pub fn lost_acknowledged_records(&self) -> u64 {
        if self.acked.is_empty() {
            return 0;
        }
        let Some(leader) = self.leader_replica() else { return 0 };
        let (log_start, leo) = (leader.log.log_start_offset(), leader.log.log_end_offset());
        self.acked
            .iter()
            .map(|range| {
                let first = range.first.max(log_start);
                if first > range.last {
                    return 0;
                }
                let wanted = range.last + 1 - first;
                // Offsets that epoch wrote in the leader's log: from its start to the next epoch's start.
                let span =
                    leader.epochs.span_of(range.epoch).map(|(start, next)| (start, next.unwrap_or(leo).min(leo)));
                let held = span.map_or(0, |(start, end)| (range.last + 1).min(end).saturating_sub(first.max(start)));
                wanted - held
            })
            .sum()
    }

    /// Install the controller's new registration (after an election or an ISR change). A new leader
    /// starts its epoch at its log end, every follower must reconcile with it, and requests waiting at
    /// the old leader fail with NOT_LEADER_OR_FOLLOWER (their answers are returned).
    pub fn set_leadership(&mut self, next: LeaderAndIsr, now: Millis) -> Vec<PartAnswer> {
        let leader_changed = next.leader != self.leader;
        if leader_changed {
            self.last_known_high_watermark = self.high_watermark();
        }
        self.isr = next.isr;
        self.partition_epoch = next.partition_epoch;
        self.leader_recovering = next.leader_recovery == LeaderRecoveryState::Recovering;
        if !leader_changed {
            return Vec::new();
        }
        self.leader = next.leader;
        self.leader_epoch = next.leader_epoch;
        self.parked_fetches.clear();
        let failed: Vec<PartAnswer> = self
            .pending_acks
            .drain(..)
            .map(|p| PartAnswer { slot: p.slot, result: Err(ProduceError::NotLeaderOrFollower), written: p.written })
            .collect();
        if let Some(leader) = self.leader {
            if let Some(replica) = self.replica_logs.get_mut(&leader) {
                let leo = replica.log.log_end_offset();
                self.leader_epoch_start_offset = leo;
                let _ = replica.epochs.assign(next.leader_epoch, leo);
            }
            let followers: Vec<BrokerId> = self.followers().collect();
            // Partition.makeLeader: ISR followers count as caught up now, the others not at all (§3.2).
            self.follower_states = followers
                .iter()
                .map(|f| {
                    let state = if self.isr.contains(f) {
                        FollowerFetchState::in_sync_at(now)
                    } else {
                        FollowerFetchState::out_of_sync()
                    };
                    (*f, state)
                })
                .collect();
            self.needs_truncation = followers.into_iter().collect();
        }
        failed
    }

    /// The controller fenced (or unfenced) the broker hosting one of this partition's replicas.
    pub fn set_replica_fenced(&mut self, broker: BrokerId, fenced: bool) {
        if fenced {
            self.fenced_replicas.insert(broker);
        } else {
            self.fenced_replicas.remove(&broker);
        }
    }

    /// A replica on a broker that restarts must reconcile its log before fetching again.
    pub fn mark_needs_truncation(&mut self, broker: BrokerId) {
        if Some(broker) != self.leader {
            self.needs_truncation.insert(broker);
        }
    }

    /// Epoch-based truncation of a follower against the leader (AbstractFetcherThread, §3.6): ask the
    /// leader where the follower's latest epoch ends, truncate there, and repeat for older epochs the
    /// leader does not know.
    fn reconcile(leader: &Replica, follower: &mut Replica, now: Millis) -> Option<Truncation> {
        let from = follower.log.log_end_offset();
        let mut target = from;
        let mut asked = follower.epochs.latest_epoch();
        for _ in 0..=follower.epochs.entries().len() {
            let Some(epoch) = asked else { break };
            let answer = leader.epochs.end_offset_for(Some(epoch), leader.log.log_end_offset());
            match follower_truncation_offset(&follower.epochs, target, answer) {
                TruncationStep::Complete { offset } => {
                    target = target.min(offset);
                    break;
                }
                TruncationStep::TruncateAndAskAgain { offset, next_epoch } => {
                    target = target.min(offset);
                    asked = Some(next_epoch);
                }
                TruncationStep::ToHighWatermark => {
                    target = target.min(follower.high_watermark);
                    break;
                }
            }
        }
        if target >= from {
            return None;
        }
        follower.log.truncate_to(target, now);
        follower.epochs.truncate_from_end(target);
        follower.high_watermark = follower.high_watermark.min(target);
        Some(Truncation { from, to: target })
    }

    /// After copying the leader's records up to `new_leo`, learn the epochs that wrote them.
    fn sync_epochs(leader: &Replica, follower: &mut Replica, new_leo: Offset) {
        if follower.epochs.latest_epoch() == leader.epochs.latest_epoch() {
            return; // the usual case: nothing newer to learn (and no list of entries to build per fetch)
        }
        for (epoch, start) in leader.epochs.iter() {
            if start < new_leo && follower.epochs.latest_epoch().is_none_or(|latest| epoch > latest) {
                let _ = follower.epochs.assign(epoch, start);
            }
        }
    }

    /// Records present in `[from, to)` of the leader's log (compaction leaves gaps).
    pub fn records_between(&self, from: Offset, to: Offset) -> u64 {
        self.leader_replica().map_or(0, |r| r.log.count_records_in(from, to))
    }
}
