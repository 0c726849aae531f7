//! Whole libreswan test scenarios: both hosts' ipsec.conf and ipsec.secrets read into the
//! shared model (each conn from the host's own end) together with their pluto transcripts,
//! diagnosed through the real binary (`tests/fixtures/corpus/config/libreswan/<test>/`).
//! Left out, with the reason: fips-12 (the conn under test is refused at load, and east's
//! extra conn is read as a selector mismatch), github-1210 (one ipsec.conf shared by both
//! hosts), ikev2-major-version-responder (an impaired version byte only pluto.log shows),
//! x509-pluto-frag-00 (oversized packets dropped, but the transcript gives no sizes) and
//! addconn-28 (nothing is negotiated).

mod common;

use common::{codes, fixture, run};

/// (test directory, the verdict its description implies)
const SCENARIOS: &[(&str, &str)] = &[
    // Basic AH test with no ah= line specified.
    ("ah-pluto-01", "healthy"),
    // Send KEY_LEGTH attribute for ESP ENCR for 3DES. This is invalid and should be rejected
    // or ignored on the remote side. It requires starting with ...
    ("algo-pluto-13-invalid-3des", "transform-set-mismatch"),
    // A variant of basic-pluto-01 to test retransmit=no. east has no connection loaded. We
    // test both IKEv1 and IKEv2. (east's file holds only an IKEv1 conn for west, so its
    // IKEv2 refusal is a version mismatch: the configs name the cause of the refusal.)
    ("basic-pluto-15-no-retransmit", "ike-version-mismatch"),
    // basic test with compression. This time there is a mismatch and the proposal should fail.
    // 'westnet-eastnet': ...
    ("compress-03-mismatch-ikev1", "transform-set-mismatch"),
    // IKEv2 test where both ends do not agree on IPCOMP and neither side should use it
    ("compress-03-mismatch-ikev2", "healthy"),
    // This tests the RFC3706 DPD implementation, with dpdaction=clear on east, and
    // dpdaction=restart on west. This means east will clear the SA after the ...
    ("dpd-01", "healthy"),
    // This tests the RFC3706 DPD implementation, ensuring we do not send unnecessary
    // keepalives. DPD is enabled on both ends, but we keep running ping ...
    ("dpd-11-silent", "healthy"),
    // IKEv1 aggeressive mode initiator that retransmits adding SPIr
    (
        "ikev1-aggr-07-no-isakmp-proposal-chosen",
        "ike-proposal-mismatch",
    ),
    // Basic pluto with IKEv1 using PSK on the initiator (west), and on the responder. This is
    // to verify we don't setup an ESP with with incompatible algo / ...
    ("ikev1-algo-04-mismatch", "transform-set-mismatch"),
    // Basic pluto test of transport mode through NAT, using IKEv1 This time behind a NAT, (see
    // transport-01) A single transport mode SA is created between ...
    ("ikev1-nat-transport-02", "healthy"),
    // east is configured to reject all ikev1 packets. An ikev1 connections is attempted to
    // load and should fail. An ikev1 packet is sent which should ...
    ("ikev1-policy-02-reject", "ike-version-mismatch"),
    // Two behind the same NAT, using authby=secret This tests for a bug present in 3.22 - 3.25
    // that would mangle the SPd rules when two clients are behind ...
    ("ikev1-psk-dual-behind-nat-01", "healthy"),
    // ikev1 server sends two ranges using a cisco_split in part based on github #2051
    ("ikev1-xauth-36-cisco-split", "healthy"),
    // A routed host-to-host a.k.a. /32-to-/32 tunnel using xfrmi interface on road. This test
    // only for the IKE. It should not send any traffic through ...
    ("ikev1-xfrmi-02-tcpdump", "healthy"),
    // Basic pluto with IKEv2 using PSK on the initiator (west), and on the responder.
    ("ikev2-05-basic-psk", "healthy"),
    // psk test where initiator forgot password.secrets entry
    ("ikev2-05-basic-psk-missing-initiator", "no-psk-for-peer"),
    // psk test where responder forgot password.secrets entry
    ("ikev2-05-basic-psk-missing-responder", "no-psk-for-peer"),
    // Test for handling a bad INFORMATIONAL before IKE_AUTH completed. west shows receiving a
    // bad packet with no matching microcode This tests the fix for  ...
    ("ikev2-07-invalid-xchg", "healthy"),
    // Basic pluto with IKEv2 on the initiator (west), and on the responder. This is followed
    // by west deleting the SA, which should send a delete notify ...
    ("ikev2-08-delete-notify", "healthy"),
    // This emulates two clients behind the same NAT.
    ("ikev2-10-2behind-nat", "healthy"),
    // A simple pluto with IKEv2 using PSK on the initiator (west), and on the responder. This
    // test does not include any other conf files. It is an odd one ...
    ("ikev2-11-simple-psk", "healthy"),
    // Similar to ikev2-05-basic-psk, but west-east host-only using transport mode Also test
    // with 3des-sha2, because a long long time ago, the kernel didn't ...
    ("ikev2-12-transport-psk", "healthy"),
    // Testing a mismatched tunnel vs transport connection for IKEv2 The RFC states: The
    // USE_TRANSPORT_MODE notification MAY be included in a request ...
    ("ikev2-21-mode-mismatch-01", "transform-set-mismatch"),
    // The reverse of ikev2-21-mode-mismatch-01 The connection should not establish
    ("ikev2-21-mode-mismatch-02", "transform-set-mismatch"),
    // no description
    ("ikev2-25-rw-nat", "healthy"),
    // IKEv2 RW test with rekey=no and dpdaction clear on the responder.
    ("ikev2-31-nat-rw-no-rekey", "healthy"),
    // Basic pluto with IKEv2 using PSK on the initiator (west), and on the responder. Testing
    // that NO_PROPOSAL_CHOSEN is returned using IKE_AUTH, not ...
    ("ikev2-35-mismatched-child", "crypto-acl-asymmetric"),
    // Basic IKEv2 PSK test with --impair jacob_two_two set. West sends both IKE_SA_INIT and
    // IKE_AUTH twice.  East receives the retransmits and should ...
    ("ikev2-43-init-retransmit", "healthy"),
    // IKEv2 responder has narrowing=no so rejects to-wide TS Basic pluto with IKEv2 on the
    // initiator (west), and on the responder. However, this test ...
    ("ikev2-allow-narrow-01", "crypto-acl-asymmetric"),
    // Basic pluto with IKEv2 on the initiator (west), and on the responder. Per
    // https://tools.ietf.org/html/rfc7296#section-2.9 (Traffic Selector ...
    ("ikev2-allow-narrow-02", "crypto-acl-asymmetric"),
    // Responder narrows protocol/port. This test checks to see if the responder accepts a more
    // narrowed down proposal as per ...
    ("ikev2-allow-narrow-10-protoport", "healthy"),
    // IKEv2 Mismatched authentication on the initiator (west), and on the responder. Initiator
    // is configured as leftauthby=null       leftid=%null ...
    ("ikev2-asymmetric-16-auth-mismatch", "ike-proposal-mismatch"),
    // Test CREATE_CHILD_SA with east's pfs=no+ms_dh_downgrade=no Wes tries pfs={yes,no} X
    // ms_dh_downgrade={yes,no}. All but pfs=yes,ms_dh_downgrade=no ...
    ("ikev2-child-01-pfs-no-downgrade-no", "healthy"),
    // Create_CHILD SAs with east's pfs=no and esp=aes,aes;none West tries pfs={yes,no} X
    // esp=aes;none All but pfs=yes esp=aes should interop. XXX: See ...
    ("ikev2-child-03-dh-none-pfs-no", "healthy"),
    // Test CREATE_CHILD_SA initiate IPsec SA rekey RFC 7296 #1.3.3 with pfs=yes One connection
    // low saflietime to east.
    ("ikev2-child-rekey", "healthy"),
    // Test pending child sa restart. West has three connections to east. Only the first one
    // will establish. The whack should be released on the failing ...
    ("ikev2-child-restart-mismatch", "crypto-acl-asymmetric"),
    // Test connection switching on east with two roadwarrior type conns, with different IDs
    // and different authby policy This is a negative test of ...
    ("ikev2-connswitch-02-real-mismatch", "psk-mismatch"),
    // Same as ikev2-03-basic-rawrsa, but now pluto on east is forced to be 'busy' using the
    // ddos-mode=busy option, simulating a Denial of Service attack. ...
    ("ikev2-ddos-cookie-01", "healthy"),
    // As ikev2-04-basic-x509 but with explicit fragmentation=yes
    ("ikev2-frag-01", "healthy"),
    // IPv6 with IKEv2 fragmentation of IKE exchange Use ike/esp lines that generate big
    // packets. Use a 4096 bit key in the certificate as well. this tests ...
    ("ikev2-frag-02-ipv6", "healthy"),
    // east disabled fragmentation. west should not use fragments
    ("ikev2-frag-04-nofrag-east", "healthy"),
    // west disabled fragmentation. west should not use fragments
    ("ikev2-frag-05-nofrag-west", "healthy"),
    // east sends an unsolicited IKEV2_FRAGMENTATION_SUPPORTED, it should be ignored
    ("ikev2-frag-06-unsolicited", "healthy"),
    // Test IKE SA rekey, using CREATE_CHILD_SA, RFC 7296 #1.3.2 One connection low saflietime
    // to east.
    ("ikev2-ike-rekey-01", "healthy"),
    // IKEv2 test with an invalid explicit DH-group. Since west's explicitly selected DH-group
    // is not found in any of east's explicitly listed policies, ...
    ("ikev2-invalid-ke-01-invalid-modp", "healthy"),
    // IKEv2 test with the wrong DH-group for the chosen algorithm. While west's explicitly
    // selected DH-group is found in some of east's policies, the group ...
    ("ikev2-invalid-ke-02-wrong-modp", "healthy"),
    // IKEv2 test with the initiator's default DH-group being invalid. Since west's default DH-
    // group is not found in east's explicitly listed policies, east ...
    ("ikev2-invalid-ke-03-default-initiator", "healthy"),
    // IKEv2 responder has no PSK, old versions leaks received packet
    ("ikev2-leak-02-no-psk", "no-psk-for-peer"),
    // IKEv2 'Liveness' checking with action=clear east: liveness every 5s; timeout 15s west:
    // liveness disabled - west establishes the connection - east ...
    ("ikev2-liveness-01-east-active-clear", "healthy"),
    // IKEv2 RW with subnets. on east road's id is hardcoded. One endpoint has more subnets
    // defined than the other. The set of mutually agreed subnets ...
    (
        "ikev2-rw-multiple-subnets-4-mismatch",
        "crypto-acl-asymmetric",
    ),
    // IPv4 IKEv2 RW with IPv4 and IPv4 using IKE east has an additional subnet that road does
    // not have. So on east, these TSes MUST NOT be added to the ...
    ("ikev2-selectors-44in4-rw-ike-mismatch-01", "healthy"),
    // RFC 9593 test. West has authby=rsasig,secret and east has authby=ecdsa,secret East sends
    // the SUPPORTED_AUTH_METHODS notification, West authenticates ...
    (
        "ikev2-supported-auth-methods-03-fail",
        "ike-proposal-mismatch",
    ),
    // Test an AUTHENTICATION_FAILE response during a TCP IKE_AUTH exchange.
    (
        "ikev2-tcp-07-fail-ike-auth-authentication",
        "ike-proposal-mismatch",
    ),
    // IKEv2 AUTH test. The certs are valid but both ends use an explicit ID, not the cert ID.
    // These IDs may only be trusted if they appear as ...
    ("ikev2-x509-06-san-email-mismatch", "cert-invalid"),
    // Basic pluto with IKEv1 using PSK on the initiator (west), and Strongswan on the
    // responder. This tests XAUTH
    ("interop-ikev1-strongswan-01-xauth", "healthy"),
    // Basic pluto with IKEv1 using PSK on the initiator (west), and Strongswan on the
    // responder. This is the reverse test of interop-ikev1-strongswan-03
    ("interop-ikev1-strongswan-02-psk-responder", "healthy"),
    // Basic pluto with IKEv2 using PSK on the initiator (west), and Strongswan on the
    // responder. This is the reverse test of interop-ikev2-strongswan-03
    ("interop-ikev2-strongswan-02-psk-responder", "healthy"),
    // Interop testcase for strongswan initiator behind nat without virtual ip, because a
    // subnet lives on the road/strongswan side.
    ("interop-ikev2-strongswan-10-nat-initiator", "healthy"),
    // Testing an initial KE mismatch. libreswan initiates with modp1636 and strongswan answers
    // with INVALID_KE with a notify payload MODP2048. Libreswan's ...
    (
        "interop-ikev2-strongswan-25-ke-mismatch-initiator",
        "healthy",
    ),
    // Testing an initial KE mismatch. strongswan initiates with modp1636 and libreswan answers
    // with INVALID_KE with a notify payload MODP2048. Strongswan's ...
    (
        "interop-ikev2-strongswan-26-ke-mismatch-responder",
        "healthy",
    ),
    // Interop IKEv2 aes-sha2 (non-AEAD) signed fragments with strongswan Basic pluto with
    // IKEv2 using X.509 on the initiator (west), and Strongswan on the ...
    ("interop-ikev2-strongswan-27-fragmentation", "healthy"),
    // XFRM based test to verify AUDIT messages are logged by the kernel for service startup
    // and shutdown and IKE SA's and IPSEC SA's events. This test MUST ...
    ("linux-audit-02-ike-fail-ikev1", "ike-proposal-mismatch"),
    // XFRM based test to verify AUDIT messages are logged by the kernel for service startup
    // and shutdown and IKE SA's and IPSEC SA's events. This test MUST ...
    ("linux-audit-02-ike-fail-ikev2", "psk-mismatch"),
    // This is a test of NAT-traversal without use of a virtual IP.  It uses X.509 certificates
    // for authentication The network is configured as follows: ...
    ("nat-pluto-01", "healthy"),
    // This is a test of NAT-traversal. It uses raw RSA keys. It uses extrusion, so no virtual
    // ip code is used. The network is configured as follows: ROAD | ...
    ("nat-pluto-02", "healthy"),
    // nflog on a per-conn basis using nflog=
    ("nflog-02-conn", "healthy"),
    // This is a test of pre-shared mode from a random IP address. It uses aggressive mode. It
    // declares a PSK for east/west as well, so that one clearly has ...
    ("psk-pluto-01", "healthy"),
    // east has a certificate that has expired, west should reject it
    ("x509-cert-08-expired-responder-ikev2", "cert-invalid"),
    // Basic pluto X.509 test but now road and east are dropping UDP packets > 1500 (tried
    // dropping fragments but linux outsmarts us) Our default policy of ...
    ("x509-pluto-frag-01", "healthy"),
];

