//! Where webhook deliveries may go: never to this machine, the clinic's
//! private network or a cloud's metadata service, unless the deployment
//! names the host (`[webhooks] allow_internal_hosts`, for an on-premise
//! practice system).
//!
//! Invariant: an address is checked where it is used. A URL naming an
//! address is refused when the hook is created and again before each
//! delivery; a name is resolved then too, and a delivery connects only to
//! the addresses that passed (the resolver of the delivery client, see
//! `jobs/webhook_delivery.rs`), so a name that later points inside is
//! caught at the next delivery.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use url::Host;

use super::WebhookUrl;

/// The longest a name may take to resolve when a hook is created.
const RESOLVE_TIMEOUT: Duration = Duration::from_secs(3);

/// The deployment's rule for receivers: the internal hosts it allows.
#[derive(Debug, Clone, Default)]
pub struct ReceiverPolicy {
    /// Lower-cased host names or addresses as written in URLs.
    allowed: Arc<[String]>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReceiverError {
    #[error(
        "{host} is an address on this machine or a private network ({address}); webhooks go to receivers on the \
         internet, unless the server's settings allow the host ([webhooks] allow_internal_hosts)"
    )]
    Internal { host: String, address: IpAddr },
    #[error("{host} cannot be resolved: {reason}")]
    Unresolved { host: String, reason: String },
}

impl ReceiverPolicy {
    pub fn new(allowed: &[String]) -> ReceiverPolicy {
        ReceiverPolicy { allowed: allowed.iter().map(|host| host.trim().to_lowercase()).collect() }
    }

    /// Whether the deployment lets `host` (as written in a URL) be internal.
    pub fn allows(&self, host: &str) -> bool {
        self.allowed.iter().any(|allowed| allowed == &host.to_lowercase())
    }

    /// Refuses a URL whose host is an internal address or `localhost`.
    /// Names are left to [`ReceiverPolicy::resolve`].
    pub fn check_url(&self, url: &WebhookUrl) -> Result<(), ReceiverError> {
        let Ok(parsed) = url::Url::parse(url.as_str()) else { return Ok(()) };
        let Some(host) = parsed.host() else { return Ok(()) };
        let written = parsed.host_str().unwrap_or_default().to_owned();
        if self.allows(&written) {
            return Ok(());
        }
        let address = match host {
            Host::Ipv4(ip) => IpAddr::V4(ip),
            Host::Ipv6(ip) => IpAddr::V6(ip),
            Host::Domain(name) if is_local_name(name) => IpAddr::V4(Ipv4Addr::LOCALHOST),
            Host::Domain(_) => return Ok(()),
        };
        if is_internal(address) { Err(ReceiverError::Internal { host: written, address }) } else { Ok(()) }
    }

    /// The addresses of `host` that a delivery may connect to: all of them
    /// for an allowed host; else every one must be outside (a name that
    /// resolves to an inside address is refused whole).
    pub async fn resolve(&self, host: &str, port: u16) -> Result<Vec<SocketAddr>, ReceiverError> {
        let unresolved = |reason: String| ReceiverError::Unresolved { host: host.to_owned(), reason };
        let lookup = tokio::net::lookup_host((host, port));
        let addresses: Vec<SocketAddr> = tokio::time::timeout(RESOLVE_TIMEOUT, lookup)
            .await
            .map_err(|_| unresolved("the name server did not answer in time".into()))?
            .map_err(|e| unresolved(e.to_string()))?
            .collect();
        if addresses.is_empty() {
            return Err(unresolved("it has no address".into()));
        }
        if !self.allows(host)
            && let Some(inside) = addresses.iter().find(|address| is_internal(address.ip()))
        {
            return Err(ReceiverError::Internal { host: host.to_owned(), address: inside.ip() });
        }
        Ok(addresses)
    }
}

/// `localhost` and its subdomains, which resolvers answer locally.
fn is_local_name(name: &str) -> bool {
    let name = name.trim_end_matches('.').to_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// Loopback, private, shared (carrier-grade NAT), link-local (cloud
/// metadata at 169.254.169.254), unspecified, broadcast, multicast and
/// reserved addresses; IPv6 unique-local and link-local; and IPv4 mapped
/// into IPv6 judged as IPv4.
pub fn is_internal(address: IpAddr) -> bool {
    match address {
        IpAddr::V4(ip) => is_internal_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_internal_v4(v4),
            None => is_internal_v6(ip),
        },
    }
}

fn is_internal_v4(ip: Ipv4Addr) -> bool {
    let [a, b, ..] = ip.octets();
    ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || a >= 240
}

fn is_internal_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00
        || (first & 0xffc0) == 0xfe80
        || (first & 0xffc0) == 0xfec0
        // NAT64 (64:ff9b::/96) reaches the IPv4 address in its last 32 bits.
        || (ip.segments()[..6] == [0x64, 0xff9b, 0, 0, 0, 0] && is_internal_v4(Ipv4Addr::from_bits(ip.to_bits() as u32)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(policy: &ReceiverPolicy, url: &str) -> Result<(), ReceiverError> {
        policy.check_url(&WebhookUrl::parse(url).unwrap())
    }

    #[test]
    fn internal_addresses_are_refused_however_they_are_written() {
        let policy = ReceiverPolicy::default();
        for url in [
            "http://127.0.0.1/hook",
            "http://2130706433/hook",
            "http://0x7f.1/hook",
            "http://localhost:8080/hook",
            "http://api.localhost/hook",
            "http://[::1]/hook",
            "http://[::ffff:127.0.0.1]/hook",
            "http://169.254.169.254/latest/meta-data",
            "http://10.1.2.3/hook",
            "http://172.16.0.1/hook",
            "http://192.168.1.10/hook",
            "http://100.64.0.1/hook",
            "http://0.0.0.0/hook",
            "http://[fd00::1]/hook",
            "http://[fe80::1]/hook",
            "http://[64:ff9b::a9fe:a9fe]/hook",
        ] {
            assert!(matches!(check(&policy, url), Err(ReceiverError::Internal { .. })), "{url} was accepted");
        }
        for url in ["https://pms.example/hook", "http://203.0.113.9/hook", "http://[2001:db8::1]/hook"] {
            assert_eq!(check(&policy, url), Ok(()), "{url}");
        }
    }

    #[test]
    fn a_named_internal_host_is_allowed_and_nothing_else() {
        let policy = ReceiverPolicy::new(&["127.0.0.1".to_owned(), "PMS.lab.local".to_owned()]);
        assert_eq!(check(&policy, "http://127.0.0.1:9000/hook"), Ok(()));
        assert!(check(&policy, "http://[::1]/hook").is_err());
        assert!(policy.allows("pms.lab.local"));
    }

    #[tokio::test]
    async fn a_name_that_resolves_inside_is_refused_unless_allowed() {
        let refused = ReceiverPolicy::default().resolve("localhost", 80).await;
        assert!(matches!(refused, Err(ReceiverError::Internal { .. })), "{refused:?}");
        let allowed = ReceiverPolicy::new(&["localhost".to_owned()]).resolve("localhost", 80).await.unwrap();
        assert!(allowed.iter().all(|address| address.ip().is_loopback()), "{allowed:?}");
    }
}
