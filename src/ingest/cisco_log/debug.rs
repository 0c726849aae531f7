//! One line of `debug crypto isakmp` or crypto syslog → events.

use super::keywords::{K, Keys};
use super::{addr_after, time_of};
use crate::evidence::{Direction, Event, EventKind, Rejected};
use crate::model::Loc;
use std::net::IpAddr;

/// IKEv1 state labels of the packet lines → the phase they belong to.
fn phase_of_state(s: &str) -> Option<u8> {
    if s.starts_with("MM_") || s.starts_with("AG_") || s.starts_with("AM_") {
        Some(1)
    } else if s.starts_with("QM_") {
        Some(2)
    } else {
        None
    }
}

/// The state word at the end of a packet line: `(I) MM_NO_STATE`, `(R) QM_IDLE`, `(N) NEW SA`.
fn trailing_state(msg: &str) -> Option<String> {
    // The last ") ".
    let b = msg.as_bytes();
    let idx = memchr::memrchr_iter(b')', b).find(|&i| b.get(i + 1) == Some(&b' '))?;
    let s = msg[idx + 2..].trim().trim_end_matches(['.', ' ']);
    (!s.is_empty()).then(|| s.replace(' ', "_"))
}

/// The number after the first `dport` or `peer_port` word that has a word after it.
fn port_of(msg: &str) -> Option<u16> {
    // Both words hold "port" (most packet lines name none).
    PORT.find(msg.as_bytes())?;
    let mut prev = "";
    for w in msg.split_whitespace() {
        if prev == "dport" || prev == "peer_port" {
            return w.trim_end_matches(',').parse().ok();
        }
        prev = w;
    }
    None
}

/// `s.split(pat).nth(1)` (what follows the first `pat`, up to the next one), with a searcher
/// built once.
fn after<'a>(s: &'a str, pat: &memchr::memmem::Finder) -> Option<&'a str> {
    let rest = &s[pat.find(s.as_bytes())? + pat.needle().len()..];
    Some(match pat.find(rest.as_bytes()) {
        Some(end) => &rest[..end],
        None => rest,
    })
}

static PORT: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("port"));
static NEW_STATE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("New State = "));
static OLD_STATE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new("Old State = "));

fn rejected(msg: &str) -> Option<Option<Rejected>> {
    if !msg.contains("does not match policy") {
        return None;
    }
    Some(if msg.contains("Hash algorithm") {
        Some(Rejected::Hash)
    } else if msg.contains("Encryption algorithm") {
        Some(Rejected::Encryption)
    } else if msg.contains("Authentication method") || msg.contains("authentication offered") {
        Some(Rejected::Auth)
    } else if msg.contains("Diffie-Hellman group") {
        Some(Rejected::Group)
    } else if msg.contains("Lifetime") || msg.contains("lifetime") {
        Some(Rejected::Lifetime)
    } else {
        None
    })
}

