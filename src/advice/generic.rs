//! Platforms without an advisor of their own get the remedy in words.

use super::{Advisor, Style};
use crate::diagnose::{Probe, Remedy};
use crate::model::Device;

pub struct Generic;

impl Advisor for Generic {
    fn fix(&self, _dev: &Device, remedies: &[Remedy], _style: &Style) -> Vec<String> {
        remedies
            .iter()
            .map(|r| format!("! {}", describe(r)))
            .collect()
    }

    fn probe(&self, _dev: &Device, probe: &Probe) -> Vec<String> {
        vec![match probe {
            Probe::ShowIkeSa => "list the IKE SAs and their states".into(),
            Probe::ShowIpsecSa { peer } => {
                format!("list the IPsec SAs with {peer} and their packet counters")
            }
            Probe::ShowPolicies => "show the tunnel policies (peers, selectors, proposals)".into(),
            Probe::ShowIkePolicies => "show the IKE proposals".into(),
            Probe::ShowTransformSets => "show the ESP/AH proposals".into(),
            Probe::ShowKeys => "list which peers have pre-shared keys".into(),
            Probe::DebugIke => "turn on IKE debugging and retry".into(),
            Probe::DebugIpsec => "turn on IPsec debugging and retry".into(),
            Probe::ShowRoute { dest } => format!("look up the route to {dest}"),
            Probe::Ping { dest, .. } => format!("ping {dest}"),
            Probe::PingDf { dest, sizes, .. } => {
                let list: Vec<String> = sizes.iter().map(|n| n.to_string()).collect();
                format!(
                    "ping {dest} with DF set and {} data bytes in turn, from a host behind this peer (Linux: ping -M do -s N; Windows: ping -f -l N; macOS: ping -D -s N); the largest that gets an answer, plus 28, is the largest packet the tunnel carries",
                    list.join(", ")
                )
            }
            Probe::ShowInterface { name } => format!("show interface {name} and its filters"),
            Probe::ShowAcl { name } => format!("show filter {name} with hit counters"),
            Probe::ShowIdentity { name } => format!("show identity list {name}"),
            Probe::ShowClock => "show the clock".into(),
            Probe::ShowRunningConfig => "show the running configuration".into(),
            Probe::ShowCertificates => "list the certificates and their validity".into(),
            Probe::ClearSas { peer } => format!("clear the SAs with {peer}"),
            // tcpdump on the host or a Linux box on the path: IKE, NAT-T, ESP, AH, ICMP
            // errors, and IP fragments (their later pieces carry no UDP header to match on).
            Probe::Capture { peer, .. } => format!(
                "tcpdump -ni any -s 0 -w ipsec-{peer}.pcap 'host {peer} and (udp port 500 or udp port 4500 or ip proto 50 or ip proto 51 or icmp or icmp6 or (ip[6:2] & 0x3fff != 0))'"
            ),
        }]
    }
}

/// A remedy in words, for platforms without their own syntax yet.
pub fn describe(r: &Remedy) -> String {
    match r {
        Remedy::EnableIke => "enable IKE on the outside interface".into(),
        Remedy::EnableIkeFragmentation { .. } => {
            "enable IKE fragmentation (both peers must support it)".into()
        }
        Remedy::InvalidSpiRecovery => {
            "answer ESP on unknown SPIs with INVALID_SPI notifies and enable dead peer detection"
                .into()
        }
        Remedy::ReplayWindow { size } => format!("widen the anti-replay window to {size} packets"),
        Remedy::AddRoute { dest, .. } => format!("add a route to {dest}"),
        Remedy::ApplyCryptoMap { map, interface, .. } => format!("apply {map} to {interface}"),
        Remedy::ReplaceSelectors { acl, .. } => {
            format!("make traffic selectors {acl} mirror the peer's")
        }
        Remedy::SetPsk { peer, same_as, .. } => {
            format!("set the pre-shared key for {peer} to the one on {same_as}")
        }
        Remedy::SetPeer { policy, new, .. } => format!("make {policy} point at {new}"),
        Remedy::SetIkeAttr { attr, .. } => format!("align the IKE {attr}"),
        Remedy::AddIkePolicy { .. } => "add an IKE proposal the peer accepts".into(),
        Remedy::SetTransforms { policy, .. } => {
            format!("align ESP/AH proposal {policy} with the peer")
        }
        Remedy::SetPfs { policy, group } => match group {
            Some(g) => format!("set PFS {g} on {policy}"),
            None => format!("remove PFS from {policy}"),
        },
        Remedy::PermitInFilter { acl, permit, .. } => {
            format!("permit {} in filter {acl}", permit.comment)
        }
        Remedy::AllowIdentity { list, identity } => format!("allow {identity} in {list}"),
        Remedy::EnrollCertificate { .. } => "enrol a certificate from the CA".into(),
        Remedy::NoShutdown { interface } => format!("bring {interface} up"),
        Remedy::Text { text } => text.clone(),
    }
}
