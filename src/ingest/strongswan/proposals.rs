//! strongSwan algorithm keywords (`aes256-sha256-modp2048`, `aes128gcm16-prfsha256-ecp256`,
//! `default`) → the shared algorithm vocabulary. One keyword list serves `proposals`,
//! `esp_proposals`/`ah_proposals` (swanctl.conf) and `ike=`/`esp=`/`ah=` (ipsec.conf).

use crate::model::{
    DhGroup, EncapMode, Encr, IkeAttr, IkeProposal, IkeVersion, Integ, IpsecProposal, Loc,
};
use std::sync::Arc;

/// What one dash-separated proposal names, by transform type.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Algs {
    pub encr: Vec<Encr>,
    pub integ: Vec<Integ>,
    pub prf: Vec<Integ>,
    pub groups: Vec<DhGroup>,
    /// Keywords this parser has no vocabulary for (Camellia, CCM, CTR...): the proposal is
    /// valid for strongSwan, so what it says of the other types still counts.
    pub unknown: Vec<String>,
}

/// One item of a comma-separated proposal list.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// strongSwan's built-in list (`default`), or appended because `!` is missing (stroke).
    Default,
    /// Another daemon's built-in list (libreswan's, when `ike=`/`esp=` are absent).
    Builtin {
        sets: Vec<Algs>,
        by: &'static str,
    },
    Algs(Algs),
}

impl Item {
    /// The proposals this item stands for, whether they are built in, and whose they are.
    fn expand(&self, strongswan: fn() -> Vec<Algs>) -> (Vec<Algs>, bool, &'static str) {
        match self {
            Item::Default => (strongswan(), true, "strongSwan"),
            Item::Builtin { sets, by } => (sets.clone(), true, by),
            Item::Algs(a) => (vec![a.clone()], false, ""),
        }
    }
}

fn encr(w: &str) -> Option<Encr> {
    let aes = |bits| Some(Encr::Aes { bits });
    Some(match w {
        "null" => Encr::Null,
        "des" => Encr::Des,
        "3des" => Encr::TripleDes,
        "aes" | "aes128" => return aes(128),
        "aes192" => return aes(192),
        "aes256" => return aes(256),
        "chacha20poly1305" | "chacha20poly1305compat" => Encr::ChaCha20Poly1305,
        _ => {
            // aes{128,192,256}gcm{8,64,12,96,16,128,""} and aes{..}gmac.
            let rest = w.strip_prefix("aes")?;
            let bits: u16 = rest.get(..3)?.parse().ok()?;
            if !matches!(bits, 128 | 192 | 256) {
                return None;
            }
            match rest.get(3..)? {
                "gmac" => Encr::AesGmac { bits },
                g => {
                    let icv = match g.strip_prefix("gcm")? {
                        "8" | "64" => 8,
                        "12" | "96" => 12,
                        "" | "16" | "128" => 16,
                        _ => return None,
                    };
                    Encr::AesGcm { bits, icv }
                }
            }
        }
    })
}

fn integ(w: &str) -> Option<Integ> {
    Some(match w {
        "md5" | "md5_128" => Integ::Md5,
        "sha" | "sha1" | "sha1_160" => Integ::Sha1,
        "sha256" | "sha2_256" | "sha256_96" | "sha2_256_96" => Integ::Sha256,
        "sha384" | "sha2_384" => Integ::Sha384,
        "sha512" | "sha2_512" => Integ::Sha512,
        "aesxcbc" => Integ::AesXcbc,
        _ => return None,
    })
}

fn prf(w: &str) -> Option<Integ> {
    Some(match w.strip_prefix("prf")? {
        "md5" => Integ::Md5,
        "sha1" => Integ::Sha1,
        "sha256" => Integ::Sha256,
        "sha384" => Integ::Sha384,
        "sha512" => Integ::Sha512,
        "aesxcbc" => Integ::AesXcbc,
        _ => return None,
    })
}

/// Key exchange methods by their IANA number.
fn group(w: &str) -> Option<u16> {
    Some(match w {
        "modp768" => 1,
        "modp1024" => 2,
        "modp1536" => 5,
        "modp2048" => 14,
        "modp3072" => 15,
        "modp4096" => 16,
        "modp6144" => 17,
        "modp8192" => 18,
        "ecp256" => 19,
        "ecp384" => 20,
        "ecp521" => 21,
        "modp1024s160" => 22,
        "modp2048s224" => 23,
        "modp2048s256" => 24,
        "ecp192" => 25,
        "ecp224" => 26,
        "ecp224bp" => 27,
        "ecp256bp" => 28,
        "ecp384bp" => 29,
        "ecp512bp" => 30,
        "curve25519" | "x25519" => 31,
        "curve448" | "x448" => 32,
        "mlkem512" => 35,
        "mlkem768" => 36,
        "mlkem1024" => 37,
        _ => return None,
    })
}

