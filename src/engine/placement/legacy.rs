//! The ZooKeeper-era `AdminUtils.assignReplicasToBrokers` (core `kafka.admin.AdminUtils`, later
//! `org.apache.kafka.admin.AdminUtils`), still what `kafka-reassign-partitions --generate` proposes.
//!
//! Leaders go round-robin over the broker list from a start index; followers sit right after the
//! leader at a *shift* that grows by one every `n` partitions, so successive rounds pair brokers
//! differently. When every broker has a rack, the list is first rearranged to alternate racks and
//! followers skip brokers whose rack (or the broker itself) already holds a replica until every rack
//! has one.

use super::java_random::{JavaRandom, java_string_cmp};
use super::{BrokerInfo, PlacementError};
use crate::engine::types::BrokerId;
use std::collections::{BTreeMap, BTreeSet};

/// Where the round-robin starts: Kafka's `startIndex` (first leader position) and
/// `nextReplicaShift` (initial follower shift).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LegacyStart {
    pub start_index: usize,
    pub replica_shift: usize,
}

impl LegacyStart {
    /// Kafka's `fixedStartIndex ≥ 0`: both the start index and the shift take that value.
    pub fn fixed(fixed_start_index: usize) -> Self {
        Self { start_index: fixed_start_index, replica_shift: fixed_start_index }
    }

    /// Kafka's `fixedStartIndex < 0`: `RAND.nextInt(n)` for the start index, then again for the shift.
    fn draw<R: JavaRandom + ?Sized>(broker_count: usize, rng: &mut R) -> Self {
        let start_index = rng.next_int(broker_count);
        let replica_shift = rng.next_int(broker_count);
        Self { start_index, replica_shift }
    }
}

/// `AdminUtils.assignReplicasToBrokers(brokers, nPartitions, replicationFactor, fixedStartIndex, startPartitionId)`.
///
/// Returns partition id → replicas (leader first) for partitions `max(0, start_partition_id)` onwards.
/// A negative `fixed_start_index` draws the start index and shift from `rng` (Kafka's static
/// `new Random()`); otherwise `rng` is not used. Rack-unaware brokers are taken in the given order.
pub fn assign_replicas_to_brokers<R: JavaRandom + ?Sized>(
    brokers: &[BrokerInfo],
    partitions: u32,
    replication_factor: i32,
    fixed_start_index: i32,
    start_partition_id: i32,
    rng: &mut R,
) -> Result<BTreeMap<u32, Vec<BrokerId>>, PlacementError> {
    let layout = validated_layout(brokers, partitions, replication_factor)?;
    let start = match usize::try_from(fixed_start_index) {
        Ok(fixed) => LegacyStart::fixed(fixed),
        Err(_) => LegacyStart::draw(layout.brokers.len(), rng),
    };
    Ok(assign_on_layout(&layout, partitions, replication_factor, start, start_partition_id))
}

/// The same assignment with an explicit start index and shift (which Kafka only ever sets equal, or
/// draws at random), so the view can show any `(start, shift)` pair deterministically.
pub fn assign_replicas_with_start(
    brokers: &[BrokerInfo],
    partitions: u32,
    replication_factor: i32,
    start: LegacyStart,
    start_partition_id: i32,
) -> Result<BTreeMap<u32, Vec<BrokerId>>, PlacementError> {
    let layout = validated_layout(brokers, partitions, replication_factor)?;
    Ok(assign_on_layout(&layout, partitions, replication_factor, start, start_partition_id))
}

/// `AdminUtils.getRackAlternatedBrokerList`: racks in Java string order, brokers of each rack in
/// ascending id order, then one broker per rack in turn until all are listed.
///
/// Example (Kafka's javadoc): `{0: rack1, 1: rack3, 2: rack3, 3: rack2, 4: rack2, 5: rack1}` → `[0, 3, 1, 5, 4, 2]`.
pub fn rack_alternated_broker_list(broker_racks: &BTreeMap<BrokerId, String>) -> Vec<BrokerId> {
    let mut by_rack: BTreeMap<&str, Vec<BrokerId>> = BTreeMap::new();
    for (broker, rack) in broker_racks {
        by_rack.entry(rack.as_str()).or_default().push(*broker); // ids arrive ascending
    }
    let mut racks: Vec<(&str, std::vec::IntoIter<BrokerId>)> =
        by_rack.into_iter().map(|(rack, ids)| (rack, ids.into_iter())).collect();
    racks.sort_by(|a, b| java_string_cmp(a.0, b.0));
    let mut alternated = Vec::with_capacity(broker_racks.len());
    while alternated.len() < broker_racks.len() {
        for (_, ids) in &mut racks {
            alternated.extend(ids.next());
        }
    }
    alternated
}

/// The broker list the round-robin walks, plus each broker's rack when assigning rack-aware.
struct Layout {
    brokers: Vec<BrokerId>,
    racks: Option<BTreeMap<BrokerId, String>>,
}

