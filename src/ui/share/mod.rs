//! Sharing, embedding and export in the browser (issue 5's web side): the page's link opened at startup and on
//! `hashchange`, "Copy link", the gallery with guided steps, JSON/Mermaid/SVG/PNG export, JSON and paste import,
//! and embed mode. The formats themselves are in `crate::share`; the decisions are pure (`links`, `io`) and the
//! browser calls are all in `browser`.

pub mod banner;
mod browser;
pub mod controller;
pub mod copy_link;
pub mod dialogs;
pub mod embed;
pub mod export;
pub mod gallery;
pub mod io;
pub mod links;

pub use banner::LinkBanner;
pub use controller::{Initial, Share, initial, use_share};
pub use copy_link::CopyLink;
pub use embed::EmbedView;
pub use export::ExportMenu;
pub use gallery::{GalleryMenu, GuidedSteps};
pub use links::Opened;
