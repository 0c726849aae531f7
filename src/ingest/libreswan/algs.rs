//! libreswan's algorithm syntax (`ike=aes256-sha2_256;modp2048`, `esp=aes_gcm-null`,
//! `phase2alg=aes+3des-sha1;dh14`) and its built-in proposals, in the shared algorithm
//! vocabulary (strongSwan's [`Algs`], which the model builder reads).

use crate::ingest::strongswan::proposals::{Algs, Item};
use crate::model::{DhGroup, Encr, IkeVersion, Integ};

/// Where an algorithm name belongs in a proposal.
enum Word {
    Encr(Vec<Encr>),
    Integ(Integ),
    Group(u16),
    /// `null` integrity (AEAD), `none`/`dh0` key exchange: nothing to add.
    Nothing,
}

fn aes_bits(rest: &str) -> Option<Vec<u16>> {
    let rest = rest.trim_start_matches(['_', '-']);
    if rest.is_empty() {
        // Without a key length libreswan proposes both 256 and 128.
        return Some(vec![256, 128]);
    }
    match rest.parse::<u16>() {
        Ok(b @ (128 | 192 | 256)) => Some(vec![b]),
        _ => None,
    }
}

/// `aes_gcm`, `aes_gcm16_256`, `aes_gcm_c_128`, `aes256gcm16`...: AES-GCM with its ICV and key.
fn gcm(w: &str) -> Option<Vec<Encr>> {
    let (icv, rest) = if let Some(r) = w.strip_prefix("aes_gcm_a") {
        (8, r)
    } else if let Some(r) = w.strip_prefix("aes_gcm_b") {
        (12, r)
    } else if let Some(r) = w.strip_prefix("aes_gcm_c") {
        (16, r)
    } else if let Some(r) = w.strip_prefix("aes_gcm") {
        match r.trim_start_matches('_') {
            r if r.starts_with("16") => (16, &r[2..]),
            r if r.starts_with("12") => (12, &r[2..]),
            r if r.starts_with("8") && !r.starts_with("8_") || r == "8" => (8, &r[1..]),
            r => (16, r),
        }
    } else {
        return None;
    };
    Some(
        aes_bits(rest)?
            .into_iter()
            .map(|bits| Encr::AesGcm { bits, icv })
            .collect(),
    )
}

fn word(w: &str) -> Option<Word> {
    let w = w.trim().to_ascii_lowercase();
    let w = w.as_str();
    if let Some(e) = gcm(w) {
        return Some(Word::Encr(e));
    }
    if let Some(rest) = w.strip_prefix("aes_cbc").or_else(|| w.strip_prefix("aes"))
        && !rest.starts_with("_ctr")
        && !rest.starts_with("_ccm")
        && !rest.starts_with("_xcbc")
    {
        return aes_bits(rest)
            .map(|b| Word::Encr(b.into_iter().map(|bits| Encr::Aes { bits }).collect()));
    }
    Some(match w {
        "3des" | "3des_cbc" => Word::Encr(vec![Encr::TripleDes]),
        "des" | "des_cbc" => Word::Encr(vec![Encr::Des]),
        "chacha20_poly1305" | "chacha20poly1305" => Word::Encr(vec![Encr::ChaCha20Poly1305]),
        "md5" | "hmac_md5" | "hmac_md5_96" => Word::Integ(Integ::Md5),
        "sha" | "sha1" | "hmac_sha1" | "hmac_sha1_96" => Word::Integ(Integ::Sha1),
        "sha2" | "sha256" | "sha2_256" | "hmac_sha2_256" | "hmac_sha2_256_128" => {
            Word::Integ(Integ::Sha256)
        }
        "sha384" | "sha2_384" | "hmac_sha2_384" | "hmac_sha2_384_192" => Word::Integ(Integ::Sha384),
        "sha512" | "sha2_512" | "hmac_sha2_512" | "hmac_sha2_512_256" => Word::Integ(Integ::Sha512),
        "aes_xcbc" | "aes_xcbc_96" | "aesxcbc" => Word::Integ(Integ::AesXcbc),
        "null" | "none" | "dh0" | "modpnone" => Word::Nothing,
        "modp768" | "dh1" => Word::Group(1),
        "modp1024" | "dh2" => Word::Group(2),
        "modp1536" | "dh5" => Word::Group(5),
        "modp2048" | "dh14" => Word::Group(14),
        "modp3072" | "dh15" => Word::Group(15),
        "modp4096" | "dh16" => Word::Group(16),
        "modp6144" | "dh17" => Word::Group(17),
        "modp8192" | "dh18" => Word::Group(18),
        "ecp256" | "ecp_256" | "dh19" => Word::Group(19),
        "ecp384" | "ecp_384" | "dh20" => Word::Group(20),
        "ecp521" | "ecp_521" | "dh21" => Word::Group(21),
        "dh22" => Word::Group(22),
        "dh23" => Word::Group(23),
        "dh24" => Word::Group(24),
        "curve25519" | "dh31" => Word::Group(31),
        _ => return None,
    })
}

