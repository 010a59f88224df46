//! The partition inspector: one partition's replicas (log start offset, HW, LEO), ISR, leader and leader
//! epoch, its leadership and ISR history from the event log, and each group's committed offset and lag.

use std::rc::Rc;

use yew::prelude::*;

use super::narration::mentions;
use super::status::format_time;
use crate::engine::snapshot::{PartitionView, ReplicaView, Snapshot};
use crate::engine::trace::Narration;

#[derive(Properties, PartialEq)]
pub struct InspectorProps {
    pub snapshot: Rc<Snapshot>,
    pub topic: AttrValue,
    pub partition: u32,
    /// The event log, for this partition's leader and ISR history.
    #[prop_or_default]
    pub lines: Rc<Vec<Narration>>,
    #[prop_or_default]
    pub on_close: Callback<()>,
}

/// Every replica of one partition, in the partition's replica order (preferred leader first).
pub fn replicas_of<'a>(snapshot: &'a Snapshot, topic: &str, partition: u32) -> Vec<&'a ReplicaView> {
    let Some(p) = partition_view(snapshot, topic, partition) else { return Vec::new() };
    p.replicas
        .iter()
        .filter_map(|id| snapshot.brokers.iter().find(|b| b.id == *id))
        .filter_map(|b| b.replicas.iter().find(|r| r.topic == topic && r.partition == partition))
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
                .find_map(|m| m.partitions.iter().find(|p| p.topic == topic && p.partition == partition).map(|p| (m, p)));
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
