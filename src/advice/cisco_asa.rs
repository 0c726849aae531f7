//! Cisco ASA syntax. Configs are parsed in a later issue; until then ASA devices appear
//! through their output, and their advice is mostly what to look at next.

use super::generic;
use super::{Advisor, Style};
use crate::diagnose::{Probe, Remedy};
use crate::model::Device;
use std::net::IpAddr;

pub struct CiscoAsa;

fn outside_addr(dev: &Device, peer: IpAddr) -> String {
    dev.route_to(peer)
        .and_then(|l| l.exit)
        .and_then(|i| i.addresses.first())
        .map(|n| n.addr().to_string())
        .unwrap_or_else(|| "<this ASA's outside address>".into())
}

impl Advisor for CiscoAsa {
    fn fix(&self, dev: &Device, remedies: &[Remedy], style: &Style) -> Vec<String> {
        remedies
            .iter()
            .flat_map(|r| match r {
                Remedy::ReplayWindow { size } => vec![
                    "configure terminal".into(),
                    format!("crypto ipsec security-association replay window-size {size}"),
                    "end".into(),
                ],
                Remedy::EnableIkeFragmentation { .. } => vec![
                    "configure terminal".into(),
                    "crypto ikev1 fragmentation".into(),
                    "crypto ikev2 fragmentation mtu 1200".into(),
                    "end".into(),
                ],
                Remedy::EnableIke => vec![
                    "configure terminal".into(),
                    "crypto ikev1 enable outside".into(),
                    "end".into(),
                ],
                other => generic::Generic.fix(dev, std::slice::from_ref(other), style),
            })
            .collect()
    }

    fn probe(&self, dev: &Device, probe: &Probe) -> Vec<String> {
        match probe {
            Probe::ShowIkeSa => vec!["show crypto isakmp sa".into()],
            Probe::ShowIpsecSa { peer } => vec![format!("show crypto ipsec sa peer {peer}")],
            Probe::ShowPolicies => vec!["show running-config crypto map".into()],
            Probe::ShowIkePolicies => vec!["show running-config crypto ikev1".into()],
            Probe::ShowTransformSets => vec!["show running-config crypto ipsec".into()],
            Probe::ShowKeys | Probe::ShowIdentity { .. } => {
                vec!["show running-config tunnel-group".into()]
            }
            Probe::DebugIke => vec!["debug crypto isakmp 5".into()],
            Probe::DebugIpsec => vec!["debug crypto ipsec 5".into()],
            Probe::ShowRoute { dest } => vec![format!("show route {dest}")],
            Probe::Ping { dest, .. } => vec![format!("ping {dest}")],
            // The ASA's own ping cannot set DF: from a host behind it.
            Probe::PingDf { .. } => generic::Generic.probe(dev, probe),
            Probe::ShowInterface { name } => vec![format!("show interface {name}")],
            Probe::ShowAcl { name } => vec![format!("show access-list {name}")],
            Probe::ShowClock => vec!["show clock".into()],
            Probe::ShowRunningConfig => vec!["show running-config".into()],
            Probe::ShowCertificates => vec!["show crypto ca certificates".into()],
            Probe::ClearSas { peer } => vec![format!("clear crypto isakmp {peer}")],
            Probe::Capture { local, peer } => {
                let local = local
                    .map(|a| a.to_string())
                    .unwrap_or_else(|| outside_addr(dev, *peer));
                vec![
                    "configure terminal".into(),
                    "object service isakmp-nat-t".into(),
                    " service udp destination eq 4500".into(),
                    "object-group service ISAKMP-Services".into(),
                    " service-object esp".into(),
                    " service-object ah".into(),
                    " service-object object isakmp-nat-t".into(),
                    " service-object udp destination eq isakmp".into(),
                    format!(
                        "access-list ISAKMP extended permit object-group ISAKMP-Services host {local} host {peer}"
                    ),
                    format!(
                        "access-list ISAKMP extended permit object-group ISAKMP-Services host {peer} host {local}"
                    ),
                    "end".into(),
                    "capture ISAKMP access-list ISAKMP interface outside".into(),
                    "! reproduce, then download https://<this ASA>/capture/ISAKMP/pcap".into(),
                ]
            }
        }
    }
}
