//! Cluster administration, as Kafka's admin tools do it: add a broker, create a topic
//! (`kafka-topics.sh --create`), change a topic's replication factor by reassignment, and run a preferred
//! leader election. Refusals show the engine's reason (Kafka's message where Kafka has one).

use std::rc::Rc;

use yew::prelude::*;

use super::config::ConfigField;
use crate::engine::command::Command;
use crate::engine::snapshot::Snapshot;
use crate::scenario::model::{CleanupPolicySpec, GroupSpec, MemberSpec, Placement, ProducerSpec, defaults};
use crate::scenario::{TopicSpec, limits};

/// A topic with Kafka's default configs (what `kafka-topics.sh --create` gives without `--config`).
pub fn new_topic_spec(name: &str, partitions: u32, replication_factor: u16) -> TopicSpec {
    TopicSpec {
        name: name.to_string(),
        partitions,
        replication_factor,
        min_insync_replicas: defaults::min_insync_replicas(),
        placement: Placement::default(),
        unclean_leader_election_enable: false,
        retention_ms: defaults::retention_ms(),
        retention_bytes: defaults::retention_bytes(),
        segment_bytes: defaults::segment_bytes(),
        segment_ms: defaults::segment_ms(),
        cleanup_policy: CleanupPolicySpec::default(),
        min_cleanable_dirty_ratio: defaults::min_cleanable_dirty_ratio(),
        delete_retention_ms: defaults::delete_retention_ms(),
        min_compaction_lag_ms: 0,
    }
}

/// The id a new broker gets: one more than the largest.
pub fn next_broker_id(snapshot: &Snapshot) -> i32 {
    snapshot.brokers.iter().map(|b| b.id).max().map_or(1, |m| m + 1)
}

/// `--partitions`/`--replication-factor` as the tools parse them (Kafka's INT and SHORT configs).
pub fn parse_count<T: std::str::FromStr + PartialOrd + From<u8> + std::fmt::Display>(
    name: &str,
    text: &str,
    type_name: &str,
) -> Result<T, String> {
    let text = text.trim();
    let n: T = text
        .parse()
        .map_err(|_| format!("Invalid value {text} for configuration {name}: Not a number of type {type_name}"))?;
    if n < T::from(1) {
        return Err(format!("Invalid value {text} for configuration {name}: Value must be at least 1"));
    }
    Ok(n)
}

/// A new producer like `template` (the scenario's first), named `Producer <n>`, writing to the same topic.
pub fn new_producer(template: &ProducerSpec, snapshot: &Snapshot) -> ProducerSpec {
    let n = snapshot.producers.len() + 1;
    ProducerSpec { name: format!("Producer {n}"), ..template.clone() }
}

/// A new consumer group like `template` (the scenario's first), named `group-<n>`, with one member: a second
/// group reads every record again, at its own offsets.
pub fn new_group(template: &GroupSpec, snapshot: &Snapshot) -> GroupSpec {
    let name = format!("group-{}", snapshot.groups.len() + 1);
    let members = vec![MemberSpec { client_id: format!("{name}-1"), instance_id: None }];
    GroupSpec { name, members, ..template.clone() }
}

#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    pub snapshot: Rc<Snapshot>,
    /// Templates for "Add producer" and "Add group" (the scenario's first producer and group).
    #[prop_or_default]
    pub producer_template: Option<ProducerSpec>,
    #[prop_or_default]
    pub group_template: Option<GroupSpec>,
    pub on_perform: Callback<Command, Result<(), String>>,
}

