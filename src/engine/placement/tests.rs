//! Kafka's test vectors for replica placement (kafka-reference.md §3.7), one row per Kafka test or
//! table row.
//!
//! Compact notation, parsed by the helpers below: a cluster is `"11@1 20@2! 5"` (broker 11 in rack
//! "1", broker 20 in rack "2" and fenced, broker 5 without rack); placements are `"2,3,0 3,0,1"`
//! (partition 0 on [2, 3, 0], partition 1 on [3, 0, 1]).

use super::*;
use crate::engine::rng::{RandomSource, SimRng};
use std::collections::{BTreeMap, BTreeSet};

/// Parses `"id[@rack][!]"` items separated by spaces.
fn cluster(text: &str) -> Vec<BrokerInfo> {
    text.split_whitespace()
        .map(|item| {
            let (item, fenced) = item.strip_suffix('!').map_or((item, false), |rest| (rest, true));
            let (id, rack) = item.split_once('@').map_or((item, None), |(id, rack)| (id, Some(rack)));
            let info = BrokerInfo::new(id.parse().expect("broker id"));
            let info = match rack {
                Some(rack) => info.in_rack(rack),
                None => info,
            };
            if fenced { info.fenced() } else { info }
        })
        .collect()
}

/// Parses `"a,b,c d,e,f"` into one replica list per partition.
fn lists(text: &str) -> Vec<Vec<BrokerId>> {
    text.split_whitespace().map(|list| list.split(',').map(|id| id.parse().expect("broker id")).collect()).collect()
}

fn ids(range: std::ops::Range<BrokerId>) -> Vec<BrokerInfo> {
    range.map(BrokerInfo::new).collect()
}

// ---------------------------------------------------------------------------------------------
// (a) StripedReplicaPlacer — StripedReplicaPlacerTest.java, all with `new MockRandom()` (state 17)
// ---------------------------------------------------------------------------------------------

/// (Kafka test, cluster, replication factor, placements in order).
const STRIPED_ROWS: [(&str, &str, i16, &str); 6] = [
    ("testSuccessfulPlacement", "0 3 2 1", 3, "2,3,0 3,0,1 0,1,2 1,2,3 1,0,2"),
    ("testAvoidFencedReplicaIfPossibleOnSingleRack", "3 1! 0 4 2", 4, "3,4,0,2 4,0,2,3 0,2,3,4 2,3,4,0 0,4,3,2"),
    ("testPlacementOnFencedReplicaOnSingleRack", "3 1! 2", 3, "3,2,1 2,3,1 3,2,1 2,3,1"),
    ("testRackListWithMultipleRacks", "11@1 10@1 30@3 31@3 21@2 20@2!", 4, "11,21,31,10 21,30,10,20 31,11,21,30"),
    (
        "testRackListWithInvalidRacks",
        "11@1 10@1 30@3! 31@3! 20@2! 21@2! 41@4 40@4!",
        4,
        "41,11,21,30 10,20,31,41 41,21,30,11",
    ),
    ("testMultiPartitionTopicPlacementOnSingleUnfencedBroker", "0 1!", 1, "0 0 0"),
];

/// Each row through Kafka's `RackList.place` loop (what most Kafka tests call) and through the
/// topic-level placer (`StripedReplicaPlacer.place`): both consume MockRandom identically.
#[test]
fn striped_placer_reproduces_striped_replica_placer_test() {
    for (kafka_test, brokers, rf, expected) in STRIPED_ROWS {
        let (brokers, expected) = (cluster(brokers), lists(expected));
        let mut rng = KafkaMockRandom::new();
        let mut rack_list = StripedRackList::new(&brokers, &mut rng);
        let stepped: Result<Vec<_>, _> = expected.iter().map(|_| rack_list.place(i32::from(rf), &mut rng)).collect();
        assert_eq!(stepped.as_ref(), Ok(&expected), "{kafka_test} via RackList.place");

        let partitions = expected.len() as u32;
        let whole_topic = place_striped(&brokers, partitions, rf, &mut KafkaMockRandom::new());
        assert_eq!(whole_topic, Ok(expected), "{kafka_test} via place()");
    }
}

