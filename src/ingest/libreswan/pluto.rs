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

/// The algorithms of one IKE proposal, each attribute with the values it allows.
#[derive(Default, Debug)]
struct IkeAlgs {
    encr: Vec<String>,
    prf: Vec<String>,
    integ: Vec<String>,
    dh: Vec<String>,
}

/// pluto's own proposal when it adds a conn: `1:IKE=ENCR-PRF-INTEG-DH` (IKEv1:
/// `ENCR-HASH-DH`), several algorithms of one kind joined by `+`.
fn local_proposal(msg: &str) -> Option<IkeAlgs> {
    let (n, algs) = msg.split_once(":IKE=")?;
    n.parse::<u32>().ok()?;
    let parts: Vec<Vec<String>> = algs
        .split_whitespace()
        .next()?
        .split('-')
        .map(|p| p.split('+').map(str::to_string).collect())
        .collect();
    match parts.as_slice() {
        [encr, prf, integ, dh] => Some(IkeAlgs {
            encr: encr.clone(),
            prf: prf.clone(),
            integ: integ.clone(),
            dh: dh.clone(),
        }),
        [encr, hash, dh] => Some(IkeAlgs {
            encr: encr.clone(),
            prf: hash.clone(),
            integ: Vec::new(),
            dh: dh.clone(),
        }),
        _ => None,
    }
}

/// The peer's proposals as pluto prints them: `1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;
/// PRF=HMAC_SHA2_256;DH=MODP2048 2:IKE:...`, possibly followed by `[first-match]`.
fn remote_proposals(list: &str) -> Vec<IkeAlgs> {
    let mut out = Vec::new();
    for w in list.split_whitespace() {
        let Some((_, attrs)) = w.split_once(":IKE:") else {
            continue;
        };
        let attrs = attrs.split('[').next().unwrap_or(attrs);
        let mut p = IkeAlgs::default();
        for a in attrs.split(';') {
            let Some((k, v)) = a.split_once('=') else {
                continue;
            };
            let v = v.to_string();
            match k {
                "ENCR" => p.encr.push(v),
                "PRF" => p.prf.push(v),
                "INTEG" => p.integ.push(v),
                "DH" => p.dh.push(v),
                _ => {}
            }
        }
        out.push(p);
    }
    out
}

