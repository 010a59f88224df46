//! The narration panel: the engine's event log, filterable by text and kind, exportable as text, and
//! highlighting on the diagram whatever the hovered or focused line mentions.

pub mod export;
pub mod mentions;
mod panel;

pub use mentions::{EventKind, Mentions, kind_in, kind_of, mentions};
pub use panel::{NarrationPanel, NarrationProps, matches_filter};
