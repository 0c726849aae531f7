//! `crypto ...` sections: ISAKMP policies, keys, keyrings, profiles, transform sets, crypto
//! maps (static and dynamic), IPsec profiles and identity lists.
//!
//! Crypto maps refer to transform sets and ACLs by name, possibly defined further down, so
//! entries are collected first and resolved in [`finish`].

use super::blocks::{Block, Line};
use super::defaults::{self, DefaultSet};
use super::{Ctx, secrets};
use crate::model::ike::{IdentityList, IkeProfile, Trustpoint};
use crate::model::ipsec::PolicyKind;
use crate::model::selector::Flow;
use crate::model::{
    AddrSpec, AuthMethod, DhGroup, EncapMode, Encr, IdentityKind, IdentityMatch, IkeAttr,
    IkeVersion, Integ, IpsecProposal, KeyUse, Loc, PeerMatch, PreSharedKey, SelectorRule,
    TunnelPolicy,
};
use std::net::{IpAddr, Ipv4Addr};

/// A crypto map, dynamic map or IPsec profile entry before names are resolved.
#[derive(Default)]
pub struct RawEntry<'a> {
    pub map: String,
    pub seq: u32,
    pub dynamic: bool,
    pub profile: bool,
    pub uses_dynamic: Option<String>,
    pub head: Option<Line<'a>>,
    pub peers: Vec<Line<'a>>,
    pub transform_sets: Option<Line<'a>>,
    pub pfs: Option<Line<'a>>,
    pub lifetime: Option<Line<'a>>,
    pub match_address: Option<Line<'a>>,
    pub identity: Option<Line<'a>>,
    pub isakmp_profile: Option<Line<'a>>,
    pub ikev2: bool,
}

#[derive(Default)]
pub struct Pending<'a> {
    pub entries: Vec<RawEntry<'a>>,
    pub no_default_policy: bool,
}

pub fn block<'a>(cx: &mut Ctx<'a>, b: &Block<'a>) -> bool {
    let w = b.head.words();
    match w.as_slice() {
        ["no", "crypto", "isakmp", "enable"] | ["no", "crypto", "isakmp"] => {
            cx.dev.ike_disabled = Some(cx.loc(&b.head));
            true
        }
        ["no", "crypto", "isakmp", "default", "policy"] => {
            cx.crypto.no_default_policy = true;
            true
        }
        ["crypto", "isakmp", "enable"] => true,
        ["crypto", "isakmp", "policy", n] => policy(cx, b, n),
        ["crypto", "isakmp", "key", ..] => global_key(cx, &b.head, &w[3..]),
        ["crypto", "isakmp", "identity", kind] => {
            cx.dev.identity = match *kind {
                "hostname" => IdentityKind::Hostname,
                "dn" => IdentityKind::Dn,
                _ => IdentityKind::Address,
            };
            true
        }
        ["crypto", "isakmp", "profile", name] => isakmp_profile(cx, b, name),
        ["crypto", "isakmp", "keepalive", ..]
        | ["crypto", "isakmp", "nat", ..]
        | ["crypto", "isakmp", "invalid-spi-recovery"]
        | ["crypto", "isakmp", "aggressive-mode", ..] => true,
        ["crypto", "keyring", name, ..] => keyring(cx, b, name),
        ["crypto", "ikev2", "proposal", name] => super::ikev2::proposal(cx, b, name),
        ["crypto", "ikev2", "keyring", name] => super::ikev2::keyring(cx, b, name),
        ["crypto", "ikev2", "profile", name] => super::ikev2::profile(cx, b, name),
        ["crypto", "ikev2", "policy", _] => super::ikev2::policy(cx, b),
        ["crypto", "ipsec", "transform-set", name, rest @ ..] => transform_set(cx, b, name, rest),
        ["crypto", "ipsec", "profile", name] => map_entry(cx, b, name, 0, false, true),
        ["crypto", "map", name, seq, kind, rest @ ..] if kind.starts_with("ipsec-isakmp") => {
            let Ok(seq) = seq.parse() else { return false };
            let ok = map_entry(cx, b, name, seq, false, false);
            if let ["dynamic", dyn_name, ..] = rest
                && let Some(e) = cx.crypto.entries.last_mut()
            {
                e.uses_dynamic = Some(dyn_name.to_string());
            }
            ok
        }
        ["crypto", "map", _, "local-address", ..] | ["crypto", "map", _, "isakmp-profile", ..] => {
            true
        }
        ["crypto", "dynamic-map", name, seq] => {
            let Ok(seq) = seq.parse() else { return false };
            map_entry(cx, b, name, seq, true, false)
        }
        ["crypto", "identity", name] => identity_list(cx, b, name),
        ["crypto", "pki" | "ca", "trustpoint", name] => {
            let loc = cx.loc(&b.head);
            if !cx.dev.trustpoints.iter().any(|t| t.name == *name) {
                cx.dev.trustpoints.push(Trustpoint {
                    name: name.to_string(),
                    has_certificate: false,
                    loc,
                });
            }
            true
        }
        ["crypto", "pki" | "ca", "certificate", "chain", name] => {
            let has = b.children.iter().any(|c| {
                c.text.trim_start().starts_with("certificate") && !c.text.contains(" ca ")
            });
            let loc = cx.loc(&b.head);
            match cx.dev.trustpoints.iter_mut().find(|t| t.name == *name) {
                Some(t) => t.has_certificate |= has,
                None => cx.dev.trustpoints.push(Trustpoint {
                    name: name.to_string(),
                    has_certificate: has,
                    loc,
                }),
            }
            true
        }
        _ => false,
    }
}

