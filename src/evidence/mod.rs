//! Evidence events: what logs, show outputs and captures say happened, in one vocabulary.
//! Each event carries where it was read (file and line, or capture and frame) and the device
//! whose output it is, when that is known.

pub mod wire;

use crate::model::Loc;
use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Sent,
    Received,
}

/// A proposal attribute a responder said it could not accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Rejected {
    Encryption,
    Hash,
    Auth,
    Group,
    Lifetime,
    /// No connection of the IKE version the peer started (charon: "looking for an IKEv1
    /// config ... no IKE config found").
    Version,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum EventKind {
    /// An IKE packet sent or received; `state` is the sender's state label (MM_NO_STATE...).
    IkeMessage {
        direction: Direction,
        state: Option<String>,
        /// Phase 1 or 2 when the state tells.
        phase: Option<u8>,
        port: Option<u16>,
    },
    /// The size of an IKE datagram the device logged sending or receiving (strongSwan's
    /// `sending packet: ... (1280 bytes)`), told apart from `IkeMessage` so that logs that
    /// give no size need not say so. `port` is the destination port of a sent one, the
    /// source port of a received one.
    IkeSize {
        direction: Direction,
        bytes: u32,
        port: Option<u16>,
    },
    Retransmit {
        phase: Option<u8>,
        attempt: Option<u32>,
    },
    /// The device stopped retrying ("Death by retransmission", "giving up").
    GaveUp {
        phase: Option<u8>,
    },
    StateChange {
        from: Option<String>,
        to: String,
    },
    ProposalRejected {
        attribute: Option<Rejected>,
    },
    /// "no offers accepted!", "phase 2 SA not acceptable!".
    NoProposalAccepted {
        phase: u8,
    },
    Notify {
        direction: Direction,
        name: String,
        phase: Option<u8>,
    },
    /// "No pre-shared key with X", "No Cert or pre-shared address key".
    NoKey,
    IkeDisabled,
    /// A packet that failed the sanity check (typically the peer's key differs).
    Malformed,
    Authenticated,
    /// The responder found no policy for the proposed proxy identities / traffic selectors.
    SelectorsRejected,
    CertInvalid,
    /// This device's own certificate is unusable (expired, not yet valid): the peer will
    /// refuse it.
    OwnCertInvalid,
    /// The peer answered this device's authentication message (main mode 5) with a notify
    /// that has no hash: it refused our key or certificate ("Notify has no hash. Rejected.").
    AuthRefusedByPeer,
    QuickModeBadCert,
    /// ESP arrived for an SPI this device has no SA for (%CRYPTO-4-RECVD_PKT_INV_SPI).
    InvalidSpi,
    /// A decrypted packet failed the anti-replay check (%CRYPTO-4-PKT_REPLAY_ERR).
    ReplayDrop,
    /// Captures: an IKE message on the wire.
    WireIke(Box<wire::WireIke>),
    /// Captures: an IP datagram whose fragments did not all arrive.
    WireFragments(Box<wire::WireFragments>),
    WireIcmp(Box<wire::WireIcmp>),
    /// Captures: one ESP SA's packets in one direction.
    WireEsp(Box<wire::WireEsp>),
    PhaseComplete {
        phase: u8,
    },
    /// A row of `show crypto isakmp sa` / `ikev1 sa` / `ikev2 sa`.
    SaState {
        state: String,
        /// The known state the label starts with, when it carries an unknown suffix.
        stem: Option<String>,
        role: Option<String>,
    },
    /// One IPsec SA pair from `show crypto ipsec sa`, `swanctl --list-sas` or `ipsec
    /// statusall`: packets (and, where the listing gives them, bytes) sent out of the SA pair
    /// and received into it.
    Counters {
        local: Option<IpAddr>,
        /// Packets sent (encapsulated) and received (decapsulated).
        encaps: u64,
        decaps: u64,
        /// Bytes of those packets as the listing counts them (strongSwan: the inner packets,
        /// before encapsulation); None where the output gives no bytes (IOS, ASA).
        encaps_bytes: Option<u64>,
        decaps_bytes: Option<u64>,
        /// The SPIs of the inbound and outbound SA, where listed: one end's outbound SPI is
        /// the other end's inbound one, which pairs two ends' counters of the same SAs.
        spi_in: Option<u32>,
        spi_out: Option<u32>,
        /// The line that gives the outbound counters when it is not the event's own line
        /// (swanctl lists `in` and `out` on lines of their own).
        out_at: Option<Box<Loc>>,
        send_errors: u64,
        recv_errors: u64,
        path_mtu: Option<u32>,
        /// The proxy identities (crypto ACL entry) this SA pair is for.
        local_ident: Option<crate::model::AddrSpec>,
        remote_ident: Option<crate::model::AddrSpec>,
        /// False when the block lists no inbound/outbound SA (quick mode never completed).
        sas_up: bool,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Event {
    pub at: Loc,
    /// The device whose output this is (host name from a prompt, or forced by NAME=PATH).
    pub device: Option<String>,
    /// Seconds since midnight of the log's clock, when the line carries a time.
    pub time: Option<f64>,
    /// The remote peer the line is about.
    pub peer: Option<IpAddr>,
    pub kind: EventKind,
}

/// IKE_SA_INIT and IKE_AUTH (and IKEv1 main/aggressive mode) build the IKE SA: phase 1;
/// CREATE_CHILD_SA and quick mode build child SAs: phase 2.
pub fn exchange_phase(x: &str) -> Option<u8> {
    match x {
        "IKE_SA_INIT" | "IKE_AUTH" | "IKE_INTERMEDIATE" | "ID_PROT" | "AGGRESSIVE"
        | "MM_KEY_EXCH" => Some(1),
        "CREATE_CHILD_SA" | "QUICK_MODE" | "IKE_FOLLOWUP_KE" => Some(2),
        _ => None,
    }
}

/// The phase a notify is about: selectors are the child's,
/// authentication the IKE SA's, a refused proposal depends on the exchange.
pub fn notify_phase(name: &str, exchange: Option<&str>) -> Option<u8> {
    match name {
        "TS_UNACCEPTABLE"
        | "INVALID_SELECTORS"
        | "SINGLE_PAIR_REQUIRED"
        | "NO_ADDITIONAL_SAS"
        | "CHILD_SA_NOT_FOUND"
        | "INTERNAL_ADDRESS_FAILURE"
        | "FAILED_CP_REQUIRED" => Some(2),
        "AUTHENTICATION_FAILED" => Some(1),
        _ => match exchange? {
            "IKE_SA_INIT" | "ID_PROT" | "AGGRESSIVE" => Some(1),
            "IKE_AUTH" | "CREATE_CHILD_SA" | "QUICK_MODE" => Some(2),
            _ => None,
        },
    }
}
