//! IKEv2 output of Cisco devices → events: IOS/IOS-XE `debug crypto ikev2` (and its
//! `internal` and `packet` levels), ASA `debug crypto ikev2 protocol|platform`, ASA syslog
//! 7500xx, and the IOS `%IKEV2-` / `%CRYPTO-5-IKEV2_SESSION_STATUS` syslog.
//!
//! Debug prints one packet over several lines: a header with the direction and both
//! addresses, the SPIs, the exchange, then the payloads; and most other lines name the SA, not
//! the peer. [`line`] reads every line on its own; [`Follow`] carries a header and each SA's
//! peer over to the lines after it, so that the exchange and the notify payloads land on the
//! right message, direction and peer.

use super::time_of;
use crate::evidence::{Direction, Event, EventKind, exchange_phase, notify_phase};
use crate::model::Loc;
use std::collections::HashMap;
use std::net::IpAddr;

/// Error notify types (RFC 7296 §3.10.1). Status notifies (NAT detection, INITIAL_CONTACT...)
/// are in every healthy exchange: as events they would spend the per-kind budget of the
/// file on noise and push the refusal that matters out.
const ERROR_NOTIFIES: &[&str] = &[
    "UNSUPPORTED_CRITICAL_PAYLOAD",
    "INVALID_IKE_SPI",
    "INVALID_MAJOR_VERSION",
    "INVALID_SYNTAX",
    "INVALID_MESSAGE_ID",
    "INVALID_SPI",
    "NO_PROPOSAL_CHOSEN",
    "INVALID_KE_PAYLOAD",
    "AUTHENTICATION_FAILED",
    "SINGLE_PAIR_REQUIRED",
    "NO_ADDITIONAL_SAS",
    "INTERNAL_ADDRESS_FAILURE",
    "FAILED_CP_REQUIRED",
    "TS_UNACCEPTABLE",
    "INVALID_SELECTORS",
    "TEMPORARY_FAILURE",
    "CHILD_SA_NOT_FOUND",
];

/// How prose lines and syslog reasons spell some error notifies.
const NOTIFY_PHRASES: &[(&str, &str)] = &[
    ("no proposal chosen", "NO_PROPOSAL_CHOSEN"),
    ("no policy chosen", "NO_PROPOSAL_CHOSEN"),
    ("ts unacceptable", "TS_UNACCEPTABLE"),
    ("ts not acceptable", "TS_UNACCEPTABLE"),
    ("authentication failure", "AUTHENTICATION_FAILED"),
    ("invalid ke payload", "INVALID_KE_PAYLOAD"),
];

const EXCHANGES: &[&str] = &[
    "IKE_SA_INIT",
    "IKE_AUTH",
    "CREATE_CHILD_SA",
    "INFORMATIONAL",
];

/// The ASA's syslog id for debug output sent to a log buffer (`logging buffered debugging`):
/// what it carries is read as debug.
const DEBUG_TRACE: &str = "-711001:";

/// The exchange a packet line names: `IKEv2 IKE_AUTH Exchange REQUEST` (IOS, ASA 9.x),
/// `Exchange type: IKE_SA_INIT, flags: ...` (packet level).
fn exchange_of(text: &str) -> Option<&'static str> {
    let i = text.find(" Exchange")?;
    let word = if let Some(r) = text[i..].strip_prefix(" Exchange type:") {
        r.split([',', ' ']).find(|w| !w.is_empty())?
    } else {
        text[..i].rsplit(' ').next()?
    };
    EXCHANGES.iter().copied().find(|x| *x == word)
}

/// `(SESSION ID = 1,SA ID = 1)` (IOS), `(1)` (older IOS), `(12)` (ASA): the SA a line is about.
fn sa_id(msg: &str) -> Option<u32> {
    let digits = |r: &str| {
        let end = r.find(|c: char| !c.is_ascii_digit()).unwrap_or(r.len());
        r[..end].parse().ok()
    };
    if let Some((_, r)) = msg.split_once("SA ID = ") {
        return digits(r);
    }
    let r = msg.split_once(':')?.1.trim_start().strip_prefix('(')?;
    digits(r)
}

/// `10.0.0.2:500` → address and port; the port is what follows the last colon, which also
/// reads IPv6 (`2001:db8::2:500`).
fn addr_port(s: &str) -> (Option<IpAddr>, Option<u16>) {
    let s = s.trim().trim_matches(['[', ']']);
    match s.rsplit_once(':') {
        Some((a, p)) => match (a.trim_matches(['[', ']']).parse(), p.parse()) {
            (Ok(a), Ok(p)) => (Some(a), Some(p)),
            _ => (s.parse().ok(), None),
        },
        None => (s.parse().ok(), None),
    }
}

/// A packet header: direction, the peer's address and port, and the exchange when the header
/// names it.
struct Header {
    direction: Direction,
    peer: Option<IpAddr>,
    port: Option<u16>,
    exchange: Option<&'static str>,
}

