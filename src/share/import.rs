//! Import a real cluster's shape: the text `kafka-topics.sh --describe` prints (and, optionally, what
//! `kafka-consumer-groups.sh --describe` prints), pasted as is.
//!
//! `kafka-topics.sh --describe` prints, per topic, a header line
//! `Topic: <name>  TopicId: <id>  PartitionCount: <n>  ReplicationFactor: <rf>  Configs: <k=v,…>` and one line per
//! partition `Topic: <name>  Partition: <p>  Leader: <id|none>  Replicas: <ids>  Isr: <ids>` (3.7+ adds
//! `Elr:` and `LastKnownElr:`; a reassignment adds `Adding Replicas:` / `Removing Replicas:`). Fields are tab-separated,
//! but pasting often turns tabs into spaces, so fields are found by their `Key:` names instead.
//!
//! Simplification: the simulation starts every imported partition from an empty log with its first replica as
//! leader and every replica in sync. A leader other than the preferred replica, a shrunk ISR, and a group's
//! committed offsets and lag are therefore reported as notes rather than reproduced.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::engine::BrokerId;
use crate::scenario::{
    BrokerSpec, CleanupPolicySpec, GroupSpec, MemberSpec, Placement, SCENARIO_VERSION, Scenario, ScenarioError,
    TopicSpec, ValidScenario, default_scenario, validate,
};

/// Largest pasted text read (bytes): a describe of the largest valid cluster is well under this.
pub const MAX_PASTE_BYTES: usize = 4 << 20;

/// What the import built, and what it could not carry over.
#[derive(Clone, Debug, PartialEq)]
pub struct Imported {
    pub scenario: ValidScenario,
    /// Facts from the paste the simulation does not reproduce (see the module's simplification).
    pub notes: Vec<String>,
}

/// Why a paste cannot be imported: the line (1-based), what was expected there, and what was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImportError {
    TooLarge { bytes: usize },
    Empty,
    Line { line: usize, expected: String, found: String },
    Invalid(ScenarioError),
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::TooLarge { bytes } => {
                write!(f, "the pasted text is {bytes} bytes; at most {MAX_PASTE_BYTES} bytes are read")
            }
            ImportError::Empty => f.write_str(
                "nothing to import: paste the output of kafka-topics.sh --describe (lines starting \"Topic: \")",
            ),
            ImportError::Line { line, expected, found } => {
                write!(f, "line {line}: expected {expected}, found \"{found}\"")
            }
            ImportError::Invalid(e) => write!(f, "the imported cluster is not valid: {e}"),
        }
    }
}

impl std::error::Error for ImportError {}

const TOPIC_KEYS: [&str; 13] = [
    "Topic",
    "TopicId",
    "PartitionCount",
    "ReplicationFactor",
    "Configs",
    "Partition",
    "Leader",
    "Replicas",
    "Isr",
    "Elr",
    "LastKnownElr",
    "Adding Replicas",
    "Removing Replicas",
];

/// `Key: value` fields of one line, found by their known names (tabs or spaces between them).
fn fields(line: &str) -> BTreeMap<&'static str, String> {
    let mut starts: Vec<(usize, &'static str)> = Vec::new();
    for key in TOPIC_KEYS {
        let pattern = format!("{key}:");
        let mut from = 0;
        while let Some(i) = line[from..].find(&pattern).map(|i| i + from) {
            let boundary = i == 0 || line[..i].ends_with(char::is_whitespace);
            // "Topic:" must not match inside "Adding Replicas:"-style keys or values; the boundary check does that.
            if boundary && !starts.iter().any(|(s, k)| *s < i && i < s + k.len() + 1) {
                starts.push((i, key));
            }
            from = i + pattern.len();
        }
    }
    starts.sort();
    // Drop a shorter key that is the tail of a longer one at the same place ("Replicas:" in "Adding Replicas:").
    starts.dedup_by(|later, earlier| later.0 < earlier.0 + earlier.1.len());
    let mut out = BTreeMap::new();
    for (n, (start, key)) in starts.iter().enumerate() {
        let value_start = start + key.len() + 1;
        let value_end = starts.get(n + 1).map_or(line.len(), |(s, _)| *s);
        out.insert(*key, line[value_start..value_end.max(value_start)].trim().to_string());
    }
    out
}

