//! Component tests for the interactive panels, rendered natively with Yew SSR: the action menus, the
//! partition inspector, the narration panel, the metrics panel and the configuration panel; plus the
//! diagram's selection and highlight classes.

use std::rc::Rc;

use kafkaviz::engine::command::Command;
use kafkaviz::engine::snapshot::Snapshot;
use kafkaviz::engine::trace::Narration;
use kafkaviz::ui::actions::{ActionMenu, ActionMenuProps, broker_actions, consumer_actions, next_client_id};
use kafkaviz::ui::cluster_panel::{ClusterPanel, ClusterPanelProps};
use kafkaviz::ui::config::{ConfigPanel, ConfigPanelProps};
use kafkaviz::ui::default_valid_scenario;
use kafkaviz::ui::diagram::{Diagram, DiagramProps};
use kafkaviz::ui::inspector::{InspectorProps, PartitionInspector};
use kafkaviz::ui::live::Live;
use kafkaviz::ui::metrics::{MetricsPanel, MetricsProps};
use kafkaviz::ui::narration::{EventKind, NarrationPanel, NarrationProps, matches_filter, mentions};
use kafkaviz::ui::selection::Selection;
use scraper::{ElementRef, Html, Selector};
use yew::{BaseComponent, Callback, LocalServerRenderer};

fn render<C: BaseComponent>(props: C::Properties) -> Html {
    let html = futures::executor::block_on(LocalServerRenderer::<C>::with_props(props).render());
    Html::parse_fragment(&html)
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    doc.select(&Selector::parse(css).expect("valid selector")).collect()
}

fn text(el: &ElementRef) -> String {
    el.text().collect::<String>()
}

fn one_text(doc: &Html, css: &str) -> String {
    let found = select(doc, css);
    assert_eq!(found.len(), 1, "exactly one {css}");
    text(&found[0]).trim().to_string()
}

/// A live session played for `ms` of virtual time in 100 ms frames, as the app's timer does at 3×.
fn live_after(ms: u64) -> Live {
    let mut live = Live::new(default_valid_scenario());
    play(&mut live, ms);
    live
}

fn play(live: &mut Live, ms: u64) {
    for _ in 0..ms / 100 {
        live.advance_by(100);
    }
}

fn menu(actions: Vec<kafkaviz::ui::actions::MenuAction>, outcome: Option<Result<String, String>>) -> Html {
    render::<ActionMenu>(ActionMenuProps {
        title: "Broker 2".into(),
        actions,
        on_perform: Default::default(),
        on_close: Default::default(),
        outcome,
        autofocus: false,
    })
}

#[test]
fn a_running_brokers_menu_offers_kill_stop_slow_and_election() {
    let snapshot = live_after(1_000).snapshot();
    let broker = &snapshot.brokers[1];
    let actions = broker_actions(broker);
    let commands: Vec<&Command> = actions.iter().map(|a| &a.command).collect();
    assert!(commands.contains(&&Command::StopBroker { broker: 2, graceful: false }));
    assert!(commands.contains(&&Command::StopBroker { broker: 2, graceful: true }));
    assert!(
        commands.iter().any(|c| matches!(c, Command::SetBrokerFetchDelay { broker: 2, extra_ms } if *extra_ms > 0))
    );
    assert!(commands.contains(&&Command::PreferredLeaderElection));
    assert!(!commands.contains(&&Command::StartBroker { broker: 2 }), "a running broker cannot be restarted");

    let doc = menu(actions, None);
    let items: Vec<String> = select(&doc, "[role=menu] button[role=menuitem]").iter().map(text).collect();
    assert_eq!(
        items,
        [
            "Kill (hard)",
            "Stop gracefully",
            "Slow follower fetches (+2 s)",
            "Restore fetch speed",
            "Preferred leader election",
            "Remove from cluster"
        ]
    );
    assert!(
        select(&doc, "[role=menuitem]").iter().all(|b| b.value().attr("title").is_some_and(|t| !t.is_empty())),
        "every action explains itself"
    );
}

#[test]
fn a_stopped_brokers_menu_offers_restart() {
    let mut live = live_after(1_000);
    live.perform(Command::StopBroker { broker: 3, graceful: false }).expect("broker 3 is up");
    let snapshot = live.snapshot();
    let actions = broker_actions(&snapshot.brokers[2]);
    assert_eq!(actions[0].command, Command::StartBroker { broker: 3 });
    assert_eq!(actions.len(), 3, "restart, preferred election and removal only");
}

