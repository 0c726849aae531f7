//! Both peers' logs on one clock. Routers' clocks disagree (one prints wall time, the other
//! uptime; NTP is often missing), so each log's offset from the first is estimated from the
//! IKE packets one side sent and the other received: the offset that lines up the most
//! send/receive pairs wins. The timeline then orders what happened on both ends.

use crate::evidence::{Direction, Event, EventKind};
use crate::model::{Device, Loc};
use std::net::IpAddr;

/// How far a device's clock is from the reference device's.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Offset {
    pub device: String,
    pub relative_to: String,
    /// Add to the reference clock to get this device's clock.
    pub seconds: f64,
    /// How many sent/received packet pairs agree with this offset.
    pub matched_packets: usize,
}

#[derive(Debug, Clone)]
pub struct Moment {
    /// Seconds on the reference device's clock.
    pub at: f64,
    pub device: String,
    pub what: String,
    pub loc: Loc,
}

#[derive(Debug, Clone, Default)]
pub struct Timeline {
    pub offsets: Vec<Offset>,
    pub moments: Vec<Moment>,
}

/// The most moments a timeline shows: enough to see an exchange fail, short enough to read.
pub const MAX_MOMENTS: usize = 60;

/// Packets one device and another agree on within this many seconds (network delay and
/// debug timestamp resolution).
const TOLERANCE: f64 = 1.0;

fn what(e: &Event) -> Option<String> {
    let peer = e
        .peer
        .map(|p| format!(" {p}"))
        .unwrap_or_else(|| " its peer".into());
    Some(match &e.kind {
        EventKind::IkeMessage {
            direction, state, ..
        } => {
            let st = state
                .as_ref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            match direction {
                Direction::Sent => format!("sends IKE to{peer}{st}"),
                Direction::Received => format!("receives IKE from{peer}{st}"),
            }
        }
        EventKind::Retransmit { phase, .. } => match phase {
            Some(p) => format!("retransmits to{peer} (phase {p})"),
            None => format!("retransmits to{peer}"),
        },
        EventKind::GaveUp { .. } => format!("gives up on{peer}"),
        EventKind::Notify {
            direction, name, ..
        } => match direction {
            Direction::Sent => format!("sends notify {name} to{peer}"),
            Direction::Received => format!("receives notify {name} from{peer}"),
        },
        EventKind::ProposalRejected { .. } | EventKind::NoProposalAccepted { .. } => {
            format!("refuses the proposal of{peer}")
        }
        EventKind::NoKey => format!("has no key for{peer}"),
        EventKind::IkeDisabled => "has IKE switched off".into(),
        EventKind::Malformed => format!("cannot decrypt the message from{peer}"),
        EventKind::Authenticated => format!("authenticates{peer}"),
        EventKind::SelectorsRejected => format!("refuses the proxy identities of{peer}"),
        EventKind::CertInvalid => format!("refuses the certificate of{peer}"),
        EventKind::OwnCertInvalid => "holds an expired certificate of its own".into(),
        EventKind::AuthRefusedByPeer => format!("is refused authentication by{peer}"),
        EventKind::QuickModeBadCert => format!("refuses the identity of{peer}"),
        EventKind::PhaseComplete { phase } => format!("completes phase {phase} with{peer}"),
        EventKind::InvalidSpi => format!("gets ESP on an unknown SPI from{peer}"),
        EventKind::ReplayDrop => "drops a replayed/reordered packet".into(),
        EventKind::WireIke(w) => format!(
            "{} {} {} #{} {} -> {}{}",
            if w.version == 1 { "IKEv1" } else { "IKEv2" },
            w.exchange,
            match w.response {
                Some(true) => "response",
                Some(false) => "request",
                None => "message",
            },
            w.message_id,
            w.src,
            w.dst,
            if w.notifies.is_empty() {
                String::new()
            } else {
                format!(" [{}]", w.notifies.join(", "))
            }
        ),
        EventKind::WireFragments(f) => format!(
            "only {} fragment(s) of a datagram {} -> {} arrived",
            f.frames.len(),
            f.src,
            f.dst
        ),
        EventKind::WireIcmp(i) => format!("ICMP {} from {}", i.kind, i.from),
        EventKind::StateChange { .. }
        | EventKind::SaState { .. }
        | EventKind::Counters { .. }
        | EventKind::IkeSize { .. }
        | EventKind::WireEsp(_) => {
            return None;
        }
    })
}

fn times(events: &[&Event], dir: Direction) -> Vec<(f64, Option<IpAddr>)> {
    events
        .iter()
        .filter_map(|e| match (&e.kind, e.time) {
            (EventKind::IkeMessage { direction, .. }, Some(t)) if *direction == dir => {
                Some((t, e.peer))
            }
            _ => None,
        })
        .take(200)
        .collect()
}

