//! The web side of sharing (src/ui/share): a link made by `share_fragment` is pinned as a fixture together with the
//! state it must open to, so the browser test can open it and compare through the DOM contract; the embed example
//! page carries working links; and the share components render what they promise (Yew SSR).
//!
//! Rewrite the fixture after a deliberate change: `KAFKAVIZ_BLESS=1 cargo test --test share_web`.

use std::rc::Rc;

use kafkaviz::engine::command::Command;
use kafkaviz::engine::snapshot::{Role, Snapshot};
use kafkaviz::scenario::gallery::preset_by_id;
use kafkaviz::session::Session;
use kafkaviz::share::link::{decode, share_fragment};
use kafkaviz::ui::default_valid_scenario;
use kafkaviz::ui::share::banner::{LinkBanner, LinkBannerProps};
use kafkaviz::ui::share::dialogs::{MermaidDialog, MermaidDialogProps, PasteImportDialog, PasteImportDialogProps};
use kafkaviz::ui::share::embed::{EmbedView, EmbedViewProps};
use kafkaviz::ui::share::gallery::{GalleryMenu, GalleryMenuProps, GuidedSteps, GuidedStepsProps};
use kafkaviz::ui::share::links::Banner;
use scraper::{Html, Selector};
use serde_json::{Value, json};
use yew::{BaseComponent, Callback, LocalServerRenderer};

const FIXTURE: &str = "tests/fixtures/share-link.json";
const EMBED_EXAMPLE: &str = "static/embed-example.html";

/// The replicas as the diagram's DOM contract shows them, in a stable order.
fn replicas(snapshot: &Snapshot) -> Value {
    let mut rows: Vec<Value> = snapshot
        .brokers
        .iter()
        .flat_map(|b| &b.replicas)
        .map(|r| {
            json!({
                "topic": &*r.topic, "partition": r.partition, "broker": r.broker,
                "role": if r.role == Role::Leader { "leader" } else { "follower" },
                "leo": r.log_end_offset, "hw": r.high_watermark,
            })
        })
        .collect();
    rows.sort_by_key(|r| (r["topic"].as_str().unwrap().to_string(), r["partition"].as_u64(), r["broker"].as_i64()));
    Value::Array(rows)
}

/// A session someone built: the default scenario, broker 2 crashed at 2 s and restarted at 6 s, shared at 9 s.
fn built_session() -> Session {
    let mut session = Session::new(default_valid_scenario());
    session.advance_to(2_000);
    session.perform(Command::StopBroker { broker: 2, graceful: false }).expect("broker 2 is up");
    session.advance_to(6_000);
    session.perform(Command::StartBroker { broker: 2 }).expect("broker 2 is down");
    session.advance_to(9_000);
    session
}

fn fixture() -> Value {
    let session = built_session();
    let fragment = share_fragment(session.scenario(), session.now());
    let preset_moment = 7_000;
    let mut preset = Session::new(
        kafkaviz::scenario::validate(preset_by_id("consumer-lag").unwrap().scenario).expect("valid preset"),
    );
    preset.advance_to(preset_moment);
    json!({
        "encoded": { "fragment": fragment, "moment_ms": session.now(), "replicas": replicas(&session.snapshot()) },
        "preset": {
            "fragment": format!("preset=consumer-lag&t={preset_moment}"),
            "moment_ms": preset_moment,
            "replicas": replicas(&preset.snapshot()),
        },
    })
}

#[test]
fn the_link_fixture_matches_what_the_links_open() {
    let expected = fixture();
    let text = serde_json::to_string_pretty(&expected).unwrap() + "\n";
    if std::env::var_os("KAFKAVIZ_BLESS").is_some() {
        std::fs::write(FIXTURE, &text).unwrap();
    }
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(FIXTURE).expect("fixture: run with KAFKAVIZ_BLESS=1"))
            .expect("fixture is JSON");
    assert_eq!(stored, expected, "rewrite with KAFKAVIZ_BLESS=1 cargo test --test share_web");
    let encoded = stored["encoded"]["fragment"].as_str().unwrap();
    assert!(encoded.starts_with("s=1."), "an encoded link: {encoded}");
    // Decoding the link and replaying to its moment gives the pinned state (what the browser must show).
    let link = decode(encoded).expect("decodes").expect("names a scenario");
    let mut session = Session::new(link.scenario);
    session.seek(link.moment_ms);
    assert_eq!(replicas(&session.snapshot()), stored["encoded"]["replicas"]);
}

