//! Ordered maps and sets for a handful of entries, kept as one sorted `Vec`.
//!
//! Per-partition state is keyed by broker (a partition has replication-factor replicas, three or so) and a
//! fetch session holds the few partitions one follower replicates from one leader. At 5,000 partitions a
//! `BTreeMap` per field means a heap node and a pointer chase per lookup, which dominated the engine's
//! profile; a sorted `Vec` is one allocation searched linearly in a cache line or two. Iteration is in key
//! order, exactly as the `BTreeMap`/`BTreeSet` these replace, so histories do not change. Inserting and
//! removing are O(n): use these only where n stays small.

/// A map from `K` to `V` ordered by key (a `BTreeMap` for a handful of entries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap { entries: Vec::new() }
    }
}

impl<K: Ord + Copy, V> VecMap<K, V> {
    fn position(&self, key: &K) -> Result<usize, usize> {
        // Linear: for the few entries these maps hold it beats a binary search's branches.
        match self.entries.iter().position(|(k, _)| k >= key) {
            Some(i) if self.entries[i].0 == *key => Ok(i),
            Some(i) => Err(i),
            None => Err(self.entries.len()),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.position(key).is_ok()
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.position(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn get_mut(&mut self, key: &K) -> Option<&mut V> {
        self.position(key).ok().map(|i| &mut self.entries[i].1)
    }

    /// Insert or replace; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        self.position(key).ok().map(|i| self.entries.remove(i).1)
    }

    /// The value at `key`, inserting `make()` first if there is none (`BTreeMap::entry().or_insert_with`).
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries[i].1
    }

    /// The values at two different keys, the first mutably: e.g. a follower's replica written from its
    /// leader's, without moving either out of the map.
    pub fn get_mut_and_get(&mut self, key: &K, other: &K) -> Option<(&mut V, &V)> {
        let (i, j) = (self.position(key).ok()?, self.position(other).ok()?);
        if i < j {
            let (left, right) = self.entries.split_at_mut(j);
            Some((&mut left[i].1, &right[0].1))
        } else if j < i {
            let (left, right) = self.entries.split_at_mut(i);
            Some((&mut right[0].1, &left[j].1))
        } else {
            None
        }
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> {
        self.entries.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> {
        self.entries.iter_mut().map(|(_, v)| v)
    }
}

impl<K: Ord + Copy, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut map = VecMap::default();
        for (k, v) in items {
            map.insert(k, v);
        }
        map
    }
}

impl<'a, K: Ord + Copy, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<K: Ord + Copy, V> std::ops::Index<&K> for VecMap<K, V> {
    type Output = V;

    fn index(&self, key: &K) -> &V {
        self.get(key).expect("no entry for this key")
    }
}

/// A set of `T` in order (a `BTreeSet` for a handful of elements).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { items: Vec::new() }
    }
}

impl<T: Ord + Copy> VecSet<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn contains(&self, item: &T) -> bool {
        self.items.contains(item)
    }

    /// Returns whether the item was new.
    pub fn insert(&mut self, item: T) -> bool {
        match self.items.iter().position(|x| *x >= item) {
            Some(i) if self.items[i] == item => false,
            Some(i) => {
                self.items.insert(i, item);
                true
            }
            None => {
                self.items.push(item);
                true
            }
        }
    }

    /// Returns whether the item was there.
    pub fn remove(&mut self, item: &T) -> bool {
        let Some(i) = self.items.iter().position(|x| x == item) else { return false };
        self.items.remove(i);
        true
    }

    pub fn clear(&mut self) {
        self.items.clear();
    }

    pub fn retain(&mut self, keep: impl FnMut(&T) -> bool) {
        self.items.retain(keep);
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
}

impl<T: Ord + Copy> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.insert(item);
        }
    }
}

impl<T: Ord + Copy> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut set = VecSet::new();
        set.extend(items);
        set
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::*;

    #[derive(Clone, Debug)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        GetOrInsert(u8, u16),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (0u8..8, any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
            (0u8..8).prop_map(Op::Remove),
            (0u8..8, any::<u16>()).prop_map(|(k, v)| Op::GetOrInsert(k, v)),
        ]
    }

    proptest! {
        /// Any sequence of operations leaves a `VecMap` and a `BTreeMap` with the same answers and order.
        #[test]
        fn vec_map_behaves_as_a_btree_map(ops in proptest::collection::vec(op(), 0..64)) {
            let (mut vec, mut btree) = (VecMap::default(), BTreeMap::new());
            for op in ops {
                match op {
                    Op::Insert(k, v) => prop_assert_eq!(vec.insert(k, v), btree.insert(k, v)),
                    Op::Remove(k) => prop_assert_eq!(vec.remove(&k), btree.remove(&k)),
                    Op::GetOrInsert(k, v) => {
                        prop_assert_eq!(*vec.get_or_insert_with(k, || v), *btree.entry(k).or_insert(v))
                    }
                }
                prop_assert_eq!(vec.iter().collect::<Vec<_>>(), btree.iter().collect::<Vec<_>>());
                prop_assert_eq!(vec.len(), btree.len());
            }
        }

        /// The same for `VecSet` against `BTreeSet`.
        #[test]
        fn vec_set_behaves_as_a_btree_set(ops in proptest::collection::vec((any::<bool>(), 0u8..8), 0..64)) {
            let (mut vec, mut btree) = (VecSet::new(), BTreeSet::new());
            for (insert, x) in ops {
                if insert {
                    prop_assert_eq!(vec.insert(x), btree.insert(x));
                } else {
                    prop_assert_eq!(vec.remove(&x), btree.remove(&x));
                }
                prop_assert_eq!(vec.iter().collect::<Vec<_>>(), btree.iter().collect::<Vec<_>>());
                prop_assert_eq!(vec.contains(&3), btree.contains(&3));
            }
        }
    }

    #[test]
    fn two_entries_borrowed_at_once_are_the_right_ones() {
        let mut map: VecMap<i32, &str> = [(1, "a"), (2, "b"), (3, "c")].into_iter().collect();
        let (three, one) = map.get_mut_and_get(&3, &1).expect("both present");
        assert_eq!((*three, *one), ("c", "a"));
        *three = "z";
        assert_eq!(map[&3], "z");
        assert!(map.get_mut_and_get(&2, &2).is_none(), "one entry cannot be borrowed twice");
        assert!(map.get_mut_and_get(&2, &9).is_none());
    }
}
