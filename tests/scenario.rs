//! Scenario validation: the built-in scenario is valid, and each limit refuses with a specific message.

use kafkaviz::scenario::{Placement, Scenario, default_scenario, limits, validate};

/// A change to the default scenario that breaks one rule.
type Mutation = Box<dyn Fn(&mut Scenario)>;

#[test]
fn default_scenario_is_valid() {
    assert!(validate(default_scenario()).is_ok());
}

#[test]
fn limits_name_the_field_and_the_rule() {
    let cases: Vec<(Mutation, &str, &str)> = vec![
        (Box::new(|s| s.version = 99), "version", "not supported"),
        (Box::new(|s| s.topics[0].partitions = limits::PARTITIONS_PER_TOPIC + 1), "topics[0].partitions", "outside"),
        (Box::new(|s| s.topics[0].partitions = 0), "topics[0].partitions", "outside"),
        (
            Box::new(|s| s.topics[0].replication_factor = 4),
            "topics[0].replication_factor",
            "cannot be reached because only 3 broker(s) are registered",
        ),
        (Box::new(|s| s.topics[0].name = "or/ders".into()), "topics[0].name", "contains '/'"),
        (Box::new(|s| s.producers[0].rate_per_sec = f64::NAN), "producers[0].rate_per_sec", "not a rate"),
        (Box::new(|s| s.producers[0].rate_per_sec = 1e12), "producers[0].rate_per_sec", "not a rate"),
        (Box::new(|s| s.producers[0].topic = "missing".into()), "producers[0].topic", "not defined"),
        (
            Box::new(|s| s.groups[0].members[1].client_id = "order-service-1".into()),
            "groups[0].members[1]",
            "duplicate",
        ),
        (Box::new(|s| s.cluster.brokers[1].id = 1), "cluster.brokers[1].id", "duplicate broker id 1"),
        (Box::new(|s| s.cluster.brokers.clear()), "cluster.brokers", "at least 1"),
        (
            Box::new(|s| {
                s.topics[0].placement =
                    Placement::Manual { replicas: vec![vec![1, 2, 9], vec![2, 3, 1], vec![3, 1, 2]] }
            }),
            "topics[0].placement.replicas[0]",
            "broker 9 is not in the cluster",
        ),
        (Box::new(|s| s.name = "x".repeat(limits::NAME_CHARS + 1)), "name", "exceeds the limit"),
    ];
    for (mutate, field, message) in cases {
        let mut scenario = default_scenario();
        mutate(&mut scenario);
        let error = validate(scenario).expect_err(field);
        assert_eq!(error.field, field, "{error}");
        assert!(error.problem.contains(message), "{field}: expected '{message}' in '{}'", error.problem);
    }
}
