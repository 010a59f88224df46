//! The client layers: producers on top, consumer groups below (DOM contract: `data-producer`,
//! `data-group`, `data-consumer`).

use yew::prelude::*;

use super::Interaction;
use super::layout::{Layout, Rect};
use crate::engine::snapshot::{GroupView, MemberView, ProducerView};
use crate::ui::selection::Selection;

pub fn producer(view: &ProducerView, rect: Rect) -> Html {
    let failed = view.stats.failed_total();
    let label = format!(
        "Producer {} writing to {} at {} records/s, acks={}: {} acknowledged, {failed} failed",
        view.name, view.topic, view.rate_per_sec, view.acks, view.stats.acknowledged
    );
    html! {
        <g class="producer" data-producer={view.name.clone()} role="img" aria-label={label.clone()}>
            <title>{ format!("{label}. Keyed records go to partition murmur2(key) mod partitions.") }</title>
            <rect class="client-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="10" />
            <text class="client-title" x={rect.center_x().to_string()} y={(rect.y + 22.0).to_string()} text-anchor="middle">{ view.name.clone() }</text>
            <text class="client-detail" x={rect.center_x().to_string()} y={(rect.y + 41.0).to_string()} text-anchor="middle">
                { format!("{}/s · acks={} · {} acked", view.rate_per_sec, view.acks, view.stats.acknowledged) }
                if failed > 0 { { format!(" · {failed} failed") } }
            </text>
        </g>
    }
}

pub fn group(view: &GroupView, band: Rect, layout: &Layout, act: &Interaction) -> Html {
    let label = format!(
        "Consumer group {}, {} generation {}, {} members",
        view.name,
        view.state,
        view.generation,
        view.members.len()
    );
    html! {
        <g class="group" data-group={view.name.clone()} role="group" aria-label={label.clone()}>
            <title>{ format!("{label}. Each partition is read by exactly one member of the group ({} assignor).", view.assignor) }</title>
            <rect class="layer" x={band.x.to_string()} y={band.y.to_string()} width={band.w.to_string()} height={band.h.to_string()} rx="14" />
            <text class="layer-title" x={(band.x + 16.0).to_string()} y={(band.y + 23.0).to_string()}>
                { format!("Consumer Group ({})", view.name) }
            </text>
            <text class="layer-detail" x={(band.x + band.w - 16.0).to_string()} y={(band.y + 23.0).to_string()} text-anchor="end">
                { format!("{} · gen {} · {}", view.state, view.generation, view.assignor) }
            </text>
            { for view.members.iter().filter_map(|m| layout.members.get(&m.member_id).map(|rect| member(&view.name, m, *rect, act))) }
        </g>
    }
}

fn member(group: &str, view: &MemberView, rect: Rect, act: &Interaction) -> Html {
    let assigned: Vec<String> = view.partitions.iter().map(|p| format!("{}-{}", p.topic, p.partition)).collect();
    let gone = matches!(view.state, "crashed" | "closed" | "left" | "error");
    let label = if view.state != "stable" {
        format!(
            "Consumer {} is {}{}",
            view.client_id,
            view.state,
            if assigned.is_empty() { "" } else { ", holding partitions" }
        )
    } else if assigned.is_empty() {
        format!("Consumer {} is idle: no partition assigned", view.client_id)
    } else {
        format!("Consumer {} reads {}, lag {}", view.client_id, assigned.join(", "), view.lag)
    };
    let selected = act.selection.is_consumer(&view.member_id);
    let highlighted = act.highlight.is_some_and(|h| h.clients.contains(&view.client_id));
    let class = classes!(
        "member",
        assigned.is_empty().then_some("idle"),
        gone.then_some("gone"),
        (view.state == "stuck").then_some("stuck"),
        selected.then_some("selected"),
        highlighted.then_some("highlight")
    );
    let (click, key) =
        act.activate(Selection::Consumer { group: group.to_string(), member_id: view.member_id.clone() });
    html! {
        <g class={class} data-consumer={view.member_id.clone()} data-member-state={view.state} data-assigned={assigned.join(",")} data-lag={view.lag.to_string()}
           role="button" tabindex="0" aria-pressed={selected.to_string()} aria-label={format!("{label}: open actions")}
           onclick={click} onkeydown={key}>
            <title>{ format!("{label}. Member id {}. Lag = high watermark − committed offset. Click for actions.", view.member_id) }</title>
            <rect class="client-box" x={rect.x.to_string()} y={rect.y.to_string()} width={rect.w.to_string()} height={rect.h.to_string()} rx="10" />
            <text class="client-title" x={(rect.x + 10.0).to_string()} y={(rect.y + 20.0).to_string()}>{ view.client_id.clone() }</text>
            if view.state != "stable" {
                <text class="client-detail state" x={(rect.x + rect.w - 10.0).to_string()} y={(rect.y + 20.0).to_string()} text-anchor="end">{ view.state }</text>
            }
            if view.partitions.is_empty() {
                <text class="client-detail idle" x={(rect.x + 10.0).to_string()} y={(rect.y + 40.0).to_string()}>{ "idle: no partition" }</text>
            }
            { for view.partitions.iter().enumerate().map(|(i, p)| html! {
                <text class="client-detail" x={(rect.x + 10.0).to_string()} y={(rect.y + 40.0 + 18.0 * i as f64).to_string()}>
                    { format!("{}-{} · offset {} · lag {}", p.topic, p.partition, p.committed.unwrap_or(p.position), p.lag) }
                </text>
            }) }
        </g>
    }
}
