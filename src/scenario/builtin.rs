//! Built-in scenarios.

use super::model::*;

/// The seed's diagram (seed §4), live: a producer, three brokers each leading one partition of `orders`
/// (RF 3, min.insync.replicas 2), and the `order-service` group whose three members each pull one partition.
/// Rates are slow so a person can follow records with their eyes.
pub fn default_scenario() -> Scenario {
    Scenario {
        version: SCENARIO_VERSION,
        name: "The seed's diagram".into(),
        seed: 1,
        cluster: ClusterSpec {
            brokers: (1..=3).map(|id| BrokerSpec { id, rack: None }).collect(),
            network_latency_ms: defaults::network_latency_ms(),
            replica_lag_time_max_ms: defaults::replica_lag_time_max_ms(),
            replica_fetch_wait_max_ms: defaults::replica_fetch_wait_max_ms(),
            broker_session_timeout_ms: defaults::broker_session_timeout_ms(),
            broker_heartbeat_interval_ms: defaults::broker_heartbeat_interval_ms(),
            controller_quorum_voters: None,
            auto_leader_rebalance_enable: defaults::auto_leader_rebalance_enable(),
            leader_imbalance_check_interval_seconds: defaults::leader_imbalance_check_interval_seconds(),
            log_retention_check_interval_ms: defaults::log_retention_check_interval_ms(),
            log_cleaner_backoff_ms: defaults::log_cleaner_backoff_ms(),
        },
        topics: vec![TopicSpec {
            name: "orders".into(),
            partitions: 3,
            replication_factor: 3,
            min_insync_replicas: 2,
            // Start 0 over brokers [1,2,3] puts the leaders of partitions 0,1,2 on brokers 1,2,3, as in the seed.
            placement: Placement::StripedFrom { start: 0 },
            unclean_leader_election_enable: false,
            retention_ms: defaults::retention_ms(),
            retention_bytes: defaults::retention_bytes(),
            segment_bytes: defaults::segment_bytes(),
            segment_ms: defaults::segment_ms(),
            cleanup_policy: CleanupPolicySpec::Delete,
            min_cleanable_dirty_ratio: defaults::min_cleanable_dirty_ratio(),
            delete_retention_ms: defaults::delete_retention_ms(),
            min_compaction_lag_ms: 0,
        }],
        producers: vec![ProducerSpec {
            acks: AcksSpec::All,
            ..ProducerSpec::new("Producer App", "orders", 3.0, KeySpec::uniform("order-", 101, 1000))
        }],
        groups: vec![GroupSpec {
            name: "order-service".into(),
            topics: vec!["orders".into()],
            members: (1..=3)
                .map(|n| MemberSpec { client_id: format!("order-service-{n}"), instance_id: None })
                .collect(),
            records_per_sec: 2.0,
            // Commit every second rather than Kafka's 5 s default so lag (HW − committed) tracks what the eye sees.
            auto_commit_interval_ms: 1_000,
            protocol: GroupProtocolSpec::Classic,
            assignor: None,
            session_timeout_ms: defaults::session_timeout_ms(),
            heartbeat_interval_ms: defaults::heartbeat_interval_ms(),
            consumer_heartbeat_interval_ms: defaults::consumer_heartbeat_interval_ms(),
            max_poll_interval_ms: defaults::max_poll_interval_ms(),
            auto_offset_reset: AutoOffsetResetSpec::Latest,
        }],
        actions: Vec::new(),
    }
}
