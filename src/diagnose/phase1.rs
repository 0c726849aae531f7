//! Phase 1 of the flowchart: is IKE initiated, does it reach the responder, is a proposal
//! accepted, do the peers authenticate?

use super::cause::{Cause, Step};
use super::finding::{Finding, IkeValue, PermitSpec, Probe, Remedy, Severity};
use super::lookup::{self, Role};
use super::pairing::Leg;
use crate::model::net::{Action, PROTO_UDP, Packet};
use crate::model::{
    AddrSpec, AuthMethod, Device, IkeAttr, IkeProfile, IkeProposal, IkeVersion, Interface, Loc,
    TunnelPolicy,
};
use ipnet::IpNet;

pub fn initiated(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    let a = leg.a;
    let name = &a.name;
    if let Some(loc) = &a.ike_disabled {
        out.push(
            Finding::new(
                Cause::IsakmpDisabled,
                name,
                format!("IKE is switched off on {name}, so it can neither start nor answer a negotiation."),
            )
            .certain()
            .evidence([loc])
            .fix(name, vec![Remedy::EnableIke])
            .check(name, "IOS says so in both places", vec![Probe::ShowIkeSa, Probe::DebugIke]),
        );
    }
    let reversed = acl_reversed(leg, out);
    map_and_route(leg, reversed, out);
}

fn route_remedy(dev: &Device, dest: IpNet, wan: Option<&Interface>) -> Remedy {
    let _ = dev;
    Remedy::AddRoute {
        dest,
        next_hop: None,
        interface: wan.map(|i| i.name.clone()),
    }
}

fn map_and_route(leg: &Leg<'_>, reversed: bool, out: &mut Vec<Finding>) {
    let a = leg.a;
    let pol = leg.pol;
    let name = &a.name;
    // A tunnel interface, or a named connection (installed as kernel policy whatever the
    // interface), has no crypto map to apply.
    if matches!(
        pol.kind,
        crate::model::PolicyKind::Vti { .. } | crate::model::PolicyKind::Connection { .. }
    ) {
        return;
    }
    let applied = lookup::applied_interfaces(a, pol);
    let route = a.route_to(leg.target);
    let exit = route.as_ref().and_then(|l| l.exit);
    let connected_applied = applied.iter().find(|i| i.connects(leg.target));
    let exit_ok = connected_applied.is_some()
        || exit.is_some_and(|e| applied.iter().any(|i| i.name == e.name));
    let map = lookup::map_name(pol).unwrap_or_default().to_string();
    if applied.is_empty() {
        let wrong: Vec<&Loc> = lookup::map_lines(a, pol)
            .iter()
            .filter_map(|i| i.crypto_map.as_ref().map(|(_, l)| l))
            .collect();
        let target_iface = exit.map(|e| e.name.clone());
        let summary = if wrong.is_empty() {
            format!(
                "{name}'s crypto map {map} is applied to no interface, so no traffic is ever encrypted and IKE never starts."
            )
        } else {
            format!("{name}'s crypto map {map} is applied only to an interface that is shut down.")
        };
        let mut f = Finding::new(Cause::CryptoMapNotApplied, name, summary)
            .certain()
            .evidence([&pol.loc])
            .evidence(wrong)
            .check(
                name,
                "confirm where the map is applied",
                vec![Probe::ShowPolicies],
            );
        if let Some(t) = target_iface {
            f = f.fix(
                name,
                vec![Remedy::ApplyCryptoMap {
                    map: map.clone(),
                    interface: t,
                    remove_from: None,
                }],
            );
        }
        out.push(f);
        return;
    }
    // The map sits on an interface that holds the protected LAN: the inside interface.
    let local_src: Vec<_> = pol.protected().map(|r| r.flow.src).collect();
    let holds_lan = |n: &IpNet| {
        local_src
            .iter()
            .any(|s| !s.is_any() && s.contains(n.addr()))
    };
    let inside_map = applied.iter().find(|i| {
        i.addresses.iter().any(holds_lan)
            || a.routes.iter().any(|r| {
                r.next_hop.is_none()
                    && r.interface
                        .as_deref()
                        .is_some_and(|n| n.eq_ignore_ascii_case(&i.name))
                    && holds_lan(&r.prefix)
            })
    });
    if let (Some(inside), false) = (inside_map, exit_ok) {
        let to = exit.map(|e| e.name.clone());
        let mut f = Finding::new(
            Cause::CryptoMapNotApplied,
            name,
            format!(
                "{name}'s crypto map {map} is applied to the inside interface {}, not to the interface facing the peer{}, so traffic to {} is never encrypted.",
                inside.name,
                to.as_ref().map(|t| format!(" ({t})")).unwrap_or_default(),
                leg.target
            ),
        )
        .certain()
        .evidence(inside.crypto_map.as_ref().map(|(_, l)| l))
        .evidence([&inside.loc, &pol.loc])
        .check(name, "confirm where the map is applied", vec![Probe::ShowPolicies]);
        if let Some(t) = to {
            f = f.fix(
                name,
                vec![Remedy::ApplyCryptoMap {
                    map,
                    interface: t,
                    remove_from: Some(inside.name.clone()),
                }],
            );
        }
        out.push(f);
        return;
    }
    let wan = applied.first().copied();
    // Without the routing table (show output of other commands only) absence proves nothing.
    if !a.known.routes {
        return;
    }
    if route.is_none() || !exit_ok {
        let mut ev = vec![leg.target_loc.clone()];
        if let Some(r) = route.as_ref()
            && let crate::model::route::RouteSource::Static(r) = r.source
        {
            ev.push(r.loc.clone());
        }
        let how = match exit {
            None => format!("has no route to the peer {}", leg.target),
            Some(e) => format!(
                "routes the peer {} out of {}, which does not carry crypto map {}",
                leg.target,
                e.name,
                lookup::map_name(pol).unwrap_or_default()
            ),
        };
        out.push(
            Finding::new(
                Cause::InitiatorNoRoute,
                name,
                format!("{name} {how}, so IKE towards it is never started."),
            )
            .evidence(&ev)
            .evidence(
                wan.iter()
                    .flat_map(|w| w.crypto_map.as_ref().map(|(_, l)| l)),
            )
            .fix(name, vec![route_remedy(a, IpNet::from(leg.target), wan)])
            .check(
                name,
                "see the routing decision for the peer",
                vec![
                    Probe::ShowRoute { dest: leg.target },
                    Probe::Ping {
                        dest: leg.target,
                        source: leg.a_src,
                    },
                ],
            ),
        );
        return;
    }
    // Traffic to the protected remote network must also leave by the crypto map interface.
    // (A reversed ACL names the local LAN as destination: that finding says it all.)
    for rule in pol.protected().filter(|_| !reversed) {
        let Some(dst) = rule.flow.dst.sample() else {
            continue;
        };
        let r = a.route_to(dst);
        let ok = r
            .as_ref()
            .and_then(|l| l.exit)
            .is_some_and(|e| applied.iter().any(|i| i.name == e.name));
        if !ok {
            let how = match r.as_ref().and_then(|l| l.exit) {
                None => format!("has no route to {}", rule.flow.dst),
                Some(e) => format!(
                    "routes {} out of {}, away from the crypto map interface",
                    rule.flow.dst, e.name
                ),
            };
            let dest = match rule.flow.dst {
                crate::model::AddrSpec::Net { net } => net,
                _ => IpNet::from(dst),
            };
            out.push(
                Finding::new(
                    Cause::InitiatorNoRoute,
                    name,
                    format!("{name} {how} (the destination of its crypto ACL), so that traffic never reaches crypto map {} and never triggers IKE.", lookup::map_name(pol).unwrap_or_default()),
                )
                .evidence([&rule.loc])
                .fix(name, vec![route_remedy(a, dest, wan)])
                .check(name, "see the routing decision", vec![Probe::ShowRoute { dest: dst }]),
            );
            return;
        }
    }
}

