//! kafka-reference §2.3: `RangeAssignorTest`, `RoundRobinAssignorTest` and the javadoc examples.

use super::{Tp, member, run, static_member, topic_map, tps};
use crate::engine::assignor::{AssignorError, AssignorKind, MemberSubscription, assign, try_assign};

/// One row of the §2.3 table.
struct Vector {
    test: &'static str,
    kind: AssignorKind,
    topics: &'static [(&'static str, u32)],
    /// (member id, group.instance.id, subscription)
    members: &'static [(&'static str, Option<&'static str>, &'static [&'static str])],
    expected: &'static [(&'static str, &'static [Tp])],
}

const T1_T2: &[&str] = &["topic1", "topic2"];
const ALL3: &[&str] = &["t1", "t2", "t3"];
const ALL4: &[&str] = &["t1", "t2", "t3", "t4"];
const T0_T1: &[&str] = &["t0", "t1"];

const VECTORS: &[Vector] = &[
    Vector {
        test: "R1 RangeAssignorTest.testOneConsumerOneTopic",
        kind: AssignorKind::Range,
        topics: &[("topic1", 3)],
        members: &[("consumer1", None, &["topic1"])],
        expected: &[("consumer1", &[("topic1", 0), ("topic1", 1), ("topic1", 2)])],
    },
    Vector {
        test: "R2 RangeAssignorTest.testOnlyAssignsPartitionsFromSubscribedTopics",
        kind: AssignorKind::Range,
        topics: &[("topic1", 3), ("other", 3)],
        members: &[("consumer1", None, &["topic1"])],
        expected: &[("consumer1", &[("topic1", 0), ("topic1", 1), ("topic1", 2)])],
    },
    Vector {
        test: "R3 RangeAssignorTest.testOneConsumerMultipleTopics",
        kind: AssignorKind::Range,
        topics: &[("topic1", 1), ("topic2", 2)],
        members: &[("consumer1", None, T1_T2)],
        expected: &[("consumer1", &[("topic1", 0), ("topic2", 0), ("topic2", 1)])],
    },
    Vector {
        test: "R4 RangeAssignorTest.testTwoConsumersOneTopicOnePartition",
        kind: AssignorKind::Range,
        topics: &[("topic1", 1)],
        members: &[("consumer1", None, &["topic1"]), ("consumer2", None, &["topic1"])],
        expected: &[("consumer1", &[("topic1", 0)]), ("consumer2", &[])],
    },
    Vector {
        test: "R5 RangeAssignorTest.testTwoConsumersOneTopicTwoPartitions",
        kind: AssignorKind::Range,
        topics: &[("topic1", 2)],
        members: &[("consumer1", None, &["topic1"]), ("consumer2", None, &["topic1"])],
        expected: &[("consumer1", &[("topic1", 0)]), ("consumer2", &[("topic1", 1)])],
    },
    Vector {
        test: "R6 RangeAssignorTest.testMultipleConsumersMixedTopics",
        kind: AssignorKind::Range,
        topics: &[("topic1", 3), ("topic2", 2)],
        members: &[("consumer1", None, &["topic1"]), ("consumer2", None, T1_T2), ("consumer3", None, &["topic1"])],
        expected: &[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ("consumer3", &[("topic1", 2)]),
        ],
    },
    Vector {
        test: "R7 RangeAssignorTest.testTwoConsumersTwoTopicsSixPartitions",
        kind: AssignorKind::Range,
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[("consumer1", None, T1_T2), ("consumer2", None, T1_T2)],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ("consumer2", &[("topic1", 2), ("topic2", 2)]),
        ],
    },
    Vector {
        test: "R8 RangeAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions",
        kind: AssignorKind::Range,
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[("consumer-b", Some("instance1"), T1_T2), ("consumer-a", Some("instance2"), T1_T2)],
        expected: &[
            ("consumer-b", &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ("consumer-a", &[("topic1", 2), ("topic2", 2)]),
        ],
    },
    Vector {
        test: "R9 RangeAssignorTest.testOneStaticConsumerAndOneDynamicConsumerTwoTopicsSixPartitions",
        kind: AssignorKind::Range,
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[("consumer-b", Some("instance1"), T1_T2), ("consumer-a", None, T1_T2)],
        expected: &[
            ("consumer-b", &[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ("consumer-a", &[("topic1", 2), ("topic2", 2)]),
        ],
    },
    Vector {
        test: "R10 RangeAssignorTest.testStaticMemberRangeAssignmentPersistent",
        kind: AssignorKind::Range,
        topics: &[("topic1", 5), ("topic2", 4)],
        members: &[
            ("consumer1", Some("instance1"), T1_T2),
            ("consumer2", Some("instance2"), T1_T2),
            ("consumer3", Some("instance3"), T1_T2),
            ("consumer4", None, T1_T2),
        ],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0)]),
            ("consumer2", &[("topic1", 2), ("topic2", 1)]),
            ("consumer3", &[("topic1", 3), ("topic2", 2)]),
            ("consumer4", &[("topic1", 4), ("topic2", 3)]),
        ],
    },
    Vector {
        test: "R10 (consumer4 replaced by consumer5) RangeAssignorTest.testStaticMemberRangeAssignmentPersistent",
        kind: AssignorKind::Range,
        topics: &[("topic1", 5), ("topic2", 4)],
        members: &[
            ("consumer1", Some("instance1"), T1_T2),
            ("consumer2", Some("instance2"), T1_T2),
            ("consumer3", Some("instance3"), T1_T2),
            ("consumer5", None, T1_T2),
        ],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic1", 1), ("topic2", 0)]),
            ("consumer2", &[("topic1", 2), ("topic2", 1)]),
            ("consumer3", &[("topic1", 3), ("topic2", 2)]),
            ("consumer5", &[("topic1", 4), ("topic2", 3)]),
        ],
    },
    Vector {
        test: "R11 RangeAssignorTest.testRackAwareAssignmentWithUniformSubscription (no racks)",
        kind: AssignorKind::Range,
        topics: &[("t1", 6), ("t2", 7), ("t3", 2)],
        members: &[("consumer0", None, ALL3), ("consumer1", None, ALL3), ("consumer2", None, ALL3)],
        expected: &[
            ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2), ("t3", 0)]),
            ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 3), ("t2", 4), ("t3", 1)]),
            ("consumer2", &[("t1", 4), ("t1", 5), ("t2", 5), ("t2", 6)]),
        ],
    },
    Vector {
        test: "R12 RangeAssignorTest.testRackAwareAssignmentWithNonEqualSubscription (no racks)",
        kind: AssignorKind::Range,
        topics: &[("t1", 6), ("t2", 7), ("t3", 2)],
        members: &[("consumer0", None, ALL3), ("consumer1", None, ALL3), ("consumer2", None, &["t1", "t3"])],
        expected: &[
            ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2), ("t2", 3), ("t3", 0)]),
            ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 4), ("t2", 5), ("t2", 6), ("t3", 1)]),
            ("consumer2", &[("t1", 4), ("t1", 5)]),
        ],
    },
    Vector {
        test: "R13 RangeAssignorTest.testRackAwareAssignmentWithCoPartitioning (no racks)",
        kind: AssignorKind::Range,
        topics: &[("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)],
        members: &[
            ("consumer0", None, ALL4),
            ("consumer1", None, ALL4),
            ("consumer2", None, ALL4),
            ("consumer3", None, ALL4),
        ],
        expected: &[
            ("consumer0", &[("t1", 0), ("t1", 1), ("t2", 0), ("t2", 1), ("t3", 0), ("t4", 0)]),
            ("consumer1", &[("t1", 2), ("t1", 3), ("t2", 2), ("t2", 3), ("t3", 1), ("t4", 1)]),
            ("consumer2", &[("t1", 4), ("t2", 4)]),
            ("consumer3", &[("t1", 5), ("t2", 5)]),
        ],
    },
    Vector {
        test: "RR1 RoundRobinAssignorTest.testOneConsumerMultipleTopics",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 1), ("topic2", 2)],
        members: &[("consumer", None, T1_T2)],
        expected: &[("consumer", &[("topic1", 0), ("topic2", 0), ("topic2", 1)])],
    },
    Vector {
        test: "RR2 RoundRobinAssignorTest.testTwoConsumersOneTopicOnePartition",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic", 1)],
        members: &[("consumer1", None, &["topic"]), ("consumer2", None, &["topic"])],
        expected: &[("consumer1", &[("topic", 0)]), ("consumer2", &[])],
    },
    Vector {
        test: "RR3 RoundRobinAssignorTest.testTwoConsumersOneTopicTwoPartitions",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic", 2)],
        members: &[("consumer1", None, &["topic"]), ("consumer2", None, &["topic"])],
        expected: &[("consumer1", &[("topic", 0)]), ("consumer2", &[("topic", 1)])],
    },
    Vector {
        test: "RR4 RoundRobinAssignorTest.testMultipleConsumersMixedTopics",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 3), ("topic2", 2)],
        members: &[("consumer1", None, &["topic1"]), ("consumer2", None, T1_T2), ("consumer3", None, &["topic1"])],
        expected: &[
            ("consumer1", &[("topic1", 0)]),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ("consumer3", &[("topic1", 2)]),
        ],
    },
    Vector {
        test: "RR5 RoundRobinAssignorTest.testTwoDynamicConsumersTwoTopicsSixPartitions",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[("consumer1", None, T1_T2), ("consumer2", None, T1_T2)],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ],
    },
    Vector {
        test: "RR6 RoundRobinAssignorTest.testTwoStaticConsumersTwoTopicsSixPartitions",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[("consumer-b", Some("instance1"), T1_T2), ("consumer-a", Some("instance2"), T1_T2)],
        expected: &[
            ("consumer-b", &[("topic1", 0), ("topic1", 2), ("topic2", 1)]),
            ("consumer-a", &[("topic1", 1), ("topic2", 0), ("topic2", 2)]),
        ],
    },
    Vector {
        test: "RR7 RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistent",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 3), ("topic2", 3)],
        members: &[
            ("consumer1", Some("instance1"), T1_T2),
            ("consumer2", Some("instance2"), T1_T2),
            ("consumer3", Some("instance3"), T1_T2),
            ("consumer4", None, T1_T2),
        ],
        expected: &[
            ("consumer1", &[("topic1", 0), ("topic2", 1)]),
            ("consumer2", &[("topic1", 1), ("topic2", 2)]),
            ("consumer3", &[("topic1", 2)]),
            ("consumer4", &[("topic2", 0)]),
        ],
    },
    Vector {
        test: "RR8 RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 5), ("topic2", 5)],
        members: &[
            ("member-z", Some("instance1"), T1_T2),
            ("member-y", Some("instance2"), T1_T2),
            ("member-x", Some("instance3"), T1_T2),
        ],
        expected: &[
            ("member-z", &[("topic1", 0), ("topic1", 3), ("topic2", 1), ("topic2", 4)]),
            ("member-y", &[("topic1", 1), ("topic1", 4), ("topic2", 2)]),
            ("member-x", &[("topic1", 2), ("topic2", 0), ("topic2", 3)]),
        ],
    },
    Vector {
        test: "RR8 (member ids changed) RoundRobinAssignorTest.testStaticMemberRoundRobinAssignmentPersistentAfterMemberIdChanges",
        kind: AssignorKind::RoundRobin,
        topics: &[("topic1", 5), ("topic2", 5)],
        members: &[
            ("member-a", Some("instance1"), T1_T2),
            ("member-c", Some("instance2"), T1_T2),
            ("member-b", Some("instance3"), T1_T2),
        ],
        expected: &[
            ("member-a", &[("topic1", 0), ("topic1", 3), ("topic2", 1), ("topic2", 4)]),
            ("member-c", &[("topic1", 1), ("topic1", 4), ("topic2", 2)]),
            ("member-b", &[("topic1", 2), ("topic2", 0), ("topic2", 3)]),
        ],
    },
    Vector {
        test: "RR9 RoundRobinAssignor javadoc",
        kind: AssignorKind::RoundRobin,
        topics: &[("t0", 1), ("t1", 2), ("t2", 3)],
        members: &[("C0", None, &["t0"]), ("C1", None, T0_T1), ("C2", None, &["t0", "t1", "t2"])],
        expected: &[("C0", &[("t0", 0)]), ("C1", &[("t1", 0)]), ("C2", &[("t1", 1), ("t2", 0), ("t2", 1), ("t2", 2)])],
    },
    Vector {
        test: "RangeAssignor javadoc",
        kind: AssignorKind::Range,
        topics: &[("t0", 3), ("t1", 3)],
        members: &[("C0", None, T0_T1), ("C1", None, T0_T1)],
        expected: &[("C0", &[("t0", 0), ("t0", 1), ("t1", 0), ("t1", 1)]), ("C1", &[("t0", 2), ("t1", 2)])],
    },
    Vector {
        test: "RoundRobinAssignor javadoc (two consumers)",
        kind: AssignorKind::RoundRobin,
        topics: &[("t0", 3), ("t1", 3)],
        members: &[("C0", None, T0_T1), ("C1", None, T0_T1)],
        expected: &[("C0", &[("t0", 0), ("t0", 2), ("t1", 1)]), ("C1", &[("t0", 1), ("t1", 0), ("t1", 2)])],
    },
];

