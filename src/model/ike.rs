//! Phase 1 vocabulary: IKE proposals, credentials, identities and profiles.

use super::algo::{AuthMethod, DhGroup, Encr, Integ, Prf};
use super::selector::AddrSpec;
use super::source::Loc;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IkeVersion {
    V1,
    V2,
}

impl fmt::Display for IkeVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IkeVersion::V1 => "IKEv1",
            IkeVersion::V2 => "IKEv2",
        })
    }
}

/// One IKE SA proposal. An IKEv1 policy has exactly one value per list; an IKEv2 proposal may
/// list several transforms of each type, any combination of which is acceptable.
#[derive(Debug, Clone, Serialize)]
pub struct IkeProposal {
    pub version: IkeVersion,
    /// Priority (IOS policy number) or order in the configuration; lower is tried first.
    pub priority: u32,
    pub name: String,
    pub encr: Vec<Encr>,
    pub integ: Vec<Integ>,
    pub prf: Vec<Prf>,
    pub groups: Vec<DhGroup>,
    /// IKEv1 negotiates the authentication method in the proposal; IKEv2 leaves it empty.
    pub auth: Option<AuthMethod>,
    pub lifetime_secs: u32,
    /// IKEv1: as responder, an offer with a longer lifetime is refused (IOS); strongSwan and
    /// libreswan take any lifetime and rekey on their own.
    pub lifetime_enforced: bool,
    /// Built into the platform rather than written in the config.
    pub builtin: bool,
    pub loc: Loc,
    /// The lines of each attribute as written (for evidence), keyed by attribute name.
    pub attr_locs: Vec<(IkeAttr, Loc)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IkeAttr {
    Encryption,
    Integrity,
    Prf,
    Group,
    Auth,
    Lifetime,
}

impl fmt::Display for IkeAttr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            IkeAttr::Encryption => "encryption",
            IkeAttr::Integrity => "hash/integrity",
            IkeAttr::Prf => "PRF",
            IkeAttr::Group => "Diffie-Hellman group",
            IkeAttr::Auth => "authentication method",
            IkeAttr::Lifetime => "lifetime",
        })
    }
}

impl IkeProposal {
    pub fn attr_loc(&self, a: IkeAttr) -> Option<&Loc> {
        self.attr_locs.iter().find(|(k, _)| *k == a).map(|(_, l)| l)
    }
}

/// A secret reduced to what comparison needs. The plaintext is never stored.
#[derive(Clone, PartialEq, Eq)]
pub enum SecretFingerprint {
    /// SHA-256 of the cleartext (given in clear or recoverable, like IOS type 7).
    Known([u8; 32]),
    /// Encrypted with a device-local master key (IOS type 6): comparable only to itself.
    Opaque([u8; 32]),
}

impl SecretFingerprint {
    pub fn of_cleartext(s: &str) -> Self {
        SecretFingerprint::Known(Sha256::digest(s.as_bytes()).into())
    }
    pub fn of_opaque(s: &str) -> Self {
        SecretFingerprint::Opaque(Sha256::digest(s.as_bytes()).into())
    }
    /// Some(true/false) when the two keys can be compared, None when one is device-encrypted.
    pub fn same_as(&self, other: &SecretFingerprint) -> Option<bool> {
        match (self, other) {
            (SecretFingerprint::Known(a), SecretFingerprint::Known(b)) => Some(a == b),
            (SecretFingerprint::Opaque(a), SecretFingerprint::Opaque(b)) if a == b => Some(true),
            _ => None,
        }
    }
}

impl fmt::Debug for SecretFingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretFingerprint(..)")
    }
}

impl Serialize for SecretFingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("<redacted>")
    }
}

/// Whom a pre-shared key is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum PeerMatch {
    Address(AddrSpec),
    Hostname(String),
}

/// Which way a key is used. IKEv2 lets each side sign with its own key (`local`) and verify
/// the peer's with another (`remote`); IKEv1 keys are always both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyUse {
    Both,
    Local,
    Remote,
}

