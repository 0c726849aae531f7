//! charon's log (filelog with or without timestamps, syslog, journal: `Nov 29 10:00:01 moon
//! charon: 09[IKE] ...`, `charon-systemd[123]: ...`) and the SA listings of `swanctl
//! --list-sas` and `ipsec statusall`, as console transcripts paste them → evidence events.
//!
//! charon logs one message over several lines, each tagged with the worker thread that
//! wrote it: `generating IKE_AUTH request 1 [...]` then `sending packet: from A to B`, or
//! `received packet: from B to A` then `parsed IKE_AUTH response 1 [...]`. What a line
//! leaves unsaid (the exchange of a packet, the peer of a refusal) is taken from the lines
//! of the same thread around it.

use super::list_sas::Listing;
use crate::evidence::{Direction, Event, EventKind, exchange_phase, notify_phase};
use crate::model::Loc;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

/// What one file of strongSwan output says.
#[derive(Debug, Default)]
pub struct Output {
    pub events: Vec<Event>,
    /// Lines that report a failure this reader has no pattern for (kept for --verbose).
    pub unrecognised: Vec<Loc>,
    /// Repeated events beyond the budget, counted and not kept.
    pub dropped: u64,
    /// Addresses this device speaks IKE from (`sending packet: from A`), to find whose log
    /// it is when nothing else tells.
    pub local: Vec<IpAddr>,
}

/// Thread tags charon writes (`09[IKE]`), and the program names that carry them in syslog.
const GROUPS: &[&str] = &[
    "IKE", "NET", "CFG", "ENC", "KNL", "DMN", "LIB", "JOB", "MGR", "CHD", "ESP", "ASN", "APP",
    "TLS", "TNC", "IMC", "IMV", "PTS",
];

/// One log line taken apart.
struct LineParts<'a> {
    prefix: &'a str,
    thread: Option<u32>,
    msg: &'a str,
    /// The host name syslog puts before the program name.
    host: Option<&'a str>,
}

/// `09[IKE] msg` (the tag may follow a timestamp or a syslog prefix), or `[IKE] msg` with no
/// thread number at the start of a line, as `swanctl --initiate` prints what charon logs.
fn tagged(l: &str) -> Option<(usize, Option<u32>, usize)> {
    let b = l.as_bytes();
    let mut from = 0;
    while let Some(off) = l.get(from..)?.find('[') {
        let i = from + off;
        from = i + 1;
        let mut s = i;
        while s > 0 && b[s - 1].is_ascii_digit() && i - (s - 1) <= 3 {
            s -= 1;
        }
        // No thread number: only at the start of the line, with a message after the tag
        // (an INI section `[IKE]` is not a log line).
        let bare = s == i && l[..i].trim().is_empty();
        if (s == i && !bare) || (s > 0 && !matches!(b[s - 1], b' ' | b'\t' | b':')) {
            continue;
        }
        let Some(close) = l.get(i + 1..).and_then(|r| r.find(']')) else {
            continue;
        };
        let tag = &l[i + 1..i + 1 + close];
        let group = tag.trim_end_matches(|c: char| c.is_ascii_digit());
        if !GROUPS.contains(&group) {
            continue;
        }
        let end = i + 1 + close + 1;
        if bare {
            let msg = l.get(end..).unwrap_or("");
            if !msg.starts_with([' ', '\t']) || msg.trim().is_empty() {
                continue;
            }
            return Some((s, None, end));
        }
        let thread = l[s..i].parse().ok()?;
        return Some((s, Some(thread), end));
    }
    None
}

/// The program part of a syslog line: `charon:`, `charon[12]:`, `charon-systemd[12]:`.
fn program(l: &str) -> Option<(usize, usize)> {
    let at = l.find("charon")?;
    let rest = &l[at + 6..];
    let rest2 = rest
        .strip_prefix("-systemd")
        .or_else(|| rest.strip_prefix("-nm"))
        .unwrap_or(rest);
    let mut r = rest2;
    if let Some(x) = r.strip_prefix('[') {
        let end = x.find(']')?;
        r = &x[end + 1..];
    }
    let r2 = r.strip_prefix(':')?;
    Some((at, l.len() - r2.len()))
}

