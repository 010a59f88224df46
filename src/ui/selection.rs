//! What the user has picked on the diagram: a broker or consumer (its action menu opens) or a partition
//! (the inspector shows it).

use crate::engine::BrokerId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Selection {
    #[default]
    Nothing,
    Broker(BrokerId),
    Partition {
        topic: String,
        partition: u32,
    },
    Consumer {
        group: String,
        member_id: String,
    },
}

impl Selection {
    pub fn is_broker(&self, id: BrokerId) -> bool {
        *self == Selection::Broker(id)
    }

    pub fn is_partition(&self, topic: &str, partition: u32) -> bool {
        matches!(self, Selection::Partition { topic: t, partition: p } if t == topic && *p == partition)
    }

    pub fn is_consumer(&self, member_id: &str) -> bool {
        matches!(self, Selection::Consumer { member_id: m, .. } if m == member_id)
    }
}
