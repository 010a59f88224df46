//! Mermaid export: the seed's layout for the default scenario, and names full of syntax written so that they
//! cannot break the diagram. `tests/mermaid/*.mmd` are the exported texts; `tests/mermaid/parse.test.mjs` checks
//! them with the real `mermaid` package (`KAFKAVIZ_BLESS=1 cargo test --test share_mermaid` rewrites them).

use kafkaviz::engine::command::Command;
use kafkaviz::scenario::{MemberSpec, Scenario, default_scenario, validate};
use kafkaviz::session::Session;
use kafkaviz::share::mermaid::topology;

/// Names with every character class that broke or could break a Mermaid label.
const NASTY: [&str; 6] = [
    "Order \"Service\" (v2) [beta]",
    "#1 <b>bold</b> & co; end",
    "ünïcødé 漢字 🙂",
    "two\nlines",
    "end",
    "a --> b |x| {y} %%",
];

fn mermaid_after(scenario: Scenario, ms: u64, actions: &[Command], until: u64) -> String {
    let mut s = Session::new(validate(scenario).expect("valid"));
    s.advance_to(ms);
    for a in actions {
        s.perform(a.clone()).expect("accepted");
    }
    s.advance_to(until);
    topology(&s.snapshot())
}

fn nasty_scenario() -> Scenario {
    let mut s = default_scenario();
    s.name = NASTY[0].into();
    s.producers[0].name = NASTY[1].into();
    s.groups[0].name = NASTY[0].into();
    s.groups[0].members = NASTY[2..].iter().map(|n| MemberSpec { client_id: (*n).into(), instance_id: None }).collect();
    s
}

fn check_fixture(name: &str, text: &str) {
    let path = format!("{}/tests/mermaid/{name}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("KAFKAVIZ_BLESS").is_some() {
        std::fs::write(&path, text).expect("write fixture");
    }
    let fixture = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(fixture, text, "{name} is stale: rerun with KAFKAVIZ_BLESS=1 and check the diff");
}

#[test]
fn default_scenario_exports_the_seeds_layout() {
    let text = mermaid_after(default_scenario(), 15_000, &[], 30_000);
    for line in [
        "flowchart TD",
        "    subgraph PL[\"Producer Layer\"]",
        "        P0[\"Producer App<br>acks=all\"]",
        "    subgraph KC[\"Kafka Cluster\"]",
        "            R0_0_0[\"orders<br>Partition 0<br>#40;Leader#41;\"]",
        "            R0_0_1[\"orders<br>Partition 0<br>#40;Follower#41;\"]",
        "    subgraph G0[\"Consumer Group #40;order-service#41;\"]",
        "    P0 -->|\"Key hash\"| R0_1_1",
        "    R0_2_2 -.->|\"Pull\"| G0M2",
        "    class R0_0_0,R0_1_1,R0_2_2 leader",
    ] {
        assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
    }
    check_fixture("seed.mmd", &text);
}

#[test]
fn a_dead_broker_is_marked_and_leadership_moves() {
    let text = mermaid_after(default_scenario(), 5_000, &[Command::StopBroker { broker: 2, graceful: false }], 40_000);
    assert!(text.contains("subgraph B1[\"Broker 2 #40;down#41;\"]"), "{text}");
    assert!(text.contains("class B1 down"), "{text}");
    assert!(!text.contains("R0_1_1,"), "broker 2 no longer leads partition 1:\n{text}");
    check_fixture("broker-down.mmd", &text);
}

#[test]
fn nasty_names_never_reach_the_syntax() {
    let text = mermaid_after(nasty_scenario(), 15_000, &[], 30_000);
    for line in text.lines() {
        // Every quoted label holds no quote, bracket, parenthesis, pipe, brace, '<' other than <br>, '%' or newline.
        for label in line.split('"').skip(1).step_by(2) {
            let bare = label.replace("<br>", "");
            assert!(
                !bare.contains(['(', ')', '[', ']', '{', '}', '<', '>', '|', '%', ';', '&']) || bare.contains("#"),
                "{line}"
            );
            assert!(
                bare.split('#')
                    .skip(1)
                    .all(|code| code.split_once(';').is_some_and(|(n, _)| n == "quot" || n.parse::<u32>().is_ok())),
                "{line}"
            );
        }
        assert!(!line.contains("NASTY"), "{line}");
    }
    assert!(text.contains("G0M0[\"ünïcødé 漢字 #128578;\"]"), "{text}");
    assert!(text.contains("G0M1[\"two<br>lines\"]"), "{text}");
    assert!(text.contains("G0M2[\"end\"]"), "{text}");
    assert_eq!(
        text.matches("\n    end\n").count() + text.matches("\n        end\n").count(),
        1 + 1 + 3 + 1,
        "only the real subgraph ends"
    );
    check_fixture("nasty-names.mmd", &text);
}
