//! Data for the large-scale experiment (docs/protocols.md 3.3): Fashion-MNIST IDX files, gzip-compressed
//! or raw, read from bytes (the page fetches them, the CLI reads them from disk), plus the
//! paper's preprocessing.
//!
//! The page's files are in `www/data/` (see its README.md): the first 1200 training and the
//! first 2000 test images.

pub mod fashion;
pub mod gzip;
pub mod idx;

pub use fashion::{corrupt_labels, pixels_to_unit_range};
pub use idx::{load_pair, read_images, read_labels, IdxError, Images, LabelledImages};

/// Tests on the committed files in `www/data/` (native: they are read from disk).
#[cfg(all(test, not(target_arch = "wasm32")))]
mod committed_files {
    use super::gzip::{gunzip, GzipError};
    use super::idx::FileKind;
    use super::*;
    use sha2::{Digest, Sha256};

    fn read(name: &str) -> Vec<u8> {
        let path = format!("{}/www/data/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// (file, examples, SHA-256 of the decompressed file as in the data set's SHA256SUMS).
    const FILES: [(&str, usize, &str); 4] = [
        (
            "fmnist-train1200-images-idx3-ubyte.gz",
            1200,
            "0f4edbfc7e72a49dda979120bc4143288ee9db99588ac5c2d3f932285cbc4111",
        ),
        (
            "fmnist-train1200-labels-idx1-ubyte.gz",
            1200,
            "efb277ba81669e672d2fbb17e7a6ffb12ccb655a250572b7e42d56ba9bed6027",
        ),
        (
            "fmnist-test2000-images-idx3-ubyte.gz",
            2000,
            "862035b0a96959b614c9574f4c2b0ae9584ca234813e8d6d7adb7838b12ca46b",
        ),
        (
            "fmnist-test2000-labels-idx1-ubyte.gz",
            2000,
            "aa3f574d30afaf0d4d9da084a6f8541771e20693d6a97fae6e9a4953fca8f078",
        ),
    ];

    /// The SHA-256 digest of `data` as 64 lowercase hex digits.
    fn sha256_hex(data: &[u8]) -> String {
        Sha256::digest(data)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn committed_files_have_the_published_hashes() {
        for (name, _, hash) in FILES {
            assert_eq!(sha256_hex(&gunzip(&read(name)).unwrap()), hash, "{name}");
        }
    }

    #[test]
    fn committed_pairs_load_with_the_right_counts() {
        for pair in [&FILES[..2], &FILES[2..]] {
            let data = load_pair(&read(pair[0].0), &read(pair[1].0)).unwrap();
            let n = pair[0].1;
            assert_eq!(
                (data.images.n, data.images.rows, data.images.cols),
                (n, 28, 28)
            );
            assert_eq!(data.labels.len(), n);
            // Every class is present in both subsets.
            for class in 0..10u8 {
                assert!(data.labels.contains(&class), "class {class} missing");
            }
            // Raw (decompressed) bytes read the same.
            let raw_images = gunzip(&read(pair[0].0)).unwrap();
            assert_eq!(read_images(&raw_images).unwrap(), data.images);
        }
        // The paper's preprocessing on the real data.
        let train = load_pair(&read(FILES[0].0), &read(FILES[1].0)).unwrap();
        let x = pixels_to_unit_range(train.images.image(0));
        assert_eq!(x.len(), 784);
        assert!(x.iter().all(|v| (-1.0..=1.0).contains(v)) && x.contains(&-1.0));
    }

    #[test]
    fn damaged_real_files_are_rejected() {
        let images = read(FILES[0].0);
        let labels = read(FILES[1].0);
        let test_labels = read(FILES[3].0);

        // Images and labels of different subsets.
        assert_eq!(
            load_pair(&images, &test_labels).unwrap_err(),
            IdxError::CountMismatch {
                images: 1200,
                labels: 2000
            }
        );
        // Swapped files.
        assert!(matches!(
            load_pair(&labels, &images).unwrap_err(),
            IdxError::BadMagic {
                file: FileKind::Images,
                found: 0x801
            }
        ));
        // A flipped bit of the stored CRC-32.
        let mut bad_crc = images.clone();
        let n = bad_crc.len();
        bad_crc[n - 6] ^= 0x10;
        let e = read_images(&bad_crc).unwrap_err();
        assert!(
            matches!(e, IdxError::Gzip(FileKind::Images, GzipError::Crc)),
            "{e}"
        );
        assert!(e
            .to_string()
            .starts_with("images file: gzip: CRC-32 mismatch"));
        // A cut-off download.
        let e = read_labels(&labels[..labels.len() - 20]).unwrap_err();
        assert!(matches!(e, IdxError::Gzip(FileKind::Labels, _)), "{e}");
        // A truncated raw file.
        let raw = gunzip(&images).unwrap();
        assert_eq!(
            read_images(&raw[..16 + 1000]).unwrap_err().to_string(),
            "images file truncated: header says 1200 images of 28x28 (940800 bytes), found 1000"
        );
    }
}