fn subscriptions(vector: &Vector) -> Vec<MemberSubscription> {
    vector
        .members
        .iter()
        .map(|(id, instance, topics)| match instance {
            Some(instance) => static_member(id, instance, topics),
            None => member(id, topics),
        })
        .collect()
}

#[test]
fn range_and_round_robin_vectors() {
    for vector in VECTORS {
        let assignment = run(vector.kind, &subscriptions(vector), &topic_map(vector.topics));
        assert_eq!(assignment.len(), vector.members.len(), "{}: every member present", vector.test);
        for (member, expected) in vector.expected {
            assert_eq!(assignment.get(*member), Some(&tps(expected)), "{}: {member}", vector.test);
        }
    }
}

#[test]
fn member_with_nonexistent_topic_is_present_and_idle() {
    let members = [member("consumer1", &["ghost"]), member("consumer2", &["topic"])];
    for kind in [AssignorKind::Range, AssignorKind::RoundRobin] {
        let assignment = run(kind, &members, &topic_map(&[("topic", 2), ("empty", 0)]));
        assert_eq!(assignment.get("consumer1"), Some(&Vec::new()), "{kind:?}");
        assert_eq!(assignment.get("consumer2").map(Vec::len), Some(2), "{kind:?}");
    }
}

#[test]
fn duplicate_member_ids_are_reported_or_keep_the_last_subscription() {
    let topics = topic_map(&[("a", 2), ("b", 2)]);
    let members = [member("consumer1", &["a"]), member("consumer2", &["a"]), member("consumer1", &["b"])];
    assert_eq!(
        try_assign(AssignorKind::Range, &members, &topics),
        Err(AssignorError::DuplicateMember("consumer1".to_string()))
    );
    let assignment = assign(AssignorKind::Range, &members, &topics);
    assert_eq!(assignment.get("consumer1"), Some(&tps(&[("b", 0), ("b", 1)])));
    assert_eq!(assignment.get("consumer2"), Some(&tps(&[("a", 0), ("a", 1)])));
}

#[test]
fn empty_group_gets_empty_assignment() {
    assert!(assign(AssignorKind::Sticky, &[], &topic_map(&[("a", 3)])).is_empty());
}
