//! SA listings: `swanctl --list-sas` blocks (an IKE SA line, its `local`/`remote` lines,
//! then each child with its `in`/`out` byte and packet counters and traffic selectors) and
//! `ipsec statusall` lines (`conn[1]: ESTABLISHED ...`, `conn{1}: ... 84 bytes_i (1 pkt,
//! ...)`) → SA states, completed phases and counters (packets and bytes each way, and the
//! SPIs that pair one end's outbound SA with the other end's inbound one). Packets out with
//! none in is one-way traffic; bytes lost with the packets tell which packets were lost.

use super::charon_log::Reader;
use crate::evidence::EventKind;
use crate::model::{AddrSpec, Loc};
use std::collections::HashMap;
use std::net::IpAddr;

/// `home: #2, ESTABLISHED, IKEv2, 586f3b137ae4cb77_i* 11c45664348c8922_r`.
pub fn is_sa_header(l: &str) -> bool {
    sa_header(l).is_some()
}

fn sa_header(l: &str) -> Option<(&str, Option<&'static str>)> {
    if l.starts_with([' ', '\t']) {
        return None;
    }
    let (_, rest) = l.split_once(": #")?;
    let mut f = rest.split(", ");
    let _n: u32 = f.next()?.parse().ok()?;
    let state = f.next()?;
    let v = f.next()?;
    if !state.chars().all(|c| c.is_ascii_uppercase() || c == '_') || !v.starts_with("IKEv") {
        return None;
    }
    // The `*` marks this side's SPI: `_i*` is the initiator's.
    let role = f.next().and_then(|spis| {
        if spis.contains("_i*") {
            Some("initiator")
        } else if spis.contains("_r*") {
            Some("responder")
        } else {
            None
        }
    });
    Some((state, role))
}

/// `  net: #3, reqid 1, INSTALLED, TUNNEL, ESP:...` → the child's state.
fn child_header(l: &str) -> Option<&str> {
    let t = l.trim_start();
    if t.len() == l.len() {
        return None;
    }
    let (_, rest) = t.split_once(": #")?;
    let mut f = rest.split(", ");
    let _n: u32 = f.next()?.parse().ok()?;
    f.next()?.strip_prefix("reqid ")?;
    let state = f.next()?;
    state
        .chars()
        .all(|c| c.is_ascii_uppercase() || c == '_')
        .then_some(state)
}

/// The number before `word` in `...,  84 bytes,     1 packets`.
fn count_before(l: &str, word: &str) -> Option<u64> {
    let toks: Vec<&str> = l.split_whitespace().collect();
    toks.windows(2)
        .find(|w| w[1].trim_end_matches(',') == word)
        .and_then(|w| w[0].trim_start_matches('(').parse().ok())
}

/// `c3b9d2f1`, `c3b9d2f1,`, `c9ba5f34/0000c3e3` (with IPComp's CPI) → the SPI.
fn spi(tok: &str) -> Option<u32> {
    let hex = tok.split(['/', ',', '(', '_']).next()?;
    if hex.is_empty() || hex.len() > 8 {
        return None;
    }
    u32::from_str_radix(hex, 16).ok()
}

/// statusall's `ESP SPIs: c1a2b3c4_i c5d6e7f8_o` (or `ESP in UDP SPIs: ...`) → (in, out).
fn statusall_spis(rest: &str) -> (Option<u32>, Option<u32>) {
    let Some((_, r)) = rest.split_once("SPIs: ") else {
        return (None, None);
    };
    let (mut i, mut o) = (None, None);
    for w in r.split_whitespace() {
        let w = w.trim_end_matches(',');
        if let Some(x) = w.strip_suffix("_i") {
            i = i.or(spi(x));
        } else if let Some(x) = w.strip_suffix("_o") {
            o = o.or(spi(x));
        } else {
            break;
        }
    }
    (i, o)
}

fn spec(t: &str) -> Option<AddrSpec> {
    let t = t.split('[').next()?.trim();
    if let Ok(n) = t.parse::<ipnet::IpNet>() {
        return Some(AddrSpec::Net { net: n.trunc() });
    }
    t.parse::<IpAddr>().ok().map(AddrSpec::host)
}

