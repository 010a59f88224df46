//! Every browser call of sharing and export: the address bar, the clipboard, downloads, reading a chosen file,
//! and turning the live diagram into a standalone SVG or a PNG. Only called from effects and callbacks (never
//! during server-side rendering). Each call tolerates a missing API or a refusal: it reports failure instead of
//! throwing, because a thrown exception aborts the whole wasm app.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::prelude::JsValue;
use yew::Callback;

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn document() -> Option<web_sys::Document> {
    window()?.document()
}

// ------------------------------------------------------------------------------------------ address bar

/// `location.hash` without its `#`.
pub fn fragment() -> String {
    let hash = window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    hash.strip_prefix('#').unwrap_or(&hash).to_string()
}

/// `location.search` (with its `?`).
pub fn search() -> String {
    window().and_then(|w| w.location().search().ok()).unwrap_or_default()
}

/// The page's address without fragment and query: where the full app lives.
pub fn app_address() -> String {
    let Some(location) = window().map(|w| w.location()) else { return String::new() };
    let origin = location.origin().unwrap_or_default();
    let path = location.pathname().unwrap_or_default();
    format!("{origin}{path}")
}

/// Show `fragment` in the address bar without reloading, adding to history or firing `hashchange`.
pub fn replace_fragment(fragment: &str) {
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&format!("#{fragment}")));
    }
}

/// The address of the page with this fragment.
pub fn address_with(fragment: &str) -> String {
    let search = search();
    if fragment.is_empty() {
        format!("{}{search}", app_address())
    } else {
        format!("{}{search}#{fragment}", app_address())
    }
}

/// A window event listener, removed when dropped.
pub struct WindowListener {
    event: &'static str,
    closure: Closure<dyn FnMut(web_sys::Event)>,
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        if let Some(w) = window() {
            let _ = w.remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Call `on_change` with the new fragment whenever the address bar's fragment changes (a pasted link).
pub fn listen_hash_change(on_change: Callback<String>) -> WindowListener {
    let closure = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| on_change.emit(fragment()));
    if let Some(w) = window() {
        let _ = w.add_event_listener_with_callback("hashchange", closure.as_ref().unchecked_ref());
    }
    WindowListener { event: "hashchange", closure }
}

/// Ask the person (the browser's own confirmation dialog). No window: no.
pub fn confirm(message: &str) -> bool {
    window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(false)
}

// ------------------------------------------------------------------------------------------ clipboard

/// Copy `text` to the clipboard; `done` gets whether it worked (no clipboard, no permission or an unfocused page:
/// false, and the caller falls back to a selected text field).
pub fn copy_text(text: &str, done: Callback<bool>) {
    let Some(navigator) = window().map(|w| w.navigator()) else {
        done.emit(false);
        return;
    };
    let clipboard = navigator.clipboard();
    if clipboard.is_undefined() || clipboard.is_null() {
        done.emit(false);
        return;
    }
    let promise = clipboard.write_text(text);
    wasm_bindgen_futures::spawn_local(async move {
        let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
        done.emit(ok);
    });
}

/// Focus and select the text of the input or textarea with this id (the manual-copy fallback).
pub fn select_text_of(id: &str) {
    let Some(el) = document().and_then(|d| d.get_element_by_id(id)) else { return };
    if let Some(input) = el.dyn_ref::<web_sys::HtmlInputElement>() {
        let _ = input.focus();
        input.select();
    } else if let Some(area) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        let _ = area.focus();
        area.select();
    }
}

// ------------------------------------------------------------------------------------------ files

/// Save a blob as a file named `name` (a temporary link clicked; the object URL is released a minute later).
fn download_blob(blob: &web_sys::Blob, name: &str) -> bool {
    let Ok(url) = web_sys::Url::create_object_url_with_blob(blob) else { return false };
    let Some(anchor) = document()
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return false;
    };
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    gloo_timers::callback::Timeout::new(60_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    true
}

/// Save `text` as a file of type `mime`. False if the browser refused.
pub fn download_text(name: &str, mime: &str, text: &str) -> bool {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    match web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) {
        Ok(blob) => download_blob(&blob, name),
        Err(_) => false,
    }
}

/// Read the first file chosen in a file input as text.
pub fn read_chosen_file(input: &web_sys::HtmlInputElement, done: Callback<Result<String, String>>) {
    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
    let promise = file.text();
    wasm_bindgen_futures::spawn_local(async move {
        let text = wasm_bindgen_futures::JsFuture::from(promise).await;
        done.emit(match text.ok().and_then(|t| t.as_string()) {
            Some(text) => Ok(text),
            None => Err(format!("The file \"{}\" could not be read as text.", file.name())),
        });
    });
}

// ------------------------------------------------------------------------------------------ SVG and PNG

/// The CSS properties that decide how the diagram looks; copied from the computed style onto each element of the
/// exported SVG, so it draws the same without the page's stylesheet (in any viewer, in light or dark).
const DRAWN_PROPERTIES: [&str; 17] = [
    "display",
    "visibility",
    "opacity",
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "stroke-linecap",
    "stroke-linejoin",
    "font-family",
    "font-size",
    "font-weight",
    "font-style",
    "letter-spacing",
    "text-anchor",
];

