//! What clients know of the cluster: each topic's partition leaders, as producers look them up.
//!
//! A producer's sender asks for the leader of every partition with batches on every pass
//! (`RecordAccumulator.ready` walks the whole metadata). Read from the partitions themselves that is a
//! cache miss per partition (and a broker lookup) per pass, thousands a millisecond at 5,000 partitions;
//! leaders change only on elections and broker starts and stops. So each topic's leaders are kept in a
//! compact table, rebuilt on first use after anything invalidated it, with each broker's partitions
//! (what a producer's drain walks).

use super::types::BrokerId;

/// One topic's leaders as a client's metadata holds them (`Cluster` in Kafka's clients): the leader of
/// each partition if it runs on a running broker, and each broker's partitions
/// (`Cluster.partitionsForNode`, in partition order: the order a producer's drain visits them).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicLeaders {
    leaders: Vec<Option<BrokerId>>,
    /// (leader, partition) of every partition with a leader, by leader, then partition.
    by_leader: Vec<(BrokerId, u32)>,
}

impl TopicLeaders {
    pub fn new(leaders: Vec<Option<BrokerId>>) -> Self {
        let mut by_leader: Vec<(BrokerId, u32)> =
            (0u32..).zip(&leaders).filter_map(|(partition, leader)| Some(((*leader)?, partition))).collect();
        by_leader.sort_unstable();
        TopicLeaders { leaders, by_leader }
    }

    /// The leader of `partition`, if it has one on a running broker.
    pub fn leader_of(&self, partition: u32) -> Option<BrokerId> {
        self.leaders.get(partition as usize).copied().flatten()
    }

    /// The partitions `node` leads, in partition order (as (leader, partition) pairs).
    pub fn partitions_led_by(&self, node: BrokerId) -> &[(BrokerId, u32)] {
        let start = self.by_leader.partition_point(|&(leader, _)| leader < node);
        let end = self.by_leader.partition_point(|&(leader, _)| leader <= node);
        &self.by_leader[start..end]
    }

    /// Each partition's leader, by partition.
    pub fn leaders(&self) -> &[Option<BrokerId>] {
        &self.leaders
    }
}

/// Per topic, its [`TopicLeaders`], rebuilt on first use after a change.
#[derive(Debug, Default)]
pub struct LeaderTables {
    /// Bumped by every change that can move a leader or stop or start a broker.
    version: u64,
    /// Per topic index: the version the table was built at, and the table.
    tables: Vec<(u64, TopicLeaders)>,
}

impl LeaderTables {
    /// Leadership, broker liveness or the topics changed: every table is rebuilt on its next use.
    pub fn invalidate(&mut self) {
        self.version += 1;
    }

    /// Number of the tables' current state: it changes whenever a leader, a broker's liveness or the
    /// topics may have changed.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// Whether `topic`'s table must be rebuilt before it is read.
    pub fn is_stale(&self, topic: usize) -> bool {
        self.tables.get(topic).is_none_or(|(built, _)| *built != self.version)
    }

    /// Store `topic`'s freshly built table.
    pub fn store(&mut self, topic: usize, leaders: Vec<Option<BrokerId>>) {
        if self.tables.len() <= topic {
            self.tables.resize_with(topic + 1, || (u64::MAX, TopicLeaders::default()));
        }
        self.tables[topic] = (self.version, TopicLeaders::new(leaders));
    }

    /// `topic`'s table as last stored (empty if never built).
    pub fn get(&self, topic: usize) -> &TopicLeaders {
        static EMPTY: TopicLeaders = TopicLeaders { leaders: Vec::new(), by_leader: Vec::new() };
        self.tables.get(topic).map_or(&EMPTY, |(_, leaders)| leaders)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_is_stale_until_built_and_again_after_an_invalidation() {
        let mut tables = LeaderTables::default();
        assert!(tables.is_stale(1));
        tables.store(1, vec![Some(3), None]);
        assert!(!tables.is_stale(1));
        assert!(tables.is_stale(0), "other topics are built on their own");
        assert_eq!(tables.get(1).leaders(), &[Some(3), None]);
        tables.invalidate();
        assert!(tables.is_stale(1));
        assert_eq!(tables.get(5).leaders(), &[] as &[Option<BrokerId>]);
    }

    #[test]
    fn each_broker_s_partitions_are_listed_in_partition_order() {
        let leaders = TopicLeaders::new(vec![Some(2), Some(1), None, Some(2), Some(1), Some(2)]);
        let led_by = |node| leaders.partitions_led_by(node).iter().map(|&(_, p)| p).collect::<Vec<_>>();
        assert_eq!(led_by(2), [0, 3, 5]);
        assert_eq!(led_by(1), [1, 4]);
        assert_eq!(led_by(3), [] as [u32; 0], "a broker leading nothing");
        assert_eq!((leaders.leader_of(2), leaders.leader_of(4), leaders.leader_of(9)), (None, Some(1), None));
    }
}
