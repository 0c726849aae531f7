//! Interfaces, static routes, NAT and access lists.

use super::blocks::{Block, Line};
use super::{Ctx, acl};
use crate::model::net::{NatRule, NatSide, TunnelInterface, TunnelSource};
use crate::model::{Acl, Interface, Route};
use ipnet::{IpNet, Ipv4Net};
use std::net::{IpAddr, Ipv4Addr};

fn mask_len(mask: &str) -> Option<u8> {
    let m: Ipv4Addr = mask.parse().ok()?;
    let m = u32::from(m);
    // Only contiguous masks are valid subnet masks.
    (m.leading_ones() + m.trailing_zeros() == 32).then_some(m.leading_ones() as u8)
}

pub fn v4net(addr: &str, mask: &str) -> Option<IpNet> {
    let a: Ipv4Addr = addr.parse().ok()?;
    Ipv4Net::new(a, mask_len(mask)?).ok().map(IpNet::V4)
}

/// `A [MASK]` as IOS writes a peer or identity address: a host without a mask.
pub fn addr_mask(a: &str, mask: Option<&str>) -> Option<crate::model::AddrSpec> {
    match mask.and_then(|m| v4net(a, m)) {
        Some(n) => Some(crate::model::AddrSpec::Net { net: n.trunc() }),
        None => a.parse::<IpAddr>().ok().map(crate::model::AddrSpec::host),
    }
}

pub fn interface<'a>(cx: &mut Ctx<'a>, b: &Block<'a>) -> bool {
    let name = b.head.text["interface".len()..].trim().to_string();
    let mut i = Interface {
        name,
        addresses: Vec::new(),
        address_loc: None,
        shutdown: false,
        crypto_map: None,
        acl_in: None,
        acl_out: None,
        nat_side: None,
        vrf: None,
        tunnel: None,
        loc: cx.loc(&b.head),
    };
    for c in &b.children {
        let w = c.words();
        let ok = match w.as_slice() {
            ["ip", "address", a, m, rest @ ..] => match v4net(a, m) {
                Some(n) => {
                    // Stated again (a host address from one show command, the masked one
                    // from another), an address keeps its widest mask.
                    if let Some(x) = i.addresses.iter().find(|x| x.addr() == n.addr())
                        && x.prefix_len() <= n.prefix_len()
                    {
                        return true;
                    }
                    i.addresses.retain(|x| x.addr() != n.addr());
                    // The primary address goes first: the one IKE uses by default.
                    if rest.contains(&"secondary") {
                        i.addresses.push(n);
                    } else {
                        i.addresses.insert(0, n);
                        i.address_loc = Some(cx.loc(c));
                    }
                    true
                }
                None => false,
            },
            ["ipv6", "address", p, ..] => match p.parse::<IpNet>() {
                Ok(n) => {
                    i.addresses.push(n);
                    true
                }
                Err(_) => false,
            },
            ["no", "ip", "address"] | ["description", ..] => true,
            ["shutdown"] => {
                i.shutdown = true;
                true
            }
            ["no", "shutdown"] => {
                i.shutdown = false;
                true
            }
            ["crypto", "map", m, ..] => {
                i.crypto_map = Some((m.to_string(), cx.loc(c)));
                true
            }
            ["ip", "access-group", a, dir] => {
                let v = Some((a.to_string(), cx.loc(c)));
                match *dir {
                    "in" => i.acl_in = v,
                    "out" => i.acl_out = v,
                    _ => return false,
                }
                true
            }
            ["ip", "nat", "inside"] => {
                i.nat_side = Some(NatSide::Inside);
                true
            }
            ["ip", "nat", "outside"] => {
                i.nat_side = Some(NatSide::Outside);
                true
            }
            ["vrf", "forwarding", v] | ["ip", "vrf", "forwarding", v] => {
                i.vrf = Some(v.to_string());
                true
            }
            ["tunnel", rest @ ..] => tunnel(&mut i, rest),
            _ => false,
        };
        if !ok {
            cx.skip(c);
        }
    }
    cx.dev.interfaces.push(i);
    true
}

