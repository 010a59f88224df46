//! Committed offsets (kafka-reference.md §4.4): the coordinator's checks on an OffsetCommit, where a
//! member starts reading a partition (`auto.offset.reset`), and lag as Kafka's tools report it.

use std::fmt;

use super::GroupState;
use super::config::OffsetReset;
use super::member::Member;
use super::{Group, GroupContext, ReadableRange};
use crate::engine::events::PartitionRef;
use crate::engine::types::Offset;

/// Why the coordinator refused an offset commit (`Errors.java` codes and default messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommitError {
    UnknownMemberId,
    IllegalGeneration,
    RebalanceInProgress,
    StaleMemberEpoch,
}

impl CommitError {
    /// The error code's name as Kafka spells it.
    pub fn code(&self) -> &'static str {
        match self {
            CommitError::UnknownMemberId => "UNKNOWN_MEMBER_ID",
            CommitError::IllegalGeneration => "ILLEGAL_GENERATION",
            CommitError::RebalanceInProgress => "REBALANCE_IN_PROGRESS",
            CommitError::StaleMemberEpoch => "STALE_MEMBER_EPOCH",
        }
    }

    fn message(&self) -> &'static str {
        match self {
            CommitError::UnknownMemberId => "The coordinator is not aware of this member.",
            CommitError::IllegalGeneration => "Specified group generation id is not valid.",
            CommitError::RebalanceInProgress => "The group is rebalancing, so a rejoin is needed.",
            CommitError::StaleMemberEpoch => {
                "The member epoch is stale. The member must retry after receiving its updated member epoch via the ConsumerGroupHeartbeat API."
            }
        }
    }
}

impl fmt::Display for CommitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code(), self.message())
    }
}

/// The classic coordinator's check (`ClassicGroup.validateOffsetCommit`): the member must be known,
/// its generation must be the group's, and the group must not be waiting for the leader's SyncGroup.
pub fn validate_classic_commit(
    state: GroupState,
    group_generation: i32,
    member_known: bool,
    generation: i32,
) -> Result<(), CommitError> {
    if !member_known {
        return Err(CommitError::UnknownMemberId);
    }
    if generation != group_generation {
        return Err(CommitError::IllegalGeneration);
    }
    if state == GroupState::CompletingRebalance {
        return Err(CommitError::RebalanceInProgress);
    }
    Ok(())
}

/// The KIP-848 coordinator's check (`ConsumerGroup.validateOffsetCommit`): known member, current member epoch.
pub fn validate_consumer_commit(member_epoch: Option<i32>, epoch: i32) -> Result<(), CommitError> {
    match member_epoch {
        None => Err(CommitError::UnknownMemberId),
        Some(current) if current != epoch => Err(CommitError::StaleMemberEpoch),
        Some(_) => Ok(()),
    }
}

/// Where a member starts on a partition: the committed offset if it is in range, else
/// `auto.offset.reset` (§4.4). `Err` is the exception `poll()` throws under `none`.
pub fn start_position(
    committed: Option<Offset>,
    range: ReadableRange,
    reset: OffsetReset,
    partition_name: &str,
) -> Result<Offset, String> {
    match (committed, reset) {
        (Some(offset), _) if !range.out_of_range(offset) => Ok(offset),
        (_, OffsetReset::Earliest) => Ok(range.log_start),
        (_, OffsetReset::Latest) => Ok(range.high_watermark),
        (None, OffsetReset::None) => Err(format!(
            "NoOffsetForPartitionException: Undefined offset with no reset policy for partitions: [{partition_name}]"
        )),
        (Some(offset), OffsetReset::None) => Err(format!(
            "OffsetOutOfRangeException: Fetch position FetchPosition{{offset={offset}}} is out of range for partition {partition_name}"
        )),
    }
}

impl Group {
    /// Commit member `index`'s positions (auto-commit, or before revoking, or on close) with the generation
    /// or member epoch it holds. A refused commit is narrated with Kafka's error and changes nothing.
    pub(super) fn commit_member(&mut self, index: usize, ctx: &mut GroupContext) -> Result<bool, CommitError> {
        let member = &self.members[index];
        if member.positions.is_empty() {
            return Ok(false);
        }
        if let Err(error) = self.validate_commit(index) {
            ctx.narration.push(format!(
                "group {}: {} commit refused: {error} (CommitFailedException: the group has already rebalanced \
                 and assigned the partitions to another member)",
                self.name, self.members[index].client_id
            ));
            return Err(error);
        }
        let positions: Vec<(PartitionRef, Offset)> = member.positions.iter().map(|(p, o)| (*p, *o)).collect();
        let mut changed = false;
        for (p, position) in positions {
            changed |= self.committed.insert(p, position) != Some(position);
        }
        Ok(changed)
    }

