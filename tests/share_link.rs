//! Share links: random scenarios round-trip exactly, links stay within the length budgets, and every
//! kind of bad link gets its own message.

use kafkaviz::engine::command::Command;
use kafkaviz::engine::group::GroupCommand;
use kafkaviz::engine::producer::ProducerCommand;
use kafkaviz::scenario::gallery::presets;
use kafkaviz::scenario::{
    AcksSpec, BrokerSpec, CleanupPolicySpec, Placement, Scenario, TimedCommand, default_scenario, limits, validate,
};
use kafkaviz::session::Session;
use kafkaviz::share::link::{self, LinkError, SharedLink};
use proptest::prelude::*;

fn open(fragment: &str) -> SharedLink {
    link::decode(fragment).unwrap_or_else(|e| panic!("{fragment}: {e}")).expect("names a scenario")
}

fn error(fragment: &str) -> LinkError {
    match link::decode(fragment) {
        Err(e) => e,
        Ok(other) => panic!("{fragment} should not open: {other:?}"),
    }
}

/// A tiny deterministic PRNG for the budget workloads (the figures must not change between runs).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

/// What a person does in the app: kill and restart brokers, change rates, rerun elections.
fn human_command(rng: &mut Lcg) -> Command {
    match rng.next(6) {
        0 => Command::StopBroker { broker: 1 + rng.next(3) as i32, graceful: rng.next(2) == 0 },
        1 => Command::StartBroker { broker: 1 + rng.next(3) as i32 },
        2 => Command::Producer {
            producer: 0,
            command: ProducerCommand::SetRate { records_per_sec_millis: (1 + rng.next(50)) * 1_000 },
        },
        3 => Command::Group {
            group: 0,
            command: GroupCommand::SetProcessingRate { records_per_sec_millis: (1 + rng.next(20)) * 500 },
        },
        4 => Command::PreferredLeaderElection,
        _ => Command::SetBrokerFetchDelay { broker: 1 + rng.next(3) as i32, extra_ms: rng.next(5) * 1_000 },
    }
}

/// `n` actions a person took at their own pace: 0.5–20 s apart, to the millisecond (frame times are arbitrary).
fn human_session(n: usize, seed: u64) -> Scenario {
    let mut rng = Lcg(seed);
    let mut s = default_scenario();
    let mut t = 0;
    for _ in 0..n {
        t += 500 + rng.next(19_500);
        s.actions.push(TimedCommand { at_ms: t, command: human_command(&mut rng) });
    }
    s
}

/// `n` actions from a script: a chaos drill that kills and restarts brokers in turn every 5 s and ramps the
/// producer every tenth step (the kind of long log a demo or a test harness records).
fn scripted_session(n: usize) -> Scenario {
    let mut s = default_scenario();
    for i in 0..n {
        let broker = 1 + (i / 2 % 3) as i32;
        let command = match i % 10 {
            9 => Command::Producer {
                producer: 0,
                command: ProducerCommand::SetRate { records_per_sec_millis: (1 + (i / 10 % 5) as u64) * 1_000 },
            },
            k if k % 2 == 0 => Command::StopBroker { broker, graceful: false },
            _ => Command::StartBroker { broker },
        };
        s.actions.push(TimedCommand { at_ms: 5_000 * (i as u64 + 1), command });
    }
    s
}

#[test]
fn link_length_budgets() {
    let default_20 = link::encode(&human_session(20, 7), 123_456);
    let scripted_2000 = link::encode(&scripted_session(2_000), 10_000_000);
    let human_2000 = link::encode(&human_session(2_000, 7), 10_000_000);
    let mut custom = default_scenario();
    custom.cluster.brokers.push(BrokerSpec { id: 4, rack: None });
    custom.topics[0].partitions = 6;
    custom.producers[0].rate_per_sec = 50.0;
    let custom_link = link::encode(&custom, 0);
    let mut full = default_scenario();
    full.name = "A scenario far from every preset".into();
    full.cluster.brokers = (10..40).map(|id| BrokerSpec { id, rack: Some(format!("rack-{}", id % 3)) }).collect();
    full.topics[0].partitions = 60;
    let full_link = link::encode(&full, 0);
    println!("link budget: default scenario + 20 human-paced actions: {} chars (budget 150)", default_20.len() + 1);
    println!(
        "link budget: default scenario + 2,000 scripted actions: {} chars (budget 2,048)",
        scripted_2000.len() + 1
    );
    println!(
        "link figure: default scenario + 2,000 human-paced actions (ms-random gaps): {} chars",
        human_2000.len() + 1
    );
    println!(
        "link figure: default scenario edited (4 brokers, 6 partitions, rate 50): {} chars",
        custom_link.len() + 1
    );
    println!("link figure: a scenario far from every preset (30 brokers with racks): {} chars", full_link.len() + 1);
    println!("link figure: readable preset link: #{}", link::share_fragment(&presets()[1].scenario, 0));
    assert!(default_20.len() + 1 < 150, "{default_20}");
    assert!(scripted_2000.len() + 1 < 2_048);
    for fragment in [&default_20, &scripted_2000, &human_2000, &custom_link, &full_link] {
        let opened = open(fragment);
        assert!(opened.scenario.get().actions.len() <= 2_000);
    }
    assert_eq!(open(&custom_link).scenario.get(), &custom);
    assert_eq!(open(&full_link).scenario.get(), &full);
}

