//! What a packet capture shows, in the shared vocabulary: IKE messages, fragment sets that
//! never completed, ICMP errors, ESP flows. Each event's `Loc` names the capture and frame.

use serde::Serialize;
use std::net::{IpAddr, SocketAddr};

#[derive(Debug, Clone, Serialize)]
pub struct WireIke {
    pub src: SocketAddr,
    pub dst: SocketAddr,
    pub version: u8,
    /// "main", "aggressive", "quick", "informational", "IKE_SA_INIT", "IKE_AUTH"...
    pub exchange: String,
    pub message_id: u32,
    /// IKEv2 R flag; None for IKEv1, where the direction is told by who initiated.
    pub response: Option<bool>,
    /// The IKE SA: the initiator's and responder's SPIs (cookies), hex.
    pub ispi: String,
    pub rspi: String,
    /// The IKE message's own length.
    pub length: u32,
    pub encrypted: bool,
    /// Notify type names carried in clear.
    pub notifies: Vec<String>,
    /// DH groups named: the KE payload's, or the one an INVALID_KE_PAYLOAD asks for.
    pub groups: Vec<u16>,
    /// The IP datagram came in fragments (reassembled here).
    pub ip_fragments: u32,
    /// The IP datagram's length on the wire (all its fragments' payloads with one header
    /// when it came in pieces): what a link's MTU limits.
    pub datagram: u32,
    /// Sent whole with "don't fragment" (IPv4 DF; always for IPv6): a router whose next
    /// link is smaller must drop it and say so by ICMP.
    pub df: bool,
    /// IKE-level fragment (IKEv2 SKF or IKEv1 Cisco fragmentation): (number, total).
    pub ike_fragment: Option<(u16, u16)>,
    /// IKEv2 NAT detection checked against the packet as captured: (source hash matches,
    /// destination hash matches); None when the message carries none.
    pub natd: Option<(bool, bool)>,
    /// A digest of the message bytes, to find the same message in another capture.
    pub digest: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct WireFragments {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub proto: u8,
    pub id: u32,
    /// Frames of the pieces that arrived.
    pub frames: Vec<u64>,
    pub bytes_seen: u32,
    /// The datagram's payload length, when its last piece arrived.
    pub total: Option<u32>,
    /// UDP ports, when the first piece (with the UDP header) arrived.
    pub ports: Option<(u16, u16)>,
    /// The first piece shows ESP in UDP 4500 rather than IKE.
    pub esp_in_udp: bool,
    /// Byte ranges no piece covered.
    pub missing: Vec<(u32, u32)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WireIcmp {
    /// The router or host that sent the error.
    pub from: IpAddr,
    pub to: IpAddr,
    /// "frag-needed", "packet-too-big", "unreachable", "admin-prohibited", "time-exceeded".
    pub kind: String,
    pub mtu: Option<u32>,
    /// The datagram the error is about: source, destination, protocol.
    pub about: Option<(IpAddr, IpAddr, u8)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WireEsp {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub spi: u32,
    pub packets: u64,
    /// ESP in UDP 4500 (NAT traversal).
    pub udp: bool,
    /// An AH flow rather than ESP.
    pub ah: bool,
    /// Lowest and highest sequence number seen.
    pub seq: (u32, u32),
    /// Packet sizes (from the SPI on) and how many of each.
    pub lens: Vec<(u32, u64)>,
    pub first_time: f64,
    pub last_time: f64,
}
