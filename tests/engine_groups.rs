//! Consumer groups in the running engine (kafka-reference.md §4.4, §5): classic rebalances (eager and
//! cooperative), session and poll timeouts, static membership, KIP-848 incremental convergence, and
//! `auto.offset.reset` when retention passes a consumer's position. The assignors themselves are
//! unit-tested with Kafka's vectors in `engine::assignor`.

use std::collections::BTreeMap;

use kafkaviz::engine::command::Command;
use kafkaviz::engine::group::{GroupCommand, GroupConfigChange, MemberRef};
use kafkaviz::engine::invariants;
use kafkaviz::engine::sim::Engine;
use kafkaviz::engine::snapshot::{GroupView, Snapshot};
use kafkaviz::scenario::{
    AssignorSpec, AutoOffsetResetSpec, GroupProtocolSpec, MemberSpec, Scenario, default_scenario, validate,
};
use proptest::prelude::*;

/// The default cluster (`orders`, 3 partitions) with `members` consumers in `order-service`.
fn scenario(members: usize) -> Scenario {
    let mut s = default_scenario();
    s.groups[0].members =
        (1..=members).map(|n| MemberSpec { client_id: format!("order-service-{n}"), instance_id: None }).collect();
    s
}

fn engine(s: Scenario) -> Engine {
    Engine::new(&validate(s).expect("valid test scenario"))
}

fn group(engine: &Engine) -> GroupView {
    engine.snapshot().groups.remove(0)
}

fn command(engine: &mut Engine, command: GroupCommand) {
    engine.apply(Command::Group { group: 0, command }).expect("command accepted");
}

fn client(name: &str) -> MemberRef {
    MemberRef::ClientId(name.into())
}

/// Partition → client ids of the members that own it, over the members of the group.
fn owners(g: &GroupView) -> BTreeMap<u32, Vec<String>> {
    let mut owners: BTreeMap<u32, Vec<String>> = BTreeMap::new();
    for m in &g.members {
        for p in &m.partitions {
            owners.entry(p.partition).or_default().push(m.client_id.clone());
        }
    }
    owners
}

fn owner_of(g: &GroupView, partition: u32) -> Option<String> {
    owners(g).get(&partition).and_then(|o| o.first().cloned())
}

/// What the proptest and the step-by-step tests check after every step.
fn check(s: &Snapshot) {
    let broken = invariants::violations(s);
    assert!(broken.is_empty(), "at {} ms: {broken:#?}", s.time);
    for g in &s.groups {
        if g.state == "Stable" {
            for (partition, owned_by) in owners(g) {
                assert!(
                    owned_by.len() <= 1,
                    "at {} ms: Stable group, partition {partition} owned by {owned_by:?}",
                    s.time
                );
            }
        }
        for m in &g.members {
            for p in &m.partitions {
                let hw = s.topics.iter().find(|t| *t.name == *p.topic).unwrap().partitions[p.partition as usize]
                    .high_watermark;
                assert!(p.committed.is_none_or(|c| c <= hw), "at {} ms: committed {:?} > HW {hw}", s.time, p.committed);
            }
        }
    }
}

fn run_checked(engine: &mut Engine, until_ms: u64, step_ms: u64) {
    while engine.now() < until_ms {
        engine.advance_by(step_ms);
        check(&engine.snapshot());
    }
}

#[test]
fn a_fourth_consumer_on_three_partitions_is_idle() {
    let mut e = engine(scenario(3));
    e.advance_to(5_000);
    assert_eq!(group(&e).generation, 1);
    command(&mut e, GroupCommand::AddMember { client_id: "order-service-4".into(), instance_id: None });
    let mut narration = Vec::new();
    while e.now() < 20_000 {
        e.advance_by(100);
        let s = e.snapshot();
        check(&s);
        narration.extend(s.narration.iter().map(|n| n.text.clone()));
    }
    let g = group(&e);
    assert_eq!(g.state, "Stable");
    assert_eq!(g.generation, 2, "one rebalance for the join");
    assert_eq!(g.rebalances, 1);
    assert_eq!(g.members.len(), 4);
    let idle: Vec<&str> = g.members.iter().filter(|m| m.idle).map(|m| m.client_id.as_str()).collect();
    assert_eq!(idle.len(), 1, "exactly one surplus member: {idle:?}");
    assert!(g.members.iter().all(|m| m.state == "stable"), "{:?}", g.members);
    assert_eq!(owners(&g).len(), 3, "every partition is owned");
    assert!(
        narration
            .iter()
            .any(|t| t == "group order-service: rebalance (member order-service-4 joined), generation 2 (eager)"),
        "{narration:#?}"
    );
}