#[test]
fn a_shared_session_reopens_at_the_same_state() {
    let mut live = Session::new(validate(default_scenario()).unwrap());
    live.advance_to(4_321);
    live.perform(Command::StopBroker { broker: 2, graceful: false }).unwrap();
    live.advance_to(20_007);
    live.perform(Command::StartBroker { broker: 2 }).unwrap();
    live.advance_to(31_000);
    let fragment = link::share_fragment(live.scenario(), live.now());
    let opened = open(&format!("#{fragment}"));
    assert_eq!(opened.moment_ms, 31_000);
    let mut replay = Session::new(opened.scenario);
    replay.seek(opened.moment_ms);
    assert_eq!(replay.snapshot(), live.snapshot());
    assert_eq!(replay.engine().history_digest(), live.engine().history_digest());
}

#[test]
fn presets_have_readable_links_with_a_moment() {
    for p in presets() {
        let fragment = link::share_fragment(&p.scenario, 5_000);
        assert_eq!(fragment, format!("preset={}&t=5000", p.id));
        let opened = open(&fragment);
        assert_eq!(opened.preset, Some(p.id));
        assert_eq!(opened.moment_ms, 5_000);
        assert_eq!(opened.scenario.get(), &p.scenario);
    }
}

#[test]
fn view_options_are_read_beside_the_scenario() {
    let opened = open("#preset=acks&embed=1&autoplay=0&caption=acks%3Dall%20vs%20%231");
    assert!(opened.view.embed);
    assert_eq!(opened.view.autoplay, Some(false));
    assert_eq!(opened.view.caption.as_deref(), Some("acks=all vs #1"));
    assert!(link::decode("#embed=1").unwrap().is_none(), "options alone name no scenario");
    assert!(link::view_options("#embed=1&s=garbage").embed, "embed mode survives a bad scenario part");
    assert_eq!(link::percent_decode(&link::percent_encode("ünï & 100%")), "ünï & 100%");
}

/// Every kind of bad link, and the words its message must contain (what, and where).
#[test]
fn bad_links_say_what_and_where() {
    let good = link::encode(&human_session(20, 3), 9_000);
    let data = good.strip_prefix("s=1.").unwrap();
    let raw_good = {
        // A raw (uncompressed) payload, to corrupt fields at known places.
        let mut s = default_scenario();
        s.actions.push(TimedCommand { at_ms: 10, command: Command::PreferredLeaderElection });
        link::encode(&s, 0)
    };
    let too_long = format!("s=1.{}", "A".repeat(link::MAX_FRAGMENT_CHARS));
    let cases: Vec<(String, &[&str])> = vec![
        (format!("s=2.{data}"), &["newer kafkaviz", "format 2"]),
        (format!("s=99.{data}"), &["newer kafkaviz", "format 99"]),
        (format!("s=x.{data}"), &["format marker", "s=x."]),
        (format!("s=1{data}"), &["format marker"]),
        (format!("s=1.{}!{}", &data[..10], &data[10..]), &["'!'", "position 10"]),
        (format!("s=1.{}", &data[..data.len() - 9]), &["damaged"]),
        (format!("s=1.{}", &data[..5]), &["damaged"]),
        ("s=1.".into(), &["ends early", "encoding byte"]),
        ("s=1.Bw".into(), &["unknown encoding 7"]),
        (format!("{raw_good}AAAA"), &["unexpected bytes after its end"]),
        (too_long, &["characters long"]),
        ("preset=nope".into(), &["no built-in scenario \"nope\"", "consumer-lag"]),
        ("preset=seed&t=soon".into(), &["t=\"soon\""]),
        ("preset=seed&t=99999999999".into(), &["t=", "timeline"]),
        ("preset=seed&embed=maybe".into(), &["embed=\"maybe\"", "1 or 0"]),
    ];
    for (fragment, needles) in cases {
        let message = error(&fragment).to_string();
        for needle in needles {
            assert!(
                message.contains(needle),
                "{}: message {message:?} lacks {needle:?}",
                &fragment[..fragment.len().min(60)]
            );
        }
    }
}

