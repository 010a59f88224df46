//! Leader epochs and the truncation of a returning replica (kafka-reference.md §3.6),
//! after `LeaderEpochFileCache` and `AbstractFetcherThread.getOffsetTruncationState`.
//!
//! Every replica remembers, per leader epoch, the offset of the first record written in it. When a
//! follower comes back after a leader change it asks the leader where its latest epoch ended and
//! truncates whatever the new leader does not have, so replicas never diverge silently.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Bound::{Excluded, Unbounded};

use crate::engine::types::Offset;

/// `OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH`.
pub const UNDEFINED_EPOCH: i32 = -1;

/// `OffsetsForLeaderEpochResponse.UNDEFINED_EPOCH_OFFSET`.
pub const UNDEFINED_EPOCH_OFFSET: i64 = -1;

/// An `(epoch, startOffset)` pair Kafka refuses to cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvalidEpochEntry {
    /// The rejected epoch (negative).
    pub epoch: i32,
    /// The start offset it came with.
    pub start_offset: Offset,
}

impl fmt::Display for InvalidEpochEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Received invalid partition leader epoch entry EpochEntry(epoch={}, startOffset={})",
            self.epoch, self.start_offset
        )
    }
}

impl std::error::Error for InvalidEpochEntry {}

/// `LeaderEpochFileCache` without the checkpoint file: epoch → start offset, ordered by epoch.
///
/// Invariant kept by [`Self::assign`]: epochs and start offsets both strictly increase.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LeaderEpochCache {
    epochs: BTreeMap<i32, Offset>,
    /// The newest epoch, kept beside the map: every follower fetch compares it, and reading it here
    /// spares a walk to the map's last leaf (a cache miss per replica at thousands of partitions).
    latest: Option<i32>,
}

impl LeaderEpochCache {
    /// An empty cache, as for a new replica.
    pub fn new() -> Self {
        Self::default()
    }

    /// The cached `(epoch, start offset)` entries, oldest first.
    pub fn entries(&self) -> Vec<(i32, Offset)> {
        self.iter().collect()
    }

    /// The cached `(epoch, start offset)` entries, oldest first, without collecting them.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (i32, Offset)> + '_ {
        self.epochs.iter().map(|(&e, &o)| (e, o))
    }

    /// Where `epoch` began and where the next cached epoch begins (`None` for the latest), if cached.
    pub fn span_of(&self, epoch: i32) -> Option<(Offset, Option<Offset>)> {
        let start = *self.epochs.get(&epoch)?;
        let next = self.epochs.range((Excluded(epoch), Unbounded)).next().map(|(_, &o)| o);
        Some((start, next))
    }

    /// Whether no epoch is cached (an empty or pre-epoch log).
    pub fn is_empty(&self) -> bool {
        self.epochs.is_empty()
    }

    /// `latestEpoch`: the epoch of the newest entry; the epoch a follower asks the leader about.
    pub fn latest_epoch(&self) -> Option<i32> {
        self.latest
    }

    /// Called after every change of `epochs`.
    fn refresh_latest(&mut self) {
        self.latest = self.epochs.keys().next_back().copied();
    }

    /// `assign(epoch, startOffset)`: record that `epoch` begins at `start_offset`.
    ///
    /// Nothing changes when `epoch` is already the latest epoch and starts no later. Otherwise, to
    /// keep both columns increasing, every newest entry whose epoch is ≥ `epoch` or whose start
    /// offset is ≥ `start_offset` is dropped first (`maybeTruncateNonMonotonicEntries`); so moving
    /// the latest epoch earlier drops the entries it overtakes. Returns whether the cache changed.
    pub fn assign(&mut self, epoch: i32, start_offset: Offset) -> Result<bool, InvalidEpochEntry> {
        if epoch < 0 {
            return Err(InvalidEpochEntry { epoch, start_offset });
        }
        if !self.is_update_needed(epoch, start_offset) {
            return Ok(false);
        }
        self.remove_newest_while(|e, o| e >= epoch || o >= start_offset);
        self.epochs.insert(epoch, start_offset);
        self.refresh_latest();
        Ok(true)
    }

    /// `isUpdateNeeded`: a new epoch, or the latest epoch starting earlier than recorded.
    fn is_update_needed(&self, epoch: i32, start_offset: Offset) -> bool {
        match self.epochs.iter().next_back() {
            Some((&latest, &latest_start)) => epoch != latest || start_offset < latest_start,
            None => true,
        }
    }

    /// `removeWhileMatching` over the descending map: drop newest entries while `matches` holds.
    fn remove_newest_while(&mut self, matches: impl Fn(i32, Offset) -> bool) {
        while let Some((&epoch, &start)) = self.epochs.iter().next_back() {
            if !matches(epoch, start) {
                break;
            }
            self.epochs.remove(&epoch);
        }
        self.refresh_latest();
    }

    /// `endOffsetFor(requestedEpoch, logEndOffset)`: where `requested_epoch` ended in this log, as
    /// `(epoch, end offset)`; `None` stands for `UNDEFINED_EPOCH`.
    ///
    /// * undefined epoch, or an epoch newer than every cached one → `(−1, −1)`;
    /// * the latest epoch → `(epoch, log_end_offset)`: it has not ended yet;
    /// * below the first cached epoch → `(requested, first start offset)`;
    /// * otherwise the largest cached epoch ≤ requested, ending where the next cached epoch starts.
    pub fn end_offset_for(&self, requested_epoch: Option<i32>, log_end_offset: Offset) -> (i32, i64) {
        const UNDEFINED: (i32, i64) = (UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET);
        let requested = match requested_epoch {
            None | Some(UNDEFINED_EPOCH) => return UNDEFINED,
            Some(epoch) => epoch,
        };
        if self.latest_epoch() == Some(requested) {
            return (requested, as_wire_offset(log_end_offset));
        }
        let Some((_, &next_start)) = self.epochs.range((Excluded(requested), Unbounded)).next() else {
            return UNDEFINED;
        };
        let found_epoch = match self.epochs.range(..=requested).next_back() {
            Some((&floor, _)) => floor,
            None => requested,
        };
        (found_epoch, as_wire_offset(next_start))
    }

    /// `truncateFromEnd(endOffset)`: forget the epochs that start at or after `end_offset`
    /// (the log was truncated to `end_offset`).
    pub fn truncate_from_end(&mut self, end_offset: Offset) {
        self.remove_newest_while(|_, start| start >= end_offset);
    }

    /// `truncateFromStart(startOffset)`: the log start moved to `start_offset` (retention, delete
    /// records). Entries starting at or before it are dropped, but the last of them is kept with its
    /// start moved to `start_offset`, since its epoch still owns the records from there.
    pub fn truncate_from_start(&mut self, start_offset: Offset) {
        let covered: Vec<i32> =
            self.epochs.iter().take_while(|&(_, &start)| start <= start_offset).map(|(&epoch, _)| epoch).collect();
        if let Some(&last_covered) = covered.last() {
            for epoch in &covered {
                self.epochs.remove(epoch);
            }
            self.epochs.insert(last_covered, start_offset);
            self.refresh_latest();
        }
    }
}

