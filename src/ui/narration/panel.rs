use std::rc::Rc;

use yew::prelude::*;

use super::export::{data_url, export_text};
use super::mentions::{EventKind, Mentions, kind_in, mentions};
use crate::engine::snapshot::Snapshot;
use crate::engine::trace::Narration;
use crate::ui::status::format_time;

/// Lines drawn at most (the newest matching ones); the export always has every line the engine keeps.
pub const SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
pub struct NarrationProps {
    /// The engine's whole bounded log, oldest first.
    pub lines: Rc<Vec<Narration>>,
    pub snapshot: Rc<Snapshot>,
    /// Called with what a hovered or focused line mentions, and with None when it is left.
    #[prop_or_default]
    pub on_highlight: Callback<Option<Mentions>>,
}

/// Whether a line passes the filter: its kind is the chosen one (or any), and it contains the text
/// (case-insensitive).
pub fn matches_filter(line: &Narration, text: &str, kind: Option<EventKind>, snapshot: &Snapshot) -> bool {
    kind.is_none_or(|k| kind_in(&line.text, snapshot) == k)
        && (text.is_empty() || line.text.to_lowercase().contains(&text.to_lowercase()))
}

#[function_component(NarrationPanel)]
pub fn narration_panel(props: &NarrationProps) -> Html {
    let text = use_state(String::new);
    let kind = use_state(|| None::<EventKind>);
    let on_text = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            text.set(input.value());
        })
    };
    let on_kind = {
        let kind = kind.clone();
        Callback::from(move |e: Event| {
            let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
            kind.set(EventKind::from_name(&select.value()));
        })
    };
    let on_export = {
        let lines = props.lines.clone();
        Callback::from(move |e: MouseEvent| {
            // Built on click, not every frame: the href is the whole log.
            let link: web_sys::Element = e.target_unchecked_into();
            let _ = link.set_attribute("href", &data_url(&export_text(lines.iter())));
        })
    };
    let shown: Vec<&Narration> =
        props.lines.iter().rev().filter(|l| matches_filter(l, &text, *kind, &props.snapshot)).take(SHOWN).collect();
    html! {
        <section class="panel narration-panel" aria-labelledby="events-title">
            <h2 id="events-title">{ "Events" }</h2>
            <div class="filters">
                <input type="search" placeholder="filter" aria-label="Filter events by text" value={(*text).clone()} oninput={on_text} />
                <select aria-label="Filter events by kind" onchange={on_kind}>
                    <option value="" selected={kind.is_none()}>{ "all kinds" }</option>
                    { for EventKind::ALL.iter().map(|k| html! {
                        <option value={k.name()} selected={*kind == Some(*k)}>{ k.name() }</option>
                    }) }
                </select>
                <a class="button" href="#" download="kafkaviz-events.txt" onclick={on_export}
                   title="Download the event log as a text file">{ "Export as text" }</a>
            </div>
            <ol class="event-log" role="log" aria-label="Event log, newest first" aria-live="off">
                { for shown.into_iter().map(|line| event_line(line, props)) }
            </ol>
        </section>
    }
}

fn event_line(line: &Narration, props: &NarrationProps) -> Html {
    let enter = {
        let (text, snapshot, on) = (line.text.clone(), props.snapshot.clone(), props.on_highlight.clone());
        move || on.emit(Some(mentions(&text, &snapshot)))
    };
    let leave = {
        let on = props.on_highlight.clone();
        move || on.emit(None)
    };
    let (enter2, leave2) = (enter.clone(), leave.clone());
    let kind = kind_in(&line.text, &props.snapshot);
    html! {
        <li tabindex="0" data-kind={kind.name()} class={classes!("event", kind.name())}
            onmouseenter={Callback::from(move |_: MouseEvent| enter())} onmouseleave={Callback::from(move |_: MouseEvent| leave())}
            onfocus={Callback::from(move |_: FocusEvent| enter2())} onblur={Callback::from(move |_: FocusEvent| leave2())}>
            <time>{ format_time(line.at) }</time>{ " " }{ line.text.clone() }
        </li>
    }
}
