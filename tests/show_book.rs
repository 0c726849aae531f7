//! The reference chapter's configuration-describing show outputs (Examples 8-30 .. 8-96):
//! `show crypto map`, `show crypto isakmp key|policy`, `show crypto ipsec transform-set`,
//! `show ip interface|access-lists|route`, `show clock`, `show crypto ca certificates`.
//! Each scenario gives the real binary the outputs the chapter shows for one fault and
//! checks that the chapter's diagnosis comes out, citing the line the chapter highlights.

mod common;

use common::{cites, codes, fixture, line_of, run};
use std::path::PathBuf;

/// (files, verdict, (file, text of the line the verdict's finding must cite))
type Scenario = (
    &'static [&'static str],
    &'static str,
    (&'static str, &'static str),
);

const SCENARIOS: &[Scenario] = &[
    // 8-30: no route to the peer (the crypto map of 8-40 names it).
    (
        &[
            "book-show/tokyo-8-30-show-ip-route.txt",
            "book-show/tokyo-8-40-show-crypto-map.txt",
        ],
        "initiator-no-route",
        (
            "book-show/tokyo-8-40-show-crypto-map.txt",
            "Peer = 172.16.6.2",
        ),
    ),
    // 8-33: the map sits on the inside interface (the routing table tells which is inside).
    (
        &[
            "book-show/tokyo-8-33-show-crypto-map.txt",
            "book-show/tokyo-8-31-show-ip-route-default.txt",
        ],
        "crypto-map-not-applied",
        (
            "book-show/tokyo-8-33-show-crypto-map.txt",
            "FastEthernet0/0",
        ),
    ),
    // 8-36: source and destination of the crypto ACL swapped.
    (
        &[
            "book-show/tokyo-8-36-show-crypto-map.txt",
            "book-show/tokyo-8-31-show-ip-route-default.txt",
        ],
        "crypto-acl-reversed",
        (
            "book-show/tokyo-8-36-show-crypto-map.txt",
            "permit ip 10.2.2.0",
        ),
    ),
    // 8-41: the key is for 172.16.5.2, the map peer is 172.16.6.2.
    (
        &[
            "book-show/tokyo-8-40-show-crypto-map.txt",
            "book-show/tokyo-8-41-show-crypto-isakmp-key.txt",
        ],
        "no-psk-for-peer",
        (
            "book-show/tokyo-8-41-show-crypto-isakmp-key.txt",
            "172.16.5.2",
        ),
    ),
    // 8-48: map and key name 172.16.4.2; Osaka is at 172.16.6.2 (its own show output).
    (
        &[
            "book-show/tokyo-8-48-show-key-and-map.txt",
            "book/8-85-tokyo-show-ipsec-sa-no-sas.txt",
            "book-show/osaka-8-87-show-crypto-map.txt",
            "book-show/osaka-8-95-96-show-ip-interface-and-acl.txt",
        ],
        "peer-address-mismatch",
        (
            "book-show/tokyo-8-48-show-key-and-map.txt",
            "Peer = 172.16.4.2",
        ),
    ),
    // 8-52/53: Osaka's inbound ACL 102 has no permit for ISAKMP; Tokyo retransmits (8-51).
    (
        &[
            "book-show/tokyo-8-40-show-crypto-map.txt",
            "book/8-85-tokyo-show-ipsec-sa-no-sas.txt",
            "book-show/osaka-8-52-53-show-ip-interface-and-acl.txt",
            "book/8-51-tokyo-retransmit.log",
        ],
        "ike-blocked",
        (
            "book-show/osaka-8-52-53-show-ip-interface-and-acl.txt",
            "Inbound  access list is 102",
        ),
    ),
    // 8-63: Osaka's policy 10 hashes with MD5, Tokyo offers SHA.
    (
        &[
            "book-show/tokyo-8-40-show-crypto-map.txt",
            "book-show/tokyo-8-62-show-crypto-isakmp-policy.txt",
            "book-show/osaka-8-63-show-crypto-isakmp-policy.txt",
            "book-show/osaka-8-87-show-crypto-map.txt",
            "book-show/osaka-8-95-96-show-ip-interface-and-acl.txt",
        ],
        "ike-proposal-mismatch",
        (
            "book-show/osaka-8-63-show-crypto-isakmp-policy.txt",
            "Message Digest 5",
        ),
    ),
    // 8-72/73: Osaka's clock is past the end of Tokyo's certificate (8-71 logs the refusal).
    (
        &[
            "book-show/osaka-8-72-show-clock.txt",
            "book-show/tokyo-8-73-show-crypto-ca-certificates.txt",
            "book/8-71-osaka-invalid-cert.log",
        ],
        "cert-invalid",
        ("book-show/osaka-8-72-show-clock.txt", "UTC Sun Mar 14 2005"),
    ),
    // 8-81: transform sets differ in the ESP hash.
    (
        &[
            "book-show/tokyo-8-40-show-crypto-map.txt",
            "book-show/tokyo-8-81-show-crypto-ipsec-transform-set.txt",
            "book-show/osaka-8-81-show-crypto-ipsec-transform-set.txt",
            "book-show/osaka-8-87-show-crypto-map.txt",
            "book-show/osaka-8-95-96-show-ip-interface-and-acl.txt",
        ],
        "transform-set-mismatch",
        (
            "book-show/osaka-8-81-show-crypto-ipsec-transform-set.txt",
            "esp-md5-hmac",
        ),
    ),
    // 8-87: crypto ACLs that are not mirror images.
    (
        &[
            "book-show/tokyo-8-87-show-crypto-map.txt",
            "book-show/osaka-8-87-show-crypto-map.txt",
            "book-show/osaka-8-95-96-show-ip-interface-and-acl.txt",
        ],
        "crypto-acl-asymmetric",
        (
            "book-show/tokyo-8-87-show-crypto-map.txt",
            "permit ip 10.1.0.0",
        ),
    ),
    // 8-95/96: Osaka's inbound ACL 105 denies ESP (20 matches).
    (
        &[
            "book-show/tokyo-8-40-show-crypto-map.txt",
            "book-show/osaka-8-87-show-crypto-map.txt",
            "book-show/osaka-8-95-96-show-ip-interface-and-acl.txt",
        ],
        "esp-blocked",
        (
            "book-show/osaka-8-95-96-show-ip-interface-and-acl.txt",
            "deny esp any any",
        ),
    ),
];

