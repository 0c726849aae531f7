//! What packet captures prove: which IKE messages went unanswered, whose fragments never
//! arrived, which notifies refused what, which way ESP flows. With captures from both ends,
//! each message sent at one end is looked for at the other (by its bytes' digest, which NAT
//! does not change), so a drop is placed on the path between them.

use super::cause::{Cause, Step};
use super::finding::{Finding, Probe, Remedy, Severity};
use crate::evidence::wire::{WireEsp, WireFragments, WireIcmp, WireIke};
use crate::evidence::{Event, EventKind};
use crate::model::Loc;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};

struct Msg<'a> {
    w: &'a WireIke,
    at: &'a Loc,
    time: Option<f64>,
}

/// The IKE SAs of one capture, by initiator SPI, in frame order.
type Sas<'a> = BTreeMap<&'a str, Vec<Msg<'a>>>;

pub(super) const FRAG_ADVICE: &str = "IKE messages this large need the path to carry IP fragments, or IKE to fragment them itself: enable IKE fragmentation on both peers (IOS: `crypto isakmp fragmentation`, IKEv2 `crypto ikev2 fragmentation mtu 1200`; ASA: `crypto ikev1 fragmentation`, `crypto ikev2 fragmentation mtu 1200`; strongSwan/libreswan: `fragmentation=yes` / `fragmentation=force`), send smaller certificates, and ask the provider to pass IP fragments and ICMP type 3 code 4";

/// One IKE message as the size reading sees it: its IKE length, the UDP port it was sent to,
/// and whether it left whole with "don't fragment" (None where the evidence does not say, as
/// in a daemon's log).
#[derive(Debug, Clone, Copy)]
pub(super) struct Sized {
    pub bytes: u32,
    pub port: u16,
    pub df: Option<bool>,
}

/// Up to this an IKE message fits the 576-byte datagram every IPv4 path carries: its size
/// cannot be why it is lost.
const FITS_ANY_PATH: u32 = 548;

/// Why IKE messages are lost on the path, as their sizes and ports tell against the same
/// sender's messages that got through: the code, whether the evidence decides it, the words.
pub(super) struct Reading {
    pub code: Cause,
    pub certain: bool,
    pub text: String,
}

/// Lost whole messages (not in IP fragments) that are all larger than everything the same
/// sender got through, and larger than any path must carry: a path-MTU black hole. Certain
/// when smaller messages crossed on the same port (so the port is open); otherwise ranked
/// above a filtered port, which the evidence cannot rule out. None when size does not explain
/// the loss.
pub(super) fn size_reading(lost: &[Sized], passed: &[Sized]) -> Option<Reading> {
    let lost_min = lost.iter().map(|m| m.bytes).min()?;
    let lost_max = lost.iter().map(|m| m.bytes).max()?;
    let passed_max = passed.iter().map(|m| m.bytes).max()?;
    if lost_min <= passed_max || lost_min <= FITS_ANY_PATH {
        return None;
    }
    let port = lost[0].port;
    let one_port = lost.iter().all(|m| m.port == port);
    let same_port = passed
        .iter()
        .filter(|m| one_port && m.port == port)
        .map(|m| m.bytes)
        .max();
    let size = if lost_min == lost_max {
        format!("{lost_min} bytes")
    } else {
        format!("{lost_min}-{lost_max} bytes")
    };
    let df = if lost.iter().all(|m| m.df == Some(true)) {
        ", sent whole with DF (don't fragment) set"
    } else {
        ""
    };
    let why = "a link on the path has a smaller MTU, the router before it drops what does not fit, and the ICMP fragmentation-needed that would make the sender fragment (or IKE-fragment) never comes back (ICMP filtered: Path MTU Discovery cannot work)";
    Some(match same_port {
        Some(small) => Reading {
            code: Cause::IkeFragmentsDropped,
            certain: true,
            text: format!(
                "Only the large messages vanish: the lost ones are {size}{df}, while messages of up to {small} bytes crossed on the same UDP {port}, so the port is open. A path-MTU black hole: {why}."
            ),
        },
        None => Reading {
            code: Cause::IkeFragmentsDropped,
            certain: false,
            text: format!(
                "The lost message(s) are {size}{df}, larger than anything that crossed (at most {passed_max} bytes). Readings, most likely first: (1) a path-MTU black hole: {why}; (2) UDP {port} is filtered on the path{}: nothing has crossed on UDP {port} yet, so this evidence cannot rule it out. A DF ping of that size towards the peer (`ping -M do -s {}`) failing while small ones pass tells (1); a small message on UDP {port} lost too tells (2).",
                if port == 4500 { " (natt-blocked)" } else { "" },
                // ICMP echo data as large as the IKE message and its non-ESP marker.
                lost_min + if port == 4500 { 4 } else { 0 }
            ),
        },
    })
}

