//! The gallery: the seed's stories as presets (title and caption) to open, and the open preset's guided steps
//! as a checklist whose steps with an action have a button that performs it (through `Session::perform`).

use yew::prelude::*;

use crate::engine::command::Command;
use crate::scenario::gallery::{Preset, preset_by_id, presets};

#[derive(Properties, PartialEq)]
pub struct GalleryMenuProps {
    /// The preset open now, if the session is one.
    #[prop_or_default]
    pub current: Option<&'static str>,
    /// Start with the list shown (the menu is otherwise collapsed until pressed).
    #[prop_or_default]
    pub initially_open: bool,
    /// Open the preset with this id (the app asks first if recorded actions would be replaced).
    pub on_open: Callback<&'static str>,
}

#[function_component(GalleryMenu)]
pub fn gallery_menu(props: &GalleryMenuProps) -> Html {
    let expanded = use_state(|| props.initially_open);
    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    let item = |preset: Preset| {
        let (on_open, expanded) = (props.on_open.clone(), expanded.clone());
        let id = preset.id;
        let onclick = Callback::from(move |_: MouseEvent| {
            expanded.set(false);
            on_open.emit(id);
        });
        let current = props.current == Some(id);
        html! {
            <li class={classes!("preset", current.then_some("current"))} data-preset={id}>
                <button type="button" {onclick} aria-current={current.then_some("true")}>{ preset.title }</button>
                <p class="preset-caption">{ inline_code(preset.caption) }</p>
            </li>
        }
    };
    html! {
        <div class="gallery-menu share-menu">
            <button type="button" onclick={toggle} aria-expanded={expanded.to_string()} aria-controls="gallery-list">
                { "Gallery" }
            </button>
            if *expanded {
                <ul id="gallery-list" class="menu-popover" aria-label="Gallery of scenarios">
                    { for presets().into_iter().map(item) }
                </ul>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct GuidedStepsProps {
    pub preset: &'static str,
    /// Perform a step's action now; Err is the engine's reason for refusing it.
    pub on_perform: Callback<Command, Result<(), String>>,
}

#[function_component(GuidedSteps)]
pub fn guided_steps(props: &GuidedStepsProps) -> Html {
    let preset = use_memo(props.preset, |id| preset_by_id(id));
    let done = use_state(Vec::<bool>::new);
    let refusal = use_state(|| None::<(usize, String)>);
    let Some(preset) = preset.as_ref() else { return Html::default() };
    let mark = |n: usize, value: bool| {
        let mut next = (*done).clone();
        next.resize(next.len().max(n + 1), false);
        next[n] = value;
        next
    };
    let step = |(n, step): (usize, &crate::scenario::gallery::GuidedStep)| {
        let is_done = done.get(n).copied().unwrap_or(false);
        let tick = {
            let (done, next) = (done.clone(), mark(n, !is_done));
            Callback::from(move |_: Event| done.set(next.clone()))
        };
        let act = step.action.clone().map(|command| {
            let (on_perform, done, refusal, next) =
                (props.on_perform.clone(), done.clone(), refusal.clone(), mark(n, true));
            Callback::from(move |_: MouseEvent| match on_perform.emit(command.clone()) {
                Ok(()) => {
                    refusal.set(None);
                    done.set(next.clone());
                }
                Err(why) => refusal.set(Some((n, why))),
            })
        });
        let id = format!("guided-step-{n}");
        html! {
            <li class={classes!("guided-step", is_done.then_some("done"))} data-step={n.to_string()}>
                <input type="checkbox" id={id.clone()} checked={is_done} onchange={tick} />
                <label for={id}>{ inline_code(step.text) }</label>
                if let Some(onclick) = act {
                    <button type="button" {onclick} aria-label={format!("Do step {}", n + 1)}>{ "Do it" }</button>
                }
                if let Some((_, why)) = refusal.as_ref().filter(|(at, _)| *at == n) {
                    <p class="step-refusal" role="alert">{ why.clone() }</p>
                }
            </li>
        }
    };
    html! {
        <section class="panel guided" aria-labelledby="guided-title" data-guided={preset.id}>
            <h2 id="guided-title">{ preset.title }</h2>
            <p class="preset-caption">{ inline_code(preset.caption) }</p>
            <ol class="guided-steps">{ for preset.steps.iter().enumerate().map(step) }</ol>
        </section>
    }
}

/// Preset texts mark names with backticks (`user-42`), as Markdown does: those spans become `<code>` so the
/// page shows names, not backticks. An unmatched backtick is shown as written.
pub fn inline_code(text: &str) -> Html {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        return html! { { text.to_string() } };
    }
    let pieces = parts.iter().enumerate().map(|(i, part)| {
        if i % 2 == 1 {
            html! { <code>{ part.to_string() }</code> }
        } else {
            html! { { part.to_string() } }
        }
    });
    html! { <>{ for pieces }</> }
}
