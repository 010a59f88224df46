//! The status bar: virtual time, produce outcomes, and the latest narration.

use std::rc::Rc;

use yew::prelude::*;

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
    let under_replicated =
        s.topics.iter().flat_map(|t| &t.partitions).filter(|p| p.isr.len() < p.replicas.len()).count();
    let offline = s.topics.iter().flat_map(|t| &t.partitions).filter(|p| p.leader.is_none()).count();
    html! {
        <section class="status" aria-label="Cluster status">
            <dl class="counters">
                <div><dt>{ "time" }</dt><dd data-virtual-time={s.time.to_string()}>{ format_time(s.time) }</dd></div>
                <div><dt>{ "acknowledged" }</dt><dd>{ acked }</dd></div>
                <div><dt>{ "failed" }</dt><dd>{ failed }</dd></div>
                <div><dt>{ "under-replicated" }</dt><dd>{ under_replicated }</dd></div>
                <div><dt>{ "offline" }</dt><dd>{ offline }</dd></div>
            </dl>
            <ol class="narration" role="log" aria-label="Events">
                { for s.narration.iter().rev().map(|n| html! {
                    <li><time>{ format_time(n.at) }</time>{ " " }{ n.text.clone() }</li>
                }) }
            </ol>
        </section>
    }
}