/// The broker counts and rack names the Kafka tests assert on their `RackList`.
#[test]
fn striped_rack_list_counts_and_sorted_rack_names() {
    let expectations: [(&str, usize, usize, &[Option<&str>]); 4] = [
        ("testAvoidFencedReplicaIfPossibleOnSingleRack", 5, 4, &[None]),
        ("testPlacementOnFencedReplicaOnSingleRack", 3, 2, &[None]),
        ("testRackListWithMultipleRacks", 6, 5, &[Some("1"), Some("2"), Some("3")]),
        ("testRackListWithInvalidRacks", 8, 3, &[Some("1"), Some("2"), Some("3"), Some("4")]),
    ];
    for (kafka_test, total, unfenced, names) in expectations {
        let row = STRIPED_ROWS.iter().find(|row| row.0 == kafka_test).expect("row exists");
        let rack_list = StripedRackList::new(&cluster(row.1), &mut KafkaMockRandom::new());
        assert_eq!(rack_list.total_brokers(), total, "{kafka_test} numTotalBrokers");
        assert_eq!(rack_list.unfenced_brokers(), unfenced, "{kafka_test} numUnfencedBrokers");
        assert_eq!(rack_list.rack_names(), names, "{kafka_test} rackNames");
    }
}

/// testEvenDistribution: 200 partitions, RF 2 over brokers 0..3; every ordered pair's count.
#[test]
fn striped_even_distribution_matches_kafka_counts() {
    let placements = place_striped(&ids(0..4), 200, 2, &mut KafkaMockRandom::new()).expect("ok");
    let mut counts: BTreeMap<Vec<BrokerId>, u32> = BTreeMap::new();
    for replicas in placements {
        *counts.entry(replicas).or_default() += 1;
    }
    let pairs = lists("0,1 0,2 0,3 1,0 1,2 1,3 2,0 2,1 2,3 3,0 3,1 3,2");
    let kafka_counts = [14, 22, 14, 17, 17, 16, 13, 17, 20, 20, 19, 11];
    let expected: BTreeMap<Vec<BrokerId>, u32> = pairs.into_iter().zip(kafka_counts).collect();
    assert_eq!(counts, expected);
}

const NOT_ENOUGH_3_OF_2: &str =
    "The target replication factor of 3 cannot be reached because only 2 broker(s) are registered.";

/// The error rows: Kafka test, cluster, replication factor, exact message. The first three go through
/// `StripedReplicaPlacer.place`, the last three through `RackList.place`.
#[test]
fn striped_errors_carry_kafka_messages() {
    let placer_cases = [
        ("testAllBrokersFenced", "11@1! 10@1!", 1, "All brokers are currently fenced."),
        ("testNotEnoughBrokers", "11@1 10@1", 3, NOT_ENOUGH_3_OF_2),
        (
            "testNonPositiveReplicationFactor",
            "11@1 10@1",
            0,
            "Invalid replication factor 0: the replication factor must be positive.",
        ),
    ];
    for (kafka_test, brokers, rf, message) in placer_cases {
        let result = place_striped(&cluster(brokers), 1, rf, &mut KafkaMockRandom::new());
        let error = result.expect_err(kafka_test);
        assert_eq!(error.to_string(), message, "{kafka_test}");
        assert_eq!(error.kafka_exception(), "InvalidReplicationFactorException");
    }
    let rack_list_cases = [
        ("testRackListAllBrokersFenced", "0! 1! 2!", 3, "All brokers are currently fenced."),
        ("testRackListNotEnoughBrokers", "11@1 10@1", 3, NOT_ENOUGH_3_OF_2),
        (
            "testRackListNonPositiveReplicationFactor",
            "11@1 10@1",
            -1,
            "Invalid replication factor -1: the replication factor must be positive.",
        ),
    ];
    for (kafka_test, brokers, rf, message) in rack_list_cases {
        let mut rng = KafkaMockRandom::new();
        let mut rack_list = StripedRackList::new(&cluster(brokers), &mut rng);
        let error = rack_list.place(rf, &mut rng).expect_err(kafka_test);
        assert_eq!(error.to_string(), message, "{kafka_test}");
    }
}

