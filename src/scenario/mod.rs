//! What to simulate: the serde model of a scenario, its validation with limits, and the built-in ones.

pub mod builtin;
pub mod gallery;
pub mod model;
pub mod topic_config;
pub mod validate;

pub use builtin::default_scenario;
pub use model::*;
pub use validate::{ScenarioError, ValidScenario, limits, validate, validate_group, validate_producer, validate_topic};