/// Keywords that are valid but change nothing the model compares.
fn ignorable(w: &str) -> bool {
    // ESN modes, "no key exchange", and the additional key exchanges of RFC 9370
    // (`ke1_mlkem768`): the model has one DH group list per proposal.
    matches!(w, "esn" | "noesn" | "none" | "modpnone")
        || (w.starts_with("ke")
            && w.as_bytes().get(2).is_some_and(|b| b.is_ascii_digit())
            && w.contains('_'))
}

/// Reads one dash-separated proposal (`aes128-sha256-modp3072`).
pub fn algs(text: &str) -> Algs {
    let mut a = Algs::default();
    for w in text.split('-').map(|w| w.trim().to_ascii_lowercase()) {
        if w.is_empty() || ignorable(&w) {
            continue;
        }
        if let Some(e) = encr(&w) {
            a.encr.push(e);
        } else if let Some(p) = prf(&w) {
            a.prf.push(p);
        } else if let Some(i) = integ(&w) {
            a.integ.push(i);
        } else if let Some(g) = group(&w) {
            a.groups.push(DhGroup(g));
        } else {
            a.unknown.push(w);
        }
    }
    a
}

/// Reads a comma-separated list; `strict` is false for ipsec.conf values without a trailing
/// `!`, whose configured proposals strongSwan supplements with its defaults.
pub fn list(text: &str, stroke: bool) -> Vec<Item> {
    let t = text.trim();
    let strict = t.ends_with('!');
    let t = t.trim_end_matches('!');
    let mut out: Vec<Item> = t
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            if p.eq_ignore_ascii_case("default") {
                Item::Default
            } else {
                Item::Algs(algs(p))
            }
        })
        .collect();
    if stroke && !strict && !out.contains(&Item::Default) {
        out.push(Item::Default);
    }
    out
}

/// IKEv2 derives the PRF from the integrity algorithms when none is configured.
fn prf_from_integ(i: &[Integ]) -> Vec<Integ> {
    let mut v = Vec::new();
    for x in i {
        if !v.contains(x) {
            v.push(*x);
        }
    }
    v
}

/// strongSwan's default IKE proposals (classic and AEAD), as its crypto plugins usually
/// support them; Camellia, CTR and CCM have no place in the model and are left out.
fn default_ike() -> Vec<Algs> {
    let groups: Vec<DhGroup> = [19, 20, 21, 28, 29, 30, 31, 32, 15, 16, 17, 18, 14]
        .into_iter()
        .map(DhGroup)
        .collect();
    let prf = vec![
        Integ::Sha256,
        Integ::Sha384,
        Integ::Sha512,
        Integ::AesXcbc,
        Integ::Sha1,
    ];
    let classic = Algs {
        encr: vec![
            Encr::Aes { bits: 128 },
            Encr::Aes { bits: 192 },
            Encr::Aes { bits: 256 },
            Encr::TripleDes,
        ],
        integ: vec![
            Integ::Sha256,
            Integ::Sha384,
            Integ::Sha512,
            Integ::AesXcbc,
            Integ::Sha1,
        ],
        prf: prf.clone(),
        groups: groups.clone(),
        unknown: Vec::new(),
    };
    let mut aead = Vec::new();
    for icv in [16, 12, 8] {
        for bits in [128, 192, 256] {
            aead.push(Encr::AesGcm { bits, icv });
        }
        if icv == 16 {
            aead.push(Encr::ChaCha20Poly1305);
        }
    }
    let aead = Algs {
        encr: aead,
        integ: Vec::new(),
        prf,
        groups,
        unknown: Vec::new(),
    };
    vec![classic, aead]
}

/// strongSwan's default ESP proposals: AES-GCM, then AES-CBC with SHA-2/SHA-1/XCBC; no PFS.
fn default_esp() -> Vec<Algs> {
    vec![
        Algs {
            encr: vec![
                Encr::AesGcm { bits: 128, icv: 16 },
                Encr::AesGcm { bits: 192, icv: 16 },
                Encr::AesGcm { bits: 256, icv: 16 },
            ],
            ..Algs::default()
        },
        Algs {
            encr: vec![
                Encr::Aes { bits: 128 },
                Encr::Aes { bits: 192 },
                Encr::Aes { bits: 256 },
            ],
            integ: vec![
                Integ::Sha256,
                Integ::Sha384,
                Integ::Sha512,
                Integ::Sha1,
                Integ::AesXcbc,
            ],
            ..Algs::default()
        },
    ]
}

fn default_ah() -> Vec<Algs> {
    vec![Algs {
        integ: vec![
            Integ::Sha256,
            Integ::Sha384,
            Integ::Sha512,
            Integ::Sha1,
            Integ::AesXcbc,
        ],
        ..Algs::default()
    }]
}

/// The IKE proposals of one connection. `loc` is the `proposals` line, None when the
/// connection has none (strongSwan then uses its defaults). IKEv1 keeps only the first
/// algorithm of each type, as strongSwan does.
pub struct IkeSpec<'a> {
    pub conn: &'a str,
    pub version: IkeVersion,
    pub auth: Option<crate::model::AuthMethod>,
    pub lifetime: (u32, Option<Loc>),
    pub file: &'a Arc<str>,
}