/// testAvoidFencedReplicaIfPossibleOnSingleRack first asserts `place(0)` and `place(-1)` throw; the
/// refused calls must not disturb the placements that follow.
#[test]
fn striped_refused_placements_leave_the_rack_list_untouched() {
    let (_, brokers, _, expected) = STRIPED_ROWS[1];
    let mut rng = KafkaMockRandom::new();
    let mut rack_list = StripedRackList::new(&cluster(brokers), &mut rng);
    for rf in [0, -1] {
        let refused = PlacementError::NonPositiveReplicationFactor { replication_factor: rf };
        assert_eq!(rack_list.place(rf, &mut rng), Err(refused));
    }
    assert_eq!(rack_list.place(4, &mut rng), Ok(lists(expected)[0].clone()));
}

/// Kafka checks the topic-level conditions in a different order than `RackList.place`: with every
/// broker fenced *and* too few of them, the placer reports the fencing, the rack list the count.
#[test]
fn striped_check_order_differs_between_placer_and_rack_list() {
    let fenced_pair = cluster("1! 2!");
    let placed = place_striped(&fenced_pair, 1, 3, &mut KafkaMockRandom::new());
    assert_eq!(placed, Err(PlacementError::AllBrokersFenced));
    let mut rng = KafkaMockRandom::new();
    let mut rack_list = StripedRackList::new(&fenced_pair, &mut rng);
    let too_few = PlacementError::NotEnoughBrokers { replication_factor: 3, registered: 2 };
    assert_eq!(rack_list.place(3, &mut rng), Err(too_few));
}

/// kafka-reference.md §3.7(a) "Computed deterministic examples (single rack, first n partitions)":
/// (sorted brokers B, start s, RF, partitions 0..n−1).
#[test]
fn striped_first_round_reproduces_the_deterministic_table() {
    let rows: [(&[BrokerId], usize, i16, &str); 4] = [
        (&[0, 1, 2], 0, 2, "0,1 1,2 2,0"),
        (&[0, 1, 2], 2, 3, "2,0,1 0,1,2 1,2,0"),
        (&[0, 1, 2, 3, 4], 1, 3, "1,2,3 2,3,4 3,4,0 4,0,1 0,1,2"),
        (&[101, 102, 103, 104], 3, 2, "104,101 101,102 102,103 103,104"),
    ];
    for (brokers, start, rf, expected) in rows {
        let layout = striped_first_round(brokers, start, rf, brokers.len());
        assert_eq!(layout, Ok(lists(expected)), "B={brokers:?} s={start} RF={rf}");
    }
    let unsorted = striped_first_round(&[2, 0, 1], 0, 2, 3);
    assert_eq!(unsorted, striped_first_round(&[0, 1, 2], 0, 2, 3), "sorted first, as Kafka does");
    let too_few = striped_first_round(&[0, 1], 0, 3, 2).map_err(|e| e.to_string());
    assert_eq!(too_few, Err(NOT_ENOUGH_3_OF_2.to_string()));
    let zero = PlacementError::NonPositiveReplicationFactor { replication_factor: 0 };
    assert_eq!(striped_first_round(&[0, 1], 0, 0, 2), Err(zero));
}

/// The reference checked the deterministic form against the real placer on 199 random
/// configurations; here: one rack, all unfenced, brokers in shuffled order, many SimRng seeds. The
/// start `s` is the unfenced list's offset, i.e. the first `nextInt(n)` the placer draws.
#[test]
fn striped_first_round_matches_the_placer_for_one_unfenced_rack() {
    for seed in 0..300u64 {
        let mut config = SimRng::new(seed ^ 0x5EED);
        let count = 1 + config.below(9) as usize;
        let rf = 1 + config.below(count as u32) as i16;
        let mut broker_ids: Vec<BrokerId> = (0..count as BrokerId).map(|i| 100 + 3 * i).collect();
        java_shuffle(&mut broker_ids, &mut config);
        let brokers: Vec<BrokerInfo> = broker_ids.iter().map(|id| BrokerInfo::new(*id)).collect();

        let mut rng = SimRng::new(seed);
        let start = rng.clone().next_int(count);
        let placed = place_striped(&brokers, count as u32, rf, &mut rng);
        let expected = striped_first_round(&broker_ids, start, rf, count);
        assert_eq!(placed, expected, "seed {seed}: brokers {broker_ids:?}, RF {rf}, s {start}");
    }
}

