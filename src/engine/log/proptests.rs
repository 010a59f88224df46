//! Property test: random appends, truncations, DeleteRecords, retention, cleaning and follower fetches keep
//! the log's invariants; the LEO only goes back through `truncate_to`; the log start offset only goes back
//! when `truncate_to` cuts below it (Kafka's `logStartOffset = min(target, logStartOffset)`); cleaning keeps
//! each key's latest value and never renumbers; a follower holds every record the leader still has. And
//! merging old batches into runs keeps every offset and the newest batches exact.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;

#[derive(Clone, Debug)]
enum Op {
    Append { keys: Vec<(u32, bool)>, record_bytes: u64, elapsed: Millis },
    Truncate { back: u64 },
    DeleteRecords { back: u64 },
    Retention { elapsed: Millis, high_watermark_lag: u64 },
    Clean { elapsed: Millis, high_watermark_lag: u64 },
    Replicate { max_bytes: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    let keys = prop::collection::vec((0u32..6, prop::bool::weighted(0.2)), 1..5);
    prop_oneof![
        6 => (keys, 0u64..30, 0u64..40)
            .prop_map(|(keys, record_bytes, elapsed)| Op::Append { keys, record_bytes, elapsed }),
        1 => (0u64..12).prop_map(|back| Op::Truncate { back }),
        1 => (0u64..12).prop_map(|back| Op::DeleteRecords { back }),
        2 => (0u64..200, 0u64..5)
            .prop_map(|(elapsed, high_watermark_lag)| Op::Retention { elapsed, high_watermark_lag }),
        2 => (0u64..60, 0u64..5).prop_map(|(elapsed, high_watermark_lag)| Op::Clean { elapsed, high_watermark_lag }),
        2 => (0u64..400).prop_map(|max_bytes| Op::Replicate { max_bytes }),
    ]
}

fn log_config() -> impl Strategy<Value = LogConfig> {
    let policy =
        prop_oneof![Just(CleanupPolicy::Delete), Just(CleanupPolicy::Compact), Just(CleanupPolicy::CompactDelete)];
    (policy, prop_oneof![Just(0u64), Just(30)]).prop_map(|(cleanup_policy, min_compaction_lag_ms)| LogConfig {
        segment_bytes: 400,
        segment_ms: 100,
        retention_ms: Some(300),
        retention_bytes: Some(1_200),
        cleanup_policy,
        min_compaction_lag_ms,
        delete_retention_ms: 50,
        ..LogConfig::default()
    })
}

/// A leader, its follower, and virtual time.
struct Replicas {
    leader: PartitionLog,
    follower: PartitionLog,
    now: Millis,
}

impl Replicas {
    /// A high watermark `lag` below the leader's LEO, never below its log start offset.
    fn high_watermark(&self, lag: u64) -> Offset {
        self.leader.log_end_offset().saturating_sub(lag).max(self.leader.log_start_offset())
    }

    fn apply(&mut self, op: &Op) -> Result<(), TestCaseError> {
        let (leo_before, start_before) = (self.leader.log_end_offset(), self.leader.log_start_offset());
        match op {
            Op::Append { keys, record_bytes, elapsed } => {
                self.now += elapsed;
                let records: Vec<KeyRecord> =
                    keys.iter().map(|&(key, tombstone)| KeyRecord { key, tombstone }).collect();
                let bytes = BATCH_OVERHEAD_BYTES + record_bytes * records.len() as u64;
                let count = records.len() as u64;
                let range = self.leader.append(BatchSpec::keyed(records, bytes, self.now), self.now);
                prop_assert_eq!(range, Ok((leo_before, leo_before + count - 1)));
                prop_assert_eq!(self.leader.log_start_offset(), start_before);
            }
            Op::Truncate { back } => {
                let target = leo_before.saturating_sub(*back);
                self.leader.truncate_to(target, self.now);
                // The follower truncates to the same point, as leader epochs would make it (reference §3.6).
                self.follower.truncate_to(target, self.now);
                prop_assert_eq!(self.leader.log_end_offset(), target.min(leo_before));
                prop_assert_eq!(self.leader.log_start_offset(), start_before.min(target));
            }
            Op::DeleteRecords { back } => {
                let target = leo_before.saturating_sub(*back);
                prop_assert_eq!(self.leader.delete_records(target, leo_before), Ok(start_before.max(target)));
            }
            Op::Retention { elapsed, high_watermark_lag } => {
                self.now += elapsed;
                let high_watermark = self.high_watermark(*high_watermark_lag);
                let above_before = self.leader.count_records_in(high_watermark, leo_before);
                let outcome = self.leader.apply_retention(self.now, high_watermark);
                prop_assert_eq!(self.leader.count_records_in(high_watermark, leo_before), above_before);
                prop_assert!(self.leader.log_start_offset() <= high_watermark.max(start_before));
                prop_assert_eq!(outcome.log_start_offset, self.leader.log_start_offset());
            }
            Op::Clean { elapsed, high_watermark_lag } => {
                self.now += elapsed;
                let high_watermark = self.high_watermark(*high_watermark_lag);
                self.clean_and_check(high_watermark)?;
            }
            Op::Replicate { max_bytes } => self.replicate_and_check(*max_bytes)?,
        }
        self.leader.check_invariants();
        self.follower.check_invariants();
        if !matches!(op, Op::Truncate { .. }) {
            prop_assert!(self.leader.log_end_offset() >= leo_before, "LEO went back without truncation");
            prop_assert!(self.leader.log_start_offset() >= start_before, "log start went back without truncation");
        }
        Ok(())
    }

