//! Partition leader election by the KRaft controller (kafka-reference.md §3.5),
//! after `PartitionChangeBuilder.electLeader` and `PartitionChangeBuilder.build`.
//!
//! Simplification: eligible leader replicas (ELR, KIP-966) are disabled, which is Kafka's default
//! unless the `eligible.leader.replicas.version` feature is enabled; reassignments are not modelled.

use crate::engine::types::BrokerId;

/// `PartitionChangeBuilder.Election`: which rule the controller elects with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ElectionType {
    /// Keep the partition online from the ISR (the default).
    Online,
    /// Move leadership back to the first replica if it is in the ISR (auto leader rebalance,
    /// `kafka-leader-election --election-type preferred`).
    Preferred,
    /// As `Online`, but if no ISR member can lead, take any acceptable replica (data loss possible).
    Unclean,
}

/// `PartitionChangeBuilder.ElectionResult`: the elected broker (`None` is Kafka's `NO_LEADER`, −1)
/// and whether it was chosen from outside the ISR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElectionResult {
    /// The elected leader; `None` when no replica qualifies (the partition goes offline).
    pub leader: Option<BrokerId>,
    /// An unclean election forces `ISR = [leader]` and leader-recovery state `RECOVERING`
    /// (see [`apply_election`]).
    pub unclean: bool,
}

impl ElectionResult {
    fn clean(leader: Option<BrokerId>) -> Self {
        Self { leader, unclean: false }
    }
}

/// `PartitionChangeBuilder.electLeader` with ELR disabled.
///
/// A broker is a *valid* new leader when it is in `target_isr` and `is_acceptable` (an active,
/// unfenced broker that is not being removed). Replicas are tried in replica-list order.
/// * `Online`/`Unclean`: keep the current leader if valid, else the first valid replica; `Unclean`
///   then falls back to the first acceptable replica, in the ISR or not.
/// * `Preferred`: the first replica if valid, else the current leader if valid, else the first valid
///   replica.
pub fn elect_leader(
    replicas: &[BrokerId],
    target_isr: &[BrokerId],
    current_leader: Option<BrokerId>,
    is_acceptable: impl Fn(BrokerId) -> bool,
    kind: ElectionType,
) -> ElectionResult {
    let is_valid = |broker: BrokerId| target_isr.contains(&broker) && is_acceptable(broker);
    let current_if_valid = current_leader.filter(|&leader| is_valid(leader));
    let first_valid = || replicas.iter().copied().find(|&r| is_valid(r));

    match kind {
        ElectionType::Preferred => {
            let preferred = replicas.first().copied().filter(|&r| is_valid(r));
            ElectionResult::clean(preferred.or(current_if_valid).or_else(first_valid))
        }
        ElectionType::Online => ElectionResult::clean(current_if_valid.or_else(first_valid)),
        ElectionType::Unclean => match current_if_valid.or_else(first_valid) {
            Some(leader) => ElectionResult::clean(Some(leader)),
            None => match replicas.iter().copied().find(|&r| is_acceptable(r)) {
                Some(leader) => ElectionResult { leader: Some(leader), unclean: true },
                None => ElectionResult::clean(None),
            },
        },
    }
}

/// `LeaderRecoveryState`: after an unclean election the new leader is `Recovering` until it has
/// recovered its log and tells the controller (which sets it back to `Recovered`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LeaderRecoveryState {
    /// The leader's log is the partition's log of record (the normal state).
    #[default]
    Recovered,
    /// Elected uncleanly; the leader is still recovering its log and the ISR cannot grow yet.
    Recovering,
}

/// The controller's record of one partition's leadership (`PartitionRegistration`, the fields
/// an election touches).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeaderAndIsr {
    /// The current leader; `None` is Kafka's `NO_LEADER` (−1), an offline partition.
    pub leader: Option<BrokerId>,
    /// The committed in-sync replicas.
    pub isr: Vec<BrokerId>,
    /// Bumped on every leader change.
    pub leader_epoch: i32,
    /// Bumped on every change of the registration.
    pub partition_epoch: i32,
    /// Whether the leader is still recovering after an unclean election.
    pub leader_recovery: LeaderRecoveryState,
}

