//! Keys in IOS configs: recovering type 7, fingerprinting, and redacting every line that
//! carries a secret before it can reach a report.

use crate::model::SecretFingerprint;

const XLAT: &[u8] = b"dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

/// Decodes an IOS type 7 string (a reversible obfuscation, not encryption).
pub fn decode_type7(enc: &str) -> Option<String> {
    if enc.len() < 4 || !enc.len().is_multiple_of(2) || !enc.is_ascii() {
        return None;
    }
    let seed: usize = enc[..2].parse().ok()?;
    let mut out = String::new();
    for (i, chunk) in enc.as_bytes()[2..].chunks(2).enumerate() {
        let hex = std::str::from_utf8(chunk).ok()?;
        let b = u8::from_str_radix(hex, 16).ok()?;
        let k = XLAT.get((seed + i) % XLAT.len())?;
        out.push((b ^ k) as char);
    }
    Some(out)
}

/// Fingerprint of a key written as `[0|6|7] KEY`; the words after the type are the key.
pub fn fingerprint(kind: Option<&str>, key: &str) -> SecretFingerprint {
    match kind {
        Some("7") => match decode_type7(key) {
            Some(clear) => SecretFingerprint::of_cleartext(&clear),
            None => SecretFingerprint::of_opaque(key),
        },
        Some("6") | Some("5") | Some("8") | Some("9") => SecretFingerprint::of_opaque(key),
        _ => SecretFingerprint::of_cleartext(key),
    }
}

pub const MASK: &str = "<secret hidden>";

/// Returns the line with any secret replaced, or None when the line holds no secret.
pub fn redact(line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let lead = &line[..line.len() - line.trim_start().len()];
    let hide_after = |idx: usize| -> Option<String> {
        let mut w: Vec<&str> = words.clone();
        let mut i = idx;
        // Skip the encryption type digit, if present, and hide the word after it.
        if w.get(i)
            .is_some_and(|t| t.len() == 1 && t.chars().all(|c| c.is_ascii_digit()))
            && w.len() > i + 1
        {
            i += 1;
        }
        if i < w.len() {
            w[i] = MASK;
            Some(format!("{lead}{}", w.join(" ")))
        } else {
            None
        }
    };
    let first = words.first().copied().unwrap_or("");
    let second = words.get(1).copied().unwrap_or("");
    match (first, second) {
        ("crypto", "isakmp") if words.get(2) == Some(&"key") => hide_after(3),
        ("pre-shared-key", dir) => match words.iter().position(|w| *w == "key") {
            Some(k) => hide_after(k + 1),
            None if dir == "local" || dir == "remote" => hide_after(2),
            None => hide_after(1),
        },
        ("enable", "secret") | ("enable", "password") => hide_after(2),
        ("snmp-server", "community") => hide_after(2),
        ("key-string", _) | ("password", _) | ("secret", _) => hide_after(1),
        ("tacacs-server", "key") | ("radius-server", "key") => hide_after(2),
        ("key", _) if words.len() == 2 => hide_after(1),
        ("username", _) => {
            let k = words
                .iter()
                .position(|w| *w == "password" || *w == "secret")?;
            hide_after(k + 1)
        }
        _ => {
            let k = words
                .iter()
                .position(|w| *w == "password" || *w == "secret" || *w == "key-string")?;
            hide_after(k + 1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type7_round_trip() {
        // "cisco" encoded with seed 02 (a commonly published example).
        assert_eq!(decode_type7("02050D480809").as_deref(), Some("cisco"));
        assert!(decode_type7("zz").is_none());
    }

    #[test]
    fn redaction_hides_keys() {
        assert_eq!(
            redact("crypto isakmp key 0 s3cr3t address 1.2.3.4").unwrap(),
            "crypto isakmp key 0 <secret hidden> address 1.2.3.4"
        );
        assert_eq!(
            redact("  pre-shared-key address 2.3.4.6 key psk2").unwrap(),
            "  pre-shared-key address 2.3.4.6 key <secret hidden>"
        );
        assert!(
            !redact("username admin privilege 15 secret 5 $1$abc")
                .unwrap()
                .contains("$1$abc")
        );
        assert!(redact("hostname Tokyo").is_none());
        for (line, key) in [
            ("  pre-shared-key local Hq-Sends-1", "Hq-Sends-1"),
            ("  pre-shared-key remote 7 0822455D0A16", "0822455D0A16"),
            ("  pre-shared-key 0 Both-Ways", "Both-Ways"),
            ("  pre-shared-key address 10.0.0.1 key 6 ABC", "ABC"),
        ] {
            assert!(!redact(line).unwrap().contains(key), "{line}");
        }
    }
}