    /// The coordinator's check for a commit from member `index`, by protocol.
    fn validate_commit(&self, index: usize) -> Result<(), CommitError> {
        let member = &self.members[index];
        match self.config.protocol {
            super::GroupProtocol::Classic => {
                validate_classic_commit(self.state, self.generation, member.in_group, member.generation)
            }
            super::GroupProtocol::Consumer => {
                validate_consumer_commit(member.in_group.then_some(member.generation), member.generation)
            }
        }
    }

    /// Set member `index`'s start position on each owned partition that has none (§4.4). Under
    /// `auto.offset.reset=none` a partition with no valid committed offset puts the member in error.
    pub(super) fn position_member(&mut self, index: usize, ctx: &mut GroupContext) {
        let reset = self.config.auto_offset_reset;
        let member = &self.members[index];
        let missing: Vec<PartitionRef> =
            member.assigned.iter().copied().filter(|p| !member.positions.contains_key(p)).collect();
        for p in missing {
            let name = format!("{}-{}", ctx.topics[p.topic].0, p.partition);
            match start_position(self.committed.get(&p).copied(), (ctx.readable)(p), reset, &name) {
                Ok(offset) => {
                    self.members[index].positions.insert(p, offset);
                }
                Err(error) => self.member_error(index, error, ctx),
            }
        }
    }

    /// A position that fell out of range (retention moved the log start past it, or an unclean election
    /// truncated the log below it) is reset like a missing one: the fetch's OFFSET_OUT_OF_RANGE
    /// (`Fetcher`/`SubscriptionState.requestOffsetReset`). Range is log start..=LEO, not the HW.
    ///
    /// Checked again only after the ranges may have shrunk (`GroupContext::ranges_version`): reading every
    /// position's range on every poll was an eighth of the large benchmark's cache misses.
    pub(super) fn check_positions_in_range(&mut self, index: usize, ctx: &mut GroupContext) {
        let out_of_range = |member: &Member| -> Vec<PartitionRef> {
            member.positions.iter().filter(|(p, o)| (ctx.readable)(**p).out_of_range(**o)).map(|(p, _)| *p).collect()
        };
        let member = &self.members[index];
        if ctx.ranges_version.is_some() && member.positions_in_range_at == ctx.ranges_version {
            debug_assert!(out_of_range(member).is_empty(), "a range shrank without a new ranges_version");
            return;
        }
        let out = out_of_range(member);
        let mut all_in_range = true;
        let reset = self.config.auto_offset_reset;
        for p in out {
            let name = format!("{}-{}", ctx.topics[p.topic].0, p.partition);
            let position = self.members[index].positions[&p];
            match start_position(Some(position), (ctx.readable)(p), reset, &name) {
                Ok(offset) => {
                    self.members[index].positions.insert(p, offset);
                }
                Err(error) => {
                    all_in_range = false;
                    self.member_error(index, error, ctx);
                }
            }
        }
        self.members[index].positions_in_range_at = if all_in_range { ctx.ranges_version } else { None };
    }

    fn member_error(&mut self, index: usize, error: String, ctx: &mut GroupContext) {
        let member = &mut self.members[index];
        if member.error.is_none() {
            ctx.narration.push(format!("group {}: {} poll() threw {error}", self.name, member.client_id));
            ctx.visible_change = true;
        }
        member.error = Some(error);
    }

    /// Lag of one partition as `kafka-consumer-groups --describe` reports it: HW − committed offset (§4.4).
    ///
    /// Simplification: before the first commit Kafka's tool shows no lag; here the consumer's own
    /// `records-lag` (HW − position) stands in, so the view always has a number.
    pub fn partition_lag(&self, p: PartitionRef, high_watermark: Offset) -> u64 {
        // The owner's position only without a commit: looking it up costs a search of every member.
        let owner_position = || self.members.iter().find_map(|m| m.positions.get(&p).copied());
        let reference = self.committed.get(&p).copied().or_else(owner_position).unwrap_or(high_watermark);
        high_watermark.saturating_sub(reference)
    }
}
