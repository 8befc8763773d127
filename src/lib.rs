//! sgd-escape: why SGD's anisotropic noise escapes sharp minima that isotropic Langevin noise
//! of the same size cannot (Zhu et al., ICML 2019), as ensembles of the paper's eight
//! dynamics, its escape indicator Tr(H Sigma), and a WebAssembly facade for the browser.
//!
//! Numbers: the 2-D experiment is f64 throughout (cheap in 2-D, and faithful).
//! Randomness: one seeded xoshiro256++ stream per (seed, method, run); see [`rng`].

pub mod bench;
#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
pub mod config;
pub mod data;
pub mod dynamics;
pub mod experiments;
pub mod indicator;
pub mod kernels;
pub mod landscape;
pub mod linalg;
pub mod noise;
pub mod optim;
pub mod permalink;
pub mod plot;
pub mod report;
pub mod rng;
pub mod schema;
pub mod stats;
pub mod sweep;

#[cfg(target_arch = "wasm32")]
pub mod web;