fn line_error(line: usize, expected: impl Into<String>, found: &str) -> ImportError {
    ImportError::Line { line, expected: expected.into(), found: found.trim().chars().take(120).collect() }
}

fn number<T: std::str::FromStr>(line: usize, key: &str, value: &str, raw: &str) -> Result<T, ImportError> {
    value.parse().map_err(|_| line_error(line, format!("a number after \"{key}:\""), raw))
}

fn broker_list(line: usize, key: &str, value: &str, raw: &str) -> Result<Vec<BrokerId>, ImportError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    value
        .split(',')
        .map(|id| {
            id.trim().parse().map_err(|_| line_error(line, format!("broker ids like 1,2,3 after \"{key}:\""), raw))
        })
        .collect()
}

struct PartitionLine {
    partition: u32,
    leader: Option<BrokerId>,
    replicas: Vec<BrokerId>,
    isr: Vec<BrokerId>,
    line: usize,
}

struct TopicBlock {
    name: String,
    line: usize,
    partition_count: Option<u32>,
    replication_factor: Option<u16>,
    configs: Vec<(String, String)>,
    partitions: Vec<PartitionLine>,
}

/// Build a scenario from `kafka-topics.sh --describe` output, plus optional `kafka-consumer-groups.sh --describe`
/// output (either in the same paste or as `groups`).
pub fn import_describe(topics: &str, groups: Option<&str>) -> Result<Imported, ImportError> {
    let total = topics.len() + groups.map_or(0, str::len);
    if total > MAX_PASTE_BYTES {
        return Err(ImportError::TooLarge { bytes: total });
    }
    let mut notes = Vec::new();
    let (blocks, group_lines) = parse_topics(topics)?;
    if blocks.is_empty() {
        return Err(ImportError::Empty);
    }
    let mut scenario = default_scenario();
    scenario.version = SCENARIO_VERSION;
    scenario.name = "Imported cluster".into();
    scenario.producers.clear();
    scenario.groups.clear();
    scenario.topics = blocks.iter().map(|b| topic_spec(b, &mut notes)).collect::<Result<_, _>>()?;
    let brokers: BTreeSet<BrokerId> =
        blocks.iter().flat_map(|b| b.partitions.iter()).flat_map(|p| p.replicas.iter().copied()).collect();
    scenario.cluster.brokers = brokers.iter().map(|&id| BrokerSpec { id, rack: None }).collect();
    scenario.cluster.controller_quorum_voters = None;
    let group_text = match groups {
        Some(g) => Some(g.to_string()),
        None if !group_lines.is_empty() => Some(group_lines.join("\n")),
        None => None,
    };
    if let Some(text) = group_text {
        scenario.groups = parse_groups(&text, &scenario, &mut notes)?;
    }
    notes.push("no producers: kafka-topics.sh does not show clients; add one to see records flow".into());
    let scenario = validate(scenario).map_err(ImportError::Invalid)?;
    Ok(Imported { scenario, notes })
}

/// Topic blocks, and any lines that look like a consumer-groups table pasted after them.
fn parse_topics(text: &str) -> Result<(Vec<TopicBlock>, Vec<String>), ImportError> {
    let mut blocks: Vec<TopicBlock> = Vec::new();
    let mut group_lines = Vec::new();
    let mut in_groups = false;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            continue;
        }
        if trimmed.starts_with("GROUP ") || in_groups {
            in_groups = true;
            group_lines.push(raw.to_string());
            continue;
        }
        let f = fields(trimmed);
        let Some(topic) = f.get("Topic") else {
            return Err(line_error(line, "a line starting \"Topic:\" (kafka-topics.sh --describe output)", raw));
        };
        if let Some(p) = f.get("Partition") {
            let block = blocks.last_mut().filter(|b| &b.name == topic).ok_or_else(|| {
                line_error(line, format!("the header line of topic \"{topic}\" before its partitions"), raw)
            })?;
            let leader = match f.get("Leader").map(String::as_str) {
                Some("none" | "-1") => None,
                Some(v) => Some(number(line, "Leader", v, raw)?),
                None => return Err(line_error(line, "\"Leader: <broker id>\"", raw)),
            };
            let replicas = f.get("Replicas").ok_or_else(|| line_error(line, "\"Replicas: <broker ids>\"", raw))?;
            block.partitions.push(PartitionLine {
                partition: number(line, "Partition", p, raw)?,
                leader,
                replicas: broker_list(line, "Replicas", replicas, raw)?,
                isr: broker_list(line, "Isr", f.get("Isr").map_or("", String::as_str), raw)?,
                line,
            });
        } else {
            let configs = f.get("Configs").map_or(Vec::new(), |c| {
                c.split(',')
                    .filter(|kv| !kv.is_empty())
                    .filter_map(|kv| kv.split_once('='))
                    .map(|(k, v)| (k.trim().into(), v.trim().into()))
                    .collect()
            });
            blocks.push(TopicBlock {
                name: topic.clone(),
                line,
                partition_count: f.get("PartitionCount").map(|v| number(line, "PartitionCount", v, raw)).transpose()?,
                replication_factor: f
                    .get("ReplicationFactor")
                    .map(|v| number(line, "ReplicationFactor", v, raw))
                    .transpose()?,
                configs,
                partitions: Vec::new(),
            });
        }
    }
    Ok((blocks, group_lines))
}

