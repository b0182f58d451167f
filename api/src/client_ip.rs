//! The client's address, which per-IP rate limits count by.
//!
//! Behind a reverse proxy every request comes from the proxy, so the client must be read from
//! `X-Forwarded-For`. Each proxy appends the address it received the request from, and anything
//! to the left of that was written by whoever sent it, so the leftmost entry can be forged at
//! will. The client is therefore the rightmost address that is not one of our trusted proxies,
//! walking from the peer leftwards through the header; only when the peer itself is a trusted
//! proxy is the header read at all. `X-Real-IP` (nginx's single-address header) is used when a
//! trusted proxy sends no `X-Forwarded-For`.

use std::{fmt, net::IpAddr, str::FromStr};

use axum::http::HeaderMap;
use ipnet::IpNet;
use serde::{Deserializer, de};

/// The networks whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses (`10.0.0.1`, `::1`) and networks (`10.0.0.0/8`).
    pub fn parse(list: &[String]) -> anyhow::Result<Self> {
        list.iter()
            .map(|entry| {
                let entry = entry.trim();
                IpNet::from_str(entry)
                    .or_else(|_| IpAddr::from_str(entry).map(IpNet::from))
                    .map_err(|_| {
                        anyhow::anyhow!(
                            "invalid configuration: trusted_proxies: {entry:?} is not an address \
                             or a network such as 10.0.0.0/8"
                        )
                    })
            })
            .collect::<anyhow::Result<_>>()
            .map(Self)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        if hops.is_empty() {
            return headers
                .get("x-real-ip")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<IpAddr>().ok())
                .map_or(peer, |ip| ip.to_canonical());
        }
        let mut client = peer;
        for hop in hops.iter().rev() {
            // Garbage where an address should be: trust stops at the last proxy that wrote one.
            let Ok(ip) = hop.parse::<IpAddr>() else {
                return client;
            };
            client = ip.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// Reads a list of strings given as a list (`["10.0.0.0/8", "::1"]` in TOML) or as one
/// comma-separated string (`OCOP_LIMITS__TRUSTED_PROXIES=10.0.0.0/8,::1`).
pub fn deserialize_list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    struct List;
    impl<'de> de::Visitor<'de> for List {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of addresses or networks, or one comma-separated string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect())
        }

        fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(out)
        }
    }
    d.deserialize_any(List)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    const PROXY: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn without_trusted_proxies_the_peer_is_the_client_whatever_the_headers_say() {
        let forged = headers(&[("x-forwarded-for", "1.2.3.4"), ("x-real-ip", "5.6.7.8")]);
        assert_eq!(TrustedProxies::default().client_ip(PROXY, &forged), PROXY);
        // A peer outside the trusted networks is not believed either.
        let untrusted: IpAddr = [203, 0, 113, 9].into();
        assert_eq!(
            proxies(&["10.0.0.0/8"]).client_ip(untrusted, &forged),
            untrusted
        );
    }

    #[test]
    fn the_client_is_the_rightmost_untrusted_address_so_a_forged_left_part_changes_nothing() {
        let p = proxies(&["10.0.0.0/8"]);
        // The client sent "X-Forwarded-For: 1.2.3.4"; our proxy appended the real address.
        let forged = headers(&[("x-forwarded-for", "1.2.3.4, 198.51.100.7")]);
        assert_eq!(
            p.client_ip(PROXY, &forged),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Two of our proxies in a row, and the header split over two lines.
        let chain = headers(&[
            ("x-forwarded-for", "9.9.9.9, 198.51.100.7"),
            ("x-forwarded-for", "10.1.2.3"),
        ]);
        assert_eq!(
            p.client_ip(PROXY, &chain),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // Garbage stops the walk at the last proxy that wrote an address.
        let garbage = headers(&[("x-forwarded-for", "198.51.100.7, not-an-ip, 10.1.2.3")]);
        assert_eq!(
            p.client_ip(PROXY, &garbage),
            "10.1.2.3".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn x_real_ip_is_read_from_a_trusted_proxy_that_sends_no_x_forwarded_for() {
        let p = proxies(&["10.0.0.2", "::1"]);
        let real = headers(&[("x-real-ip", "198.51.100.7")]);
        assert_eq!(
            p.client_ip(PROXY, &real),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
        // An IPv4 peer seen through an IPv6 socket is the same address.
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        assert_eq!(
            p.client_ip(mapped, &real),
            "198.51.100.7".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn a_bad_entry_is_refused_by_name() {
        let err = TrustedProxies::parse(&["10.0.0.0/33".into()]).unwrap_err();
        assert!(err.to_string().contains("10.0.0.0/33"), "{err}");
    }
}
