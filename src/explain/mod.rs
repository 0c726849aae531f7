//! `ipsec-doctor explain TERM`: what a state, notify, syslog id or pasted debug line means,
//! which flowchart step it belongs to, its likely causes (as cause codes) and what to check.

mod events;
mod notify;
mod states;
mod syslog;

use crate::diagnose::Cause;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub term: String,
    /// What the term is: "IKEv1 state", "notify 14", "ASA syslog 713904"...
    pub kind: String,
    pub meaning: String,
    pub step: Option<&'static str>,
    pub causes: Vec<&'static str>,
    pub check: Vec<&'static str>,
    /// Set when only a known stem of the term matched (e.g. an undocumented suffix).
    pub note: Option<String>,
}

pub(crate) struct Entry {
    pub names: &'static [&'static str],
    pub kind: &'static str,
    pub meaning: &'static str,
    pub step: Option<&'static str>,
    pub causes: &'static [Cause],
    pub check: &'static [&'static str],
}

impl Entry {
    fn explain(&self, term: &str, note: Option<String>) -> Explanation {
        Explanation {
            term: term.to_string(),
            kind: self.kind.to_string(),
            meaning: self.meaning.to_string(),
            step: self.step,
            causes: self.causes.iter().map(|c| c.code()).collect(),
            check: self.check.to_vec(),
            note,
        }
    }
}

fn tables() -> impl Iterator<Item = &'static Entry> {
    states::ENTRIES
        .iter()
        .chain(notify::ENTRIES.iter())
        .chain(syslog::ENTRIES.iter())
}

fn normalise(t: &str) -> String {
    t.trim()
        .trim_start_matches('%')
        .trim_end_matches([':', '!', '.'])
        .to_ascii_uppercase()
}

/// Explains one term; a pasted debug line is explained by the events it contains.
pub fn explain(term: &str) -> Vec<Explanation> {
    let t = normalise(term);
    let exact: Vec<Explanation> = tables()
        .filter(|e| e.names.iter().any(|n| normalise(n) == t))
        .map(|e| e.explain(term, None))
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    // A state with an unknown suffix: match on the longest known stem.
    if let Some(e) = tables()
        .filter(|e| e.kind.contains("state"))
        .flat_map(|e| e.names.iter().map(move |n| (e, *n)))
        .filter(|(_, n)| t.starts_with(&format!("{}_", normalise(n))))
        .max_by_key(|(_, n)| n.len())
    {
        let suffix = &t[e.1.len()..];
        return vec![e.0.explain(
            term,
            Some(format!(
                "`{suffix}` is not a documented part of the state name; explained by its known stem {}",
                e.1
            )),
        )];
    }
    // A pasted line: what the log parsers read in it, then every known term it contains.
    let mut out: Vec<Explanation> = Vec::new();
    let mut events = crate::ingest::cisco_log::parse("explain", term).events;
    if crate::ingest::strongswan::looks_like_output(term) {
        events = crate::ingest::strongswan::parse_output("explain", term)
            .0
            .events;
    } else if crate::ingest::libreswan::looks_like(term) {
        events = crate::ingest::libreswan::parse("explain", term).0;
    }
    for ev in &events {
        let x = match &ev.kind {
            crate::evidence::EventKind::StateChange { to, .. } => explain(to).into_iter().next(),
            crate::evidence::EventKind::SaState { state, .. } => explain(state).into_iter().next(),
            crate::evidence::EventKind::Notify { name, .. } => explain(name).into_iter().next(),
            k => events::explain(term, k),
        };
        if let Some(mut x) = x
            && !out.iter().any(|y| y.meaning == x.meaning)
        {
            x.term = term.to_string();
            out.push(x);
        }
    }
    for e in tables() {
        if e.names
            .iter()
            .any(|n| n.len() > 4 && term.to_ascii_uppercase().contains(&normalise(n)))
            && !out.iter().any(|x| x.meaning == e.meaning)
        {
            out.push(e.explain(term, None));
        }
    }
    out
}

pub fn render(items: &[Explanation]) -> String {
    let mut o = String::new();
    for x in items {
        o.push_str(&format!(
            "{} — {}\n  {}\n",
            x.term.trim(),
            x.kind,
            x.meaning
        ));
        if let Some(n) = &x.note {
            o.push_str(&format!("  Note: {n}\n"));
        }
        if let Some(s) = x.step {
            o.push_str(&format!("  Flowchart step: {s}\n"));
        }
        if !x.causes.is_empty() {
            o.push_str(&format!("  Likely causes: {}\n", x.causes.join(", ")));
        }
        for c in &x.check {
            o.push_str(&format!("  Check: {c}\n"));
        }
        o.push('\n');
    }
    o
}

#[cfg(test)]
mod tests {
    use super::explain;

    #[test]
    fn states_notifies_syslog_and_lines() {
        let x = explain("AM_TM_INIT_XAUTH_V6C");
        assert_eq!(x.len(), 1);
        assert!(x[0].causes.contains(&"xauth-or-modecfg-stuck"));
        assert!(x[0].note.as_deref().unwrap().contains("_V6C"));
        assert!(explain("MM_WAIT_MSG4")[0].causes.contains(&"psk-mismatch"));
        assert_eq!(explain("14")[0].kind, "IKEv1 notify 14 (RFC 2408)");
        assert!(
            explain("PROPOSAL_NOT_CHOSEN")
                .iter()
                .any(|e| e.causes.contains(&"transform-set-mismatch"))
        );
        assert!(
            explain("INVALID_KE_PAYLOAD")[0].causes.is_empty(),
            "recovers by itself"
        );
        assert!(explain("713904")[0].meaning.contains("713904") || !explain("713904").is_empty());
        assert!(explain("%CRYPTO-4-IKMP_NO_SA").len() == 1);
        let line = explain(
            "*Mar 1 00:01:02.003: ISAKMP (0:1): processing NOTIFY TS_UNACCEPTABLE protocol 1",
        );
        assert!(
            line.iter()
                .any(|e| e.causes.contains(&"crypto-acl-asymmetric"))
        );
        assert!(explain("no such thing").is_empty());
        // A pasted line is read by the log parsers: what they understand is explained.
        let v2 = explain(
            "%ASA-4-750003: Local:203.0.113.5:500 Remote:198.51.100.20:500 Username:Unknown IKEv2 Negotiation aborted due to ERROR: Failed to find a matching policy",
        );
        assert!(v2[0].causes.contains(&"ike-proposal-mismatch"), "{v2:?}");
        let proxy = explain("IPSEC(validate_transform_proposal): proxy identities not supported");
        assert_eq!(proxy[0].causes, vec!["crypto-acl-asymmetric"]);
        let spi = explain(
            "%CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid spi for destaddr=203.0.113.1, prot=50, spi=0x1(1), srcaddr=198.51.100.2",
        );
        assert!(spi.iter().any(|e| e.causes.contains(&"sa-out-of-sync")));
    }
}