fn split(l: &str) -> Option<LineParts<'_>> {
    let prog = program(l);
    let (prefix_end, thread, msg_start) = match tagged(l) {
        Some((s, t, m)) => (s, t, m),
        None => {
            let (at, end) = prog?;
            (at, None, end)
        }
    };
    let prefix_end = prog.map_or(prefix_end, |(at, _)| at.min(prefix_end));
    let prefix = &l[..prefix_end];
    let mut msg = l.get(msg_start..)?.trim();
    // `<conn|12>` (ike_name = yes) names the IKE SA; the message follows it.
    if msg.starts_with('<')
        && let Some(e) = msg.find('>')
    {
        msg = msg[e + 1..].trim_start();
    }
    let host = prog.and_then(|_| {
        let w = prefix.split_whitespace().last()?;
        let is_time = w.contains(':') || w.chars().all(|c| c.is_ascii_digit());
        (!is_time).then_some(w)
    });
    Some(LineParts {
        prefix,
        thread,
        msg,
        host,
    })
}

/// Seconds since midnight of `10:00:01`, `10:00:01.123456` or `2024-11-29T10:00:01+01:00`.
pub fn time_of(prefix: &str) -> Option<f64> {
    for w in prefix.split_whitespace() {
        let w = match w.split_once('T') {
            Some((d, t)) if d.contains('-') => t,
            _ => w,
        };
        let w = w.trim_end_matches('Z');
        let w = match w.rfind(['+', '-']) {
            Some(i) if i > 5 => &w[..i],
            _ => w,
        };
        let mut p = w.split(':');
        if let (Some(h), Some(m), Some(s), None) = (p.next(), p.next(), p.next(), p.next())
            && let (Ok(h), Ok(m), Ok(s)) = (h.parse::<u32>(), m.parse::<u32>(), s.parse::<f64>())
            && h < 24
            && m < 60
            && (0.0..61.0).contains(&s)
        {
            return Some(f64::from(h * 3600 + m * 60) + s);
        }
    }
    None
}

/// `192.168.0.2[500]` → address and port; also `[fec0::2][500]`-free IPv6 `fec0::2[500]`.
fn addr_port(w: &str) -> (Option<IpAddr>, Option<u16>) {
    let w = w.trim_end_matches([',', ')']);
    match w.split_once('[') {
        Some((a, p)) => (a.parse().ok(), p.trim_end_matches(']').parse().ok()),
        None => (w.parse().ok(), None),
    }
}

/// The datagram size charon logs at the end of a packet line: `... (1280 bytes)`.
fn logged_bytes(msg: &str) -> Option<u32> {
    let (_, r) = msg.trim_end().strip_suffix(" bytes)")?.rsplit_once('(')?;
    r.parse().ok()
}

/// The address after `word` (`to 192.168.0.2[500]`).
fn after(msg: &str, word: &str) -> (Option<IpAddr>, Option<u16>) {
    let mut it = msg.split_whitespace();
    while let Some(w) = it.next() {
        if w == word {
            return it.next().map(addr_port).unwrap_or((None, None));
        }
    }
    (None, None)
}

/// `A[id]...B[id]` → B, the other end.
fn other_end(msg: &str) -> Option<IpAddr> {
    let (_, r) = msg.split_once("...")?;
    let w = r.split(['[', ' ', ',']).next()?;
    w.parse().ok()
}

/// charon's short notify names (in `[ N(AUTH_FAILED) ]`) for the error notifies.
const SHORT_NOTIFIES: &[(&str, &str)] = &[
    ("NO_PROP", "NO_PROPOSAL_CHOSEN"),
    ("INVAL_KE", "INVALID_KE_PAYLOAD"),
    ("AUTH_FAILED", "AUTHENTICATION_FAILED"),
    ("TS_UNACCEPT", "TS_UNACCEPTABLE"),
    ("INVAL_SEL", "INVALID_SELECTORS"),
    ("SINGLE_PAIR", "SINGLE_PAIR_REQUIRED"),
    ("NO_ADD_SAS", "NO_ADDITIONAL_SAS"),
    ("INT_ADDR_FAIL", "INTERNAL_ADDRESS_FAILURE"),
    ("FAIL_CP_REQ", "FAILED_CP_REQUIRED"),
    ("INVAL_SYN", "INVALID_SYNTAX"),
    ("INVAL_SPI", "INVALID_SPI"),
    ("INVAL_IKE_SPI", "INVALID_IKE_SPI"),
    ("INVAL_MAJOR", "INVALID_MAJOR_VERSION"),
    ("INVAL_MID", "INVALID_MESSAGE_ID"),
    ("TEMP_FAIL", "TEMPORARY_FAILURE"),
    ("NO_CHILD_SA", "CHILD_SA_NOT_FOUND"),
    ("PLD_MAL", "PAYLOAD_MALFORMED"),
    ("INVAL_ID", "INVALID_ID_INFORMATION"),
    ("INVAL_HASH", "INVALID_HASH_INFORMATION"),
    ("INVAL_CERT", "INVALID_CERTIFICATE"),
];