/// The live diagram as a standalone SVG document: computed styles inlined, the page's background behind it,
/// its size from the viewBox. `None` when there is no diagram on the page.
pub fn diagram_svg() -> Option<(String, f64, f64)> {
    let document = document()?;
    let window = window()?;
    let live = document.query_selector("svg.diagram").ok()??;
    let copy: web_sys::Element = live.clone_node_with_deep(true).ok()?.dyn_into().ok()?;
    inline_styles(&window, &live, &copy);
    let (width, height) = view_box_size(&live).unwrap_or((1200.0, 800.0));
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg").ok()?;
    copy.set_attribute("width", &format!("{width:.0}")).ok()?;
    copy.set_attribute("height", &format!("{height:.0}")).ok()?;
    let _ = copy.remove_attribute("style");
    // Text uses `text-transform` in the page; SVG viewers ignore it, so write the words as they appear.
    for el in elements(&copy) {
        let _ = el.remove_attribute("tabindex");
    }
    let background = document
        .body()
        .and_then(|b| window.get_computed_style(&b).ok().flatten())
        .and_then(|s| s.get_property_value("background-color").ok())
        .unwrap_or_else(|| "#ffffff".into());
    let rect = document.create_element_ns(Some("http://www.w3.org/2000/svg"), "rect").ok()?;
    rect.set_attribute("width", "100%").ok()?;
    rect.set_attribute("height", "100%").ok()?;
    rect.set_attribute("fill", &background).ok()?;
    copy.insert_before(&rect, copy.first_child().as_ref()).ok()?;
    let text = web_sys::XmlSerializer::new().ok()?.serialize_to_string(&copy).ok()?;
    Some((format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"), width, height))
}

fn view_box_size(svg: &web_sys::Element) -> Option<(f64, f64)> {
    let view_box = svg.get_attribute("viewBox")?;
    let numbers: Vec<f64> = view_box.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    match numbers.as_slice() {
        [_, _, w, h] if *w > 0.0 && *h > 0.0 => Some((*w, *h)),
        _ => None,
    }
}

/// Every element under `root`, in document order (the root first).
fn elements(root: &web_sys::Element) -> Vec<web_sys::Element> {
    let mut out = vec![root.clone()];
    let mut i = 0;
    while i < out.len() {
        let children = out[i].children();
        for c in 0..children.length() {
            if let Some(child) = children.item(c) {
                out.push(child);
            }
        }
        i += 1;
    }
    out
}

/// Copy the computed style of each element of `live` onto the same element of `copy` (same tree shape).
fn inline_styles(window: &web_sys::Window, live: &web_sys::Element, copy: &web_sys::Element) {
    for (from, to) in elements(live).iter().zip(elements(copy)) {
        let Some(style) = window.get_computed_style(from).ok().flatten() else { continue };
        let mut inline = String::new();
        for property in DRAWN_PROPERTIES {
            let value = style.get_property_value(property).unwrap_or_default();
            if !value.is_empty() {
                inline.push_str(&format!("{property}:{};", value.replace('"', "'")));
            }
        }
        let uppercase = style.get_property_value("text-transform").is_ok_and(|t| t == "uppercase");
        if uppercase && to.child_element_count() == 0 {
            let text = to.text_content().unwrap_or_default().to_uppercase();
            to.set_text_content(Some(&text));
        }
        let _ = to.set_attribute("style", &inline);
    }
}

/// Draw the standalone SVG onto a canvas at twice its size and hand over the PNG blob (`None` on any failure).
pub fn render_png(svg: &str, width: f64, height: f64, done: Callback<Option<web_sys::Blob>>) {
    let Some(url) = svg_object_url(svg) else {
        done.emit(None);
        return;
    };
    let Ok(image) = web_sys::HtmlImageElement::new() else {
        done.emit(None);
        return;
    };
    let loaded = image.clone();
    let (url_ok, url_err) = (url.clone(), url.clone());
    let on_load = Closure::once_into_js({
        let done = done.clone();
        move || {
            let _ = web_sys::Url::revoke_object_url(&url_ok);
            draw_and_encode(&loaded, width, height, done);
        }
    });
    let on_error = Closure::once_into_js(move || {
        let _ = web_sys::Url::revoke_object_url(&url_err);
        done.emit(None);
    });
    image.set_onload(Some(on_load.unchecked_ref()));
    image.set_onerror(Some(on_error.unchecked_ref()));
    image.set_src(&url);
}

fn svg_object_url(svg: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

const PNG_SCALE: f64 = 2.0;

fn draw_and_encode(image: &web_sys::HtmlImageElement, width: f64, height: f64, done: Callback<Option<web_sys::Blob>>) {
    let canvas = document()
        .and_then(|d| d.create_element("canvas").ok())
        .and_then(|c| c.dyn_into::<web_sys::HtmlCanvasElement>().ok());
    let Some(canvas) = canvas else {
        done.emit(None);
        return;
    };
    canvas.set_width((width * PNG_SCALE) as u32);
    canvas.set_height((height * PNG_SCALE) as u32);
    let context =
        canvas.get_context("2d").ok().flatten().and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
    let Some(context) = context else {
        done.emit(None);
        return;
    };
    let drawn = context.draw_image_with_html_image_element_and_dw_and_dh(
        image,
        0.0,
        0.0,
        width * PNG_SCALE,
        height * PNG_SCALE,
    );
    if drawn.is_err() {
        done.emit(None);
        return;
    }
    let on_blob = Closure::once_into_js({
        let done = done.clone();
        move |blob: JsValue| done.emit(blob.dyn_into::<web_sys::Blob>().ok())
    });
    if canvas.to_blob_with_type(on_blob.unchecked_ref(), "image/png").is_err() {
        done.emit(None);
    }
}

/// Save a PNG blob.
pub fn download_png(blob: &web_sys::Blob, name: &str) -> bool {
    download_blob(blob, name)
}
