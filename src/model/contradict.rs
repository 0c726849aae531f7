//! Two sources about one device that disagree: a saved configuration and the show output of
//! the running device (the config is stale, or belongs to another box). Reported, never
//! silently resolved: the engine goes on with the configuration and says so.

use super::device::Device;
use super::source::Loc;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    /// What the two sources disagree on ("crypto map mjlnetmap 10 peer").
    pub subject: String,
    /// The configuration's value and line.
    pub config: (String, Loc),
    /// The show output's value and line.
    pub shown: (String, Loc),
}

fn push(out: &mut Vec<Contradiction>, subject: String, c: (String, &Loc), s: (String, &Loc)) {
    if c.0 != s.0 {
        out.push(Contradiction {
            subject,
            config: (c.0, c.1.clone()),
            shown: (s.0, s.1.clone()),
        });
    }
}

/// What `shown` (show output) says differently from `config` (a full configuration).
pub fn between(config: &Device, shown: &Device) -> Vec<Contradiction> {
    let mut out = Vec::new();
    for sp in &shown.policies {
        let Some(cp) = config.policies.iter().find(|p| p.label() == sp.label()) else {
            continue;
        };
        let peers = |p: &super::TunnelPolicy| {
            let mut v: Vec<String> = p.peers.iter().map(|(a, _)| a.to_string()).collect();
            v.sort();
            v.join(", ")
        };
        if let (Some((_, cl)), Some((_, sl))) = (cp.peers.first(), sp.peers.first()) {
            push(
                &mut out,
                format!("{} peer", cp.label()),
                (peers(cp), cl),
                (peers(sp), sl),
            );
        }
        let flows = |p: &super::TunnelPolicy| {
            p.protected()
                .map(|r| r.flow.to_string())
                .collect::<Vec<_>>()
                .join("; ")
        };
        if let (Some(cr), Some(sr)) = (cp.protected().next(), sp.protected().next()) {
            push(
                &mut out,
                format!("{} crypto ACL", cp.label()),
                (flows(cp), &cr.loc),
                (flows(sp), &sr.loc),
            );
        }
    }
    for sk in &shown.psks {
        if let Some(ck) = config
            .psks
            .iter()
            .find(|k| k.peer == sk.peer && k.keyring == sk.keyring)
            && ck.key != sk.key
        {
            // Fingerprints only: the keys themselves are never printed.
            out.push(Contradiction {
                subject: "pre-shared key for the same peer".into(),
                config: ("one key".into(), ck.loc.clone()),
                shown: ("a different key".into(), sk.loc.clone()),
            });
        }
    }
    for si in &shown.interfaces {
        let Some(ci) = config.interface(&si.name) else {
            continue;
        };
        if let (Some(c), Some(s)) = (ci.addresses.first(), si.addresses.first())
            && s.prefix_len() < 32
        {
            let cl = ci.address_loc.as_ref().unwrap_or(&ci.loc);
            let sl = si.address_loc.as_ref().unwrap_or(&si.loc);
            push(
                &mut out,
                format!("{} address", si.name),
                (c.to_string(), cl),
                (s.to_string(), sl),
            );
        }
        if let (Some((c, cl)), Some((s, sl))) = (&ci.crypto_map, &si.crypto_map) {
            push(
                &mut out,
                format!("crypto map on {}", si.name),
                (c.clone(), cl),
                (s.clone(), sl),
            );
        }
        if let Some((s, sl)) = &si.acl_in {
            let (c, cl) = match &ci.acl_in {
                Some((c, cl)) => (c.clone(), cl),
                None => ("none".to_string(), &ci.loc),
            };
            push(
                &mut out,
                format!("inbound access list on {}", si.name),
                (c, cl),
                (s.clone(), sl),
            );
        }
    }
    out
}