fn policy<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, n: &str) -> bool {
    let Ok(prio) = n.parse::<u32>() else {
        return false;
    };
    let mut p = defaults::blank_policy(prio, cx.loc(&b.head));
    for c in &b.children {
        let w = c.words();
        let attr = match w.as_slice() {
            ["encr" | "encryption", alg, rest @ ..] => match ike_encr(alg, rest.first().copied()) {
                Some(e) => {
                    p.encr = vec![e];
                    Some(IkeAttr::Encryption)
                }
                None => None,
            },
            ["hash", h] => match integ(h) {
                Some(i) => {
                    p.integ = vec![i];
                    Some(IkeAttr::Integrity)
                }
                None => None,
            },
            ["authentication", a] => {
                let m = match *a {
                    "pre-share" => Some(AuthMethod::PreShared),
                    "rsa-sig" => Some(AuthMethod::RsaSig),
                    "rsa-encr" => Some(AuthMethod::RsaEncr),
                    "ecdsa-sig" => Some(AuthMethod::EcdsaSig),
                    _ => None,
                };
                m.map(|m| {
                    p.auth = Some(m);
                    IkeAttr::Auth
                })
            }
            ["group", g] => g.parse().ok().map(|g| {
                p.groups = vec![DhGroup(g)];
                IkeAttr::Group
            }),
            ["lifetime", s] => s.parse().ok().map(|s| {
                p.lifetime_secs = s;
                IkeAttr::Lifetime
            }),
            _ => None,
        };
        cx.attr(&mut p, attr, c);
    }
    cx.dev.ike_proposals.push(p);
    true
}

fn ike_encr(alg: &str, bits: Option<&str>) -> Option<Encr> {
    let bits = bits.and_then(|b| b.parse::<u16>().ok());
    Some(match alg {
        "des" => Encr::Des,
        "3des" => Encr::TripleDes,
        "aes" => Encr::Aes {
            bits: bits.unwrap_or(128),
        },
        _ => return None,
    })
}

fn integ(h: &str) -> Option<Integ> {
    Some(match h {
        "md5" => Integ::Md5,
        "sha" => Integ::Sha1,
        "sha256" => Integ::Sha256,
        "sha384" => Integ::Sha384,
        "sha512" => Integ::Sha512,
        _ => return None,
    })
}

