//! A single self-contained HTML file: inline CSS, no scripts or external assets.

use super::{Report, evidence_ref};
use crate::diagnose::Severity;
use std::fmt::Write;

pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '&' => o.push_str("&amp;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{font-size:1.4rem}.verdict{font-size:1.2rem;padding:.5rem 1rem;border-radius:.3rem;display:inline-block}\
.bad{background:#fde2e2;color:#8a1111}.good{background:#e0f5e0;color:#1b5e20}\
.finding{border-left:.3rem solid #999;padding:.2rem 1rem;margin:1rem 0;background:#fafafa}\
.error{border-color:#c62828}.warning{border-color:#ef8f00}.info{border-color:#0277bd}\
code,pre{font-family:ui-monospace,monospace;font-size:.9rem}pre{background:#f0f0f0;padding:.5rem;overflow-x:auto}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}.ev{color:#555}";

fn pre(o: &mut String, lines: &[String]) {
    let _ = writeln!(o, "<pre>{}</pre>", esc(&lines.join("\n")));
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ipsec-doctor: {}</title><style>{STYLE}</style></head><body>",
        esc(&r.verdict)
    );
    let _ = writeln!(o, "<h1>ipsec-doctor report</h1>");
    let class = if r.verdict == "healthy" {
        "good"
    } else {
        "bad"
    };
    let _ = writeln!(
        o,
        "<p class=\"verdict {class}\">Verdict: <b>{}</b>{}</p>",
        esc(&r.verdict),
        r.step
            .map(|s| format!(" (fails at {s})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        o,
        "<table><tr><th>peer</th><th>platform</th><th>addresses</th></tr>"
    );
    for p in &r.peers {
        let _ = writeln!(
            o,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&p.name),
            p.platform,
            esc(&p.addresses.join(", "))
        );
    }
    let _ = writeln!(o, "</table>");
    if !r.directions.is_empty() {
        let _ = writeln!(
            o,
            "<h2>Tunnel directions</h2><table><tr><th>initiator</th><th>responder</th><th>policy</th><th>outcome</th></tr>"
        );
        for d in &r.directions {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(&d.initiator),
                esc(d.responder.as_deref().unwrap_or("?")),
                esc(&d.policy),
                esc(&d.outcome)
            );
        }
        let _ = writeln!(o, "</table>");
    }
    let _ = writeln!(o, "<h2>Findings</h2>");
    if r.findings.is_empty() {
        let _ = writeln!(o, "<p>No problems found.</p>");
    }
    for f in &r.findings {
        let sev = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let _ = writeln!(
            o,
            "<div class=\"finding {sev}\"><h3>{sev}: <code>{}</code> <small>({}{}, {:?})</small></h3><p>{}</p>",
            esc(f.code),
            f.step.unwrap_or("-"),
            f.peer
                .as_ref()
                .map(|p| format!(", {}", esc(p)))
                .unwrap_or_default(),
            f.confidence,
            esc(&f.summary)
        );
        if !f.evidence.is_empty() {
            let _ = writeln!(o, "<ul class=\"ev\">");
            for e in &f.evidence {
                let _ = writeln!(
                    o,
                    "<li><code>{}</code>: <code>{}</code></li>",
                    esc(&evidence_ref(e)),
                    esc(e.text.trim())
                );
            }
            let _ = writeln!(o, "</ul>");
        }
        for (i, fix) in f.fix.iter().enumerate() {
            let _ = writeln!(
                o,
                "<p>{} on <b>{}</b>:</p>",
                if i == 0 { "Fix" } else { "Or" },
                esc(&fix.peer)
            );
            pre(&mut o, &fix.commands);
        }
        let _ = writeln!(o, "</div>");
    }
    if let Some(t) = &r.timeline {
        let _ = writeln!(
            o,
            "<h2>Timeline</h2><p>Times on {}'s clock.</p><ul>",
            esc(&t.clock_of)
        );
        for off in &t.offsets {
            let _ = writeln!(o, "<li>{}</li>", esc(&super::offset_text(off)));
        }
        let _ = writeln!(
            o,
            "</ul><table><tr><th>time</th><th>device</th><th>what</th><th>evidence</th></tr>"
        );
        for m in &t.moments {
            let _ = writeln!(
                o,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td><code>{}</code></td></tr>",
                esc(&m.time),
                esc(&m.device),
                esc(&m.what),
                esc(&evidence_ref(&m.evidence))
            );
        }
        let _ = writeln!(o, "</table>");
    }
    if !r.next_steps.is_empty() {
        let _ = writeln!(o, "<h2>Next steps</h2>");
        for s in &r.next_steps {
            let _ = writeln!(o, "<p>On <b>{}</b> ({}):</p>", esc(&s.peer), esc(&s.why));
            pre(&mut o, &s.commands);
        }
    }
    let _ = writeln!(o, "</body></html>");
    o
}
