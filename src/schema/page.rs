//! The page-level link keys: which figure, which preset, play, lecture mode, the methods
//! hidden in the legend and the parts an embed shows. They mean the same for every figure
//! (`hide` is not a key of the one-hidden-layer figure nor of the sweep, which have no
//! methods).

use super::{Choices, Figure, Setting, Value};

/// Most simulation workers a link may ask for.
pub const MAX_WORKERS: u64 = 8;

/// In the order a link writes them (after the figure's own settings, `figure` and `preset`
/// first).
pub const PAGE_KEYS: [Setting; 6] = [
    Setting::choice("figure", Choices::Figures, Value::Text("toy"))
        .text(
            "Figure",
            "The figure the link shows (`ohl` is accepted for one-hidden-layer).",
        )
        .link(),
    Setting::choice("preset", Choices::Presets, Value::Unset("none"))
        .text(
            "Preset",
            "A named starting point; the link's other keys override it.",
        )
        .link(),
    Setting::boolean("play", false)
        .text("Play", "Whether the figure plays at load.")
        .aliases(&["autoplay"])
        .link(),
    Setting::methods("hide", 0, &[])
        .text("Hidden", "Methods simulated but hidden in the legend.")
        .link(),
    Setting::parts("controls", Value::Unset("all"))
        .text(
            "Controls",
            "The parts an embed shows (the figure's `parts`).",
        )
        .link(),
    Setting::boolean("lecture", false)
        .text(
            "Lecture mode",
            "Large type, high contrast, keyboard shortcuts.",
        )
        .link(),
];

/// Whether the page key `key` applies to `figure` (`hide` needs methods: not the
/// one-hidden-layer figure's nor the sweep's).
pub fn applies(key: &str, figure: Figure) -> bool {
    !(key == "hide" && matches!(figure, Figure::OneHiddenLayer | Figure::Sweep))
}