/// When size cannot explain a loss: the words that say so, for a port-filter reading.
pub(super) fn size_excluded(lost: &[Sized], passed: &[Sized]) -> String {
    let (Some(lost_max), Some(passed_max)) = (
        lost.iter().map(|m| m.bytes).max(),
        passed.iter().map(|m| m.bytes).max(),
    ) else {
        return String::new();
    };
    if lost_max <= passed_max {
        format!(
            " The lost message(s) ({lost_max} bytes) are no larger than ones that crossed ({passed_max} bytes): their size does not explain the loss."
        )
    } else if lost_max <= FITS_ANY_PATH {
        format!(
            " The lost message(s) ({lost_max} bytes) fit any path's MTU: their size does not explain the loss."
        )
    } else {
        String::new()
    }
}

fn sized(m: &Msg<'_>) -> Sized {
    Sized {
        bytes: m.w.length,
        port: m.w.dst.port(),
        df: Some(m.w.df),
    }
}

fn capture_of(e: &Event) -> &str {
    e.device.as_deref().unwrap_or("capture")
}

fn unanswered_requests<'a>(msgs: &'a [Msg<'a>], initiator: IpAddr) -> Vec<&'a Msg<'a>> {
    let from_init: Vec<&Msg<'_>> = msgs.iter().filter(|m| m.w.src.ip() == initiator).collect();
    let from_resp: Vec<&Msg<'_>> = msgs.iter().filter(|m| m.w.src.ip() != initiator).collect();
    match msgs.first().map(|m| m.w.version) {
        Some(2) => from_init
            .into_iter()
            .filter(|m| m.w.response != Some(true))
            .filter(|m| {
                !from_resp
                    .iter()
                    .any(|r| r.w.message_id == m.w.message_id && r.w.response == Some(true))
            })
            .collect(),
        // IKEv1 has no response flag: the initiator's messages after the responder's last.
        _ => {
            let last_resp = from_resp.last().map(|r| r.at.packet);
            from_init
                .into_iter()
                .filter(|m| last_resp.is_none_or(|l| m.at.packet > l))
                .collect()
        }
    }
}

fn parties(a: &str, b: String) -> Vec<String> {
    let mut v = vec![a.to_string(), b];
    v.sort();
    v
}

