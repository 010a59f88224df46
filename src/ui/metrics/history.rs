//! Metrics over time, sampled in the UI from snapshots (the engine keeps no history of its own): per
//! partition and per member throughput and lag, under-replicated and offline partition counts, produce outcomes.
//!
//! Bounded: every series is a `Ring` of `SAMPLES` points, and at most `MAX_SERIES` partitions and members are
//! followed (the first ones in snapshot order); series of members that left are dropped.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::ring::Ring;
use crate::engine::snapshot::Snapshot;
use crate::engine::{Millis, Offset};

/// One sample a second of virtual time.
pub const SAMPLE_EVERY_MS: Millis = 1_000;
/// Two minutes of virtual time per series.
pub const SAMPLES: usize = 120;
/// Partitions (and, separately, members) followed at most.
pub const MAX_SERIES: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    pub at: Millis,
    pub value: f64,
}

/// A partition, `topic-partition`.
pub type PartitionKey = (Arc<str>, u32);
/// A member of a group: (group name, member id).
pub type MemberKey = (String, String);

#[derive(Clone, Debug, PartialEq)]
pub struct MetricsHistory {
    last_at: Option<Millis>,
    prev_leo: BTreeMap<PartitionKey, Offset>,
    /// Member → partition → position at the last sample: consumption is position growth of partitions the
    /// member kept between samples (a partition that moved in a rebalance does not count as consumed).
    prev_positions: BTreeMap<MemberKey, BTreeMap<PartitionKey, Offset>>,
    prev_acknowledged: u64,
    prev_failed: u64,
    /// Records appended per second (growth of the partition's log end offset).
    pub partition_in: BTreeMap<PartitionKey, Ring<Sample>>,
    /// Records consumed per second by a member.
    pub member_rate: BTreeMap<MemberKey, Ring<Sample>>,
    /// A member's lag in records (sum over its partitions).
    pub member_lag: BTreeMap<MemberKey, Ring<Sample>>,
    pub under_replicated: Ring<Sample>,
    pub offline: Ring<Sample>,
    pub acknowledged_per_sec: Ring<Sample>,
    pub failed_per_sec: Ring<Sample>,
}

impl Default for MetricsHistory {
    fn default() -> Self {
        MetricsHistory {
            last_at: None,
            prev_leo: BTreeMap::new(),
            prev_positions: BTreeMap::new(),
            prev_acknowledged: 0,
            prev_failed: 0,
            partition_in: BTreeMap::new(),
            member_rate: BTreeMap::new(),
            member_lag: BTreeMap::new(),
            under_replicated: Ring::new(SAMPLES),
            offline: Ring::new(SAMPLES),
            acknowledged_per_sec: Ring::new(SAMPLES),
            failed_per_sec: Ring::new(SAMPLES),
        }
    }
}

/// Under-replicated (ISR smaller than the replica set) and offline (no leader) partitions, as
/// `kafka-topics --describe --under-replicated-partitions` / `--unavailable-partitions` count them.
pub fn replication_health(snapshot: &Snapshot) -> (usize, usize) {
    let partitions = || snapshot.topics.iter().flat_map(|t| &t.partitions);
    let under = partitions().filter(|p| p.isr.len() < p.replicas.len()).count();
    let offline = partitions().filter(|p| p.leader.is_none()).count();
    (under, offline)
}

/// Lag in seconds: how long the records behind would take to arrive at the partition's recent write rate.
/// None when nothing is being written (lag then never catches up by waiting; it is not a time).
pub fn lag_seconds(lag_records: u64, records_per_sec: f64) -> Option<f64> {
    (records_per_sec > 0.0).then(|| lag_records as f64 / records_per_sec)
}

fn per_sec(delta: u64, dt_ms: Millis) -> f64 {
    delta as f64 * 1_000.0 / dt_ms.max(1) as f64
}

fn push<K: Ord>(series: &mut BTreeMap<K, Ring<Sample>>, key: K, at: Millis, value: f64) {
    if series.len() < MAX_SERIES || series.contains_key(&key) {
        series.entry(key).or_insert_with(|| Ring::new(SAMPLES)).push(Sample { at, value });
    }
}

impl MetricsHistory {
    /// Take a sample if a sampling interval has passed since the last one.
    pub fn observe(&mut self, snapshot: &Snapshot) {
        if self.last_at.is_some_and(|last| snapshot.time < last + SAMPLE_EVERY_MS) {
            return;
        }
        let dt = self.last_at.map(|last| snapshot.time - last);
        self.last_at = Some(snapshot.time);
        let at = snapshot.time;
        self.sample_partitions(snapshot, at, dt);
        self.sample_members(snapshot, at, dt);
        let (under, offline) = replication_health(snapshot);
        self.under_replicated.push(Sample { at, value: under as f64 });
        self.offline.push(Sample { at, value: offline as f64 });
        let acked: u64 = snapshot.producers.iter().map(|p| p.stats.acknowledged).sum();
        let failed: u64 = snapshot.producers.iter().map(|p| p.stats.failed_total()).sum();
        if let Some(dt) = dt {
            let acked_rate = per_sec(acked.saturating_sub(self.prev_acknowledged), dt);
            self.acknowledged_per_sec.push(Sample { at, value: acked_rate });
            let failed_rate = per_sec(failed.saturating_sub(self.prev_failed), dt);
            self.failed_per_sec.push(Sample { at, value: failed_rate });
        }
        self.prev_acknowledged = acked;
        self.prev_failed = failed;
    }

