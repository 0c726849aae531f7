//! pluto output: the `"conn" #N: ...` lines `ipsec whack` prints and
//! pluto logs, and Openswan's `./prog sending notification ...` test output → evidence events.
//! Debug lines (`| ...`) are skipped: the state lines say what happened.

use crate::evidence::{Direction, Event, EventKind};
use crate::model::Loc;
use std::net::IpAddr;
use std::sync::Arc;

/// `HH:MM:SS(.ffffff)` → seconds since midnight; ISO `2024-11-29T21:23:59.1+00:00` is read
/// by its time part.
fn clock(w: &str) -> Option<f64> {
    let w = match w.split_once('T') {
        Some((d, t)) if d.contains('-') => t,
        _ => w,
    };
    let w = w.trim_end_matches('Z');
    // A zone offset follows the seconds: `+00:00`, `-0500`.
    let w = match w.find(['+', '-']) {
        Some(i) if i > 5 => w.get(..i)?,
        _ => w,
    };
    let mut p = w.split(':');
    let (h, m, s) = (p.next()?, p.next()?, p.next()?);
    if p.next().is_some() || h.is_empty() || h.len() > 2 {
        return None;
    }
    let (h, m, s) = (
        h.parse::<u32>().ok()?,
        m.parse::<u32>().ok()?,
        s.parse::<f64>().ok()?,
    );
    (h < 24 && m < 60 && (0.0..61.0).contains(&s)).then(|| f64::from(h * 3600 + m * 60) + s)
}

/// pluto's own log file with `logtime=yes` (the default) prefixes every line with its time:
/// `Nov 29 21:23:59.075068: "lab" #1: ...` (`%b %e %T.%06ld: `). Returns the time (seconds
/// since midnight) and the line without it.
pub(crate) fn logtime(line: &str) -> Option<(f64, &str)> {
    let month = line.get(..3)?;
    if !month.bytes().all(|c| c.is_ascii_alphabetic()) || line.as_bytes().get(3) != Some(&b' ') {
        return None;
    }
    // `%e` pads the day with a space: `Nov  3`.
    let rest = line.get(4..)?.trim_start_matches(' ');
    let (day, rest) = rest.split_once(' ')?;
    if day.is_empty() || day.len() > 2 || !day.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (word, msg) = rest.split_once(' ').unwrap_or((rest, ""));
    let t = clock(word.strip_suffix(':')?)?;
    Some((t, msg))
}

/// The time in a syslog or journal prefix (`Nov 29 21:23:59 east`, `2024-11-29T21:23:59+00:00
/// east`), before ` pluto[`.
fn syslog_time(prefix: &str) -> Option<f64> {
    prefix.split_whitespace().find_map(clock)
}

/// True when the text holds pluto/whack output.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(5000).any(|l| {
        let l = logtime(l).map_or(l, |(_, m)| m);
        let l = l.trim_start_matches("IMPAIR: ");
        (l.starts_with('"') && (l.contains("\" #") || l.contains("\":") || l.contains("\"[")))
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

mod proposals;
use proposals::{IkeAlgs, local_proposal, rejected_attrs, remote_proposals};

/// What the reader knows of a transcript so far: which pluto states (`#N`) negotiate a child
/// SA (quick mode, CREATE_CHILD_SA, the child of IKE_AUTH), and whether an IKE SA is up.
#[derive(Default)]
struct Ctx {
    child_states: std::collections::HashSet<u64>,
    ike_up: bool,
    /// The conn the current line names (`"lab" #1: ...`).
    conn: Option<String>,
    /// Each conn's own IKE proposals, as pluto logs them when it loads the conn (`"lab":
    /// 1:IKE=AES_CBC_128-HMAC_SHA1-HMAC_SHA1_96-MODP2048`).
    local_ike: std::collections::HashMap<String, Vec<IkeAlgs>>,
}

