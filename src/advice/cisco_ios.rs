//! IOS / IOS-XE syntax for fixes and for the show/debug commands that confirm a finding.

use super::{Advisor, Style};
use crate::diagnose::{IkeValue, PermitSpec, Probe, Remedy};
use crate::model::net::{PROTO_AH, PROTO_UDP, proto_name};
use crate::model::{
    AddrSpec, AuthMethod, Device, Encr, Flow, Identity, IkeProposal, Integ, IpsecProposal, KeyUse,
    Loc, PortRange,
};
use ipnet::IpNet;
use std::net::IpAddr;

pub struct CiscoIos;

fn wildcard(net: &IpNet) -> String {
    match net {
        IpNet::V4(n) => format!("{} {}", n.network(), n.hostmask()),
        IpNet::V6(n) => n.to_string(),
    }
}

fn addr(a: &AddrSpec) -> String {
    match a {
        AddrSpec::Any => "any".into(),
        AddrSpec::Net { net } if net.prefix_len() == net.max_prefix_len() => {
            format!("host {}", net.addr())
        }
        AddrSpec::Net { net } => wildcard(net),
        AddrSpec::Wildcard { base, wildcard } => format!("{base} {wildcard}"),
        AddrSpec::Range { first, .. } => format!("host {first}"),
    }
}

fn port_word(p: u16) -> String {
    match p {
        500 => "isakmp".into(),
        4500 => "non500-isakmp".into(),
        n => n.to_string(),
    }
}

