//! libreswan/Openswan pluto output: the corpus' expected console transcripts (real
//! libreswan testing/pluto output, `tests/fixtures/corpus/config/libreswan/<test>/`) and the
//! Openswan capture case lp06, through the real binary.
//!
//! Each transcript is diagnosed alone, as a user pasting one host's console would: the verdict
//! is what that host's own lines say (the configurations next to it are for the directory-level
//! reading).

mod common;

use common::{codes, fixture, run};

/// (test directory, host whose `<host>.console.txt` is read, the verdict its test implies).
/// Each comment quotes or paraphrases the test's description.txt.
const TRANSCRIPTS: &[(&str, &str, &str)] = &[
    // "test fragmentation using whack and addconn": connections are only loaded, nothing is
    // negotiated, so there is nothing to judge.
    ("addconn-28-fragmentation", "west", "inconclusive"),
    // "Basic AH test with no ah= line specified": the AH tunnel comes up on both ends.
    ("ah-pluto-01", "east", "healthy"),
    ("ah-pluto-01", "west", "healthy"),
    // "simple test but we create a plaintext packet leak. Our tests should catch this as a
    // failure": the failure is the leak west makes on purpose once the tunnel is up (`ip xfrm
    // policy flush`), which east's xfrmcheck counts (XfrmInTmplMismatch); no cause code names
    // a leak. What both transcripts say of IPsec is that it came up: west's ISAKMP and IPsec
    // SAs established with 84 bytes each way, both ESP SAs in each kernel. Each holds an
    // `ipsec status` dump (`interface eth1 192.1.2.45:UDP/500` lines): pluto output, not an
    // IOS configuration.
    ("basic-pluto-01-failtest", "east", "healthy"),
    ("basic-pluto-01-failtest", "west", "healthy"),
    // "Send KEY_LENGTH attribute for ESP ENCR for 3DES ... should be rejected": quick mode is
    // never answered once the ISAKMP SA is up ("perhaps peer likes no proposal").
    (
        "algo-pluto-13-invalid-3des",
        "west",
        "transform-set-mismatch",
    ),
    // "east has no connection loaded": IKEv2 gets NO_PROPOSAL_CHOSEN.
    (
        "basic-pluto-15-no-retransmit",
        "west",
        "ike-proposal-mismatch",
    ),
    // "compression ... mismatch and the proposal should fail": quick mode given up unanswered.
    (
        "compress-03-mismatch-ikev1",
        "west",
        "transform-set-mismatch",
    ),
    // "both ends do not agree on IPCOMP and neither side should use it": up without IPCOMP.
    ("compress-03-mismatch-ikev2", "east", "healthy"),
    ("compress-03-mismatch-ikev2", "west", "healthy"),
    // RFC 3706 DPD with traffic cut and restored: the tunnel is re-established.
    ("dpd-01", "east", "healthy"),
    ("dpd-01", "west", "healthy"),
    // DPD must stay silent while traffic flows; the tunnel is up and rekeys.
    ("dpd-11-silent", "west", "healthy"),
    // "create a child-sa with weak DH. Should be rejected": FIPS refuses to load that
    // connection; the one tunnel negotiated is up.
    ("fips-12-ikev2-esp-dh-wrong", "west", "healthy"),
    // "ikev1 quick mode with mismatched subnets ... reproduce github/1210": the expected
    // output records the SA being established (the bug), so the transcripts show a tunnel up.
    ("github-1210-ikev1-quick-mismatch", "east", "healthy"),
    ("github-1210-ikev1-quick-mismatch", "road", "healthy"),
    // Aggressive mode answered by NO_PROPOSAL_CHOSEN, then timing out: the refusal decides.
    (
        "ikev1-aggr-07-no-isakmp-proposal-chosen",
        "west",
        "ike-proposal-mismatch",
    ),
    // "an 3des<->aes mismatched ESP proposal ... rejected": east sends the encrypted
    // NO_PROPOSAL_CHOSEN for quick mode, west ignores it and gives up.
    ("ikev1-algo-04-mismatch", "east", "transform-set-mismatch"),
    ("ikev1-algo-04-mismatch", "west", "transform-set-mismatch"),
    // Transport mode through NAT, IKEv1: the SA is established.
    ("ikev1-nat-transport-02", "north", "healthy"),
    // "east is configured to reject all ikev1 packets ... reply with INVALID_MAJOR".
    ("ikev1-policy-02-reject", "east", "ike-version-mismatch"),
    ("ikev1-policy-02-reject", "west", "ike-version-mismatch"),
    // "Two behind the same NAT, using authby=secret": both clients come up.
    ("ikev1-psk-dual-behind-nat-01", "east", "healthy"),
    ("ikev1-psk-dual-behind-nat-01", "north", "healthy"),
    ("ikev1-psk-dual-behind-nat-01", "road", "healthy"),
    // "ikev1 server sends two ranges using a cisco_split": XAUTH, mode-config and the SA work.
    ("ikev1-xauth-36-cisco-split", "east", "healthy"),
    ("ikev1-xauth-36-cisco-split", "road", "healthy"),
    // Routed /32 tunnel on an xfrmi interface, "only for the IKE": up, no traffic sent.
    ("ikev1-xfrmi-02-tcpdump", "east", "healthy"),
    ("ikev1-xfrmi-02-tcpdump", "road", "healthy"),
    // "Basic pluto with IKEv2 using PSK": up (east: its kernel holds both ESP SAs).
    ("ikev2-05-basic-psk", "east", "healthy"),
    ("ikev2-05-basic-psk", "west", "healthy"),
    // "psk test where initiator forgot password.secrets entry".
    (
        "ikev2-05-basic-psk-missing-initiator",
        "west",
        "no-psk-for-peer",
    ),
    // "psk test where responder forgot password.secrets entry": seen from the initiator, the
    // responder refuses its authentication.
    (
        "ikev2-05-basic-psk-missing-responder",
        "west",
        "psk-mismatch",
    ),
    // "a bad INFORMATIONAL before IKE_AUTH completed" from an impaired responder: the peer
    // answers, but not with IKE_AUTH; no configuration fault to name.
    ("ikev2-07-invalid-xchg", "west", "inconclusive"),
    // Tunnel up, then deleted on purpose with a delete notify.
    ("ikev2-08-delete-notify", "west", "healthy"),
    // "two clients behind the same NAT": both come up.
    ("ikev2-10-2behind-nat", "east", "healthy"),
    ("ikev2-10-2behind-nat", "north", "healthy"),
    ("ikev2-10-2behind-nat", "road", "healthy"),
    // "A simple pluto with IKEv2 using PSK".
    ("ikev2-11-simple-psk", "east", "healthy"),
    ("ikev2-11-simple-psk", "west", "healthy"),
    // Host-to-host transport mode with 3des-sha2, then a child rekey.
    ("ikev2-12-transport-psk", "east", "healthy"),
    ("ikev2-12-transport-psk", "west", "healthy"),
    // Tunnel vs transport mode: west refuses east's tunnel-mode answer (NO_PROPOSAL_CHOSEN).
    (
        "ikev2-21-mode-mismatch-01",
        "west",
        "transform-set-mismatch",
    ),
    // "The reverse of ikev2-21-mode-mismatch-01": east refuses the child SA.
    (
        "ikev2-21-mode-mismatch-02",
        "west",
        "transform-set-mismatch",
    ),
    // Road warrior behind NAT: up.
    ("ikev2-25-rw-nat", "road", "healthy"),
    // "RW test with rekey=no and dpdaction clear on the responder": up, then cut on purpose.
    ("ikev2-31-nat-rw-no-rekey", "road", "healthy"),
    // "NO_PROPOSAL_CHOSEN is returned using IKE_AUTH" for the mismatched subnets:
    // TS_UNACCEPTABLE.
    ("ikev2-35-mismatched-child", "west", "crypto-acl-asymmetric"),
    // "West sends both IKE_SA_INIT and IKE_AUTH twice": duplicates are harmless; up.
    ("ikev2-43-init-retransmit", "west", "healthy"),
    // "responder has narrowing=no so rejects too-wide TS".
    ("ikev2-allow-narrow-01", "west", "crypto-acl-asymmetric"),
    // "the initiator has narrowing=no, it should reject the CHILD_SA" narrowed by east.
    ("ikev2-allow-narrow-02", "west", "crypto-acl-asymmetric"),
    // "Responder narrows protocol/port ... it should accept the narrowed proposal".
    ("ikev2-allow-narrow-10-protoport", "east", "healthy"),
    ("ikev2-allow-narrow-10-protoport", "west", "healthy"),
    // "Mismatched authentication": west wants RSASIG, east authenticates with NULL.
    (
        "ikev2-asymmetric-16-auth-mismatch",
        "west",
        "ike-proposal-mismatch",
    ),
    // CREATE_CHILD_SA with pfs / DH downgrade combinations that interoperate: all up.
    ("ikev2-child-01-pfs-no-downgrade-no", "west", "healthy"),
    ("ikev2-child-03-dh-none-pfs-no", "west", "healthy"),
    // Child SA rekeys: up throughout.
    ("ikev2-child-rekey", "east", "healthy"),
    ("ikev2-child-rekey", "west", "healthy"),
    // "three connections to east. Only the first one will establish": the others get
    // TS_UNACCEPTABLE.
    (
        "ikev2-child-restart-mismatch",
        "west",
        "crypto-acl-asymmetric",
    ),
    // "a different authby= and the connection MUST NOT switch ... MUST fail": the second
    // connection's authentication is refused although the first is up.
    ("ikev2-connswitch-02-real-mismatch", "west", "psk-mismatch"),
    // "east ... forced to be busy ... request for a dcookie": the COOKIE round trip works.
    ("ikev2-ddos-cookie-01", "east", "healthy"),
    ("ikev2-ddos-cookie-01", "west", "healthy"),
    // IKEv2 fragmentation of large certificate exchanges: up.
    ("ikev2-frag-01", "east", "healthy"),
    ("ikev2-frag-01", "west", "healthy"),
    ("ikev2-frag-02-ipv6", "east", "healthy"),
    ("ikev2-frag-02-ipv6", "west", "healthy"),
    // Fragmentation disabled on one end: no fragments, still up.
    ("ikev2-frag-04-nofrag-east", "west", "healthy"),
    ("ikev2-frag-05-nofrag-west", "west", "healthy"),
    // "unsolicited IKEV2_FRAGMENTATION_SUPPORTED, it should be ignored": up.
    ("ikev2-frag-06-unsolicited", "east", "healthy"),
    ("ikev2-frag-06-unsolicited", "west", "healthy"),
    // IKE SA rekey with CREATE_CHILD_SA: up throughout.
    ("ikev2-ike-rekey-01", "east", "healthy"),
    ("ikev2-ike-rekey-01", "west", "healthy"),
    // INVALID_KE with the suggested group, retried and then established: not a fault.
    ("ikev2-invalid-ke-01-invalid-modp", "east", "healthy"),
    ("ikev2-invalid-ke-01-invalid-modp", "west", "healthy"),
    ("ikev2-invalid-ke-02-wrong-modp", "east", "healthy"),
    ("ikev2-invalid-ke-02-wrong-modp", "west", "healthy"),
    ("ikev2-invalid-ke-03-default-initiator", "east", "healthy"),
    ("ikev2-invalid-ke-03-default-initiator", "west", "healthy"),
    // "responder has no PSK": AUTHENTICATION_FAILED seen from the initiator.
    ("ikev2-leak-02-no-psk", "west", "psk-mismatch"),
    // Liveness test: west establishes, answers probes, then is stopped on purpose.
    ("ikev2-liveness-01-east-active-clear", "west", "healthy"),
    // "higher major version number on the responder. The connection should fail": west's
    // console only shows its IKE_SA_INIT never answered (the bumped reply is dropped in
    // pluto.log, not on the console), so it reads as IKE not getting through.
    ("ikev2-major-version-responder", "west", "ike-blocked"),
    // "One endpoint has more subnets ... the set of mutually agreed subnets should still
    // establish": east is up; road sees its two extra subnets refused (TS_UNACCEPTABLE).
    ("ikev2-rw-multiple-subnets-4-mismatch", "east", "healthy"),
    (
        "ikev2-rw-multiple-subnets-4-mismatch",
        "road",
        "crypto-acl-asymmetric",
    ),
    // "east has an additional subnet that road does not have": the agreed ones are up.
    (
        "ikev2-selectors-44in4-rw-ike-mismatch-01",
        "east",
        "healthy",
    ),
    (
        "ikev2-selectors-44in4-rw-ike-mismatch-01",
        "road",
        "healthy",
    ),
    // "East will authenticate using ecdsa and the authentication will fail": west's policy
    // does not allow ECDSA.
    (
        "ikev2-supported-auth-methods-03-fail",
        "west",
        "ike-proposal-mismatch",
    ),
    // AUTHENTICATION_FAILED over TCP: west refuses the only (legacy RSA-SHA1) method east
    // supports before sending IKE_AUTH.
    (
        "ikev2-tcp-07-fail-ike-auth-authentication",
        "west",
        "ike-proposal-mismatch",
    ),
    // "NOTeast@testing.libreswan.org is not an email address listed as SAN ... should fail".
    ("ikev2-x509-06-san-email-mismatch", "west", "cert-invalid"),
    // Interop with strongSwan (XAUTH, PSK, NAT, INVALID_KE retried, fragmentation): all up.
    ("interop-ikev1-strongswan-01-xauth", "west", "healthy"),
    (
        "interop-ikev1-strongswan-02-psk-responder",
        "east",
        "healthy",
    ),
    (
        "interop-ikev1-strongswan-02-psk-responder",
        "west",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-02-psk-responder",
        "east",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-02-psk-responder",
        "west",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-10-nat-initiator",
        "east",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-10-nat-initiator",
        "road",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-25-ke-mismatch-initiator",
        "east",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-25-ke-mismatch-initiator",
        "west",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-26-ke-mismatch-responder",
        "east",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-26-ke-mismatch-responder",
        "west",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-27-fragmentation",
        "east",
        "healthy",
    ),
    (
        "interop-ikev2-strongswan-27-fragmentation",
        "west",
        "healthy",
    ),
    // Audit test of failures: "ike mismatch on purpose" (NO_PROPOSAL_CHOSEN), then an
    // aggressive mode with a zeroed peer key (signature check fails).
    (
        "linux-audit-02-ike-fail-ikev1",
        "west",
        "ike-proposal-mismatch",
    ),
    // IKEv2 failure case: east refuses west's PSK authentication.
    ("linux-audit-02-ike-fail-ikev2", "west", "psk-mismatch"),
    // NAT traversal without virtual IP, with certificates / raw RSA keys: up.
    ("nat-pluto-01", "north", "healthy"),
    ("nat-pluto-02", "east", "healthy"),
    ("nat-pluto-02", "road", "healthy"),
    // nflog per connection: the tunnel is up.
    ("nflog-02-conn", "west", "healthy"),
    // "pre-shared mode from a random IP address ... aggressive mode": up.
    ("psk-pluto-01", "east", "healthy"),
    ("psk-pluto-01", "road", "healthy"),
    // "east has a certificate that has expired, west should reject it"; east's own console
    // warns its certificate has expired.
    (
        "x509-cert-08-expired-responder-ikev2",
        "east",
        "cert-invalid",
    ),
    (
        "x509-cert-08-expired-responder-ikev2",
        "west",
        "cert-invalid",
    ),
    // "dropping UDP packets > 1500 ... policies forbid IKE fragmentation ... the UDP packet will
    // be lost": main mode 1-4 are answered, message 5 (with the certificate) never is. The
    // console gives no message sizes, so it cannot tell lost fragments from a refused key.
    ("x509-pluto-frag-00", "road", "inconclusive"),
    // "Our default policy of fragmentation=yes should kick in ... establish successfully".
    ("x509-pluto-frag-01", "road", "healthy"),
];