impl Ctx {
    /// Learns from one line which states are child SAs.
    fn learn(&mut self, state: Option<u64>, msg: &str) {
        // `sent IKE_AUTH request ...; Child SA #2 {ESP ...}`
        if let Some(rest) = msg.split("Child SA #").nth(1)
            && (msg.starts_with("sent IKE_AUTH") || msg.contains("response for Child SA #"))
            && let Some(n) = number(rest)
        {
            self.child_states.insert(n);
        }
        let child = msg.contains("Quick Mode")
            || msg.starts_with("initiating Child SA")
            || msg.contains("to create Child SA")
            || msg.contains("to rekey Child SA")
            || msg.contains("to replace Child SA")
            || msg.contains("(QUICK_")
            || msg.contains("established Child SA")
            || msg.contains("IPsec SA established")
            || msg.contains("rekeyed Child SA");
        if child && let Some(n) = state {
            self.child_states.insert(n);
        }
    }
    fn phase(&self, state: Option<u64>, msg: &str) -> u8 {
        match state {
            Some(n) if self.child_states.contains(&n) => 2,
            Some(_) => 1,
            None => phase_of(msg),
        }
    }
}

/// The leading decimal number of `s`.
fn number(s: &str) -> Option<u64> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    s[..end].parse().ok()
}

fn phase_of(m: &str) -> u8 {
    if m.contains("QUICK")
        || m.contains("Quick Mode")
        || m.contains("Child SA")
        || m.contains("CREATE_CHILD_SA")
    {
        2
    } else {
        1
    }
}

/// The peer refused this device's authentication method (or this device the peer's):
/// `peer attempted NULL authentication but we want RSASIG`, `peer authentication requires
/// policy ECDSA`, `authentication method IKEv2_AUTH_RESERVED not supported`.
fn auth_method_refused(msg: &str) -> bool {
    (msg.starts_with("authentication failed: peer attempted") && msg.contains("but we want"))
        || msg.starts_with("authentication failed: peer authentication requires policy")
        || (msg.starts_with("authentication method") && msg.ends_with("not supported"))
        || msg.contains("is not allowed but peer supports nothing else")
}

/// The peer's certificate or public key did not verify: expired, wrong identity, or a raw RSA
/// key that is not the one configured.
fn cert_refused(msg: &str) -> bool {
    msg.starts_with("X509: authentication failed")
        || msg.contains("X509: certificate payload rejected")
        || (msg.contains("NSS: ERROR: IPsec certificate") && msg.contains("invalid"))
        || (msg.contains("certificate") && msg.contains("has expired"))
        || (msg.starts_with("authentication failed: using") && msg.contains("RSA"))
}

