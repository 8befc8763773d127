//! Fashion-MNIST as the paper's experiment uses it (docs/protocols.md 3.3): pixels scaled to [-1, 1],
//! the labels of training images 1000..1199 replaced by uniformly random ones.

use crate::rng::Rng;
use std::ops::Range;

/// The number of classes.
pub const NUM_CLASSES: usize = 10;

/// The class names, by label.
pub const CLASS_NAMES: [&str; NUM_CLASSES] = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
];

/// The paper's training set: the first 1200 training images.
pub const TRAIN_SIZE: usize = 1200;

/// The training images whose labels the paper replaces by uniformly random labels.
pub const CORRUPTED: Range<usize> = 1000..1200;

/// Where Debian's `dataset-fashion-mnist` package installs the full official set
/// (`train-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`, ...).
pub const DEBIAN_DIR: &str = "/usr/share/datasets/fashion-mnist";

/// Pixels 0..=255 mapped affinely onto [-1, 1] as x / 127.5 - 1 (0 -> -1, 255 -> 1 exactly),
/// the paper's input scaling.
pub fn pixels_to_unit_range(pixels: &[u8]) -> Vec<f32> {
    pixels.iter().map(|&p| p as f32 / 127.5 - 1.0).collect()
}

/// Replaces `labels[range]` by uniformly random labels 0..=9 drawn from `rng`, in order (the
/// paper corrupts [`CORRUPTED`]; about 10% stay correct by chance).
///
/// # Panics
/// If `range` is not inside `labels`.
pub fn corrupt_labels(labels: &mut [u8], range: Range<usize>, rng: &mut Rng) {
    for label in &mut labels[range] {
        *label = rng.index(NUM_CLASSES) as u8;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pixel_scaling_endpoints() {
        assert_eq!(pixels_to_unit_range(&[0, 255]), vec![-1.0, 1.0]);
        let mid = pixels_to_unit_range(&[127, 128]);
        assert!(mid[0] < 0.0 && mid[1] > 0.0 && (mid[0] + mid[1]).abs() < 1e-7);
    }

    #[test]
    fn corrupts_only_the_range_uniformly() {
        let mut labels = vec![3u8; 20_000];
        corrupt_labels(&mut labels, 1000..19_000, &mut Rng::for_stream(9, &[]));
        assert!(labels[..1000]
            .iter()
            .chain(&labels[19_000..])
            .all(|&l| l == 3));
        let mut counts = [0usize; NUM_CLASSES];
        for &l in &labels[1000..19_000] {
            counts[l as usize] += 1;
        }
        let expected = 18_000.0 / 10.0;
        let chi2: f64 = counts
            .iter()
            .map(|&c| (c as f64 - expected).powi(2) / expected)
            .sum();
        assert!(chi2 < 27.9, "chi2 = {chi2} (9 dof, p = 0.001)");
        // Same seed, same corruption.
        let mut again = vec![3u8; 20_000];
        corrupt_labels(&mut again, 1000..19_000, &mut Rng::for_stream(9, &[]));
        assert_eq!(labels, again);
    }
}
