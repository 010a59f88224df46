//! The Yew front end.

use yew::prelude::*;

#[function_component(App)]
pub fn app() -> Html {
    html! { <main class="app"><h1>{ "kafkaviz" }</h1></main> }
}

/// Mount the app on the page's `<body>` (called from the wasm entry point).
pub fn start() {
    yew::Renderer::<App>::new().render();
}
