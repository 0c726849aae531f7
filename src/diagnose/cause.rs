//! The stable cause codes (see docs/causes.md) and where each sits in the flowchart.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    Phase1,
    Phase2,
    Traffic,
}

impl Step {
    pub fn as_str(&self) -> &'static str {
        match self {
            Step::Phase1 => "phase1",
            Step::Phase2 => "phase2",
            Step::Traffic => "traffic",
        }
    }
}

macro_rules! causes {
    ($($variant:ident = $code:literal, $step:ident;)*) => {
        /// Declaration order is flowchart order: the first failing check decides the verdict.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Cause { $($variant,)* }

        impl Cause {
            pub const ALL: &'static [Cause] = &[$(Cause::$variant,)*];
            pub fn code(&self) -> &'static str {
                match self { $(Cause::$variant => $code,)* }
            }
            pub fn step(&self) -> Option<Step> {
                match self { $(Cause::$variant => causes!(@step $step),)* }
            }
        }
    };
    (@step none) => { None };
    (@step $s:ident) => { Some(Step::$s) };
}

causes! {
    Healthy = "healthy", none;
    IsakmpDisabled = "isakmp-disabled", Phase1;
    CryptoMapNotApplied = "crypto-map-not-applied", Phase1;
    InitiatorNoRoute = "initiator-no-route", Phase1;
    CryptoAclReversed = "crypto-acl-reversed", Phase1;
    PeerAddressMismatch = "peer-address-mismatch", Phase1;
    NoPskForPeer = "no-psk-for-peer", Phase1;
    NoCertificate = "no-certificate", Phase1;
    IpUnreachable = "ip-unreachable", Phase1;
    IkeBlocked = "ike-blocked", Phase1;
    NattBlocked = "natt-blocked", Phase1;
    IkeFragmentsDropped = "ike-fragments-dropped", Phase1;
    ResponderNoRouteBack = "responder-no-route-back", Phase1;
    IkeVersionMismatch = "ike-version-mismatch", Phase1;
    IkeProposalMismatch = "ike-proposal-mismatch", Phase1;
    PskMismatch = "psk-mismatch", Phase1;
    CertInvalid = "cert-invalid", Phase1;
    XauthOrModecfgStuck = "xauth-or-modecfg-stuck", Phase1;
    CryptoAclAsymmetric = "crypto-acl-asymmetric", Phase2;
    ResponderSetPeerMismatch = "responder-set-peer-mismatch", Phase2;
    TransformSetMismatch = "transform-set-mismatch", Phase2;
    PfsMismatch = "pfs-mismatch", Phase2;
    IdentityNotPermitted = "identity-not-permitted", Phase2;
    EspBlocked = "esp-blocked", Traffic;
    AhBlocked = "ah-blocked", Traffic;
    NatBreaksIpsec = "nat-breaks-ipsec", Traffic;
    InnerTrafficNotPermitted = "inner-traffic-not-permitted", Traffic;
    ResponderNoRouteToProtectedNet = "responder-no-route-to-protected-net", Traffic;
    PmtuBlackHole = "pmtu-black-hole", Traffic;
    SaOutOfSync = "sa-out-of-sync", Traffic;
    AntiReplayDrops = "anti-replay-drops", Traffic;
    CryptoAclAny = "crypto-acl-any", Traffic;
    LifetimeMismatch = "lifetime-mismatch", Phase1;
    PeerNotInEvidence = "peer-not-in-evidence", none;
    EvidenceContradiction = "evidence-contradiction", none;
    NatInPath = "nat-in-path", none;
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Cause {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl Cause {
    /// Faults that look the same whichever peer initiates (both sides hold half of it).
    pub fn symmetric(&self) -> bool {
        matches!(
            self,
            Cause::IkeProposalMismatch
                | Cause::PskMismatch
                | Cause::TransformSetMismatch
                | Cause::IkeVersionMismatch
                | Cause::LifetimeMismatch
                | Cause::CryptoAclAny
        )
    }
}