fn acl_reversed(leg: &Leg<'_>, out: &mut Vec<Finding>) -> bool {
    let a = leg.a;
    let applied = lookup::applied_interfaces(a, leg.pol);
    let inside = lookup::inside_nets(a, &applied);
    let reversed: Vec<_> = leg
        .pol
        .protected()
        .filter(|r| !r.flow.src.is_any() && !r.flow.dst.is_any())
        .filter(|r| {
            !lookup::spec_overlaps_any(&r.flow.src, &inside)
                && lookup::spec_overlaps_any(&r.flow.dst, &inside)
        })
        .collect();
    if reversed.is_empty() || reversed.len() != leg.pol.protected().count() {
        return false;
    }
    let name = &a.name;
    let acl = leg
        .pol
        .selector_source
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    let lan = a.interfaces.iter().find(|i| {
        i.addresses
            .iter()
            .any(|n| reversed[0].flow.dst.contains(n.addr()))
    });
    out.push(
        Finding::new(
            Cause::CryptoAclReversed,
            name,
            format!(
                "{name}'s crypto ACL {acl} has source and destination the wrong way round ({}): its source is not a network behind {name} but its destination is, so outgoing traffic never matches and IKE is never triggered.",
                reversed[0].flow
            ),
        )
        .certain()
        .evidence(reversed.iter().map(|r| &r.loc))
        .evidence(leg.pol.selector_source.iter().map(|(_, l)| l))
        .evidence(lan.map(|i| &i.loc))
        .fix(
            name,
            vec![Remedy::ReplaceSelectors {
                acl,
                old: reversed.iter().map(|r| r.loc.clone()).collect(),
                new: reversed.iter().map(|r| r.flow.mirrored()).collect(),
            }],
        )
        .check(name, "compare the ACL with the LAN addresses", vec![Probe::ShowPolicies]),
    );
    true
}