#[test]
fn a_crashed_member_is_noticed_only_after_the_session_timeout() {
    let mut e = engine(scenario(3));
    e.advance_to(10_000);
    let before = group(&e);
    let victim_partitions: Vec<u32> = before
        .members
        .iter()
        .find(|m| m.client_id == "order-service-2")
        .unwrap()
        .partitions
        .iter()
        .map(|p| p.partition)
        .collect();
    assert_eq!(victim_partitions.len(), 1);
    command(&mut e, GroupCommand::CrashMember { member: client("order-service-2") });
    // Its last heartbeat was at most heartbeat.interval.ms (3 s) before the crash: the session
    // (45 s) cannot expire before 10 s + 42 s.
    run_checked(&mut e, 10_000 + 41_900, 100);
    let g = group(&e);
    assert_eq!(g.generation, before.generation, "no rebalance before session.timeout.ms");
    assert_eq!(g.rebalances, 0);
    assert_eq!(owner_of(&g, victim_partitions[0]).as_deref(), Some("order-service-2"), "still assigned to the dead");
    assert_eq!(g.members.iter().find(|m| m.client_id == "order-service-2").unwrap().state, "crashed");
    run_checked(&mut e, 10_000 + 45_000 + 5_000, 100);
    let g = group(&e);
    assert_eq!(g.state, "Stable");
    assert_eq!(g.generation, before.generation + 1);
    assert!(g.members.iter().all(|m| m.client_id != "order-service-2"), "the crashed member is gone");
    let owner = owner_of(&g, victim_partitions[0]).expect("its partition moved to a live member");
    assert_ne!(owner, "order-service-2");
}

#[test]
fn a_stuck_member_leaves_after_max_poll_interval() {
    let mut s = scenario(3);
    s.groups[0].max_poll_interval_ms = 20_000;
    let mut e = engine(s);
    e.advance_to(5_000);
    command(&mut e, GroupCommand::SetStuck { member: client("order-service-3"), stuck: true });
    run_checked(&mut e, 5_000 + 19_900, 100);
    let g = group(&e);
    assert_eq!(g.rebalances, 0, "within max.poll.interval.ms the heartbeat thread keeps it in");
    assert_eq!(g.members.iter().find(|m| m.client_id == "order-service-3").unwrap().state, "stuck");
    // The heartbeat thread notices at its next beat (every 3 s) after the poll timer expires.
    run_checked(&mut e, 5_000 + 20_000 + 10_000, 100);
    let g = group(&e);
    assert_eq!(g.rebalances, 1);
    assert_eq!(g.state, "Stable");
    let stuck = g.members.iter().find(|m| m.client_id == "order-service-3").unwrap();
    assert_eq!(stuck.state, "left");
    assert!(stuck.partitions.is_empty());
    assert_eq!(owners(&g).len(), 3, "the two others own all three partitions");
}

#[test]
fn cooperative_rebalance_keeps_unmoved_partitions_consuming() {
    let mut s = scenario(2);
    s.groups[0].assignor = Some(AssignorSpec::CooperativeSticky);
    s.groups[0].records_per_sec = 50.0;
    s.producers[0].rate_per_sec = 30.0;
    let mut e = engine(s);
    e.advance_to(10_000);
    let before = group(&e);
    assert_eq!(before.rebalance_protocol, "cooperative");
    let owned_before: BTreeMap<u32, String> = owners(&before).into_iter().map(|(p, o)| (p, o[0].clone())).collect();
    assert_eq!(owned_before.len(), 3);
    command(&mut e, GroupCommand::AddMember { client_id: "order-service-3".into(), instance_id: None });
    // Through both rounds, record for each partition whether it ever lost its owner.
    let mut ever_unowned: BTreeMap<u32, bool> = BTreeMap::new();
    while e.now() < 20_000 {
        e.advance_by(20);
        let s = e.snapshot();
        check(&s);
        let now_owned = owners(&s.groups[0]);
        for p in 0..3 {
            *ever_unowned.entry(p).or_default() |= !now_owned.contains_key(&p);
        }
    }
    let after = group(&e);
    assert_eq!(after.state, "Stable");
    assert_eq!(after.generation, before.generation + 2, "a rebalance and its follow-up");
    let moved: Vec<u32> = (0..3).filter(|p| owner_of(&after, *p).as_ref() != owned_before.get(p)).collect();
    assert_eq!(moved.len(), 1, "exactly one partition moves to the new member: {moved:?}");
    assert_eq!(owner_of(&after, moved[0]).as_deref(), Some("order-service-3"));
    for p in (0..3).filter(|p| !moved.contains(p)) {
        assert!(!ever_unowned[&p], "partition {p} did not move, yet was revoked during the rebalance");
    }
    assert!(ever_unowned[&moved[0]], "the moved partition was revoked before its new owner got it");
}

