//! The KRaft controller's `StripedReplicaPlacer` (metadata/.../placement/StripedReplicaPlacer.java).
//!
//! Brokers are grouped by rack (no rack is one rack of its own). Each rack keeps a sorted list of
//! unfenced and one of fenced brokers, each with a random start offset; the sorted rack list has its
//! own random start offset. Partition `p` takes its leader from the first rack (from the rack offset)
//! that still has an unfenced broker this "epoch", then followers round-robin over the racks,
//! unfenced brokers before fenced ones. Each partition is a new epoch: every list's offset advances
//! by one, which produces the characteristic stripes. After as many partitions as there are unfenced
//! brokers, the rack list and every broker list are shuffled and the epoch count restarts.
//!
//! `QuorumController` builds the placer with `new Random()`, so real placements are not reproducible;
//! here the caller chooses the bit source ([`KafkaMockRandom`](super::KafkaMockRandom) for Kafka's test
//! vectors, the engine's `SimRng` for scenarios).

use super::java_random::{
    JavaRandom, java_hash_map_iteration_order, java_shuffle, java_string_hash, optional_rack_cmp,
};
use super::{BrokerInfo, PlacementError};
use crate::engine::types::BrokerId;

/// Places a whole new topic as `StripedReplicaPlacer.place(PlacementSpec, ClusterDescriber)` does:
/// one fresh [`StripedRackList`] (drawing its random offsets), the topic-level checks in Kafka's order
/// (positive RF, some unfenced broker, enough brokers), then one `RackList.place` per partition.
///
/// Element `i` of the result is partition `i`'s replica list, leader first. `replication_factor` is a
/// Java `short` as in `CreateTopicsRequest`; the controller resolves `-1` ("broker default") before
/// calling the placer, so any value ≤ 0 here is an error.
pub fn place_striped<R: JavaRandom + ?Sized>(
    brokers: &[BrokerInfo],
    partitions: u32,
    replication_factor: i16,
    rng: &mut R,
) -> Result<Vec<Vec<BrokerId>>, PlacementError> {
    let mut rack_list = StripedRackList::new(brokers, rng);
    let replication_factor = i32::from(replication_factor);
    require_positive(replication_factor)?;
    require_some_unfenced(rack_list.unfenced_brokers())?;
    require_enough_brokers(replication_factor, rack_list.total_brokers())?;
    (0..partitions).map(|_| rack_list.place_partition(replication_factor, rng)).collect()
}

/// The "deterministic form" of the first round of striped placement on one rack of unfenced brokers
/// (kafka-reference.md §3.7a): with the brokers sorted as `B` (`n` of them) and the random start `s`,
/// partition `p` gets `[B[(s+p) mod n], B[(s+p+1) mod n], …, B[(s+p+RF−1) mod n]]`.
///
/// This is what [`place_striped`] yields for partitions `0..n` when the unfenced list's random offset
/// is `start`; from partition `n` on Kafka reshuffles, so for `partitions > n` this helper simply keeps
/// striping over the unshuffled list (a fixed, seed-independent layout for the view, not Kafka's output).
/// The brokers are sorted here, so any order may be passed.
pub fn striped_first_round(
    sorted_brokers: &[BrokerId],
    start: usize,
    replication_factor: i16,
    partitions: usize,
) -> Result<Vec<Vec<BrokerId>>, PlacementError> {
    let replication_factor_int = i32::from(replication_factor);
    require_positive(replication_factor_int)?;
    require_enough_brokers(replication_factor_int, sorted_brokers.len())?;
    let mut brokers = sorted_brokers.to_vec();
    brokers.sort_unstable();
    let count = brokers.len();
    let replicas = replication_factor.unsigned_abs() as usize;
    let stripe = |partition: usize| (0..replicas).map(|j| brokers[(start + partition + j) % count]).collect();
    Ok((0..partitions).map(stripe).collect())
}

/// Kafka's `RackList`: the placer's whole state for one `place` call, advanced one partition at a time.
///
/// Exposed so the view (and tests) can step placement partition by partition, as
/// `StripedReplicaPlacerTest` does with `rackList.place(rf)`. The same random source must be passed to
/// [`new`](Self::new) and every [`place`](Self::place), as Kafka's `RackList` keeps its `Random`.
#[derive(Clone, Debug)]
pub struct StripedRackList {
    /// Racks in the order Java's `HashMap<Optional<String>, Rack>` iterates them: the order in which
    /// they draw their offsets and shuffle.
    racks: Vec<Rack>,
    /// Kafka's `rackNames`: indices into `racks`, sorted by name, reshuffled every epoch.
    rack_order: Vec<usize>,
    total_brokers: usize,
    unfenced_brokers: usize,
    /// Partitions placed since the last shuffle.
    epoch: u32,
    /// Position in `rack_order` of the rack that leads the next partition (before skipping).
    offset: usize,
}

