//! `java.util.Random`-compatible draws, so the placers consume randomness exactly as Kafka does.
//!
//! Kafka's placers call `Random.nextInt(bound)` and `Collections.shuffle(list, random)`. Both are defined
//! in terms of the protected `Random.next(bits)`, so reproducing Kafka's test vectors needs three things:
//! Java's exact `nextInt(bound)` rejection loop ([`JavaRandom::next_int`]), Java's exact shuffle loop
//! ([`java_shuffle`]), and the bit source Kafka used: the real 48-bit LCG ([`JavaLcg`]) or the
//! `MockRandom` of Kafka's tests ([`KafkaMockRandom`]). The engine's own seeded stream plugs in through
//! the blanket implementation for every [`RandomSource`].
//!
//! Two more Java behaviours leak into placement order and live here too: `String.hashCode` /
//! `HashMap` iteration order (the striped placer draws one random offset per rack while iterating a
//! `HashMap`) and `String.compareTo` (rack names are sorted with it).

use crate::engine::rng::RandomSource;
use std::cmp::Ordering;

/// A source of random bits consumed the way `java.util.Random` consumes them.
///
/// Implementors supply Java's `next(bits)`; the provided methods are Java's own algorithms on top of it,
/// so any implementor yields the same *kind* of draws Kafka makes (e.g. `nextInt(bound)` may call
/// `next(31)` more than once).
pub trait JavaRandom {
    /// Java's `Random.next(bits)`: the next `bits` (1..=32) random bits in the low bits of a Java `int`.
    fn next_bits(&mut self, bits: u32) -> i32;

    /// Java's `Random.nextInt()`: 32 random bits.
    fn next_i32(&mut self) -> i32 {
        self.next_bits(32)
    }

    /// Java's `Random.nextInt(bound)`: a value in `0..bound`, using Java's exact algorithm
    /// (multiply-shift for powers of two, otherwise `next(31) % bound` with Java's overflow-based rejection).
    ///
    /// # Panics
    /// If `bound` is 0 or above `i32::MAX` (Java throws `IllegalArgumentException`). The placers only pass
    /// lengths of non-empty broker or rack lists.
    fn next_int(&mut self, bound: usize) -> usize {
        let bound =
            i32::try_from(bound).ok().filter(|b| *b > 0).expect("Random.nextInt: bound must be in 1..=i32::MAX");
        let max_value = bound - 1;
        let first = self.next_bits(31);
        if bound & max_value == 0 {
            // Power of two: the high bits of next(31) scaled down.
            return ((i64::from(bound) * i64::from(first)) >> 31) as usize;
        }
        let mut candidate = first;
        loop {
            let value = candidate % bound;
            // Java rejects when `u - r + m` overflows an int: the last, incomplete bucket of next(31).
            if candidate.wrapping_sub(value).wrapping_add(max_value) >= 0 {
                return value as usize;
            }
            candidate = self.next_bits(31);
        }
    }
}

/// `Collections.shuffle(list, random)`: Java's backwards Fisher–Yates, swapping `i - 1` with
/// `nextInt(i)` for `i` from the length down to 2 (lists of 0 or 1 element draw nothing).
pub fn java_shuffle<T>(list: &mut [T], rng: &mut (impl JavaRandom + ?Sized)) {
    for len in (2..=list.len()).rev() {
        let other = rng.next_int(len);
        list.swap(len - 1, other);
    }
}

/// The engine's seeded stream as a Java-style bit source: `next(bits)` is the top `bits` of `next_u32()`.
///
/// This is what lets the engine run Kafka's placers on its own [`SimRng`](crate::engine::rng::SimRng):
/// the *algorithm* that turns bits into offsets and shuffles stays Java's, only the bits differ, so a
/// scenario seed still replays the same placement.
impl<R: RandomSource + ?Sized> JavaRandom for R {
    fn next_bits(&mut self, bits: u32) -> i32 {
        debug_assert!((1..=32).contains(&bits), "next(bits) takes 1..=32 bits");
        (self.next_u32() >> (32 - bits)) as i32
    }
}

/// `java.util.Random`'s 48-bit linear congruential generator, seeded like `new Random(seed)`.
///
/// Kafka's controller uses `new Random()` (a time-based seed), so no production placement is
/// reproducible; this generator exists to check the placers against a real JDK run with a known seed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JavaLcg {
    state: u64,
}

impl JavaLcg {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const ADDEND: u64 = 0xB;
    const MASK: u64 = (1 << 48) - 1;

    /// `new Random(seed)`: the seed is scrambled with the multiplier, as Java's `initialScramble` does.
    pub fn new(seed: i64) -> Self {
        Self { state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK }
    }
}

