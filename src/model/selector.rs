//! Address and port matchers: IOS wildcard masks, prefixes and ranges in one type, with the
//! subset test that crypto ACL mirroring and traffic-selector narrowing both need.

use ipnet::IpNet;
use serde::Serialize;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum AddrSpec {
    Any,
    /// A prefix (or a host as /32, /128).
    Net {
        net: IpNet,
    },
    /// IPv4 address with an IOS wildcard mask that may be non-contiguous.
    Wildcard {
        base: Ipv4Addr,
        wildcard: Ipv4Addr,
    },
    /// An inclusive address range (IKEv2 traffic selectors).
    Range {
        first: IpAddr,
        last: IpAddr,
    },
}

fn v4(a: Ipv4Addr) -> u32 {
    u32::from(a)
}

impl AddrSpec {
    pub fn host(a: IpAddr) -> Self {
        AddrSpec::Net {
            net: IpNet::from(a),
        }
    }

    /// Builds the spec an IOS "address wildcard" pair denotes, as a prefix when it is one.
    pub fn from_wildcard(base: Ipv4Addr, wildcard: Ipv4Addr) -> Self {
        let w = v4(wildcard);
        if w == u32::MAX {
            return AddrSpec::Any;
        }
        if w.wrapping_add(1) & w == 0 {
            let len = 32 - w.count_ones() as u8;
            let masked = Ipv4Addr::from(v4(base) & !w);
            if let Ok(n) = ipnet::Ipv4Net::new(masked, len) {
                return AddrSpec::Net { net: n.into() };
            }
        }
        AddrSpec::Wildcard {
            base: Ipv4Addr::from(v4(base) & !w),
            wildcard,
        }
    }

    /// Inclusive numeric bounds, as u128 with a family tag, so subset checks work for all kinds.
    fn bounds(&self) -> Option<(bool, u128, u128)> {
        match self {
            AddrSpec::Any => None,
            AddrSpec::Net { net } => Some(match net {
                IpNet::V4(n) => (
                    true,
                    u32::from(n.network()) as u128,
                    u32::from(n.broadcast()) as u128,
                ),
                IpNet::V6(n) => (false, u128::from(n.network()), u128::from(n.broadcast())),
            }),
            AddrSpec::Wildcard { base, wildcard } => {
                Some((true, v4(*base) as u128, (v4(*base) | v4(*wildcard)) as u128))
            }
            AddrSpec::Range { first, last } => match (first, last) {
                (IpAddr::V4(a), IpAddr::V4(b)) => Some((true, v4(*a) as u128, v4(*b) as u128)),
                (IpAddr::V6(a), IpAddr::V6(b)) => Some((false, u128::from(*a), u128::from(*b))),
                _ => None,
            },
        }
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self, ip) {
            (AddrSpec::Any, _) => true,
            (AddrSpec::Net { net }, ip) => net.contains(&ip),
            (AddrSpec::Wildcard { base, wildcard }, IpAddr::V4(a)) => {
                v4(a) & !v4(*wildcard) == v4(*base) & !v4(*wildcard)
            }
            (AddrSpec::Wildcard { .. }, IpAddr::V6(_)) => false,
            (AddrSpec::Range { .. }, ip) => match (self.bounds(), ip) {
                (Some((true, lo, hi)), IpAddr::V4(a)) => (lo..=hi).contains(&(v4(a) as u128)),
                (Some((false, lo, hi)), IpAddr::V6(a)) => (lo..=hi).contains(&u128::from(a)),
                _ => false,
            },
        }
    }

    /// True when every address `self` matches is also matched by `other`.
    pub fn is_subset_of(&self, other: &AddrSpec) -> bool {
        if let AddrSpec::Any = other {
            return true;
        }
        if let (
            AddrSpec::Wildcard { base, wildcard },
            AddrSpec::Wildcard {
                base: ob,
                wildcard: ow,
            },
        ) = (self, other)
        {
            let fixed_other = !v4(*ow);
            return v4(*wildcard) & fixed_other == 0 && (v4(*base) ^ v4(*ob)) & fixed_other == 0;
        }
        match (self.bounds(), other.bounds()) {
            (None, _) => false,
            (Some((fa, lo, hi)), Some((fb, olo, ohi))) => {
                if fa != fb {
                    return false;
                }
                if let AddrSpec::Wildcard { .. } = other {
                    // A contiguous block inside a non-contiguous wildcard: every address must match.
                    return hi - lo < 65536
                        && (lo..=hi).all(|a| other.contains(IpAddr::V4(Ipv4Addr::from(a as u32))));
                }
                olo <= lo && hi <= ohi
            }
            (Some(_), None) => true,
        }
    }

    pub fn overlaps(&self, other: &AddrSpec) -> bool {
        match (self.bounds(), other.bounds()) {
            (None, _) | (_, None) => true,
            (Some((fa, lo, hi)), Some((fb, olo, ohi))) => fa == fb && lo <= ohi && olo <= hi,
        }
    }

    /// A representative address inside the spec, to probe ACLs and routes with.
    pub fn sample(&self) -> Option<IpAddr> {
        match self {
            AddrSpec::Any => None,
            AddrSpec::Net { net } => {
                let n = net.network();
                // Prefer a host address over the network address when there is room.
                match (net, n) {
                    (IpNet::V4(p), IpAddr::V4(a)) if p.prefix_len() < 31 => {
                        Some(IpAddr::V4(Ipv4Addr::from(u32::from(a) + 1)))
                    }
                    _ => Some(n),
                }
            }
            AddrSpec::Wildcard { base, .. } => Some(IpAddr::V4(*base)),
            AddrSpec::Range { first, .. } => Some(*first),
        }
    }

    pub fn is_any(&self) -> bool {
        matches!(self, AddrSpec::Any)
    }
}

