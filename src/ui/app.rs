//! The app: owns the engine, advances it on a timer while playing, and hands snapshots to the view.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::clock::PlaybackClock;
use super::controls::Controls;
use super::diagram::Diagram;
use super::platform;
use super::status::StatusBar;
use crate::engine::sim::Engine;
use crate::scenario::{ValidScenario, default_scenario, validate};

/// Wall-clock milliseconds between frames (about 30 frames a second: smooth, and light on the CPU).
const FRAME_MS: u32 = 33;

/// The built-in default scenario, validated like any other.
pub fn default_valid_scenario() -> ValidScenario {
    validate(default_scenario()).expect("the built-in default scenario is valid")
}

#[function_component(App)]
pub fn app() -> Html {
    let scenario = use_memo((), |_| default_valid_scenario());
    let engine = {
        let scenario = scenario.clone();
        use_mut_ref(move || Engine::new(&scenario))
    };
    let snapshot = use_state(|| Rc::new(engine.borrow().snapshot()));
    let playing = use_state(|| true);
    let speed = use_state(|| 1.0_f64);
    let reduced_motion = use_state(|| false);

    {
        let reduced_motion = reduced_motion.clone();
        use_effect_with((), move |_| reduced_motion.set(platform::prefers_reduced_motion()));
    }

    {
        let engine = engine.clone();
        let snapshot = snapshot.clone();
        use_effect_with((*playing, *speed), move |&(playing, speed)| {
            let timer = playing.then(|| {
                let mut clock = PlaybackClock::default();
                let mut last = platform::now_ms();
                Interval::new(FRAME_MS, move || {
                    let now = platform::now_ms();
                    let virtual_ms = clock.virtual_ms(now - last, speed);
                    last = now;
                    if virtual_ms > 0 {
                        engine.borrow_mut().advance_by(virtual_ms);
                        snapshot.set(Rc::new(engine.borrow().snapshot()));
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
        let engine = engine.clone();
        let snapshot = snapshot.clone();
        Callback::from(move |_| {
            engine.borrow_mut().step();
            snapshot.set(Rc::new(engine.borrow().snapshot()));
        })
    };
    let on_speed = {
        let speed = speed.clone();
        Callback::from(move |s: f64| speed.set(s))
    };

    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>{ "kafkaviz" }</h1>
                    <p class="scenario-name">{ scenario.get().name.clone() }</p>
                </div>
                <Controls playing={*playing} speed={*speed} {on_toggle} {on_step} {on_speed} />
            </header>
            <main class="stage">
                <Diagram snapshot={(*snapshot).clone()} reduced_motion={*reduced_motion} />
            </main>
            <StatusBar snapshot={(*snapshot).clone()} />
        </div>
    }
}
