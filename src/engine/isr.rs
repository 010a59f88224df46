//! The leader's side of replication: follower fetch tracking, ISR shrink and expand, the high
//! watermark, and what `acks` / `min.insync.replicas` mean for a produce request
//! (kafka-reference.md §3.2–3.4; `Replica.scala`, `Partition.scala`, `DelayedProduce.scala`).
//!
//! Pure rules only: the caller owns the partition state and decides when to apply them.

use std::fmt;

use crate::engine::types::{BrokerId, Millis, Offset};

/// `replica.lag.time.max.ms` default: how long a follower may go without catching up.
pub const DEFAULT_REPLICA_LAG_TIME_MAX_MS: Millis = 30_000;

/// What the leader knows about one follower's fetches (`Replica.ReplicaState`).
///
/// `None` offsets are Kafka's `UnknownOffset` (−1): nothing fetched since this leadership began.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FollowerFetchState {
    /// The follower's log end offset: the offset of its latest fetch.
    pub log_end_offset: Option<Offset>,
    /// The leader's LEO at the time of the follower's previous fetch.
    pub last_fetch_leader_leo: Option<Offset>,
    /// When the follower last fetched; `None`: never.
    pub last_fetch_time_ms: Option<Millis>,
    /// The last time the follower was known to have everything the leader had; `None`: never.
    /// (Kafka uses wall-clock 0, i.e. 1970; the engine's virtual clock starts at 0, so "never" must
    /// be explicit or a brand-new out-of-sync follower would look caught up for the first 30 s.)
    pub last_caught_up_time_ms: Option<Millis>,
}

impl FollowerFetchState {
    /// The state a new leader gives a follower that is **in** the ISR (`resetReplicaState` with
    /// `isNewLeader`): caught up as of `now`, so it is not dropped before it had a chance to fetch.
    pub fn in_sync_at(now: Millis) -> Self {
        Self { last_caught_up_time_ms: Some(now), ..Self::default() }
    }

    /// The state a new leader gives a follower **outside** the ISR: never caught up.
    pub fn out_of_sync() -> Self {
        Self::default()
    }

    /// `Replica.resetReplicaState`, run for every follower when this broker becomes leader (or is
    /// re-confirmed as leader when `is_new_leader` is false).
    pub fn reset(&mut self, now: Millis, leader_leo: Offset, is_new_leader: bool, in_isr: bool) {
        let since = in_isr.then_some(now);
        *self = if is_new_leader {
            Self { last_caught_up_time_ms: since, ..Self::default() }
        } else {
            Self {
                log_end_offset: self.log_end_offset,
                last_fetch_leader_leo: Some(leader_leo),
                last_fetch_time_ms: since,
                last_caught_up_time_ms: since,
            }
        };
    }

    /// `Replica.updateFetchStateOrThrow`: the follower fetched at `fetch_offset` at `now`, while the
    /// leader's LEO was `leader_leo`.
    ///
    /// A follower is caught up *as of now* if it fetched at the leader's LEO, and caught up *as of
    /// its previous fetch* if it now has everything the leader had back then. The second rule lets
    /// a follower of a busy partition, which never quite reaches the moving LEO, stay in the ISR.
    pub fn on_fetch(&mut self, now: Millis, fetch_offset: Offset, leader_leo: Offset) {
        if fetch_offset >= leader_leo {
            self.last_caught_up_time_ms = self.last_caught_up_time_ms.max(Some(now));
        } else if Some(fetch_offset) >= self.last_fetch_leader_leo {
            self.last_caught_up_time_ms = self.last_caught_up_time_ms.max(self.last_fetch_time_ms);
        }
        self.last_fetch_leader_leo = self.last_fetch_leader_leo.max(Some(leader_leo));
        self.last_fetch_time_ms = Some(now);
        self.log_end_offset = Some(fetch_offset);
    }

