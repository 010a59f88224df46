//! What a narration line is about: its kind (for filtering) and the diagram elements it mentions (for
//! highlighting). Read from the text the engine writes, against the names the snapshot knows.

use std::collections::BTreeSet;

use crate::engine::BrokerId;
use crate::engine::snapshot::Snapshot;

/// The kinds of event the log can be filtered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    Broker,
    Controller,
    Partition,
    Topic,
    Group,
    Producer,
    Other,
}

impl EventKind {
    pub const ALL: [EventKind; 7] = [
        EventKind::Broker,
        EventKind::Controller,
        EventKind::Partition,
        EventKind::Topic,
        EventKind::Group,
        EventKind::Producer,
        EventKind::Other,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EventKind::Broker => "broker",
            EventKind::Controller => "controller",
            EventKind::Partition => "partition",
            EventKind::Topic => "topic",
            EventKind::Group => "group",
            EventKind::Producer => "producer",
            EventKind::Other => "other",
        }
    }

    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

/// The kind of a line, from how the engine phrases it ("broker 2 fenced…", "partition orders-1: …").
pub fn kind_of(text: &str) -> EventKind {
    let first = text.split_whitespace().next().unwrap_or("");
    match first {
        "broker" => EventKind::Broker,
        "partition" => EventKind::Partition,
        "topic" => EventKind::Topic,
        "group" => EventKind::Group,
        "producer" => EventKind::Producer,
        _ if text.contains("controller") => EventKind::Controller,
        _ => EventKind::Other,
    }
}

/// The kind of a line, also recognising lines that start with a producer's name ("Producer App: acks=1"):
/// the producer narrates under its own name.
pub fn kind_in(text: &str, snapshot: &Snapshot) -> EventKind {
    let by_producer =
        snapshot.producers.iter().any(|p| text.strip_prefix(p.name.as_str()).is_some_and(|r| r.starts_with(':')));
    if by_producer { EventKind::Producer } else { kind_of(text) }
}

/// Diagram elements a line mentions; the diagram adds the `highlight` class to them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Mentions {
    pub brokers: BTreeSet<BrokerId>,
    /// (topic, partition)
    pub partitions: BTreeSet<(String, u32)>,
    /// Client ids of group members (and producer names).
    pub clients: BTreeSet<String>,
}

impl Mentions {
    pub fn is_empty(&self) -> bool {
        self.brokers.is_empty() && self.partitions.is_empty() && self.clients.is_empty()
    }
}

/// Words after which a number names a broker: "broker 2", "controller 1", "leader 2 → 3".
const BROKER_WORDS: [&str; 6] = ["broker", "brokers", "controller", "leader", "→", "unfenced"];

fn tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ':' | ';' | '(' | ')'))
        .filter(|t| !t.is_empty())
        .collect()
}

/// Read the elements a line mentions, keeping only those that exist in `snapshot`.
pub fn mentions(text: &str, snapshot: &Snapshot) -> Mentions {
    let known_broker = |id: BrokerId| snapshot.brokers.iter().any(|b| b.id == id);
    let mut found = Mentions::default();
    let mut previous = "";
    // Numbers in brackets are broker lists: "ISR [3, 1]", "(removed [2])", "ISR shrank to [1, 3]".
    let mut in_list = false;
    for token in tokens(text) {
        in_list |= token.starts_with('[');
        let bare = token.trim_matches(|c| c == '[' || c == ']');
        if let Ok(id) = bare.parse::<BrokerId>()
            && (in_list || BROKER_WORDS.contains(&previous))
            && known_broker(id)
        {
            found.brokers.insert(id);
        }
        if let Some(tp) = partition_name(bare, snapshot) {
            found.partitions.insert(tp);
        }
        if snapshot.groups.iter().flat_map(|g| &g.members).any(|m| m.client_id == bare) {
            found.clients.insert(bare.to_string());
        }
        in_list &= !token.ends_with(']');
        previous = bare;
    }
    found
}

/// `orders-1` when `orders` is a topic with a partition 1.
fn partition_name(token: &str, snapshot: &Snapshot) -> Option<(String, u32)> {
    let (topic, number) = token.rsplit_once('-')?;
    let partition: u32 = number.parse().ok()?;
    let t = snapshot.topics.iter().find(|t| t.name == topic)?;
    t.partitions.iter().any(|p| p.partition == partition).then(|| (topic.to_string(), partition))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::sim::Engine;
    use crate::ui::default_valid_scenario;

    fn snapshot() -> Snapshot {
        let mut engine = Engine::new(&default_valid_scenario());
        engine.advance_to(5_000);
        engine.snapshot()
    }

    #[test]
    fn kinds_follow_the_engines_phrasing() {
        let table = [
            ("broker 2 fenced: no heartbeat for 9000 ms", EventKind::Broker),
            ("partition orders-1: leader 2 → 3, epoch 4, ISR [3, 1] (broker 2 fenced)", EventKind::Partition),
            ("active controller 1 lost; the quorum will elect another", EventKind::Controller),
            ("group order-service generation 1 (range): a → [orders-0]", EventKind::Group),
            ("producer Producer App: rate set to 5/s", EventKind::Producer),
            ("topic orders created: 3 partitions, replication factor 3", EventKind::Topic),
            ("something else", EventKind::Other),
        ];
        for (text, kind) in table {
            assert_eq!(kind_of(text), kind, "{text}");
        }
    }

    #[test]
    fn a_line_under_a_producers_name_is_a_producer_event() {
        assert_eq!(kind_in("Producer App: acks=1", &snapshot()), EventKind::Producer);
        assert_eq!(kind_in("broker 2 crashed", &snapshot()), EventKind::Broker);
    }

    #[test]
    fn an_election_line_mentions_its_partition_and_brokers() {
        let m = mentions("partition orders-1: leader 2 → 3, epoch 4, ISR [3, 1] (broker 2 fenced)", &snapshot());
        assert_eq!(m.brokers.into_iter().collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(m.partitions.into_iter().collect::<Vec<_>>(), [("orders".to_string(), 1)]);
    }

    #[test]
    fn numbers_that_are_not_brokers_are_ignored() {
        let m = mentions("partition orders-0: broker 3 truncated its log from 2 to 1 to match the leader", &snapshot());
        assert_eq!(m.brokers.into_iter().collect::<Vec<_>>(), [3], "offsets 2 and 1 are not brokers");
        let unknown = mentions("broker 9 started; partition orders-7 and payments-0", &snapshot());
        assert!(unknown.is_empty(), "only elements of the diagram: {unknown:?}");
    }

    #[test]
    fn a_rebalance_line_mentions_members_and_partitions() {
        let m = mentions("group order-service generation 1 (range): order-service-1 → [orders-0]", &snapshot());
        assert!(m.clients.contains("order-service-1"));
        assert!(m.partitions.contains(&("orders".to_string(), 0)));
        assert!(m.brokers.is_empty());
    }
}
