//! Loss landscapes: one file per loss.

pub mod basin;
