//! Limits on every scenario field, checked when a scenario is loaded, so that no link or file can
//! freeze a tab or exhaust memory. Errors name the field (`topics[0].partitions`) and the rule broken.

use std::collections::BTreeSet;
use std::fmt;

use super::model::{
    AssignorSpec, GroupProtocolSpec, GroupSpec, KeyDistribution, KeySpec, Placement, ProducerSpec, SCENARIO_VERSION,
    Scenario, TimedCommand, TopicSpec,
};
use crate::engine::BrokerId;
use crate::engine::producer::config::delivery_timeout_problem;

/// The limits. Sized for the product's promise (a hundred brokers, thousands of partitions, a million
/// records a second) with headroom, and no further.
pub mod limits {
    pub const NAME_CHARS: usize = 120;
    pub const BROKERS: usize = 200;
    pub const BROKER_ID_MAX: i32 = 1_000_000;
    pub const TOPICS: usize = 100;
    pub const PARTITIONS_PER_TOPIC: u32 = 10_000;
    pub const PARTITIONS_TOTAL: u64 = 20_000;
    pub const REPLICATION_FACTOR: u16 = 7;
    pub const PRODUCERS: usize = 50;
    pub const RATE_PER_SEC: f64 = 2_000_000.0;
    pub const KEYS: u32 = 1_000_000;
    pub const GROUPS: usize = 100;
    pub const MEMBERS_PER_GROUP: usize = 100;
    pub const NETWORK_LATENCY_MS: u64 = 10_000;
    pub const TIMEOUT_MS: u64 = 3_600_000;
    pub const CONTROLLER_VOTERS: usize = 9;
    /// Longest time-valued topic config: a year of virtual time.
    pub const CONFIG_MS: u64 = 365 * 24 * 3_600_000;
    pub const SEGMENT_BYTES: u64 = 1 << 40;
    /// Recorded user actions: far more than a person clicks in a session, few enough to replay in a blink.
    pub const ACTIONS: usize = 10_000;
    /// Latest virtual time an action (or a shared moment) may name: a simulated week.
    pub const TIMELINE_MS: u64 = 7 * 24 * 3_600_000;
    /// `batch.size`: Kafka's default `max.request.size` (1 MiB); a larger batch could not be sent with it.
    pub const BATCH_SIZE: u32 = 1_048_576;
    /// `retries`: Kafka's own maximum, `Integer.MAX_VALUE`.
    pub const RETRIES: u32 = i32::MAX as u32;
    /// `max.in.flight.requests.per.connection`.
    pub const MAX_IN_FLIGHT: u32 = 100;
    /// Shares given in percent (hot key, tombstones).
    pub const PERCENT: u32 = 100;
    /// The broker's `group.min.session.timeout.ms` / `group.max.session.timeout.ms` defaults (classic protocol).
    pub const CLASSIC_SESSION_TIMEOUT_MS: (u64, u64) = (6_000, 1_800_000);
    /// `group.consumer.min.session.timeout.ms` / `group.consumer.max.session.timeout.ms` defaults (KIP-848).
    pub const CONSUMER_SESSION_TIMEOUT_MS: (u64, u64) = (45_000, 60_000);
    /// `group.consumer.min.heartbeat.interval.ms` / `group.consumer.max.heartbeat.interval.ms` defaults (KIP-848).
    pub const CONSUMER_HEARTBEAT_INTERVAL_MS: (u64, u64) = (5_000, 15_000);
    /// `max.poll.interval.ms` is an int (`atLeast(1)`); capped here like every other timeout.
    pub const MAX_POLL_INTERVAL_MS: u64 = TIMEOUT_MS;
}

/// Kafka's message for `Errors.INVALID_SESSION_TIMEOUT`.
pub const INVALID_SESSION_TIMEOUT: &str = "The session timeout is not within the range allowed by the broker \
     (as configured by group.min.session.timeout.ms and group.max.session.timeout.ms).";

