//! Runs the real binary on every IOS fixture case (tests/fixtures/ios/<case>/) and checks the
//! verdict, the codes, the cited evidence lines and that no key leaks in any output format.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(serde::Deserialize)]
struct Expect {
    verdict: String,
    #[serde(default)]
    codes: Vec<String>,
    #[serde(default)]
    secrets: Vec<String>,
    #[serde(default)]
    evidence: Vec<EvidenceExpect>,
}

#[derive(serde::Deserialize)]
struct EvidenceExpect {
    code: String,
    file: String,
    line: u32,
    contains: String,
}

fn cases() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ios");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("fixtures/ios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("expect.toml").exists())
        .collect();
    v.sort();
    v
}

/// The configs of a case (not its expect.toml), so nothing else is read.
fn configs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "cfg"))
        .collect();
    v.sort();
    v
}

fn run(dir: &Path, format: &str) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
        .args(["diagnose", "--format", format])
        .args(configs(dir))
        .output()
        .expect("binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn check_case(dir: &Path) -> Result<(), String> {
    let exp: Expect = toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap())
        .map_err(|e| format!("expect.toml: {e}"))?;
    let (code, json) = run(dir, "json");
    let r: Value = serde_json::from_str(&json).map_err(|e| format!("bad JSON: {e}\n{json}"))?;
    let mut errs = Vec::new();
    if r["verdict"] != exp.verdict.as_str() {
        errs.push(format!("verdict {} (want {})", r["verdict"], exp.verdict));
    }
    let findings = r["findings"].as_array().cloned().unwrap_or_default();
    let main: Vec<&str> = findings
        .iter()
        .filter(|f| f["severity"] != "info")
        .filter_map(|f| f["code"].as_str())
        .collect();
    // A consequence folded into its root cause counts as reported, but is not a second fault.
    let folded: Vec<&str> = findings
        .iter()
        .flat_map(|f| {
            f["also"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|c| c.as_str())
        })
        .collect();
    for c in &exp.codes {
        if !main.contains(&c.as_str()) && !folded.contains(&c.as_str()) {
            errs.push(format!("missing code {c}"));
        }
    }
    for c in &main {
        if !exp.codes.iter().any(|e| e == c) {
            errs.push(format!("unexpected code {c}"));
        }
    }
    let has_error = findings.iter().any(|f| f["severity"] == "error");
    if code != if has_error { 1 } else { 0 } {
        errs.push(format!("exit code {code}"));
    }
    for ev in &exp.evidence {
        let found = findings
            .iter()
            .filter(|f| f["code"] == ev.code.as_str())
            .any(|f| {
                f["evidence"].as_array().into_iter().flatten().any(|e| {
                    e["file"]
                        .as_str()
                        .is_some_and(|p| p.ends_with(&format!("/{}", ev.file)))
                        && e["line"] == ev.line
                        && e["text"].as_str().is_some_and(|t| t.contains(&ev.contains))
                })
            });
        if !found {
            errs.push(format!(
                "{} does not cite {}:{} ({})",
                ev.code, ev.file, ev.line, ev.contains
            ));
        }
    }
    for fmt in ["json", "text", "markdown", "html"] {
        let out = if fmt == "json" {
            json.clone()
        } else {
            run(dir, fmt).1
        };
        for s in &exp.secrets {
            if out.contains(s.as_str()) {
                errs.push(format!("secret leaked in {fmt} output"));
            }
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(format!("{}\n{}", errs.join("\n"), run(dir, "text").1))
    }
}

#[test]
fn every_ios_fixture_case_gets_its_verdict() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "expected the IOS fixture cases, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for dir in &cases {
        if let Err(e) = check_case(dir) {
            failures.push(format!("== {}:\n{e}", dir.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn secrets_appear_only_with_show_secrets() {
    let dir = cases()
        .into_iter()
        .find(|d| d.ends_with("book-psk-mismatch"))
        .expect("psk-mismatch case");
    let exp: Expect =
        toml::from_str(&std::fs::read_to_string(dir.join("expect.toml")).unwrap()).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
        .args(["diagnose", "--format", "json", "--show-secrets"])
        .args(configs(&dir))
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        exp.secrets.iter().any(|s| text.contains(s.as_str())),
        "--show-secrets shows the keys"
    );
}