/// The long names as charon spells them in prose (`received TS_UNACCEPTABLE notify`).
fn long_notify(msg: &str) -> Option<&'static str> {
    SHORT_NOTIFIES
        .iter()
        .map(|(_, l)| *l)
        .find(|l| msg.contains(l))
}

/// `generating IKE_AUTH request 1 [ IDi AUTH N(AUTH_FAILED) ]` → (exchange, request?,
/// message ID, payload list).
fn message(msg: &str) -> Option<(&str, bool, Option<u32>, &str)> {
    let rest = msg
        .strip_prefix("generating ")
        .or_else(|| msg.strip_prefix("parsed "))?;
    let mut w = rest.split_whitespace();
    let x = w.next()?;
    let req = match w.next()? {
        "request" => true,
        "response" => false,
        _ => return None,
    };
    let id = w.next().and_then(|n| n.parse().ok());
    let payloads = rest.split_once('[').map_or("", |(_, p)| p);
    Some((x, req, id, payloads))
}

/// The error notifies in a payload list.
fn notifies(payloads: &str) -> Vec<&'static str> {
    payloads
        .split_whitespace()
        .filter_map(|p| p.strip_prefix("N(")?.strip_suffix(')'))
        .filter_map(|s| {
            SHORT_NOTIFIES
                .iter()
                .find(|(k, _)| *k == s)
                .map(|(_, l)| *l)
        })
        .collect()
}

#[derive(Default, Clone)]
struct Thread {
    peer: Option<IpAddr>,
    /// The last message this thread generated (named in the `sending packet` after it).
    sent: Option<(String, Option<u32>)>,
    /// The last message this thread parsed.
    parsed: Option<String>,
    /// A `received packet` event waiting for the `parsed` line that names its exchange.
    pending_rx: Option<usize>,
    /// Events that name no peer, waiting for this thread's next packet line.
    pending_peer: Vec<usize>,
    /// `received proposals: IKE:...` or `ESP:...`: which SA a refusal is about.
    proposals_phase: Option<u8>,
    /// What the last proposal selection found no match for (`no acceptable
    /// KEY_EXCHANGE_METHOD found`), one line per pair of proposals compared.
    unacceptable: Vec<crate::evidence::Rejected>,
    /// The thread is choosing traffic selectors for a child SA and has not said how it
    /// ended: a child that then fails was refused for its selectors.
    selecting_ts: bool,
    /// The thread looked for a connection of one IKE version only (`looking for an IKEv1
    /// config for ...`): finding none, the peer's version is what no connection has.
    looked_for_version: bool,
}

/// How many events of one kind about one peer are kept (as for Cisco output).
const KEEP_PER_KIND: usize = crate::ingest::cisco_log::KEEP_PER_KIND;
const KEEP_PER_FILE: usize = crate::ingest::cisco_log::KEEP_PER_FILE;
/// Hosts named by one file's prompts or syslog prefixes that are listed (a syslog server's
/// file may hold thousands; their events keep their host all the same).
const MAX_HOSTS: usize = 64;

pub struct Reader {
    file: Arc<str>,
    pub out: Output,
    threads: HashMap<u32, Thread>,
    /// Message ID → (exchange, peer) of requests sent, for retransmissions.
    requests: HashMap<u32, (String, Option<IpAddr>)>,
    last_retransmit: Option<(Option<u8>, Option<IpAddr>)>,
    kept: HashMap<(std::mem::Discriminant<EventKind>, Option<IpAddr>), usize>,
    listing: Listing,
    /// The host of the prompt or syslog line, for the events that follow.
    pub host: Option<String>,
    pub hosts: Vec<String>,
}

