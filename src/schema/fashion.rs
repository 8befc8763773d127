//! The settings of the FashionMNIST figure (`fashion`, paper Section 5.3). The page runs a
//! lighter protocol than the paper (1,000 iterations, a record every 100, 20 sharpness draws);
//! the command line's defaults (`cli_default`) are the paper's 15,000 iterations, a record
//! every 500, and 100 draws.

use super::{Choices, Control, Figure, Preset, Setting, Value};
use crate::noise::Method;

/// In link order (the API-only settings last).
pub(super) const SETTINGS: [Setting; 15] = [
    Setting::methods("methods", 1, &Method::IDS)
        .text("Dynamics of stage 2", "The dynamics run from the sharp minimum.")
        .link()
        .api()
        .cli("methods"),
    Setting::seed(0)
        .text("Seed", "Seed of the initialisation, the corrupted labels and every noise stream; `random` draws a fresh one.")
        .link()
        .api(),
    Setting::integer("iterations", 1, 10_000_000, 1000)
        .text("Stop at iteration", "Stage-2 iterations per method.")
        .cli_default(Value::Integer(15_000))
        .link()
        .cli("iters"),
    Setting::integer("logEvery", 1, 10_000_000, 100)
        .text("Record every", "Stage-2 iterations between records.")
        .cli_default(Value::Integer(500))
        .link()
        .api()
        .cli("log-every"),
    Setting::integer("maxRecords", 3, 100_000, 256)
        .text("Records kept", "Records kept per method; past this every other one is dropped and the interval doubles.")
        .control(Control::None)
        .link()
        .api(),
    Setting::integer("workers", 1, super::page::MAX_WORKERS, 2)
        .text("Worker threads", "Stage 2 splits the methods over this many Web Workers.")
        .unset("the page's default")
        .link(),
    Setting::boolean("fromScratch", false)
        .text("Run stage 1 from scratch", "Run stage 1 even where a saved minimum exists.")
        .link(),
    Setting::choice("spectrum", Choices::Methods, Value::Unset("the page's choice"))
        .text("Spectrum of", "The method whose Hessian spectrum is shown.")
        .link(),
    Setting::number("lr", 0.0, 10.0, 0.07)
        .min_exclusive()
        .text("Learning rate", "Stage-2 learning rate (the paper's 0.07).")
        .control(Control::None)
        .api()
        .cli("lr"),
    Setting::integer("sharpnessDraws", 2, 100_000, 20)
        .text(
            "Sharpness draws",
            "Draws of the expected sharpness, at least 2 for its standard error (the paper: 1000).",
        )
        .cli_default(Value::Integer(100))
        .control(Control::None)
        .api()
        .cli("sharpness-draws"),
    Setting::integer("refreshFast", 1, 1_000_000, 1)
        .text("Fast noise refresh", "Iterations between noise refreshes of GLD dynamic, diag and 1st eigvec.")
        .control(Control::None)
        .api()
        .cli("refresh-fast"),
    Setting::integer("refreshSlow", 1, 1_000_000, 10)
        .text("Slow noise refresh", "Iterations between noise refreshes of GLD leading and Hessian.")
        .control(Control::None)
        .api()
        .cli("refresh-slow"),
    Setting::integer("eigvecWarmSteps", 0, 1000, 4)
        .text("Eigvec warm steps", "Lanczos steps of the warm-started eigenvector search of GLD 1st eigvec (0: cold).")
        .control(Control::None)
        .api()
        .cli("eigvec-warm-steps"),
    Setting::choice("network", Choices::List(&crate::landscape::network::NetworkKind::IDS), Value::Text("mlp"))
        .cli_default(Value::Text("cnn"))
        .text("Network", "The network trained: `cnn` (the paper's CNN, D = 11,330) or `mlp` (784-14-10, D = 11,140).")
        .control(Control::None)
        .link()
        .api()
        .cli("network"),
    Setting::integer("stage1MaxIterations", 1, 10_000_000, 20_000)
        .text("Stage-1 budget", "Stage 1 stops when every label is fitted, or after this many iterations.")
        .control(Control::None)
        .api()
        .cli("stage1-max"),
];

/// The parts of the FashionMNIST figure an embed may show (`controls=settings,spectrum`); the
/// curves, Play, Reset and the legend are always there.
pub(super) const PARTS: [&str; 6] = ["settings", "paper", "spectrum", "strip", "link", "export"];

/// The presets of the FashionMNIST figure. `fashion-5-3` is the paper's stage 2, so it runs the
/// paper's network, the CNN, whatever network the page had.
pub(super) const PRESETS: [Preset; 1] = [Preset {
    id: "fashion-5-3",
    title: "FashionMNIST 5.3: eight dynamics to iteration 15,000",
    figure: Figure::Fashion,
    values: &[
        ("methods", Value::List(&Method::IDS)),
        ("seed", Value::Integer(0)),
        ("iterations", Value::Integer(15_000)),
        ("logEvery", Value::Integer(500)),
        ("network", Value::Text("cnn")),
    ],
}];
