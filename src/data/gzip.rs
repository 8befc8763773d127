//! Gzip (RFC 1952) decoding through flate2's `GzDecoder` (its pure-Rust miniz_oxide backend,
//! which builds for wasm32): header, DEFLATE data, CRC-32 and length are all checked by the
//! library; this module only maps its errors to [`GzipError`], walks concatenated members and
//! bounds the output.
//!
//! The data files the page loads are gzip-compressed IDX files (about 1.4 MB instead of
//! 2.5 MB raw), so decoding must work in the browser without a web server's help. A damaged
//! download is reported, never silently used.

use flate2::bufread::GzDecoder;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, Read};

/// The largest output accepted (a guard against decompression bombs); the full Fashion-MNIST
/// training images are 47 MB.
pub const MAX_OUTPUT: usize = 256 << 20;

/// What is wrong with a gzip stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GzipError {
    /// The stream does not start with the gzip magic bytes 1f 8b.
    NotGzip,
    /// The stream ends before the member does (a cut-off download).
    Truncated,
    /// The member header is invalid: a compression method other than DEFLATE, or reserved flag
    /// bits set (RFC 1952 says to reject such a stream).
    Header,
    /// The DEFLATE data is corrupt (the decoder's message).
    Deflate(String),
    /// The output would exceed [`MAX_OUTPUT`] bytes.
    TooLarge,
    /// A CRC (the header's CRC-16 or the trailer's CRC-32) or the trailer's length does not
    /// match: the data is damaged.
    Crc,
    /// Bytes after the last member that do not start another gzip member.
    TrailingGarbage(usize),
}

impl fmt::Display for GzipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GzipError::NotGzip => write!(f, "gzip: not gzip data (no 1f 8b magic)"),
            GzipError::Truncated => write!(f, "gzip: truncated (the stream ends inside a member)"),
            GzipError::Header => write!(
                f,
                "gzip: invalid header (compression method not DEFLATE, or reserved flags set)"
            ),
            GzipError::Deflate(message) => write!(f, "gzip: corrupt deflate data ({message})"),
            GzipError::TooLarge => write!(f, "gzip: output larger than {MAX_OUTPUT} bytes"),
            GzipError::Crc => write!(
                f,
                "gzip: CRC-32 mismatch (header CRC, trailer CRC or length): the data is damaged"
            ),
            GzipError::TrailingGarbage(n) => {
                write!(f, "gzip: {n} bytes of garbage after the compressed data")
            }
        }
    }
}

impl std::error::Error for GzipError {}

/// Whether `bytes` start with the gzip magic 1f 8b.
pub fn is_gzip(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0x1f, 0x8b])
}

/// `bytes` decompressed if they are gzip, else `bytes` themselves (raw files pass through).
pub fn maybe_gunzip(bytes: &[u8]) -> Result<Cow<'_, [u8]>, GzipError> {
    if is_gzip(bytes) {
        gunzip(bytes).map(Cow::Owned)
    } else {
        Ok(Cow::Borrowed(bytes))
    }
}

/// Decompresses a gzip stream of one or more members (their outputs concatenated, as gzip
/// does), each member's header, CRC-32 and length checked by flate2.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, GzipError> {
    if !is_gzip(bytes) {
        return Err(GzipError::NotGzip);
    }
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        if !is_gzip(rest) {
            return Err(GzipError::TrailingGarbage(rest.len()));
        }
        // The bufread decoder consumes exactly one member from `rest`, leaving what follows.
        let limit = (MAX_OUTPUT - out.len()) as u64 + 1;
        GzDecoder::new(&mut rest)
            .take(limit)
            .read_to_end(&mut out)
            .map_err(classify)?;
        if out.len() > MAX_OUTPUT {
            return Err(GzipError::TooLarge);
        }
    }
    Ok(out)
}

