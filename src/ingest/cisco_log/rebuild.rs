//! Show commands that describe configuration (`show crypto map`, `show crypto isakmp policy`,
//! `show crypto ipsec transform-set`, `show crypto isakmp key`, `show ip access-lists`,
//! `show ip interface`, `show ip route`, `show crypto identity`) are rebuilt into the
//! configuration statements they display, each remembering the output line it came from, and
//! read by the IOS configuration parser: one grammar, one model. `show clock` and
//! `show crypto ca|pki certificates` carry live facts no configuration has.
//!
//! Statements are grouped by what they belong to (one interface, one map entry, one ACL) so
//! that an interface shown by two commands becomes one interface.

use crate::ingest::cisco_ios::secrets::MASK;
use crate::ingest::cisco_ios::{Shown, Statement};
use crate::model::known::parse_cisco_time;
use crate::model::{Certificate, Clock, Known, Loc};
use ipnet::Ipv4Net;
use std::collections::HashMap;
use std::net::Ipv4Addr;

/// At most this many statements are rebuilt from one file (a full Internet routing table
/// would otherwise be held whole); the rest are counted.
pub const MAX_STATEMENTS: usize = 200_000;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
enum Section {
    #[default]
    None,
    Map,
    DefaultPolicy,
    Policy,
    Keys,
    Acl,
    Interface,
    Routes,
    Identity,
    Cert,
    MapInterfaces(String),
}

#[derive(Default)]
pub struct Rebuild {
    section: Section,
    /// Group key → statements; `order` keeps first-seen order for a stable model.
    groups: HashMap<String, Vec<Statement>>,
    order: Vec<String>,
    /// The group statements of the current section go to.
    group: String,
    acl: Option<String>,
    map: Option<String>,
    iface: Option<String>,
    /// `172.16.0.0/24 is subnetted`: the mask of the classful routes that follow.
    subnet_len: Option<u8>,
    route_prefix: Option<Ipv4Net>,
    /// Connected prefixes per interface, to give `L` (local) addresses their mask.
    connected: Vec<(String, Ipv4Net)>,
    locals: Vec<(String, Ipv4Addr, String, u32)>,
    pfs: bool,
    /// The line of the last `interface:` of `show crypto ipsec sa`.
    ipsec_iface_line: Option<u32>,
    cert: Option<Certificate>,
    pub known: Known,
    pub clock: Option<Clock>,
    pub certificates: Vec<Certificate>,
    pub dropped: u64,
    count: usize,
}

/// `Serial2/0 is up, line protocol is up` → "Serial2/0" and whether it is shut down.
fn interface_header(t: &str) -> Option<(&str, bool)> {
    let (name, rest) = t.split_once(" is ")?;
    if name.contains(' ') || !rest.contains("line protocol is") {
        return None;
    }
    Some((name, rest.starts_with("administratively down")))
}

fn mask_of(len: u8) -> String {
    Ipv4Net::new(Ipv4Addr::UNSPECIFIED, len.min(32))
        .map(|n| n.netmask().to_string())
        .unwrap_or_default()
}

/// `A/len` → (address, mask text).
fn addr_len(w: &str) -> Option<(Ipv4Addr, String)> {
    let (a, l) = w.trim_end_matches(',').split_once('/')?;
    Some((a.parse().ok()?, mask_of(l.parse().ok()?)))
}