/// Findings about one IKE SA seen in one capture.
fn sa_findings(cap: &str, msgs: &[Msg<'_>], icmp: &[(&WireIcmp, &Loc)], out: &mut Vec<Finding>) {
    let Some(first) = msgs.first() else { return };
    let init = first.w.src.ip();
    let resp_addr = first.w.dst;
    let who = parties(cap, resp_addr.ip().to_string());
    let from_resp: Vec<&Msg<'_>> = msgs.iter().filter(|m| m.w.src.ip() != init).collect();
    // Refusals in clear.
    for m in &from_resp {
        for n in &m.w.notifies {
            let (code, step, what) = match n.as_str() {
                "NO_PROPOSAL_CHOSEN"
                    if m.w.exchange == "quick" || m.w.exchange == "CREATE_CHILD_SA" =>
                {
                    (
                        Cause::TransformSetMismatch,
                        Step::Phase2,
                        "accepted none of the IPsec proposals",
                    )
                }
                "NO_PROPOSAL_CHOSEN" => (
                    Cause::IkeProposalMismatch,
                    Step::Phase1,
                    "accepted none of the IKE proposals",
                ),
                "TS_UNACCEPTABLE" | "INVALID_ID_INFORMATION" => (
                    Cause::CryptoAclAsymmetric,
                    Step::Phase2,
                    "refused the traffic selectors (proxy identities)",
                ),
                "AUTHENTICATION_FAILED" => (
                    Cause::PskMismatch,
                    Step::Phase1,
                    "refused the authentication",
                ),
                _ => continue,
            };
            let mut f = Finding::new(
                code,
                cap,
                format!(
                    "{} {what} from {init}: its {} {} carries {n} (frame {}).",
                    m.w.src.ip(),
                    m.w.exchange,
                    if m.w.response == Some(true) {
                        "response"
                    } else {
                        "message"
                    },
                    m.at.packet.unwrap_or(0)
                ),
            )
            .certain()
            .step(step)
            .evidence([m.at]);
            f.parties = who.clone();
            out.push(f);
        }
    }
    // IKEv1: the encrypted main mode message 5 answered only by an informational message
    // (a notify in clear) is the responder failing to decrypt it: keys differ.
    if first.w.version == 1 {
        let mm5 = msgs
            .iter()
            .find(|m| m.w.src.ip() == init && m.w.encrypted && m.w.exchange == "main");
        let info = mm5.and_then(|x| {
            from_resp
                .iter()
                .find(|r| r.at.packet > x.at.packet && r.w.exchange == "informational")
        });
        let answered = mm5.is_some_and(|x| {
            from_resp
                .iter()
                .any(|r| r.at.packet > x.at.packet && r.w.exchange == "main")
        });
        if let (Some(x), Some(r), false) = (mm5, info, answered) {
            let mut f = Finding::new(
                Cause::PskMismatch,
                cap,
                format!(
                    "{} answers {init}'s encrypted main mode message 5 with an informational message{} instead of message 6: it could not decrypt it, most often because the pre-shared keys differ.",
                    r.w.src.ip(),
                    if r.w.notifies.is_empty() { String::new() } else { format!(" ({})", r.w.notifies.join(", ")) }
                ),
            )
            .evidence([x.at, r.at]);
            f.parties = who.clone();
            out.push(f);
            return;
        }
    }
    // Requests the responder never answered.
    let open = unanswered_requests(msgs, init);
    if open.len() < 2 {
        return;
    }
    let evidence: Vec<&Loc> = open.iter().map(|m| m.at).take(6).collect();
    let fragmented = open.iter().any(|m| m.w.ip_fragments > 0);
    let big = open.iter().map(|m| m.w.length).max().unwrap_or(0);
    let on_4500 = open.iter().all(|m| m.w.dst.port() == 4500)
        && msgs
            .iter()
            .any(|m| m.w.dst.port() == 500 && m.w.src.ip() != init);
    let icmp_about: Vec<&(&WireIcmp, &Loc)> = icmp
        .iter()
        .filter(|(i, _)| {
            i.about
                .is_some_and(|(s, d, _)| s == init && d == resp_addr.ip())
        })
        .collect();
    let frag_needed = icmp
        .iter()
        .any(|(i, _)| i.kind == "frag-needed" || i.kind == "packet-too-big");
    let exchange = &open[0].w.exchange;
    // What the same initiator got through: its requests that were answered.
    let lost: Vec<Sized> = open.iter().map(|m| sized(m)).collect();
    let passed: Vec<Sized> = msgs
        .iter()
        .filter(|m| m.w.src.ip() == init && !open.iter().any(|o| o.at == m.at))
        .map(sized)
        .collect();
    let by_size = (!fragmented)
        .then(|| size_reading(&lost, &passed))
        .flatten();
    let answered: Vec<&Loc> = msgs
        .iter()
        .filter(|m| m.w.src.ip() == init && !open.iter().any(|o| o.at == m.at))
        .map(|m| m.at)
        .take(2)
        .collect();
    let mut f = if let Some((i, at)) = icmp_about.first() {
        let code = if i.kind == "admin-prohibited" {
            Cause::IkeBlocked
        } else {
            Cause::IpUnreachable
        };
        Finding::new(
            code,
            cap,
            format!(
                "{init}'s {exchange} to {} goes unanswered ({} sends), and ICMP {} comes back from {} about it.",
                resp_addr,
                open.len(),
                i.kind,
                i.from
            ),
        )
        .certain()
        .evidence([*at])
    } else if fragmented {
        Finding::new(
            Cause::IkeFragmentsDropped,
            cap,
            format!(
                "{init} sends its {exchange} ({big} bytes, in IP fragments) to {} {} times and never gets an answer, while smaller messages went through: the fragments are lost on the path{}.",
                resp_addr,
                open.len(),
                if frag_needed {
                    ""
                } else {
                    " (and no ICMP fragmentation-needed came back: Path MTU Discovery cannot work)"
                }
            ),
        )
    } else if let Some(r) = &by_size {
        let f = Finding::new(
            r.code,
            cap,
            format!(
                "{init} sends its {exchange} to {} {} times and never gets an answer, while its smaller messages were answered. {}",
                open[0].w.dst,
                open.len(),
                r.text
            ),
        );
        let f = f.evidence(answered.iter().copied());
        if r.certain { f.certain() } else { f }
    } else if on_4500 {
        Finding::new(
            Cause::NattBlocked,
            cap,
            format!(
                "{init} moved to UDP 4500 for its {exchange} (NAT traversal) and {} never answers there, though it answered on UDP 500: UDP 4500 is filtered.{}",
                resp_addr,
                size_excluded(&lost, &passed)
            ),
        )
    } else if first.w.version == 1 && open.iter().all(|m| m.w.encrypted && m.w.exchange == "main") {
        Finding::new(
            Cause::PskMismatch,
            cap,
            format!(
                "{} answered main mode up to the key exchange, but never answers {init}'s encrypted message 5: it cannot decrypt it, most often because the pre-shared keys differ.",
                resp_addr.ip()
            ),
        )
    } else {
        Finding::new(
            Cause::IkeBlocked,
            cap,
            format!(
                "{init} sends its {exchange} to {} {} times and nothing comes back in this capture: UDP {} is filtered on the way, the peer is unreachable, or it is the wrong address.",
                resp_addr,
                open.len(),
                resp_addr.port()
            ),
        )
    };
    f = f.evidence(evidence).check(
        cap,
        "capture at the other end too: does the request arrive, does an answer leave?",
        vec![Probe::Capture {
            local: Some(init),
            peer: resp_addr.ip(),
        }],
    );
    if fragmented || by_size.is_some() {
        f = f.fix(
            cap,
            vec![Remedy::Text {
                text: FRAG_ADVICE.into(),
            }],
        );
    }
    f.parties = who;
    out.push(f);
}

/// Which pieces of a datagram are lost says why: the first arriving while later ones do not
/// is a filter or NAT that drops non-first fragments (they carry no ports), not an MTU limit.
fn which_pieces(w: &WireFragments) -> &'static str {
    let first_in = !w.missing.iter().any(|(a, _)| *a == 0);
    if first_in {
        " The first fragment (with the UDP header) arrives and the later ones do not: something on the path drops non-first fragments (a filter or a NAT that cannot match them without ports), which no MTU setting explains."
    } else {
        " The first fragment (the largest) is missing while later ones arrive: a link with a smaller MTU drops it, and no ICMP fragmentation-needed tells the sender."
    }
}

