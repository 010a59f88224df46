//! Configuration panels with Kafka's names and defaults, for the settings the engine can change while
//! running: producers, groups, and every topic's dynamic configs (`kafka-configs.sh --alter`). Values are
//! parsed the way Kafka's `ConfigDef` parses them and refused with its message ("Invalid value … for
//! configuration …: …"); range checks the engine makes come back the same way and show under the field.

use std::rc::Rc;

use yew::prelude::*;

use super::actions::next_client_id;
use crate::engine::command::Command;
use crate::engine::group::{GroupCommand, GroupConfigChange};
use crate::engine::producer::ProducerCommand;
use crate::engine::snapshot::{GroupView, ProducerView, Snapshot};
use crate::scenario::topic_config::{TOPIC_CONFIGS, set_topic_config, topic_config_value};
use crate::scenario::{
    AssignorSpec, AutoOffsetResetSpec, GroupProtocolSpec, KeyDistribution, KeySpec, TopicSpec, limits,
};

/// Kafka's `ConfigException` message for a rejected value.
pub fn invalid(name: &str, value: &str, reason: &str) -> String {
    format!("Invalid value {value} for configuration {name}: {reason}")
}

/// `acks` as `ConfigDef.ValidString.in("all", "-1", "0", "1")` checks it.
pub fn parse_acks(text: &str) -> Result<String, String> {
    let text = text.trim();
    if ["all", "-1", "0", "1"].contains(&text) {
        Ok(text.to_string())
    } else {
        Err(invalid("acks", text, "String must be one of: all, -1, 0, 1"))
    }
}

/// An INT config with `Range.atLeast(0)` (`batch.size`).
pub fn parse_non_negative_int(name: &str, text: &str) -> Result<u32, String> {
    let text = text.trim();
    let n: i64 = text.parse().map_err(|_| invalid(name, text, "Not a number of type INT"))?;
    if n < 0 {
        return Err(invalid(name, text, "Value must be at least 0"));
    }
    u32::try_from(n)
        .ok()
        .filter(|n| *n <= i32::MAX as u32)
        .ok_or_else(|| invalid(name, text, "Not a number of type INT"))
}

/// A LONG config with `Range.atLeast(0)` (`linger.ms`).
pub fn parse_non_negative_long(name: &str, text: &str) -> Result<u64, String> {
    let text = text.trim();
    let n: i64 = text.parse().map_err(|_| invalid(name, text, "Not a number of type LONG"))?;
    u64::try_from(n).map_err(|_| invalid(name, text, "Value must be at least 0"))
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
    /// Makes the input's id unique when several producers or topics have a config of the same name.
    #[prop_or_default]
    pub scope: AttrValue,
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
    let id = format!("config-{}-{}", props.scope, props.name).replace(|c: char| !c.is_ascii_alphanumeric(), "-");
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
    /// Each producer's key spec as the scenario declared it (prefix, first key, count), by producer index.
    #[prop_or_default]
    pub producer_keys: Rc<Vec<KeySpec>>,
    pub on_perform: Callback<Command, Result<(), String>>,
}

