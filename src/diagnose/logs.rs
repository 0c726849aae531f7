//! What the devices' own output says: debug lines, syslog and show states turned into
//! findings. A line from the device's own log proves what happened there (certain); what it
//! implies about the cause may still be an inference (likely).

use super::cause::{Cause, Step};
use super::finding::{Confidence, Finding, Probe, Remedy, Severity};

/// How to fix a clock on IOS: set it now, and keep it with NTP.
const CLOCK_FIX: &str = "set the clock (exec: `clock set hh:mm:ss day month year`) and keep it right with NTP (`ntp server <address>`)";
use crate::evidence::{Direction, Event, EventKind, Rejected};
use crate::model::Device;
use std::net::IpAddr;

/// The events of one device about one peer.
struct Stream<'a> {
    device: &'a str,
    peer: Option<IpAddr>,
    events: Vec<&'a Event>,
}

impl Stream<'_> {
    fn any(&self, f: impl Fn(&EventKind) -> bool) -> bool {
        self.events.iter().any(|e| f(&e.kind))
    }
    fn locs(&self, f: impl Fn(&EventKind) -> bool) -> Vec<&crate::model::Loc> {
        self.events
            .iter()
            .filter(|e| f(&e.kind))
            .map(|e| &e.at)
            .collect()
    }
    fn peer_text(&self) -> String {
        self.peer
            .map(|p| p.to_string())
            .unwrap_or_else(|| "its peer".into())
    }
}

/// Groups events by device and peer; lines with no peer join the device's only peer.
fn streams(events: &[Event]) -> Vec<Stream<'_>> {
    // Each device's only peer, when it talks to exactly one (None: several or none).
    let mut only: std::collections::HashMap<&str, Option<Option<IpAddr>>> = Default::default();
    for e in events {
        let dev = e.device.as_deref().unwrap_or("?");
        if let Some(p) = e.peer {
            let slot = only.entry(dev).or_insert(Some(Some(p)));
            if *slot != Some(Some(p)) {
                *slot = None;
            }
        }
    }
    let mut out: Vec<Stream<'_>> = Vec::new();
    let mut index: std::collections::HashMap<(&str, Option<IpAddr>), usize> = Default::default();
    for e in events {
        let dev = e.device.as_deref().unwrap_or("?");
        let peer = e
            .peer
            .or_else(|| only.get(dev).copied().flatten().flatten());
        let i = *index.entry((dev, peer)).or_insert_with(|| {
            out.push(Stream {
                device: dev,
                peer,
                events: Vec::new(),
            });
            out.len() - 1
        });
        out[i].events.push(e);
    }
    out
}

/// Who owns an address among the devices in evidence.
fn owner(devices: &[Device], ip: Option<IpAddr>) -> Option<&Device> {
    let ip = ip?;
    devices.iter().find(|d| d.owns(ip))
}

fn attr_word(r: Rejected) -> &'static str {
    match r {
        Rejected::Encryption => "encryption",
        Rejected::Hash => "hash",
        Rejected::Auth => "authentication method",
        Rejected::Group => "Diffie-Hellman group",
        Rejected::Lifetime => "lifetime",
        Rejected::Version => "IKE version",
    }
}

