//! The flowchart engine. It sees only the model: devices and (later) evidence events.
//!
//! Every tunnel is walked once per direction that can initiate: phase 1 (initiated →
//! reaches the responder → proposal accepted → authenticated), phase 2, then traffic.

mod captures;
pub mod cause;
mod clock;
pub mod finding;
mod logs;
mod lookup;
mod pairing;
mod phase1;
mod phase2;
pub mod timeline;
mod traffic;

pub use cause::{Cause, Step};
pub use finding::{Check, Confidence, Finding, Fix, IkeValue, PermitSpec, Probe, Remedy, Severity};

use crate::ingest::Case;
use crate::model::{AuthMethod, Device};

/// One direction of one tunnel, as the engine walked it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Direction {
    pub initiator: String,
    pub responder: Option<String>,
    pub policy: String,
    pub peer_address: String,
    /// The first failing step's code, or "healthy".
    pub outcome: String,
}

#[derive(Debug, Clone)]
pub struct Diagnosis {
    pub findings: Vec<Finding>,
    pub directions: Vec<Direction>,
    /// Some device output shows a phase completing or an SA up.
    pub up_seen: bool,
    /// Both peers' logs on one clock, when two logs carry times.
    pub timeline: timeline::Timeline,
}

fn uses_psk(dev: &Device) -> bool {
    dev.ike_proposals
        .iter()
        .filter(|p| !p.builtin)
        .any(|p| p.auth == Some(AuthMethod::PreShared))
}