/// What is wrong with a scenario, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// Path of the offending field, e.g. `topics[0].partitions`.
    pub field: String,
    pub problem: String,
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.problem)
    }
}

impl std::error::Error for ScenarioError {}

/// A scenario that passed `validate`; only these reach the engine.
#[derive(Clone, Debug, PartialEq)]
pub struct ValidScenario(Scenario);

impl ValidScenario {
    pub fn get(&self) -> &Scenario {
        &self.0
    }

    /// Keep the first `keep` recorded actions and append `action` (a live session recording what the user
    /// did). Only the new action can break a limit, so only it is checked, not the whole scenario again.
    pub fn record_action(&mut self, keep: usize, action: TimedCommand) -> Result<(), ScenarioError> {
        let keep = keep.min(self.0.actions.len());
        check_count("actions".into(), keep + 1, 0, limits::ACTIONS)?;
        let previous = keep.checked_sub(1).map_or(0, |last| self.0.actions[last].at_ms);
        check_action(keep, action.at_ms, previous)?;
        self.0.actions.truncate(keep);
        self.0.actions.push(action);
        Ok(())
    }
}

fn err(field: impl Into<String>, problem: impl Into<String>) -> ScenarioError {
    ScenarioError { field: field.into(), problem: problem.into() }
}

fn check_name(field: String, name: &str) -> Result<(), ScenarioError> {
    if name.is_empty() {
        return Err(err(field, "must not be empty"));
    }
    let chars = name.chars().count();
    if chars > limits::NAME_CHARS {
        return Err(err(field, format!("{chars} characters exceeds the limit of {}", limits::NAME_CHARS)));
    }
    Ok(())
}

/// Kafka's own rule for topic names (`Topic.validate`): ASCII alphanumerics, '.', '_' and '-', at most 249.
fn check_topic_name(field: String, name: &str) -> Result<(), ScenarioError> {
    check_name(field.clone(), name)?;
    if name == "." || name == ".." {
        return Err(err(field, "topic name cannot be \".\" or \"..\""));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))) {
        return Err(err(
            field,
            format!(
                "topic name \"{name}\" is illegal, it contains '{bad}'; only ASCII alphanumerics, '.', '_' and '-' are allowed"
            ),
        ));
    }
    Ok(())
}

fn check_count(field: String, count: usize, min: usize, max: usize) -> Result<(), ScenarioError> {
    if count < min {
        return Err(err(field, format!("needs at least {min}, has {count}")));
    }
    if count > max {
        return Err(err(field, format!("{count} exceeds the limit of {max}")));
    }
    Ok(())
}

fn check_range_u64(field: String, value: u64, min: u64, max: u64) -> Result<(), ScenarioError> {
    if value < min || value > max {
        return Err(err(field, format!("{value} is outside {min}..={max}")));
    }
    Ok(())
}

/// A Kafka config bound, with Kafka's own `ConfigDef` wording.
fn check_config_at_least(field: String, name: &str, value: i64, min: i64) -> Result<(), ScenarioError> {
    if value < min {
        return Err(err(
            field,
            format!("Invalid value {value} for configuration {name}: Value must be at least {min}"),
        ));
    }
    Ok(())
}

fn check_rate(field: String, rate: f64) -> Result<(), ScenarioError> {
    if !(0.0..=limits::RATE_PER_SEC).contains(&rate) {
        return Err(err(field, format!("{rate} is not a rate within 0..={}", limits::RATE_PER_SEC)));
    }
    Ok(())
}

fn check_unique<'a>(field: &str, names: impl Iterator<Item = &'a str>) -> Result<(), ScenarioError> {
    let mut seen = BTreeSet::new();
    for (i, name) in names.enumerate() {
        if !seen.insert(name) {
            return Err(err(format!("{field}[{i}]"), format!("duplicate name \"{name}\"")));
        }
    }
    Ok(())
}

