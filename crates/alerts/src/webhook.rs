//! Posting a match to a webhook: only to addresses the operator allows,
//! signed, retried on a schedule.
//!
//! A webhook is a request the server makes on a user's behalf, so it must
//! not reach into the deployment's own network (SSRF): the address is
//! resolved, every address it resolves to must be public or inside a
//! network the operator allowed (`--webhook-allow 10.0.0.0/8`), the
//! connection goes to the address checked (no second lookup to rebind),
//! and each redirect is checked the same way.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::time::Duration;

use ipnet::IpNet;

use crate::{Error, Result};

/// Redirects followed at most.
const MAX_REDIRECTS: usize = 3;

/// Where webhooks may go.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    /// Networks allowed although not public (loopback, private, link-local).
    pub allow: Vec<IpNet>,
}

impl Policy {
    /// A policy allowing these networks (`10.0.0.0/8`, `127.0.0.1/32`).
    pub fn allowing(networks: &[String]) -> Result<Self> {
        let allow = networks
            .iter()
            .map(|n| {
                n.parse::<IpNet>()
                    .or_else(|_| n.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|e| Error::Destination(format!("--webhook-allow {n:?}: {e}")))
            })
            .collect::<Result<_>>()?;
        Ok(Policy { allow })
    }

    /// Whether a connection to `ip` is allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            // An IPv4 address written as IPv6 is that IPv4 address.
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        is_public(ip) || self.allow.iter().any(|n| n.contains(&ip))
    }

    /// The addresses `url` may be reached at, each checked: an error
    /// naming why not otherwise.
    pub fn check(&self, url: &str) -> Result<(reqwest::Url, Vec<SocketAddr>)> {
        let u =
            reqwest::Url::parse(url).map_err(|e| Error::Destination(format!("{url:?}: {e}")))?;
        if !matches!(u.scheme(), "http" | "https") {
            return Err(Error::Destination(format!(
                "{url:?} is not an http or https address"
            )));
        }
        if !u.username().is_empty() || u.password().is_some() {
            return Err(Error::Destination(
                "an address with a user name or password is not accepted; sign with the secret instead".into(),
            ));
        }
        let host = u
            .host_str()
            .ok_or_else(|| Error::Destination(format!("{url:?} has no host")))?;
        let port = u.port_or_known_default().unwrap_or(80);
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|e| Error::Destination(format!("cannot resolve {host}: {e}")))?
            .collect();
        if addrs.is_empty() {
            return Err(Error::Destination(format!("{host} resolves to no address")));
        }
        if let Some(bad) = addrs.iter().find(|a| !self.permits(a.ip())) {
            return Err(Error::Destination(format!(
                "{host} resolves to {}, a loopback, private or link-local address; the operator may allow its network with --webhook-allow",
                bad.ip()
            )));
        }
        Ok((u, addrs))
    }

    /// Posts `body` to `url` with `headers`, following redirects to allowed
    /// addresses: the status of the last answer, or why it could not be
    /// had.
    pub fn post(
        &self,
        url: &str,
        headers: &[(&str, String)],
        body: &[u8],
        timeout: Duration,
    ) -> Result<u16> {
        let mut at = url.to_string();
        for _ in 0..=MAX_REDIRECTS {
            let (u, addrs) = self.check(&at)?;
            let mut client = reqwest::blocking::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(timeout)
                .user_agent(concat!("marsad/", env!("CARGO_PKG_VERSION"), " (alerts)"));
            if let Some(host) = u.host_str().filter(|_| u.domain().is_some()) {
                // Connect to the addresses checked, not to a second lookup.
                client = client.resolve_to_addrs(host, &addrs);
            }
            let client = client.build().map_err(|e| Error::Delivery(e.to_string()))?;
            let mut req = client
                .post(u.clone())
                .header("Content-Type", "application/json");
            for (k, v) in headers {
                req = req.header(*k, v);
            }
            let res = req
                .body(body.to_vec())
                .send()
                .map_err(|e| Error::Delivery(without_url(&e)))?;
            let status = res.status();
            if !status.is_redirection() {
                return Ok(status.as_u16());
            }
            let next = res
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .and_then(|l| u.join(l).ok())
                .ok_or_else(|| Error::Delivery(format!("a {status} without a usable Location")))?;
            at = next.to_string();
        }
        Err(Error::Delivery(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }
}

/// A transport error without the address (it may carry the key of a
/// receiver's URL into logs and the alert's status).
fn without_url(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else {
        "request failed"
    };
    let inner = std::error::Error::source(e).map(|s| s.to_string());
    match inner {
        Some(s) => format!("{kind}: {s}"),
        None => kind.to_string(),
    }
}

/// Addresses anyone on the internet can reach: not loopback, private,
/// link-local, shared (CGNAT), unspecified, multicast, broadcast or set
/// aside for documentation.
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

/// When deliveries are tried again.
#[derive(Debug, Clone, Copy)]
pub struct Schedule {
    /// The wait after the first failure; each next one doubles it.
    pub first: Duration,
    /// The longest wait between tries.
    pub longest: Duration,
    /// How long after it was first due a delivery is given up.
    pub give_up_after: Duration,
}

impl Default for Schedule {
    /// 30 s, doubling to an hour, for 24 hours.
    fn default() -> Self {
        Schedule {
            first: Duration::from_secs(30),
            longest: Duration::from_secs(3600),
            give_up_after: Duration::from_secs(24 * 3600),
        }
    }
}

impl Schedule {
    /// The wait after `failures` failed tries (1 or more).
    pub fn wait_after(&self, failures: u32) -> Duration {
        let doubled = self
            .first
            .saturating_mul(1u32 << failures.saturating_sub(1).min(20));
        doubled.min(self.longest)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_refused_unless_allowed() {
        let p = Policy::default();
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
        ] {
            let ip: IpAddr = ip.parse().unwrap();
            assert!(!p.permits(ip), "{ip} permitted");
        }
        for ip in ["1.1.1.1", "8.8.8.8", "2606:4700::1111"] {
            assert!(p.permits(ip.parse().unwrap()), "{ip} refused");
        }
        let allowed = Policy {
            allow: vec!["10.0.0.0/8".parse().unwrap()],
        };
        assert!(allowed.permits("10.1.2.3".parse().unwrap()));
        assert!(!allowed.permits("192.168.1.1".parse().unwrap()));
    }

    #[test]
    fn addresses_are_checked_after_resolving() {
        let p = Policy::default();
        let e = p.check("http://localhost:9/hook").unwrap_err();
        assert!(e.to_string().contains("loopback"), "{e}");
        let e = p.check("http://[::1]:9/hook").unwrap_err();
        assert!(e.to_string().contains("loopback"), "{e}");
        let e = p.check("ftp://example.org/").unwrap_err();
        assert!(e.to_string().contains("http"), "{e}");
        let e = p.check("http://user:pw@1.1.1.1/").unwrap_err();
        assert!(e.to_string().contains("password"), "{e}");
    }

    /// A receiver on loopback that answers every request with `answer`,
    /// counting them.
    fn receiver(at: &str, answer: String) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind((at, 0)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counted = hits.clone();
        std::thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(answer.as_bytes());
            }
        });
        (port, hits)
    }

    #[test]
    fn a_redirect_into_a_network_not_allowed_is_not_followed() {
        // The receiver is allowed (127.0.0.1 alone); it redirects to
        // another loopback address, which is not.
        let (inner, inner_hits) = receiver(
            "127.0.0.2",
            "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n".into(),
        );
        let (port, _) = receiver("127.0.0.1", format!(
            "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.2:{inner}/x\r\nContent-Length: 0\r\n\r\n"
        ));
        let p = Policy::allowing(&["127.0.0.1/32".into()]).unwrap();
        let e = p
            .post(
                &format!("http://127.0.0.1:{port}/hook"),
                &[],
                b"{}",
                Duration::from_secs(5),
            )
            .unwrap_err();
        assert!(matches!(e, Error::Destination(_)), "{e}");
        assert!(e.to_string().contains("127.0.0.2"), "{e}");
        assert_eq!(inner_hits.load(std::sync::atomic::Ordering::SeqCst), 0);
        // Allowed, the redirect is followed to its answer.
        let p = Policy::allowing(&["127.0.0.0/8".into()]).unwrap();
        let status = p
            .post(
                &format!("http://127.0.0.1:{port}/hook"),
                &[],
                b"{}",
                Duration::from_secs(5),
            )
            .unwrap();
        assert_eq!(status, 204);
    }

    #[test]
    fn waits_double_up_to_the_longest() {
        let s = Schedule::default();
        assert_eq!(s.wait_after(1), Duration::from_secs(30));
        assert_eq!(s.wait_after(2), Duration::from_secs(60));
        assert_eq!(s.wait_after(8), Duration::from_secs(3600));
        assert_eq!(s.wait_after(500), Duration::from_secs(3600));
    }
}