/// INVALID_KE_PAYLOAD is fine when the initiator retries with the group asked for (often on a
/// new IKE SA); a mismatch when it never does.
fn invalid_ke(cap: &str, sas: &Sas<'_>, out: &mut Vec<Finding>) {
    let all: Vec<&Msg<'_>> = sas.values().flatten().collect();
    for m in all
        .iter()
        .filter(|m| m.w.notifies.iter().any(|n| n == "INVALID_KE_PAYLOAD"))
    {
        let (resp, init) = (m.w.src.ip(), m.w.dst.ip());
        for g in &m.w.groups {
            let retried = all.iter().any(|x| {
                x.w.src.ip() == init
                    && x.w.dst.ip() == resp
                    && x.w.groups.contains(g)
                    && x.at.packet > m.at.packet
            });
            if retried {
                continue;
            }
            let mut offered: Vec<u16> = all
                .iter()
                .filter(|x| x.w.src.ip() == init && x.w.dst.ip() == resp)
                .flat_map(|x| x.w.groups.iter().copied())
                .collect();
            offered.sort();
            offered.dedup();
            let offered: Vec<String> = offered.iter().map(|x| x.to_string()).collect();
            let mut f = Finding::new(
                Cause::IkeProposalMismatch,
                cap,
                format!(
                    "{resp} wants Diffie-Hellman group {g} (INVALID_KE_PAYLOAD) but {init} never retries with it (it offered group {}).",
                    if offered.is_empty() { "?".into() } else { offered.join(", ") }
                ),
            )
            .certain()
            .evidence([m.at]);
            f.parties = parties(cap, resp.to_string());
            out.push(f);
        }
    }
}

/// One capture alone shows NAT when IKE runs from a port other than 500/4500 (NAPT), or
/// moves to UDP 4500, or a private address talks IKE with a public one.
/// `elsewhere` gives, for a message digest, the addresses the same message carries in the
/// other captures.
fn nat_t(
    cap: &str,
    sas: &Sas<'_>,
    esp: &[(&WireEsp, &Loc)],
    elsewhere: &dyn Fn(u64) -> Vec<(SocketAddr, SocketAddr)>,
    out: &mut Vec<Finding>,
) {
    let all: Vec<&Msg<'_>> = sas.values().flatten().collect();
    let napt = all
        .iter()
        .find(|m| ![500, 4500].contains(&m.w.src.port()) || ![500, 4500].contains(&m.w.dst.port()));
    let moved = all
        .iter()
        .find(|m| m.w.dst.port() == 4500 || m.w.src.port() == 4500);
    let private = all.iter().find(|m| {
        super::lookup::is_private(m.w.src.ip()) != super::lookup::is_private(m.w.dst.ip())
    });
    // The peers' own NAT detection hashes, checked against the packet here, prove it...
    let natd = all.iter().find(|m| m.w.natd.is_some_and(|(s, d)| !s || !d));
    // ...unless the same message shows the same addresses in another capture: then nothing
    // rewrote it, and the sender fakes the hash to force UDP encapsulation.
    let unchanged = |m: &Msg<'_>| {
        let views = elsewhere(m.w.digest);
        !views.is_empty() && views.iter().all(|v| *v == (m.w.src, m.w.dst))
    };
    if natd.is_some_and(|m| unchanged(m)) && napt.is_none() && private.is_none() {
        return;
    }
    // With one capture only, a faked hash cannot be told from a NAT.
    let natd_only = natd.is_some() && napt.is_none() && private.is_none();
    let Some(m) = natd.or(napt).or(moved).or(private) else {
        return;
    };
    let between = |w: &WireEsp| {
        all.iter().any(|x| {
            (x.w.src.ip() == w.src && x.w.dst.ip() == w.dst)
                || (x.w.src.ip() == w.dst && x.w.dst.ip() == w.src)
        })
    };
    // AH signs the outer addresses NAT rewrites; raw ESP has no ports for a NAPT to track.
    let ah = esp.iter().find(|(w, _)| w.ah && between(w));
    let raw_esp = esp
        .iter()
        .find(|(w, _)| !w.ah && !w.udp && between(w))
        .filter(|_| moved.is_none());
    if let Some((w, at)) = ah.or(raw_esp) {
        let why = if w.ah {
            "AH protects the outer IP header, which the NAT rewrites: every AH packet fails its integrity check. Use ESP only"
        } else {
            "the peers never moved to UDP 4500, so ESP travels raw (IP protocol 50, no ports) and a port-translating NAT cannot forward it. Enable NAT traversal on both peers"
        };
        let mut f = Finding::new(
            Cause::NatBreaksIpsec,
            cap,
            format!(
                "NAT is in the path ({}) and {} {} -> {} crosses it: {why}.",
                if napt.is_some() {
                    "IKE source ports are rewritten"
                } else {
                    "a private address talks to a public one"
                },
                if w.ah { "AH" } else { "raw ESP" },
                w.src,
                w.dst
            ),
        )
        .certain()
        .evidence([m.at, *at]);
        f.parties = parties(cap, w.dst.to_string());
        out.push(f);
    }
    let how = if let Some(x) = natd {
        let (s, _) = x.w.natd.unwrap_or((true, true));
        format!(
            "the NAT detection hash {} sent for its {} address does not match the packet captured here ({} -> {}): a NAT rewrote it on the way, or the sender forces UDP encapsulation (strongSwan `encap = yes`, userspace libipsec), which fakes this hash on purpose",
            x.w.src.ip(),
            if s { "destination" } else { "source" },
            x.w.src,
            x.w.dst
        )
    } else if napt.is_some() {
        format!(
            "IKE runs between ports {} and {} (a NAT rewrote the port)",
            m.w.src.port(),
            m.w.dst.port()
        )
    } else if moved.is_some() {
        "the peers moved to UDP 4500 (NAT traversal, after detecting NAT)".into()
    } else {
        format!(
            "the private address {} talks IKE with a public one",
            if super::lookup::is_private(m.w.src.ip()) {
                m.w.src.ip()
            } else {
                m.w.dst.ip()
            }
        )
    };
    let mut f = Finding::new(
        Cause::NatInPath,
        cap,
        format!("NAT is in the path: {how}. UDP 4500 must pass both ways and AH cannot be used."),
    )
    .severity(Severity::Info)
    .evidence([m.at]);
    if !natd_only {
        f = f.certain();
    }
    f.parties = parties(cap, m.w.dst.ip().to_string());
    out.push(f);
}

