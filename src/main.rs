//! The WebAssembly entry point: mount the app into the page.

#[cfg(target_arch = "wasm32")]
fn main() {
    kafkaviz::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("kafkaviz is a browser app: build and serve it with the README's serve command.");
}