#[test]
fn a_consumers_menu_offers_crash_stop_slow_and_stuck() {
    let live = live_after(3_000);
    let snapshot = live.snapshot();
    let member = &snapshot.groups[0].members[1];
    let actions = consumer_actions(0, member);
    let labels: Vec<&str> = actions.iter().map(|a| a.label.as_str()).collect();
    assert_eq!(labels, ["Crash (kill -9)", "Stop (close)", "Slow processing (0.5/s)", "Stuck (stop polling)"]);
    assert!(actions.iter().all(|a| matches!(a.command, Command::Group { group: 0, .. })));
    assert_eq!(next_client_id(&snapshot.groups[0]), "order-service-4");
}

#[test]
fn a_crashed_consumer_has_no_actions_and_its_partition_moves() {
    let mut live = live_after(3_000);
    let snapshot = live.snapshot();
    let member = snapshot.groups[0].members[0].clone();
    let crash = consumer_actions(0, &member).remove(0).command;
    live.perform(crash).expect("a live member can crash");
    play(&mut live, 60_000);
    let snapshot = live.snapshot();
    let after = snapshot.groups[0].members.iter().find(|m| m.key == member.key);
    assert!(after.is_none_or(|m| consumer_actions(0, m).is_empty()), "{after:?}");
    let owners: Vec<&str> = snapshot.groups[0]
        .members
        .iter()
        .filter(|m| m.partitions.iter().any(|p| p.partition == 0))
        .map(|m| m.client_id.as_str())
        .collect();
    assert_eq!(owners.len(), 1, "orders-0 has one owner again: {owners:?}");
    assert_ne!(owners[0], member.client_id);
}

#[test]
fn a_refusal_shows_the_engines_reason() {
    let mut live = live_after(1_000);
    let refusal = live.perform(Command::StartBroker { broker: 2 }).expect_err("broker 2 is running").to_string();
    let doc = menu(Vec::new(), Some(Err(refusal)));
    assert_eq!(one_text(&doc, "[role=alert].refused"), "Refused: broker 2 is already running");
}

fn inspector(live: &Live, topic: &str, partition: u32) -> Html {
    render::<PartitionInspector>(InspectorProps {
        snapshot: Rc::new(live.snapshot()),
        topic: topic.to_string().into(),
        partition,
        lines: live.lines(),
        detail: live.partition_detail(topic, partition).map(Rc::new),
        on_close: Default::default(),
    })
}

#[test]
fn inspector_shows_each_replicas_offsets_and_the_groups_lag() {
    let live = live_after(20_000);
    let snapshot = live.snapshot();
    let doc = inspector(&live, "orders", 1);
    let p = &snapshot.topics[0].partitions[1];
    assert_eq!(one_text(&doc, "[data-field=leader]"), format!("broker {}", p.leader.unwrap()));
    assert_eq!(one_text(&doc, "[data-field=leader-epoch]"), p.leader_epoch.to_string());
    assert_eq!(one_text(&doc, "[data-field=isr]"), format!("{:?}", p.isr));
    let rows = select(&doc, "tr[data-replica-row]");
    let brokers: Vec<&str> = rows.iter().map(|r| r.value().attr("data-replica-row").unwrap()).collect();
    let expected: Vec<String> = p.replicas.iter().map(|b| b.to_string()).collect();
    assert_eq!(brokers, expected, "one row per replica, preferred leader first");
    for row in &rows {
        let broker: i32 = row.value().attr("data-replica-row").unwrap().parse().unwrap();
        let replica = snapshot
            .brokers
            .iter()
            .find(|b| b.id == broker)
            .unwrap()
            .replicas
            .iter()
            .find(|r| r.partition == 1)
            .unwrap();
        let cell = |field: &str| {
            text(&row.select(&Selector::parse(&format!("[data-field={field}]")).unwrap()).next().unwrap())
        };
        assert_eq!(cell("leo"), replica.log_end_offset.to_string());
        assert_eq!(cell("hw"), replica.high_watermark.to_string());
        assert_eq!(cell("log-start"), replica.log_start_offset.to_string());
    }
    let owner = snapshot.groups[0].members.iter().flat_map(|m| &m.partitions).find(|mp| mp.partition == 1).unwrap();
    let group_row = select(&doc, "tr[data-group-row=\"order-service\"]");
    assert_eq!(group_row.len(), 1);
    let cell = |field: &str| {
        text(&group_row[0].select(&Selector::parse(&format!("[data-field={field}]")).unwrap()).next().unwrap())
    };
    assert_eq!(cell("lag"), owner.lag.to_string());
    assert_eq!(cell("committed"), owner.committed.map_or("–".into(), |c| c.to_string()));
}

