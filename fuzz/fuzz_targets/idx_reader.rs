//! Fuzzes the data-file readers: IDX images and labels (raw or gzip), the image/label pair
//! check, gzip itself, and stage-1 checkpoints. None may panic; what they accept must be
//! consistent with its header.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sgd_escape::data::gzip::maybe_gunzip;
use sgd_escape::data::idx::{load_pair, read_images, read_labels};
use sgd_escape::experiments::fashion::Checkpoint;

fuzz_target!(|data: &[u8]| {
    if let Ok(images) = read_images(data) {
        assert_eq!(images.pixels.len(), images.n * images.image_len());
    }
    if let Ok(labels) = read_labels(data) {
        assert!(labels.iter().all(|&l| l <= 9));
    }
    let _ = maybe_gunzip(data);
    // Split the input into an images and a labels file at a position its first byte picks.
    if let Some((&cut, rest)) = data.split_first() {
        let at = (cut as usize * rest.len()) / 256;
        if let Ok(pair) = load_pair(&rest[..at], &rest[at..]) {
            assert_eq!(pair.images.n, pair.labels.len());
        }
    }
    for dim in [0, 1, 3, 11_005] {
        if let Ok(cp) = Checkpoint::from_bytes(data, dim) {
            assert_eq!(cp.theta.len(), dim);
            assert_eq!(cp.to_bytes(), data);
        }
    }
});
