//! Plain text for a terminal; ANSI colour only when asked (stdout is a TTY).

use super::{Report, evidence_ref};
use crate::diagnose::Severity;
use std::fmt::Write;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn sev(&self, s: Severity) -> String {
        match s {
            Severity::Error => self.wrap("1;31", "ERROR"),
            Severity::Warning => self.wrap("1;33", "WARNING"),
            Severity::Info => self.wrap("36", "INFO"),
        }
    }
}

pub fn render(r: &Report, colour: bool) -> String {
    let p = Paint(colour);
    let mut o = String::new();
    let verdict = if r.verdict == "healthy" {
        p.wrap("1;32", &r.verdict)
    } else {
        p.wrap("1;31", &r.verdict)
    };
    let _ = writeln!(
        o,
        "Verdict: {verdict}{}",
        r.step
            .map(|s| format!(" (fails at {s})"))
            .unwrap_or_default()
    );
    let peers: Vec<String> = r
        .peers
        .iter()
        .map(|x| {
            let addrs = if x.addresses.is_empty() {
                "(addresses not in evidence)".to_string()
            } else {
                x.addresses.join(", ")
            };
            format!("{} [{}] {addrs}", x.name, x.platform)
        })
        .collect();
    let _ = writeln!(o, "Peers:   {}", peers.join("; "));
    if !r.directions.is_empty() {
        let _ = writeln!(o, "\nTunnel directions:");
        for d in &r.directions {
            let _ = writeln!(
                o,
                "  {} -> {} ({}, peer {}): {}",
                d.initiator,
                d.responder.as_deref().unwrap_or("?"),
                d.policy,
                d.peer_address,
                d.outcome
            );
        }
    }
    for (n, f) in r.findings.iter().enumerate() {
        let _ = writeln!(
            o,
            "\n{}. {} {} [{}{}, {:?}]",
            n + 1,
            p.sev(f.severity),
            p.wrap("1", f.code),
            f.step.unwrap_or("-"),
            f.peer
                .as_ref()
                .map(|x| format!(", {x}"))
                .unwrap_or_default(),
            f.confidence
        );
        let _ = writeln!(o, "   {}", f.summary);
        if !f.evidence.is_empty() {
            let _ = writeln!(o, "   Evidence:");
            for e in &f.evidence {
                let _ = writeln!(
                    o,
                    "     {}: {}",
                    p.wrap("2", &evidence_ref(e)),
                    e.text.trim()
                );
            }
        }
        for (i, fix) in f.fix.iter().enumerate() {
            let or = if i == 0 { "Fix" } else { "or" };
            let _ = writeln!(o, "   {or} on {}:", fix.peer);
            for c in &fix.commands {
                let _ = writeln!(o, "     {c}");
            }
        }
    }
    if let Some(t) = &r.timeline {
        let _ = writeln!(o, "\nTimeline (times on {}'s clock):", t.clock_of);
        for off in &t.offsets {
            let _ = writeln!(o, "  {}", super::offset_text(off));
        }
        let width = t.moments.iter().map(|m| m.device.len()).max().unwrap_or(0);
        for m in &t.moments {
            let _ = writeln!(
                o,
                "  {} {:width$}  {}  [{}]",
                m.time,
                m.device,
                m.what,
                evidence_ref(&m.evidence)
            );
        }
    }
    if !r.next_steps.is_empty() {
        let _ = writeln!(o, "\nNext steps:");
        for s in &r.next_steps {
            let _ = writeln!(o, "  on {} ({}):", s.peer, s.why);
            for c in &s.commands {
                let _ = writeln!(o, "     {c}");
            }
        }
    }
    let unrec: Vec<&str> = r
        .inputs
        .iter()
        .filter(|i| i.kind == "unrecognised")
        .map(|i| i.file.as_str())
        .collect();
    if !unrec.is_empty() {
        let _ = writeln!(o, "\nNot recognised (ignored): {}", unrec.join(", "));
    }
    let skipped: usize = r.inputs.iter().map(|i| i.skipped_lines).sum();
    if !r.skipped.is_empty() {
        let _ = writeln!(o, "\nLines not modelled:");
        for e in &r.skipped {
            let _ = writeln!(o, "  {}: {}", evidence_ref(e), e.text.trim());
        }
    } else if skipped > 0 {
        let _ = writeln!(
            o,
            "\n{skipped} configuration lines were not modelled (list them with --verbose)."
        );
    }
    o
}