/// Reads `[0|6|7] KEY` at the start of `w`, returning the fingerprint and the words after it.
pub(super) fn key_words<'w>(
    w: &'w [&'w str],
) -> Option<(crate::model::SecretFingerprint, &'w [&'w str])> {
    match w {
        [t @ ("0" | "6" | "7"), k, rest @ ..] => Some((secrets::fingerprint(Some(t), k), rest)),
        [k, rest @ ..] => Some((secrets::fingerprint(None, k), rest)),
        [] => None,
    }
}

/// `address A [MASK]`, `address ipv6 P`, `hostname H` → who the key is for.
pub(super) fn peer_match(w: &[&str]) -> Option<PeerMatch> {
    match w {
        ["address", "ipv6", p, ..] => p
            .parse::<ipnet::IpNet>()
            .ok()
            .map(|n| PeerMatch::Address(AddrSpec::Net { net: n })),
        ["address", a, rest @ ..] => {
            let addr: Ipv4Addr = a.parse().ok()?;
            match rest.first().and_then(|m| super::iface::v4net(a, m)) {
                Some(n) if n.prefix_len() == 0 => Some(PeerMatch::Address(AddrSpec::Any)),
                Some(n) => Some(PeerMatch::Address(AddrSpec::Net { net: n.trunc() })),
                None => Some(PeerMatch::Address(AddrSpec::host(IpAddr::V4(addr)))),
            }
        }
        ["hostname", h, ..] => Some(PeerMatch::Hostname(h.to_string())),
        _ => None,
    }
}

fn global_key(cx: &mut Ctx<'_>, l: &Line<'_>, w: &[&str]) -> bool {
    let Some((key, rest)) = key_words(w) else {
        return false;
    };
    let Some(peer) = peer_match(rest) else {
        return false;
    };
    let loc = cx.loc(l);
    cx.dev.psks.push(PreSharedKey {
        peer,
        key,
        usage: KeyUse::Both,
        keyring: None,
        entry: None,
        loc,
    });
    true
}

fn keyring<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str) -> bool {
    for c in &b.children {
        let w = c.words();
        let ok = match w.as_slice() {
            ["pre-shared-key", rest @ ..] => {
                let kpos = rest.iter().position(|x| *x == "key");
                match kpos {
                    Some(k) => match (peer_match(&rest[..k]), key_words(&rest[k + 1..])) {
                        (Some(peer), Some((key, _))) => {
                            let loc = cx.loc(c);
                            cx.dev.psks.push(PreSharedKey {
                                peer,
                                key,
                                usage: KeyUse::Both,
                                keyring: Some(name.to_string()),
                                entry: None,
                                loc,
                            });
                            true
                        }
                        _ => false,
                    },
                    None => false,
                }
            }
            ["local-address", ..] | ["description", ..] => true,
            _ => false,
        };
        if !ok {
            cx.skip(c);
        }
    }
    true
}

fn isakmp_profile<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str) -> bool {
    let mut p = IkeProfile::new(name, IkeVersion::V1, cx.loc(&b.head));
    for c in &b.children {
        let w = c.words();
        let m = match w.as_slice() {
            ["keyring", k] => {
                p.keyrings.push(k.to_string());
                continue;
            }
            ["match", "identity", "address", a, rest @ ..] => {
                let spec = super::iface::addr_mask(a, rest.first().copied());
                spec.map(IdentityMatch::Address)
            }
            ["match", "identity", "host", "domain", d] => {
                Some(IdentityMatch::FqdnSuffix(d.to_string()))
            }
            ["match", "identity", "host", h] => Some(IdentityMatch::Fqdn(h.to_string())),
            ["self-identity", kind, ..] => {
                p.self_identity = Some(match *kind {
                    "fqdn" => IdentityKind::Hostname,
                    _ => IdentityKind::Address,
                });
                continue;
            }
            ["local-address", a] => {
                p.local_address = a.parse().ok();
                continue;
            }
            ["keepalive", ..] | ["description", ..] | ["ca", ..] | ["vrf", ..] => continue,
            _ => None,
        };
        match m {
            Some(m) => {
                let loc = cx.loc(c);
                p.match_identities.push((m, loc));
            }
            None => cx.skip(c),
        }
    }
    cx.dev.ike_profiles.push(p);
    true
}