#[test]
fn inspector_history_lists_the_partitions_leader_changes() {
    let mut live = live_after(5_000);
    let leader = live.snapshot().topics[0].partitions[0].leader.unwrap();
    live.perform(Command::StopBroker { broker: leader, graceful: false }).unwrap();
    play(&mut live, 30_000);
    let doc = inspector(&live, "orders", 0);
    let history: Vec<String> = select(&doc, ".history li").iter().map(text).collect();
    assert!(history.iter().any(|l| l.contains("orders-0") && l.contains(&format!("leader {leader} →"))), "{history:?}");
    assert!(history.iter().all(|l| l.contains("orders-0")), "only this partition: {history:?}");
}

fn narration_panel(lines: Vec<Narration>, snapshot: Snapshot) -> Html {
    render::<NarrationPanel>(NarrationProps {
        lines: Rc::new(lines),
        snapshot: Rc::new(snapshot),
        on_highlight: Default::default(),
    })
}

#[test]
fn narration_panel_lists_events_newest_first_with_kinds_and_an_export_link() {
    let mut live = live_after(2_000);
    live.perform(Command::StopBroker { broker: 2, graceful: false }).unwrap();
    play(&mut live, 15_000);
    let lines = (*live.lines()).clone();
    assert!(lines.len() >= 3, "{lines:?}");
    let doc = narration_panel(lines.clone(), live.snapshot());
    let items = select(&doc, "ol.event-log li");
    assert_eq!(items.len(), lines.len());
    assert!(text(&items[0]).contains(&lines.last().unwrap().text), "newest first");
    assert!(items.iter().all(|li| li.value().attr("tabindex") == Some("0")), "focusable to highlight");
    assert!(items.iter().any(|li| li.value().attr("data-kind") == Some("broker")));
    let export = select(&doc, "a[download]");
    assert_eq!(export.len(), 1);
    assert_eq!(text(&export[0]), "Export as text");
    assert_eq!(select(&doc, "input[type=search][aria-label]").len(), 1);
    assert_eq!(select(&doc, "select[aria-label=\"Filter events by kind\"] option").len(), 1 + EventKind::ALL.len());
}

#[test]
fn narration_filter_by_text_and_kind() {
    let snapshot = live_after(0).snapshot();
    let line = |text: &str| Narration { at: 0, text: text.into() };
    let crash = line("broker 2 crashed");
    let election = line("partition orders-1: leader 2 → 3, epoch 1, ISR [3, 1] (broker 2 fenced)");
    assert!(matches_filter(&crash, "", None, &snapshot));
    assert!(matches_filter(&crash, "CRASH", Some(EventKind::Broker), &snapshot));
    assert!(!matches_filter(&crash, "", Some(EventKind::Partition), &snapshot));
    assert!(matches_filter(&election, "orders-1", Some(EventKind::Partition), &snapshot));
    assert!(!matches_filter(&election, "orders-2", None, &snapshot));
    assert!(matches_filter(&line("Producer App: acks=1"), "", Some(EventKind::Producer), &snapshot));
}

