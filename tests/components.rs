//! Component tests: render the Yew components natively (server-side rendering) and read the HTML
//! through the DOM contract of design.md, as the browser tests and any embedding page would.

use std::rc::Rc;

use kafkaviz::engine::sim::Engine;
use kafkaviz::ui::default_valid_scenario;
use kafkaviz::ui::diagram::{Diagram, DiagramProps};
use scraper::{Html, Selector};
use yew::LocalServerRenderer;

fn render_diagram(engine: &Engine) -> Html {
    let props = DiagramProps { snapshot: Rc::new(engine.snapshot()), reduced_motion: false, ..diagram_defaults() };
    let html = futures::executor::block_on(LocalServerRenderer::<Diagram>::with_props(props).render());
    Html::parse_fragment(&html)
}

/// The interaction props a plain render does not need.
fn diagram_defaults() -> DiagramProps {
    DiagramProps {
        snapshot: Rc::new(Engine::new(&default_valid_scenario()).snapshot()),
        reduced_motion: false,
        selection: Default::default(),
        highlight: None,
        on_select: Default::default(),
    }
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let selector = Selector::parse(css).expect("valid selector");
    doc.select(&selector).collect()
}

fn attr<'a>(el: &scraper::ElementRef<'a>, name: &str) -> &'a str {
    el.value().attr(name).unwrap_or_else(|| panic!("missing attribute {name}"))
}

fn default_engine_after(ms: u64) -> Engine {
    let mut engine = Engine::new(&default_valid_scenario());
    engine.advance_to(ms);
    engine
}

#[test]
fn default_diagram_has_three_brokers_one_controller() {
    let doc = render_diagram(&default_engine_after(0));
    let brokers = select(&doc, "g[data-broker][data-state]");
    let ids: Vec<&str> = brokers.iter().map(|b| attr(b, "data-broker")).collect();
    assert_eq!(ids, ["1", "2", "3"]);
    assert!(brokers.iter().all(|b| attr(b, "data-state") == "up"));
    assert_eq!(select(&doc, "[data-broker][data-controller=\"true\"]").len(), 1);
}

#[test]
fn default_diagram_has_nine_replicas_with_seed_leaders() {
    let doc = render_diagram(&default_engine_after(0));
    let replicas = select(&doc, "[data-replica]");
    assert_eq!(replicas.len(), 9);
    for broker in ["1", "2", "3"] {
        let on_broker = select(&doc, &format!("g[data-broker=\"{broker}\"][data-state] [data-replica]"));
        assert_eq!(on_broker.len(), 3, "broker {broker} hosts one replica of each partition");
        assert!(on_broker.iter().all(|r| attr(r, "data-broker") == broker));
    }
    let leaders = select(&doc, "[data-replica][data-role=\"leader\"]");
    let mut placement: Vec<(&str, &str)> =
        leaders.iter().map(|r| (attr(r, "data-partition"), attr(r, "data-broker"))).collect();
    placement.sort();
    assert_eq!(placement, [("0", "1"), ("1", "2"), ("2", "3")], "the seed's picture: partition p leads on broker p+1");
    for r in &replicas {
        assert_eq!(attr(r, "data-topic"), "orders");
        assert_eq!(attr(r, "data-in-sync"), "true");
        let leo: u64 = attr(r, "data-leo").parse().expect("numeric LEO");
        let hw: u64 = attr(r, "data-hw").parse().expect("numeric HW");
        assert!(hw <= leo);
    }
}

#[test]
fn default_diagram_has_producer_and_group_of_three() {
    let doc = render_diagram(&default_engine_after(0));
    let producers = select(&doc, "[data-producer]");
    assert_eq!(producers.len(), 1);
    assert_eq!(attr(&producers[0], "data-producer"), "Producer App");
    let members = select(&doc, "[data-group=\"order-service\"] [data-consumer]");
    assert_eq!(members.len(), 3);
    let mut assigned: Vec<&str> = members.iter().map(|m| attr(m, "data-assigned")).collect();
    assigned.sort();
    assert_eq!(assigned, ["orders-0", "orders-1", "orders-2"], "range assignor: one partition each");
    for m in &members {
        assert!(attr(m, "data-consumer").starts_with("order-service-"), "member id is client.id-UUID");
        let _lag: u64 = attr(m, "data-lag").parse().expect("numeric lag");
    }
}

#[test]
fn diagram_shows_progress_after_time_passes() {
    let doc = render_diagram(&default_engine_after(20_000));
    let leaders = select(&doc, "[data-replica][data-role=\"leader\"]");
    let total_hw: u64 = leaders.iter().map(|r| attr(r, "data-hw").parse::<u64>().unwrap()).sum();
    assert!(total_hw > 30, "about 60 records in 20 s at 3/s; HW total was {total_hw}");
}

#[test]
fn reduced_motion_draws_no_moving_records() {
    let engine = default_engine_after(5_000);
    let moving = |reduced_motion: bool| {
        let props = DiagramProps { snapshot: Rc::new(engine.snapshot()), reduced_motion, ..diagram_defaults() };
        let html = futures::executor::block_on(LocalServerRenderer::<Diagram>::with_props(props).render());
        Html::parse_fragment(&html).select(&Selector::parse("g.record").unwrap()).count()
    };
    assert!(moving(false) > 0, "records are in flight at 5 s");
    assert_eq!(moving(true), 0);
}

#[test]
fn whole_app_renders_controls_with_accessible_names() {
    let html = futures::executor::block_on(LocalServerRenderer::<kafkaviz::ui::App>::new().render());
    let doc = Html::parse_fragment(&html);
    for name in ["Pause", "Step"] {
        assert_eq!(select(&doc, &format!("button[aria-label=\"{name}\"]")).len(), 1, "button {name}");
    }
    assert_eq!(select(&doc, "select[aria-label=\"Speed\"]").len(), 1);
    assert_eq!(select(&doc, "svg.diagram [data-replica]").len(), 9);
}