/// flate2's I/O error as a [`GzipError`] (flate2 tells its cases apart by kind and message).
fn classify(e: io::Error) -> GzipError {
    let message = e.to_string();
    if e.kind() == io::ErrorKind::UnexpectedEof {
        GzipError::Truncated
    } else if message.contains("checksum") {
        GzipError::Crc
    } else if message.contains("header") {
        GzipError::Header
    } else {
        GzipError::Deflate(message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::{Compression, GzBuilder};
    use std::io::Write;

    /// A gzip member for `data`, with a file name, comment, extra field and header CRC when
    /// `optional_fields`.
    fn member_bytes(data: &[u8], optional_fields: bool) -> Vec<u8> {
        let mut encoder = if optional_fields {
            GzBuilder::new()
                .filename("name.idx")
                .comment("a comment")
                .extra(vec![b'a', b'b', 2, 0])
                .operating_system(3)
                .write(Vec::new(), Compression::new(6))
        } else {
            GzEncoder::new(Vec::new(), Compression::new(6))
        };
        encoder.write_all(data).unwrap();
        let mut member = encoder.finish().unwrap();
        if optional_fields {
            set_header_crc(&mut member);
        }
        member
    }

    /// Sets FHCRC in `member` (built with name, comment and a 4-byte extra field) and inserts
    /// the header CRC-16, which flate2's encoder does not write.
    fn set_header_crc(member: &mut Vec<u8>) {
        member[3] |= 0x02;
        let header_len = 10 + 2 + 4 + b"name.idx\0".len() + b"a comment\0".len();
        let mut crc = flate2::Crc::new();
        crc.update(&member[..header_len]);
        let crc = (crc.sum() & 0xffff) as u16;
        member.splice(header_len..header_len, crc.to_le_bytes());
    }

    fn sample_data() -> Vec<u8> {
        (0..5000u32).map(|i| (i * i % 251) as u8).collect()
    }

    #[test]
    fn decodes_members_with_every_optional_field() {
        let data = sample_data();
        for optional_fields in [false, true] {
            assert_eq!(gunzip(&member_bytes(&data, optional_fields)).unwrap(), data);
        }
        // Two members concatenate; an empty member is fine.
        let mut two = member_bytes(&data, false);
        two.extend(member_bytes(b"tail", true));
        two.extend(member_bytes(b"", false));
        let mut want = data.clone();
        want.extend(b"tail");
        assert_eq!(gunzip(&two).unwrap(), want);
        // Raw data passes through maybe_gunzip untouched.
        assert!(matches!(maybe_gunzip(&data).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn rejects_damaged_streams() {
        let data = sample_data();
        let good = member_bytes(&data, true);
        let n = good.len();

        let mut bad_crc = good.clone();
        bad_crc[n - 8] ^= 1;
        assert_eq!(gunzip(&bad_crc), Err(GzipError::Crc));

        let mut bad_size = good.clone();
        bad_size[n - 1] ^= 1;
        assert_eq!(gunzip(&bad_size), Err(GzipError::Crc));

        let mut bad_header = good.clone();
        bad_header[4] ^= 1; // MTIME, covered by the header CRC
        assert_eq!(gunzip(&bad_header), Err(GzipError::Crc));

        let mut method = good.clone();
        method[2] = 7;
        assert_eq!(gunzip(&method), Err(GzipError::Header));

        let mut reserved = good.clone();
        reserved[3] |= 0x20;
        assert_eq!(gunzip(&reserved), Err(GzipError::Header));

        assert_eq!(gunzip(&good[..n - 3]), Err(GzipError::Truncated));
        assert_eq!(gunzip(&good[..n / 2]), Err(GzipError::Truncated));
        assert_eq!(gunzip(&good[..5]), Err(GzipError::Truncated));
        assert_eq!(gunzip(&data), Err(GzipError::NotGzip));

        let mut trailing = good.clone();
        trailing.extend([0, 0, 0]);
        assert_eq!(gunzip(&trailing), Err(GzipError::TrailingGarbage(3)));

        // Damaged compressed data: whatever the inflater makes of it, it is an error.
        let mut flipped = good.clone();
        flipped[40] ^= 0x55;
        assert!(gunzip(&flipped).is_err());
    }

    #[test]
    fn messages_name_the_problem() {
        assert_eq!(
            GzipError::Crc.to_string(),
            "gzip: CRC-32 mismatch (header CRC, trailer CRC or length): the data is damaged"
        );
        assert_eq!(
            GzipError::TrailingGarbage(3).to_string(),
            "gzip: 3 bytes of garbage after the compressed data"
        );
    }
}
