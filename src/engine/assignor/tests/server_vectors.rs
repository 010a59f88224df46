//! kafka-reference §2.6: KIP-848 server-side assignors.

use super::{ALL_KINDS, member, run, set_of, topic_map, tps};
use crate::engine::assignor::{AssignorKind, MemberSubscription};

fn owning_server(id: &str, topics: &[&str], owned: &[(&'static str, u32)]) -> MemberSubscription {
    MemberSubscription { owned: tps(owned), ..member(id, topics) }
}

fn assert_sets(assignment: &crate::engine::assignor::Assignment, expected: &[(&str, &[(&'static str, u32)])]) {
    for (member, partitions) in expected {
        assert_eq!(set_of(assignment, member), tps(partitions).into_iter().collect(), "{member}");
    }
}

/// `OptimizedUniformAssignmentBuilderTest.testReassignmentWhenOneMemberAddedAfterInitialAssignmentWithTwoMembersTwoTopics`.
#[test]
fn uniform_member_added_after_initial_assignment() {
    let topics = topic_map(&[("topic1", 3), ("topic2", 3)]);
    let both = ["topic1", "topic2"];
    let members = [
        owning_server("A", &both, &[("topic1", 0), ("topic1", 2), ("topic2", 0)]),
        owning_server("B", &both, &[("topic1", 1), ("topic2", 1), ("topic2", 2)]),
        member("C", &both),
    ];
    let assignment = run(AssignorKind::Uniform, &members, &topics);
    assert_sets(
        &assignment,
        &[
            ("A", &[("topic1", 0), ("topic1", 2)]),
            ("B", &[("topic1", 1), ("topic2", 1)]),
            ("C", &[("topic2", 0), ("topic2", 2)]),
        ],
    );
}

/// Server `RangeAssignorTest.testFirstAssignmentThreeMembersThreeTopicsDifferentSubscriptions`.
#[test]
fn server_range_first_assignment_different_subscriptions() {
    let topics = topic_map(&[("topic1", 3), ("topic2", 3), ("topic3", 2)]);
    let members = [member("A", &["topic1", "topic2"]), member("B", &["topic3"]), member("C", &["topic2", "topic3"])];
    let assignment = run(AssignorKind::ServerRange, &members, &topics);
    assert_sets(
        &assignment,
        &[
            ("A", &[("topic1", 0), ("topic1", 1), ("topic1", 2), ("topic2", 0), ("topic2", 1)]),
            ("B", &[("topic3", 0)]),
            ("C", &[("topic2", 2), ("topic3", 1)]),
        ],
    );
}

/// §2.6: a homogeneous group gets identical ranges for every topic (co-partitioning).
#[test]
fn server_range_co_partitions_homogeneous_groups() {
    let topics = topic_map(&[("orders", 5), ("payments", 5)]);
    let both = ["orders", "payments"];
    let members = [member("m2", &both), member("m1", &both), member("m3", &both)];
    let assignment = run(AssignorKind::ServerRange, &members, &topics);
    for partitions in assignment.values() {
        let orders: Vec<u32> = partitions.iter().filter(|p| p.topic == "orders").map(|p| p.partition).collect();
        let payments: Vec<u32> = partitions.iter().filter(|p| p.topic == "payments").map(|p| p.partition).collect();
        assert_eq!(orders, payments);
    }
    assert_eq!(
        set_of(&assignment, "m1"),
        tps(&[("orders", 0), ("orders", 1), ("payments", 0), ("payments", 1)]).into_iter().collect()
    );
}

/// The broker's range assignor keeps current partitions up to each member's share.
#[test]
fn server_range_keeps_current_partitions() {
    let topics = topic_map(&[("topic", 4)]);
    let members =
        [member("A", &["topic"]), owning_server("B", &["topic"], &[("topic", 0), ("topic", 1), ("topic", 2)])];
    let assignment = run(AssignorKind::ServerRange, &members, &topics);
    assert_sets(&assignment, &[("A", &[("topic", 2), ("topic", 3)]), ("B", &[("topic", 0), ("topic", 1)])]);
}

/// Heterogeneous uniform: every member keeps what it still subscribes to when that is balanced.
#[test]
fn uniform_heterogeneous_keeps_balanced_ownership() {
    let topics = topic_map(&[("topic1", 2), ("topic2", 2)]);
    let members = [
        owning_server("A", &["topic1"], &[("topic1", 1)]),
        owning_server("B", &["topic1", "topic2"], &[("topic1", 0), ("topic2", 1)]),
        member("C", &["topic2"]),
    ];
    let assignment = run(AssignorKind::Uniform, &members, &topics);
    assert_sets(
        &assignment,
        &[("A", &[("topic1", 1)]), ("B", &[("topic1", 0), ("topic2", 1)]), ("C", &[("topic2", 0)])],
    );
}

#[test]
fn kinds_report_their_protocol() {
    let names: Vec<&str> = ALL_KINDS.iter().map(AssignorKind::protocol_name).collect();
    assert_eq!(names, ["range", "roundrobin", "sticky", "cooperative-sticky", "uniform", "range"]);
    assert!(AssignorKind::CooperativeSticky.supports_cooperative());
    assert!(!AssignorKind::Sticky.supports_cooperative());
    assert!(AssignorKind::Uniform.is_server_side() && AssignorKind::ServerRange.is_server_side());
    assert!(!AssignorKind::Range.is_server_side());
}
