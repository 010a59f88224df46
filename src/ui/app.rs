//! The app: owns the live session (`Live`: scenario, engine, recorded actions, metrics), advances it on a
//! timer while playing, routes every user action through `Session::perform`, and hands snapshots to the view.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::clock::PlaybackClock;
use super::cluster_panel::ClusterPanel;
use super::config::ConfigPanel;
use super::controls::Controls;
use super::diagram::Diagram;
use super::live::Live;
use super::metrics::{MetricsHistory, MetricsPanel};
use super::narration::{Mentions, NarrationPanel};
use super::platform;
use super::selection::Selection;
use super::selection_panel::SelectionPanel;
use super::share::{self, CopyLink, EmbedView, ExportMenu, GalleryMenu, GuidedSteps, LinkBanner};
use super::status::StatusBar;
use super::timeline::Timeline;
use crate::engine::Millis;
use crate::engine::command::Command;
use crate::engine::snapshot::Snapshot;
use crate::engine::trace::Narration;
use crate::scenario::{TopicSpec, ValidScenario, default_scenario, validate};

/// Wall-clock milliseconds between frames (about 30 frames a second: smooth, and light on the CPU).
const FRAME_MS: u32 = 33;

/// The built-in default scenario, validated like any other.
pub fn default_valid_scenario() -> ValidScenario {
    validate(default_scenario()).expect("the built-in default scenario is valid")
}

/// Everything the view draws at one moment, taken from `Live` after each change.
#[derive(Clone, PartialEq)]
struct Frame {
    snapshot: Rc<Snapshot>,
    lines: Rc<Vec<Narration>>,
    metrics: Rc<MetricsHistory>,
    topics: Rc<Vec<TopicSpec>>,
    now: Millis,
    horizon: Millis,
    /// Why the last jump on the timeline (or a link's moment) stopped short, if it did.
    replay_cut: Option<Rc<str>>,
}

impl Frame {
    fn of(live: &Live) -> Frame {
        Frame {
            snapshot: Rc::new(live.snapshot()),
            lines: live.lines(),
            metrics: live.metrics(),
            topics: live.topics(),
            now: live.now(),
            horizon: live.horizon(),
            replay_cut: live.replay_cut(),
        }
    }
}

