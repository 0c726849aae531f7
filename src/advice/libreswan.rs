//! libreswan: fixes as ipsec.conf/ipsec.secrets lines in libreswan's own algorithm syntax,
//! written on this host's end of the conn (`left` or `right`), with the `ipsec` commands that
//! load them; `ipsec whack`, `ip xfrm` and `ip route` commands that confirm a finding.

use super::strongswan::{conn_child, iptables, ts_with_proto};
use super::{Advisor, IkeChange, Style, generic};
use crate::diagnose::{Probe, Remedy};
use crate::model::{Device, DhGroup, Encr, IkeProposal, Integ, IpsecProposal};

pub struct Libreswan;

/// strongSwan's keywords, but for the AEAD ciphers.
fn encr(e: &Encr) -> String {
    match e {
        Encr::AesGcm { bits, icv } => format!("aes_gcm{icv}_{bits}"),
        Encr::AesGmac { bits } => format!("aes_gmac_{bits}"),
        Encr::ChaCha20Poly1305 => "chacha20_poly1305".into(),
        other => super::strongswan::encr(other),
    }
}

fn integ(i: &Integ) -> &'static str {
    match i {
        Integ::Md5 => "md5",
        Integ::Sha1 => "sha1",
        Integ::Sha256 => "sha2_256",
        Integ::Sha384 => "sha2_384",
        Integ::Sha512 => "sha2_512",
        Integ::AesXcbc => "aes_xcbc",
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
        n => format!("dh{n}"),
    }
}

/// `aes256-sha2_256;modp2048`: `+` joins algorithms of one kind, `;` starts the groups.
fn proposal(encrs: &[Encr], integs: &[Integ], groups: &[DhGroup]) -> String {
    let mut s = encrs.iter().map(encr).collect::<Vec<_>>().join("+");
    if !integs.is_empty() {
        s.push('-');
        s.push_str(&integs.iter().map(integ).collect::<Vec<_>>().join("+"));
    } else if encrs
        .iter()
        .any(|e| matches!(e, Encr::AesGcm { .. } | Encr::ChaCha20Poly1305))
    {
        s.push_str("-null");
    }
    if !groups.is_empty() {
        s.push(';');
        s.push_str(&groups.iter().map(group).collect::<Vec<_>>().join("+"));
    }
    s
}

fn ike_value(p: &IkeProposal) -> String {
    proposal(&p.encr, &p.integ, &p.groups)
}

fn esp_value(p: &IpsecProposal, pfs: &[DhGroup]) -> String {
    let integs: Vec<Integ> = p.esp_integ.iter().chain(&p.ah_integ).copied().collect();
    proposal(&p.esp_encr, &integs, pfs)
}

/// This host's end of `conn` (`left`/`right`), as its ipsec.conf was read.
fn end(dev: &Device, conn: &str) -> (&'static str, &'static str) {
    let me = dev
        .ike_profiles
        .iter()
        .find(|p| p.name == conn)
        .and_then(|p| p.local_end)
        .unwrap_or("left");
    (me, if me == "left" { "right" } else { "left" })
}

/// Lines for `conn`, then the commands that reload and restart it.
fn conn_lines(conn: &str, lines: &[String]) -> Vec<String> {
    let mut v = vec![format!(
        "# /etc/ipsec.conf (or /etc/ipsec.d/*.conf), in `conn {conn}`:"
    )];
    v.extend(lines.iter().map(|l| format!("\t{l}")));
    v.push(format!("ipsec auto --replace {conn}"));
    v.push(format!("ipsec auto --up {conn}"));
    v
}

fn first_conn(dev: &Device) -> String {
    dev.ike_profiles
        .first()
        .map(|p| p.name.clone())
        .unwrap_or_else(|| "<conn>".into())
}

