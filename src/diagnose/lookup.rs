//! Questions the checks ask of one device's model: where a policy is applied, which address
//! it speaks from, which key it would pick for a peer, which networks are behind it.

use crate::model::ike::PreSharedKey;
use crate::model::net::TunnelSource;
use crate::model::{
    AddrSpec, Device, Identity, IdentityKind, Interface, PeerMatch, PolicyKind, TunnelPolicy,
};
use ipnet::IpNet;
use std::net::IpAddr;

/// The crypto map name that must sit on an interface for this policy to be in force.
pub fn map_name(pol: &TunnelPolicy) -> Option<&str> {
    match &pol.kind {
        PolicyKind::CryptoMap { map, .. } => Some(map),
        PolicyKind::DynamicMap {
            parent: Some((map, _)),
            ..
        } => Some(map),
        _ => None,
    }
}

/// A policy that answers any peer: a dynamic crypto map, or a connection that names no
/// peer address (the model's "empty: any peer").
pub fn any_peer(pol: &TunnelPolicy) -> bool {
    match &pol.kind {
        PolicyKind::DynamicMap { .. } => true,
        PolicyKind::Connection { .. } => pol.peers.is_empty(),
        _ => false,
    }
}

/// Interfaces through which this policy sends and receives IKE.
pub fn applied_interfaces<'a>(dev: &'a Device, pol: &TunnelPolicy) -> Vec<&'a Interface> {
    match &pol.kind {
        PolicyKind::Vti { interface, .. } => {
            let Some(t) = dev.interface(interface).and_then(|i| i.tunnel.as_ref()) else {
                return Vec::new();
            };
            match &t.source {
                Some(TunnelSource::Interface(n)) => dev.interface(n).into_iter().collect(),
                Some(TunnelSource::Address(a)) => {
                    dev.interfaces.iter().filter(|i| i.owns(*a)).collect()
                }
                None => Vec::new(),
            }
        }
        PolicyKind::Connection { .. } => dev.interfaces.iter().filter(|i| !i.shutdown).collect(),
        _ => match map_name(pol) {
            Some(m) => dev
                .interfaces
                .iter()
                .filter(|i| !i.shutdown && i.crypto_map.as_ref().is_some_and(|(n, _)| n == m))
                .collect(),
            None => Vec::new(),
        },
    }
}

/// Every interface that carries the policy's crypto map, shut or not (for evidence).
pub fn map_lines<'a>(dev: &'a Device, pol: &TunnelPolicy) -> Vec<&'a Interface> {
    match map_name(pol) {
        Some(m) => dev
            .interfaces
            .iter()
            .filter(|i| i.crypto_map.as_ref().is_some_and(|(n, _)| n == m))
            .collect(),
        None => Vec::new(),
    }
}

/// The address this device sources IKE from towards `peer`.
pub fn ike_source(dev: &Device, pol: &TunnelPolicy, peer: IpAddr) -> Option<IpAddr> {
    let applied = applied_interfaces(dev, pol);
    if let PolicyKind::Vti { interface, .. } = &pol.kind
        && let Some(TunnelSource::Address(a)) = dev
            .interface(interface)
            .and_then(|i| i.tunnel.as_ref())
            .and_then(|t| t.source.clone())
    {
        return Some(a);
    }
    let fam = |n: &&IpNet| n.addr().is_ipv4() == peer.is_ipv4();
    let first_addr = |i: &Interface| i.addresses.iter().find(fam).map(|n| n.addr());
    // An applied interface on the peer's own subnet is the one IKE leaves by.
    if let Some(a) = applied
        .iter()
        .find(|i| i.connects(peer))
        .and_then(|i| first_addr(i))
    {
        return Some(a);
    }
    // Otherwise the interface the route leaves by: where IKE goes once the map sits there.
    let via_route = dev
        .route_to(peer)
        .and_then(|l| l.exit)
        .and_then(&first_addr);
    via_route.or_else(|| applied.iter().find_map(|i| first_addr(i)))
}