impl StripedRackList {
    /// Groups the brokers by rack and draws the random offsets, as `RackList`'s constructor does:
    /// per rack (in Java `HashMap` order) the fenced list's offset, then the unfenced list's, then the
    /// rack list's offset. Lists that are empty draw nothing.
    ///
    /// Brokers are taken in the given order (Kafka iterates the controller's registrations); order only
    /// matters for racks whose names collide in a Java `HashMap` bucket. Broker ids are assumed unique.
    pub fn new<R: JavaRandom + ?Sized>(brokers: &[BrokerInfo], rng: &mut R) -> Self {
        let racks = racks_in_java_hash_map_order(group_by_rack(brokers));
        let mut rack_list = Self {
            rack_order: sorted_rack_order(&racks),
            racks,
            total_brokers: brokers.len(),
            unfenced_brokers: brokers.iter().filter(|b| !b.fenced).count(),
            epoch: 0,
            offset: 0,
        };
        for rack in &mut rack_list.racks {
            rack.initialize(rng);
        }
        if !rack_list.rack_order.is_empty() {
            rack_list.offset = rng.next_int(rack_list.rack_order.len());
        }
        rack_list
    }

    /// All brokers, fenced or not (`numTotalBrokers`).
    pub fn total_brokers(&self) -> usize {
        self.total_brokers
    }

    /// Brokers that may lead (`numUnfencedBrokers`).
    pub fn unfenced_brokers(&self) -> usize {
        self.unfenced_brokers
    }

    /// The rack names in their current iteration order (`rackNames`): sorted, empty rack first, until
    /// the first reshuffle.
    pub fn rack_names(&self) -> Vec<Option<&str>> {
        self.rack_order.iter().map(|index| self.racks[*index].name.as_deref()).collect()
    }

    /// Places the next partition (`RackList.place(replicationFactor)`), checking in that method's order:
    /// positive RF, enough registered brokers, some unfenced broker.
    pub fn place<R: JavaRandom + ?Sized>(
        &mut self,
        replication_factor: i32,
        rng: &mut R,
    ) -> Result<Vec<BrokerId>, PlacementError> {
        require_positive(replication_factor)?;
        require_enough_brokers(replication_factor, self.total_brokers)?;
        require_some_unfenced(self.unfenced_brokers)?;
        self.place_partition(replication_factor, rng)
    }

    /// One partition, once the checks have passed: reshuffle at the end of an epoch round, pick an
    /// unfenced leader, then the followers, then advance epoch and offset.
    fn place_partition<R: JavaRandom + ?Sized>(
        &mut self,
        replication_factor: i32,
        rng: &mut R,
    ) -> Result<Vec<BrokerId>, PlacementError> {
        // A single unfenced broker never reshuffles: the epoch would reset forever.
        if self.epoch as usize == self.unfenced_brokers && self.unfenced_brokers > 1 {
            self.shuffle(rng);
            self.epoch = 0;
        }
        if self.offset == self.rack_order.len() {
            self.offset = 0;
        }
        let stuck = PlacementError::StripedPlacerStuck { replication_factor };
        let (leader, leader_position) = self.pick_leader().ok_or_else(|| stuck.clone())?;
        let mut replicas = vec![leader];
        let mut walk = FollowerWalk { position: self.offset, leader_position: Some(leader_position) };
        for _ in 1..replication_factor {
            replicas.push(self.pick_follower(&mut walk).ok_or_else(|| stuck.clone())?);
        }
        self.epoch += 1;
        self.offset += 1;
        Ok(replicas)
    }

    /// The leader: the next unfenced broker of the first rack, from `offset` on, that still has one
    /// this epoch. Returns it with the position of its rack in `rack_order`.
    fn pick_leader(&mut self) -> Option<(BrokerId, usize)> {
        let rack_count = self.rack_order.len();
        (0..rack_count).map(|step| (self.offset + step) % rack_count).find_map(|position| {
            let rack = &mut self.racks[self.rack_order[position]];
            rack.unfenced.next(self.epoch).map(|leader| (leader, position))
        })
    }

