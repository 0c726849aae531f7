//! The command-line contract: the embedded case, formats, exit codes, peer naming.

mod common;

use serde_json::Value;
use std::process::{Command, Output};

fn doctor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
        .args(args)
        .output()
        .expect("binary runs")
}

fn json(args: &[&str]) -> (i32, Value) {
    let mut a = vec!["diagnose", "--format", "json"];
    a.extend_from_slice(args);
    let out = doctor(&a);
    let v = serde_json::from_slice(&out.stdout).expect("valid JSON");
    (out.status.code().unwrap_or(-1), v)
}

#[test]
fn embedded_case_is_the_books_transform_set_mismatch() {
    let (code, r) = json(&[]);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "transform-set-mismatch");
    assert_eq!(r["step"], "phase2");
    let f = &r["findings"][0];
    assert_eq!(f["code"], "transform-set-mismatch");
    assert_eq!(f["severity"], "error");
    let ev: Vec<String> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e["file"].as_str().unwrap(), e["line"]))
        .collect();
    assert!(ev.contains(&"embedded/tokyo.cfg:21".to_string()), "{ev:?}");
    assert!(ev.contains(&"embedded/osaka.cfg:21".to_string()), "{ev:?}");
    let fixes = f["fix"].as_array().unwrap();
    assert_eq!(fixes.len(), 2, "either side may change");
    assert!(
        fixes[0]["commands"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "crypto ipsec transform-set mjlnet esp-des esp-md5-hmac")
    );
    let peers = common::peer_names(&r);
    assert_eq!(peers, ["Tokyo", "Osaka"]);
    assert!(r["peers"][0]["platform"] == "cisco-ios");
    assert!(!r["next_steps"].as_array().unwrap().is_empty());
}

#[test]
fn every_format_renders_the_embedded_case() {
    for (fmt, marker) in [
        ("text", "Verdict: transform-set-mismatch"),
        ("markdown", "**Verdict:** `transform-set-mismatch`"),
        ("html", "<!DOCTYPE html>"),
    ] {
        let out = doctor(&["diagnose", "--format", fmt]);
        let s = String::from_utf8_lossy(&out.stdout);
        assert!(s.contains(marker), "{fmt}: {s}");
        assert!(!s.contains("\x1b["), "{fmt}: no colour when not a terminal");
        // The key of the embedded case is "cisco": it must not be printed.
        assert!(!s.contains("key cisco"), "{fmt} leaks the key");
    }
    let html =
        String::from_utf8_lossy(&doctor(&["diagnose", "--format", "html"]).stdout).into_owned();
    assert!(
        !html.contains("src=") && !html.contains("<link") && !html.contains("http"),
        "self-contained"
    );
}

#[test]
fn missing_file_is_a_usage_error_naming_it() {
    let out = doctor(&["diagnose", "/nonexistent/tokyo.cfg"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/tokyo.cfg"), "{err}");
    assert_eq!(err.lines().count(), 1, "one-line reason: {err}");
}

#[test]
fn binary_garbage_is_rejected_with_file_and_line() {
    let dir = std::env::temp_dir().join(format!("ipsec-doctor-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("blob.bin");
    std::fs::write(&f, b"hostname x\n\x00\xff\xfe garbage").unwrap();
    let out = doctor(&["diagnose", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("blob.bin:2"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn unrecognised_text_is_reported_not_fatal_when_other_input_works() {
    let dir = std::env::temp_dir().join(format!("ipsec-doctor-mix-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("notes.txt"), "call the ISP on monday\n").unwrap();
    std::fs::write(
        dir.join("tokyo.cfg"),
        include_str!("../src/cases/tokyo.cfg"),
    )
    .unwrap();
    std::fs::write(
        dir.join("osaka.cfg"),
        include_str!("../src/cases/osaka.cfg"),
    )
    .unwrap();
    let (code, r) = json(&[dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(r["verdict"], "transform-set-mismatch");
    assert!(
        r["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["kind"] == "unrecognised")
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn peer_name_can_be_forced() {
    let dir = std::env::temp_dir().join(format!("ipsec-doctor-name-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let t = dir.join("a.cfg");
    let o = dir.join("b.cfg");
    std::fs::write(&t, include_str!("../src/cases/tokyo.cfg")).unwrap();
    std::fs::write(&o, include_str!("../src/cases/osaka.cfg")).unwrap();
    let (_, r) = json(&[
        &format!("HQ={}", t.display()),
        &format!("BRANCH={}", o.display()),
    ]);
    let peers = common::peer_names(&r);
    assert_eq!(peers, ["HQ", "BRANCH"]);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn explain_states_notifies_and_syslog_ids() {
    let out = doctor(&["explain", "AM_TM_INIT_XAUTH_V6C"]);
    assert_eq!(out.status.code(), Some(0));
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(
        s.contains("xauth-or-modecfg-stuck") && s.contains("_V6C"),
        "{s}"
    );
    let out = doctor(&["explain", "--format", "json", "PROPOSAL_NOT_CHOSEN"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v.as_array().unwrap().iter().any(|e| {
        e["causes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "transform-set-mismatch")
    }));
    let out = doctor(&["explain", "713061"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("crypto-acl-asymmetric"));
    assert_eq!(doctor(&["explain", "frobnicate"]).status.code(), Some(1));
    // A pasted pluto line is read by the libreswan reader.
    let out = doctor(&[
        "explain",
        "\"lab\" #2: No IKEv2 connection found with compatible Traffic Selectors",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("crypto-acl-asymmetric"));
}