/// Check every field against its limit and every cross-reference (topics named by clients exist,
/// replica lists name real brokers, …).
pub fn validate(scenario: Scenario) -> Result<ValidScenario, ScenarioError> {
    let s = &scenario;
    if s.version == 0 || s.version > SCENARIO_VERSION {
        return Err(err(
            "version",
            format!("version {} is not supported (this kafkaviz reads versions 1..={SCENARIO_VERSION})", s.version),
        ));
    }
    check_name("name".into(), &s.name)?;
    validate_cluster(s)?;
    validate_topics(s)?;
    validate_producers(s)?;
    validate_groups(s)?;
    validate_actions(s)?;
    Ok(ValidScenario(scenario))
}

fn validate_cluster(s: &Scenario) -> Result<(), ScenarioError> {
    let c = &s.cluster;
    check_count("cluster.brokers".into(), c.brokers.len(), 1, limits::BROKERS)?;
    let mut ids = BTreeSet::new();
    for (i, b) in c.brokers.iter().enumerate() {
        if b.id < 0 || b.id > limits::BROKER_ID_MAX {
            return Err(err(
                format!("cluster.brokers[{i}].id"),
                format!("{} is outside 0..={}", b.id, limits::BROKER_ID_MAX),
            ));
        }
        if !ids.insert(b.id) {
            return Err(err(format!("cluster.brokers[{i}].id"), format!("duplicate broker id {}", b.id)));
        }
        if let Some(rack) = &b.rack {
            check_name(format!("cluster.brokers[{i}].rack"), rack)?;
        }
    }
    check_range_u64("cluster.network_latency_ms".into(), c.network_latency_ms, 0, limits::NETWORK_LATENCY_MS)?;
    check_range_u64("cluster.replica_lag_time_max_ms".into(), c.replica_lag_time_max_ms, 1, limits::TIMEOUT_MS)?;
    check_range_u64("cluster.replica_fetch_wait_max_ms".into(), c.replica_fetch_wait_max_ms, 1, limits::TIMEOUT_MS)?;
    check_range_u64(
        "cluster.broker_heartbeat_interval_ms".into(),
        c.broker_heartbeat_interval_ms,
        1,
        limits::TIMEOUT_MS,
    )?;
    check_range_u64(
        "cluster.broker_session_timeout_ms".into(),
        c.broker_session_timeout_ms,
        c.broker_heartbeat_interval_ms,
        limits::TIMEOUT_MS,
    )?;
    check_range_u64(
        "cluster.log_retention_check_interval_ms".into(),
        c.log_retention_check_interval_ms,
        1,
        limits::TIMEOUT_MS,
    )?;
    check_range_u64("cluster.log_cleaner_backoff_ms".into(), c.log_cleaner_backoff_ms, 1, limits::TIMEOUT_MS)?;
    check_range_u64(
        "cluster.leader_imbalance_check_interval_seconds".into(),
        c.leader_imbalance_check_interval_seconds,
        1,
        limits::TIMEOUT_MS / 1_000,
    )?;
    if let Some(voters) = &c.controller_quorum_voters {
        check_count("cluster.controller_quorum_voters".into(), voters.len(), 1, limits::CONTROLLER_VOTERS)?;
        let distinct: BTreeSet<_> = voters.iter().collect();
        if distinct.len() != voters.len() {
            return Err(err("cluster.controller_quorum_voters", "names a broker twice"));
        }
        if let Some(unknown) = voters.iter().find(|v| !ids.contains(v)) {
            return Err(err("cluster.controller_quorum_voters", format!("broker {unknown} is not in the cluster")));
        }
    }
    Ok(())
}

fn validate_topics(s: &Scenario) -> Result<(), ScenarioError> {
    check_count("topics".into(), s.topics.len(), 0, limits::TOPICS)?;
    check_unique("topics", s.topics.iter().map(|t| t.name.as_str()))?;
    let brokers: BTreeSet<_> = s.cluster.brokers.iter().map(|b| b.id).collect();
    let mut total: u64 = 0;
    for (i, t) in s.topics.iter().enumerate() {
        total += u64::from(t.partitions);
        validate_topic(&format!("topics[{i}]"), t, &brokers)?;
    }
    if total > limits::PARTITIONS_TOTAL {
        return Err(err(
            "topics",
            format!("{total} partitions in all exceeds the limit of {}", limits::PARTITIONS_TOTAL),
        ));
    }
    Ok(())
}