/// `Sending Packet [To A:500/From B:500/VRF i0:f0]`, `Received Packet [From A:500/To B:500/...]`
/// (IOS, ASA protocol debug) and `SENT PKT [IKE_SA_INIT] [B]:500->[A]:500 ...`,
/// `RECV PKT [IKE_AUTH] [A]:500->[B]:500 ...` (ASA platform debug).
fn header(msg: &str) -> Option<Header> {
    if let Some((head, rest)) = msg.split_once("Packet [") {
        let direction = if head.ends_with("Sending ") {
            Direction::Sent
        } else if head.ends_with("Received ") {
            Direction::Received
        } else {
            return None;
        };
        let want = match direction {
            Direction::Sent => "To ",
            Direction::Received => "From ",
        };
        let inside = rest.split(']').next().unwrap_or(rest);
        let (peer, port) = inside
            .split('/')
            .find_map(|f| f.strip_prefix(want))
            .map(addr_port)
            .unwrap_or((None, None));
        return Some(Header {
            direction,
            peer,
            port,
            exchange: None,
        });
    }
    let (direction, rest) = if let Some((_, r)) = msg.split_once("SENT PKT [") {
        (Direction::Sent, r)
    } else if let Some((_, r)) = msg.split_once("RECV PKT [") {
        (Direction::Received, r)
    } else {
        return None;
    };
    let (x, rest) = rest.split_once(']')?;
    let exchange = EXCHANGES.iter().copied().find(|e| *e == x.trim());
    let mut ends = rest.split_whitespace().next().unwrap_or("").split("->");
    let (from, to) = (ends.next().unwrap_or(""), ends.next().unwrap_or(""));
    let (peer, port) = addr_port(match direction {
        Direction::Sent => to,
        Direction::Received => from,
    });
    Some(Header {
        direction,
        peer,
        port,
        exchange,
    })
}

/// The error notify a prose line or syslog reason names, if any (`lower`: the text lower-cased).
fn notify_named(text: &str, lower: &str) -> Option<&'static str> {
    ERROR_NOTIFIES
        .iter()
        .copied()
        .find(|n| text.contains(n))
        .or_else(|| {
            NOTIFY_PHRASES
                .iter()
                .find(|(p, _)| lower.contains(p))
                .map(|(_, n)| *n)
        })
}

/// `(3 of 5)`, `attempt 3`: which retransmission this is, when the line says.
fn attempt_of(text: &str) -> Option<u32> {
    let toks: Vec<&str> = text.split_whitespace().collect();
    toks.windows(3)
        .find(|w| w[1] == "of")
        .and_then(|w| w[0].trim_start_matches('(').parse().ok())
        .or_else(|| {
            toks.windows(2)
                .find(|w| w[0] == "attempt")
                .and_then(|w| w[1].trim_end_matches([',', ':']).parse().ok())
        })
}

/// What one message says happened: a debug line's text, or a syslog reason. The peer and the
/// time are the caller's.
fn classify(text: &str, out: &mut Vec<EventKind>) {
    // One lower-cased copy for the dozens of phrases below; only IKEv2 lines get here.
    let lower = text.to_ascii_lowercase();
    let has = |needle: &str| lower.contains(needle);
    let named_exchange = EXCHANGES.iter().copied().find(|x| text.contains(x));
    if has("maximum number of retransmissions") || has("retransmission count") {
        out.push(EventKind::GaveUp {
            phase: named_exchange.map_or(Some(1), exchange_phase),
        });
    } else if has("retransmitting") {
        out.push(EventKind::Retransmit {
            phase: named_exchange.map_or(Some(1), exchange_phase),
            attempt: attempt_of(text),
        });
    } else if has("failed to find a matching policy") || has("no matching policy") {
        // IOS says "IPSEC policy" when it is the child SA's proposal or selectors.
        let phase = if has("ipsec") { 2 } else { 1 };
        out.push(EventKind::NoProposalAccepted { phase });
    } else if has("validate proposal") && has("failed") {
        out.push(EventKind::NoProposalAccepted { phase: 2 });
    } else if has("no ipsec policy found for received ts") || has("invalid selector") {
        out.push(EventKind::SelectorsRejected);
    } else if has("verification of peer's auth") || has("failed to verify the auth") {
        // Cisco spells it "authenctication" in some releases; the prefix matches both.
        if has("passed") {
            out.push(EventKind::Authenticated);
        } else if has("fail") {
            // Our side refused the peer's AUTH payload and answers AUTHENTICATION_FAILED.
            out.push(EventKind::Notify {
                direction: Direction::Sent,
                name: "AUTHENTICATION_FAILED".into(),
                phase: Some(1),
            });
        }
    } else if has("failed to locate an item in the database")
        || has("failed to get the pre-shared key")
        || has("failed to get the preshared key")
        || has("could not find matching key")
        || has("no pre-shared key")
    {
        out.push(EventKind::NoKey);
    } else if (has("ike id pair") && has("is up"))
        || has("negotiation done")
        || has("sa is up")
        || has("ikev2 sa up")
        || has("crypto tunnel v2 is up")
    {
        out.push(EventKind::PhaseComplete { phase: 1 });
    } else if has("creation of ipsec sa into ipsec database passed") {
        out.push(EventKind::PhaseComplete { phase: 2 });
    } else if has("ikev2 is disabled") || has("ikev2 is not enabled") || has("ikev2 not enabled") {
        out.push(EventKind::IkeDisabled);
    } else if has("sanity check") || has("malformed") || (has("decrypt") && has("fail")) {
        out.push(EventKind::Malformed);
    } else if let Some(name) = notify_named(text, &lower) {
        let direction =
            if has("received") || has("recv") || has("parse notify") || has("processing notify") {
                Some(Direction::Received)
            } else if has("sending") || has("send ") || has("construct notify") {
                Some(Direction::Sent)
            } else {
                None
            };
        // A notify whose direction the line does not tell proves nothing about who refused.
        if let Some(direction) = direction {
            if direction == Direction::Sent && name == "TS_UNACCEPTABLE" {
                out.push(EventKind::SelectorsRejected);
            }
            out.push(EventKind::Notify {
                direction,
                name: name.into(),
                phase: notify_phase(name, named_exchange),
            });
        }
    }
}