fn topic_spec(block: &TopicBlock, notes: &mut Vec<String>) -> Result<TopicSpec, ImportError> {
    let mut partitions: Vec<&PartitionLine> = block.partitions.iter().collect();
    partitions.sort_by_key(|p| p.partition);
    let header = format!("Topic: {}", block.name);
    if partitions.is_empty() {
        return Err(line_error(block.line, format!("partition lines for topic \"{}\"", block.name), &header));
    }
    // n lines, each a distinct number below n: then partitions 0..n are all there.
    let mut seen = BTreeSet::new();
    for p in &block.partitions {
        if p.partition as usize >= partitions.len() || !seen.insert(p.partition) {
            return Err(line_error(
                p.line,
                format!(
                    "a partition of topic \"{}\" numbered below {} and not listed before (partitions are numbered 0..n, each once)",
                    block.name,
                    partitions.len()
                ),
                &format!("Partition: {}", p.partition),
            ));
        }
    }
    if let Some(count) = block.partition_count.filter(|c| *c as usize != partitions.len()) {
        return Err(line_error(
            block.line,
            format!("{count} partition lines for topic \"{}\" as its PartitionCount says", block.name),
            &format!("{} partition lines", partitions.len()),
        ));
    }
    let rf = block.replication_factor.unwrap_or(partitions[0].replicas.len() as u16);
    for p in &partitions {
        if p.replicas.len() != usize::from(rf) {
            return Err(line_error(
                p.line,
                format!("{rf} replicas (the topic's ReplicationFactor)"),
                &format!("Replicas: {:?}", p.replicas),
            ));
        }
        note_state(&block.name, p, notes);
    }
    let mut spec = TopicSpec {
        name: block.name.clone(),
        partitions: partitions.len() as u32,
        replication_factor: rf,
        placement: Placement::Manual { replicas: partitions.iter().map(|p| p.replicas.clone()).collect() },
        ..default_scenario().topics[0].clone()
    };
    spec.min_insync_replicas = 1;
    for (key, value) in &block.configs {
        apply_config(&mut spec, key, value, block.line, notes)?;
    }
    Ok(spec)
}

fn note_state(topic: &str, p: &PartitionLine, notes: &mut Vec<String>) {
    if p.leader != p.replicas.first().copied() {
        let leader = p.leader.map_or("none".to_string(), |l| l.to_string());
        notes.push(format!(
            "{topic}-{}: leader is {leader}, not the preferred replica {}; the simulation starts with the preferred leader",
            p.partition, p.replicas[0]
        ));
    }
    let isr: BTreeSet<_> = p.isr.iter().collect();
    let replicas: BTreeSet<_> = p.replicas.iter().collect();
    if isr != replicas {
        notes.push(format!(
            "{topic}-{}: ISR is {:?} of replicas {:?}; the simulation starts with every replica in sync",
            p.partition, p.isr, p.replicas
        ));
    }
}

