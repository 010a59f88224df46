//! kafka-reference §2.4 (`AbstractStickyAssignorTest`, `StickyAssignor` javadoc) and §2.5
//! (`CooperativeStickyAssignorTest`, worked example).

use std::collections::{BTreeMap, BTreeSet};

use super::{Tp, after_rebalance, balance_violation, member, owning, run, set_of, topic_map, tp, tps};
use crate::engine::assignor::{Assignment, AssignorKind, Group, MemberSubscription, sticky};
use crate::engine::types::TopicPartition;

/// One member of a sticky vector: id, subscription, previous ownership (generation 1 when non-empty).
type StickyMember = (&'static str, &'static [&'static str], &'static [Tp]);

/// One row of the §2.4 table.
struct StickyVector {
    test: &'static str,
    topics: &'static [(&'static str, u32)],
    members: &'static [StickyMember],
    expected: &'static [(&'static str, &'static [Tp])],
    /// Kafka's test compares lists (order included); otherwise sets.
    ordered: bool,
}

const T12: &[&str] = &["topic1", "topic2"];
const T0123: &[&str] = &["t0", "t1", "t2", "t3"];

const S2_C1: &[Tp] = &[("topic1", 0), ("topic1", 2), ("topic2", 1), ("topic2", 3)];
const S2_C2: &[Tp] = &[("topic1", 1), ("topic2", 0), ("topic2", 2)];
const S3_C3: &[Tp] = &[("topic1", 2), ("topic2", 3)];
const S3_C4: &[Tp] = &[("topic2", 2)];

