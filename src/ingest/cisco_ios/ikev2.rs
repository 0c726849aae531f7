//! IOS IKEv2 sections: proposals (several transforms of each type), keyrings with per-peer
//! keys (possibly different for each direction) and profiles.

use super::Ctx;
use super::blocks::Block;
use super::crypto::{key_words, peer_match};
use crate::model::ike::{IkeProfile, KeyUse};
use crate::model::{
    AuthMethod, DhGroup, Encr, IdentityMatch, IkeProposal, IkeVersion, Integ, Loc, PreSharedKey,
};
use std::sync::Arc;

fn encr(w: &str) -> Option<Encr> {
    Some(match w {
        "3des" => Encr::TripleDes,
        "des" => Encr::Des,
        "aes-cbc-128" => Encr::Aes { bits: 128 },
        "aes-cbc-192" => Encr::Aes { bits: 192 },
        "aes-cbc-256" => Encr::Aes { bits: 256 },
        "aes-gcm-128" => Encr::AesGcm { bits: 128, icv: 16 },
        "aes-gcm-256" => Encr::AesGcm { bits: 256, icv: 16 },
        _ => return None,
    })
}

fn integ(w: &str) -> Option<Integ> {
    Some(match w {
        "md5" => Integ::Md5,
        "sha1" => Integ::Sha1,
        "sha256" => Integ::Sha256,
        "sha384" => Integ::Sha384,
        "sha512" => Integ::Sha512,
        _ => return None,
    })
}

fn blank(name: &str, priority: u32, loc: Loc) -> IkeProposal {
    IkeProposal {
        version: IkeVersion::V2,
        priority,
        name: name.to_string(),
        encr: Vec::new(),
        integ: Vec::new(),
        prf: Vec::new(),
        groups: Vec::new(),
        auth: None,
        lifetime_secs: 86_400,
        lifetime_enforced: true,
        builtin: false,
        loc,
        attr_locs: Vec::new(),
    }
}

pub fn proposal<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str) -> bool {
    let order = cx
        .dev
        .ike_proposals
        .iter()
        .filter(|p| p.version == IkeVersion::V2)
        .count() as u32;
    let mut p = blank(name, order + 1, cx.loc(&b.head));
    for c in &b.children {
        let w = c.words();
        let attr = match w.as_slice() {
            ["encryption", algs @ ..] => {
                p.encr = algs.iter().filter_map(|a| encr(a)).collect();
                (!p.encr.is_empty()).then_some(crate::model::IkeAttr::Encryption)
            }
            ["integrity", algs @ ..] => {
                p.integ = algs.iter().filter_map(|a| integ(a)).collect();
                (!p.integ.is_empty()).then_some(crate::model::IkeAttr::Integrity)
            }
            ["prf", algs @ ..] => {
                p.prf = algs.iter().filter_map(|a| integ(a)).collect();
                (!p.prf.is_empty()).then_some(crate::model::IkeAttr::Prf)
            }
            ["group", groups @ ..] => {
                p.groups = groups
                    .iter()
                    .filter_map(|g| g.parse().ok())
                    .map(DhGroup)
                    .collect();
                (!p.groups.is_empty()).then_some(crate::model::IkeAttr::Group)
            }
            _ => None,
        };
        cx.attr(&mut p, attr, c);
    }
    cx.dev.ike_proposals.push(p);
    true
}

/// IOS's built-in IKEv2 proposal, used when none is configured.
pub fn default_proposal(file: &Arc<str>) -> IkeProposal {
    let mut p = blank(
        "default",
        u32::MAX,
        Loc::implied(file, "IOS built-in IKEv2 proposal 'default'"),
    );
    p.encr = vec![
        Encr::Aes { bits: 256 },
        Encr::Aes { bits: 192 },
        Encr::Aes { bits: 128 },
        Encr::TripleDes,
    ];
    p.integ = vec![
        Integ::Sha512,
        Integ::Sha384,
        Integ::Sha256,
        Integ::Sha1,
        Integ::Md5,
    ];
    p.groups = vec![DhGroup(5), DhGroup(2)];
    p.builtin = true;
    p
}