#[test]
fn eager_rebalance_revokes_every_partition() {
    let mut e = engine(scenario(2));
    e.advance_to(10_000);
    command(&mut e, GroupCommand::AddMember { client_id: "order-service-3".into(), instance_id: None });
    let mut all_unowned_once = false;
    while e.now() < 20_000 {
        e.advance_by(20);
        let s = e.snapshot();
        check(&s);
        all_unowned_once |= owners(&s.groups[0]).is_empty();
    }
    assert!(all_unowned_once, "under eager every member revokes everything before rejoining");
    assert_eq!(group(&e).generation, 2);
}

#[test]
fn a_static_member_restarting_within_the_session_keeps_its_partitions() {
    let mut s = scenario(0);
    s.groups[0].members = (1..=3)
        .map(|n| MemberSpec { client_id: format!("order-service-{n}"), instance_id: Some(format!("instance-{n}")) })
        .collect();
    let mut e = engine(s);
    e.advance_to(10_000);
    let before = group(&e);
    let partitions_of = |g: &GroupView, instance: &str| -> Vec<u32> {
        g.members
            .iter()
            .filter(|m| m.instance_id.as_deref() == Some(instance) && m.state != "closed")
            .flat_map(|m| m.partitions.iter().map(|p| p.partition))
            .collect()
    };
    let held = partitions_of(&before, "instance-2");
    assert_eq!(held.len(), 1);
    command(&mut e, GroupCommand::RemoveMember { member: client("order-service-2") });
    run_checked(&mut e, 30_000, 100);
    assert_eq!(group(&e).rebalances, 0, "a static member closes without LeaveGroup");
    command(
        &mut e,
        GroupCommand::AddMember { client_id: "order-service-2b".into(), instance_id: Some("instance-2".into()) },
    );
    run_checked(&mut e, 90_000, 100);
    let g = group(&e);
    assert_eq!(g.generation, before.generation, "no new generation");
    assert_eq!(g.rebalances, 0);
    assert_eq!(partitions_of(&g, "instance-2"), held, "the restarted instance got its partitions back");
    let restarted = g.members.iter().find(|m| m.client_id == "order-service-2b").unwrap();
    assert_eq!(restarted.state, "stable");
    assert!(restarted.member_id.starts_with("instance-2-"), "new member id from the instance id");
}

#[test]
fn a_static_member_away_longer_than_the_session_is_replaced_by_a_rebalance() {
    let mut s = scenario(0);
    s.groups[0].members = (1..=2)
        .map(|n| MemberSpec { client_id: format!("order-service-{n}"), instance_id: Some(format!("instance-{n}")) })
        .collect();
    let mut e = engine(s);
    e.advance_to(5_000);
    command(&mut e, GroupCommand::RemoveMember { member: client("order-service-2") });
    run_checked(&mut e, 5_000 + 45_000 + 5_000, 100);
    let g = group(&e);
    assert_eq!(g.rebalances, 1, "its session expired");
    assert_eq!(owners(&g).values().flatten().filter(|c| *c == "order-service-1").count(), 3);
}

#[test]
fn kip_848_converges_without_a_partition_owned_twice() {
    let mut s = scenario(2);
    s.groups[0].protocol = GroupProtocolSpec::Consumer;
    s.groups[0].assignor = Some(AssignorSpec::Uniform);
    let mut e = engine(s);
    e.advance_to(5_000);
    assert_eq!(group(&e).state, "Stable");
    command(&mut e, GroupCommand::AddMember { client_id: "order-service-3".into(), instance_id: None });
    let mut saw_reconciling = false;
    while e.now() < 30_000 {
        e.advance_by(10);
        let s = e.snapshot();
        check(&s);
        for (p, o) in owners(&s.groups[0]) {
            assert!(o.len() <= 1, "at {} ms partition {p} owned by {o:?}", s.time);
        }
        saw_reconciling |= s.groups[0].state == "Reconciling";
    }
    assert!(saw_reconciling, "the new member waited for a revocation");
    let g = group(&e);
    assert_eq!(g.state, "Stable");
    assert_eq!(g.protocol, "consumer");
    assert_eq!(g.generation, 2, "group epoch bumped once");
    assert!(g.members.iter().all(|m| m.partitions.len() == 1 && m.generation == 2), "{:?}", g.members);
}

