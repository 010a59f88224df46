//! The gallery: the seed's stories (its "edge cases", follow-up questions, trade-off table and log-aggregation
//! case) as built-in scenarios, each with a one-line caption and guided steps a person can take.
//!
//! Each preset has a stable `id` (readable links: `#preset=consumer-lag`) and a stable numeric `code` (compact
//! share links name their base by it). Both are part of the link format: never renumber or rename, only add.

use super::builtin::default_scenario;
use super::model::*;
use crate::engine::command::Command;
use crate::engine::group::GroupCommand;
use crate::engine::producer::ProducerCommand;

/// One guided step: what to notice, and (when there is one) the action that makes it happen.
#[derive(Clone, Debug, PartialEq)]
pub struct GuidedStep {
    pub text: &'static str,
    pub action: Option<Command>,
}

/// A built-in scenario of the gallery.
#[derive(Clone, Debug)]
pub struct Preset {
    /// Readable link name (`#preset=<id>`); stable.
    pub id: &'static str,
    /// Compact link code; stable.
    pub code: u8,
    pub title: &'static str,
    pub caption: &'static str,
    pub steps: Vec<GuidedStep>,
    pub scenario: Scenario,
}

fn step(text: &'static str) -> GuidedStep {
    GuidedStep { text, action: None }
}

fn act(text: &'static str, action: Command) -> GuidedStep {
    GuidedStep { text, action: Some(action) }
}

fn producer_rate(producer: usize, per_sec: u64) -> Command {
    Command::Producer { producer, command: ProducerCommand::SetRate { records_per_sec_millis: per_sec * 1_000 } }
}

fn group_rate(group: usize, per_sec: u64) -> Command {
    Command::Group { group, command: GroupCommand::SetProcessingRate { records_per_sec_millis: per_sec * 1_000 } }
}

/// Every preset, in gallery order (the order is for display only; links use `id` and `code`).
pub fn presets() -> Vec<Preset> {
    vec![
        seed_diagram(),
        consumer_lag(),
        hot_partition(),
        broker_failure(),
        more_consumers_than_partitions(),
        acks_and_min_insync(),
        retention_vs_compaction(),
        log_aggregation_backpressure(),
        partition_count_tradeoff(),
    ]
}

/// The preset with this readable id.
pub fn preset_by_id(id: &str) -> Option<Preset> {
    presets().into_iter().find(|p| p.id == id)
}

/// The preset with this compact link code.
pub fn preset_by_code(code: u8) -> Option<Preset> {
    presets().into_iter().find(|p| p.code == code)
}

fn named(mut s: Scenario, name: &str) -> Scenario {
    s.name = name.into();
    s
}

fn seed_diagram() -> Preset {
    Preset {
        id: "seed",
        code: 0,
        title: "The seed's diagram",
        caption: "One producer, three brokers each leading one partition of `orders`, three consumers each pulling one.",
        steps: vec![
            step(
                "Records are keyed (`order-101` …): murmur2 of the key picks the partition, so one key always lands on the same partition.",
            ),
            step(
                "Each consumer of `order-service` owns one partition; its lag is the high watermark minus its committed offset.",
            ),
        ],
        scenario: default_scenario(),
    }
}

fn consumer_lag() -> Preset {
    let mut s = named(default_scenario(), "Consumer lag");
    s.producers[0].rate_per_sec = 12.0;
    s.groups[0].records_per_sec = 2.0;
    Preset {
        id: "consumer-lag",
        code: 1,
        title: "Consumer lag",
        caption: "Producers write 12 records/s, the group processes 6/s: lag grows, but nothing is lost.",
        steps: vec![
            step("Watch each consumer's lag climb: the records wait on the brokers' disks, not in memory."),
            act(
                "Let the consumers process faster (as if you added instances up to the partition count).",
                group_rate(0, 8),
            ),
            step("Lag drains back towards zero: the backlog was stored, so it is processed late, not lost."),
        ],
        scenario: s,
    }
}

fn hot_partition() -> Preset {
    let mut s = named(default_scenario(), "Hot partition");
    s.producers[0].rate_per_sec = 10.0;
    // 90% of records carry one key (`user-42`): murmur2 sends all of them to the same partition.
    s.producers[0].keys = KeySpec {
        distribution: KeyDistribution::Hot,
        prefix: "user-".into(),
        first: 42,
        count: 1_000,
        hot_share_percent: 90,
    };
    Preset {
        id: "hot-partition",
        code: 2,
        title: "One hot partition",
        caption: "90% of the traffic carries a single key (`user-42`): one partition and its consumer take it all.",
        steps: vec![
            step("All of `user-42`'s records hash to one partition: its log end offset races ahead of the others."),
            step("Only the consumer that owns that partition builds lag; the other two sit nearly idle."),
            act(
                "Spread the keys evenly (the fix in the real world is a better key, or salting the hot one).",
                Command::Producer {
                    producer: 0,
                    command: ProducerCommand::SetKeys { keys: KeySpec::uniform("user-", 1, 1_000) },
                },
            ),
        ],
        scenario: s,
    }
}