#[test]
fn the_embed_example_page_embeds_a_preset_link_and_the_encoded_link() {
    let page = std::fs::read_to_string(EMBED_EXAMPLE).expect("static/embed-example.html");
    let encoded = fixture()["encoded"]["fragment"].as_str().unwrap().to_string();
    let iframes: Vec<String> = {
        let doc = Html::parse_document(&page);
        doc.select(&Selector::parse("iframe").unwrap())
            .map(|f| f.value().attr("src").unwrap_or("").to_string())
            .collect()
    };
    assert_eq!(iframes.len(), 2, "{iframes:?}");
    assert!(iframes.iter().any(|src| src.contains("#preset=") && src.contains("embed=1")), "{iframes:?}");
    assert!(
        iframes.iter().any(|src| src.contains(&format!("#{encoded}&embed=1"))),
        "the encoded fixture link: {iframes:?}"
    );
    for src in &iframes {
        let fragment = src.split_once('#').unwrap().1;
        assert!(decode(fragment).expect("every example link opens").is_some(), "{src}");
    }
}

// ------------------------------------------------------------------------------------------ components

fn render<C: BaseComponent>(props: C::Properties) -> Html {
    let html = futures::executor::block_on(LocalServerRenderer::<C>::with_props(props).render());
    Html::parse_fragment(&html)
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).expect("valid selector")).collect()
}

fn text(el: &scraper::ElementRef) -> String {
    el.text().collect::<String>().split_whitespace().collect::<Vec<_>>().join(" ")
}

fn buttons(doc: &Html) -> Vec<String> {
    select(doc, "button").iter().map(text).collect()
}

#[test]
fn the_banner_says_what_is_wrong_and_what_happened() {
    let startup =
        Banner { problem: "the link's data is damaged: unknown encoding 7 at byte 0".into(), kept_session: false };
    let doc = render::<LinkBanner>(LinkBannerProps {
        banner: startup,
        on_dismiss: Default::default(),
        on_open_default: Default::default(),
    });
    let alert = select(&doc, "[role=alert][data-link-error]");
    assert_eq!(alert.len(), 1);
    assert_eq!(
        text(&alert[0].select(&Selector::parse("p").unwrap()).next().unwrap()),
        "This link cannot be opened: the link's data is damaged: unknown encoding 7 at byte 0. The default scenario is open instead."
    );
    assert_eq!(buttons(&doc), ["Dismiss"]);

    let kept = Banner { problem: "there is no built-in scenario \"x\"".into(), kept_session: true };
    let doc = render::<LinkBanner>(LinkBannerProps {
        banner: kept,
        on_dismiss: Default::default(),
        on_open_default: Default::default(),
    });
    assert!(text(&select(&doc, "[role=alert] p")[0]).ends_with("Your session is kept as it was."));
    assert_eq!(buttons(&doc), ["Open the default scenario", "Dismiss"]);
}

#[test]
fn the_gallery_lists_every_preset_with_its_caption() {
    let doc = render::<GalleryMenu>(GalleryMenuProps {
        current: Some("hot-partition"),
        initially_open: true,
        on_open: Default::default(),
    });
    let items = select(&doc, "li.preset[data-preset]");
    let all = kafkaviz::scenario::gallery::presets();
    assert_eq!(items.len(), all.len());
    for (item, preset) in items.iter().zip(&all) {
        assert_eq!(item.value().attr("data-preset"), Some(preset.id));
        assert_eq!(text(&item.select(&Selector::parse("button").unwrap()).next().unwrap()), preset.title);
        assert_eq!(
            text(&item.select(&Selector::parse(".preset-caption").unwrap()).next().unwrap()),
            preset.caption.replace('`', ""),
            "backticked names render as <code>"
        );
    }
    assert!(
        select(&doc, ".preset-caption code").iter().any(|c| text(c) == "user-42"),
        "the hot-partition caption shows `user-42` as code, not in backticks"
    );
    assert_eq!(select(&doc, "li.preset.current").len(), 1);
    assert_eq!(select(&doc, "li.preset.current")[0].value().attr("data-preset"), Some("hot-partition"));
    let closed =
        render::<GalleryMenu>(GalleryMenuProps { current: None, initially_open: false, on_open: Default::default() });
    assert_eq!(buttons(&closed), ["Gallery"]);
    assert!(select(&closed, "li.preset").is_empty());
}

