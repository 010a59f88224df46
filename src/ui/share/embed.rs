//! Embed mode, for an iframe in a docs page: the diagram filling its box, play/pause, a caption and a link that
//! opens the same scenario in the full app. Nothing else, so it fits small frames.

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::snapshot::Snapshot;
use crate::ui::diagram::Diagram;

#[derive(Properties, PartialEq)]
pub struct EmbedViewProps {
    pub snapshot: Rc<Snapshot>,
    pub reduced_motion: bool,
    pub playing: bool,
    pub on_toggle: Callback<()>,
    pub caption: AttrValue,
    /// The full app with the same scenario (the link without `embed`).
    pub open_href: AttrValue,
}

#[function_component(EmbedView)]
pub fn embed_view(props: &EmbedViewProps) -> Html {
    let toggle = props.on_toggle.reform(|_: MouseEvent| ());
    let label = if props.playing { "Pause" } else { "Play" };
    html! {
        <div class="embed" data-embed="">
            <div class="embed-stage">
                <Diagram snapshot={props.snapshot.clone()} reduced_motion={props.reduced_motion} />
            </div>
            <footer class="embed-bar">
                <button type="button" class="primary" onclick={toggle} aria-label={label}>{ label }</button>
                <p class="embed-caption">{ super::gallery::inline_code(&props.caption) }</p>
                <a class="embed-open" href={props.open_href.clone()} target="_blank" rel="noopener">{ "Open in kafkaviz" }</a>
            </footer>
        </div>
    }
}
