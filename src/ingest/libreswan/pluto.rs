//! pluto output: the `"conn" #N: ...` lines `ipsec whack` prints and
//! pluto logs, and Openswan's `./prog sending notification ...` test output → evidence events.
//! Debug lines (`| ...`) are skipped: the state lines say what happened.

use crate::evidence::{Direction, Event, EventKind};
use crate::model::Loc;
use std::net::IpAddr;
use std::sync::Arc;

/// True when the text holds pluto/whack output.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(5000).any(|l| {
        let l = l.trim_start_matches("IMPAIR: ");
        (l.starts_with('"') && (l.contains("\" #") || l.contains("\":")))
            || l.contains("STATE_PARENT_")
            || l.contains("STATE_MAIN_")
            || l.contains("ISAKMP_v2_SA_INIT/v2N_")
            || l.contains(" pluto[")
    })
}

/// `192.1.2.23:UDP/500`, `192.1.2.45:500` or a bare address after `word`.
fn addr_after(msg: &str, word: &str) -> Option<IpAddr> {
    let rest = msg.split(word).nth(1)?;
    let w = rest.split_whitespace().next()?;
    let w = w.trim_end_matches([',', ';', ')']);
    let host = match w.rsplit_once(':') {
        // IPv6 addresses hold colons: only a port-looking tail is cut.
        Some((h, p))
            if p.starts_with("UDP") || p.starts_with("TCP") || p.parse::<u16>().is_ok() =>
        {
            h
        }
        _ => w,
    };
    host.trim_matches(['[', ']']).parse().ok()
}

/// The notify name in `... with TS_UNACCEPTABLE`, `... notification NO_PROPOSAL_CHOSEN`,
/// `N(TS_UNACCEPTABLE)` or Openswan's `v2N_NO_PROPOSAL_CHOSEN`.
fn notify_in(msg: &str) -> Option<&'static str> {
    [
        "NO_PROPOSAL_CHOSEN",
        "TS_UNACCEPTABLE",
        "AUTHENTICATION_FAILED",
        "INVALID_KE_PAYLOAD",
        "INVALID_ID_INFORMATION",
        "INVALID_MAJOR_VERSION",
        "INVALID_SYNTAX",
    ]
    .into_iter()
    .find(|n| msg.contains(n))
}

/// What one line says, if anything.
fn kinds(msg: &str) -> Vec<EventKind> {
    let mut v = Vec::new();
    let phase_of = |m: &str| {
        if m.contains("QUICK") || m.contains("Child SA") || m.contains("CREATE_CHILD_SA") {
            2
        } else {
            1
        }
    };
    if let Some(x) = [
        "IKE_SA_INIT",
        "IKE_AUTH",
        "CREATE_CHILD_SA",
        "INFORMATIONAL",
        "Main Mode",
        "Aggressive Mode",
        "Quick Mode",
    ]
    .into_iter()
    .find(|x| {
        msg.contains(&format!("sent {x} request")) || msg.contains(&format!("sent {x} response"))
    }) {
        v.push(EventKind::IkeMessage {
            direction: Direction::Sent,
            state: Some(x.replace(' ', "_")),
            phase: Some(if x == "CREATE_CHILD_SA" || x == "Quick Mode" {
                2
            } else {
                1
            }),
            port: None,
        });
    }
    if msg.contains(" response from ")
        && (msg.starts_with("processed ") || msg.starts_with("processing "))
    {
        let exch = msg.split_whitespace().nth(1).unwrap_or("").to_string();
        v.push(EventKind::IkeMessage {
            direction: Direction::Received,
            phase: Some(if exch == "CREATE_CHILD_SA" { 2 } else { 1 }),
            state: Some(exch),
            port: None,
        });
    }
    // INVALID_KE: the initiator resends with the group asked for; not a fault.
    if msg.contains("INVALID_KE_PAYLOAD") && msg.contains("resending") {
        return v;
    }
    let refused_by_peer = msg.contains("rejected by peer")
        || msg.contains("rejected Child SA with")
        || msg.contains("was rejected with")
        || msg.contains("failed with error notification")
        || (msg.starts_with("ignoring") && msg.contains("NO_PROPOSAL_CHOSEN"))
        || msg.contains("containing SK{") && msg.contains("N(");
    if let Some(n) = notify_in(msg) {
        if refused_by_peer {
            v.push(EventKind::Notify {
                direction: Direction::Received,
                name: n.to_string(),
                phase: Some(
                    if msg.contains("IKE_SA_INIT") || msg.contains("unsecured") {
                        1
                    } else if n == "TS_UNACCEPTABLE"
                        || msg.contains("Child SA")
                        || msg.contains("CREATE_CHILD_SA")
                        || msg.contains("IKE_AUTH response")
                    {
                        2
                    } else {
                        phase_of(msg)
                    },
                ),
            });
        } else if msg.contains("sending") && msg.contains("notification") {
            v.push(EventKind::Notify {
                direction: Direction::Sent,
                name: n.to_string(),
                phase: Some(if msg.contains("SA_INIT") {
                    1
                } else {
                    phase_of(msg)
                }),
            });
        }
    }
    if let Some(state) = msg
        .split_whitespace()
        .next()
        .filter(|w| w.starts_with("STATE_"))
    {
        // Openswan: `STATE_PARENT_R1: NO_PROPOSAL_CHOSEN`: this side refused.
        if msg.contains("NO_PROPOSAL_CHOSEN") && !msg.contains("sending") {
            v.push(EventKind::NoProposalAccepted {
                phase: if state.contains("QUICK") { 2 } else { 1 },
            });
        }
    }
    if msg.contains("timeout exceeded after")
        || msg.contains("timing out SA")
        || msg.contains("max number of retransmissions")
    {
        v.push(EventKind::GaveUp {
            phase: Some(if msg.contains("QUICK") || msg.contains("Quick Mode") {
                2
            } else {
                1
            }),
        });
    } else if msg.contains("retransmission; will wait")
        || msg.contains("retransmitting") && !msg.contains("duplicate")
    {
        v.push(EventKind::Retransmit {
            phase: Some(phase_of(msg)),
            attempt: None,
        });
    }
    if msg.contains("authentication failed: no PSK found")
        || msg.contains("Can't authenticate: no preshared key found")
    {
        v.push(EventKind::NoKey);
    } else if msg.contains("Possible authentication failure") {
        // IKEv1: the peer never answered our first encrypted message (main mode 5).
        v.push(EventKind::Malformed);
    } else if msg.starts_with("authentication failed")
        || msg.contains("X509: authentication failed")
    {
        v.push(EventKind::Notify {
            direction: Direction::Sent,
            name: "AUTHENTICATION_FAILED".into(),
            phase: Some(1),
        });
    }
    if msg.contains("established IKE SA") || msg.contains("ISAKMP SA established") {
        v.push(EventKind::PhaseComplete { phase: 1 });
    }
    if msg.contains("established Child SA") || msg.contains("IPsec SA established") {
        v.push(EventKind::PhaseComplete { phase: 2 });
    }
    v
}