fn specificity(p: &PeerMatch) -> i32 {
    match p {
        PeerMatch::Address(AddrSpec::Net { net }) => net.prefix_len() as i32,
        PeerMatch::Address(AddrSpec::Any) => 0,
        PeerMatch::Address(_) => 1,
        PeerMatch::Hostname(_) => 200,
    }
}

/// The pre-shared key the device would use with a peer at `addr` (most specific match, keys
/// of a profile that matches the peer first).
/// What a key is looked up for: proving ourselves (sign) or checking the peer (verify).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Sign,
    Verify,
}

pub fn psk_for<'a>(
    dev: &'a Device,
    addr: IpAddr,
    id: Option<&Identity>,
    role: Role,
) -> Option<&'a PreSharedKey> {
    let usable = |k: &PreSharedKey| match role {
        Role::Sign => k.usage.signs(),
        Role::Verify => k.usage.verifies(),
    };
    let matches = |k: &&PreSharedKey| {
        usable(k)
            && match (&k.peer, id) {
                (PeerMatch::Address(s), _) => s.contains(addr),
                (PeerMatch::Hostname(h), Some(Identity::Fqdn(f))) => h.eq_ignore_ascii_case(f),
                _ => false,
            }
    };
    let profile_rings: Vec<&str> = dev
        .ike_profiles
        .iter()
        .filter(|p| {
            p.match_identities
                .iter()
                .any(|(m, _)| m.admits(&Identity::Address(addr)))
        })
        .flat_map(|p| p.keyrings.iter().map(|s| s.as_str()))
        .collect();
    let in_profile = dev
        .psks
        .iter()
        .filter(|k| {
            k.keyring
                .as_deref()
                .is_some_and(|r| profile_rings.contains(&r))
        })
        .filter(matches)
        .max_by_key(|k| specificity(&k.peer));
    in_profile.or_else(|| {
        dev.psks
            .iter()
            .filter(matches)
            .max_by_key(|k| specificity(&k.peer))
    })
}

/// The phase 1 identity this device sends.
pub fn identity_of(dev: &Device, addr: Option<IpAddr>) -> Option<Identity> {
    match dev.identity {
        IdentityKind::Hostname => Some(Identity::Fqdn(match &dev.domain_name {
            Some(d) => format!("{}.{}", dev.name, d),
            None => dev.name.clone(),
        })),
        IdentityKind::Dn => None,
        IdentityKind::Address => addr.map(Identity::Address),
    }
}

/// Networks behind the device: connected subnets of interfaces that do not face the peer,
/// and static routes (other than default) that leave by such interfaces.
pub fn inside_nets(dev: &Device, outside: &[&Interface]) -> Vec<IpNet> {
    let is_out = |i: &Interface| outside.iter().any(|o| o.name == i.name);
    let mut nets: Vec<IpNet> = dev
        .interfaces
        .iter()
        .filter(|i| !i.shutdown && !is_out(i) && i.tunnel.is_none())
        .flat_map(|i| i.addresses.iter().map(|n| n.trunc()))
        .filter(|n| !n.addr().is_loopback())
        .collect();
    for r in &dev.routes {
        if r.prefix.prefix_len() == 0 {
            continue;
        }
        // A connected route may name an interface the evidence shows no more of
        // (`show ip route` alone): its name is enough to tell inside from outside.
        let exit = match (&r.interface, r.next_hop) {
            (Some(n), _) => Some(n.as_str()),
            (None, Some(nh)) => dev
                .route_to(nh)
                .and_then(|l| l.exit)
                .map(|e| e.name.as_str()),
            _ => None,
        };
        if exit.is_some_and(|e| !outside.iter().any(|o| o.name.eq_ignore_ascii_case(e))) {
            nets.push(r.prefix);
        }
    }
    nets
}

pub fn spec_overlaps_any(spec: &AddrSpec, nets: &[IpNet]) -> bool {
    nets.iter()
        .any(|n| spec.overlaps(&AddrSpec::Net { net: *n }))
}

pub fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => {
            let o = a.octets();
            a.is_private() || (o[0] == 100 && (64..128).contains(&o[1]))
        }
        IpAddr::V6(a) => (a.segments()[0] & 0xfe00) == 0xfc00,
    }
}
