//! The IKE proposals pluto logs: its own (when a conn is added) and the peer's (when none
//! matches), compared to name the attribute that differs.

/// The algorithms of one IKE proposal, each attribute with the values it allows.
#[derive(Default, Debug)]
pub(super) struct IkeAlgs {
    encr: Vec<String>,
    prf: Vec<String>,
    integ: Vec<String>,
    dh: Vec<String>,
}

/// pluto's own proposal when it adds a conn: `1:IKE=ENCR-PRF-INTEG-DH` (IKEv1:
/// `ENCR-HASH-DH`), several algorithms of one kind joined by `+`.
pub(super) fn local_proposal(msg: &str) -> Option<IkeAlgs> {
    let (n, algs) = msg.split_once(":IKE=")?;
    n.parse::<u32>().ok()?;
    let parts: Vec<Vec<String>> = algs
        .split_whitespace()
        .next()?
        .split('-')
        .map(|p| p.split('+').map(str::to_string).collect())
        .collect();
    match parts.as_slice() {
        [encr, prf, integ, dh] => Some(IkeAlgs {
            encr: encr.clone(),
            prf: prf.clone(),
            integ: integ.clone(),
            dh: dh.clone(),
        }),
        [encr, hash, dh] => Some(IkeAlgs {
            encr: encr.clone(),
            prf: hash.clone(),
            integ: Vec::new(),
            dh: dh.clone(),
        }),
        _ => None,
    }
}

/// The peer's proposals as pluto prints them: `1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;
/// PRF=HMAC_SHA2_256;DH=MODP2048 2:IKE:...`, possibly followed by `[first-match]`.
pub(super) fn remote_proposals(list: &str) -> Vec<IkeAlgs> {
    let mut out = Vec::new();
    for w in list.split_whitespace() {
        let Some((_, attrs)) = w.split_once(":IKE:") else {
            continue;
        };
        let attrs = attrs.split('[').next().unwrap_or(attrs);
        let mut p = IkeAlgs::default();
        for a in attrs.split(';') {
            let Some((k, v)) = a.split_once('=') else {
                continue;
            };
            let v = v.to_string();
            match k {
                "ENCR" => p.encr.push(v),
                "PRF" => p.prf.push(v),
                "INTEG" => p.integ.push(v),
                "DH" => p.dh.push(v),
                _ => {}
            }
        }
        out.push(p);
    }
    out
}

/// The attributes of the peer's IKE proposals that none of this host's proposals allows.
pub(super) fn rejected_attrs(
    local: &[IkeAlgs],
    remote: &[IkeAlgs],
) -> Vec<crate::evidence::Rejected> {
    use crate::evidence::Rejected;
    // `AES_CBC` (every key length) allows `AES_CBC_256`.
    let same = |l: &String, r: &String| {
        l == r
            || r.strip_prefix(l.as_str())
                .and_then(|k| k.strip_prefix('_'))
                .is_some_and(|k| k.bytes().all(|b| b.is_ascii_digit()))
    };
    // An attribute one side does not name (IKEv1's integrity, AEAD's) does not decide.
    let meets = |l: &[String], r: &[String]| {
        r.is_empty() || l.is_empty() || l.iter().any(|l| r.iter().any(|r| same(l, r)))
    };
    let mut out = Vec::new();
    let any = |f: &dyn Fn(&IkeAlgs, &IkeAlgs) -> bool| {
        local.iter().any(|l| remote.iter().any(|r| f(l, r)))
    };
    if local.is_empty() || remote.is_empty() {
        return out;
    }
    if !any(&|l, r| meets(&l.encr, &r.encr)) {
        out.push(Rejected::Encryption);
    }
    if !any(&|l, r| meets(&l.prf, &r.prf) && meets(&l.integ, &r.integ)) {
        out.push(Rejected::Hash);
    }
    if !any(&|l, r| meets(&l.dh, &r.dh)) {
        out.push(Rejected::Group);
    }
    out
}