/// ASA syslog (`%ASA-5-713119: Group = G, IP = A, PHASE 1 COMPLETED`) and ASA debug lines
/// (`[IKEv1]: IP = A, IKE_DECODE SENDING Message ...`).
fn asa(line: &str, loc: &dyn Fn() -> Loc) -> Option<Vec<Event>> {
    let start = line.find("%ASA-").or_else(|| line.find("[IKEv1]"))?;
    let (prefix, msg) = line.split_at(start);
    let id: Option<u32> = msg
        .strip_prefix("%ASA-")
        .and_then(|r| r.get(2..))
        .and_then(|r| r.split(':').next())
        .and_then(|n| n.parse().ok());
    let time = time_of(prefix);
    let peer = addr_after(msg, &["IP", "="]).or_else(|| {
        msg.split("IP = ")
            .nth(1)
            .and_then(|r| r.split([',', ' ']).next())
            .and_then(|a| a.parse().ok())
    });
    let ev = |kind: EventKind| Event {
        at: loc(),
        device: None,
        time,
        peer,
        kind,
    };
    let lower = msg.to_ascii_lowercase();
    let phase2 = lower.contains("phase 2") || lower.contains("quick mode");
    let mut out = Vec::new();
    match id {
        Some(713119) => out.push(ev(EventKind::PhaseComplete { phase: 1 })),
        Some(713120) => out.push(ev(EventKind::PhaseComplete { phase: 2 })),
        Some(713061) => out.push(ev(EventKind::SelectorsRejected)),
        _ => {}
    }
    if !out.is_empty() {
        return Some(out);
    }
    if msg.contains("IKE_DECODE SENDING") || msg.contains("IKE_DECODE RECEIVED") {
        let direction = if msg.contains("SENDING") {
            Direction::Sent
        } else {
            Direction::Received
        };
        let phase = if msg.contains("msgid=0)") || msg.contains("msgid=00000000") {
            Some(1)
        } else {
            Some(2)
        };
        out.push(ev(EventKind::IkeMessage {
            direction,
            state: None,
            phase,
            port: None,
        }));
    } else if lower.contains("retransmit") {
        out.push(ev(EventKind::Retransmit {
            phase: Some(if phase2 { 2 } else { 1 }),
            attempt: None,
        }));
    } else if lower.contains("timed out") {
        out.push(ev(EventKind::GaveUp {
            phase: Some(if phase2 { 2 } else { 1 }),
        }));
    } else if lower.contains("proposals found unacceptable")
        || lower.contains("mismatched attribute")
    {
        let attribute = if lower.contains("group description") {
            Some(Rejected::Group)
        } else if lower.contains("encryption") {
            Some(Rejected::Encryption)
        } else if lower.contains("hash") {
            Some(Rejected::Hash)
        } else if lower.contains("authentication") {
            Some(Rejected::Auth)
        } else if lower.contains("life") {
            Some(Rejected::Lifetime)
        } else {
            None
        };
        if attribute.is_some() {
            out.push(ev(EventKind::ProposalRejected { attribute }));
        }
        out.push(ev(EventKind::NoProposalAccepted {
            phase: if phase2 { 2 } else { 1 },
        }));
    } else if lower.contains("crypto map policy not found")
        || lower.contains("no matching crypto map")
    {
        out.push(ev(EventKind::SelectorsRejected));
    } else if lower.contains("tunnel group")
        && (lower.contains("not found")
            || lower.contains("can't find")
            || lower.contains("unable to find"))
    {
        out.push(ev(EventKind::NoKey));
    } else if lower.contains("invalid payloads") || lower.contains("pre-shared key mismatch") {
        out.push(ev(EventKind::Malformed));
    } else if let Some(state) = msg
        .split("state ")
        .nth(1)
        .or_else(|| msg.split("State = ").nth(1))
    {
        let to = state
            .split([',', ' ', ')'])
            .next()
            .unwrap_or("")
            .to_string();
        if to.starts_with("MM_") || to.starts_with("AM_") {
            out.push(ev(EventKind::StateChange { from: None, to }));
        }
    }
    Some(out)
}

/// Where the classic IOS path puts a line's events: built whole, or only the budget keys
/// the stateless pass needs (no line, no time).
pub trait Sink {
    fn push(&mut self, kind: EventKind, peer: Option<IpAddr>);
}

/// Whole events of one line.
struct Whole<'a> {
    loc: &'a dyn Fn() -> Loc,
    prefix: &'a str,
    /// The time is read once, for the line's first event.
    time: Option<Option<f64>>,
    out: Vec<Event>,
}

impl Sink for Whole<'_> {
    fn push(&mut self, kind: EventKind, peer: Option<IpAddr>) {
        let time = *self.time.get_or_insert_with(|| time_of(self.prefix));
        self.out.push(Event {
            at: (self.loc)(),
            device: None,
            time,
            peer,
            kind,
        });
    }
}

impl Sink for Vec<super::Key> {
    fn push(&mut self, kind: EventKind, peer: Option<IpAddr>) {
        self.push((std::mem::discriminant(&kind), peer));
    }
}

