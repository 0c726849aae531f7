//! Cryptographic algorithm vocabulary shared by IKEv1 policies, IKEv2 proposals and ESP/AH
//! transforms, whatever vendor keyword they were written with.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Encr {
    Null,
    Des,
    TripleDes,
    Aes { bits: u16 },
    AesGcm { bits: u16, icv: u8 },
    AesGmac { bits: u16 },
    ChaCha20Poly1305,
    Seal,
}

impl fmt::Display for Encr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Encr::Null => write!(f, "NULL"),
            Encr::Des => write!(f, "DES"),
            Encr::TripleDes => write!(f, "3DES"),
            Encr::Aes { bits } => write!(f, "AES-{bits}"),
            Encr::AesGcm { bits, icv } => write!(f, "AES-GCM-{bits} (ICV {icv})"),
            Encr::AesGmac { bits } => write!(f, "AES-GMAC-{bits}"),
            Encr::ChaCha20Poly1305 => write!(f, "ChaCha20-Poly1305"),
            Encr::Seal => write!(f, "SEAL"),
        }
    }
}

impl Encr {
    /// AEAD ciphers carry their own integrity, so they pair with no separate integrity transform.
    pub fn is_aead(&self) -> bool {
        matches!(
            self,
            Encr::AesGcm { .. } | Encr::AesGmac { .. } | Encr::ChaCha20Poly1305
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Integ {
    Md5,
    Sha1,
    Sha256,
    Sha384,
    Sha512,
    AesXcbc,
}

impl fmt::Display for Integ {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            Integ::Md5 => "MD5",
            Integ::Sha1 => "SHA-1",
            Integ::Sha256 => "SHA-256",
            Integ::Sha384 => "SHA-384",
            Integ::Sha512 => "SHA-512",
            Integ::AesXcbc => "AES-XCBC",
        };
        f.write_str(s)
    }
}

/// IKEv2 pseudo-random function. IKEv1 derives it from the hash, so v1 policies leave it empty.
pub type Prf = Integ;

/// A Diffie-Hellman group by its IANA number (1, 2, 5, 14..21, 24, 31...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub struct DhGroup(pub u16);

impl fmt::Display for DhGroup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bits = match self.0 {
            1 => " (768-bit MODP)",
            2 => " (1024-bit MODP)",
            5 => " (1536-bit MODP)",
            14 => " (2048-bit MODP)",
            15 => " (3072-bit MODP)",
            16 => " (4096-bit MODP)",
            19 => " (256-bit ECP)",
            20 => " (384-bit ECP)",
            21 => " (521-bit ECP)",
            24 => " (2048-bit MODP, 256-bit subgroup)",
            31 => " (Curve25519)",
            _ => "",
        };
        write!(f, "group {}{bits}", self.0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    PreShared,
    RsaSig,
    RsaEncr,
    EcdsaSig,
    Eap,
    /// RFC 7619 NULL authentication: no proof of identity (opportunistic encryption).
    Null,
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            AuthMethod::PreShared => "pre-shared key",
            AuthMethod::RsaSig => "RSA signature (certificates)",
            AuthMethod::RsaEncr => "RSA encrypted nonces",
            AuthMethod::EcdsaSig => "ECDSA signature (certificates)",
            AuthMethod::Eap => "EAP",
            AuthMethod::Null => "NULL authentication",
        };
        f.write_str(s)
    }
}

impl AuthMethod {
    pub fn uses_certificates(&self) -> bool {
        matches!(self, AuthMethod::RsaSig | AuthMethod::EcdsaSig)
    }
}
