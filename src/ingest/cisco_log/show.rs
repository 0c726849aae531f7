//! `show crypto isakmp sa` (both IOS layouts, ASA's per-peer blocks) and
//! `show crypto ipsec sa` (IOS and ASA) → state and counter events.

use super::addr_after;
use crate::evidence::{Event, EventKind};
use crate::model::{AddrSpec, Loc};
use std::net::IpAddr;

/// IKEv1/IKEv2 state names as IOS and ASA print them. A label that only starts with one of
/// these (ASA's `AM_TM_INIT_XAUTH_V6C`) keeps the known stem.
const STATES: &[&str] = &[
    "MM_NO_STATE",
    "MM_SA_SETUP",
    "MM_KEY_EXCH",
    "MM_KEY_AUTH",
    "QM_IDLE",
    "QM_PHASE2_COMPLETE",
    "AG_NO_STATE",
    "AG_INIT_EXCH",
    "AG_AUTH",
    "MM_WAIT_MSG2",
    "MM_WAIT_MSG3",
    "MM_WAIT_MSG4",
    "MM_WAIT_MSG5",
    "MM_WAIT_MSG6",
    "MM_ACTIVE",
    "AM_ACTIVE",
    "AM_WAIT_MSG2",
    "AM_WAIT_MSG3",
    "AM_TM_INIT_XAUTH",
    "AM_TM_INIT_MODECFG",
    "AM_TM_WAIT_XAUTH",
    "AM_TM_WAIT_MODECFG",
    "MM_TM_INIT_XAUTH",
    "MM_TM_INIT_MODECFG",
    "READY",
    "IN-NEG",
    "UP-ACTIVE",
    "UP-IDLE",
    "UP-NO-IKE",
    "DOWN-NEGOTIATING",
    "DOWN",
    "DELETE",
    "DELETED",
];

/// The known state a label is, or starts with (longest match).
pub fn known_stem(label: &str) -> Option<&'static str> {
    STATES
        .iter()
        .filter(|s| {
            label
                .strip_prefix(**s)
                .is_some_and(|r| r.is_empty() || r.starts_with('_'))
        })
        .max_by_key(|s| s.len())
        .copied()
}

#[derive(Default)]
struct IpsecBlock {
    loc: Option<Loc>,
    peer: Option<IpAddr>,
    local: Option<IpAddr>,
    encaps: Option<u64>,
    decaps: Option<u64>,
    send_errors: u64,
    recv_errors: u64,
    path_mtu: Option<u32>,
    local_ident: Option<AddrSpec>,
    remote_ident: Option<AddrSpec>,
    sas: bool,
}

/// `(10.1.0.0/255.255.0.0/0/0)` → the address part as a prefix.
fn ident(t: &str) -> Option<AddrSpec> {
    let inner = t.split('(').next_back()?.trim_end_matches(')');
    let mut it = inner.split('/');
    let (a, m) = (it.next()?, it.next()?);
    let net = crate::ingest::cisco_ios::v4net(a, m)?;
    Some(if net.prefix_len() == 0 {
        AddrSpec::Any
    } else {
        AddrSpec::Net { net: net.trunc() }
    })
}

struct IosRow {
    dst: IpAddr,
    src: IpAddr,
    state: String,
    deleted: bool,
    loc: Loc,
}

#[derive(Default)]
pub struct State {
    ios_rows: Vec<IosRow>,
    /// ASA: the peer of the block being read.
    asa_peer: Option<(IpAddr, Loc)>,
    asa_role: Option<String>,
    ipsec: Option<IpsecBlock>,
    /// show crypto session: the status of the session whose peer line comes next.
    session: Option<String>,
}

pub enum Took {
    Yes,
    No,
}

fn num_after(text: &str, key: &str) -> Option<u64> {
    let rest = text.split(key).nth(1)?;
    rest.trim_start_matches([':', ' '])
        .split(|c: char| !c.is_ascii_digit())
        .next()?
        .parse()
        .ok()
}

fn ip(w: &str) -> Option<IpAddr> {
    let w = w.trim_end_matches(',').split('/').next()?;
    // Every address starts with a hex digit or ':' (most words of a show line do not).
    if !w
        .as_bytes()
        .first()
        .is_some_and(|c| c.is_ascii_hexdigit() || *c == b':')
    {
        return None;
    }
    w.parse().ok()
}