/// A random cluster for property checks: up to 10 brokers (ids = indices), 0–3 racks, ~¼ fenced.
fn random_cluster(config: &mut SimRng) -> (Vec<BrokerInfo>, bool) {
    let count = 1 + config.below(10) as BrokerId;
    let rack_count = config.below(4);
    let brokers = (0..count)
        .map(|id| {
            let info = BrokerInfo::new(id);
            let info = match rack_count {
                0 => info,
                racks => info.in_rack(format!("r{}", config.below(racks))),
            };
            if config.below(4) == 0 { info.fenced() } else { info }
        })
        .collect();
    (brokers, rack_count <= 1)
}

/// Structural guarantees of the placer on random clusters fed by SimRng: distinct replicas, an
/// unfenced leader, on one rack fenced brokers only after every unfenced one, the same seed giving
/// the same layout, and only an all-fenced cluster refused.
#[test]
fn striped_placements_are_valid_on_random_clusters() {
    for seed in 0..400u64 {
        let mut config = SimRng::new(seed.wrapping_mul(31) + 7);
        let (brokers, single_rack) = random_cluster(&mut config);
        let rf = 1 + config.below(brokers.len() as u32) as i16;
        let partitions = config.below(25);
        let first = place_striped(&brokers, partitions, rf, &mut SimRng::new(seed));
        let again = place_striped(&brokers, partitions, rf, &mut SimRng::new(seed));
        assert_eq!(first, again, "seed {seed} replays");
        let Ok(placements) = first else {
            assert!(brokers.iter().all(|b| b.fenced), "seed {seed}: refused {first:?}");
            continue;
        };
        let is_fenced = |id: &BrokerId| brokers[*id as usize].fenced;
        let unfenced_count = brokers.iter().filter(|b| !b.fenced).count();
        for replicas in &placements {
            let distinct: BTreeSet<_> = replicas.iter().collect();
            assert_eq!(distinct.len(), replicas.len(), "seed {seed}: {replicas:?}");
            assert!(!is_fenced(&replicas[0]), "seed {seed}: fenced leader in {replicas:?}");
            // Across racks, rack spread comes first and a rack may offer its fenced broker earlier.
            let unfenced_used = replicas.iter().filter(|id| !is_fenced(id)).count();
            let fenced_early = unfenced_used < replicas.len() && unfenced_used < unfenced_count;
            assert!(!(single_rack && fenced_early), "seed {seed}: fenced early {replicas:?}");
        }
    }
}

