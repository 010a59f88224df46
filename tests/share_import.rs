//! Importing `kafka-topics.sh --describe` (and `kafka-consumer-groups.sh --describe`) output: the fixture under
//! tests/fixtures is written in the tools' format (Kafka 3.7+, with TopicId and Elr columns).

use kafkaviz::engine::sim::Engine;
use kafkaviz::scenario::{CleanupPolicySpec, Placement};
use kafkaviz::share::import::{ImportError, import_describe};

const TOPICS: &str = include_str!("fixtures/kafka-topics-describe.txt");
const GROUPS: &str = include_str!("fixtures/kafka-consumer-groups-describe.txt");

#[test]
fn describe_output_imports_to_the_exact_replica_lists() {
    let imported = import_describe(TOPICS, Some(GROUPS)).unwrap_or_else(|e| panic!("{e}"));
    let s = imported.scenario.get();
    assert_eq!(s.cluster.brokers.iter().map(|b| b.id).collect::<Vec<_>>(), vec![1, 2, 3, 4]);
    let orders = &s.topics[0];
    assert_eq!((orders.name.as_str(), orders.partitions, orders.replication_factor), ("orders", 6, 3));
    assert_eq!(
        orders.placement,
        Placement::Manual {
            replicas: vec![vec![1, 2, 3], vec![2, 3, 4], vec![3, 4, 1], vec![4, 1, 2], vec![1, 3, 4], vec![2, 3, 1]]
        }
    );
    assert_eq!(orders.min_insync_replicas, 2);
    assert_eq!(orders.retention_ms, 604_800_000);
    let profiles = &s.topics[1];
    assert_eq!(profiles.placement, Placement::Manual { replicas: vec![vec![4, 1], vec![1, 2]] });
    assert_eq!(profiles.cleanup_policy, CleanupPolicySpec::Compact);
    assert_eq!(profiles.min_cleanable_dirty_ratio, 0.1);
    let group = &s.groups[0];
    assert_eq!(group.name, "order-service");
    assert_eq!(group.topics, vec!["orders".to_string()]);
    assert_eq!(
        group.members.iter().map(|m| m.client_id.as_str()).collect::<Vec<_>>(),
        ["order-service-1", "order-service-2", "order-service-3"]
    );
    // What the simulation cannot start from is said, not dropped.
    assert!(
        imported.notes.iter().any(|n| n.starts_with("orders-5: leader is 3, not the preferred replica 2")),
        "{:#?}",
        imported.notes
    );
    assert!(imported.notes.iter().any(|n| n.contains("orders-5: ISR is [3, 1]")), "{:#?}", imported.notes);
    assert!(imported.notes.iter().any(|n| n.contains("committed offset 7480, lag 222")), "{:#?}", imported.notes);

    // The engine builds exactly those replica lists, preferred replica leading.
    let snapshot = Engine::new(&imported.scenario).snapshot();
    let partitions = &snapshot.topics[0].partitions;
    assert_eq!(partitions[3].replicas, vec![4, 1, 2]);
    assert_eq!(partitions[3].leader, Some(4));
    assert_eq!(snapshot.topics[1].partitions[0].replicas, vec![4, 1]);
}

#[test]
fn spaces_instead_of_tabs_and_an_appended_groups_table_also_work() {
    let spaced = TOPICS.replace('\t', "   ");
    let both = format!("{spaced}\n{GROUPS}");
    let imported = import_describe(&both, None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(imported.scenario.get().topics.len(), 2);
    assert_eq!(imported.scenario.get().groups[0].members.len(), 3);
}

#[test]
fn bad_pastes_name_the_line_and_what_was_expected() {
    let line_of = |needle: &str| 1 + TOPICS.lines().position(|l| l.contains(needle)).unwrap();
    let p3 = line_of("Partition: 3");
    let other_topic = GROUPS.replace("order-service   orders          2", "order-service   payments        2");
    let short_row = GROUPS.replace("/10.0.1.18      order-service-2", "/10.0.1.18");
    let cases: Vec<(String, Option<&str>, Vec<String>)> = vec![
        ("".into(), None, vec!["nothing to import".into()]),
        ("hello world\n".into(), None, vec!["line 1".into(), "expected a line starting \"Topic:\"".into()]),
        (
            TOPICS.replace("Replicas: 4,1,2", "Replicas: 4,x,2"),
            None,
            vec![format!("line {p3}"), "broker ids like 1,2,3".into()],
        ),
        (TOPICS.replace("Replicas: 4,1,2", "Replicas: 4,1"), None, vec![format!("line {p3}"), "3 replicas".into()]),
        (
            TOPICS.replace("Replicas: 4,1,2", "Replicas: 4,1,1"),
            None,
            vec!["topics[0].placement.replicas[3]".into(), "names a broker twice".into()],
        ),
        (
            TOPICS.replace("Partition: 3", "Partition: 7"),
            None,
            vec![format!("line {p3}"), "numbered below 6".into(), "Partition: 7".into()],
        ),
        (
            TOPICS.replace("PartitionCount: 6", "PartitionCount: 8"),
            None,
            vec!["line 1".into(), "8 partition lines".into()],
        ),
        (
            TOPICS.replace("Leader: 4", "Leader: four"),
            None,
            vec![format!("line {p3}"), "a number after \"Leader:\"".into()],
        ),
        (
            TOPICS.replace("cleanup.policy=compact,", "cleanup.policy=shred,"),
            None,
            vec!["a valid value for config cleanup.policy".into()],
        ),
        (
            TOPICS.lines().skip(1).collect::<Vec<_>>().join("\n"),
            None,
            vec!["line 1".into(), "header line of topic \"orders\"".into()],
        ),
        (
            TOPICS.into(),
            Some("order-service orders 0 1 2 3\n"),
            vec!["line 1".into(), "header line \"GROUP TOPIC".into()],
        ),
        (TOPICS.into(), Some(&other_topic), vec!["line 5".into(), "\"payments\" is not there".into()]),
        (TOPICS.into(), Some(&short_row), vec!["line 5".into(), "9 columns".into()]),
        ("Topic: x\n".repeat(kafkaviz::share::import::MAX_PASTE_BYTES / 9 + 1), None, vec!["bytes; at most".into()]),
    ];
    for (topics, groups, needles) in cases {
        let message = match import_describe(&topics, groups) {
            Err(e) => e.to_string(),
            Ok(_) => panic!("should not import: {needles:?}"),
        };
        for needle in needles {
            assert!(message.contains(&needle), "{message:?} lacks {needle:?}");
        }
    }
    assert!(matches!(import_describe("", None), Err(ImportError::Empty)));
}