/// `Local:10.2.2.2:500 Remote:10.1.1.1:500` → the remote address and port.
fn remote_of(msg: &str) -> (Option<IpAddr>, Option<u16>) {
    msg.split_once("Remote:")
        .or_else(|| msg.split_once("Remote "))
        .or_else(|| msg.split_once("Peer "))
        .map(|(_, r)| {
            let w = r.split_whitespace().next().unwrap_or("");
            let w = w.trim_end_matches([',', '.']);
            // IOS writes `10.1.1.1/500`, the ASA `10.1.1.1:500`.
            match w.split_once('/') {
                Some((a, p)) => (a.parse().ok(), p.parse().ok()),
                None => addr_port(w),
            }
        })
        .unwrap_or((None, None))
}

/// `%ASA-4-750003: ...`, `%IKEV2-3-NEG_ABORT: ...`, `%CRYPTO-5-IKEV2_SESSION_STATUS: ...`.
/// None for other syslog ids: they are IKEv1's or not IPsec, and debug.rs reads them.
fn syslog(line: &str, at: usize, loc: &dyn Fn() -> Loc) -> Option<Vec<Event>> {
    let (prefix, msg) = line.split_at(at);
    let (tag, body) = msg.split_once(": ").unwrap_or((msg, ""));
    let asa_id = tag
        .strip_prefix("%ASA-")
        .and_then(|r| r.get(2..))
        .and_then(|n| n.parse::<u32>().ok());
    let ios = tag.strip_prefix("%IKEV2-").and_then(|r| r.get(2..));
    let session = tag.starts_with("%CRYPTO-") && tag.ends_with("IKEV2_SESSION_STATUS");
    if !matches!(asa_id, Some(750_000..=750_999)) && ios.is_none() && !session {
        return None;
    }
    let (peer, port) = remote_of(body);
    let mut kinds = Vec::new();
    let reason = body
        .split_once("ERROR:")
        .map(|(_, r)| r)
        .or_else(|| body.split_once("Reason:").map(|(_, r)| r));
    match (asa_id, ios) {
        // The ASA's "Received a IKE_INIT_SA request" and IOS's connection request.
        (Some(750002), _) | (_, Some("RECV_CONNECTION_REQUEST")) => {
            kinds.push(EventKind::IkeMessage {
                direction: Direction::Received,
                state: Some("IKE_SA_INIT".into()),
                phase: Some(1),
                port,
            })
        }
        (Some(750003), _) | (_, Some("NEG_ABORT")) => classify(reason.unwrap_or(body), &mut kinds),
        (Some(750006), _) | (_, Some("SA_UP")) => kinds.push(EventKind::PhaseComplete { phase: 1 }),
        // SA down, tunnel requests, rekeys: the state of a tunnel, not a fault.
        (Some(_), _) => {}
        _ if session => classify(body, &mut kinds),
        _ => {}
    }
    let time = time_of(prefix);
    Some(
        kinds
            .into_iter()
            .map(|kind| Event {
                at: loc(),
                device: None,
                time,
                peer,
                kind,
            })
            .collect(),
    )
}

/// Events for one line, or None when the line is not IKEv2 output.
pub fn line(line: &str, loc: &dyn Fn() -> Loc) -> Option<Vec<Event>> {
    // Syslog first: its tag is the line's first '%' (IOS debug has `IKEv2:% Getting ...`,
    // which is not syslog and falls through).
    if let Some(at) = line.find('%')
        && ["%ASA-", "%IKEV2-", "%CRYPTO-"]
            .iter()
            .any(|t| line[at..].starts_with(t))
        && !line[at..].contains(DEBUG_TRACE)
    {
        return syslog(line, at, loc);
    }
    let start = line.find("IKEv2")?;
    let (prefix, msg) = line.split_at(start);
    let time = || time_of(prefix);
    if exchange_of(msg).is_some() {
        // Named by its packet's header; `Follow` joins them.
        return Some(Vec::new());
    }
    if let Some(h) = header(msg) {
        return Some(vec![Event {
            at: loc(),
            device: None,
            time: time(),
            peer: h.peer,
            kind: EventKind::IkeMessage {
                direction: h.direction,
                state: h.exchange.map(str::to_string),
                phase: h.exchange.and_then(exchange_phase),
                port: h.port,
            },
        }]);
    }
    let mut kinds = Vec::new();
    classify(msg, &mut kinds);
    if kinds.is_empty() {
        return Some(Vec::new());
    }
    let time = time();
    Some(
        kinds
            .into_iter()
            .map(|kind| Event {
                at: loc(),
                device: None,
                time,
                // Debug prose names the SA, not the peer: `Follow` fills it in.
                peer: None,
                kind,
            })
            .collect(),
    )
}

/// The packet whose continuation lines are being read.
#[derive(Clone, Copy)]
struct Packet {
    direction: Direction,
    peer: Option<IpAddr>,
    time: Option<f64>,
    exchange: Option<&'static str>,
}

/// What the lines so far said about one SA.
#[derive(Default, Clone, Copy)]
struct Sa {
    peer: Option<IpAddr>,
    /// The exchange it last sent: what a later "Retransmitting packet" repeats.
    sent: Option<&'static str>,
}

/// How many SAs are remembered; a hub's debug over days names many more, and a forgotten SA
/// only costs its lines their peer.
const KEEP_SAS: usize = 4096;

