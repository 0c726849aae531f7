//! From a frame to the IP datagram it carries (etherparse's lax slicing, which keeps the
//! headers of truncated frames), and the few bytes above IP this tool reads itself.

use etherparse::{EtherType, LaxNetSlice, LaxSlicedPacket};
use pcap_parser::Linktype;
use std::net::IpAddr;

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_UDP: u8 = 17;
pub const PROTO_ESP: u8 = 50;
pub const PROTO_AH: u8 = 51;
pub const PROTO_ICMPV6: u8 = 58;

/// A fragment's place in its datagram.
#[derive(Debug, Clone, Copy)]
pub struct Frag {
    pub id: u32,
    /// Byte offset of this piece in the datagram's payload.
    pub offset: u32,
    pub more: bool,
}

/// One IP datagram (or fragment of one).
pub struct Ip<'a> {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub frag: Option<Frag>,
    pub payload: &'a [u8],
    /// The payload is shorter than the IP header says (snap length).
    pub truncated: bool,
    /// The SPI and sequence number of an AH header (which the slicer reads as an IP
    /// extension, not a payload).
    pub ah_spi: Option<(u32, u32)>,
    /// Routers may not fragment it: IPv4 "don't fragment", always for IPv6.
    pub df: bool,
    /// The whole datagram's length as its header gives it (what a link's MTU limits).
    pub len: u32,
}

fn slice(linktype: Linktype, data: &[u8]) -> Option<LaxSlicedPacket<'_>> {
    match linktype {
        Linktype::ETHERNET => LaxSlicedPacket::from_ethernet(data).ok(),
        Linktype::RAW | Linktype::IPV4 | Linktype::IPV6 => LaxSlicedPacket::from_ip(data).ok(),
        // BSD loopback: a 4-byte address family in host order, then IP.
        Linktype::NULL | Linktype::LOOP => LaxSlicedPacket::from_ip(data.get(4..)?).ok(),
        // Linux cooked v1: 16-byte header ending in the EtherType.
        Linktype::LINUX_SLL => {
            let et = u16::from_be_bytes([*data.get(14)?, *data.get(15)?]);
            Some(LaxSlicedPacket::from_ether_type(
                EtherType(et),
                data.get(16..)?,
            ))
        }
        // Linux cooked v2: 20-byte header starting with the EtherType.
        Linktype::LINUX_SLL2 => {
            let et = u16::from_be_bytes([*data.first()?, *data.get(1)?]);
            Some(LaxSlicedPacket::from_ether_type(
                EtherType(et),
                data.get(20..)?,
            ))
        }
        _ => None,
    }
}

/// The IP datagram in a frame, if it carries one.
pub fn ip_of(linktype: Linktype, data: &[u8]) -> Option<Ip<'_>> {
    let p = slice(linktype, data)?;
    match p.net? {
        LaxNetSlice::Ipv4(v4) => {
            let h = v4.header();
            let pl = v4.payload();
            let offset = u32::from(h.fragments_offset().value()) * 8;
            let frag = (h.more_fragments() || offset > 0).then_some(Frag {
                id: u32::from(h.identification()),
                offset,
                more: h.more_fragments(),
            });
            Some(Ip {
                src: IpAddr::V4(h.source_addr()),
                dst: IpAddr::V4(h.destination_addr()),
                proto: pl.ip_number.0,
                frag,
                payload: pl.payload,
                truncated: pl.incomplete,
                ah_spi: v4.extensions().auth.map(|a| (a.spi(), a.sequence_number())),
                df: h.dont_fragment(),
                len: u32::from(h.total_len()),
            })
        }
        LaxNetSlice::Ipv6(v6) => {
            let h = v6.header();
            let pl = v6.payload();
            // One walk of the extension headers for both things read from them.
            let (mut frag, mut ah_spi) = (None, None);
            for e in v6.extensions().clone() {
                match e {
                    etherparse::Ipv6ExtensionSlice::Fragment(f) if frag.is_none() => {
                        frag = Some(Frag {
                            id: f.identification(),
                            offset: u32::from(f.fragment_offset().value()) * 8,
                            more: f.more_fragments(),
                        })
                    }
                    etherparse::Ipv6ExtensionSlice::Authentication(a) if ah_spi.is_none() => {
                        ah_spi = Some((a.spi(), a.sequence_number()))
                    }
                    _ => {}
                }
            }
            let frag = frag.filter(|f| f.more || f.offset > 0);
            Some(Ip {
                src: IpAddr::V6(h.source_addr()),
                dst: IpAddr::V6(h.destination_addr()),
                proto: pl.ip_number.0,
                frag,
                payload: pl.payload,
                truncated: pl.incomplete,
                ah_spi,
                df: true,
                len: 40 + u32::from(h.payload_length()),
            })
        }
        _ => None,
    }
}

