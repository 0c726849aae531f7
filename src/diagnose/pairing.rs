//! Which peer talks to which: every policy that can initiate, towards every peer address it
//! names, becomes a leg (initiator → responder). NAT between the two is inferred when the
//! responder knows the initiator by a public address while the initiator has a private one.

use super::lookup;
use crate::model::{Device, Loc, TunnelPolicy};
use std::collections::HashMap;
use std::net::IpAddr;

pub struct Leg<'a> {
    pub a: &'a Device,
    pub pol: &'a TunnelPolicy,
    /// The peer address the initiator's policy names, and where.
    pub target: IpAddr,
    pub target_loc: &'a Loc,
    /// The responder, when its evidence is present.
    pub b: Option<&'a Device>,
    /// The responder was identified although `target` is not one of its addresses.
    pub wrong_address: bool,
    /// The responder's real address when `wrong_address`.
    pub b_real: Option<IpAddr>,
    /// The initiator's own source address.
    pub a_src: Option<IpAddr>,
    /// How the responder sees the initiator (differs from `a_src` behind NAT).
    pub a_seen: Option<IpAddr>,
    pub nat: bool,
}

impl Leg<'_> {
    /// The address the responder receives IKE on.
    pub fn b_addr(&self) -> Option<IpAddr> {
        match (self.b, self.wrong_address) {
            (Some(_), true) => self.b_real,
            (Some(_), false) => Some(self.target),
            (None, _) => None,
        }
    }
}

fn points_at(b: &Device, a: &Device) -> bool {
    b.policies
        .iter()
        .any(|p| p.peers.iter().any(|(x, _)| a.owns(*x)))
}

/// Addresses by which other devices know `a` though `a` does not own them (NAT).
fn nat_aliases(
    devs: &[Device],
    owners: &HashMap<IpAddr, usize>,
    a: &Device,
) -> Vec<(usize, IpAddr)> {
    let mut out = Vec::new();
    if !a.addresses().any(lookup::is_private) {
        return out;
    }
    // Only the peers `a` itself points at can know it by another name.
    let targets: Vec<usize> = a
        .policies
        .iter()
        .flat_map(|p| p.peers.iter())
        .filter_map(|(x, _)| owners.get(x).copied())
        .collect();
    for bi in targets {
        let b = &devs[bi];
        if std::ptr::eq(a, b) {
            continue;
        }
        for p in &b.policies {
            for (y, _) in &p.peers {
                if !owners.contains_key(y) && !lookup::is_private(*y) {
                    out.push((bi, *y));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

pub fn legs(devs: &[Device]) -> Vec<Leg<'_>> {
    let mut owners: HashMap<IpAddr, usize> = HashMap::new();
    for (i, d) in devs.iter().enumerate() {
        for a in d.addresses() {
            owners.entry(a).or_insert(i);
        }
    }
    let aliases: Vec<Vec<(usize, IpAddr)>> =
        devs.iter().map(|a| nat_aliases(devs, &owners, a)).collect();
    let mut alias_owner: HashMap<IpAddr, usize> = HashMap::new();
    for (di, al) in aliases.iter().enumerate() {
        for (_, y) in al {
            alias_owner.entry(*y).or_insert(di);
        }
    }
    let mut out = Vec::new();
    for (ai, a) in devs.iter().enumerate() {
        for pol in a.policies.iter().filter(|p| p.can_initiate()) {
            for (target, target_loc) in &pol.peers {
                let owner = owners.get(target).copied();
                let nat_owner = alias_owner.get(target).copied();
                let (bi, wrong, nat_b) = match (owner, nat_owner) {
                    (Some(bi), _) => (Some(bi), false, false),
                    (None, Some(bi)) => (Some(bi), false, true),
                    (None, None) => {
                        // The peer the user gave us that points back at this device is the one
                        // this policy means, when there is exactly one such.
                        let back: Vec<usize> = devs
                            .iter()
                            .enumerate()
                            .filter(|(bi, b)| *bi != ai && points_at(b, a))
                            .map(|(bi, _)| bi)
                            .collect();
                        // Only a peer whose addresses are all known can be said not to own one.
                        let unused = back.len() == 1
                            && devs[back[0]].known.interfaces
                            && !pol.peers.iter().any(|(x, _)| devs[back[0]].owns(*x));
                        // Two peers, one of whose addresses the evidence does not show (show
                        // commands only): the one pointing at the other is the peer meant.
                        let unseen = back.len() == 1
                            && devs.len() == 2
                            && devs[back[0]].addresses().next().is_none()
                            && !devs[back[0]].known.interfaces;
                        // A responder that takes any peer and whose own addresses the
                        // evidence does not show (a gateway listening on all of them) is
                        // the one meant, when it is the only such device.
                        let open: Vec<usize> = devs
                            .iter()
                            .enumerate()
                            .filter(|(bi, b)| {
                                *bi != ai
                                    && b.addresses().next().is_none()
                                    && b.policies.iter().any(lookup::any_peer)
                            })
                            .map(|(bi, _)| bi)
                            .collect();
                        if unused && devs.len() == 2 {
                            (Some(back[0]), true, false)
                        } else if unseen {
                            (Some(back[0]), false, false)
                        } else if back.is_empty() && open.len() == 1 {
                            (Some(open[0]), false, false)
                        } else {
                            (None, false, false)
                        }
                    }
                };
                let b = bi.map(|i| &devs[i]);
                let a_src = lookup::ike_source(a, pol, *target);
                // Where the responder really is: the address it speaks from towards us.
                let b_real = b.filter(|_| wrong).and_then(|b| {
                    b.policies.iter().find_map(|p| {
                        let (x, _) = p.peers.iter().find(|(x, _)| a.owns(*x))?;
                        lookup::ike_source(b, p, *x)
                    })
                });
                let alias = bi.and_then(|bi| {
                    aliases[ai]
                        .iter()
                        .find(|(owner, _)| *owner == bi)
                        .map(|(_, y)| *y)
                });
                // An initiator whose addresses the evidence does not show is where the
                // responder's only unowned peer address points.
                let a_guess = b.filter(|_| a.addresses().next().is_none()).and_then(|b| {
                    let mut v: Vec<IpAddr> = b
                        .policies
                        .iter()
                        .flat_map(|p| p.peers.iter().map(|(x, _)| *x))
                        .filter(|x| !owners.contains_key(x))
                        .collect();
                    v.sort();
                    v.dedup();
                    (v.len() == 1).then(|| v[0])
                });
                out.push(Leg {
                    a,
                    pol,
                    target: *target,
                    target_loc,
                    b,
                    wrong_address: wrong,
                    b_real,
                    a_src,
                    a_seen: alias.or(a_src).or(a_guess),
                    nat: alias.is_some() || nat_b,
                });
            }
        }
    }
    out
}