/// One consumer; retention of 30 s checked every 5 s over 10 s segments moves the log start along.
fn retention_scenario(reset: AutoOffsetResetSpec) -> Scenario {
    let mut s = scenario(1);
    s.cluster.log_retention_check_interval_ms = 5_000;
    s.topics[0].segment_ms = 10_000;
    s.topics[0].retention_ms = 30_000;
    s.producers[0].rate_per_sec = 30.0;
    s.groups[0].auto_offset_reset = reset;
    s
}

/// A member reading nothing (rate 0) keeps its position while retention moves the log start past it;
/// its next fetch is out of range and resets per auto.offset.reset. Returns (position, log start, HW).
fn position_after_retention(reset: AutoOffsetResetSpec) -> (u64, u64, u64) {
    let mut e = engine(retention_scenario(reset));
    e.advance_to(1_000);
    command(&mut e, GroupCommand::SetMemberRate { member: client("order-service-1"), records_per_sec_millis: 0 });
    run_checked(&mut e, 90_000, 250);
    let s = e.snapshot();
    let partition = &s.topics[0].partitions[0];
    let member = &s.groups[0].members[0];
    let position = member.partitions.iter().find(|p| p.partition == 0).unwrap().position;
    (position, partition.log_start_offset, partition.high_watermark)
}

#[test]
fn auto_offset_reset_earliest_goes_to_the_log_start() {
    let (position, log_start, _) = position_after_retention(AutoOffsetResetSpec::Earliest);
    assert!(log_start > 0, "retention moved the log start");
    assert_eq!(position, log_start);
}

#[test]
fn auto_offset_reset_latest_goes_to_the_high_watermark() {
    let (position, log_start, hw) = position_after_retention(AutoOffsetResetSpec::Latest);
    assert!(log_start > 0, "retention moved the log start");
    assert!(position > log_start && position <= hw, "position {position}, log start {log_start}, HW {hw}");
}

#[test]
fn auto_offset_reset_none_throws_without_a_committed_offset() {
    let mut s = scenario(1);
    s.groups[0].auto_offset_reset = AutoOffsetResetSpec::None;
    let e = engine(s);
    let m = &group(&e).members[0];
    assert_eq!(m.state, "error");
    assert!(m.detail.as_deref().is_some_and(|d| d.starts_with("NoOffsetForPartitionException")), "{:?}", m.detail);
    assert!(m.partitions.iter().all(|p| p.committed.is_none()));
}

#[test]
fn auto_offset_reset_none_throws_when_retention_passes_the_position() {
    let mut e = engine(retention_scenario(AutoOffsetResetSpec::Latest));
    e.advance_to(1_000);
    let change = GroupConfigChange { auto_offset_reset: Some(AutoOffsetResetSpec::None), ..Default::default() };
    command(&mut e, GroupCommand::ChangeConfig { change });
    assert_eq!(group(&e).auto_offset_reset, "none");
    command(&mut e, GroupCommand::SetMemberRate { member: client("order-service-1"), records_per_sec_millis: 0 });
    run_checked(&mut e, 90_000, 250);
    let m = &group(&e).members[0];
    assert_eq!(m.state, "error");
    assert!(m.detail.as_deref().is_some_and(|d| d.starts_with("OffsetOutOfRangeException")), "{:?}", m.detail);
}

