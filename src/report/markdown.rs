//! Markdown for tickets and chat.

use super::{Report, evidence_ref};
use std::fmt::Write;

fn code_block(o: &mut String, lines: &[String]) {
    let _ = writeln!(o, "```");
    for l in lines {
        let _ = writeln!(o, "{l}");
    }
    let _ = writeln!(o, "```");
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(r: &Report) -> String {
    let mut o = String::new();
    let _ = writeln!(o, "# ipsec-doctor report\n");
    let _ = writeln!(
        o,
        "**Verdict:** `{}`{}\n",
        r.verdict,
        r.step
            .map(|s| format!(" (fails at {s})"))
            .unwrap_or_default()
    );
    let _ = writeln!(o, "| peer | platform | addresses |\n|---|---|---|");
    for p in &r.peers {
        let _ = writeln!(
            o,
            "| {} | {} | {} |",
            cell(&p.name),
            p.platform,
            p.addresses.join(", ")
        );
    }
    if !r.directions.is_empty() {
        let _ = writeln!(
            o,
            "\n## Tunnel directions\n\n| initiator | responder | policy | outcome |\n|---|---|---|---|"
        );
        for d in &r.directions {
            let _ = writeln!(
                o,
                "| {} | {} | {} | `{}` |",
                cell(&d.initiator),
                cell(d.responder.as_deref().unwrap_or("?")),
                cell(&d.policy),
                d.outcome
            );
        }
    }
    let _ = writeln!(o, "\n## Findings");
    if r.findings.is_empty() {
        let _ = writeln!(o, "\nNo problems found.");
    }
    for f in &r.findings {
        let _ = writeln!(
            o,
            "\n### {:?}: `{}` ({}{})\n\n{}\n",
            f.severity,
            f.code,
            f.step.unwrap_or("-"),
            f.peer
                .as_ref()
                .map(|p| format!(", {p}"))
                .unwrap_or_default(),
            f.summary
        );
        let _ = writeln!(o, "Confidence: {:?}\n", f.confidence);
        if !f.evidence.is_empty() {
            let _ = writeln!(o, "Evidence:\n");
            for e in &f.evidence {
                let _ = writeln!(
                    o,
                    "- `{}`: `{}`",
                    evidence_ref(e),
                    e.text.trim().replace('`', "'")
                );
            }
        }
        for (i, fix) in f.fix.iter().enumerate() {
            let _ = writeln!(
                o,
                "\n{} on **{}**:\n",
                if i == 0 { "Fix" } else { "Or" },
                fix.peer
            );
            code_block(&mut o, &fix.commands);
        }
    }
    if let Some(t) = &r.timeline {
        let _ = writeln!(
            o,
            "\n## Timeline (times on {}'s clock)\n",
            cell(&t.clock_of)
        );
        for off in &t.offsets {
            let _ = writeln!(o, "- {}", cell(&super::offset_text(off)));
        }
        let _ = writeln!(
            o,
            "\n| time | device | what | evidence |\n|---|---|---|---|"
        );
        for m in &t.moments {
            let _ = writeln!(
                o,
                "| {} | {} | {} | `{}` |",
                m.time,
                cell(&m.device),
                cell(&m.what),
                cell(&evidence_ref(&m.evidence))
            );
        }
    }
    if !r.next_steps.is_empty() {
        let _ = writeln!(o, "\n## Next steps");
        for s in &r.next_steps {
            let _ = writeln!(o, "\nOn **{}** ({}):\n", s.peer, s.why);
            code_block(&mut o, &s.commands);
        }
    }
    o
}
