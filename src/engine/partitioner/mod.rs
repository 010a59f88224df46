//! How a Kafka producer picks the partition of a record (kafka-reference.md §1).
//!
//! * Keyed records: `toPositive(murmur2(serialized key)) % numPartitions`, over **all** partitions of
//!   the topic, available or not (`BuiltInPartitioner.partitionForKey`).
//! * Records without a key (Kafka ≥ 3.3): the KIP-794 "uniform sticky" [`StickyPartitioner`].
//! * The opt-in `RoundRobinPartitioner` class: [`RoundRobinPartitioner`].
//! * The related consumer-group coordinator hash: [`coordinator_partition`].
//!
//! Every function here reproduces Java's 32-bit integer arithmetic bit for bit, so a key lands on the
//! same partition in the simulation as in a real cluster.

mod round_robin;
mod sticky;

pub use round_robin::RoundRobinPartitioner;
pub use sticky::{PartitionQueue, PartitionerError, StickyPartitioner};

use crate::engine::rng::RandomSource;

/// `Utils.murmur2`: the 32-bit MurmurHash2 variant Kafka's producer hashes keys with.
///
/// Java `int` arithmetic wraps and `>>>` is a logical shift, so the work is done on `u32` and the
/// bits are reinterpreted as a signed value at the end, exactly like Java's return type.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;

    // Java: `int h = seed ^ length` (the length is an int, so it wraps the same way).
    let mut h = SEED ^ (data.len() as u32);

    let mut blocks = data.chunks_exact(4);
    for block in &mut blocks {
        let mut k = u32::from_le_bytes([block[0], block[1], block[2], block[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }

    // Java's fall-through `switch (length % 4)`: the multiply sits under `case 1`, so it only
    // happens when there is a tail at all.
    let tail = blocks.remainder();
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if let Some(&first) = tail.first() {
        h ^= u32::from(first);
        h = h.wrapping_mul(M);
    }

    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// `Utils.toPositive`: clears the sign bit. Deliberately **not** `abs`: `abs` would send key `"1"`
/// to another partition (kafka-reference.md §1.1).
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// `Utils.abs`: Java's `Math.abs`, except that `Integer.MIN_VALUE` (which has no positive
/// counterpart) maps to 0 instead of staying negative.
pub fn utils_abs(n: i32) -> i32 {
    if n == i32::MIN { 0 } else { n.abs() }
}

/// The partition of a keyed record (`BuiltInPartitioner.partitionForKey`, §1.3 rule 3).
///
/// `num_partitions` is the number of **all** partitions of the topic in the producer's metadata,
/// leaderless ones included: a keyed record can be routed to a partition that has no leader.
/// An empty key is not a null key: it is hashed like any other.
///
/// # Panics
/// If `num_partitions` is 0 (Java throws `ArithmeticException`; a topic always has a partition).
pub fn partition_for_key(key: &[u8], num_partitions: u32) -> u32 {
    to_positive(murmur2(key)).unsigned_abs() % num_partitions
}

/// The bytes `IntegerSerializer` produces for an `Integer` key: 4 bytes, big-endian (§1.5).
pub const fn int_key(key: i32) -> [u8; 4] {
    key.to_be_bytes()
}

/// The bytes `LongSerializer` produces for a `Long` key: 8 bytes, big-endian (§1.5).
pub const fn long_key(key: i64) -> [u8; 8] {
    key.to_be_bytes()
}

/// Java's `String.hashCode`: `s[0]*31^(n-1) + … + s[n-1]` over the string's UTF-16 code units,
/// in wrapping 32-bit arithmetic.
pub fn java_string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| h.wrapping_mul(31).wrapping_add(i32::from(unit)))
}

/// The `__consumer_offsets` partition whose leader coordinates a consumer group
/// (`GroupCoordinatorService.partitionFor`, §1.4): `Utils.abs(groupId.hashCode()) % partitions`.
///
/// # Panics
/// If `offsets_partitions` is 0 (`offsets.topic.num.partitions` must be at least 1).
pub fn coordinator_partition(group_id: &str, offsets_partitions: u32) -> u32 {
    utils_abs(java_string_hash(group_id)).unsigned_abs() % offsets_partitions
}

/// `BuiltInPartitioner.randomPartition`: `Utils.toPositive(random.nextInt())`.
fn random_positive(rng: &mut dyn RandomSource) -> u32 {
    rng.next_u32() & 0x7fff_ffff
}

/// `list.get(random % list.size())` for a non-empty list.
fn pick(available: &[u32], random: u32) -> u32 {
    available[random as usize % available.len()]
}

/// A uniform choice among the partitions that have a leader, or among all partitions when none
/// has one (the fallback both `BuiltInPartitioner` and `RoundRobinPartitioner` use).
fn uniform_choice(random: u32, num_partitions: u32, available: &[u32]) -> u32 {
    if available.is_empty() { random % num_partitions } else { pick(available, random) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// UtilsTest.testMurmur2: the only murmur2 vectors in Kafka's own tests.
    #[test]
    fn murmur2_matches_utils_test_vectors() {
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973932308),
            (b"foobar", -790332482),
            (b"a-little-bit-long-string", -985981536),
            (b"a-little-bit-longer-string", -1486304829),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971),
            (b"abc", 479470107), // Kafka writes this one as the byte array {'a', 'b', 'c'}
        ];
        for (input, expected) in cases {
            assert_eq!(murmur2(input), expected, "{}", String::from_utf8_lossy(input));
        }
    }

    /// Cross-checks generated with Kafka's Java implementation: akka `Murmur2Spec.scala` and
    /// kafkajs `defaultJava/murmur2.spec.js` (§1.2).
    #[test]
    fn murmur2_matches_akka_and_kafkajs_cross_checks() {
        let cases = [
            // akka Murmur2Spec
            ("1", -1993445489),
            ("12", 126087238),
            ("123", -267702483),
            ("1234", -1614185708),
            ("12345", -1188365604),
            // kafkajs defaultJava/murmur2.spec.js
            ("0", 971027396),
            ("128", -326012175),
            ("2187", -1508407203),
            ("16384", -325739742),
            ("78125", -1654490814),
            ("279936", 1462227128),
            ("823543", -2014198330),
            ("2097152", 607668903),
            ("4782969", -1182699775),
            ("10000000", -1830336757),
            ("19487171", -1603849305),
            ("35831808", -857013643),
            ("62748517", -1167431028),
            ("105413504", -381294639),
            ("170859375", -1658323481),
            ("100:48069", 1009543857),
        ];
        for (key, expected) in cases {
            assert_eq!(murmur2(key.as_bytes()), expected, "{key}");
        }
    }

    /// §1.1: toPositive masks the sign bit; `abs` would pick another partition for key "1".
    #[test]
    fn to_positive_is_not_abs() {
        let hash = murmur2(b"1");
        assert_eq!(to_positive(hash), 154038159);
        assert_eq!(partition_for_key(b"1", 3), 0);
        assert_eq!(hash.unsigned_abs() % 3, 2, "what abs would give");
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(-1), i32::MAX);
    }

    /// The N columns of the §1.5 keyed-record table.
    const TABLE_PARTITION_COUNTS: [u32; 11] = [2, 3, 4, 5, 6, 8, 10, 12, 16, 32, 100];

    /// (key, its UTF-8 bytes in hex, murmur2, toPositive, partition for each N above)
    type KeyedRow = (&'static str, &'static str, i32, i32, [u32; 11]);

    /// kafka-reference.md §1.5, keyed-record examples.
    #[rustfmt::skip]
    const KEYED_STRING_TABLE: [KeyedRow; 19] = [
        ("", "", 275646681, 275646681, [1, 0, 1, 1, 3, 1, 1, 9, 9, 25, 81]),
        ("a", "61", -1563381124, 584102524, [0, 1, 0, 4, 4, 4, 4, 4, 12, 28, 24]),
        ("abc", "616263", 479470107, 479470107, [1, 0, 3, 2, 3, 3, 7, 3, 11, 27, 7]),
        ("21", "3231", -973932308, 1173551340, [0, 0, 0, 0, 0, 4, 0, 0, 12, 12, 40]),
        ("foobar", "666f6f626172", -790332482, 1357151166, [0, 0, 2, 1, 0, 6, 6, 6, 14, 30, 66]),
        ("key", "6b6579", -1079937367, 1067546281, [1, 1, 1, 1, 1, 1, 1, 1, 9, 9, 81]),
        ("key1", "6b657931", 28543940, 28543940, [0, 2, 0, 0, 2, 4, 0, 8, 4, 4, 40]),
        ("key2", "6b657932", 1674751211, 1674751211, [1, 2, 3, 1, 5, 3, 1, 11, 11, 11, 11]),
        ("user-1", "757365722d31", 1404122828, 1404122828, [0, 2, 0, 3, 2, 4, 8, 8, 12, 12, 28]),
        ("user-2", "757365722d32", -324981792, 1822501856, [0, 2, 0, 1, 2, 0, 6, 8, 0, 0, 56]),
        ("order-42", "6f726465722d3432", 501153024, 501153024, [0, 0, 0, 4, 0, 0, 4, 0, 0, 0, 24]),
        ("hello", "68656c6c6f", 2132663229, 2132663229, [1, 0, 1, 4, 3, 5, 9, 9, 13, 29, 29]),
        ("test-key", "746573742d6b6579", -1341026247, 806457401, [1, 2, 1, 1, 5, 1, 1, 5, 9, 25, 1]),
        ("0", "30", 971027396, 971027396, [0, 2, 0, 1, 2, 4, 6, 8, 4, 4, 96]),
        ("1", "31", -1993445489, 154038159, [1, 0, 3, 4, 3, 7, 9, 3, 15, 15, 59]),
        ("12345", "3132333435", -1188365604, 959118044, [0, 2, 0, 4, 2, 4, 4, 8, 12, 28, 44]),
        ("kafka", "6b61666b61", -798503068, 1348980580, [0, 1, 0, 0, 4, 4, 0, 4, 4, 4, 80]),
        ("café", "636166c3a9", -1358007374, 789476274, [0, 0, 2, 4, 0, 2, 4, 6, 2, 18, 74]),
        ("日本", "e697a5e69cac", -700811021, 1446672627, [1, 0, 3, 2, 3, 3, 7, 3, 3, 19, 27]),
    ];

    #[test]
    fn keyed_string_table_matches_reference() {
        for (key, bytes_hex, hash, positive, partitions) in KEYED_STRING_TABLE {
            let bytes = key.as_bytes();
            assert_eq!(hex(bytes), bytes_hex, "bytes of {key:?}");
            assert_eq!(murmur2(bytes), hash, "murmur2 of {key:?}");
            assert_eq!(to_positive(murmur2(bytes)), positive, "toPositive of {key:?}");
            for (n, expected) in TABLE_PARTITION_COUNTS.into_iter().zip(partitions) {
                assert_eq!(partition_for_key(bytes, n), expected, "{key:?} with N={n}");
            }
        }
    }

    /// (serialized key, its bytes in hex, murmur2, toPositive, partition for N = 3, 6, 10)
    type SerializedRow = (&'static [u8], &'static str, i32, i32, [u32; 3]);

    /// kafka-reference.md §1.5, non-string keys (IntegerSerializer / LongSerializer).
    #[rustfmt::skip]
    const SERIALIZED_KEY_TABLE: [SerializedRow; 8] = [
        (&int_key(0), "00000000", 850957120, 850957120, [1, 4, 0]),
        (&int_key(1), "00000001", -173113808, 1974369840, [0, 0, 0]),
        (&int_key(2), "00000002", 1586072243, 1586072243, [2, 5, 3]),
        (&int_key(42), "0000002a", 1606757304, 1606757304, [0, 0, 4]),
        (&int_key(100), "00000064", -1025727008, 1121756640, [0, 0, 0]),
        (&long_key(0), "0000000000000000", -522759933, 1624723715, [2, 5, 5]),
        (&long_key(1), "0000000000000001", 2100486060, 2100486060, [0, 0, 0]),
        (&long_key(42), "000000000000002a", 506863552, 506863552, [1, 4, 2]),
    ];

    #[test]
    fn keyed_int_and_long_table_matches_reference() {
        for (bytes, bytes_hex, hash, positive, partitions) in SERIALIZED_KEY_TABLE {
            assert_eq!(hex(bytes), bytes_hex);
            assert_eq!(murmur2(bytes), hash, "murmur2 of {bytes_hex}");
            assert_eq!(to_positive(murmur2(bytes)), positive, "toPositive of {bytes_hex}");
            for (n, expected) in [3, 6, 10].into_iter().zip(partitions) {
                assert_eq!(partition_for_key(bytes, n), expected, "{bytes_hex} with N={n}");
            }
        }
    }

    /// §1.4: `Utils.abs(groupId.hashCode()) % 50`.
    #[test]
    fn coordinator_partition_table_matches_reference() {
        let rows = [
            ("my-group", -1906497762, 12),
            ("test-group", 627841412, 12),
            ("group1", -1237460590, 40),
            ("orders-service", 23943117, 17),
            ("a", 97, 47),
            ("", 0, 0),
        ];
        for (group, hash, partition) in rows {
            assert_eq!(java_string_hash(group), hash, "hashCode of {group:?}");
            assert_eq!(coordinator_partition(group, 50), partition, "partition of {group:?}");
        }
    }

    #[test]
    fn java_string_hash_counts_utf16_units_and_utils_abs_maps_min_to_zero() {
        // U+1F600 is one char but two UTF-16 units (0xD83D, 0xDE00): 0xD83D * 31 + 0xDE00.
        assert_eq!(java_string_hash("\u{1F600}"), 0xD83D * 31 + 0xDE00);
        assert_eq!(utils_abs(i32::MIN), 0);
        assert_eq!(utils_abs(-5), 5);
    }
}
