//! Gzip (RFC 1952) decoding: the member header and trailer are parsed and checked here, the raw
//! DEFLATE data in between is inflated by `miniz_oxide` (pure Rust, builds for wasm32).
//!
//! The data files the page loads are gzip-compressed IDX files (about 1.4 MB instead of
//! 2.5 MB raw), so decoding must work in the browser without a web server's help. Every check
//! the format offers is made: magic, method, reserved flags, the optional header CRC-16, and the
//! trailer's CRC-32 and length, so a damaged download is reported, never silently used.

use miniz_oxide::inflate::core::{decompress, inflate_flags, DecompressorOxide};
use miniz_oxide::inflate::TINFLStatus;
use std::borrow::Cow;
use std::fmt;

/// The largest output accepted (a guard against decompression bombs); the full Fashion-MNIST
/// training images are 47 MB.
pub const MAX_OUTPUT: usize = 256 << 20;

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const FRESERVED: u8 = 0xE0;

/// What is wrong with a gzip stream.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GzipError {
    /// The stream does not start with the gzip magic bytes 1f 8b.
    NotGzip,
    /// The stream ends inside the named part (e.g. "header", "file name", "deflate data").
    Truncated(&'static str),
    /// A compression method other than 8 (DEFLATE).
    UnsupportedMethod(u8),
    /// Reserved flag bits are set (RFC 1952 says to reject such a stream).
    ReservedFlags(u8),
    /// The header's CRC-16 does not match the header.
    HeaderCrc {
        /// The value in the stream.
        stored: u16,
        /// The value computed from the header bytes.
        computed: u16,
    },
    /// The DEFLATE data is corrupt (the inflater's status).
    Deflate(String),
    /// The output would exceed [`MAX_OUTPUT`] bytes.
    TooLarge,
    /// The trailer's CRC-32 does not match the decompressed data.
    Crc {
        /// The value in the trailer.
        stored: u32,
        /// The value computed from the decompressed data.
        computed: u32,
    },
    /// The trailer's ISIZE (length mod 2^32) does not match the decompressed data.
    Size {
        /// The value in the trailer.
        stored: u32,
        /// The actual decompressed length.
        actual: u64,
    },
    /// Bytes after the last member that do not start another gzip member.
    TrailingGarbage(usize),
}