impl KeyUse {
    pub fn signs(&self) -> bool {
        matches!(self, KeyUse::Both | KeyUse::Local)
    }
    pub fn verifies(&self) -> bool {
        matches!(self, KeyUse::Both | KeyUse::Remote)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PreSharedKey {
    pub peer: PeerMatch,
    pub key: SecretFingerprint,
    pub usage: KeyUse,
    /// Keyring (IOS), or None for global keys.
    pub keyring: Option<String>,
    /// The named entry inside the keyring (IOS IKEv2 `peer NAME`).
    pub entry: Option<String>,
    pub loc: Loc,
}

/// An IKE identity as sent in ID payloads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum Identity {
    Address(std::net::IpAddr),
    Fqdn(String),
    UserFqdn(String),
    Dn(String),
    KeyId(String),
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Identity::Address(a) => write!(f, "address {a}"),
            Identity::Fqdn(s) => write!(f, "fqdn {s}"),
            Identity::UserFqdn(s) => write!(f, "user-fqdn {s}"),
            Identity::Dn(s) => write!(f, "dn {s}"),
            Identity::KeyId(s) => write!(f, "key-id {s}"),
        }
    }
}

/// How a device identifies itself in phase 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum IdentityKind {
    Address,
    Hostname,
    Dn,
}

/// Rules that admit a remote identity (IOS `match identity`, `crypto identity`, strongSwan
/// `remote.id`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum IdentityMatch {
    Address(AddrSpec),
    Fqdn(String),
    /// Substring match on the FQDN (`match identity host domain`).
    FqdnSuffix(String),
    Dn(String),
    Any,
}

impl std::fmt::Display for IdentityMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IdentityMatch::Address(a) => write!(f, "address {a}"),
            IdentityMatch::Fqdn(n) => write!(f, "fqdn {n}"),
            IdentityMatch::FqdnSuffix(n) => write!(f, "host domain {n}"),
            IdentityMatch::Dn(n) => write!(f, "dn {n}"),
            IdentityMatch::Any => f.write_str("any identity"),
        }
    }
}

impl IdentityMatch {
    pub fn admits(&self, id: &Identity) -> bool {
        match (self, id) {
            (IdentityMatch::Any, _) => true,
            (IdentityMatch::Address(spec), Identity::Address(a)) => spec.contains(*a),
            (IdentityMatch::Fqdn(want), Identity::Fqdn(got)) => want.eq_ignore_ascii_case(got),
            (IdentityMatch::FqdnSuffix(want), Identity::Fqdn(got)) => got
                .to_ascii_lowercase()
                .ends_with(&want.to_ascii_lowercase()),
            (IdentityMatch::Dn(want), Identity::Dn(got)) => got.contains(want.as_str()),
            _ => false,
        }
    }
}

/// An IOS ISAKMP/IKEv2 profile, strongSwan connection or libreswan conn: which peers it
/// matches and which keys it may use.
#[derive(Debug, Clone, Serialize)]
pub struct IkeProfile {
    pub name: String,
    pub version: IkeVersion,
    pub match_identities: Vec<(IdentityMatch, Loc)>,
    pub keyrings: Vec<String>,
    pub self_identity: Option<IdentityKind>,
    pub local_address: Option<std::net::IpAddr>,
    /// IKEv2: how this side proves itself, and how it expects the peer to.
    pub auth_local: Option<AuthMethod>,
    pub auth_remote: Option<AuthMethod>,
    pub lifetime_secs: Option<u32>,
    /// ipsec.conf conns name two ends, `left` and `right`: the one that is this host, which
    /// is the prefix its settings are written with.
    pub local_end: Option<&'static str>,
    /// IKE fragmentation (RFC 7383 / IKEv1 vendor fragmentation) as written, on or off, with
    /// its line; None where the configuration does not say (the platform's default).
    pub fragmentation: Option<(bool, Loc)>,
    pub loc: Loc,
}

impl IkeProfile {
    pub fn new(name: &str, version: IkeVersion, loc: Loc) -> Self {
        IkeProfile {
            name: name.to_string(),
            version,
            match_identities: Vec::new(),
            keyrings: Vec::new(),
            self_identity: None,
            local_address: None,
            auth_local: None,
            auth_remote: None,
            lifetime_secs: None,
            local_end: None,
            fragmentation: None,
            loc,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct IdentityList {
    pub name: String,
    pub permits: Vec<(IdentityMatch, Loc)>,
    pub loc: Loc,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trustpoint {
    pub name: String,
    pub has_certificate: bool,
    pub loc: Loc,
}