/// Fragment sets of IKE datagrams that arrived only in part (those a two-capture finding
/// already tells are skipped).
fn fragment_findings(
    cap: &str,
    frags: &[(&WireFragments, &Loc)],
    cited: &[(String, u32)],
    out: &mut Vec<Finding>,
) {
    for (w, at) in frags {
        if cited.iter().any(|(c, id)| c == cap && *id == w.id) {
            continue;
        }
        let ike = w.proto == 17
            && !w.esp_in_udp
            && w.ports
                .is_none_or(|(s, d)| [500, 4500].contains(&s) || [500, 4500].contains(&d));
        if !ike {
            continue;
        }
        let gaps: Vec<String> = w
            .missing
            .iter()
            .map(|(a, b)| {
                if b > a {
                    format!("{a}-{b}")
                } else {
                    format!("{a}-end")
                }
            })
            .collect();
        let mut f = Finding::new(
            Cause::IkeFragmentsDropped,
            cap,
            format!(
                "Only {} fragment(s) of the {}IP datagram {} from {} to {} reached this capture (frame {}); bytes {} never arrived, so the IKE message inside is lost.{}",
                w.frames.len(),
                w.total.map(|t| format!("{t}-byte ")).unwrap_or_default(),
                w.id,
                w.src,
                w.dst,
                w.frames.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", "),
                gaps.join(", "),
                which_pieces(w)
            ),
        )
        .certain()
        .evidence([*at])
        .fix(cap, vec![Remedy::Text { text: FRAG_ADVICE.into() }]);
        f.parties = parties(cap, w.src.to_string());
        out.push(f);
    }
}

/// ESP that flows one way only between two peers that both send ESP elsewhere or negotiated.
fn esp_findings(
    cap: &str,
    esp: &[(&WireEsp, &Loc)],
    ike_pairs: &[(IpAddr, IpAddr)],
    out: &mut Vec<Finding>,
) {
    for (w, at) in esp {
        let back = esp
            .iter()
            .any(|(x, _)| x.src == w.dst && x.dst == w.src && x.ah == w.ah);
        let negotiated = ike_pairs
            .iter()
            .any(|(a, b)| (*a == w.src && *b == w.dst) || (*a == w.dst && *b == w.src));
        if back || !negotiated || w.packets < 3 {
            continue;
        }
        let (code, proto) = if w.ah {
            (Cause::AhBlocked, "AH")
        } else {
            (Cause::EspBlocked, "ESP")
        };
        let mut f = Finding::new(
            code,
            cap,
            format!(
                "{proto} flows one way only: {} packets from {} to {} (SPI 0x{:08x}) and none back in this capture. Either {}'s {proto} never reaches {} or {} drops what it receives; a capture at {} tells which.",
                w.packets, w.src, w.dst, w.spi, w.src, w.dst, w.dst, w.dst
            ),
        )
        .evidence([*at])
        .check(cap, "capture at the other end", vec![Probe::Capture { local: Some(w.dst), peer: w.src }]);
        f.parties = parties(cap, w.dst.to_string());
        out.push(f);
    }
}