pub fn diagnose(case: &Case) -> Diagnosis {
    let mut all = Vec::new();
    let mut directions = Vec::new();
    for leg in pairing::legs(&case.devices) {
        let mut out = Vec::new();
        phase1::initiated(&leg, &mut out);
        traffic::acl_any(&leg, &mut out);
        let ka = leg.a.known;
        match leg.b {
            None => {
                if ka.keys {
                    let psk = uses_psk(leg.a) || !ka.ike_policies;
                    phase1::initiator_credentials(&leg, psk, &mut out);
                    if !ka.ike_policies {
                        unsure_of_auth(&mut out, &leg.a.name);
                    }
                }
                out.push(
                    Finding::new(
                        Cause::PeerNotInEvidence,
                        &leg.a.name,
                        format!(
                            "{}'s {} points at {}, but no evidence from that peer was given; only {}'s side was checked.",
                            leg.a.name,
                            leg.pol.label(),
                            leg.target,
                            leg.a.name
                        ),
                    )
                    .severity(Severity::Info)
                    .evidence([leg.target_loc])
                    .check(
                        &leg.a.name,
                        &format!(
                            "see the live state towards {}; also collect that peer's configuration (or its show/debug output) and run again with both",
                            leg.target
                        ),
                        vec![
                            Probe::ShowIkeSa,
                            Probe::ShowIpsecSa { peer: leg.target },
                            Probe::Ping { dest: leg.target, source: leg.a_src },
                        ],
                    ),
                );
            }
            Some(b) => {
                phase1::peer_address(&leg, &mut out);
                if let Some(loc) = &b.ike_disabled {
                    out.push(
                        Finding::new(
                            Cause::IsakmpDisabled,
                            &b.name,
                            format!("IKE is switched off on {}, so it can neither start nor answer a negotiation.", b.name),
                        )
                        .certain()
                        .evidence([loc])
                        .fix(&b.name, vec![Remedy::EnableIke])
                        .check(&b.name, "IOS says so in both places", vec![Probe::ShowIkeSa, Probe::DebugIke]),
                    );
                }
                // Each check reads only parts of the model both sides' evidence describes:
                // a show command of one part says nothing about the others.
                let kb = b.known;
                phase1::reaches(&leg, &mut out);
                if kb.routes {
                    phase1::route_back(&leg, &mut out);
                }
                let agreed = if ka.ike_policies && kb.ike_policies {
                    phase1::proposals(&leg, &mut out)
                } else {
                    if ka.crypto_maps && kb.crypto_maps {
                        phase1::versions(&leg, &mut out);
                    }
                    None
                };
                let psk = match &agreed {
                    Some(ag) => ag.resp.auth == Some(AuthMethod::PreShared),
                    None => uses_psk(leg.a) || !ka.ike_policies,
                };
                if ka.keys {
                    phase1::initiator_credentials(&leg, psk, &mut out);
                    if !ka.ike_policies {
                        unsure_of_auth(&mut out, &leg.a.name);
                    }
                }
                if agreed.is_some() {
                    phase1::auth_methods(&leg, &mut out);
                }
                if let (Some(ag), true) = (&agreed, ka.keys && kb.keys) {
                    phase1::authenticate(&leg, ag, &mut out);
                }
                let reversed = out.iter().any(|f| f.code == Cause::CryptoAclReversed);
                let chosen = if kb.crypto_maps {
                    phase2::negotiate(&leg, reversed, &mut out)
                } else {
                    None
                };
                if let Some(chosen) = chosen {
                    phase2::lifetimes(&leg, &chosen, &mut out);
                    traffic::crosses(&leg, &chosen, &mut out);
                }
            }
        }
        for f in out.iter_mut() {
            soften_route_finding(f, &case.devices);
        }
        let first_error = out
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .min_by_key(|f| (f.step, f.code));
        directions.push(Direction {
            initiator: leg.a.name.clone(),
            responder: leg.b.map(|b| b.name.clone()),
            policy: leg.pol.label(),
            peer_address: leg.target.to_string(),
            outcome: first_error
                .map(|f| f.code.code().to_string())
                .unwrap_or_else(|| {
                    if leg.b.is_some() {
                        "healthy".into()
                    } else {
                        "inconclusive".into()
                    }
                }),
        });
        let mut parties = vec![
            leg.a.name.clone(),
            leg.b
                .map(|b| b.name.clone())
                .unwrap_or_else(|| leg.target.to_string()),
        ];
        parties.sort();
        for mut f in out {
            f.parties = parties.clone();
            merge(&mut all, f);
        }
    }
    for d in &case.devices {
        for c in &d.contradictions {
            all.push(contradiction(&d.name, c));
        }
    }
    for f in captures::findings(&case.events) {
        merge_evidence(&mut all, f);
    }
    for f in logs::findings(&case.devices, &case.events, &all) {
        merge_evidence(&mut all, f);
    }
    for f in all
        .iter_mut()
        .filter(|f| f.code == Cause::IkeFragmentsDropped)
    {
        fragmentation_fixes(f, &case.devices);
    }
    all.sort_by_key(|f| (f.severity, f.step, f.code));
    let all = fold_consequences(all);
    let esp_ways: std::collections::HashSet<(std::net::IpAddr, std::net::IpAddr)> = case
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            crate::evidence::EventKind::WireEsp(w) => Some((w.src, w.dst)),
            _ => None,
        })
        .collect();
    let up_seen = case.events.iter().any(|e| match &e.kind {
        crate::evidence::EventKind::PhaseComplete { .. } => true,
        crate::evidence::EventKind::SaState { state, .. } => {
            matches!(
                state.as_str(),
                "QM_IDLE" | "MM_ACTIVE" | "AM_ACTIVE" | "READY" | "UP-ACTIVE"
            )
        }
        crate::evidence::EventKind::Counters { encaps, decaps, .. } => *encaps > 0 && *decaps > 0,
        // On the wire an IKE_AUTH response may carry AUTHENTICATION_FAILED or refuse the
        // child SA, encrypted: only ESP flowing both ways shows a tunnel that is up.
        crate::evidence::EventKind::WireEsp(w) => esp_ways.contains(&(w.dst, w.src)),
        _ => false,
    });
    Diagnosis {
        findings: all,
        directions,
        up_seen,
        timeline: timeline::build(&case.devices, &case.events),
    }
}

