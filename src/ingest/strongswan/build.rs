//! swanctl.conf and ipsec.conf describe the same things in two syntaxes; both are read into
//! [`Conn`]s and [`Secret`]s, and this module turns those into the shared model: IKE
//! proposals, a profile per connection, one tunnel policy per child, keys resolved to the
//! peers strongSwan would use them with, and an interface holding the local addresses.

use super::proposals::{self, IkeSpec, Item};
use crate::model::ike::{IkeProfile, KeyUse, Trustpoint};
use crate::model::net::Interface;
use crate::model::{
    AddrSpec, AuthMethod, Device, EncapMode, Flow, IdentityKind, IdentityMatch, IkeVersion, Known,
    Loc, PeerMatch, Platform, PolicyKind, PortRange, PreSharedKey, SecretFingerprint, SelectorRule,
    TunnelPolicy,
};
use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::Arc;

/// A value as written, with its line.
#[derive(Debug, Clone)]
pub struct Val {
    pub text: String,
    pub loc: Loc,
}

#[derive(Debug, Clone)]
pub struct Child {
    pub name: String,
    pub loc: Loc,
    pub local_ts: Vec<Val>,
    pub remote_ts: Vec<Val>,
    pub esp: Option<(Vec<Item>, Loc)>,
    pub ah: Option<(Vec<Item>, Loc)>,
    pub mode: EncapMode,
    pub lifetime: Option<(u32, Loc)>,
    /// `if_id_in`/`if_id_out`/`mark_in`/`mark_out`: bound to an XFRM interface or a VTI.
    pub interface: Option<Loc>,
}