    /// `ReplicaState.isCaughtUp`: at the leader's LEO, or caught up within the last
    /// `replica_lag_time_max_ms`. A follower at the LEO is never lagging, however old its last fetch.
    pub fn is_caught_up(&self, leader_leo: Offset, now: Millis, replica_lag_time_max_ms: Millis) -> bool {
        self.log_end_offset == Some(leader_leo)
            || self.last_caught_up_time_ms.is_some_and(|t| now.saturating_sub(t) <= replica_lag_time_max_ms)
    }

    /// The follower's LEO for the high-watermark computation, 0 while unknown. Kafka uses −1; both
    /// can only hold the high watermark where it is (it is ≥ 0 and never moves backwards).
    pub fn known_log_end_offset(&self) -> Offset {
        self.log_end_offset.unwrap_or(0)
    }
}

/// `Partition.getOutOfSyncReplicas` (used by `maybeShrinkIsr`): the ISR followers that are not
/// caught up and should be removed. Nothing is removed while an ISR change is already awaiting the
/// controller (`isr_update_in_flight`).
pub fn followers_to_shrink<'a>(
    isr_followers: impl IntoIterator<Item = (BrokerId, &'a FollowerFetchState)>,
    leader_leo: Offset,
    now: Millis,
    replica_lag_time_max_ms: Millis,
    isr_update_in_flight: bool,
) -> Vec<BrokerId> {
    if isr_update_in_flight {
        return Vec::new();
    }
    isr_followers
        .into_iter()
        .filter(|(_, state)| !state.is_caught_up(leader_leo, now, replica_lag_time_max_ms))
        .map(|(broker, _)| broker)
        .collect()
}

/// `Partition.isFollowerInSync` (used by `maybeExpandIsr`): a follower outside the ISR may join once
/// its LEO reached the leader's high watermark **and** the start offset of the leader's current
/// epoch. The caller also checks what is not about offsets: no ISR change in flight, and (KRaft) the
/// broker is unfenced, not shutting down, with a matching broker epoch.
pub fn can_join_isr(follower_leo: Offset, leader_hw: Offset, leader_epoch_start_offset: Offset) -> bool {
    follower_leo >= leader_hw && follower_leo >= leader_epoch_start_offset
}

/// Whether a follower's LEO bounds the high watermark (`maybeIncrementLeaderHW`): it is in the
/// maximal ISR (the ISR plus additions awaiting the controller), or it is caught up and eligible to
/// join, so the leader waits for it instead of leaving it behind forever.
pub fn holds_back_high_watermark(in_maximal_isr: bool, caught_up: bool, isr_eligible: bool) -> bool {
    in_maximal_isr || (caught_up && isr_eligible)
}

/// `Partition.maybeIncrementLeaderHW`: the smallest LEO among the leader and the followers that
/// hold it back (`(leo, holds back)` pairs, see [`holds_back_high_watermark`]), but
/// * frozen while the committed ISR is smaller than `effective_min_isr` (Kafka ≥ 3.7, KAFKA-15583);
/// * never below `current_hw`: the leader's high watermark never moves backwards.
pub fn next_high_watermark(
    current_hw: Offset,
    leader_leo: Offset,
    isr_size: usize,
    effective_min_isr: usize,
    followers: impl IntoIterator<Item = (Offset, bool)>,
) -> Offset {
    if isr_size < effective_min_isr {
        return current_hw;
    }
    let bound =
        followers.into_iter().filter(|&(_, holds_back)| holds_back).fold(leader_leo, |hw, (leo, _)| hw.min(leo));
    current_hw.max(bound)
}

/// A follower's high watermark after a fetch: the leader's, clamped into its own log
/// (`UnifiedLog.updateHighWatermark`).
pub fn follower_high_watermark(leader_hw: Offset, log_start_offset: Offset, follower_leo: Offset) -> Offset {
    if leader_hw < log_start_offset {
        log_start_offset
    } else if leader_hw > follower_leo {
        follower_leo
    } else {
        leader_hw
    }
}

/// `Partition.effectiveMinIsr`: `min(min.insync.replicas, replication factor)`, so an RF-2 topic
/// with `min.insync.replicas=3` behaves as if it were 2.
pub fn effective_min_isr(min_insync_replicas: usize, replication_factor: usize) -> usize {
    min_insync_replicas.min(replication_factor)
}

