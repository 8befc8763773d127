//! Fashion-MNIST as the paper's experiment uses it (docs/protocols.md 3.3): pixels scaled to [-1, 1],
//! the labels of training images 1000..1199 replaced by uniformly random ones.

use crate::rng::Rng;
use serde::{Deserialize, Serialize};
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

/// Which training set the experiment uses (`--dataset`).
///
/// Both replace the labels of training images 1000..1199 by uniformly random ones; they differ
/// in how many clean images come with them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dataset {
    /// The paper's text (Section 5.3): the first 1200 training images.
    #[default]
    Paper,
    /// The authors' FashionMNIST/mnist2np.py: the first 6000 training images.
    AuthorsCode,
}

impl Dataset {
    /// Both, in a fixed order.
    pub const ALL: [Dataset; 2] = [Dataset::Paper, Dataset::AuthorsCode];

    /// The id used in the CLI, JSON and file names.
    pub fn id(self) -> &'static str {
        match self {
            Dataset::Paper => "paper",
            Dataset::AuthorsCode => "authors-code",
        }
    }

    /// The dataset of an id.
    pub fn from_id(id: &str) -> Option<Dataset> {
        Dataset::ALL.into_iter().find(|d| d.id() == id)
    }

    /// Training images kept (the first ones of the official training split).
    pub fn train_size(self) -> usize {
        match self {
            Dataset::Paper => TRAIN_SIZE,
            Dataset::AuthorsCode => AUTHORS_CODE_TRAIN_SIZE,
        }
    }

    /// The training images whose labels are replaced by random ones.
    pub fn corrupted(self) -> Range<usize> {
        CORRUPTED
    }

    /// The stem of the committed training files (`www/data/<stem>-images-idx3-ubyte.gz`).
    pub fn train_file_stem(self) -> String {
        format!("fmnist-train{}", self.train_size())
    }
}

/// The training set of the authors' mnist2np.py: the first 6000 training images.
pub const AUTHORS_CODE_TRAIN_SIZE: usize = 6000;

/// The official test split: 10,000 images, all of which the CLI tests on.
pub const TEST_SIZE: usize = 10_000;

/// The stem of the committed full test split (`www/data/<stem>-images-idx3-ubyte.gz`).
pub const TEST_FILE_STEM: &str = "fmnist-test10000";

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
