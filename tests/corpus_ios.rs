//! The public IOS configurations copied from the corpus (tests/fixtures/corpus/config/cisco-ios,
//! rows in tests/fixtures/corpus/MANIFEST.tsv) parse without panicking, and the Batfish
//! ios-crypto-ipsec testrig's expected tunnels are not reported as failing in what Batfish
//! checks (IKE proposal, key, IPsec proposal).

mod common;

use ipsec_doctor::ingest::{self, Input};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/config/cisco-ios")
}

#[test]
fn every_corpus_ios_config_parses_and_diagnoses_without_panic() {
    let mut all = Vec::new();
    common::files(&corpus(), &mut all);
    let configs: Vec<&PathBuf> = all
        .iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "cfg")
                || p.to_string_lossy().contains("show_running-config")
        })
        .collect();
    assert!(
        configs.len() >= 20,
        "corpus copied ({} configs)",
        configs.len()
    );
    for p in configs {
        let text = std::fs::read_to_string(p).unwrap();
        assert!(
            ingest::cisco_ios::looks_like(&text),
            "{} is recognised as IOS",
            p.display()
        );
        let input = Input {
            path: p.display().to_string(),
            peer: None,
            text,
            stream: None,
        };
        let case = ingest::parse(std::slice::from_ref(&input));
        assert_eq!(case.devices.len(), 1, "{}", p.display());
        let d = ipsec_doctor::diagnose::diagnose(&case);
        let r = ipsec_doctor::report::build(
            &case,
            &d,
            &ipsec_doctor::report::Options {
                show_secrets: false,
                verbose: true,
            },
        );
        for fmt in [
            ipsec_doctor::report::Format::Json,
            ipsec_doctor::report::Format::Html,
        ] {
            let _ = ipsec_doctor::report::render(&r, fmt, false);
        }
    }
}

#[test]
fn corpus_manifest_names_every_copied_file() {
    let manifest = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/MANIFEST.tsv"),
    )
    .unwrap();
    let mut all = Vec::new();
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    common::files(&root, &mut all);
    for p in all.into_iter().filter(|p| !p.ends_with("MANIFEST.tsv")) {
        let rel = p
            .strip_prefix(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus"))
            .unwrap();
        let rel = rel.to_string_lossy();
        assert!(
            manifest.lines().any(|l| l.starts_with(&format!("{rel}\t"))),
            "{rel} has a manifest row"
        );
    }
}

#[test]
fn batfish_testrig_expected_tunnels_agree_on_phase1_keys_and_transforms() {
    let dir = corpus().join("batfish/testrig-ios-crypto-ipsec");
    let out = Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
        .args(["diagnose", "--format", "json"])
        .arg(&dir)
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    let peers = common::peer_names(&r);
    assert_eq!(peers, ["r1", "r2", "r3"]);
    // Batfish's six edges: r1<->r2 (crypto map), r1->r3 and r2->r3 (r3 answers with a dynamic
    // map), r2<->r3 (Tunnel23). Each needs a compatible IKE proposal, key and IPsec proposal.
    let dirs = r["directions"].as_array().unwrap();
    for (i, resp) in [
        ("r1", "r2"),
        ("r2", "r1"),
        ("r1", "r3"),
        ("r2", "r3"),
        ("r3", "r2"),
    ] {
        assert!(
            dirs.iter()
                .any(|d| d["initiator"] == i && d["responder"] == resp),
            "{i} -> {resp} is paired: {dirs:?}"
        );
    }
    let batfish_checks = [
        "ike-proposal-mismatch",
        "psk-mismatch",
        "no-psk-for-peer",
        "transform-set-mismatch",
        "pfs-mismatch",
        "peer-address-mismatch",
    ];
    for f in r["findings"].as_array().unwrap() {
        let code = f["code"].as_str().unwrap();
        assert!(
            !batfish_checks.contains(&code),
            "Batfish finds these compatible, we report {code}: {f}"
        );
    }
    let t23 = dirs
        .iter()
        .filter(|d| d["policy"] == "tunnel interface Tunnel23")
        .collect::<Vec<_>>();
    assert_eq!(t23.len(), 2);
    assert!(t23.iter().all(|d| d["outcome"] == "healthy"), "{t23:?}");
    // What Batfish does not check and we do: the crypto ACLs are identical on every router
    // (1.1.1.1 -> 2.2.2.2), not mirror images, so quick mode on the crypto-map tunnels fails
    // on a real router; and r1's Tunnel21 towards r2 is shut down.
    let codes: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"crypto-acl-asymmetric"), "{codes:?}");
    assert!(
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "crypto-map-not-applied"
                && f["summary"].as_str().unwrap().contains("Tunnel21"))
    );
}