/// An ESP header's SPI and sequence number (ESP, or ESP in UDP after the ports).
pub fn esp_header(b: &[u8]) -> Option<(u32, u32)> {
    let h = b.get(..8)?;
    Some((
        u32::from_be_bytes([h[0], h[1], h[2], h[3]]),
        u32::from_be_bytes([h[4], h[5], h[6], h[7]]),
    ))
}

/// UDP ports and payload.
pub fn udp(payload: &[u8]) -> Option<(u16, u16, &[u8])> {
    let h = payload.get(..8)?;
    let sport = u16::from_be_bytes([h[0], h[1]]);
    let dport = u16::from_be_bytes([h[2], h[3]]);
    Some((sport, dport, &payload[8..]))
}

/// An ICMP error and the datagram it quotes: (kind, next-hop MTU, quoted src, dst, proto).
pub struct IcmpError {
    pub kind: &'static str,
    pub mtu: Option<u32>,
    pub quoted: Option<(IpAddr, IpAddr, u8)>,
}

fn quoted(inner: &[u8]) -> Option<(IpAddr, IpAddr, u8)> {
    let p = LaxSlicedPacket::from_ip(inner).ok()?;
    match p.net? {
        LaxNetSlice::Ipv4(v4) => {
            let h = v4.header();
            Some((
                IpAddr::V4(h.source_addr()),
                IpAddr::V4(h.destination_addr()),
                h.protocol().0,
            ))
        }
        LaxNetSlice::Ipv6(v6) => {
            let h = v6.header();
            Some((
                IpAddr::V6(h.source_addr()),
                IpAddr::V6(h.destination_addr()),
                v6.payload().ip_number.0,
            ))
        }
        _ => None,
    }
}

/// ICMP/ICMPv6 errors that matter to IPsec; None for echo and the rest.
pub fn icmp_error(proto: u8, payload: &[u8]) -> Option<IcmpError> {
    let (t, c) = (*payload.first()?, *payload.get(1)?);
    let inner = payload.get(8..).unwrap_or(&[]);
    let field = || {
        payload
            .get(4..8)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (kind, mtu) = match (proto, t, c) {
        (PROTO_ICMP, 3, 4) => ("frag-needed", field().map(|v| v & 0xffff)),
        (PROTO_ICMP, 3, 9 | 10 | 13) => ("admin-prohibited", None),
        (PROTO_ICMP, 3, _) => ("unreachable", None),
        (PROTO_ICMP, 11, _) => ("time-exceeded", None),
        (PROTO_ICMPV6, 2, _) => ("packet-too-big", field()),
        (PROTO_ICMPV6, 1, 1) => ("admin-prohibited", None),
        (PROTO_ICMPV6, 1, _) => ("unreachable", None),
        (PROTO_ICMPV6, 3, _) => ("time-exceeded", None),
        _ => return None,
    };
    Some(IcmpError {
        kind,
        mtu,
        quoted: quoted(inner),
    })
}
