//! What IOS assumes when a line is absent: policy attribute defaults and the built-in
//! IKE policies.

use crate::model::ike::IkeVersion;
use crate::model::{AuthMethod, DhGroup, Encr, IkeProposal, Integ, Loc};
use std::sync::Arc;

pub const IKE_LIFETIME: u32 = 86_400;

/// A policy as IOS fills it in before any attribute line: DES, SHA, RSA signatures, group 1.
pub fn blank_policy(priority: u32, loc: Loc) -> IkeProposal {
    IkeProposal {
        version: IkeVersion::V1,
        priority,
        name: format!("crypto isakmp policy {priority}"),
        encr: vec![Encr::Des],
        integ: vec![Integ::Sha1],
        prf: Vec::new(),
        groups: vec![DhGroup(1)],
        auth: Some(AuthMethod::RsaSig),
        lifetime_secs: IKE_LIFETIME,
        lifetime_enforced: true,
        builtin: false,
        loc,
        attr_locs: Vec::new(),
    }
}

/// Which set of built-in policies a release has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefaultSet {
    /// Up to 12.4(20)T: one default suite, 65535, always tried last.
    Legacy,
    /// Later releases: suites 65507..65514, used only when no policy is configured.
    Modern,
}

pub fn default_set(version: Option<&str>) -> DefaultSet {
    let Some(v) = version else {
        return DefaultSet::Legacy;
    };
    let mut it = v.split('.');
    let major: u32 = it.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    if major >= 15 {
        DefaultSet::Modern
    } else {
        DefaultSet::Legacy
    }
}

pub fn builtin_policies(set: DefaultSet, file: &Arc<str>) -> Vec<IkeProposal> {
    let mk = |prio: u32, encr: Encr, integ: Integ, auth: AuthMethod, group: u16| {
        let loc = Loc::implied(
            file,
            &format!("IOS built-in default protection suite of priority {prio}"),
        );
        IkeProposal {
            encr: vec![encr],
            integ: vec![integ],
            groups: vec![DhGroup(group)],
            auth: Some(auth),
            builtin: true,
            name: format!("default policy {prio}"),
            ..blank_policy(prio, loc)
        }
    };
    let aes = Encr::Aes { bits: 128 };
    match set {
        DefaultSet::Legacy => vec![mk(65535, Encr::Des, Integ::Sha1, AuthMethod::RsaSig, 1)],
        DefaultSet::Modern => vec![
            mk(65507, aes, Integ::Sha1, AuthMethod::RsaSig, 5),
            mk(65508, aes, Integ::Sha1, AuthMethod::PreShared, 5),
            mk(65509, aes, Integ::Md5, AuthMethod::RsaSig, 5),
            mk(65510, aes, Integ::Md5, AuthMethod::PreShared, 5),
            mk(65511, Encr::TripleDes, Integ::Sha1, AuthMethod::RsaSig, 2),
            mk(
                65512,
                Encr::TripleDes,
                Integ::Sha1,
                AuthMethod::PreShared,
                2,
            ),
            mk(65513, Encr::TripleDes, Integ::Md5, AuthMethod::RsaSig, 2),
            mk(65514, Encr::TripleDes, Integ::Md5, AuthMethod::PreShared, 2),
        ],
    }
}