/// `group.protocol`, the assignor, `session.timeout.ms`, `max.poll.interval.ms` and `auto.offset.reset` of group
/// number `i`, each sent as a `ChangeConfig` with only that field set.
fn group_configs(i: usize, g: &GroupView, on_perform: &Callback<Command, Result<(), String>>) -> Html {
    let change =
        move |change: GroupConfigChange| Command::Group { group: i, command: GroupCommand::ChangeConfig { change } };
    let assignor_name =
        if g.protocol == "consumer" { "group.remote.assignor" } else { "partition.assignment.strategy" };
    html! {
        <>
            <ConfigField name="group.protocol" scope={format!("group{i}")} current={g.protocol} default="Kafka default classic"
                help="classic: JoinGroup/SyncGroup rebalances run by the client; consumer: KIP-848, the coordinator assigns incrementally"
                on_perform={on_perform.clone()}
                parse={Callback::from(move |t: String| parse_protocol(&t).map(|p| change(GroupConfigChange { protocol: Some(p), ..Default::default() })))} />
            <ConfigField name={assignor_name} scope={format!("group{i}")} current={g.assignor}
                default={if g.protocol == "consumer" { "Kafka default uniform" } else { "Kafka default range, cooperative-sticky" }}
                help="How partitions are divided among members: range, roundrobin, sticky, cooperative-sticky (classic); uniform, range (consumer)"
                on_perform={on_perform.clone()}
                parse={Callback::from(move |t: String| parse_assignor(assignor_name, &t).map(|a| change(GroupConfigChange { assignor: Some(a), ..Default::default() })))} />
            <ConfigField name="session.timeout.ms" scope={format!("group{i}")} current={g.session_timeout_ms.to_string()} default="Kafka default 45000"
                help="Without a heartbeat for this long, the coordinator removes the member and rebalances"
                on_perform={on_perform.clone()}
                parse={Callback::from(move |t: String| parse_non_negative_long("session.timeout.ms", &t).map(|v| change(GroupConfigChange { session_timeout_ms: Some(v), ..Default::default() })))} />
            <ConfigField name="max.poll.interval.ms" scope={format!("group{i}")} current={g.max_poll_interval_ms.to_string()} default="Kafka default 300000"
                help="A member that does not call poll() for this long leaves the group"
                on_perform={on_perform.clone()}
                parse={Callback::from(move |t: String| parse_non_negative_long("max.poll.interval.ms", &t).map(|v| change(GroupConfigChange { max_poll_interval_ms: Some(v), ..Default::default() })))} />
            <ConfigField name="auto.offset.reset" scope={format!("group{i}")} current={g.auto_offset_reset} default="Kafka default latest"
                help="Where a member starts on a partition with no committed offset: earliest, latest, or none (an error)"
                on_perform={on_perform.clone()}
                parse={Callback::from(move |t: String| parse_offset_reset(&t).map(|r| change(GroupConfigChange { auto_offset_reset: Some(r), ..Default::default() })))} />
        </>
    }
}

/// `group.protocol`, as `ConfigDef.CaseInsensitiveValidString.in("classic", "consumer")`.
pub fn parse_protocol(text: &str) -> Result<GroupProtocolSpec, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "classic" => Ok(GroupProtocolSpec::Classic),
        "consumer" => Ok(GroupProtocolSpec::Consumer),
        _ => Err(invalid("group.protocol", text.trim(), "String must be one of (case insensitive): CLASSIC, CONSUMER")),
    }
}

/// An assignor by the name Kafka's configs use.
pub fn parse_assignor(name: &str, text: &str) -> Result<AssignorSpec, String> {
    let all = [
        AssignorSpec::Range,
        AssignorSpec::RoundRobin,
        AssignorSpec::Sticky,
        AssignorSpec::CooperativeSticky,
        AssignorSpec::Uniform,
    ];
    all.into_iter().find(|a| a.name() == text.trim()).ok_or_else(|| {
        invalid(name, text.trim(), "String must be one of: range, roundrobin, sticky, cooperative-sticky, uniform")
    })
}

/// `auto.offset.reset`, as `ConfigDef.CaseInsensitiveValidString.in("latest", "earliest", "none")`.
pub fn parse_offset_reset(text: &str) -> Result<AutoOffsetResetSpec, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "earliest" => Ok(AutoOffsetResetSpec::Earliest),
        "latest" => Ok(AutoOffsetResetSpec::Latest),
        "none" => Ok(AutoOffsetResetSpec::None),
        _ => Err(invalid(
            "auto.offset.reset",
            text.trim(),
            "String must be one of (case insensitive): LATEST, EARLIEST, NONE",
        )),
    }
}

#[derive(Properties, PartialEq)]
struct AddConsumerProps {
    group: usize,
    client_id: String,
    on_perform: Callback<Command, Result<(), String>>,
}

/// Start one more consumer in the group (it joins and the group rebalances).
#[function_component(AddConsumer)]
fn add_consumer(props: &AddConsumerProps) -> Html {
    let error = use_state(|| None::<String>);
    let add = {
        let (group, client_id, perform, error) =
            (props.group, props.client_id.clone(), props.on_perform.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let command = GroupCommand::AddMember { client_id: client_id.clone(), instance_id: None };
            error.set(perform.emit(Command::Group { group, command }).err());
        })
    };
    html! {
        <div class="add-consumer">
            <button type="button" onclick={add} title={format!("Start a consumer with client.id {}; it joins the group and the group rebalances", props.client_id)}>{ "Add consumer" }</button>
            if let Some(why) = (*error).clone() {
                <p class="config-error" role="alert">{ why }</p>
            }
        </div>
    }
}

