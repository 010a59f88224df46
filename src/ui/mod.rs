//! The Yew front end: the app (owns the live session and the timer), the diagram, and the panels around it.

pub mod actions;
mod app;
pub mod clock;
pub mod cluster_panel;
pub mod config;
pub mod controls;
pub mod diagram;
pub mod inspector;
pub mod live;
pub mod metrics;
pub mod narration;
mod platform;
pub mod selection;
pub mod selection_panel;
pub mod status;
pub mod timeline;

pub use app::{App, default_valid_scenario};

/// Mount the app on the page's `<body>` (called from the wasm entry point).
pub fn start() {
    yew::Renderer::<App>::new().render();
}
