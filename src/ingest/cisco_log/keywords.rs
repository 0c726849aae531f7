//! The phrases that route a debug/syslog line, found in one pass.
//!
//! A multi-gigabyte debug log is mostly lines that each need a dozen phrase tests; one
//! Aho-Corasick scan per line answers all of them at once, instead of one substring search
//! per phrase.

use aho_corasick::{AhoCorasick, MatchKind};
use std::sync::LazyLock;

macro_rules! keywords {
    ($($name:ident = $text:literal,)*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms, clippy::enum_variant_names)]
        #[derive(Clone, Copy)]
        #[repr(u8)]
        pub enum K { $($name,)* }
        const WORDS: &[&str] = &[$($text,)*];
    };
}

keywords! {
    ISAKMP = "ISAKMP",
    ISKAMP = "ISKAMP",
    CRYPTO_SYSLOG = "%CRYPTO-",
    IPSEC = "IPSEC(",
    ASA_SYSLOG = "%ASA-",
    ASA_IKEV1 = "[IKEv1]",
    OLD_STATE = "Old State = ",
    NEW_STATE = "New State = ",
    SENDING_PACKET = "sending packet to",
    RECEIVED_PACKET = "received packet from",
    RETRANSMITTING_PHASE = "retransmitting phase ",
    INCREMENTING_ERROR = "incrementing error counter",
    RETRANSMIT = "retransmit",
    DEATH = "Death by retransmission",
    NOT_MATCH_POLICY = "does not match policy",
    NO_OFFERS = "no offers accepted",
    P1_NOT_ACCEPTABLE = "phase 1 SA not acceptable",
    P2_NOT_ACCEPTABLE = "phase 2 SA not acceptable",
    P2_POLICY_NOT_ACCEPTABLE = "phase 2 SA policy not acceptable",
    PROCESSING_NOTIFY = "processing NOTIFY ",
    NO_PSK_WITH = "No pre-shared key with",
    NO_CERT_OR_PSK = "No Cert or pre-shared address key",
    TURNED_OFF = "turned off",
    RESERVED_NOT_ZERO = "reserved not zero",
    BAD_MESSAGE = "IKMP_BAD_MESSAGE",
    AUTHENTICATED = "SA has been authenticated",
    INVAL_CERT = "IKMP_INVAL_CERT",
    QM_BAD_CERT = "IKE_QUICKMODE_BAD_CERT",
    CREATING_SAS = "Creating IPSec SAs",
    PROXY_NOT_SUPPORTED = "proxy identities not supported",
    POLICY_INVALIDATED = "IPSec policy invalidated proposal",
    TRANSFORM_NOT_SUPPORTED = "transform proposal not supported",
    SA_CREATED = "sa created",
    INV_SPI = "RECVD_PKT_INV_SPI",
    NOTIFY_NO_HASH = "Notify has no hash",
    REPLAY_ERR = "PKT_REPLAY_ERR",
    IKEV2 = "IKEv2",
    IKEV2_SYSLOG = "%IKEV2-",
}

// Leftmost-longest, non-overlapping: the search the SIMD (Teddy) prefilter accelerates.
// Words never overlap in real lines except "retransmit" inside "retransmitting phase ",
// which `scan` implies.
static SCANNER: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .match_kind(MatchKind::LeftmostLongest)
        .build(WORDS)
        .ok()
});

/// Which keywords a line holds, and where the first word that starts IOS debug or syslog
/// output (`ISAKMP`, `%CRYPTO-`, `IPSEC(`, `Old State = `) begins.
#[derive(Clone, Copy, Default)]
pub struct Keys(u64, Option<usize>);

impl Keys {
    pub fn start(self) -> Option<usize> {
        self.1
    }

    pub fn has(self, k: K) -> bool {
        self.0 & (1 << k as u8) != 0
    }
}

pub fn scan(line: &str) -> Keys {
    let mut m = 0u64;
    let mut start = None;
    if let Some(ac) = SCANNER.as_ref() {
        for hit in ac.find_iter(line) {
            let p = hit.pattern().as_u32();
            if start.is_none() && STARTERS.contains(&p) {
                start = Some(hit.start());
            }
            m |= 1 << p;
        }
        if m & (1 << K::RETRANSMITTING_PHASE as u8) != 0 {
            m |= 1 << K::RETRANSMIT as u8;
        }
    }
    Keys(m, start)
}

/// [`scan`] of every line of `text` in one search (a search per line costs more in setting
/// up than in searching): `lines` are the lines' (start, end, end without trailing
/// whitespace) in `text`, in order; their keys are pushed to `out`. No keyword holds a line
/// end, so no match crosses lines; a line with a match that runs into its trailing
/// whitespace (which [`scan`] of the trimmed line cannot see) is scanned again alone.
pub fn scan_lines(text: &str, lines: &[(usize, usize, usize)], out: &mut Vec<Keys>) {
    let Some(ac) = SCANNER.as_ref() else {
        out.extend(lines.iter().map(|_| Keys::default()));
        return;
    };
    let mut hits = ac.find_iter(text).peekable();
    for &(start, end, trimmed) in lines {
        let (mut m, mut first, mut again) = (0u64, None, false);
        while let Some(hit) = hits.next_if(|h| h.start() < end) {
            if hit.end() > trimmed {
                again = true;
                continue;
            }
            let p = hit.pattern().as_u32();
            if first.is_none() && STARTERS.contains(&p) {
                first = Some(hit.start() - start);
            }
            m |= 1 << p;
        }
        out.push(if again {
            scan(&text[start..trimmed])
        } else {
            if m & (1 << K::RETRANSMITTING_PHASE as u8) != 0 {
                m |= 1 << K::RETRANSMIT as u8;
            }
            Keys(m, first)
        });
    }
}

const STARTERS: [u32; 5] = [
    K::ISAKMP as u32,
    K::ISKAMP as u32,
    K::CRYPTO_SYSLOG as u32,
    K::IPSEC as u32,
    K::OLD_STATE as u32,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_overlapping_keywords() {
        let k = scan("ISAKMP (0:1): retransmitting phase 1 MM_NO_STATE");
        assert!(k.has(K::ISAKMP) && k.has(K::RETRANSMITTING_PHASE) && k.has(K::RETRANSMIT));
        assert!(!k.has(K::DEATH));
        assert!(WORDS.len() < 64);
    }

    #[test]
    fn one_scan_of_a_block_is_a_scan_per_line() {
        // Keywords that end in a space meet trailing whitespace; CRLF; empty lines.
        let text = "ISAKMP (0:1): retransmitting phase \nx Old State = \r\n\n\
                    %CRYPTO-4: New State = IKE_P1_COMPLETE  \nISAKMP retransmitting phase 2\n\
                    IPSEC(validate): sa created\r\nprocessing NOTIFY \t\nISAKMP";
        let mut lines = Vec::new();
        let mut at = 0;
        for l in text.split_inclusive('\n') {
            lines.push((at, at + l.len(), at + l.trim_end().len()));
            at += l.len();
        }
        let mut keys = Vec::new();
        scan_lines(text, &lines, &mut keys);
        assert_eq!(keys.len(), lines.len());
        for (&(start, _, trimmed), k) in lines.iter().zip(&keys) {
            let one = scan(&text[start..trimmed]);
            assert_eq!((k.0, k.1), (one.0, one.1), "{:?}", &text[start..trimmed]);
        }
    }
}