/// Lost IKE fragments: the peers whose configurations are here get IKE fragmentation switched
/// on in their own syntax (citing where it is switched off), instead of the advice in words.
fn fragmentation_fixes(f: &mut Finding, devices: &[crate::model::Device]) {
    let involved: Vec<&crate::model::Device> = devices
        .iter()
        .filter(|d| !d.ike_profiles.is_empty() || !d.ike_proposals.is_empty())
        .filter(|d| f.parties.contains(&d.name) || f.peer.as_deref() == Some(&d.name))
        .collect();
    if involved.is_empty() {
        return;
    }
    let mut off = Vec::new();
    for d in &involved {
        let conns: Vec<String> = d
            .ike_profiles
            .iter()
            .filter(|p| p.fragmentation.as_ref().is_some_and(|(on, _)| !on))
            .map(|p| p.name.clone())
            .collect();
        for p in &d.ike_profiles {
            if let Some((false, loc)) = &p.fragmentation {
                f.evidence.push(loc.clone());
                off.push(format!("{} has IKE fragmentation off ({})", d.name, p.name));
            }
        }
        f.fixes.retain(|x| x.peer != d.name);
        f.fixes.push(Fix {
            peer: d.name.clone(),
            remedies: vec![
                Remedy::EnableIkeFragmentation { conns },
                Remedy::Text {
                    text: "on both peers; and ask the provider to pass IP fragments and ICMP type 3 code 4".into(),
                },
            ],
        });
    }
    if !off.is_empty() {
        f.summary = format!(
            "{} {}.",
            f.summary.trim_end_matches('.').to_string() + ".",
            off.join("; ")
        );
    }
}

/// A configuration and the device's own show output disagree: the diagnosis went on with the
/// configuration, and the user must know it may not be what runs.
fn contradiction(dev: &str, c: &crate::model::contradict::Contradiction) -> Finding {
    Finding::new(
        Cause::EvidenceContradiction,
        dev,
        format!(
            "{dev}'s configuration and its show output disagree on {}: the configuration says {}, the device shows {}. The diagnosis uses the configuration; if the show output is the newer, the configuration given is not the running one.",
            c.subject, c.config.0, c.shown.0
        ),
    )
    .severity(Severity::Warning)
    .evidence([&c.config.1, &c.shown.1])
    .check(dev, "collect the running configuration again", vec![Probe::ShowRunningConfig])
}

/// Without the IKE policies a missing key is a fault only if the peers authenticate with
/// pre-shared keys, which the evidence does not show.
fn unsure_of_auth(out: &mut [Finding], dev: &str) {
    for f in out
        .iter_mut()
        .filter(|f| f.code == Cause::NoPskForPeer && f.peer.as_deref() == Some(dev))
    {
        f.confidence = Confidence::Likely;
        f.summary.push_str(
            " (This assumes pre-shared-key authentication: the IKE policies were not in the evidence.)",
        );
    }
}

/// A device that runs a routing protocol learns routes its config does not list: a missing
/// route is then only a warning to check, not a proven fault.
fn soften_route_finding(f: &mut Finding, devices: &[Device]) {
    let route_code = matches!(
        f.code,
        Cause::InitiatorNoRoute
            | Cause::ResponderNoRouteBack
            | Cause::ResponderNoRouteToProtectedNet
    );
    let dev = f
        .peer
        .as_ref()
        .and_then(|p| devices.iter().find(|d| &d.name == p));
    if let (true, Some(d)) = (route_code, dev)
        && let Some(loc) = &d.dynamic_routing
    {
        f.severity = Severity::Warning;
        f.confidence = Confidence::Likely;
        f.summary.push_str(&format!(
            " {} also runs `{}`, whose routes a config does not show: confirm with the routing table.",
            d.name,
            loc.text.trim()
        ));
        f.evidence.push(loc.clone());
    }
}