/// Kafka's checks, in its order: partitions, replication factor, broker count, then rack completeness
/// (rack-aware only if every broker has a rack, rack-unaware if none has, an error otherwise).
fn validated_layout(
    brokers: &[BrokerInfo],
    partitions: u32,
    replication_factor: i32,
) -> Result<Layout, PlacementError> {
    if partitions == 0 {
        return Err(PlacementError::LegacyNonPositivePartitions);
    }
    if replication_factor <= 0 {
        return Err(PlacementError::LegacyNonPositiveReplicationFactor);
    }
    if usize::try_from(replication_factor).is_ok_and(|needed| needed > brokers.len()) {
        return Err(PlacementError::LegacyNotEnoughBrokers { replication_factor, available: brokers.len() });
    }
    if brokers.iter().all(|broker| broker.rack.is_none()) {
        return Ok(Layout { brokers: brokers.iter().map(|broker| broker.id).collect(), racks: None });
    }
    let racks = brokers
        .iter()
        .map(|broker| broker.rack.clone().map(|rack| (broker.id, rack)))
        .collect::<Option<BTreeMap<BrokerId, String>>>()
        .ok_or(PlacementError::LegacyIncompleteRackInformation)?;
    // Simplification: Kafka keys brokers by id here, so a repeated id counts once and would make its
    // follower arithmetic divide by zero; the engine reports too few brokers instead.
    if usize::try_from(replication_factor).is_ok_and(|needed| needed > racks.len()) {
        return Err(PlacementError::LegacyNotEnoughBrokers { replication_factor, available: racks.len() });
    }
    Ok(Layout { brokers: rack_alternated_broker_list(&racks), racks: Some(racks) })
}

/// The round-robin itself, over a validated layout (`brokers` non-empty, `0 < rf ≤ brokers`).
fn assign_on_layout(
    layout: &Layout,
    partitions: u32,
    replication_factor: i32,
    start: LegacyStart,
    start_partition_id: i32,
) -> BTreeMap<u32, Vec<BrokerId>> {
    let broker_count = layout.brokers.len();
    let followers = usize::try_from(replication_factor).unwrap_or(0).saturating_sub(1);
    let first_partition = start_partition_id.max(0).unsigned_abs();
    let mut shift = start.replica_shift;
    let mut assignment = BTreeMap::new();
    for partition in (first_partition..).take(partitions as usize) {
        let index = partition as usize;
        if index > 0 && index.is_multiple_of(broker_count) {
            shift += 1;
        }
        let leader_index = (index + start.start_index) % broker_count;
        let replicas = match &layout.racks {
            None => rack_unaware_replicas(&layout.brokers, leader_index, shift, followers),
            Some(racks) => rack_aware_replicas(&layout.brokers, racks, leader_index, shift, followers),
        };
        assignment.insert(partition, replicas);
    }
    assignment
}

/// Leader at `leader_index`, follower `j` at `replica_index(leader_index, shift, j)`.
fn rack_unaware_replicas(brokers: &[BrokerId], leader_index: usize, shift: usize, followers: usize) -> Vec<BrokerId> {
    let follower_ids = (0..followers).map(|j| brokers[replica_index(leader_index, shift, j, brokers.len())]);
    std::iter::once(brokers[leader_index]).chain(follower_ids).collect()
}

/// Leader at `leader_index` of the rack-alternated list; followers walk `replica_index` with the shift
/// multiplied by the number of racks, skipping a broker if its rack already has a replica while some
/// rack has none, or if it already has a replica while some broker has none.
fn rack_aware_replicas(
    brokers: &[BrokerId],
    racks: &BTreeMap<BrokerId, String>,
    leader_index: usize,
    shift: usize,
    followers: usize,
) -> Vec<BrokerId> {
    let rack_of = |broker: BrokerId| racks.get(&broker).map(String::as_str);
    let rack_count = racks.values().collect::<BTreeSet<_>>().len();
    let leader = brokers[leader_index];
    let mut replicas = vec![leader];
    let mut racks_used = BTreeSet::from([rack_of(leader)]);
    let mut brokers_used = BTreeSet::from([leader]);
    let mut step = 0;
    while replicas.len() <= followers {
        let candidate = brokers[replica_index(leader_index, shift * rack_count, step, brokers.len())];
        let rack = rack_of(candidate);
        let rack_ok = !racks_used.contains(&rack) || racks_used.len() == rack_count;
        let broker_ok = !brokers_used.contains(&candidate) || brokers_used.len() == brokers.len();
        if rack_ok && broker_ok {
            replicas.push(candidate);
            racks_used.insert(rack);
            brokers_used.insert(candidate);
        }
        step += 1;
    }
    replicas
}

/// `AdminUtils.replicaIndex`: `(first + 1 + (shift + j) mod (n − 1)) mod n` — never the leader itself.
/// Only called when there are followers, so `n ≥ 2`.
fn replica_index(first_index: usize, shift: usize, replica: usize, broker_count: usize) -> usize {
    let offset = 1 + (shift + replica) % (broker_count - 1);
    (first_index + offset) % broker_count
}
