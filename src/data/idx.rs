//! The IDX format of (Fashion-)MNIST: reading image and label files, gzip-compressed or raw,
//! with every inconsistency reported by name.
//!
//! Layout: a big-endian u32 magic (0x00000803 for u8 images of 3 dimensions, 0x00000801 for u8
//! labels of 1 dimension), the dimensions as big-endian u32 (n, rows, cols; or n), then the
//! u8 values row-major. A file must hold exactly what its header announces: short files and
//! trailing bytes are both errors (either means a wrong or damaged file).

use crate::data::gzip::{maybe_gunzip, GzipError};
use std::fmt;

/// The magic number of an IDX file of u8 images (type 0x08, 3 dimensions).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// The magic number of an IDX file of u8 labels (type 0x08, 1 dimension).
pub const LABELS_MAGIC: u32 = 0x0000_0801;
/// The largest label accepted (Fashion-MNIST has the 10 classes 0..=9).
pub const MAX_LABEL: u8 = 9;

/// Which of the two files of a data set an error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// An images file (magic 0x00000803).
    Images,
    /// A labels file (magic 0x00000801).
    Labels,
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Images => "images file",
            FileKind::Labels => "labels file",
        })
    }
}

/// What is wrong with an IDX file or pair of files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdxError {
    /// The file looks gzip-compressed but does not decompress.
    Gzip(FileKind, GzipError),
    /// The file is shorter than its header.
    TruncatedHeader {
        /// Which file.
        file: FileKind,
        /// The header length.
        needed: usize,
        /// The file length.
        found: usize,
    },
    /// The magic number is not the expected one.
    BadMagic {
        /// Which file.
        file: FileKind,
        /// The magic number found.
        found: u32,
    },
    /// An image dimension is zero.
    EmptyImages {
        /// Rows per image.
        rows: usize,
        /// Columns per image.
        cols: usize,
    },
    /// The images file holds fewer pixels than its header announces.
    TruncatedImages {
        /// Images announced.
        n: usize,
        /// Rows per image.
        rows: usize,
        /// Columns per image.
        cols: usize,
        /// Pixel bytes present.
        found: usize,
    },
    /// The labels file holds fewer labels than its header announces.
    TruncatedLabels {
        /// Labels announced.
        n: usize,
        /// Label bytes present.
        found: usize,
    },
    /// Bytes follow the data the header announces.
    TrailingBytes {
        /// Which file.
        file: FileKind,
        /// How many.
        extra: usize,
    },
    /// A label is above [`MAX_LABEL`].
    LabelOutOfRange {
        /// Its position.
        index: usize,
        /// Its value.
        value: u8,
    },
    /// The two files of a pair disagree on the number of examples.
    CountMismatch {
        /// Images in the images file.
        images: usize,
        /// Labels in the labels file.
        labels: usize,
    },
}

impl IdxError {
    /// The file the error is about (a count mismatch is blamed on the labels file).
    pub fn file(&self) -> FileKind {
        match self {
            IdxError::Gzip(file, _)
            | IdxError::TruncatedHeader { file, .. }
            | IdxError::BadMagic { file, .. }
            | IdxError::TrailingBytes { file, .. } => *file,
            IdxError::EmptyImages { .. } | IdxError::TruncatedImages { .. } => FileKind::Images,
            IdxError::TruncatedLabels { .. }
            | IdxError::LabelOutOfRange { .. }
            | IdxError::CountMismatch { .. } => FileKind::Labels,
        }
    }
}

