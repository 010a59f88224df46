//! The timeline: a slider over the virtual time reached so far. Dragging back rebuilds the moment by
//! deterministic replay (`Session::seek`); dragging forward replays towards the furthest moment reached.

use yew::prelude::*;

use super::status::format_time;
use crate::engine::Millis;

/// The slider moves in tenths of a second of virtual time.
pub const STEP_MS: Millis = 100;

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub now: Millis,
    pub horizon: Millis,
    pub on_seek: Callback<Millis>,
}

#[function_component(Timeline)]
pub fn timeline(props: &TimelineProps) -> Html {
    let on_seek = props.on_seek.clone();
    let seek = Callback::from(move |e: InputEvent| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        if let Ok(t) = input.value().parse::<Millis>() {
            on_seek.emit(t);
        }
    });
    let max = props.horizon.max(props.now);
    let value_text = format!("{} of {}", format_time(props.now), format_time(max));
    html! {
        <div class="timeline">
            <label for="timeline-slider">{ "Timeline" }</label>
            <input id="timeline-slider" type="range" min="0" max={max.to_string()} step={STEP_MS.to_string()}
                   value={props.now.to_string()} oninput={seek} aria-label="Timeline" aria-valuetext={value_text.clone()}
                   title="Drag back to replay any earlier moment exactly (the simulation is deterministic)" />
            <output for="timeline-slider" class="time-readout">{ value_text }</output>
        </div>
    }
}
