//! One IPsec peer as its configuration describes it, vendor-neutral.

use super::ike::{
    IdentityKind, IdentityList, IkeProfile, IkeProposal, IkeVersion, PreSharedKey, Trustpoint,
};
use super::ipsec::{IpsecProposal, TunnelPolicy};
use super::known::{Certificate, Clock, Known};
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
    /// The parts of this model the evidence describes (all of them for a configuration).
    pub known: Known,
    pub clock: Option<Clock>,
    pub certificates: Vec<Certificate>,
    /// Where this device's configuration and its own show output disagree.
    pub contradictions: Vec<super::contradict::Contradiction>,
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
            known: Known::default(),
            clock: None,
            certificates: Vec::new(),
            contradictions: Vec::new(),
        }
    }

    /// Adds what another source (a second file of the same host) says about this device.
    pub fn absorb(&mut self, mut d: Device) {
        // A configuration is the base whatever order the files came in: what show output
        // adds to it is only what the configuration does not describe.
        if d.known.is_complete() && !self.known.is_complete() {
            std::mem::swap(self, &mut d);
        }
        // A configuration describes its parts whole: what show output says of them again is
        // dropped. Between show outputs, an item already seen (same name) is not added twice.
        let full = self.known.is_complete();
        self.known = self.known.union(d.known);
        if full {
            let found = super::contradict::between(self, &d);
            self.contradictions.extend(found);
            d.ike_proposals.clear();
            d.psks.clear();
            d.policies.clear();
            d.proposals.clear();
            d.acls.clear();
            d.routes.clear();
            d.identity_lists.clear();
        } else {
            d.ike_proposals
                .retain(|p| !self.ike_proposals.iter().any(|x| x.priority == p.priority));
            d.psks.retain(|k| {
                !self
                    .psks
                    .iter()
                    .any(|x| x.peer == k.peer && x.keyring == k.keyring)
            });
            d.policies
                .retain(|p| !self.policies.iter().any(|x| x.label() == p.label()));
            d.proposals
                .retain(|p| !self.proposals.iter().any(|x| x.name == p.name));
            d.acls
                .retain(|a| !self.acls.iter().any(|x| x.name == a.name));
            d.routes.retain(|r| {
                !self
                    .routes
                    .iter()
                    .any(|x| x.prefix == r.prefix && x.next_hop == r.next_hop)
            });
            d.identity_lists
                .retain(|l| !self.identity_lists.iter().any(|x| x.name == l.name));
        }
        self.clock = self.clock.take().or(d.clock.take());
        self.certificates.append(&mut d.certificates);
        for i in std::mem::take(&mut d.interfaces) {
            match self
                .interfaces
                .iter_mut()
                .find(|x| x.name.eq_ignore_ascii_case(&i.name))
            {
                Some(x) => x.fill_from(i),
                None => self.interfaces.push(i),
            }
        }
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
        self.routes.extend(d.routes);
        self.acls.extend(d.acls);
        self.nat.extend(d.nat);
        self.skipped.extend(d.skipped);
        self.resolve_proposals();
        self.ike_disabled = self.ike_disabled.take().or(d.ike_disabled);
        self.dynamic_routing = self.dynamic_routing.take().or(d.dynamic_routing);
        self.domain_name = self.domain_name.take().or(d.domain_name);
        self.has_rsa_keys |= d.has_rsa_keys;
    }

    /// Transform sets a policy names but its own file did not define (a `show crypto map`
    /// next to a `show crypto ipsec transform-set`) are found among the merged ones.
    fn resolve_proposals(&mut self) {
        for pol in &mut self.policies {
            let mut still = Vec::new();
            for (name, loc) in std::mem::take(&mut pol.missing_proposals) {
                match self.proposals.iter().find(|p| p.name == name) {
                    Some(p) => pol.proposals.push(p.clone()),
                    None => still.push((name, loc)),
                }
            }
            pol.missing_proposals = still;
        }
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
