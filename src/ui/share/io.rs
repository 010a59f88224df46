//! The export and import actions as plain functions: what a file is called, what an import opens, and the
//! message a person reads when it cannot. The browser side (downloads, file reading) is in `browser.rs`.

use super::links::Opened;
use crate::share::import::import_describe;
use crate::share::json::from_json;

/// A file name for a scenario called `name`: lower-case words joined by `-`, e.g. `consumer-lag.json`.
pub fn file_name(name: &str, extension: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    let slug = if slug.is_empty() { "kafkaviz-scenario" } else { slug };
    format!("{}.{extension}", slug.chars().take(60).collect::<String>())
}

/// A scenario file to open, or what is wrong with it and where (line and column, or the field).
pub fn open_json_file(text: &str) -> Result<Opened, String> {
    from_json(text)
        .map(|scenario| Opened { scenario, moment_ms: 0, preset: None })
        .map_err(|e| format!("This file cannot be imported: {e}"))
}

/// A scenario built from pasted `--describe` output, with the importer's notes (what it assumed); or what is
/// wrong and on which line.
pub fn open_describe(topics: &str, groups: &str) -> Result<(Opened, Vec<String>), String> {
    let groups = Some(groups).filter(|g| !g.trim().is_empty());
    import_describe(topics, groups)
        .map(|imported| (Opened { scenario: imported.scenario, moment_ms: 0, preset: None }, imported.notes))
        .map_err(|e| format!("This text cannot be imported: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::share::json::to_json;
    use crate::ui::default_valid_scenario;

    #[test]
    fn file_names_are_slugs() {
        assert_eq!(file_name("Consumer lag: (the seed's) story!", "json"), "consumer-lag-the-seed-s-story.json");
        assert_eq!(file_name("***", "svg"), "kafkaviz-scenario.svg");
    }

    #[test]
    fn a_json_file_round_trips_and_a_broken_one_says_where() {
        let scenario = default_valid_scenario();
        let opened = open_json_file(&to_json(scenario.get())).expect("own export imports");
        assert_eq!(opened.scenario, scenario);
        let err = open_json_file("{\n  \"version\": 1,\n  oops\n}").expect_err("not JSON");
        assert!(err.starts_with("This file cannot be imported: line 3, column 3:"), "{err}");
    }

    #[test]
    fn pasted_describe_output_imports_and_errors_name_the_line() {
        let topics = "Topic: t\tTopicId: x\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \n\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\n";
        let (opened, _notes) = open_describe(topics, "  ").expect("imports");
        assert_eq!(opened.scenario.get().topics[0].name, "t");
        let err = open_describe("", "").expect_err("nothing pasted");
        assert!(err.contains("nothing to import"), "{err}");
    }
}