const STICKY_VECTORS: &[StickyVector] = &[
    StickyVector {
        test: "S1 testTwoConsumersTwoTopicsSixPartitions",
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[("consumer1", T12, &[]), ("consumer2", T12, &[])],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S2 testAddRemoveTwoConsumersTwoTopics step 1",
        topics: &[("topic1", 3), ("topic2", 4)],
        members: &[("consumer1", T12, &[]), ("consumer2", T12, &[])],
        expected: &[("consumer1", S2_C1), ("consumer2", S2_C2)],
        ordered: true,
    },
    StickyVector {
        test: "S3 testAddRemoveTwoConsumersTwoTopics step 2",
        topics: &[("topic1", 3), ("topic2", 4)],
        members: &[
            ("consumer1", T12, S2_C1),
            ("consumer2", T12, S2_C2),
            ("consumer3", T12, &[]),
            ("consumer4", T12, &[]),
        ],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic2", 0), ("topic1", 1)]),
            ("consumer3", S3_C3),
            ("consumer4", S3_C4),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S4 testAddRemoveTwoConsumersTwoTopics step 3",
        topics: &[("topic1", 3), ("topic2", 4)],
        members: &[("consumer3", T12, S3_C3), ("consumer4", T12, S3_C4)],
        expected: &[
            ("consumer3", &[("topic1", 2), ("topic2", 3), ("topic1", 0), ("topic2", 1)]),
            ("consumer4", &[("topic2", 2), ("topic1", 1), ("topic2", 0)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S5 testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers",
        topics: &[("topic1", 2), ("topic2", 2)],
        members: &[
            ("consumer1", T12, &[("topic1", 0), ("topic2", 0)]),
            ("consumer2", T12, &[("topic1", 1), ("topic2", 1)]),
            ("consumer3", T12, &[]),
        ],
        expected: &[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 1)]),
            ("consumer3", &[("topic2", 0)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S6 testConsumerOwningMinQuotaExpectedMaxQuota",
        topics: &[("topic1", 2), ("topic2", 3)],
        members: &[
            ("consumer1", T12, &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", T12, &[("topic1", 1), ("topic2", 2)]),
        ],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic2", 1), ("topic2", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 2)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S7 testAllConsumersAreUnderMinQuota",
        topics: &[("topic1", 2), ("topic2", 3)],
        members: &[("consumer1", T12, &[("topic1", 0)]), ("consumer2", T12, &[("topic1", 1)]), ("consumer3", T12, &[])],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 2)]),
            ("consumer3", &[("topic2", 0)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S8 testMultipleConsumersMixedTopicSubscriptions (general path)",
        topics: &[("topic1", 3), ("topic2", 2)],
        members: &[("consumer1", &["topic1"], &[]), ("consumer2", T12, &[]), ("consumer3", &["topic1"], &[])],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic1", 2)]),
            ("consumer2", &[("topic2", 0), ("topic2", 1)]),
            ("consumer3", &[("topic1", 1)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S9 StickyAssignor javadoc example 1, fresh",
        topics: &[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)],
        members: &[("C0", T0123, &[]), ("C1", T0123, &[]), ("C2", T0123, &[])],
        expected: &[
            ("C0", &[("t0", 0), ("t1", 1), ("t3", 0)]),
            ("C1", &[("t0", 1), ("t2", 0), ("t3", 1)]),
            ("C2", &[("t1", 0), ("t2", 1)]),
        ],
        ordered: true,
    },
    StickyVector {
        test: "S9 StickyAssignor javadoc example 1, C1 removed (computed expectation)",
        topics: &[("t0", 2), ("t1", 2), ("t2", 2), ("t3", 2)],
        members: &[("C0", T0123, &[("t0", 0), ("t1", 1), ("t3", 0)]), ("C2", T0123, &[("t1", 0), ("t2", 1)])],
        expected: &[
            ("C0", &[("t0", 0), ("t1", 1), ("t3", 0), ("t0", 1)]),
            ("C2", &[("t1", 0), ("t2", 1), ("t2", 0), ("t3", 1)]),
        ],
        ordered: false,
    },
    StickyVector {
        test: "S10 StickyAssignor javadoc example 2, fresh (general path)",
        topics: &[("t0", 1), ("t1", 2), ("t2", 3)],
        members: &[("C0", &["t0"], &[]), ("C1", &["t0", "t1"], &[]), ("C2", &["t0", "t1", "t2"], &[])],
        expected: &[("C0", &[("t0", 0)]), ("C1", &[("t1", 0), ("t1", 1)]), ("C2", &[("t2", 0), ("t2", 1), ("t2", 2)])],
        ordered: false,
    },
    StickyVector {
        test: "S10 StickyAssignor javadoc example 2, C0 removed (general path)",
        topics: &[("t0", 1), ("t1", 2), ("t2", 3)],
        members: &[
            ("C1", &["t0", "t1"], &[("t1", 0), ("t1", 1)]),
            ("C2", &["t0", "t1", "t2"], &[("t2", 0), ("t2", 1), ("t2", 2)]),
        ],
        expected: &[("C1", &[("t1", 0), ("t1", 1), ("t0", 0)]), ("C2", &[("t2", 0), ("t2", 1), ("t2", 2)])],
        ordered: false,
    },
];

fn subscriptions(members: &[StickyMember]) -> Vec<MemberSubscription> {
    members
        .iter()
        .map(|(id, topics, owned)| if owned.is_empty() { member(id, topics) } else { owning(id, topics, owned, 1) })
        .collect()
}

fn check(test: &str, assignment: &Assignment, expected: &[(&str, &[Tp])], ordered: bool) {
    for (member, partitions) in expected {
        if ordered {
            assert_eq!(assignment.get(*member), Some(&tps(partitions)), "{test}: {member}");
        } else {
            let expected_set: BTreeSet<TopicPartition> = tps(partitions).into_iter().collect();
            assert_eq!(set_of(assignment, member), expected_set, "{test}: {member}");
        }
    }
}

#[test]
fn sticky_vectors() {
    for vector in STICKY_VECTORS {
        let members = subscriptions(vector.members);
        let assignment = run(AssignorKind::Sticky, &members, &topic_map(vector.topics));
        check(vector.test, &assignment, vector.expected, vector.ordered);
        assert_eq!(balance_violation(&members, &assignment), None, "{}", vector.test);
    }
}

/// S3's `partitionsTransferringOwnership` = {topic1-2→c3, topic2-3→c3, topic2-2→c4}.
#[test]
fn s3_partitions_transferring_ownership() {
    let vector = &STICKY_VECTORS[2];
    let members = subscriptions(vector.members);
    let group = Group::new(&members, &topic_map(vector.topics)).expect("valid group");
    let outcome = sticky::assign(&group).expect("sticky assignment");
    let expected: BTreeMap<TopicPartition, String> = [
        (tp(("topic1", 2)), "consumer3".to_string()),
        (tp(("topic2", 3)), "consumer3".to_string()),
        (tp(("topic2", 2)), "consumer4".to_string()),
    ]
    .into_iter()
    .collect();
    assert_eq!(outcome.transferring, Some(expected));
}

/// The same vectors hold for CooperativeSticky once the follow-up rebalances have handed over the
/// withheld partitions (`CooperativeStickyAssignorTest.verifyValidityAndBalance`).
#[test]
fn cooperative_reaches_the_sticky_vectors_after_follow_up_rebalances() {
    for vector in STICKY_VECTORS {
        let topics = topic_map(vector.topics);
        let (assignment, rounds) = cooperative_until_stable(subscriptions(vector.members), &topics);
        assert!(rounds <= 4, "{}: {rounds} rebalances", vector.test);
        check(vector.test, &assignment, vector.expected, false);
    }
}

/// Runs cooperative rebalances, each member owning its previous result, until nothing changes.
/// Returns the stable assignment and how many follow-up rebalances it took.
pub(super) fn cooperative_until_stable(
    mut members: Vec<MemberSubscription>,
    topics: &BTreeMap<String, u32>,
) -> (Assignment, usize) {
    let mut assignment = run(AssignorKind::CooperativeSticky, &members, topics);
    for round in 0..10 {
        let next_members = after_rebalance(&members, &assignment, 2 + round as i32);
        let next = run(AssignorKind::CooperativeSticky, &next_members, topics);
        if next == assignment {
            return (next, round);
        }
        members = next_members;
        assignment = next;
    }
    panic!("cooperative rebalancing did not settle: {assignment:?}");
}

/// `testTopicBalanceAfterReassignment`: 2 topics × 12 partitions, 1 → 2 → 4 → 2 consumers; every
/// consumer always holds an equal share of each topic.
#[test]
fn topic_balance_after_reassignment() {
    let topics = topic_map(&[("topic1", 12), ("topic2", 12)]);
    let all = ["consumer1", "consumer2", "consumer3", "consumer4"];
    let steps: [(&[&str], u32); 4] = [(&all[..1], 12), (&all[..2], 6), (&all[..], 3), (&all[2..], 6)];
    let mut previous = Assignment::new();
    for (consumers, share) in steps {
        let members: Vec<MemberSubscription> = consumers
            .iter()
            .map(|id| {
                let owned = previous.get(*id).cloned().unwrap_or_default();
                MemberSubscription { owned, generation: Some(1), ..member(id, T12) }
            })
            .collect();
        let assignment = run(AssignorKind::Sticky, &members, &topics);
        for (consumer, partitions) in &assignment {
            for topic in T12 {
                let count = partitions.iter().filter(|p| p.topic == *topic).count();
                assert_eq!(count, share as usize, "{} consumers: {consumer} on {topic}", consumers.len());
            }
        }
        previous = assignment;
    }
}

/// `testAddRemoveConsumerOneTopic`: topic(3); c1 alone gets 0,1,2; adding c2 moves only topic-2;
/// removing c1 gives c2 all three.
#[test]
fn add_remove_consumer_one_topic() {
    let topics = topic_map(&[("topic", 3)]);
    let first = run(AssignorKind::Sticky, &[member("consumer1", &["topic"])], &topics);
    assert_eq!(first.get("consumer1"), Some(&tps(&[("topic", 0), ("topic", 1), ("topic", 2)])));

    let both = [
        owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1), ("topic", 2)], 1),
        owning("consumer2", &["topic"], &[], 1),
    ];
    let second = run(AssignorKind::Sticky, &both, &topics);
    assert_eq!(second.get("consumer1"), Some(&tps(&[("topic", 0), ("topic", 1)])));
    assert_eq!(second.get("consumer2"), Some(&tps(&[("topic", 2)])));

    let third = run(AssignorKind::Sticky, &[owning("consumer2", &["topic"], &[("topic", 2)], 1)], &topics);
    let expected: BTreeSet<TopicPartition> = tps(&[("topic", 0), ("topic", 1), ("topic", 2)]).into_iter().collect();
    assert_eq!(set_of(&third, "consumer2"), expected);
}

/// §2.5 worked example: S3 under cooperative takes two rounds.
#[test]
fn cooperative_worked_example() {
    let topics = topic_map(&[("topic1", 3), ("topic2", 4)]);
    let round_one_members = subscriptions(STICKY_VECTORS[2].members);
    let round_one = run(AssignorKind::CooperativeSticky, &round_one_members, &topics);
    check(
        "§2.5 round 1",
        &round_one,
        &[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic2", 0), ("topic1", 1)]),
            ("consumer3", &[]),
            ("consumer4", &[]),
        ],
        true,
    );
    let round_two = run(AssignorKind::CooperativeSticky, &after_rebalance(&round_one_members, &round_one, 2), &topics);
    check(
        "§2.5 round 2",
        &round_two,
        &[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic2", 0), ("topic1", 1)]),
            ("consumer3", S3_C3),
            ("consumer4", S3_C4),
        ],
        true,
    );
}

/// `CooperativeStickyAssignorTest.testAllConsumersHaveOwnedPartitionInvalidatedWhenClaimedByMultipleConsumersInSameGenerationWithEqualPartitionsPerConsumer`.
#[test]
fn cooperative_double_claim_is_withheld() {
    let topics = topic_map(&[("topic", 3)]);
    let members = [
        owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1)], 1),
        owning("consumer2", &["topic"], &[("topic", 0), ("topic", 2)], 1),
        owning("consumer3", &["topic"], &[], 1),
    ];
    let assignment = run(AssignorKind::CooperativeSticky, &members, &topics);
    assert_eq!(assignment.get("consumer1"), Some(&tps(&[("topic", 1)])));
    assert_eq!(assignment.get("consumer2"), Some(&tps(&[("topic", 2)])));
    assert_eq!(assignment.get("consumer3"), Some(&Vec::new()));
    // The eager sticky assignor hands topic-0 over at once.
    let eager = run(AssignorKind::Sticky, &members, &topics);
    assert_eq!(eager.get("consumer3"), Some(&tps(&[("topic", 0)])));
}

/// §2.4 rule 4: a higher generation's claim wins over a lower one.
#[test]
fn higher_generation_claim_wins() {
    let topics = topic_map(&[("topic", 2)]);
    let members = [
        owning("consumer1", &["topic"], &[("topic", 0), ("topic", 1)], 1),
        owning("consumer2", &["topic"], &[("topic", 0)], 2),
    ];
    let assignment = run(AssignorKind::Sticky, &members, &topics);
    assert_eq!(assignment.get("consumer2"), Some(&tps(&[("topic", 0)])));
    assert_eq!(assignment.get("consumer1"), Some(&tps(&[("topic", 1)])));
}
