//! Action menus for what is selected on the diagram: a broker (kill, stop gracefully, restart, slow) or a
//! consumer. Each action is a `Command` the app performs through the session (recorded in the history);
//! a refusal comes back as the engine's reason and is shown in the menu.

use yew::prelude::*;

use crate::engine::command::Command;
use crate::engine::group::{GroupCommand, MemberRef};
use crate::engine::snapshot::{BrokerView, GroupView, MemberView};

/// How much slower a "slow" broker's follower fetches get: long enough to fall out of the ISR only if it
/// lasts past replica.lag.time.max.ms, visible in the offsets at once.
pub const SLOW_FETCH_EXTRA_MS: u64 = 2_000;

#[derive(Clone, Debug, PartialEq)]
pub struct MenuAction {
    pub label: String,
    /// What it does, in Kafka's terms (the button's tooltip).
    pub help: &'static str,
    pub command: Command,
}

fn action(label: impl Into<String>, help: &'static str, command: Command) -> MenuAction {
    MenuAction { label: label.into(), help, command }
}

/// What can be done to a broker in its current state.
pub fn broker_actions(b: &BrokerView) -> Vec<MenuAction> {
    let broker = b.id;
    let mut actions = Vec::new();
    if b.up {
        actions.push(action(
            "Kill (hard)",
            "The process dies at once (kill -9). The controller fences it when broker.session.timeout.ms passes without a heartbeat; partitions it led elect a new leader from the ISR.",
            Command::StopBroker { broker, graceful: false },
        ));
        actions.push(action(
            "Stop gracefully",
            "Controlled shutdown: the controller moves its leaderships to other in-sync replicas before it stops.",
            Command::StopBroker { broker, graceful: true },
        ));
        actions.push(action(
            format!("Slow follower fetches (+{} s)", SLOW_FETCH_EXTRA_MS / 1_000),
            "A slow disk or network: its follower replicas fetch later; past replica.lag.time.max.ms they leave the ISR.",
            Command::SetBrokerFetchDelay { broker, extra_ms: SLOW_FETCH_EXTRA_MS },
        ));
        actions.push(action(
            "Restore fetch speed",
            "Remove the extra fetch delay; its followers catch up and rejoin the ISR.",
            Command::SetBrokerFetchDelay { broker, extra_ms: 0 },
        ));
    } else {
        actions.push(action(
            "Restart",
            "The broker registers with the controller, truncates its logs to the leaders' (leader epochs), catches up and rejoins the ISR.",
            Command::StartBroker { broker },
        ));
    }
    actions.push(preferred_election());
    actions.push(action(
        "Remove from cluster",
        "Decommission: unregister the broker. Kafka refuses while it still hosts replicas (reassign them first).",
        Command::RemoveBroker { broker },
    ));
    actions
}

/// `kafka-leader-election --election-type preferred --all-topic-partitions`.
pub fn preferred_election() -> MenuAction {
    action(
        "Preferred leader election",
        "Move each partition's leadership back to its preferred replica (the first in its replica list) where that replica is in sync.",
        Command::PreferredLeaderElection,
    )
}

/// A slow consumer's processing rate: well under the default producer's 3 records/s, so its lag grows.
pub const SLOW_MEMBER_RECORDS_PER_SEC_MILLIS: u64 = 500;

/// What can be done to one member of consumer group number `group`, in its current state.
pub fn consumer_actions(group: usize, member: &MemberView) -> Vec<MenuAction> {
    let m = MemberRef::Key(member.key);
    let command = |command: GroupCommand| Command::Group { group, command };
    let alive = matches!(member.state, "stable" | "rejoining" | "stuck");
    if !alive {
        return Vec::new();
    }
    let mut actions = vec![
        action(
            "Crash (kill -9)",
            "The process dies: no LeaveGroup, heartbeats stop, and the coordinator removes it after session.timeout.ms; then the group rebalances.",
            command(GroupCommand::CrashMember { member: m.clone() }),
        ),
        action(
            "Stop (close)",
            "consumer.close(): it commits its offsets and sends LeaveGroup, so the group rebalances at once (a static member keeps its place until its session expires).",
            command(GroupCommand::RemoveMember { member: m.clone() }),
        ),
        action(
            format!("Slow processing ({}/s)", SLOW_MEMBER_RECORDS_PER_SEC_MILLIS as f64 / 1_000.0),
            "It processes records slowly: its partitions' lag grows while the others keep up.",
            command(GroupCommand::SetMemberRate {
                member: m.clone(),
                records_per_sec_millis: SLOW_MEMBER_RECORDS_PER_SEC_MILLIS,
            }),
        ),
    ];
    actions.push(if member.state == "stuck" {
        action("Resume polling", "poll() is called again; a member removed for exceeding max.poll.interval.ms rejoins.", command(GroupCommand::SetStuck { member: m, stuck: false }))
    } else {
        action(
            "Stuck (stop polling)",
            "poll() is no longer called: heartbeats go on, but after max.poll.interval.ms the member leaves the group and its partitions move.",
            command(GroupCommand::SetStuck { member: m, stuck: true }),
        )
    });
    actions
}