pub fn findings(devices: &[Device], events: &[Event], known: &[Finding]) -> Vec<Finding> {
    let mut out = Vec::new();
    let all = streams(events);
    // Addresses a device's own output names as local, and each device's streams.
    let mut local_of: std::collections::HashMap<IpAddr, String> = Default::default();
    for e in events {
        if let (EventKind::Counters { local: Some(l), .. }, Some(d)) = (&e.kind, &e.device) {
            local_of.entry(*l).or_insert_with(|| d.clone());
        }
    }
    // Two logs that each talk to one address talk to each other (the peers' addresses are
    // often in no evidence when only debug output is given).
    let mut talks: Vec<(&str, Vec<IpAddr>)> = Vec::new();
    for s in &all {
        match talks.iter_mut().find(|(d, _)| *d == s.device) {
            Some((_, v)) => v.extend(s.peer),
            None => talks.push((s.device, s.peer.into_iter().collect())),
        }
    }
    for (_, v) in &mut talks {
        v.sort();
        v.dedup();
    }
    if let [(a, pa), (b, pb)] = talks.as_slice()
        && let ([x], [y]) = (pa.as_slice(), pb.as_slice())
        && x != y
        && owner(devices, Some(*x)).is_none()
        && owner(devices, Some(*y)).is_none()
    {
        local_of.entry(*x).or_insert_with(|| b.to_string());
        local_of.entry(*y).or_insert_with(|| a.to_string());
    }
    let mut by_device: std::collections::HashMap<&str, Vec<&Stream<'_>>> = Default::default();
    for s in &all {
        by_device.entry(s.device).or_default().push(s);
    }
    for s in &all {
        let d = s.device;
        // The peer's name: from configs, or from its own output naming the address as local.
        let peer_name = owner(devices, s.peer)
            .map(|x| x.name.clone())
            .or_else(|| s.peer.and_then(|p| local_of.get(&p).cloned()));
        let mut parties = vec![
            d.to_string(),
            peer_name.clone().unwrap_or_else(|| s.peer_text()),
        ];
        parties.sort();
        let other = peer_name.clone().unwrap_or_else(|| s.peer_text());
        let mut push = |mut f: Finding| {
            f.parties = parties.clone();
            out.push(f);
        };
        // The peer's own log about us, when we have it.
        let theirs: Vec<&Stream<'_>> = peer_name
            .as_deref()
            .and_then(|n| by_device.get(n))
            .cloned()
            .unwrap_or_default();

        if s.any(|k| matches!(k, EventKind::IkeDisabled)) {
            push(
                Finding::new(
                    Cause::IsakmpDisabled,
                    d,
                    format!("{d} says ISAKMP is turned off, so it neither starts nor answers IKE."),
                )
                .certain()
                .evidence(s.locs(|k| matches!(k, EventKind::IkeDisabled)))
                .fix(d, vec![super::Remedy::EnableIke]),
            );
        }
        let no_key = s.any(|k| matches!(k, EventKind::NoKey));
        if no_key {
            push(
                Finding::new(
                    Cause::NoPskForPeer,
                    d,
                    format!("{d}'s own debug says it has no pre-shared key for {}, so it cannot authenticate that peer.", s.peer_text()),
                )
                .certain()
                .evidence(s.locs(|k| matches!(k, EventKind::NoKey)))
                .check(d, "list the keys and the peer addresses", vec![Probe::ShowKeys, Probe::ShowPolicies]),
            );
        }
        let rejected: Vec<Rejected> = s
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::ProposalRejected { attribute: Some(a) } => Some(a),
                _ => None,
            })
            .fold(Vec::new(), |mut v, a| {
                if !v.contains(&a) {
                    v.push(a);
                }
                v
            });
        let refused_p1 =
            !no_key && s.any(|k| matches!(k, EventKind::NoProposalAccepted { phase: 1 }));
        if refused_p1 && rejected == [Rejected::Version] {
            // It looked for a connection of the peer's IKE version and found none: the two
            // run different versions, or it has no connection for that peer at all.
            push(
                Finding::new(
                    Cause::IkeVersionMismatch,
                    d,
                    format!("{d} has no connection of the IKE version {other} starts, and refused it: the two run different IKE versions for this tunnel, or {d} has no connection for {other}'s address at all."),
                )
                .evidence(s.locs(|k| {
                    matches!(
                        k,
                        EventKind::ProposalRejected { .. }
                            | EventKind::NoProposalAccepted { phase: 1 }
                    )
                }))
                .check(d, "see which connections it has loaded, and their IKE versions", vec![Probe::ShowPolicies])
                .check(&other, "see which IKE version it starts", vec![Probe::ShowPolicies]),
            );
        } else if refused_p1 {
            let attrs: Vec<&str> = rejected.iter().map(|r| attr_word(*r)).collect();
            push(
                Finding::new(
                    Cause::IkeProposalMismatch,
                    d,
                    format!(
                        "{d} rejected every IKE proposal from {other}{}.",
                        if attrs.is_empty() {
                            String::new()
                        } else {
                            format!(
                                ": the offered {} does not match its policies",
                                attrs.join(" and ")
                            )
                        }
                    ),
                )
                .certain()
                .evidence(s.locs(|k| {
                    matches!(
                        k,
                        EventKind::ProposalRejected { .. }
                            | EventKind::NoProposalAccepted { phase: 1 }
                    )
                }))
                .check(
                    d,
                    "compare the policies on both sides",
                    vec![Probe::ShowIkePolicies],
                ),
            );
        }
        // IKEv2: the responder's NO_PROPOSAL_CHOSEN to IKE_SA_INIT, seen from the initiator. A
        // notify whose exchange the line does not tell (ASA 750003) counts while no IKE SA came
        // up: after one, only a child SA can still be refused.
        let ike_up = s.any(|k| matches!(k, EventKind::PhaseComplete { .. }));
        let v2_refused = s.locs(|k| matches!(k, EventKind::Notify { name, phase, direction: Direction::Received } if name == "NO_PROPOSAL_CHOSEN" && (*phase == Some(1) || (phase.is_none() && !ike_up))));
        // The refusing side's own log, when here, says why: its finding is the one.
        let they_refused = theirs
            .iter()
            .any(|t| t.any(|k| matches!(k, EventKind::NoProposalAccepted { phase: 1 })));
        if !no_key
            && !they_refused
            && !v2_refused.is_empty()
            && !s.any(|k| matches!(k, EventKind::NoProposalAccepted { phase: 1 }))
        {
            let mut f = Finding::new(
                Cause::IkeProposalMismatch,
                d,
                format!(
                    "{other} answered {d}'s {} with NO_PROPOSAL_CHOSEN: none of {d}'s IKE proposals (encryption, integrity, PRF, DH group) matches a policy of {other}.",
                    if s.any(|k| matches!(k, EventKind::IkeMessage { state: Some(x), .. } if x == "IKE_SA_INIT")) {
                        "IKE_SA_INIT"
                    } else {
                        "first IKE message"
                    }
                ),
            )
            .evidence(v2_refused.iter().copied())
            .check(d, "compare the proposals on both sides", vec![Probe::ShowIkePolicies])
            .check(&other, "the responder logs what it received and what it expected", vec![Probe::DebugIke]);
            if s.any(|k| matches!(k, EventKind::Notify { name, phase: Some(1), direction: Direction::Received } if name == "NO_PROPOSAL_CHOSEN")) {
                f = f.certain();
            }
            push(f);
        }
        // INVALID_MAJOR_VERSION: one side does not accept the IKE version the other starts.
        let version = s.locs(
            |k| matches!(k, EventKind::Notify { name, .. } if name == "INVALID_MAJOR_VERSION"),
        );
        if !version.is_empty() && !ike_up {
            let theirs_refusal = s.any(|k| matches!(k, EventKind::Notify { name, direction: Direction::Received, .. } if name == "INVALID_MAJOR_VERSION"));
            let (refuser, asker) = if theirs_refusal {
                (other.as_str(), d)
            } else {
                (d, other.as_str())
            };
            let summary = format!(
                "{refuser} answered {asker}'s IKE request with INVALID_MAJOR_VERSION: it does not accept the IKE version (IKEv1 or IKEv2) {asker} starts for this tunnel."
            );
            push(
                Finding::new(Cause::IkeVersionMismatch, d, summary)
                    .certain()
                    .evidence(version.iter().copied())
                    .check(
                        d,
                        "see which IKE version each side runs for this tunnel",
                        vec![Probe::ShowIkePolicies, Probe::DebugIke],
                    )
                    .check(
                        &other,
                        "see which IKE version each side runs for this tunnel",
                        vec![Probe::ShowIkePolicies, Probe::DebugIke],
                    ),
            );
        }
        // An SA that came up heard its peer, even when the lines of its messages are not here
        // (syslog only): later retransmissions are a peer gone silent, not IKE never answered.
        // A refusal is an answer too: the peer heard us.
        let got_reply = ike_up
            || s.any(|k| {
                matches!(
                    k,
                    EventKind::IkeMessage {
                        direction: Direction::Received,
                        ..
                    } | EventKind::Notify {
                        direction: Direction::Received,
                        ..
                    }
                )
            });
        let sent_mm5 = s.any(|k| matches!(k, EventKind::StateChange { to, .. } if to == "IKE_I_MM5"))
            || s.any(|k| matches!(k, EventKind::IkeMessage { direction: Direction::Sent, state: Some(st), .. } if st == "MM_KEY_EXCH"));
        if sent_mm5
            && s.any(|k| matches!(k, EventKind::Malformed))
            && !s.any(|k| matches!(k, EventKind::Authenticated))
        {
            push(
                Finding::new(
                    Cause::PskMismatch,
                    d,
                    format!("{d} sent main mode message 5 and got back a packet it cannot read (IKMP_BAD_MESSAGE / \"reserved not zero\"): {other} could not decrypt it, which is what different pre-shared keys look like."),
                )
                .evidence(s.locs(|k| matches!(k, EventKind::Malformed)))
                .check(d, "compare the keys (the values are never shown by ipsec-doctor)", vec![Probe::ShowKeys])
                .check(&other, "the responder logs the failure", vec![Probe::DebugIke]),
            );
        }
        // IKEv2 says it outright; each side may hold its own key for the other, so the summary
        // names which one failed to verify.
        let auth_refused = s.locs(
            |k| matches!(k, EventKind::Notify { name, .. } if name == "AUTHENTICATION_FAILED"),
        );
        // An IKE SA that came up after the last refusal supersedes it; one that came up
        // before does not (another connection to the same peer, or a later attempt).
        let up_after_refusal = s
            .events
            .iter()
            .rposition(|e| matches!(&e.kind, EventKind::Notify { name, .. } if name == "AUTHENTICATION_FAILED"))
            .is_some_and(|i| {
                s.events[i..]
                    .iter()
                    .any(|e| matches!(e.kind, EventKind::PhaseComplete { .. }))
            });
        // The peer's own log saying it has no key for us explains its AUTHENTICATION_FAILED.
        let peer_has_no_key = theirs
            .iter()
            .any(|t| t.any(|k| matches!(k, EventKind::NoKey)));
        if !no_key && !peer_has_no_key && !auth_refused.is_empty() && !up_after_refusal {
            let ours = s.any(|k| matches!(k, EventKind::Notify { name, direction: Direction::Sent, .. } if name == "AUTHENTICATION_FAILED"));
            let (refuser, asker) = if ours {
                (d, other.as_str())
            } else {
                (other.as_str(), d)
            };
            let summary = format!(
                "{refuser} could not verify the authentication data {asker} sent (AUTHENTICATION_FAILED): with pre-shared keys, the key {refuser} holds for {asker} differs from the one {asker} uses."
            );
            push(
                Finding::new(Cause::PskMismatch, d, summary)
                    .evidence(auth_refused.iter().copied())
                    .check(d, "compare the keys (the values are never shown by ipsec-doctor)", vec![Probe::ShowKeys])
                    .check(&other, "compare the keys; with certificates, see the identity and certificate it expects", vec![Probe::ShowKeys, Probe::DebugIke]),
            );
        }
        if s.any(|k| matches!(k, EventKind::OwnCertInvalid)) {
            push(
                Finding::new(
                    Cause::CertInvalid,
                    d,
                    format!("{d}'s own certificate is expired or not yet valid, so {other} refuses it when {d} authenticates with it."),
                )
                .certain()
                .evidence(s.locs(|k| matches!(k, EventKind::OwnCertInvalid)))
                .fix(d, vec![Remedy::EnrollCertificate { trustpoint: None }])
                .check(d, "see the certificate's validity dates", vec![Probe::ShowCertificates, Probe::ShowClock]),
            );
        }
        if s.any(|k| matches!(k, EventKind::CertInvalid)) {
            let dev = devices.iter().find(|x| x.name == d);
            let why = dev.and_then(|x| super::clock::judge(x, devices));
            let mut f = Finding::new(
                Cause::CertInvalid,
                d,
                format!("{d} rejected the certificate {other} sent (IKMP_INVAL_CERT): it is expired, not yet valid against {d}'s clock, revoked, or from a CA {d} does not trust."),
            )
            .certain()
            .evidence(s.locs(|k| matches!(k, EventKind::CertInvalid)));
            if let Some(v) = why {
                f.summary = format!(
                    "{d} rejected the certificate {other} sent (IKMP_INVAL_CERT). {}",
                    v.summary
                );
                f = f.evidence(&v.evidence);
                if let Some(w) = v.wrong_clock.or(Some(d.to_string())) {
                    f = f.fix(
                        &w,
                        vec![Remedy::Text {
                            text: CLOCK_FIX.into(),
                        }],
                    );
                }
            }
            push(
                f.check(
                    d,
                    "compare the clock with the certificate's validity",
                    vec![Probe::ShowClock, Probe::ShowCertificates],
                )
                .check(
                    &other,
                    "see the certificate it sends",
                    vec![Probe::ShowCertificates, Probe::ShowClock],
                ),
            );
        }
        if s.any(|k| matches!(k, EventKind::AuthRefusedByPeer)) {
            // What d authenticates with, when its IKE policies are in the evidence.
            let dev = devices.iter().find(|x| x.name == d && x.known.ike_policies);
            let certs = dev.is_some_and(|x| {
                x.ike_proposals
                    .iter()
                    .any(|p| !p.builtin && p.auth == Some(crate::model::AuthMethod::RsaSig))
            });
            let psk = dev.is_some_and(|x| {
                x.ike_proposals
                    .iter()
                    .any(|p| !p.builtin && p.auth == Some(crate::model::AuthMethod::PreShared))
            });
            let locs = s.locs(|k| matches!(k, EventKind::AuthRefusedByPeer));
            let (main, alt) = if certs && !psk {
                (Cause::CertInvalid, None)
            } else if psk && !certs {
                (Cause::PskMismatch, None)
            } else {
                (Cause::PskMismatch, Some(Cause::CertInvalid))
            };
            push(
                Finding::new(
                    main,
                    d,
                    format!("{other} refused {d}'s authentication (main mode message 5): its answer came back as a notify without a hash. {}", match main {
                        Cause::CertInvalid => format!("{d} authenticates with a certificate: {other} does not accept it (validity against {other}'s clock, CA trust, revocation)."),
                        _ => format!("With pre-shared keys this means the two keys differ; with certificates, that {other} does not accept {d}'s. {other}'s own debug says which."),
                    }),
                )
                .evidence(locs.iter().copied())
                .check(&other, "its debug names the reason", vec![Probe::DebugIke, Probe::ShowKeys, Probe::ShowClock, Probe::ShowCertificates]),
            );
            if let Some(alt) = alt {
                push(
                    Finding::new(
                        alt,
                        d,
                        format!("The same refusal comes from {other} rejecting {d}'s certificate, when certificates are used."),
                    )
                    .severity(Severity::Warning)
                    .evidence(locs.iter().copied()),
                );
            }
        }
        if s.any(|k| matches!(k, EventKind::InvalidSpi)) {
            push(
                Finding::new(
                    Cause::SaOutOfSync,
                    d,
                    format!("{d} receives ESP from {other} on an SPI it has no SA for (RECVD_PKT_INV_SPI): the two sides' IPsec SAs are out of step (one rebooted, cleared its SAs or lost a rekey), and {other}'s traffic is dropped until its stale SA expires."),
                )
                .certain()
                .evidence(s.locs(|k| matches!(k, EventKind::InvalidSpi)))
                .fix(d, vec![Remedy::InvalidSpiRecovery])
                .check(d, "compare the SPIs on both ends", vec![Probe::ShowIpsecSa { peer: s.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])) }])
                .check(&other, "clear the stale SAs towards this peer", vec![Probe::ClearSas { peer: s.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])) }]),
            );
        }
        if s.any(|k| matches!(k, EventKind::ReplayDrop)) {
            push(
                Finding::new(
                    Cause::AntiReplayDrops,
                    d,
                    format!("{d} drops decrypted packets from {other} that fail the anti-replay check (PKT_REPLAY_ERR): they arrive reordered beyond the replay window, typically because QoS queues traffic after it was encrypted."),
                )
                .severity(Severity::Warning)
                .evidence(s.locs(|k| matches!(k, EventKind::ReplayDrop)))
                .fix(d, vec![Remedy::ReplayWindow { size: 1024 }])
                .check(d, "see the replay failures grow", vec![Probe::ShowIpsecSa { peer: s.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])) }]),
            );
        }
        if s.any(|k| matches!(k, EventKind::QuickModeBadCert)) {
            // The identity lists the device's config or show output names, as proof of what
            // it admits.
            let lists: Vec<&crate::model::ike::IdentityList> = devices
                .iter()
                .filter(|x| x.name == d)
                .flat_map(|x| {
                    x.policies
                        .iter()
                        .filter_map(|p| p.identity_list.as_ref())
                        .filter_map(|(n, _)| x.identity_lists.iter().find(|l| &l.name == n))
                })
                .collect();
            let admits: Vec<String> = lists
                .iter()
                .flat_map(|l| l.permits.iter().map(|(m, _)| m.to_string()))
                .collect();
            let what = if admits.is_empty() {
                String::new()
            } else {
                format!(" It admits only: {}.", admits.join(", "))
            };
            push(
                Finding::new(
                    Cause::IdentityNotPermitted,
                    d,
                    format!("{d} refused quick mode from {other}: the peer's identity is not in the identity list of the crypto map (IKE_QUICKMODE_BAD_CERT).{what}"),
                )
                .certain()
                .step(Step::Phase2)
                .evidence(s.locs(|k| matches!(k, EventKind::QuickModeBadCert)))
                .evidence(lists.iter().flat_map(|l| std::iter::once(&l.loc).chain(l.permits.iter().map(|(_, loc)| loc))))
                .check(d, "see the identity list", {
                    let mut p = vec![Probe::ShowPolicies];
                    p.extend(lists.iter().map(|l| Probe::ShowIdentity { name: l.name.clone() }));
                    p
                }),
            );
        }
        if s.any(|k| matches!(k, EventKind::SelectorsRejected)) {
            push(
                Finding::new(
                    Cause::CryptoAclAsymmetric,
                    d,
                    format!("{d} has no crypto map entry whose ACL matches the proxy identities {other} proposes: the crypto ACLs are not mirror images."),
                )
                .certain()
                .step(Step::Phase2)
                .evidence(s.locs(|k| matches!(k, EventKind::SelectorsRejected)))
                .check(d, "compare the crypto ACLs", vec![Probe::ShowPolicies])
                .check(&other, "compare the crypto ACLs", vec![Probe::ShowPolicies]),
            );
        }
        // IKEv2: the responder's TS_UNACCEPTABLE, seen from the initiator.
        let ts_refused = s.locs(|k| matches!(k, EventKind::Notify { name, direction: Direction::Received, .. } if name == "TS_UNACCEPTABLE"));
        if !ts_refused.is_empty() && !s.any(|k| matches!(k, EventKind::SelectorsRejected)) {
            push(
                Finding::new(
                    Cause::CryptoAclAsymmetric,
                    d,
                    format!("{other} refused the traffic selectors {d} proposed (TS_UNACCEPTABLE): no crypto ACL of {other} matches them, so the crypto ACLs are not mirror images."),
                )
                .certain()
                .step(Step::Phase2)
                .evidence(ts_refused.iter().copied())
                .check(d, "compare the crypto ACLs", vec![Probe::ShowPolicies])
                .check(&other, "compare the crypto ACLs", vec![Probe::ShowPolicies]),
            );
        }
        // The responder's own refusal of the transforms offered (IOS "phase 2 SA not
        // acceptable", "transform proposal not supported for identity").
        let refused_p2 = s.locs(|k| matches!(k, EventKind::NoProposalAccepted { phase: 2 }));
        // What the configs of both sides, when here, already decided about phase 2.
        let phase2_decided = || {
            known.iter().find(|f| {
                matches!(
                    f.code,
                    Cause::TransformSetMismatch | Cause::CryptoAclAsymmetric | Cause::PfsMismatch
                ) && f.parties == parties
            })
        };
        // IOS prints the same words after refusing the peer's identity or proxy identities:
        // then that line, not the transforms, is the reason.
        let other_reason = s.any(|k| {
            matches!(
                k,
                EventKind::QuickModeBadCert | EventKind::SelectorsRejected
            )
        });
        if !refused_p2.is_empty() && !other_reason {
            let decided = known.iter().find(|f| {
                matches!(f.code, Cause::TransformSetMismatch | Cause::PfsMismatch)
                    && f.parties == parties
            });
            // The refusing side's own log says the transforms matched but for the DH group.
            let group_only = s.locs(|k| {
                matches!(
                    k,
                    EventKind::ProposalRejected {
                        attribute: Some(Rejected::Group)
                    }
                )
            });
            let pfs = !group_only.is_empty()
                && !s.any(|k| matches!(k, EventKind::NoProposalAccepted { phase: 1 }));
            let code = decided.map(|f| f.code).unwrap_or(if pfs {
                Cause::PfsMismatch
            } else {
                Cause::TransformSetMismatch
            });
            let mut f = Finding::new(
                code,
                d,
                if pfs {
                    format!(
                        "{d} refused the phase 2 offer from {other}: the transforms match but the PFS (DH) group does not, so one side demands PFS the other does not offer, or they name different groups."
                    )
                } else {
                    format!(
                        "{d} refused the phase 2 offer from {other}: none of the proposed transforms (or the PFS group) matches its crypto map's transform sets."
                    )
                },
            );
            if pfs {
                f = f.certain();
            }
            push(
                f.step(Step::Phase2)
                    .evidence(refused_p2.iter().copied())
                    .check(
                        d,
                        "compare transform sets and PFS",
                        vec![Probe::ShowTransformSets, Probe::ShowPolicies],
                    )
                    .check(
                        &other,
                        "compare transform sets and PFS",
                        vec![Probe::ShowTransformSets, Probe::ShowPolicies],
                    ),
            );
        }
        let qm_refused = s.locs(|k| matches!(k, EventKind::Notify { name, phase: Some(2), direction: Direction::Received } if name == "PROPOSAL_NOT_CHOSEN" || name == "NO_PROPOSAL_CHOSEN"));
        // IKEv2 spells the notify differently and refuses a child SA, not a quick mode.
        let (request, notify) = if s.any(|k| matches!(k, EventKind::Notify { name, phase: Some(2), direction: Direction::Received } if name == "NO_PROPOSAL_CHOSEN")) {
            ("child SA request", "NO_PROPOSAL_CHOSEN")
        } else {
            ("quick mode", "PROPOSAL_NOT_CHOSEN")
        };
        if !qm_refused.is_empty() {
            // The configs, when both are here, say which of the possible causes it is.
            let decided = phase2_decided();
            match decided {
                Some(k) => push(
                    Finding::new(
                        k.code,
                        d,
                        format!("{other} answered {d}'s {request} with {notify}."),
                    )
                    .certain()
                    .step(Step::Phase2)
                    .evidence(qm_refused.iter().copied()),
                ),
                None => {
                    push(
                        Finding::new(
                            Cause::TransformSetMismatch,
                            d,
                            format!("{other} answered {d}'s {request} with {notify}: the transform sets differ, or the crypto ACLs are not mirror images, or PFS is required on one side only (which one shows in {other}'s debug or in both configs)."),
                        )
                        .evidence(qm_refused.iter().copied())
                        .check(d, "compare transform sets and crypto ACLs", vec![Probe::ShowTransformSets, Probe::ShowPolicies])
                        .check(&other, "the responder says which it refused", vec![Probe::DebugIke, Probe::ShowTransformSets, Probe::ShowPolicies]),
                    );
                    push(
                        Finding::new(
                            Cause::CryptoAclAsymmetric,
                            d,
                            format!("The same {notify} from {other} is also what non-mirrored crypto ACLs produce; if the transform sets agree, compare the ACLs."),
                        )
                        .severity(Severity::Warning)
                        .step(Step::Phase2)
                        .evidence(qm_refused.iter().copied()),
                    );
                }
            }
        }
        // A child SA / quick mode request given up unanswered while the IKE SA is up: the
        // responder refused it without a notify this device took (IKEv1 answers a refused quick
        // mode with an informational, or not at all). It has the causes of a refusal.
        let p2_gave_up = s
            .events
            .iter()
            .rposition(|e| matches!(e.kind, EventKind::GaveUp { phase: Some(2) }))
            .filter(|i| {
                !s.events[*i..]
                    .iter()
                    .any(|e| matches!(e.kind, EventKind::PhaseComplete { phase: 2 }))
            });
        if let Some(i) = p2_gave_up
            && ike_up
            && qm_refused.is_empty()
            && refused_p2.is_empty()
            && ts_refused.is_empty()
            && !other_reason
        {
            let at = [&s.events[i].at];
            let decided = phase2_decided();
            match decided {
                Some(k) => push(
                    Finding::new(
                        k.code,
                        d,
                        format!("{other} never answered {d}'s phase 2 request although the IKE SA is up."),
                    )
                    .step(Step::Phase2)
                    .evidence(at),
                ),
                None => {
                    push(
                        Finding::new(
                            Cause::TransformSetMismatch,
                            d,
                            format!("The IKE SA with {other} is up but {other} never accepted {d}'s phase 2 request ({d} gave up waiting): {other} refused it, most often because no transform set (ESP proposal, mode, compression or PFS group) matches; non-mirrored crypto ACLs / traffic selectors are refused the same way ({other}'s log says which)."),
                        )
                        .step(Step::Phase2)
                        .evidence(at)
                        .check(d, "compare transform sets, PFS and crypto ACLs", vec![Probe::ShowTransformSets, Probe::ShowPolicies])
                        .check(&other, "the responder logs what it refused", vec![Probe::DebugIke, Probe::ShowTransformSets, Probe::ShowPolicies]),
                    );
                    push(
                        Finding::new(
                            Cause::CryptoAclAsymmetric,
                            d,
                            "The same unanswered phase 2 request is also what non-mirrored crypto ACLs / traffic selectors produce; if the transform sets agree, compare them.".to_string(),
                        )
                        .severity(Severity::Warning)
                        .step(Step::Phase2)
                        .evidence(at),
                    );
                }
            }
        }
        let retransmits = s.locs(|k| {
            matches!(
                k,
                EventKind::Retransmit { phase: Some(1), .. } | EventKind::GaveUp { phase: Some(1) }
            )
        });
        if !retransmits.is_empty() && !got_reply {
            let heard = theirs.iter().any(|t| {
                t.any(|k| {
                    matches!(
                        k,
                        EventKind::IkeMessage {
                            direction: Direction::Received,
                            ..
                        }
                    )
                })
            });
            let f = if heard {
                Finding::new(
                    Cause::ResponderNoRouteBack,
                    &other,
                    format!("{other} receives {d}'s IKE packets but {d} never hears back: {other}'s replies are lost on the way (no route back, or filtered towards {d})."),
                )
                .evidence(theirs.iter().flat_map(|t| t.locs(|k| matches!(k, EventKind::IkeMessage { direction: Direction::Received, .. }))).take(2))
                .check(&other, "see the route back", vec![Probe::ShowRoute { dest: s.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])) }])
            } else {
                Finding::new(
                    Cause::IkeBlocked,
                    d,
                    format!(
                        "{d} retransmits its first IKE message to {} and never gets an answer{}. Most likely UDP 500 is filtered on the way or at the responder; the same silence comes from no IP connectivity at all (ip-unreachable) or a wrong peer address (peer-address-mismatch).",
                        s.peer_text(),
                        if theirs.is_empty() {
                            ""
                        } else {
                            ", and the responder's own debug shows nothing arriving"
                        }
                    ),
                )
            };
            let p = s.peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
            push(
                f.evidence(retransmits.iter().copied().take(4))
                    .check(
                        d,
                        "tell a filter from no connectivity or a wrong address",
                        vec![
                            Probe::Ping {
                                dest: p,
                                source: None,
                            },
                            Probe::ShowRoute { dest: p },
                            Probe::ShowPolicies,
                        ],
                    )
                    .check(
                        d,
                        "capture on both ends to see where IKE dies",
                        vec![Probe::Capture {
                            local: None,
                            peer: p,
                        }],
                    ),
            );
        }
        if !retransmits.is_empty()
            && got_reply
            && !ike_up
            && let Some(f) = lost_after_reply(s, &theirs, d, &other)
        {
            push(f);
        }
        for e in &s.events {
            let EventKind::SaState { state, stem, role } = &e.kind else {
                continue;
            };
            let base = stem.as_deref().unwrap_or(state);
            let suffix = stem
                .as_ref()
                .map(|st| {
                    format!(
                        " (the suffix `{}` is not documented; matched on its stem {st})",
                        &state[st.len()..]
                    )
                })
                .unwrap_or_default();
            if base.contains("XAUTH") || base.contains("MODECFG") {
                push(
                    Finding::new(
                        Cause::XauthOrModecfgStuck,
                        d,
                        format!(
                            "{d}'s IKE SA with {other} is stuck in {state}{suffix}: aggressive mode finished but the remote-access exchange (XAUTH user authentication or mode-config address assignment) never completes. Check the EzVPN client/server XAUTH and mode-config settings on both ends; when they are right, the usual cause is large IKE packets fragmented and lost on the path (PMTUD broken by ICMP filtering) — capture at both ends."
                        ),
                    )
                    .evidence([&e.at])
                    .check(d, "see the exchange and the packets on both ends", vec![Probe::DebugIke, Probe::Capture { local: None, peer: e.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])) }])
                    .check(d, "clear the stale SA for this peer only", vec![Probe::ClearSas { peer: e.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])) }]),
                );
            } else if matches!(base, "MM_WAIT_MSG2" | "MM_NO_STATE" | "AM_WAIT_MSG2")
                && role.as_deref() != Some("responder")
                && !got_reply
            {
                push(
                    Finding::new(
                        Cause::IkeBlocked,
                        d,
                        format!("{d}'s IKE SA with {other} sits in {state}{suffix}: it sent the first message and nothing came back (UDP 500 filtered, no connectivity, or a wrong peer address)."),
                    )
                    .evidence([&e.at])
                    .check(d, "tell a filter from no connectivity", vec![Probe::Ping { dest: e.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])), source: None }, Probe::DebugIke]),
                );
            } else if matches!(base, "MM_WAIT_MSG6" | "MM_KEY_EXCH") {
                push(
                    Finding::new(
                        Cause::PskMismatch,
                        d,
                        format!("{d}'s IKE SA with {other} sits in {state}{suffix}: authentication (messages 5/6) does not complete, most often because the pre-shared keys differ."),
                    )
                    .evidence([&e.at])
                    .check(d, "see the authentication failure", vec![Probe::DebugIke, Probe::ShowKeys]),
                );
            }
        }
        // show crypto ipsec sa from both ends: one side has SAs, the other none, and their
        // proxy identities are not mirror images (book Examples 8-85, 8-86).
        for e in &s.events {
            let EventKind::Counters {
                sas_up: false,
                local_ident: Some(li),
                remote_ident: Some(ri),
                ..
            } = &e.kind
            else {
                continue;
            };
            let up = theirs
                .iter()
                .flat_map(|t| t.events.iter())
                .find_map(|x| match &x.kind {
                    EventKind::Counters {
                        sas_up: true,
                        local_ident: Some(tl),
                        remote_ident: Some(tr),
                        ..
                    } => Some((tl, tr, &x.at)),
                    _ => None,
                });
            if let Some((tl, tr, at)) = up
                && (li != tr || ri != tl)
            {
                push(
                    Finding::new(
                        Cause::CryptoAclAsymmetric,
                        d,
                        format!(
                            "{d} proposes {li} -> {ri} and gets no IPsec SA, while {other} has SAs for {tl} -> {tr}: the crypto ACLs are not mirror images, so {other} can initiate and {d} cannot."
                        ),
                    )
                    .certain()
                    .step(Step::Phase2)
                    .evidence([&e.at, at])
                    .check(d, "compare the crypto ACLs", vec![Probe::ShowPolicies]),
                );
            }
        }
        // Both ends' counters of one SA pair: some packets lost, and the bytes lost with them
        // say they were the large ones.
        let their_counters: Vec<&Event> = theirs
            .iter()
            .flat_map(|t| t.events.iter().copied())
            .filter(|x| matches!(x.kind, EventKind::Counters { .. }))
            .collect();
        for e in &s.events {
            if let Some(f) = super::traffic::lost_large(d, &other, e, &their_counters) {
                push(f);
            }
        }
        for e in &s.events {
            let EventKind::Counters {
                encaps,
                decaps,
                recv_errors,
                ..
            } = &e.kind
            else {
                continue;
            };
            if *encaps > 0 && *decaps == 0 {
                let peer_sends = theirs
                    .iter()
                    .flat_map(|t| t.events.iter())
                    .find_map(|x| match x.kind {
                        EventKind::Counters { encaps, .. } => Some((encaps, &x.at)),
                        _ => None,
                    });
                let summary = match peer_sends {
                    Some((n, _)) if n > 0 => format!(
                        "{other} encrypts ({n} packets) towards {d}, but {d} decapsulates none: ESP from {other} to {d} is dropped on the way."
                    ),
                    _ => format!(
                        "{d} encrypts {encaps} packets towards {other} but has received none back: ESP is dropped on the way in one direction (show crypto ipsec sa on {other} tells which)."
                    ),
                };
                let mut f = Finding::new(Cause::EspBlocked, d, summary).evidence([&e.at]);
                if let Some((_, l)) = peer_sends {
                    f = f.evidence([l]);
                }
                push(f.check(
                    d,
                    "watch the counters move",
                    vec![Probe::ShowIpsecSa {
                        peer: e.peer.unwrap_or(IpAddr::from([0, 0, 0, 0])),
                    }],
                ));
            }
            if *recv_errors > 0 {
                push(
                    Finding::new(Cause::EspBlocked, d, format!("{d} counts {recv_errors} receive errors on its IPsec SA with {other}: packets arrive but fail decryption or integrity checks (corrupted, or keys out of step after a rekey)."))
                        .severity(Severity::Warning)
                        .evidence([&e.at]),
                );
            }
        }
    }
    settle_quick_mode_refusals(out)
}