/// Events for one line, or None when the line is not debug/syslog output.
pub fn line(line: &str, k: Keys, loc: &dyn Fn() -> Loc) -> Option<Vec<Event>> {
    if let Some(v) = other(line, k, loc) {
        return Some(v);
    }
    let start = k.start()?;
    let mut out = Whole {
        loc,
        prefix: &line[..start],
        time: None,
        out: Vec::new(),
    };
    ios(line, k, &mut out);
    Some(out.out)
}

/// The budget keys of [`line`]'s events, in order, added to `keys`; false when the line is
/// not debug/syslog output. `loc`: what IKEv2 and ASA lines' events point to (they are built
/// whole and dropped).
pub fn keys(line: &str, k: Keys, loc: &dyn Fn() -> Loc, keys: &mut Vec<super::Key>) -> bool {
    if let Some(v) = other(line, k, loc) {
        keys.extend(v.iter().map(super::key));
        return true;
    }
    if k.start().is_none() {
        return false;
    }
    ios(line, k, keys);
    true
}

/// IKEv2 lines and ASA lines.
fn other(line: &str, k: Keys, loc: &dyn Fn() -> Loc) -> Option<Vec<Event>> {
    // Before `asa`, which would take the ASA's IKEv2 syslog (7500xx) for IKEv1's.
    if (k.has(K::IKEV2)
        || k.has(K::ASA_SYSLOG)
        || k.has(K::CRYPTO_SYSLOG)
        || k.has(K::IKEV2_SYSLOG))
        && let Some(v) = super::ikev2::line(line, loc)
    {
        return Some(v);
    }
    if (k.has(K::ASA_SYSLOG) || k.has(K::ASA_IKEV1))
        && let Some(v) = asa(line, loc)
    {
        return Some(v);
    }
    None
}

