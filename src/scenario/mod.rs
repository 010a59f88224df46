//! What to simulate: the serde model of a scenario and the built-in ones.