/// The peer answered, then a later phase-1 message (IKE_AUTH, main mode 5) is retransmitted
/// and never answered. The sizes both logs give tell which path reading fits: only messages
/// larger than all that crossed lost is a path-MTU black hole (or lost fragments); a message
/// the peer's log never receives on a port nothing crossed on is that port filtered. When the
/// peer's log shows the message arriving, it is not the path, and other lines say why.
fn lost_after_reply(
    s: &Stream<'_>,
    theirs: &[&Stream<'_>],
    d: &str,
    other: &str,
) -> Option<Finding> {
    use super::captures::{Sized, size_excluded, size_reading};
    let first = s.events.iter().position(|e| {
        matches!(
            e.kind,
            EventKind::Retransmit { phase: Some(1), .. } | EventKind::GaveUp { phase: Some(1) }
        )
    })?;
    let (before, after) = s.events.split_at(first);
    let received = |e: &&Event| {
        matches!(
            e.kind,
            EventKind::IkeMessage {
                direction: Direction::Received,
                ..
            }
        )
    };
    if after.iter().any(received) {
        return None;
    }
    let size = |e: &&Event, dir: Direction| match e.kind {
        EventKind::IkeSize {
            direction,
            bytes,
            port,
        } if direction == dir => Some(Sized {
            bytes,
            port: port.unwrap_or(500),
            df: None,
        }),
        _ => None,
    };
    let lost: Vec<Sized> = after
        .iter()
        .filter_map(|e| size(e, Direction::Sent))
        .collect();
    let lost_at: Vec<&crate::model::Loc> = after
        .iter()
        .filter(|e| size(e, Direction::Sent).is_some())
        .map(|e| &e.at)
        .take(3)
        .collect();
    let exchange = after.iter().find_map(|e| match &e.kind {
        EventKind::IkeMessage {
            direction: Direction::Sent,
            state: Some(x),
            ..
        } => Some(x.clone()),
        _ => None,
    });
    let first_lost = *lost.first()?;
    // What crossed: what the peer's log received; without it, what was sent before an answer.
    let theirs_rx: Vec<(&Event, Sized)> = theirs
        .iter()
        .flat_map(|t| t.events.iter())
        .filter_map(|e| size(e, Direction::Received).map(|x| (*e, x)))
        .collect();
    let (passed, passed_at): (Vec<Sized>, Vec<&crate::model::Loc>) = if theirs.is_empty() {
        let last_rx = before.iter().rposition(received)?;
        before[..last_rx]
            .iter()
            .filter_map(|e| size(e, Direction::Sent).map(|x| (x, &e.at)))
            .unzip()
    } else {
        // The message arrived: the peer's silence is not the path's doing.
        if theirs_rx
            .iter()
            .any(|(_, x)| lost.iter().any(|l| l.bytes == x.bytes))
        {
            return None;
        }
        theirs_rx.iter().map(|(e, x)| (*x, &e.at)).unzip()
    };
    let what = format!(
        "{d} retransmits its {} ({} bytes, to UDP {}) {} times and never gets an answer, while {}",
        exchange.as_deref().unwrap_or("next IKE message"),
        first_lost.bytes,
        first_lost.port,
        lost.len(),
        if theirs.is_empty() {
            format!("{other} answered its earlier messages.")
        } else {
            format!(
                "{other}'s log records receiving {d}'s earlier messages and never this one: it is lost on the path."
            )
        }
    );
    let (code, certain, text) = match size_reading(&lost, &passed) {
        Some(r) => (r.code, r.certain, format!("{what} {}", r.text)),
        None if theirs.is_empty() => return None,
        None => {
            let on_4500 =
                lost.iter().all(|x| x.port == 4500) && !passed.iter().any(|x| x.port == 4500);
            let (code, why) = if on_4500 {
                (
                    Cause::NattBlocked,
                    "Nothing has crossed on UDP 4500, where NAT traversal moved IKE, though UDP 500 works: UDP 4500 is filtered on the path.",
                )
            } else {
                (
                    Cause::IkeBlocked,
                    "Earlier messages crossed on the same port: something on the path drops this one (a filter on its contents or size).",
                )
            };
            (
                code,
                false,
                format!("{what} {why}{}", size_excluded(&lost, &passed)),
            )
        }
    };
    let peer = s.peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
    let mut f = Finding::new(code, d, text)
        .evidence(lost_at)
        .evidence(passed_at.into_iter().take(2))
        .check(
            d,
            "capture on both ends to see where the message dies",
            vec![Probe::Capture { local: None, peer }],
        );
    if code == Cause::IkeFragmentsDropped {
        f = f.fix(
            d,
            vec![Remedy::Text {
                text: super::captures::FRAG_ADVICE.into(),
            }],
        );
    }
    if certain {
        f = f.certain();
    }
    Some(f)
}

/// A quick-mode refusal read alone is ranked as a transform mismatch first (likely); when
/// other output proves the crypto ACLs are not mirror images (both ends' SAs, the
/// responder's own refusal of the proxy identities), that is the cause and the guess goes.
fn settle_quick_mode_refusals(mut out: Vec<Finding>) -> Vec<Finding> {
    let proved: Vec<Vec<String>> = out
        .iter()
        .filter(|f| {
            f.code == Cause::CryptoAclAsymmetric
                && f.severity == Severity::Error
                && f.confidence == Confidence::Certain
        })
        .map(|f| f.parties.clone())
        .collect();
    out.retain(|f| {
        !(f.code == Cause::TransformSetMismatch
            && f.confidence == Confidence::Likely
            && proved.contains(&f.parties))
    });
    // An authentication refusal seen from the initiator: the responder's own proof of a
    // certificate or key fault decides between the two readings.
    let proved_auth: Vec<(Cause, Vec<String>)> = out
        .iter()
        .filter(|f| {
            matches!(f.code, Cause::CertInvalid | Cause::PskMismatch)
                && f.confidence == Confidence::Certain
        })
        .map(|f| (f.code, f.parties.clone()))
        .collect();
    out.retain(|f| {
        let other = match f.code {
            Cause::CertInvalid => Cause::PskMismatch,
            Cause::PskMismatch => Cause::CertInvalid,
            _ => return true,
        };
        f.confidence == Confidence::Certain
            || !proved_auth
                .iter()
                .any(|(c, p)| *c == other && *p == f.parties)
    });
    out
}