/// Classic and modern IOS debug and crypto syslog; `k.start()` is Some.
fn ios(line: &str, k: Keys, out: &mut impl Sink) {
    // Classic debug wraps "Old State = ... New State = ..." onto a line of its own.
    let Some(start) = k.start() else {
        return;
    };
    let msg = &line[start..];
    // The peer is worked out once, and only for lines that become events (most do not).
    let mut peer_of = None;
    let mut peer =
        || *peer_of.get_or_insert_with(|| addr_after(msg, &["to", "from", "with", "at", "peer"]));
    if k.has(K::SENDING_PACKET) || k.has(K::RECEIVED_PACKET) {
        let direction = if k.has(K::SENDING_PACKET) {
            Direction::Sent
        } else {
            Direction::Received
        };
        let state = trailing_state(msg);
        let phase = state.as_deref().and_then(phase_of_state);
        out.push(
            EventKind::IkeMessage {
                direction,
                state,
                phase,
                port: port_of(msg),
            },
            peer(),
        );
    } else if let Some(rest) = k
        .has(K::RETRANSMITTING_PHASE)
        .then(|| msg.split("retransmitting phase ").nth(1))
        .flatten()
    {
        let phase = rest
            .chars()
            .next()
            .and_then(|c| c.to_digit(10))
            .map(|d| d as u8);
        out.push(
            EventKind::Retransmit {
                phase,
                attempt: None,
            },
            peer(),
        );
    } else if k.has(K::INCREMENTING_ERROR) && k.has(K::RETRANSMIT) {
        let attempt = msg
            .split("attempt ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .and_then(|n| n.parse().ok());
        if attempt.is_some() {
            let phase = if msg.contains("phase 2") {
                Some(2)
            } else {
                Some(1)
            };
            out.push(EventKind::Retransmit { phase, attempt }, peer());
        }
    } else if k.has(K::DEATH) {
        let phase = if msg.contains("P2") { 2 } else { 1 };
        out.push(EventKind::GaveUp { phase: Some(phase) }, peer());
    } else if let Some(r) = k.has(K::NOT_MATCH_POLICY).then(|| rejected(msg)).flatten() {
        out.push(EventKind::ProposalRejected { attribute: r }, peer());
    } else if k.has(K::NO_OFFERS) || k.has(K::P1_NOT_ACCEPTABLE) {
        out.push(EventKind::NoProposalAccepted { phase: 1 }, peer());
    } else if k.has(K::PROXY_NOT_SUPPORTED)
        || (k.has(K::POLICY_INVALIDATED) && msg.contains("error 32"))
    {
        // IOS's words when the proxy identities match no crypto ACL entry (error 32).
        out.push(EventKind::SelectorsRejected, peer());
    } else if k.has(K::TRANSFORM_NOT_SUPPORTED)
        || (k.has(K::POLICY_INVALIDATED) && msg.contains("error 256"))
        || k.has(K::P2_NOT_ACCEPTABLE)
        || k.has(K::P2_POLICY_NOT_ACCEPTABLE)
    {
        // "phase 2 SA (policy) not acceptable" follows either refusal: the line before it
        // (proxy identities, identity, transforms) tells which, and the engine reads that.
        out.push(EventKind::NoProposalAccepted { phase: 2 }, peer());
    } else if k.has(K::NOTIFY_NO_HASH) {
        out.push(EventKind::AuthRefusedByPeer, peer());
    } else if k.has(K::INV_SPI) {
        out.push(
            EventKind::InvalidSpi,
            addr_after(msg, &["srcaddr=", "srcaddr"]).or_else(|| {
                msg.split("srcaddr=")
                    .nth(1)
                    .and_then(|r| r.split([',', ' ']).next())
                    .and_then(|a| a.parse().ok())
            }),
        );
    } else if k.has(K::REPLAY_ERR) {
        out.push(
            EventKind::ReplayDrop,
            msg.split("srcaddr=")
                .nth(1)
                .and_then(|r| r.split([',', ' ']).next())
                .and_then(|a| a.parse().ok()),
        );
    } else if k.has(K::SA_CREATED) {
        out.push(EventKind::PhaseComplete { phase: 2 }, peer());
    } else if let Some(rest) = k
        .has(K::PROCESSING_NOTIFY)
        .then(|| msg.split("processing NOTIFY ").nth(1))
        .flatten()
    {
        let name = rest.split_whitespace().next().unwrap_or("").to_string();
        let phase = if rest.contains("protocol 3") || rest.contains("protocol 2") {
            Some(2)
        } else if rest.contains("protocol 1") {
            Some(1)
        } else {
            None
        };
        out.push(
            EventKind::Notify {
                direction: Direction::Received,
                name,
                phase,
            },
            peer(),
        );
    } else if k.has(K::NO_PSK_WITH) || k.has(K::NO_CERT_OR_PSK) {
        out.push(EventKind::NoKey, peer());
    } else if k.has(K::TURNED_OFF) {
        out.push(EventKind::IkeDisabled, peer());
    } else if k.has(K::RESERVED_NOT_ZERO) || k.has(K::BAD_MESSAGE) {
        out.push(EventKind::Malformed, peer());
    } else if k.has(K::AUTHENTICATED) {
        out.push(EventKind::Authenticated, peer());
    } else if k.has(K::INVAL_CERT) {
        out.push(EventKind::CertInvalid, peer());
    } else if k.has(K::QM_BAD_CERT) {
        out.push(EventKind::QuickModeBadCert, peer());
    } else if k.has(K::CREATING_SAS) {
        out.push(EventKind::PhaseComplete { phase: 2 }, peer());
    }
    // A state change may share the line with any of the above (classic debug wraps it).
    if let Some(rest) = k
        .has(K::NEW_STATE)
        .then(|| after(line, &NEW_STATE))
        .flatten()
    {
        let to = rest.split_whitespace().next().unwrap_or("").to_string();
        let from = after(line, &OLD_STATE)
            .and_then(|r| r.split_whitespace().next())
            .map(|s| s.to_string());
        if to == "IKE_P1_COMPLETE" && from.as_deref() != Some("IKE_P1_COMPLETE") {
            out.push(EventKind::PhaseComplete { phase: 1 }, peer());
        }
        if to == "IKE_QM_PHASE2_COMPLETE" {
            out.push(EventKind::PhaseComplete { phase: 2 }, peer());
        }
        out.push(EventKind::StateChange { from, to }, peer());
    }
}