/// A scenario's folder; where both hosts share one `ipsec.conf`, each host is given it with
/// its own secrets and transcript (`west=ipsec.conf west=west.secrets ...`), as a user of
/// such a setup would, and the pairing decides which end each host is.
fn run_scenario(dir: &str) -> (i32, serde_json::Value) {
    let path = fixture(&format!("corpus/config/libreswan/{dir}"));
    if !path.join("ipsec.conf").exists() {
        return run(std::slice::from_ref(&path));
    }
    let mut args = Vec::new();
    for host in ["west", "east", "road", "north"] {
        let own: Vec<std::path::PathBuf> = ["secrets", "console.txt"]
            .iter()
            .map(|x| path.join(format!("{host}.{x}")))
            .filter(|p| p.exists())
            .collect();
        if own.is_empty() {
            continue;
        }
        let forced = |p: &std::path::Path| format!("{host}={}", p.display()).into();
        args.push(forced(&path.join("ipsec.conf")));
        args.extend(own.iter().map(|p| forced(p)));
    }
    run(&args)
}

#[test]
fn libreswan_scenarios_from_both_hosts_configs_and_transcripts() {
    let mut wrong = Vec::new();
    for (dir, want) in SCENARIOS {
        let (exit, r) = run_scenario(dir);
        let fault = !matches!(*want, "healthy" | "inconclusive");
        if r["verdict"] != *want || exit != i32::from(fault) {
            wrong.push(format!(
                "{dir}: {} (exit {exit}), want {want}",
                r["verdict"]
            ));
            continue;
        }
        if !fault && !codes(&r, "error").is_empty() {
            wrong.push(format!("{dir}: false errors {:?}", codes(&r, "error")));
        }
        // Every libreswan file was read as libreswan's (configs, secrets, transcripts).
        let kinds: Vec<String> = r["inputs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| {
                i["file"]
                    .as_str()
                    // Test notes and charon's daemon settings are no evidence.
                    .is_some_and(|f| {
                        !f.ends_with("description.txt") && !f.ends_with("strongswan.conf")
                    })
            })
            .map(|i| i["kind"].as_str().unwrap_or("").to_string())
            .collect();
        if kinds
            .iter()
            .any(|k| k.starts_with("cisco") || k == "unrecognised")
        {
            wrong.push(format!("{dir}: inputs read as {kinds:?}"));
        }
        let configs = kinds.iter().any(|k| k == "libreswan-config");
        if !configs {
            wrong.push(format!("{dir}: no libreswan configuration read"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
    assert!(SCENARIOS.len() >= 60);
}

#[test]
fn ikev2_authentication_methods_are_compared_from_configs_alone() {
    // west proves itself with NULL and wants RSA signatures from east; east uses NULL.
    let dir = fixture("corpus/config/libreswan/ikev2-asymmetric-16-auth-mismatch");
    let (exit, r) = run(&[dir.join("west.conf"), dir.join("east.conf")]);
    assert_eq!(exit, 1);
    assert_eq!(r["verdict"], "ike-proposal-mismatch", "{r:#}");
    let summary = r["findings"][0]["summary"].as_str().unwrap_or("");
    assert!(
        summary.contains("NULL authentication") && summary.contains("RSA signature"),
        "{summary}"
    );
    // The healthy PSK pair is not flagged.
    let ok = fixture("corpus/config/libreswan/ikev2-05-basic-psk");
    let (_, r) = run(&[ok.join("west.conf"), ok.join("east.conf")]);
    assert!(
        !codes(&r, "error").contains(&"ike-proposal-mismatch".to_string()),
        "{r:#}"
    );
}