/// A finding read from a device's output joins the config finding of the same fault on the
/// same tunnel (which becomes certain); otherwise it stands on its own.
fn merge_evidence(all: &mut Vec<Finding>, f: Finding) {
    let same = all
        .iter_mut()
        .find(|g| g.code == f.code && g.parties == f.parties);
    match same {
        Some(g) => {
            // Proof from another source makes a ranked alternative the fault itself, told in
            // the words of the proof (its device, its summary).
            let mut f = f;
            if f.confidence == Confidence::Certain && g.confidence != Confidence::Certain {
                std::mem::swap(g, &mut f);
            }
            g.severity = g.severity.min(f.severity);
            absorb(g, f);
        }
        None => {
            if let Some(g) = all.iter_mut().find(|g| {
                g.code == f.code
                    && f.parties.iter().any(|p| g.parties.contains(p))
                    && g.peer == f.peer
            }) {
                let mut f = f;
                if f.confidence == Confidence::Certain && g.confidence != Confidence::Certain {
                    std::mem::swap(g, &mut f);
                }
                g.severity = g.severity.min(f.severity);
                absorb(g, f);
            } else {
                all.push(f);
            }
        }
    }
}

/// The same fault seen from both directions of one tunnel is one finding.
fn merge(all: &mut Vec<Finding>, f: Finding) {
    let key = |x: &Finding| {
        let mut ev: Vec<String> = x.evidence.iter().map(|l| l.to_string()).collect();
        ev.sort();
        ev
    };
    let fk = key(&f);
    // A symmetric fault (keys, proposals) names a different responder per direction but
    // cites the same lines.
    let same = all
        .iter_mut()
        .find(|g| g.code == f.code && g.parties == f.parties && (g.peer == f.peer || key(g) == fk));
    let Some(g) = same else {
        all.push(f);
        return;
    };
    if g.direction != f.direction {
        match &f.direction {
            Some(_) if g.code.symmetric() => {
                g.summary.push_str(" This fails whichever side initiates.")
            }
            Some((i, _)) if g.summary != f.summary => g
                .summary
                .push_str(&format!(" When {i} initiates: {}", f.summary)),
            _ => {}
        }
        g.direction = None;
    }
    absorb(g, f);
}

fn absorb(g: &mut Finding, f: Finding) {
    for l in &f.evidence {
        g.add_evidence(l);
    }
    for x in f.fixes {
        if !g.fixes.iter().any(|y| y.peer == x.peer) {
            g.fixes.push(x);
        }
    }
    g.checks.extend(f.checks);
}

/// A later error on the same peer of the same tunnel that cites a line an earlier error
/// already cites is a consequence of it (a wrong `set peer` also makes the responder refuse
/// quick mode): it is folded into the earlier finding rather than reported as a second cause.
fn fold_consequences(sorted: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    for f in sorted {
        let root = out.iter_mut().find(|g| {
            g.severity == Severity::Error
                && f.severity == Severity::Error
                && g.code != f.code
                && g.peer == f.peer
                && g.parties == f.parties
                && f.evidence
                    .iter()
                    .any(|l| l.line.is_some() && g.evidence.contains(l))
        });
        match root {
            Some(g) => {
                if !g.also.contains(&f.code) {
                    g.also.push(f.code);
                    g.summary
                        .push_str(&format!(" Consequence ({}): {}", f.code, f.summary));
                }
                g.checks.extend(f.checks);
            }
            None => out.push(f),
        }
    }
    out
}

impl Diagnosis {
    /// The first failing step's main finding, as the contract's `verdict`.
    pub fn verdict(&self, devices: &[Device]) -> (String, Option<Step>) {
        if let Some(f) = self.findings.iter().find(|f| f.severity == Severity::Error) {
            return (f.code.code().to_string(), f.step);
        }
        let any_healthy = self.up_seen || self.directions.iter().any(|d| d.outcome == "healthy");
        if devices.is_empty() || !any_healthy {
            return ("inconclusive".into(), None);
        }
        ("healthy".into(), None)
    }
}