/// One topic on its own: name, counts, placement and configs. `path` names it in errors (`topics[2]`);
/// also used when a topic is created or reconfigured on a running cluster.
pub fn validate_topic(path: &str, t: &TopicSpec, brokers: &BTreeSet<BrokerId>) -> Result<(), ScenarioError> {
    let at = |f: &str| format!("{path}.{f}");
    check_topic_name(at("name"), &t.name)?;
    check_range_u64(at("partitions"), t.partitions.into(), 1, limits::PARTITIONS_PER_TOPIC.into())?;
    if t.replication_factor == 0 || t.replication_factor > limits::REPLICATION_FACTOR {
        return Err(err(
            at("replication_factor"),
            format!("{} is outside 1..={}", t.replication_factor, limits::REPLICATION_FACTOR),
        ));
    }
    if usize::from(t.replication_factor) > brokers.len() {
        // Kafka's own message (StripedReplicaPlacer / InvalidReplicationFactorException).
        return Err(err(
            at("replication_factor"),
            format!(
                "The target replication factor of {} cannot be reached because only {} broker(s) are registered.",
                t.replication_factor,
                brokers.len()
            ),
        ));
    }
    if t.min_insync_replicas == 0 || t.min_insync_replicas > limits::REPLICATION_FACTOR {
        return Err(err(
            at("min_insync_replicas"),
            format!("{} is outside 1..={}", t.min_insync_replicas, limits::REPLICATION_FACTOR),
        ));
    }
    validate_placement(&at("placement"), t.partitions, t.replication_factor, &t.placement, brokers)?;
    validate_topic_configs(&at, t)?;
    Ok(())
}

/// Topic configs, bounded as Kafka 4.0's `LogConfig` bounds them, and by the simulator's limits.
fn validate_topic_configs(at: &dyn Fn(&str) -> String, t: &super::model::TopicSpec) -> Result<(), ScenarioError> {
    let max = limits::CONFIG_MS as i64;
    check_config_at_least(at("retention_ms"), "retention.ms", t.retention_ms, -1)?;
    check_config_at_least(at("retention_bytes"), "retention.bytes", t.retention_bytes, -1)?;
    check_config_at_least(
        at("segment_bytes"),
        "segment.bytes",
        t.segment_bytes.min(i64::MAX as u64) as i64,
        1_048_576,
    )?;
    check_config_at_least(at("segment_ms"), "segment.ms", t.segment_ms.min(i64::MAX as u64) as i64, 1)?;
    check_range_u64(at("retention_ms"), t.retention_ms.max(0) as u64, 0, max as u64)?;
    check_range_u64(at("segment_ms"), t.segment_ms, 1, max as u64)?;
    check_range_u64(at("segment_bytes"), t.segment_bytes, 1_048_576, limits::SEGMENT_BYTES)?;
    check_range_u64(at("delete_retention_ms"), t.delete_retention_ms, 0, max as u64)?;
    check_range_u64(at("min_compaction_lag_ms"), t.min_compaction_lag_ms, 0, max as u64)?;
    if !(0.0..=1.0).contains(&t.min_cleanable_dirty_ratio) {
        return Err(err(
            at("min_cleanable_dirty_ratio"),
            format!(
                "Invalid value {} for configuration min.cleanable.dirty.ratio: Value must be between 0 and 1",
                t.min_cleanable_dirty_ratio
            ),
        ));
    }
    Ok(())
}