/// Vectors printed by a JDK 17 run of Kafka's `StripedReplicaPlacer` with `new Random(seed)`,
/// covering what MockRandom rows do not: the real LCG, reshuffles across racks, fenced followers
/// (with racks holding several fenced and unfenced brokers, so the draw order of the two lists shows),
/// racks whose names collide in Java's `HashMap` ("Aa"/"BB"), and 13 racks (a 32-bucket map, and
/// "rack10" sorting before "rack2"). (seed, cluster, partitions, RF, placements).
#[test]
fn striped_placer_matches_a_jdk_run_with_java_util_random() {
    let thirteen_racks: String = (1..=13).map(|i| format!("{0}@rack{1} {2}@rack{1} ", 10 * i, i, 10 * i + 1)).collect();
    let cases: [(i64, &str, u32, i16, &str); 5] = [
        (
            99,
            "1@x 2@x 3@x 4@x! 5@x! 6@y 7@y 8@y!",
            7,
            6,
            "7,3,6,1,8,2 1,6,2,7,3,8 7,2,6,3,8,1 3,6,1,7,2,8 7,1,6,2,8,3 7,2,6,3,8,1 3,6,1,7,2,8",
        ),
        (42, "1@a 2@a 3@b 4@b! 5@c 6@c", 8, 3, "2,3,5 3,6,1 5,2,3 1,3,6 3,5,2 3,6,1 5,2,3 1,3,6"),
        (7, "10@BB 11@Aa 12 13@BB! 14@Aa 15", 7, 2, "14,10 10,15 12,11 14,10 10,15 12,10 10,11"),
        (2024, &thirteen_racks, 6, 3, "31,41,50 40,51,60 50,61,71 60,70,80 71,81,91 80,90,10"),
        (-3, "5 2 9! 7", 9, 4, "2,5,7,9 5,7,2,9 7,2,5,9 7,5,2,9 5,2,7,9 2,7,5,9 7,2,5,9 2,5,7,9 5,7,2,9"),
    ];
    for (seed, brokers, partitions, rf, expected) in cases {
        let placed = place_striped(&cluster(brokers), partitions, rf, &mut JavaLcg::new(seed));
        assert_eq!(placed, Ok(lists(expected)), "new Random({seed}), RF {rf}, {brokers}");
    }
}

// ---------------------------------------------------------------------------------------------
// (b) Legacy AdminUtils.assignReplicasToBrokers — AdminRackAwareTest.scala / AdminTest
// ---------------------------------------------------------------------------------------------

/// Parses `"id:rack id:rack"` into Kafka's `brokerRackMap`.
fn rack_map(text: &str) -> BTreeMap<BrokerId, String> {
    text.split_whitespace()
        .filter_map(|pair| pair.split_once(':'))
        .map(|(id, rack)| (id.parse().expect("broker id"), rack.to_string()))
        .collect()
}

fn brokers_with_racks(racks: &BTreeMap<BrokerId, String>) -> Vec<BrokerInfo> {
    racks.iter().map(|(id, rack)| BrokerInfo::new(*id).in_rack(rack.as_str())).collect()
}

fn as_lists(assignment: &BTreeMap<u32, Vec<BrokerId>>) -> Vec<Vec<BrokerId>> {
    assignment.values().cloned().collect()
}

/// testReplicaAssignment: brokers 0..4, 10 partitions, RF 3, fixedStartIndex 0; RF 0 and RF 6 refused.
#[test]
fn legacy_rack_unaware_reproduces_test_replica_assignment() {
    let brokers = ids(0..5);
    let mut unused = KafkaMockRandom::new();
    let assignment = assign_replicas_to_brokers(&brokers, 10, 3, 0, 0, &mut unused).expect("ok");
    let expected = "0,1,2 1,2,3 2,3,4 3,4,0 4,0,1 0,2,3 1,3,4 2,4,0 3,0,1 4,1,2";
    assert_eq!(assignment.keys().copied().collect::<Vec<u32>>(), (0..10).collect::<Vec<u32>>());
    assert_eq!(as_lists(&assignment), lists(expected));
    let refusals = [
        (0, "Replication factor must be larger than 0."),
        (6, "Replication factor: 6 larger than available brokers: 5."),
    ];
    for (rf, message) in refusals {
        let result = assign_replicas_to_brokers(&brokers, 10, rf, 0, 0, &mut unused);
        let error = result.expect_err(message);
        assert_eq!(error.to_string(), message);
        assert_eq!(error.kafka_exception(), "InvalidReplicationFactorException");
    }
    assert_eq!(unused, KafkaMockRandom::new(), "a fixed start draws nothing");
}