impl State {
    pub fn command(&mut self, _cmd: &str, out: &mut Vec<Event>) {
        self.asa_peer = None;
        self.flush_rows(out);
    }

    pub fn line(&mut self, line: &str, loc: &dyn Fn() -> Loc, out: &mut Vec<Event>) -> Took {
        let t = line.trim();
        let ev = |kind: EventKind, peer: Option<IpAddr>| Event {
            at: loc(),
            device: None,
            time: None,
            peer,
            kind,
        };
        // show crypto ipsec sa: a block per SA pair, counters spread over several lines.
        if t.starts_with("interface:") || t.starts_with("local ident") {
            // A new SA pair starts at its local ident; the interface line precedes the first.
            if t.starts_with("local ident") {
                if self.ipsec.as_ref().is_some_and(|b| b.local_ident.is_some()) {
                    self.flush(out);
                }
                let b = self.ipsec.get_or_insert_with(IpsecBlock::default);
                b.local_ident = ident(t);
                if b.loc.is_none() {
                    b.loc = Some(loc());
                }
            } else {
                self.flush(out);
                self.ipsec = Some(IpsecBlock::default());
            }
            return Took::Yes;
        }
        if let Some(b) = self.ipsec.as_mut() {
            if t.starts_with("remote ident") {
                b.remote_ident = ident(t);
                return Took::Yes;
            }
            if t.starts_with("current_peer") {
                let w = t
                    .trim_start_matches("current_peer")
                    .trim_start_matches(':')
                    .trim();
                b.peer = w.split([' ', ':']).next().and_then(ip);
                b.loc = Some(loc());
                return Took::Yes;
            }
            if t.starts_with("spi: 0x") {
                b.sas = true;
                return Took::Yes;
            }
        }
        if let Some(b) = self.ipsec.as_mut() {
            if t.contains("#pkts encaps:") {
                b.encaps = num_after(t, "#pkts encaps:");
                return Took::Yes;
            }
            if t.contains("#pkts decaps:") {
                b.decaps = num_after(t, "#pkts decaps:");
                return Took::Yes;
            }
            if t.contains("#send errors") {
                b.send_errors = num_after(t, "#send errors").unwrap_or(0);
                b.recv_errors = num_after(t, "#recv errors").unwrap_or(0);
                return Took::Yes;
            }
            if t.starts_with("local crypto endpt.") {
                b.local = t.split_whitespace().nth(3).and_then(ip);
                if b.peer.is_none() {
                    b.peer = addr_after(t, &["endpt.:"]).filter(|a| Some(*a) != b.local);
                }
                return Took::Yes;
            }
            if t.starts_with("path mtu") {
                b.path_mtu = num_after(t, "path mtu").map(|n| n as u32);
                return Took::Yes;
            }
        }
        // ASA: "1   IKE Peer: 1.2.3.4" then "Type : L2L  Role : initiator" then "... State : X".
        if let Some(rest) = t.split("IKE Peer:").nth(1) {
            self.asa_peer = rest
                .split_whitespace()
                .next()
                .and_then(ip)
                .map(|a| (a, loc()));
            self.asa_role = None;
            return Took::Yes;
        }
        if self.asa_peer.is_some() && t.contains("Role") {
            self.asa_role = t
                .split("Role")
                .nth(1)
                .and_then(|r| r.trim_start_matches([' ', ':']).split_whitespace().next())
                .map(|s| s.to_string());
        }
        if let Some((peer, _)) = &self.asa_peer
            && let Some(rest) = t.split("State").nth(1)
            && t.contains("State")
            && !t.contains("State =")
        {
            let label = rest
                .trim_start_matches([' ', ':'])
                .split_whitespace()
                .next()
                .unwrap_or("");
            if !label.is_empty() {
                let stem = known_stem(label)
                    .filter(|s| *s != label)
                    .map(|s| s.to_string());
                out.push(ev(
                    EventKind::SaState {
                        state: label.to_string(),
                        stem,
                        role: self.asa_role.clone(),
                    },
                    Some(*peer),
                ));
                return Took::Yes;
            }
        }
        // show crypto session: "Session status: UP-ACTIVE" then "Peer: 10.1.1.2 port 500".
        if let Some(st) = t.strip_prefix("Session status:") {
            self.session = Some(st.trim().to_string());
            return Took::Yes;
        }
        if let (Some(rest), Some(state)) = (t.strip_prefix("Peer: "), self.session.take()) {
            let peer = rest.split_whitespace().next().and_then(ip);
            out.push(ev(
                EventKind::SaState {
                    stem: known_stem(&state)
                        .filter(|s| *s != state)
                        .map(|s| s.to_string()),
                    state,
                    role: None,
                },
                peer,
            ));
            return Took::Yes;
        }
        if t == "ISAKMP is turned off" {
            out.push(ev(EventKind::IkeDisabled, None));
            return Took::Yes;
        }
        // IOS rows: "dst src state conn-id slot|status", possibly with the header folded in.
        let w: Vec<&str> = t.split_whitespace().collect();
        let row = w
            .windows(3)
            .position(|x| ip(x[0]).is_some() && ip(x[1]).is_some() && known_stem(x[2]).is_some());
        if let (Some(i), Some(dst), Some(src)) = (
            row,
            row.and_then(|i| ip(w[i])),
            row.and_then(|i| ip(w[i + 1])),
        ) {
            self.ios_rows.push(IosRow {
                dst,
                src,
                state: w[i + 2].to_string(),
                deleted: t.contains("(deleted)"),
                loc: loc(),
            });
            return Took::Yes;
        }
        // show crypto ikev2 sa: "1  66.66.66.1/500  66.66.66.2/500  none/none  READY".
        if let [_, local, remote, _, state] = w.as_slice()
            && local.contains('/')
            && let (Some(_), Some(peer)) = (ip(local), ip(remote))
            && known_stem(state).is_some()
        {
            out.push(ev(
                EventKind::SaState {
                    state: state.to_string(),
                    stem: None,
                    role: None,
                },
                Some(peer),
            ));
            return Took::Yes;
        }
        // ASA tabular rows: "1 209.165.200.225 User Resp No AM_Active 3des SHA preshrd 86400".
        if let [_, peer, _, dir @ ("Init" | "Resp"), _, state, ..] = w.as_slice()
            && let Some(p) = ip(peer)
        {
            let label = state.to_ascii_uppercase();
            let stem = known_stem(&label)
                .filter(|s| *s != label)
                .map(|s| s.to_string());
            let role = if *dir == "Init" {
                "initiator"
            } else {
                "responder"
            };
            out.push(ev(
                EventKind::SaState {
                    state: label,
                    stem,
                    role: Some(role.into()),
                },
                Some(p),
            ));
            return Took::Yes;
        }
        Took::No
    }

