//! The export menu: the scenario as a JSON file and back, the topology as Mermaid, the diagram as a standalone
//! SVG or a PNG, and the paste import from a real cluster. An import that fails says why (line and column) and
//! leaves the session as it was.

use std::rc::Rc;

use yew::prelude::*;

use super::browser;
use super::dialogs::{MermaidDialog, PasteImportDialog};
use super::io::{file_name, open_json_file};
use super::links::Opened;
use crate::engine::snapshot::Snapshot;
use crate::share::mermaid::topology;

#[derive(Properties, PartialEq)]
pub struct ExportMenuProps {
    pub snapshot: Rc<Snapshot>,
    /// The scenario's name (file names).
    pub name: AttrValue,
    /// The scenario with its recorded actions as JSON; built only when asked for.
    pub on_json: Callback<(), String>,
    /// Open an imported scenario; false when the person declined to replace their session.
    pub on_open: Callback<Opened, bool>,
}

#[derive(Clone, PartialEq)]
enum Dialog {
    None,
    Mermaid(AttrValue),
    Paste,
}

#[function_component(ExportMenu)]
pub fn export_menu(props: &ExportMenuProps) -> Html {
    let expanded = use_state(|| false);
    let dialog = use_state(|| Dialog::None);
    // The last export or import: Ok is news, Err a problem to show.
    let status = use_state(|| None::<Result<String, String>>);

    let toggle = {
        let expanded = expanded.clone();
        Callback::from(move |_: MouseEvent| expanded.set(!*expanded))
    };
    let save_json = {
        let (on_json, name, status) = (props.on_json.clone(), props.name.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let file = file_name(&name, "json");
            let saved = browser::download_text(&file, "application/json", &on_json.emit(()));
            status.set(Some(if saved {
                Ok(format!("Saved {file}"))
            } else {
                Err("The browser refused the download.".into())
            }));
        })
    };
    let import_json = {
        let (on_open, status) = (props.on_open.clone(), status.clone());
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let (on_open, status, field) = (on_open.clone(), status.clone(), input.clone());
            browser::read_chosen_file(
                &input,
                Callback::from(move |text: Result<String, String>| {
                    field.set_value("");
                    match text.and_then(|t| open_json_file(&t)) {
                        Ok(opened) => {
                            if on_open.emit(opened) {
                                status.set(Some(Ok("Imported the scenario file".into())));
                            }
                        }
                        Err(why) => status.set(Some(Err(why))),
                    }
                }),
            );
        })
    };
    let show_mermaid = {
        let (snapshot, dialog) = (props.snapshot.clone(), dialog.clone());
        Callback::from(move |_: MouseEvent| dialog.set(Dialog::Mermaid(topology(&snapshot).into())))
    };
    let save_svg = {
        let (name, status) = (props.name.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let file = file_name(&name, "svg");
            let saved =
                browser::diagram_svg().is_some_and(|(svg, _, _)| browser::download_text(&file, "image/svg+xml", &svg));
            status.set(Some(if saved {
                Ok(format!("Saved {file}"))
            } else {
                Err("The diagram could not be saved as SVG.".into())
            }));
        })
    };
    let save_png = {
        let (name, status) = (props.name.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            let Some((svg, width, height)) = browser::diagram_svg() else {
                status.set(Some(Err("The diagram could not be drawn.".into())));
                return;
            };
            let (file, status) = (file_name(&name, "png"), status.clone());
            browser::render_png(
                &svg,
                width,
                height,
                Callback::from(move |blob: Option<web_sys::Blob>| {
                    let saved = blob.is_some_and(|b| b.size() > 0.0 && browser::download_png(&b, &file));
                    status.set(Some(if saved {
                        Ok(format!("Saved {file}"))
                    } else {
                        Err("The diagram could not be drawn as PNG.".into())
                    }));
                }),
            );
        })
    };
    let show_paste = {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(Dialog::Paste))
    };
    let close = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(Dialog::None))
    };
    html! {
        <div class="export-menu share-menu">
            <button type="button" onclick={toggle} aria-expanded={expanded.to_string()} aria-controls="export-list">{ "Export" }</button>
            if *expanded {
                <div id="export-list" class="menu-popover" role="group" aria-label="Export and import">
                    <button type="button" onclick={save_json}>{ "Download JSON" }</button>
                    <label class="file-button">
                        { "Import JSON" }
                        <input type="file" accept=".json,application/json" onchange={import_json} aria-label="Import JSON" />
                    </label>
                    <button type="button" onclick={show_mermaid}>{ "Mermaid" }</button>
                    <button type="button" onclick={save_svg}>{ "Download SVG" }</button>
                    <button type="button" onclick={save_png}>{ "Download PNG" }</button>
                    <button type="button" onclick={show_paste}>{ "Import from a cluster" }</button>
                    { match &*status {
                        None => Html::default(),
                        Some(Ok(news)) => html! { <p class="share-news" role="status">{ news.clone() }</p> },
                        Some(Err(why)) => html! { <p class="share-error" role="alert" data-import-error="">{ why.clone() }</p> },
                    } }
                </div>
            }
            { match &*dialog {
                Dialog::None => Html::default(),
                Dialog::Mermaid(text) => html! { <MermaidDialog text={text.clone()} on_close={close.clone()} /> },
                Dialog::Paste => html! { <PasteImportDialog on_open={props.on_open.clone()} on_close={close.clone()} /> },
            } }
        </div>
    }
}