#[test]
fn diagram_marks_selection_and_highlighted_mentions() {
    let live = live_after(3_000);
    let snapshot = live.snapshot();
    let highlight = mentions("partition orders-1: leader 2 → 3, epoch 1, ISR [3, 1]", &snapshot);
    let doc = render::<Diagram>(DiagramProps {
        snapshot: Rc::new(snapshot),
        reduced_motion: true,
        selection: Selection::Partition { topic: "orders".into(), partition: 2 },
        highlight: Some(Rc::new(highlight)),
        on_select: Default::default(),
    });
    let highlighted: Vec<&str> =
        select(&doc, "g.broker.highlight").iter().map(|b| b.value().attr("data-broker").unwrap()).collect();
    assert_eq!(highlighted, ["1", "2", "3"]);
    let replicas = select(&doc, "[data-replica].highlight");
    assert_eq!(replicas.len(), 3, "every replica of orders-1");
    assert!(replicas.iter().all(|r| r.value().attr("data-partition") == Some("1")));
    let selected = select(&doc, "[data-replica][aria-pressed=true]");
    assert_eq!(selected.len(), 3);
    assert!(selected.iter().all(|r| r.value().attr("data-partition") == Some("2")));
    // Every broker has a keyboard handle that opens its menu; every replica and consumer is focusable.
    assert_eq!(
        select(
            &doc,
            "[data-broker]:not([data-replica]) .broker-handle[role=button][tabindex=\"0\"][aria-haspopup=menu]"
        )
        .len(),
        3
    );
    assert_eq!(select(&doc, "[data-replica][tabindex=\"0\"][role=button]").len(), 9);
    assert_eq!(select(&doc, "[data-consumer][tabindex=\"0\"][role=button]").len(), 3);
}

#[test]
fn metrics_panel_charts_partitions_members_and_outcomes() {
    let live = live_after(30_000);
    let doc = render::<MetricsPanel>(MetricsProps { snapshot: Rc::new(live.snapshot()), history: live.metrics() });
    let partitions: Vec<&str> = select(&doc, "tr[data-metric-partition]")
        .iter()
        .map(|r| r.value().attr("data-metric-partition").unwrap())
        .collect();
    assert_eq!(partitions, ["orders-0", "orders-1", "orders-2"]);
    assert_eq!(select(&doc, "tr[data-metric-member]").len(), 3);
    let charts = select(&doc, "svg.sparkline[role=img][aria-label] polyline");
    assert!(charts.len() >= 4 + 3 + 6, "cluster, partition and member charts: {}", charts.len());
    let points = charts[0].value().attr("points").unwrap();
    assert!(points.split(' ').count() > 10, "about one point a second over 30 s: {points}");
    assert_eq!(one_text(&doc, "[data-metric=offline] .metric-now"), "0");
    assert!(one_text(&doc, "[data-outcomes=\"Producer App\"]").contains("acknowledged"));
}

#[test]
fn metrics_panel_names_produce_errors_when_acks_all_cannot_be_met() {
    // RF 3, min.insync.replicas 2: with two brokers down, acks=all writes fail with NOT_ENOUGH_REPLICAS.
    let mut live = live_after(2_000);
    live.perform(Command::StopBroker { broker: 2, graceful: false }).unwrap();
    live.perform(Command::StopBroker { broker: 3, graceful: false }).unwrap();
    play(&mut live, 120_000);
    let doc = render::<MetricsPanel>(MetricsProps { snapshot: Rc::new(live.snapshot()), history: live.metrics() });
    let errors: Vec<&str> =
        select(&doc, "[data-error]").iter().map(|e| e.value().attr("data-error").unwrap()).collect();
    assert!(errors.contains(&"NOT_ENOUGH_REPLICAS"), "{errors:?}");
}

fn accept_all() -> Callback<Command, Result<(), String>> {
    Callback::from(|_: Command| Ok(()))
}

#[test]
fn config_panel_names_each_setting() {
    let live = live_after(0);
    let doc = render::<ConfigPanel>(ConfigPanelProps {
        snapshot: Rc::new(live.snapshot()),
        topics: live.topics(),
        producer_keys: Rc::new(live.producer_keys()),
        on_perform: accept_all(),
    });
    let producer_fields: Vec<&str> = select(&doc, "[data-config-producer=\"Producer App\"] form[data-config]")
        .iter()
        .map(|f| f.value().attr("data-config").unwrap())
        .collect();
    assert_eq!(producer_fields, ["rate", "acks", "batch.size", "linger.ms", "keys"]);
    assert_eq!(
        one_text(&doc, "[data-config-producer=\"Producer App\"] form[data-config=acks] .config-note"),
        "now all · Kafka default all"
    );
    assert_eq!(select(&doc, "[data-config-producer=\"Producer App\"] form[data-config=rate] input").len(), 1);
    assert_eq!(
        select(&doc, "[data-config-group=\"order-service\"] form[data-config=\"processing rate\"] button[type=submit]")
            .len(),
        1
    );
    for label in select(&doc, "form[data-config] label") {
        let target = label.value().attr("for").unwrap();
        assert_eq!(select(&doc, &format!("input#{target}, select#{target}")).len(), 1, "label {target} names a field");
    }
    let topic_fields: Vec<&str> = select(&doc, "[data-config-topic=orders] form[data-config]")
        .iter()
        .map(|f| f.value().attr("data-config").unwrap())
        .collect();
    assert_eq!(topic_fields, kafkaviz::scenario::topic_config::TOPIC_CONFIGS);
    let min_isr = one_text(&doc, "[data-config-topic=orders] form[data-config=\"min.insync.replicas\"] .config-note");
    assert_eq!(min_isr, "now 2 · Kafka default 1");
}

