//! The last step: with SAs up, do packets cross? ESP/AH through filters and NAT, inner
//! traffic through the double-checked interface ACL, and the route to the protected LAN.

use super::cause::Cause;
use super::finding::{Finding, PermitSpec, Probe, Remedy, Severity};
use super::pairing::Leg;
use super::phase1::{b_interface, filter_drops};
use super::phase2::Chosen;
use crate::evidence::{Event, EventKind};
use crate::model::net::{PROTO_AH, PROTO_ESP, PROTO_ICMP, PROTO_TCP, PROTO_UDP, Packet};
use crate::model::{AddrSpec, Loc, PolicyKind};
use ipnet::IpNet;
use std::net::IpAddr;

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

/// The smallest path MTU worth assuming: IPv4's minimum datagram every host must take. A
/// link below it is not plausible; packets that small are not lost to the MTU.
const MIN_PATH_MTU: u64 = 576;
/// The least ESP tunnel mode adds to a packet (outer IPv4 header, SPI and sequence number,
/// padding length and next header, an 8-byte ICV); real suites add more.
const MIN_ESP_OVERHEAD: u64 = 38;
/// IP and ICMP headers before a ping's data (`ping -s N` sends N + 28 bytes).
const PING_HEADERS: u64 = 28;

/// One end's counters of an SA pair, as the engine compares them.
struct Side<'a> {
    ev: &'a Event,
    local: Option<IpAddr>,
    encaps: u64,
    decaps: u64,
    encaps_bytes: Option<u64>,
    decaps_bytes: Option<u64>,
    spi_in: Option<u32>,
    spi_out: Option<u32>,
    out_at: Option<&'a Loc>,
    local_ident: Option<&'a AddrSpec>,
    remote_ident: Option<&'a AddrSpec>,
}

fn side(ev: &Event) -> Option<Side<'_>> {
    match &ev.kind {
        EventKind::Counters {
            local,
            encaps,
            decaps,
            encaps_bytes,
            decaps_bytes,
            spi_in,
            spi_out,
            out_at,
            local_ident,
            remote_ident,
            sas_up: true,
            ..
        } => Some(Side {
            ev,
            local: *local,
            encaps: *encaps,
            decaps: *decaps,
            encaps_bytes: *encaps_bytes,
            decaps_bytes: *decaps_bytes,
            spi_in: *spi_in,
            spi_out: *spi_out,
            out_at: out_at.as_deref(),
            local_ident: local_ident.as_ref(),
            remote_ident: remote_ident.as_ref(),
        }),
        _ => None,
    }
}

/// The far end's counters of the SA pair `a` sends into: the one whose inbound SPI is `a`'s
/// outbound SPI; without SPIs, the one with mirrored selectors; without either, the only one.
/// Among several listings of the same SA, the last (counters only grow).
fn partner<'a>(a: &Side<'_>, theirs: &[Side<'a>]) -> Option<&'a Event> {
    // The far end's counters must be about this end (when both tell an address).
    let about_us = |b: &&Side<'a>| match (a.local, b.ev.peer) {
        (Some(l), Some(p)) => l == p,
        _ => true,
    };
    let cands: Vec<&Side<'a>> = theirs.iter().filter(about_us).collect();
    if let Some(out) = a.spi_out
        && cands.iter().any(|b| b.spi_in.is_some())
    {
        return cands.iter().rfind(|b| b.spi_in == Some(out)).map(|b| b.ev);
    }
    if let (Some(li), Some(ri)) = (a.local_ident, a.remote_ident)
        && cands
            .iter()
            .any(|b| b.local_ident.is_some() && b.remote_ident.is_some())
    {
        return cands
            .iter()
            .rfind(|b| b.local_ident == Some(ri) && b.remote_ident == Some(li))
            .map(|b| b.ev);
    }
    match cands.as_slice() {
        [b] => Some(b.ev),
        _ => None,
    }
}

/// DF ping data sizes to try, largest first: from about the lost packets' average down in
/// steps of 100, never below what crossed.
fn ping_sizes(avg_lost: u64, avg_got: u64) -> Vec<u32> {
    let top = avg_lost.min(1500).saturating_sub(PING_HEADERS);
    let floor = avg_got.saturating_sub(PING_HEADERS);
    let mut v = vec![top];
    let mut n = top / 100 * 100;
    while v.len() < 6 && n > floor && n >= 100 {
        if n < top {
            v.push(n);
        }
        n -= 100;
    }
    v.into_iter()
        .filter_map(|n| u32::try_from(n).ok())
        .collect()
}