/// Keys and certificates the initiator needs before it can start.
pub fn initiator_credentials(leg: &Leg<'_>, auth_psk: bool, out: &mut Vec<Finding>) {
    let a = leg.a;
    let name = &a.name;
    if auth_psk && lookup::psk_for(a, leg.target, None, Role::Sign).is_none() {
        let keys: Vec<&Loc> = a.psks.iter().map(|k| &k.loc).collect();
        let keyring = a.psks.iter().find_map(|k| k.keyring.clone());
        let same_as = leg
            .b
            .map(|b| b.name.clone())
            .unwrap_or_else(|| "the peer".into());
        out.push(
            Finding::new(
                Cause::NoPskForPeer,
                name,
                format!(
                    "{name} has no pre-shared key for its peer {} (\"No Cert or pre-shared address key\"), so it cannot start main or aggressive mode.",
                    leg.target
                ),
            )
            .certain()
            .step(Step::Phase1)
            .evidence([leg.target_loc])
            .evidence(keys)
            .fix(
                name,
                vec![Remedy::SetPsk {
                    ikev2: None,
                    peer: leg.target,
                    keyring,
                    old: a.psks.first().map(|k| k.loc.clone()),
                    same_as,
                }],
            )
            .check(name, "list the keys and the crypto map peer", vec![Probe::ShowKeys, Probe::ShowPolicies, Probe::DebugIke]),
        );
    }
}

/// `set peer` names an address the responder does not have.
pub fn peer_address(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    let (Some(b), true) = (leg.b, leg.wrong_address) else {
        return;
    };
    let a = leg.a;
    let name = &a.name;
    let Some(real) = leg.b_addr() else { return };
    let biface = b.interfaces.iter().find(|i| i.owns(real));
    let key = a.psks.iter().find(|k| match &k.peer {
        crate::model::PeerMatch::Address(s) => s.contains(leg.target),
        _ => false,
    });
    let mut remedies = vec![Remedy::SetPeer {
        policy: leg.pol.label(),
        old: Some(leg.target),
        new: real,
    }];
    if let Some(k) = key {
        remedies.push(Remedy::SetPsk {
            ikev2: None,
            peer: real,
            keyring: k.keyring.clone(),
            old: Some(k.loc.clone()),
            same_as: b.name.clone(),
        });
    }
    out.push(
        Finding::new(
            Cause::PeerAddressMismatch,
            name,
            format!(
                "{name}'s {} names peer {}, but {} is at {real}; IKE is sent to an address where nobody answers.",
                leg.pol.label(),
                leg.target,
                b.name
            ),
        )
        .certain()
        .evidence([leg.target_loc])
        .evidence(key.map(|k| &k.loc))
        .evidence(biface.map(|i| i.address_loc.as_ref().unwrap_or(&i.loc)))
        .fix(name, remedies)
        .check(name, "compare with the peer's real address", vec![Probe::ShowPolicies, Probe::ShowKeys, Probe::Ping { dest: real, source: leg.a_src }]),
    );
}

/// The interface on the responder that receives IKE from this leg.
pub fn b_interface<'a>(leg: &Leg<'a>) -> Option<&'a Interface> {
    let b = leg.b?;
    if let Some(addr) = leg.b_addr()
        && let Some(i) = b.interfaces.iter().find(|i| i.owns(addr))
    {
        return Some(i);
    }
    leg.a_seen.and_then(|s| b.route_to(s)).and_then(|l| l.exit)
}

/// A packet an interface filter drops, and the lines that decide it.
pub struct Drop<'a> {
    pub evidence: Vec<&'a Loc>,
    pub acl: &'a str,
    /// The entry a new permit must precede (the deciding deny, or the first deny).
    pub before: Option<&'a Loc>,
    decided_by: Option<&'a Loc>,
}

impl Drop<'_> {
    pub fn how(&self) -> String {
        match self.decided_by {
            Some(l) => format!("(entry `{}`)", l.text.trim()),
            None => "(no entry permits it: the implicit deny at the end)".into(),
        }
    }
}

/// Runs a packet through an interface filter; returns the deciding lines when it is dropped.
pub fn filter_drops<'a>(
    dev: &'a Device,
    acl_ref: Option<&'a (String, Loc)>,
    p: &Packet,
) -> Option<Drop<'a>> {
    let (acl_name, bind) = acl_ref?;
    // IOS lets everything through an access-group whose list is not defined.
    let acl = dev.acl(acl_name)?;
    let v = acl.evaluate(p);
    if v.action == Action::Permit {
        return None;
    }
    let mut evidence = vec![bind];
    match v.entry {
        Some(e) => evidence.push(&e.loc),
        None => {
            evidence.push(&acl.loc);
            evidence.extend(acl.entries.iter().map(|e| &e.loc).take(12));
        }
    }
    let first_deny = acl
        .entries
        .iter()
        .find(|e| e.action == Action::Deny)
        .map(|e| &e.loc);
    Some(Drop {
        evidence,
        acl: acl_name,
        before: v.entry.map(|e| &e.loc).or(first_deny),
        decided_by: v.entry.map(|e| &e.loc),
    })
}