#[function_component(App)]
pub fn app() -> Html {
    // share: the page's link decides the first session (the default scenario when there is none).
    let initial = use_memo((), |_| share::initial());
    let live = use_mut_ref(|| {
        let mut live = Live::new(initial.startup.open.scenario.clone());
        live.seek(initial.startup.open.moment_ms);
        live
    });
    let frame = {
        let live = live.clone();
        use_state(move || Frame::of(&live.borrow()))
    };
    let playing = use_state(|| initial.play);
    let speed = use_state(|| 1.0_f64);
    let reduced_motion = use_state(|| false);
    let selection = use_state(Selection::default);
    let highlight = use_state(|| None::<Rc<Mentions>>);
    let outcome = use_state(|| None::<Result<String, String>>);
    // --- share (src/ui/share): whether the person recorded actions since the session opened; the open preset.
    let recorded = use_mut_ref(|| false);
    let preset = use_state(|| initial.startup.open.preset);
    // Bumped when the session is swapped: a frame tick already queued for the old session must not run the new one.
    let session_id = use_mut_ref(|| 0_u32);
    let session_state = use_state(|| 0_u32);

    {
        let reduced_motion = reduced_motion.clone();
        use_effect_with((), move |_| reduced_motion.set(platform::prefers_reduced_motion()));
    }

    {
        let (live, frame) = (live.clone(), frame.clone());
        let session_id = session_id.clone();
        use_effect_with((*playing, *speed, *session_state), move |&(playing, speed, id)| {
            let timer = playing.then(|| {
                let mut clock = PlaybackClock::default();
                let mut last = platform::now_ms();
                Interval::new(FRAME_MS, move || {
                    if *session_id.borrow() != id {
                        return;
                    }
                    let now = platform::now_ms();
                    let virtual_ms = clock.virtual_ms(now - last, speed);
                    last = now;
                    if virtual_ms > 0 {
                        live.borrow_mut().advance_by(virtual_ms);
                        frame.set(Frame::of(&live.borrow()));
                    }
                })
            });
            move || drop(timer)
        });
    }

    let on_toggle = {
        let playing = playing.clone();
        Callback::from(move |_| playing.set(!*playing))
    };
    let on_step = {
        let (live, frame, playing) = (live.clone(), frame.clone(), playing.clone());
        Callback::from(move |_| {
            playing.set(false);
            live.borrow_mut().step();
            frame.set(Frame::of(&live.borrow()));
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s: f64| speed.set(s))
    };
    let on_seek = {
        let (live, frame) = (live.clone(), frame.clone());
        Callback::from(move |t: Millis| {
            live.borrow_mut().seek(t);
            frame.set(Frame::of(&live.borrow()));
        })
    };
    // Every user action goes through here: `Session::perform` applies and records it. Err is the reason
    // the engine refused; the caller shows it where the user acted.
    let perform = {
        let (live, frame) = (live.clone(), frame.clone());
        let recorded = recorded.clone();
        Callback::from(move |command: Command| -> Result<(), String> {
            let result = live.borrow_mut().perform(command).map_err(|e| e.to_string());
            *recorded.borrow_mut() |= result.is_ok();
            frame.set(Frame::of(&live.borrow()));
            result
        })
    };
    let on_perform = {
        let (live, perform, outcome) = (live.clone(), perform.clone(), outcome.clone());
        Callback::from(move |command: Command| {
            let result = perform.emit(command);
            let done = live.borrow().lines().last().map(|n| n.text.clone()).unwrap_or_else(|| "done".into());
            outcome.set(Some(result.map(|()| done)));
        })
    };
    let on_select = {
        let (selection, outcome) = (selection.clone(), outcome.clone());
        Callback::from(move |picked: Selection| {
            outcome.set(None);
            selection.set(if *selection == picked { Selection::Nothing } else { picked });
        })
    };
    let on_close = {
        let (selection, outcome) = (selection.clone(), outcome.clone());
        Callback::from(move |()| {
            outcome.set(None);
            selection.set(Selection::Nothing);
        })
    };
    let on_highlight = {
        let highlight = highlight.clone();
        Callback::from(move |m: Option<Mentions>| highlight.set(m.map(Rc::new)))
    };

    // --- share: replace the session (a link, the gallery, an import), then the link handling itself.
    let swap = {
        let (live, frame, playing, selection, outcome) =
            (live.clone(), frame.clone(), playing.clone(), selection.clone(), outcome.clone());
        let (preset, session_id, session_state) = (preset.clone(), session_id.clone(), session_state.clone());
        Callback::from(move |(opened, play): (share::Opened, bool)| {
            *session_id.borrow_mut() += 1;
            session_state.set(*session_id.borrow());
            let mut next = Live::new(opened.scenario);
            next.seek(opened.moment_ms);
            *live.borrow_mut() = next;
            preset.set(opened.preset);
            selection.set(Selection::Nothing);
            outcome.set(None);
            playing.set(play);
            frame.set(Frame::of(&live.borrow()));
        })
    };
    let links = share::use_share(&initial, swap, recorded.clone());
    let on_fragment = {
        let live = live.clone();
        Callback::from(move |()| {
            let live = live.borrow();
            crate::share::link::share_fragment(live.session().scenario(), live.now())
        })
    };
    let on_json = {
        let live = live.clone();
        Callback::from(move |()| crate::share::json::to_json(live.borrow().session().scenario()))
    };
    let on_preset = {
        let request_open = links.request_open.clone();
        Callback::from(move |id: &'static str| {
            if let Some(opened) = share::Opened::preset(id) {
                request_open.emit(opened);
            }
        })
    };
    // --- end share

    {
        // Shortcuts: Space plays or pauses, → steps (pausing first), Escape closes the selection. Keys meant for a
        // focused control are left alone.
        let (on_toggle, on_step, on_close) = (on_toggle.clone(), on_step.clone(), on_close.clone());
        use_effect_with(*playing, move |_| {
            let listener = platform::listen_keydown(move |e| {
                if e.key() == "Escape" && !e.default_prevented() {
                    on_close.emit(());
                    return;
                }
                if platform::key_belongs_to_target(&e) {
                    return;
                }
                match e.key().as_str() {
                    " " => {
                        e.prevent_default();
                        on_toggle.emit(());
                    }
                    "ArrowRight" => {
                        e.prevent_default();
                        on_step.emit(());
                    }
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    let f = (*frame).clone();
    let name = live.borrow().session().scenario().name.clone();
    if links.view.embed {
        let caption = links
            .view
            .caption
            .clone()
            .or_else(|| (*preset).and_then(crate::scenario::gallery::preset_by_id).map(|p| p.caption.to_string()));
        return html! {
            <EmbedView snapshot={f.snapshot.clone()} reduced_motion={*reduced_motion} playing={*playing} {on_toggle}
                caption={caption.unwrap_or_else(|| name.clone())} open_href={links.full_app_href.clone()} />
        };
    }
    let producer_keys = Rc::new(live.borrow().producer_keys());
    let (producer_template, group_template) = live.borrow().templates();
    let detail = match &*selection {
        Selection::Partition { topic, partition } => live.borrow().partition_detail(topic, *partition).map(Rc::new),
        _ => None,
    };
    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>{ "kafkaviz" }</h1>
                    <p class="scenario-name">{ name.clone() }</p>
                </div>
                <div class="share-bar" role="toolbar" aria-label="Share">
                    <GalleryMenu current={*preset} on_open={on_preset} />
                    <CopyLink {on_fragment} />
                    <ExportMenu snapshot={f.snapshot.clone()} name={name.clone()} {on_json} on_open={links.request_open.clone()} />
                </div>
                <Controls playing={*playing} speed={*speed} {on_toggle} {on_step} {on_speed} />
                <Timeline now={f.now} horizon={f.horizon} {on_seek} />
                if let Some(cut) = f.replay_cut.clone() {
                    <p class="replay-cut" role="status" data-replay-cut="">{ cut.to_string() }</p>
                }
                if let Some(banner) = links.banner.clone() {
                    <LinkBanner {banner} on_dismiss={links.dismiss.clone()} on_open_default={links.open_default.clone()} />
                }
            </header>
            <main class="workbench">
                <div class="stage">
                    <Diagram snapshot={f.snapshot.clone()} reduced_motion={*reduced_motion}
                        selection={(*selection).clone()} highlight={(*highlight).clone()} {on_select} />
                </div>
                <aside class="sidebar" aria-label="Inspector, metrics and events">
                    if let Some(id) = *preset {
                        <GuidedSteps key={id} preset={id} on_perform={perform.clone()} />
                    }
                    <SelectionPanel selection={(*selection).clone()} snapshot={f.snapshot.clone()} lines={f.lines.clone()}
                        on_perform={on_perform.clone()} on_close={on_close.clone()} outcome={(*outcome).clone()} {detail} />
                    <NarrationPanel lines={f.lines.clone()} snapshot={f.snapshot.clone()} {on_highlight} />
                    <MetricsPanel snapshot={f.snapshot.clone()} history={f.metrics.clone()} />
                    <ClusterPanel snapshot={f.snapshot.clone()} on_perform={perform.clone()}
                        {producer_template} {group_template} />
                    <ConfigPanel snapshot={f.snapshot.clone()} topics={f.topics.clone()} producer_keys={producer_keys} on_perform={perform.clone()} />
                </aside>
            </main>
            <StatusBar snapshot={f.snapshot.clone()} />
        </div>
    }
}
