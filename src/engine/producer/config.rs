//! The producer's configs (`ProducerConfig.java`) as the engine uses them, and the checks Kafka makes
//! on them with Kafka's own messages.

use crate::engine::isr::Acks;
use crate::engine::types::Millis;
use crate::scenario::{AcksSpec, ProducerSpec};

/// Kafka's `buffer.memory` default (32 MiB): bytes the accumulator may hold, queued or in flight.
pub const BUFFER_MEMORY_BYTES: u64 = 33_554_432;
/// Kafka's `max.request.size` default (1 MiB): a drain for one broker stops adding batches past it.
pub const MAX_REQUEST_SIZE_BYTES: u64 = 1_048_576;

/// `KafkaProducer.configureDeliveryTimeout`'s `ConfigException` when `delivery.timeout.ms` was set
/// below `linger.ms + request.timeout.ms`.
pub const DELIVERY_TIMEOUT_MESSAGE: &str =
    "delivery.timeout.ms should be equal to or larger than linger.ms + request.timeout.ms";

/// The `acks` values `ProducerConfig` accepts (`ValidString.in("all", "-1", "0", "1")`).
const VALID_ACKS: [&str; 4] = ["all", "-1", "0", "1"];

/// The producer configs the simulation honours, already checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProducerConfig {
    pub acks: Acks,
    /// `batch.size`: a batch takes no more records once it holds this many bytes.
    pub batch_size: u32,
    /// `linger.ms`: how long a batch that is not full waits for more records.
    pub linger_ms: Millis,
    /// `retries`: how many times a batch is re-sent after a retriable error.
    pub retries: u32,
    /// `retry.backoff.ms`: the wait before a batch is re-sent.
    pub retry_backoff_ms: Millis,
    /// `delivery.timeout.ms`: the upper bound from a batch's creation to its success or failure.
    pub delivery_timeout_ms: Millis,
    /// `request.timeout.ms`: how long the client waits for a response before giving up on it.
    pub request_timeout_ms: Millis,
    /// `max.in.flight.requests.per.connection`: unanswered requests allowed per broker.
    pub max_in_flight: u32,
}

impl ProducerConfig {
    /// The configs of a validated scenario producer.
    pub fn from_spec(spec: &ProducerSpec) -> Self {
        ProducerConfig {
            acks: acks_from_spec(spec.acks),
            batch_size: spec.batch_size,
            linger_ms: spec.linger_ms,
            retries: spec.retries,
            retry_backoff_ms: spec.retry_backoff_ms,
            delivery_timeout_ms: spec.delivery_timeout_ms,
            request_timeout_ms: spec.request_timeout_ms,
            max_in_flight: spec.max_in_flight_requests_per_connection,
        }
    }
}

/// The engine's `Acks` for the scenario's spelling.
pub fn acks_from_spec(acks: AcksSpec) -> Acks {
    match acks {
        AcksSpec::Zero => Acks::Zero,
        AcksSpec::One => Acks::One,
        AcksSpec::All => Acks::All,
    }
}

/// Kafka's name for an acks setting, as the producer config spells it.
pub fn acks_name(acks: Acks) -> &'static str {
    match acks {
        Acks::Zero => "0",
        Acks::One => "1",
        Acks::All => "all",
    }
}

/// Parse an `acks` value as `ProducerConfig` does, refusing anything else with Kafka's
/// `ConfigException` message.
pub fn parse_acks(value: &str) -> Result<Acks, String> {
    match value {
        "all" | "-1" => Ok(Acks::All),
        "0" => Ok(Acks::Zero),
        "1" => Ok(Acks::One),
        _ => Err(format!(
            "Invalid value {value} for configuration acks: String must be one of: {}",
            VALID_ACKS.join(", ")
        )),
    }
}

/// `KafkaProducer.configureDeliveryTimeout`: `delivery.timeout.ms` must leave room for one linger and
/// one request. Kafka quietly raises a *default* delivery timeout instead; a scenario always states
/// its value (or takes the default 120 000, which is large enough unless linger or request timeout
/// were raised), so here it is refused.
pub fn delivery_timeout_problem(
    delivery_timeout_ms: u64,
    linger_ms: u64,
    request_timeout_ms: u64,
) -> Option<&'static str> {
    (delivery_timeout_ms < linger_ms.saturating_add(request_timeout_ms)).then_some(DELIVERY_TIMEOUT_MESSAGE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_accepts_kafkas_four_spellings() {
        let cases = [("all", Acks::All), ("-1", Acks::All), ("0", Acks::Zero), ("1", Acks::One)];
        for (text, acks) in cases {
            assert_eq!(parse_acks(text), Ok(acks), "{text}");
        }
    }

    #[test]
    fn acks_refuses_others_with_kafkas_message() {
        for bad in ["2", "ALL", "", "-2", "one"] {
            assert_eq!(
                parse_acks(bad),
                Err(format!("Invalid value {bad} for configuration acks: String must be one of: all, -1, 0, 1"))
            );
        }
    }

    #[test]
    fn delivery_timeout_must_cover_linger_and_request_timeout() {
        assert_eq!(delivery_timeout_problem(120_000, 5, 30_000), None);
        assert_eq!(delivery_timeout_problem(30_005, 5, 30_000), None, "equal is allowed");
        assert_eq!(delivery_timeout_problem(30_004, 5, 30_000), Some(DELIVERY_TIMEOUT_MESSAGE));
        assert_eq!(delivery_timeout_problem(u64::MAX - 1, u64::MAX, 1), Some(DELIVERY_TIMEOUT_MESSAGE), "no overflow");
    }
}
