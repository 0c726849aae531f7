//! Packet captures: the hand-made failure classes (tests/fixtures/pcap/README.md), captures
//! from both ends, and the public corpus captures, through the real binary.

mod common;

use common::{codes, fixture, run};
use serde_json::Value;
use std::path::PathBuf;

fn pcap(name: &str) -> PathBuf {
    fixture(&format!("pcap/{name}"))
}

fn cites_frame(r: &Value, code: &str, file: &str, frame: u64) -> bool {
    r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .any(|f| {
            f["evidence"].as_array().unwrap().iter().any(|e| {
                e["packet"] == frame && e["file"].as_str().is_some_and(|p| p.ends_with(file))
            })
        })
}

/// (capture, error code expected first, a frame its finding cites)
const SINGLE: &[(&str, &str, u64)] = &[
    ("blocked-branch.pcap", "ike-blocked", 1),
    ("icmp-prohibited-branch.pcap", "ike-blocked", 2),
    ("no-proposal-hq.pcap", "ike-proposal-mismatch", 2),
    ("esp-one-way-hq.pcap", "esp-blocked", 5),
    ("mm5-unanswered-branch.pcap", "psk-mismatch", 5),
    ("natt-blocked-branch.pcap", "natt-blocked", 3),
    ("icmp-unreachable-branch.pcap", "ip-unreachable", 2),
    ("ah-nat-hq.pcap", "nat-breaks-ipsec", 3),
    ("v1-no-proposal-hq.pcap", "ike-proposal-mismatch", 2),
    ("invalid-ke-stuck-branch.pcap", "ike-proposal-mismatch", 2),
    ("mm5-informational-branch.pcap", "psk-mismatch", 6),
];

#[test]
fn each_failure_class_is_found_in_one_capture() {
    for (file, code, frame) in SINGLE {
        let (exit, r) = run(&[pcap(file)]);
        assert_eq!(exit, 1, "{file}");
        assert_eq!(r["verdict"], *code, "{file}: {r:#}");
        assert!(
            cites_frame(&r, code, file, *frame),
            "{file}: {code} must cite frame {frame}: {r:#}"
        );
    }
    // ICMP from a firewall turns the guess into proof.
    let (_, r) = run(&[pcap("icmp-prohibited-branch.pcap")]);
    assert_eq!(r["findings"][0]["confidence"], "certain");
}

#[test]
fn a_renegotiated_dh_group_is_no_fault() {
    let (exit, r) = run(&[pcap("invalid-ke-ok-hq.pcap")]);
    assert_eq!(exit, 0, "{r:#}");
    assert!(codes(&r, "error").is_empty());
    // The IKE_AUTH response is encrypted (it could carry AUTHENTICATION_FAILED) and no ESP
    // follows in this capture: no fault, but not proof of a working tunnel either.
    assert_eq!(r["verdict"], "inconclusive");
}

#[test]
fn two_captures_place_the_fragment_loss_on_the_path() {
    let hq = format!("HQ={}", pcap("frag-hq.pcap").display());
    let br = format!("BRANCH={}", pcap("frag-branch.pcap").display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
        .args(["diagnose", "--format", "json", &hq, &br])
        .output()
        .unwrap();
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["verdict"], "ike-fragments-dropped", "{r:#}");
    let f = &r["findings"][0];
    assert_eq!(f["confidence"], "certain");
    let summary = f["summary"].as_str().unwrap();
    assert!(summary.contains("never reached BRANCH"), "{summary}");
    assert!(summary.contains("bytes 1480-end missing"), "{summary}");
    // HQ's sent messages and the branch's lone first fragments are both cited.
    assert!(cites_frame(&r, "ike-fragments-dropped", "frag-hq.pcap", 4));
    assert!(cites_frame(
        &r,
        "ike-fragments-dropped",
        "frag-branch.pcap",
        3
    ));
    // One finding tells the story, not one per capture.
    assert_eq!(
        codes(&r, "error"),
        vec!["ike-fragments-dropped".to_string()]
    );
}

#[test]
fn nat_between_two_captures_is_reported_not_blamed() {
    let (exit, r) = run(&[pcap("nat-hq.pcap"), pcap("nat-branch.pcap")]);
    assert_eq!(exit, 0, "{r:#}");
    assert!(
        codes(&r, "info").contains(&"nat-in-path".to_string()),
        "{r:#}"
    );
    let nat = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "nat-in-path")
        .unwrap();
    assert!(nat["summary"].as_str().unwrap().contains("192.0.2.77"));
}

#[test]
fn public_captures_must_diagnose() {
    let corpus = |p: &str| fixture(&format!("corpus/pcap/{p}"));
    // IKE_AUTH fragmented over NAT-T, never answered (zeek-spicy-ipsec ipsec_client).
    let (_, r) = run(&[corpus("zeek-spicy-ipsec/ipsec_client/ipsec_client.pcap")]);
    assert_eq!(r["verdict"], "ike-fragments-dropped", "{r:#}");
    // COOKIE, INVALID_KE_PAYLOAD and NAT-T in one capture: handled, NAT noted, no failure.
    let (exit, r) = run(&[corpus("ndpi/ipsec_isakmp_esp.pcap")]);
    assert_eq!(exit, 0, "{r:#}");
    assert!(codes(&r, "error").is_empty());
    assert!(codes(&r, "info").contains(&"nat-in-path".to_string()));
}