/// Does IKE get through the responder's inbound filter and the initiator's outbound one?
pub fn reaches(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    let (Some(b), Some(src)) = (leg.b, leg.a_seen) else {
        return;
    };
    let Some(dst) = leg.b_addr() else { return };
    let Some(bif) = b_interface(leg) else { return };
    let ports: &[(u16, Cause)] = if leg.nat {
        &[(500, Cause::IkeBlocked), (4500, Cause::NattBlocked)]
    } else {
        &[(500, Cause::IkeBlocked)]
    };
    for (port, code) in ports {
        let p = Packet {
            proto: PROTO_UDP,
            src,
            dst,
            src_port: Some(*port),
            dst_port: Some(*port),
        };
        if let Some(drop) = filter_drops(b, bif.acl_in.as_ref(), &p) {
            let (ev, acl, before) = (drop.evidence.clone(), drop.acl, drop.before);
            let nat_note = if *port == 4500 {
                format!(
                    " {}'s traffic crosses NAT (it has private address {} but {} knows it as {src}), so IKE moves to UDP 4500 after the first exchange.",
                    leg.a.name,
                    leg.a_src.map(|x| x.to_string()).unwrap_or_default(),
                    b.name
                )
            } else {
                String::new()
            };
            out.push(
                Finding::new(
                    *code,
                    &b.name,
                    format!(
                        "{}'s inbound access list {acl} on {} drops UDP {port} from {src} {}, so {}'s IKE packets never reach it; {} retransmits and gives up.{nat_note}",
                        b.name, bif.name, drop.how(), leg.a.name, leg.a.name
                    ),
                )
                .certain()
                .direction(&leg.a.name, &b.name)
                .evidence(ev)
                .fix(
                    &b.name,
                    vec![Remedy::PermitInFilter {
                        acl: acl.to_string(),
                        interface: bif.name.clone(),
                        before: before.cloned(),
                        permit: PermitSpec {
                            proto: Some(PROTO_UDP),
                            src: AddrSpec::host(src),
                            dst: AddrSpec::host(dst),
                            dst_port: Some(*port),
                            comment: format!("IKE from {}", leg.a.name),
                        },
                    }],
                )
                .check(&b.name, "see the filter and its hit counters", vec![Probe::ShowInterface { name: bif.name.clone() }, Probe::ShowAcl { name: acl.to_string() }])
                .check(&leg.a.name, "the initiator retransmits without reply", vec![Probe::DebugIke, Probe::Capture { local: leg.a_src.or(Some(src)), peer: dst }]),
            );
        }
    }
    // The initiator's own outbound filter.
    let a = leg.a;
    if let (Some(a_src), Some(exit)) = (leg.a_src, a.route_to(leg.target).and_then(|l| l.exit)) {
        let p = Packet {
            proto: PROTO_UDP,
            src: a_src,
            dst: leg.target,
            src_port: Some(500),
            dst_port: Some(500),
        };
        if let Some(drop) = filter_drops(a, exit.acl_out.as_ref(), &p) {
            let (ev, acl, before) = (drop.evidence.clone(), drop.acl, drop.before);
            out.push(
                Finding::new(
                    Cause::IkeBlocked,
                    &a.name,
                    format!(
                        "{}'s outbound access list {acl} on {} drops its own IKE (UDP 500) to {}.",
                        a.name, exit.name, leg.target
                    ),
                )
                .certain()
                .direction(&a.name, &b.name)
                .evidence(ev)
                .fix(
                    &a.name,
                    vec![Remedy::PermitInFilter {
                        acl: acl.to_string(),
                        interface: exit.name.clone(),
                        before: before.cloned(),
                        permit: PermitSpec {
                            proto: Some(PROTO_UDP),
                            src: AddrSpec::host(a_src),
                            dst: AddrSpec::host(leg.target),
                            dst_port: Some(500),
                            comment: format!("IKE to {}", b.name),
                        },
                    }],
                ),
            );
        }
    }
}

/// The responder must be able to route its replies back to the initiator.
pub fn route_back(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    let (Some(b), Some(src)) = (leg.b, leg.a_seen) else {
        return;
    };
    if b.route_to(src).is_some() {
        return;
    }
    let bif = b_interface(leg);
    let back_loc = b
        .policies
        .iter()
        .flat_map(|p| p.peers.iter())
        .find(|(x, _)| *x == src)
        .map(|(_, l)| l);
    out.push(
        Finding::new(
            Cause::ResponderNoRouteBack,
            &b.name,
            format!(
                "{} has no route back to {} ({src}): it receives IKE but its replies cannot leave, so {} keeps retransmitting.",
                b.name, leg.a.name, leg.a.name
            ),
        )
        .direction(&leg.a.name, &b.name)
        .evidence(back_loc)
        .evidence(bif.map(|i| i.address_loc.as_ref().unwrap_or(&i.loc)))
        .evidence(b.routes.iter().map(|r| &r.loc))
        .fix(&b.name, vec![route_remedy(b, IpNet::from(src), bif)])
        .check(&b.name, "confirm the missing route", vec![Probe::ShowRoute { dest: src }, Probe::Ping { dest: src, source: leg.b_addr() }]),
    );
}

fn attrs_of(p: &IkeProposal) -> [(IkeAttr, String); 4] {
    let j = |v: Vec<String>| v.join("/");
    [
        (
            IkeAttr::Encryption,
            j(p.encr.iter().map(|e| e.to_string()).collect()),
        ),
        (
            IkeAttr::Integrity,
            j(p.integ.iter().map(|e| e.to_string()).collect()),
        ),
        (
            IkeAttr::Group,
            j(p.groups.iter().map(|e| e.to_string()).collect()),
        ),
        (
            IkeAttr::Auth,
            p.auth.map(|a| a.to_string()).unwrap_or_default(),
        ),
    ]
}

