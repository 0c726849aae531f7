//! strongSwan: fixes as swanctl.conf settings (or ipsec.conf lines for a legacy
//! configuration) with the command that loads them, and the swanctl, `ip xfrm` and
//! `ip route` commands that confirm a finding.

use super::{Advisor, IkeChange, Style, generic};
use crate::diagnose::{Probe, Remedy};
use crate::model::net::{PROTO_AH, PROTO_ESP, PROTO_UDP, proto_name};
use crate::model::{
    AddrSpec, Device, DhGroup, Encr, Flow, IkeProposal, Integ, IpsecProposal, PolicyKind,
};

pub struct Strongswan;

/// A legacy (ipsec.conf) configuration rather than swanctl.conf.
fn stroke(dev: &Device) -> bool {
    dev.source_files
        .iter()
        .any(|f| f.ends_with("ipsec.conf") || f.ends_with("ipsec.secrets"))
        || dev.interfaces.iter().any(|i| i.name == "left")
}

pub(super) fn encr(e: &Encr) -> String {
    match e {
        Encr::Null => "null".into(),
        Encr::Des => "des".into(),
        Encr::TripleDes => "3des".into(),
        Encr::Aes { bits } => format!("aes{bits}"),
        Encr::AesGcm { bits, icv } => format!("aes{bits}gcm{icv}"),
        Encr::AesGmac { bits } => format!("aes{bits}gmac"),
        Encr::ChaCha20Poly1305 => "chacha20poly1305".into(),
        Encr::Seal => "null".into(),
    }
}

fn integ(i: &Integ) -> &'static str {
    match i {
        Integ::Md5 => "md5",
        Integ::Sha1 => "sha1",
        Integ::Sha256 => "sha256",
        Integ::Sha384 => "sha384",
        Integ::Sha512 => "sha512",
        Integ::AesXcbc => "aesxcbc",
    }
}

fn group(g: &DhGroup) -> String {
    match g.0 {
        1 => "modp768".into(),
        2 => "modp1024".into(),
        5 => "modp1536".into(),
        14 => "modp2048".into(),
        15 => "modp3072".into(),
        16 => "modp4096".into(),
        17 => "modp6144".into(),
        18 => "modp8192".into(),
        19 => "ecp256".into(),
        20 => "ecp384".into(),
        21 => "ecp521".into(),
        22 => "modp1024s160".into(),
        23 => "modp2048s224".into(),
        24 => "modp2048s256".into(),
        25 => "ecp192".into(),
        26 => "ecp224".into(),
        27 => "ecp224bp".into(),
        28 => "ecp256bp".into(),
        29 => "ecp384bp".into(),
        30 => "ecp512bp".into(),
        31 => "x25519".into(),
        32 => "x448".into(),
        35 => "mlkem512".into(),
        36 => "mlkem768".into(),
        37 => "mlkem1024".into(),
        n => format!("<group {n}>"),
    }
}

/// `aes256-sha384-prfsha384-modp3072`.
fn ike_keywords(p: &IkeProposal) -> String {
    let mut w: Vec<String> = p.encr.iter().map(encr).collect();
    w.extend(p.integ.iter().map(|i| integ(i).to_string()));
    w.extend(p.prf.iter().map(|i| format!("prf{}", integ(i))));
    w.extend(p.groups.iter().map(group));
    w.join("-")
}

fn esp_keywords(p: &IpsecProposal, pfs: Option<DhGroup>) -> String {
    let mut w: Vec<String> = p.esp_encr.iter().map(encr).collect();
    w.extend(p.esp_integ.iter().map(|i| integ(i).to_string()));
    w.extend(p.ah_integ.iter().map(|i| integ(i).to_string()));
    w.extend(pfs.iter().map(group));
    w.join("-")
}

