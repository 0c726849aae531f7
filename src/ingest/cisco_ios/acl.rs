//! IOS access-list entries: numbered and named, standard and extended.

use crate::model::net::{Action, PROTO_AH, PROTO_ESP, PROTO_GRE, PROTO_ICMP, PROTO_TCP, PROTO_UDP};
use crate::model::selector::{AddrSpec, PortRange, Ports};
use crate::model::{AclEntry, Loc};
use std::net::{IpAddr, Ipv4Addr};

pub fn protocol(word: &str) -> Option<Option<u8>> {
    Some(Some(match word {
        "ip" => return Some(None),
        "icmp" => PROTO_ICMP,
        "igmp" => 2,
        "ipinip" => 4,
        "tcp" => PROTO_TCP,
        "udp" => PROTO_UDP,
        "gre" => PROTO_GRE,
        "esp" => PROTO_ESP,
        "ahp" | "ah" => PROTO_AH,
        "eigrp" => 88,
        "ospf" => 89,
        "nos" => 94,
        "pim" => 103,
        "pcp" => 108,
        n => n.parse().ok()?,
    }))
}

/// IOS port keywords, TCP and UDP alike (the names are distinct enough to share one table).
pub fn port(word: &str) -> Option<u16> {
    if let Ok(n) = word.parse() {
        return Some(n);
    }
    Some(match word {
        "echo" => 7,
        "discard" => 9,
        "daytime" => 13,
        "chargen" => 19,
        "ftp-data" => 20,
        "ftp" => 21,
        "ssh" => 22,
        "telnet" => 23,
        "smtp" => 25,
        "time" => 37,
        "nameserver" => 42,
        "whois" => 43,
        "tacacs" => 49,
        "domain" => 53,
        "bootps" => 67,
        "bootpc" => 68,
        "tftp" => 69,
        "gopher" => 70,
        "finger" => 79,
        "www" => 80,
        "hostname" => 101,
        "pop2" => 109,
        "pop3" => 110,
        "sunrpc" => 111,
        "ident" => 113,
        "nntp" => 119,
        "ntp" => 123,
        "netbios-ns" => 137,
        "netbios-dgm" => 138,
        "netbios-ss" => 139,
        "snmp" => 161,
        "snmptrap" => 162,
        "xdmcp" => 177,
        "bgp" => 179,
        "irc" => 194,
        "dnsix" => 195,
        "mobile-ip" => 434,
        "https" => 443,
        "pim-auto-rp" => 496,
        "isakmp" => 500,
        "exec" | "biff" => 512,
        "login" | "who" => 513,
        "cmd" | "syslog" => 514,
        "lpd" => 515,
        "talk" => 517,
        "rip" => 520,
        "uucp" => 540,
        "klogin" => 543,
        "kshell" => 544,
        "non500-isakmp" => 4500,
        _ => return None,
    })
}

fn ipv4(w: &str) -> Option<Ipv4Addr> {
    w.parse().ok()
}

/// Reads an address matcher at `i`: `any`, `host A`, `A WILDCARD`, or (standard ACLs) `A`.
fn addr(words: &[&str], i: &mut usize, allow_bare: bool) -> Option<AddrSpec> {
    let w = *words.get(*i)?;
    match w {
        "any" | "any4" => {
            *i += 1;
            Some(AddrSpec::Any)
        }
        "host" => {
            let a: IpAddr = words.get(*i + 1)?.parse().ok()?;
            *i += 2;
            Some(AddrSpec::host(a))
        }
        _ => {
            let a = ipv4(w)?;
            match words.get(*i + 1).and_then(|m| ipv4(m)) {
                Some(m) => {
                    *i += 2;
                    Some(AddrSpec::from_wildcard(a, m))
                }
                None if allow_bare => {
                    *i += 1;
                    Some(AddrSpec::host(IpAddr::V4(a)))
                }
                None => None,
            }
        }
    }
}