/// `CHILD_SA net{1} established` or `IKE_SA home[1] established between ...` on its own: a
/// charon message without its time and thread tag (trimmed by a script).
fn established_alone(l: &str) -> bool {
    let mut w = l.split_whitespace();
    let (Some(kind), Some(name), Some(verb)) = (w.next(), w.next(), w.next()) else {
        return false;
    };
    let (open, close) = match kind {
        "CHILD_SA" => ('{', '}'),
        "IKE_SA" => ('[', ']'),
        _ => return false,
    };
    let numbered = name
        .strip_suffix(close)
        .and_then(|n| n.rsplit_once(open))
        .is_some_and(|(conn, n)| {
            !conn.is_empty() && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit())
        });
    numbered && verb == "established"
}

/// `moon# swanctl --list-sas`, `client$ docker exec ...` → the host.
fn prompt(l: &str) -> Option<&str> {
    let i = l.find(['#', '$'])?;
    let host = &l[..i];
    let rest = &l[i + 1..];
    let ok = !host.is_empty()
        && host.len() <= 64
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
        && !host.chars().all(|c| c.is_ascii_digit())
        && (rest.is_empty() || rest.starts_with(' '));
    ok.then_some(host)
}

impl Reader {
    pub fn new(path: &str) -> Self {
        Reader {
            file: Arc::from(path),
            out: Output::default(),
            threads: HashMap::new(),
            requests: HashMap::new(),
            last_retransmit: None,
            kept: HashMap::new(),
            listing: Listing::default(),
            host: None,
            hosts: Vec::new(),
        }
    }

    /// Adds an event unless its kind is over budget for its peer; returns its index.
    pub(super) fn push(
        &mut self,
        loc: Loc,
        time: Option<f64>,
        peer: Option<IpAddr>,
        kind: EventKind,
    ) -> Option<usize> {
        let n = self
            .kept
            .entry((std::mem::discriminant(&kind), peer))
            .or_default();
        if *n >= KEEP_PER_KIND || self.out.events.len() >= KEEP_PER_FILE {
            self.out.dropped += 1;
            return None;
        }
        *n += 1;
        self.out.events.push(Event {
            at: loc,
            device: self.host.clone(),
            time,
            peer,
            kind,
        });
        Some(self.out.events.len() - 1)
    }

    pub(super) fn set_peer(&mut self, i: Option<usize>, peer: Option<IpAddr>) {
        if let (Some(i), Some(p)) = (i, peer)
            && let Some(e) = self.out.events.get_mut(i)
            && e.peer.is_none()
        {
            e.peer = Some(p);
        }
    }

    pub fn line(&mut self, no: u32, raw: &str) {
        let l = raw.trim_end();
        if l.is_empty() {
            return;
        }
        let file = self.file.clone();
        let loc = || Loc::line(&file, no, l);
        if let Some(h) = prompt(l) {
            self.end_listing();
            let h = h.to_string();
            if self.hosts.len() < MAX_HOSTS && !self.hosts.contains(&h) {
                self.hosts.push(h.clone());
            }
            self.host = Some(h);
            return;
        }
        let Some(p) = split(l) else {
            if established_alone(l) {
                // A log line cut down to its message (`sed 's/.*\(CHILD.*established\).*/\1/'`).
                self.end_listing();
                self.message(None, l.trim(), loc(), None);
                return;
            }
            let at = loc();
            let mut listing = std::mem::take(&mut self.listing);
            listing.line(self, l, at);
            self.listing = listing;
            return;
        };
        self.end_listing();
        if let Some(h) = p.host {
            let h = h.to_string();
            if self.hosts.len() < MAX_HOSTS && !self.hosts.contains(&h) {
                self.hosts.push(h.clone());
            }
            self.host = Some(h);
        }
        let time = time_of(p.prefix);
        let before = self.out.events.len();
        let dropped = self.out.dropped;
        self.message(p.thread, p.msg, loc(), time);
        let quiet = self.out.events.len() == before && self.out.dropped == dropped;
        let low = p.msg.to_ascii_lowercase();
        if quiet
            && (low.contains("fail") || low.contains("error") || low.contains("unable"))
            && self.out.unrecognised.len() < KEEP_PER_KIND
        {
            self.out.unrecognised.push(loc());
        }
    }

