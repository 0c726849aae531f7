//! The reference chapter's debug and show examples, the real-world ASA case (seed 000), and
//! logs mixed with configs: the real binary on each, checking verdict, codes and cited lines.

mod common;

use common::{cites, codes, fixture, line_of, run};
use serde_json::Value;

/// (file under tests/fixtures/logs/book, verdict, error codes, a line the finding must cite)
const BOOK: &[(&str, &str, &[&str], &str)] = &[
    ("8-25-28-tokyo-main-mode-ok.log", "healthy", &[], ""),
    ("8-29-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    (
        "8-39-tokyo-no-key.log",
        "no-psk-for-peer",
        &["no-psk-for-peer"],
        "No Cert or pre-shared address key",
    ),
    (
        "8-44-tokyo-isakmp-off.log",
        "isakmp-disabled",
        &["isakmp-disabled"],
        "can't initiate when turned off",
    ),
    (
        "8-45-tokyo-show-isakmp-sa-turned-off.txt",
        "isakmp-disabled",
        &["isakmp-disabled"],
        "ISAKMP is turned off",
    ),
    (
        "8-51-tokyo-retransmit.log",
        "ike-blocked",
        &["ike-blocked"],
        "10:22:06.367 GMT: ISAKMP (0:1): retransmitting phase 1 MM_NO_STATE",
    ),
    (
        "8-60-tokyo-retransmit.log",
        "ike-blocked",
        &["ike-blocked"],
        "",
    ),
    (
        "8-56-osaka-no-key.log",
        "no-psk-for-peer",
        &["no-psk-for-peer"],
        "No pre-shared key with 172.16.5.1!",
    ),
    (
        "8-61-62-osaka-hash-mismatch.log",
        "ike-proposal-mismatch",
        &["ike-proposal-mismatch"],
        "Hash algorithm offered does not match policy!",
    ),
    (
        "8-66-tokyo-bad-message-after-mm5.log",
        "psk-mismatch",
        &["psk-mismatch"],
        "IKMP_BAD_MESSAGE",
    ),
    (
        "8-71-osaka-invalid-cert.log",
        "cert-invalid",
        &["cert-invalid"],
        "IKMP_INVAL_CERT",
    ),
    (
        "8-80-tokyo-qm-proposal-not-chosen.log",
        "transform-set-mismatch",
        &["transform-set-mismatch"],
        "processing NOTIFY PROPOSAL_NOT_CHOSEN",
    ),
    (
        "8-90-tokyo-quickmode-bad-cert.log",
        "identity-not-permitted",
        &["identity-not-permitted"],
        "IKE_QUICKMODE_BAD_CERT",
    ),
    // The verification outputs the chapter shows after each fix, and its other debug.
    ("8-32-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-35-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-38-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-43-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-47-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-50-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-55-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-59-osaka-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-65-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-69-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-75-tokyo-show-isakmp-sa-qm-idle.txt", "healthy", &[], ""),
    ("8-79-tokyo-show-ipsec-sa-up.txt", "healthy", &[], ""),
    ("8-83-tokyo-show-ipsec-sa-up.txt", "healthy", &[], ""),
    ("8-89-tokyo-show-ipsec-sa-up.txt", "healthy", &[], ""),
    ("8-94-tokyo-show-ipsec-sa-up.txt", "healthy", &[], ""),
    ("8-76-78-tokyo-quick-mode-ok.log", "healthy", &[], ""),
    (
        "8-70-tokyo-notify-no-hash-after-mm5.log",
        "psk-mismatch",
        &["psk-mismatch"],
        "Notify has no hash. Rejected.",
    ),
    (
        "8-84-tokyo-qm-proposal-not-chosen.log",
        "transform-set-mismatch",
        &["transform-set-mismatch"],
        "processing NOTIFY PROPOSAL_NOT_CHOSEN",
    ),
];

