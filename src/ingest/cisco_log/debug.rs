//! One line of `debug crypto isakmp` or crypto syslog → events.

use super::keywords::{K, Keys};
use super::{addr_after, time_of};
use crate::evidence::{Direction, Event, EventKind, Rejected};
use crate::model::Loc;

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
    let idx = msg.rfind(") ")?;
    let s = msg[idx + 2..].trim().trim_end_matches(['.', ' ']);
    (!s.is_empty()).then(|| s.replace(' ', "_"))
}

fn port_of(msg: &str) -> Option<u16> {
    let toks: Vec<&str> = msg.split_whitespace().collect();
    toks.windows(2)
        .find(|w| w[0] == "dport" || w[0] == "peer_port")
        .and_then(|w| w[1].trim_end_matches(',').parse().ok())
}

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

/// Events for one line, or None when the line is not debug/syslog output.
pub fn line(line: &str, k: Keys, loc: &dyn Fn() -> Loc) -> Option<Vec<Event>> {
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
    // Classic debug wraps "Old State = ... New State = ..." onto a line of its own.
    let start = k.start()?;
    let (prefix, msg) = line.split_at(start);
    // Time and peer are worked out only for lines that become events (most lines do not).
    let ev = |kind: EventKind, peer: Option<std::net::IpAddr>| Event {
        at: loc(),
        device: None,
        time: time_of(prefix),
        peer,
        kind,
    };
    let peer = || addr_after(msg, &["to", "from", "with", "at", "peer"]);
    let mut out = Vec::new();
    if k.has(K::SENDING_PACKET) || k.has(K::RECEIVED_PACKET) {
        let direction = if k.has(K::SENDING_PACKET) {
            Direction::Sent
        } else {
            Direction::Received
        };
        let state = trailing_state(msg);
        let phase = state.as_deref().and_then(phase_of_state);
        out.push(ev(
            EventKind::IkeMessage {
                direction,
                state,
                phase,
                port: port_of(msg),
            },
            peer(),
        ));
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
        out.push(ev(
            EventKind::Retransmit {
                phase,
                attempt: None,
            },
            peer(),
        ));
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
            out.push(ev(EventKind::Retransmit { phase, attempt }, peer()));
        }
    } else if k.has(K::DEATH) {
        let phase = if msg.contains("P2") { 2 } else { 1 };
        out.push(ev(EventKind::GaveUp { phase: Some(phase) }, peer()));
    } else if let Some(r) = k.has(K::NOT_MATCH_POLICY).then(|| rejected(msg)).flatten() {
        out.push(ev(EventKind::ProposalRejected { attribute: r }, peer()));
    } else if k.has(K::NO_OFFERS) || k.has(K::P1_NOT_ACCEPTABLE) {
        out.push(ev(EventKind::NoProposalAccepted { phase: 1 }, peer()));
    } else if k.has(K::PROXY_NOT_SUPPORTED)
        || (k.has(K::POLICY_INVALIDATED) && msg.contains("error 32"))
    {
        // IOS's words when the proxy identities match no crypto ACL entry (error 32).
        out.push(ev(EventKind::SelectorsRejected, peer()));
    } else if k.has(K::TRANSFORM_NOT_SUPPORTED)
        || (k.has(K::POLICY_INVALIDATED) && msg.contains("error 256"))
        || k.has(K::P2_NOT_ACCEPTABLE)
        || k.has(K::P2_POLICY_NOT_ACCEPTABLE)
    {
        // "phase 2 SA (policy) not acceptable" follows either refusal: the line before it
        // (proxy identities, identity, transforms) tells which, and the engine reads that.
        out.push(ev(EventKind::NoProposalAccepted { phase: 2 }, peer()));
    } else if k.has(K::NOTIFY_NO_HASH) {
        out.push(ev(EventKind::AuthRefusedByPeer, peer()));
    } else if k.has(K::INV_SPI) {
        out.push(ev(
            EventKind::InvalidSpi,
            addr_after(msg, &["srcaddr=", "srcaddr"]).or_else(|| {
                msg.split("srcaddr=")
                    .nth(1)
                    .and_then(|r| r.split([',', ' ']).next())
                    .and_then(|a| a.parse().ok())
            }),
        ));
    } else if k.has(K::REPLAY_ERR) {
        out.push(ev(
            EventKind::ReplayDrop,
            msg.split("srcaddr=")
                .nth(1)
                .and_then(|r| r.split([',', ' ']).next())
                .and_then(|a| a.parse().ok()),
        ));
    } else if k.has(K::SA_CREATED) {
        out.push(ev(EventKind::PhaseComplete { phase: 2 }, peer()));
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
        out.push(ev(
            EventKind::Notify {
                direction: Direction::Received,
                name,
                phase,
            },
            peer(),
        ));
    } else if k.has(K::NO_PSK_WITH) || k.has(K::NO_CERT_OR_PSK) {
        out.push(ev(EventKind::NoKey, peer()));
    } else if k.has(K::TURNED_OFF) {
        out.push(ev(EventKind::IkeDisabled, peer()));
    } else if k.has(K::RESERVED_NOT_ZERO) || k.has(K::BAD_MESSAGE) {
        out.push(ev(EventKind::Malformed, peer()));
    } else if k.has(K::AUTHENTICATED) {
        out.push(ev(EventKind::Authenticated, peer()));
    } else if k.has(K::INVAL_CERT) {
        out.push(ev(EventKind::CertInvalid, peer()));
    } else if k.has(K::QM_BAD_CERT) {
        out.push(ev(EventKind::QuickModeBadCert, peer()));
    } else if k.has(K::CREATING_SAS) {
        out.push(ev(EventKind::PhaseComplete { phase: 2 }, peer()));
    }
    // A state change may share the line with any of the above (classic debug wraps it).
    if let Some(rest) = k
        .has(K::NEW_STATE)
        .then(|| line.split("New State = ").nth(1))
        .flatten()
    {
        let to = rest.split_whitespace().next().unwrap_or("").to_string();
        let from = line
            .split("Old State = ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .map(|s| s.to_string());
        if to == "IKE_P1_COMPLETE" && from.as_deref() != Some("IKE_P1_COMPLETE") {
            out.push(ev(EventKind::PhaseComplete { phase: 1 }, peer()));
        }
        if to == "IKE_QM_PHASE2_COMPLETE" {
            out.push(ev(EventKind::PhaseComplete { phase: 2 }, peer()));
        }
        out.push(ev(EventKind::StateChange { from, to }, peer()));
    }
    Some(out)
}