impl JavaRandom for JavaLcg {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.state = self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(Self::ADDEND) & Self::MASK;
        (self.state >> (48 - bits)) as u32 as i32
    }
}

/// The `MockRandom` of Kafka's metadata tests (`org.apache.kafka.metadata.MockRandom`, later
/// `org.apache.kafka.server.util.MockRandom`): a 64-bit LCG starting at state 17 whose `next(bits)`
/// returns the top `bits` of the state. Every `StripedReplicaPlacerTest` vector is computed with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KafkaMockRandom {
    state: i64,
}

impl KafkaMockRandom {
    const MULTIPLIER: i64 = 2_862_933_555_777_941_757;
    const INCREMENT: i64 = 3_037_000_493;

    /// `new MockRandom()`: state 17.
    pub fn new() -> Self {
        Self::with_state(17)
    }

    /// A mock stream starting from another state (Kafka's later `MockRandom(long)` constructor).
    pub fn with_state(state: i64) -> Self {
        Self { state }
    }
}

impl Default for KafkaMockRandom {
    fn default() -> Self {
        Self::new()
    }
}

impl JavaRandom for KafkaMockRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.state = self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(Self::INCREMENT);
        ((self.state as u64) >> (64 - bits)) as u32 as i32
    }
}

/// Java's `String.hashCode()`: `s[0]·31^(n−1) + … + s[n−1]` over UTF-16 code units, in `int` arithmetic.
pub fn java_string_hash(text: &str) -> i32 {
    text.encode_utf16().fold(0i32, |hash, unit| hash.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// Java's `String.compareTo`: lexicographic over UTF-16 code units (differs from `str`'s byte order
/// only for characters above U+FFFF versus U+E000..U+FFFF).
pub fn java_string_cmp(left: &str, right: &str) -> Ordering {
    left.encode_utf16().cmp(right.encode_utf16())
}

/// Kafka's `OptionalStringComparator`: the empty rack (no `broker.rack`) sorts first, then Java string order.
pub fn optional_rack_cmp(left: Option<&str>, right: Option<&str>) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(left), Some(right)) => java_string_cmp(left, right),
    }
}

/// The order in which a `java.util.HashMap` built by inserting keys with these `hashCode()`s (in the
/// given order, all distinct keys) iterates them: returns indices into `hash_codes`.
///
/// Java spreads each hash (`h ^ (h >>> 16)`), buckets by the low bits of the table capacity (16,
/// doubled whenever the size exceeds ¾ of it), iterates buckets in index order and, inside a bucket,
/// in insertion order (resizes keep the relative order of colliding keys).
///
/// Simplification: a bucket holding 8 or more keys would be converted to a tree (or force a resize) in
/// Java; that needs 8+ racks colliding in one bucket and is not modelled.
pub fn java_hash_map_iteration_order(hash_codes: &[i32]) -> Vec<usize> {
    let capacity = java_hash_map_capacity(hash_codes.len());
    let bucket = |hash: i32| {
        let spread = (hash as u32) ^ ((hash as u32) >> 16);
        spread as usize & (capacity - 1)
    };
    let mut order: Vec<usize> = (0..hash_codes.len()).collect();
    order.sort_by_key(|index| bucket(hash_codes[*index])); // stable: ties keep insertion order
    order
}

