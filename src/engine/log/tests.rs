//! Kafka's test vectors for segments, retention and compaction (reference §4.1–4.3), plus the simulation's
//! own follower and reader operations.

use super::*;
use crate::engine::types::TopicPartition;

/// Bytes of one record's key and value in these tests.
const RECORD_BYTES: u64 = 10;
const REPLICA_FETCH_MAX: u64 = 1_048_576;
/// `s` of the reference: the size of one single-record batch.
const S: u64 = BATCH_OVERHEAD_BYTES + RECORD_BYTES;
/// A virtual "now" far enough from 0 that old timestamps are old.
const NOW: Millis = 1_000_000_000;

fn config(adjust: impl FnOnce(&mut LogConfig)) -> LogConfig {
    let mut config = LogConfig::default();
    adjust(&mut config);
    config
}

/// A single-record batch; keyed (with a distinct key per offset unless given) when the topic is compacted.
fn single(log: &PartitionLog, key: Option<KeyRecord>, timestamp: Millis) -> BatchSpec {
    if log.config().cleanup_policy.compacts() {
        let key = key.unwrap_or(KeyRecord::value(log.log_end_offset() as u32));
        BatchSpec::keyed(vec![key], S, timestamp)
    } else {
        BatchSpec::unkeyed(1, S, timestamp)
    }
}

fn append(log: &mut PartitionLog, spec: BatchSpec, now: Millis) -> (Offset, Offset) {
    let range = log.append(spec, now).expect("append accepted");
    log.check_invariants();
    range
}

fn append_singles(log: &mut PartitionLog, count: usize, timestamp: Millis, now: Millis) {
    for _ in 0..count {
        let spec = single(log, None, timestamp);
        append(log, spec, now);
    }
}

fn append_keys(log: &mut PartitionLog, keys: &[KeyRecord], now: Millis) {
    for key in keys {
        let spec = single(log, Some(*key), now);
        append(log, spec, now);
    }
}

fn bases(log: &PartitionLog) -> Vec<Offset> {
    log.segments().map(|s| s.base_offset).collect()
}

fn offsets(log: &PartitionLog) -> Vec<Offset> {
    log.keyed_records().map(|(offset, _)| offset).collect()
}

fn clean(log: &mut PartitionLog, now: Millis) -> CleaningOutcome {
    let outcome = log.clean(now, log.log_end_offset());
    log.check_invariants();
    outcome
}

// ---------------------------------------------------------------------------------------------------------
// §4.1 / §4.2 — UnifiedLogTest
// ---------------------------------------------------------------------------------------------------------

/// When the records were written, relative to the retention check.
#[derive(Clone, Copy)]
enum RecordTime {
    /// Timestamp 10, as Kafka's tests use for expired data.
    Old,
    /// The current time.
    Now,
}

struct RetentionRow {
    kafka_test: &'static str,
    policy: CleanupPolicy,
    retention_ms: Option<Millis>,
    retention_bytes: Option<u64>,
    record_time: RecordTime,
    log_start_before: Option<Offset>,
    expected_bases: &'static [Offset],
    expected_log_start: Offset,
}

/// `UnifiedLogTest`: segment.bytes = 5s, 15 single-record batches, HW = LEO, one retention pass.
#[test]
fn unified_log_test_retention_vectors() {
    use CleanupPolicy::*;
    let week = Some(7 * 24 * 3_600_000);
    let rows = [
        RetentionRow {
            kafka_test: "shouldDeleteSizeBasedSegments",
            policy: Delete,
            retention_ms: week,
            retention_bytes: Some(10 * S),
            record_time: RecordTime::Now,
            log_start_before: None,
            expected_bases: &[5, 10],
            expected_log_start: 5,
        },
        RetentionRow {
            kafka_test: "shouldNotDeleteSizeBasedSegmentsWhenUnderRetentionSize",
            policy: Delete,
            retention_ms: week,
            retention_bytes: Some(15 * S),
            record_time: RecordTime::Now,
            log_start_before: None,
            expected_bases: &[0, 5, 10],
            expected_log_start: 0,
        },
        RetentionRow {
            kafka_test: "shouldDeleteTimeBasedSegmentsReadyToBeDeleted",
            policy: Delete,
            retention_ms: Some(10_000),
            retention_bytes: None,
            record_time: RecordTime::Old,
            log_start_before: None,
            expected_bases: &[15],
            expected_log_start: 15,
        },
        RetentionRow {
            kafka_test: "shouldNotDeleteTimeBasedSegmentsWhenNoneReadyToBeDeleted",
            policy: Delete,
            retention_ms: Some(10_000_000),
            retention_bytes: None,
            record_time: RecordTime::Now,
            log_start_before: None,
            expected_bases: &[0, 5, 10],
            expected_log_start: 0,
        },
        RetentionRow {
            kafka_test: "shouldNotDeleteSegmentsWhenPolicyDoesNotIncludeDelete",
            policy: Compact,
            retention_ms: Some(10_000),
            retention_bytes: None,
            record_time: RecordTime::Old,
            log_start_before: None,
            expected_bases: &[0, 5, 10],
            expected_log_start: 0,
        },
        RetentionRow {
            kafka_test: "shouldDeleteSegmentsReadyToBeDeletedWhenCleanupPolicyIsCompactAndDelete",
            policy: CompactDelete,
            retention_ms: Some(10_000),
            retention_bytes: None,
            record_time: RecordTime::Old,
            log_start_before: None,
            expected_bases: &[15],
            expected_log_start: 15,
        },
        RetentionRow {
            kafka_test: "shouldDeleteStartOffsetBreachedSegmentsWhenPolicyDoesNotIncludeDelete",
            policy: Compact,
            retention_ms: Some(10_000),
            retention_bytes: None,
            record_time: RecordTime::Old,
            log_start_before: Some(5),
            expected_bases: &[5, 10],
            expected_log_start: 5,
        },
    ];
    for row in rows {
        let config = config(|c| {
            c.segment_bytes = 5 * S;
            c.cleanup_policy = row.policy;
            c.retention_ms = row.retention_ms;
            c.retention_bytes = row.retention_bytes;
        });
        let mut log = PartitionLog::new(config, NOW);
        let timestamp = match row.record_time {
            RecordTime::Old => 10,
            RecordTime::Now => NOW,
        };
        append_singles(&mut log, 15, timestamp, NOW);
        assert_eq!(bases(&log), [0, 5, 10], "{}: segments before retention", row.kafka_test);
        let high_watermark = log.log_end_offset();
        if let Some(start) = row.log_start_before {
            log.delete_records(start, high_watermark).expect("below the high watermark");
        }
        let outcome = log.apply_retention(NOW, high_watermark);
        log.check_invariants();
        assert_eq!(bases(&log), row.expected_bases, "{}", row.kafka_test);
        assert_eq!(log.log_start_offset(), row.expected_log_start, "{}", row.kafka_test);
        assert_eq!(outcome.log_start_offset, row.expected_log_start, "{}", row.kafka_test);
        assert_eq!(log.log_end_offset(), 15, "{}: retention never moves the LEO", row.kafka_test);
        let deleted = 3 + usize::from(outcome.rolled_new_active) - row.expected_bases.len();
        assert_eq!(outcome.total().segments, deleted, "{}", row.kafka_test);
        assert_eq!(outcome.total().bytes, deleted as u64 * 5 * S, "{}", row.kafka_test);
    }
}