/// Reads the continuation lines of IKEv2 packets and names the peer of lines that name only
/// their SA. Fed every line after [`line`], with that line's events.
#[derive(Default)]
pub struct Follow {
    /// A header's message, waiting for the exchange line that follows the SPI line.
    held: Option<(Event, Option<u32>)>,
    /// The packet whose payload lines are being read.
    packet: Option<Packet>,
    /// The exchange of the last packet received, for ASA notify lines that name no SA.
    last_received: Option<&'static str>,
    sas: HashMap<u32, Sa>,
}

impl Follow {
    /// No packet is being followed: a line without "IKEv2" is nothing to this reader.
    pub fn idle(&self) -> bool {
        self.held.is_none() && self.packet.is_none()
    }

    /// `v2`: the line holds "IKEv2" (the caller's keyword scan knows).
    pub fn line(&mut self, text: &str, v2: bool, loc: &dyn Fn() -> Loc, fresh: &mut Vec<Event>) {
        if !v2 && self.held.is_none() && self.packet.is_none() {
            return;
        }
        let v2 = text.find("IKEv2").map(|i| &text[i..]);
        if let Some(x) = exchange_of(text) {
            if let Some((mut ev, sa)) = self.held.take() {
                if let EventKind::IkeMessage {
                    direction,
                    state,
                    phase,
                    ..
                } = &mut ev.kind
                {
                    *state = Some(x.to_string());
                    *phase = exchange_phase(x);
                    self.note_exchange(*direction, x, sa);
                }
                fresh.insert(0, ev);
            }
            if let Some(p) = &mut self.packet {
                p.exchange = Some(x);
            }
            return;
        }
        if self.held.is_some() && text.contains("Initiator SPI") {
            return;
        }
        let released = self.held.take().map(|(ev, _)| ev);
        let sa = v2.and_then(sa_id);
        match v2.and_then(header) {
            Some(h) => {
                if let Some(n) = sa {
                    if self.sas.len() >= KEEP_SAS && !self.sas.contains_key(&n) {
                        self.sas.clear();
                    }
                    self.sas.entry(n).or_default().peer = h.peer;
                }
                self.packet = Some(Packet {
                    direction: h.direction,
                    peer: h.peer,
                    time: fresh.last().and_then(|e| e.time),
                    exchange: h.exchange,
                });
                match h.exchange {
                    Some(x) => self.note_exchange(h.direction, x, sa),
                    // Only the message `line` made of this header: a header inside another
                    // parser's line (a syslog id this module leaves to debug.rs) has none.
                    None => {
                        if let Some(i) = fresh.len().checked_sub(1)
                            && matches!(fresh[i].kind, EventKind::IkeMessage { state: None, .. })
                        {
                            self.held = Some((fresh.remove(i), sa));
                        }
                    }
                }
            }
            // IOS lists an encrypted message's payloads before its header, which says "ENCR".
            None if v2.is_some_and(|m| m.contains("Building packet for encryption")) => {
                let known = sa
                    .and_then(|n| self.sas.get(&n))
                    .copied()
                    .unwrap_or_default();
                self.packet = Some(Packet {
                    direction: Direction::Sent,
                    peer: known.peer,
                    time: text.find("IKEv2").and_then(|i| time_of(&text[..i])),
                    exchange: None,
                });
            }
            None => self.payload_or_record(text, v2.is_some(), loc, fresh),
        }
        if v2.is_some() {
            self.fill(sa, fresh);
        }
        if let Some(ev) = released {
            fresh.insert(0, ev);
        }
    }

    /// Releases a header whose exchange line never came (the end of a paste).
    pub fn finish(&mut self, fresh: &mut Vec<Event>) {
        if let Some((ev, _)) = self.held.take() {
            fresh.insert(0, ev);
        }
    }

    fn note_exchange(&mut self, direction: Direction, x: &'static str, sa: Option<u32>) {
        match direction {
            Direction::Sent => {
                if let Some(s) = sa.and_then(|n| self.sas.get_mut(&n)) {
                    s.sent = Some(x);
                }
            }
            Direction::Received => self.last_received = Some(x),
        }
    }

    /// A payload line of the current packet yields its error notifies; any other line ends
    /// the packet.
    fn payload_or_record(
        &mut self,
        text: &str,
        record: bool,
        loc: &dyn Fn() -> Loc,
        fresh: &mut Vec<Event>,
    ) {
        let Some(p) = self.packet else {
            return;
        };
        let ends = record
            || text.trim().is_empty()
            || text.contains('#')
            || (text.contains('%') && !text.contains(DEBUG_TRACE));
        if ends {
            self.packet = None;
            return;
        }
        let mut rest = text;
        while let Some((_, r)) = rest.split_once("NOTIFY(") {
            let Some((name, after)) = r.split_once(')') else {
                break;
            };
            rest = after;
            if let Some(name) = ERROR_NOTIFIES.iter().copied().find(|n| *n == name) {
                fresh.push(Event {
                    at: loc(),
                    device: None,
                    time: p.time,
                    peer: p.peer,
                    kind: EventKind::Notify {
                        direction: p.direction,
                        name: name.into(),
                        phase: notify_phase(name, p.exchange),
                    },
                });
            }
        }
    }

