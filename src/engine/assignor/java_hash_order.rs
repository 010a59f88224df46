//! Java's string ordering and `java.util.HashMap` iteration order, reproduced exactly.
//!
//! Kafka's sticky assignor walks `HashMap<String, …>` and `HashSet<TopicPartition>` while it decides,
//! so which member keeps its surplus partitions depends on Java's bucket order (kafka-reference §2.4,
//! "Note on determinism"). To give bit-for-bit the same answers we model that order here instead of
//! using any Rust hash map.

use std::cmp::Ordering;

use crate::engine::types::TopicPartition;

/// `java.util.HashMap`'s first table size (`DEFAULT_INITIAL_CAPACITY`).
const DEFAULT_CAPACITY: usize = 16;
/// A bin holding this many nodes turns into a tree (or, in a small table, forces a resize).
const TREEIFY_THRESHOLD: usize = 8;
/// Below this table size `treeifyBin` resizes instead of building a tree.
const MIN_TREEIFY_CAPACITY: usize = 64;

/// `String.hashCode()`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, wrapping in 32 bits.
pub fn string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| hash.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// `String.compareTo()`: lexicographic over UTF-16 code units (differs from Rust's `str` order only
/// for characters beyond the Basic Multilingual Plane).
pub fn compare_strings(left: &str, right: &str) -> Ordering {
    left.encode_utf16().cmp(right.encode_utf16())
}

/// `TopicPartition.hashCode()`: `31 * (31 + partition) + topic.hashCode()`.
pub fn topic_partition_hash(partition: &TopicPartition) -> i32 {
    // Java's partition is an `int`; a `u32` above `i32::MAX` is not a valid Kafka partition anyway.
    let partition_number = partition.partition as i32;
    31i32.wrapping_add(partition_number).wrapping_mul(31).wrapping_add(string_hash(&partition.topic))
}

/// `HashMap.hash()`: spreads the high bits down, `h ^ (h >>> 16)`.
fn spread(hash: i32) -> u32 {
    let bits = hash as u32;
    bits ^ (bits >> 16)
}

struct Slot<K> {
    key: K,
    hash: i32,
    inserted: u64,
}

/// The key order of a `java.util.HashMap` / `HashSet` built with the default constructor.
///
/// Iteration in Java is by ascending bucket (`spread(hash) & (capacity − 1)`), and within one bucket in
/// insertion order (resizes split a bucket's list without reordering it; removal leaves the others in
/// place). The table starts at 16, doubles when the size exceeds ¾ of it, and never shrinks.
///
/// Simplification: a bucket of more than eight keys in a table of 64 or more becomes a red-black tree in
/// Java, whose later insertions iterate differently; member and partition counts in the simulator are far
/// too small for that to happen.
pub struct JavaHashOrder<K> {
    capacity: usize,
    slots: Vec<Slot<K>>,
    next_insertion: u64,
}

impl<K: PartialEq> Default for JavaHashOrder<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: PartialEq> JavaHashOrder<K> {
    /// An empty table, like `new HashMap<>()` (the table itself is allocated on the first insertion).
    pub fn new() -> Self {
        Self { capacity: 0, slots: Vec::new(), next_insertion: 0 }
    }

    /// A table of keys inserted in the given order (`hash_of` is the key's Java `hashCode()`).
    pub fn from_keys(keys: impl IntoIterator<Item = K>, hash_of: impl Fn(&K) -> i32) -> Self {
        let mut table = Self::new();
        for key in keys {
            let hash = hash_of(&key);
            table.insert(key, hash);
        }
        table
    }

    /// `put`/`add`: a new key goes to the end of its bucket; an existing key keeps its place.
    /// Returns whether the key was new.
    pub fn insert(&mut self, key: K, hash: i32) -> bool {
        if self.contains(&key) {
            return false;
        }
        if self.capacity == 0 {
            self.capacity = DEFAULT_CAPACITY;
        }
        let bucket_size_before = self.bucket_len(hash);
        self.slots.push(Slot { key, hash, inserted: self.next_insertion });
        self.next_insertion += 1;
        // `putVal` calls `treeifyBin` once a bin reaches nine nodes; in a small table that doubles it.
        if bucket_size_before > TREEIFY_THRESHOLD - 1 && self.capacity < MIN_TREEIFY_CAPACITY {
            self.capacity *= 2;
        }
        // `++size > threshold` with threshold = ¾·capacity.
        if self.slots.len() > self.capacity / 4 * 3 {
            self.capacity *= 2;
        }
        true
    }