    fn end_listing(&mut self) {
        let mut listing = std::mem::take(&mut self.listing);
        listing.end(self);
        self.listing = listing;
    }

    fn thread(&mut self, t: Option<u32>) -> &mut Thread {
        self.threads.entry(t.unwrap_or(u32::MAX)).or_default()
    }

    fn message(&mut self, t: Option<u32>, msg: &str, at: Loc, time: Option<f64>) {
        let has = |s: &str| msg.contains(s);
        // Packets: the exchange of a sent one is the last message its thread generated; a
        // received one is named by the `parsed` line that follows.
        if let Some(rest) = msg.strip_prefix("sending packet: ") {
            let (peer, port) = after(rest, "to");
            let at_size = at.clone();
            if let (Some(l), _) = after(rest, "from")
                && !self.out.local.contains(&l)
                && self.out.local.len() < 16
            {
                self.out.local.push(l);
            }
            let th = self.thread(t);
            th.peer = peer.or(th.peer);
            let sent = th.sent.clone();
            let waiting = std::mem::take(&mut th.pending_peer);
            for i in waiting {
                self.set_peer(Some(i), peer);
            }
            let state = sent.as_ref().map(|(x, _)| x.clone());
            if let Some((x, Some(id))) = &sent {
                self.requests.insert(*id, (x.clone(), peer));
            }
            let phase = state.as_deref().and_then(exchange_phase);
            self.push(
                at,
                time,
                peer,
                EventKind::IkeMessage {
                    direction: Direction::Sent,
                    state,
                    phase,
                    port,
                },
            );
            if let Some(bytes) = logged_bytes(rest) {
                let direction = Direction::Sent;
                let kind = EventKind::IkeSize {
                    direction,
                    bytes,
                    port,
                };
                self.push(at_size, time, peer, kind);
            }
            return;
        }
        if let Some(rest) = msg.strip_prefix("received packet: ") {
            let (peer, port) = after(rest, "from");
            if let Some(bytes) = logged_bytes(rest) {
                let direction = Direction::Received;
                let kind = EventKind::IkeSize {
                    direction,
                    bytes,
                    port,
                };
                self.push(at.clone(), time, peer, kind);
            }
            let i = self.push(
                at,
                time,
                peer,
                EventKind::IkeMessage {
                    direction: Direction::Received,
                    state: None,
                    phase: None,
                    port,
                },
            );
            let th = self.thread(t);
            th.peer = peer.or(th.peer);
            th.pending_rx = i;
            let waiting = std::mem::take(&mut th.pending_peer);
            for i in waiting {
                self.set_peer(Some(i), peer);
            }
            return;
        }
        if let Some((x, req, id, payloads)) = message(msg) {
            let generating = msg.starts_with("generating");
            // IKEv1 main mode message 5 carries the initiator's identity and hash, the first
            // message the pre-shared key encrypts: the shared vocabulary's MM_KEY_EXCH.
            let name = if x == "ID_PROT"
                && req
                && generating
                && payloads.split_whitespace().any(|p| p == "ID")
            {
                "MM_KEY_EXCH".to_string()
            } else {
                x.to_string()
            };
            let th = self.thread(t);
            let peer = th.peer;
            if generating {
                th.sent = Some((name.clone(), if req { id } else { None }));
            } else {
                th.parsed = Some(x.to_string());
                if let Some(i) = th.pending_rx.take()
                    && let Some(EventKind::IkeMessage { state, phase, .. }) =
                        self.out.events.get_mut(i).map(|e| &mut e.kind)
                {
                    *state = Some(name.clone());
                    *phase = exchange_phase(x);
                }
            }
            let direction = if generating {
                Direction::Sent
            } else {
                Direction::Received
            };
            // A message being generated goes to the peer of the `sending packet` line that
            // follows on this thread; the thread's last peer may be another SA's.
            let peer = if generating { None } else { peer };
            for n in notifies(payloads) {
                let i = self.push(
                    at.clone(),
                    time,
                    peer,
                    EventKind::Notify {
                        direction,
                        name: n.to_string(),
                        phase: notify_phase(n, Some(x)),
                    },
                );
                if let (true, Some(i)) = (generating, i) {
                    self.thread(t).pending_peer.push(i);
                }
            }
            return;
        }
        let peer = self.thread(t).peer;
        let exchange = self.thread(t).parsed.clone();
        let mut kinds: Vec<EventKind> = Vec::new();
        let mut peer_here: Option<IpAddr> = None;
        if let Some(rest) = msg
            .strip_prefix("retransmit ")
            .or_else(|| msg.strip_prefix("sending retransmit "))
        {
            let attempt = rest.split_whitespace().next().and_then(|n| n.parse().ok());
            let id: Option<u32> = rest
                .split_once("message ID ")
                .and_then(|(_, r)| r.split([',', ' ']).next()?.parse().ok());
            let known = id.and_then(|i| self.requests.get(&i)).cloned();
            let phase = match (&known, id) {
                (Some((x, _)), _) => exchange_phase(x),
                (None, Some(0)) => Some(1),
                _ => None,
            };
            peer_here = known.and_then(|(_, p)| p);
            self.last_retransmit = Some((phase, peer_here.or(peer)));
            kinds.push(EventKind::Retransmit { phase, attempt });
        } else if has("giving up after") || has("peer not responding") {
            let (phase, p) = self.last_retransmit.unwrap_or((Some(1), None));
            peer_here = p;
            kinds.push(EventKind::GaveUp { phase });
        } else if let Some(r) = msg
            .strip_prefix("received proposals: ")
            .or_else(|| msg.strip_prefix("configured proposals: "))
        {
            let phase = if r.starts_with("IKE:") { 1 } else { 2 };
            self.thread(t).proposals_phase = Some(phase);
        } else if msg.trim_end().ends_with("selecting proposal:") {
            self.thread(t).unacceptable.clear();
        } else if let Some(r) = msg
            .split_once("no acceptable ")
            .and_then(|(_, r)| r.trim_end().strip_suffix(" found"))
            .and_then(|what| {
                use crate::evidence::Rejected;
                match what {
                    "ENCRYPTION_ALGORITHM" => Some(Rejected::Encryption),
                    "INTEGRITY_ALGORITHM" | "PSEUDO_RANDOM_FUNCTION" => Some(Rejected::Hash),
                    "KEY_EXCHANGE_METHOD" | "DIFFIE_HELLMAN_GROUP" => Some(Rejected::Group),
                    _ => None,
                }
            })
        {
            let th = self.thread(t);
            if !th.unacceptable.contains(&r) {
                th.unacceptable.push(r);
            }
        } else if has("unacceptable, requesting") || has("didn't accept DH group") {
            // INVALID_KE_PAYLOAD: the initiator retries with the group asked for. Not a fault.
        } else if has("looking for an IKEv1 config for") || has("looking for an IKEv2 config for") {
            self.thread(t).looked_for_version = true;
        } else if has("no IKE config found for") {
            peer_here = other_end(msg);
            if std::mem::take(&mut self.thread(t).looked_for_version) {
                kinds.push(EventKind::ProposalRejected {
                    attribute: Some(crate::evidence::Rejected::Version),
                });
            }
            kinds.push(EventKind::NoProposalAccepted { phase: 1 });
        } else if has("no acceptable proposal found")
            || has("no matching proposal found")
            || has("proposals unacceptable")
            || (has("no acceptable") && has("found") && has("proposal"))
        {
            let th = self.thread(t);
            let phase = th
                .proposals_phase
                .or(match th.parsed.as_deref() {
                    Some("IKE_SA_INIT" | "ID_PROT" | "AGGRESSIVE") => Some(1),
                    Some(_) => Some(2),
                    None => None,
                })
                .unwrap_or(1);
            self.thread(t).selecting_ts = false;
            kinds.push(EventKind::NoProposalAccepted { phase });
            // A child whose transforms all matched but for the DH group: PFS is what differs.
            let unacceptable = std::mem::take(&mut self.thread(t).unacceptable);
            if phase == 2 && unacceptable == [crate::evidence::Rejected::Group] {
                kinds.push(EventKind::ProposalRejected {
                    attribute: Some(crate::evidence::Rejected::Group),
                });
            }
        } else if (has("traffic selectors") && (has("inacceptable") || has("unacceptable")))
            || has("no acceptable traffic selectors")
        {
            self.thread(t).selecting_ts = false;
            kinds.push(EventKind::SelectorsRejected);
        } else if has("selecting traffic selectors for") {
            self.thread(t).selecting_ts = true;
        } else if has("failed to establish CHILD_SA") {
            // The initiator refuses the selectors the responder narrowed to (strongSwan
            // says no more than this at its default log level).
            if std::mem::take(&mut self.thread(t).selecting_ts) {
                kinds.push(EventKind::SelectorsRejected);
            }
        } else if has("MAC mismatched") {
            // The peer's AUTH payload does not verify with our key: we answer
            // AUTHENTICATION_FAILED.
            kinds.push(EventKind::Notify {
                direction: Direction::Sent,
                name: "AUTHENTICATION_FAILED".into(),
                phase: Some(1),
            });
        } else if has("no shared key found") {
            kinds.push(EventKind::NoKey);
        } else if has("could not decrypt payloads")
            || has("decryption failed")
            || has("integrity check failed")
        {
            kinds.push(EventKind::Malformed);
        } else if (has("no trusted") && has("public key found"))
            || has("certificate validation failed")
            || has("constraint check failed")
            || (has("certificate") && (has("expired") || has("not valid") || has("revoked")))
        {
            kinds.push(EventKind::CertInvalid);
        } else if msg.starts_with("received ") && (has(" notify") || has("notify error")) {
            if let Some(n) = long_notify(msg)
                && n != "INVALID_KE_PAYLOAD"
            {
                kinds.push(EventKind::Notify {
                    direction: Direction::Received,
                    name: n.to_string(),
                    phase: notify_phase(n, exchange.as_deref()),
                });
            }
        } else if has("IKE_SA") && has(" established between ") {
            peer_here = other_end(msg);
            kinds.push(EventKind::PhaseComplete { phase: 1 });
        } else if has("CHILD_SA") && has(" established") && !has("establishing") {
            self.thread(t).selecting_ts = false;
            kinds.push(EventKind::PhaseComplete { phase: 2 });
        } else if msg.starts_with("authentication of '") && has(" successful") && !has("(myself)") {
            kinds.push(EventKind::Authenticated);
        } else if msg.starts_with("initiating ") && has(" to ") {
            let (p, _) = after(msg, "to");
            self.thread(t).peer = p.or(peer);
        }
        let peer = peer_here.or(peer);
        for k in kinds {
            let i = self.push(at.clone(), time, peer, k);
            if peer.is_none()
                && let Some(i) = i
            {
                self.thread(t).pending_peer.push(i);
            }
        }
    }