fn validate_placement(
    field: &str,
    partitions: u32,
    replication_factor: u16,
    placement: &Placement,
    brokers: &BTreeSet<i32>,
) -> Result<(), ScenarioError> {
    match placement {
        Placement::Striped => Ok(()),
        Placement::StripedFrom { start } => {
            check_range_u64(format!("{field}.start"), (*start).into(), 0, limits::BROKERS as u64)
        }
        Placement::Manual { replicas } => {
            if replicas.len() != partitions as usize {
                return Err(err(
                    format!("{field}.replicas"),
                    format!("has {} replica lists for {partitions} partitions", replicas.len()),
                ));
            }
            for (p, list) in replicas.iter().enumerate() {
                let here = format!("{field}.replicas[{p}]");
                if list.len() != usize::from(replication_factor) {
                    return Err(err(
                        here,
                        format!("lists {} replicas, the replication factor is {replication_factor}", list.len()),
                    ));
                }
                let distinct: BTreeSet<_> = list.iter().collect();
                if distinct.len() != list.len() {
                    return Err(err(here, "names a broker twice"));
                }
                if let Some(unknown) = list.iter().find(|b| !brokers.contains(b)) {
                    return Err(err(here, format!("broker {unknown} is not in the cluster")));
                }
            }
            Ok(())
        }
    }
}

fn validate_producers(s: &Scenario) -> Result<(), ScenarioError> {
    check_count("producers".into(), s.producers.len(), 0, limits::PRODUCERS)?;
    check_unique("producers", s.producers.iter().map(|p| p.name.as_str()))?;
    for (i, p) in s.producers.iter().enumerate() {
        validate_producer(&format!("producers[{i}]"), p, |t| s.topics.iter().any(|topic| topic.name == t))?;
    }
    Ok(())
}

/// One producer on its own; `topic_exists` says whether its topic is there. `path` names it in errors.
/// Also used when a producer is added to a running cluster.
pub fn validate_producer(
    path: &str,
    p: &ProducerSpec,
    topic_exists: impl Fn(&str) -> bool,
) -> Result<(), ScenarioError> {
    let at = |f: &str| format!("{path}.{f}");
    check_name(at("name"), &p.name)?;
    if !topic_exists(&p.topic) {
        return Err(err(at("topic"), format!("topic \"{}\" is not defined in this scenario", p.topic)));
    }
    check_rate(at("rate_per_sec"), p.rate_per_sec)?;
    check_key_spec(&at("keys"), &p.keys)?;
    check_producer_config(path, p)
}

/// The limits of a key distribution. `field` is the path of the `keys` object. Also used to refuse a
/// command that changes a running producer's keys.
pub fn check_key_spec(field: &str, keys: &KeySpec) -> Result<(), ScenarioError> {
    let at = |f: &str| format!("{field}.{f}");
    if keys.distribution == KeyDistribution::None {
        return Ok(()); // null keys: prefix, numbers and share are not used
    }
    check_name(at("prefix"), &keys.prefix)?;
    check_range_u64(at("count"), keys.count.into(), 1, limits::KEYS.into())?;
    check_range_u64(at("first"), keys.first, 0, u64::from(u32::MAX))?;
    if keys.distribution == KeyDistribution::Hot {
        check_range_u64(at("hot_share_percent"), keys.hot_share_percent.into(), 0, limits::PERCENT.into())?;
    }
    Ok(())
}

/// A Kafka config bounded below by `ConfigDef.Range.atLeast(min)`: below it, Kafka's own
/// `ConfigException` message; above our `max`, ours.
fn check_kafka_at_least(field: String, config: &str, value: u64, min: u64, max: u64) -> Result<(), ScenarioError> {
    if value < min {
        return Err(err(
            field,
            format!("Invalid value {value} for configuration {config}: Value must be at least {min}"),
        ));
    }
    check_range_u64(field, value, min, max)
}