/// `acks`, `batch.size` and `linger.ms` of producer number `i`, with Kafka's defaults.
fn producer_configs(i: usize, p: &ProducerView, on_perform: &Callback<Command, Result<(), String>>) -> Html {
    let producer = move |command: ProducerCommand| Command::Producer { producer: i, command };
    html! {
        <>
            <ConfigField name="acks" scope={format!("producer{i}")} current={p.acks} default="Kafka default all" on_perform={on_perform.clone()}
                help="How many replicas must have a write before the leader answers: 0 (none), 1 (the leader), all (every in-sync replica, at least min.insync.replicas)"
                parse={Callback::from(move |t: String| parse_acks(&t).map(|acks| producer(ProducerCommand::SetAcks { acks })))} />
            <ConfigField name="batch.size" scope={format!("producer{i}")} current={p.batch_size.to_string()} default="Kafka default 16384" on_perform={on_perform.clone()}
                help="Bytes a partition's batch may hold before it is sent"
                parse={Callback::from(move |t: String| parse_non_negative_int("batch.size", &t).map(|batch_size| producer(ProducerCommand::SetBatchSize { batch_size })))} />
            <ConfigField name="linger.ms" scope={format!("producer{i}")} current={p.linger_ms.to_string()} default="Kafka default 5 (4.0)" on_perform={on_perform.clone()}
                help="How long a batch that is not full waits for more records before it is sent"
                parse={Callback::from(move |t: String| parse_non_negative_long("linger.ms", &t).map(|linger_ms| producer(ProducerCommand::SetLingerMs { linger_ms })))} />
        </>
    }
}

#[derive(Properties, PartialEq)]
struct KeysFieldProps {
    producer: usize,
    /// The scenario's key spec (prefix, first, count), kept when only the distribution changes.
    keys: Option<KeySpec>,
    /// The engine's description of the keys in use.
    current: AttrValue,
    on_perform: Callback<Command, Result<(), String>>,
}

/// The key distribution: uniform over the keys, one hot key with a share of the traffic, or no key.
#[function_component(KeysField)]
fn keys_field(props: &KeysFieldProps) -> Html {
    let distribution = use_state(|| "uniform".to_string());
    let share = use_state(|| "90".to_string());
    let error = use_state(|| None::<String>);
    let on_distribution = {
        let distribution = distribution.clone();
        Callback::from(move |e: Event| {
            distribution.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value())
        })
    };
    let on_share = {
        let share = share.clone();
        Callback::from(move |e: InputEvent| share.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let submit = {
        let (distribution, share, error) = (distribution.clone(), share.clone(), error.clone());
        let (base, producer, perform) = (props.keys.clone(), props.producer, props.on_perform.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let result = key_spec(base.clone(), &distribution, &share).and_then(|keys| {
                perform.emit(Command::Producer { producer, command: ProducerCommand::SetKeys { keys } })
            });
            error.set(result.err());
        })
    };
    let id = format!("keys-{}", props.producer);
    html! {
        <form class="config-field keys" onsubmit={submit} data-config="keys">
            <label for={id.clone()} title="uniform: murmur2 spreads keys evenly; hot: one key (one partition) takes the share; none: null keys, the sticky partitioner">{ "keys" }</label>
            <select id={id.clone()} onchange={on_distribution} aria-label="Key distribution">
                { for ["uniform", "hot", "none"].into_iter().map(|d| html! { <option value={d} selected={*distribution == d}>{ d }</option> }) }
            </select>
            <button type="submit">{ "Apply" }</button>
            if *distribution == "hot" {
                <label class="hot-share">{ "hot key share %" }
                    <input type="text" inputmode="numeric" value={(*share).clone()} oninput={on_share} aria-label="Hot key share percent" />
                </label>
            }
            <small class="config-note">{ format!("now {}", props.current) }</small>
            if let Some(why) = (*error).clone() {
                <p class="config-error" role="alert">{ why }</p>
            }
        </form>
    }
}