    /// Gives this line's events the peer and phase its SA's earlier lines told.
    fn fill(&self, sa: Option<u32>, fresh: &mut [Event]) {
        let known = sa
            .and_then(|n| self.sas.get(&n))
            .copied()
            .unwrap_or_default();
        for e in fresh.iter_mut() {
            if e.peer.is_none() {
                e.peer = known.peer;
            }
            match &mut e.kind {
                EventKind::Retransmit { phase, .. } | EventKind::GaveUp { phase } => {
                    if let Some(x) = known.sent {
                        *phase = exchange_phase(x);
                    }
                }
                EventKind::Notify {
                    direction: Direction::Received,
                    name,
                    phase: phase @ None,
                } => *phase = notify_phase(name, self.last_received),
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::cisco_log::parse;
    use std::sync::Arc;

    fn one(text: &str) -> Option<Vec<EventKind>> {
        let file: Arc<str> = Arc::from("t.log");
        line(text, &|| Loc::line(&file, 1, text)).map(|v| v.into_iter().map(|e| e.kind).collect())
    }

    fn ip(s: &str) -> Option<IpAddr> {
        s.parse().ok()
    }

    #[test]
    fn other_lines_are_not_ikev2() {
        assert!(one("*Nov 24 10:02:11.123: ISAKMP:(0): sending packet to 192.0.2.2 my_port 500 peer_port 500 (I) MM_NO_STATE").is_none());
        assert!(one("Nov 24 2026 11:02:40: %ASA-5-713904: IP = 198.51.100.20, All IKE SA proposals found unacceptable!").is_none());
        assert!(one("%CRYPTO-4-IKMP_NO_SA: IKE message from 192.0.2.9 has no SA").is_none());
        assert!(one("interface GigabitEthernet0/0").is_none());
        // Recognised, but nothing happened.
        assert_eq!(
            one("*Nov 29 10:01:02.311: IKEv2:Found Policy 'default'").map(|v| v.len()),
            Some(0)
        );
        assert_eq!(
            one("*Nov 29 10:01:02.311: IKEv2:% Getting preshared key from profile keyring KR")
                .map(|v| v.len()),
            Some(0)
        );
    }

    #[test]
    fn packet_headers_name_direction_peer_and_port() {
        let file: Arc<str> = Arc::from("t.log");
        let l = "*Nov 29 10:01:02.345: IKEv2:(SESSION ID = 1,SA ID = 1):Sending Packet [To 10.0.0.2:4500/From 10.0.0.1:4500/VRF i0:f0]";
        let e = line(l, &|| Loc::line(&file, 1, l)).unwrap();
        assert_eq!(e[0].peer, ip("10.0.0.2"));
        assert!((e[0].time.unwrap() - 36062.345).abs() < 1e-6);
        assert!(matches!(
            e[0].kind,
            EventKind::IkeMessage {
                direction: Direction::Sent,
                port: Some(4500),
                state: None,
                ..
            }
        ));
        let l =
            "IKEv2-PROTO-2: (12):   Received Packet [From 10.1.1.1:500/To 10.2.2.2:500/VRF i0:f0]";
        let e = line(l, &|| Loc::line(&file, 1, l)).unwrap();
        assert_eq!(e[0].peer, ip("10.1.1.1"));
        assert!(matches!(
            e[0].kind,
            EventKind::IkeMessage {
                direction: Direction::Received,
                port: Some(500),
                ..
            }
        ));
        let l = "IKEv2-PLAT-4: (12): SENT PKT [IKE_AUTH] [10.2.2.2]:500->[10.1.1.1]:500 InitSPI=0x1a2b RespSPI=0x3c4d MID=00000001";
        let e = line(l, &|| Loc::line(&file, 1, l)).unwrap();
        assert_eq!(e[0].peer, ip("10.1.1.1"));
        assert!(matches!(
            &e[0].kind,
            EventKind::IkeMessage { direction: Direction::Sent, state: Some(s), phase: Some(1), .. } if s == "IKE_AUTH"
        ));
        let l = "IKEv2-PLAT-4: RECV PKT [CREATE_CHILD_SA] [10.1.1.1]:4500->[10.2.2.2]:4500 InitSPI=0x1a2b RespSPI=0x3c4d MID=00000004";
        let e = line(l, &|| Loc::line(&file, 1, l)).unwrap();
        assert_eq!(e[0].peer, ip("10.1.1.1"));
        assert!(matches!(
            e[0].kind,
            EventKind::IkeMessage {
                direction: Direction::Received,
                phase: Some(2),
                port: Some(4500),
                ..
            }
        ));
    }

    #[test]
    fn failures_in_debug_prose() {
        let k = |t: &str| one(t).unwrap_or_default();
        assert!(matches!(
            k("IKEv2-ERROR:(SESSION ID = 1,SA ID = 1):: Failed to find a matching policy")[..],
            [EventKind::NoProposalAccepted { phase: 1 }]
        ));
        assert!(matches!(
            k(
                "IKEv2:(SESSION ID = 1,SA ID = 1):Received Policies: : Failed to find a matching policy"
            )[..],
            [EventKind::NoProposalAccepted { phase: 1 }]
        ));
        assert!(matches!(
            k("IKEv2-PROTO-1: (12): Failed to find a matching policy")[..],
            [EventKind::NoProposalAccepted { phase: 1 }]
        ));
        assert!(matches!(
            k("IKEv2:(SESSION ID = 2,SA ID = 1):There was no IPSEC policy found for received TS")[..],
            [EventKind::SelectorsRejected]
        ));
        assert!(matches!(
            k("IKEv2-ERROR:(SESSION ID = 2,SA ID = 1):: Detected an invalid selector")[..],
            [EventKind::SelectorsRejected]
        ));
        assert!(matches!(
            &k("IKEv2:(SESSION ID = 1,SA ID = 1):Received TS_UNACCEPTABLE notify")[..],
            [EventKind::Notify { direction: Direction::Received, name, phase: Some(2) }] if name == "TS_UNACCEPTABLE"
        ));
        for t in [
            "IKEv2:(SESSION ID = 3,SA ID = 1):Verification of peer's authentication data FAILED",
            "IKEv2:(SESSION ID = 3,SA ID = 1):Verification of peer's authenctication data FAILED",
        ] {
            assert!(
                matches!(
                    &k(t)[..],
                    [EventKind::Notify { direction: Direction::Sent, name, phase: Some(1) }] if name == "AUTHENTICATION_FAILED"
                ),
                "{t}"
            );
        }
        assert!(matches!(
            k("IKEv2:(SESSION ID = 3,SA ID = 1):Verification of peer's authentication data PASSED")
                [..],
            [EventKind::Authenticated]
        ));
        // The generic wrapper after the specific failure says nothing more.
        assert!(k("IKEv2-ERROR:(SESSION ID = 3,SA ID = 1):: Auth exchange failed").is_empty());
        assert!(k("IKEv2-PROTO-1: (12): Auth exchange failed").is_empty());
        for t in [
            "IKEv2-ERROR:(SESSION ID = 4,SA ID = 1):: Failed to locate an item in the database",
            "IKEv2:(SESSION ID = 4,SA ID = 1):Failed to get the pre-shared key",
            "IKEv2-PROTO-1: (12): Could not find matching key",
        ] {
            assert!(matches!(k(t)[..], [EventKind::NoKey]), "{t}");
        }
        assert!(matches!(
            k("IKEv2:(SESSION ID = 5,SA ID = 1):Retransmitting packet")[..],
            [EventKind::Retransmit {
                phase: Some(1),
                attempt: None
            }]
        ));
        assert!(matches!(
            k("IKEv2-PROTO-2: (12): Retransmitting packet (3 of 5)")[..],
            [EventKind::Retransmit {
                attempt: Some(3),
                ..
            }]
        ));
        assert!(matches!(
            k("IKEv2:(SESSION ID = 5,SA ID = 1):Maximum number of retransmissions reached")[..],
            [EventKind::GaveUp { phase: Some(1) }]
        ));
        assert!(matches!(
            &k("IKEv2-PROTO-5: Construct Notify Payload: NO_PROPOSAL_CHOSEN")[..],
            [EventKind::Notify { direction: Direction::Sent, name, phase: None }] if name == "NO_PROPOSAL_CHOSEN"
        ));
        assert!(matches!(
            &k("IKEv2-PROTO-5: Parse Notify Payload: INVALID_KE_PAYLOAD")[..],
            [EventKind::Notify { direction: Direction::Received, name, .. }] if name == "INVALID_KE_PAYLOAD"
        ));
        // Status notifies are not events.
        assert!(k("IKEv2-PROTO-5: Parse Notify Payload: NAT_DETECTION_SOURCE_IP").is_empty());
        assert!(matches!(
            k(
                "IKEv2:(SESSION ID = 1,SA ID = 1):Session with IKE ID PAIR (10.0.0.2, 10.0.0.1) is UP"
            )[..],
            [EventKind::PhaseComplete { phase: 1 }]
        ));
        assert!(matches!(
            k("IKEv2:(SA ID = 1):[IPsec -> IKEv2] Creation of IPsec SA into IPsec database PASSED")
                [..],
            [EventKind::PhaseComplete { phase: 2 }]
        ));
        assert!(matches!(
            k("IKEv2:Packet dropped: IKEv2 is disabled")[..],
            [EventKind::IkeDisabled]
        ));
    }

    #[test]
    fn asa_and_ios_syslog() {
        let file: Arc<str> = Arc::from("t.log");
        let run = |t: &str| line(t, &|| Loc::line(&file, 1, t)).unwrap_or_default();
        let e = run(
            "Nov 29 2025 10:01:02: %ASA-5-750002: Local:10.2.2.2:500 Remote:10.1.1.1:500 Username:Unknown Received a IKE_INIT_SA request",
        );
        assert_eq!(e[0].peer, ip("10.1.1.1"));
        assert!((e[0].time.unwrap() - 36062.0).abs() < 1e-6);
        assert!(matches!(
            &e[0].kind,
            EventKind::IkeMessage { direction: Direction::Received, state: Some(s), phase: Some(1), port: Some(500) } if s == "IKE_SA_INIT"
        ));
        let abort = |reason: &str| {
            let t = format!(
                "%ASA-4-750003: Local:10.2.2.2:500 Remote:10.1.1.1:500 Username:10.1.1.1 IKEv2 Negotiation aborted due to ERROR: {reason}"
            );
            let e = run(&t);
            assert!(e.iter().all(|x| x.peer == ip("10.1.1.1")), "{reason}");
            e.into_iter().map(|x| x.kind).collect::<Vec<_>>()
        };
        assert!(matches!(
            abort("Failed to find a matching policy")[..],
            [EventKind::NoProposalAccepted { phase: 1 }]
        ));
        assert!(matches!(
            &abort("Received no proposal chosen notify")[..],
            [EventKind::Notify { direction: Direction::Received, name, phase: None }] if name == "NO_PROPOSAL_CHOSEN"
        ));
        assert!(matches!(
            abort("Detected an invalid selector/ TS_UNACCEPTABLE")[..],
            [EventKind::SelectorsRejected]
        ));
        assert!(matches!(
            abort("Maximum number of retransmissions reached")[..],
            [EventKind::GaveUp { phase: Some(1) }]
        ));
        assert!(matches!(
            abort("Failed to locate an item in the database")[..],
            [EventKind::NoKey]
        ));
        assert!(abort("Auth exchange failed").is_empty());
        assert!(matches!(
            run("%ASA-5-750006: Local:10.2.2.2:500 Remote:10.1.1.1:500 Username:10.1.1.1 IKEv2 SA UP. Reason: New Connection Established")[0].kind,
            EventKind::PhaseComplete { phase: 1 }
        ));
        assert!(run("%ASA-5-750007: Local:10.2.2.2:500 Remote:10.1.1.1:500 Username:10.1.1.1 IKEv2 SA DOWN. Reason: peer reclaimed").is_empty());
        let e = run(
            "*Nov 29 10:05:00.001: %IKEV2-5-SA_UP: SA UP Local:10.0.0.1/500 Remote:10.0.0.2/500",
        );
        assert_eq!(e[0].peer, ip("10.0.0.2"));
        assert!(matches!(e[0].kind, EventKind::PhaseComplete { phase: 1 }));
        assert!(matches!(
            run("*Nov 29 10:05:00.001: %IKEV2-3-NEG_ABORT: Negotiation aborted due to ERROR: Failed to find a matching policy")[0].kind,
            EventKind::NoProposalAccepted { phase: 1 }
        ));
        let e = run(
            "*Nov 29 10:05:00.001: %CRYPTO-5-IKEV2_SESSION_STATUS: Crypto tunnel v2 is UP.  Peer 10.0.0.2:500       Id: 10.0.0.2",
        );
        assert_eq!(e[0].peer, ip("10.0.0.2"));
        assert!(matches!(e[0].kind, EventKind::PhaseComplete { phase: 1 }));
    }

    #[test]
    fn follow_joins_a_packet_and_names_the_peer_of_its_sa() {
        let log = "R1#debug crypto ikev2\n\
*Nov 29 10:01:02.341: IKEv2:(SESSION ID = 1,SA ID = 1):Sending Packet [To 192.0.2.2:500/From 192.0.2.1:500/VRF i0:f0]\n\
Initiator SPI : 3C5A0E71D2B94F10 - Responder SPI : 0000000000000000 Message id: 0\n\
IKEv2 IKE_SA_INIT Exchange REQUEST\n\
Payload contents:\n\
 SA KE N VID VID NOTIFY(NAT_DETECTION_SOURCE_IP) NOTIFY(NAT_DETECTION_DESTINATION_IP)\n\
\n\
*Nov 29 10:01:02.377: IKEv2:(SESSION ID = 1,SA ID = 1):Received Packet [From 192.0.2.2:500/To 192.0.2.1:500/VRF i0:f0]\n\
Initiator SPI : 3C5A0E71D2B94F10 - Responder SPI : 0000000000000000 Message id: 0\n\
IKEv2 IKE_SA_INIT Exchange RESPONSE\n\
Payload contents:\n\
 NOTIFY(NO_PROPOSAL_CHOSEN)\n\
\n\
*Nov 29 10:01:02.378: IKEv2:(SESSION ID = 1,SA ID = 1):Retransmitting packet\n\
*Nov 29 10:01:02.379: IKEv2:(SESSION ID = 9,SA ID = 9):Retransmitting packet\n\
*Nov 29 10:01:03.000: IKEv2:(SESSION ID = 1,SA ID = 1):Sending Packet [To 192.0.2.2:500/From 192.0.2.1:500/VRF i0:f0]\n";
        let o = parse("r1.log", log);
        let got: Vec<(&EventKind, Option<IpAddr>, Option<u32>)> = o
            .events
            .iter()
            .map(|e| (&e.kind, e.peer, e.at.line))
            .collect();
        assert!(
            matches!(
                got[0],
                (EventKind::IkeMessage { direction: Direction::Sent, state: Some(s), phase: Some(1), port: Some(500) }, p, Some(2))
                    if s == "IKE_SA_INIT" && p == ip("192.0.2.2")
            ),
            "{got:?}"
        );
        assert!(
            matches!(
                got[1],
                (EventKind::IkeMessage { direction: Direction::Received, state: Some(s), .. }, _, Some(8)) if s == "IKE_SA_INIT"
            ),
            "{got:?}"
        );
        assert!(
            matches!(
                got[2],
                (EventKind::Notify { direction: Direction::Received, name, phase: Some(1) }, p, Some(12))
                    if name == "NO_PROPOSAL_CHOSEN" && p == ip("192.0.2.2")
            ),
            "{got:?}"
        );
        assert!(
            matches!(
                got[3],
                (EventKind::Retransmit { phase: Some(1), .. }, p, Some(14)) if p == ip("192.0.2.2")
            ),
            "{got:?}"
        );
        // An SA never seen with a header keeps no peer.
        assert!(
            matches!(got[4], (EventKind::Retransmit { .. }, None, Some(15))),
            "{got:?}"
        );
        // The last header has no exchange line after it: it is released at the end.
        assert!(
            matches!(
                got[5],
                (
                    EventKind::IkeMessage {
                        direction: Direction::Sent,
                        state: None,
                        ..
                    },
                    _,
                    Some(16)
                )
            ),
            "{got:?}"
        );
        assert_eq!(got.len(), 6, "status notifies are not events: {got:?}");
        assert!(o.events.iter().all(|e| e.device.as_deref() == Some("R1")));
    }

    #[test]
    fn follow_dates_retransmissions_by_the_exchange_they_repeat() {
        let log = "*Nov 29 11:00:00.000: IKEv2:(SESSION ID = 7,SA ID = 3):Sending Packet [To 192.0.2.2:4500/From 192.0.2.1:4500/VRF i0:f0]\n\
Initiator SPI : 1111111111111111 - Responder SPI : 2222222222222222 Message id: 9\n\
IKEv2 INFORMATIONAL Exchange REQUEST\n\
Payload contents:\n\
 ENCR\n\
*Nov 29 11:00:02.000: IKEv2:(SESSION ID = 7,SA ID = 3):Retransmitting packet\n\
*Nov 29 11:00:30.000: IKEv2:(SESSION ID = 7,SA ID = 3):Maximum number of retransmissions reached\n";
        let o = parse("r1.log", log);
        let kinds: Vec<&EventKind> = o.events.iter().map(|e| &e.kind).collect();
        // DPD going unanswered is not a first message going unanswered.
        assert!(
            matches!(
                kinds[..],
                [
                    EventKind::IkeMessage { phase: None, .. },
                    EventKind::Retransmit { phase: None, .. },
                    EventKind::GaveUp { phase: None }
                ]
            ),
            "{kinds:?}"
        );
    }

    #[test]
    fn asa_debug_sent_to_syslog_is_read_as_debug() {
        let log = "asa# show logging\n\
Mar 14 2026 07:55:01: %ASA-7-711001: IKEv2-PROTO-2: (31): Received Packet [From 198.51.100.20:500/To 203.0.113.5:500/VRF i0:f0]\n\
Mar 14 2026 07:55:01: %ASA-7-711001: Initiator SPI : 6E2C91D04AB7F318 - Responder SPI : 0000000000000000 Message id: 0\n\
Mar 14 2026 07:55:01: %ASA-7-711001: IKEv2 IKE_SA_INIT Exchange REQUEST\n\
Mar 14 2026 07:55:01: %ASA-7-711001: IKEv2-PROTO-1: (31): Failed to find a matching policy\n\
Mar 14 2026 07:55:01: %ASA-7-711001: IKEv2-PROTO-2: (31): Sending Packet [To 198.51.100.20:500/From 203.0.113.5:500/VRF i0:f0]\n\
Mar 14 2026 07:55:01: %ASA-7-711001: Initiator SPI : 6E2C91D04AB7F318 - Responder SPI : 0000000000000000 Message id: 0\n\
Mar 14 2026 07:55:01: %ASA-7-711001: IKEv2 IKE_SA_INIT Exchange RESPONSE\n\
Mar 14 2026 07:55:01: %ASA-7-711001: Payload contents:\n\
Mar 14 2026 07:55:01: %ASA-7-711001:  NOTIFY(NO_PROPOSAL_CHOSEN)\n";
        let o = parse("asa.log", log);
        let got: Vec<(&EventKind, Option<IpAddr>)> =
            o.events.iter().map(|e| (&e.kind, e.peer)).collect();
        let peer = ip("198.51.100.20");
        assert!(
            matches!(
                &got[..],
                [
                    (EventKind::IkeMessage { direction: Direction::Received, state: Some(a), .. }, p1),
                    (EventKind::NoProposalAccepted { phase: 1 }, p2),
                    (EventKind::IkeMessage { direction: Direction::Sent, state: Some(b), .. }, _),
                    (EventKind::Notify { direction: Direction::Sent, name, phase: Some(1) }, p3),
                ] if a == "IKE_SA_INIT" && b == "IKE_SA_INIT" && name == "NO_PROPOSAL_CHOSEN"
                    && *p1 == peer && *p2 == peer && *p3 == peer
            ),
            "{got:?}"
        );
        assert!((o.events[0].time.unwrap() - (7.0 * 3600.0 + 55.0 * 60.0 + 1.0)).abs() < 1e-6);
    }

    #[test]
    fn asa_protocol_debug_sequence() {
        let log = "ciscoasa# debug crypto ikev2 protocol 255\n\
IKEv2-PROTO-2: (12):   Received Packet [From 10.1.1.1:500/To 10.2.2.2:500/VRF i0:f0]\n\
Initiator SPI : 5A3F4E5B1C2D3E4F - Responder SPI : 0000000000000000 Message id: 0\n\
IKEv2-PROTO-3: Next payload: SA, version: 2.0 Exchange type: IKE_SA_INIT, flags: INITIATOR Message id: 0, length: 338\n\
IKEv2-PROTO-1: (12): Failed to find a matching policy\n\
IKEv2-PROTO-5: Construct Notify Payload: NO_PROPOSAL_CHOSEN\n";
        let o = parse("asa.log", log);
        assert_eq!(o.host.as_deref(), Some("ciscoasa"));
        let got: Vec<(&EventKind, Option<IpAddr>)> =
            o.events.iter().map(|e| (&e.kind, e.peer)).collect();
        assert!(
            matches!(
                &got[..],
                [
                    (EventKind::IkeMessage { direction: Direction::Received, state: Some(s), .. }, _),
                    (EventKind::NoProposalAccepted { phase: 1 }, p),
                    (EventKind::Notify { direction: Direction::Sent, .. }, _),
                ] if s == "IKE_SA_INIT" && *p == ip("10.1.1.1")
            ),
            "{got:?}"
        );
    }
}