fn differing(i: &IkeProposal, r: &IkeProposal) -> Vec<IkeAttr> {
    let mut d: Vec<IkeAttr> = attrs_of(i)
        .iter()
        .zip(attrs_of(r).iter())
        .filter(|(x, y)| x.1 != y.1)
        .map(|(x, _)| x.0)
        .collect();
    // IOS accepts an offer whose lifetime is not longer than the responder's.
    if r.lifetime_enforced && i.lifetime_secs > r.lifetime_secs {
        d.push(IkeAttr::Lifetime);
    }
    d
}

fn value_of(p: &IkeProposal, a: IkeAttr) -> Option<IkeValue> {
    Some(match a {
        IkeAttr::Encryption => IkeValue::Encr(*p.encr.first()?),
        IkeAttr::Integrity => IkeValue::Integ(*p.integ.first()?),
        IkeAttr::Group => IkeValue::Group(*p.groups.first()?),
        IkeAttr::Auth => IkeValue::Auth(p.auth?),
        IkeAttr::Lifetime => IkeValue::Lifetime(p.lifetime_secs),
        IkeAttr::Prf => return None,
    })
}

fn describe(p: &IkeProposal, a: IkeAttr) -> String {
    let v = match a {
        IkeAttr::Lifetime => format!("{} s", p.lifetime_secs),
        _ => attrs_of(p)
            .into_iter()
            .find(|(k, _)| *k == a)
            .map(|(_, v)| v)
            .unwrap_or_default(),
    };
    let implied = p.attr_loc(a).is_none() && !p.builtin;
    if implied { format!("{v} (default)") } else { v }
}

/// The outcome of IKE proposal selection on the responder.
pub struct Agreed<'a> {
    pub resp: &'a IkeProposal,
}

/// Main mode proposal matching, IOS style: the responder walks its own policies in priority
/// order and takes the first that matches any offered proposal.
pub fn proposals<'a>(leg: &Leg<'a>, out: &mut Vec<Finding>) -> Option<Agreed<'a>> {
    let b = leg.b?;
    let a = leg.a;
    let v = leg.pol.ike_version;
    if let Some(f) = version_mismatch(leg) {
        out.push(f);
        return None;
    }
    if v == IkeVersion::V2 {
        return proposals_v2(leg, out);
    }
    // An initiator offers its configured policies; built-in ones only when it has none.
    let all: Vec<&IkeProposal> = a.ike_proposals_for(v).collect();
    let offered: Vec<&IkeProposal> = if all.iter().any(|p| !p.builtin) {
        all.into_iter().filter(|p| !p.builtin).collect()
    } else {
        all
    };
    let mine: Vec<&IkeProposal> = b.ike_proposals_for(v).collect();
    if (offered.is_empty() || mine.is_empty()) && (v == IkeVersion::V2 || offered.is_empty()) {
        return None;
    }
    for r in &mine {
        for i in &offered {
            if differing(i, r).is_empty() {
                if i.lifetime_secs != r.lifetime_secs
                    && !(i.builtin && r.builtin)
                    && (i.lifetime_enforced || r.lifetime_enforced)
                {
                    out.push(
                        Finding::new(
                            Cause::LifetimeMismatch,
                            &a.name,
                            format!(
                                "IKE lifetimes differ ({}: {} s, {}: {} s); IOS accepts the shorter offer, but other implementations and releases reject it.",
                                a.name, i.lifetime_secs, b.name, r.lifetime_secs
                            ),
                        )
                        .severity(Severity::Warning)
                        .certain()
                        .step(Step::Phase1)
                        .evidence(i.attr_loc(IkeAttr::Lifetime).or(Some(&i.loc)))
                        .evidence(r.attr_loc(IkeAttr::Lifetime).or(Some(&r.loc)))
                        .fix(&a.name, vec![Remedy::SetIkeAttr { priority: i.priority, attr: IkeAttr::Lifetime, value: IkeValue::Lifetime(r.lifetime_secs) }])
                        .fix(&b.name, vec![Remedy::SetIkeAttr { priority: r.priority, attr: IkeAttr::Lifetime, value: IkeValue::Lifetime(i.lifetime_secs) }]),
                    );
                }
                return Some(Agreed { resp: r });
            }
        }
    }
    // No match: explain with the closest pair of written policies.
    let written = |v: &Vec<&'a IkeProposal>| -> Vec<&'a IkeProposal> {
        let w: Vec<&IkeProposal> = v.iter().copied().filter(|p| !p.builtin).collect();
        if w.is_empty() { v.clone() } else { w }
    };
    let (wi, wr) = (written(&offered), written(&mine));
    let (i, r, diff) = wi
        .iter()
        .flat_map(|i| wr.iter().map(move |r| (*i, *r, differing(i, r))))
        .min_by_key(|(_, _, d)| d.len())?;
    let names: Vec<String> = diff.iter().map(|d| d.to_string()).collect();
    let details: Vec<String> = diff
        .iter()
        .map(|d| {
            format!(
                "{d}: {} {} vs {} {}",
                a.name,
                describe(i, *d),
                b.name,
                describe(r, *d)
            )
        })
        .collect();
    let mut f = Finding::new(
        Cause::IkeProposalMismatch,
        &b.name,
        format!(
            "No IKE policy of {} accepts what {} offers: the closest pair ({} policy {} and {} policy {}) differs in {}: {}.",
            b.name,
            a.name,
            a.name,
            i.priority,
            b.name,
            r.priority,
            names.join(" and "),
            details.join("; ")
        ),
    )
    .certain()
    .direction(&a.name, &b.name);
    for d in &diff {
        f = f
            .evidence(i.attr_loc(*d).or(Some(&i.loc)))
            .evidence(r.attr_loc(*d).or(Some(&r.loc)));
    }
    let set = |p: &IkeProposal, from: &IkeProposal| -> Vec<Remedy> {
        diff.iter()
            .filter_map(|d| {
                value_of(from, *d).map(|value| Remedy::SetIkeAttr {
                    priority: p.priority,
                    attr: *d,
                    value,
                })
            })
            .collect()
    };
    if !i.builtin {
        f = f.fix(&a.name, set(i, r));
    } else {
        f = f.fix(
            &a.name,
            vec![Remedy::AddIkePolicy {
                proposal: Box::new(r.clone()),
            }],
        );
    }
    if !r.builtin {
        f = f.fix(&b.name, set(r, i));
    } else {
        f = f.fix(
            &b.name,
            vec![Remedy::AddIkePolicy {
                proposal: Box::new(i.clone()),
            }],
        );
    }
    f = f
        .check(
            &b.name,
            "the responder says which attribute it rejects",
            vec![Probe::DebugIke, Probe::ShowIkePolicies],
        )
        .check(
            &a.name,
            "compare the offered policies",
            vec![Probe::ShowIkePolicies],
        );
    out.push(f);
    None
}