#[test]
fn every_book_example_gets_the_chapters_diagnosis() {
    let mut bad = Vec::new();
    for (file, verdict, errors, cited) in BOOK {
        let path = fixture(&format!("logs/book/{file}"));
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
            let line =
                if *cited == "10:22:06.367 GMT: ISAKMP (0:1): retransmitting phase 1 MM_NO_STATE" {
                    // The example retransmits twice within one second; either line proves it.
                    let text = std::fs::read_to_string(&path).unwrap();
                    text.lines().position(|l| l.contains(cited)).unwrap() as u64 + 1
                } else {
                    line_of(&path, cited)
                };
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
fn seed_000_asa_states_with_unknown_suffixes() {
    let b = fixture("logs/seed-000/branch-asa-show-isakmp-sa.txt");
    let h = fixture("logs/seed-000/hq-asa-show-isakmp-sa.txt");
    let (code, r) = run(&[b.clone(), h.clone()]);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "xauth-or-modecfg-stuck");
    assert!(cites(
        &r,
        "xauth-or-modecfg-stuck",
        &b,
        line_of(&b, "AM_TM_INIT_XAUTH_V6C")
    ));
    assert!(cites(
        &r,
        "xauth-or-modecfg-stuck",
        &h,
        line_of(&h, "AM_TM_INIT_MODECFG_V6H")
    ));
    let text = r.to_string();
    assert!(
        text.contains("`_V6C` is not documented"),
        "the unknown suffix is reported, not dropped"
    );
    assert!(
        r["peers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["platform"] == "cisco-asa")
    );
    // The healthy SAs of the hub raise nothing.
    assert_eq!(codes(&r, "error").len(), 2);
    // The next steps are the ASA capture of the case, ready to paste.
    let steps = r["next_steps"].to_string();
    assert!(steps.contains("capture ISAKMP access-list ISAKMP interface outside"));
    assert!(steps.contains("service-object udp destination eq isakmp"));
}

#[test]
fn a_log_joins_the_config_finding_and_makes_it_certain() {
    let log = fixture("logs/book/8-80-tokyo-qm-proposal-not-chosen.log");
    let t = fixture("ios/book-transform-set-mismatch/tokyo.cfg");
    let o = fixture("ios/book-transform-set-mismatch/osaka.cfg");
    let (_, r) = run(&[log.clone(), t.clone(), o.clone()]);
    assert_eq!(r["verdict"], "transform-set-mismatch");
    let f: Vec<&Value> = r["findings"].as_array().unwrap().iter().collect();
    assert_eq!(f.len(), 1, "one fault, one finding: {f:?}");
    assert_eq!(f[0]["confidence"], "certain");
    assert!(cites(
        &r,
        "transform-set-mismatch",
        &log,
        line_of(&log, "PROPOSAL_NOT_CHOSEN")
    ));
    assert!(cites(
        &r,
        "transform-set-mismatch",
        &t,
        line_of(&t, "crypto ipsec transform-set")
    ));
    assert!(cites(
        &r,
        "transform-set-mismatch",
        &o,
        line_of(&o, "crypto ipsec transform-set")
    ));
    let peers = common::peer_names(&r);
    assert_eq!(
        peers.len(),
        2,
        "the log's host merges with its config: {peers:?}"
    );
}

#[test]
fn config_decides_what_a_quick_mode_refusal_means() {
    let log = fixture("logs/book/8-80-tokyo-qm-proposal-not-chosen.log");
    let t = fixture("ios/book-crypto-acl-asymmetric/tokyo.cfg");
    let o = fixture("ios/book-crypto-acl-asymmetric/osaka.cfg");
    let (_, r) = run(&[log.clone(), t, o]);
    assert_eq!(r["verdict"], "crypto-acl-asymmetric");
    assert!(cites(
        &r,
        "crypto-acl-asymmetric",
        &log,
        line_of(&log, "PROPOSAL_NOT_CHOSEN")
    ));
    assert!(!codes(&r, "error").contains(&"transform-set-mismatch".to_string()));
}

#[test]
fn asa_syslog_proposal_and_proxy_failures() {
    let p = fixture("logs/asa/l2l-proposal-mismatch.log");
    let (code, r) = run(std::slice::from_ref(&p));
    assert_eq!(
        (code, r["verdict"].as_str()),
        (1, Some("ike-proposal-mismatch"))
    );
    assert!(cites(
        &r,
        "ike-proposal-mismatch",
        &p,
        line_of(&p, "713257")
    ));
    assert!(
        r["findings"][0]["summary"]
            .as_str()
            .unwrap()
            .contains("encryption")
    );
    let q = fixture("logs/asa/l2l-proxy-mismatch.log");
    let (_, r) = run(std::slice::from_ref(&q));
    assert_eq!(r["verdict"], "crypto-acl-asymmetric");
    assert!(cites(
        &r,
        "crypto-acl-asymmetric",
        &q,
        line_of(&q, "713061")
    ));
    assert_eq!(r["peers"][0]["platform"], "cisco-asa");
}

#[test]
fn show_ipsec_sa_from_both_ends_reveals_asymmetric_acls() {
    let t = fixture("logs/book/8-85-tokyo-show-ipsec-sa-no-sas.txt");
    let o = fixture("logs/book/8-86-osaka-show-ipsec-sa.txt");
    let (code, r) = run(&[t.clone(), o.clone()]);
    assert_eq!(
        (code, r["verdict"].as_str()),
        (1, Some("crypto-acl-asymmetric"))
    );
    let s = r["findings"][0]["summary"].as_str().unwrap();
    assert!(
        s.contains("10.1.0.0/16") && s.contains("Osaka can initiate and Tokyo cannot"),
        "{s}"
    );
    // Either side alone shows no fault: Osaka's SAs are up, Tokyo's list is merely empty.
    assert_eq!(run(std::slice::from_ref(&o)).1["verdict"], "healthy");
}

/// Hand-made variants in the modern IOS format (tests/fixtures/logs/ios-modern/README.md):
/// (file, code that must be reported, severity, a line its finding must cite).
const MODERN: &[(&str, &str, &str, &str)] = &[
    (
        "hq-transform-refused.log",
        "transform-set-mismatch",
        "error",
        "transform proposal not supported",
    ),
    (
        "hq-proxy-refused.log",
        "crypto-acl-asymmetric",
        "error",
        "proxy identities not supported",
    ),
    (
        "branch-retransmit-death.log",
        "ike-blocked",
        "error",
        "attempt 1 of 5",
    ),
    (
        "hq-invalid-spi.log",
        "sa-out-of-sync",
        "error",
        "13:40:02.551",
    ),
    (
        "hq-replay.log",
        "anti-replay-drops",
        "warning",
        "sequence number=48213",
    ),
];

#[test]
fn modern_ios_debug_and_syslog_variants() {
    for (file, code, severity, needle) in MODERN {
        let path = fixture(&format!("logs/ios-modern/{file}"));
        let (_, r) = run(std::slice::from_ref(&path));
        assert!(
            codes(&r, severity).contains(&code.to_string()),
            "{file}: {r:#}"
        );
        let line = line_of(&path, needle);
        assert!(
            cites(&r, code, &path, line),
            "{file}: {code} must cite {needle}"
        );
    }
    // A transform refusal is not read as a proxy-identity one, nor the reverse.
    let (_, r) = run(&[fixture("logs/ios-modern/hq-transform-refused.log")]);
    assert!(!codes(&r, "error").contains(&"crypto-acl-asymmetric".to_string()));
    let (_, r) = run(&[fixture("logs/ios-modern/hq-proxy-refused.log")]);
    assert!(!codes(&r, "error").contains(&"transform-set-mismatch".to_string()));
}

/// Tokyo logs wall time, Osaka uptime (Examples 8-60 and 8-61/62): the clocks differ by
/// about 21 hours. The timeline estimates the offset from the packets and orders both logs.
#[test]
fn two_logs_with_skewed_clocks_are_ordered_on_one_clock() {
    let tokyo = fixture("logs/book/8-60-tokyo-retransmit.log");
    let osaka = fixture("logs/book/8-61-62-osaka-hash-mismatch.log");
    let (_, r) = run(&[tokyo.clone(), osaka.clone()]);
    let t = &r["timeline"];
    assert_eq!(t["clock_of"], "Tokyo", "{r:#}");
    let off = &t["offsets"][0];
    assert_eq!(off["device"], "Osaka");
    let secs = off["seconds"].as_f64().unwrap();
    assert!(
        secs < -20.0 * 3600.0,
        "Osaka's uptime clock is ~21 h behind: {secs}"
    );
    let moments = t["moments"].as_array().unwrap();
    let devices: Vec<&str> = moments
        .iter()
        .filter_map(|m| m["device"].as_str())
        .collect();
    assert!(devices.contains(&"Tokyo") && devices.contains(&"Osaka"));
    let times: Vec<&str> = moments.iter().filter_map(|m| m["time"].as_str()).collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    // Tokyo's first packet and Osaka's receipt of it land on the same instant.
    let sent = moments
        .iter()
        .position(|m| {
            m["device"] == "Tokyo"
                && m["evidence"]["line"]
                    == line_of(&tokyo, "21:23:18.775 GMT: ISAKMP (0:1): sending packet")
        })
        .unwrap();
    let got = moments
        .iter()
        .position(|m| {
            m["device"] == "Osaka"
                && m["evidence"]["line"]
                    == line_of(&osaka, "00:09:47: ISAKMP (0:0): received packet")
        })
        .unwrap();
    assert_eq!(moments[sent]["time"], moments[got]["time"]);
    // One log alone has no timeline.
    let (_, single) = run(&[tokyo]);
    assert!(single.get("timeline").is_none());
}

/// A log read alone ranks the readings it allows; the other side's output decides (Examples
/// 8-70 with 8-71: Osaka refused Tokyo's certificate; 8-84 with 8-85/8-86: the crypto ACLs
/// are not mirror images).
#[test]
fn the_other_sides_output_decides_between_ranked_readings() {
    let book = |f: &str| fixture(&format!("logs/book/{f}"));
    let (_, alone) = run(&[book("8-70-tokyo-notify-no-hash-after-mm5.log")]);
    assert!(codes(&alone, "warning").contains(&"cert-invalid".to_string()));
    let (_, both) = run(&[
        book("8-70-tokyo-notify-no-hash-after-mm5.log"),
        book("8-71-osaka-invalid-cert.log"),
    ]);
    assert_eq!(both["verdict"], "cert-invalid", "{both:#}");
    assert!(!codes(&both, "error").contains(&"psk-mismatch".to_string()));
    let (_, alone) = run(&[book("8-84-tokyo-qm-proposal-not-chosen.log")]);
    assert!(codes(&alone, "warning").contains(&"crypto-acl-asymmetric".to_string()));
    let (_, all) = run(&[
        book("8-84-tokyo-qm-proposal-not-chosen.log"),
        book("8-85-tokyo-show-ipsec-sa-no-sas.txt"),
        book("8-86-osaka-show-ipsec-sa.txt"),
    ]);
    assert_eq!(all["verdict"], "crypto-acl-asymmetric", "{all:#}");
    assert_eq!(
        codes(&all, "error"),
        vec!["crypto-acl-asymmetric".to_string()]
    );
}
