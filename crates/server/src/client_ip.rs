//! The client's address (`docs/decisions/0060-consent.md`): the TCP peer, unless the peer is one
//! of the configured trusted proxies (`PATCHBAY_TRUSTED_PROXIES`, CIDRs, none by default). Then
//! `X-Forwarded-For` is read from the right, each trusted proxy's hop skipped, and the first
//! address that is not a trusted proxy is the client: the nearest hop a trusted proxy vouches
//! for, which a client cannot spoof by sending a header of its own. A header with an entry that
//! is not an IP address is ignored whole (the peer counts), so nothing unparsed is ever stored.
//! Rate limits and audit rows both take the address from here.

use std::{net::IpAddr, str::FromStr};

use axum::http::{HeaderMap, HeaderName};

/// `X-Forwarded-For`.
static FORWARDED_FOR: HeaderName = HeaderName::from_static("x-forwarded-for");

/// A network in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`; a bare address is one host).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        let raw = raw.trim();
        let (address, prefix) = raw.split_once('/').unwrap_or((raw, ""));
        let network: IpAddr = address
            .parse()
            .map_err(|_| format!("`{raw}` is not an IP address or network"))?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = if prefix.is_empty() {
            max
        } else {
            prefix
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("`{raw}`: the prefix length must be 0–{max}"))?
        };
        Ok(Self { network, prefix })
    }
}

impl Cidr {
    /// Whether `ip` is in this network (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// The networks of `entries` (empty entries skipped); an invalid one is an error naming it.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<Self, String> {
        entries
            .iter()
            .map(AsRef::as_ref)
            .filter(|e| !e.trim().is_empty())
            .map(str::parse)
            .collect::<Result<Vec<_>, _>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }

    /// The client of a request from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let mut hops = Vec::new();
        for value in headers.get_all(&FORWARDED_FOR) {
            let Ok(text) = value.to_str() else {
                return peer;
            };
            for entry in text.split(',') {
                match parse_hop(entry) {
                    Some(ip) => hops.push(ip),
                    None => return peer,
                }
            }
        }
        hops.iter()
            .rev()
            .copied()
            .find(|ip| !self.trusts(*ip))
            // Every hop is a trusted proxy: the farthest is where the request came from.
            .or_else(|| hops.first().copied())
            .unwrap_or(peer)
    }
}

/// One `X-Forwarded-For` entry: an address, optionally `[v6]` bracketed.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    let entry = entry
        .strip_prefix('[')
        .and_then(|e| e.strip_suffix(']'))
        .unwrap_or(entry);
    entry.parse().ok()
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("an address")
    }

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append(
                &FORWARDED_FOR,
                HeaderValue::from_str(v).expect("a header value"),
            );
        }
        h
    }

    #[test]
    fn networks_parse_and_match() {
        let net: Cidr = "10.0.0.0/8".parse().expect("valid");
        assert!(net.contains(ip("10.1.2.3")));
        assert!(net.contains(ip("::ffff:10.1.2.3")));
        assert!(!net.contains(ip("11.0.0.1")));
        let host: Cidr = "2001:db8::1".parse().expect("valid");
        assert!(host.contains(ip("2001:db8::1")));
        assert!(!host.contains(ip("2001:db8::2")));
        assert!(
            "0.0.0.0/0"
                .parse::<Cidr>()
                .expect("valid")
                .contains(ip("8.8.8.8"))
        );
        for bad in ["10.0.0.0/33", "nope", "1.2.3.4/x"] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }

    #[test]
    fn only_a_trusted_peer_is_believed_and_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse(&["10.0.0.0/8", " ", "fd00::/8"]).expect("valid");
        let peer = ip("10.0.0.5");
        // An untrusted peer's header is ignored.
        assert_eq!(
            proxies.client_ip(ip("198.51.100.1"), &headers(&["203.0.113.9"])),
            ip("198.51.100.1")
        );
        assert_eq!(
            proxies.client_ip(peer, &headers(&["203.0.113.9"])),
            ip("203.0.113.9")
        );
        // A client sending its own header cannot pick its address: the proxy appended the real one.
        assert_eq!(
            proxies.client_ip(peer, &headers(&["1.1.1.1, 203.0.113.9, 10.0.0.7"])),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies.client_ip(peer, &headers(&["1.1.1.1", "203.0.113.9"])),
            ip("203.0.113.9")
        );
        assert_eq!(
            proxies.client_ip(peer, &headers(&["[2001:db8::7]"])),
            ip("2001:db8::7")
        );
        // Garbage anywhere: the header is ignored whole.
        assert_eq!(
            proxies.client_ip(peer, &headers(&["203.0.113.9, junk"])),
            peer
        );
        assert_eq!(proxies.client_ip(peer, &headers(&[])), peer);
        // Only proxies: the farthest one.
        assert_eq!(
            proxies.client_ip(peer, &headers(&["10.9.9.9, 10.0.0.7"])),
            ip("10.9.9.9")
        );
        // Nothing trusted by default.
        assert_eq!(
            TrustedProxies::default().client_ip(peer, &headers(&["203.0.113.9"])),
            peer
        );
    }
}