fn transform(t: &[&str], p: &mut IpsecProposal) -> usize {
    let bits = t.get(1).and_then(|b| b.parse::<u16>().ok());
    let used = if bits.is_some() { 2 } else { 1 };
    match t[0] {
        "esp-des" => p.esp_encr.push(Encr::Des),
        "esp-3des" => p.esp_encr.push(Encr::TripleDes),
        "esp-aes" => {
            p.esp_encr.push(Encr::Aes {
                bits: bits.unwrap_or(128),
            });
            return used;
        }
        "esp-gcm" => {
            p.esp_encr.push(Encr::AesGcm {
                bits: bits.unwrap_or(128),
                icv: 16,
            });
            return used;
        }
        "esp-gmac" => {
            p.esp_encr.push(Encr::AesGmac {
                bits: bits.unwrap_or(128),
            });
            return used;
        }
        "esp-null" => p.esp_encr.push(Encr::Null),
        "esp-seal" => p.esp_encr.push(Encr::Seal),
        "esp-md5-hmac" => p.esp_integ.push(Integ::Md5),
        "esp-sha-hmac" => p.esp_integ.push(Integ::Sha1),
        "esp-sha256-hmac" => p.esp_integ.push(Integ::Sha256),
        "esp-sha384-hmac" => p.esp_integ.push(Integ::Sha384),
        "esp-sha512-hmac" => p.esp_integ.push(Integ::Sha512),
        "ah-md5-hmac" => p.ah_integ.push(Integ::Md5),
        "ah-sha-hmac" => p.ah_integ.push(Integ::Sha1),
        "ah-sha256-hmac" => p.ah_integ.push(Integ::Sha256),
        "ah-sha384-hmac" => p.ah_integ.push(Integ::Sha384),
        "ah-sha512-hmac" => p.ah_integ.push(Integ::Sha512),
        "comp-lzs" => {}
        _ => return 0,
    }
    1
}

fn transform_set<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str, rest: &[&str]) -> bool {
    let mut p = IpsecProposal {
        name: name.to_string(),
        esp_encr: Vec::new(),
        esp_integ: Vec::new(),
        ah_integ: Vec::new(),
        groups: Vec::new(),
        mode: EncapMode::Tunnel,
        other_mode_ok: false,
        loc: cx.loc(&b.head),
    };
    let mut i = 0;
    while i < rest.len() {
        let used = transform(&rest[i..], &mut p);
        if used == 0 {
            return false;
        }
        i += used;
    }
    for c in &b.children {
        match c.words().as_slice() {
            // `mode transport` asks for transport and still accepts tunnel.
            ["mode", "transport", ..] => {
                p.mode = EncapMode::Transport;
                p.other_mode_ok = true;
            }
            ["mode", "tunnel"] => p.mode = EncapMode::Tunnel,
            _ => cx.skip(c),
        }
    }
    cx.dev.proposals.push(p);
    true
}

fn map_entry<'a>(
    cx: &mut Ctx<'a>,
    b: &Block<'a>,
    name: &str,
    seq: u32,
    dynamic: bool,
    profile: bool,
) -> bool {
    let mut e = RawEntry {
        map: name.to_string(),
        seq,
        dynamic,
        profile,
        head: Some(b.head.clone()),
        ..Default::default()
    };
    for c in &b.children {
        let w = c.words();
        let slot = match w.as_slice() {
            ["set", "peer", ..] => {
                e.peers.push(c.clone());
                continue;
            }
            ["set", "transform-set", ..] => &mut e.transform_sets,
            ["set", "pfs", ..] => &mut e.pfs,
            ["set", "security-association", "lifetime", "seconds", _] => &mut e.lifetime,
            ["match", "address", _] => &mut e.match_address,
            ["identity", _] => &mut e.identity,
            ["set", "isakmp-profile", _] => &mut e.isakmp_profile,
            ["set", "ikev2-profile", _] => {
                e.ikev2 = true;
                &mut e.isakmp_profile
            }
            ["description", ..]
            | ["reverse-route", ..]
            | ["qos", ..]
            | ["set", "security-association", ..]
            | ["set", "nat", ..] => continue,
            _ => {
                cx.skip(c);
                continue;
            }
        };
        *slot = Some(c.clone());
    }
    cx.crypto.entries.push(e);
    true
}

