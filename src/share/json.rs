//! Scenario files: pretty JSON out, and JSON in with errors that say what is wrong and where (the parser's
//! line and column, or the field path `validate` names).

use std::fmt;

use crate::scenario::{SCENARIO_VERSION, Scenario, ScenarioError, ValidScenario, validate};

/// Largest scenario file read (bytes). The biggest valid scenario (20 000 partitions with explicit replica lists,
/// 10 000 actions) is well under this.
pub const MAX_JSON_BYTES: usize = 8 << 20;

/// Why a scenario file cannot be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JsonError {
    TooLarge {
        bytes: usize,
    },
    /// Not JSON, or not a scenario's shape: the parser's message with its line and column.
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    /// A `version` newer than this kafkaviz reads.
    FutureVersion {
        found: u64,
    },
    Invalid(ScenarioError),
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JsonError::TooLarge { bytes } => {
                write!(f, "the file is {bytes} bytes; scenario files larger than {MAX_JSON_BYTES} bytes are not read")
            }
            JsonError::Syntax { line, column, message } => write!(f, "line {line}, column {column}: {message}"),
            JsonError::FutureVersion { found } => write!(
                f,
                "version: this scenario was saved by a newer kafkaviz (scenario version {found}; this one reads 1 to {SCENARIO_VERSION})"
            ),
            JsonError::Invalid(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for JsonError {}

/// The scenario as a pretty-printed JSON file (what "Export JSON" saves).
pub fn to_json(scenario: &Scenario) -> String {
    serde_json::to_string_pretty(scenario).expect("a scenario always serializes")
}

/// Read a scenario file: size, syntax, version and every limit, in that order.
pub fn from_json(text: &str) -> Result<ValidScenario, JsonError> {
    if text.len() > MAX_JSON_BYTES {
        return Err(JsonError::TooLarge { bytes: text.len() });
    }
    // Check the version first, so a newer file says "newer" rather than "unknown field".
    if let Some(found) = declared_version(text).filter(|v| *v > u64::from(SCENARIO_VERSION)) {
        return Err(JsonError::FutureVersion { found });
    }
    let scenario: Scenario = serde_json::from_str(text).map_err(|e| JsonError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    validate(scenario).map_err(JsonError::Invalid)
}

/// The top-level `version` number, if the text is a JSON object that has one.
fn declared_version(text: &str) -> Option<u64> {
    #[derive(serde::Deserialize)]
    struct Versioned {
        version: u64,
    }
    serde_json::from_str::<Versioned>(text).ok().map(|v| v.version)
}

/// serde_json appends " at line L column C"; we show the position first instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::default_scenario;
    use crate::scenario::gallery::presets;

    #[test]
    fn every_preset_round_trips_through_json() {
        for p in presets() {
            let text = to_json(&p.scenario);
            assert_eq!(from_json(&text).unwrap().get(), &p.scenario, "{}", p.id);
        }
        assert!(to_json(&default_scenario()).contains("\n  \"name\": \"The seed's diagram\""), "pretty-printed");
    }

    #[test]
    fn bad_files_say_what_and_where() {
        let good = to_json(&default_scenario());
        let truncated = &good[..good.len() / 2];
        let typo = good.replace("\"partitions\": 3", "\"partitions\": \"three\"");
        let unknown = good.replacen("\"seed\": 1", "\"seed\": 1,\n  \"colour\": \"red\"", 1);
        let future = good.replacen("\"version\": 1", "\"version\": 7", 1);
        let invalid = good.replace("\"replication_factor\": 3", "\"replication_factor\": 9");
        let huge = " ".repeat(MAX_JSON_BYTES + 1);
        let typo_line = 1 + good.lines().position(|l| l.contains("\"partitions\": 3")).unwrap();
        let typo_at = format!("line {typo_line}, column");
        let typo_needles = [typo_at.as_str(), "invalid type: string \"three\", expected u32"];
        let cases: Vec<(&str, &[&str])> = vec![
            (truncated, &["line", "EOF while parsing"]),
            (&typo, &typo_needles),
            (&unknown, &["line 5,", "unknown field `colour`"]),
            (&future, &["version", "newer kafkaviz", "version 7"]),
            (&invalid, &["topics[0].replication_factor", "9"]),
            ("", &["line 1, column 0", "EOF"]),
            ("42", &["line 1", "expected struct Scenario"]),
            (&huge, &["larger than"]),
        ];
        for (text, needles) in cases {
            let message = from_json(text).expect_err("must be refused").to_string();
            for needle in needles {
                assert!(message.contains(needle), "{message:?} lacks {needle:?}");
            }
        }
    }
}
