//! The settings of the one-hidden-layer figure (`one-hidden-layer`, paper Figure 4); the
//! defaults are the paper's protocol: seed 123, 1,000 points, 31 epochs, Adam at 1e-3.

use super::{Control, Figure, Preset, Setting, Value};

/// Largest number of epochs.
const MAX_EPOCHS: u64 = 1000;

/// In link order.
pub(super) const SETTINGS: [Setting; 5] = [
    Setting::seed(123)
        .text("Seed", "Seed of the data, the initialisation and the minibatch draws; `random` draws a fresh one.")
        .link()
        .api(),
    Setting::integer("epochs", 1, MAX_EPOCHS, 31)
        .text("Epochs", "Epochs of 10 full-batch Adam iterations; the learning rate decays linearly to 0 from epoch 21 (or the last).")
        .link()
        .api()
        .cli("epochs"),
    Setting::integer("samples", 10, 100_000, 1000)
        .text("Training points", "Points of the two-class training set.")
        .link()
        .api(),
    Setting::number("lr", 0.0, 1.0, 1e-3)
        .min_exclusive()
        .text("Learning rate", "Adam's learning rate before the decay.")
        .link()
        .api(),
    Setting::integer("epoch", 0, MAX_EPOCHS, 0)
        .text("Trained to epoch", "The epoch the figure trains to at load (at most `epochs`).")
        .control(Control::None)
        .link(),
];

/// The parts of the one-hidden-layer figure an embed may show; the traces, Play and Reset are
/// always there.
pub(super) const PARTS: [&str; 3] = ["boundary", "link", "export"];

/// The presets of the one-hidden-layer figure.
pub(super) const PRESETS: [Preset; 1] = [Preset {
    id: "paper-figure-4",
    title: "Paper Figure 4: Tr(HΣ) during training, all 31 epochs",
    figure: Figure::OneHiddenLayer,
    values: &[("epoch", Value::Integer(31))],
}];
