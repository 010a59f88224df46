//! The metrics panel: cluster health and produce outcomes, then per partition and per member charts.

use std::rc::Rc;

use yew::prelude::*;

use super::history::{MetricsHistory, lag_seconds, replication_health, values};
use super::sparkline::{Sparkline, short_number};
use crate::engine::snapshot::Snapshot;

#[derive(Properties, PartialEq)]
pub struct MetricsProps {
    pub snapshot: Rc<Snapshot>,
    pub history: Rc<MetricsHistory>,
}

#[function_component(MetricsPanel)]
pub fn metrics_panel(props: &MetricsProps) -> Html {
    let s = &props.snapshot;
    let h = &props.history;
    let (under, offline) = replication_health(s);
    html! {
        <section class="panel metrics" aria-labelledby="metrics-title">
            <h2 id="metrics-title">{ "Metrics" }</h2>
            <h3>{ "Cluster" }</h3>
            <dl class="metric-rows">
                <div data-metric="under-replicated">
                    <dt title="Partitions whose ISR is smaller than their replica set (UnderReplicatedPartitions)">{ "under-replicated partitions" }</dt>
                    <dd><Sparkline values={values(&h.under_replicated)} label="under-replicated partitions" /><span class="metric-now">{ under }</span></dd>
                </div>
                <div data-metric="offline">
                    <dt title="Partitions with no leader: nobody can write or read them (OfflinePartitionsCount)">{ "offline partitions" }</dt>
                    <dd><Sparkline values={values(&h.offline)} label="offline partitions" /><span class="metric-now">{ offline }</span></dd>
                </div>
                <div data-metric="acknowledged">
                    <dt title="Records the producers were told are written, per second">{ "acknowledged /s" }</dt>
                    <dd><Sparkline values={values(&h.acknowledged_per_sec)} label="records acknowledged per second" /></dd>
                </div>
                <div data-metric="failed">
                    <dt title="Records whose produce request failed, per second">{ "failed /s" }</dt>
                    <dd><Sparkline values={values(&h.failed_per_sec)} label="records failed per second" class="bad" /></dd>
                </div>
            </dl>
            { produce_outcomes(s) }
            <h3>{ "Partitions" }</h3>
            <table class="metric-table">
                <thead><tr><th scope="col">{ "partition" }</th><th scope="col">{ "written /s" }</th><th scope="col">{ "LEO" }</th></tr></thead>
                <tbody>
                    { for h.partition_in.iter().map(|((topic, partition), ring)| {
                        let leo = s.topics.iter().find(|t| *t.name == **topic)
                            .and_then(|t| t.partitions.iter().find(|p| p.partition == *partition))
                            .map_or(0, |p| p.log_end_offset);
                        let name = format!("{topic}-{partition}");
                        html! {
                            <tr data-metric-partition={name.clone()}>
                                <th scope="row">{ name.clone() }</th>
                                <td><Sparkline values={values(ring)} label={format!("{name} records written per second")} /></td>
                                <td class="num">{ leo }</td>
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
            <h3>{ "Members" }</h3>
            <table class="metric-table">
                <thead><tr><th scope="col">{ "member" }</th><th scope="col">{ "consumed /s" }</th><th scope="col">{ "lag (records)" }</th><th scope="col">{ "lag (s)" }</th></tr></thead>
                <tbody>
                    { for s.groups.iter().flat_map(|g| g.members.iter().map(move |m| (g, m))).filter_map(|(g, m)| {
                        let key = (g.name.clone(), m.member_id.clone());
                        let rate = h.member_rate.get(&key)?;
                        let lag = h.member_lag.get(&key)?;
                        let in_rate: f64 = m.partitions.iter().filter_map(|p| h.partition_rate(&p.topic, p.partition)).sum();
                        let seconds = lag_seconds(m.lag, in_rate).map_or_else(|| "–".into(), short_number);
                        Some(html! {
                            <tr data-metric-member={m.member_id.clone()}>
                                <th scope="row" title={m.member_id.clone()}>{ m.client_id.clone() }</th>
                                <td><Sparkline values={values(rate)} label={format!("{} records consumed per second", m.client_id)} /></td>
                                <td><Sparkline values={values(lag)} label={format!("{} lag in records", m.client_id)} /></td>
                                <td class="num" title="lag ÷ the recent write rate of its partitions">{ seconds }</td>
                            </tr>
                        })
                    }) }
                </tbody>
            </table>
        </section>
    }
}

/// Totals per producer: acknowledged, and failed by Kafka error name.
fn produce_outcomes(s: &Snapshot) -> Html {
    html! {
        <ul class="outcomes" aria-label="Produce outcomes">
            { for s.producers.iter().map(|p| html! {
                <li data-outcomes={p.name.clone()}>
                    <strong>{ p.name.clone() }</strong>{ format!(": {} sent, {} acknowledged", p.stats.sent, p.stats.acknowledged) }
                    { for p.failures().map(|(error, n)| html! {
                        <span class="failure" data-error={error.name()}>{ format!(", {n} failed with {}", error.name()) }</span>
                    }) }
                    if !p.troubled_partitions.is_empty() {
                        <br />
                        <span class="troubled" title="Partitions whose last produce outcome was an error">
                            { "now failing: " }
                            { for p.troubled_partitions.iter().map(|(partition, error)| html! {
                                <span class="failure" data-troubled={format!("{}-{partition}", p.topic)}>{ format!("{}-{partition} {error} ", p.topic) }</span>
                            }) }
                        </span>
                    }
                </li>
            }) }
        </ul>
    }
}