/// `PartitionChangeBuilder.tryElection` + `build`: the registration after `result`, with
/// `target_isr` the ISR the controller wants (e.g. without a fenced broker).
///
/// * A changed leader bumps the leader epoch. If the election was unclean the ISR becomes
///   `[leader]` and the state `Recovering`.
/// * Otherwise the ISR becomes `target_isr`, **except** that an empty ISR is never written (ELR
///   disabled): when the last ISR member dies the partition goes leaderless with that broker still
///   in the ISR, and it regains leadership cleanly when it returns.
/// * Any change bumps the partition epoch; no change leaves the registration as is.
pub fn apply_election(current: &LeaderAndIsr, target_isr: &[BrokerId], result: ElectionResult) -> LeaderAndIsr {
    let leader_changed = result.leader != current.leader;
    let mut next = current.clone();
    if leader_changed {
        next.leader = result.leader;
        next.leader_epoch += 1;
    }
    if leader_changed && result.unclean {
        next.isr = result.leader.into_iter().collect();
        next.leader_recovery = LeaderRecoveryState::Recovering;
    } else if !target_isr.is_empty() {
        next.isr = target_isr.to_vec();
    }
    if next != *current {
        next.partition_epoch += 1;
    }
    next
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPLICAS: [BrokerId; 3] = [2, 1, 3];

    /// (partition, election type, replicas, target ISR, elected, unclean?)
    type ElectionRow = (&'static str, ElectionType, &'static [BrokerId], &'static [BrokerId], Option<BrokerId>, bool);

    const FOO_ISR: &[BrokerId] = &[2, 1, 3];
    const BAZ_ISR: &[BrokerId] = &[1, 3];

    /// PartitionChangeBuilderTest.testElectLeader, one row per assertion.
    /// FOO: replicas [2,1,3], ISR [2,1,3], leader 1, acceptable = any broker but 3.
    /// BAZ: replicas [2,1,3], ISR [1,3], leader 3, all acceptable.
    #[rustfmt::skip]
    const ELECT_LEADER_TABLE: [ElectionRow; 11] = [
        ("FOO", ElectionType::Preferred, &REPLICAS, FOO_ISR, Some(2), false),
        ("FOO", ElectionType::Online, &REPLICAS, FOO_ISR, Some(1), false),
        ("FOO", ElectionType::Unclean, &REPLICAS, FOO_ISR, Some(1), false),
        ("FOO", ElectionType::Online, &REPLICAS, &[1, 3], Some(1), false),
        ("FOO", ElectionType::Unclean, &REPLICAS, &[1, 3], Some(1), false),
        ("FOO", ElectionType::Online, &REPLICAS, &[3], None, false),
        ("FOO", ElectionType::Unclean, &REPLICAS, &[3], Some(2), true),
        ("FOO", ElectionType::Unclean, &[2, 1, 3, 4], &[4], Some(4), false),
        ("BAZ", ElectionType::Preferred, &REPLICAS, BAZ_ISR, Some(3), false),
        ("BAZ", ElectionType::Online, &REPLICAS, BAZ_ISR, Some(3), false),
        ("BAZ", ElectionType::Unclean, &REPLICAS, BAZ_ISR, Some(3), false),
    ];

    #[test]
    fn elect_leader_matches_partition_change_builder_test() {
        let rows = ELECT_LEADER_TABLE;
        for (partition, kind, replicas, target_isr, elected, unclean) in rows {
            let result = match partition {
                "FOO" => elect_leader(replicas, target_isr, Some(1), |b| b != 3, kind),
                _ => elect_leader(replicas, target_isr, Some(3), |_| true, kind),
            };
            let label = format!("{partition} {kind:?} isr={target_isr:?}");
            assert_eq!(result.leader, elected, "{label}");
            assert_eq!(result.unclean, unclean, "{label}");
        }
    }

    /// PartitionChangeBuilderTest.testUncleanLeaderElection: FOO, UNCLEAN, target ISR [3]
    /// ⇒ leader 2, ISR [2], leaderRecoveryState RECOVERING.
    #[test]
    fn unclean_election_forces_isr_to_new_leader() {
        let foo = LeaderAndIsr {
            leader: Some(1),
            isr: vec![2, 1, 3],
            leader_epoch: 100,
            partition_epoch: 200,
            leader_recovery: LeaderRecoveryState::Recovered,
        };
        let target_isr = [3];
        let result = elect_leader(&REPLICAS, &target_isr, foo.leader, |b| b != 3, ElectionType::Unclean);
        let next = apply_election(&foo, &target_isr, result);
        assert_eq!(next.leader, Some(2));
        assert_eq!(next.isr, vec![2]);
        assert_eq!(next.leader_recovery, LeaderRecoveryState::Recovering);
        assert_eq!((next.leader_epoch, next.partition_epoch), (101, 201));
    }

    /// §3.5: with ELR disabled the ISR is never written empty; the last ISR member stays listed
    /// while the partition is leaderless, and leads again (cleanly) when it comes back.
    #[test]
    fn last_isr_member_stays_in_isr_while_leaderless() {
        let before = LeaderAndIsr {
            leader: Some(1),
            isr: vec![1],
            leader_epoch: 4,
            partition_epoch: 9,
            leader_recovery: LeaderRecoveryState::Recovered,
        };
        // Broker 1 is fenced: the controller removes it from the target ISR and re-elects.
        let result = elect_leader(&[1, 2], &[], before.leader, |b| b != 1, ElectionType::Online);
        let offline = apply_election(&before, &[], result);
        assert_eq!(offline.leader, None);
        assert_eq!(offline.isr, vec![1]);
        assert_eq!((offline.leader_epoch, offline.partition_epoch), (5, 10));

        // Broker 1 returns: it is in the ISR and acceptable again.
        let result = elect_leader(&[1, 2], &offline.isr, None, |_| true, ElectionType::Online);
        let back = apply_election(&offline, &offline.isr, result);
        assert_eq!(back.leader, Some(1));
        assert_eq!(back.leader_recovery, LeaderRecoveryState::Recovered);
        assert_eq!((back.leader_epoch, back.partition_epoch), (6, 11));
    }

    #[test]
    fn unchanged_election_changes_nothing_and_isr_shrink_bumps_partition_epoch_only() {
        let state = LeaderAndIsr {
            leader: Some(2),
            isr: vec![2, 1, 3],
            leader_epoch: 7,
            partition_epoch: 3,
            leader_recovery: LeaderRecoveryState::Recovered,
        };
        let same = elect_leader(&REPLICAS, &state.isr, state.leader, |_| true, ElectionType::Online);
        assert_eq!(apply_election(&state, &state.isr, same), state);

        let shrunk_isr = [2, 1];
        let kept = elect_leader(&REPLICAS, &shrunk_isr, state.leader, |_| true, ElectionType::Online);
        let next = apply_election(&state, &shrunk_isr, kept);
        assert_eq!(next.isr, vec![2, 1]);
        assert_eq!((next.leader_epoch, next.partition_epoch), (7, 4));
    }
}