#[test]
fn config_changes_are_validated_with_kafkas_messages() {
    let mut e = engine(scenario(3));
    let refused = |e: &mut Engine, change: GroupConfigChange| {
        e.apply(Command::Group { group: 0, command: GroupCommand::ChangeConfig { change } })
            .expect_err("invalid change")
            .to_string()
    };
    let too_short = GroupConfigChange { session_timeout_ms: Some(5_999), ..Default::default() };
    assert!(refused(&mut e, too_short).contains("The session timeout is not within the range allowed by the broker"));
    let uniform = GroupConfigChange { assignor: Some(AssignorSpec::Uniform), ..Default::default() };
    assert!(refused(&mut e, uniform).starts_with("assignor:"));
    let sticky_server = GroupConfigChange {
        protocol: Some(GroupProtocolSpec::Consumer),
        assignor: Some(AssignorSpec::Sticky),
        ..Default::default()
    };
    assert_eq!(
        refused(&mut e, sticky_server),
        "assignor: ServerAssignor sticky is not supported. Supported assignors: uniform, range."
    );
    assert_eq!(group(&e).assignor, "range", "a refused change changes nothing");
    assert_eq!(group(&e).session_timeout_ms, 45_000);
}

#[test]
fn changing_the_assignor_rebalances_and_switching_protocol_reassigns_everything() {
    let mut e = engine(scenario(3));
    e.advance_to(5_000);
    let change = GroupConfigChange { assignor: Some(AssignorSpec::RoundRobin), ..Default::default() };
    command(&mut e, GroupCommand::ChangeConfig { change });
    run_checked(&mut e, 15_000, 100);
    let g = group(&e);
    assert_eq!((g.assignor, g.state, g.generation, g.rebalances), ("roundrobin", "Stable", 2, 1));
    let change = GroupConfigChange { protocol: Some(GroupProtocolSpec::Consumer), ..Default::default() };
    command(&mut e, GroupCommand::ChangeConfig { change });
    run_checked(&mut e, 40_000, 100);
    let g = group(&e);
    assert_eq!((g.protocol, g.assignor, g.state), ("consumer", "uniform", "Stable"));
    assert!(g.members.iter().all(|m| m.partitions.len() == 1), "{:?}", g.members);
    let change = GroupConfigChange { protocol: Some(GroupProtocolSpec::Classic), ..Default::default() };
    command(&mut e, GroupCommand::ChangeConfig { change });
    run_checked(&mut e, 60_000, 100);
    let g = group(&e);
    assert_eq!((g.protocol, g.assignor, g.state), ("classic", "range", "Stable"));
    assert_eq!(owners(&g).len(), 3);
}

#[test]
fn lag_is_high_watermark_minus_committed() {
    let mut e = engine(scenario(3));
    e.advance_to(20_000);
    command(&mut e, GroupCommand::SetProcessingRate { records_per_sec_millis: 0 });
    e.advance_to(40_000);
    let s = e.snapshot();
    for m in &s.groups[0].members {
        let mut total = 0;
        for p in &m.partitions {
            let hw = s.topics[0].partitions[p.partition as usize].high_watermark;
            let committed = p.committed.expect("auto-commit ran");
            assert_eq!(p.lag, hw - committed);
            total += p.lag;
        }
        assert_eq!(m.lag, total);
        assert!(m.lag > 0, "nothing processed for 20 s");
    }
}

/// One user action in a random schedule.
#[derive(Clone, Debug)]
enum Action {
    Join,
    /// A static member with one of three instance ids joins (or restarts under it).
    JoinStatic(usize),
    Leave(usize),
    Crash(usize),
    Stuck(usize),
    Resume(usize),
    Wait(u64),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        2 => Just(Action::Join),
        1 => (0..3usize).prop_map(Action::JoinStatic),
        1 => (0..6usize).prop_map(Action::Leave),
        1 => (0..6usize).prop_map(Action::Crash),
        1 => (0..6usize).prop_map(Action::Stuck),
        1 => (0..6usize).prop_map(Action::Resume),
        3 => (500..30_000u64).prop_map(Action::Wait),
    ]
}

