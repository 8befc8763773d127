//! The settings of the 2-D two-basin figure (`toy`, paper Figure 2); the defaults are the
//! paper's protocol (docs/protocols.md): eight dynamics, 100 runs, learning rate 0.005, noise
//! trace 0.01, batch 1 of 100 samples, data spread 0.01, 500 iterations.

use super::{Control, Figure, Preset, Setting, Value};
use crate::noise::Method;

/// Largest ensemble: runs per method.
const MAX_RUNS: u64 = 100_000;
/// Largest data set per run (and so largest batch).
const MAX_SAMPLES: u64 = 10_000;

/// In link order.
pub(super) const SETTINGS: [Setting; 17] = [
    Setting::methods("methods", 1, &Method::IDS)
        .text(
            "Dynamics",
            "The dynamics simulated (the legend's checkboxes).",
        )
        .link()
        .api()
        .cli("methods"),
    Setting::integer("runs", 1, MAX_RUNS, 100)
        .text(
            "Runs per method",
            "Independent runs of each dynamics (runs x samples <= 2,000,000).",
        )
        .link()
        .api()
        .cli("runs"),
    Setting::number("lr", 0.0, 1.0, 0.005)
        .min_exclusive()
        .text("Learning rate η", "The step size of every dynamics.")
        .link()
        .api()
        .cli("lr"),
    Setting::number("noiseTrace", 0.0, 10.0, 0.01)
        .text(
            "Noise trace Tr Σ",
            "Trace of the added noise of the fixed-magnitude GLD variants.",
        )
        .link()
        .api()
        .cli("noise-trace"),
    Setting::integer("batchSize", 1, MAX_SAMPLES, 1)
        .text(
            "SGD batch size m",
            "SGD's minibatch size, at most `samples`.",
        )
        .link()
        .api()
        .cli("batch-size"),
    Setting::integer("samples", 1, MAX_SAMPLES, 100)
        .text("Data samples n", "Data points per run.")
        .link()
        .api()
        .cli("samples"),
    Setting::number("dataSpread", 0.0, 10.0, 0.01)
        .text("Data spread", "Scale of the data around the two minima.")
        .link()
        .api()
        .cli("data-spread"),
    Setting::seed(0).link().api(),
    // The landscape's shape (src/landscape/shape.rs): the defaults are the paper's landscape.
    Setting::number("sharpLambda1", 0.0, 1e5, 200.0)
        .min_exclusive()
        .text(
            "Sharp eigenvalue λ₁",
            "The sharp basin's Hessian eigenvalue along its sharp axis.",
        )
        .link()
        .api()
        .cli("sharp-lambda1"),
    Setting::number("sharpLambda2", 0.0, 1e5, 20.0)
        .min_exclusive()
        .text(
            "Sharp eigenvalue λ₂",
            "The sharp basin's Hessian eigenvalue across its sharp axis (at most λ₁).",
        )
        .link()
        .api()
        .cli("sharp-lambda2"),
    Setting::number("sharpAngle", -90.0, 90.0, 0.0)
        .text(
            "Sharp-axis angle (degrees)",
            "Angle from the line joining the minima to the sharp basin's sharp axis.",
        )
        .link()
        .api()
        .cli("sharp-angle"),
    Setting::number("flatCurvature", 0.0, 1e5, 2.0)
        .min_exclusive()
        .text("Flat curvature", "The flat basin's (isotropic) curvature.")
        .link()
        .api()
        .cli("flat-curvature"),
    Setting::number("minimaDistance", 0.0, 100.0, 2.0 * std::f64::consts::SQRT_2)
        .min_exclusive()
        .text(
            "Distance between the minima",
            "The minima sit on the diagonal, symmetric about the origin (paper: 2√2).",
        )
        .link()
        .api()
        .cli("minima-distance"),
    Setting::integer("iterations", 1, 10_000_000, 500)
        .text(
            "Pause at iteration",
            "The iteration the figure pauses at (the CLI runs this many).",
        )
        .link()
        .cli("iterations"),
    Setting::integer("iteration", 0, 10_000_000, 0)
        .text(
            "Timeline at iteration",
            "The iteration the timeline shows (at most `iterations`; unset: the latest).",
        )
        .unset("the latest")
        .control(Control::None)
        .link(),
    Setting::integer("speed", 1, 50, 2)
        .text("Speed", "Iterations per animation frame.")
        .control(Control::Range)
        .link(),
    Setting::integer("workers", 1, super::page::MAX_WORKERS, 1)
        .text(
            "Worker threads",
            "Simulation workers (default: one per core, at most one per method).",
        )
        .unset("one per core")
        .control(Control::None)
        .link(),
];

/// The parts an embed of the 2-D figure may show (`controls=lr,noiseTrace`); the names of
/// settings are their keys (`shape`: the landscape's shape fields and its drag handles).
pub(super) const PARTS: [&str; 15] = [
    "lr",
    "noiseTrace",
    "runs",
    "batchSize",
    "samples",
    "dataSpread",
    "seed",
    "methods",
    "speed",
    "iterations",
    "presets",
    "indicator",
    "shape",
    "link",
    "export",
];

/// The teaching presets of the 2-D figure.
pub(super) const PRESETS: [Preset; 4] = [
    Preset {
        id: "paper-figure-2",
        title: "Paper Figure 2: eight noises, one sharp minimum",
        figure: Figure::Toy,
        values: &[],
    },
    // tests/toy.rs: with data spread 0.1 SGD's own noise reaches the GLD noise's size, and
    // about 45% of SGD runs escape in 500 iterations against ~3% of GLD dynamic.
    Preset {
        id: "sgd-escapes",
        title: "When does SGD escape? (data spread 0.1)",
        figure: Figure::Toy,
        values: &[
            ("methods", Value::List(&["gd", "gld-dynamic", "sgd"])),
            ("dataSpread", Value::Number(0.1)),
            ("seed", Value::Integer(77)),
        ],
    },
    Preset {
        id: "shape-not-size",
        title: "Shape, not size: isotropic against aligned noise",
        figure: Figure::Toy,
        values: &[("methods", Value::List(&["gld-const", "gld-eigvec"]))],
    },
    Preset {
        id: "too-hot",
        title: "Too much noise: everything escapes",
        figure: Figure::Toy,
        values: &[("noiseTrace", Value::Number(0.1))],
    },
];