    fn sample_partitions(&mut self, snapshot: &Snapshot, at: Millis, dt: Option<Millis>) {
        let mut leo = BTreeMap::new();
        for topic in &snapshot.topics {
            let name: Arc<str> = topic.name.as_str().into();
            for p in &topic.partitions {
                let key = (Arc::clone(&name), p.partition);
                if let (Some(dt), Some(prev)) = (dt, self.prev_leo.get(&key)) {
                    let rate = per_sec(p.log_end_offset.saturating_sub(*prev), dt);
                    push(&mut self.partition_in, key.clone(), at, rate);
                }
                leo.insert(key, p.log_end_offset);
            }
        }
        self.partition_in.retain(|k, _| leo.contains_key(k));
        self.prev_leo = leo;
    }

    fn sample_members(&mut self, snapshot: &Snapshot, at: Millis, dt: Option<Millis>) {
        let mut positions = BTreeMap::new();
        for group in &snapshot.groups {
            for m in &group.members {
                let key = (group.name.clone(), m.member_id.clone());
                let now: BTreeMap<PartitionKey, Offset> =
                    m.partitions.iter().map(|p| ((p.topic.clone(), p.partition), p.position)).collect();
                if let (Some(dt), Some(prev)) = (dt, self.prev_positions.get(&key)) {
                    let consumed: u64 =
                        now.iter().filter_map(|(tp, pos)| prev.get(tp).map(|before| pos.saturating_sub(*before))).sum();
                    push(&mut self.member_rate, key.clone(), at, per_sec(consumed, dt));
                }
                push(&mut self.member_lag, key.clone(), at, m.lag as f64);
                positions.insert(key, now);
            }
        }
        self.member_rate.retain(|k, _| positions.contains_key(k));
        self.member_lag.retain(|k, _| positions.contains_key(k));
        self.prev_positions = positions;
    }

    /// The timeline went back to `t`: forget samples after it. The next sample starts a fresh baseline.
    pub fn rewind(&mut self, t: Millis) {
        let after = |s: &Sample| s.at > t;
        let all =
            self.partition_in.values_mut().chain(self.member_rate.values_mut()).chain(self.member_lag.values_mut());
        all.for_each(|ring| ring.truncate_back_while(after));
        for ring in
            [&mut self.under_replicated, &mut self.offline, &mut self.acknowledged_per_sec, &mut self.failed_per_sec]
        {
            ring.truncate_back_while(after);
        }
        self.last_at = None;
        self.prev_leo.clear();
        self.prev_positions.clear();
    }

    /// The latest write rate of a partition, records per second.
    pub fn partition_rate(&self, topic: &str, partition: u32) -> Option<f64> {
        self.partition_in.get(&(Arc::from(topic), partition)).and_then(|r| r.last()).map(|s| s.value)
    }
}

/// The values of a series, oldest first, for a chart.
pub fn values(ring: &Ring<Sample>) -> Vec<f64> {
    ring.iter().map(|s| s.value).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sim::Engine;
    use crate::ui::default_valid_scenario;

    fn sampled_every_second(until_ms: Millis) -> (Engine, MetricsHistory) {
        let mut engine = Engine::new(&default_valid_scenario());
        let mut history = MetricsHistory::default();
        for t in (0..=until_ms).step_by(250) {
            engine.advance_to(t);
            history.observe(&engine.snapshot());
        }
        (engine, history)
    }

    #[test]
    fn samples_once_per_interval_and_stays_bounded() {
        let (_, history) = sampled_every_second(200_000);
        assert_eq!(history.under_replicated.len(), SAMPLES, "200 s at one sample a second, capped at {SAMPLES}");
        assert!(history.partition_in.len() <= MAX_SERIES);
        let times: Vec<Millis> = history.offline.iter().map(|s| s.at).collect();
        assert!(times.windows(2).all(|w| w[1] - w[0] == SAMPLE_EVERY_MS), "{times:?}");
    }

    #[test]
    fn partition_write_rates_add_up_to_the_producer_rate() {
        let (_, history) = sampled_every_second(60_000);
        let total: f64 = (0..3).filter_map(|p| history.partition_rate("orders", p)).sum();
        let mean_total: f64 =
            history.partition_in.values().map(|r| values(r).iter().sum::<f64>() / r.len() as f64).sum();
        assert!((1.0..=6.0).contains(&mean_total), "default producer writes 3 records/s; mean was {mean_total}");
        assert!(total >= 0.0);
        assert_eq!(history.member_rate.len(), 3, "three members followed");
    }

    #[test]
    fn rewind_drops_later_samples() {
        let (_, mut history) = sampled_every_second(30_000);
        history.rewind(10_500);
        assert!(history.offline.iter().all(|s| s.at <= 10_500));
        assert_eq!(history.offline.last().map(|s| s.at), Some(10_000));
    }

    #[test]
    fn lag_in_seconds_needs_a_write_rate() {
        assert_eq!(lag_seconds(30, 3.0), Some(10.0));
        assert_eq!(lag_seconds(30, 0.0), None);
    }
}