/// What one line says, if anything.
fn kinds(msg: &str, state: Option<u64>, ctx: &mut Ctx) -> Vec<EventKind> {
    let mut v = Vec::new();
    ctx.learn(state, msg);
    let phase = ctx.phase(state, msg);
    // The conn's own IKE proposals, logged when it is added.
    if state.is_none()
        && let Some(p) = local_proposal(msg)
    {
        let conn = ctx.conn.clone().unwrap_or_default();
        ctx.local_ike.entry(conn).or_default().push(p);
        return v;
    }
    // pluto as responder read the peer's proposals: `proposal 1:IKE=... chosen from remote
    // proposals 1:IKE:...` (it accepted one), `no local proposal matches remote proposals
    // 1:IKE:...` (it refused them all; `1:ESP:...` for a child SA).
    let chosen = msg.starts_with("proposal ") && msg.contains(" chosen from remote proposals ");
    let none_match = msg.starts_with("no local proposal matches remote proposals ");
    if (chosen || none_match) && msg.contains(":IKE:") {
        v.push(EventKind::IkeMessage {
            direction: Direction::Received,
            state: Some(
                if ctx.ike_up {
                    "CREATE_CHILD_SA"
                } else {
                    "IKE_SA_INIT"
                }
                .into(),
            ),
            phase: Some(1),
            port: None,
        });
    }
    if none_match {
        let child = msg.contains(":ESP:") || msg.contains(":AH:");
        if !child {
            let remote = remote_proposals(msg);
            let local = ctx
                .conn
                .as_deref()
                .and_then(|c| ctx.local_ike.get(c))
                .map(Vec::as_slice)
                .unwrap_or_default();
            for a in rejected_attrs(local, &remote) {
                v.push(EventKind::ProposalRejected { attribute: Some(a) });
            }
        }
        v.push(EventKind::NoProposalAccepted {
            phase: if child { 2 } else { 1 },
        });
        return v;
    }
    // `processing decrypted IKE_AUTH request: SK{...}`, `processed IKE_SA_INIT request from
    // ...`, `responding to IKE_SA_INIT message (ID 0) from ... with ...`: a request this
    // host received.
    let request = if let Some(r) = msg.strip_prefix("responding to ") {
        r.split_whitespace()
            .next()
            .filter(|_| r.contains(" message ") || r.contains(" request "))
    } else if msg.starts_with("processing ") || msg.starts_with("processed ") {
        msg.split_whitespace()
            .skip(1)
            .find(|w| *w != "decrypted" && *w != "unencrypted")
            .filter(|_| msg.contains(" request"))
    } else {
        None
    };
    if let Some(x) =
        request.filter(|x| x.len() > 3 && x.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
    {
        v.push(EventKind::IkeMessage {
            direction: Direction::Received,
            state: Some(x.to_string()),
            phase: Some(crate::evidence::exchange_phase(x).unwrap_or(phase)),
            port: None,
        });
    }
    // pluto as responder found no conn whose selectors fit the child's (`No IKEv2 connection
    // found with compatible Traffic Selectors`): it answers TS_UNACCEPTABLE.
    if msg.contains("connection found with compatible Traffic Selectors") {
        if let Some(n) = state {
            ctx.child_states.insert(n);
        }
        v.push(EventKind::SelectorsRejected);
        v.push(EventKind::Notify {
            direction: Direction::Sent,
            name: "TS_UNACCEPTABLE".into(),
            phase: Some(2),
        });
        return v;
    }
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
        msg.contains(&format!("sent {x} request"))
            || msg.contains(&format!("sent {x} response"))
            || msg.contains(&format!("sent {x} reply"))
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
    // IKEv1 main mode: pluto sends I2 (I3) only on the responder's R1 (R2), and I3 is the
    // authentication message (main mode 5).
    if let Some(n) = ["I2", "I3"]
        .into_iter()
        .find(|n| msg == format!("sent Main Mode {n}"))
    {
        let state = if n == "I2" {
            "MM_SA_SETUP"
        } else {
            "MM_KEY_EXCH"
        };
        for direction in [Direction::Received, Direction::Sent] {
            v.push(EventKind::IkeMessage {
                direction,
                state: Some(state.into()),
                phase: Some(1),
                port: None,
            });
        }
    }
    if (msg.contains(" response from ")
        && (msg.starts_with("processed ") || msg.starts_with("processing ")))
        || msg.starts_with("received anti-DDOS COOKIE response")
    {
        let exch = msg.split_whitespace().nth(1).unwrap_or("").to_string();
        v.push(EventKind::IkeMessage {
            direction: Direction::Received,
            phase: Some(if exch == "CREATE_CHILD_SA" { 2 } else { 1 }),
            state: Some(exch),
            port: None,
        });
    }
    // An answer that is not the one expected (`unexpected INFORMATIONAL response, expecting
    // IKE_AUTH; message dropped`): the peer heard us but its answer is unusable.
    if msg.starts_with("unexpected ") && msg.contains("message dropped") {
        v.push(EventKind::IkeMessage {
            direction: Direction::Received,
            state: None,
            phase: Some(phase),
            port: None,
        });
        v.push(EventKind::Malformed);
    }
    // INVALID_KE: the initiator resends with the group asked for; not a fault.
    if msg.contains("INVALID_KE_PAYLOAD") && msg.contains("resending") {
        return v;
    }
    // This side refused the peer's answer to its child SA request (`response for Child SA #2
    // was rejected with TS_UNACCEPTABLE; initiating delete`), or the transport/tunnel mode.
    let we_refused_child =
        msg.contains("response for Child SA #") && msg.contains("was rejected with");
    if we_refused_child || msg.contains("does not fit the proposal") {
        if msg.contains("TS_UNACCEPTABLE") || msg.contains("Traffic Selector") {
            v.push(EventKind::SelectorsRejected);
        } else {
            v.push(EventKind::NoProposalAccepted { phase: 2 });
        }
        return v;
    }
    if msg.starts_with("policy dictates") && msg.contains("but peer requested") {
        v.push(EventKind::NoProposalAccepted { phase: 2 });
    }
    // IKEv1 informational: `unsecured` before the ISAKMP SA exists (phase 1), `secured` under
    // it (about quick mode).
    let informational = msg.starts_with("ignoring unsecured informational payload")
        || msg.starts_with("ignoring secured informational payload");
    let refused_by_peer = msg.contains("rejected by peer")
        || msg.contains("rejected Child SA with")
        || msg.contains("failed with error notification")
        || informational
        || (msg.starts_with("ignoring") && msg.contains("NO_PROPOSAL_CHOSEN"))
        || msg.contains("containing SK{") && msg.contains("N(");
    if let Some(n) = notify_in(msg) {
        if refused_by_peer {
            v.push(EventKind::Notify {
                direction: Direction::Received,
                name: n.to_string(),
                phase: Some(if msg.starts_with("ignoring secured informational") {
                    2
                } else if msg.contains("IKE_SA_INIT") || msg.contains("unsecured") {
                    1
                } else if n == "TS_UNACCEPTABLE"
                    || msg.contains("Child SA")
                    || msg.contains("CREATE_CHILD_SA")
                    || msg.contains("IKE_AUTH response")
                {
                    2
                } else {
                    phase
                }),
            });
        } else if (msg.contains("sending") || msg.starts_with("responding to "))
            && msg.contains("notification")
        {
            // `responding to IKE_AUTH message (ID 1) from ... with encrypted notification
            // AUTHENTICATION_FAILED`: the notify's own phase first (authentication is the IKE
            // SA's, selectors the child's), then the exchange's.
            let p = if let Some(p) = crate::evidence::notify_phase(n, None) {
                p
            } else if msg.contains("SA_INIT") {
                1
            } else if msg.contains("encrypted notification") {
                // Under the IKE SA: this side refuses the quick mode / child SA.
                2
            } else {
                phase
            };
            v.push(EventKind::Notify {
                direction: Direction::Sent,
                name: n.to_string(),
                phase: Some(p),
            });
            // pluto as responder refusing the offer (Cisco's "no offers accepted").
            if n == "NO_PROPOSAL_CHOSEN" {
                v.push(EventKind::NoProposalAccepted { phase: p });
            }
            // ... and refusing the child's selectors.
            if n == "TS_UNACCEPTABLE" {
                v.push(EventKind::SelectorsRejected);
            }
        }
    }
    if let Some(st) = msg
        .split_whitespace()
        .next()
        .filter(|w| w.starts_with("STATE_"))
    {
        // Openswan: `STATE_PARENT_R1: NO_PROPOSAL_CHOSEN`: this side refused.
        if msg.contains("NO_PROPOSAL_CHOSEN") && !msg.contains("sending") {
            v.push(EventKind::NoProposalAccepted {
                phase: if st.contains("QUICK") { 2 } else { 1 },
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
                phase
            }),
        });
    } else if msg.contains("retransmission; will wait")
        || msg.contains("retransmitting") && !msg.contains("duplicate")
    {
        v.push(EventKind::Retransmit {
            phase: Some(phase),
            attempt: None,
        });
    }
    if msg.contains("authentication failed: no PSK found")
        || msg.contains("Can't authenticate: no preshared key found")
    {
        v.push(EventKind::NoKey);
    } else if auth_method_refused(msg) {
        // The two ends authenticate differently: the IKE policies do not match on the
        // authentication method.
        v.push(EventKind::ProposalRejected {
            attribute: Some(crate::evidence::Rejected::Auth),
        });
        v.push(EventKind::NoProposalAccepted { phase: 1 });
    } else if msg.starts_with("WARNING:")
        && msg.contains("certificate")
        && msg.contains("has expired")
    {
        // Said when the conn is loaded, of the certificate its own end presents.
        v.push(EventKind::OwnCertInvalid);
    } else if cert_refused(msg) {
        v.push(EventKind::CertInvalid);
    } else if msg.contains("Possible authentication failure") {
        // IKEv1: the peer never answered our first encrypted message (main mode 5).
        v.push(EventKind::Malformed);
    } else if msg.starts_with("authentication failed") {
        v.push(EventKind::Notify {
            direction: Direction::Sent,
            name: "AUTHENTICATION_FAILED".into(),
            phase: Some(1),
        });
    }
    // `initiator established IKE SA`, `ISAKMP SA established`, IKEv1's newer `IKE SA
    // established {auth=...}`, `ipsec showstates`' `established IKE SA;`, IKE SA rekeys.
    if msg.contains("established IKE SA")
        || msg.contains("ISAKMP SA established")
        || msg.starts_with("IKE SA established")
        || msg.starts_with("initiator rekeyed IKE SA")
    {
        ctx.ike_up = true;
        v.push(EventKind::PhaseComplete { phase: 1 });
    }
    if msg.contains("established Child SA")
        || msg.contains("IPsec SA established")
        || msg.contains("rekeyed Child SA")
    {
        v.push(EventKind::PhaseComplete { phase: 2 });
    }
    v
}