    /// The next follower: racks round-robin from where the last follower was taken (starting at
    /// `offset`), any broker of the rack (unfenced first). The leader's rack is skipped the first time
    /// the walk meets it, so it only gives a second replica once every other rack has had a turn.
    ///
    /// Kafka loops until a broker turns up; two full turns without one mean every list is exhausted for
    /// this epoch, where Kafka would spin forever.
    fn pick_follower(&mut self, walk: &mut FollowerWalk) -> Option<BrokerId> {
        let rack_count = self.rack_order.len();
        for _ in 0..2 * rack_count + 1 {
            let position = walk.position;
            walk.position = (walk.position + 1) % rack_count;
            if walk.leader_position == Some(position) {
                walk.leader_position = None;
                continue;
            }
            let rack = &mut self.racks[self.rack_order[position]];
            if let Some(follower) = rack.next_any(self.epoch) {
                return Some(follower);
            }
        }
        None
    }

    /// `RackList.shuffle`: the rack order, then each rack's fenced and unfenced lists, in `HashMap` order.
    fn shuffle<R: JavaRandom + ?Sized>(&mut self, rng: &mut R) {
        java_shuffle(&mut self.rack_order, rng);
        for rack in &mut self.racks {
            rack.shuffle(rng);
        }
    }
}

/// Where the follower search of one partition stands: the next rack position to try, and the leader's
/// rack position until the walk has skipped it once (Kafka's `rackIndex` and `firstRackIndex`).
struct FollowerWalk {
    position: usize,
    leader_position: Option<usize>,
}

/// One rack's brokers (Kafka's `Rack`): unfenced ones are always offered before fenced ones.
#[derive(Clone, Debug)]
struct Rack {
    name: Option<String>,
    unfenced: BrokerCycle,
    fenced: BrokerCycle,
}

impl Rack {
    fn new(name: Option<String>) -> Self {
        Self { name, unfenced: BrokerCycle::default(), fenced: BrokerCycle::default() }
    }

    /// `Rack.initialize`: the fenced list draws its offset before the unfenced one.
    fn initialize<R: JavaRandom + ?Sized>(&mut self, rng: &mut R) {
        self.fenced.initialize(rng);
        self.unfenced.initialize(rng);
    }

    /// `Rack.shuffle`: fenced first, then unfenced.
    fn shuffle<R: JavaRandom + ?Sized>(&mut self, rng: &mut R) {
        java_shuffle(&mut self.fenced.brokers, rng);
        java_shuffle(&mut self.unfenced.brokers, rng);
    }

    /// `Rack.next`: an unfenced broker if one is left this epoch, else a fenced one.
    fn next_any(&mut self, epoch: u32) -> Option<BrokerId> {
        self.unfenced.next(epoch).or_else(|| self.fenced.next(epoch))
    }
}

/// Kafka's `BrokerList`: a list walked from a rotating offset, each broker at most once per epoch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct BrokerCycle {
    brokers: Vec<BrokerId>,
    /// Brokers handed out in the current epoch (`index`).
    taken: usize,
    offset: usize,
    /// The epoch `taken` counts for. Starts at 0 like Kafka's, so the first epoch does not rotate.
    epoch: u32,
}

impl BrokerCycle {
    /// `BrokerList.initialize(Random)`: sort ascending and draw the start offset (nothing for an empty list).
    fn initialize<R: JavaRandom + ?Sized>(&mut self, rng: &mut R) {
        if !self.brokers.is_empty() {
            self.brokers.sort_unstable();
            self.offset = rng.next_int(self.brokers.len());
        }
    }

    /// `BrokerList.next(epoch)`: a new epoch rotates the offset by one and makes every broker available
    /// again; `None` once all were handed out in this epoch.
    fn next(&mut self, epoch: u32) -> Option<BrokerId> {
        let len = self.brokers.len();
        if len == 0 {
            return None;
        }
        if self.epoch != epoch {
            self.epoch = epoch;
            self.taken = 0;
            self.offset = (self.offset + 1) % len;
        }
        if self.taken >= len {
            return None;
        }
        let broker = self.brokers[(self.taken + self.offset) % len];
        self.taken += 1;
        Some(broker)
    }
}

