//! The signature a webhook delivery carries, so its receiver knows the
//! body came from this Marsad and was not replayed much later.
//!
//! The header is `Marsad-Signature: t=<unix seconds>,v1=<hex>`, where the
//! hex is HMAC-SHA256, keyed with the alert's webhook secret, of the
//! timestamp, a full stop and the raw body: `HMAC(secret, "1765000000." +
//! body)`. A receiver recomputes it over the bytes it received, compares in
//! constant time, and refuses a timestamp too far from its clock.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header's name.
pub const HEADER: &str = "Marsad-Signature";

/// The header's value for `body` sent at `unix_seconds`.
pub fn sign(secret: &str, unix_seconds: i64, body: &[u8]) -> String {
    let mac = mac(secret, unix_seconds, body);
    format!("t={unix_seconds},v1={}", hex(&mac.finalize().into_bytes()))
}

/// The headers of a delivery of `body`, sent now: the signature, the
/// idempotency key and the event.
pub fn delivery_headers(
    secret: &str,
    body: &[u8],
    key: &str,
    event: &str,
) -> [(&'static str, String); 3] {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    [
        (HEADER, sign(secret, now, body)),
        ("Idempotency-Key", key.to_string()),
        ("Marsad-Event", event.to_string()),
    ]
}

/// Whether `header` signs `body` with `secret`, at a time within
/// `tolerance_seconds` of `now`.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_seconds: i64) -> bool {
    let mut t = None;
    let mut v1 = None;
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => v1 = unhex(v),
            _ => {}
        }
    }
    let (Some(t), Some(v1)) = (t, v1) else {
        return false;
    };
    (now - t).abs() <= tolerance_seconds && mac(secret, t, body).verify_slice(&v1).is_ok()
}

fn mac(secret: &str, unix_seconds: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC takes a key of any length.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    m.update(unix_seconds.to_string().as_bytes());
    m.update(b".");
    m.update(body);
    m
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_checks_and_a_change_does_not() {
        let h = sign("s3cret", 1_765_000_000, b"{\"a\":1}");
        assert!(h.starts_with("t=1765000000,v1="));
        assert!(verify("s3cret", &h, b"{\"a\":1}", 1_765_000_100, 300));
        assert!(!verify("s3cret", &h, b"{\"a\":2}", 1_765_000_100, 300));
        assert!(!verify("other", &h, b"{\"a\":1}", 1_765_000_100, 300));
        assert!(!verify("s3cret", &h, b"{\"a\":1}", 1_765_009_000, 300));
        assert!(!verify("s3cret", "t=x,v1=zz", b"", 0, 300));
    }
}