impl Advisor for Libreswan {
    fn fix(&self, dev: &Device, remedies: &[Remedy], style: &Style) -> Vec<String> {
        let mut out = Vec::new();
        for r in remedies {
            let lines: Vec<String> = match r {
                Remedy::SetPsk { peer, same_as, old, .. } => {
                    let entry = dev
                        .psks
                        .iter()
                        .find(|k| old.as_ref().is_some_and(|o| *o == k.loc))
                        .and_then(|k| k.entry.clone())
                        .unwrap_or_else(|| format!("%any {peer}"));
                    vec![
                        "# /etc/ipsec.secrets (or /etc/ipsec.d/*.secrets):".into(),
                        format!("{entry} : PSK \"<the key configured on {same_as}>\""),
                        "ipsec auto --rereadsecrets".into(),
                    ]
                }
                Remedy::SetIkeAttr { priority, attr, value } => {
                    let Some(p) = dev.ike_proposals.iter().find(|p| p.priority == *priority) else {
                        out.extend(generic::Generic.fix(dev, std::slice::from_ref(r), style));
                        continue;
                    };
                    match super::ike_change(p, attr, value) {
                        IkeChange::Proposal(q) => conn_lines(&p.name, &[format!("ike={}", ike_value(&q))]),
                        IkeChange::Lifetime(s) => conn_lines(&p.name, &[format!("ikelifetime={s}s")]),
                        IkeChange::Other => generic::Generic.fix(dev, std::slice::from_ref(r), style),
                    }
                }
                Remedy::AddIkePolicy { proposal } => {
                    let conn = first_conn(dev);
                    conn_lines(&conn, &[format!("ike=<its proposals>,{}", ike_value(proposal))])
                }
                Remedy::SetTransforms { policy, proposal } => {
                    let (conn, _) = conn_child(policy);
                    let pfs: Vec<DhGroup> = if proposal.groups.is_empty() {
                        dev.policies
                            .iter()
                            .find(|p| p.label() == format!("connection {policy}"))
                            .and_then(|p| p.pfs.as_ref().map(|(g, _)| vec![*g]))
                            .unwrap_or_default()
                    } else {
                        proposal.groups.clone()
                    };
                    let key = if proposal.uses_ah() && !proposal.uses_esp() { "ah" } else { "esp" };
                    conn_lines(&conn, &[format!("{key}={}", esp_value(proposal, &pfs))])
                }
                Remedy::SetPfs { policy, group: g } => {
                    let (conn, _) = conn_child(policy);
                    match g {
                        Some(g) => {
                            let props: Vec<String> = dev
                                .policies
                                .iter()
                                .find(|p| p.label() == *policy)
                                .map(|p| {
                                    p.proposals
                                        .iter()
                                        .filter(|x| x.loc.line.is_some())
                                        .map(|x| esp_value(x, &[*g]))
                                        .collect()
                                })
                                .unwrap_or_default();
                            let esp = if props.is_empty() {
                                format!("<its ESP proposals>;{}", group(g))
                            } else {
                                props.join(",")
                            };
                            conn_lines(&conn, &["pfs=yes".into(), format!("esp={esp}")])
                        }
                        None => conn_lines(&conn, &["pfs=no".into()]),
                    }
                }
                Remedy::ReplaceSelectors { acl, new, .. } => {
                    let (conn, _) = conn_child(acl);
                    let (me, them) = end(dev, &conn);
                    let mut locals: Vec<String> = new.iter().map(|f| ts_with_proto(&f.src, f, true)).collect();
                    let mut remotes: Vec<String> = new.iter().map(|f| ts_with_proto(&f.dst, f, false)).collect();
                    locals.dedup();
                    remotes.dedup();
                    let list = |v: &[String], end: &str| match v {
                        [one] => format!("{end}subnet={one}"),
                        many => format!("{end}subnets={{{}}}", many.join(" ")),
                    };
                    conn_lines(&conn, &[list(&locals, me), list(&remotes, them)])
                }
                Remedy::SetPeer { policy, new, .. } => {
                    let (conn, _) = conn_child(policy);
                    let (_, them) = end(dev, &conn);
                    conn_lines(&conn, &[format!("{them}={new}")])
                }
                Remedy::AddRoute { dest, next_hop, .. } => vec![format!(
                    "ip route add {dest}{}",
                    next_hop.map(|h| format!(" via {h}")).unwrap_or_else(|| " via <next hop>".into()),
                )],
                Remedy::PermitInFilter { permit, .. } => vec![iptables(permit)],
                Remedy::EnableIke => vec!["systemctl start ipsec".into(), "ipsec status".into()],
                Remedy::EnableIkeFragmentation { conns } => {
                    let names: Vec<String> = if conns.is_empty() { vec![first_conn(dev)] } else { conns.clone() };
                    names.iter().flat_map(|c| conn_lines(c, &["fragmentation=yes".into()])).collect()
                }
                Remedy::ReplayWindow { size } => {
                    conn_lines(&first_conn(dev), &[format!("replay-window={size}")])
                }
                Remedy::InvalidSpiRecovery => conn_lines(
                    &first_conn(dev),
                    &["dpddelay=30".into(), "dpdtimeout=120".into(), "dpdaction=restart".into()],
                ),
                Remedy::EnrollCertificate { .. } => vec![
                    "# import the host certificate and key into the NSS database, then name it in the conn:".into(),
                    "ipsec import host.p12".into(),
                    "# ipsec.conf: leftcert=<certificate nickname>".into(),
                ],
                Remedy::NoShutdown { interface } => vec![format!("ip link set {interface} up")],
                Remedy::AllowIdentity { identity, .. } => {
                    let conn = first_conn(dev);
                    let (_, them) = end(dev, &conn);
                    let id = match identity {
                        crate::model::Identity::Address(a) => a.to_string(),
                        crate::model::Identity::Fqdn(s) => format!("@{s}"),
                        crate::model::Identity::UserFqdn(s)
                        | crate::model::Identity::Dn(s)
                        | crate::model::Identity::KeyId(s) => s.clone(),
                    };
                    conn_lines(&conn, &[format!("{them}id={id}")])
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
        match probe {
            Probe::ShowIkeSa => vec![
                "ipsec whack --showstates".into(),
                "ipsec whack --trafficstatus".into(),
            ],
            Probe::ShowIpsecSa { peer } => vec![
                "ipsec whack --trafficstatus".into(),
                format!("ip -s xfrm state list dst {peer}"),
            ],
            Probe::ShowPolicies => vec!["ipsec status".into(), "ip xfrm policy".into()],
            Probe::ShowIkePolicies | Probe::ShowTransformSets | Probe::ShowIdentity { .. } => {
                vec!["ipsec status".into()]
            }
            Probe::ShowKeys => vec!["ipsec auto --rereadsecrets && ipsec status".into()],
            Probe::DebugIke => vec![
                "ipsec whack --debug all   # or plutodebug=all in config setup".into(),
                "journalctl -u ipsec -f".into(),
            ],
            Probe::ShowRunningConfig => {
                vec!["ipsec addconn --checkconfig".into(), "ipsec status".into()]
            }
            Probe::ShowCertificates => vec![
                "ipsec showhostkey --list".into(),
                "certutil -L -d sql:/var/lib/ipsec/nss".into(),
            ],
            Probe::ClearSas { peer } => {
                let conn = dev
                    .policies
                    .iter()
                    .find(|p| p.peers.iter().any(|(a, _)| a == peer))
                    .and_then(|p| p.ike_profile.as_ref().map(|(n, _)| n.clone()));
                vec![match conn {
                    Some(c) => format!("ipsec auto --down {c} && ipsec auto --up {c}"),
                    None => format!(
                        "ipsec whack --deletestate <the state number with {peer}, from ipsec status>"
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
