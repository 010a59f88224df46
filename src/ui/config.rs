//! Configuration panels with Kafka's names and defaults, for the settings the engine can change while
//! running: producers, groups, and every topic's dynamic configs (`kafka-configs.sh --alter`). Values are
//! parsed the way Kafka's `ConfigDef` parses them and refused with its message ("Invalid value … for
//! configuration …: …"); range checks the engine makes come back the same way and show under the field.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::command::Command;
use crate::engine::group::GroupCommand;
use crate::engine::producer::ProducerCommand;
use crate::engine::snapshot::Snapshot;
use crate::scenario::topic_config::{TOPIC_CONFIGS, set_topic_config, topic_config_value};
use crate::scenario::{TopicSpec, limits};

/// Kafka's `ConfigException` message for a rejected value.
pub fn invalid(name: &str, value: &str, reason: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {reason}")
}

/// A rate in records per second, as a `Range.between(0, limit)` DOUBLE config; returned in thousandths
/// (the commands' exact unit).
pub fn parse_rate(name: &str, text: &str) -> Result<u64, String> {
    let text = text.trim();
    let rate: f64 = text.parse().map_err(|_| invalid(name, text, "Not a number of type DOUBLE"))?;
    if !rate.is_finite() {
        return Err(invalid(name, text, "Not a number of type DOUBLE"));
    }
    if rate < 0.0 {
        return Err(invalid(name, text, "Value must be at least 0"));
    }
    if rate > limits::RATE_PER_SEC {
        return Err(invalid(name, text, &format!("Value must be no more than {}", limits::RATE_PER_SEC)));
    }
    Ok((rate * 1_000.0).round() as u64)
}

#[derive(Properties, PartialEq)]
pub struct ConfigFieldProps {
    /// The config's name, Kafka's where it has one.
    pub name: AttrValue,
    /// What it means, in Kafka's terms.
    pub help: AttrValue,
    /// Shown beside the field: the Kafka default, or where the value comes from.
    pub default: AttrValue,
    pub current: AttrValue,
    /// Parse the text into the command to send, or Kafka's reason for refusing it.
    pub parse: Callback<String, Result<Command, String>>,
    /// Carry the command out; Err is the engine's reason for refusing it.
    pub on_perform: Callback<Command, Result<(), String>>,
}

