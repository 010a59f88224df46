//! The panel for what is selected on the diagram: a broker's or consumer's action menu, or the partition
//! inspector. Nothing selected: a hint on how to select.

use std::rc::Rc;

use yew::prelude::*;

use super::actions::{ActionMenu, broker_actions, consumer_actions};
use super::inspector::PartitionInspector;
use super::selection::Selection;
use crate::engine::command::Command;
use crate::engine::snapshot::{PartitionDetail, Snapshot};
use crate::engine::trace::Narration;

#[derive(Properties, PartialEq)]
pub struct SelectionPanelProps {
    pub selection: Selection,
    pub snapshot: Rc<Snapshot>,
    pub lines: Rc<Vec<Narration>>,
    pub on_perform: Callback<Command>,
    pub on_close: Callback<()>,
    #[prop_or_default]
    pub outcome: Option<Result<String, String>>,
    /// The selected partition's segments and epoch caches, when a partition is selected.
    #[prop_or_default]
    pub detail: Option<Rc<PartitionDetail>>,
}

#[function_component(SelectionPanel)]
pub fn selection_panel(props: &SelectionPanelProps) -> Html {
    let s = &props.snapshot;
    let body = match &props.selection {
        Selection::Nothing => html! {
            <p class="hint">{ "Select a broker or consumer (click, or Tab then Enter) for actions; select a replica to inspect its partition." }</p>
        },
        Selection::Broker(id) => match s.brokers.iter().find(|b| b.id == *id) {
            Some(b) => html! {
                <ActionMenu title={format!("Broker {id}")} actions={broker_actions(b)} on_perform={props.on_perform.clone()}
                    on_close={props.on_close.clone()} outcome={props.outcome.clone()} />
            },
            None => html! { <p class="hint">{ format!("Broker {id} is not in the cluster.") }</p> },
        },
        Selection::Consumer { group, member_id } => {
            let found = s
                .groups
                .iter()
                .enumerate()
                .find(|(_, g)| &g.name == group)
                .and_then(|(i, g)| g.members.iter().find(|m| &m.member_id == member_id).map(|m| (i, m)));
            match found {
                Some((i, m)) => html! {
                    <ActionMenu title={format!("Consumer {}", m.client_id)} actions={consumer_actions(i, m)}
                        on_perform={props.on_perform.clone()} on_close={props.on_close.clone()} outcome={props.outcome.clone()} />
                },
                None => html! { <p class="hint">{ "That consumer has left the group." }</p> },
            }
        }
        Selection::Partition { topic, partition } => html! {
            <PartitionInspector snapshot={s.clone()} topic={topic.clone()} partition={*partition}
                lines={props.lines.clone()} detail={props.detail.clone()} on_close={props.on_close.clone()} />
        },
    };
    html! { <div class="selection-panel" aria-live="polite">{ body }</div> }
}
