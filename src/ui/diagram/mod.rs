//! The live topic–partition–broker diagram, drawn as SVG from one engine snapshot.
//! Tests read it through the DOM contract of design.md (data-* attributes), never through styling.

mod arrows;
mod clients;
mod cluster;
pub mod layout;

use std::rc::Rc;

use yew::prelude::*;

use super::narration::Mentions;
use super::selection::Selection;
use crate::engine::snapshot::Snapshot;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub snapshot: Rc<Snapshot>,
    /// Honour `prefers-reduced-motion`: no records travelling along the arrows.
    #[prop_or_default]
    pub reduced_motion: bool,
    /// What is selected (drawn with the `selected` class and `aria-pressed`).
    #[prop_or_default]
    pub selection: Selection,
    /// Elements an event-log line mentions (drawn with the `highlight` class).
    #[prop_or_default]
    pub highlight: Option<Rc<Mentions>>,
    /// Clicking (or Enter/Space on) a broker, replica or consumer selects it.
    #[prop_or_default]
    pub on_select: Callback<Selection>,
}

/// What the diagram's parts need to be interactive.
pub struct Interaction<'a> {
    pub selection: &'a Selection,
    pub highlight: Option<&'a Mentions>,
    pub on_select: &'a Callback<Selection>,
}

impl Interaction<'_> {
    /// Click and keyboard (Enter, Space) handlers that select `target`. The event stops here, so a replica's
    /// click does not also select its broker, and the page's shortcuts do not see the key.
    pub fn activate(&self, target: Selection) -> (Callback<MouseEvent>, Callback<KeyboardEvent>) {
        let on_select = self.on_select.clone();
        let chosen = target.clone();
        let click = Callback::from(move |e: MouseEvent| {
            e.stop_propagation();
            on_select.emit(chosen.clone());
        });
        let on_select = self.on_select.clone();
        let key = Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" || e.key() == " " {
                e.prevent_default();
                e.stop_propagation();
                on_select.emit(target.clone());
            }
        });
        (click, key)
    }
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let snapshot = &props.snapshot;
    let layout = layout::layout(snapshot);
    let act =
        Interaction { selection: &props.selection, highlight: props.highlight.as_deref(), on_select: &props.on_select };
    html! {
        <svg class="diagram" viewBox={format!("0 0 {:.0} {:.0}", layout.width, layout.height)}
             preserveAspectRatio="xMidYMin meet" role="group" aria-label="Live diagram of the Kafka cluster">
            <defs>
                <marker id="arrowhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                    <path d="M0,0 L10,5 L0,10 z" class="arrowhead" />
                </marker>
            </defs>
            <text class="layer-title" x={layout::MARGIN.to_string()} y={(layout::MARGIN + 14.0).to_string()} aria-hidden="true">{ "Producer Layer" }</text>
            { cluster::cluster_frame(&layout) }
            { arrows::arrows(snapshot, &layout) }
            { for snapshot.producers.iter().zip(&layout.producers).map(|(p, rect)| clients::producer(p, *rect)) }
            { for snapshot.brokers.iter().zip(&layout.brokers).map(|(b, rect)| cluster::broker(b, *rect, &layout, &act)) }
            { for snapshot.groups.iter().zip(&layout.groups).map(|(g, band)| clients::group(g, *band, &layout, &act)) }
            if !props.reduced_motion {
                { arrows::flights(snapshot, &layout) }
            }
        </svg>
    }
}
