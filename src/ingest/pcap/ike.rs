//! IKEv1 (RFC 2408/2409) and IKEv2 (RFC 7296) message decoding from a UDP payload.
//!
//! [`decode`] takes the UDP payload of port 500, or of port 4500 after the caller stripped the
//! four-byte non-ESP marker (RFC 3948), and returns the header and the cleartext payloads in
//! order. Encrypted bodies (IKEv1 E flag, IKEv2 SK/SKF) are recorded, not opened.
//!
//! Decoding is total: every byte string gives `Ok` or `Err`, every loop advances by at least
//! four bytes and the payload chain is capped, and nothing is allocated from a length field
//! before that length is checked against the buffer.

pub mod names;

#[cfg(test)]
mod tests;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The fixed ISAKMP/IKE header: two SPIs, next payload, version, exchange, flags, message ID,
/// length.
pub const HEADER_LEN: usize = 28;

/// Upper bound on payloads walked in one message. Real messages carry a few dozen at most
/// (a Main Mode 1 with many vendor IDs); the cap bounds work on crafted input.
pub const MAX_PAYLOADS: usize = 256;

const V1_FLAG_ENCRYPTED: u8 = 0x01;
const V2_FLAG_INITIATOR: u8 = 0x08;
const V2_FLAG_RESPONSE: u8 = 0x20;

/// Why a UDP payload is not a decodable IKE message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("truncated IKE header: {len} bytes, the header needs {HEADER_LEN}")]
    TruncatedHeader { len: usize },
    #[error("unsupported IKE major version {major} (version byte {version:#04x})")]
    UnsupportedVersion { major: u8, version: u8 },
    #[error("bad length: header says {declared} bytes, less than the {HEADER_LEN}-byte header")]
    LengthTooSmall { declared: u32 },
    #[error("truncated message: header says {declared} bytes, only {available} present")]
    Truncated { declared: u32, available: usize },
    #[error("bad payload chain at offset {offset} (payload type {kind}): {reason}")]
    BadPayload {
        offset: usize,
        kind: u8,
        reason: &'static str,
    },
    #[error("more than {MAX_PAYLOADS} payloads (stopped at offset {offset})")]
    TooManyPayloads { offset: usize },
}