/// `ipsec trafficstatus` (`#2: "conn"[1] 192.1.2.23, type=ESP, add_time=..., inBytes=84,
/// outBytes=84, ...`): it lists established IPsec SAs only.
fn traffic_row(line: &str) -> Option<Option<IpAddr>> {
    let rest = line.strip_prefix('#')?;
    let (n, rest) = rest.split_once(": \"")?;
    number(n).filter(|_| n.bytes().all(|b| b.is_ascii_digit()))?;
    if !(rest.contains(", type=ESP") || rest.contains(", type=AH")) || !rest.contains("inBytes=") {
        return None;
    }
    // `"conn"[1] 192.1.2.23, username=..., type=...`: the instance's peer.
    let peer = rest
        .split_once('"')
        .and_then(|(_, r)| r.split(',').next())
        .and_then(|head| head.rsplit(' ').next())
        .and_then(|a| a.parse().ok());
    Some(peer)
}

/// `ip xfrm state` (`ipsec _kernel state`, `ipsec-look.sh`): `src A dst B` then `\tproto esp
/// spi 0x...`. The SAs of both directions between two addresses are an IPsec SA that is up.
#[derive(Default)]
struct Kernel {
    pending: Option<(IpAddr, IpAddr, usize)>,
    seen: Vec<(IpAddr, IpAddr)>,
    /// Pairs already reported.
    done: Vec<(IpAddr, IpAddr)>,
}