/// B's clock minus A's, from the packets A sent to B and B received from A (and back).
fn offset(
    a: &[&Event],
    b: &[&Event],
    a_dev: Option<&Device>,
    b_dev: Option<&Device>,
) -> Option<(f64, usize)> {
    let peers = |ev: &[&Event]| -> Vec<IpAddr> {
        let mut v: Vec<IpAddr> = ev.iter().filter_map(|e| e.peer).collect();
        v.sort();
        v.dedup();
        v
    };
    let (pa, pb) = (peers(a), peers(b));
    // A packet of A's is about B when B owns its peer address, or when each side talks to
    // one address only (then they talk to each other).
    let about_b = |p: Option<IpAddr>| match (p, b_dev) {
        (Some(p), Some(d)) if d.owns(p) => true,
        (Some(_), _) => pa.len() == 1 && pb.len() == 1,
        _ => false,
    };
    let about_a = |p: Option<IpAddr>| match (p, a_dev) {
        (Some(p), Some(d)) if d.owns(p) => true,
        (Some(_), _) => pa.len() == 1 && pb.len() == 1,
        _ => false,
    };
    let pairs = |from: &[(f64, Option<IpAddr>)], to: &[(f64, Option<IpAddr>)]| -> Vec<(f64, f64)> {
        let mut v = Vec::new();
        for (s, _) in from {
            for (r, _) in to {
                v.push((*s, *r));
            }
        }
        v
    };
    let a_sent: Vec<_> = times(a, Direction::Sent)
        .into_iter()
        .filter(|(_, p)| about_b(*p))
        .collect();
    let b_recv: Vec<_> = times(b, Direction::Received)
        .into_iter()
        .filter(|(_, p)| about_a(*p))
        .collect();
    let b_sent: Vec<_> = times(b, Direction::Sent)
        .into_iter()
        .filter(|(_, p)| about_a(*p))
        .collect();
    let a_recv: Vec<_> = times(a, Direction::Received)
        .into_iter()
        .filter(|(_, p)| about_b(*p))
        .collect();
    // Candidate offsets: every (sent, received) pair in either direction, and every packet
    // two captures both hold (same bytes, whatever NAT did to the addresses).
    let mut candidates: Vec<f64> = pairs(&a_sent, &b_recv).iter().map(|(s, r)| r - s).collect();
    candidates.extend(pairs(&b_sent, &a_recv).iter().map(|(s, r)| s - r));
    let wire = |ev: &[&Event]| -> Vec<(u64, f64)> {
        ev.iter()
            .filter_map(|e| match (&e.kind, e.time) {
                (EventKind::WireIke(w), Some(t)) => Some((w.digest, t)),
                _ => None,
            })
            .take(200)
            .collect()
    };
    let (wa, wb) = (wire(a), wire(b));
    let same: Vec<f64> = wa
        .iter()
        .filter_map(|(d, ta)| wb.iter().find(|(e, _)| e == d).map(|(_, tb)| tb - ta))
        .collect();
    if !same.is_empty() {
        // Identical packets pin the offset: the median of their differences.
        let mut v = same.clone();
        v.sort_by(f64::total_cmp);
        return Some((v[v.len() / 2], v.len()));
    }
    let score = |off: f64| {
        let fwd = a_sent
            .iter()
            .filter(|(s, _)| b_recv.iter().any(|(r, _)| (r - off - s).abs() <= TOLERANCE))
            .count();
        let back = b_sent
            .iter()
            .filter(|(s, _)| a_recv.iter().any(|(r, _)| (s - off - r).abs() <= TOLERANCE))
            .count();
        fwd + back
    };
    candidates
        .into_iter()
        .map(|c| (c, score(c)))
        .max_by(|x, y| x.1.cmp(&y.1).then(y.0.abs().total_cmp(&x.0.abs())))
        .filter(|(_, n)| *n > 0)
}

/// The merged timeline, when at least two devices' logs carry times.
pub fn build(devices: &[Device], events: &[Event]) -> Timeline {
    let mut names: Vec<&str> = Vec::new();
    for e in events.iter().filter(|e| e.time.is_some()) {
        if let Some(d) = e.device.as_deref()
            && !names.contains(&d)
        {
            names.push(d);
        }
    }
    if names.len() < 2 {
        return Timeline::default();
    }
    let of = |n: &str| -> Vec<&Event> {
        events
            .iter()
            .filter(|e| e.device.as_deref() == Some(n) && e.time.is_some())
            .collect()
    };
    let dev = |n: &str| devices.iter().find(|d| d.name == n);
    let reference = names[0];
    let base = of(reference);
    let mut out = Timeline::default();
    let mut shift: Vec<(&str, f64)> = vec![(reference, 0.0)];
    for n in &names[1..] {
        let Some((secs, matched)) = offset(&base, &of(n), dev(reference), dev(n)) else {
            // Without a shared packet the clocks cannot be compared: no timeline for it.
            continue;
        };
        shift.push((n, secs));
        out.offsets.push(Offset {
            device: n.to_string(),
            relative_to: reference.to_string(),
            seconds: secs,
            matched_packets: matched,
        });
    }
    if shift.len() < 2 {
        return Timeline::default();
    }
    let mut moments: Vec<Moment> = events
        .iter()
        .filter_map(|e| {
            let d = e.device.as_deref()?;
            let (_, s) = shift.iter().find(|(n, _)| *n == d)?;
            Some(Moment {
                at: e.time? - s,
                device: d.to_string(),
                what: what(e)?,
                loc: e.at.clone(),
            })
        })
        .collect();
    // Same instant: file order (the sender's line before the receiver's).
    moments.sort_by(|a, b| a.at.total_cmp(&b.at));
    moments.truncate(MAX_MOMENTS);
    out.moments = moments;
    out
}

/// `3 h 2 min 5.1 s`, `0.4 s`.
pub fn duration_text(secs: f64) -> String {
    let h = (secs / 3600.0) as u64;
    let m = ((secs % 3600.0) / 60.0) as u64;
    let s = secs % 60.0;
    match (h, m) {
        (0, 0) => format!("{s:.1} s"),
        (0, _) => format!("{m} min {s:.1} s"),
        _ => format!("{h} h {m} min {s:.1} s"),
    }
}

/// `HH:MM:SS.mmm` of seconds since midnight.
pub fn clock_text(t: f64) -> String {
    let t = t.rem_euclid(86_400.0);
    let h = (t / 3600.0) as u32;
    let m = ((t % 3600.0) / 60.0) as u32;
    let s = t % 60.0;
    format!("{h:02}:{m:02}:{s:06.3}")
}