/// The producer's tuning configs (`ProducerConfig`), each within its limit, and `KafkaProducer`'s
/// cross-check of `delivery.timeout.ms` against `linger.ms + request.timeout.ms`. `field` is the
/// producer's path (`producers[0]`).
pub fn check_producer_config(field: &str, p: &ProducerSpec) -> Result<(), ScenarioError> {
    let at = |f: &str| format!("{field}.{f}");
    check_kafka_at_least(at("batch_size"), "batch.size", p.batch_size.into(), 0, limits::BATCH_SIZE.into())?;
    check_kafka_at_least(at("linger_ms"), "linger.ms", p.linger_ms, 0, limits::TIMEOUT_MS)?;
    check_kafka_at_least(at("retries"), "retries", p.retries.into(), 0, limits::RETRIES.into())?;
    check_kafka_at_least(at("retry_backoff_ms"), "retry.backoff.ms", p.retry_backoff_ms, 0, limits::TIMEOUT_MS)?;
    check_kafka_at_least(at("request_timeout_ms"), "request.timeout.ms", p.request_timeout_ms, 0, limits::TIMEOUT_MS)?;
    check_kafka_at_least(
        at("delivery_timeout_ms"),
        "delivery.timeout.ms",
        p.delivery_timeout_ms,
        0,
        limits::TIMEOUT_MS,
    )?;
    check_kafka_at_least(
        at("max_in_flight_requests_per_connection"),
        "max.in.flight.requests.per.connection",
        p.max_in_flight_requests_per_connection.into(),
        1,
        limits::MAX_IN_FLIGHT.into(),
    )?;
    check_range_u64(at("tombstone_share_percent"), p.tombstone_share_percent.into(), 0, limits::PERCENT.into())?;
    if let Some(problem) = delivery_timeout_problem(p.delivery_timeout_ms, p.linger_ms, p.request_timeout_ms) {
        return Err(err(at("delivery_timeout_ms"), problem));
    }
    Ok(())
}

fn validate_groups(s: &Scenario) -> Result<(), ScenarioError> {
    check_count("groups".into(), s.groups.len(), 0, limits::GROUPS)?;
    check_unique("groups", s.groups.iter().map(|g| g.name.as_str()))?;
    for (i, g) in s.groups.iter().enumerate() {
        validate_group(&format!("groups[{i}]"), g, |t| s.topics.iter().any(|topic| topic.name == t))?;
    }
    Ok(())
}

/// One consumer group on its own; `topic_exists` says whether a subscribed topic is there. `path` names it
/// in errors. Also used when a group is added to a running cluster.
pub fn validate_group(path: &str, g: &GroupSpec, topic_exists: impl Fn(&str) -> bool) -> Result<(), ScenarioError> {
    let at = |f: &str| format!("{path}.{f}");
    check_name(at("name"), &g.name)?;
    check_count(at("topics"), g.topics.len(), 1, limits::TOPICS)?;
    for (j, topic) in g.topics.iter().enumerate() {
        if !topic_exists(topic) {
            return Err(err(
                format!("{path}.topics[{j}]"),
                format!("topic \"{topic}\" is not defined in this scenario"),
            ));
        }
    }

    check_count(at("members"), g.members.len(), 0, limits::MEMBERS_PER_GROUP)?;
    check_unique(&at("members"), g.members.iter().map(|m| m.client_id.as_str()))?;
    check_unique(&at("members"), g.members.iter().filter_map(|m| m.instance_id.as_deref()))?;
    for (j, m) in g.members.iter().enumerate() {
        check_name(format!("{path}.members[{j}].client_id"), &m.client_id)?;
        if let Some(instance) = &m.instance_id {
            check_name(format!("{path}.members[{j}].instance_id"), instance)?;
        }
    }
    check_rate(at("records_per_sec"), g.records_per_sec)?;
    check_range_u64(at("auto_commit_interval_ms"), g.auto_commit_interval_ms, 1, limits::TIMEOUT_MS)?;
    validate_group_protocol(&at, g)
}