/// Racks in order of first appearance, each with its brokers split into unfenced and fenced.
fn group_by_rack(brokers: &[BrokerInfo]) -> Vec<Rack> {
    let mut racks: Vec<Rack> = Vec::new();
    for broker in brokers {
        let position = match racks.iter().position(|rack| rack.name == broker.rack) {
            Some(position) => position,
            None => {
                racks.push(Rack::new(broker.rack.clone()));
                racks.len() - 1
            }
        };
        let rack = &mut racks[position];
        let list = if broker.fenced { &mut rack.fenced } else { &mut rack.unfenced };
        list.brokers.push(broker.id);
    }
    racks
}

/// Reorders racks (given in insertion order) as Java's `HashMap<Optional<String>, Rack>` iterates them;
/// `Optional.hashCode()` is the name's `String.hashCode()`, or 0 for no rack.
fn racks_in_java_hash_map_order(racks: Vec<Rack>) -> Vec<Rack> {
    let hashes: Vec<i32> = racks.iter().map(|rack| rack.name.as_deref().map_or(0, java_string_hash)).collect();
    let order = java_hash_map_iteration_order(&hashes);
    let mut slots: Vec<Option<Rack>> = racks.into_iter().map(Some).collect();
    order.into_iter().filter_map(|index| slots[index].take()).collect()
}

/// `rackNames` after `sort(OptionalStringComparator)`: the empty rack first, then names in Java order.
fn sorted_rack_order(racks: &[Rack]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..racks.len()).collect();
    order.sort_by(|a, b| optional_rack_cmp(racks[*a].name.as_deref(), racks[*b].name.as_deref()));
    order
}

fn require_positive(replication_factor: i32) -> Result<(), PlacementError> {
    if replication_factor <= 0 {
        return Err(PlacementError::NonPositiveReplicationFactor { replication_factor });
    }
    Ok(())
}

fn require_some_unfenced(unfenced_brokers: usize) -> Result<(), PlacementError> {
    if unfenced_brokers == 0 {
        return Err(PlacementError::AllBrokersFenced);
    }
    Ok(())
}

fn require_enough_brokers(replication_factor: i32, registered: usize) -> Result<(), PlacementError> {
    if usize::try_from(replication_factor).is_ok_and(|needed| needed > registered) {
        return Err(PlacementError::NotEnoughBrokers { replication_factor, registered });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// StripedReplicaPlacerTest.testBrokerList: an empty list never yields; a list of four yields each
    /// broker once per epoch, and the next epoch starts one further along.
    #[test]
    fn broker_list_walks_each_broker_once_per_epoch() {
        let mut empty = BrokerCycle::default();
        assert_eq!(empty.next(1), None);
        let mut list = BrokerCycle { brokers: vec![0, 1, 2, 3], ..BrokerCycle::default() };
        let epoch0: Vec<Option<BrokerId>> = (0..6).map(|_| list.next(0)).collect();
        assert_eq!(epoch0, [Some(0), Some(1), Some(2), Some(3), None, None]);
        let epoch1: Vec<Option<BrokerId>> = (0..5).map(|_| list.next(1)).collect();
        assert_eq!(epoch1, [Some(1), Some(2), Some(3), Some(0), None]);
    }

    #[test]
    fn racks_draw_in_java_hash_map_order() {
        // "BB" and "Aa" share hashCode 2112 (bucket 0 after spreading: 2112 ^ 0 = 2112, 2112 & 15 = 0),
        // so insertion order decides; "1" (49) lands in bucket 1.
        let brokers =
            [BrokerInfo::new(1).in_rack("1"), BrokerInfo::new(2).in_rack("BB"), BrokerInfo::new(3).in_rack("Aa")];
        let racks = racks_in_java_hash_map_order(group_by_rack(&brokers));
        let names: Vec<Option<&str>> = racks.iter().map(|rack| rack.name.as_deref()).collect();
        assert_eq!(names, [Some("BB"), Some("Aa"), Some("1")]);

        // `HashMap.keySet()` of Optional.of("rack1") … Optional.of("rack13") on OpenJDK 17 (32 buckets).
        let brokers: Vec<BrokerInfo> = (1..=13).map(|i| BrokerInfo::new(i).in_rack(format!("rack{i}"))).collect();
        let racks = racks_in_java_hash_map_order(group_by_rack(&brokers));
        let names: Vec<&str> = racks.iter().filter_map(|rack| rack.name.as_deref()).collect();
        let jdk = [
            "rack3", "rack4", "rack5", "rack6", "rack1", "rack2", "rack7", "rack13", "rack8", "rack12", "rack9",
            "rack11", "rack10",
        ];
        assert_eq!(names, jdk);
    }
}
