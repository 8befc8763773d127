//! The settings of the sweep figure (`sweep`): the escape fraction against the indicator while
//! one setting varies (src/sweep.rs). Its own settings are what varies and over which points;
//! the toy's settings it uses (runs, learning rate, noise trace, data, seed, landscape shape,
//! iterations, workers) are the toy's definitions (src/schema/toy.rs), taken by key, so a
//! range or a default changes in one place.

use super::{toy, Choices, Figure, Preset, Setting, Value};
use crate::sweep::{Vary, MAX_POINTS};

/// Whether two strings are equal, in a const context.
const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The toy's setting `key` (a compile error if the toy has none).
const fn toy(key: &str) -> Setting {
    let mut i = 0;
    while i < toy::SETTINGS.len() {
        if same(toy::SETTINGS[i].key, key) {
            return toy::SETTINGS[i];
        }
        i += 1;
    }
    panic!("the toy figure has no such setting")
}

/// In link order.
pub(super) const SETTINGS: [Setting; 18] = [
    Setting::choice("vary", Choices::List(&Vary::IDS), Value::Text("angle"))
        .text(
            "Vary",
            "What varies: angle (of a rank-one noise from the sharp basin's top Hessian \
             eigenvector, degrees), anisotropy (share of the noise trace along that \
             eigenvector), sharpness (the sharp basin's top eigenvalue) or spread (SGD's data \
             spread).",
        )
        .link()
        .api()
        .cli("vary"),
    Setting::integer("points", 1, MAX_POINTS as u64, 10)
        .text("Points", "Values from `from` to `to`, evenly spaced.")
        .link()
        .api()
        .cli("points"),
    Setting::number("from", -180.0, 1e5, 0.0)
        .unset("the default range's start")
        .text(
            "From",
            "The first value (within vary's range: angle -180..180, anisotropy 0..1, \
             sharpness up to 1e5 and at least λ₂, spread 0..10); unset: angle 0, anisotropy 0, \
             sharpness 40, spread 0.02.",
        )
        .link()
        .api()
        .cli("from"),
    Setting::number("to", -180.0, 1e5, 0.0)
        .unset("the default range's end")
        .text(
            "To",
            "The last value (same range as `from`); unset: angle 90, anisotropy 1, sharpness \
             360, spread 0.12.",
        )
        .link()
        .api()
        .cli("to"),
    toy("iterations")
        .text(
            "Iterations per run",
            "Iterations of every run from the sharp minimum (paper: 500).",
        )
        .api(),
    toy("runs").text(
        "Runs per point",
        "Independent runs at each point (runs x samples <= 2,000,000).",
    ),
    toy("lr"),
    toy("noiseTrace").text(
        "Noise trace Tr Σ",
        "Trace of the swept noise (angle, anisotropy, sharpness).",
    ),
    toy("batchSize"),
    toy("samples"),
    toy("dataSpread"),
    toy("seed"),
    toy("sharpLambda1"),
    toy("sharpLambda2"),
    toy("sharpAngle"),
    toy("flatCurvature"),
    toy("minimaDistance"),
    toy("workers").text(
        "Worker threads",
        "Simulation workers the points are spread over (default: one per core).",
    ),
];

/// The parts an embed of the sweep may show (`controls=vary,points`); the plot, its caption,
/// Run and Reset are always there.
pub(super) const PARTS: [&str; 9] = [
    "vary",
    "points",
    "runs",
    "range",
    "noiseTrace",
    "iterations",
    "seed",
    "link",
    "export",
];

/// The presets of the sweep.
pub(super) const PRESETS: [Preset; 2] = [
    Preset {
        id: "alignment-sweep",
        title: "Turn the noise away from the curvature (angle 0 to 90 degrees)",
        figure: Figure::Sweep,
        values: &[("vary", Value::Text("angle"))],
    },
    Preset {
        id: "spread-sweep",
        title: "SGD's noise grows with the data spread",
        figure: Figure::Sweep,
        values: &[("vary", Value::Text("spread"))],
    },
];