pub fn ike(spec: &IkeSpec<'_>, items: &[Item], loc: Option<&Loc>, first: u32) -> Vec<IkeProposal> {
    let items: Vec<Item> = if items.is_empty() {
        vec![Item::Default]
    } else {
        items.to_vec()
    };
    let mut out = Vec::new();
    for item in &items {
        let (sets, builtin, by) = item.expand(default_ike);
        for a in sets {
            // A proposal that names no usable cipher cannot be compared; its line is
            // kept among the skipped ones by the caller.
            if a.encr.is_empty() {
                continue;
            }
            let at = out.len() as u32;
            let ploc = match (builtin, loc) {
                (false, Some(l)) => l.clone(),
                _ => Loc::implied(
                    spec.file,
                    &format!("{by} default IKE proposals (connection {})", spec.conn),
                ),
            };
            let mut p = IkeProposal {
                version: spec.version,
                priority: first + at,
                name: spec.conn.to_string(),
                encr: a.encr.clone(),
                integ: a.integ.clone(),
                prf: if a.prf.is_empty() && spec.version == IkeVersion::V2 {
                    prf_from_integ(&a.integ)
                } else {
                    a.prf.clone()
                },
                groups: a.groups.clone(),
                auth: None,
                lifetime_secs: spec.lifetime.0,
                lifetime_enforced: false,
                builtin,
                loc: ploc.clone(),
                attr_locs: Vec::new(),
            };
            if spec.version == IkeVersion::V1 {
                p.encr.truncate(1);
                p.integ.truncate(1);
                p.groups.truncate(1);
                p.prf.clear();
                p.auth = spec.auth;
            }
            if !builtin {
                for attr in [
                    IkeAttr::Encryption,
                    IkeAttr::Integrity,
                    IkeAttr::Prf,
                    IkeAttr::Group,
                ] {
                    p.attr_locs.push((attr, ploc.clone()));
                }
            }
            if let Some(l) = &spec.lifetime.1 {
                p.attr_locs.push((IkeAttr::Lifetime, l.clone()));
            }
            out.push(p);
        }
    }
    out
}

/// The ESP (or AH) proposals of one child, each with the DH groups it names itself (in
/// IKEv2 every child SA proposal carries its own key exchange), and the PFS group the child
/// asks for as a whole: the first group of the first proposal when every proposal names one
/// (strongSwan then requires a key exchange when it creates or rekeys the child).
pub fn ipsec(
    name: &str,
    esp: &[Item],
    ah: &[Item],
    mode: EncapMode,
    loc: Option<&Loc>,
    file: &Arc<str>,
) -> (Vec<IpsecProposal>, Option<DhGroup>) {
    let mut out = Vec::new();
    let (items, is_ah) = if ah.is_empty() {
        (
            if esp.is_empty() {
                vec![Item::Default]
            } else {
                esp.to_vec()
            },
            false,
        )
    } else {
        (ah.to_vec(), true)
    };
    for item in &items {
        let (sets, builtin, by) = item.expand(if is_ah { default_ah } else { default_esp });
        for a in sets {
            if (!is_ah && a.encr.is_empty()) || (is_ah && a.integ.is_empty()) {
                continue;
            }
            let ploc = match (builtin, loc) {
                (false, Some(l)) => l.clone(),
                _ => Loc::implied(
                    file,
                    &format!(
                        "{by} default {} proposals ({name})",
                        if is_ah { "AH" } else { "ESP" }
                    ),
                ),
            };
            out.push(IpsecProposal {
                name: name.to_string(),
                esp_encr: if is_ah { Vec::new() } else { a.encr.clone() },
                esp_integ: if is_ah { Vec::new() } else { a.integ.clone() },
                ah_integ: if is_ah { a.integ.clone() } else { Vec::new() },
                groups: a.groups.clone(),
                mode,
                other_mode_ok: true,
                loc: ploc,
            });
        }
    }
    // PFS is required only when every proposal names a group: one without (or the
    // defaults, which have none) lets the peer do without.
    let groups: Vec<Option<DhGroup>> = items
        .iter()
        .map(|i| match i {
            Item::Default => None,
            Item::Builtin { sets, .. } => sets.first().and_then(|a| a.groups.first().copied()),
            Item::Algs(a) => a.groups.first().copied(),
        })
        .collect();
    let pfs = if groups.iter().all(Option::is_some) {
        groups.first().copied().flatten()
    } else {
        None
    };
    (out, pfs)
}

/// `3600`, `60s`, `20m`, `4h`, `1d` → seconds.
pub fn seconds(v: &str) -> Option<u32> {
    let v = v.trim();
    let (num, mul) = match v.char_indices().last()? {
        (i, 's') => (&v[..i], 1),
        (i, 'm') => (&v[..i], 60),
        (i, 'h') => (&v[..i], 3600),
        (i, 'd') => (&v[..i], 86400),
        _ => (v, 1),
    };
    let n: u64 = num.trim().parse().ok()?;
    u32::try_from(n.saturating_mul(mul)).ok()
}