/// `UnifiedLogTest.testLogDeletionAfterDeleteRecords`: DeleteRecords moves the log start offset; retention
/// then deletes the segments wholly below it, never the last one.
#[test]
fn unified_log_test_log_deletion_after_delete_records() {
    let mut log = PartitionLog::new(config(|c| c.segment_bytes = 5 * S), NOW);
    append_singles(&mut log, 15, NOW, NOW);
    assert_eq!((bases(&log), log.log_start_offset()), (vec![0, 5, 10], 0));
    let steps: [(Offset, &[Offset], Offset); 3] = [(1, &[0, 5, 10], 1), (6, &[5, 10], 6), (15, &[10], 15)];
    for (new_start, expected_bases, expected_start) in steps {
        assert_eq!(log.delete_records(new_start, 15), Ok(new_start));
        log.apply_retention(NOW, 15);
        log.check_invariants();
        assert_eq!(bases(&log), expected_bases, "logStartOffset {new_start}");
        assert_eq!(log.log_start_offset(), expected_start, "logStartOffset {new_start}");
    }
}

/// Retention never deletes a segment that is not wholly below the high watermark.
#[test]
fn retention_stops_at_the_high_watermark() {
    let rows: [(Offset, &[Offset]); 4] = [(4, &[0, 5, 10]), (5, &[5, 10]), (14, &[10]), (15, &[15])];
    for (high_watermark, expected_bases) in rows {
        let mut log = PartitionLog::new(
            config(|c| {
                c.segment_bytes = 5 * S;
                c.retention_ms = Some(10_000);
            }),
            NOW,
        );
        append_singles(&mut log, 15, 10, NOW);
        log.apply_retention(NOW, high_watermark);
        log.check_invariants();
        assert_eq!(bases(&log), expected_bases, "HW {high_watermark}");
    }
}

/// `retention.ms` compares strictly: a segment exactly `retention.ms` old stays.
#[test]
fn retention_ms_boundary_is_strict() {
    let rows: [(Millis, &[Offset]); 2] = [(NOW - 10, &[0, 5, 10]), (NOW - 11, &[15])];
    for (retention_ms, expected_bases) in rows {
        let mut log = PartitionLog::new(
            config(|c| {
                c.segment_bytes = 5 * S;
                c.retention_ms = Some(retention_ms);
            }),
            NOW,
        );
        append_singles(&mut log, 15, 10, NOW);
        log.apply_retention(NOW, 15);
        assert_eq!(bases(&log), expected_bases, "retention.ms {retention_ms}, newest record 10, now {NOW}");
    }
}

#[test]
fn delete_records_beyond_the_high_watermark_is_refused_with_kafkas_message() {
    let mut log = PartitionLog::new(LogConfig::default(), NOW);
    append_singles(&mut log, 15, NOW, NOW);
    let error = log.delete_records(101, 11).expect_err("beyond the HW");
    assert_eq!(
        error.kafka_message(&TopicPartition::new("topic", 0)),
        "Cannot increment the log start offset to 101 of partition topic-0 since it is larger than the high watermark 11"
    );
    assert_eq!(error.kafka_exception(), "OffsetOutOfRangeException");
    assert_eq!(log.log_start_offset(), 0);
    assert_eq!(log.delete_records(3, 11), Ok(3));
    assert_eq!(log.delete_records(2, 11), Ok(3), "the log start offset never moves back");
}

/// `LogSegment.shouldRoll` rule 1: a segment may fill to exactly `segment.bytes`.
#[test]
fn roll_by_segment_bytes() {
    let rows =
        [(5 * S, vec![0, 5, 10]), (5 * S + 1, vec![0, 5, 10]), (5 * S - 1, vec![0, 4, 8, 12]), (S, (0..15).collect())];
    for (segment_bytes, expected_bases) in rows {
        let mut log = PartitionLog::new(config(|c| c.segment_bytes = segment_bytes), NOW);
        append_singles(&mut log, 15, NOW, NOW);
        assert_eq!(bases(&log), expected_bases, "segment.bytes {segment_bytes}");
        assert!(log.segments().all(|s| s.size_bytes <= segment_bytes));
    }
}