#[test]
fn guided_steps_are_a_checklist_with_buttons_for_actions() {
    for preset in kafkaviz::scenario::gallery::presets() {
        let doc = render::<GuidedSteps>(GuidedStepsProps { preset: preset.id, on_perform: Callback::from(|_| Ok(())) });
        let steps = select(&doc, "li.guided-step");
        assert_eq!(steps.len(), preset.steps.len(), "{}", preset.id);
        for (n, (li, step)) in steps.iter().zip(&preset.steps).enumerate() {
            assert_eq!(
                text(&li.select(&Selector::parse("label").unwrap()).next().unwrap()),
                step.text.replace('`', "")
            );
            assert_eq!(li.select(&Selector::parse("input[type=checkbox]").unwrap()).count(), 1);
            let button: Vec<_> = li.select(&Selector::parse("button").unwrap()).collect();
            assert_eq!(button.len(), usize::from(step.action.is_some()), "{} step {n}", preset.id);
            if let Some(b) = button.first() {
                assert_eq!(b.value().attr("aria-label"), Some(format!("Do step {}", n + 1).as_str()));
            }
        }
        assert_eq!(text(&select(&doc, "h2")[0]), preset.title);
    }
    let any_action = kafkaviz::scenario::gallery::presets().iter().any(|p| p.steps.iter().any(|s| s.action.is_some()));
    assert!(any_action, "some guided step performs an action");
}

#[test]
fn the_mermaid_dialog_shows_the_text_with_a_copy_button() {
    let doc = render::<MermaidDialog>(MermaidDialogProps {
        text: "flowchart LR\n  p0[\"Producer App\"]".into(),
        on_close: Default::default(),
    });
    assert_eq!(select(&doc, "[role=dialog][aria-modal=true]").len(), 1);
    let area = select(&doc, "textarea[readonly][aria-label=\"Mermaid text\"]");
    assert_eq!(area.len(), 1);
    assert!(text(&area[0]).starts_with("flowchart LR"), "{}", text(&area[0]));
    assert_eq!(buttons(&doc), ["Copy Mermaid", "Close"]);
}

#[test]
fn the_paste_import_dialog_has_two_labelled_text_areas() {
    let doc = render::<PasteImportDialog>(PasteImportDialogProps {
        on_open: Callback::from(|_| true),
        on_close: Default::default(),
    });
    for id in ["paste-topics", "paste-groups"] {
        assert_eq!(select(&doc, &format!("textarea#{id}")).len(), 1);
        assert_eq!(select(&doc, &format!("label[for={id}]")).len(), 1);
    }
    assert_eq!(buttons(&doc), ["Import", "Close"]);
}

#[test]
fn embed_mode_is_the_diagram_play_caption_and_a_way_out() {
    let snapshot = Rc::new(Session::new(default_valid_scenario()).snapshot());
    let doc = render::<EmbedView>(EmbedViewProps {
        snapshot,
        reduced_motion: false,
        playing: false,
        on_toggle: Default::default(),
        caption: "Consumer lag".into(),
        open_href: "https://example.org/kafkaviz/#preset=consumer-lag".into(),
    });
    assert_eq!(select(&doc, "[data-embed] svg.diagram [data-replica]").len(), 9);
    assert_eq!(buttons(&doc), ["Play"]);
    assert_eq!(text(&select(&doc, ".embed-caption")[0]), "Consumer lag");
    let open = select(&doc, "a.embed-open");
    assert_eq!(open[0].value().attr("href"), Some("https://example.org/kafkaviz/#preset=consumer-lag"));
    assert_eq!(text(&open[0]), "Open in kafkaviz");
    assert!(select(&doc, ".sidebar, .share-bar").is_empty(), "minimal chrome");
}
