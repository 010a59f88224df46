//! The live topic–partition–broker diagram, drawn as SVG from one engine snapshot.
//! Tests read it through the DOM contract of design.md (data-* attributes), never through styling.

mod arrows;
mod clients;
mod cluster;
pub mod layout;

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::snapshot::Snapshot;

#[derive(Properties, PartialEq)]
pub struct DiagramProps {
    pub snapshot: Rc<Snapshot>,
    /// Honour `prefers-reduced-motion`: no records travelling along the arrows.
    #[prop_or_default]
    pub reduced_motion: bool,
}

#[function_component(Diagram)]
pub fn diagram(props: &DiagramProps) -> Html {
    let snapshot = &props.snapshot;
    let layout = layout::layout(snapshot);
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
            { for snapshot.brokers.iter().zip(&layout.brokers).map(|(b, rect)| cluster::broker(b, *rect, &layout)) }
            { for snapshot.groups.iter().zip(&layout.groups).map(|(g, band)| clients::group(g, *band, &layout)) }
            if !props.reduced_motion {
                { arrows::flights(snapshot, &layout) }
            }
        </svg>
    }
}