/// The next `client.id` for a new member of `group`: `<group>-<n>` with n one more than any in use.
pub fn next_client_id(group: &GroupView) -> String {
    let prefix = format!("{}-", group.name);
    let highest =
        group.members.iter().filter_map(|m| m.client_id.strip_prefix(&prefix)?.parse::<u32>().ok()).max().unwrap_or(0);
    format!("{prefix}{}", highest + 1)
}

#[derive(Properties, PartialEq)]
pub struct ActionMenuProps {
    /// e.g. "Broker 2"
    pub title: AttrValue,
    pub actions: Vec<MenuAction>,
    pub on_perform: Callback<Command>,
    pub on_close: Callback<()>,
    /// The outcome of the last action: Ok(what happened) or Err(the engine's reason for refusing).
    #[prop_or_default]
    pub outcome: Option<Result<String, String>>,
    /// Move keyboard focus to the first action when the menu opens.
    #[prop_or(true)]
    pub autofocus: bool,
}

#[function_component(ActionMenu)]
pub fn action_menu(props: &ActionMenuProps) -> Html {
    let first = use_node_ref();
    // Whether keyboard focus is (or was last) inside the menu; cleared when the user moves it elsewhere.
    let holds_focus = use_mut_ref(|| false);
    {
        let (first, autofocus) = (first.clone(), props.autofocus);
        use_effect_with(props.title.clone(), move |_| {
            if autofocus && let Some(button) = first.cast::<web_sys::HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    {
        // After an action the broker's state changes the menu, and the button that was pressed may be gone:
        // keyboard users stay in the menu (on its first action) instead of being dropped on the page's body.
        let (first, holds_focus) = (first.clone(), holds_focus.clone());
        use_effect(move || {
            if *holds_focus.borrow()
                && super::platform::focus_lost()
                && let Some(button) = first.cast::<web_sys::HtmlElement>()
            {
                let _ = button.focus();
            }
        });
    }
    let on_focusin = {
        let holds_focus = holds_focus.clone();
        Callback::from(move |_: FocusEvent| *holds_focus.borrow_mut() = true)
    };
    let on_focusout = {
        let holds_focus = holds_focus.clone();
        Callback::from(move |e: FocusEvent| {
            // relatedTarget is where focus went; None means it went nowhere (the element was removed).
            let went_inside = e.related_target().is_none();
            if !went_inside {
                *holds_focus.borrow_mut() = false;
            }
        })
    };
    let on_keydown = {
        let close = props.on_close.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                close.emit(());
            }
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="action-menu" onkeydown={on_keydown} onfocusin={on_focusin} onfocusout={on_focusout}>
            <div class="menu-head">
                <h3 id="action-menu-title">{ format!("{}: actions", props.title) }</h3>
                <button type="button" class="close" aria-label="Close menu" title="Close (Escape)" onclick={close}>{ "×" }</button>
            </div>
            if props.actions.is_empty() {
                <p class="hint">{ "No actions for this element in this version of the engine." }</p>
            } else {
                <div role="menu" aria-labelledby="action-menu-title" class="menu-items">
                    { for props.actions.iter().enumerate().map(|(i, a)| {
                        let command = a.command.clone();
                        let perform = props.on_perform.reform(move |_: MouseEvent| command.clone());
                        let node = if i == 0 { first.clone() } else { NodeRef::default() };
                        html! {
                            <button type="button" role="menuitem" ref={node} onclick={perform} title={a.help}>{ a.label.clone() }</button>
                        }
                    }) }
                </div>
            }
            { outcome(&props.outcome) }
        </div>
    }
}

fn outcome(outcome: &Option<Result<String, String>>) -> Html {
    match outcome {
        Some(Ok(done)) => html! { <p class="outcome ok" role="status">{ done.clone() }</p> },
        Some(Err(why)) => html! { <p class="outcome refused" role="alert">{ format!("Refused: {why}") }</p> },
        None => html! {},
    }
}