/// Authentication: the responder needs a key for the initiator, and the keys must be equal.
/// The IKEv2 profile a policy runs under.
fn profile_of<'a>(d: &'a Device, pol: &TunnelPolicy) -> Option<&'a IkeProfile> {
    let (name, _) = pol.ike_profile.as_ref()?;
    d.ike_profiles.iter().find(|p| &p.name == name)
}

/// IKEv2 negotiates no authentication method: each end proves itself its own way, and the
/// other must expect that way (`leftauth`/`rightauth`, `authentication local/remote`).
pub fn auth_methods(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    let (Some(b), Some(seen)) = (leg.b, leg.a_seen) else {
        return;
    };
    if leg.pol.ike_version != IkeVersion::V2 {
        return;
    }
    let a = leg.a;
    let Some(pa) = profile_of(a, leg.pol) else {
        return;
    };
    // The responder's profile for this initiator: only when one alone can be it.
    let mut pbs: Vec<&IkeProfile> = b
        .policies
        .iter()
        .filter(|p| p.ike_version == IkeVersion::V2)
        .filter(|p| p.peers.is_empty() || p.peers.iter().any(|(ip, _)| *ip == seen))
        .filter_map(|p| profile_of(b, p))
        .collect();
    pbs.dedup_by(|x, y| x.name == y.name);
    let [pb] = pbs.as_slice() else {
        return;
    };
    let agree =
        |x: AuthMethod, y: AuthMethod| x == y || (x.uses_certificates() && y.uses_certificates());
    for (signer, sp, verifier, vp) in [(a, pa, b, *pb), (b, *pb, a, pa)] {
        let (Some(proves), Some(wants)) = (sp.auth_local, vp.auth_remote) else {
            continue;
        };
        if agree(proves, wants) {
            continue;
        }
        out.push(
            Finding::new(
                Cause::IkeProposalMismatch,
                &verifier.name,
                format!(
                    "{} proves itself with {proves} ({}), but {} expects {wants} from it ({}): IKE_AUTH fails with AUTHENTICATION_FAILED.",
                    signer.name, sp.name, verifier.name, vp.name
                ),
            )
            .certain()
            .step(Step::Phase1)
            .direction(&a.name, &b.name)
            .evidence([&sp.loc, &vp.loc])
            .check(&signer.name, "compare how each end authenticates", vec![Probe::ShowIkePolicies])
            .check(&verifier.name, "compare how each end authenticates", vec![Probe::ShowIkePolicies, Probe::DebugIke]),
        );
    }
}