impl Child {
    pub fn new(name: &str, loc: Loc) -> Self {
        Child {
            name: name.to_string(),
            loc,
            local_ts: Vec::new(),
            remote_ts: Vec::new(),
            esp: None,
            ah: None,
            mode: EncapMode::Tunnel,
            lifetime: None,
            interface: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Conn {
    pub name: String,
    pub loc: Loc,
    /// None: strongSwan's `version = 0` (or `keyexchange=ike`): either, IKEv2 when initiating.
    pub version: Option<IkeVersion>,
    pub local_addrs: Vec<Val>,
    pub remote_addrs: Vec<Val>,
    pub proposals: Option<(Vec<Item>, Loc)>,
    pub local_auth: Option<Val>,
    pub remote_auth: Option<Val>,
    pub local_id: Option<Val>,
    pub remote_id: Option<Val>,
    pub certs: Vec<Val>,
    /// The IKE SA lifetime (rekey or reauthentication time).
    pub lifetime: Option<(u32, Loc)>,
    /// Address pools this connection assigns virtual IPs from (`remote_ts = dynamic`).
    pub pools: Vec<AddrSpec>,
    pub children: Vec<Child>,
    /// ipsec.conf: a `conn` is an IKE SA and its one child at once.
    pub stroke: bool,
    /// `fragmentation = yes|accept|force|no`.
    pub fragmentation: Option<Val>,
    /// IKEv2 traffic-selector narrowing: strongSwan always; libreswan with `narrowing=yes`.
    pub narrowing: bool,
}

impl Conn {
    pub fn new(name: &str, loc: Loc, stroke: bool) -> Self {
        Conn {
            name: name.to_string(),
            loc,
            version: None,
            local_addrs: Vec::new(),
            remote_addrs: Vec::new(),
            proposals: None,
            local_auth: None,
            remote_auth: None,
            local_id: None,
            remote_id: None,
            certs: Vec::new(),
            lifetime: None,
            pools: Vec::new(),
            children: Vec::new(),
            stroke,
            narrowing: true,
            fragmentation: None,
        }
    }
}

/// A shared secret and the identities it is for (none: any peer).
#[derive(Debug, Clone)]
pub struct Secret {
    pub name: String,
    pub ids: Vec<String>,
    pub key: SecretFingerprint,
    /// The line with the secret, redacted (raw text only in `secret_text`).
    pub loc: Loc,
}

/// What one device's configuration files say, before it becomes a model.
#[derive(Debug, Default)]
pub struct Parsed {
    pub conns: Vec<Conn>,
    pub secrets: Vec<Secret>,
    /// A secrets section or file was read: absent keys are then really absent.
    pub secrets_seen: bool,
    pub skipped: Vec<Loc>,
    pub files: Vec<String>,
}

/// `0x...` (hex) and `0s...` (base64) are decoded as strongSwan does; anything else is the
/// key itself. The fingerprint is of the bytes, so it compares with any vendor's cleartext.
pub fn fingerprint(v: &str) -> SecretFingerprint {
    use sha2::{Digest, Sha256};
    let bytes = if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
        hex(h).unwrap_or_else(|| v.as_bytes().to_vec())
    } else if let Some(b) = v.strip_prefix("0s") {
        base64(b).unwrap_or_else(|| v.as_bytes().to_vec())
    } else {
        v.as_bytes().to_vec()
    };
    SecretFingerprint::Known(Sha256::digest(&bytes).into())
}

fn hex(s: &str) -> Option<Vec<u8>> {
    let s: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks(2)
        .map(|c| {
            let d = |b: u8| (b as char).to_digit(16);
            Some((d(c[0])? * 16 + d(c[1])?) as u8)
        })
        .collect()
}

fn base64(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let mut acc = 0u32;
    let mut bits = 0;
    for b in s.bytes().filter(|b| !b.is_ascii_whitespace()) {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The text shown for a line that holds a secret: everything from the value on is masked.
pub fn redact(line: &str, value_start: usize) -> String {
    let head = line.get(..value_start).unwrap_or("");
    let gap = if head.is_empty() || head.ends_with([' ', '\t']) {
        ""
    } else {
        " "
    };
    format!("{head}{gap}{}", crate::ingest::cisco_ios::secrets::MASK)
}

/// A Loc whose text never holds the secret (the raw line only for `--show-secrets`).
pub fn secret_loc(file: &Arc<str>, line: u32, raw: &str, value_start: usize) -> Loc {
    let red = redact(raw, value_start);
    Loc::line(file, line, &red).with_secret(&red, raw)
}

/// An identity as strongSwan reads it, normalised for comparison.
fn id_norm(s: &str) -> String {
    let s = s.trim().trim_matches('"');
    let s = s
        .strip_prefix("fqdn:")
        .or_else(|| s.strip_prefix("email:"))
        .or_else(|| s.strip_prefix("userfqdn:"))
        .or_else(|| s.strip_prefix("ipv4:"))
        .or_else(|| s.strip_prefix("ipv6:"))
        .or_else(|| s.strip_prefix("asn1dn:"))
        .unwrap_or(s);
    let s = s.trim_start_matches('@');
    // DNs compare without the spaces after their separators.
    s.split(',')
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(",")
        .to_ascii_lowercase()
}

fn is_any_id(s: &str) -> bool {
    matches!(s.trim(), "%any" | "%any6" | "*" | "")
}

/// How well a queried identity matches a secret's owner (strongSwan's ID_MATCH_* scale).
fn id_match(query: Option<&str>, owner: &str) -> u32 {
    if is_any_id(owner) {
        return 1;
    }
    let Some(q) = query else { return 0 };
    let (q, o) = (id_norm(q), id_norm(owner));
    if q == o {
        20
    } else if o.contains('*') && super::settings::glob(o.as_bytes(), q.as_bytes()) {
        10
    } else {
        0
    }
}

/// The secret strongSwan picks for a pair of identities: the best sum of matches; a
/// secret with owners that match neither side is not a candidate.
fn best_secret<'a>(
    secrets: &'a [Secret],
    me: Option<&str>,
    other: Option<&str>,
) -> Option<&'a Secret> {
    let mut best: Option<(u32, &Secret)> = None;
    for s in secrets {
        let (m, o) = if s.ids.is_empty() {
            (1, 1)
        } else {
            (
                s.ids.iter().map(|i| id_match(me, i)).max().unwrap_or(0),
                s.ids.iter().map(|i| id_match(other, i)).max().unwrap_or(0),
            )
        };
        if m == 0 && o == 0 {
            continue;
        }
        if best.is_none_or(|(b, _)| m + o > b) {
            best = Some((m + o, s));
        }
    }
    best.map(|(_, s)| s)
}

/// An address or address range in `local_addrs`/`remote_addrs`/`left`/`right`.
enum Addr {
    Ip(IpAddr),
    Any,
    /// A subnet or range: any peer inside it.
    Net,
    Name(String),
}

fn addr(v: &str) -> Addr {
    let v = v.trim();
    if is_any_id(v) || v.eq_ignore_ascii_case("%defaultroute") || v.starts_with('%') {
        return Addr::Any;
    }
    if let Ok(ip) = v.parse::<IpAddr>() {
        return Addr::Ip(ip);
    }
    if v.parse::<IpNet>().is_ok()
        || v.contains('-') && v.split('-').all(|p| p.trim().parse::<IpAddr>().is_ok())
    {
        return Addr::Net;
    }
    Addr::Name(v.to_string())
}

fn ips(vals: &[Val]) -> Vec<(IpAddr, &Loc)> {
    vals.iter()
        .filter_map(|v| match addr(&v.text) {
            Addr::Ip(ip) => Some((ip, &v.loc)),
            _ => None,
        })
        .collect()
}

fn auth_method(v: &str) -> Option<AuthMethod> {
    let v = v.trim().to_ascii_lowercase();
    // `ike:rsa/pss-sha256` constrains the signature scheme of the IKE auth: still RSA.
    let v = v.strip_prefix("ike:").map(str::to_string).unwrap_or(v);
    Some(if v == "psk" || v == "secret" || v == "xauthpsk" {
        AuthMethod::PreShared
    } else if v.starts_with("ecdsa") {
        AuthMethod::EcdsaSig
    } else if v.starts_with("pubkey")
        || v.starts_with("rsa")
        || v == "rsasig"
        || v == "xauthrsasig"
        || v.starts_with("ed25519")
        || v.starts_with("ed448")
    {
        AuthMethod::RsaSig
    } else if v.starts_with("eap") {
        AuthMethod::Eap
    } else if v == "null" {
        AuthMethod::Null
    } else {
        return None;
    })
}

fn id_kind(v: &str) -> IdentityKind {
    let n = v.trim().trim_start_matches('@');
    if n.parse::<IpAddr>().is_ok() {
        IdentityKind::Address
    } else if n.contains('=') {
        IdentityKind::Dn
    } else {
        IdentityKind::Hostname
    }
}

fn id_match_rule(v: &str) -> IdentityMatch {
    let t = v.trim();
    if is_any_id(t) {
        return IdentityMatch::Any;
    }
    let n = t.trim_start_matches('@');
    if let Ok(ip) = n.parse::<IpAddr>() {
        return IdentityMatch::Address(AddrSpec::host(ip));
    }
    if n.contains('=') {
        return IdentityMatch::Dn(n.to_string());
    }
    match n.strip_prefix("*.") {
        Some(suffix) => IdentityMatch::FqdnSuffix(format!(".{suffix}")),
        None => IdentityMatch::Fqdn(n.to_string()),
    }
}

fn proto(p: &str) -> Option<u8> {
    Some(match p.to_ascii_lowercase().as_str() {
        "" | "%any" | "any" => return None,
        "icmp" => 1,
        "tcp" => 6,
        "udp" => 17,
        "gre" => 47,
        "esp" => 50,
        "ah" => 51,
        "ipv6-icmp" | "icmp6" | "icmpv6" => 58,
        "sctp" => 132,
        n => n.parse().ok()?,
    })
}

fn ports(p: &str) -> Vec<PortRange> {
    let p = p.trim();
    let named = |n: &str| -> Option<u16> {
        Some(match n {
            "http" | "www" => 80,
            "https" => 443,
            "ssh" => 22,
            "domain" => 53,
            "ntp" => 123,
            "snmp" => 161,
            "l2tp" => 1701,
            "isakmp" => 500,
            "ipsec-nat-t" => 4500,
            n => n.parse().ok()?,
        })
    };
    if p.is_empty() || p == "%any" || p == "%opaque" {
        return vec![PortRange::ANY];
    }
    match p.split_once('-') {
        Some((a, b)) => match (named(a), named(b)) {
            (Some(lo), Some(hi)) if lo <= hi => vec![PortRange { lo, hi }],
            _ => vec![PortRange::ANY],
        },
        None => named(p)
            .map(PortRange::one)
            .map_or(vec![PortRange::ANY], |r| vec![r]),
    }
}

/// One traffic selector (`10.1.0.0/16[tcp/80]`, `dynamic`, `10.0.0.1-10.0.0.9`): its
/// addresses (None when `dynamic` stands for an address the configuration does not tell),
/// protocol and ports.
fn ts(v: &str, dynamic: Option<AddrSpec>) -> (Option<AddrSpec>, Option<u8>, Vec<PortRange>) {
    let v = v.trim();
    let (a, pp) = match v.split_once('[') {
        Some((a, rest)) => (a.trim(), rest.trim_end_matches(']')),
        None => (v, ""),
    };
    let (pr, po) = pp.split_once('/').unwrap_or((pp, ""));
    let spec = if a.is_empty() || a.eq_ignore_ascii_case("dynamic") || a == "%dynamic" {
        dynamic
    } else if a == "0.0.0.0/0" || a == "::/0" || is_any_id(a) {
        Some(AddrSpec::Any)
    } else if let Ok(n) = a.parse::<IpNet>() {
        Some(AddrSpec::Net { net: n.trunc() })
    } else if let Ok(ip) = a.parse::<IpAddr>() {
        Some(AddrSpec::host(ip))
    } else if let Some((x, y)) = a.split_once('-') {
        match (x.trim().parse::<IpAddr>(), y.trim().parse::<IpAddr>()) {
            (Ok(first), Ok(last)) if first.is_ipv4() == last.is_ipv4() => {
                Some(AddrSpec::Range { first, last })
            }
            _ => None,
        }
    } else {
        None
    };
    (spec, proto(pr), ports(po))
}

/// The address `dynamic` stands for on one side: the single address the side names.
fn dynamic_of(vals: &[Val]) -> Option<AddrSpec> {
    match ips(vals).as_slice() {
        [(ip, _)] => Some(AddrSpec::host(*ip)),
        _ => None,
    }
}

fn selectors(conn: &Conn, child: &Child) -> Vec<SelectorRule> {
    let local_dyn = dynamic_of(&conn.local_addrs);
    // The remote `dynamic` is the peer's address, or the virtual IP it gets from a pool;
    // for a gateway that takes any peer it is any address.
    let remote_dyn = dynamic_of(&conn.remote_addrs).or(match conn.pools.as_slice() {
        [p] => Some(*p),
        _ => Some(AddrSpec::Any),
    });
    let dynamic = |loc: &Loc| Val {
        text: "dynamic".into(),
        loc: loc.clone(),
    };
    let locals = if child.local_ts.is_empty() {
        vec![dynamic(&child.loc)]
    } else {
        child.local_ts.clone()
    };
    let remotes = if child.remote_ts.is_empty() {
        vec![dynamic(&child.loc)]
    } else {
        child.remote_ts.clone()
    };
    let mut out = Vec::new();
    for l in &locals {
        // Our own `dynamic` address unknown (a road warrior with a virtual IP): no
        // selector is better than `any`, which would read as a catch-all.
        let (Some(src), lp, lports) = ts(&l.text, local_dyn) else {
            continue;
        };
        for r in &remotes {
            let (Some(dst), rp, rports) = ts(&r.text, remote_dyn) else {
                continue;
            };
            let loc = if !child.local_ts.is_empty() {
                l.loc.clone()
            } else {
                r.loc.clone()
            };
            out.push(SelectorRule {
                protect: true,
                flow: Flow {
                    proto: lp.or(rp),
                    src,
                    src_ports: lports.clone(),
                    dst,
                    dst_ports: rports,
                },
                loc,
            });
        }
    }
    out
}

/// The secret `s` as the key for peers at `spec`, once.
fn add_key(out: &mut Vec<PreSharedKey>, spec: AddrSpec, s: &Secret) {
    let peer = PeerMatch::Address(spec);
    if !out.iter().any(|k| k.peer == peer && k.loc == s.loc) {
        out.push(PreSharedKey {
            peer,
            key: s.key.clone(),
            usage: KeyUse::Both,
            keyring: None,
            entry: Some(s.name.clone()),
            loc: s.loc.clone(),
        });
    }
}

/// The keys a connection would use, resolved to the peer addresses it talks to. False when
/// some key is for a peer known only by a name (a gateway for any peer whose keys are
/// owned by `carol@strongswan.org`...): which address uses it is then not in the files.
fn keys_of(conn: &Conn, secrets: &[Secret], out: &mut Vec<PreSharedKey>) -> bool {
    let me = conn
        .local_id
        .as_ref()
        .map(|v| v.text.clone())
        .or_else(|| ips(&conn.local_addrs).first().map(|(ip, _)| ip.to_string()));
    let me = me.as_deref();
    let local_ips: Vec<IpAddr> = ips(&conn.local_addrs).iter().map(|(ip, _)| *ip).collect();
    let remote_ips: Vec<IpAddr> = ips(&conn.remote_addrs).iter().map(|(ip, _)| *ip).collect();
    let mut resolved = true;
    // (identity the peer presents, addresses it is reached at)
    let mut candidates: Vec<(Option<String>, Vec<AddrSpec>)> = Vec::new();
    match conn.remote_id.as_ref().filter(|v| !is_any_id(&v.text)) {
        Some(rid) => {
            let mut at: Vec<AddrSpec> = remote_ips.iter().map(|ip| AddrSpec::host(*ip)).collect();
            if at.is_empty() {
                at.push(
                    match rid.text.trim().trim_start_matches('@').parse::<IpAddr>() {
                        Ok(ip) => AddrSpec::host(ip),
                        Err(_) => AddrSpec::Any,
                    },
                );
            }
            candidates.push((Some(rid.text.clone()), at));
        }
        None => {
            for ip in &remote_ips {
                candidates.push((Some(ip.to_string()), vec![AddrSpec::host(*ip)]));
            }
            if remote_ips.is_empty() {
                let by_name = secrets.iter().flat_map(|s| s.ids.iter()).any(|id| {
                    !is_any_id(id) && id.trim().parse::<IpAddr>().is_err() && id_match(me, id) == 0
                });
                if by_name {
                    resolved = false;
                }
                // A gateway for any peer: peers identify by their address unless told
                // otherwise, so each address-owned key is one peer's.
                for s in secrets {
                    for id in &s.ids {
                        if let Ok(ip) = id.trim().parse::<IpAddr>()
                            && !local_ips.contains(&ip)
                            && Some(id.as_str()) != me
                        {
                            candidates.push((Some(id.clone()), vec![AddrSpec::host(ip)]));
                        }
                    }
                }
                candidates.push((None, vec![AddrSpec::Any]));
            }
        }
    }
    for (other, at) in candidates {
        let Some(s) = best_secret(secrets, me, other.as_deref()) else {
            continue;
        };
        // The catch-all candidate takes only keys that are for anyone: no owners, or one
        // of them `%any` (`moon.strongswan.org %any : PSK ...` is moon's key with anyone).
        if other.is_none() && !s.ids.is_empty() && !s.ids.iter().any(|i| is_any_id(i)) {
            continue;
        }
        for spec in at {
            add_key(out, spec, s);
        }
    }
    // A key for anyone (no owners, or `%any`) is used with whatever address the peer
    // comes from, not only with the addresses this connection names.
    if !remote_ips.is_empty() {
        for s in secrets
            .iter()
            .filter(|s| s.ids.is_empty() || s.ids.iter().any(|i| is_any_id(i)))
        {
            add_key(out, AddrSpec::Any, s);
        }
    }
    resolved
}

/// The name of a child's policy: `conn child name`, or the conn alone in ipsec.conf.
pub fn policy_name(conn: &Conn, child: &Child) -> String {
    if conn.stroke {
        conn.name.clone()
    } else {
        format!("{} child {}", conn.name, child.name)
    }
}

pub fn device(name: &str, file: &Arc<str>, p: Parsed) -> Device {
    let mut d = Device::new(name, Platform::Strongswan);
    d.source_files = p.files.clone();
    // A Linux gateway's configuration has no interfaces: the addresses it speaks IKE from
    // stand for one, so that peers pair with it by address.
    let mut addrs: Vec<(IpAddr, Loc)> = Vec::new();
    for c in &p.conns {
        for (ip, loc) in ips(&c.local_addrs) {
            if !addrs.iter().any(|(a, _)| *a == ip) {
                addrs.push((ip, loc.clone()));
            }
        }
    }
    let first_loc = addrs
        .first()
        .map(|(_, l)| l.clone())
        .unwrap_or_else(|| Loc::implied(file, "local addresses: any (not configured)"));
    d.interfaces.push(Interface {
        name: if p.conns.iter().any(|c| c.stroke) {
            "left".into()
        } else {
            "local_addrs".into()
        },
        addresses: addrs.iter().map(|(ip, _)| IpNet::from(*ip)).collect(),
        address_loc: addrs.first().map(|(_, l)| l.clone()),
        shutdown: false,
        crypto_map: None,
        acl_in: None,
        acl_out: None,
        nat_side: None,
        vrf: None,
        tunnel: None,
        loc: first_loc,
    });
    let mut order = 1u32;
    let mut any_psk = false;
    let mut keys_by_address = true;
    for c in &p.conns {
        let version = c.version.unwrap_or(IkeVersion::V2);
        let auth_local = c.local_auth.as_ref().and_then(|v| auth_method(&v.text));
        let auth_remote = c.remote_auth.as_ref().and_then(|v| auth_method(&v.text));
        any_psk |=
            auth_local == Some(AuthMethod::PreShared) || auth_remote == Some(AuthMethod::PreShared);
        let default_life = if c.stroke { 10800 } else { 14400 };
        let spec = IkeSpec {
            conn: &c.name,
            version,
            auth: auth_local,
            lifetime: match &c.lifetime {
                Some((s, l)) => (*s, Some(l.clone())),
                None => (default_life, None),
            },
            file,
        };
        let (items, ploc) = match &c.proposals {
            Some((i, l)) => (i.clone(), Some(l)),
            None => (Vec::new(), None),
        };
        let props = proposals::ike(&spec, &items, ploc, order);
        order += props.len() as u32;
        d.ike_proposals.extend(props);
        // `version = 0` initiates IKEv2 but answers IKEv1 too: its proposals as IKEv1 sends
        // them, for peers that start IKEv1.
        let either = c.version.is_none();
        if either {
            let v1 = IkeSpec {
                version: IkeVersion::V1,
                ..spec
            };
            let props = proposals::ike(&v1, &items, ploc, order);
            order += props.len() as u32;
            d.ike_proposals.extend(props);
        }
        let mut prof = IkeProfile::new(&c.name, version, c.loc.clone());
        if let Some(r) = &c.remote_id {
            prof.match_identities
                .push((id_match_rule(&r.text), r.loc.clone()));
        }
        prof.self_identity = c.local_id.as_ref().map(|v| id_kind(&v.text));
        prof.local_address = ips(&c.local_addrs).first().map(|(ip, _)| *ip);
        prof.auth_local = auth_local;
        prof.auth_remote = auth_remote;
        prof.lifetime_secs = c.lifetime.as_ref().map(|(s, _)| *s);
        prof.fragmentation = c
            .fragmentation
            .as_ref()
            .map(|v| (!v.text.trim().eq_ignore_ascii_case("no"), v.loc.clone()));
        d.ike_profiles.push(prof);
        if auth_local.is_some_and(|m| m.uses_certificates()) {
            d.has_rsa_keys = true;
            if c.certs.is_empty() {
                // swanctl loads certificates from its folders: the configuration alone does
                // not say which, so one is assumed rather than reported missing.
                d.trustpoints.push(Trustpoint {
                    name: format!("{} (certificates loaded by swanctl --load-creds)", c.name),
                    has_certificate: true,
                    loc: c
                        .local_auth
                        .as_ref()
                        .map(|v| v.loc.clone())
                        .unwrap_or_else(|| c.loc.clone()),
                });
            }
            for cert in &c.certs {
                d.trustpoints.push(Trustpoint {
                    name: cert.text.clone(),
                    has_certificate: true,
                    loc: cert.loc.clone(),
                });
            }
        }
        let peers: Vec<(IpAddr, Loc)> = ips(&c.remote_addrs)
            .into_iter()
            .map(|(ip, l)| (ip, l.clone()))
            .collect();
        let peer_names: Vec<(String, Loc)> = c
            .remote_addrs
            .iter()
            .filter_map(|v| match addr(&v.text) {
                Addr::Name(n) => Some((n, v.loc.clone())),
                _ => None,
            })
            .collect();
        let children: Vec<Child> = if c.children.is_empty() {
            // An IKE SA without children still pairs the peers for phase 1.
            vec![Child::new(&c.name, c.loc.clone())]
        } else {
            c.children.clone()
        };
        for ch in &children {
            let pname = policy_name(c, ch);
            let (esp, esp_loc) = match &ch.esp {
                Some((i, l)) => (i.clone(), Some(l.clone())),
                None => (Vec::new(), None),
            };
            let (ah, ah_loc) = match &ch.ah {
                Some((i, l)) => (i.clone(), Some(l.clone())),
                None => (Vec::new(), None),
            };
            let loc = if ah.is_empty() { esp_loc } else { ah_loc };
            let (props, pfs) = proposals::ipsec(&pname, &esp, &ah, ch.mode, loc.as_ref(), file);
            let pol = TunnelPolicy {
                kind: PolicyKind::Connection { name: pname },
                ike_version: version,
                peers: peers.clone(),
                peer_names: peer_names.clone(),
                selector_source: Some((ch.name.clone(), ch.loc.clone())),
                selectors: if c.children.is_empty() {
                    Vec::new()
                } else {
                    selectors(c, ch)
                },
                narrowing: c.narrowing,
                assigned_address: false,
                interface_bound: ch.interface.clone(),
                proposals: props,
                missing_proposals: Vec::new(),
                pfs: pfs.zip(loc),
                lifetime_secs: ch.lifetime.clone(),
                identity_list: None,
                ike_profile: Some((c.name.clone(), c.loc.clone())),
                loc: ch.loc.clone(),
            };
            if either {
                // The IKEv1 side of `version = 0`: it answers, never starts (no peer to
                // start towards), so it adds no tunnel direction of its own.
                let PolicyKind::Connection { name } = &pol.kind else {
                    continue;
                };
                let mut twin = pol.clone();
                twin.kind = PolicyKind::Connection {
                    name: format!("{name} (IKEv1)"),
                };
                twin.ike_version = IkeVersion::V1;
                twin.peers.clear();
                twin.peer_names.clear();
                d.policies.push(pol);
                d.policies.push(twin);
            } else {
                d.policies.push(pol);
            }
        }
        if auth_local == Some(AuthMethod::PreShared) || auth_remote == Some(AuthMethod::PreShared) {
            keys_by_address &= keys_of(c, &p.secrets, &mut d.psks);
        }
    }
    d.skipped = p.skipped;
    let every_local_known =
        !p.conns.is_empty() && p.conns.iter().all(|c| !ips(&c.local_addrs).is_empty());
    d.known = Known {
        // The routing table is the kernel's: no strongSwan file describes it.
        routes: false,
        interfaces: every_local_known,
        keys: (p.secrets_seen || !any_psk) && keys_by_address,
        ..Known::ALL
    };
    d
}
