//! Unit tests of the group's pure rules: where a member starts reading (`auto.offset.reset`, §4.4) and
//! the coordinator's offset-commit checks.

use super::config::OffsetReset;
use super::offsets::{CommitError, start_position, validate_classic_commit, validate_consumer_commit};
use super::{GroupState, ReadableRange};

const RANGE: ReadableRange = ReadableRange { log_start: 100, high_watermark: 200, log_end: 210 };

/// (committed, reset, expected start or the exception's class)
#[test]
fn start_position_follows_auto_offset_reset() {
    let cases: [(Option<u64>, OffsetReset, Result<u64, &str>); 15] = [
        (Some(150), OffsetReset::Earliest, Ok(150)),
        (Some(150), OffsetReset::Latest, Ok(150)),
        (Some(150), OffsetReset::None, Ok(150)),
        (Some(100), OffsetReset::None, Ok(100)),
        (Some(200), OffsetReset::None, Ok(200)),
        (Some(50), OffsetReset::Earliest, Ok(100)),
        (Some(50), OffsetReset::Latest, Ok(200)),
        (Some(50), OffsetReset::None, Err("OffsetOutOfRangeException")),
        (Some(205), OffsetReset::None, Ok(205)),
        (Some(210), OffsetReset::Latest, Ok(210)),
        (Some(211), OffsetReset::Latest, Ok(200)),
        (Some(250), OffsetReset::Earliest, Ok(100)),
        (None, OffsetReset::Earliest, Ok(100)),
        (None, OffsetReset::Latest, Ok(200)),
        (None, OffsetReset::None, Err("NoOffsetForPartitionException")),
    ];
    for (committed, reset, expected) in cases {
        let got = start_position(committed, RANGE, reset, "orders-0");
        match expected {
            Ok(offset) => assert_eq!(got, Ok(offset), "committed {committed:?}, {reset:?}"),
            Err(class) => {
                let error = got.expect_err("no reset policy");
                assert!(error.starts_with(class), "committed {committed:?}: {error}");
            }
        }
    }
}

#[test]
fn classic_commit_checks_member_generation_and_state() {
    use GroupState::*;
    let cases = [
        (Stable, 3, true, 3, Ok(())),
        (Stable, 3, false, 3, Err(CommitError::UnknownMemberId)),
        (Stable, 3, true, 2, Err(CommitError::IllegalGeneration)),
        (CompletingRebalance, 3, true, 3, Err(CommitError::RebalanceInProgress)),
        (PreparingRebalance, 3, true, 3, Ok(())),
    ];
    for (state, group_generation, known, generation, expected) in cases {
        assert_eq!(validate_classic_commit(state, group_generation, known, generation), expected, "{state:?}");
    }
}

#[test]
fn consumer_commit_checks_member_epoch() {
    assert_eq!(validate_consumer_commit(Some(4), 4), Ok(()));
    assert_eq!(validate_consumer_commit(Some(5), 4), Err(CommitError::StaleMemberEpoch));
    assert_eq!(validate_consumer_commit(None, 4), Err(CommitError::UnknownMemberId));
}