/// testGetRackAlternatedBrokerListAndAssignReplicasToBrokers.
#[test]
fn legacy_rack_aware_reproduces_rack_alternated_test() {
    let racks = rack_map("0:rack1 1:rack3 2:rack3 3:rack2 4:rack2 5:rack1");
    assert_eq!(rack_alternated_broker_list(&racks), vec![0, 3, 1, 5, 4, 2]);
    let mut without_5 = racks.clone();
    without_5.remove(&5);
    assert_eq!(rack_alternated_broker_list(&without_5), vec![0, 3, 1, 4, 2]);

    let brokers = brokers_with_racks(&racks);
    let assignment = assign_replicas_to_brokers(&brokers, 7, 3, 0, 0, &mut KafkaMockRandom::new());
    let expected = "0,3,1 3,1,5 1,5,4 5,4,2 4,2,0 2,0,3 0,4,2";
    assert_eq!(assignment.map(|a| as_lists(&a)), Ok(lists(expected)));
}

/// kafka-reference.md §3.7(b) "Computed legacy examples": (broker count, partitions, RF,
/// (start index, shift), result).
#[test]
fn legacy_rack_unaware_reproduces_the_computed_table() {
    let start = |start_index, replica_shift| LegacyStart { start_index, replica_shift };
    let rows: [(BrokerId, u32, i32, LegacyStart, &str); 5] = [
        (3, 6, 2, start(0, 0), "0,1 1,2 2,0 0,2 1,0 2,1"),
        (3, 6, 3, start(0, 0), "0,1,2 1,2,0 2,0,1 0,2,1 1,0,2 2,1,0"),
        (4, 8, 2, start(1, 2), "1,0 2,1 3,2 0,3 1,2 2,3 3,0 0,1"),
        (6, 12, 3, start(0, 0), "0,1,2 1,2,3 2,3,4 3,4,5 4,5,0 5,0,1 0,2,3 1,3,4 2,4,5 3,5,0 4,0,1 5,1,2"),
        (5, 10, 3, start(2, 3), "2,1,3 3,2,4 4,3,0 0,4,1 1,0,2 2,3,4 3,4,0 4,0,1 0,1,2 1,2,3"),
    ];
    for (count, partitions, rf, start, expected) in rows {
        let assignment = assign_replicas_with_start(&ids(0..count), partitions, rf, start, 0);
        let row = format!("{count} brokers, RF {rf}, {start:?}");
        assert_eq!(assignment.map(|a| as_lists(&a)), Ok(lists(expected)), "{row}");
    }
}

/// `startPartitionId` numbers the new partitions and places their leaders by absolute partition id,
/// but the follower shift only grows when the loop itself crosses a multiple of `n`: adding
/// partitions 6..9 to a 5-broker topic keeps shift 0, unlike a topic created whole (shift 1 there).
#[test]
fn legacy_start_partition_id_continues_leaders_not_shift() {
    let brokers = ids(0..5);
    let whole = assign_replicas_with_start(&brokers, 10, 3, LegacyStart::fixed(0), 0).expect("ok");
    let added = assign_replicas_with_start(&brokers, 4, 3, LegacyStart::fixed(0), 6).expect("ok");
    let expected: BTreeMap<u32, Vec<BrokerId>> = (6..).zip(lists("1,2,3 2,3,4 3,4,0 4,0,1")).collect();
    assert_eq!(added, expected);
    assert!(added.iter().all(|(p, replicas)| whole[p][0] == replicas[0]), "same leaders");
    assert_eq!(whole[&6], vec![1, 3, 4], "created whole, partition 6 uses shift 1");
    let negative = assign_replicas_with_start(&brokers, 2, 3, LegacyStart::fixed(0), -4);
    let partition_ids = negative.map(|a| a.keys().copied().collect::<Vec<u32>>());
    assert_eq!(partition_ids, Ok(vec![0, 1]), "max(0, startPartitionId)");
}

/// A negative fixedStartIndex draws start index then shift with `nextInt(n)`, in that order.
#[test]
fn legacy_random_start_draws_start_then_shift() {
    let brokers = ids(0..7);
    for seed in 0..50u64 {
        let mut probe = SimRng::new(seed);
        let start_index = probe.next_int(7);
        let start = LegacyStart { start_index, replica_shift: probe.next_int(7) };
        let drawn = assign_replicas_to_brokers(&brokers, 9, 3, -1, 0, &mut SimRng::new(seed));
        assert_eq!(drawn, assign_replicas_with_start(&brokers, 9, 3, start, 0), "seed {seed}");
    }
}

