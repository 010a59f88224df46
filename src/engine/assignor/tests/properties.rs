//! Property tests: random groups (1–6 topics of 1–20 partitions, 1–8 members, random subscriptions,
//! random prior ownership) checked against §2.4's validity and balance rules for every assignor.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::{ALL_KINDS, balance_violation, sticky_vectors::cooperative_until_stable};
use crate::engine::assignor::{Assignment, AssignorKind, MemberSubscription, assign, try_assign};
use crate::engine::types::TopicPartition;

/// A random group. Half the groups are homogeneous (everyone subscribes to every topic), so the
/// constrained sticky path and the homogeneous uniform builder get as much exercise as the general ones.
#[derive(Clone, Debug)]
struct Scenario {
    topics: BTreeMap<String, u32>,
    members: Vec<MemberSubscription>,
}

fn scenario(same_generation: bool) -> impl Strategy<Value = Scenario> {
    (prop::collection::vec(1u32..=20, 1..=6), 1usize..=8).prop_flat_map(move |(sizes, member_count)| {
        let topic_count = sizes.len();
        let total: usize = sizes.iter().map(|s| *s as usize).sum();
        let subscription = prop::collection::vec(any::<bool>(), topic_count);
        let member_shape = (subscription, any::<bool>(), 0i32..3);
        (
            Just(sizes),
            prop::collection::vec(member_shape, member_count),
            // For each partition: first claimant (index ≥ member_count means none) and a rare second one.
            prop::collection::vec((0..member_count * 2, 0..member_count * 8), total),
            any::<bool>(),
        )
            .prop_map(move |(sizes, mut shapes, claims, homogeneous)| {
                if homogeneous {
                    shapes.iter_mut().for_each(|(subscribed, _, _)| subscribed.iter_mut().for_each(|s| *s = true));
                }
                build_scenario(&sizes, &shapes, &claims, same_generation)
            })
    })
}

fn build_scenario(
    sizes: &[u32],
    shapes: &[(Vec<bool>, bool, i32)],
    claims: &[(usize, usize)],
    same_generation: bool,
) -> Scenario {
    let topics: BTreeMap<String, u32> = sizes.iter().enumerate().map(|(i, s)| (format!("t{i}"), *s)).collect();
    let mut members: Vec<MemberSubscription> = shapes
        .iter()
        .enumerate()
        .map(|(index, (subscribed, is_static, generation))| MemberSubscription {
            member_id: format!("member-{index}"),
            instance_id: is_static.then(|| format!("instance-{}", shapes.len() - index)),
            topics: topics.keys().zip(subscribed).filter(|(_, s)| **s).map(|(t, _)| t.clone()).collect(),
            owned: Vec::new(),
            generation: if same_generation { Some(1) } else { (*generation > 0).then_some(*generation) },
        })
        .collect();
    let all_partitions = topics.iter().flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p)));
    for (partition, (first, second)) in all_partitions.zip(claims) {
        if let Some(owner) = members.get_mut(*first) {
            owner.owned.push(partition.clone());
        }
        if !same_generation
            && *second != *first
            && let Some(other) = members.get_mut(*second)
        {
            other.owned.push(partition);
        }
    }
    Scenario { topics, members }
}

/// Partitions of topics someone subscribes to.
fn subscribed_partitions(scenario: &Scenario) -> BTreeSet<TopicPartition> {
    let subscribed: BTreeSet<&String> = scenario.members.iter().flat_map(|m| m.topics.iter()).collect();
    scenario
        .topics
        .iter()
        .filter(|(t, _)| subscribed.contains(t))
        .flat_map(|(t, n)| (0..*n).map(move |p| TopicPartition::new(t.clone(), p)))
        .collect()
}

/// §2.4 rule 1; partitions in `may_be_missing` (withheld by cooperative) need not be assigned.
fn check_validity(
    scenario: &Scenario,
    assignment: &Assignment,
    may_be_missing: &BTreeSet<TopicPartition>,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(assignment.len(), scenario.members.len(), "every member is present");
    let mut seen = BTreeSet::new();
    for member in &scenario.members {
        let partitions = assignment.get(&member.member_id).map_or(&[][..], Vec::as_slice);
        for partition in partitions {
            prop_assert!(
                member.topics.contains(&partition.topic),
                "{} got unsubscribed {}",
                member.member_id,
                partition
            );
            prop_assert!(seen.insert(partition.clone()), "{} assigned twice", partition);
        }
    }
    for partition in subscribed_partitions(scenario) {
        prop_assert!(seen.contains(&partition) || may_be_missing.contains(&partition), "{} unassigned", partition);
    }
    Ok(())
}

fn run_kind(kind: AssignorKind, scenario: &Scenario) -> Result<Assignment, TestCaseError> {
    try_assign(kind, &scenario.members, &scenario.topics).map_err(|e| TestCaseError::fail(format!("{kind:?}: {e}")))
}

/// Every partition some member claims (what cooperative may hold back for a round).
fn claimed(scenario: &Scenario) -> BTreeSet<TopicPartition> {
    scenario.members.iter().flat_map(|m| m.owned.iter().cloned()).collect()
}

proptest! {
    // No failure persistence: a regressions file would land outside this folder (`proptest-regressions/`).
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn every_assignor_gives_a_valid_assignment(scenario in scenario(false)) {
        for kind in ALL_KINDS {
            let assignment = run_kind(kind, &scenario)?;
            let withheld = if kind == AssignorKind::CooperativeSticky { claimed(&scenario) } else { BTreeSet::new() };
            check_validity(&scenario, &assignment, &withheld)?;
        }
    }

    #[test]
    fn sticky_and_uniform_are_balanced(scenario in scenario(false)) {
        for kind in [AssignorKind::Sticky, AssignorKind::Uniform] {
            let assignment = run_kind(kind, &scenario)?;
            prop_assert_eq!(balance_violation(&scenario.members, &assignment), None, "{:?}: {:?}", kind, assignment);
        }
    }

    #[test]
    fn assignors_are_deterministic(scenario in scenario(false)) {
        for kind in ALL_KINDS {
            let first = run_kind(kind, &scenario)?;
            prop_assert_eq!(&first, &run_kind(kind, &scenario)?);
            // Without errors the infallible entry point gives the same answer.
            prop_assert_eq!(&first, &assign(kind, &scenario.members, &scenario.topics));
        }
    }

    /// §2.5: nothing goes to a new owner while another member still claims it, and follow-up
    /// rebalances settle on a complete, balanced assignment.
    #[test]
    fn cooperative_never_double_books_and_settles(scenario in scenario(true)) {
        let assignment = run_kind(AssignorKind::CooperativeSticky, &scenario)?;
        for member in &scenario.members {
            for partition in assignment.get(&member.member_id).map_or(&[][..], Vec::as_slice) {
                if member.owned.contains(partition) {
                    continue;
                }
                let claimed_elsewhere = scenario.members.iter().any(|other| other.owned.contains(partition));
                prop_assert!(!claimed_elsewhere, "{} given to {} while still claimed", partition, member.member_id);
            }
        }
        let (settled, rounds) = cooperative_until_stable(scenario.members.clone(), &scenario.topics);
        prop_assert!(rounds <= 4, "{} follow-up rebalances", rounds);
        check_validity(&scenario, &settled, &BTreeSet::new())?;
        prop_assert_eq!(balance_violation(&scenario.members, &settled), None);
    }
}