/// `LogSegment.shouldRoll` rule 2: roll when the incoming batch is more than `segment.ms` newer than the
/// segment's first batch; an idle partition does not roll until data arrives.
#[test]
fn roll_by_segment_ms() {
    // (timestamps of successive single-record batches, expected segment bases)
    let rows: [(&[Millis], &[Offset]); 4] = [
        (&[0, 50, 100], &[0]),
        (&[0, 50, 101], &[0, 2]),
        (&[0, 101, 150, 202], &[0, 1, 3]),
        (&[1_000, 900, 1_050], &[0]),
    ];
    for (timestamps, expected_bases) in rows {
        let mut log = PartitionLog::new(config(|c| c.segment_ms = 100), 0);
        for &timestamp in timestamps {
            append(&mut log, BatchSpec::unkeyed(1, S, timestamp), timestamp);
        }
        assert_eq!(bases(&log), expected_bases, "timestamps {timestamps:?}");
    }

    let mut idle = PartitionLog::new(config(|c| c.segment_ms = 100), 0);
    append(&mut idle, BatchSpec::unkeyed(1, S, 0), 0);
    assert_eq!(idle.apply_retention(10_000, 1).total().segments, 0);
    assert_eq!(bases(&idle), [0], "no roll without an append");
    append(&mut idle, BatchSpec::unkeyed(1, S, 10_000), 10_000);
    assert_eq!(bases(&idle), [0, 1], "the next append rolls, at the LEO");
    assert_eq!(idle.segments().last().map(|s| s.created_at), Some(10_000));
}

#[test]
fn append_assigns_consecutive_offsets_per_record() {
    let mut log = PartitionLog::new(LogConfig::default(), NOW);
    assert_eq!(append(&mut log, BatchSpec::unkeyed(3, 61 + 30, NOW), NOW), (0, 2));
    assert_eq!(append(&mut log, BatchSpec::unkeyed(1, S, NOW), NOW), (3, 3));
    assert_eq!(append(&mut log, BatchSpec::unkeyed(500, 61 + 5_000, NOW), NOW), (4, 503));
    assert_eq!((log.log_end_offset(), log.size_bytes()), (504, 91 + S + 5_061));
    assert_eq!(log.count_records_in(0, 504), 504);
}

/// Rejections, in Kafka's words; a rejected batch changes nothing.
#[test]
fn append_rejections_use_kafkas_messages() {
    let tp = TopicPartition::new("t", 0);
    let compacted = config(|c| {
        c.cleanup_policy = CleanupPolicy::Compact;
        c.segment_bytes = 1_000;
        c.max_message_bytes = 2_000;
    });
    let rows = [
        (
            BatchSpec::unkeyed(1, S, NOW),
            "InvalidRecordException",
            "Compacted topic cannot accept message without key in topic partition t-0".to_string(),
        ),
        (
            BatchSpec::keyed(vec![KeyRecord::value(1)], 1_500, NOW),
            "RecordBatchTooLargeException",
            "Message batch size is 1500 bytes in append to partition t-0, which exceeds the maximum configured \
             segment size of 1000."
                .to_string(),
        ),
        (
            BatchSpec::keyed(vec![KeyRecord::value(1)], 2_001, NOW),
            "RecordTooLargeException",
            "The record batch size in the append to t-0 is 2001 bytes which exceeds the maximum configured value \
             of 2000."
                .to_string(),
        ),
        (
            BatchSpec::keyed(vec![], S, NOW),
            "InvalidRecordException",
            "Invalid reported count for record batch: 0 in topic partition t-0".to_string(),
        ),
    ];
    for (spec, exception, message) in rows {
        let mut log = PartitionLog::new(compacted.clone(), NOW);
        let error = log.append(spec, NOW).expect_err("rejected");
        assert_eq!((error.kafka_exception(), error.kafka_message(&tp)), (exception, message));
        assert_eq!((log.log_end_offset(), log.size_bytes()), (0, 0));
    }
}

#[test]
fn keys_are_dropped_on_topics_that_are_not_compacted() {
    let mut log = PartitionLog::new(LogConfig::default(), NOW);
    append(&mut log, BatchSpec::keyed(vec![KeyRecord::value(7); 3], 61 + 30, NOW), NOW);
    assert_eq!(log.keyed_records().count(), 0);
    assert_eq!(log.count_records_in(0, 3), 3);
}

// ---------------------------------------------------------------------------------------------------------
// §4.3 — LogCleanerTest and the worked example
// ---------------------------------------------------------------------------------------------------------

fn compacted(adjust: impl FnOnce(&mut LogConfig)) -> LogConfig {
    config(|c| {
        c.cleanup_policy = CleanupPolicy::Compact;
        adjust(c);
    })
}

/// `LogCleanerTest.testCleaningWithDeletes`: keys 0..N, tombstones for the even ones, new keys up to a fourth
/// segment; after one cleaning no even key has a value left.
#[test]
fn log_cleaner_test_cleaning_with_deletes() {
    let mut log = PartitionLog::new(compacted(|c| c.segment_bytes = 10 * S), NOW);
    while log.segment_count() < 2 {
        let key = KeyRecord::value(log.log_end_offset() as u32);
        append_keys(&mut log, &[key], NOW);
    }
    let leo = log.log_end_offset() as u32;
    let tombstones: Vec<KeyRecord> = (0..leo).step_by(2).map(KeyRecord::tombstone).collect();
    append_keys(&mut log, &tombstones, NOW);
    while log.segment_count() < 4 {
        let key = KeyRecord::value(log.log_end_offset() as u32);
        append_keys(&mut log, &[key], NOW);
    }

    let outcome = clean(&mut log, NOW);

    let values: Vec<u32> = log.keyed_records().filter(|(_, k)| !k.tombstone).map(|(_, k)| k.key).collect();
    assert!(values.iter().all(|k| k % 2 == 1 || *k >= leo), "no deleted key keeps a value: {values:?}");
    assert!((1..leo).step_by(2).all(|k| values.contains(&k)), "odd keys survive");
    let kept_tombstones = log.keyed_records().filter(|(_, k)| k.tombstone).count();
    assert_eq!(kept_tombstones, tombstones.len(), "tombstones stay until their delete horizon");
    assert_eq!(outcome.records_removed, tombstones.len() as u64);
    assert_eq!(outcome.cleaned_up_to, log.segments().last().map_or(0, |s| s.base_offset));
}

