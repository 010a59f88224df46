//! The export menu's dialogs: the Mermaid text with a copy button, and the paste import from a real cluster's
//! `kafka-topics.sh --describe` / `kafka-consumer-groups.sh --describe` output.

use yew::prelude::*;

use super::browser;
use super::io::open_describe;
use super::links::Opened;

#[derive(Properties, PartialEq)]
pub struct MermaidDialogProps {
    pub text: AttrValue,
    pub on_close: Callback<()>,
}

const MERMAID_FIELD: &str = "mermaid-text";

#[function_component(MermaidDialog)]
pub fn mermaid_dialog(props: &MermaidDialogProps) -> Html {
    let status = use_state(String::new);
    let copy = {
        let (text, status) = (props.text.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let status = status.clone();
            browser::copy_text(
                &text,
                Callback::from(move |ok: bool| {
                    if ok {
                        status.set("Copied".into());
                    } else {
                        browser::select_text_of(MERMAID_FIELD);
                        status.set("Press Ctrl+C to copy the selected text".into());
                    }
                }),
            );
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="share-dialog" role="dialog" aria-modal="true" aria-labelledby="mermaid-title">
            <h2 id="mermaid-title">{ "Mermaid" }</h2>
            <p class="dialog-note">{ "The topology as a Mermaid flowchart: paste it into a ```mermaid block where an iframe cannot go (a GitHub README, an issue)." }</p>
            <textarea id={MERMAID_FIELD} readonly=true rows="14" value={props.text.clone()} aria-label="Mermaid text" />
            <div class="dialog-buttons">
                <button type="button" onclick={copy}>{ "Copy Mermaid" }</button>
                <span role="status">{ (*status).clone() }</span>
                <button type="button" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct PasteImportDialogProps {
    /// Open the imported scenario; false when the person declined to replace their session.
    pub on_open: Callback<Opened, bool>,
    pub on_close: Callback<()>,
}

/// The last import's result: the importer's notes, or the error (with its line).
#[derive(Clone, PartialEq)]
enum Outcome {
    None,
    Imported(Vec<String>),
    Failed(String),
}

#[function_component(PasteImportDialog)]
pub fn paste_import_dialog(props: &PasteImportDialogProps) -> Html {
    let topics = use_state(String::new);
    let groups = use_state(String::new);
    let outcome = use_state(|| Outcome::None);
    let on_text = |field: UseStateHandle<String>| {
        Callback::from(move |e: InputEvent| {
            let area: web_sys::HtmlTextAreaElement = e.target_unchecked_into();
            field.set(area.value());
        })
    };
    let import = {
        let (topics, groups, outcome, on_open) =
            (topics.clone(), groups.clone(), outcome.clone(), props.on_open.clone());
        Callback::from(move |_: MouseEvent| match open_describe(&topics, &groups) {
            Ok((opened, notes)) => {
                if on_open.emit(opened) {
                    outcome.set(Outcome::Imported(notes));
                }
            }
            Err(why) => outcome.set(Outcome::Failed(why)),
        })
    };
    let close = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <div class="share-dialog" role="dialog" aria-modal="true" aria-labelledby="paste-title">
            <h2 id="paste-title">{ "Import from a cluster" }</h2>
            <label for="paste-topics">{ "Output of kafka-topics.sh --describe" }</label>
            <textarea id="paste-topics" rows="8" value={(*topics).clone()} oninput={on_text(topics.clone())}
                placeholder="Topic: orders\tTopicId: …\tPartitionCount: 3\tReplicationFactor: 3\tConfigs: …" />
            <label for="paste-groups">{ "Output of kafka-consumer-groups.sh --describe (optional)" }</label>
            <textarea id="paste-groups" rows="5" value={(*groups).clone()} oninput={on_text(groups.clone())}
                placeholder="GROUP  TOPIC  PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG  CONSUMER-ID  HOST  CLIENT-ID" />
            { match &*outcome {
                Outcome::None => Html::default(),
                Outcome::Failed(why) => html! { <p class="share-error" role="alert" data-import-error="">{ why.clone() }</p> },
                Outcome::Imported(notes) => html! {
                    <div class="import-notes" role="status" data-import-notes="">
                        <p>{ "Imported: the diagram shows the pasted cluster." }</p>
                        <ul>{ for notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                    </div>
                },
            } }
            <div class="dialog-buttons">
                <button type="button" class="primary" onclick={import}>{ "Import" }</button>
                <button type="button" onclick={close}>{ "Close" }</button>
            </div>
        </div>
    }
}