impl fmt::Display for AddrSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddrSpec::Any => f.write_str("any"),
            AddrSpec::Net { net } if net.prefix_len() == net.max_prefix_len() => {
                write!(f, "{}", net.addr())
            }
            AddrSpec::Net { net } => write!(f, "{net}"),
            AddrSpec::Wildcard { base, wildcard } => write!(f, "{base} wildcard {wildcard}"),
            AddrSpec::Range { first, last } => write!(f, "{first}-{last}"),
        }
    }
}

/// Inclusive port range; `0..=65535` means any port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PortRange {
    pub lo: u16,
    pub hi: u16,
}

impl PortRange {
    pub const ANY: PortRange = PortRange { lo: 0, hi: 65535 };
    pub fn one(p: u16) -> Self {
        PortRange { lo: p, hi: p }
    }
    pub fn is_any(&self) -> bool {
        *self == Self::ANY
    }
    pub fn contains(&self, p: u16) -> bool {
        self.lo <= p && p <= self.hi
    }
    pub fn is_subset_of(&self, o: &PortRange) -> bool {
        o.lo <= self.lo && self.hi <= o.hi
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_any() {
            f.write_str("any")
        } else if self.lo == self.hi {
            write!(f, "{}", self.lo)
        } else {
            write!(f, "{}-{}", self.lo, self.hi)
        }
    }
}

/// A set of ports as disjoint ranges (`neq` in an ACL needs two).
pub type Ports = Vec<PortRange>;

pub fn ports_contain(ports: &Ports, p: u16) -> bool {
    ports.iter().any(|r| r.contains(p))
}

pub fn ports_subset(a: &Ports, b: &Ports) -> bool {
    a.iter().all(|r| b.iter().any(|o| r.is_subset_of(o)))
}

/// One direction of traffic: what a crypto ACL entry, a proxy identity pair or an IKEv2
/// traffic-selector pair describes. `proto` None means any IP protocol.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Flow {
    pub proto: Option<u8>,
    pub src: AddrSpec,
    pub src_ports: Ports,
    pub dst: AddrSpec,
    pub dst_ports: Ports,
}

