//! A pasted debug or syslog line is read by the same parsers as a log file; each event it
//! yields is explained here. One vocabulary: what the parser understood is what is explained.

use super::{Entry, Explanation};
use crate::diagnose::Cause::{self, *};
use crate::evidence::{Direction, EventKind};

const P1: Option<&str> = Some("phase1");
const P2: Option<&str> = Some("phase2");
const TRAFFIC: Option<&str> = Some("traffic");

fn entry(
    kind: &'static str,
    meaning: &'static str,
    step: Option<&'static str>,
    causes: &'static [Cause],
    check: &'static [&'static str],
) -> Entry {
    Entry {
        names: &[],
        kind,
        meaning,
        step,
        causes,
        check,
    }
}

/// The explanation of one event, or None for events that say nothing by themselves (a
/// packet sent, a counter line) or that the term tables explain better (states, notifies).
pub(super) fn explain(term: &str, kind: &EventKind) -> Option<Explanation> {
    let e = match kind {
        EventKind::Retransmit { phase: Some(2), .. } | EventKind::GaveUp { phase: Some(2) } => {
            entry(
                "retransmission (phase 2)",
                "The device re-sent its quick mode / CREATE_CHILD_SA message: the peer did not answer it.",
                P2,
                &[CryptoAclAsymmetric, TransformSetMismatch],
                &["debug on the peer: it usually refuses quick mode rather than ignoring it"],
            )
        }
        EventKind::Retransmit { .. } | EventKind::GaveUp { .. } => entry(
            "retransmission (phase 1)",
            "The device re-sent its last IKE message because no answer came; after the last attempt it deletes the SA.",
            P1,
            &[
                IkeBlocked,
                IpUnreachable,
                PeerAddressMismatch,
                NattBlocked,
                IkeFragmentsDropped,
            ],
            &[
                "ping the peer from the outside interface",
                "show ip route <peer>",
                "capture UDP 500/4500 on both ends: does the packet arrive, does the answer leave?",
            ],
        ),
        EventKind::ProposalRejected { .. } | EventKind::NoProposalAccepted { phase: 1 } => entry(
            "proposal refused (phase 1)",
            "The responder compared the offered IKE proposals with its policies and accepted none.",
            P1,
            &[IkeProposalMismatch],
            &["show crypto isakmp policy on both peers (encryption, hash, group, authentication)"],
        ),
        EventKind::NoProposalAccepted { .. } => entry(
            "proposal refused (phase 2)",
            "The responder accepted none of the offered IPsec transforms (or the PFS group).",
            P2,
            &[TransformSetMismatch, PfsMismatch],
            &["show crypto ipsec transform-set and show crypto map (PFS) on both peers"],
        ),
        EventKind::NoKey => entry(
            "no pre-shared key",
            "The device has no pre-shared key for the peer's address (or keyring match).",
            P1,
            &[NoPskForPeer, PeerAddressMismatch],
            &["show crypto isakmp key: is there a key for exactly this peer address?"],
        ),
        EventKind::IkeDisabled => entry(
            "IKE disabled",
            "IKE is switched off on this device: it neither starts nor answers negotiations.",
            P1,
            &[IsakmpDisabled],
            &["crypto isakmp enable (IOS) / crypto ikev1 enable outside (ASA)"],
        ),
        EventKind::Malformed => entry(
            "undecryptable or malformed IKE message",
            "An encrypted IKE message failed its sanity check: after main mode message 5 this means the two pre-shared keys differ.",
            P1,
            &[PskMismatch],
            &["re-enter the same key on both peers (compare, never paste it into tickets)"],
        ),
        EventKind::SelectorsRejected => entry(
            "proxy identities / traffic selectors refused",
            "The responder has no crypto ACL entry (or IKEv2 selector) matching what the initiator proposed.",
            P2,
            &[CryptoAclAsymmetric],
            &["compare the crypto ACLs: each must be the mirror image of the other"],
        ),
        EventKind::CertInvalid => entry(
            "certificate refused",
            "The peer's certificate failed validation: expired, not yet valid against this clock, revoked, or from an untrusted CA.",
            P1,
            &[CertInvalid],
            &[
                "show clock on both peers",
                "show crypto pki certificates (validity dates)",
            ],
        ),
        EventKind::OwnCertInvalid => entry(
            "own certificate unusable",
            "This device's own certificate is expired or not yet valid: the peer will refuse it.",
            P1,
            &[CertInvalid],
            &[
                "list the certificates and their validity dates",
                "renew the certificate (or correct the clock) and reload it",
            ],
        ),
        EventKind::AuthRefusedByPeer => entry(
            "authentication refused by the peer",
            "After main mode message 5 the peer answered with an unauthenticated notify: it could not verify this device (different pre-shared key, or a certificate it does not accept).",
            P1,
            &[PskMismatch, CertInvalid],
            &[
                "the peer's debug crypto isakmp says which",
                "show crypto isakmp key / show crypto pki certificates and show clock",
            ],
        ),
        EventKind::QuickModeBadCert => entry(
            "identity not permitted",
            "Quick mode was refused because the peer's identity is not in the crypto map's identity list.",
            P2,
            &[IdentityNotPermitted],
            &["show crypto map (identity list) and show crypto identity"],
        ),
        EventKind::InvalidSpi => entry(
            "ESP on an unknown SPI",
            "ESP arrived for an SA this device does not have: the peers' SAs are out of step.",
            TRAFFIC,
            &[SaOutOfSync],
            &["crypto isakmp invalid-spi-recovery; clear crypto sa peer <peer> on the peer"],
        ),
        EventKind::ReplayDrop => entry(
            "anti-replay drop",
            "A decrypted packet arrived outside the anti-replay window (reordered, typically by QoS).",
            TRAFFIC,
            &[AntiReplayDrops],
            &["crypto ipsec security-association replay window-size 1024"],
        ),
        EventKind::Authenticated => entry(
            "authenticated",
            "Authentication succeeded: phase 1 is past the key check.",
            None,
            &[],
            &[],
        ),
        EventKind::PhaseComplete { .. } => entry(
            "negotiation completed",
            "The phase completed: the SA is up.",
            None,
            &[],
            &["if traffic still fails: show crypto ipsec sa on both ends (encaps/decaps)"],
        ),
        EventKind::IkeMessage {
            direction: Direction::Received,
            ..
        } => entry(
            "IKE packet received",
            "The peer's IKE packet arrived: the path to here works in this direction.",
            None,
            &[],
            &[],
        ),
        EventKind::IkeMessage { .. }
        | EventKind::IkeSize { .. }
        | EventKind::WireIke(_)
        | EventKind::WireFragments(_)
        | EventKind::WireIcmp(_)
        | EventKind::WireEsp(_)
        | EventKind::StateChange { .. }
        | EventKind::Notify { .. }
        | EventKind::SaState { .. }
        | EventKind::Counters { .. } => return None,
    };
    Some(e.explain(term, None))
}