impl fmt::Display for GzipError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GzipError::NotGzip => write!(f, "gzip: not gzip data (no 1f 8b magic)"),
            GzipError::Truncated(part) => write!(f, "gzip: truncated in the {part}"),
            GzipError::UnsupportedMethod(m) => {
                write!(f, "gzip: compression method {m} is not DEFLATE (8)")
            }
            GzipError::ReservedFlags(flags) => {
                write!(f, "gzip: reserved header flags set (0x{flags:02x})")
            }
            GzipError::HeaderCrc { stored, computed } => write!(
                f,
                "gzip: header CRC mismatch (stored 0x{stored:04x}, computed 0x{computed:04x})"
            ),
            GzipError::Deflate(status) => write!(f, "gzip: corrupt deflate data ({status})"),
            GzipError::TooLarge => write!(f, "gzip: output larger than {MAX_OUTPUT} bytes"),
            GzipError::Crc { stored, computed } => write!(
                f,
                "gzip: CRC-32 mismatch (stored 0x{stored:08x}, computed 0x{computed:08x}): the data is damaged"
            ),
            GzipError::Size { stored, actual } => write!(
                f,
                "gzip: length mismatch (trailer says {stored} mod 2^32, decompressed {actual})"
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
/// does), checking each member's header, CRC-32 and length.
pub fn gunzip(bytes: &[u8]) -> Result<Vec<u8>, GzipError> {
    let mut out = Vec::new();
    let mut pos = 0;
    loop {
        pos += member(&bytes[pos..], &mut out)?;
        if pos == bytes.len() {
            return Ok(out);
        }
        if !is_gzip(&bytes[pos..]) {
            return Err(GzipError::TrailingGarbage(bytes.len() - pos));
        }
    }
}

/// Decodes the member at the start of `bytes` onto `out`; returns its length in bytes.
fn member(bytes: &[u8], out: &mut Vec<u8>) -> Result<usize, GzipError> {
    if !is_gzip(bytes) {
        return Err(GzipError::NotGzip);
    }
    if bytes.len() < 10 {
        return Err(GzipError::Truncated("header"));
    }
    if bytes[2] != 8 {
        return Err(GzipError::UnsupportedMethod(bytes[2]));
    }
    let flags = bytes[3];
    if flags & FRESERVED != 0 {
        return Err(GzipError::ReservedFlags(flags));
    }
    // Bytes 4..10: MTIME, XFL, OS; not needed.
    let mut pos = 10;
    if flags & FEXTRA != 0 {
        let len = bytes
            .get(pos..pos + 2)
            .ok_or(GzipError::Truncated("extra field"))?;
        pos += 2 + u16::from_le_bytes([len[0], len[1]]) as usize;
        if pos > bytes.len() {
            return Err(GzipError::Truncated("extra field"));
        }
    }
    for (flag, part) in [(FNAME, "file name"), (FCOMMENT, "comment")] {
        if flags & flag != 0 {
            let end = bytes[pos..]
                .iter()
                .position(|&b| b == 0)
                .ok_or(GzipError::Truncated(part))?;
            pos += end + 1;
        }
    }
    if flags & FHCRC != 0 {
        let stored = bytes
            .get(pos..pos + 2)
            .ok_or(GzipError::Truncated("header CRC"))?;
        let stored = u16::from_le_bytes([stored[0], stored[1]]);
        let computed = (crc32(&bytes[..pos]) & 0xffff) as u16;
        if stored != computed {
            return Err(GzipError::HeaderCrc { stored, computed });
        }
        pos += 2;
    }
    let start = out.len();
    pos += inflate(&bytes[pos..], out)?;
    let trailer = bytes
        .get(pos..pos + 8)
        .ok_or(GzipError::Truncated("trailer"))?;
    let stored_crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
    let stored_size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
    let data = &out[start..];
    let computed = crc32(data);
    if stored_crc != computed {
        return Err(GzipError::Crc {
            stored: stored_crc,
            computed,
        });
    }
    if stored_size != data.len() as u32 {
        return Err(GzipError::Size {
            stored: stored_size,
            actual: data.len() as u64,
        });
    }
    Ok(pos + 8)
}

/// Inflates the raw DEFLATE stream at the start of `input` onto `out`; returns the number of
/// input bytes it occupied (the inflater gives back bytes it read ahead).
fn inflate(input: &[u8], out: &mut Vec<u8>) -> Result<usize, GzipError> {
    let start = out.len();
    let mut buf = vec![0u8; input.len().saturating_mul(4).clamp(1024, MAX_OUTPUT)];
    let mut decomp = Box::<DecompressorOxide>::default();
    let flags = inflate_flags::TINFL_FLAG_USING_NON_WRAPPING_OUTPUT_BUF;
    let (mut in_pos, mut out_pos) = (0, 0);
    loop {
        let (status, read, written) =
            decompress(&mut decomp, &input[in_pos..], &mut buf, out_pos, flags);
        in_pos += read;
        out_pos += written;
        match status {
            TINFLStatus::Done => break,
            TINFLStatus::HasMoreOutput => {
                if buf.len() + start >= MAX_OUTPUT {
                    return Err(GzipError::TooLarge);
                }
                let len = buf.len().saturating_mul(2).min(MAX_OUTPUT - start);
                buf.resize(len, 0);
            }
            TINFLStatus::FailedCannotMakeProgress | TINFLStatus::NeedsMoreInput => {
                return Err(GzipError::Truncated("deflate data"))
            }
            other => return Err(GzipError::Deflate(format!("{other:?}"))),
        }
    }
    out.extend_from_slice(&buf[..out_pos]);
    Ok(in_pos)
}

/// The CRC-32 table of the reflected polynomial 0xEDB88320 (gzip's, zlib's, PNG's).
const CRC_TABLE: [u32; 256] = crc_table();

const fn crc_table() -> [u32; 256] {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
}

/// The CRC-32 of `data` as gzip computes it (ISO-HDLC: reflected, init and final xor all ones).
pub fn crc32(data: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in data {
        c = CRC_TABLE[((c ^ b as u32) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

#[cfg(test)]
mod tests {
    use super::*;
    use miniz_oxide::deflate::compress_to_vec;

    /// A gzip member for `data` with the given flags and optional fields.
    fn member_bytes(data: &[u8], flags: u8) -> Vec<u8> {
        let mut m = vec![0x1f, 0x8b, 8, flags, 0, 0, 0, 0, 0, 3];
        if flags & FEXTRA != 0 {
            m.extend([4, 0, b'a', b'b', 2, 0]);
        }
        if flags & FNAME != 0 {
            m.extend(b"name.idx\0");
        }
        if flags & FCOMMENT != 0 {
            m.extend(b"a comment\0");
        }
        if flags & FHCRC != 0 {
            let c = (crc32(&m) & 0xffff) as u16;
            m.extend(c.to_le_bytes());
        }
        m.extend(compress_to_vec(data, 6));
        m.extend(crc32(data).to_le_bytes());
        m.extend((data.len() as u32).to_le_bytes());
        m
    }

    fn sample_data() -> Vec<u8> {
        (0..5000u32).map(|i| (i * i % 251) as u8).collect()
    }

    #[test]
    fn crc32_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn decodes_members_with_every_optional_field() {
        let data = sample_data();
        for flags in [
            0,
            FEXTRA,
            FNAME,
            FCOMMENT,
            FHCRC,
            FEXTRA | FNAME | FCOMMENT | FHCRC,
        ] {
            assert_eq!(
                gunzip(&member_bytes(&data, flags)).unwrap(),
                data,
                "flags {flags}"
            );
        }
        // Two members concatenate; an empty member is fine.
        let mut two = member_bytes(&data, 0);
        two.extend(member_bytes(b"tail", FNAME));
        two.extend(member_bytes(b"", 0));
        let mut want = data.clone();
        want.extend(b"tail");
        assert_eq!(gunzip(&two).unwrap(), want);
        // Raw data passes through maybe_gunzip untouched.
        assert!(matches!(maybe_gunzip(&data).unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn rejects_damaged_streams() {
        let data = sample_data();
        let good = member_bytes(&data, FHCRC);
        let n = good.len();

        let mut bad_crc = good.clone();
        bad_crc[n - 8] ^= 1;
        assert!(matches!(gunzip(&bad_crc), Err(GzipError::Crc { .. })));

        let mut bad_size = good.clone();
        bad_size[n - 1] ^= 1;
        assert!(matches!(gunzip(&bad_size), Err(GzipError::Size { .. })));

        let mut bad_header = good.clone();
        bad_header[4] ^= 1; // MTIME, covered by the header CRC
        assert!(matches!(
            gunzip(&bad_header),
            Err(GzipError::HeaderCrc { .. })
        ));

        let mut method = good.clone();
        method[2] = 7;
        assert_eq!(gunzip(&method), Err(GzipError::UnsupportedMethod(7)));

        let mut reserved = good.clone();
        reserved[3] |= 0x20;
        assert_eq!(gunzip(&reserved), Err(GzipError::ReservedFlags(0x22)));

        assert_eq!(gunzip(&good[..n - 3]), Err(GzipError::Truncated("trailer")));
        assert_eq!(
            gunzip(&good[..n / 2]),
            Err(GzipError::Truncated("deflate data"))
        );
        assert_eq!(gunzip(&good[..5]), Err(GzipError::Truncated("header")));
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
        let e = GzipError::Crc {
            stored: 0x1234_5678,
            computed: 0x9abc_def0,
        };
        assert_eq!(
            e.to_string(),
            "gzip: CRC-32 mismatch (stored 0x12345678, computed 0x9abcdef0): the data is damaged"
        );
    }
}