/// Offsets travel as Java `long`s on the wire; ours never exceed `i64::MAX`.
fn as_wire_offset(offset: Offset) -> i64 {
    i64::try_from(offset).unwrap_or(i64::MAX)
}

/// What a follower does with the leader's answer to its `OffsetsForLeaderEpoch` request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TruncationStep {
    /// Truncate the log to `offset`; truncation is complete and fetching resumes there.
    Complete {
        /// The offset to truncate to (the new log end offset).
        offset: Offset,
    },
    /// The leader answered an epoch this follower does not know: truncate to `offset`, then ask
    /// again about `next_epoch`, the follower's largest epoch below the leader's.
    TruncateAndAskAgain {
        /// The offset to truncate to.
        offset: Offset,
        /// The epoch to send the next `OffsetsForLeaderEpoch` request for.
        next_epoch: i32,
    },
    /// The leader had no offset for the epoch: truncate to the follower's own high watermark.
    ToHighWatermark,
}

/// `AbstractFetcherThread.getOffsetTruncationState`: the follower's step after the leader answered
/// `leader_answer = (epoch, end offset)` for the follower's latest epoch.
///
/// * undefined end offset → truncate to the follower's high watermark;
/// * undefined epoch (old protocol) → `min(end offset, follower LEO)`;
/// * the follower knows the epoch → `min(end offset, follower's end of that epoch, follower LEO)`;
/// * it does not → truncate to the end of its largest epoch below, and ask again about that one;
/// * it tracks no epoch at or below it → `min(end offset, follower LEO)`.
pub fn follower_truncation_offset(
    follower: &LeaderEpochCache,
    follower_leo: Offset,
    leader_answer: (i32, i64),
) -> TruncationStep {
    let (leader_epoch, leader_end) = leader_answer;
    let Ok(leader_end) = Offset::try_from(leader_end) else {
        return TruncationStep::ToHighWatermark;
    };
    if leader_epoch == UNDEFINED_EPOCH {
        return TruncationStep::Complete { offset: leader_end.min(follower_leo) };
    }
    // UnifiedLog.endOffsetForEpoch: the follower's own view, None when it is undefined.
    let (follower_epoch, follower_end) = follower.end_offset_for(Some(leader_epoch), follower_leo);
    let Ok(follower_end) = Offset::try_from(follower_end) else {
        return TruncationStep::Complete { offset: leader_end.min(follower_leo) };
    };
    if follower_epoch == leader_epoch {
        TruncationStep::Complete { offset: leader_end.min(follower_end).min(follower_leo) }
    } else {
        TruncationStep::TruncateAndAskAgain { offset: follower_end.min(follower_leo), next_epoch: follower_epoch }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_epoch_spans_from_its_start_to_the_next_epochs_start() {
        let c = cache(&[(0, 0), (2, 10), (5, 25)]);
        assert_eq!(c.span_of(0), Some((0, Some(10))));
        assert_eq!(c.span_of(2), Some((10, Some(25))));
        assert_eq!(c.span_of(5), Some((25, None)), "the latest epoch has not ended");
        assert_eq!(c.span_of(3), None, "an epoch the cache does not hold");
        assert_eq!(c.iter().collect::<Vec<_>>(), c.entries());
    }

    fn cache(entries: &[(i32, Offset)]) -> LeaderEpochCache {
        let mut cache = LeaderEpochCache::new();
        for &(epoch, start) in entries {
            cache.assign(epoch, start).unwrap();
        }
        cache
    }

    /// (assigned entries, requested epoch, log end offset, expected `(epoch, end offset)`)
    type EndOffsetRow = (&'static [(i32, Offset)], Option<i32>, Offset, (i32, i64));

    /// LeaderEpochFileCacheTest, the endOffsetFor rows of kafka-reference.md §3.6.
    #[rustfmt::skip]
    const END_OFFSET_TABLE: [EndOffsetRow; 8] = [
        // shouldReturnLogEndOffsetIfLatestEpochRequested (assign(2,11) then (2,12): no change)
        (&[(2, 11), (2, 12)], Some(2), 14, (2, 14)),
        // shouldGetFirstOffsetOfSubsequentEpochWhenOffsetRequestedForPreviousEpoch
        (&[(1, 11), (1, 12), (2, 13), (2, 14), (3, 15), (3, 16)], Some(2), 17, (2, 15)),
        // shouldReturnNextAvailableEpochIfThereIsNoExactEpochForTheOneRequested
        (&[(0, 10), (2, 13), (4, 17)], Some(1), 0, (0, 13)),
        (&[(0, 10), (2, 13), (4, 17)], Some(2), 0, (2, 17)),
        (&[(0, 10), (2, 13), (4, 17)], Some(3), 0, (2, 17)),
        // shouldReturnFirstEpochIfRequestedEpochLessThanFirstEpoch
        (&[(5, 11), (6, 12), (7, 13)], Some(4), 0, (4, 11)),
        // shouldReturnUndefinedOffsetIfUndefinedEpochRequested
        (&[(2, 11), (3, 12)], None, 0, (-1, -1)),
        // shouldReturnUnsupportedIfNoEpochRecorded
        (&[], Some(0), 0, (-1, -1)),
    ];

    #[test]
    fn end_offset_for_matches_leader_epoch_file_cache_test() {
        let rows = END_OFFSET_TABLE;
        for (entries, requested, leo, expected) in rows {
            let cache = cache(entries);
            assert_eq!(cache.end_offset_for(requested, leo), expected, "{entries:?} {requested:?}");
        }
    }

    /// LeaderEpochFileCacheTest.shouldTruncateIfMatchingEpochButEarlierStartingOffset:
    /// {5→11, 6→12, 7→13}, then assign(7, 12) drops the overtaken epoch 6.
    #[test]
    fn assign_moving_latest_epoch_earlier_drops_overtaken_entries() {
        let mut cache = cache(&[(5, 11), (6, 12), (7, 13)]);
        assert_eq!(cache.assign(7, 12), Ok(true));
        assert_eq!(cache.entries(), vec![(5, 11), (7, 12)]);
        assert_eq!(cache.end_offset_for(Some(5), 0), (5, 12));
        assert_eq!(cache.end_offset_for(Some(6), 0), (5, 12));
    }

    /// LeaderEpochFileCacheTest assign rules: an epoch is never reassigned later, and both epochs
    /// and start offsets stay increasing.
    #[test]
    fn assign_keeps_epochs_and_offsets_monotonic() {
        // shouldNotOverwriteOffsetForALeaderEpochOnceItHasBeenAssigned
        let mut c = cache(&[(2, 6)]);
        assert_eq!(c.assign(2, 10), Ok(false));
        assert_eq!(c.entries(), vec![(2, 6)]);
        // shouldEnforceMonotonicallyIncreasingStartOffsets
        assert_eq!(cache(&[(2, 9), (3, 9)]).entries(), vec![(3, 9)]);
        // shouldEnforceOffsetsIncreaseMonotonically
        assert_eq!(cache(&[(2, 6), (3, 5)]).entries(), vec![(3, 5)]);
        // shouldEnforceMonotonicallyIncreasingEpochs
        let c = cache(&[(1, 5), (2, 6), (1, 7)]);
        assert_eq!(c.latest_epoch(), Some(1));
        assert_eq!(c.entries(), vec![(1, 7)]);
        assert_eq!(c.end_offset_for(Some(1), 8), (1, 8));
        assert_eq!(c.end_offset_for(Some(2), 8), (-1, -1));
        // shouldReturnInvalidOffsetIfEpochIsRequestedWhichIsNotCurrentlyTracked
        assert_eq!(cache(&[(2, 100)]).end_offset_for(Some(3), 100), (-1, -1));
    }

    #[test]
    fn negative_epoch_is_rejected_with_kafkas_message() {
        let error = LeaderEpochCache::new().assign(-2, 5).unwrap_err();
        assert_eq!(
            error.to_string(),
            "Received invalid partition leader epoch entry EpochEntry(epoch=-2, startOffset=5)"
        );
    }

    /// (truncate from the end?, offset, remaining entries), all starting from {2→6, 3→8, 4→11}
    type TruncationRow = (bool, Offset, &'static [(i32, Offset)]);

    const TRUNCATION_BASE: [(i32, Offset); 3] = [(2, 6), (3, 8), (4, 11)];

    /// LeaderEpochFileCacheTest truncation tests.
    #[rustfmt::skip]
    const TRUNCATION_TABLE: [TruncationRow; 8] = [
        (true, 8, &[(2, 6)]),               // shouldDropEntriesOnEpochBoundaryWhenRemovingLatestEntries
        (true, 9, &[(2, 6), (3, 8)]),       // shouldDropEntriesBetweenEpochBoundaryWhenRemovingNewest
        (false, 8, &[(3, 8), (4, 11)]),     // shouldPreserveResetOffsetOnClearEarliestIfOneExists
        (false, 1, &TRUNCATION_BASE),       // shouldNotClearAnythingIfOffsetTooEarly
        (false, 6, &TRUNCATION_BASE),       // shouldNotClearAnythingIfOffsetIsFirstOffset
        (false, 11, &[(4, 11)]),            // shouldRetainLatestEpochOnClearAllEarliest
        (false, 9, &[(3, 9), (4, 11)]),     // shouldUpdateOffsetBetweenEpochBoundariesOnClearEarliest
        (false, 15, &[(4, 15)]),            // shouldRetainLatestEpochOnClearAllEarliestAndUpdateItsOffset
    ];

    #[test]
    fn truncation_from_either_end() {
        let base = TRUNCATION_BASE;
        let rows = TRUNCATION_TABLE;
        for (from_end, offset, remaining) in rows {
            let mut c = cache(&base);
            if from_end {
                c.truncate_from_end(offset);
            } else {
                c.truncate_from_start(offset);
            }
            assert_eq!(c.entries(), remaining.to_vec(), "from_end={from_end} offset={offset}");
        }
    }

    /// §3.6 worked example: follower {1→0, 2→100}, LEO 150; new leader {1→0, 3→120}, LEO 200.
    /// The follower asks about epoch 2, the leader answers (1, 120), the follower truncates to 100.
    #[test]
    fn follower_truncates_to_end_of_common_epoch() {
        let follower = cache(&[(1, 0), (2, 100)]);
        let leader = cache(&[(1, 0), (3, 120)]);
        let asked = follower.latest_epoch();
        assert_eq!(asked, Some(2));
        let answer = leader.end_offset_for(asked, 200);
        assert_eq!(answer, (1, 120));
        assert_eq!(follower_truncation_offset(&follower, 150, answer), TruncationStep::Complete { offset: 100 });
    }

    #[test]
    fn follower_truncation_other_branches() {
        let follower = cache(&[(1, 0), (3, 50)]);
        // The leader answers epoch 2, unknown here: go back to the end of epoch 1 and ask again.
        assert_eq!(
            follower_truncation_offset(&follower, 80, (2, 70)),
            TruncationStep::TruncateAndAskAgain { offset: 50, next_epoch: 1 }
        );
        // Undefined end offset: fall back to the high watermark.
        assert_eq!(follower_truncation_offset(&follower, 80, (-1, -1)), TruncationStep::ToHighWatermark);
        // Undefined epoch with an offset (pre-2.0 protocol): min(offset, LEO).
        assert_eq!(follower_truncation_offset(&follower, 80, (-1, 60)), TruncationStep::Complete { offset: 60 });
        // Epoch below everything the follower tracks: endOffsetFor gives (requested, first start).
        let late = cache(&[(5, 40)]);
        assert_eq!(follower_truncation_offset(&late, 90, (3, 70)), TruncationStep::Complete { offset: 40 });
        // The follower tracks no epoch at all: min(leader's offset, LEO).
        assert_eq!(
            follower_truncation_offset(&LeaderEpochCache::new(), 90, (3, 70)),
            TruncationStep::Complete { offset: 70 }
        );
    }
}