/// The attributes of the peer's IKE proposals that none of this host's proposals allows.
fn rejected_attrs(local: &[IkeAlgs], remote: &[IkeAlgs]) -> Vec<crate::evidence::Rejected> {
    use crate::evidence::Rejected;
    // `AES_CBC` (every key length) allows `AES_CBC_256`.
    let same = |l: &String, r: &String| {
        l == r
            || r.strip_prefix(l.as_str())
                .and_then(|k| k.strip_prefix('_'))
                .is_some_and(|k| k.bytes().all(|b| b.is_ascii_digit()))
    };
    // An attribute one side does not name (IKEv1's integrity, AEAD's) does not decide.
    let meets = |l: &[String], r: &[String]| {
        r.is_empty() || l.is_empty() || l.iter().any(|l| r.iter().any(|r| same(l, r)))
    };
    let mut out = Vec::new();
    let any = |f: &dyn Fn(&IkeAlgs, &IkeAlgs) -> bool| {
        local.iter().any(|l| remote.iter().any(|r| f(l, r)))
    };
    if local.is_empty() || remote.is_empty() {
        return out;
    }
    if !any(&|l, r| meets(&l.encr, &r.encr)) {
        out.push(Rejected::Encryption);
    }
    if !any(&|l, r| meets(&l.prf, &r.prf) && meets(&l.integ, &r.integ)) {
        out.push(Rejected::Hash);
    }
    if !any(&|l, r| meets(&l.dh, &r.dh)) {
        out.push(Rejected::Group);
    }
    out
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

    fn kinds_of(t: &str) -> Vec<String> {
        parse("t.console.txt", t)
            .0
            .iter()
            .map(|e| format!("{:?}", e.kind))
            .collect()
    }

    #[test]
    fn instance_prefix_names_the_peer() {
        let t = "\"road\"[1] 192.1.2.23 #1: processed IKE_SA_INIT response from 192.1.2.23:UDP/500 {cipher=AES}\n\"road\"[1] 192.1.2.23 #2: initiator established Child SA using #1; IPsec tunnel\n";
        let (ev, _) = parse("road.console.txt", t);
        assert_eq!(ev.len(), 2);
        assert!(
            ev.iter()
                .all(|e| e.peer.map(|p| p.to_string()).as_deref() == Some("192.1.2.23"))
        );
        assert!(matches!(ev[1].kind, EventKind::PhaseComplete { phase: 2 }));
        assert!(looks_like(t));
    }

    #[test]
    fn ikev1_informational_phase_follows_its_protection() {
        let k = kinds_of(
            "\"c\" #1: ignoring secured informational payload NO_PROPOSAL_CHOSEN, msgid=MSGID, length=12\n\"c\" #1: ignoring unsecured informational payload INVALID_MAJOR_VERSION, length=12\n",
        );
        assert!(
            k[0].contains("Received")
                && k[0].contains("NO_PROPOSAL_CHOSEN")
                && k[0].contains("Some(2)"),
            "{k:?}"
        );
        assert!(
            k[1].contains("Received")
                && k[1].contains("INVALID_MAJOR_VERSION")
                && k[1].contains("Some(1)"),
            "{k:?}"
        );
    }

    #[test]
    fn responder_refusals() {
        let t = "packet from 192.1.2.45:500: sending notification INVALID_MAJOR_VERSION to 192.1.2.45:500\n\"c\" #2: sending encrypted notification NO_PROPOSAL_CHOSEN to 192.1.2.45:500\n";
        let (ev, _) = parse("east.console.txt", t);
        assert!(
            matches!(&ev[0].kind, EventKind::Notify { direction: Direction::Sent, name, phase: Some(1) } if name == "INVALID_MAJOR_VERSION")
        );
        assert_eq!(
            ev[0].peer.map(|p| p.to_string()).as_deref(),
            Some("192.1.2.45")
        );
        assert!(matches!(
            &ev[1].kind,
            EventKind::Notify {
                direction: Direction::Sent,
                phase: Some(2),
                ..
            }
        ));
        assert!(matches!(
            ev[2].kind,
            EventKind::NoProposalAccepted { phase: 2 }
        ));
    }

    #[test]
    fn a_state_keeps_its_phase() {
        // #2 is the quick mode: its impaired timeout is a phase-2 give-up.
        let k = kinds_of(
            "\"c\" #1: sent Main Mode I2\n\"c\" #1: ISAKMP SA established {auth=PRESHARED_KEY}\n\"c\" #2: sent Quick Mode request\nIMPAIR: \"c\" #2: retransmit so timing out SA (may retry)\n\"c\" #1: sent IKE_AUTH request to 192.1.2.23:UDP/500 with shared-key-mac; Child SA #3 {ESP <0xESPESP}\n\"c\" #3: retransmit so timing out SA (may retry)\n",
        );
        assert!(k[0].contains("Received"), "MR1 answered: {k:?}");
        assert!(k.iter().any(|x| x == "GaveUp { phase: Some(2) }"), "{k:?}");
        assert_eq!(
            k.iter()
                .filter(|x| x.starts_with("GaveUp { phase: Some(2)"))
                .count(),
            2,
            "{k:?}"
        );
    }

    #[test]
    fn status_and_kernel_dumps_show_sas_up() {
        let t = "#2: \"west\", type=ESP, add_time=1234567890, inBytes=84, outBytes=84, maxBytes=2^63B, id='@east'\n#4: \"east-any\"[3] 192.1.2.254, username=xroad, type=ESP, add_time=1, inBytes=0, outBytes=0\n#1: \"west\":500 established IKE SA; REKEY in XXs; newest; idle;\nsrc 192.1.2.23 dst 192.1.2.45\n\tproto esp spi 0xSPISPI reqid REQID mode tunnel\nsrc 192.1.2.45 dst 192.1.2.23\n\tproto esp spi 0xSPISPI reqid REQID mode tunnel\nsrc 192.1.3.209 dst 192.1.2.23\n\tproto esp spi 0x00000000 reqid 0 mode transport\n";
        let (ev, _) = parse("x.console.txt", t);
        let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
        assert_eq!(
            k,
            [
                "PhaseComplete { phase: 2 }",
                "PhaseComplete { phase: 2 }",
                "PhaseComplete { phase: 1 }",
                "PhaseComplete { phase: 2 }"
            ]
        );
        assert_eq!(
            ev[1].peer.map(|p| p.to_string()).as_deref(),
            Some("192.1.2.254")
        );
        assert_eq!(
            ev[3].at.line,
            Some(6),
            "the kernel pair is cited at the src line that completes it"
        );
    }

    #[test]
    fn authentication_failures_by_kind() {
        let k = kinds_of(
            "\"c\" #1: authentication failed: peer attempted NULL authentication but we want RSASIG\n\"c\" #1: X509: authentication failed; peer certificate subjectAltName extension does not match USER_FQDN 'x'\n\"c\" #1: NSS: ERROR: IPsec certificate CN=east-expired invalid: SEC_ERROR_EXPIRED_CERTIFICATE: Peer's Certificate has expired.\n\"c\" #1: authentication failed: no PSK found for '@west'\n",
        );
        assert_eq!(k[0], "ProposalRejected { attribute: Some(Auth) }");
        assert_eq!(k[1], "NoProposalAccepted { phase: 1 }");
        assert_eq!(k[2], "CertInvalid");
        assert_eq!(k[3], "CertInvalid");
        // Said when the conn loads: this host's own certificate, not the peer's.
        let (ev, _) = parse(
            "east.console.txt",
            "\"east\": WARNING: groundhog right certificate 'east-expired' has expired\n",
        );
        assert!(matches!(ev[0].kind, EventKind::OwnCertInvalid));
        assert_eq!(k[4], "NoKey");
    }

    #[test]
    fn initiator_refusing_the_child_answer() {
        let k = kinds_of(
            "\"c\" #1: response for Child SA #2 was rejected with TS_UNACCEPTABLE; initiating delete of Child SA (IKE SA will remain UP)\n\"c\" #1: response for Child SA #2 was rejected with NO_PROPOSAL_CHOSEN; initiating delete of Child SA (IKE SA will remain UP)\n",
        );
        assert_eq!(k, ["SelectorsRejected", "NoProposalAccepted { phase: 2 }"]);
    }

    #[test]
    fn odd_lines_do_not_panic() {
        for t in [
            "\"",
            "\"a\"[",
            "\"a\"[1]",
            "\"a\"[1] ",
            "\"a\" #",
            "\"a\" #x: y",
            "#",
            "#: \"",
            "#1: \"a",
            "packet from ",
            "packet from x: ",
            "src 1.2.3.4 dst",
            "src 1.2.3.4 dst 5.6.7.8\n",
            "\"é\"[1] é #1: é",
            "\"c\" #1: sent IKE_AUTH request; Child SA #",
            "#18446744073709551616: \"c\", type=ESP, inBytes=1",
            "Nov 29 21:23:59.1: \"",
            "Nov 29 21:23:59.1: | x",
            "Nov 29 99:99:99.1: \"a\" #1: x",
            "\"a\":   1:IKE=",
            "\"a\":   1:IKE=---",
            "\"a\" #1: no local proposal matches remote proposals 1:IKE:",
            "\"a\" #1: no local proposal matches remote proposals 1:IKE:ENCR;=;DH=[",
            "\"a\" #1: proposal 1:IKE= chosen from remote proposals 1:IKE:[",
            "\"a\" #1: responding to",
            "\"a\" #1: responding to X message with notification NO_PROPOSAL_CHOSEN",
            "\"a\" #1: processing decrypted",
            "#1: \"",
            "x pluto[1]: ",
            "2024-13-45T99:99 x pluto[1]: \"a\" #1: established IKE SA",
        ] {
            let _ = parse("x", t);
            let _ = looks_like(t);
        }
    }

    #[test]
    fn logtime_prefix_is_read() {
        let near = |a: Option<f64>, b: f64| a.is_some_and(|a| (a - b).abs() < 1e-6);
        let (t, m) = logtime("Nov 29 21:23:59.075068: \"lab\" #1: x").unwrap_or_default();
        assert!(
            near(Some(t), 77_039.075_068) && m == "\"lab\" #1: x",
            "{t} {m}"
        );
        assert_eq!(logtime("Nov  3 01:02:03.5: msg"), Some((3723.5, "msg")));
        assert_eq!(logtime("Nov 29 21:23:59.075068:").map(|x| x.1), Some(""));
        for t in [
            "\"lab\" #1: x",
            "Nov 29 21:23:59 09[IKE] charon",
            "Nov 29 25:23:59.1: x",
            "Nov 299 21:23:59.1: x",
            "Nov 29 21:23:59.1 x",
            "N",
            "Nov ",
            "Nov 2",
            "é29 21:23:59.1: x",
            "Nov 29 :: x",
        ] {
            assert!(logtime(t).is_none(), "{t}");
        }
        let log = "Nov 29 21:23:55.493590: Starting Pluto (Libreswan Version 4.10 IKEv2 IKEv1 XFRM) pid:24192\nNov 29 21:23:55.499152: \"lab\": added IKEv2 connection\nNov 29 21:23:55.495402: using Linux xfrm kernel support code on #1 SMP PREEMPT_DYNAMIC @0\nNov 29 21:23:59.070016: | debug NO_PROPOSAL_CHOSEN\nNov 29 21:23:59.071272: \"lab\" #1: sent IKE_SA_INIT reply {cipher=AES_CBC_256 integ=HMAC_SHA2_256_128 prf=HMAC_SHA2_256 group=MODP2048}\nNov 29 21:24:02.561659: \"lab\" #1: responder established IKE SA; authenticated peer using authby=secret and ID_FQDN '@left.example'\n";
        assert!(looks_like(log));
        assert_eq!(
            crate::ingest::detect(log),
            crate::ingest::Kind::LibreswanLog
        );
        let (ev, host) = parse("pluto.log", log);
        assert_eq!(host, None, "a timestamp is no prompt");
        let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
        assert_eq!(ev.len(), 2, "{k:?}");
        assert!(
            matches!(&ev[0].kind, EventKind::IkeMessage { direction: Direction::Sent, state: Some(s), phase: Some(1), .. } if s == "IKE_SA_INIT"),
            "{k:?}"
        );
        assert!(near(ev[0].time, 77_039.071_272), "{:?}", ev[0].time);
        assert!(matches!(ev[1].kind, EventKind::PhaseComplete { phase: 1 }));
        assert!(near(ev[1].time, 77_042.561_659), "{:?}", ev[1].time);
        // The syslog prefix gives the time too.
        let (ev, _) = parse(
            "messages",
            "Nov 29 21:23:59 east pluto[123]: \"lab\" #1: responder established IKE SA; x\n2024-11-29T08:00:01.5+01:00 east pluto[9]: \"lab\" #1: established IKE SA\n",
        );
        assert_eq!(ev[0].time, Some(77_039.0));
        assert_eq!(ev[1].time, Some(28_801.5));
    }

    /// The lines of the lab's pluto.log (libreswan 4.10 as responder to strongSwan): each
    /// refusal this host makes.
    #[test]
    fn responder_refusals_in_pluto_log() {
        let ike = "Nov 29 21:23:55.499094: \"lab\":   1:IKE=AES_CBC_128-HMAC_SHA1-HMAC_SHA1_96-MODP2048\nNov 29 21:23:55.598107: \"lab\" #1: no local proposal matches remote proposals 1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=MODP2048\nNov 29 21:23:55.598130: \"lab\" #1: responding to IKE_SA_INIT message (ID 0) from 198.51.100.1:500 with unencrypted notification NO_PROPOSAL_CHOSEN\nNov 29 21:23:55.598135: \"lab\" #1: encountered fatal error in state STATE_V2_PARENT_R0\nNov 29 21:23:55.598181: \"lab\" #1: deleting state (STATE_V2_PARENT_R0) aged 0.000096s and NOT sending notification\n";
        let (ev, _) = parse("pluto.log", ike);
        let k: Vec<String> = ev.iter().map(|e| format!("{:?}", e.kind)).collect();
        assert_eq!(
            k,
            [
                "IkeMessage { direction: Received, state: Some(\"IKE_SA_INIT\"), phase: Some(1), port: None }",
                "ProposalRejected { attribute: Some(Encryption) }",
                "ProposalRejected { attribute: Some(Hash) }",
                "NoProposalAccepted { phase: 1 }",
                "IkeMessage { direction: Received, state: Some(\"IKE_SA_INIT\"), phase: Some(1), port: None }",
                "Notify { direction: Sent, name: \"NO_PROPOSAL_CHOSEN\", phase: Some(1) }",
                "NoProposalAccepted { phase: 1 }",
            ]
        );
        assert_eq!(
            ev[5].peer.map(|p| p.to_string()).as_deref(),
            Some("198.51.100.1")
        );

        let psk = "Nov 29 21:23:59.070016: \"lab\" #1: proposal 1:IKE=AES_CBC_256-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048 chosen from remote proposals 1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=MODP2048[first-match]\nNov 29 21:23:59.075016: \"lab\" #1: processing decrypted IKE_AUTH request: SK{IDi,N(INITIAL_CONTACT),IDr,AUTH,SA,TSi,TSr}\nNov 29 21:23:59.075036: \"lab\" #1: WARNING: '@right.example' PSK length of 14 bytes is too short for PRF HMAC_SHA2_256 in FIPS mode (16 bytes required)\nNov 29 21:23:59.075061: \"lab\" #1: authentication failed: computed hash does not match hash received from peer ID_FQDN '@left.example'\nNov 29 21:23:59.075068: \"lab\" #1: responding to IKE_AUTH message (ID 1) from 198.51.100.1:4500 with encrypted notification AUTHENTICATION_FAILED\n";
        let k = kinds_of(psk);
        assert_eq!(
            k,
            [
                "IkeMessage { direction: Received, state: Some(\"IKE_SA_INIT\"), phase: Some(1), port: None }",
                "IkeMessage { direction: Received, state: Some(\"IKE_AUTH\"), phase: Some(1), port: None }",
                "Notify { direction: Sent, name: \"AUTHENTICATION_FAILED\", phase: Some(1) }",
                "IkeMessage { direction: Received, state: Some(\"IKE_AUTH\"), phase: Some(1), port: None }",
                "Notify { direction: Sent, name: \"AUTHENTICATION_FAILED\", phase: Some(1) }",
            ]
        );

        let ts = "Nov 29 21:24:02.561659: \"lab\" #1: responder established IKE SA; authenticated peer using authby=secret and ID_FQDN '@left.example'\nNov 29 21:24:02.561808: \"lab\" #2: No IKEv2 connection found with compatible Traffic Selectors\nNov 29 21:24:05.001038: \"lab\" #1: deleting state (STATE_V2_ESTABLISHED_IKE_SA) aged 2.444802s and sending notification\n";
        let k = kinds_of(ts);
        assert_eq!(
            k,
            [
                "PhaseComplete { phase: 1 }",
                "SelectorsRejected",
                "Notify { direction: Sent, name: \"TS_UNACCEPTABLE\", phase: Some(2) }",
            ]
        );
    }

    #[test]
    fn refused_ike_attributes() {
        let l = |s: &str| local_proposal(s).into_iter().collect::<Vec<_>>();
        let r = remote_proposals;
        use crate::evidence::Rejected::*;
        // Only the DH group differs.
        assert_eq!(
            rejected_attrs(
                &l("1:IKE=AES_CBC-HMAC_SHA2_256-HMAC_SHA2_256_128-MODP2048+MODP3072"),
                &r("1:IKE:ENCR=AES_CBC_256;INTEG=HMAC_SHA2_256_128;PRF=HMAC_SHA2_256;DH=DH19")
            ),
            [Group]
        );
        // AEAD: no integrity on either side; a second remote proposal matches.
        assert!(
            rejected_attrs(
                &l("1:IKE=AES_GCM_16_256-HMAC_SHA2_512-NONE-DH19"),
                &r(
                    "1:IKE:ENCR=AES_CBC_128;PRF=HMAC_SHA1;INTEG=HMAC_SHA1_96;DH=MODP1024 2:IKE:ENCR=AES_GCM_16_256;PRF=HMAC_SHA2_512;DH=DH19[first-match]"
                )
            )
            .is_empty()
        );
        assert!(rejected_attrs(&[], &r("1:IKE:ENCR=AES_CBC_256")).is_empty());
        assert!(local_proposal("1:ESP=AES_CBC_256-HMAC_SHA2_256_128").is_none());
        assert!(local_proposal("x:IKE=A-B").is_none());
    }

    /// `ipsec status` lists pluto's interfaces as `interface eth1 192.1.2.45:UDP/500`: not an
    /// IOS configuration, and nothing in it is an event but its states.
    #[test]
    fn status_dump_is_pluto_output() {
        let t = "west #\n ipsec status\nusing kernel interface: xfrm\n \ninterface lo 127.0.0.1:UDP/4500 (NAT)\ninterface lo 127.0.0.1:UDP/500\ninterface eth0 192.0.1.254:UDP/4500 (NAT)\ninterface eth1 192.1.2.45:UDP/500\n \nfips mode=disabled;\n \nConnection list:\n \n\"westnet-eastnet\": 192.0.1.0/24===192.1.2.45[@west]...192.1.2.23[@east]===192.0.2.0/24; unrouted; my_ip=unset; their_ip=unset;\n\"westnet-eastnet\":   policy: IKEv1+RSASIG+ENCRYPT+TUNNEL+PFS+IKE_FRAG_ALLOW+ESN_NO+ESN_YES;\n\"westnet-eastnet\":   retransmit-interval: 9999ms; retransmit-timeout: 99s; iketcp:no; iketcp-port:4500;\n\"westnet-eastnet\":   dpd: passive; delay:0s; timeout:0s\n \nTotal IPsec connections: loaded 1, routed 0, active 0\n \nState Information: DDoS cookies not required, Accepting new IKE connections\nIKE SAs: total(0), half-open(0), open(0), authenticated(0), anonymous(0)\nIPsec SAs: total(0), authenticated(0), anonymous(0)\n \n#1: \"westnet-eastnet\":500 STATE_MAIN_I4 (ISAKMP SA established); REPLACE in 2000s; newest;\n#2: \"westnet-eastnet\":500 STATE_QUICK_I2 (IPsec SA established); REPLACE in 2000s; newest; eroute owner;\n";
        assert!(!crate::ingest::cisco_ios::looks_like(t));
        assert_eq!(crate::ingest::detect(t), crate::ingest::Kind::LibreswanLog);
        assert_eq!(
            kinds_of(t),
            ["PhaseComplete { phase: 1 }", "PhaseComplete { phase: 2 }"]
        );
        // IOS interfaces still count.
        for ios in [
            "hostname r1\ninterface GigabitEthernet0/0.100\n",
            "interface Tunnel 1\ninterface Serial0/0 point-to-point\n",
            "interface Virtual-Template1 type tunnel\n!\n",
        ] {
            assert!(crate::ingest::cisco_ios::looks_like(ios), "{ios}");
        }
        for not in [
            "interface eth0 192.0.1.254:UDP/4500 (NAT)\ninterface eth1 192.1.2.45:UDP/500\n",
            "interface ID, so static routes\ninterface lo 127.0.0.1:UDP/500\n",
            "interface \ninterface -1\ninterface Gi\n",
        ] {
            assert!(!crate::ingest::cisco_ios::looks_like(not), "{not}");
        }
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