impl fmt::Display for IdxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdxError::Gzip(file, e) => write!(f, "{file}: {e}"),
            IdxError::TruncatedHeader {
                file,
                needed,
                found,
            } => write!(
                f,
                "{file} truncated: the header needs {needed} bytes, found {found}"
            ),
            IdxError::BadMagic { file, found } => {
                let expected = match file {
                    FileKind::Images => IMAGES_MAGIC,
                    FileKind::Labels => LABELS_MAGIC,
                };
                write!(f, "{file}: expected magic 0x{expected:08x}, found 0x{found:08x}")?;
                let other = match file {
                    FileKind::Images => LABELS_MAGIC,
                    FileKind::Labels => IMAGES_MAGIC,
                };
                if *found == other {
                    write!(f, " (images and labels swapped?)")?;
                }
                Ok(())
            }
            IdxError::EmptyImages { rows, cols } => {
                write!(f, "images file: header says images of {rows}x{cols}")
            }
            IdxError::TruncatedImages { n, rows, cols, found } => write!(
                f,
                "images file truncated: header says {n} images of {rows}x{cols} ({} bytes), found {found}",
                *n as u64 * *rows as u64 * *cols as u64
            ),
            IdxError::TruncatedLabels { n, found } => write!(
                f,
                "labels file truncated: header says {n} labels ({n} bytes), found {found}"
            ),
            IdxError::TrailingBytes { file, extra } => write!(
                f,
                "{file}: {extra} bytes after the data its header announces"
            ),
            IdxError::LabelOutOfRange { index, value } => write!(
                f,
                "labels file: label {index} is {value}, outside 0..={MAX_LABEL}"
            ),
            IdxError::CountMismatch { images, labels } => write!(
                f,
                "images and labels do not match: {images} images but {labels} labels"
            ),
        }
    }
}

impl std::error::Error for IdxError {}

/// `n` greyscale images of `rows` x `cols` u8 pixels (0 = background), image after image,
/// each row-major.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Images {
    /// The number of images.
    pub n: usize,
    /// Rows per image.
    pub rows: usize,
    /// Columns per image.
    pub cols: usize,
    /// The `n * rows * cols` pixels.
    pub pixels: Vec<u8>,
}

impl Images {
    /// Pixels per image, rows * cols.
    pub fn image_len(&self) -> usize {
        self.rows * self.cols
    }

    /// The pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let len = self.image_len();
        &self.pixels[i * len..(i + 1) * len]
    }
}

/// Images with one label each, checked to agree in number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LabelledImages {
    /// The images.
    pub images: Images,
    /// The labels, `labels[i]` for image i, each in 0..=9.
    pub labels: Vec<u8>,
}

/// Reads an IDX images file (gzip-compressed or raw).
pub fn read_images(bytes: &[u8]) -> Result<Images, IdxError> {
    let file = FileKind::Images;
    let raw = maybe_gunzip(bytes).map_err(|e| IdxError::Gzip(file, e))?;
    let header = parse_header(&raw, file, IMAGES_MAGIC, 3)?;
    let (n, rows, cols) = (header[0], header[1], header[2]);
    if rows == 0 || cols == 0 {
        return Err(IdxError::EmptyImages { rows, cols });
    }
    let data = &raw[16..];
    let expected = n as u64 * rows as u64 * cols as u64;
    if (data.len() as u64) < expected {
        return Err(IdxError::TruncatedImages {
            n,
            rows,
            cols,
            found: data.len(),
        });
    }
    if data.len() as u64 > expected {
        return Err(IdxError::TrailingBytes {
            file,
            extra: (data.len() as u64 - expected) as usize,
        });
    }
    Ok(Images {
        n,
        rows,
        cols,
        pixels: data.to_vec(),
    })
}

/// Reads an IDX labels file (gzip-compressed or raw); every label must be in 0..=9.
pub fn read_labels(bytes: &[u8]) -> Result<Vec<u8>, IdxError> {
    let file = FileKind::Labels;
    let raw = maybe_gunzip(bytes).map_err(|e| IdxError::Gzip(file, e))?;
    let n = parse_header(&raw, file, LABELS_MAGIC, 1)?[0];
    let data = &raw[8..];
    if data.len() < n {
        return Err(IdxError::TruncatedLabels {
            n,
            found: data.len(),
        });
    }
    if data.len() > n {
        return Err(IdxError::TrailingBytes {
            file,
            extra: data.len() - n,
        });
    }
    if let Some(index) = data.iter().position(|&l| l > MAX_LABEL) {
        return Err(IdxError::LabelOutOfRange {
            index,
            value: data[index],
        });
    }
    Ok(data.to_vec())
}

/// Reads an images file and its labels file and checks that they hold as many examples.
pub fn load_pair(images: &[u8], labels: &[u8]) -> Result<LabelledImages, IdxError> {
    let images = read_images(images)?;
    let labels = read_labels(labels)?;
    if images.n != labels.len() {
        return Err(IdxError::CountMismatch {
            images: images.n,
            labels: labels.len(),
        });
    }
    Ok(LabelledImages { images, labels })
}

