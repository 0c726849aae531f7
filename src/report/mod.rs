//! Report out: the contract's JSON shape, built once from the diagnosis; every renderer reads
//! only this structure.

mod html;
mod markdown;
mod text;

use crate::advice::{Style, advisor};
use crate::diagnose::{Diagnosis, Finding};
use crate::ingest::Case;
use crate::model::{Device, Loc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub verdict: String,
    pub step: Option<&'static str>,
    pub peers: Vec<PeerOut>,
    pub findings: Vec<FindingOut>,
    pub next_steps: Vec<NextStep>,
    pub directions: Vec<crate::diagnose::Direction>,
    pub inputs: Vec<InputOut>,
    /// Both peers' logs merged on one clock (present when two logs carry times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<TimelineOut>,
    /// Lines the parsers did not model (filled with --verbose).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<EvidenceOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineOut {
    /// The device whose clock the times are on.
    pub clock_of: String,
    pub offsets: Vec<crate::diagnose::timeline::Offset>,
    pub moments: Vec<MomentOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MomentOut {
    /// `HH:MM:SS.mmm` on `clock_of`'s clock.
    pub time: String,
    pub device: String,
    pub what: String,
    pub evidence: EvidenceOut,
}

fn timeline_out(
    t: &crate::diagnose::timeline::Timeline,
    show_secrets: bool,
) -> Option<TimelineOut> {
    let first = t.offsets.first()?;
    Some(TimelineOut {
        clock_of: first.relative_to.clone(),
        offsets: t.offsets.clone(),
        moments: t
            .moments
            .iter()
            .map(|m| MomentOut {
                time: crate::diagnose::timeline::clock_text(m.at),
                device: m.device.clone(),
                what: m.what.clone(),
                evidence: evidence(&m.loc, show_secrets),
            })
            .collect(),
    })
}

/// "Osaka's clock reads 12:34:56.7 behind Tokyo's" for a header line.
pub(crate) fn offset_text(o: &crate::diagnose::timeline::Offset) -> String {
    let dir = if o.seconds < 0.0 {
        "behind"
    } else {
        "ahead of"
    };
    format!(
        "{}'s clock runs {} {dir} {}'s (aligned on {} packet{})",
        o.device,
        crate::diagnose::timeline::duration_text(o.seconds.abs()),
        o.relative_to,
        o.matched_packets,
        if o.matched_packets == 1 { "" } else { "s" }
    )
}

#[derive(Debug, Clone, Serialize)]
pub struct PeerOut {
    pub name: String,
    pub addresses: Vec<String>,
    pub platform: &'static str,
}

#[derive(Debug, Clone, Serialize)]
pub struct InputOut {
    pub file: String,
    pub kind: String,
    pub peer: Option<String>,
    pub skipped_lines: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct EvidenceOut {
    pub file: String,
    pub line: Option<u32>,
    pub packet: Option<u64>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FixOut {
    pub peer: String,
    pub commands: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FindingOut {
    pub code: &'static str,
    pub step: Option<&'static str>,
    pub severity: crate::diagnose::Severity,
    pub confidence: crate::diagnose::Confidence,
    pub peer: Option<String>,
    pub initiator: Option<String>,
    pub responder: Option<String>,
    pub summary: String,
    pub evidence: Vec<EvidenceOut>,
    pub fix: Vec<FixOut>,
    /// Codes of consequences folded into this finding.
    pub also: Vec<&'static str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NextStep {
    pub peer: String,
    pub why: String,
    pub commands: Vec<String>,
}

pub struct Options {
    pub show_secrets: bool,
    pub verbose: bool,
}

fn evidence(l: &Loc, show_secrets: bool) -> EvidenceOut {
    EvidenceOut {
        file: l.file.to_string(),
        line: l.line,
        packet: l.packet,
        text: l.shown(show_secrets).to_string(),
    }
}

fn device<'a>(devs: &'a [Device], name: &str) -> Option<&'a Device> {
    devs.iter().find(|d| d.name == name)
}

fn finding_out(f: &Finding, devs: &[Device], style: &Style) -> FindingOut {
    let fix = f
        .fixes
        .iter()
        .filter_map(|x| {
            let d = device(devs, &x.peer)?;
            let commands = advisor(d.platform).fix(d, &x.remedies, style);
            (!commands.is_empty()).then(|| FixOut {
                peer: x.peer.clone(),
                commands,
            })
        })
        .collect();
    FindingOut {
        code: f.code.code(),
        step: f.step.map(|s| s.as_str()),
        severity: f.severity,
        confidence: f.confidence,
        peer: f.peer.clone(),
        initiator: f.direction.as_ref().map(|d| d.0.clone()),
        responder: f.direction.as_ref().map(|d| d.1.clone()),
        summary: f.summary.clone(),
        evidence: f
            .evidence
            .iter()
            .map(|l| evidence(l, style.show_secrets))
            .collect(),
        fix,
        also: f.also.iter().map(|c| c.code()).collect(),
    }
}

/// Next steps come from the findings that matter (errors first); each probe is listed once.
fn next_steps(d: &Diagnosis, devs: &[Device]) -> Vec<NextStep> {
    let mut out: Vec<NextStep> = Vec::new();
    let mut seen: Vec<(String, String)> = Vec::new();
    let has_errors = d
        .findings
        .iter()
        .any(|f| f.severity != crate::diagnose::Severity::Info);
    // Info findings contribute next steps only when nothing more serious does.
    for f in d
        .findings
        .iter()
        .filter(|f| !has_errors || f.severity != crate::diagnose::Severity::Info)
    {
        for c in &f.checks {
            let Some(dev) = device(devs, &c.peer) else {
                continue;
            };
            let mut commands = Vec::new();
            for p in &c.probes {
                for cmd in advisor(dev.platform).probe(dev, p) {
                    let key = (c.peer.clone(), cmd.clone());
                    if !seen.contains(&key) {
                        seen.push(key);
                        commands.push(cmd);
                    }
                }
            }
            let why = format!("{}: {}", f.code.code(), c.why);
            if let Some(prev) = out.iter_mut().find(|s| s.peer == c.peer && s.why == why) {
                prev.commands.extend(commands);
            } else if !commands.is_empty() {
                out.push(NextStep {
                    peer: c.peer.clone(),
                    why,
                    commands,
                });
            }
        }
    }
    if d.findings.is_empty() && !devs.is_empty() {
        for dev in devs {
            let a = advisor(dev.platform);
            let mut commands = a.probe(dev, &crate::diagnose::Probe::ShowIkeSa);
            commands.extend(a.probe(dev, &crate::diagnose::Probe::ShowPolicies));
            out.push(NextStep {
                peer: dev.name.clone(),
                why: "nothing in the evidence shows a fault; confirm the live state on the device"
                    .into(),
                commands,
            });
        }
    }
    out
}

pub fn build(case: &Case, diag: &Diagnosis, opts: &Options) -> Report {
    let style = Style {
        show_secrets: opts.show_secrets,
    };
    let (verdict, step) = diag.verdict(&case.devices);
    let mut inputs: Vec<InputOut> = case
        .devices
        .iter()
        .flat_map(|d| {
            d.source_files.iter().map(move |f| {
                let output = case.outputs.iter().find(|o| &o.path == f);
                InputOut {
                    file: f.clone(),
                    kind: match output {
                        Some(o) if o.capture => "capture".to_string(),
                        Some(_) => format!("{}-output", d.platform.as_str()),
                        None => format!("{}-config", d.platform.as_str()),
                    },
                    peer: Some(d.name.clone()),
                    skipped_lines: match output {
                        Some(o) => o.unrecognised.len(),
                        None => d.skipped.iter().filter(|l| &*l.file == f.as_str()).count(),
                    },
                }
            })
        })
        .collect();
    inputs.extend(case.unrecognised.iter().map(|f| InputOut {
        file: f.clone(),
        kind: "unrecognised".into(),
        peer: None,
        skipped_lines: 0,
    }));
    Report {
        verdict,
        step: step.map(|s| s.as_str()),
        peers: case
            .devices
            .iter()
            .map(|d| PeerOut {
                name: d.name.clone(),
                addresses: d.addresses().map(|a| a.to_string()).collect(),
                platform: d.platform.as_str(),
            })
            .collect(),
        findings: diag
            .findings
            .iter()
            .map(|f| finding_out(f, &case.devices, &style))
            .collect(),
        next_steps: next_steps(diag, &case.devices),
        directions: diag.directions.clone(),
        timeline: timeline_out(&diag.timeline, opts.show_secrets),
        inputs,
        skipped: if opts.verbose {
            case.devices
                .iter()
                .flat_map(|d| d.skipped.iter())
                .chain(case.outputs.iter().flat_map(|o| o.unrecognised.iter()))
                .map(|l| evidence(l, opts.show_secrets))
                .collect()
        } else {
            Vec::new()
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
    Html,
}

pub fn render(r: &Report, format: Format, colour: bool) -> String {
    match format {
        Format::Json => {
            serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
                + "\n"
        }
        Format::Text => text::render(r, colour),
        Format::Markdown => markdown::render(r),
        Format::Html => html::render(r),
    }
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == crate::diagnose::Severity::Error)
    }
}

pub(crate) fn evidence_ref(e: &EvidenceOut) -> String {
    match (e.line, e.packet) {
        (Some(l), _) => format!("{}:{}", e.file, l),
        (None, Some(p)) => format!("{} frame {}", e.file, p),
        (None, None) => format!("{} (built-in default)", e.file),
    }
}