pub fn authenticate(leg: &Leg<'_>, agreed: &Agreed<'_>, out: &mut Vec<Finding>) {
    let (Some(b), Some(seen)) = (leg.b, leg.a_seen) else {
        return;
    };
    let a = leg.a;
    let auth = match leg.pol.ike_version {
        IkeVersion::V1 => agreed.resp.auth,
        IkeVersion::V2 => leg
            .pol
            .ike_profile
            .as_ref()
            .and_then(|(n, _)| a.ike_profiles.iter().find(|p| &p.name == n))
            .and_then(|p| p.auth_local),
    };
    if auth.is_some_and(|m| m.uses_certificates()) {
        for d in [a, b] {
            if !d.trustpoints.iter().any(|t| t.has_certificate) {
                out.push(
                    Finding::new(
                        Cause::NoCertificate,
                        &d.name,
                        format!("The agreed IKE policy authenticates with certificates, but {} has no enrolled certificate (no trustpoint with a certificate chain).", d.name),
                    )
                    .step(Step::Phase1)
                    .direction(&a.name, &b.name)
                    .evidence(
                        d.ike_proposals
                            .iter()
                            .find(|p| !p.builtin && p.auth == auth)
                            .map(|p| p.attr_loc(IkeAttr::Auth).unwrap_or(&p.loc)),
                    )
                    .evidence(d.trustpoints.iter().map(|t| &t.loc))
                    .fix(&d.name, vec![Remedy::EnrollCertificate { trustpoint: d.trustpoints.first().map(|t| t.name.clone()) }])
                    .check(&d.name, "see keys and certificates", vec![Probe::ShowCertificates]),
                );
            }
        }
        return;
    }
    if auth != Some(crate::model::AuthMethod::PreShared) {
        return;
    }
    let a_id = lookup::identity_of(a, Some(seen));
    let bkey = lookup::psk_for(b, seen, a_id.as_ref(), Role::Verify);
    let akey = lookup::psk_for(a, leg.target, None, Role::Sign);
    let Some(bkey) = bkey else {
        let keyring = b.psks.iter().find_map(|k| k.keyring.clone());
        out.push(
            Finding::new(
                Cause::NoPskForPeer,
                &b.name,
                format!(
                    "{} has no pre-shared key for {} ({seen}), so it cannot authenticate {}: an IKEv1 responder refuses the proposals or the main mode, an IKEv2 one answers IKE_AUTH with AUTHENTICATION_FAILED.",
                    b.name, a.name, a.name
                ),
            )
            .certain()
            .direction(&a.name, &b.name)
            .evidence(b.psks.iter().map(|k| &k.loc))
            .evidence(akey.map(|k| &k.loc))
            .fix(
                &b.name,
                vec![Remedy::SetPsk {
                    ikev2: None,
                    peer: seen,
                    keyring,
                    old: b.psks.first().map(|k| k.loc.clone()),
                    same_as: a.name.clone(),
                }],
            )
            .check(&b.name, "list the keys", vec![Probe::ShowKeys, Probe::DebugIke]),
        );
        return;
    };
    let Some(akey) = akey else { return };
    compare_keys(leg, seen, akey, bkey, out);
    // IKEv2 may use a different key in each direction: the responder signs, the initiator checks.
    if let (Some(bk), Some(ak)) = (
        lookup::psk_for(b, seen, a_id.as_ref(), Role::Sign),
        lookup::psk_for(a, leg.target, None, Role::Verify),
    ) && (bk.loc != bkey.loc || ak.loc != akey.loc)
    {
        compare_keys(leg, seen, ak, bk, out);
    }
}

fn compare_keys(
    leg: &Leg<'_>,
    seen: std::net::IpAddr,
    akey: &crate::model::PreSharedKey,
    bkey: &crate::model::PreSharedKey,
    out: &mut Vec<Finding>,
) {
    let (a, Some(b)) = (leg.a, leg.b) else { return };
    let v2 = leg.pol.ike_version == IkeVersion::V2;
    match akey.key.same_as(&bkey.key) {
        Some(true) => {}
        Some(false) => out.push(
            Finding::new(
                Cause::PskMismatch,
                &a.name,
                format!(
                    "The pre-shared keys differ: {}'s key for {} and {}'s key for {} are not the same string, so {}.",
                    a.name, leg.target, b.name, seen,
                    if v2 { "IKE_AUTH fails (AUTHENTICATION_FAILED)" } else { "main mode fails at messages 5/6 (IKMP_BAD_MESSAGE / \"reserved not zero on NOTIFY payload\")" }
                ),
            )
            .certain()
            .direction(&a.name, &b.name)
            .evidence([&akey.loc, &bkey.loc])
            .fix(&a.name, vec![set_psk(akey, leg.target, &b.name, v2)])
            .fix(&b.name, vec![set_psk(bkey, seen, &a.name, v2)])
            .check(&a.name, "the failure shows at MM5", vec![Probe::DebugIke]),
        ),
        None => out.push(
            Finding::new(
                Cause::PskMismatch,
                &a.name,
                format!("{}'s and {}'s keys are stored encrypted with device-local master keys (type 6) and cannot be compared from the configs.", a.name, b.name),
            )
            .severity(Severity::Info)
            .direction(&a.name, &b.name)
            .evidence([&akey.loc, &bkey.loc])
            .check(&a.name, "authentication failures show at MM5", vec![Probe::DebugIke]),
        ),
    }
}

/// The responder's policies for this peer all speak the other IKE version.
/// The IKE versions alone, where the proposals are not in the evidence (a connection
/// listing shows each connection's version but not its proposals).
pub fn versions(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    out.extend(version_mismatch(leg));
}

