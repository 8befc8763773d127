//! Loss landscapes: one file per loss.

pub mod basin;
pub mod mlp;
pub mod network;
pub mod one_hidden;