/// Table capacity of a default `HashMap` after `len` insertions: 16, doubled each time the size
/// exceeds the threshold (capacity × 0.75).
fn java_hash_map_capacity(len: usize) -> usize {
    let mut capacity = 16;
    while len > capacity / 4 * 3 {
        capacity *= 2;
    }
    capacity
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::rng::SimRng;

    /// Values printed by OpenJDK 17 for `new Random(seed).nextInt()` and `nextInt(bound)`.
    #[test]
    fn java_lcg_matches_the_jdk() {
        let cases: [(i64, &[i32]); 2] =
            [(0, &[-1155484576, -723955400, 1033096058]), (42, &[-1170105035, 234785527, -1360544799])];
        for (seed, expected) in cases {
            let mut rng = JavaLcg::new(seed);
            let drawn: Vec<i32> = expected.iter().map(|_| rng.next_i32()).collect();
            assert_eq!(drawn, expected, "new Random({seed}).nextInt()");
        }
        let mut rng = JavaLcg::new(42);
        let bounded: Vec<usize> = [10, 7, 16, 1000, 3, 1 << 30].iter().map(|b| rng.next_int(*b)).collect();
        assert_eq!(bounded, [0, 5, 10, 884, 0, 1_011_543_762], "new Random(42).nextInt(10, 7, 16, 1000, 3, 2^30)");
        // Bound 2^30 + 1 rejects about half of the next(31) draws: exercises Java's overflow test.
        let mut rng = JavaLcg::new(5);
        let rejected_often: Vec<usize> = (0..8).map(|_| rng.next_int((1 << 30) + 1)).collect();
        let expected =
            [379_250_092, 189_533_474, 1_049_914_506, 991_787_854, 963_357_722, 918_177_321, 596_500_747, 742_486_560];
        assert_eq!(rejected_often, expected, "new Random(5).nextInt(2^30 + 1) x8");
    }

    /// `Collections.shuffle(0..10, new Random(7))` on OpenJDK 17.
    #[test]
    fn java_shuffle_matches_the_jdk() {
        let mut list: Vec<i32> = (0..10).collect();
        java_shuffle(&mut list, &mut JavaLcg::new(7));
        assert_eq!(list, [0, 1, 9, 3, 7, 4, 8, 5, 2, 6]);
    }

    /// Kafka's `MockRandom` first draws, checked by hand against its definition
    /// (state = state·2862933555777941757 + 3037000493, top bits).
    #[test]
    fn kafka_mock_random_follows_its_recurrence() {
        let mut rng = KafkaMockRandom::new();
        let state = 17i64.wrapping_mul(2_862_933_555_777_941_757).wrapping_add(3_037_000_493);
        assert_eq!(rng.next_bits(31), ((state as u64) >> 33) as i32);
        assert_eq!(KafkaMockRandom::default(), KafkaMockRandom::with_state(17));
    }

    #[test]
    fn next_int_stays_in_bounds_for_every_kind_of_bound() {
        let mut rng = SimRng::new(3);
        for bound in [1usize, 2, 3, 5, 8, 12, 1 << 20, (1 << 30) + 1, i32::MAX as usize] {
            for _ in 0..200 {
                assert!(rng.next_int(bound) < bound, "bound {bound}");
            }
        }
    }

    #[test]
    fn sim_rng_bits_are_the_top_bits_of_next_u32() {
        let mut a = SimRng::new(11);
        let mut b = SimRng::new(11);
        assert_eq!(a.next_bits(31), (b.next_u32() >> 1) as i32);
        assert_eq!(a.next_bits(32), b.next_u32() as i32);
    }

    #[test]
    fn java_string_hash_matches_known_values() {
        // "Aa" and "BB" are Java's textbook hashCode collision (2112).
        for (text, hash) in [("", 0), ("1", 49), ("rack1", 108_269_626), ("Aa", 2112), ("BB", 2112)] {
            assert_eq!(java_string_hash(text), hash, "{text:?}.hashCode()");
        }
    }

    #[test]
    fn hash_map_order_buckets_then_insertion_order() {
        // Buckets at capacity 16: 49 → 1, 2112 ^ 0 = 2112 → 0, 0 → 0, 17 → 1.
        assert_eq!(java_hash_map_iteration_order(&[49, 2112, 0, 17]), vec![1, 2, 0, 3]);
        // 13 keys force a resize to 32, so 16 (inserted first) leaves bucket 0 and iterates last,
        // as `HashMap.keySet()` of {16, 0, 1, …, 11} prints on OpenJDK 17.
        let hashes: Vec<i32> = [16].into_iter().chain(0..12).collect();
        let expected: Vec<usize> = (1..13).chain([0]).collect();
        assert_eq!(java_hash_map_iteration_order(&hashes), expected);
        assert_eq!(
            java_hash_map_iteration_order(&hashes[..12])[..2],
            [0, 1],
            "at capacity 16, 16 and 0 share bucket 0"
        );
        assert_eq!(java_hash_map_capacity(12), 16);
        assert_eq!(java_hash_map_capacity(13), 32);
        assert_eq!(java_hash_map_capacity(25), 64);
    }

    #[test]
    fn optional_rack_order_puts_the_empty_rack_first() {
        // OptionalStringComparatorTest.testComparisons
        assert_eq!(optional_rack_cmp(Some("foo"), Some("foo")), Ordering::Equal);
        assert_eq!(optional_rack_cmp(Some("a"), Some("b")), Ordering::Less);
        assert_eq!(optional_rack_cmp(Some("b"), Some("a")), Ordering::Greater);
        assert_eq!(optional_rack_cmp(None, Some("a")), Ordering::Less);
        assert_eq!(optional_rack_cmp(Some("a"), None), Ordering::Greater);
        assert_eq!(optional_rack_cmp(None, None), Ordering::Equal);
        // UTF-16 order: U+FF61 sorts after U+1F600's surrogate pair (0xD83D), unlike UTF-8 byte order.
        assert_eq!(java_string_cmp("\u{FF61}", "\u{1F600}"), Ordering::Greater);
    }
}
