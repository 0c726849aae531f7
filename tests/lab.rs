//! The strongSwan fault-injection lab (lab/lab.sh): two real charon gateways in network
//! namespaces, one fault per scenario, and the verdict the tool gives from what a user would
//! have: (a) everything of both gateways (configs, charon logs, outside captures, `swanctl
//! --list-sas`), and (b) the two outside captures alone where the fault is on the path.
//! Needs root (namespaces) and installs its Debian packages; CI runs it. Elsewhere set
//! IPSEC_DOCTOR_SKIP_LAB=1 to skip it explicitly.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// (scenario, verdict from all evidence, verdict from the captures alone when the fault is
/// on the path or there is none)
const SCENARIOS: &[(&str, &str, Option<&str>)] = &[
    ("healthy-v2", "healthy", Some("healthy")),
    ("healthy-v1", "healthy", Some("healthy")),
    // INVALID_KE_PAYLOAD, then the right group: recovers, must stay healthy.
    ("invalid-ke-recovers", "healthy", Some("healthy")),
    ("ike-proposal-v2", "ike-proposal-mismatch", None),
    ("ike-proposal-v1", "ike-proposal-mismatch", None),
    ("psk-v2", "psk-mismatch", None),
    ("psk-v1", "psk-mismatch", None),
    ("child-proposal", "transform-set-mismatch", None),
    ("ts-v2", "crypto-acl-asymmetric", None),
    ("udp500-blocked", "ike-blocked", Some("ike-blocked")),
    ("esp-blocked-one-way", "esp-blocked", Some("esp-blocked")),
    (
        "frag-dropped",
        "ike-fragments-dropped",
        Some("ike-fragments-dropped"),
    ),
    (
        "frag-dropped-ikev2-fragmentation",
        "healthy",
        Some("healthy"),
    ),
    // The ISP router NATs the left gateway: NAT-T carries the tunnel.
    ("nat-healthy", "healthy", Some("healthy")),
    ("nat-udp4500-blocked", "natt-blocked", Some("natt-blocked")),
    // Full-size user packets with DF vanish on a smaller-MTU link; ICMP frag-needed dropped.
    (
        "pmtu-black-hole",
        "pmtu-black-hole",
        Some("pmtu-black-hole"),
    ),
    ("ts-v1", "crypto-acl-asymmetric", None),
    (
        "frag-dropped-v1",
        "ike-fragments-dropped",
        Some("ike-fragments-dropped"),
    ),
];

fn diagnose(args: &[String]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
        .args(["diagnose", "--format", "json"])
        .args(args)
        .output()
        .expect("binary runs");
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&out.stderr)))
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// The verdicts (all evidence; captures alone) for one lab output folder, as failures.
fn check(out: &Path) -> Vec<String> {
    let mut wrong = Vec::new();
    for (s, all, caps) in SCENARIOS {
        let d = out.join(s);
        let r = diagnose(&[
            format!("left={}", d.join("left").display()),
            format!("right={}", d.join("right").display()),
        ]);
        eprintln!("{s}: all evidence -> {}", r["verdict"]);
        if r["verdict"] != *all {
            wrong.push(format!(
                "{s}: all evidence gave {} (want {all})",
                r["verdict"]
            ));
        }
        if let Some(want) = caps {
            let r = diagnose(&[
                format!("left={}", d.join("left/outside.pcap").display()),
                format!("right={}", d.join("right/outside.pcap").display()),
            ]);
            eprintln!("{s}: captures alone -> {}", r["verdict"]);
            if r["verdict"] != *want {
                wrong.push(format!(
                    "{s}: captures alone gave {} (want {want})",
                    r["verdict"]
                ));
            }
        }
    }
    wrong
}

/// The recorded run (tests/fixtures/lab/): real charon output, checked on every machine.
#[test]
fn recorded_lab_evidence_gets_its_verdict() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/lab");
    let wrong = check(&out);
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn every_lab_scenario_gets_its_verdict() {
    if std::env::var_os("IPSEC_DOCTOR_SKIP_LAB").is_some() {
        eprintln!("lab skipped: IPSEC_DOCTOR_SKIP_LAB is set");
        return;
    }
    assert!(
        is_root(),
        "the lab needs root (network namespaces); run as root or set IPSEC_DOCTOR_SKIP_LAB=1"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out: PathBuf =
        std::env::temp_dir().join(format!("ipsec-doctor-lab-{}", std::process::id()));
    let started = std::time::Instant::now();
    let status = Command::new("bash")
        .arg(root.join("lab/lab.sh"))
        .arg(&out)
        .status()
        .expect("lab runs");
    assert!(status.success(), "lab.sh failed");
    eprintln!("lab ran in {:.0} s", started.elapsed().as_secs_f64());
    let wrong = check(&out);
    let _ = std::fs::remove_dir_all(&out);
    assert!(wrong.is_empty(), "{wrong:#?}");
}
