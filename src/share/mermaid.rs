//! The topology as Mermaid flowchart text, in the seed's layout: a producer layer, the cluster with one subgraph
//! per broker holding its partitions (leader or follower), and one subgraph per consumer group with its members.
//!
//! The seed's own diagram failed on GitHub ("Parse error … got 'PS'") because a label with parentheses was not
//! quoted. Here it cannot happen: node and subgraph ids are generated (`P0`, `B1`, `R1_0`, `G0M2`), never taken
//! from names, and every label is quoted with anything outside letters, digits and a few safe marks written as a
//! Mermaid entity code (`#35;` for `#`, `#quot;` for `"`), so no name can end a label or start syntax.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::engine::BrokerId;
use crate::engine::snapshot::{Role, Snapshot};

/// A label's text, safe inside `"…"` in any Mermaid flowchart position. Newlines become `<br>` (Mermaid's line
/// break); every character that is not a letter, digit, space or one of `-_.,:/` becomes `#<decimal>;`.
pub fn escape_label(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '"' => out.push_str("#quot;"),
            c if c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '.' | ',' | ':' | '/' | '=') => out.push(c),
            c => {
                let _ = write!(out, "#{};", c as u32);
            }
        }
    }
    out
}

fn label(parts: &[&str]) -> String {
    let escaped: Vec<String> = parts.iter().map(|p| escape_label(p)).collect();
    format!("\"{}\"", escaped.join("<br>"))
}

/// Generated ids: brokers and topics by position, so ids are stable for a topology and never collide.
struct Ids {
    brokers: BTreeMap<BrokerId, usize>,
    topics: BTreeMap<String, usize>,
}

impl Ids {
    fn replica(&self, topic: &str, partition: u32, broker: BrokerId) -> String {
        format!("R{}_{}_{}", self.topics.get(topic).copied().unwrap_or(0), partition, self.brokers[&broker])
    }
}

/// The snapshot's topology as a Mermaid flowchart (renders on GitHub, GitLab, mdBook and Docusaurus plugins).
pub fn topology(snapshot: &Snapshot) -> String {
    let ids = Ids {
        brokers: snapshot.brokers.iter().enumerate().map(|(i, b)| (b.id, i)).collect(),
        topics: snapshot.topics.iter().enumerate().map(|(i, t)| (t.name.clone(), i)).collect(),
    };
    let mut out = String::from("flowchart TD\n");
    write_producers(&mut out, snapshot);
    write_cluster(&mut out, snapshot, &ids);
    write_groups(&mut out, snapshot);
    write_edges(&mut out, snapshot, &ids);
    write_styles(&mut out, snapshot, &ids);
    out
}

fn write_producers(out: &mut String, snapshot: &Snapshot) {
    if snapshot.producers.is_empty() {
        return;
    }
    out.push_str("    subgraph PL[\"Producer Layer\"]\n");
    for (i, p) in snapshot.producers.iter().enumerate() {
        let acks = format!("acks={}", p.acks);
        let _ = writeln!(out, "        P{i}[{}]", label(&[&p.name, &acks]));
    }
    out.push_str("    end\n");
}

fn write_cluster(out: &mut String, snapshot: &Snapshot, ids: &Ids) {
    out.push_str("    subgraph KC[\"Kafka Cluster\"]\n");
    for (b, broker) in snapshot.brokers.iter().enumerate() {
        let mut title = format!("Broker {}", broker.id);
        if broker.controller {
            title.push_str(" (controller)");
        }
        if !broker.up {
            title.push_str(" (down)");
        }
        let _ = writeln!(out, "        subgraph B{b}[{}]", label(&[&title]));
        for r in &broker.replicas {
            let partition = format!("Partition {}", r.partition);
            let role = match (r.role, r.in_sync) {
                (Role::Leader, _) => "(Leader)",
                (Role::Follower, true) => "(Follower)",
                (Role::Follower, false) => "(Follower, out of sync)",
            };
            let id = ids.replica(&r.topic, r.partition, r.broker);
            let _ = writeln!(out, "            {id}[{}]", label(&[&r.topic, &partition, role]));
        }
        if broker.replicas.is_empty() {
            // Mermaid refuses an empty subgraph in some renderers; an invisible-ish placeholder keeps it drawable.
            let _ = writeln!(out, "            B{b}E[\"no partitions\"]");
        }
        out.push_str("        end\n");
    }
    out.push_str("    end\n");
}

