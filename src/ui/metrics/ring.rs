//! A fixed-capacity ring of samples: the oldest falls off, so a chart's memory never grows.

use std::collections::VecDeque;

#[derive(Clone, Debug, PartialEq)]
pub struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Ring<T> {
        Ring { items: VecDeque::with_capacity(capacity.min(1024)), capacity: capacity.max(1) }
    }

    pub fn push(&mut self, item: T) {
        if self.items.len() == self.capacity {
            self.items.pop_front();
        }
        self.items.push_back(item);
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn last(&self) -> Option<&T> {
        self.items.back()
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }

    /// Drop items from the newest end while `drop` says so (the timeline scrubbed back before them).
    pub fn truncate_back_while(&mut self, mut drop: impl FnMut(&T) -> bool) {
        while self.items.back().is_some_and(&mut drop) {
            self.items.pop_back();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_newest_capacity_items() {
        let mut ring = Ring::new(3);
        (1..=5).for_each(|i| ring.push(i));
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [3, 4, 5]);
        assert_eq!(ring.len(), 3);
    }

    #[test]
    fn truncates_from_the_newest_end() {
        let mut ring = Ring::new(10);
        (1..=5).for_each(|i| ring.push(i));
        ring.truncate_back_while(|&i| i > 2);
        assert_eq!(ring.iter().copied().collect::<Vec<_>>(), [1, 2]);
    }
}