    /// IOS prints `dst src` whoever initiated; the address common to all rows is this router
    /// (a single row: the router initiated, so it is the source).
    fn flush_rows(&mut self, out: &mut Vec<Event>) {
        let rows = std::mem::take(&mut self.ios_rows);
        let common = |a: IpAddr| rows.len() > 1 && rows.iter().all(|r| r.dst == a || r.src == a);
        let local = rows.first().map(|r| {
            if common(r.dst) && !common(r.src) {
                r.dst
            } else {
                r.src
            }
        });
        for r in rows {
            if r.deleted {
                continue;
            }
            let (peer, role) = if Some(r.dst) == local {
                (r.src, "responder")
            } else {
                (r.dst, "initiator")
            };
            let stem = known_stem(&r.state)
                .filter(|s| *s != r.state)
                .map(|s| s.to_string());
            out.push(Event {
                at: r.loc,
                device: None,
                time: None,
                peer: Some(peer),
                kind: EventKind::SaState {
                    state: r.state,
                    stem,
                    role: Some(role.into()),
                },
            });
        }
    }

    fn flush(&mut self, out: &mut Vec<Event>) {
        if let Some(b) = self.ipsec.take()
            && let (Some(loc), Some(encaps), Some(decaps)) = (b.loc, b.encaps, b.decaps)
        {
            out.push(Event {
                at: loc,
                device: None,
                time: None,
                peer: b.peer,
                kind: EventKind::Counters {
                    local: b.local,
                    encaps,
                    decaps,
                    // `show crypto ipsec sa` counts packets only.
                    encaps_bytes: None,
                    decaps_bytes: None,
                    spi_in: None,
                    spi_out: None,
                    out_at: None,
                    send_errors: b.send_errors,
                    recv_errors: b.recv_errors,
                    path_mtu: b.path_mtu,
                    local_ident: b.local_ident,
                    remote_ident: b.remote_ident,
                    sas_up: b.sas,
                },
            });
        }
    }

    pub fn finish(&mut self, out: &mut Vec<Event>) {
        self.flush(out);
        self.flush_rows(out);
    }
}
