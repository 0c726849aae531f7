//! The IP layer a tunnel rides on: interfaces, routes, packet filters and NAT.

use super::selector::{AddrSpec, Ports, ports_contain};
use super::source::Loc;
use ipnet::IpNet;
use serde::Serialize;
use std::net::IpAddr;

pub const PROTO_ICMP: u8 = 1;
pub const PROTO_TCP: u8 = 6;
pub const PROTO_UDP: u8 = 17;
pub const PROTO_GRE: u8 = 47;
pub const PROTO_ESP: u8 = 50;
pub const PROTO_AH: u8 = 51;

pub fn proto_name(p: u8) -> String {
    match p {
        PROTO_ICMP => "icmp".into(),
        PROTO_TCP => "tcp".into(),
        PROTO_UDP => "udp".into(),
        PROTO_GRE => "gre".into(),
        PROTO_ESP => "esp".into(),
        PROTO_AH => "ah".into(),
        88 => "eigrp".into(),
        89 => "ospf".into(),
        103 => "pim".into(),
        n => n.to_string(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Interface {
    pub name: String,
    pub addresses: Vec<IpNet>,
    /// The line of the primary address, for evidence.
    pub address_loc: Option<Loc>,
    pub shutdown: bool,
    pub crypto_map: Option<(String, Loc)>,
    pub acl_in: Option<(String, Loc)>,
    pub acl_out: Option<(String, Loc)>,
    pub nat_side: Option<NatSide>,
    pub vrf: Option<String>,
    /// Set for route-based VPN interfaces (VTI, GRE over IPsec).
    pub tunnel: Option<TunnelInterface>,
    pub loc: Loc,
}

impl Interface {
    pub fn owns(&self, ip: IpAddr) -> bool {
        self.addresses.iter().any(|n| n.addr() == ip)
    }
    pub fn connects(&self, ip: IpAddr) -> bool {
        self.addresses.iter().any(|n| n.contains(&ip))
    }

    /// Completes this interface with what another source says of the same one (a config
    /// and `show ip interface`, or two show commands): known facts are kept.
    pub fn fill_from(&mut self, o: Interface) {
        if self.addresses.is_empty() {
            self.address_loc = o.address_loc.clone();
        }
        // The same address seen as a host (`show crypto ipsec sa`) and with its mask
        // (`show ip interface`) is one address with that mask.
        for n in o.addresses {
            match self.addresses.iter_mut().find(|x| x.addr() == n.addr()) {
                Some(x) if x.prefix_len() > n.prefix_len() => {
                    *x = n;
                    self.address_loc = o.address_loc.clone();
                }
                Some(_) => {}
                None => self.addresses.push(n),
            }
        }
        self.shutdown |= o.shutdown;
        self.crypto_map = self.crypto_map.take().or(o.crypto_map);
        self.acl_in = self.acl_in.take().or(o.acl_in);
        self.acl_out = self.acl_out.take().or(o.acl_out);
        self.nat_side = self.nat_side.take().or(o.nat_side);
        self.vrf = self.vrf.take().or(o.vrf);
        self.tunnel = self.tunnel.take().or(o.tunnel);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TunnelInterface {
    pub source: Option<TunnelSource>,
    pub destination: Option<IpAddr>,
    pub protection_profile: Option<String>,
    pub mode: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TunnelSource {
    Address(IpAddr),
    Interface(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NatSide {
    Inside,
    Outside,
}

#[derive(Debug, Clone, Serialize)]
pub struct Route {
    pub prefix: IpNet,
    pub next_hop: Option<IpAddr>,
    pub interface: Option<String>,
    pub distance: u8,
    pub vrf: Option<String>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Permit,
    Deny,
}

#[derive(Debug, Clone, Serialize)]
pub struct AclEntry {
    /// Sequence number when the list has them (IOS named lists, ASA line numbers).
    pub seq: Option<u32>,
    pub action: Action,
    /// None: any IP protocol.
    pub proto: Option<u8>,
    pub src: AddrSpec,
    pub src_ports: Ports,
    pub dst: AddrSpec,
    pub dst_ports: Ports,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct Acl {
    pub name: String,
    pub entries: Vec<AclEntry>,
    /// The header line for named ACLs, or the first entry of a numbered one.
    pub loc: Loc,
}

/// A concrete packet to test against a filter. For ICMP, `dst_port` carries the ICMP type.
#[derive(Debug, Clone, Copy)]
pub struct Packet {
    pub proto: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
}

/// What a filter does with a packet and which entry decided it (None: the implicit deny).
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    pub action: Action,
    pub entry: Option<&'a AclEntry>,
}

impl AclEntry {
    pub fn matches(&self, p: &Packet) -> bool {
        if let Some(proto) = self.proto
            && proto != p.proto
        {
            return false;
        }
        if !self.src.contains(p.src) || !self.dst.contains(p.dst) {
            return false;
        }
        let port_ok = |ports: &Ports, port: Option<u16>| match port {
            Some(port) => ports_contain(ports, port),
            None => ports.len() == 1 && ports[0].is_any(),
        };
        self.proto.is_none()
            || (port_ok(&self.src_ports, p.src_port) && port_ok(&self.dst_ports, p.dst_port))
    }
}

impl Acl {
    /// First match wins; an empty or non-matching list ends in the implicit deny.
    pub fn evaluate(&self, p: &Packet) -> Verdict<'_> {
        for e in &self.entries {
            if e.matches(p) {
                return Verdict {
                    action: e.action,
                    entry: Some(e),
                };
            }
        }
        Verdict {
            action: Action::Deny,
            entry: None,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct NatRule {
    /// ACL or route-map naming the inside traffic that gets translated.
    pub match_acl: Option<String>,
    pub to_interface: Option<String>,
    pub overload: bool,
    pub loc: Loc,
}