fn perform(e: &mut Engine, action: &Action, joined: &mut usize) {
    let live: Vec<String> = group(e)
        .members
        .iter()
        .filter(|m| matches!(m.state, "stable" | "rejoining" | "stuck" | "error" | "left"))
        .map(|m| m.client_id.clone())
        .collect();
    let pick = |i: usize| live.get(i % live.len().max(1)).cloned();
    let command = match action {
        Action::Join => {
            *joined += 1;
            Some(GroupCommand::AddMember { client_id: format!("extra-{joined}"), instance_id: None })
        }
        Action::JoinStatic(i) => {
            *joined += 1;
            let instance_id = Some(format!("static-{i}"));
            Some(GroupCommand::AddMember { client_id: format!("extra-{joined}"), instance_id })
        }
        Action::Leave(i) => pick(*i).map(|c| GroupCommand::RemoveMember { member: client(&c) }),
        Action::Crash(i) => pick(*i).map(|c| GroupCommand::CrashMember { member: client(&c) }),
        Action::Stuck(i) => pick(*i).map(|c| GroupCommand::SetStuck { member: client(&c), stuck: true }),
        Action::Resume(i) => pick(*i).map(|c| GroupCommand::SetStuck { member: client(&c), stuck: false }),
        Action::Wait(ms) => {
            let until = e.now() + ms;
            run_checked(e, until, 250);
            None
        }
    };
    if let Some(command) = command {
        // Refusals (resuming a member that is not stuck, …) are fine: they change nothing.
        let _ = e.apply(Command::Group { group: 0, command });
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_membership_schedules_keep_the_group_safe(
        protocol in prop_oneof![Just(GroupProtocolSpec::Classic), Just(GroupProtocolSpec::Consumer)],
        cooperative in any::<bool>(),
        actions in prop::collection::vec(action(), 1..12),
    ) {
        let mut s = scenario(3);
        s.groups[0].protocol = protocol;
        s.groups[0].max_poll_interval_ms = 20_000;
        if protocol == GroupProtocolSpec::Classic && cooperative {
            s.groups[0].assignor = Some(AssignorSpec::CooperativeSticky);
        }
        let mut e = engine(s);
        let mut joined = 0;
        e.advance_to(2_000);
        for a in &actions {
            perform(&mut e, a, &mut joined);
            check(&e.snapshot());
        }
        // Left alone, the group settles.
        let until = e.now() + 120_000;
        run_checked(&mut e, until, 500);
        let g = group(&e);
        let polling = g.members.iter().filter(|m| m.state == "stable").count();
        if polling > 0 {
            prop_assert_eq!(g.state, "Stable");
            prop_assert_eq!(owners(&g).len(), 3, "every partition owned once settled: {:?}", g.members);
        }
    }
}

/// Each group setting's limit, as the scenario validator reports it: (edit, field, message fragment).
#[test]
fn group_spec_limits_name_the_field_and_kafkas_message() {
    type Edit = fn(&mut kafkaviz::scenario::GroupSpec);
    let cases: [(Edit, &str, &str); 6] = [
        (|g| g.session_timeout_ms = 5_999, "session_timeout_ms", "not within the range allowed by the broker"),
        (|g| g.session_timeout_ms = 1_800_001, "session_timeout_ms", "not within the range allowed by the broker"),
        (
            |g| g.heartbeat_interval_ms = 45_000,
            "heartbeat_interval_ms",
            "Heartbeat must be set lower than the session timeout",
        ),
        (|g| g.max_poll_interval_ms = 0, "max_poll_interval_ms", ""),
        (
            |g| {
                g.protocol = GroupProtocolSpec::Consumer;
                g.consumer_heartbeat_interval_ms = 4_999;
            },
            "consumer_heartbeat_interval_ms",
            "group.consumer.heartbeat.interval.ms must be within [5000, 15000]",
        ),
        (
            |g| {
                g.protocol = GroupProtocolSpec::Consumer;
                g.session_timeout_ms = 10_000;
            },
            "session_timeout_ms",
            "group.consumer.session.timeout.ms must be within [45000, 60000]",
        ),
    ];
    for (edit, field, message) in cases {
        let mut s = scenario(3);
        edit(&mut s.groups[0]);
        let error = validate(s).expect_err("over the limit");
        assert_eq!(error.field, format!("groups[0].{field}"));
        assert!(error.problem.contains(message), "{field}: {}", error.problem);
    }
}

/// With a backlog, each member consumes at its processing rate exactly, including rates that are not a
/// whole number of records per poll (8/s is 0.8 records per 100 ms poll).
#[test]
fn members_with_a_backlog_consume_at_their_processing_rate() {
    let mut s = scenario(3);
    s.producers[0].rate_per_sec = 60.0;
    s.groups[0].records_per_sec = 8.0;
    let mut e = engine(s);
    e.advance_to(30_000);
    let positions = |e: &Engine| -> Vec<u64> {
        group(e).members.iter().flat_map(|m| m.partitions.iter().map(|p| p.position)).collect()
    };
    let before = positions(&e);
    e.advance_to(50_000);
    let after = positions(&e);
    for (b, a) in before.iter().zip(&after) {
        let consumed = a - b;
        assert!((158..=162).contains(&consumed), "20 s at 8 records/s is 160 records, consumed {consumed}");
    }
}