/// The key spec for a chosen distribution; the scenario's prefix, first key and count stay.
pub fn key_spec(base: Option<KeySpec>, distribution: &str, share: &str) -> Result<KeySpec, String> {
    let mut keys = base.unwrap_or_else(|| KeySpec::uniform("key-", 0, 1_000));
    keys.distribution = match distribution {
        "hot" => KeyDistribution::Hot,
        "none" => KeyDistribution::None,
        _ => KeyDistribution::Uniform,
    };
    if keys.distribution == KeyDistribution::Hot {
        let text = share.trim();
        let percent: u32 = text.parse().map_err(|_| invalid("hot key share", text, "Not a number of type INT"))?;
        if !(1..=100).contains(&percent) {
            return Err(invalid("hot key share", text, "Value must be between 1 and 100"));
        }
        keys.hot_share_percent = percent;
    }
    Ok(keys)
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
                    <ConfigField name={name} scope={format!("topic-{}", spec.name)} help={topic_config_help(name)} default={default} current={current}
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
                    <ConfigField name="rate" scope={format!("producer{i}")} help="Records the producer sends per second (simulation setting, not a Kafka config)"
                        default="scenario value" current={p.rate_per_sec.to_string()} on_perform={props.on_perform.clone()}
                        parse={Callback::from(move |text: String| parse_rate("rate", &text).map(|records_per_sec_millis| Command::Producer {
                            producer: i, command: ProducerCommand::SetRate { records_per_sec_millis } }))} />
                    { producer_configs(i, p, &props.on_perform) }
                    <KeysField producer={i} keys={props.producer_keys.get(i).cloned()} current={p.keys.clone()} on_perform={props.on_perform.clone()} />
                </fieldset>
            }) }
            { for s.groups.iter().enumerate().map(|(i, g)| html! {
                <fieldset data-config-group={g.name.clone()}>
                    <legend>{ format!("Group {}", g.name) }</legend>
                    <ConfigField name="processing rate" scope={format!("group{i}")} help="Records each member processes per second (simulation setting): below the write rate, lag grows"
                        default="per member" current="scenario value" on_perform={props.on_perform.clone()}
                        parse={Callback::from(move |text: String| parse_rate("processing rate", &text).map(|records_per_sec_millis| Command::Group {
                            group: i, command: GroupCommand::SetProcessingRate { records_per_sec_millis } }))} />
                    { group_configs(i, g, &props.on_perform) }
                    <AddConsumer group={i} client_id={next_client_id(g)} on_perform={props.on_perform.clone()} />
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
    fn producer_configs_are_checked_like_kafka() {
        assert_eq!(parse_acks(" all "), Ok("all".into()));
        assert_eq!(
            parse_acks("2"),
            Err("Invalid value 2 for configuration acks: String must be one of: all, -1, 0, 1".into())
        );
        assert_eq!(parse_non_negative_int("batch.size", "16384"), Ok(16_384));
        assert_eq!(
            parse_non_negative_int("batch.size", "-5"),
            Err("Invalid value -5 for configuration batch.size: Value must be at least 0".into())
        );
        assert_eq!(
            parse_non_negative_long("linger.ms", "soon"),
            Err("Invalid value soon for configuration linger.ms: Not a number of type LONG".into())
        );
    }

    #[test]
    fn a_hot_key_keeps_the_scenarios_keys_and_takes_the_share() {
        let base = KeySpec::uniform("order-", 101, 1000);
        let hot = key_spec(Some(base.clone()), "hot", "90").unwrap();
        assert_eq!(
            (hot.distribution, hot.hot_share_percent, hot.prefix.as_str(), hot.first),
            (KeyDistribution::Hot, 90, "order-", 101)
        );
        assert!(key_spec(Some(base.clone()), "hot", "0").unwrap_err().ends_with("Value must be between 1 and 100"));
        assert_eq!(key_spec(Some(base), "none", "x").unwrap().distribution, KeyDistribution::None);
    }

    #[test]
    fn group_configs_are_parsed_by_kafkas_names() {
        assert_eq!(parse_protocol("CONSUMER"), Ok(GroupProtocolSpec::Consumer));
        assert_eq!(
            parse_protocol("eager"),
            Err("Invalid value eager for configuration group.protocol: String must be one of (case insensitive): CLASSIC, CONSUMER".into())
        );
        assert_eq!(
            parse_assignor("partition.assignment.strategy", "cooperative-sticky"),
            Ok(AssignorSpec::CooperativeSticky)
        );
        assert!(parse_assignor("partition.assignment.strategy", "fair").is_err());
        assert_eq!(parse_offset_reset("Earliest"), Ok(AutoOffsetResetSpec::Earliest));
    }

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
