//! Topic configs by their Kafka names (`retention.ms`, `cleanup.policy`, …) as `kafka-configs.sh --alter`
//! takes them: text in, parsed as Kafka's `ConfigDef` parses it, with Kafka's messages on bad input.
//! The UI's topic panel and the engine's config-change command both go through here.

use super::model::{CleanupPolicySpec, TopicSpec};

/// The dynamic topic configs kafkaviz simulates, in the order panels list them.
pub const TOPIC_CONFIGS: &[&str] = &[
    "min.insync.replicas",
    "unclean.leader.election.enable",
    "retention.ms",
    "retention.bytes",
    "segment.bytes",
    "segment.ms",
    "cleanup.policy",
    "min.cleanable.dirty.ratio",
    "delete.retention.ms",
    "min.compaction.lag.ms",
];

/// The current value of a topic config, as `kafka-configs.sh --describe` prints it.
pub fn topic_config_value(spec: &TopicSpec, name: &str) -> Option<String> {
    Some(match name {
        "min.insync.replicas" => spec.min_insync_replicas.to_string(),
        "unclean.leader.election.enable" => spec.unclean_leader_election_enable.to_string(),
        "retention.ms" => spec.retention_ms.to_string(),
        "retention.bytes" => spec.retention_bytes.to_string(),
        "segment.bytes" => spec.segment_bytes.to_string(),
        "segment.ms" => spec.segment_ms.to_string(),
        "cleanup.policy" => cleanup_policy_name(spec.cleanup_policy).to_string(),
        "min.cleanable.dirty.ratio" => spec.min_cleanable_dirty_ratio.to_string(),
        "delete.retention.ms" => spec.delete_retention_ms.to_string(),
        "min.compaction.lag.ms" => spec.min_compaction_lag_ms.to_string(),
        _ => return None,
    })
}

pub fn cleanup_policy_name(policy: CleanupPolicySpec) -> &'static str {
    match policy {
        CleanupPolicySpec::Delete => "delete",
        CleanupPolicySpec::Compact => "compact",
        CleanupPolicySpec::CompactDelete => "compact,delete",
    }
}

/// Set one config from its text form. Only the parse is checked here; ranges are `validate_topic`'s job,
/// so a caller validates the changed spec before using it.
pub fn set_topic_config(spec: &mut TopicSpec, name: &str, value: &str) -> Result<(), String> {
    let value = value.trim();
    match name {
        "min.insync.replicas" => spec.min_insync_replicas = parse_int(name, value)?,
        "unclean.leader.election.enable" => spec.unclean_leader_election_enable = parse_bool(name, value)?,
        "retention.ms" => spec.retention_ms = parse_long(name, value)?,
        "retention.bytes" => spec.retention_bytes = parse_long(name, value)?,
        "segment.bytes" => spec.segment_bytes = non_negative(name, value, parse_int::<i32>(name, value)?.into())?,
        "segment.ms" => spec.segment_ms = non_negative(name, value, parse_long(name, value)?)?,
        "cleanup.policy" => spec.cleanup_policy = parse_cleanup_policy(value)?,
        "min.cleanable.dirty.ratio" => spec.min_cleanable_dirty_ratio = parse_double(name, value)?,
        "delete.retention.ms" => spec.delete_retention_ms = non_negative(name, value, parse_long(name, value)?)?,
        "min.compaction.lag.ms" => spec.min_compaction_lag_ms = non_negative(name, value, parse_long(name, value)?)?,
        _ => return Err(format!("Unknown topic config name: {name}")),
    }
    Ok(())
}

fn invalid(name: &str, value: &str, why: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {why}")
}

fn parse_long(name: &str, value: &str) -> Result<i64, String> {
    value.parse().map_err(|_| invalid(name, value, "Not a number of type LONG"))
}

fn parse_int<T: std::str::FromStr>(name: &str, value: &str) -> Result<T, String> {
    value.parse().map_err(|_| invalid(name, value, "Not a number of type INT"))
}

fn parse_double(name: &str, value: &str) -> Result<f64, String> {
    value
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| invalid(name, value, "Not a number of type DOUBLE"))
}

fn parse_bool(name: &str, value: &str) -> Result<bool, String> {
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(invalid(name, value, "Expected value to be either true or false")),
    }
}

/// Kafka's `Range.atLeast(0)` for the configs that have it.
fn non_negative(name: &str, value: &str, parsed: i64) -> Result<u64, String> {
    u64::try_from(parsed).map_err(|_| invalid(name, value, "Value must be at least 0"))
}

/// `cleanup.policy` is a list of `compact` and `delete` (`ValidList.in`), in any order.
fn parse_cleanup_policy(value: &str) -> Result<CleanupPolicySpec, String> {
    let mut compact = false;
    let mut delete = false;
    for item in value.split(',').map(str::trim) {
        match item {
            "compact" => compact = true,
            "delete" => delete = true,
            _ => return Err(invalid("cleanup.policy", value, "String must be one of: compact, delete")),
        }
    }
    Ok(match (compact, delete) {
        (true, true) => CleanupPolicySpec::CompactDelete,
        (true, false) => CleanupPolicySpec::Compact,
        _ => CleanupPolicySpec::Delete,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::default_scenario;

    #[test]
    fn every_listed_config_round_trips_through_its_text_form() {
        let mut spec = default_scenario().topics[0].clone();
        for name in TOPIC_CONFIGS {
            let value = topic_config_value(&spec, name).expect("listed configs have values");
            set_topic_config(&mut spec, name, &value).expect("a described value parses back");
            assert_eq!(topic_config_value(&spec, name).as_deref(), Some(value.as_str()), "{name}");
        }
    }

    #[test]
    fn values_parse_as_kafka_parses_them() {
        let mut spec = default_scenario().topics[0].clone();
        set_topic_config(&mut spec, "retention.ms", "-1").unwrap();
        assert_eq!(spec.retention_ms, -1);
        set_topic_config(&mut spec, "cleanup.policy", "delete, compact").unwrap();
        assert_eq!(spec.cleanup_policy, CleanupPolicySpec::CompactDelete);
        set_topic_config(&mut spec, "unclean.leader.election.enable", "TRUE").unwrap();
        assert!(spec.unclean_leader_election_enable);
    }

    #[test]
    fn bad_values_get_kafkas_messages() {
        let mut spec = default_scenario().topics[0].clone();
        let cases = [
            (
                "retention.ms",
                "a week",
                "Invalid value a week for configuration retention.ms: Not a number of type LONG",
            ),
            (
                "min.insync.replicas",
                "2.5",
                "Invalid value 2.5 for configuration min.insync.replicas: Not a number of type INT",
            ),
            (
                "cleanup.policy",
                "forever",
                "Invalid value forever for configuration cleanup.policy: String must be one of: compact, delete",
            ),
            (
                "unclean.leader.election.enable",
                "yes",
                "Invalid value yes for configuration unclean.leader.election.enable: Expected value to be either true or false",
            ),
            ("segment.ms", "-5", "Invalid value -5 for configuration segment.ms: Value must be at least 0"),
            ("retention.hours", "1", "Unknown topic config name: retention.hours"),
        ];
        for (name, value, message) in cases {
            assert_eq!(set_topic_config(&mut spec, name, value), Err(message.to_string()), "{name}={value}");
        }
        assert_eq!(spec, default_scenario().topics[0], "a refused value changes nothing");
    }
}