/// The interop transcripts whose host runs strongSwan: they hold charon output.
const CHARON_HOSTS: &[(&str, &str)] = &[
    ("interop-ikev1-strongswan-02-psk-responder", "east"),
    ("interop-ikev2-strongswan-02-psk-responder", "east"),
    ("interop-ikev2-strongswan-10-nat-initiator", "road"),
    ("interop-ikev2-strongswan-25-ke-mismatch-initiator", "east"),
    ("interop-ikev2-strongswan-26-ke-mismatch-responder", "west"),
    ("interop-ikev2-strongswan-27-fragmentation", "east"),
];

#[test]
fn pluto_transcripts_get_the_diagnosis_their_tests_describe() {
    assert!(TRANSCRIPTS.len() >= 60);
    let mut wrong = Vec::new();
    for (dir, host, code) in TRANSCRIPTS {
        let path = fixture(&format!("corpus/config/libreswan/{dir}/{host}.console.txt"));
        let (exit, r) = run(std::slice::from_ref(&path));
        let fault = !matches!(*code, "healthy" | "inconclusive");
        let kind = if CHARON_HOSTS.contains(&(dir, host)) {
            "strongswan-output"
        } else {
            "libreswan-output"
        };
        if r["verdict"] != *code
            || exit != i32::from(fault)
            || r["inputs"][0]["kind"] != kind
            || r["peers"][0]["name"] != *host
        {
            wrong.push(format!(
                "{dir}/{host}: want {code} (exit {}, {kind}), got {} (exit {exit}, {}, peer {})",
                i32::from(fault),
                r["verdict"],
                r["inputs"][0]["kind"],
                r["peers"][0]["name"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn openswan_lp06_no_proposal_chosen_from_pluto_output_and_captures() {
    // The responder's pluto output says it chose no proposal and told the initiator so; the
    // captures hold the initiator's messages.
    let dir = fixture("corpus/pcap/openswan/lp06-msg1nopropchosen");
    let (_, r) = run(&[dir]);
    assert_eq!(r["verdict"], "ike-proposal-mismatch", "{r:#}");
    assert!(
        codes(&r, "error")
            .iter()
            .all(|c| c == "ike-proposal-mismatch")
    );
}
