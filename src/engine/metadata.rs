//! What clients know of the cluster: each topic's partition leaders, as producers look them up.
//!
//! A producer's sender asks for the leader of every partition with batches on every pass
//! (`RecordAccumulator.ready` walks the whole metadata). Read from the partitions themselves that is a
//! cache miss per partition (and a broker lookup) per pass, thousands a millisecond at 5,000 partitions;
//! leaders change only on elections and broker starts and stops. So each topic's leaders are kept in a
//! compact table, rebuilt on first use after anything invalidated it.

use super::types::BrokerId;

/// Per topic, the leader of each partition if it runs on a running broker.
#[derive(Debug, Default)]
pub struct LeaderTables {
    /// Bumped by every change that can move a leader or stop or start a broker.
    version: u64,
    /// Per topic index: the version the table was built at, and the table.
    tables: Vec<(u64, Vec<Option<BrokerId>>)>,
}

impl LeaderTables {
    /// Leadership, broker liveness or the topics changed: every table is rebuilt on its next use.
    pub fn invalidate(&mut self) {
        self.version += 1;
    }

    /// Whether `topic`'s table must be rebuilt before it is read.
    pub fn is_stale(&self, topic: usize) -> bool {
        self.tables.get(topic).is_none_or(|(built, _)| *built != self.version)
    }

    /// Store `topic`'s freshly built table.
    pub fn store(&mut self, topic: usize, leaders: Vec<Option<BrokerId>>) {
        if self.tables.len() <= topic {
            self.tables.resize_with(topic + 1, || (u64::MAX, Vec::new()));
        }
        self.tables[topic] = (self.version, leaders);
    }

    /// `topic`'s table as last stored (empty if never built).
    pub fn get(&self, topic: usize) -> &[Option<BrokerId>] {
        self.tables.get(topic).map_or(&[], |(_, leaders)| leaders.as_slice())
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
        assert_eq!(tables.get(1), &[Some(3), None]);
        tables.invalidate();
        assert!(tables.is_stale(1));
        assert_eq!(tables.get(5), &[] as &[Option<BrokerId>]);
    }
}