    pub fn finish(mut self) -> (Output, Vec<String>) {
        self.end_listing();
        (self.out, self.hosts)
    }
}

/// Reads output from any reader, line by line (files of any size).
pub fn parse_reader(path: &str, mut r: impl std::io::BufRead) -> (Output, Vec<String>) {
    let mut rd = Reader::new(path);
    let mut buf = Vec::new();
    let mut no = 0u32;
    loop {
        buf.clear();
        match r.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                no = no.saturating_add(1);
                rd.line(no, &String::from_utf8_lossy(&buf));
            }
        }
    }
    rd.finish()
}

pub fn parse(path: &str, text: &str) -> (Output, Vec<String>) {
    parse_reader(path, text.as_bytes())
}

/// True when the text holds charon log lines or swanctl/ipsec SA listings.
pub fn looks_like(text: &str) -> bool {
    text.lines().take(5000).any(|l| {
        tagged(l).is_some_and(|(s, _, m)| {
            let tag = &l[s..m];
            [
                "[IKE]", "[NET]", "[CFG]", "[ENC]", "[DMN]", "[KNL]", "[CHD]",
            ]
            .iter()
            .any(|g| tag.contains(&g[..4]))
        }) || l.contains("charon-systemd[")
            || super::list_sas::is_sa_header(l)
            || l.starts_with("Security Associations (")
            || l.starts_with("Status of IKE charon daemon")
    })
}
