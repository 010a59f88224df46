//! The cluster layer: one box per broker holding its replicas (DOM contract: `data-broker`, `data-replica`).

use yew::prelude::*;

use super::Interaction;
use super::layout::{Layout, Rect};
use crate::engine::snapshot::{BrokerView, ReplicaView, Role};
use crate::ui::selection::Selection;

pub fn cluster_frame(layout: &Layout) -> Html {
    let c = layout.cluster;
    html! {
        <g class="cluster" aria-hidden="true">
            <rect class="layer" x={c.x.to_string()} y={c.y.to_string()} width={c.w.to_string()} height={c.h.to_string()} rx="14" />
            <text class="layer-title" x={(c.x + 16.0).to_string()} y={(c.y + 23.0).to_string()}>{ "Kafka Cluster" }</text>
        </g>
    }
}

pub fn broker(view: &BrokerView, rect: Rect, layout: &Layout, act: &Interaction) -> Html {
    let state = if view.up { "up" } else { "down" };
    let mut label = format!("Broker {}, {state}", view.id);
    if view.controller {
        label.push_str(", active controller");
    }
    let selected = act.selection.is_broker(view.id);
    let highlighted = act.highlight.is_some_and(|h| h.brokers.contains(&view.id));
    let class = classes!(
        "broker",
        (!view.up).then_some("down"),
        view.fenced.then_some("fenced"),
        selected.then_some("selected"),
        highlighted.then_some("highlight")
    );
    let (click, key) = act.activate(Selection::Broker(view.id));
    let handle_label = format!("{label}: open actions");
    html! {
        <g class={class} data-broker={view.id.to_string()} data-state={state}
           data-controller={view.controller.then_some("true")} role="group" aria-label={label.clone()} onclick={click}>
            <title>{ format!("{label}. A broker is one Kafka server; it hosts replicas of partitions. Click for actions: kill, stop, restart, slow.") }</title>
            <rect class="broker-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="10" />
            <g class="broker-handle" role="button" tabindex="0" aria-label={handle_label} aria-haspopup="menu"
               aria-expanded={selected.to_string()} onkeydown={key}>
                <rect class="handle-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height="32" rx="10" />
                <text class="broker-title" x={(rect.x + 12.0).to_string()} y={(rect.y + 22.0).to_string()}>{ format!("Broker {}", view.id) }</text>
            </g>
            if view.controller {
                <text class="badge controller" x={(rect.x + rect.w - 12.0).to_string()} y={(rect.y + 22.0).to_string()} text-anchor="end">{ "controller" }</text>
            }
            { for view.replicas.iter().filter_map(|r| {
                let key = (view.id, r.topic.clone(), r.partition);
                layout.replicas.get(&key).map(|rect| replica(r, *rect, act))
            }) }
        </g>
    }
}

fn replica(view: &ReplicaView, rect: Rect, act: &Interaction) -> Html {
    let role = view.role.name();
    let sync = if view.in_sync { "in sync" } else { "out of sync" };
    let label = format!(
        "{}-{} {role} replica on broker {}, {sync}: log end offset {}, high watermark {}",
        view.topic, view.partition, view.broker, view.log_end_offset, view.high_watermark
    );
    let selected = act.selection.is_partition(&view.topic, view.partition);
    let highlighted =
        act.highlight.is_some_and(|h| h.partitions.iter().any(|(t, p)| **t == *view.topic && *p == view.partition));
    let class = classes!(
        "replica",
        role,
        (!view.in_sync).then_some("out-of-sync"),
        selected.then_some("selected"),
        highlighted.then_some("highlight")
    );
    let (click, key) = act.activate(Selection::Partition { topic: view.topic.to_string(), partition: view.partition });
    let title = match view.role {
        Role::Leader => {
            "The leader takes every write for this partition and serves reads up to the high watermark (HW)."
        }
        Role::Follower => {
            "A follower copies the leader's log by fetching; in sync (ISR) while it keeps up within replica.lag.time.max.ms."
        }
    };
    html! {
        <g class={class} data-replica="" data-topic={view.topic.to_string()} data-partition={view.partition.to_string()}
           data-broker={view.broker.to_string()} data-role={role} data-in-sync={view.in_sync.to_string()}
           data-leo={view.log_end_offset.to_string()} data-hw={view.high_watermark.to_string()}
           role="button" tabindex="0" aria-pressed={selected.to_string()} aria-label={format!("{label}: inspect partition")}
           onclick={click} onkeydown={key}>
            <title>{ format!("{label}. {title} Click to inspect the partition.") }</title>
            <rect class="replica-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="7" />
            <text class="replica-name" x={(rect.x + 10.0).to_string()} y={(rect.y + 20.0).to_string()}>
                { format!("{} · P{}", view.topic, view.partition) }
            </text>
            <text class="replica-role" x={(rect.x + rect.w - 10.0).to_string()} y={(rect.y + 20.0).to_string()} text-anchor="end">
                { if view.in_sync { role.to_string() } else { format!("{role} · lagging") } }
            </text>
            <text class="replica-offsets" x={(rect.x + 10.0).to_string()} y={(rect.y + 39.0).to_string()}>
                { format!("LEO {} · HW {}", view.log_end_offset, view.high_watermark) }
            </text>
        </g>
    }
}
