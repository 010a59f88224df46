//! "Copy link": the current session (scenario, recorded actions, moment) as a link in the address bar and on the
//! clipboard. Where the clipboard is refused, the link stays in a selected text field to copy by hand.

use yew::prelude::*;

use super::browser;

#[derive(Properties, PartialEq)]
pub struct CopyLinkProps {
    /// The fragment (without `#`) of the session as it is now; built only when the button is pressed.
    pub on_fragment: Callback<(), String>,
}

/// What the last press did.
#[derive(Clone, PartialEq)]
enum CopyState {
    Nothing,
    Working(String),
    Done(String),
    /// Clipboard refused: the link is selected in the field below.
    Manual(String),
}

const FIELD_ID: &str = "share-link-field";

#[function_component(CopyLink)]
pub fn copy_link(props: &CopyLinkProps) -> Html {
    let copied = use_state(|| CopyState::Nothing);
    let onclick = {
        let (on_fragment, copied) = (props.on_fragment.clone(), copied.clone());
        Callback::from(move |_: MouseEvent| {
            let fragment = on_fragment.emit(());
            browser::replace_fragment(&fragment);
            let address = browser::address_with(&fragment);
            copied.set(CopyState::Working(address.clone()));
            let copied = copied.clone();
            browser::copy_text(
                &address.clone(),
                Callback::from(move |ok: bool| {
                    if ok {
                        copied.set(CopyState::Done(address.clone()));
                    } else {
                        copied.set(CopyState::Manual(address.clone()));
                    }
                }),
            );
        })
    };
    use_effect_with((*copied).clone(), |copied| {
        if matches!(copied, CopyState::Manual(_)) {
            browser::select_text_of(FIELD_ID);
        }
    });
    let (link, status) = match &*copied {
        CopyState::Nothing => (None, String::new()),
        CopyState::Working(l) => (Some(l), "Copying…".to_string()),
        CopyState::Done(l) => (Some(l), format!("Link copied ({} characters)", l.chars().count())),
        CopyState::Manual(l) => {
            (Some(l), format!("Press Ctrl+C to copy the selected link ({} characters)", l.chars().count()))
        }
    };
    html! {
        <div class="copy-link">
            <button type="button" {onclick} title="Put a link to this scenario, its actions and this moment in the address bar and on the clipboard">
                { "Copy link" }
            </button>
            if let Some(link) = link {
                <input id={FIELD_ID} class="share-link" type="text" readonly=true value={link.clone()} aria-label="Share link" />
                <span class="copy-status" role="status" data-link-length={link.chars().count().to_string()}>{ status }</span>
            }
        </div>
    }
}