/// One proposal: `ENCR[+ENCR]-INTEG[+INTEG][-PRF][;DH[+DH]]` or the `-DH` form; the second
/// algorithm of an IKE proposal is its integrity and PRF at once.
pub fn proposal(text: &str) -> Algs {
    let mut a = Algs::default();
    let (algs, groups) = match text.split_once(';') {
        Some((x, g)) => (x, Some(g)),
        None => (text, None),
    };
    let words = algs
        .split(['-', '+'])
        .chain(groups.into_iter().flat_map(|g| g.split(['-', '+'])));
    for w in words.map(str::trim).filter(|w| !w.is_empty()) {
        match word(w) {
            Some(Word::Encr(e)) => a.encr.extend(e),
            Some(Word::Integ(i)) if !a.integ.contains(&i) => a.integ.push(i),
            Some(Word::Integ(_)) | Some(Word::Nothing) => {}
            Some(Word::Group(g)) => a.groups.push(DhGroup(g)),
            None => a.unknown.push(w.to_ascii_lowercase()),
        }
    }
    a
}

/// What a proposal list is for: libreswan completes each proposal with its defaults for
/// what it leaves out (integrity for a non-AEAD cipher; for IKE also the PRF and groups).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum For {
    Ike(IkeVersion),
    Esp,
}

fn default_groups(v: IkeVersion) -> Vec<DhGroup> {
    let g: &[u16] = match v {
        IkeVersion::V2 => &[14, 15, 16, 18, 19, 20, 21, 31],
        IkeVersion::V1 => &[14, 5],
    };
    g.iter().copied().map(DhGroup).collect()
}

fn aead(e: &Encr) -> bool {
    matches!(e, Encr::AesGcm { .. } | Encr::ChaCha20Poly1305)
}

/// A comma-separated `ike=`/`esp=` value; libreswan uses what it says and nothing more.
pub fn list(text: &str, what: For) -> Vec<Item> {
    let items = text
        .trim()
        .trim_end_matches('!')
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut a = proposal(p);
            if a.integ.is_empty() && a.encr.iter().any(|e| !aead(e)) {
                a.integ = vec![Integ::Sha512, Integ::Sha256, Integ::Sha1];
            }
            if let For::Ike(v) = what
                && a.groups.is_empty()
            {
                a.groups = default_groups(v);
            }
            a
        });
    if what != For::Ike(IkeVersion::V1) {
        return items.map(Item::Algs).collect();
    }
    // An IKEv1 proposal carries one algorithm of each kind: `aes-sha1` with its default
    // key lengths and groups is several proposals.
    let mut out = Vec::new();
    for a in items {
        for e in &a.encr {
            for i in a
                .integ
                .iter()
                .map(Some)
                .chain(a.integ.is_empty().then_some(None))
            {
                for g in &a.groups {
                    out.push(Item::Algs(Algs {
                        encr: vec![*e],
                        integ: i.into_iter().copied().collect(),
                        groups: vec![*g],
                        ..a.clone()
                    }));
                }
            }
        }
    }
    out
}

const AES: [Encr; 2] = [Encr::Aes { bits: 256 }, Encr::Aes { bits: 128 }];
const GCM: [Encr; 2] = [
    Encr::AesGcm { bits: 256, icv: 16 },
    Encr::AesGcm { bits: 128, icv: 16 },
];

