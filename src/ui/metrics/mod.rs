//! Metrics over time: sampled from snapshots into bounded rings (`history`), drawn as sparklines (`panel`).

pub mod history;
pub mod panel;
pub mod ring;
pub mod sparkline;

pub use history::MetricsHistory;
pub use panel::{MetricsPanel, MetricsProps};