/// One decoded IKE message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IkeMsg {
    /// Major version: 1 or 2.
    pub version: u8,
    pub minor_version: u8,
    /// Initiator SPI (IKEv1: initiator cookie).
    pub ispi: [u8; 8],
    /// Responder SPI (IKEv1: responder cookie); zero in a first message.
    pub rspi: [u8; 8],
    pub exchange: u8,
    pub exchange_name: &'static str,
    pub message_id: u32,
    /// The header's length field (the message may be followed by bytes it does not cover).
    pub length: u32,
    /// Raw header flags.
    pub flags: u8,
    /// The header's next-payload field: type of the first payload.
    pub next_payload: u8,
    /// IKEv1 E flag, or an IKEv2 SK/SKF payload present.
    pub encrypted: bool,
    /// IKEv2 R flag (None for IKEv1, which has no such flag).
    pub response: Option<bool>,
    /// IKEv2 I flag: sent by the original initiator of the IKE SA.
    pub from_original_initiator: Option<bool>,
    /// Payloads in wire order; the walk stops at an encrypted body.
    pub payloads: Vec<Payload>,
    /// Wire payload type of each entry of `payloads` (same index): tells IDi from IDr, TSi
    /// from TSr, NAT-D 20 from its draft numbers, and gives the order for display.
    pub payload_types: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Payload {
    Sa {
        proposals: Vec<Proposal>,
    },
    /// IKEv2 KE carries its DH group; IKEv1 KE does not (None). `len` is the key data length.
    KeyExchange {
        group: Option<u16>,
        len: usize,
    },
    Nonce {
        len: usize,
    },
    /// Identification: `kind` is the ID type (1 IPv4, 2 FQDN, 3 user FQDN / RFC 822, 5 IPv6,
    /// 9 DER DN, 11 key ID, ...); `data` is the identity after the ID payload's fixed header.
    Id {
        kind: u8,
        data: Vec<u8>,
    },
    Cert,
    CertReq,
    Hash,
    Signature,
    Auth {
        method: u8,
    },
    Notify {
        protocol: u8,
        kind: u16,
        name: &'static str,
        spi: Vec<u8>,
        data: Vec<u8>,
    },
    Delete {
        protocol: u8,
        spis: Vec<Vec<u8>>,
    },
    VendorId {
        data: Vec<u8>,
        name: Option<&'static str>,
    },
    /// IKEv1 NAT-D: payload 20 (RFC 3947), 130 (drafts 01-03) or 15 (drafts 04-08).
    NatD {
        hash: Vec<u8>,
    },
    /// IKEv1 NAT-OA: payload 21, 131 or 16.
    NatOa,
    /// IKEv2 TSi/TSr. Only IPv4/IPv6 range selectors are listed.
    TrafficSelectors {
        initiator: bool,
        selectors: Vec<TrafficSelector>,
    },
    /// IKEv1 attribute payload 14 (XAUTH, mode-config) or IKEv2 CP 47: `kind` is the message
    /// type (1 request, 2 reply, 3 set, 4 ack), attributes are (type, value).
    Config {
        kind: u8,
        attributes: Vec<(u16, Vec<u8>)>,
    },
    /// IKEv1 Cisco fragmentation payload 132: one piece of a larger message.
    Fragment {
        id: u16,
        number: u8,
        last: bool,
    },
    /// An encrypted body: IKEv2 SK (46), or the whole body of an IKEv1 message with the E flag.
    /// `next` is the type of the first payload inside; `len` the encrypted length.
    Encrypted {
        next: u8,
        len: usize,
    },
    /// IKEv2 SKF (53, RFC 7383); `next` is meaningful in fragment 1 only.
    EncryptedFragment {
        number: u16,
        total: u16,
        next: u8,
        len: usize,
    },
    Eap,
    Other {
        kind: u8,
        len: usize,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub number: u8,
    pub protocol: u8,
    pub protocol_name: &'static str,
    pub spi: Vec<u8>,
    pub transforms: Vec<Transform>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transform {
    /// IKEv2: "encr", "prf", "integ", "dh", "esn" (or "addke"/"unknown"). IKEv1: "ike" in a
    /// phase 1 (ISAKMP) proposal, else "esp", "ah", "ipcomp" or "unknown".
    pub kind: &'static str,
    /// Transform ID (IKEv1: the one-byte transform ID, e.g. KEY_IKE 1 or ESP_AES 12).
    pub id: u16,
    /// Readable summary: "AES-CBC-256", "MODP2048 (14)", "AES-256 SHA1 PSK group2 86400s",
    /// "ESP_AES-256 HMAC-SHA1 tunnel group14(PFS) 3600s".
    pub name: String,
    /// Raw (attribute type, value) pairs, the format bit cleared; variable-length values
    /// wider than 32 bits saturate to `u32::MAX`.
    pub attributes: Vec<(u16, u32)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrafficSelector {
    /// 7 TS_IPV4_ADDR_RANGE, 8 TS_IPV6_ADDR_RANGE.
    pub ts_type: u8,
    /// IP protocol; 0 means any.
    pub protocol: u8,
    pub start_port: u16,
    pub end_port: u16,
    pub start: IpAddr,
    pub end: IpAddr,
}

impl IkeMsg {
    /// Notify types in order, with their names.
    pub fn notifies(&self) -> impl Iterator<Item = (u16, &'static str)> + '_ {
        self.payloads.iter().filter_map(|p| match p {
            Payload::Notify { kind, name, .. } => Some((*kind, *name)),
            _ => None,
        })
    }

    /// Notification data of the first notify of this type.
    pub fn notify_data(&self, kind: u16) -> Option<&[u8]> {
        self.payloads.iter().find_map(|p| match p {
            Payload::Notify { kind: k, data, .. } if *k == kind => Some(data.as_slice()),
            _ => None,
        })
    }

    /// Vendor ID payloads in order: raw content and known name.
    pub fn vendor_ids(&self) -> impl Iterator<Item = (&[u8], Option<&'static str>)> + '_ {
        self.payloads.iter().filter_map(|p| match p {
            Payload::VendorId { data, name } => Some((data.as_slice(), *name)),
            _ => None,
        })
    }

    /// SA proposals of all SA payloads, in order.
    pub fn proposals(&self) -> impl Iterator<Item = &Proposal> + '_ {
        self.payloads.iter().flat_map(|p| match p {
            Payload::Sa { proposals } => proposals.as_slice(),
            _ => &[],
        })
    }

    /// Whether the sender offers or uses NAT traversal: an RFC 3947 / draft NAT-T vendor ID
    /// or NAT-D payload (IKEv1), or NAT_DETECTION_* notifies (IKEv2).
    pub fn nat_t_supported(&self) -> bool {
        self.payloads.iter().any(|p| match p {
            Payload::VendorId { data, .. } => names::vendor_id_is_nat_t(data),
            Payload::NatD { .. } => true,
            Payload::Notify { kind, .. } => self.version == 2 && matches!(kind, 16388 | 16389),
            _ => false,
        })
    }

    /// DH group of the KE payload (IKEv2 only).
    pub fn ke_group(&self) -> Option<u16> {
        self.payloads.iter().find_map(|p| match p {
            Payload::KeyExchange { group, .. } => *group,
            _ => None,
        })
    }

    /// The group an IKEv2 responder asks for with INVALID_KE_PAYLOAD.
    pub fn invalid_ke_group(&self) -> Option<u16> {
        if self.version != 2 {
            return None;
        }
        match self.notify_data(17)? {
            [a, b, ..] => Some(u16::from_be_bytes([*a, *b])),
            _ => None,
        }
    }

    /// The IKEv2 COOKIE (RFC 7296 §2.6) this message carries.
    pub fn cookie(&self) -> Option<&[u8]> {
        if self.version == 2 {
            self.notify_data(16390)
        } else {
            None
        }
    }

    /// Payload type names in wire order ("SA", "KE", "Ni/Nr", "N", "V", ...).
    pub fn payload_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.payload_types
            .iter()
            .map(|t| names::payload_name(self.version, *t))
    }
}

/// Decode one IKE message from a UDP payload (see the module doc for port 4500).
pub fn decode(payload: &[u8]) -> Result<IkeMsg, DecodeError> {
    let Some(hdr) = payload.first_chunk::<HEADER_LEN>() else {
        return Err(DecodeError::TruncatedHeader { len: payload.len() });
    };
    let mut ispi = [0u8; 8];
    let mut rspi = [0u8; 8];
    ispi.copy_from_slice(&hdr[0..8]);
    rspi.copy_from_slice(&hdr[8..16]);
    let next_payload = hdr[16];
    let version_byte = hdr[17];
    let version = version_byte >> 4;
    let exchange = hdr[18];
    let flags = hdr[19];
    let message_id = u32::from_be_bytes([hdr[20], hdr[21], hdr[22], hdr[23]]);
    let length = u32::from_be_bytes([hdr[24], hdr[25], hdr[26], hdr[27]]);
    if version != 1 && version != 2 {
        return Err(DecodeError::UnsupportedVersion {
            major: version,
            version: version_byte,
        });
    }
    if (length as usize) < HEADER_LEN {
        return Err(DecodeError::LengthTooSmall { declared: length });
    }
    // Bytes past the declared length are not part of the message and are ignored; fewer
    // bytes than declared means a truncated capture (snap length) or a broken sender.
    let Some(msg) = payload.get(..length as usize) else {
        return Err(DecodeError::Truncated {
            declared: length,
            available: payload.len(),
        });
    };

    let mut m = IkeMsg {
        version,
        minor_version: version_byte & 0x0f,
        ispi,
        rspi,
        exchange,
        exchange_name: names::exchange_name(version, exchange),
        message_id,
        length,
        flags,
        next_payload,
        encrypted: false,
        response: (version == 2).then_some(flags & V2_FLAG_RESPONSE != 0),
        from_original_initiator: (version == 2).then_some(flags & V2_FLAG_INITIATOR != 0),
        payloads: Vec::new(),
        payload_types: Vec::new(),
    };

    // An IKEv1 E-flag body is ciphertext from the first byte. A Cisco fragment (132) is the
    // exception: its payload header stays clear, only the reassembled message is encrypted.
    if version == 1 && flags & V1_FLAG_ENCRYPTED != 0 && next_payload != 132 {
        m.encrypted = true;
        m.payloads.push(Payload::Encrypted {
            next: next_payload,
            len: msg.len() - HEADER_LEN,
        });
        m.payload_types.push(next_payload);
        return Ok(m);
    }

    let mut kind = next_payload;
    let mut off = HEADER_LEN;
    while kind != 0 {
        if m.payloads.len() >= MAX_PAYLOADS {
            return Err(DecodeError::TooManyPayloads { offset: off });
        }
        let bad = |reason| DecodeError::BadPayload {
            offset: off,
            kind,
            reason,
        };
        let Some(gh) = msg.get(off..off + 4) else {
            return Err(bad(
                "the chain announces a payload but the message ends (no NONE terminator?)",
            ));
        };
        let np = gh[0];
        let plen = usize::from(u16::from_be_bytes([gh[2], gh[3]]));
        if plen < 4 {
            return Err(bad("payload length below the 4-byte generic header"));
        }
        let Some(body) = msg.get(off + 4..off + plen) else {
            return Err(bad("payload length runs past the end of the message"));
        };
        let p = if version == 1 {
            decode_v1_payload(kind, body)
        } else {
            decode_v2_payload(kind, np, body)
        }
        .map_err(bad)?;
        let stop = matches!(
            p,
            Payload::Encrypted { .. } | Payload::EncryptedFragment { .. }
        );
        m.encrypted |= stop;
        m.payloads.push(p);
        m.payload_types.push(kind);
        if stop {
            // The SK/SKF next-payload field names the first inner payload, not a sibling.
            break;
        }
        off += plen;
        kind = np;
    }
    Ok(m)
}

type Fault = &'static str;

/// Big-endian reader over one payload body; every read is checked.
struct Rd<'a> {
    b: &'a [u8],
}

impl<'a> Rd<'a> {
    fn new(b: &'a [u8]) -> Self {
        Rd { b }
    }
    fn rest(&self) -> &'a [u8] {
        self.b
    }
    fn is_empty(&self) -> bool {
        self.b.is_empty()
    }
    fn take(&mut self, n: usize, what: Fault) -> Result<&'a [u8], Fault> {
        if n > self.b.len() {
            return Err(what);
        }
        let (h, t) = self.b.split_at(n);
        self.b = t;
        Ok(h)
    }
    fn u8(&mut self, what: Fault) -> Result<u8, Fault> {
        Ok(self.take(1, what)?[0])
    }
    fn u16(&mut self, what: Fault) -> Result<u16, Fault> {
        let s = self.take(2, what)?;
        Ok(u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self, what: Fault) -> Result<u32, Fault> {
        let s = self.take(4, what)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
}

fn decode_v1_payload(kind: u8, body: &[u8]) -> Result<Payload, Fault> {
    Ok(match kind {
        1 => decode_v1_sa(body)?,
        4 => Payload::KeyExchange {
            group: None,
            len: body.len(),
        },
        5 => {
            // ID type, protocol, port, then the identity (RFC 2407 §4.6.2).
            let mut r = Rd::new(body);
            let kind = r.u8("ID payload shorter than its 4-byte header")?;
            r.take(3, "ID payload shorter than its 4-byte header")?;
            Payload::Id {
                kind,
                data: r.rest().to_vec(),
            }
        }
        6 => Payload::Cert,
        7 => Payload::CertReq,
        8 => Payload::Hash,
        9 => Payload::Signature,
        10 => Payload::Nonce { len: body.len() },
        11 => {
            let mut r = Rd::new(body);
            const SHORT: Fault = "notify shorter than its 8-byte header";
            r.u32(SHORT)?; // DOI
            let protocol = r.u8(SHORT)?;
            let spi_size = r.u8(SHORT)?;
            let kind = r.u16(SHORT)?;
            let spi = r.take(usize::from(spi_size), "notify SPI runs past the payload")?;
            Payload::Notify {
                protocol,
                kind,
                name: names::notify_name(1, kind),
                spi: spi.to_vec(),
                data: r.rest().to_vec(),
            }
        }
        12 => {
            let mut r = Rd::new(body);
            const SHORT: Fault = "delete shorter than its 8-byte header";
            r.u32(SHORT)?; // DOI
            decode_delete(&mut r)?
        }
        13 => Payload::VendorId {
            data: body.to_vec(),
            name: names::vendor_id_name(body),
        },
        14 => {
            // Type, reserved, identifier (draft-dukes-ike-mode-cfg), then attributes.
            let mut r = Rd::new(body);
            const SHORT: Fault = "attribute payload shorter than its 4-byte header";
            let kind = r.u8(SHORT)?;
            r.take(3, SHORT)?;
            Payload::Config {
                kind,
                attributes: decode_data_attributes(r.rest())?,
            }
        }
        // 15/16 were NAT-D/NAT-OA in NAT-T drafts 04-08, before RFC 3947 moved them to 20/21
        // (15/16 now belong to GDOI, which never runs on ports 500/4500).
        15 | 20 | 130 => Payload::NatD {
            hash: body.to_vec(),
        },
        16 | 21 | 131 => Payload::NatOa,
        132 => {
            let mut r = Rd::new(body);
            const SHORT: Fault = "Cisco fragment shorter than its 4-byte header";
            let id = r.u16(SHORT)?;
            let number = r.u8(SHORT)?;
            let flags = r.u8(SHORT)?;
            Payload::Fragment {
                id,
                number,
                last: flags & 1 != 0,
            }
        }
        _ => Payload::Other {
            kind,
            len: body.len(),
        },
    })
}

fn decode_v2_payload(kind: u8, next: u8, body: &[u8]) -> Result<Payload, Fault> {
    Ok(match kind {
        33 => Payload::Sa {
            proposals: decode_proposals(2, body)?,
        },
        34 => {
            let mut r = Rd::new(body);
            let group = r.u16("KE payload shorter than its 4-byte header")?;
            r.take(2, "KE payload shorter than its 4-byte header")?;
            Payload::KeyExchange {
                group: Some(group),
                len: r.rest().len(),
            }
        }
        35 | 36 => {
            let mut r = Rd::new(body);
            let kind = r.u8("ID payload shorter than its 4-byte header")?;
            r.take(3, "ID payload shorter than its 4-byte header")?;
            Payload::Id {
                kind,
                data: r.rest().to_vec(),
            }
        }
        37 => Payload::Cert,
        38 => Payload::CertReq,
        39 => Payload::Auth {
            method: Rd::new(body).u8("AUTH payload without its method")?,
        },
        40 => Payload::Nonce { len: body.len() },
        41 => {
            let mut r = Rd::new(body);
            const SHORT: Fault = "notify shorter than its 4-byte header";
            let protocol = r.u8(SHORT)?;
            let spi_size = r.u8(SHORT)?;
            let kind = r.u16(SHORT)?;
            let spi = r.take(usize::from(spi_size), "notify SPI runs past the payload")?;
            Payload::Notify {
                protocol,
                kind,
                name: names::notify_name(2, kind),
                spi: spi.to_vec(),
                data: r.rest().to_vec(),
            }
        }
        42 => decode_delete(&mut Rd::new(body))?,
        43 => Payload::VendorId {
            data: body.to_vec(),
            name: names::vendor_id_name(body),
        },
        44 | 45 => Payload::TrafficSelectors {
            initiator: kind == 44,
            selectors: decode_traffic_selectors(body)?,
        },
        46 => Payload::Encrypted {
            next,
            len: body.len(),
        },
        47 => {
            let mut r = Rd::new(body);
            const SHORT: Fault = "CP payload shorter than its 4-byte header";
            let kind = r.u8(SHORT)?;
            r.take(3, SHORT)?;
            Payload::Config {
                kind,
                attributes: decode_data_attributes(r.rest())?,
            }
        }
        48 => Payload::Eap,
        53 => {
            let mut r = Rd::new(body);
            const SHORT: Fault = "SKF payload shorter than its fragment numbers";
            let number = r.u16(SHORT)?;
            let total = r.u16(SHORT)?;
            Payload::EncryptedFragment {
                number,
                total,
                next,
                len: r.rest().len(),
            }
        }
        _ => Payload::Other {
            kind,
            len: body.len(),
        },
    })
}

/// Delete body after the IKEv1 DOI: protocol, SPI size, SPI count, SPIs.
fn decode_delete(r: &mut Rd<'_>) -> Result<Payload, Fault> {
    const SHORT: Fault = "delete shorter than its header";
    let protocol = r.u8(SHORT)?;
    let spi_size = usize::from(r.u8(SHORT)?);
    let count = usize::from(r.u16(SHORT)?);
    // An IKE SA delete has no SPIs (size 0) whatever the count says; don't build empty ones.
    let spis = if spi_size == 0 {
        Vec::new()
    } else {
        let all = r.take(spi_size * count, "delete SPIs run past the payload")?;
        all.chunks_exact(spi_size).map(<[u8]>::to_vec).collect()
    };
    Ok(Payload::Delete { protocol, spis })
}

fn decode_v1_sa(body: &[u8]) -> Result<Payload, Fault> {
    let mut r = Rd::new(body);
    const SHORT: Fault = "SA shorter than its DOI and situation";
    let doi = r.u32(SHORT)?;
    let situation = r.u32(SHORT)?;
    // SIT_SECRECY/SIT_INTEGRITY add labelled-domain fields before the proposals; nobody uses
    // them with IKE on UDP 500, so refuse rather than misread the proposals.
    if doi == 1 && situation & 0x06 != 0 {
        return Err("SA with secrecy/integrity situation (labelled domains) not supported");
    }
    Ok(Payload::Sa {
        proposals: decode_proposals(1, r.rest())?,
    })
}

/// Proposal substructures (IKEv1 proposal payloads have the same layout): next/last, reserved,
/// length, number, protocol, SPI size, transform count, SPI, transforms.
fn decode_proposals(version: u8, body: &[u8]) -> Result<Vec<Proposal>, Fault> {
    let mut r = Rd::new(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        const SHORT: Fault = "proposal shorter than its 8-byte header";
        let mut h = Rd::new(r.take(4, SHORT)?);
        let more = h.u8(SHORT)?;
        h.u8(SHORT)?;
        let len = usize::from(h.u16(SHORT)?);
        if len < 8 {
            return Err(SHORT);
        }
        let mut p = Rd::new(r.take(len - 4, "proposal runs past the SA payload")?);
        let number = p.u8(SHORT)?;
        let protocol = p.u8(SHORT)?;
        let spi_size = p.u8(SHORT)?;
        p.u8(SHORT)?; // transform count: the walk below counts them itself
        let spi = p.take(usize::from(spi_size), "proposal SPI runs past the proposal")?;
        let transforms = decode_transforms(version, protocol, p.rest())?;
        out.push(Proposal {
            number,
            protocol,
            protocol_name: names::protocol_name(version, protocol),
            spi: spi.to_vec(),
            transforms,
        });
        if more == 0 {
            break;
        }
    }
    Ok(out)
}

fn decode_transforms(version: u8, protocol: u8, body: &[u8]) -> Result<Vec<Transform>, Fault> {
    let mut r = Rd::new(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        const SHORT: Fault = "transform shorter than its 8-byte header";
        let mut h = Rd::new(r.take(4, SHORT)?);
        let more = h.u8(SHORT)?;
        h.u8(SHORT)?;
        let len = usize::from(h.u16(SHORT)?);
        if len < 8 {
            return Err(SHORT);
        }
        let mut t = Rd::new(r.take(len - 4, "transform runs past the proposal")?);
        let tr = if version == 2 {
            // Type, reserved, transform ID.
            let ty = t.u8(SHORT)?;
            t.u8(SHORT)?;
            let id = t.u16(SHORT)?;
            let attributes = decode_sa_attributes(t.rest())?;
            let name = v2_transform_name(ty, id, &attributes);
            Transform {
                kind: names::v2_transform_kind(ty),
                id,
                name,
                attributes,
            }
        } else {
            // Transform number, transform ID, two reserved bytes.
            t.u8(SHORT)?;
            let id = u16::from(t.u8(SHORT)?);
            t.u16(SHORT)?;
            let attributes = decode_sa_attributes(t.rest())?;
            let (kind, name) = v1_transform_name(protocol, id, &attributes);
            Transform {
                kind,
                id,
                name,
                attributes,
            }
        };
        out.push(tr);
        if more == 0 {
            break;
        }
    }
    Ok(out)
}

/// SA attributes (RFC 2408 §3.3): AF bit set = two-byte value inline (TV), else a length
/// and that many bytes (TLV), folded into a u32.
fn decode_sa_attributes(body: &[u8]) -> Result<Vec<(u16, u32)>, Fault> {
    let mut r = Rd::new(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        const SHORT: Fault = "SA attribute shorter than 4 bytes";
        let ty = r.u16(SHORT)?;
        let v = r.u16(SHORT)?;
        let value = if ty & 0x8000 != 0 {
            u32::from(v)
        } else {
            let bytes = r.take(usize::from(v), "SA attribute value runs past the transform")?;
            fold_be(bytes)
        };
        out.push((ty & 0x7fff, value));
    }
    Ok(out)
}

fn fold_be(bytes: &[u8]) -> u32 {
    let v = bytes.iter().fold(0u64, |acc, b| {
        acc.saturating_mul(256).saturating_add(u64::from(*b))
    });
    u32::try_from(v).unwrap_or(u32::MAX)
}

/// Mode-config / CP attributes. IKEv1 allows TV (two-byte value); IKEv2 CP attributes are
/// always TLV, and their top bit is reserved, so the same reader serves both.
fn decode_data_attributes(body: &[u8]) -> Result<Vec<(u16, Vec<u8>)>, Fault> {
    let mut r = Rd::new(body);
    let mut out = Vec::new();
    while !r.is_empty() {
        const SHORT: Fault = "configuration attribute shorter than 4 bytes";
        let ty = r.u16(SHORT)?;
        let v = r.u16(SHORT)?;
        let value = if ty & 0x8000 != 0 {
            v.to_be_bytes().to_vec()
        } else {
            r.take(
                usize::from(v),
                "configuration attribute runs past the payload",
            )?
            .to_vec()
        };
        out.push((ty & 0x7fff, value));
    }
    Ok(out)
}

fn decode_traffic_selectors(body: &[u8]) -> Result<Vec<TrafficSelector>, Fault> {
    let mut r = Rd::new(body);
    const SHORT: Fault = "TS payload shorter than its 4-byte header";
    r.u8(SHORT)?; // count: the walk counts them itself
    r.take(3, SHORT)?;
    let mut out = Vec::new();
    while !r.is_empty() {
        const TS_SHORT: Fault = "traffic selector shorter than its 4-byte header";
        let ts_type = r.u8(TS_SHORT)?;
        let protocol = r.u8(TS_SHORT)?;
        let len = usize::from(r.u16(TS_SHORT)?);
        if len < 4 {
            return Err(TS_SHORT);
        }
        let mut s = Rd::new(r.take(len - 4, "traffic selector runs past the payload")?);
        let addr_len = match ts_type {
            7 => 4,
            8 => 16,
            // Fibre Channel and security-label selectors have no IP range to show.
            _ => continue,
        };
        const SEL_SHORT: Fault = "traffic selector shorter than its type requires";
        let start_port = s.u16(SEL_SHORT)?;
        let end_port = s.u16(SEL_SHORT)?;
        let start = ip(s.take(addr_len, SEL_SHORT)?);
        let end = ip(s.take(addr_len, SEL_SHORT)?);
        out.push(TrafficSelector {
            ts_type,
            protocol,
            start_port,
            end_port,
            start,
            end,
        });
    }
    Ok(out)
}

fn ip(b: &[u8]) -> IpAddr {
    if let Ok(a) = <[u8; 4]>::try_from(b) {
        IpAddr::V4(Ipv4Addr::from(a))
    } else if let Ok(a) = <[u8; 16]>::try_from(b) {
        IpAddr::V6(Ipv6Addr::from(a))
    } else {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    }
}

fn attr(attrs: &[(u16, u32)], ty: u16) -> Option<u32> {
    attrs.iter().find(|(t, _)| *t == ty).map(|(_, v)| *v)
}

fn v2_transform_name(ty: u8, id: u16, attrs: &[(u16, u32)]) -> String {
    match ty {
        1 => {
            let base = names::v2_encr(id).map_or_else(|| format!("ENCR_{id}"), str::to_string);
            match attr(attrs, 14) {
                Some(bits) => format!("{base}-{bits}"),
                None => base,
            }
        }
        2 => names::v2_prf(id).map_or_else(|| format!("PRF_{id}"), str::to_string),
        3 => names::v2_integ(id).map_or_else(|| format!("AUTH_{id}"), str::to_string),
        4 | 6..=12 => format!("{} ({id})", names::dh_group(id).unwrap_or("UNKNOWN")),
        5 => match id {
            0 => "NO_ESN".to_string(),
            1 => "ESN".to_string(),
            _ => format!("ESN_{id}"),
        },
        _ => format!("TYPE{ty}_{id}"),
    }
}

/// Life type/duration pairs, in order: each duration takes the unit of the type before it.
fn lifetimes(attrs: &[(u16, u32)], type_attr: u16, duration_attr: u16, parts: &mut Vec<String>) {
    let mut unit = "s";
    for (t, v) in attrs {
        if *t == type_attr {
            unit = if *v == 2 { "KB" } else { "s" };
        } else if *t == duration_attr {
            parts.push(format!("{v}{unit}"));
        }
    }
}

fn v1_transform_name(protocol: u8, id: u16, attrs: &[(u16, u32)]) -> (&'static str, String) {
    let mut parts = Vec::new();
    match protocol {
        1 => {
            // RFC 2409 appendix A: 1 encryption, 2 hash, 3 auth method, 4 group, 11/12 life,
            // 14 key length.
            if let Some(e) = attr(attrs, 1) {
                let base =
                    names::v1_encryption(e).map_or_else(|| format!("ENC{e}"), str::to_string);
                parts.push(match attr(attrs, 14) {
                    Some(bits) => format!("{base}-{bits}"),
                    None => base,
                });
            }
            if let Some(h) = attr(attrs, 2) {
                parts.push(names::v1_hash(h).map_or_else(|| format!("HASH{h}"), str::to_string));
            }
            if let Some(a) = attr(attrs, 3) {
                parts.push(
                    names::v1_auth_method(a).map_or_else(|| format!("AUTH{a}"), str::to_string),
                );
            }
            if let Some(g) = attr(attrs, 4) {
                parts.push(format!("group{g}"));
            }
            lifetimes(attrs, 11, 12, &mut parts);
            if parts.is_empty() {
                parts.push(if id == 1 {
                    "KEY_IKE".into()
                } else {
                    format!("ID{id}")
                });
            }
            ("ike", parts.join(" "))
        }
        2..=4 => {
            let (kind, base) = match protocol {
                2 => ("ah", names::v1_ah_transform(id)),
                3 => ("esp", names::v1_esp_transform(id)),
                _ => ("ipcomp", names::v1_ipcomp_transform(id)),
            };
            let base = base.map_or_else(|| format!("{}_{id}", kind.to_uppercase()), str::to_string);
            // RFC 2407 §4.5: 1/2 life, 3 group (PFS), 4 mode, 5 auth, 6 key length, 11 ESN.
            parts.push(match attr(attrs, 6) {
                Some(bits) => format!("{base}-{bits}"),
                None => base,
            });
            if let Some(a) = attr(attrs, 5) {
                parts.push(names::v1_p2_auth(a).map_or_else(|| format!("AUTH{a}"), str::to_string));
            }
            if let Some(mo) = attr(attrs, 4) {
                parts.push(
                    names::v1_encap_mode(mo).map_or_else(|| format!("mode{mo}"), str::to_string),
                );
            }
            if let Some(g) = attr(attrs, 3) {
                parts.push(format!("group{g}(PFS)"));
            }
            lifetimes(attrs, 1, 2, &mut parts);
            if attr(attrs, 11) == Some(1) {
                parts.push("ESN".into());
            }
            (kind, parts.join(" "))
        }
        _ => ("unknown", format!("ID{id}")),
    }
}