#[test]
fn cluster_panel_offers_the_next_broker_id_and_topic_creation() {
    let live = live_after(0);
    let (producer_template, group_template) = live.templates();
    let doc = render::<ClusterPanel>(ClusterPanelProps {
        snapshot: Rc::new(live.snapshot()),
        producer_template,
        group_template,
        on_perform: accept_all(),
    });
    let buttons: Vec<String> = select(&doc, ".button-row button").iter().map(text).collect();
    assert_eq!(buttons, ["Add broker 4", "Add producer", "Add group", "Preferred leader election"]);
    assert_eq!(select(&doc, "form[aria-label=\"Create topic\"] input").len(), 3);
    assert_eq!(
        one_text(&doc, "form[data-config=\"orders replication factor\"] .config-note"),
        "now 3 · default.replication.factor 1"
    );
}

#[test]
fn inspector_shows_the_leaders_segments_and_epoch_cache() {
    let mut live = live_after(5_000);
    let leader = live.snapshot().topics[0].partitions[2].leader.unwrap();
    live.perform(Command::StopBroker { broker: leader, graceful: true }).unwrap();
    play(&mut live, 5_000);
    let doc = inspector(&live, "orders", 2);
    let detail = live.partition_detail("orders", 2).unwrap();
    let segments = select(&doc, "tr[data-segment]");
    assert!(!segments.is_empty());
    assert!(text(segments.last().unwrap()).contains("active"));
    let epochs: Vec<&str> =
        select(&doc, "li[data-epoch]").iter().map(|e| e.value().attr("data-epoch").unwrap()).collect();
    assert_eq!(
        epochs.last().copied(),
        Some(detail.leader_epoch.to_string()).as_deref(),
        "the new leader's epoch is cached"
    );
    assert!(epochs.len() >= 2, "epoch 0 and the one after the controlled shutdown: {epochs:?}");
    assert!(one_text(&doc, ".log-detail p").contains("cleanup.policy = delete"));
}

#[test]
fn whole_app_has_timeline_panels_and_status_counters() {
    let html = futures::executor::block_on(LocalServerRenderer::<kafkaviz::ui::App>::new().render());
    let doc = Html::parse_fragment(&html);
    assert_eq!(select(&doc, "input[type=range][aria-label=Timeline]").len(), 1);
    for panel in ["Events", "Metrics", "Cluster", "Configuration"] {
        assert!(select(&doc, ".sidebar h2").iter().any(|h| text(h) == panel), "panel {panel}");
    }
    assert_eq!(one_text(&doc, "[data-counter=brokers-up]"), "3/3");
    let mut ids: Vec<&str> = select(&doc, "[id]").iter().map(|e| e.value().attr("id").unwrap()).collect();
    let count = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), count, "every id on the page is unique (labels point at the right field)");
}

#[test]
fn added_producers_and_groups_run() {
    let mut live = live_after(1_000);
    let (producer, group) = live.templates();
    let snapshot = live.snapshot();
    let producer = kafkaviz::ui::cluster_panel::new_producer(&producer.unwrap(), &snapshot);
    let group = kafkaviz::ui::cluster_panel::new_group(&group.unwrap(), &snapshot);
    live.perform(Command::AddProducer { spec: Box::new(producer) }).expect("a second producer");
    live.perform(Command::AddGroup { spec: Box::new(group) }).expect("a second group");
    play(&mut live, 20_000);
    let snapshot = live.snapshot();
    assert!(snapshot.producers[1].stats.acknowledged > 0, "the new producer writes");
    assert_eq!(snapshot.groups[1].members.len(), 1);
    assert_eq!(snapshot.groups[1].members[0].partitions.len(), 3, "one member reads all three partitions");
}