/// `LogCleanerTest.testCleanTombstone`: a tombstone written with an old timestamp after a value for the same
/// key is kept by the cleaning that removes the value, and by the next one: its horizon counts from the first
/// cleaning, not from the record's timestamp.
#[test]
fn log_cleaner_test_clean_tombstone() {
    let config = compacted(|_| {});
    let delete_retention = config.delete_retention_ms;
    let mut log = PartitionLog::new(config, NOW);
    append(&mut log, BatchSpec::keyed(vec![KeyRecord::value(0)], S, NOW + delete_retention + 10_000), NOW);
    log.roll(log.log_end_offset(), NOW);
    clean(&mut log, NOW);
    append(&mut log, BatchSpec::keyed(vec![KeyRecord::tombstone(0)], S, NOW - delete_retention - 10_000), NOW);
    log.roll(log.log_end_offset(), NOW);
    clean(&mut log, NOW);
    assert_eq!(log.keyed_records().next(), Some((1, KeyRecord::tombstone(0))), "the tombstone should be retained");

    append(&mut log, BatchSpec::keyed(vec![KeyRecord::value(1)], S, NOW), NOW);
    log.roll(log.log_end_offset(), NOW);
    clean(&mut log, NOW);
    assert_eq!(log.keyed_records().next(), Some((1, KeyRecord::tombstone(0))), "the tombstone should be retained");
}

/// `LogCleanerTest.testLogToCleanWithUncleanableSection`: six single-record segments, 0–1 clean, 2–3
/// cleanable, 4–5 uncleanable ⇒ cleanBytes = size(seg0 + seg1), cleanableBytes = size(seg2 + seg3), and the
/// ratio is cleanable / (clean + cleanable). The uncleanable section comes from the high watermark (the last
/// stable offset) or from `min.compaction.lag.ms`.
#[test]
fn log_cleaner_test_log_to_clean_with_uncleanable_section() {
    struct Row {
        case: &'static str,
        min_compaction_lag_ms: Millis,
        high_watermark: Offset,
        recent_from: Offset,
    }
    let rows = [
        Row { case: "uncleanable past the LSO", min_compaction_lag_ms: 0, high_watermark: 4, recent_from: 6 },
        Row { case: "uncleanable by compaction lag", min_compaction_lag_ms: 1_000, high_watermark: 6, recent_from: 4 },
    ];
    for row in rows {
        let mut log = PartitionLog::new(
            compacted(|c| {
                c.segment_bytes = S;
                c.min_compaction_lag_ms = row.min_compaction_lag_ms;
            }),
            NOW,
        );
        for offset in 0..6u32 {
            let timestamp = if u64::from(offset) >= row.recent_from { NOW } else { NOW - 10_000 };
            append(&mut log, BatchSpec::keyed(vec![KeyRecord::value(offset)], S, timestamp), NOW);
        }
        assert_eq!(bases(&log), [0, 1, 2, 3, 4, 5], "{}", row.case);
        log.clean(NOW, 2);
        assert_eq!(log.cleaner_checkpoint(), Some(2), "{}: segments 0–1 are clean", row.case);

        let state = log.cleaning_state(NOW, row.high_watermark);
        let sizes: Vec<u64> = log.segments().map(|s| s.size_bytes).collect();
        let (clean_bytes, cleanable_bytes) = (sizes[0] + sizes[1], sizes[2] + sizes[3]);
        assert_eq!((state.first_dirty_offset, state.first_uncleanable_offset), (2, 4), "{}", row.case);
        assert_eq!((state.clean_bytes, state.cleanable_bytes), (clean_bytes, cleanable_bytes), "{}", row.case);
        let ratio = cleanable_bytes as f64 / (clean_bytes + cleanable_bytes) as f64;
        assert_eq!(state.dirty_ratio(), ratio, "{}", row.case);
        assert_eq!(log.dirty_ratio(NOW, row.high_watermark), ratio, "{}", row.case);
    }
}

/// The dirty ratio must be strictly greater than `min.cleanable.dirty.ratio`.
#[test]
fn needs_cleaning_when_dirty_ratio_strictly_exceeds_the_minimum() {
    let rows = [(0.5, false), (0.49, true)];
    for (min_ratio, expected) in rows {
        let mut log = PartitionLog::new(
            compacted(|c| {
                c.segment_bytes = S;
                c.min_cleanable_dirty_ratio = min_ratio;
            }),
            NOW,
        );
        append_keys(&mut log, &(0..6).map(KeyRecord::value).collect::<Vec<_>>(), NOW);
        log.clean(NOW, 2);
        assert_eq!(log.dirty_ratio(NOW, 4), 0.5);
        assert_eq!(log.needs_cleaning(NOW, 4), expected, "min.cleanable.dirty.ratio {min_ratio}");
    }
    let delete_only = PartitionLog::new(LogConfig::default(), NOW);
    assert!(!delete_only.needs_cleaning(NOW, 0), "only compacted topics are cleaned");
}

