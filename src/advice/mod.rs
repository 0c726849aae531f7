//! Remedies and probes in each platform's own syntax. The engine says *what* to change or
//! look at; an advisor says how, on that device.

mod cisco_asa;
mod cisco_ios;
pub(crate) mod generic;
mod libreswan;
mod linux;
mod strongswan;

use crate::diagnose::{Probe, Remedy};
use crate::model::{Device, Platform};

pub struct Style {
    /// Print secrets that the config holds (only with --show-secrets).
    pub show_secrets: bool,
}

pub trait Advisor {
    /// Configuration commands that apply the remedy, ready to paste.
    fn fix(&self, dev: &Device, remedies: &[Remedy], style: &Style) -> Vec<String>;
    /// Commands that show what the probe asks for.
    fn probe(&self, dev: &Device, probe: &Probe) -> Vec<String>;
}

/// What a `SetIkeAttr` remedy asks of a proposal written as one keyword string: the proposal
/// with the new algorithm, the new lifetime in seconds, or neither (not expressible).
pub(crate) enum IkeChange {
    Proposal(Box<crate::model::IkeProposal>),
    Lifetime(u32),
    Other,
}

pub(crate) fn ike_change(
    p: &crate::model::IkeProposal,
    attr: &crate::model::IkeAttr,
    value: &crate::diagnose::IkeValue,
) -> IkeChange {
    use crate::diagnose::IkeValue;
    use crate::model::IkeAttr;
    let mut q = p.clone();
    match (attr, value) {
        (IkeAttr::Encryption, IkeValue::Encr(e)) => q.encr = vec![*e],
        (IkeAttr::Integrity, IkeValue::Integ(i)) => q.integ = vec![*i],
        (IkeAttr::Group, IkeValue::Group(g)) => q.groups = vec![*g],
        (IkeAttr::Lifetime, IkeValue::Lifetime(s)) => return IkeChange::Lifetime(*s),
        _ => return IkeChange::Other,
    }
    IkeChange::Proposal(Box::new(q))
}

pub fn advisor(p: Platform) -> &'static dyn Advisor {
    match p {
        Platform::CiscoIos => &cisco_ios::CiscoIos,
        Platform::CiscoAsa => &cisco_asa::CiscoAsa,
        Platform::Strongswan => &strongswan::Strongswan,
        Platform::Libreswan => &libreswan::Libreswan,
        _ => &generic::Generic,
    }
}