/// One config: a labelled input and an Apply button; Enter applies too.
#[function_component(ConfigField)]
pub fn config_field(props: &ConfigFieldProps) -> Html {
    let text = use_state(|| props.current.to_string());
    let error = use_state(|| None::<String>);
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| text.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let on_submit = {
        let (text, error, parse, perform) =
            (text.clone(), error.clone(), props.parse.clone(), props.on_perform.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            error.set(parse.emit((*text).clone()).and_then(|command| perform.emit(command)).err());
        })
    };
    let id = format!("config-{}", props.name.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    html! {
        <form class="config-field" onsubmit={on_submit} data-config={props.name.clone()}>
            <label for={id.clone()} title={props.help.clone()}><code>{ props.name.clone() }</code></label>
            <input id={id.clone()} type="text" inputmode="decimal" value={(*text).clone()} oninput={on_input}
                   aria-invalid={error.is_some().then_some("true")} aria-describedby={format!("{id}-note")} />
            <button type="submit">{ "Apply" }</button>
            <small id={format!("{id}-note")} class="config-note">{ format!("now {} · {}", props.current, props.default) }</small>
            if let Some(why) = (*error).clone() {
                <p class="config-error" role="alert">{ why }</p>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct ConfigPanelProps {
    pub snapshot: Rc<Snapshot>,
    /// Every topic's current spec, for the topic configs.
    #[prop_or_default]
    pub topics: Rc<Vec<TopicSpec>>,
    pub on_perform: Callback<Command, Result<(), String>>,
}

/// Kafka's default for a topic config, as `kafka-configs.sh --describe --all` prints it.
pub fn topic_config_default(name: &str) -> Option<String> {
    topic_config_value(&crate::ui::cluster_panel::new_topic_spec("default", 1, 1), name)
}

/// One topic's dynamic configs, collapsed by default (ten fields per topic).
fn topic_configs(spec: &TopicSpec, on_perform: &Callback<Command, Result<(), String>>) -> Html {
    html! {
        <details class="topic-configs" data-config-topic={spec.name.clone()}>
            <summary>{ format!("Topic {}", spec.name) }</summary>
            { for TOPIC_CONFIGS.iter().map(|&name| {
                let current = topic_config_value(spec, name).unwrap_or_default();
                let default = topic_config_default(name).map_or_else(String::new, |d| format!("Kafka default {d}"));
                let (base, topic) = (spec.clone(), spec.name.clone());
                let parse = Callback::from(move |text: String| {
                    set_topic_config(&mut base.clone(), name, &text).map(|()| Command::SetTopicConfig {
                        topic: topic.clone(), name: name.to_string(), value: text.trim().to_string() })
                });
                html! {
                    <ConfigField name={name} help={topic_config_help(name)} default={default} current={current}
                        {parse} on_perform={on_perform.clone()} />
                }
            }) }
        </details>
    }
}

/// What a topic config does, in a sentence (the label's tooltip).
fn topic_config_help(name: &str) -> &'static str {
    match name {
        "min.insync.replicas" => {
            "With acks=all, a write needs at least this many in-sync replicas, else NOT_ENOUGH_REPLICAS"
        }
        "unclean.leader.election.enable" => {
            "Let an out-of-sync replica lead when no in-sync one is left: available, but acknowledged records may be lost"
        }
        "retention.ms" => "Delete whole segments whose newest record is older than this",
        "retention.bytes" => "Delete the oldest segments while the log is larger than this (-1: no limit)",
        "segment.bytes" => "Roll to a new segment when the active one reaches this size",
        "segment.ms" => "Roll to a new segment after this long even if it is not full",
        "cleanup.policy" => "delete (retention), compact (keep the latest record per key), or both",
        "min.cleanable.dirty.ratio" => "Compact a log when this share of it is not yet cleaned",
        "delete.retention.ms" => "How long tombstones survive compaction",
        "min.compaction.lag.ms" => "Records younger than this are never compacted",
        _ => "",
    }
}

/// Settings per producer and per group that the engine can change while running.
#[function_component(ConfigPanel)]
pub fn config_panel(props: &ConfigPanelProps) -> Html {
    let s = &props.snapshot;
    html! {
        <section class="panel config" aria-labelledby="config-title">
            <h2 id="config-title">{ "Configuration" }</h2>
            { for s.producers.iter().enumerate().map(|(i, p)| html! {
                <fieldset data-config-producer={p.name.clone()}>
                    <legend>{ format!("Producer {}", p.name) }</legend>
                    <ConfigField name="rate" help="Records the producer sends per second (simulation setting, not a Kafka config)"
                        default="scenario value" current={p.rate_per_sec.to_string()} on_perform={props.on_perform.clone()}
                        parse={Callback::from(move |text: String| parse_rate("rate", &text).map(|records_per_sec_millis| Command::Producer {
                            producer: i, command: ProducerCommand::SetRate { records_per_sec_millis } }))} />
                    <p class="config-readonly"><code>{ "acks" }</code>{ format!(" = {} (Kafka default: all)", p.acks) }</p>
                </fieldset>
            }) }
            { for s.groups.iter().enumerate().map(|(i, g)| html! {
                <fieldset data-config-group={g.name.clone()}>
                    <legend>{ format!("Group {}", g.name) }</legend>
                    <ConfigField name="processing rate" help="Records each member processes per second (simulation setting): below the write rate, lag grows"
                        default="per member" current="scenario value" on_perform={props.on_perform.clone()}
                        parse={Callback::from(move |text: String| parse_rate("processing rate", &text).map(|records_per_sec_millis| Command::Group {
                            group: i, command: GroupCommand::SetProcessingRate { records_per_sec_millis } }))} />
                    <p class="config-readonly"><code>{ "partition.assignment.strategy" }</code>{ format!(" = {}", g.assignor) }</p>
                </fieldset>
            }) }
            { for props.topics.iter().map(|t| topic_configs(t, &props.on_perform)) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topic_config_defaults_are_kafkas() {
        let table = [
            ("min.insync.replicas", "1"),
            ("unclean.leader.election.enable", "false"),
            ("retention.ms", "604800000"),
            ("retention.bytes", "-1"),
            ("segment.bytes", "1073741824"),
            ("cleanup.policy", "delete"),
            ("min.cleanable.dirty.ratio", "0.5"),
            ("delete.retention.ms", "86400000"),
        ];
        for (name, default) in table {
            assert_eq!(topic_config_default(name).as_deref(), Some(default), "{name}");
        }
    }

    #[test]
    fn rates_are_checked_like_a_kafka_double_range() {
        assert_eq!(parse_rate("rate", " 2.5 "), Ok(2_500));
        assert_eq!(parse_rate("rate", "0"), Ok(0));
        assert_eq!(
            parse_rate("rate", "fast"),
            Err("Invalid value fast for configuration rate: Not a number of type DOUBLE".into())
        );
        assert_eq!(
            parse_rate("rate", "-1"),
            Err("Invalid value -1 for configuration rate: Value must be at least 0".into())
        );
        assert_eq!(
            parse_rate("rate", "inf"),
            Err("Invalid value inf for configuration rate: Not a number of type DOUBLE".into())
        );
        assert!(parse_rate("rate", "3000000").unwrap_err().ends_with("Value must be no more than 2000000"));
    }
}