    /// Cleaning removes only records that have a later record with the same key (or expired tombstones).
    fn clean_and_check(&mut self, high_watermark: Offset) -> Result<(), TestCaseError> {
        let before: BTreeMap<Offset, KeyRecord> = self.leader.keyed_records().collect();
        let mut latest: BTreeMap<u32, (Offset, bool)> = BTreeMap::new();
        for (&offset, record) in &before {
            latest.insert(record.key, (offset, record.tombstone));
        }
        let size_before = self.leader.size_bytes();
        let outcome = self.leader.clean(self.now, high_watermark);
        let after: BTreeMap<Offset, KeyRecord> = self.leader.keyed_records().collect();
        prop_assert!(after.iter().all(|(o, r)| before.get(o) == Some(r)), "cleaning renumbered or invented records");
        for (offset, tombstone) in latest.values() {
            prop_assert!(*tombstone || after.contains_key(offset), "latest value at {} removed", offset);
        }
        prop_assert_eq!(size_before - self.leader.size_bytes(), outcome.bytes_removed);
        Ok(())
    }

    /// A fetch by the follower from its LEO; afterwards it holds every record the leader holds in its range.
    fn replicate_and_check(&mut self, max_bytes: u64) -> Result<(), TestCaseError> {
        let (leo_before, start_before) = (self.follower.log_end_offset(), self.follower.log_start_offset());
        let leo = self.follower.copy_from(&self.leader, leo_before, max_bytes, self.now);
        prop_assert_eq!(leo, self.follower.log_end_offset());
        prop_assert!(leo <= self.leader.log_end_offset().max(leo_before));
        if leo_before >= self.leader.log_start_offset() {
            prop_assert!(leo >= leo_before, "follower LEO went back");
            prop_assert!(self.follower.log_start_offset() >= start_before);
        }
        let from = self.follower.log_start_offset().max(self.leader.log_start_offset());
        let in_range = |log: &PartitionLog| -> BTreeMap<Offset, KeyRecord> {
            log.keyed_records().filter(|(o, _)| *o >= from && *o < leo).collect()
        };
        let (leader_records, follower_records) = (in_range(&self.leader), in_range(&self.follower));
        prop_assert!(leader_records.iter().all(|(o, r)| follower_records.get(o) == Some(r)));
        if !self.leader.config().cleanup_policy.compacts() {
            prop_assert_eq!(self.follower.count_records_in(from, leo), self.leader.count_records_in(from, leo));
        }
        Ok(())
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_operations_keep_the_invariants(config in log_config(), ops in prop::collection::vec(op(), 1..80)) {
        let mut replicas = Replicas {
            leader: PartitionLog::new(config.clone(), 0),
            follower: PartitionLog::new(config, 0),
            now: 0,
        };
        for op in &ops {
            replicas.apply(op)?;
        }
    }
}

/// One step of the runs property: append `count` batches of `records` records each, or truncate `back` offsets.
#[derive(Clone, Debug)]
enum RunsOp {
    Append { count: u32, records: u32 },
    Truncate { back: u64 },
}

fn runs_op() -> impl Strategy<Value = RunsOp> {
    prop_oneof![
        3 => (1u32..200, 1u32..4).prop_map(|(count, records)| RunsOp::Append { count, records }),
        1 => (0u64..300).prop_map(|back| RunsOp::Truncate { back }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 100, ..ProptestConfig::default() })]

    /// Old batches of a non-compacted topic merge into runs in chunks, with truncations in between: every
    /// offset stays readable, totals match what was appended, and the newest batches appended since the
    /// last truncation (up to `EXACT_TAIL_BATCHES`) are stored exactly as appended.
    #[test]
    fn merging_into_runs_keeps_every_offset_and_the_exact_tail(ops in prop::collection::vec(runs_op(), 1..30)) {
        let config = LogConfig { segment_bytes: 1 << 40, ..LogConfig::default() };
        let mut log = PartitionLog::new(config, 0);
        let mut appended_since_truncation: Vec<(Offset, u32)> = Vec::new();
        let mut now = 0;
        for op in &ops {
            match *op {
                RunsOp::Append { count, records } => {
                    for _ in 0..count {
                        now += 1;
                        let spec = BatchSpec::unkeyed(records, BATCH_OVERHEAD_BYTES + 10 * u64::from(records), now);
                        let (first, _) = log.append(spec, now).expect("valid batch");
                        appended_since_truncation.push((first, records));
                    }
                }
                RunsOp::Truncate { back } => {
                    log.truncate_to(log.log_end_offset().saturating_sub(back), now);
                    appended_since_truncation.clear();
                }
            }
            log.check_invariants();
            let leo = log.log_end_offset();
            prop_assert_eq!(log.count_records_in(0, leo), leo, "every offset below the LEO is there");
            let stored = &log.segments[0].batches;
            let exact = appended_since_truncation.len().min(segment::EXACT_TAIL_BATCHES);
            let tail: Vec<(Offset, u32)> =
                stored[stored.len() - exact..].iter().map(|b| (b.base_offset, b.records)).collect();
            prop_assert_eq!(&tail[..], &appended_since_truncation[appended_since_truncation.len() - exact..]);
            // The exact first batch, one run (these batches are small) and the tail still to merge.
            prop_assert!(stored.len() < segment::EXACT_TAIL_BATCHES + segment::MERGE_CHUNK_BATCHES + 2, "{} stored", stored.len());
        }
    }
}