/// libreswan's built-in IKE proposals (4.x and 5.x). IKEv1 carries one algorithm of each
/// kind per proposal, so its list is spelt out.
pub fn default_ike(v: IkeVersion) -> Item {
    let sets = match v {
        IkeVersion::V2 => {
            let groups = default_groups(IkeVersion::V2);
            let prf = vec![Integ::Sha512, Integ::Sha256];
            vec![
                Algs {
                    encr: GCM.to_vec(),
                    prf: prf.clone(),
                    groups: groups.clone(),
                    ..Algs::default()
                },
                Algs {
                    encr: AES.to_vec(),
                    integ: vec![Integ::Sha512, Integ::Sha256],
                    prf,
                    groups,
                    ..Algs::default()
                },
            ]
        }
        IkeVersion::V1 => {
            let mut sets = Vec::new();
            for e in AES {
                for i in [Integ::Sha256, Integ::Sha512, Integ::Sha1] {
                    for g in [14, 5] {
                        sets.push(Algs {
                            encr: vec![e],
                            integ: vec![i],
                            groups: vec![DhGroup(g)],
                            ..Algs::default()
                        });
                    }
                }
            }
            sets
        }
    };
    Item::Builtin {
        sets,
        by: "libreswan",
    }
}

/// libreswan's built-in ESP proposals: AES-GCM, then AES-CBC with SHA-2 (and SHA-1).
pub fn default_esp() -> Item {
    Item::Builtin {
        sets: vec![
            Algs {
                encr: GCM.to_vec(),
                ..Algs::default()
            },
            Algs {
                encr: AES.to_vec(),
                integ: vec![Integ::Sha512, Integ::Sha256, Integ::Sha1],
                ..Algs::default()
            },
        ],
        by: "libreswan",
    }
}

/// libreswan's built-in AH proposals.
pub fn default_ah() -> Item {
    Item::Builtin {
        sets: vec![Algs {
            integ: vec![Integ::Sha512, Integ::Sha256, Integ::Sha1],
            ..Algs::default()
        }],
        by: "libreswan",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libreswan_proposal_forms() {
        let a = proposal("aes256-sha2_256;modp2048");
        assert_eq!(a.encr, [Encr::Aes { bits: 256 }]);
        assert_eq!(a.integ, [Integ::Sha256]);
        assert_eq!(a.groups, [DhGroup(14)]);
        let a = proposal("3des-md5-modp1024");
        assert_eq!(
            (a.encr[0], a.integ[0], a.groups[0]),
            (Encr::TripleDes, Integ::Md5, DhGroup(2))
        );
        let a = proposal("aes_gcm-null");
        assert_eq!(a.encr.len(), 2, "aes_gcm: 256 and 128");
        assert!(a.integ.is_empty() && a.unknown.is_empty());
        let a = proposal("aes_gcm16_128-sha2;dh19+dh31");
        assert_eq!(a.encr, [Encr::AesGcm { bits: 128, icv: 16 }]);
        assert_eq!(a.groups, [DhGroup(19), DhGroup(31)]);
        let a = proposal("aes+3des-sha1");
        assert_eq!(a.encr.len(), 3);
        let a = proposal("camellia-sha1");
        assert_eq!(a.unknown, ["camellia"]);
        assert_eq!(list("aes-sha1, 3des-md5", For::Esp).len(), 2);
        // Left out: integrity for a non-AEAD cipher, and for IKE the groups.
        let [Item::Algs(a)] = &list("aes", For::Esp)[..] else {
            panic!("one proposal")
        };
        assert_eq!(a.integ.len(), 3);
        let [Item::Algs(a), ..] = &list("aes_gcm", For::Ike(IkeVersion::V1))[..] else {
            panic!("one proposal")
        };
        assert!(a.integ.is_empty());
        assert_eq!(a.groups, [DhGroup(14)]);
        // IKEv1: one proposal per combination (two AES key lengths, two groups).
        assert_eq!(list("aes-sha1", For::Ike(IkeVersion::V1)).len(), 4);
    }
}