/// `max.compaction.lag.ms` forces a cleaning even under the dirty ratio (`maxCompactionDelay > 0`).
#[test]
fn max_compaction_lag_forces_cleaning() {
    let rows = [(None, false), (Some(5_000), true), (Some(20_000), false)];
    for (max_lag, expected) in rows {
        let mut log = PartitionLog::new(
            compacted(|c| {
                c.segment_bytes = S;
                c.min_cleanable_dirty_ratio = 0.9;
                c.max_compaction_lag_ms = max_lag;
            }),
            NOW,
        );
        append_keys(&mut log, &(0..6).map(KeyRecord::value).collect::<Vec<_>>(), NOW - 10_000);
        log.clean(NOW, 4);
        append(&mut log, BatchSpec::keyed(vec![KeyRecord::value(9)], S, NOW - 10_000), NOW);
        assert!(log.dirty_ratio(NOW, 7) < 0.9);
        assert_eq!(log.needs_cleaning(NOW, 7), expected, "max.compaction.lag.ms {max_lag:?}");
    }
}

/// The worked example of §4.3: after one cleaning of offsets 0..5 (active segment at 6) the log holds
/// 1, 4, 5, 6; a pass after `deleteHorizonMs` drops the tombstone (1, 5, 6); once the segment holding 6 is
/// rolled and cleaned, offset 5 goes too.
#[test]
fn worked_compaction_example() {
    const K1: u32 = 1;
    const K2: u32 = 2;
    const K3: u32 = 3;
    let delete_retention = 1_000;
    let mut log = PartitionLog::new(
        compacted(|c| {
            c.segment_bytes = 6 * S;
            c.delete_retention_ms = delete_retention;
        }),
        NOW,
    );
    use KeyRecord as R;
    let written =
        [R::value(K1), R::value(K2), R::value(K1), R::value(K3), R::tombstone(K3), R::value(K1), R::value(K1)];
    append_keys(&mut log, &written, NOW);
    assert_eq!(bases(&log), [0, 6]);

    let first = clean(&mut log, NOW);
    assert_eq!(offsets(&log), [1, 4, 5, 6]);
    assert_eq!((first.records_removed, first.tombstones_removed), (3, 0));
    assert_eq!(log.log_end_offset(), 7, "offsets are never renumbered");

    let steps: [(Millis, &[Offset]); 2] =
        [(NOW + delete_retention - 1, &[1, 4, 5, 6]), (NOW + delete_retention, &[1, 5, 6])];
    for (now, expected) in steps {
        clean(&mut log, now);
        assert_eq!(offsets(&log), expected, "pass at now = first cleaning + {}", now - NOW);
    }

    let later = NOW + delete_retention;
    log.roll(log.log_end_offset(), later);
    append_keys(&mut log, &[R::value(K2 + 10)], later);
    clean(&mut log, later);
    assert_eq!(offsets(&log), [1, 6, 7]);
}

/// `Cleaner.buildOffsetMapForSegment` maps only records at or after the first dirty offset: with the log start
/// offset moved inside a segment by DeleteRecords, older records below it do not enter the map.
#[test]
fn offset_map_starts_at_the_first_dirty_offset() {
    let mut log = PartitionLog::new(compacted(|_| {}), NOW);
    append_keys(&mut log, &[1, 1, 2, 2].map(KeyRecord::value), NOW);
    log.delete_records(2, 4).expect("below HW");
    log.roll(log.log_end_offset(), NOW);
    let outcome = clean(&mut log, NOW);
    assert_eq!(outcome.first_dirty_offset, 2);
    assert_eq!(outcome.records_removed, 1, "only offset 2 (k2, superseded by 3) is removed");
    assert_eq!(log.stored_records(), 3, "offsets 0 and 1 sit below the log start and stay until retention");
    assert_eq!(offsets(&log), [3]);
}

/// The active segment is never compacted, however dirty.
#[test]
fn active_segment_is_never_cleaned() {
    let mut log = PartitionLog::new(compacted(|_| {}), NOW);
    append_keys(&mut log, &[KeyRecord::value(1); 5], NOW);
    let outcome = clean(&mut log, NOW);
    assert!(!outcome.ran);
    assert_eq!(offsets(&log), [0, 1, 2, 3, 4]);
    assert_eq!(log.dirty_ratio(NOW, 5), 0.0);
}

/// `BatchRetention.RETAIN_EMPTY`: the batch that ends the cleaning round stays, as a bare header, even when
/// none of its records survive, so the last offset of the cleaned range is not lost.
#[test]
fn last_batch_of_the_round_is_kept_even_if_emptied() {
    let mut log = PartitionLog::new(compacted(|c| c.delete_retention_ms = 100), NOW);
    append_keys(&mut log, &[KeyRecord::value(1), KeyRecord::tombstone(1), KeyRecord::tombstone(2)], NOW);
    log.roll(log.log_end_offset(), NOW);
    clean(&mut log, NOW);
    assert_eq!(offsets(&log), [1, 2]);

    let outcome = clean(&mut log, NOW + 100);
    assert_eq!(outcome.tombstones_removed, 2);
    assert_eq!(offsets(&log), Vec::<Offset>::new());
    let first = log.segments().next().expect("a segment");
    assert_eq!((first.records, first.size_bytes, first.batches), (0, BATCH_OVERHEAD_BYTES, 1));
    assert_eq!(log.log_end_offset(), 3);
}

/// `Cleaner.groupSegmentsBySize`: segments the cleaner emptied merge into one at the next cleaning.
#[test]
fn cleaned_segments_are_grouped_up_to_segment_bytes() {
    let mut log = PartitionLog::new(compacted(|c| c.segment_bytes = 3 * S), NOW);
    append_keys(&mut log, &[KeyRecord::value(1); 9], NOW);
    append_keys(&mut log, &[KeyRecord::value(2)], NOW);
    assert_eq!(bases(&log), [0, 3, 6, 9]);

    clean(&mut log, NOW);
    assert_eq!(bases(&log), [0, 3, 6, 9], "groups use the sizes before cleaning: 3s + 3s > 3s");
    assert_eq!(offsets(&log), [8, 9]);

    clean(&mut log, NOW);
    assert_eq!(bases(&log), [0, 9], "0 + 0 + s fits in 3s");
    assert_eq!(offsets(&log), [8, 9]);
    assert_eq!(log.segments().next().map(|s| (s.end_offset, s.is_cleaned)), Some((9, true)));
}