/// The producer's `acks` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Acks {
    /// `acks=0`: the broker sends no response; the producer never learns the offset (−1).
    Zero,
    /// `acks=1`: the leader answers once the batch is in its own log.
    One,
    /// `acks=all` / `-1` (the default): the leader answers once the whole ISR has the batch.
    #[default]
    All,
}

/// Why a produce request failed (Kafka's `Errors` of the produce path).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProduceError {
    /// `acks=all` and the ISR is below `min.insync.replicas`: refused, nothing written.
    NotEnoughReplicas,
    /// Written, but the ISR shrank below `min.insync.replicas` before it was acknowledged.
    NotEnoughReplicasAfterAppend,
    /// Not acknowledged within the request's timeout.
    RequestTimedOut,
    /// Sent to a broker that does not lead the partition (e.g. during an election).
    NotLeaderOrFollower,
    /// The broker's validation rejected the record (e.g. no key on a compacted topic).
    InvalidRecord,
}

impl ProduceError {
    /// The `Errors` enum name, as the producer logs it.
    pub fn name(self) -> &'static str {
        match self {
            Self::NotEnoughReplicas => "NOT_ENOUGH_REPLICAS",
            Self::NotEnoughReplicasAfterAppend => "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
            Self::RequestTimedOut => "REQUEST_TIMED_OUT",
            Self::NotLeaderOrFollower => "NOT_LEADER_OR_FOLLOWER",
            Self::InvalidRecord => "INVALID_RECORD",
        }
    }

    /// The protocol error code.
    pub fn code(self) -> i16 {
        match self {
            Self::NotEnoughReplicas => 19,
            Self::NotEnoughReplicasAfterAppend => 20,
            Self::RequestTimedOut => 7,
            Self::NotLeaderOrFollower => 6,
            Self::InvalidRecord => 87,
        }
    }

    /// Kafka's default message for the error.
    pub fn message(self) -> &'static str {
        match self {
            Self::NotEnoughReplicas => "Messages are rejected since there are fewer in-sync replicas than required.",
            Self::NotEnoughReplicasAfterAppend => {
                "Messages are written to the log, but to fewer in-sync replicas than required."
            }
            Self::RequestTimedOut => "The request timed out.",
            Self::NotLeaderOrFollower => {
                "For requests intended only for the leader, this error indicates that the broker is \
                 not the current leader. For requests intended for any replica, this error indicates \
                 that the broker is not a replica of the topic partition."
            }
            Self::InvalidRecord => "This record has failed the validation on broker and hence will be rejected.",
        }
    }
}

impl fmt::Display for ProduceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for ProduceError {}

/// `Partition.appendRecordsToLeader`: with `acks=all`, a leader whose ISR is below the effective
/// `min.insync.replicas` refuses the batch before writing anything. `acks` 0 and 1 are never refused.
pub fn check_acks_before_append(acks: Acks, isr_size: usize, effective_min_isr: usize) -> Result<(), ProduceError> {
    if acks == Acks::All && isr_size < effective_min_isr { Err(ProduceError::NotEnoughReplicas) } else { Ok(()) }
}

/// Where an appended `acks=all` request stands (`DelayedProduce`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProduceCheck {
    /// The high watermark has not reached the batch yet; keep waiting.
    Waiting,
    /// The request is answered with this outcome.
    Done(Result<(), ProduceError>),
}