fn identity_list<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str) -> bool {
    let mut l = IdentityList {
        name: name.to_string(),
        permits: Vec::new(),
        loc: cx.loc(&b.head),
    };
    for c in &b.children {
        let t = c.text.trim();
        let m = if let Some(f) = t.strip_prefix("fqdn ") {
            Some(IdentityMatch::Fqdn(f.trim().to_string()))
        } else {
            t.strip_prefix("dn ")
                .map(|d| IdentityMatch::Dn(d.trim().to_string()))
        };
        match m {
            Some(m) => {
                let loc = cx.loc(c);
                l.permits.push((m, loc));
            }
            None => cx.skip(c),
        }
    }
    cx.dev.identity_lists.push(l);
    true
}

fn second_word(l: &Line<'_>, n: usize) -> Option<String> {
    l.text.split_whitespace().nth(n).map(|s| s.to_string())
}

/// Resolves crypto map references and adds the platform's built-in IKE policies.
pub fn finish(cx: &mut Ctx<'_>) {
    let entries = std::mem::take(&mut cx.crypto.entries);
    for e in &entries {
        if e.profile {
            continue;
        }
        let parent = entries
            .iter()
            .find(|s| !s.dynamic && s.uses_dynamic.as_deref() == Some(e.map.as_str()))
            .map(|s| (s.map.clone(), s.seq));
        if e.uses_dynamic.is_some() {
            continue;
        }
        let kind = if e.dynamic {
            PolicyKind::DynamicMap {
                map: e.map.clone(),
                seq: e.seq,
                parent,
            }
        } else {
            PolicyKind::CryptoMap {
                map: e.map.clone(),
                seq: e.seq,
            }
        };
        let p = resolve(cx, e, kind);
        cx.dev.policies.push(p);
    }
    vti_policies(cx, &entries);
    let set = defaults::default_set(cx.version.as_deref());
    let configured = cx
        .dev
        .ike_proposals
        .iter()
        .any(|p| p.version == IkeVersion::V1);
    let use_builtin = match set {
        DefaultSet::Legacy => true,
        DefaultSet::Modern => !configured && !cx.crypto.no_default_policy,
    };
    if use_builtin {
        let b = defaults::builtin_policies(set, &cx.file);
        cx.dev.ike_proposals.extend(b);
    }
    let v2_used = cx
        .dev
        .policies
        .iter()
        .any(|p| p.ike_version == IkeVersion::V2);
    let v2_configured = cx
        .dev
        .ike_proposals
        .iter()
        .any(|p| p.version == IkeVersion::V2);
    if v2_used && !v2_configured {
        let d = super::ikev2::default_proposal(&cx.file);
        cx.dev.ike_proposals.push(d);
    }
    cx.dev.ike_proposals.sort_by_key(|p| p.priority);
}

