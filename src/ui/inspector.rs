//! The partition inspector: one partition's replicas (log start offset, HW, LEO), ISR, leader and leader
//! epoch, its leadership and ISR history from the event log, and each group's committed offset and lag.

use std::rc::Rc;

use yew::prelude::*;

use super::narration::mentions;
use super::status::format_time;
use crate::engine::snapshot::{PartitionDetail, PartitionView, ReplicaLogDetail, ReplicaView, Snapshot};
use crate::engine::trace::Narration;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub snapshot: Rc<Snapshot>,
    pub topic: AttrValue,
    pub partition: u32,
    /// The event log, for this partition's leader and ISR history.
    #[prop_or_default]
    pub lines: Rc<Vec<Narration>>,
    /// Segments and leader-epoch caches (`Engine::partition_detail`), when the caller has them.
    #[prop_or_default]
    pub detail: Option<Rc<PartitionDetail>>,
    #[prop_or_default]
    pub on_close: Callback<()>,
}

/// Segments listed at most (the newest); a long-lived log has many.
pub const SEGMENTS_SHOWN: usize = 12;

/// Every replica of one partition, in the partition's replica order (preferred leader first).
pub fn replicas_of<'a>(snapshot: &'a Snapshot, topic: &str, partition: u32) -> Vec<&'a ReplicaView> {
    let Some(p) = partition_view(snapshot, topic, partition) else { return Vec::new() };
    p.replicas
        .iter()
        .filter_map(|id| snapshot.brokers.iter().find(|b| b.id == *id))
        .filter_map(|b| b.replicas.iter().find(|r| *r.topic == *topic && r.partition == partition))
        .collect()
}

pub fn partition_view<'a>(snapshot: &'a Snapshot, topic: &str, partition: u32) -> Option<&'a PartitionView> {
    snapshot.topics.iter().find(|t| t.name == topic)?.partitions.iter().find(|p| p.partition == partition)
}

fn broker_list(ids: &[i32]) -> String {
    format!("[{}]", ids.iter().map(|b| b.to_string()).collect::<Vec<_>>().join(", "))
}