fn ports(p: &[PortRange]) -> String {
    match p {
        [r] if r.is_any() => String::new(),
        [r] if r.lo == r.hi => format!(" eq {}", port_word(r.lo)),
        [r] => format!(" range {} {}", r.lo, r.hi),
        many => format!(
            " eq {}",
            many.iter()
                .map(|r| port_word(r.lo))
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

fn ios_proto(p: Option<u8>) -> String {
    match p {
        None => "ip".into(),
        Some(PROTO_AH) => "ahp".into(),
        Some(n) => proto_name(n),
    }
}

fn flow_entry(f: &Flow) -> String {
    format!(
        "permit {} {}{} {}{}",
        ios_proto(f.proto),
        addr(&f.src),
        ports(&f.src_ports),
        addr(&f.dst),
        ports(&f.dst_ports)
    )
}

fn permit_entry(p: &PermitSpec) -> String {
    let port = match (p.proto, p.dst_port) {
        (Some(PROTO_UDP), Some(port)) => format!(" eq {}", port_word(port)),
        _ => String::new(),
    };
    format!(
        "permit {} {} {}{port}",
        ios_proto(p.proto),
        addr(&p.src),
        addr(&p.dst)
    )
}

fn encr(e: &Encr) -> String {
    match e {
        Encr::Des => "des".into(),
        Encr::TripleDes => "3des".into(),
        Encr::Aes { bits: 128 } => "aes".into(),
        Encr::Aes { bits } => format!("aes {bits}"),
        other => other.to_string().to_lowercase(),
    }
}

fn hash(i: &Integ) -> &'static str {
    match i {
        Integ::Md5 => "md5",
        Integ::Sha1 => "sha",
        Integ::Sha256 => "sha256",
        Integ::Sha384 => "sha384",
        Integ::Sha512 => "sha512",
        Integ::AesXcbc => "aes-xcbc-mac",
    }
}

fn auth(a: &AuthMethod) -> &'static str {
    match a {
        AuthMethod::PreShared => "pre-share",
        AuthMethod::RsaSig => "rsa-sig",
        AuthMethod::RsaEncr => "rsa-encr",
        AuthMethod::EcdsaSig => "ecdsa-sig",
        // IOS has neither as an IKE policy method: the nearest one it can offer.
        AuthMethod::Eap | AuthMethod::Null => "pre-share",
    }
}

fn policy_lines(p: &IkeProposal) -> Vec<String> {
    let mut v = Vec::new();
    if let Some(e) = p.encr.first() {
        v.push(format!(" encryption {}", encr(e)));
    }
    if let Some(i) = p.integ.first() {
        v.push(format!(" hash {}", hash(i)));
    }
    if let Some(a) = &p.auth {
        v.push(format!(" authentication {}", auth(a)));
    }
    if let Some(g) = p.groups.first() {
        v.push(format!(" group {}", g.0));
    }
    v.push(format!(" lifetime {}", p.lifetime_secs));
    v
}

fn transforms(p: &IpsecProposal) -> String {
    let mut t = Vec::new();
    for a in &p.ah_integ {
        t.push(format!("ah-{}-hmac", hash(a)));
    }
    for e in &p.esp_encr {
        t.push(match e {
            Encr::Des => "esp-des".into(),
            Encr::TripleDes => "esp-3des".into(),
            Encr::Aes { bits } => format!("esp-aes {bits}"),
            Encr::AesGcm { bits, .. } => format!("esp-gcm {bits}"),
            Encr::AesGmac { bits } => format!("esp-gmac {bits}"),
            Encr::Null => "esp-null".into(),
            Encr::Seal => "esp-seal".into(),
            Encr::ChaCha20Poly1305 => "esp-chacha20-poly1305".into(),
        });
    }
    for i in &p.esp_integ {
        t.push(format!("esp-{}-hmac", hash(i)));
    }
    t.join(" ")
}

/// `crypto map X 10` for a policy label as the engine writes it.
fn policy_mode(label: &str) -> String {
    if let Some(rest) = label.strip_prefix("dynamic crypto map ") {
        format!("crypto dynamic-map {rest}")
    } else if let Some(rest) = label.strip_prefix("tunnel interface ") {
        format!("interface {rest}")
    } else {
        label.to_string()
    }
}

fn mask(net: &IpNet) -> String {
    match net {
        IpNet::V4(n) => format!("{} {}", n.network(), n.netmask()),
        IpNet::V6(n) => n.to_string(),
    }
}

fn point_to_point(name: &str) -> bool {
    let l = name.to_ascii_lowercase();
    ["serial", "tunnel", "dialer", "virtual", "multilink", "pos"]
        .iter()
        .any(|p| l.starts_with(p))
}

fn statement(loc: &Loc, style: &Style) -> String {
    loc.as_statement(style.show_secrets).trim().to_string()
}

/// The sequence number that places a new entry just before `before`: between it and the
/// entry above, using the list's own numbers or IOS's default 10, 20, ...
fn seq_before(dev: &Device, acl: &str, before: &Loc) -> Option<u32> {
    let a = dev.acl(acl)?;
    let idx = a.entries.iter().position(|e| &e.loc == before)?;
    let seq_of = |i: usize| a.entries[i].seq.unwrap_or((i as u32 + 1) * 10);
    let hi = seq_of(idx);
    let lo = if idx == 0 { 0 } else { seq_of(idx - 1) };
    (hi > lo + 1).then_some(lo + (hi - lo) / 2)
}

impl CiscoIos {
    fn one(&self, dev: &Device, r: &Remedy, style: &Style) -> Vec<String> {
        match r {
            Remedy::EnableIke => vec!["crypto isakmp enable".into()],
            Remedy::EnableIkeFragmentation { .. } => vec![
                "crypto isakmp fragmentation".into(),
                "crypto ikev2 fragmentation mtu 1200".into(),
            ],
            Remedy::InvalidSpiRecovery => vec![
                "crypto isakmp invalid-spi-recovery".into(),
                "crypto isakmp keepalive 10 3 periodic".into(),
            ],
            Remedy::ReplayWindow { size } => {
                vec![format!(
                    "crypto ipsec security-association replay window-size {size}"
                )]
            }
            Remedy::AddRoute {
                dest,
                next_hop,
                interface,
            } => {
                let via = match (next_hop, interface) {
                    (Some(nh), _) => nh.to_string(),
                    (None, Some(i)) if point_to_point(i) => i.clone(),
                    (None, Some(i)) => format!("<next-hop address on {i}>"),
                    (None, None) => "<next-hop address>".into(),
                };
                vec![format!("ip route {} {via}", mask(dest))]
            }
            Remedy::ApplyCryptoMap {
                map,
                interface,
                remove_from,
            } => {
                let mut v = Vec::new();
                if let Some(old) = remove_from {
                    v.push(format!("interface {old}"));
                    v.push(format!(" no crypto map {map}"));
                }
                v.push(format!("interface {interface}"));
                v.push(format!(" crypto map {map}"));
                v
            }
            Remedy::ReplaceSelectors { acl, old, new } => {
                let numbered = acl.chars().all(|c| c.is_ascii_digit());
                let whole = dev.acl(acl).is_some_and(|a| a.entries.len() == old.len());
                if numbered && whole {
                    let mut v = vec![format!("no access-list {acl}")];
                    v.extend(
                        new.iter()
                            .map(|f| format!("access-list {acl} {}", flow_entry(f))),
                    );
                    v
                } else {
                    let mut v = vec![format!("ip access-list extended {acl}")];
                    for o in old {
                        let text = statement(o, style);
                        let body = text
                            .strip_prefix(&format!("access-list {acl} "))
                            .unwrap_or(&text);
                        v.push(format!(" no {body}"));
                    }
                    v.extend(new.iter().map(|f| format!(" {}", flow_entry(f))));
                    v
                }
            }
            Remedy::SetPsk {
                peer,
                keyring,
                ikev2,
                old,
                same_as,
            } => {
                let key = format!("<the key configured on {same_as}>");
                let mut v = Vec::new();
                if let Some((entry, usage)) = ikev2 {
                    let dir = match usage {
                        KeyUse::Both => "",
                        KeyUse::Local => "local ",
                        KeyUse::Remote => "remote ",
                    };
                    v.push(format!(
                        "crypto ikev2 keyring {}",
                        keyring.as_deref().unwrap_or("<keyring>")
                    ));
                    v.push(format!(" peer {}", entry.as_deref().unwrap_or("<peer>")));
                    v.push(format!("  address {peer}"));
                    v.push(format!("  pre-shared-key {dir}{key}"));
                    return v;
                }
                match keyring {
                    Some(k) => {
                        v.push(format!("crypto keyring {k}"));
                        if let Some(o) = old {
                            v.push(format!(" no {}", statement(o, style)));
                        }
                        v.push(format!(" pre-shared-key address {peer} key {key}"));
                    }
                    None => {
                        if let Some(o) = old {
                            v.push(format!("no {}", statement(o, style)));
                        }
                        v.push(format!("crypto isakmp key {key} address {peer}"));
                    }
                }
                v
            }
            Remedy::SetPeer { policy, old, new } => {
                let mut v = vec![policy_mode(policy)];
                if let Some(o) = old {
                    v.push(format!(" no set peer {o}"));
                }
                v.push(format!(" set peer {new}"));
                v
            }
            Remedy::SetIkeAttr {
                priority, value, ..
            } => {
                let line = match value {
                    IkeValue::Encr(e) => format!(" encryption {}", encr(e)),
                    IkeValue::Integ(i) => format!(" hash {}", hash(i)),
                    IkeValue::Group(g) => format!(" group {}", g.0),
                    IkeValue::Auth(a) => format!(" authentication {}", auth(a)),
                    IkeValue::Lifetime(s) => format!(" lifetime {s}"),
                };
                vec![format!("crypto isakmp policy {priority}"), line]
            }
            Remedy::AddIkePolicy { proposal } => {
                let used: Vec<u32> = dev
                    .ike_proposals
                    .iter()
                    .filter(|p| !p.builtin)
                    .map(|p| p.priority)
                    .collect();
                let prio = (1..)
                    .map(|n| n * 10)
                    .find(|n| !used.contains(n))
                    .unwrap_or(10);
                let mut v = vec![format!("crypto isakmp policy {prio}")];
                v.extend(policy_lines(proposal));
                v
            }
            Remedy::SetTransforms { policy, proposal } => {
                let mut v = vec![format!(
                    "crypto ipsec transform-set {policy} {}",
                    transforms(proposal)
                )];
                if proposal.mode == crate::model::EncapMode::Transport {
                    v.push(" mode transport".into());
                }
                v
            }
            Remedy::SetPfs { policy, group } => vec![
                policy_mode(policy),
                match group {
                    Some(g) => format!(" set pfs group{}", g.0),
                    None => " no set pfs".into(),
                },
            ],
            Remedy::PermitInFilter {
                acl,
                before,
                permit,
                ..
            } => {
                let seq = before.as_ref().and_then(|b| seq_before(dev, acl, b));
                let entry = permit_entry(permit);
                vec![
                    format!("ip access-list extended {acl}"),
                    match seq {
                        Some(s) => format!(" {s} {entry}"),
                        None => format!(" {entry}"),
                    },
                ]
            }
            Remedy::EnrollCertificate { trustpoint } => {
                let tp = trustpoint.clone().unwrap_or_else(|| "<CA-NAME>".into());
                vec![
                    "crypto key generate rsa modulus 2048".into(),
                    format!("crypto pki trustpoint {tp}"),
                    " enrollment url <http://your-ca/>".into(),
                    " exit".into(),
                    format!("crypto pki authenticate {tp}"),
                    format!("crypto pki enroll {tp}"),
                ]
            }
            Remedy::NoShutdown { interface } => {
                vec![format!("interface {interface}"), " no shutdown".into()]
            }
            Remedy::AllowIdentity { list, identity } => match identity {
                Identity::Fqdn(f) => vec![format!("crypto identity {list}"), format!(" fqdn {f}")],
                Identity::Dn(d) => vec![format!("crypto identity {list}"), format!(" dn {d}")],
                other => vec![format!(
                    "! allow {other} in identity list {list} (identity lists hold DNs and FQDNs: make the peer send its host name with 'crypto isakmp identity hostname')"
                )],
            },
            Remedy::Text { text } => vec![format!("! {text}")],
        }
    }
}

impl Advisor for CiscoIos {
    fn fix(&self, dev: &Device, remedies: &[Remedy], style: &Style) -> Vec<String> {
        let body: Vec<String> = remedies
            .iter()
            .flat_map(|r| self.one(dev, r, style))
            .collect();
        if body.iter().all(|l| l.starts_with('!')) {
            return body;
        }
        let mut v = vec!["configure terminal".to_string()];
        v.extend(body);
        v.push("end".into());
        v
    }

    fn probe(&self, dev: &Device, probe: &Probe) -> Vec<String> {
        match probe {
            Probe::ShowIkeSa => versions(dev)
                .iter()
                .map(|v| format!("show crypto {v} sa"))
                .collect(),
            Probe::ShowIpsecSa { peer } => vec![format!("show crypto ipsec sa peer {peer}")],
            Probe::ShowPolicies => vec!["show crypto map".into()],
            Probe::ShowIkePolicies => versions(dev)
                .iter()
                .map(|v| match *v {
                    "ikev2" => "show crypto ikev2 proposal".to_string(),
                    _ => "show crypto isakmp policy".to_string(),
                })
                .collect(),
            Probe::ShowTransformSets => vec!["show crypto ipsec transform-set".into()],
            Probe::ShowKeys => vec!["show crypto isakmp key".into()],
            Probe::DebugIke => std::iter::once("terminal monitor".to_string())
                .chain(versions(dev).iter().map(|v| format!("debug crypto {v}")))
                .collect(),
            Probe::DebugIpsec => vec!["debug crypto ipsec".into()],
            Probe::ShowRoute { dest } => vec![format!("show ip route {dest}")],
            Probe::Ping { dest, source } => vec![match source {
                Some(s) => format!("ping {dest} source {s}"),
                None => format!("ping {dest}"),
            }],
            // IOS counts the whole datagram: data + 28 bytes of IP and ICMP headers.
            Probe::PingDf {
                dest,
                source,
                sizes,
            } => sizes
                .iter()
                .map(|n| match source {
                    Some(s) => format!("ping {dest} source {s} size {} df-bit", n + 28),
                    None => format!("ping {dest} size {} df-bit", n + 28),
                })
                .collect(),
            Probe::ShowInterface { name } => vec![format!("show ip interface {name}")],
            Probe::ShowAcl { name } => vec![format!("show ip access-lists {name}")],
            Probe::ShowIdentity { name } => vec![format!("show crypto identity {name}")],
            Probe::ShowClock => vec!["show clock".into()],
            Probe::ShowRunningConfig => vec!["show running-config".into()],
            Probe::ShowCertificates => vec![
                "show crypto key mypubkey rsa".into(),
                "show crypto pki certificates".into(),
            ],
            Probe::ClearSas { peer } => vec![
                "clear crypto isakmp".into(),
                format!("clear crypto sa peer {peer}"),
            ],
            Probe::Capture { local, peer } => capture(dev, *local, *peer),
        }
    }
}

/// The IKE keywords of the versions this device runs (`isakmp` for IKEv1, `ikev2`).
fn versions(dev: &Device) -> Vec<&'static str> {
    let v2 = dev
        .policies
        .iter()
        .any(|p| p.ike_version == crate::model::IkeVersion::V2);
    let v1 = !v2
        || dev
            .policies
            .iter()
            .any(|p| p.ike_version == crate::model::IkeVersion::V1);
    let mut out = Vec::new();
    if v1 {
        out.push("isakmp");
    }
    if v2 {
        out.push("ikev2");
    }
    out
}

