//! The flowchart engine. It sees only the model: devices and (later) evidence events.
//!
//! Every tunnel is walked once per direction that can initiate: phase 1 (initiated →
//! reaches the responder → proposal accepted → authenticated), phase 2, then traffic.

pub mod cause;
pub mod finding;
mod lookup;
mod pairing;
mod phase1;
mod phase2;
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
        match leg.b {
            None => {
                phase1::initiator_credentials(&leg, uses_psk(leg.a), &mut out);
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
                    .evidence([leg.target_loc]),
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
                phase1::reaches(&leg, &mut out);
                phase1::route_back(&leg, &mut out);
                let agreed = phase1::proposals(&leg, &mut out);
                let psk = match &agreed {
                    Some(ag) => ag.resp.auth == Some(AuthMethod::PreShared),
                    None => uses_psk(leg.a),
                };
                phase1::initiator_credentials(&leg, psk, &mut out);
                if let Some(ag) = &agreed {
                    phase1::authenticate(&leg, ag, &mut out);
                }
                let reversed = out.iter().any(|f| f.code == Cause::CryptoAclReversed);
                if let Some(chosen) = phase2::negotiate(&leg, reversed, &mut out) {
                    phase2::lifetimes(&leg, &chosen, &mut out);
                    traffic::crosses(&leg, &chosen, &mut out);
                }
            }
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
        for f in out {
            merge(&mut all, f);
        }
    }
    all.sort_by_key(|f| (f.severity, f.step, f.code));
    Diagnosis {
        findings: all,
        directions,
    }
}

/// The same fault seen from both directions is one finding; the directions it breaks are
/// kept in the summary's direction list.
fn merge(all: &mut Vec<Finding>, f: Finding) {
    let key = |x: &Finding| {
        let mut ev: Vec<String> = x.evidence.iter().map(|l| l.to_string()).collect();
        ev.sort();
        ev
    };
    let fk = key(&f);
    let same = all.iter_mut().find(|g| {
        g.code == f.code
            && (key(g) == fk || (g.peer == f.peer && g.evidence.first() == f.evidence.first()))
    });
    match same {
        Some(g) => {
            if let (Some(_), Some((i, _))) = (&g.direction, &f.direction)
                && g.direction != f.direction
            {
                g.summary
                    .push_str(&format!(" The same happens when {i} initiates."));
                g.direction = None;
            }
        }
        None => all.push(f),
    }
}

impl Diagnosis {
    /// The first failing step's main finding, as the contract's `verdict`.
    pub fn verdict(&self, devices: &[Device]) -> (String, Option<Step>) {
        if let Some(f) = self.findings.iter().find(|f| f.severity == Severity::Error) {
            return (f.code.code().to_string(), f.step);
        }
        let any_healthy = self.directions.iter().any(|d| d.outcome == "healthy");
        if devices.is_empty() || !any_healthy {
            return ("inconclusive".into(), None);
        }
        ("healthy".into(), None)
    }
}