#[derive(Debug, Clone, Default)]
struct ChildBlock {
    at: Option<Loc>,
    in_loc: Option<Loc>,
    out_loc: Option<Loc>,
    packets_in: u64,
    packets_out: u64,
    bytes_in: Option<u64>,
    bytes_out: Option<u64>,
    spi_in: Option<u32>,
    spi_out: Option<u32>,
    counted: bool,
    local_ts: Option<AddrSpec>,
    remote_ts: Option<AddrSpec>,
}

#[derive(Debug, Default)]
pub struct Listing {
    in_block: bool,
    peer: Option<IpAddr>,
    local: Option<IpAddr>,
    /// Events of the block waiting for its `remote` line.
    waiting: Vec<usize>,
    child: Option<ChildBlock>,
    /// statusall: connection name → the local and peer addresses its IKE SA line names.
    peers: HashMap<String, (Option<IpAddr>, IpAddr)>,
    /// statusall: counters waiting for their child's `=== ` line.
    pending_ts: HashMap<String, usize>,
    /// statusall: the SPIs (in, out) of a child's `INSTALLED` line, for its counters line.
    spis: HashMap<String, (Option<u32>, Option<u32>)>,
}

impl Listing {
    fn flush_child(&mut self, rd: &mut Reader) {
        let Some(c) = self.child.take() else { return };
        let (Some(at), true) = (c.in_loc.or(c.at), c.counted) else {
            return;
        };
        rd.push(
            at,
            None,
            self.peer,
            EventKind::Counters {
                local: self.local,
                encaps: c.packets_out,
                decaps: c.packets_in,
                encaps_bytes: c.bytes_out,
                decaps_bytes: c.bytes_in,
                spi_in: c.spi_in,
                spi_out: c.spi_out,
                out_at: c.out_loc.map(Box::new),
                send_errors: 0,
                recv_errors: 0,
                path_mtu: None,
                local_ident: c.local_ts,
                remote_ident: c.remote_ts,
                sas_up: true,
            },
        );
    }

    /// Ends the current `--list-sas` block (another kind of line came).
    pub fn end(&mut self, rd: &mut Reader) {
        if self.in_block {
            self.flush_child(rd);
        }
        self.in_block = false;
        self.waiting.clear();
    }

    pub fn line(&mut self, rd: &mut Reader, l: &str, at: Loc) {
        if let Some((state, role)) = sa_header(l) {
            self.end(rd);
            self.in_block = true;
            self.peer = None;
            self.local = None;
            let i = rd.push(
                at.clone(),
                None,
                None,
                EventKind::SaState {
                    state: state.to_string(),
                    stem: None,
                    role: role.map(str::to_string),
                },
            );
            self.waiting.extend(i);
            if state == "ESTABLISHED" {
                let i = rd.push(at, None, None, EventKind::PhaseComplete { phase: 1 });
                self.waiting.extend(i);
            }
            return;
        }
        if self.in_block {
            if !l.starts_with([' ', '\t']) {
                self.end(rd);
            } else {
                self.block_line(rd, l, at);
                return;
            }
        }
        self.statusall(rd, l, at);
    }

    fn block_line(&mut self, rd: &mut Reader, l: &str, at: Loc) {
        let t = l.trim();
        if let Some(state) = child_header(l) {
            self.flush_child(rd);
            if state == "INSTALLED" {
                rd.push(
                    at.clone(),
                    None,
                    self.peer,
                    EventKind::PhaseComplete { phase: 2 },
                );
            }
            self.child = Some(ChildBlock {
                at: Some(at),
                ..ChildBlock::default()
            });
            return;
        }
        let mut w = t.split_whitespace();
        let (first, second) = (w.next().unwrap_or(""), w.next().unwrap_or(""));
        match (&mut self.child, first) {
            // `in  6e5b09b0,    252 bytes,     3 packets,     3s ago`
            (Some(c), "in") => {
                c.packets_in = count_before(t, "packets").unwrap_or(0);
                c.bytes_in = count_before(t, "bytes");
                c.spi_in = spi(second);
                c.in_loc = Some(at);
                c.counted = true;
            }
            (Some(c), "out") => {
                c.packets_out = count_before(t, "packets").unwrap_or(0);
                c.bytes_out = count_before(t, "bytes");
                c.spi_out = spi(second);
                c.out_loc = Some(at);
                c.counted = true;
            }
            (Some(c), "local") if !second.starts_with('\'') => c.local_ts = spec(second),
            (Some(c), "remote") if !second.starts_with('\'') => c.remote_ts = spec(second),
            (None, "local" | "remote") => {
                // `local  'carol@strongswan.org' @ 192.168.0.3[4500] [10.3.0.1]`
                let addr = t
                    .split_once(" @ ")
                    .and_then(|(_, r)| r.split(['[', ' ']).next())
                    .and_then(|a| a.parse::<IpAddr>().ok());
                if first == "local" {
                    self.local = addr;
                } else {
                    self.peer = addr;
                    for i in std::mem::take(&mut self.waiting) {
                        rd.set_peer(Some(i), addr);
                    }
                }
            }
            _ => {}
        }
    }

