//! The paper's neural-network experiments, as steppable runs the CLI and the page share.

pub mod fashion;
pub mod fashion_results;
pub mod fashion_session;
pub mod fashion_verdict;
pub mod one_hidden_layer;
pub mod sharpness;