impl Kernel {
    /// Reads one line; returns the line number (0-based) of the `src` line that completed a
    /// pair of directions.
    fn line(&mut self, i: usize, line: &str) -> Option<usize> {
        if let Some(rest) = line.strip_prefix("src ") {
            self.pending = rest
                .split_once(" dst ")
                .and_then(|(a, b)| Some((a.trim().parse().ok()?, b.trim().parse().ok()?, i)));
            return None;
        }
        let (src, dst, at) = self.pending.take()?;
        let l = line.trim_start();
        let real = (l.starts_with("proto esp spi ") || l.starts_with("proto ah spi "))
            && !l.contains("spi 0x00000000 ");
        if !real {
            return None;
        }
        self.seen.push((src, dst));
        let pair = if src < dst { (src, dst) } else { (dst, src) };
        if self.seen.contains(&(dst, src)) && !self.done.contains(&pair) {
            self.done.push(pair);
            return Some(at);
        }
        None
    }
}

/// Splits a pluto line into its state number, the peer address its prefix names and the
/// message: `"conn" #1: msg`, `"conn"[1] 192.1.2.23 #1: msg`, `"conn": msg`, `"conn":500 msg`,
/// `packet from 192.1.2.45:500: msg`, `#1: "conn":500 established IKE SA; ...` (showstates).
fn split(body: &str) -> Option<(Option<u64>, Option<IpAddr>, &str)> {
    if let Some(rest) = body.strip_prefix("packet from ") {
        let (addr, msg) = rest.split_once(": ")?;
        return Some((None, addr_after(&format!(" from {addr}"), " from "), msg));
    }
    if let Some(rest) = body.strip_prefix('#') {
        // showstates: `#3: "west":500 established Child SA; ...`
        let (n, rest) = rest.split_once(": \"")?;
        let n = number(n)?;
        let (_, r) = rest.split_once('"')?;
        let msg = r
            .trim_start_matches(|c: char| c == ':' || c.is_ascii_digit())
            .trim_start();
        return Some((Some(n), None, msg));
    }
    let rest = body.strip_prefix('"')?;
    let (_, r) = rest.split_once('"')?;
    // `[1] 192.1.2.23 #1: msg` / `[1] 192.1.2.23: msg` / ` #1: msg` / `: msg` / `:500 msg`
    let r = r
        .strip_prefix('[')
        .and_then(|x| x.split_once(']'))
        .map(|(_, x)| x)
        .unwrap_or(r);
    let mut peer = None;
    let mut r = r;
    if let Some(x) = r.strip_prefix(' ')
        && !x.starts_with('#')
    {
        let (a, _) = x.split_once([' ', ':']).unwrap_or((x, ""));
        peer = a.parse().ok();
        if peer.is_some() {
            r = &x[a.len()..];
        }
    }
    if let Some(x) = r.strip_prefix(" #") {
        let n = number(x)?;
        let msg = x.split_once(": ").map(|(_, m)| m)?;
        return Some((Some(n), peer, msg));
    }
    let r = r.strip_prefix(':')?;
    let msg = if r.starts_with(|c: char| c.is_ascii_digit()) {
        r.split_once(' ').map(|(_, m)| m).unwrap_or("")
    } else {
        r.trim_start()
    };
    Some((None, peer, msg))
}

