//! The last step: with SAs up, do packets cross? ESP/AH through filters and NAT, inner
//! traffic through the double-checked interface ACL, and the route to the protected LAN.

use super::cause::Cause;
use super::finding::{Finding, PermitSpec, Probe, Remedy, Severity};
use super::pairing::Leg;
use super::phase1::{b_interface, filter_drops};
use super::phase2::Chosen;
use crate::model::net::{PROTO_AH, PROTO_ESP, PROTO_ICMP, PROTO_TCP, PROTO_UDP, Packet};
use crate::model::{AddrSpec, PolicyKind};
use ipnet::IpNet;

pub fn crosses(leg: &Leg<'_>, chosen: &Chosen<'_>, out: &mut Vec<Finding>) {
    let (Some(b), Some(src)) = (leg.b, leg.a_seen) else {
        return;
    };
    let a = leg.a;
    let Some(dst) = leg.b_addr() else { return };
    let Some(bif) = b_interface(leg) else { return };
    let (uses_esp, uses_ah) = match chosen.transform {
        Some((p, _)) => (p.uses_esp(), p.uses_ah()),
        None => (true, false),
    };
    if leg.nat && uses_ah {
        out.push(
            Finding::new(
                Cause::NatBreaksIpsec,
                &a.name,
                format!("{} sits behind NAT but the transform set uses AH, whose integrity check covers the outer IP header that NAT rewrites; AH cannot cross NAT.", a.name),
            )
            .direction(&a.name, &b.name)
            .evidence(chosen.transform.map(|(p, _)| &p.loc))
            .fix(&a.name, vec![Remedy::Text { text: "use an ESP-only transform set (ESP authentication instead of AH) on both peers".into() }]),
        );
    }
    let mut esp_ok = true;
    let protos: Vec<(u8, Cause, &str)> = if leg.nat {
        Vec::new()
    } else {
        let mut v = Vec::new();
        if uses_esp {
            v.push((PROTO_ESP, Cause::EspBlocked, "ESP (IP protocol 50)"));
        }
        if uses_ah {
            v.push((PROTO_AH, Cause::AhBlocked, "AH (IP protocol 51)"));
        }
        v
    };
    for (proto, code, what) in protos {
        let p = Packet {
            proto,
            src,
            dst,
            src_port: None,
            dst_port: None,
        };
        if let Some(drop) = filter_drops(b, bif.acl_in.as_ref(), &p) {
            let (ev, acl, before) = (drop.evidence.clone(), drop.acl, drop.before);
            esp_ok = false;
            out.push(
                Finding::new(
                    code,
                    &b.name,
                    format!(
                        "{}'s inbound access list {acl} on {} drops {what} from {} {}: both phases complete, but every packet {} encrypts dies there (encaps counting up on {}, no decaps on {}).",
                        b.name, bif.name, a.name, drop.how(), a.name, a.name, b.name
                    ),
                )
                .certain()
                .direction(&a.name, &b.name)
                .evidence(ev)
                .fix(&b.name, vec![Remedy::PermitInFilter {
                    acl: acl.to_string(),
                    interface: bif.name.clone(),
                    before: before.cloned(),
                    permit: PermitSpec { proto: Some(proto), src: AddrSpec::host(src), dst: AddrSpec::host(dst), dst_port: None, comment: format!("IPsec from {}", a.name) },
                }])
                .check(&b.name, "watch the deny counters grow", vec![Probe::ShowAcl { name: acl.to_string() }, Probe::ShowIpsecSa { peer: src }])
                .check(&a.name, "encaps grow while the peer's decaps stay at 0", vec![Probe::ShowIpsecSa { peer: leg.target }]),
            );
        }
    }
    if esp_ok {
        inner(leg, chosen, out);
    }
    protected_route(leg, chosen, out);
}

