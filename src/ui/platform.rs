//! The few browser facts the UI reads. Only called from effects and callbacks, which never run during
//! server-side rendering, so the crate still builds and renders natively for tests.

/// Milliseconds from the page's monotonic clock (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0.0, |p| p.now())
}

/// Whether the user asked the system for reduced motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(prefers-reduced-motion: reduce)").ok().flatten())
        .is_some_and(|m| m.matches())
}

/// A page-wide keydown listener, removed when dropped. Used for the playback shortcuts.
pub struct KeyListener {
    closure: wasm_bindgen::closure::Closure<dyn FnMut(web_sys::KeyboardEvent)>,
}

impl Drop for KeyListener {
    fn drop(&mut self) {
        use wasm_bindgen::JsCast;
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback("keydown", self.closure.as_ref().unchecked_ref());
        }
    }
}

/// Call `on_key` for every keydown on the page.
pub fn listen_keydown(on_key: impl FnMut(web_sys::KeyboardEvent) + 'static) -> KeyListener {
    use wasm_bindgen::JsCast;
    let closure = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::KeyboardEvent)>::new(on_key);
    if let Some(window) = web_sys::window() {
        let _ = window.add_event_listener_with_callback("keydown", closure.as_ref().unchecked_ref());
    }
    KeyListener { closure }
}

/// Whether a key pressed on `event`'s target belongs to that element (typing, a button, a focused diagram
/// element) rather than to the page's shortcuts.
pub fn key_belongs_to_target(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    if event.default_prevented() || event.ctrl_key() || event.meta_key() || event.alt_key() {
        return true;
    }
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| {
            el.closest("input, select, textarea, button, a, [role=button], [role=menuitem], [contenteditable]").ok()
        })
        .flatten()
        .is_some()
}

/// Whether keyboard focus is nowhere (on the page's body), e.g. because the focused element was removed.
pub fn focus_lost() -> bool {
    let document = web_sys::window().and_then(|w| w.document());
    let active = document.as_ref().and_then(|d| d.active_element());
    let body = document.and_then(|d| d.body());
    match (active, body) {
        (None, _) => true,
        (Some(active), Some(body)) => active == *body.as_ref(),
        (Some(_), None) => false,
    }
}