/// `connection gw-gw child net-net` / `gw-gw child net-net` → (connection, child).
pub(super) fn conn_child(label: &str) -> (String, Option<String>) {
    let l = label.strip_prefix("connection ").unwrap_or(label);
    let l = l.strip_suffix(" (IKEv1)").unwrap_or(l);
    match l.split_once(" child ") {
        Some((c, ch)) => (c.to_string(), Some(ch.to_string())),
        None => (l.to_string(), None),
    }
}

/// One setting written where it goes: `connections.conn.children.child.key = value` in
/// swanctl.conf, or `key=value` in ipsec.conf's `conn`.
fn setting(
    dev: &Device,
    conn: &str,
    child: Option<&str>,
    key: &str,
    legacy: &str,
    value: &str,
) -> Vec<String> {
    if stroke(dev) {
        return vec![
            format!("# /etc/ipsec.conf, in `conn {conn}`:"),
            format!("\t{legacy}={value}"),
            format!("ipsec update   # then: ipsec down {conn}; ipsec up {conn}"),
        ];
    }
    let path = match child {
        Some(ch) => {
            format!("connections {{ {conn} {{ children {{ {ch} {{ {key} = {value} }} }} }} }}")
        }
        None => format!("connections {{ {conn} {{ {key} = {value} }} }}"),
    };
    vec![
        format!("# swanctl.conf: {path}"),
        "swanctl --load-conns".into(),
    ]
}

fn ts(a: &AddrSpec) -> String {
    match a {
        AddrSpec::Any => "0.0.0.0/0".into(),
        AddrSpec::Net { net } => net.to_string(),
        AddrSpec::Wildcard { base, wildcard } => format!("{base}/{wildcard}"),
        AddrSpec::Range { first, last } => format!("{first}-{last}"),
    }
}

pub(super) fn ts_with_proto(a: &AddrSpec, f: &Flow, src: bool) -> String {
    let ports = if src { &f.src_ports } else { &f.dst_ports };
    let port = match ports.as_slice() {
        [r] if r.is_any() => None,
        [r] if r.lo == r.hi => Some(r.lo.to_string()),
        [r] => Some(format!("{}-{}", r.lo, r.hi)),
        _ => None,
    };
    match (f.proto, port) {
        (None, None) => ts(a),
        (Some(p), None) => format!("{}[{}]", ts(a), proto_name(p)),
        (p, Some(port)) => format!(
            "{}[{}/{port}]",
            ts(a),
            p.map(proto_name).unwrap_or_default()
        ),
    }
}

pub(super) fn iptables(p: &crate::diagnose::PermitSpec) -> String {
    let proto = match p.proto {
        Some(PROTO_UDP) => "-p udp".to_string(),
        Some(PROTO_ESP) => "-p esp".to_string(),
        Some(PROTO_AH) => "-p ah".to_string(),
        Some(n) => format!("-p {n}"),
        None => String::new(),
    };
    let port = p
        .dst_port
        .map(|d| format!(" --dport {d}"))
        .unwrap_or_default();
    let host = |a: &AddrSpec| match a {
        AddrSpec::Any => String::new(),
        a => format!(" {}", ts(a)),
    };
    let src = host(&p.src);
    let dst = host(&p.dst);
    let src = if src.is_empty() {
        String::new()
    } else {
        format!(" -s{src}")
    };
    let dst = if dst.is_empty() {
        String::new()
    } else {
        format!(" -d{dst}")
    };
    format!(
        "iptables -I INPUT {proto}{port}{src}{dst} -j ACCEPT -m comment --comment \"{}\"",
        p.comment
    )
    .replace("  ", " ")
}

/// The identity the connection towards `peer` expects it to present (`remote.id`).
fn peer_identity(dev: &Device, peer: std::net::IpAddr) -> Option<String> {
    let pol = dev
        .policies
        .iter()
        .find(|p| p.peers.iter().any(|(a, _)| *a == peer))
        .or_else(|| dev.policies.iter().find(|p| p.peers.is_empty()))?;
    let (name, _) = pol.ike_profile.as_ref()?;
    let prof = dev.ike_profiles.iter().find(|p| &p.name == name)?;
    prof.match_identities.iter().find_map(|(m, _)| match m {
        crate::model::IdentityMatch::Fqdn(f) => Some(f.clone()),
        crate::model::IdentityMatch::Dn(d) => Some(format!("\"{d}\"")),
        crate::model::IdentityMatch::Address(a) if !a.is_any() => Some(a.to_string()),
        _ => None,
    })
}

