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