    /// `remove`: returns whether the key was present.
    pub fn remove(&mut self, key: &K) -> bool {
        match self.slots.iter().position(|slot| &slot.key == key) {
            Some(index) => {
                self.slots.remove(index);
                true
            }
            None => false,
        }
    }

    pub fn contains(&self, key: &K) -> bool {
        self.slots.iter().any(|slot| &slot.key == key)
    }

    pub fn len(&self) -> usize {
        self.slots.len()
    }

    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The keys in Java iteration order.
    pub fn iter(&self) -> impl Iterator<Item = &K> {
        let mut ordered: Vec<&Slot<K>> = self.slots.iter().collect();
        ordered.sort_by_key(|slot| (self.bucket_of(slot.hash), slot.inserted));
        ordered.into_iter().map(|slot| &slot.key)
    }

    /// `iterator().next()`.
    pub fn first(&self) -> Option<&K> {
        self.iter().next()
    }

    fn bucket_of(&self, hash: i32) -> usize {
        spread(hash) as usize & (self.capacity.max(1) - 1)
    }

    fn bucket_len(&self, hash: i32) -> usize {
        let bucket = self.bucket_of(hash);
        self.slots.iter().filter(|slot| self.bucket_of(slot.hash) == bucket).count()
    }
}

/// Indices of `ids` in the order a default `HashMap<String, …>` filled in that order iterates them.
pub fn hash_map_order_of_strings(ids: &[&str]) -> Vec<usize> {
    let table = JavaHashOrder::from_keys(0..ids.len(), |index| string_hash(ids[*index]));
    table.iter().copied().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_hash_matches_java() {
        // Values of "".hashCode(), "a".hashCode(), "consumer1".hashCode() as printed by a JVM.
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("ab"), 97 * 31 + 98);
        // Wrapping arithmetic: "polygenelubricants".hashCode() is Integer.MIN_VALUE, a well-known Java fact.
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn compare_strings_uses_utf16_units() {
        // U+FF5E (one unit 0xFF5E) sorts after U+1F600 (surrogates 0xD83D…) in Java, before it in Rust.
        assert_eq!(compare_strings("\u{1F600}", "\u{FF5E}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF5E}"), Ordering::Greater);
        assert_eq!(compare_strings("consumer-a", "consumer-b"), Ordering::Less);
    }

    #[test]
    fn consumers_iterate_in_reference_order() {
        // kafka-reference §2.4: consumer1..consumer4 iterate as consumer4, consumer3, consumer2, consumer1.
        let ids = ["consumer1", "consumer2", "consumer3", "consumer4"];
        let order: Vec<&str> = hash_map_order_of_strings(&ids).into_iter().map(|i| ids[i]).collect();
        assert_eq!(order, ["consumer4", "consumer3", "consumer2", "consumer1"]);
    }

    #[test]
    fn small_integers_iterate_ascending_and_table_grows() {
        let mut table = JavaHashOrder::new();
        for value in [20, 3, 1, 17] {
            table.insert(value, value);
        }
        // Capacity 16: 17 and 1 share bucket 1 (insertion order 1 then 17), 20 is in bucket 4.
        assert_eq!(table.iter().copied().collect::<Vec<i32>>(), [1, 17, 3, 20]);
        for value in 100..110 {
            table.insert(value, value);
        }
        // 14 keys > 12 ⇒ capacity 32: 1, 3, 17, 20 now each have their own bucket.
        let first_four: Vec<i32> = table.iter().copied().take(4).collect();
        assert_eq!(first_four, [1, 3, 100, 101]);
    }

    #[test]
    fn removal_keeps_the_others_in_place() {
        let mut table = JavaHashOrder::new();
        for value in [1, 17, 33] {
            table.insert(value, value);
        }
        assert!(table.remove(&17));
        table.insert(17, 17);
        assert_eq!(table.iter().copied().collect::<Vec<i32>>(), [1, 33, 17]);
        assert_eq!(table.first(), Some(&1));
    }
}
