//! The Yew front end: the app (owns the engine and the timer), the diagram, controls and status bar.

mod app;
pub mod clock;
pub mod controls;
pub mod diagram;
mod platform;
pub mod status;

pub use app::{App, default_valid_scenario};

/// Mount the app on the page's `<body>` (called from the wasm entry point).
pub fn start() {
    yew::Renderer::<App>::new().render();
}