// ---------------------------------------------------------------------------------------------------------
// Follower operations and readers
// ---------------------------------------------------------------------------------------------------------

#[test]
fn truncate_to_cuts_inside_a_batch_and_keeps_the_prefix() {
    let mut log = PartitionLog::new(LogConfig::default(), NOW);
    append(&mut log, BatchSpec::unkeyed(10, 61 + 100, NOW), NOW);
    log.truncate_to(4, NOW);
    log.check_invariants();
    assert_eq!((log.log_end_offset(), log.size_bytes(), log.count_records_in(0, 10)), (4, 61 + 40, 4));
    assert_eq!(append(&mut log, BatchSpec::unkeyed(1, S, NOW), NOW), (4, 4), "offsets continue from the cut");

    let mut keyed = PartitionLog::new(compacted(|_| {}), NOW);
    let keys: Vec<KeyRecord> = (0..4).map(KeyRecord::value).collect();
    append(&mut keyed, BatchSpec::keyed(keys, 61 + 40, NOW), NOW);
    keyed.truncate_to(2, NOW);
    keyed.check_invariants();
    assert_eq!(keyed.keyed_records().collect::<Vec<_>>(), [(0, KeyRecord::value(0)), (1, KeyRecord::value(1))]);
}

/// `UnifiedLog.truncateTo`: segments above the target go, one starting at the target stays (empty); below the
/// first segment the log restarts at the target; the log start offset and cleaner checkpoint are capped.
#[test]
fn truncate_to_follows_unified_log_truncate_to() {
    let rows: [(Offset, &[Offset], Offset); 4] =
        [(10, &[0, 5, 10], 10), (7, &[0, 5], 7), (20, &[0, 5, 10], 15), (0, &[0], 0)];
    for (target, expected_bases, expected_leo) in rows {
        let mut log = PartitionLog::new(config(|c| c.segment_bytes = 5 * S), NOW);
        append_singles(&mut log, 15, NOW, NOW);
        log.truncate_to(target, NOW);
        log.check_invariants();
        assert_eq!(
            (bases(&log), log.log_end_offset()),
            (expected_bases.to_vec(), expected_leo),
            "truncate to {target}"
        );
    }

    let mut below_start = PartitionLog::new(config(|c| c.segment_bytes = 5 * S), NOW);
    append_singles(&mut below_start, 15, NOW, NOW);
    below_start.delete_records(12, 15).expect("below HW");
    below_start.apply_retention(NOW, 15);
    assert_eq!((bases(&below_start), below_start.log_start_offset()), (vec![10], 12));
    below_start.truncate_to(11, NOW);
    assert_eq!((bases(&below_start), below_start.log_start_offset()), (vec![10], 11), "log start = min(target, start)");
    below_start.truncate_to(3, NOW);
    below_start.check_invariants();
    assert_eq!((bases(&below_start), below_start.log_start_offset(), below_start.log_end_offset()), (vec![3], 3, 3));

    let mut cleaned = PartitionLog::new(compacted(|c| c.segment_bytes = 2 * S), NOW);
    append_keys(&mut cleaned, &(0..6).map(KeyRecord::value).collect::<Vec<_>>(), NOW);
    clean(&mut cleaned, NOW);
    assert_eq!(cleaned.cleaner_checkpoint(), Some(4));
    cleaned.truncate_to(3, NOW);
    assert_eq!(cleaned.cleaner_checkpoint(), Some(3));
}

#[test]
fn copy_from_replicates_batches_with_their_offsets_and_gaps() {
    let leader_config = compacted(|c| c.segment_bytes = 3 * S);
    let mut leader = PartitionLog::new(leader_config.clone(), NOW);
    append_keys(&mut leader, &[1, 2, 1, 3, 1, 2, 4].map(KeyRecord::value), NOW);
    clean(&mut leader, NOW);
    let leader_records: Vec<_> = leader.keyed_records().collect();
    assert_eq!(leader_records.iter().map(|r| r.0).collect::<Vec<_>>(), [3, 4, 5, 6]);

    let mut follower = PartitionLog::new(leader_config, NOW);
    let mut fetches = 0;
    while follower.log_end_offset() < leader.log_end_offset() {
        let before = follower.log_end_offset();
        follower.copy_from(&leader, before, 1, NOW);
        follower.check_invariants();
        assert!(follower.log_end_offset() > before, "at least one batch per fetch");
        fetches += 1;
    }
    assert_eq!(follower.keyed_records().collect::<Vec<_>>(), leader_records);
    assert_eq!(follower.log_end_offset(), 7);
    assert_eq!(fetches, 4, "one batch per fetch with max_bytes = 1: the leader kept the batches at 3, 4, 5 and 6");
    assert_eq!(follower.count_records_in(0, 7), 4);
}

#[test]
fn copy_from_below_the_leaders_log_start_restarts_the_follower() {
    let config = config(|c| c.segment_bytes = 5 * S);
    let mut leader = PartitionLog::new(config.clone(), NOW);
    append_singles(&mut leader, 15, NOW, NOW);
    leader.delete_records(7, 15).expect("below HW");
    leader.apply_retention(NOW, 15);

    let mut follower = PartitionLog::new(config, NOW);
    append_singles(&mut follower, 2, NOW, NOW);
    let leo = follower.copy_from(&leader, 2, u64::MAX, NOW);
    follower.check_invariants();
    assert_eq!((leo, follower.log_start_offset()), (15, 7));
    assert_eq!(follower.count_records_in(0, 15), 8);
    assert_eq!(bases(&follower), [7, 12], "the follower rolls its own segments");
}