/// Captures from both ends: ESP (or AH) of an SPI that leaves one and never reaches the
/// other, though the other capture shows the same IKE exchange (so it sits on the path).
fn esp_across(
    caps: &BTreeMap<&str, Sas<'_>>,
    esp: &BTreeMap<&str, Vec<(&WireEsp, &Loc)>>,
    icmp_seen: &BTreeMap<&str, bool>,
    out: &mut Vec<Finding>,
) {
    let first = out.len();
    for (a, flows) in esp {
        for (b, there) in esp.iter().filter(|(b, _)| *b != a) {
            let shared = caps
                .get(a)
                .zip(caps.get(b))
                .is_some_and(|(x, y)| x.keys().any(|spi| y.contains_key(spi)));
            if !shared {
                continue;
            }
            for (w, at) in flows {
                // Raw ESP keeps its SPI through NAT; the far end's flow of it, if any.
                let got: u64 = there
                    .iter()
                    .filter(|(x, _)| x.spi == w.spi && x.ah == w.ah)
                    .map(|(x, _)| x.packets)
                    .sum();
                // Only the large ones missing, the small ones through: an MTU black hole.
                let far_max = there
                    .iter()
                    .filter(|(x, _)| x.spi == w.spi && x.ah == w.ah)
                    .flat_map(|(x, _)| x.lens.iter().map(|(l, _)| *l))
                    .max();
                if let Some(fm) = far_max
                    && got < w.packets
                {
                    let big: u64 = w.lens.iter().filter(|(l, _)| *l > fm).map(|(_, n)| n).sum();
                    let smallest_lost = w.lens.iter().map(|(l, _)| *l).filter(|l| *l > fm).min();
                    if big > 0
                        && got + big >= w.packets
                        && let Some(lost_from) = smallest_lost
                    {
                        let frag_needed = icmp_seen.get(a).is_some_and(|v| *v);
                        let mut f = Finding::new(
                            Cause::PmtuBlackHole,
                            a,
                            format!(
                                "{big} ESP packet(s) of SPI 0x{:08x} of {lost_from} bytes or more left {} in {a}'s capture and never reached {b}'s capture, while those up to {fm} bytes did: the path cannot carry the larger ones and{} no ICMP fragmentation-needed reaches the sender, so Path MTU Discovery cannot adapt. Lower the tunnel MTU / clamp TCP MSS on both gateways (e.g. 1350), and ask the provider to pass ICMP type 3 code 4.",
                                w.spi,
                                w.src,
                                if frag_needed { " (though some ICMP came back)" } else { "" }
                            ),
                        )
                        .certain()
                        .evidence([*at]);
                        f.parties = parties(a, b.to_string());
                        out.push(f);
                        continue;
                    }
                }
                if w.packets < 3 || got * 10 >= w.packets {
                    continue;
                }
                let proto = if w.ah { "AH" } else { "ESP" };
                let mut f = Finding::new(
                    if w.ah { Cause::AhBlocked } else { Cause::EspBlocked },
                    a,
                    format!(
                        "{} {proto} packets of SPI 0x{:08x} left {} in {a}'s capture and {got} reached {b}'s capture, which shows the same IKE exchange: {proto} is dropped on the path between them.",
                        w.packets, w.spi, w.src
                    ),
                )
                .certain()
                .evidence([*at]);
                f.parties = parties(a, b.to_string());
                // Lost the other way too (each end's capture saw its own sent): one fault
                // of the path, told both ways.
                if let Some(g) = out[first..]
                    .iter_mut()
                    .find(|g| g.code == f.code && g.parties == f.parties && g.peer != f.peer)
                {
                    g.summary = format!(
                        "{proto} is dropped both ways: {} The other way too: {}",
                        g.summary, f.summary
                    );
                    for l in &f.evidence {
                        g.add_evidence(l);
                    }
                    continue;
                }
                out.push(f);
            }
        }
    }
}