fn broker_failure() -> Preset {
    let s = named(default_scenario(), "Broker failure and leader election");
    Preset {
        id: "broker-failure",
        code: 3,
        title: "A broker dies",
        caption: "Kill a broker: the controller fences it and elects a new leader from the ISR; clients follow.",
        steps: vec![
            act(
                "Kill broker 2 (a hard stop, no controlled shutdown).",
                Command::StopBroker { broker: 2, graceful: false },
            ),
            step(
                "After broker.session.timeout.ms the controller fences it: partition 1 gets a new leader from its ISR and the ISRs shrink.",
            ),
            act(
                "Start broker 2 again: it truncates to the leaders' logs and catches up.",
                Command::StartBroker { broker: 2 },
            ),
            act("Run a preferred leader election to move leadership back.", Command::PreferredLeaderElection),
        ],
        scenario: s,
    }
}

fn more_consumers_than_partitions() -> Preset {
    let mut s = named(default_scenario(), "More consumers than partitions");
    s.groups[0].members =
        (1..=5).map(|n| MemberSpec { client_id: format!("order-service-{n}"), instance_id: None }).collect();
    Preset {
        id: "idle-consumers",
        code: 4,
        title: "More consumers than partitions",
        caption: "Five consumers, three partitions: a partition has one owner in a group, so two consumers sit idle.",
        steps: vec![
            step("Three members own one partition each; two have an empty assignment."),
            step("Parallelism in a group is capped by the partition count: add partitions, not consumers."),
        ],
        scenario: s,
    }
}

fn acks_and_min_insync() -> Preset {
    let mut s = named(default_scenario(), "acks 0/1/all with min.insync.replicas=2");
    // Two brokers will die: with the default quorum (brokers 1-3) that would also lose the KRaft majority and
    // freeze every election. Brokers 4 and 5 join the quorum and host no partitions, so the story is about acks.
    s.cluster.brokers = (1..=5).map(|id| BrokerSpec { id, rack: None }).collect();
    s.cluster.controller_quorum_voters = Some(vec![1, 4, 5]);
    s.topics[0].placement = Placement::Manual { replicas: vec![vec![1, 2, 3], vec![2, 3, 1], vec![3, 1, 2]] };
    let template = s.producers[0].clone();
    s.producers = [("acks=0", AcksSpec::Zero), ("acks=1", AcksSpec::One), ("acks=all", AcksSpec::All)]
        .into_iter()
        // request.timeout.ms of 5 s (Kafka's default is 30 s): acks=all requests already waiting at the leader when
        // the ISR drops below min.insync.replicas hold the in-flight slots until they time out, and the story
        // should show the refusals that follow within seconds, not half a minute.
        .map(|(name, acks)| ProducerSpec {
            name: name.into(),
            acks,
            rate_per_sec: 2.0,
            request_timeout_ms: 5_000,
            ..template.clone()
        })
        .collect();
    Preset {
        id: "acks",
        code: 5,
        title: "acks and min.insync.replicas",
        caption: "Three producers with acks=0, 1 and all on a topic with RF 3 and min.insync.replicas=2 (brokers 4 and 5 only keep the controller quorum alive).",
        steps: vec![
            act(
                "Kill broker 3: the ISR shrinks to two, still enough for acks=all.",
                Command::StopBroker { broker: 3, graceful: false },
            ),
            act(
                "Kill broker 2: the ISR is one replica, below min.insync.replicas.",
                Command::StopBroker { broker: 2, graceful: false },
            ),
            step("acks=all is refused with NOT_ENOUGH_REPLICAS; acks=1 and acks=0 keep writing to a single copy."),
            act(
                "Start broker 2 again: once it is back in the ISR, acks=all succeeds again.",
                Command::StartBroker { broker: 2 },
            ),
        ],
        scenario: s,
    }
}

fn retention_vs_compaction() -> Preset {
    let mut s = named(default_scenario(), "Retention vs compaction");
    s.cluster.log_retention_check_interval_ms = 10_000;
    s.cluster.log_cleaner_backoff_ms = 5_000;
    let base = s.topics[0].clone();
    s.topics = vec![
        TopicSpec {
            name: "clicks".into(),
            retention_ms: 60_000,
            segment_ms: 15_000,
            segment_bytes: 1 << 20,
            cleanup_policy: CleanupPolicySpec::Delete,
            ..base.clone()
        },
        TopicSpec {
            name: "user-profiles".into(),
            segment_ms: 15_000,
            segment_bytes: 1 << 20,
            cleanup_policy: CleanupPolicySpec::Compact,
            min_cleanable_dirty_ratio: 0.1,
            ..base
        },
    ];
    let template = s.producers[0].clone();
    s.producers = vec![
        ProducerSpec { name: "Click stream".into(), topic: "clicks".into(), rate_per_sec: 5.0, ..template.clone() },
        ProducerSpec {
            name: "Profile updates".into(),
            topic: "user-profiles".into(),
            rate_per_sec: 5.0,
            keys: KeySpec::uniform("user-", 1, 10),
            ..template
        },
    ];
    s.groups[0].topics = vec!["clicks".into(), "user-profiles".into()];
    Preset {
        id: "retention-compaction",
        code: 6,
        title: "Retention vs compaction",
        caption: "`clicks` deletes whole segments older than a minute; `user-profiles` keeps the latest value per key.",
        steps: vec![
            step(
                "On `clicks`, the log start offset jumps forward a segment at a time once segments are older than retention.ms.",
            ),
            step(
                "On `user-profiles` (10 keys), the cleaner rewrites old segments so each key keeps only its latest record.",
            ),
        ],
        scenario: s,
    }
}

