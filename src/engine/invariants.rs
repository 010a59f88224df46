//! Safety properties that must hold at every moment of any run, checked from a snapshot so that tests
//! (and a debug view) can call it after every step without reaching into engine internals.

use super::snapshot::Snapshot;

/// Every violated invariant, described; empty when all hold. Includes the consumer-offset invariants,
/// which hold as long as no acknowledged data is lost (clean elections).
pub fn violations(s: &Snapshot) -> Vec<String> {
    let mut found = structural_violations(s);
    found.extend(consumer_offset_violations(s));
    found
}

/// Invariants that hold in every run, even after an unclean election lost data: HW ≤ LEO, log start
/// ≤ LEO, leader in ISR, ISR ⊆ replicas and never empty, each partition owned by one group member.
pub fn structural_violations(s: &Snapshot) -> Vec<String> {
    let mut found = Vec::new();
    for b in &s.brokers {
        for r in &b.replicas {
            if r.high_watermark > r.log_end_offset {
                found.push(format!(
                    "{}-{} on broker {}: HW {} > LEO {}",
                    r.topic, r.partition, b.id, r.high_watermark, r.log_end_offset
                ));
            }
            if r.log_start_offset > r.log_end_offset {
                found.push(format!(
                    "{}-{} on broker {}: log start {} > LEO {}",
                    r.topic, r.partition, b.id, r.log_start_offset, r.log_end_offset
                ));
            }
        }
    }
    for t in &s.topics {
        for p in &t.partitions {
            let name = format!("{}-{}", t.name, p.partition);
            if let Some(leader) = p.leader.filter(|l| !p.isr.contains(l)) {
                found.push(format!("{name}: leader {leader} not in ISR {:?}", p.isr));
            }
            if let Some(stray) = p.isr.iter().find(|b| !p.replicas.contains(b)) {
                found.push(format!("{name}: ISR member {stray} is not a replica"));
            }
            if p.isr.is_empty() {
                found.push(format!("{name}: empty ISR"));
            }
        }
    }
    for g in &s.groups {
        let mut owners = std::collections::BTreeMap::new();
        for m in &g.members {
            for p in &m.partitions {
                if let Some(other) = owners.insert((p.topic.clone(), p.partition), m.member_id.clone()) {
                    found.push(format!(
                        "group {}: {}-{} assigned to both {other} and {}",
                        g.name, p.topic, p.partition, m.member_id
                    ));
                }
            }
        }
    }
    found
}

/// Committed offsets and positions never pass the high watermark. An unclean election can break this
/// (the new leader's log is shorter than what consumers already read), which is the point of showing it.
pub fn consumer_offset_violations(s: &Snapshot) -> Vec<String> {
    let mut found = Vec::new();
    for g in &s.groups {
        for m in &g.members {
            for p in &m.partitions {
                let hw = s
                    .topics
                    .iter()
                    .find(|t| *t.name == *p.topic)
                    .and_then(|t| t.partitions.get(p.partition as usize))
                    .map_or(0, |v| v.high_watermark);
                if let Some(committed) = p.committed.filter(|c| *c > hw) {
                    found.push(format!(
                        "group {}: committed {committed} > HW {hw} on {}-{}",
                        g.name, p.topic, p.partition
                    ));
                }
                if p.position > hw {
                    found.push(format!(
                        "group {}: position {} > HW {hw} on {}-{}",
                        g.name, p.position, p.topic, p.partition
                    ));
                }
            }
        }
    }
    found
}