impl Advisor for Strongswan {
    fn fix(&self, dev: &Device, remedies: &[Remedy], style: &Style) -> Vec<String> {
        let mut out = Vec::new();
        for r in remedies {
            let lines: Vec<String> = match r {
                Remedy::SetPsk { peer, old, same_as, .. } => {
                    let key = format!("<the key configured on {same_as}>");
                    // The secret this host uses for the peer now: its value is what changes.
                    let entry = dev
                        .psks
                        .iter()
                        .find(|k| old.as_ref().is_some_and(|o| *o == k.loc))
                        .or_else(|| {
                            dev.psks.iter().find(|k| {
                                matches!(&k.peer, crate::model::PeerMatch::Address(a) if !a.is_any() && a.contains(*peer))
                            })
                        })
                        .and_then(|k| k.entry.clone());
                    if stroke(dev) {
                        vec![
                            "# /etc/ipsec.secrets:".into(),
                            format!("{} : PSK \"{key}\"", entry.unwrap_or_else(|| peer.to_string())),
                            "ipsec rereadsecrets".into(),
                        ]
                    } else {
                        let e = entry.unwrap_or_else(|| format!("ike-{peer}"));
                        let ids = if dev.psks.iter().any(|k| k.entry.as_deref() == Some(e.as_str())) {
                            String::new()
                        } else {
                            // strongSwan finds the secret by the peer's identity: the one the
                            // connection to it expects, else its address.
                            format!(" id = {}", peer_identity(dev, *peer).unwrap_or_else(|| peer.to_string()))
                        };
                        vec![
                            format!("# swanctl.conf: secrets {{ {e} {{{ids} secret = {key} }} }}"),
                            "swanctl --load-creds".into(),
                        ]
                    }
                }
                Remedy::SetIkeAttr { priority, attr, value } => {
                    let Some(p) = dev.ike_proposals.iter().find(|p| p.priority == *priority) else {
                        out.extend(generic::Generic.fix(dev, std::slice::from_ref(r), style));
                        continue;
                    };
                    match super::ike_change(p, attr, value) {
                        IkeChange::Proposal(q) => {
                            let v = format!("{}{}", ike_keywords(&q), if stroke(dev) { "!" } else { "" });
                            setting(dev, &p.name, None, "proposals", "ike", &v)
                        }
                        IkeChange::Lifetime(s) => setting(dev, &p.name, None, "rekey_time", "ikelifetime", &format!("{s}s")),
                        IkeChange::Other => generic::Generic.fix(dev, std::slice::from_ref(r), style),
                    }
                }
                Remedy::AddIkePolicy { proposal } => {
                    let conns: Vec<&str> = dev.ike_profiles.iter().map(|p| p.name.as_str()).collect();
                    let conn = conns.first().copied().unwrap_or("<connection>");
                    let kw = ike_keywords(proposal);
                    let mut v = setting(dev, conn, None, "proposals", "ike", &format!("<its proposals>, {kw}"));
                    v.insert(0, format!("# add `{kw}` to the IKE proposals of the connection to the peer"));
                    v
                }
                Remedy::SetTransforms { policy, proposal } => {
                    let (conn, child) = conn_child(policy);
                    let pfs = dev
                        .policies
                        .iter()
                        .find(|p| p.label() == format!("connection {policy}"))
                        .and_then(|p| p.pfs.as_ref().map(|(g, _)| *g));
                    let v = esp_keywords(proposal, pfs);
                    let (key, legacy) = if proposal.uses_ah() && !proposal.uses_esp() {
                        ("ah_proposals", "ah")
                    } else {
                        ("esp_proposals", "esp")
                    };
                    let v = if stroke(dev) { format!("{v}!") } else { v };
                    setting(dev, &conn, child.as_deref(), key, legacy, &v)
                }
                Remedy::SetPfs { policy, group: g } => {
                    let (conn, child) = conn_child(policy);
                    let props: Vec<String> = dev
                        .policies
                        .iter()
                        .find(|p| p.label() == *policy)
                        .map(|p| p.proposals.iter().filter(|x| x.loc.line.is_some()).map(|x| esp_keywords(x, *g)).collect())
                        .unwrap_or_default();
                    let v = if props.is_empty() {
                        match g {
                            Some(g) => format!("<its ESP proposals, each ending in -{}>", group(g)),
                            None => "<its ESP proposals without a DH group>".into(),
                        }
                    } else {
                        props.join(", ")
                    };
                    setting(dev, &conn, child.as_deref(), "esp_proposals", "esp", &v)
                }
                Remedy::ReplaceSelectors { acl, new, .. } => {
                    let conn = dev
                        .policies
                        .iter()
                        .find(|p| p.selector_source.as_ref().is_some_and(|(n, _)| n == acl))
                        .map(|p| match &p.kind {
                            PolicyKind::Connection { name } => conn_child(name).0,
                            _ => acl.clone(),
                        })
                        .unwrap_or_else(|| acl.clone());
                    let child = (!stroke(dev)).then_some(acl.as_str());
                    let mut locals: Vec<String> = new.iter().map(|f| ts_with_proto(&f.src, f, true)).collect();
                    let mut remotes: Vec<String> = new.iter().map(|f| ts_with_proto(&f.dst, f, false)).collect();
                    locals.dedup();
                    remotes.dedup();
                    let mut v = setting(dev, &conn, child, "local_ts", "leftsubnet", &locals.join(","));
                    let r = setting(dev, &conn, child, "remote_ts", "rightsubnet", &remotes.join(","));
                    v.insert(v.len() - 1, r[r.len() - 2].clone());
                    v
                }
                Remedy::SetPeer { policy, new, .. } => {
                    let (conn, _) = conn_child(policy);
                    setting(dev, &conn, None, "remote_addrs", "right", &new.to_string())
                }
                Remedy::AddRoute { dest, next_hop, interface } => vec![format!(
                    "ip route add {dest}{}{}",
                    next_hop.map(|h| format!(" via {h}")).unwrap_or_else(|| " via <next hop>".into()),
                    interface
                        .as_deref()
                        .filter(|i| *i != "local_addrs" && *i != "left")
                        .map(|i| format!(" dev {i}"))
                        .unwrap_or_default()
                )],
                Remedy::PermitInFilter { permit, .. } => vec![iptables(permit)],
                Remedy::EnableIke => vec!["systemctl start strongswan".into(), "swanctl --load-all".into()],
                Remedy::EnableIkeFragmentation { conns } => {
                    let names: Vec<String> = if conns.is_empty() {
                        dev.ike_profiles.iter().take(1).map(|p| p.name.clone()).collect()
                    } else {
                        conns.clone()
                    };
                    names
                        .iter()
                        .flat_map(|c| setting(dev, c, None, "fragmentation", "fragmentation", "yes"))
                        .collect()
                }
                Remedy::ReplayWindow { size } => {
                    let (conn, child) = dev
                        .policies
                        .first()
                        .map(|p| conn_child(&p.label()))
                        .unwrap_or(("<connection>".into(), None));
                    setting(dev, &conn, child.as_deref(), "replay_window", "replay_window", &size.to_string())
                }
                Remedy::InvalidSpiRecovery => vec![
                    "# swanctl.conf, in each connection: dpd_delay = 30s, and in each child: dpd_action = restart".into(),
                    "swanctl --load-conns".into(),
                ],
                Remedy::EnrollCertificate { .. } => vec![
                    "# put the host certificate in /etc/swanctl/x509/ and its key in /etc/swanctl/private/, name it in local { certs = ... }".into(),
                    "swanctl --load-creds".into(),
                ],
                Remedy::NoShutdown { interface } => vec![format!("ip link set {interface} up")],
                Remedy::AllowIdentity { identity, .. } => {
                    let conn = dev.ike_profiles.first().map(|p| p.name.clone()).unwrap_or_default();
                    let id = match identity {
                        crate::model::Identity::Address(a) => a.to_string(),
                        crate::model::Identity::Fqdn(s)
                        | crate::model::Identity::UserFqdn(s)
                        | crate::model::Identity::Dn(s)
                        | crate::model::Identity::KeyId(s) => s.clone(),
                    };
                    let mut v = setting(dev, &conn, None, "remote.id", "rightid", &id);
                    if !stroke(dev)
                        && let Some(first) = v.first_mut()
                    {
                        *first = format!("# swanctl.conf: connections {{ {conn} {{ remote {{ id = {id} }} }} }}");
                    }
                    v
                }
                Remedy::ApplyCryptoMap { .. } | Remedy::Text { .. } => {
                    generic::Generic.fix(dev, std::slice::from_ref(r), style)
                }
            };
            out.extend(lines);
        }
        out
    }

