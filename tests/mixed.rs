//! A Cisco IOS gateway against a real strongSwan one: the same engine, proposals and keys
//! compared across vendors (tests/fixtures/mixed/README.md).

mod common;

use common::{cites, codes, fixture, line_of, run};

#[test]
fn ios_against_strongswan_is_healthy_when_they_agree() {
    let (exit, r) = run(&[
        fixture("mixed/left-ios.cfg"),
        fixture("lab/healthy-v2/right/swanctl.conf"),
    ]);
    assert_eq!(exit, 0, "{r:#}");
    assert_eq!(r["verdict"], "healthy");
    assert_eq!(r["directions"].as_array().unwrap().len(), 2);
}

#[test]
fn ios_against_strongswan_names_the_proposal_difference_in_both_syntaxes() {
    let ios = fixture("mixed/left-ios-proposal-mismatch.cfg");
    let swan = fixture("lab/healthy-v2/right/swanctl.conf");
    let (_, r) = run(&[ios.clone(), swan.clone()]);
    assert_eq!(r["verdict"], "ike-proposal-mismatch", "{r:#}");
    assert_eq!(
        codes(&r, "error"),
        vec!["ike-proposal-mismatch".to_string()]
    );
    assert!(cites(
        &r,
        "ike-proposal-mismatch",
        &ios,
        line_of(&ios, "encryption aes-cbc-128")
    ));
    assert!(cites(
        &r,
        "ike-proposal-mismatch",
        &swan,
        line_of(&swan, "    proposals = aes256-sha256-modp2048")
    ));
    // The strongSwan side's key never shows.
    assert!(!r.to_string().contains("lab-secret-1"));
}

/// The libreswan side, with one line of its ipsec.conf changed (or none): a temporary copy
/// named like the original, so that its host is still `right`.
fn libreswan_variant(from: &str, to: &str) -> std::path::PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "ipsec-doctor-mixed-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["right-libreswan.conf", "right-libreswan.secrets"] {
        let text = std::fs::read_to_string(fixture(&format!("mixed/{name}"))).unwrap();
        assert!(from.is_empty() || text.contains(from) || !name.ends_with(".conf"));
        std::fs::write(
            dir.join(name.replace("right-libreswan", "right")),
            text.replace(from, to),
        )
        .unwrap();
    }
    dir
}

#[test]
fn ios_against_libreswan_is_healthy_when_they_agree() {
    let dir = libreswan_variant("", "");
    let (exit, r) = run(&[fixture("mixed/left-ios.cfg"), dir.clone()]);
    assert_eq!(exit, 0, "{r:#}");
    assert_eq!(r["verdict"], "healthy");
    assert_eq!(r["directions"].as_array().unwrap().len(), 2, "{r:#}");
    let right = r["peers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "right")
        .cloned()
        .unwrap();
    assert_eq!(right["platform"], "libreswan");
    assert_eq!(
        right["addresses"][0], "203.0.113.1",
        "the right end is this host"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn ios_against_libreswan_each_fix_in_its_own_syntax_and_end() {
    // The ESP proposal differs: IOS gets a transform set, libreswan an `esp=` line.
    let dir = libreswan_variant("esp=aes256-sha2_256", "esp=aes128-sha1");
    let conf = dir.join("right.conf");
    let (_, r) = run(&[fixture("mixed/left-ios.cfg"), dir.clone()]);
    assert_eq!(r["verdict"], "transform-set-mismatch", "{r:#}");
    assert!(cites(
        &r,
        "transform-set-mismatch",
        &conf,
        line_of(&conf, "esp=aes128-sha1")
    ));
    let fixes = r.to_string();
    assert!(fixes.contains("esp=aes256-sha2_256"), "{r:#}");
    assert!(fixes.contains("crypto ipsec transform-set"), "{r:#}");
    assert!(fixes.contains("ipsec auto --replace lab"), "{r:#}");
    let _ = std::fs::remove_dir_all(&dir);

    // Selectors: this host is `right`, so its own networks are `rightsubnet=`.
    let dir = libreswan_variant("leftsubnet=192.0.2.0/26", "leftsubnet=192.0.2.0/27");
    let (_, r) = run(&[fixture("mixed/left-ios.cfg"), dir.clone()]);
    assert_eq!(r["verdict"], "crypto-acl-asymmetric", "{r:#}");
    let text = r.to_string();
    assert!(text.contains("rightsubnet=192.0.2.64/26"), "{r:#}");
    assert!(text.contains("leftsubnet=192.0.2.0/26"), "{r:#}");
    let _ = std::fs::remove_dir_all(&dir);

    // Keys: compared, never printed.
    let dir = libreswan_variant("", "");
    std::fs::write(
        dir.join("right.secrets"),
        "@left.example @right.example : PSK \"another-secret\"\n",
    )
    .unwrap();
    let (_, r) = run(&[fixture("mixed/left-ios.cfg"), dir.clone()]);
    assert_eq!(r["verdict"], "psk-mismatch", "{r:#}");
    let text = r.to_string();
    assert!(!text.contains("another-secret") && !text.contains("lab-secret-1"));
    let _ = std::fs::remove_dir_all(&dir);
}