#[test]
fn copy_from_inside_a_leader_batch_copies_its_tail() {
    let mut leader = PartitionLog::new(LogConfig::default(), NOW);
    append(&mut leader, BatchSpec::unkeyed(10, 61 + 100, NOW), NOW);
    let mut follower = PartitionLog::new(LogConfig::default(), NOW);
    follower.copy_from(&leader, 0, u64::MAX, NOW);
    follower.truncate_to(4, NOW);
    assert_eq!(follower.copy_from(&leader, 4, u64::MAX, NOW), 10);
    follower.check_invariants();
    assert_eq!(follower.count_records_in(0, 10), 10);
    assert_eq!(follower.size_bytes(), (61 + 40) + (61 + 60));
}

#[test]
fn count_records_in_skips_gaps_and_records_below_log_start() {
    let mut log = PartitionLog::new(compacted(|c| c.segment_bytes = 4 * S), NOW);
    append_keys(&mut log, &[1, 1, 2, 2, 3, 3, 4, 4, 5].map(KeyRecord::value), NOW);
    clean(&mut log, NOW);
    assert_eq!(offsets(&log), [1, 3, 5, 7, 8]);
    let rows = [((0, 9), 5), ((0, 4), 2), ((2, 6), 2), ((4, 5), 0), ((8, 100), 1), ((5, 5), 0)];
    for ((from, to), expected) in rows {
        assert_eq!(log.count_records_in(from, to), expected, "{from}..{to}");
    }
    log.delete_records(4, 9).expect("below HW");
    assert_eq!(log.count_records_in(0, 9), 3);
}

#[test]
fn advance_reads_records_and_skips_gaps() {
    let mut log = PartitionLog::new(compacted(|c| c.segment_bytes = 4 * S), NOW);
    append_keys(&mut log, &[1, 1, 2, 2, 3, 3, 4, 4, 5].map(KeyRecord::value), NOW);
    clean(&mut log, NOW);
    // Present: 1, 3, 5, 7, 8.
    let rows =
        [((0, 2, 9), (4, 2)), ((0, 10, 9), (9, 5)), ((4, 1, 9), (6, 1)), ((0, 10, 6), (6, 3)), ((0, 0, 9), (0, 0))];
    for ((from, max_records, upper), (next_offset, records)) in rows {
        assert_eq!(
            log.advance(from, max_records, upper),
            Advance { next_offset, records },
            "{from} {max_records} {upper}"
        );
    }

    let mut plain = PartitionLog::new(LogConfig::default(), NOW);
    append(&mut plain, BatchSpec::unkeyed(500, 61 + 5_000, NOW), NOW);
    append(&mut plain, BatchSpec::unkeyed(500, 61 + 5_000, NOW), NOW);
    assert_eq!(plain.advance(100, 500, 1_000), Advance { next_offset: 600, records: 500 });
    assert_eq!(plain.advance(990, 500, 1_000), Advance { next_offset: 1_000, records: 10 });
    assert_eq!(plain.advance(0, 500, 300), Advance { next_offset: 300, records: 300 });
}

#[test]
fn segment_views_describe_the_segments() {
    let mut log = PartitionLog::new(compacted(|c| c.segment_bytes = 3 * S), NOW);
    append_keys(&mut log, &[1, 1, 2, 1, 2].map(KeyRecord::value), NOW);
    clean(&mut log, NOW);
    let views: Vec<SegmentView> = log.segments().collect();
    assert_eq!(views.len(), 2);
    let (first, active) = (views[0], views[1]);
    assert_eq!((first.base_offset, first.end_offset, first.records, first.size_bytes), (0, 3, 2, 2 * S));
    assert!(first.is_cleaned && !first.is_active);
    assert_eq!((active.base_offset, active.end_offset, active.records, active.size_bytes), (3, 5, 2, 2 * S));
    assert!(active.is_active && !active.is_cleaned);
}

/// Rough memory per batch, for sizing the simulation (printed, not asserted).
/// Run with `cargo test -- --ignored --nocapture memory_per_batch`.
#[test]
#[ignore]
fn memory_per_batch() {
    const BATCHES: usize = 100_000;
    let cases: [(&str, LogConfig, Option<u32>); 3] = [
        ("delete, 1 record/batch", LogConfig::default(), None),
        ("delete, 100 records/batch", LogConfig::default(), None),
        ("compact, 10 keyed records/batch", compacted(|_| {}), Some(10)),
    ];
    println!(
        "size_of::<Batch>() = {} bytes, size_of::<Segment>() = {} bytes, PartitionLog = {} bytes",
        std::mem::size_of::<Batch>(),
        std::mem::size_of::<Segment>(),
        std::mem::size_of::<PartitionLog>()
    );
    for (index, (name, config, keys)) in cases.into_iter().enumerate() {
        let mut log = PartitionLog::new(config, 0);
        let records = if index == 1 { 100 } else { 1 };
        for i in 0..BATCHES {
            let spec = match keys {
                Some(n) => BatchSpec::keyed(
                    (0..n).map(|k| KeyRecord::value(k + i as u32 % 1000)).collect(),
                    61 + 100,
                    i as u64,
                ),
                None => BatchSpec::unkeyed(records, 61 + 10 * u64::from(records), i as u64),
            };
            log.append(spec, i as u64).expect("append");
        }
        let heap = log.approximate_heap_bytes();
        println!(
            "{name}: {} segments, ≈ {:.1} bytes per batch ({heap} bytes for {BATCHES} batches)",
            log.segment_count(),
            heap as f64 / BATCHES as f64
        );
    }
}