    fn probe(&self, dev: &Device, probe: &Probe) -> Vec<String> {
        if let Some(v) = super::linux::probe(probe) {
            return v;
        }
        let legacy = stroke(dev);
        match probe {
            Probe::ShowIkeSa => vec![
                if legacy {
                    "ipsec statusall"
                } else {
                    "swanctl --list-sas"
                }
                .into(),
            ],
            Probe::ShowIpsecSa { peer } => vec![
                if legacy {
                    "ipsec statusall".into()
                } else {
                    "swanctl --list-sas".to_string()
                },
                format!("ip -s xfrm state list dst {peer}"),
            ],
            Probe::ShowPolicies => vec![
                if legacy {
                    "ipsec statusall"
                } else {
                    "swanctl --list-conns"
                }
                .into(),
                "ip xfrm policy".into(),
            ],
            Probe::ShowIkePolicies | Probe::ShowTransformSets | Probe::ShowIdentity { .. } => {
                vec![
                    if legacy {
                        "ipsec statusall"
                    } else {
                        "swanctl --list-conns"
                    }
                    .into(),
                ]
            }
            Probe::ShowKeys => vec![
                if legacy {
                    "ipsec rereadsecrets && ipsec listall"
                } else {
                    "swanctl --load-creds"
                }
                .into(),
            ],
            Probe::DebugIke => vec![
                if legacy {
                    "ipsec stroke loglevel ike 2"
                } else {
                    "swanctl --log --level 2"
                }
                .into(),
            ],
            Probe::ShowRunningConfig => vec![
                if legacy {
                    "cat /etc/ipsec.conf"
                } else {
                    "swanctl --list-conns"
                }
                .into(),
            ],
            Probe::ShowCertificates => vec![
                if legacy {
                    "ipsec listcerts"
                } else {
                    "swanctl --list-certs"
                }
                .into(),
            ],
            Probe::ClearSas { peer } => {
                let conn = dev
                    .policies
                    .iter()
                    .find(|p| p.peers.iter().any(|(a, _)| a == peer))
                    .and_then(|p| p.ike_profile.as_ref().map(|(n, _)| n.clone()));
                vec![match (conn, legacy) {
                    (Some(c), true) => format!("ipsec down {c}"),
                    (Some(c), false) => format!("swanctl --terminate --ike {c}"),
                    (None, _) => format!(
                        "swanctl --list-sas   # then swanctl --terminate --ike-id <the id of the SA with {peer}>"
                    ),
                }]
            }
            Probe::Capture { .. }
            | Probe::DebugIpsec
            | Probe::ShowRoute { .. }
            | Probe::Ping { .. }
            | Probe::PingDf { .. }
            | Probe::ShowInterface { .. }
            | Probe::ShowAcl { .. }
            | Probe::ShowClock => generic::Generic.probe(dev, probe),
        }
    }
}