    /// `ipsec statusall` / `ipsec status` lines.
    fn statusall(&mut self, rd: &mut Reader, l: &str, at: Loc) {
        let t = l.trim();
        let Some((head, rest)) = t.split_once(": ") else {
            return;
        };
        let rest = rest.trim();
        if let Some((name, n)) = head.split_once('[')
            && n.trim_end_matches(']').parse::<u32>().is_ok()
        {
            let state: String = rest
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                .collect();
            if state.len() < 3 || !rest.contains("...") {
                return;
            }
            let (mine, other) = rest.split_once("...").unwrap_or(("", ""));
            let first = |s: &str| s.split(['[', ' ', ',']).next()?.parse::<IpAddr>().ok();
            let peer = first(other);
            let local = mine.rsplit([' ', ',']).next().and_then(first);
            if let Some(p) = peer {
                self.peers.insert(name.to_string(), (local, p));
            }
            rd.push(
                at.clone(),
                None,
                peer,
                EventKind::SaState {
                    state: state.clone(),
                    stem: None,
                    role: None,
                },
            );
            if state == "ESTABLISHED" {
                rd.push(at, None, peer, EventKind::PhaseComplete { phase: 1 });
            }
            return;
        }
        let Some((name, _)) = head.split_once('{') else {
            return;
        };
        // swanctl names children apart from their connection: with one IKE SA listed, its
        // children are that SA's.
        let known = self.peers.get(name).copied().or_else(|| {
            let mut v = self.peers.values();
            match (v.next(), v.next()) {
                (Some(x), None) => Some(*x),
                _ => None,
            }
        });
        let (local, peer) = match known {
            Some((l, p)) => (l, Some(p)),
            None => (None, None),
        };
        if rest.starts_with("INSTALLED") {
            // `INSTALLED, TUNNEL, reqid 1, ESP SPIs: c1a2b3c4_i c5d6e7f8_o`
            if self.spis.len() < 1024 || self.spis.contains_key(head) {
                self.spis.insert(head.to_string(), statusall_spis(rest));
            }
            rd.push(at, None, peer, EventKind::PhaseComplete { phase: 2 });
        } else if rest.contains("bytes_i") {
            // `AES_CBC_128/HMAC_SHA2_256_128, 84 bytes_i (1 pkt, 1s ago), 84 bytes_o (1 pkt...`
            let pkts = |dir: &str| -> u64 {
                let Some((_, r)) = rest.split_once(&format!("bytes_{dir}")) else {
                    return 0;
                };
                let r = r.trim_start();
                if !r.starts_with('(') {
                    return 0;
                }
                r.trim_start_matches('(')
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0)
            };
            let (spi_in, spi_out) = self.spis.get(head).copied().unwrap_or((None, None));
            let i = rd.push(
                at,
                None,
                peer,
                EventKind::Counters {
                    local,
                    encaps: pkts("o"),
                    decaps: pkts("i"),
                    encaps_bytes: count_before(rest, "bytes_o"),
                    decaps_bytes: count_before(rest, "bytes_i"),
                    spi_in,
                    spi_out,
                    out_at: None,
                    send_errors: 0,
                    recv_errors: 0,
                    path_mtu: None,
                    local_ident: None,
                    remote_ident: None,
                    sas_up: true,
                },
            );
            if let Some(i) = i {
                self.pending_ts.insert(head.to_string(), i);
            }
        } else if let Some((l_ts, r_ts)) = rest.split_once(" === ")
            && let Some(i) = self.pending_ts.remove(head)
            && let Some(EventKind::Counters {
                local_ident,
                remote_ident,
                ..
            }) = rd.out.events.get_mut(i).map(|e| &mut e.kind)
        {
            *local_ident = l_ts.split_whitespace().next().and_then(spec);
            *remote_ident = r_ts.split_whitespace().next().and_then(spec);
        }
    }
}