/// `Partition.checkEnoughReplicasReachOffset` + `DelayedProduce.onExpiration` for an appended
/// `acks=all` batch: done once the high watermark reaches `required_offset` (the batch's last
/// offset + 1) — successfully if the maximal ISR still meets the effective minimum, else
/// `NOT_ENOUGH_REPLICAS_AFTER_APPEND` (the data stays written). Not done by `deadline` (the
/// request's timeout): `REQUEST_TIMED_OUT`. Since the HW is frozen under min ISR, a write accepted
/// just before the ISR shrank can end that way.
pub fn check_acks_all_after_append(
    high_watermark: Offset,
    required_offset: Offset,
    maximal_isr_size: usize,
    effective_min_isr: usize,
    now: Millis,
    deadline: Millis,
) -> ProduceCheck {
    if high_watermark >= required_offset {
        ProduceCheck::Done(if maximal_isr_size >= effective_min_isr {
            Ok(())
        } else {
            Err(ProduceError::NotEnoughReplicasAfterAppend)
        })
    } else if now >= deadline {
        ProduceCheck::Done(Err(ProduceError::RequestTimedOut))
    } else {
        ProduceCheck::Waiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LAG_MAX: Millis = DEFAULT_REPLICA_LAG_TIME_MAX_MS;
    const T0: Millis = 1_000;

    /// PartitionTest.testUpdateFollowerFetchState: LEO 6; fetch at 3 after 500 ms keeps the
    /// initial caught-up time; fetch at 6 after another 500 ms makes it "now".
    #[test]
    fn fetch_state_follows_update_fetch_state_or_throw() {
        let mut state = FollowerFetchState::in_sync_at(T0);
        state.on_fetch(T0 + 500, 3, 6);
        assert_eq!(state.last_caught_up_time_ms, Some(T0));
        assert_eq!(state.log_end_offset, Some(3));
        state.on_fetch(T0 + 1000, 6, 6);
        assert_eq!(state.last_caught_up_time_ms, Some(T0 + 1000));
        assert_eq!(state.last_fetch_leader_leo, Some(6));
        assert_eq!(state.last_fetch_time_ms, Some(T0 + 1000));
    }

    /// A fetch that is behind both the LEO and the previous fetch's LEO changes nothing.
    #[test]
    fn fetch_behind_previous_leader_leo_keeps_caught_up_time() {
        let mut state = FollowerFetchState::out_of_sync();
        state.on_fetch(100, 5, 10);
        assert_eq!(state.last_caught_up_time_ms, None);
        state.on_fetch(200, 7, 12);
        assert_eq!(state.last_caught_up_time_ms, None, "7 < previous leader LEO 10");
        assert_eq!(state.last_fetch_leader_leo, Some(12));
    }

    /// PartitionTest.testMaybeShrinkIsr: leader + 2 followers, all in ISR, LEO 10; follower 1
    /// fetches at the LEO, follower 2 never fetches.
    #[test]
    fn shrink_after_lag_time_max_plus_one() {
        let leo = 10;
        let mut follower1 = FollowerFetchState::in_sync_at(T0);
        let follower2 = FollowerFetchState::in_sync_at(T0);
        follower1.on_fetch(T0, leo, leo);
        let isr = [(1, &follower1), (2, &follower2)];

        assert_eq!(followers_to_shrink(isr, leo, T0, LAG_MAX, false), Vec::<BrokerId>::new());
        let later = T0 + LAG_MAX + 1;
        assert_eq!(followers_to_shrink(isr, leo, later, LAG_MAX, false), vec![2]);
        assert!(followers_to_shrink(isr, leo, later, LAG_MAX, true).is_empty(), "shrink in flight");

        // Until the controller commits the shrink, follower 2 is still in the maximal ISR: HW 0.
        let pending = [(follower1.known_log_end_offset(), true), (follower2.known_log_end_offset(), true)];
        assert_eq!(next_high_watermark(0, leo, 3, 1, pending), 0);
        // Committed ISR [leader, follower1]: follower 2 is neither in it nor caught up.
        let f2_holds = holds_back_high_watermark(false, follower2.is_caught_up(leo, later, LAG_MAX), true);
        let committed = [(follower1.known_log_end_offset(), true), (follower2.known_log_end_offset(), f2_holds)];
        assert_eq!(next_high_watermark(0, leo, 2, 1, committed), 10);
    }

    /// PartitionTest.testShouldNotShrinkIsrIfPreviousFetchIsCaughtUp: LEO 10; at +5000 ms the
    /// follower fetches at 5; 5001 ms later the leader has 15 and the follower fetches at 10.
    #[test]
    fn no_shrink_when_previous_fetch_was_caught_up() {
        let mut state = FollowerFetchState::in_sync_at(T0);
        let first_fetch = T0 + 5000;
        state.on_fetch(first_fetch, 5, 10);
        assert_eq!(state.last_caught_up_time_ms, Some(T0));
        let hw = next_high_watermark(0, 10, 2, 1, [(state.known_log_end_offset(), true)]);
        assert_eq!(hw, 5);

        let second_fetch = first_fetch + 5001;
        state.on_fetch(second_fetch, 10, 15);
        assert_eq!(state.last_caught_up_time_ms, Some(first_fetch));
        let hw = next_high_watermark(hw, 15, 2, 1, [(state.known_log_end_offset(), true)]);
        assert_eq!(hw, 10);

        assert!(followers_to_shrink([(1, &state)], 15, second_fetch, LAG_MAX, false).is_empty());
        // The test dates from the 10 s default, where 10 001 ms since initialisation would be too
        // long: only the caught-up-at-first-fetch rule keeps the follower.
        assert!(followers_to_shrink([(1, &state)], 15, second_fetch, 10_000, false).is_empty());
        let without_rule = FollowerFetchState { last_caught_up_time_ms: Some(T0), ..state };
        assert_eq!(followers_to_shrink([(1, &without_rule)], 15, second_fetch, 10_000, false), vec![1]);
    }

    /// PartitionTest.testShouldNotShrinkIsrIfFollowerCaughtUpToLogEnd: the follower fetches at the
    /// LEO (10), then 30 001 ms pass with no appends.
    #[test]
    fn no_shrink_when_caught_up_to_log_end() {
        let mut state = FollowerFetchState::in_sync_at(T0);
        state.on_fetch(T0, 10, 10);
        assert_eq!(next_high_watermark(0, 10, 2, 1, [(10, true)]), 10);
        let later = T0 + 30_001;
        assert!(followers_to_shrink([(1, &state)], 10, later, LAG_MAX, false).is_empty());
        // Had the leader appended meanwhile, the same follower would be lagging.
        assert_eq!(followers_to_shrink([(1, &state)], 11, later, LAG_MAX, false), vec![1]);
    }

    /// PartitionTest.testFollowerDoesNotJoinISRUntilCaughtUpToOffsetWithinCurrentLeaderEpoch:
    /// leader HW 2, current epoch starts at offset 5; follower 1 fetches at 0, 1, then 5.
    #[test]
    fn follower_joins_isr_only_from_epoch_start() {
        let (hw, epoch_start) = (2, 5);
        assert!(!can_join_isr(0, hw, epoch_start));
        assert!(!can_join_isr(1, hw, epoch_start));
        assert!(can_join_isr(5, hw, epoch_start));
        // Not in the Kafka test: at/after the HW but before the epoch start is still too early.
        assert!(!can_join_isr(3, hw, epoch_start));
        assert!(!can_join_isr(5, 6, epoch_start), "below the HW");
    }

    /// PartitionTest.testHighWatermarkAdvanceShouldNotAdvanceWhenUnderMinISR: min.insync=3, RF 3,
    /// ISR [leader, f1]; HW stays 0 while both followers reach LEO 10 and the maximal ISR is 3.
    #[test]
    fn high_watermark_frozen_under_min_isr() {
        let min_isr = effective_min_isr(3, 3);
        assert_eq!(next_high_watermark(0, 10, 2, min_isr, [(10, true), (0, false)]), 0);
        assert_eq!(next_high_watermark(0, 10, 2, min_isr, [(10, true), (10, true)]), 0);
        // After the controller commits ISR = 3.
        assert_eq!(next_high_watermark(0, 10, 3, min_isr, [(10, true), (10, true)]), 10);
    }

    /// §3.3: the HW never moves backwards, and a caught-up follower outside the ISR holds it back.
    #[test]
    fn high_watermark_never_moves_backwards() {
        assert_eq!(next_high_watermark(8, 10, 2, 1, [(5, true)]), 8);
        let joining = holds_back_high_watermark(false, true, true);
        assert!(joining);
        assert_eq!(next_high_watermark(3, 10, 1, 1, [(6, joining)]), 6);
        assert_eq!(next_high_watermark(3, 10, 1, 1, [(6, false)]), 10);
    }

    #[test]
    fn reset_on_leadership_change() {
        let mut state = FollowerFetchState::in_sync_at(0);
        state.on_fetch(50, 7, 9);
        let mut re_elected = state;
        re_elected.reset(100, 9, false, true);
        assert_eq!(re_elected.log_end_offset, Some(7));
        assert_eq!(re_elected.last_fetch_leader_leo, Some(9));
        assert_eq!((re_elected.last_fetch_time_ms, re_elected.last_caught_up_time_ms), (Some(100), Some(100)));
        let mut new_leader = state;
        new_leader.reset(100, 9, true, false);
        assert_eq!(new_leader, FollowerFetchState::out_of_sync());
    }

    #[test]
    fn follower_high_watermark_is_clamped_into_its_log() {
        assert_eq!(follower_high_watermark(10, 0, 7), 7);
        assert_eq!(follower_high_watermark(3, 5, 7), 5);
        assert_eq!(follower_high_watermark(6, 5, 7), 6);
    }

    /// §3.4: min.insync.replicas=3 on an RF-2 topic behaves like 2.
    #[test]
    fn effective_min_isr_is_capped_by_replication_factor() {
        assert_eq!(effective_min_isr(3, 2), 2);
        assert_eq!(effective_min_isr(2, 3), 2);
    }

    /// §3.4 scenario table: RF=3, min.insync.replicas=2, ISR size × acks.
    #[test]
    fn acks_by_isr_size_table() {
        let min_isr = effective_min_isr(2, 3);
        // (ISR size, acks=0 accepted, acks=1 accepted, acks=all before-append result)
        let rows = [(3, Ok(())), (2, Ok(())), (1, Err(ProduceError::NotEnoughReplicas))];
        for (isr_size, all) in rows {
            assert_eq!(check_acks_before_append(Acks::Zero, isr_size, min_isr), Ok(()));
            assert_eq!(check_acks_before_append(Acks::One, isr_size, min_isr), Ok(()));
            assert_eq!(check_acks_before_append(Acks::All, isr_size, min_isr), all, "ISR {isr_size}");
            if all.is_ok() {
                // acks=all: answered only once every ISR member has the batch (HW past it).
                let waiting = check_acks_all_after_append(4, 5, isr_size, min_isr, 0, 30_000);
                assert_eq!(waiting, ProduceCheck::Waiting);
                let done = check_acks_all_after_append(5, 5, isr_size, min_isr, 0, 30_000);
                assert_eq!(done, ProduceCheck::Done(Ok(())));
            }
        }
    }

    #[test]
    fn acks_all_after_append_failures() {
        let shrunk = check_acks_all_after_append(5, 5, 1, 2, 10, 30_000);
        assert_eq!(shrunk, ProduceCheck::Done(Err(ProduceError::NotEnoughReplicasAfterAppend)));
        let timed_out = check_acks_all_after_append(4, 5, 3, 2, 30_000, 30_000);
        assert_eq!(timed_out, ProduceCheck::Done(Err(ProduceError::RequestTimedOut)));
    }

    #[test]
    fn produce_errors_carry_kafkas_names_codes_and_messages() {
        let e = ProduceError::NotEnoughReplicas;
        assert_eq!((e.name(), e.code()), ("NOT_ENOUGH_REPLICAS", 19));
        assert_eq!(e.to_string(), "Messages are rejected since there are fewer in-sync replicas than required.");
        let e = ProduceError::NotEnoughReplicasAfterAppend;
        assert_eq!((e.name(), e.code()), ("NOT_ENOUGH_REPLICAS_AFTER_APPEND", 20));
        assert_eq!(e.to_string(), "Messages are written to the log, but to fewer in-sync replicas than required.");
        let e = ProduceError::RequestTimedOut;
        assert_eq!((e.name(), e.code(), e.message()), ("REQUEST_TIMED_OUT", 7, "The request timed out."));
        assert_eq!(ProduceError::NotLeaderOrFollower.code(), 6);
        assert_eq!(ProduceError::InvalidRecord.code(), 87);
    }
}