fn tunnel(i: &mut Interface, w: &[&str]) -> bool {
    let t = i.tunnel.get_or_insert(TunnelInterface {
        source: None,
        destination: None,
        protection_profile: None,
        mode: None,
    });
    match w {
        ["source", s] => {
            t.source = Some(match s.parse::<IpAddr>() {
                Ok(a) => TunnelSource::Address(a),
                Err(_) => TunnelSource::Interface(s.to_string()),
            });
            true
        }
        ["destination", d] => {
            t.destination = d.parse().ok();
            t.destination.is_some()
        }
        ["mode", rest @ ..] => {
            t.mode = Some(rest.join(" "));
            true
        }
        ["protection", "ipsec", "profile", p, ..] => {
            t.protection_profile = Some(p.to_string());
            true
        }
        _ => false,
    }
}

pub fn route(cx: &mut Ctx<'_>, l: &Line<'_>) -> bool {
    let w = l.words();
    let mut rest = &w[2..];
    let mut vrf = None;
    if let ["vrf", v, tail @ ..] = rest {
        vrf = Some(v.to_string());
        rest = tail;
    }
    let [a, m, tail @ ..] = rest else {
        return false;
    };
    let Some(prefix) = v4net(a, m) else {
        return false;
    };
    let mut next_hop = None;
    let mut interface = None;
    let mut distance = 1u8;
    let mut it = tail.iter().peekable();
    while let Some(t) = it.next() {
        match *t {
            "name" | "tag" | "track" => {
                it.next();
            }
            "permanent" | "global" => {}
            _ => {
                if let Ok(a) = t.parse::<IpAddr>() {
                    next_hop = Some(a);
                } else if let Ok(d) = t.parse::<u8>() {
                    distance = d;
                } else if interface.is_none() && next_hop.is_none() {
                    interface = Some(t.to_string());
                }
            }
        }
    }
    if next_hop.is_none() && interface.is_none() {
        return false;
    }
    let loc = cx.loc(l);
    cx.dev.routes.push(Route {
        prefix: prefix.trunc(),
        next_hop,
        interface,
        distance,
        vrf,
        loc,
    });
    true
}

pub fn nat(cx: &mut Ctx<'_>, l: &Line<'_>) -> bool {
    let w = l.words();
    let mut rule = NatRule {
        match_acl: None,
        to_interface: None,
        overload: w.contains(&"overload"),
        loc: cx.loc(l),
    };
    let mut it = w.iter().skip(4);
    while let Some(t) = it.next() {
        match *t {
            "list" | "route-map" => rule.match_acl = it.next().map(|s| s.to_string()),
            "interface" => rule.to_interface = it.next().map(|s| s.to_string()),
            _ => {}
        }
    }
    cx.dev.nat.push(rule);
    true
}

fn acl_mut<'d>(
    dev: &'d mut crate::model::Device,
    name: &str,
    loc: &crate::model::Loc,
) -> &'d mut Acl {
    if let Some(i) = dev.acls.iter().position(|a| a.name == name) {
        return &mut dev.acls[i];
    }
    dev.acls.push(Acl {
        name: name.to_string(),
        entries: Vec::new(),
        loc: loc.clone(),
    });
    let last = dev.acls.len() - 1;
    &mut dev.acls[last]
}

pub fn acl<'a>(cx: &mut Ctx<'a>, b: &Block<'a>) -> bool {
    let w = b.head.words();
    match w.as_slice() {
        ["access-list", num, rest @ ..] => {
            let Ok(n) = num.parse::<u32>() else {
                return false;
            };
            if rest.first() == Some(&"remark") {
                return true;
            }
            let rest = if rest.first() == Some(&"dynamic") {
                return false;
            } else {
                rest
            };
            let loc = cx.loc(&b.head);
            let Some(e) = acl::entry(rest, acl::numbered_is_standard(n), loc.clone()) else {
                return false;
            };
            acl_mut(&mut cx.dev, num, &loc).entries.push(e);
            true
        }
        ["ip", "access-list", kind @ ("extended" | "standard"), name] => {
            let standard = *kind == "standard";
            let loc = cx.loc(&b.head);
            acl_mut(&mut cx.dev, name, &loc);
            for c in &b.children {
                let cw = c.words();
                let body: &[&str] = match cw.first() {
                    Some(s) if s.parse::<u32>().is_ok() => &cw[1..],
                    _ => &cw,
                };
                if body.first() == Some(&"remark") {
                    continue;
                }
                let cl = cx.loc(c);
                let seq = cw.first().and_then(|s| s.parse::<u32>().ok());
                match acl::entry(body, standard, cl.clone()) {
                    Some(e) => acl_mut(&mut cx.dev, name, &cl)
                        .entries
                        .push(crate::model::AclEntry { seq, ..e }),
                    None => cx.skip(c),
                }
            }
            true
        }
        _ => false,
    }
}