#[test]
fn old_batches_of_a_non_compacted_topic_are_merged_into_runs_with_unchanged_totals() {
    let mut log = PartitionLog::new(LogConfig::default(), 0);
    for t in 0..1_000 {
        append(&mut log, BatchSpec::unkeyed(1 + (t % 3) as u32, S, t), t);
    }
    let segment = log.segments().next().expect("one segment");
    let records: u64 = (0..1_000u64).map(|t| 1 + t % 3).sum();
    assert_eq!((segment.records, segment.size_bytes, log.log_end_offset()), (records, 1_000 * S, records));
    assert_eq!(segment.largest_timestamp, 999);
    assert!(
        segment.batches < segment::EXACT_TAIL_BATCHES + segment::MERGE_CHUNK_BATCHES + 2,
        "1,000 small batches are stored as the exact first batch, one run and an exact tail of fewer than \
         EXACT_TAIL_BATCHES + MERGE_CHUNK_BATCHES: {}",
        segment.batches
    );
    let stored = &log.segments[0].batches;
    let exact_tail = &stored[stored.len() - segment::EXACT_TAIL_BATCHES..];
    let newest: Vec<u32> = (1_000 - segment::EXACT_TAIL_BATCHES as u64..1_000).map(|t| 1 + (t % 3) as u32).collect();
    assert_eq!(exact_tail.iter().map(|b| b.records).collect::<Vec<_>>(), newest, "the newest batches stay exact");
    // Reading and counting see every offset, whatever the representation.
    assert_eq!(log.count_records_in(0, records), records);
    assert_eq!(log.advance(5, 100, records), Advance { next_offset: 105, records: 100 });
    // The newest batches are still exact: a follower at the tail copies them one by one.
    let mut follower = PartitionLog::new(LogConfig::default(), 0);
    let leo = follower.copy_from(&log, 0, 1_048_576, 1_000);
    assert_eq!(leo, records, "the whole 161 KB log fits one 1 MiB fetch");
    follower.check_invariants();
}

#[test]
fn runs_stay_within_their_size_limit_and_compacted_batches_are_never_merged() {
    let big = 1_000_000; // within max.message.bytes
    let mut log = PartitionLog::new(config(|c| c.segment_bytes = 1 << 40), 0);
    for t in 0..1_000 {
        append(&mut log, BatchSpec::unkeyed(1, big, t), t);
    }
    let batches = log.segments().next().expect("one segment").batches as u64;
    let per_run = segment::COALESCED_RUN_MAX_BYTES / big;
    let at_least = 1 + (1_000 - 1 - segment::EXACT_TAIL_BATCHES as u64) / per_run + segment::EXACT_TAIL_BATCHES as u64;
    assert!(batches >= at_least, "runs hold at most {per_run} such batches: {batches} stored");

    let mut compacted = PartitionLog::new(config(|c| c.cleanup_policy = CleanupPolicy::Compact), 0);
    append_singles(&mut compacted, 300, 0, 0);
    assert_eq!(compacted.segments().next().expect("one segment").batches, 300, "per-record keys are kept");
}

/// Merging old batches into runs must not disturb the roll clock: `segment.ms` counts from the first
/// batch's timestamp, which stays exact however many batches follow it.
#[test]
fn roll_by_segment_ms_survives_batches_merged_into_runs() {
    let mut log = PartitionLog::new(config(|c| c.segment_ms = 1_000), 0);
    for t in 0..2_500u64 {
        append(&mut log, BatchSpec::unkeyed(1, S, t), t);
    }
    assert_eq!(bases(&log), [0, 1_001, 2_002], "rolls every 1,000 ms after each segment's first batch");
    let first = log.segments().next().expect("segments");
    assert!(first.batches < 1_001, "the first segment's old batches were merged ({} stored)", first.batches);
}

#[test]
fn the_batch_search_from_the_end_agrees_with_a_binary_search_for_every_offset() {
    let mut log = PartitionLog::new(LogConfig::default(), 0);
    for records in [1u32, 3, 1, 7, 2, 1, 1, 4, 9, 1, 2, 5, 1, 1, 3] {
        append(&mut log, BatchSpec::unkeyed(records, S * u64::from(records), 0), 0);
    }
    let batches = &log.active().batches;
    assert!(batches.len() > 4, "several batches to search");
    for from in 0..=log.log_end_offset() + 2 {
        let expected = batches.partition_point(|b| b.last_offset() < from);
        assert_eq!(first_ending_at_or_after(batches, from), expected, "from {from}");
    }
    assert_eq!(first_ending_at_or_after(&[], 3), 0);
}

#[test]
fn a_follower_far_behind_copies_one_fetch_worth_of_a_run_at_a_time() {
    // 100-byte records, 20 a batch: 2,000 batches (~4 MB) end up mostly in one run, far over one fetch.
    let mut leader = PartitionLog::new(LogConfig::default(), 0);
    for t in 0..2_000 {
        append(&mut leader, BatchSpec::unkeyed(20, 61 + 20 * 100, t), t);
    }
    let run_bytes = leader.active().batches[1].bytes;
    assert!(run_bytes > 3 * REPLICA_FETCH_MAX, "a run of {run_bytes} bytes");
    let mut follower = PartitionLog::new(LogConfig::default(), 0);
    let mut fetches = 0;
    while follower.log_end_offset() < leader.log_end_offset() {
        let (before, size_before) = (follower.log_end_offset(), follower.size_bytes());
        follower.copy_from(&leader, before, REPLICA_FETCH_MAX, 2_000);
        follower.check_invariants();
        assert!(follower.log_end_offset() > before, "every fetch makes progress");
        let got = follower.size_bytes() - size_before;
        assert!(
            got <= REPLICA_FETCH_MAX,
            "no fetch returns more than its maximum: {got} at fetch {fetches} from {before}"
        );
        fetches += 1;
    }
    assert!(fetches >= 4, "about 4 MB takes at least 4 fetches of 1 MiB: {fetches}");
    assert_eq!(follower.count_records_in(0, leader.log_end_offset()), 40_000);
    // Each share carries a batch header of its own, as the batches the run stands for did.
    let extra = follower.size_bytes().abs_diff(leader.size_bytes());
    assert!(extra <= 61 * fetches, "shares of a run add up to the run, headers aside: {extra} bytes apart");
}
