//! Playback controls: play/pause, step to the next visible change, and speed.

use yew::prelude::*;

use super::clock::{SPEEDS, speed_label};

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: f64,
    pub on_toggle: Callback<()>,
    pub on_step: Callback<()>,
    pub on_speed: Callback<f64>,
}

#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let step = props.on_step.reform(|_: MouseEvent| ());
    let on_speed = props.on_speed.clone();
    let change_speed = Callback::from(move |e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        if let Ok(speed) = select.value().parse::<f64>() {
            on_speed.emit(speed);
        }
    });
    let play_label = if props.playing { "Pause" } else { "Play" };
    html! {
        <div class="controls" role="toolbar" aria-label="Playback">
            <button type="button" class="primary" onclick={toggle} aria-label={play_label} title={format!("{play_label} the simulation")}>
                { play_label }
            </button>
            <button type="button" onclick={step} disabled={props.playing} aria-label="Step"
                    title="Advance to the next visible change (while paused)">{ "Step" }</button>
            <label class="speed">
                { "Speed" }
                <select onchange={change_speed} aria-label="Speed">
                    { for SPEEDS.iter().map(|s| html! {
                        <option value={s.to_string()} selected={(*s - props.speed).abs() < 1e-9}>{ speed_label(*s) }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}