fn apply_config(
    spec: &mut TopicSpec,
    key: &str,
    value: &str,
    line: usize,
    notes: &mut Vec<String>,
) -> Result<(), ImportError> {
    let bad = || line_error(line, format!("a valid value for config {key}"), &format!("{key}={value}"));
    match key {
        "min.insync.replicas" => spec.min_insync_replicas = value.parse().map_err(|_| bad())?,
        "retention.ms" => spec.retention_ms = value.parse().map_err(|_| bad())?,
        "retention.bytes" => spec.retention_bytes = value.parse().map_err(|_| bad())?,
        "segment.bytes" => spec.segment_bytes = value.parse().map_err(|_| bad())?,
        "segment.ms" => spec.segment_ms = value.parse().map_err(|_| bad())?,
        "delete.retention.ms" => spec.delete_retention_ms = value.parse().map_err(|_| bad())?,
        "min.compaction.lag.ms" => spec.min_compaction_lag_ms = value.parse().map_err(|_| bad())?,
        "min.cleanable.dirty.ratio" => spec.min_cleanable_dirty_ratio = value.parse().map_err(|_| bad())?,
        "unclean.leader.election.enable" => spec.unclean_leader_election_enable = value.parse().map_err(|_| bad())?,
        "cleanup.policy" => {
            spec.cleanup_policy = match value {
                "delete" => CleanupPolicySpec::Delete,
                "compact" => CleanupPolicySpec::Compact,
                "compact,delete" | "delete,compact" => CleanupPolicySpec::CompactDelete,
                _ => return Err(bad()),
            }
        }
        other => notes.push(format!("{}: config {other}={value} is not simulated", spec.name)),
    }
    Ok(())
}

/// One group's rows: its name, its topics, and (consumer id, client id) of its consumers in first-seen order.
type GroupRows = (String, BTreeSet<String>, Vec<(String, String)>);

/// `kafka-consumer-groups.sh --describe` tables: `GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG
/// CONSUMER-ID HOST CLIENT-ID`, `-` for a missing value.
fn parse_groups(text: &str, scenario: &Scenario, notes: &mut Vec<String>) -> Result<Vec<GroupSpec>, ImportError> {
    let mut groups: Vec<GroupRows> = Vec::new();
    let mut columns: Option<Vec<String>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let words: Vec<&str> = raw.split_whitespace().collect();
        if words.is_empty() || raw.trim_start().starts_with("Consumer group") {
            continue;
        }
        if words[0] == "GROUP" {
            columns = Some(words.iter().map(|w| w.to_string()).collect());
            continue;
        }
        let cols =
            columns.as_ref().ok_or_else(|| line_error(line, "the header line \"GROUP TOPIC PARTITION …\"", raw))?;
        if words.len() != cols.len() {
            return Err(line_error(line, format!("{} columns ({})", cols.len(), cols.join(" ")), raw));
        }
        let get = |name: &str| cols.iter().position(|c| c == name).map(|i| words[i]);
        let (Some(group), Some(topic)) = (get("GROUP"), get("TOPIC")) else {
            return Err(line_error(line, "GROUP and TOPIC columns", raw));
        };
        if !scenario.topics.iter().any(|t| t.name == topic) {
            return Err(line_error(
                line,
                format!("a topic from the kafka-topics.sh output (\"{topic}\" is not there)"),
                raw,
            ));
        }
        let index = match groups.iter().position(|g| g.0 == group) {
            Some(i) => i,
            None => {
                groups.push((group.to_string(), BTreeSet::new(), Vec::new()));
                groups.len() - 1
            }
        };
        let entry = &mut groups[index];
        entry.1.insert(topic.to_string());
        let consumer = get("CONSUMER-ID").unwrap_or("-");
        let client = get("CLIENT-ID").filter(|c| *c != "-").unwrap_or(consumer);
        if consumer != "-" && !entry.2.iter().any(|(c, _)| c == consumer) {
            entry.2.push((consumer.to_string(), client.to_string()));
        }
        if let (Some(offset), Some(lag)) = (get("CURRENT-OFFSET"), get("LAG")) {
            let partition = get("PARTITION").unwrap_or("?");
            notes.push(format!("{group} on {topic}-{partition}: committed offset {offset}, lag {lag} (the simulation starts from empty logs)"));
        }
    }
    Ok(groups
        .into_iter()
        .map(|(name, topics, consumers)| {
            let mut seen = BTreeSet::new();
            let members = consumers
                .into_iter()
                .map(|(consumer, client)| {
                    // Several consumers may share a client.id; the consumer id keeps them apart.
                    let client_id = if seen.insert(client.clone()) { client } else { consumer };
                    MemberSpec { client_id, instance_id: None }
                })
                .collect();
            GroupSpec::new(name, topics.into_iter().collect(), members, 2.0)
        })
        .collect())
}
