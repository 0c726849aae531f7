//! libreswan/Openswan pluto output: the corpus' expected console transcripts (real pluto
//! output for failing scenarios, `tests/fixtures/corpus/config/libreswan/<test>/`) and the
//! Openswan capture case lp06, through the real binary.

mod common;

use common::{codes, fixture, run};

/// (test directory, what its description.txt says → the cause we must give)
const TRANSCRIPTS: &[(&str, &str)] = &[
    // "psk test where responder forgot password.secrets entry": seen from the initiator, the
    // responder refuses its authentication.
    ("ikev2-05-basic-psk-missing-responder", "psk-mismatch"),
    // The initiator itself has no key for the peer.
    ("ikev2-05-basic-psk-missing-initiator", "no-psk-for-peer"),
    // "NO_PROPOSAL_CHOSEN is returned using IKE_AUTH": the child's traffic selectors.
    ("ikev2-35-mismatched-child", "crypto-acl-asymmetric"),
    // Tunnel vs transport mode: the child SA proposal is refused.
    ("ikev2-21-mode-mismatch-02", "transform-set-mismatch"),
    // Aggressive mode answered by NO_PROPOSAL_CHOSEN, then timing out: the refusal decides.
    (
        "ikev1-aggr-07-no-isakmp-proposal-chosen",
        "ike-proposal-mismatch",
    ),
    // "east has no connection loaded": IKEv2 gets NO_PROPOSAL_CHOSEN.
    ("basic-pluto-15-no-retransmit", "ike-proposal-mismatch"),
];

#[test]
fn pluto_transcripts_get_the_diagnosis_their_tests_describe() {
    for (dir, code) in TRANSCRIPTS {
        let path = fixture(&format!("corpus/config/libreswan/{dir}/west.console.txt"));
        let (exit, r) = run(std::slice::from_ref(&path));
        assert_eq!(exit, 1, "{dir}");
        assert_eq!(r["verdict"], *code, "{dir}: {r:#}");
        assert_eq!(r["inputs"][0]["kind"], "libreswan-output", "{dir}");
        assert_eq!(
            r["peers"][0]["name"], "west",
            "{dir}: the prompt names the host"
        );
    }
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
