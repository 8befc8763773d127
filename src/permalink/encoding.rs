//! Percent-encoding of link values, and values quoted short in messages.

use crate::config::FieldValue;

/// Longest stretch of a value quoted back in a message.
const MAX_QUOTED_CHARS: usize = 40;

/// Decodes `%XX` escapes and `+` (as a space); bad escapes stay as they are, and invalid UTF-8
/// becomes U+FFFD.
pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes everything but unreserved characters and `,` (as `encodeURIComponent` would, but
/// keeping commas readable).
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A value cut to [`MAX_QUOTED_CHARS`] characters for a message.
pub(crate) fn cut(s: &str) -> String {
    let mut out: String = s.chars().take(MAX_QUOTED_CHARS).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

/// A value quoted for a message, cut to [`MAX_QUOTED_CHARS`] characters.
pub(crate) fn quote(s: &str) -> String {
    format!("{:?}", cut(s))
}

/// A link value as the config parsers read it: a number when it reads as one, else text.
pub(crate) fn number_value(raw: &str) -> FieldValue {
    match raw.trim().parse::<f64>() {
        Ok(x) if !raw.trim().is_empty() => FieldValue::Number(x),
        _ => FieldValue::Text(cut(raw)),
    }
}

/// A comma-separated list, as the config parsers read it.
pub(crate) fn list_value(raw: &str) -> FieldValue {
    if raw.trim().is_empty() {
        return FieldValue::List(Vec::new());
    }
    FieldValue::List(
        raw.split(',')
            .map(|s| FieldValue::Text(s.trim().to_string()))
            .collect(),
    )
}

/// A value as a link writes it: numbers in Rust's shortest round-trip form, lists joined by
/// commas, booleans as 1 or 0.
pub(crate) fn link_text(v: &FieldValue) -> String {
    match v {
        FieldValue::Number(x) => format!("{x}"),
        FieldValue::Text(s) => s.clone(),
        FieldValue::Bool(b) => u8::from(*b).to_string(),
        FieldValue::List(items) => items.iter().map(link_text).collect::<Vec<_>>().join(","),
        FieldValue::Null | FieldValue::Other(_) => String::new(),
    }
}

/// How a message names a value that replaces a bad one ("100", "all eight", "gd,sgd").
pub(crate) fn describe(v: &FieldValue) -> String {
    match v {
        FieldValue::List(items) if items.len() == crate::noise::Method::ALL.len() => {
            "all eight".into()
        }
        other => link_text(other),
    }
}