/// The group protocol settings: which assignors each protocol accepts, the broker's session timeout
/// range (`INVALID_SESSION_TIMEOUT`), the client's heartbeat rule, and `max.poll.interval.ms`.
/// Also checks a running group's config change (`GroupCommand::ChangeConfig`), with `at` naming fields.
pub fn validate_group_protocol(at: &dyn Fn(&str) -> String, g: &GroupSpec) -> Result<(), ScenarioError> {
    check_range_u64(at("max_poll_interval_ms"), g.max_poll_interval_ms, 1, limits::MAX_POLL_INTERVAL_MS)?;
    // Both heartbeat settings are bounded whichever protocol reads them; the protocol's own rule follows.
    check_range_u64(at("heartbeat_interval_ms"), g.heartbeat_interval_ms, 1, limits::TIMEOUT_MS)?;
    check_range_u64(at("consumer_heartbeat_interval_ms"), g.consumer_heartbeat_interval_ms, 1, limits::TIMEOUT_MS)?;
    check_range_u64(at("session_timeout_ms"), g.session_timeout_ms, 1, limits::TIMEOUT_MS)?;
    match g.protocol {
        GroupProtocolSpec::Classic => {
            if g.assignor == Some(AssignorSpec::Uniform) {
                return Err(err(
                    at("assignor"),
                    "uniform is a server-side assignor: it needs protocol \"consumer\" (group.protocol=consumer)",
                ));
            }
            let (min, max) = limits::CLASSIC_SESSION_TIMEOUT_MS;
            if !(min..=max).contains(&g.session_timeout_ms) {
                return Err(err(at("session_timeout_ms"), INVALID_SESSION_TIMEOUT));
            }
            if g.heartbeat_interval_ms >= g.session_timeout_ms {
                // Kafka's `Heartbeat` constructor (clients/…/consumer/internals/Heartbeat.java).
                return Err(err(at("heartbeat_interval_ms"), "Heartbeat must be set lower than the session timeout"));
            }
        }
        GroupProtocolSpec::Consumer => {
            if let Some(client_side) = g.assignor.filter(|a| !matches!(a, AssignorSpec::Range | AssignorSpec::Uniform))
            {
                // GroupMetadataManager.throwIfConsumerGroupHeartbeatRequestIsInvalid → UnsupportedAssignorException.
                return Err(err(
                    at("assignor"),
                    format!(
                        "ServerAssignor {} is not supported. Supported assignors: uniform, range.",
                        client_side.name()
                    ),
                ));
            }
            let (min, max) = limits::CONSUMER_SESSION_TIMEOUT_MS;
            if !(min..=max).contains(&g.session_timeout_ms) {
                return Err(err(
                    at("session_timeout_ms"),
                    format!("group.consumer.session.timeout.ms must be within [{min}, {max}]"),
                ));
            }
            let (min, max) = limits::CONSUMER_HEARTBEAT_INTERVAL_MS;
            if !(min..=max).contains(&g.consumer_heartbeat_interval_ms) {
                return Err(err(
                    at("consumer_heartbeat_interval_ms"),
                    format!("group.consumer.heartbeat.interval.ms must be within [{min}, {max}]"),
                ));
            }
        }
    }
    Ok(())
}

/// Actions must be in time order (replay applies them in sequence) and within the timeline. Whether each one
/// makes sense (a broker that exists, a group that is there) is the engine's call at replay, as it was live.
fn validate_actions(s: &Scenario) -> Result<(), ScenarioError> {
    check_count("actions".into(), s.actions.len(), 0, limits::ACTIONS)?;
    let mut previous = 0;
    for (i, action) in s.actions.iter().enumerate() {
        check_action(i, action.at_ms, previous)?;
        previous = action.at_ms;
    }
    Ok(())
}

/// Action number `i` at `at_ms`, after one at `previous`: within the timeline and in time order.
fn check_action(i: usize, at_ms: u64, previous: u64) -> Result<(), ScenarioError> {
    let field = format!("actions[{i}].at_ms");
    check_range_u64(field.clone(), at_ms, 0, limits::TIMELINE_MS)?;
    if at_ms < previous {
        return Err(err(field, format!("{at_ms} is earlier than the action before it ({previous})")));
    }
    Ok(())
}
