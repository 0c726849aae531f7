//! Hand-made IKEv2 debug and syslog (IOS-XE and ASA): the real binary on each, checking
//! verdict, codes and the lines the findings cite.

mod common;

use common::{cites, codes, line_of, run};
use serde_json::Value;
use std::path::PathBuf;

fn findings(r: &Value) -> &Vec<Value> {
    r["findings"].as_array().unwrap()
}

fn fixture(name: &str) -> PathBuf {
    common::fixture(&format!("logs/ikev2/{name}"))
}

/// (file, verdict, error codes, a line the first error must cite)
const CASES: &[(&str, &str, &[&str], &str)] = &[
    (
        "ios-no-proposal-chosen.log",
        "ike-proposal-mismatch",
        &["ike-proposal-mismatch"],
        "NOTIFY(NO_PROPOSAL_CHOSEN)",
    ),
    (
        "ios-ts-unacceptable.log",
        "crypto-acl-asymmetric",
        &["crypto-acl-asymmetric"],
        "There was no IPSEC policy found for received TS",
    ),
    (
        "ios-ts-unacceptable-initiator.log",
        "crypto-acl-asymmetric",
        &["crypto-acl-asymmetric"],
        "Received TS_UNACCEPTABLE notify",
    ),
    (
        "ios-auth-failed.log",
        "psk-mismatch",
        &["psk-mismatch"],
        "authenctication data FAILED",
    ),
    (
        "ios-retransmit-no-reply.log",
        "ike-blocked",
        &["ike-blocked"],
        "Maximum number of retransmissions reached",
    ),
    ("ios-success.log", "healthy", &[], ""),
    (
        "asa-policy-mismatch.log",
        "ike-proposal-mismatch",
        &["ike-proposal-mismatch"],
        "IKEv2-PROTO-1: (31): Failed to find a matching policy",
    ),
];

#[test]
fn every_ikev2_fixture_gets_its_diagnosis() {
    let mut bad = Vec::new();
    for (file, verdict, errors, cited) in CASES {
        let path = fixture(file);
        let (code, r) = run(std::slice::from_ref(&path));
        let got = codes(&r, "error");
        let mut why = Vec::new();
        if r["verdict"] != *verdict {
            why.push(format!("verdict {}", r["verdict"]));
        }
        if got != *errors {
            why.push(format!("errors {got:?}"));
        }
        if code != if errors.is_empty() { 0 } else { 1 } {
            why.push(format!("exit {code}"));
        }
        if !cited.is_empty() {
            let line = line_of(&path, cited);
            if !cites(&r, errors[0], &path, line) {
                why.push(format!("does not cite line {line} ({cited})"));
            }
        }
        if !why.is_empty() {
            bad.push(format!("{file}: {}", why.join("; ")));
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_prompt_names_the_device_and_success_raises_nothing() {
    let (code, r) = run(&[fixture("ios-success.log")]);
    assert_eq!((code, r["verdict"].as_str()), (0, Some("healthy")));
    assert!(findings(&r).is_empty(), "{:?}", findings(&r));
    assert_eq!(common::peer_names(&r), ["R1"]);
}

#[test]
fn the_initiator_is_told_who_refused() {
    let (_, r) = run(&[fixture("ios-no-proposal-chosen.log")]);
    let s = findings(&r)[0]["summary"].as_str().unwrap();
    assert!(
        s.contains("192.0.2.2 answered R1's IKE_SA_INIT with NO_PROPOSAL_CHOSEN"),
        "{s}"
    );
    assert_eq!(findings(&r)[0]["confidence"], "certain");
    let (_, r) = run(&[fixture("ios-auth-failed.log")]);
    let s = findings(&r)[0]["summary"].as_str().unwrap();
    assert!(
        s.contains("R2 could not verify the authentication data 198.51.100.1 sent"),
        "{s}"
    );
}

#[test]
fn asa_syslog_tells_each_peers_failure_apart() {
    let p = fixture("asa-750003-syslog.log");
    let (code, r) = run(std::slice::from_ref(&p));
    assert_eq!(code, 1);
    assert_eq!(r["peers"][0]["platform"], "cisco-asa");
    assert_eq!(common::peer_names(&r), ["asa-edge"]);
    let mut got = codes(&r, "error");
    got.sort();
    assert_eq!(
        got,
        [
            "crypto-acl-asymmetric",
            "ike-blocked",
            "ike-proposal-mismatch"
        ]
    );
    let cite = |code: &str, needle: &str| {
        assert!(
            cites(&r, code, &p, line_of(&p, needle)),
            "{code} does not cite {needle:?}"
        )
    };
    cite(
        "ike-proposal-mismatch",
        "Remote:198.51.100.20:500 Username:Unknown IKEv2",
    );
    cite("crypto-acl-asymmetric", "invalid selector");
    cite(
        "ike-blocked",
        "Remote:192.0.2.77:500 Username:192.0.2.77 IKEv2",
    );
    // The tunnel that was up and then lost its peer is not a peer that never answered.
    let dpd = line_of(
        &p,
        "Remote:198.51.100.61:500 Username:198.51.100.61 IKEv2 Negotiation",
    );
    assert!(
        !findings(&r).iter().any(|f| f["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["line"] == dpd)),
        "{:?}",
        findings(&r)
    );
}
