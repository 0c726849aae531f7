//! Phase 2 vocabulary: ESP/AH proposals and the policies (crypto map entries, VTI profiles,
//! IKEv2 children) that say which traffic is protected towards which peer.

use super::algo::{DhGroup, Encr, Integ};
use super::ike::IkeVersion;
use super::selector::Flow;
use super::source::Loc;
use serde::Serialize;
use std::fmt;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EncapMode {
    Tunnel,
    Transport,
}

/// One ESP and/or AH proposal (IOS transform set, strongSwan `esp_proposals` item).
#[derive(Debug, Clone, Serialize)]
pub struct IpsecProposal {
    pub name: String,
    pub esp_encr: Vec<Encr>,
    pub esp_integ: Vec<Integ>,
    pub ah_integ: Vec<Integ>,
    /// Key exchange groups this proposal carries itself (strongSwan `esp_proposals =
    /// aes128-sha256-ecp256, aes256-sha384-ecp384`: in IKEv2 each child SA proposal has its
    /// own KE transform). Empty: the policy's `pfs` applies (IOS `set pfs` per crypto map).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<DhGroup>,
    pub mode: EncapMode,
    /// As responder, the other mode is taken when the initiator asks for it (IOS `mode
    /// transport` also accepts tunnel; strongSwan answers in the mode asked for); libreswan
    /// refuses a child in the other mode.
    pub other_mode_ok: bool,
    pub loc: Loc,
}

impl IpsecProposal {
    pub fn uses_esp(&self) -> bool {
        !self.esp_encr.is_empty() || !self.esp_integ.is_empty()
    }
    pub fn uses_ah(&self) -> bool {
        !self.ah_integ.is_empty()
    }

    /// The PFS groups this proposal offers or demands under `policy`: its own, else the
    /// policy's one; empty for no PFS.
    pub fn pfs_groups(&self, policy: &TunnelPolicy) -> Vec<DhGroup> {
        if self.groups.is_empty() {
            policy.pfs.iter().map(|(g, _)| *g).collect()
        } else {
            self.groups.clone()
        }
    }

    /// The algorithms both sides accept, or the attributes that differ.
    pub fn agrees_with(&self, other: &IpsecProposal) -> Result<(), Vec<&'static str>> {
        let mut diff = Vec::new();
        let overlap = |a: &[Encr], b: &[Encr]| {
            (a.is_empty() && b.is_empty()) || a.iter().any(|x| b.contains(x))
        };
        if !overlap(&self.esp_encr, &other.esp_encr) {
            diff.push("ESP encryption");
        }
        let ov_i = |a: &[Integ], b: &[Integ]| {
            (a.is_empty() && b.is_empty()) || a.iter().any(|x| b.contains(x))
        };
        if !ov_i(&self.esp_integ, &other.esp_integ) {
            diff.push("ESP integrity");
        }
        if !ov_i(&self.ah_integ, &other.ah_integ) {
            diff.push("AH");
        }
        // `other` answers: it refuses a mode it is not set for unless it can fall back.
        if self.mode != other.mode && !other.other_mode_ok {
            diff.push("encapsulation mode (tunnel vs transport)");
        }
        if diff.is_empty() { Ok(()) } else { Err(diff) }
    }
}

impl fmt::Display for IpsecProposal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for a in &self.ah_integ {
            parts.push(format!("AH-{a}"));
        }
        for e in &self.esp_encr {
            parts.push(format!("ESP-{e}"));
        }
        for i in &self.esp_integ {
            parts.push(format!("ESP-{i}"));
        }
        for g in &self.groups {
            parts.push(format!("PFS-group{}", g.0));
        }
        if self.mode == EncapMode::Transport {
            parts.push("mode transport".into());
        }
        write!(f, "{} {{{}}}", self.name, parts.join(" "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum PolicyKind {
    /// A static crypto map entry: can initiate and respond.
    CryptoMap { map: String, seq: u32 },
    /// A dynamic crypto map referenced from a static map: can only respond.
    DynamicMap {
        map: String,
        seq: u32,
        parent: Option<(String, u32)>,
    },
    /// Route-based: a tunnel interface protected by an IPsec profile.
    Vti { interface: String, profile: String },
    /// A named connection/child (strongSwan, libreswan).
    Connection { name: String },
}

/// A selector list entry: permit means protect, deny means send in clear.
#[derive(Debug, Clone, Serialize)]
pub struct SelectorRule {
    pub protect: bool,
    pub flow: Flow,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct TunnelPolicy {
    pub kind: PolicyKind,
    pub ike_version: IkeVersion,
    /// Addresses of `set peer` (IOS), `tunnel destination`, `remote_addrs`. Empty: any peer.
    pub peers: Vec<(IpAddr, Loc)>,
    /// Peers named by host name, unresolved.
    pub peer_names: Vec<(String, Loc)>,
    /// The ACL or traffic-selector name the selectors came from.
    pub selector_source: Option<(String, Loc)>,
    pub selectors: Vec<SelectorRule>,
    /// IKEv2 traffic-selector narrowing (RFC 7296 2.9) allowed: as responder, answer a
    /// proposal that only overlaps the selectors with the intersection; as initiator, accept
    /// such an answer. strongSwan and IOS always do; libreswan only with `narrowing=yes`.
    /// IKEv1 has no narrowing whatever this says.
    pub narrowing: bool,
    /// This side's address inside the tunnel is assigned by the peer (IKEv1 mode config,
    /// IKEv2 configuration payload): the selectors it will propose are the peer's to decide,
    /// so what its files say of them is not compared.
    pub assigned_address: bool,
    /// The line that binds the policy to an interface (strongSwan `if_id_in`/`if_id_out` of
    /// an XFRM interface, `mark_in`/`mark_out` of a VTI): route-based, so only traffic routed
    /// into that interface meets the selectors, however wide.
    pub interface_bound: Option<Loc>,
    pub proposals: Vec<IpsecProposal>,
    /// Names of transform sets that were referenced but never defined.
    pub missing_proposals: Vec<(String, Loc)>,
    pub pfs: Option<(DhGroup, Loc)>,
    pub lifetime_secs: Option<(u32, Loc)>,
    pub identity_list: Option<(String, Loc)>,
    pub ike_profile: Option<(String, Loc)>,
    pub loc: Loc,
}

impl TunnelPolicy {
    pub fn can_initiate(&self) -> bool {
        !matches!(self.kind, PolicyKind::DynamicMap { .. }) && !self.peers.is_empty()
    }

    /// Route-based: a tunnel interface (IOS VTI) or a policy bound to one (XFRM, VTI mark).
    pub fn route_based(&self) -> bool {
        matches!(self.kind, PolicyKind::Vti { .. }) || self.interface_bound.is_some()
    }

    pub fn label(&self) -> String {
        match &self.kind {
            PolicyKind::CryptoMap { map, seq } => format!("crypto map {map} {seq}"),
            PolicyKind::DynamicMap { map, seq, .. } => format!("dynamic crypto map {map} {seq}"),
            PolicyKind::Vti { interface, .. } => format!("tunnel interface {interface}"),
            PolicyKind::Connection { name } => format!("connection {name}"),
        }
    }

    /// The flows this policy protects (permit entries).
    pub fn protected(&self) -> impl Iterator<Item = &SelectorRule> {
        self.selectors.iter().filter(|r| r.protect)
    }
}