/// IOS's words for IKE attributes in `show crypto isakmp policy` → config keywords.
fn policy_attr(t: &str) -> Option<String> {
    let (k, v) = t.split_once(':')?;
    let v = v.trim();
    let lower = v.to_ascii_lowercase();
    let bits = |v: &str| {
        v.split('(')
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse::<u32>().ok())
    };
    Some(match k.trim() {
        "encryption algorithm" => {
            if lower.starts_with("aes") {
                match bits(v) {
                    Some(b) if b != 128 => format!(" encryption aes {b}"),
                    _ => " encryption aes".into(),
                }
            } else if lower.contains("triple") || lower.starts_with("3des") {
                " encryption 3des".into()
            } else if lower.starts_with("des") {
                " encryption des".into()
            } else {
                return None;
            }
        }
        "hash algorithm" => {
            let h = if lower.contains("message digest 5") {
                "md5"
            } else if lower.contains("512") {
                "sha512"
            } else if lower.contains("384") {
                "sha384"
            } else if lower.contains("256") {
                "sha256"
            } else if lower.contains("secure hash") {
                "sha"
            } else {
                return None;
            };
            format!(" hash {h}")
        }
        "authentication method" => {
            let a = if lower.contains("pre-shared") {
                "pre-share"
            } else if lower.contains("signature") {
                "rsa-sig"
            } else if lower.contains("encryption") {
                "rsa-encr"
            } else {
                return None;
            };
            format!(" authentication {a}")
        }
        "Diffie-Hellman group" => {
            let n: u32 = v
                .trim_start_matches('#')
                .split_whitespace()
                .next()?
                .parse()
                .ok()?;
            format!(" group {n}")
        }
        "lifetime" => format!(" lifetime {}", v.split_whitespace().next()?),
        _ => return None,
    })
}

/// `10 permit udp any any eq isakmp (12 matches)` → `10 permit udp any any eq isakmp`.
fn acl_entry(t: &str) -> Option<String> {
    let mut w: Vec<&str> = t.split_whitespace().collect();
    // The sequence number stays: a fix inserts its permit before the deciding entry.
    let action = if w.first().is_some_and(|x| x.parse::<u32>().is_ok()) {
        w.get(1)
    } else {
        w.first()
    };
    if !matches!(action, Some(&"permit") | Some(&"deny") | Some(&"remark")) {
        return None;
    }
    if let Some(i) = w.iter().position(|x| x.starts_with('(')) {
        w.truncate(i);
    }
    Some(w.join(" "))
}

/// `S* 0.0.0.0/0 [1/0] via 172.16.5.5` and its forms: (prefix, next hop, interface, code).
fn route_line(
    t: &str,
    subnet_len: Option<u8>,
) -> Option<(Ipv4Net, Option<Ipv4Addr>, Option<String>, String)> {
    let w: Vec<&str> = t.split_whitespace().collect();
    let at = w.iter().position(|x| {
        x.split('/')
            .next()
            .is_some_and(|a| a.parse::<Ipv4Addr>().is_ok())
    })?;
    let code: String = w[..at].join(" ");
    if at == 0 || code.len() > 8 || !code.chars().next()?.is_ascii_alphabetic() {
        return None;
    }
    let pfx = w[at].trim_end_matches(',');
    let net = match pfx.split_once('/') {
        Some((a, l)) => Ipv4Net::new(a.parse().ok()?, l.parse().ok()?).ok()?,
        None => Ipv4Net::new(pfx.parse().ok()?, subnet_len?).ok()?,
    };
    let rest = &w[at + 1..];
    let via = rest
        .windows(2)
        .find(|x| x[0] == "via")
        .and_then(|x| x[1].trim_end_matches(',').parse().ok());
    let iface = if t.contains("directly connected") {
        rest.last().map(|s| s.trim_end_matches(',').to_string())
    } else {
        None
    };
    Some((net, via, iface, code))
}

