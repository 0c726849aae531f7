//! Frame by frame: IP (fragments reassembled), UDP 500/4500 → IKE messages, ESP flows, ICMP
//! errors → evidence events. Bounded: at most `KEEP_PER_SA` IKE messages per IKE SA and
//! `MAX_FLOWS` ESP flows are kept; the rest are counted.

use super::frag::{Key, Outcome, Tracker};
use super::frame::Frame;
use super::ike;
use super::net::{self, PROTO_ESP, PROTO_ICMP, PROTO_ICMPV6, PROTO_UDP};
use crate::evidence::wire::{WireEsp, WireFragments, WireIcmp, WireIke};
use crate::evidence::{Event, EventKind};
use crate::model::Loc;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

pub const KEEP_PER_SA: u32 = 64;
const MAX_FLOWS: usize = 4096;
const MAX_ICMP: usize = 256;
const MAX_EVENTS: usize = 20_000;

/// One ESP or AH packet as the flow table counts it.
struct Seen {
    spi: u32,
    seq: u32,
    len: u32,
    udp: bool,
    ah: bool,
}

/// The IP datagram an upper-layer payload came in: its length on the wire, whether it was
/// sent with "don't fragment", and how many fragments it was reassembled from (0: whole).
#[derive(Clone, Copy)]
struct Whole {
    len: u32,
    df: bool,
    pieces: u32,
}

/// Packet sizes kept per flow: a path that drops only the large ones (an MTU black hole)
/// shows as sizes one end sent and the other never saw.
const MAX_LENS: usize = 16;

impl Flow {
    fn count_len(&mut self, len: u32) {
        if let Some(e) = self.lens.iter_mut().find(|(l, _)| *l == len) {
            e.1 += 1;
        } else if self.lens.len() < MAX_LENS {
            self.lens.push((len, 1));
        } else if let Some(e) = self
            .lens
            .iter_mut()
            .max_by_key(|(l, _)| *l)
            .filter(|e| len > e.0)
        {
            // Full: the largest size stands for all larger ones.
            *e = (len, e.1 + 1);
        }
    }
}

struct Flow {
    /// (size in bytes from the SPI on, packets of that size)
    lens: Vec<(u32, u64)>,
    packets: u64,
    first: (u64, f64),
    last_time: f64,
    /// Lowest and highest sequence number seen: more numbers than packets means some never
    /// reached the capture point.
    seq: (u32, u32),
}

pub struct Analyzer {
    file: Arc<str>,
    frags: Tracker,
    // Looked up once per ESP packet: a fast hash, not a DoS-resistant one (keys come from one
    // capture, and the map is bounded).
    esp: rustc_hash::FxHashMap<(IpAddr, IpAddr, u32, bool, bool), Flow>,
    per_sa: HashMap<[u8; 8], u32>,
    icmp: usize,
    pub events: Vec<Event>,
    /// Events counted but not kept.
    pub dropped: u64,
    pub frames: u64,
    /// IKE datagrams that did not decode.
    pub undecodable: u64,
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// IKEv2 NAT detection (RFC 7296 2.23): each side hashes SPIs, address and port as it sends
/// them; a hash that does not match the packet as captured here proves NAT between the
/// sender and this capture point. (source hash matches, destination hash matches)
fn nat_detection(m: &ike::IkeMsg, src: SocketAddr, dst: SocketAddr) -> Option<(bool, bool)> {
    use sha1::{Digest, Sha1};
    if m.version != 2 {
        return None;
    }
    let hash = |a: SocketAddr| {
        let mut h = Sha1::new();
        h.update(m.ispi);
        h.update(m.rspi);
        match a.ip() {
            IpAddr::V4(v) => h.update(v.octets()),
            IpAddr::V6(v) => h.update(v.octets()),
        }
        h.update(a.port().to_be_bytes());
        h.finalize().to_vec()
    };
    let mut found = None;
    for p in &m.payloads {
        if let ike::Payload::Notify { kind, data, .. } = p {
            let (s, d) = found.get_or_insert((true, true));
            match kind {
                16388 => *s &= *data == hash(src),
                16389 => *d &= *data == hash(dst),
                _ => {}
            }
        }
    }
    // Only when the message carried NAT detection at all.
    m.payloads
        .iter()
        .any(|p| {
            matches!(
                p,
                ike::Payload::Notify {
                    kind: 16388 | 16389,
                    ..
                }
            )
        })
        .then_some(found.unwrap_or((true, true)))
}

impl Analyzer {
    pub fn new(path: &str) -> Self {
        Analyzer {
            file: Arc::from(path),
            frags: Tracker::default(),
            esp: Default::default(),
            per_sa: HashMap::new(),
            icmp: 0,
            events: Vec::new(),
            dropped: 0,
            frames: 0,
            undecodable: 0,
        }
    }

