//! One IPsec peer as its configuration describes it, vendor-neutral.

use super::ike::{
    IdentityKind, IdentityList, IkeProfile, IkeProposal, IkeVersion, PreSharedKey, Trustpoint,
};
use super::ipsec::{IpsecProposal, TunnelPolicy};
use super::net::{Acl, Interface, NatRule, Route};
use super::source::Loc;
use serde::Serialize;
use std::net::IpAddr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Platform {
    CiscoIos,
    CiscoAsa,
    Strongswan,
    Libreswan,
    Unknown,
}

impl Platform {
    pub fn as_str(&self) -> &'static str {
        match self {
            Platform::CiscoIos => "cisco-ios",
            Platform::CiscoAsa => "cisco-asa",
            Platform::Strongswan => "strongswan",
            Platform::Libreswan => "libreswan",
            Platform::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Device {
    pub name: String,
    pub platform: Platform,
    pub source_files: Vec<String>,
    /// `Some(loc)` when IKE is switched off, with the line that does it.
    pub ike_disabled: Option<Loc>,
    pub identity: IdentityKind,
    pub domain_name: Option<String>,
    pub ike_proposals: Vec<IkeProposal>,
    pub psks: Vec<PreSharedKey>,
    pub ike_profiles: Vec<IkeProfile>,
    pub identity_lists: Vec<IdentityList>,
    pub trustpoints: Vec<Trustpoint>,
    pub has_rsa_keys: bool,
    pub proposals: Vec<IpsecProposal>,
    pub policies: Vec<TunnelPolicy>,
    pub interfaces: Vec<Interface>,
    pub routes: Vec<Route>,
    pub acls: Vec<Acl>,
    pub nat: Vec<NatRule>,
    /// The first line of a dynamic routing protocol, whose routes a config does not list.
    pub dynamic_routing: Option<Loc>,
    /// Lines the parser did not model; reported with --verbose, never silently dropped.
    pub skipped: Vec<Loc>,
}

impl Device {
    pub fn new(name: &str, platform: Platform) -> Self {
        Device {
            name: name.to_string(),
            platform,
            source_files: Vec::new(),
            ike_disabled: None,
            identity: IdentityKind::Address,
            domain_name: None,
            ike_proposals: Vec::new(),
            psks: Vec::new(),
            ike_profiles: Vec::new(),
            identity_lists: Vec::new(),
            trustpoints: Vec::new(),
            has_rsa_keys: false,
            proposals: Vec::new(),
            policies: Vec::new(),
            interfaces: Vec::new(),
            routes: Vec::new(),
            acls: Vec::new(),
            nat: Vec::new(),
            dynamic_routing: None,
            skipped: Vec::new(),
        }
    }

    /// Adds what another source (a second file of the same host) says about this device.
    pub fn absorb(&mut self, d: Device) {
        // A config says more about the platform than a log does.
        if self.policies.is_empty() && !d.policies.is_empty() {
            self.platform = d.platform;
        }
        self.source_files.extend(d.source_files);
        self.ike_proposals.extend(d.ike_proposals);
        self.psks.extend(d.psks);
        self.ike_profiles.extend(d.ike_profiles);
        self.identity_lists.extend(d.identity_lists);
        self.trustpoints.extend(d.trustpoints);
        self.proposals.extend(d.proposals);
        self.policies.extend(d.policies);
        self.interfaces.extend(d.interfaces);
        self.routes.extend(d.routes);
        self.acls.extend(d.acls);
        self.nat.extend(d.nat);
        self.skipped.extend(d.skipped);
        self.ike_disabled = self.ike_disabled.take().or(d.ike_disabled);
        self.dynamic_routing = self.dynamic_routing.take().or(d.dynamic_routing);
        self.domain_name = self.domain_name.take().or(d.domain_name);
        self.has_rsa_keys |= d.has_rsa_keys;
    }

    /// Every address configured on an interface that is not shut down.
    pub fn addresses(&self) -> impl Iterator<Item = IpAddr> + '_ {
        self.interfaces
            .iter()
            .filter(|i| !i.shutdown)
            .flat_map(|i| i.addresses.iter().map(|n| n.addr()))
    }

    pub fn owns(&self, ip: IpAddr) -> bool {
        self.interfaces.iter().any(|i| !i.shutdown && i.owns(ip))
    }

    pub fn interface(&self, name: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .find(|i| i.name.eq_ignore_ascii_case(name))
    }

    pub fn acl(&self, name: &str) -> Option<&Acl> {
        self.acls.iter().find(|a| a.name == name)
    }

    pub fn ike_proposals_for(&self, v: IkeVersion) -> impl Iterator<Item = &IkeProposal> {
        self.ike_proposals.iter().filter(move |p| p.version == v)
    }
}
