//! The commands of a Linux IPsec gateway that do not depend on its IKE daemon: kernel state,
//! routes, filters, pings. strongSwan's and libreswan's advisors both answer with these.

use crate::diagnose::Probe;

/// The command for `probe` when it is about the host rather than the daemon.
pub(super) fn probe(probe: &Probe) -> Option<Vec<String>> {
    Some(match probe {
        Probe::DebugIpsec => vec!["ip xfrm monitor".into()],
        Probe::ShowRoute { dest } => vec![format!("ip route get {dest}")],
        Probe::Ping { dest, source } => vec![match source {
            Some(s) => format!("ping -c 3 -I {s} {dest}"),
            None => format!("ping -c 3 {dest}"),
        }],
        Probe::PingDf {
            dest,
            source,
            sizes,
        } => sizes
            .iter()
            .map(|n| match source {
                Some(s) => format!("ping -M do -c 2 -s {n} -I {s} {dest}"),
                None => format!("ping -M do -c 2 -s {n} {dest}"),
            })
            .collect(),
        Probe::ShowInterface { .. } => vec!["ip -s addr show".into()],
        Probe::ShowAcl { .. } => vec!["iptables -L -n -v".into(), "nft list ruleset".into()],
        Probe::ShowClock => vec!["date -u".into()],
        _ => return None,
    })
}