#[function_component(PartitionInspector)]
pub fn partition_inspector(props: &InspectorProps) -> Html {
    let s = &props.snapshot;
    let name = format!("{}-{}", props.topic, props.partition);
    let close = props.on_close.reform(|_: MouseEvent| ());
    let Some(p) = partition_view(s, &props.topic, props.partition) else {
        return html! { <section class="panel inspector"><p>{ format!("Partition {name} no longer exists.") }</p></section> };
    };
    let leader = p.leader.map_or_else(|| "none (offline)".to_string(), |b| format!("broker {b}"));
    html! {
        <section class="panel inspector" data-inspector={name.clone()} aria-labelledby="inspector-title">
            <div class="menu-head">
                <h2 id="inspector-title">{ format!("Partition {name}") }</h2>
                <button type="button" class="close" aria-label="Close inspector" onclick={close}>{ "×" }</button>
            </div>
            <dl class="facts">
                <div><dt title="The replica that takes writes and serves reads">{ "leader" }</dt><dd data-field="leader">{ leader }</dd></div>
                <div><dt title="Bumped by the controller at every leader change; followers truncate by it (KIP-101)">{ "leader epoch" }</dt><dd data-field="leader-epoch">{ p.leader_epoch }</dd></div>
                <div><dt title="Replicas assigned, preferred leader first">{ "replicas" }</dt><dd data-field="replicas">{ broker_list(&p.replicas) }</dd></div>
                <div><dt title="In-sync replicas: caught up within replica.lag.time.max.ms; only they may become leader (unless unclean election)">{ "ISR" }</dt><dd data-field="isr">{ broker_list(&p.isr) }</dd></div>
            </dl>
            <table class="replica-table">
                <caption>{ "Replicas" }</caption>
                <thead><tr>
                    <th scope="col">{ "broker" }</th><th scope="col">{ "role" }</th><th scope="col">{ "in ISR" }</th>
                    <th scope="col" title="Log start offset: the first offset still kept (retention deletes whole segments)">{ "log start" }</th>
                    <th scope="col" title="High watermark: offsets below it are on every ISR replica; consumers read below it">{ "HW" }</th>
                    <th scope="col" title="Log end offset: the offset the next record appended gets">{ "LEO" }</th>
                </tr></thead>
                <tbody>
                    { for replicas_of(s, &props.topic, props.partition).into_iter().map(|r| html! {
                        <tr data-replica-row={r.broker.to_string()}>
                            <th scope="row">{ r.broker }</th>
                            <td>{ r.role.name() }</td>
                            <td>{ if r.in_sync { "yes" } else { "no" } }</td>
                            <td class="num" data-field="log-start">{ r.log_start_offset }</td>
                            <td class="num" data-field="hw">{ r.high_watermark }</td>
                            <td class="num" data-field="leo">{ r.log_end_offset }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            { for props.detail.as_deref().map(log_detail) }
            { consumers(s, &props.topic, props.partition) }
            { history(props, s) }
        </section>
    }
}

/// Each group reading this partition: its owner, committed offset, position and lag.
fn consumers(s: &Snapshot, topic: &str, partition: u32) -> Html {
    let rows: Vec<Html> = s
        .groups
        .iter()
        .map(|g| {
            let owner = g
                .members
                .iter()
                .find_map(|m| m.partitions.iter().find(|p| *p.topic == *topic && p.partition == partition).map(|p| (m, p)));
            match owner {
                Some((m, p)) => html! {
                    <tr data-group-row={g.name.clone()}>
                        <th scope="row">{ g.name.clone() }</th>
                        <td>{ m.client_id.clone() }</td>
                        <td class="num" data-field="committed">{ p.committed.map_or_else(|| "–".to_string(), |c| c.to_string()) }</td>
                        <td class="num" data-field="position">{ p.position }</td>
                        <td class="num" data-field="lag">{ p.lag }</td>
                    </tr>
                },
                None => html! {
                    <tr data-group-row={g.name.clone()}>
                        <th scope="row">{ g.name.clone() }</th><td colspan="4" class="muted">{ "not assigned to a member now" }</td>
                    </tr>
                },
            }
        })
        .collect();
    if rows.is_empty() {
        return html! {};
    }
    html! {
        <table class="group-table">
            <caption>{ "Consumer groups" }</caption>
            <thead><tr>
                <th scope="col">{ "group" }</th><th scope="col">{ "member" }</th>
                <th scope="col" title="The offset the group committed: where a new owner would resume">{ "committed" }</th>
                <th scope="col" title="The next offset the member will fetch">{ "position" }</th>
                <th scope="col" title="HW − committed offset, as kafka-consumer-groups --describe shows">{ "lag" }</th>
            </tr></thead>
            <tbody>{ for rows }</tbody>
        </table>
    }
}

/// Leader and ISR changes of this partition, newest first, from the event log.
fn history(props: &InspectorProps, s: &Snapshot) -> Html {
    let key = (props.topic.to_string(), props.partition);
    let changes: Vec<&Narration> = props
        .lines
        .iter()
        .rev()
        .filter(|n| n.text.starts_with("partition ") && mentions(&n.text, s).partitions.contains(&key))
        .take(12)
        .collect();
    html! {
        <div class="history">
            <h3>{ "Leader and ISR history" }</h3>
            if changes.is_empty() {
                <p class="muted">{ "No changes since the start (or since the oldest event kept)." }</p>
            } else {
                <ol class="event-log">
                    { for changes.into_iter().map(|n| html! { <li><time>{ format_time(n.at) }</time>{ " " }{ n.text.clone() }</li> }) }
                </ol>
            }
        </div>
    }
}

/// The leader's log as segments (or the first replica's when there is no leader), its leader-epoch cache,
/// and the cleanup policy with the dirty ratio the cleaner reads.
fn log_detail(d: &PartitionDetail) -> Html {
    let shown = d.leader.and_then(|l| d.replica_logs.iter().find(|r| r.broker == l)).or(d.replica_logs.first());
    let Some(log) = shown else { return html! {} };
    let whose = if Some(log.broker) == d.leader { "leader" } else { "replica" };
    html! {
        <div class="log-detail">
            <p class="muted">
                <code>{ "cleanup.policy" }</code>{ format!(" = {}", d.cleanup_policy) }
                if d.cleanup_policy.compacts() {
                    { format!(" · dirty ratio {:.2} (cleaned when ≥ min.cleanable.dirty.ratio)", log.dirty_ratio) }
                }
                { format!(" · {} bytes on broker {}", log.size_bytes, log.broker) }
            </p>
            { segments(log, whose) }
            <h3 title="Which leader epoch wrote from which offset: a returning replica truncates by it (KIP-101, KIP-279)">{ "Leader epoch cache" }</h3>
            <ol class="epochs">
                { for log.epochs.iter().map(|(epoch, start)| html! {
                    <li data-epoch={epoch.to_string()}>{ format!("epoch {epoch} from offset {start}") }</li>
                }) }
            </ol>
        </div>
    }
}

fn segments(log: &ReplicaLogDetail, whose: &str) -> Html {
    let skip = log.segments.len().saturating_sub(SEGMENTS_SHOWN);
    html! {
        <table class="segment-table">
            <caption>{ format!("Segments of the {whose}'s log (broker {})", log.broker) }</caption>
            <thead><tr>
                <th scope="col" title="Base offset: the segment file's name">{ "base" }</th>
                <th scope="col">{ "end" }</th>
                <th scope="col" title="Records present (compaction removes superseded keys)">{ "records" }</th>
                <th scope="col">{ "bytes" }</th>
                <th scope="col">{ "state" }</th>
            </tr></thead>
            <tbody>
                { for log.segments.iter().skip(skip).map(|seg| {
                    let state = if seg.is_active { "active" } else if seg.is_cleaned { "cleaned" } else { "closed" };
                    html! {
                        <tr data-segment={seg.base_offset.to_string()}>
                            <td class="num">{ seg.base_offset }</td><td class="num">{ seg.end_offset }</td>
                            <td class="num">{ seg.records }</td><td class="num">{ seg.size_bytes }</td><td>{ state }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