#[function_component(ClusterPanel)]
pub fn cluster_panel(props: &ClusterPanelProps) -> Html {
    let s = &props.snapshot;
    let message = use_state(|| None::<Result<String, String>>);
    let run = {
        let (perform, message) = (props.on_perform.clone(), message.clone());
        move |command: Command, done: String| {
            message.set(Some(perform.emit(command).map(|()| done)));
        }
    };
    let add_broker = {
        let (run, id) = (run.clone(), next_broker_id(s));
        Callback::from(move |_: MouseEvent| {
            run(Command::AddBroker { broker: id, rack: None }, format!("broker {id} added"))
        })
    };
    let add_producer = props.producer_template.as_ref().map(|t| {
        let (run, spec) = (run.clone(), new_producer(t, s));
        Callback::from(move |_: MouseEvent| {
            let done = format!("{} started", spec.name);
            run(Command::AddProducer { spec: Box::new(spec.clone()) }, done)
        })
    });
    let add_group = props.group_template.as_ref().map(|t| {
        let (run, spec) = (run.clone(), new_group(t, s));
        Callback::from(move |_: MouseEvent| {
            let done = format!("group {} started", spec.name);
            run(Command::AddGroup { spec: Box::new(spec.clone()) }, done)
        })
    });
    let elect = {
        let run = run.clone();
        Callback::from(move |_: MouseEvent| {
            run(Command::PreferredLeaderElection, "preferred leader election run".into())
        })
    };
    html! {
        <section class="panel cluster-admin" aria-labelledby="cluster-admin-title">
            <h2 id="cluster-admin-title">{ "Cluster" }</h2>
            <div class="button-row">
                <button type="button" onclick={add_broker} title="A new broker registers with the controller; it hosts nothing until a topic is created or reassigned onto it">
                    { format!("Add broker {}", next_broker_id(s)) }
                </button>
                if let Some(onclick) = add_producer {
                    <button type="button" {onclick} title="Start another producer like the first one, writing to the same topic">{ "Add producer" }</button>
                }
                if let Some(onclick) = add_group {
                    <button type="button" {onclick} title="Start another consumer group: it reads every record again, at its own committed offsets">{ "Add group" }</button>
                }
                <button type="button" onclick={elect} title="kafka-leader-election --election-type preferred: leadership back to each partition's first replica where it is in sync">
                    { "Preferred leader election" }
                </button>
            </div>
            <CreateTopic on_perform={props.on_perform.clone()} brokers={s.brokers.len()} />
            { for s.topics.iter().map(|t| {
                let topic = t.name.clone();
                let rf = t.partitions.first().map_or(0, |p| p.replicas.len());
                let parse = Callback::from(move |text: String| {
                    parse_count::<u16>("replication.factor", &text, "SHORT")
                        .map(|replication_factor| Command::ChangeReplicationFactor { topic: topic.clone(), replication_factor })
                });
                let (topic, count) = (t.name.clone(), t.partitions.len());
                let grow = Callback::from(move |text: String| {
                    parse_count::<u32>("partitions", &text, "INT").map(|partitions| Command::AddPartitions { topic: topic.clone(), partitions })
                });
                html! {
                    <>
                    <ConfigField name={format!("{} partitions", t.name)} current={count.to_string()}
                        help="kafka-topics.sh --alter --partitions: grow to this many in all (never fewer); keyed records hash over the new count, so most keys move"
                        default="can only grow" parse={grow} on_perform={props.on_perform.clone()} />
                    <ConfigField name={format!("{} replication factor", t.name)} current={rf.to_string()}
                        help="Reassign every partition to this many replicas (kafka-reassign-partitions.sh); new replicas catch up, then join the ISR"
                        default="default.replication.factor 1" {parse} on_perform={props.on_perform.clone()} />
                    </>
                }
            }) }
            { match &*message {
                Some(Ok(done)) => html! { <p class="outcome ok" role="status">{ done.clone() }</p> },
                Some(Err(why)) => html! { <p class="outcome refused" role="alert">{ format!("Refused: {why}") }</p> },
                None => html! {},
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct CreateTopicProps {
    on_perform: Callback<Command, Result<(), String>>,
    brokers: usize,
}

/// `kafka-topics.sh --create --topic … --partitions … --replication-factor …`, with Kafka's default configs.
#[function_component(CreateTopic)]
fn create_topic(props: &CreateTopicProps) -> Html {
    let name = use_state(String::new);
    let partitions = use_state(|| "3".to_string());
    let rf = use_state(|| props.brokers.min(3).to_string());
    let outcome = use_state(|| None::<Result<String, String>>);
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(e.target_unchecked_into::<web_sys::HtmlInputElement>().value()))
    };
    let submit = {
        let (name, partitions, rf, outcome, perform) =
            (name.clone(), partitions.clone(), rf.clone(), outcome.clone(), props.on_perform.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let result = (|| {
                let p = parse_count::<u32>("num.partitions", &partitions, "INT")?;
                if p > limits::PARTITIONS_PER_TOPIC {
                    return Err(format!("a topic may have at most {} partitions", limits::PARTITIONS_PER_TOPIC));
                }
                let r = parse_count::<u16>("replication.factor", &rf, "SHORT")?;
                let spec = new_topic_spec(name.trim(), p, r);
                perform.emit(Command::CreateTopic { spec: Box::new(spec) })?;
                Ok(format!("topic {} created", name.trim()))
            })();
            outcome.set(Some(result));
        })
    };
    html! {
        <form class="create-topic" onsubmit={submit} aria-label="Create topic">
            <h3>{ "Create topic" }</h3>
            <label>{ "name" }<input type="text" value={(*name).clone()} oninput={input(&name)} required=true /></label>
            <label title="Kafka default num.partitions = 1"><code>{ "partitions" }</code><input type="text" inputmode="numeric" value={(*partitions).clone()} oninput={input(&partitions)} /></label>
            <label title="Kafka default default.replication.factor = 1"><code>{ "replication.factor" }</code><input type="text" inputmode="numeric" value={(*rf).clone()} oninput={input(&rf)} /></label>
            <button type="submit">{ "Create" }</button>
            { match &*outcome {
                Some(Ok(done)) => html! { <p class="outcome ok" role="status">{ done.clone() }</p> },
                Some(Err(why)) => html! { <p class="outcome refused" role="alert">{ format!("Refused: {why}") }</p> },
                None => html! {},
            } }
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_producers_and_groups_get_fresh_names() {
        let scenario = crate::ui::default_valid_scenario();
        let snapshot = crate::engine::sim::Engine::new(&scenario).snapshot();
        let p = new_producer(&scenario.get().producers[0], &snapshot);
        assert_eq!((p.name.as_str(), p.topic.as_str()), ("Producer 2", "orders"));
        let g = new_group(&scenario.get().groups[0], &snapshot);
        assert_eq!(g.name, "group-2");
        assert_eq!(g.members.len(), 1);
        assert_eq!(g.members[0].client_id, "group-2-1");
    }

    #[test]
    fn counts_are_parsed_like_the_tools() {
        assert_eq!(parse_count::<u16>("replication.factor", " 2 ", "SHORT"), Ok(2));
        assert_eq!(
            parse_count::<u16>("replication.factor", "two", "SHORT"),
            Err("Invalid value two for configuration replication.factor: Not a number of type SHORT".into())
        );
        assert_eq!(
            parse_count::<u32>("num.partitions", "0", "INT"),
            Err("Invalid value 0 for configuration num.partitions: Value must be at least 1".into())
        );
    }
}