/// Every legacy refusal, in Kafka's check order, with its message and exception class.
#[test]
fn legacy_errors_carry_kafka_messages() {
    let brokers = cluster("0@a 1 2@b");
    let cases: [(u32, i32, &str, &str); 4] = [
        (0, 1, "Number of partitions must be larger than 0.", "InvalidPartitionsException"),
        (3, -2, "Replication factor must be larger than 0.", "InvalidReplicationFactorException"),
        (3, 4, "Replication factor: 4 larger than available brokers: 3.", "InvalidReplicationFactorException"),
        (3, 2, "Not all brokers have rack information for replica rack aware assignment.", "AdminOperationException"),
    ];
    for (partitions, rf, message, exception) in cases {
        let result = assign_replicas_with_start(&brokers, partitions, rf, LegacyStart::fixed(0), 0);
        let error = result.expect_err(message);
        assert_eq!((error.to_string().as_str(), error.kafka_exception()), (message, exception));
    }
}

/// RackAwareTest.checkReplicaDistribution's switches: each replica on a distinct rack, leaders even
/// over brokers, replicas even over brokers (no broker twice in a partition is always checked).
#[derive(Clone, Copy)]
struct DistributionCheck {
    rack_aware: bool,
    leaders_even: bool,
    replicas_even: bool,
}

const CHECK_ALL: DistributionCheck = DistributionCheck { rack_aware: true, leaders_even: true, replicas_even: true };

fn check_replica_distribution(
    kafka_test: &str,
    assignment: &BTreeMap<u32, Vec<BrokerId>>,
    racks: &BTreeMap<BrokerId, String>,
    rf: usize,
    check: DistributionCheck,
) {
    let mut leaders: BTreeMap<BrokerId, usize> = BTreeMap::new();
    let mut replica_counts: BTreeMap<BrokerId, usize> = BTreeMap::new();
    for replicas in assignment.values() {
        let distinct: BTreeSet<_> = replicas.iter().collect();
        assert_eq!(distinct.len(), replicas.len(), "{kafka_test}: broker twice in {replicas:?}");
        let rack_set: BTreeSet<_> = replicas.iter().map(|id| &racks[id]).collect();
        assert!(!check.rack_aware || rack_set.len() == rf, "{kafka_test}: racks of {replicas:?}");
        *leaders.entry(replicas[0]).or_default() += 1;
        for id in replicas {
            *replica_counts.entry(*id).or_default() += 1;
        }
    }
    let partitions = assignment.len();
    if check.leaders_even {
        let even = vec![partitions / racks.len(); racks.len()];
        assert_eq!(leaders.into_values().collect::<Vec<_>>(), even, "{kafka_test}: leaders");
    }
    if check.replicas_even {
        let even = vec![partitions * rf / racks.len(); racks.len()];
        assert_eq!(replica_counts.into_values().collect::<Vec<_>>(), even, "{kafka_test}: replicas");
    }
}

/// (Kafka test, racks, partitions, RF, fixedStartIndex, startPartitionId, checks).
type DistributionCase<'a> = (&'a str, &'a str, u32, usize, i32, i32, DistributionCheck);