pub fn policy<'a>(cx: &mut Ctx<'a>, b: &Block<'a>) -> bool {
    // Policies pick proposals by local address; every configured proposal is offered here.
    for c in &b.children {
        if !matches!(c.words().as_slice(), ["proposal", ..] | ["match", ..]) {
            cx.skip(c);
        }
    }
    true
}

pub fn keyring<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str) -> bool {
    let mut peer = None;
    let mut entry: Option<String> = None;
    for c in &b.children {
        let w = c.words();
        let ok = match w.as_slice() {
            ["peer", n] => {
                peer = None;
                entry = Some(n.to_string());
                true
            }
            ["address", ..] | ["hostname", _] => {
                peer = peer_match(&w);
                peer.is_some()
            }
            ["pre-shared-key", rest @ ..] => {
                let (usage, rest) = match rest {
                    ["local", r @ ..] => (KeyUse::Local, r),
                    ["remote", r @ ..] => (KeyUse::Remote, r),
                    r => (KeyUse::Both, r),
                };
                match (peer.clone(), key_words(rest)) {
                    (Some(p), Some((key, _))) => {
                        let loc = cx.loc(c);
                        cx.dev.psks.push(PreSharedKey {
                            peer: p,
                            key,
                            usage,
                            keyring: Some(name.to_string()),
                            entry: entry.clone(),
                            loc,
                        });
                        true
                    }
                    _ => false,
                }
            }
            ["description", ..] | ["identity", ..] => true,
            _ => false,
        };
        if !ok {
            cx.skip(c);
        }
    }
    true
}

fn auth(w: &str) -> Option<AuthMethod> {
    Some(match w {
        "pre-share" => AuthMethod::PreShared,
        "rsa-sig" => AuthMethod::RsaSig,
        "ecdsa-sig" => AuthMethod::EcdsaSig,
        "eap" => AuthMethod::Eap,
        _ => return None,
    })
}

pub fn profile<'a>(cx: &mut Ctx<'a>, b: &Block<'a>, name: &str) -> bool {
    let mut p = IkeProfile::new(name, IkeVersion::V2, cx.loc(&b.head));
    for c in &b.children {
        let w = c.words();
        let ok = match w.as_slice() {
            ["match", "identity", "remote", "address", a, rest @ ..] => {
                let spec = super::iface::addr_mask(a, rest.first().copied());
                match spec {
                    Some(s) => {
                        let loc = cx.loc(c);
                        p.match_identities.push((IdentityMatch::Address(s), loc));
                        true
                    }
                    None => false,
                }
            }
            ["match", "identity", "remote", "fqdn", "domain", d] => {
                let loc = cx.loc(c);
                p.match_identities
                    .push((IdentityMatch::FqdnSuffix(d.to_string()), loc));
                true
            }
            ["match", "identity", "remote", "fqdn", f] => {
                let loc = cx.loc(c);
                p.match_identities
                    .push((IdentityMatch::Fqdn(f.to_string()), loc));
                true
            }
            ["authentication", "local", a, ..] => {
                p.auth_local = auth(a);
                p.auth_local.is_some()
            }
            ["authentication", "remote", a, ..] => {
                p.auth_remote = auth(a);
                p.auth_remote.is_some()
            }
            ["keyring", "local", k] | ["keyring", k] => {
                p.keyrings.push(k.to_string());
                true
            }
            ["lifetime", s] => {
                p.lifetime_secs = s.parse().ok();
                p.lifetime_secs.is_some()
            }
            ["identity", "local", ..] | ["description", ..] | ["dpd", ..] | ["match", ..] => true,
            _ => false,
        };
        if !ok {
            cx.skip(c);
        }
    }
    cx.dev.ike_profiles.push(p);
    true
}