/// Captures from both ends: messages that left one and never reached the other.
fn correlate(
    caps: &BTreeMap<&str, Sas<'_>>,
    frags: &BTreeMap<&str, Vec<(&WireFragments, &Loc)>>,
    cited: &mut Vec<(String, u32)>,
    out: &mut Vec<Finding>,
) {
    let names: Vec<&str> = caps.keys().copied().collect();
    for a in &names {
        for b in &names {
            if a == b {
                continue;
            }
            for (spi, msgs) in &caps[a] {
                let Some(there) = caps[b].get(spi) else {
                    continue;
                };
                // Captured at both ends, a message only one end has was lost on the way from
                // that end; the other capture must hold part of the same exchange.
                let found = |m: &Msg<'_>| there.iter().any(|t| t.w.digest == m.w.digest);
                // Before the first message both hold, the other capture may not have started.
                let Some(start) = msgs.iter().position(found) else {
                    continue;
                };
                let lost: Vec<&Msg<'_>> = msgs[start..].iter().filter(|m| !found(m)).collect();
                let seen_other = there
                    .iter()
                    .any(|t| msgs.iter().any(|m| m.w.digest == t.w.digest));
                let rewritten = msgs.iter().find_map(|m| {
                    there
                        .iter()
                        .find(|t| {
                            t.w.digest == m.w.digest && (t.w.src != m.w.src || t.w.dst != m.w.dst)
                        })
                        .map(|t| (m, t))
                });
                let nat = rewritten.is_some();
                // Each pair of captures reports its NAT once (from the first capture's side).
                if let Some((m, t)) = rewritten
                    && a < b
                {
                    let mut f = Finding::new(
                        Cause::NatInPath,
                        a,
                        format!(
                            "NAT sits between the two captures: the same IKE message leaves as {} -> {} in {a}'s capture and arrives as {} -> {} in {b}'s. Both peers must use NAT traversal (UDP 4500), and AH cannot cross.",
                            m.w.src, m.w.dst, t.w.src, t.w.dst
                        ),
                    )
                    .severity(Severity::Info)
                    .certain()
                    .evidence([m.at, t.at]);
                    f.parties = parties(a, b.to_string());
                    out.push(f);
                }
                if lost.is_empty() || !seen_other {
                    continue;
                }
                let fragmented = lost.iter().any(|m| m.w.ip_fragments > 0);
                // What the same sender got across: its messages the other capture holds.
                let sender = lost[0].w.src.ip();
                let lost_sized: Vec<Sized> = lost.iter().map(|m| sized(m)).collect();
                let passed: Vec<Sized> = msgs
                    .iter()
                    .filter(|m| m.w.src.ip() == sender && found(m))
                    .map(sized)
                    .collect();
                let by_size = (!fragmented)
                    .then(|| size_reading(&lost_sized, &passed))
                    .flatten();
                let code = if fragmented {
                    Cause::IkeFragmentsDropped
                } else if let Some(r) = &by_size {
                    r.code
                } else if lost.iter().all(|m| m.w.dst.port() == 4500) {
                    Cause::NattBlocked
                } else {
                    Cause::IkeBlocked
                };
                let reading = match &by_size {
                    Some(r) => format!(" {}", r.text),
                    None if !fragmented => size_excluded(&lost_sized, &passed),
                    None => String::new(),
                };
                let frames: Vec<String> = lost
                    .iter()
                    .map(|m| m.at.packet.unwrap_or(0).to_string())
                    .take(8)
                    .collect();
                let first = lost[0];
                // The other end's incomplete fragment sets from the same sender: what of the
                // lost messages did arrive.
                let partial: Vec<&(&WireFragments, &Loc)> = frags
                    .get(b)
                    .map(|v| {
                        v.iter()
                            .filter(|(w, _)| {
                                fragmented
                                    && w.dst == first.w.dst.ip()
                                    && (w.src == first.w.src.ip() || nat)
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                for (w, _) in &partial {
                    cited.push((b.to_string(), w.id));
                }
                let arrived = if partial.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {b}'s capture holds only part of {} of them: {} fragment(s), bytes {} missing.{}",
                        partial.len(),
                        partial.iter().map(|(w, _)| w.frames.len()).sum::<usize>(),
                        partial
                            .first()
                            .map(|(w, _)| {
                                w.missing
                                    .iter()
                                    .map(|(x, y)| {
                                        if y > x {
                                            format!("{x}-{y}")
                                        } else {
                                            format!("{x}-end")
                                        }
                                    })
                                    .collect::<Vec<_>>()
                                    .join(", ")
                            })
                            .unwrap_or_default(),
                        partial
                            .first()
                            .map(|(w, _)| which_pieces(w))
                            .unwrap_or_default()
                    )
                };
                let mut f = Finding::new(
                    code,
                    a,
                    format!(
                        "{} IKE message(s) left {}{} (in {a}'s capture, frames {}: {} {} bytes{}) and never reached {b}'s capture, which shows the same exchange's other messages{}.{arrived}{reading}",
                        lost.len(),
                        first.w.src.ip(),
                        first
                            .time
                            .map(|t| format!(" from {}", super::timeline::clock_text(t)))
                            .unwrap_or_default(),
                        frames.join(", "),
                        first.w.exchange,
                        first.w.length,
                        if fragmented {
                            ", sent in IP fragments".to_string()
                        } else if first.w.df {
                            format!(", {}-byte datagrams with DF", first.w.datagram)
                        } else {
                            format!(", {}-byte datagrams", first.w.datagram)
                        },
                        if nat {
                            "; NAT rewrites the addresses between the two captures"
                        } else {
                            ""
                        },
                    ),
                );
                // The loss is proven; its cause only when the sizes decide it.
                if by_size.as_ref().is_none_or(|r| r.certain) {
                    f = f.certain();
                }
                f = f
                    .evidence(lost.iter().map(|m| m.at).take(6))
                    .evidence(partial.iter().map(|(_, l)| *l).take(6))
                    .evidence(there.iter().map(|t| t.at).take(2));
                if fragmented || by_size.is_some() {
                    f = f.fix(
                        a,
                        vec![Remedy::Text {
                            text: FRAG_ADVICE.into(),
                        }],
                    );
                }
                f.parties = parties(a, b.to_string());
                out.push(f);
            }
        }
    }
}

pub fn findings(events: &[Event]) -> Vec<Finding> {
    let mut caps: BTreeMap<&str, Sas<'_>> = BTreeMap::new();
    let mut icmp: BTreeMap<&str, Vec<(&WireIcmp, &Loc)>> = BTreeMap::new();
    let mut frags: BTreeMap<&str, Vec<(&WireFragments, &Loc)>> = BTreeMap::new();
    let mut esp: BTreeMap<&str, Vec<(&WireEsp, &Loc)>> = BTreeMap::new();
    for e in events {
        let cap = capture_of(e);
        match &e.kind {
            EventKind::WireIke(w) => caps
                .entry(cap)
                .or_default()
                .entry(w.ispi.as_str())
                .or_default()
                .push(Msg {
                    w,
                    at: &e.at,
                    time: e.time,
                }),
            EventKind::WireIcmp(w) => icmp.entry(cap).or_default().push((w, &e.at)),
            EventKind::WireFragments(w) => frags.entry(cap).or_default().push((w, &e.at)),
            EventKind::WireEsp(w) => esp.entry(cap).or_default().push((w, &e.at)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for (cap, sas) in &caps {
        let ic = icmp.get(cap).cloned().unwrap_or_default();
        for msgs in sas.values() {
            sa_findings(cap, msgs, &ic, &mut out);
        }
        invalid_ke(cap, sas, &mut out);
        let elsewhere = |digest: u64| -> Vec<(SocketAddr, SocketAddr)> {
            caps.iter()
                .filter(|(c, _)| *c != cap)
                .flat_map(|(_, s)| s.values().flatten())
                .filter(|m| m.w.digest == digest)
                .map(|m| (m.w.src, m.w.dst))
                .collect()
        };
        nat_t(
            cap,
            sas,
            esp.get(cap).map(Vec::as_slice).unwrap_or(&[]),
            &elsewhere,
            &mut out,
        );
        let pairs: Vec<(IpAddr, IpAddr)> = sas
            .values()
            .filter_map(|m| m.first())
            .map(|m| (m.w.src.ip(), m.w.dst.ip()))
            .collect();
        if let Some(e) = esp.get(cap) {
            esp_findings(cap, e, &pairs, &mut out);
        }
    }
    let mut cited = Vec::new();
    if caps.len() >= 2 {
        correlate(&caps, &frags, &mut cited, &mut out);
        let frag_needed: BTreeMap<&str, bool> = icmp
            .iter()
            .map(|(c, v)| {
                (
                    *c,
                    v.iter()
                        .any(|(i, _)| i.kind == "frag-needed" || i.kind == "packet-too-big"),
                )
            })
            .collect();
        esp_across(&caps, &esp, &frag_needed, &mut out);
    }
    for (cap, f) in &frags {
        fragment_findings(cap, f, &cited, &mut out);
    }
    // A one-way flow seen from one end is a consequence of what the other end's capture (or
    // the NAT) proves: the proof stays, the guess goes.
    let proved = |code: Cause| {
        out.iter()
            .any(|f| f.code == code && f.confidence == super::Confidence::Certain)
    };
    let (esp_proved, ah_explained) = (
        proved(Cause::EspBlocked),
        proved(Cause::AhBlocked) || proved(Cause::NatBreaksIpsec),
    );
    out.retain(|f| {
        f.confidence == super::Confidence::Certain
            || !((f.code == Cause::EspBlocked && esp_proved)
                || (f.code == Cause::AhBlocked && ah_explained))
    });
    // NAT seen between two captures says more than each capture's own hint of it.
    let paired: Vec<String> = out
        .iter()
        .filter(|f| {
            f.code == Cause::NatInPath && f.parties.iter().all(|p| caps.contains_key(p.as_str()))
        })
        .flat_map(|f| f.parties.clone())
        .collect();
    out.retain(|f| {
        f.code != Cause::NatInPath
            || f.parties.iter().all(|p| caps.contains_key(p.as_str()))
            || !f.peer.as_ref().is_some_and(|p| paired.contains(p))
    });
    for f in &mut out {
        if f.severity == Severity::Error && f.step.is_none() {
            f.step = f.code.step();
        }
    }
    out
}