/// Show output prints `esp-aes 256` as `esp-256-aes`; the config grammar wants the former.
fn transform_words(transforms: &[&str]) -> String {
    transforms
        .iter()
        .map(|t| match *t {
            "esp-256-aes" => "esp-aes 256",
            "esp-192-aes" => "esp-aes 192",
            "esp-128-aes" => "esp-aes 128",
            "esp-gcm-256" | "esp-256-gcm" => "esp-gcm 256",
            "esp-gcm-128" | "esp-128-gcm" => "esp-gcm 128",
            t => t,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

impl Rebuild {
    fn push(&mut self, no: u32, config: String, raw: &str, redacted: Option<String>) {
        if self.count >= MAX_STATEMENTS {
            self.dropped += 1;
            return;
        }
        self.count += 1;
        let key = self.group.clone();
        let st = Statement {
            no,
            config,
            shown: Shown {
                raw: raw.trim_end().to_string(),
                redacted,
            },
        };
        match self.groups.get_mut(&key) {
            Some(v) => v.push(st),
            None => {
                self.order.push(key.clone());
                self.groups.insert(key, vec![st]);
            }
        }
    }

    /// Sends what follows to `key`, opening it with `head` if it is new.
    fn open(&mut self, key: String, no: u32, head: String, raw: &str) {
        self.group = key.clone();
        if !self.groups.contains_key(&key) {
            self.push(no, head, raw, None);
        }
    }

    fn open_acl(&mut self, name: &str, standard: bool, no: u32, raw: &str) {
        let kind = if standard { "standard" } else { "extended" };
        self.acl = Some(name.to_string());
        self.open(
            format!("acl {name}"),
            no,
            format!("ip access-list {kind} {name}"),
            raw,
        );
    }

    fn open_iface(&mut self, name: &str, no: u32, raw: &str) {
        self.iface = Some(name.to_string());
        self.open(
            format!("if {}", name.to_ascii_lowercase()),
            no,
            format!("interface {name}"),
            raw,
        );
    }

    /// A prompt line: the show output that follows belongs to a new command.
    pub fn command(&mut self) {
        self.close_cert();
        self.section = Section::None;
    }

    /// Reads one line; true when it was show output of a configuration-describing command.
    pub fn line(&mut self, no: u32, raw: &str, loc: &dyn Fn() -> Loc) -> bool {
        let t = raw.trim();
        if t.is_empty() {
            return false;
        }
        if self.header(no, raw, t, loc) {
            return true;
        }
        self.ipsec_sa(no, raw, t);
        match self.section.clone() {
            Section::Map => self.map_line(no, raw, t),
            Section::MapInterfaces(map) => {
                let name = t.split_whitespace().next().unwrap_or("");
                let looks = name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                    && name.chars().any(|c| c.is_ascii_digit())
                    && !t.contains(':');
                if !looks {
                    self.section = Section::None;
                    return false;
                }
                for n in t.split_whitespace() {
                    self.open_iface(n, no, raw);
                    self.push(no, format!(" crypto map {map}"), raw, None);
                }
                true
            }
            Section::Policy => match policy_attr(t) {
                Some(c) => {
                    self.push(no, c, raw, None);
                    true
                }
                None => false,
            },
            Section::DefaultPolicy => policy_attr(t).is_some(),
            Section::Keys => self.key_row(no, raw, t),
            Section::Acl => match acl_entry(t) {
                Some(e) => {
                    self.push(no, format!(" {e}"), raw, None);
                    true
                }
                None => {
                    self.section = Section::None;
                    false
                }
            },
            Section::Interface => self.interface_line(no, raw, t),
            Section::Routes => self.route(no, raw, t),
            Section::Identity => {
                let w: Vec<&str> = t.split_whitespace().collect();
                if let ["fqdn" | "dn" | "address", ..] = w.as_slice() {
                    self.push(no, format!(" {t}"), raw, None);
                    true
                } else {
                    self.section = Section::None;
                    false
                }
            }
            Section::Cert => self.cert_line(t, loc),
            Section::None => false,
        }
    }

    /// Lines that start a section, wherever they appear.
    fn header(&mut self, no: u32, raw: &str, t: &str, loc: &dyn Fn() -> Loc) -> bool {
        let w: Vec<&str> = t.split_whitespace().collect();
        // Crypto Map "mjlnetmap" 10 ipsec-isakmp | Crypto Map IPv4 "m" 10 ipsec-isakmp
        if let ["Crypto", "Map", rest @ ..] = w.as_slice() {
            let rest: Vec<&str> = rest
                .iter()
                .copied()
                .filter(|x| !matches!(*x, "IPv4" | "IPv6"))
                .collect();
            if let [name, seq, kind, tail @ ..] = rest.as_slice()
                && name.starts_with('"')
                && seq.parse::<u32>().is_ok()
            {
                let name = name.trim_matches(['"', ':']);
                self.known.crypto_maps = true;
                self.map = Some(name.to_string());
                self.pfs = false;
                let mut head = format!("crypto map {name} {seq} {kind}");
                if let ["dynamic", d, ..] = tail {
                    head.push_str(&format!(" dynamic {d}"));
                }
                self.open(format!("map {name} {seq}"), no, head, raw);
                self.section = Section::Map;
                return true;
            }
        }
        if let ["Protection", "suite", "of", "priority", n] = w.as_slice() {
            self.known.ike_policies = true;
            self.open(
                format!("isakmp {n}"),
                no,
                format!("crypto isakmp policy {n}"),
                raw,
            );
            self.section = Section::Policy;
            return true;
        }
        if t.starts_with("Default protection suite") || t.starts_with("Global IKE policy") {
            self.known.ike_policies = true;
            self.section = Section::DefaultPolicy;
            return true;
        }
        if let Some(rest) = t.strip_prefix("Transform set ") {
            return self.transform_set(no, raw, rest);
        }
        if t.contains("Hostname/Address") && t.contains("Preshared Key") {
            self.known.keys = true;
            self.section = Section::Keys;
            return true;
        }
        if let [
            kind @ ("Extended" | "Standard"),
            "IP",
            "access",
            "list",
            name,
        ] = w.as_slice()
            && self.section != Section::Map
        {
            self.known.acls = true;
            self.open_acl(name, *kind == "Standard", no, raw);
            self.section = Section::Acl;
            return true;
        }
        if let Some((name, down)) = interface_header(t) {
            self.known.interfaces = true;
            self.open_iface(name, no, raw);
            if down {
                self.push(no, " shutdown".into(), raw, None);
            }
            self.section = Section::Interface;
            return true;
        }
        if t.starts_with("Codes: ") || t.starts_with("Gateway of last resort") {
            self.known.routes = true;
            self.section = Section::Routes;
            return true;
        }
        if let ["crypto", "identity", name] = w.as_slice()
            && name.ends_with(':')
        {
            self.known.identities = true;
            let name = name.trim_end_matches(':');
            self.open(
                format!("identity {name}"),
                no,
                format!("crypto identity {name}"),
                raw,
            );
            self.section = Section::Identity;
            return true;
        }
        if matches!(
            t,
            "Certificate" | "CA Certificate" | "Router Self-Signed Certificate"
        ) || t.starts_with("Certificate Status:")
        {
            self.close_cert();
            self.cert = Some(Certificate {
                kind: t.split(" Status").next().unwrap_or(t).to_string(),
                subject: None,
                not_before: None,
                not_after: None,
                loc: loc(),
            });
            self.section = Section::Cert;
            return true;
        }
        if self.clock.is_none()
            && is_clock(t)
            && let Some(at) = parse_cisco_time(t)
        {
            self.clock = Some(Clock { at, loc: loc() });
            return true;
        }
        false
    }

    /// `show crypto ipsec sa` names the interface, its crypto map and its address; the lines
    /// stay with the state reader too (they are not consumed).
    fn ipsec_sa(&mut self, no: u32, raw: &str, t: &str) {
        if let Some(i) = t.strip_prefix("interface:") {
            self.section = Section::None;
            self.iface = Some(i.trim().to_string());
            self.ipsec_iface_line = Some(no);
        } else if let (Some(rest), Some(i)) =
            (t.strip_prefix("Crypto map tag:"), self.iface.clone())
            && self.ipsec_iface_line.is_some()
        {
            let map = rest.split(',').next().unwrap_or("").trim();
            let addr = rest
                .split("local addr")
                .nth(1)
                .map(|a| a.trim_start_matches(['.', ':', ' ']))
                .and_then(|a| a.split([' ', ',']).next())
                .and_then(|a| a.parse::<std::net::IpAddr>().ok());
            let back = self.group.clone();
            self.open_iface(&i, no, raw);
            if !map.is_empty() {
                self.push(no, format!(" crypto map {map}"), raw, None);
            }
            if let Some(a) = addr {
                let host = if a.is_ipv4() { "255.255.255.255" } else { "" };
                if !host.is_empty() {
                    self.push(no, format!(" ip address {a} {host}"), raw, None);
                }
            }
            self.group = back;
            self.ipsec_iface_line = None;
        }
    }

    fn map_line(&mut self, no: u32, raw: &str, t: &str) -> bool {
        let w: Vec<&str> = t.split_whitespace().collect();
        let cfg = match w.as_slice() {
            ["Peer", "=", p] => format!(" set peer {p}"),
            ["Extended" | "Standard", "IP", "access", "list", name] => {
                self.acl = Some(name.to_string());
                format!(" match address {name}")
            }
            ["access-list", name, entry @ ..] => {
                let Some(e) = acl_entry(&entry.join(" ")) else {
                    return false;
                };
                let back = self.group.clone();
                self.open_acl(name, false, no, raw);
                self.push(no, format!(" {e}"), raw, None);
                self.group = back;
                return true;
            }
            ["PFS", "(Y/N):", yn] => {
                self.pfs = yn.eq_ignore_ascii_case("y");
                return true;
            }
            ["DH", "group:", g] if self.pfs => format!(" set pfs {g}"),
            ["Security", "association", "lifetime:", .., secs, "seconds"] => {
                let kb = w
                    .iter()
                    .find_map(|x| x.split_once("kilobytes/"))
                    .map(|(_, s)| s);
                let s = kb.unwrap_or(secs);
                format!(" set security-association lifetime seconds {s}")
            }
            ["Allowed", "identity", "list", "=", name] => format!(" identity {name}"),
            ["ISAKMP", "Profile:", p] => format!(" set isakmp-profile {p}"),
            ["IKEv2", "Profile:", p] => format!(" set ikev2-profile {p}"),
            ["Interfaces", "using", "crypto", "map", name, rest @ ..] => {
                let name = name.trim_end_matches(':').to_string();
                self.section = Section::MapInterfaces(name.clone());
                for n in rest {
                    self.open_iface(n, no, raw);
                    self.push(no, format!(" crypto map {name}"), raw, None);
                }
                return true;
            }
            // IOS-XE: one set per line inside `Transform sets={ ... }`.
            [name, "{", .., "}", ","] | [name, "{", .., "}"] if name.ends_with(':') => {
                let name = name.trim_end_matches(':');
                let transforms: Vec<&str> = w[1..]
                    .iter()
                    .copied()
                    .filter(|x| !matches!(*x, "{" | "}" | ","))
                    .collect();
                self.inline_transform_set(no, raw, name, &transforms);
                format!(" set transform-set {name}")
            }
            ["}"] => return true,
            _ if t.starts_with("Transform sets=") || t.starts_with("Transform sets =") => {
                let names: Vec<&str> = t
                    .split(['{', '}', ',', ' '])
                    .skip(1)
                    .filter(|x| !x.is_empty() && !x.starts_with("sets"))
                    .collect();
                // IOS-XE lists each set with its transforms: `ts1:  { esp-aes esp-sha-hmac } ,`.
                let names: Vec<&str> = names
                    .iter()
                    .filter(|x| x.ends_with(':') || !x.starts_with("esp-") && !x.starts_with("ah-"))
                    .map(|x| x.trim_end_matches(':'))
                    .filter(|x| *x != "=")
                    .collect();
                if names.is_empty() {
                    return true;
                }
                format!(" set transform-set {}", names.join(" "))
            }
            _ => return matches!(w.first(), Some(&"Current") | Some(&"Description:")),
        };
        self.push(no, cfg, raw, None);
        true
    }

    /// A transform set a crypto map lists with its transforms: defined as if shown alone.
    fn inline_transform_set(&mut self, no: u32, raw: &str, name: &str, transforms: &[&str]) {
        if transforms.is_empty() {
            return;
        }
        let back = self.group.clone();
        self.known.transforms = true;
        self.open(
            format!("ts {name}"),
            no,
            format!(
                "crypto ipsec transform-set {name} {}",
                transform_words(transforms)
            ),
            raw,
        );
        self.group = back;
    }

    /// `Transform set mjlnet: { esp-des esp-sha-hmac  }`.
    fn transform_set(&mut self, no: u32, raw: &str, rest: &str) -> bool {
        let Some((name, body)) = rest.split_once(':') else {
            return false;
        };
        let transforms: Vec<&str> = body
            .split(['{', '}', ' ', ','])
            .filter(|x| !x.is_empty())
            .collect();
        if transforms.is_empty() || name.contains(' ') {
            return false;
        }
        self.known.transforms = true;
        self.section = Section::None;
        self.open(
            format!("ts {name}"),
            no,
            format!(
                "crypto ipsec transform-set {name} {}",
                transform_words(&transforms)
            ),
            raw,
        );
        true
    }

    fn key_row(&mut self, no: u32, raw: &str, t: &str) -> bool {
        let w: Vec<&str> = t.split_whitespace().collect();
        let (ring, addr, mask, key) = match w.as_slice() {
            [a, k] => (None, *a, None, *k),
            [r, a, k] => (Some(*r), *a, None, *k),
            [r, a, m, k] => (Some(*r), *a, Some(m.trim_matches(['[', ']'])), *k),
            _ => {
                self.section = Section::None;
                return false;
            }
        };
        if addr.parse::<std::net::IpAddr>().is_err() && !addr.contains('.') {
            return false;
        }
        let redacted = Some(redact_word(raw, key));
        let mask = mask.map(|m| format!(" {m}")).unwrap_or_default();
        match ring {
            Some(r) if r != "default" => {
                let back = self.group.clone();
                self.open(
                    format!("keyring {r}"),
                    no,
                    format!("crypto keyring {r}"),
                    raw,
                );
                self.push(
                    no,
                    format!(" pre-shared-key address {addr}{mask} key {key}"),
                    raw,
                    redacted,
                );
                self.group = back;
            }
            _ => {
                self.group = format!("key {addr}");
                self.push(
                    no,
                    format!("crypto isakmp key {key} address {addr}{mask}"),
                    raw,
                    redacted,
                );
            }
        }
        true
    }

    fn interface_line(&mut self, no: u32, raw: &str, t: &str) -> bool {
        let cfg = if let Some(a) = t.strip_prefix("Internet address is ") {
            let Some((a, m)) = addr_len(a) else {
                return true;
            };
            format!(" ip address {a} {m}")
        } else if let Some(a) = t.strip_prefix("Secondary address ") {
            let Some((a, m)) = addr_len(a) else {
                return true;
            };
            format!(" ip address {a} {m} secondary")
        } else if let Some((dir, acl)) = t
            .strip_prefix("Inbound")
            .map(|r| ("in", r))
            .or_else(|| t.strip_prefix("Outgoing").map(|r| ("out", r)))
        {
            let acl = acl.trim().trim_start_matches("access list is").trim();
            if acl.is_empty() || acl.starts_with("not set") || acl.contains("access list") {
                return true;
            }
            format!(" ip access-group {acl} {dir}")
        } else {
            // The many other lines of `show ip interface` say nothing we model.
            return !t.contains("IP access list") && !t.contains("Crypto Map");
        };
        self.push(no, cfg, raw, None);
        true
    }

    fn route(&mut self, no: u32, raw: &str, t: &str) -> bool {
        let w: Vec<&str> = t.split_whitespace().collect();
        if t.contains("is subnetted") || t.contains("is variably subnetted") {
            self.subnet_len = if t.contains("variably") {
                None
            } else {
                w.first()
                    .and_then(|p| p.split_once('/'))
                    .and_then(|(_, l)| l.parse().ok())
            };
            return true;
        }
        // Legend lines and the gateway line carry no route.
        if t.contains(" - ") || t.starts_with("Gateway") || t.starts_with('+') {
            return true;
        }
        let parsed = route_line(t, self.subnet_len).or_else(|| {
            // `[110/2] via 10.0.0.2, ...`: another path of the route above.
            let p = self.route_prefix?;
            if !w.first()?.starts_with('[') {
                return None;
            }
            let via: Option<Ipv4Addr> = w
                .windows(2)
                .find(|x| x[0] == "via")
                .and_then(|x| x[1].trim_end_matches(',').parse().ok());
            Some((p, via, None, String::new()))
        });
        let Some((net, via, iface, code)) = parsed else {
            self.section = Section::None;
            return false;
        };
        self.route_prefix = Some(net);
        self.group = format!("route {net}");
        let mask = net.netmask();
        if code.starts_with('L') && net.prefix_len() == 32 {
            if let Some(i) = iface {
                // Its mask is that of its connected route, which may come later.
                self.locals
                    .push((i, net.addr(), raw.trim_end().to_string(), no));
            }
            return true;
        }
        let cfg = match (via, &iface) {
            (Some(v), _) => format!("ip route {} {mask} {v}", net.network()),
            (None, Some(i)) => {
                self.connected.push((i.clone(), net));
                format!("ip route {} {mask} {i}", net.network())
            }
            (None, None) => return true,
        };
        self.push(no, cfg, raw, None);
        true
    }

    fn cert_line(&mut self, t: &str, loc: &dyn Fn() -> Loc) -> bool {
        let Some(c) = self.cert.as_mut() else {
            return false;
        };
        // IOS pads `end   date:` to line up with `start date:`.
        let first = t.split_whitespace().next().unwrap_or("");
        let date = t.split_once("date:").map(|(_, v)| v);
        if let (Some(v), "start") = (date, first) {
            c.not_before = parse_cisco_time(v).map(|e| (e, loc()));
        } else if let (Some(v), "end") = (date, first) {
            c.not_after = parse_cisco_time(v).map(|e| (e, loc()));
        } else if let Some(v) = t
            .strip_prefix("Name:")
            .or_else(|| t.strip_prefix("cn="))
            .or_else(|| t.strip_prefix("hostname="))
        {
            c.subject.get_or_insert_with(|| v.trim().to_string());
        }
        true
    }

    fn close_cert(&mut self) {
        if let Some(c) = self.cert.take() {
            self.certificates.push(c);
        }
    }

    /// The statements in first-seen order, and the local addresses resolved against the
    /// connected routes they belong to.
    pub fn finish(mut self) -> (Vec<Statement>, Known, Option<Clock>, Vec<Certificate>) {
        self.close_cert();
        for (iface, addr, raw, no) in std::mem::take(&mut self.locals) {
            let len = self
                .connected
                .iter()
                .find(|(i, n)| *i == iface && n.contains(&addr))
                .map(|(_, n)| n.prefix_len())
                .unwrap_or(32);
            self.open_iface(&iface, no, &raw);
            self.push(
                no,
                format!(" ip address {addr} {}", mask_of(len)),
                &raw,
                None,
            );
        }
        let mut out = Vec::with_capacity(self.count);
        for k in &self.order {
            if let Some(v) = self.groups.remove(k) {
                out.extend(v);
            }
        }
        (out, self.known, self.clock, self.certificates)
    }
}

/// `show clock`: `*14:18:58.579 UTC Sun Mar 14 2005` and nothing else on the line.
fn is_clock(t: &str) -> bool {
    let t = t.trim_start_matches(['*', '.']);
    let w: Vec<&str> = t.split_whitespace().collect();
    (5..=7).contains(&w.len())
        && w[0].split(':').count() == 3
        && w[0].split(':').all(|p| {
            p.split('.')
                .next()
                .is_some_and(|d| d.parse::<u32>().is_ok())
        })
        && w.last()
            .is_some_and(|y| y.len() == 4 && y.parse::<u32>().is_ok())
}

/// The line with `word` (a secret) masked.
fn redact_word(raw: &str, word: &str) -> String {
    raw.trim_end()
        .split_inclusive(char::is_whitespace)
        .map(|tok| {
            if tok.trim_end() == word {
                tok.replacen(word, MASK, 1)
            } else {
                tok.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