/// Embedded Packet Capture of IKE, NAT-T, ESP and AH between the two peers.
fn capture(dev: &Device, local: Option<IpAddr>, peer: IpAddr) -> Vec<String> {
    // Without a known local address, the route to the peer tells the interface and address.
    let via = dev.route_to(peer).and_then(|l| l.exit);
    let iface = local
        .and_then(|a| dev.interfaces.iter().find(|i| i.owns(a)))
        .or(via)
        .map(|i| i.name.clone())
        .unwrap_or_else(|| "<outside interface>".into());
    let local = local
        .or_else(|| via.and_then(|i| i.addresses.first().map(|n| n.addr())))
        .map(|a| a.to_string())
        .unwrap_or_else(|| "<own outside address>".into());
    let mut v = vec!["ip access-list extended IPSEC-CAPTURE".to_string()];
    let peer = peer.to_string();
    for (s, d) in [(&local, &peer), (&peer, &local)] {
        v.push(format!(" permit udp host {s} host {d} eq isakmp"));
        v.push(format!(" permit udp host {s} host {d} eq non500-isakmp"));
        v.push(format!(" permit esp host {s} host {d}"));
        v.push(format!(" permit ahp host {s} host {d}"));
    }
    v.push("exit".into());
    v.push(format!(
        "monitor capture IPSEC access-list IPSEC-CAPTURE interface {iface} both"
    ));
    v.push("monitor capture IPSEC start".into());
    v.push("! reproduce the problem, then:".into());
    v.push("monitor capture IPSEC stop".into());
    v.push("monitor capture IPSEC export flash:ipsec.pcap".into());
    v
}