fn ports(words: &[&str], i: &mut usize) -> Option<Ports> {
    let op = words.get(*i).copied();
    let one = |w: Option<&&str>| w.and_then(|w| port(w));
    let r = match op {
        Some("eq") => {
            let mut v = Vec::new();
            *i += 1;
            while let Some(p) = one(words.get(*i)) {
                v.push(PortRange::one(p));
                *i += 1;
            }
            if v.is_empty() {
                return None;
            }
            return Some(v);
        }
        Some("neq") => {
            let p = one(words.get(*i + 1))?;
            *i += 2;
            let mut v = Vec::new();
            if p > 0 {
                v.push(PortRange { lo: 0, hi: p - 1 });
            }
            if p < 65535 {
                v.push(PortRange {
                    lo: p + 1,
                    hi: 65535,
                });
            }
            return Some(v);
        }
        Some("lt") => {
            let p = one(words.get(*i + 1))?;
            *i += 2;
            PortRange {
                lo: 0,
                hi: p.saturating_sub(1),
            }
        }
        Some("gt") => {
            let p = one(words.get(*i + 1))?;
            *i += 2;
            PortRange {
                lo: p.saturating_add(1),
                hi: 65535,
            }
        }
        Some("range") => {
            let lo = one(words.get(*i + 1))?;
            let hi = one(words.get(*i + 2))?;
            *i += 3;
            PortRange { lo, hi }
        }
        _ => PortRange::ANY,
    };
    Some(vec![r])
}

/// Parses `permit|deny ...` (the words after any sequence number). `standard` selects the
/// source-only form. Returns None for remarks and for forms we do not model.
pub fn entry(words: &[&str], standard: bool, loc: Loc) -> Option<AclEntry> {
    let action = match *words.first()? {
        "permit" => Action::Permit,
        "deny" => Action::Deny,
        _ => return None,
    };
    let mut i = 1;
    if standard {
        let src = addr(words, &mut i, true)?;
        return Some(AclEntry {
            seq: None,
            action,
            proto: None,
            src,
            src_ports: vec![PortRange::ANY],
            dst: AddrSpec::Any,
            dst_ports: vec![PortRange::ANY],
            loc,
        });
    }
    let proto = protocol(words.get(i)?)?;
    i += 1;
    let src = addr(words, &mut i, false)?;
    let with_ports = matches!(proto, Some(PROTO_TCP) | Some(PROTO_UDP));
    let src_ports = if with_ports {
        ports(words, &mut i)?
    } else {
        vec![PortRange::ANY]
    };
    let dst = addr(words, &mut i, false)?;
    let dst_ports = if with_ports {
        ports(words, &mut i)?
    } else if proto == Some(PROTO_ICMP) {
        // An ICMP type narrows the entry; it is kept where ports go (see Packet).
        match words.get(i).and_then(|w| icmp_type(w)) {
            Some(t) => vec![PortRange::one(t)],
            None => vec![PortRange::ANY],
        }
    } else {
        vec![PortRange::ANY]
    };
    Some(AclEntry {
        seq: None,
        action,
        proto,
        src,
        src_ports,
        dst,
        dst_ports,
        loc,
    })
}

fn icmp_type(w: &str) -> Option<u16> {
    if let Ok(n) = w.parse::<u8>() {
        return Some(n as u16);
    }
    Some(match w {
        "echo-reply" => 0,
        "unreachable" | "packet-too-big" | "host-unreachable" | "port-unreachable" => 3,
        "source-quench" => 4,
        "redirect" => 5,
        "echo" => 8,
        "time-exceeded" | "ttl-exceeded" => 11,
        "parameter-problem" => 12,
        _ => return None,
    })
}

/// Numbered lists 1-99 and 1300-1999 are standard; the rest are extended.
pub fn numbered_is_standard(n: u32) -> bool {
    (1..=99).contains(&n) || (1300..=1999).contains(&n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn parse(s: &str) -> Option<AclEntry> {
        let f: Arc<str> = Arc::from("t");
        let w: Vec<&str> = s.split_whitespace().collect();
        entry(&w, false, Loc::line(&f, 1, s))
    }

    #[test]
    fn extended_forms() {
        let e = parse("permit udp any host 172.16.6.2 eq isakmp").unwrap();
        assert_eq!(e.proto, Some(17));
        assert_eq!(e.dst_ports, vec![PortRange::one(500)]);
        let e = parse("permit ip 10.1.1.0 0.0.0.255 10.2.2.0 0.0.0.255").unwrap();
        assert_eq!(e.src.to_string(), "10.1.1.0/24");
        let e = parse("deny esp any any log").unwrap();
        assert_eq!(e.proto, Some(50));
        let e = parse("permit tcp any range 1000 2000 any gt 1023 established").unwrap();
        assert_eq!(e.src_ports[0], PortRange { lo: 1000, hi: 2000 });
        assert_eq!(e.dst_ports[0].lo, 1024);
        assert!(parse("remark hello").is_none());
        assert!(parse("permit udp any eq bogusport any").is_none());
    }
}