/// Events of a whack/pluto transcript. `host` is the prompt's host (`west #`), if any.
pub fn parse(path: &str, text: &str) -> (Vec<Event>, Option<String>) {
    let file: Arc<str> = Arc::from(path);
    let mut out = Vec::new();
    let mut host = None;
    let mut ctx = Ctx::default();
    let mut kernel = Kernel::default();
    let lines: Vec<&str> = text.lines().collect();
    let push = |out: &mut Vec<Event>, i: usize, time, peer, kind| {
        let loc = Loc::line(&file, (i + 1) as u32, lines.get(i).copied().unwrap_or(""));
        out.push(Event {
            at: loc,
            device: None,
            time,
            peer,
            kind,
        });
    };
    for (i, raw) in lines.iter().enumerate() {
        let raw = raw.trim_end();
        // pluto's log file with `logtime=yes`: `Nov 29 21:23:59.075068: msg`.
        let (mut time, line) = match logtime(raw) {
            Some((t, m)) => (Some(t), m),
            None => (None, raw),
        };
        if line.starts_with('|') {
            continue;
        }
        if let Some((h, _)) = raw.split_once(" #")
            && !h.contains(['"', ' '])
            && !h.is_empty()
            && host.is_none()
        {
            host = Some(h.to_string());
        }
        if let Some(at) = kernel.line(i, line) {
            push(
                &mut out,
                at,
                time,
                None,
                EventKind::PhaseComplete { phase: 2 },
            );
            continue;
        }
        if let Some(peer) = traffic_row(line) {
            push(
                &mut out,
                i,
                time,
                peer,
                EventKind::PhaseComplete { phase: 2 },
            );
            continue;
        }
        let l = line
            .trim_start_matches("IMPAIR: ")
            .trim_start_matches("ERROR: ")
            .trim_start_matches("WARNING: ");
        // `"conn" #1: msg`, pluto syslog `pluto[123]: "conn" #1: msg`, Openswan test output
        // `./prog msg`.
        let body = match l
            .split_once(" pluto[")
            .and_then(|(pre, r)| Some((pre, r.split_once("]: ")?.1)))
        {
            Some((pre, r)) => {
                time = time.or_else(|| syslog_time(pre));
                r
            }
            None => l,
        };
        let (state, prefix_peer, msg) = if let Some(rest) = body.strip_prefix("./") {
            (
                None,
                None,
                rest.split_once(' ').map(|(_, m)| m).unwrap_or(""),
            )
        } else {
            match split(body) {
                Some(x) => x,
                None => continue,
            }
        };
        // `"conn" ...`, `"conn"[1] ...`, showstates' `#1: "conn":500 ...`.
        ctx.conn = body
            .strip_prefix('"')
            .or_else(|| {
                body.strip_prefix('#')
                    .and_then(|b| b.split_once(": \""))
                    .map(|(_, r)| r)
            })
            .and_then(|r| r.split_once('"'))
            .map(|(c, _)| c.to_string());
        let ks = kinds(msg, state, &mut ctx);
        if ks.is_empty() {
            continue;
        }
        let peer = addr_after(msg, " to ")
            .or_else(|| addr_after(msg, " from "))
            .or(prefix_peer);
        for kind in ks {
            push(&mut out, i, time, peer, kind);
        }
    }
    (out, host)
}

#[cfg(test)]
mod tests;