fn log_aggregation_backpressure() -> Preset {
    let mut s = named(default_scenario(), "Log aggregation: backpressure");
    s.topics[0].name = "app-logs".into();
    let mut servers = ProducerSpec::new("App servers", "app-logs", 500.0, KeySpec::uniform("host-", 1, 50));
    servers.acks = AcksSpec::One;
    s.producers = vec![servers];
    s.groups = vec![GroupSpec {
        auto_commit_interval_ms: 1_000,
        ..GroupSpec::new(
            "logstash",
            vec!["app-logs".into()],
            vec![MemberSpec { client_id: "logstash-1".into(), instance_id: None }],
            50.0,
        )
    }];
    Preset {
        id: "backpressure",
        code: 7,
        title: "Log aggregation backpressure",
        caption: "App servers write 10x faster than Logstash indexes: Kafka stores the backlog; lag grows to minutes, nothing is lost.",
        steps: vec![
            step("The producers never wait for the consumer: writes are acknowledged by the brokers at full speed."),
            step(
                "Lag in time = lag in records / 50 records/s: after a minute of the spike it is already about ten minutes.",
            ),
            act("The spike ends: traffic drops below Logstash's rate.", producer_rate(0, 20)),
            step("Logstash keeps indexing at its own pace and the backlog drains: delayed, never lost."),
        ],
        scenario: s,
    }
}

fn partition_count_tradeoff() -> Preset {
    let mut s = named(default_scenario(), "Partition count trade-off");
    let base = s.topics[0].clone();
    s.topics = vec![
        TopicSpec { name: "few-partitions".into(), partitions: 1, placement: Placement::Striped, ..base.clone() },
        TopicSpec { name: "many-partitions".into(), partitions: 12, placement: Placement::Striped, ..base },
    ];
    let template = s.producers[0].clone();
    s.producers = vec![
        ProducerSpec {
            name: "Producer A".into(),
            topic: "few-partitions".into(),
            rate_per_sec: 8.0,
            ..template.clone()
        },
        ProducerSpec { name: "Producer B".into(), topic: "many-partitions".into(), rate_per_sec: 8.0, ..template },
    ];
    let members = |prefix: &str| {
        (1..=4).map(|n| MemberSpec { client_id: format!("{prefix}-{n}"), instance_id: None }).collect::<Vec<_>>()
    };
    s.groups = vec![
        GroupSpec {
            auto_commit_interval_ms: 1_000,
            ..GroupSpec::new("few-readers", vec!["few-partitions".into()], members("few"), 3.0)
        },
        GroupSpec {
            auto_commit_interval_ms: 1_000,
            ..GroupSpec::new("many-readers", vec!["many-partitions".into()], members("many"), 3.0)
        },
    ];
    Preset {
        id: "partition-count",
        code: 8,
        title: "Partition count trade-off",
        caption: "The same load on 1 partition and on 12: only partitions let a group read in parallel.",
        steps: vec![
            step("`few-readers` has one busy member and three idle ones; its lag grows."),
            step("`many-readers` spreads 12 partitions over 4 members and keeps up."),
            act(
                "Kill broker 1: 12 partitions mean more leaders to move than 1.",
                Command::StopBroker { broker: 1, graceful: false },
            ),
        ],
        scenario: s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::validate;
    use std::collections::BTreeSet;

    #[test]
    fn every_preset_is_valid_and_ids_and_codes_are_unique() {
        let all = presets();
        let ids: BTreeSet<_> = all.iter().map(|p| p.id).collect();
        let codes: BTreeSet<_> = all.iter().map(|p| p.code).collect();
        assert_eq!(ids.len(), all.len());
        assert_eq!(codes.len(), all.len());
        for p in all {
            assert!(!p.caption.is_empty() && !p.steps.is_empty(), "{} needs a caption and steps", p.id);
            assert!(p.id.chars().all(|c| c.is_ascii_lowercase() || c == '-'), "{} is not link-safe", p.id);
            validate(p.scenario.clone()).unwrap_or_else(|e| panic!("preset {} is invalid: {e}", p.id));
        }
    }

    #[test]
    fn presets_are_found_by_id_and_code() {
        assert_eq!(preset_by_id("consumer-lag").map(|p| p.code), Some(1));
        assert_eq!(preset_by_code(7).map(|p| p.id), Some("backpressure"));
        assert!(preset_by_id("nope").is_none());
        assert!(preset_by_code(200).is_none());
    }
}