/// The AdminRackAwareTest cases that assert properties rather than exact lists. Cases Kafka runs with a random start
/// (fixedStartIndex −1) run here for 40 SimRng seeds.
#[test]
fn legacy_rack_aware_distribution_properties() {
    let standard = "0:rack1 1:rack2 2:rack2 3:rack3 4:rack3 5:rack1";
    let uneven_counts = DistributionCheck { rack_aware: true, leaders_even: false, replicas_even: false };
    let leaders_only = DistributionCheck { rack_aware: true, leaders_even: true, replicas_even: false };
    let no_checks = DistributionCheck { rack_aware: false, leaders_even: false, replicas_even: false };
    let twelve = "0:rack1 1:rack2 2:rack2 3:rack3 4:rack3 5:rack1 \
                  6:rack1 7:rack2 8:rack2 9:rack3 10:rack1 11:rack3";
    let cases: [DistributionCase; 10] = [
        ("testAssignmentWithRackAware", standard, 6, 3, 2, 0, CHECK_ALL),
        ("testAssignmentWithRackAwareWithRandomStartIndex", standard, 6, 3, -1, 0, CHECK_ALL),
        ("testAssignmentWithRackAwareWithUnevenReplicas", standard, 13, 3, 0, 0, uneven_counts),
        (
            "testAssignmentWithRackAwareWithUnevenRacks",
            "0:rack1 1:rack1 2:rack2 3:rack3 4:rack3 5:rack1",
            12,
            3,
            -1,
            0,
            leaders_only,
        ),
        ("testAssignmentWith2ReplicasRackAware", standard, 12, 2, -1, 0, CHECK_ALL),
        ("testRackAwareExpansion", "6:rack1 7:rack2 8:rack2 9:rack3 10:rack3 11:rack1", 12, 2, -1, 12, CHECK_ALL),
        ("testAssignmentWith2ReplicasRackAwareWith6Partitions", standard, 6, 2, -1, 0, CHECK_ALL),
        (
            "testAssignmentWith2ReplicasRackAwareWith6PartitionsAnd3Brokers",
            "0:rack1 1:rack2 4:rack3",
            3,
            2,
            -1,
            0,
            CHECK_ALL,
        ),
        ("testLargeNumberPartitionsAssignment", twelve, 96, 3, -1, 0, CHECK_ALL),
        ("testSkipBrokerWithReplicaAlreadyAssigned", "0:a 1:b 2:c 3:a 4:a", 6, 4, 2, 0, no_checks),
    ];
    for (kafka_test, racks, partitions, rf, fixed_start, first_partition, check) in cases {
        let racks = rack_map(racks);
        let brokers = brokers_with_racks(&racks);
        let seeds = if fixed_start < 0 { 0..40 } else { 0..1 };
        for seed in seeds {
            let mut rng = SimRng::new(seed);
            let assignment =
                assign_replicas_to_brokers(&brokers, partitions, rf as i32, fixed_start, first_partition, &mut rng)
                    .expect(kafka_test);
            assert_eq!(assignment.len(), partitions as usize, "{kafka_test}");
            check_replica_distribution(kafka_test, &assignment, &racks, rf, check);
        }
    }
}

/// testMoreReplicasThanRacks, testLessReplicasThanRacks, testSingleRack (6 partitions, random start):
/// (Kafka test, racks, RF, racks spanned by every partition); one rack also means one leadership per
/// broker.
#[test]
fn legacy_rack_aware_rack_spread() {
    let uneven = "0:rack1 1:rack2 2:rack2 3:rack3 4:rack3 5:rack2";
    let cases = [
        ("testMoreReplicasThanRacks", uneven, 5, 3),
        ("testLessReplicasThanRacks", uneven, 2, 2),
        ("testSingleRack", "0:rack1 1:rack1 2:rack1 3:rack1 4:rack1 5:rack1", 3, 1),
    ];
    for (kafka_test, racks, rf, racks_per_partition) in cases {
        let racks = rack_map(racks);
        let brokers = brokers_with_racks(&racks);
        for seed in 0..40 {
            let result = assign_replicas_to_brokers(&brokers, 6, rf, -1, 0, &mut SimRng::new(seed));
            let assignment = result.expect(kafka_test);
            for replicas in assignment.values() {
                assert_eq!(replicas.len(), rf as usize, "{kafka_test}");
                let spread: BTreeSet<_> = replicas.iter().map(|id| &racks[id]).collect();
                assert_eq!(spread.len(), racks_per_partition, "{kafka_test} seed {seed}: {replicas:?}");
            }
            if racks_per_partition == 1 {
                let leaders: BTreeSet<BrokerId> = assignment.values().map(|r| r[0]).collect();
                assert_eq!(leaders.len(), 6, "{kafka_test}: one leadership per broker");
            }
        }
    }
}