/// Two ends' counters of the same SA pair: `d` sent more than `other` received, and the
/// bytes lost with them say the lost packets were the large ones — small packets cross,
/// large ones vanish. The counters give no size per packet, only totals, so this is a likely
/// path-MTU black hole, to be confirmed with DF pings of decreasing size.
pub fn lost_large(d: &str, other: &str, ours: &Event, theirs: &[&Event]) -> Option<Finding> {
    let a = side(ours)?;
    let sides: Vec<Side<'_>> = theirs.iter().filter_map(|e| side(e)).collect();
    let their_ev = partner(&a, &sides)?;
    let b = side(their_ev)?;
    let (sent, sent_b) = (a.encaps, a.encaps_bytes?);
    let (got, got_b) = (b.decaps, b.decaps_bytes?);
    // Nothing arrived: all lost whatever their size (ESP blocked, judged elsewhere). More
    // arrived than left: the listings were taken at different times.
    if got == 0 || got >= sent || got_b >= sent_b {
        return None;
    }
    let (lost, lost_b) = (sent - got, sent_b - got_b);
    let (avg_lost, avg_got) = (lost_b / lost, got_b / got);
    // An IP packet is at most 65535 bytes: larger averages mean counters out of step.
    let far_below = avg_got.max(1).saturating_mul(2) <= avg_lost;
    let above_mtu = avg_lost.saturating_add(MIN_ESP_OVERHEAD) > MIN_PATH_MTU;
    if !far_below || !above_mtu || avg_lost > 65535 {
        return None;
    }
    let spi = a
        .spi_out
        .map(|s| format!(" (SPI 0x{s:08x})"))
        .unwrap_or_default();
    let summary = format!(
        "{d} sent {sent} packets ({sent_b} bytes) into its IPsec SA with {other}{spi} and {other} received {got} ({got_b} bytes) on it: the {lost} lost packets carried {lost_b} bytes, {avg_lost} bytes each on average, while those that arrived average {avg_got}. Small packets cross and large ones vanish: likely a path-MTU black hole — a link on the way has a smaller MTU and the ICMP fragmentation-needed that would tell {d} is dropped, so Path MTU Discovery cannot adapt. The counters give totals, not each packet's size (and the two listings may not be from the same moment): confirm with DF pings of decreasing size."
    );
    let dest = a
        .remote_ident
        .and_then(|r| r.sample())
        .or(ours.peer)
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let source = a.remote_ident.and(a.local_ident).and_then(|l| l.sample());
    let fix = |who: &str| {
        vec![Remedy::Text {
            text: format!(
                "make what {who} sends into the tunnel fit the path: a lower MTU on its tunnel interface or route, and TCP MSS clamped (e.g. to 1350, or below what the DF pings find); and have the path pass ICMP fragmentation-needed (IPv4 type 3 code 4, IPv6 packet too big)"
            ),
        }]
    };
    // Where the far end reaches this one: this end's address, or the peer its listing names.
    let back = a
        .local
        .or(their_ev.peer)
        .unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let f = Finding::new(Cause::PmtuBlackHole, d, summary)
        .direction(d, other)
        .evidence(a.out_at.or(Some(&ours.at)))
        .evidence([&their_ev.at])
        .fix(d, fix(d))
        .fix(other, fix(other))
        .check(
            d,
            "send DF pings of decreasing size through the tunnel: the large ones get no answer and no ICMP error, the largest answered bounds the path MTU",
            vec![Probe::PingDf {
                dest,
                source,
                sizes: ping_sizes(avg_lost, avg_got),
            }],
        )
        .check(
            other,
            "the received counters stay behind the peer's sent counters while large packets are sent",
            vec![Probe::ShowIpsecSa { peer: back }],
        );
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    /// Counters of one end: (packets, bytes) out and in, SPIs (in, out).
    fn counters(
        file: &str,
        local: &str,
        peer: &str,
        out: (u64, Option<u64>),
        inn: (u64, Option<u64>),
        spis: (Option<u32>, Option<u32>),
    ) -> Event {
        let f: Arc<str> = Arc::from(file);
        Event {
            at: Loc::line(&f, 8, "in"),
            device: None,
            time: None,
            peer: peer.parse().ok(),
            kind: EventKind::Counters {
                local: local.parse().ok(),
                encaps: out.0,
                decaps: inn.0,
                encaps_bytes: out.1,
                decaps_bytes: inn.1,
                spi_in: spis.0,
                spi_out: spis.1,
                out_at: Some(Box::new(Loc::line(&f, 9, "out"))),
                send_errors: 0,
                recv_errors: 0,
                path_mtu: None,
                local_ident: None,
                remote_ident: None,
                sas_up: true,
            },
        }
    }

    const L: &str = "198.51.100.1";
    const R: &str = "203.0.113.1";
    const SPIS_L: (Option<u32>, Option<u32>) = (Some(0x6e5b09b0), Some(0xdf528f98));
    const SPIS_R: (Option<u32>, Option<u32>) = (Some(0xdf528f98), Some(0x6e5b09b0));

    fn judge(out: (u64, Option<u64>), got: (u64, Option<u64>)) -> Option<Finding> {
        let left = counters("l", L, R, out, (3, Some(252)), SPIS_L);
        let right = counters("r", R, L, (3, Some(252)), got, SPIS_R);
        lost_large("left", "right", &left, &[&right])
    }

    #[test]
    fn large_packets_lost_is_a_likely_black_hole() {
        // The lab run: 6 packets / 4236 bytes sent, 3 / 252 received.
        let f = judge((6, Some(4236)), (3, Some(252))).expect("a finding");
        assert_eq!(f.code, Cause::PmtuBlackHole);
        assert_eq!(f.confidence, super::super::finding::Confidence::Likely);
        assert!(f.summary.contains("1328 bytes each"), "{}", f.summary);
        // The sender's `out` line and the receiver's `in` line.
        let cited: Vec<(&str, Option<u32>)> =
            f.evidence.iter().map(|l| (&*l.file, l.line)).collect();
        assert_eq!(cited, [("l", Some(9)), ("r", Some(8))]);
        let sizes = f.checks.iter().find_map(|c| {
            c.probes.iter().find_map(|p| match p {
                Probe::PingDf { sizes, .. } => Some(sizes.clone()),
                _ => None,
            })
        });
        assert_eq!(sizes, Some(vec![1300, 1200, 1100, 1000, 900, 800]));
    }

    #[test]
    fn other_losses_are_not_a_black_hole() {
        // Nothing arrived: ESP blocked, whatever the size.
        assert!(judge((6, Some(4236)), (0, Some(0))).is_none());
        // Nothing lost (healthy).
        assert!(judge((3, Some(252)), (3, Some(252))).is_none());
        // Lost packets no larger than those that crossed: random loss, not the MTU.
        assert!(judge((1000, Some(700_000)), (990, Some(693_000))).is_none());
        // Lost ones larger, but all small enough for any plausible path.
        assert!(judge((6, Some(1000)), (3, Some(252))).is_none());
        // No byte counters (IOS): nothing to tell sizes by.
        assert!(judge((6, None), (3, None)).is_none());
        // The far end counted more than was sent: listings from different moments.
        assert!(judge((6, Some(4236)), (7, Some(4400))).is_none());
        // Impossible averages and huge counters never panic.
        assert!(judge((2, Some(u64::MAX)), (1, Some(84))).is_none());
        assert!(judge((u64::MAX, Some(u64::MAX)), (1, Some(u64::MAX - 1))).is_none());
    }

    #[test]
    fn counters_pair_by_spi() {
        let left = counters("l", L, R, (6, Some(4236)), (3, Some(252)), SPIS_L);
        // The far end lists another SA pair (a rekeyed one): not comparable.
        let other = counters(
            "r",
            R,
            L,
            (3, Some(252)),
            (3, Some(252)),
            (Some(1), Some(2)),
        );
        assert!(lost_large("left", "right", &left, &[&other]).is_none());
        let right = counters("r", R, L, (3, Some(252)), (3, Some(252)), SPIS_R);
        assert!(lost_large("left", "right", &left, &[&other, &right]).is_some());
        // Counters the far end keeps about a third host are not about this end.
        let third = counters(
            "r",
            R,
            "192.0.2.99",
            (3, Some(252)),
            (3, Some(252)),
            (None, None),
        );
        let left_nospi = counters("l", L, R, (6, Some(4236)), (3, Some(252)), (None, None));
        assert!(lost_large("left", "right", &left_nospi, &[&third]).is_none());
    }
}