fn resolve(cx: &mut Ctx<'_>, e: &RawEntry<'_>, kind: PolicyKind) -> TunnelPolicy {
    let head = e.head.as_ref().map(|h| cx.loc(h));
    let head = head.unwrap_or_else(|| Loc::implied(&cx.file, &e.map));
    let mut pol = TunnelPolicy {
        kind,
        ike_version: if e.ikev2 {
            IkeVersion::V2
        } else {
            IkeVersion::V1
        },
        peers: Vec::new(),
        peer_names: Vec::new(),
        selector_source: None,
        selectors: Vec::new(),
        narrowing: true,
        assigned_address: false,
        interface_bound: None,
        proposals: Vec::new(),
        missing_proposals: Vec::new(),
        pfs: None,
        lifetime_secs: None,
        identity_list: None,
        ike_profile: None,
        loc: head,
    };
    for l in &e.peers {
        let loc = cx.loc(l);
        for w in l.text.split_whitespace().skip(2) {
            if w == "default" {
                continue;
            }
            match w.parse::<IpAddr>() {
                Ok(a) => pol.peers.push((a, loc.clone())),
                Err(_) => pol.peer_names.push((w.to_string(), loc.clone())),
            }
        }
    }
    if let Some(l) = &e.transform_sets {
        let loc = cx.loc(l);
        for name in l.text.split_whitespace().skip(2) {
            match cx.dev.proposals.iter().find(|p| p.name == name) {
                Some(p) => pol.proposals.push(p.clone()),
                None => pol.missing_proposals.push((name.to_string(), loc.clone())),
            }
        }
    }
    if let Some(l) = &e.pfs {
        let g = match l.text.split_whitespace().nth(2) {
            Some(g) => g.trim_start_matches("group").parse().unwrap_or(1),
            None => 1,
        };
        pol.pfs = Some((DhGroup(g), cx.loc(l)));
    }
    if let Some(l) = &e.lifetime
        && let Some(s) = l
            .text
            .split_whitespace()
            .nth(4)
            .and_then(|s| s.parse().ok())
    {
        pol.lifetime_secs = Some((s, cx.loc(l)));
    }
    if let Some(l) = &e.identity {
        pol.identity_list = second_word(l, 1).map(|n| (n, cx.loc(l)));
    }
    if let Some(l) = &e.isakmp_profile {
        pol.ike_profile = second_word(l, 2).map(|n| (n, cx.loc(l)));
    }
    if let Some(l) = &e.match_address
        && let Some(name) = second_word(l, 2)
    {
        let loc = cx.loc(l);
        if let Some(acl) = cx.dev.acl(&name) {
            pol.selectors = acl
                .entries
                .iter()
                .map(|a| SelectorRule {
                    protect: a.action == crate::model::Action::Permit,
                    flow: Flow {
                        proto: a.proto,
                        src: a.src,
                        src_ports: a.src_ports.clone(),
                        dst: a.dst,
                        dst_ports: a.dst_ports.clone(),
                    },
                    loc: a.loc.clone(),
                })
                .collect();
        }
        pol.selector_source = Some((name, loc));
    }
    pol
}

/// Route-based VPNs: each tunnel interface protected by an IPsec profile is a policy whose
/// peer is the tunnel destination and whose selectors are any ↔ any (VTI) or the GRE flow.
fn vti_policies(cx: &mut Ctx<'_>, entries: &[RawEntry<'_>]) {
    let tunnels: Vec<_> = cx
        .dev
        .interfaces
        .iter()
        .filter_map(|i| {
            let t = i.tunnel.as_ref()?;
            Some((i.name.clone(), t.clone(), i.loc.clone(), i.shutdown))
        })
        .collect();
    for (name, t, iloc, shut) in tunnels {
        let Some(profile) = &t.protection_profile else {
            continue;
        };
        if shut {
            continue;
        }
        let Some(e) = entries.iter().find(|e| e.profile && &e.map == profile) else {
            continue;
        };
        let mut pol = resolve(
            cx,
            e,
            PolicyKind::Vti {
                interface: name.clone(),
                profile: profile.clone(),
            },
        );
        if let Some(d) = t.destination {
            pol.peers.push((d, iloc.clone()));
        }
        let gre = !t.mode.as_deref().unwrap_or("gre").starts_with("ipsec");
        let flow = if gre {
            let src = match &t.source {
                Some(crate::model::net::TunnelSource::Address(a)) => AddrSpec::host(*a),
                _ => AddrSpec::Any,
            };
            let dst = t.destination.map(AddrSpec::host).unwrap_or(AddrSpec::Any);
            Flow {
                proto: Some(crate::model::net::PROTO_GRE),
                ..Flow::ip(src, dst)
            }
        } else {
            Flow::ip(AddrSpec::Any, AddrSpec::Any)
        };
        pol.selectors = vec![SelectorRule {
            protect: true,
            flow,
            loc: iloc.clone(),
        }];
        pol.loc = iloc;
        cx.dev.policies.push(pol);
    }
}