    fn push(&mut self, frame: u64, time: f64, text: String, kind: EventKind) {
        if self.events.len() >= MAX_EVENTS {
            self.dropped += 1;
            return;
        }
        self.events.push(Event {
            at: Loc::frame(&self.file, frame, &text),
            device: None,
            time: Some(time.rem_euclid(86_400.0)),
            peer: None,
            kind,
        });
    }

    pub fn frame(&mut self, f: &Frame<'_>) {
        self.frames = f.no;
        let Some(ip) = net::ip_of(f.linktype, f.data) else {
            return;
        };
        if let Some((spi, seq)) = ip.ah_spi {
            let len = f.data.len() as u32;
            self.flow(
                f,
                ip.src,
                ip.dst,
                Seen {
                    spi,
                    seq,
                    len,
                    udp: false,
                    ah: true,
                },
            );
            return;
        }
        if let Some(fr) = ip.frag {
            let key = Key {
                src: ip.src,
                dst: ip.dst,
                proto: ip.proto,
                id: fr.id,
            };
            if let Outcome::Complete(set, Some(bytes)) = self
                .frags
                .add(key, f.no, f.time, fr.offset, fr.more, ip.payload)
            {
                let n = set.pieces.len() as u32;
                // One header (IPv4 20 bytes, IPv6 40) and the reassembled payload.
                let header = if ip.src.is_ipv4() { 20 } else { 40 };
                let whole = Whole {
                    len: header + bytes.len() as u32,
                    df: false,
                    pieces: n,
                };
                self.datagram(f, ip.src, ip.dst, ip.proto, &bytes, whole);
            }
            return;
        }
        let whole = Whole {
            len: ip.len,
            df: ip.df,
            pieces: 0,
        };
        self.datagram(f, ip.src, ip.dst, ip.proto, ip.payload, whole);
    }

    fn datagram(
        &mut self,
        f: &Frame<'_>,
        src: IpAddr,
        dst: IpAddr,
        proto: u8,
        payload: &[u8],
        whole: Whole,
    ) {
        match proto {
            PROTO_UDP => {
                let Some((sp, dp, body)) = net::udp(payload) else {
                    return;
                };
                let (s, d) = (SocketAddr::new(src, sp), SocketAddr::new(dst, dp));
                if sp == 500 || dp == 500 {
                    self.ike(f, s, d, body, whole);
                } else if sp == 4500 || dp == 4500 {
                    match body {
                        // NAT keepalive.
                        [0xff] => {}
                        // The non-ESP marker: IKE follows.
                        [0, 0, 0, 0, rest @ ..] => self.ike(f, s, d, rest, whole),
                        _ => {
                            if let Some((spi, seq)) = net::esp_header(body) {
                                let len = body.len() as u32;
                                let seen = Seen {
                                    spi,
                                    seq,
                                    len,
                                    udp: true,
                                    ah: false,
                                };
                                self.flow(f, src, dst, seen);
                            }
                        }
                    }
                }
            }
            PROTO_ESP => {
                if let Some((spi, seq)) = net::esp_header(payload) {
                    let len = payload.len() as u32;
                    let seen = Seen {
                        spi,
                        seq,
                        len,
                        udp: false,
                        ah: false,
                    };
                    self.flow(f, src, dst, seen);
                }
            }
            PROTO_ICMP | PROTO_ICMPV6 => {
                if self.icmp >= MAX_ICMP {
                    return;
                }
                if let Some(e) = net::icmp_error(proto, payload) {
                    self.icmp += 1;
                    let text = format!(
                        "ICMP {} from {src} to {dst}{}",
                        e.kind,
                        e.mtu
                            .map(|m| format!(" (next-hop MTU {m})"))
                            .unwrap_or_default()
                    );
                    self.push(
                        f.no,
                        f.time,
                        text,
                        EventKind::WireIcmp(Box::new(WireIcmp {
                            from: src,
                            to: dst,
                            kind: e.kind.to_string(),
                            mtu: e.mtu,
                            about: e.quoted,
                        })),
                    );
                }
            }
            _ => {}
        }
    }

    fn flow(&mut self, f: &Frame<'_>, src: IpAddr, dst: IpAddr, p: Seen) {
        let key = (src, dst, p.spi, p.udp, p.ah);
        if let Some(fl) = self.esp.get_mut(&key) {
            fl.packets += 1;
            fl.last_time = f.time;
            fl.seq = (fl.seq.0.min(p.seq), fl.seq.1.max(p.seq));
            fl.count_len(p.len);
        } else if self.esp.len() < MAX_FLOWS {
            let mut fl = Flow {
                packets: 1,
                first: (f.no, f.time),
                last_time: f.time,
                seq: (p.seq, p.seq),
                lens: Vec::new(),
            };
            fl.count_len(p.len);
            self.esp.insert(key, fl);
        }
    }