fn write_groups(out: &mut String, snapshot: &Snapshot) {
    for (g, group) in snapshot.groups.iter().enumerate() {
        let title = format!("Consumer Group ({})", group.name);
        let _ = writeln!(out, "    subgraph G{g}[{}]", label(&[&title]));
        for (m, member) in group.members.iter().enumerate() {
            let _ = writeln!(out, "        G{g}M{m}[{}]", label(&[&member.client_id]));
        }
        if group.members.is_empty() {
            let _ = writeln!(out, "        G{g}E[\"no members\"]");
        }
        out.push_str("    end\n");
    }
}

fn leader_id(snapshot: &Snapshot, ids: &Ids, topic: &str, partition: u32) -> Option<String> {
    let t = snapshot.topics.iter().find(|t| t.name == topic)?;
    let p = t.partitions.iter().find(|p| p.partition == partition)?;
    p.leader.map(|leader| ids.replica(topic, partition, leader))
}

fn write_edges(out: &mut String, snapshot: &Snapshot, ids: &Ids) {
    for (i, producer) in snapshot.producers.iter().enumerate() {
        let Some(topic) = snapshot.topics.iter().find(|t| t.name == producer.topic) else { continue };
        for p in &topic.partitions {
            if let Some(leader) = leader_id(snapshot, ids, &topic.name, p.partition) {
                let _ = writeln!(out, "    P{i} -->|\"Key hash\"| {leader}");
            }
        }
    }
    for (g, group) in snapshot.groups.iter().enumerate() {
        for (m, member) in group.members.iter().enumerate() {
            for assigned in &member.partitions {
                if let Some(leader) = leader_id(snapshot, ids, &assigned.topic, assigned.partition) {
                    let _ = writeln!(out, "    {leader} -.->|\"Pull\"| G{g}M{m}");
                }
            }
        }
    }
}

fn write_styles(out: &mut String, snapshot: &Snapshot, ids: &Ids) {
    let leaders: Vec<String> = snapshot
        .brokers
        .iter()
        .flat_map(|b| b.replicas.iter())
        .filter(|r| r.role == Role::Leader)
        .map(|r| ids.replica(&r.topic, r.partition, r.broker))
        .collect();
    out.push_str("    classDef leader fill:#f9f,stroke:#333\n");
    out.push_str("    classDef down fill:#ddd,stroke:#999,stroke-dasharray:4 3\n");
    if !leaders.is_empty() {
        let _ = writeln!(out, "    class {} leader", leaders.join(","));
    }
    let down: Vec<String> =
        (0..snapshot.brokers.len()).filter(|b| !snapshot.brokers[*b].up).map(|b| format!("B{b}")).collect();
    if !down.is_empty() {
        let _ = writeln!(out, "    class {} down", down.join(","));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_leaves_nothing_that_ends_a_label_or_starts_syntax() {
        assert_eq!(escape_label("Topic A (Leader)"), "Topic A #40;Leader#41;");
        assert_eq!(escape_label("say \"hi\""), "say #quot;hi#quot;");
        assert_eq!(escape_label("a#b;c<d>&[e]{f}|g`"), "a#35;b#59;c#60;d#62;#38;#91;e#93;#123;f#125;#124;g#96;");
        assert_eq!(escape_label("two\r\nlines"), "two<br>lines");
        assert_eq!(escape_label("ünïcødé 漢字"), "ünïcødé 漢字");
        assert_eq!(escape_label("🙂"), "#128578;");
        for nasty in ["\"]) end; click A call x()", "%%{init: {}}%%", "a --> b", "<script>x</script>"] {
            let e = escape_label(nasty);
            assert!(!e.contains(['"', '(', ')', '[', ']', '{', '}', '<', '>', '|', '%']), "{e}");
        }
    }
}