fn version_mismatch(leg: &Leg<'_>) -> Option<Finding> {
    let b = leg.b?;
    let bif = b_interface(leg)?;
    let theirs: Vec<&crate::model::TunnelPolicy> = b
        .policies
        .iter()
        .filter(|p| {
            lookup::applied_interfaces(b, p)
                .iter()
                .any(|i| i.name == bif.name)
        })
        .filter(|p| {
            lookup::any_peer(p)
                || leg
                    .a_seen
                    .is_some_and(|s| p.peers.iter().any(|(x, _)| *x == s))
        })
        .collect();
    let v = leg.pol.ike_version;
    if theirs.is_empty() || theirs.iter().any(|p| p.ike_version == v) {
        return None;
    }
    let other = theirs[0].ike_version;
    let a = leg.a;
    Some(
        Finding::new(
            Cause::IkeVersionMismatch,
            &b.name,
            format!(
                "{} starts {v} for {} but {} runs {other} for {} ({}), so the first exchange is refused (NO_PROPOSAL_CHOSEN, INVALID_MAJOR_VERSION) or never answered.",
                a.name,
                leg.pol.label(),
                b.name,
                a.name,
                theirs[0].label()
            ),
        )
        .certain()
        .direction(&a.name, &b.name)
        .evidence(leg.pol.ike_profile.iter().map(|(_, l)| l))
        .evidence([&leg.pol.loc])
        .evidence(theirs[0].ike_profile.iter().map(|(_, l)| l))
        .evidence([&theirs[0].loc])
        .check(&a.name, "see which version is negotiated", vec![Probe::ShowIkeSa, Probe::DebugIke]),
    )
}

fn overlap<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// IKEv2 proposals list several transforms of each type; any common combination will do.
fn v2_differing(i: &IkeProposal, r: &IkeProposal) -> Vec<IkeAttr> {
    let mut d = Vec::new();
    if !overlap(&i.encr, &r.encr) {
        d.push(IkeAttr::Encryption);
    }
    let aead = |p: &IkeProposal| p.encr.iter().all(|e| e.is_aead());
    let aead_both = aead(i) && aead(r);
    if !aead_both && !overlap(&i.integ, &r.integ) {
        d.push(IkeAttr::Integrity);
    }
    if !i.prf.is_empty() && !r.prf.is_empty() && !overlap(&i.prf, &r.prf) {
        d.push(IkeAttr::Prf);
    }
    if !overlap(&i.groups, &r.groups) {
        d.push(IkeAttr::Group);
    }
    d
}

fn list<T: std::fmt::Display>(v: &[T]) -> String {
    v.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("/")
}

fn proposals_v2<'a>(leg: &Leg<'a>, out: &mut Vec<Finding>) -> Option<Agreed<'a>> {
    let (a, b) = (leg.a, leg.b?);
    let offered: Vec<&IkeProposal> = a.ike_proposals_for(IkeVersion::V2).collect();
    let mine: Vec<&IkeProposal> = b.ike_proposals_for(IkeVersion::V2).collect();
    for r in &mine {
        for i in &offered {
            if v2_differing(i, r).is_empty() {
                return Some(Agreed { resp: r });
            }
        }
    }
    let (i, r, diff) = offered
        .iter()
        .flat_map(|i| mine.iter().map(move |r| (*i, *r, v2_differing(i, r))))
        .min_by_key(|(_, _, d)| d.len())?;
    let words = |p: &IkeProposal, d: IkeAttr| match d {
        IkeAttr::Encryption => list(&p.encr),
        IkeAttr::Integrity => list(&p.integ),
        IkeAttr::Prf => list(&p.prf),
        IkeAttr::Group => list(&p.groups),
        _ => String::new(),
    };
    let details: Vec<String> = diff
        .iter()
        .map(|d| {
            format!(
                "{d} {} on {}, {} on {}",
                words(i, *d),
                a.name,
                words(r, *d),
                b.name
            )
        })
        .collect();
    let mut f = Finding::new(
        Cause::IkeProposalMismatch,
        &b.name,
        format!(
            "No IKEv2 proposal in common: {} answers NO_PROPOSAL_CHOSEN to {}'s IKE_SA_INIT; proposals {} and {} share no {}.",
            b.name,
            a.name,
            i.name,
            r.name,
            details.join("; ")
        ),
    )
    .certain()
    .direction(&a.name, &b.name)
    .check(&b.name, "the responder logs the rejected transforms", vec![Probe::DebugIke])
    .check(&a.name, "compare the proposals", vec![Probe::ShowIkePolicies]);
    for d in &diff {
        f = f
            .evidence(i.attr_loc(*d).or(Some(&i.loc)))
            .evidence(r.attr_loc(*d).or(Some(&r.loc)));
    }
    out.push(f);
    None
}

fn set_psk(
    k: &crate::model::PreSharedKey,
    peer: std::net::IpAddr,
    same_as: &str,
    v2: bool,
) -> Remedy {
    Remedy::SetPsk {
        peer,
        keyring: k.keyring.clone(),
        ikev2: v2.then(|| (k.entry.clone(), k.usage)),
        // Entering the key again for the same address replaces it.
        old: None,
        same_as: same_as.to_string(),
    }
}