#[test]
fn every_book_show_scenario_gets_the_chapters_diagnosis() {
    for (files, verdict, (cite_file, needle)) in SCENARIOS {
        let paths: Vec<PathBuf> = files
            .iter()
            .map(|f| fixture(&format!("logs/{f}")))
            .collect();
        let (code, r) = run(&paths);
        assert_eq!(code, 1, "{files:?}: exit code");
        assert_eq!(r["verdict"], *verdict, "{files:?}: {r:#}");
        let errors = codes(&r, "error");
        assert_eq!(
            errors.first().map(String::as_str),
            Some(*verdict),
            "{files:?}: {errors:?}"
        );
        let file = fixture(&format!("logs/{cite_file}"));
        let line = line_of(&file, needle);
        assert!(
            cites(&r, verdict, &file, line),
            "{files:?}: {verdict} must cite {needle:?}: {r:#}"
        );
    }
}

#[test]
fn show_outputs_alone_of_a_healthy_pair_raise_no_error() {
    // The chapter's repaired state: matching maps, no filter in the way.
    let paths = [
        fixture("logs/book-show/tokyo-8-40-show-crypto-map.txt"),
        fixture("logs/book-show/osaka-8-87-show-crypto-map.txt"),
        fixture("logs/book-show/osaka-8-52-53-show-ip-interface-and-acl.txt"),
    ];
    let (_, r) = run(&paths);
    // ACL 102 blocks IKE only; with Tokyo's address unknown the guess from Osaka's map is used.
    assert!(
        codes(&r, "error").iter().all(|c| c == "ike-blocked"),
        "{r:#}"
    );
    // A part the evidence does not describe (keys, policies, routes) is never reported missing.
    for absent in [
        "no-psk-for-peer",
        "ike-proposal-mismatch",
        "initiator-no-route",
        "transform-set-mismatch",
    ] {
        assert!(
            !codes(&r, "error").contains(&absent.to_string()),
            "{absent}: {r:#}"
        );
    }
}

#[test]
fn a_shown_key_is_compared_but_never_printed() {
    let paths = [
        fixture("logs/book-show/tokyo-8-40-show-crypto-map.txt"),
        fixture("logs/book-show/tokyo-8-41-show-crypto-isakmp-key.txt"),
    ];
    for format in ["text", "json", "markdown", "html"] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_ipsec-doctor"))
            .args(["diagnose", "--format", format])
            .args(&paths)
            .output()
            .expect("binary runs");
        let text = String::from_utf8_lossy(&out.stdout);
        // The key is the word `cisco` (not the platform name `cisco-ios`).
        let leaked = text
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '-')
            .any(|w| w == "cisco");
        assert!(!leaked, "{format}: the key leaked: {text}");
        assert!(text.contains("no-psk-for-peer"), "{format}");
    }
}

#[test]
fn a_config_contradicted_by_the_devices_own_show_output_is_reported() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cfgs = [
        root.join("src/cases/tokyo.cfg"),
        root.join("src/cases/osaka.cfg"),
    ];
    let show = fixture("logs/book-show/tokyo-8-48-show-key-and-map.txt");
    let (_, alone) = run(&cfgs);
    let (_, mixed) = run(&[cfgs[0].clone(), cfgs[1].clone(), show.clone()]);
    // The configuration still decides the diagnosis...
    assert_eq!(alone["verdict"], mixed["verdict"]);
    // ...and the disagreement is a warning citing both lines.
    assert!(!codes(&alone, "warning").contains(&"evidence-contradiction".to_string()));
    let line = line_of(&show, "Peer = 172.16.4.2");
    assert!(
        cites(&mixed, "evidence-contradiction", &show, line),
        "{mixed:#}"
    );
    let cfg_line = line_of(&cfgs[0], "set peer 172.16.6.2");
    assert!(cites(&mixed, "evidence-contradiction", &cfgs[0], cfg_line));
}

#[test]
fn an_identity_refusal_cites_the_identity_list_the_device_shows() {
    // Example 8-90 (Tokyo's debug) with 8-91/8-92 (its crypto map and identity list).
    let log = fixture("logs/book/8-90-tokyo-quickmode-bad-cert.log");
    let show = fixture("logs/book-show/tokyo-8-91-92-show-crypto-map-identity.txt");
    let (_, r) = run(&[log, show.clone()]);
    assert_eq!(r["verdict"], "identity-not-permitted");
    let line = line_of(&show, "fqdn Niigata.mjlnet.com");
    assert!(cites(&r, "identity-not-permitted", &show, line), "{r:#}");
    let f = &r["findings"][0];
    assert!(
        f["summary"]
            .as_str()
            .unwrap()
            .contains("fqdn Niigata.mjlnet.com")
    );
}