#[test]
fn a_link_whose_scenario_breaks_a_limit_names_the_field() {
    let mut s = default_scenario();
    s.topics[0].partitions = limits::PARTITIONS_PER_TOPIC + 1;
    let message = error(&link::encode(&s, 0)).to_string();
    assert!(message.contains("topics[0].partitions"), "{message}");
    let mut s = default_scenario();
    s.actions = vec![
        TimedCommand { at_ms: 50, command: Command::PreferredLeaderElection },
        TimedCommand { at_ms: 10, command: Command::PreferredLeaderElection },
    ];
    let message = error(&link::encode(&s, 0)).to_string();
    assert!(message.contains("actions[1].at_ms"), "{message}");
}

prop_compose! {
    fn arb_command()(kind in 0..7u8, broker in -3i32..1_000_100, index in 0usize..60, value in any::<u64>(), round in any::<bool>()) -> Command {
        let value = if round { value % 1_000_000 * 1_000 } else { value };
        match kind {
            0 => Command::StopBroker { broker, graceful: false },
            1 => Command::StopBroker { broker, graceful: true },
            2 => Command::StartBroker { broker },
            3 => Command::PreferredLeaderElection,
            4 => Command::SetBrokerFetchDelay { broker, extra_ms: value },
            5 => Command::Group { group: index, command: GroupCommand::SetProcessingRate { records_per_sec_millis: value } },
            _ => Command::Producer { producer: index, command: ProducerCommand::SetRate { records_per_sec_millis: value } },
        }
    }
}

prop_compose! {
    fn arb_scenario()(
        preset in 0..9usize,
        edit in 0..8u8,
        brokers in 3..12i32,
        partitions in 1..40u32,
        rate in 0.0..5_000.0f64,
        name in "[a-zA-Z0-9 ()\\[\\]#<&;\"'é漢\n-]{1,30}",
        retention in -1i64..100_000_000,
        gaps in prop::collection::vec(0u64..100_000, 0..60),
        commands in prop::collection::vec(arb_command(), 60),
        moment in 0..limits::TIMELINE_MS,
    ) -> (Scenario, u64) {
        let mut s = presets()[preset].scenario.clone();
        match edit {
            0 => {}
            1 => s.name = name,
            2 => s.cluster.brokers = (0..brokers).map(|id| BrokerSpec { id: id * 7, rack: Some(format!("r{}", id % 2)) }).collect(),
            3 => s.topics[0].partitions = partitions,
            4 => s.producers.iter_mut().for_each(|p| { p.rate_per_sec = rate; p.acks = AcksSpec::One; }),
            5 => { s.topics[0].retention_ms = retention; s.topics[0].cleanup_policy = CleanupPolicySpec::CompactDelete; }
            6 => s.topics[0].placement = Placement::Manual { replicas: (0..s.topics[0].partitions).map(|p| vec![1 + (p % 3) as i32, 1 + ((p + 1) % 3) as i32, 1 + ((p + 2) % 3) as i32]).collect() },
            _ => { s.groups[0].members.truncate(1); s.groups[0].records_per_sec = rate; }
        }
        if edit == 2 {
            // The brokers moved: keep the topics' replication factor reachable and placement striped.
            s.topics.iter_mut().for_each(|t| { t.placement = Placement::Striped; t.replication_factor = t.replication_factor.min(brokers as u16); t.min_insync_replicas = 1; });
        }
        let mut t = 0;
        s.actions = gaps.iter().zip(commands).map(|(gap, command)| { t += gap; TimedCommand { at_ms: t, command } }).collect();
        (s, moment)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn random_scenarios_round_trip_through_links((scenario, moment) in arb_scenario()) {
        prop_assume!(validate(scenario.clone()).is_ok());
        let fragment = link::encode(&scenario, moment);
        prop_assert!(fragment.starts_with("s=1."));
        let opened = link::decode(&fragment).map_err(|e| TestCaseError::fail(e.to_string()))?.unwrap();
        prop_assert_eq!(opened.scenario.get(), &scenario);
        prop_assert_eq!(opened.moment_ms, moment);
    }

    #[test]
    fn any_text_decodes_to_a_scenario_or_an_error_never_a_panic(text in "\\PC{0,200}", tail in "[A-Za-z0-9_-]{0,300}") {
        let _ = link::decode(&text);
        let _ = link::decode(&format!("s=1.{tail}"));
        let _ = link::decode(&format!("s=1.AQ{tail}"));
        let _ = link::decode(&format!("s=1.AA{tail}"));
    }

    #[test]
    fn flipping_any_byte_of_a_link_gives_a_scenario_or_an_error(at in any::<prop::sample::Index>(), c in "[A-Za-z0-9_-]") {
        let good = link::encode(&human_session(20, 11), 1_000);
        let mut chars: Vec<char> = good.chars().collect();
        let i = 4 + at.index(chars.len() - 4);
        chars[i] = c.chars().next().unwrap();
        let _ = link::decode(&chars.into_iter().collect::<String>());
    }
}
