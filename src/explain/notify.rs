//! Notify message types: IKEv1 (RFC 2408) and IKEv2 (RFC 7296), by name and number.

use super::Entry;
use crate::diagnose::Cause::*;

const P1: Option<&str> = Some("phase1");
const P2: Option<&str> = Some("phase2");

pub(crate) static ENTRIES: &[Entry] = &[
    Entry {
        names: &["14", "NO-PROPOSAL-CHOSEN", "PROPOSAL_NOT_CHOSEN"],
        kind: "IKEv1 notify 14 (RFC 2408)",
        meaning: "The responder accepts none of the offered proposals. In main mode: IKE policies differ. In quick mode: transform sets differ, PFS is required on one side only, or the proxy identities (crypto ACLs) are not mirror images.",
        step: None,
        causes: &[
            IkeProposalMismatch,
            TransformSetMismatch,
            PfsMismatch,
            CryptoAclAsymmetric,
        ],
        check: &[
            "which exchange carried it (main/aggressive or quick mode)",
            "the responder's debug names the rejected attribute",
        ],
    },
    Entry {
        names: &["14", "NO_PROPOSAL_CHOSEN"],
        kind: "IKEv2 notify 14 (RFC 7296)",
        meaning: "In IKE_SA_INIT: no common IKE proposal. In IKE_AUTH or CREATE_CHILD_SA: no common ESP/AH proposal (or PFS group).",
        step: None,
        causes: &[IkeProposalMismatch, TransformSetMismatch, PfsMismatch],
        check: &["compare IKE and ESP proposals on both peers"],
    },
    Entry {
        names: &["17", "INVALID_KE_PAYLOAD"],
        kind: "IKEv2 notify 17 (RFC 7296)",
        meaning: "The responder wants a different Diffie-Hellman group and names it; the initiator retries with that group. Not a fault when the retry succeeds; a fault only when the group is not configured at all.",
        step: P1,
        causes: &[],
        check: &["the next IKE_SA_INIT uses the requested group"],
    },
    Entry {
        names: &["18", "INVALID-ID-INFORMATION", "INVALID_ID_INFORMATION"],
        kind: "IKEv1 notify 18 (RFC 2408)",
        meaning: "The peer rejects the identity: in quick mode the proxy identities (traffic selectors), in main mode the phase 1 ID.",
        step: P2,
        causes: &[CryptoAclAsymmetric, IdentityNotPermitted],
        check: &["compare crypto ACLs / selectors on both peers"],
    },
    Entry {
        names: &["24", "AUTHENTICATION-FAILED", "AUTHENTICATION_FAILED"],
        kind: "notify 24 (RFC 2408 / RFC 7296)",
        meaning: "The peer could not verify our authentication payload: different pre-shared keys, or a certificate it rejects.",
        step: P1,
        causes: &[PskMismatch, CertInvalid],
        check: &[
            "compare keys (both directions in IKEv2)",
            "certificate validity and the device clocks",
        ],
    },
    Entry {
        names: &["38", "TS_UNACCEPTABLE"],
        kind: "IKEv2 notify 38 (RFC 7296)",
        meaning: "The responder accepts none of the proposed traffic selectors: the protected subnets are not mirror images.",
        step: P2,
        causes: &[CryptoAclAsymmetric],
        check: &["compare local/remote traffic selectors on both peers"],
    },
    Entry {
        names: &["16390", "COOKIE"],
        kind: "IKEv2 notify 16390 (RFC 7296)",
        meaning: "The responder is under load (or configured) to demand a cookie; the initiator repeats IKE_SA_INIT with it. Not a fault.",
        step: P1,
        causes: &[],
        check: &[],
    },
    Entry {
        names: &[
            "16388",
            "NAT_DETECTION_SOURCE_IP",
            "16389",
            "NAT_DETECTION_DESTINATION_IP",
        ],
        kind: "IKEv2 notify (RFC 7296)",
        meaning: "NAT detection hashes; when they differ from the addresses seen, NAT is in the path and IKE/ESP move to UDP 4500.",
        step: P1,
        causes: &[NattBlocked],
        check: &["UDP 4500 allowed both ways"],
    },
    Entry {
        names: &["16430", "IKEV2_FRAGMENTATION_SUPPORTED"],
        kind: "IKEv2 notify 16430 (RFC 7383)",
        meaning: "The sender can fragment IKE messages itself, avoiding IP fragmentation of large IKE_AUTH messages.",
        step: P1,
        causes: &[],
        check: &[
            "enable IKEv2 fragmentation on both peers when IP fragments are dropped on the path",
        ],
    },
    Entry {
        names: &["INVALID-COOKIE", "INVALID_COOKIE", "4"],
        kind: "IKEv1 notify 4 (RFC 2408)",
        meaning: "The peer has no IKE SA for these cookies: it lost its state, or never created it because it had no key or tunnel-group for our address.",
        step: P1,
        causes: &[NoPskForPeer, PeerAddressMismatch],
        check: &["the peer's tunnel-group / key for our address"],
    },
    Entry {
        names: &["INVALID-SPI", "INVALID_SPI", "11"],
        kind: "notify 11 (RFC 2408 / RFC 7296)",
        meaning: "A packet arrived for an SA the receiver does not have (one side rebooted or cleared its SAs).",
        step: Some("traffic"),
        causes: &[],
        check: &["clear the SAs on both peers; enable invalid-SPI recovery"],
    },
    Entry {
        names: &["R-U-THERE", "36136"],
        kind: "IKEv1 DPD notify (RFC 3706)",
        meaning: "Dead peer detection probe; the peer must answer R-U-THERE-ACK.",
        step: None,
        causes: &[],
        check: &[],
    },
    Entry {
        names: &["INITIAL-CONTACT", "24578"],
        kind: "IKEv1 notify 24578 (RFC 2407)",
        meaning: "The sender has no other SAs with us (it rebooted); we may delete old ones.",
        step: None,
        causes: &[],
        check: &[],
    },
];
