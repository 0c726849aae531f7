//! What the engine concludes: findings with evidence, abstract remedies and probes. Remedies
//! and probes are vendor-neutral; `advice` writes them in each platform's syntax.

use super::cause::{Cause, Step};
use crate::model::{
    AuthMethod, DhGroup, Encr, Flow, Identity, IkeAttr, IkeProposal, Integ, IpsecProposal, Loc,
};
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

/// The most lines one finding cites.
pub const MAX_EVIDENCE: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Confidence {
    Certain,
    Likely,
}

/// A value for one IKE policy attribute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum IkeValue {
    Encr(Encr),
    Integ(Integ),
    Group(DhGroup),
    Auth(AuthMethod),
    Lifetime(u32),
}

/// A filter entry to add: permit `proto` from `src` to `dst` (port optional).
#[derive(Debug, Clone, Serialize)]
pub struct PermitSpec {
    pub proto: Option<u8>,
    pub src: crate::model::AddrSpec,
    pub dst: crate::model::AddrSpec,
    pub dst_port: Option<u16>,
    pub comment: String,
}

/// A change to make on one device, independent of its command syntax.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Remedy {
    EnableIke,
    /// Let IKE fragment its own large messages (RFC 7383, IKEv1 vendor fragmentation), in the
    /// named connections (or the device's, when none is named).
    EnableIkeFragmentation {
        conns: Vec<String>,
    },
    /// Answer packets on an SA this side no longer has with a notify that makes the peer
    /// renegotiate, and detect dead peers.
    InvalidSpiRecovery,
    /// Widen the anti-replay window (packets reordered by QoS on the path).
    ReplayWindow {
        size: u32,
    },
    AddRoute {
        dest: IpNet,
        next_hop: Option<IpAddr>,
        interface: Option<String>,
    },
    ApplyCryptoMap {
        map: String,
        interface: String,
        remove_from: Option<String>,
    },
    ReplaceSelectors {
        acl: String,
        old: Vec<Loc>,
        new: Vec<Flow>,
    },
    /// Add (or replace, when `old` is set) the key for a peer; the key text itself is never
    /// known to the engine, only whose key it must equal.
    SetPsk {
        peer: IpAddr,
        keyring: Option<String>,
        /// For IKEv2 keyrings: the peer entry and which direction the key serves.
        ikev2: Option<(Option<String>, crate::model::KeyUse)>,
        old: Option<Loc>,
        same_as: String,
    },
    SetPeer {
        policy: String,
        old: Option<IpAddr>,
        new: IpAddr,
    },
    SetIkeAttr {
        priority: u32,
        attr: IkeAttr,
        value: IkeValue,
    },
    AddIkePolicy {
        proposal: Box<IkeProposal>,
    },
    SetTransforms {
        policy: String,
        proposal: Box<IpsecProposal>,
    },
    SetPfs {
        policy: String,
        group: Option<DhGroup>,
    },
    PermitInFilter {
        acl: String,
        interface: String,
        before: Option<Loc>,
        permit: PermitSpec,
    },
    /// Give the device a key pair and a certificate from the CA.
    EnrollCertificate {
        trustpoint: Option<String>,
    },
    NoShutdown {
        interface: String,
    },
    AllowIdentity {
        list: String,
        identity: Identity,
    },
    Text {
        text: String,
    },
}

/// Something to look at on a device to confirm or refute a finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Probe {
    ShowIkeSa,
    ShowIpsecSa {
        peer: IpAddr,
    },
    ShowPolicies,
    ShowIkePolicies,
    ShowTransformSets,
    ShowKeys,
    DebugIke,
    DebugIpsec,
    ShowRoute {
        dest: IpAddr,
    },
    Ping {
        dest: IpAddr,
        source: Option<IpAddr>,
    },
    /// Pings that must not be fragmented (DF set), one per data size (`ping -M do -s N`,
    /// largest first): the largest that gets an answer bounds the path MTU.
    PingDf {
        dest: IpAddr,
        source: Option<IpAddr>,
        sizes: Vec<u32>,
    },
    ShowInterface {
        name: String,
    },
    ShowAcl {
        name: String,
    },
    ShowIdentity {
        name: String,
    },
    ShowClock,
    /// The running configuration, when a saved one contradicts the device's own output.
    ShowRunningConfig,
    ShowCertificates,
    ClearSas {
        peer: IpAddr,
    },
    Capture {
        local: Option<IpAddr>,
        peer: IpAddr,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    pub peer: String,
    pub remedies: Vec<Remedy>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub peer: String,
    pub why: String,
    pub probes: Vec<Probe>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: Cause,
    pub step: Option<Step>,
    pub severity: Severity,
    pub confidence: Confidence,
    pub peer: Option<String>,
    /// Which way the tunnel was being brought up when this fails (initiator, responder).
    pub direction: Option<(String, String)>,
    pub summary: String,
    pub evidence: Vec<Loc>,
    /// Alternatives: apply any one of them.
    pub fixes: Vec<Fix>,
    pub checks: Vec<Check>,
    /// Codes of the consequences folded into this finding (same peer, same evidence).
    pub also: Vec<Cause>,
    /// The two peers of the tunnel this finding is about, sorted; used to merge directions.
    #[serde(skip)]
    pub parties: Vec<String>,
}

impl Finding {
    pub fn new(code: Cause, peer: &str, summary: String) -> Self {
        Finding {
            code,
            step: code.step(),
            severity: Severity::Error,
            confidence: Confidence::Likely,
            peer: Some(peer.to_string()),
            direction: None,
            summary,
            evidence: Vec::new(),
            fixes: Vec::new(),
            checks: Vec::new(),
            also: Vec::new(),
            parties: Vec::new(),
        }
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }
    pub fn certain(mut self) -> Self {
        self.confidence = Confidence::Certain;
        self
    }
    pub fn step(mut self, s: Step) -> Self {
        self.step = Some(s);
        self
    }
    pub fn direction(mut self, initiator: &str, responder: &str) -> Self {
        self.direction = Some((initiator.to_string(), responder.to_string()));
        self
    }
    pub fn evidence<'a>(mut self, locs: impl IntoIterator<Item = &'a Loc>) -> Self {
        for l in locs {
            self.add_evidence(l);
        }
        self
    }

    /// Adds a line unless it is already cited. A log repeating the same failure thousands of
    /// times proves it with its first lines; the report stays readable.
    pub fn add_evidence(&mut self, l: &Loc) {
        if self.evidence.len() < MAX_EVIDENCE && !self.evidence.contains(l) {
            self.evidence.push(l.clone());
        }
    }
    pub fn fix(mut self, peer: &str, remedies: Vec<Remedy>) -> Self {
        self.fixes.push(Fix {
            peer: peer.to_string(),
            remedies,
        });
        self
    }
    pub fn check(mut self, peer: &str, why: &str, probes: Vec<Probe>) -> Self {
        self.checks.push(Check {
            peer: peer.to_string(),
            why: why.to_string(),
            probes,
        });
        self
    }
}