/// Events of a whack/pluto transcript. `host` is the prompt's host (`west #`), if any.
pub fn parse(path: &str, text: &str) -> (Vec<Event>, Option<String>) {
    let file: Arc<str> = Arc::from(path);
    let mut out = Vec::new();
    let mut host = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end();
        if line.starts_with('|') {
            continue;
        }
        if let Some((h, _)) = line.split_once(" #")
            && !h.contains(['"', ' '])
            && !h.is_empty()
            && host.is_none()
        {
            host = Some(h.to_string());
        }
        let l = line.trim_start_matches("IMPAIR: ");
        // `"conn" #1: msg`, `"conn":500 msg`, pluto syslog `pluto[123]: "conn" #1: msg`,
        // Openswan test output `./prog msg`.
        let body = l
            .split_once(" pluto[")
            .and_then(|(_, r)| r.split_once("]: "))
            .map(|(_, r)| r)
            .unwrap_or(l);
        let msg = if let Some(rest) = body.strip_prefix('"') {
            match rest.split_once("\" #").or_else(|| rest.split_once("\":")) {
                Some((_, r)) => r
                    .split_once(": ")
                    .map(|(_, m)| m)
                    .or_else(|| r.split_once(' ').map(|(_, m)| m))
                    .unwrap_or(r),
                None => continue,
            }
        } else if let Some(rest) = body.strip_prefix("./") {
            rest.split_once(' ').map(|(_, m)| m).unwrap_or("")
        } else {
            continue;
        };
        let ks = kinds(msg);
        if ks.is_empty() {
            continue;
        }
        let peer = addr_after(msg, " to ").or_else(|| addr_after(msg, " from "));
        let loc = Loc::line(&file, (i + 1) as u32, line);
        for kind in ks {
            out.push(Event {
                at: loc.clone(),
                device: None,
                time: None,
                peer,
                kind,
            });
        }
    }
    (out, host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whack_lines_become_events() {
        let t = "west #\n ipsec auto --up westnet\n\"westnet\" #1: sent IKE_SA_INIT request to 192.1.2.23:UDP/500\n\"westnet\" #1: processed IKE_SA_INIT response from 192.1.2.23:UDP/500 {cipher=AES}\n\"westnet\" #1: IKE SA authentication request rejected by peer: AUTHENTICATION_FAILED\n| debug line NO_PROPOSAL_CHOSEN\n\"westnet\" #2: IKE_AUTH response rejected Child SA with TS_UNACCEPTABLE\nIMPAIR: \"westnet\" #3: retransmit so timing out SA (may retry)\n\"westnet\" #1: received unauthenticated INVALID_KE_PAYLOAD response to DH MODP1536; resending with suggested DH19\n";
        let (ev, host) = parse("west.console.txt", t);
        assert_eq!(host.as_deref(), Some("west"));
        let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
        assert!(
            k[0].contains("Sent") && k[0].contains("IKE_SA_INIT"),
            "{k:?}"
        );
        assert_eq!(
            ev[0].peer.map(|p| p.to_string()).as_deref(),
            Some("192.1.2.23")
        );
        assert!(k[1].contains("Received"));
        assert!(k[2].contains("AUTHENTICATION_FAILED"));
        assert!(k[3].contains("TS_UNACCEPTABLE") && k[3].contains("Some(2)"));
        assert!(k[4].contains("GaveUp"));
        assert_eq!(ev.len(), 5, "INVALID_KE that is resent is no event: {k:?}");
        assert!(looks_like(t));
        assert!(!looks_like(
            "interface Gi0/0\n ip address 1.2.3.4 255.0.0.0\n"
        ));
    }

    #[test]
    fn openswan_test_output() {
        let t = "./parentR2 STATE_PARENT_R1: NO_PROPOSAL_CHOSEN\n./parentR2 sending notification ISAKMP_v2_SA_INIT/v2N_NO_PROPOSAL_CHOSEN to 192.168.1.1:500\n";
        let (ev, _) = parse("output1.txt", t);
        assert!(matches!(
            ev[0].kind,
            EventKind::NoProposalAccepted { phase: 1 }
        ));
        assert!(
            matches!(&ev[1].kind, EventKind::Notify { direction: Direction::Sent, name, phase: Some(1) } if name == "NO_PROPOSAL_CHOSEN")
        );
        assert_eq!(
            ev[1].peer.map(|p| p.to_string()).as_deref(),
            Some("192.168.1.1")
        );
    }
}