    fn ike(&mut self, f: &Frame<'_>, src: SocketAddr, dst: SocketAddr, body: &[u8], whole: Whole) {
        let frags = whole.pieces;
        let Ok(m) = ike::decode(body) else {
            self.undecodable += 1;
            return;
        };
        let n = self.per_sa.entry(m.ispi).or_default();
        *n += 1;
        if *n > KEEP_PER_SA {
            self.dropped += 1;
            return;
        }
        let mut notifies = Vec::new();
        let mut groups = Vec::new();
        let mut ike_fragment = None;
        for p in &m.payloads {
            match p {
                ike::Payload::Notify { name, .. } => {
                    // RFC 2408 spells IKEv1 names with hyphens; one spelling for the engine.
                    notifies.push(name.replace('-', "_"));
                }
                ike::Payload::KeyExchange { group: Some(g), .. } => groups.push(*g),
                ike::Payload::EncryptedFragment { number, total, .. } => {
                    ike_fragment = Some((*number, *total))
                }
                ike::Payload::Fragment { number, last, .. } => {
                    ike_fragment = Some((
                        u16::from(*number),
                        if *last { u16::from(*number) } else { 0 },
                    ))
                }
                _ => {}
            }
        }
        // INVALID_KE_PAYLOAD names the group the responder wants (the decoder reads it).
        groups.extend(m.invalid_ke_group());
        let natd = nat_detection(&m, src, dst);
        let mut h = std::collections::hash_map::DefaultHasher::new();
        body.hash(&mut h);
        let w = WireIke {
            src,
            dst,
            version: m.version,
            exchange: m.exchange_name.to_string(),
            message_id: m.message_id,
            response: m.response,
            ispi: hex(&m.ispi),
            rspi: hex(&m.rspi),
            length: m.length,
            encrypted: m.encrypted,
            notifies,
            groups,
            ip_fragments: frags,
            datagram: whole.len,
            df: whole.df && frags == 0,
            ike_fragment,
            natd,
            digest: h.finish(),
        };
        let text = format!(
            "IKEv{} {} {}msg {} {} -> {}, {} bytes{}{}",
            w.version,
            w.exchange,
            match w.response {
                Some(true) => "response ",
                Some(false) => "request ",
                None => "",
            },
            w.message_id,
            w.src,
            w.dst,
            w.length,
            if frags > 0 {
                format!(", in {frags} IP fragments")
            } else if w.df {
                format!(", {}-byte datagram with DF", w.datagram)
            } else {
                format!(", {}-byte datagram", w.datagram)
            },
            if w.notifies.is_empty() {
                String::new()
            } else {
                format!(", notify {}", w.notifies.join(", "))
            }
        );
        self.push(f.no, f.time, text, EventKind::WireIke(Box::new(w)));
    }

    /// Closes what is still open: incomplete fragment sets and ESP flows become events.
    pub fn finish(mut self) -> (Vec<Event>, u64) {
        self.frags.finish();
        for s in std::mem::take(&mut self.frags.incomplete) {
            let first = s.pieces.first().map(|p| p.frame).unwrap_or(0);
            let w = WireFragments {
                src: s.key.src,
                dst: s.key.dst,
                proto: s.key.proto,
                id: s.key.id,
                frames: s.pieces.iter().map(|p| p.frame).collect(),
                bytes_seen: s.pieces.iter().map(|p| p.len).sum(),
                total: s.total,
                ports: s.ports,
                esp_in_udp: s.esp_in_udp,
                missing: s.missing(),
            };
            let text = format!(
                "{} of the fragments of IP datagram {} ({} -> {}) arrived; bytes {} never did",
                w.frames.len(),
                w.id,
                w.src,
                w.dst,
                w.missing
                    .iter()
                    .map(|(a, b)| if b > a {
                        format!("{a}-{b}")
                    } else {
                        format!("{a}-end")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            self.push(
                first,
                s.first_time,
                text,
                EventKind::WireFragments(Box::new(w)),
            );
        }
        let mut flows: Vec<_> = self.esp.drain().collect();
        flows.sort_by_key(|(_, f)| f.first.0);
        for ((src, dst, spi, udp, ah), fl) in flows {
            let span = u64::from(fl.seq.1.saturating_sub(fl.seq.0)) + 1;
            let text = format!(
                "{}{} SPI 0x{spi:08x} {src} -> {dst}: {} packets, sequence {}-{}{}",
                if ah { "AH" } else { "ESP" },
                if udp { " in UDP" } else { "" },
                fl.packets,
                fl.seq.0,
                fl.seq.1,
                if span > fl.packets {
                    format!(" ({} numbers never seen here)", span - fl.packets)
                } else {
                    String::new()
                }
            );
            self.push(
                fl.first.0,
                fl.first.1,
                text,
                EventKind::WireEsp(Box::new(WireEsp {
                    src,
                    dst,
                    spi,
                    packets: fl.packets,
                    udp,
                    ah,
                    seq: fl.seq,
                    lens: fl.lens,
                    first_time: fl.first.1,
                    last_time: fl.last_time,
                })),
            );
        }
        (self.events, self.dropped)
    }
}
