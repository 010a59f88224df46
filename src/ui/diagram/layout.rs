//! Where everything goes: a pure function from a snapshot to rectangles, laid out like the seed's
//! picture (producers on top, the cluster with one column per broker, consumer groups below).
//! Kept apart from rendering so it can be tested natively and reused by exports.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::engine::BrokerId;
use crate::engine::snapshot::{Role, Snapshot};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center_x(&self) -> f64 {
        self.x + self.w / 2.0
    }
    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }
    /// Point on the top edge, centred.
    pub fn top_mid(&self) -> (f64, f64) {
        (self.center_x(), self.y)
    }
    /// Point on the bottom edge, centred.
    pub fn bottom_mid(&self) -> (f64, f64) {
        (self.center_x(), self.bottom())
    }
}

/// Identifies one replica box: (broker, topic, partition).
pub type ReplicaKey = (BrokerId, Arc<str>, u32);

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    pub producers: Vec<Rect>,
    pub cluster: Rect,
    pub brokers: Vec<Rect>,
    pub replicas: BTreeMap<ReplicaKey, Rect>,
    pub groups: Vec<Rect>,
    /// Member boxes by member id.
    pub members: BTreeMap<String, Rect>,
    /// Where each partition's pull arrow leaves its leader's broker: (topic, partition) → point.
    pub pull_origins: BTreeMap<(Arc<str>, u32), (f64, f64)>,
}

pub const MARGIN: f64 = 24.0;
pub const BROKER_W: f64 = 210.0;
pub const BROKER_GAP: f64 = 28.0;
pub const BROKER_HEADER: f64 = 34.0;
pub const REPLICA_H: f64 = 50.0;
pub const REPLICA_GAP: f64 = 8.0;
pub const PRODUCER_W: f64 = 190.0;
pub const PRODUCER_H: f64 = 54.0;
pub const MEMBER_W: f64 = 200.0;
pub const MEMBER_GAP: f64 = 20.0;
pub const MEMBER_HEADER: f64 = 30.0;
pub const MEMBER_LINE_H: f64 = 18.0;
pub const CLUSTER_HEADER: f64 = 34.0;
/// Vertical room between layers, where the produce and pull arrows run.
pub const LAYER_GAP: f64 = 70.0;

pub fn layout(snapshot: &Snapshot) -> Layout {
    let broker_count = snapshot.brokers.len().max(1) as f64;
    let max_replicas = snapshot.brokers.iter().map(|b| b.replicas.len()).max().unwrap_or(0) as f64;
    let broker_h = BROKER_HEADER + max_replicas * (REPLICA_H + REPLICA_GAP) + REPLICA_GAP;
    let cluster_inner_w = broker_count * BROKER_W + (broker_count - 1.0) * BROKER_GAP;
    let cluster_w = cluster_inner_w + 2.0 * BROKER_GAP;

    let member_rows: Vec<usize> = snapshot.groups.iter().map(|g| g.members.len().max(1)).collect();
    let widest_group = member_rows.iter().copied().max().unwrap_or(0) as f64;
    let groups_w = widest_group * MEMBER_W + (widest_group + 1.0) * MEMBER_GAP;
    let producers_w = snapshot.producers.len() as f64 * (PRODUCER_W + MEMBER_GAP);
    let width = cluster_w.max(groups_w).max(producers_w) + 2.0 * MARGIN;

    // Producer layer, centred.
    let producers_y = MARGIN;
    let producers_total =
        snapshot.producers.len() as f64 * PRODUCER_W + (snapshot.producers.len().max(1) - 1) as f64 * MEMBER_GAP;
    let producers_x = (width - producers_total) / 2.0;
    let producers = (0..snapshot.producers.len())
        .map(|i| Rect {
            x: producers_x + i as f64 * (PRODUCER_W + MEMBER_GAP),
            y: producers_y,
            w: PRODUCER_W,
            h: PRODUCER_H,
        })
        .collect();

    // The cluster: one column per broker, replicas stacked in it.
    let cluster = Rect {
        x: (width - cluster_w) / 2.0,
        y: producers_y + PRODUCER_H + LAYER_GAP,
        w: cluster_w,
        h: CLUSTER_HEADER + broker_h + BROKER_GAP,
    };
    let mut brokers = Vec::new();
    let mut replicas = BTreeMap::new();
    let mut pull_origins = BTreeMap::new();
    for (i, broker) in snapshot.brokers.iter().enumerate() {
        let rect = Rect {
            x: cluster.x + BROKER_GAP + i as f64 * (BROKER_W + BROKER_GAP),
            y: cluster.y + CLUSTER_HEADER,
            w: BROKER_W,
            h: broker_h,
        };
        // Leaders sit at the top of their broker, so produce arrows reach them without crossing followers.
        let (leaders, followers): (Vec<_>, Vec<_>) = broker.replicas.iter().partition(|r| r.role == Role::Leader);
        for (j, r) in leaders.iter().chain(&followers).enumerate() {
            let y = rect.y + BROKER_HEADER + j as f64 * (REPLICA_H + REPLICA_GAP);
            let replica = Rect { x: rect.x + 10.0, y, w: rect.w - 20.0, h: REPLICA_H };
            replicas.insert((broker.id, r.topic.clone(), r.partition), replica);
        }
        // Pull arrows leave from the broker's bottom edge, spread out when it leads several partitions.
        let spacing = rect.w / (leaders.len() + 1) as f64;
        for (k, r) in leaders.iter().enumerate() {
            pull_origins.insert((r.topic.clone(), r.partition), (rect.x + spacing * (k + 1) as f64, rect.bottom()));
        }
        brokers.push(rect);
    }

    // Consumer groups, one band each, members side by side.
    let mut groups = Vec::new();
    let mut members = BTreeMap::new();
    let mut y = cluster.bottom() + LAYER_GAP;
    for group in &snapshot.groups {
        let lines = group.members.iter().map(|m| m.partitions.len().max(1)).max().unwrap_or(1) as f64;
        let member_h = MEMBER_HEADER + lines * MEMBER_LINE_H + 12.0;
        let n = group.members.len().max(1) as f64;
        let w = n * MEMBER_W + (n + 1.0) * MEMBER_GAP;
        let band = Rect { x: (width - w) / 2.0, y, w, h: CLUSTER_HEADER + member_h + MEMBER_GAP };
        for (i, m) in group.members.iter().enumerate() {
            let rect = Rect {
                x: band.x + MEMBER_GAP + i as f64 * (MEMBER_W + MEMBER_GAP),
                y: band.y + CLUSTER_HEADER,
                w: MEMBER_W,
                h: member_h,
            };
            members.insert(m.member_id.clone(), rect);
        }
        y = band.bottom() + MEMBER_GAP;
        groups.push(band);
    }

    Layout { width, height: y + MARGIN, producers, cluster, brokers, replicas, groups, members, pull_origins }
}