#[test]
fn every_copied_capture_parses_without_panic() {
    let root = fixture("corpus/pcap");
    let mut all = Vec::new();
    common::files(&root, &mut all);
    let mut n = 0;
    for p in all.iter().filter(|p| ipsec_doctor::ingest::is_capture(p)) {
        let f = std::fs::File::open(p).unwrap();
        let c = ipsec_doctor::ingest::pcap::parse_reader(&p.display().to_string(), f);
        assert!(c.is_ok(), "{}", p.display());
        n += 1;
    }
    assert!(n >= 5, "{n} captures");
}

#[test]
fn esp_lost_between_two_captures_is_proved_not_guessed() {
    let (_, r) = run(&[pcap("esp-hq.pcap"), pcap("esp-branch.pcap")]);
    assert_eq!(r["verdict"], "esp-blocked", "{r:#}");
    let errors: Vec<&Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{r:#}");
    assert_eq!(errors[0]["confidence"], "certain");
    assert!(
        errors[0]["summary"]
            .as_str()
            .unwrap()
            .contains("0xbeef0001")
    );
}

#[test]
fn capture_next_steps_are_ready_to_paste() {
    // A capture alone names no platform: the next step is a tcpdump command that also keeps
    // IP fragments (their later pieces carry no UDP header).
    let (_, r) = run(&[pcap("blocked-branch.pcap")]);
    let cmds: Vec<&str> = r["next_steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| {
            s["commands"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|c| c.as_str())
        })
        .collect();
    assert!(
        cmds.iter()
            .any(|c| c.starts_with("tcpdump ") && c.contains("ip[6:2] & 0x3fff != 0")),
        "{cmds:?}"
    );
}

/// Zeek's IPsec analyzer log for the same capture (expected.ipsec.log) states each IKE
/// message's SPIs, exchange type, message ID, length and notifies: ours must agree.
#[test]
fn ike_messages_match_zeeks_log_of_the_same_capture() {
    use ipsec_doctor::evidence::EventKind;
    let dir = fixture("corpus/pcap/zeek-spicy-ipsec/ipsec_client");
    let log = std::fs::read_to_string(dir.join("expected.ipsec.log")).unwrap();
    let fields: Vec<&str> = log
        .lines()
        .find_map(|l| l.strip_prefix("#fields\t"))
        .unwrap()
        .split('\t')
        .collect();
    let col = |name: &str| fields.iter().position(|f| *f == name).unwrap();
    let exch = |n: &str| match n {
        "34" => "IKE_SA_INIT",
        "35" => "IKE_AUTH",
        "36" => "CREATE_CHILD_SA",
        "37" => "INFORMATIONAL",
        other => panic!("exchange {other}"),
    };
    let mut want: Vec<(String, String, String, u32, u32, String)> = log
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let v: Vec<&str> = l.split('\t').collect();
            let notes = v[col("notify_messages")];
            (
                v[col("initiator_spi")].to_string(),
                v[col("responder_spi")].to_string(),
                exch(v[col("exchange_type")]).to_string(),
                v[col("message_id")].parse().unwrap(),
                v[col("length")].parse().unwrap(),
                if notes == "(empty)" {
                    String::new()
                } else {
                    notes.to_string()
                },
            )
        })
        .collect();
    let path = dir.join("ipsec_client.pcap");
    let cap = ipsec_doctor::ingest::pcap::parse_reader(
        &path.display().to_string(),
        std::fs::File::open(&path).unwrap(),
    )
    .unwrap();
    let mut got: Vec<(String, String, String, u32, u32, String)> = cap
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::WireIke(w) => Some((
                w.ispi.clone(),
                w.rspi.clone(),
                w.exchange.clone(),
                w.message_id,
                w.length,
                w.notifies.join(","),
            )),
            _ => None,
        })
        .collect();
    want.sort();
    got.sort();
    assert!(!want.is_empty());
    assert_eq!(got, want);
}

#[test]
fn a_damaged_capture_keeps_what_came_before_the_damage() {
    // frag-hq.pcap with the record header of frame 5 claiming a 4 GB frame.
    let mut bytes = std::fs::read(pcap("frag-hq.pcap")).unwrap();
    let mut at = 24;
    for _ in 0..4 {
        let caplen = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().unwrap()) as usize;
        at += 16 + caplen;
    }
    bytes[at + 8..at + 12].copy_from_slice(&0xffff_fff0u32.to_le_bytes());
    let path = std::env::temp_dir().join(format!("damaged-{}.pcap", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    let (exit, r) = run(std::slice::from_ref(&path));
    let _ = std::fs::remove_file(&path);
    assert_ne!(exit, 2, "damage is noted, not fatal: {r:#}");
    assert_eq!(r["inputs"][0]["kind"], "capture");
    assert_eq!(
        r["inputs"][0]["skipped_lines"], 1,
        "the damage is noted: {r:#}"
    );
    // The frames before the damage were read: the IKE_SA_INIT exchange and IKE_AUTH.
    let c = ipsec_doctor::ingest::pcap::parse_reader("damaged.pcap", &bytes[..]).unwrap();
    assert!(c.damage.is_some());
    assert_eq!(c.frames, 4);
    let ike = c
        .events
        .iter()
        .filter(|e| matches!(e.kind, ipsec_doctor::evidence::EventKind::WireIke(_)))
        .count();
    assert_eq!(
        ike, 3,
        "two IKE_SA_INIT messages and the first IKE_AUTH (frames 3-4)"
    );
}
