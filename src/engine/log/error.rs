//! Why the log refused an operation, worded as Kafka words it.

use std::fmt;

use crate::engine::types::{Offset, TopicPartition};

/// An operation the log refused. Nothing was changed when one of these is returned.
///
/// Kafka's messages name the partition; a [`super::PartitionLog`] does not know its own name, so
/// [`LogError::kafka_message`] takes it, and `Display` prints the same text with `<partition>` in its place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogError {
    /// A batch without keys was produced to a compacted topic (`LogValidator.validateKey`).
    KeylessRecordOnCompactedTopic,
    /// A batch declared zero records (`LogValidator.validateBatch`).
    EmptyBatch,
    /// The batch exceeds `max.message.bytes` (`LogValidator.validateRecordBatch` / `UnifiedLog.analyzeAndValidateRecords`).
    RecordTooLarge { batch_bytes: u64, max_message_bytes: u64 },
    /// The batch exceeds `segment.bytes`, so no segment could hold it (`UnifiedLog.append`).
    RecordBatchTooLarge { batch_bytes: u64, segment_bytes: u64 },
    /// `DeleteRecords` asked to move the log start past the high watermark (`UnifiedLog.maybeIncrementLogStartOffset`).
    LogStartBeyondHighWatermark { requested: Offset, high_watermark: Offset },
    /// The engine built a keyed batch whose key list does not match its record count (an engine bug, not a Kafka error).
    KeyCountMismatch { records: u32, keys: usize },
}

impl LogError {
    /// The Java exception Kafka throws for this case (what a client sees as the error's class).
    pub fn kafka_exception(&self) -> &'static str {
        match self {
            Self::KeylessRecordOnCompactedTopic | Self::EmptyBatch => "InvalidRecordException",
            Self::RecordTooLarge { .. } => "RecordTooLargeException",
            Self::RecordBatchTooLarge { .. } => "RecordBatchTooLargeException",
            Self::LogStartBeyondHighWatermark { .. } => "OffsetOutOfRangeException",
            Self::KeyCountMismatch { .. } => "IllegalArgumentException",
        }
    }

    /// Kafka's exact message for this error on partition `tp`.
    pub fn kafka_message(&self, tp: &TopicPartition) -> String {
        self.message_naming(&tp.to_string())
    }

    fn message_naming(&self, partition: &str) -> String {
        match self {
            Self::KeylessRecordOnCompactedTopic => {
                format!("Compacted topic cannot accept message without key in topic partition {partition}")
            }
            Self::EmptyBatch => {
                format!("Invalid reported count for record batch: 0 in topic partition {partition}")
            }
            Self::RecordTooLarge { batch_bytes, max_message_bytes } => format!(
                "The record batch size in the append to {partition} is {batch_bytes} bytes which exceeds \
                 the maximum configured value of {max_message_bytes}."
            ),
            Self::RecordBatchTooLarge { batch_bytes, segment_bytes } => format!(
                "Message batch size is {batch_bytes} bytes in append to partition {partition}, which exceeds \
                 the maximum configured segment size of {segment_bytes}."
            ),
            Self::LogStartBeyondHighWatermark { requested, high_watermark } => format!(
                "Cannot increment the log start offset to {requested} of partition {partition} since it is \
                 larger than the high watermark {high_watermark}"
            ),
            Self::KeyCountMismatch { records, keys } => {
                format!("A batch of {records} records carries {keys} keys on partition {partition}")
            }
        }
    }
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_naming("<partition>"))
    }
}

impl std::error::Error for LogError {}