/// Checks the magic and returns the `dims` dimensions of an IDX header.
fn parse_header(
    raw: &[u8],
    file: FileKind,
    magic: u32,
    dims: usize,
) -> Result<Vec<usize>, IdxError> {
    let needed = 4 + 4 * dims;
    let be32 = |i: usize| u32::from_be_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]);
    if raw.len() >= 4 && be32(0) != magic {
        return Err(IdxError::BadMagic {
            file,
            found: be32(0),
        });
    }
    if raw.len() < needed {
        return Err(IdxError::TruncatedHeader {
            file,
            needed,
            found: raw.len(),
        });
    }
    Ok((0..dims).map(|d| be32(4 + 4 * d) as usize).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn images_file(n: u32, rows: u32, cols: u32, pixels: usize) -> Vec<u8> {
        let mut f = Vec::new();
        for v in [IMAGES_MAGIC, n, rows, cols] {
            f.extend(v.to_be_bytes());
        }
        f.extend((0..pixels).map(|i| (i % 256) as u8));
        f
    }

    fn labels_file(labels: &[u8]) -> Vec<u8> {
        let mut f = Vec::new();
        for v in [LABELS_MAGIC, labels.len() as u32] {
            f.extend(v.to_be_bytes());
        }
        f.extend(labels);
        f
    }

    #[test]
    fn reads_raw_files() {
        let images = read_images(&images_file(3, 2, 2, 12)).unwrap();
        assert_eq!((images.n, images.rows, images.cols), (3, 2, 2));
        assert_eq!(images.image(2), &[8, 9, 10, 11]);
        assert_eq!(
            read_labels(&labels_file(&[0, 9, 3])).unwrap(),
            vec![0, 9, 3]
        );
        let pair = load_pair(&images_file(3, 2, 2, 12), &labels_file(&[1, 2, 3])).unwrap();
        assert_eq!(pair.labels, vec![1, 2, 3]);
        // Zero examples is a valid (empty) file.
        assert_eq!(read_images(&images_file(0, 28, 28, 0)).unwrap().n, 0);
    }

    #[test]
    fn reports_bad_files_by_name() {
        let err = |r: Result<Images, IdxError>| r.unwrap_err().to_string();
        assert_eq!(
            err(read_images(&images_file(1200, 28, 28, 1000))),
            "images file truncated: header says 1200 images of 28x28 (940800 bytes), found 1000"
        );
        assert_eq!(
            err(read_images(&images_file(1, 2, 2, 6))),
            "images file: 2 bytes after the data its header announces"
        );
        assert_eq!(
            err(read_images(&labels_file(&[1, 2]))),
            "images file: expected magic 0x00000803, found 0x00000801 (images and labels swapped?)"
        );
        assert_eq!(
            err(read_images(&images_file(1, 0, 28, 0))),
            "images file: header says images of 0x28"
        );
        assert_eq!(
            err(read_images(&images_file(1, 2, 2, 4)[..10])),
            "images file truncated: the header needs 16 bytes, found 10"
        );
        let lerr = |r: Result<Vec<u8>, IdxError>| r.unwrap_err().to_string();
        let mut wrong_magic = labels_file(&[1]);
        wrong_magic[3] = 0x02;
        assert_eq!(
            lerr(read_labels(&wrong_magic)),
            "labels file: expected magic 0x00000801, found 0x00000802"
        );
        assert_eq!(
            lerr(read_labels(&labels_file(&[1, 2, 3])[..9])),
            "labels file truncated: header says 3 labels (3 bytes), found 1"
        );
        assert_eq!(
            lerr(read_labels(&labels_file(&[1, 2, 10]))),
            "labels file: label 2 is 10, outside 0..=9"
        );
        assert_eq!(
            load_pair(&images_file(3, 2, 2, 12), &labels_file(&[1, 2]))
                .unwrap_err()
                .to_string(),
            "images and labels do not match: 3 images but 2 labels"
        );
        assert_eq!(
            lerr(read_labels(&[0x1f, 0x8b, 8])),
            "labels file: gzip: truncated (the stream ends inside a member)"
        );
    }

    #[test]
    fn huge_header_counts_do_not_overflow() {
        // n * rows * cols overflows 32 bits (wasm's usize): still a clean "truncated".
        let e = read_images(&images_file(u32::MAX, 65_536, 65_536, 4)).unwrap_err();
        assert!(
            matches!(e, IdxError::TruncatedImages { found: 4, .. }),
            "{e}"
        );
    }
}
