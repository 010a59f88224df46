//! The status bar: cluster-wide counters (time, brokers, produce outcomes, replication health, lag) and the
//! latest event, announced politely to screen readers.

use std::rc::Rc;

use yew::prelude::*;

use super::metrics::history::replication_health;
use crate::engine::snapshot::Snapshot;

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub snapshot: Rc<Snapshot>,
}

/// `m:ss.t` of virtual time.
pub fn format_time(ms: u64) -> String {
    let tenths = (ms / 100) % 10;
    let seconds = (ms / 1000) % 60;
    let minutes = ms / 60_000;
    format!("{minutes}:{seconds:02}.{tenths}")
}

#[function_component(StatusBar)]
pub fn status_bar(props: &StatusProps) -> Html {
    let s = &props.snapshot;
    let acked: u64 = s.producers.iter().map(|p| p.stats.acknowledged).sum();
    let failed: u64 = s.producers.iter().map(|p| p.stats.failed_total()).sum();
    let (under_replicated, offline) = replication_health(s);
    let brokers_up = s.brokers.iter().filter(|b| b.up).count();
    let members: usize = s.groups.iter().map(|g| g.members.len()).sum();
    let lag: u64 = s.groups.iter().flat_map(|g| &g.members).map(|m| m.lag).sum();
    html! {
        <section class="status" aria-label="Cluster status">
            <dl class="counters">
                <div><dt>{ "time" }</dt><dd data-virtual-time={s.time.to_string()}>{ format_time(s.time) }</dd></div>
                <div title="Brokers running / in the cluster"><dt>{ "brokers up" }</dt><dd data-counter="brokers-up">{ format!("{brokers_up}/{}", s.brokers.len()) }</dd></div>
                <div><dt>{ "acknowledged" }</dt><dd data-counter="acknowledged">{ acked }</dd></div>
                <div><dt>{ "failed" }</dt><dd data-counter="failed">{ failed }</dd></div>
                <div title="ISR smaller than the replica set"><dt>{ "under-replicated" }</dt><dd data-counter="under-replicated">{ under_replicated }</dd></div>
                <div title="No leader: cannot be written or read"><dt>{ "offline" }</dt><dd data-counter="offline">{ offline }</dd></div>
                <div><dt>{ "members" }</dt><dd data-counter="members">{ members }</dd></div>
                <div title="Sum of every member's lag (HW − committed)"><dt>{ "total lag" }</dt><dd data-counter="lag">{ lag }</dd></div>
                if s.acknowledged_lost > 0 {
                    <div class="bad" title="Records producers were told are written that the cluster no longer holds"><dt>{ "acked & lost" }</dt><dd data-counter="lost">{ s.acknowledged_lost }</dd></div>
                }
            </dl>
            <p class="latest-event" role="status" aria-live="polite">
                { for s.narration.last().map(|n| html! { <><time>{ format_time(n.at) }</time>{ " " }{ n.text.clone() }</> }) }
            </p>
        </section>
    }
}