impl Flow {
    pub fn ip(src: AddrSpec, dst: AddrSpec) -> Self {
        Flow {
            proto: None,
            src,
            src_ports: vec![PortRange::ANY],
            dst,
            dst_ports: vec![PortRange::ANY],
        }
    }

    pub fn mirrored(&self) -> Flow {
        Flow {
            proto: self.proto,
            src: self.dst,
            src_ports: self.dst_ports.clone(),
            dst: self.src,
            dst_ports: self.src_ports.clone(),
        }
    }

    pub fn is_subset_of(&self, o: &Flow) -> bool {
        let proto_ok = match (self.proto, o.proto) {
            (_, None) => true,
            (Some(a), Some(b)) => a == b,
            (None, Some(_)) => false,
        };
        proto_ok
            && self.src.is_subset_of(&o.src)
            && self.dst.is_subset_of(&o.dst)
            && ports_subset(&self.src_ports, &o.src_ports)
            && ports_subset(&self.dst_ports, &o.dst_ports)
    }
}

impl Flow {
    /// True when some packet matches both flows (what IKEv2 narrowing can still agree on).
    pub fn overlaps(&self, o: &Flow) -> bool {
        let proto_ok = match (self.proto, o.proto) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        let ports = |a: &Ports, b: &Ports| {
            a.iter()
                .any(|x| b.iter().any(|y| x.lo <= y.hi && y.lo <= x.hi))
        };
        proto_ok
            && self.src.overlaps(&o.src)
            && self.dst.overlaps(&o.dst)
            && ports(&self.src_ports, &o.src_ports)
            && ports(&self.dst_ports, &o.dst_ports)
    }
}

impl fmt::Display for Flow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proto = match self.proto {
            None => "ip".to_string(),
            Some(p) => crate::model::net::proto_name(p),
        };
        write!(f, "{proto} {} -> {}", self.src, self.dst)?;
        let any = |p: &Ports| p.len() == 1 && p[0].is_any();
        if !any(&self.dst_ports) {
            let v: Vec<String> = self.dst_ports.iter().map(|p| p.to_string()).collect();
            write!(f, " port {}", v.join(","))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(a: &str, m: &str) -> AddrSpec {
        AddrSpec::from_wildcard(a.parse().unwrap(), m.parse().unwrap())
    }

    #[test]
    fn wildcard_becomes_prefix_and_subset_works() {
        let slash16 = w("10.1.0.0", "0.0.255.255");
        let slash24 = w("10.1.1.0", "0.0.0.255");
        assert_eq!(slash24.to_string(), "10.1.1.0/24");
        assert!(slash24.is_subset_of(&slash16));
        assert!(!slash16.is_subset_of(&slash24));
        assert!(slash24.is_subset_of(&AddrSpec::Any));
        assert!(!AddrSpec::Any.is_subset_of(&slash24));
    }

    #[test]
    fn non_contiguous_wildcard() {
        let odd = w("10.0.1.0", "0.255.0.255");
        assert!(matches!(odd, AddrSpec::Wildcard { .. }));
        assert!(odd.contains("10.7.1.9".parse().unwrap()));
        assert!(!odd.contains("10.7.2.9".parse().unwrap()));
        assert!(w("10.3.1.0", "0.0.0.255").is_subset_of(&odd));
    }

    #[test]
    fn mirrored_flow_subset_decides_quick_mode() {
        let tokyo = Flow::ip(w("10.1.0.0", "0.0.255.255"), w("10.2.0.0", "0.0.255.255"));
        let osaka = Flow::ip(w("10.2.2.0", "0.0.0.255"), w("10.1.1.0", "0.0.0.255"));
        assert!(!tokyo.is_subset_of(&osaka.mirrored()));
        assert!(osaka.is_subset_of(&tokyo.mirrored()));
    }
}
