//! The one vocabulary in the middle: every parser produces these types, the diagnosis engine
//! reads only these types.

pub mod algo;
pub mod contradict;
pub mod device;
pub mod ike;
pub mod ipsec;
pub mod known;
pub mod net;
pub mod route;
pub mod selector;
pub mod source;

pub use algo::{AuthMethod, DhGroup, Encr, Integ};
pub use device::{Device, Platform};
pub use ike::{
    Identity, IdentityKind, IdentityMatch, IkeAttr, IkeProfile, IkeProposal, IkeVersion, KeyUse,
    PeerMatch, PreSharedKey, SecretFingerprint,
};
pub use ipsec::{EncapMode, IpsecProposal, PolicyKind, SelectorRule, TunnelPolicy};
pub use known::{Certificate, Clock, Known};
pub use net::{Acl, AclEntry, Action, Interface, Packet, Route};
pub use selector::{AddrSpec, Flow, PortRange};
pub use source::Loc;