/// Older IOS checks decrypted packets against the inbound ACL a second time.
fn inner(leg: &Leg<'_>, chosen: &Chosen<'_>, out: &mut Vec<Finding>) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    let Some(bif) = b_interface(leg) else { return };
    if bif.acl_in.is_none() || matches!(leg.pol.kind, PolicyKind::Vti { .. }) {
        return;
    }
    for rule in &chosen.flows {
        let (Some(s), Some(d)) = (rule.flow.src.sample(), rule.flow.dst.sample()) else {
            continue;
        };
        let probes = [
            (PROTO_ICMP, Some(8)),
            (PROTO_TCP, Some(80)),
            (PROTO_UDP, Some(53)),
        ];
        let probes: Vec<_> = probes
            .into_iter()
            .filter(|(p, _)| rule.flow.proto.is_none_or(|x| x == *p))
            .collect();
        let drops: Vec<_> = probes
            .iter()
            .filter_map(|(proto, port)| {
                let p = Packet {
                    proto: *proto,
                    src: s,
                    dst: d,
                    src_port: port.filter(|_| *proto != PROTO_ICMP).map(|_| 40000),
                    dst_port: *port,
                };
                filter_drops(b, bif.acl_in.as_ref(), &p)
            })
            .collect();
        if drops.len() == probes.len() && !drops.is_empty() {
            let d0 = &drops[0];
            let (ev, acl, before) = (&d0.evidence, d0.acl, &d0.before);
            out.push(
                Finding::new(
                    Cause::InnerTrafficNotPermitted,
                    &b.name,
                    format!(
                        "{}'s inbound access list {acl} on {} permits the IPsec packets but not the decrypted traffic inside them ({} → {}); packets are checked twice, so they are dropped after decryption.",
                        b.name, bif.name, rule.flow.src, rule.flow.dst
                    ),
                )
                .direction(&a.name, &b.name)
                .evidence(ev.iter().copied())
                .evidence([&rule.loc])
                .fix(&b.name, vec![Remedy::PermitInFilter {
                    acl: acl.to_string(),
                    interface: bif.name.clone(),
                    before: before.cloned(),
                    permit: PermitSpec { proto: None, src: rule.flow.src, dst: rule.flow.dst, dst_port: None, comment: format!("decrypted traffic from {}", a.name) },
                }])
                .check(&b.name, "watch which entry counts the drops", vec![Probe::ShowAcl { name: acl.to_string() }, Probe::ShowIpsecSa { peer: leg.a_seen.unwrap_or(leg.target) }]),
            );
            return;
        }
    }
}

/// After decryption the responder must be able to deliver to its protected network.
fn protected_route(leg: &Leg<'_>, chosen: &Chosen<'_>, out: &mut Vec<Finding>) {
    let (a, Some(b)) = (leg.a, leg.b) else {
        return;
    };
    if !b.known.routes {
        return;
    }
    let bif = b_interface(leg);
    for rule in &chosen.flows {
        let Some(d) = rule.flow.dst.sample() else {
            continue;
        };
        let l = b.route_to(d);
        let back_out = l
            .as_ref()
            .and_then(|l| l.exit)
            .zip(bif)
            .is_some_and(|(e, w)| e.name == w.name);
        if l.is_some() && !back_out {
            continue;
        }
        let local = chosen
            .resp
            .protected()
            .find(|r| r.flow.src.contains(d))
            .unwrap_or(rule);
        let dest = match rule.flow.dst {
            AddrSpec::Net { net } => net,
            _ => IpNet::from(d),
        };
        out.push(
            Finding::new(
                Cause::ResponderNoRouteToProtectedNet,
                &b.name,
                format!(
                    "{} protects {} in its crypto ACL but has no route to it{}, so traffic from {} is decrypted and then cannot be delivered.",
                    b.name,
                    rule.flow.dst,
                    if back_out { " other than back out of the interface facing the peer" } else { "" },
                    a.name
                ),
            )
            .direction(&a.name, &b.name)
            .evidence([&local.loc])
            .evidence(b.routes.iter().map(|r| &r.loc).take(6))
            .fix(&b.name, vec![Remedy::AddRoute { dest, next_hop: None, interface: None }])
            .check(&b.name, "confirm the route", vec![Probe::ShowRoute { dest: d }]),
        );
        return;
    }
}

/// `any` in a crypto ACL also catches routing protocols and management traffic.
pub fn acl_any(leg: &Leg<'_>, out: &mut Vec<Finding>) {
    // Route-based: only traffic routed into the tunnel interface meets the selectors.
    if leg.pol.route_based() {
        return;
    }
    let a = leg.a;
    let any: Vec<_> = leg
        .pol
        .protected()
        .filter(|r| r.flow.src.is_any() || r.flow.dst.is_any())
        .collect();
    if any.is_empty() {
        return;
    }
    let acl = leg
        .pol
        .selector_source
        .as_ref()
        .map(|(n, _)| n.clone())
        .unwrap_or_default();
    out.push(
        Finding::new(
            Cause::CryptoAclAny,
            &a.name,
            format!(
                "{}'s crypto ACL {acl} uses `any` ({}): it also catches routing-protocol and management traffic, which is then dropped or sent into the tunnel.",
                a.name, any[0].flow
            ),
        )
        .severity(Severity::Warning)
        .certain()
        .evidence(any.iter().map(|r| &r.loc))
        .fix(&a.name, vec![Remedy::Text { text: format!("replace `any` in ACL {acl} with the protected subnets, or put deny entries for control traffic (routing protocols, management) before it") }])
        .check(&a.name, "see what the ACL matches", vec![Probe::ShowAcl { name: acl.clone() }]),
    );
}
